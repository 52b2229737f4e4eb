//! What the record says is missing: numbered meetings absent from their sequence (XVII and XIX
//! known, XVIII never reported), commitments whose period ended undelivered, partnerships with
//! nothing reported for a long time, and the next meeting where none is announced (tentative:
//! the ordinal after the last, the host as the record's rotation has it, the usual month).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use hoptac_core::{EventKind, EventStatus, PartialDate, PlaceId};
use jiff::civil::Date;
use serde::Serialize;

use crate::agenda::date_bounds;
use crate::model::{FactId, PartnershipId, StoredEvent, StoredFigure};

/// A partnership is silent when nothing was reported for this many months.
pub const SILENT_MONTHS: i64 = 18;
/// A gap wider than this between two known ordinals is not listed number by number (an
/// ordinal misread, or a series restarted).
const MAX_GAP: u32 = 6;

/// Numbered meetings of one kind missing between two that are known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingOrdinals {
    pub partnership: PartnershipId,
    pub kind: EventKind,
    pub ordinals: Vec<u32>,
    /// The known meetings on either side.
    pub after: FactId,
    pub before: FactId,
}

/// The next meeting where none is announced, as the record's rhythm suggests: the ordinal after
/// the last known, the usual step and month (not before today), the other party's turn to host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Forecast {
    pub partnership: PartnershipId,
    pub kind: EventKind,
    pub ordinal: Option<u32>,
    pub year: i16,
    pub month: Option<u8>,
    /// The party whose turn it is to host, when the record shows turns.
    pub host: Option<PlaceId>,
    /// The meetings it is drawn from, oldest first.
    pub basis: Vec<FactId>,
}

/// The ordinals missing in each partnership's series of each kind.
pub fn missing_ordinals(events: &[StoredEvent]) -> Vec<MissingOrdinals> {
    let mut series: BTreeMap<(PartnershipId, String), BTreeMap<u32, FactId>> = BTreeMap::new();
    for e in events {
        if let (Some(p), Some(n)) = (e.partnership, e.ordinal) {
            let kind = hoptac_core::variant_name(&e.kind).unwrap_or_default();
            series.entry((p, kind)).or_default().entry(n).or_insert(e.id);
        }
    }
    let mut out = Vec::new();
    for ((partnership, _), known) in series {
        let known: Vec<(u32, FactId)> = known.into_iter().collect();
        for pair in known.windows(2) {
            let ((a, ea), (b, eb)) = (pair[0], pair[1]);
            if b > a + 1 && b - a - 1 <= MAX_GAP {
                let kind = events.iter().find(|e| e.id == ea).map(|e| e.kind).unwrap_or(EventKind::Conference);
                out.push(MissingOrdinals { partnership, kind, ordinals: (a + 1..b).collect(), after: ea, before: eb });
            }
        }
    }
    out
}

/// Whole months from the last day a date can denote to `today`.
pub fn months_since(d: PartialDate, today: Date) -> Option<i64> {
    let (_, last) = date_bounds(d)?;
    if last >= today {
        return Some(0);
    }
    let months =
        (i64::from(today.year()) - i64::from(last.year())) * 12 + i64::from(today.month()) - i64::from(last.month());
    // A month is whole on the same day of the month, or on the month's last day.
    let whole = today.day() >= last.day() || today == today.last_of_month();
    Some(if whole { months } else { months - 1 }.max(0))
}

/// How long a partnership has been silent, when it is: the months since the latest report, if
/// at least [`SILENT_MONTHS`].
pub fn silence(latest: Option<PartialDate>, today: Date) -> Option<i64> {
    months_since(latest?, today).filter(|m| *m >= SILENT_MONTHS)
}

/// Which of `parties` a venue belongs to (the party itself, or a unit within it).
fn host_of(venue: &PlaceId, parties: &[PlaceId]) -> Option<PlaceId> {
    parties.iter().find(|p| venue == *p || venue.is_within(p)).cloned()
}

/// The next conference of one partnership, unless one is announced for today or later.
pub fn forecast(
    partnership: PartnershipId,
    events: &[StoredEvent],
    parties: &[PlaceId],
    today: Date,
) -> Option<Forecast> {
    let mut dated: Vec<&StoredEvent> = events
        .iter()
        .filter(|e| e.partnership == Some(partnership) && e.kind == EventKind::Conference && e.date.is_some())
        .collect();
    let announced = dated.iter().any(|e| {
        e.status == EventStatus::Planned && e.date.and_then(date_bounds).is_some_and(|(_, last)| last >= today)
    });
    if announced || dated.len() < 2 {
        return None;
    }
    dated.sort_by_key(|e| (e.date, e.id));
    let years: Vec<i16> = dated.iter().filter_map(|e| e.date.map(|d| d.year)).collect();
    let mut steps: Vec<i16> = years.windows(2).map(|w| w[1] - w[0]).filter(|d| *d > 0).collect();
    steps.sort_unstable();
    let step = steps.get(steps.len() / 2).copied().unwrap_or(1).max(1);
    // The usual month: the most frequent; ties go to the latest meeting's.
    let mut months: HashMap<u8, usize> = HashMap::new();
    for m in dated.iter().filter_map(|e| e.date.and_then(|d| d.month)) {
        *months.entry(m).or_default() += 1;
    }
    let last = dated[dated.len() - 1];
    // Ties go to the month of the most recent meeting among them.
    let best = months.values().copied().max().unwrap_or(0);
    let month = dated.iter().rev().filter_map(|e| e.date.and_then(|d| d.month)).find(|m| months.get(m) == Some(&best));
    let last_year = last.date.map(|d| d.year)?;
    // The next after the last known, at the usual step; not in the past (a meeting due then
    // and not reported is still the next one the record knows of).
    let mut year = last_year + step;
    let due = |y: i16| Date::new(y, month.unwrap_or(12) as i8, 1).ok().map(|d| d.last_of_month());
    while due(year).is_some_and(|d| d < today) {
        year += step;
    }
    let ordinal = dated.iter().rev().find_map(|e| e.ordinal).map(|n| {
        // counted from the last meeting that has one
        let after: u32 = dated.iter().rev().take_while(|e| e.ordinal.is_none()).count() as u32;
        n + after + 1
    });
    // Hosts take turns when the record shows them doing so; with two parties and one known
    // host, the other's turn comes.
    let hosts: Vec<PlaceId> = dated.iter().filter_map(|e| e.place.as_ref().and_then(|v| host_of(v, parties))).collect();
    let distinct: BTreeSet<&PlaceId> = hosts.iter().collect();
    let host = match hosts.as_slice() {
        [.., a, b] if a != b && parties.len() == 2 => Some(a.clone()),
        [.., a] if parties.len() == 2 && distinct.len() == 1 => parties.iter().find(|p| *p != a).cloned(),
        _ => None,
    };
    Some(Forecast {
        partnership,
        kind: EventKind::Conference,
        ordinal,
        year,
        month,
        host,
        basis: dated.iter().map(|e| e.id).collect(),
    })
}

/// How one year of a commitment stated per year stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum YearStatus {
    /// Results reported for the year add up to the yearly amount.
    Met,
    /// The year is over and the results reported for it fall short (or there are none).
    Short,
    /// The year is not over yet.
    Open,
}

impl YearStatus {
    /// The snake_case name (as JSON writes it).
    pub fn as_str(self) -> &'static str {
        match self {
            YearStatus::Met => "met",
            YearStatus::Short => "short",
            YearStatus::Open => "open",
        }
    }
}

/// One year of a per-year commitment: what was expected, what results reported for that year
/// add up to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LedgerYear {
    pub year: i16,
    pub expected: f64,
    pub delivered: f64,
    pub status: YearStatus,
}

/// A commitment's years ("mỗi năm 10 suất giai đoạn 2021–2025": ten in each of 2021 … 2025),
/// each matched with the results reported for that year. Empty unless the commitment is stated
/// per year and has a period: without one there is no telling which years it covers. Results
/// with no year count for no year (they still count towards the whole).
pub fn ledger(commitment: &StoredFigure, results: &[&StoredFigure], today_year: i16) -> Vec<LedgerYear> {
    let (true, Some(p)) = (commitment.per_year, commitment.period) else { return Vec::new() };
    let mut by_year: BTreeMap<i16, f64> = BTreeMap::new();
    for r in results {
        if let Some(y) = r.year {
            *by_year.entry(y).or_default() += r.value;
        }
    }
    (p.first..=p.last)
        .map(|year| {
            let delivered = by_year.get(&year).copied().unwrap_or(0.0);
            let status = if delivered + 1e-9 >= commitment.value {
                YearStatus::Met
            } else if year < today_year {
                YearStatus::Short
            } else {
                YearStatus::Open
            };
            LedgerYear { year, expected: commitment.value, delivered, status }
        })
        .collect()
}

/// What a commitment promises in all: the amount, or the yearly amount times the years of its
/// period.
pub fn promised_total(c: &StoredFigure) -> f64 {
    match (c.per_year, c.period) {
        (true, Some(p)) => c.value * f64::from(p.last - p.first + 1),
        _ => c.value,
    }
}

/// The years of a per-year commitment that ended short.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShortYears {
    pub commitment: FactId,
    pub years: Vec<i16>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conf(
        id: FactId,
        p: PartnershipId,
        ordinal: Option<u32>,
        date: &str,
        place: &str,
        status: EventStatus,
    ) -> StoredEvent {
        StoredEvent {
            id,
            partnership: Some(p),
            kind: EventKind::Conference,
            ordinal,
            date: PartialDate::parse(date),
            place: (!place.is_empty()).then(|| PlaceId::new(place)),
            status,
        }
    }

    fn day(s: &str) -> Date {
        s.parse().unwrap()
    }

    const HELD: EventStatus = EventStatus::Held;

    #[test]
    fn a_meeting_missing_from_a_numbered_series() {
        let events = [
            conf(1, 7, Some(17), "2022-10-19", "LA-AT:sanxay", HELD),
            conf(2, 7, Some(19), "2024", "LA-XE:dakcheung", EventStatus::Planned),
            conf(3, 8, Some(4), "2021", "", HELD),
            conf(4, 8, Some(5), "2022", "", HELD),
            // A far gap is an ordinal misread, not seven missing meetings.
            conf(5, 9, Some(2), "2010", "", HELD),
            conf(6, 9, Some(12), "2020", "", HELD),
        ];
        let missing = missing_ordinals(&events);
        assert_eq!(missing.len(), 1);
        assert_eq!(
            (missing[0].partnership, missing[0].ordinals.as_slice(), missing[0].after, missing[0].before),
            (7, &[18][..], 1, 2)
        );
        // Two missing in a row.
        let two = missing_ordinals(&[conf(1, 7, Some(3), "2020", "", HELD), conf(2, 7, Some(6), "2023", "", HELD)]);
        assert_eq!(two[0].ordinals, vec![4, 5]);
    }

    #[test]
    fn silence_counts_whole_months_from_the_last_report() {
        let today = day("2026-11-30");
        assert_eq!(months_since(PartialDate::parse("2025-05-30").unwrap(), today), Some(18));
        assert_eq!(months_since(PartialDate::parse("2025-05-31").unwrap(), today), Some(18), "month end to month end");
        assert_eq!(months_since(PartialDate::parse("2025-06-15").unwrap(), day("2026-12-14")), Some(17), "a day short");
        // A year alone runs to its last day.
        assert_eq!(months_since(PartialDate::parse("2024").unwrap(), today), Some(23));
        assert_eq!(silence(PartialDate::parse("2025-05"), today), Some(18));
        assert_eq!(silence(PartialDate::parse("2025-07-01"), today), None);
        assert_eq!(silence(None, today), None);
        assert_eq!(months_since(PartialDate::parse("2027").unwrap(), today), Some(0));
    }

    #[test]
    fn the_next_conference_follows_the_rhythm_the_turns_and_the_usual_month() {
        // Yearly, in October, the two provinces hosting in turn: Sekong, Kon Tum, Sekong.
        let parties = [PlaceId::new("LA-XE"), PlaceId::new("VN-28")];
        let events = [
            conf(1, 4, Some(10), "2021-10-12", "LA-XE", HELD),
            conf(2, 4, Some(11), "2022-10-20", "VN-28:dakglei", HELD),
            conf(3, 4, Some(12), "2023-09-28", "LA-XE", HELD),
        ];
        let f = forecast(4, &events, &parties, day("2024-01-15")).expect("a forecast");
        assert_eq!((f.ordinal, f.year, f.month), (Some(13), 2024, Some(10)));
        assert_eq!(f.host, Some(PlaceId::new("VN-28")), "Kon Tum's turn");
        assert_eq!(f.basis, vec![1, 2, 3]);
        // Asked later, with nothing reported since: still XIII (and Kon Tum's turn), now in 2025.
        let later = forecast(4, &events, &parties, day("2025-03-01")).expect("a forecast");
        assert_eq!(
            (later.ordinal, later.year, later.host.as_ref().map(|p| p.as_str())),
            (Some(13), 2025, Some("VN-28"))
        );
        // An announced meeting (planned, still ahead) is the answer: no forecast.
        let mut with_plan = events.to_vec();
        with_plan.push(conf(4, 4, Some(13), "2024-10", "VN-28", EventStatus::Planned));
        assert_eq!(forecast(4, &with_plan, &parties, day("2024-01-15")), None);
        // One meeting shows no rhythm.
        assert_eq!(forecast(4, &events[..1], &parties, day("2024-01-15")), None);
        // A tie between two months goes to the more recent meeting's.
        let tie = [
            conf(1, 6, Some(1), "2022-10-02", "", HELD),
            conf(2, 6, Some(2), "2023-11-20", "", HELD),
            conf(3, 6, Some(3), "2024", "", HELD),
        ];
        assert_eq!(forecast(6, &tie, &parties, day("2025-01-01")).map(|f| f.month), Some(Some(11)));
        // Every other year, hosts unknown.
        let biennial = [
            conf(1, 5, None, "2018-05", "", HELD),
            conf(2, 5, None, "2020-06", "", HELD),
            conf(3, 5, None, "2022-06", "", HELD),
        ];
        let f = forecast(5, &biennial, &parties, day("2023-01-01")).expect("a forecast");
        assert_eq!((f.ordinal, f.year, f.month, f.host), (None, 2024, Some(6), None));
    }

    fn per_year(value: f64, period: Option<(i16, i16)>) -> StoredFigure {
        StoredFigure {
            id: 1,
            partnership: Some(1),
            kind: hoptac_core::FigureKind::Commitment,
            unit: hoptac_core::Unit::Scholarship,
            value,
            from: vec![],
            to: vec![],
            period: period.and_then(|(a, b)| hoptac_core::Period::new(a, b)),
            year: Some(2021),
            quantity: format!("{value} suất mỗi năm"),
            fulfils: None,
            per_year: true,
        }
    }

    fn result(id: i64, value: f64, year: Option<i16>) -> StoredFigure {
        StoredFigure {
            id,
            kind: hoptac_core::FigureKind::Result,
            year,
            value,
            fulfils: Some(1),
            per_year: false,
            period: None,
            ..per_year(value, None)
        }
    }

    #[test]
    fn a_yearly_commitment_is_expanded_and_matched_year_by_year() {
        let c = per_year(10.0, Some((2021, 2025)));
        let (r22a, r22b, r23, r24, undated) = (
            result(2, 6.0, Some(2022)),
            result(3, 4.0, Some(2022)),
            result(4, 7.0, Some(2023)),
            result(5, 12.0, Some(2024)),
            result(6, 9.0, None),
        );
        let got = ledger(&c, &[&r22a, &r22b, &r23, &r24, &undated], 2025);
        let rows: Vec<(i16, f64, f64, YearStatus)> =
            got.iter().map(|l| (l.year, l.expected, l.delivered, l.status)).collect();
        assert_eq!(
            rows,
            vec![
                (2021, 10.0, 0.0, YearStatus::Short),
                (2022, 10.0, 10.0, YearStatus::Met),
                (2023, 10.0, 7.0, YearStatus::Short),
                (2024, 10.0, 12.0, YearStatus::Met),
                (2025, 10.0, 0.0, YearStatus::Open),
            ]
        );
        assert_eq!(promised_total(&c), 50.0);
    }

    #[test]
    fn no_ledger_without_a_period_or_a_per_year_mark() {
        assert!(ledger(&per_year(10.0, None), &[], 2025).is_empty(), "which years? nobody said");
        let once = StoredFigure { per_year: false, ..per_year(10.0, Some((2021, 2025))) };
        assert!(ledger(&once, &[], 2025).is_empty());
        assert_eq!(promised_total(&once), 10.0, "ten over the whole period");
        assert_eq!(promised_total(&per_year(10.0, None)), 10.0);
    }
}
