//! The search tokenizer: words are runs of letters and digits (the fast classes of
//! `hoptac_text::chars`), folded to lower-case ASCII in the same pass (`hoptac_text` folding:
//! diacritics and tone marks dropped, đ → d), offsets kept in the original text for highlighting.
//! One pass replaces a tokenizer, a lower-caser and an ASCII-folding filter.

use std::str::CharIndices;

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
        FoldingStream { chars: text.char_indices(), token: &mut self.token }
    }
}

pub struct FoldingStream<'a> {
    chars: CharIndices<'a>,
    token: &'a mut Token,
}

impl TokenStream for FoldingStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            self.token.text.clear();
            let (start, first) = match self.chars.by_ref().find(|&(_, c)| is_word_char(c)) {
                Some(x) => x,
                None => return false,
            };
            push_folded_ascii(first, &mut self.token.text);
            let mut end = start + first.len_utf8();
            for (i, c) in self.chars.by_ref() {
                if !is_word_char(c) {
                    break;
                }
                push_folded_ascii(c, &mut self.token.text);
                end = i + c.len_utf8();
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
        assert_eq!(words("ສະບາຍດີ")[0].1, 0, "Lao script is kept as a word");
        assert!(words(&"a".repeat(100)).is_empty());
        assert!(words(" ,.; ").is_empty());
    }
}
