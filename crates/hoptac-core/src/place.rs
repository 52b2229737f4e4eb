//! Place identifiers and administrative levels.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A place id as the record format defines it: `VN`, `VN-28`, `VN-28:dakglei`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PlaceId(pub String);

impl PlaceId {
    pub fn new(id: impl Into<String>) -> Self {
        PlaceId(id.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The ISO 3166-1 country code (`VN` for `VN-28:dakglei`).
    pub fn country(&self) -> &str {
        let end = self.0.find(['-', ':']).unwrap_or(self.0.len());
        &self.0[..end]
    }

    /// The province part (`VN-28` for `VN-28:dakglei`), or `None` for a country.
    pub fn province(&self) -> Option<&str> {
        let head = self.0.split(':').next().unwrap_or(&self.0);
        head.contains('-').then_some(head)
    }

    /// True when `self` lies inside `other` (strictly): `VN-28:kontum` is within `VN-28` and `VN`.
    pub fn is_within(&self, other: &PlaceId) -> bool {
        if self == other {
            return false;
        }
        match other.0.matches(['-', ':']).count() {
            0 => self.country() == other.0,
            1 if !other.0.contains(':') => self.province() == Some(other.as_str()),
            _ => false,
        }
    }
}

impl fmt::Display for PlaceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Administrative level of a place, as the record format names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Country,
    Province,
    /// District-level units, district-level cities and towns included (huyện, thành phố, thị xã, muang).
    District,
    Town,
    Village,
    BorderGate,
    Port,
    Other,
}

impl Level {
    /// Country, province and district are "administrative" levels (the ones compared by id).
    pub fn is_administrative(self) -> bool {
        matches!(self, Level::Country | Level::Province | Level::District)
    }

    /// Rank used to prefer the larger unit: lower is larger.
    pub fn rank(self) -> u8 {
        match self {
            Level::Country => 0,
            Level::Province => 1,
            Level::District => 2,
            Level::Town => 3,
            Level::BorderGate | Level::Port => 4,
            Level::Village => 5,
            Level::Other => 6,
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        Some(match s {
            "country" => Level::Country,
            "province" => Level::Province,
            "district" => Level::District,
            "town" => Level::Town,
            "village" => Level::Village,
            "border_gate" => Level::BorderGate,
            "port" => Level::Port,
            "other" => Level::Other,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_of_ids() {
        let d = PlaceId::new("VN-28:dakglei");
        assert_eq!(d.country(), "VN");
        assert_eq!(d.province(), Some("VN-28"));
        assert_eq!(PlaceId::new("LA").province(), None);
        assert_eq!(PlaceId::new("LA-XE").province(), Some("LA-XE"));
    }

    #[test]
    fn containment() {
        let d = PlaceId::new("VN-28:kontum");
        assert!(d.is_within(&PlaceId::new("VN-28")));
        assert!(d.is_within(&PlaceId::new("VN")));
        assert!(!d.is_within(&PlaceId::new("VN-29")));
        assert!(!d.is_within(&PlaceId::new("LA")));
        assert!(PlaceId::new("VN-28").is_within(&PlaceId::new("VN")));
        assert!(!PlaceId::new("VN-28").is_within(&PlaceId::new("VN-28")));
    }
}
