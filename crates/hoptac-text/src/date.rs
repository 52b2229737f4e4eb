//! Dates and periods in folded (lower-case) Vietnamese or English text.
//!
//! What is found is what is written: a day without a year stays [`DateValue::DayMonth`] here and
//! gets its year from the document (publication date or surrounding text) in the extractor.

use std::sync::OnceLock;

use hoptac_core::{PartialDate, Period};
use regex::{Captures, Regex};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateValue {
    /// A date with its year (full, month-year or year alone).
    Date(PartialDate),
    /// "Sáng 23/8", "ngày 16-11": day and month, year unknown.
    DayMonth { day: u8, month: u8 },
    /// "vào tháng 11", "in November": a month, year unknown.
    Month { month: u8 },
    /// "giai đoạn 2022-2027", "2024 – 2029", "từ năm 2015 đến năm 2020".
    Period(Period),
    /// An anniversary range such as "5/9/1962 – 5/9/2023": the last date fixes the article's year.
    Anniversary { first: PartialDate, last: PartialDate },
}

/// A date found in folded text; `start..end` are byte offsets into that text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateMention {
    pub start: usize,
    pub end: usize,
    pub value: DateValue,
}

const MONTHS: &str = "january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec";

/// The months written in full that a date without a day or a digit names ("in november"); not
/// May, which "in may" does not make a date. [`for_each_match`] searches a whole text only when
/// one of these is in it.
const MONTHS_IN_FULL: &str = "january|february|march|april|june|july|august|september|october|november|december";

fn re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let pattern = format!(
            r"(?x)
            (?P<iso>(?-u:\b)(?P<iy>[0-9]{{4}})-(?P<im>[0-9]{{2}})-(?P<id>[0-9]{{2}})(?-u:\b))
          | (?P<dmy>(?-u:\b)(?P<d1>[0-9]{{1,2}})[\x20\t]*[/.\-][\x20\t]*(?P<m1>[0-9]{{1,2}})[\x20\t]*[/.\-][\x20\t]*(?P<y1>[0-9]{{4}})(?-u:\b))
          | (?P<ddm>(?-u:\b)(?P<d12>[0-9]{{1,2}})[\x20\t]*[-–][\x20\t]*(?P<d13>[0-9]{{1,2}})[\x20\t]*/[\x20\t]*(?P<m12>[0-9]{{1,2}})(?:[\x20\t]*/[\x20\t]*(?P<y12>[0-9]{{4}}))?(?-u:\b))
          | (?P<range>(?-u:\b)từ[\x20\t]+(?:ngày[\x20\t]+)?(?P<d10>[0-9]{{1,2}})[\x20\t]+(?:đến|tới)[\x20\t]+(?:ngày[\x20\t]+)?(?P<d11>[0-9]{{1,2}})[\x20\t]*[/\-][\x20\t]*(?P<m10>[0-9]{{1,2}})(?:[\x20\t]*[/\-][\x20\t]*(?P<y10>[0-9]{{4}}))?(?-u:\b))
          | (?P<vfull>(?-u:\b)ngày[\x20\t]+(?P<d2>[0-9]{{1,2}})[\x20\t]+tháng[\x20\t]+(?P<m2>[0-9]{{1,2}})(?:[\x20\t]*(?:năm|,)[\x20\t]*(?P<y2>[0-9]{{4}}))?)
          | (?P<my>(?-u:\b)tháng[\x20\t]+(?P<m3>[0-9]{{1,2}})[\x20\t]*(?:[/\-]|năm)[\x20\t]*(?P<y3>[0-9]{{4}})(?-u:\b))
          | (?P<period>(?-u:\b)(?P<p1>(?:19|20)[0-9]{{2}})[\x20\t]*[-–—][\x20\t]*(?P<p2>(?:19|20)[0-9]{{2}})(?-u:\b))
          | (?P<period2>(?-u:\b)từ[\x20\t]+năm[\x20\t]+(?P<p3>[0-9]{{4}})[\x20\t]+(?:đến|tới)[\x20\t]+(?:năm[\x20\t]+)?(?P<p4>[0-9]{{4}})(?-u:\b))
          | (?P<period3>(?-u:\b)from[\x20\t]+(?P<p5>[0-9]{{4}})[\x20\t]+(?:to|until|through)[\x20\t]+(?P<p6>[0-9]{{4}})(?-u:\b))
          | (?P<dm>(?-u:\b)(?P<d4>[0-9]{{1,2}})[\x20\t]*[/\-][\x20\t]*(?P<m4>[0-9]{{1,2}})(?-u:\b))
          | (?P<enmdy>(?-u:\b)(?P<mon1>{MONTHS})\.?[\x20\t]+(?P<d5>[0-9]{{1,2}})(?:st|nd|rd|th)?(?-u:\b)(?:,?[\x20\t]+(?P<y5>[0-9]{{4}})(?-u:\b))?)
          | (?P<endmy>(?-u:\b)(?P<d6>[0-9]{{1,2}})(?:st|nd|rd|th)?[\x20\t]+(?:of[\x20\t]+)?(?P<mon2>{MONTHS})(?-u:\b)\.?(?:,?[\x20\t]+(?P<y6>[0-9]{{4}})(?-u:\b))?)
          | (?P<enmy>(?-u:\b)(?P<mon3>{MONTHS})[\x20\t]+(?P<y7>[0-9]{{4}})(?-u:\b))
          | (?P<enmo>(?-u:\b)(?:in|early|late|mid|by|from)[\x20\t]+(?P<mon4>{MONTHS_IN_FULL})(?-u:\b)(?:[\x20\t]+(?P<d15>[0-9]{{1,2}})(?:st|nd|rd|th)?(?-u:\b))?(?:,?[\x20\t]+(?P<y15>[0-9]{{4}})(?-u:\b))?)
          | (?P<vmo>(?-u:\b)(?:vào|trong|đầu|cuối|giữa|từ|đến)[\x20\t]+tháng[\x20\t]+(?P<m14>[0-9]{{1,2}})(?-u:\b))
          | (?P<year>(?-u:\b)(?P<y9>(?:19|20)[0-9]{{2}})(?-u:\b))
            "
        );
        Regex::new(&pattern).expect("static regex")
    })
}

fn month_of(name: &str) -> Option<u8> {
    let m = match name.get(..3)? {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(m)
}

/// The grammar's capture groups that [`value_of`] reads, by name in the pattern.
#[derive(Debug, Clone, Copy)]
enum G {
    Iso,
    Iy,
    Im,
    Id,
    Dmy,
    D1,
    M1,
    Y1,
    D12,
    M12,
    Y12,
    D10,
    M10,
    Y10,
    Vfull,
    D2,
    M2,
    Y2,
    My,
    M3,
    Y3,
    P1,
    P2,
    P3,
    P4,
    P5,
    P6,
    Dm,
    D4,
    M4,
    Mon1,
    D5,
    Y5,
    D6,
    Mon2,
    Y6,
    Mon3,
    Y7,
    Mon4,
    D15,
    Y15,
    M14,
    Year,
    Y9,
}

/// The names of [`G`]'s groups, in its order.
const GROUP_NAMES: [&str; 44] = [
    "iso", "iy", "im", "id", "dmy", "d1", "m1", "y1", "d12", "m12", "y12", "d10", "m10", "y10", "vfull", "d2", "m2",
    "y2", "my", "m3", "y3", "p1", "p2", "p3", "p4", "p5", "p6", "dm", "d4", "m4", "mon1", "d5", "y5", "d6", "mon2",
    "y6", "mon3", "y7", "mon4", "d15", "y15", "m14", "year", "y9",
];

/// The group `g` of a match of [`re`]. Its index is looked up once: a group found by its name
/// hashes the name at every use.
fn get<'h>(c: &Captures<'h>, g: G) -> Option<regex::Match<'h>> {
    static INDEX: OnceLock<Vec<usize>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        let names: Vec<Option<&str>> = re().capture_names().collect();
        GROUP_NAMES.iter().map(|n| names.iter().position(|m| m == &Some(*n)).unwrap_or(usize::MAX)).collect()
    });
    c.get(*index.get(g as usize)?)
}

fn num<T: std::str::FromStr>(c: &Captures, g: G) -> Option<T> {
    get(c, g)?.as_str().parse().ok()
}

fn plausible_year(y: i16) -> bool {
    (1900..=2100).contains(&y)
}

/// Words after which a bare "23/8" or "16-11" is a date rather than a ratio or a score.
const DAY_CUES: [&str; 16] =
    ["ngày", "sáng", "chiều", "tối", "trưa", "đêm", "hôm", "từ", "đến", "tới", "vào", "(", "on", "dịp", "nay", "qua"];

fn has_day_cue(before: &str) -> bool {
    let t = before.trim_end();
    if t.ends_with('(') || t.is_empty() || t.ends_with(['.', '\n', ':']) {
        return true;
    }
    let last = t.rsplit(|c: char| !crate::chars::is_word_char(c)).next().unwrap_or("");
    DAY_CUES.contains(&last)
}

fn value_of(c: &Captures, text: &str, start: usize) -> Option<DateValue> {
    if get(c, G::Iso).is_some() {
        return PartialDate::ymd(num(c, G::Iy)?, num(c, G::Im)?, num(c, G::Id)?).map(DateValue::Date);
    }
    if get(c, G::Dmy).is_some() {
        let y: i16 = num(c, G::Y1)?;
        return plausible_year(y)
            .then(|| PartialDate::ymd(y, num(c, G::M1)?, num(c, G::D1)?))
            .flatten()
            .map(DateValue::Date);
    }
    for (d, m, y) in [(G::D12, G::M12, G::Y12), (G::D10, G::M10, G::Y10)] {
        if let (Some(day), Some(month)) = (num::<u8>(c, d), num::<u8>(c, m)) {
            // a range of days: the first day is the date ("Từ ngày 10 đến 12/9/2023", "10-12/9")
            return match num::<i16>(c, y) {
                Some(year) => PartialDate::ymd(year, month, day).map(DateValue::Date),
                None => PartialDate::ymd(2000, month, day).map(|_| DateValue::DayMonth { day, month }),
            };
        }
    }
    if let Some(name) = get(c, G::Mon4) {
        let month = month_of(name.as_str())?;
        // "from October 22-26": the first day
        return match (num::<u8>(c, G::D15), num::<i16>(c, G::Y15)) {
            (Some(d), Some(y)) => PartialDate::ymd(y, month, d).map(DateValue::Date),
            (Some(d), None) => PartialDate::ymd(2000, month, d).map(|_| DateValue::DayMonth { day: d, month }),
            (None, Some(y)) => PartialDate::month(y, month).map(DateValue::Date),
            (None, None) => Some(DateValue::Month { month }),
        };
    }
    if let Some(m) = num::<u8>(c, G::M14) {
        return (1..=12).contains(&m).then_some(DateValue::Month { month: m });
    }
    if get(c, G::Vfull).is_some() {
        let (d, m) = (num(c, G::D2)?, num(c, G::M2)?);
        return match num::<i16>(c, G::Y2) {
            Some(y) => PartialDate::ymd(y, m, d).map(DateValue::Date),
            None => PartialDate::ymd(2000, m, d).map(|_| DateValue::DayMonth { day: d, month: m }),
        };
    }
    if get(c, G::My).is_some() {
        return PartialDate::month(num(c, G::Y3)?, num(c, G::M3)?).map(DateValue::Date);
    }
    for (a, b) in [(G::P1, G::P2), (G::P3, G::P4), (G::P5, G::P6)] {
        if let (Some(x), Some(y)) = (num::<i16>(c, a), num::<i16>(c, b)) {
            if plausible_year(x) && plausible_year(y) && y - x <= 30 {
                return Period::new(x, y).map(DateValue::Period);
            }
            return None;
        }
    }
    if get(c, G::Dm).is_some() {
        let (d, m): (u8, u8) = (num(c, G::D4)?, num(c, G::M4)?);
        if !has_day_cue(&text[..start]) {
            return None;
        }
        return PartialDate::ymd(2000, m, d).map(|_| DateValue::DayMonth { day: d, month: m });
    }
    let en = [(G::Mon1, G::D5, G::Y5), (G::Mon2, G::D6, G::Y6)];
    for (mon, day, year) in en {
        if let Some(name) = get(c, mon) {
            let m = month_of(name.as_str())?;
            let d: u8 = num(c, day)?;
            return match num::<i16>(c, year) {
                Some(y) => PartialDate::ymd(y, m, d).map(DateValue::Date),
                None => PartialDate::ymd(2000, m, d).map(|_| DateValue::DayMonth { day: d, month: m }),
            };
        }
    }
    if let Some(name) = get(c, G::Mon3) {
        return PartialDate::month(num(c, G::Y7)?, month_of(name.as_str())?).map(DateValue::Date);
    }
    if get(c, G::Year).is_some() {
        return Some(DateValue::Date(PartialDate::year(num(c, G::Y9)?)));
    }
    None
}

/// The last year of the first anniversary range in `text` ("5/9/1962 – 5/9/2023" → 2023): the
/// year an article is written in, when nothing else says. One regex pass over the raw text.
pub fn anniversary_year(text: &str) -> Option<i16> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"([0-9]{1,2})[./\-]([0-9]{1,2})[./\-]([0-9]{4})[\x20\t]*[-–—][\x20\t]*([0-9]{1,2})[./\-]([0-9]{1,2})[./\-]([0-9]{4})")
            .expect("static regex")
    });
    re.captures_iter(text).find_map(|c| {
        let n = |i: usize| c.get(i)?.as_str().parse::<i16>().ok();
        let (d1, m1, y1, d2, m2, y2) = (n(1)?, n(2)?, n(3)?, n(4)?, n(5)?, n(6)?);
        let valid = PartialDate::ymd(y2, u8::try_from(m2).ok()?, u8::try_from(d2).ok()?).is_some();
        (valid && d1 == d2 && m1 == m2 && y1 < y2 && plausible_year(y2)).then_some(y2)
    })
}

/// The words a date may have before its first digit ("từ ngày 10", "vào tháng 11") or after
/// its last ("15th of september"), counted with room to spare; words are runs of anything but
/// ASCII white space (the only separator the grammar has is a space or a tab).
const WORDS_AROUND: usize = 3;

/// The parts of `text` that hold every date with a digit in it: around each run of digits, the
/// words a date may reach on either side, overlapping parts joined. Each ends before white space
/// or at the end of the text, and begins after white space, so that a search cut to one sees
/// the word boundaries at its edges that the whole text has.
fn windows(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let space = |x: u8| x.is_ascii_whitespace();
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while let Some(k) = b[i..].iter().position(u8::is_ascii_digit) {
        let mut start = i + k;
        while start > 0 && !space(b[start - 1]) {
            start -= 1;
        }
        for _ in 0..WORDS_AROUND {
            while start > 0 && space(b[start - 1]) {
                start -= 1;
            }
            while start > 0 && !space(b[start - 1]) {
                start -= 1;
            }
        }
        let mut end = i + k;
        while end < b.len() && !space(b[end]) {
            end += 1;
        }
        i = end;
        for _ in 0..WORDS_AROUND {
            while end < b.len() && space(b[end]) {
                end += 1;
            }
            while end < b.len() && !space(b[end]) {
                end += 1;
            }
        }
        match out.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => out.push((start, end)),
        }
    }
    out
}

/// Every match of the grammar in `folded`, left to right, with the text it was found in (the
/// text up to the end of the part searched: see [`windows`]). Only the parts around digits are
/// searched, unless a month is named in full: "in november" is the one date without a digit.
fn for_each_match(folded: &str, mut f: impl FnMut(&str, regex::Match)) {
    // (one pass for all of them)
    static MONTH_NAMED: OnceLock<Regex> = OnceLock::new();
    let month_named = MONTH_NAMED.get_or_init(|| Regex::new(MONTHS_IN_FULL).expect("static regex")).is_match(folded);
    if !month_named && !folded.bytes().any(|b| b.is_ascii_digit()) {
        return;
    }
    let parts = if month_named { vec![(0, folded.len())] } else { windows(folded) };
    for (from, to) in parts {
        let hay = &folded[..to];
        let mut at = from;
        while let Some(m) = re().find_at(hay, at) {
            at = m.end();
            f(hay, m);
        }
    }
}

/// Every date and period in folded text, left to right.
pub fn dates(folded: &str) -> Vec<DateMention> {
    let mut out: Vec<DateMention> = Vec::new();
    // The match is found without its groups; most are a bare year, which only the `year`
    // alternative matches (every other one has a separator or a word), read at once. The others
    // are matched again from where they start, with their groups: the same match, as the
    // leftmost-first match at a position does not depend on what was searched before it.
    let re = re();
    for_each_match(folded, |hay, m| {
        let span = m.as_str();
        if span.len() == 4 && span.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(y) = span.parse() {
                out.push(DateMention { start: m.start(), end: m.end(), value: DateValue::Date(PartialDate::year(y)) });
            }
            return;
        }
        let Some(c) = re.captures_at(hay, m.start()) else { return };
        let Some(whole) = c.get(0) else { return };
        debug_assert_eq!((whole.start(), whole.end()), (m.start(), m.end()));
        if let Some(value) = value_of(&c, folded, m.start()) {
            out.push(DateMention { start: m.start(), end: m.end(), value });
        }
    });

    // Join "5/9/1962 – 5/9/2023" into one anniversary range.
    let mut joined: Vec<DateMention> = Vec::with_capacity(out.len());
    for d in out {
        if let Some(prev) = joined.last_mut() {
            if let (DateValue::Date(a), DateValue::Date(b)) = (prev.value, d.value) {
                let between = &folded[prev.end..d.start];
                let dash = between.trim().chars().all(|c| matches!(c, '-' | '–' | '—')) && !between.trim().is_empty();
                if dash && a.precision() == 3 && a.month == b.month && a.day == b.day && a.year < b.year {
                    prev.value = DateValue::Anniversary { first: a, last: b };
                    prev.end = d.end;
                    continue;
                }
            }
        }
        joined.push(d);
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vals(s: &str) -> Vec<DateValue> {
        dates(s).into_iter().map(|d| d.value).collect()
    }

    fn ymd(y: i16, m: u8, d: u8) -> DateValue {
        DateValue::Date(PartialDate::ymd(y, m, d).unwrap())
    }

    #[test]
    fn vietnamese_forms() {
        assert_eq!(vals("thứ năm, 16/11/2017, 04:29:41"), vec![ymd(2017, 11, 16)]);
        assert_eq!(vals("sáng 23/8, tại"), vec![DateValue::DayMonth { day: 23, month: 8 }]);
        assert_eq!(vals("ngày 16-11, tại"), vec![DateValue::DayMonth { day: 16, month: 11 }]);
        assert_eq!(vals("ký ngày 19/10/2022 tại"), vec![ymd(2022, 10, 19)]);
        assert_eq!(vals("tháng 4/2018 hai tỉnh"), vec![DateValue::Date(PartialDate::month(2018, 4).unwrap())]);
        assert_eq!(vals("ngày 23 tháng 11 năm 2023"), vec![ymd(2023, 11, 23)]);
        assert_eq!(vals("vào năm 2024."), vec![DateValue::Date(PartialDate::year(2024))]);
    }

    #[test]
    fn ranges_of_days_give_the_first_day() {
        assert_eq!(vals("từ ngày 10 đến 12/9/2023"), vec![ymd(2023, 9, 10)]);
        assert_eq!(vals("ngày 10-12/9, đoàn"), vec![DateValue::DayMonth { day: 10, month: 9 }]);
    }

    #[test]
    fn months_without_a_year() {
        assert_eq!(vals("vào tháng 11 tới"), vec![DateValue::Month { month: 11 }]);
        assert_eq!(vals("scheduled in november"), vec![DateValue::Month { month: 11 }]);
        assert_eq!(vals("3 tháng"), vec![]);
    }

    #[test]
    fn periods() {
        let p = |a, b| DateValue::Period(Period::new(a, b).unwrap());
        assert_eq!(vals("giai đoạn 2022-2027"), vec![p(2022, 2027)]);
        assert_eq!(vals("2024 – 2029"), vec![p(2024, 2029)]);
        assert_eq!(vals("(giai đoạn 2017 - 2020)"), vec![p(2017, 2020)]);
        assert_eq!(vals("từ năm 2015 đến năm 2020"), vec![p(2015, 2020)]);
    }

    #[test]
    fn anniversary_ranges_are_joined() {
        let v = vals("(5/9/1962 – 5/9/2023)");
        assert_eq!(
            v,
            vec![DateValue::Anniversary {
                first: PartialDate::ymd(1962, 9, 5).unwrap(),
                last: PartialDate::ymd(2023, 9, 5).unwrap()
            }]
        );
    }

    #[test]
    fn anniversary_year_of_a_text() {
        assert_eq!(anniversary_year("kỷ niệm 61 năm (5/9/1962 – 5/9/2023) và"), Some(2023));
        assert_eq!(anniversary_year("từ 5/9/2020 - 6/9/2021"), None);
        assert_eq!(anniversary_year("không có"), None);
    }

    #[test]
    fn english_forms() {
        assert_eq!(vals("on november 23, 2023"), vec![ymd(2023, 11, 23)]);
        assert_eq!(vals("on 30 march 2023"), vec![ymd(2023, 3, 30)]);
        assert_eq!(vals("on march 30"), vec![DateValue::DayMonth { day: 30, month: 3 }]);
        assert_eq!(vals("in april 2018"), vec![DateValue::Date(PartialDate::month(2018, 4).unwrap())]);
        assert_eq!(vals("(from october 22-26)"), vec![DateValue::DayMonth { day: 22, month: 10 }]);
        assert_eq!(vals("in may 9, 2024"), vec![ymd(2024, 5, 9)]);
    }

    /// Every match of the grammar, found by one search of the whole text.
    fn scanned_whole(text: &str) -> Vec<(usize, usize)> {
        re().find_iter(text).map(|m| (m.start(), m.end())).collect()
    }

    /// The matches `dates` reads.
    fn scanned_in_windows(text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for_each_match(text, |_, m| out.push((m.start(), m.end())));
        out
    }

    #[test]
    fn windows_hold_every_date_with_a_digit() {
        let text = "hội nghị từ ngày 10 đến ngày 12/9/2023 tại  vào   tháng 11 năm nay, giai đoạn \
                    2022 - 2027; kỷ niệm (5/9/1962 – 5/9/2023) on 15th of march, 2024 và 3/4 số hộ 20245";
        assert_eq!(scanned_in_windows(text), scanned_whole(text));
        assert_eq!(windows("không có số"), vec![]);
        assert_eq!(windows("a b c d 1 e f g h"), vec![(2, 15)]);
        assert_eq!(windows("a b c d e 1 f g h i j 2"), vec![(4, 23)]);
    }

    proptest::proptest! {
        #[test]
        fn windows_find_what_a_whole_search_finds(
            words in proptest::collection::vec(proptest::sample::select(vec![
                "ngày", "tháng", "năm", "từ", "đến", "tới", "vào", "trong", "giai", "đoạn", "hội", "nghị",
                "of", "on", "15th", "march", "from", "to", "2024", "2023,", "10", "12/9", "5/9/1962", "–",
                "-", "/", "(2019", "2020)", "1", "31", "x7", "20245", "2022-2027", "covid-19", ".", "tại", "in",
                "may", "september", "sáng", "3/4",
            ]), 0..40),
            seps in proptest::collection::vec(proptest::sample::select(vec![" ", "  ", "\t", ", ", "\n", " - "]), 40),
        ) {
            let mut text = String::new();
            for (w, s) in words.iter().zip(&seps) {
                text.push_str(w);
                text.push_str(s);
            }
            proptest::prop_assert_eq!(scanned_in_windows(&text), scanned_whole(&text));
        }
    }

    #[test]
    fn every_group_read_is_in_the_grammar() {
        let names: Vec<&str> = re().capture_names().flatten().collect();
        for n in GROUP_NAMES {
            assert!(names.contains(&n), "{n}");
        }
        assert_eq!(get(&re().captures("ngày 23 tháng 11 năm 2023").unwrap(), G::Y2).unwrap().as_str(), "2023");
    }

    #[test]
    fn non_dates_are_ignored() {
        assert!(vals("tỷ lệ 3/4 số hộ").is_empty());
        assert!(vals("ngày 31/2").is_empty());
        assert!(vals("quốc lộ 8").is_empty());
        assert!(vals("covid-19").is_empty());
    }
}
