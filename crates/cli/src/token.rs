//! `binhyen token`: API tokens for other systems.

use clap::Subcommand;
use store::audit::Author;

use crate::config::Settings;
use crate::{open, user_id};

#[derive(Subcommand)]
pub(crate) enum TokenCommand {
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

pub(crate) async fn token(settings: &Settings, cmd: TokenCommand) -> Result<(), String> {
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
