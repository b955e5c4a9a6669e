//! Indicators the registers count themselves. A capability that keeps a
//! register (today the models register; later certification, forces,
//! training, events, commendations, tips) offers figures by name here;
//! an indicator that names one is computed for each unit and period
//! instead of typed, shown read-only on the entry form with its source,
//! and stored at submission for approval like any other figure.
//!
//! Which models count where, and on which day, is defined in
//! `docs/architecture.md` ("Figures the registers compute").

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{Aggregation, ValueUnit};
use crate::error::{terms, Term};
use crate::{DomainError, Reason};

/// A register that offers computed figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Register {
    Models,
    Certification,
}

impl Register {
    /// Its name on forms: "Tính từ sổ mô hình".
    pub fn label(self) -> &'static str {
        match self {
            Register::Models => "sổ mô hình",
            Register::Certification => "sổ xét công nhận an toàn về ANTT",
        }
    }
}

/// Whether a figure is a count on the last day of the period (a stock,
/// aggregated as `last`) or of what happened during it (a flow, `sum`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Stock,
    Flow,
}

/// A figure a register computes for a unit and period.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
pub enum Computed {
    /// Models of every type active on the period's last day.
    #[serde(rename = "models.active")]
    ModelsActive,
    /// Models founded during the period.
    #[serde(rename = "models.new")]
    ModelsNew,
    /// Models founded during the period as a replication of an exemplar.
    #[serde(rename = "models.replicated")]
    ModelsReplicated,
    /// Active models whose latest rating by the last day made them exemplars.
    #[serde(rename = "models.exemplar")]
    ModelsExemplar,
    /// Eligible residential units of the assessment year the period ends in.
    #[serde(rename = "certification.residential.eligible")]
    CertResidentialEligible,
    /// Certified residential units of the assessment year the period ends in.
    #[serde(rename = "certification.residential.certified")]
    CertResidentialCertified,
    /// Certified commune units of the assessment year the period ends in.
    #[serde(rename = "certification.commune.certified")]
    CertCommuneCertified,
    /// Eligible agency units of the assessment year the period ends in.
    #[serde(rename = "certification.agency.eligible")]
    CertAgencyEligible,
    /// Certified agency units of the assessment year the period ends in.
    #[serde(rename = "certification.agency.certified")]
    CertAgencyCertified,
    /// Eligible enterprise units of the assessment year the period ends in.
    #[serde(rename = "certification.enterprise.eligible")]
    CertEnterpriseEligible,
    /// Certified enterprise units of the assessment year the period ends in.
    #[serde(rename = "certification.enterprise.certified")]
    CertEnterpriseCertified,
    /// Eligible school units of the assessment year the period ends in.
    #[serde(rename = "certification.school.eligible")]
    CertSchoolEligible,
    /// Certified school units of the assessment year the period ends in.
    #[serde(rename = "certification.school.certified")]
    CertSchoolCertified,
    /// Eligible religious units of the assessment year the period ends in.
    #[serde(rename = "certification.religious.eligible")]
    CertReligiousEligible,
    /// Certified religious units of the assessment year the period ends in.
    #[serde(rename = "certification.religious.certified")]
    CertReligiousCertified,
}

impl Computed {
    pub const ALL: [Computed; 15] = [
        Computed::ModelsActive,
        Computed::ModelsNew,
        Computed::ModelsReplicated,
        Computed::ModelsExemplar,
        Computed::CertResidentialEligible,
        Computed::CertResidentialCertified,
        Computed::CertCommuneCertified,
        Computed::CertAgencyEligible,
        Computed::CertAgencyCertified,
        Computed::CertEnterpriseEligible,
        Computed::CertEnterpriseCertified,
        Computed::CertSchoolEligible,
        Computed::CertSchoolCertified,
        Computed::CertReligiousEligible,
        Computed::CertReligiousCertified,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Computed::ModelsActive => "models.active",
            Computed::ModelsNew => "models.new",
            Computed::ModelsReplicated => "models.replicated",
            Computed::ModelsExemplar => "models.exemplar",
            Computed::CertResidentialEligible => "certification.residential.eligible",
            Computed::CertResidentialCertified => "certification.residential.certified",
            Computed::CertCommuneCertified => "certification.commune.certified",
            Computed::CertAgencyEligible => "certification.agency.eligible",
            Computed::CertAgencyCertified => "certification.agency.certified",
            Computed::CertEnterpriseEligible => "certification.enterprise.eligible",
            Computed::CertEnterpriseCertified => "certification.enterprise.certified",
            Computed::CertSchoolEligible => "certification.school.eligible",
            Computed::CertSchoolCertified => "certification.school.certified",
            Computed::CertReligiousEligible => "certification.religious.eligible",
            Computed::CertReligiousCertified => "certification.religious.certified",
        }
    }

    pub fn register(self) -> Register {
        match self.certification() {
            Some(_) => Register::Certification,
            None => Register::Models,
        }
    }

    /// A certification figure: the kind it counts, and whether it counts
    /// the certified units (else the eligible).
    pub fn certification(self) -> Option<(crate::certification::Kind, bool)> {
        use crate::certification::Kind;
        match self {
            Computed::CertResidentialEligible => Some((Kind::Residential, false)),
            Computed::CertResidentialCertified => Some((Kind::Residential, true)),
            Computed::CertCommuneCertified => Some((Kind::Commune, true)),
            Computed::CertAgencyEligible => Some((Kind::Agency, false)),
            Computed::CertAgencyCertified => Some((Kind::Agency, true)),
            Computed::CertEnterpriseEligible => Some((Kind::Enterprise, false)),
            Computed::CertEnterpriseCertified => Some((Kind::Enterprise, true)),
            Computed::CertSchoolEligible => Some((Kind::School, false)),
            Computed::CertSchoolCertified => Some((Kind::School, true)),
            Computed::CertReligiousEligible => Some((Kind::Religious, false)),
            Computed::CertReligiousCertified => Some((Kind::Religious, true)),
            _ => None,
        }
    }

    pub fn measure(self) -> Measure {
        match self {
            Computed::ModelsNew | Computed::ModelsReplicated => Measure::Flow,
            _ => Measure::Stock,
        }
    }

    /// The figure as forms and messages name it.
    pub fn term(self) -> Term {
        let (vi, en) = match self {
            Computed::ModelsActive => (
                "mô hình đang hoạt động vào ngày cuối kỳ (sổ mô hình)",
                "models active on the period's last day (models register)",
            ),
            Computed::ModelsNew => (
                "mô hình thành lập trong kỳ (sổ mô hình)",
                "models founded during the period (models register)",
            ),
            Computed::ModelsReplicated => (
                "mô hình nhân rộng từ điển hình, thành lập trong kỳ (sổ mô hình)",
                "replications of exemplars founded during the period (models register)",
            ),
            Computed::ModelsExemplar => (
                "điển hình tiên tiến đang hoạt động vào ngày cuối kỳ (sổ mô hình)",
                "active exemplars on the period's last day (models register)",
            ),
            Computed::CertResidentialEligible => (
                "khu dân cư thuộc diện xét công nhận của năm đánh giá (sổ xét công nhận)",
                "residential areas eligible in the assessment year (certification register)",
            ),
            Computed::CertResidentialCertified => (
                "khu dân cư được công nhận đạt chuẩn của năm đánh giá (sổ xét công nhận)",
                "residential areas certified in the assessment year (certification register)",
            ),
            Computed::CertCommuneCertified => (
                "xã, phường, đặc khu được công nhận đạt chuẩn của năm đánh giá (sổ xét công nhận)",
                "the commune certified in the assessment year (certification register)",
            ),
            Computed::CertAgencyEligible => (
                "cơ quan thuộc diện xét công nhận của năm đánh giá (sổ xét công nhận)",
                "agencies eligible in the assessment year (certification register)",
            ),
            Computed::CertAgencyCertified => (
                "cơ quan được công nhận đạt chuẩn của năm đánh giá (sổ xét công nhận)",
                "agencies certified in the assessment year (certification register)",
            ),
            Computed::CertEnterpriseEligible => (
                "doanh nghiệp thuộc diện xét công nhận của năm đánh giá (sổ xét công nhận)",
                "enterprises eligible in the assessment year (certification register)",
            ),
            Computed::CertEnterpriseCertified => (
                "doanh nghiệp được công nhận đạt chuẩn của năm đánh giá (sổ xét công nhận)",
                "enterprises certified in the assessment year (certification register)",
            ),
            Computed::CertSchoolEligible => (
                "cơ sở giáo dục thuộc diện xét công nhận của năm đánh giá (sổ xét công nhận)",
                "schools eligible in the assessment year (certification register)",
            ),
            Computed::CertSchoolCertified => (
                "cơ sở giáo dục được công nhận đạt chuẩn của năm đánh giá (sổ xét công nhận)",
                "schools certified in the assessment year (certification register)",
            ),
            Computed::CertReligiousEligible => (
                "cơ sở tôn giáo thuộc diện xét công nhận của năm đánh giá (sổ xét công nhận)",
                "religious establishments eligible in the assessment year (certification register)",
            ),
            Computed::CertReligiousCertified => (
                "cơ sở tôn giáo được công nhận đạt chuẩn của năm đánh giá (sổ xét công nhận)",
                "religious establishments certified in the assessment year (certification register)",
            ),
        };
        Term::new(self.as_str(), vi, en)
    }

    pub fn parse(field: &'static str, s: &str) -> Result<Self, DomainError> {
        Computed::ALL
            .into_iter()
            .find(|c| c.as_str() == s.trim())
            .ok_or_else(|| {
                DomainError::new(
                    field,
                    Reason::ComputedUnknown {
                        allowed: terms(&Computed::ALL, Computed::term),
                    },
                )
            })
    }

    /// Parses an optional source: blank is a typed indicator.
    pub fn parse_optional(
        field: &'static str,
        s: Option<&str>,
    ) -> Result<Option<Self>, DomainError> {
        match s.map(str::trim) {
            None | Some("") => Ok(None),
            Some(s) => Computed::parse(field, s).map(Some),
        }
    }

    /// The unit and aggregation an indicator computed this way must have:
    /// counts, added over periods for flows, the last period's for stocks.
    pub fn check_fits(self, unit: ValueUnit, aggregation: Aggregation) -> Result<(), DomainError> {
        let wanted = match self.measure() {
            Measure::Stock => Aggregation::Last,
            Measure::Flow => Aggregation::Sum,
        };
        if unit == ValueUnit::Count && aggregation == wanted {
            Ok(())
        } else {
            Err(DomainError::new(
                "computed",
                Reason::ComputedMismatch {
                    source: self.term(),
                    aggregation: wanted.term(),
                },
            ))
        }
    }
}

/// Where a figure on a form comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Typed by a person (also a computed indicator's figure typed before
    /// it was computed: kept and shown as typed).
    Typed,
    /// Computed by its register and stored when the form was submitted.
    Computed,
    /// Computed by its register now; stored when the form is submitted.
    Register,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_parse_and_fit_their_measure() {
        for c in Computed::ALL {
            assert_eq!(Computed::parse("c", c.as_str()).unwrap(), c);
            let agg = match c.measure() {
                Measure::Stock => Aggregation::Last,
                Measure::Flow => Aggregation::Sum,
            };
            assert!(c.check_fits(ValueUnit::Count, agg).is_ok());
            assert!(c.check_fits(ValueUnit::Percent, agg).is_err());
            assert!(c.check_fits(ValueUnit::Count, Aggregation::Max).is_err());
        }
        assert!(Computed::parse("c", "models.all").is_err());
        assert_eq!(Computed::parse_optional("c", Some(" ")).unwrap(), None);
    }
}
