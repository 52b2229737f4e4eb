//! Reads shared by pages and API: the overview's partnership summaries, a dossier by places,
//! one fact with its evidence and history, a document with its evidence spans, the review
//! queue, and search. Each runs inside [`crate::state::AppState::read`].

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use hoptac_core::{EventStatus, FigureKind, PartialDate, PlaceId};
use hoptac_search::{Results, SearchQuery};
use hoptac_store::dossier::{self, CommitmentStatus, Dossier};
use hoptac_store::{
    review, AgreementTally, DocId, Document, Evidence, FactId, FactType, Partnership, PartnershipId, Reader,
    ReviewEntry, ReviewState, StoredEvent, StoredFact, StoredFigure,
};
use serde::Serialize;

use crate::error::WebError;
use crate::state::AppState;

pub fn today() -> jiff::civil::Date {
    jiff::Zoned::now().date()
}

/// A partnership as the overview lists it.
#[derive(Debug, Clone, Serialize)]
pub struct PartnershipSummary {
    pub id: PartnershipId,
    pub parties: Vec<PlaceId>,
    pub agreements: usize,
    /// Commitments promised, overdue or of unknown status (not delivered).
    pub open_commitments: usize,
    pub events: usize,
    /// The first planned meeting whose date has not passed.
    pub next_meeting: Option<StoredEvent>,
    /// Meetings by year: (held, planned).
    #[serde(skip)]
    pub meetings_by_year: BTreeMap<i16, (usize, usize)>,
    /// The latest meeting held or agreement signed.
    pub last_seen: Option<PartialDate>,
    /// Months since then, when the partnership has been silent for 18 or more.
    pub silent_months: Option<i64>,
    /// Commitments whose period ended undelivered.
    pub overdue: usize,
    /// Years of commitments stated per year that ended short.
    pub short_years: usize,
    /// Numbered meetings never reported between known ones.
    #[serde(skip)]
    pub missing: Vec<hoptac_store::gaps::MissingOrdinals>,
}

fn date_first_day(d: PartialDate) -> String {
    hoptac_store::agenda::date_bounds(d).map(|(first, _)| first.to_string()).unwrap_or_default()
}

fn date_last_day(d: PartialDate) -> String {
    hoptac_store::agenda::date_bounds(d).map(|(_, last)| last.to_string()).unwrap_or_default()
}

/// The partnerships the overview lists: two or more parties.
fn listed(reader: &dyn Reader) -> Result<Vec<Partnership>, WebError> {
    Ok(reader.partnerships()?.into_iter().filter(|p| p.parties.len() >= 2).collect())
}

/// Every partnership of two or more parties with its counts, each fact table read through once.
pub fn summaries(reader: &dyn Reader, today: jiff::civil::Date) -> Result<Vec<PartnershipSummary>, WebError> {
    let partnerships = listed(reader)?;
    let mut list = summarise(
        &partnerships,
        reader.agreement_tallies()?,
        reader.standing_events()?,
        reader.standing_figures()?,
        today,
    );
    list.sort_by(overview_order);
    Ok(list)
}

/// The overview's order: the busiest partnerships first.
fn overview_order(a: &PartnershipSummary, b: &PartnershipSummary) -> std::cmp::Ordering {
    b.events.cmp(&a.events).then(a.id.cmp(&b.id))
}

/// Summaries computed from facts, each kept with the version its partnership had when they were
/// read ([`Reader::partnership_versions`]) and for the day they were computed (what is overdue or
/// next depends on it).
#[derive(Default)]
pub struct KeptSummaries {
    day: Option<jiff::civil::Date>,
    by: HashMap<PartnershipId, (i64, Arc<PartnershipSummary>)>,
}

/// When more than one partnership in this many changed, [`summaries_kept`] reads every table
/// through once instead of partnership by partnership.
const MOSTLY_CHANGED: usize = 4;

/// [`summaries`], recomputing only the partnerships whose facts changed since they were last
/// computed (their version moved): after one document or one decision, one partnership's facts
/// are read instead of every table. The versions are read before the facts: a write committed
/// between the two leaves a summary kept under an older version than it shows, read again next
/// time, never a newer one. A store without versions is read whole each time.
pub fn summaries_kept(
    kept: &std::sync::Mutex<KeptSummaries>,
    reader: &dyn Reader,
    today: jiff::civil::Date,
) -> Result<Vec<Arc<PartnershipSummary>>, WebError> {
    let Some(versions) = reader.partnership_versions()? else {
        return Ok(summaries(reader, today)?.into_iter().map(Arc::new).collect());
    };
    let versions: HashMap<PartnershipId, i64> = versions.into_iter().collect();
    let version = |id: PartnershipId| versions.get(&id).copied().unwrap_or(0);
    let partnerships = listed(reader)?;
    let mut list = Vec::with_capacity(partnerships.len());
    let mut stale: Vec<Partnership> = Vec::new();
    {
        let kept = kept.lock().map_err(|_| WebError::internal("the kept summaries are poisoned"))?;
        for p in partnerships {
            match kept.by.get(&p.id).filter(|(v, _)| kept.day == Some(today) && *v == version(p.id)) {
                // A partnership's parties never change (they are its key): the line as kept.
                Some((_, s)) => list.push(s.clone()),
                None => stale.push(p),
            }
        }
    }
    if stale.is_empty() {
        list.sort_by(|a, b| overview_order(a, b));
        return Ok(list);
    }
    let fresh: Vec<PartnershipSummary> = if stale.len() * MOSTLY_CHANGED > list.len() + stale.len() {
        summarise(&stale, reader.agreement_tallies()?, reader.standing_events()?, reader.standing_figures()?, today)
    } else {
        let ids: Vec<PartnershipId> = stale.iter().map(|p| p.id).collect();
        summarise(
            &stale,
            reader.agreement_tallies_of(&ids)?,
            reader.standing_events_of(&ids)?,
            reader.standing_figures_of(&ids)?,
            today,
        )
    };
    let fresh: Vec<Arc<PartnershipSummary>> = fresh.into_iter().map(Arc::new).collect();
    if let Ok(mut kept) = kept.lock() {
        if kept.day != Some(today) {
            kept.day = Some(today);
            kept.by.clear();
        }
        for s in &fresh {
            let v = version(s.id);
            // Another read may have kept a later version meanwhile.
            if kept.by.get(&s.id).is_none_or(|(k, _)| *k <= v) {
                kept.by.insert(s.id, (v, s.clone()));
            }
        }
    }
    list.extend(fresh);
    list.sort_by(|a, b| overview_order(a, b));
    Ok(list)
}

/// The summaries of `partnerships` from their facts no one rejected (facts of other
/// partnerships are passed over): agreements as tallied, meetings and figures each in id order.
fn summarise(
    partnerships: &[Partnership],
    tallies: Vec<AgreementTally>,
    events: Vec<StoredEvent>,
    figures: Vec<StoredFigure>,
    today: jiff::civil::Date,
) -> Vec<PartnershipSummary> {
    let mut out: HashMap<PartnershipId, PartnershipSummary> = partnerships
        .iter()
        .map(|p| {
            (
                p.id,
                PartnershipSummary {
                    id: p.id,
                    parties: p.parties.clone(),
                    agreements: 0,
                    open_commitments: 0,
                    events: 0,
                    next_meeting: None,
                    meetings_by_year: BTreeMap::new(),
                    last_seen: None,
                    silent_months: None,
                    overdue: 0,
                    short_years: 0,
                    missing: Vec::new(),
                },
            )
        })
        .collect();
    for t in tallies {
        if let Some(s) = out.get_mut(&t.partnership) {
            s.agreements = t.agreements;
            s.last_seen = s.last_seen.max(t.last_signed);
        }
    }
    let today_s = today.to_string();
    for m in hoptac_store::gaps::missing_ordinals(&events) {
        if let Some(s) = out.get_mut(&m.partnership) {
            s.missing.push(m);
        }
    }
    for e in events {
        let Some(s) = e.partnership.and_then(|p| out.get_mut(&p)) else { continue };
        s.events += 1;
        if let Some(d) = e.date.filter(|_| e.status == EventStatus::Held) {
            s.last_seen = s.last_seen.max(Some(d));
        }
        dossier::count_by_year(&mut s.meetings_by_year, &e);
        if let Some(d) = e.date {
            if e.status == EventStatus::Planned && date_last_day(d) >= today_s {
                let earlier = s.next_meeting.as_ref().and_then(|n| n.date).map(date_first_day);
                if earlier.is_none_or(|x| date_first_day(d) < x) {
                    s.next_meeting = Some(e);
                }
            }
        }
    }
    let delivered = dossier::delivered_by_commitment(&figures);
    let mut results_of: HashMap<i64, Vec<&StoredFigure>> = HashMap::new();
    for r in figures.iter().filter(|f| f.kind == FigureKind::Result) {
        if let Some(c) = r.fulfils {
            results_of.entry(c).or_default().push(r);
        }
    }
    for c in figures.iter().filter(|f| f.kind == FigureKind::Commitment) {
        let Some(s) = c.partnership.and_then(|p| out.get_mut(&p)) else { continue };
        let status = dossier::status_of(c, &delivered, today.year()).0;
        if status != CommitmentStatus::Delivered {
            s.open_commitments += 1;
        }
        if status == CommitmentStatus::Overdue {
            s.overdue += 1;
        }
        let results = results_of.get(&c.id).map(Vec::as_slice).unwrap_or_default();
        s.short_years += hoptac_store::gaps::ledger(c, results, today.year())
            .iter()
            .filter(|y| y.status == hoptac_store::gaps::YearStatus::Short)
            .count();
    }
    let mut list: Vec<PartnershipSummary> = out.into_values().collect();
    for s in &mut list {
        s.silent_months = hoptac_store::gaps::silence(s.last_seen, today);
    }
    list
}

/// The whole dossier (the API, reports, exports).
pub fn dossier(st: &AppState, reader: &dyn Reader, wanted: &[PlaceId]) -> Result<Dossier, WebError> {
    Ok(dossier::build_with_places(reader, &st.places, wanted, today())?)
}

/// A dossier as its page shows it: each line's first sources, and the latest lines of the long
/// lists unless `full`. The latest lines are kept ([`KeptDossiers`]) and read again only when
/// the versions of the partnerships they cover or the people's version moved.
pub fn dossier_for_page(
    st: &AppState,
    reader: &dyn Reader,
    wanted: &[PlaceId],
    full: bool,
) -> Result<Dossier, WebError> {
    dossier_for_page_of(st, reader, None, wanted, full)
}

/// [`dossier_for_page`] with every partnership already read (`every`), or read here.
pub fn dossier_for_page_of(
    st: &AppState,
    reader: &dyn Reader,
    every: Option<Vec<Partnership>>,
    wanted: &[PlaceId],
    full: bool,
) -> Result<Dossier, WebError> {
    let shown = dossier::Shown {
        sources: crate::view::SOURCES_SHOWN,
        lines: if full { usize::MAX } else { crate::view::LINES_SHOWN },
    };
    let today = today();
    // Versions before the facts: a write committed after them is seen by the next request,
    // never hidden. (`every` may be older than the versions: a partnership added since is in the
    // next request's list, which then differs from the kept dossier's.)
    let versions = if full { None } else { reader.partnership_versions()?.zip(reader.people_version()?) };
    let every = match every {
        Some(every) => every,
        None => reader.partnerships()?,
    };
    let included = dossier::included(every, &st.places, wanted);
    let Some((versions, people)) = versions else {
        return Ok(dossier::build_of(reader, included, today, Some(shown))?);
    };
    let versions: HashMap<PartnershipId, i64> = versions.into_iter().collect();
    let read_at = ReadAt {
        day: today,
        people,
        versions: included.partnerships.iter().map(|p| (p.id, versions.get(&p.id).copied().unwrap_or(0))).collect(),
    };
    let key: Vec<PlaceId> = wanted.to_vec();
    if let Ok(kept) = st.dossiers.lock() {
        if let Some((at, d)) = kept.by.get(&key) {
            if *at == read_at && d.partnerships == included.partnerships {
                return Ok(d.clone());
            }
        }
    }
    let d = dossier::build_of(reader, included, today, Some(shown))?;
    if let Ok(mut kept) = st.dossiers.lock() {
        if kept.by.len() >= DOSSIERS_KEPT {
            kept.by.clear();
        }
        kept.by.insert(key, (read_at, d.clone()));
    }
    Ok(d)
}

/// Dossiers as their pages show them (the latest lines), by the places asked for, each with
/// what it was read at.
#[derive(Default)]
pub struct KeptDossiers {
    by: HashMap<Vec<PlaceId>, (ReadAt, Dossier)>,
}

/// A bound on [`KeptDossiers`], far above the partnerships of a store (each kept once, whatever
/// the language of the page).
const DOSSIERS_KEPT: usize = 1024;

/// What a kept dossier was read at: the day (what is overdue depends on it), the people's
/// version and the version of each partnership it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ReadAt {
    day: jiff::civil::Date,
    people: i64,
    versions: Vec<(PartnershipId, i64)>,
}

/// The parties of a partnership.
pub fn partnership(reader: &dyn Reader, id: PartnershipId) -> Result<Partnership, WebError> {
    partnership_of(&reader.partnerships()?, id)
}

/// The partnership `id` of `every` partnership.
pub fn partnership_of(every: &[Partnership], id: PartnershipId) -> Result<Partnership, WebError> {
    every
        .iter()
        .find(|p| p.id == id)
        .cloned()
        .ok_or_else(|| WebError::not_found(format!("no partnership with id {id}")))
}

/// One fact with everything known about it.
#[derive(Debug, Clone, Serialize)]
pub struct FactView {
    pub fact_type: FactType,
    pub fact: serde_json::Value,
    #[serde(skip)]
    pub stored: StoredFact,
    pub parties: Vec<PlaceId>,
    pub review: ReviewState,
    /// One page of its evidence, in the order it was recorded, from `evidence_offset`.
    pub evidence: Vec<Evidence>,
    pub evidence_offset: usize,
    /// How many sources it has in all.
    pub evidence_total: usize,
    pub history: Vec<ReviewEntry>,
}

pub fn fact_type(s: &str) -> Result<FactType, WebError> {
    FactType::parse(s).ok_or_else(|| WebError::not_found(format!("no kind of record called {s:?}")))
}

/// A fact with `limit` of its sources from `offset`.
pub fn fact(
    reader: &dyn Reader,
    fact_type: FactType,
    id: FactId,
    offset: usize,
    limit: usize,
) -> Result<FactView, WebError> {
    let stored = review::load(reader, fact_type, id)?
        .ok_or_else(|| WebError::not_found(format!("no {} with id {id}", fact_type.as_str())))?;
    let parties = match stored.partnership() {
        Some(p) => partnership(reader, p)?.parties,
        None => Vec::new(),
    };
    let (review, history) = if fact_type == FactType::Person {
        (ReviewState::Pending, Vec::new())
    } else {
        (review::state(reader, fact_type, id)?, reader.review_log(fact_type, id)?)
    };
    let fact = stored.to_json().map_err(WebError::internal)?;
    let (evidence, evidence_total) = reader.evidence_page(fact_type, id, offset, limit)?;
    Ok(FactView {
        fact_type,
        fact,
        stored,
        parties,
        review,
        evidence,
        evidence_offset: offset,
        evidence_total,
        history,
    })
}

/// The facts of the given (type, id) pairs, loaded by type in one query each.
pub fn load_facts(
    reader: &dyn Reader,
    refs: &[(FactType, FactId)],
) -> Result<HashMap<(FactType, FactId), StoredFact>, WebError> {
    Ok(hoptac_store::repo::facts_by_ref(reader, refs)?)
}

/// A document, its evidence, and the facts and review states it supports.
pub struct DocumentView {
    pub doc: Document,
    pub evidence: Vec<Evidence>,
    pub facts: HashMap<(FactType, FactId), StoredFact>,
    pub states: HashMap<(FactType, FactId), ReviewState>,
}

pub fn document(reader: &dyn Reader, id: DocId) -> Result<DocumentView, WebError> {
    let doc = reader.document(id)?.ok_or_else(|| WebError::not_found(format!("no document with id {id}")))?;
    let evidence = reader.evidence_of_document(id)?;
    let refs: Vec<(FactType, FactId)> = evidence.iter().map(|e| (e.fact_type, e.fact_id)).collect();
    let facts = load_facts(reader, &refs)?;
    let states = review_states(reader, &refs)?;
    Ok(DocumentView { doc, evidence, facts, states })
}

pub fn review_states(
    reader: &dyn Reader,
    refs: &[(FactType, FactId)],
) -> Result<HashMap<(FactType, FactId), ReviewState>, WebError> {
    let mut states = HashMap::new();
    for t in [FactType::Event, FactType::Agreement, FactType::Figure] {
        let ids: Vec<FactId> = refs.iter().filter(|(x, _)| *x == t).map(|(_, id)| *id).collect();
        for (id, s) in reader.review_states(t, &ids)? {
            states.insert((t, id), s);
        }
    }
    Ok(states)
}

/// One item of the review queue: the fact, its parties and the first sentence that supports it.
pub struct QueueItem {
    pub fact_type: FactType,
    pub fact: StoredFact,
    pub parties: Vec<PlaceId>,
    pub sentence: String,
}

/// The partnerships whose facts this person decides (`None`: all of them — an admin, a
/// reviewer everywhere, or someone who decides nothing and sees the whole queue read-only).
pub fn decided_by(
    st: &crate::state::AppState,
    r: &dyn Reader,
    person: Option<&crate::auth::Principal>,
) -> Result<Option<Vec<PartnershipId>>, WebError> {
    use hoptac_store::access::{allowed_everywhere, Action};
    let Some(p) = person.filter(|p| p.may_somewhere(Action::Decide)) else { return Ok(None) };
    if allowed_everywhere(&p.grants, Action::Decide) {
        return Ok(None);
    }
    let mine =
        r.partnerships()?.into_iter().filter(|x| p.may(st, Action::Decide, &x.parties).is_ok()).map(|x| x.id).collect();
    Ok(Some(mine))
}

/// The facts waiting for a decision, least certain first (only those of `within`, when given).
pub fn queue(
    reader: &dyn Reader,
    limit: usize,
    within: Option<&[PartnershipId]>,
) -> Result<(usize, Vec<QueueItem>), WebError> {
    let total = reader.pending_reviews(within)?;
    let refs = reader.review_queue(limit, within)?;
    let facts = load_facts(reader, &refs)?;
    let mut sentences: HashMap<(FactType, FactId), String> = HashMap::new();
    for t in [FactType::Event, FactType::Agreement, FactType::Figure] {
        let ids: Vec<FactId> = refs.iter().filter(|(x, _)| *x == t).map(|(_, id)| *id).collect();
        for e in reader.evidence(t, &ids)? {
            sentences.entry((t, e.fact_id)).or_insert(e.sentence);
        }
    }
    let parties_of: HashMap<PartnershipId, Vec<PlaceId>> =
        reader.partnerships()?.into_iter().map(|p| (p.id, p.parties)).collect();
    let items = refs
        .iter()
        .filter_map(|r| {
            let fact = facts.get(r)?.clone();
            Some(QueueItem {
                fact_type: r.0,
                parties: fact.partnership().and_then(|p| parties_of.get(&p).cloned()).unwrap_or_default(),
                sentence: sentences.get(r).cloned().unwrap_or_default(),
                fact,
            })
        })
        .collect();
    Ok((total, items))
}

/// Search filters as a request gives them.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    pub q: String,
    pub place: Option<String>,
    pub year: Option<String>,
    pub kind: Option<String>,
    pub limit: Option<usize>,
}

impl SearchParams {
    /// What a search answer depends on: the text and the filters (nothing else in a URL).
    pub fn cache_key(&self, limit: usize) -> String {
        let opt = |o: &Option<String>| o.as_deref().unwrap_or("").trim().to_string();
        format!("{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{limit}", self.q, opt(&self.place), opt(&self.year), opt(&self.kind))
    }
}

/// Search with the request's filters: `limit` hits, the first `snippets` of them with a passage
/// (a document's cut from its text, read from the store only then).
pub fn search(st: &AppState, p: &SearchParams, limit: usize, snippets: usize) -> Result<Results, WebError> {
    let (named, text_rest) = hoptac_app::places::named_in_query(st.gazetteer, &p.q);
    let text_places = named
        .iter()
        .map(|id| dossier::with_predecessors(id, &st.places).into_iter().map(|p| p.to_string()).collect())
        .collect();
    let mut q = SearchQuery {
        text: p.q.clone(),
        text_places,
        text_rest,
        limit,
        snippets: Some(snippets),
        ..Default::default()
    };
    if let Some(place) = p.place.as_deref().filter(|s| !s.trim().is_empty()) {
        let id = hoptac_app::places::resolve(st.gazetteer, place)?;
        q.places = dossier::with_predecessors(&id, &st.places).into_iter().map(|p| p.to_string()).collect();
    }
    if let Some(y) = p.year.as_deref().filter(|s| !s.trim().is_empty()) {
        let y: i64 = y.trim().parse().map_err(|_| WebError::bad_request(format!("year {y:?} is not a number")))?;
        q.years = Some((y, y));
    }
    if let Some(k) = p.kind.as_deref().filter(|s| !s.trim().is_empty()) {
        q.kinds = vec![k.trim().to_string()];
    }
    Ok(st.index.search(&q, &PooledBodies(st))?)
}

/// The documents' texts for a search's passages, read on a connection of the pool taken only
/// when some are wanted (a search needs no connection otherwise).
struct PooledBodies<'a>(&'a AppState);

impl hoptac_search::Bodies for PooledBodies<'_> {
    fn bodies(&self, ids: &[u64]) -> std::result::Result<std::collections::HashMap<u64, String>, String> {
        self.0
            .with_reader(|conn| hoptac_app::index::StoreBodies(conn.reader()).bodies(ids))
            .map_err(|e| e.message.to_string())?
    }
}

/// The store connection type the queries run on.
pub type Conn = dyn hoptac_store::Backend;
