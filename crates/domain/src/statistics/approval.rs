//! The approval of one data set for one unit and period: draft → submitted
//! → approved at each level of the chain, or returned with a reason.
//! Values can change only in draft or returned; un-approving takes the
//! approver's level and a reason, and goes back one level at a time.

use serde::Serialize;

use crate::accounts::Role;
use crate::error::{terms, Term};
use crate::models::Target;
use crate::org_units::Level;
use crate::{DomainError, Reason};

pub const MAX_REASON_CHARS: usize = 1000;

/// The approving levels of a data set, lowest first (`commune, province`
/// for a data set entered by villages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chain(Vec<Level>);

impl Chain {
    pub fn parse(
        field: &'static str,
        entry: Target,
        levels: &[String],
    ) -> Result<Self, DomainError> {
        let mut out: Vec<Level> = Vec::new();
        for s in levels.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            let level = Level::parse(field, s)?;
            if !super::level_above(level, entry) {
                return Err(DomainError::new(
                    field,
                    Reason::ApprovalLevelNotAbove {
                        level: level.term(),
                    },
                ));
            }
            if out.last().is_some_and(|prev| !above(level, *prev)) {
                return Err(DomainError::new(field, Reason::ApprovalLevelsOrder));
            }
            out.push(level);
        }
        if out.is_empty() {
            return Err(DomainError::new(field, Reason::ApprovalLevelsEmpty));
        }
        Ok(Self(out))
    }

    pub fn from_stored(s: &str, entry: Target) -> Result<Self, DomainError> {
        let levels: Vec<String> = s.split(',').map(str::to_owned).collect();
        Self::parse("approval_levels", entry, &levels)
    }

    pub fn to_stored(&self) -> String {
        self.0
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn levels(&self) -> &[Level] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Chain {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|l| l.as_str()))
    }
}

fn rank(l: Level) -> u8 {
    match l {
        Level::Province => 0,
        Level::District => 1,
        Level::Commune => 2,
        Level::Village | Level::Site => 3,
    }
}

fn above(a: Level, b: Level) -> bool {
    rank(a) < rank(b)
}

/// Where a data set stands for one unit and period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    Draft,
    Returned,
    Submitted,
    /// Approved by the first `levels` levels of the chain.
    Approved {
        levels: usize,
    },
}

impl Approval {
    /// One of each state (approved at the first level).
    pub const ALL: [Approval; 4] = [
        Approval::Draft,
        Approval::Returned,
        Approval::Submitted,
        Approval::Approved { levels: 1 },
    ];

    /// The state as messages name it ("đang ở trạng thái đã nộp").
    pub fn term(self) -> Term {
        let en = match self {
            Approval::Draft => "draft",
            Approval::Returned => "returned",
            Approval::Submitted => "submitted",
            Approval::Approved { .. } => "approved",
        };
        Term::new(self.as_str(), self.label(), en)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Approval::Draft => "draft",
            Approval::Returned => "returned",
            Approval::Submitted => "submitted",
            Approval::Approved { .. } => "approved",
        }
    }

    pub fn from_stored(state: &str, levels: i64) -> Option<Self> {
        match state {
            "draft" => Some(Approval::Draft),
            "returned" => Some(Approval::Returned),
            "submitted" => Some(Approval::Submitted),
            "approved" => usize::try_from(levels)
                .ok()
                .filter(|l| *l >= 1)
                .map(|levels| Approval::Approved { levels }),
            _ => None,
        }
    }

    pub fn levels_approved(self) -> usize {
        match self {
            Approval::Approved { levels } => levels,
            _ => 0,
        }
    }

    /// Whether values can be entered or changed.
    pub fn is_open(self) -> bool {
        matches!(self, Approval::Draft | Approval::Returned)
    }

    /// Whether every level of `chain` has approved: the figures count as
    /// approved in analytics.
    pub fn is_final(self, chain: &Chain) -> bool {
        self.levels_approved() >= chain.len()
    }

    /// The state after `action` by someone who can act as `by`, or why not.
    pub fn next(
        self,
        chain: &Chain,
        action: ApprovalAction,
        by: &Capacity,
    ) -> Result<Approval, DomainError> {
        let refuse = |r: Reason| Err(DomainError::new("action", r));
        let n = chain.len();
        match (action, self) {
            (ApprovalAction::Submit, Approval::Draft | Approval::Returned) if by.enters => {
                Ok(Approval::Submitted)
            }
            // Withdrawing is the sender's undo; whoever decides on the
            // report returns it instead (with a reason the sender reads).
            (ApprovalAction::Withdraw, Approval::Submitted) if by.enters && !by.approves(0) => {
                Ok(Approval::Draft)
            }
            (ApprovalAction::Withdraw, Approval::Submitted) if by.enters => {
                refuse(Reason::WithdrawByApprover)
            }
            (ApprovalAction::Approve, Approval::Submitted | Approval::Approved { .. }) => {
                let k = self.levels_approved();
                if k >= n {
                    return refuse(Reason::AlreadyFullyApproved);
                }
                if !by.approves(k) {
                    return refuse(Reason::NotApproverHere);
                }
                Ok(Approval::Approved { levels: k + 1 })
            }
            (ApprovalAction::Return, Approval::Submitted | Approval::Approved { .. }) => {
                let k = self.levels_approved();
                if k >= n {
                    return refuse(Reason::ReturnAfterFinal);
                }
                if !by.approves(k) {
                    return refuse(Reason::NotReturnerHere);
                }
                Ok(Approval::Returned)
            }
            (ApprovalAction::Unapprove, Approval::Approved { levels }) => {
                if !by.approves(levels - 1) {
                    return refuse(Reason::UnapproveOwnLevel);
                }
                Ok(if levels > 1 {
                    Approval::Approved { levels: levels - 1 }
                } else {
                    Approval::Submitted
                })
            }
            (ApprovalAction::Submit | ApprovalAction::Withdraw, _) if !by.enters => {
                refuse(Reason::NotEnterer)
            }
            (_, state) => Err(DomainError::new(
                "action",
                Reason::ApprovalStep {
                    action: action.term(),
                    state: state.term(),
                },
            )),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Approval::Draft => "đang nhập",
            Approval::Returned => "bị trả lại",
            Approval::Submitted => "đã nộp",
            Approval::Approved { .. } => "đã duyệt",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalAction {
    Submit,
    Withdraw,
    Approve,
    Return,
    Unapprove,
}

impl ApprovalAction {
    pub const ALL: [ApprovalAction; 5] = [
        ApprovalAction::Submit,
        ApprovalAction::Withdraw,
        ApprovalAction::Approve,
        ApprovalAction::Return,
        ApprovalAction::Unapprove,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalAction::Submit => "submit",
            ApprovalAction::Withdraw => "withdraw",
            ApprovalAction::Approve => "approve",
            ApprovalAction::Return => "return",
            ApprovalAction::Unapprove => "unapprove",
        }
    }

    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        ApprovalAction::ALL
            .into_iter()
            .find(|a| a.as_str() == s.trim())
            .ok_or_else(|| {
                DomainError::new(
                    field,
                    Reason::ApprovalActionUnknown {
                        allowed: terms(&ApprovalAction::ALL, ApprovalAction::term),
                    },
                )
            })
    }

    /// Returning and un-approving must say why.
    pub fn needs_reason(self) -> bool {
        matches!(self, ApprovalAction::Return | ApprovalAction::Unapprove)
    }

    /// The action as messages name it ("không thể nộp …").
    pub fn term(self) -> Term {
        let en = match self {
            ApprovalAction::Submit => "submit",
            ApprovalAction::Withdraw => "withdraw",
            ApprovalAction::Approve => "approve",
            ApprovalAction::Return => "return",
            ApprovalAction::Unapprove => "un-approve",
        };
        Term::new(self.as_str(), self.label(), en)
    }

    fn label(self) -> &'static str {
        match self {
            ApprovalAction::Submit => "nộp",
            ApprovalAction::Withdraw => "rút lại",
            ApprovalAction::Approve => "duyệt",
            ApprovalAction::Return => "trả lại",
            ApprovalAction::Unapprove => "hủy duyệt",
        }
    }
}

/// What an account may do for one unit's data set: enter and submit, and
/// approve at which levels of the chain. Computed from the role and where
/// its scope sits relative to the unit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Capacity {
    pub enters: bool,
    /// Indexes into the chain.
    pub approver_at: Vec<usize>,
}

impl Capacity {
    fn approves(&self, index: usize) -> bool {
        self.approver_at.contains(&index)
    }

    /// `covers_unit`: whether the account's scope covers the unit;
    /// `reaches(level)`: whether it covers the unit's ancestor at `level`. Admins
    /// act at every level; province staff enter for communes and approve at
    /// province and district level; commune officers enter and approve at
    /// commune level (for villages and sites). Partners and viewers read.
    pub fn of(
        role: Role,
        chain: &Chain,
        covers_unit: bool,
        reaches: impl Fn(Level) -> bool,
    ) -> Capacity {
        let acts_at = |level: Level| match role {
            Role::Admin => true,
            Role::ProvinceStaff => {
                matches!(level, Level::Province | Level::District) && reaches(level)
            }
            Role::CommuneOfficer => level == Level::Commune && reaches(level),
            Role::Partner | Role::Viewer => false,
        };
        let enters = match role {
            Role::Admin => true,
            Role::ProvinceStaff | Role::CommuneOfficer => covers_unit,
            Role::Partner | Role::Viewer => false,
        };
        Capacity {
            enters,
            approver_at: chain
                .levels()
                .iter()
                .enumerate()
                .filter(|(_, l)| acts_at(**l))
                .map(|(i, _)| i)
                .collect(),
        }
    }
}

pub fn parse_reason(
    action: ApprovalAction,
    s: Option<&str>,
) -> Result<Option<String>, DomainError> {
    let s = s
        .map(|s| crate::text::normalize(s.trim()))
        .filter(|s| !s.is_empty());
    match s {
        None if action.needs_reason() => {
            Err(DomainError::new("reason", Reason::ApprovalReasonRequired))
        }
        Some(r) if r.chars().count() > MAX_REASON_CHARS => Err(DomainError::new(
            "reason",
            Reason::AtMostChars {
                max: MAX_REASON_CHARS,
            },
        )),
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(levels: &[&str], entry: Target) -> Chain {
        let v: Vec<String> = levels.iter().map(|s| s.to_string()).collect();
        Chain::parse("chain", entry, &v).unwrap()
    }

    #[test]
    fn commune_submits_province_approves() {
        let c = chain(&["province"], Target::Commune);
        let commune = Capacity::of(Role::CommuneOfficer, &c, true, |_| true);
        let province = Capacity::of(Role::ProvinceStaff, &c, true, |_| true);
        assert!(commune.enters && commune.approver_at.is_empty());
        assert_eq!(province.approver_at, [0]);

        let s = Approval::Draft
            .next(&c, ApprovalAction::Submit, &commune)
            .unwrap();
        assert_eq!(s, Approval::Submitted);
        assert!(!s.is_open());
        assert!(s.next(&c, ApprovalAction::Approve, &commune).is_err());
        let a = s.next(&c, ApprovalAction::Approve, &province).unwrap();
        assert!(a.is_final(&c));
        assert!(a.next(&c, ApprovalAction::Approve, &province).is_err());
        assert!(a.next(&c, ApprovalAction::Return, &province).is_err());
        assert!(a.next(&c, ApprovalAction::Unapprove, &commune).is_err());
        let back = a.next(&c, ApprovalAction::Unapprove, &province).unwrap();
        assert_eq!(back, Approval::Submitted);
        let r = back.next(&c, ApprovalAction::Return, &province).unwrap();
        assert!(r.is_open());
        assert_eq!(
            r.next(&c, ApprovalAction::Submit, &commune),
            Ok(Approval::Submitted)
        );
        assert!(Approval::Draft
            .next(&c, ApprovalAction::Approve, &province)
            .is_err());
        // The sender withdraws; whoever decides returns, with a reason.
        let admin = Capacity::of(Role::Admin, &c, true, |_| true);
        let submitted = Approval::Submitted;
        assert_eq!(
            submitted.next(&c, ApprovalAction::Withdraw, &commune),
            Ok(Approval::Draft)
        );
        for approver in [&province, &admin] {
            let e = submitted
                .next(&c, ApprovalAction::Withdraw, approver)
                .unwrap_err();
            assert_eq!(*e.reason, Reason::WithdrawByApprover);
        }
    }

    #[test]
    fn two_levels_go_one_at_a_time() {
        let c = chain(&["commune", "province"], Target::Village);
        let commune = Capacity::of(Role::CommuneOfficer, &c, true, |_| true);
        let province = Capacity::of(Role::ProvinceStaff, &c, true, |_| true);
        let s = Approval::Submitted;
        assert!(s.next(&c, ApprovalAction::Approve, &province).is_err());
        let one = s.next(&c, ApprovalAction::Approve, &commune).unwrap();
        assert!(!one.is_final(&c));
        assert!(one.next(&c, ApprovalAction::Unapprove, &province).is_err());
        let two = one.next(&c, ApprovalAction::Approve, &province).unwrap();
        assert!(two.is_final(&c));
        // The commune cannot undo what the province has approved above it.
        assert!(two.next(&c, ApprovalAction::Unapprove, &commune).is_err());
        assert_eq!(two.next(&c, ApprovalAction::Unapprove, &province), Ok(one));
    }

    #[test]
    fn chains_go_upward() {
        let bad = |levels: &[&str], entry| {
            let v: Vec<String> = levels.iter().map(|s| s.to_string()).collect();
            Chain::parse("chain", entry, &v).is_err()
        };
        assert!(bad(&[], Target::Commune));
        assert!(bad(&["commune"], Target::Commune));
        assert!(bad(&["province", "commune"], Target::Village));
        assert!(bad(&["province", "province"], Target::Commune));
        assert!(!bad(&["district", "province"], Target::Commune));
        let c = chain(&["commune", "province"], Target::Village);
        assert_eq!(Chain::from_stored(&c.to_stored(), Target::Village), Ok(c));
        assert!(parse_reason(ApprovalAction::Return, Some("  ")).is_err());
        assert_eq!(parse_reason(ApprovalAction::Approve, None), Ok(None));
    }

    #[test]
    fn stored_states_round_trip() {
        for s in [
            Approval::Draft,
            Approval::Returned,
            Approval::Submitted,
            Approval::Approved { levels: 2 },
        ] {
            assert_eq!(
                Approval::from_stored(s.as_str(), s.levels_approved() as i64),
                Some(s)
            );
        }
        assert_eq!(Approval::from_stored("approved", 0), None);
    }
}
