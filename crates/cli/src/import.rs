//! `binhyen import`: models and figures from a file, checked whole before anything is written.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Subcommand;
use domain::catalogue::Owner;
use domain::file::{Done, FileKind, Imported, Mode, ReadRows, Written};
use domain::models::file::ModelFile;
use domain::models::type_file::TypeFile;
use domain::org_units::Level;
use domain::policy::{self, Action, Decision};
use domain::statistics::file::ValuesFile;
use domain::time::today;
use store::audit::Author;
use store::org_units::reference::ReferenceData;
use store::Db;

use crate::config::Settings;
use crate::{load_catalogues, load_units, open, user_id};

#[derive(Subcommand)]
pub(crate) enum ImportCommand {
    /// Deployed models from an XLSX or CSV file with the export's columns:
    /// a row with "Mã mô hình" (or a stored model's type, unit and name)
    /// updates that model, one without creates one; every row is checked
    /// first, and any problem writes nothing.
    Models {
        file: PathBuf,
        /// Import as this user (their scope applies; audited as theirs) [default: the system, unscoped].
        #[arg(long)]
        username: Option<String>,
        /// Where to write the error report (XLSX) when rows are refused.
        #[arg(long)]
        report: Option<PathBuf>,
        /// Only say what the file would do (new, changed, unchanged); write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Figures from an XLSX or CSV file (unit id or code, period, indicator
    /// code, value, comment), as the period sheet of the statistics page:
    /// every value is checked first, and any problem writes nothing; a
    /// value equal to the stored one writes nothing.
    Values {
        file: PathBuf,
        /// Import as this user (their scope applies; audited as theirs) [default: the system, unscoped].
        #[arg(long)]
        username: Option<String>,
        /// Where to write the error report (XLSX) when rows are refused.
        #[arg(long)]
        report: Option<PathBuf>,
        /// Only say what the file would do (new, changed, unchanged); write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// What an import wrote, or would write (`--dry-run`), in one line.
fn said(done: Done<Written>) -> String {
    let (verb, w) = match done {
        Done::Written(w) => ("đã ghi / written", w),
        Done::Previewed { preview, .. } => (
            "chưa ghi, tệp sẽ / dry run, the file would",
            Written::from(&preview),
        ),
    };
    format!(
        "{verb}: thêm {} · sửa {} · không đổi {} / new {}, changed {}, unchanged {}",
        w.new, w.changed, w.unchanged, w.new, w.changed, w.unchanged
    )
}

/// A progress line on standard error, redrawn in place.
fn show(line: String) {
    use std::io::Write as _;
    let mut err = std::io::stderr();
    let _ = write!(err, "\r{line:<60}");
    let _ = err.flush();
}

fn reading(n: usize) {
    show(format!("đọc và kiểm tra {n} dòng"));
}

/// A bar while writing when the rows are known (`total`), else a count.
fn writing(total: Option<usize>) -> impl FnMut(usize) {
    move |n| {
        show(match total {
            Some(t) if t > 0 => {
                let filled = n * 30 / t;
                format!(
                    "ghi  [{}{}] {n}/{t}",
                    "#".repeat(filled),
                    " ".repeat(30 - filled.min(30))
                )
            }
            _ => format!("ghi  {n} dòng"),
        })
    }
}

/// Reads the file on a blocking thread, as the server does on its pool.
async fn read<K>(bytes: Arc<Vec<u8>>) -> Result<ReadRows<K::Row>, String>
where
    K: FileKind,
    K::Row: Send + 'static,
{
    tokio::task::spawn_blocking(move || files::read_table::<K>(&bytes, reading))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())
}

/// An import's file and the database, with the units and catalogues the
/// rows are checked against (no-ops once loaded).
/// The bytes are shared, not copied, between the import and its report.
async fn file_and_db(settings: &Settings, file: &Path) -> Result<(Arc<Vec<u8>>, Db), String> {
    let bytes =
        std::fs::read(file).map_err(|e| format!("không đọc được {}: {e}", file.display()))?;
    let db = open(settings).await?;
    load_units(&db, &ReferenceData::embedded(), false).await?;
    load_catalogues(&db).await?;
    Ok((Arc::new(bytes), db))
}

/// Who an import runs as: a user (their scope, audited as theirs) who may
/// import `what`, or the system, unscoped.
async fn importer(
    db: &Db,
    username: Option<&str>,
    action: Action,
    what: &str,
) -> Result<(Author, domain::accounts::Role, store::accounts::Scope), String> {
    let Some(u) = username else {
        return Ok((
            Author::System,
            domain::accounts::Role::Admin,
            store::accounts::Scope::All,
        ));
    };
    let id = user_id(db, u).await?;
    let user = store::accounts::find_by_username(db, u)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("không có người dùng {u}"))?
        .0;
    if !domain::policy::allows(user.role, action) {
        return Err(format!("{u} không có quyền nhập {what}"));
    }
    Ok((Author::User(id), user.role, user.scope()))
}

/// The refused rows on standard error, and the XLSX report if asked.
fn report_refusal(
    bytes: &[u8],
    errors: &[domain::file::CellError],
    report: Option<&Path>,
) -> Result<(), String> {
    for e in errors.iter().take(50) {
        eprintln!("dòng {} · {}: {}", e.row, e.column, e.message);
    }
    if errors.len() > 50 {
        eprintln!("… và {} lỗi khác", errors.len() - 50);
    }
    if let Some(path) = report {
        let xlsx = files::error_report(bytes, errors).map_err(|e| e.to_string())?;
        std::fs::write(path, xlsx)
            .map_err(|e| format!("không ghi được {}: {e}", path.display()))?;
        eprintln!("báo cáo lỗi: {}", path.display());
    }
    Ok(())
}

/// What the import did on standard output, or its refusals on standard
/// error (and the XLSX report if asked) and a failing exit.
fn finish<T>(
    outcome: Imported<T>,
    bytes: &[u8],
    report: Option<&Path>,
    done: impl FnOnce(T) -> String,
) -> Result<(), String> {
    eprintln!();
    match outcome {
        Imported::All(t) => {
            println!("{}", done(t));
            Ok(())
        }
        Imported::Refused(errors) => {
            report_refusal(bytes, &errors, report)?;
            Err(format!(
                "tệp có {} lỗi; chưa ghi gì / {} problems, nothing written",
                errors.len(),
                errors.len()
            ))
        }
    }
}

pub(crate) async fn import_values(
    settings: &Settings,
    file: &Path,
    (username, report): (Option<&str>, Option<&Path>),
    dry_run: bool,
) -> Result<(), String> {
    let (bytes, db) = file_and_db(settings, file).await?;
    let (author, role, scope) = importer(&db, username, Action::EnterFigures, "số liệu").await?;
    let who = store::statistics::values::Who {
        author,
        role,
        scope,
    };
    let rows = read::<ValuesFile>(bytes.clone()).await?;
    let mode = if dry_run { Mode::Preview } else { Mode::Apply };
    let outcome = store::statistics::values::import_file(&db, who, rows, (today(), &mode))
        .await
        .map_err(|e| e.to_string())?;
    finish(outcome, &bytes, report, |d| {
        format!("số liệu / figures: {}", said(d))
    })
}

pub(crate) async fn import_models(
    settings: &Settings,
    file: &Path,
    username: Option<&str>,
    report: Option<&Path>,
    dry_run: bool,
) -> Result<(), String> {
    let (bytes, db) = file_and_db(settings, file).await?;
    let (author, _, scope) = importer(&db, username, Action::ManageModels, "mô hình").await?;
    // Rows of data: the file's lines less the header, for the bar's end.
    let lines = bytes.iter().filter(|b| **b == b'\n').count();
    let total = (!bytes.starts_with(b"PK")).then(|| lines.saturating_sub(1));
    let digest = domain::file::digest(&bytes);
    let rows = read::<ModelFile>(bytes.clone()).await?;
    let mode = if dry_run { Mode::Preview } else { Mode::Apply };
    let outcome =
        store::models::import_file(&db, author, scope, rows, &digest, &mode, writing(total))
            .await
            .map_err(|e| e.to_string())?;
    finish(outcome, &bytes, report, |done| {
        let (verb, w) = match done {
            Done::Written(w) => ("đã ghi / written", w.written),
            Done::Previewed { preview, .. } => (
                "chưa ghi, tệp sẽ / dry run, the file would",
                Written::from(&preview),
            ),
        };
        format!(
            "{verb}: thêm {} · sửa {} · không đổi {} / new {}, changed {}, unchanged {}",
            w.new, w.changed, w.unchanged, w.new, w.changed, w.unchanged
        )
    })
}

/// A province's model-type catalogue from an XLSX or CSV file with the
/// catalogue export's columns (`binhyen import-catalogue --province`):
/// all rows or none, as the page loads it.
pub(crate) async fn import_province_types(
    settings: &Settings,
    file: &Path,
    province: &str,
    (username, report): (Option<&str>, Option<&Path>),
    dry_run: bool,
) -> Result<(), String> {
    let (bytes, db) = file_and_db(settings, file).await?;
    let (author, role, scope) = importer(
        &db,
        username,
        Action::ManageModelTypes,
        "danh mục loại mô hình",
    )
    .await?;
    let unit = store::org_units::resolve_code(&db, Level::Province, province, today())
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("không có tỉnh, thành phố hiện hành mã {province}"))?;
    let owner = Owner::Province(unit.id);
    let works_in = store::catalogue::provinces_of_user(&db, scope)
        .await
        .map_err(|e| e.to_string())?;
    let mine = works_in.as_deref().unwrap_or_default();
    if policy::decide_catalogue(role, Action::ManageModelTypes, owner, mine) != Decision::Allow {
        return Err(format!("không được nhập danh mục của {}", unit.name));
    }
    let mode = if dry_run { Mode::Preview } else { Mode::Apply };
    let outcome = match read::<TypeFile>(bytes.clone()).await? {
        Err(stop) => Imported::Refused(stop),
        Ok((rows, errors)) => {
            store::models::types::import(&db, author, owner, &rows, errors, (today(), &mode))
                .await
                .map_err(|e| e.to_string())?
        }
    };
    finish(outcome, &bytes, report, |d| {
        format!("danh mục loại mô hình của {}: {}", unit.name, said(d))
    })
}
