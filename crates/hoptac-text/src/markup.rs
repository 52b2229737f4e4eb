//! Plain text from the other formats documents arrive in: HTML pages (scripts, styles,
//! navigation and forms dropped; block elements end lines; the `<title>` or first `<h1>` becomes
//! the first line) and Markdown (markup dropped, paragraphs and headings end lines).

use ego_tree::iter::Edge;
use pulldown_cmark::{Event, Parser, TagEnd};
use scraper::{Html, Node, Selector};

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

/// The text of an HTML page, its title on the first line.
pub fn html_to_text(html: &str) -> String {
    let doc = Html::parse_document(html);
    let title = Selector::parse("title")
        .ok()
        .and_then(|s| doc.select(&s).next().map(|t| t.text().collect::<String>()))
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty());
    let mut out = String::new();
    let mut skip = 0usize;
    for edge in doc.root_element().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(e) if SKIPPED.contains(&e.name()) || e.name() == "title" || e.name() == "head" => {
                    skip += 1
                }
                Node::Element(e) if skip == 0 && BLOCKS.contains(&e.name()) => end_line(&mut out),
                Node::Text(t) if skip == 0 => push_text(&mut out, t),
                _ => {}
            },
            Edge::Close(node) => match node.value() {
                Node::Element(e) if SKIPPED.contains(&e.name()) || e.name() == "title" || e.name() == "head" => {
                    skip = skip.saturating_sub(1)
                }
                Node::Element(e) if skip == 0 && BLOCKS.contains(&e.name()) => end_line(&mut out),
                _ => {}
            },
        }
    }
    let body = out.trim();
    match title {
        Some(t) if !body.starts_with(&t) => format!("{t}\n\n{body}\n"),
        _ => format!("{body}\n"),
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
    fn markdown_loses_its_markup() {
        let text = markdown_to_text("# Tiêu đề\n\nNgày **23/8**, [đoàn](http://x) đến\nthăm.\n\n- một\n- hai\n");
        assert_eq!(text, "Tiêu đề\n\nNgày 23/8, đoàn đến thăm.\n\nmột\n\nhai\n");
    }
}
