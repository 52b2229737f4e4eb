//! The report as PDF, typeset by Typst (as a library): the report is written as Typst markup
//! (every text as a string literal, so nothing in a source can become markup), compiled against
//! a world holding that one file, the map and chart SVGs, and the fonts — Typst's own (Libertinus
//! Serif covers Vietnamese) and the machine's Lao fonts — then exported with the fonts embedded.
//! Lao is shaped by Typst's shaping engine (rustybuzz). Sources are footnotes: the first citation
//! of a source makes its note, later ones point to the same number.

use std::collections::HashMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use crate::model::{Report, Row, Section};
use crate::{ReportError, Result};

/// The fonts a report may use: Typst's bundled ones and the machine's that matter here.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    /// Folders of system fonts, for the chart rasteriser.
    dirs: Vec<PathBuf>,
}

/// Where fonts live on Linux, macOS and Windows, and `HOPTAC_FONTS` first.
fn font_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("HOPTAC_FONTS").map(PathBuf::from).into_iter().collect();
    for d in
        ["/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts", "/System/Library/Fonts", "C:\\Windows\\Fonts"]
    {
        dirs.push(PathBuf::from(d));
    }
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".fonts"));
        dirs.push(Path::new(&home).join(".local/share/fonts"));
    }
    dirs.into_iter().filter(|d| d.is_dir()).collect()
}

/// Font files worth reading: Lao fonts, and serif/sans families with Vietnamese. Reading every
/// font of a machine would take seconds and hundreds of megabytes.
fn wanted(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let font = n.ends_with(".ttf") || n.ends_with(".otf") || n.ends_with(".ttc");
    font && ["lao", "phetsarath", "saysettha", "leelawad", "notoserif-", "notosans-", "dejavusans.", "dejavusans-bold."]
        .iter()
        .any(|k| n.contains(k))
}

fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() && depth < 4 {
            walk(&p, depth + 1, out);
        } else if p.file_name().and_then(|n| n.to_str()).is_some_and(wanted) {
            out.push(p);
        }
    }
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut fonts: Vec<Font> = Vec::new();
        for data in typst_assets::fonts() {
            fonts.extend(Font::iter(Bytes::new(data)));
        }
        let dirs = font_dirs();
        let mut files = Vec::new();
        for d in &dirs {
            walk(d, 0, &mut files);
        }
        files.sort();
        for f in files {
            if let Ok(data) = std::fs::read(&f) {
                fonts.extend(Font::iter(Bytes::new(data)));
            }
        }
        Fonts { book: LazyHash::new(FontBook::from_fonts(&fonts)), fonts, dirs }
    })
}

/// Whether some font can draw `c`.
fn covered(c: char) -> bool {
    fonts().fonts.iter().any(|f| f.info().coverage.contains(c as u32))
}

struct ReportWorld {
    library: LazyHash<Library>,
    main: FileId,
    source: Source,
    files: HashMap<FileId, Bytes>,
}

fn file_id(name: &str) -> Result<FileId> {
    let path = VirtualPath::new(name).map_err(|e| ReportError::Pdf(format!("{name}: {e:?}")))?;
    Ok(RootedPath::new(VirtualRoot::Project, path).intern())
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().book
    }
    fn main(&self) -> FileId {
        self.main
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main {
            Ok(self.source.clone())
        } else {
            Err(FileError::NotFound(id.get().vpath().get_with_slash().into()))
        }
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.get(&id).cloned().ok_or_else(|| FileError::NotFound(id.get().vpath().get_with_slash().into()))
    }
    fn font(&self, index: usize) -> Option<Font> {
        fonts().fonts.get(index).cloned()
    }
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// A Typst string literal: in code, nothing inside it is markup.
fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

struct Writer<'a> {
    report: &'a Report,
    out: String,
    cited: Vec<bool>,
    files: Vec<(String, Vec<u8>)>,
}

impl Writer<'_> {
    /// Content citing a row's sources.
    fn refs(&mut self, row: &Row) -> String {
        let mut s = String::new();
        if row.pending {
            s.push_str("#super(\"*\")");
        }
        for (i, &n) in row.notes.iter().enumerate() {
            let Some(note) = self.report.notes.get(n - 1) else { continue };
            if i > 0 {
                s.push_str("#super[,]");
            }
            if self.cited.get(n - 1).copied().unwrap_or(true) {
                let _ = write!(s, "#footnote(<src-{n}>)");
            } else {
                self.cited[n - 1] = true;
                let _ = write!(s, "#footnote[#{}] <src-{n}>", lit(&crate::note_text(note)));
            }
        }
        s
    }

    fn image(&mut self, svg: String, width_cm: f64, caption: &str) {
        let name = format!("figure-{}.svg", self.files.len() + 1);
        let _ = writeln!(self.out, "#figure(image({}, width: {width_cm}cm), caption: [#{}])", lit(&name), lit(caption));
        self.files.push((name, svg.into_bytes()));
    }

    fn section(&mut self, s: &Section) {
        let _ = writeln!(self.out, "\n== #{}\n", lit(&s.title));
        for p in &s.paragraphs {
            let refs = self.refs(p);
            let text = lit(&p.cells.join(" "));
            let text = if p.strong { format!("#strong({text})") } else { format!("#{text}") };
            let _ = writeln!(self.out, "- {text}{refs}");
        }
        match &s.table {
            Some(t) if !t.rows.is_empty() => {
                let cols = t.headers.len().max(1);
                let _ = write!(
                    self.out,
                    "#table(columns: {cols}, stroke: 0.5pt + luma(120), inset: 4pt, fill: (x, y) => if y == 0 {{ rgb(\"#e6ecf2\") }},\n  table.header({}),\n",
                    t.headers.iter().map(|h| format!("[*#{}*]", lit(h))).collect::<Vec<_>>().join(", ")
                );
                for r in &t.rows {
                    let last = r.cells.len().saturating_sub(1);
                    let mut cells = Vec::new();
                    for (i, c) in r.cells.iter().enumerate() {
                        let refs = if i == last { self.refs(r) } else { String::new() };
                        let text = if r.strong && !c.is_empty() {
                            format!("#strong({})", lit(c))
                        } else {
                            format!("#{}", lit(c))
                        };
                        cells.push(format!("[{text}{refs}]"));
                    }
                    let _ = writeln!(self.out, "  {},", cells.join(", "));
                }
                self.out.push_str(")\n");
            }
            _ if s.paragraphs.is_empty() => {
                let _ = writeln!(self.out, "#emph({})", lit(&self.report.none));
            }
            _ => {}
        }
        for c in &s.charts {
            let svg = crate::svg::bar_chart(c);
            // As drawn (a pixel a little over a point), never wider than the text.
            let width = svg_width(&svg).map(|w| (w * 0.035).clamp(6.0, 15.5)).unwrap_or(12.0);
            self.image(svg, width, &c.title);
        }
    }
}

/// The `width` an SVG declares on its root element.
fn svg_width(svg: &str) -> Option<f64> {
    let root = &svg[..svg.find('>')?];
    let at = root.find(" width=\"")? + 8;
    root[at..].split('"').next()?.parse().ok()
}

/// The Typst markup of a report and the files it includes.
pub fn markup(r: &Report, map: Option<&str>) -> (String, Vec<(String, Vec<u8>)>) {
    let mut w = Writer { report: r, out: String::new(), cited: vec![false; r.notes.len()], files: Vec::new() };
    let lang = r.lang.code();
    let _ = write!(
        w.out,
        r#"#set document(title: {title})
#set page(paper: "a4", margin: (left: 3cm, right: 2cm, y: 2cm), numbering: "1")
#set text(font: ("Libertinus Serif", "Noto Serif", "Noto Serif Lao", "Noto Sans Lao", "Saysettha OT", "Phetsarath OT", "DejaVu Sans"), size: 11pt, lang: "{lang}")
#set table(align: left)
#show heading.where(level: 2): set text(size: 12pt)
#show figure: set block(breakable: false)
#align(center)[#text(size: 14pt, weight: "bold", upper({kind})) \ #strong({between}) \ #{period} \ #text(size: 9pt, emph({made}))]
"#,
        title = lit(&format!("{} — {}", r.kind, r.between)),
        kind = lit(&r.kind),
        between = lit(&r.between),
        period = lit(&r.period),
        made = lit(&r.made),
    );
    for l in &r.legends {
        let _ = writeln!(w.out, "#text(size: 9pt, emph({}))\n", lit(l));
    }
    if let Some(svg) = map {
        w.image(svg.to_string(), 9.0, &r.map_title);
    }
    for s in r.body() {
        w.section(s);
    }
    (w.out, w.files)
}

pub fn render(r: &Report, map: Option<&str>) -> Result<Vec<u8>> {
    let (source, files) = markup(r, map);
    // A report with Lao text needs a Lao font: say so rather than print empty boxes.
    if let Some(c) = source.chars().find(|c| ('\u{0E80}'..='\u{0EFF}').contains(c)) {
        if !covered(c) {
            return Err(ReportError::NoFont { script: "Lao" });
        }
    }
    let main = file_id("/report.typ")?;
    let mut by_id = HashMap::new();
    for (name, data) in files {
        by_id.insert(file_id(&format!("/{name}"))?, Bytes::new(data));
    }
    let world = ReportWorld {
        library: LazyHash::new(Library::default()),
        main,
        source: Source::new(main, source),
        files: by_id,
    };
    let doc: PagedDocument = typst::compile(&world)
        .output
        .map_err(|errs| ReportError::Pdf(errs.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; ")))?;
    typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default())
        .map_err(|errs| ReportError::Pdf(errs.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; ")))
}

/// An SVG drawn as PNG at `scale` (for Word, which takes pictures): bytes, width, height.
pub fn raster(svg: &str, scale: f32) -> Result<(Vec<u8>, u32, u32)> {
    use resvg::{tiny_skia, usvg};
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    let db = DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        for d in &fonts().dirs {
            db.load_fonts_dir(d);
        }
        for data in typst_assets::fonts() {
            db.load_font_data(data.to_vec());
        }
        db.set_sans_serif_family("DejaVu Sans");
        Arc::new(db)
    });
    let opt = usvg::Options { fontdb: db.clone(), ..usvg::Options::default() };
    let tree = usvg::Tree::from_str(svg, &opt).map_err(|e| ReportError::Image(e.to_string()))?;
    let size = tree.size();
    let (w, h) = ((size.width() * scale).ceil() as u32, (size.height() * scale).ceil() as u32);
    let mut pixmap =
        tiny_skia::Pixmap::new(w.max(1), h.max(1)).ok_or_else(|| ReportError::Image(format!("{w}×{h}")))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    let png = pixmap.encode_png().map_err(|e| ReportError::Image(e.to_string()))?;
    Ok((png, w, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cannot_become_markup() {
        assert_eq!(lit(r#"a "b" \c #strong[x] <y>"#), r#""a \"b\" \\c #strong[x] <y>""#);
        assert_eq!(lit("line\nbreak"), "\"line break\"");
    }

    #[test]
    fn chart_width_read_from_the_svg() {
        assert_eq!(svg_width(r#"<svg viewBox="0 0 146 200" width="146" height="200"><rect width="9"/>"#), Some(146.0));
        assert_eq!(svg_width("<svg>"), None);
    }

    #[test]
    fn font_files_chosen() {
        assert!(wanted("NotoSansLao-Regular.ttf") && wanted("Phetsarath_OT.ttf") && wanted("NotoSerif-Regular.ttf"));
        assert!(!wanted("NotoSansArmenian-Regular.ttf") && !wanted("NotoSansLao.txt"));
    }
}
