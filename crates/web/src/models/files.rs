//! Models in files: the list and the matrix as XLSX or CSV, and the
//! all-or-nothing import of an XLSX or CSV with a per-row error report.

use crate::api::{Problem, ReportFormat, XLSX};
use crate::blocking::BlockingPool;
use crate::downloads::file_of;
use crate::uploads::{
    done_answer, mode_of, multipart, refused, uploaded, wants_report, ImportRefused, PreviewStale,
    Upload,
};
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::response::Response;
use domain::file::{Done, Imported, Mode, Preview};
use domain::models::file::{level_label, Col, ModelFile, COLUMNS};
use domain::models::{Rating, Status};
use domain::org_units::Level;
use domain::policy::Action;
use domain::vocabulary::Words;
use domain::Reason;
use files::{Cell, Column, Sheet};
use store::accounts::Scope;
use store::audit::Author;
use store::models::{self, Matrix, ModelQuery, ModelRow, ModelsWritten};
use store::Db;

use crate::actor::Actor;
use crate::error::ApiError;
use crate::AppState;

fn label<T>(
    s: &str,
    parse: fn(&'static str, &str) -> Result<T, domain::DomainError>,
    f: fn(T) -> &'static str,
) -> Cell {
    match parse("x", s) {
        Ok(v) => Cell::from(f(v)),
        Err(_) => Cell::from(s),
    }
}

/// One model as a row of the file, in [`COLUMNS`] order; `fields` names
/// its field.
fn row_cells(m: &ModelRow, fields: &Words) -> Vec<Cell> {
    COLUMNS
        .iter()
        .map(|(c, _, _)| match c {
            Col::Id => Cell::Int(m.id),
            Col::Name => Cell::from(m.name.as_str()),
            Col::TypeCode => Cell::from(m.type_code.as_str()),
            Col::TypeName => Cell::from(m.type_name.as_str()),
            Col::Sector => Cell::from(fields.name(&m.sector)),
            Col::UnitId => Cell::Int(m.org_unit_id),
            Col::UnitCode => Cell::from(m.org_unit_code.clone()),
            Col::UnitLevel => match Level::parse("x", &m.org_unit_level) {
                Ok(l) => Cell::from(level_label(l)),
                Err(_) => Cell::from(m.org_unit_level.as_str()),
            },
            Col::UnitName => Cell::from(m.org_unit_name.as_str()),
            Col::ParentName => Cell::from(m.parent_name.clone()),
            Col::FoundedOn => Cell::Date(m.founded_on),
            Col::DecisionNo => Cell::from(m.decision_no.clone()),
            Col::DecisionDate => Cell::from(m.decision_date),
            Col::DecisionIssuer => Cell::from(m.decision_issuer.clone()),
            Col::Status => label(&m.status, Status::parse, Status::label),
            Col::StatusSince => Cell::Date(m.status_since),
            Col::Members => Cell::from(m.members),
            Col::Households => Cell::from(m.households),
            Col::LeaderName => Cell::from(m.leader_name.clone()),
            Col::LeaderRole => Cell::from(m.leader_role.clone()),
            Col::Partners => Cell::from(m.partners.clone()),
            Col::Tags => Cell::from(m.tag_list().join("; ")),
            Col::ReplicatedFrom => Cell::from(m.replicated_from),
            Col::LastRating => match &m.last_rating {
                Some(r) => label(r, Rating::parse, Rating::label),
                None => Cell::Empty,
            },
            Col::LastRatingYear => Cell::from(m.last_rating_year.map(i64::from)),
            Col::Exemplar => Cell::Bool(m.last_exemplar),
        })
        .collect()
}

pub fn list_sheet(rows: &[ModelRow], fields: &Words) -> Sheet {
    Sheet {
        name: "Mô hình".into(),
        columns: COLUMNS
            .iter()
            .map(|(_, h, w)| Column::new(*h, *w))
            .collect(),
        rows: rows.iter().map(|m| row_cells(m, fields)).collect(),
        highlight_col: None,
    }
}

/// The list as a file, read from `db` (the replica when there is one).
pub async fn export_list(
    db: &store::Db,
    actor: &Actor,
    q: &ModelQuery,
    fmt: &str,
) -> Result<Response, ApiError> {
    crate::downloads::check_format(fmt)?;
    let rows = models::query::export(db, actor.scope(), q).await?;
    let names = store::vocabulary::Names::load(db).await?;
    let sheet = list_sheet(&rows, &names.fields);
    // Writing 100,000 rows takes a second or two: off the async workers.
    let fmt_owned = fmt.to_string();
    tokio::task::spawn_blocking(move || file_of(&sheet, "mo-hinh", &fmt_owned))
        .await
        .map_err(|_| ApiError::invalid("format", Reason::FileNotBuilt))?
}

pub fn matrix_sheet(m: &Matrix) -> Sheet {
    let mut columns = vec![Column::new("Địa bàn", 32.0)];
    columns.extend(m.columns.iter().map(|c| Column::new(c.label.clone(), 14.0)));
    columns.push(Column::new("Tổng", 10.0));
    let mut rows: Vec<Vec<Cell>> = m
        .rows
        .iter()
        .map(|r| {
            let name = if r.direct {
                format!("{} (trực tiếp)", r.name)
            } else {
                r.name.clone()
            };
            std::iter::once(Cell::from(name))
                .chain(r.cells.iter().map(|n| Cell::Int(*n)))
                .chain(std::iter::once(Cell::Int(r.total)))
                .collect()
        })
        .collect();
    rows.push(
        std::iter::once(Cell::from("Tổng cộng"))
            .chain(m.totals.iter().map(|n| Cell::Int(*n)))
            .chain(std::iter::once(Cell::Int(m.total)))
            .collect(),
    );
    Sheet {
        name: format!("Ma trận {}", m.date.format("%d-%m-%Y")),
        columns,
        rows,
        highlight_col: None,
    }
}

pub fn export_matrix(m: &Matrix, fmt: &str) -> Result<Response, ApiError> {
    file_of(&matrix_sheet(m), "ma-tran-mo-hinh", fmt)
}

// ---- import -----------------------------------------------------------------

/// Reads, checks and writes a model file: all rows or none. Shared by the
/// page and the API. The file is read on the blocking `pool`: a large one
/// takes seconds of CPU.
pub async fn import_file(
    db: &Db,
    (author, scope): (Author, Scope),
    pool: &BlockingPool,
    bytes: Bytes,
    mode: &Mode,
) -> Result<Imported<Done<ModelsWritten>>, ApiError> {
    // Hashing 64 MiB takes as long as a small read: both off the workers.
    let (digest, read) = pool
        .run(move || {
            let digest = domain::file::digest(&bytes);
            (digest, files::read_table::<ModelFile>(&bytes, |_| {}))
        })
        .await?;
    Ok(models::import_file(db, author, scope, read?, &digest, mode, |_| {}).await?)
}

/// Import models from an XLSX or CSV file (multipart field `file`): create and update, all rows or none
///
/// A row with "Mã mô hình" (or the type, unit and name of a stored model)
/// updates that model where it differs; a row without creates one;
/// unchanged rows write nothing. `dry_run=true` answers what the file
/// would do (200) and writes nothing; `confirm=<digest>` writes only if
/// the file still does what that preview showed (409 with the new preview
/// otherwise). 201 with the counts and the new ids, or 422 with the
/// errors (or the XLSX report when asked with `?report=xlsx`).
#[utoipa::path(post, path = "/api/v1/models/import", tag = "models",
    params(
        ("report" = Option<ReportFormat>, Query, description = "On refusal, answer with the XLSX error report."),
        ("dry_run" = Option<bool>, Query, description = "Only answer what the file would do."),
        ("confirm" = Option<String>, Query, description = "The digest of the preview being confirmed."),
    ),
    request_body(content = Upload, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "What the file would do (dry_run)", body = Preview),
        (status = 201, description = "Imported", body = ModelsWritten),
        (status = 409, description = "The confirmed preview no longer holds; nothing written", body = PreviewStale),
        (status = 413, description = "File larger than 64 MiB.", body = Problem),
        (status = 422, description = "Rows refused; nothing imported",
            content((ImportRefused = "application/json"), (Vec<u8> = XLSX))),
    ))]
pub async fn import_api(
    State(state): State<AppState>,
    actor: Actor,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
    req: Request,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageModels)?;
    let report = wants_report(raw.as_deref())?;
    let mode = mode_of(raw.as_deref())?;
    let (bytes, _) = uploaded(multipart(req, &state).await?).await?;
    let pool = &state.parses;
    let who = (actor.author(), actor.scope());
    match import_file(&state.db, who, pool, bytes.clone(), &mode).await? {
        Imported::All(done) => Ok(done_answer(done)),
        Imported::Refused(errors) => {
            refused(
                pool,
                bytes,
                &errors,
                report,
                "loi-nhap-mo-hinh",
                Reason::FileRefusedModels,
            )
            .await
        }
    }
}
