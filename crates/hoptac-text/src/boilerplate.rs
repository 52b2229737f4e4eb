//! What of a web page or a pasted article is the article: the title, the dateline with its
//! publication date, and where site furniture (related news, comments, "read more") begins.

use hoptac_core::PartialDate;

use crate::date::{dates, DateValue};
use crate::fold::fold;

/// Lines that open a site's block after the article ("Bài liên quan", "Bình luận", …).
const END_MARKERS: [&str; 24] = [
    "ý kiến bạn đọc",
    "gửi bình luận",
    "tin cùng chủ đề",
    "bài viết liên quan",
    "bài liên quan",
    "tin liên quan",
    "bình luận",
    "đọc thêm",
    "xem thêm",
    "tin mới",
    "mới nhất",
    "tin cùng chuyên mục",
    "tin khác",
    "các tin khác",
    "tin đã đưa",
    "có thể bạn quan tâm",
    "related news",
    "related articles",
    "read more",
    "comments",
    "more news",
    "recent news",
    "latest news",
    "ຂ່າວທີ່ກ່ຽວຂ້ອງ",
];

/// The article's layout within the normalised text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Layout {
    pub title: Option<String>,
    pub published: Option<PartialDate>,
    /// Byte offset where the article starts (after an archive's "date …" prefix).
    pub article_start: usize,
    /// Byte offset where the article ends (boilerplate follows).
    pub article_end: usize,
    /// Byte ranges inside the article that are not article text (dateline, byline, credits).
    pub skipped: Vec<(usize, usize)>,
    /// The date a document gives itself on its closing line ("Thà Khẹt, ngày 16 tháng 5 năm 2024"),
    /// as minutes and official letters do.
    pub dated: Option<PartialDate>,
}

impl Layout {
    /// True when `pos` lies in article text.
    pub fn in_article(&self, pos: usize) -> bool {
        pos < self.article_end && !self.skipped.iter().any(|&(s, e)| s <= pos && pos < e)
    }
}

fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0usize;
    text.split('\n').map(move |l| {
        let s = start;
        start += l.len() + 1;
        (s, l)
    })
}

/// What a line that starts with a site marker is.
#[derive(Debug, PartialEq, Eq)]
enum Marker {
    /// The marker alone ("Bài liên quan", "(0) Bình luận"): a block follows, the article is over.
    Block,
    /// A single link inside the article ("Đọc thêm: Hai tỉnh ký kết …"): skip this line only.
    Link,
}

fn marker(line: &str) -> Option<Marker> {
    // a marker line, or a "Đọc thêm: <headline>" link line, is short; paragraphs are not
    if line.len() > 240 {
        return None;
    }
    // markers are short: only the head of a line needs folding ("Đọc thêm: <headline>" is a link
    // whatever the headline's length)
    let t = line.trim();
    // first the head that any marker fits in, then, for a marker, what follows it
    let cut = |n: usize| {
        let mut e = t.len().min(n);
        while !t.is_char_boundary(e) {
            e -= 1;
        }
        e
    };
    // most lines begin with a letter no marker begins with: told before any folding
    // a marker may be numbered or counted: "(3) Bình luận", "໒ ຂ່າວ…" (Lao digits fold to digits)
    let numbering =
        |c: char| c == '(' || c == ')' || c.is_ascii_digit() || c == ' ' || crate::lao::lao_digit(c).is_some();
    // and most of the others by their first two letters (lowered: tone marks stay where they
    // are, as no marker's second letter is one fold moves a tone onto)
    let mut head = t.trim_start_matches(numbering).chars().map(crate::fold::lower);
    if let Some(c) = head.next() {
        let second = head.next();
        let fits = |m: &&str| {
            let mut mc = m.chars();
            mc.next() == Some(c) && second.is_none_or(|d| mc.next().is_none_or(|e| e == d))
        };
        if !END_MARKERS.iter().any(fits) {
            return None;
        }
    }
    let probe = fold(&t[..cut(32)]).text;
    let probe = probe.trim_start_matches(numbering);
    if !END_MARKERS.iter().any(|m| probe.starts_with(m) || m.starts_with(probe)) {
        return None;
    }
    let head_end = cut(80);
    let f = fold(&t[..head_end]).text;
    let f = f.trim_start_matches(numbering);
    let m = END_MARKERS.iter().find(|m| f.starts_with(*m))?;
    let rest = f[m.len()..].trim();
    let short = head_end == t.len() && rest.chars().count() <= 20;
    if rest.is_empty() || (rest == ":" && head_end == t.len()) || (short && !rest.starts_with(':')) {
        Some(Marker::Block)
    } else if rest.starts_with(':') || rest.starts_with(">>") {
        Some(Marker::Link)
    } else {
        None
    }
}

/// A short line carrying a full date and a clock time or weekday: the dateline.
fn dateline_date(line: &str) -> Option<PartialDate> {
    let t = line.trim();
    if t.is_empty() || t.chars().count() > 120 {
        return None;
    }
    // a day is written in digits (ASCII or Lao): a line with none is no dateline, and is not folded
    if !t.bytes().any(|b| b.is_ascii_digit()) && !t.chars().any(|c| crate::lao::lao_digit(c).is_some()) {
        return None;
    }
    let f = fold(t).text;
    let has_time = f.bytes().enumerate().any(|(i, b)| {
        b == b':'
            && i > 0
            && f.as_bytes()[i - 1].is_ascii_digit()
            && f.as_bytes().get(i + 1).is_some_and(u8::is_ascii_digit)
    });
    let weekday = [
        "thứ hai",
        "thứ ba",
        "thứ tư",
        "thứ năm",
        "thứ sáu",
        "thứ bảy",
        "chủ nhật",
        "cập nhật",
        "đăng",
        "published",
        "updated",
    ]
    .iter()
    .any(|w| f.contains(w));
    // a line that is little more than a date ("16/11/2017", "Ngày đăng: 16/11/2017") is one too
    let words = f.split_whitespace().count();
    if !(has_time || weekday || f.contains('|') || words <= 4) {
        return None;
    }
    dates(&f).into_iter().find_map(|d| match d.value {
        DateValue::Date(p) if p.precision() == 3 => Some(p),
        _ => None,
    })
}

/// A closing line "Place, ngày 16 tháng 5 năm 2024" (or "…, 16/5/2024"): the document's own date.
fn closing_date(line: &str) -> Option<PartialDate> {
    let t = line.trim().trim_end_matches('.');
    let (place, rest) = t.split_once(',')?;
    if t.chars().count() > 80 || place.is_empty() || !place.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    if place.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let f = fold(rest.trim()).text;
    let d = dates(&f);
    match d.as_slice() {
        [one] if one.start <= 5 && f[one.end..].trim().is_empty() => match one.value {
            DateValue::Date(p) if p.precision() == 3 => Some(p),
            _ => None,
        },
        _ => None,
    }
}

/// Credits and bylines: "Theo TTXVN", a short all-capitals author name, "Ảnh: …".
fn is_credit(line: &str) -> bool {
    let t = line.trim();
    if t.is_empty() || t.len() > 240 || t.chars().count() > 60 {
        return false;
    }
    let words = t.split_whitespace().count();
    let letters: Vec<char> = t.chars().filter(|c| crate::chars::is_letter(*c)).collect();
    let all_caps = letters.len() >= 4 && letters.iter().all(|c| c.is_uppercase()) && words <= 5;
    // the other credits begin with "theo", "ảnh", "photo" or "user": folded only then
    if all_caps || !t.chars().next().map(crate::fold::lower).is_some_and(|c| matches!(c, 't' | 'ả' | 'p' | 'u')) {
        return all_caps;
    }
    let f = fold(t).text;
    let theo = f.starts_with("theo ") && words <= 6 && !t.ends_with('.');
    let photo = f.starts_with("ảnh:") || f.starts_with("ảnh :") || f.starts_with("photo:");
    let user = f == "user";
    all_caps || theo || photo || user
}

/// An archive's record of the publication date opening the text: "date 2024-06-03 …",
/// "date 2024-06 …". Returns the date and the length of the prefix.
fn archive_date(text: &str) -> Option<(PartialDate, usize)> {
    let rest = text.strip_prefix("date ")?;
    let len = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
    let d = PartialDate::parse(&rest[..len])?;
    Some((d, "date ".len() + len))
}

/// A related-news headline some sites print twice in a row (image alternative text, then the
/// link): "X X". The line and the teaser paragraph under it belong to another story.
fn doubled_headline(line: &str) -> bool {
    let t = line.trim();
    let n = t.len();
    if !(40..=600).contains(&n) {
        return false;
    }
    let mut mid = n / 2;
    while !t.is_char_boundary(mid) {
        mid -= 1;
    }
    // the two halves, with or without a space between them
    [mid, mid + 1].iter().any(|&m| {
        t.is_char_boundary(m) && {
            let (a, b) = t.split_at(m);
            let (a, b) = (a.trim(), b.trim());
            !a.is_empty() && a == b
        }
    })
}

/// A dateline: where a news agency filed the story, "Vientiane (VNA) –", "Kon Tum (TTXVN) -".
/// Returns the byte ranges of the place part (the story is not about it). One scan for the
/// agency's bracket, then a look back at the few words before it.
fn datelines(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(k) = text[from..].find(')') {
        let close = from + k;
        from = close + 1;
        // "(VNA)", "(TTXVN)": two to eight capitals in brackets …
        let Some(open) = text[..close].rfind('(') else { continue };
        let agency = &text[open + 1..close];
        if !(2..=8).contains(&agency.len()) || !agency.bytes().all(|b| b.is_ascii_uppercase()) {
            continue;
        }
        // … then a dash
        let after = text[close + 1..].trim_start_matches(' ');
        if !after.starts_with(['-', '–', '—']) {
            continue;
        }
        // the place: the capitalised words right before, back to the line's start or a stop
        let head = text[..open].trim_end_matches(' ');
        let mut start = head.len();
        for (i, c) in head.char_indices().rev() {
            if c == '\n' || c == '.' && head[i + 1..].starts_with(' ') || c == ')' || c == '|' || head.len() - i > 40 {
                break;
            }
            start = i;
        }
        let place = head[start..].trim_start_matches([' ', '.', ')']);
        let start = head.len() - place.len();
        if place.chars().next().is_some_and(char::is_uppercase) && bytes.get(start).is_some() {
            out.push((start, head.len()));
        }
    }
    out
}

/// A line that reads like a headline: short, and without a closing full stop.
fn headline_like(line: &str) -> bool {
    let t = line.trim();
    let n = t.chars().count();
    (25..=200).contains(&n) && !t.ends_with(['.', '!', '?', ':', ')', '"', '”']) && !t.contains(". ")
}

/// Headlines of other stories run together ("… SalavanBộ chỉ huy … SalavanQuân đội …"): a
/// lower-case letter followed at once by a capital that opens a word, twice or more.
fn glued_headlines(line: &str) -> bool {
    use crate::chars::{is_lower, is_upper};
    let mut joins = 0;
    // capitals are few: read as bytes, the characters around one are decoded only when there is
    // one (an ASCII capital, or a character of more than one byte that is a capital)
    for (i, &b) in line.as_bytes().iter().enumerate().skip(1) {
        let c = if b.is_ascii_uppercase() {
            b as char
        } else if b >= 0xC0 {
            match line[i..].chars().next() {
                Some(c) if is_upper(c) => c,
                _ => continue,
            }
        } else {
            continue;
        };
        let prev = line[..i].chars().next_back();
        let next = line[i + c.len_utf8()..].chars().next();
        if prev.is_some_and(is_lower) && next.is_some_and(is_lower) {
            joins += 1;
            if joins == 2 {
                return true;
            }
        }
    }
    false
}

/// Find title, dateline, credits and the end of the article in normalised text.
pub fn layout(text: &str) -> Layout {
    let mut out = Layout { article_end: text.len(), ..Layout::default() };
    if let Some((d, len)) = archive_date(text) {
        out.published = Some(d);
        out.article_start = len;
    }
    out.skipped.extend(datelines(text));
    let all: Vec<(usize, &str)> = lines(text).collect();
    for &(start, line) in &all {
        match marker(line) {
            Some(Marker::Block) => {
                out.article_end = start;
                break;
            }
            Some(Marker::Link) => out.skipped.push((start, start + line.len())),
            None => {}
        }
    }
    let article: Vec<(usize, &str)> =
        all.iter().copied().filter(|&(s, l)| s < out.article_end && !l.trim().is_empty()).collect();
    // a run of three or more short lines without a full stop inside the body: related headlines
    let mut n = 1;
    while n < article.len() {
        let mut m = n;
        while m < article.len() && headline_like(article[m].1) {
            m += 1;
        }
        if m - n >= 3 && m < article.len() {
            for &(start, line) in &article[n..m] {
                out.skipped.push((start, start + line.len()));
            }
        }
        n = m.max(n + 1);
    }
    for (n, &(start, line)) in article.iter().enumerate() {
        if n > 0 && glued_headlines(line) {
            out.skipped.push((start, start + line.len()));
        }
        if n > 0 && doubled_headline(line) {
            out.skipped.push((start, start + line.len()));
            if let Some(&(next, teaser)) = article.get(n + 1) {
                out.skipped.push((next, next + teaser.len()));
            }
        }
    }
    if let Some(&(start, line)) = article.iter().rev().take(3).find(|(_, l)| closing_date(l).is_some()) {
        out.dated = closing_date(line);
        out.skipped.push((start, start + line.len()));
    }
    for (n, &(start, line)) in article.iter().enumerate() {
        let head = n < 6;
        if head && out.published.is_none_or(|p| p.precision() < 3) {
            if let Some(d) = dateline_date(line) {
                out.published = Some(d);
                out.skipped.push((start, start + line.len()));
                continue;
            }
        }
        // the first line is the title or the header, never a byline
        if n > 0 && is_credit(line) {
            out.skipped.push((start, start + line.len()));
        }
    }
    if let Some(&(start, line)) = article.first() {
        let t = line.trim();
        let dated = out.skipped.iter().any(|&(s, _)| s == start);
        if !dated && t.chars().count() <= 250 && !t.ends_with(['.', '|', ':']) && article.len() > 1 {
            out.title = Some(t.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "Hai tỉnh ký kết bản ghi nhớ\n\nThứ Hai, 04/03/2024, 10:15\n\nNgày 3/3, hai tỉnh ký kết.\n\nNGUYỄN AN\nBài liên quan\nMột tin khác ở Kon Tum.\n";

    #[test]
    fn finds_title_dateline_and_end() {
        let l = layout(PAGE);
        assert_eq!(l.title.as_deref(), Some("Hai tỉnh ký kết bản ghi nhớ"));
        assert_eq!(l.published, PartialDate::ymd(2024, 3, 4));
        assert!(PAGE[l.article_end..].starts_with("Bài liên quan"));
        let body = PAGE.find("Ngày 3/3").unwrap();
        assert!(l.in_article(body));
        assert!(!l.in_article(PAGE.find("NGUYỄN").unwrap()));
        assert!(!l.in_article(PAGE.find("Một tin").unwrap()));
        assert!(!l.in_article(PAGE.find("10:15").unwrap()));
    }

    #[test]
    fn minutes_header_and_closing_date() {
        let t = "BIÊN BẢN HỘI ĐÀM\ngiữa hai tỉnh\n\nHai bên đã hội đàm.\n\nThà Khẹt, ngày 16 tháng 5 năm 2024\n";
        let l = layout(t);
        assert_eq!(l.title.as_deref(), Some("BIÊN BẢN HỘI ĐÀM"));
        assert_eq!(l.dated, PartialDate::ymd(2024, 5, 16));
        assert!(!l.in_article(t.find("Thà Khẹt").unwrap()));
        assert!(l.in_article(0));
    }

    #[test]
    fn counted_comment_headers_end_the_article() {
        let t = "Nội dung bài.\n(12) Bình luận\nÝ kiến bạn đọc";
        assert_eq!(layout(t).article_end, t.find("(12)").unwrap());
    }

    #[test]
    fn a_link_inside_the_article_is_skipped_not_cut() {
        let t = "Đoạn một.\nĐọc thêm: Hai tỉnh ký kết bản ghi nhớ hợp tác giai đoạn mới\nĐoạn hai có 20 suất học bổng.\nTin liên quan\nRác";
        let l = layout(t);
        assert_eq!(l.article_end, t.find("Tin liên quan").unwrap());
        assert!(!l.in_article(t.find("Hai tỉnh ký").unwrap()));
        assert!(l.in_article(t.find("Đoạn hai").unwrap()));
    }

    #[test]
    fn a_marker_with_a_colon_alone_is_a_block() {
        let t = "Nội dung.\nTin liên quan:\nHai tỉnh ký kết 20 suất học bổng";
        assert_eq!(layout(t).article_end, t.find("Tin liên quan").unwrap());
    }

    #[test]
    fn an_archive_date_prefix_is_the_publication_date() {
        let t = "date 2024-06 Đoàn đại biểu huyện A thăm huyện B.\nNội dung.";
        let l = layout(t);
        assert_eq!(l.published, PartialDate::parse("2024-06"));
        assert_eq!(l.article_start, "date 2024-06".len());
    }

    #[test]
    fn run_on_and_listed_related_headlines_are_skipped() {
        let t = "Tiêu đề\nĐoạn mở đầu của bài viết.\nTiếp tục hợp tác với Hội Chữ thập đỏ SalavanBộ chỉ huy tọa đàm với tỉnh SalavanQuân đội tỉnh tham quan\nĐoạn hai.";
        assert!(!layout(t).in_article(t.find("Tiếp tục").unwrap()));
        let t = "Tiêu đề\nĐoạn mở đầu của bài viết.\nChủ tịch Quốc hội hội đàm với Chủ tịch Quốc hội Campuchia\nViệt Nam và Malaysia nâng cấp quan hệ đối tác\nHội nghị trực tuyến chia sẻ kinh nghiệm công tác Mặt trận\nĐoạn hai của bài.";
        let l = layout(t);
        assert!(!l.in_article(t.find("Campuchia").unwrap()));
        assert!(l.in_article(t.find("Đoạn hai").unwrap()));
    }

    #[test]
    fn headlines_run_together_are_told_by_two_joins() {
        assert!(glued_headlines("tuần tra chung ở tỉnh ĐắkLắkĐoàn công tác thăm tỉnh"));
        assert!(glued_headlines("Thanh niên giúp dân ở AttapeuĐoàn công tác đến SekongĐội tuyển"));
        // one capital inside a word is a name written together, not a run of headlines
        assert!(!glued_headlines("Hội nghị với tỉnh XiêngKhoảng diễn ra hôm qua"));
        assert!(!glued_headlines("Các đoàn ở Hà Nội, TP HCM và Đà Nẵng"));
        assert!(!glued_headlines("aBcD"));
        assert!(glued_headlines("aBcDe"));
    }

    #[test]
    fn datelines_are_not_article_text() {
        let t = "Title\nVientiane (VNA) – Authorities of Bolikhamxay met.\nPhoto caption (Photo: VNA)Quang Nam (VNA) – Officials met.";
        let l = layout(t);
        assert!(!l.in_article(t.find("Vientiane").unwrap()));
        assert!(l.in_article(t.find("Authorities").unwrap()));
        assert!(!l.in_article(t.find("Quang Nam").unwrap()));
        assert!(l.in_article(t.find("Officials").unwrap()));
    }

    #[test]
    fn a_headline_printed_twice_and_its_teaser_are_skipped() {
        let t = "Tiêu đề bài\nĐoạn một của bài viết này.\nHai tỉnh kết nghĩa bản bản biên giới Hai tỉnh kết nghĩa bản bản biên giới\nSau 8 năm thực hiện chương trình kết nghĩa, quan hệ tốt đẹp.\nĐoạn hai.";
        let l = layout(t);
        assert!(!l.in_article(t.find("Sau 8 năm").unwrap()));
        assert!(l.in_article(t.find("Đoạn hai").unwrap()));
        assert!(l.in_article(t.find("Đoạn một").unwrap()));
    }

    #[test]
    fn a_bare_date_line_is_a_dateline() {
        assert_eq!(layout("Tiêu đề\n16/11/2017\nNội dung.").published, PartialDate::ymd(2017, 11, 16));
    }

    #[test]
    fn credits_and_bylines() {
        for line in ["Theo TTXVN", "ẢNH: Quang Minh", "Ảnh : Báo Kon Tum", "Photo: VNA", "NGUYỄN AN", "user"] {
            assert!(is_credit(line), "{line}");
        }
        for line in ["Theo kế hoạch, hai tỉnh sẽ ký kết.", "Tỉnh Sê Kông", "Ủy ban nhân dân", "Người dân"]
        {
            assert!(!is_credit(line), "{line}");
        }
    }

    #[test]
    fn markers_are_found_whatever_their_case_and_numbering() {
        for line in ["XEM THÊM", "(3) Tin liên quan", "Ðọc thêm: Hai tỉnh ký kết", "໒ ຂ່າວທີ່ກ່ຽວຂ້ອງ", "Related news"]
        {
            assert!(marker(line).is_some(), "{line}");
        }
        for line in ["Tỉnh Sekong", "Hai tỉnh ký kết", "12", ""] {
            assert!(marker(line).is_none(), "{line}");
        }
    }

    #[test]
    fn a_sentence_that_starts_like_a_marker_is_kept() {
        let t = "Bình luận về kết quả hợp tác, ông An cho biết hai tỉnh đã trao 20 suất học bổng.\nHết";
        assert_eq!(layout(t).article_end, t.len());
    }

    #[test]
    fn vov_style_byline_with_bar() {
        let t = "Tiêu đề\n\nKhoa Điềm/ VOV | 23/08/2023, 23:01\n\nNội dung.";
        assert_eq!(layout(t).published, PartialDate::ymd(2023, 8, 23));
    }
}
