//! Matching whole words with an automaton: anchored searches at word starts only.
//!
//! Every cue and every Latin-script place name begins at a word boundary, so instead of
//! reporting (and then rejecting) "in" inside "tin" or "ông" inside "không", the automaton is
//! asked only at the places a word can begin: after a non-word character, at a letter right after
//! a digit ("154km"), and at punctuation ("%"). Lao script has no spaces between words, so a text
//! that contains it is searched everywhere.

use aho_corasick::{AhoCorasick, Anchored, Input, Match};
use hoptac_text::is_word_char;

/// Leftmost-longest, non-overlapping matches that start where a word can start.
pub(crate) fn word_matches(ac: &AhoCorasick, text: &str, everywhere: bool) -> Vec<Match> {
    if everywhere {
        return ac.find_iter(text).collect();
    }
    let mut out = Vec::new();
    let mut prev: Option<char> = None;
    let mut skip_to = 0usize;
    for (i, c) in text.char_indices() {
        let starts = match prev {
            None => true,
            Some(p) => {
                let p_word = is_word_char(p);
                (!p_word && !c.is_whitespace()) || (p.is_ascii_digit() && !c.is_ascii_digit() && is_word_char(c))
            }
        };
        prev = Some(c);
        if !starts || i < skip_to {
            continue;
        }
        let input = Input::new(text).range(i..).anchored(Anchored::Yes);
        if let Ok(Some(m)) = ac.try_find(input) {
            skip_to = m.end();
            out.push(m);
        }
    }
    out
}

/// True when `text` contains Lao script.
pub(crate) fn has_lao(text: &str) -> bool {
    !text.is_ascii() && text.chars().any(|c| ('\u{0E80}'..='\u{0EFF}').contains(&c))
}
