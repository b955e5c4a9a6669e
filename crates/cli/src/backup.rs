//! `binhyen backup` and `restore`: consistent copies of the SQLite database.

use std::path::Path;

use store::Db;

use crate::config::Settings;
use crate::open;

pub(crate) async fn backup(settings: &Settings, file: &Path) -> Result<(), String> {
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
pub(crate) async fn restore(settings: &Settings, file: &Path) -> Result<(), String> {
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
