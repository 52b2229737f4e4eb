//! People and their chains of titles.
//!
//! Two shapes cover the genre:
//! - honorific, name, then titles: "Ông Bun Hôm - Phôn Ma Sản, Uỷ viên Ban Thường vụ Tỉnh uỷ, …";
//!   "đồng chí Hoàng Trung Dũng - Ủy viên …, Bí thư Tỉnh ủy làm trưởng đoàn";
//! - titles, then the name: "Bí thư Huyện ủy, Chủ tịch huyện Xan Xay Sủ Văn Sỉ Kẹo Vi Sợt đánh giá";
//!   "Tỉnh trưởng tỉnh Sekong Leklai Sivilay ký".
//!
//! A name is a run of capitalised words that are not organisation words or places; hyphens with
//! spaces may join the parts of a Lao name.

use hoptac_core::{Person, PlaceId};
use hoptac_text::fold_ascii;

use crate::analysis::Sent;
use crate::lexicon::{Cue, PhraseSet};

#[derive(Debug, Clone)]
struct Tok<'s> {
    /// Offset in the folded sentence.
    fstart: usize,
    /// Offsets into the sentence source.
    start: usize,
    end: usize,
    text: &'s str,
    folded: &'s str,
    cap: bool,
    word: bool,
}

/// Words and punctuation of a sentence, read off its folded text (no allocation per token).
/// Tokens from folded offset `from` (a word start) to the end of the sentence.
fn tokenize<'s>(s: &'s Sent, from: usize) -> Vec<Tok<'s>> {
    use hoptac_text::is_word_char;
    let f = s.folded.text.as_str();
    let from = from.min(f.len());
    let mut out = Vec::with_capacity((f.len() - from) / 4 + 1);
    let mut src = s.folded.source_cursor();
    let mut chars = f[from..].char_indices().map(|(k, c)| (from + k, c)).peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        let mut end = start + c.len_utf8();
        if is_word_char(c) {
            // a word, with the hyphens, apostrophes and full stops that join two of its parts
            // (not the decimal point after a digit)
            let mut prev = c;
            while let Some(&(j, d)) = chars.peek() {
                let joins = || {
                    matches!(d, '-' | '\'' | '’' | '.')
                        && f[j + d.len_utf8()..].chars().next().is_some_and(is_word_char)
                        && !(d == '.' && prev.is_ascii_digit())
                };
                if !(is_word_char(d) || joins()) {
                    break;
                }
                end = j + d.len_utf8();
                prev = d;
                chars.next();
            }
        }
        let (a, b) = (src.to_source(start), src.to_source(end));
        let text = s.src.get(a..b).unwrap_or("");
        let first = text.chars().next().unwrap_or(' ');
        out.push(Tok {
            fstart: start,
            start: a,
            end: b,
            text,
            folded: &f[start..end],
            cap: hoptac_text::chars::is_upper(first),
            word: is_word_char(first),
        });
    }
    out
}

/// Length in tokens of the longest phrase of `set` starting at token `i`.
fn phrase_at(toks: &[Tok], i: usize, set: &PhraseSet) -> usize {
    let Some(t0) = toks.get(i) else { return 0 };
    let first_byte = t0.folded.as_bytes().first().copied().unwrap_or(0);
    if !t0.word || !set.first_bytes[first_byte as usize] || !set.first.contains(t0.folded) {
        return 0;
    }
    let mut best = usize::from(set.contains(t0.folded));
    let mut joined = String::from(t0.folded);
    for n in 2..=4 {
        let Some(t) = toks.get(i + n - 1) else { break };
        if !t.word {
            break;
        }
        joined.push(' ');
        joined.push_str(t.folded);
        if set.contains(joined.as_str()) {
            best = n;
        }
    }
    best
}

struct Ctx<'s, 'a> {
    s: &'s Sent<'a>,
    toks: Vec<Tok<'s>>,
    /// For each token: index of the place mention it belongs to.
    place_of: Vec<Option<usize>>,
}

impl<'s, 'a> Ctx<'s, 'a> {
    /// Tokens from folded offset `from` on (people are named after their first title or honorific).
    fn new(s: &'s Sent<'a>, from: usize) -> Self {
        let toks = tokenize(s, from);
        let spans: Vec<(usize, usize)> =
            s.places.iter().map(|p| (s.folded.to_source(p.start), s.folded.to_source(p.end))).collect();
        // tokens and places are both in text order: one merge pass
        let mut place_of = Vec::with_capacity(toks.len());
        let mut k = 0usize;
        for t in &toks {
            while k < spans.len() && spans[k].1 <= t.start {
                k += 1;
            }
            place_of.push((k < spans.len() && t.start >= spans[k].0 && t.end <= spans[k].1).then_some(k));
        }
        Ctx { s, toks, place_of }
    }

    fn org_len(&self, i: usize) -> usize {
        phrase_at(&self.toks, i, &self.s.lex.organisations)
    }

    /// An organisation word that opens a body's name ("Sở", "Bộ", "Ủy ban"), not a given name.
    fn is_org_head(&self, i: usize) -> bool {
        self.toks.get(i + 1).is_some_and(|n| n.word && n.cap && self.org_len(i + 1) > 0)
    }

    fn title_len(&self, i: usize) -> usize {
        phrase_at(&self.toks, i, &self.s.lex.titles)
    }

    fn honorific_len(&self, i: usize) -> usize {
        phrase_at(&self.toks, i, &self.s.lex.honorifics)
    }

    /// Past the honorifics (and their full stops) from token `i`.
    fn skip_honorifics(&self, mut i: usize) -> usize {
        loop {
            let h = self.honorific_len(i);
            if h > 0 {
                i += h;
            } else if self.toks.get(i).is_some_and(|t| t.text == ".") && i > 0 {
                i += 1;
            } else {
                return i;
            }
        }
    }

    /// "Name, Title …": the start of a name that ends right before the comma before token `i`.
    fn name_before(&self, i: usize) -> Option<usize> {
        if i < 3 || self.toks[i - 1].text != "," {
            return None;
        }
        let end = i - 1;
        let mut j = end;
        while j > 0 {
            let t = &self.toks[j - 1];
            let name_word = t.word
                && t.cap
                && self.place_of[j - 1].is_none()
                && self.org_len(j - 1) == 0
                && self.title_len(j - 1) == 0
                && self.honorific_len(j - 1) == 0;
            if !name_word {
                break;
            }
            j -= 1;
        }
        // the run must be the whole name: what stands before it is not part of a name
        (end - j >= 2 && end - j <= 5 && self.name_at(j) == Some(end)).then_some(j)
    }

    /// A name starting at token `i`: (end token, exclusive).
    fn name_at(&self, i: usize) -> Option<usize> {
        let mut j = i;
        let mut words = 0;
        while let Some(t) = self.toks.get(j) {
            if t.word
                && t.cap
                && (self.org_len(j) == 0 || (words > 0 && self.org_len(j) == 1 && !self.is_org_head(j)))
                && self.place_of[j].is_none()
                && phrase_at(&self.toks, j, &self.s.lex.titles) == 0
            {
                if t.text.chars().filter(|c| hoptac_text::is_letter(*c)).count() < 1
                    || t.text.chars().all(|c| c.is_ascii_digit())
                {
                    break;
                }
                words += 1;
                j += 1;
                continue;
            }
            // "Bun Hôm - Phôn Ma Sản": a spaced hyphen between name parts.
            let hyphen = (t.text == "-" || t.text == "–") && words > 0;
            let next_is_name = self.toks.get(j + 1).is_some_and(|n| n.word && n.cap)
                && self.org_len(j + 1) == 0
                && phrase_at(&self.toks, j + 1, &self.s.lex.titles) == 0;
            if hyphen && next_is_name {
                j += 1;
                continue;
            }
            break;
        }
        (2..=8).contains(&words).then_some(j)
    }

    /// Titles after a name: ", Ủy viên …, Bí thư Tỉnh ủy" or " - Bí thư, Tỉnh trưởng".
    fn titles_after(&self, mut i: usize, titles: &mut Vec<String>, place: &mut Option<PlaceId>) -> usize {
        loop {
            let Some(sep) = self.toks.get(i) else { return i };
            if !(sep.text == "," || sep.text == "-" || sep.text == "–") {
                return i;
            }
            if phrase_at(&self.toks, i + 1, &self.s.lex.titles) == 0 {
                return i;
            }
            let (end, title, pl, _) = self.title_item(i + 1);
            if let Some(p) = pl {
                *place = Some(p);
            }
            titles.push(title);
            i = end;
        }
    }

    /// One title item from token `i` (a title head): until a comma, a stop word, a name or the end.
    /// Returns (end token, title text, place named in it, whether it ended on a head, an
    /// organisation word or a place — the only things a name may follow).
    fn title_item(&self, i: usize) -> (usize, String, Option<PlaceId>, bool) {
        let mut j = i + phrase_at(&self.toks, i, &self.s.lex.titles);
        let mut anchor = true;
        let mut place = None;
        let mut place_toks: Option<(usize, usize)> = None;
        while let Some(t) = self.toks.get(j) {
            if !t.word {
                break;
            }
            // "Sở Giáo dục và Đào tạo": "và" between two department words stays in the title
            if t.folded == "và" && self.org_len(j + 1) > 0 && anchor {
                j += 1;
                continue;
            }
            if !t.cap && self.s.lex.stop_words.contains(t.folded) {
                break;
            }
            if let Some(pi) = self.place_of[j] {
                let mut k = j;
                while self.place_of.get(k) == Some(&Some(pi)) {
                    k += 1;
                }
                place = Some(self.s.places[pi].id.clone());
                place_toks = Some((j, k));
                j = k;
                anchor = true;
            } else if let n @ 1.. = self.org_len(j) {
                j += n;
                anchor = true;
            } else if let n @ 1.. = phrase_at(&self.toks, j, &self.s.lex.titles) {
                j += n;
                anchor = true;
            } else if t.cap {
                break; // a name follows
            } else {
                j += 1;
                anchor = false;
            }
            if j - i > 16 {
                break;
            }
        }
        // The title without the place name that ends it ("Chủ tịch UBND tỉnh Kon Tum" → "… tỉnh").
        let text_end = match place_toks {
            Some((a, b)) if b == j && a > i => self.toks[a - 1].end,
            _ => self.toks[j.saturating_sub(1).max(i)].end,
        };
        (j, self.s.src[self.toks[i].start..text_end].trim().to_string(), place, anchor)
    }
}

fn country_of(s: &Sent, name: &str, titles: &[String], place: &Option<PlaceId>) -> Option<String> {
    if let Some(p) = place {
        return Some(p.country().to_string());
    }
    let t = titles.iter().map(|t| hoptac_text::fold(t).text).collect::<Vec<_>>().join(" ");
    if t.contains("lào") || t.contains("tỉnh trưởng") || t.contains("huyện trưởng") || t.contains("lao ") {
        return Some("LA".into());
    }
    let first = hoptac_text::fold(name.split_whitespace().next().unwrap_or("")).text;
    s.lex.words.family_names.contains(&first.as_str()).then(|| "VN".into())
}

/// People named in a sentence.
pub(crate) fn people_in(s: &Sent) -> Vec<Person> {
    // "đồng chí" is also a unit ("20 đồng chí"); every other title or honorific is a Title cue.
    let anchors: Vec<usize> = s
        .cues
        .iter()
        .filter(|c| matches!(c.cue, Cue::Title | Cue::Unit(hoptac_core::Unit::Person)))
        .map(|c| c.start)
        .collect();
    let Some(&first) = anchors.first() else { return Vec::new() };
    if !s.lex.lang.cased() {
        return uncased_people(s, &anchors);
    }
    // "Phan Viet Cuong, Chairman of …": a name may stand before its first title (a few words)
    let from = s.folded.word_starts.iter().rev().find(|&&w| w + 80 <= first).copied().unwrap_or(0);
    let cx = Ctx::new(s, from);
    let toks = &cx.toks;
    let first_tok = toks.partition_point(|t| t.fstart < first);
    let mut out = Vec::new();
    let mut i = first_tok;
    while i < toks.len() {
        if anchors.binary_search(&toks[i].fstart).is_err() {
            i += 1;
            continue;
        }
        // honorific, name, titles ("đồng chí đồng chí …", "Maj. Gen …": honorifics repeat)
        if cx.honorific_len(i) > 0 {
            let mut k = cx.skip_honorifics(i);
            // "Tiến sỹ Kong Keo …": a title head may follow the honorific
            let mut titles = Vec::new();
            let head = cx.title_len(k);
            if head > 0 && cx.name_at(k + head).is_some() {
                titles.push(toks[k..k + head].iter().map(|t| t.text).collect::<Vec<_>>().join(" "));
                k += head;
            }
            if let Some(end) = cx.name_at(k) {
                let mut place = None;
                let after = cx.titles_after(end, &mut titles, &mut place);
                push(&mut out, s, toks, k, end, titles, place);
                i = after.max(i + 1);
                continue;
            }
        }
        // titles, then the name
        if cx.title_len(i) > 0 {
            // "Giang Pao My, member of …": the name before the comma
            if let Some(start) = cx.name_before(i) {
                let mut titles = Vec::new();
                let mut place = None;
                let end = i - 1;
                let after = cx.titles_after(end, &mut titles, &mut place);
                if !titles.is_empty() {
                    push(&mut out, s, toks, start, end, titles, place);
                    i = after.max(i + 1);
                    continue;
                }
            }
            let mut titles = Vec::new();
            let mut place = None;
            let mut j = i;
            let mut anchor;
            loop {
                let (end, title, pl, anch) = cx.title_item(j);
                anchor = anch;
                titles.push(title);
                if pl.is_some() {
                    place = pl;
                }
                j = end;
                if toks.get(j).is_some_and(|t| t.text == ",") && cx.title_len(j + 1) > 0 {
                    j += 1;
                    continue;
                }
                break;
            }
            // "its Commander Col. Phan Van Hoa": a rank between the title and the name
            if cx.honorific_len(j) > 0 {
                j = cx.skip_honorifics(j);
                anchor = true;
            }
            if anchor {
                if let Some(end) = cx.name_at(j) {
                    let next_ok = toks.get(end).is_none_or(|t| !t.word || !t.cap);
                    if next_ok {
                        let after = cx.titles_after(end, &mut titles, &mut place);
                        push(&mut out, s, toks, j, end, titles, place);
                        i = after.max(i + 1);
                        continue;
                    }
                }
            }
            // a title with no name after it: a name may stand before it ("Hoàng Trung Dũng - Bí thư")
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    out
}

/// Scripts without case (Lao): the name is the one or two words after an honorific (and the
/// degrees or ranks that may follow it), up to a title, a comma or a word that is not a name's.
fn uncased_people(s: &Sent, anchors: &[usize]) -> Vec<Person> {
    let text = s.text();
    let lex = s.lex;
    let mut out = Vec::new();
    for &at in anchors {
        let rest = &text[at..];
        let Some(h) = lex.honorifics.listed.iter().find(|h| rest.starts_with(h.as_str())) else {
            continue;
        };
        let mut pos = at + h.len();
        let mut words: Vec<(usize, usize)> = Vec::new();
        loop {
            let gap = text[pos..].len() - text[pos..].trim_start_matches(' ').len();
            let from = pos + gap;
            let end = from + text[from..].find(|c: char| !hoptac_text::is_word_char(c)).unwrap_or(text.len() - from);
            if end == from {
                break;
            }
            let word = &text[from..end];
            let starts_with = |set: &PhraseSet| set.listed.iter().any(|w| word.starts_with(w.as_str()));
            if starts_with(&lex.titles) {
                // a degree or rank right after the honorific ("ສະຫາຍ ປອ …") is passed over
                if words.is_empty() && lex.titles.contains(word) {
                    pos = end;
                    continue;
                }
                break;
            }
            if starts_with(&lex.stop_words) || !word.chars().all(hoptac_text::lao::is_lao) {
                break;
            }
            words.push((from, end));
            pos = end;
            if words.len() == 2 {
                break;
            }
        }
        let (Some(&(a, _)), Some(&(_, b))) = (words.first(), words.last()) else { continue };
        let name = s.source_of(a, b).to_string();
        if out.iter().any(|p: &Person| p.name == name) {
            continue;
        }
        let place = s
            .places
            .iter()
            .find(|p| p.start >= b && p.level.is_administrative() && p.level != hoptac_core::Level::Country)
            .map(|p| p.id.clone());
        out.push(Person {
            country: place.as_ref().map(|p| p.country().to_string()),
            name,
            place,
            titles: Vec::new(),
            confidence: 0.6,
            evidence: s.src.to_string(),
            span: s.span(a, b),
        });
    }
    out
}

/// Historical figures the genre names in tributes ("tư tưởng Hồ Chí Minh", "Chủ tịch Cay-xỏn
/// Phôm-vi-hản"): not people who took part in the cooperation. Folded to ASCII, letters only.
const HISTORICAL: [&str; 8] = [
    "hochiminh",
    "kaysonephomvihane",
    "cayxonphomvihan",
    "souphanouvong",
    "xuphanuvong",
    "vonguyengiap",
    "nouhakphoumsavanh",
    "tonducthang",
];

fn push(
    out: &mut Vec<Person>,
    s: &Sent,
    toks: &[Tok],
    a: usize,
    b: usize,
    titles: Vec<String>,
    mut place: Option<PlaceId>,
) {
    let name = s.src[toks[a].start..toks[b - 1].end].to_string();
    let key: String = fold_ascii(&name).chars().filter(char::is_ascii_alphanumeric).collect();
    if HISTORICAL.contains(&key.as_str()) {
        return;
    }
    if place.is_none() {
        // the nearest place before the name in the sentence ("Đoàn tỉnh Hà Tĩnh do đồng chí …")
        let at = toks[a].start;
        place = s
            .places
            .iter()
            .rfind(|p| {
                s.folded.to_source(p.end) <= at && p.level.is_administrative() && p.level != hoptac_core::Level::Country
            })
            .map(|p| p.id.clone());
    }
    let country = country_of(s, &name, &titles, &place);
    let start = s.start + toks[a].start;
    out.push(Person {
        confidence: if titles.is_empty() { 0.6 } else { 0.8 },
        name,
        country,
        place,
        titles,
        evidence: s.src.to_string(),
        span: hoptac_core::Span::new(start, s.start + toks[b - 1].end),
    });
}

/// Merge people found several times (same name, ignoring case, marks, spaces and hyphens).
pub(crate) fn merge_people(people: Vec<Person>) -> Vec<Person> {
    // Latin letters without marks; other scripts (Lao) keep every letter and mark
    let key = |n: &str| fold_ascii(n).chars().filter(|c| c.is_alphanumeric() || !c.is_ascii()).collect::<String>();
    let mut out: Vec<Person> = Vec::new();
    let mut index: crate::FastMap<String, usize> = crate::FastMap::default();
    for p in people {
        match index.get(&key(&p.name)) {
            Some(&i) => {
                let q = &mut out[i];
                for t in p.titles {
                    if !q.titles.contains(&t) {
                        q.titles.push(t);
                    }
                }
                if q.place.is_none() {
                    q.place = p.place;
                    q.country = q.country.take().or(p.country);
                }
            }
            None => {
                index.insert(key(&p.name), out.len());
                out.push(p);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gazetteer::Gazetteer;
    use hoptac_text::Sentence;

    fn names(text: &str) -> Vec<(String, Vec<String>, Option<String>)> {
        let lang = crate::lexicon::Lang::of(crate::detect_language(text));
        let s = Sent::analyse(
            Gazetteer::builtin(),
            text,
            Sentence { start: 0, end: text.len() },
            crate::lexicon::lexicon(lang),
        );
        people_in(&s).into_iter().map(|p| (p.name, p.titles, p.place.map(|p| p.0))).collect()
    }

    #[test]
    fn honorific_name_titles() {
        let r = names("Ông Khăm Phăn Vi Lay, Ủy viên Ban Thường vụ Tỉnh ủy, Chủ tịch Mặt trận Lào xây dựng đất nước tỉnh Sê Kông, cho biết như vậy.");
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].0, "Khăm Phăn Vi Lay");
        assert_eq!(r[0].1.len(), 2);
        assert_eq!(r[0].2.as_deref(), Some("LA-XE"));
    }

    #[test]
    fn lao_name_with_spaced_hyphen() {
        let r = names("Bà Văn Na - Si Tha Vông, Phó Tỉnh trưởng tỉnh Attapư, phát biểu.");
        assert_eq!(r[0].0, "Văn Na - Si Tha Vông");
    }

    #[test]
    fn titles_then_name() {
        let r = names("Phó Chủ tịch UBND tỉnh Quảng Trị Hà Sỹ Đồng và Phó Tỉnh trưởng tỉnh Savannakhẹt Sổm Phon Chăn Thạ Phon ký kết.");
        let n: Vec<&str> = r.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(n, vec!["Hà Sỹ Đồng", "Sổm Phon Chăn Thạ Phon"]);
        assert_eq!(r[0].2.as_deref(), Some("VN-25"));
        assert_eq!(r[1].2.as_deref(), Some("LA-SV"));
    }

    #[test]
    fn chained_titles_before_the_name() {
        let r = names("Bí thư Huyện ủy, Chủ tịch huyện Phu Vông Bua Khăm Si Tha đánh giá cao kết quả.");
        assert_eq!(r[0].0, "Bua Khăm Si Tha");
        assert_eq!(r[0].1, vec!["Bí thư Huyện ủy".to_string(), "Chủ tịch huyện".to_string()]);
    }

    #[test]
    fn department_names_are_part_of_the_title() {
        let r = names("Giám đốc Sở Giáo dục và Đào tạo Nguyễn Thị Mai cho biết như vậy.");
        assert_eq!(r[0].0, "Nguyễn Thị Mai");
        assert!(names("Theo Bộ trưởng Bộ Ngoại Giao Lào, quan hệ phát triển.").is_empty());
    }

    #[test]
    fn titles_without_a_name_are_not_people() {
        assert!(names("Bí thư Tỉnh ủy mong muốn hai tỉnh tiếp tục hợp tác với tỉnh Hủa Phăn.").is_empty());
    }

    #[test]
    fn historical_figures_are_not_participants() {
        assert!(names("Học tập theo tấm gương Chủ tịch Hồ Chí Minh và Chủ tịch Cay-xỏn Phôm-vi-hản.").is_empty());
    }

    #[test]
    fn doctor_title_and_dash_titles() {
        let r = names("do Tiến sĩ Phon Sa Vẳn Khăm - Ủy viên Ban Chấp hành Trung ương Đảng Nhân dân Cách mạng Lào, Bí thư, Tỉnh trưởng làm trưởng đoàn.");
        assert_eq!(r[0].0, "Phon Sa Vẳn Khăm");
        assert_eq!(r[0].1[0], "Tiến sĩ");
        assert_eq!(r[0].1.len(), 4);
        assert_eq!(r[0].1[3], "Tỉnh trưởng");
    }
}
