//! The PostgreSQL backend of the record store: the repository traits of `hoptac-store` on a
//! PostgreSQL database, for a province that runs one store for all its departments with several
//! `hoptac serve` in front of it and ingests running while people work.
//!
//! - Versioned migrations (`migrations/*.sql`) applied under an advisory lock; `hoptac_meta`
//!   names the application and the schema version: a database of another application, or of a
//!   newer hoptac, is refused with the reason.
//! - Writers take one advisory lock for the length of their transaction (as SQLite's writers
//!   take its write lock): two ingests and the servers' decisions never interleave their merges,
//!   so no meeting, agreement or figure is stored twice; a writer waits at most 10 s.
//! - Every write transaction bumps the store's generation (`hoptac_meta`), which servers read
//!   to know their cached pages are stale.

mod accounts;
mod rows;
mod transfer;

use std::cell::RefCell;
use std::collections::HashMap;

use hoptac_core::{AgreementKind, EventKind, FigureKind, PartialDate, PlaceId, Unit};
use hoptac_store::model::*;
use hoptac_store::{Reader, Result, Store, StoreError, WriteTx};
use postgres::types::ToSql;
use postgres::{Client, NoTls, Row, Statement};

use rows::*;

/// The schema version this build creates and reads.
pub fn schema_version() -> i64 {
    MIGRATIONS.len() as i64
}

const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_store.sql"),
    include_str!("../migrations/0002_per_year.sql"),
    include_str!("../migrations/0003_partnership_versions.sql"),
    include_str!("../migrations/0004_evidence_and_people_versions.sql"),
    include_str!("../migrations/0005_sentences_as_ranges.sql"),
    include_str!("../migrations/0006_unsigned_agreements_by_period.sql"),
];

/// Wait for changes other processes commit (`NOTIFY hoptac_changes`): `on_change` is called on
/// a thread of its own after each (and once a second at most when none come, so that a missed
/// notice is never waited on for long); the connection is made again when it drops.
pub fn listen(url: &str, on_change: impl Fn() + Send + 'static) {
    let url = url.to_string();
    std::thread::spawn(move || loop {
        let client = connect(&url).and_then(|mut c| c.batch_execute("LISTEN hoptac_changes").map(|_| c).map_err(e));
        let mut client = match client {
            Ok(c) => c,
            Err(_) => {
                std::thread::sleep(std::time::Duration::from_secs(1));
                continue;
            }
        };
        loop {
            use postgres::fallible_iterator::FallibleIterator;
            let mut notices = client.notifications();
            let mut it = notices.timeout_iter(std::time::Duration::from_secs(1));
            match it.next() {
                // A notice, or a quiet second: look for changes either way.
                Ok(_) => on_change(),
                Err(_) => break, // the connection dropped: connect again
            }
        }
    });
}

/// Advisory lock keys: schema work, and writing the record.
const LOCK_MIGRATE: i64 = 0x686f_7074_0001;
pub(crate) const LOCK_WRITE: i64 = 0x686f_7074_0002;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_is_asked_for_in_the_url() {
        assert_eq!(tls_params("postgres://h/db"), ("postgres://h/db".into(), false, None));
        assert_eq!(
            tls_params("postgres://u@h/db?sslmode=verify-full&sslrootcert=/etc/ca.pem&connect_timeout=5"),
            ("postgres://u@h/db?connect_timeout=5".into(), true, Some("/etc/ca.pem".into()))
        );
        assert_eq!(tls_params("postgres://h/db?sslmode=require"), ("postgres://h/db".into(), true, None));
        assert_eq!(tls_params("postgres://h/db?sslmode=disable"), ("postgres://h/db".into(), false, None));
        assert_eq!(redact("postgres://hoptac:s3cret@db.lan/x"), "postgres://hoptac@db.lan/x");
    }

    /// With the server's certificate as the root (Debian's PostgreSQL serves a self-signed one for
    /// `localhost`), the connection is encrypted and the certificate checked; without it, refused.
    #[test]
    fn tls_connections_check_the_server_certificate() {
        let cert = "/etc/ssl/certs/ssl-cert-snakeoil.pem";
        let admin =
            std::env::var("HOPTAC_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let Ok(mut c) = Client::connect(&admin, NoTls) else {
            eprintln!("NOT RUN: no PostgreSQL at {admin}");
            return;
        };
        let ssl: String = c.query_one("SHOW ssl", &[]).map(|r| r.get(0)).unwrap_or_default();
        if ssl != "on" || !std::path::Path::new(cert).is_file() {
            eprintln!("NOT RUN: the server has no TLS certificate of its own here");
            return;
        }
        // A read-only open of an empty database fails after connecting; a write open makes the
        // schema: use a database of our own.
        let name = format!("hoptac_tls{}", std::process::id());
        let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {name}"));
        c.batch_execute(&format!("CREATE DATABASE {name}")).expect("create");
        let url = |q: &str| format!("postgres://postgres@localhost:5432/{name}?{q}");
        let s = PgStore::open(&url(&format!("sslmode=verify-full&sslrootcert={cert}"))).expect("TLS connection");
        assert!(s.encrypted().expect("pg_stat_ssl"), "encrypted");
        drop(s);
        let err = PgStore::open(&url("sslmode=require")).err().expect("an unknown issuer is refused");
        assert!(err.to_string().contains("certificate"), "{err}");
        let plain = PgStore::open(&format!("postgres://postgres@127.0.0.1:5432/{name}")).expect("plain");
        assert!(!plain.encrypted().expect("pg_stat_ssl"));
        drop(plain);
        let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    }
}

/// Is this a PostgreSQL address (`postgres://…`, `postgresql://…`)?
pub fn is_url(s: &str) -> bool {
    s.starts_with("postgres://") || s.starts_with("postgresql://")
}

/// A URL as messages show it: the password left out.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    match rest.split_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{scheme}://{user}@{host}")
        }
        None => url.to_string(),
    }
}

pub type Params<'a> = [&'a (dyn ToSql + Sync)];

/// What both a connection and a transaction can run: statements prepared once per connection.
pub(crate) trait Conn {
    fn rows(&self, sql: &str, params: &Params) -> Result<Vec<Row>>;
    fn exec(&self, sql: &str, params: &Params) -> Result<u64>;

    fn opt_row(&self, sql: &str, params: &Params) -> Result<Option<Row>> {
        Ok(self.rows(sql, params)?.into_iter().next())
    }
}

/// Prepared statements by text, per connection.
type Cache = RefCell<HashMap<String, Statement>>;

fn prepared(client: &mut impl postgres::GenericClient, cache: &Cache, sql: &str) -> Result<Statement> {
    if let Some(s) = cache.borrow().get(sql) {
        return Ok(s.clone());
    }
    let s = client.prepare(sql).map_err(e)?;
    cache.borrow_mut().insert(sql.to_string(), s.clone());
    Ok(s)
}

pub struct PgStore {
    client: RefCell<Client>,
    cache: Cache,
    url: String,
}

impl Conn for PgStore {
    fn rows(&self, sql: &str, params: &Params) -> Result<Vec<Row>> {
        let mut c = self.client.borrow_mut();
        let st = prepared(&mut *c, &self.cache, sql)?;
        c.query(&st, params).map_err(e)
    }
    fn exec(&self, sql: &str, params: &Params) -> Result<u64> {
        let mut c = self.client.borrow_mut();
        let st = prepared(&mut *c, &self.cache, sql)?;
        c.execute(&st, params).map_err(e)
    }
}

/// What a URL asks of the connection's encryption: `sslmode=require` (or `verify-ca`,
/// `verify-full`) means TLS, with the server's certificate checked against the Mozilla roots or
/// the `sslrootcert=FILE` given (hoptac always checks it); anything else, none. Returns the URL
/// without those two parameters (the driver does not know them all) and the certificate file.
fn tls_params(url: &str) -> (String, bool, Option<String>) {
    let Some((base, query)) = url.split_once('?') else { return (url.to_string(), false, None) };
    let mut tls = false;
    let mut root = None;
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "sslmode" => tls = matches!(v, "require" | "verify-ca" | "verify-full"),
            "sslrootcert" => root = Some(v.to_string()),
            _ => kept.push(pair),
        }
    }
    let url = if kept.is_empty() { base.to_string() } else { format!("{base}?{}", kept.join("&")) };
    (url, tls, root)
}

fn tls_connector(root: Option<&str>) -> Result<tokio_postgres_rustls::MakeRustlsConnect> {
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    match root {
        Some(file) => {
            for cert in rustls::pki_types::CertificateDer::pem_file_iter(file)
                .map_err(|err| StoreError::Backend(format!("sslrootcert {file}: {err}")))?
            {
                let cert = cert.map_err(|err| StoreError::Backend(format!("sslrootcert {file}: {err}")))?;
                roots.add(cert).map_err(|err| StoreError::Backend(format!("sslrootcert {file}: {err}")))?;
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|err| StoreError::Backend(format!("TLS: {err}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

fn connect(url: &str) -> Result<Client> {
    let (plain, tls, root) = tls_params(url);
    let cannot = |err: postgres::Error| {
        StoreError::Backend(format!("cannot connect to {}: {}", redact(url), source_message(&err)))
    };
    let mut client = if tls {
        let mut config: postgres::Config =
            plain.parse().map_err(|err: postgres::Error| StoreError::Backend(format!("{}: {err}", redact(url))))?;
        config.ssl_mode(postgres::config::SslMode::Require);
        config.connect(tls_connector(root.as_deref())?).map_err(cannot)?
    } else {
        Client::connect(&plain, NoTls).map_err(cannot)?
    };
    // Waiting for another writer's lock (or a row lock) gives up after 10 s, as SQLite's writers do.
    client.batch_execute("SET lock_timeout = '10s'; SET statement_timeout = '300s'").map_err(e)?;
    Ok(client)
}

fn source_message(err: &postgres::Error) -> String {
    use std::error::Error;
    match err.source() {
        Some(s) => s.to_string(),
        None => err.to_string(),
    }
}

impl PgStore {
    /// Connect for writing: the schema is created or brought up to date (under a lock, so that
    /// several servers starting at once do it once).
    pub fn open(url: &str) -> Result<Self> {
        let mut client = connect(url)?;
        migrate(&mut client, url)?;
        Ok(PgStore { client: RefCell::new(client), cache: Default::default(), url: url.to_string() })
    }

    /// Connect for reading only: the schema must exist and be current; the session is read-only.
    pub fn open_read_only(url: &str) -> Result<Self> {
        let mut client = connect(url)?;
        let version = check(&mut client, url)?;
        match version {
            None => return Err(StoreError::Missing { path: redact(url) }),
            Some(v) if v < schema_version() => {
                return Err(StoreError::OlderSchema { path: redact(url), found: v, known: schema_version() })
            }
            Some(_) => {}
        }
        client.batch_execute("SET default_transaction_read_only = on").map_err(e)?;
        Ok(PgStore { client: RefCell::new(client), cache: Default::default(), url: url.to_string() })
    }

    /// Is this connection encrypted (TLS)?
    pub fn encrypted(&self) -> Result<bool> {
        let row =
            self.opt_row("SELECT coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false)", &[])?;
        Ok(row.map(|r| col::<bool>(&r, 0)).transpose()?.unwrap_or(false))
    }

    /// The address, without its password.
    pub fn location(&self) -> String {
        redact(&self.url)
    }

    /// A number that grows with every committed write of the record.
    pub fn generation(&self) -> Result<i64> {
        let row = self.opt_row("SELECT value FROM hoptac_meta WHERE key = 'generation'", &[])?;
        let v: String = row.map(|r| r.get(0)).unwrap_or_else(|| "0".into());
        v.parse().map_err(|_| StoreError::Malformed(format!("generation {v:?}")))
    }

    /// Facts with no evidence, other than those a person entered by hand (none, by the store's
    /// invariant).
    pub fn facts_without_evidence(&self) -> Result<i64> {
        let sql = "SELECT
              (SELECT count(*) FROM events x WHERE x.review <> 'manual' AND NOT EXISTS (SELECT 1 FROM evidence v WHERE v.fact_type='event' AND v.fact_id=x.id))
            + (SELECT count(*) FROM agreements x WHERE x.review <> 'manual' AND NOT EXISTS (SELECT 1 FROM evidence v WHERE v.fact_type='agreement' AND v.fact_id=x.id))
            + (SELECT count(*) FROM figures x WHERE x.review <> 'manual' AND NOT EXISTS (SELECT 1 FROM evidence v WHERE v.fact_type='figure' AND v.fact_id=x.id))
            + (SELECT count(*) FROM people x WHERE NOT EXISTS (SELECT 1 FROM evidence v WHERE v.fact_type='person' AND v.fact_id=x.id))";
        Ok(self.rows(sql, &[])?.first().map(|r| r.get::<_, i64>(0)).unwrap_or(0))
    }

    /// Evidence rows whose kept sentence range is not a piece of their document's text: out of
    /// it, reversed, or starting or ending inside a character (a UTF-8 continuation byte).
    pub fn sentences_outside_documents(&self) -> Result<i64> {
        // CASE guards each byte read: PostgreSQL may evaluate the terms of OR in any order.
        let sql = "SELECT count(*) FROM evidence v JOIN documents d ON d.id = v.document_id,
              LATERAL (SELECT convert_to(d.text, 'UTF8') AS b) t
            WHERE v.sentence_start IS NOT NULL AND CASE
                WHEN v.sentence_end IS NULL OR v.sentence_start < 0 OR v.sentence_end < v.sentence_start
                  OR v.sentence_end > octet_length(t.b) THEN true
                ELSE (v.sentence_start < octet_length(t.b) AND get_byte(t.b, v.sentence_start::int) BETWEEN 128 AND 191)
                  OR (v.sentence_end < octet_length(t.b) AND get_byte(t.b, v.sentence_end::int) BETWEEN 128 AND 191)
              END";
        Ok(self.rows(sql, &[])?.first().map(|r| r.get::<_, i64>(0)).unwrap_or(0))
    }
}

/// The version of the hoptac schema in this database (`None`: no hoptac schema and no other
/// tables), or why it cannot be used.
fn check(client: &mut impl postgres::GenericClient, url: &str) -> Result<Option<i64>> {
    let not = |reason: String| StoreError::NotAStore { path: redact(url), reason };
    let has_meta: bool = client.query_one("SELECT to_regclass('hoptac_meta') IS NOT NULL", &[]).map_err(e)?.get(0);
    if !has_meta {
        let tables: i64 = client
            .query_one("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()", &[])
            .map_err(e)?
            .get(0);
        if tables > 0 {
            return Err(not(format!("another application's database ({tables} tables, no hoptac_meta)")));
        }
        return Ok(None);
    }
    let meta: HashMap<String, String> = client
        .query("SELECT key, value FROM hoptac_meta", &[])
        .map_err(e)?
        .into_iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    if meta.get("application").map(String::as_str) != Some("hoptac") {
        return Err(not("hoptac_meta does not name hoptac".into()));
    }
    let version: i64 = meta.get("schema_version").and_then(|v| v.parse().ok()).unwrap_or(0);
    if version > schema_version() {
        return Err(StoreError::NewerSchema { path: redact(url), found: version, known: schema_version() });
    }
    Ok(Some(version))
}

fn migrate(client: &mut Client, url: &str) -> Result<()> {
    let mut tx = client.transaction().map_err(e)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_MIGRATE]).map_err(e)?;
    // Checked again under the lock: another server may have made or upgraded the schema.
    let version = match check(&mut tx, url)? {
        Some(v) => v,
        None => {
            tx.batch_execute(
                "CREATE TABLE hoptac_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                 INSERT INTO hoptac_meta VALUES ('application', 'hoptac'), ('schema_version', '0'), ('generation', '0');",
            )
            .map_err(e)?;
            0
        }
    };
    for (i, m) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        tx.batch_execute(m)
            .map_err(|err| StoreError::Backend(format!("{}: migration {} failed: {err}", redact(url), i + 1)))?;
    }
    tx.execute("UPDATE hoptac_meta SET value = $1 WHERE key = 'schema_version'", &[&schema_version().to_string()])
        .map_err(e)?;
    tx.commit().map_err(e)
}

/// The facts of every partnership that no person rejected, in id order (for the overview).
const STANDING: &str = "WHERE partnership_id IS NOT NULL AND review <> 'rejected' ORDER BY id";
/// The greatest of ISO partial dates as text is the latest (`2024` < `2024-03` < `2024-03-05`;
/// the column compares byte by byte: `COLLATE "C"`).
const AGREEMENT_TALLIES: &str = "SELECT partnership_id, count(*), max(signed) FROM agreements
    WHERE partnership_id IS NOT NULL AND review <> 'rejected' GROUP BY partnership_id ORDER BY partnership_id";

macro_rules! impl_reader {
    ($ty:ty) => {
        impl Reader for $ty {
            fn counts(&self) -> Result<Counts> {
                counts(self)
            }
            fn document_and_fact_counts(&self) -> Result<(usize, usize)> {
                let sql = "SELECT (SELECT count(*) FROM documents),
                    (SELECT count(*) FROM events) + (SELECT count(*) FROM agreements) + (SELECT count(*) FROM figures)";
                let row = self.opt_row(sql, &[])?.ok_or_else(|| StoreError::Backend("no counts".into()))?;
                Ok((col::<i64>(&row, 0)? as usize, col::<i64>(&row, 1)? as usize))
            }
            fn document_by_hash(&self, hash: &str) -> Result<Option<DocId>> {
                self.opt_row("SELECT id FROM documents WHERE hash = $1", &[&hash])?.map(|r| col(&r, 0)).transpose()
            }
            fn document_hashes(&self) -> Result<Vec<String>> {
                all(self, "SELECT hash FROM documents", &[], |r| col(r, 0))
            }
            fn document(&self, id: DocId) -> Result<Option<Document>> {
                document(self, id)
            }
            fn document_summaries(&self, ids: &[DocId]) -> Result<Vec<DocumentSummary>> {
                self.rows("SELECT id, source, title, published FROM documents WHERE id = ANY($1) ORDER BY id", &[&ids])?
                    .iter()
                    .map(|r| {
                        Ok(DocumentSummary {
                            id: col(r, 0)?,
                            source: col(r, 1)?,
                            title: col(r, 2)?,
                            published: date(r, 3)?,
                        })
                    })
                    .collect()
            }
            fn document_articles(&self, ids: &[DocId]) -> Result<Vec<(DocId, String)>> {
                all(self, "SELECT id, text, article_end FROM documents WHERE id = ANY($1)", &[&ids], |r| {
                    Ok((col(r, 0)?, into_article(col(r, 1)?, col(r, 2)?)))
                })
            }
            fn document_ids(&self) -> Result<Vec<DocId>> {
                all(self, "SELECT id FROM documents ORDER BY id", &[], |r| col(r, 0))
            }
            fn unindexed_documents(&self) -> Result<Vec<DocId>> {
                all(self, "SELECT id FROM documents WHERE NOT indexed ORDER BY id", &[], |r| col(r, 0))
            }
            fn places(&self) -> Result<Vec<Place>> {
                self.rows(
                    "SELECT id, level, name, name_en, name_lo, valid_from, valid_to, successor FROM places ORDER BY id",
                    &[],
                )?
                .iter()
                .map(place_row)
                .collect()
            }
            fn partnerships(&self) -> Result<Vec<Partnership>> {
                all(self, "SELECT id, key FROM partnerships ORDER BY id", &[], |r| {
                    Ok(Partnership {
                        id: col(r, 0)?,
                        parties: col::<String>(r, 1)?.split(',').filter(|s| !s.is_empty()).map(PlaceId::new).collect(),
                    })
                })
            }
            fn events(&self, partnerships: &[PartnershipId]) -> Result<Vec<StoredEvent>> {
                all(
                    self,
                    &format!("{EVENT_SELECT} WHERE partnership_id = ANY($1) ORDER BY id"),
                    &[&partnerships],
                    event_row,
                )
            }
            fn agreements(&self, partnerships: &[PartnershipId]) -> Result<Vec<StoredAgreement>> {
                all(
                    self,
                    &format!("{AGREEMENT_SELECT} WHERE partnership_id = ANY($1) ORDER BY id"),
                    &[&partnerships],
                    agreement_row,
                )
            }
            fn figures(&self, partnerships: &[PartnershipId]) -> Result<Vec<StoredFigure>> {
                all(
                    self,
                    &format!("{FIGURE_SELECT} WHERE partnership_id = ANY($1) ORDER BY id"),
                    &[&partnerships],
                    figure_row,
                )
            }
            fn standing_events(&self) -> Result<Vec<StoredEvent>> {
                all(self, &format!("{EVENT_SELECT} {STANDING}"), &[], event_row)
            }
            fn agreement_tallies(&self) -> Result<Vec<AgreementTally>> {
                all(self, AGREEMENT_TALLIES, &[], tally_row)
            }
            fn standing_figures(&self) -> Result<Vec<StoredFigure>> {
                all(self, &format!("{FIGURE_SELECT} {STANDING}"), &[], figure_row)
            }
            fn partnership_versions(&self) -> Result<Option<Vec<(PartnershipId, i64)>>> {
                all(self, "SELECT partnership_id, version FROM partnership_versions", &[], |r| {
                    Ok((col(r, 0)?, col(r, 1)?))
                })
                .map(Some)
            }
            fn people_version(&self) -> Result<Option<i64>> {
                let row = self.opt_row("SELECT version FROM store_versions WHERE name = 'people'", &[])?;
                Ok(Some(row.map(|r| col(&r, 0)).transpose()?.unwrap_or(0)))
            }
            fn events_by_id(&self, ids: &[FactId]) -> Result<Vec<StoredEvent>> {
                all(self, &format!("{EVENT_SELECT} WHERE id = ANY($1) ORDER BY id"), &[&ids], event_row)
            }
            fn agreements_by_id(&self, ids: &[FactId]) -> Result<Vec<StoredAgreement>> {
                all(self, &format!("{AGREEMENT_SELECT} WHERE id = ANY($1) ORDER BY id"), &[&ids], agreement_row)
            }
            fn figures_by_id(&self, ids: &[FactId]) -> Result<Vec<StoredFigure>> {
                all(self, &format!("{FIGURE_SELECT} WHERE id = ANY($1) ORDER BY id"), &[&ids], figure_row)
            }
            fn people_by_id(&self, ids: &[FactId]) -> Result<Vec<StoredPerson>> {
                all(self, &format!("{PERSON_SELECT} WHERE id = ANY($1) ORDER BY id"), &[&ids], person_row)
            }
            fn planned_events(&self) -> Result<Vec<StoredEvent>> {
                all(self, &format!("{EVENT_SELECT} WHERE status = 'planned' ORDER BY id"), &[], event_row)
            }
            fn figures_of_kind(&self, kind: FigureKind) -> Result<Vec<StoredFigure>> {
                all(self, &format!("{FIGURE_SELECT} WHERE kind = $1 ORDER BY id"), &[&name(&kind)?], figure_row)
            }
            fn evidence(&self, fact_type: FactType, ids: &[FactId]) -> Result<Vec<Evidence>> {
                with_sentences(self, evidence_rows(self, fact_type, ids)?)
            }
            fn evidence_digest(&self, fact_type: FactType, ids: &[FactId], first: usize) -> Result<EvidenceDigest> {
                // Only the sources shown read their sentences from the documents' texts.
                let mut digest = EvidenceDigest::from_rows(evidence_rows(self, fact_type, ids)?, first);
                digest.first = with_sentences(self, digest.first)?;
                Ok(digest)
            }
            fn evidence_page(
                &self,
                fact_type: FactType,
                id: FactId,
                offset: usize,
                limit: usize,
            ) -> Result<(Vec<Evidence>, usize)> {
                let total: i64 = match self.opt_row(
                    "SELECT count(*) FROM evidence WHERE fact_type = $1 AND fact_id = $2",
                    &[&fact_type.as_str(), &id],
                )? {
                    Some(r) => col(&r, 0)?,
                    None => 0,
                };
                let (limit, offset) =
                    (i64::try_from(limit).unwrap_or(i64::MAX), i64::try_from(offset).unwrap_or(i64::MAX));
                let rows = all(
                    self,
                    &format!("{EVIDENCE_SELECT} WHERE fact_type = $1 AND fact_id = $2 ORDER BY id LIMIT $3 OFFSET $4"),
                    &[&fact_type.as_str(), &id, &limit, &offset],
                    evidence_row,
                )?;
                Ok((with_sentences(self, rows)?, total as usize))
            }
            fn documents_of(&self, fact_type: FactType, ids: &[FactId]) -> Result<Vec<DocId>> {
                all(
                    self,
                    "SELECT DISTINCT document_id FROM evidence WHERE fact_type = $1 AND fact_id = ANY($2)",
                    &[&fact_type.as_str(), &ids],
                    |r| col(r, 0),
                )
            }
            fn evidence_of_document(&self, doc: DocId) -> Result<Vec<Evidence>> {
                all(self, &format!("{EVIDENCE_SELECT} WHERE document_id = $1 ORDER BY id"), &[&doc], evidence_row)
                    .and_then(|rows| with_sentences(self, rows))
            }
            fn people_evidence_in(&self, docs: &[DocId]) -> Result<Vec<Evidence>> {
                with_sentences(self, people_evidence_rows(self, docs)?)
            }
            fn people_sources_in(&self, docs: &[DocId], first: usize) -> Result<PeopleSources> {
                // Only the sources shown read their sentences from the documents' texts.
                let (shown, totals) = first_sources(people_evidence_rows(self, docs)?, first);
                Ok((with_sentences(self, shown)?, totals))
            }
            fn roles(&self, people: &[FactId]) -> Result<Vec<Role>> {
                all(
                    self,
                    &format!("{ROLE_SELECT} WHERE r.person_id = ANY($1) ORDER BY r.person_id, r.title COLLATE \"C\""),
                    &[&people],
                    role_row,
                )
            }
            fn rejected(&self, fact_type: FactType) -> Result<Vec<FactId>> {
                let sql = format!("SELECT id FROM {} WHERE review = 'rejected'", fact_table(fact_type)?);
                all(self, &sql, &[], |r| col(r, 0))
            }
            fn review_states(&self, fact_type: FactType, ids: &[FactId]) -> Result<Vec<(FactId, ReviewState)>> {
                let sql = format!("SELECT id, review FROM {} WHERE id = ANY($1) ORDER BY id", fact_table(fact_type)?);
                all(self, &sql, &[&ids], review_state_row)
            }
            fn review_queue(&self, limit: usize, within: Option<&[PartnershipId]>) -> Result<Vec<(FactType, FactId)>> {
                let limit = limit as i64;
                let filter = if within.is_some() { "AND partnership_id = ANY($2)" } else { "AND $2::bigint[] IS NULL" };
                let sql = format!(
                    "SELECT t, id FROM (
                       (SELECT 'event' AS t, id, coalesce(confidence, 1.0) AS c FROM events
                          WHERE review = 'pending' {filter} ORDER BY confidence NULLS LAST, id LIMIT $1)
                       UNION ALL (SELECT 'agreement', id, coalesce(confidence, 1.0) FROM agreements
                          WHERE review = 'pending' {filter} ORDER BY confidence NULLS LAST, id LIMIT $1)
                       UNION ALL (SELECT 'figure', id, coalesce(confidence, 1.0) FROM figures
                          WHERE review = 'pending' {filter} ORDER BY confidence NULLS LAST, id LIMIT $1)) q
                     ORDER BY c, t, id LIMIT $1"
                );
                all(self, &sql, &[&limit, &within], queue_row)
            }
            fn pending_reviews(&self, within: Option<&[PartnershipId]>) -> Result<usize> {
                let filter = if within.is_some() { "AND partnership_id = ANY($1)" } else { "AND $1::bigint[] IS NULL" };
                let sql = format!(
                    "SELECT (SELECT count(*) FROM events WHERE review = 'pending' {filter})
                          + (SELECT count(*) FROM agreements WHERE review = 'pending' {filter})
                          + (SELECT count(*) FROM figures WHERE review = 'pending' {filter})"
                );
                Ok(self.rows(&sql, &[&within])?.first().map(|r| r.get::<_, i64>(0)).unwrap_or(0) as usize)
            }
            fn review_log(&self, fact_type: FactType, id: FactId) -> Result<Vec<ReviewEntry>> {
                all(
                    self,
                    &format!("{REVIEW_SELECT} WHERE fact_type = $1 AND fact_id = $2 ORDER BY id"),
                    &[&fact_type.as_str(), &id],
                    review_row,
                )
            }
        }
    };
}

impl_reader!(PgStore);

/// A write transaction. Evidence rows and confidence raises are many per document and read by
/// nothing while a document is stored: they are kept and written a document at a time (one
/// statement each), before anything reads them and before a savepoint ends or the transaction
/// commits. Partnerships found are remembered for the transaction.
pub struct PgTx<'c> {
    tx: RefCell<postgres::Transaction<'c>>,
    cache: &'c Cache,
    /// Evidence to write, each with its claim's JSON text.
    evidence: RefCell<Vec<(Evidence, String)>>,
    confidence: RefCell<HashMap<(FactType, FactId), f32>>,
    partnerships: RefCell<HashMap<String, PartnershipId>>,
}

impl<'c> PgTx<'c> {
    pub(crate) fn new(tx: postgres::Transaction<'c>, cache: &'c Cache) -> Self {
        PgTx {
            tx: RefCell::new(tx),
            cache,
            evidence: Default::default(),
            confidence: Default::default(),
            partnerships: Default::default(),
        }
    }

    /// Write what is kept.
    fn flush(&self) -> Result<()> {
        let evidence = std::mem::take(&mut *self.evidence.borrow_mut());
        if !evidence.is_empty() {
            let types: Vec<&str> = evidence.iter().map(|(v, _)| v.fact_type.as_str()).collect();
            let facts: Vec<i64> = evidence.iter().map(|(v, _)| v.fact_id).collect();
            let docs: Vec<i64> = evidence.iter().map(|(v, _)| v.document).collect();
            let starts: Vec<i64> = evidence.iter().map(|(v, _)| v.span.start as i64).collect();
            let ends: Vec<i64> = evidence.iter().map(|(v, _)| v.span.end as i64).collect();
            // a sentence kept as its range of the document's text is not copied
            let sentences: Vec<&str> = evidence.iter().map(|(v, _)| v.stored_sentence()).collect();
            let claims: Vec<&str> = evidence.iter().map(|(_, c)| c.as_str()).collect();
            let (from, to): (Vec<Option<i64>>, Vec<Option<i64>>) =
                evidence.iter().map(|(v, _)| v.stored_range()).unzip();
            self.exec(
                "INSERT INTO evidence (fact_type, fact_id, document_id, span_start, span_end, sentence, claim,
                   sentence_start, sentence_end)
                 SELECT t, f, d, a, b, s, c, ss, se
                 FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::text[],
                   $8::bigint[], $9::bigint[])
                   WITH ORDINALITY AS u(t, f, d, a, b, s, c, ss, se, n)
                 ORDER BY n",
                &[&types, &facts, &docs, &starts, &ends, &sentences, &claims, &from, &to],
            )?;
        }
        let raises = std::mem::take(&mut *self.confidence.borrow_mut());
        for t in [FactType::Event, FactType::Agreement, FactType::Figure] {
            let (ids, cs): (Vec<i64>, Vec<f32>) =
                raises.iter().filter(|((ft, _), _)| *ft == t).map(|((_, id), c)| (*id, *c)).unzip();
            if ids.is_empty() {
                continue;
            }
            let sql = format!(
                "UPDATE {0} SET confidence = GREATEST(coalesce({0}.confidence, 0.0), u.c)
                 FROM unnest($1::bigint[], $2::real[]) AS u(id, c) WHERE {0}.id = u.id",
                fact_table(t)?
            );
            self.exec(&sql, &[&ids, &cs])?;
        }
        Ok(())
    }
}

impl Conn for PgTx<'_> {
    fn rows(&self, sql: &str, params: &Params) -> Result<Vec<Row>> {
        if sql.contains("evidence") || sql.contains("confidence") {
            self.flush()?;
        }
        let mut t = self.tx.borrow_mut();
        let st = prepared(&mut *t, self.cache, sql)?;
        t.query(&st, params).map_err(e)
    }
    fn exec(&self, sql: &str, params: &Params) -> Result<u64> {
        let mut t = self.tx.borrow_mut();
        let st = prepared(&mut *t, self.cache, sql)?;
        t.execute(&st, params).map_err(e)
    }
}

impl_reader!(PgTx<'_>);

impl PgTx<'_> {
    /// A new fact's confidence goes with the transaction's other raises (written at commit, one
    /// statement per table).
    fn confidence_of_new(&mut self, fact_type: FactType, id: FactId, confidence: Option<f32>) -> Result<FactId> {
        if let Some(c) = confidence {
            self.raise_confidence(fact_type, id, c)?;
        }
        Ok(id)
    }

    fn insert_returning(&self, sql: &str, params: &Params) -> Result<i64> {
        self.opt_row(sql, params)?
            .map(|r| r.get(0))
            .ok_or_else(|| StoreError::Backend("an insert returned no id".into()))
    }
}

/// `partnership_id = $1`, or `IS NULL` for facts of no partnership (an index serves both; a
/// null-safe comparison would not use it).
fn partnership_is(p: Option<PartnershipId>) -> &'static str {
    if p.is_some() {
        "partnership_id = $1"
    } else {
        "partnership_id IS NULL AND $1::bigint IS NULL"
    }
}

impl WriteTx for PgTx<'_> {
    fn insert_document(&mut self, d: &NewDocument) -> Result<DocId> {
        let now = jiff::Timestamp::now().to_string();
        let id = self.insert_returning(
            "INSERT INTO documents (hash, source, title, published, language, encoding, text, article_end, ingested_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            &[
                &d.hash,
                &d.source,
                &d.title,
                &d.published.map(|p| p.to_string()),
                &d.language,
                &d.encoding,
                &d.text,
                &(d.article_end as i64),
                &now,
            ],
        )?;
        self.exec("INSERT INTO changes (document_id) VALUES ($1)", &[&id])?;
        Ok(id)
    }

    fn partnership_for(&mut self, parties: &[PlaceId]) -> Result<PartnershipId> {
        let key: Vec<&str> = parties.iter().map(|p| p.as_str()).collect();
        let key = key.join(",");
        if let Some(id) = self.partnerships.borrow().get(&key) {
            return Ok(*id);
        }
        if let Some(r) = self.opt_row("SELECT id FROM partnerships WHERE key = $1", &[&key])? {
            let id: i64 = col(&r, 0)?;
            self.partnerships.borrow_mut().insert(key, id);
            return Ok(id);
        }
        let id = self.insert_returning("INSERT INTO partnerships (key) VALUES ($1) RETURNING id", &[&key])?;
        self.partnerships.borrow_mut().insert(key.clone(), id);
        for p in parties {
            self.exec(
                "INSERT INTO partnership_parties (partnership_id, place_id) VALUES ($1, $2)",
                &[&id, &p.as_str()],
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
        // As in SQLite: the same ordinal; or, among meetings that could be this one, the stored
        // date a prefix of this one, or this one a prefix of the stored date.
        let p = partnership_is(partnership);
        let sql = format!(
            "{EVENT_SELECT} WHERE {p} AND kind = $2 AND ordinal = $3
             UNION
             {EVENT_SELECT} WHERE {p} AND kind = $2 AND date IN ($4, $5, $6) AND ($3::bigint IS NULL OR ordinal IS NULL)
             UNION
             {EVENT_SELECT} WHERE {p} AND kind = $2 AND date > $6 AND date < $6 || '~' AND ($3::bigint IS NULL OR ordinal IS NULL)
             ORDER BY 1"
        );
        let full = date.map(|d| d.to_string());
        let prefix = |precision: usize| {
            full.as_deref().and_then(|f| {
                let parts: Vec<&str> = f.split('-').collect();
                (parts.len() > precision).then(|| parts[..precision].join("-"))
            })
        };
        let ordinal = ordinal.map(i64::from);
        all(self, &sql, &[&partnership, &name(&kind)?, &ordinal, &prefix(1), &prefix(2), &full], event_row)
    }

    fn insert_event(&mut self, v: &StoredEvent, confidence: Option<f32>) -> Result<FactId> {
        let p = EventParams::of(v)?;
        let id = self.insert_returning(
            "INSERT INTO events (partnership_id, kind, ordinal, date, year, place_id, status)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
            &p.params(),
        )?;
        self.confidence_of_new(FactType::Event, id, confidence)
    }

    fn update_event(&mut self, v: &StoredEvent) -> Result<()> {
        let p = EventParams::of(v)?;
        let mut params = p.params();
        params.push(&v.id);
        self.exec(
            "UPDATE events SET partnership_id = $1, kind = $2, ordinal = $3, date = $4, year = $5, place_id = $6, status = $7
             WHERE id = $8",
            &params,
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
        let kind = name(&kind)?;
        let p = partnership_is(partnership);
        if years.is_empty() {
            let sql = format!(
                "({AGREEMENT_SELECT} WHERE {p} AND kind = $2 AND signed_year IS NOT NULL ORDER BY signed_year DESC, id DESC LIMIT 1)
                 UNION ALL
                 ({AGREEMENT_SELECT} WHERE {p} AND kind = $2 AND period_first IS NOT NULL ORDER BY period_first DESC, id DESC LIMIT 1)
                 UNION ALL
                 ({AGREEMENT_SELECT} WHERE {p} AND kind = $2 AND signed_year IS NULL AND period_first IS NULL ORDER BY id DESC LIMIT 1)"
            );
            return all(self, &sql, &[&partnership, &kind], agreement_row);
        }
        let years: Vec<i16> = years.iter().take(4).copied().collect();
        // A mention signed on a day is the same as one of its period only if that one is
        // unsigned (an agreeing signing date falls in the years signed, found by the first
        // select): its period select reads the unsigned ones only (schema 6's partial index).
        let sql = format!(
            "{AGREEMENT_SELECT} WHERE {p} AND kind = $2 AND signed_year = ANY($3)
               AND ($4::text IS NULL OR signed = substr($4, 1, length(signed)) OR $4 = substr(signed, 1, length($4)))
             UNION
             {AGREEMENT_SELECT} WHERE {p} AND kind = $2 AND period_first = ANY($3) AND ($4::text IS NULL OR signed IS NULL)
             UNION
             {AGREEMENT_SELECT} WHERE {p} AND kind = $2 AND signed_year IS NULL AND period_first IS NULL
             ORDER BY 1"
        );
        let signed = signed.map(|d| d.to_string());
        all(self, &sql, &[&partnership, &kind, &years, &signed], agreement_row)
    }

    fn insert_agreement(&mut self, a: &StoredAgreement, confidence: Option<f32>) -> Result<FactId> {
        let p = AgreementParams::of(a)?;
        let id = self.insert_returning(
            "INSERT INTO agreements (partnership_id, kind, signed, signed_year, period_first, period_last)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            &p.params(),
        )?;
        self.confidence_of_new(FactType::Agreement, id, confidence)
    }

    fn update_agreement(&mut self, a: &StoredAgreement) -> Result<()> {
        let p = AgreementParams::of(a)?;
        let mut params = p.params();
        params.push(&a.id);
        self.exec(
            "UPDATE agreements SET partnership_id = $1, kind = $2, signed = $3, signed_year = $4, period_first = $5,
             period_last = $6 WHERE id = $7",
            &params,
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
        let p = partnership_is(partnership);
        let sql = format!(
            "{FIGURE_SELECT} WHERE {p} AND kind = $2 AND unit = $3
             AND COALESCE(period_first, year, (-32768)::smallint) <= $5 AND COALESCE(period_last, year, (32767)::smallint) >= $4
             ORDER BY id"
        );
        all(self, &sql, &[&partnership, &name(&kind)?, &name(&unit)?, &lo, &hi], figure_row)
    }

    fn insert_figure(&mut self, f: &StoredFigure, confidence: Option<f32>) -> Result<FactId> {
        let p = FigureParams::of(f)?;
        let id = self.insert_returning(
            "INSERT INTO figures (partnership_id, kind, unit, value, from_places, to_places, period_first, period_last,
             year, quantity, fulfils, per_year) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
            &p.params(),
        )?;
        self.confidence_of_new(FactType::Figure, id, confidence)
    }

    fn set_fulfils(&mut self, result: FactId, commitment: FactId) -> Result<()> {
        self.exec("UPDATE figures SET fulfils = $1 WHERE id = $2", &[&commitment, &result])?;
        Ok(())
    }

    fn person_by_key(&self, key: &str) -> Result<Option<StoredPerson>> {
        self.opt_row(&format!("{PERSON_SELECT} WHERE key = $1"), &[&key])?.map(|r| person_row(&r)).transpose()
    }

    fn insert_person(&mut self, key: &str, p: &StoredPerson) -> Result<FactId> {
        self.insert_returning(
            "INSERT INTO people (key, name, country, place_id) VALUES ($1, $2, $3, $4) RETURNING id",
            &[&key, &p.name, &p.country, &p.place.as_ref().map(|p| p.as_str())],
        )
    }

    fn update_person(&mut self, p: &StoredPerson) -> Result<()> {
        self.exec(
            "UPDATE people SET name = $1, country = $2, place_id = $3 WHERE id = $4",
            &[&p.name, &p.country, &p.place.as_ref().map(|p| p.as_str()), &p.id],
        )?;
        Ok(())
    }

    fn upsert_role(&mut self, r: &Role) -> Result<()> {
        let org: Option<i64> = match &r.organisation {
            Some(n) => {
                self.exec("INSERT INTO organisations (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", &[n])?;
                self.opt_row("SELECT id FROM organisations WHERE name = $1", &[n])?.map(|row| row.get(0))
            }
            None => None,
        };
        self.exec(
            "INSERT INTO roles (person_id, title, office, organisation_id, first_seen, last_seen)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (person_id, title) DO UPDATE SET
               first_seen = CASE WHEN roles.first_seen IS NULL OR excluded.first_seen < roles.first_seen
                                 THEN COALESCE(excluded.first_seen, roles.first_seen) ELSE roles.first_seen END,
               last_seen  = CASE WHEN roles.last_seen IS NULL OR excluded.last_seen > roles.last_seen
                                 THEN COALESCE(excluded.last_seen, roles.last_seen) ELSE roles.last_seen END",
            &[
                &r.person,
                &r.title,
                &r.office,
                &org,
                &r.first_seen.map(|d| d.to_string()),
                &r.last_seen.map(|d| d.to_string()),
            ],
        )?;
        Ok(())
    }

    fn add_evidence_claiming(&mut self, v: &Evidence, claim: &str) -> Result<()> {
        self.evidence.borrow_mut().push((v.clone(), claim.to_string()));
        Ok(())
    }

    fn update_figure(&mut self, f: &StoredFigure) -> Result<()> {
        let p = FigureParams::of(f)?;
        let mut params = p.params();
        params.push(&f.id);
        self.exec(
            "UPDATE figures SET partnership_id = $1, kind = $2, unit = $3, value = $4, from_places = $5, to_places = $6,
                    period_first = $7, period_last = $8, year = $9, quantity = $10, fulfils = $11, per_year = $12
             WHERE id = $13",
            &params,
        )?;
        Ok(())
    }

    fn raise_confidence(&mut self, fact_type: FactType, id: FactId, confidence: f32) -> Result<()> {
        fact_table(fact_type)?;
        let mut raises = self.confidence.borrow_mut();
        let c = raises.entry((fact_type, id)).or_insert(confidence);
        *c = c.max(confidence);
        Ok(())
    }

    fn set_review_state(&mut self, fact_type: FactType, id: FactId, state: ReviewState) -> Result<()> {
        let sql = format!("UPDATE {} SET review = $1 WHERE id = $2", fact_table(fact_type)?);
        self.exec(&sql, &[&state.as_str(), &id])?;
        Ok(())
    }

    fn add_review(&mut self, v: &ReviewEntry) -> Result<()> {
        self.exec(
            "INSERT INTO reviews (fact_type, fact_id, decision, reviewer, at, note, before, after)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                &v.fact_type.as_str(),
                &v.fact_id,
                &v.decision.as_str(),
                &v.reviewer,
                &v.at,
                &v.note,
                &v.before.as_ref().map(|j| j.to_string()),
                &v.after.as_ref().map(|j| j.to_string()),
            ],
        )?;
        Ok(())
    }

    fn mark_indexed(&mut self, docs: &[DocId]) -> Result<()> {
        self.exec("UPDATE documents SET indexed = TRUE WHERE id = ANY($1)", &[&docs])?;
        Ok(())
    }

    fn mark_unindexed(&mut self, docs: &[DocId]) -> Result<()> {
        self.exec("UPDATE documents SET indexed = FALSE WHERE id = ANY($1)", &[&docs])?;
        self.exec("INSERT INTO changes (document_id) SELECT unnest($1::bigint[])", &[&docs])?;
        Ok(())
    }

    fn savepoint(&mut self) -> Result<()> {
        self.flush()?;
        self.tx.borrow_mut().batch_execute("SAVEPOINT document").map_err(e)
    }

    fn release(&mut self) -> Result<()> {
        self.flush()?;
        self.tx.borrow_mut().batch_execute("RELEASE SAVEPOINT document").map_err(e)
    }

    fn rollback_to_savepoint(&mut self) -> Result<()> {
        // What was kept belongs to the document undone; a partnership it made is undone too.
        self.evidence.borrow_mut().clear();
        self.confidence.borrow_mut().clear();
        self.partnerships.borrow_mut().clear();
        self.tx.borrow_mut().batch_execute("ROLLBACK TO SAVEPOINT document; RELEASE SAVEPOINT document").map_err(e)
    }

    fn commit(self: Box<Self>) -> Result<()> {
        self.flush()?;
        self.exec("UPDATE hoptac_meta SET value = (value::bigint + 1)::text WHERE key = 'generation'", &[])?;
        // Delivered to every listening server when the transaction commits.
        self.tx.borrow_mut().batch_execute("NOTIFY hoptac_changes").map_err(e)?;
        self.tx.into_inner().commit().map_err(e)
    }
}

impl hoptac_store::Backend for PgStore {
    fn location(&self) -> String {
        PgStore::location(self)
    }
    fn generation(&self) -> Result<i64> {
        PgStore::generation(self)
    }
    fn facts_without_evidence(&self) -> Result<i64> {
        PgStore::facts_without_evidence(self)
    }
    fn sentences_outside_documents(&self) -> Result<i64> {
        PgStore::sentences_outside_documents(self)
    }
    fn is_broken(&self) -> bool {
        self.client.try_borrow().map(|c| c.is_closed()).unwrap_or(false)
    }
    fn latest_change(&self) -> Result<Option<i64>> {
        let row = self.opt_row("SELECT coalesce(max(seq), 0) FROM changes", &[])?;
        Ok(Some(row.map(|r| col::<i64>(&r, 0)).transpose()?.unwrap_or(0)))
    }
    fn in_read_snapshot(&self, f: &mut dyn FnMut() -> Result<()>) -> Result<()> {
        // One snapshot for every statement until the end (REPEATABLE READ); reads only.
        self.client.borrow_mut().batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").map_err(e)?;
        let out = f();
        let end = self.client.borrow_mut().batch_execute(if out.is_ok() { "COMMIT" } else { "ROLLBACK" });
        out?;
        end.map_err(e)
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
    fn changes_since(&self, after: i64, limit: usize) -> Result<Vec<(i64, DocId)>> {
        all(
            self,
            "SELECT seq, document_id FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2",
            &[&after, &(limit as i64)],
            |r| Ok((col(r, 0)?, col(r, 1)?)),
        )
    }
}

impl Store for PgStore {
    fn reader(&self) -> &dyn Reader {
        self
    }

    /// A write transaction holds the store's write lock (an advisory lock) from its start:
    /// writers on every server and every ingest take turns, as on SQLite.
    fn begin(&mut self) -> Result<Box<dyn WriteTx + '_>> {
        let PgStore { client, cache, .. } = self;
        let mut tx = client.get_mut().transaction().map_err(e)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_WRITE]).map_err(e)?;
        Ok(Box::new(PgTx::new(tx, cache)))
    }

    fn sync_places(&mut self, version: &str, places: &[Place]) -> Result<()> {
        let current =
            self.opt_row("SELECT value FROM hoptac_meta WHERE key = 'gazetteer'", &[])?.map(|r| r.get::<_, String>(0));
        if current.as_deref() == Some(version) {
            return Ok(());
        }
        let PgStore { client, cache, .. } = self;
        let mut tx = client.get_mut().transaction().map_err(e)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK_WRITE]).map_err(e)?;
        let t = PgTx::new(tx, cache);
        for p in places {
            t.exec(
                "INSERT INTO places (id, level, name, name_en, name_lo, valid_from, valid_to, successor)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (id) DO UPDATE SET level = excluded.level, name = excluded.name, name_en = excluded.name_en,
                   name_lo = excluded.name_lo, valid_from = excluded.valid_from, valid_to = excluded.valid_to,
                   successor = excluded.successor",
                &[
                    &p.id.as_str(),
                    &name(&p.level)?,
                    &p.name,
                    &p.name_en,
                    &p.name_lo,
                    &p.valid_from.map(|d| d.to_string()),
                    &p.valid_to.map(|d| d.to_string()),
                    &p.successor.as_ref().map(|s| s.as_str()),
                ],
            )?;
        }
        t.exec(
            "INSERT INTO hoptac_meta (key, value) VALUES ('gazetteer', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&version],
        )?;
        t.tx.into_inner().commit().map_err(e)
    }

    fn mark_indexed(&mut self, docs: &[DocId], indexed: bool) -> Result<()> {
        self.exec("UPDATE documents SET indexed = $1 WHERE id = ANY($2)", &[&indexed, &docs])?;
        Ok(())
    }

    fn mark_all_unindexed(&mut self) -> Result<()> {
        self.exec("UPDATE documents SET indexed = FALSE", &[])?;
        Ok(())
    }
}

fn counts(c: &impl Conn) -> Result<Counts> {
    let row = c
        .opt_row(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM events), (SELECT count(*) FROM agreements),
                    (SELECT count(*) FROM figures), (SELECT count(*) FROM people), (SELECT count(*) FROM evidence)",
            &[],
        )?
        .ok_or_else(|| StoreError::Backend("no counts".into()))?;
    let n = |i: usize| row.get::<_, i64>(i) as usize;
    Ok(Counts { documents: n(0), events: n(1), agreements: n(2), figures: n(3), people: n(4), evidence: n(5) })
}

fn document(c: &impl Conn, id: DocId) -> Result<Option<Document>> {
    let Some(r) = c.opt_row(
        "SELECT id, hash, source, title, published, language, encoding, text, article_end, ingested_at
         FROM documents WHERE id = $1",
        &[&id],
    )?
    else {
        return Ok(None);
    };
    Ok(Some(Document {
        id: col(&r, 0)?,
        hash: col(&r, 1)?,
        source: col(&r, 2)?,
        title: col(&r, 3)?,
        published: date(&r, 4)?,
        language: col(&r, 5)?,
        encoding: col(&r, 6)?,
        text: col(&r, 7)?,
        article_end: col::<i64>(&r, 8)? as usize,
        ingested_at: col(&r, 9)?,
    }))
}
