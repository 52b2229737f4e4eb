//! A partnership's dossier: its agreements, the timeline of its meetings, its commitments with
//! their status and the results that fulfil them, the people met, and the source of every line.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::model::*;
use crate::repo::Reader;
use crate::Result;
use hoptac_core::{FigureKind, PartialDate, PlaceId, Span};
use serde::Serialize;

/// Where a line comes from: a document and the span of its evidence sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    pub document: DocId,
    pub span: Span,
    pub sentence: String,
}

/// Documents disagree about one field of a record; every claimed value is kept.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    pub field: String,
    pub claims: Vec<Claim>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Claim {
    pub value: serde_json::Value,
    pub documents: Vec<DocId>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line<T> {
    #[serde(flatten)]
    pub fact: T,
    pub parties: Vec<PlaceId>,
    /// Its sources: all of them, or the first few when the dossier was built for a page.
    pub sources: Vec<Source>,
    /// How many sources it has in all.
    pub sources_total: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<Conflict>,
    /// Whether a person confirmed, corrected or entered it (rejected facts are left out).
    pub review: ReviewState,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitmentStatus {
    /// Not yet delivered in full, and its period has not ended.
    Promised,
    /// Results reported in its period add up to at least what was promised.
    Delivered,
    /// Its period has ended without results adding up to it.
    Overdue,
    /// No period and no result: nothing says whether it is due.
    Unknown,
}

impl CommitmentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CommitmentStatus::Promised => "promised",
            CommitmentStatus::Delivered => "delivered",
            CommitmentStatus::Overdue => "overdue",
            CommitmentStatus::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommitmentLine {
    #[serde(flatten)]
    pub line: Line<StoredFigure>,
    pub status: CommitmentStatus,
    /// Sum of the results that fulfil it.
    pub delivered: f64,
    /// What it promises in all (the yearly amount times the years, for one stated per year).
    pub promised: f64,
    pub results: Vec<Line<StoredFigure>>,
    /// Year by year, for a commitment stated per year with a period.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ledger: Vec<crate::gaps::LedgerYear>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonLine {
    #[serde(flatten)]
    pub person: StoredPerson,
    pub roles: Vec<Role>,
    pub sources: Vec<Source>,
    /// How many sources name them in the dossier's documents.
    pub sources_total: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dossier {
    /// The places asked for, each with the predecessors it includes.
    pub places: Vec<Vec<PlaceId>>,
    pub partnerships: Vec<Partnership>,
    pub agreements: Vec<Line<StoredAgreement>>,
    /// Meetings held and planned, in date order.
    pub events: Vec<Line<StoredEvent>>,
    pub commitments: Vec<CommitmentLine>,
    /// Results that fulfil no known commitment, and standing facts.
    pub other_figures: Vec<Line<StoredFigure>>,
    pub people: Vec<PersonLine>,
    pub documents: Vec<DocumentSummary>,
    /// What the record says is missing.
    pub gaps: Gaps,
    /// How many lines each shortened list has in all: a page's dossier holds the latest
    /// agreements, meetings and other figures ([`Shown::lines`]); the others hold all of them.
    pub totals: Totals,
    /// Meetings by year, every one of them: (held, planned).
    pub meetings_by_year: BTreeMap<i16, (usize, usize)>,
}

/// What a page shows of a dossier: the first `sources` of each line, and the latest `lines` of
/// its agreements, meetings and other figures (commitments, with their results, and people
/// are all shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    pub sources: usize,
    pub lines: usize,
}

/// How many agreements, meetings and other figures a dossier has, shown or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Totals {
    pub agreements: usize,
    pub events: usize,
    pub other_figures: usize,
}

/// Count a dated meeting in meetings by year: (held, planned).
pub fn count_by_year(by_year: &mut BTreeMap<i16, (usize, usize)>, e: &StoredEvent) {
    let Some(date) = e.date else { return };
    let slot = by_year.entry(date.year).or_default();
    match e.status {
        hoptac_core::EventStatus::Held => slot.0 += 1,
        hoptac_core::EventStatus::Planned => slot.1 += 1,
    }
}

/// A list in order (by date, or as recorded) cut before its latest `n`: (the earlier ones, the
/// latest).
fn split_latest<T>(mut list: Vec<T>, n: usize) -> (Vec<T>, Vec<T>) {
    let latest = list.split_off(list.len().saturating_sub(n));
    (list, latest)
}

/// What the record says should have happened but left no trace, and what is likely next.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Gaps {
    /// Numbered meetings missing between known ones.
    pub missing: Vec<crate::gaps::MissingOrdinals>,
    /// Commitments whose period ended with nothing, or part, delivered.
    pub overdue: Vec<FactId>,
    /// Commitments stated per year with years that ended short.
    pub short_years: Vec<crate::gaps::ShortYears>,
    /// The latest date the record shows anything happen or be reported: a source's
    /// publication, a meeting held, an agreement signed.
    pub last_report: Option<PartialDate>,
    /// Months without a report, when at least [`crate::gaps::SILENT_MONTHS`].
    pub silent_months: Option<i64>,
    /// The next conference of each partnership where none is announced (tentative).
    pub forecasts: Vec<crate::gaps::Forecast>,
}

/// A place and every unit it absorbed, transitively: asking for Quảng Ngãi includes Kon Tum.
pub fn with_predecessors(place: &PlaceId, places: &[Place]) -> Vec<PlaceId> {
    let mut out = vec![place.clone()];
    let mut i = 0;
    while i < out.len() {
        let cur = out[i].clone();
        for p in places {
            if p.successor.as_ref() == Some(&cur) && !out.contains(&p.id) {
                out.push(p.id.clone());
            }
        }
        i += 1;
    }
    out
}

/// Sort key of a partial date: year, then month, then day; unknown parts first.
fn date_key(d: Option<PartialDate>) -> (i16, u8, u8) {
    d.map(|d| (d.year, d.month.unwrap_or(0), d.day.unwrap_or(0))).unwrap_or((i16::MAX, 0, 0))
}

/// The status of a commitment on `today`, given what its results add up to.
pub fn commitment_status(c: &StoredFigure, delivered: f64, has_results: bool, today_year: i16) -> CommitmentStatus {
    if has_results && delivered + 1e-9 >= crate::gaps::promised_total(c) {
        CommitmentStatus::Delivered
    } else if let Some(p) = c.period {
        if p.last < today_year {
            CommitmentStatus::Overdue
        } else {
            CommitmentStatus::Promised
        }
    } else if has_results {
        CommitmentStatus::Promised
    } else {
        CommitmentStatus::Unknown
    }
}

/// What the results among `figures` add up to, by the commitment each fulfils (a commitment
/// with no result has no entry).
pub fn delivered_by_commitment(figures: &[StoredFigure]) -> HashMap<FactId, f64> {
    let mut delivered: HashMap<FactId, f64> = HashMap::new();
    for r in figures.iter().filter(|f| f.kind == FigureKind::Result) {
        if let Some(c) = r.fulfils {
            *delivered.entry(c).or_default() += r.value;
        }
    }
    delivered
}

/// A commitment's status on `today_year` and what was delivered towards it, from
/// [`delivered_by_commitment`].
pub fn status_of(c: &StoredFigure, delivered: &HashMap<FactId, f64>, today_year: i16) -> (CommitmentStatus, f64) {
    let got = delivered.get(&c.id).copied();
    (commitment_status(c, got.unwrap_or(0.0), got.is_some(), today_year), got.unwrap_or(0.0))
}

/// Gathers evidence by fact and turns claims into conflicts.
struct EvidenceIndex {
    /// The sources shown, by fact.
    sources: HashMap<FactId, Vec<Source>>,
    /// Each distinct claim made about a fact (their sources add up to the fact's).
    claims: HashMap<FactId, Vec<ClaimGroup>>,
}

impl EvidenceIndex {
    /// The first `limit` sources of each fact (all, for `None`), and every claim.
    fn load(reader: &dyn Reader, fact_type: FactType, ids: &[FactId], limit: Option<usize>) -> Result<Self> {
        let digest = reader.evidence_digest(fact_type, ids, limit.unwrap_or(usize::MAX))?;
        let mut index = EvidenceIndex { sources: HashMap::new(), claims: HashMap::new() };
        for e in digest.first {
            index.sources.entry(e.fact_id).or_default().push(Source {
                document: e.document,
                span: e.span,
                sentence: e.sentence,
            });
        }
        for g in digest.claims {
            index.claims.entry(g.fact_id).or_default().push(g);
        }
        Ok(index)
    }

    fn sources(&self, id: FactId) -> Vec<Source> {
        self.sources.get(&id).cloned().unwrap_or_default()
    }

    /// How many sources a fact has in all.
    fn total(&self, id: FactId) -> usize {
        self.claims.get(&id).map_or(0, |gs| gs.iter().map(|g| g.sources).sum())
    }

    /// A conflict on `field` when two claimed values are not `compatible`.
    fn conflict(
        &self,
        id: FactId,
        field: &str,
        compatible: impl Fn(&serde_json::Value, &serde_json::Value) -> bool,
    ) -> Option<Conflict> {
        let mut claims: Vec<Claim> = Vec::new();
        for g in self.claims.get(&id)? {
            let Some(v) = g.claim.get(field).filter(|v| !v.is_null()) else { continue };
            match claims.iter_mut().find(|c| &c.value == v) {
                Some(c) => {
                    for d in &g.documents {
                        if !c.documents.contains(d) {
                            c.documents.push(*d)
                        }
                    }
                    c.documents.sort_unstable();
                }
                None => claims.push(Claim { value: v.clone(), documents: g.documents.clone() }),
            }
        }
        let clash =
            claims.iter().enumerate().any(|(i, a)| claims[i + 1..].iter().any(|b| !compatible(&a.value, &b.value)));
        clash.then(|| Conflict { field: field.to_string(), claims })
    }

    fn documents(&self) -> impl Iterator<Item = DocId> + '_ {
        self.claims.values().flatten().flat_map(|g| g.documents.iter().copied())
    }
}

fn dates_compatible(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    match (a.as_str().and_then(PartialDate::parse), b.as_str().and_then(PartialDate::parse)) {
        (Some(x), Some(y)) => x.compatible(&y),
        _ => a == b,
    }
}

fn places_compatible(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    match (a.as_str(), b.as_str()) {
        (Some(x), Some(y)) => crate::matching::places_compatible(Some(&PlaceId::new(x)), Some(&PlaceId::new(y))),
        _ => a == b,
    }
}

/// Build the dossier of the partnerships that include every one of `wanted` (each place counts
/// with the units it absorbed).
pub fn build(reader: &dyn Reader, wanted: &[PlaceId], today: jiff::civil::Date) -> Result<Dossier> {
    build_with_places(reader, &reader.places()?, wanted, today)
}

/// [`build`], with the reference places already in hand (a server keeps them in memory).
pub fn build_with_places(
    reader: &dyn Reader,
    places: &[Place],
    wanted: &[PlaceId],
    today: jiff::civil::Date,
) -> Result<Dossier> {
    build_limited(reader, places, wanted, today, None)
}

/// [`build_with_places`], shortened for a page ([`Shown`]: `None` keeps everything): only the
/// lines shown have their sources read, without reading every sentence of a busy partnership;
/// gaps, totals and the meetings by year still count every fact.
pub fn build_limited(
    reader: &dyn Reader,
    places: &[Place],
    wanted: &[PlaceId],
    today: jiff::civil::Date,
    shown: Option<Shown>,
) -> Result<Dossier> {
    build_of(reader, included(reader.partnerships()?, places, wanted), today, shown)
}

/// The partnerships a dossier of `wanted` covers, of `every` partnership: those that include
/// each wanted place (with the units it absorbed); and the places asked for, each with those units.
pub fn included(every: Vec<Partnership>, places: &[Place], wanted: &[PlaceId]) -> Included {
    let sets: Vec<Vec<PlaceId>> = wanted.iter().map(|p| with_predecessors(p, places)).collect();
    let partnerships =
        every.into_iter().filter(|ps| sets.iter().all(|set| ps.parties.iter().any(|p| set.contains(p)))).collect();
    Included { places: sets, partnerships }
}

/// What a dossier covers ([`included`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Included {
    pub places: Vec<Vec<PlaceId>>,
    pub partnerships: Vec<Partnership>,
}

/// [`build_limited`] of the partnerships already chosen.
pub fn build_of(
    reader: &dyn Reader,
    included: Included,
    today: jiff::civil::Date,
    shown: Option<Shown>,
) -> Result<Dossier> {
    let sources = shown.map(|s| s.sources);
    let lines = shown.map_or(usize::MAX, |s| s.lines);
    let Included { places: sets, partnerships } = included;
    let pids: Vec<PartnershipId> = partnerships.iter().map(|p| p.id).collect();
    let parties_of: HashMap<PartnershipId, Vec<PlaceId>> =
        partnerships.iter().map(|p| (p.id, p.parties.clone())).collect();
    let parties = |p: Option<PartnershipId>| p.and_then(|id| parties_of.get(&id).cloned()).unwrap_or_default();

    // The documents behind every fact, shown or not: from the sources read, and for the facts
    // left out of a page, from their evidence's document ids alone.
    let mut documents: BTreeSet<DocId> = BTreeSet::new();
    let mut read_documents = |fact_type: FactType, unread: &[FactId], ev: &EvidenceIndex| -> Result<()> {
        documents.extend(ev.documents());
        if !unread.is_empty() {
            documents.extend(reader.documents_of(fact_type, unread)?);
        }
        Ok(())
    };

    let mut agreements = visible(reader, FactType::Agreement, reader.agreements(&pids)?, |a| a.id)?;
    agreements.sort_by_key(|(a, _)| (date_key(a.signed.or(a.period.map(|p| PartialDate::year(p.first)))), a.id));
    let agreements_total = agreements.len();
    let last_signed = agreements.iter().filter_map(|(a, _)| a.signed).max();
    let (earlier, agreements) = split_latest(agreements, lines);
    let ev = EvidenceIndex::load(
        reader,
        FactType::Agreement,
        &agreements.iter().map(|(a, _)| a.id).collect::<Vec<_>>(),
        sources,
    )?;
    read_documents(FactType::Agreement, &earlier.iter().map(|(a, _)| a.id).collect::<Vec<_>>(), &ev)?;
    let agreements = agreements
        .into_iter()
        .map(|a| {
            let conflicts =
                [ev.conflict(a.0.id, "signed", dates_compatible), ev.conflict(a.0.id, "period", |x, y| x == y)]
                    .into_iter()
                    .flatten()
                    .collect();
            let (a, review) = a;
            Line {
                parties: parties(a.partnership),
                sources: ev.sources(a.id),
                sources_total: ev.total(a.id),
                conflicts,
                review,
                fact: a,
            }
        })
        .collect::<Vec<Line<StoredAgreement>>>();

    let mut events = visible(reader, FactType::Event, reader.events(&pids)?, |e| e.id)?;
    events.sort_by_key(|(e, _)| (date_key(e.date), e.ordinal, e.id));
    let stored_events: Vec<StoredEvent> = events.iter().map(|(e, _)| e.clone()).collect();
    let (earlier, events) = split_latest(events, lines);
    let ev =
        EvidenceIndex::load(reader, FactType::Event, &events.iter().map(|(e, _)| e.id).collect::<Vec<_>>(), sources)?;
    read_documents(FactType::Event, &earlier.iter().map(|(e, _)| e.id).collect::<Vec<_>>(), &ev)?;
    let events = events
        .into_iter()
        .map(|(e, review)| {
            let conflicts = [
                ev.conflict(e.id, "date", dates_compatible),
                ev.conflict(e.id, "ordinal", |x, y| x == y),
                ev.conflict(e.id, "place", places_compatible),
            ]
            .into_iter()
            .flatten()
            .collect();
            Line {
                parties: parties(e.partnership),
                sources: ev.sources(e.id),
                sources_total: ev.total(e.id),
                conflicts,
                review,
                fact: e,
            }
        })
        .collect::<Vec<Line<StoredEvent>>>();

    let figures = visible(reader, FactType::Figure, reader.figures(&pids)?, |f| f.id)?;
    let review_of: HashMap<FactId, ReviewState> = figures.iter().map(|(f, r)| (f.id, *r)).collect();
    // In the order they were recorded, whatever order the backend returned them in.
    let mut figures: Vec<StoredFigure> = figures.into_iter().map(|(f, _)| f).collect();
    figures.sort_by_key(|f| f.id);
    let commitment_ids: HashSet<FactId> =
        figures.iter().filter(|f| f.kind == FigureKind::Commitment).map(|f| f.id).collect();
    let is_other =
        |f: &StoredFigure| f.kind != FigureKind::Commitment && !f.fulfils.is_some_and(|c| commitment_ids.contains(&c));
    let others: Vec<&StoredFigure> = figures.iter().filter(|f| is_other(f)).collect();
    let other_total = others.len();
    let (earlier, others) = split_latest(others, lines);
    // Commitments and their results, and the other figures shown.
    let read: Vec<FactId> =
        figures.iter().filter(|f| !is_other(f)).chain(others.iter().copied()).map(|f| f.id).collect();
    let ev = EvidenceIndex::load(reader, FactType::Figure, &read, sources)?;
    read_documents(FactType::Figure, &earlier.iter().map(|f| f.id).collect::<Vec<_>>(), &ev)?;
    let line = |f: &StoredFigure| Line {
        parties: parties(f.partnership),
        sources: ev.sources(f.id),
        sources_total: ev.total(f.id),
        conflicts: ev.conflict(f.id, "value", |x, y| x == y).into_iter().collect(),
        review: review_of.get(&f.id).copied().unwrap_or_default(),
        fact: f.clone(),
    };
    let mut results_of: BTreeMap<FactId, Vec<&StoredFigure>> = BTreeMap::new();
    for f in figures.iter().filter(|f| f.kind == FigureKind::Result) {
        if let Some(c) = f.fulfils {
            results_of.entry(c).or_default().push(f);
        }
    }
    let mut commitments: Vec<CommitmentLine> = figures
        .iter()
        .filter(|f| f.kind == FigureKind::Commitment)
        .map(|c| {
            let results = results_of.get(&c.id).cloned().unwrap_or_default();
            let delivered: f64 = results.iter().map(|r| r.value).sum();
            CommitmentLine {
                line: line(c),
                status: commitment_status(c, delivered, !results.is_empty(), today.year()),
                delivered,
                promised: crate::gaps::promised_total(c),
                ledger: crate::gaps::ledger(c, &results, today.year()),
                results: results.into_iter().map(line).collect(),
            }
        })
        .collect();
    commitments.sort_by_key(|c| (c.line.fact.period.map(|p| (p.first, p.last)), c.line.fact.id));
    let other_figures = others.into_iter().map(line).collect();

    let people = people_met(reader, &documents, sources)?;
    let documents = reader.document_summaries(&documents.into_iter().collect::<Vec<_>>())?;
    // The latest sign of life: a source's publication, a meeting held, an agreement signed.
    let last_report = documents
        .iter()
        .filter_map(|d| d.published)
        .chain(stored_events.iter().filter(|e| e.status == hoptac_core::EventStatus::Held).filter_map(|e| e.date))
        .chain(last_signed)
        .max();
    let mut meetings_by_year: BTreeMap<i16, (usize, usize)> = BTreeMap::new();
    for e in &stored_events {
        count_by_year(&mut meetings_by_year, e);
    }
    let totals = Totals { agreements: agreements_total, events: stored_events.len(), other_figures: other_total };
    let gaps = Gaps {
        missing: crate::gaps::missing_ordinals(&stored_events),
        overdue: commitments.iter().filter(|c| c.status == CommitmentStatus::Overdue).map(|c| c.line.fact.id).collect(),
        short_years: commitments
            .iter()
            .filter_map(|c| {
                let years: Vec<i16> =
                    c.ledger.iter().filter(|y| y.status == crate::gaps::YearStatus::Short).map(|y| y.year).collect();
                (!years.is_empty()).then_some(crate::gaps::ShortYears { commitment: c.line.fact.id, years })
            })
            .collect(),
        last_report,
        silent_months: crate::gaps::silence(last_report, today),
        forecasts: partnerships
            .iter()
            .filter_map(|p| crate::gaps::forecast(p.id, &stored_events, &p.parties, today))
            .collect(),
    };
    Ok(Dossier {
        places: sets,
        partnerships,
        agreements,
        events,
        commitments,
        other_figures,
        people,
        documents,
        gaps,
        totals,
        meetings_by_year,
    })
}

/// The facts a person has not rejected, each with its review state.
pub fn visible<T>(
    reader: &dyn Reader,
    fact_type: FactType,
    facts: Vec<T>,
    id: impl Fn(&T) -> FactId,
) -> Result<Vec<(T, ReviewState)>> {
    let ids: Vec<FactId> = facts.iter().map(&id).collect();
    let states: HashMap<FactId, ReviewState> = reader.review_states(fact_type, &ids)?.into_iter().collect();
    Ok(facts
        .into_iter()
        .filter_map(|f| {
            let state = states.get(&id(&f)).copied().unwrap_or_default();
            state.visible().then_some((f, state))
        })
        .collect())
}

/// People the documents of the dossier name, with the roles they held and where they appear.
fn people_met(reader: &dyn Reader, documents: &BTreeSet<DocId>, limit: Option<usize>) -> Result<Vec<PersonLine>> {
    let mut sources: BTreeMap<FactId, Vec<Source>> = BTreeMap::new();
    let docs: Vec<DocId> = documents.iter().copied().collect();
    let (shown, totals) = reader.people_sources_in(&docs, limit.unwrap_or(usize::MAX))?;
    let totals: HashMap<FactId, usize> = totals.into_iter().collect();
    for e in shown {
        sources.entry(e.fact_id).or_default().push(Source { document: e.document, span: e.span, sentence: e.sentence });
    }
    let ids: Vec<FactId> = sources.keys().copied().collect();
    let mut roles: HashMap<FactId, Vec<Role>> = HashMap::new();
    for r in reader.roles(&ids)? {
        roles.entry(r.person).or_default().push(r);
    }
    let mut people: Vec<PersonLine> = reader
        .people_by_id(&ids)?
        .into_iter()
        .map(|p| PersonLine {
            roles: roles.remove(&p.id).unwrap_or_default(),
            sources: sources.remove(&p.id).unwrap_or_default(),
            sources_total: totals.get(&p.id).copied().unwrap_or_default(),
            person: p,
        })
        .collect();
    people.sort_by(|a, b| a.person.country.cmp(&b.person.country).then(a.person.id.cmp(&b.person.id)));
    Ok(people)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoptac_core::{Period, Unit};

    #[test]
    fn successors_include_what_they_absorbed() {
        let places = vec![
            Place::province("VN-28", Some("VN-29")),
            Place::province("VN-29", None),
            Place::province("VN-X", Some("VN-28")),
        ];
        let got = with_predecessors(&PlaceId::new("VN-29"), &places);
        assert_eq!(got, vec![PlaceId::new("VN-29"), PlaceId::new("VN-28"), PlaceId::new("VN-X")]);
        assert_eq!(with_predecessors(&PlaceId::new("VN-28"), &places).len(), 2, "not the other way");
    }

    #[test]
    fn statuses() {
        let c = StoredFigure {
            id: 1,
            partnership: None,
            kind: FigureKind::Commitment,
            unit: Unit::Scholarship,
            value: 10.0,
            from: vec![],
            to: vec![],
            period: Period::new(2024, 2029),
            year: Some(2023),
            quantity: "10 suất".into(),
            fulfils: None,
            per_year: false,
        };
        assert_eq!(commitment_status(&c, 0.0, false, 2026), CommitmentStatus::Promised);
        assert_eq!(commitment_status(&c, 6.0, true, 2026), CommitmentStatus::Promised);
        assert_eq!(commitment_status(&c, 10.0, true, 2026), CommitmentStatus::Delivered);
        assert_eq!(commitment_status(&c, 6.0, true, 2030), CommitmentStatus::Overdue);
        let open = StoredFigure { period: None, ..c.clone() };
        assert_eq!(commitment_status(&open, 0.0, false, 2030), CommitmentStatus::Unknown);
        // Ten a year over 2024–2029 is sixty: ten delivered is a start, not the end.
        let yearly = StoredFigure { per_year: true, ..c };
        assert_eq!(commitment_status(&yearly, 10.0, true, 2026), CommitmentStatus::Promised);
        assert_eq!(commitment_status(&yearly, 60.0, true, 2026), CommitmentStatus::Delivered);
    }
}
