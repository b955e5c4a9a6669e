//! A class's certificates as one PDF (a page per trainee who passed), in
//! the state's letterhead: the organiser's police under its province's.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use domain::org_units::Level;
use domain::Reason;
use files::TrainingCertificate;
use store::training::{self as training, ClassRow};

use crate::actor::Actor;
use crate::error::ApiError;
use crate::AppState;

/// "Tỉnh Ninh Bình" → "NINH BÌNH"'s police: "CÔNG AN TỈNH NINH BÌNH".
fn police_of(unit_name: &str) -> String {
    format!("CÔNG AN {}", unit_name.to_uppercase())
}

pub async fn certificates_pdf(
    state: &AppState,
    actor: &Actor,
    c: ClassRow,
) -> Result<Response, ApiError> {
    let organiser = store::org_units::get(&state.db, actor.scope(), c.organiser_unit_id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let (issuer_body, signer_title) = match (organiser.unit.level, &organiser.parent_name) {
        (Level::Province, _) | (_, None) => ("BỘ CÔNG AN".to_owned(), "GIÁM ĐỐC"),
        (_, Some(province)) => (police_of(province), "TRƯỞNG CÔNG AN"),
    };
    let course = training::courses(&state.db)
        .await?
        .into_iter()
        .find(|x| x.id == c.course_id)
        .map(|x| format!("{}, {} giờ", x.name, x.total_hours))
        .unwrap_or_else(|| c.course_name.clone());
    let items: Vec<TrainingCertificate> = training::enrolments(&state.db, c.id)
        .await?
        .into_iter()
        .filter_map(|e| {
            Some(TrainingCertificate {
                issuer_body: issuer_body.clone(),
                issuer_name: police_of(&organiser.unit.name),
                place: organiser.unit.short_name.clone(),
                number: e.certificate_no?,
                full_name: e.full_name,
                birth_date: e.birth_date,
                class_name: c.name.clone(),
                course: course.clone(),
                starts_on: c.starts_on,
                ends_on: c.ends_on,
                class_place: c.place.clone(),
                score: e.score?,
                certified_on: e.certified_on?,
                signer_title: signer_title.to_owned(),
            })
        })
        .collect();
    if items.is_empty() {
        return Err(store::StoreError::Conflict(Reason::NoCertificate).into());
    }
    let bytes = tokio::task::spawn_blocking(move || files::training_certificates(&items))
        .await
        .map_err(|_| ApiError::invalid("format", Reason::FileNotBuilt))??;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"giay-chung-nhan-lop-{}.pdf\"", c.id),
            ),
        ],
        bytes,
    )
        .into_response())
}
