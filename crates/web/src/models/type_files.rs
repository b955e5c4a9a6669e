//! The model-type catalogue in files: the types a user sees as XLSX or
//! CSV, and a catalogue loaded from one into a province's (or the
//! national) catalogue, all or nothing, with a per-row error report.

use axum::body::Bytes;
use axum::extract::{RawQuery, Request, State};
use axum::response::Response;
use domain::file::{Done, Imported, Mode, Preview, Written};
use domain::models::type_file::{Col, TypeFile, COLUMNS, IN_USE, RETIRED};
use domain::policy::Action;
use domain::time::today;
use domain::Reason;
use files::{Cell, Column, Sheet};
use store::models::types::{self, Listed};

use crate::actor::Actor;
use crate::api::{Problem, ReportFormat, XLSX};
use crate::catalogue::Workplace;
use crate::downloads::file_of;
use crate::error::ApiError;
use crate::forms::Fields;
use crate::uploads::{
    done_answer, mode_of, multipart, refused, uploaded, wants_report, ImportRefused, PreviewStale,
    Upload,
};
use crate::AppState;

/// One type as a row of the file, in [`COLUMNS`] order.
fn row_cells(t: &Listed) -> Vec<Cell> {
    let ty = &t.model_type;
    COLUMNS
        .iter()
        .map(|(c, _, _)| match c {
            Col::Code => Cell::from(ty.code.as_str()),
            Col::Name => Cell::from(ty.name.as_str()),
            Col::ShortName => Cell::from(ty.short_name.as_str()),
            Col::Sector => Cell::from(ty.sector_name.as_str()),
            Col::Targets => Cell::from(ty.target_names.join("; ")),
            Col::Description => Cell::from(ty.description.clone()),
            Col::LegalBasis => Cell::from(ty.legal_basis.clone()),
            Col::LeadOrg => Cell::from(ty.lead_org.clone()),
            Col::CoordinatingOrgs => Cell::from(ty.coordinating_orgs.clone()),
            Col::Source => Cell::from(ty.source.clone()),
            Col::Owner => Cell::from(t.owner_name.clone().unwrap_or_else(|| "Quốc gia".into())),
            Col::Status => Cell::from(if ty.retired_on.is_some() {
                RETIRED
            } else {
                IN_USE
            }),
        })
        .collect()
}

pub fn types_sheet(items: &[Listed]) -> Sheet {
    Sheet {
        name: "Loại mô hình".into(),
        columns: COLUMNS
            .iter()
            .map(|(_, h, w)| Column::new(*h, *w))
            .collect(),
        rows: items.iter().map(row_cells).collect(),
        highlight_col: None,
    }
}

/// The types the user sees (retired ones too) as a file.
pub async fn export_types(
    state: &AppState,
    actor: &Actor,
    fmt: &str,
) -> Result<Response, ApiError> {
    crate::downloads::check_format(fmt)?;
    let at = Workplace::of(state, actor).await?;
    let items = types::listed(&state.db, at.provinces(), true).await?;
    file_of(&types_sheet(&items), "loai-mo-hinh", fmt)
}

/// Reads a catalogue file and loads it into the catalogue of `asked` (by
/// default the user's own: the national one for administrators, their
/// province's for its staff). Shared by the page and the API.
pub async fn import_types(
    state: &AppState,
    actor: &Actor,
    asked: Option<i64>,
    bytes: Bytes,
    mode: &Mode,
) -> Result<Imported<Done<Written>>, ApiError> {
    let at = Workplace::of(state, actor).await?;
    let owner = at.owner_of_new(actor, Action::ManageModelTypes, asked)?;
    let read = state
        .parses
        .run(move || files::read_table::<TypeFile>(&bytes, |_| {}))
        .await??;
    let (rows, errors) = match read {
        Err(stop) => return Ok(Imported::Refused(stop)),
        Ok(read) => read,
    };
    let how = (today(), mode);
    Ok(types::import(&state.db, actor.author(), owner, &rows, errors, how).await?)
}

/// The owner a catalogue import names: `owner_id` in the query string or
/// the form (none: the user's own catalogue).
pub fn asked_owner(f: &Fields) -> Result<Option<i64>, ApiError> {
    f.i64("owner_id")
}

/// Load a model-type catalogue from an XLSX or CSV file (multipart field `file`): all rows or none
///
/// A new code joins the catalogue, a code it has is updated where the row
/// differs (an unchanged row writes nothing), a code of another catalogue
/// is refused. `dry_run=true` answers what the file would do (200);
/// `confirm=<digest>` writes only if it still does what that preview
/// showed (409 with the new preview otherwise). 201 with the counts, or
/// 422 with the errors (or the XLSX report with `?report=xlsx`).
#[utoipa::path(post, path = "/api/v1/model-types/import", tag = "models",
    params(
        ("owner_id" = Option<i64>, Query, description = "The province whose catalogue this is; by default the user's own (national for administrators)."),
        ("report" = Option<ReportFormat>, Query, description = "On refusal, answer with the XLSX error report."),
        ("dry_run" = Option<bool>, Query, description = "Only answer what the file would do."),
        ("confirm" = Option<String>, Query, description = "The digest of the preview being confirmed."),
    ),
    request_body(content = Upload, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "What the file would do (dry_run)", body = Preview),
        (status = 201, description = "Loaded", body = Written),
        (status = 409, description = "The confirmed preview no longer holds; nothing written", body = PreviewStale),
        (status = 413, description = "File larger than 64 MiB.", body = Problem),
        (status = 422, description = "Rows refused; nothing loaded",
            content((ImportRefused = "application/json"), (Vec<u8> = XLSX))),
    ))]
pub async fn import_api(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(raw): RawQuery,
    req: Request,
) -> Result<Response, ApiError> {
    actor.require(Action::ManageModelTypes)?;
    let f = Fields::from_query(raw.as_deref());
    let report = wants_report(raw.as_deref())?;
    let asked = asked_owner(&f)?;
    let mode = mode_of(raw.as_deref())?;
    let (bytes, _) = uploaded(multipart(req, &state).await?).await?;
    match import_types(&state, &actor, asked, bytes.clone(), &mode).await? {
        Imported::All(done) => Ok(done_answer(done)),
        Imported::Refused(errors) => {
            let name = "loi-nhap-loai-mo-hinh";
            refused(
                &state.parses,
                bytes,
                &errors,
                report,
                name,
                Reason::FileRefusedTypes,
            )
            .await
        }
    }
}
