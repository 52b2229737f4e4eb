//! `hoptac reindex`: rebuild the search index from the store.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use hoptac_search::SearchIndex;
use hoptac_sqlite::SqliteStore;
use hoptac_store::Store;

use hoptac_app::index::{catch_up_waiting, index_dir};

pub fn run(store_path: &Path) -> Result<ExitCode> {
    if !store_path.is_file() {
        anyhow::bail!("{}: no store here (run `hoptac ingest` first)", store_path.display());
    }
    let mut store = SqliteStore::open(store_path)?;
    let (index, moved) = SearchIndex::recreate(&index_dir(store_path))?;
    if let Some(aside) = moved {
        eprintln!(
            "hoptac: warning: {} was not a directory; it is kept as {}",
            index_dir(store_path).display(),
            aside.display()
        );
    }
    store.mark_all_unindexed()?;
    let n =
        catch_up_waiting(hoptac_extract::Gazetteer::builtin(), &mut store, &index, std::time::Duration::from_secs(15))?;
    index.reload()?;
    println!("{}: search index rebuilt: {n} document(s), {} entries", store_path.display(), index.num_entries());
    Ok(ExitCode::SUCCESS)
}
