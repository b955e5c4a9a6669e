//! Catalogues owned by a level (issue 16): a province's own model types
//! apply at its units only (today's and the legacy ones it took over); a
//! national type a province hid is no longer offered there, and stays on
//! the models that have it.

use chrono::NaiveDate;
use domain::accounts::{NewPassword, Role};
use domain::catalogue::{Catalogue, Owner};
use domain::models::{ModelInput, ModelRefs, ModelType, ModelTypeInput, NewModel, NewModelType};
use domain::org_units::{Level, OrgUnit};
use store::accounts::{self, NewUser, Scope};
use store::audit::Author;
use store::catalogue;
use store::models::{self, types};
use store::org_units::{self as units, reference};
use store::testing::TestDb;
use store::{Db, StoreError};

const TODAY: &str = "2026-11-29";

pub(crate) fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub(crate) async fn unit(db: &Db, level: Level, code: &str, on: &str) -> OrgUnit {
    units::resolve_code(db, level, code, date(on))
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{code} on {on}"))
}

pub(crate) async fn staff(db: &Db, username: &str, province: i64) -> i64 {
    let password_hash = NewPassword::parse("mat-khau-do-dai-du")
        .unwrap()
        .hash()
        .unwrap();
    let user = NewUser {
        username: username.into(),
        display_name: username.into(),
        password_hash,
        role: Role::ProvinceStaff,
        scopes: vec![province],
        must_change_password: false,
    };
    accounts::create_user(db, Author::System, &user)
        .await
        .unwrap()
}

fn new_type(code: &str) -> NewModelType {
    let input = ModelTypeInput {
        code: Some(code.into()),
        name: Some(format!("Loại {code}")),
        sector: Some("residential".into()),
        targets: Some(vec!["commune".into(), "village".into()]),
        ..Default::default()
    };
    NewModelType::parse(&input, None, date(TODAY)).unwrap()
}

fn model(t: &ModelType, u: &OrgUnit, name: &str, founded: &str) -> NewModel {
    let input = ModelInput {
        type_id: Some(t.id),
        org_unit_id: Some(u.id),
        name: Some(name.into()),
        founded_on: Some(founded.into()),
        ..Default::default()
    };
    let refs = ModelRefs {
        model_type: Some(t),
        unit: Some(u),
        exemplar: None,
        this: None,
    };
    NewModel::parse(&input, &refs, date(TODAY)).unwrap()
}

fn not_used_here(r: Result<models::ModelRow, StoreError>) -> bool {
    matches!(r, Err(StoreError::Invalid(e)) if e.code() == "type_not_used_here")
}

#[tokio::test]
async fn a_province_keeps_its_own_types_and_hides_national_ones() {
    for t in TestDb::all().await.unwrap() {
        let (db, l) = (&t.db, t.label);
        reference::load(db, &reference::ReferenceData::embedded(), false)
            .await
            .unwrap();
        types::load_catalogue(db, types::DEFAULT_CATALOGUE, date(TODAY))
            .await
            .unwrap();
        let ninh_binh = unit(db, Level::Province, "37", TODAY).await;
        let ha_noi = unit(db, Level::Province, "01", TODAY).await;
        let phuong_nam_dinh = unit(db, Level::Commune, "13669", TODAY).await;
        // A commune of legacy Nam Định, which Ninh Bình took over.
        let vi_xuyen = unit(db, Level::Commune, "13636", "2022-01-01").await;
        let ba_dinh = unit(db, Level::Commune, "00004", TODAY).await;
        let nb_staff = staff(db, "tinh.nb", ninh_binh.id).await;
        let hn_staff = staff(db, "tinh.hn", ha_noi.id).await;
        let nb = catalogue::provinces_of_user(db, Scope::User(nb_staff))
            .await
            .unwrap()
            .unwrap();
        let hn = catalogue::provinces_of_user(db, Scope::User(hn_staff))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (nb.clone(), hn.clone()),
            (vec![ninh_binh.id], vec![ha_noi.id]),
            "{l}"
        );
        assert_eq!(
            catalogue::provinces_of_user(db, Scope::All).await.unwrap(),
            None,
            "{l}"
        );

        // Ninh Bình's own type: listed for Ninh Bình and for the whole
        // country, not for Hà Nội.
        let own = types::create(
            db,
            Author::User(nb_staff),
            Owner::Province(ninh_binh.id),
            &new_type("nb_rieng"),
        )
        .await
        .unwrap();
        let codes = |items: Vec<types::Listed>| -> Vec<String> {
            items.into_iter().map(|t| t.model_type.code).collect()
        };
        let listed = |p: Option<Vec<i64>>| async move {
            codes(types::listed(db, p.as_deref(), false).await.unwrap())
        };
        assert!(listed(Some(nb.clone())).await.contains(&own.code), "{l}");
        assert!(listed(None).await.contains(&own.code), "{l}");
        assert!(!listed(Some(hn.clone())).await.contains(&own.code), "{l}");
        assert!(
            types::entry(db, own.id, Some(&hn)).await.unwrap().is_none(),
            "{l}"
        );
        let entry = types::entry(db, own.id, Some(&nb)).await.unwrap().unwrap();
        assert_eq!(
            entry.owner_name.as_deref(),
            Some(ninh_binh.name.as_str()),
            "{l}"
        );

        // Used at Ninh Bình's units, today's and legacy ones; not in Hà Nội.
        models::create(
            db,
            Author::System,
            Scope::All,
            &model(&own, &phuong_nam_dinh, "Mô hình riêng", "2026-01-05"),
        )
        .await
        .unwrap();
        models::create(
            db,
            Author::System,
            Scope::All,
            &model(&own, &vi_xuyen, "Mô hình riêng cũ", "2022-01-05"),
        )
        .await
        .unwrap();
        let refused = models::create(
            db,
            Author::System,
            Scope::All,
            &model(&own, &ba_dinh, "Không được", "2026-01-05"),
        )
        .await;
        assert!(not_used_here(refused), "{l}");

        // A national type Ninh Bình hides: still listed there (marked),
        // no longer a choice, refused for new models, kept on old ones.
        let national = types::list(db, false)
            .await
            .unwrap()
            .into_iter()
            .find(|t| t.code == "tu_quan_antt")
            .unwrap();
        assert_eq!(national.owner, Owner::National, "{l}");
        let before = models::create(
            db,
            Author::System,
            Scope::All,
            &model(
                &national,
                &phuong_nam_dinh,
                "Tự quản trước khi ẩn",
                "2025-09-01",
            ),
        )
        .await
        .unwrap();
        let hide = |hidden: bool| {
            catalogue::set_hidden(
                db,
                Author::User(nb_staff),
                Catalogue::ModelType,
                national.id,
                Owner::National,
                ninh_binh.id,
                hidden,
            )
        };
        let records = audit_count(db).await;
        hide(true).await.unwrap();
        assert_eq!(
            audit_count(db).await,
            records + 1,
            "{l}: the hiding is audited"
        );
        hide(true).await.unwrap();
        assert_eq!(
            audit_count(db).await,
            records + 1,
            "{l}: hiding again writes nothing"
        );
        let seen = types::entry(db, national.id, Some(&nb))
            .await
            .unwrap()
            .unwrap();
        assert!(seen.hidden, "{l}");
        // What a new model's form offers: listed, not hidden.
        let choices = |p: Vec<i64>| async move {
            types::listed(db, Some(&p), false)
                .await
                .unwrap()
                .into_iter()
                .filter(|t| !t.hidden)
                .map(|t| t.model_type.code)
                .collect::<Vec<_>>()
        };
        assert!(!choices(nb.clone()).await.contains(&national.code), "{l}");
        assert!(choices(hn.clone()).await.contains(&national.code), "{l}");
        let refused = models::create(
            db,
            Author::System,
            Scope::All,
            &model(
                &national,
                &phuong_nam_dinh,
                "Tự quản sau khi ẩn",
                "2026-01-05",
            ),
        )
        .await;
        assert!(not_used_here(refused), "{l}");
        models::create(
            db,
            Author::System,
            Scope::All,
            &model(&national, &ba_dinh, "Tự quản Ba Đình", "2026-01-05"),
        )
        .await
        .unwrap();
        let renamed = model(
            &national,
            &phuong_nam_dinh,
            "Tự quản (đổi tên)",
            "2025-09-01",
        );
        models::update(db, Author::System, Scope::All, before.id, &renamed)
            .await
            .unwrap_or_else(|e| panic!("{l}: a model keeps a type hidden since: {e}"));
        hide(false).await.unwrap();
        assert!(choices(nb.clone()).await.contains(&national.code), "{l}");

        // Only national entries are hidden; owners are current provinces.
        let own_hidden = catalogue::set_hidden(
            db,
            Author::User(nb_staff),
            Catalogue::ModelType,
            own.id,
            own.owner,
            ninh_binh.id,
            true,
        )
        .await;
        assert!(matches!(own_hidden, Err(StoreError::Conflict(_))), "{l}");
        let commune_owned = types::create(
            db,
            Author::System,
            Owner::Province(ba_dinh.id),
            &new_type("xa_rieng"),
        )
        .await;
        assert!(
            matches!(&commune_owned, Err(StoreError::Invalid(e)) if e.code() == "owner_not_province"),
            "{l}: {commune_owned:?}"
        );
    }
}

async fn audit_count(db: &Db) -> i64 {
    let q = store::audit::AuditQuery {
        page: domain::page::Page::parse(Some("1"), Some("1")).unwrap(),
        ..Default::default()
    };
    store::audit::search(db, Scope::All, &q).await.unwrap().1
}

/// A database loaded with an older statistics catalogue gets the shipped
/// corrections with one apply (an indicator becomes computed, a dropped
/// shipped rule is retired), keeps what a person changed, and a second
/// apply changes nothing.
#[tokio::test]
async fn the_shipped_statistics_catalogue_reaches_an_existing_database() {
    use domain::statistics::{Computed, IndicatorInput, NewIndicator, NewRule, RuleInput};
    use store::statistics;
    for t in TestDb::all().await.unwrap() {
        let (db, l) = (&t.db, t.label);
        reference::load(db, &reference::ReferenceData::embedded(), false)
            .await
            .unwrap();
        statistics::load_catalogue(db).await.unwrap();
        let find = async |code: &str| {
            statistics::indicators(db, None)
                .await
                .unwrap()
                .into_iter()
                .find(|i| i.code == code)
                .unwrap()
        };
        let as_input = |i: &domain::statistics::Indicator, name: &str| IndicatorInput {
            code: i.code.clone(),
            name: name.into(),
            unit: i.unit.as_str().into(),
            aggregation: i.aggregation.as_str().into(),
            allow_negative: i.allow_negative,
            min_value: i.min_value,
            max_value: i.max_value,
            description: i.description.clone(),
            active: Some(i.active),
            computed: None,
            owner_id: None,
            data_set: None,
        };
        // As an older release shipped it: typed, under another name.
        let so = find("so_mo_hinh").await;
        let old = NewIndicator::parse(&as_input(&so, "Số mô hình (cũ)")).unwrap();
        statistics::update_indicator(db, Author::System, so.id, &old)
            .await
            .unwrap();
        let rule = RuleInput {
            data_set: "bao_cao_thang".into(),
            expression: "tin_bao >= tin_bao_vneid".into(),
            severity: "warning".into(),
            message: "Quy tắc cũ".into(),
            owner_id: None,
        };
        let old_rule = NewRule::parse(&rule).unwrap();
        let r = statistics::create_rule(db, Author::System, Owner::National, &old_rule)
            .await
            .unwrap();
        // A person renamed another indicator here.
        let admin = staff(
            db,
            "quan_tri_chi_tieu",
            unit(db, Level::Province, "37", TODAY).await.id,
        )
        .await;
        let tin_bao = find("tin_bao").await;
        let mine = NewIndicator::parse(&as_input(&tin_bao, "Tin báo (tên của tỉnh)")).unwrap();
        statistics::update_indicator(db, Author::User(admin), tin_bao.id, &mine)
            .await
            .unwrap();

        let done = statistics::apply_catalogue(db).await.unwrap();
        assert_eq!((done.updated, done.retired), (1, 1), "{l}: {done:?}");
        assert_eq!(done.kept, vec!["indicator:tin_bao".to_string()], "{l}");
        let so = find("so_mo_hinh").await;
        assert_eq!(so.computed, Some(Computed::ModelsActive), "{l}");
        assert_ne!(so.name, "Số mô hình (cũ)", "{l}");
        assert_eq!(find("tin_bao").await.name, "Tin báo (tên của tỉnh)", "{l}");
        let rules = statistics::rules(db, None).await.unwrap();
        assert!(!rules.iter().find(|x| x.id == r.id).unwrap().active, "{l}");

        let again = statistics::apply_catalogue(db).await.unwrap();
        assert_eq!(
            (again.added, again.updated, again.retired),
            (0, 0, 0),
            "{l}: {again:?}"
        );
    }
}

/// Ninh Bình's own indicator on the national monthly form, its own rule
/// and its own data set reach its units' forms only; the national rule it
/// hid no longer checks its forms, and still checks Hà Nội's.
#[tokio::test]
async fn a_province_keeps_its_own_statistics_beside_the_national_ones() {
    use domain::statistics::{
        DataSetInput, IndicatorInput, NewDataSet, NewIndicator, NewRule, Period, RuleInput,
    };
    use store::statistics::values::{self, FormKey, ValueWrite, Who};
    use store::statistics::{self};
    for t in TestDb::all().await.unwrap() {
        let (db, l) = (&t.db, t.label);
        reference::load(db, &reference::ReferenceData::embedded(), false)
            .await
            .unwrap();
        statistics::load_catalogue(db).await.unwrap();
        crate::tips_typed(db).await;
        let ninh_binh = unit(db, Level::Province, "37", TODAY).await;
        let ha_noi = unit(db, Level::Province, "01", TODAY).await;
        let phuong_nam_dinh = unit(db, Level::Commune, "13669", TODAY).await;
        let ba_dinh = unit(db, Level::Commune, "00004", TODAY).await;
        let nb_staff = staff(db, "tinh.nb.tk", ninh_binh.id).await;
        let nb = Owner::Province(ninh_binh.id);
        let indicator = |code: &str| {
            NewIndicator::parse(&IndicatorInput {
                code: code.into(),
                name: format!("Chỉ tiêu {code}"),
                unit: "count".into(),
                aggregation: "sum".into(),
                ..Default::default()
            })
            .unwrap()
        };
        let author = Author::User(nb_staff);
        statistics::create_indicator(db, author, nb, &indicator("nb_them"), Some("bao_cao_thang"))
            .await
            .unwrap();
        let rule = |expression: &str| {
            NewRule::parse(&RuleInput {
                data_set: "bao_cao_thang".into(),
                expression: expression.into(),
                severity: "error".into(),
                message: format!("Quy tắc {expression}"),
                owner_id: None,
            })
            .unwrap()
        };
        statistics::create_rule(db, author, nb, &rule("nb_them <= tin_bao"))
            .await
            .unwrap();
        // A national rule cannot read a province's indicator.
        let national =
            statistics::create_rule(db, Author::System, Owner::National, &rule("nb_them <= 1"))
                .await;
        assert!(
            format!("{national:?}").contains("RuleIndicatorOutsideSet"),
            "{l}: {national:?}"
        );
        let hidden_rule = statistics::rules(db, None)
            .await
            .unwrap()
            .into_iter()
            .find(|r| r.expression == "tin_bao_co_gia_tri <= tin_bao")
            .unwrap();
        catalogue::set_hidden(
            db,
            author,
            Catalogue::ValidationRule,
            hidden_rule.id,
            Owner::National,
            ninh_binh.id,
            true,
        )
        .await
        .unwrap();
        statistics::create_indicator(db, author, nb, &indicator("nb_rieng_1"), None)
            .await
            .unwrap();
        let own_set = statistics::create_data_set(
            db,
            author,
            nb,
            &NewDataSet::parse(&DataSetInput {
                code: "nb_rieng".into(),
                name: "Báo cáo riêng của tỉnh".into(),
                period_type: "month".into(),
                calendar: "cut_off".into(),
                entry: "commune".into(),
                approval_levels: vec!["province".into()],
                indicators: vec!["nb_rieng_1".into()],
                ..Default::default()
            })
            .unwrap(),
        )
        .await
        .unwrap();
        // Another province's set is not Hà Nội's to add to.
        let hn_into_nb = statistics::create_indicator(
            db,
            Author::System,
            Owner::Province(ha_noi.id),
            &indicator("hn_vao_nb"),
            Some("nb_rieng"),
        )
        .await;
        assert!(
            format!("{hn_into_nb:?}").contains("OtherOwnersEntry"),
            "{l}: {hn_into_nb:?}"
        );

        // Lists: Hà Nội sees none of Ninh Bình's entries.
        let codes = |v: Vec<domain::statistics::Indicator>| -> Vec<String> {
            v.into_iter().map(|i| i.code).collect()
        };
        let hn_list = codes(
            statistics::indicators(db, Some(&[ha_noi.id]))
                .await
                .unwrap(),
        );
        let nb_list = codes(
            statistics::indicators(db, Some(&[ninh_binh.id]))
                .await
                .unwrap(),
        );
        assert!(!hn_list.contains(&"nb_them".to_string()), "{l}");
        assert!(nb_list.contains(&"nb_them".to_string()), "{l}");
        let sets = statistics::data_sets(db, Some(&[ha_noi.id])).await.unwrap();
        assert!(!sets.iter().any(|s| s.code == "nb_rieng"), "{l}");

        let monthly = statistics::data_set_by_code(db, "bao_cao_thang")
            .await
            .unwrap()
            .unwrap();
        let who = Who {
            author: Author::System,
            role: Role::Admin,
            scope: Scope::All,
        };
        let p = Period::parse("p", "2026-10").unwrap();
        let write = |code: &str, unit: &OrgUnit, v: f64| ValueWrite {
            indicator: code.into(),
            org_unit: unit.id,
            period: p,
            value: Some(v),
            comment: None,
        };
        // Hà Nội's commune cannot enter Ninh Bình's indicator.
        let refused = values::write(db, who, &[write("nb_them", &ba_dinh, 1.0)], date(TODAY)).await;
        assert!(
            format!("{refused:?}").contains("IndicatorNotUsedHere"),
            "{l}: {refused:?}"
        );
        for u in [&phuong_nam_dinh, &ba_dinh] {
            values::write(
                db,
                who,
                &[
                    write("tin_bao", u, 7.0),
                    write("tin_bao_co_gia_tri", u, 9.0),
                ],
                date(TODAY),
            )
            .await
            .unwrap();
        }
        values::write(
            db,
            who,
            &[write("nb_them", &phuong_nam_dinh, 8.0)],
            date(TODAY),
        )
        .await
        .unwrap();
        let form = async |u: &OrgUnit| {
            let key = FormKey {
                set: monthly.id,
                unit: u.id,
                period: p,
            };
            values::form(db, who, key, date(TODAY)).await.unwrap()
        };
        let nb_form = form(&phuong_nam_dinh).await;
        let hn_form = form(&ba_dinh).await;
        let has = |f: &values::Form, code: &str| f.indicators.iter().any(|i| i.code == code);
        assert!(has(&nb_form, "nb_them") && !has(&hn_form, "nb_them"), "{l}");
        let broken = |f: &values::Form| -> Vec<String> {
            f.problems
                .iter()
                .filter(|p| p.severity == "error")
                .map(|p| p.message.clone())
                .collect()
        };
        // Ninh Bình: its own rule is broken, the national rule it hid is not checked.
        assert_eq!(
            broken(&nb_form),
            // The rule's expression names the indicators as people know them.
            vec![
                "Quy tắc nb_them <= tin_bao (Chỉ tiêu nb_them ≤ Tin báo của quần chúng nhân dân)"
                    .to_string()
            ],
            "{l}"
        );
        assert_eq!(broken(&hn_form).len(), 1, "{l}: {:?}", broken(&hn_form));
        assert!(
            broken(&hn_form)[0].contains(" ≤ Tin báo của quần chúng nhân dân"),
            "{l}"
        );
        // Ninh Bình's own data set: its communes only.
        let own_key = |u: &OrgUnit| FormKey {
            set: own_set.set.id,
            unit: u.id,
            period: p,
        };
        assert!(
            values::form(db, who, own_key(&phuong_nam_dinh), date(TODAY))
                .await
                .is_ok(),
            "{l}"
        );
        let hn_own = values::form(db, who, own_key(&ba_dinh), date(TODAY)).await;
        assert!(
            matches!(hn_own, Err(StoreError::NotFound)),
            "{l}: {hn_own:?}"
        );
    }
}
