//! Directives and plans a level issues to the units below it, with their
//! tasks (`NewDirective`), and the board the issuing level follows them on.
//! The owners of each task and what they report are `tasks`.
//!
//! Who sees what, for a user with a scope: a directive issued by a unit
//! their scope reaches, or one giving a task to such a unit; of its owners,
//! only those their scope reaches (a commune sees its own line, the
//! province every commune's). Across the 2025 reform through
//! `org_unit_reach`: a task given to a legacy commune is its successor's.
//! Who issues one: the scope of the issuing unit (`may_write_at`).

use chrono::{Duration, NaiveDate, Utc};
use domain::directives::{NewDirective, NewTask, Owners, Standing, State};
use domain::page::Page;
use domain::text::fold;
use domain::Reason;
use serde::Serialize;

use crate::accounts::Scope;
use crate::audit::{self, Author, Change};
use crate::error::{Result, StoreError};
use crate::scope::{may_write_at, unit_in_scope};
use crate::{fetch_all_dyn, Arg, Db, Params, Tx};

pub mod tasks;

fn invalid(field: &'static str, reason: Reason) -> StoreError {
    StoreError::Invalid(domain::DomainError::new(field, reason))
}

/// The owners of a task the scope sees, as a condition on `o` (owner rows).
fn owner_cond(scope: Scope, p: &mut Params) -> String {
    match scope.user_id() {
        Some(user) => {
            let n = p.push(Arg::I64(Some(user)));
            unit_in_scope("o.org_unit_id", &n)
        }
        None => "1 = 1".into(),
    }
}

/// The directives the scope sees, as a condition on `d`.
fn directive_cond(scope: Scope, p: &mut Params) -> String {
    match scope.user_id() {
        Some(user) => {
            let n = p.push(Arg::I64(Some(user)));
            format!(
                "({} OR d.id IN (SELECT t.directive_id FROM directive_tasks t
                                  JOIN task_owners o ON o.task_id = t.id WHERE {}))",
                unit_in_scope("d.org_unit_id", &n),
                unit_in_scope("o.org_unit_id", &n)
            )
        }
        None => "1 = 1".into(),
    }
}

/// A unit valid on the day `d` binds, as a condition on `u`.
fn valid_on(d: &str) -> String {
    format!("(u.valid_from IS NULL OR u.valid_from <= {d}) AND (u.valid_to IS NULL OR u.valid_to >= {d})")
}

/// The owner rows of one standing on the day `today` binds (`soon`: the
/// last day that counts as due this week): `Standing::of` as SQL, checked
/// against it by the store's tests.
pub(crate) fn standing_cond(s: Standing, today: &str, soon: &str) -> String {
    match s {
        Standing::Done => "o.state = 'done'".into(),
        Standing::Late => format!("o.state <> 'done' AND o.due_on < {today}"),
        Standing::Blocked => format!("o.state = 'blocked' AND o.due_on >= {today}"),
        Standing::DueSoon => format!(
            "o.state IN ('not_started', 'in_progress') AND o.due_on >= {today} AND o.due_on <= {soon}"
        ),
        Standing::InProgress => format!("o.state = 'in_progress' AND o.due_on > {soon}"),
        Standing::NotStarted => format!("o.state = 'not_started' AND o.due_on > {soon}"),
    }
}

/// The last day that counts as "due this week" seen from `today`.
pub(crate) fn soon(today: NaiveDate) -> NaiveDate {
    today + Duration::days(Standing::SOON_DAYS)
}

/// How many owners stand where, on one task or a whole directive.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Tally {
    pub owners: i64,
    pub done: i64,
    pub late: i64,
    pub blocked: i64,
    pub due_soon: i64,
    pub in_progress: i64,
    pub not_started: i64,
}

impl Tally {
    fn add(&mut self, s: Standing, n: i64) {
        self.owners += n;
        *match s {
            Standing::Done => &mut self.done,
            Standing::Late => &mut self.late,
            Standing::Blocked => &mut self.blocked,
            Standing::DueSoon => &mut self.due_soon,
            Standing::InProgress => &mut self.in_progress,
            Standing::NotStarted => &mut self.not_started,
        } += n;
    }
}

/// A directive as lists show it, with its owners' tally (those the reader
/// sees).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct DirectiveRow {
    pub id: i64,
    /// The issuing unit (none: national).
    pub org_unit_id: Option<i64>,
    pub org_unit_name: Option<String>,
    /// The directive in the document register.
    pub document_id: Option<i64>,
    pub document_number: Option<String>,
    /// Its number and symbol when it is not in the register.
    pub reference: Option<String>,
    pub subject: String,
    pub issued_on: NaiveDate,
    pub summary: Option<String>,
    pub tasks: i64,
    #[sqlx(skip)]
    pub tally: Tally,
}

const SELECT_DIRECTIVE: &str = "SELECT d.id, d.org_unit_id, u.name AS org_unit_name,
        d.document_id, doc.number AS document_number, d.reference, d.subject, d.issued_on,
        d.summary, (SELECT COUNT(*) FROM directive_tasks t WHERE t.directive_id = d.id) AS tasks
   FROM directives d
   LEFT JOIN org_units u ON u.id = d.org_unit_id
   LEFT JOIN documents doc ON doc.id = d.document_id";

/// A task of a directive with its owners' tally.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct TaskRow {
    pub id: i64,
    pub directive_id: i64,
    pub position: i64,
    pub title: String,
    pub due_on: NaiveDate,
    #[schema(value_type = domain::directives::Expects)]
    pub expects: String,
    pub data_set_id: Option<i64>,
    pub data_set_name: Option<String>,
    /// Every owner given the task (the tally counts those the reader sees).
    pub owners: i64,
    #[sqlx(skip)]
    pub tally: Tally,
}

const SELECT_TASK: &str = "SELECT t.id, t.directive_id, t.position, t.title, t.due_on, t.expects,
        t.data_set_id, ds.name AS data_set_name, t.owners
   FROM directive_tasks t LEFT JOIN data_sets ds ON ds.id = t.data_set_id";

/// Fills each directive's and task's tally on `today`, in one query: the
/// owners grouped by task, state and due day (a handful of groups per
/// task), each group's standing said by the domain.
async fn tally(
    tx: &mut Tx,
    scope: Scope,
    directives: &mut [DirectiveRow],
    tasks: &mut [TaskRow],
    today: NaiveDate,
) -> Result<()> {
    if directives.is_empty() {
        return Ok(());
    }
    #[derive(sqlx::FromRow)]
    struct Group {
        directive_id: i64,
        task_id: i64,
        state: String,
        due_on: NaiveDate,
        n: i64,
    }
    let mut p = Params::default();
    let list = p.list(directives.iter().map(|d| Arg::I64(Some(d.id))));
    let cond = owner_cond(scope, &mut p);
    let sql = format!(
        "SELECT t.directive_id, o.task_id, o.state, o.due_on, COUNT(*) AS n
           FROM task_owners o JOIN directive_tasks t ON t.id = o.task_id
          WHERE t.directive_id IN ({list}) AND {cond}
          GROUP BY t.directive_id, o.task_id, o.state, o.due_on"
    );
    let groups: Vec<Group> = fetch_all_dyn(tx, &sql, p.args).await?;
    for g in groups {
        let s = Standing::of(State::parse("state", &g.state)?, g.due_on, today);
        if let Some(d) = directives.iter_mut().find(|d| d.id == g.directive_id) {
            d.tally.add(s, g.n);
        }
        if let Some(t) = tasks.iter_mut().find(|t| t.id == g.task_id) {
            t.tally.add(s, g.n);
        }
    }
    Ok(())
}

/// A directive the scope sees, inside a transaction (no tally).
pub(crate) async fn read_tx(tx: &mut Tx, scope: Scope, id: i64) -> Result<DirectiveRow> {
    let mut p = Params::default();
    let n = p.push(Arg::I64(Some(id)));
    let sql = format!(
        "{SELECT_DIRECTIVE} WHERE d.id = {n} AND {}",
        directive_cond(scope, &mut p)
    );
    let rows: Vec<DirectiveRow> = fetch_all_dyn(tx, &sql, p.args).await?;
    rows.into_iter().next().ok_or(StoreError::NotFound)
}

/// A directive with its tasks, as its board heads them.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DirectiveDetail {
    pub directive: DirectiveRow,
    pub tasks: Vec<TaskRow>,
}

/// A directive the scope sees, with its tasks and their tallies on `today`.
pub async fn read(db: &Db, scope: Scope, id: i64, today: NaiveDate) -> Result<DirectiveDetail> {
    let mut tx = db.begin_read().await?;
    let r = detail_tx(&mut tx, scope, id, today).await;
    tx.rollback().await?;
    r
}

async fn detail_tx(
    tx: &mut Tx,
    scope: Scope,
    id: i64,
    today: NaiveDate,
) -> Result<DirectiveDetail> {
    let d = read_tx(tx, scope, id).await?;
    let mut tasks: Vec<TaskRow> = fetch!(
        tx,
        fetch_all,
        TaskRow,
        &format!("{SELECT_TASK} WHERE t.directive_id = $1 ORDER BY t.position"),
        id
    )?;
    let mut ds = [d];
    tally(tx, scope, &mut ds, &mut tasks, today).await?;
    let [directive] = ds;
    Ok(DirectiveDetail { directive, tasks })
}

/// The list's filters.
#[derive(Debug, Clone, Default)]
pub struct DirectiveQuery {
    /// Issued by this unit or one under it.
    pub org_unit: Option<i64>,
    pub issued_from: Option<NaiveDate>,
    pub issued_to: Option<NaiveDate>,
    /// Part of the subject or reference, folded.
    pub q: Option<String>,
    pub page: Page,
}

fn list_where(scope: Scope, q: &DirectiveQuery, p: &mut Params) -> String {
    let mut c = vec![directive_cond(scope, p)];
    if let Some(u) = q.org_unit {
        let n = p.push(Arg::I64(Some(u)));
        c.push(format!(
            "d.org_unit_id IN (SELECT unit_id FROM org_unit_reach WHERE ancestor_id = {n})"
        ));
    }
    if let Some(d) = q.issued_from {
        let n = p.push(Arg::Date(Some(d)));
        c.push(format!("d.issued_on >= {n}"));
    }
    if let Some(d) = q.issued_to {
        let n = p.push(Arg::Date(Some(d)));
        c.push(format!("d.issued_on <= {n}"));
    }
    if let Some(text) = &q.q {
        let n = p.push(Arg::Text(Some(format!(
            "%{}%",
            text.replace(['%', '_'], "")
        ))));
        c.push(format!("d.subject_folded LIKE {n}"));
    }
    c.join(" AND ")
}

/// A page of directives, the latest issued first, with their tallies on
/// `today`; and how many match.
pub async fn list(
    db: &Db,
    scope: Scope,
    q: &DirectiveQuery,
    today: NaiveDate,
) -> Result<(Vec<DirectiveRow>, i64)> {
    let mut tx = db.begin_read().await?;
    let mut p = Params::default();
    let cond = list_where(scope, q, &mut p);
    let lim = p.push(Arg::I64(Some(q.page.limit())));
    let off = p.push(Arg::I64(Some(q.page.offset())));
    let sql = format!(
        "{SELECT_DIRECTIVE} WHERE {cond} ORDER BY d.issued_on DESC, d.id DESC LIMIT {lim} OFFSET {off}"
    );
    let mut rows: Vec<DirectiveRow> = fetch_all_dyn(&mut tx, &sql, p.args).await?;
    tally(&mut tx, scope, &mut rows, &mut [], today).await?;
    let mut c = Params::default();
    let sql = format!(
        "SELECT COUNT(*) FROM directives d WHERE {}",
        list_where(scope, q, &mut c)
    );
    let total = fetch_dyn!(&mut tx, fetch_one, scalar i64, &sql, c.args)?;
    tx.rollback().await?;
    Ok((rows, total))
}

/// The issuing unit: reached by the scope, a province, district or
/// commune existing on the day of issue.
async fn check_issuer(tx: &mut Tx, scope: Scope, d: &NewDirective) -> Result<()> {
    use domain::org_units::Level;
    may_write_at(tx, scope, d.org_unit_id).await?;
    if let Some(unit) = d.org_unit_id {
        let u = crate::scope::unit(tx, scope, unit).await?;
        let level_ok = matches!(u.level, Level::Province | Level::District | Level::Commune);
        if !level_ok || !u.validity().contains(d.issued_on) {
            return Err(invalid("org_unit_id", Reason::DirectiveUnitInvalid));
        }
    }
    if let Some(doc) = d.document_id {
        crate::documents::read_tx(tx, scope, doc)
            .await
            .map_err(|_| invalid("document_id", Reason::DocumentUnknown))?;
    }
    Ok(())
}

/// The units below the issuer (`$1`; NULL: national, every unit)
/// existing on the day of issue (`$2`), as a `SELECT` of their ids.
fn below_issuer(national: bool, extra: &str) -> String {
    if national {
        return format!(
            "SELECT u.id FROM org_units u WHERE $1 IS NULL AND {} AND {extra}",
            valid_on("$2")
        );
    }
    format!(
        "SELECT u.id FROM org_unit_reach r JOIN org_units u ON u.id = r.unit_id
          WHERE r.ancestor_id = $1 AND r.unit_id <> $1 AND {} AND {extra}",
        valid_on("$2")
    )
}

/// Gives a new task to its owners in one statement; how many.
async fn give(tx: &mut Tx, d: &NewDirective, task_id: i64, t: &NewTask) -> Result<i64> {
    let mut p = Params::default();
    p.push(Arg::I64(d.org_unit_id));
    p.push(Arg::Date(Some(d.issued_on)));
    let task = p.push(Arg::I64(Some(task_id)));
    let due = p.push(Arg::Date(Some(t.due_on)));
    let national = d.org_unit_id.is_none();
    let units = match &t.owners {
        Owners::EveryCommune => below_issuer(national, "u.level = 'commune'"),
        Owners::Units(list) => {
            let list = p.list(list.iter().map(|u| Arg::I64(Some(*u))));
            below_issuer(national, &format!("u.id IN ({list})"))
        }
    };
    let sql = format!(
        "INSERT INTO task_owners (task_id, org_unit_id, due_on, state, files)
         SELECT {task}, x.id, {due}, 'not_started', 0 FROM ({units}) x"
    );
    let n = i64::try_from(crate::execute_dyn(tx, &sql, p.args).await?).unwrap_or(i64::MAX);
    match &t.owners {
        Owners::EveryCommune if n == 0 => Err(invalid("owners", Reason::TaskNoCommunes)),
        Owners::Units(list) if usize::try_from(n).ok() != Some(list.len()) => {
            Err(invalid("owners", Reason::TaskOwnersOutside))
        }
        _ => Ok(n),
    }
}

/// Issues a directive: its tasks given to their owners (every commune of a
/// province in one statement each), audited as one record.
pub async fn create(
    db: &Db,
    author: Author,
    scope: Scope,
    d: &NewDirective,
) -> Result<DirectiveDetail> {
    let mut tx = db.begin().await?;
    check_issuer(&mut tx, scope, d).await?;
    let id: i64 = fetch!(
        tx,
        fetch_one,
        scalar i64,
        "INSERT INTO directives (org_unit_id, document_id, reference, subject, subject_folded,
            issued_on, summary, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        d.org_unit_id,
        d.document_id,
        d.reference.as_deref(),
        &d.subject,
        fold(&format!("{} {}", d.reference.as_deref().unwrap_or(""), d.subject)),
        d.issued_on,
        d.summary.as_deref(),
        author.user_id(),
        Utc::now()
    )?;
    for (i, t) in d.tasks.iter().enumerate() {
        let data_set = match t.expected {
            domain::directives::Expected::Figures { data_set_id } => {
                let known: Option<i64> = fetch!(
                    tx,
                    fetch_optional,
                    scalar i64,
                    "SELECT id FROM data_sets WHERE id = $1",
                    data_set_id
                )?;
                Some(known.ok_or_else(|| invalid("data_set_id", Reason::TaskDataSetUnknown))?)
            }
            _ => None,
        };
        let task_id: i64 = fetch!(
            tx,
            fetch_one,
            scalar i64,
            "INSERT INTO directive_tasks (directive_id, position, title, due_on, expects,
                data_set_id, owners)
             VALUES ($1, $2, $3, $4, $5, $6, 0) RETURNING id",
            id,
            i64::try_from(i + 1).unwrap_or(i64::MAX),
            &t.title,
            t.due_on,
            t.expected.kind().as_str(),
            data_set
        )?;
        let n = give(&mut tx, d, task_id, t).await?;
        execute!(
            tx,
            "UPDATE directive_tasks SET owners = $2 WHERE id = $1",
            task_id,
            n
        )?;
    }
    let detail = detail_tx(&mut tx, Scope::All, id, d.issued_on).await?;
    audit::record(
        &mut tx,
        Change {
            author,
            action: "create",
            entity: "directive",
            entity_id: id.to_string(),
            before: None::<&()>,
            after: Some(&detail),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(detail)
}
