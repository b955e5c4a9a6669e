//! What every signed-in page's layout needs, typed and assembled in one
//! place: who is looking, in which language, where, the form token, and
//! what the policy lets them do (`can.<action>`), which the navigation and
//! each page's links and buttons follow.

use std::collections::BTreeMap;

use domain::policy;
use domain::time::today;
use serde::Serialize;
use store::accounts::User;

use crate::actor::Actor;
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
        }
    }

    /// As a template value, to merge with a page's own (`context! { ..base, … }`).
    pub fn value(&self) -> minijinja::Value {
        minijinja::Value::from_serialize(self)
    }
}
