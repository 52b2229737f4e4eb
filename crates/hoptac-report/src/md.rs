//! The report as Markdown (CommonMark tables and footnotes, as GitHub and pandoc read them).

use std::fmt::Write;

use crate::model::{Report, Row, Section};

fn cell(s: &str) -> String {
    s.replace('\\', "\\\\").replace('|', "\\|").replace('\n', " ")
}

fn refs(row: &Row) -> String {
    let mut s = String::new();
    if row.pending {
        s.push('*');
    }
    for n in &row.notes {
        let _ = write!(s, "[^{n}]");
    }
    s
}

fn section(out: &mut String, s: &Section, none: &str) {
    let _ = writeln!(out, "## {}\n", s.title);
    for p in &s.paragraphs {
        let text = cell(&p.cells.join(" "));
        let _ = writeln!(out, "- {}{}", if p.strong { format!("**{text}**") } else { text }, refs(p));
    }
    if !s.paragraphs.is_empty() {
        out.push('\n');
    }
    match &s.table {
        Some(t) if !t.rows.is_empty() => {
            let _ = writeln!(out, "| {} |", t.headers.iter().map(|h| cell(h)).collect::<Vec<_>>().join(" | "));
            let _ = writeln!(out, "|{}", "---|".repeat(t.headers.len()));
            for r in &t.rows {
                let mut cells: Vec<String> = r.cells.iter().map(|c| cell(c)).collect();
                if r.strong {
                    cells = cells.into_iter().map(|c| if c.is_empty() { c } else { format!("**{c}**") }).collect();
                }
                if let Some(last) = cells.last_mut() {
                    last.push_str(&refs(r));
                }
                let _ = writeln!(out, "| {} |", cells.join(" | "));
            }
            out.push('\n');
        }
        _ if s.paragraphs.is_empty() => {
            let _ = writeln!(out, "{none}\n");
        }
        _ => {}
    }
    for c in &s.charts {
        let _ = writeln!(
            out,
            "*{}*: {}\n",
            cell(&c.title),
            c.bars
                .iter()
                .map(|(l, v)| {
                    format!("{} {}", cell(l), v.iter().map(|x| crate::plain_number(*x)).collect::<Vec<_>>().join("/"))
                })
                .collect::<Vec<_>>()
                .join(" · ")
        );
    }
}

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n\n**{}**\n\n{}\n\n{}\n", r.kind, r.between, r.period, r.made);
    for l in &r.legends {
        let _ = writeln!(out, "> {l}\n");
    }
    for s in r.body() {
        section(&mut out, s, &r.none);
    }
    if !r.notes.is_empty() {
        let _ = writeln!(out, "## {}\n", r.notes_title);
        for n in &r.notes {
            let _ = writeln!(out, "[^{}]: {}\n", n.number, crate::note_text(n).replace('\n', " "));
        }
    }
    out
}
