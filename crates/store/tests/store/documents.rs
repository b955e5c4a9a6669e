//! The register's list: counted to the cap, ranked below it, and in one
//! order for every page past it.

use chrono::NaiveDate;
use domain::documents::{rank_text, Search};
use domain::page::Page;
use store::accounts::Scope;
use store::bench_support as bs;
use store::documents::{self as docs, DocumentQuery, COUNT_CAP};
use store::org_units::reference;
use store::testing::TestDb;
use store::Db;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()
}

async fn ids(db: &Db, q: &DocumentQuery, page: u32) -> (Vec<i64>, i64) {
    let q = DocumentQuery {
        page: Page { page, per_page: 50 },
        ..q.clone()
    };
    let (rows, total) = docs::list(db, Scope::All, &q).await.unwrap();
    (rows.iter().map(|r| r.id).collect(), total)
}

fn search(q: &str) -> DocumentQuery {
    DocumentQuery {
        search: Search::parse(q),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_search_counts_to_the_cap_ranks_below_it_and_pages_past_it_in_one_order() {
    for t in TestDb::all().await.unwrap() {
        let (db, l) = (&t.db, &t.label);
        reference::load(db, &reference::ReferenceData::embedded(), false)
            .await
            .unwrap();
        bs::generate_documents(db, 1_500, 1, today(), 11)
            .await
            .unwrap();

        // The register: the latest issued first, counted one past the cap.
        let (first, total) = ids(db, &DocumentQuery::default(), 1).await;
        assert_eq!((first.len(), total), (50, COUNT_CAP + 1), "{l}");

        // A word in nearly every document: past the cap, the latest
        // registered first, and page after page continues that order.
        let broad = search("an ninh");
        let matches = bs::plain_document_search(db, broad.search.as_ref().unwrap(), None)
            .await
            .unwrap();
        assert!(matches > 1_200, "{l}: {matches}");
        let (p1, total) = ids(db, &broad, 1).await;
        let (p2, _) = ids(db, &broad, 2).await;
        let (deep, deep_total) = ids(db, &broad, 24).await;
        assert_eq!(total, COUNT_CAP + 1, "{l}");
        let walked: Vec<i64> = p1.iter().chain(&p2).copied().collect();
        assert!(walked.windows(2).all(|w| w[0] > w[1]), "{l}: {walked:?}");
        assert_eq!(deep.len(), 50, "{l}: page 24 lies past the cap");
        assert!(deep_total > COUNT_CAP && deep[0] < p2[49], "{l}");

        // A rarer search: every match counted and ranked, the best first:
        // its words in the number or the subject before those only in a
        // file's text.
        let rare = search("flycam");
        let matches = bs::plain_document_search(db, rare.search.as_ref().unwrap(), None)
            .await
            .unwrap();
        assert!((1..=COUNT_CAP).contains(&matches), "{l}: {matches}");
        let q = DocumentQuery {
            page: Page {
                page: 1,
                per_page: 1_000,
            },
            ..rare.clone()
        };
        let (rows, total) = docs::list(db, Scope::All, &q).await.unwrap();
        assert_eq!((rows.len() as i64, total), (matches, matches), "{l}");
        let in_head = |r: &docs::DocumentRow| {
            let head = format!(
                "{} {} {} {} {}",
                r.number,
                r.subject,
                r.issuers.join(" "),
                r.signer.as_deref().unwrap_or_default(),
                r.summary.as_deref().unwrap_or_default()
            );
            rank_text(&head).contains(" flycam")
        };
        let key = |r: &docs::DocumentRow| (in_head(r), r.issued_on, r.id);
        assert!(
            rows.windows(2).all(|w| key(&w[0]) >= key(&w[1])),
            "{l}: ranked, then the latest issued"
        );
    }
}
