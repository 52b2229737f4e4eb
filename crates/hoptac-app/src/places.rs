//! Places for the commands: any spelling a user types resolved to an id, ids back to names, the
//! gazetteer as the store's reference table, and the containing units a fact is filed under.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::{AppError, Result};
use hoptac_core::PlaceId;
use hoptac_extract::gazetteer::Place as GazPlace;
use hoptac_extract::Gazetteer;
use hoptac_text::fold_ascii;

/// Unit words a user may type before a name ("tỉnh Sê Kông", "huyện Đăk Glei", "Attapeu province").
const UNIT_WORDS: &[&str] =
    &["tinh", "huyen", "thanh pho", "thi xa", "muang", "muong", "province", "district", "city", "nuoc", "quoc gia"];

/// A spelling folded for comparison: ASCII, lower case, no spaces or hyphens, unit words dropped.
fn key(s: &str) -> String {
    // Lao spellings made one first (ຫຼ/ຫລ, ຳ/ໍາ), then Latin letters without marks
    let mut f = fold_ascii(&hoptac_text::fold(s).text).replace(['-', '–', '.', ','], " ");
    for w in UNIT_WORDS {
        if let Some(rest) = f.strip_prefix(&format!("{w} ")) {
            f = rest.to_string();
        }
        if let Some(rest) = f.strip_suffix(&format!(" {w}")) {
            f = rest.to_string();
        }
    }
    f.split_whitespace().collect()
}

/// Every folded spelling of a gazetteer with the places (indexes) that bear it.
fn spellings(g: &Gazetteer) -> HashMap<String, Vec<usize>> {
    let mut m: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in g.places().iter().enumerate() {
        for n in p.names() {
            let v = m.entry(key(n)).or_default();
            if !v.contains(&i) {
                v.push(i);
            }
        }
    }
    m
}

/// The spellings of the built-in gazetteer, folded once: resolving a name is one lookup.
static BUILTIN: OnceLock<HashMap<String, Vec<usize>>> = OnceLock::new();

/// Resolve what a user typed (an id such as `VN-28` or `LA-AT:sanxay`, or any spelling the
/// gazetteer knows) to a place. Several places of the same name: the larger unit wins (Kon Tum
/// the province over Kon Tum the city); a tie is an error listing them.
pub fn resolve(g: &Gazetteer, input: &str) -> Result<PlaceId> {
    let input = input.trim();
    if let Some(p) = g.get(input).or_else(|| g.get(&input.to_uppercase())) {
        return Ok(p.id.clone());
    }
    let k = key(input);
    if k.is_empty() {
        return Err(AppError::Place(format!("{input:?} is not a place name")));
    }
    let other;
    let index = if std::ptr::eq(g, Gazetteer::builtin()) {
        BUILTIN.get_or_init(|| spellings(g))
    } else {
        other = spellings(g);
        &other
    };
    let mut found: Vec<&GazPlace> =
        index.get(&k).map(|v| v.iter().map(|&i| &g.places()[i]).collect()).unwrap_or_default();
    if found.is_empty() {
        return Err(AppError::Place(format!(
            "{input:?}: no such place in the gazetteer (try an id such as VN-28 or LA-XE)"
        )));
    }
    let best = found.iter().map(|p| p.level.rank()).min().unwrap_or(0);
    found.retain(|p| p.level.rank() == best);
    // Prefer units still in existence over merged ones of the same name.
    if found.len() > 1 && found.iter().any(|p| p.valid_to.is_none()) {
        found.retain(|p| p.valid_to.is_none());
    }
    if found.len() > 1 {
        let ids: Vec<String> = found.iter().map(|p| format!("{} ({})", p.id, p.name_vi)).collect();
        return Err(AppError::Place(format!("{input:?} names several places: {}; give an id", ids.join(", "))));
    }
    Ok(found[0].id.clone())
}

/// The places a search query names ("hội nghị Attapeu", "ອັດຕະປື", "Sekong 2024"), each by id,
/// and the query without their names. Word runs of up to four words are tried, longest first; a
/// name several places bear at the same level, or a bare name the gazetteer marks as a common
/// word, is left as text.
pub fn named_in_query(g: &Gazetteer, text: &str) -> (Vec<PlaceId>, String) {
    let words: Vec<&str> = text.split_whitespace().collect();
    let index = if std::ptr::eq(g, Gazetteer::builtin()) {
        BUILTIN.get_or_init(|| spellings(g))
    } else {
        return (Vec::new(), text.to_string());
    };
    let mut ids = Vec::new();
    let mut rest: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let mut taken = 0;
        for len in (1..=4.min(words.len() - i)).rev() {
            let phrase = words[i..i + len].join(" ");
            let k = key(&phrase);
            if k.chars().count() < 3 {
                continue;
            }
            let Some(found) = index.get(&k) else { continue };
            let places: Vec<&GazPlace> = found.iter().map(|&j| &g.places()[j]).collect();
            let best = places.iter().map(|p| p.level.rank()).min().unwrap_or(0);
            let top: Vec<&&GazPlace> = places.iter().filter(|p| p.level.rank() == best).collect();
            let current: Vec<&&&GazPlace> = top.iter().filter(|p| p.valid_to.is_none()).collect();
            let one = match (top.as_slice(), current.as_slice()) {
                ([p], _) => Some(*p),
                (_, [p]) => Some(**p),
                _ => None,
            };
            if let Some(p) = one.filter(|p| !(p.needs_cue && len == 1)) {
                if !ids.contains(&p.id) {
                    ids.push(p.id.clone());
                }
                taken = len;
                break;
            }
        }
        if taken == 0 {
            rest.push(words[i]);
            taken = 1;
        }
        i += taken;
    }
    (ids, rest.join(" "))
}

/// The display name of a place id (its Vietnamese name), or the id when unknown.
pub fn name(g: &Gazetteer, id: &PlaceId) -> String {
    g.get(id.as_str()).map(|p| p.name_vi.clone()).unwrap_or_else(|| id.to_string())
}

/// The place and the units containing it: `VN-28:dakglei` → itself, `VN-28`, `VN`.
pub fn with_containers(id: &PlaceId) -> Vec<String> {
    let mut out = vec![id.to_string()];
    if let Some(p) = id.province() {
        if p != id.as_str() {
            out.push(p.to_string());
        }
    }
    if id.country() != id.as_str() {
        out.push(id.country().to_string());
    }
    out
}

/// The gazetteer as the store keeps it, and a version that changes when the data does.
pub fn store_places(g: &Gazetteer) -> (String, Vec<hoptac_store::Place>) {
    let places: Vec<hoptac_store::Place> = g
        .places()
        .iter()
        .map(|p| hoptac_store::Place {
            id: p.id.clone(),
            level: p.level,
            name: p.name_vi.clone(),
            name_en: p.name_en.clone(),
            name_lo: p.name_lo.clone(),
            valid_from: p.valid_from,
            valid_to: p.valid_to,
            successor: p.successor.clone(),
        })
        .collect();
    let json = serde_json::to_vec(&places).unwrap_or_default();
    (blake3::hash(&json).to_hex().to_string(), places)
}

#[cfg(test)]
mod query_tests {
    use super::*;

    #[test]
    fn place_names_in_a_query_in_any_script() {
        let g = Gazetteer::builtin();
        let (ids, rest) = named_in_query(g, "hội nghị Attapeu 2024");
        assert_eq!(ids, vec![PlaceId::new("LA-AT")]);
        assert_eq!(rest, "hội nghị 2024");
        let (ids, rest) = named_in_query(g, "ອັດຕະປື");
        assert_eq!(ids, vec![PlaceId::new("LA-AT")]);
        assert!(rest.is_empty());
        let (ids, _) = named_in_query(g, "tỉnh Sê Kông và Kon Tum");
        assert_eq!(ids, vec![PlaceId::new("LA-XE"), PlaceId::new("VN-28")]);
        assert!(named_in_query(g, "hài cốt liệt sĩ").0.is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_resolve() {
        let g = Gazetteer::builtin();
        let r = |s: &str| resolve(g, s).map(|p| p.to_string()).unwrap_or_else(|e| format!("error: {e}"));
        assert_eq!(r("VN-28"), "VN-28");
        assert_eq!(r("Kon Tum"), "VN-28");
        assert_eq!(r("tỉnh Kon Tum"), "VN-28");
        assert_eq!(r("Sê Kông"), "LA-XE");
        assert_eq!(r("Sekong"), "LA-XE");
        assert_eq!(r("Xê Kông"), "LA-XE");
        assert_eq!(r("Attapeu"), "LA-AT");
        assert_eq!(r("Attapư"), "LA-AT");
        assert_eq!(r("Đăk Glei"), "VN-28:dakglei");
        assert_eq!(r("Quảng Ngãi"), "VN-29");
        assert!(r("Atlantis").starts_with("error"));
        assert!(r("  ").starts_with("error"));
    }

    #[test]
    fn containers() {
        assert_eq!(with_containers(&PlaceId::new("VN-28:dakglei")), vec!["VN-28:dakglei", "VN-28", "VN"]);
        assert_eq!(with_containers(&PlaceId::new("LA")), vec!["LA"]);
    }
}
