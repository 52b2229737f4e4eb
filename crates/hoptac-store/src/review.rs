//! People's decisions about facts: accept one as extracted, correct its fields, reject it, or
//! enter one by hand. Each decision sets the fact's [`ReviewState`] and appends a
//! [`ReviewEntry`] (who, when, the fact before and after) to the log; nothing is deleted.
//! A decided fact is locked: [`crate::ingest`] adds evidence to it but never changes its fields.

use crate::model::*;
use crate::repo::{Reader, WriteTx};
use crate::{Result, StoreError};
use hoptac_core::PartialDate;
use serde::Serialize;

/// What a person decided.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Accept,
    Reject,
    /// The fact with the person's values (its id and type must be those of the fact decided on).
    Correct(StoredFact),
}

/// A reason a hand-entered or corrected fact cannot be stored. The web layer words each one in
/// the user's language; the codes are stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// A fact needs at least two parties (the partnership).
    TooFewParties,
    /// A period's last year is before its first.
    PeriodReversed,
    /// A year outside 1945–2100.
    YearOutOfRange,
    /// A figure's value is not a positive finite number.
    ValueNotPositive,
    /// A figure has no quantity text.
    QuantityMissing,
    /// A date that is not a calendar day (2025-02-30).
    DateInvalid,
}

impl Problem {
    pub fn code(self) -> &'static str {
        match self {
            Problem::TooFewParties => "too_few_parties",
            Problem::PeriodReversed => "period_reversed",
            Problem::YearOutOfRange => "year_out_of_range",
            Problem::ValueNotPositive => "value_not_positive",
            Problem::QuantityMissing => "quantity_missing",
            Problem::DateInvalid => "date_invalid",
        }
    }
}

const YEARS: std::ops::RangeInclusive<i16> = 1945..=2100;

fn check_date(d: Option<PartialDate>, out: &mut Vec<Problem>) {
    let Some(d) = d else { return };
    if !YEARS.contains(&d.year) {
        out.push(Problem::YearOutOfRange);
    } else if crate::agenda::date_bounds(d).is_none() {
        out.push(Problem::DateInvalid);
    }
}

fn check_period(p: Option<hoptac_core::Period>, out: &mut Vec<Problem>) {
    let Some(p) = p else { return };
    if !YEARS.contains(&p.first) || !YEARS.contains(&p.last) {
        out.push(Problem::YearOutOfRange);
    } else if p.last < p.first {
        out.push(Problem::PeriodReversed);
    }
}

/// What is wrong with a fact a person wrote; empty when it can be stored. `parties` is the number
/// of parties its partnership has.
pub fn validate(fact: &StoredFact, parties: usize) -> Vec<Problem> {
    let mut out = Vec::new();
    if parties < 2 {
        out.push(Problem::TooFewParties);
    }
    match fact {
        StoredFact::Event(e) => check_date(e.date, &mut out),
        StoredFact::Agreement(a) => {
            check_date(a.signed, &mut out);
            check_period(a.period, &mut out);
        }
        StoredFact::Figure(f) => {
            if !(f.value.is_finite() && f.value > 0.0) {
                out.push(Problem::ValueNotPositive);
            }
            if f.quantity.trim().is_empty() {
                out.push(Problem::QuantityMissing);
            }
            check_period(f.period, &mut out);
            if let Some(y) = f.year {
                if !YEARS.contains(&y) {
                    out.push(Problem::YearOutOfRange);
                }
            }
        }
        StoredFact::Person(..) => {}
    }
    out.dedup();
    out
}

/// The fact of this type and id as stored.
pub fn load(reader: &dyn Reader, fact_type: FactType, id: FactId) -> Result<Option<StoredFact>> {
    Ok(match fact_type {
        FactType::Event => reader.events_by_id(&[id])?.into_iter().next().map(StoredFact::Event),
        FactType::Agreement => reader.agreements_by_id(&[id])?.into_iter().next().map(StoredFact::Agreement),
        FactType::Figure => reader.figures_by_id(&[id])?.into_iter().next().map(StoredFact::Figure),
        FactType::Person => reader.people_by_id(&[id])?.into_iter().next().map(|p| StoredFact::Person(p, Vec::new())),
    })
}

/// The review state of one fact.
pub fn state(reader: &dyn Reader, fact_type: FactType, id: FactId) -> Result<ReviewState> {
    reader
        .review_states(fact_type, &[id])?
        .into_iter()
        .next()
        .map(|(_, s)| s)
        .ok_or(StoreError::NotFound(fact_type.as_str(), id))
}

fn write(tx: &mut dyn WriteTx, fact: &StoredFact) -> Result<()> {
    match fact {
        StoredFact::Event(e) => tx.update_event(e),
        StoredFact::Agreement(a) => tx.update_agreement(a),
        StoredFact::Figure(f) => tx.update_figure(f),
        StoredFact::Person(..) => Err(StoreError::Invalid("people are not reviewed".into())),
    }
}

/// Carry out a person's decision about one fact; returns its new state. A correction is checked
/// with [`validate`] first (the caller shows the problems; nothing is written).
pub fn decide(
    tx: &mut dyn WriteTx,
    fact_type: FactType,
    id: FactId,
    decision: Decision,
    reviewer: &str,
    note: Option<String>,
    now: &str,
) -> Result<std::result::Result<ReviewState, Vec<Problem>>> {
    if fact_type == FactType::Person {
        return Err(StoreError::Invalid("people are not reviewed".into()));
    }
    let before = load(tx, fact_type, id)?.ok_or(StoreError::NotFound(fact_type.as_str(), id))?;
    let (state, after) = match decision {
        Decision::Accept => (ReviewState::Accepted, None),
        Decision::Reject => (ReviewState::Rejected, None),
        Decision::Correct(fact) => {
            if fact.fact_type() != fact_type || fact.id() != id {
                return Err(StoreError::Invalid(format!(
                    "a correction of {} {id} must be a {} with that id",
                    fact_type.as_str(),
                    fact_type.as_str()
                )));
            }
            let parties = partnership_size(tx, &fact)?;
            let problems = validate(&fact, parties);
            if !problems.is_empty() {
                return Ok(Err(problems));
            }
            write(tx, &fact)?;
            (ReviewState::Corrected, Some(fact))
        }
    };
    tx.set_review_state(fact_type, id, state)?;
    tx.add_review(&ReviewEntry {
        fact_type,
        fact_id: id,
        decision: state,
        reviewer: reviewer.to_string(),
        at: now.to_string(),
        note,
        before: before.to_json().ok(),
        after: after.as_ref().and_then(|f| f.to_json().ok()),
    })?;
    Ok(Ok(state))
}

fn partnership_size(reader: &dyn Reader, fact: &StoredFact) -> Result<usize> {
    let Some(pid) = fact.partnership() else { return Ok(0) };
    Ok(reader.partnerships()?.into_iter().find(|p| p.id == pid).map(|p| p.parties.len()).unwrap_or(0))
}

/// Store a fact a person entered by hand (its id is ignored); returns the new id, or the
/// problems that keep it out.
pub fn create(
    tx: &mut dyn WriteTx,
    fact: StoredFact,
    reviewer: &str,
    note: Option<String>,
    now: &str,
) -> Result<std::result::Result<FactId, Vec<Problem>>> {
    let problems = validate(&fact, partnership_size(tx, &fact)?);
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let (fact_type, stored) = match fact {
        StoredFact::Event(e) => {
            let id = tx.insert_event(&e, None)?;
            (FactType::Event, StoredFact::Event(StoredEvent { id, ..e }))
        }
        StoredFact::Agreement(a) => {
            let id = tx.insert_agreement(&a, None)?;
            (FactType::Agreement, StoredFact::Agreement(StoredAgreement { id, ..a }))
        }
        StoredFact::Figure(f) => {
            let f = StoredFigure { fulfils: None, ..f };
            // A hand-entered figure fulfils nothing until a person links it.
            let id = tx.insert_figure(&f, None)?;
            (FactType::Figure, StoredFact::Figure(StoredFigure { id, ..f }))
        }
        StoredFact::Person(..) => return Err(StoreError::Invalid("people are not entered by hand".into())),
    };
    let id = stored.id();
    tx.set_review_state(fact_type, id, ReviewState::Manual)?;
    tx.add_review(&ReviewEntry {
        fact_type,
        fact_id: id,
        decision: ReviewState::Manual,
        reviewer: reviewer.to_string(),
        at: now.to_string(),
        note,
        before: None,
        after: stored.to_json().ok(),
    })?;
    Ok(Ok(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoptac_core::{AgreementKind, FigureKind, Period, Unit};

    fn figure(value: f64, quantity: &str, period: Option<Period>) -> StoredFact {
        StoredFact::Figure(StoredFigure {
            id: 0,
            partnership: Some(1),
            kind: FigureKind::Commitment,
            unit: Unit::Scholarship,
            value,
            from: vec![],
            to: vec![],
            period,
            year: Some(2024),
            quantity: quantity.into(),
            fulfils: None,
            per_year: false,
        })
    }

    #[test]
    fn validation_names_each_problem() {
        assert!(validate(&figure(10.0, "10 suất", Period::new(2024, 2029)), 2).is_empty());
        assert_eq!(validate(&figure(10.0, "10 suất", None), 1), vec![Problem::TooFewParties]);
        assert_eq!(validate(&figure(0.0, " ", None), 2), vec![Problem::ValueNotPositive, Problem::QuantityMissing]);
        assert_eq!(validate(&figure(f64::NAN, "x", None), 2), vec![Problem::ValueNotPositive]);
        let reversed = StoredFact::Agreement(StoredAgreement {
            id: 0,
            partnership: Some(1),
            kind: AgreementKind::Mou,
            signed: Some(PartialDate { year: 2025, month: Some(2), day: Some(30) }),
            period: Some(Period { first: 2027, last: 2022 }),
        });
        let got = validate(&reversed, 2);
        assert!(got.contains(&Problem::PeriodReversed), "{got:?}");
        assert!(got.contains(&Problem::DateInvalid), "{got:?}");
        let ancient = StoredFact::Agreement(StoredAgreement {
            id: 0,
            partnership: Some(1),
            kind: AgreementKind::Mou,
            signed: PartialDate::parse("1800"),
            period: None,
        });
        assert_eq!(validate(&ancient, 2), vec![Problem::YearOutOfRange]);
    }

    #[test]
    fn states_lock_and_hide() {
        assert!(!ReviewState::Pending.locked());
        assert!(ReviewState::Accepted.locked() && ReviewState::Corrected.locked() && ReviewState::Manual.locked());
        assert!(!ReviewState::Rejected.visible() && ReviewState::Corrected.visible());
        for s in ReviewState::ALL {
            assert_eq!(ReviewState::parse(s.as_str()), Some(s));
        }
    }
}
