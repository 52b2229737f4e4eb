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
pub use gazetteer::{Gazetteer, GazetteerError};
