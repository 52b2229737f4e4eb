//! The gazetteer: places from the data files in `crates/hoptac-extract/data`, and a matcher that
//! finds them in folded text with one Aho–Corasick automaton over every spelling.

mod matcher;

use std::collections::HashMap;
use std::sync::OnceLock;

use hoptac_core::{Level, PartialDate, PlaceId};
use hoptac_text::fold;
use serde::Deserialize;
use thiserror::Error;

pub use matcher::{Class, PlaceMention};

#[derive(Debug, Error)]
pub enum GazetteerError {
    #[error("gazetteer file {file}: {source}")]
    Csv { file: &'static str, source: csv::Error },
    #[error("gazetteer file {file}, place {id}: {message}")]
    Invalid { file: &'static str, id: String, message: String },
}

const FILES: [(&str, &str); 6] = [
    ("countries.csv", include_str!("../../data/countries.csv")),
    ("vn_provinces.csv", include_str!("../../data/vn_provinces.csv")),
    ("la_provinces.csv", include_str!("../../data/la_provinces.csv")),
    ("vn_districts.csv", include_str!("../../data/vn_districts.csv")),
    ("la_districts.csv", include_str!("../../data/la_districts.csv")),
    ("border_gates.csv", include_str!("../../data/border_gates.csv")),
];

#[derive(Debug, Deserialize)]
struct Row {
    id: String,
    level: String,
    unit: String,
    name_vi: String,
    name_en: String,
    name_lo: String,
    variants: String,
    valid_from: String,
    valid_to: String,
    successor: String,
    flags: String,
}

/// One place of the gazetteer.
#[derive(Debug, Clone)]
pub struct Place {
    pub id: PlaceId,
    pub level: Level,
    /// The unit's own word: tỉnh, thành phố, huyện, thị xã, muang, cửa khẩu, cảng, country.
    pub unit: String,
    pub name_vi: String,
    pub name_en: String,
    pub name_lo: String,
    pub variants: Vec<String>,
    pub valid_from: Option<PartialDate>,
    pub valid_to: Option<PartialDate>,
    pub successor: Option<PlaceId>,
    /// The bare name is also a common word or personal name: it needs a unit word before it.
    pub needs_cue: bool,
    /// Preferred among places of the same level sharing a spelling.
    pub preferred: bool,
}

impl Place {
    pub fn country(&self) -> &str {
        self.id.country()
    }

    /// Every spelling: Vietnamese, English, Lao, variants.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        [self.name_vi.as_str(), self.name_en.as_str(), self.name_lo.as_str()]
            .into_iter()
            .chain(self.variants.iter().map(String::as_str))
            .filter(|s| !s.is_empty())
    }
}

/// All places, indexed by id, with the matcher built over their spellings.
#[derive(Debug)]
pub struct Gazetteer {
    places: Vec<Place>,
    by_id: crate::FastMap<String, usize>,
    matcher: matcher::Matcher,
}

fn opt_date(file: &'static str, id: &str, s: &str) -> Result<Option<PartialDate>, GazetteerError> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    PartialDate::parse(s.trim()).map(Some).ok_or_else(|| GazetteerError::Invalid {
        file,
        id: id.to_string(),
        message: format!("bad date {s:?}"),
    })
}

impl Gazetteer {
    /// The gazetteer built into the binary, loaded once.
    pub fn builtin() -> &'static Gazetteer {
        static G: OnceLock<Gazetteer> = OnceLock::new();
        G.get_or_init(|| match Gazetteer::load(&FILES) {
            Ok(g) => g,
            // The data files are compiled in and validated by the test suite; failing here is a build defect.
            Err(e) => panic!("built-in gazetteer is invalid: {e}"),
        })
    }

    /// Load and validate gazetteer files given as (name, CSV text).
    pub fn load(files: &[(&'static str, &str)]) -> Result<Gazetteer, GazetteerError> {
        let mut places = Vec::new();
        let mut by_id = crate::FastMap::default();
        for &(file, text) in files {
            let mut rdr =
                csv::ReaderBuilder::new().comment(Some(b'#')).trim(csv::Trim::All).from_reader(text.as_bytes());
            for row in rdr.deserialize::<Row>() {
                let row = row.map_err(|source| GazetteerError::Csv { file, source })?;
                let invalid = |message: String| GazetteerError::Invalid { file, id: row.id.clone(), message };
                let level =
                    Level::parse(&row.level).ok_or_else(|| invalid(format!("unknown level {:?}", row.level)))?;
                let place = Place {
                    id: PlaceId::new(row.id.clone()),
                    level,
                    unit: row.unit.clone(),
                    name_vi: row.name_vi.clone(),
                    name_en: row.name_en.clone(),
                    name_lo: row.name_lo.clone(),
                    variants: row
                        .variants
                        .split('|')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(String::from)
                        .collect(),
                    valid_from: opt_date(file, &row.id, &row.valid_from)?,
                    valid_to: opt_date(file, &row.id, &row.valid_to)?,
                    successor: (!row.successor.is_empty()).then(|| PlaceId::new(row.successor.clone())),
                    needs_cue: row.flags.split_whitespace().any(|f| f == "cue"),
                    preferred: row.flags.split_whitespace().any(|f| f == "prefer"),
                };
                if by_id.insert(row.id.clone(), places.len()).is_some() {
                    return Err(invalid("duplicate id".into()));
                }
                places.push(place);
            }
        }
        Self::validate(&places, &by_id)?;
        let matcher = matcher::Matcher::build(&places);
        Ok(Gazetteer { places, by_id, matcher })
    }

    fn validate(places: &[Place], by_id: &crate::FastMap<String, usize>) -> Result<(), GazetteerError> {
        let invalid =
            |p: &Place, message: String| GazetteerError::Invalid { file: "gazetteer", id: p.id.0.clone(), message };
        for p in places {
            if let Some(s) = &p.successor {
                if !by_id.contains_key(s.as_str()) {
                    return Err(invalid(p, format!("successor {s} does not exist")));
                }
            }
            let expected_parent = match p.level {
                Level::Country => None,
                Level::Province => Some(p.id.country().to_string()),
                _ => p.id.province().map(str::to_string),
            };
            if let Some(parent) = expected_parent {
                if !by_id.contains_key(&parent) {
                    return Err(invalid(p, format!("parent {parent} does not exist")));
                }
            }
            if p.level != Level::Country {
                let slug = p.id.as_str().rsplit(':').next().unwrap_or("");
                if p.id.as_str().contains(':') && !slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()) {
                    return Err(invalid(p, "slug must be lower-case ASCII letters and digits".into()));
                }
            }
            if p.name_vi.is_empty() {
                return Err(invalid(p, "no Vietnamese name".into()));
            }
        }
        // Every spelling denotes one place per level and unit.
        let mut seen: HashMap<(String, Level, &str), &PlaceId> = HashMap::new();
        for p in places {
            for name in p.names() {
                let key = (fold(name).text, p.level, p.unit.as_str());
                if let Some(other) = seen.insert(key, &p.id) {
                    if other != &p.id {
                        return Err(invalid(p, format!("spelling {name:?} also names {other} at the same level")));
                    }
                }
            }
        }
        Ok(())
    }

    pub fn places(&self) -> &[Place] {
        &self.places
    }

    pub fn get(&self, id: &str) -> Option<&Place> {
        self.by_id.get(id).map(|&i| &self.places[i])
    }

    pub(crate) fn place(&self, index: usize) -> &Place {
        &self.places[index]
    }

    /// Find places in `folded` (the fold of `source`). `english`: the document is in English
    /// (short ASCII renderings such as "Lao" count). Lao names are looked for from the word
    /// starts the segmenter found (`folded.word_starts`).
    pub fn find(&self, source: &str, folded: &hoptac_text::Folded, english: bool) -> Vec<PlaceMention> {
        self.matcher.find(self, source, folded, english, &folded.word_starts)
    }

    /// The unit that took `id` over on or before `on` (Kon Tum → Quảng Ngãi from 2025-07-01), or `id` itself.
    pub fn current(&self, id: &str, on: PartialDate) -> PlaceId {
        let mut cur = match self.get(id) {
            Some(p) => p,
            None => return PlaceId::new(id),
        };
        for _ in 0..8 {
            match (&cur.successor, cur.valid_to) {
                (Some(s), Some(to)) if on > to => match self.get(s.as_str()) {
                    Some(next) => cur = next,
                    None => break,
                },
                _ => break,
            }
        }
        cur.id.clone()
    }

    /// Places that the named unit absorbed (Quảng Ngãi → [Kon Tum]).
    pub fn predecessors(&self, id: &str) -> Vec<&Place> {
        self.places.iter().filter(|p| p.successor.as_ref().is_some_and(|s| s.as_str() == id)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_loads_and_validates() {
        let g = Gazetteer::builtin();
        assert!(g.places().len() > 300);
    }

    #[test]
    fn vietnam_before_and_after_the_2025_reorganisation() {
        let g = Gazetteer::builtin();
        let provinces: Vec<&Place> =
            g.places().iter().filter(|p| p.level == Level::Province && p.country() == "VN").collect();
        assert_eq!(provinces.len(), 63, "63 provinces before 2025-07-01");
        let after = provinces.iter().filter(|p| p.valid_to.is_none()).count();
        assert_eq!(after, 34, "34 provinces from 2025-07-01");
        let on = PartialDate::ymd(2025, 7, 1).unwrap();
        assert_eq!(g.current("VN-28", on).as_str(), "VN-29");
        assert_eq!(g.current("VN-28", PartialDate::ymd(2024, 1, 1).unwrap()).as_str(), "VN-28");
        assert!(g.predecessors("VN-29").iter().any(|p| p.id.as_str() == "VN-28"));
        // Every successor is itself current.
        for p in &provinces {
            if let Some(s) = &p.successor {
                assert!(g.get(s.as_str()).is_some_and(|s| s.valid_to.is_none()), "{} → {}", p.id, s);
            }
        }
    }

    #[test]
    fn all_lao_provinces() {
        let g = Gazetteer::builtin();
        let la = g.places().iter().filter(|p| p.level == Level::Province && p.country() == "LA").count();
        assert_eq!(la, 18);
    }

    #[test]
    fn districts_of_every_border_province() {
        let g = Gazetteer::builtin();
        let border = [
            "VN-71", "VN-05", "VN-21", "VN-22", "VN-23", "VN-24", "VN-25", "VN-26", "VN-27", "VN-28", "LA-PH", "LA-LP",
            "LA-HO", "LA-XI", "LA-BL", "LA-KH", "LA-SV", "LA-SL", "LA-XE", "LA-AT",
        ];
        for prov in border {
            let n = g.places().iter().filter(|p| p.level == Level::District && p.id.province() == Some(prov)).count();
            assert!(n >= 4, "{prov} has {n} districts");
        }
        assert!(g.places().iter().filter(|p| p.level == Level::BorderGate).count() >= 20);
    }

    #[test]
    fn bad_files_are_reported_with_their_name() {
        let bad = "id,level,unit,name_vi,name_en,name_lo,variants,valid_from,valid_to,successor,flags\nXX,planet,x,X,X,,,,,,\n";
        let err = Gazetteer::load(&[("bad.csv", bad)]).unwrap_err().to_string();
        assert!(err.contains("bad.csv") && err.contains("unknown level"), "{err}");
        let dangling = "id,level,unit,name_vi,name_en,name_lo,variants,valid_from,valid_to,successor,flags\nXX,country,country,X,X,,,,,YY,\n";
        assert!(Gazetteer::load(&[("d.csv", dangling)]).unwrap_err().to_string().contains("successor YY"));
    }
}
