//! Every route × every role × a unit in scope and one out of scope: the
//! answer each must get. A route missing from `expect` fails the test, so a
//! new route cannot ship without a rule. A rule names the action a route
//! takes; who may take it is asked of `domain::policy` (whose own test
//! writes the rights out), so the server is checked against the policy.

use axum::http::{Method, StatusCode};
use domain::accounts::Role;
use domain::catalogue::Owner;
use domain::policy::{self, Action, Decision, Target};
use serde_json::{json, Value};

use crate::harness::{routes, App, Client};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// 2xx, or a redirect to the route's own target (`redirect_target`).
    /// A redirect anywhere else (to /login above all: the session was not
    /// taken) is not allowed.
    Allowed,
    /// 400: the role may do this, the input is refused (used to test write
    /// routes without writing). Never 401: every request here is signed in.
    Invalid,
    Forbidden,
    /// 404: out of scope is indistinguishable from absent.
    Hidden,
    /// 409: allowed, but the record is not in a state for it (the
    /// certificate of a case not certified yet).
    Conflict,
    /// A change to one's own account with a wrong current password: 400,
    /// or 429 once the wrong ones reach the login limits (they count).
    WrongPassword,
}
use Outcome::*;

const ROLES: [&str; 5] = ["admin", "tinh", "phuong", "doitac", "lanhdao"];

/// The test accounts' roles (`harness::App`).
fn role_of(user: &str) -> Role {
    match user {
        "admin" => Role::Admin,
        "tinh" => Role::ProvinceStaff,
        "phuong" => Role::CommuneOfficer,
        "doitac" => Role::Partner,
        _ => Role::Viewer,
    }
}

/// The policy's decision for `user` taking `action` (`None`: reading) on
/// the unit in scope or the one outside it.
fn decide(user: &str, action: Option<Action>, in_scope: bool) -> Decision {
    let target = if in_scope {
        Target::InScope
    } else {
        Target::OutOfScope
    };
    policy::decide(role_of(user), action, target)
}

/// A page or list the role may open or not, wherever its scope.
fn page(user: &str, action: Action) -> Outcome {
    if policy::allows(role_of(user), action) {
        Allowed
    } else {
        Forbidden
    }
}

/// A change to a national catalogue entry, as the policy decides it for
/// `user` (where a user works does not matter for a national entry).
fn national_entry_write(user: &str, action: Action) -> Outcome {
    match policy::decide_catalogue(role_of(user), action, Owner::National, &[]) {
        Decision::Forbidden => Forbidden,
        Decision::NotFound => Hidden,
        Decision::Allow => Invalid,
    }
}

/// What `role` gets on `method path`, for the unit in scope or not. Units:
/// a village of Phường Nam Định (in every Ninh Bình scope) and one of
/// Phường Ba Đình, Hà Nội (in none but the admin's).
fn expect(method: &Method, path: &str, role: &str, in_scope: bool) -> Option<Outcome> {
    let unit_read = match decide(role, None, in_scope) {
        Decision::NotFound => Hidden,
        _ => Allowed,
    };
    // Roles that may not take the action are refused before any lookup
    // (403 for any id, so it tells nothing); the others get 404 outside
    // their scope, and 400 for the empty input sent here.
    let unit_write = |a: Action| match decide(role, Some(a), in_scope) {
        Decision::Forbidden => Forbidden,
        Decision::NotFound => Hidden,
        Decision::Allow => Invalid,
    };
    // Writes naming units in the body: out of scope is "not found" (400).
    let body_write = |a: Action| match page(role, a) {
        Allowed => Invalid,
        o => o,
    };
    Some(match (method.as_str(), path) {
        (
            "GET",
            "/"
            | "/org-units"
            | "/account"
            | "/api/v1/org-units"
            | "/api/v1/openapi.json"
            | "/api/docs"
            | "/api/v1/auth/sessions",
        ) => Allowed,
        // `{file}` is `app.css` here, which the API docs do not have (the
        // security test fetches their real files).
        ("GET", "/api/docs/{file}") => Hidden,
        ("GET", "/healthz" | "/login" | "/lang" | "/static/{file}" | "/favicon.ico") => Allowed,
        // Only for scrapers on the server itself (the security test); these
        // requests come from no address at all.
        ("GET", "/metrics") => Hidden,
        // Failed logins are throttled per address: checked once, in the
        // security test, not 20 times here.
        ("POST", "/login" | "/api/v1/auth/login") => return None,
        (
            "POST",
            "/account/password"
            | "/api/v1/auth/password"
            | "/account/sessions/end"
            | "/api/v1/auth/sessions/end"
            | "/account/totp/start"
            | "/api/v1/auth/totp/start"
            | "/account/totp/disable"
            | "/api/v1/auth/totp/disable",
        ) => WrongPassword,
        ("POST", "/account/totp/confirm" | "/api/v1/auth/totp/confirm") => Invalid,
        // Logging out is checked last, on its own.
        ("POST", "/logout" | "/api/v1/auth/logout") => return None,
        ("GET", "/org-units/{id}" | "/api/v1/org-units/{id}") => unit_read,
        ("GET", "/org-units/{id}/edit") => match unit_write(Action::ManageOrgUnits) {
            Invalid => Allowed,
            o => o,
        },
        ("POST", "/org-units/{id}/edit") | ("PATCH", "/api/v1/org-units/{id}") => {
            unit_write(Action::ManageOrgUnits)
        }
        (
            "POST",
            "/org-units"
            | "/api/v1/org-units"
            | "/org-units/merge"
            | "/api/v1/org-units/merge"
            | "/org-units/split"
            | "/api/v1/org-units/split",
        ) => body_write(Action::ManageOrgUnits),
        ("GET", "/users" | "/api/v1/users" | "/users/{id}" | "/api/v1/users/{id}") => {
            page(role, Action::ManageUsers)
        }
        ("POST", "/users" | "/users/{id}" | "/api/v1/users") | ("PATCH", "/api/v1/users/{id}") => {
            body_write(Action::ManageUsers)
        }
        ("GET", "/audit" | "/api/v1/audit") => page(role, Action::ReadAudit),
        // Models: read within scope; writes by role, then scope.
        ("GET", "/models" | "/api/v1/models" | "/models/matrix" | "/api/v1/models/matrix") => {
            Allowed
        }
        (
            "GET",
            "/model-types"
            | "/api/v1/model-types"
            | "/model-types/{id}"
            | "/api/v1/model-types/{id}",
        ) => Allowed,
        ("GET", "/model-types/import") => page(role, Action::ManageModelTypes),
        // Fields and kinds of place: read by all, kept with the types.
        ("GET", "/model-types/fields" | "/api/v1/model-fields" | "/api/v1/place-kinds") => Allowed,
        (
            "POST",
            "/model-fields" | "/api/v1/model-fields" | "/place-kinds" | "/api/v1/place-kinds",
        ) => body_write(Action::ManageModelTypes),
        // The entry asked about is national (`residential`, `school`).
        ("POST", "/model-fields/{code}" | "/place-kinds/{code}")
        | ("PATCH", "/api/v1/model-fields/{code}" | "/api/v1/place-kinds/{code}") => {
            national_entry_write(role, Action::ManageModelTypes)
        }
        ("POST", "/model-types" | "/api/v1/model-types")
        | (
            "POST",
            "/model-types/import" | "/api/v1/model-types/import" | "/model-types/import/confirm",
        )
        | ("POST", "/model-types/{id}/hidden")
        | ("PUT", "/api/v1/model-types/{id}/hidden") => body_write(Action::ManageModelTypes),
        // The type asked about is national: only its keepers change it.
        ("POST", "/model-types/{id}") | ("PATCH", "/api/v1/model-types/{id}") => {
            national_entry_write(role, Action::ManageModelTypes)
        }
        (
            "GET",
            "/models/{id}"
            | "/api/v1/models/{id}"
            | "/api/v1/models/{id}/status"
            | "/api/v1/models/{id}/ratings"
            | "/api/v1/models/{id}/activities"
            | "/api/v1/models/{id}/replicas",
        ) => unit_read,
        ("GET", "/models/new" | "/models/import") => page(role, Action::ManageModels),
        (
            "POST",
            "/models"
            | "/api/v1/models"
            | "/models/import"
            | "/api/v1/models/import"
            | "/models/import/confirm",
        ) => body_write(Action::ManageModels),
        ("GET", "/models/{id}/edit") => match unit_write(Action::ManageModels) {
            Invalid => Allowed,
            o => o,
        },
        ("POST", "/models/{id}/edit" | "/models/{id}/status" | "/api/v1/models/{id}/status")
        | ("PATCH", "/api/v1/models/{id}") => unit_write(Action::ManageModels),
        ("POST", "/models/{id}/ratings" | "/api/v1/models/{id}/ratings") => {
            unit_write(Action::RateModels)
        }
        ("POST", "/models/{id}/activities" | "/api/v1/models/{id}/activities") => {
            unit_write(Action::LogModelActivities)
        }
        // Statistics: definitions read by all, written by admins and
        // province staff; figures entered by managers within scope; the
        // pivot read within scope. Forms are named by a village here, and
        // villages enter no default data set: not found, in scope or not.
        (
            "GET",
            "/statistics"
            | "/statistics/analytics"
            | "/statistics/dashboard"
            | "/statistics/definitions"
            | "/api/v1/indicators"
            | "/api/v1/indicators/{id}"
            | "/api/v1/data-sets"
            | "/api/v1/data-sets/{id}"
            | "/api/v1/validation-rules",
        ) => Allowed,
        // Shares of a split unit: read within scope, set by admins and
        // province staff (an empty form clears nothing: allowed).
        ("GET", "/api/v1/org-units/{id}/shares") => unit_read,
        ("PUT", "/api/v1/org-units/{id}/shares") | ("POST", "/org-units/{id}/shares") => {
            match unit_write(Action::ManageStatistics) {
                Invalid if *method != Method::PUT => Allowed,
                o => o,
            }
        }
        // The definition forms: shown to admins and province staff only; an
        // empty form is refused.
        (
            "GET",
            "/statistics/indicators/new"
            | "/statistics/indicators/{id}"
            | "/statistics/data-sets/new"
            | "/statistics/data-sets/{id}"
            | "/statistics/validation-rules/new"
            | "/statistics/validation-rules/{id}",
        ) => page(role, Action::ManageStatistics),
        (
            "POST",
            "/statistics/indicators" | "/statistics/data-sets" | "/statistics/validation-rules",
        )
        | ("POST", "/api/v1/indicators" | "/api/v1/data-sets" | "/api/v1/validation-rules")
        | ("POST", "/statistics/hidden")
        | (
            "PUT",
            "/api/v1/indicators/{id}/hidden"
            | "/api/v1/data-sets/{id}/hidden"
            | "/api/v1/validation-rules/{id}/hidden",
        ) => body_write(Action::ManageStatistics),
        // The entry asked about (the first of each) is national: only its
        // keepers change it.
        (
            "POST",
            "/statistics/indicators/{id}"
            | "/statistics/data-sets/{id}"
            | "/statistics/validation-rules/{id}",
        )
        | (
            "PATCH",
            "/api/v1/indicators/{id}" | "/api/v1/data-sets/{id}" | "/api/v1/validation-rules/{id}",
        ) => national_entry_write(role, Action::ManageStatistics),
        ("GET", "/statistics/entry" | "/api/v1/data-values" | "/api/v1/approvals") => Hidden,
        ("GET", "/api/v1/completeness" | "/api/v1/analytics") => unit_read,
        (
            "POST",
            "/api/v1/data-values"
            | "/api/v1/data-values/import"
            | "/statistics/import"
            | "/statistics/import/confirm",
        ) => body_write(Action::EnterFigures),
        ("GET", "/statistics/import") => page(role, Action::EnterFigures),
        // The period's sheet under a unit: read within scope.
        ("GET", "/statistics/import/template") => unit_read,
        // A village enters no default data set: its form is not found.
        ("POST", "/api/v1/approvals" | "/statistics/entry" | "/statistics/approval") => {
            match page(role, Action::EnterFigures) {
                Allowed => Hidden,
                o => o,
            }
        }
        // The home page: everyone's own.
        ("GET", "/home" | "/api/v1/home") => Allowed,
        // The approvals inbox: for those who approve; nothing ticked is refused.
        ("GET", "/statistics/approvals" | "/api/v1/approvals/waiting") => {
            page(role, Action::EnterFigures)
        }
        ("POST", "/statistics/approvals") => body_write(Action::EnterFigures),
        // Anyone may keep a pivot; an empty one is refused.
        ("POST", "/statistics/pivots") => Invalid,
        ("POST", "/statistics/pivots/{id}/delete") => Hidden,
        // Certification: read within scope; steps by role, then scope.
        (
            "GET",
            "/certifications"
            | "/certifications/summary"
            | "/certifications/criteria"
            | "/api/v1/certifications"
            | "/api/v1/certification-summary"
            | "/api/v1/certification-criteria",
        ) => Allowed,
        ("POST", "/api/v1/certification-criteria" | "/certifications/criteria") => {
            body_write(Action::ManageCertificationCriteria)
        }
        ("GET", "/certifications/criteria/new") => page(role, Action::ManageCertificationCriteria),
        ("GET", "/certifications/new") => page(role, Action::Certify),
        ("POST", "/certifications" | "/api/v1/certifications") => body_write(Action::Certify),
        // Nothing is certified this year: nothing to print, for anyone.
        ("GET", "/api/v1/certifications/certificates.pdf") => Conflict,
        ("GET", "/certifications/{id}" | "/api/v1/certifications/{id}") => unit_read,
        // The case is registered: no certificate yet.
        ("GET", "/api/v1/certifications/{id}/certificate.pdf") => match unit_read {
            Allowed => Conflict,
            o => o,
        },
        // No such evidence file, in any case.
        ("GET", "/api/v1/certifications/{id}/evidence/{evidence_id}") => Hidden,
        (
            "POST",
            "/certifications/{id}/step"
            | "/certifications/{id}/evidence"
            | "/api/v1/certifications/{id}/assess"
            | "/api/v1/certifications/{id}/submit"
            | "/api/v1/certifications/{id}/review"
            | "/api/v1/certifications/{id}/return"
            | "/api/v1/certifications/{id}/evidence",
        ) => unit_write(Action::Certify),
        ("POST", "/api/v1/certifications/{id}/decide" | "/api/v1/certifications/{id}/revoke") => {
            unit_write(Action::DecideCertification)
        }
        ("PUT", "/api/v1/org-units/{id}/certification-exemption")
        | ("POST", "/org-units/{id}/certification-exemption") => unit_write(Action::Certify),
        // Security teams: read within scope; writes by role, then scope.
        (
            "GET",
            "/api/v1/security-teams" | "/api/v1/team-size-rules" | "/api/v1/forces-summary",
        ) => Allowed,
        ("POST", "/api/v1/security-teams") => body_write(Action::ManageForces),
        ("POST", "/api/v1/team-size-rules") => body_write(Action::ManageTeamSizeRules),
        ("GET", "/api/v1/security-teams/{id}" | "/api/v1/security-teams/{id}/members") => unit_read,
        (
            "POST",
            "/api/v1/security-teams/{id}/dissolve" | "/api/v1/security-teams/{id}/members",
        )
        | ("PUT", "/api/v1/org-units/{id}/area-marks" | "/api/v1/org-units/{id}/households") => {
            unit_write(Action::ManageForces)
        }
        // No such membership or person, in any team.
        ("POST", "/api/v1/security-teams/{id}/members/{member_id}/end") => {
            match page(role, Action::ManageForces) {
                Allowed => Hidden,
                o => o,
            }
        }
        (
            "GET",
            "/api/v1/security-teams/{id}/members/{member_id}/eligibility"
            | "/api/v1/people/{id}"
            | "/people/{id}",
        ) => Hidden,
        ("GET", "/forces" | "/security-teams" | "/team-size-rules") => Allowed,
        // Training: read within scope; writes by role, then scope.
        ("GET", "/api/v1/courses" | "/api/v1/classes" | "/api/v1/training-summary") => Allowed,
        ("POST", "/api/v1/courses") => body_write(Action::ManageCourses),
        ("POST", "/api/v1/classes") => body_write(Action::ManageTraining),
        (
            "GET",
            "/api/v1/classes/{id}"
            | "/api/v1/classes/{id}/enrolments"
            | "/api/v1/classes/{id}/attendance",
        ) => unit_read,
        (
            "POST",
            "/api/v1/classes/{id}/enrolments"
            | "/api/v1/classes/{id}/attendance"
            | "/api/v1/classes/{id}/enrolments/{enrolment_id}/result",
        ) => unit_write(Action::ManageTraining),
        ("GET", "/api/v1/people/{id}/training") => Hidden,
        ("GET", "/api/v1/security-teams/roster-template") => Allowed,
        ("GET", "/security-teams/import") => page(role, Action::ManageForces),
        (
            "POST",
            "/api/v1/security-teams/import"
            | "/security-teams/import"
            | "/security-teams/import/confirm",
        ) => body_write(Action::ManageForces),
        ("GET", "/security-teams/new") => page(role, Action::ManageForces),
        ("POST", "/security-teams") => body_write(Action::ManageForces),
        ("POST", "/team-size-rules") => body_write(Action::ManageTeamSizeRules),
        ("GET", "/security-teams/{id}") => unit_read,
        (
            "POST",
            "/security-teams/{id}/members"
            | "/security-teams/{id}/dissolve"
            | "/org-units/{id}/area-marks"
            | "/org-units/{id}/households",
        ) => unit_write(Action::ManageForces),
        ("POST", "/security-teams/{id}/members/{member_id}/end") => {
            match page(role, Action::ManageForces) {
                Allowed => Hidden,
                o => o,
            }
        }
        ("GET", "/training" | "/classes" | "/courses" | "/refreshers-due")
        | ("GET", "/api/v1/refreshers-due") => Allowed,
        ("GET", "/classes/new") => page(role, Action::ManageTraining),
        ("POST", "/classes") => body_write(Action::ManageTraining),
        ("POST", "/courses") => body_write(Action::ManageCourses),
        ("GET", "/classes/{id}") => unit_read,
        // A trainee not in the class is refused as the API refuses it.
        (
            "POST",
            "/classes/{id}/enrolments"
            | "/classes/{id}/attendance"
            | "/classes/{id}/enrolments/{enrolment_id}/result",
        ) => unit_write(Action::ManageTraining),
        ("GET", "/api/v1/classes/{id}/attendance.xlsx") => unit_read,
        (
            "POST",
            "/api/v1/classes/{id}/attendance/upload"
            | "/classes/{id}/attendance/upload"
            | "/api/v1/classes/{id}/enrolments/upload"
            | "/classes/{id}/enrolments/upload",
        ) => unit_write(Action::ManageTraining),
        ("GET", "/api/v1/classes/trainee-template") => Allowed,
        // Documents: a commune's, read from it, above and below it; written
        // by role, then scope. A file or link that does not exist: 404/400.
        ("GET", "/documents" | "/api/v1/documents") => Allowed,
        ("GET", "/documents/new") => page(role, Action::ManageDocuments),
        ("POST", "/documents" | "/api/v1/documents") => body_write(Action::ManageDocuments),
        (
            "GET",
            "/documents/{id}"
            | "/api/v1/documents/{id}"
            | "/api/v1/documents/{id}/files"
            | "/api/v1/documents/{id}/links",
        ) => unit_read,
        ("GET", "/documents/{id}/edit") => match unit_write(Action::ManageDocuments) {
            Invalid => Allowed,
            o => o,
        },
        ("PUT", "/api/v1/documents/{id}")
        | (
            "POST",
            "/documents/{id}"
            | "/api/v1/documents/{id}/files"
            | "/documents/{id}/files"
            | "/api/v1/documents/{id}/links"
            | "/documents/{id}/links",
        ) => unit_write(Action::ManageDocuments),
        // No such link: 404 (a record that is not there has none).
        ("DELETE", "/api/v1/documents/{id}/links/{kind}/{target_id}")
        | ("POST", "/documents/{id}/links/delete") => match unit_write(Action::ManageDocuments) {
            Invalid => Hidden,
            o => o,
        },
        ("GET", "/api/v1/documents/{id}/files/{file_id}") => Hidden,
        ("DELETE", "/api/v1/documents/{id}/files/{file_id}")
        | ("POST", "/documents/{id}/files/{file_id}/delete") => {
            match unit_write(Action::ManageDocuments) {
                Invalid => Hidden,
                o => o,
            }
        }
        ("PUT", "/api/v1/models/{id}/program") | ("POST", "/models/{id}/program") => {
            unit_write(Action::ManageModels)
        }
        // Partners: read like documents; written by role, then scope.
        ("GET", "/partners" | "/api/v1/partners") => Allowed,
        ("POST", "/partners" | "/api/v1/partners") => body_write(Action::ManagePartners),
        ("GET", "/partners/{id}" | "/api/v1/partners/{id}") => unit_read,
        ("PUT", "/api/v1/partners/{id}")
        | ("POST", "/api/v1/partners/{id}/end" | "/partners/{id}/end") => {
            unit_write(Action::ManagePartners)
        }
        ("POST", "/partners/{id}/accounts") | ("PUT", "/api/v1/users/{id}/organisation") => {
            body_write(Action::ManageUsers)
        }
        // Programmes: a partner's account attached to no organisation sees
        // none (404 wherever); the others read within scope.
        ("GET", "/programs" | "/api/v1/programs") => Allowed,
        ("GET", "/programs/new") => page(role, Action::ManagePrograms),
        ("POST", "/programs" | "/api/v1/programs") => body_write(Action::ManagePrograms),
        (
            "GET",
            "/programs/{id}"
            | "/api/v1/programs/{id}"
            | "/api/v1/programs/{id}/targets"
            | "/api/v1/programs/{id}/activities"
            | "/api/v1/programs/{id}/progress",
        ) => match role {
            "doitac" => Hidden,
            _ => unit_read,
        },
        ("PUT", "/api/v1/programs/{id}" | "/api/v1/programs/{id}/targets/{target_id}/progress")
        | (
            "POST",
            "/api/v1/programs/{id}/targets"
            | "/programs/{id}/targets"
            | "/programs/{id}/targets/{target_id}/progress",
        ) => unit_write(Action::ManagePrograms),
        (
            "POST",
            "/api/v1/programs/{id}/activities"
            | "/programs/{id}/activities"
            | "/api/v1/programs/{id}/activities/{activity_id}/files"
            | "/programs/{id}/activities/{activity_id}/files",
        ) => match role {
            "doitac" => Hidden,
            _ => unit_write(Action::ReportProgramActivities),
        },
        (
            "GET",
            "/api/v1/programs/{id}/activities/{activity_id}/files"
            | "/api/v1/programs/{id}/activities/{activity_id}/files/{file_id}",
        ) => Hidden,
        // Directives: read where the scope reaches the issuer or an owner;
        // issued by role, then scope (the issuing unit is in the body).
        ("GET", "/directives" | "/api/v1/directives" | "/tasks" | "/api/v1/tasks") => Allowed,
        ("GET", "/directives/new") => page(role, Action::IssueDirectives),
        ("POST", "/directives" | "/api/v1/directives") => body_write(Action::IssueDirectives),
        (
            "GET",
            "/directives/{id}"
            | "/api/v1/directives/{id}"
            | "/api/v1/directives/{id}/tasks"
            | "/tasks/{id}"
            | "/api/v1/tasks/{id}/reports"
            | "/api/v1/tasks/{id}/files",
        ) => unit_read,
        // A report or file on another unit's task: 404 before the input.
        (
            "POST",
            "/api/v1/tasks/{id}/reports"
            | "/tasks/{id}/reports"
            | "/api/v1/tasks/{id}/files"
            | "/tasks/{id}/files",
        ) => unit_write(Action::ReportTasks),
        ("GET", "/api/v1/tasks/{id}/files/{file_id}") => Hidden,
        // Commendations: read within scope; proposed (or recorded) by role,
        // the recipient named in the body; decided by role, then scope.
        (
            "GET",
            "/commendations"
            | "/api/v1/commendations"
            | "/commendations/summary"
            | "/api/v1/commendations/summary",
        ) => Allowed,
        ("GET", "/commendations/new") => page(role, Action::ProposeCommendations),
        ("POST", "/commendations" | "/api/v1/commendations") => {
            body_write(Action::ProposeCommendations)
        }
        ("GET", "/commendations/{id}" | "/api/v1/commendations/{id}") => unit_read,
        // Events, festivals and pledges: read where documents are (the
        // scope, below and above it); written by role, then scope.
        (
            "GET",
            "/events"
            | "/api/v1/events"
            | "/events/calendar"
            | "/festivals"
            | "/api/v1/festivals"
            | "/api/v1/festivals/coverage"
            | "/pledges"
            | "/api/v1/pledges",
        ) => Allowed,
        ("GET", "/events/new" | "/festivals/new" | "/pledges/new") => {
            page(role, Action::ManageEvents)
        }
        (
            "POST",
            "/events" | "/api/v1/events" | "/festivals" | "/api/v1/festivals" | "/pledges"
            | "/api/v1/pledges",
        ) => body_write(Action::ManageEvents),
        (
            "GET",
            "/events/{id}" | "/api/v1/events/{id}" | "/pledges/{id}" | "/api/v1/pledges/{id}",
        ) => unit_read,
        (
            "POST",
            "/events/{id}/photos"
            | "/api/v1/events/{id}/photos"
            | "/pledges/{id}/assessments"
            | "/api/v1/pledges/{id}/assessments",
        ) => unit_write(Action::ManageEvents),
        ("GET", "/api/v1/events/{id}/photos/{photo_id}") => Hidden,
        // Reviews: read where documents are (a commune reads the province's
        // it answers); started by role for one's own unit (named in the
        // body); written only by the unit's own level: the province's staff
        // read a commune's review and may not write it (after its input is
        // checked), and a draft has no new version (409).
        ("GET", "/reviews" | "/api/v1/reviews") => Allowed,
        ("GET", "/reviews/new") => page(role, Action::WriteReviews),
        ("POST", "/reviews" | "/api/v1/reviews") => body_write(Action::WriteReviews),
        (
            "GET",
            "/reviews/{id}"
            | "/api/v1/reviews/{id}"
            | "/api/v1/reviews/{id}/figures"
            | "/api/v1/reviews/{id}/submissions"
            | "/api/v1/reviews/{id}/sections/{section}/versions"
            | "/reviews/{id}/sections/{section}/versions"
            | "/api/v1/reviews/{id}/sections/{section}/draft"
            | "/api/v1/reviews/{id}/document.docx"
            | "/api/v1/reviews/{id}/document.pdf",
        ) => unit_read,
        ("PUT", "/api/v1/reviews/{id}/sections/{section}")
        | (
            "POST",
            "/reviews/{id}/sections/{section}"
            | "/api/v1/reviews/{id}/issue"
            | "/reviews/{id}/issue",
        ) => unit_write(Action::WriteReviews),
        ("POST", "/api/v1/reviews/{id}/versions" | "/reviews/{id}/versions") => {
            match unit_write(Action::WriteReviews) {
                Invalid if role == "tinh" => Forbidden,
                Invalid => Conflict,
                o => o,
            }
        }
        // Tips: handled by commune officers and province staff, within
        // their scope; the sender's side answers anyone alike.
        ("GET", "/api/v1/tips" | "/tips") => page(role, Action::HandleTips),
        ("POST", "/api/v1/tips" | "/tips") => body_write(Action::HandleTips),
        ("GET", "/api/v1/tips/{id}" | "/tips/{id}") => match page(role, Action::HandleTips) {
            Allowed => unit_read,
            o => o,
        },
        // A page's step without an action: bad input.
        ("POST", "/api/v1/tips/{id}/messages" | "/tips/{id}/messages" | "/tips/{id}/step") => {
            unit_write(Action::HandleTips)
        }
        // `resolve` on a new tip: not a step its state allows.
        ("POST", "/api/v1/tips/{id}/{action}") => match unit_write(Action::HandleTips) {
            Invalid => Conflict,
            o => o,
        },
        ("GET", "/api/v1/tips/{id}/files/{file_id}") => match page(role, Action::HandleTips) {
            Allowed => Hidden,
            o => o,
        },
        ("GET", "/api/v1/tip-keys" | "/tips/keys") => {
            if policy::allows(role_of(role), Action::HandleTips) {
                Allowed
            } else {
                page(role, Action::ManageUsers)
            }
        }
        // A commune officer is never a key-holder.
        ("PUT", "/api/v1/tip-keys/{id}/holder") | ("POST", "/tips/keys/{id}/holder") => {
            body_write(Action::ManageUsers)
        }
        // Nobody here is a key-holder.
        ("POST", "/api/v1/tip-keys/{id}/grant" | "/tips/keys/{id}/grant") => Forbidden,
        // The sender's side: a form that is not multipart is bad input;
        // an empty or wrong receipt opens nothing.
        ("GET", "/to-giac" | "/to-giac/theo-doi") => Allowed,
        ("POST", "/api/v1/public/tips" | "/to-giac") => Invalid,
        (
            "GET" | "POST",
            "/api/v1/public/tips/{receipt}" | "/api/v1/public/tips/{receipt}/messages",
        )
        | ("POST", "/to-giac/theo-doi" | "/to-giac/theo-doi/bo-sung") => Hidden,
        ("POST", "/commendations/{id}/decision" | "/api/v1/commendations/{id}/decision") => {
            unit_write(Action::DecideCommendations)
        }
        // Nobody in the class has passed: nothing to print.
        ("GET", "/api/v1/classes/{id}/certificates.pdf") => match unit_read {
            Allowed => Conflict,
            o => o,
        },
        _ => panic!("{method} {path} has no rule: add one to `expect`"),
    })
}

/// The one place a route that answers an allowed request with a redirect
/// sends it to, for the request's `path`; `None` for the routes that never
/// redirect an allowed request.
fn redirect_target(method: &Method, pattern: &str, path: &str) -> Option<String> {
    match (method.as_str(), pattern) {
        ("GET", "/") => Some("/home".into()),
        ("GET", "/lang") => Some("/".into()),
        ("GET", "/favicon.ico") => Some("/static/favicon.svg".into()),
        // An empty shares form clears nothing: back to the unit's page.
        ("POST", "/org-units/{id}/shares") => path.strip_suffix("/shares").map(String::from),
        _ => None,
    }
}

/// What a request got: its status, where it was sent (a redirect's
/// `Location`), and where an allowed request of its route may be sent.
#[derive(Debug)]
struct Answer {
    status: StatusCode,
    location: Option<String>,
    expected_location: Option<String>,
}

/// A request that exercises the route without changing anything for good:
/// writes carry input that is refused after the permission check.
#[allow(clippy::too_many_arguments)]
async fn call(
    c: &Client<'_>,
    method: &Method,
    pattern: &str,
    unit: i64,
    user_id: i64,
    model: i64,
    type_id: i64,
    case: i64,
    (team, class, document): (i64, i64, i64),
    (partner, program, directive, task): (i64, i64, i64, i64),
    commendation: i64,
    (event, pledge, review, tip): (i64, i64, i64, i64),
) -> Answer {
    let id = if pattern.contains("/users/") {
        user_id
    } else if pattern.contains("/models/") {
        model
    } else if pattern.contains("/model-types/") {
        type_id
    } else if pattern.contains("/certifications/") {
        case
    } else if pattern.contains("/security-teams/") {
        team
    } else if pattern.contains("/classes/") {
        class
    } else if pattern.contains("/documents/") {
        document
    } else if pattern.contains("/partners/") {
        partner
    } else if pattern.contains("/programs/") {
        program
    } else if pattern.contains("/directives/") {
        directive
    } else if pattern.contains("/tasks/") {
        task
    } else if pattern.contains("/commendations/") {
        commendation
    } else if pattern.contains("/events/") {
        event
    } else if pattern.contains("/pledges/") {
        pledge
    } else if pattern.contains("/reviews/") {
        review
    } else if pattern.contains("/tip-keys/") || pattern.contains("/tips/keys/") {
        user_id
    } else if pattern.contains("/tips/") {
        tip
    } else if pattern.contains("/people/") {
        999_999
    } else if pattern.contains("/indicators/")
        || pattern.contains("/data-sets/")
        || pattern.contains("/validation-rules/")
    {
        // The first of each in the default catalogue.
        1
    } else if pattern.contains("/pivots/") {
        999_999
    } else {
        unit
    };
    let code = if pattern.contains("place-kinds") {
        "school"
    } else {
        "residential"
    };
    let mut path = pattern
        .replace("{code}", code)
        .replace("{file}", "app.css")
        .replace("{evidence_id}", "999999")
        .replace("{member_id}", "999999")
        .replace("{enrolment_id}", "999999")
        .replace("{file_id}", "999999")
        .replace("{photo_id}", "999999")
        .replace("{activity_id}", "999999")
        .replace("{target_id}", "999999")
        .replace("{kind}", "model_type")
        .replace("{section}", "results")
        .replace("{receipt}", "0000-0000-0000-0000")
        .replace("{action}", "resolve")
        .replace("{id}", &id.to_string());
    if *method == Method::GET {
        match pattern {
            "/statistics/entry"
            | "/api/v1/data-values"
            | "/api/v1/approvals"
            | "/api/v1/completeness"
            | "/statistics/import/template" => {
                path.push_str(&format!("?data_set=1&org_unit={unit}&period=2026-01"));
            }
            "/api/v1/analytics" => {
                path.push_str(&format!("?indicators=tin_bao&periods=2026&org_unit={unit}"));
            }
            _ => {}
        }
    }
    let bad_date = "2999-01-01";
    let json_body: Value = match pattern {
        "/api/v1/org-units" => {
            json!({"level": "village", "kind": "thon", "name": "", "parent_id": unit})
        }
        "/api/v1/org-units/{id}" => json!({"name": ""}),
        "/api/v1/org-units/merge" => {
            json!({"sources": [unit, unit + 1_000_000], "date": bad_date, "name": "X"})
        }
        "/api/v1/org-units/split" => {
            json!({"source": unit, "date": bad_date, "parts": [{"name": "A"}, {"name": "B"}]})
        }
        "/api/v1/models" => {
            json!({"type_id": type_id, "org_unit_id": unit, "name": "X", "founded_on": bad_date})
        }
        "/api/v1/models/{id}" => json!({"name": ""}),
        "/api/v1/models/{id}/status" => {
            json!({"status": "paused", "date": bad_date, "reason": "X"})
        }
        "/api/v1/models/{id}/ratings" => json!({"year": 1800, "rating": "good", "rater": "X"}),
        "/api/v1/models/{id}/activities" => json!({"kind": "patrol", "description": ""}),
        "/api/v1/model-types" => json!({"code": "X", "name": "X"}),
        "/api/v1/model-types/{id}" => json!({"name": ""}),
        "/api/v1/model-fields"
        | "/api/v1/model-fields/{code}"
        | "/api/v1/place-kinds"
        | "/api/v1/place-kinds/{code}" => json!({"name": ""}),
        "/api/v1/model-types/{id}/hidden"
        | "/api/v1/indicators/{id}/hidden"
        | "/api/v1/data-sets/{id}/hidden"
        | "/api/v1/validation-rules/{id}/hidden" => json!({"hidden": "x"}),
        "/api/v1/users" => json!({"username": "x", "role": "viewer", "password": "p"}),
        "/api/v1/users/{id}" => json!({"role": "nobody"}),
        "/api/v1/auth/password" => json!({"current_password": "sai", "new_password": "ngan"}),
        "/api/v1/auth/sessions/end" => json!({"id": "khong-co"}),
        "/api/v1/auth/totp/confirm" => json!({"code": "abc"}),
        "/api/v1/auth/totp/disable" => json!({"password": "sai", "code": "abc"}),
        "/api/v1/auth/login" => json!({"username": "khong-co", "password": "sai-mat-khau-1"}),
        "/api/v1/indicators" => {
            json!({"code": "X", "name": "", "unit": "count", "aggregation": "sum"})
        }
        "/api/v1/indicators/{id}" => json!({"name": ""}),
        "/api/v1/data-sets" => {
            json!({"code": "x", "name": "", "period_type": "month", "calendar": "months", "entry": "commune", "approval_levels": [], "indicators": []})
        }
        "/api/v1/data-sets/{id}" => json!({"approval_levels": []}),
        "/api/v1/validation-rules" | "/api/v1/validation-rules/{id}" => {
            json!({"data_set": "bao_cao_thang", "expression": "tin_bao <", "severity": "error", "message": "X"})
        }
        "/api/v1/data-values" => {
            json!([{"indicator": "tin_bao", "org_unit": unit, "period": "2026-01", "value": 1}])
        }
        "/api/v1/approvals" => {
            json!({"data_set": 1, "org_unit": unit, "period": "2026-01", "action": "submit"})
        }
        "/api/v1/certification-criteria" => json!({"kind": "residential", "from_year": 1999}),
        "/api/v1/certifications" => json!({"org_unit_ids": [unit], "registered_on": bad_date}),
        "/api/v1/certifications/{id}/assess" => json!({"answers": []}),
        "/api/v1/certifications/{id}/submit"
        | "/api/v1/certifications/{id}/review"
        | "/api/v1/certifications/{id}/return" => json!({"on": bad_date}),
        "/api/v1/certifications/{id}/decide" => json!({"classification": "x"}),
        "/api/v1/certifications/{id}/revoke" => json!({"reason": ""}),
        "/api/v1/org-units/{id}/certification-exemption" => json!({"category": "school_primary"}),
        "/api/v1/reviews" => {
            json!({"kind": "final", "subject": "X", "org_unit_id": unit, "from": "2026", "to": "2020"})
        }
        "/api/v1/reviews/{id}/sections/{section}" => json!({"body": "x\u{1}"}),
        "/api/v1/reviews/{id}/issue" => json!({"number": "BC"}),
        "/api/v1/tips/{id}/messages" => json!({"kind": "reply", "text": ""}),
        "/api/v1/tip-keys/{id}/holder" => json!({"holder": true}),
        "/api/v1/security-teams" => {
            json!({"org_unit_id": unit, "established_on": bad_date, "decision_no": "X"})
        }
        "/api/v1/security-teams/{id}/dissolve" => json!({"ended_on": bad_date, "reason": "X"}),
        "/api/v1/security-teams/{id}/members" => json!({"person_id": 1, "role": "x"}),
        "/api/v1/security-teams/{id}/members/{member_id}/end" => {
            json!({"end_on": "2026-01-01", "reason": "moved"})
        }
        "/api/v1/team-size-rules" => json!({"province_id": unit, "min_members": 0}),
        "/api/v1/courses" => json!({"name": ""}),
        "/api/v1/classes" => json!({"organiser_unit_id": unit, "starts_on": bad_date}),
        "/api/v1/classes/{id}/enrolments" => json!({}),
        "/api/v1/classes/{id}/attendance" => {
            json!([{"enrolment_id": 999999, "session_on": "2026-01-05", "present": true}])
        }
        "/api/v1/classes/{id}/enrolments/{enrolment_id}/result" => json!({"score": 5}),
        "/api/v1/documents" | "/api/v1/documents/{id}" => {
            json!({"kind": "chi_thi", "number": "1/CT", "issued_on": bad_date})
        }
        "/api/v1/documents/{id}/links" => json!({"kind": "model_type", "id": 999999}),
        "/api/v1/partners" | "/api/v1/partners/{id}" => json!({"kind": "mttq", "name": ""}),
        "/api/v1/partners/{id}/end" => json!({"ended_on": bad_date}),
        "/api/v1/users/{id}/organisation" => json!({"organisation_id": 999999}),
        "/api/v1/models/{id}/program" => json!({"program_id": 999999}),
        "/api/v1/programs" | "/api/v1/programs/{id}" => json!({"name": "X", "partners": []}),
        "/api/v1/programs/{id}/targets" => json!({"name": "X", "source": "x"}),
        "/api/v1/programs/{id}/targets/{target_id}/progress" => json!({}),
        "/api/v1/programs/{id}/activities" => json!({"held_on": bad_date, "kind": "hoi_nghi"}),
        "/api/v1/org-units/{id}/area-marks" => json!({"marks": ["x"]}),
        "/api/v1/org-units/{id}/households" => json!({"year": 1800, "households": 1}),
        _ => json!({}),
    };
    let unit_s = unit.to_string();
    let form: Vec<(&str, &str)> = match pattern {
        "/org-units" => vec![
            ("level", "village"),
            ("kind", "thon"),
            ("name", ""),
            ("parent_id", &unit_s),
        ],
        "/org-units/{id}/edit" => vec![("name", ""), ("kind", "thon")],
        "/org-units/merge" => vec![
            ("sources", &unit_s),
            ("sources", "999999999"),
            ("date", bad_date),
            ("name", "X"),
        ],
        "/org-units/split" => vec![("source", &unit_s), ("date", bad_date), ("parts", "A\nB")],
        "/models" => vec![
            ("name", "X"),
            ("org_unit_id", &unit_s),
            ("founded_on", bad_date),
        ],
        "/models/{id}/edit" => vec![("name", "")],
        "/certifications" => vec![("units", &unit_s), ("registered_on", bad_date)],
        "/certifications/{id}/step" => vec![("step", "submit"), ("on", bad_date)],
        "/certifications/criteria" => vec![
            ("kind", "residential"),
            ("from_year", "1999"),
            ("lines", "1"),
            ("code_0", "A"),
        ],
        "/security-teams" => vec![("org_unit_id", &unit_s), ("established_on", bad_date)],
        "/security-teams/{id}/members" => vec![("person_id", "1"), ("role", "x")],
        "/security-teams/{id}/dissolve" => vec![("ended_on", bad_date), ("reason", "X")],
        "/security-teams/{id}/members/{member_id}/end" => {
            vec![("end_on", "2026-01-01"), ("reason", "moved")]
        }
        "/team-size-rules" => vec![("province", &unit_s), ("min_members", "0")],
        "/courses" => vec![("name", "")],
        "/classes" => vec![
            ("course_id", "1"),
            ("organiser_unit_id", &unit_s),
            ("starts_on", bad_date),
        ],
        "/classes/{id}/enrolments" => vec![],
        "/classes/{id}/attendance" => vec![("day", bad_date)],
        "/classes/{id}/enrolments/{enrolment_id}/result" => vec![("score", "5")],
        "/documents" | "/documents/{id}" => vec![
            ("kind", "chi_thi"),
            ("number", "1/CT"),
            ("issued_on", bad_date),
        ],
        "/documents/{id}/links" | "/documents/{id}/links/delete" => {
            vec![("target", "model_type:999999")]
        }
        "/partners" => vec![("kind", "mttq"), ("name", "")],
        "/partners/{id}/end" => vec![("ended_on", bad_date)],
        "/partners/{id}/accounts" => vec![("username", "khong-co")],
        "/models/{id}/program" => vec![("program_id", "999999")],
        "/programs" => vec![("name", "X")],
        "/programs/{id}/targets" => vec![("name", "X"), ("source", "x")],
        "/programs/{id}/targets/{target_id}/progress" => vec![("value", "")],
        "/programs/{id}/activities" => vec![("held_on", bad_date), ("kind", "hoi_nghi")],
        "/org-units/{id}/area-marks" => vec![("marks", "x")],
        "/org-units/{id}/households" => vec![("year", "1800"), ("households", "1")],
        "/org-units/{id}/certification-exemption" => {
            vec![("category", "school_primary"), ("from_year", "1800")]
        }
        "/models/{id}/status" => vec![("status", "paused"), ("date", bad_date), ("reason", "X")],
        "/models/{id}/ratings" => vec![("year", "1800"), ("rating", "good"), ("rater", "X")],
        "/models/{id}/activities" => vec![("kind", "patrol"), ("description", "")],
        "/model-types" | "/model-types/{id}" => vec![("code", "X"), ("name", "")],
        "/model-types/{id}/hidden" => vec![("hidden", "x")],
        "/model-fields" | "/model-fields/{code}" | "/place-kinds" | "/place-kinds/{code}" => {
            vec![("name", "")]
        }
        "/users" => vec![("username", "x"), ("role", "viewer"), ("password", "p")],
        "/users/{id}" => vec![("display_name", ""), ("role", "viewer")],
        "/account/password" => vec![
            ("current_password", "sai"),
            ("new_password", "ngan"),
            ("confirm_password", "ngan"),
        ],
        "/account/sessions/end" => vec![("session", "khong-co")],
        "/account/totp/confirm" => vec![("code", "abc")],
        "/account/totp/disable" => vec![("password", "sai"), ("code", "abc")],
        "/login" => vec![("username", "khong-co"), ("password", "sai-mat-khau-1")],
        "/statistics/entry" => vec![
            ("data_set", "1"),
            ("org_unit", &unit_s),
            ("period", "2026-01"),
            ("v_tin_bao", "1"),
        ],
        "/statistics/approval" => vec![
            ("data_set", "1"),
            ("org_unit", &unit_s),
            ("period", "2026-01"),
            ("action", "submit"),
        ],
        "/statistics/pivots" => vec![("name", ""), ("query", "")],
        "/reviews" => vec![
            ("kind", "final"),
            ("subject", "X"),
            ("from", "2026"),
            ("to", "2020"),
        ],
        "/reviews/{id}/sections/{section}" => vec![("body", "x\u{1}")],
        "/reviews/{id}/issue" => vec![("number", "BC")],
        _ => vec![],
    };
    let res = if *method == Method::GET {
        c.get(&path).await
    } else if pattern.starts_with("/api/") {
        c.write(method.clone(), &path, json_body).await
    } else {
        c.form(&path, &form).await
    };
    Answer {
        status: res.status,
        location: res
            .headers
            .get(axum::http::header::LOCATION)
            .map(|l| l.to_str().unwrap_or("(not text)").to_string()),
        expected_location: redirect_target(method, pattern, &path),
    }
}

fn matches(outcome: Outcome, answer: &Answer) -> bool {
    let status = answer.status;
    match outcome {
        Allowed => {
            status.is_success()
                || (status.is_redirection()
                    && answer.location.is_some()
                    && answer.location == answer.expected_location)
        }
        Invalid => status == StatusCode::BAD_REQUEST,
        Forbidden => status == StatusCode::FORBIDDEN,
        Hidden => status == StatusCode::NOT_FOUND,
        Conflict => status == StatusCode::CONFLICT,
        WrongPassword => {
            status == StatusCode::BAD_REQUEST || status == StatusCode::TOO_MANY_REQUESTS
        }
    }
}

#[tokio::test]
async fn every_route_for_every_role_in_and_out_of_scope() {
    for app in App::all().await {
        let l = app.label();
        let admin = app.login("admin").await;
        let mut villages = Vec::new();
        for parent in [app.ward, app.ba_dinh] {
            let r = admin
                .write(Method::POST, "/api/v1/org-units", json!({"level": "village", "kind": "thon", "name": "Thôn Ma Trận", "parent_id": parent, "valid_from": "2025-07-01"}))
                .await;
            villages.push(r.json()["id"].as_i64().unwrap());
        }
        // One model in each village, of a type deployed at villages.
        let types = admin.get("/api/v1/model-types").await.json();
        let type_id = types["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["code"] == "to_tuan_tra_nhan_dan")
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let mut models = Vec::new();
        for v in &villages {
            let r = admin
                .write(Method::POST, "/api/v1/models", json!({"type_id": type_id, "org_unit_id": v, "name": "Tổ tuần tra ma trận", "founded_on": "2026-01-05"}))
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
            models.push(r.json()["id"].as_i64().unwrap());
        }
        // One registered certification case in each village (assessment
        // year 2026: 1 November 2025 to 31 October 2026).
        let mut cases = Vec::new();
        for v in &villages {
            let r = admin
                .write(
                    Method::POST,
                    "/api/v1/certifications",
                    json!({"org_unit_ids": [v], "year": 2026, "registered_on": "2026-01-15"}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
            cases.push(r.json()["items"][0]["id"].as_i64().unwrap());
        }
        // One security team in each village.
        let mut teams = Vec::new();
        for v in &villages {
            let r = admin
                .write(
                    Method::POST,
                    "/api/v1/security-teams",
                    json!({"org_unit_id": v, "established_on": "2025-07-15", "decision_no": "1/QĐ-UBND"}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
            teams.push(r.json()["id"].as_i64().unwrap());
        }
        // One training class run by each commune.
        let r = admin
            .write(
                Method::POST,
                "/api/v1/courses",
                json!({"name": "Ma trận", "topics": [{"topic": "tuan_tra", "hours": 4}]}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        let course = r.json()["id"].as_i64().unwrap();
        let mut classes = Vec::new();
        for u in [app.ward, app.ba_dinh] {
            let r = admin
                .write(
                    Method::POST,
                    "/api/v1/classes",
                    json!({"course_id": course, "organiser_unit_id": u, "audience": "team_members", "starts_on": "2026-01-05", "ends_on": "2026-01-06", "capacity": 30}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
            classes.push(r.json()["id"].as_i64().unwrap());
        }
        // One document issued by each commune.
        let mut documents = Vec::new();
        for u in [app.ward, app.ba_dinh] {
            let r = admin
                .write(
                    Method::POST,
                    "/api/v1/documents",
                    json!({"kind": "ke_hoach", "number": format!("{u}/KH-CAX"), "issued_on": "2026-01-05", "issuers": ["Công an xã"], "subject": "Kế hoạch ma trận", "level": "commune", "org_unit_id": u}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
            documents.push(r.json()["id"].as_i64().unwrap());
        }
        // One directive of each commune, its task given to the village.
        let (mut directives, mut tasks) = (Vec::new(), Vec::new());
        for (u, v) in [app.ward, app.ba_dinh].into_iter().zip(&villages) {
            let r = admin
                .write(
                    Method::POST,
                    "/api/v1/directives",
                    json!({"org_unit_id": u, "subject": "Kế hoạch ma trận", "issued_on": "2026-01-05", "tasks": [{"title": "Báo cáo", "due_on": "2026-02-05", "expects": "text", "owners": [v]}]}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
            directives.push(r.json()["directive"]["id"].as_i64().unwrap());
            tasks.push(r.json()["tasks"][0]["id"].as_i64().unwrap());
        }
        // One commendation of each village.
        let mut commendations = Vec::new();
        for v in &villages {
            let r = admin
                .write(
                    Method::POST,
                    "/api/v1/commendations",
                    json!({"form": "giay_khen", "level": "cong_an_tinh", "reason": "Ma trận", "recipient_kind": "unit", "recipient_id": v, "decided_on": "2026-01-10"}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
            commendations.push(r.json()["id"].as_i64().unwrap());
        }
        // One event and one pledge (the commune and its village) of each
        // commune.
        let (mut events, mut pledges) = (Vec::new(), Vec::new());
        for (u, v) in [app.ward, app.ba_dinh].into_iter().zip(&villages) {
            let r = admin
                .write(
                    Method::POST,
                    "/api/v1/events",
                    json!({"kind": "hoi_nghi_chuyen_de", "title": "Hội nghị ma trận", "org_unit_id": u, "starts_on": "2026-01-05"}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
            events.push(r.json()["event"]["id"].as_i64().unwrap());
            let r = admin
                .write(
                    Method::POST,
                    "/api/v1/pledges",
                    json!({"title": "Giao ước ma trận", "org_unit_id": u, "starts_on": "2026-01-01", "ends_on": "2026-12-31", "parties": [{"kind": "unit", "id": u, "items": ["A"]}, {"kind": "unit", "id": v, "items": ["B"]}]}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
            pledges.push(r.json()["pledge"]["id"].as_i64().unwrap());
        }
        // One review of each commune, a draft.
        let mut reviews = Vec::new();
        for u in [app.ward, app.ba_dinh] {
            let r = admin
                .write(
                    Method::POST,
                    "/api/v1/reviews",
                    json!({"kind": "six_month", "subject": "Sơ kết ma trận", "org_unit_id": u, "from": "2026-01", "to": "2026-06"}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
            reviews.push(r.json()["id"].as_i64().unwrap());
        }
        // One partner organisation and one programme of each commune.
        let (mut partners, mut programs) = (Vec::new(), Vec::new());
        for u in [app.ward, app.ba_dinh] {
            let r = admin
                .write(
                    Method::POST,
                    "/api/v1/partners",
                    json!({"kind": "doan_thanh_nien", "name": "Đoàn phường ma trận", "level": "commune", "org_unit_id": u}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
            let org = r.json()["id"].as_i64().unwrap();
            partners.push(org);
            let r = admin
                .write(
                    Method::POST,
                    "/api/v1/programs",
                    json!({"name": "Kế hoạch ma trận", "kind": "ke_hoach_lien_tich", "level": "commune", "org_unit_id": u, "starts_on": "2026-01-01", "ends_on": "2026-12-31", "partners": [org]}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
            programs.push(r.json()["id"].as_i64().unwrap());
        }
        // One tip to each village, from nobody, once each commune's
        // officer has a key (made at sign-in).
        app.login("phuong").await;
        app.login("khac").await;
        let mut tips = Vec::new();
        for v in &villages {
            let r = app
                .send(
                    axum::http::Request::post("/api/v1/public/tips")
                        .header(axum::http::header::CONTENT_TYPE, "application/json")
                        .body(axum::body::Body::from(
                            json!({"category": "khac", "place_id": v, "report": "Tin báo của bảng ma trận quyền"})
                                .to_string(),
                        ))
                        .unwrap(),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{l}: {}", r.body);
        }
        for unit in [app.ward, app.ba_dinh] {
            let f = store::tips::Filter {
                unit: Some(unit),
                ..Default::default()
            };
            let (rows, _) = store::tips::list(&app.t.db, store::accounts::Scope::All, 0, &f)
                .await
                .unwrap();
            tips.push(rows[0].id);
        }
        let other_user = store::accounts::find_by_username(&app.t.db, "khac")
            .await
            .unwrap()
            .unwrap()
            .0
            .id;
        let all = routes();
        assert!(all.len() >= 30, "{all:?}");
        let mut checked = 0;
        for role in ROLES {
            let c = app.login(role).await;
            for (
                in_scope,
                unit,
                model,
                case,
                team,
                class,
                document,
                partner_program,
                commendation,
                event_pledge,
            ) in [
                (
                    true,
                    villages[0],
                    models[0],
                    cases[0],
                    teams[0],
                    classes[0],
                    documents[0],
                    (partners[0], programs[0], directives[0], tasks[0]),
                    commendations[0],
                    (events[0], pledges[0], reviews[0], tips[0]),
                ),
                (
                    false,
                    villages[1],
                    models[1],
                    cases[1],
                    teams[1],
                    classes[1],
                    documents[1],
                    (partners[1], programs[1], directives[1], tasks[1]),
                    commendations[1],
                    (events[1], pledges[1], reviews[1], tips[1]),
                ),
            ] {
                for (method, pattern) in &all {
                    let Some(outcome) = expect(method, pattern, role, in_scope) else {
                        assert!(
                            pattern.ends_with("logout") || pattern.ends_with("login"),
                            "{method} {pattern} has no rule: add one"
                        );
                        continue;
                    };
                    let answer = call(
                        &c,
                        method,
                        pattern,
                        unit,
                        other_user,
                        model,
                        type_id,
                        case,
                        (team, class, document),
                        partner_program,
                        commendation,
                        event_pledge,
                    )
                    .await;
                    assert!(
                        matches(outcome, &answer),
                        "{l}: {role} {method} {pattern} ({}) expected {outcome:?}, got {} {}",
                        if in_scope { "in scope" } else { "out of scope" },
                        answer.status,
                        match (&answer.location, &answer.expected_location) {
                            (Some(to), Some(want)) => format!("to {to} (allowed: to {want})"),
                            (Some(to), None) => format!("to {to} (this route never redirects)"),
                            _ => String::new(),
                        }
                    );
                    checked += 1;
                }
            }
            // Last: logging out works and ends the session.
            let r = c
                .write(Method::POST, "/api/v1/auth/logout", json!({}))
                .await;
            assert_eq!(r.status, StatusCode::NO_CONTENT);
            assert_eq!(
                c.get("/api/v1/org-units").await.status,
                StatusCode::UNAUTHORIZED
            );
            // A page sends the ended session to /login: what `Allowed`
            // must never take for an answer.
            let page = c.get("/models").await;
            let answer = Answer {
                status: page.status,
                location: page
                    .headers
                    .get(axum::http::header::LOCATION)
                    .map(|l| l.to_str().unwrap().to_string()),
                expected_location: redirect_target(&Method::GET, "/models", "/models"),
            };
            assert!(
                answer.status.is_redirection()
                    && answer
                        .location
                        .as_deref()
                        .is_some_and(|to| to.starts_with("/login")),
                "{l}: {role} after logout: {answer:?}"
            );
            assert!(!matches(Allowed, &answer), "{l}: {answer:?}");
        }
        assert!(checked > 250, "{checked}");
        // Nothing a refused request sent was written.
        let names = store::org_units::list(
            &app.t.db,
            store::accounts::Scope::All,
            &store::org_units::ListQuery {
                q: Some("X".into()),
                level: Some(domain::org_units::Level::Village),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .1;
        assert_eq!(names, 0, "{l}");
    }
}
