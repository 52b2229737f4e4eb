//! Keeping the search index in step with the store. The store is the truth: a document's
//! entries are (re)built from what the store holds for it, committed in batches, and only then is
//! the document marked indexed, so an interrupted run is caught up by the next one and a rebuild
//! (`hoptac reindex`) gives the same index.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use hoptac_core::PlaceId;
use hoptac_extract::Gazetteer;
use hoptac_search::{Entry, IndexWriter, SearchIndex};
use hoptac_store::{DocId, FactType, PartnershipId, Reader, Store};

use crate::render;

/// Where the index of a store lives: beside it.
pub fn index_dir(store: &Path) -> PathBuf {
    let mut name = store.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".index");
    store.with_file_name(name)
}

/// Documents are committed to the index in batches of this many.
const BATCH: usize = 2000;

/// A fact as the index files it: title line, kinds, places, year.
type Summary = (String, Vec<String>, Vec<PlaceId>, Option<i64>);

pub struct Indexer {
    writer: IndexWriter,
    partnerships: HashMap<PartnershipId, Vec<PlaceId>>,
    pending: Vec<DocId>,
    pub indexed: usize,
}

impl Indexer {
    pub fn new(index: &SearchIndex) -> Result<Self> {
        Ok(Indexer { writer: index.writer()?, partnerships: HashMap::new(), pending: Vec::new(), indexed: 0 })
    }

    fn parties(&mut self, reader: &dyn Reader, id: Option<PartnershipId>) -> Result<Vec<PlaceId>> {
        let Some(id) = id else { return Ok(Vec::new()) };
        if !self.partnerships.contains_key(&id) {
            self.partnerships = reader.partnerships()?.into_iter().map(|p| (p.id, p.parties)).collect();
        }
        Ok(self.partnerships.get(&id).cloned().unwrap_or_default())
    }

    /// Build and stage the entries of one stored document; commits every [`BATCH`] documents.
    pub fn add(&mut self, g: &Gazetteer, store: &mut dyn Store, doc_id: DocId) -> Result<()> {
        let entries = self.entries(g, store.reader(), doc_id)?;
        self.writer.replace_document(doc_id as u64, &entries)?;
        self.pending.push(doc_id);
        if self.pending.len() >= BATCH {
            self.commit(store)?;
        }
        Ok(())
    }

    /// Commit staged entries, then mark their documents indexed.
    pub fn commit(&mut self, store: &mut dyn Store) -> Result<()> {
        self.writer.commit()?;
        store.mark_indexed(&self.pending, true)?;
        self.indexed += self.pending.len();
        self.pending.clear();
        Ok(())
    }

    pub fn finish(mut self, store: &mut dyn Store) -> Result<usize> {
        self.commit(store)?;
        let n = self.indexed;
        self.writer.finish()?;
        Ok(n)
    }

    fn entries(&mut self, g: &Gazetteer, reader: &dyn Reader, doc_id: DocId) -> Result<Vec<Entry>> {
        let doc = reader.document(doc_id)?.with_context(|| format!("document {doc_id} vanished"))?;
        let evidence = reader.evidence_of_document(doc_id)?;
        let mut ids: BTreeMap<FactType, BTreeSet<i64>> = BTreeMap::new();
        for e in &evidence {
            ids.entry(e.fact_type).or_default().insert(e.fact_id);
        }
        let get = |t: FactType| ids.get(&t).map(|s| s.iter().copied().collect::<Vec<_>>()).unwrap_or_default();
        let mut summary: HashMap<(FactType, i64), Summary> = HashMap::new();
        for e in reader.events_by_id(&get(FactType::Event))? {
            let mut ps = self.parties(reader, e.partnership)?;
            let line = render::event_line(g, &e, &ps);
            ps.extend(e.place.clone());
            let kinds = vec!["event".into(), enum_name(&e.kind), enum_name(&e.status)];
            summary.insert((FactType::Event, e.id), (line, kinds, ps, e.date.map(|d| d.year as i64)));
        }
        for a in reader.agreements_by_id(&get(FactType::Agreement))? {
            let ps = self.parties(reader, a.partnership)?;
            let year = a.signed.map(|d| d.year).or(a.period.map(|p| p.first)).map(i64::from);
            let kinds = vec!["agreement".into(), enum_name(&a.kind)];
            summary.insert((FactType::Agreement, a.id), (render::agreement_line(g, &a, &ps), kinds, ps, year));
        }
        for f in reader.figures_by_id(&get(FactType::Figure))? {
            let mut ps = self.parties(reader, f.partnership)?;
            ps.extend(f.from.iter().chain(&f.to).cloned());
            let year = f.year.or(f.period.map(|p| p.first)).map(i64::from);
            let kinds = vec!["figure".into(), enum_name(&f.kind), enum_name(&f.unit)];
            summary.insert((FactType::Figure, f.id), (render::figure_line(g, &f), kinds, ps, year));
        }
        let roles = reader.roles(&get(FactType::Person))?;
        for p in reader.people_by_id(&get(FactType::Person))? {
            let titles: Vec<String> = roles.iter().filter(|r| r.person == p.id).map(|r| r.title.clone()).collect();
            let ps: Vec<PlaceId> = p.place.iter().cloned().collect();
            summary
                .insert((FactType::Person, p.id), (render::person_line(&p, &titles), vec!["person".into()], ps, None));
        }

        let doc_year = doc.published.map(|d| d.year as i64);
        let mut doc_places: BTreeSet<String> = BTreeSet::new();
        let mut out = Vec::with_capacity(evidence.len() + 1);
        let mut seen: BTreeSet<(FactType, i64)> = BTreeSet::new();
        for e in &evidence {
            let Some((title, kinds, ps, year)) = summary.get(&(e.fact_type, e.fact_id)) else { continue };
            if !seen.insert((e.fact_type, e.fact_id)) {
                continue;
            }
            let places: BTreeSet<String> = ps.iter().flat_map(crate::places::with_containers).collect();
            doc_places.extend(places.iter().cloned());
            out.push(Entry {
                doc_id: doc_id as u64,
                fact_type: e.fact_type.as_str().to_string(),
                fact_id: Some(e.fact_id as u64),
                kinds: kinds.clone(),
                title: title.clone(),
                body: e.sentence.clone(),
                places: places.into_iter().collect(),
                year: year.or(doc_year),
                source: doc.source.clone(),
            });
        }
        let end = doc.article_end.min(doc.text.len());
        let body = doc.text.get(..end).unwrap_or(&doc.text).to_string();
        out.push(Entry {
            doc_id: doc_id as u64,
            fact_type: "document".into(),
            fact_id: None,
            kinds: vec!["document".into()],
            title: doc.title.clone().unwrap_or_else(|| doc.source.clone()),
            body,
            places: doc_places.into_iter().collect(),
            // Undated documents: the year of the latest meeting held or agreement they report.
            year: doc_year.or_else(|| {
                out.iter()
                    .filter(|e| e.kinds.iter().any(|k| k == "held" || k == "agreement"))
                    .filter_map(|e| e.year)
                    .max()
            }),
            source: doc.source,
        });
        Ok(out)
    }
}

/// The snake_case name of a record enum (`conference`, `midterm_review`, `commitment`).
fn enum_name<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// Index the documents the store has not yet marked indexed (after an interrupted run).
pub fn catch_up(g: &Gazetteer, store: &mut dyn Store, index: &SearchIndex) -> Result<usize> {
    let pending = store.reader().unindexed_documents()?;
    if pending.is_empty() {
        return Ok(0);
    }
    let mut ix = Indexer::new(index)?;
    for d in pending {
        ix.add(g, store, d)?;
    }
    ix.finish(store)
}
