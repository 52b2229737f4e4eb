//! Turning a normalised document into a `hoptac.extract/1` record.
//!
//! Layers, each using only those below it: `words` (automata over folded text) and `lexicon`
//! (one word list per language: cue words, titles, units, months, scale words) at the bottom;
//! `gazetteer` (places); `analysis` (a sentence folded, with its places, dates, numbers and cues);
//! `rules` (people, meetings, agreements, figures: language-neutral, they read cues); `extract`
//! (a document's sentences through the rules, then its occasions and merges).

mod analysis;
mod extract;
pub mod gazetteer;
mod lexicon;
mod rules;
mod words;

pub use extract::{detect_language, Extractor};

/// The maps and sets extraction looks words, places and keys up in: hashed by foldhash (a few
/// instructions a key) rather than SipHash, which guards against chosen keys at ten times the
/// cost; every bucket extraction fills from a document is bounded anyway (see `rules::merge`).
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
pub(crate) type FastSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;
pub use gazetteer::{Gazetteer, GazetteerError};
