//! Matching whole words with an automaton: anchored walks from word starts only.
//!
//! Every cue and every Latin-script place name begins at a word boundary, so instead of
//! reporting (and then rejecting) "in" inside "tin" or "ông" inside "không", the automaton is
//! walked byte by byte, anchored, from the places a word can begin — after a non-word
//! character, at a letter right after a digit ("154km"), at punctuation ("%") — and the walk
//! stops at the first dead state, usually after a byte or two. Lao script has no spaces between
//! words: its word starts are those ICU4X's segmenter finds (recorded by `hoptac_text::fold`).

use aho_corasick::automaton::Automaton;
use aho_corasick::dfa::DFA;
use aho_corasick::nfa::contiguous::NFA;
use aho_corasick::{Anchored, MatchKind};

/// A set of folded phrases matched leftmost-longest from word starts.
#[derive(Debug)]
pub(crate) struct WordAutomaton {
    engine: Engine,
    /// Which word starts can begin a pattern, judged by their first bytes: the walk's first
    /// steps are the automaton's costliest (its states lie far apart in memory), and most word
    /// starts are turned away here, by tables that stay in cache.
    starts: StartFilter,
}

/// The first bytes of a set of patterns: a pattern of one or two bytes by its bytes, a longer
/// one by a hash of its first three (Lao letters are three bytes that share the first two).
#[derive(Debug)]
struct StartFilter {
    /// One-byte patterns.
    single: [bool; 256],
    /// Pairs of bytes that are a pattern or begin one: bit `b0 << 8 | b1`.
    short: Box<[u64; 1024]>,
    /// Hashes of the first three bytes of the patterns of three to seven bytes.
    triples: Box<[u64; 1024]>,
    /// Hashes of the first eight bytes of the longer patterns (most cue phrases: "hội nghị").
    /// The walk's first steps are its cache misses; many word starts share a phrase's first
    /// letters but not its first eight bytes ("hội đồng" against "hội nghị").
    eights: Box<[u64; 1024]>,
}

impl StartFilter {
    fn new<P: AsRef<[u8]>>(patterns: &[P]) -> Self {
        let mut f = StartFilter {
            single: [false; 256],
            short: Box::new([0; 1024]),
            triples: Box::new([0; 1024]),
            eights: Box::new([0; 1024]),
        };
        let set = |bits: &mut [u64; 1024], i: usize| bits[i / 64] |= 1 << (i % 64);
        for p in patterns {
            match *p.as_ref() {
                [] => {}
                [b] => {
                    f.single[usize::from(b)] = true;
                    (0..256).for_each(|c| set(&mut f.short, usize::from(b) << 8 | c));
                }
                [b, c] => set(&mut f.short, usize::from(b) << 8 | usize::from(c)),
                ref long @ [_, _, _, _, _, _, _, _, ..] => set(&mut f.eights, eight(long)),
                [b, c, d, ..] => set(&mut f.triples, triple(b, c, d)),
            }
        }
        f
    }

    /// Whether a pattern may start at `at` (a byte of `bytes`).
    #[inline]
    fn may_start(&self, bytes: &[u8], at: usize) -> bool {
        let get = |bits: &[u64; 1024], i: usize| bits[i / 64] & (1 << (i % 64)) != 0;
        match bytes[at..] {
            [b, c, d, ref rest @ ..] => {
                get(&self.short, usize::from(b) << 8 | usize::from(c))
                    || get(&self.triples, triple(b, c, d))
                    || (rest.len() >= 5 && get(&self.eights, eight(&bytes[at..])))
            }
            [b, c] => get(&self.short, usize::from(b) << 8 | usize::from(c)),
            [b] => self.single[usize::from(b)],
            [] => false,
        }
    }
}

/// Three bytes hashed to 16 bits (multiplicative hashing: the high bits of the product).
#[inline]
fn triple(b: u8, c: u8, d: u8) -> usize {
    let key = u32::from(b) << 16 | u32::from(c) << 8 | u32::from(d);
    (key.wrapping_mul(0x9E37_79B1) >> 16) as usize
}

/// The first eight bytes of `bytes` (at least eight) hashed to 16 bits.
#[inline]
fn eight(bytes: &[u8]) -> usize {
    let mut key = [0u8; 8];
    key.copy_from_slice(&bytes[..8]);
    (u64::from_le_bytes(key).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 48) as usize
}

/// The automaton walked: a DFA (one table read a byte) where its table is small enough to stay
/// in cache, as for the lexicon's few hundred cue words; else a contiguous NFA, whose states are
/// packed (240 KB for the gazetteer, where its DFA takes 6.4 MB and a walk missed the cache at
/// every step).
#[derive(Debug)]
enum Engine {
    Dfa(DFA),
    Nfa(NFA),
}

/// The largest DFA table used (bytes): about what a core's second-level cache holds.
const DFA_LIMIT: usize = 2 * 1024 * 1024;

/// The most pattern bytes a DFA is built for (the cue lexicons have 1,500–4,500, the gazetteer
/// 23,000, whose DFA takes 6.4 MB and would be built only to be dropped).
const DFA_PATTERN_BYTES: usize = 8 * 1024;

/// One match: pattern index and byte range in the searched text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WordMatch {
    pub pattern: usize,
    pub start: usize,
    pub end: usize,
}

impl WordAutomaton {
    pub(crate) fn new<P: AsRef<[u8]>>(patterns: &[P]) -> Result<Self, aho_corasick::BuildError> {
        // a DFA's table grows with the patterns' bytes: one is built only for a small set
        let bytes: usize = patterns.iter().map(|p| p.as_ref().len()).sum();
        let dfa = if bytes <= DFA_PATTERN_BYTES {
            let dfa = DFA::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .start_kind(aho_corasick::StartKind::Anchored)
                .byte_classes(true)
                .build(patterns)?;
            (dfa.memory_usage() <= DFA_LIMIT).then_some(dfa)
        } else {
            None
        };
        let engine = match dfa {
            Some(dfa) => Engine::Dfa(dfa),
            None => Engine::Nfa(NFA::builder().match_kind(MatchKind::LeftmostLongest).build(patterns)?),
        };
        Ok(WordAutomaton { engine, starts: StartFilter::new(patterns) })
    }

    /// The longest pattern starting exactly at `at`.
    #[inline]
    fn longest_at(&self, bytes: &[u8], at: usize) -> Option<WordMatch> {
        match &self.engine {
            Engine::Dfa(a) => longest_at(a, bytes, at),
            Engine::Nfa(a) => longest_at(a, bytes, at),
        }
    }

    /// Leftmost-longest, non-overlapping matches that start where a word can start
    /// (anywhere, when `everywhere`).
    #[cfg(test)]
    pub(crate) fn find(&self, text: &str, everywhere: bool) -> Vec<WordMatch> {
        let starts = if everywhere { text.char_indices().map(|(i, _)| i).collect() } else { word_starts(text) };
        self.find_from(text, &starts, |_| true)
    }

    /// Matches from the given starts (in increasing order), trying only those `may_start` accepts
    /// (asked first, in increasing order, for starts no earlier match covers).
    pub(crate) fn find_from(
        &self,
        text: &str,
        starts: &[usize],
        mut may_start: impl FnMut(usize) -> bool,
    ) -> Vec<WordMatch> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut skip_to = 0usize;
        for &i in starts {
            // (a start at the end of the text, or past it, starts nothing)
            if i < skip_to || i >= bytes.len() || !may_start(i) || !self.starts.may_start(bytes, i) {
                continue;
            }
            if let Some(m) = self.longest_at(bytes, i) {
                skip_to = m.end;
                out.push(m);
            }
        }
        out
    }
}

/// The longest pattern of `a` starting exactly at `at`: an anchored walk to the first dead state.
#[inline]
fn longest_at<A: Automaton>(a: &A, bytes: &[u8], at: usize) -> Option<WordMatch> {
    let mut sid = a.start_state(Anchored::Yes).ok()?;
    let mut last: Option<(aho_corasick::PatternID, usize)> = None;
    for (off, &b) in bytes[at..].iter().enumerate() {
        sid = a.next_state(Anchored::Yes, sid, b);
        if a.is_special(sid) {
            if a.is_dead(sid) {
                break;
            }
            if a.is_match(sid) {
                // a state's matches include those of its suffixes (" " in "ộ "): only a
                // pattern as long as the walk starts at `at`
                let len = off + 1;
                if let Some(p) =
                    (0..a.match_len(sid)).map(|i| a.match_pattern(sid, i)).find(|&p| a.pattern_len(p) == len)
                {
                    last = Some((p, at + len));
                }
            }
        }
    }
    let (p, end) = last?;
    Some(WordMatch { pattern: p.as_usize(), start: at, end })
}

/// Where a word can start: after a non-word character, at a letter right after a digit
/// ("154km"), and at punctuation ("%").
#[cfg(test)]
pub(crate) fn word_starts(text: &str) -> Vec<usize> {
    use hoptac_text::is_word_char;
    let mut out = Vec::with_capacity(text.len() / 4);
    let mut prev: Option<char> = None;
    for (i, c) in text.char_indices() {
        let starts = match prev {
            None => true,
            Some(p) => {
                let c_word = is_word_char(c);
                (!c_word && !c.is_whitespace())
                    || (!is_word_char(p) && c_word)
                    || (p.is_ascii_digit() && !c.is_ascii_digit() && c_word)
            }
        };
        if starts {
            out.push(i);
        }
        prev = Some(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::Strategy as _;

    #[test]
    fn the_start_filter_lets_every_pattern_through() {
        let patterns = ["%", "km", "hội nghị", "ອັດຕະປື", "ອັດ", "ký", "bản ghi nhớ"];
        let f = StartFilter::new(&patterns);
        for p in patterns {
            for tail in ["", " và", "ແຂວງ"] {
                let text = format!("{p}{tail}");
                assert!(f.may_start(text.as_bytes(), 0), "{text}");
            }
        }
        // a one-byte pattern lets anything after it through; others are judged by their bytes
        assert!(f.may_start(b"%x", 0) && f.may_start(b"x%", 1));
        assert!(!f.may_start(b"kx", 0) && !f.may_start(b"k", 0));
        assert!(!f.may_start("tỉnh".as_bytes(), 0) && !f.may_start("hà".as_bytes(), 0));
        // Lao letters share their first two bytes: the third tells them apart
        assert!(!f.may_start("ແຂວງ".as_bytes(), 0));
        // a pattern of eight bytes or more is judged by its first eight
        assert!(!f.may_start("hội đồng nhân dân".as_bytes(), 0) && !f.may_start("bản đồ".as_bytes(), 0));
        // "kỷ niệm": neither its first three bytes ("ký" has others) nor its first eight begin one
        assert!(!f.may_start("kỷ niệm".as_bytes(), 0));
    }

    /// Leftmost-longest matches from the given starts, by trying every pattern at every start.
    fn naive(patterns: &[String], text: &str, starts: &[usize]) -> Vec<WordMatch> {
        let mut out = Vec::new();
        let mut skip_to = 0;
        for &i in starts {
            if i < skip_to || i >= text.len() {
                continue;
            }
            let best = patterns
                .iter()
                .enumerate()
                .filter(|(_, p)| text.as_bytes()[i..].starts_with(p.as_bytes()))
                .max_by_key(|(k, p)| (p.len(), std::cmp::Reverse(*k)));
            if let Some((k, p)) = best {
                out.push(WordMatch { pattern: k, start: i, end: i + p.len() });
                skip_to = i + p.len();
            }
        }
        out
    }

    proptest::proptest! {
        /// The start filter turns away no start a pattern matches at: the automaton finds what
        /// trying every pattern finds, for patterns of every length around the filter's cuts
        /// (two, three, eight bytes) in ASCII, Vietnamese and Lao letters.
        #[test]
        fn matches_are_those_of_trying_every_pattern(
            patterns in proptest::collection::vec(
                proptest::collection::vec(proptest::sample::select(vec!["a", "b", " ", "ộ", "đ", "ອ", "ັ", "%"]), 1..7)
                    .prop_map(|v| v.concat()),
                1..12,
            ),
            text in proptest::collection::vec(proptest::sample::select(vec!["a", "b", " ", "ộ", "đ", "ອ", "ັ", "%"]), 0..60)
                .prop_map(|v| v.concat()),
        ) {
            // a pattern listed twice keeps its first index (as the lexicon does)
            let mut seen = std::collections::HashSet::new();
            let patterns: Vec<String> =
                patterns.into_iter().map(|p| if seen.insert(p.clone()) { p } else { "\u{0}".into() }).collect();
            let a = WordAutomaton::new(&patterns).unwrap();
            let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            proptest::prop_assert_eq!(a.find_from(&text, &starts, |_| true), naive(&patterns, &text, &starts));
        }
    }

    #[test]
    fn whole_words_and_longest() {
        let a = WordAutomaton::new(&["in", "ông", "lào", "lào cai", "km", "%"]).unwrap();
        let found =
            |t: &str| -> Vec<String> { a.find(t, false).into_iter().map(|m| t[m.start..m.end].to_string()).collect() };
        assert_eq!(found("tin không in"), vec!["in"]);
        assert_eq!(found("tỉnh lào cai và lào"), vec!["lào cai", "lào"]);
        assert_eq!(found("dài 154km, 20%"), vec!["km", "%"]);
        let lao = WordAutomaton::new(&["ອັດຕະປື"]).unwrap();
        assert_eq!(lao.find("ແຂວງອັດຕະປື", true).len(), 1);
        assert!(lao.find("ແຂວງອັດຕະປື", false).is_empty());
    }
}
