//! The one folding function extraction and search share.
//!
//! [`fold`] keeps diacritics (they carry meaning in Vietnamese: `Lào` is not `lão`) but removes
//! what varies between writers of the same word: letter case, the old and new placement of the tone
//! mark in open `oa`/`oe`/`uy` syllables (`hoà` = `hòa`, `thuỷ` = `thủy`, `Uỷ` = `Ủy`; the folded
//! form puts the mark on the first vowel), the Icelandic `Ð` typed for `Đ`, and hyphens inside
//! transliterated names (`Bô-ly-khăm-xay` → `bô ly khăm xay`). [`fold_ascii`] goes further and drops
//! all diacritics, for diacritic-insensitive search and slugs.

use unicode_normalization::char::{compose, decompose_canonical};

/// Folded text plus the map from folded byte offsets back to the text it was folded from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folded {
    pub text: String,
    /// Byte offsets in `text` where a word can start: after a non-word character, at a letter
    /// right after a digit ("154km"), and at punctuation ("%").
    pub word_starts: Vec<usize>,
    /// (folded offset, source offset − folded offset) at every point where the difference changes.
    shifts: Vec<(usize, isize)>,
}

impl Folded {
    /// Byte offset in the source text of the character at folded byte offset `pos`
    /// (`pos == text.len()` maps to the source's end).
    pub fn to_source(&self, pos: usize) -> usize {
        let i = self.shifts.partition_point(|&(p, _)| p <= pos);
        let delta = if i == 0 { 0 } else { self.shifts[i - 1].1 };
        (pos as isize + delta).max(0) as usize
    }

    /// [`Folded::to_source`] for positions asked in increasing order: one walk forward over
    /// the shifts instead of a search for each.
    pub fn source_cursor(&self) -> SourceCursor<'_> {
        SourceCursor { shifts: &self.shifts, next: 0, last: 0 }
    }
}

/// See [`Folded::source_cursor`].
pub struct SourceCursor<'f> {
    shifts: &'f [(usize, isize)],
    /// The first shift past the last position asked.
    next: usize,
    last: usize,
}

impl SourceCursor<'_> {
    /// As [`Folded::to_source`]; `pos` is at least the last position asked.
    pub fn to_source(&mut self, pos: usize) -> usize {
        debug_assert!(pos >= self.last, "positions asked in increasing order");
        self.last = pos;
        while self.next < self.shifts.len() && self.shifts[self.next].0 <= pos {
            self.next += 1;
        }
        let delta = if self.next == 0 { 0 } else { self.shifts[self.next - 1].1 };
        (pos as isize + delta).max(0) as usize
    }
}

const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];

fn split_tone(c: char) -> (char, Option<char>) {
    let mut base = None;
    let mut marks: [char; 2] = ['\0'; 2];
    let mut n = 0;
    let mut tone = None;
    decompose_canonical(c, |d| {
        if base.is_none() {
            base = Some(d);
        } else if TONES.contains(&d) {
            tone = Some(d);
        } else if n < 2 {
            marks[n] = d;
            n += 1;
        }
    });
    let mut b = base.unwrap_or(c);
    for m in &marks[..n] {
        b = compose(b, *m).unwrap_or(b);
    }
    (b, tone)
}

/// The letter without its tone mark, its shape kept (`ộ` → `ô`, `ằ` → `ă`, `đ` stays): writers of
/// Lao names in Vietnamese agree on the letters more than on the tones (Khăm Muộn, Khăm Muồn).
pub fn strip_tone(c: char) -> char {
    if c.is_ascii() {
        return c;
    }
    split_tone(c).0
}

/// Folded text with tone marks stripped ([`strip_tone`]), and for each byte of it the byte of the
/// folded text it comes from (one more entry, for the end).
pub fn toneless(folded: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(folded.len());
    let mut map = Vec::with_capacity(folded.len() + 1);
    for (i, c) in folded.char_indices() {
        let t = strip_tone(c);
        for _ in 0..t.len_utf8() {
            map.push(i);
        }
        out.push(t);
    }
    map.push(folded.len());
    (out, map)
}

fn with_tone(c: char, tone: char) -> char {
    compose(c, tone).unwrap_or(c)
}

/// Move the tone of an open `oa`/`oe`/`uy` ending to its first vowel (`hoà` → `hòa`).
fn unify_tone(word: &mut [char]) {
    let n = word.len();
    // Only a plain o/u followed by a toned a/e/y can need it: checked before any decomposition.
    if n < 2 || !matches!(word[n - 2], 'o' | 'u') || word[n - 1].is_ascii() {
        return;
    }
    let b1 = word[n - 2];
    let (b2, t2) = split_tone(word[n - 1]);
    if !matches!((b1, b2), ('o', 'a') | ('o', 'e') | ('u', 'y')) {
        return;
    }
    let Some(t2) = t2 else { return };
    if n >= 3 {
        let before = word[n - 3];
        // `qu` is a consonant (quý, quỳ); a vowel before makes a triphthong (ngoáy, khuỷu).
        if before == 'q' || is_vowel(split_tone(before).0) {
            return;
        }
    }
    word[n - 2] = with_tone(b1, t2);
    word[n - 1] = b2;
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'ă' | 'â' | 'e' | 'ê' | 'i' | 'o' | 'ô' | 'ơ' | 'u' | 'ư' | 'y')
}

/// One character in lower case as [`fold`] writes it (`Ð` → `đ`, Lao digits as digits).
pub(crate) fn lower(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if c == 'Ð' || c == 'ð' {
        return 'đ';
    }
    // Vietnamese precomposed letters (Latin Extended Additional) pair upper/lower as even/odd.
    if ('\u{1EA0}'..='\u{1EF9}').contains(&c) {
        return if (c as u32).is_multiple_of(2) { char::from_u32(c as u32 + 1).unwrap_or(c) } else { c };
    }
    if ('\u{C0}'..='\u{DE}').contains(&c) && c != '×' {
        return char::from_u32(c as u32 + 0x20).unwrap_or(c);
    }
    if ('\u{DF}'..='\u{FF}').contains(&c) {
        return c;
    }
    // the Vietnamese letters outside Latin-1, without a table search
    match c {
        'ă' | 'đ' | 'ĩ' | 'ũ' | 'ơ' | 'ư' => return c,
        'Ă' => return 'ă',
        'Đ' => return 'đ',
        'Ĩ' => return 'ĩ',
        'Ũ' => return 'ũ',
        'Ơ' => return 'ơ',
        'Ư' => return 'ư',
        _ => {}
    }
    // Lao digits read as the digits they are (໒໐໒໔ → 2024); Lao has no case
    if crate::lao::is_lao(c) {
        return crate::lao::lao_digit(c).and_then(|d| char::from_digit(d, 10)).unwrap_or(c);
    }
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Accumulates folded text and the shifts that map it back to the source.
struct Builder {
    out: String,
    shifts: Vec<(usize, isize)>,
    last_delta: isize,
}

impl Builder {
    #[inline]
    fn emit(&mut self, c: char, src: usize) {
        let delta = src as isize - self.out.len() as isize;
        if delta != self.last_delta {
            self.shifts.push((self.out.len(), delta));
            self.last_delta = delta;
        }
        self.out.push(c);
    }

    /// Rewrite the output from `out_pos` on (the last characters of a word), forgetting the
    /// shifts recorded there.
    fn rewind(&mut self, out_pos: usize) {
        self.out.truncate(out_pos);
        while self.shifts.last().is_some_and(|&(p, _)| p >= out_pos) {
            self.shifts.pop();
        }
        self.last_delta = self.shifts.last().map_or(0, |&(_, d)| d);
    }
}

/// The last three characters of the word being folded: (folded char, source offset, output offset).
#[derive(Clone, Copy)]
struct Tail {
    /// A ring of four (indexed by a mask, not a division), of which the last three are read.
    items: [(char, usize, usize); 4],
    len: usize,
}

impl Tail {
    const EMPTY: Tail = Tail { items: [(' ', 0, 0); 4], len: 0 };

    /// The newest item is at `(len - 1) % 4`.
    #[inline]
    fn push(&mut self, item: (char, usize, usize)) {
        self.items[self.len & 3] = item;
        self.len += 1;
    }

    /// The `k`-th of the last `n` items, oldest first.
    fn last(&self, n: usize, k: usize) -> (char, usize, usize) {
        self.items[(self.len - n + k) & 3]
    }

    /// Unify the tone placement of the word just ended, rewriting its last two characters.
    #[inline]
    fn finish(&mut self, b: &mut Builder) {
        let n = self.len.min(3);
        // only a plain o/u before a non-ASCII last letter can need it (see `unify_tone`)
        if n >= 2 && matches!(self.last(2, 0).0, 'o' | 'u') && !self.last(2, 1).0.is_ascii() {
            let mut word = [' '; 3];
            for (k, w) in word[..n].iter_mut().enumerate() {
                *w = self.last(n, k).0;
            }
            let before = word;
            unify_tone(&mut word[..n]);
            if word != before {
                let (_, src_a, out_a) = self.last(2, 0);
                let (_, src_b, _) = self.last(2, 1);
                b.rewind(out_a);
                b.emit(word[n - 2], src_a);
                b.emit(word[n - 1], src_b);
            }
        }
        self.len = 0;
    }
}

/// Fold `text` for matching; see the module documentation. One pass; a word's last two
/// characters are rewritten only when their tone mark moves.
pub fn fold(text: &str) -> Folded {
    let mut f = Folder {
        b: Builder { out: String::with_capacity(text.len() + 8), shifts: Vec::new(), last_delta: 0 },
        tail: Tail::EMPTY,
        word_starts: Vec::with_capacity(text.len() / 5),
        prev: None,
    };
    // where the run of Lao letters being read starts in the folded text, and the runs read
    let mut lao_run: Option<usize> = None;
    let mut lao_runs: Vec<(usize, usize)> = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte.is_ascii() {
            // ASCII (most of any Vietnamese or English text): no decoding, no tables.
            if let Some(out) = lao_run.take() {
                lao_runs.push((out, f.b.out.len()));
            }
            if byte.is_ascii_alphanumeric() {
                f.word_char(byte.to_ascii_lowercase() as char, i);
            } else {
                f.other_char(byte as char, i, text);
            }
            i += 1;
            continue;
        }
        let Some(c) = text[i..].chars().next() else { break };
        let lao_letter = crate::lao::is_lao(c) && crate::lao::lao_digit(c).is_none();
        if !lao_letter {
            if let Some(out) = lao_run.take() {
                lao_runs.push((out, f.b.out.len()));
            }
        } else {
            if lao_run.is_none() {
                lao_run = Some(f.b.out.len());
                if f.after_word_char() {
                    f.word_starts.push(f.b.out.len());
                }
            }
            if let Some(to) = fold_lao(text, c, i, &mut f.b) {
                // a look-ahead read the characters before `to` (a Lao spelling made one)
                i = to;
                f.prev = Some((true, false));
                continue;
            }
        }
        if crate::chars::is_word_char(c) {
            f.word_char(lower(c), i);
        } else {
            f.other_char(c, i, text);
        }
        i += c.len_utf8();
    }
    let Folder { mut b, mut tail, mut word_starts, .. } = f;
    if let Some(out) = lao_run {
        lao_runs.push((out, b.out.len()));
    }
    if !lao_runs.is_empty() {
        lao_word_starts(&b.out, &lao_runs, &mut word_starts);
    }
    tail.finish(&mut b);
    let end_delta = text.len() as isize - b.out.len() as isize;
    if end_delta != b.last_delta {
        b.shifts.push((b.out.len(), end_delta));
    }
    Folded { text: b.out, word_starts, shifts: b.shifts }
}

/// What [`fold`] has written so far, and the character it read last.
struct Folder {
    b: Builder,
    tail: Tail,
    word_starts: Vec<usize>,
    /// The previous folded character: `None` at the start, else (a word character, an ASCII digit).
    prev: Option<(bool, bool)>,
}

impl Folder {
    fn after_word_char(&self) -> bool {
        matches!(self.prev, Some((true, _)))
    }

    /// A word character, lowered, at `i`: a word starts at it after a non-word character, and at
    /// a letter right after a digit ("154km").
    #[inline(always)]
    fn word_char(&mut self, l: char, i: usize) {
        let at = self.b.out.len();
        let digit = l.is_ascii_digit();
        match self.prev {
            None | Some((false, _)) => self.word_starts.push(at),
            Some((true, true)) if !digit => self.word_starts.push(at),
            _ => {}
        }
        self.b.emit(l, i);
        self.tail.push((l, i, at));
        self.prev = Some((true, digit));
    }

    /// A character that is not part of a word, at `i`: it ends the word before (its tone
    /// placement unified), starts a word unless it is a space, and a hyphen between letters
    /// inside a name (`Bô-ly-khăm-xay`) becomes a space.
    #[inline(always)]
    fn other_char(&mut self, c: char, i: usize, text: &str) {
        if self.tail.len > 0 {
            self.tail.finish(&mut self.b);
        }
        let next_letter = c == '-' && text[i + 1..].chars().next().is_some_and(crate::chars::is_letter);
        let folded = if c == '-' && self.after_word_char() && next_letter { ' ' } else { c };
        if !folded.is_whitespace() {
            self.word_starts.push(self.b.out.len());
        }
        self.b.emit(folded, i);
        self.prev = Some((false, false));
    }
}

/// Lao spellings that vary between writers, made one in the modern standard form the
/// segmenter's dictionary knows: ຫນ ຫມ as the ligatures ໜ ໝ, ຫລ as ຫຼ, ໍາ as ຳ with the tone mark
/// before it (ນໍ້າ = ນ້ໍາ = ນ້ຳ). `i` is `c`'s offset in `text`. Returns where the next character
/// to read starts, or None for a character left to the caller.
fn fold_lao(text: &str, c: char, i: usize, b: &mut Builder) -> Option<usize> {
    const NIGGAHITA: char = '\u{0ECD}';
    const AA: char = '\u{0EB2}';
    let is_tone = |t: char| ('\u{0EC8}'..='\u{0ECB}').contains(&t);
    let mut rest = text[i + c.len_utf8()..].char_indices().map(|(k, ch)| (i + c.len_utf8() + k, ch));
    let next = rest.next();
    match (c, next) {
        ('\u{0EAB}', Some((k, n @ ('\u{0E99}' | '\u{0EA1}')))) => {
            b.emit(if n == '\u{0E99}' { '\u{0EDC}' } else { '\u{0EDD}' }, i);
            Some(k + n.len_utf8())
        }
        ('\u{0EAB}', Some((k, '\u{0EA5}'))) => {
            b.emit('\u{0EAB}', i);
            b.emit('\u{0EBC}', k);
            Some(k + '\u{0EA5}'.len_utf8())
        }
        (NIGGAHITA, Some((k, n))) => {
            // ໍ (tone) າ → (tone) ຳ
            let (tone, after) = if is_tone(n) { (Some((k, n)), rest.next()) } else { (None, Some((k, n))) };
            match after {
                Some((j, AA)) => {
                    if let Some((tk, t)) = tone {
                        b.emit(t, tk);
                    }
                    b.emit('\u{0EB3}', i);
                    Some(j + AA.len_utf8())
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// Word starts inside the runs of (folded) Lao letters of `out`: one segmentation of the whole
/// text (the segmenter's set-up is paid once), its breaks kept where they fall inside a run.
fn lao_word_starts(out: &str, runs: &[(usize, usize)], word_starts: &mut Vec<usize>) {
    let breaks = crate::lao::breaks(out);
    let mut inside: Vec<usize> = Vec::new();
    let mut r = 0;
    for at in breaks {
        while r < runs.len() && runs[r].1 <= at {
            r += 1;
        }
        match runs.get(r) {
            Some(&(a, _)) if a <= at => inside.push(at),
            _ => {}
        }
    }
    // every run starts a word too (a Lao run right after a Latin letter)
    inside.extend(runs.iter().map(|&(a, _)| a));
    word_starts.extend(inside);
    word_starts.sort_unstable();
    word_starts.dedup();
}

/// Lower case ASCII without diacritics (`Đăk Glei` → `dak glei`), for search and slugs.
pub fn fold_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_folded_ascii(c, &mut out);
    }
    out
}

/// Append one character as [`fold_ascii`] folds it (the search tokenizer folds token by token).
#[inline]
pub fn push_folded_ascii(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    let code = c as u32;
    let table = &*ASCII_LETTER_OF;
    let letter = match code {
        0x80..0x250 => table.0[code as usize - 0x80],
        0x1E00..0x1F00 => table.1[code as usize - 0x1E00],
        _ => 0,
    };
    if letter != 0 {
        out.push(letter as char);
    } else {
        push_folded_ascii_slowly(c, out);
    }
}

/// The one ASCII letter each Latin letter of U+0080–U+024F and U+1E00–U+1EFF (every Vietnamese
/// letter) folds to, 0 where it folds to anything else: the folding below, done once for each.
static ASCII_LETTER_OF: std::sync::LazyLock<([u8; 0x1D0], [u8; 0x100])> = std::sync::LazyLock::new(|| {
    let one = |code: u32| {
        let mut s = String::new();
        if let Some(c) = char::from_u32(code) {
            push_folded_ascii_slowly(c, &mut s);
        }
        match s.as_bytes() {
            [b] if b.is_ascii_alphanumeric() => *b,
            _ => 0,
        }
    };
    let mut latin = [0u8; 0x1D0];
    for (k, slot) in latin.iter_mut().enumerate() {
        *slot = one(0x80 + k as u32);
    }
    let mut extended = [0u8; 0x100];
    for (k, slot) in extended.iter_mut().enumerate() {
        *slot = one(0x1E00 + k as u32);
    }
    (latin, extended)
});

fn push_folded_ascii_slowly(c: char, out: &mut String) {
    match c {
        'đ' | 'Đ' | 'Ð' | 'ð' => out.push('d'),
        _ => decompose_canonical(c, |d| {
            if d.is_ascii() {
                out.push(d.to_ascii_lowercase());
            } else if !('\u{300}'..='\u{36f}').contains(&d) {
                out.extend(d.to_lowercase());
            }
        }),
    }
}

/// A place slug: [`fold_ascii`] keeping only ASCII letters and digits (`Ia H'Drai` → `iahdrai`).
pub fn slug(text: &str) -> String {
    fold_ascii(text).chars().filter(char::is_ascii_alphanumeric).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tone_placement_is_unified() {
        assert_eq!(fold("hoà bình").text, fold("hòa bình").text);
        assert_eq!(fold("Uỷ viên Tỉnh uỷ").text, "ủy viên tỉnh ủy");
        assert_eq!(fold("thuỷ chung").text, "thủy chung");
        assert_eq!(fold("khoẻ").text, "khỏe");
        // `qu` is a consonant: quý keeps its mark on y.
        assert_eq!(fold("Quý").text, "quý");
        // closed syllables are not ambiguous
        assert_eq!(fold("Hoàng").text, "hoàng");
    }

    #[test]
    fn fast_lower_case_agrees_with_the_standard_library() {
        for c in ('\u{C0}'..='\u{24F}').chain('\u{1E00}'..='\u{1EFF}') {
            let std: Vec<char> = c.to_lowercase().collect();
            if std.len() == 1 && c != 'Ð' && c != 'ð' {
                assert_eq!(lower(c), std[0], "{c:?}");
            }
        }
    }

    #[test]
    fn ascii_folding_by_table_agrees_with_the_long_way() {
        for c in ('\u{80}'..='\u{2FF}').chain('\u{1D00}'..='\u{1FFF}') {
            let (mut quick, mut slow) = (String::new(), String::new());
            push_folded_ascii(c, &mut quick);
            push_folded_ascii_slowly(c, &mut slow);
            assert_eq!(quick, slow, "{c:?}");
        }
        assert_eq!(fold_ascii("Ăn Ưu Đãi Ở Quảng Ngãi ĐĂK"), "an uu dai o quang ngai dak");
    }

    #[test]
    fn hyphens_inside_names_become_spaces() {
        assert_eq!(fold("Bô-ly-khăm-xay").text, "bô ly khăm xay");
        assert_eq!(fold("2022-2027").text, "2022-2027");
        assert_eq!(fold("Việt Nam - Lào").text, "việt nam - lào");
    }

    #[test]
    fn word_starts_are_recorded() {
        let f = fold("Dài 154km, 20% - Bô-ly");
        let words: Vec<&str> =
            f.word_starts.iter().map(|&i| &f.text[i..]).map(|s| s.split(' ').next().unwrap_or("")).collect();
        assert_eq!(words, vec!["dài", "154km,", "km,", ",", "20%", "%", "-", "bô", "ly"]);
    }

    #[test]
    fn offsets_map_back() {
        let src = "Ủy ban hoà Đăk";
        let f = fold(src);
        let at = f.text.find("hòa").unwrap();
        assert_eq!(&src[f.to_source(at)..f.to_source(at + "hòa".len())], "hoà");
        let d = f.text.find("đăk").unwrap();
        assert_eq!(&src[f.to_source(d)..], "Đăk");
        assert_eq!(f.to_source(f.text.len()), src.len());
    }

    #[test]
    fn tones_stripped_shapes_kept() {
        let f = fold("Khăm Muộn").text;
        let (t, map) = toneless(&f);
        assert_eq!(t, toneless(&fold("Khăm Muồn").text).0);
        assert_eq!(t, "khăm muôn");
        assert_eq!(map[t.len()], f.len());
        assert_eq!(&f[map[t.find("muôn").unwrap()]..], "muộn");
    }

    #[test]
    fn lao_spelling_variants_fold_alike() {
        assert_eq!(fold("ສະຫລຸບ").text, "ສະຫຼຸບ");
        assert_eq!(fold("ຫນ້າ").text, "ໜ້າ");
        assert_eq!(fold("ຫມາກ").text, "ໝາກ");
        assert_eq!(fold("ຈໍາປາສັກ").text, "ຈຳປາສັກ");
        assert_eq!(fold("ນໍ້າ").text, "ນ້ຳ");
        assert_eq!(fold("ນ້ໍາ").text, "ນ້ຳ");
        // ໍ that is a vowel of its own stays ("ກໍ່")
        assert_eq!(fold("ກໍ່").text, "ກໍ່");
        let src = "ໂດຍມີ ຫມາກຜົນ ແລະ ນ້ໍາ";
        let f = fold(src);
        let at = f.text.find("ນ້ຳ").unwrap();
        assert_eq!(&src[f.to_source(at)..], "ນ້ໍາ");
    }

    #[test]
    fn lao_words_and_digits() {
        let f = fold("ວັນທີ ໑໕ ກອງປະຊຸມຮ່ວມມື");
        assert!(f.text.contains(" 15 "), "{}", f.text);
        let at = f.text.find("ກອງປະຊຸມ").unwrap();
        assert!(f.word_starts.contains(&at));
        let sorted = f.word_starts.windows(2).all(|w| w[0] < w[1]);
        assert!(sorted, "{:?}", f.word_starts);
        let d = f.text.find("15").unwrap();
        assert_eq!(f.to_source(d + 2), "ວັນທີ ໑໕".len());
    }

    #[test]
    fn ascii_folding_and_slugs() {
        assert_eq!(fold_ascii("Hài cốt Đăk Chưng"), "hai cot dak chung");
        assert_eq!(slug("Đăk Glei"), "dakglei");
        assert_eq!(slug("Ia H'Drai"), "iahdrai");
        assert_eq!(slug("Xiêng Khoảng"), "xiengkhoang");
    }

    proptest! {
        #[test]
        fn every_char_boundary_maps_to_a_source_boundary(s in "\\PC{0,60}") {
            let f = fold(&s);
            for (i, _) in f.text.char_indices() {
                let j = f.to_source(i);
                prop_assert!(s.is_char_boundary(j), "{} -> {} in {:?}", i, j, s);
            }
            prop_assert_eq!(f.to_source(f.text.len()), s.len());
        }

        #[test]
        fn the_cursor_maps_as_the_search_does(s in "\\PC{0,60}") {
            let f = fold(&s);
            let mut cursor = f.source_cursor();
            for i in (0..=f.text.len()).filter(|&i| f.text.is_char_boundary(i)) {
                prop_assert_eq!(cursor.to_source(i), f.to_source(i));
            }
        }

        #[test]
        fn folding_is_idempotent(s in "\\PC{0,60}") {
            let once = fold(&s).text;
            prop_assert_eq!(fold(&once).text, once.clone());
        }
    }
}
