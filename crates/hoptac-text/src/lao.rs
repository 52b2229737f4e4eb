//! Lao script: word segmentation and digits.
//!
//! Lao writes no spaces between words. Runs of Lao letters are cut into words by ICU4X's word
//! segmenter with its Lao dictionary (`icu_segmenter`, compiled data), the same cut for
//! extraction ([`crate::fold`] records the word starts) and for the search tokenizer.

use std::sync::OnceLock;

use icu_segmenter::options::WordBreakInvariantOptions;
use icu_segmenter::{WordSegmenter, WordSegmenterBorrowed};

/// True for a character of the Lao block (letters, vowels, tone marks, digits, signs).
#[inline]
pub fn is_lao(c: char) -> bool {
    ('\u{0E80}'..='\u{0EFF}').contains(&c)
}

/// True when `text` contains Lao script.
pub fn has_lao(text: &str) -> bool {
    !text.is_ascii() && text.chars().any(is_lao)
}

/// A Lao digit (໐–໙) as its value.
#[inline]
pub fn lao_digit(c: char) -> Option<u32> {
    ('\u{0ED0}'..='\u{0ED9}').contains(&c).then(|| c as u32 - 0x0ED0)
}

fn segmenter() -> &'static WordSegmenterBorrowed<'static> {
    static S: OnceLock<WordSegmenterBorrowed<'static>> = OnceLock::new();
    S.get_or_init(|| WordSegmenter::new_dictionary(WordBreakInvariantOptions::default()))
}

/// Word breaks of a text (byte offsets, both ends excluded): inside runs of Lao script, the
/// segmenter's dictionary words.
pub fn breaks(text: &str) -> Vec<usize> {
    segmenter().segment_str(text).filter(|&b| b > 0 && b < text.len()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_of_lao_is_cut_into_words() {
        // "meeting" (ກອງ ປະຊຸມ) + "cooperation" (ຮ່ວມມື): the dictionary's words, tone marks inside
        let run = "ກອງປະຊຸມຮ່ວມມື";
        let mut cuts = vec![0];
        cuts.extend(breaks(run));
        cuts.push(run.len());
        let w: Vec<&str> = cuts.windows(2).map(|c| &run[c[0]..c[1]]).collect();
        assert_eq!(w.concat(), run);
        assert_eq!(w, vec!["ກອງ", "ປະຊຸມ", "ຮ່ວມມື"]);
    }

    #[test]
    fn digits_and_script() {
        assert_eq!(lao_digit('໒'), Some(2));
        assert_eq!(lao_digit('2'), None);
        assert!(has_lao("ແຂວງ Sekong"));
        assert!(!has_lao("Sekong"));
        assert!(breaks("").is_empty());
    }
}
