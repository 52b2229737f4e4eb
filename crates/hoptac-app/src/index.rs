//! Keeping the search index in step with the store. The store is the truth: a document's
//! entries are (re)built from what the store holds for it, committed in batches, and only then is
//! the document marked indexed, so an interrupted run is caught up by the next one and a rebuild
//! (`hoptac reindex`) gives the same index.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use hoptac_core::{EventStatus, PartialDate, PlaceId};
use hoptac_extract::Gazetteer;
use hoptac_search::{Entry, IndexWriter, SearchIndex};
use hoptac_store::ingest::Outcome;
use hoptac_store::{Backend, DocId, FactType, NewDocument, PartnershipId, Reader, Store, StoredFact, Touched};

use crate::{render, AppError, Result};

/// Where the index of a store lives: beside it.
pub fn index_dir(store: &Path) -> PathBuf {
    let mut name = store.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".index");
    store.with_file_name(name)
}

/// A run that indexed at least this many documents compacts the index at its end.
const COMPACT_AFTER: usize = 500;

/// Documents are committed to the index in batches of this many. The peak of an ingest's memory
/// comes at these commits (tantivy's segment being written): 20,000 documents peaked at
/// 204–232 MB with batches of 2,000 and 170–184 MB with 1,000, in the same time, when sentences
/// were copied into the store and entries built on the writer; since, 152–175 MB with 2,000
/// against 136–144 MB with 1,000, and 4.25–4.56 s against 4.45–4.79 s (fewer segments to merge).
const BATCH: usize = 2000;

pub struct Indexer {
    writer: IndexWriter,
    builder: EntryBuilder,
    /// Entries waiting for the next commit, by key: a fact that several documents of a batch
    /// support is written once (the last document's entry, as replacing it each time would leave).
    staged: HashMap<String, Entry>,
    pending: Vec<DocId>,
    pub indexed: usize,
    /// Mark committed documents indexed in the store (an index that follows the store's change
    /// log keeps its own cursor instead).
    marks: bool,
}

impl Indexer {
    pub fn new(index: &SearchIndex) -> Result<Self> {
        Self::waiting(index, std::time::Duration::ZERO)
    }

    /// An indexer, waiting up to `wait` while another process holds the index's write lock (a
    /// server indexing a decision holds it for a moment; another ingest, for its whole run).
    pub fn waiting(index: &SearchIndex, wait: std::time::Duration) -> Result<Self> {
        let start = std::time::Instant::now();
        let writer = loop {
            match index.writer() {
                Err(hoptac_search::SearchError::Busy { .. }) if start.elapsed() < wait => {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                other => break other?,
            }
        };
        Ok(Indexer {
            writer,
            builder: EntryBuilder::default(),
            staged: HashMap::new(),
            pending: Vec::new(),
            indexed: 0,
            marks: true,
        })
    }

    /// Stage the entries of a stored document, read back from the store (catch-up and rebuild).
    pub fn add_stored(&mut self, g: &Gazetteer, store: &mut dyn Store, doc_id: DocId) -> Result<()> {
        let reader = store.reader();
        let doc = reader.document(doc_id)?.ok_or(AppError::Vanished(doc_id))?;
        let touched = stored_facts(reader, doc_id)?;
        let meta = DocMeta { id: doc_id, title: &doc.title, source: &doc.source, published: doc.published };
        let entries = self.builder.entries(g, Some(reader), &meta, &doc.text, doc.article_end, &touched)?;
        self.stage(store, doc_id, entries)
    }

    fn stage(&mut self, store: &mut dyn Store, doc_id: DocId, entries: Vec<Entry>) -> Result<()> {
        self.stage_entries(doc_id, entries);
        if self.pending.len() >= BATCH {
            self.commit(store)?;
        }
        Ok(())
    }

    fn stage_entries(&mut self, doc_id: DocId, entries: Vec<Entry>) {
        for e in entries {
            self.staged.insert(e.key(), e);
        }
        self.pending.push(doc_id);
    }

    /// Commit staged entries; the documents they came from.
    fn commit_index(&mut self) -> Result<Vec<DocId>> {
        self.writer.upsert(self.staged.drain().map(|(_, e)| e))?;
        self.writer.commit()?;
        self.indexed += self.pending.len();
        Ok(std::mem::take(&mut self.pending))
    }

    /// Commit staged entries, then mark their documents indexed.
    pub fn commit(&mut self, store: &mut dyn Store) -> Result<()> {
        let done = self.commit_index()?;
        if self.marks {
            store.mark_indexed(&done, true)?;
        }
        Ok(())
    }

    pub fn finish(mut self, store: &mut dyn Store) -> Result<usize> {
        self.commit(store)?;
        self.close()
    }

    /// Release the index writer. After a run of many documents, merge the segments that call
    /// for it (few segments, no dead entries); a handful (an upload, a correction) is not worth
    /// merging for.
    fn close(self) -> Result<usize> {
        if self.indexed >= COMPACT_AFTER {
            self.writer.finish_compacted()?;
        } else {
            self.writer.finish()?;
        }
        Ok(self.indexed)
    }
}

/// How many documents' entries may wait for the indexing thread.
const QUEUE: usize = 1024;

/// An indexer whose work runs on a thread of its own, for an ingest: the writer of the store
/// hands over each stored document with the facts it touched and the parties of any partnership
/// the thread has not been told of (the writer knows them: it made them); the thread builds the
/// entries (a tenth of the writer's time when the writer built them), stages them and commits
/// the index every [`BATCH`] documents (the writer meanwhile stores the next documents instead of
/// waiting for the commit, a fifth of its time before), and gives back the documents each
/// commit made searchable, for the writer to mark indexed in the store: marked only once their
/// entries are committed, as with [`Indexer`].
pub struct IndexThread {
    /// The parties of the partnerships the store holds, as the writer read them.
    known: EntryBuilder,
    /// The partnerships whose parties the thread has been given.
    told: HashSet<PartnershipId>,
    work: Option<mpsc::SyncSender<Ingested>>,
    committed: mpsc::Receiver<Vec<DocId>>,
    thread: Option<std::thread::JoinHandle<Result<usize>>>,
}

/// A document just stored, as the index thread needs it.
struct Ingested {
    doc: NewDocument,
    outcome: Outcome,
    /// The parties of partnerships its facts belong to that the thread was not given before.
    parties: Vec<(PartnershipId, Vec<PlaceId>)>,
}

impl IndexThread {
    /// Take the index's write lock (waiting up to `wait`, as [`Indexer::waiting`]) and start.
    pub fn start(g: &'static Gazetteer, index: &SearchIndex, wait: std::time::Duration) -> Result<Self> {
        Self::start_committing_every(g, index, wait, BATCH)
    }

    /// [`IndexThread::start`], committing every `batch` documents.
    fn start_committing_every(
        g: &'static Gazetteer,
        index: &SearchIndex,
        wait: std::time::Duration,
        batch: usize,
    ) -> Result<Self> {
        let mut ix = Indexer::waiting(index, wait)?;
        let (work, queue) = mpsc::sync_channel::<Ingested>(QUEUE);
        let (done, committed) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("hoptac-index".into())
            .spawn(move || -> Result<usize> {
                let mut builder = EntryBuilder::default();
                for Ingested { doc, outcome, parties } in queue {
                    builder.partnerships.extend(parties);
                    let meta =
                        DocMeta { id: outcome.doc, title: &doc.title, source: &doc.source, published: doc.published };
                    let entries = builder.entries(g, None, &meta, &doc.text, doc.article_end, &outcome.touched)?;
                    ix.stage_entries(outcome.doc, entries);
                    if ix.pending.len() >= batch {
                        // The writer gone, nobody marks them: a later run indexes them again.
                        let _ = done.send(ix.commit_index()?);
                    }
                }
                let _ = done.send(ix.commit_index()?);
                ix.close()
            })
            .map_err(|err| AppError::IndexThread(format!("could not start: {err}")))?;
        Ok(IndexThread {
            known: EntryBuilder::default(),
            told: HashSet::new(),
            work: Some(work),
            committed,
            thread: Some(thread),
        })
    }

    /// Hand over a document just ingested and what ingest returned (`reader` sees it stored).
    pub fn add_ingested(&mut self, reader: &dyn Reader, doc: NewDocument, outcome: Outcome) -> Result<()> {
        let mut parties = Vec::new();
        for p in outcome.touched.iter().filter_map(|t| t.fact.partnership()) {
            if self.told.insert(p) {
                parties.push((p, self.known.parties(Some(reader), Some(p))?));
            }
        }
        let sent = self.work.as_ref().is_some_and(|s| s.send(Ingested { doc, outcome, parties }).is_ok());
        if !sent {
            // The thread stopped: say why.
            self.work = None;
            self.join()?;
            return Err(AppError::IndexThread("stopped".into()));
        }
        Ok(())
    }

    /// The documents whose entries were committed since the last call: to be marked indexed.
    pub fn committed(&self) -> Vec<DocId> {
        self.committed.try_iter().flatten().collect()
    }

    /// Commit what is left and release the index; how many documents were indexed, and those
    /// committed since the last [`IndexThread::committed`].
    pub fn finish(mut self) -> Result<(usize, Vec<DocId>)> {
        self.work = None;
        let indexed = self.join()?;
        Ok((indexed, self.committed()))
    }

    fn join(&mut self) -> Result<usize> {
        match self.thread.take().map(|t| t.join()) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(AppError::IndexThread("panicked".into())),
            None => Err(AppError::IndexThread("was already stopped".into())),
        }
    }
}

/// Builds a document's entries; knows the parties of each partnership (read once, again when
/// a new one appears).
#[derive(Default)]
struct EntryBuilder {
    partnerships: HashMap<PartnershipId, Vec<PlaceId>>,
}

impl EntryBuilder {
    /// A partnership's parties: as known, else read again from `reader` when there is one
    /// (the index thread has none: it is told each partnership before any fact of it).
    fn parties(&mut self, reader: Option<&dyn Reader>, id: Option<PartnershipId>) -> Result<Vec<PlaceId>> {
        let Some(id) = id else { return Ok(Vec::new()) };
        if let (false, Some(reader)) = (self.partnerships.contains_key(&id), reader) {
            self.partnerships = reader.partnerships()?.into_iter().map(|p| (p.id, p.parties)).collect();
        }
        Ok(self.partnerships.get(&id).cloned().unwrap_or_default())
    }

    /// One entry per fact the document added or changed (its one-line description, the
    /// sentence), and one for the document (title, article text, the places of every fact it
    /// supports). A fact the document only confirms keeps the entry it has.
    fn entries(
        &mut self,
        g: &Gazetteer,
        reader: Option<&dyn Reader>,
        doc: &DocMeta,
        text: &str,
        article_end: usize,
        touched: &[Touched],
    ) -> Result<Vec<Entry>> {
        let doc_year = doc.published.map(|d| d.year as i64);
        let mut doc_places: BTreeSet<String> = BTreeSet::new();
        let mut out = Vec::with_capacity(touched.len() + 1);
        // A fact the document supports twice is described as the last left it, and written when
        // either changed it.
        let key = |t: &Touched| (t.fact.fact_type(), t.fact.id());
        let mut last: HashMap<(FactType, i64), (usize, bool)> = HashMap::new();
        for (i, t) in touched.iter().enumerate() {
            let e = last.entry(key(t)).or_insert((i, false));
            *e = (i, e.1 || t.changed);
        }
        // the latest year of the meetings held and agreements the document reports
        let mut reported: Option<i64> = None;
        for (i, t) in touched.iter().enumerate() {
            let Some(&(at, changed)) = last.get(&key(t)) else { continue };
            if at != i {
                continue;
            }
            // A fact only confirmed gives the document its places (and, reported, its year);
            // its line and kinds are drawn only for an entry that is written.
            let (ps, year, reports): (Vec<PlaceId>, Option<i64>, bool) = match &t.fact {
                StoredFact::Event(e) => {
                    let mut ps = self.parties(reader, e.partnership)?;
                    ps.extend(e.place.clone());
                    (ps, e.date.map(|d| d.year as i64), e.status == EventStatus::Held)
                }
                StoredFact::Agreement(a) => {
                    let year = a.signed.map(|d| d.year).or(a.period.map(|p| p.first)).map(i64::from);
                    (self.parties(reader, a.partnership)?, year, true)
                }
                StoredFact::Figure(f) => {
                    let mut ps = self.parties(reader, f.partnership)?;
                    ps.extend(f.from.iter().chain(&f.to).cloned());
                    (ps, f.year.or(f.period.map(|p| p.first)).map(i64::from), false)
                }
                StoredFact::Person(p, _) => (p.place.iter().cloned().collect(), None, false),
            };
            if reports {
                reported = reported.max(year);
            }
            if !changed {
                doc_places.extend(ps.iter().flat_map(crate::places::with_containers));
                continue;
            }
            let places: BTreeSet<String> = ps.iter().flat_map(crate::places::with_containers).collect();
            doc_places.extend(places.iter().cloned());
            let (title, kinds): (String, Vec<String>) = match &t.fact {
                StoredFact::Event(e) => {
                    // the line names the partnership's parties, not the venue
                    let parties = &ps[..ps.len() - usize::from(e.place.is_some())];
                    let kinds = vec!["event".into(), enum_name(&e.kind), enum_name(&e.status)];
                    (render::event_line(g, e, parties), kinds)
                }
                StoredFact::Agreement(a) => {
                    (render::agreement_line(g, a, &ps), vec!["agreement".into(), enum_name(&a.kind)])
                }
                StoredFact::Figure(f) => {
                    let kinds = vec!["figure".into(), enum_name(&f.kind), enum_name(&f.unit)];
                    (render::figure_line(g, f), kinds)
                }
                StoredFact::Person(p, titles) => (render::person_line(p, titles), vec!["person".into()]),
            };
            out.push(Entry {
                doc_id: doc.id as u64,
                fact_type: t.fact.fact_type().as_str().to_string(),
                fact_id: Some(t.fact.id() as u64),
                kinds,
                title,
                body: String::new(),
                evidence: t.sentence.clone(),
                places: places.into_iter().collect(),
                year: year.or(doc_year),
                source: doc.source.to_string(),
            });
        }
        // Indexed, not kept: a search reads it back from the store ([`StoreBodies`]).
        let body = hoptac_store::model::article(text, article_end).to_string();
        out.push(Entry {
            doc_id: doc.id as u64,
            fact_type: "document".into(),
            fact_id: None,
            kinds: vec!["document".into()],
            title: doc.title.clone().unwrap_or_else(|| doc.source.to_string()),
            body,
            evidence: String::new(),
            places: doc_places.into_iter().collect(),
            // Undated documents: the year of the latest meeting held or agreement they report.
            year: doc_year.or(reported),
            source: doc.source.to_string(),
        });
        Ok(out)
    }
}

/// The articles of the documents a search finds, read from the store: the index does not
/// keep them.
pub struct StoreBodies<'a>(pub &'a dyn Reader);

impl hoptac_search::Bodies for StoreBodies<'_> {
    fn bodies(&self, ids: &[u64]) -> std::result::Result<HashMap<u64, String>, String> {
        let ids: Vec<DocId> = ids.iter().filter_map(|&id| DocId::try_from(id).ok()).collect();
        let found = self.0.document_articles(&ids).map_err(|e| e.to_string())?;
        Ok(found.into_iter().filter_map(|(id, text)| Some((u64::try_from(id).ok()?, text))).collect())
    }
}

/// What the index needs of a document besides its text.
struct DocMeta<'a> {
    id: DocId,
    title: &'a Option<String>,
    source: &'a str,
    published: Option<PartialDate>,
}

/// The facts a stored document supports, read back from the store.
fn stored_facts(reader: &dyn Reader, doc_id: DocId) -> Result<Vec<Touched>> {
    let evidence = reader.evidence_of_document(doc_id)?;
    let refs: Vec<(FactType, i64)> = evidence.iter().map(|e| (e.fact_type, e.fact_id)).collect();
    let facts = hoptac_store::repo::facts_by_ref(reader, &refs)?;
    Ok(evidence
        .into_iter()
        .filter_map(|e| {
            let mut fact = facts.get(&(e.fact_type, e.fact_id))?.clone();
            if let StoredFact::Person(_, titles) = &mut fact {
                // The titles this document gave, as its claim recorded them.
                *titles = e.claim["titles"]
                    .as_array()
                    .map(|a| a.iter().filter_map(|t| t.as_str().map(str::to_string)).collect())
                    .unwrap_or_default();
            }
            Some(Touched { fact, sentence: e.sentence, changed: true })
        })
        .collect())
}

/// The snake_case name of a record enum (`conference`, `midterm_review`, `commitment`).
fn enum_name<T: serde::Serialize>(v: &T) -> String {
    hoptac_core::variant_name(v).unwrap_or_default()
}

/// Where an index that follows the store's change log keeps its cursor (the last change it
/// holds), written after each commit of the index.
fn cursor_file(index_dir: &Path) -> PathBuf {
    index_dir.join("hoptac-follow.cursor")
}

fn read_cursor(index_dir: &Path) -> Option<i64> {
    std::fs::read_to_string(cursor_file(index_dir)).ok()?.trim().parse().ok()
}

fn write_cursor(index_dir: &Path, cursor: i64) -> Result<()> {
    let tmp = index_dir.join("hoptac-follow.cursor.tmp");
    let io = |source: std::io::Error| {
        AppError::Search(hoptac_search::SearchError::Io { path: tmp.display().to_string(), source })
    };
    std::fs::write(&tmp, cursor.to_string()).map_err(io)?;
    std::fs::rename(&tmp, cursor_file(index_dir)).map_err(io)
}

/// Forget where the index stood in the change log (before a rebuild).
pub fn forget_cursor(index_dir: &Path) {
    let _ = std::fs::remove_file(cursor_file(index_dir));
}

/// How many changes of the store this index has not followed yet (`None`: the store keeps no
/// change log).
pub fn changes_behind(store: &dyn Backend, index_dir: &Path) -> Result<Option<i64>> {
    let Some(latest) = store.latest_change()? else { return Ok(None) };
    Ok(Some(latest - read_cursor(index_dir).unwrap_or(0)))
}

/// Bring an index up to date with its store, whatever the backend: by the store's marks
/// (SQLite: one index per file), or by following the change log from this index's cursor
/// (PostgreSQL: one index per server). A new index is built from every document.
pub fn catch_up_store(
    g: &Gazetteer,
    store: &mut dyn Backend,
    index: &SearchIndex,
    index_dir: &Path,
    wait: std::time::Duration,
) -> Result<usize> {
    let Some(latest) = store.latest_change()? else {
        return catch_up_waiting(g, store, index, wait);
    };
    let cursor = read_cursor(index_dir);
    if cursor == Some(latest) {
        return Ok(0);
    }
    let mut ix = Indexer::waiting(index, wait)?;
    ix.marks = false;
    let Some(mut cursor) = cursor else {
        // A new index: every document; the changes made meanwhile are followed next time.
        for d in store.document_ids()? {
            ix.add_stored(g, store, d)?;
        }
        let n = ix.finish(store)?;
        write_cursor(index_dir, latest)?;
        return Ok(n);
    };
    loop {
        let changes = store.changes_since(cursor, BATCH)?;
        let Some(&(last, _)) = changes.last() else { break };
        let docs: BTreeSet<DocId> = changes.iter().map(|(_, d)| *d).collect();
        for d in docs {
            ix.add_stored(g, store, d)?;
        }
        ix.commit(store)?;
        write_cursor(index_dir, last)?;
        cursor = last;
    }
    ix.finish(store)
}

/// Index the documents the store has not yet marked indexed (after an interrupted run).
pub fn catch_up(g: &Gazetteer, store: &mut dyn Store, index: &SearchIndex) -> Result<usize> {
    catch_up_waiting(g, store, index, std::time::Duration::ZERO)
}

/// [`catch_up`], waiting up to `wait` for the index's write lock.
pub fn catch_up_waiting(
    g: &Gazetteer,
    store: &mut dyn Store,
    index: &SearchIndex,
    wait: std::time::Duration,
) -> Result<usize> {
    let pending = store.reader().unindexed_documents()?;
    if pending.is_empty() {
        return Ok(0);
    }
    let mut ix = Indexer::waiting(index, wait)?;
    for d in pending {
        ix.add_stored(g, store, d)?;
    }
    ix.finish(store)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoptac_search::SearchQuery;
    use hoptac_sqlite::SqliteStore;

    const MEETING: &str = "Ngày 5/3/2024, tỉnh Kon Tum và tỉnh Attapeu tổ chức Hội nghị lần thứ VII tại Đăk Glei.";
    const VISIT: &str = "Ông Phạm Quốc Khánh, Phó Chủ tịch UBND tỉnh Kon Tum, thăm tỉnh Sê Kông.";

    /// A store in `dir` with the gazetteer's places, and its empty index.
    fn empty_store(dir: &Path) -> (SqliteStore, SearchIndex) {
        let mut store = SqliteStore::open(&dir.join("s.db")).unwrap();
        let (version, places) = crate::places::store_places(Gazetteer::builtin());
        store.sync_places(&version, &places).unwrap();
        (store, SearchIndex::open_or_create(&dir.join("s.db.index")).unwrap())
    }

    /// Store `texts` as an ingest does: extracted, stored in one transaction, then handed over.
    fn store_and_hand_over(store: &mut SqliteStore, ix: &mut IndexThread, texts: &[(&str, &str)]) -> Vec<DocId> {
        let extractor = hoptac_extract::Extractor::new();
        let prepared: Vec<_> =
            texts.iter().map(|(name, text)| crate::prepare(&extractor, name, text.to_string(), "utf-8")).collect();
        let mut outcomes = Vec::new();
        let mut tx = store.begin().unwrap();
        for (doc, record) in &prepared {
            outcomes.push(hoptac_store::ingest::ingest(tx.as_mut(), doc, record).unwrap());
        }
        tx.commit().unwrap();
        let docs = outcomes.iter().map(|o| o.doc).collect();
        for ((doc, _), outcome) in prepared.into_iter().zip(outcomes) {
            ix.add_ingested(store.reader(), doc, outcome).unwrap();
        }
        docs
    }

    #[test]
    fn the_index_thread_gives_back_each_document_once_its_entries_are_committed() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, index) = empty_store(dir.path());
        let mut ix = IndexThread::start(Gazetteer::builtin(), &index, std::time::Duration::ZERO).unwrap();
        let docs = store_and_hand_over(&mut store, &mut ix, &[("a.txt", MEETING), ("b.txt", VISIT)]);
        // Fewer than a batch: nothing is committed before the end, so nothing may be marked.
        assert!(ix.committed().is_empty());
        let another_writer = index.writer();
        assert!(another_writer.is_err(), "the thread holds the index's write lock");
        let (indexed, mut searchable) = ix.finish().unwrap();
        searchable.sort();
        assert_eq!((indexed, searchable), (2, docs.clone()));
        index.reload().unwrap();
        let q = SearchQuery { text: "Phạm Quốc Khánh".into(), limit: 10, ..Default::default() };
        let hits = index.search(&q, &StoreBodies(store.reader())).unwrap();
        assert!(hits.hits.iter().any(|h| h.doc_id == docs[1] as u64), "the person's document is found");
        // The document's passage, cut from the text the store keeps (the index does not).
        let doc = hits.hits.iter().find(|h| h.fact_type == "document");
        let doc = doc.unwrap_or_else(|| panic!("the document's own entry among {:?}", hits.hits));
        let marked: Vec<&str> = doc.highlights.iter().map(|&(a, b)| &doc.snippet[a..b]).collect();
        assert_eq!(marked, ["Phạm", "Quốc", "Khánh"], "{doc:?}");
        assert!(index.writer().is_ok(), "the lock is released at the end");
    }

    #[test]
    fn a_fact_a_document_only_confirms_keeps_its_entry_and_one_that_changes_it_is_written_again() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, index) = empty_store(dir.path());
        let meeting_entries = |ix: IndexThread| {
            ix.finish().unwrap();
            index.reload().unwrap();
            let q =
                SearchQuery {
                    text: "hội nghị".into(), kinds: vec!["event".into()], limit: 10, ..Default::default()
                };
            index
                .search(&q, &hoptac_search::NoBodies)
                .unwrap()
                .hits
                .iter()
                .map(|h| (h.fact_id, h.doc_id as DocId))
                .collect::<Vec<_>>()
        };
        let month = "Tháng 3/2024, tỉnh Kon Tum và tỉnh Attapeu tổ chức Hội nghị lần thứ VII tại Đăk Glei.";
        let mut ix = IndexThread::start(Gazetteer::builtin(), &index, std::time::Duration::ZERO).unwrap();
        let first = store_and_hand_over(&mut store, &mut ix, &[("a.txt", month)]);
        let before = meeting_entries(ix);
        assert_eq!(before.len(), 1, "{before:?}");
        assert_eq!(before[0].1, first[0]);
        // the same meeting, said again: its entry stays the first document's
        let mut ix = IndexThread::start(Gazetteer::builtin(), &index, std::time::Duration::ZERO).unwrap();
        let again = "Hội nghị lần thứ VII giữa tỉnh Kon Tum và tỉnh Attapeu đã diễn ra tại Đăk Glei vào tháng 3/2024.";
        store_and_hand_over(&mut store, &mut ix, &[("b.txt", again)]);
        assert_eq!(meeting_entries(ix), before);
        // its day, said for the first time: the entry describes it anew, from this document
        let mut ix = IndexThread::start(Gazetteer::builtin(), &index, std::time::Duration::ZERO).unwrap();
        let third = store_and_hand_over(&mut store, &mut ix, &[("c.txt", MEETING)]);
        assert_eq!(meeting_entries(ix), vec![(before[0].0, third[0])]);
    }

    #[test]
    fn the_index_thread_is_told_the_parties_of_a_partnership_made_after_it_started() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, index) = empty_store(dir.path());
        let mut ix = IndexThread::start(Gazetteer::builtin(), &index, std::time::Duration::ZERO).unwrap();
        let first = store_and_hand_over(&mut store, &mut ix, &[("a.txt", MEETING)]);
        // a second transaction, a partnership the store did not hold when the first was told
        let later = "Ngày 10/4/2024, tỉnh Quảng Nam và tỉnh Sê Kông tổ chức Hội nghị lần thứ III tại Tam Kỳ.";
        let second = store_and_hand_over(&mut store, &mut ix, &[("b.txt", later)]);
        ix.finish().unwrap();
        index.reload().unwrap();
        let meetings_in = |place: &str| {
            let q = SearchQuery {
                text: "hội nghị".into(),
                places: vec![place.into()],
                kinds: vec!["event".into()],
                limit: 10,
                ..Default::default()
            };
            let hits = index.search(&q, &hoptac_search::NoBodies).unwrap().hits;
            hits.iter().filter(|h| h.fact_id.is_some()).map(|h| h.doc_id as DocId).collect::<Vec<_>>()
        };
        assert_eq!(meetings_in("LA-XE"), second, "the new partnership's meeting carries its parties");
        assert_eq!(meetings_in("LA-AT"), first);
        assert_eq!(meetings_in("VN-28"), first);
    }

    #[test]
    fn each_batch_the_index_thread_commits_is_given_back_while_the_writer_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, index) = empty_store(dir.path());
        let mut ix =
            IndexThread::start_committing_every(Gazetteer::builtin(), &index, std::time::Duration::ZERO, 2).unwrap();
        let docs = store_and_hand_over(
            &mut store,
            &mut ix,
            &[
                ("a.txt", MEETING),
                ("b.txt", VISIT),
                ("c.txt", "Tỉnh Quảng Nam trao 30 suất học bổng cho sinh viên tỉnh Sê Kông năm 2023."),
            ],
        );
        // The first two make a batch: committed on the thread, then given back (once).
        let mut first = Vec::new();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while first.len() < 2 && std::time::Instant::now() < deadline {
            first.extend(ix.committed());
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        first.sort();
        assert_eq!(first, docs[..2].to_vec());
        index.reload().unwrap();
        let found = |text: &str| {
            let q = SearchQuery { text: text.into(), ..Default::default() };
            index
                .search(&q, &hoptac_search::NoBodies)
                .unwrap()
                .hits
                .iter()
                .map(|h| h.doc_id as DocId)
                .collect::<Vec<_>>()
        };
        assert!(found("Phạm Quốc Khánh").contains(&docs[1]), "the batch is searchable before the end");
        assert!(!found("học bổng").contains(&docs[2]), "the third waits for the last commit");
        // The rest at the end: only the third.
        let (indexed, rest) = ix.finish().unwrap();
        assert_eq!((indexed, rest), (3, vec![docs[2]]));
        index.reload().unwrap();
        assert!(found("học bổng").contains(&docs[2]));
    }
}
