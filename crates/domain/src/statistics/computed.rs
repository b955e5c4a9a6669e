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
use crate::certification::{Classification, Kind};
use crate::error::{terms, Term};
use crate::{DomainError, Reason};

/// A register that offers computed figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Register {
    Models,
    Certification,
    Forces,
    Training,
    Commendations,
    Festivals,
    Tips,
}

impl Register {
    /// Its name on forms: "Tính từ sổ mô hình".
    pub fn label(self) -> &'static str {
        match self {
            Register::Models => "sổ mô hình",
            Register::Certification => "sổ xét công nhận an toàn về ANTT",
            Register::Forces => "sổ tổ bảo vệ an ninh, trật tự",
            Register::Training => "sổ tập huấn",
            Register::Commendations => "sổ khen thưởng",
            Register::Festivals => "sổ Ngày hội toàn dân bảo vệ ANTQ",
            Register::Tips => "sổ tin báo",
        }
    }
}

/// What a certification figure counts of a kind's units in a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tally {
    /// Units that existed during the year and are not exempt.
    Eligible,
    /// Units certified (and not revoked).
    Certified,
    /// Units certified with this classification.
    Classified(Classification),
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
    /// Residential units certified with classification XuatSac in the assessment year.
    #[serde(rename = "certification.residential.xuat_sac")]
    CertResidentialXuatSac,
    /// Residential units certified with classification Kha in the assessment year.
    #[serde(rename = "certification.residential.kha")]
    CertResidentialKha,
    /// Residential units certified with classification TrungBinh in the assessment year.
    #[serde(rename = "certification.residential.trung_binh")]
    CertResidentialTrungBinh,
    /// Commune units certified with classification XuatSac in the assessment year.
    #[serde(rename = "certification.commune.xuat_sac")]
    CertCommuneXuatSac,
    /// Commune units certified with classification Kha in the assessment year.
    #[serde(rename = "certification.commune.kha")]
    CertCommuneKha,
    /// Commune units certified with classification TrungBinh in the assessment year.
    #[serde(rename = "certification.commune.trung_binh")]
    CertCommuneTrungBinh,
    /// Agency units certified with classification XuatSac in the assessment year.
    #[serde(rename = "certification.agency.xuat_sac")]
    CertAgencyXuatSac,
    /// Agency units certified with classification Kha in the assessment year.
    #[serde(rename = "certification.agency.kha")]
    CertAgencyKha,
    /// Agency units certified with classification TrungBinh in the assessment year.
    #[serde(rename = "certification.agency.trung_binh")]
    CertAgencyTrungBinh,
    /// Enterprise units certified with classification XuatSac in the assessment year.
    #[serde(rename = "certification.enterprise.xuat_sac")]
    CertEnterpriseXuatSac,
    /// Enterprise units certified with classification Kha in the assessment year.
    #[serde(rename = "certification.enterprise.kha")]
    CertEnterpriseKha,
    /// Enterprise units certified with classification TrungBinh in the assessment year.
    #[serde(rename = "certification.enterprise.trung_binh")]
    CertEnterpriseTrungBinh,
    /// School units certified with classification XuatSac in the assessment year.
    #[serde(rename = "certification.school.xuat_sac")]
    CertSchoolXuatSac,
    /// School units certified with classification Kha in the assessment year.
    #[serde(rename = "certification.school.kha")]
    CertSchoolKha,
    /// School units certified with classification TrungBinh in the assessment year.
    #[serde(rename = "certification.school.trung_binh")]
    CertSchoolTrungBinh,
    /// Religious units certified with classification XuatSac in the assessment year.
    #[serde(rename = "certification.religious.xuat_sac")]
    CertReligiousXuatSac,
    /// Religious units certified with classification Kha in the assessment year.
    #[serde(rename = "certification.religious.kha")]
    CertReligiousKha,
    /// Religious units certified with classification TrungBinh in the assessment year.
    #[serde(rename = "certification.religious.trung_binh")]
    CertReligiousTrungBinh,
    /// Security teams (of any force, the rosters before July 2024 too)
    /// active on the period's last day.
    #[serde(rename = "forces.teams")]
    ForcesTeams,
    /// Members of those teams on the period's last day.
    #[serde(rename = "forces.members")]
    ForcesMembers,
    /// Training classes whose last day falls in the period.
    #[serde(rename = "training.classes")]
    TrainingClasses,
    /// Their trainees present at one session at least (trainee-times).
    #[serde(rename = "training.trainees")]
    TrainingTrainees,
    /// Collectives commended (approved) by a decision dated in the period.
    #[serde(rename = "commendations.collective")]
    CommendationsCollective,
    /// Individuals commended (approved) by a decision dated in the period.
    #[serde(rename = "commendations.individual")]
    CommendationsIndividual,
    /// Villages and sites holding the festival on a day of the period.
    #[serde(rename = "festivals.sites")]
    FestivalSites,
    /// Tips received during the period by the unit (every channel).
    #[serde(rename = "tips.received")]
    TipsReceived,
    /// Of them, those that came through the VNeID app.
    #[serde(rename = "tips.vneid")]
    TipsVneid,
    /// Of them, those resolved as valuable.
    #[serde(rename = "tips.valuable")]
    TipsValuable,
    /// Cases solved thanks to them.
    #[serde(rename = "tips.cases_solved")]
    TipsCasesSolved,
    /// People arrested thanks to them.
    #[serde(rename = "tips.arrests")]
    TipsArrests,
}

impl Computed {
    pub const ALL: [Computed; 45] = [
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
        Computed::CertResidentialXuatSac,
        Computed::CertResidentialKha,
        Computed::CertResidentialTrungBinh,
        Computed::CertCommuneXuatSac,
        Computed::CertCommuneKha,
        Computed::CertCommuneTrungBinh,
        Computed::CertAgencyXuatSac,
        Computed::CertAgencyKha,
        Computed::CertAgencyTrungBinh,
        Computed::CertEnterpriseXuatSac,
        Computed::CertEnterpriseKha,
        Computed::CertEnterpriseTrungBinh,
        Computed::CertSchoolXuatSac,
        Computed::CertSchoolKha,
        Computed::CertSchoolTrungBinh,
        Computed::CertReligiousXuatSac,
        Computed::CertReligiousKha,
        Computed::CertReligiousTrungBinh,
        Computed::ForcesTeams,
        Computed::ForcesMembers,
        Computed::TrainingClasses,
        Computed::TrainingTrainees,
        Computed::CommendationsCollective,
        Computed::CommendationsIndividual,
        Computed::FestivalSites,
        Computed::TipsReceived,
        Computed::TipsVneid,
        Computed::TipsValuable,
        Computed::TipsCasesSolved,
        Computed::TipsArrests,
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
            Computed::CertResidentialXuatSac => "certification.residential.xuat_sac",
            Computed::CertResidentialKha => "certification.residential.kha",
            Computed::CertResidentialTrungBinh => "certification.residential.trung_binh",
            Computed::CertCommuneXuatSac => "certification.commune.xuat_sac",
            Computed::CertCommuneKha => "certification.commune.kha",
            Computed::CertCommuneTrungBinh => "certification.commune.trung_binh",
            Computed::CertAgencyXuatSac => "certification.agency.xuat_sac",
            Computed::CertAgencyKha => "certification.agency.kha",
            Computed::CertAgencyTrungBinh => "certification.agency.trung_binh",
            Computed::CertEnterpriseXuatSac => "certification.enterprise.xuat_sac",
            Computed::CertEnterpriseKha => "certification.enterprise.kha",
            Computed::CertEnterpriseTrungBinh => "certification.enterprise.trung_binh",
            Computed::CertSchoolXuatSac => "certification.school.xuat_sac",
            Computed::CertSchoolKha => "certification.school.kha",
            Computed::CertSchoolTrungBinh => "certification.school.trung_binh",
            Computed::CertReligiousXuatSac => "certification.religious.xuat_sac",
            Computed::CertReligiousKha => "certification.religious.kha",
            Computed::CertReligiousTrungBinh => "certification.religious.trung_binh",
            Computed::ForcesTeams => "forces.teams",
            Computed::ForcesMembers => "forces.members",
            Computed::TrainingClasses => "training.classes",
            Computed::TrainingTrainees => "training.trainees",
            Computed::CommendationsCollective => "commendations.collective",
            Computed::CommendationsIndividual => "commendations.individual",
            Computed::FestivalSites => "festivals.sites",
            Computed::TipsReceived => "tips.received",
            Computed::TipsVneid => "tips.vneid",
            Computed::TipsValuable => "tips.valuable",
            Computed::TipsCasesSolved => "tips.cases_solved",
            Computed::TipsArrests => "tips.arrests",
        }
    }

    pub fn register(self) -> Register {
        match self {
            Computed::ForcesTeams | Computed::ForcesMembers => Register::Forces,
            Computed::TrainingClasses | Computed::TrainingTrainees => Register::Training,
            Computed::CommendationsCollective | Computed::CommendationsIndividual => {
                Register::Commendations
            }
            Computed::FestivalSites => Register::Festivals,
            Computed::TipsReceived
            | Computed::TipsVneid
            | Computed::TipsValuable
            | Computed::TipsCasesSolved
            | Computed::TipsArrests => Register::Tips,
            _ if self.certification().is_some() => Register::Certification,
            _ => Register::Models,
        }
    }

    /// A certification figure: the kind it counts and what of it.
    pub fn certification(self) -> Option<(Kind, Tally)> {
        match self {
            Computed::CertResidentialEligible => Some((Kind::Residential, Tally::Eligible)),
            Computed::CertResidentialCertified => Some((Kind::Residential, Tally::Certified)),
            Computed::CertResidentialXuatSac => Some((
                Kind::Residential,
                Tally::Classified(Classification::XuatSac),
            )),
            Computed::CertResidentialKha => {
                Some((Kind::Residential, Tally::Classified(Classification::Kha)))
            }
            Computed::CertResidentialTrungBinh => Some((
                Kind::Residential,
                Tally::Classified(Classification::TrungBinh),
            )),
            Computed::CertCommuneCertified => Some((Kind::Commune, Tally::Certified)),
            Computed::CertCommuneXuatSac => {
                Some((Kind::Commune, Tally::Classified(Classification::XuatSac)))
            }
            Computed::CertCommuneKha => {
                Some((Kind::Commune, Tally::Classified(Classification::Kha)))
            }
            Computed::CertCommuneTrungBinh => {
                Some((Kind::Commune, Tally::Classified(Classification::TrungBinh)))
            }
            Computed::CertAgencyEligible => Some((Kind::Agency, Tally::Eligible)),
            Computed::CertAgencyCertified => Some((Kind::Agency, Tally::Certified)),
            Computed::CertAgencyXuatSac => {
                Some((Kind::Agency, Tally::Classified(Classification::XuatSac)))
            }
            Computed::CertAgencyKha => Some((Kind::Agency, Tally::Classified(Classification::Kha))),
            Computed::CertAgencyTrungBinh => {
                Some((Kind::Agency, Tally::Classified(Classification::TrungBinh)))
            }
            Computed::CertEnterpriseEligible => Some((Kind::Enterprise, Tally::Eligible)),
            Computed::CertEnterpriseCertified => Some((Kind::Enterprise, Tally::Certified)),
            Computed::CertEnterpriseXuatSac => {
                Some((Kind::Enterprise, Tally::Classified(Classification::XuatSac)))
            }
            Computed::CertEnterpriseKha => {
                Some((Kind::Enterprise, Tally::Classified(Classification::Kha)))
            }
            Computed::CertEnterpriseTrungBinh => Some((
                Kind::Enterprise,
                Tally::Classified(Classification::TrungBinh),
            )),
            Computed::CertSchoolEligible => Some((Kind::School, Tally::Eligible)),
            Computed::CertSchoolCertified => Some((Kind::School, Tally::Certified)),
            Computed::CertSchoolXuatSac => {
                Some((Kind::School, Tally::Classified(Classification::XuatSac)))
            }
            Computed::CertSchoolKha => Some((Kind::School, Tally::Classified(Classification::Kha))),
            Computed::CertSchoolTrungBinh => {
                Some((Kind::School, Tally::Classified(Classification::TrungBinh)))
            }
            Computed::CertReligiousEligible => Some((Kind::Religious, Tally::Eligible)),
            Computed::CertReligiousCertified => Some((Kind::Religious, Tally::Certified)),
            Computed::CertReligiousXuatSac => {
                Some((Kind::Religious, Tally::Classified(Classification::XuatSac)))
            }
            Computed::CertReligiousKha => {
                Some((Kind::Religious, Tally::Classified(Classification::Kha)))
            }
            Computed::CertReligiousTrungBinh => Some((
                Kind::Religious,
                Tally::Classified(Classification::TrungBinh),
            )),
            _ => None,
        }
    }

    pub fn measure(self) -> Measure {
        match self {
            Computed::ModelsNew
            | Computed::ModelsReplicated
            | Computed::TrainingClasses
            | Computed::TrainingTrainees
            | Computed::CommendationsCollective
            | Computed::CommendationsIndividual
            | Computed::FestivalSites
            | Computed::TipsReceived
            | Computed::TipsVneid
            | Computed::TipsValuable
            | Computed::TipsCasesSolved
            | Computed::TipsArrests => Measure::Flow,
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
            Computed::CertResidentialXuatSac => (
                "khu dân cư được công nhận, xếp loại Xuất sắc (sổ xét công nhận)",
                "residential areas certified as excellent (certification register)",
            ),
            Computed::CertResidentialKha => (
                "khu dân cư được công nhận, xếp loại Khá (sổ xét công nhận)",
                "residential areas certified as good (certification register)",
            ),
            Computed::CertResidentialTrungBinh => (
                "khu dân cư được công nhận, xếp loại Trung bình (sổ xét công nhận)",
                "residential areas certified as average (certification register)",
            ),
            Computed::CertCommuneXuatSac => (
                "xã, phường, đặc khu được công nhận, xếp loại Xuất sắc (sổ xét công nhận)",
                "the commune certified as excellent (certification register)",
            ),
            Computed::CertCommuneKha => (
                "xã, phường, đặc khu được công nhận, xếp loại Khá (sổ xét công nhận)",
                "the commune certified as good (certification register)",
            ),
            Computed::CertCommuneTrungBinh => (
                "xã, phường, đặc khu được công nhận, xếp loại Trung bình (sổ xét công nhận)",
                "the commune certified as average (certification register)",
            ),
            Computed::CertAgencyXuatSac => (
                "cơ quan được công nhận, xếp loại Xuất sắc (sổ xét công nhận)",
                "agencies certified as excellent (certification register)",
            ),
            Computed::CertAgencyKha => (
                "cơ quan được công nhận, xếp loại Khá (sổ xét công nhận)",
                "agencies certified as good (certification register)",
            ),
            Computed::CertAgencyTrungBinh => (
                "cơ quan được công nhận, xếp loại Trung bình (sổ xét công nhận)",
                "agencies certified as average (certification register)",
            ),
            Computed::CertEnterpriseXuatSac => (
                "doanh nghiệp được công nhận, xếp loại Xuất sắc (sổ xét công nhận)",
                "enterprises certified as excellent (certification register)",
            ),
            Computed::CertEnterpriseKha => (
                "doanh nghiệp được công nhận, xếp loại Khá (sổ xét công nhận)",
                "enterprises certified as good (certification register)",
            ),
            Computed::CertEnterpriseTrungBinh => (
                "doanh nghiệp được công nhận, xếp loại Trung bình (sổ xét công nhận)",
                "enterprises certified as average (certification register)",
            ),
            Computed::CertSchoolXuatSac => (
                "cơ sở giáo dục được công nhận, xếp loại Xuất sắc (sổ xét công nhận)",
                "schools certified as excellent (certification register)",
            ),
            Computed::CertSchoolKha => (
                "cơ sở giáo dục được công nhận, xếp loại Khá (sổ xét công nhận)",
                "schools certified as good (certification register)",
            ),
            Computed::CertSchoolTrungBinh => (
                "cơ sở giáo dục được công nhận, xếp loại Trung bình (sổ xét công nhận)",
                "schools certified as average (certification register)",
            ),
            Computed::CertReligiousXuatSac => (
                "cơ sở tôn giáo được công nhận, xếp loại Xuất sắc (sổ xét công nhận)",
                "religious establishments certified as excellent (certification register)",
            ),
            Computed::CertReligiousKha => (
                "cơ sở tôn giáo được công nhận, xếp loại Khá (sổ xét công nhận)",
                "religious establishments certified as good (certification register)",
            ),
            Computed::CertReligiousTrungBinh => (
                "cơ sở tôn giáo được công nhận, xếp loại Trung bình (sổ xét công nhận)",
                "religious establishments certified as average (certification register)",
            ),
            Computed::ForcesTeams => (
                "tổ bảo vệ an ninh, trật tự (cả lực lượng trước 01/7/2024) hoạt động vào ngày cuối kỳ (sổ tổ bảo vệ ANTT)",
                "security teams (the forces before 1 July 2024 too) active on the period's last day (forces register)",
            ),
            Computed::ForcesMembers => (
                "thành viên các tổ đó vào ngày cuối kỳ (sổ tổ bảo vệ ANTT)",
                "members of those teams on the period's last day (forces register)",
            ),
            Computed::TrainingClasses => (
                "lớp tập huấn kết thúc trong kỳ, do đơn vị tổ chức (sổ tập huấn)",
                "training classes ending during the period, run by the unit (training register)",
            ),
            Computed::TrainingTrainees => (
                "lượt người dự các lớp đó, có mặt ít nhất một buổi (sổ tập huấn)",
                "trainee-times of those classes, present at one session at least (training register)",
            ),
            Computed::CommendationsCollective => (
                "tập thể được khen thưởng theo quyết định trong kỳ (sổ khen thưởng)",
                "collectives commended by a decision of the period (commendations register)",
            ),
            Computed::CommendationsIndividual => (
                "cá nhân được khen thưởng theo quyết định trong kỳ (sổ khen thưởng)",
                "individuals commended by a decision of the period (commendations register)",
            ),
            Computed::FestivalSites => (
                "thôn, tổ dân phố, cơ sở tổ chức Ngày hội toàn dân bảo vệ ANTQ trong kỳ (sổ Ngày hội)",
                "villages and sites holding the festival during the period (festival register)",
            ),
            Computed::TipsReceived => (
                "tin báo nhận được trong kỳ, mọi nguồn (sổ tin báo)",
                "tips received during the period, every channel (tips register)",
            ),
            Computed::TipsVneid => (
                "tin báo nhận qua ứng dụng VNeID trong kỳ (sổ tin báo)",
                "tips received through the VNeID app during the period (tips register)",
            ),
            Computed::TipsValuable => (
                "tin báo nhận trong kỳ được kết luận có giá trị (sổ tin báo)",
                "tips received during the period found valuable (tips register)",
            ),
            Computed::TipsCasesSolved => (
                "vụ án làm rõ nhờ các tin báo nhận trong kỳ (sổ tin báo)",
                "cases solved thanks to the tips received during the period (tips register)",
            ),
            Computed::TipsArrests => (
                "đối tượng bị bắt nhờ các tin báo nhận trong kỳ (sổ tin báo)",
                "people arrested thanks to the tips received during the period (tips register)",
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
