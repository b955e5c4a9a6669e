//! Directives and their tasks: a level (the department, a commune police)
//! directs the units below it, each task given to one or many owner units
//! ("every commune of the province") with a due day and the kind of report
//! it expects; each owner reports on its own share (done, in progress,
//! blocked with a reason), and the issuing level follows them on a board.
//! No IO: `store::directives` writes what these types allow.

use chrono::{Duration, NaiveDate};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::DomainError;
use crate::models::{optional_date, optional_note, optional_text, required_text};
use crate::reason::Reason;

pub const MAX_SUBJECT_CHARS: usize = 500;
pub const MAX_REFERENCE_CHARS: usize = 120;
pub const MAX_NOTE_CHARS: usize = 4_000;
pub const MAX_TASKS: usize = 50;
/// Owner units named one by one (beyond that: every commune below).
pub const MAX_OWNERS: usize = 500;
/// A task is due within this many years of its directive.
pub const MAX_YEARS: i64 = 5;

coded!(
    /// What a task asks its owners to send.
    Expects, TaskExpectsUnknown, TaskExpects {
        Text = "text", "Báo cáo bằng văn bản", "a written report";
        File = "file", "Tệp báo cáo", "a file";
        Figures = "figures", "Số liệu của một bộ chỉ tiêu", "figures of a data set";
        Models = "models", "Số mô hình", "a count of models";
        Certifications = "certifications", "Số đơn vị được công nhận an toàn về ANTT", "a count of certified units";
    }
);

coded!(
    /// Where an owner stands on its task, as it reported.
    State, TaskStateUnknown, TaskState {
        NotStarted = "not_started", "Chưa thực hiện", "not started";
        InProgress = "in_progress", "Đang thực hiện", "in progress";
        Done = "done", "Đã hoàn thành", "done";
        Blocked = "blocked", "Vướng mắc", "blocked";
    }
);

/// A task as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskInput {
    #[schema(required, nullable = false)]
    pub title: Option<String>,
    #[schema(required, nullable = false, value_type = Option<crate::schema::Day>)]
    pub due_on: Option<String>,
    #[schema(required, nullable = false, value_type = Option<Expects>)]
    pub expects: Option<String>,
    /// For `figures`: the data set whose figures the owners submit.
    pub data_set_id: Option<i64>,
    /// The owner units, one by one.
    pub owners: Option<Vec<i64>>,
    /// Every commune below the issuing unit (those existing on the day of
    /// issue) instead.
    pub every_commune: Option<bool>,
}

/// Who a task is given to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owners {
    Units(Vec<i64>),
    EveryCommune,
}

/// What a task expects, with what it needs to say so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    Text,
    File,
    Figures { data_set_id: i64 },
    Models,
    Certifications,
}

impl Expected {
    pub fn kind(self) -> Expects {
        match self {
            Expected::Text => Expects::Text,
            Expected::File => Expects::File,
            Expected::Figures { .. } => Expects::Figures,
            Expected::Models => Expects::Models,
            Expected::Certifications => Expects::Certifications,
        }
    }
}

/// A checked task.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTask {
    pub title: String,
    pub due_on: NaiveDate,
    pub expected: Expected,
    pub owners: Owners,
}

impl NewTask {
    /// A task of a directive issued on `issued_on`: due on or after it.
    pub fn parse(input: &TaskInput, issued_on: NaiveDate) -> Result<Self, DomainError> {
        let title = required_text("title", input.title.as_deref(), MAX_SUBJECT_CHARS)?;
        let due_on = optional_date("due_on", input.due_on.as_deref())?
            .ok_or_else(|| DomainError::new("due_on", Reason::Required))?;
        if due_on < issued_on || due_on > issued_on + Duration::days(MAX_YEARS * 366) {
            return Err(DomainError::new(
                "due_on",
                Reason::TaskDueOutside {
                    issued_on,
                    max_years: MAX_YEARS,
                },
            ));
        }
        let kind = Expects::parse(
            "expects",
            input
                .expects
                .as_deref()
                .ok_or_else(|| DomainError::new("expects", Reason::Required))?,
        )?;
        let expected = match kind {
            Expects::Text => Expected::Text,
            Expects::File => Expected::File,
            Expects::Figures => Expected::Figures {
                data_set_id: input
                    .data_set_id
                    .filter(|d| *d > 0)
                    .ok_or_else(|| DomainError::new("data_set_id", Reason::Required))?,
            },
            Expects::Models => Expected::Models,
            Expects::Certifications => Expected::Certifications,
        };
        Ok(NewTask {
            title,
            due_on,
            expected,
            owners: owners(input)?,
        })
    }
}

/// Owner units one by one or every commune, not both and not neither.
fn owners(input: &TaskInput) -> Result<Owners, DomainError> {
    let mut units = input.owners.clone().unwrap_or_default();
    units.sort_unstable();
    units.dedup();
    if units.iter().any(|u| *u <= 0) {
        return Err(DomainError::new("owners", Reason::Required));
    }
    match (input.every_commune.unwrap_or(false), units.is_empty()) {
        (true, true) => Ok(Owners::EveryCommune),
        (false, false) if units.len() <= MAX_OWNERS => Ok(Owners::Units(units)),
        (false, false) => Err(DomainError::new(
            "owners",
            Reason::TooManyItems { max: MAX_OWNERS },
        )),
        _ => Err(DomainError::new("owners", Reason::TaskOwnersInvalid)),
    }
}

/// A directive as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DirectiveInput {
    /// The issuing unit: the province (its department) or a commune;
    /// none for a national directive (the Ministry's: administrators'),
    /// whose "every commune" is every commune of the country.
    pub org_unit_id: Option<i64>,
    /// The directive in the document register, when it is there.
    pub document_id: Option<i64>,
    /// Its number and symbol otherwise ("15/KH-CAT").
    pub reference: Option<String>,
    #[schema(required, nullable = false)]
    pub subject: Option<String>,
    #[schema(required, nullable = false, value_type = Option<crate::schema::Day>)]
    pub issued_on: Option<String>,
    pub summary: Option<String>,
    #[schema(required, nullable = false)]
    pub tasks: Option<Vec<TaskInput>>,
}

/// A checked directive with its tasks.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDirective {
    /// None: national.
    pub org_unit_id: Option<i64>,
    pub document_id: Option<i64>,
    pub reference: Option<String>,
    pub subject: String,
    pub issued_on: NaiveDate,
    pub summary: Option<String>,
    pub tasks: Vec<NewTask>,
}

impl NewDirective {
    pub fn parse(input: &DirectiveInput, today: NaiveDate) -> Result<Self, DomainError> {
        if input.org_unit_id.is_some_and(|u| u <= 0) {
            return Err(DomainError::new("org_unit_id", Reason::Required));
        }
        let org_unit_id = input.org_unit_id;
        let subject = required_text("subject", input.subject.as_deref(), MAX_SUBJECT_CHARS)?;
        let issued_on = optional_date("issued_on", input.issued_on.as_deref())?
            .ok_or_else(|| DomainError::new("issued_on", Reason::Required))?;
        if issued_on > today {
            return Err(DomainError::new("issued_on", Reason::DateInFuture));
        }
        let list = input.tasks.as_deref().unwrap_or_default();
        if list.is_empty() {
            return Err(DomainError::new("tasks", Reason::Required));
        }
        if list.len() > MAX_TASKS {
            return Err(DomainError::new(
                "tasks",
                Reason::TooManyItems { max: MAX_TASKS },
            ));
        }
        let tasks = list
            .iter()
            .map(|t| NewTask::parse(t, issued_on))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(NewDirective {
            org_unit_id,
            document_id: input.document_id.filter(|d| *d > 0),
            reference: optional_text("reference", input.reference.as_deref(), MAX_REFERENCE_CHARS)?,
            subject,
            issued_on,
            summary: optional_note("summary", input.summary.as_deref(), MAX_NOTE_CHARS)?,
            tasks,
        })
    }
}

/// An owner's report on its task, as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportInput {
    /// The owner unit reporting, when the user answers for several owners
    /// of the task (a province's staff for one of its communes).
    pub org_unit_id: Option<i64>,
    #[schema(required, nullable = false, value_type = Option<State>)]
    pub state: Option<String>,
    /// What was done (a written report's text).
    pub text: Option<String>,
    /// Why it is blocked (required then).
    pub reason: Option<String>,
}

/// A checked report: it moves the owner's state.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReport {
    pub state: State,
    pub text: Option<String>,
    pub reason: Option<String>,
}

impl NewReport {
    /// A report on a task expecting `expected`: a written report says
    /// what was done when it says done; a blocked task says why.
    pub fn parse(input: &ReportInput, expected: Expects) -> Result<Self, DomainError> {
        let state = State::parse(
            "state",
            input
                .state
                .as_deref()
                .ok_or_else(|| DomainError::new("state", Reason::Required))?,
        )?;
        if state == State::NotStarted {
            return Err(DomainError::new("state", Reason::TaskReportStateInvalid));
        }
        let text = optional_note("text", input.text.as_deref(), MAX_NOTE_CHARS)?;
        let reason = optional_note("reason", input.reason.as_deref(), MAX_NOTE_CHARS)?;
        if state == State::Blocked && reason.is_none() {
            return Err(DomainError::new("reason", Reason::Required));
        }
        if state == State::Done && expected == Expects::Text && text.is_none() {
            return Err(DomainError::new("text", Reason::Required));
        }
        Ok(NewReport {
            state,
            text,
            reason: reason.filter(|_| state == State::Blocked),
        })
    }
}

coded!(
    /// Where an owner's task stands on a day, as the board counts it (in
    /// the board's order: what needs a word first).
    Standing, TaskStandingUnknown, TaskStanding {
        /// Not done and past its due day.
        Late = "late", "Quá hạn", "late";
        Blocked = "blocked", "Vướng mắc", "blocked";
        /// Due within the coming week.
        DueSoon = "due_soon", "Đến hạn trong tuần", "due this week";
        InProgress = "in_progress", "Đang thực hiện", "in progress";
        NotStarted = "not_started", "Chưa thực hiện", "not started";
        Done = "done", "Đã hoàn thành", "done";
    }
);

impl Standing {
    /// Days ahead that count as "due this week".
    pub const SOON_DAYS: i64 = 7;

    pub fn of(state: State, due_on: NaiveDate, today: NaiveDate) -> Standing {
        match state {
            State::Done => Standing::Done,
            _ if due_on < today => Standing::Late,
            State::Blocked => Standing::Blocked,
            _ if due_on <= today + Duration::days(Self::SOON_DAYS) => Standing::DueSoon,
            State::InProgress => Standing::InProgress,
            State::NotStarted => Standing::NotStarted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn task() -> TaskInput {
        TaskInput {
            title: Some("Báo cáo kết quả xây dựng mô hình".into()),
            due_on: Some("2026-06-30".into()),
            expects: Some("text".into()),
            every_commune: Some(true),
            ..Default::default()
        }
    }

    fn directive() -> DirectiveInput {
        DirectiveInput {
            org_unit_id: Some(12),
            reference: Some(" 15/KH-CAT ".into()),
            subject: Some("Triển khai phong trào năm 2026".into()),
            issued_on: Some("2026-01-15".into()),
            tasks: Some(vec![task()]),
            ..Default::default()
        }
    }

    #[test]
    fn a_directive_gives_its_tasks_to_every_commune_or_to_units() {
        let today = d("2026-12-06");
        let n = NewDirective::parse(&directive(), today).unwrap();
        assert_eq!(n.reference.as_deref(), Some("15/KH-CAT"));
        assert_eq!(n.tasks[0].owners, Owners::EveryCommune);
        let mut by_units = directive();
        by_units.tasks = Some(vec![TaskInput {
            owners: Some(vec![7, 5, 7]),
            every_commune: None,
            expects: Some("figures".into()),
            data_set_id: Some(3),
            ..task()
        }]);
        let n = NewDirective::parse(&by_units, today).unwrap();
        assert_eq!(n.tasks[0].owners, Owners::Units(vec![5, 7]));
        assert_eq!(n.tasks[0].expected, Expected::Figures { data_set_id: 3 });
    }

    #[test]
    fn a_directive_refuses_what_cannot_be() {
        let today = d("2026-12-06");
        let field = |f: fn(&mut DirectiveInput)| {
            let mut i = directive();
            f(&mut i);
            NewDirective::parse(&i, today).unwrap_err().field
        };
        let task_field = |f: fn(&mut TaskInput)| {
            let mut t = task();
            f(&mut t);
            let mut i = directive();
            i.tasks = Some(vec![t]);
            NewDirective::parse(&i, today).unwrap_err().field
        };
        assert_eq!(
            field(|i| i.issued_on = Some("2027-01-01".into())),
            "issued_on"
        );
        assert_eq!(field(|i| i.tasks = Some(vec![])), "tasks");
        assert_eq!(field(|i| i.subject = Some("  ".into())), "subject");
        assert_eq!(field(|i| i.org_unit_id = Some(0)), "org_unit_id");
        // Due before its directive, or past five years.
        assert_eq!(
            task_field(|t| t.due_on = Some("2026-01-14".into())),
            "due_on"
        );
        assert_eq!(
            task_field(|t| t.due_on = Some("2032-01-15".into())),
            "due_on"
        );
        assert_eq!(task_field(|t| t.expects = Some("photo".into())), "expects");
        assert_eq!(
            task_field(|t| t.expects = Some("figures".into())),
            "data_set_id"
        );
        // Owners: one way or the other.
        assert_eq!(task_field(|t| t.owners = Some(vec![4])), "owners");
        assert_eq!(task_field(|t| t.every_commune = None), "owners");
        assert_eq!(
            task_field(|t| {
                t.every_commune = None;
                t.owners = Some((1..=501).collect());
            }),
            "owners"
        );
    }

    #[test]
    fn a_report_moves_the_state_and_says_why_it_is_blocked() {
        let report = |state: &str, text: Option<&str>, reason: Option<&str>| ReportInput {
            org_unit_id: None,
            state: Some(state.into()),
            text: text.map(Into::into),
            reason: reason.map(Into::into),
        };
        let ok = NewReport::parse(
            &report("blocked", None, Some("Thiếu kinh phí")),
            Expects::File,
        )
        .unwrap();
        assert_eq!(ok.reason.as_deref(), Some("Thiếu kinh phí"));
        let field = |r: ReportInput, e: Expects| NewReport::parse(&r, e).unwrap_err().field;
        assert_eq!(
            field(report("blocked", None, None), Expects::File),
            "reason"
        );
        assert_eq!(field(report("done", None, None), Expects::Text), "text");
        assert_eq!(
            field(report("not_started", None, None), Expects::Text),
            "state"
        );
        // A count or figures come from the registers: "done" says enough.
        assert!(NewReport::parse(&report("done", None, None), Expects::Models).is_ok());
        // A reason is kept only for a blocked task.
        let done = NewReport::parse(&report("done", Some("Xong"), Some("x")), Expects::Text);
        assert_eq!(done.unwrap().reason, None);
    }

    #[test]
    fn the_board_counts_late_before_blocked_and_due_this_week() {
        let today = d("2026-12-06");
        let s = |state, due: &str| Standing::of(state, d(due), today);
        assert_eq!(s(State::Done, "2026-01-01"), Standing::Done);
        assert_eq!(s(State::Blocked, "2026-12-05"), Standing::Late);
        assert_eq!(s(State::NotStarted, "2026-12-05"), Standing::Late);
        assert_eq!(s(State::Blocked, "2026-12-31"), Standing::Blocked);
        assert_eq!(s(State::InProgress, "2026-12-13"), Standing::DueSoon);
        assert_eq!(s(State::InProgress, "2026-12-14"), Standing::InProgress);
        assert_eq!(s(State::NotStarted, "2026-12-06"), Standing::DueSoon);
        assert_eq!(s(State::NotStarted, "2027-01-06"), Standing::NotStarted);
    }
}
