//! The real `binhyen` binary: start, serve, stop, back up, restore, users.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_binhyen");

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A bare HTTP/1.1 GET: status and body.
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    request(port, path, "")
}

/// A GET with `Authorization: Bearer <token>`.
fn get_with(port: u16, path: &str, token: &str) -> Option<(u16, String)> {
    request(port, path, &format!("Authorization: Bearer {token}\r\n"))
}

fn request(port: u16, path: &str, headers: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{headers}Connection: close\r\n\r\n"
    )
    .ok()?;
    let mut buf = String::new();
    s.read_to_string(&mut buf).ok()?;
    let status = buf.split(' ').nth(1)?.parse().ok()?;
    Some((
        status,
        buf.split("\r\n\r\n").nth(1).unwrap_or("").to_string(),
    ))
}

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(db_args: &[&str]) -> Server {
        let port = free_port();
        let mut args: Vec<String> = db_args.iter().map(|s| s.to_string()).collect();
        args.extend([
            "serve".into(),
            "--listen".into(),
            format!("127.0.0.1:{port}"),
        ]);
        let mut child = Command::new(BIN)
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if let Some((200, _)) = get(port, "/healthz") {
                return Server { child, port };
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        panic!("server did not start: {args:?}: {}", text(&out));
    }

    /// SIGTERM, then the exit status and everything it logged.
    fn stop(self) -> Output {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        self.child.wait_with_output().unwrap()
    }
}

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn serve_and_stop(db_args: &[&str]) {
    let s = Server::start(db_args);
    let (status, body) = get(s.port, "/healthz").unwrap();
    assert_eq!(status, 200, "{body}");
    assert_eq!(get(s.port, "/api/v1/org-units").unwrap().0, 401);
    assert!(get(s.port, "/metrics")
        .unwrap()
        .1
        .contains("binhyen_http_requests_total"));
    let out = s.stop();
    assert!(out.status.success(), "{}", text(&out));
    let log = text(&out);
    assert!(
        log.contains("shutting down") && log.contains("stopped"),
        "{log}"
    );
}

#[test]
fn serves_on_sqlite_and_postgres_and_stops_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let t = Instant::now();
    serve_and_stop(&["--data-dir", d]);
    eprintln!("sqlite: first start and stop in {:?}", t.elapsed());
    // A second start finds the units loaded and changes nothing.
    let s = Server::start(&["--data-dir", d]);
    let log = text(&s.stop());
    assert!(log.contains("administrative units already loaded"), "{log}");

    let rt = tokio::runtime::Runtime::new().unwrap();
    if let Some(pg) = rt.block_on(store::testing::TestDb::postgres()).unwrap() {
        rt.block_on(pg.db.close());
        serve_and_stop(&["--database-url", &pg.url]);
        let m = run(&["--database-url", &pg.url, "migrate"], None);
        assert!(m.status.success(), "{}", text(&m));
        drop(pg);
    }
}

#[test]
fn backup_while_serving_and_restore() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let (da, db) = (a.path().to_str().unwrap(), b.path().to_str().unwrap());
    let s = Server::start(&["--data-dir", da]);
    let add = run(
        &[
            "--data-dir",
            da,
            "user",
            "add",
            "--username",
            "canbo.tinh",
            "--role",
            "admin",
            "--password-stdin",
        ],
        Some("một-mật-khẩu-đủ-dài\n"),
    );
    assert!(add.status.success(), "{}", text(&add));
    // An API token works as a bearer, until it is revoked.
    let tok = run(
        &[
            "--data-dir",
            da,
            "token",
            "create",
            "--username",
            "canbo.tinh",
            "--expires-days",
            "30",
        ],
        None,
    );
    assert!(tok.status.success(), "{}", text(&tok));
    let token = String::from_utf8_lossy(&tok.stdout).trim().to_string();
    assert!(token.starts_with("bh_") && token.len() == 67, "{token}");
    assert_eq!(
        get_with(s.port, "/api/v1/org-units?level=province", &token)
            .unwrap()
            .0,
        200
    );
    assert_eq!(
        get_with(s.port, "/api/v1/org-units", "bh_forged")
            .unwrap()
            .0,
        401
    );
    let list = run(&["--data-dir", da, "token", "list"], None);
    assert!(text(&list).contains("active"), "{}", text(&list));
    let id = text(&list).split_whitespace().next().unwrap().to_string();
    assert!(run(&["--data-dir", da, "token", "revoke", &id], None)
        .status
        .success());
    assert_eq!(
        get_with(s.port, "/api/v1/org-units", &token).unwrap().0,
        401
    );
    assert!(!run(&["--data-dir", da, "token", "revoke", &id], None)
        .status
        .success());

    let file = a.path().join("copy.db");
    let f = file.to_str().unwrap();
    let backup = run(&["--data-dir", da, "backup", f], None);
    assert!(backup.status.success(), "{}", text(&backup));
    let again = run(&["--data-dir", da, "backup", f], None);
    assert!(
        !again.status.success(),
        "an existing file is not overwritten"
    );
    assert!(s.stop().status.success());

    // A file that is not a database is refused and changes nothing.
    let junk = b.path().join("junk.db");
    std::fs::write(&junk, b"not a database").unwrap();
    let bad = run(&["--data-dir", db, "restore", junk.to_str().unwrap()], None);
    assert!(!bad.status.success());
    assert!(!Path::new(db).join("binhyen.db").exists());

    let restore = run(&["--data-dir", db, "restore", f], None);
    assert!(restore.status.success(), "{}", text(&restore));
    let verify = run(&["--data-dir", db, "audit", "verify"], None);
    assert!(
        verify.status.success() && text(&verify).contains("intact"),
        "{}",
        text(&verify)
    );
    let list = run(&["--data-dir", db, "user", "list"], None);
    assert!(text(&list).contains("canbo.tinh"), "{}", text(&list));
    // The restored database serves.
    serve_and_stop(&["--data-dir", db]);
}

#[test]
fn audit_verify_finds_a_record_changed_behind_the_applications_back() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    for name in ["mot.nguoi", "hai.nguoi"] {
        let add = run(
            &[
                "--data-dir",
                d,
                "user",
                "add",
                "--username",
                name,
                "--role",
                "admin",
                "--password-stdin",
            ],
            Some("một-mật-khẩu-đủ-dài"),
        );
        assert!(add.status.success(), "{}", text(&add));
    }
    let ok = run(&["--data-dir", d, "audit", "verify"], None);
    assert!(
        ok.status.success() && text(&ok).contains("2 records"),
        "{}",
        text(&ok)
    );
    // The head printed, kept outside, checks the chain later: it holds
    // while the record at its place keeps its hash.
    let head = text(&ok).split("head ").nth(1).unwrap().trim().to_string();
    let anchored = run(
        &["--data-dir", d, "audit", "verify", "--anchor", &head],
        None,
    );
    assert!(anchored.status.success(), "{}", text(&anchored));
    let (place, _) = head.split_once(':').unwrap();
    let other = format!("{place}:{}", "ab".repeat(32));
    let rewritten = run(
        &["--data-dir", d, "audit", "verify", "--anchor", &other],
        None,
    );
    assert!(!rewritten.status.success(), "{}", text(&rewritten));
    assert!(
        text(&rewritten).contains("rewritten"),
        "{}",
        text(&rewritten)
    );
    let malformed = run(
        &["--data-dir", d, "audit", "verify", "--anchor", "12"],
        None,
    );
    assert!(!malformed.status.success(), "{}", text(&malformed));
    assert!(
        text(&malformed).contains("mốc không hợp lệ"),
        "{}",
        text(&malformed)
    );
    // Rewrite who was created, as someone with the database file could.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let db = store::Db::open_sqlite(&Path::new(d).join("binhyen.db")).await.unwrap();
        let store::Db::Sqlite(pool) = &db else { unreachable!() };
        sqlx::query("UPDATE audit_log SET after_json = replace(after_json, 'mot.nguoi', 'ke.khac') WHERE id = 1")
            .execute(pool)
            .await
            .unwrap();
        db.close().await;
    });
    let broken = run(&["--data-dir", d, "audit", "verify"], None);
    assert!(!broken.status.success(), "{}", text(&broken));
    assert!(text(&broken).contains("record 1"), "{}", text(&broken));
}

#[test]
fn bad_input_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    // A data folder that cannot be created (its parent is a file).
    let file = dir.path().join("plain-file");
    std::fs::write(&file, b"x").unwrap();
    let inside = file.join("data");
    let o = run(&["--data-dir", inside.to_str().unwrap(), "migrate"], None);
    assert!(!o.status.success());
    assert!(text(&o).contains("thư mục dữ liệu"), "{}", text(&o));

    let o = run(
        &[
            "--data-dir",
            d,
            "user",
            "add",
            "--username",
            "x1x",
            "--role",
            "admin",
            "--password-stdin",
        ],
        Some("123"),
    );
    assert!(
        !o.status.success() && text(&o).contains("mật khẩu"),
        "{}",
        text(&o)
    );
    let o = run(
        &[
            "--data-dir",
            d,
            "user",
            "add",
            "--username",
            "xa1",
            "--role",
            "viewer",
            "--password-stdin",
        ],
        Some("một-mật-khẩu-đủ-dài"),
    );
    assert!(
        !o.status.success() && text(&o).contains("--scope"),
        "{}",
        text(&o)
    );
    let o = run(&["--database-url", "mysql://x", "migrate"], None);
    assert!(
        !o.status.success() && text(&o).contains("sqlite://"),
        "{}",
        text(&o)
    );
    let o = run(
        &[
            "--database-url",
            "postgres://u:secret@127.0.0.1:1/none",
            "migrate",
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(
        !text(&o).contains("secret"),
        "the password is never printed: {}",
        text(&o)
    );
    let cfg = dir.path().join("b.toml");
    std::fs::write(&cfg, "listen = 5").unwrap();
    let o = run(&["--config", cfg.to_str().unwrap(), "migrate"], None);
    assert!(
        !o.status.success() && text(&o).contains("b.toml"),
        "{}",
        text(&o)
    );

    let help = run(&["--help"], None);
    for c in [
        "serve",
        "demo",
        "migrate",
        "backup",
        "restore",
        "import-units",
        "user",
    ] {
        assert!(text(&help).contains(c), "{c}");
    }
}

#[test]
fn import_models_is_all_or_nothing_with_an_error_report() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let header = "Tên mô hình,Mã loại,Mã đơn vị,Ngày thành lập\n";
    let good = "Camera tổ 1,camera_an_ninh,13669,01/08/2025\nTổ tuần tra Vị Xuyên,to_tuan_tra_nhan_dan,13636,2022-03-01\n";
    let bad_file = dir.path().join("bad.csv");
    std::fs::write(
        &bad_file,
        format!("{header}{good}Sai,khong_co,13669,01/08/2025\n"),
    )
    .unwrap();
    let report = dir.path().join("loi.xlsx");
    let refused = run(
        &[
            "--data-dir",
            d,
            "import",
            "models",
            bad_file.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
        ],
        None,
    );
    assert!(!refused.status.success(), "{}", text(&refused));
    assert!(text(&refused).contains("dòng 4"), "{}", text(&refused));
    assert!(std::fs::read(&report).unwrap().starts_with(b"PK"));
    let good_file = dir.path().join("good.csv");
    std::fs::write(&good_file, format!("{header}{good}")).unwrap();
    let ok = run(
        &[
            "--data-dir",
            d,
            "import",
            "models",
            good_file.to_str().unwrap(),
        ],
        None,
    );
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(
        text(&ok).contains("đã ghi / written: thêm 2 · sửa 0 · không đổi 0"),
        "{}",
        text(&ok)
    );
    // The legacy commune's model stays where it was founded (Vị Xuyên, 2022).
    let again = run(
        &[
            "--data-dir",
            d,
            "import",
            "models",
            good_file.to_str().unwrap(),
        ],
        None,
    );
    // Imported again, the same rows change nothing (they name their models
    // by type, unit and name); --dry-run only says so.
    assert!(
        again.status.success() && text(&again).contains("thêm 0 · sửa 0 · không đổi 2"),
        "{}",
        text(&again)
    );
    let dry = run(
        &[
            "--data-dir",
            d,
            "import",
            "models",
            "--dry-run",
            good_file.to_str().unwrap(),
        ],
        None,
    );
    assert!(
        dry.status.success() && text(&dry).contains("chưa ghi, tệp sẽ / dry run"),
        "{}",
        text(&dry)
    );
}

#[test]
fn import_values_is_all_or_nothing_with_an_error_report() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let header = "Mã đơn vị,Kỳ,Mã chỉ tiêu,Giá trị,Ghi chú\n";
    // 13636 is legacy Vị Xuyên in 2022; 13669 is Phường Nam Định in 2026.
    let good = "13636,2022-03,ca_tuan_tra,5,\n13669,2026-03,ca_tuan_tra,\"1.234\",đã xác minh\n";
    let bad_file = dir.path().join("bad.csv");
    std::fs::write(
        &bad_file,
        format!("{header}{good}13669,2026-03,to_hoa_giai,-1,\n"),
    )
    .unwrap();
    let report = dir.path().join("loi.xlsx");
    let refused = run(
        &[
            "--data-dir",
            d,
            "import",
            "values",
            bad_file.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
        ],
        None,
    );
    assert!(!refused.status.success(), "{}", text(&refused));
    assert!(text(&refused).contains("dòng 4"), "{}", text(&refused));
    assert!(std::fs::read(&report).unwrap().starts_with(b"PK"));
    let good_file = dir.path().join("good.csv");
    std::fs::write(&good_file, format!("{header}{good}")).unwrap();
    let ok = run(
        &[
            "--data-dir",
            d,
            "import",
            "values",
            good_file.to_str().unwrap(),
        ],
        None,
    );
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(
        text(&ok).contains("đã ghi / written: thêm 2"),
        "{}",
        text(&ok)
    );
}

/// `import-catalogue` brings the shipped model types to an existing
/// database and, run again, changes nothing; a file without its sources
/// is refused with its line.
#[test]
fn the_catalogue_is_applied_again_with_one_command() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let o = run(&["--data-dir", d, "import-catalogue"], None);
    assert!(o.status.success(), "{}", text(&o));
    let shipped = store::models::types::parse_catalogue(
        store::models::types::DEFAULT_CATALOGUE,
        chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
    )
    .unwrap()
    .len();
    assert!(
        text(&o).contains(&format!("thêm {shipped}, sửa 0, thôi dùng 0")),
        "{}",
        text(&o)
    );
    let o = run(&["--data-dir", d, "import-catalogue"], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains(&format!("thêm 0, sửa 0, thôi dùng 0, giữ nguyên {shipped}")),
        "{}",
        text(&o)
    );
    // The statistics catalogue too: applied once, then nothing to do.
    assert!(
        text(&o).contains("quy tắc kiểm tra: thêm 0, sửa 0, thôi dùng 0"),
        "{}",
        text(&o)
    );
    let file = dir.path().join("loai.csv");
    std::fs::write(
        &file,
        "code,name,short_name,sector,targets,description,legal_basis,lead_org,coordinating_orgs,source\n\
         ca_mot,Loại một,,residential,village,,,,,\n",
    )
    .unwrap();
    let o = run(
        &[
            "--data-dir",
            d,
            "import-catalogue",
            "--file",
            file.to_str().unwrap(),
        ],
        None,
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("dòng 2"), "{}", text(&o));
}

/// A province's own catalogue from the shell: loaded into that province
/// (a second load changes nothing), a national code refused with the row
/// named and nothing written.
#[test]
fn a_province_catalogue_is_loaded_from_the_shell() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let file = dir.path().join("loai-ninh-binh.csv");
    std::fs::write(
        &file,
        "Mã loại,Tên loại mô hình,Lĩnh vực,Nơi áp dụng,Nguồn\n\
         nb_mot,Mô hình một,Khu dân cư,\"thôn, tổ dân phố\",Công an tỉnh\n\
         nb_hai,Mô hình hai,Khu dân cư,trường học; commune,Công an tỉnh\n",
    )
    .unwrap();
    let load = |province: &str, f: &std::path::Path| {
        let f = f.to_str().unwrap();
        run(
            &[
                "--data-dir",
                d,
                "import-catalogue",
                "--province",
                province,
                "--file",
                f,
            ],
            None,
        )
    };
    let o = load("37", &file);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("của Tỉnh Ninh Bình: đã ghi / written: thêm 2 · sửa 0 · không đổi 0"),
        "{}",
        text(&o)
    );
    let o = load("37", &file);
    assert!(
        text(&o).contains("thêm 0 · sửa 0 · không đổi 2"),
        "{}",
        text(&o)
    );

    let bad = dir.path().join("loai-loi.csv");
    std::fs::write(
        &bad,
        "Mã loại,Tên loại mô hình,Lĩnh vực,Nơi áp dụng\n\
         nb_ba,Mô hình ba,Khu dân cư,commune\n\
         to_tuan_tra_nhan_dan,Tổ tuần tra,Khu dân cư,commune\n",
    )
    .unwrap();
    let o = load("37", &bad);
    assert!(!o.status.success());
    assert!(text(&o).contains("dòng 3 · Mã loại"), "{}", text(&o));
    let o = load("99", &bad);
    assert!(!o.status.success());
    assert!(
        text(&o).contains("không có tỉnh, thành phố hiện hành mã 99"),
        "{}",
        text(&o)
    );
}
