//! One extracted record enters the store: the document, then each fact matched against what is
//! known (merged, or added), each with the evidence of this document; results are linked to the
//! commitments they fulfil. The caller commits the transaction: all of it lands, or none.

use std::collections::HashMap;

use crate::matching;
use crate::model::*;
use crate::repo::WriteTx;
use crate::titles::{person_key, split_title};
use crate::Result;
use hoptac_core::{
    Agreement, AgreementKind, Event, EventKind, EventStatus, ExtractRecord, Figure, FigureKind, PartialDate, Period,
    Person, PlaceId, Span, Unit,
};

/// The date a document speaks from: its publication date; else the latest of the meetings it
/// reports as held, the signings it reports and the starts of the agreement periods it names.
pub fn document_date(record: &ExtractRecord) -> Option<PartialDate> {
    if let Some(p) = record.document.published {
        return Some(p);
    }
    let held = record.events.iter().filter(|e| e.status == EventStatus::Held).filter_map(|e| e.date);
    let signed = record.agreements.iter().filter_map(|a| a.signed);
    let periods = record.agreements.iter().filter_map(|a| a.period.map(|p| PartialDate::year(p.first)));
    held.chain(signed).chain(periods).max_by_key(|d| (d.year, d.month, d.day))
}

fn sorted_parties(parties: &[PlaceId]) -> Vec<PlaceId> {
    let mut p = parties.to_vec();
    p.sort();
    p.dedup();
    p
}

/// The document's main partnership: the party set its meetings and agreements name most often.
pub fn primary_parties(record: &ExtractRecord) -> Vec<PlaceId> {
    let mut counts: HashMap<Vec<PlaceId>, (usize, usize)> = HashMap::new();
    let sets = record.events.iter().map(|e| &e.parties).chain(record.agreements.iter().map(|a| &a.parties));
    for (order, set) in sets.enumerate() {
        let key = sorted_parties(set);
        if key.len() >= 2 {
            let entry = counts.entry(key).or_insert((0, order));
            entry.0 += 1;
        }
    }
    counts.into_iter().max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.1 .1.cmp(&a.1 .1))).map(|(k, _)| k).unwrap_or_default()
}

/// What ingesting one document did.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub doc: DocId,
    pub stats: IngestStats,
    /// Every fact the document supports, as stored after the merge, in record order.
    pub touched: Vec<Touched>,
}

/// Ingest one document and its record inside `tx`. The document must not be stored yet (the
/// caller checks its hash).
pub fn ingest(tx: &mut dyn WriteTx, doc: &NewDocument, record: &ExtractRecord) -> Result<Outcome> {
    ingest_with(tx, &mut Known::default(), doc, record)
}

/// The stored figures a run's transactions have read, kept for their later documents: the
/// figures of a partnership, kind and unit are read once, whole, and the candidates of each
/// mention are chosen from them with the years filter of [`WriteTx::figure_candidates`]. What
/// ingest writes (a figure added, a result linked, "each year" learnt) is written here too, so
/// the store and this agree while ingest through this value is the store's only writer: within
/// a transaction (writers hold the store's lock: SQLite's, PostgreSQL's advisory lock), and
/// from one to the next when [`WriteTx::others_commits`] says nobody else committed between
/// them. Call [`Known::begin`] at the start of each transaction, and [`Known::forget`] what a
/// rollback undid.
#[derive(Debug, Default)]
pub struct Known {
    figures: HashMap<(Option<PartnershipId>, FigureKind, Unit), Vec<StoredFigure>>,
    /// [`WriteTx::others_commits`] when the current transaction began.
    others: Option<i64>,
}

/// Beyond this many figures kept, they are read again from the next transaction on.
const KEEP_FIGURES: usize = 200_000;

impl Known {
    /// At the start of a transaction: what was read before is kept only when nobody else has
    /// committed since it was read.
    pub fn begin(&mut self, tx: &dyn WriteTx) -> Result<()> {
        let others = tx.others_commits()?;
        if others.is_none() || others != self.others || self.figures_kept() > KEEP_FIGURES {
            self.forget();
        }
        self.others = others;
        Ok(())
    }

    /// How many stored figures are kept.
    pub fn figures_kept(&self) -> usize {
        self.figures.values().map(Vec::len).sum()
    }

    /// Drop everything read (after a rollback: what it undid may be here).
    pub fn forget(&mut self) {
        self.figures.clear();
    }

    /// As [`WriteTx::figure_candidates`], in id order.
    fn figures(
        &mut self,
        tx: &dyn WriteTx,
        partnership: Option<PartnershipId>,
        kind: FigureKind,
        unit: Unit,
        years: Option<(i16, i16)>,
    ) -> Result<Vec<StoredFigure>> {
        let key = (partnership, kind, unit);
        let all = match self.figures.entry(key) {
            std::collections::hash_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(tx.figure_candidates(partnership, kind, unit, None)?)
            }
        };
        let (lo, hi) = years.unwrap_or((i16::MIN, i16::MAX));
        Ok(all.iter().filter(|f| figure_overlaps(f, lo, hi)).cloned().collect())
    }

    /// A figure ingest added (with the id the store gave it).
    fn added_figure(&mut self, f: &StoredFigure) {
        if let Some(all) = self.figures.get_mut(&(f.partnership, f.kind, f.unit)) {
            let at = all.partition_point(|g| g.id < f.id);
            all.insert(at, f.clone());
        }
    }

    /// A figure ingest changed: `change` applied to the kept copy.
    fn changed_figure(&mut self, f: &StoredFigure, change: impl FnOnce(&mut StoredFigure)) {
        if let Some(kept) =
            self.figures.get_mut(&(f.partnership, f.kind, f.unit)).and_then(|all| all.iter_mut().find(|g| g.id == f.id))
        {
            change(kept);
        }
    }
}

/// The years filter of [`WriteTx::figure_candidates`]: the figure's period, else its year,
/// overlaps `lo..=hi`; a figure with neither always does.
fn figure_overlaps(f: &StoredFigure, lo: i16, hi: i16) -> bool {
    let (first, last) = match (f.period, f.year) {
        (Some(p), _) => (p.first, p.last),
        (None, Some(y)) => (y, y),
        (None, None) => (i16::MIN, i16::MAX),
    };
    first <= hi && last >= lo
}

/// [`ingest`], choosing figure candidates from the figures kept in `known`.
pub fn ingest_with(
    tx: &mut dyn WriteTx,
    known: &mut Known,
    doc: &NewDocument,
    record: &ExtractRecord,
) -> Result<Outcome> {
    ingest_planned(tx, known, doc, record, &Plan::of(record))
}

/// What ingest makes of a record before it reads or writes the store: each fact's claim (the
/// JSON text its evidence row keeps) and party set (the partnership it is found by), each
/// person's key and titles read. An ingest makes it where it extracts the record, on the
/// extraction threads: the writer is the pipeline's slowest stage, and this work was a tenth of
/// its time (`perf`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// In record order: events, agreements, figures, people.
    claims: Vec<String>,
    /// The party sets of the events, agreements and figures, in record order.
    parties: Vec<Option<Vec<PlaceId>>>,
    people: Vec<PersonPlan>,
}

/// A person as ingest finds and files them: the key they are kept by ([`person_key`]), and the
/// office and organisation each of their titles names ([`split_title`]), in order.
#[derive(Debug, Clone, Default, PartialEq)]
struct PersonPlan {
    key: String,
    titles: Vec<(String, Option<String>)>,
}

/// What a document claims of a fact, as its evidence row keeps it: JSON text, keys in
/// alphabetical order (the fields below are declared so). Written by serde directly: building
/// a `serde_json::Value` first and printing it was six tenths of planning a record (`perf`).
#[derive(serde::Serialize)]
struct EventClaim<'a> {
    date: &'a Option<PartialDate>,
    kind: &'a EventKind,
    ordinal: &'a Option<u32>,
    parties: &'a [PlaceId],
    place: &'a Option<PlaceId>,
    status: &'a EventStatus,
}

#[derive(serde::Serialize)]
struct AgreementClaim<'a> {
    kind: &'a AgreementKind,
    parties: &'a [PlaceId],
    period: &'a Option<Period>,
    signed: Option<PartialDate>,
}

#[derive(serde::Serialize)]
struct FigureClaim<'a> {
    from: &'a [PlaceId],
    kind: &'a FigureKind,
    per_year: bool,
    period: &'a Option<Period>,
    quantity: &'a str,
    to: &'a [PlaceId],
    unit: &'a Unit,
    value: f64,
}

#[derive(serde::Serialize)]
struct PersonClaim<'a> {
    country: &'a Option<String>,
    name: &'a str,
    place: &'a Option<PlaceId>,
    titles: &'a [String],
}

/// A claim's JSON text. Serialising these plain values cannot fail (no map has keys that are
/// not strings); were it to, the claim would be `null`, never a panic.
fn claim_text(claim: &impl serde::Serialize) -> String {
    serde_json::to_string(claim).unwrap_or_else(|_| "null".into())
}

impl Plan {
    pub fn of(record: &ExtractRecord) -> Plan {
        let held = held_meeting(record);
        let events = record.events.iter().map(|e| {
            claim_text(&EventClaim {
                date: &e.date,
                kind: &e.kind,
                ordinal: &e.ordinal,
                parties: &e.parties,
                place: &e.place,
                status: &e.status,
            })
        });
        let agreements = record.agreements.iter().map(|a| {
            claim_text(&AgreementClaim {
                kind: &a.kind,
                parties: &a.parties,
                period: &a.period,
                signed: date_signed(a, held),
            })
        });
        let figures = record.figures.iter().map(|f| {
            claim_text(&FigureClaim {
                from: &f.from,
                kind: &f.kind,
                per_year: f.per_year,
                period: &f.period,
                quantity: &f.quantity,
                to: &f.to,
                unit: &f.unit,
                value: f.value,
            })
        });
        let people = record.people.iter().map(|p| {
            claim_text(&PersonClaim { country: &p.country, name: &p.name, place: &p.place, titles: &p.titles })
        });
        let claims = events.chain(agreements).chain(figures).chain(people).collect();
        let primary = primary_parties(record);
        let figure_parties = |f: &Figure| f.from.iter().chain(&f.to).cloned().collect::<Vec<_>>();
        let parties = (record.events.iter().map(|e| party_set(&e.parties, &primary)))
            .chain(record.agreements.iter().map(|a| party_set(&a.parties, &primary)))
            .chain(record.figures.iter().map(|f| party_set(&figure_parties(f), &primary)))
            .collect();
        let people = record
            .people
            .iter()
            .map(|p| PersonPlan {
                key: person_key(&p.name, p.country.as_deref()),
                titles: p.titles.iter().map(|t| split_title(t)).collect(),
            })
            .collect();
        Plan { claims, parties, people }
    }

    /// Whether this is the plan of a record with as many facts as `record`.
    fn fit(&self, record: &ExtractRecord) -> bool {
        let (e, a, f, p) = (record.events.len(), record.agreements.len(), record.figures.len(), record.people.len());
        self.claims.len() == e + a + f + p && self.parties.len() == e + a + f && self.people.len() == p
    }
}

/// The party set a fact's partnership is found by: its parties, sorted, when they are two or
/// more; else the document's main partnership (`primary`) when that includes them.
fn party_set(parties: &[PlaceId], primary: &[PlaceId]) -> Option<Vec<PlaceId>> {
    let set = sorted_parties(parties);
    if set.len() >= 2 {
        Some(set)
    } else if !primary.is_empty() && set.iter().all(|p| primary.iter().any(|q| p == q || p.is_within(q))) {
        Some(primary.to_vec())
    } else {
        None
    }
}

/// The latest meeting a record reports as held.
fn held_meeting(record: &ExtractRecord) -> Option<PartialDate> {
    record.events.iter().filter(|e| e.status == EventStatus::Held).filter_map(|e| e.date).max()
}

/// When an agreement was signed: minutes the text leaves undated are those of the meeting it
/// reports as held (`held`).
fn date_signed(a: &Agreement, held: Option<PartialDate>) -> Option<PartialDate> {
    match (a.kind, a.signed, a.period) {
        (AgreementKind::Minutes, None, None) => held,
        _ => a.signed,
    }
}

/// [`ingest_with`], with the record's plan given (made by [`Plan::of`] from `record`; made
/// again here if it does not fit it).
pub fn ingest_planned(
    tx: &mut dyn WriteTx,
    known: &mut Known,
    doc: &NewDocument,
    record: &ExtractRecord,
    plan: &Plan,
) -> Result<Outcome> {
    let made;
    let plan = if plan.fit(record) {
        plan
    } else {
        made = Plan::of(record);
        &made
    };
    let doc_id = tx.insert_document(doc)?;
    let mut run = Run {
        tx,
        known,
        doc: doc_id,
        text: &doc.text,
        date: document_date(record),
        held: held_meeting(record),
        stats: IngestStats::default(),
        touched: Vec::new(),
    };
    // each fact with its part of the plan, which is in record order
    let mut claims = plan.claims.iter().map(String::as_str);
    let mut parties = plan.parties.iter().map(Option::as_deref);
    for (e, (claim, set)) in record.events.iter().zip(claims.by_ref().zip(parties.by_ref())) {
        run.event(e, claim, set)?;
    }
    for (a, (claim, set)) in record.agreements.iter().zip(claims.by_ref().zip(parties.by_ref())) {
        run.agreement(a, claim, set)?;
    }
    for (f, (claim, set)) in record.figures.iter().zip(claims.by_ref().zip(parties)) {
        run.figure(f, claim, set)?;
    }
    for (p, (claim, person)) in record.people.iter().zip(claims.zip(&plan.people)) {
        run.person(p, claim, person)?;
    }
    Ok(Outcome { doc: doc_id, stats: run.stats, touched: run.touched })
}

struct Run<'t> {
    tx: &'t mut dyn WriteTx,
    known: &'t mut Known,
    doc: DocId,
    /// The document's text, where its sentences are found.
    text: &'t str,
    date: Option<PartialDate>,
    /// The latest meeting the document reports as held.
    held: Option<PartialDate>,
    stats: IngestStats,
    touched: Vec<Touched>,
}

impl Run<'_> {
    /// The partnership of a fact's party set ([`party_set`]), if it has one.
    fn partnership(&mut self, set: Option<&[PlaceId]>) -> Result<Option<PartnershipId>> {
        set.map(|set| self.tx.partnership_for(set)).transpose()
    }

    /// A person decided about this fact: its fields are theirs, not ingest's.
    fn locked(&self, fact_type: FactType, id: FactId) -> Result<bool> {
        Ok(self.tx.review_states(fact_type, &[id])?.first().is_some_and(|(_, s)| s.locked()))
    }

    /// This document's evidence for a fact, and what it claims (JSON text).
    fn evidence(
        &mut self,
        fact_type: FactType,
        fact_id: FactId,
        sentence: &str,
        span: Span,
        claim: &str,
    ) -> Result<()> {
        // Found in the text (as every sentence an extraction reads is): kept as its range.
        let sentence_at = sentence_in(self.text, sentence, span);
        let e = Evidence {
            fact_type,
            fact_id,
            document: self.doc,
            span,
            sentence: if sentence_at.is_some() { String::new() } else { sentence.to_string() },
            sentence_at,
            claim: serde_json::Value::Null,
        };
        self.tx.add_evidence_claiming(&e, claim)
    }

    fn event(&mut self, e: &Event, claim: &str, parties: Option<&[PlaceId]>) -> Result<()> {
        let partnership = self.partnership(parties)?;
        let new = StoredEvent {
            id: 0,
            partnership,
            kind: e.kind,
            ordinal: e.ordinal,
            date: e.date,
            place: e.place.clone(),
            status: e.status,
        };
        let candidates = self.tx.event_candidates(partnership, e.kind, e.ordinal, e.date)?;
        let (stored, changed) = match candidates.iter().find(|old| matching::same_event(old, &new)) {
            Some(old) => {
                let merged = matching::merge_event(old, &new);
                self.stats.merged += 1;
                self.tx.raise_confidence(FactType::Event, old.id, e.confidence)?;
                if &merged != old && !self.locked(FactType::Event, old.id)? {
                    self.tx.update_event(&merged)?;
                    (merged, true)
                } else {
                    (old.clone(), false)
                }
            }
            None => {
                self.stats.added += 1;
                // a new fact is written with its confidence: no update after
                (StoredEvent { id: self.tx.insert_event(&new, Some(e.confidence))?, ..new }, true)
            }
        };
        let id = stored.id;
        self.touched.push(Touched { fact: StoredFact::Event(stored), sentence: e.evidence.clone(), changed });
        self.evidence(FactType::Event, id, &e.evidence, e.span, claim)
    }

    fn agreement(&mut self, a: &Agreement, claim: &str, parties: Option<&[PlaceId]>) -> Result<()> {
        let partnership = self.partnership(parties)?;
        let signed = date_signed(a, self.held);
        let new = StoredAgreement { id: 0, partnership, kind: a.kind, signed, period: a.period };
        let mut years = Vec::new();
        if let Some(s) = signed {
            years.extend([s.year, s.year + 1]);
        }
        if let Some(p) = a.period {
            years.extend([p.first, p.first - 1]);
        }
        let candidates = self.tx.agreement_candidates(partnership, a.kind, &years, signed)?;
        let best = candidates
            .iter()
            .filter(|old| matching::same_agreement(old, &new))
            .max_by_key(|old| (matching::agreement_recency(old), old.id));
        let (stored, changed) = match best {
            Some(old) => {
                let merged = matching::merge_agreement(old, &new);
                self.stats.merged += 1;
                self.tx.raise_confidence(FactType::Agreement, old.id, a.confidence)?;
                if &merged != old && !self.locked(FactType::Agreement, old.id)? {
                    self.tx.update_agreement(&merged)?;
                    (merged, true)
                } else {
                    (old.clone(), false)
                }
            }
            None => {
                self.stats.added += 1;
                (StoredAgreement { id: self.tx.insert_agreement(&new, Some(a.confidence))?, ..new }, true)
            }
        };
        let id = stored.id;
        self.touched.push(Touched { fact: StoredFact::Agreement(stored), sentence: a.evidence.clone(), changed });
        self.evidence(FactType::Agreement, id, &a.evidence, a.span, claim)
    }

    fn figure(&mut self, f: &Figure, claim: &str, parties: Option<&[PlaceId]>) -> Result<()> {
        let partnership = self.partnership(parties)?;
        let new = StoredFigure {
            id: 0,
            partnership,
            kind: f.kind,
            unit: f.unit,
            value: f.value,
            from: sorted_parties(&f.from),
            to: sorted_parties(&f.to),
            period: f.period,
            year: self.date.map(|d| d.year),
            quantity: f.quantity.clone(),
            fulfils: None,
            per_year: f.per_year,
        };
        let years = f.period.map(|p| (p.first, p.last)).or(new.year.map(|y| (y, y)));
        let candidates = self.known.figures(&*self.tx, partnership, f.kind, f.unit, years)?;
        let (stored, changed) = match candidates.iter().find(|old| matching::same_figure(old, &new)) {
            Some(old) => {
                self.stats.merged += 1;
                self.tx.raise_confidence(FactType::Figure, old.id, f.confidence)?;
                // A later document may say what an earlier one did not: "each year".
                if new.per_year && !old.per_year && !self.locked(FactType::Figure, old.id)? {
                    let merged = StoredFigure { per_year: true, ..old.clone() };
                    self.tx.update_figure(&merged)?;
                    self.known.changed_figure(&merged, |kept| kept.per_year = true);
                    (merged, true)
                } else {
                    (old.clone(), false)
                }
            }
            None => {
                self.stats.added += 1;
                let id = self.tx.insert_figure(&new, Some(f.confidence))?;
                let stored = StoredFigure { id, ..new };
                self.known.added_figure(&stored);
                self.link(&stored)?;
                (stored, true)
            }
        };
        let id = stored.id;
        self.touched.push(Touched { fact: StoredFact::Figure(stored), sentence: f.evidence.clone(), changed });
        self.evidence(FactType::Figure, id, &f.evidence, f.span, claim)
    }

    /// Link a new result to the commitment it fulfils (the latest that fits), or a new commitment
    /// to the results already known that fit it.
    fn link(&mut self, fig: &StoredFigure) -> Result<()> {
        match fig.kind {
            FigureKind::Result => {
                let Some(year) = fig.year else { return Ok(()) };
                let commitments = self.known.figures(
                    &*self.tx,
                    fig.partnership,
                    FigureKind::Commitment,
                    fig.unit,
                    Some((year, year)),
                )?;
                let best = commitments
                    .iter()
                    .filter(|c| matching::fulfils(fig, c))
                    .max_by_key(|c| (c.period.map(|p| p.first), c.id));
                if let Some(c) = best {
                    self.tx.set_fulfils(fig.id, c.id)?;
                    self.known.changed_figure(fig, |kept| kept.fulfils = Some(c.id));
                    self.stats.linked += 1;
                }
            }
            FigureKind::Commitment => {
                let years = match (fig.period, fig.year) {
                    (Some(p), _) => (p.first, p.last),
                    (None, Some(y)) => (y, i16::MAX),
                    (None, None) => return Ok(()),
                };
                let results =
                    self.known.figures(&*self.tx, fig.partnership, FigureKind::Result, fig.unit, Some(years))?;
                for r in results.iter().filter(|r| r.fulfils.is_none() && matching::fulfils(r, fig)) {
                    if self.locked(FactType::Figure, r.id)? {
                        continue;
                    }
                    self.tx.set_fulfils(r.id, fig.id)?;
                    self.known.changed_figure(r, |kept| kept.fulfils = Some(fig.id));
                    self.stats.linked += 1;
                }
            }
            FigureKind::Fact => {}
        }
        Ok(())
    }

    fn person(&mut self, p: &Person, claim: &str, plan: &PersonPlan) -> Result<()> {
        let stored = match self.tx.person_by_key(&plan.key)? {
            Some(mut old) => {
                if old.place.is_none() && p.place.is_some() {
                    old.place = p.place.clone();
                    self.tx.update_person(&old)?;
                }
                self.stats.merged += 1;
                old
            }
            None => {
                self.stats.added += 1;
                let new =
                    StoredPerson { id: 0, name: p.name.clone(), country: p.country.clone(), place: p.place.clone() };
                StoredPerson { id: self.tx.insert_person(&plan.key, &new)?, ..new }
            }
        };
        let id = stored.id;
        // a person's entry lists the titles this document gives: always written again
        self.touched.push(Touched {
            fact: StoredFact::Person(stored, p.titles.clone()),
            sentence: p.evidence.clone(),
            changed: true,
        });
        for (title, (office, organisation)) in p.titles.iter().zip(&plan.titles) {
            self.tx.upsert_role(&Role {
                person: id,
                title: title.clone(),
                office: office.clone(),
                organisation: organisation.clone(),
                first_seen: self.date,
                last_seen: self.date,
            })?;
        }
        self.evidence(FactType::Person, id, &p.evidence, p.span, claim)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The claims as they were written before: a `serde_json::Value` (whose keys sort), printed.
    /// The evidence rows of existing stores hold this text, which a claim of the same fact must
    /// still equal (the dossier tells claims apart by their text).
    fn claims_by_value(record: &ExtractRecord) -> Vec<String> {
        use serde_json::json;
        let held = held_meeting(record);
        let events = record.events.iter().map(|e| {
            json!({
                "kind": e.kind, "ordinal": e.ordinal, "date": e.date, "place": e.place,
                "status": e.status, "parties": e.parties,
            })
        });
        let agreements = record.agreements.iter().map(
            |a| json!({ "kind": a.kind, "signed": date_signed(a, held), "period": a.period, "parties": a.parties }),
        );
        let figures = record.figures.iter().map(|f| {
            json!({
                "kind": f.kind, "value": f.value, "unit": f.unit, "quantity": f.quantity,
                "from": f.from, "to": f.to, "period": f.period, "per_year": f.per_year,
            })
        });
        let people = record
            .people
            .iter()
            .map(|p| json!({ "name": p.name, "titles": p.titles, "country": p.country, "place": p.place }));
        events.chain(agreements).chain(figures).chain(people).map(|v| v.to_string()).collect()
    }

    fn record_with(text: &str, value: f64, number: Option<u32>, year: Option<i16>, held: bool) -> ExtractRecord {
        let date = year.and_then(|y| PartialDate::parse(&format!("{:04}-03-05", y.rem_euclid(10_000))));
        let place = (!text.is_empty()).then(|| PlaceId::new(text));
        let parties = vec![PlaceId::new("VN-28"), PlaceId::new(text)];
        let json = serde_json::json!({
            "format": "hoptac.extract/1",
            "document": { "source": text, "title": null, "published": null, "language": "vi",
                          "encoding": "utf-8", "length": 0, "article_end": 0 },
            "places": [], "people": [], "events": [], "agreements": [], "figures": [],
        });
        let mut r: ExtractRecord = serde_json::from_value(json).unwrap_or_else(|e| panic!("record: {e}"));
        let span = Span::new(0, 0);
        r.events.push(Event {
            kind: if held { EventKind::Conference } else { EventKind::MidtermReview },
            ordinal: number,
            date,
            place: place.clone(),
            status: if held { EventStatus::Held } else { EventStatus::Planned },
            parties: parties.clone(),
            confidence: 0.5,
            evidence: text.into(),
            span,
        });
        r.agreements.push(Agreement {
            kind: AgreementKind::Mou,
            signed: if held { None } else { date },
            period: year.and_then(|y| Period::new(y, y.saturating_add(4))),
            parties: parties.clone(),
            confidence: 0.5,
            evidence: text.into(),
            span,
        });
        r.figures.push(Figure {
            kind: FigureKind::Commitment,
            value,
            unit: Unit::Scholarship,
            from: parties.clone(),
            to: Vec::new(),
            period: year.and_then(|y| Period::new(y, y)),
            per_year: held,
            quantity: text.into(),
            confidence: 0.5,
            evidence: text.into(),
            span,
        });
        r.people.push(Person {
            name: text.into(),
            country: place.as_ref().map(|_| "VN".to_string()),
            place,
            titles: vec![text.into(), "Chủ tịch".into()],
            confidence: 0.5,
            evidence: text.into(),
            span,
        });
        r
    }

    proptest! {
        #[test]
        fn claims_are_written_as_the_text_they_always_were(
            text in any::<String>(),
            value in prop_oneof![any::<f64>(), Just(f64::NAN), Just(f64::INFINITY), Just(-0.0), Just(585e6), Just(0.1)],
            number in proptest::option::of(any::<u32>()),
            year in proptest::option::of(-5i16..12_000),
            held in any::<bool>(),
        ) {
            let r = record_with(&text, value, number, year, held);
            prop_assert_eq!(Plan::of(&r).claims, claims_by_value(&r));
        }
    }

    #[test]
    fn a_figure_overlaps_by_its_period_else_its_year() {
        let f = |period: Option<(i16, i16)>, year: Option<i16>| StoredFigure {
            id: 1,
            partnership: Some(1),
            kind: FigureKind::Commitment,
            unit: Unit::Scholarship,
            value: 10.0,
            from: vec![],
            to: vec![],
            period: period.and_then(|(a, b)| hoptac_core::Period::new(a, b)),
            year,
            quantity: "10".into(),
            fulfils: None,
            per_year: false,
        };
        assert!(figure_overlaps(&f(Some((2021, 2025)), Some(2030)), 2025, 2026), "the period, not the year");
        assert!(!figure_overlaps(&f(Some((2021, 2025)), Some(2026)), 2026, 2026));
        assert!(figure_overlaps(&f(None, Some(2024)), 2024, 2024));
        assert!(!figure_overlaps(&f(None, Some(2024)), 2025, i16::MAX));
        assert!(figure_overlaps(&f(None, None), 1990, 1990), "neither: always");
    }
}
