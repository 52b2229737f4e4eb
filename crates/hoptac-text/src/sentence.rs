//! Sentence splitting over normalised text.
//!
//! A sentence ends at a line break, or at `.`, `!`, `?`, `…` followed by a space and something
//! that can start a sentence (capital, digit, quote, bracket), unless the word before the stop
//! is an abbreviation ("TP.", "TS.", "Mr.") or an initial. Photo captions' trailing ` |` is trimmed.

/// A sentence as a byte range of the normalised text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
}

impl Sentence {
    pub fn text<'a>(&self, doc: &'a str) -> &'a str {
        &doc[self.start..self.end]
    }
}

const ABBREVIATIONS: [&str; 16] =
    ["tp", "tx", "ts", "ths", "pgs", "gs", "bs", "mr", "mrs", "ms", "dr", "st", "no", "vs", "v.v", "ths"];

fn is_abbreviation(word: &str) -> bool {
    let lower = word.to_lowercase();
    // an initial, or letters joined by stops ("U.S", "ພ.ສ", "ສ.ປ.ປ"): in a script without case
    // (Lao) a single letter is an initial too
    let initials = word.split('.').all(|part| {
        let mut cs = part.chars();
        matches!((cs.next(), cs.next()), (Some(c), None) if crate::chars::is_upper(c) || crate::lao::is_lao(c))
    });
    ABBREVIATIONS.contains(&lower.as_str()) || initials
}

fn can_start_sentence(c: char) -> bool {
    crate::chars::is_upper(c) || c.is_ascii_digit() || matches!(c, '"' | '“' | '\'' | '(' | '[' | '-' | '–' | '«')
}

/// Longest sentence handed on: rules look around inside a sentence, so a run-on text (a whole
/// file without a stop) is cut into pieces of at most this many bytes, at a clause mark or a space.
pub const MAX_SENTENCE: usize = 2000;

fn push_trimmed(text: &str, mut start: usize, end: usize, out: &mut Vec<Sentence>) {
    while end - start > MAX_SENTENCE {
        let mut limit = start + MAX_SENTENCE;
        while !text.is_char_boundary(limit) {
            limit -= 1;
        }
        let window = &text[start..limit];
        let cut = window
            .rfind([';', ','])
            .map(|i| i + 1)
            .or_else(|| window.rfind(' '))
            .filter(|&i| i > 0)
            .unwrap_or(window.len());
        push_piece(text, start, start + cut, out);
        start += cut;
    }
    push_piece(text, start, end, out);
}

fn push_piece(text: &str, start: usize, end: usize, out: &mut Vec<Sentence>) {
    let piece = &text[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let mut trimmed = piece.trim();
    loop {
        let t = trimmed.trim_end_matches('|').trim_end();
        if t.len() == trimmed.len() {
            break;
        }
        trimmed = t;
    }
    if trimmed.chars().any(crate::chars::is_word_char) {
        out.push(Sentence { start: start + lead, end: start + lead + trimmed.len() });
    }
}

/// Sentences of `text[range]`, in order.
pub fn sentences(text: &str, range: std::ops::Range<usize>) -> Vec<Sentence> {
    let mut out = Vec::new();
    let end_all = range.end.min(text.len());
    let mut line_start = range.start.min(end_all);
    while line_start < end_all {
        let line_end = text[line_start..end_all].find('\n').map_or(end_all, |i| line_start + i);
        let line = &text[line_start..line_end];
        let mut s_start = 0usize;
        // the stops, found by memchr (an ellipsis, rarer, by a search of its own)
        let bytes = line.as_bytes();
        let mut stops: Vec<usize> = memchr::memchr3_iter(b'.', b'!', b'?', bytes).collect();
        if line.contains('…') {
            stops.extend(memchr::memmem::find_iter(bytes, "…"));
            stops.sort_unstable();
        }
        for i in stops {
            let c = if bytes[i] == b'.' || bytes[i] == b'!' || bytes[i] == b'?' { char::from(bytes[i]) } else { '…' };
            let after = &line[i + c.len_utf8()..];
            let rest = after.trim_start_matches([' ', '"', '”', '’', ')']);
            let spaced = after.starts_with(' ') || after.starts_with(['"', '”', '’']);
            let Some(next) = rest.chars().next() else { continue };
            if !spaced || !can_start_sentence(next) {
                continue;
            }
            if c == '.' {
                let word_start = line[..i]
                    .char_indices()
                    .rev()
                    .find(|&(_, ch)| !(crate::chars::is_word_char(ch) || ch == '.'))
                    .map_or(0, |(p, ch)| p + ch.len_utf8());
                if is_abbreviation(&line[word_start..i]) {
                    continue;
                }
            }
            let cut = i + c.len_utf8() + (after.len() - rest.len());
            push_trimmed(text, line_start + s_start, line_start + cut, &mut out);
            s_start = cut;
        }
        push_trimmed(text, line_start + s_start, line_end, &mut out);
        line_start = line_end + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(t: &str) -> Vec<&str> {
        sentences(t, 0..t.len()).iter().map(|s| s.text(t)).collect()
    }

    #[test]
    fn splits_on_stops_and_lines() {
        assert_eq!(
            split("Hai tỉnh ký kết. Tỉnh Kon Tum trao quà.\nDòng mới"),
            vec!["Hai tỉnh ký kết.", "Tỉnh Kon Tum trao quà.", "Dòng mới"]
        );
        assert_eq!(
            split("Có ký kết không? Có! Rồi sao… Hai tỉnh họp… tiếp. Hết"),
            vec!["Có ký kết không?", "Có!", "Rồi sao…", "Hai tỉnh họp… tiếp.", "Hết"]
        );
    }

    #[test]
    fn keeps_abbreviations_and_decimals() {
        assert_eq!(
            split("Tại TP. Kon Tum có 1.5 triệu người. Hết."),
            vec!["Tại TP. Kon Tum có 1.5 triệu người.", "Hết."]
        );
        assert_eq!(split("Ông Nguyễn V. An đến."), vec!["Ông Nguyễn V. An đến."]);
    }

    #[test]
    fn initials_joined_by_stops_end_no_sentence() {
        assert_eq!(split("ວັນທີ 5 ທັນວາ ພ.ສ. 2566 ທີ່ເມືອງ."), vec!["ວັນທີ 5 ທັນວາ ພ.ສ. 2566 ທີ່ເມືອງ."]);
        assert_eq!(split("The U.S. Embassy. Next"), vec!["The U.S. Embassy.", "Next"]);
    }

    #[test]
    fn multibyte_separator_before_an_abbreviation() {
        // found by the property test: a non-ASCII separator right before "TP."
        assert_eq!(split("x—TP. Hà Tĩnh"), vec!["x—TP. Hà Tĩnh"]);
        assert_eq!(split("«A. Bình"), vec!["«A. Bình"]);
    }

    #[test]
    fn trims_caption_bars_and_blank_lines() {
        assert_eq!(split("Đồng chí A tặng quà. |\n\n  \nB"), vec!["Đồng chí A tặng quà.", "B"]);
    }

    #[test]
    fn run_on_text_is_cut_into_bounded_pieces() {
        let t = "hai tỉnh hợp tác, ".repeat(1000);
        let s = sentences(&t, 0..t.len());
        assert!(s.len() > 5);
        assert!(s.iter().all(|x| x.end - x.start <= MAX_SENTENCE));
        let covered: usize = s.iter().map(|x| x.end - x.start).sum();
        assert!(covered + s.len() * 2 >= t.trim().len(), "nothing is lost");
    }

    #[test]
    fn respects_the_range() {
        let t = "Một. Hai. Ba.";
        let a = t.find("Hai").unwrap();
        let r = sentences(t, a..a + "Hai.".len());
        assert_eq!(r.iter().map(|s| s.text(t)).collect::<Vec<_>>(), vec!["Hai."]);
    }
}
