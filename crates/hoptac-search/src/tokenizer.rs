//! The search tokenizer: words are runs of letters and digits (the fast classes of
//! `hoptac_text::chars`), folded to lower-case ASCII in the same pass (`hoptac_text` folding:
//! diacritics and tone marks dropped, đ → d), offsets kept in the original text for highlighting.
//! One pass replaces a tokenizer, a lower-caser and an ASCII-folding filter. A run of Lao script
//! (written without spaces) is cut into words by the segmentation extraction uses
//! ([`hoptac_text::fold`]: Lao spellings made one, ICU4X word starts), so a Lao query finds the
//! Lao words of a document.

use hoptac_text::chars::is_word_char;
use hoptac_text::fold::push_folded_ascii;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Longer runs (encoded data, URLs without separators) are not words anyone searches for.
const MAX_TOKEN_BYTES: usize = 64;

#[derive(Clone, Default)]
pub struct FoldingTokenizer {
    token: Token,
}

impl Tokenizer for FoldingTokenizer {
    type TokenStream<'a> = FoldingStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> FoldingStream<'a> {
        self.token.reset();
        FoldingStream { text, pos: 0, token: &mut self.token, pending: Default::default() }
    }
}

pub struct FoldingStream<'a> {
    text: &'a str,
    /// Where reading goes on (a character boundary).
    pos: usize,
    token: &'a mut Token,
    /// Words of a Lao run not yet handed out: (folded word, start, end in the text).
    pending: std::collections::VecDeque<(String, usize, usize)>,
}

impl FoldingStream<'_> {
    fn emit(&mut self, text: &str, start: usize, end: usize) {
        self.token.text.clear();
        self.token.text.push_str(text);
        self.token.offset_from = start;
        self.token.offset_to = end;
        self.token.position = self.token.position.wrapping_add(1);
    }

    /// The words of the run `start..end`, which holds Lao script.
    fn segment(&mut self, start: usize, end: usize) {
        let run = &self.text[start..end];
        let f = hoptac_text::fold(run);
        let mut starts = f.word_starts.clone();
        starts.push(f.text.len());
        for w in starts.windows(2) {
            let (a, b) = (w[0], w[1]);
            let word: String = f.text[a..b].chars().filter(|c| is_word_char(*c)).collect();
            if word.is_empty() || word.len() > MAX_TOKEN_BYTES {
                continue;
            }
            let mut folded = String::with_capacity(word.len());
            for c in word.chars() {
                push_folded_ascii(c, &mut folded);
            }
            self.pending.push_back((folded, start + f.to_source(a), start + f.to_source(b)));
        }
    }
}

impl TokenStream for FoldingStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            if let Some((w, a, b)) = self.pending.pop_front() {
                self.emit(&w, a, b);
                return true;
            }
            self.token.text.clear();
            // ASCII (most letters of Vietnamese and English) is read byte by byte, anything
            // else as characters
            let bytes = self.text.as_bytes();
            let start = loop {
                let Some(&b) = bytes.get(self.pos) else { return false };
                if b.is_ascii() {
                    if b.is_ascii_alphanumeric() {
                        break self.pos;
                    }
                    self.pos += 1;
                    continue;
                }
                let Some(c) = self.text[self.pos..].chars().next() else { return false };
                if is_word_char(c) {
                    break self.pos;
                }
                self.pos += c.len_utf8();
            };
            let mut lao = false;
            while let Some(&b) = bytes.get(self.pos) {
                if b.is_ascii() {
                    if !b.is_ascii_alphanumeric() {
                        break;
                    }
                    self.token.text.push(b.to_ascii_lowercase() as char);
                    self.pos += 1;
                    continue;
                }
                let Some(c) = self.text[self.pos..].chars().next() else { break };
                if !is_word_char(c) {
                    break;
                }
                lao |= hoptac_text::lao::is_lao(c);
                push_folded_ascii(c, &mut self.token.text);
                self.pos += c.len_utf8();
            }
            let end = self.pos;
            if lao {
                self.segment(start, end);
                continue;
            }
            if self.token.text.len() > MAX_TOKEN_BYTES {
                continue;
            }
            self.token.offset_from = start;
            self.token.offset_to = end;
            self.token.position = self.token.position.wrapping_add(1);
            return true;
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// The folded words of `text` with their byte ranges.
pub fn words(text: &str) -> Vec<(String, usize, usize)> {
    let mut t = FoldingTokenizer::default();
    let mut stream = t.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let tok = stream.token();
        out.push((tok.text.clone(), tok.offset_from, tok.offset_to));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_and_keeps_offsets() {
        let text = "Hài cốt, ĐĂK Glei; hoà-bình 2024";
        let got = words(text);
        let folded: Vec<&str> = got.iter().map(|(w, _, _)| w.as_str()).collect();
        assert_eq!(folded, ["hai", "cot", "dak", "glei", "hoa", "binh", "2024"]);
        let (_, a, b) = got[1];
        assert_eq!(&text[a..b], "cốt");
        assert_eq!(words("hòa")[0].0, words("hoà")[0].0);
        assert!(words(&"a".repeat(100)).is_empty());
    }

    proptest::proptest! {
        /// Outside Lao script, the words are the runs of word characters, each folded to ASCII
        /// (those over 64 bytes left out), with their places in the text.
        #[test]
        fn words_are_the_runs_of_word_characters_folded(s in "[a-zA-Z0-9 ,.;:()'\"\\-–/%ăâđêôơưĂÂĐÊÔƠƯàáạảãèéẹẻẽìíịỉĩòóọỏõùúụủũỳýỵỷỹÐ²½\u{300}\u{301}]{0,120}") {
            let mut expected = Vec::new();
            let mut at = 0;
            for run in s.split(|c: char| !is_word_char(c)) {
                let folded = hoptac_text::fold::fold_ascii(run);
                if !run.is_empty() && folded.len() <= MAX_TOKEN_BYTES {
                    expected.push((folded, at, at + run.len()));
                }
                at += run.len() + s[at + run.len()..].chars().next().map_or(0, char::len_utf8);
            }
            proptest::prop_assert_eq!(words(&s), expected);
        }
    }

    #[test]
    fn lao_runs_are_cut_into_words_as_extraction_cuts_them() {
        let text = "ກອງປະຊຸມຮ່ວມມື ແຂວງອັດຕະປື";
        let got = words(text);
        let w: Vec<&str> = got.iter().map(|(w, _, _)| w.as_str()).collect();
        assert!(w.len() >= 4, "{w:?}");
        assert_eq!(w[0], "ກອງ");
        let (_, a, b) = got[1];
        assert_eq!(&text[a..b], "ປະຊຸມ");
        // spellings made one: ຫລ and ຫຼ, ໍາ and ຳ
        assert_eq!(words("ສະຫລຸບ")[0].0, words("ສະຫຼຸບ")[0].0);
        assert_eq!(
            words("ຈໍາປາສັກ"),
            words("ຈຳປາສັກ").into_iter().map(|(w, a, _)| (w, a, "ຈໍາປາສັກ".len())).collect::<Vec<_>>()
        );
        assert!(words(&"a".repeat(100)).is_empty());
        assert!(words(" ,.; ").is_empty());
    }
}
