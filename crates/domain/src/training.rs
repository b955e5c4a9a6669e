//! Training of the grassroots forces and the people who work with them:
//! courses (a programme of topics with hours), classes (a course run by a
//! province or a commune for an audience, on session days, for a number
//! of places), enrolment, attendance per session, a test result, and who
//! passes and gets a numbered certificate. No IO: `store::training` writes
//! what these types allow. People are `store::forces`'s: one record per
//! person, so a member who moves village keeps their training history.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::DomainError;
use crate::forces::{NewPerson, PersonInput};
use crate::models::{optional_date, optional_note, optional_text, required_text};
use crate::reason::Reason;

/// Names, places, trainers.
pub const MAX_SHORT_CHARS: usize = 200;
/// The longest class: a few weeks of sessions, one per day at most.
pub const MAX_SESSIONS: usize = 60;
/// Places in one class.
pub const MAX_CAPACITY: i32 = 1_000;
/// A test is marked out of 10.
pub const MAX_SCORE: f64 = 10.0;

coded!(
    /// What a course teaches (the article's list).
    Topic, TrainingTopicUnknown, TrainingTopic {
        InformationGathering = "thu_thap_thong_tin", "Thu thập, nắm tình hình", "information gathering";
        BuildingMovement = "xay_dung_phong_trao", "Xây dựng phong trào toàn dân bảo vệ ANTQ", "building the movement";
        FireRescue = "pccc_cnch", "Phòng cháy, chữa cháy và cứu nạn, cứu hộ", "fire prevention and rescue";
        Administration = "quan_ly_hanh_chinh", "Quản lý hành chính về trật tự xã hội", "administrative management";
        EducatingOffenders = "giao_duc_doi_tuong", "Giáo dục, cảm hóa đối tượng", "educating offenders";
        Patrols = "tuan_tra", "Tuần tra, kiểm soát", "patrols";
        Equipment = "cong_cu_ho_tro", "Sử dụng công cụ hỗ trợ", "equipment";
        Law = "phap_luat", "Kiến thức pháp luật", "the law";
    }
);

coded!(
    /// Whom a class is for.
    Audience, TrainingAudienceUnknown, TrainingAudience {
        TeamMembers = "team_members", "Thành viên Tổ bảo vệ ANTT", "security team members";
        CommunePolice = "commune_police", "Công an cấp xã", "commune police";
        AgencyGuards = "agency_guards", "Bảo vệ cơ quan, doanh nghiệp", "agency and enterprise guards";
        PartnerOfficers = "partner_officers", "Cán bộ Mặt trận, đoàn thể", "partner organisations' officers";
    }
);

// ---- courses --------------------------------------------------------------------

/// A topic of a course and its hours, as sent.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicHoursInput {
    #[schema(required, nullable = false, value_type = Option<Topic>)]
    pub topic: Option<String>,
    #[schema(required, nullable = false, minimum = 1, maximum = 200)]
    pub hours: Option<i32>,
}

/// A new course, as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CourseInput {
    #[schema(required, nullable = false)]
    pub name: Option<String>,
    /// At least one topic, each once.
    #[schema(required, nullable = false)]
    pub topics: Option<Vec<TopicHoursInput>>,
    /// After how many months a passed trainee is due a refresher (none: never).
    #[schema(minimum = 1, maximum = 120)]
    pub refresher_months: Option<i32>,
    /// The lowest passing score out of 10 (default 5).
    #[schema(minimum = 0, maximum = 10)]
    pub pass_mark: Option<f64>,
    /// The share of sessions a trainee must attend to pass (default 80).
    #[schema(minimum = 0, maximum = 100)]
    pub min_attendance_percent: Option<i32>,
}

/// A checked course.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCourse {
    pub name: String,
    pub topics: Vec<(Topic, i32)>,
    pub refresher_months: Option<i32>,
    pub pass_mark: f64,
    pub min_attendance_percent: i32,
}

impl NewCourse {
    pub fn parse(input: &CourseInput) -> Result<Self, DomainError> {
        let mut topics: Vec<(Topic, i32)> = Vec::new();
        for t in input.topics.as_deref().unwrap_or_default() {
            let topic = Topic::parse(
                "topics",
                t.topic
                    .as_deref()
                    .ok_or_else(|| DomainError::new("topics", Reason::Required))?,
            )?;
            let hours = t
                .hours
                .filter(|h| (1..=200).contains(h))
                .ok_or_else(|| DomainError::new("topics", Reason::CountOutOfRange { max: 200 }))?;
            if topics.iter().any(|(x, _)| *x == topic) {
                return Err(DomainError::new(
                    "topics",
                    Reason::TopicTwice {
                        topic: topic.term(),
                    },
                ));
            }
            topics.push((topic, hours));
        }
        if topics.is_empty() {
            return Err(DomainError::new("topics", Reason::Required));
        }
        let refresher_months = match input.refresher_months {
            None => None,
            Some(m) if (1..=120).contains(&m) => Some(m),
            Some(_) => {
                return Err(DomainError::new(
                    "refresher_months",
                    Reason::CountOutOfRange { max: 120 },
                ))
            }
        };
        let pass_mark = input.pass_mark.unwrap_or(5.0);
        if !(0.0..=MAX_SCORE).contains(&pass_mark) {
            return Err(DomainError::new("pass_mark", Reason::ScoreOutOfRange));
        }
        let min_attendance_percent = input.min_attendance_percent.unwrap_or(80);
        if !(0..=100).contains(&min_attendance_percent) {
            return Err(DomainError::new(
                "min_attendance_percent",
                Reason::PercentOutOfRange,
            ));
        }
        Ok(Self {
            name: required_text("name", input.name.as_deref(), MAX_SHORT_CHARS)?,
            topics,
            refresher_months,
            pass_mark,
            min_attendance_percent,
        })
    }

    pub fn total_hours(&self) -> i32 {
        self.topics.iter().map(|(_, h)| h).sum()
    }
}

// ---- classes --------------------------------------------------------------------

/// A new class, as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassInput {
    #[schema(required, nullable = false)]
    pub course_id: Option<i64>,
    /// The province or commune that runs it.
    #[schema(required, nullable = false)]
    pub organiser_unit_id: Option<i64>,
    /// Defaults to the course's name and the first day's month.
    pub name: Option<String>,
    #[schema(required, nullable = false, value_type = Option<Audience>)]
    pub audience: Option<String>,
    #[schema(required, nullable = false, value_type = crate::schema::Day)]
    pub starts_on: Option<String>,
    #[schema(required, nullable = false, value_type = crate::schema::Day)]
    pub ends_on: Option<String>,
    /// The session days (default: every day from the first to the last).
    #[schema(value_type = Option<Vec<crate::schema::Day>>)]
    pub sessions: Option<Vec<String>>,
    pub place: Option<String>,
    pub trainers: Option<String>,
    /// Partner organisations that co-organise it, as named.
    pub partners: Option<String>,
    #[schema(required, nullable = false, minimum = 1, maximum = 1000)]
    pub capacity: Option<i32>,
}

/// A checked class.
#[derive(Debug, Clone, PartialEq)]
pub struct NewClass {
    pub course_id: i64,
    pub organiser_unit_id: i64,
    pub name: Option<String>,
    pub audience: Audience,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub sessions: Vec<NaiveDate>,
    pub place: Option<String>,
    pub trainers: Option<String>,
    pub partners: Option<String>,
    pub capacity: i32,
}

impl NewClass {
    pub fn parse(input: &ClassInput) -> Result<Self, DomainError> {
        let required_id = |field: &'static str, v: Option<i64>| {
            v.filter(|v| *v > 0)
                .ok_or_else(|| DomainError::new(field, Reason::Required))
        };
        let starts_on = optional_date("starts_on", input.starts_on.as_deref())?
            .ok_or_else(|| DomainError::new("starts_on", Reason::Required))?;
        let ends_on = optional_date("ends_on", input.ends_on.as_deref())?
            .ok_or_else(|| DomainError::new("ends_on", Reason::Required))?;
        if ends_on < starts_on {
            return Err(DomainError::new("ends_on", Reason::EndBeforeStart));
        }
        let sessions = sessions(input.sessions.as_deref(), starts_on, ends_on)?;
        let audience = Audience::parse(
            "audience",
            input
                .audience
                .as_deref()
                .ok_or_else(|| DomainError::new("audience", Reason::Required))?,
        )?;
        let capacity = input
            .capacity
            .filter(|c| (1..=MAX_CAPACITY).contains(c))
            .ok_or_else(|| {
                DomainError::new(
                    "capacity",
                    Reason::CountOutOfRange {
                        max: i64::from(MAX_CAPACITY),
                    },
                )
            })?;
        Ok(Self {
            course_id: required_id("course_id", input.course_id)?,
            organiser_unit_id: required_id("organiser_unit_id", input.organiser_unit_id)?,
            name: optional_text("name", input.name.as_deref(), MAX_SHORT_CHARS)?,
            audience,
            starts_on,
            ends_on,
            sessions,
            place: optional_text("place", input.place.as_deref(), MAX_SHORT_CHARS)?,
            trainers: optional_text("trainers", input.trainers.as_deref(), MAX_SHORT_CHARS)?,
            partners: optional_text("partners", input.partners.as_deref(), MAX_SHORT_CHARS)?,
            capacity,
        })
    }

    /// "Tập huấn {course} tháng 3/2026", unless named.
    pub fn name_or(&self, course: &str) -> String {
        self.name.clone().unwrap_or_else(|| {
            format!(
                "{course} tháng {}/{}",
                self.starts_on.month(),
                self.starts_on.year()
            )
        })
    }
}

/// The session days: as listed (each within the class's days, each once,
/// in order), or every day from the first to the last.
fn sessions(
    listed: Option<&[String]>,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<NaiveDate>, DomainError> {
    let too_many = || {
        DomainError::new(
            "sessions",
            Reason::CountOutOfRange {
                max: MAX_SESSIONS as i64,
            },
        )
    };
    let mut days = match listed {
        Some(list) if !list.is_empty() => {
            let mut days = Vec::with_capacity(list.len());
            for s in list {
                let d = crate::time::parse_date("sessions", s)?;
                if d < first || d > last {
                    return Err(DomainError::new("sessions", Reason::SessionOutsideClass));
                }
                days.push(d);
            }
            days
        }
        _ => first
            .iter_days()
            .take_while(|d| *d <= last)
            .take(MAX_SESSIONS + 1)
            .collect(),
    };
    days.sort();
    days.dedup();
    if days.len() > MAX_SESSIONS {
        return Err(too_many());
    }
    Ok(days)
}

// ---- enrolment, attendance, results ---------------------------------------------

/// Someone enrolled in a class: a person on record, or a new one.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolInput {
    pub person_id: Option<i64>,
    pub person: Option<PersonInput>,
}

/// Who an enrolment is for.
#[derive(Debug, Clone, PartialEq)]
pub enum Trainee {
    Existing(i64),
    New(NewPerson),
}

impl EnrolInput {
    pub fn parse(&self, today: NaiveDate) -> Result<Trainee, DomainError> {
        match (self.person_id, &self.person) {
            (Some(id), None) if id > 0 => Ok(Trainee::Existing(id)),
            (None, Some(p)) => Ok(Trainee::New(NewPerson::parse(p, today)?)),
            _ => Err(DomainError::new("person", Reason::PersonOrId)),
        }
    }
}

/// One trainee's presence at one session, as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceMark {
    #[schema(required, nullable = false)]
    pub enrolment_id: Option<i64>,
    #[schema(required, nullable = false, value_type = crate::schema::Day)]
    pub session_on: Option<String>,
    #[schema(required, nullable = false)]
    pub present: Option<bool>,
}

/// A checked attendance mark.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mark {
    pub enrolment_id: i64,
    pub session_on: NaiveDate,
    pub present: bool,
}

/// Marks a batch holds at most (a class's trainees × its sessions, with room).
pub const MAX_MARKS: usize = 20_000;

impl AttendanceMark {
    pub fn parse_all(marks: &[AttendanceMark]) -> Result<Vec<Mark>, DomainError> {
        if marks.len() > MAX_MARKS {
            return Err(DomainError::new(
                "marks",
                Reason::CountOutOfRange {
                    max: MAX_MARKS as i64,
                },
            ));
        }
        marks
            .iter()
            .map(|m| {
                Ok(Mark {
                    enrolment_id: m
                        .enrolment_id
                        .ok_or_else(|| DomainError::new("enrolment_id", Reason::Required))?,
                    session_on: optional_date("session_on", m.session_on.as_deref())?
                        .ok_or_else(|| DomainError::new("session_on", Reason::Required))?,
                    present: m
                        .present
                        .ok_or_else(|| DomainError::new("present", Reason::Required))?,
                })
            })
            .collect()
    }
}

/// A trainee's test result, as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultInput {
    #[schema(required, nullable = false, minimum = 0, maximum = 10)]
    pub score: Option<f64>,
    pub note: Option<String>,
}

impl ResultInput {
    pub fn parse(&self) -> Result<(f64, Option<String>), DomainError> {
        let score = self
            .score
            .filter(|s| (0.0..=MAX_SCORE).contains(s))
            .ok_or_else(|| DomainError::new("score", Reason::ScoreOutOfRange))?;
        Ok((score, optional_note("note", self.note.as_deref(), 500)?))
    }
}

/// Whether a trainee passed: the course's mark, and enough sessions
/// attended.
pub fn passed(
    score: f64,
    attended: usize,
    sessions: usize,
    pass_mark: f64,
    min_percent: i32,
) -> bool {
    let enough = sessions == 0
        || attended * 100 >= sessions * usize::try_from(min_percent.max(0)).unwrap_or(0);
    score >= pass_mark && enough
}

/// The day a passed trainee is due a refresher.
pub fn refresher_due(certified_on: NaiveDate, months: i32) -> NaiveDate {
    u32::try_from(months)
        .ok()
        .and_then(|m| certified_on.checked_add_months(Months::new(m)))
        .unwrap_or(NaiveDate::MAX)
}

/// A certificate's number: the organiser's sequence in the year,
/// "{n}/{year}/CN-TH".
pub fn certificate_no(seq: i64, year: i32) -> String {
    format!("{seq:03}/{year}/CN-TH")
}

// ---- the attendance sheet ---------------------------------------------------------

/// The attendance sheet's first columns; then a column per session.
pub const SHEET_COLUMNS: [&str; 3] = ["Mã học viên", "Họ và tên", "Năm sinh"];

/// A session's column header: its day as Vietnamese writes it.
pub fn session_header(day: NaiveDate) -> String {
    day.format("%d/%m/%Y").to_string()
}

/// What a cell says: present ("x", "1", "có"), absent (blank, "0",
/// "v", "vắng", "k"), or not understood.
fn presence(cell: &str) -> Option<bool> {
    match crate::text::fold(cell.trim()).as_str() {
        "x" | "1" | "co" | "c" | "co mat" => Some(true),
        "" | "0" | "v" | "vang" | "k" | "khong" => Some(false),
        _ => None,
    }
}

/// The marks of an attendance sheet filled in by hand (`rows`: the row's
/// number in the file and its cells, the header first): each trainee of
/// `enrolled` at each session column. A session column left wholly blank
/// was not marked and writes nothing; in a column with any mark a blank is
/// absent. The first problem refuses the sheet, naming its row and column.
pub fn marks_from_sheet(
    rows: &[(usize, Vec<String>)],
    sessions: &[NaiveDate],
    enrolled: &[i64],
) -> Result<Vec<Mark>, DomainError> {
    let bad_header = |i: usize| {
        DomainError::new(
            "file",
            Reason::AttendanceSheetHeader {
                column: crate::file::column_letter(i),
            },
        )
    };
    let Some(((_, header), body)) = rows.split_first() else {
        return Err(bad_header(0));
    };
    for (i, want) in SHEET_COLUMNS.iter().enumerate() {
        if header.get(i).map(|h| crate::text::fold(h.trim())) != Some(crate::text::fold(want)) {
            return Err(bad_header(i));
        }
    }
    let mut days = Vec::new();
    for (i, h) in header.iter().enumerate().skip(SHEET_COLUMNS.len()) {
        if h.trim().is_empty() {
            continue;
        }
        let day = NaiveDate::parse_from_str(h.trim(), "%d/%m/%Y")
            .ok()
            .or_else(|| crate::time::parse_date("day", h.trim()).ok())
            .filter(|d| sessions.contains(d))
            .ok_or_else(|| bad_header(i))?;
        days.push((i, day));
    }
    let mut seen = std::collections::HashSet::new();
    let mut cells: Vec<Mark> = Vec::new();
    let mut marked = std::collections::HashSet::new();
    for (row, cols) in body {
        if cols.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let id = cols
            .first()
            .and_then(|c| c.trim().trim_end_matches(".0").parse::<i64>().ok())
            .filter(|id| enrolled.contains(id) && seen.insert(*id))
            .ok_or_else(|| {
                DomainError::new("file", Reason::AttendanceSheetTrainee { row: *row })
            })?;
        for (i, day) in &days {
            let cell = cols.get(*i).map(String::as_str).unwrap_or_default();
            let present = presence(cell).ok_or_else(|| {
                DomainError::new(
                    "file",
                    Reason::AttendanceSheetCell {
                        row: *row,
                        column: crate::file::column_letter(*i),
                    },
                )
            })?;
            if !cell.trim().is_empty() {
                marked.insert(*day);
            }
            cells.push(Mark {
                enrolment_id: id,
                session_on: *day,
                present,
            });
        }
    }
    let marks: Vec<Mark> = cells
        .into_iter()
        .filter(|m| marked.contains(&m.session_on))
        .collect();
    if marks.len() > MAX_MARKS {
        return Err(DomainError::new(
            "marks",
            Reason::CountOutOfRange {
                max: MAX_MARKS as i64,
            },
        ));
    }
    Ok(marks)
}

/// The columns of a list of trainees to enrol: someone on record by their
/// number, or a newcomer by name and date of birth (phone optional).
pub const TRAINEE_COLUMNS: [&str; 4] = ["Mã người", "Họ và tên", "Ngày sinh", "Điện thoại"];

/// The enrolments a list of trainees asks for (`rows`: the row's number
/// and cells, the header first), with each one's row number. Blank rows
/// are skipped; a row's own problems (a bad date) are found when it is
/// enrolled, and named by its row then.
pub fn trainees_from_sheet(
    rows: &[(usize, Vec<String>)],
) -> Result<Vec<(usize, EnrolInput)>, DomainError> {
    let bad_header = |i: usize| {
        DomainError::new(
            "file",
            Reason::TraineeSheetHeader {
                column: crate::file::column_letter(i),
            },
        )
    };
    let Some(((_, header), body)) = rows.split_first() else {
        return Err(bad_header(0));
    };
    for (i, want) in TRAINEE_COLUMNS.iter().enumerate() {
        let got = header.get(i).map(|h| crate::text::fold(h.trim()));
        let fits = match &got {
            Some(g) => *g == crate::text::fold(want),
            // The phone column may be left out.
            None => i == TRAINEE_COLUMNS.len() - 1,
        };
        if !fits {
            return Err(bad_header(i));
        }
    }
    let mut out = Vec::new();
    for (row, cols) in body {
        let cell = |i: usize| {
            cols.get(i)
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty())
        };
        if cols.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let input = match cell(0) {
            Some(id) => EnrolInput {
                person_id: Some(id.trim_end_matches(".0").parse().map_err(|_| {
                    DomainError::new(
                        "file",
                        Reason::TraineeRowRefused {
                            row: *row,
                            why: format!("mã người \"{id}\" không phải một số"),
                        },
                    )
                })?),
                person: None,
            },
            None => EnrolInput {
                person_id: None,
                person: Some(PersonInput {
                    full_name: cell(1),
                    birth_date: cell(2),
                    phone: cell(3),
                    ..Default::default()
                }),
            },
        };
        out.push((*row, input));
    }
    if out.len() > MAX_CAPACITY as usize {
        return Err(DomainError::new(
            "file",
            Reason::CountOutOfRange {
                max: i64::from(MAX_CAPACITY),
            },
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn course() -> CourseInput {
        CourseInput {
            name: Some("Bồi dưỡng nghiệp vụ Tổ bảo vệ ANTT".into()),
            topics: Some(vec![
                TopicHoursInput {
                    topic: Some("tuan_tra".into()),
                    hours: Some(8),
                },
                TopicHoursInput {
                    topic: Some("pccc_cnch".into()),
                    hours: Some(4),
                },
            ]),
            refresher_months: Some(12),
            ..Default::default()
        }
    }

    #[test]
    fn an_attendance_sheet_marks_the_sessions_it_fills_in() {
        let days = [d("2026-03-02"), d("2026-03-03"), d("2026-03-04")];
        let row = |n: usize, cells: &[&str]| (n, cells.iter().map(|c| c.to_string()).collect());
        let header = row(
            1,
            &[
                "Mã học viên",
                "Họ và tên",
                "Năm sinh",
                "02/03/2026",
                "03/03/2026",
                "04/03/2026",
            ],
        );
        let sheet = vec![
            header.clone(),
            row(2, &["7", "A", "1990", "x", "", ""]),
            row(3, &["8.0", "B", "1991", "X", "vắng", ""]),
            row(4, &["", "", "", "", "", ""]),
        ];
        let marks = marks_from_sheet(&sheet, &days, &[7, 8]).unwrap();
        // The third session was not marked at all: nothing written for it.
        assert_eq!(marks.len(), 4);
        assert!(marks.contains(&Mark {
            enrolment_id: 8,
            session_on: days[1],
            present: false
        }));
        assert!(marks.contains(&Mark {
            enrolment_id: 7,
            session_on: days[0],
            present: true
        }));
        // A word that is neither present nor absent names its cell.
        let mut bad = sheet.clone();
        bad[1] = row(2, &["7", "A", "1990", "muộn", "", ""]);
        let e = marks_from_sheet(&bad, &days, &[7, 8]).unwrap_err();
        assert!(e.to_string().contains("dòng 2, cột D"), "{e}");
        // Someone not in the class, or twice.
        assert!(marks_from_sheet(&sheet, &days, &[7]).is_err());
        let mut twice = sheet.clone();
        twice[2] = row(3, &["7", "A", "1990", "x", "", ""]);
        assert!(marks_from_sheet(&twice, &days, &[7, 8]).is_err());
        // A day the class does not meet, or another sheet.
        let mut other = sheet.clone();
        other[0] = row(1, &["Mã học viên", "Họ và tên", "Năm sinh", "09/03/2026"]);
        assert!(marks_from_sheet(&other, &days, &[7, 8]).is_err());
        other[0] = row(1, &["Tên", "Họ và tên", "Năm sinh"]);
        assert!(marks_from_sheet(&other, &days, &[7, 8]).is_err());
    }

    #[test]
    fn a_list_of_trainees_names_people_on_record_or_newcomers() {
        let row = |n: usize, cells: &[&str]| (n, cells.iter().map(|c| c.to_string()).collect());
        let sheet = vec![
            row(1, &["Mã người", "Họ và tên", "Ngày sinh", "Điện thoại"]),
            row(2, &["12", "", "", ""]),
            row(3, &["", "Lê Thị Mơ", "1990-02-02", "0912"]),
            row(4, &["", "", "", ""]),
        ];
        let got = trainees_from_sheet(&sheet).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].1.person_id, Some(12));
        assert_eq!(got[1].0, 3);
        assert_eq!(
            got[1].1.person.as_ref().unwrap().full_name.as_deref(),
            Some("Lê Thị Mơ")
        );
        let mut bad = sheet.clone();
        bad[1] = row(2, &["mười hai", "", "", ""]);
        assert!(trainees_from_sheet(&bad)
            .unwrap_err()
            .to_string()
            .contains("dòng 2"));
        bad[0] = row(1, &["Họ và tên", "Ngày sinh"]);
        assert!(trainees_from_sheet(&bad).is_err());
    }

    #[test]
    fn a_course_has_topics_each_once_with_hours() {
        let c = NewCourse::parse(&course()).unwrap();
        assert_eq!(c.total_hours(), 12);
        assert_eq!(c.pass_mark, 5.0);
        let mut twice = course();
        twice.topics.as_mut().unwrap()[1].topic = Some("tuan_tra".into());
        assert_eq!(NewCourse::parse(&twice).unwrap_err().field, "topics");
        let mut none = course();
        none.topics = Some(vec![]);
        assert!(NewCourse::parse(&none).is_err());
        let mut bad = course();
        bad.pass_mark = Some(11.0);
        assert_eq!(NewCourse::parse(&bad).unwrap_err().field, "pass_mark");
    }

    #[test]
    fn a_class_has_its_sessions_within_its_days() {
        let input = ClassInput {
            course_id: Some(1),
            organiser_unit_id: Some(2),
            audience: Some("team_members".into()),
            starts_on: Some("2026-03-02".into()),
            ends_on: Some("2026-03-04".into()),
            capacity: Some(40),
            ..Default::default()
        };
        let c = NewClass::parse(&input).unwrap();
        assert_eq!(
            c.sessions,
            [d("2026-03-02"), d("2026-03-03"), d("2026-03-04")]
        );
        assert_eq!(c.name_or("Bồi dưỡng"), "Bồi dưỡng tháng 3/2026");
        let listed = ClassInput {
            sessions: Some(vec![
                "2026-03-04".into(),
                "2026-03-02".into(),
                "2026-03-02".into(),
            ]),
            ..input.clone()
        };
        assert_eq!(
            NewClass::parse(&listed).unwrap().sessions,
            [d("2026-03-02"), d("2026-03-04")]
        );
        let outside = ClassInput {
            sessions: Some(vec!["2026-03-05".into()]),
            ..input.clone()
        };
        assert_eq!(NewClass::parse(&outside).unwrap_err().field, "sessions");
        let backwards = ClassInput {
            ends_on: Some("2026-03-01".into()),
            ..input.clone()
        };
        assert_eq!(NewClass::parse(&backwards).unwrap_err().field, "ends_on");
        let long = ClassInput {
            ends_on: Some("2026-06-30".into()),
            ..input.clone()
        };
        assert_eq!(NewClass::parse(&long).unwrap_err().field, "sessions");
        let full = ClassInput {
            capacity: Some(0),
            ..input
        };
        assert_eq!(NewClass::parse(&full).unwrap_err().field, "capacity");
    }

    #[test]
    fn passing_needs_the_mark_and_the_sessions() {
        assert!(passed(5.0, 4, 5, 5.0, 80));
        assert!(!passed(4.9, 5, 5, 5.0, 80));
        assert!(!passed(9.0, 3, 5, 5.0, 80));
        assert_eq!(refresher_due(d("2025-03-31"), 12), d("2026-03-31"));
        assert_eq!(certificate_no(7, 2026), "007/2026/CN-TH");
    }
}
