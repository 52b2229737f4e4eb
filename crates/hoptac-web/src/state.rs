//! What every request shares: the configuration, the catalogues, a pool of read-only store
//! connections, the one writer (local mode only), the search index and uploads awaiting
//! confirmation. Store and index work runs on the blocking pool, never on the async threads.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hoptac_core::ExtractRecord;
use hoptac_extract::{Extractor, Gazetteer};
use hoptac_search::SearchIndex;
use hoptac_sqlite::SqliteStore;
use hoptac_store::{NewDocument, Place, Store};

use crate::error::WebError;
use crate::i18n::Catalogs;

/// Who may write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Reads only; every write is refused (accounts come later).
    ReadOnly,
    /// Single-user local mode: one person on this machine; writes are theirs.
    Local { user: String },
}

#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub store: PathBuf,
    pub mode: Mode,
    /// Largest upload accepted, in bytes.
    pub upload_limit: usize,
}

/// An uploaded document read and extracted, waiting for the person to confirm it.
pub struct PendingUpload {
    pub doc: NewDocument,
    pub record: ExtractRecord,
    pub created: Instant,
}

/// Uploads not confirmed within this time are dropped.
pub const UPLOAD_TTL: Duration = Duration::from_secs(30 * 60);
/// At most this many uploads wait at once (the oldest is dropped).
const MAX_PENDING: usize = 32;
/// Read connections kept open between requests.
const POOL: usize = 16;
/// Rendered pages kept (per store generation).
const PAGE_CACHE: usize = 1024;

pub struct AppState {
    pub config: Config,
    pub catalogs: Catalogs,
    pub gazetteer: &'static Gazetteer,
    pub extractor: Extractor,
    pub index: SearchIndex,
    /// The gazetteer as the store holds it (names in three languages, successors).
    pub places: Vec<Place>,
    pub map: crate::svg::MapData,
    readers: Mutex<Vec<SqliteStore>>,
    /// A connection that only watches for commits (any process's), and the generation it counts.
    watch: Mutex<(SqliteStore, i64, u64)>,
    /// Rendered pages by key, valid for one generation of the store.
    pages: Mutex<(u64, HashMap<String, axum::body::Bytes>)>,
    /// Pages people looked at (key → URI and language): rendered ahead after each change.
    wanted: Mutex<HashMap<String, (String, crate::i18n::Lang)>>,
    writer: Option<Mutex<SqliteStore>>,
    uploads: Mutex<HashMap<String, PendingUpload>>,
    /// Store and index work in flight at once (eight per core): a flood of requests waits here
    /// instead of starting hundreds of blocking threads. (Two per core was measured slower: a
    /// request waiting on I/O holds its permit.)
    work: tokio::sync::Semaphore,
}

pub type Shared = Arc<AppState>;

impl AppState {
    /// Open the store (creating it in local mode), bring the places and the index up to date.
    pub fn open(config: Config) -> Result<AppState, String> {
        let g = Gazetteer::builtin();
        let (version, places) = hoptac_app::places::store_places(g);
        let index_dir = hoptac_app::index::index_dir(&config.store);
        // The watching connection is opened first in read-only mode: if the store is missing or
        // foreign, its error (which says what to do) comes before any about the index.
        let (writer, index, watcher) = match &config.mode {
            Mode::Local { .. } => {
                let mut store = SqliteStore::open(&config.store).map_err(|e| e.to_string())?;
                store.sync_places(&version, &places).map_err(|e| e.to_string())?;
                let index = SearchIndex::open_or_create(&index_dir).map_err(|e| e.to_string())?;
                hoptac_app::index::catch_up(g, &mut store, &index).map_err(|e| e.to_string())?;
                let watcher = SqliteStore::open_read_only(&config.store).map_err(|e| e.to_string())?;
                (Some(Mutex::new(store)), index, watcher)
            }
            // Read-only: the store and its index must exist already.
            Mode::ReadOnly => {
                let watcher = SqliteStore::open_read_only(&config.store).map_err(|e| e.to_string())?;
                (None, SearchIndex::open_read_only(&index_dir).map_err(|e| e.to_string())?, watcher)
            }
        };
        let first = SqliteStore::open_read_only(&config.store).map_err(|e| e.to_string())?;
        let version = watcher.data_version().map_err(|e| e.to_string())?;
        Ok(AppState {
            catalogs: Catalogs::load()?,
            gazetteer: g,
            extractor: Extractor::new(),
            index,
            places,
            map: crate::svg::MapData::builtin()?,
            readers: Mutex::new(vec![first]),
            watch: Mutex::new((watcher, version, 0)),
            pages: Mutex::new((0, HashMap::new())),
            wanted: Mutex::new(HashMap::new()),
            writer,
            uploads: Mutex::new(HashMap::new()),
            work: tokio::sync::Semaphore::new(8 * std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)),
            config,
        })
    }

    /// A number that changes whenever the store has changed (a commit by this server or by
    /// another process, such as `hoptac ingest`). Cheap: one pragma on a watching connection.
    pub fn generation(&self) -> Result<u64, WebError> {
        let mut w = self.watch.lock().map_err(WebError::internal)?;
        let v = w.0.data_version()?;
        if v != w.1 {
            w.1 = v;
            w.2 += 1;
            // Another process (`hoptac ingest`) may have indexed documents: see its commits.
            if let Err(e) = self.index.reload() {
                tracing::warn!(error = %e, "cannot reload the search index");
            }
        }
        Ok(w.2)
    }

    /// A page rendered for this generation of the store.
    pub fn cached_page(&self, key: &str, generation: u64) -> Option<axum::body::Bytes> {
        let pages = self.pages.lock().ok()?;
        if pages.0 != generation {
            return None;
        }
        pages.1.get(key).cloned()
    }

    /// Keep a rendered page for this generation (older generations are dropped; a page read at
    /// an older generation than the cache's is not kept).
    pub fn keep_page(&self, key: String, generation: u64, html: axum::body::Bytes) {
        if let Ok(mut pages) = self.pages.lock() {
            if generation < pages.0 {
                return;
            }
            if pages.0 != generation || pages.1.len() >= PAGE_CACHE {
                pages.1.clear();
                pages.0 = generation;
            }
            pages.1.insert(key, html);
        }
    }

    /// Note a page people look at (its URI and language) so that it is rendered again, in the
    /// background, after the store changes.
    pub fn remember_page(&self, key: &str, uri: &str, lang: crate::i18n::Lang) {
        if let Ok(mut wanted) = self.wanted.lock() {
            if wanted.len() < PAGE_CACHE && !wanted.contains_key(key) {
                wanted.insert(key.to_string(), (uri.to_string(), lang));
            }
        }
    }

    /// The pages to render ahead, by URI and language.
    pub fn wanted_pages(&self) -> Vec<(String, crate::i18n::Lang)> {
        let mut v: Vec<(String, crate::i18n::Lang)> =
            self.wanted.lock().map(|w| w.values().cloned().collect()).unwrap_or_default();
        v.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.code().cmp(b.1.code())));
        v
    }

    pub fn can_write(&self) -> bool {
        self.writer.is_some()
    }

    fn take_reader(&self) -> Result<SqliteStore, WebError> {
        if let Some(r) = self.readers.lock().map_err(WebError::internal)?.pop() {
            return Ok(r);
        }
        SqliteStore::open_read_only(&self.config.store).map_err(WebError::internal)
    }

    fn put_reader(&self, r: SqliteStore) {
        if let Ok(mut pool) = self.readers.lock() {
            if pool.len() < POOL {
                pool.push(r);
            }
        }
    }

    /// Run `f` with a read-only store connection on the blocking pool.
    pub async fn read<T, F>(self: &Arc<Self>, f: F) -> Result<T, WebError>
    where
        T: Send + 'static,
        F: FnOnce(&AppState, &SqliteStore) -> Result<T, WebError> + Send + 'static,
    {
        let _permit = self.work.acquire().await.map_err(WebError::internal)?;
        let st = self.clone();
        tokio::task::spawn_blocking(move || {
            let conn = st.take_reader()?;
            let out = f(&st, &conn);
            st.put_reader(conn);
            out
        })
        .await
        .map_err(WebError::internal)?
    }

    /// Run `f` on the blocking pool without a store connection (search).
    pub async fn blocking<T, F>(self: &Arc<Self>, f: F) -> Result<T, WebError>
    where
        T: Send + 'static,
        F: FnOnce(&AppState) -> Result<T, WebError> + Send + 'static,
    {
        let _permit = self.work.acquire().await.map_err(WebError::internal)?;
        let st = self.clone();
        tokio::task::spawn_blocking(move || f(&st)).await.map_err(WebError::internal)?
    }

    /// Run `f` with the writer on the blocking pool (one writer at a time).
    pub async fn write<T, F>(self: &Arc<Self>, f: F) -> Result<T, WebError>
    where
        T: Send + 'static,
        F: FnOnce(&AppState, &mut SqliteStore) -> Result<T, WebError> + Send + 'static,
    {
        let st = self.clone();
        tokio::task::spawn_blocking(move || {
            let writer = st.writer.as_ref().ok_or_else(WebError::writes_disabled)?;
            let mut store = writer.lock().map_err(WebError::internal)?;
            f(&st, &mut store)
        })
        .await
        .map_err(WebError::internal)?
    }

    /// Keep an upload until the person confirms it; returns its token.
    pub fn hold_upload(&self, doc: NewDocument, record: ExtractRecord) -> Result<String, WebError> {
        let token = crate::guard::random_token()?;
        let mut uploads = self.uploads.lock().map_err(WebError::internal)?;
        uploads.retain(|_, u| u.created.elapsed() < UPLOAD_TTL);
        if uploads.len() >= MAX_PENDING {
            if let Some(oldest) = uploads.iter().min_by_key(|(_, u)| u.created).map(|(k, _)| k.clone()) {
                uploads.remove(&oldest);
            }
        }
        uploads.insert(token.clone(), PendingUpload { doc, record, created: Instant::now() });
        Ok(token)
    }

    /// The upload of this token, if it has not expired (it stays held until taken).
    pub fn peek_upload<T>(&self, token: &str, f: impl FnOnce(&PendingUpload) -> T) -> Option<T> {
        let uploads = self.uploads.lock().ok()?;
        uploads.get(token).filter(|u| u.created.elapsed() < UPLOAD_TTL).map(f)
    }

    pub fn take_upload(&self, token: &str) -> Option<PendingUpload> {
        let mut uploads = self.uploads.lock().ok()?;
        uploads.remove(token).filter(|u| u.created.elapsed() < UPLOAD_TTL)
    }

    /// A place's name in a language (the Vietnamese name when the gazetteer lacks one).
    pub fn place_name(&self, id: &hoptac_core::PlaceId, lang: crate::i18n::Lang) -> String {
        let Some(p) = self.gazetteer.get(id.as_str()) else { return id.to_string() };
        let name = match lang {
            crate::i18n::Lang::Vi => &p.name_vi,
            crate::i18n::Lang::Lo => &p.name_lo,
            crate::i18n::Lang::En => &p.name_en,
        };
        if name.is_empty() {
            p.name_vi.clone()
        } else {
            name.clone()
        }
    }
}
