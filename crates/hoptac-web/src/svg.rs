//! Server-made SVG: the overview map (outlines and province seats from `data/map.csv`) and bar
//! charts. Every text that reaches the SVG is escaped here.

use std::collections::HashMap;
use std::fmt::Write;

use serde::Deserialize;

/// HTML/XML-escape a text.
pub fn esc(s: &str) -> String {
    askama::filters::escape(s, askama::filters::Html).map(|e| e.to_string()).unwrap_or_default()
}

#[derive(Debug, Deserialize)]
struct Row {
    kind: String,
    id: String,
    lon: f64,
    lat: f64,
}

/// Outlines (by country) and province seats, in degrees.
pub struct MapData {
    outlines: Vec<(String, Vec<(f64, f64)>)>,
    seats: HashMap<String, (f64, f64)>,
}

const WEST: f64 = 99.6;
const NORTH: f64 = 23.6;
const SCALE: f64 = 34.0;

fn project((lon, lat): (f64, f64)) -> (f64, f64) {
    ((lon - WEST) * SCALE, (NORTH - lat) * SCALE)
}

impl MapData {
    pub fn builtin() -> Result<MapData, String> {
        Self::parse(include_str!("../data/map.csv"))
    }

    pub fn parse(text: &str) -> Result<MapData, String> {
        let mut rd = csv::ReaderBuilder::new().comment(Some(b'#')).from_reader(text.as_bytes());
        let mut outlines: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
        let mut seats = HashMap::new();
        for (i, row) in rd.deserialize::<Row>().enumerate() {
            let row = row.map_err(|e| format!("map.csv row {}: {e}", i + 1))?;
            if !(90.0..=115.0).contains(&row.lon) || !(5.0..=25.0).contains(&row.lat) {
                return Err(format!("map.csv row {}: {},{} is outside the region", i + 1, row.lon, row.lat));
            }
            match row.kind.as_str() {
                "outline" => match outlines.iter_mut().find(|(c, _)| *c == row.id) {
                    Some((_, pts)) => pts.push((row.lon, row.lat)),
                    None => outlines.push((row.id, vec![(row.lon, row.lat)])),
                },
                "seat" => {
                    seats.insert(row.id, (row.lon, row.lat));
                }
                other => return Err(format!("map.csv row {}: unknown kind {other:?}", i + 1)),
            }
        }
        Ok(MapData { outlines, seats })
    }

    /// Where a place is drawn: its province's seat.
    pub fn position(&self, place: &hoptac_core::PlaceId) -> Option<(f64, f64)> {
        let province = place.province().unwrap_or(place.as_str());
        self.seats.get(province).copied().map(project)
    }

    /// The map: both countries' outlines, a line per partnership between its parties' seats,
    /// linked to its dossier.
    pub fn render(&self, title: &str, links: &[MapLink]) -> String {
        let (w, h) = project((110.0, 8.2));
        let mut s = String::new();
        let _ = write!(
            s,
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0} {h:.0}" role="img" aria-labelledby="map-title" class="map"><title id="map-title">{}</title>"#,
            esc(title)
        );
        for (country, pts) in &self.outlines {
            let d: Vec<String> = pts.iter().map(|&p| project(p)).map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
            let _ =
                write!(s, r#"<polygon class="land land-{}" points="{}"/>"#, esc(&country.to_lowercase()), d.join(" "));
        }
        let mut dots: Vec<(f64, f64)> = Vec::new();
        for l in links {
            let (Some(a), Some(b)) = (l.a, l.b) else { continue };
            let _ = write!(
                s,
                r#"<a href="{}"><line class="tie" x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}"><title>{}</title></line></a>"#,
                esc(&l.href),
                a.0,
                a.1,
                b.0,
                b.1,
                esc(&l.label)
            );
            dots.extend([a, b]);
        }
        dots.sort_by(|x, y| x.partial_cmp(y).unwrap_or(std::cmp::Ordering::Equal));
        dots.dedup();
        for (x, y) in dots {
            let _ = write!(s, r#"<circle class="seat" cx="{x:.1}" cy="{y:.1}" r="4"/>"#);
        }
        s.push_str("</svg>");
        s
    }
}

/// One partnership on the map.
pub struct MapLink {
    pub a: Option<(f64, f64)>,
    pub b: Option<(f64, f64)>,
    pub href: String,
    pub label: String,
}

/// A grouped bar chart: one group per label (a year), one bar per series.
pub fn bar_chart(title: &str, series: &[&str], groups: &[(String, Vec<f64>)]) -> String {
    let max = groups.iter().flat_map(|(_, v)| v.iter().copied()).fold(0.0f64, f64::max).max(1.0);
    let bar = 16.0;
    let gap = 14.0;
    let group_w = bar * series.len() as f64 + gap;
    let (left, top, plot_h) = (34.0, 28.0, 140.0);
    // Wide enough for the legend (one entry every 130 units) whatever the number of groups.
    let width = (left + group_w * groups.len().max(1) as f64 + 10.0).max(left + 130.0 * series.len() as f64);
    let height = top + plot_h + 44.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0} {height:.0}" width="{width:.0}" height="{height:.0}" role="img" class="chart"><title>{}</title>"#,
        esc(title)
    );
    let _ =
        write!(s, r#"<line class="axis" x1="{left}" y1="{}" x2="{width:.0}" y2="{}"/>"#, top + plot_h, top + plot_h);
    let _ = write!(s, r#"<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>"#, left - 4.0, top + 4.0, max);
    let _ = write!(s, r#"<text class="tick" x="{}" y="{}" text-anchor="end">0</text>"#, left - 4.0, top + plot_h);
    for (gi, (label, values)) in groups.iter().enumerate() {
        let x0 = left + gap / 2.0 + gi as f64 * group_w;
        for (si, v) in values.iter().enumerate() {
            let hgt = v / max * plot_h;
            let x = x0 + si as f64 * bar;
            let y = top + plot_h - hgt;
            let _ = write!(
                s,
                r#"<rect class="bar s{si}" x="{x:.1}" y="{y:.1}" width="{:.1}" height="{hgt:.1}"><title>{} {}: {v}</title></rect>"#,
                bar - 2.0,
                esc(label),
                esc(series.get(si).copied().unwrap_or(""))
            );
        }
        let _ = write!(
            s,
            r#"<text class="tick" x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            x0 + bar * series.len() as f64 / 2.0,
            top + plot_h + 16.0,
            esc(label)
        );
    }
    for (si, name) in series.iter().enumerate() {
        let x = left + si as f64 * 130.0;
        let _ = write!(
            s,
            r#"<rect class="bar s{si}" x="{x}" y="6" width="10" height="10"/><text class="legend" x="{}" y="15">{}</text>"#,
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
    use hoptac_core::PlaceId;

    #[test]
    fn the_bundled_map_parses_and_places_the_border_provinces() {
        let m = MapData::builtin().unwrap();
        assert_eq!(m.outlines.len(), 2);
        for id in ["VN-28", "VN-29", "LA-XE", "LA-AT", "VN-71", "LA-PH", "VN-22", "LA-HO"] {
            assert!(m.position(&PlaceId::new(id)).is_some(), "{id}");
        }
        let kontum = m.position(&PlaceId::new("VN-28:dakglei")).unwrap();
        assert_eq!(kontum, m.position(&PlaceId::new("VN-28")).unwrap(), "districts sit at their province's seat");
        let sekong = m.position(&PlaceId::new("LA-XE")).unwrap();
        assert!(sekong.0 < kontum.0, "Sekong lies west of Kon Tum");
        assert!(MapData::parse("kind,id,lon,lat,comment\nseat,X,0,0,\n").is_err());
        assert!(MapData::parse("kind,id,lon,lat,comment\nstar,X,105,15,\n").is_err());
    }

    #[test]
    fn text_is_escaped() {
        let m = MapData::builtin().unwrap();
        let link = MapLink {
            a: Some((1.0, 1.0)),
            b: Some((2.0, 2.0)),
            href: "/p?a=1&b=<2>".into(),
            label: "<script>alert(1)</script>".into(),
        };
        let svg = m.render("A & B", &[link]);
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&#60;script&#62;") && svg.contains("A &#38; B") && svg.contains("a=1&#38;b="));
        let chart = bar_chart("<t>", &["x\"y"], &[("2024".into(), vec![3.0])]);
        assert!(!chart.contains("<t>") && chart.contains("&#60;t&#62;") && !chart.contains("x\"y"));
    }
}
