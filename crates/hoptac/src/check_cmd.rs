//! `hoptac check`: every check that can be made of a store and its index, and what to do about
//! each problem found. Reads only.

use std::process::ExitCode;

use anyhow::Result;
use hoptac_search::SearchIndex;
use hoptac_sqlite::SqliteStore;

use hoptac_app::backend::Location;

/// One line of the report: what was checked, and the problem with what to do, if any.
fn report(what: &str, problem: Option<String>) -> bool {
    match &problem {
        None => println!("ok       {what}"),
        Some(p) => println!("PROBLEM  {what}: {p}"),
    }
    problem.is_none()
}

/// The problem with a count of rows that break an invariant, if any.
fn none_counted(count: hoptac_store::Result<i64>, problem: impl FnOnce(i64) -> String) -> Option<String> {
    match count {
        Ok(0) => None,
        Ok(n) => Some(problem(n)),
        Err(e) => Some(e.to_string()),
    }
}

const RESTORE: &str = "restore the store from a backup (the damaged file is no safe base for new writes)";

pub fn run(loc: &Location) -> Result<ExitCode> {
    if !loc.is_present() {
        anyhow::bail!("{}: no store here (run `hoptac ingest` first)", loc.display());
    }
    let mut sound = true;
    let store = match loc.open_read_only() {
        Ok(s) => s,
        Err(e) => {
            report("store opens", Some(format!("{e}; {RESTORE}")));
            return Ok(ExitCode::from(1));
        }
    };
    // SQLite's own checks of the file; a PostgreSQL server keeps its pages itself (and its
    // foreign keys are enforced as rows are written).
    if let Some(path) = loc.file_path() {
        let file = SqliteStore::open_read_only(path)?;
        sound &=
            report("store: pages and indexes (integrity_check)", file.integrity_check().err().map(|e| e.to_string()));
        sound &= report(
            "store: references between rows (foreign_key_check)",
            match file.foreign_key_problems() {
                Ok(p) if p.is_empty() => None,
                Ok(p) => Some(format!("rows pointing nowhere in {}; {RESTORE}", p.join(", "))),
                Err(e) => Some(e.to_string()),
            },
        );
    }
    sound &= report(
        "store: every extracted fact has its evidence",
        none_counted(store.facts_without_evidence(), |n| format!("{n} fact(s) without a source sentence; {RESTORE}")),
    );
    sound &= report(
        "store: every source sentence lies in its document's text",
        none_counted(store.sentences_outside_documents(), |n| {
            format!("{n} source sentence(s) point outside their document's text; {RESTORE}")
        }),
    );
    let dir = loc.index_dir();
    let rebuild = "run `hoptac reindex` (the index is rebuilt from the store; nothing is lost)";
    match SearchIndex::open_read_only(&dir) {
        Err(e) => sound &= report("search index opens", Some(format!("{e}; {rebuild}"))),
        Ok(index) => {
            sound &= report(
                "search index: file checksums",
                match index.damaged_files() {
                    Ok(bad) if bad.is_empty() => None,
                    Ok(bad) => Some(format!("damaged: {}; {rebuild}", bad.join(", "))),
                    Err(e) => Some(format!("{e}; {rebuild}")),
                },
            );
            let total = store.counts()?.documents as u64;
            let in_index = index.num_documents()?;
            match hoptac_app::index::changes_behind(&*store, &dir)? {
                // An index that follows the change log: every document once, behind by what
                // the store changed since it last caught up.
                Some(behind) => {
                    sound &= report(
                        &format!("search index: documents ({in_index} indexed of {total} stored)"),
                        (in_index > total).then(|| format!("the index holds more documents than the store; {rebuild}")),
                    );
                    if behind > 0 {
                        println!("note     {behind} change(s) wait to be indexed (the next ingest, a server or `hoptac reindex` does it)");
                    }
                }
                None => {
                    let unindexed = store.unindexed_documents()?.len() as u64;
                    sound &= report(
                        &format!("search index: documents ({in_index} indexed of {total} stored)"),
                        (in_index != total - unindexed).then(|| {
                            format!(
                                "the store marks {} indexed, the index holds {in_index}; {rebuild}",
                                total - unindexed
                            )
                        }),
                    );
                    if unindexed > 0 {
                        println!("note     {unindexed} document(s) wait to be indexed (the next ingest, a server or `hoptac reindex` does it)");
                    }
                }
            }
        }
    }
    Ok(if sound { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
