//! `binhyen serve` and `demo`: the web server, its background tasks and its memory settings.

use store::Db;

use crate::config::Settings;

/// Large allocations always get their own mapping, returned to the system
/// when freed. Without this, glibc raises its threshold after the first
/// Argon2 hash (19 MiB) and keeps every later one in per-thread heaps: a
/// server that had served a few dozen logins held half a gigabyte.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) fn release_large_allocations() {
    // SAFETY: mallopt only sets an allocator parameter; it is called once,
    // before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1024 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) fn release_large_allocations() {}

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

pub(crate) async fn serve(db: Db, settings: &Settings) -> Result<(), String> {
    trim_freed_memory();
    let mut config = settings.web.clone();
    config.id_key = id_key(&settings.id_key_file)?;
    let mut state = web::AppState::new(db.clone(), config)?;
    if let Some(url) = &settings.read_database_url {
        let replica = store::Db::connect_replica(url).map_err(|e| e.to_string())?;
        tracing::info!(replica = %store::redact_url(url), "reads of pivots, lists and exports go to the replica when it is close behind");
        state = state.with_replica(replica);
    }
    let app = web::router(state.clone());
    let listener = tokio::net::TcpListener::bind(settings.listen)
        .await
        .map_err(|e| format!("không mở được cổng {}: {e}", settings.listen))?;
    tracing::info!(address = %settings.listen, database = %store::redact_url(&settings.database_url), "listening");
    let purge = tokio::spawn(purge_sessions(db.clone(), settings.web.sessions));
    let refusals = tokio::spawn(flush_refusals(state.clone()));
    // Every server chains the audit records (one at a time across servers).
    let sequencer = tokio::spawn(store::audit::keep_chained(db.clone()));
    // And folds the rollup deltas into their cells (one at a time too).
    let folder = tokio::spawn(store::statistics::rollups::keep_folded(db.clone()));
    let watcher = tokio::spawn(web::replica::watch(state.clone()));
    // The peer address feeds login throttling (hashed, never logged).
    web::server::serve(listener, app, settings.server, shutdown_signal())
        .await
        .map_err(|e| format!("máy chủ dừng do lỗi: {e}"))?;
    purge.abort();
    refusals.abort();
    sequencer.abort();
    folder.abort();
    watcher.abort();
    state.flush_refusals(true).await;
    // What this server's last requests wrote gets its place now rather
    // than from the next server to start.
    if let Err(e) = store::audit::chain(&db).await {
        tracing::warn!(error = %e, "audit: the last records wait for the next sequencer");
    }
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

/// The key sealing national ID numbers: read from its file, or created
/// there (readable by the owner only) on the first start. Losing it makes
/// the sealed numbers unreadable: it is backed up with the data folder.
pub(crate) fn id_key(path: &std::path::Path) -> Result<domain::forces::IdKey, String> {
    use std::io::Write;
    let unreadable = |e: &dyn std::fmt::Display| {
        format!("không đọc được khóa số định danh {}: {e}", path.display())
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| unreadable(&e))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => {
            let hex = domain::forces::IdKey::generate_hex();
            file.write_all(hex.as_bytes())
                .and_then(|_| file.sync_all())
                .map_err(|e| unreadable(&e))?;
            tracing::info!(file = %path.display(), "created the national ID key");
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(unreadable(&e)),
    }
    let text = std::fs::read_to_string(path).map_err(|e| unreadable(&e))?;
    domain::forces::IdKey::from_hex(&text)
        .ok_or_else(|| unreadable(&"cần 64 chữ số hex / 64 hex digits expected"))
}
