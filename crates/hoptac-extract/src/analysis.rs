//! One pass over each sentence: fold it, then find places, dates, numbers and cues in it. The
//! rules read these mentions; nothing below re-scans text with a loop over names.

use hoptac_core::{PartialDate, PlaceId, Span};
use hoptac_text::date::{dates, DateMention, DateValue};
use hoptac_text::number::{is_number_word, numbers_with, Convention, NumberMention};
use hoptac_text::{fold, Folded, Sentence};

use crate::gazetteer::{Gazetteer, PlaceMention};
use crate::lexicon::{Cue, CueMention, Lang, Lexicon};

/// A sentence with everything found in it. Offsets in mentions are into `folded.text`.
pub(crate) struct Sent<'a> {
    /// Offset of the sentence in the normalised document.
    pub start: usize,
    pub src: &'a str,
    pub folded: Folded,
    pub places: Vec<PlaceMention>,
    /// For each place: written in brackets right after another place ("Đăk Glei (tỉnh Kon Tum)").
    pub qualifier: Vec<bool>,
    pub dates: Vec<DateMention>,
    pub numbers: Vec<NumberMention>,
    pub cues: Vec<CueMention>,
    /// The lexicon of the document's language.
    pub lex: &'static Lexicon,
}

impl<'a> Sent<'a> {
    /// `lex`: the lexicon of the document's language.
    pub fn analyse(g: &Gazetteer, doc: &'a str, s: Sentence, lex: &'static Lexicon) -> Sent<'a> {
        let src = s.text(doc);
        let folded = fold(src);
        let english = lex.lang == Lang::En;
        let places = g.find(src, &folded, english);
        let qualifier = qualifiers(&folded.text, &places);
        let conv = if english { Convention::English } else { Convention::Vietnamese };
        let cues = lex.cues_from(&folded.text, &folded.word_starts);
        // Dates matter only where a meeting, an agreement, a figure or an anniversary is named,
        // and numbers only before a unit: most sentences need neither.
        let wants_dates = cues.iter().any(|c| {
            matches!(
                c.cue,
                Cue::Event(_)
                    | Cue::Agreement(_)
                    | Cue::Programme
                    | Cue::Unit(_)
                    | Cue::Anniversary
                    | Cue::AnniversaryOf(_)
                    | Cue::SignedAtMeeting
                    | Cue::Sign
                    | Cue::SignedTwinning
                    | Cue::Reception
                    | Cue::Meeting
                    | Cue::NextYear
            )
        });
        let has_unit = cues.iter().any(|c| matches!(c.cue, Cue::Unit(_)));
        // English writes the currency before the number ("VND9 billion"): any digit will do there
        let wants_numbers = has_unit
            || cues.iter().any(|c| matches!(c.cue, Cue::Anniversary | Cue::AnniversaryOf(_)))
            || (english && folded.text.bytes().any(|b| b.is_ascii_digit()));
        // numbers in words only where a unit follows a number word ("hai mươi suất học bổng")
        let classifiers = lex.words.classifiers;
        let wants_words = (english && has_unit)
            || cues.iter().any(|c| {
                matches!(c.cue, Cue::Unit(_)) && {
                    let before = folded.text[..c.start].trim_end();
                    let last = before.rsplit(' ').next().unwrap_or("");
                    let last = if classifiers.contains(&last) {
                        before[..before.len() - last.len()].trim_end().rsplit(' ').next().unwrap_or("")
                    } else {
                        last
                    };
                    is_number_word(last)
                }
            });
        let mut dates = if wants_dates { dates(&folded.text) } else { Vec::new() };
        if wants_dates && !lex.months.is_empty() {
            named_month_dates(&folded.text, &lex.months, &mut dates);
        }
        let numbers =
            if wants_numbers { numbers_with(&folded.text, conv, wants_words, lex.words.scales) } else { Vec::new() };
        Sent { start: s.start, src, folded, places, qualifier, dates, numbers, cues, lex }
    }

    /// Drop the places that lie in `ranges` of the document (text that is not the article's).
    pub fn forget_places_in(&mut self, ranges: &[(usize, usize)]) {
        if ranges.iter().all(|&(a, b)| b <= self.start || a >= self.start + self.src.len()) {
            return;
        }
        let keep: Vec<bool> = self
            .places
            .iter()
            .map(|p| {
                let at = self.start + self.folded.to_source(p.start);
                !ranges.iter().any(|&(a, b)| a <= at && at < b)
            })
            .collect();
        let mut k = keep.iter();
        self.places.retain(|_| *k.next().unwrap_or(&true));
        let mut k = keep.iter();
        self.qualifier.retain(|_| *k.next().unwrap_or(&true));
    }

    pub fn text(&self) -> &str {
        &self.folded.text
    }

    /// Span in the normalised document of folded range `a..b`.
    pub fn span(&self, a: usize, b: usize) -> Span {
        Span::new(self.start + self.folded.to_source(a), self.start + self.folded.to_source(b))
    }

    /// Source text of folded range `a..b`.
    pub fn source_of(&self, a: usize, b: usize) -> &'a str {
        let (x, y) = (self.folded.to_source(a), self.folded.to_source(b));
        self.src.get(x..y).unwrap_or("")
    }

    /// The `;`-clause (folded offsets) around `pos`.
    pub fn clause(&self, pos: usize) -> (usize, usize) {
        let t = self.text();
        let start = t[..pos.min(t.len())].rfind(';').map_or(0, |i| i + 1);
        let end = t[pos.min(t.len())..].find(';').map_or(t.len(), |i| pos + i);
        (start, end)
    }

    /// The `,`/`;`-delimited piece around `pos`, ignoring commas inside brackets.
    pub fn phrase(&self, pos: usize) -> (usize, usize) {
        let t = self.text().as_bytes();
        let pos = pos.min(t.len());
        let mut depth = 0i32;
        let mut start = 0;
        for i in (0..pos).rev() {
            match t[i] {
                b')' => depth += 1,
                b'(' => depth -= 1,
                b',' | b';' | b':' if depth <= 0 => {
                    start = i + 1;
                    break;
                }
                _ => {}
            }
        }
        depth = 0;
        let mut end = t.len();
        for (i, &b) in t.iter().enumerate().skip(pos) {
            match b {
                b'(' => depth += 1,
                b')' => depth -= 1,
                b',' | b';' | b':' if depth <= 0 => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        (start, end)
    }

    pub fn cues_in(&self, a: usize, b: usize) -> impl DoubleEndedIterator<Item = &CueMention> {
        self.cues.iter().filter(move |c| c.start >= a && c.end <= b)
    }

    pub fn has_cue(&self, a: usize, b: usize, cue: Cue) -> bool {
        self.cues_in(a, b).any(|c| c.cue == cue)
    }

    /// Administrative places (country, province, district) in `a..b` that are not brackets after another.
    pub fn admin_places_in(&self, a: usize, b: usize) -> impl Iterator<Item = (usize, &PlaceMention)> {
        self.places
            .iter()
            .enumerate()
            .filter(move |(i, p)| p.start >= a && p.end <= b && !self.qualifier[*i] && p.level.is_administrative())
    }

    /// "60 năm thiết lập quan hệ ngoại giao", "the 60th anniversary of diplomatic relations",
    /// "ຄົບຮອບ 60 ປີ … ສາຍພົວພັນການທູດ": the year an anniversary of a known start falls in.
    pub fn anniversary_year(&self) -> Option<i16> {
        self.cues.iter().find_map(|c| {
            let Cue::AnniversaryOf(base) = c.cue else { return None };
            let n = self.numbers.iter().rfind(|n| n.end <= c.start && c.start - n.end <= 80)?;
            let years = n.value as i16;
            (n.value.fract() == 0.0 && (1..=100).contains(&years)).then_some(base + years)
        })
    }

    /// A year that this sentence fixes for days written without one: the end of an anniversary
    /// range, else the latest year written, else a period's first year where something is signed
    /// for it ("signed … for 2024-2026 on May 10") and its last year otherwise (a review of it).
    pub fn context_year(&self) -> Option<i16> {
        if let Some(y) = self.dates.iter().find_map(|d| match d.value {
            DateValue::Anniversary { last, .. } => Some(last.year),
            _ => None,
        }) {
            return Some(y);
        }
        let written = self
            .dates
            .iter()
            .filter_map(|d| match d.value {
                DateValue::Date(p) => Some(p.year),
                _ => None,
            })
            .max();
        written.or_else(|| {
            let signed = self.cues.iter().any(|c| c.cue == Cue::Sign);
            self.dates.iter().find_map(|d| match d.value {
                DateValue::Period(p) => Some(if signed { p.first } else { p.last }),
                _ => None,
            })
        })
    }
}

/// Dates with month names the shared grammar does not know ("15 ກັນຍາ 2019", "ວັນທີ 13 ສິງຫາ
/// 2024", "ພ.ສ. 2567"): a day, the month name, a year (Buddhist era from 2400 on), merged into
/// `out` in text order. Bare years are already there.
fn named_month_dates(text: &str, months: &[(String, u8)], out: &mut Vec<DateMention>) {
    let digits_at = |i: usize| text[i..].bytes().take_while(u8::is_ascii_digit).count();
    let mut found = Vec::new();
    for (folded, month) in months {
        let month = *month;
        for (at, _) in text.match_indices(folded.as_str()) {
            // the day before the month name
            let before = text[..at].trim_end();
            let day_len = before.bytes().rev().take_while(u8::is_ascii_digit).count();
            let day: Option<u8> =
                if (1..=2).contains(&day_len) { before[before.len() - day_len..].parse().ok() } else { None };
            let start = if day.is_some() { before.len() - day_len } else { at };
            // the year after it, possibly after "ປີ" or "ພ.ສ."
            let mut end = at + folded.len();
            let rest = &text[end..];
            let skip = rest.len() - rest.trim_start_matches([' ', ',']).len();
            let mut year = None;
            let mut j = end + skip;
            for prefix in ["ປີ", "ພ.ສ.", "ຄ.ສ."] {
                if text[j..].starts_with(prefix) {
                    j += prefix.len();
                    j += text[j..].len() - text[j..].trim_start().len();
                }
            }
            let n = digits_at(j);
            if n == 4 {
                if let Ok(y) = text[j..j + n].parse::<i16>() {
                    year = Some(if y >= 2400 { y - 543 } else { y });
                    end = j + n;
                }
            }
            let value = match (day, year) {
                (Some(d), Some(y)) => PartialDate::ymd(y, month, d).map(DateValue::Date),
                (None, Some(y)) => PartialDate::month(y, month).map(DateValue::Date),
                (Some(d), None) => PartialDate::ymd(2000, month, d).map(|_| DateValue::DayMonth { day: d, month }),
                (None, None) => Some(DateValue::Month { month }),
            };
            if let Some(value) = value {
                found.push(DateMention { start, end, value });
            }
        }
    }
    if found.is_empty() {
        return;
    }
    // a bare year inside a named-month date is part of it
    out.retain(|d| !found.iter().any(|f| f.start < d.end && d.start < f.end));
    out.extend(found);
    out.sort_by_key(|d| d.start);
}

/// Places in brackets directly after another place are qualifiers of it.
fn qualifiers(text: &str, places: &[PlaceMention]) -> Vec<bool> {
    let mut out = vec![false; places.len()];
    if places.len() < 2 || !text.contains('(') {
        return out;
    }
    let mut open: Option<usize> = None; // index of the place before the current bracket
    let mut last_place_end: Option<(usize, usize)> = None;
    let mut pi = 0usize;
    // brackets are ASCII and places start at character boundaries: bytes will do
    for (i, c) in text.bytes().enumerate() {
        while pi < places.len() && places[pi].cue_start <= i && places[pi].start <= i {
            if open.is_some() {
                out[pi] = true;
            }
            last_place_end = Some((pi, places[pi].end));
            pi += 1;
        }
        match c {
            b'(' => {
                if let Some((_, end)) = last_place_end {
                    if text[end..i].trim().is_empty() {
                        open = Some(i);
                    }
                }
            }
            b')' => open = None,
            _ => {}
        }
    }
    out
}

/// Keep the most precise places: drop a place when another in the set lies within it, and
/// drop countries when provinces or districts are present.
pub(crate) fn most_precise(ids: &[PlaceId]) -> Vec<PlaceId> {
    let mut out: Vec<PlaceId> = Vec::new();
    for id in ids {
        if out.contains(id) {
            continue;
        }
        if ids.iter().any(|o| o.is_within(id)) {
            continue;
        }
        out.push(id.clone());
    }
    out
}

/// Both Vietnam and Laos (or two different countries) are represented.
pub(crate) fn two_sided(ids: &[PlaceId]) -> bool {
    let mut countries: Vec<&str> = ids.iter().map(PlaceId::country).collect();
    countries.dedup();
    countries.sort_unstable();
    countries.dedup();
    countries.len() >= 2
}

/// Resolve a date value to a partial date, giving a year to a day written without one.
pub(crate) fn resolve(value: DateValue, year: Option<i16>) -> Option<PartialDate> {
    match value {
        DateValue::Date(d) => Some(d),
        DateValue::DayMonth { day, month } => PartialDate::ymd(year?, month, day),
        DateValue::Month { month } => PartialDate::month(year?, month),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precision_reduction() {
        let ids: Vec<PlaceId> =
            ["VN", "VN-28", "VN-28:dakglei", "LA", "LA-AT:sanxay", "LA-AT"].iter().map(|s| PlaceId::new(*s)).collect();
        assert_eq!(most_precise(&ids), vec![PlaceId::new("VN-28:dakglei"), PlaceId::new("LA-AT:sanxay")]);
        assert!(two_sided(&most_precise(&ids)));
        assert!(!two_sided(&[PlaceId::new("VN-28")]));
    }

    #[test]
    fn lao_dates_with_month_names_and_buddhist_years() {
        let lex = crate::lexicon::lexicon(Lang::Lo);
        let text = "ໃນວັນທີ ໑໓ ສິງຫາ 2024 ແລະ ວັນທີ 5 ມີນາ ພ.ສ. 2567 ກອງປະຊຸມ";
        let s = Sent::analyse(Gazetteer::builtin(), text, Sentence { start: 0, end: text.len() }, lex);
        let v: Vec<DateValue> = s.dates.iter().map(|d| d.value).collect();
        let ymd = |y, m, d| DateValue::Date(PartialDate::ymd(y, m, d).unwrap());
        assert_eq!(v, vec![ymd(2024, 8, 13), ymd(2024, 3, 5)]);
    }

    #[test]
    fn bracketed_places_are_qualifiers() {
        let g = Gazetteer::builtin();
        let text = "huyện Đăk Glei (tỉnh Kon Tum, Việt Nam) với huyện Xan Xay";
        let lex = crate::lexicon::lexicon(Lang::Vi);
        let s = Sent::analyse(g, text, Sentence { start: 0, end: text.len() }, lex);
        let ids: Vec<&str> = s.admin_places_in(0, s.text().len()).map(|(_, p)| p.id.as_str()).collect();
        assert_eq!(ids, vec!["VN-28:dakglei", "LA-AT:sanxay"]);
    }
}
