//! Certification files: the register and the dashboard as XLSX or CSV,
//! the certificates as PDF, and evidence files checked by their content.

use axum::response::Response;
use domain::certification::{Classification, Kind, State as CaseState};
use domain::org_units::Level;
use domain::time::today;
use domain::Reason;
use files::{Cell, Certificate, Column, Sheet};
use store::certification::{self as certs, CaseQuery, CaseRow, Summary};

use super::MAX_EVIDENCE_BYTES;
use crate::actor::Actor;
use crate::attachments;
use crate::downloads::file_of;
use crate::error::ApiError;
use crate::AppState;

fn kind_label(k: &str) -> String {
    Kind::parse("kind", k).map_or_else(|_| k.to_string(), |k| k.label().to_string())
}

fn state_label(s: &str) -> String {
    CaseState::parse("state", s).map_or_else(|_| s.to_string(), |s| s.label().to_string())
}

fn class_label(c: Option<&str>) -> String {
    c.and_then(|c| Classification::parse("c", c).ok())
        .map(|c| c.label().to_string())
        .unwrap_or_default()
}

pub fn list_sheet(rows: &[CaseRow]) -> Sheet {
    let columns = [
        ("Năm đánh giá", 10.0),
        ("Loại", 18.0),
        ("Đơn vị", 32.0),
        ("Mã", 10.0),
        ("Thuộc", 28.0),
        ("Trạng thái", 24.0),
        ("Hạn bước tiếp theo", 14.0),
        ("Ngày đăng ký", 12.0),
        ("Xếp loại", 12.0),
        ("Số quyết định", 16.0),
        ("Ngày quyết định", 12.0),
        ("Số giấy công nhận", 20.0),
        ("Ngày thu hồi", 12.0),
    ]
    .into_iter()
    .map(|(h, w)| Column::new(h, w))
    .collect();
    let rows = rows
        .iter()
        .map(|r| {
            vec![
                Cell::Int(i64::from(r.year)),
                Cell::from(kind_label(&r.kind)),
                Cell::from(r.org_unit_name.clone()),
                r.org_unit_code.clone().map_or(Cell::Empty, Cell::from),
                r.parent_name.clone().map_or(Cell::Empty, Cell::from),
                Cell::from(state_label(&r.state)),
                r.due_on.map_or(Cell::Empty, Cell::Date),
                Cell::Date(r.registered_on),
                Cell::from(class_label(r.classification.as_deref())),
                r.decision_no.clone().map_or(Cell::Empty, Cell::from),
                r.decided_on.map_or(Cell::Empty, Cell::Date),
                r.certificate_no.clone().map_or(Cell::Empty, Cell::from),
                r.revoked_on.map_or(Cell::Empty, Cell::Date),
            ]
        })
        .collect();
    Sheet {
        name: "Xét công nhận".into(),
        columns,
        rows,
        highlight_col: None,
    }
}

pub async fn export_list(
    state: &AppState,
    actor: &Actor,
    q: &CaseQuery,
    fmt: &str,
) -> Result<Response, ApiError> {
    let rows = certs::export(&state.db, actor.scope(), q).await?;
    let fmt = fmt.to_string();
    tokio::task::spawn_blocking(move || file_of(&list_sheet(&rows), "xet-cong-nhan", &fmt))
        .await
        .map_err(|_| ApiError::invalid("format", Reason::FileNotBuilt))?
}

/// The dashboard as one sheet: an area a row, each kind's eligible,
/// registered and certified units as columns.
pub fn summary_sheet(s: &Summary) -> Sheet {
    let mut columns = vec![Column::new("Địa bàn", 32.0)];
    for k in &s.kinds {
        for what in ["thuộc diện", "đăng ký", "được công nhận"] {
            columns.push(Column::new(format!("{} {what}", k.label()), 14.0));
        }
    }
    let cells = |cs: &[certs::summary::Cell]| -> Vec<Cell> {
        cs.iter()
            .flat_map(|c| {
                [
                    Cell::Int(c.eligible),
                    Cell::Int(c.registered),
                    Cell::Int(c.certified),
                ]
            })
            .collect()
    };
    let mut rows: Vec<Vec<Cell>> = s
        .rows
        .iter()
        .map(|r| {
            std::iter::once(Cell::from(r.name.clone()))
                .chain(cells(&r.cells))
                .collect()
        })
        .collect();
    rows.push(
        std::iter::once(Cell::from("Tổng cộng"))
            .chain(cells(&s.totals))
            .collect(),
    );
    Sheet {
        name: format!("Năm {}", s.year),
        columns,
        rows,
        highlight_col: None,
    }
}

pub fn export_summary(s: &Summary, fmt: &str) -> Result<Response, ApiError> {
    file_of(
        &summary_sheet(s),
        &format!("tong-hop-cong-nhan-{}", s.year),
        fmt,
    )
}

/// What a certificate says, from its case and the issuing unit.
async fn certificate_of(state: &AppState, c: &CaseRow) -> Result<Certificate, ApiError> {
    let crumbs = store::org_units::ancestors(&state.db, c.org_unit_id).await?;
    let commune = crumbs
        .iter()
        .rev()
        .find(|a| a.level == Level::Commune.as_str());
    let province = crumbs.iter().find(|a| a.level == Level::Province.as_str());
    let issuer = c.certificate_issuer.clone().unwrap_or_default();
    let parent = [commune, province]
        .into_iter()
        .flatten()
        .filter(|a| a.id != c.org_unit_id)
        .map(|a| a.name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    let place = commune
        .or(province)
        .map(|a| place_name(&a.name))
        .unwrap_or_default();
    Ok(Certificate {
        issuer_body: "ỦY BAN NHÂN DÂN".into(),
        issuer_name: issuer.to_uppercase(),
        place,
        number: c.certificate_no.clone().unwrap_or_default(),
        year: c.year,
        kind_label: kind_label(&c.kind),
        unit_name: c.org_unit_name.clone(),
        unit_parent: Some(parent).filter(|p| !p.is_empty()),
        classification: class_label(c.classification.as_deref()),
        decision_no: c.decision_no.clone().unwrap_or_default(),
        decided_on: c.decided_on.unwrap_or_else(today),
        signer_title: "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH".into(),
    })
}

pub async fn certificates_pdf(
    state: &AppState,
    cases: Vec<CaseRow>,
    name: &str,
) -> Result<Response, ApiError> {
    let mut items = Vec::with_capacity(cases.len());
    for c in &cases {
        items.push(certificate_of(state, c).await?);
    }
    let bytes = tokio::task::spawn_blocking(move || files::certificates(&items))
        .await
        .map_err(|_| ApiError::invalid("format", Reason::FileNotBuilt))??;
    Ok(crate::downloads::pdf(bytes, name))
}

/// Checks an evidence file's size and kind, then stores it on the case.
pub async fn store_evidence(
    state: &AppState,
    actor: &Actor,
    id: i64,
    criterion: Option<i64>,
    name: &str,
    bytes: &[u8],
) -> Result<certs::EvidenceRow, ApiError> {
    let f = attachments::checked(
        name,
        bytes,
        MAX_EVIDENCE_BYTES,
        attachments::EVIDENCE_KINDS,
        Reason::EvidenceKindRefused,
    )?;
    Ok(certs::add_evidence(
        &state.db,
        actor.author(),
        actor.scope(),
        id,
        criterion,
        &f.name,
        f.content_type,
        &f.sha256,
        bytes,
    )
    .await?)
}

/// "Nam Định" of "Phường Nam Định": where a certificate is signed.
fn place_name(full: &str) -> String {
    [
        "Phường ",
        "Xã ",
        "Đặc khu ",
        "Thị trấn ",
        "Tỉnh ",
        "Thành phố ",
    ]
    .iter()
    .find_map(|p| full.strip_prefix(p))
    .unwrap_or(full)
    .to_string()
}
