use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use domain::accounts::{NewPassword, Role};
use domain::org_units::Level;
use http_body_util::BodyExt;
use serde_json::Value;
use store::accounts::NewUser;
use store::audit::Author;
use store::org_units::{self as units, reference};
use store::testing::TestDb;
use tower::ServiceExt;

pub const PASSWORD: &str = "mật-khẩu-thử-nghiệm";

/// A loaded database with one user per role, and the router on it.
pub struct App {
    pub t: TestDb,
    pub router: Router,
    /// The state behind `router` (to flush the held refusals).
    pub state: web::AppState,
    /// 2025 Phường Nam Định (Ninh Bình) and its legacy predecessor Vị Xuyên.
    pub ward: i64,
    pub vi_xuyen: i64,
    pub ninh_binh: i64,
    pub ba_dinh: i64,
    /// Legacy Tỉnh Nam Định (before July 2025).
    pub nam_dinh: i64,
}

async fn id_of(t: &TestDb, level: Level, code: &str, on: &str) -> i64 {
    let d = chrono::NaiveDate::parse_from_str(on, "%Y-%m-%d").unwrap();
    units::resolve_code(&t.db, level, code, d)
        .await
        .unwrap()
        .unwrap()
        .id
}

impl App {
    pub async fn all() -> Vec<App> {
        let mut out = Vec::new();
        for t in TestDb::all().await.unwrap() {
            out.push(Self::on(t).await);
        }
        out
    }

    async fn on(t: TestDb) -> App {
        reference::load(&t.db, &reference::ReferenceData::embedded(), false)
            .await
            .unwrap();
        store::models::types::load_catalogue(
            &t.db,
            store::models::types::DEFAULT_CATALOGUE,
            domain::time::today(),
        )
        .await
        .unwrap();
        store::statistics::load_catalogue(&t.db).await.unwrap();
        // The tip indicators typed, as in a province that imports the
        // figures it typed before it received tips here: the statistics
        // tests type them (the tips test gives them their sources back).
        store::statistics::set_register_sources(
            &t.db,
            store::audit::Author::System,
            None,
            domain::statistics::computed::Register::Tips,
        )
        .await
        .unwrap();
        store::certification::criteria::load_default(&t.db)
            .await
            .unwrap();
        let ninh_binh = id_of(&t, Level::Province, "37", "2026-01-01").await;
        let vi_xuyen = id_of(&t, Level::Commune, "13636", "2025-01-01").await;
        let ward = units::successors(&t.db, vi_xuyen).await.unwrap()[0].id;
        let ba_dinh = id_of(&t, Level::Commune, "00004", "2026-01-01").await;
        let nam_dinh = id_of(&t, Level::Province, "36", "2022-01-01").await;
        let hash = NewPassword::parse(PASSWORD).unwrap().hash().unwrap();
        let users = [
            ("admin", Role::Admin, vec![]),
            ("tinh", Role::ProvinceStaff, vec![ninh_binh]),
            ("phuong", Role::CommuneOfficer, vec![ward]),
            ("khac", Role::CommuneOfficer, vec![ba_dinh]),
            ("doitac", Role::Partner, vec![ninh_binh]),
            // kept for the throttling test, which leaves it slowed down
            ("bikhoa", Role::Viewer, vec![ninh_binh]),
            ("lanhdao", Role::Viewer, vec![ninh_binh]),
        ];
        for (name, role, scopes) in users {
            store::accounts::create_user(
                &t.db,
                Author::System,
                &NewUser {
                    username: name.into(),
                    display_name: format!("Người dùng {name}"),
                    password_hash: hash.clone(),
                    role,
                    scopes,
                    must_change_password: false,
                },
            )
            .await
            .unwrap();
        }
        let state = web::AppState::new(t.db.clone(), web::WebConfig::default()).unwrap();
        App {
            router: web::router(state.clone()),
            state,
            t,
            ward,
            vi_xuyen,
            ninh_binh,
            ba_dinh,
            nam_dinh,
        }
    }

    pub fn label(&self) -> &'static str {
        self.t.label
    }

    pub async fn send(&self, req: Request<Body>) -> Res {
        send_to(&self.router, req).await
    }

    /// Logs in through the API; returns a client holding the session.
    pub async fn login(&self, username: &str) -> Client<'_> {
        self.login_with(username, PASSWORD).await
    }

    pub async fn login_with(&self, username: &str, password: &str) -> Client<'_> {
        let body = serde_json::json!({"username": username, "password": password}).to_string();
        let mut res = self.try_login(&body).await;
        // A test that has just sent wrong passwords from the same address
        // (the route matrix does, for every role) waits out the short
        // delay as a person would; a longer one is a real refusal.
        for _ in 0..3 {
            let wait = res.json()["error"]["args"]["seconds"].as_u64();
            match wait {
                Some(secs @ 1..=2) if res.status == StatusCode::TOO_MANY_REQUESTS => {
                    tokio::time::sleep(std::time::Duration::from_secs(secs)).await;
                    res = self.try_login(&body).await;
                }
                _ => break,
            }
        }
        assert_eq!(res.status, StatusCode::OK, "{username}: {}", res.body);
        let cookie = res.headers[header::SET_COOKIE].to_str().unwrap();
        let session = cookie.split(';').next().unwrap().to_string();
        let csrf = res.json()["csrf_token"].as_str().unwrap().to_string();
        Client {
            app: self,
            cookie: session,
            csrf,
        }
    }

    async fn try_login(&self, body: &str) -> Res {
        self.send(
            Request::post("/api/v1/auth/login")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    /// A second router on the same database, with other settings.
    pub fn router_with(&self, config: web::WebConfig) -> Router {
        web::router(web::AppState::new(self.t.db.clone(), config).unwrap())
    }

    /// The status of a GET with an API token.
    pub async fn bearer(&self, token: &str, uri: &str) -> StatusCode {
        self.send(
            Request::get(uri)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .status
    }

    pub async fn anonymous(&self, method: Method, uri: &str) -> Res {
        self.send(
            Request::builder()
                .method(method)
                .uri(uri)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }
}

/// Sends a request to `router` and reads the whole answer.
pub async fn send_to(router: &Router, req: Request<Body>) -> Res {
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Res {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).to_string(),
        bytes: bytes.to_vec(),
    }
}

pub struct Res {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    /// The body as sent (a file).
    pub bytes: Vec<u8>,
}

impl Res {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// The `field` of a JSON problem.
    pub fn field(&self) -> String {
        self.json()["error"]["field"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }
}

pub struct Client<'a> {
    pub app: &'a App,
    pub cookie: String,
    pub csrf: String,
}

impl Client<'_> {
    pub fn request(&self, method: Method, uri: &str) -> axum::http::request::Builder {
        Request::builder()
            .method(method)
            .uri(uri)
            .header(header::COOKIE, &self.cookie)
    }

    /// The id of the data set with `code`, as this user lists them.
    pub async fn data_set(&self, code: &str) -> i64 {
        let sets = self.get("/api/v1/data-sets").await.json();
        sets["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["code"] == code)
            .unwrap_or_else(|| panic!("no data set {code}"))["id"]
            .as_i64()
            .unwrap()
    }

    pub async fn get(&self, uri: &str) -> Res {
        self.app
            .send(self.request(Method::GET, uri).body(Body::empty()).unwrap())
            .await
    }

    /// A JSON write with the CSRF header, as an API client sends it.
    pub async fn write(&self, method: Method, uri: &str, body: Value) -> Res {
        self.app
            .send(
                self.request(method, uri)
                    .header(header::CONTENT_TYPE, "application/json")
                    .header("x-csrf-token", &self.csrf)
                    .body(Body::from(body.to_string()))
                    .unwrap(),
            )
            .await
    }

    /// A file upload (`multipart/form-data`, field `file`) as a page's
    /// form sends it: the CSRF token in the query string.
    pub async fn upload(&self, uri: &str, name: &str, bytes: &[u8]) -> Res {
        let boundary = "----binhyen-test-boundary";
        let mut body = Vec::new();
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let sep = if uri.contains('?') { '&' } else { '?' };
        self.app
            .send(
                self.request(Method::POST, &format!("{uri}{sep}csrf={}", self.csrf))
                    .header(
                        header::CONTENT_TYPE,
                        format!("multipart/form-data; boundary={boundary}"),
                    )
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await
    }

    /// A form post as the browser sends it, with the CSRF field.
    pub async fn form(&self, uri: &str, fields: &[(&str, &str)]) -> Res {
        let mut s = form_urlencoded::Serializer::new(String::new());
        s.append_pair("csrf", &self.csrf);
        for (k, v) in fields {
            s.append_pair(k, v);
        }
        self.app
            .send(
                self.request(Method::POST, uri)
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(s.finish()))
                    .unwrap(),
            )
            .await
    }
}

/// Every `(method, path pattern)` the router answers, from its own
/// table (`web::route_table`), in path order.
pub fn routes() -> Vec<(Method, String)> {
    web::route_table()
        .into_iter()
        .map(|(r, _)| (r.method, r.path.to_string()))
        .collect()
}

/// A JPEG with an Exif segment holding a GPS position.
pub fn jpeg_with_gps() -> Vec<u8> {
    let seg = |m: u8, data: &[u8]| {
        let len = (data.len() + 2) as u16;
        let mut s = vec![0xFF, m, (len >> 8) as u8, len as u8];
        s.extend_from_slice(data);
        s
    };
    let mut v = vec![0xFF, 0xD8];
    v.extend(seg(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
    v.extend(seg(
        0xE1,
        b"Exif\0\0GPSLatitude 20.4337 GPSLongitude 106.1621",
    ));
    v.extend(seg(0xDB, &[0u8; 65]));
    v.extend(seg(0xDA, &[1, 1, 0, 0, 0x3F, 0]));
    v.extend([0x12, 0x34, 0xFF, 0xD9]);
    v
}
