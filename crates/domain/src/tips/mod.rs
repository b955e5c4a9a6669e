//! Citizens' tips (tin báo, tố giác): a report of drugs, theft, gambling,
//! violence, a dispute, fraud or anything suspicious, sent to the commune
//! police of the place without saying who sends it, and followed up with
//! a receipt code. What a tip says is sealed to its recipients
//! ([`seal`]); what stays in the clear is what the police's figures and
//! deadlines need: the category, the receiving unit, the day (never the
//! hour), the state and the outcome's counts. No IO: `store::tips` keeps
//! what these types allow, `web::tips` answers the citizen and the police.

pub mod receipt;
pub mod seal;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::DomainError;
use crate::models::{optional_note, optional_text};
use crate::reason::Reason;

/// What a report may say, at most.
pub const MAX_REPORT_CHARS: usize = 5_000;
/// What a report must say, at least: "ma túy" alone helps nobody.
pub const MIN_REPORT_CHARS: usize = 20;
pub const MAX_MESSAGE_CHARS: usize = 5_000;
pub const MAX_WHEN_CHARS: usize = 120;
pub const MAX_PLACE_CHARS: usize = 200;
pub const MAX_CONTACT_CHARS: usize = 200;
pub const MAX_REASON_CHARS: usize = 1_000;
/// Files one message may carry, and their size each (phones' photos and
/// short clips).
pub const MAX_FILES: usize = 4;
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// Cases solved and people arrested a tip may be credited with.
pub const MAX_OUTCOME_COUNT: i64 = 1_000;

coded!(
    /// What a tip is about.
    Category, TipCategoryUnknown, TipCategory {
        Drugs = "ma_tuy", "Ma túy", "drugs";
        Theft = "trom_cap", "Trộm cắp tài sản", "theft";
        Gambling = "co_bac", "Cờ bạc, lô đề", "gambling";
        Violence = "bao_luc", "Bạo lực, gây thương tích", "violence";
        Dispute = "tranh_chap", "Mâu thuẫn, tranh chấp", "a dispute";
        Fraud = "lua_dao", "Lừa đảo", "fraud";
        Suspicious = "dang_ngo", "Hoạt động đáng ngờ", "suspicious activity";
        Other = "khac", "Việc khác", "something else";
    }
);

coded!(
    /// How a tip reached the police. The public page files `web`; officers
    /// record the others, so that the register (and the figures) hold
    /// every tip once.
    Channel, TipChannelUnknown, TipChannel {
        Web = "web", "Trang tố giác trực tuyến", "the online form";
        Phone = "dien_thoai", "Điện thoại, đường dây nóng", "telephone or hotline";
        InPerson = "truc_tiep", "Trực tiếp tại trụ sở", "in person";
        Vneid = "vneid", "Ứng dụng VNeID", "the VNeID app";
        Letter = "thu_don", "Thư, đơn", "a letter";
    }
);

coded!(
    /// Where a tip stands.
    State, TipStateUnknown, TipState {
        New = "new", "Mới tiếp nhận", "new";
        Verifying = "verifying", "Đang xác minh", "being verified";
        Forwarded = "forwarded", "Đã chuyển đơn vị khác", "forwarded";
        Resolved = "resolved", "Đã giải quyết", "resolved";
        Closed = "closed", "Không có cơ sở xử lý", "closed as not actionable";
    }
);

coded!(
    /// What an officer does to a tip.
    Action, TipActionUnknown, TipAction {
        Verify = "verify", "Nhận xác minh", "take up and verify";
        Forward = "forward", "Chuyển đơn vị khác", "forward";
        Resolve = "resolve", "Kết thúc: đã giải quyết", "resolve";
        Close = "close", "Kết thúc: không có cơ sở", "close as not actionable";
    }
);

impl State {
    /// Days a tip may stay in this state before it is overdue: a new or
    /// forwarded tip is taken up within 3 days; a verification takes at
    /// most 20 (Bộ luật Tố tụng hình sự 2015, Điều 147 khoản 1). Finished
    /// states have no deadline.
    pub fn days_allowed(self) -> Option<u64> {
        match self {
            State::New | State::Forwarded => Some(3),
            State::Verifying => Some(20),
            State::Resolved | State::Closed => None,
        }
    }

    /// The last day of this state, entered on `since`.
    pub fn due_on(self, since: NaiveDate) -> Option<NaiveDate> {
        self.days_allowed()
            .and_then(|d| since.checked_add_days(Days::new(d)))
    }

    pub fn is_open(self) -> bool {
        !matches!(self, State::Resolved | State::Closed)
    }
}

impl Action {
    /// The state a tip goes to, if the action may be taken from `from`.
    pub fn next(self, from: State) -> Option<State> {
        use State::*;
        match (self, from) {
            (Action::Verify, New | Forwarded) => Some(Verifying),
            (Action::Forward, New | Verifying | Forwarded) => Some(Forwarded),
            (Action::Resolve, Verifying) => Some(Resolved),
            (Action::Close, New | Verifying | Forwarded) => Some(Closed),
            _ => None,
        }
    }
}

/// The citizen's report as the public form or API sends it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TipInput {
    #[schema(required, nullable = false, value_type = Option<Category>)]
    pub category: Option<String>,
    /// The commune (or a village, or a pre-2025 commune) where it happens:
    /// the tip goes to that commune's police as the units are now.
    #[schema(required, nullable = false)]
    pub place_id: Option<i64>,
    /// A street, a landmark, a house: as the sender wishes to say it.
    pub place_detail: Option<String>,
    /// When it happened or happens, in the sender's words.
    pub when: Option<String>,
    /// What happened.
    #[schema(required, nullable = false)]
    pub report: Option<String>,
    /// How to reach the sender, only if they choose to say.
    pub contact: Option<String>,
}

/// What a report says: sealed whole, never stored in the clear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Report {
    pub report: String,
    pub place_detail: Option<String>,
    pub when: Option<String>,
    pub contact: Option<String>,
}

/// A report checked: the clear part (category, place) and the sealed one.
#[derive(Debug, Clone)]
pub struct NewTip {
    pub category: Category,
    pub place_id: i64,
    pub report: Report,
}

impl TipInput {
    pub fn parse(&self) -> Result<NewTip, DomainError> {
        let category = Category::parse(
            "category",
            self.category
                .as_deref()
                .ok_or_else(|| DomainError::new("category", Reason::Required))?,
        )?;
        let place_id = self
            .place_id
            .filter(|id| *id > 0)
            .ok_or_else(|| DomainError::new("place_id", Reason::TipPlaceRequired))?;
        let report = optional_note("report", self.report.as_deref(), MAX_REPORT_CHARS)?
            .ok_or_else(|| DomainError::new("report", Reason::Required))?;
        if report.chars().count() < MIN_REPORT_CHARS {
            return Err(DomainError::new(
                "report",
                Reason::TipReportTooShort {
                    min: MIN_REPORT_CHARS,
                },
            ));
        }
        Ok(NewTip {
            category,
            place_id,
            report: Report {
                report,
                place_detail: optional_text(
                    "place_detail",
                    self.place_detail.as_deref(),
                    MAX_PLACE_CHARS,
                )?,
                when: optional_text("when", self.when.as_deref(), MAX_WHEN_CHARS)?,
                contact: optional_text("contact", self.contact.as_deref(), MAX_CONTACT_CHARS)?,
            },
        })
    }
}

/// A tip an officer records: one that came by telephone, in person, on
/// VNeID or by letter, so that the register (and the figures) hold every
/// tip once. What the sender said is sealed as a web tip's is.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordInput {
    #[schema(required, nullable = false, value_type = Option<Channel>)]
    pub channel: Option<String>,
    /// The day it came (default: today).
    #[schema(value_type = Option<NaiveDate>)]
    pub received_on: Option<String>,
    #[schema(required, nullable = false, value_type = Option<Category>)]
    pub category: Option<String>,
    #[schema(required, nullable = false)]
    pub place_id: Option<i64>,
    pub place_detail: Option<String>,
    pub when: Option<String>,
    #[schema(required, nullable = false)]
    pub report: Option<String>,
    pub contact: Option<String>,
}

/// A recorded tip checked: how and when it came, and the tip.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub channel: Channel,
    pub received_on: NaiveDate,
    pub tip: NewTip,
}

impl RecordInput {
    pub fn parse(&self, today: NaiveDate) -> Result<Recorded, DomainError> {
        let channel = Channel::parse(
            "channel",
            self.channel
                .as_deref()
                .ok_or_else(|| DomainError::new("channel", Reason::Required))?,
        )?;
        let received_on = match self.received_on.as_deref().map(str::trim) {
            Some(d) if !d.is_empty() => crate::time::parse_date("received_on", d)?,
            _ => today,
        };
        if received_on > today {
            return Err(DomainError::new("received_on", Reason::DateInFuture));
        }
        let tip = TipInput {
            category: self.category.clone(),
            place_id: self.place_id,
            place_detail: self.place_detail.clone(),
            when: self.when.clone(),
            report: self.report.clone(),
            contact: self.contact.clone(),
        }
        .parse()?;
        Ok(Recorded {
            channel,
            received_on,
            tip,
        })
    }
}

/// A message's text (the sender's or a reply or an internal note).
pub fn message_text(s: Option<&str>) -> Result<String, DomainError> {
    optional_note("text", s, MAX_MESSAGE_CHARS)?
        .ok_or_else(|| DomainError::new("text", Reason::Required))
}

/// An officer's action as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionInput {
    /// Forward: the unit it goes to (a commune, or the province).
    pub to_unit_id: Option<i64>,
    /// Forward and close: why (kept sealed, as an internal note).
    pub reason: Option<String>,
    /// Resolve: whether the tip was of value.
    pub valuable: Option<bool>,
    /// Resolve: cases solved and people arrested thanks to it.
    pub cases_solved: Option<i64>,
    pub arrests: Option<i64>,
    /// Resolve: what came of it (kept sealed, as an internal note).
    pub summary: Option<String>,
}

/// An action checked against the state the tip is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Verify,
    Forward { to_unit_id: i64, reason: String },
    Resolve(Outcome),
    Close { reason: String },
}

/// What a resolved tip yielded: the counts are figures, the summary sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub valuable: bool,
    pub cases_solved: i64,
    pub arrests: i64,
    pub summary: Option<String>,
}

fn count(field: &'static str, v: Option<i64>) -> Result<i64, DomainError> {
    match v.unwrap_or(0) {
        n @ 0..=MAX_OUTCOME_COUNT => Ok(n),
        _ => Err(DomainError::new(
            field,
            Reason::CountOutOfRange {
                max: MAX_OUTCOME_COUNT,
            },
        )),
    }
}

impl ActionInput {
    /// The step `action` takes from `from`, or why it may not.
    pub fn parse(&self, action: Action, from: State) -> Result<(Step, State), DomainError> {
        let next = action.next(from).ok_or_else(|| {
            DomainError::new(
                "action",
                Reason::TipActionNotNow {
                    action: action.term(),
                    state: from.term(),
                },
            )
        })?;
        let reason = |required: bool| -> Result<Option<String>, DomainError> {
            let r = optional_note("reason", self.reason.as_deref(), MAX_REASON_CHARS)?;
            if required && r.is_none() {
                return Err(DomainError::new("reason", Reason::Required));
            }
            Ok(r)
        };
        let step = match action {
            Action::Verify => Step::Verify,
            Action::Forward => Step::Forward {
                to_unit_id: self
                    .to_unit_id
                    .ok_or_else(|| DomainError::new("to_unit_id", Reason::Required))?,
                reason: reason(true)?.unwrap_or_default(),
            },
            Action::Close => Step::Close {
                reason: reason(true)?.unwrap_or_default(),
            },
            Action::Resolve => Step::Resolve(Outcome {
                valuable: self.valuable.unwrap_or(false),
                cases_solved: count("cases_solved", self.cases_solved)?,
                arrests: count("arrests", self.arrests)?,
                summary: optional_note("summary", self.summary.as_deref(), MAX_REASON_CHARS)?,
            }),
        };
        Ok((step, next))
    }
}

/// The kinds of file a sender or an officer may attach, by their first
/// bytes (the name and the declared type are not believed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Jpeg,
    Png,
    Mp4,
    Pdf,
}

impl FileKind {
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileKind::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(FileKind::Png)
        } else if bytes.starts_with(b"%PDF-") {
            Some(FileKind::Pdf)
        } else if bytes.get(4..8) == Some(b"ftyp") {
            Some(FileKind::Mp4)
        } else {
            None
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Mp4 => "video/mp4",
            FileKind::Pdf => "application/pdf",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Jpeg => "jpg",
            FileKind::Png => "png",
            FileKind::Mp4 => "mp4",
            FileKind::Pdf => "pdf",
        }
    }

    pub fn is_image(self) -> bool {
        matches!(self, FileKind::Jpeg | FileKind::Png)
    }
}

/// A file as attached: checked for size and kind.
pub fn check_file(name: &str, bytes: &[u8]) -> Result<FileKind, DomainError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(DomainError::new(
            "files",
            Reason::TipFileTooLarge {
                name: name.chars().take(80).collect(),
                max_mib: (MAX_FILE_BYTES / (1024 * 1024)) as i64,
            },
        ));
    }
    FileKind::sniff(bytes).ok_or_else(|| {
        DomainError::new(
            "files",
            Reason::TipFileKind {
                name: name.chars().take(80).collect(),
            },
        )
    })
}

/// A file's name as the sender gave it, kept (sealed) only for showing:
/// its last path part, bounded, or the kind's own name.
pub fn file_name(given: &str, kind: FileKind) -> String {
    let base = given.rsplit(['/', '\\']).next().unwrap_or_default();
    match optional_text("name", Some(base), 120) {
        Ok(Some(n)) => n,
        _ => format!("tep.{}", kind.extension()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> TipInput {
        TipInput {
            category: Some("ma_tuy".into()),
            place_id: Some(7),
            report: Some("Có người lạ bán ma túy ở quán nước đầu ngõ 5 mỗi tối".into()),
            ..TipInput::default()
        }
    }

    #[test]
    fn a_report_parses_and_its_bad_fields_are_named() {
        let t = input().parse().unwrap();
        assert_eq!(t.category, Category::Drugs);
        assert_eq!(t.report.contact, None);
        let cases: [(&str, TipInput); 4] = [
            (
                "category",
                TipInput {
                    category: Some("x".into()),
                    ..input()
                },
            ),
            (
                "place_id",
                TipInput {
                    place_id: None,
                    ..input()
                },
            ),
            (
                "report",
                TipInput {
                    report: Some("ma túy".into()),
                    ..input()
                },
            ),
            (
                "contact",
                TipInput {
                    contact: Some("a".repeat(300)),
                    ..input()
                },
            ),
        ];
        for (field, i) in cases {
            assert_eq!(i.parse().unwrap_err().field, field);
        }
    }

    #[test]
    fn actions_follow_the_states() {
        let a = ActionInput::default();
        assert_eq!(
            a.parse(Action::Verify, State::New).unwrap().1,
            State::Verifying
        );
        assert!(
            a.parse(Action::Resolve, State::New).is_err(),
            "verified first"
        );
        assert!(a.parse(Action::Verify, State::Resolved).is_err());
        assert!(
            a.parse(Action::Close, State::Verifying).is_err(),
            "a reason is required"
        );
        let fwd = ActionInput {
            to_unit_id: Some(3),
            reason: Some("Xảy ra ở xã bên".into()),
            ..a.clone()
        };
        assert_eq!(
            fwd.parse(Action::Forward, State::Verifying).unwrap(),
            (
                Step::Forward {
                    to_unit_id: 3,
                    reason: "Xảy ra ở xã bên".into()
                },
                State::Forwarded
            )
        );
        let res = ActionInput {
            valuable: Some(true),
            cases_solved: Some(1),
            arrests: Some(2),
            ..a.clone()
        };
        let (Step::Resolve(o), _) = res.parse(Action::Resolve, State::Verifying).unwrap() else {
            panic!("resolve")
        };
        assert_eq!((o.valuable, o.cases_solved, o.arrests), (true, 1, 2));
        let bad = ActionInput {
            arrests: Some(-1),
            ..a
        };
        assert_eq!(
            bad.parse(Action::Resolve, State::Verifying)
                .unwrap_err()
                .field,
            "arrests"
        );
    }

    #[test]
    fn deadlines_by_state() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(State::New.due_on(d), NaiveDate::from_ymd_opt(2026, 12, 4));
        assert_eq!(
            State::Verifying.due_on(d),
            NaiveDate::from_ymd_opt(2026, 12, 21)
        );
        assert_eq!(State::Resolved.due_on(d), None);
    }

    #[test]
    fn files_are_known_by_their_bytes() {
        assert_eq!(
            check_file("a.jpg", b"\xFF\xD8\xFF\xE0rest").unwrap(),
            FileKind::Jpeg
        );
        assert_eq!(
            check_file("clip", b"\0\0\0\x18ftypmp42").unwrap(),
            FileKind::Mp4
        );
        assert_eq!(check_file("a.jpg", b"MZ\x90\0").unwrap_err().field, "files");
        assert!(check_file("big.png", &vec![0u8; MAX_FILE_BYTES + 1]).is_err());
        assert_eq!(
            file_name("C:\\Users\\x\\ảnh.jpg", FileKind::Jpeg),
            "ảnh.jpg"
        );
        assert_eq!(file_name("", FileKind::Png), "tep.png");
    }
}
