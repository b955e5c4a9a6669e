//! Fields and kinds of place kept as data (issue 16): a province adds its
//! own beside the national lists, uses them for its types and sites, and
//! nobody else can; files name them by name.

use domain::catalogue::Owner;
use domain::file::{Done, Imported, Mode};
use domain::models::type_file::TypeRow;
use domain::models::{ModelTypeInput, NewModelType};
use domain::org_units::{Level, NewUnit, NewUnitInput};
use domain::vocabulary::{EntryInput, NewEntry, Vocabulary};
use store::audit::Author;
use store::models::types;
use store::org_units::{self as units, reference};
use store::testing::TestDb;
use store::{vocabulary, Db, StoreError};

use super::catalogue::{date, staff, unit};

const TODAY: &str = "2026-11-29";

fn entry(code: Option<&str>, name: &str, v: Vocabulary) -> NewEntry {
    let input = EntryInput {
        code: code.map(str::to_string),
        name: Some(name.into()),
        owner_id: None,
    };
    NewEntry::parse(v, &input).unwrap()
}

fn new_type(code: &str, field: &str, targets: &[&str]) -> NewModelType {
    let input = ModelTypeInput {
        code: Some(code.into()),
        name: Some(format!("Loại {code}")),
        sector: Some(field.into()),
        targets: Some(targets.iter().map(|t| t.to_string()).collect()),
        ..Default::default()
    };
    NewModelType::parse(&input, None, date(TODAY)).unwrap()
}

fn refused_code(r: Result<impl std::fmt::Debug, StoreError>) -> String {
    match r {
        Err(StoreError::Invalid(e)) => e.code().to_string(),
        Err(StoreError::Conflict(reason)) => format!("conflict:{}", reason.code()),
        other => panic!("not refused: {other:?}"),
    }
}

async fn site(
    db: &Db,
    kind: &str,
    name: &str,
    parent: &domain::org_units::OrgUnit,
) -> Result<units::UnitView, StoreError> {
    let input = NewUnitInput {
        level: Some("site".into()),
        kind: Some(kind.into()),
        name: Some(name.into()),
        parent_id: Some(parent.id),
        ..Default::default()
    };
    let u = NewUnit::parse(&input, Some(parent)).unwrap();
    units::create(db, Author::System, &u).await
}

fn row(n: usize, code: &str, field: &str, places: &[&str]) -> TypeRow {
    TypeRow {
        row: n,
        input: ModelTypeInput {
            code: Some(code.into()),
            name: Some(format!("Loại {code}")),
            sector: Some(field.into()),
            targets: Some(places.iter().map(|p| p.to_string()).collect()),
            ..Default::default()
        },
        source: None,
    }
}

#[tokio::test]
async fn a_province_adds_fields_and_kinds_of_place_that_only_it_uses() {
    for t in TestDb::all().await.unwrap() {
        let (db, l) = (&t.db, t.label);
        reference::load(db, &reference::ReferenceData::embedded(), false)
            .await
            .unwrap();
        let ninh_binh = unit(db, Level::Province, "37", TODAY).await;
        let ha_noi = unit(db, Level::Province, "01", TODAY).await;
        let phuong_nam_dinh = unit(db, Level::Commune, "13669", TODAY).await;
        let ba_dinh = unit(db, Level::Commune, "00004", TODAY).await;
        let nb_staff = staff(db, "tinh.nb", ninh_binh.id).await;
        let (nb, hn) = (Owner::Province(ninh_binh.id), Owner::Province(ha_noi.id));

        // The national lists ship with the release.
        let fields = vocabulary::list(db, Vocabulary::Field, Some(&[]))
            .await
            .unwrap();
        let kinds = vocabulary::list(db, Vocabulary::PlaceKind, Some(&[]))
            .await
            .unwrap();
        assert_eq!(
            (fields.entries().len(), kinds.entries().len()),
            (15, 7),
            "{l}"
        );
        assert_eq!(fields.name("residential"), "Khu dân cư", "{l}");

        // Ninh Bình adds a field and a kind of place; the code of the
        // second comes from its name.
        let du_lich = entry(Some("nb_du_lich"), "Du lịch", Vocabulary::Field);
        vocabulary::create(db, Author::User(nb_staff), Vocabulary::Field, nb, &du_lich)
            .await
            .unwrap();
        let ben = entry(None, "Bến thuyền du lịch", Vocabulary::PlaceKind);
        let ben = vocabulary::create(db, Author::User(nb_staff), Vocabulary::PlaceKind, nb, &ben)
            .await
            .unwrap();
        assert_eq!(ben.code.as_str(), "ben_thuyen_du_lich", "{l}");

        // A code is one entry's across every list's owners; a name is one
        // entry's among those an owner may use.
        let again = vocabulary::create(db, Author::System, Vocabulary::Field, hn, &du_lich).await;
        assert_eq!(refused_code(again), "conflict:vocabulary_code_taken", "{l}");
        let same_name = entry(Some("nb_khu_dan_cu"), "KHU DÂN CƯ", Vocabulary::Field);
        let r = vocabulary::create(db, Author::System, Vocabulary::Field, nb, &same_name).await;
        assert_eq!(refused_code(r), "vocabulary_name_taken", "{l}");
        // Hà Nội may call its own field what Ninh Bình calls its.
        let hn_du_lich = entry(Some("hn_du_lich"), "Du lịch", Vocabulary::Field);
        vocabulary::create(db, Author::System, Vocabulary::Field, hn, &hn_du_lich)
            .await
            .unwrap();

        // Lists: the national entries and one's own province's.
        let nb_fields = vocabulary::list(db, Vocabulary::Field, Some(&[ninh_binh.id]))
            .await
            .unwrap();
        assert!(
            nb_fields.contains("nb_du_lich") && !nb_fields.contains("hn_du_lich"),
            "{l}"
        );
        let all = vocabulary::list(db, Vocabulary::Field, None).await.unwrap();
        assert_eq!(all.entries().len(), 17, "{l}");

        // Ninh Bình's types may use its field and kind; a national type
        // or Hà Nội's may not, and is told what it may choose.
        let own = types::create(
            db,
            Author::User(nb_staff),
            nb,
            &new_type(
                "nb_ben_an_toan",
                "nb_du_lich",
                &["ben_thuyen_du_lich", "commune"],
            ),
        )
        .await
        .unwrap();
        assert_eq!(own.sector_name, "Du lịch", "{l}");
        assert_eq!(
            own.target_names,
            ["Xã, phường", "Bến thuyền du lịch"],
            "{l}"
        );
        let national = types::create(
            db,
            Author::System,
            Owner::National,
            &new_type("quoc_gia_du_lich", "nb_du_lich", &["commune"]),
        )
        .await;
        let StoreError::Invalid(e) = national.unwrap_err() else {
            panic!("{l}")
        };
        assert_eq!(e.code(), "field_not_in_catalogue", "{l}");
        assert!(
            e.message.contains("Khu dân cư") && !e.message.contains("Du lịch"),
            "{l}: {}",
            e.message
        );
        let hn_type = types::create(
            db,
            Author::System,
            hn,
            &new_type("hn_ben", "hn_du_lich", &["ben_thuyen_du_lich"]),
        )
        .await;
        assert_eq!(refused_code(hn_type), "place_kind_not_in_catalogue", "{l}");

        // Sites of Ninh Bình's kind in Ninh Bình only.
        let boat = site(
            db,
            "ben_thuyen_du_lich",
            "Bến thuyền sông Đào",
            &phuong_nam_dinh,
        )
        .await
        .unwrap();
        assert_eq!(boat.unit.kind.as_str(), "ben_thuyen_du_lich", "{l}");
        assert!(own.fits(&boat.unit), "{l}");
        let r = site(db, "ben_thuyen_du_lich", "Bến thuyền Hồ Tây", &ba_dinh).await;
        assert_eq!(refused_code(r), "place_kind_not_in_catalogue", "{l}");
        let r = site(db, "ben_xe", "Bến xe", &phuong_nam_dinh).await;
        assert_eq!(refused_code(r), "place_kind_not_in_catalogue", "{l}");

        // A renamed entry keeps its code, and what is stored with it.
        let renamed = vocabulary::rename(
            db,
            Author::User(nb_staff),
            Vocabulary::Field,
            "nb_du_lich",
            "Du lịch, dịch vụ",
        )
        .await
        .unwrap();
        assert_eq!(renamed.code.as_str(), "nb_du_lich", "{l}");
        let own = types::get(db, own.id).await.unwrap().unwrap();
        assert_eq!(
            (own.sector.as_str(), own.sector_name.as_str()),
            ("nb_du_lich", "Du lịch, dịch vụ"),
            "{l}"
        );

        // A file names fields and places by name: read against the lists
        // of the catalogue it joins.
        let rows = [
            row(
                2,
                "nb_file_1",
                "du lich, dich vu",
                &["Bến thuyền du lịch", "Thôn, tổ dân phố"],
            ),
            row(3, "nb_file_2", "Khu dân cư", &["school"]),
        ];
        let done = types::import(
            db,
            Author::User(nb_staff),
            nb,
            &rows,
            Vec::new(),
            (date(TODAY), &Mode::Apply),
        )
        .await
        .unwrap();
        assert!(
            matches!(done, Imported::All(Done::Written(ref d)) if d.new == 2),
            "{l}: {done:?}"
        );
        let t = types::list(db, false)
            .await
            .unwrap()
            .into_iter()
            .find(|t| t.code == "nb_file_1")
            .unwrap();
        assert_eq!(
            (
                t.sector.as_str(),
                t.targets
                    .iter()
                    .map(|t| t.as_str().to_string())
                    .collect::<Vec<_>>()
            ),
            (
                "nb_du_lich",
                vec!["village".to_string(), "ben_thuyen_du_lich".to_string()]
            ),
            "{l}"
        );
        let rows = [row(
            2,
            "hn_file",
            "Du lịch, dịch vụ",
            &["Bến thuyền du lịch"],
        )];
        let done = types::import(
            db,
            Author::System,
            hn,
            &rows,
            Vec::new(),
            (date(TODAY), &Mode::Apply),
        )
        .await
        .unwrap();
        let Imported::Refused(errors) = done else {
            panic!("{l}")
        };
        let cols: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(cols, ["Lĩnh vực", "Nơi áp dụng"], "{l}: {errors:?}");
        assert!(
            types::list(db, true)
                .await
                .unwrap()
                .iter()
                .all(|t| t.code != "hn_file"),
            "{l}"
        );

        // The catalogue file again, one place changed: previewed field by
        // field, written once confirmed (issue 25).
        let rows = [
            row(2, "nb_file_1", "Du lịch, dịch vụ", &["Bến thuyền du lịch"]),
            row(3, "nb_file_2", "Khu dân cư", &["school"]),
        ];
        let run = |mode: Mode| {
            let rows = &rows;
            async move {
                let how = (date(TODAY), &mode);
                types::import(db, Author::User(nb_staff), nb, rows, Vec::new(), how)
                    .await
                    .unwrap()
            }
        };
        let Imported::All(Done::Previewed {
            preview,
            stale: false,
        }) = run(Mode::Preview).await
        else {
            panic!("{l}")
        };
        assert_eq!(
            (preview.new, preview.changed, preview.unchanged),
            (0, 1, 1),
            "{l}"
        );
        let f = &preview.changes[0].fields;
        assert_eq!(
            (
                f[0].column.as_str(),
                f[0].before.as_str(),
                f[0].after.as_str()
            ),
            (
                "Nơi áp dụng",
                "Thôn, tổ dân phố; Bến thuyền du lịch",
                "Bến thuyền du lịch"
            ),
            "{l}"
        );
        let Imported::All(Done::Written(w)) = run(Mode::Confirm(preview.digest.clone())).await
        else {
            panic!("{l}")
        };
        assert_eq!((w.new, w.changed, w.unchanged), (0, 1, 1), "{l}");
        let t = types::list(db, false)
            .await
            .unwrap()
            .into_iter()
            .find(|t| t.code == "nb_file_1")
            .unwrap();
        assert_eq!(t.target_names, ["Bến thuyền du lịch"], "{l}");
        let Imported::All(Done::Previewed { stale: true, .. }) =
            run(Mode::Confirm(preview.digest)).await
        else {
            panic!("{l}: a used preview confirmed again")
        };
    }
}
