//! Application services shared by the command line and the web server: reading documents
//! ([`input`]), turning one into a stored document and its record ([`prepare`]), keeping the
//! search index in step with the store ([`index`]), places by any spelling ([`places`]) and the
//! one-line descriptions the index and the terminal show ([`render`]), and accounts: passwords,
//! sessions, tokens, sign-in throttling, the audit ([`accounts`]).

pub mod accounts;
pub mod backend;
pub mod index;
pub mod input;
pub mod places;
pub mod render;

use hoptac_core::ExtractRecord;
use hoptac_extract::Extractor;
use hoptac_store::{DocId, NewDocument};

/// Errors of the application services.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Store(#[from] hoptac_store::StoreError),
    #[error("search index: {0}")]
    Search(#[from] hoptac_search::SearchError),
    /// A place name that resolves to no place, or to several.
    #[error("{0}")]
    Place(String),
    /// A document the store listed could not be read back.
    #[error("document {0} vanished from the store")]
    Vanished(DocId),
    /// The thread that commits the search index could not start, or stopped without a word.
    #[error("search index: the indexing thread {0}")]
    IndexThread(String),
}

pub type Result<T> = std::result::Result<T, AppError>;

/// The content hash that identifies a document whatever its encoding: BLAKE3 of its
/// normalised text.
pub fn content_hash(text: &str) -> String {
    blake3::hash(text.as_bytes()).to_hex().to_string()
}

/// A decoded, normalised document as it will be stored, with what the extractor found in it.
pub fn prepare(extractor: &Extractor, source: &str, text: String, encoding: &str) -> (NewDocument, ExtractRecord) {
    let record = extractor.extract(source, &text, encoding);
    let doc = NewDocument {
        hash: content_hash(&text),
        source: source.to_string(),
        title: record.document.title.clone(),
        published: record.document.published,
        language: record.document.language.clone(),
        encoding: encoding.to_string(),
        article_end: record.document.article_end,
        text,
    };
    (doc, record)
}
