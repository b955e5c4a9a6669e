//! What every signed-in page needs, typed and assembled in one place: who
//! is looking, in which language, where, the form token, and what the
//! policy lets them do (`can.<action>`), which the navigation and each
//! page's links and buttons follow. Each page adds its own typed context
//! (a struct that implements [`PageContext`]); `Templates::page` renders the two
//! together.

use std::collections::BTreeMap;

use domain::policy;
use domain::time::today;
use serde::Serialize;
use store::accounts::User;

use crate::actor::Actor;
use crate::error::ApiError;
use crate::i18n::Lang;

#[derive(Debug, Serialize)]
pub struct Base<'a> {
    pub lang: &'static str,
    pub user: &'a User,
    pub csrf: &'a str,
    /// The page's own path (the language switch comes back to it).
    pub path: String,
    /// The navigation entry marked as current.
    pub section: &'static str,
    pub today: String,
    pub can: BTreeMap<&'static str, bool>,
    /// Whether the user's scope is the whole country (administrators).
    pub unscoped: bool,
    #[serde(skip)]
    pub language: Lang,
}

impl<'a> Base<'a> {
    pub fn new(
        actor: &'a Actor,
        lang: Lang,
        path: impl Into<String>,
        section: &'static str,
    ) -> Self {
        Base {
            lang: lang.code(),
            user: &actor.user,
            csrf: &actor.csrf,
            path: path.into(),
            section,
            today: today().to_string(),
            can: policy::granted(actor.user.role).collect(),
            unscoped: actor.user.role.is_unscoped(),
            language: lang,
        }
    }
}

/// A page's own context: the fields its template reads, beside `Base`'s.
/// A template that reads a field its page does not have fails in the
/// tests (undefined values are errors in debug builds).
pub trait PageContext: Serialize {
    const TEMPLATE: &'static str;
}

/// A refused form's message, shown beside the field at fault.
#[derive(Debug, Serialize)]
pub struct FormError {
    pub field: Option<&'static str>,
    /// The field as the form names it ("Ngày thành lập"), never its code.
    pub label: Option<&'static str>,
    pub message: String,
}

impl From<ApiError> for FormError {
    fn from(e: ApiError) -> Self {
        let lang = crate::language::current();
        FormError {
            label: e
                .field
                .and_then(|f| crate::i18n::lookup(lang, &format!("field.{f}"))),
            field: e.field,
            message: e.message,
        }
    }
}

/// A refusal shown on its own page with a way back
/// (`form_error.html`).
#[derive(Serialize)]
pub struct Refused<'a> {
    pub error: FormError,
    pub back: &'a str,
}

impl PageContext for Refused<'_> {
    const TEMPLATE: &'static str = "form_error.html";
}
