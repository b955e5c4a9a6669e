//! The register of documents: registering (national texts by
//! administrators only, a number once per issuer and year), replacing
//! (status follows, cycles refused), files (kind by content, text read
//! for search, served as attachments), search without diacritics, links
//! to model types shown on their pages, scope and the audit.

use std::io::Write;

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};

use crate::harness::{App, Client};

async fn post(c: &Client<'_>, uri: &str, body: Value) -> (StatusCode, Value) {
    let r = c.write(Method::POST, uri, body).await;
    let v = serde_json::from_str(&r.body).unwrap_or(Value::Null);
    (r.status, v)
}

/// A DOCX whose body is `text` (enough of one for Word and the reader).
fn docx(text: &str) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default();
    z.start_file("[Content_Types].xml", opts).unwrap();
    z.write_all(b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>").unwrap();
    z.start_file("word/document.xml", opts).unwrap();
    let xml = format!("<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>");
    z.write_all(xml.as_bytes()).unwrap();
    z.finish().unwrap();
    buf.into_inner()
}

fn directive(unit: i64) -> Value {
    json!({
        "kind": "chi_thi", "number": "19-CT/TU", "issued_on": "2012-06-05",
        "issuers": ["Ban Thường vụ Tỉnh ủy Nam Định"],
        "signer": "Phó Bí thư Thường trực",
        "subject": "Về tăng cường sự lãnh đạo của Đảng đối với phong trào toàn dân bảo vệ an ninh Tổ quốc",
        "level": "province", "org_unit_id": unit
    })
}

#[tokio::test]
async fn a_document_is_registered_found_replaced_and_linked() {
    for app in App::all().await {
        let l = app.label();
        let tinh = app.login("tinh").await;
        let phuong = app.login("phuong").await;
        let admin = app.login("admin").await;

        // A province's directive, by its staff; the same number of the same
        // issuer in the same year again is a conflict, another issuer's not.
        // Issued in 2012 by legacy Nam Định: Ninh Bình as it is did not exist.
        let (s, body) = post(&tinh, "/api/v1/documents", directive(app.ninh_binh)).await;
        assert_eq!(
            body["error"]["reason"], "document_unit_wrong_level",
            "{l}: {s} {body}"
        );
        let (s, d19) = post(&tinh, "/api/v1/documents", directive(app.nam_dinh)).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {d19}");
        assert_eq!(d19["status"], "in_force", "{l}");
        let id19 = d19["id"].as_i64().unwrap();
        let mut again = directive(app.nam_dinh);
        again["number"] = json!("19-ct/tu");
        again["issued_on"] = json!("2012-12-01");
        let (s, body) = post(&tinh, "/api/v1/documents", again.clone()).await;
        assert_eq!(s, StatusCode::CONFLICT, "{l}: {body}");
        assert_eq!(body["error"]["reason"], "document_number_taken", "{l}");
        again["issuers"] = json!(["Ủy ban nhân dân tỉnh Nam Định"]);
        assert_eq!(
            post(&tinh, "/api/v1/documents", again).await.0,
            StatusCode::CREATED,
            "{l}"
        );

        // National texts are the administrators'; a commune officer writes
        // no province document; bad input names its field.
        let mut national = directive(app.ninh_binh);
        national["level"] = json!("national");
        national["org_unit_id"] = Value::Null;
        national["number"] = json!("11/CT-BCA");
        national["issuers"] = json!(["Bộ Công an"]);
        assert_eq!(
            post(&tinh, "/api/v1/documents", national.clone()).await.0,
            StatusCode::FORBIDDEN,
            "{l}"
        );
        let (s, ct11) = post(&admin, "/api/v1/documents", national).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {ct11}");
        let mut commune_writes_province = directive(app.nam_dinh);
        commune_writes_province["number"] = json!("20-CT/TU");
        assert_eq!(
            post(&phuong, "/api/v1/documents", commune_writes_province)
                .await
                .0,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        let mut wrong_level = directive(app.ward);
        wrong_level["number"] = json!("21-CT/TU");
        let (s, body) = post(&tinh, "/api/v1/documents", wrong_level).await;
        assert_eq!(
            (s, body["error"]["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some("org_unit_id")),
            "{l}: {body}"
        );

        // A DOCX attached: its text is searched, without diacritics; an HTML
        // page is refused whatever its name; the file comes back as an
        // attachment that never renders inline.
        let up = tinh
            .upload(
                &format!("/api/v1/documents/{id19}/files"),
                "chi-thi-19.docx",
                &docx("Xây dựng mô hình Tự quản về an ninh trật tự ở khu dân cư"),
            )
            .await;
        assert_eq!(up.status, StatusCode::CREATED, "{l}: {}", up.body);
        assert_eq!(up.json()["searchable"], true, "{l}");
        let file_id = up.json()["id"].as_i64().unwrap();
        let html = tinh
            .upload(
                &format!("/api/v1/documents/{id19}/files"),
                "scan.pdf",
                b"<html><script>alert(1)</script></html>",
            )
            .await;
        assert_eq!(html.status, StatusCode::BAD_REQUEST, "{l}: {}", html.body);
        let f = tinh
            .get(&format!("/api/v1/documents/{id19}/files/{file_id}"))
            .await;
        assert_eq!(f.status, StatusCode::OK, "{l}");
        assert!(
            f.headers["content-disposition"]
                .to_str()
                .unwrap()
                .starts_with("attachment"),
            "{l}"
        );
        assert_eq!(f.headers["x-content-type-options"], "nosniff", "{l}");
        assert!(
            f.headers["content-security-policy"]
                .to_str()
                .unwrap()
                .starts_with("sandbox;"),
            "{l}"
        );
        let found = phuong
            .get("/api/v1/documents?q=tu%20quan%20khu%20dan%20cu")
            .await
            .json();
        assert_eq!(found["total"], 1, "{l}: {found}");
        assert_eq!(found["items"][0]["id"], id19, "{l}");
        // Both 19-CT/TU of 2012 (two issuers), whatever the case typed.
        let by_number = phuong.get("/api/v1/documents?q=19-ct").await.json();
        assert_eq!(by_number["total"], 2, "{l}: {by_number}");
        // The commune reads its province's directive; Hà Nội's staff do not.
        let khac = app.login("khac").await;
        assert_eq!(
            khac.get(&format!("/api/v1/documents/{id19}")).await.status,
            StatusCode::NOT_FOUND,
            "{l}"
        );
        assert_eq!(
            khac.get("/api/v1/documents?q=tu%20quan").await.json()["total"],
            0,
            "{l}"
        );

        // A later directive replaces it; the status follows, and replacing
        // back would be a cycle.
        let mut d29 = directive(app.nam_dinh);
        d29["number"] = json!("29-CT/TU");
        d29["issued_on"] = json!("2019-03-01");
        d29["replaces"] = json!([id19]);
        let (s, new) = post(&tinh, "/api/v1/documents", d29).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {new}");
        let id29 = new["id"].as_i64().unwrap();
        let old = tinh.get(&format!("/api/v1/documents/{id19}")).await.json();
        assert_eq!(old["document"]["status"], "replaced", "{l}: {old}");
        assert_eq!(old["replaced_by_number"], "29-CT/TU", "{l}");
        let mut cycle = directive(app.nam_dinh);
        cycle["replaces"] = json!([id29]);
        let r = tinh
            .write(Method::PUT, &format!("/api/v1/documents/{id19}"), cycle)
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}: {}", r.body);
        assert_eq!(
            r.json()["error"]["reason"],
            "document_replacement_cycle",
            "{l}"
        );
        let replaced = tinh.get("/api/v1/documents?status=replaced").await.json();
        assert_eq!(replaced["total"], 1, "{l}: {replaced}");

        // Ranked: words in the number weigh most (the plan's, and 29's "TU"
        // of Tỉnh ủy), then in the subject, as typed more; in a file only
        // (19's DOCX) they find but do not rank.
        let mut plan = directive(app.nam_dinh);
        plan["kind"] = json!("ke_hoach");
        plan["number"] = json!("7/KH-TU-QUAN");
        plan["subject"] = json!("Về mô hình tự quản năm 2012");
        let (s, body) = post(&tinh, "/api/v1/documents", plan).await;
        assert_eq!(s, StatusCode::CREATED, "{l}: {body}");
        let mut subject = directive(app.nam_dinh);
        subject["number"] = json!("29-CT/TU");
        subject["issued_on"] = json!("2019-03-01");
        subject["replaces"] = json!([id19]);
        subject["subject"] = json!("Về mô hình tự quản về an ninh trật tự");
        let r = tinh
            .write(Method::PUT, &format!("/api/v1/documents/{id29}"), subject)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        let ranked = phuong.get("/api/v1/documents?q=tu%20quan").await.json();
        let order: Vec<i64> = ranked["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].as_i64().unwrap())
            .collect();
        assert_eq!(
            order,
            vec![body["id"].as_i64().unwrap(), id29, id19],
            "{l}: {ranked}"
        );
        assert_eq!(ranked["total_exact"], true, "{l}");

        // Linked to a model type: the type's page lists it, the link is
        // audited, and unlinking takes it off.
        let types = tinh.get("/api/v1/model-types").await.json();
        let ty = types["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["code"] == "to_tuan_tra_nhan_dan")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let (s, link) = post(
            &tinh,
            &format!("/api/v1/documents/{id29}/links"),
            json!({"kind": "model_type", "id": ty}),
        )
        .await;
        // The province links its own directive to a national type.
        assert_eq!(s, StatusCode::CREATED, "{l}: {link}");
        let page = phuong.get(&format!("/model-types/{ty}")).await;
        assert!(page.body.contains(&format!("/documents/{id29}\"")), "{l}");
        let linked = phuong
            .get(&format!("/api/v1/documents?linked=model_type:{ty}"))
            .await
            .json();
        assert_eq!(linked["total"], 1, "{l}: {linked}");
        let (s, body) = post(
            &tinh,
            &format!("/api/v1/documents/{id29}/links"),
            json!({"kind": "indicator", "id": 999999}),
        )
        .await;
        assert_eq!(
            (s, body["error"]["reason"].as_str()),
            (
                StatusCode::BAD_REQUEST,
                Some("document_link_target_unknown")
            ),
            "{l}: {body}"
        );
        let audit = admin
            .get(&format!("/api/v1/audit?entity=document&entity_id={id29}"))
            .await
            .json();
        let actions: Vec<&str> = audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["action"].as_str().unwrap())
            .collect();
        assert!(
            actions.contains(&"link") && actions.contains(&"create"),
            "{l}: {actions:?}"
        );
        let r = tinh
            .write(
                Method::DELETE,
                &format!("/api/v1/documents/{id29}/links/model_type/{ty}"),
                json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{l}: {}", r.body);
        assert_eq!(
            phuong
                .get(&format!("/api/v1/documents/{id29}/links"))
                .await
                .json()["total"],
            0,
            "{l}"
        );

        // The register as a file, and the pages.
        let x = tinh.get("/api/v1/documents?format=xlsx").await;
        assert_eq!(x.status, StatusCode::OK, "{l}");
        assert!(x.bytes.starts_with(b"PK"), "{l}");
        let list = phuong.get("/documents?q=chi%20thi%2029").await;
        assert!(list.body.contains(&format!("/documents/{id29}\"")), "{l}");
        assert!(!list.body.contains(&format!("/documents/{id19}\"")), "{l}");
        let show = tinh.get(&format!("/documents/{id19}")).await;
        assert!(
            show.body.contains("chi-thi-19.docx")
                && show.body.contains(&format!("/documents/{id29}\"")),
            "{l}"
        );
    }
}

#[tokio::test]
async fn the_forms_register_a_document_and_refuse_bad_input_beside_it() {
    for app in App::all().await {
        let l = app.label();
        let phuong = app.login("phuong").await;
        let unit = app.ward.to_string();
        let fields = [
            ("kind", "ke_hoach"),
            ("number", "05/KH-CAP"),
            ("issued_on", "2026-02-01"),
            (
                "issuers",
                "Công an phường Nam Định\nĐoàn Thanh niên phường Nam Định",
            ),
            ("subject", "Kế hoạch phối hợp tuần tra dịp Tết"),
            ("level", "commune"),
            ("org_unit_id", unit.as_str()),
        ];
        let r = phuong.form("/documents", &fields).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let to = r.headers["location"].to_str().unwrap().to_string();
        let page = phuong.get(&to).await;
        assert!(
            page.body.contains("Đoàn Thanh niên phường Nam Định"),
            "{l}: {}",
            page.body
        );
        // The same again: refused beside the form, which keeps what was typed.
        let r = phuong.form("/documents", &fields).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{l}: {}", r.body);
        assert!(
            r.body.contains("05&#x2f;KH-CAP") && r.body.contains("role=\"alert\""),
            "{l}"
        );
        // A body of the same name at another commune numbers its own texts.
        let admin = app.login("admin").await;
        let elsewhere = json!({"kind": "ke_hoach", "number": "05/KH-CAP", "issued_on": "2026-02-01",
            "issuers": ["Công an phường Nam Định"], "subject": "Trùng tên, khác đơn vị",
            "level": "commune", "org_unit_id": app.ba_dinh});
        assert_eq!(
            admin
                .write(Method::POST, "/api/v1/documents", elsewhere)
                .await
                .status,
            StatusCode::CREATED,
            "{l}"
        );
        // A scan attached through the page; a text file refused beside it.
        let id = to.trim_start_matches("/documents/");
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        let r = phuong
            .upload(&format!("/documents/{id}/files"), "scan.png", png)
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let r = phuong
            .upload(&format!("/documents/{id}/files"), "x.txt", b"hello")
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{l}");
        assert!(r.body.contains("PDF, DOCX"), "{l}");
        // Replacing by number from the form.
        let r = phuong
            .form(
                "/documents",
                &[
                    ("kind", "ke_hoach"),
                    ("number", "06/KH-CAP"),
                    ("issued_on", "2026-03-01"),
                    ("issuers", "Công an phường Nam Định"),
                    ("subject", "Kế hoạch thay thế"),
                    ("level", "commune"),
                    ("org_unit_id", unit.as_str()),
                    ("replaces", "05/kh-cap"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let old = phuong.get(&format!("/api/v1/documents/{id}")).await.json();
        assert_eq!(old["replaced_by_number"], "06/KH-CAP", "{l}: {old}");
    }
}
