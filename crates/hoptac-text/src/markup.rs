//! Plain text from the other formats documents arrive in: HTML pages (scripts, styles,
//! navigation and forms dropped; block elements end lines; the `<title>` or first `<h1>` becomes
//! the first line) and Markdown (markup dropped, paragraphs and headings end lines).
//!
//! HTML is read by a streaming tokenizer (`html5gum`), not built into a tree: a tree builder
//! scans its stack of open elements for every tag (quadratic on deeply nested markup) and checks
//! each attribute against the tag's others (quadratic on a tag with many). Here every byte is
//! looked at a bounded number of times, attributes are never collected, and the only state is a
//! count of open elements whose content is dropped. Tags longer than [`MAX_TAG`] lose their
//! attributes before the tokenizer sees them (nothing here reads attributes, and the tokenizer
//! recurses once per double-quoted attribute of a tag: 200,000 of them overflow any stack).

use html5gum::emitters::callback::{CallbackEmitter, CallbackEvent};
use html5gum::Tokenizer;
use pulldown_cmark::{Event, Parser, TagEnd};

/// Elements whose content is not part of the document.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "button", "select", "svg",
    "iframe",
];

/// Elements that end a line.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "section",
    "article",
    "main",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "figure",
    "figcaption",
    "dd",
    "dt",
    "hr",
    "td",
    "th",
];

fn push_text(out: &mut String, t: &str) {
    let mut last_space = out.ends_with([' ', '\n']) || out.is_empty();
    for c in t.chars() {
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
        } else {
            out.push(c);
            last_space = false;
        }
    }
}

fn end_line(out: &mut String) {
    while out.ends_with(' ') {
        out.pop();
    }
    if !out.is_empty() && !out.ends_with("\n\n") {
        out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
    }
}

/// Longest tag passed to the tokenizer with its attributes (bytes from `<` to `>`).
pub const MAX_TAG: usize = 1024;

/// Where the tag starting at `start` (`<` and a letter) ends: the index after its `>`, or the
/// end of the text. A quote opens a value only right after `=` (with spaces between), as in
/// HTML; inside one, `>` does not end the tag.
fn tag_end(b: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    let mut after_equals = false;
    while i < b.len() {
        match b[i] {
            b'>' => return i + 1,
            q @ (b'"' | b'\'') if after_equals => match b[i + 1..].iter().position(|&c| c == q) {
                Some(k) => {
                    i += k + 2;
                    after_equals = false;
                    continue;
                }
                None => return b.len(),
            },
            b'=' => after_equals = true,
            c if c.is_ascii_whitespace() => {}
            _ => after_equals = false,
        }
        i += 1;
    }
    b.len()
}

/// The page with every tag longer than [`MAX_TAG`] cut to its name (`<p …>` → `<p>`); borrowed
/// unchanged when there is none. Linear: each byte is looked at once.
fn bound_tags(html: &str) -> std::borrow::Cow<'_, str> {
    let b = html.as_bytes();
    let mut out: Option<String> = None;
    let (mut i, mut copied) = (0, 0);
    while let Some(k) = memchr_lt(b, i) {
        let start = k;
        if !b.get(start + 1).is_some_and(|c| c.is_ascii_alphabetic() || *c == b'/') {
            i = start + 1;
            continue;
        }
        let end = tag_end(b, start);
        if end - start > MAX_TAG {
            let name_end = (start + 1..end)
                .find(|&j| b[j].is_ascii_whitespace() || b[j] == b'>' || (b[j] == b'/' && j > start + 1))
                .unwrap_or(end);
            let o = out.get_or_insert_with(|| String::with_capacity(html.len()));
            o.push_str(&html[copied..start]);
            // `name_end` and `start` sit on ASCII bytes: character boundaries.
            o.push_str(&html[start..name_end]);
            o.push('>');
            copied = end;
        }
        i = end;
    }
    match out {
        None => std::borrow::Cow::Borrowed(html),
        Some(mut o) => {
            o.push_str(&html[copied..]);
            std::borrow::Cow::Owned(o)
        }
    }
}

fn memchr_lt(b: &[u8], from: usize) -> Option<usize> {
    b.get(from..)?.iter().position(|&c| c == b'<').map(|k| from + k)
}

/// What the tokenizer's events build: the text, the title, and how deep inside dropped
/// elements the reader is.
#[derive(Default)]
struct HtmlText {
    out: String,
    title: String,
    in_title: bool,
    /// Open elements whose content is not part of the document (script, nav, head …).
    skip: usize,
    /// The element whose start tag is being read (its attributes are ignored).
    open: Vec<u8>,
}

/// An element name as the tables spell it (ASCII lower case; anything else matches none).
fn name(raw: &[u8]) -> &str {
    std::str::from_utf8(raw).unwrap_or("")
}

impl HtmlText {
    fn event(&mut self, event: CallbackEvent<'_>) {
        match event {
            CallbackEvent::OpenStartTag { name: n } => {
                self.open.clear();
                self.open.extend(n.iter().map(u8::to_ascii_lowercase));
            }
            CallbackEvent::CloseStartTag { self_closing } => {
                let n = name(&self.open);
                if n == "title" {
                    self.in_title = !self_closing;
                } else if SKIPPED.contains(&n) || n == "head" {
                    if !self_closing {
                        self.skip += 1;
                    }
                } else if n == "body" {
                    // Whatever `<head>` left open (it may have no end tag) ends where the body starts.
                    self.skip = 0;
                } else if self.skip == 0 && BLOCKS.contains(&n) {
                    end_line(&mut self.out);
                }
            }
            CallbackEvent::EndTag { name: n } => {
                let lower: Vec<u8> = n.iter().map(u8::to_ascii_lowercase).collect();
                let n = name(&lower);
                if n == "title" {
                    self.in_title = false;
                } else if SKIPPED.contains(&n) || n == "head" {
                    self.skip = self.skip.saturating_sub(1);
                } else if self.skip == 0 && BLOCKS.contains(&n) {
                    end_line(&mut self.out);
                }
            }
            CallbackEvent::String { value } => {
                let text = String::from_utf8_lossy(value);
                if self.in_title {
                    self.title.push_str(&text);
                } else if self.skip == 0 {
                    push_text(&mut self.out, &text);
                }
            }
            _ => {}
        }
    }
}

/// The text of an HTML page, its title on the first line. Linear in the size of the page,
/// whatever its shape.
pub fn html_to_text(html: &str) -> String {
    let html = bound_tags(html);
    let html = html.as_ref();
    let mut state = HtmlText::default();
    {
        let mut emitter = CallbackEmitter::new(|event: CallbackEvent<'_>, _span: html5gum::Span<()>| {
            state.event(event);
            None::<()>
        });
        // Script, style, title and the like hold raw text, not markup: switch the tokenizer's
        // state on their start tags as a browser's tree builder would.
        emitter.naively_switch_states(true);
        for token in Tokenizer::new_with_emitter(html, emitter) {
            let Ok(()) = token;
        }
    }
    let title = state.title.split_whitespace().collect::<Vec<_>>().join(" ");
    let body = state.out.trim();
    if !title.is_empty() && !body.starts_with(&title) {
        format!("{title}\n\n{body}\n")
    } else {
        format!("{body}\n")
    }
}

/// The text of a Markdown document.
pub fn markdown_to_text(md: &str) -> String {
    let mut out = String::new();
    for event in Parser::new(md) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::CodeBlock | TagEnd::BlockQuote(_),
            ) => end_line(&mut out),
            _ => {}
        }
    }
    format!("{}\n", out.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_keeps_the_article_and_drops_the_rest() {
        let html = "<html><head><title>Hội nghị lần thứ IX</title><style>p{}</style></head><body>\
            <nav>Trang chủ | Thời sự</nav><article><h1>Hội nghị lần thứ IX</h1>\
            <p>Sáng 5/3, tại <b>huyện</b> Kỳ Sơn&nbsp;diễn ra hội nghị.</p><p>Hai bên ký biên bản.</p></article>\
            <script>var x = 1;</script><footer>© Báo</footer></body></html>";
        let text = html_to_text(html);
        assert_eq!(
            text,
            "Hội nghị lần thứ IX\n\nSáng 5/3, tại huyện Kỳ Sơn diễn ra hội nghị.\n\nHai bên ký biên bản.\n"
        );
    }

    #[test]
    fn html_without_h1_gets_its_title_first() {
        let text = html_to_text("<title>Tiêu đề</title><p>Nội dung.</p>");
        assert!(text.starts_with("Tiêu đề\n\nNội dung."), "{text}");
    }

    #[test]
    fn markup_oddities_keep_their_text() {
        // Entities decoded, an unclosed head ended by the body, upper-case tags, a comment, a
        // script with a fake end tag in a string, attributes that look like text.
        let html = "<HTML><HEAD><TITLE>A &amp; B</TITLE><meta charset=utf-8><BODY>\
            <P title='<p>not text</p>'>Hà&nbsp;Nội &lt;3&gt;</P><!-- <p>hidden</p> -->\
            <script>document.write('</scr' + 'ipt>')</script><div>sau</div>";
        let text = html_to_text(html);
        assert_eq!(text, "A & B\n\nHà Nội <3>\n\nsau\n", "{text:?}");
        // Self-closing skipped elements hide nothing after them.
        assert_eq!(html_to_text("<p>a</p><svg/><p>b</p>"), "a\n\nb\n");
    }

    #[test]
    fn long_tags_lose_their_attributes_and_nothing_else() {
        let long = format!("<p {}>Hội nghị</p><a href='x>y' title=\"1 > 2\">tiếp</a>", "a=\"x\" ".repeat(400));
        assert_eq!(bound_tags(&long), "<p>Hội nghị</p><a href='x>y' title=\"1 > 2\">tiếp</a>");
        assert!(matches!(bound_tags("<p class=\"a\">x</p> 1 < 2 <"), std::borrow::Cow::Borrowed(_)));
        // An unquoted value with a quote in it is no quoted value.
        assert_eq!(tag_end(b"<p class=a\"b>x\">", 0), 13);
        assert_eq!(tag_end(b"<p title = 'a>b'>x", 0), 17);
        // Attributes that a probe sent by the hundred thousand: no stack overflow, the text kept.
        for attr in ["a=\"x\" ", "a='x' ", "a=x ", "a "] {
            let html = format!("<body><p {}>Hội nghị lần thứ IX</p></body>", attr.repeat(200_000));
            assert_eq!(html_to_text(&html), "Hội nghị lần thứ IX\n");
        }
        let html = format!("</p {}>sau", "a=\"x\" ".repeat(200_000));
        assert_eq!(html_to_text(&html), "sau\n");
    }

    /// Time to convert, the best of three runs.
    fn best_of_three(html: &str) -> std::time::Duration {
        (0..3)
            .map(|_| {
                let t = std::time::Instant::now();
                std::hint::black_box(html_to_text(html));
                t.elapsed()
            })
            .min()
            .unwrap_or_default()
    }

    /// The shapes a probe found quadratic (5 s for 200 KB of nested `<div>`, 79 s for 200,000
    /// attributes): eight times the input must cost about eight times the time, not sixty-four.
    #[test]
    fn work_stays_linear_in_the_size_of_the_page() {
        type Shape = (&'static str, fn(usize) -> String);
        let shapes: [Shape; 4] = [
            ("nested div", |n| format!("{}x{}", "<div>".repeat(n), "</div>".repeat(n))),
            ("unclosed nested", |n| format!("<body>{}text", "<div><span><b><i><p>".repeat(n / 5))),
            ("attributes", |n| format!("<p {}>text</p>", (0..n).map(|i| format!("a{i}=1 ")).collect::<String>())),
            ("same attribute", |n| format!("<p {}>text</p>", "a=1 ".repeat(n))),
        ];
        for (what, make) in shapes {
            let small = best_of_three(&make(10_000));
            let large = best_of_three(&make(80_000));
            let ratio = large.as_secs_f64() / small.as_secs_f64().max(1e-4);
            assert!(ratio < 24.0, "{what}: 8× the input took {ratio:.1}× the time ({small:?} → {large:?})");
        }
    }

    #[test]
    fn markdown_loses_its_markup() {
        let text = markdown_to_text("# Tiêu đề\n\nNgày **23/8**, [đoàn](http://x) đến\nthăm.\n\n- một\n- hai\n");
        assert_eq!(text, "Tiêu đề\n\nNgày 23/8, đoàn đến thăm.\n\nmột\n\nhai\n");
    }
}
