//! Who may do what: the one place that says it. Handlers, pages (which
//! links and buttons to show), the store's own guards and the CLI all ask
//! [`allows`] or [`decide`]; the route × role test checks the server
//! against it. A new capability adds its actions to [`Action`] and a line
//! to [`allows`], and nothing else decides who may act.
//!
//! Two questions are kept apart. Whether a role may take an action at all
//! is answered here, before any lookup, so that a refusal tells nothing
//! about the unit named (403 whatever the id). Where it may take it is the
//! user's scope, which every store query takes: a unit outside it is
//! answered as if it did not exist (404).

use crate::accounts::Role;
use crate::catalogue::Owner;
use crate::error::Term;
use crate::org_units::OrgUnitId;

/// An action a signed-in user may be allowed, named by capability. Reading
/// what is in one's scope (units, models, figures, pivots) and one's own
/// account are every role's and have no action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Add and change villages and sites, merge and split units.
    ManageOrgUnits,
    /// Add, edit, import and change the status of models.
    ManageModels,
    /// Rate models and name exemplars: the province's work, not a
    /// commune's rating of itself.
    RateModels,
    /// Log a model's meetings and patrols: partner organisations run many.
    LogModelActivities,
    /// Add, edit and retire model types.
    ManageModelTypes,
    /// Enter and import figures, submit and approve forms (which approvals
    /// depends on where the scope sits: `statistics::approval::Capacity`).
    EnterFigures,
    /// Define indicators, data sets and validation rules, and divide a
    /// split unit's figures among its successors.
    ManageStatistics,
    /// Read the audit log of one's scope.
    ReadAudit,
    /// Create accounts, set their roles and scopes, reset passwords.
    ManageUsers,
    /// Register units for certification, enter their self-assessment,
    /// submit, review and return cases, mark units outside the scheme.
    Certify,
    /// Decide a case and revoke a certification: the competent level's
    /// (`certification::may_decide` says which level decides what).
    DecideCertification,
    /// Publish a new version of a kind's criteria.
    ManageCertificationCriteria,
    /// Set up and dissolve security teams, recognise and end members,
    /// enter households and mark areas (border, mountain, minority).
    ManageForces,
    /// Add a province's team-size rule.
    ManageTeamSizeRules,
    /// See a member's whole national ID number (on their own page).
    ReadNationalIds,
    /// Run training classes: create them, enrol, mark attendance, enter
    /// results and print certificates.
    ManageTraining,
    /// Add training courses (their topics and hours).
    ManageCourses,
    /// Register documents, attach their files and link them to what they
    /// govern: national texts are the administrators' (as the national
    /// catalogue is), a province's and a commune's their own staff's.
    ManageDocuments,
    /// Add partner organisations, their contacts, and end one into its
    /// successor: national bodies by administrators, a province's and a
    /// commune's by the staff of its scope.
    ManagePartners,
    /// Set up coordination programmes, their parties, basis documents and
    /// targets, and enter the progress no source holds.
    ManagePrograms,
    /// Report a programme's activities: every party's, partners included
    /// (for their own organisation, on programmes they are party to).
    ReportProgramActivities,
    /// Issue directives and plans to the units below one's own, with
    /// their tasks, and follow them on the board.
    IssueDirectives,
    /// Report on the tasks given to the units of one's scope (done, in
    /// progress, blocked) and attach the files they expect.
    ReportTasks,
    /// Propose commendations to the level that decides them, and record
    /// those a commune's own committee decided
    /// ([`may_record_commendation`] says which levels).
    ProposeCommendations,
    /// Record decided commendations of any level and approve or refuse
    /// proposals: the province's work.
    DecideCommendations,
    /// Record events, photos, each commune's festival and emulation
    /// pledges with their yearly assessments.
    ManageEvents,
    /// Start reviews of one's own unit, write their sections, compile
    /// the lower units' submissions and issue them.
    WriteReviews,
    /// Receive citizens' tips: list those of one's scope, read the ones
    /// sealed to one, reply to the sender, keep notes, verify, forward,
    /// resolve and close; a province key-holder also grants access. Not
    /// the administrator's: nobody reads a tip they are not sealed to.
    HandleTips,
}

impl Action {
    pub const ALL: [Action; 28] = [
        Action::ManageOrgUnits,
        Action::ManageModels,
        Action::RateModels,
        Action::LogModelActivities,
        Action::ManageModelTypes,
        Action::EnterFigures,
        Action::ManageStatistics,
        Action::ReadAudit,
        Action::ManageUsers,
        Action::Certify,
        Action::DecideCertification,
        Action::ManageCertificationCriteria,
        Action::ManageForces,
        Action::ManageTeamSizeRules,
        Action::ReadNationalIds,
        Action::ManageTraining,
        Action::ManageCourses,
        Action::ManageDocuments,
        Action::ManagePartners,
        Action::ManagePrograms,
        Action::ReportProgramActivities,
        Action::IssueDirectives,
        Action::ReportTasks,
        Action::ProposeCommendations,
        Action::DecideCommendations,
        Action::ManageEvents,
        Action::WriteReviews,
        Action::HandleTips,
    ];

    /// The name pages use (`can.manage_models`).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::ManageOrgUnits => "manage_org_units",
            Action::ManageModels => "manage_models",
            Action::RateModels => "rate_models",
            Action::LogModelActivities => "log_model_activities",
            Action::ManageModelTypes => "manage_model_types",
            Action::EnterFigures => "enter_figures",
            Action::ManageStatistics => "manage_statistics",
            Action::ReadAudit => "read_audit",
            Action::ManageUsers => "manage_users",
            Action::Certify => "certify",
            Action::DecideCertification => "decide_certification",
            Action::ManageCertificationCriteria => "manage_certification_criteria",
            Action::ManageForces => "manage_forces",
            Action::ManageTeamSizeRules => "manage_team_size_rules",
            Action::ReadNationalIds => "read_national_ids",
            Action::ManageTraining => "manage_training",
            Action::ManageCourses => "manage_courses",
            Action::ManageDocuments => "manage_documents",
            Action::ManagePartners => "manage_partners",
            Action::ManagePrograms => "manage_programs",
            Action::ReportProgramActivities => "report_program_activities",
            Action::IssueDirectives => "issue_directives",
            Action::ReportTasks => "report_tasks",
            Action::ProposeCommendations => "propose_commendations",
            Action::DecideCommendations => "decide_commendations",
            Action::ManageEvents => "manage_events",
            Action::WriteReviews => "write_reviews",
            Action::HandleTips => "handle_tips",
        }
    }
}

impl Action {
    /// The action as a refusal names it ("không được {action}").
    pub fn term(self) -> Term {
        let (vi, en) = match self {
            Action::ManageOrgUnits => ("quản lý thôn và cơ sở", "manage villages and sites"),
            Action::ManageModels => ("quản lý mô hình", "manage models"),
            Action::RateModels => ("xếp loại mô hình", "rate models"),
            Action::LogModelActivities => ("ghi hoạt động của mô hình", "log model activities"),
            Action::ManageModelTypes => ("quản lý loại mô hình", "manage model types"),
            Action::EnterFigures => ("nhập và duyệt số liệu", "enter and approve figures"),
            Action::ManageStatistics => (
                "quản lý chỉ tiêu và bộ số liệu",
                "manage indicators and data sets",
            ),
            Action::ReadAudit => ("xem nhật ký thay đổi", "read the audit log"),
            Action::ManageUsers => ("quản lý tài khoản", "manage accounts"),
            Action::Certify => (
                "đăng ký, đánh giá, thẩm định hồ sơ công nhận an toàn về ANTT",
                "register, assess and review certification cases",
            ),
            Action::DecideCertification => (
                "quyết định, thu hồi công nhận an toàn về ANTT",
                "decide and revoke certifications",
            ),
            Action::ManageCertificationCriteria => (
                "công bố bộ tiêu chí công nhận",
                "publish certification criteria",
            ),
            Action::ManageForces => (
                "quản lý Tổ bảo vệ ANTT và thành viên",
                "manage security teams and their members",
            ),
            Action::ManageTeamSizeRules => (
                "ban hành quy định số lượng thành viên tổ",
                "set team-size rules",
            ),
            Action::ReadNationalIds => (
                "xem đầy đủ số định danh cá nhân",
                "see whole national ID numbers",
            ),
            Action::ManageTraining => (
                "tổ chức lớp tập huấn, ghi danh, điểm danh, nhập kết quả",
                "run training classes, enrol, mark attendance, enter results",
            ),
            Action::ManageCourses => ("xây dựng chương trình tập huấn", "add training courses"),
            Action::ManageDocuments => (
                "đăng ký văn bản, đính kèm tệp và liên kết văn bản",
                "register documents, attach their files and link them",
            ),
            Action::ManagePartners => ("quản lý tổ chức phối hợp", "manage partner organisations"),
            Action::ManagePrograms => (
                "xây dựng chương trình, kế hoạch phối hợp và chỉ tiêu",
                "set up coordination programmes and their targets",
            ),
            Action::ReportProgramActivities => (
                "báo cáo hoạt động của chương trình phối hợp",
                "report programme activities",
            ),
            Action::IssueDirectives => (
                "ban hành chỉ đạo, kế hoạch và giao nhiệm vụ",
                "issue directives and give tasks",
            ),
            Action::ReportTasks => (
                "báo cáo kết quả thực hiện nhiệm vụ được giao",
                "report on the tasks given",
            ),
            Action::ProposeCommendations => ("đề nghị khen thưởng", "propose commendations"),
            Action::DecideCommendations => (
                "quyết định, ghi nhận khen thưởng",
                "decide and record commendations",
            ),
            Action::ManageEvents => (
                "ghi sự kiện, Ngày hội và giao ước thi đua",
                "record events, festivals and pledges",
            ),
            Action::WriteReviews => (
                "viết, tổng hợp và ban hành báo cáo sơ kết, tổng kết",
                "write, compile and issue reviews",
            ),
            Action::HandleTips => (
                "tiếp nhận, xác minh và giải quyết tin báo của người dân",
                "receive, verify and settle citizens' tips",
            ),
        };
        Term::new(self.as_str(), vi, en)
    }

    /// The roles that may take this action.
    pub fn roles(self) -> Vec<Role> {
        Role::ALL.into_iter().filter(|r| allows(*r, self)).collect()
    }
}

/// Whether `role` may take `action` anywhere in its scope.
pub fn allows(role: Role, action: Action) -> bool {
    use Role::*;
    match action {
        Action::ManageOrgUnits
        | Action::ManageModels
        | Action::EnterFigures
        | Action::Certify
        | Action::DecideCertification
        | Action::ManageForces
        | Action::ManageTraining
        | Action::ManageDocuments
        | Action::ManagePartners
        | Action::ManagePrograms
        | Action::IssueDirectives
        | Action::ReportTasks
        | Action::ProposeCommendations
        | Action::ManageEvents
        | Action::WriteReviews => {
            matches!(role, Admin | ProvinceStaff | CommuneOfficer)
        }
        Action::RateModels
        | Action::ManageModelTypes
        | Action::ManageStatistics
        | Action::ReadAudit
        | Action::ManageTeamSizeRules
        | Action::ManageCourses
        | Action::DecideCommendations => matches!(role, Admin | ProvinceStaff),
        // Province staff only: the administrator keeps the system, not the
        // people in it.
        Action::ReadNationalIds => role == ProvinceStaff,
        Action::LogModelActivities | Action::ReportProgramActivities => role != Viewer,
        Action::ManageUsers | Action::ManageCertificationCriteria => role == Admin,
        Action::HandleTips => matches!(role, ProvinceStaff | CommuneOfficer),
    }
}

/// Where the thing an action names stands against the user's scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Nothing in particular (a list, a new record whose units are
    /// checked as it is written).
    Any,
    /// A record the user's scope reaches.
    InScope,
    /// A record outside the scope, or none at all: the two must answer alike.
    OutOfScope,
}

/// The answer to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// 403: the role may not take the action, whatever it names.
    Forbidden,
    /// 404: the role may, but not there.
    NotFound,
}

/// The decision for `role` taking `action` on `target` (`None`: reading,
/// which every role may do within its scope). The role is asked first.
pub fn decide(role: Role, action: Option<Action>, target: Target) -> Decision {
    if let Some(a) = action {
        if !allows(role, a) {
            return Decision::Forbidden;
        }
    }
    match target {
        Target::OutOfScope if !role.is_unscoped() => Decision::NotFound,
        _ => Decision::Allow,
    }
}

/// The decision for `role`, working in `provinces` (the current provinces
/// its scope lies in), taking a catalogue `action` (`ManageModelTypes`,
/// `ManageStatistics`) on an entry of `owner`: adding it, changing it,
/// retiring it. Administrators keep the national catalogue and may mend a
/// province's; a province's staff keep their own province's entries, may
/// read the national ones but not change them (403, as a role refusal:
/// no province's staff may), and do not see another province's (404).
pub fn decide_catalogue(
    role: Role,
    action: Action,
    owner: Owner,
    provinces: &[OrgUnitId],
) -> Decision {
    if !allows(role, action) {
        return Decision::Forbidden;
    }
    match owner {
        _ if role.is_unscoped() => Decision::Allow,
        Owner::National => Decision::Forbidden,
        Owner::Province(p) if provinces.contains(&p) => Decision::Allow,
        Owner::Province(_) => Decision::NotFound,
    }
}

/// The decision for `role` in `provinces` hiding a national entry for
/// `province`, or showing it again: a province's own choice, which its
/// staff (and administrators) make.
pub fn decide_hiding(
    role: Role,
    action: Action,
    province: OrgUnitId,
    provinces: &[OrgUnitId],
) -> Decision {
    decide_catalogue(role, action, Owner::Province(province), provinces)
}

/// Whether `role` may record a commendation already decided at `level`
/// (not propose it): those who decide commendations, any level; a
/// commune's officers, their own committee's.
pub fn may_record_commendation(role: Role, level: crate::commendations::Level) -> bool {
    allows(role, Action::DecideCommendations)
        || (allows(role, Action::ProposeCommendations)
            && level == crate::commendations::Level::CommuneCommittee)
}

/// The actions a role may take, for pages: `can.<action>` in templates.
pub fn granted(role: Role) -> impl Iterator<Item = (&'static str, bool)> {
    Action::ALL
        .into_iter()
        .map(move |a| (a.as_str(), allows(role, a)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table as the movement runs it, written out once more: changing
    /// a right means changing this test too, on purpose.
    #[test]
    fn each_role_may_do_what_its_work_needs() {
        let table: [(Role, &[Action]); 5] = [
            (
                Role::Admin,
                // Everything but the people's whole ID numbers and the tips.
                &[
                    Action::ManageOrgUnits,
                    Action::ManageModels,
                    Action::RateModels,
                    Action::LogModelActivities,
                    Action::ManageModelTypes,
                    Action::EnterFigures,
                    Action::ManageStatistics,
                    Action::ReadAudit,
                    Action::ManageUsers,
                    Action::Certify,
                    Action::DecideCertification,
                    Action::ManageCertificationCriteria,
                    Action::ManageForces,
                    Action::ManageTeamSizeRules,
                    Action::ManageTraining,
                    Action::ManageCourses,
                    Action::ManageDocuments,
                    Action::ManagePartners,
                    Action::ManagePrograms,
                    Action::ReportProgramActivities,
                    Action::IssueDirectives,
                    Action::ReportTasks,
                    Action::ProposeCommendations,
                    Action::DecideCommendations,
                    Action::ManageEvents,
                    Action::WriteReviews,
                ],
            ),
            (
                Role::ProvinceStaff,
                &[
                    Action::ManageOrgUnits,
                    Action::ManageModels,
                    Action::RateModels,
                    Action::LogModelActivities,
                    Action::ManageModelTypes,
                    Action::EnterFigures,
                    Action::ManageStatistics,
                    Action::ReadAudit,
                    Action::Certify,
                    Action::DecideCertification,
                    Action::ManageForces,
                    Action::ManageTeamSizeRules,
                    Action::ReadNationalIds,
                    Action::ManageTraining,
                    Action::ManageCourses,
                    Action::ManageDocuments,
                    Action::ManagePartners,
                    Action::ManagePrograms,
                    Action::ReportProgramActivities,
                    Action::IssueDirectives,
                    Action::ReportTasks,
                    Action::ProposeCommendations,
                    Action::DecideCommendations,
                    Action::ManageEvents,
                    Action::WriteReviews,
                    Action::HandleTips,
                ],
            ),
            (
                Role::CommuneOfficer,
                &[
                    Action::ManageOrgUnits,
                    Action::ManageModels,
                    Action::LogModelActivities,
                    Action::EnterFigures,
                    Action::Certify,
                    Action::DecideCertification,
                    Action::ManageForces,
                    Action::ManageTraining,
                    Action::ManageDocuments,
                    Action::ManagePartners,
                    Action::ManagePrograms,
                    Action::ReportProgramActivities,
                    Action::IssueDirectives,
                    Action::ReportTasks,
                    Action::ProposeCommendations,
                    Action::ManageEvents,
                    Action::WriteReviews,
                    Action::HandleTips,
                ],
            ),
            (
                Role::Partner,
                &[Action::LogModelActivities, Action::ReportProgramActivities],
            ),
            (Role::Viewer, &[]),
        ];
        for (role, may) in table {
            for a in Action::ALL {
                assert_eq!(allows(role, a), may.contains(&a), "{role:?} {a:?}");
            }
        }
    }

    #[test]
    fn a_province_keeps_its_own_catalogue_and_reads_the_national_one() {
        let (ninh_binh, ha_noi) = (37, 1);
        let d = |role, owner| decide_catalogue(role, Action::ManageModelTypes, owner, &[ninh_binh]);
        assert_eq!(
            d(Role::ProvinceStaff, Owner::Province(ninh_binh)),
            Decision::Allow
        );
        assert_eq!(d(Role::ProvinceStaff, Owner::National), Decision::Forbidden);
        assert_eq!(
            d(Role::ProvinceStaff, Owner::Province(ha_noi)),
            Decision::NotFound
        );
        assert_eq!(d(Role::Admin, Owner::National), Decision::Allow);
        assert_eq!(d(Role::Admin, Owner::Province(ha_noi)), Decision::Allow);
        for role in [Role::CommuneOfficer, Role::Partner, Role::Viewer] {
            assert_eq!(d(role, Owner::Province(ninh_binh)), Decision::Forbidden);
        }
        let hide = |role, p| decide_hiding(role, Action::ManageModelTypes, p, &[ninh_binh]);
        assert_eq!(hide(Role::ProvinceStaff, ninh_binh), Decision::Allow);
        assert_eq!(hide(Role::ProvinceStaff, ha_noi), Decision::NotFound);
        assert_eq!(hide(Role::CommuneOfficer, ninh_binh), Decision::Forbidden);
    }

    #[test]
    fn a_refused_role_learns_nothing_of_the_unit() {
        for target in [Target::Any, Target::InScope, Target::OutOfScope] {
            assert_eq!(
                decide(Role::Viewer, Some(Action::ManageModels), target),
                Decision::Forbidden
            );
        }
        assert_eq!(
            decide(
                Role::CommuneOfficer,
                Some(Action::ManageModels),
                Target::OutOfScope
            ),
            Decision::NotFound
        );
        assert_eq!(
            decide(Role::Viewer, None, Target::OutOfScope),
            Decision::NotFound
        );
        assert_eq!(
            decide(Role::Admin, Some(Action::ManageUsers), Target::OutOfScope),
            Decision::Allow
        );
    }
}
