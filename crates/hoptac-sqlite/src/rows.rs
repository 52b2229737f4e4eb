//! Rows to domain values and back.

use hoptac_core::{PartialDate, Period, PlaceId, Span};
use hoptac_store::model::*;
use hoptac_store::{Result, StoreError};
use rusqlite::types::Type;
use rusqlite::{Connection, Params, Row, ToSql};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub(crate) fn bad(col: usize, msg: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(col, Type::Text, msg.into())
}

/// A snake_case enum as its stored string.
pub fn enum_str<T: Serialize>(v: &T) -> rusqlite::Result<String> {
    hoptac_core::variant_name(v).ok_or_else(|| rusqlite::Error::ToSqlConversionFailure("not a unit enum".into()))
}

fn parse_enum<T: DeserializeOwned>(r: &Row, col: usize) -> rusqlite::Result<T> {
    let s: String = r.get(col)?;
    serde_json::from_value(serde_json::Value::String(s.clone())).map_err(|_| bad(col, format!("unknown value {s:?}")))
}

fn date(r: &Row, col: usize) -> rusqlite::Result<Option<PartialDate>> {
    let s: Option<String> = r.get(col)?;
    match s {
        None => Ok(None),
        Some(s) => PartialDate::parse(&s).map(Some).ok_or_else(|| bad(col, format!("not a date: {s:?}"))),
    }
}

/// [`hoptac_store::Reader::agreement_tallies`]: the table read through once and counted here (SQLite's
/// GROUP BY sorts the rows first: three times as long). The greatest of ISO partial dates as
/// text is the latest (`2024` < `2024-03` < `2024-03-05`): only each partnership's is parsed.
pub fn agreement_tallies(conn: &Connection) -> Result<Vec<AgreementTally>> {
    let mut by: std::collections::BTreeMap<i64, (usize, Option<String>)> = Default::default();
    let mut stmt = conn
        .prepare_cached(
            "SELECT partnership_id, signed FROM agreements WHERE partnership_id IS NOT NULL AND review <> 'rejected'",
        )
        .map_err(e)?;
    let mut rows = stmt.query([]).map_err(e)?;
    while let Some(r) = rows.next().map_err(e)? {
        let t = by.entry(r.get(0).map_err(e)?).or_default();
        t.0 += 1;
        if let Some(signed) = r.get_ref(1).map_err(e)?.as_str_or_null().map_err(|err| e(err.into()))? {
            if t.1.as_deref().is_none_or(|latest| signed > latest) {
                t.1 = Some(signed.to_string());
            }
        }
    }
    by.into_iter()
        .map(|(partnership, (agreements, latest))| {
            let last_signed = match latest {
                Some(s) => {
                    Some(PartialDate::parse(&s).ok_or_else(|| StoreError::Malformed(format!("not a date: {s:?}")))?)
                }
                None => None,
            };
            Ok(AgreementTally { partnership, agreements, last_signed })
        })
        .collect()
}

fn period(r: &Row, first: usize) -> rusqlite::Result<Option<Period>> {
    let a: Option<i16> = r.get(first)?;
    let b: Option<i16> = r.get(first + 1)?;
    Ok(match (a, b) {
        (Some(a), Some(b)) => Period::new(a, b),
        _ => None,
    })
}

fn place(r: &Row, col: usize) -> rusqlite::Result<Option<PlaceId>> {
    Ok(r.get::<_, Option<String>>(col)?.map(PlaceId::new))
}

fn place_list(r: &Row, col: usize) -> rusqlite::Result<Vec<PlaceId>> {
    let s: String = r.get(col)?;
    serde_json::from_str(&s).map_err(|err| bad(col, err.to_string()))
}

pub const EVENT_SELECT: &str = "SELECT id, partnership_id, kind, ordinal, date, place_id, status FROM events";
pub const AGREEMENT_SELECT: &str = "SELECT id, partnership_id, kind, signed, period_first, period_last FROM agreements";
/// Undated agreements are few, dated ones without a period many: the planner is told which index to use.
pub const AGREEMENT_SELECT_BY_SIGNED: &str = "SELECT id, partnership_id, kind, signed, period_first, period_last
    FROM agreements INDEXED BY agreements_by_signed";
/// Signed in a given year: the index that holds the date too, so that a date is compared in it
/// (schema 15); with `signed_year = ?` alone the planner takes either.
pub const AGREEMENT_SELECT_BY_SIGNED_DATE: &str = "SELECT id, partnership_id, kind, signed, period_first, period_last
    FROM agreements INDEXED BY agreements_by_signed_date";
/// Unsigned, starting in a given year (schema 18: a partial index of the few without a date).
pub const AGREEMENT_SELECT_UNSIGNED_BY_PERIOD: &str =
    "SELECT id, partnership_id, kind, signed, period_first, period_last
    FROM agreements INDEXED BY agreements_unsigned_by_period";
pub const AGREEMENT_SELECT_BY_PERIOD: &str = "SELECT id, partnership_id, kind, signed, period_first, period_last
    FROM agreements INDEXED BY agreements_by_period";
pub const FIGURE_SELECT: &str = "SELECT id, partnership_id, kind, unit, value, from_places, to_places, period_first,
    period_last, year, quantity, fulfils, per_year FROM figures";
pub const PERSON_SELECT: &str = "SELECT id, name, country, place_id FROM people";
pub const EVIDENCE_SELECT: &str = "SELECT fact_type, fact_id, document_id, span_start, span_end, sentence, claim,
    sentence_start, sentence_end FROM evidence";
pub const ROLE_SELECT: &str = "SELECT r.person_id, r.title, r.office, o.name, r.first_seen, r.last_seen
    FROM roles r LEFT JOIN organisations o ON o.id = r.organisation_id";

pub fn event_row(r: &Row) -> rusqlite::Result<StoredEvent> {
    Ok(StoredEvent {
        id: r.get(0)?,
        partnership: r.get(1)?,
        kind: parse_enum(r, 2)?,
        ordinal: r.get(3)?,
        date: date(r, 4)?,
        place: place(r, 5)?,
        status: parse_enum(r, 6)?,
    })
}

pub fn event_params(v: &StoredEvent) -> rusqlite::Result<Vec<Box<dyn ToSql>>> {
    Ok(vec![
        Box::new(v.partnership),
        Box::new(enum_str(&v.kind)?),
        Box::new(v.ordinal),
        Box::new(v.date.map(|d| d.to_string())),
        Box::new(v.date.map(|d| d.year)),
        Box::new(v.place.as_ref().map(|p| p.0.clone())),
        Box::new(enum_str(&v.status)?),
    ])
}

pub fn agreement_row(r: &Row) -> rusqlite::Result<StoredAgreement> {
    Ok(StoredAgreement {
        id: r.get(0)?,
        partnership: r.get(1)?,
        kind: parse_enum(r, 2)?,
        signed: date(r, 3)?,
        period: period(r, 4)?,
    })
}

pub fn agreement_params(a: &StoredAgreement) -> rusqlite::Result<Vec<Box<dyn ToSql>>> {
    Ok(vec![
        Box::new(a.partnership),
        Box::new(enum_str(&a.kind)?),
        Box::new(a.signed.map(|d| d.to_string())),
        Box::new(a.signed.map(|d| d.year)),
        Box::new(a.period.map(|p| p.first)),
        Box::new(a.period.map(|p| p.last)),
    ])
}

pub fn figure_row(r: &Row) -> rusqlite::Result<StoredFigure> {
    Ok(StoredFigure {
        id: r.get(0)?,
        partnership: r.get(1)?,
        kind: parse_enum(r, 2)?,
        unit: parse_enum(r, 3)?,
        value: r.get(4)?,
        from: place_list(r, 5)?,
        to: place_list(r, 6)?,
        period: period(r, 7)?,
        year: r.get(9)?,
        quantity: r.get(10)?,
        fulfils: r.get(11)?,
        per_year: r.get::<_, i64>(12)? != 0,
    })
}

pub fn figure_params(f: &StoredFigure) -> rusqlite::Result<Vec<Box<dyn ToSql>>> {
    let list =
        |v: &[PlaceId]| serde_json::to_string(v).map_err(|err| rusqlite::Error::ToSqlConversionFailure(Box::new(err)));
    Ok(vec![
        Box::new(f.partnership),
        Box::new(enum_str(&f.kind)?),
        Box::new(enum_str(&f.unit)?),
        Box::new(f.value),
        Box::new(list(&f.from)?),
        Box::new(list(&f.to)?),
        Box::new(f.period.map(|p| p.first)),
        Box::new(f.period.map(|p| p.last)),
        Box::new(f.year),
        Box::new(f.quantity.clone()),
        Box::new(f.fulfils),
        Box::new(i64::from(f.per_year)),
    ])
}

pub fn person_row(r: &Row) -> rusqlite::Result<StoredPerson> {
    Ok(StoredPerson { id: r.get(0)?, name: r.get(1)?, country: r.get(2)?, place: place(r, 3)? })
}

pub fn evidence_row(r: &Row) -> rusqlite::Result<Evidence> {
    let t: String = r.get(0)?;
    let claim: String = r.get(6)?;
    Ok(Evidence {
        fact_type: FactType::parse(&t).ok_or_else(|| bad(0, format!("unknown fact type {t:?}")))?,
        fact_id: r.get(1)?,
        document: r.get(2)?,
        span: Span::new(r.get::<_, i64>(3)? as usize, r.get::<_, i64>(4)? as usize),
        sentence: r.get(5)?,
        sentence_at: sentence_range(r, 7)?,
        claim: serde_json::from_str(&claim).map_err(|err| bad(6, err.to_string()))?,
    })
}

/// The range of its document's text an evidence row's sentence was kept as (columns `i`, `i + 1`;
/// NULL for a sentence kept as text).
pub fn sentence_range(r: &Row, i: usize) -> rusqlite::Result<Option<Span>> {
    Ok(Evidence::range_of_columns(r.get(i)?, r.get(i + 1)?))
}

/// These rows with the sentences kept as ranges read from their documents' texts.
pub fn with_sentences(conn: &Connection, mut rows: Vec<Evidence>) -> Result<Vec<Evidence>> {
    hoptac_store::model::fill_sentences(&mut rows, |docs| {
        by_ids(conn, "SELECT id, text FROM documents", "id", docs, |r| Ok((r.get(0)?, r.get(1)?)))
    })?;
    Ok(rows)
}

pub fn role_row(r: &Row) -> rusqlite::Result<Role> {
    Ok(Role {
        person: r.get(0)?,
        title: r.get(1)?,
        office: r.get(2)?,
        organisation: r.get(3)?,
        first_seen: date(r, 4)?,
        last_seen: date(r, 5)?,
    })
}

fn place_row(r: &Row) -> rusqlite::Result<Place> {
    Ok(Place {
        id: PlaceId::new(r.get::<_, String>(0)?),
        level: parse_enum(r, 1)?,
        name: r.get(2)?,
        name_en: r.get(3)?,
        name_lo: r.get(4)?,
        valid_from: date(r, 5)?,
        valid_to: date(r, 6)?,
        successor: place(r, 7)?,
    })
}

pub const REVIEW_SELECT: &str = "SELECT fact_type, fact_id, decision, reviewer, at, note, before, after FROM reviews";

pub use hoptac_store::repo::fact_table;

fn fact_type(r: &Row, col: usize) -> rusqlite::Result<FactType> {
    let s: String = r.get(col)?;
    FactType::parse(&s).ok_or_else(|| bad(col, format!("unknown fact type {s:?}")))
}

fn review_state(r: &Row, col: usize) -> rusqlite::Result<ReviewState> {
    let s: String = r.get(col)?;
    ReviewState::parse(&s).ok_or_else(|| bad(col, format!("unknown review state {s:?}")))
}

fn json(r: &Row, col: usize) -> rusqlite::Result<Option<serde_json::Value>> {
    let s: Option<String> = r.get(col)?;
    s.map(|s| serde_json::from_str(&s).map_err(|err| bad(col, err.to_string()))).transpose()
}

pub fn review_state_row(r: &Row) -> rusqlite::Result<(FactId, ReviewState)> {
    Ok((r.get(0)?, review_state(r, 1)?))
}

pub fn queue_row(r: &Row) -> rusqlite::Result<(FactType, FactId)> {
    Ok((fact_type(r, 0)?, r.get(1)?))
}

pub fn review_row(r: &Row) -> rusqlite::Result<ReviewEntry> {
    Ok(ReviewEntry {
        fact_type: fact_type(r, 0)?,
        fact_id: r.get(1)?,
        decision: review_state(r, 2)?,
        reviewer: r.get(3)?,
        at: r.get(4)?,
        note: r.get(5)?,
        before: json(r, 6)?,
        after: json(r, 7)?,
    })
}

/// A driver error as a store error: a stored value that does not parse is malformed data.
pub(crate) fn e(err: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode;
    match err {
        rusqlite::Error::FromSqlConversionFailure(..) => StoreError::Malformed(err.to_string()),
        rusqlite::Error::SqliteFailure(f, _)
            if matches!(f.code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) =>
        {
            StoreError::Busy(err.to_string())
        }
        rusqlite::Error::SqliteFailure(f, _) if f.code == ErrorCode::DiskFull => StoreError::Backend(
            "the disk is full: nothing of the unfinished write was kept; free some space and run again".into(),
        ),
        other => StoreError::Backend(other.to_string()),
    }
}

pub fn query<T, P: Params>(
    conn: &Connection,
    sql: &str,
    params: P,
    f: impl FnMut(&Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql).map_err(e)?;
    let rows = stmt.query_map(params, f).map_err(e)?;
    rows.collect::<rusqlite::Result<Vec<T>>>().map_err(e)
}

/// Rows whose `col` is one of `ids`, in chunks that stay under SQLite's parameter limit.
pub fn by_ids<T>(
    conn: &Connection,
    select: &str,
    col: &str,
    ids: &[i64],
    f: impl FnMut(&Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    by_ids_then(conn, select, col, ids, "", f)
}

/// [`by_ids`], with `then` written after the list (a closing bracket, GROUP BY, ORDER BY).
pub fn by_ids_then<T>(
    conn: &Connection,
    select: &str,
    col: &str,
    ids: &[i64],
    then: &str,
    mut f: impl FnMut(&Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    let joiner = if select.trim_end().ends_with("AND") { "" } else { " WHERE" };
    for chunk in ids.chunks(512) {
        // Pad the list to a power of two (repeating the last id) so that a handful of statement
        // texts serve every length and stay in the statement cache.
        let width = chunk.len().next_power_of_two();
        let marks = vec!["?"; width].join(",");
        let sql = format!("{select}{joiner} {col} IN ({marks}){then}");
        let last = chunk[chunk.len() - 1];
        let padded = chunk.iter().copied().chain(std::iter::repeat(last)).take(width);
        out.extend(query(conn, &sql, rusqlite::params_from_iter(padded), &mut f)?);
    }
    Ok(out)
}

pub fn ids(conn: &Connection, sql: &str) -> Result<Vec<i64>> {
    query(conn, sql, [], |r| r.get(0))
}

pub fn counts(conn: &Connection) -> Result<Counts> {
    let n = |t: &str| -> Result<usize> {
        conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get::<_, i64>(0)).map(|n| n as usize).map_err(e)
    };
    Ok(Counts {
        documents: n("documents")?,
        events: n("events")?,
        agreements: n("agreements")?,
        figures: n("figures")?,
        people: n("people")?,
        evidence: n("evidence")?,
    })
}

pub fn document(conn: &Connection, id: DocId) -> Result<Option<Document>> {
    let rows = query(
        conn,
        "SELECT id, hash, source, title, published, language, encoding, text, article_end, ingested_at
         FROM documents WHERE id = ?1",
        [id],
        |r| {
            Ok(Document {
                id: r.get(0)?,
                hash: r.get(1)?,
                source: r.get(2)?,
                title: r.get(3)?,
                published: date(r, 4)?,
                language: r.get(5)?,
                encoding: r.get(6)?,
                text: r.get(7)?,
                article_end: r.get::<_, i64>(8)? as usize,
                ingested_at: r.get(9)?,
            })
        },
    )?;
    Ok(rows.into_iter().next())
}

pub fn document_summaries(conn: &Connection, ids: &[DocId]) -> Result<Vec<DocumentSummary>> {
    by_ids(conn, "SELECT id, source, title, published FROM documents", "id", ids, |r| {
        Ok(DocumentSummary { id: r.get(0)?, source: r.get(1)?, title: r.get(2)?, published: date(r, 3)? })
    })
}

pub fn document_articles(conn: &Connection, ids: &[DocId]) -> Result<Vec<(DocId, String)>> {
    let rows: Vec<(DocId, String, i64)> =
        by_ids(conn, "SELECT id, text, article_end FROM documents", "id", ids, |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    Ok(rows.into_iter().map(|(id, text, end)| (id, into_article(text, end))).collect())
}

pub fn places(conn: &Connection) -> Result<Vec<Place>> {
    query(
        conn,
        "SELECT id, level, name, name_en, name_lo, valid_from, valid_to, successor FROM places ORDER BY id",
        [],
        place_row,
    )
}

pub fn partnerships(conn: &Connection) -> Result<Vec<Partnership>> {
    let rows: Vec<(i64, String)> =
        query(conn, "SELECT id, key FROM partnerships ORDER BY id", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows
        .into_iter()
        .map(|(id, key)| Partnership {
            id,
            parties: key.split(',').filter(|s| !s.is_empty()).map(PlaceId::new).collect(),
        })
        .collect())
}
