//! Configuration: command-line flags, then `BINHYEN_…` environment
//! variables (clap reads both), then an optional TOML file, then defaults.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use serde::Deserialize;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA_DIR: &str = "binhyen-data";

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
    /// Trust X-Forwarded-Proto from a reverse proxy in front.
    #[arg(long, env = "BINHYEN_TRUST_PROXY", num_args = 0..=1, default_missing_value = "true")]
    pub trust_proxy: Option<bool>,
    /// Whether /metrics answers without login [default: true].
    #[arg(long, env = "BINHYEN_METRICS_PUBLIC", num_args = 0..=1, default_missing_value = "true")]
    pub metrics_public: Option<bool>,
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
    pub log_format: Option<LogFormat>,
    pub listen: Option<SocketAddr>,
    pub cookie_secure: Option<bool>,
    pub trust_proxy: Option<bool>,
    pub metrics_public: Option<bool>,
    pub session_idle_minutes: Option<i64>,
    pub session_absolute_hours: Option<i64>,
    pub require_2fa_admin: Option<bool>,
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
    pub data_dir: Option<PathBuf>,
    pub log_format: LogFormat,
    pub listen: SocketAddr,
    pub web: web::WebConfig,
}

impl Settings {
    pub fn resolve(g: &Global, s: &ServeArgs, f: FileConfig) -> Result<Self, String> {
        let database_url = g.database_url.clone().or(f.database_url);
        let data_dir = g
            .data_dir
            .clone()
            .or(f.data_dir)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
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
        Ok(Self {
            database_url,
            data_dir,
            log_format: g.log_format.or(f.log_format).unwrap_or(LogFormat::Text),
            listen,
            web: web::WebConfig {
                sessions: store::accounts::SessionLimits {
                    idle: chrono::Duration::minutes(idle),
                    absolute: chrono::Duration::hours(absolute),
                },
                cookie_secure: s.cookie_secure.or(f.cookie_secure).unwrap_or(false),
                trust_proxy: s.trust_proxy.or(f.trust_proxy).unwrap_or(false),
                metrics_public: s.metrics_public.or(f.metrics_public).unwrap_or(true),
                require_2fa_admin: s.require_2fa_admin.or(f.require_2fa_admin).unwrap_or(false),
            },
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
            config: None,
            log_format: None,
        }
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
}
