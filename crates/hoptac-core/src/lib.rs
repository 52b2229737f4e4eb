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
