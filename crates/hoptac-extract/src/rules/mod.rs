//! The rules, on top of the sentence analysis: people, meetings, agreements and figures, each
//! reading cues and mentions (never words of a language), and the merging of what a document
//! says several times.

pub(crate) mod agreements;
pub(crate) mod context;
pub(crate) mod events;
pub(crate) mod figures;
pub(crate) mod merge;
pub(crate) mod people;
