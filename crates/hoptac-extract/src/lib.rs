//! Turning a normalised document into a `hoptac.extract/1` record: the gazetteer (data files and
//! a one-automaton matcher) and the rules for people, meetings, agreements and figures.

mod analysis;
mod extract;
mod figures;
pub mod gazetteer;
mod lexicon;
mod meetings;
mod people;
mod words;

pub use extract::{detect_language, Extractor};
pub use gazetteer::{Gazetteer, GazetteerError};
