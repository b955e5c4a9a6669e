//! The calendar's files: the events (and, asked for, the tasks due) of a
//! span as iCalendar (RFC 5545: all-day entries, lines folded at 75
//! octets, text escaped) that phones and Outlook import, or as XLSX.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{Duration, NaiveDate, Utc};
use domain::page::Page;
use domain::Reason;
use files::{Cell, Column, Sheet};
use store::events::{self as events, DueTask, EventQuery, EventRow};

use crate::actor::Actor;
use crate::error::ApiError;
use crate::forms::Fields;
use crate::i18n::{self, Lang};
use crate::AppState;

/// Entries a file holds at most.
const MAX_ROWS: u32 = 5_000;

/// The file of the events matching `query` (the earliest first), with
/// the tasks due between `from` and `to` when `tasks=true`.
pub(crate) async fn export(
    state: &AppState,
    actor: &Actor,
    f: &Fields,
    mut query: EventQuery,
    fmt: &str,
) -> Result<Response, ApiError> {
    if fmt != "ics" && fmt != "xlsx" {
        return Err(ApiError::invalid(
            "format",
            Reason::FormatUnknown {
                allowed: vec![
                    domain::error::codes::JSON,
                    domain::error::codes::ICS,
                    domain::error::codes::XLSX,
                ],
            },
        ));
    }
    query.page = Page {
        page: 1,
        per_page: MAX_ROWS,
    };
    let (rows, _) = events::list(&state.db, actor.scope(), &query, true).await?;
    let with_tasks = f.bool("tasks")?.unwrap_or(false);
    let tasks = match (with_tasks, query.from, query.to) {
        (true, Some(from), Some(to)) => super::due(state, actor, from, to).await?,
        (true, _, _) => {
            return Err(ApiError::invalid("from", Reason::Required));
        }
        _ => Vec::new(),
    };
    let lang = Lang::Vi;
    if fmt == "ics" {
        let body = ics(lang, &rows, &tasks);
        return Ok((
            [
                (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"lich-su-kien.ics\"",
                ),
            ],
            body,
        )
            .into_response());
    }
    let bytes = files::xlsx(&[sheet(lang, &rows, &tasks)]).map_err(ApiError::from)?;
    Ok(crate::downloads::download(bytes, "lich-su-kien", "xlsx"))
}

/// iCalendar text: one all-day VEVENT per event and per task due.
pub(crate) fn ics(lang: Lang, events: &[EventRow], tasks: &[DueTask]) -> String {
    let stamp = Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    let day = |d: NaiveDate| d.format("%Y%m%d").to_string();
    let mut out = String::new();
    let mut line = |s: String| fold(&mut out, &s);
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//binhyen//lich su kien//VI".into());
    line("CALSCALE:GREGORIAN".into());
    for e in events {
        line("BEGIN:VEVENT".into());
        line(format!("UID:event-{}@binhyen", e.id));
        line(format!("DTSTAMP:{stamp}"));
        line(format!("DTSTART;VALUE=DATE:{}", day(e.starts_on)));
        // The end of an all-day entry is the day after its last.
        line(format!(
            "DTEND;VALUE=DATE:{}",
            day(e.ends_on + Duration::days(1))
        ));
        line(format!("SUMMARY:{}", escape(&e.title)));
        let key = format!("event_kind.{}", e.kind);
        let kind = i18n::text(lang, &key);
        line(format!(
            "DESCRIPTION:{}",
            escape(&format!("{kind} · {}", e.org_unit_name))
        ));
        if let Some(p) = &e.place {
            line(format!("LOCATION:{}", escape(p)));
        }
        line("END:VEVENT".into());
    }
    for t in tasks {
        line("BEGIN:VEVENT".into());
        line(format!("UID:task-{}@binhyen", t.task_id));
        line(format!("DTSTAMP:{stamp}"));
        line(format!("DTSTART;VALUE=DATE:{}", day(t.due_on)));
        line(format!(
            "DTEND;VALUE=DATE:{}",
            day(t.due_on + Duration::days(1))
        ));
        line(format!(
            "SUMMARY:{}",
            escape(&format!("{}: {}", i18n::text(lang, "cal.due"), t.title))
        ));
        line(format!(
            "DESCRIPTION:{}",
            escape(&format!(
                "{} · {}/{} {}",
                t.directive_subject,
                t.done,
                t.owners,
                i18n::text(lang, "cal.done_of")
            ))
        ));
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

/// Text as iCalendar writes it: `\`, `;`, `,` and newlines escaped.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
}

/// Appends a content line folded at 75 octets (never inside a UTF-8
/// character), each part ended by CRLF.
fn fold(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn sheet(lang: Lang, events: &[EventRow], tasks: &[DueTask]) -> Sheet {
    let t = |k: &str| i18n::text(lang, k).to_owned();
    let mut s = Sheet::new(
        t("cal.title"),
        vec![
            Column::new(t("cal.from"), 12.0),
            Column::new(t("cal.to"), 12.0),
            Column::new(t("cal.what"), 28.0),
            Column::new(t("cal.name"), 50.0),
            Column::new(t("cal.unit"), 30.0),
            Column::new(t("cal.place"), 30.0),
            Column::new(t("cal.participants"), 12.0),
        ],
    );
    for e in events {
        s.rows.push(vec![
            Cell::Date(e.starts_on),
            Cell::Date(e.ends_on),
            Cell::Text(t(&format!("event_kind.{}", e.kind))),
            Cell::Text(e.title.clone()),
            Cell::Text(e.org_unit_name.clone()),
            e.place.clone().into(),
            Cell::Int(e.participants),
        ]);
    }
    for k in tasks {
        s.rows.push(vec![
            Cell::Date(k.due_on),
            Cell::Date(k.due_on),
            Cell::Text(t("cal.due")),
            Cell::Text(format!("{} ({})", k.title, k.directive_subject)),
            Cell::Text(format!("{}/{} {}", k.done, k.owners, t("cal.done_of"))),
            Cell::Empty,
            Cell::Empty,
        ]);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fold_at_75_octets_and_text_is_escaped() {
        let mut out = String::new();
        let long = format!(
            "SUMMARY:{}",
            "Ngày hội toàn dân bảo vệ an ninh Tổ quốc; ".repeat(4)
        );
        fold(&mut out, &escape(&long));
        for part in out.split("\r\n").filter(|p| !p.is_empty()) {
            assert!(part.len() <= 75, "{part}");
        }
        assert!(out.contains("\\;"));
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded.strip_suffix("\r\n"), Some(escape(&long).as_str()));
    }

    #[test]
    fn an_event_is_an_all_day_entry_ending_the_day_after() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let e = EventRow {
            id: 7,
            kind: "ngay_hoi".into(),
            title: "Ngày hội, năm 2026".into(),
            org_unit_id: 1,
            org_unit_name: "Phường Nam Định".into(),
            starts_on: d("2026-08-19"),
            ends_on: d("2026-08-19"),
            place: None,
            participants: 300,
            outcomes: None,
            photos: 0,
        };
        let s = ics(Lang::Vi, &[e], &[]);
        assert!(s.starts_with("BEGIN:VCALENDAR\r\n") && s.ends_with("END:VCALENDAR\r\n"));
        assert!(s.contains("DTSTART;VALUE=DATE:20260819\r\n"));
        assert!(s.contains("DTEND;VALUE=DATE:20260820\r\n"));
        assert!(s.contains("SUMMARY:Ngày hội\\, năm 2026\r\n"));
    }
}
