//! `hoptac ingest PATH...`: documents into the store. Extraction runs on all cores in ordered
//! batches while one writer stores the documents and their facts in transactions of many
//! documents (a document that fails to store is undone alone: its transaction is stored again,
//! each document in a savepoint), so a kill or a failure at any moment leaves every document
//! either wholly stored or absent; running again stores the rest (known content is recognised
//! by its hash and skipped) and catches the index up. Search entries are committed on a thread
//! of their own ([`IndexThread`]).

use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc;

use anyhow::{Context, Result};
use hoptac_app::backend::Location;
use hoptac_core::ExtractRecord;
use hoptac_extract::Extractor;
use hoptac_search::SearchIndex;
use hoptac_store::ingest::{Known, Outcome, Plan};
use hoptac_store::model::DocId;
use hoptac_store::{IngestStats, NewDocument, WriteTx};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use hoptac_app::index::{catch_up_store, IndexThread};

/// How long an ingest waits for the search index's write lock: a server indexing a decision
/// holds it for a moment; another ingest, for all its run (then this one says so and stops).
const INDEX_WAIT: std::time::Duration = std::time::Duration::from_secs(15);
use hoptac_app::input::{self, DEFAULT_MAX_BYTES};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files and directories (directories are walked for .txt, .html, .md files).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Refuse files larger than this many bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_BYTES)]
    max_bytes: u64,
    /// No progress bar.
    #[arg(short, long)]
    quiet: bool,
}

/// What became of one file before it reaches the writer.
enum Prepared {
    Failed(String),
    Known,
    /// The document, its record, and its plan (made here, off the writer).
    New(Box<(NewDocument, ExtractRecord, Plan)>),
}

fn prepare(extractor: &Extractor, known: &HashSet<String>, path: &Path, max_bytes: u64) -> Prepared {
    let (text, encoding) = match input::read_any(path, max_bytes) {
        Ok(t) => t,
        Err(e) => return Prepared::Failed(e.to_string()),
    };
    if known.contains(&hoptac_app::content_hash(&text)) {
        return Prepared::Known;
    }
    let (doc, record) = hoptac_app::prepare(extractor, &path.to_string_lossy(), text, encoding);
    let plan = Plan::of(&record);
    Prepared::New(Box::new((doc, record, plan)))
}

/// What became of one new document in the writer's transaction.
enum Stored {
    New(Outcome),
    /// The same content came twice in this run: stored the first time.
    Again,
    /// Could not be stored (said when it happened).
    Failed,
}

/// Store one new document and its facts in `tx`. An error leaves `tx` to be rolled back (or
/// back to a savepoint taken before).
fn store_document(
    tx: &mut dyn WriteTx,
    known: &mut Known,
    doc: &NewDocument,
    record: &ExtractRecord,
    plan: &Plan,
) -> hoptac_store::Result<Stored> {
    if tx.document_by_hash(&doc.hash)?.is_some() {
        return Ok(Stored::Again);
    }
    hoptac_store::ingest::ingest_planned(tx, known, doc, record, plan).map(Stored::New)
}

/// Runs of at least this many files read the stored documents' hashes first, to skip known
/// content before extracting it; below it, extracting a known document again costs less.
const PRELOAD_HASHES_FROM: usize = 2_000;

/// A bulk load: a run of at least [`PRELOAD_HASHES_FROM`] files that brings more files than the
/// store holds documents (a store's first load, or one that doubles it). The indexes that storing
/// never reads are then built once at the end instead of kept up row by row: building them over
/// the whole store costs less than keeping them over the run.
fn is_bulk(files: usize, stored: usize) -> bool {
    files >= PRELOAD_HASHES_FROM && files > stored
}

/// A document with more facts than this is stored in a transaction of its own.
const LARGE_DOCUMENT_FACTS: usize = 1000;

fn is_large(p: &Prepared) -> bool {
    match p {
        Prepared::New(b) => {
            let r = &b.1;
            r.events.len() + r.agreements.len() + r.figures.len() + r.people.len() > LARGE_DOCUMENT_FACTS
        }
        _ => false,
    }
}

/// Totals printed at the end.
#[derive(Debug, Default)]
struct Summary {
    new: usize,
    unchanged: usize,
    failed: usize,
    facts: IngestStats,
    bytes: u64,
}

/// Files are extracted in batches of this many while the previous batch is being stored.
const CHUNK: usize = 64;

/// A transaction of the writer takes at most this many documents, or this long.
const TX_DOCUMENTS: usize = 1024;
const TX_TIME: std::time::Duration = std::time::Duration::from_millis(1000);

/// Ingest files and directories quietly (the demo store of `hoptac serve --demo`).
pub fn ingest_paths(loc: &Location, paths: &[PathBuf], quiet: bool) -> Result<ExitCode> {
    run(loc, Args { paths: paths.to_vec(), max_bytes: DEFAULT_MAX_BYTES, quiet })
}

pub fn run(loc: &Location, args: Args) -> Result<ExitCode> {
    let started = std::time::Instant::now();
    let (files, walk_errors) = input::collect(&args.paths);
    let mut summary = Summary::default();
    for (path, reason) in &walk_errors {
        eprintln!("hoptac: error: {}: {reason}", path.display());
        summary.failed += 1;
    }

    let mut store = loc.open()?;
    let g = hoptac_extract::Gazetteer::builtin();
    let (version, places) = hoptac_app::places::store_places(g);
    store.sync_places(&version, &places)?;
    let index = SearchIndex::open_or_create(&loc.index_dir())?;
    // An index that follows the store's change log (PostgreSQL) is brought up to date from it
    // at the end; one the store marks (SQLite) takes each batch's documents as they are stored.
    let follows = store.latest_change()?.is_some();
    let caught_up = catch_up_store(g, &mut *store, &index, &loc.index_dir(), INDEX_WAIT)?;
    if caught_up > 0 {
        eprintln!("hoptac: indexed {caught_up} document(s) an earlier run had stored but not indexed");
    }

    // The content already stored is skipped before extraction; for a small run it is found by
    // the writer instead (the same answer: "unchanged"), which spares reading the hash of every
    // stored document (a million-document store: 0.4 s and 200 MB for a run of one file).
    let known: HashSet<String> = if files.len() >= PRELOAD_HASHES_FROM {
        store.reader().document_hashes()?.into_iter().collect()
    } else {
        HashSet::new()
    };
    let extractor = Extractor::new();
    let bar = if args.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(files.len() as u64)
    };
    bar.set_style(
        ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} documents ({per_sec}, {eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let mut indexer = if follows { None } else { Some(IndexThread::start(g, &index, INDEX_WAIT)?) };

    let max_bytes = args.max_bytes;
    // The documents whose entries the index has committed, marked indexed with the next
    // transaction's writes (in a commit of their own: 6% of the writer's time, by perf).
    let mut searchable: Vec<DocId> = Vec::new();
    let deferred = is_bulk(files.len(), known.len()) && store.defer_indexes()?;
    let loaded = std::thread::scope(|scope| -> Result<()> {
        let (tx, rx) = mpsc::sync_channel::<Vec<(&PathBuf, Prepared)>>(2);
        let (known, extractor) = (&known, &extractor);
        let files = &files;
        scope.spawn(move || {
            for chunk in files.chunks(CHUNK) {
                let prepared: Vec<(&PathBuf, Prepared)> =
                    chunk.par_iter().map(|p| (p, prepare(extractor, known, p, max_bytes))).collect();
                if tx.send(prepared).is_err() {
                    break; // the writer stopped
                }
            }
        });
        // Group commit: one transaction for up to TX_DOCUMENTS documents or TX_TIME. Documents
        // are stored one after another without a savepoint each (a savepoint journals every page
        // a document first touches); should one fail, the transaction is rolled back and its
        // documents stored again, each in a savepoint of its own, so the failure undoes only its
        // document and every document is stored whole or not at all. The index follows once
        // they are committed. Fewer commits write the pages many documents touch (the indexes'
        // upper levels) once instead of once per batch. A document with very many facts is
        // stored in a transaction of its own, after the others are committed: a slow one never
        // holds back the rest.
        let mut docs = rx.into_iter().flatten().peekable();
        // What the transactions read of the stored figures, kept while nobody else writes.
        let mut kept = Known::default();
        while docs.peek().is_some() {
            let mut batch: Vec<(&PathBuf, NewDocument, (ExtractRecord, Plan))> = Vec::new();
            let mut results: Vec<Stored> = Vec::new();
            if let Some(indexer) = indexer.as_ref() {
                searchable.extend(indexer.committed());
            }
            let mut tx = store.begin()?;
            kept.begin(tx.as_ref())?;
            tx.mark_indexed(&searchable)?;
            let began = std::time::Instant::now();
            let mut taken = 0usize;
            let mut spoilt = false;
            while let Some((path, prepared)) = docs.next_if(|(_, p)| taken == 0 || !is_large(p)) {
                taken += 1;
                let alone = is_large(&prepared);
                bar.inc(1);
                match prepared {
                    Prepared::Failed(reason) => {
                        bar.suspend(|| eprintln!("hoptac: error: {}: {reason}", path.display()));
                        summary.failed += 1;
                    }
                    Prepared::Known => summary.unchanged += 1,
                    Prepared::New(b) => {
                        let (doc, record, plan) = *b;
                        if !spoilt {
                            match store_document(tx.as_mut(), &mut kept, &doc, &record, &plan) {
                                Ok(stored) => results.push(stored),
                                Err(_) => spoilt = true,
                            }
                        }
                        batch.push((path, doc, (record, plan)));
                    }
                }
                if alone || taken >= TX_DOCUMENTS || began.elapsed() >= TX_TIME {
                    break;
                }
            }
            if spoilt {
                // Undo the whole transaction (the failed statement may have left it in any
                // state, or the database ended it) and store its documents again, each in a
                // savepoint: the failure then undoes only its own document.
                drop(tx);
                tx = store.begin()?;
                kept.forget();
                kept.begin(tx.as_ref())?;
                tx.mark_indexed(&searchable)?;
                results.clear();
                for (path, doc, (record, plan)) in &batch {
                    tx.savepoint()?;
                    match store_document(tx.as_mut(), &mut kept, doc, record, plan) {
                        Ok(stored) => {
                            tx.release()?;
                            results.push(stored);
                        }
                        Err(err) => {
                            tx.rollback_to_savepoint()?;
                            kept.forget();
                            bar.suspend(|| eprintln!("hoptac: error: {}: cannot store: {err}", path.display()));
                            results.push(Stored::Failed);
                        }
                    }
                }
            }
            tx.commit().context("cannot commit to the store")?;
            searchable.clear();
            // The records and their plans are freed on the extraction threads: freeing a batch's
            // records was 2% of the writer's time (perf), and the writer is the slowest stage.
            let (docs, records): (Vec<NewDocument>, Vec<(ExtractRecord, Plan)>) =
                batch.into_iter().map(|(_, doc, record)| (doc, record)).unzip();
            rayon::spawn(move || drop(records));
            for (doc, result) in docs.into_iter().zip(results) {
                match result {
                    Stored::New(outcome) => {
                        summary.new += 1;
                        summary.bytes += doc.text.len() as u64;
                        summary.facts += outcome.stats;
                        if let Some(indexer) = indexer.as_mut() {
                            indexer.add_ingested(store.reader(), doc, outcome)?;
                        }
                    }
                    Stored::Again => summary.unchanged += 1,
                    Stored::Failed => summary.failed += 1,
                }
            }
        }
        Ok(())
    });
    // Built whether or not the run went to its end (else the next writer to open the store
    // builds them): what was committed is searched by them.
    let restored = if deferred { store.restore_indexes().context("cannot build the store's indexes") } else { Ok(()) };
    loaded?;
    restored?;
    let indexed = match indexer {
        Some(indexer) => {
            let (indexed, last) = indexer.finish()?;
            searchable.extend(last);
            store.mark_indexed(&searchable, true)?;
            indexed
        }
        None => catch_up_store(g, &mut *store, &index, &loc.index_dir(), INDEX_WAIT)?,
    };
    bar.finish_and_clear();

    let secs = started.elapsed().as_secs_f64();
    println!(
        "{}: documents {} new, {} unchanged, {} failed; facts {} added, {} merged, {} result(s) linked to commitments; \
         {} document(s) indexed; {:.1} MB in {:.1} s",
        loc.display(),
        summary.new,
        summary.unchanged,
        summary.failed,
        summary.facts.added,
        summary.facts.merged,
        summary.facts.linked,
        indexed + caught_up,
        summary.bytes as f64 / 1e6,
        secs
    );
    Ok(if summary.failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bulk_load_is_a_large_run_that_brings_more_than_the_store_holds() {
        assert!(is_bulk(PRELOAD_HASHES_FROM, 0), "a store's first large load");
        assert!(is_bulk(50_000, 49_999));
        assert!(!is_bulk(50_000, 50_000), "a run no larger than the store keeps its indexes up");
        assert!(!is_bulk(PRELOAD_HASHES_FROM - 1, 0), "a small run (the store is not counted for it)");
    }
}
