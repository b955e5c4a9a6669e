//! `binhyen user`: accounts from the command line (the first administrator above all).

use std::io::Read as _;

use clap::Subcommand;
use domain::accounts::{parse_username, NewPassword, Role};
use store::audit::Author;

use crate::config::Settings;
use crate::{open, user_id};

#[derive(Subcommand)]
pub(crate) enum UserCommand {
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

pub(crate) async fn user(settings: &Settings, cmd: UserCommand) -> Result<(), String> {
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
            set_disabled(&db, &username, true).await?;
            println!("{username} disabled; their sessions ended");
        }
        UserCommand::Enable { username } => {
            set_disabled(&db, &username, false).await?;
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

/// Disables a user (which ends their sessions) or enables them again.
async fn set_disabled(db: &store::Db, username: &str, disabled: bool) -> Result<(), String> {
    let id = user_id(db, username).await?;
    store::accounts::update_user(
        db,
        Author::System,
        id,
        &store::accounts::UserChange {
            disabled: Some(disabled),
            ..Default::default()
        },
    )
    .await
    .map(|_| ())
    .map_err(|e| e.to_string())
}
