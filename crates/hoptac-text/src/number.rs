//! Numbers as Vietnamese and English write them in folded (lower-case) text: digits with either
//! grouping convention, leading zeros ("02"), scale words ("585 triệu", "1,5 tỷ", "2.3 million")
//! and numbers in words ("hai mươi lăm", "twenty").

use std::sync::OnceLock;

use regex::Regex;

/// A number found in folded text; `start..end` are byte offsets into that text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NumberMention {
    pub start: usize,
    pub end: usize,
    pub value: f64,
    /// Written with digits (as opposed to words).
    pub digits: bool,
}

/// Which convention separates thousands: Vietnamese uses `.` (decimal `,`), English the reverse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Convention {
    Vietnamese,
    English,
}

fn digits_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"[0-9](?:[0-9.,]*[0-9])?").expect("static regex"))
}

/// Scale words of a language (folded) and their multipliers: ("triệu", 1e6), ("billion", 1e9).
pub type Scales = [(&'static str, f64)];

/// The scale word starting at `s` (after optional spaces): (multiplier, bytes consumed). A Lao
/// scale word may run on into its unit ("200 ລ້ານດົ້ງ": Lao has no spaces between words).
fn scale_at(s: &str, scales: &Scales) -> Option<(f64, usize)> {
    let trimmed = s.trim_start_matches(' ');
    let skipped = s.len() - trimmed.len();
    scales.iter().find_map(|&(w, m)| {
        let rest = trimmed.strip_prefix(w)?;
        let lao = w.chars().next().is_some_and(crate::lao::is_lao);
        (lao || !rest.chars().next().is_some_and(crate::chars::is_word_char)).then_some((m, skipped + w.len()))
    })
}

/// Parse a run of digits and separators under a convention.
fn parse_digits(raw: &str, conv: Convention) -> Option<f64> {
    let (group, decimal) = match conv {
        Convention::Vietnamese => ('.', ','),
        Convention::English => (',', '.'),
    };
    let seps: Vec<(usize, char)> = raw.char_indices().filter(|(_, c)| *c == '.' || *c == ',').collect();
    if seps.is_empty() {
        return raw.parse().ok();
    }
    let grouped = |sep: char| {
        let parts: Vec<&str> = raw.split(sep).collect();
        parts.len() > 1
            && parts[0].len() <= 3
            && !parts[0].is_empty()
            && parts[1..].iter().all(|p| p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit()))
    };
    // Pure grouping with the convention's separator: 1.500.000 (vi) / 1,500,000 (en).
    if grouped(group) {
        return raw.replace(group, "").parse().ok();
    }
    // Grouping then a decimal part: 1.234,5 (vi).
    if let Some((int, frac)) = raw.rsplit_once(decimal) {
        if !int.contains(decimal)
            && (grouped(group) || !int.contains(group) || {
                let parts: Vec<&str> = int.split(group).collect();
                parts[1..].iter().all(|p| p.len() == 3)
            })
        {
            let int = int.replace(group, "");
            return format!("{int}.{frac}").parse().ok();
        }
    }
    // The other convention, used anyway ("1,500" in Vietnamese text is still 1500 when grouped).
    if grouped(decimal) {
        return raw.replace(decimal, "").parse().ok();
    }
    if seps.len() == 1 {
        return raw.replace([',', '.'], ".").parse().ok();
    }
    None
}

fn word_value(w: &str) -> Option<WordNum> {
    use WordNum::*;
    Some(match w {
        "một" | "one" => Digit(1),
        "hai" | "two" => Digit(2),
        "ba" | "three" => Digit(3),
        "bốn" | "four" => Digit(4),
        "năm" | "five" => Digit(5),
        "sáu" | "six" => Digit(6),
        "bảy" | "bẩy" | "seven" => Digit(7),
        "tám" | "eight" => Digit(8),
        "chín" | "nine" => Digit(9),
        "mười" | "ten" => Ten,
        "mươi" => Tens,
        "mốt" => AfterTens(1),
        "tư" => AfterTens(4),
        "lăm" | "nhăm" => AfterTens(5),
        "linh" | "lẻ" => Zero,
        "trăm" | "hundred" => Scale(100.0),
        "nghìn" | "ngàn" | "thousand" => Big(1e3),
        "triệu" | "million" => Big(1e6),
        "tỷ" | "tỉ" | "billion" => Big(1e9),
        "eleven" => Digit(11),
        "twelve" => Digit(12),
        "thirteen" => Digit(13),
        "fourteen" => Digit(14),
        "fifteen" => Digit(15),
        "sixteen" => Digit(16),
        "seventeen" => Digit(17),
        "eighteen" => Digit(18),
        "nineteen" => Digit(19),
        "twenty" => Digit(20),
        "thirty" => Digit(30),
        "forty" => Digit(40),
        "fifty" => Digit(50),
        "sixty" => Digit(60),
        "seventy" => Digit(70),
        "eighty" => Digit(80),
        "ninety" => Digit(90),
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy)]
enum WordNum {
    Digit(u32),
    Ten,
    Tens,
    AfterTens(u32),
    Zero,
    Scale(f64),
    Big(f64),
}

/// Parse number words starting at the beginning of `s`: (value, bytes consumed).
fn parse_words(s: &str) -> Option<(f64, usize)> {
    let mut total = 0f64;
    let mut current = 0f64;
    let mut last_digit: Option<u32> = None;
    let mut consumed = 0usize;
    let mut any = false;
    let mut after_tens = false;
    let mut pos = 0usize;
    loop {
        let rest = &s[pos..];
        let word_len = rest.find(|c: char| !crate::chars::is_letter(c)).unwrap_or(rest.len());
        if word_len == 0 {
            break;
        }
        let w = &rest[..word_len];
        let Some(v) = word_value(w) else { break };
        match v {
            WordNum::Digit(d) => {
                if last_digit.is_some() && !after_tens {
                    break;
                }
                current += d as f64;
                last_digit = Some(d);
                after_tens = false;
            }
            WordNum::Ten => {
                current += 10.0;
                last_digit = None;
                after_tens = true;
            }
            WordNum::Tens => {
                let Some(d) = last_digit else { break };
                current += d as f64 * 9.0;
                last_digit = None;
                after_tens = true;
            }
            WordNum::AfterTens(d) => {
                if !after_tens {
                    break;
                }
                current += d as f64;
                after_tens = false;
                last_digit = Some(d);
            }
            WordNum::Zero => {
                if !any {
                    break;
                }
                after_tens = true;
                last_digit = None;
            }
            WordNum::Scale(m) => {
                if !any {
                    break;
                }
                current *= m;
                last_digit = None;
                after_tens = true;
            }
            WordNum::Big(m) => {
                if !any {
                    break;
                }
                total += current.max(1.0) * m;
                current = 0.0;
                last_digit = None;
                after_tens = true;
            }
        }
        any = true;
        consumed = pos + word_len;
        pos = consumed;
        let spaces = s[pos..].len() - s[pos..].trim_start_matches(' ').len();
        pos += spaces;
    }
    any.then_some((total + current, consumed))
}

/// A number written in words, or a part of one ("hai", "mươi", "triệu", "twenty").
pub fn is_number_word(w: &str) -> bool {
    word_value(w).is_some()
}

/// Every number in folded text, left to right, not overlapping.
pub fn numbers(folded: &str, conv: Convention, scales: &Scales) -> Vec<NumberMention> {
    numbers_with(folded, conv, true, scales)
}

/// As [`numbers`]; numbers written in words are looked for only when `words` is set (the digit
/// scan is a single regex pass, the word scan visits every word).
pub fn numbers_with(folded: &str, conv: Convention, words: bool, scales: &Scales) -> Vec<NumberMention> {
    let mut out: Vec<NumberMention> = Vec::new();
    for m in digits_re().find_iter(folded) {
        if out.last().is_some_and(|n| n.end > m.start()) {
            continue;
        }
        let before = folded[..m.start()].chars().next_back();
        let currency_prefix = ["vnd", "vnđ", "usd", "us$", "lak"].iter().any(|p| folded[..m.start()].ends_with(p));
        if before.is_some_and(crate::chars::is_letter) && !currency_prefix {
            continue; // part of a code such as "K53", "COVID-19" is handled by the caller's units
        }
        let Some(mut value) = parse_digits(m.as_str(), conv) else { continue };
        let mut end = m.end();
        if let Some((mult, len)) = scale_at(&folded[end..], scales) {
            value *= mult;
            end += len;
            // "1 tỷ 200 triệu"
            let rest = &folded[end..];
            let trimmed = rest.trim_start_matches(' ');
            if let Some(m2) = digits_re().find(trimmed).filter(|m2| m2.start() == 0) {
                if let Some(v2) = parse_digits(m2.as_str(), conv) {
                    let after = &trimmed[m2.end()..];
                    if let Some((mult2, len2)) = scale_at(after, scales) {
                        if mult2 < mult {
                            value += v2 * mult2;
                            end += (rest.len() - trimmed.len()) + m2.end() + len2;
                        }
                    }
                }
            }
        }
        out.push(NumberMention { start: m.start(), end, value, digits: true });
    }
    if !words {
        return out;
    }
    // Number words, between the digit numbers.
    let mut words = Vec::new();
    let mut next_digit = 0usize; // index into `out` of the first digit number not yet passed
    let mut i = 0usize;
    while i < folded.len() {
        let c = match folded[i..].chars().next() {
            Some(c) => c,
            None => break,
        };
        let at_word_start =
            crate::chars::is_letter(c) && !folded[..i].chars().next_back().is_some_and(crate::chars::is_word_char);
        while next_digit < out.len() && out[next_digit].end <= i {
            next_digit += 1;
        }
        let inside_digits = out.get(next_digit).is_some_and(|n| n.start <= i);
        if at_word_start && !inside_digits {
            if let Some((v, len)) = parse_words(&folded[i..]) {
                if v > 0.0 {
                    words.push(NumberMention { start: i, end: i + len, value: v, digits: false });
                    i += len;
                    continue;
                }
            }
        }
        i += c.len_utf8();
    }
    out.extend(words);
    out.sort_by_key(|n| n.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const VI: &Scales = &[("nghìn tỷ", 1e12), ("nghìn", 1e3), ("triệu", 1e6), ("tỷ", 1e9)];
    const EN: &Scales = &[("thousand", 1e3), ("million", 1e6), ("billion", 1e9)];

    fn vi(s: &str) -> Vec<f64> {
        numbers(s, Convention::Vietnamese, VI).iter().map(|n| n.value).collect()
    }

    #[test]
    fn lao_scale_words_run_on_into_units() {
        let lo: &Scales = &[("ລ້ານ", 1e6), ("ຕື້", 1e9)];
        let n = numbers("200 ລ້ານດົ້ງ", Convention::Vietnamese, lo);
        assert_eq!(n[0].value, 200e6);
        assert_eq!(&"200 ລ້ານດົ້ງ"[n[0].end..], "ດົ້ງ");
    }

    #[test]
    fn digits_with_scale_words() {
        assert_eq!(vi("trị giá 585 triệu đồng"), vec![585e6]);
        assert_eq!(vi("747 tỷ đồng"), vec![747e9]);
        assert_eq!(vi("1,5 tỷ đồng"), vec![1.5e9]);
        assert_eq!(vi("1 tỷ 200 triệu đồng"), vec![1.2e9]);
        assert_eq!(vi("3 nghìn tỷ"), vec![3e12]);
    }

    #[test]
    fn grouping_conventions() {
        assert_eq!(vi("1.500.000 đồng"), vec![1.5e6]);
        assert_eq!(vi("2.500 kíp"), vec![2500.0]);
        assert_eq!(vi("12,5 km"), vec![12.5]);
        assert_eq!(
            numbers("1,500 students and 2.5 million", Convention::English, EN)
                .iter()
                .map(|n| n.value)
                .collect::<Vec<_>>(),
            vec![1500.0, 2.5e6]
        );
    }

    #[test]
    fn leading_zeros_and_attached_units() {
        assert_eq!(vi("02 dự án"), vec![2.0]);
        assert_eq!(vi("dài trên 154km"), vec![154.0]);
    }

    #[test]
    fn number_words() {
        assert_eq!(vi("hai mươi suất"), vec![20.0]);
        assert_eq!(vi("hai mươi lăm người"), vec![25.0]);
        assert_eq!(vi("mười hai"), vec![12.0]);
        assert_eq!(vi("một trăm linh năm"), vec![105.0]);
        assert_eq!(vi("ba tỉnh"), vec![3.0]);
        assert_eq!(numbers("twenty scholarships", Convention::English, EN)[0].value, 20.0);
    }

    #[test]
    fn words_that_only_look_like_numbers() {
        // "tư" alone is not four (đầu tư = investment); "lẻ" alone is not zero.
        assert!(vi("đầu tư").is_empty());
        assert!(vi("lẻ tẻ").is_empty());
    }

    #[test]
    fn currency_written_before_the_number() {
        let en = |s: &str| numbers(s, Convention::English, EN).iter().map(|n| n.value).collect::<Vec<_>>();
        assert_eq!(en("vnd500 million"), vec![500e6]);
        assert_eq!(en("us$2.5 million"), vec![2.5e6]);
    }

    #[test]
    fn codes_are_not_numbers() {
        assert!(vi("đội k53").is_empty());
    }
}
