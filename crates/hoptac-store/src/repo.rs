//! The repository traits: everything the domain asks of a database. A backend (SQLite in
//! `hoptac-sqlite`, PostgreSQL in `hoptac-postgres`) implements them; [`crate::ingest`],
//! [`crate::dossier`] and [`crate::agenda`] use nothing else.
//!
//! Writes happen only inside a [`WriteTx`]. Every document is stored atomically: in a
//! transaction of its own, or in a transaction that groups several documents (group commit;
//! should one fail, the caller rolls the transaction back and stores its documents again, each
//! in a savepoint); either the document and all its facts and evidence are stored, or nothing is.

use crate::model::*;
use crate::Result;
use hoptac_core::{AgreementKind, EventKind, FigureKind, PartialDate, PlaceId, Unit};

/// The id of every partnership.
fn partnership_ids<R: Reader + ?Sized>(reader: &R) -> Result<Vec<PartnershipId>> {
    Ok(reader.partnerships()?.iter().map(|p| p.id).collect())
}

/// `facts` less the `rejected` ones, in id order.
fn standing<T>(mut facts: Vec<T>, rejected: Vec<FactId>, id: impl Fn(&T) -> FactId) -> Vec<T> {
    let rejected: std::collections::HashSet<FactId> = rejected.into_iter().collect();
    facts.retain(|f| !rejected.contains(&id(f)));
    facts.sort_by_key(|f| id(f));
    facts
}

/// Reading the store.
pub trait Reader {
    fn counts(&self) -> Result<Counts>;
    /// How many documents and how many facts (events, agreements, figures) are stored: what
    /// the overview shows, without counting the evidence and people as [`Reader::counts`] does.
    fn document_and_fact_counts(&self) -> Result<(usize, usize)> {
        let c = self.counts()?;
        Ok((c.documents, c.events + c.agreements + c.figures))
    }
    fn document_by_hash(&self, hash: &str) -> Result<Option<DocId>>;
    /// Content hashes of every stored document.
    fn document_hashes(&self) -> Result<Vec<String>>;
    fn document(&self, id: DocId) -> Result<Option<Document>>;
    /// The articles ([`article`]) of those of `ids` that are stored, by id, in any order: the
    /// passages of a search's hits are cut from them.
    fn document_articles(&self, ids: &[DocId]) -> Result<Vec<(DocId, String)>> {
        let mut out = Vec::with_capacity(ids.len());
        for &id in ids {
            if let Some(d) = self.document(id)? {
                out.push((id, into_article(d.text, i64::try_from(d.article_end).unwrap_or(i64::MAX))));
            }
        }
        Ok(out)
    }
    fn document_summaries(&self, ids: &[DocId]) -> Result<Vec<DocumentSummary>>;
    /// Ids of every stored document, in ingestion order.
    fn document_ids(&self) -> Result<Vec<DocId>>;
    /// Documents whose search entries are not yet committed to the index.
    fn unindexed_documents(&self) -> Result<Vec<DocId>>;

    fn places(&self) -> Result<Vec<Place>>;
    fn partnerships(&self) -> Result<Vec<Partnership>>;

    fn events(&self, partnerships: &[PartnershipId]) -> Result<Vec<StoredEvent>>;
    fn agreements(&self, partnerships: &[PartnershipId]) -> Result<Vec<StoredAgreement>>;
    fn figures(&self, partnerships: &[PartnershipId]) -> Result<Vec<StoredFigure>>;
    fn events_by_id(&self, ids: &[FactId]) -> Result<Vec<StoredEvent>>;
    fn agreements_by_id(&self, ids: &[FactId]) -> Result<Vec<StoredAgreement>>;
    fn figures_by_id(&self, ids: &[FactId]) -> Result<Vec<StoredFigure>>;
    fn people_by_id(&self, ids: &[FactId]) -> Result<Vec<StoredPerson>>;
    /// Planned events, whatever their partnership.
    fn planned_events(&self) -> Result<Vec<StoredEvent>>;
    /// Figures of one kind, whatever their partnership.
    fn figures_of_kind(&self, kind: FigureKind) -> Result<Vec<StoredFigure>>;
    /// Every event of any partnership that no person rejected, in id order: what a summary of
    /// all partnerships reads (a backend reads the table through once rather than partnership
    /// by partnership).
    fn standing_events(&self) -> Result<Vec<StoredEvent>> {
        self.standing_events_of(&partnership_ids(self)?)
    }
    /// Each partnership's agreements that no person rejected, counted with the latest date one
    /// was signed, by partnership id (those without any left out).
    fn agreement_tallies(&self) -> Result<Vec<AgreementTally>> {
        self.agreement_tallies_of(&partnership_ids(self)?)
    }
    /// Every figure of any partnership that no person rejected, in id order.
    fn standing_figures(&self) -> Result<Vec<StoredFigure>> {
        self.standing_figures_of(&partnership_ids(self)?)
    }
    /// [`Reader::standing_events`] of some partnerships (read partnership by partnership).
    fn standing_events_of(&self, partnerships: &[PartnershipId]) -> Result<Vec<StoredEvent>> {
        Ok(standing(self.events(partnerships)?, self.rejected(FactType::Event)?, |f| f.id))
    }
    /// [`Reader::agreement_tallies`] of some partnerships.
    fn agreement_tallies_of(&self, partnerships: &[PartnershipId]) -> Result<Vec<AgreementTally>> {
        let every = self.agreements(partnerships)?;
        let mut by: std::collections::BTreeMap<PartnershipId, AgreementTally> = Default::default();
        for a in standing(every, self.rejected(FactType::Agreement)?, |f| f.id) {
            let Some(p) = a.partnership else { continue };
            let t = by.entry(p).or_insert(AgreementTally { partnership: p, agreements: 0, last_signed: None });
            t.agreements += 1;
            t.last_signed = t.last_signed.max(a.signed);
        }
        Ok(by.into_values().collect())
    }
    /// [`Reader::standing_figures`] of some partnerships.
    fn standing_figures_of(&self, partnerships: &[PartnershipId]) -> Result<Vec<StoredFigure>> {
        Ok(standing(self.figures(partnerships)?, self.rejected(FactType::Figure)?, |f| f.id))
    }
    /// Each partnership's version: raised by the store in the same transaction as any change to
    /// one of the partnership's facts (written, moved, corrected, reviewed, deleted), so that
    /// what was computed from them stays valid while it does not move. Partnerships never
    /// touched are left out (version 0). `None`: this store does not keep versions.
    fn partnership_versions(&self) -> Result<Option<Vec<(PartnershipId, i64)>>> {
        Ok(None)
    }
    /// The people's version: raised with any change to a person, a role or a person's evidence
    /// (what a dossier shows of the people its documents name). `None`: not kept.
    fn people_version(&self) -> Result<Option<i64>> {
        Ok(None)
    }

    /// Evidence of the given facts of one type.
    fn evidence(&self, fact_type: FactType, ids: &[FactId]) -> Result<Vec<Evidence>>;
    /// The first `first` sources of each fact and its distinct claims ([`EvidenceDigest`]).
    fn evidence_digest(&self, fact_type: FactType, ids: &[FactId], first: usize) -> Result<EvidenceDigest> {
        Ok(EvidenceDigest::from_rows(self.evidence(fact_type, ids)?, first))
    }
    /// One page of one fact's evidence, in the order it was recorded: `limit` rows from
    /// `offset`, and how many there are in all.
    fn evidence_page(
        &self,
        fact_type: FactType,
        id: FactId,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<Evidence>, usize)> {
        let all = self.evidence(fact_type, &[id])?;
        let total = all.len();
        Ok((all.into_iter().skip(offset).take(limit).collect(), total))
    }
    /// The documents that are evidence of any of the given facts (in no particular order, each
    /// once or more).
    fn documents_of(&self, fact_type: FactType, ids: &[FactId]) -> Result<Vec<DocId>> {
        Ok(self.evidence(fact_type, ids)?.into_iter().map(|e| e.document).collect())
    }
    /// Everything one document supports.
    fn evidence_of_document(&self, doc: DocId) -> Result<Vec<Evidence>>;
    /// The evidence of the people these documents name.
    fn people_evidence_in(&self, docs: &[DocId]) -> Result<Vec<Evidence>>;
    /// The first `first` sources of each person these documents name (in the order of the
    /// documents; claims left null), and how many sources each has in them.
    fn people_sources_in(&self, docs: &[DocId], first: usize) -> Result<PeopleSources> {
        Ok(crate::model::first_sources(self.people_evidence_in(docs)?, first))
    }
    /// Roles of the given people.
    fn roles(&self, people: &[FactId]) -> Result<Vec<Role>>;

    /// The review state of the given facts of one type (facts not found are left out).
    fn review_states(&self, fact_type: FactType, ids: &[FactId]) -> Result<Vec<(FactId, ReviewState)>>;
    /// The facts of one type a person rejected (few): what a summary of every fact leaves out,
    /// without asking the state of each.
    fn rejected(&self, fact_type: FactType) -> Result<Vec<FactId>>;
    /// Facts no person has decided about yet (events, agreements, figures), least certain
    /// first; only those of the given partnerships when `within` is given.
    fn review_queue(&self, limit: usize, within: Option<&[PartnershipId]>) -> Result<Vec<(FactType, FactId)>>;
    /// How many facts wait for a decision (in the given partnerships, when given).
    fn pending_reviews(&self, within: Option<&[PartnershipId]>) -> Result<usize>;
    /// Every decision taken about one fact, oldest first.
    fn review_log(&self, fact_type: FactType, id: FactId) -> Result<Vec<ReviewEntry>>;
}

/// One transaction: the unit in which a document and its facts are stored.
pub trait WriteTx: Reader {
    fn insert_document(&mut self, doc: &NewDocument) -> Result<DocId>;
    /// The partnership of exactly these parties, created when new.
    fn partnership_for(&mut self, parties: &[PlaceId]) -> Result<PartnershipId>;

    /// Events of this partnership and kind that have this ordinal, or a date compatible with
    /// `date` (one a prefix of the other: `2024` and `2024-10-15`).
    fn event_candidates(
        &self,
        partnership: Option<PartnershipId>,
        kind: EventKind,
        ordinal: Option<u32>,
        date: Option<PartialDate>,
    ) -> Result<Vec<StoredEvent>>;
    /// A new event; `confidence` is how sure the reading that found it was (0–1; `None` for a
    /// fact a person entered), as [`WriteTx::raise_confidence`] would record it, in the insert.
    fn insert_event(&mut self, e: &StoredEvent, confidence: Option<f32>) -> Result<FactId>;
    fn update_event(&mut self, e: &StoredEvent) -> Result<()>;

    /// Agreements of this partnership and kind signed in one of `years` (at most four; on a date
    /// compatible with `signed` when both are known), starting in one of them, or undated; with
    /// no years (an undated mention), the most recent one.
    fn agreement_candidates(
        &self,
        partnership: Option<PartnershipId>,
        kind: AgreementKind,
        years: &[i16],
        signed: Option<PartialDate>,
    ) -> Result<Vec<StoredAgreement>>;
    /// A new agreement, with its confidence as in [`WriteTx::insert_event`].
    fn insert_agreement(&mut self, a: &StoredAgreement, confidence: Option<f32>) -> Result<FactId>;
    fn update_agreement(&mut self, a: &StoredAgreement) -> Result<()>;

    /// Figures of this partnership, kind and unit whose period (or, without one, reported year)
    /// overlaps `years` (inclusive); all of them when `years` is `None`. A figure with neither
    /// period nor year is always a candidate.
    fn figure_candidates(
        &self,
        partnership: Option<PartnershipId>,
        kind: FigureKind,
        unit: Unit,
        years: Option<(i16, i16)>,
    ) -> Result<Vec<StoredFigure>>;
    /// A new figure, with its confidence as in [`WriteTx::insert_event`].
    fn insert_figure(&mut self, f: &StoredFigure, confidence: Option<f32>) -> Result<FactId>;
    fn set_fulfils(&mut self, result: FactId, commitment: FactId) -> Result<()>;

    /// The person of this (folded) name and country.
    fn person_by_key(&self, key: &str) -> Result<Option<StoredPerson>>;
    fn insert_person(&mut self, key: &str, p: &StoredPerson) -> Result<FactId>;
    fn update_person(&mut self, p: &StoredPerson) -> Result<()>;
    /// Record that a person held a title; widens the dates it was seen when known.
    fn upsert_role(&mut self, role: &Role) -> Result<()>;

    /// Record one document's support for a fact. With `sentence_at` set, the store keeps that
    /// range of the document's text rather than `sentence` (which may then be left empty); the
    /// caller vouches that the range is the sentence.
    fn add_evidence(&mut self, e: &Evidence) -> Result<()> {
        self.add_evidence_claiming(e, &e.claim.to_string())
    }

    /// [`WriteTx::add_evidence`] with the claim given as its JSON text (`e.claim` is not read):
    /// ingest makes the text on the extraction threads, off the writer's.
    fn add_evidence_claiming(&mut self, e: &Evidence, claim: &str) -> Result<()>;

    /// Change a figure's fields (a person's correction; ingest never changes a figure).
    fn update_figure(&mut self, f: &StoredFigure) -> Result<()>;
    /// Record how sure a document's reading was of a fact: the fact keeps the highest (0–1).
    fn raise_confidence(&mut self, fact_type: FactType, id: FactId, confidence: f32) -> Result<()>;
    fn set_review_state(&mut self, fact_type: FactType, id: FactId, state: ReviewState) -> Result<()>;
    /// Append a decision to the review log.
    fn add_review(&mut self, entry: &ReviewEntry) -> Result<()>;

    /// Note, with the write that calls for it, that these documents' search entries must be
    /// built again (a decision changed a fact they support); whoever indexes next does it.
    fn mark_unindexed(&mut self, docs: &[DocId]) -> Result<()>;
    /// Note, with this transaction's other writes, that these documents' search entries are
    /// committed to the index (an ingest marks what the index took while it stored the next
    /// documents: no commit of its own).
    fn mark_indexed(&mut self, docs: &[DocId]) -> Result<()>;

    /// A mark of what other connections have committed: the same in two of this connection's
    /// transactions when nobody else wrote between them (SQLite's `data_version`), so that what
    /// one read may serve the next. `None` when the store cannot tell: nothing is kept.
    fn others_commits(&self) -> Result<Option<i64>> {
        Ok(None)
    }

    /// Start a nested unit inside the transaction (one document of a batch).
    fn savepoint(&mut self) -> Result<()>;
    /// Keep what was written since [`WriteTx::savepoint`].
    fn release(&mut self) -> Result<()>;
    /// Undo what was written since [`WriteTx::savepoint`].
    fn rollback_to_savepoint(&mut self) -> Result<()>;

    fn commit(self: Box<Self>) -> Result<()>;
}

/// A store: a reader, and the source of write transactions.
pub trait Store {
    fn reader(&self) -> &dyn Reader;
    fn begin(&mut self) -> Result<Box<dyn WriteTx + '_>>;
    /// Replace the reference places (the gazetteer) when they changed; keyed by a version string.
    fn sync_places(&mut self, version: &str, places: &[Place]) -> Result<()>;
    /// Note that these documents' search entries are committed to the index.
    fn mark_indexed(&mut self, docs: &[DocId], indexed: bool) -> Result<()>;
    /// Mark every document as not indexed (before a rebuild).
    fn mark_all_unindexed(&mut self) -> Result<()>;
}

/// A whole store as the command line and the server use it, whatever the database: the record
/// ([`Store`]), the accounts ([`crate::Accounts`]), and what a backend says of itself.
pub trait Backend: Store + Reader + crate::Accounts + Send {
    /// Where it is, for messages (a file's path; a database's address without its password).
    fn location(&self) -> String;
    /// A number that changes whenever a write was committed, by this process or another.
    fn generation(&self) -> Result<i64>;
    /// Facts with no evidence other than those entered by hand (the invariant says none).
    fn facts_without_evidence(&self) -> Result<i64>;
    /// Evidence rows whose sentence, kept as a range of their document's text, does not lie in
    /// it on character boundaries (the invariant says none).
    fn sentences_outside_documents(&self) -> Result<i64>;
    /// The last entry of the store's change log, where indexes follow one (PostgreSQL: one index
    /// per server, each with its own cursor); `None` where the store's own marks say what its one
    /// index holds (SQLite).
    fn latest_change(&self) -> Result<Option<i64>> {
        Ok(None)
    }
    /// Entries of the change log after `after` (at most `limit`): sequence number and document.
    fn changes_since(&self, _after: i64, _limit: usize) -> Result<Vec<(i64, DocId)>> {
        Ok(Vec::new())
    }
    /// Run `f` with this connection's reads held to one state of the store, whatever other
    /// connections commit meanwhile (a read transaction): a whole-store copy reads its tables
    /// through it, so that they come from one moment. The default runs `f` as it is.
    fn in_read_snapshot(&self, f: &mut dyn FnMut() -> Result<()>) -> Result<()> {
        f()
    }
    /// Rows of a table in key order, `limit` of them from `offset` (for `hoptac copy`).
    fn export_rows(
        &self,
        table: &crate::transfer::Table,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<Vec<crate::transfer::Cell>>>;
    /// Has the connection been lost (a database server restarted)? The server then opens
    /// another instead of using this one again.
    fn is_broken(&self) -> bool {
        false
    }
    /// Start writing a copy into this (empty) store.
    fn import(&mut self) -> Result<Box<dyn crate::transfer::Importer + '_>>;
    /// Before a bulk load (a run larger than the store): drop the indexes that storing never
    /// reads, to be built once at its end by [`Backend::restore_indexes`] rather than kept up
    /// row by row. Readers meanwhile get the same answers, more slowly. Returns whether any
    /// were dropped; a backend that keeps them all says `false`. A store left without them (the
    /// process stopped before the end) has them built again when next opened for writing.
    fn defer_indexes(&mut self) -> Result<bool> {
        Ok(false)
    }
    /// Build every index [`Backend::defer_indexes`] dropped (none missing: nothing done).
    fn restore_indexes(&mut self) -> Result<()> {
        Ok(())
    }
}

/// The table every backend keeps facts of this type in (people are not reviewed).
pub fn fact_table(t: FactType) -> Result<&'static str> {
    match t {
        FactType::Event => Ok("events"),
        FactType::Agreement => Ok("agreements"),
        FactType::Figure => Ok("figures"),
        FactType::Person => Err(crate::StoreError::Invalid("people are not reviewed".into())),
    }
}

/// The facts of the given (type, id) pairs, one query per type; ids not found are left out.
pub fn facts_by_ref(
    reader: &dyn Reader,
    refs: &[(FactType, FactId)],
) -> Result<std::collections::HashMap<(FactType, FactId), StoredFact>> {
    let ids = |t: FactType| {
        let mut v: Vec<FactId> = refs.iter().filter(|(x, _)| *x == t).map(|(_, id)| *id).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let mut out = std::collections::HashMap::new();
    for e in reader.events_by_id(&ids(FactType::Event))? {
        out.insert((FactType::Event, e.id), StoredFact::Event(e));
    }
    for a in reader.agreements_by_id(&ids(FactType::Agreement))? {
        out.insert((FactType::Agreement, a.id), StoredFact::Agreement(a));
    }
    for f in reader.figures_by_id(&ids(FactType::Figure))? {
        out.insert((FactType::Figure, f.id), StoredFact::Figure(f));
    }
    for p in reader.people_by_id(&ids(FactType::Person))? {
        out.insert((FactType::Person, p.id), StoredFact::Person(p, Vec::new()));
    }
    Ok(out)
}
