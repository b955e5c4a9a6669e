//! Templates, embedded in the binary and compiled once at start.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use minijinja::value::Value;
use minijinja::{Environment, State};

use serde::Serialize;

use crate::i18n::{self, Lang};
use crate::layout::{Base, PageContext};

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../templates/", $name)))),*]
    };
}

const TEMPLATES: &[(&str, &str)] = embed!(
    "layout.html",
    "accounts/login.html",
    "accounts/account.html",
    "accounts/users.html",
    "accounts/user.html",
    "audit/list.html",
    "org_units/list.html",
    "org_units/table.html",
    "org_units/validity.html",
    "org_units/show.html",
    "org_units/unit_fields.html",
    "org_units/edit.html",
    "form_error.html",
    "models/list.html",
    "models/show.html",
    "certification/list.html",
    "certification/show.html",
    "certification/new.html",
    "certification/summary.html",
    "certification/criteria.html",
    "certification/publish.html",
    "forces/summary.html",
    "forces/list.html",
    "forces/new.html",
    "forces/show.html",
    "forces/person.html",
    "forces/rules.html",
    "forces/import.html",
    "training/summary.html",
    "training/list.html",
    "training/new.html",
    "training/show.html",
    "training/courses.html",
    "training/refreshers.html",
    "documents/list.html",
    "documents/form.html",
    "documents/show.html",
    "documents/linked.html",
    "partners/list.html",
    "partners/show.html",
    "programs/list.html",
    "programs/new.html",
    "programs/show.html",
    "directives/list.html",
    "directives/new.html",
    "directives/show.html",
    "directives/tasks.html",
    "directives/task.html",
    "commendations/list.html",
    "commendations/new.html",
    "commendations/show.html",
    "commendations/summary.html",
    "events/list.html",
    "events/calendar.html",
    "events/new.html",
    "events/show.html",
    "events/festivals.html",
    "events/festival_new.html",
    "events/pledges.html",
    "events/pledge_new.html",
    "events/pledge.html",
    "reviews/list.html",
    "reviews/new.html",
    "reviews/show.html",
    "reviews/versions.html",
    "tips/report.html",
    "tips/filed.html",
    "tips/follow.html",
    "tips/list.html",
    "tips/show.html",
    "tips/keys.html",
    "models/form.html",
    "models/matrix.html",
    "models/import.html",
    "models/types.html",
    "models/type.html",
    "models/type_fields.html",
    "models/source.html",
    "models/type_hide.html",
    "models/types_import.html",
    "models/fields.html",
    "statistics/overview.html",
    "statistics/inbox.html",
    "home.html",
    "statistics/entry.html",
    "statistics/analytics.html",
    "statistics/dashboard.html",
    "statistics/definitions.html",
    "statistics/import.html",
    "statistics/definition.html",
    "uploads/errors.html",
    "uploads/preview.html",
);

pub struct Templates {
    env: Environment<'static>,
}

/// `t("key")`: the catalogue text in the page's language (`lang`).
fn translate(state: &State, key: &str) -> String {
    let lang = state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::parse))
        .unwrap_or_default();
    i18n::text(lang, key).to_string()
}

/// `YYYY-MM-DD…` → `dd/mm/yyyy`; anything else unchanged (and escaped).
/// Formatted dates hold only digits and `/`, so they are marked safe
/// rather than escaped into `&#x2f;`.
fn vndate(v: Value) -> Value {
    let s = v.to_string();
    match chrono::NaiveDate::parse_from_str(s.get(..10).unwrap_or(""), "%Y-%m-%d") {
        Ok(d) => Value::from_safe_string(domain::time::show_date(d)),
        Err(_) => Value::from(s),
    }
}

/// An RFC 3339 timestamp → `dd/mm/yyyy HH:MM` in Vietnam time.
fn vntime(v: Value) -> Value {
    let s = v.to_string();
    match chrono::DateTime::parse_from_rfc3339(&s) {
        Ok(t) => {
            Value::from_safe_string(domain::time::show_timestamp(t.with_timezone(&chrono::Utc)))
        }
        Err(_) => Value::from(s),
    }
}

/// A whole number with Vietnamese thousands dots (`12.345`); anything else
/// unchanged.
fn num(v: Value) -> Value {
    if v.is_none() || v.is_undefined() {
        return Value::from("");
    }
    match i64::try_from(v.clone()) {
        Ok(n) => Value::from_safe_string(domain::reviews::number(n as f64)),
        // Figures of reviews and rates: whole ones as counts, others with
        // a decimal comma.
        Err(_) => match f64::try_from(v.clone()) {
            Ok(f) if f.is_finite() => Value::from_safe_string(domain::reviews::number(f)),
            _ => v,
        },
    }
}

impl Templates {
    pub fn load() -> Result<Self, String> {
        let mut env = Environment::new();
        // Tests and the verification harness run debug builds: there a
        // template that reads something its page does not have fails. A
        // release shows it as empty rather than fail an officer's page.
        env.set_undefined_behavior(if cfg!(debug_assertions) {
            minijinja::UndefinedBehavior::Strict
        } else {
            minijinja::UndefinedBehavior::Lenient
        });
        for (name, src) in TEMPLATES {
            env.add_template(name, src)
                .map_err(|e| format!("{name}: {e}"))?;
        }
        env.add_function("t", translate);
        env.add_filter("vndate", vndate);
        env.add_filter("vntime", vntime);
        env.add_filter("num", num);
        Ok(Self { env })
    }

    /// Renders a signed-in page: the layout's `Base` and the page's own
    /// context, in the template the page names.
    pub fn page<P: PageContext>(&self, base: &Base, page: &P) -> Response {
        #[derive(Serialize)]
        struct Whole<'a, P> {
            #[serde(flatten)]
            base: &'a Base<'a>,
            #[serde(flatten)]
            page: &'a P,
        }
        let ctx = Value::from_serialize(Whole { base, page });
        self.render(P::TEMPLATE, base.language, ctx)
    }

    /// Renders a page shown before anyone signs in (login): its context
    /// carries what the layout reads itself.
    pub fn public_page<P: PageContext>(&self, lang: Lang, page: &P) -> Response {
        self.render(P::TEMPLATE, lang, Value::from_serialize(page))
    }

    /// A refused form on a page of its own: the reason, the field, and a
    /// way back (400). Other refusals (404, 403 …) get their error page.
    pub fn refused(&self, base: &Base, e: crate::error::ApiError, back: &str) -> Response {
        if e.status != StatusCode::BAD_REQUEST {
            return crate::error::page_error(base.language, e);
        }
        let page = crate::layout::Refused {
            error: e.into(),
            back,
        };
        let mut res = self.page(base, &page);
        with_status(&mut res, StatusCode::BAD_REQUEST);
        res
    }

    /// Renders a template; a template error is logged and shown as a 500 page.
    pub fn render(&self, name: &str, lang: Lang, ctx: Value) -> Response {
        let result = self.env.get_template(name).and_then(|t| t.render(ctx));
        match result {
            Ok(html) => Html(html).into_response(),
            Err(e) => {
                tracing::error!(template = name, error = %e, "template failed");
                crate::error::PageError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    lang,
                    "error.internal",
                )
                .into_response()
            }
        }
    }
}

/// Gives a rendered page its status (400 for a form sent back with its
/// errors …), unless rendering failed: that 500 must stand, not pass for
/// a page answered.
pub fn with_status(res: &mut Response, status: StatusCode) {
    if res.status().is_success() {
        *res.status_mut() = status;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_file_is_embedded_and_compiles() {
        let t = Templates::load().unwrap();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut stack = vec![dir.clone()];
        while let Some(p) = stack.pop() {
            if p.is_dir() {
                stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
            } else {
                let name = p
                    .strip_prefix(&dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                assert!(t.env.get_template(&name).is_ok(), "{name} is not embedded");
            }
        }
        // A name ending in .html: escaped like the real templates.
        let out = t
            .env
            .template_from_named_str(
                "check.html",
                "{{ d | vndate }}|{{ x | vndate }}|{{ ts | vntime }}",
            )
            .unwrap()
            .render(
                minijinja::context! { d => "2025-07-01", x => "<b>", ts => "2025-06-30T17:05:00Z" },
            )
            .unwrap();
        assert_eq!(out, "01/07/2025|&lt;b&gt;|01/07/2025 00:05");
    }

    /// What the page types promise: a template that reads a field its
    /// page does not have fails (in the debug builds that tests run).
    #[test]
    fn reading_a_field_the_page_lacks_fails() {
        let t = Templates::load().unwrap();
        let render = |src: &str| {
            t.env
                .template_from_str(src)
                .unwrap()
                .render(minijinja::context! { form => minijinja::context! { name => "x" } })
        };
        assert_eq!(render("{{ form.name }}").unwrap(), "x");
        assert!(render("{{ form.nmae }}").is_err());
        assert!(render("{% if missing %}y{% endif %}").is_err());
    }
}
