//! `hoptac reindex`: rebuild the search index from the store.

use std::process::ExitCode;

use anyhow::Result;
use hoptac_app::backend::Location;
use hoptac_search::SearchIndex;

use hoptac_app::index::catch_up_store;

pub fn run(loc: &Location) -> Result<ExitCode> {
    if !loc.is_present() {
        anyhow::bail!("{}: no store here (run `hoptac ingest` first)", loc.display());
    }
    let mut store = loc.open()?;
    let (index, moved) = SearchIndex::recreate(&loc.index_dir())?;
    if let Some(aside) = moved {
        eprintln!(
            "hoptac: warning: {} was not a directory; it is kept as {}",
            loc.index_dir().display(),
            aside.display()
        );
    }
    store.mark_all_unindexed()?;
    hoptac_app::index::forget_cursor(&loc.index_dir());
    let n = catch_up_store(
        hoptac_extract::Gazetteer::builtin(),
        &mut *store,
        &index,
        &loc.index_dir(),
        std::time::Duration::from_secs(15),
    )?;
    index.reload()?;
    println!("{}: search index rebuilt: {n} document(s), {} entries", loc.display(), index.num_entries());
    Ok(ExitCode::SUCCESS)
}
