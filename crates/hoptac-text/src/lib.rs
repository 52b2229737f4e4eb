//! Text handling for hoptac: bytes → normalised text → folded text for matching, with every
//! folded position mapping back into the normalised text; site boilerplate, sentences,
//! Vietnamese and English numbers, dates, periods and Roman numerals.
//!
//! Two texts matter downstream:
//! - the *normalised* text ([`normalize`]): NFC, `\n` line ends, odd spaces made plain. Spans in
//!   records index into it.
//! - the *folded* text ([`fold`]): lower case, with the old and new tone-mark placements unified
//!   (`hoà`/`hòa`, `uỷ`/`ủy`). It is what matchers run over; [`Folded::to_source`] maps back.

pub mod boilerplate;
pub mod chars;
pub mod date;
pub mod decode;
pub mod fold;
pub mod lao;
pub mod markup;
pub mod normalize;
pub mod number;
pub mod roman;
pub mod sentence;

pub use boilerplate::{layout, Layout};
pub use chars::{is_letter, is_word_char};
pub use decode::{decode, DecodeError, Decoded};
pub use fold::{fold, fold_ascii, slug, strip_tone, toneless, Folded};
pub use normalize::normalize;
pub use sentence::{sentences, Sentence};
