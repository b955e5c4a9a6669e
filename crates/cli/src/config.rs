//! Configuration: command-line flags, then `BINHYEN_…` environment
//! variables (clap reads both), then an optional TOML file, then defaults.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, ValueEnum};
use serde::Deserialize;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA_DIR: &str = "binhyen-data";
/// The key file's name in the data folder.
pub const ID_KEY_FILE: &str = "national-id.key";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// Options every command takes: where the database is, how to log.
#[derive(Debug, Args)]
pub struct Global {
    /// Folder of the embedded SQLite database (created if missing).
    #[arg(long, env = "BINHYEN_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// Database URL: postgres://user:pass@host/db for PostgreSQL, or
    /// sqlite:///path/file.db. Overrides --data-dir.
    #[arg(
        long,
        env = "BINHYEN_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// A PostgreSQL streaming replica of that database (postgres://…):
    /// pivots, lists and exports read from it while it is within 5 s of
    /// the primary; writes and sessions stay on the primary. Servers only.
    #[arg(
        long,
        env = "BINHYEN_READ_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    pub read_database_url: Option<String>,
    /// TOML file with the same settings (lowest precedence but defaults).
    #[arg(long, env = "BINHYEN_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Log lines as text or as JSON objects.
    #[arg(long, env = "BINHYEN_LOG_FORMAT", global = true, value_enum)]
    pub log_format: Option<LogFormat>,
}

/// Options of the server (`serve`, `demo`).
#[derive(Debug, Args, Clone, Default)]
pub struct ServeArgs {
    /// Address and port to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "BINHYEN_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// Mark cookies Secure: set when users reach the server over HTTPS.
    #[arg(long, env = "BINHYEN_COOKIE_SECURE", num_args = 0..=1, default_missing_value = "true")]
    pub cookie_secure: Option<bool>,
    /// Reverse proxies in front (`--trust-proxy` alone: one). The client
    /// address is taken that many entries from the right of
    /// X-Forwarded-For, and X-Forwarded-Proto is believed [default: 0].
    #[arg(long, env = "BINHYEN_TRUST_PROXY", num_args = 0..=1, default_missing_value = "1", value_parser = parse_hops)]
    pub trust_proxy: Option<usize>,
    /// Whether /metrics answers anyone; otherwise only scrapers on this
    /// machine (loopback, not forwarded) and --metrics-token [default: false].
    #[arg(long, env = "BINHYEN_METRICS_PUBLIC", num_args = 0..=1, default_missing_value = "true")]
    pub metrics_public: Option<bool>,
    /// A token that reads /metrics from elsewhere (`Authorization: Bearer …`).
    #[arg(long, env = "BINHYEN_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// Seconds a request may run before it is stopped and answered 503 [default: 120].
    #[arg(long, env = "BINHYEN_REQUEST_TIMEOUT_SECS")]
    pub request_timeout_secs: Option<u64>,
    /// Seconds for a request's header to arrive; also how long an idle
    /// kept-alive connection stays open [default: 10].
    #[arg(long, env = "BINHYEN_HEADER_READ_TIMEOUT_SECS")]
    pub header_read_timeout_secs: Option<u64>,
    /// Connections open at once; more wait in the kernel's queue [default: 1024].
    #[arg(long, env = "BINHYEN_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Send Strict-Transport-Security with this max-age (seconds): only
    /// behind TLS, and only once every user reaches the server over HTTPS.
    #[arg(long, env = "BINHYEN_HSTS_MAX_AGE")]
    pub hsts_max_age: Option<u64>,
    /// Uploaded files read at once [default: 2, the cores of a small server].
    #[arg(long, env = "BINHYEN_MAX_PARSES")]
    pub max_parses: Option<usize>,
    /// Minutes of inactivity that end a session [default: 30].
    #[arg(long, env = "BINHYEN_SESSION_IDLE_MINUTES")]
    pub session_idle_minutes: Option<i64>,
    /// Hours after which a session ends regardless [default: 12].
    #[arg(long, env = "BINHYEN_SESSION_ABSOLUTE_HOURS")]
    pub session_absolute_hours: Option<i64>,
    /// Administrators must turn on the second factor (TOTP) before anything else.
    #[arg(long, env = "BINHYEN_REQUIRE_2FA_ADMIN", num_args = 0..=1, default_missing_value = "true")]
    pub require_2fa_admin: Option<bool>,
}

/// The TOML file: every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub read_database_url: Option<String>,
    pub log_format: Option<LogFormat>,
    pub listen: Option<SocketAddr>,
    pub cookie_secure: Option<bool>,
    pub trust_proxy: Option<Hops>,
    pub metrics_public: Option<bool>,
    pub metrics_token: Option<String>,
    pub request_timeout_secs: Option<u64>,
    pub header_read_timeout_secs: Option<u64>,
    pub max_connections: Option<usize>,
    pub hsts_max_age: Option<u64>,
    pub max_parses: Option<usize>,
    pub session_idle_minutes: Option<i64>,
    pub session_absolute_hours: Option<i64>,
    pub require_2fa_admin: Option<bool>,
    /// The key that seals national ID numbers (created if missing; every
    /// server of one database needs the same file).
    pub id_key_file: Option<PathBuf>,
}

/// `trust_proxy` in the file: a number of proxies, or `true` (one) and
/// `false` (none) as older files wrote it.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(untagged)]
pub enum Hops {
    Flag(bool),
    Count(usize),
}

impl Hops {
    fn count(self) -> usize {
        match self {
            Hops::Flag(b) => usize::from(b),
            Hops::Count(n) => n,
        }
    }
}

/// `--trust-proxy`: a number of proxies, or `true`/`false` as before.
fn parse_hops(s: &str) -> Result<usize, String> {
    match s {
        "true" => Ok(1),
        "false" => Ok(0),
        n => n
            .parse::<usize>()
            .ok()
            .filter(|n| *n <= 10)
            .ok_or_else(|| format!("trust_proxy: cần số proxy từ 0 đến 10, không phải «{n}»")),
    }
}

/// A setting within `range`, or the error naming it.
fn within<T: PartialOrd + std::fmt::Display + Copy>(
    name: &str,
    value: T,
    range: std::ops::RangeInclusive<T>,
) -> Result<T, String> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(format!(
            "{name} phải từ {} đến {}",
            range.start(),
            range.end()
        ))
    }
}

impl FileConfig {
    pub fn read(path: Option<&Path>) -> Result<Self, String> {
        let Some(path) = path else {
            return Ok(Self::default());
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("không đọc được tệp cấu hình {}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("tệp cấu hình {} sai: {e}", path.display()))
    }
}

/// Everything resolved.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    /// The read replica, if any (PostgreSQL only).
    pub read_database_url: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub log_format: LogFormat,
    pub listen: SocketAddr,
    pub web: web::WebConfig,
    pub server: web::server::ServerLimits,
    /// Where the key sealing national ID numbers is kept.
    pub id_key_file: PathBuf,
}

impl Settings {
    pub fn resolve(g: &Global, s: &ServeArgs, f: FileConfig) -> Result<Self, String> {
        let database_url = g.database_url.clone().or(f.database_url);
        let read_database_url = g.read_database_url.clone().or(f.read_database_url);
        let data_dir = g
            .data_dir
            .clone()
            .or(f.data_dir)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let id_key_file = f
            .id_key_file
            .clone()
            .unwrap_or_else(|| data_dir.join(ID_KEY_FILE));
        let (database_url, data_dir) = match database_url {
            Some(url) => (url, None),
            None => (
                format!("sqlite://{}", store::sqlite_path(&data_dir).display()),
                Some(data_dir),
            ),
        };
        let listen = match s.listen.or(f.listen) {
            Some(l) => l,
            None => DEFAULT_LISTEN.parse().map_err(|e| format!("{e}"))?,
        };
        let idle = s
            .session_idle_minutes
            .or(f.session_idle_minutes)
            .unwrap_or(30);
        let absolute = s
            .session_absolute_hours
            .or(f.session_absolute_hours)
            .unwrap_or(12);
        if !(1..=24 * 60).contains(&idle) {
            return Err("session_idle_minutes phải từ 1 đến 1440".into());
        }
        if !(1..=24 * 7).contains(&absolute) {
            return Err("session_absolute_hours phải từ 1 đến 168".into());
        }
        let trusted_proxies = s
            .trust_proxy
            .or(f.trust_proxy.map(Hops::count))
            .unwrap_or(0);
        let metrics_token = s.metrics_token.clone().or(f.metrics_token);
        if metrics_token.as_ref().is_some_and(|t| t.len() < 16) {
            return Err("metrics_token cần ít nhất 16 ký tự".into());
        }
        let request_timeout = s
            .request_timeout_secs
            .or(f.request_timeout_secs)
            .unwrap_or(120);
        let request_timeout = within("request_timeout_secs", request_timeout, 5..=3600)?;
        let header_timeout = s
            .header_read_timeout_secs
            .or(f.header_read_timeout_secs)
            .unwrap_or(10);
        let header_timeout = within("header_read_timeout_secs", header_timeout, 1..=300)?;
        let max_connections = s.max_connections.or(f.max_connections).unwrap_or(1024);
        let max_parses = s.max_parses.or(f.max_parses).unwrap_or(2);
        if read_database_url.is_some() && !database_url.starts_with("postgres") {
            return Err(
                "read_database_url cần cơ sở dữ liệu chính là PostgreSQL (database_url postgres://…)"
                    .into(),
            );
        }
        Ok(Self {
            database_url,
            read_database_url,
            data_dir,
            log_format: g.log_format.or(f.log_format).unwrap_or(LogFormat::Text),
            listen,
            web: web::WebConfig {
                sessions: store::accounts::SessionLimits {
                    idle: chrono::Duration::minutes(idle),
                    absolute: chrono::Duration::hours(absolute),
                },
                cookie_secure: s.cookie_secure.or(f.cookie_secure).unwrap_or(false),
                trusted_proxies: within("trust_proxy", trusted_proxies, 0..=10)?,
                metrics_public: s.metrics_public.or(f.metrics_public).unwrap_or(false),
                metrics_token,
                require_2fa_admin: s.require_2fa_admin.or(f.require_2fa_admin).unwrap_or(false),
                request_timeout: Duration::from_secs(request_timeout),
                hsts_max_age: s.hsts_max_age.or(f.hsts_max_age),
                max_parses: within("max_parses", max_parses, 1..=16)?,
                ..web::WebConfig::default()
            },
            server: web::server::ServerLimits {
                max_connections: within("max_connections", max_connections, 16..=65_536)?,
                header_read_timeout: Duration::from_secs(header_timeout),
            },
            id_key_file,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn global() -> Global {
        Global {
            data_dir: None,
            database_url: None,
            read_database_url: None,
            config: None,
            log_format: None,
        }
    }

    #[test]
    fn a_read_replica_needs_postgresql_as_the_primary() {
        let f: FileConfig =
            toml::from_str("read_database_url = \"postgres://r@10.0.0.12/binhyen\"").unwrap();
        let e = Settings::resolve(&global(), &ServeArgs::default(), f).unwrap_err();
        assert!(e.contains("read_database_url"), "{e}");
        let f: FileConfig = toml::from_str(
            "database_url = \"postgres://p@10.0.0.11/binhyen\"\nread_database_url = \"postgres://r@10.0.0.12/binhyen\"",
        )
        .unwrap();
        let s = Settings::resolve(&global(), &ServeArgs::default(), f).unwrap();
        assert_eq!(
            s.read_database_url.as_deref(),
            Some("postgres://r@10.0.0.12/binhyen")
        );
    }

    #[test]
    fn flags_beat_the_file_which_beats_defaults() {
        let f: FileConfig = toml::from_str(
            "listen = \"0.0.0.0:9000\"\ndata_dir = \"/srv/b\"\nsession_idle_minutes = 15\n",
        )
        .unwrap();
        let s = Settings::resolve(&global(), &ServeArgs::default(), f).unwrap();
        assert_eq!(s.listen.to_string(), "0.0.0.0:9000");
        assert_eq!(s.database_url, "sqlite:///srv/b/binhyen.db");
        assert_eq!(s.web.sessions.idle, chrono::Duration::minutes(15));

        let flags = ServeArgs {
            listen: Some("127.0.0.1:7000".parse().unwrap()),
            ..Default::default()
        };
        let f: FileConfig = toml::from_str("listen = \"0.0.0.0:9000\"").unwrap();
        let s = Settings::resolve(&global(), &flags, f).unwrap();
        assert_eq!(s.listen.to_string(), "127.0.0.1:7000");

        let s = Settings::resolve(&global(), &ServeArgs::default(), FileConfig::default()).unwrap();
        assert_eq!(s.listen.to_string(), DEFAULT_LISTEN);
        assert!(s.database_url.ends_with("binhyen-data/binhyen.db"));
        assert!(toml::from_str::<FileConfig>("typo = 1").is_err());
        let bad = ServeArgs {
            session_idle_minutes: Some(0),
            ..Default::default()
        };
        assert!(Settings::resolve(&global(), &bad, FileConfig::default()).is_err());
    }

    #[test]
    fn proxies_are_counted_and_older_files_still_read() {
        assert_eq!(parse_hops("true"), Ok(1));
        assert_eq!(parse_hops("2"), Ok(2));
        assert!(parse_hops("many").is_err());
        let f: FileConfig = toml::from_str("trust_proxy = true").unwrap();
        let s = Settings::resolve(&global(), &ServeArgs::default(), f).unwrap();
        assert_eq!(s.web.trusted_proxies, 1);
        let f: FileConfig = toml::from_str("trust_proxy = 2").unwrap();
        let s = Settings::resolve(&global(), &ServeArgs::default(), f).unwrap();
        assert_eq!(s.web.trusted_proxies, 2);
        let s = Settings::resolve(&global(), &ServeArgs::default(), FileConfig::default()).unwrap();
        assert_eq!(s.web.trusted_proxies, 0);
        assert!(!s.web.metrics_public);
        assert_eq!(s.server.header_read_timeout, Duration::from_secs(10));
        let short = ServeArgs {
            metrics_token: Some("short".into()),
            ..Default::default()
        };
        assert!(Settings::resolve(&global(), &short, FileConfig::default()).is_err());
    }
}
