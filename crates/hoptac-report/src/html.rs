//! The report as one self-contained HTML file (styles inline, map and charts as SVG), to read in
//! a browser or print.

use std::fmt::Write;

use crate::model::{Report, Row, Section};
use crate::svg::esc;

fn refs(row: &Row) -> String {
    let mut s = String::new();
    if row.pending {
        s.push_str(r#"<span class="pending" title="pending">*</span>"#);
    }
    for n in &row.notes {
        let _ = write!(s, r##"<sup><a href="#note-{n}">{n}</a></sup>"##);
    }
    s
}

fn section(out: &mut String, s: &Section, none: &str) {
    let _ = write!(out, "<section><h2>{}</h2>", esc(&s.title));
    if !s.paragraphs.is_empty() {
        out.push_str("<ul>");
        for p in &s.paragraphs {
            let text = esc(&p.cells.join(" "));
            let text = if p.strong { format!("<strong>{text}</strong>") } else { text };
            let _ = write!(out, "<li>{text}{}</li>", refs(p));
        }
        out.push_str("</ul>");
    }
    match &s.table {
        Some(t) if !t.rows.is_empty() => {
            out.push_str("<table><thead><tr>");
            for h in &t.headers {
                let _ = write!(out, "<th>{}</th>", esc(h));
            }
            out.push_str("</tr></thead><tbody>");
            for r in &t.rows {
                let _ = write!(out, "<tr{}>", if r.strong { r#" class="strong""# } else { "" });
                let last = r.cells.len().saturating_sub(1);
                for (i, c) in r.cells.iter().enumerate() {
                    let _ = write!(out, "<td>{}{}</td>", esc(c), if i == last { refs(r) } else { String::new() });
                }
                out.push_str("</tr>");
            }
            out.push_str("</tbody></table>");
        }
        _ if s.paragraphs.is_empty() => {
            let _ = write!(out, "<p class=\"none\">{}</p>", esc(none));
        }
        _ => {}
    }
    for c in &s.charts {
        let _ = write!(out, "<figure>{}<figcaption>{}</figcaption></figure>", crate::svg::bar_chart(c), esc(&c.title));
    }
    out.push_str("</section>");
}

const STYLE: &str = "body{font-family:'Noto Serif','Times New Roman','Phetsarath OT','Noto Serif Lao',serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}\
h1{font-size:1.5rem;text-transform:uppercase;text-align:center;margin-bottom:.2rem}.between{text-align:center;font-weight:bold}.meta{text-align:center;color:#555}\
h2{font-size:1.15rem;margin-top:1.6rem}table{border-collapse:collapse;width:100%;font-size:.92rem}th,td{border:1px solid #999;padding:.25rem .4rem;vertical-align:top;text-align:left}\
th{background:#eef1f5}tr.strong td{font-weight:bold}.pending{color:#a33}.legend{font-size:.9rem;color:#555;border-left:3px solid #ccc;padding-left:.6rem}\
figure{margin:1rem 0}figcaption{font-size:.85rem;color:#555}ol.notes{font-size:.85rem}ol.notes q{font-style:italic}.map svg{max-width:100%;height:auto}";

pub fn render(r: &Report, map: Option<&str>) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{} — {}</title><style>{STYLE}</style></head><body>",
        r.lang.code(),
        esc(&r.kind),
        esc(&r.between)
    );
    let _ = write!(
        out,
        "<header><h1>{}</h1><p class=\"between\">{}</p><p class=\"meta\">{}</p><p class=\"meta\">{}</p></header>",
        esc(&r.kind),
        esc(&r.between),
        esc(&r.period),
        esc(&r.made)
    );
    for l in &r.legends {
        let _ = write!(out, "<p class=\"legend\">{}</p>", esc(l));
    }
    if let Some(svg) = map {
        let _ = write!(out, "<figure class=\"map\">{svg}<figcaption>{}</figcaption></figure>", esc(&r.map_title));
    }
    for s in r.body() {
        section(&mut out, s, &r.none);
    }
    if !r.notes.is_empty() {
        let _ = write!(out, "<section><h2>{}</h2><ol class=\"notes\">", esc(&r.notes_title));
        for n in &r.notes {
            let _ = write!(out, "<li id=\"note-{}\">{}</li>", n.number, esc(&crate::note_text(n)));
        }
        out.push_str("</ol></section>");
    }
    out.push_str("</body></html>");
    out
}
