//! The search index of the register: the number, the head (issuers,
//! subject, signer, summary) and the files' text, folded. The one place
//! where the two databases need two SQL texts: SQLite's FTS5 table
//! `documents_fts` ranked by bm25, PostgreSQL's weighted tsvector
//! `documents.search` ranked by ts_rank (migration 0026). Both read the
//! same folded words, so a query finds the same documents on either.

use domain::documents::{index_text, Kind, Search};

use crate::error::Result;
use crate::{Arg, Params, Tx};

/// The text the body part of the index keeps: the files' extracts, cut to
/// what PostgreSQL's tsvector holds (1 MB) with room for the head.
const MAX_BODY_BYTES: usize = 600_000;

/// Rewrites a document's entry in the index from what is stored.
pub(crate) async fn refresh(tx: &mut Tx, id: i64) -> Result<()> {
    #[derive(sqlx::FromRow)]
    struct Head {
        kind: String,
        number: String,
        issuers: String,
        signer: Option<String>,
        subject: String,
        summary: Option<String>,
    }
    let h: Head = fetch!(
        tx,
        fetch_one,
        Head,
        "SELECT kind, number, issuers, signer, subject, summary FROM documents WHERE id = $1",
        id
    )?;
    // The kind's name too: people search "chỉ thị 19".
    let kind = Kind::parse("kind", &h.kind).map_or("", |k| k.label());
    let head = index_text(&format!(
        "{kind} {} {} {} {}",
        h.issuers,
        h.subject,
        h.signer.unwrap_or_default(),
        h.summary.unwrap_or_default()
    ));
    let texts: Vec<Option<String>> = fetch!(
        tx,
        fetch_all,
        scalar Option<String>,
        "SELECT text FROM document_files WHERE document_id = $1 ORDER BY id",
        id
    )?;
    let mut body = String::new();
    for t in texts.into_iter().flatten() {
        if body.len() + t.len() + 1 > MAX_BODY_BYTES {
            break;
        }
        body.push_str(&t);
        body.push(' ');
    }
    write(tx, id, &index_text(&h.number), &head, &body).await
}

/// Writes one entry (already folded words).
pub(crate) async fn write(
    tx: &mut Tx,
    id: i64,
    number: &str,
    head: &str,
    body: &str,
) -> Result<()> {
    if tx.is_postgres() {
        execute!(
            tx,
            "UPDATE documents SET search =
                setweight(to_tsvector('simple', $2), 'A')
                || setweight(to_tsvector('simple', $3), 'B')
                || setweight(to_tsvector('simple', $4), 'C')
              WHERE id = $1",
            id,
            number,
            head,
            body
        )?;
    } else {
        execute!(tx, "DELETE FROM documents_fts WHERE rowid = $1", id)?;
        execute!(
            tx,
            "INSERT INTO documents_fts (rowid, number, head, body) VALUES ($1, $2, $3, $4)",
            id,
            number,
            head,
            body
        )?;
    }
    Ok(())
}

/// How a register query reads: its FROM clause (`documents d`, joined to
/// the matches when searching), the match condition and the order (best
/// match first, else the latest issued).
pub(crate) struct Reading {
    pub from: String,
    pub cond: String,
    pub order: String,
}

pub(crate) fn reading(pg: bool, search: Option<&Search>, p: &mut Params) -> Reading {
    let latest = "d.issued_on DESC, d.id DESC";
    let Some(s) = search else {
        return Reading {
            from: "documents d".into(),
            cond: "1 = 1".into(),
            order: latest.into(),
        };
    };
    if pg {
        let n = p.push(Arg::Text(Some(s.tsquery())));
        Reading {
            from: format!("documents d CROSS JOIN to_tsquery('simple', {n}) query"),
            cond: "d.search @@ query".into(),
            order: format!("ts_rank(d.search, query) DESC, {latest}"),
        }
    } else {
        let n = p.push(Arg::Text(Some(s.fts5())));
        Reading {
            from: format!(
                "(SELECT rowid AS doc_id, bm25(documents_fts, 10.0, 3.0, 1.0) AS rank
                    FROM documents_fts WHERE documents_fts MATCH {n}) f
                 JOIN documents d ON d.id = f.doc_id"
            ),
            cond: "1 = 1".into(),
            order: format!("f.rank, {latest}"),
        }
    }
}
