//! The `binhyen` binary: one command per task, all on the same database,
//! chosen by `--data-dir` (embedded SQLite) or `--database-url`.

mod config;
mod demo;

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use config::{FileConfig, Global, LogFormat, ServeArgs, Settings};
use domain::accounts::{parse_username, NewPassword, Role};
use store::audit::Author;
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
    /// Import records from a file.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// API tokens for other systems (sent as `Authorization: Bearer …`).
    #[command(subcommand)]
    Token(TokenCommand),
    /// The rollups behind the statistics pivots.
    #[command(subcommand)]
    Analytics(AnalyticsCommand),
}

#[derive(Subcommand)]
enum AnalyticsCommand {
    /// Recompute every rollup from the stored figures (readers keep the old
    /// ones until it commits; writers of figures wait).
    Rebuild,
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create a token acting as a user; it is printed once, never stored.
    Create {
        #[arg(long)]
        username: String,
        /// Days until it expires [default: never].
        #[arg(long)]
        expires_days: Option<u32>,
        /// What the token is for.
        #[arg(long, default_value = "api")]
        name: String,
    },
    /// Revoke a token by its id (see `token list`).
    Revoke { id: i64 },
    /// List tokens (never the tokens themselves).
    List,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Deployed models from an XLSX or CSV file with the export's columns:
    /// every row is checked first, and any problem imports nothing.
    Models {
        file: PathBuf,
        /// Import as this user (their scope applies; audited as theirs) [default: the system, unscoped].
        #[arg(long)]
        username: Option<String>,
        /// Where to write the error report (XLSX) when rows are refused.
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// Figures from an XLSX or CSV file (unit id or code, period, indicator
    /// code, value, comment), as the period sheet of the statistics page:
    /// every value is checked first, and any problem writes nothing.
    Values {
        file: PathBuf,
        /// Import as this user (their scope applies; audited as theirs) [default: the system, unscoped].
        #[arg(long)]
        username: Option<String>,
        /// Where to write the error report (XLSX) when rows are refused.
        #[arg(long)]
        report: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute the hash chain; fails at the first record that does not follow.
    Verify,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from standard input.
    Add {
        #[arg(long)]
        username: String,
        /// admin, province_staff, commune_officer, partner or viewer.
        #[arg(long)]
        role: String,
        /// Org unit id of the scope (repeat for several).
        #[arg(long)]
        scope: Vec<i64>,
        #[arg(long)]
        display_name: Option<String>,
        /// Read the password from standard input (required: never on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List users.
    List,
    /// Set a user's password, read from standard input.
    Passwd {
        #[arg(long)]
        username: String,
        /// Make the user choose a new password at next login.
        #[arg(long)]
        must_change: bool,
        /// Read the password from standard input (required: never on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Disable a user (never deleted) and end their sessions.
    Disable {
        #[arg(long)]
        username: String,
    },
    /// Enable a disabled user again.
    Enable {
        #[arg(long)]
        username: String,
    },
}

/// A password from standard input, checked against the policy and hashed.
fn read_password() -> Result<String, String> {
    let mut password = String::new();
    std::io::stdin()
        .read_to_string(&mut password)
        .map_err(|e| e.to_string())?;
    let password = password.trim_end_matches(['\r', '\n']);
    NewPassword::parse(password)
        .and_then(|p| p.hash())
        .map_err(|e| e.to_string())
}

async fn user_id(db: &Db, username: &str) -> Result<i64, String> {
    let name = parse_username(username).map_err(|e| e.to_string())?;
    store::accounts::find_by_username(db, &name)
        .await
        .map_err(|e| e.to_string())?
        .map(|(u, _)| u.id)
        .ok_or_else(|| format!("không có người dùng {name}"))
}

/// Large allocations always get their own mapping, returned to the system
/// when freed. Without this, glibc raises its threshold after the first
/// Argon2 hash (19 MiB) and keeps every later one in per-thread heaps: a
/// server that had served a few dozen logins held half a gigabyte.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn release_large_allocations() {
    // SAFETY: mallopt only sets an allocator parameter; it is called once,
    // before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1024 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn release_large_allocations() {}

/// Gives back what the start-up load freed (the national units, the demo
/// data): glibc keeps freed heap for reuse, and a first start with the
/// demo idled at twice the memory of a second one.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn trim_freed_memory() {
    // SAFETY: malloc_trim only returns free pages of glibc's heaps to the
    // system; it is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim_freed_memory() {}

fn main() -> ExitCode {
    release_large_allocations();
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
async fn open(settings: &Settings) -> Result<Db, String> {
    if let Some(dir) = &settings.data_dir {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("không tạo được thư mục dữ liệu {}: {e}", dir.display()))?;
        check_writable(dir)?;
    }
    let url = store::redact_url(&settings.database_url);
    let db = Db::connect(&settings.database_url)
        .await
        .map_err(|e| format!("không mở được cơ sở dữ liệu {url}: {e}"))?;
    db.migrate()
        .await
        .map_err(|e| format!("không cập nhật được cấu trúc cơ sở dữ liệu {url}: {e}"))?;
    Ok(db)
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

async fn load_units(db: &Db, data: &ReferenceData, force: bool) -> Result<(), String> {
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
async fn load_catalogues(db: &Db) -> Result<(), String> {
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
    Ok(())
}

async fn run(command: Command, settings: Settings) -> Result<(), String> {
    match command {
        Command::Serve(_) => {
            let db = open(&settings).await?;
            load_units(&db, &ReferenceData::embedded(), false).await?;
            load_catalogues(&db).await?;
            serve(db, &settings).await
        }
        Command::Demo(_) => {
            let db = open(&settings).await?;
            load_units(&db, &ReferenceData::embedded(), false).await?;
            load_catalogues(&db).await?;
            let logins = demo::seed(&db).await?;
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
            serve(db, &settings).await
        }
        Command::Migrate => {
            open(&settings).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Backup { file } => backup(&settings, &file).await,
        Command::Restore { file } => restore(&settings, &file).await,
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
        Command::Import(ImportCommand::Models {
            file,
            username,
            report,
        }) => import_models(&settings, &file, username.as_deref(), report.as_deref()).await,
        Command::Import(ImportCommand::Values {
            file,
            username,
            report,
        }) => import_values(&settings, &file, username.as_deref(), report.as_deref()).await,
        Command::User(u) => user(&settings, u).await,
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
            Ok(())
        }
        Command::Token(t) => token(&settings, t).await,
        Command::Audit(AuditCommand::Verify) => {
            let db = open(&settings).await?;
            match store::audit::verify(&db).await.map_err(|e| e.to_string())? {
                Ok(n) => {
                    println!("audit chain intact: {n} records");
                    Ok(())
                }
                Err(id) => Err(format!(
                    "audit chain broken at record {id}: it or an earlier record was changed or deleted"
                )),
            }
        }
    }
}

async fn serve(db: Db, settings: &Settings) -> Result<(), String> {
    trim_freed_memory();
    let state = web::AppState::new(db.clone(), settings.web.clone())?;
    let app = web::router(state.clone());
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .map_err(|e| format!("không mở được cổng {}: {e}", settings.listen))?;
    tracing::info!(address = %settings.listen, database = %store::redact_url(&settings.database_url), "listening");
    let purge = tokio::spawn(purge_sessions(db.clone(), settings.web.sessions));
    let refusals = tokio::spawn(flush_refusals(state.clone()));
    // The peer address feeds login throttling (hashed, never logged).
    web::server::serve(listener, app, settings.server, shutdown_signal())
        .await
        .map_err(|e| format!("máy chủ dừng do lỗi: {e}"))?;
    purge.abort();
    refusals.abort();
    state.flush_refusals(true).await;
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Writes the refusals held back to be counted (see web's `refusals`).
async fn flush_refusals(state: web::AppState) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(10));
    loop {
        tick.tick().await;
        state.flush_refusals(false).await;
    }
}

/// Ends expired sessions every ten minutes.
async fn purge_sessions(db: Db, limits: store::accounts::SessionLimits) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        tick.tick().await;
        if let Err(e) = store::accounts::purge_sessions(&db, limits).await {
            tracing::warn!(error = %e, "session purge failed");
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM; axum then finishes in-flight requests.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

async fn backup(settings: &Settings, file: &Path) -> Result<(), String> {
    if settings.data_dir.is_none() && !settings.database_url.starts_with("sqlite://") {
        println!(
            "PostgreSQL: back up with pg_dump, e.g.\n  pg_dump --format=custom --file=binhyen.dump \"$BINHYEN_DATABASE_URL\"\n\
             and restore with pg_restore --clean --if-exists --dbname=… binhyen.dump (docs/operations.md)."
        );
        return Ok(());
    }
    let db = open(settings).await?;
    db.backup_sqlite(file)
        .await
        .map_err(|e| format!("sao lưu thất bại: {e}"))?;
    let copy = Db::open_sqlite(file).await.map_err(|e| e.to_string())?;
    copy.integrity_check().await.map_err(|e| e.to_string())?;
    copy.close().await;
    println!("backup written to {}", file.display());
    Ok(())
}

/// Checks the backup, keeps the current database aside, and puts the
/// backup in its place. The server must be stopped.
async fn restore(settings: &Settings, file: &Path) -> Result<(), String> {
    let Some(dir) = &settings.data_dir else {
        return Err(
            "restore chỉ dành cho SQLite; PostgreSQL dùng pg_restore (docs/operations.md)".into(),
        );
    };
    if !file.is_file() {
        return Err(format!("không thấy tệp sao lưu {}", file.display()));
    }
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let target = store::sqlite_path(dir);
    let staged = dir.join("binhyen.db.restoring");
    let _ = std::fs::remove_file(&staged);
    std::fs::copy(file, &staged).map_err(|e| format!("không chép được {}: {e}", file.display()))?;
    {
        let db = Db::open_sqlite(&staged).await.map_err(|e| e.to_string())?;
        db.integrity_check()
            .await
            .map_err(|e| format!("tệp sao lưu hỏng: {e}"))?;
        db.migrate()
            .await
            .map_err(|e| format!("tệp sao lưu không phải cơ sở dữ liệu binhyen: {e}"))?;
        db.close().await;
    }
    for ext in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", staged.display()));
    }
    if target.exists() {
        let aside = dir.join(format!(
            "binhyen.db.before-restore-{}",
            chrono::Utc::now().format("%Y%m%d%H%M%S")
        ));
        std::fs::rename(&target, &aside).map_err(|e| e.to_string())?;
        for ext in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", target.display()));
        }
        println!("previous database kept as {}", aside.display());
    }
    std::fs::rename(&staged, &target).map_err(|e| e.to_string())?;
    println!("restored {} into {}", file.display(), target.display());
    Ok(())
}

async fn token(settings: &Settings, cmd: TokenCommand) -> Result<(), String> {
    let db = open(settings).await?;
    match cmd {
        TokenCommand::Create {
            username,
            expires_days,
            name,
        } => {
            let id = user_id(&db, &username).await?;
            let name = domain::text::normalize(&name);
            if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
                return Err("--name: 1 đến 100 ký tự".into());
            }
            let expires = match expires_days {
                Some(0) => return Err("--expires-days phải từ 1".into()),
                Some(d) => {
                    Some(chrono::Utc::now() + chrono::Duration::days(i64::from(d.min(3650))))
                }
                None => None,
            };
            let token = domain::accounts::new_token();
            let hash = domain::accounts::secret_hash(&token);
            let tid = store::accounts::create_token(&db, Author::System, id, &hash, &name, expires)
                .await
                .map_err(|e| e.to_string())?;
            eprintln!("token {tid} for {username} (shown once; keep it secret):");
            println!("{token}");
        }
        TokenCommand::Revoke { id } => {
            store::accounts::revoke_token(&db, Author::System, id)
                .await
                .map_err(|e| match e {
                    store::StoreError::NotFound => format!("không có token {id} đang hiệu lực"),
                    e => e.to_string(),
                })?;
            println!("token {id} revoked");
        }
        TokenCommand::List => {
            for t in store::accounts::list_tokens(&db)
                .await
                .map_err(|e| e.to_string())?
            {
                let state = if t.revoked_at.is_some() {
                    "revoked"
                } else if t.expires_at.is_some_and(|e| e < chrono::Utc::now()) {
                    "expired"
                } else {
                    "active"
                };
                println!("{:>5}  {:<20} {:<20} {state}", t.id, t.username, t.name);
            }
        }
    }
    Ok(())
}

async fn user(settings: &Settings, cmd: UserCommand) -> Result<(), String> {
    let db = open(settings).await?;
    match cmd {
        UserCommand::Add {
            username,
            role,
            scope,
            display_name,
            password_stdin: _,
        } => {
            let username = parse_username(&username).map_err(|e| e.to_string())?;
            let role = Role::parse("role", &role).map_err(|e| e.to_string())?;
            if role != Role::Admin && scope.is_empty() {
                return Err("cần ít nhất một --scope cho vai trò này".into());
            }
            for id in &scope {
                store::org_units::get(&db, store::accounts::Scope::All, *id)
                    .await
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| format!("không có đơn vị {id}"))?;
            }
            let hash = read_password()?;
            let id = store::accounts::create_user(
                &db,
                Author::System,
                &store::accounts::NewUser {
                    display_name: display_name.unwrap_or_else(|| username.clone()),
                    username,
                    password_hash: hash,
                    role,
                    scopes: scope,
                    must_change_password: false,
                },
            )
            .await
            .map_err(|e| e.to_string())?;
            println!("user {id} created");
        }
        UserCommand::Passwd {
            username,
            must_change,
            password_stdin: _,
        } => {
            let id = user_id(&db, &username).await?;
            let hash = read_password()?;
            let ended =
                store::accounts::set_password(&db, Author::System, id, &hash, must_change, None)
                    .await
                    .map_err(|e| e.to_string())?;
            println!(
                "password of {username} changed; {} sessions ended, {} API tokens revoked",
                ended.sessions_ended,
                ended.tokens_revoked.len()
            );
            for t in &ended.tokens_revoked {
                println!("  revoked token {} ({})", t.id, t.name);
            }
        }
        UserCommand::Disable { username } => {
            let id = user_id(&db, &username).await?;
            store::accounts::update_user(
                &db,
                Author::System,
                id,
                &store::accounts::UserChange {
                    disabled: Some(true),
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| e.to_string())?;
            println!("{username} disabled; their sessions ended");
        }
        UserCommand::Enable { username } => {
            let id = user_id(&db, &username).await?;
            store::accounts::update_user(
                &db,
                Author::System,
                id,
                &store::accounts::UserChange {
                    disabled: Some(false),
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| e.to_string())?;
            println!("{username} enabled");
        }
        UserCommand::List => {
            for u in store::accounts::list_users(&db)
                .await
                .map_err(|e| e.to_string())?
            {
                println!(
                    "{:>5}  {:<20} {:<16} {}{}",
                    u.id,
                    u.username,
                    u.role.as_str(),
                    u.display_name,
                    if u.disabled { " (disabled)" } else { "" }
                );
            }
        }
    }
    Ok(())
}

/// A progress line on standard error: a bar while writing, a count while reading.
fn progress(total: Option<usize>) -> impl FnMut(web::models::Stage, usize) + Send + 'static {
    use std::io::Write as _;
    move |stage, n| {
        let line = match (stage, total) {
            (web::models::Stage::Writing, Some(t)) if t > 0 => {
                let filled = n * 30 / t;
                format!(
                    "ghi  [{}{}] {n}/{t}",
                    "#".repeat(filled),
                    " ".repeat(30 - filled.min(30))
                )
            }
            (web::models::Stage::Writing, _) => format!("ghi  {n} dòng"),
            (web::models::Stage::Reading, _) => format!("đọc và kiểm tra {n} dòng"),
        };
        let mut err = std::io::stderr();
        let _ = write!(err, "\r{line:<60}");
        let _ = err.flush();
    }
}

/// The command line reads one file, on one blocking thread.
fn one_parse() -> web::BlockingPool {
    web::BlockingPool::new(1, 0)
}

/// An import's file and the database, with the units and catalogues the
/// rows are checked against (no-ops once loaded).
/// The bytes are shared, not copied, between the import and its report.
async fn file_and_db(settings: &Settings, file: &Path) -> Result<(axum::body::Bytes, Db), String> {
    let bytes =
        std::fs::read(file).map_err(|e| format!("không đọc được {}: {e}", file.display()))?;
    let bytes = axum::body::Bytes::from(bytes);
    let db = open(settings).await?;
    load_units(&db, &ReferenceData::embedded(), false).await?;
    load_catalogues(&db).await?;
    Ok((bytes, db))
}

/// Who an import runs as: a user (their scope, audited as theirs) who may
/// import `what`, or the system, unscoped.
async fn importer(
    db: &Db,
    username: Option<&str>,
    may: fn(domain::accounts::Role) -> bool,
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
    if !may(user.role) {
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
        let xlsx = web::uploads::error_report(bytes, errors).map_err(|e| e.message)?;
        std::fs::write(path, xlsx)
            .map_err(|e| format!("không ghi được {}: {e}", path.display()))?;
        eprintln!("báo cáo lỗi: {}", path.display());
    }
    Ok(())
}

async fn import_values(
    settings: &Settings,
    file: &Path,
    username: Option<&str>,
    report: Option<&Path>,
) -> Result<(), String> {
    let (bytes, db) = file_and_db(settings, file).await?;
    let (author, role, scope) =
        importer(&db, username, |r| r.enters_statistics(), "số liệu").await?;
    let who = store::statistics::values::Who {
        author,
        role,
        scope,
    };
    let mut read = progress(None);
    let file = bytes.clone();
    let outcome = web::statistics::files::import_file(&db, who, &one_parse(), file, move |n| {
        read(web::models::Stage::Reading, n)
    })
    .await
    .map_err(|e| e.message)?;
    eprintln!();
    match outcome {
        web::statistics::files::Outcome::Imported(r) => {
            println!("đã ghi {} giá trị / wrote {} values", r.written, r.written);
            Ok(())
        }
        web::statistics::files::Outcome::Refused(errors) => {
            report_refusal(&bytes, &errors, report)?;
            Err(format!(
                "tệp có {} lỗi; chưa ghi giá trị nào / {} problems, nothing written",
                errors.len(),
                errors.len()
            ))
        }
    }
}

async fn import_models(
    settings: &Settings,
    file: &Path,
    username: Option<&str>,
    report: Option<&Path>,
) -> Result<(), String> {
    let (bytes, db) = file_and_db(settings, file).await?;
    let (author, _, scope) = importer(&db, username, |r| r.manages_models(), "mô hình").await?;
    // Rows of data: the file's lines less the header, for the bar's end.
    let lines = bytes.iter().filter(|b| **b == b'\n').count();
    let total = (!bytes.starts_with(b"PK")).then(|| lines.saturating_sub(1));
    let file = bytes.clone();
    let outcome = web::models::import_file(&db, author, scope, &one_parse(), file, progress(total))
        .await
        .map_err(|e| e.message)?;
    eprintln!();
    match outcome {
        web::models::Outcome::Imported(ids) => {
            println!(
                "đã nhập {} mô hình / imported {} models",
                ids.len(),
                ids.len()
            );
            Ok(())
        }
        web::models::Outcome::Refused(errors) => {
            report_refusal(&bytes, &errors, report)?;
            Err(format!(
                "tệp có {} lỗi; chưa nhập dòng nào / {} problems, nothing imported",
                errors.len(),
                errors.len()
            ))
        }
    }
}
