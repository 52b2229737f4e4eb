//! Turning a normalised document into a `hoptac.extract/1` record: the gazetteer and the rules.

pub mod gazetteer;

pub use gazetteer::{Gazetteer, GazetteerError};
