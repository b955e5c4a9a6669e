//! The search of the register. A search's matches are found by the
//! full-text index of the number, the head (kind, issuers, subject, signer,
//! summary) and the files' text, folded: SQLite's FTS5 table
//! `documents_fts`, PostgreSQL's tsvector `documents.search` with its GIN
//! index (migration 0026) — the one place where the two databases need
//! two SQL texts. They are ranked by the same expression on both (words
//! in the number weigh most, then in the head; the files' words find but
//! do not rank), over at most `COUNT_CAP` matches: ranking every match of
//! a word in nearly every document cost 0.3 s on SQLite and 1–2 s on
//! PostgreSQL at 100,000 documents (docs/benchmarks.md).

use domain::documents::{index_text, rank_text, Kind, Search};

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
    let head = format!(
        "{kind} {} {} {} {}",
        h.issuers,
        h.subject,
        h.signer.unwrap_or_default(),
        h.summary.unwrap_or_default()
    );
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
    write(tx, id, &h.number, &head, &body).await
}

/// Writes one entry: the number and head as stored (folded here), the
/// files' text already folded.
async fn write(tx: &mut Tx, id: i64, number: &str, head: &str, body: &str) -> Result<()> {
    let (number_words, head_words) = (index_text(number), index_text(head));
    execute!(
        tx,
        "UPDATE documents SET search_number = $2, search_head = $3 WHERE id = $1",
        id,
        rank_text(number),
        rank_text(head)
    )?;
    if tx.is_postgres() {
        execute!(
            tx,
            "UPDATE documents SET search = strip(to_tsvector('simple', $2 || ' ' || $3 || ' ' || $4))
              WHERE id = $1",
            id,
            number_words,
            head_words,
            body
        )?;
    } else {
        execute!(tx, "DELETE FROM documents_fts WHERE rowid = $1", id)?;
        execute!(
            tx,
            "INSERT INTO documents_fts (rowid, number, head, body) VALUES ($1, $2, $3, $4)",
            id,
            number_words,
            head_words,
            body
        )?;
    }
    Ok(())
}

/// How a register query finds its candidates: its FROM clause
/// (`documents d`, joined to the matches when searching), the match
/// condition, the order it walks them in (the latest issued first, or,
/// searching, the latest registered: the order the full-text indexes give
/// cheaply) and their rank (over columns of `d`; none without a search).
pub(crate) struct Reading {
    pub from: String,
    pub cond: String,
    pub walk: String,
    pub rank: Option<String>,
}

pub(crate) fn reading(pg: bool, search: Option<&Search>, p: &mut Params) -> Reading {
    let Some(s) = search else {
        return Reading {
            from: "documents d".into(),
            cond: "1 = 1".into(),
            walk: "d.issued_on DESC, d.id DESC".into(),
            rank: None,
        };
    };
    let rank = Some(rank(s, p));
    if pg {
        let n = p.push(Arg::Text(Some(s.tsquery())));
        Reading {
            from: format!("documents d CROSS JOIN to_tsquery('simple', {n}) query"),
            cond: "d.search @@ query".into(),
            walk: "d.id DESC".into(),
            rank,
        }
    } else {
        let n = p.push(Arg::Text(Some(s.fts5())));
        Reading {
            from: "documents_fts f JOIN documents d ON d.id = f.rowid".into(),
            cond: format!("documents_fts MATCH {n}"),
            walk: "f.rowid DESC".into(),
            rank,
        }
    }
}

/// The rank of a match (`Search`'s weights): each word of the search in
/// the number and in the head, and the words as typed in the head.
fn rank(s: &Search, p: &mut Params) -> String {
    let (words, phrase) = s.like_patterns();
    let (number, head, typed) = (
        Search::NUMBER_WEIGHT,
        Search::HEAD_WEIGHT,
        Search::PHRASE_WEIGHT,
    );
    let mut terms = Vec::new();
    for w in words {
        let n = p.push(Arg::Text(Some(w)));
        terms.push(format!(
            "(CASE WHEN d.search_number LIKE {n} THEN {number} ELSE 0 END
              + CASE WHEN d.search_head LIKE {n} THEN {head} ELSE 0 END)"
        ));
    }
    if let Some(phrase) = phrase {
        let n = p.push(Arg::Text(Some(phrase)));
        terms.push(format!(
            "CASE WHEN d.search_head LIKE {n} THEN {typed} ELSE 0 END"
        ));
    }
    terms.join(" + ")
}
