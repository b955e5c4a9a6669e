//! The register of documents: directives, circulars, decisions, joint
//! resolutions, plans, guidance and reports, with their number and symbol,
//! issuing bodies, the level that issued them, when they are in force and
//! which older ones they replace; their files' text for search; and the
//! links to what they govern (model types, certification criteria, data
//! sets, indicators, programmes). No IO: `store::documents` writes what
//! these types allow.

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::error::DomainError;
use crate::models::{optional_date, optional_note, optional_text, required_text};
use crate::reason::Reason;
use crate::text::fold;

/// "19-CT/TU", "01/NQLT-CA-TĐ".
pub const MAX_NUMBER_CHARS: usize = 60;
/// Issuing bodies, signers.
pub const MAX_NAME_CHARS: usize = 200;
pub const MAX_SUBJECT_CHARS: usize = 1_000;
pub const MAX_SUMMARY_CHARS: usize = 4_000;
/// A joint resolution names a few bodies, not a list.
pub const MAX_ISSUERS: usize = 6;
/// A decision replaces a handful of older texts at most.
pub const MAX_REPLACES: usize = 20;
/// The text kept of one file for search: a long plan is 100,000 characters.
pub const MAX_EXTRACT_CHARS: usize = 200_000;
/// Words of a search; more narrow nothing and cost time.
pub const MAX_SEARCH_WORDS: usize = 8;

coded!(
    /// What a document is (the state's names of administrative texts and
    /// the Party's, as the movement's register holds them).
    Kind, DocumentKindUnknown, DocumentKind {
        Law = "luat", "Luật", "law";
        Decree = "nghi_dinh", "Nghị định", "decree";
        Circular = "thong_tu", "Thông tư", "circular";
        Resolution = "nghi_quyet", "Nghị quyết", "resolution";
        JointResolution = "nghi_quyet_lien_tich", "Nghị quyết liên tịch", "joint resolution";
        Directive = "chi_thi", "Chỉ thị", "directive";
        PartyCircular = "thong_tri", "Thông tri", "Party circular";
        Decision = "quyet_dinh", "Quyết định", "decision";
        Programme = "chuong_trinh", "Chương trình phối hợp", "coordination programme";
        Plan = "ke_hoach", "Kế hoạch", "plan";
        Guidance = "huong_dan", "Hướng dẫn", "guidance";
        Report = "bao_cao", "Báo cáo", "report";
        OfficialLetter = "cong_van", "Công văn", "official letter";
        Other = "khac", "Văn bản khác", "other";
    }
);

coded!(
    /// The level that issued a document: national texts are everyone's,
    /// a province's or a commune's belong to that unit.
    Level, DocumentLevelUnknown, DocumentLevel {
        National = "national", "Trung ương", "national";
        Province = "province", "Cấp tỉnh", "province";
        Commune = "commune", "Cấp xã", "commune";
    }
);

coded!(
    /// Where a document stands on a day, from its dates and replacement.
    Status, DocumentStatusUnknown, DocumentStatus {
        Pending = "pending", "Chưa có hiệu lực", "not yet in force";
        InForce = "in_force", "Còn hiệu lực", "in force";
        Expired = "expired", "Hết hiệu lực", "expired";
        Replaced = "replaced", "Đã được thay thế", "replaced";
    }
);

impl Status {
    /// The status on `today` of a document in force from `from` (until
    /// `until`, if set) that a later one replaces from `replaced_from`.
    pub fn on(
        today: NaiveDate,
        from: NaiveDate,
        until: Option<NaiveDate>,
        replaced_from: Option<NaiveDate>,
    ) -> Status {
        if replaced_from.is_some_and(|r| r <= today) {
            Status::Replaced
        } else if until.is_some_and(|u| u < today) {
            Status::Expired
        } else if from > today {
            Status::Pending
        } else {
            Status::InForce
        }
    }
}

coded!(
    /// What a document may govern.
    LinkKind, DocumentLinkKindUnknown, DocumentLinkKind {
        ModelType = "model_type", "Loại mô hình", "model type";
        Criterion = "criterion", "Tiêu chí công nhận", "certification criterion";
        DataSet = "data_set", "Bộ số liệu", "data set";
        Indicator = "indicator", "Chỉ tiêu thống kê", "indicator";
        Program = "program", "Chương trình, kế hoạch phối hợp", "coordination programme";
    }
);

/// A link as sent: `{"kind": "model_type", "id": 5}`, or in a form
/// `target=model_type:5`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkInput {
    #[schema(required, nullable = false, value_type = Option<LinkKind>)]
    pub kind: Option<String>,
    #[schema(required, nullable = false)]
    pub id: Option<i64>,
}

/// A checked link target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Link {
    pub kind: LinkKind,
    pub id: i64,
}

impl Link {
    pub fn parse(input: &LinkInput) -> Result<Self, DomainError> {
        let kind = LinkKind::parse(
            "kind",
            input
                .kind
                .as_deref()
                .ok_or_else(|| DomainError::new("kind", Reason::Required))?,
        )?;
        let id = input
            .id
            .filter(|i| *i > 0)
            .ok_or_else(|| DomainError::new("id", Reason::Required))?;
        Ok(Link { kind, id })
    }

    /// `model_type:5`, the value a page's list of targets sends.
    pub fn parse_pair(s: &str) -> Result<Self, DomainError> {
        let (kind, id) = s
            .split_once(':')
            .ok_or_else(|| DomainError::new("target", Reason::Required))?;
        Link::parse(&LinkInput {
            kind: Some(kind.to_string()),
            id: id.trim().parse().ok(),
        })
    }
}

/// A document as sent.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentInput {
    #[schema(required, nullable = false, value_type = Option<Kind>)]
    pub kind: Option<String>,
    /// Number and symbol as printed: `19-CT/TU`, `01/NQLT-CA-TĐ`.
    #[schema(required, nullable = false, example = "19-CT/TU")]
    pub number: Option<String>,
    #[schema(required, nullable = false, value_type = Option<crate::schema::Day>)]
    pub issued_on: Option<String>,
    /// One issuing body, or several for a joint text.
    #[schema(required, nullable = false)]
    pub issuers: Option<Vec<String>>,
    /// Who signed, with their title.
    pub signer: Option<String>,
    #[schema(required, nullable = false)]
    pub subject: Option<String>,
    #[schema(required, nullable = false, value_type = Option<Level>)]
    pub level: Option<String>,
    /// The province or commune that issued it (none for national texts).
    pub org_unit_id: Option<i64>,
    /// Default: the day it was issued.
    #[schema(value_type = Option<crate::schema::Day>)]
    pub in_force_from: Option<String>,
    #[schema(value_type = Option<crate::schema::Day>)]
    pub in_force_until: Option<String>,
    /// Older documents this one replaces (from its first day in force).
    pub replaces: Option<Vec<i64>>,
    pub summary: Option<String>,
}

/// A checked document.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDocument {
    pub kind: Kind,
    pub number: String,
    pub issued_on: NaiveDate,
    pub issuers: Vec<String>,
    pub signer: Option<String>,
    pub subject: String,
    pub level: Level,
    pub org_unit_id: Option<i64>,
    pub in_force_from: NaiveDate,
    pub in_force_until: Option<NaiveDate>,
    pub replaces: Vec<i64>,
    pub summary: Option<String>,
}

impl NewDocument {
    pub fn parse(input: &DocumentInput, today: NaiveDate) -> Result<Self, DomainError> {
        let required = |field: &'static str, s: &Option<String>| {
            s.as_deref()
                .ok_or_else(|| DomainError::new(field, Reason::Required))
                .map(str::to_string)
        };
        let kind = Kind::parse("kind", &required("kind", &input.kind)?)?;
        let number = required_text("number", input.number.as_deref(), MAX_NUMBER_CHARS)?;
        let issued_on = optional_date("issued_on", input.issued_on.as_deref())?
            .ok_or_else(|| DomainError::new("issued_on", Reason::Required))?;
        if issued_on > today {
            return Err(DomainError::new("issued_on", Reason::DateInFuture));
        }
        let issuers = issuers(input.issuers.as_deref().unwrap_or_default())?;
        let level = Level::parse("level", &required("level", &input.level)?)?;
        let org_unit_id = match (level, input.org_unit_id) {
            (Level::National, None) => None,
            (Level::Province | Level::Commune, Some(id)) if id > 0 => Some(id),
            _ => {
                return Err(DomainError::new(
                    "org_unit_id",
                    Reason::DocumentUnitForLevel {
                        level: level.term(),
                    },
                ))
            }
        };
        let in_force_from =
            optional_date("in_force_from", input.in_force_from.as_deref())?.unwrap_or(issued_on);
        if in_force_from < issued_on {
            return Err(DomainError::new(
                "in_force_from",
                Reason::DocumentInForceBeforeIssued,
            ));
        }
        let in_force_until = optional_date("in_force_until", input.in_force_until.as_deref())?;
        if in_force_until.is_some_and(|u| u < in_force_from) {
            return Err(DomainError::new(
                "in_force_until",
                Reason::DocumentUntilBeforeFrom,
            ));
        }
        let mut replaces: Vec<i64> = input.replaces.clone().unwrap_or_default();
        replaces.sort_unstable();
        replaces.dedup();
        if replaces.len() > MAX_REPLACES {
            return Err(DomainError::new(
                "replaces",
                Reason::TooManyItems { max: MAX_REPLACES },
            ));
        }
        if replaces.iter().any(|r| *r <= 0) {
            return Err(DomainError::new("replaces", Reason::DocumentUnknown));
        }
        Ok(NewDocument {
            kind,
            number,
            issued_on,
            issuers,
            signer: optional_text("signer", input.signer.as_deref(), MAX_NAME_CHARS)?,
            subject: required_text("subject", input.subject.as_deref(), MAX_SUBJECT_CHARS)?,
            level,
            org_unit_id,
            in_force_from,
            in_force_until,
            replaces,
            summary: optional_note("summary", input.summary.as_deref(), MAX_SUMMARY_CHARS)?,
        })
    }

    /// The year its number belongs to: numbers restart every year.
    pub fn year(&self) -> i32 {
        self.issued_on.year()
    }

    /// The number as compared for duplicates: `19-CT/TU` and `19-ct/tu`
    /// are one number.
    pub fn number_key(&self) -> String {
        number_key(&self.number)
    }
}

fn issuers(list: &[String]) -> Result<Vec<String>, DomainError> {
    let mut out: Vec<String> = Vec::new();
    for s in list {
        let Some(name) = optional_text("issuers", Some(s), MAX_NAME_CHARS)? else {
            continue;
        };
        if out.iter().any(|o| fold(o) == fold(&name)) {
            return Err(DomainError::new(
                "issuers",
                Reason::DocumentIssuerTwice { issuer: name },
            ));
        }
        out.push(name);
    }
    if out.is_empty() {
        return Err(DomainError::new("issuers", Reason::Required));
    }
    if out.len() > MAX_ISSUERS {
        return Err(DomainError::new(
            "issuers",
            Reason::TooManyItems { max: MAX_ISSUERS },
        ));
    }
    Ok(out)
}

/// A number as compared: folded, without spaces.
pub fn number_key(number: &str) -> String {
    fold(number)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// An issuing body as compared: folded.
pub fn issuer_key(issuer: &str) -> String {
    fold(issuer)
}

/// Text as the search index holds it: folded, every run of other than
/// letters and digits a single space, so that `19-CT/TU` is the words
/// `19 ct tu` in the index and in a query alike.
pub fn index_text(s: &str) -> String {
    let folded = fold(s);
    let mut out = String::with_capacity(folded.len());
    for word in folded.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Extracted text cut to what the index keeps, on a character boundary.
pub fn bounded_extract(s: &str) -> String {
    let text = index_text(s);
    match text.char_indices().nth(MAX_EXTRACT_CHARS) {
        Some((end, _)) => text.get(..end).unwrap_or_default().to_string(),
        None => text,
    }
}

/// The words of a search: every word must be in the document, the last
/// as the start of a word since it may be still being typed (`chi thi 1`
/// finds "Chỉ thị 19-CT/TU"), the others whole (`tien luong` finds "Tiên
/// Lương", not every "tiến", "tiền" and "lượng").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    words: Vec<String>,
}

impl Search {
    /// `None` for a blank search (the whole list). Words are letters and
    /// digits only, so the match expressions below cannot carry syntax.
    pub fn parse(q: &str) -> Option<Search> {
        let words: Vec<String> = index_text(q)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(|w| w.chars().take(40).collect())
            .take(MAX_SEARCH_WORDS)
            .collect();
        (!words.is_empty()).then_some(Search { words })
    }

    /// The words, each with whether it is matched as a prefix (the last).
    fn terms(&self) -> impl Iterator<Item = (&str, bool)> {
        let last = self.words.len() - 1;
        self.words
            .iter()
            .enumerate()
            .map(move |(i, w)| (w.as_str(), i == last))
    }

    /// For SQLite's FTS5 `MATCH`: `"chi" "thi" "19"*`.
    pub fn fts5(&self) -> String {
        self.terms()
            .map(|(w, prefix)| format!("\"{w}\"{}", if prefix { "*" } else { "" }))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// For PostgreSQL's `to_tsquery('simple', …)`: `chi & thi & 19:*`.
    pub fn tsquery(&self) -> String {
        self.terms()
            .map(|(w, prefix)| format!("{w}{}", if prefix { ":*" } else { "" }))
            .collect::<Vec<_>>()
            .join(" & ")
    }

    /// What a word weighs in the rank, found in the number and in the
    /// head; and the words as typed, in the head. Files' words weigh
    /// nothing: they find a document, the head says what it is about.
    pub const NUMBER_WEIGHT: i64 = 10;
    pub const HEAD_WEIGHT: i64 = 3;
    pub const PHRASE_WEIGHT: i64 = 5;

    /// `LIKE` patterns for the rank (the same on both databases): one a
    /// word, against folded words with a space on each side (`% thi %`,
    /// the last `% 19%`), and, for several words, the words as typed in a
    /// row (`% chi thi 19%`).
    pub fn like_patterns(&self) -> (Vec<String>, Option<String>) {
        let words = self
            .terms()
            .map(|(w, prefix)| format!("% {w}{}", if prefix { "%" } else { " %" }))
            .collect();
        let phrase = (self.words.len() > 1).then(|| format!("% {}%", self.words.join(" ")));
        (words, phrase)
    }
}

/// Folded words as the rank's patterns read them: a space on each side.
pub fn rank_text(s: &str) -> String {
    format!(" {} ", index_text(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn input() -> DocumentInput {
        DocumentInput {
            kind: Some("chi_thi".into()),
            number: Some(" 19-CT/TU ".into()),
            issued_on: Some("2012-06-05".into()),
            issuers: Some(vec!["Ban Thường vụ Tỉnh ủy Nam Định".into()]),
            subject: Some("Về tăng cường sự lãnh đạo của Đảng đối với phong trào".into()),
            level: Some("province".into()),
            org_unit_id: Some(37),
            ..Default::default()
        }
    }

    #[test]
    fn a_document_is_in_force_from_the_day_it_is_issued_unless_it_says_otherwise() {
        let doc = NewDocument::parse(&input(), d("2026-12-06")).unwrap();
        assert_eq!(doc.number, "19-CT/TU");
        assert_eq!(doc.number_key(), "19-ct/tu");
        assert_eq!(doc.in_force_from, d("2012-06-05"));
        assert_eq!(doc.year(), 2012);
    }

    #[test]
    fn a_document_refuses_what_cannot_be() {
        let today = d("2026-12-06");
        let field = |f: fn(&mut DocumentInput)| {
            let mut i = input();
            f(&mut i);
            NewDocument::parse(&i, today).unwrap_err().field
        };
        assert_eq!(
            field(|i| i.issued_on = Some("2027-01-01".into())),
            "issued_on"
        );
        assert_eq!(field(|i| i.org_unit_id = None), "org_unit_id");
        assert_eq!(field(|i| i.level = Some("national".into())), "org_unit_id");
        assert_eq!(
            field(|i| i.in_force_from = Some("2012-01-01".into())),
            "in_force_from"
        );
        assert_eq!(
            field(|i| {
                i.in_force_from = Some("2013-01-01".into());
                i.in_force_until = Some("2012-12-31".into());
            }),
            "in_force_until"
        );
        assert_eq!(
            field(|i| i.issuers = Some(vec!["Tỉnh ủy".into(), "TỈNH ỦY".into()])),
            "issuers"
        );
        assert_eq!(field(|i| i.issuers = Some(vec![" ".into()])), "issuers");
        assert_eq!(field(|i| i.kind = Some("memo".into())), "kind");
        assert_eq!(field(|i| i.number = Some("1\u{7}".into())), "number");
        assert_eq!(field(|i| i.replaces = Some((1..=21).collect())), "replaces");
    }

    #[test]
    fn the_status_follows_the_dates_and_a_replacement() {
        let (from, today) = (d("2020-01-01"), d("2026-12-06"));
        assert_eq!(Status::on(today, from, None, None), Status::InForce);
        assert_eq!(
            Status::on(today, d("2027-01-01"), None, None),
            Status::Pending
        );
        assert_eq!(
            Status::on(today, from, Some(d("2025-12-31")), None),
            Status::Expired
        );
        assert_eq!(
            Status::on(today, from, None, Some(d("2026-01-01"))),
            Status::Replaced
        );
        // A replacement that is not yet in force leaves the old text in force.
        assert_eq!(
            Status::on(today, from, None, Some(d("2027-01-01"))),
            Status::InForce
        );
    }

    #[test]
    fn a_search_reads_words_without_diacritics_and_carries_no_syntax() {
        let s = Search::parse("Chỉ thị 19-CT/TU").unwrap();
        assert_eq!(s.fts5(), "\"chi\" \"thi\" \"19\" \"ct\" \"tu\"*");
        assert_eq!(s.tsquery(), "chi & thi & 19 & ct & tu:*");
        let (words, phrase) = Search::parse("Tiên Lương").unwrap().like_patterns();
        assert_eq!(words, vec!["% tien %", "% luong%"]);
        assert_eq!(phrase.as_deref(), Some("% tien luong%"));
        assert_eq!(Search::parse("flycam").unwrap().like_patterns().1, None);
        assert_eq!(rank_text("Kế hoạch 5/KH"), " ke hoach 5 kh ");
        let hostile = Search::parse("\" OR * NEAR( ' & | ! :*").map(|s| s.fts5());
        assert_eq!(hostile, Some("\"or\" \"near\"*".to_string()));
        assert_eq!(Search::parse("  -- ** "), None);
        assert_eq!(index_text("01/NQLT-CA-TĐ"), "01 nqlt ca td");
    }

    #[test]
    fn a_link_names_a_kind_and_a_record() {
        assert_eq!(
            Link::parse_pair("model_type:5").unwrap(),
            Link {
                kind: LinkKind::ModelType,
                id: 5
            }
        );
        assert!(Link::parse_pair("model_type:x").is_err());
        assert!(Link::parse_pair("person:5").is_err());
        assert!(Link::parse_pair("5").is_err());
    }

    #[test]
    fn an_extract_is_cut_to_what_the_index_keeps() {
        let long = "Đ".repeat(MAX_EXTRACT_CHARS + 10);
        assert_eq!(bounded_extract(&long).chars().count(), MAX_EXTRACT_CHARS);
    }
}
