//! One record per meeting and per agreement within a document, merged in linear time.

use std::collections::BTreeSet;

use crate::FastMap;

use hoptac_core::{Agreement, AgreementKind, Event, EventKind, EventStatus, PartialDate, Period, PlaceId};

use crate::gazetteer::Gazetteer;
pub(crate) fn precision(d: Option<PartialDate>) -> u8 {
    d.map_or(0, |d| d.precision())
}

fn date_compatible(a: Option<PartialDate>, b: Option<PartialDate>) -> bool {
    matches!((a, b), (Some(x), Some(y)) if x.compatible(&y))
}

fn more_precise(a: Option<PartialDate>, b: Option<PartialDate>) -> Option<PartialDate> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if y.precision() > x.precision() { y } else { x }),
        (x, y) => x.or(y),
    }
}

/// The partnership of a record as a merge key: provinces, a merged province as its successor.
fn party_key(g: &Gazetteer, parties: &[PlaceId]) -> BTreeSet<PlaceId> {
    parties.iter().map(|p| g.current(p.province().unwrap_or(p.as_str()), PartialDate::year(i16::MAX))).collect()
}

/// Indices grouped by a key, in order (smallest first).
struct Sorted<K>(FastMap<K, BTreeSet<usize>>);

/// At most this many candidates of one bucket are tried: a bound that keeps a pathological
/// document (thousands of meetings on one day in different places) linear; real ones have a
/// handful per bucket.
const MAX_TRIED: usize = 256;

impl<K: std::hash::Hash + Eq> Sorted<K> {
    fn new() -> Self {
        Sorted(FastMap::default())
    }

    fn add(&mut self, key: K, i: usize) {
        self.0.entry(key).or_default().insert(i);
    }

    /// The first index under `key` that `fits`.
    fn first(&self, key: &K, fits: impl Fn(usize) -> bool) -> Option<usize> {
        self.0.get(key)?.iter().take(MAX_TRIED).copied().find(|&i| fits(i))
    }
}

/// One record per meeting: the same kind and parties with the same ordinal, or (when not both
/// are numbered) with compatible dates. Each mention looks in the few buckets that hold every
/// record it can match (by ordinal; by exact date, the dates it is a prefix of or that are
/// prefixes of it; meetings without an ordinal by year), and takes the first record that fits,
/// so a long document (thousands of meetings of one partnership) merges in linear time.
pub(crate) fn merge_events(g: &Gazetteer, events: Vec<Event>) -> Vec<Event> {
    type Key = (EventKind, BTreeSet<PlaceId>);
    let mut out: Vec<Event> = Vec::new();
    let mut by_ordinal: Sorted<(Key, u32)> = Sorted::new();
    let mut by_date: Sorted<(Key, Option<PartialDate>)> = Sorted::new();
    let mut by_year: Sorted<(Key, Option<i16>)> = Sorted::new();
    let mut plain_by_year: Sorted<(Key, Option<i16>)> = Sorted::new();
    for e in events {
        let key: Key = (e.kind, party_key(g, &e.parties));
        let fits = |i: usize| {
            let o: &Event = &out[i];
            // two venues in different provinces are two occasions on the same day
            let places_differ =
                matches!((&o.place, &e.place), (Some(a), Some(b)) if a != b && !a.is_within(b) && !b.is_within(a));
            match (o.ordinal, e.ordinal) {
                (Some(x), Some(y)) => x == y,
                _ => !places_differ && (date_compatible(o.date, e.date) || (o.date.is_none() && e.date.is_none())),
            }
        };
        let year = e.date.map(|d| d.year);
        let same = if let Some(n) = e.ordinal {
            // the same number, or a meeting told without one
            [by_ordinal.first(&(key.clone(), n), fits), plain_by_year.first(&(key.clone(), year), fits)]
                .into_iter()
                .flatten()
                .min()
        } else {
            match e.date {
                None => by_date.first(&(key.clone(), None), fits),
                Some(d) if d.month.is_none() => by_year.first(&(key.clone(), year), fits),
                Some(d) => {
                    // the dates that are prefixes of this one, and (for a month) its days
                    let mut dates = vec![PartialDate::year(d.year), PartialDate { day: None, ..d }];
                    if d.day.is_none() {
                        dates.extend((1..=31).map(|day| PartialDate { day: Some(day), ..d }));
                    } else {
                        dates.push(d);
                    }
                    dates.into_iter().filter_map(|x| by_date.first(&(key.clone(), Some(x)), fits)).min()
                }
            }
        };
        let i = match same {
            Some(i) => {
                let o = &mut out[i];
                // the evidence is the mention that dates the meeting best
                if precision(e.date) > precision(o.date) {
                    o.evidence = e.evidence;
                    o.span = e.span;
                }
                o.date = more_precise(o.date, e.date);
                o.ordinal = o.ordinal.or(e.ordinal);
                o.place = o.place.take().or(e.place);
                if e.status == EventStatus::Held {
                    o.status = EventStatus::Held;
                }
                i
            }
            None => {
                out.push(e);
                out.len() - 1
            }
        };
        // (re-)register under the record's current ordinal, date and year
        let (ordinal, date) = (out[i].ordinal, out[i].date);
        if let Some(n) = ordinal {
            by_ordinal.add((key.clone(), n), i);
        } else {
            plain_by_year.add((key.clone(), date.map(|d| d.year)), i);
        }
        by_date.add((key.clone(), date), i);
        by_year.add((key, date.map(|d| d.year)), i);
    }
    out
}

/// One record per agreement: same kind and parties, with periods equal or dates compatible; a
/// mention with neither date nor period joins a dated one. Indexed like [`merge_events`].
pub(crate) fn merge_agreements(g: &Gazetteer, agreements: Vec<Agreement>) -> Vec<Agreement> {
    type Key = (AgreementKind, BTreeSet<PlaceId>);
    let undated = |a: &Agreement| a.signed.is_none() && a.period.is_none();
    let fits = |o: &Agreement, a: &Agreement| {
        if undated(o) || undated(a) {
            return true;
        }
        match (o.period, a.period, o.signed, a.signed) {
            (Some(p), Some(q), _, _) => p == q,
            // signed during a visit of several days: told by its first day and by its last
            (_, _, Some(x), Some(y)) => x.compatible(&y) || within_days(x, y, 7),
            (Some(p), None, _, Some(d)) | (None, Some(p), Some(d), _) => within(p, d),
            _ => false,
        }
    };
    let mut out: Vec<Agreement> = Vec::new();
    let mut all: Sorted<Key> = Sorted::new();
    let mut undated_ones: Sorted<Key> = Sorted::new();
    let mut by_period: Sorted<(Key, Period)> = Sorted::new();
    let mut by_signed_year: Sorted<(Key, i16)> = Sorted::new();
    let mut by_period_year: Sorted<(Key, i16)> = Sorted::new();
    // dated mentions first, so undated ones join them whatever the order of the text
    let (dated, rest): (Vec<Agreement>, Vec<Agreement>) = agreements.into_iter().partition(|a| !undated(a));
    for a in dated.into_iter().chain(rest) {
        let key: Key = (a.kind, party_key(g, &a.parties));
        let fitting = |i: usize| fits(&out[i], &a);
        // the first record that fits, of those in the buckets this mention can match
        let same = if undated(&a) {
            all.first(&key, fitting)
        } else {
            let mut found = vec![undated_ones.first(&key, fitting)];
            if let Some(p) = a.period {
                found.push(by_period.first(&(key.clone(), p), fitting));
                found.extend((p.first - 1..=p.last).map(|y| by_signed_year.first(&(key.clone(), y), fitting)));
            }
            if let Some(d) = a.signed {
                found.push(by_signed_year.first(&(key.clone(), d.year), fitting));
                found.push(by_period_year.first(&(key.clone(), d.year), fitting));
            }
            found.into_iter().flatten().min()
        };
        let i = match same {
            Some(i) => {
                let o = &mut out[i];
                if precision(a.signed) > precision(o.signed) {
                    o.evidence = a.evidence;
                    o.span = a.span;
                }
                o.signed = more_precise(o.signed, a.signed);
                o.period = o.period.or(a.period);
                i
            }
            None => {
                out.push(a);
                out.len() - 1
            }
        };
        let o = &out[i];
        all.add(key.clone(), i);
        if undated(o) {
            undated_ones.add(key.clone(), i);
        }
        if let Some(p) = o.period {
            by_period.add((key.clone(), p), i);
            for y in p.first - 1..=p.last {
                by_period_year.add((key.clone(), y), i);
            }
        }
        if let Some(d) = o.signed {
            by_signed_year.add((key, d.year), i);
        }
    }
    out.sort_by_key(|a| a.span.start);
    out
}

fn within_days(x: PartialDate, y: PartialDate, n: u8) -> bool {
    match (x.month, x.day, y.month, y.day) {
        (Some(a), Some(d), Some(b), Some(e)) => x.year == y.year && a == b && d.abs_diff(e) <= n,
        _ => false,
    }
}

/// A signing that opens a period: the year before it or its first year.
fn within(p: Period, d: PartialDate) -> bool {
    d.year >= p.first - 1 && d.year <= p.first
}
