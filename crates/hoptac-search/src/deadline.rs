//! A search that stops at its deadline. Tantivy runs a query to its end however long that takes
//! (a damaged index once made one spin for ten minutes); the collector that walks each segment
//! ([`crate::prune::TopHits`]) looks at the clock every [`CHECK_EVERY`] documents or windows and
//! stops with [`deadline_error`].

use tantivy::TantivyError;

/// What a search stopped at its deadline reports (recognised by [`is_deadline`]).
const DEADLINE: &str = "hoptac: search deadline reached";

/// How many documents (or windows passed over) between two looks at the clock.
pub(crate) const CHECK_EVERY: u32 = 4096;

/// The error a search stopped at its deadline returns.
pub(crate) fn deadline_error() -> TantivyError {
    TantivyError::InternalError(DEADLINE.to_string())
}

pub(crate) fn is_deadline(e: &TantivyError) -> bool {
    matches!(e, TantivyError::InternalError(m) if m == DEADLINE)
}
