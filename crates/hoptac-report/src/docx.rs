//! The report as a Word document (DOCX, by `docx-rs`): A4, headings as Word's heading styles (so
//! the navigation pane lists them), tables with borders and a repeated-looking header row, each
//! source a real footnote at its first citation (later citations carry its number), the map and
//! charts as pictures. Lao text is a complex script to Word: runs name a Lao font for it.

use docx_rs::{
    AlignmentType, Docx, Footnote, PageMargin, Paragraph, Pic, Run, RunFonts, Shading, Style, StyleType, Table,
    TableCell, TableRow, VertAlignType, WidthType,
};

use crate::model::{Report, Row, Section};
use crate::{ReportError, Result};

/// Text width of an A4 page with 2 cm and 3 cm margins, in twentieths of a point.
const TEXT_WIDTH: usize = 9071;

fn fonts() -> RunFonts {
    RunFonts::new().ascii("Times New Roman").hi_ansi("Times New Roman").cs("Phetsarath OT").east_asia("Times New Roman")
}

fn text(s: &str) -> Run {
    Run::new().add_text(s).fonts(fonts())
}

fn superscript(s: &str) -> Run {
    let mut r = text(s);
    r.run_property = r.run_property.vert_align(VertAlignType::SuperScript);
    r
}

struct Notes<'a> {
    report: &'a Report,
    cited: Vec<bool>,
}

impl Notes<'_> {
    /// Runs citing a row's sources: a footnote the first time, its number after.
    fn runs(&mut self, row: &Row) -> Vec<Run> {
        let mut runs = Vec::new();
        if row.pending {
            runs.push(superscript("*"));
        }
        for &n in &row.notes {
            let Some(note) = self.report.notes.get(n - 1) else { continue };
            if self.cited.get(n - 1).copied().unwrap_or(true) {
                runs.push(superscript(&n.to_string()));
            } else {
                self.cited[n - 1] = true;
                let mut f = Footnote::new();
                f.add_content(Paragraph::new().add_run(text(&crate::note_text(note)).size(18)));
                runs.push(Run::new().add_footnote_reference(f));
            }
        }
        runs
    }
}

fn heading(title: &str, level: usize) -> Paragraph {
    let style = if level == 1 { "Heading1" } else { "Heading2" };
    Paragraph::new().style(style).add_run(text(title))
}

fn picture(svg: &str, width_cm: f64) -> Result<Paragraph> {
    let (png, w, h) = crate::pdf::raster(svg, 2.0)?;
    let emu_w = (width_cm * 360_000.0) as u32;
    let emu_h = (f64::from(emu_w) * f64::from(h) / f64::from(w.max(1))) as u32;
    let pic = Pic::new_with_dimensions(png, w, h).size(emu_w, emu_h);
    Ok(Paragraph::new().align(AlignmentType::Center).add_run(Run::new().add_image(pic)))
}

fn section(mut doc: Docx, s: &Section, none: &str, notes: &mut Notes) -> Result<Docx> {
    doc = doc.add_paragraph(heading(&s.title, 2));
    for p in &s.paragraphs {
        let mut run = text(&format!("– {}", p.cells.join(" ")));
        if p.strong {
            run = run.bold();
        }
        let mut para = Paragraph::new().add_run(run);
        for r in notes.runs(p) {
            para = para.add_run(r);
        }
        doc = doc.add_paragraph(para);
    }
    match &s.table {
        Some(t) if !t.rows.is_empty() => {
            let cols = t.headers.len().max(1);
            let width = TEXT_WIDTH / cols;
            let header = TableRow::new(
                t.headers
                    .iter()
                    .map(|h| {
                        TableCell::new()
                            .width(width, WidthType::Dxa)
                            .shading(Shading::new().fill("E6ECF2"))
                            .add_paragraph(Paragraph::new().add_run(text(h).bold().size(20)))
                    })
                    .collect(),
            );
            let mut rows = vec![header];
            for r in &t.rows {
                let last = r.cells.len().saturating_sub(1);
                let mut cells = Vec::new();
                for (i, c) in r.cells.iter().enumerate() {
                    let mut run = text(c).size(20);
                    if r.strong {
                        run = run.bold();
                    }
                    let mut para = Paragraph::new().add_run(run);
                    if i == last {
                        for n in notes.runs(r) {
                            para = para.add_run(n);
                        }
                    }
                    cells.push(TableCell::new().width(width, WidthType::Dxa).add_paragraph(para));
                }
                rows.push(TableRow::new(cells));
            }
            doc = doc.add_table(Table::new(rows).set_grid(vec![width; cols]).width(TEXT_WIDTH, WidthType::Dxa));
            doc = doc.add_paragraph(Paragraph::new());
        }
        _ if s.paragraphs.is_empty() => {
            doc = doc.add_paragraph(Paragraph::new().add_run(text(none).italic()));
        }
        _ => {}
    }
    for c in &s.charts {
        doc = doc.add_paragraph(picture(&crate::svg::bar_chart(c), 14.0)?);
        doc =
            doc.add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(text(&c.title).italic().size(18)));
    }
    Ok(doc)
}

pub fn render(r: &Report, map: Option<&str>) -> Result<Vec<u8>> {
    let mut notes = Notes { report: r, cited: vec![false; r.notes.len()] };
    let mut doc = Docx::new()
        .page_size(11906, 16838)
        .page_margin(PageMargin::new().top(1134).bottom(1134).left(1701).right(1134))
        .default_fonts(fonts())
        .default_size(24)
        .add_style(
            Style::new("Heading1", StyleType::Paragraph).name("Heading 1").bold().size(30).align(AlignmentType::Center),
        )
        .add_style(Style::new("Heading2", StyleType::Paragraph).name("Heading 2").bold().size(26))
        .add_paragraph(heading(&r.kind.to_uppercase(), 1))
        .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(text(&r.between).bold()))
        .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(text(&r.period)))
        .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(text(&r.made).italic().size(20)));
    for l in &r.legends {
        doc = doc.add_paragraph(Paragraph::new().add_run(text(l).italic().size(20)));
    }
    if let Some(svg) = map {
        doc = doc.add_paragraph(picture(svg, 9.0)?);
        doc = doc
            .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(text(&r.map_title).italic().size(18)));
    }
    for s in r.body() {
        doc = section(doc, s, &r.none, &mut notes)?;
    }
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build().pack(&mut out).map_err(|e| ReportError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}
