//! The record store's domain, independent of any database.
//!
//! - [`model`]: what is stored: documents, places, partnerships, events, agreements, figures
//!   (commitments, results, facts), people, their roles and organisations, and the evidence that
//!   links every fact to a document span.
//! - [`repo`]: the traits a backend implements (SQLite in `hoptac-sqlite`; a PostgreSQL backend
//!   implements the same traits and nothing here changes).
//! - [`ingest`]: how one extracted record enters the store: matching against what is known,
//!   merging, linking results to commitments. One document, one transaction.
//! - [`dossier`] and [`agenda`]: what officials read.

pub mod access;
pub mod accounts;
pub mod agenda;
pub mod dossier;
pub mod gaps;
pub mod ingest;
pub mod matching;
pub mod model;
pub mod repo;
pub mod review;
pub mod titles;
pub mod transfer;

pub use accounts::Accounts;
pub use model::*;
pub use repo::{Backend, Reader, Store, WriteTx};

/// Errors of the store, whatever the backend.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file exists but is not a hoptac store (corrupt, another program's database, not SQLite).
    #[error("{path}: not a hoptac store: {reason}")]
    NotAStore { path: String, reason: String },
    /// The store's file is damaged (pages overwritten, truncated).
    #[error("{path}: the store is damaged ({reason}); restore it from a backup (`hoptac check` reports in full)")]
    Damaged { path: String, reason: String },
    /// The store was written by a newer hoptac.
    #[error("{path}: the store has schema version {found}; this hoptac knows up to {known}")]
    NewerSchema { path: String, found: i64, known: i64 },
    /// The store has an older schema and was opened read-only, which cannot upgrade it.
    #[error(
        "{path}: the store has schema version {found}, older than this hoptac's {known}; it is upgraded when opened for writing: run `hoptac ingest` (or a server without --read-only) once"
    )]
    OlderSchema { path: String, found: i64, known: i64 },
    /// A read command found no store.
    #[error("{path}: no store here (run `hoptac ingest` first)")]
    Missing { path: String },
    /// The backend failed (I/O, constraint, lock).
    #[error("database: {0}")]
    Backend(String),
    /// Another process holds the store's write lock (longer than the wait allows).
    #[error(
        "the store is busy ({0}): another `hoptac ingest` or a server is writing to it; try again when it is done"
    )]
    Busy(String),
    /// A request the store cannot carry out as asked (a correction of the wrong type …).
    #[error("{0}")]
    Invalid(String),
    /// No fact of that type and id.
    #[error("no {0} with id {1}")]
    NotFound(&'static str, i64),
    /// A stored value could not be read back.
    #[error("stored data is malformed: {0}")]
    Malformed(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;
