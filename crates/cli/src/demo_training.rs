//! Demo training for Ninh Bình: three courses, the province's class for
//! commune police, the ward's classes for its security teams (their
//! members enrolled from their records) and a few other communes'
//! classes, each with attendance and results; a year-old class whose
//! trainees are now due a refresher, and a class that ended last week
//! with its results still to enter (the home page's reminder). Every
//! write goes through the store, checked and audited as a user's would
//! be. Dates follow today, so the demo looks the same whenever it starts.

use chrono::{Duration, NaiveDate};
use domain::forces::{IdKey, PersonInput};
use domain::org_units::{Level, OrgUnit};
use domain::training::{
    AttendanceMark, ClassInput, CourseInput, EnrolInput, NewClass, NewCourse, TopicHoursInput,
};
use store::accounts::Scope;
use store::audit::Author;
use store::training;
use store::Db;

/// A course's topics with their hours.
type Topics = &'static [(&'static str, i32)];

/// (name, topics, refresher months): a team course, a fire course, a
/// course for commune police.
const COURSES: [(&str, Topics, Option<i32>); 3] = [
    (
        "Bồi dưỡng nghiệp vụ Tổ bảo vệ an ninh, trật tự",
        &[
            ("thu_thap_thong_tin", 4),
            ("tuan_tra", 8),
            ("pccc_cnch", 4),
            ("phap_luat", 4),
        ],
        Some(12),
    ),
    (
        "Kỹ năng phòng cháy, chữa cháy và cứu nạn, cứu hộ",
        &[("pccc_cnch", 8), ("cong_cu_ho_tro", 4)],
        Some(24),
    ),
    (
        "Nghiệp vụ xây dựng phong trào cho Công an cấp xã",
        &[
            ("xay_dung_phong_trao", 8),
            ("quan_ly_hanh_chinh", 8),
            ("giao_duc_doi_tuong", 4),
        ],
        None,
    ),
];

/// Trainees the demo enrols who are not team members: invented names.
const NEWCOMERS: [(&str, &str); 8] = [
    ("Nguyễn Thị Hằng", "1992-03-08"),
    ("Trịnh Văn Khải", "1987-07-21"),
    ("Lương Văn Tùng", "1995-10-02"),
    ("Phan Thị Nga", "1990-12-19"),
    ("Mai Văn Lực", "1984-05-27"),
    ("Cao Thị Thu", "1993-01-15"),
    ("Hà Văn Bình", "1989-09-09"),
    ("Vương Thị Yến", "1996-06-30"),
];

struct Class<'a> {
    course: i64,
    organiser: &'a OrgUnit,
    audience: &'a str,
    starts_on: NaiveDate,
    days: i64,
    place: &'a str,
    /// Enter results (and print certificates) once it is over.
    results: bool,
}

pub async fn seed(db: &Db, key: &IdKey, ward: &OrgUnit, today: NaiveDate) -> Result<usize, String> {
    let err = |e: store::StoreError| e.to_string();
    let derr = |e: domain::DomainError| e.to_string();
    if !training::courses(db).await.map_err(err)?.is_empty() {
        return Ok(0);
    }
    let mut ids = [0; 3];
    for (id, (name, topics, refresher)) in ids.iter_mut().zip(COURSES) {
        let input = CourseInput {
            name: Some(name.into()),
            topics: Some(
                topics
                    .iter()
                    .map(|(t, h)| TopicHoursInput {
                        topic: Some((*t).into()),
                        hours: Some(*h),
                    })
                    .collect(),
            ),
            refresher_months: refresher,
            pass_mark: None,
            min_attendance_percent: None,
        };
        let c = NewCourse::parse(&input).map_err(derr)?;
        *id = training::create_course(db, Author::System, &c)
            .await
            .map_err(err)?
            .id;
    }
    let [teams_course, fire_course, police_course] = ids;
    let province = store::org_units::resolve_code(db, Level::Province, "37", today)
        .await
        .map_err(err)?
        .ok_or("demo: không thấy tỉnh Ninh Bình")?;
    let communes = crate::demo::children(db, province.id, Level::Commune, today).await?;
    let members = team_members(db, ward, today).await?;
    let ago = |d: i64| today - Duration::days(d);
    let plan = [
        // A year and more ago: its trainees are due a refresher now.
        Class {
            course: teams_course,
            organiser: ward,
            audience: "team_members",
            starts_on: ago(400),
            days: 3,
            place: "Hội trường Công an phường Nam Định",
            results: true,
        },
        Class {
            course: police_course,
            organiser: &province,
            audience: "commune_police",
            starts_on: ago(200),
            days: 5,
            place: "Trường Chính trị tỉnh Ninh Bình",
            results: true,
        },
        Class {
            course: fire_course,
            organiser: ward,
            audience: "team_members",
            starts_on: ago(60),
            days: 2,
            place: "Nhà văn hóa Tổ dân phố Vị Xuyên 1",
            results: true,
        },
        // Over last week, its results not entered yet.
        Class {
            course: teams_course,
            organiser: ward,
            audience: "team_members",
            starts_on: ago(9),
            days: 3,
            place: "Hội trường Công an phường Nam Định",
            results: false,
        },
    ];
    let mut made = 0;
    for (k, c) in plan.iter().enumerate() {
        // The ward's classes train its members; the province's, newcomers.
        let people: Vec<EnrolInput> = if c.organiser.id == ward.id {
            members
                .iter()
                .map(|id| EnrolInput {
                    person_id: Some(*id),
                    person: None,
                })
                .chain(NEWCOMERS.iter().skip(k).take(2).map(newcomer))
                .collect()
        } else {
            NEWCOMERS.iter().map(newcomer).collect()
        };
        run_class(db, key, c, &people, k).await?;
        made += 1;
    }
    // A class in some other communes, for the province's summary.
    for (k, commune) in communes
        .iter()
        .filter(|u| u.id != ward.id)
        .step_by(9)
        .take(6)
        .enumerate()
    {
        let c = Class {
            course: if k % 2 == 0 {
                teams_course
            } else {
                fire_course
            },
            organiser: commune,
            audience: "team_members",
            starts_on: ago(30 + 25 * k as i64),
            days: 2,
            place: "Hội trường UBND",
            results: true,
        };
        let people: Vec<EnrolInput> = NEWCOMERS.iter().take(4 + k % 4).map(newcomer).collect();
        run_class(db, key, &c, &people, k + 7).await?;
        made += 1;
    }
    Ok(made)
}

fn newcomer(&(name, born): &(&str, &str)) -> EnrolInput {
    EnrolInput {
        person_id: None,
        person: Some(PersonInput {
            full_name: Some(name.into()),
            birth_date: Some(born.into()),
            ..Default::default()
        }),
    }
}

/// The people serving today in the ward's security teams.
async fn team_members(db: &Db, ward: &OrgUnit, today: NaiveDate) -> Result<Vec<i64>, String> {
    let err = |e: store::StoreError| e.to_string();
    let (teams, _) = store::forces::list(
        db,
        Scope::All,
        &store::forces::TeamQuery {
            org_unit: Some(ward.id),
            as_of: today,
            view: store::org_units::areas::View::Now,
            force: None,
            size: None,
            page: domain::page::Page {
                page: 1,
                per_page: domain::page::MAX_PER_PAGE,
            },
        },
    )
    .await
    .map_err(err)?;
    let mut people = Vec::new();
    for t in teams {
        for m in store::forces::members(db, t.id, Some(today))
            .await
            .map_err(err)?
        {
            people.push(m.person_id);
        }
    }
    Ok(people)
}

/// Sets up the class, enrols `people`, marks every session (one trainee
/// in five misses one), and, when it is over, enters the results (one in
/// seven below the pass mark).
async fn run_class(
    db: &Db,
    key: &IdKey,
    c: &Class<'_>,
    people: &[EnrolInput],
    seed: usize,
) -> Result<(), String> {
    let err = |e: store::StoreError| e.to_string();
    let derr = |e: domain::DomainError| e.to_string();
    let input = ClassInput {
        course_id: Some(c.course),
        organiser_unit_id: Some(c.organiser.id),
        name: None,
        audience: Some(c.audience.into()),
        starts_on: Some(c.starts_on.to_string()),
        ends_on: Some((c.starts_on + Duration::days(c.days - 1)).to_string()),
        sessions: None,
        place: Some(c.place.into()),
        trainers: Some("Phòng Xây dựng phong trào bảo vệ an ninh Tổ quốc".into()),
        partners: None,
        capacity: Some(40),
    };
    let new = NewClass::parse(&input).map_err(derr)?;
    let class = training::create_class(db, Author::System, Scope::All, &new)
        .await
        .map_err(err)?;
    let mut enrolled = Vec::new();
    for p in people {
        let e = training::enrol(db, Author::System, Scope::All, key, class.id, p)
            .await
            .map_err(err)?;
        enrolled.push(e.id);
    }
    let (_, sessions) = training::class(db, Scope::All, class.id)
        .await
        .map_err(err)?
        .ok_or("demo: lớp vừa tạo không thấy")?;
    let today = domain::time::today();
    let marks: Vec<AttendanceMark> = sessions
        .iter()
        .filter(|d| **d <= today)
        .enumerate()
        .flat_map(|(s, d)| {
            enrolled
                .iter()
                .enumerate()
                .map(move |(i, e)| AttendanceMark {
                    enrolment_id: Some(*e),
                    session_on: Some(d.to_string()),
                    present: Some(!((i + seed).is_multiple_of(5) && s == 0)),
                })
        })
        .collect();
    let marks = AttendanceMark::parse_all(&marks).map_err(derr)?;
    training::mark_attendance(db, Author::System, Scope::All, class.id, &marks)
        .await
        .map_err(err)?;
    if !c.results {
        return Ok(());
    }
    for (i, e) in enrolled.iter().enumerate() {
        let score = if (i + seed) % 7 == 3 {
            4.0
        } else {
            6.0 + ((i + seed) % 4) as f64
        };
        training::set_result(db, Author::System, Scope::All, class.id, *e, (score, None))
            .await
            .map_err(err)?;
    }
    Ok(())
}
