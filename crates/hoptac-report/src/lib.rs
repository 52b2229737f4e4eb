//! What officials hand in: the review report of a partnership (báo cáo sơ kết, tổng kết) in
//! Markdown, HTML, DOCX or PDF, built once as a [`model::Report`] from the dossier and rendered
//! per format; the record's tables exported as CSV or XLSX (`export`); and the map and charts
//! drawn as SVG (`svg`) for the web pages and the reports alike.

pub mod chart;
pub mod docx;
pub mod export;
pub mod html;
pub mod md;
pub mod model;
pub mod pdf;
pub mod svg;

pub use model::{build, Options, Report};

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("writing the DOCX failed: {0}")]
    Docx(String),
    #[error("typesetting the PDF failed: {0}")]
    Pdf(String),
    #[error("no font on this machine can write {script} text; install one (Debian: fonts-noto-core or fonts-lao; Windows and macOS have one) or point HOPTAC_FONTS at a folder of fonts")]
    NoFont { script: &'static str },
    #[error("drawing a chart failed: {0}")]
    Image(String),
    #[error("writing the spreadsheet failed: {0}")]
    Xlsx(String),
    #[error("writing CSV failed: {0}")]
    Csv(String),
}

pub type Result<T> = std::result::Result<T, ReportError>;

/// The report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Md,
    Html,
    Docx,
    Pdf,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Md, Format::Html, Format::Docx, Format::Pdf];

    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.extension() == s.trim().to_ascii_lowercase())
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Md => "text/markdown; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
            Format::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Format::Pdf => "application/pdf",
        }
    }
}

/// The report in a format. `map` is the parties' map as SVG (HTML, DOCX and PDF show it).
pub fn render(report: &Report, format: Format, map: Option<&str>) -> Result<Vec<u8>> {
    Ok(match format {
        Format::Md => md::render(report).into_bytes(),
        Format::Html => html::render(report, map).into_bytes(),
        Format::Docx => docx::render(report, map)?,
        Format::Pdf => pdf::render(report, map)?,
    })
}

/// A source note as one line: title, publisher, date, then the quoted sentence.
pub fn note_text(n: &model::Note) -> String {
    let mut parts = vec![n.title.clone()];
    if !n.publisher.is_empty() && n.publisher != n.title {
        parts.push(n.publisher.clone());
    }
    if let Some(d) = &n.date {
        parts.push(d.clone());
    }
    format!("{}: “{}”", parts.join(", "), n.sentence)
}

/// A number without grouping, for charts: 3, 2.5.
pub fn plain_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.1}")
    }
}

/// The bundled boundaries, parsed once.
pub fn geo() -> std::result::Result<&'static svg::GeoMap, String> {
    static MAP: std::sync::OnceLock<std::result::Result<svg::GeoMap, String>> = std::sync::OnceLock::new();
    MAP.get_or_init(svg::GeoMap::builtin).as_ref().map_err(|e| e.clone())
}

/// The provinces (ISO 3166-2 codes, what the map's shapes are keyed by) of places, sorted, each
/// once; a district counts as its province, a country as nothing.
pub fn provinces<'a>(places: impl IntoIterator<Item = &'a hoptac_core::PlaceId>) -> Vec<String> {
    let mut out: Vec<String> = places.into_iter().filter_map(|p| p.province()).map(str::to_string).collect();
    out.sort();
    out.dedup();
    out
}

/// The tie a partnership draws on a map: from its Vietnamese party's province to its Lao
/// party's, labelled with the parties' names.
pub fn tie(parties: &[hoptac_core::PlaceId], href: Option<String>, l: &hoptac_i18n::Labels) -> Option<svg::Tie> {
    let side = |country: &str| parties.iter().find(|x| x.country() == country).and_then(|x| x.province());
    Some(svg::Tie { a: side("VN")?.to_string(), b: side("LA")?.to_string(), href, label: l.parties(parties) })
}

/// A map with the archipelagos' names and the credit line in the reader's language.
pub fn draw_map(
    map: &svg::GeoMap,
    l: &hoptac_i18n::Labels,
    title: &str,
    highlight: &[String],
    ties: &[svg::Tie],
    crop: bool,
    width: f64,
) -> String {
    let (hoang_sa, truong_sa, credit) = (l.t.get("map-hoang-sa"), l.t.get("map-truong-sa"), l.t.get("map-credit"));
    map.render(&svg::MapSpec {
        title,
        highlight,
        ties,
        crop,
        hoang_sa: &hoang_sa,
        truong_sa: &truong_sa,
        credit: &credit,
        width,
    })
}

/// The small map of a dossier's parties: their provinces filled, a tie per partnership.
pub fn parties_map(
    d: &hoptac_store::dossier::Dossier,
    l: &hoptac_i18n::Labels,
    width: f64,
) -> Option<std::sync::Arc<str>> {
    let parties: Vec<&str> = d.partnerships.iter().flat_map(|p| p.parties.iter().map(|x| x.as_str())).collect();
    kept(format!("parties|{:?}|{width}|{}", l.lang, parties.join(",")), || draw_parties_map(d, l, width))
}

/// The map of both countries with `ties` between provinces ([`draw_map`], uncropped), kept
/// like [`parties_map`]: the overview's changes only when its partnerships do.
pub fn border_map(
    map: &svg::GeoMap,
    l: &hoptac_i18n::Labels,
    title: &str,
    highlight: &[String],
    ties: &[svg::Tie],
    width: f64,
) -> std::sync::Arc<str> {
    use std::fmt::Write;
    let mut key = format!("border|{:?}|{width}|{title}|{}", l.lang, highlight.join(","));
    for t in ties {
        let _ = write!(key, "|{}>{}>{}>{}", t.a, t.b, t.href.as_deref().unwrap_or_default(), t.label);
    }
    kept(key, || Some(draw_map(map, l, title, highlight, ties, false, width))).unwrap_or_default()
}

/// Maps already drawn, by everything they depend on (`key`: what they show, the language, the
/// width): drawing one projects every boundary ring, which costs more than the rest of a page.
/// Shared, not copied: a page's map is the same allocation every time it is asked for, which is
/// what lets the server compress it once ([`std::sync::Arc::ptr_eq`] tells it is the same).
fn kept(key: String, draw: impl FnOnce() -> Option<String>) -> Option<std::sync::Arc<str>> {
    type Drawn = std::sync::Mutex<std::collections::HashMap<String, Option<std::sync::Arc<str>>>>;
    static DRAWN: std::sync::OnceLock<Drawn> = std::sync::OnceLock::new();
    let drawn = DRAWN.get_or_init(Default::default);
    if let Some(svg) = drawn.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return svg;
    }
    let svg: Option<std::sync::Arc<str>> = draw().map(Into::into);
    if let Ok(mut m) = drawn.lock() {
        if m.len() >= 1024 {
            m.clear(); // a bound, far above the partnerships of any store times three languages
        }
        // A map another thread drew meanwhile stays: the one already handed out is kept.
        return m.entry(key).or_insert(svg).clone();
    }
    svg
}

fn draw_parties_map(d: &hoptac_store::dossier::Dossier, l: &hoptac_i18n::Labels, width: f64) -> Option<String> {
    let map = geo().ok()?;
    let highlight = provinces(d.partnerships.iter().flat_map(|p| &p.parties));
    if highlight.is_empty() {
        return None;
    }
    let ties: Vec<svg::Tie> = d.partnerships.iter().filter_map(|p| tie(&p.parties, None, l)).collect();
    let title = l.parties(&d.partnerships.iter().flat_map(|p| p.parties.clone()).collect::<Vec<_>>());
    Some(draw_map(map, l, &title, &highlight, &ties, true, width))
}

/// A dossier's report in a format, with its map.
pub fn make(
    d: &hoptac_store::dossier::Dossier,
    labels: &hoptac_i18n::Labels,
    options: &Options,
    format: Format,
) -> Result<Vec<u8>> {
    let report = build(d, labels, options);
    let map = match format {
        Format::Md => None,
        _ => parties_map(d, labels, 420.0),
    };
    render(&report, format, map.as_deref())
}
