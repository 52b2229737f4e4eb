//! Rows to domain values and back, and the errors of the driver as store errors.

use hoptac_core::{PartialDate, Period, PlaceId, Span};
use hoptac_store::model::*;
use hoptac_store::{Result, StoreError};
use postgres::types::{FromSql, ToSql};
use postgres::Row;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{Conn, Params};

/// A column's value; a stored value of the wrong type is malformed data, not a panic.
pub fn col<'a, T: FromSql<'a>>(r: &'a Row, i: usize) -> Result<T> {
    r.try_get(i).map_err(|err| StoreError::Malformed(format!("column {i}: {err}")))
}

/// Every row of a query, each turned into a value.
pub(crate) fn all<T>(
    c: &(impl Conn + ?Sized),
    sql: &str,
    params: &Params,
    f: impl Fn(&Row) -> Result<T>,
) -> Result<Vec<T>> {
    c.rows(sql, params)?.iter().map(f).collect()
}

/// A snake_case enum as its stored string.
pub fn name<T: Serialize>(v: &T) -> Result<String> {
    hoptac_core::variant_name(v).ok_or_else(|| StoreError::Invalid("not a unit enum".into()))
}

fn parse_enum<T: DeserializeOwned>(r: &Row, i: usize) -> Result<T> {
    let s: String = col(r, i)?;
    serde_json::from_value(serde_json::Value::String(s.clone()))
        .map_err(|_| StoreError::Malformed(format!("unknown value {s:?}")))
}

pub fn date(r: &Row, i: usize) -> Result<Option<PartialDate>> {
    match col::<Option<String>>(r, i)? {
        None => Ok(None),
        Some(s) => PartialDate::parse(&s).map(Some).ok_or_else(|| StoreError::Malformed(format!("not a date: {s:?}"))),
    }
}

pub fn tally_row(r: &Row) -> Result<AgreementTally> {
    Ok(AgreementTally { partnership: col(r, 0)?, agreements: col::<i64>(r, 1)? as usize, last_signed: date(r, 2)? })
}

fn period(r: &Row, first: usize) -> Result<Option<Period>> {
    let a: Option<i16> = col(r, first)?;
    let b: Option<i16> = col(r, first + 1)?;
    Ok(match (a, b) {
        (Some(a), Some(b)) => Period::new(a, b),
        _ => None,
    })
}

fn place(r: &Row, i: usize) -> Result<Option<PlaceId>> {
    Ok(col::<Option<String>>(r, i)?.map(PlaceId::new))
}

fn place_list(r: &Row, i: usize) -> Result<Vec<PlaceId>> {
    let s: String = col(r, i)?;
    serde_json::from_str(&s).map_err(|err| StoreError::Malformed(err.to_string()))
}

fn json(r: &Row, i: usize) -> Result<Option<serde_json::Value>> {
    col::<Option<String>>(r, i)?
        .map(|s| serde_json::from_str(&s).map_err(|err| StoreError::Malformed(err.to_string())))
        .transpose()
}

pub const EVENT_SELECT: &str = "SELECT id, partnership_id, kind, ordinal, date, place_id, status FROM events";
pub const AGREEMENT_SELECT: &str = "SELECT id, partnership_id, kind, signed, period_first, period_last FROM agreements";
pub const FIGURE_SELECT: &str = "SELECT id, partnership_id, kind, unit, value, from_places, to_places, period_first,
    period_last, year, quantity, fulfils, per_year FROM figures";
pub const PERSON_SELECT: &str = "SELECT id, name, country, place_id FROM people";
pub const EVIDENCE_SELECT: &str = "SELECT fact_type, fact_id, document_id, span_start, span_end, sentence, claim,
    sentence_start, sentence_end FROM evidence";
pub const ROLE_SELECT: &str = "SELECT r.person_id, r.title, r.office, o.name, r.first_seen, r.last_seen
    FROM roles r LEFT JOIN organisations o ON o.id = r.organisation_id";
pub const REVIEW_SELECT: &str = "SELECT fact_type, fact_id, decision, reviewer, at, note, before, after FROM reviews";

pub fn event_row(r: &Row) -> Result<StoredEvent> {
    let ordinal: Option<i64> = col(r, 3)?;
    Ok(StoredEvent {
        id: col(r, 0)?,
        partnership: col(r, 1)?,
        kind: parse_enum(r, 2)?,
        ordinal: ordinal
            .map(|o| u32::try_from(o).map_err(|_| StoreError::Malformed(format!("ordinal {o}"))))
            .transpose()?,
        date: date(r, 4)?,
        place: place(r, 5)?,
        status: parse_enum(r, 6)?,
    })
}

/// An event's columns, owned, for an insert or an update.
pub struct EventParams {
    partnership: Option<i64>,
    kind: String,
    ordinal: Option<i64>,
    date: Option<String>,
    year: Option<i16>,
    place: Option<String>,
    status: String,
}

impl EventParams {
    pub fn of(v: &StoredEvent) -> Result<Self> {
        Ok(EventParams {
            partnership: v.partnership,
            kind: name(&v.kind)?,
            ordinal: v.ordinal.map(i64::from),
            date: v.date.map(|d| d.to_string()),
            year: v.date.map(|d| d.year),
            place: v.place.as_ref().map(|p| p.0.clone()),
            status: name(&v.status)?,
        })
    }
    pub fn params(&self) -> Vec<&(dyn ToSql + Sync)> {
        vec![&self.partnership, &self.kind, &self.ordinal, &self.date, &self.year, &self.place, &self.status]
    }
}

pub fn agreement_row(r: &Row) -> Result<StoredAgreement> {
    Ok(StoredAgreement {
        id: col(r, 0)?,
        partnership: col(r, 1)?,
        kind: parse_enum(r, 2)?,
        signed: date(r, 3)?,
        period: period(r, 4)?,
    })
}

pub struct AgreementParams {
    partnership: Option<i64>,
    kind: String,
    signed: Option<String>,
    signed_year: Option<i16>,
    first: Option<i16>,
    last: Option<i16>,
}

impl AgreementParams {
    pub fn of(a: &StoredAgreement) -> Result<Self> {
        Ok(AgreementParams {
            partnership: a.partnership,
            kind: name(&a.kind)?,
            signed: a.signed.map(|d| d.to_string()),
            signed_year: a.signed.map(|d| d.year),
            first: a.period.map(|p| p.first),
            last: a.period.map(|p| p.last),
        })
    }
    pub fn params(&self) -> Vec<&(dyn ToSql + Sync)> {
        vec![&self.partnership, &self.kind, &self.signed, &self.signed_year, &self.first, &self.last]
    }
}

pub fn figure_row(r: &Row) -> Result<StoredFigure> {
    Ok(StoredFigure {
        id: col(r, 0)?,
        partnership: col(r, 1)?,
        kind: parse_enum(r, 2)?,
        unit: parse_enum(r, 3)?,
        value: col(r, 4)?,
        from: place_list(r, 5)?,
        to: place_list(r, 6)?,
        period: period(r, 7)?,
        year: col(r, 9)?,
        quantity: col(r, 10)?,
        fulfils: col(r, 11)?,
        per_year: col::<i16>(r, 12)? != 0,
    })
}

pub struct FigureParams {
    partnership: Option<i64>,
    kind: String,
    unit: String,
    value: f64,
    from: String,
    to: String,
    first: Option<i16>,
    last: Option<i16>,
    year: Option<i16>,
    quantity: String,
    fulfils: Option<i64>,
    per_year: i16,
}

impl FigureParams {
    pub fn of(f: &StoredFigure) -> Result<Self> {
        let list = |v: &[PlaceId]| serde_json::to_string(v).map_err(|err| StoreError::Invalid(err.to_string()));
        Ok(FigureParams {
            partnership: f.partnership,
            kind: name(&f.kind)?,
            unit: name(&f.unit)?,
            value: f.value,
            from: list(&f.from)?,
            to: list(&f.to)?,
            first: f.period.map(|p| p.first),
            last: f.period.map(|p| p.last),
            year: f.year,
            quantity: f.quantity.clone(),
            fulfils: f.fulfils,
            per_year: i16::from(f.per_year),
        })
    }
    pub fn params(&self) -> Vec<&(dyn ToSql + Sync)> {
        vec![
            &self.partnership,
            &self.kind,
            &self.unit,
            &self.value,
            &self.from,
            &self.to,
            &self.first,
            &self.last,
            &self.year,
            &self.quantity,
            &self.fulfils,
            &self.per_year,
        ]
    }
}

pub fn person_row(r: &Row) -> Result<StoredPerson> {
    Ok(StoredPerson { id: col(r, 0)?, name: col(r, 1)?, country: col(r, 2)?, place: place(r, 3)? })
}

pub fn evidence_row(r: &Row) -> Result<Evidence> {
    let t: String = col(r, 0)?;
    let claim: String = col(r, 6)?;
    Ok(Evidence {
        fact_type: FactType::parse(&t).ok_or_else(|| StoreError::Malformed(format!("unknown fact type {t:?}")))?,
        fact_id: col(r, 1)?,
        document: col(r, 2)?,
        span: Span::new(col::<i64>(r, 3)? as usize, col::<i64>(r, 4)? as usize),
        sentence: col(r, 5)?,
        sentence_at: Evidence::range_of_columns(col(r, 7)?, col(r, 8)?),
        claim: serde_json::from_str(&claim).map_err(|err| StoreError::Malformed(err.to_string()))?,
    })
}

/// The evidence of these facts in recording order, sentences kept as ranges not yet read.
pub(crate) fn evidence_rows(c: &(impl Conn + ?Sized), fact_type: FactType, ids: &[FactId]) -> Result<Vec<Evidence>> {
    let sql = format!("{EVIDENCE_SELECT} WHERE fact_type = $1 AND fact_id = ANY($2) ORDER BY id");
    all(c, &sql, &[&fact_type.as_str(), &ids], evidence_row)
}

/// The evidence of the people these documents name, in recording order, sentences kept as
/// ranges not yet read.
pub(crate) fn people_evidence_rows(c: &(impl Conn + ?Sized), docs: &[DocId]) -> Result<Vec<Evidence>> {
    let sql = format!("{EVIDENCE_SELECT} WHERE fact_type = 'person' AND document_id = ANY($1) ORDER BY id");
    all(c, &sql, &[&docs], evidence_row)
}

/// These rows with the sentences kept as ranges read from their documents' texts.
pub(crate) fn with_sentences(c: &(impl Conn + ?Sized), mut rows: Vec<Evidence>) -> Result<Vec<Evidence>> {
    fill_sentences(&mut rows, |docs| {
        all(c, "SELECT id, text FROM documents WHERE id = ANY($1)", &[&docs], |r| Ok((col(r, 0)?, col(r, 1)?)))
    })?;
    Ok(rows)
}

pub fn role_row(r: &Row) -> Result<Role> {
    Ok(Role {
        person: col(r, 0)?,
        title: col(r, 1)?,
        office: col(r, 2)?,
        organisation: col(r, 3)?,
        first_seen: date(r, 4)?,
        last_seen: date(r, 5)?,
    })
}

pub fn place_row(r: &Row) -> Result<Place> {
    Ok(Place {
        id: PlaceId::new(col::<String>(r, 0)?),
        level: parse_enum(r, 1)?,
        name: col(r, 2)?,
        name_en: col(r, 3)?,
        name_lo: col(r, 4)?,
        valid_from: date(r, 5)?,
        valid_to: date(r, 6)?,
        successor: place(r, 7)?,
    })
}

pub use hoptac_store::repo::fact_table;

fn fact_type(r: &Row, i: usize) -> Result<FactType> {
    let s: String = col(r, i)?;
    FactType::parse(&s).ok_or_else(|| StoreError::Malformed(format!("unknown fact type {s:?}")))
}

fn review_state(r: &Row, i: usize) -> Result<ReviewState> {
    let s: String = col(r, i)?;
    ReviewState::parse(&s).ok_or_else(|| StoreError::Malformed(format!("unknown review state {s:?}")))
}

pub fn review_state_row(r: &Row) -> Result<(FactId, ReviewState)> {
    Ok((col(r, 0)?, review_state(r, 1)?))
}

pub fn queue_row(r: &Row) -> Result<(FactType, FactId)> {
    Ok((fact_type(r, 0)?, col(r, 1)?))
}

pub fn review_row(r: &Row) -> Result<ReviewEntry> {
    Ok(ReviewEntry {
        fact_type: fact_type(r, 0)?,
        fact_id: col(r, 1)?,
        decision: review_state(r, 2)?,
        reviewer: col(r, 3)?,
        at: col(r, 4)?,
        note: col(r, 5)?,
        before: json(r, 6)?,
        after: json(r, 7)?,
    })
}

/// A driver error as a store error: lock waits that time out and serialization failures are
/// "busy" (the caller may try again); a full disk is named.
pub fn e(err: postgres::Error) -> StoreError {
    use postgres::error::SqlState;
    match err.code() {
        Some(c)
            if *c == SqlState::LOCK_NOT_AVAILABLE
                || *c == SqlState::T_R_SERIALIZATION_FAILURE
                || *c == SqlState::T_R_DEADLOCK_DETECTED =>
        {
            StoreError::Busy(err.to_string())
        }
        Some(c) if *c == SqlState::DISK_FULL => StoreError::Backend(
            "the database's disk is full: nothing of the unfinished write was kept; free some space and run again"
                .into(),
        ),
        Some(c) if *c == SqlState::READ_ONLY_SQL_TRANSACTION => StoreError::Backend(format!("read-only: {err}")),
        _ => match err.as_db_error() {
            Some(db) => StoreError::Backend(format!("{}: {}", db.code().code(), db.message())),
            None => StoreError::Backend(err.to_string()),
        },
    }
}
