//! What every request shares: the configuration, the catalogues, a pool of read-only store
//! connections, the one writer (local mode only), the search index and uploads awaiting
//! confirmation. Store and index work runs on the blocking pool, never on the async threads.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hoptac_app::backend::Location;
use hoptac_core::ExtractRecord;
use hoptac_extract::{Extractor, Gazetteer};
use hoptac_search::SearchIndex;
use hoptac_store::Backend;
use hoptac_store::{NewDocument, Place};

use crate::error::WebError;
use crate::i18n::Catalogs;

/// Who may write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Reads only: every write and every sign-in is refused (a store on read-only media).
    ReadOnly,
    /// A shared server: people sign in, and what they may do follows their roles.
    Shared,
    /// Single-user local mode: one person on this machine; writes are theirs.
    Local { user: String },
}

#[derive(Debug, Clone)]
pub struct Config {
    pub addr: SocketAddr,
    pub store: Location,
    pub mode: Mode,
    /// Largest upload accepted, in bytes.
    pub upload_limit: usize,
    /// Host names (besides addresses and `localhost`) this server answers for.
    pub allowed_hosts: Vec<String>,
    /// Limits on connections and time (slow or idle clients, runaway requests).
    pub limits: Limits,
    /// Reading needs an account too (a shared server only).
    pub private: bool,
    /// A reverse proxy in front sets `X-Forwarded-For`: the client's address is its last entry.
    pub behind_proxy: bool,
}

/// How long and how many: what keeps slow or idle clients from holding the server.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Connections served at once; more are answered 503 and closed.
    pub connections: usize,
    /// Time for a client to send a request's headers (and to start the next on a kept-alive
    /// connection).
    pub header_timeout: Duration,
    /// Time for a request from its headers to its answer (reading its body included).
    pub request_timeout: Duration,
    /// After SIGTERM, time given to requests in flight before the process ends anyway.
    pub shutdown_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            connections: 512,
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            shutdown_timeout: Duration::from_secs(10),
        }
    }
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
/// Bytes of rendered pages kept (per store generation).
const PAGE_CACHE_BYTES: usize = 64 << 20;
/// Bytes of search answers kept (apart from pages: searches never push a page out).
const ANSWER_CACHE_BYTES: usize = 16 << 20;
/// Pages remembered to render again after a change.
const WANTED_PAGES: usize = 1024;

fn gzip_key(key: &str) -> String {
    format!("{key}\u{0}gzip")
}

/// The overview's counts as read at a store generation: (generation, (documents, facts),
/// facts awaiting review).
type KeptCounts = (u64, (usize, usize), usize);

/// `bytes` compressed with gzip, paid once per page and store generation. Level 2 (greedy
/// matching, no lazy search): a dossier page's answer is 31 KB rather than level 3's 29 KB, for
/// half the compression time, which was an eighth of a fresh dossier page's cost.
fn gzip(bytes: &[u8]) -> Option<axum::body::Bytes> {
    use std::io::Write;
    let mut enc =
        flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 6), flate2::Compression::new(FRESH_LEVEL));
    enc.write_all(bytes).ok()?;
    enc.finish().ok().map(axum::body::Bytes::from)
}

/// [`gzip`], with each of `parts` (the first place each is found in `bytes`, in order) compressed
/// once and reused for every page that carries it: the maps, most of a page's bytes, change only
/// with the partnerships. A gzip member may be made of deflate blocks compressed apart when each
/// run but the last ends on a byte boundary (a sync flush) and none refers back before its start
/// (each run is compressed from a fresh state). The checksum of a part is kept with it and
/// combined with the rest's, so a page's own bytes are the only ones read again.
fn gzip_with(bytes: &[u8], parts: &[&Arc<str>]) -> Option<axum::body::Bytes> {
    use flate2::FlushCompress;
    // The header flate2 writes: no name, no time, no flags; "unknown" operating system.
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];
    let mut crc = flate2::Crc::new();
    let mut rest = 0;
    let mut spliced = false;
    for part in parts.iter().filter(|p| !p.is_empty()) {
        let Some(at) = find(&bytes[rest..], part.as_bytes()).map(|i| rest + i) else { continue };
        let kept = deflated_part(part)?;
        if at > rest {
            out.extend_from_slice(&deflate(&bytes[rest..at], FlushCompress::Sync, FRESH_LEVEL)?);
            crc.update(&bytes[rest..at]);
        }
        out.extend_from_slice(&kept.deflated);
        crc.combine(&kept.crc);
        rest = at + part.len();
        spliced = true;
    }
    if !spliced {
        return gzip(bytes);
    }
    out.extend_from_slice(&deflate(&bytes[rest..], FlushCompress::Finish, FRESH_LEVEL)?);
    crc.update(&bytes[rest..]);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&crc.amount().to_le_bytes());
    Some(axum::body::Bytes::from(out))
}

/// Where `needle` first occurs in `hay`: found by its first bytes, then compared whole (a
/// searcher built for a needle of a hundred kilobytes costs more than compressing it).
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let head = &needle[..needle.len().min(64)];
    let finder = memchr::memmem::Finder::new(head);
    let mut from = 0;
    while let Some(i) = finder.find(&hay[from..]) {
        let at = from + i;
        if hay[at..].starts_with(needle) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// `data` as raw deflate at `level`, from a fresh state: ending on a byte boundary (`Sync`) or
/// with the final block (`Finish`).
fn deflate(data: &[u8], flush: flate2::FlushCompress, level: u32) -> Option<Vec<u8>> {
    let mut c = flate2::Compress::new(flate2::Compression::new(level), false);
    let mut out = Vec::with_capacity(data.len() / 4 + 64);
    loop {
        let read = c.total_in() as usize;
        let status = c.compress_vec(&data[read..], &mut out, flush).ok()?;
        let done = match flush {
            flate2::FlushCompress::Finish => status == flate2::Status::StreamEnd,
            // A flush is whole once it left room in the output.
            _ => c.total_in() as usize == data.len() && out.len() < out.capacity(),
        };
        if done {
            return Some(out);
        }
        out.reserve(out.capacity().max(64));
    }
}

/// The level of what is compressed for one page: [`gzip`]'s.
const FRESH_LEVEL: u32 = 2;
/// The level of a part compressed once for many pages: the best (a dossier's map, 69 KB: 25 KB
/// at level 2, 21 KB at 9, in 30 ms paid once per partnership and language).
const KEPT_LEVEL: u32 = 9;

/// A part of pages compressed once ([`gzip_with`]): its raw deflate run and its checksum.
struct DeflatedPart {
    deflated: Vec<u8>,
    crc: flate2::Crc,
}

/// [`DeflatedPart`]s by the part they were made from: the same allocation (the maps are shared,
/// not copied, from where they are drawn), so a page finds its map's run without hashing or
/// comparing its hundred kilobytes. The entry holds the part itself, so its address is not
/// reused by another text while the entry is there.
fn deflated_part(part: &Arc<str>) -> Option<Arc<DeflatedPart>> {
    type Parts = Mutex<HashMap<usize, (Arc<str>, Arc<DeflatedPart>)>>;
    static PARTS: std::sync::OnceLock<Parts> = std::sync::OnceLock::new();
    let parts = PARTS.get_or_init(Default::default);
    let address = Arc::as_ptr(part) as *const u8 as usize;
    if let Some((_, d)) = parts.lock().ok()?.get(&address).filter(|(p, _)| Arc::ptr_eq(p, part)) {
        return Some(d.clone());
    }
    let mut crc = flate2::Crc::new();
    crc.update(part.as_bytes());
    let d =
        Arc::new(DeflatedPart { deflated: deflate(part.as_bytes(), flate2::FlushCompress::Sync, KEPT_LEVEL)?, crc });
    if let Ok(mut m) = parts.lock() {
        if m.len() >= 1024 {
            m.clear(); // a bound, as for the maps themselves
        }
        m.insert(address, (part.clone(), d.clone()));
    }
    Some(d)
}

fn gunzip(gz: &[u8]) -> Option<axum::body::Bytes> {
    use std::io::Read;
    let mut out = Vec::with_capacity(gz.len() * 8);
    flate2::read::GzDecoder::new(gz).read_to_end(&mut out).ok()?;
    Some(axum::body::Bytes::from(out))
}

/// Rendered pages (or answers) by key for one generation of the store, bounded by their size:
/// when full, the oldest go first. A change of generation empties it. Each entry carries the
/// [`AppState::ticket`] taken when its read began, so that a request asking for a fresh page can
/// take one whose read began after it arrived.
pub struct PageCache {
    generation: u64,
    entries: HashMap<String, (axum::body::Bytes, u64)>,
    order: std::collections::VecDeque<String>,
    bytes: usize,
    limit: usize,
}

impl PageCache {
    pub fn new(limit: usize) -> Self {
        PageCache { generation: 0, entries: HashMap::new(), order: Default::default(), bytes: 0, limit }
    }

    pub fn get(&self, key: &str, generation: u64) -> Option<axum::body::Bytes> {
        self.get_since(key, generation, 0)
    }

    /// The entry for `key` at `generation` if its read began at ticket `since` or later.
    pub fn get_since(&self, key: &str, generation: u64, since: u64) -> Option<axum::body::Bytes> {
        if self.generation != generation {
            return None;
        }
        self.entries.get(key).filter(|(_, ticket)| *ticket >= since).map(|(v, _)| v.clone())
    }

    /// Keep a page read at `generation` (one read at an older generation than the cache's is
    /// not kept; one larger than the whole budget neither).
    pub fn put(&mut self, key: String, generation: u64, value: axum::body::Bytes) {
        self.put_ticketed(key, generation, 0, value)
    }

    /// [`PageCache::put`], for a read that began at `ticket`.
    pub fn put_ticketed(&mut self, key: String, generation: u64, ticket: u64, value: axum::body::Bytes) {
        let cost = key.len() + value.len();
        if generation < self.generation || cost > self.limit {
            return;
        }
        if generation != self.generation {
            self.entries.clear();
            self.order.clear();
            self.bytes = 0;
            self.generation = generation;
        }
        if let Some((old, _)) = self.entries.remove(&key) {
            self.bytes -= key.len() + old.len();
            self.order.retain(|k| k != &key);
        }
        while self.bytes + cost > self.limit {
            let Some(oldest) = self.order.pop_front() else { break };
            if let Some((v, _)) = self.entries.remove(&oldest) {
                self.bytes -= oldest.len() + v.len();
            }
        }
        self.bytes += cost;
        self.order.push_back(key.clone());
        self.entries.insert(key, (value, ticket));
    }

    /// Bytes held (keys and values).
    pub fn bytes(&self) -> usize {
        self.bytes
    }
}

pub struct AppState {
    pub config: Config,
    pub catalogs: Catalogs,
    pub gazetteer: &'static Gazetteer,
    pub extractor: Extractor,
    pub index: SearchIndex,
    /// The gazetteer as the store holds it (names in three languages, successors).
    pub places: Vec<Place>,
    pub map: &'static hoptac_report::svg::GeoMap,
    /// Where the index lives (it follows the store: see `hoptac_app::index::catch_up_store`).
    pub index_dir: std::path::PathBuf,
    /// Bumped each time the index took in changes: answers cached before then are stale even
    /// when the store has not changed since (another server's decision, indexed here later).
    index_epoch: std::sync::atomic::AtomicU64,
    /// The last write failed with an internal error: open the writer again before the next.
    writer_suspect: std::sync::atomic::AtomicBool,
    readers: Mutex<Vec<Box<dyn Backend>>>,
    /// A connection that only watches for commits (any process's), and the generation it counts.
    watch: Mutex<(Box<dyn Backend>, i64, u64, u64)>,
    /// Rendered pages by key, valid for one generation of the store.
    pages: Mutex<PageCache>,
    /// Search answers by their parameters, likewise.
    answers: Mutex<PageCache>,
    /// Pages people looked at (key → URI and language): rendered ahead after each change.
    wanted: Mutex<HashMap<String, (String, crate::i18n::Lang)>>,
    /// Counts requests and reads of pages ([`AppState::ticket`]).
    tickets: std::sync::atomic::AtomicU64,
    /// One render at a time per page key ([`AppState::render_turn`]); an entry lives while
    /// someone holds or waits for it.
    turns: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// The overview's summaries by partnership, each valid while its partnership's version is
    /// unchanged ([`crate::queries::summaries_kept`]).
    pub summaries: Mutex<crate::queries::KeptSummaries>,
    /// Dossiers as their pages show them, each valid while the versions it was read at hold
    /// ([`crate::queries::dossier_for_page`]).
    pub dossiers: Mutex<crate::queries::KeptDossiers>,
    /// The overview's counts (documents, facts; facts awaiting review) and the store generation
    /// they were read at ([`AppState::counts`]).
    counts: Mutex<Option<KeptCounts>>,
    writer: Option<Mutex<Box<dyn Backend>>>,
    uploads: Mutex<HashMap<String, PendingUpload>>,
    /// Store and index work in flight at once (eight per core): a flood of requests waits here
    /// instead of starting hundreds of blocking threads. (Two per core was measured slower: a
    /// request waiting on I/O holds its permit.)
    work: Arc<tokio::sync::Semaphore>,
    /// Uploads being decoded and extracted at once (one per core): CPU-bound work that runs on
    /// the blocking pool, never on the threads that answer requests.
    preparing: Arc<tokio::sync::Semaphore>,
}

pub type Shared = Arc<AppState>;

/// The right to render one page ([`AppState::render_turn`]), and the ticket its read began at.
pub struct RenderTurn {
    st: Shared,
    key: String,
    guard: Option<tokio::sync::OwnedMutexGuard<()>>,
    pub ticket: u64,
}

impl Drop for RenderTurn {
    fn drop(&mut self) {
        drop(self.guard.take());
        // The entry goes when no one else holds or waits for it (they clone it under this lock).
        if let Ok(mut turns) = self.st.turns.lock() {
            if turns.get(&self.key).is_some_and(|l| Arc::strong_count(l) == 1) {
                turns.remove(&self.key);
            }
        }
    }
}

fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)
}

/// An upload that could not be read as a document.
#[derive(Debug)]
pub enum UploadRefused {
    /// Larger than the server's upload limit (bytes).
    TooLarge(usize),
    /// Not a document this server reads (the reason names the file).
    Unreadable(String),
}

impl From<UploadRefused> for WebError {
    fn from(e: UploadRefused) -> Self {
        match e {
            UploadRefused::TooLarge(limit) => WebError::too_large(limit),
            UploadRefused::Unreadable(why) => {
                WebError::new(axum::http::StatusCode::UNPROCESSABLE_ENTITY, "unsupported_document", why)
            }
        }
    }
}

impl AppState {
    /// Open the store (creating it in local mode), bring the places and the index up to date.
    pub fn open(mut config: Config) -> Result<AppState, String> {
        let g = Gazetteer::builtin();
        let (version, places) = hoptac_app::places::store_places(g);
        let index_dir = config.store.index_dir();
        // The watching connection is opened first in read-only mode: if the store is missing or
        // foreign, its error (which says what to do) comes before any about the index.
        let (writer, index, watcher) = match config.mode.clone() {
            Mode::Local { .. } => {
                let mut store = config.store.open().map_err(|e| e.to_string())?;
                store.sync_places(&version, &places).map_err(|e| e.to_string())?;
                let index = SearchIndex::open_or_create(&index_dir).map_err(|e| e.to_string())?;
                hoptac_app::index::catch_up_store(g, &mut *store, &index, &index_dir, Duration::ZERO)
                    .map_err(|e| e.to_string())?;
                index.reload().map_err(|e| e.to_string())?;
                let watcher = config.store.open_read_only().map_err(|e| e.to_string())?;
                (Some(Mutex::new(store)), index, watcher)
            }
            // A shared server writes (sessions, decisions) when the store can be written; on
            // read-only media it serves reads only, and says so.
            Mode::Shared => {
                config.store.open_read_only().map_err(|e| e.to_string())?;
                let opened = config.store.open().map_err(|e| e.to_string()).and_then(|mut store| {
                    store.sync_places(&version, &places).map_err(|e| e.to_string())?;
                    let index = SearchIndex::open_or_create(&index_dir).map_err(|e| e.to_string())?;
                    hoptac_app::index::catch_up_store(g, &mut *store, &index, &index_dir, Duration::ZERO)
                        .map_err(|e| e.to_string())?;
                    index.reload().map_err(|e| e.to_string())?;
                    index.reload().map_err(|e| e.to_string())?;
                    Ok((store, index))
                });
                match opened {
                    Ok((store, index)) => {
                        let watcher = config.store.open_read_only().map_err(|e| e.to_string())?;
                        (Some(Mutex::new(store)), index, watcher)
                    }
                    Err(why) => {
                        tracing::warn!(reason = %why, "the store cannot be written: serving reads only (no sign-in, no changes)");
                        config.mode = Mode::ReadOnly;
                        let watcher = config.store.open_read_only().map_err(|e| e.to_string())?;
                        (None, SearchIndex::open_read_only(&index_dir).map_err(|e| e.to_string())?, watcher)
                    }
                }
            }
            // Read-only: the store and its index must exist already.
            Mode::ReadOnly => {
                let watcher = config.store.open_read_only().map_err(|e| e.to_string())?;
                (None, SearchIndex::open_read_only(&index_dir).map_err(|e| e.to_string())?, watcher)
            }
        };
        let first = config.store.open_read_only().map_err(|e| e.to_string())?;
        let version = watcher.generation().map_err(|e| e.to_string())?;
        Ok(AppState {
            catalogs: Catalogs::load()?,
            gazetteer: g,
            extractor: Extractor::new(),
            index,
            places,
            map: hoptac_report::geo()?,
            index_dir,
            index_epoch: std::sync::atomic::AtomicU64::new(0),
            writer_suspect: std::sync::atomic::AtomicBool::new(false),
            readers: Mutex::new(vec![first]),
            watch: Mutex::new((watcher, version, 0, 0)),
            pages: Mutex::new(PageCache::new(PAGE_CACHE_BYTES)),
            answers: Mutex::new(PageCache::new(ANSWER_CACHE_BYTES)),
            wanted: Mutex::new(HashMap::new()),
            tickets: std::sync::atomic::AtomicU64::new(1),
            turns: Mutex::new(HashMap::new()),
            summaries: Mutex::new(Default::default()),
            dossiers: Mutex::new(Default::default()),
            counts: Mutex::new(None),
            writer,
            uploads: Mutex::new(HashMap::new()),
            work: Arc::new(tokio::sync::Semaphore::new(8 * cores())),
            preparing: Arc::new(tokio::sync::Semaphore::new(cores())),
            config,
        })
    }

    /// A number that changes whenever the store has changed (a commit by this server or by
    /// another process, such as `hoptac ingest`). Cheap: one pragma on a watching connection.
    pub fn generation(&self) -> Result<u64, WebError> {
        let mut w = self.watch.lock().map_err(WebError::internal)?;
        if w.0.is_broken() {
            w.0 = self.config.store.open_read_only().map_err(WebError::from)?;
        }
        let v = match w.0.generation() {
            Ok(v) => v,
            Err(_) => {
                // Lost, perhaps (the database restarted): ask a new connection once.
                w.0 = self.config.store.open_read_only().map_err(WebError::from)?;
                w.0.generation()?
            }
        };
        let epoch = self.index_epoch.load(std::sync::atomic::Ordering::SeqCst);
        if v != w.1 || epoch != w.3 {
            w.1 = v;
            w.3 = epoch;
            w.2 += 1;
            // Another process (`hoptac ingest`) may have indexed documents: see its commits.
            if let Err(e) = self.index.reload() {
                tracing::warn!(error = %e, "cannot reload the search index");
            }
        }
        Ok(w.2)
    }

    /// How many documents and facts the store holds, and how many facts await review: read
    /// again only when the store's generation moved since they were (counting walks whole
    /// indexes). The generation is read before the counts, so counts are never kept under a
    /// generation later than theirs.
    pub fn counts(&self, reader: &dyn hoptac_store::Reader) -> Result<((usize, usize), usize), WebError> {
        let generation = self.generation()?;
        if let Some((g, stored, pending)) = self.counts.lock().ok().and_then(|c| *c) {
            if g == generation {
                return Ok((stored, pending));
            }
        }
        let (stored, pending) = (reader.document_and_fact_counts()?, reader.pending_reviews(None)?);
        if let Ok(mut c) = self.counts.lock() {
            if c.is_none_or(|(g, _, _)| g <= generation) {
                *c = Some((generation, stored, pending));
            }
        }
        Ok((stored, pending))
    }

    /// A page rendered for this generation of the store from a read that began at ticket
    /// `since` or later (0: any).
    pub fn cached_page(&self, key: &str, generation: u64, since: u64) -> Option<axum::body::Bytes> {
        let gz = {
            let pages = self.pages.lock().ok()?;
            if let Some(html) = pages.get_since(key, generation, since) {
                return Some(html);
            }
            pages.get_since(&gzip_key(key), generation, since)?
        };
        gunzip(&gz)
    }

    /// The page compressed with gzip, for a client that accepts it.
    pub fn cached_page_gzip(&self, key: &str, generation: u64, since: u64) -> Option<axum::body::Bytes> {
        self.pages.lock().ok()?.get_since(&gzip_key(key), generation, since)
    }

    /// A number larger than every one given before: taken when a request for a page arrives and
    /// when a read for a page begins.
    pub fn ticket(&self) -> u64 {
        self.tickets.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    }

    /// Wait until no one else renders the page `key`, then hold that right until the
    /// [`RenderTurn`] is dropped. Requests for a page that arrive while it is being rendered
    /// wait for that render instead of each rendering it again (after a change, or when every
    /// visitor asks for a fresh page): the first of them renders once more if the page they
    /// found began before they arrived, and the rest take that.
    pub async fn render_turn(self: &Arc<Self>, key: &str) -> RenderTurn {
        let lock = match self.turns.lock() {
            Ok(mut turns) => Some(turns.entry(key.to_string()).or_default().clone()),
            Err(_) => None,
        };
        let guard = match lock {
            Some(l) => Some(l.lock_owned().await),
            None => None,
        };
        RenderTurn { st: self.clone(), key: key.to_string(), guard, ticket: self.ticket() }
    }

    /// Keep a rendered page for this generation (older generations are dropped), compressed:
    /// a cached page costs nothing to send to a browser, an eighth of the memory to keep, and
    /// is inflated for the rare client that takes no gzip.
    /// Returns the compressed page (to send to a client that takes gzip).
    pub fn keep_page(
        &self,
        key: String,
        generation: u64,
        ticket: u64,
        html: axum::body::Bytes,
        parts: &[&Arc<str>],
    ) -> Option<axum::body::Bytes> {
        let gzipped = gzip_with(&html, parts);
        if let Ok(mut pages) = self.pages.lock() {
            match &gzipped {
                Some(gz) => pages.put_ticketed(gzip_key(&key), generation, ticket, gz.clone()),
                None => pages.put_ticketed(key, generation, ticket, html),
            }
        }
        gzipped
    }

    /// A search answer given for this generation of the store.
    pub fn cached_answer(&self, key: &str, generation: u64) -> Option<axum::body::Bytes> {
        self.answers.lock().ok()?.get(key, generation)
    }

    pub fn keep_answer(&self, key: String, generation: u64, body: axum::body::Bytes) {
        if let Ok(mut answers) = self.answers.lock() {
            answers.put(key, generation, body);
        }
    }

    /// Note a page people look at (its URI and language) so that it is rendered again, in the
    /// background, after the store changes.
    pub fn remember_page(&self, key: &str, uri: &str, lang: crate::i18n::Lang) {
        if let Ok(mut wanted) = self.wanted.lock() {
            if wanted.len() < WANTED_PAGES && !wanted.contains_key(key) {
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

    /// Bring the index up to date with the store (by its marks, or its change log), then let
    /// searches see it. Returns how many documents were indexed.
    pub fn catch_up_index(&self, store: &mut dyn Backend) -> Result<usize, hoptac_app::AppError> {
        let n = hoptac_app::index::catch_up_store(self.gazetteer, store, &self.index, &self.index_dir, Duration::ZERO)?;
        if n > 0 {
            self.index.reload()?;
            self.index_epoch.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        Ok(n)
    }

    pub fn can_write(&self) -> bool {
        self.writer.is_some()
    }

    /// People sign in here (a shared server whose store can be written).
    pub fn has_accounts(&self) -> bool {
        self.config.mode == Mode::Shared && self.writer.is_some()
    }

    fn take_reader(&self) -> Result<Box<dyn Backend>, WebError> {
        if let Some(r) = self.readers.lock().map_err(WebError::internal)?.pop() {
            return Ok(r);
        }
        self.config.store.open_read_only().map_err(WebError::internal)
    }

    /// Run `f` on a read-only connection of the pool, on this (blocking) thread; a connection
    /// whose work failed is not kept (it may be one the database dropped).
    pub fn with_reader<T, E>(&self, f: impl FnOnce(&dyn Backend) -> Result<T, E>) -> Result<Result<T, E>, WebError> {
        let conn = self.take_reader()?;
        let out = f(&*conn);
        if out.is_ok() {
            self.put_reader(conn);
        }
        Ok(out)
    }

    fn put_reader(&self, r: Box<dyn Backend>) {
        // A connection the database dropped (it restarted) is not kept: the next request opens
        // another.
        if r.is_broken() {
            tracing::warn!("a store connection was lost: opening another for the next request");
            return;
        }
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
        F: FnOnce(&AppState, &(dyn Backend + 'static)) -> Result<T, WebError> + Send + 'static,
    {
        // The permit goes with the work: a request that gives up at its deadline does not free
        // a place while its work still runs.
        let permit = self.work.clone().acquire_owned().await.map_err(WebError::internal)?;
        let st = self.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let conn = st.take_reader()?;
            let out = f(&st, &*conn);
            // A connection that failed with an internal error may be one the database dropped
            // (before the driver noticed): it is not used again.
            if out.as_ref().is_err_and(|e| e.status.is_server_error()) {
                // The database may have dropped every connection (a restart): those kept are
                // suspect too; new ones are opened as requests need them.
                if let Ok(mut pool) = st.readers.lock() {
                    pool.clear();
                }
            } else {
                st.put_reader(conn);
            }
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
        let permit = self.work.clone().acquire_owned().await.map_err(WebError::internal)?;
        let st = self.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            f(&st)
        })
        .await
        .map_err(WebError::internal)?
    }

    /// Run `f` with the writer on the blocking pool (one writer at a time).
    pub async fn write<T, F>(self: &Arc<Self>, f: F) -> Result<T, WebError>
    where
        T: Send + 'static,
        F: FnOnce(&AppState, &mut (dyn Backend + 'static)) -> Result<T, WebError> + Send + 'static,
    {
        let st = self.clone();
        tokio::task::spawn_blocking(move || {
            let writer = st.writer.as_ref().ok_or_else(WebError::writes_disabled)?;
            let mut store = writer.lock().map_err(WebError::internal)?;
            if store.is_broken() || st.writer_suspect.swap(false, std::sync::atomic::Ordering::SeqCst) {
                tracing::warn!("the writer's connection may be lost: opening another");
                *store = st.config.store.open().map_err(WebError::from)?;
            }
            let out = f(&st, &mut **store);
            if out.as_ref().is_err_and(|e| e.status.is_server_error()) {
                st.writer_suspect.store(true, std::sync::atomic::Ordering::SeqCst);
            }
            out
        })
        .await
        .map_err(WebError::internal)?
    }

    /// The body of an upload, at most the upload limit (with `slack` for a form's framing). A
    /// body over the limit is read to its end and dropped before the answer goes out: a server
    /// that answers 413 and closes with unread bytes makes the client's system reset the
    /// connection, and the client often never sees the answer. (The request deadline bounds how
    /// long a client can keep sending.)
    pub async fn read_upload_body(&self, body: axum::body::Body, slack: usize) -> Result<axum::body::Bytes, WebError> {
        use http_body_util::BodyExt;
        let limit = self.config.upload_limit + slack;
        let mut body = body;
        let mut kept = Vec::new();
        let mut over = false;
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| WebError::bad_request(format!("the upload was cut short: {e}")))?;
            let Ok(chunk) = frame.into_data() else { continue };
            if over || kept.len() + chunk.len() > limit {
                over = true;
                kept = Vec::new();
                continue;
            }
            kept.extend_from_slice(&chunk);
        }
        if over {
            return Err(WebError::too_large(self.config.upload_limit));
        }
        Ok(kept.into())
    }

    /// Decode and extract an uploaded file on the blocking pool, a bounded number at a time.
    pub async fn prepare_upload(
        self: &Arc<Self>,
        name: String,
        bytes: axum::body::Bytes,
    ) -> Result<Result<(NewDocument, ExtractRecord), UploadRefused>, WebError> {
        let limit = self.config.upload_limit;
        if bytes.len() > limit {
            return Ok(Err(UploadRefused::TooLarge(limit)));
        }
        let permit = self.preparing.clone().acquire_owned().await.map_err(WebError::internal)?;
        let st = self.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let (text, encoding) = match hoptac_app::input::read_bytes(&name, &bytes, limit as u64) {
                Ok(x) => x,
                Err(e) => return Ok(Err(UploadRefused::Unreadable(format!("{name}: {e}")))),
            };
            Ok(Ok(hoptac_app::prepare(&st.extractor, &format!("upload:{name}"), text, encoding)))
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
        hoptac_i18n::labels::place_name(self.gazetteer, id, lang)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(n: usize) -> axum::body::Bytes {
        axum::body::Bytes::from(vec![b'x'; n])
    }

    #[test]
    fn a_page_compressed_with_parts_done_once_decompresses_whole() {
        // A map-like part (long, repetitive, unlike the rest) in a page of varied text.
        let map: String = (0..3000).map(|i| format!("l{} {}", i % 97, -(i % 31))).collect::<Vec<_>>().join(" ");
        let map: Arc<str> = format!("<svg><path d=\"M1 2{map}Z\"/></svg>").into();
        let chart: Arc<str> = "<svg class=\"chart\"><rect width=\"4\"/></svg>".into();
        let (absent, empty): (Arc<str>, Arc<str>) = ("absent".into(), "".into());
        let text = |n: usize| (0..n).map(|i| format!("<li>Hội nghị lần thứ {i} tại Xê Kông</li>")).collect::<String>();
        let html = format!("<html>{}{map}{}{chart}{}</html>", text(300), text(5), text(50));
        let plain = gzip(html.as_bytes()).unwrap();
        for parts in [vec![&map], vec![&map, &chart], vec![&absent, &map, &empty], vec![]] {
            let gz = gzip_with(html.as_bytes(), &parts).unwrap();
            assert_eq!(gunzip(&gz).unwrap(), html.as_bytes(), "{} parts", parts.len());
            // Any gzip reader takes it: the header and trailer are the standard ones.
            assert_eq!(gz[..10], plain[..10]);
            assert!(gz.len() < html.len() / 3, "still compressed: {} of {}", gz.len(), html.len());
        }
        // The part's compressed form is the same bytes in every page that carries it.
        let part = deflated_part(&map).unwrap();
        assert!(Arc::ptr_eq(&part, &deflated_part(&map).unwrap()), "compressed once");
        for page in [format!("a{map}b"), map.to_string(), format!("{}{map}{}", text(3), text(2))] {
            let gz = gzip_with(page.as_bytes(), &[&map]).unwrap();
            assert_eq!(gunzip(&gz).unwrap(), page.as_bytes());
            assert!(memchr::memmem::find(&gz, &part.deflated).is_some());
        }
        // The same text in another allocation is compressed for itself, and still right.
        let copy: Arc<str> = map.to_string().into();
        let gz = gzip_with(format!("x{copy}y").as_bytes(), &[&copy]).unwrap();
        assert_eq!(gunzip(&gz).unwrap(), format!("x{map}y").as_bytes());
        assert!(!Arc::ptr_eq(&part, &deflated_part(&copy).unwrap()));
        // A page that ends with its part, or is nothing else, and an empty page.
        assert_eq!(gunzip(&gzip_with(b"", &[&map]).unwrap()).unwrap(), b"".as_slice());
    }

    #[test]
    fn pages_are_kept_compressed_and_come_back_whole() {
        let html = "<p>Hội nghị lần thứ XVIII — ກອງປະຊຸມ</p>".repeat(500);
        let gz = gzip(html.as_bytes()).unwrap();
        assert!(gz.len() * 10 < html.len(), "{} → {}", html.len(), gz.len());
        assert_eq!(gunzip(&gz).unwrap(), html.as_bytes());
        assert!(gunzip(b"not gzip").is_none());
    }

    #[test]
    fn the_page_cache_is_bounded_by_bytes_and_keeps_the_newest() {
        let mut c = PageCache::new(10_000);
        for i in 0..100 {
            c.put(format!("/p/{i}"), 1, page(1_000));
            assert!(c.bytes() <= 10_000, "{} bytes held", c.bytes());
        }
        assert!(c.get("/p/99", 1).is_some(), "the newest stays");
        assert!(c.get("/p/0", 1).is_none(), "the oldest went");
        // The same key again replaces, it does not count twice.
        let before = c.bytes();
        c.put("/p/99".into(), 1, page(1_000));
        assert_eq!(c.bytes(), before);
        // Larger than the budget: not kept, nothing else lost.
        c.put("/huge".into(), 1, page(20_000));
        assert!(c.get("/huge", 1).is_none() && c.get("/p/99", 1).is_some());
        // Another generation: empty; an older one is not kept.
        assert!(c.get("/p/99", 2).is_none());
        c.put("/a".into(), 2, page(10));
        c.put("/b".into(), 1, page(10));
        assert!(c.get("/a", 2).is_some() && c.get("/b", 1).is_none() && c.get("/b", 2).is_none());
        assert_eq!(c.bytes(), 2 + 10);
    }

    #[test]
    fn a_page_asked_fresh_is_taken_only_from_a_read_that_began_after_the_request() {
        let mut c = PageCache::new(10_000);
        c.put_ticketed("/".into(), 3, 7, page(10));
        assert!(c.get("/", 3).is_some());
        assert!(c.get_since("/", 3, 7).is_some(), "read began at the request's ticket");
        assert!(c.get_since("/", 3, 8).is_none(), "read began before the request");
        assert!(c.get_since("/", 4, 0).is_none(), "another generation");
        // Answers kept without a ticket count as the oldest read.
        c.put("/a".into(), 3, page(10));
        assert!(c.get("/a", 3).is_some() && c.get_since("/a", 3, 1).is_none());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn renders_of_one_page_take_turns_and_their_tickets_follow_the_order() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config {
            addr: "127.0.0.1:0".parse().unwrap(),
            store: Location::file(&dir.path().join("t.db")),
            mode: Mode::Local { user: "test".into() },
            upload_limit: 1 << 20,
            allowed_hosts: Vec::new(),
            limits: Limits::default(),
            private: false,
            behind_proxy: false,
        };
        let st = Arc::new(AppState::open(config).unwrap());
        let first = st.render_turn("/").await;
        let arrived = st.ticket();
        assert!(arrived > first.ticket);
        let (st2, st3) = (st.clone(), st.clone());
        let second = tokio::spawn(async move { st2.render_turn("/").await.ticket });
        // Another page is not held up by this one.
        let other = tokio::time::timeout(Duration::from_secs(5), st3.render_turn("/partnerships/1")).await;
        assert!(other.is_ok());
        drop(other);
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!second.is_finished(), "a second render of the page waits for the first");
        drop(first);
        let ticket = tokio::time::timeout(Duration::from_secs(5), second).await.unwrap().unwrap();
        assert!(ticket > arrived, "its read begins after every request that waited for it");
        assert!(st.turns.lock().unwrap().is_empty(), "no turn is kept once no one holds it");
    }
}
