//! The `binhyen` binary: one command per task, all on the same database,
//! chosen by `--data-dir` (embedded SQLite) or `--database-url`.

mod backup;
mod config;
mod demo;
mod demo_certification;
mod demo_commendations;
mod demo_directives;
mod demo_documents;
mod demo_events;
mod demo_forces;
mod demo_programs;
mod demo_reviews;
mod demo_tips;
mod demo_training;
mod import;
mod serve;
mod token;
mod user;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use config::{FileConfig, Global, LogFormat, ServeArgs, Settings};
use domain::accounts::parse_username;
use store::org_units::reference::{self, ReferenceData};
use store::Db;

#[derive(Parser)]
#[command(
    name = "binhyen",
    version,
    about = "Phong trào Toàn dân bảo vệ an ninh Tổ quốc — quản lý phong trào"
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web server.
    Serve(ServeArgs),
    /// Run the server with demo accounts and data (embedded SQLite by default).
    Demo(ServeArgs),
    /// Apply database migrations and stop.
    Migrate,
    /// Copy the SQLite database consistently while it is in use.
    Backup { file: PathBuf },
    /// Replace the SQLite database with a backup (stop the server first).
    Restore { file: PathBuf },
    /// Load the national administrative units again (from the binary, or a folder of newer files).
    ImportUnits {
        /// Folder with units-2025.csv, units-legacy.csv, ward-conversion-2025.csv, province-conversion-2025.csv.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Apply the shipped catalogues again: the model types (the ones in the
    /// binary, or a newer CSV in its columns) and the statistics catalogue
    /// (indicators, data sets, validation rules). Shipped entries are
    /// added, corrected or retired; entries people added or changed here
    /// are left as they are.
    ///
    /// With `--province CODE` the file is that province's own catalogue
    /// instead, an XLSX or CSV in the columns of the catalogue's export
    /// (Mã loại, Tên loại mô hình, Lĩnh vực, Nơi áp dụng …): new codes are
    /// added, codes it has are updated, and any problem loads nothing.
    ImportCatalogue {
        /// A model-types.csv (code, name, short_name, sector, targets,
        /// description, legal_basis, lead_org, coordinating_orgs, source);
        /// with --province, the province's catalogue file.
        #[arg(long)]
        file: Option<PathBuf>,
        /// The current province's code (as in units-2025.csv) whose catalogue the file is.
        #[arg(long, requires = "file")]
        province: Option<String>,
        /// Load as this user (a province's staff, or an administrator) [default: the system].
        #[arg(long, requires = "province")]
        username: Option<String>,
        /// Where to write the error report (XLSX) when rows are refused.
        #[arg(long, requires = "province")]
        report: Option<PathBuf>,
        /// With --province: only say what the file would do; write nothing.
        #[arg(long, requires = "province")]
        dry_run: bool,
    },
    /// Import records from a file.
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Manage users.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// API tokens for other systems (sent as `Authorization: Bearer …`).
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// The rollups behind the statistics pivots and the certification tallies.
    #[command(subcommand)]
    Analytics(AnalyticsCommand),
}

#[derive(Subcommand)]
enum AnalyticsCommand {
    /// Recompute every rollup from the stored figures (readers keep the old
    /// ones until it commits; writers of figures wait), and let the
    /// certification tallies be counted again.
    Rebuild,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Chain the records waiting for their place, recompute the hash chain
    /// (fails at the first record that does not follow) and print its head
    /// (`place:hash`), to keep outside the database.
    Verify {
        /// A head printed before (`place:hash`): the record at that place
        /// must still have that hash, so that a chain rewritten from there
        /// on is found.
        #[arg(long, value_name = "PLACE:HASH")]
        anchor: Vec<String>,
    },
}

pub(crate) async fn user_id(db: &Db, username: &str) -> Result<i64, String> {
    let name = parse_username(username).map_err(|e| e.to_string())?;
    store::accounts::find_by_username(db, &name)
        .await
        .map_err(|e| e.to_string())?
        .map(|(u, _)| u.id)
        .ok_or_else(|| format!("không có người dùng {name}"))
}

fn main() -> ExitCode {
    serve::release_large_allocations();
    let cli = Cli::parse();
    let serve_args = match &cli.command {
        Command::Serve(a) | Command::Demo(a) => a.clone(),
        _ => ServeArgs::default(),
    };
    let settings = match FileConfig::read(cli.global.config.as_deref())
        .and_then(|f| Settings::resolve(&cli.global, &serve_args, f))
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("binhyen: {e}");
            return ExitCode::from(2);
        }
    };
    init_logging(settings.log_format);
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("binhyen: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli.command, settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("binhyen: {e}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("BINHYEN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => b.json().init(),
        LogFormat::Text => b.init(),
    }
}

/// Opens the database, creating the data folder, and migrates it. A data
/// folder that cannot be written is refused here, before anything starts.
/// The database opened, migrated, with its units and catalogues loaded,
/// as a server starts: under the setup lock, so that several servers
/// starting at once on one PostgreSQL database prepare it one at a time.
async fn prepare(settings: &Settings) -> Result<Db, String> {
    let url = store::redact_url(&settings.database_url);
    let db = connect(settings).await?;
    let lock = db
        .setup_lock()
        .await
        .map_err(|e| format!("không chờ được máy chủ khác chuẩn bị cơ sở dữ liệu {url}: {e}"))?;
    migrate(&db, &url).await?;
    load_units(&db, &ReferenceData::embedded(), false).await?;
    load_catalogues(&db).await?;
    lock.release().await.map_err(|e| e.to_string())?;
    Ok(db)
}

pub(crate) async fn open(settings: &Settings) -> Result<Db, String> {
    let db = connect(settings).await?;
    migrate(&db, &store::redact_url(&settings.database_url)).await?;
    Ok(db)
}

async fn migrate(db: &Db, url: &str) -> Result<(), String> {
    db.migrate()
        .await
        .map_err(|e| format!("không cập nhật được cấu trúc cơ sở dữ liệu {url}: {e}"))
}

async fn connect(settings: &Settings) -> Result<Db, String> {
    if let Some(dir) = &settings.data_dir {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("không tạo được thư mục dữ liệu {}: {e}", dir.display()))?;
        check_writable(dir)?;
    }
    let url = store::redact_url(&settings.database_url);
    Db::connect(&settings.database_url)
        .await
        .map_err(|e| format!("không mở được cơ sở dữ liệu {url}: {e}"))
}

fn check_writable(dir: &Path) -> Result<(), String> {
    let probe = dir.join(".binhyen-write-test");
    std::fs::write(&probe, b"ok")
        .and_then(|_| std::fs::remove_file(&probe))
        .map_err(|e| {
            format!(
                "thư mục dữ liệu {} không ghi được (chỉ đọc hoặc đầy?): {e}",
                dir.display()
            )
        })
}

pub(crate) async fn load_units(db: &Db, data: &ReferenceData, force: bool) -> Result<(), String> {
    let r = reference::load(db, data, force)
        .await
        .map_err(|e| format!("không nạp được danh mục đơn vị hành chính: {e}"))?;
    if r.unchanged {
        tracing::info!("administrative units already loaded");
    } else {
        tracing::info!(
            units = r.units,
            links = r.links,
            ms = r.millis as u64,
            "administrative units loaded"
        );
    }
    Ok(())
}

/// The default catalogues (model types; indicators, data sets and rules),
/// on a database that never had them.
pub(crate) async fn load_catalogues(db: &Db) -> Result<(), String> {
    let n = store::models::types::load_catalogue(
        db,
        store::models::types::DEFAULT_CATALOGUE,
        domain::time::today(),
    )
    .await
    .map_err(|e| format!("không nạp được danh mục loại mô hình: {e}"))?;
    if n > 0 {
        tracing::info!(types = n, "model type catalogue loaded");
    }
    let n = store::statistics::load_catalogue(db)
        .await
        .map_err(|e| format!("không nạp được danh mục chỉ tiêu: {e}"))?;
    if n > 0 {
        tracing::info!(indicators = n, "statistics catalogue loaded");
    }
    let n = store::certification::criteria::load_default(db)
        .await
        .map_err(|e| format!("không nạp được bộ tiêu chí công nhận: {e}"))?;
    if n > 0 {
        tracing::info!(sets = n, "certification criteria loaded");
    }
    Ok(())
}

/// The entries a catalogue left as people made them.
fn print_kept(kept: &[String]) {
    if !kept.is_empty() {
        println!(
            "không ghi đè (đã được sửa hoặc thêm tại đây): {}",
            kept.join(", ")
        );
    }
}

async fn run(command: Command, settings: Settings) -> Result<(), String> {
    match command {
        Command::Serve(_) => {
            let db = prepare(&settings).await?;
            serve::serve(db, &settings).await
        }
        Command::Demo(_) => {
            let db = prepare(&settings).await?;
            let id_key = serve::id_key(&settings.id_key_file)?;
            let logins = demo::seed(&db, &id_key).await?;
            println!("\nbinhyen demo: http://{}", settings.listen);
            if let Some(dir) = &settings.data_dir {
                println!("dữ liệu / data: {}", dir.display());
            }
            println!(
                "Tài khoản demo (mật khẩu chung / shared password: {}):",
                demo::PASSWORD
            );
            for (username, role, scope) in logins {
                println!("  {username:<16} {role:<16} {scope}");
            }
            println!();
            serve::serve(db, &settings).await
        }
        Command::Migrate => {
            open(&settings).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Backup { file } => backup::backup(&settings, &file).await,
        Command::Restore { file } => backup::restore(&settings, &file).await,
        Command::ImportUnits { dir } => {
            let db = open(&settings).await?;
            let data = match dir {
                Some(d) => ReferenceData::from_dir(&d).map_err(|e| e.to_string())?,
                None => ReferenceData::embedded(),
            };
            load_units(&db, &data, true).await?;
            println!("administrative units loaded");
            Ok(())
        }
        Command::ImportCatalogue {
            file: Some(file),
            province: Some(province),
            username,
            report,
            dry_run,
        } => {
            import::import_province_types(
                &settings,
                &file,
                &province,
                (username.as_deref(), report.as_deref()),
                dry_run,
            )
            .await
        }
        Command::ImportCatalogue { file, .. } => {
            let db = open(&settings).await?;
            let text = match file {
                Some(f) => std::fs::read_to_string(&f)
                    .map_err(|e| format!("không đọc được {}: {e}", f.display()))?,
                None => store::models::types::DEFAULT_CATALOGUE.to_string(),
            };
            let done = store::models::types::apply_catalogue(&db, &text, domain::time::today())
                .await
                .map_err(|e| format!("không áp dụng được danh mục loại mô hình: {e}"))?;
            println!(
                "danh mục loại mô hình: thêm {}, sửa {}, thôi dùng {}, giữ nguyên {}",
                done.added, done.updated, done.retired, done.unchanged
            );
            print_kept(&done.kept);
            let done = store::statistics::apply_catalogue(&db)
                .await
                .map_err(|e| format!("không áp dụng được danh mục chỉ tiêu: {e}"))?;
            println!(
                "danh mục chỉ tiêu, bộ báo cáo, quy tắc kiểm tra: thêm {}, sửa {}, thôi dùng {}, giữ nguyên {}",
                done.added, done.updated, done.retired, done.unchanged
            );
            print_kept(&done.kept);
            Ok(())
        }
        Command::Import(import::ImportCommand::Models {
            file,
            username,
            report,
            dry_run,
        }) => {
            let (user, report) = (username.as_deref(), report.as_deref());
            import::import_models(&settings, &file, user, report, dry_run).await
        }
        Command::Import(import::ImportCommand::Values {
            file,
            username,
            report,
            dry_run,
        }) => {
            let how = (username.as_deref(), report.as_deref());
            import::import_values(&settings, &file, how, dry_run).await
        }
        Command::User(u) => user::user(&settings, u).await,
        Command::Analytics(AnalyticsCommand::Rebuild) => {
            let db = open(&settings).await?;
            let started = std::time::Instant::now();
            let r = store::statistics::rollups::rebuild(&db)
                .await
                .map_err(|e| format!("không tính lại được: {e}"))?;
            println!(
                "rollups rebuilt: {} values of {} units, {} cells in {:.1} s",
                r.values,
                r.units,
                r.cells,
                started.elapsed().as_secs_f64()
            );
            store::certification::tallies::forget(&db)
                .await
                .map_err(|e| format!("không xoá được số liệu công nhận đã cộng: {e}"))?;
            println!("certification tallies cleared: each year is counted again on its next national summary");
            Ok(())
        }
        Command::Token(t) => token::token(&settings, t).await,
        Command::Audit(AuditCommand::Verify { anchor }) => {
            let anchors = anchor
                .iter()
                .map(|a| store::audit::Anchor::parse(a))
                .collect::<Result<Vec<_>, _>>()?;
            let db = open(&settings).await?;
            // The records written since the sequencer last ran get their
            // places first, so that the head printed covers them.
            store::audit::chain(&db).await.map_err(|e| e.to_string())?;
            let n = match store::audit::verify(&db).await.map_err(|e| e.to_string())? {
                Ok(n) => n,
                Err(id) => {
                    return Err(format!(
                        "audit chain broken at record {id}: it or an earlier record was changed or deleted"
                    ))
                }
            };
            for a in &anchors {
                if !store::audit::holds(&db, a)
                    .await
                    .map_err(|e| e.to_string())?
                {
                    return Err(format!(
                        "audit chain rewritten: the record at place {} no longer has the hash anchored ({})",
                        a.seq, a.hash
                    ));
                }
            }
            let head = store::audit::head(&db).await.map_err(|e| e.to_string())?;
            println!(
                "audit chain intact: {n} records; head {}:{}",
                head.seq, head.hash
            );
            Ok(())
        }
    }
}
