//! What is coming: planned meetings within the horizon and commitments falling due, and the
//! same as an iCalendar file (RFC 5545) that calendar programs import.

use std::collections::HashMap;

use crate::dossier::{delivered_by_commitment, status_of, CommitmentStatus};
use crate::model::*;
use crate::repo::Reader;
use crate::Result;
use hoptac_core::{FigureKind, PartialDate, PlaceId};
use icalendar::{Calendar, Component, EventLike};
use jiff::civil::Date;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Meeting {
    #[serde(flatten)]
    pub event: StoredEvent,
    pub parties: Vec<PlaceId>,
    /// The first day the date allows (the date itself when known to the day).
    pub earliest: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Due {
    #[serde(flatten)]
    pub commitment: StoredFigure,
    pub parties: Vec<PlaceId>,
    pub status: CommitmentStatus,
    pub delivered: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agenda {
    pub today: String,
    pub until: String,
    /// Planned meetings whose date falls between today and the horizon.
    pub meetings: Vec<Meeting>,
    /// Planned meetings whose date has passed with no report that they were held.
    pub unconfirmed: Vec<Meeting>,
    /// Commitments not delivered whose period ends between this year and the horizon's.
    pub due: Vec<Due>,
    /// Commitments whose period ended without delivery.
    pub overdue: Vec<Due>,
    /// Conferences no one announced but the record's rhythm expects within the horizon
    /// (tentative: see `crate::gaps::forecast`).
    pub tentative: Vec<Tentative>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tentative {
    #[serde(flatten)]
    pub forecast: crate::gaps::Forecast,
    pub parties: Vec<PlaceId>,
    /// The first day of the month (or year) it is expected in.
    pub earliest: String,
}

/// The first and last day a forecast's month (or year) allows.
fn forecast_bounds(f: &crate::gaps::Forecast) -> Option<(Date, Date)> {
    date_bounds(PartialDate { year: f.year, month: f.month, day: None })
}

/// The first and last day a partial date can denote.
pub fn date_bounds(d: PartialDate) -> Option<(Date, Date)> {
    let first = Date::new(d.year, d.month.unwrap_or(1) as i8, d.day.unwrap_or(1) as i8).ok()?;
    let last = match (d.month, d.day) {
        (_, Some(_)) => first,
        (Some(_), None) => first.last_of_month(),
        (None, None) => Date::new(d.year, 12, 31).ok()?,
    };
    Some((first, last))
}

pub fn build(reader: &dyn Reader, today: Date, horizon_days: i64) -> Result<Agenda> {
    // A horizon beyond the calendar's end is the calendar's end.
    let until = jiff::Span::new()
        .try_days(horizon_days)
        .ok()
        .and_then(|span| today.checked_add(span).ok())
        .unwrap_or(Date::MAX);
    let partnerships: HashMap<PartnershipId, Vec<PlaceId>> =
        reader.partnerships()?.into_iter().map(|p| (p.id, p.parties)).collect();
    let parties = |p: Option<PartnershipId>| p.and_then(|id| partnerships.get(&id).cloned()).unwrap_or_default();

    let mut meetings = Vec::new();
    let mut unconfirmed = Vec::new();
    let planned = crate::dossier::visible(reader, FactType::Event, reader.planned_events()?, |e| e.id)?;
    for (e, _) in planned {
        let Some((first, last)) = e.date.and_then(date_bounds) else { continue };
        let m = Meeting { parties: parties(e.partnership), earliest: first.to_string(), event: e };
        if last < today {
            unconfirmed.push(m);
        } else if first <= until {
            meetings.push(m);
        }
    }
    meetings.sort_by(|a, b| a.earliest.cmp(&b.earliest).then(a.event.id.cmp(&b.event.id)));
    unconfirmed.sort_by(|a, b| a.earliest.cmp(&b.earliest).then(a.event.id.cmp(&b.event.id)));

    let figures: Vec<StoredFigure> =
        crate::dossier::visible(reader, FactType::Figure, reader.figures_of_kind(FigureKind::Result)?, |f| f.id)?
            .into_iter()
            .map(|(f, _)| f)
            .collect();
    let delivered = delivered_by_commitment(&figures);
    let mut due = Vec::new();
    let mut overdue = Vec::new();
    let commitments = reader.figures_of_kind(FigureKind::Commitment)?;
    for (c, _) in crate::dossier::visible(reader, FactType::Figure, commitments, |f| f.id)? {
        let Some(period) = c.period else { continue };
        let (status, got) = status_of(&c, &delivered, today.year());
        let d = Due { parties: parties(c.partnership), status, delivered: got, commitment: c };
        match status {
            CommitmentStatus::Overdue => overdue.push(d),
            CommitmentStatus::Promised if period.last <= until.year() => due.push(d),
            _ => {}
        }
    }
    let key = |d: &Due| (d.commitment.period.map(|p| p.last), d.commitment.id);
    due.sort_by_key(key);
    overdue.sort_by_key(key);

    // The conferences expected where none is announced.
    let pids: Vec<PartnershipId> = partnerships.iter().filter(|(_, ps)| ps.len() >= 2).map(|(id, _)| *id).collect();
    let conferences: Vec<StoredEvent> =
        crate::dossier::visible(reader, FactType::Event, reader.events(&pids)?, |e| e.id)?
            .into_iter()
            .map(|(e, _)| e)
            .filter(|e| e.kind == hoptac_core::EventKind::Conference)
            .collect();
    let mut by_partnership: HashMap<PartnershipId, Vec<StoredEvent>> = HashMap::new();
    for e in conferences {
        if let Some(p) = e.partnership {
            by_partnership.entry(p).or_default().push(e);
        }
    }
    let mut tentative: Vec<Tentative> = by_partnership
        .iter()
        .filter_map(|(p, events)| crate::gaps::forecast(*p, events, &parties(Some(*p)), today))
        .filter_map(|f| {
            let (first, last) = forecast_bounds(&f)?;
            (last >= today && first <= until).then(|| Tentative {
                parties: parties(Some(f.partnership)),
                earliest: first.to_string(),
                forecast: f,
            })
        })
        .collect();
    tentative.sort_by(|a, b| a.earliest.cmp(&b.earliest).then(a.forecast.partnership.cmp(&b.forecast.partnership)));
    Ok(Agenda { today: today.to_string(), until: until.to_string(), meetings, unconfirmed, due, overdue, tentative })
}

fn naive(d: Date) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::from_ymd_opt(d.year() as i32, d.month() as u32, d.day() as u32)
}

/// The agenda as an iCalendar file: one all-day event per planned meeting (on its first possible
/// day, the description saying when the date is only known to the month or year) and one per
/// commitment falling due (on the last day of its period).
pub fn to_ics(
    agenda: &Agenda,
    name: &dyn Fn(&PlaceId) -> String,
    parties: &dyn Fn(&[PlaceId]) -> String,
    event_title: &dyn Fn(&StoredEvent) -> String,
) -> String {
    let mut cal = Calendar::new();
    cal.name("hoptac");
    for m in &agenda.meetings {
        let Some((first, _)) = m.event.date.and_then(date_bounds) else { continue };
        let Some(day) = naive(first) else { continue };
        let who = parties(&m.parties);
        let summary = format!("{} — {who}", event_title(&m.event));
        let mut description = summary.clone();
        if let Some(d) = m.event.date.filter(|d| d.day.is_none()) {
            description.push_str(&format!("\nDate known only as {d}."));
        }
        let mut ev = icalendar::Event::new();
        ev.uid(&format!("event-{}@hoptac", m.event.id))
            .summary(&summary)
            .description(&description)
            .starts(day)
            .ends(day + chrono::Days::new(1));
        if let Some(p) = &m.event.place {
            ev.location(&name(p));
        }
        cal.push(ev.done());
    }
    // Expected, not announced: marked tentative, said so in the title and the description.
    for t in &agenda.tentative {
        let Some((first, _)) = forecast_bounds(&t.forecast) else { continue };
        let Some(day) = naive(first) else { continue };
        let f = &t.forecast;
        let number = f.ordinal.map(|n| format!(" {}", hoptac_text::roman::to_roman(n))).unwrap_or_default();
        let summary = format!("(tentative) conference{number} — {}", parties(&t.parties));
        let when = match f.month {
            Some(m) => format!("{}-{m:02}", f.year),
            None => f.year.to_string(),
        };
        let host = f.host.as_ref().map(|h| format!(", hosted by {}", name(h))).unwrap_or_default();
        let description = format!(
            "Not announced: expected around {when}{host}, from the record's rhythm (the meetings so far, their usual month, the hosts' turns)."
        );
        cal.push(
            icalendar::Event::new()
                .uid(&format!("forecast-{}-{}@hoptac", f.partnership, f.year))
                .summary(&summary)
                .description(&description)
                .status(icalendar::EventStatus::Tentative)
                .starts(day)
                .ends(day + chrono::Days::new(1))
                .done(),
        );
    }
    for d in &agenda.due {
        let Some(period) = d.commitment.period else { continue };
        let Some(day) = Date::new(period.last, 12, 31).ok().and_then(naive) else { continue };
        let summary = format!("Due: {} ({})", d.commitment.quantity, parties(&d.parties));
        let description = format!(
            "Commitment {}–{}: {}; delivered so far: {}",
            period.first, period.last, d.commitment.quantity, d.delivered
        );
        cal.push(
            icalendar::Event::new()
                .uid(&format!("commitment-{}@hoptac", d.commitment.id))
                .summary(&summary)
                .description(&description)
                .starts(day)
                .ends(day + chrono::Days::new(1))
                .done(),
        );
    }
    cal.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_horizon_beyond_the_calendar_is_its_end() {
        struct Empty;
        impl Reader for Empty {
            fn counts(&self) -> Result<Counts> {
                Ok(Counts::default())
            }
            fn document_by_hash(&self, _: &str) -> Result<Option<DocId>> {
                Ok(None)
            }
            fn document_hashes(&self) -> Result<Vec<String>> {
                Ok(vec![])
            }
            fn document(&self, _: DocId) -> Result<Option<Document>> {
                Ok(None)
            }
            fn document_summaries(&self, _: &[DocId]) -> Result<Vec<DocumentSummary>> {
                Ok(vec![])
            }
            fn document_ids(&self) -> Result<Vec<DocId>> {
                Ok(vec![])
            }
            fn unindexed_documents(&self) -> Result<Vec<DocId>> {
                Ok(vec![])
            }
            fn places(&self) -> Result<Vec<Place>> {
                Ok(vec![])
            }
            fn partnerships(&self) -> Result<Vec<Partnership>> {
                Ok(vec![])
            }
            fn events(&self, _: &[PartnershipId]) -> Result<Vec<StoredEvent>> {
                Ok(vec![])
            }
            fn agreements(&self, _: &[PartnershipId]) -> Result<Vec<StoredAgreement>> {
                Ok(vec![])
            }
            fn figures(&self, _: &[PartnershipId]) -> Result<Vec<StoredFigure>> {
                Ok(vec![])
            }
            fn events_by_id(&self, _: &[FactId]) -> Result<Vec<StoredEvent>> {
                Ok(vec![])
            }
            fn agreements_by_id(&self, _: &[FactId]) -> Result<Vec<StoredAgreement>> {
                Ok(vec![])
            }
            fn figures_by_id(&self, _: &[FactId]) -> Result<Vec<StoredFigure>> {
                Ok(vec![])
            }
            fn people_by_id(&self, _: &[FactId]) -> Result<Vec<StoredPerson>> {
                Ok(vec![])
            }
            fn planned_events(&self) -> Result<Vec<StoredEvent>> {
                Ok(vec![])
            }
            fn figures_of_kind(&self, _: FigureKind) -> Result<Vec<StoredFigure>> {
                Ok(vec![])
            }
            fn evidence(&self, _: FactType, _: &[FactId]) -> Result<Vec<Evidence>> {
                Ok(vec![])
            }
            fn evidence_of_document(&self, _: DocId) -> Result<Vec<Evidence>> {
                Ok(vec![])
            }
            fn people_evidence_in(&self, _: &[DocId]) -> Result<Vec<Evidence>> {
                Ok(vec![])
            }
            fn roles(&self, _: &[FactId]) -> Result<Vec<Role>> {
                Ok(vec![])
            }
            fn review_states(&self, _: FactType, _: &[FactId]) -> Result<Vec<(FactId, ReviewState)>> {
                Ok(vec![])
            }
            fn rejected(&self, _: FactType) -> Result<Vec<FactId>> {
                Ok(vec![])
            }
            fn review_queue(&self, _: usize, _: Option<&[PartnershipId]>) -> Result<Vec<(FactType, FactId)>> {
                Ok(vec![])
            }
            fn pending_reviews(&self, _: Option<&[PartnershipId]>) -> Result<usize> {
                Ok(0)
            }
            fn review_log(&self, _: FactType, _: FactId) -> Result<Vec<ReviewEntry>> {
                Ok(vec![])
            }
        }
        let today = jiff::civil::date(2026, 11, 23);
        assert_eq!(build(&Empty, today, i64::MAX).unwrap().until, Date::MAX.to_string());
        assert_eq!(build(&Empty, today, 30).unwrap().until, "2026-12-23");
    }

    #[test]
    fn bounds_of_partial_dates() {
        let b = |s: &str| date_bounds(PartialDate::parse(s).unwrap()).map(|(a, b)| (a.to_string(), b.to_string()));
        assert_eq!(b("2024"), Some(("2024-01-01".into(), "2024-12-31".into())));
        assert_eq!(b("2024-02"), Some(("2024-02-01".into(), "2024-02-29".into())));
        assert_eq!(b("2024-10-15"), Some(("2024-10-15".into(), "2024-10-15".into())));
    }
}
