//! Drawings made on the server as SVG, so that they work offline and go into every format: the
//! map of the provinces (from the bundled boundaries in `data/geo`, keyed by ISO 3166-2 code)
//! and bar charts. Colours are attributes, not a stylesheet, so the SVG looks the same in a page,
//! a PDF and a Word file. Every text that reaches the SVG is escaped here.

use std::collections::HashMap;
use std::fmt::Write;

use serde::Deserialize;

use crate::chart::Chart;

/// XML-escape a text.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&#38;"),
            '<' => out.push_str("&#60;"),
            '>' => out.push_str("&#62;"),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Deserialize)]
struct Collection {
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    properties: Properties,
    geometry: Geometry,
}

#[derive(Deserialize)]
struct Properties {
    iso: String,
}

#[derive(Deserialize)]
#[serde(tag = "type", content = "coordinates")]
enum Geometry {
    Polygon(Vec<Vec<[f64; 2]>>),
    MultiPolygon(Vec<Vec<Vec<[f64; 2]>>>),
}

impl Geometry {
    /// Exterior rings only: the bundled shapes have no holes that matter at map scale.
    fn rings(self) -> Vec<Vec<(f64, f64)>> {
        let polys = match self {
            Geometry::Polygon(p) => vec![p],
            Geometry::MultiPolygon(m) => m,
        };
        polys
            .into_iter()
            .filter_map(|p| p.into_iter().next())
            .map(|r| r.into_iter().map(|[x, y]| (x, y)).collect())
            .collect()
    }
}

/// A province's shape, each ring's bounding box (west, east, south, north), and a point inside
/// it to draw ties from.
pub struct Shape {
    pub iso: String,
    rings: Vec<Vec<(f64, f64)>>,
    boxes: Vec<BBox>,
    pub center: (f64, f64),
}

/// West, east, south, north, in degrees.
type BBox = (f64, f64, f64, f64);

/// Where a geographic box lands on the drawing.
#[derive(Debug, Clone, Copy)]
struct View {
    west: f64,
    north: f64,
    scale: f64,
    /// Longitude degrees are shorter than latitude degrees at these latitudes.
    squeeze: f64,
    width: f64,
    height: f64,
}

impl View {
    fn new(west: f64, east: f64, south: f64, north: f64, width: f64) -> View {
        let squeeze = ((south + north) / 2.0).to_radians().cos();
        let scale = width / ((east - west) * squeeze);
        View { west, north, scale, squeeze, width, height: (north - south) * scale }
    }
    fn at(&self, (lon, lat): (f64, f64)) -> (f64, f64) {
        ((lon - self.west) * self.squeeze * self.scale, (self.north - lat) * self.scale)
    }
}

/// One tie between two provinces drawn on the map, linked to a page.
pub struct Tie {
    pub a: String,
    pub b: String,
    pub href: Option<String>,
    pub label: String,
}

/// What a map shows.
pub struct MapSpec<'a> {
    pub title: &'a str,
    /// Provinces filled as parties.
    pub highlight: &'a [String],
    pub ties: &'a [Tie],
    /// Crop to the highlighted provinces (a dossier's small map); otherwise both countries whole,
    /// with the Hoàng Sa and Trường Sa archipelagos.
    pub crop: bool,
    /// Labels of the archipelagos and the credit line, in the reader's language.
    pub hoang_sa: &'a str,
    pub truong_sa: &'a str,
    pub credit: &'a str,
    pub width: f64,
}

/// The provinces of Vietnam (before 2025-07-01) and Laos, and Vietnam's units from 2025-07-01.
pub struct GeoMap {
    shapes: Vec<Shape>,
    units_2025: Vec<Shape>,
    islands: Vec<(String, (f64, f64))>,
    by_iso: HashMap<String, usize>,
}

fn center(rings: &[Vec<(f64, f64)>]) -> (f64, f64) {
    // The middle of the largest ring's vertices: inside the province for these shapes.
    let Some(r) = rings.iter().max_by_key(|r| r.len()) else { return (0.0, 0.0) };
    let n = r.len().max(1) as f64;
    (r.iter().map(|p| p.0).sum::<f64>() / n, r.iter().map(|p| p.1).sum::<f64>() / n)
}

fn shapes(json: &str) -> Result<Vec<Shape>, String> {
    let c: Collection = serde_json::from_str(json).map_err(|e| format!("province boundaries: {e}"))?;
    Ok(c.features
        .into_iter()
        .map(|f| {
            let rings = f.geometry.rings();
            let boxes = rings.iter().map(|r| GeoMap::bounds(std::iter::once(r)).unwrap_or_default()).collect();
            Shape { center: center(&rings), iso: f.properties.iso, rings, boxes }
        })
        .collect())
}

impl GeoMap {
    /// The bundled boundaries (see `data/geo/README.md`).
    pub fn builtin() -> Result<GeoMap, String> {
        let provinces = shapes(include_str!("../data/geo/vn_la_provinces.geojson"))?;
        let units_2025 = shapes(include_str!("../data/geo/vn_2025_provinces.geojson"))?;
        let mut islands = Vec::new();
        let mut rd = csv::ReaderBuilder::new()
            .comment(Some(b'#'))
            .from_reader(include_str!("../data/geo/islands.csv").as_bytes());
        for (i, row) in rd.records().enumerate() {
            let row = row.map_err(|e| format!("islands.csv row {}: {e}", i + 1))?;
            let num = |k: usize| row.get(k).and_then(|v| v.parse::<f64>().ok());
            match (row.get(0), num(1), num(2)) {
                (Some(name), Some(lon), Some(lat)) => islands.push((name.to_string(), (lon, lat))),
                _ => return Err(format!("islands.csv row {}: expected archipelago,lon,lat", i + 1)),
            }
        }
        let by_iso = provinces.iter().enumerate().map(|(i, s)| (s.iso.clone(), i)).collect();
        Ok(GeoMap { shapes: provinces, units_2025, islands, by_iso })
    }

    pub fn shape(&self, iso: &str) -> Option<&Shape> {
        self.by_iso.get(iso).map(|&i| &self.shapes[i])
    }

    pub fn len(&self) -> usize {
        self.shapes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty()
    }

    fn bounds<'a>(rings: impl Iterator<Item = &'a Vec<(f64, f64)>>) -> Option<(f64, f64, f64, f64)> {
        let mut b: Option<(f64, f64, f64, f64)> = None;
        for &(x, y) in rings.flatten() {
            b = Some(match b {
                None => (x, x, y, y),
                Some((w, e, s, n)) => (w.min(x), e.max(x), s.min(y), n.max(y)),
            });
        }
        b
    }

    /// The map as an SVG element.
    pub fn render(&self, spec: &MapSpec) -> String {
        let highlighted: Vec<&Shape> = spec.highlight.iter().filter_map(|h| self.shape(h)).collect();
        let (west, east, south, north) =
            match (spec.crop, Self::bounds(highlighted.iter().flat_map(|s| s.rings.iter()))) {
                (true, Some((w, e, s, n))) => {
                    // At least 3° across, so that a small district's province has neighbours around it.
                    let (cx, cy) = ((w + e) / 2.0, (s + n) / 2.0);
                    let half_w = ((e - w) / 2.0 + 0.6).max(1.5);
                    let half_h = ((n - s) / 2.0 + 0.6).max(1.5);
                    (cx - half_w, cx + half_w, cy - half_h, cy + half_h)
                }
                _ => (100.0, 115.2, 7.0, 23.5),
            };
        let view = View::new(west, east, south, north, spec.width);
        // The credit line, wrapped to the width (a letter is about half the font size wide).
        let credit_size = (spec.width / 80.0).max(6.0);
        let credit = wrap(spec.credit, (view.width / (credit_size * 0.52)) as usize);
        let (w, h) = (view.width, view.height + 6.0 + credit.len() as f64 * (credit_size + 2.0));
        let mut s = String::with_capacity(64 * 1024);
        let _ = write!(
            s,
            r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0} {h:.0}" width="{w:.0}" height="{h:.0}" role="img" class="map" font-family="sans-serif"><title>{}</title><rect width="{w:.0}" height="{:.0}" fill="#e8f1f8"/>"##,
            esc(spec.title),
            view.height
        );
        // A ring is drawn when its box meets the view (a margin keeps neighbours' edges).
        let visible = |&(w, e, s, n): &BBox| e >= west - 1.0 && w <= east + 1.0 && n >= south - 1.0 && s <= north + 1.0;
        fn shown<'a>(shape: &'a Shape, visible: &dyn Fn(&BBox) -> bool) -> Vec<&'a Vec<(f64, f64)>> {
            shape.rings.iter().zip(&shape.boxes).filter(|(_, b)| visible(b)).map(|(r, _)| r).collect()
        }
        for shape in &self.shapes {
            let party = spec.highlight.contains(&shape.iso);
            let fill = match (party, shape.iso.starts_with("VN")) {
                (true, _) => "#c8553d",
                (false, true) => "#f4ead5",
                (false, false) => "#e3ecd4",
            };
            let d = path(&view, shown(shape, &visible).into_iter());
            if d.is_empty() {
                continue;
            }
            let _ = write!(
                s,
                r##"<path class="province{}" data-iso="{}" d="{d}" fill="{fill}" stroke="#9a9a8a" stroke-width="0.4"/>"##,
                if party { " party" } else { "" },
                esc(&shape.iso)
            );
        }
        // Vietnam's units from 2025-07-01 drawn over the old provinces.
        for unit in &self.units_2025 {
            let d = path(&view, shown(unit, &visible).into_iter());
            if !d.is_empty() {
                let _ =
                    write!(s, r##"<path class="unit-2025" d="{d}" fill="none" stroke="#6b5b45" stroke-width="0.9"/>"##);
            }
        }
        for t in spec.ties {
            let (Some(a), Some(b)) = (self.shape(&t.a), self.shape(&t.b)) else { continue };
            let ((x1, y1), (x2, y2)) = (view.at(a.center), view.at(b.center));
            let line = format!(
                r##"<line class="tie" x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="#1f4e79" stroke-width="2" stroke-linecap="round"><title>{}</title></line>"##,
                esc(&t.label)
            );
            match &t.href {
                Some(href) => {
                    let _ = write!(s, r#"<a href="{}">{line}</a>"#, esc(href));
                }
                None => s.push_str(&line),
            }
            for (x, y) in [(x1, y1), (x2, y2)] {
                let _ = write!(s, r##"<circle class="seat" cx="{x:.1}" cy="{y:.1}" r="3" fill="#1f4e79"/>"##);
            }
        }
        if !spec.crop {
            for (name, label) in [("hoang_sa", spec.hoang_sa), ("truong_sa", spec.truong_sa)] {
                let pts: Vec<(f64, f64)> =
                    self.islands.iter().filter(|(n, _)| n == name).map(|(_, p)| view.at(*p)).collect();
                for (x, y) in &pts {
                    let _ = write!(s, r##"<circle class="island" cx="{x:.1}" cy="{y:.1}" r="1.6" fill="#8a6d3b"/>"##);
                }
                if let Some(&(x, y)) = pts.iter().min_by(|a, b| a.1.total_cmp(&b.1)) {
                    let size = (spec.width / 60.0).max(7.0);
                    // Kept inside the drawing: the label's half width from either edge.
                    let half = label.chars().count() as f64 * size * 0.26;
                    let x = x.clamp(half + 2.0, (w - half - 2.0).max(half + 2.0));
                    let _ = write!(
                        s,
                        r##"<text class="island-label" x="{x:.1}" y="{:.1}" font-size="{size:.1}" text-anchor="middle" fill="#5a4a2a">{}</text>"##,
                        y - size * 0.8,
                        esc(label)
                    );
                }
            }
        }
        for (i, line) in credit.iter().enumerate() {
            let _ = write!(
                s,
                r##"<text class="credit" x="4" y="{:.1}" font-size="{credit_size:.1}" fill="#555">{}</text>"##,
                view.height + 4.0 + (i + 1) as f64 * (credit_size + 2.0) - 2.0,
                esc(line)
            );
        }
        s.push_str("</svg>");
        s
    }
}

/// Words into lines of at most `width` characters (a longer word stands alone).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(l) if l.chars().count() + 1 + word.chars().count() <= width.max(1) => {
                l.push(' ');
                l.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    lines
}

/// SVG path data of rings: each ring moves to its first vertex, then draws relative lines in
/// tenths of a unit, dropping vertices closer than one unit to the last one kept (finer than
/// the map is drawn; a province's outline has thousands of them).
fn path<'a>(view: &View, rings: impl Iterator<Item = &'a Vec<(f64, f64)>>) -> String {
    let mut d = String::new();
    for r in rings {
        let mut last: Option<(i64, i64)> = None;
        let mut drawn = 0;
        for &p in r {
            let (x, y) = view.at(p);
            let at = ((x * 10.0).round() as i64, (y * 10.0).round() as i64);
            match last {
                None => {
                    d.push('M');
                    tenths(&mut d, at.0);
                    if at.1 >= 0 {
                        d.push(' ');
                    }
                    tenths(&mut d, at.1);
                }
                Some((lx, ly)) => {
                    if (at.0 - lx).abs() + (at.1 - ly).abs() < 10 {
                        continue;
                    }
                    let (dx, dy) = (at.0 - lx, at.1 - ly);
                    // A minus sign parts two numbers as well as a space does.
                    if drawn == 0 {
                        d.push('l');
                    } else if dx >= 0 {
                        d.push(' ');
                    }
                    tenths(&mut d, dx);
                    if dy >= 0 {
                        d.push(' ');
                    }
                    tenths(&mut d, dy);
                    drawn += 1;
                }
            }
            last = Some(at);
        }
        if last.is_some() {
            d.push('Z');
        }
    }
    d
}

/// A number of tenths written as short as SVG reads it: 12 → "1.2", -5 → "-.5", 30 → "3".
fn tenths(d: &mut String, n: i64) {
    if n < 0 {
        d.push('-');
    }
    let (whole, tenth) = (n.unsigned_abs() / 10, n.unsigned_abs() % 10);
    if whole > 0 || tenth == 0 {
        let _ = write!(d, "{whole}");
    }
    if tenth > 0 {
        let _ = write!(d, ".{tenth}");
    }
}

/// Bar colours by series.
const SERIES: [&str; 3] = ["#1f4e79", "#e07b39", "#6a994e"];

/// A grouped bar chart: one group per label (a year, a commitment), one bar per series.
pub fn bar_chart(chart: &Chart) -> String {
    let groups = &chart.bars;
    let series = &chart.series;
    let max = groups.iter().flat_map(|(_, v)| v.iter().copied()).fold(0.0f64, f64::max).max(1.0);
    let bar = 16.0;
    let gap = 18.0;
    let group_w = bar * series.len().max(1) as f64 + gap;
    let (left, top, plot_h) = (34.0, 28.0, 140.0);
    let width = (left + group_w * groups.len().max(1) as f64 + 10.0).max(left + 150.0 * series.len() as f64);
    // Long labels (commitments) are numbered under the bars and listed below the chart.
    let numbered = groups.iter().any(|(l, _)| l.chars().count() > 6);
    let legend_lines = if numbered { groups.len() } else { 0 };
    let height = top + plot_h + 26.0 + legend_lines as f64 * 13.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0} {height:.0}" width="{width:.0}" height="{height:.0}" role="img" class="chart" font-family="sans-serif" font-size="10"><title>{}</title>"##,
        esc(&chart.title)
    );
    let _ = write!(
        s,
        r##"<line class="axis" x1="{left}" y1="{}" x2="{width:.0}" y2="{}" stroke="#333"/>"##,
        top + plot_h,
        top + plot_h
    );
    let _ = write!(
        s,
        r##"<text class="tick" x="{}" y="{}" text-anchor="end" fill="#333">{}</text>"##,
        left - 4.0,
        top + 4.0,
        crate::plain_number(max)
    );
    let _ = write!(
        s,
        r##"<text class="tick" x="{}" y="{}" text-anchor="end" fill="#333">0</text>"##,
        left - 4.0,
        top + plot_h
    );
    for (gi, (label, values)) in groups.iter().enumerate() {
        let x0 = left + gap / 2.0 + gi as f64 * group_w;
        for (si, v) in values.iter().enumerate() {
            let hgt = v / max * plot_h;
            let x = x0 + si as f64 * bar;
            let y = top + plot_h - hgt;
            let _ = write!(
                s,
                r##"<rect class="bar s{si}" x="{x:.1}" y="{y:.1}" width="{:.1}" height="{hgt:.1}" fill="{}"><title>{} {}: {}</title></rect>"##,
                bar - 2.0,
                SERIES[si % SERIES.len()],
                esc(label),
                esc(series.get(si).map(String::as_str).unwrap_or("")),
                crate::plain_number(*v)
            );
        }
        let tick = if numbered { (gi + 1).to_string() } else { label.clone() };
        let _ = write!(
            s,
            r##"<text class="tick" x="{:.1}" y="{:.1}" text-anchor="middle" fill="#333">{}</text>"##,
            x0 + bar * series.len() as f64 / 2.0,
            top + plot_h + 14.0,
            esc(&tick)
        );
    }
    if numbered {
        for (gi, (label, _)) in groups.iter().enumerate() {
            let _ = write!(
                s,
                r##"<text class="legend" x="{left}" y="{:.1}" fill="#333">{}. {}</text>"##,
                top + plot_h + 30.0 + gi as f64 * 13.0,
                gi + 1,
                esc(label)
            );
        }
    }
    for (si, name) in series.iter().enumerate() {
        let x = left + si as f64 * 150.0;
        let _ = write!(
            s,
            r##"<rect class="bar s{si}" x="{x}" y="6" width="10" height="10" fill="{}"/><text class="legend" x="{}" y="15" fill="#333">{}</text>"##,
            SERIES[si % SERIES.len()],
            x + 14.0,
            esc(name)
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec<'a>(highlight: &'a [String], ties: &'a [Tie], crop: bool) -> MapSpec<'a> {
        MapSpec {
            title: "A & B",
            highlight,
            ties,
            crop,
            hoang_sa: "Hoàng Sa",
            truong_sa: "Trường Sa",
            credit: "Natural Earth",
            width: 600.0,
        }
    }

    #[test]
    fn the_bundled_boundaries_hold_every_province() {
        let m = GeoMap::builtin().unwrap();
        assert_eq!(m.len(), 81);
        assert_eq!(m.units_2025.len(), 34);
        for iso in ["VN-28", "VN-29", "LA-XE", "LA-AT", "LA-XS", "VN-HN", "LA-VT"] {
            assert!(m.shape(iso).is_some(), "{iso}");
        }
        let (kontum, sekong) = (m.shape("VN-28").unwrap().center, m.shape("LA-XE").unwrap().center);
        assert!(sekong.0 < kontum.0, "Sekong lies west of Kon Tum");
        assert!((14.0..15.5).contains(&kontum.1), "Kon Tum's centre at {kontum:?}");
    }

    #[test]
    fn the_whole_map_shows_the_archipelagos_and_a_dossier_map_is_cropped() {
        let m = GeoMap::builtin().unwrap();
        let parties = vec!["VN-28".to_string(), "LA-AT".to_string()];
        let ties =
            vec![Tie { a: "VN-28".into(), b: "LA-AT".into(), href: Some("/p/1?a=1&b=2".into()), label: "<x>".into() }];
        let whole = m.render(&spec(&parties, &ties, false));
        assert!(whole.contains("Hoàng Sa") && whole.contains("Trường Sa"));
        assert_eq!(whole.matches("class=\"island\"").count(), 12);
        assert_eq!(whole.matches("class=\"province party\"").count(), 2);
        assert!(whole.contains("data-iso=\"VN-HN\"") && whole.contains("data-iso=\"LA-PH\""));
        assert!(whole.contains("A &#38; B") && whole.contains("&#60;x&#62;") && whole.contains("a=1&#38;b=2"));
        let small = m.render(&spec(&parties, &ties, true));
        assert!(!small.contains("Hoàng Sa"), "a cropped map is not a map of the whole of Vietnam");
        assert!(!small.contains("data-iso=\"VN-HN\""), "Hà Nội lies outside Kon Tum–Attapeu's map");
        assert!(small.contains("data-iso=\"LA-XE\""), "Sekong, between them, is drawn");
        assert!(small.len() < whole.len());
    }

    #[test]
    fn outlines_are_drawn_in_short_relative_steps() {
        // At the equator, one degree is one unit each way.
        let view = View::new(0.0, 100.0, -50.0, 50.0, 100.0);
        let ring = vec![(0.0, 50.0), (0.2, 50.0), (1.5, 50.0), (1.5, 48.0), (10.0, 48.0), (0.0, 50.0)];
        let d = path(&view, std::iter::once(&ring));
        // From (0, 0): the step of 0.2 is dropped; 1.5 right, 2 down, 8.5 right, back.
        assert_eq!(d, "M0 0l1.5 0 0 2 8.5 0-10-2Z");
        let mut s = String::new();
        for n in [0, 5, -5, 12, -120, 30] {
            tenths(&mut s, n);
            s.push(',');
        }
        assert_eq!(s, "0,.5,-.5,1.2,-12,3,");
    }

    #[test]
    fn long_credits_wrap() {
        assert_eq!(
            wrap("Boundaries: Natural Earth (public domain)", 20),
            vec!["Boundaries: Natural", "Earth (public", "domain)"]
        );
        assert_eq!(wrap("", 10), Vec::<String>::new());
    }

    #[test]
    fn charts_escape_and_number_long_labels() {
        let chart = Chart {
            title: "<t>".into(),
            series: vec!["x\"y".into()],
            bars: vec![("10 suất học bổng".into(), vec![3.0]), ("2024".into(), vec![1.0])],
        };
        let svg = bar_chart(&chart);
        assert!(!svg.contains("<t>") && svg.contains("&#60;t&#62;") && !svg.contains("x\"y"));
        assert!(svg.contains("1. 10 suất học bổng"), "long labels listed under the chart");
        assert_eq!(svg.matches("<rect class=\"bar s0\"").count(), 3, "two bars and the legend's box");
    }
}
