//! The embedded SQLite backend: one file, versioned migrations (`migrations/*.sql`), WAL
//! journaling, one transaction per document. Implements the repository traits of `hoptac-store`.
//!
//! Opening checks that the file is a hoptac store (its `application_id`), refuses a store from a
//! newer hoptac, and maps "not a database" and corruption to [`StoreError::NotAStore`]. A store
//! opened with [`SqliteStore::open_read_only`] cannot write (read-only connection, `query_only`).

mod accounts;
mod rows;
mod transfer;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use hoptac_core::{AgreementKind, EventKind, FigureKind, PartialDate, PlaceId, Unit};
use hoptac_store::model::*;
use hoptac_store::{Reader, Result, Store, StoreError, WriteTx};
use rusqlite::{params, params_from_iter, Connection, OpenFlags, OptionalExtension, Transaction};
use rusqlite_migration::{Migrations, M};

use rows::*;

/// `application_id` of a hoptac store ("hopt").
pub const APPLICATION_ID: i64 = 0x686f_7074;

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("../migrations/0001_initial.sql")),
        M::up(include_str!("../migrations/0002_candidate_indexes.sql")),
        M::up(include_str!("../migrations/0003_drop_partnership_kind_index.sql")),
        M::up(include_str!("../migrations/0004_reviews.sql")),
        M::up(include_str!("../migrations/0005_evidence_by_document_and_type.sql")),
        M::up(include_str!("../migrations/0006_confidence.sql")),
        M::up(include_str!("../migrations/0007_events_by_date.sql")),
        M::up(include_str!("../migrations/0008_accounts.sql")),
        M::up(include_str!("../migrations/0009_per_year.sql")),
        M::up(include_str!("../migrations/0010_evidence_by_fact_with_documents.sql")),
        M::up(include_str!("../migrations/0011_evidence_by_document_type_with_facts.sql")),
        M::up(include_str!("../migrations/0012_partnership_versions.sql")),
        M::up(include_str!("../migrations/0013_decided_facts.sql")),
        M::up(include_str!("../migrations/0014_evidence_and_people_versions.sql")),
        M::up(include_str!("../migrations/0015_agreements_by_signed_date.sql")),
        M::up(include_str!("../migrations/0016_fact_inserts_counted_at_commit.sql")),
        M::up(include_str!("../migrations/0017_sentences_as_ranges.sql")),
        M::up(include_str!("../migrations/0018_unsigned_agreements_by_period.sql")),
        M::up(include_str!("../migrations/0019_drop_pending_by_id.sql")),
    ])
}

/// The schema version this build writes.
pub fn schema_version() -> i64 {
    MIGRATION_COUNT
}

/// How many migrations [`migrations`] lists (a test keeps the two equal).
const MIGRATION_COUNT: i64 = 19;

/// The page size of a new store. A document's text (2 KB on average, often more) fills a 4 KB
/// page alone or spills to overflow pages, and every page a transaction changes is one write to
/// the WAL: 20,000 generated documents ingested with 16 KB pages wrote 800 MB where 4 KB pages
/// wrote 922 MB (in 4.20–4.69 s against 4.86–5.12 s) into a file of 93 MB instead of 107 MB; a
/// dossier read from it took no longer.
const PAGE_SIZE: i64 = 16_384;

pub struct SqliteStore {
    conn: Connection,
    path: PathBuf,
    writable: bool,
}

/// A writer leaves the file in rollback-journal mode: WAL (fast per-document commits) is used
/// while it writes; afterwards the file stands alone, and read-only openers create no `-wal` or
/// `-shm` files beside it. If another connection is still open the switch is skipped.
impl Drop for SqliteStore {
    fn drop(&mut self) {
        if self.writable {
            let mode = self.conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get::<_, String>(0));
            if mode.is_ok_and(|m| m.eq_ignore_ascii_case("delete")) {
                seal(&self.path);
            }
        }
    }
}

/// A file beside the store, named as SQLite names its own (`STORE-wal`, `STORE-shm`).
fn beside(store: &Path, suffix: &str) -> PathBuf {
    let mut name = store.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

/// The file beside a store that says how its last writer left it ([`seal`]).
fn seal_path(store: &Path) -> PathBuf {
    beside(store, "-closed")
}

/// What tells a store file changed: its size, inode, modification and change times, and the
/// change counter SQLite keeps in its header (raised by every write transaction outside WAL).
/// `None` while a write-ahead log beside it holds anything (a writer is open, or one stopped
/// before its log was merged) or where the platform gives no inode and change time.
fn fingerprint(store: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::io::Read;
        use std::os::unix::fs::MetadataExt;
        if std::fs::metadata(beside(store, "-wal")).is_ok_and(|m| m.len() > 0) {
            return None;
        }
        let m = std::fs::metadata(store).ok()?;
        let mut header = [0u8; 28];
        std::fs::File::open(store).ok()?.read_exact(&mut header).ok()?;
        let counter = u32::from_be_bytes([header[24], header[25], header[26], header[27]]);
        Some(format!(
            "hoptac store closed: size {} inode {}:{} modified {}.{:09} changed {}.{:09} counter {counter}\n",
            m.len(),
            m.dev(),
            m.ino(),
            m.mtime(),
            m.mtime_nsec(),
            m.ctime(),
            m.ctime_nsec()
        ))
    }
    #[cfg(not(unix))]
    {
        let _ = store;
        None
    }
}

/// Record how a writer that closed cleanly (its log merged into the file) left the store, so
/// that the next writer need not check every page of a file no one touched since
/// ([`checked_when_closed`]). Best effort: without it, the next writer checks the file.
fn seal(store: &Path) {
    if let Some(print) = fingerprint(store) {
        let _ = std::fs::write(seal_path(store), print);
    }
}

/// Is the store exactly as a writer that checked it left it when it closed? Then its pages
/// were sound when that writer closed and nothing has written to the file since. The seal is
/// removed either way: the writer opening it now will change the file.
fn checked_when_closed(store: &Path) -> bool {
    let sealed = std::fs::read_to_string(seal_path(store)).ok();
    let _ = std::fs::remove_file(seal_path(store));
    sealed.is_some_and(|s| fingerprint(store).is_some_and(|now| now == s))
}

/// Turn a driver error into a store error, naming corruption for what it is.
pub(crate) fn db_error(path: &Path, e: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode;
    if let rusqlite::Error::SqliteFailure(f, _) = &e {
        match f.code {
            ErrorCode::NotADatabase => {
                return StoreError::NotAStore {
                    path: path.display().to_string(),
                    reason: "the file is not an SQLite database (corrupt, or another format)".into(),
                }
            }
            ErrorCode::DatabaseCorrupt => {
                return StoreError::Damaged { path: path.display().to_string(), reason: e.to_string() }
            }
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => {
                return StoreError::Busy(format!("{}: {e}", path.display()));
            }
            ErrorCode::DiskFull => {
                return StoreError::Backend(format!(
                    "{}: the disk is full: nothing of the unfinished write was kept; free some space and run again",
                    path.display()
                ));
            }
            _ => {}
        }
    }
    StoreError::Backend(format!("{}: {e}", path.display()))
}

impl SqliteStore {
    /// Open the store at `path` for writing, creating it when absent and bringing its schema up
    /// to date.
    pub fn open(path: &Path) -> Result<Self> {
        // Two processes opening a new store at once both try to create its schema: the one that
        // finds the file locked waits and tries again (the other's work is then already done).
        let mut waited = std::time::Duration::ZERO;
        loop {
            match Self::open_once(path) {
                Err(StoreError::Busy(_)) if waited < BUSY_WAIT => {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                    waited += std::time::Duration::from_millis(50);
                }
                other => return other,
            }
        }
    }

    fn open_once(path: &Path) -> Result<Self> {
        let fresh = !path.exists() || std::fs::metadata(path).map(|m| m.len() == 0).unwrap_or(false);
        let mut conn = Connection::open(path).map_err(|err| db_error(path, err))?;
        conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(|err| db_error(path, err))?;
        if !fresh {
            check(&conn, path, true)?;
            // Every page of the file is read unless it is as a writer left it after checking
            // it (a million-document store: 11 s of a one-document ingest).
            if !checked_when_closed(path) {
                quick_check(&conn, path)?;
            }
        }
        let busy = |err: rusqlite::Error| db_error(path, err);
        if !fresh {
            // A bulk load that stopped before its end left indexes to build: built now, by the
            // statements of the schema they were dropped from (before any migration).
            restore_deferred(&mut conn, path)?;
        }
        if fresh {
            // before the first table and the WAL: an existing store keeps the size it has
            conn.pragma_update(None, "page_size", PAGE_SIZE).map_err(|err| db_error(path, err))?;
        }
        conn.pragma_update(None, "journal_mode", "WAL").map_err(busy)?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(|err| db_error(path, err))?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(|err| db_error(path, err))?;
        conn.set_prepared_statement_cache_capacity(128);
        // Checkpoint the WAL every ~64 MB rather than every 4 MB: fewer copies and syncs. The
        // setting counts pages: 64 MB of the store's own (16 KB pages make 4,096; a store made
        // with 4 KB pages, 16,384).
        let page: i64 = conn.pragma_query_value(None, "page_size", |r| r.get(0)).map_err(|err| db_error(path, err))?;
        conn.pragma_update(None, "wal_autocheckpoint", (64 << 20) / page.max(512))
            .map_err(|err| db_error(path, err))?;
        // A writer touches index pages all over a large store: keep up to 32 MB of them cached
        // (SQLite's default is 2 MB) and read the file through a memory map. (128 MB cost 90 MB
        // more peak memory in a 20,000-document ingest and was no faster: the map serves reads.)
        conn.pragma_update(None, "cache_size", -32_768).map_err(|err| db_error(path, err))?;
        conn.pragma_update(None, "mmap_size", 1i64 << 30).map_err(|err| db_error(path, err))?;
        // A document stored in a savepoint (when ingest stores a transaction again after one of
        // its documents failed) journals the pages it changes: in memory, not a temporary file.
        conn.pragma_update(None, "temp_store", "MEMORY").map_err(|err| db_error(path, err))?;
        // Migrations run in transactions that take the write lock at once; if another process
        // migrated the file between our reading its version and our migrating, ours fails on
        // what it finds done: that is "busy", and the retry finds nothing left to do.
        let version = |c: &Connection| c.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0)).ok();
        let before = version(&conn);
        conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
        let migrated = migrations().to_latest(&mut conn);
        if migrated.is_err() && version(&conn) != before {
            return Err(StoreError::Busy(format!(
                "{}: another process set the store up at the same time",
                path.display()
            )));
        }
        migrated.map_err(|err| match err {
            rusqlite_migration::Error::RusqliteError { err, .. } => busy(err),
            other => StoreError::Backend(format!("{}: migration failed: {other}", path.display())),
        })?;
        Ok(SqliteStore { conn, path: path.to_path_buf(), writable: true })
    }

    /// Open an existing store for reading only. Never creates, migrates or writes the file.
    pub fn open_read_only(path: &Path) -> Result<Self> {
        if !path.is_file() {
            return Err(StoreError::Missing { path: path.display().to_string() });
        }
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(|err| db_error(path, err))?;
        conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(|err| db_error(path, err))?;
        check(&conn, path, false)?;
        conn.pragma_update(None, "query_only", "ON").map_err(|err| db_error(path, err))?;
        conn.set_prepared_statement_cache_capacity(128);
        // Reads go through a memory map (no copy into SQLite's cache, nothing written); pages
        // beyond the map's first GB are kept in a cache of up to 128 MB (SQLite's default is 2 MB).
        // (No WAL checkpoint settings: a connection that never commits never checkpoints.)
        conn.pragma_update(None, "mmap_size", 1i64 << 30).map_err(|err| db_error(path, err))?;
        conn.pragma_update(None, "cache_size", -131_072).map_err(|err| db_error(path, err))?;
        Ok(SqliteStore { conn, path: path.to_path_buf(), writable: false })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// SQLite's data version: it changes when another connection has committed since this one
    /// last asked (a cheap way to know the store changed).
    pub fn data_version(&self) -> Result<i64> {
        self.conn.pragma_query_value(None, "data_version", |r| r.get(0)).map_err(|err| db_error(&self.path, err))
    }

    /// Copy the store, while others read and write it, into a new file at `to` (SQLite's online
    /// backup: pages are copied a batch at a time; writes made meanwhile are copied too). The copy
    /// is written beside `to` first and moved into place when whole.
    /// Run `f` with this connection's reads held to one state of the store (a read
    /// transaction): what other connections commit meanwhile is not seen. A backup made inside
    /// copies that state, so checks read inside compare the copy with what it copied.
    pub fn in_snapshot<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Self) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let begin = self
            .conn
            .execute_batch("BEGIN DEFERRED")
            // the state is the one the first read finds
            .and_then(|()| self.conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0)));
        if let Err(err) = begin {
            let _ = self.conn.execute_batch("ROLLBACK");
            return Err(db_error(&self.path, err).into());
        }
        let out = f(self);
        // reads only: nothing to keep or undo
        let end = self.conn.execute_batch("COMMIT");
        let out = out?;
        end.map_err(|err| db_error(&self.path, err))?;
        Ok(out)
    }

    pub fn backup_to(&self, to: &Path, progress: impl Fn(usize, usize)) -> Result<()> {
        let tmp = to.with_extension("backup-partial");
        let _ = std::fs::remove_file(&tmp);
        let io = |err: std::io::Error| StoreError::Backend(format!("{}: {err}", to.display()));
        {
            let mut dst = Connection::open(&tmp).map_err(|err| db_error(&tmp, err))?;
            {
                let backup = rusqlite::backup::Backup::new(&self.conn, &mut dst).map_err(|err| db_error(&tmp, err))?;
                loop {
                    let step = backup.step(1024).map_err(|err| db_error(&tmp, err))?;
                    let p = backup.progress();
                    progress((p.pagecount - p.remaining) as usize, p.pagecount as usize);
                    match step {
                        rusqlite::backup::StepResult::Done => break,
                        rusqlite::backup::StepResult::More => {}
                        _ => std::thread::sleep(std::time::Duration::from_millis(50)),
                    }
                }
            }
            dst.pragma_update(None, "journal_mode", "DELETE").map_err(|err| db_error(&tmp, err))?;
            quick_check(&dst, &tmp)?;
        }
        std::fs::rename(&tmp, to).map_err(io)
    }

    /// Run SQLite's integrity check; `Ok(())` when the file is sound.
    pub fn integrity_check(&self) -> Result<()> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check").map_err(|err| db_error(&self.path, err))?;
        let rows: Vec<String> =
            stmt.query_map([], |r| r.get(0)).and_then(|r| r.collect()).map_err(|err| db_error(&self.path, err))?;
        if rows == ["ok"] {
            Ok(())
        } else {
            Err(StoreError::Damaged {
                path: self.path.display().to_string(),
                reason: rows.join("; ").replace('\n', "; "),
            })
        }
    }

    /// Rows whose references point nowhere (SQLite's foreign key check), as "table (n rows)".
    pub fn foreign_key_problems(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("PRAGMA foreign_key_check").map_err(|err| db_error(&self.path, err))?;
        let tables: Vec<String> =
            stmt.query_map([], |r| r.get(0)).and_then(|r| r.collect()).map_err(|err| db_error(&self.path, err))?;
        let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
        for t in tables {
            *counts.entry(t).or_default() += 1;
        }
        Ok(counts.into_iter().map(|(t, n)| format!("{t} ({n} rows)")).collect())
    }

    /// Facts with no evidence, other than those a person entered by hand (the store's invariant
    /// says there are none).
    pub fn facts_without_evidence(&self) -> Result<i64> {
        let sql = "SELECT
              (SELECT count(*) FROM events x WHERE x.review <> 'manual' AND NOT EXISTS (SELECT 1 FROM evidence v WHERE v.fact_type='event' AND v.fact_id=x.id))
            + (SELECT count(*) FROM agreements x WHERE x.review <> 'manual' AND NOT EXISTS (SELECT 1 FROM evidence v WHERE v.fact_type='agreement' AND v.fact_id=x.id))
            + (SELECT count(*) FROM figures x WHERE x.review <> 'manual' AND NOT EXISTS (SELECT 1 FROM evidence v WHERE v.fact_type='figure' AND v.fact_id=x.id))
            + (SELECT count(*) FROM people x WHERE NOT EXISTS (SELECT 1 FROM evidence v WHERE v.fact_type='person' AND v.fact_id=x.id))";
        self.conn.query_row(sql, [], |r| r.get(0)).map_err(|err| db_error(&self.path, err))
    }

    /// Evidence rows whose kept sentence range is not a piece of their document's text: out of
    /// it, reversed, or starting or ending inside a character (a UTF-8 continuation byte).
    pub fn sentences_outside_documents(&self) -> Result<i64> {
        let sql = "SELECT count(*) FROM evidence v JOIN documents d ON d.id = v.document_id
            WHERE v.sentence_start IS NOT NULL AND (
                v.sentence_end IS NULL OR v.sentence_start < 0 OR v.sentence_end < v.sentence_start
                OR v.sentence_end > length(CAST(d.text AS BLOB))
                OR hex(substr(CAST(d.text AS BLOB), v.sentence_start + 1, 1)) BETWEEN '80' AND 'BF'
                OR hex(substr(CAST(d.text AS BLOB), v.sentence_end + 1, 1)) BETWEEN '80' AND 'BF')";
        self.conn.query_row(sql, [], |r| r.get(0)).map_err(|err| db_error(&self.path, err))
    }
}

/// How long an opener waits for another process's schema work before giving up.
const BUSY_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// SQLite's quick check (page structure, no index contents): run when a store is opened for
/// writing, so that nothing is written into a damaged file.
fn quick_check(conn: &Connection, path: &Path) -> Result<()> {
    let first: String = conn.query_row("PRAGMA quick_check(1)", [], |r| r.get(0)).map_err(|err| db_error(path, err))?;
    if first == "ok" {
        return Ok(());
    }
    Err(StoreError::Damaged {
        path: path.display().to_string(),
        reason: format!("{}; nothing was written", first.replace('\n', "; ")),
    })
}

/// Is this file a hoptac store this build can use?
fn check(conn: &Connection, path: &Path, writable: bool) -> Result<()> {
    let not = |reason: String| StoreError::NotAStore { path: path.display().to_string(), reason };
    let app: i64 = conn.pragma_query_value(None, "application_id", |r| r.get(0)).map_err(|err| db_error(path, err))?;
    let version: i64 =
        conn.pragma_query_value(None, "user_version", |r| r.get(0)).map_err(|err| db_error(path, err))?;
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table'", [], |r| r.get(0))
        .map_err(|err| db_error(path, err))?;
    if app != APPLICATION_ID {
        if app == 0 && version == 0 && tables == 0 && writable {
            return Ok(()); // an empty SQLite file: becomes a store
        }
        return Err(not(format!("another program's SQLite database (application_id {app}, {tables} tables)")));
    }
    if version > schema_version() {
        return Err(StoreError::NewerSchema {
            path: path.display().to_string(),
            found: version,
            known: schema_version(),
        });
    }
    if version < schema_version() && !writable {
        return Err(StoreError::OlderSchema {
            path: path.display().to_string(),
            found: version,
            known: schema_version(),
        });
    }
    Ok(())
}

/// The facts of every partnership that no person rejected, read through the table once in id
/// order (for the overview; partnership by partnership would be an index seek and a row seek for
/// each fact).
const STANDING: &str = "WHERE partnership_id IS NOT NULL AND review <> 'rejected' ORDER BY id";

macro_rules! impl_reader {
    ($ty:ty, $conn:ident) => {
        impl Reader for $ty {
            fn counts(&self) -> Result<Counts> {
                counts(&self.$conn)
            }
            fn document_and_fact_counts(&self) -> Result<(usize, usize)> {
                let sql = "SELECT (SELECT count(*) FROM documents),
                    (SELECT count(*) FROM events) + (SELECT count(*) FROM agreements) + (SELECT count(*) FROM figures)";
                self.$conn
                    .prepare_cached(sql)
                    .and_then(|mut s| s.query_row([], |r| Ok((r.get::<_, i64>(0)? as usize, r.get::<_, i64>(1)? as usize))))
                    .map_err(e)
            }
            fn document_by_hash(&self, hash: &str) -> Result<Option<DocId>> {
                self.$conn
                    .prepare_cached("SELECT id FROM documents WHERE hash = ?1")
                    .and_then(|mut s| s.query_row([hash], |r| r.get(0)).optional())
                    .map_err(e)
            }
            fn document_hashes(&self) -> Result<Vec<String>> {
                query(&self.$conn, "SELECT hash FROM documents", [], |r| r.get(0))
            }
            fn document(&self, id: DocId) -> Result<Option<Document>> {
                document(&self.$conn, id)
            }
            fn document_summaries(&self, ids: &[DocId]) -> Result<Vec<DocumentSummary>> {
                document_summaries(&self.$conn, ids)
            }
            fn document_articles(&self, ids: &[DocId]) -> Result<Vec<(DocId, String)>> {
                document_articles(&self.$conn, ids)
            }
            fn document_ids(&self) -> Result<Vec<DocId>> {
                ids(&self.$conn, "SELECT id FROM documents ORDER BY id")
            }
            fn unindexed_documents(&self) -> Result<Vec<DocId>> {
                ids(&self.$conn, "SELECT id FROM documents WHERE indexed = 0 ORDER BY id")
            }
            fn places(&self) -> Result<Vec<Place>> {
                places(&self.$conn)
            }
            fn partnerships(&self) -> Result<Vec<Partnership>> {
                partnerships(&self.$conn)
            }
            fn events(&self, partnerships: &[PartnershipId]) -> Result<Vec<StoredEvent>> {
                by_ids(&self.$conn, EVENT_SELECT, "partnership_id", partnerships, event_row)
            }
            fn agreements(&self, partnerships: &[PartnershipId]) -> Result<Vec<StoredAgreement>> {
                by_ids(&self.$conn, AGREEMENT_SELECT, "partnership_id", partnerships, agreement_row)
            }
            fn figures(&self, partnerships: &[PartnershipId]) -> Result<Vec<StoredFigure>> {
                by_ids(&self.$conn, FIGURE_SELECT, "partnership_id", partnerships, figure_row)
            }
            fn events_by_id(&self, ids: &[FactId]) -> Result<Vec<StoredEvent>> {
                by_ids(&self.$conn, EVENT_SELECT, "id", ids, event_row)
            }
            fn agreements_by_id(&self, ids: &[FactId]) -> Result<Vec<StoredAgreement>> {
                by_ids(&self.$conn, AGREEMENT_SELECT, "id", ids, agreement_row)
            }
            fn figures_by_id(&self, ids: &[FactId]) -> Result<Vec<StoredFigure>> {
                by_ids(&self.$conn, FIGURE_SELECT, "id", ids, figure_row)
            }
            fn people_by_id(&self, ids: &[FactId]) -> Result<Vec<StoredPerson>> {
                by_ids(&self.$conn, PERSON_SELECT, "id", ids, person_row)
            }
            fn planned_events(&self) -> Result<Vec<StoredEvent>> {
                query(&self.$conn, &format!("{EVENT_SELECT} WHERE status = 'planned' ORDER BY id"), [], event_row)
            }
            fn standing_events(&self) -> Result<Vec<StoredEvent>> {
                query(&self.$conn, &format!("{EVENT_SELECT} {STANDING}"), [], event_row)
            }
            fn agreement_tallies(&self) -> Result<Vec<AgreementTally>> {
                agreement_tallies(&self.$conn)
            }
            fn standing_figures(&self) -> Result<Vec<StoredFigure>> {
                query(&self.$conn, &format!("{FIGURE_SELECT} {STANDING}"), [], figure_row)
            }
            fn partnership_versions(&self) -> Result<Option<Vec<(PartnershipId, i64)>>> {
                query(&self.$conn, "SELECT partnership_id, version FROM partnership_versions", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .map(Some)
            }
            fn people_version(&self) -> Result<Option<i64>> {
                self.$conn
                    .prepare_cached("SELECT coalesce((SELECT version FROM store_versions WHERE name = 'people'), 0)")
                    .and_then(|mut s| s.query_row([], |r| r.get(0)))
                    .map(Some)
                    .map_err(e)
            }
            fn figures_of_kind(&self, kind: FigureKind) -> Result<Vec<StoredFigure>> {
                query(
                    &self.$conn,
                    &format!("{FIGURE_SELECT} WHERE kind = ?1 ORDER BY id"),
                    [enum_str(&kind).map_err(e)?],
                    figure_row,
                )
            }
            fn evidence(&self, fact_type: FactType, ids: &[FactId]) -> Result<Vec<Evidence>> {
                let sql = format!("{EVIDENCE_SELECT} WHERE fact_type = '{}' AND", fact_type.as_str());
                with_sentences(&self.$conn, by_ids(&self.$conn, &sql, "fact_id", ids, evidence_row)?)
            }
            fn evidence_page(&self, fact_type: FactType, id: FactId, offset: usize, limit: usize) -> Result<(Vec<Evidence>, usize)> {
                let key = rusqlite::params![fact_type.as_str(), id];
                let total: Vec<i64> =
                    query(&self.$conn, "SELECT count(*) FROM evidence WHERE fact_type = ?1 AND fact_id = ?2", key, |r| r.get(0))?;
                // Through the index of facts, whose rows of one fact are in recording order.
                let sql = format!("{EVIDENCE_SELECT} WHERE fact_type = ?1 AND fact_id = ?2 ORDER BY id LIMIT ?3 OFFSET ?4");
                let (limit, offset) = (i64::try_from(limit).unwrap_or(i64::MAX), i64::try_from(offset).unwrap_or(i64::MAX));
                let rows = query(&self.$conn, &sql, rusqlite::params![fact_type.as_str(), id, limit, offset], evidence_row)?;
                Ok((with_sentences(&self.$conn, rows)?, total.first().copied().unwrap_or(0) as usize))
            }
            fn evidence_digest(&self, fact_type: FactType, ids: &[FactId], first: usize) -> Result<EvidenceDigest> {
                // One pass in the index's order (fact, then recording order): no sort, no
                // temporary table; a sentence read only for a fact's first rows, a claim read as
                // text and parsed only when new to its fact.
                let sql = format!(
                    "SELECT fact_id, document_id, span_start, span_end, claim, sentence, sentence_start, sentence_end
                     FROM evidence WHERE fact_type = '{}' AND",
                    fact_type.as_str()
                );
                let mut b = DigestBuilder::new(first);
                by_ids_then(&self.$conn, &sql, "fact_id", ids, " ORDER BY fact_id, id", |r| {
                    let (fact_id, document): (FactId, DocId) = (r.get(0)?, r.get(1)?);
                    b.claim(fact_id, document, r.get_ref(4)?.as_str()?, |t| {
                        serde_json::from_str(t).map_err(|err| bad(4, err.to_string()))
                    })?;
                    if b.wants_source(fact_id) {
                        b.show(Evidence {
                            fact_type,
                            fact_id,
                            document,
                            span: hoptac_core::Span::new(r.get::<_, i64>(2)? as usize, r.get::<_, i64>(3)? as usize),
                            sentence: r.get(5)?,
                            sentence_at: sentence_range(r, 6)?,
                            claim: serde_json::Value::Null,
                        });
                    }
                    Ok(())
                })?;
                let mut digest = b.finish();
                digest.first = with_sentences(&self.$conn, digest.first)?;
                Ok(digest)
            }
            fn documents_of(&self, fact_type: FactType, ids: &[FactId]) -> Result<Vec<DocId>> {
                // From the index of facts alone (it carries the document).
                let sql = format!("SELECT document_id FROM evidence WHERE fact_type = '{}' AND", fact_type.as_str());
                by_ids(&self.$conn, &sql, "fact_id", ids, |r| r.get(0))
            }
            fn evidence_of_document(&self, doc: DocId) -> Result<Vec<Evidence>> {
                query(
                    &self.$conn,
                    &format!("{EVIDENCE_SELECT} WHERE document_id = ?1 ORDER BY id"),
                    [doc],
                    evidence_row,
                )
                .and_then(|rows| with_sentences(&self.$conn, rows))
            }
            fn people_evidence_in(&self, docs: &[DocId]) -> Result<Vec<Evidence>> {
                // By document (a dossier's documents are few next to all the people's evidence).
                let sql = format!("{EVIDENCE_SELECT} {PEOPLE_BY_DOCUMENT}");
                with_sentences(&self.$conn, by_ids(&self.$conn, &sql, "document_id", docs, evidence_row)?)
            }
            fn people_sources_in(&self, docs: &[DocId], first: usize) -> Result<PeopleSources> {
                // Two passes, no claim parsed: the index alone (it carries each row's person)
                // says which rows are a person's first few and how many each has; then only
                // those rows are read, by id.
                let sql = PEOPLE_SOURCES_BY_DOCUMENT;
                let mut counts = FirstSources::new(first);
                let mut wanted: Vec<i64> = Vec::new();
                by_ids(&self.$conn, sql, "document_id", docs, |r| {
                    let (id, fact_id): (i64, FactId) = (r.get(0)?, r.get(1)?);
                    if counts.take(fact_id) {
                        wanted.push(id);
                    }
                    Ok(())
                })?;
                let sql = "SELECT id, fact_id, document_id, span_start, span_end, sentence, sentence_start, sentence_end FROM evidence";
                let mut rows: std::collections::HashMap<i64, Evidence> = by_ids(&self.$conn, sql, "id", &wanted, |r| {
                    Ok((
                        r.get(0)?,
                        Evidence {
                            fact_type: FactType::Person,
                            fact_id: r.get(1)?,
                            document: r.get(2)?,
                            span: hoptac_core::Span::new(r.get::<_, i64>(3)? as usize, r.get::<_, i64>(4)? as usize),
                            sentence: r.get(5)?,
                            sentence_at: sentence_range(r, 6)?,
                            claim: serde_json::Value::Null,
                        },
                    ))
                })?
                .into_iter()
                .collect();
                // in the order the first pass met them: by document, then as recorded
                let shown = wanted.iter().filter_map(|id| rows.remove(id)).collect();
                Ok((with_sentences(&self.$conn, shown)?, counts.totals()))
            }
            fn roles(&self, people: &[FactId]) -> Result<Vec<Role>> {
                by_ids(&self.$conn, ROLE_SELECT, "person_id", people, role_row)
            }
            fn rejected(&self, fact_type: FactType) -> Result<Vec<FactId>> {
                ids(&self.$conn, &format!("SELECT id FROM {} WHERE review = 'rejected'", fact_table(fact_type)?))
            }
            fn review_states(&self, fact_type: FactType, ids: &[FactId]) -> Result<Vec<(FactId, ReviewState)>> {
                let sql = format!("SELECT id, review FROM {}", fact_table(fact_type)?);
                by_ids(&self.$conn, &sql, "id", ids, review_state_row)
            }
            fn review_queue(&self, limit: usize, within: Option<&[PartnershipId]>) -> Result<Vec<(FactType, FactId)>> {
                // the least certain first: each table's top by its index, then the three merged
                let Some(within) = within else {
                    return query(&self.$conn, REVIEW_QUEUE, [limit as i64], queue_row);
                };
                // A reviewer's partnerships: few, so the pending facts of each are read by partnership.
                let ids = serde_json::to_string(within).map_err(|err| StoreError::Backend(err.to_string()))?;
                let sql = "SELECT t, id FROM (
                      SELECT 'event' AS t, id, coalesce(confidence, 1.0) AS c FROM events
                        WHERE review = 'pending' AND partnership_id IN (SELECT value FROM json_each(?2))
                      UNION ALL SELECT 'agreement', id, coalesce(confidence, 1.0) FROM agreements
                        WHERE review = 'pending' AND partnership_id IN (SELECT value FROM json_each(?2))
                      UNION ALL SELECT 'figure', id, coalesce(confidence, 1.0) FROM figures
                        WHERE review = 'pending' AND partnership_id IN (SELECT value FROM json_each(?2)))
                    ORDER BY c, t, id LIMIT ?1";
                query(&self.$conn, sql, params![limit as i64, ids], queue_row)
            }
            fn pending_reviews(&self, within: Option<&[PartnershipId]>) -> Result<usize> {
                let Some(within) = within else {
                    // All less the decided (few, and indexed apart: migration 13).
                    let sql = "SELECT (SELECT count(*) FROM events) - (SELECT count(*) FROM events WHERE review <> 'pending')
                        + (SELECT count(*) FROM agreements) - (SELECT count(*) FROM agreements WHERE review <> 'pending')
                        + (SELECT count(*) FROM figures) - (SELECT count(*) FROM figures WHERE review <> 'pending')";
                    return self.$conn.query_row(sql, [], |r| r.get::<_, i64>(0)).map(|n| n as usize).map_err(e);
                };
                let ids = serde_json::to_string(within).map_err(|err| StoreError::Backend(err.to_string()))?;
                let sql = "SELECT (SELECT count(*) FROM events WHERE review = 'pending' AND partnership_id IN (SELECT value FROM json_each(?1)))
                    + (SELECT count(*) FROM agreements WHERE review = 'pending' AND partnership_id IN (SELECT value FROM json_each(?1)))
                    + (SELECT count(*) FROM figures WHERE review = 'pending' AND partnership_id IN (SELECT value FROM json_each(?1)))";
                self.$conn.query_row(sql, [ids], |r| r.get::<_, i64>(0)).map(|n| n as usize).map_err(e)
            }
            fn review_log(&self, fact_type: FactType, id: FactId) -> Result<Vec<ReviewEntry>> {
                query(
                    &self.$conn,
                    &format!("{REVIEW_SELECT} WHERE fact_type = ?1 AND fact_id = ?2 ORDER BY id"),
                    params![fact_type.as_str(), id],
                    review_row,
                )
            }
        }
    };
}

impl_reader!(SqliteStore, conn);

/// Statements a transaction runs again and again (ingest: a dozen, hundreds of thousands of
/// times), kept prepared for as long as it lasts and found by the address of their text — each
/// is a `'static` string, so an address and length name one text. The connection's own cache
/// hashes a statement's whole text when it is taken and again when it is given back: a tenth of
/// the writer's statement work.
struct Kept<'c> {
    conn: &'c Connection,
    statements: std::cell::RefCell<Vec<(usize, usize, rusqlite::Statement<'c>)>>,
}

impl<'c> Kept<'c> {
    /// Run `f` on the statement of `sql`, prepared the first time it is asked for.
    fn with<T>(
        &self,
        sql: &'static str,
        f: impl FnOnce(&mut rusqlite::Statement<'c>) -> rusqlite::Result<T>,
    ) -> Result<T> {
        let key = (sql.as_ptr() as usize, sql.len());
        // taken out while it runs (`f` never asks for another), put back after
        let kept = {
            let mut all = self.statements.borrow_mut();
            all.iter().position(|(a, n, _)| (*a, *n) == key).map(|i| all.swap_remove(i).2)
        };
        let mut statement = match kept {
            Some(s) => s,
            None => self.conn.prepare(sql).map_err(e)?,
        };
        let out = f(&mut statement);
        self.statements.borrow_mut().push((key.0, key.1, statement));
        out.map_err(e)
    }
}

pub struct SqliteTx<'c> {
    /// Declared before the transaction: its statements are finalised before it ends.
    kept: Kept<'c>,
    tx: Transaction<'c>,
    /// Facts added or given a source in this transaction: their partnerships' versions are
    /// raised once each, at commit (a trigger per evidence row cost a tenth of an ingest, one
    /// per fact added nearly half of adding it).
    sourced: Vec<(FactType, FactId)>,
    /// A person, a role or a person's source was written: the people's version is raised at commit.
    people_changed: bool,
    /// Partnerships by key, as found or made in this transaction (a document's facts ask for
    /// the same few, thousands of times per transaction); emptied when a savepoint is undone.
    partnerships: HashMap<String, PartnershipId>,
    /// Organisations by name, likewise.
    organisations: HashMap<String, i64>,
}

impl_reader!(SqliteTx<'_>, tx);

impl SqliteTx<'_> {
    /// Run one of the transaction's kept statements (see [`Kept`]).
    fn exec<P: rusqlite::Params>(&self, sql: &'static str, params: P) -> Result<usize> {
        self.kept.with(sql, |s| s.execute(params))
    }

    /// Rows of one of the transaction's kept statements.
    fn rows<T, P: rusqlite::Params>(
        &self,
        sql: &'static str,
        params: P,
        f: impl FnMut(&rusqlite::Row) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        self.kept.with(sql, |s| s.query_map(params, f)?.collect())
    }

    /// Run a statement whose text is made as it runs, from the connection's cache of prepared
    /// statements (parsing them again each time was 4% of an ingest).
    fn exec_text<P: rusqlite::Params>(&self, sql: &str, params: P) -> Result<usize> {
        self.tx.prepare_cached(sql).and_then(|mut s| s.execute(params)).map_err(e)
    }

    /// The id of an organisation, added when new; kept by name for the transaction (a handful
    /// of organisations, named by thousands of roles).
    fn organisation(&mut self, name: &str) -> Result<i64> {
        if let Some(&id) = self.organisations.get(name) {
            return Ok(id);
        }
        self.exec("INSERT INTO organisations (name) VALUES (?1) ON CONFLICT(name) DO NOTHING", [name])?;
        let id = self
            .kept
            .with("SELECT id FROM organisations WHERE name = ?1", |s| s.query_row([name], |row| row.get(0)))?;
        self.organisations.insert(name.to_string(), id);
        Ok(id)
    }

    /// The fact just inserted: its partnership's version is raised at commit (schema 16: no
    /// trigger per row).
    fn added(&mut self, fact_type: FactType) -> FactId {
        let id = self.tx.last_insert_rowid();
        self.sourced.push((fact_type, id));
        id
    }

    /// Raise the versions of what this transaction added or gave sources to, and the people's version
    /// when people changed (schema 14: evidence and people have no triggers; schema 16: nor have
    /// facts added; a fact's row changed or deleted raises its partnership's version by trigger,
    /// schema 12). Facts of a savepoint rolled back may be counted: a version raised for nothing
    /// only makes a page read again.
    fn raise_versions(&mut self) -> Result<()> {
        for (fact_type, table) in
            [(FactType::Event, "events"), (FactType::Agreement, "agreements"), (FactType::Figure, "figures")]
        {
            let mut ids: Vec<FactId> =
                self.sourced.iter().filter(|(t, _)| *t == fact_type).map(|(_, id)| *id).collect();
            if ids.is_empty() {
                continue;
            }
            ids.sort_unstable();
            ids.dedup();
            let ids = serde_json::to_string(&ids).map_err(|err| StoreError::Backend(err.to_string()))?;
            self.exec_text(
                &format!(
                    "INSERT INTO partnership_versions SELECT DISTINCT partnership_id, 1 FROM {table}
                     WHERE id IN (SELECT value FROM json_each(?1)) AND partnership_id IS NOT NULL
                     ON CONFLICT (partnership_id) DO UPDATE SET version = version + 1"
                ),
                [ids],
            )?;
        }
        if self.people_changed {
            self.exec(PEOPLE_CHANGED, [])?;
        }
        self.sourced.clear();
        self.people_changed = false;
        Ok(())
    }
}

/// Raise the people's version (schema 14).
const PEOPLE_CHANGED: &str =
    "INSERT INTO store_versions VALUES ('people', 1) ON CONFLICT (name) DO UPDATE SET version = version + 1";

impl WriteTx for SqliteTx<'_> {
    fn insert_document(&mut self, d: &NewDocument) -> Result<DocId> {
        let now = jiff_now();
        self.exec(
            "INSERT INTO documents (hash, source, title, published, language, encoding, text, article_end, ingested_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                d.hash,
                d.source,
                d.title,
                d.published.map(|p| p.to_string()),
                d.language,
                d.encoding,
                d.text,
                d.article_end as i64,
                now
            ],
        )?;
        Ok(self.tx.last_insert_rowid())
    }

    fn partnership_for(&mut self, parties: &[PlaceId]) -> Result<PartnershipId> {
        let key: Vec<&str> = parties.iter().map(|p| p.as_str()).collect();
        let key = key.join(",");
        if let Some(&id) = self.partnerships.get(&key) {
            return Ok(id);
        }
        let found: Option<i64> = self
            .kept
            .with("SELECT id FROM partnerships WHERE key = ?1", |s| s.query_row([&key], |r| r.get(0)).optional())?;
        if let Some(id) = found {
            self.partnerships.insert(key, id);
            return Ok(id);
        }
        self.exec("INSERT INTO partnerships (key) VALUES (?1)", [&key])?;
        let id = self.tx.last_insert_rowid();
        self.partnerships.insert(key, id);
        for p in parties {
            self.exec(
                "INSERT INTO partnership_parties (partnership_id, place_id) VALUES (?1, ?2)",
                params![id, p.as_str()],
            )?;
        }
        Ok(id)
    }

    fn event_candidates(
        &self,
        partnership: Option<PartnershipId>,
        kind: EventKind,
        ordinal: Option<u32>,
        date: Option<PartialDate>,
    ) -> Result<Vec<StoredEvent>> {
        // The same ordinal; or, among meetings that could be this one (without an ordinal when
        // it has one), a compatible date: the stored date a prefix of this one ("2024" for
        // "2024-10-15": at most three exact lookups) or this one a prefix of the stored date (a
        // range). Three selects, each on an index: the work per mention does not grow with the
        // partnership's history. They find different rows (an ordinal, or none; a date up to
        // this one's, or after it): UNION ALL, without the temporary table a UNION builds to drop
        // duplicates; each prefix a select of its own, as `date IN (…)` builds a temporary table
        // of its values; the statement text made once.
        static SQL: LazyLock<String> = LazyLock::new(|| {
            let unnumbered = "AND (?3 IS NULL OR ordinal IS NULL)";
            let on =
                |date: &str| format!("{EVENT_SELECT} WHERE partnership_id IS ?1 AND kind = ?2 AND {date} {unnumbered}");
            [
                format!("{EVENT_SELECT} WHERE partnership_id IS ?1 AND kind = ?2 AND ordinal = ?3"),
                on("date = ?4"),
                on("date = ?5"),
                on("date = ?6"),
                on("date > ?6 AND date < ?6 || '~'"),
            ]
            .join(" UNION ALL ")
        });
        let full = date.map(|d| d.to_string());
        let prefix = |precision: usize| {
            full.as_deref().and_then(|f| {
                let parts: Vec<&str> = f.split('-').collect();
                (parts.len() > precision).then(|| parts[..precision].join("-"))
            })
        };
        let mut found = self.rows(
            &SQL,
            params![partnership, enum_str(&kind).map_err(e)?, ordinal, prefix(1), prefix(2), full],
            event_row,
        )?;
        once_each_by_id(&mut found, |v| v.id);
        Ok(found)
    }

    fn insert_event(&mut self, v: &StoredEvent, confidence: Option<f32>) -> Result<FactId> {
        let mut p = event_params(v).map_err(e)?;
        p.push(Box::new(confidence.map(f64::from)));
        self.exec(
            "INSERT INTO events (partnership_id, kind, ordinal, date, year, place_id, status, confidence)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params_from_iter(p.iter()),
        )?;
        Ok(self.added(FactType::Event))
    }

    fn update_event(&mut self, v: &StoredEvent) -> Result<()> {
        let mut p = event_params(v).map_err(e)?;
        p.push(Box::new(v.id));
        self
            .exec(
                "UPDATE events SET partnership_id = ?1, kind = ?2, ordinal = ?3, date = ?4, year = ?5, place_id = ?6, status = ?7
                 WHERE id = ?8",
                params_from_iter(p.iter()),
            )?;
        Ok(())
    }

    fn agreement_candidates(
        &self,
        partnership: Option<PartnershipId>,
        kind: AgreementKind,
        years: &[i16],
        signed: Option<PartialDate>,
    ) -> Result<Vec<StoredAgreement>> {
        let kind = enum_str(&kind).map_err(e)?;
        if years.is_empty() {
            // An undated mention matches any of them; the domain takes the most recent.
            // The latest signed, the latest by period, and the latest undated: each read off an
            // index's end, not by sorting the partnership's history.
            let sql = format!(
                "SELECT * FROM ({AGREEMENT_SELECT_BY_SIGNED} WHERE partnership_id IS ?1 AND kind = ?2
                                 AND signed_year IS NOT NULL ORDER BY signed_year DESC, id DESC LIMIT 1)
                 UNION ALL
                 SELECT * FROM ({AGREEMENT_SELECT_BY_PERIOD} WHERE partnership_id IS ?1 AND kind = ?2
                                 AND period_first IS NOT NULL ORDER BY period_first DESC, id DESC LIMIT 1)
                 UNION ALL
                 SELECT * FROM ({AGREEMENT_SELECT_BY_SIGNED} WHERE partnership_id IS ?1 AND kind = ?2
                                 AND signed_year IS NULL AND period_first IS NULL ORDER BY id DESC LIMIT 1)"
            );
            return query(&self.tx, &sql, params![partnership, kind], agreement_row);
        }
        // Up to four years, each once, padded with NULL (a select on `= NULL` finds nothing and
        // stops at once), so that one statement text serves every list. A year listed twice
        // (signed in the year its period starts) would run its selects twice.
        let mut listed: Vec<i16> = Vec::with_capacity(4);
        for &year in years {
            if !listed.contains(&year) {
                listed.push(year);
            }
        }
        let y = |i: usize| listed.get(i).copied();
        // Signed in one of the years, starting in one of them, or undated: a select for each year
        // and way, each on its index, joined by UNION ALL (no temporary table; neither are there
        // any for `IN (…)` lists). An agreement both signed and starting in the listed years, or
        // a year listed twice (the list is padded), comes more than once, and is dropped here.
        //
        // A mention signed on a day (month, year) is the same as a signed agreement only if the
        // two dates agree (`matching::same_agreement`), one a prefix of the other: signed on
        // one of the mention's prefixes ("2024", "2024-10" for "2024-10-15"), on its date, or
        // on a finer date of it — three exact lookups and a range in the index of dates signed
        // (schema 15), whatever the number signed that year (hundreds of minutes, in a
        // partnership that meets monthly, were each read and compared). It is the same as one
        // of a period only if that one is unsigned: those are read off an index of their own
        // (schema 18), not every agreement of the period.
        static SIGNED: LazyLock<String> = LazyLock::new(|| {
            let kind = "WHERE partnership_id IS ?1 AND kind = ?2";
            let on = |date: &str| format!("{AGREEMENT_SELECT_BY_SIGNED_DATE} {kind} AND signed_year = ?8 AND {date}");
            let on_signed =
                [on("signed = ?9"), on("signed = ?10"), on("signed = ?7"), on("signed > ?7 AND signed < ?7 || '~'")];
            let starting = (3..=6).map(|y| {
                format!("{AGREEMENT_SELECT_UNSIGNED_BY_PERIOD} {kind} AND period_first = ?{y} AND signed IS NULL")
            });
            let undated =
                format!("{AGREEMENT_SELECT_BY_SIGNED} {kind} AND signed_year IS NULL AND period_first IS NULL");
            on_signed.into_iter().chain(starting).chain([undated]).collect::<Vec<_>>().join(" UNION ALL ")
        });
        // An undated one: every agreement signed or starting in the years.
        static UNSIGNED: LazyLock<String> = LazyLock::new(|| {
            let kind = "WHERE partnership_id IS ?1 AND kind = ?2";
            let on_signed = (3..=6).map(|y| format!("{AGREEMENT_SELECT_BY_SIGNED_DATE} {kind} AND signed_year = ?{y}"));
            let starting = (3..=6).map(|y| format!("{AGREEMENT_SELECT} {kind} AND period_first = ?{y}"));
            let undated =
                format!("{AGREEMENT_SELECT_BY_SIGNED} {kind} AND signed_year IS NULL AND period_first IS NULL");
            on_signed.chain(starting).chain([undated]).collect::<Vec<_>>().join(" UNION ALL ")
        });
        let mut found = match signed {
            Some(date) => {
                let full = date.to_string();
                // the date's proper prefixes, NULL where it has none (`= NULL` finds nothing)
                let cuts: Vec<&str> = full.match_indices('-').map(|(i, _)| &full[..i]).collect();
                let prefix = |i: usize| cuts.get(i).copied();
                let params = params![partnership, kind, y(0), y(1), y(2), y(3), full, date.year, prefix(0), prefix(1)];
                self.rows(&SIGNED, params, agreement_row)?
            }
            None => self.rows(&UNSIGNED, params![partnership, kind, y(0), y(1), y(2), y(3)], agreement_row)?,
        };
        once_each_by_id(&mut found, |v| v.id);
        Ok(found)
    }

    fn insert_agreement(&mut self, a: &StoredAgreement, confidence: Option<f32>) -> Result<FactId> {
        let mut p = agreement_params(a).map_err(e)?;
        p.push(Box::new(confidence.map(f64::from)));
        self.exec(
            "INSERT INTO agreements (partnership_id, kind, signed, signed_year, period_first, period_last, confidence)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params_from_iter(p.iter()),
        )?;
        Ok(self.added(FactType::Agreement))
    }

    fn update_agreement(&mut self, a: &StoredAgreement) -> Result<()> {
        let mut p = agreement_params(a).map_err(e)?;
        p.push(Box::new(a.id));
        self.exec(
            "UPDATE agreements SET partnership_id = ?1, kind = ?2, signed = ?3, signed_year = ?4, period_first = ?5,
                 period_last = ?6 WHERE id = ?7",
            params_from_iter(p.iter()),
        )?;
        Ok(())
    }

    fn figure_candidates(
        &self,
        partnership: Option<PartnershipId>,
        kind: FigureKind,
        unit: Unit,
        years: Option<(i16, i16)>,
    ) -> Result<Vec<StoredFigure>> {
        let (lo, hi) = years.unwrap_or((i16::MIN, i16::MAX));
        // in id order off the index (partnership, kind, unit): no sort
        static SQL: LazyLock<String> = LazyLock::new(|| {
            format!(
                "{FIGURE_SELECT} WHERE partnership_id IS ?1 AND kind = ?2 AND unit = ?3
                 AND COALESCE(period_first, year, -32768) <= ?5 AND COALESCE(period_last, year, 32767) >= ?4 ORDER BY id"
            )
        });
        self.rows(
            &SQL,
            params![partnership, enum_str(&kind).map_err(e)?, enum_str(&unit).map_err(e)?, lo, hi],
            figure_row,
        )
    }

    fn insert_figure(&mut self, f: &StoredFigure, confidence: Option<f32>) -> Result<FactId> {
        let mut p = figure_params(f).map_err(e)?;
        p.push(Box::new(confidence.map(f64::from)));
        self.exec(
            "INSERT INTO figures (partnership_id, kind, unit, value, from_places, to_places, period_first, period_last,
                 year, quantity, fulfils, per_year, confidence)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params_from_iter(p.iter()),
        )?;
        Ok(self.added(FactType::Figure))
    }

    fn set_fulfils(&mut self, result: FactId, commitment: FactId) -> Result<()> {
        self.exec("UPDATE figures SET fulfils = ?1 WHERE id = ?2", params![commitment, result])?;
        Ok(())
    }

    fn person_by_key(&self, key: &str) -> Result<Option<StoredPerson>> {
        static SQL: LazyLock<String> = LazyLock::new(|| format!("{PERSON_SELECT} WHERE key = ?1"));
        self.kept.with(&SQL, |s| s.query_row([key], person_row).optional())
    }

    fn insert_person(&mut self, key: &str, p: &StoredPerson) -> Result<FactId> {
        self.exec(
            "INSERT INTO people (key, name, country, place_id) VALUES (?1, ?2, ?3, ?4)",
            params![key, p.name, p.country, p.place.as_ref().map(|p| p.as_str())],
        )?;
        self.people_changed = true;
        Ok(self.tx.last_insert_rowid())
    }

    fn update_person(&mut self, p: &StoredPerson) -> Result<()> {
        self.exec(
            "UPDATE people SET name = ?1, country = ?2, place_id = ?3 WHERE id = ?4",
            params![p.name, p.country, p.place.as_ref().map(|p| p.as_str()), p.id],
        )?;
        self.people_changed = true;
        Ok(())
    }

    fn upsert_role(&mut self, r: &Role) -> Result<()> {
        self.people_changed = true;
        let org = match &r.organisation {
            Some(name) => Some(self.organisation(name)?),
            None => None,
        };
        self.exec(
            "INSERT INTO roles (person_id, title, office, organisation_id, first_seen, last_seen)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT(person_id, title) DO UPDATE SET
                   first_seen = CASE WHEN first_seen IS NULL OR excluded.first_seen < first_seen
                                     THEN COALESCE(excluded.first_seen, first_seen) ELSE first_seen END,
                   last_seen  = CASE WHEN last_seen IS NULL OR excluded.last_seen > last_seen
                                     THEN COALESCE(excluded.last_seen, last_seen) ELSE last_seen END",
            params![
                r.person,
                r.title,
                r.office,
                org,
                r.first_seen.map(|d| d.to_string()),
                r.last_seen.map(|d| d.to_string())
            ],
        )?;
        Ok(())
    }

    fn add_evidence_claiming(&mut self, v: &Evidence, claim: &str) -> Result<()> {
        let (start, end) = v.stored_range();
        self.exec(
            "INSERT INTO evidence (fact_type, fact_id, document_id, span_start, span_end, sentence, claim,
                 sentence_start, sentence_end)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                v.fact_type.as_str(),
                v.fact_id,
                v.document,
                v.span.start as i64,
                v.span.end as i64,
                v.stored_sentence(),
                claim,
                start,
                end
            ],
        )?;
        match v.fact_type {
            FactType::Person => self.people_changed = true,
            _ => self.sourced.push((v.fact_type, v.fact_id)),
        }
        Ok(())
    }

    fn update_figure(&mut self, v: &StoredFigure) -> Result<()> {
        let mut p = figure_params(v).map_err(e)?;
        p.push(Box::new(v.id));
        self
            .exec(
                "UPDATE figures SET partnership_id = ?1, kind = ?2, unit = ?3, value = ?4, from_places = ?5, to_places = ?6,
                        period_first = ?7, period_last = ?8, year = ?9, quantity = ?10, fulfils = ?11, per_year = ?12
                 WHERE id = ?13",
                params_from_iter(p.iter()),
            )?;
        Ok(())
    }

    fn raise_confidence(&mut self, fact_type: FactType, id: FactId, confidence: f32) -> Result<()> {
        // Only a higher confidence writes: most mentions merge into a fact already as sure, and
        // an update that changes nothing still rewrites the row and its review indexes.
        // The text made once per table (people, who have no confidence, refused by `fact_table`).
        static SQL: LazyLock<[(&str, String); 3]> = LazyLock::new(|| {
            ["events", "agreements", "figures"].map(|t| {
                (t, format!("UPDATE {t} SET confidence = ?1 WHERE id = ?2 AND coalesce(confidence, 0.0) < ?1"))
            })
        });
        let table = fact_table(fact_type)?;
        let sql = SQL.iter().find(|(t, _)| *t == table).ok_or_else(|| StoreError::Invalid(table.into()))?;
        self.exec(&sql.1, params![f64::from(confidence), id])?;
        Ok(())
    }

    fn set_review_state(&mut self, fact_type: FactType, id: FactId, state: ReviewState) -> Result<()> {
        let sql = format!("UPDATE {} SET review = ?1 WHERE id = ?2", fact_table(fact_type)?);
        self.exec_text(&sql, params![state.as_str(), id])?;
        Ok(())
    }

    fn mark_indexed(&mut self, docs: &[DocId]) -> Result<()> {
        let mut s = self.tx.prepare_cached("UPDATE documents SET indexed = 1 WHERE id = ?1").map_err(e)?;
        for d in docs {
            s.execute(params![d]).map_err(e)?;
        }
        Ok(())
    }

    fn others_commits(&self) -> Result<Option<i64>> {
        // Unchanged by this connection's own commits; other connections' commits change it.
        self.tx.pragma_query_value(None, "data_version", |r| r.get(0)).map(Some).map_err(e)
    }

    fn mark_unindexed(&mut self, docs: &[DocId]) -> Result<()> {
        let mut s = self.tx.prepare_cached("UPDATE documents SET indexed = 0 WHERE id = ?1").map_err(e)?;
        for d in docs {
            s.execute(params![d]).map_err(e)?;
        }
        Ok(())
    }

    fn add_review(&mut self, v: &ReviewEntry) -> Result<()> {
        self.exec(
            "INSERT INTO reviews (fact_type, fact_id, decision, reviewer, at, note, before, after)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                v.fact_type.as_str(),
                v.fact_id,
                v.decision.as_str(),
                v.reviewer,
                v.at,
                v.note,
                v.before.as_ref().map(|j| j.to_string()),
                v.after.as_ref().map(|j| j.to_string())
            ],
        )?;
        Ok(())
    }

    fn savepoint(&mut self) -> Result<()> {
        self.tx.execute_batch("SAVEPOINT document").map_err(e)
    }

    fn release(&mut self) -> Result<()> {
        self.tx.execute_batch("RELEASE document").map_err(e)
    }

    fn rollback_to_savepoint(&mut self) -> Result<()> {
        // a partnership or organisation the document undone made is undone too
        self.partnerships.clear();
        self.organisations.clear();
        self.tx.execute_batch("ROLLBACK TO document; RELEASE document").map_err(e)
    }

    fn commit(mut self: Box<Self>) -> Result<()> {
        self.raise_versions()?;
        let SqliteTx { kept, tx, .. } = *self;
        drop(kept);
        tx.commit().map_err(e)
    }
}

impl hoptac_store::Backend for SqliteStore {
    fn location(&self) -> String {
        self.path.display().to_string()
    }
    fn generation(&self) -> Result<i64> {
        self.data_version()
    }
    fn facts_without_evidence(&self) -> Result<i64> {
        SqliteStore::facts_without_evidence(self)
    }
    fn sentences_outside_documents(&self) -> Result<i64> {
        SqliteStore::sentences_outside_documents(self)
    }
    fn in_read_snapshot(&self, f: &mut dyn FnMut() -> Result<()>) -> Result<()> {
        self.in_snapshot(|_| f())
    }
    fn export_rows(
        &self,
        table: &hoptac_store::transfer::Table,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<Vec<hoptac_store::transfer::Cell>>> {
        transfer::export_rows(self, table, offset, limit)
    }
    fn import(&mut self) -> Result<Box<dyn hoptac_store::transfer::Importer + '_>> {
        transfer::import(self)
    }
    fn defer_indexes(&mut self) -> Result<bool> {
        defer(&mut self.conn, &self.path)
    }
    fn restore_indexes(&mut self) -> Result<()> {
        restore_deferred(&mut self.conn, &self.path)
    }
}

/// Indexes that storing a document never reads (ingest's lookups go by partnership, kind,
/// ordinal, date, year signed, period, a document's hash, a person's key): the review queue's,
/// the planned meetings', the commitments', the sources of a fact and of a document, a
/// partnership's years. Kept up row by row they (and the three schema 19 dropped) were 22% of
/// the ingest writer's instructions (callgrind, 2,000 documents); built at the end of a bulk
/// load, a fraction of that. No query
/// names one (`INDEXED BY` a missing index is an error): a test holds the plans to them instead.
const DEFERRABLE: [&str; 8] = [
    "evidence_by_fact",
    "evidence_by_document_type",
    "events_pending_by_confidence",
    "agreements_pending_by_confidence",
    "figures_pending_by_confidence",
    "events_by_year",
    "events_by_status",
    "figures_by_kind",
];

/// The least certain facts first: each table's top by its index (`*_pending_by_confidence`),
/// then the three merged. The indexes are not named (`INDEXED BY`): a bulk load may have dropped
/// them, and a test holds the plan to them.
const REVIEW_QUEUE: &str = "SELECT t, id FROM (
      SELECT * FROM (SELECT 'event' AS t, id, coalesce(confidence, 1.0) AS c FROM events
        WHERE review = 'pending' ORDER BY confidence, id LIMIT ?1)
      UNION ALL SELECT * FROM (SELECT 'agreement', id, coalesce(confidence, 1.0) FROM agreements
        WHERE review = 'pending' ORDER BY confidence, id LIMIT ?1)
      UNION ALL SELECT * FROM (SELECT 'figure', id, coalesce(confidence, 1.0) FROM figures
        WHERE review = 'pending' ORDER BY confidence, id LIMIT ?1))
    ORDER BY c, t, id LIMIT ?1";

/// People's evidence in some documents, read by document (`evidence_by_document_type`, which
/// carries each row's person: a dossier's documents are few next to all the people's evidence);
/// the list of documents follows.
const PEOPLE_BY_DOCUMENT: &str = "WHERE fact_type = 'person' AND";
const PEOPLE_SOURCES_BY_DOCUMENT: &str = "SELECT id, fact_id FROM evidence WHERE fact_type = 'person' AND";

/// Where a bulk load keeps the statements of the indexes it dropped (JSON list), in the
/// transaction that drops them: the store always says what it lacks.
const DEFERRED_KEY: &str = "deferred_indexes";

/// Drop the deferrable indexes, keeping their statements in `meta`; `false` if none was there.
fn defer(conn: &mut Connection, path: &Path) -> Result<bool> {
    let err = |e: rusqlite::Error| db_error(path, e);
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(err)?;
    let mut kept = deferred(&tx, path)?;
    let mut dropped = false;
    for name in DEFERRABLE {
        let sql: Option<String> = tx
            .query_row("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?1", [name], |r| r.get(0))
            .optional()
            .map_err(err)?;
        if let Some(sql) = sql {
            tx.execute_batch(&format!("DROP INDEX \"{name}\"")).map_err(err)?;
            kept.push(sql);
            dropped = true;
        }
    }
    if dropped {
        let json = serde_json::to_string(&kept).map_err(|e| StoreError::Backend(e.to_string()))?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [DEFERRED_KEY, &json],
        )
        .map_err(err)?;
    }
    tx.commit().map_err(err)?;
    Ok(dropped)
}

/// The statements of the indexes a bulk load dropped and has not built again.
fn deferred(conn: &Connection, path: &Path) -> Result<Vec<String>> {
    let json: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [DEFERRED_KEY], |r| r.get(0))
        .optional()
        .map_err(|e| db_error(path, e))?;
    let Some(json) = json else { return Ok(Vec::new()) };
    let statements: Vec<String> = serde_json::from_str(&json).map_err(|e| StoreError::Damaged {
        path: path.display().to_string(),
        reason: format!("the indexes left to build cannot be read: {e}"),
    })?;
    // Only index statements, each as SQLite kept it for an index of this schema.
    match statements.iter().find(|sql| !sql.starts_with("CREATE INDEX ")) {
        Some(other) => Err(StoreError::Damaged {
            path: path.display().to_string(),
            reason: format!("an index left to build is not an index: {other}"),
        }),
        None => Ok(statements),
    }
}

/// Build the indexes a bulk load dropped, in one transaction with forgetting them.
fn restore_deferred(conn: &mut Connection, path: &Path) -> Result<()> {
    let err = |e: rusqlite::Error| db_error(path, e);
    // Read first: a store with nothing deferred (or no schema yet) is not locked for writing.
    let has_meta = conn
        .query_row("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'", [], |_| Ok(()))
        .optional()
        .map_err(err)?
        .is_some();
    if !has_meta || deferred(conn, path)?.is_empty() {
        return Ok(());
    }
    // Read through the page cache, not the memory map: building reads whole tables, and every
    // page read through the map would count in the process's memory (+45 MB at 20,000 documents).
    // The sorts spill to temporary files, not memory (the evidence of 100,000 documents sorts
    // 40 MB), and may use a second thread.
    // (temp_store 1 is FILE.) Each setting as it was is put back afterwards, whatever the build
    // gave; the build's own error comes first.
    const FOR_BUILDING: [(&str, i64); 3] = [("mmap_size", 0), ("temp_store", 1), ("threads", 2)];
    let mut before = Vec::with_capacity(FOR_BUILDING.len());
    for (name, value) in FOR_BUILDING {
        before.push((name, conn.pragma_query_value(None, name, |r| r.get::<_, i64>(0)).map_err(err)?));
        conn.pragma_update(None, name, value).map_err(err)?;
    }
    let built = build_deferred(conn, path);
    let put_back = before.into_iter().try_for_each(|(name, value)| conn.pragma_update(None, name, value));
    built?;
    put_back.map_err(err)
}

fn build_deferred(conn: &mut Connection, path: &Path) -> Result<()> {
    let err = |e: rusqlite::Error| db_error(path, e);
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(err)?;
    for sql in deferred(&tx, path)? {
        let rest = sql.trim_start_matches("CREATE INDEX ");
        tx.execute_batch(&format!("CREATE INDEX IF NOT EXISTS {rest}")).map_err(err)?;
    }
    tx.execute("DELETE FROM meta WHERE key = ?1", [DEFERRED_KEY]).map_err(err)?;
    tx.commit().map_err(err)
}

impl Store for SqliteStore {
    fn reader(&self) -> &dyn Reader {
        self
    }

    /// Writers take the write lock when they begin (waiting up to the busy timeout for another
    /// process's writer): a deferred transaction that reads first could not take it later
    /// under WAL and would fail at once with "database is locked".
    fn begin(&mut self) -> Result<Box<dyn WriteTx + '_>> {
        // Begun on a shared borrow of the connection, which the kept statements share too.
        let conn = &self.conn;
        let tx = Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)
            .map_err(|err| db_error(&self.path, err))?;
        Ok(Box::new(SqliteTx {
            kept: Kept { conn, statements: Default::default() },
            tx,
            sourced: Vec::new(),
            people_changed: false,
            partnerships: HashMap::new(),
            organisations: HashMap::new(),
        }))
    }

    fn sync_places(&mut self, version: &str, places: &[Place]) -> Result<()> {
        let current: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'gazetteer'", [], |r| r.get(0))
            .optional()
            .map_err(e)?;
        if current.as_deref() == Some(version) {
            return Ok(());
        }
        let tx = self.conn.transaction().map_err(e)?;
        {
            let mut ins = tx
                .prepare(
                    "INSERT INTO places (id, level, name, name_en, name_lo, valid_from, valid_to, successor)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                     ON CONFLICT(id) DO UPDATE SET level = excluded.level, name = excluded.name, name_en = excluded.name_en,
                       name_lo = excluded.name_lo, valid_from = excluded.valid_from, valid_to = excluded.valid_to,
                       successor = excluded.successor",
                )
                .map_err(e)?;
            for p in places {
                ins.execute(params![
                    p.id.as_str(),
                    enum_str(&p.level).map_err(e)?,
                    p.name,
                    p.name_en,
                    p.name_lo,
                    p.valid_from.map(|d| d.to_string()),
                    p.valid_to.map(|d| d.to_string()),
                    p.successor.as_ref().map(|s| s.as_str())
                ])
                .map_err(e)?;
            }
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('gazetteer', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [version],
            )
            .map_err(e)?;
        }
        tx.commit().map_err(e)
    }

    fn mark_indexed(&mut self, docs: &[DocId], indexed: bool) -> Result<()> {
        let tx = self.conn.transaction().map_err(e)?;
        {
            let mut s = tx.prepare("UPDATE documents SET indexed = ?1 WHERE id = ?2").map_err(e)?;
            for d in docs {
                s.execute(params![indexed as i64, d]).map_err(e)?;
            }
        }
        tx.commit().map_err(e)
    }

    fn mark_all_unindexed(&mut self) -> Result<()> {
        self.conn.execute("UPDATE documents SET indexed = 0", []).map_err(e)?;
        Ok(())
    }
}

/// Rows that several selects of one statement found, each once, in id order (UNION ALL keeps
/// duplicates; UNION would drop them through a temporary table).
fn once_each_by_id<T>(rows: &mut Vec<T>, id: impl Fn(&T) -> FactId) {
    rows.sort_unstable_by_key(&id);
    rows.dedup_by_key(|v| id(v));
}

fn jiff_now() -> String {
    jiff::Timestamp::now().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoptac_core::{EventStatus, PartialDate, Period, Span};

    /// A conference of partnership `p`.
    fn conference(p: PartnershipId, ordinal: Option<u32>, date: &str, status: EventStatus) -> StoredEvent {
        StoredEvent {
            id: 0,
            partnership: Some(p),
            kind: EventKind::Conference,
            ordinal,
            date: PartialDate::parse(date),
            place: None,
            status,
        }
    }

    fn doc(hash: &str) -> NewDocument {
        NewDocument {
            hash: hash.into(),
            source: "a.txt".into(),
            title: Some("T".into()),
            published: PartialDate::parse("2024-10-15"),
            language: "vi".into(),
            encoding: "utf-8".into(),
            text: "Hội nghị.".into(),
            article_end: 12,
        }
    }

    #[test]
    fn a_backup_and_what_is_read_beside_it_in_a_snapshot_see_one_state_while_a_writer_commits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let mut w = SqliteStore::open(&path).unwrap();
        let mut tx = w.begin().unwrap();
        tx.insert_document(&doc("a")).unwrap();
        tx.commit().unwrap();
        let r = SqliteStore::open_read_only(&path).unwrap();
        let backup = dir.path().join("b.db");
        let (seen, written) = r
            .in_snapshot(|s| -> Result<_> {
                s.backup_to(&backup, |_, _| {})?;
                // another connection commits between the copy and the reads that check it
                let mut tx = w.begin()?;
                tx.insert_document(&doc("b"))?;
                tx.commit()?;
                let written = w.counts()?.documents;
                Ok((s.counts()?.documents, written))
            })
            .unwrap();
        assert_eq!((seen, written), (1, 2), "the snapshot does not see the later commit");
        let copy = SqliteStore::open_read_only(&backup).unwrap();
        assert_eq!(copy.counts().unwrap().documents, seen, "the copy is the state the snapshot read");
        assert_eq!(r.counts().unwrap().documents, 2, "after it, the reader sees the store as it is");
    }

    #[test]
    fn a_new_store_is_stamped_and_migrated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let s = SqliteStore::open(&path).unwrap();
        let every: i64 = s.conn.pragma_query_value(None, "wal_autocheckpoint", |r| r.get(0)).unwrap();
        assert_eq!(every * PAGE_SIZE, 64 << 20, "the log is merged every 64 MB");
        drop(s);
        let c = Connection::open(&path).unwrap();
        let app: i64 = c.pragma_query_value(None, "application_id", |r| r.get(0)).unwrap();
        let version: i64 = c.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        assert_eq!((app, version), (APPLICATION_ID, schema_version()));
        let mode: String = c.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
        assert_eq!(mode, "delete", "a closed store stands alone");
        let page: i64 = c.pragma_query_value(None, "page_size", |r| r.get(0)).unwrap();
        assert_eq!(page, PAGE_SIZE);
        drop(c);
        // A store made with other pages keeps them, and takes writes.
        let old = dir.path().join("old.db");
        let c = Connection::open(&old).unwrap();
        c.pragma_update(None, "page_size", 4096).unwrap();
        c.execute_batch("CREATE TABLE t (x); DROP TABLE t;").unwrap();
        drop(c);
        let mut s = SqliteStore::open(&old).unwrap();
        let mut tx = s.begin().unwrap();
        tx.insert_document(&doc("h")).unwrap();
        tx.commit().unwrap();
        drop(s);
        let c = Connection::open(&old).unwrap();
        assert_eq!(c.pragma_query_value(None, "page_size", |r| r.get::<_, i64>(0)).unwrap(), 4096);
    }

    #[test]
    fn a_store_is_checked_when_opened_for_writing_unless_it_is_as_its_last_writer_left_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        drop(SqliteStore::open(&path).unwrap());
        assert!(seal_path(&path).exists(), "a writer that closed cleanly says how it left the file");
        assert!(checked_when_closed(&path));
        assert!(!seal_path(&path).exists(), "taken by the writer opening it");
        assert!(!checked_when_closed(&path), "no seal: checked");
        // Two writers: the first to close cannot merge the log (the other is open), so it
        // leaves no seal; the last one does.
        let (a, b) = (SqliteStore::open(&path).unwrap(), SqliteStore::open(&path).unwrap());
        drop(a);
        assert!(!seal_path(&path).exists());
        drop(b);
        assert!(seal_path(&path).exists());
        // The same bytes written again (a copy put back, a restore): checked.
        std::thread::sleep(std::time::Duration::from_millis(20));
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes).unwrap();
        assert!(!checked_when_closed(&path));
        drop(SqliteStore::open(&path).unwrap());
        // A page of the sealed file overwritten: the seal no longer matches, the check runs and
        // refuses the file, and nothing is written.
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - PAGE_SIZE as usize;
        for (i, b) in bytes[last..].iter_mut().enumerate() {
            *b = (i as u8).wrapping_mul(151).wrapping_add(7);
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .and_then(|mut f| {
                use std::io::{Seek, Write};
                f.seek(std::io::SeekFrom::Start(last as u64))?;
                f.write_all(&bytes[last..])
            })
            .unwrap();
        assert!(matches!(SqliteStore::open(&path), Err(StoreError::Damaged { .. })));
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
    }

    #[test]
    fn sentences_stored_before_schema_17_become_ranges_where_found() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let text = "Mở đầu. Hai bên ký kết biên bản. Kết thúc.";
        let (found, elsewhere) = ("Hai bên ký kết biên bản.", "Một câu chép lại.");
        let mut s = SqliteStore::open(&path).unwrap();
        let mut tx = s.begin().unwrap();
        let d = tx.insert_document(&NewDocument { text: text.into(), ..doc("h") }).unwrap();
        let p = tx.partnership_for(&[PlaceId::new("LA-XE"), PlaceId::new("VN-28")]).unwrap();
        let id = tx.insert_event(&conference(p, Some(19), "2024", EventStatus::Planned), None).unwrap();
        for sentence in [found, elsewhere] {
            let e = Evidence {
                fact_type: FactType::Event,
                fact_id: id,
                document: d,
                span: Span::new(0, 3),
                sentence: sentence.into(),
                sentence_at: None,
                claim: serde_json::json!({}),
            };
            tx.add_evidence(&e).unwrap();
        }
        tx.commit().unwrap();
        drop(s);
        // as schema 16 left them: the sentences copied, no range columns (nor the index of 18)
        let c = Connection::open(&path).unwrap();
        c.execute_batch(
            "ALTER TABLE evidence DROP COLUMN sentence_start; ALTER TABLE evidence DROP COLUMN sentence_end;
             DROP INDEX agreements_unsigned_by_period;",
        )
        .unwrap();
        c.pragma_update(None, "user_version", 16).unwrap();
        drop(c);
        let s = SqliteStore::open(&path).unwrap();
        let raw: Vec<(String, Option<i64>, Option<i64>)> =
            query(&s.conn, "SELECT sentence, sentence_start, sentence_end FROM evidence ORDER BY id", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        let at = text.find(found).unwrap() as i64;
        assert_eq!(
            raw,
            vec![(String::new(), Some(at), Some(at + found.len() as i64)), (elsewhere.to_string(), None, None)]
        );
        let read: Vec<String> = s.evidence(FactType::Event, &[id]).unwrap().into_iter().map(|e| e.sentence).collect();
        assert_eq!(read, [found, elsewhere]);
        assert_eq!(s.sentences_outside_documents().unwrap(), 0);
    }

    #[test]
    fn schema_19_drops_the_pending_facts_by_id_and_the_queue_still_answers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let mut s = SqliteStore::open(&path).unwrap();
        let mut tx = s.begin().unwrap();
        let p = tx.partnership_for(&[PlaceId::new("LA-XE"), PlaceId::new("VN-28")]).unwrap();
        let sure = tx.insert_event(&conference(p, Some(18), "2024", EventStatus::Held), Some(0.9)).unwrap();
        let unsure = tx.insert_event(&conference(p, Some(19), "2025", EventStatus::Planned), Some(0.4)).unwrap();
        tx.commit().unwrap();
        drop(s);
        // as schema 18 left it
        let c = Connection::open(&path).unwrap();
        c.execute_batch(
            "CREATE INDEX events_pending ON events(id) WHERE review = 'pending';
             CREATE INDEX agreements_pending ON agreements(id) WHERE review = 'pending';
             CREATE INDEX figures_pending ON figures(id) WHERE review = 'pending';",
        )
        .unwrap();
        c.pragma_update(None, "user_version", 18).unwrap();
        drop(c);
        let s = SqliteStore::open(&path).unwrap();
        let left: Vec<String> =
            indexes(&s.conn).into_iter().map(|(name, _)| name).filter(|n| n.ends_with("_pending")).collect();
        assert!(left.is_empty(), "{left:?}");
        let queue = s.review_queue(10, None).unwrap();
        assert_eq!(queue, vec![(FactType::Event, unsure), (FactType::Event, sure)], "the least certain first");
        assert_eq!(s.review_queue(10, Some(&[p])).unwrap(), queue);
        assert_eq!(s.pending_reviews(None).unwrap(), 2);
        assert_eq!(s.pending_reviews(Some(&[p])).unwrap(), 2);
    }

    #[test]
    fn a_store_from_a_newer_hoptac_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        drop(SqliteStore::open(&path).unwrap());
        Connection::open(&path).unwrap().pragma_update(None, "user_version", 99).unwrap();
        assert!(matches!(SqliteStore::open(&path), Err(StoreError::NewerSchema { found: 99, .. })));
        assert!(matches!(SqliteStore::open_read_only(&path), Err(StoreError::NewerSchema { .. })));
    }

    #[test]
    fn a_store_of_the_schema_before_is_upgraded_when_opened_for_writing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        drop(SqliteStore::open(&path).unwrap());
        // put the store back at schema 10: the index by document and type without facts, no
        // versions (nor their triggers), no indexes of decided facts nor of agreements by date,
        // sentences only as text. The names a query lists (triggers, an index's columns).
        let names = |c: &Connection, sql: &str| -> Vec<String> {
            c.prepare(sql).unwrap().query_map([], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap()
        };
        let c = Connection::open(&path).unwrap();
        let triggers = names(&c, "SELECT name FROM sqlite_master WHERE type = 'trigger'");
        assert_eq!(triggers.len(), 7, "{triggers:?}");
        for t in triggers {
            c.execute_batch(&format!("DROP TRIGGER {t}")).unwrap();
        }
        c.execute_batch(
            "DROP INDEX evidence_by_document_type;
             CREATE INDEX evidence_by_document_type ON evidence(document_id, fact_type);
             DROP TABLE partnership_versions; DROP TABLE store_versions;
             DROP INDEX events_decided; DROP INDEX agreements_decided; DROP INDEX figures_decided;
             DROP INDEX agreements_by_signed_date; DROP INDEX agreements_unsigned_by_period;
             ALTER TABLE evidence DROP COLUMN sentence_start; ALTER TABLE evidence DROP COLUMN sentence_end;",
        )
        .unwrap();
        c.pragma_update(None, "user_version", 10).unwrap();
        drop(c);
        let err = SqliteStore::open_read_only(&path).err().expect("refused");
        assert!(matches!(err, StoreError::OlderSchema { found: 10, known: 19, .. }), "{err}");
        assert!(err.to_string().contains("hoptac ingest"), "{err}");
        drop(SqliteStore::open(&path).unwrap());
        let c = Connection::open(&path).unwrap();
        let version: i64 = c.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
        let columns = names(&c, "SELECT name FROM pragma_index_info('evidence_by_document_type')");
        assert_eq!((version, columns), (19, vec!["document_id".into(), "fact_type".into(), "fact_id".into()]));
        let ranges = names(&c, "SELECT name FROM pragma_table_info('evidence') WHERE name LIKE 'sentence_%'");
        assert_eq!(ranges, ["sentence_start", "sentence_end"]);
        // schema 12 made a trigger per fact table for inserts; 16 took them away again
        let triggers = names(&c, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%_insert'");
        assert!(triggers.is_empty(), "{triggers:?}");
        let by_date = names(&c, "SELECT name FROM pragma_index_info('agreements_by_signed_date')");
        assert_eq!(by_date, ["partnership_id", "kind", "signed_year", "signed"]);
        drop(c);
        let s = SqliteStore::open_read_only(&path).expect("now current");
        assert_eq!((s.partnership_versions().unwrap(), s.people_version().unwrap()), (Some(vec![]), Some(0)));
    }

    #[test]
    fn a_transaction_not_committed_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = SqliteStore::open(&dir.path().join("s.db")).unwrap();
        {
            let mut tx = s.begin().unwrap();
            tx.insert_document(&doc("h1")).unwrap();
        }
        assert_eq!(s.counts().unwrap().documents, 0);
        let mut tx = s.begin().unwrap();
        let d = tx.insert_document(&doc("h2")).unwrap();
        let p = tx.partnership_for(&[PlaceId::new("LA-XE"), PlaceId::new("VN-28")]).unwrap();
        assert_eq!(tx.partnership_for(&[PlaceId::new("LA-XE"), PlaceId::new("VN-28")]).unwrap(), p);
        let e = conference(p, Some(19), "2024", EventStatus::Planned);
        let id = tx.insert_event(&e, None).unwrap();
        tx.add_evidence(&Evidence {
            fact_type: FactType::Event,
            fact_id: id,
            document: d,
            span: Span::new(0, 5),
            sentence: "Hội nghị.".into(),
            sentence_at: None,
            claim: serde_json::json!({"ordinal": 19}),
        })
        .unwrap();
        // Candidates: by ordinal, or by year.
        assert_eq!(tx.event_candidates(Some(p), EventKind::Conference, Some(19), None).unwrap().len(), 1);
        assert_eq!(
            tx.event_candidates(Some(p), EventKind::Conference, None, PartialDate::parse("2024-10-15")).unwrap().len(),
            1
        );
        assert!(tx
            .event_candidates(Some(p), EventKind::Conference, None, PartialDate::parse("2023-10"))
            .unwrap()
            .is_empty());
        assert!(tx
            .event_candidates(Some(p), EventKind::Conference, Some(20), PartialDate::parse("2025"))
            .unwrap()
            .is_empty());
        tx.commit().unwrap();
        assert_eq!(s.events(&[p]).unwrap()[0].ordinal, Some(19));
        assert_eq!(s.evidence(FactType::Event, &[id]).unwrap()[0].claim["ordinal"], 19);
        assert_eq!(s.facts_without_evidence().unwrap(), 0);
        assert_eq!(s.unindexed_documents().unwrap(), vec![d]);
        s.mark_indexed(&[d], true).unwrap();
        assert!(s.unindexed_documents().unwrap().is_empty());
    }

    #[test]
    fn a_kept_statement_is_prepared_once_and_stays_usable_after_a_failed_run() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (k TEXT NOT NULL UNIQUE)").unwrap();
        let kept = Kept { conn: &conn, statements: Default::default() };
        const INSERT: &str = "INSERT INTO t (k) VALUES (?1)";
        const COUNT: &str = "SELECT count(*) FROM t WHERE k <> ?1";
        for k in ["a", "b"] {
            assert_eq!(kept.with(INSERT, |s| s.execute([k])).unwrap(), 1);
        }
        assert!(kept.with(INSERT, |s| s.execute(["a"])).is_err(), "a duplicate is refused");
        assert_eq!(kept.with(INSERT, |s| s.execute(["c"])).unwrap(), 1);
        let n: i64 = kept.with(COUNT, |s| s.query_row(["z"], |r| r.get(0))).unwrap();
        assert_eq!(n, 3);
        // one statement per text, however often it ran
        assert_eq!(kept.statements.borrow().len(), 2);
        // the same text at another address is another entry, never another statement's
        let other = String::from(COUNT);
        let n: i64 = kept.with(other.leak(), |s| s.query_row(["a"], |r| r.get(0))).unwrap();
        assert_eq!((n, kept.statements.borrow().len()), (2, 3));
    }

    #[test]
    fn an_organisation_made_in_an_undone_savepoint_is_made_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = SqliteStore::open(&dir.path().join("s.db")).unwrap();
        let mut tx = s.begin().unwrap();
        let person = StoredPerson { id: 0, name: "Nguyễn Văn A".into(), country: Some("VN".into()), place: None };
        let id = tx.insert_person("nguyen van a|vn", &person).unwrap();
        let role = |title: &str| Role {
            person: id,
            title: title.into(),
            office: "Trưởng ban".into(),
            organisation: Some("Ban Đối ngoại".into()),
            first_seen: PartialDate::parse("2024"),
            last_seen: PartialDate::parse("2024"),
        };
        tx.savepoint().unwrap();
        tx.upsert_role(&role("Trưởng ban Đối ngoại")).unwrap();
        tx.rollback_to_savepoint().unwrap();
        tx.upsert_role(&role("Trưởng ban Ban Đối ngoại")).unwrap();
        tx.upsert_role(&role("Trưởng Ban Đối ngoại tỉnh")).unwrap();
        tx.commit().unwrap();
        let rows: Vec<(i64, Option<i64>)> = s
            .conn
            .prepare(
                "SELECT o.id, r.organisation_id FROM roles r LEFT JOIN organisations o ON o.id = r.organisation_id",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|&(org, of)| Some(org) == of), "{rows:?}");
        assert_eq!(rows[0].0, rows[1].0, "one organisation, named twice");
    }

    #[test]
    fn candidates_come_once_each_in_id_order_and_an_undone_partnership_is_made_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = SqliteStore::open(&dir.path().join("s.db")).unwrap();
        let mut tx = s.begin().unwrap();
        let pair = [PlaceId::new("LA-AT"), PlaceId::new("VN-38")];
        let p = tx.partnership_for(&pair).unwrap();
        let event = |ordinal, date| conference(p, ordinal, date, EventStatus::Held);
        // one in each of the three selects: a finer date, the same date, the year alone
        let finer = tx.insert_event(&event(None, "2024-10-15"), None).unwrap();
        let same = tx.insert_event(&event(None, "2024-10"), None).unwrap();
        let year = tx.insert_event(&event(None, "2024"), None).unwrap();
        tx.insert_event(&event(Some(7), "2024-10"), None).unwrap(); // another number: another meeting
        tx.insert_event(&event(None, "2023-10"), None).unwrap();
        let eighth = tx.insert_event(&event(Some(8), "2019"), None).unwrap(); // by its number alone
        let ids = |v: Vec<StoredEvent>| v.into_iter().map(|e| e.id).collect::<Vec<_>>();
        let found =
            tx.event_candidates(Some(p), EventKind::Conference, Some(8), PartialDate::parse("2024-10")).unwrap();
        assert_eq!(ids(found), vec![finer, same, year, eighth]);

        // signed in a listed year and starting in one: found by two selects, listed once
        let agreement = |signed: Option<&str>, period: Option<(i16, i16)>| StoredAgreement {
            id: 0,
            partnership: Some(p),
            kind: AgreementKind::Mou,
            signed: signed.and_then(PartialDate::parse),
            period: period.map(|(first, last)| Period { first, last }),
        };
        let both = tx.insert_agreement(&agreement(Some("2022-08-18"), Some((2022, 2027))), None).unwrap();
        let undated = tx.insert_agreement(&agreement(None, None), None).unwrap();
        let starting = tx.insert_agreement(&agreement(None, Some((2022, 2026))), None).unwrap();
        let found = tx.agreement_candidates(Some(p), AgreementKind::Mou, &[2022, 2021], None).unwrap();
        assert_eq!(found.iter().map(|a| a.id).collect::<Vec<_>>(), vec![both, undated, starting]);
        // a year listed twice (signed in the year the period starts) is asked once
        let again = tx.agreement_candidates(Some(p), AgreementKind::Mou, &[2022, 2023, 2022, 2021], None).unwrap();
        assert_eq!(again, found);

        // a partnership made in a savepoint that is undone is not handed out again
        let other = [PlaceId::new("LA-XE"), PlaceId::new("VN-28")];
        tx.savepoint().unwrap();
        let undone = tx.partnership_for(&other).unwrap();
        assert_eq!(tx.partnership_for(&other).unwrap(), undone);
        tx.rollback_to_savepoint().unwrap();
        let again = tx.partnership_for(&other).unwrap();
        assert_eq!(tx.partnership_for(&pair).unwrap(), p);
        tx.commit().unwrap();
        let kept: Vec<PartnershipId> = s.partnerships().unwrap().into_iter().map(|x| x.id).collect();
        assert!(kept.contains(&again) && kept.contains(&p), "{kept:?}");
        assert_eq!(kept.len(), 2);
    }

    #[test]
    fn agreement_candidates_hold_every_agreement_a_mention_can_be() {
        // Random agreements and mentions (signed to the year, month or day, with or without a
        // period): the candidates that `same_agreement` accepts are all the stored ones it accepts.
        let dir = tempfile::tempdir().unwrap();
        let mut s = SqliteStore::open(&dir.path().join("s.db")).unwrap();
        let mut tx = s.begin().unwrap();
        let p = tx.partnership_for(&[PlaceId::new("LA-AT"), PlaceId::new("VN-38")]).unwrap();
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n) as i16
        };
        let mut random = || {
            let year = 2019 + next(6);
            let signed = match next(4) {
                0 => None,
                1 => PartialDate::parse(&year.to_string()),
                2 => PartialDate::parse(&format!("{year}-{:02}", 1 + next(3))),
                _ => PartialDate::parse(&format!("{year}-{:02}-{:02}", 1 + next(3), 1 + next(3))),
            };
            let period = (next(3) > 0).then(|| {
                let first = 2019 + next(6);
                Period { first, last: first + 4 + next(2) }
            });
            StoredAgreement { id: 0, partnership: Some(p), kind: AgreementKind::Mou, signed, period }
        };
        let mut stored = Vec::new();
        for _ in 0..300 {
            let a = random();
            stored.push(StoredAgreement { id: tx.insert_agreement(&a, None).unwrap(), ..a });
        }
        let mut unsigned_candidates_skipped = 0;
        for _ in 0..400 {
            let new = random();
            // the years `ingest` asks for
            let mut years = Vec::new();
            if let Some(d) = new.signed {
                years.extend([d.year, d.year + 1]);
            }
            if let Some(period) = new.period {
                years.extend([period.first, period.first - 1]);
            }
            let found = tx.agreement_candidates(Some(p), AgreementKind::Mou, &years, new.signed).unwrap();
            let same = |v: &[StoredAgreement]| -> Vec<FactId> {
                v.iter().filter(|a| hoptac_store::matching::same_agreement(a, &new)).map(|a| a.id).collect()
            };
            if years.is_empty() {
                continue; // an undated mention takes the latest: not a set to compare
            }
            assert_eq!(same(&found), same(&stored), "{new:?}");
            unsigned_candidates_skipped += usize::from(new.signed.is_some() && found.len() < stored.len());
        }
        assert!(unsigned_candidates_skipped > 0);
    }

    /// A record of one generated document (`{i}.txt`) with these meetings and figures.
    fn record_of(
        i: usize,
        published: Option<PartialDate>,
        events: Vec<hoptac_core::Event>,
        figures: Vec<hoptac_core::Figure>,
    ) -> hoptac_core::ExtractRecord {
        hoptac_core::ExtractRecord {
            format: "hoptac.extract/1".into(),
            document: hoptac_core::DocumentMeta {
                source: format!("{i}.txt"),
                title: None,
                published,
                language: "vi".into(),
                encoding: "utf-8".into(),
                length: 9,
                article_end: 9,
            },
            places: vec![],
            people: vec![],
            events,
            agreements: vec![],
            figures,
            diagnostics: vec![],
        }
    }

    #[test]
    fn facts_kept_for_a_transaction_are_what_the_store_would_give() {
        // Random documents of figures (commitments, results and standing figures of two units,
        // with and without periods, some "each year") and meetings (two kinds, with and without
        // ordinals, dated to the year, month or day, some with a venue), stored in one
        // transaction with what was read kept between its documents (`ingest_with`), and into
        // another store each document asking the store afresh (`ingest`): the same facts, links,
        // counts and touched facts.
        use hoptac_core::{Event, ExtractRecord, Figure, FigureKind, Unit};
        use hoptac_store::ingest::{ingest, ingest_with, Known};
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n) as i16
        };
        let (at, kt) = (PlaceId::new("LA-AT"), PlaceId::new("VN-28"));
        let documents: Vec<(NewDocument, ExtractRecord)> = (0..150)
            .map(|i| {
                let year = 2020 + next(6);
                let published = PartialDate::parse(&format!("{year}-0{}", 1 + next(9)));
                let figures = (0..1 + next(4))
                    .map(|_| Figure {
                        kind: [FigureKind::Commitment, FigureKind::Result, FigureKind::Fact][next(3) as usize],
                        value: [10.0, 20.0, 585e6][next(3) as usize],
                        unit: [Unit::Scholarship, Unit::Vnd][next(2) as usize],
                        from: if next(2) == 0 { vec![kt.clone()] } else { vec![] },
                        to: vec![at.clone()],
                        period: (next(3) == 0).then(|| {
                            let first = 2019 + next(5);
                            Period { first, last: first + 4 }
                        }),
                        per_year: next(3) == 0,
                        quantity: "10 suất".into(),
                        confidence: 0.9,
                        evidence: "Câu có con số.".into(),
                        span: Span { start: 0, end: 3 },
                    })
                    .collect();
                let events = (0..next(4))
                    .map(|_| {
                        let y = 2020 + next(4);
                        let date = match next(4) {
                            0 => None,
                            1 => PartialDate::parse(&y.to_string()),
                            2 => PartialDate::parse(&format!("{y}-{:02}", 9 + next(2))),
                            _ => PartialDate::parse(&format!("{y}-{:02}-{:02}", 9 + next(2), 1 + next(2))),
                        };
                        Event {
                            kind: [EventKind::Conference, EventKind::Talks][next(2) as usize],
                            ordinal: (next(2) == 0).then(|| 10 + next(4) as u32),
                            date,
                            place: (next(3) == 0).then(|| [at.clone(), kt.clone()][next(2) as usize].clone()),
                            status: [EventStatus::Held, EventStatus::Planned][next(2) as usize],
                            parties: vec![at.clone(), kt.clone()],
                            confidence: 0.8,
                            evidence: "Hội nghị.".into(),
                            span: Span { start: 0, end: 3 },
                        }
                    })
                    .collect();
                (NewDocument { hash: format!("h{i}"), published, ..doc("") }, record_of(i, published, events, figures))
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let stored = |kept: bool| {
            let mut s = SqliteStore::open(&dir.path().join(format!("{kept}.db"))).unwrap();
            let mut tx = s.begin().unwrap();
            let mut known = Known::default();
            let mut total = IngestStats::default();
            // what each document touched, as the index is told (changed: its entry is written)
            let mut touched = Vec::new();
            for (d, r) in &documents {
                let outcome = if kept { ingest_with(tx.as_mut(), &mut known, d, r) } else { ingest(tx.as_mut(), d, r) };
                let outcome = outcome.unwrap();
                total += outcome.stats;
                touched.push(outcome.touched);
            }
            tx.commit().unwrap();
            let p = s.reader().partnerships().unwrap().iter().map(|p| p.id).collect::<Vec<_>>();
            (total, s.reader().figures(&p).unwrap(), s.reader().events(&p).unwrap(), touched)
        };
        let (with, without) = (stored(true), stored(false));
        assert_eq!(with, without);
        let (stats, figures, events, touched) = with;
        let changed_events = touched.iter().flatten().filter(|t| t.changed && matches!(t.fact, StoredFact::Event(_)));
        assert!(changed_events.count() > events.len(), "events merged into and changed: {}", events.len());
        assert!(stats.linked > 3 && stats.merged > 20, "{stats:?}");
        assert!(figures.iter().filter(|f| f.fulfils.is_some()).count() > 3);
        assert!(figures.iter().any(|f| f.per_year) && figures.iter().any(|f| !f.per_year));
    }

    #[test]
    fn evidence_keeps_what_each_fact_claimed_whoever_planned_the_record() {
        // An ingest plans a record on its extraction threads (`Plan::of`) and hands the plan to
        // the writer; a plan that does not fit the record (here: an empty one) is made again.
        use hoptac_core::{Agreement, AgreementKind, Event, Person};
        use hoptac_store::ingest::{ingest_planned, Known, Plan};
        let parties = vec![PlaceId::new("VN-28"), PlaceId::new("LA-XE")];
        let meeting = Event {
            kind: EventKind::Conference,
            ordinal: Some(18),
            date: PartialDate::parse("2024-10-15"),
            place: Some(PlaceId::new("VN-28")),
            status: EventStatus::Held,
            parties: parties.clone(),
            confidence: 0.9,
            evidence: "Hội nghị.".into(),
            span: Span { start: 0, end: 3 },
        };
        // minutes the text leaves undated: those of the meeting held
        let minutes = Agreement {
            kind: AgreementKind::Minutes,
            signed: None,
            period: None,
            parties: parties.clone(),
            confidence: 0.8,
            evidence: "Hội nghị.".into(),
            span: Span { start: 0, end: 3 },
        };
        let person = Person {
            name: "Nguyễn Văn A".into(),
            country: Some("VN".into()),
            place: None,
            titles: vec!["Chủ tịch UBND tỉnh".into()],
            confidence: 0.9,
            evidence: "Hội nghị.".into(),
            span: Span { start: 0, end: 3 },
        };
        let mut r = record_of(1, PartialDate::parse("2024-10-16"), vec![meeting], vec![]);
        r.agreements = vec![minutes];
        r.people = vec![person];
        for plan in [Plan::of(&r), Plan::default()] {
            let dir = tempfile::tempdir().unwrap();
            let mut s = SqliteStore::open(&dir.path().join("s.db")).unwrap();
            let mut tx = s.begin().unwrap();
            let doc = ingest_planned(tx.as_mut(), &mut Known::default(), &doc("h"), &r, &plan).unwrap().doc;
            tx.commit().unwrap();
            let rows = s.reader().evidence_of_document(doc).unwrap();
            let claim = |t: FactType| rows.iter().find(|e| e.fact_type == t).map(|e| e.claim.clone()).unwrap();
            assert_eq!(
                claim(FactType::Event),
                serde_json::json!({"kind": "conference", "ordinal": 18, "date": "2024-10-15", "place": "VN-28",
                    "status": "held", "parties": ["VN-28", "LA-XE"]})
            );
            assert_eq!(
                claim(FactType::Agreement),
                serde_json::json!({"kind": "minutes", "signed": "2024-10-15", "period": null,
                    "parties": ["VN-28", "LA-XE"]})
            );
            assert_eq!(claim(FactType::Person)["titles"], serde_json::json!(["Chủ tịch UBND tỉnh"]));
            assert_eq!(rows.len(), 3);
            // the meeting and the minutes found their partnership by the parties' set; the
            // person is kept by key, the title read as office and organisation
            let partnerships: (i64, i64) = s
                .conn
                .query_row(
                    "SELECT count(p), count(DISTINCT p)
                     FROM (SELECT partnership_id AS p FROM events UNION ALL SELECT partnership_id FROM agreements)",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .unwrap();
            assert_eq!(partnerships, (2, 1));
            let role: (String, String, String) = s
                .conn
                .query_row(
                    "SELECT p.key, r.office, o.name FROM people p JOIN roles r ON r.person_id = p.id
                     JOIN organisations o ON o.id = r.organisation_id",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .unwrap();
            assert_eq!(role, ("nguyen van a|VN".into(), "Chủ tịch".into(), "UBND tỉnh".into()));
        }
    }

    #[test]
    fn figures_kept_from_one_transaction_to_the_next_are_read_again_after_another_writer() {
        use hoptac_core::{Figure, FigureKind, Unit};
        use hoptac_store::ingest::{ingest_with, Known};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let promise = |i: usize, first: i16| {
            let figure = Figure {
                kind: FigureKind::Commitment,
                value: 10.0,
                unit: Unit::Scholarship,
                from: vec![PlaceId::new("VN-28")],
                to: vec![PlaceId::new("LA-XE")],
                period: Some(Period { first, last: first + 4 }),
                per_year: false,
                quantity: "10 suất".into(),
                confidence: 0.9,
                evidence: "Mười suất học bổng.".into(),
                span: Span { start: 0, end: 3 },
            };
            (doc(&format!("h{i}")), record_of(i, PartialDate::parse("2024-10-15"), vec![], vec![figure]))
        };
        let mut s = SqliteStore::open(&path).unwrap();
        let mut kept = Known::default();
        let store = |s: &mut SqliteStore, kept: &mut Known, i: usize, first: i16| {
            let mut tx = s.begin().unwrap();
            kept.begin(tx.as_ref()).unwrap();
            let (d, r) = promise(i, first);
            let stats = ingest_with(tx.as_mut(), kept, &d, &r).unwrap().stats;
            tx.commit().unwrap();
            stats
        };
        assert_eq!(store(&mut s, &mut kept, 1, 2022).added, 1);
        assert_eq!(store(&mut s, &mut kept, 2, 2022).merged, 1);
        // nobody else wrote: what the first transaction read is still kept
        let tx = s.begin().unwrap();
        kept.begin(tx.as_ref()).unwrap();
        assert_eq!(kept.figures_kept(), 1);
        drop(tx);
        // another connection corrects the promise's period
        let mut other = SqliteStore::open(&path).unwrap();
        let mut tx = other.begin().unwrap();
        let mut f = tx.figures_of_kind(FigureKind::Commitment).unwrap().remove(0);
        f.period = Some(Period { first: 2023, last: 2027 });
        tx.update_figure(&f).unwrap();
        tx.commit().unwrap();
        // the next transaction reads it again: a mention of the corrected period is the same promise
        let stats = store(&mut s, &mut kept, 3, 2023);
        assert_eq!((stats.added, stats.merged), (0, 1));
        assert_eq!(store(&mut s, &mut kept, 4, 2022).added, 1, "the old period is no longer known");
    }

    #[test]
    fn the_review_queue_shows_the_least_certain_first() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = SqliteStore::open(&dir.path().join("s.db")).unwrap();
        let mut tx = s.begin().unwrap();
        let p = tx.partnership_for(&[PlaceId::new("LA-XE"), PlaceId::new("VN-28")]).unwrap();
        let event = |year| conference(p, None, year, EventStatus::Held);
        // a fact found by a reading is written with its confidence, or given it after
        let sure = tx.insert_event(&event("2022"), None).unwrap();
        let unsure = tx.insert_event(&event("2023"), Some(0.4)).unwrap();
        let middle = tx.insert_event(&event("2024"), Some(0.6)).unwrap();
        tx.raise_confidence(FactType::Event, sure, 0.9).unwrap();
        // a second reading never lowers what a fact was given
        tx.raise_confidence(FactType::Event, middle, 0.5).unwrap();
        tx.raise_confidence(FactType::Event, sure, 0.1).unwrap();
        tx.commit().unwrap();
        let queue: Vec<FactId> = s.review_queue(10, None).unwrap().into_iter().map(|(_, id)| id).collect();
        assert_eq!(queue, vec![unsure, middle, sure]);
        assert_eq!(s.review_queue(1, None).unwrap().len(), 1);
        // A reviewer's queue holds only the facts of their partnerships.
        let mine: Vec<FactId> = s.review_queue(10, Some(&[p])).unwrap().into_iter().map(|(_, id)| id).collect();
        assert_eq!(mine, vec![unsure, middle, sure]);
        assert!(s.review_queue(10, Some(&[p + 1])).unwrap().is_empty());
        assert_eq!((s.pending_reviews(Some(&[p])).unwrap(), s.pending_reviews(Some(&[])).unwrap()), (3, 0));
    }

    #[test]
    fn every_kind_of_fact_added_raises_its_partnership_version_once_per_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = SqliteStore::open(&dir.path().join("s.db")).unwrap();
        let mut tx = s.begin().unwrap();
        let p = tx.partnership_for(&[PlaceId::new("LA-XE"), PlaceId::new("VN-28")]).unwrap();
        let q = tx.partnership_for(&[PlaceId::new("LA-AT"), PlaceId::new("VN-38")]).unwrap();
        let r = tx.partnership_for(&[PlaceId::new("LA-SL"), PlaceId::new("VN-46")]).unwrap();
        tx.commit().unwrap();
        let mut tx = s.begin().unwrap();
        let agreement =
            StoredAgreement { id: 0, partnership: Some(q), kind: AgreementKind::Mou, signed: None, period: None };
        tx.insert_agreement(&agreement, None).unwrap();
        tx.insert_agreement(&agreement, None).unwrap();
        tx.insert_figure(
            &StoredFigure {
                id: 0,
                partnership: Some(r),
                kind: FigureKind::Commitment,
                unit: Unit::Scholarship,
                value: 30.0,
                from: vec![],
                to: vec![],
                period: None,
                year: Some(2024),
                quantity: "30 suất".into(),
                fulfils: None,
                per_year: false,
            },
            None,
        )
        .unwrap();
        tx.commit().unwrap();
        let mut v = s.partnership_versions().unwrap().unwrap();
        v.sort();
        assert_eq!(v, vec![(q, 1), (r, 1)], "p had nothing added");
        assert!(!v.iter().any(|(id, _)| *id == p));
    }

    /// Every index of the store: name and statement.
    fn indexes(c: &Connection) -> Vec<(String, String)> {
        let mut stmt = c
            .prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(|r| r.unwrap()).collect()
    }

    #[test]
    fn no_index_a_query_names_is_deferred() {
        // `INDEXED BY` a missing index is an error, not a slower plan.
        let sources = [include_str!("lib.rs"), include_str!("rows.rs"), include_str!("accounts.rs")];
        for name in DEFERRABLE {
            let named = format!("INDEXED BY {name}");
            assert!(!sources.iter().any(|s| s.contains(&named)), "{named}");
        }
        assert!(include_str!("rows.rs").contains("INDEXED BY agreements_by_signed"), "the search itself is sound");
    }

    #[test]
    fn the_queries_that_do_without_index_hints_take_the_indexes_they_were_written_for() {
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStore::open(&dir.path().join("s.db")).unwrap();
        let plan = |sql: &str| -> String {
            let mut stmt = s.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let n = stmt.parameter_count();
            let rows = stmt
                .query_map(params_from_iter(std::iter::repeat_n(1i64, n)), |r| r.get::<_, String>(3))
                .unwrap()
                .map(|r| r.unwrap());
            rows.collect::<Vec<_>>().join("\n")
        };
        let queue = plan(REVIEW_QUEUE);
        for t in ["events", "agreements", "figures"] {
            let by_index = format!("INDEX {t}_pending_by_confidence");
            assert!(
                queue.lines().any(|l| l.starts_with(&format!("SCAN {t} USING ")) && l.ends_with(&by_index)),
                "{queue}"
            );
        }
        for sql in [
            format!("{EVIDENCE_SELECT} {PEOPLE_BY_DOCUMENT} document_id IN (?, ?, ?, ?)"),
            format!("{PEOPLE_SOURCES_BY_DOCUMENT} document_id IN (?, ?)"),
        ] {
            let p = plan(&sql);
            assert!(p.contains("evidence_by_document_type (document_id=? AND fact_type=?)"), "{sql}: {p}");
        }
    }

    #[test]
    fn a_bulk_load_builds_the_indexes_it_deferred_even_after_stopping_midway() {
        use hoptac_store::Backend;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let mut s = SqliteStore::open(&path).unwrap();
        let whole = indexes(&s.conn);
        assert!(s.defer_indexes().unwrap());
        let mut missing: Vec<String> =
            whole.iter().filter(|i| !indexes(&s.conn).contains(i)).map(|(name, _)| name.clone()).collect();
        missing.sort();
        let mut deferrable = DEFERRABLE.map(String::from).to_vec();
        deferrable.sort();
        assert_eq!(missing, deferrable);
        assert!(!s.defer_indexes().unwrap(), "nothing left to drop");
        // Written and read without them: the same answers.
        let mut tx = s.begin().unwrap();
        let d = tx.insert_document(&doc("h")).unwrap();
        let p = tx.partnership_for(&[PlaceId::new("LA-XE"), PlaceId::new("VN-28")]).unwrap();
        let planned = tx.insert_event(&conference(p, Some(19), "2025", EventStatus::Planned), Some(0.5)).unwrap();
        let evidence = Evidence {
            fact_type: FactType::Event,
            fact_id: planned,
            document: d,
            span: Span::new(0, 5),
            sentence: "Hội nghị.".into(),
            sentence_at: None,
            claim: serde_json::json!({}),
        };
        tx.add_evidence(&evidence).unwrap();
        tx.commit().unwrap();
        let answers = |s: &SqliteStore| {
            let planned: Vec<FactId> = s.planned_events().unwrap().iter().map(|e| e.id).collect();
            let sources: Vec<DocId> =
                s.evidence(FactType::Event, &[planned[0]]).unwrap().iter().map(|e| e.document).collect();
            (planned, sources, s.review_queue(10, None).unwrap())
        };
        let found = answers(&s);
        assert_eq!(found, (vec![planned], vec![d], vec![(FactType::Event, planned)]));
        let settings = |s: &SqliteStore| {
            ["mmap_size", "temp_store", "threads"]
                .map(|name| s.conn.pragma_query_value(None, name, |r| r.get::<_, i64>(0)).unwrap())
        };
        let writing = settings(&s);
        s.restore_indexes().unwrap();
        assert_eq!(settings(&s), writing, "the build's settings are put back");
        assert_eq!(indexes(&s.conn), whole, "the same statements, built again");
        assert_eq!(answers(&s), found);
        s.restore_indexes().unwrap();

        // A run that stopped before its end: readers do without them, the next writer builds them.
        assert!(s.defer_indexes().unwrap());
        drop(s);
        let r = SqliteStore::open_read_only(&path).unwrap();
        assert_eq!(answers(&r), found);
        assert!(indexes(&r.conn).len() < whole.len());
        drop(r);
        let s = SqliteStore::open(&path).unwrap();
        assert_eq!(indexes(&s.conn), whole);
        assert!(deferred(&s.conn, &path).unwrap().is_empty(), "built and forgotten");
        drop(s);

        // What is left to build is only ever an index: anything else is refused, naming the file.
        let c = Connection::open(&path).unwrap();
        c.execute("INSERT INTO meta (key, value) VALUES (?1, '[\"DROP TABLE evidence\"]')", [DEFERRED_KEY]).unwrap();
        drop(c);
        match SqliteStore::open(&path) {
            Err(StoreError::Damaged { path: named, reason }) => {
                assert_eq!(named, path.display().to_string());
                assert!(reason.contains("not an index"), "{reason}");
            }
            Err(other) => panic!("{other}"),
            Ok(_) => panic!("a store asking to run any statement was opened"),
        }
        let c = Connection::open(&path).unwrap();
        let tables: i64 =
            c.query_row("SELECT count(*) FROM sqlite_schema WHERE name = 'evidence'", [], |r| r.get(0)).unwrap();
        assert_eq!(tables, 1);
    }

    #[test]
    fn versions_follow_facts_their_evidence_and_people() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = SqliteStore::open(&dir.path().join("s.db")).unwrap();
        let versions = |s: &SqliteStore| -> Vec<(PartnershipId, i64)> {
            let mut v = s.partnership_versions().unwrap().unwrap();
            v.sort();
            v
        };
        let mut tx = s.begin().unwrap();
        let d = tx.insert_document(&doc("h")).unwrap();
        let p = tx.partnership_for(&[PlaceId::new("LA-XE"), PlaceId::new("VN-28")]).unwrap();
        let q = tx.partnership_for(&[PlaceId::new("LA-AT"), PlaceId::new("VN-28")]).unwrap();
        let mut e = conference(p, Some(19), "2024", EventStatus::Planned);
        e.id = tx.insert_event(&e, None).unwrap();
        let other = tx.insert_event(&StoredEvent { partnership: Some(q), ..e.clone() }, None).unwrap();
        tx.commit().unwrap();
        assert_eq!(versions(&s), vec![(p, 1), (q, 1)]);
        assert_eq!(s.people_version().unwrap(), Some(0));
        let mut tx = s.begin().unwrap();
        tx.raise_confidence(FactType::Event, e.id, 0.9).unwrap();
        tx.commit().unwrap();
        assert_eq!(versions(&s), vec![(p, 1), (q, 1)], "confidence alone changes nothing shown");
        let evidence = |fact_type, fact_id| Evidence {
            fact_type,
            fact_id,
            document: d,
            span: Span::new(0, 5),
            sentence: "Hội nghị.".into(),
            sentence_at: None,
            claim: serde_json::json!({}),
        };
        let mut tx = s.begin().unwrap();
        tx.add_evidence(&evidence(FactType::Event, e.id)).unwrap();
        tx.commit().unwrap();
        assert_eq!(versions(&s), vec![(p, 2), (q, 1)], "a new source of a fact");
        let mut tx = s.begin().unwrap();
        tx.update_event(&StoredEvent { status: EventStatus::Held, ..e.clone() }).unwrap();
        tx.commit().unwrap();
        assert_eq!(versions(&s), vec![(p, 3), (q, 1)]);
        let mut tx = s.begin().unwrap();
        tx.update_event(&StoredEvent { id: other, partnership: Some(p), ..e.clone() }).unwrap();
        tx.commit().unwrap();
        assert_eq!(versions(&s), vec![(p, 4), (q, 2)], "a fact moved: both partnerships change");
        let mut tx = s.begin().unwrap();
        let person = StoredPerson { id: 0, name: "Nguyễn Văn A".into(), country: Some("VN".into()), place: None };
        let who = tx.insert_person("nguyen van a|VN", &person).unwrap();
        tx.add_evidence(&evidence(FactType::Person, who)).unwrap();
        tx.commit().unwrap();
        assert_eq!(versions(&s), vec![(p, 4), (q, 2)], "people belong to no partnership");
        assert_eq!(s.people_version().unwrap(), Some(1), "a person and a source of one: raised once, at commit");
    }

    #[test]
    fn a_sentence_kept_as_a_range_is_read_back_through_every_path() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = SqliteStore::open(&dir.path().join("s.db")).unwrap();
        let text = "Mở đầu. Hai bên ký kết biên bản. Kết thúc.";
        let (want, other) = ("Hai bên ký kết biên bản.", "Một câu chép lại.");
        let at = text.find(want).unwrap();
        let mut tx = s.begin().unwrap();
        let d = tx.insert_document(&NewDocument { text: text.into(), ..doc("h") }).unwrap();
        let p = tx.partnership_for(&[PlaceId::new("LA-XE"), PlaceId::new("VN-28")]).unwrap();
        let id = tx.insert_event(&conference(p, Some(19), "2024", EventStatus::Planned), None).unwrap();
        let person = StoredPerson { id: 0, name: "Nguyễn Văn A".into(), country: Some("VN".into()), place: None };
        let who = tx.insert_person("nguyen van a|VN", &person).unwrap();
        let kept = |fact_type, fact_id| Evidence {
            fact_type,
            fact_id,
            document: d,
            span: Span::new(at + 4, at + 8),
            sentence: String::new(),
            sentence_at: Some(Span::new(at, at + want.len())),
            claim: serde_json::json!({"ordinal": 19}),
        };
        tx.add_evidence(&kept(FactType::Event, id)).unwrap();
        tx.add_evidence(&kept(FactType::Person, who)).unwrap();
        // one written as text (a row of an older store, or one whose sentence was not found)
        tx.add_evidence(&Evidence { sentence: other.into(), sentence_at: None, ..kept(FactType::Event, id) }).unwrap();
        tx.commit().unwrap();
        let stored: Vec<String> =
            query(&s.conn, "SELECT sentence FROM evidence ORDER BY id", [], |r| r.get(0)).unwrap();
        assert_eq!(stored, ["", "", other], "a range is not copied");
        let sentences = |rows: &[Evidence]| rows.iter().map(|e| e.sentence.clone()).collect::<Vec<_>>();
        assert_eq!(sentences(&s.evidence(FactType::Event, &[id]).unwrap()), [want, other]);
        assert_eq!(sentences(&s.evidence_page(FactType::Event, id, 1, 5).unwrap().0), [other]);
        assert_eq!(sentences(&s.evidence_digest(FactType::Event, &[id], 1).unwrap().first), [want]);
        assert_eq!(sentences(&s.evidence_of_document(d).unwrap()), [want, want, other]);
        assert_eq!(sentences(&s.people_evidence_in(&[d]).unwrap()), [want]);
        assert_eq!(sentences(&s.people_sources_in(&[d], 1).unwrap().0), [want]);
        assert_eq!(s.evidence(FactType::Event, &[id]).unwrap()[0].sentence_at, Some(Span::new(at, at + want.len())));
        // A damaged range: found by the check, and a read says which fact and document.
        assert_eq!(s.sentences_outside_documents().unwrap(), 0);
        let inside = text.find('ê').unwrap() + 1; // the second byte of ê
        s.conn.execute("UPDATE evidence SET sentence_start = ?1 WHERE id = 1", [inside as i64]).unwrap();
        assert_eq!(s.sentences_outside_documents().unwrap(), 1);
        s.conn.execute("UPDATE evidence SET sentence_end = 10000 WHERE id = 2", []).unwrap();
        assert_eq!(s.sentences_outside_documents().unwrap(), 2);
        let err = s.evidence(FactType::Event, &[id]).unwrap_err().to_string();
        assert!(err.contains(&format!("document {d}")), "{err}");
    }

    #[test]
    fn a_read_only_store_cannot_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        drop(SqliteStore::open(&path).unwrap());
        let mut s = SqliteStore::open_read_only(&path).unwrap();
        assert!(s.begin().and_then(|mut tx| tx.insert_document(&doc("h"))).is_err());
        assert!(matches!(SqliteStore::open_read_only(&dir.path().join("none.db")), Err(StoreError::Missing { .. })));
    }
}
