//! Fuzzing of every parser of outside input in `domain`: dates, paging,
//! search text, names, the enums read from query strings, the model file's
//! header and rows, and whole model inputs. Each must answer every input
//! with a value or an error, never a panic, and keep its promises.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod harness;
mod regressions;

use chrono::{Datelike, NaiveDate};
use domain::models::file::{FileRow, Layout, COLUMNS};
use domain::models::{ModelInput, ModelRefs, ModelType, NewModel, Rating, Sector, Status, Target};
use domain::org_units::{Kind, Level, OrgUnit, SearchText};
use domain::page::Page;
use domain::text::{fold, normalize, sort_key};
use domain::time::{parse_date, parse_date_vn};
use harness::fuzz;
use proptest::prelude::*;

/// Text as people and programs send it: any Unicode, Vietnamese letters
/// with their marks, digits and the separators parsers look for.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9/\\-+ .,:;]{0,14}",
        "[a-zA-ZđĐàáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ \u{0300}\u{0301}\u{0303}]{0,30}",
    ]
}

#[test]
fn dates_parse_back_to_what_was_sent() {
    fuzz("parse_date", text(), |s| {
        if let Ok(d) = parse_date("f", &s) {
            prop_assert_eq!(d.to_string(), s.trim());
            prop_assert!((1900..=2100).contains(&d.year()));
        }
        if let Ok(d) = parse_date_vn("f", &s) {
            prop_assert!((1900..=2100).contains(&d.year()));
        }
        Ok(())
    });
}

#[test]
fn paging_stays_within_bounds() {
    fuzz("page", (text(), text()), |(p, n)| {
        if let Ok(page) = Page::parse(Some(&p), Some(&n)) {
            prop_assert!(page.page >= 1 && (1..=500).contains(&page.per_page));
            prop_assert!(page.offset() >= 0);
        }
        Ok(())
    });
}

#[test]
fn search_text_and_folding_are_total_and_idempotent() {
    fuzz("search", text(), |s| {
        let f = fold(&s);
        prop_assert_eq!(fold(&f), f.clone());
        prop_assert_eq!(normalize(&normalize(&s)), normalize(&s));
        let _ = sort_key(&s);
        if let Some(st) = SearchText::parse(&s) {
            prop_assert!(!st.text.is_empty());
        }
        let _ = domain::accounts::parse_username(&s);
        let _ = domain::accounts::parse_display_name(&s);
        Ok(())
    });
}

#[test]
fn codes_from_query_strings_parse_or_refuse() {
    fuzz("codes", text(), |s| {
        for ok in [
            Level::parse("f", &s).is_ok(),
            Kind::parse("f", &s).is_ok(),
            Sector::parse("f", &s).is_ok(),
            Status::parse("f", &s).is_ok(),
            Rating::parse("f", &s).is_ok(),
            Target::parse("f", &s).is_ok(),
        ] {
            // A code that parses is short: nothing long slips through.
            prop_assert!(!ok || s.trim().chars().count() <= 30);
        }
        Ok(())
    });
}

/// The headers of the model file, shuffled with noise.
fn header() -> impl Strategy<Value = Vec<String>> {
    let known: Vec<String> = COLUMNS.iter().map(|(_, h, _)| h.to_string()).collect();
    proptest::collection::vec(prop_oneof![proptest::sample::select(known), text()], 0..30)
}

#[test]
fn model_file_rows_are_read_or_refused_cell_by_cell() {
    fuzz(
        "model_file",
        (
            header(),
            proptest::collection::vec(text(), 0..30),
            1usize..2_000_000,
        ),
        |(h, cells, row)| {
            if let Ok(layout) = Layout::from_header(&h) {
                match FileRow::parse(&layout, row, &cells) {
                    Ok(r) => prop_assert!(!r.type_code.is_empty()),
                    Err(errors) => {
                        prop_assert!(!errors.is_empty());
                        prop_assert!(errors.iter().all(|e| e.row == row && !e.message.is_empty()));
                    }
                }
            }
            Ok(())
        },
    );
}

fn unit() -> OrgUnit {
    OrgUnit {
        id: 7,
        level: Level::Commune,
        kind: Kind::Xa,
        code: Some("13636".into()),
        name: "Xã Thử".into(),
        short_name: "Thử".into(),
        parent_id: Some(1),
        valid_from: None,
        valid_to: NaiveDate::from_ymd_opt(2025, 6, 30),
        lat: None,
        lon: None,
        address: None,
    }
}

#[test]
fn model_input_is_checked_without_panics() {
    let t = ModelType {
        id: 3,
        code: "to_tuan_tra".into(),
        name: "Tổ tuần tra".into(),
        short_name: "Tổ tuần tra".into(),
        sector: Sector::Residential,
        targets: vec!["commune"],
        description: None,
        legal_basis: None,
        lead_org: None,
        coordinating_orgs: None,
        retired_on: None,
    };
    let u = unit();
    let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
    let strategy = (
        proptest::option::of(text()),
        proptest::option::of(text()),
        proptest::option::of(any::<i64>()),
        proptest::option::of(proptest::collection::vec(text(), 0..25)),
        proptest::option::of(text()),
    );
    fuzz(
        "model_input",
        strategy,
        |(name, founded, members, tags, partners)| {
            let input = ModelInput {
                type_id: Some(3),
                org_unit_id: Some(7),
                name,
                founded_on: founded,
                members,
                tags,
                partners,
                ..Default::default()
            };
            let refs = ModelRefs {
                model_type: Some(&t),
                unit: Some(&u),
                exemplar: None,
                this: None,
            };
            if let Ok(m) = NewModel::parse(&input, &refs, today) {
                prop_assert!(!m.name.is_empty() && m.name.chars().count() <= 200);
                prop_assert!(m.founded_on <= NaiveDate::from_ymd_opt(2025, 6, 30).unwrap());
                prop_assert!(m.members.is_none_or(|n| (0..=1_000_000).contains(&n)));
                prop_assert!(m.tags.len() <= 20);
            }
            Ok(())
        },
    );
}

/// Periods and validation rules come from query strings, forms and the
/// definitions API.
fn rule_text() -> impl Strategy<Value = String> {
    prop_oneof![
        text(),
        "[a-z_ ()0-9.+*/<>=!-]{0,60}",
        "[(]{0,40}[a-z]{1,3}[)]{0,40} (<|<=|==|>=|>|!=) [-]{0,40}[0-9]{1,3}",
    ]
}

#[test]
fn periods_and_rules_parse_or_refuse() {
    use domain::statistics::{Calendar, Period, Rule};
    fuzz("period", rule_text(), |s| {
        if let Ok(p) = Period::parse("p", &s) {
            // What parses prints back as it would be sent, and its days
            // map back to it under both calendars.
            prop_assert_eq!(Period::parse("p", &p.to_string()), Ok(p));
            for c in Calendar::ALL {
                prop_assert!(p.first_day(c) <= p.last_day(c));
                prop_assert_eq!(Period::containing(p.first_day(c), p.kind(), c), Some(p));
                prop_assert_eq!(Period::containing(p.last_day(c), p.kind(), c), Some(p));
            }
        }
        Ok(())
    });
    fuzz("rule", rule_text(), |s| {
        if let Ok(r) = Rule::parse("r", &s) {
            // Printing is stable: a printed rule that parses again (long
            // chains print longer and deeper than the limits) prints the same.
            let printed = r.to_string();
            if let Ok(again) = Rule::parse("r", &printed) {
                prop_assert_eq!(again.to_string(), printed);
            }
            let values = r.codes().into_iter().map(|c| (c.to_owned(), 1.0)).collect();
            let _ = r.check(&values);
        }
        Ok(())
    });
}
