//! The words that carry meaning for the rules, one lexicon per language in its own file
//! ([`vi`], [`en`], [`lo`]): cue words (meetings, agreements, tense and modality, giving and
//! receiving, units of measure), titles and honorifics, organisation words, ordinal and month
//! names, scale words. The rules above read [`Cue`]s, never words, so a fourth language is a new
//! word list and its tests.
//!
//! Each language's cue words are found with one automaton over folded text, walked from word
//! starts (Lao word starts come from ICU4X's segmenter).

mod en;
mod lo;
mod vi;

use std::sync::OnceLock;

use crate::words::WordAutomaton;
use hoptac_core::{AgreementKind, EventKind, Unit};

/// A language with a lexicon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Lang {
    Vi,
    En,
    Lo,
}

impl Lang {
    /// The language of a code as [`crate::detect_language`] gives it (`vi` for anything else).
    pub(crate) fn of(code: &str) -> Lang {
        match code {
            "en" => Lang::En,
            "lo" => Lang::Lo,
            _ => Lang::Vi,
        }
    }

    /// Latin-script languages write names with capitals; Lao has no case.
    pub(crate) fn cased(self) -> bool {
        self != Lang::Lo
    }
}

/// The word lists of one language (folded spellings).
pub(crate) struct Words {
    pub cues: &'static [(&'static str, Cue)],
    /// Title heads ("Bí thư", "Chairman", "ປະທານ"), longest first where one begins another.
    pub titles: &'static [&'static str],
    pub honorifics: &'static [&'static str],
    /// Organisation words that may stand inside a title; a name never contains them.
    pub organisations: &'static [&'static str],
    /// Lower-case words that end a title: what the person did or said.
    pub stop_words: &'static [&'static str],
    /// Classifier words between a number and its unit ("20 suất học bổng").
    pub classifiers: &'static [&'static str],
    /// Common family names, for the country of a person with no place in their titles.
    pub family_names: &'static [&'static str],
    /// Ordinal words ("thứ tư" → 4, "eleventh" → 11).
    pub ordinals: &'static [(&'static str, u32)],
    /// Ordinals stand before the meeting word ("the fifth conference"), not after ("lần thứ năm").
    pub ordinal_before: bool,
    /// Month names the shared date grammar does not know (Lao).
    pub months: &'static [(&'static str, u8)],
    /// Scale words after a number ("585 triệu", "2.1 billion", "200 ລ້ານ").
    pub scales: &'static [(&'static str, f64)],
    /// How a set of minutes names itself in its header.
    pub minutes_headers: &'static [&'static str],
    /// Days counted back from the publication date ("hôm qua", "ສອງວັນທີ່ຜ່ານມາ").
    pub ago: &'static [(&'static str, i64)],
}

/// A set of folded phrases, looked up by their first word.
pub(crate) struct PhraseSet {
    /// The phrases folded, in the order listed (longest first where one begins another).
    pub listed: Vec<String>,
    pub all: crate::FastSet<String>,
    pub first: crate::FastSet<String>,
    /// First bytes of the phrases: most tokens are turned away here, before any hashing.
    pub first_bytes: [bool; 256],
}

impl PhraseSet {
    fn new(list: &[&str]) -> Self {
        let mut first_bytes = [false; 256];
        let folded: Vec<String> = list.iter().map(|p| hoptac_text::fold(p).text).collect();
        for p in &folded {
            if let Some(&b) = p.as_bytes().first() {
                first_bytes[b as usize] = true;
            }
        }
        PhraseSet {
            first: folded.iter().map(|p| p.split(' ').next().unwrap_or(p).to_string()).collect(),
            all: folded.iter().cloned().collect(),
            listed: folded,
            first_bytes,
        }
    }

    pub fn contains(&self, w: &str) -> bool {
        self.all.contains(w)
    }
}

/// One language's lexicon, built once: the cue automaton and the phrase sets.
pub(crate) struct Lexicon {
    pub lang: Lang,
    pub words: &'static Words,
    automaton: WordAutomaton,
    /// Every cue word: the language's cues, then its title heads and honorifics.
    cue_words: Vec<(&'static str, Cue)>,
    pub titles: PhraseSet,
    pub honorifics: PhraseSet,
    pub organisations: PhraseSet,
    pub stop_words: PhraseSet,
    /// The phrases an anniversary counts from ("quan hệ ngoại giao"), as written, any ASCII case:
    /// which sentences of raw text may date an undated article.
    anniversaries: aho_corasick::AhoCorasick,
    /// [`Words::ago`], folded once.
    pub ago: Vec<(String, i64)>,
    /// [`Words::months`], folded once.
    pub months: Vec<(String, u8)>,
}

impl Lexicon {
    fn build(lang: Lang, words: &'static Words) -> Lexicon {
        let titles = words.titles.iter().chain(words.honorifics).map(|w| (*w, Cue::Title));
        let cue_words: Vec<(&'static str, Cue)> = words.cues.iter().copied().chain(titles).collect();
        let mut seen = std::collections::HashSet::new();
        let keys: Vec<String> = cue_words
            .iter()
            .map(|(w, _)| {
                let k = hoptac_text::fold(w).text;
                // a word listed twice keeps its first meaning
                if seen.insert(k.clone()) {
                    k
                } else {
                    String::new()
                }
            })
            .collect();
        let keys: Vec<String> = keys.into_iter().map(|k| if k.is_empty() { "\u{0}".to_string() } else { k }).collect();
        let automaton = WordAutomaton::new(&keys).expect("lexicon forms a valid automaton");
        let anniversary_words: Vec<&str> =
            words.cues.iter().filter(|(_, c)| matches!(c, Cue::AnniversaryOf(_))).map(|(w, _)| *w).collect();
        let anniversaries = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&anniversary_words)
            .expect("lexicon forms a valid automaton");
        Lexicon {
            ago: words.ago.iter().map(|(w, n)| (hoptac_text::fold(w).text, *n)).collect(),
            months: words.months.iter().map(|(w, m)| (hoptac_text::fold(w).text, *m)).collect(),
            anniversaries,
            lang,
            words,
            automaton,
            cue_words,
            titles: PhraseSet::new(words.titles),
            honorifics: PhraseSet::new(words.honorifics),
            organisations: PhraseSet::new(words.organisations),
            stop_words: PhraseSet::new(words.stop_words),
        }
    }

    /// Every cue in folded text (whose word starts are known), left to right.
    pub(crate) fn cues_from(&self, folded: &str, starts: &[usize]) -> Vec<CueMention> {
        let mut out = Vec::new();
        for m in self.automaton.find_from(folded, starts, |_| true) {
            let (word, cue) = self.cue_words[m.pattern];
            if boundary_ok(folded, m.start, m.end, word, starts) {
                out.push(CueMention { start: m.start, end: m.end, cue });
            }
        }
        out
    }

    /// The cue starting exactly at `at`, for a position no word start marks (a Lao unit run on
    /// after a scale word: "200 ລ້ານດົ້ງ").
    pub(crate) fn cue_at(&self, folded: &str, at: usize) -> Option<CueMention> {
        self.automaton.find_from(folded, &[at], |_| true).into_iter().next().map(|m| CueMention {
            start: m.start,
            end: m.end,
            cue: self.cue_words[m.pattern].1,
        })
    }

    /// True when raw `text` may name what an anniversary counts from.
    pub(crate) fn may_name_an_anniversary(&self, text: &str) -> bool {
        self.anniversaries.is_match(text)
    }

    /// The value of an ordinal word.
    pub(crate) fn ordinal(&self, w: &str) -> Option<u32> {
        self.words.ordinals.iter().find(|(o, _)| *o == w).map(|(_, n)| *n)
    }
}

/// The lexicon of a language.
pub(crate) fn lexicon(lang: Lang) -> &'static Lexicon {
    static VI: OnceLock<Lexicon> = OnceLock::new();
    static EN: OnceLock<Lexicon> = OnceLock::new();
    static LO: OnceLock<Lexicon> = OnceLock::new();
    match lang {
        Lang::Vi => VI.get_or_init(|| Lexicon::build(Lang::Vi, &vi::WORDS)),
        Lang::En => EN.get_or_init(|| Lexicon::build(Lang::En, &en::WORDS)),
        Lang::Lo => LO.get_or_init(|| Lexicon::build(Lang::Lo, &lo::WORDS)),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cue {
    /// A meeting: hội nghị, sơ kết, hội đàm, lễ ký kết, thăm …
    Event(EventKind),
    /// "hội nghị" with nothing after it ("Tại hội nghị, …"): the article's own meeting, referred to.
    EventReference,
    /// A written agreement: bản ghi nhớ, biên bản, thông cáo chung …
    Agreement(AgreementKind),
    /// "chương trình hợp tác": an agreement only when signed or carried out.
    Programme,
    /// "lần thứ", "thứ": an ordinal follows.
    Ordinal,
    /// sẽ, dự kiến, kế hoạch, will …
    Planned,
    /// đã, vừa, diễn ra, was held …
    Held,
    /// ký, ký kết, signed.
    Sign,
    /// "ký kết tại hội nghị": minutes of the article's meeting.
    SignedAtMeeting,
    /// thống nhất, nhất trí: agreed to do (planned when a meeting follows).
    Agreed,
    /// chỉ đạo, đề nghị, kiến nghị, tiến tới: a wish, not a fact.
    Irrealis,
    /// triển khai, thực hiện, theo: an agreement that exists.
    Realis,
    /// hai tỉnh, ba bên, both sides: the partnership itself.
    Collective,
    /// tại, at, in: the venue follows.
    Venue,
    /// A word that means "at" only when a place follows it at once (Lao ທີ່, also "that, which").
    VenueNear,
    /// cho, tặng, to, for: the receiver follows.
    Recipient,
    /// kỷ niệm, anniversary: dates and counts that follow are not facts of the cooperation.
    Anniversary,
    /// dành, cam kết, sẽ hỗ trợ …: a promise.
    Commit,
    /// trao, bàn giao, quy tập được …: done.
    Deliver,
    /// dài, diện tích, có: a standing figure.
    Measure,
    /// A unit of measure after a number.
    Unit(Unit),
    /// "năm", "tháng", "lần", "tỉnh" … after a number: not a figure.
    NotUnit,
    /// "thứ", "số", "top" before a number: a rank or a code.
    Rank,
    /// Verbs that end a title ("cho biết", "phát biểu", "làm trưởng đoàn").
    Speech,
    /// A title or an honorific ("Bí thư", "Tỉnh trưởng", "ông"): a person may be named here.
    Title,
    /// tổ chức, diễn ra, held, took place, ຈັດຂຶ້ນ: a meeting is held (its venue may follow).
    Organised,
    /// "cùng ngày", "the same day": dated by the meeting reported just before.
    SameDay,
    /// "trước đó", "previous": an earlier occasion.
    Previous,
    /// định kỳ, thường xuyên, regularly: a custom, not one occasion.
    Recurring,
    /// mỗi năm, hằng năm, every year, ທຸກປີ: a custom too, and an amount given per year.
    PerYear,
    /// thường niên, annual: the name of a series ("hội nghị thường niên lần thứ V").
    Annual,
    /// "tương đương", "equivalent to": the quantity that follows restates another.
    Conversion,
    /// A reception (tiếp, received, ຕ້ອນຮັບ): a visit held where the host is.
    Reception,
    /// A generic meeting word (met, gặp gỡ, ການພົບປະ): the occasion's kind comes from elsewhere.
    Meeting,
    /// A twinning signed ("ký kết nghĩa", "was twinned"): a signing, and the document it sets up.
    SignedTwinning,
    /// cách, from, ຫ່າງຈາກ: a distance that locates something, not a figure of the cooperation.
    Distance,
    /// năm tới, next year, ປີໜ້າ: planned for the year after the article's.
    NextYear,
    /// What an anniversary counts from ("quan hệ ngoại giao" → 1962): "60 năm …" fixes a year.
    AnniversaryOf(i16),
}

pub(crate) const fn e(k: EventKind) -> Cue {
    Cue::Event(k)
}

pub(crate) const fn a(k: AgreementKind) -> Cue {
    Cue::Agreement(k)
}

pub(crate) const fn u(k: Unit) -> Cue {
    Cue::Unit(k)
}

pub(crate) use hoptac_core::AgreementKind as AK;
pub(crate) use hoptac_core::EventKind as EK;

/// A cue found in folded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CueMention {
    pub start: usize,
    pub end: usize,
    pub cue: Cue,
}

fn boundary_ok(text: &str, start: usize, end: usize, word: &str, starts: &[usize]) -> bool {
    // Lao: the word ends where the segmenter starts another, or before a non-word character
    // Lao: the walk began at a word start the segmenter found; where the word ends, the
    // dictionary may not know (an honorific glued to an unknown name: "ສະຫາຍຫງຽວນ…")
    if word.chars().next().is_some_and(hoptac_text::lao::is_lao) {
        // short words must end where a word ends (ຄູ is not the ຄູ of ຄູນສ້າງ)
        let short = word.chars().count() < 4;
        return !short
            || !text[end..].chars().next().is_some_and(hoptac_text::lao::is_lao)
            || starts.binary_search(&end).is_ok();
    }
    let first_alnum = word.chars().next().is_some_and(hoptac_text::is_word_char);
    let last_alnum = word.chars().next_back().is_some_and(hoptac_text::is_word_char);
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    // a unit right after digits ("154km", "20%") needs no space
    let digit_before = before.is_some_and(|c| c.is_ascii_digit());
    (!first_alnum || digit_before || !before.is_some_and(hoptac_text::is_word_char))
        && (!last_alnum || !after.is_some_and(hoptac_text::is_word_char))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(s: &str) -> Vec<Cue> {
        let lang = if s.chars().any(hoptac_text::lao::is_lao) { Lang::Lo } else { Lang::Vi };
        let f = hoptac_text::fold(s);
        lexicon(lang).cues_from(&f.text, &f.word_starts).into_iter().map(|c| c.cue).collect()
    }

    #[test]
    fn longest_phrase_wins() {
        assert_eq!(found("Hội nghị sơ kết"), vec![e(EK::MidtermReview)]);
        assert_eq!(found("biên bản ghi nhớ"), vec![a(AK::Mou)]);
        assert_eq!(found("Biên bản"), vec![a(AK::Minutes)]);
        assert_eq!(found("suất học bổng"), vec![u(Unit::Scholarship)]);
    }

    #[test]
    fn solidarity_is_not_a_delegation() {
        assert_eq!(found("Năm đoàn kết"), vec![Cue::NotUnit, Cue::NotUnit]);
    }

    #[test]
    fn lao_words_from_segment_starts() {
        assert_eq!(found("ກອງປະຊຸມຮ່ວມມື"), vec![e(EK::Conference)]);
        // ກອງ inside ເຊກອງ (Sekong) is no word start
        assert!(!found("ແຂວງເຊກອງ").contains(&e(EK::Conference)));
        assert_eq!(found("ພິທີລົງນາມ"), vec![e(EK::Signing)]);
    }

    #[test]
    fn every_language_builds() {
        for lang in [Lang::Vi, Lang::En, Lang::Lo] {
            let lex = lexicon(lang);
            assert!(lex.words.cues.len() > 50, "{lang:?}");
        }
        let en = |s: &str| {
            let f = hoptac_text::fold(s);
            lexicon(Lang::En).cues_from(&f.text, &f.word_starts).into_iter().map(|c| c.cue).collect::<Vec<_>>()
        };
        assert_eq!(en("signed a memorandum of understanding"), vec![Cue::Sign, a(AK::Mou)]);
    }

    #[test]
    fn whole_words_only() {
        assert_eq!(found("cháo"), Vec::<Cue>::new());
        assert_eq!(found("154km"), vec![u(Unit::Km)]);
        assert_eq!(found("Thỏa thuận hợp tác"), vec![a(AK::Mou)]);
        assert_eq!(found("thoả thuận hợp tác"), vec![a(AK::Mou)], "old tone placement");
    }
}
