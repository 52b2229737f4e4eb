//! The hoptac domain: places, dates and periods, events, agreements, figures and the
//! `hoptac.extract/1` record that carries them. No I/O lives here.

pub mod date;
pub mod place;
pub mod record;

pub use date::{PartialDate, Period};
pub use place::{Level, PlaceId};
pub use record::{
    Agreement, AgreementKind, Diagnostic, DocumentMeta, Event, EventKind, EventStatus, ExtractRecord, Figure,
    FigureKind, Person, PlaceRef, Span, Unit, FORMAT,
};

/// The snake_case name a record enum is written as (`midterm_review`, `border_marker`): storage
/// columns, index kinds, form values and catalogue keys all use it. `None` for a value that is
/// not a unit variant.
pub fn variant_name<T: serde::Serialize>(v: &T) -> Option<String> {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => Some(s),
        _ => None,
    }
}
