//! The approvals inbox: the reports waiting for my approval, earliest
//! deadline first, and approving several at once after one confirmation.
//! Each approval is still `values::act`'s, one report at a time: a report
//! that cannot be approved (changed meanwhile, out of scope) is named with
//! its reason and the others go through.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use domain::policy::Action;
use domain::statistics::{ApprovalAction, Period};
use domain::time::today;
use serde::Serialize;
use store::statistics::inbox::{self, Waiting};
use store::statistics::values::{self, FormKey};

use super::pages::base;
use super::who;
use crate::actor::Actor;
use crate::error::{page_error, ApiError};
use crate::forms::Fields;
use crate::i18n::Lang;
use crate::layout::PageContext;
use crate::routes::Routes;
use crate::AppState;

pub fn routes() -> Routes {
    Routes::new()
        .get("/statistics/approvals", page)
        .post("/statistics/approvals", act_form)
        .get("/api/v1/approvals/waiting", api)
}

/// Reports waiting for my approval
///
/// Earliest deadline first, at most 500; `total` counts them all.
#[utoipa::path(get, path = "/api/v1/approvals/waiting", tag = "statistics",
    responses(
        (status = 200, description = "Waiting reports", body = WaitingList),
        (status = 403, description = "The role approves nothing.", body = crate::api::Problem),
    ))]
pub(super) async fn api(State(state): State<AppState>, actor: Actor) -> Result<Response, ApiError> {
    actor.require(Action::EnterFigures)?;
    let (items, total) = inbox::waiting(&state.db, who(&actor), today()).await?;
    Ok(Json(WaitingList { items, total }).into_response())
}

#[derive(Serialize, utoipa::ToSchema)]
pub(super) struct WaitingList {
    items: Vec<Waiting>,
    total: usize,
}

/// How the inbox is ordered.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sort {
    Deadline,
    Unit,
    Report,
}

impl Sort {
    fn parse(s: Option<&str>) -> Sort {
        match s {
            Some("unit") => Sort::Unit,
            Some("report") => Sort::Report,
            _ => Sort::Deadline,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Sort::Deadline => "deadline",
            Sort::Unit => "unit",
            Sort::Report => "report",
        }
    }

    fn apply(self, items: &mut [Waiting]) {
        match self {
            Sort::Deadline => {}
            Sort::Unit => {
                items.sort_by(|a, b| (&a.unit_name, a.deadline).cmp(&(&b.unit_name, b.deadline)))
            }
            Sort::Report => items.sort_by(|a, b| {
                (&a.data_set_name, a.deadline, &a.unit_name).cmp(&(
                    &b.data_set_name,
                    b.deadline,
                    &b.unit_name,
                ))
            }),
        }
    }
}

/// A report as the inbox's form names it: `data set:unit:period`.
fn key_of(w: &Waiting) -> String {
    format!("{}:{}:{}", w.data_set, w.org_unit, w.period)
}

fn parse_key(s: &str) -> Option<FormKey> {
    let mut parts = s.splitn(3, ':');
    let set = parts.next()?.parse().ok()?;
    let unit = parts.next()?.parse().ok()?;
    let period = Period::parse("period", parts.next()?).ok()?;
    Some(FormKey { set, unit, period })
}

#[derive(Serialize)]
struct Row {
    w: Waiting,
    key: String,
    checked: bool,
}

/// A report the bulk approval could not approve, and why.
#[derive(Serialize)]
struct Failed {
    name: String,
    reason: String,
}

#[derive(Serialize)]
struct InboxPage {
    rows: Vec<Row>,
    total: usize,
    sort: &'static str,
    /// Reports approved by the last action.
    approved: Option<usize>,
    /// The selection to confirm before approving it.
    confirm: Vec<Row>,
    failed: Vec<Failed>,
    /// No report was ticked.
    nothing_chosen: bool,
}

impl PageContext for InboxPage {
    const TEMPLATE: &'static str = "statistics/inbox.html";
}

async fn page(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    RawQuery(raw): RawQuery,
) -> Response {
    let f = Fields::from_query(raw.as_deref());
    let approved = f.get("approved").and_then(|n| n.parse().ok());
    let shown = Shown {
        approved,
        ..Shown::default()
    };
    render(&state, &actor, lang, Sort::parse(f.get("sort")), shown)
        .await
        .unwrap_or_else(|e| page_error(lang, e))
}

/// What the page shows beside the list.
#[derive(Default)]
struct Shown {
    approved: Option<usize>,
    confirm: Vec<String>,
    failed: Vec<Failed>,
    nothing_chosen: bool,
}

async fn render(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    sort: Sort,
    shown: Shown,
) -> Result<Response, ApiError> {
    actor.require(Action::EnterFigures)?;
    let (mut items, total) = inbox::waiting(&state.db, who(actor), today()).await?;
    sort.apply(&mut items);
    let rows: Vec<Row> = items
        .into_iter()
        .map(|w| {
            let key = key_of(&w);
            Row {
                checked: shown.confirm.contains(&key),
                key,
                w,
            }
        })
        .collect();
    let confirm = rows
        .iter()
        .filter(|r| r.checked)
        .map(|r| Row {
            w: r.w.clone(),
            key: r.key.clone(),
            checked: true,
        })
        .collect();
    let page = InboxPage {
        rows,
        total,
        sort: sort.as_str(),
        approved: shown.approved,
        confirm,
        failed: shown.failed,
        nothing_chosen: shown.nothing_chosen,
    };
    let path = format!("/statistics/approvals?sort={}", sort.as_str());
    let refused = page.nothing_chosen;
    let mut r = state.templates.page(&base(actor, lang, path), &page);
    if refused {
        crate::templates::with_status(&mut r, axum::http::StatusCode::BAD_REQUEST);
    }
    Ok(r)
}

/// The inbox's form: `step=confirm` shows the ticked reports to confirm;
/// `step=approve` approves them and comes back to the inbox.
async fn act_form(
    State(state): State<AppState>,
    actor: Actor,
    lang: Lang,
    body: Bytes,
) -> Response {
    let f = Fields::parse(&body);
    let result = async {
        actor.require(Action::EnterFigures)?;
        let sort = Sort::parse(f.get("sort"));
        let keys: Vec<String> = if f.get("all") == Some("1") {
            let (waiting, _) = inbox::waiting(&state.db, who(&actor), today()).await?;
            waiting.iter().map(key_of).collect()
        } else {
            f.all("report")
                .take(inbox::INBOX_LIMIT)
                .map(str::to_owned)
                .collect()
        };
        if keys.is_empty() {
            let shown = Shown {
                nothing_chosen: true,
                ..Shown::default()
            };
            return render(&state, &actor, lang, sort, shown).await;
        }
        if f.get("step") != Some("approve") {
            let shown = Shown {
                confirm: keys,
                ..Shown::default()
            };
            return render(&state, &actor, lang, sort, shown).await;
        }
        let (approved, failed) = approve_all(&state, &actor, lang, &keys).await?;
        if failed.is_empty() {
            let to = format!(
                "/statistics/approvals?sort={}&approved={approved}",
                sort.as_str()
            );
            return Ok(Redirect::to(&to).into_response());
        }
        let shown = Shown {
            approved: Some(approved),
            failed,
            ..Shown::default()
        };
        render(&state, &actor, lang, sort, shown).await
    }
    .await;
    result.unwrap_or_else(|e| page_error(lang, e))
}

/// Approves each report named, one transaction each; what could not be
/// approved is named with the reason, in the page's language.
async fn approve_all(
    state: &AppState,
    actor: &Actor,
    lang: Lang,
    keys: &[String],
) -> Result<(usize, Vec<Failed>), ApiError> {
    let (waiting, _) = inbox::waiting(&state.db, who(actor), today()).await?;
    let name_of = |k: &str| {
        waiting
            .iter()
            .find(|w| key_of(w) == k)
            .map(|w| format!("{} · {} · {}", w.data_set_name, w.unit_name, w.period_label))
    };
    let mut approved = 0;
    let mut failed = Vec::new();
    for k in keys {
        let name = name_of(k);
        let (Some(key), Some(name)) = (parse_key(k), name) else {
            failed.push(Failed {
                name: k.clone(),
                reason: crate::i18n::text(lang, "inbox.not_waiting").to_owned(),
            });
            continue;
        };
        match values::act(
            &state.db,
            who(actor),
            key,
            ApprovalAction::Approve,
            None,
            today(),
        )
        .await
        {
            Ok(_) => approved += 1,
            Err(e) => {
                let e = ApiError::from(e);
                failed.push(Failed {
                    name,
                    reason: e.message,
                })
            }
        }
    }
    Ok((approved, failed))
}
