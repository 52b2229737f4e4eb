//! When two reports are about the same thing, and what the merged record says. Pure functions:
//! the backend only narrows the candidates (same partnership and kind, nearby years).

use crate::model::{StoredAgreement, StoredEvent, StoredFigure};
use hoptac_core::{EventStatus, PartialDate, PlaceId};

/// Two places can be the same venue: either unknown, equal, or one inside the other.
pub fn places_compatible(a: Option<&PlaceId>, b: Option<&PlaceId>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b || a.is_within(b) || b.is_within(a),
        _ => true,
    }
}

/// Same meeting: same ordinal (a numbered conference is one whatever the dates say), or, when
/// one lacks an ordinal, dates that can denote the same day and compatible venues. An event with
/// neither date nor ordinal is never matched: nothing says which meeting it is.
pub fn same_event(old: &StoredEvent, new: &StoredEvent) -> bool {
    if old.kind != new.kind || old.partnership != new.partnership {
        return false;
    }
    if let (Some(a), Some(b)) = (old.ordinal, new.ordinal) {
        return a == b;
    }
    match (old.date, new.date) {
        (Some(a), Some(b)) => a.compatible(&b) && places_compatible(old.place.as_ref(), new.place.as_ref()),
        _ => false,
    }
}

/// The more precise of two dates when they agree; the known one otherwise.
fn finer(old: Option<PartialDate>, new: Option<PartialDate>) -> Option<PartialDate> {
    match (old, new) {
        (Some(a), Some(b)) if a.compatible(&b) && b.precision() > a.precision() => Some(b),
        (Some(a), _) => Some(a),
        (None, b) => b,
    }
}

/// The more specific of two compatible places.
fn finer_place(old: Option<PlaceId>, new: Option<PlaceId>) -> Option<PlaceId> {
    match (old, new) {
        (Some(a), Some(b)) if b.is_within(&a) => Some(b),
        (Some(a), _) => Some(a),
        (None, b) => b,
    }
}

/// What the record says once `new` is merged into `old`: the finer date and venue, the ordinal
/// when one is known, and held once any report says it was held. Differing claims are kept in
/// the evidence, not here.
pub fn merge_event(old: &StoredEvent, new: &StoredEvent) -> StoredEvent {
    StoredEvent {
        id: old.id,
        partnership: old.partnership,
        kind: old.kind,
        ordinal: old.ordinal.or(new.ordinal),
        date: finer(old.date, new.date),
        place: finer_place(old.place.clone(), new.place.clone()),
        status: if old.status == EventStatus::Held || new.status == EventStatus::Held {
            EventStatus::Held
        } else {
            EventStatus::Planned
        },
    }
}

fn agreement_is_undated(a: &StoredAgreement) -> bool {
    a.signed.is_none() && a.period.is_none()
}

/// Same agreement: an undated mention ("the memorandum") is the one known; signing dates that
/// agree; equal periods; or a signing in the year a period starts or the year before.
pub fn same_agreement(old: &StoredAgreement, new: &StoredAgreement) -> bool {
    if old.kind != new.kind || old.partnership != new.partnership {
        return false;
    }
    if agreement_is_undated(old) || agreement_is_undated(new) {
        return true;
    }
    if let (Some(a), Some(b)) = (old.signed, new.signed) {
        return a.compatible(&b);
    }
    if let (Some(a), Some(b)) = (old.period, new.period) {
        return a == b;
    }
    let (signed, period) = match (old.signed, new.signed, old.period, new.period) {
        (Some(s), None, _, Some(p)) | (None, Some(s), Some(p), _) => (s, p),
        _ => return false,
    };
    signed.year == period.first || signed.year + 1 == period.first
}

/// Of several matching agreements, the one an undated mention most likely means: the latest.
pub fn agreement_recency(a: &StoredAgreement) -> i16 {
    a.signed.map(|d| d.year).or(a.period.map(|p| p.first)).unwrap_or(i16::MIN)
}

pub fn merge_agreement(old: &StoredAgreement, new: &StoredAgreement) -> StoredAgreement {
    StoredAgreement {
        id: old.id,
        partnership: old.partnership,
        kind: old.kind,
        signed: finer(old.signed, new.signed),
        period: old.period.or(new.period),
    }
}

/// Same figure: same partnership, kind, unit, givers and receivers, and the same period (or,
/// with no period, the same reported year). The values may differ: that is a conflict the
/// evidence keeps, not a second figure.
pub fn same_figure(old: &StoredFigure, new: &StoredFigure) -> bool {
    old.partnership == new.partnership
        && old.kind == new.kind
        && old.unit == new.unit
        && old.from == new.from
        && old.to == new.to
        && match (old.period, new.period) {
            (Some(a), Some(b)) => a == b,
            (None, None) => old.year == new.year,
            _ => false,
        }
}

fn subset(part: &[PlaceId], whole: &[PlaceId]) -> bool {
    part.is_empty() || whole.is_empty() || part.iter().all(|p| whole.contains(p))
}

/// A result fulfils a commitment of the same partnership and unit when the giver and receiver fit
/// and it was reported within the commitment's period (or after it was made, when it has none).
pub fn fulfils(result: &StoredFigure, commitment: &StoredFigure) -> bool {
    if result.partnership != commitment.partnership || result.unit != commitment.unit {
        return false;
    }
    if !subset(&result.from, &commitment.from) || !subset(&result.to, &commitment.to) {
        return false;
    }
    match (result.year, commitment.period, commitment.year) {
        (Some(y), Some(p), _) => p.first <= y && y <= p.last,
        (Some(y), None, Some(c)) => y >= c,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoptac_core::{AgreementKind, EventKind, FigureKind, Period, Unit};

    fn ev(ordinal: Option<u32>, date: &str, place: Option<&str>, status: EventStatus) -> StoredEvent {
        StoredEvent {
            id: 0,
            partnership: Some(1),
            kind: EventKind::Conference,
            ordinal,
            date: PartialDate::parse(date),
            place: place.map(PlaceId::new),
            status,
        }
    }

    #[test]
    fn a_planned_meeting_reported_later_becomes_held_with_the_finer_date() {
        let planned = ev(Some(19), "2024", Some("LA-XE:dakcheung"), EventStatus::Planned);
        let held = ev(None, "2024-10-15", Some("LA-XE:dakcheung"), EventStatus::Held);
        assert!(same_event(&planned, &held));
        let m = merge_event(&planned, &held);
        assert_eq!(m.status, EventStatus::Held);
        assert_eq!(m.date.map(|d| d.to_string()).as_deref(), Some("2024-10-15"));
        assert_eq!(m.ordinal, Some(19));
        // A later "planned" report never turns it back.
        assert_eq!(merge_event(&m, &planned).status, EventStatus::Held);
    }

    #[test]
    fn ordinals_decide_and_dates_must_agree_otherwise() {
        let a = ev(Some(17), "2022-10-19", None, EventStatus::Held);
        assert!(!same_event(&a, &ev(Some(18), "2022-10-19", None, EventStatus::Held)));
        assert!(same_event(&a, &ev(Some(17), "2022-10-20", None, EventStatus::Held)), "ordinal wins, dates conflict");
        assert!(!same_event(&a, &ev(None, "2023", None, EventStatus::Held)));
        assert!(same_event(&a, &ev(None, "2022-10", Some("VN-28"), EventStatus::Held)), "venue unknown on one side");
        let hosted = ev(None, "2022-10-19", Some("LA-AT:sanxay"), EventStatus::Held);
        assert!(!same_event(&hosted, &ev(None, "2022-10-19", Some("VN-28:dakglei"), EventStatus::Held)));
        assert!(same_event(&hosted, &ev(None, "2022-10", Some("LA-AT"), EventStatus::Held)));
        let undated = StoredEvent { date: None, ..ev(None, "2022", None, EventStatus::Held) };
        assert!(!same_event(&undated, &undated.clone()));
    }

    fn ag(signed: Option<&str>, period: Option<(i16, i16)>) -> StoredAgreement {
        StoredAgreement {
            id: 0,
            partnership: Some(1),
            kind: AgreementKind::Mou,
            signed: signed.and_then(PartialDate::parse),
            period: period.and_then(|(a, b)| Period::new(a, b)),
        }
    }

    #[test]
    fn agreements_match_on_signing_period_or_undated_mention() {
        let old = ag(Some("2018-04"), None);
        assert!(same_agreement(&old, &ag(Some("2018"), None)));
        assert!(!same_agreement(&old, &ag(None, Some((2022, 2027)))));
        assert!(same_agreement(&ag(Some("2021-12-20"), None), &ag(None, Some((2022, 2027)))));
        assert!(same_agreement(&ag(None, Some((2022, 2027))), &ag(Some("2022-03"), None)));
        assert!(!same_agreement(&ag(None, Some((2017, 2022))), &ag(None, Some((2022, 2027)))));
        assert!(same_agreement(&old, &ag(None, None)));
        let m = merge_agreement(&ag(None, Some((2022, 2027))), &ag(Some("2022-03-01"), None));
        assert_eq!(m.signed.map(|d| d.to_string()).as_deref(), Some("2022-03-01"));
        assert_eq!(m.period, Period::new(2022, 2027));
    }

    fn fig(kind: FigureKind, value: f64, period: Option<(i16, i16)>, year: Option<i16>) -> StoredFigure {
        StoredFigure {
            id: 0,
            partnership: Some(1),
            kind,
            unit: Unit::Scholarship,
            value,
            from: vec![PlaceId::new("VN-28")],
            to: vec![PlaceId::new("LA-XE")],
            period: period.and_then(|(a, b)| Period::new(a, b)),
            year,
            quantity: String::new(),
            fulfils: None,
            per_year: false,
        }
    }

    #[test]
    fn figures_and_fulfilment() {
        let c = fig(FigureKind::Commitment, 10.0, Some((2024, 2029)), Some(2023));
        assert!(same_figure(&c, &fig(FigureKind::Commitment, 12.0, Some((2024, 2029)), Some(2024))));
        assert!(!same_figure(&c, &fig(FigureKind::Commitment, 10.0, Some((2019, 2023)), Some(2023))));
        let r = fig(FigureKind::Result, 4.0, None, Some(2025));
        assert!(fulfils(&r, &c));
        assert!(!fulfils(&fig(FigureKind::Result, 4.0, None, Some(2031)), &c));
        let reversed = StoredFigure { from: vec![PlaceId::new("LA-XE")], to: vec![PlaceId::new("VN-28")], ..r.clone() };
        assert!(!fulfils(&reversed, &c), "given the other way");
        let money = StoredFigure { unit: Unit::Vnd, ..r };
        assert!(!fulfils(&money, &c));
    }
}
