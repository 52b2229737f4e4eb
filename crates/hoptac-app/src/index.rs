//! Keeping the search index in step with the store. The store is the truth: a document's
//! entries are (re)built from what the store holds for it, committed in batches, and only then is
//! the document marked indexed, so an interrupted run is caught up by the next one and a rebuild
//! (`hoptac reindex`) gives the same index.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use hoptac_core::{PartialDate, PlaceId};
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

/// Documents are committed to the index in batches of this many.
const BATCH: usize = 2000;

/// A fact as the index files it: title line, kinds, places, year.
type Summary = (String, Vec<String>, Vec<PlaceId>, Option<i64>);

pub struct Indexer {
    writer: IndexWriter,
    partnerships: HashMap<PartnershipId, Vec<PlaceId>>,
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
            partnerships: HashMap::new(),
            staged: HashMap::new(),
            pending: Vec::new(),
            indexed: 0,
            marks: true,
        })
    }

    fn parties(&mut self, reader: &dyn Reader, id: Option<PartnershipId>) -> Result<Vec<PlaceId>> {
        let Some(id) = id else { return Ok(Vec::new()) };
        if !self.partnerships.contains_key(&id) {
            self.partnerships = reader.partnerships()?.into_iter().map(|p| (p.id, p.parties)).collect();
        }
        Ok(self.partnerships.get(&id).cloned().unwrap_or_default())
    }

    /// Stage the entries of a document just ingested (from what ingest returned, no reading back).
    pub fn add_ingested(
        &mut self,
        g: &Gazetteer,
        store: &mut dyn Store,
        doc: &NewDocument,
        outcome: &Outcome,
    ) -> Result<()> {
        let meta = DocMeta { id: outcome.doc, title: &doc.title, source: &doc.source, published: doc.published };
        let entries = self.entries(g, store.reader(), &meta, &doc.text, doc.article_end, &outcome.touched)?;
        self.stage(store, outcome.doc, entries)
    }

    /// Stage the entries of a stored document, read back from the store (catch-up and rebuild).
    pub fn add_stored(&mut self, g: &Gazetteer, store: &mut dyn Store, doc_id: DocId) -> Result<()> {
        let reader = store.reader();
        let doc = reader.document(doc_id)?.ok_or(AppError::Vanished(doc_id))?;
        let touched = stored_facts(reader, doc_id)?;
        let meta = DocMeta { id: doc_id, title: &doc.title, source: &doc.source, published: doc.published };
        let entries = self.entries(g, reader, &meta, &doc.text, doc.article_end, &touched)?;
        self.stage(store, doc_id, entries)
    }

    fn stage(&mut self, store: &mut dyn Store, doc_id: DocId, entries: Vec<Entry>) -> Result<()> {
        for e in entries {
            self.staged.insert(e.key(), e);
        }
        self.pending.push(doc_id);
        if self.pending.len() >= BATCH {
            self.commit(store)?;
        }
        Ok(())
    }

    /// Commit staged entries, then mark their documents indexed.
    pub fn commit(&mut self, store: &mut dyn Store) -> Result<()> {
        self.writer.upsert(self.staged.drain().map(|(_, e)| e))?;
        self.writer.commit()?;
        if self.marks {
            store.mark_indexed(&self.pending, true)?;
        }
        self.indexed += self.pending.len();
        self.pending.clear();
        Ok(())
    }

    pub fn finish(mut self, store: &mut dyn Store) -> Result<usize> {
        self.commit(store)?;
        // After a run of many documents, merge the segments that call for it (few segments, no
        // dead entries); a handful (an upload, a correction) is not worth merging for.
        if self.indexed >= COMPACT_AFTER {
            self.writer.finish_compacted()?;
        } else {
            self.writer.finish()?;
        }
        Ok(self.indexed)
    }

    /// One entry per fact the document supports (its one-line description, the sentence), and
    /// one for the document (title, article text).
    fn entries(
        &mut self,
        g: &Gazetteer,
        reader: &dyn Reader,
        doc: &DocMeta,
        text: &str,
        article_end: usize,
        touched: &[Touched],
    ) -> Result<Vec<Entry>> {
        let doc_year = doc.published.map(|d| d.year as i64);
        let mut doc_places: BTreeSet<String> = BTreeSet::new();
        let mut out = Vec::with_capacity(touched.len() + 1);
        let mut seen: BTreeSet<(FactType, i64)> = BTreeSet::new();
        for t in touched {
            if !seen.insert((t.fact.fact_type(), t.fact.id())) {
                continue;
            }
            let (title, kinds, ps, year): Summary = match &t.fact {
                StoredFact::Event(e) => {
                    let mut ps = self.parties(reader, e.partnership)?;
                    let line = render::event_line(g, e, &ps);
                    ps.extend(e.place.clone());
                    let kinds = vec!["event".into(), enum_name(&e.kind), enum_name(&e.status)];
                    (line, kinds, ps, e.date.map(|d| d.year as i64))
                }
                StoredFact::Agreement(a) => {
                    let ps = self.parties(reader, a.partnership)?;
                    let year = a.signed.map(|d| d.year).or(a.period.map(|p| p.first)).map(i64::from);
                    (render::agreement_line(g, a, &ps), vec!["agreement".into(), enum_name(&a.kind)], ps, year)
                }
                StoredFact::Figure(f) => {
                    let mut ps = self.parties(reader, f.partnership)?;
                    ps.extend(f.from.iter().chain(&f.to).cloned());
                    let year = f.year.or(f.period.map(|p| p.first)).map(i64::from);
                    let kinds = vec!["figure".into(), enum_name(&f.kind), enum_name(&f.unit)];
                    (render::figure_line(g, f), kinds, ps, year)
                }
                StoredFact::Person(p, titles) => {
                    (render::person_line(p, titles), vec!["person".into()], p.place.iter().cloned().collect(), None)
                }
            };
            let places: BTreeSet<String> = ps.iter().flat_map(crate::places::with_containers).collect();
            doc_places.extend(places.iter().cloned());
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
        let end = article_end.min(text.len());
        let body = text.get(..end).unwrap_or(text).to_string();
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
            year: doc_year.or_else(|| {
                out.iter()
                    .filter(|e| e.kinds.iter().any(|k| k == "held" || k == "agreement"))
                    .filter_map(|e| e.year)
                    .max()
            }),
            source: doc.source.to_string(),
        });
        Ok(out)
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
            Some(Touched { fact, sentence: e.sentence })
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
