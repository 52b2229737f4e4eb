//! Dates as precise as a text allows, and periods of years.

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A date known to the year, the month or the day: `2024`, `2018-04`, `2023-11-23`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartialDate {
    pub year: i16,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl PartialDate {
    pub fn year(year: i16) -> Self {
        PartialDate { year, month: None, day: None }
    }

    /// A year and month, checked (month 1..=12).
    pub fn month(year: i16, month: u8) -> Option<Self> {
        (1..=12).contains(&month).then_some(PartialDate { year, month: Some(month), day: None })
    }

    /// A full calendar date, checked against the calendar (no 31 April, 29 February only in leap years).
    pub fn ymd(year: i16, month: u8, day: u8) -> Option<Self> {
        jiff::civil::Date::new(year, month as i8, day as i8).ok()?;
        Some(PartialDate { year, month: Some(month), day: Some(day) })
    }

    /// Number of known components (1 = year, 3 = full date).
    pub fn precision(&self) -> u8 {
        1 + u8::from(self.month.is_some()) + u8::from(self.day.is_some())
    }

    /// True when the two dates can denote the same day (`2024` is compatible with `2024-10-15`).
    pub fn compatible(&self, other: &PartialDate) -> bool {
        self.year == other.year
            && (self.month.is_none() || other.month.is_none() || self.month == other.month)
            && (self.day.is_none() || other.day.is_none() || self.day == other.day)
    }

    pub fn parse(s: &str) -> Option<Self> {
        let mut it = s.split('-');
        let y: i16 = it.next()?.parse().ok()?;
        match (it.next(), it.next(), it.next()) {
            (None, _, _) => Some(PartialDate::year(y)),
            (Some(m), None, _) => PartialDate::month(y, m.parse().ok()?),
            (Some(m), Some(d), None) => PartialDate::ymd(y, m.parse().ok()?, d.parse().ok()?),
            _ => None,
        }
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Years 0–9999 with months and days of two digits, written from a buffer: `write!` goes
        // through the formatting machinery, which was 2% of an ingest writer's time (dates are
        // bound as text); anything else the long way.
        let two = |n: Option<u8>| n.is_none_or(|n| n <= 99);
        if (0..=9999).contains(&self.year) && two(self.month) && two(self.day) {
            let mut buf = [0u8; 10];
            let y = self.year.unsigned_abs();
            buf[..4].copy_from_slice(&[digit(y / 1000), digit(y / 100), digit(y / 10), digit(y)]);
            let mut n = 4;
            for part in [self.month, self.month.and(self.day)].into_iter().map_while(|p| p) {
                buf[n..n + 3].copy_from_slice(&[b'-', digit(u16::from(part) / 10), digit(u16::from(part))]);
                n += 3;
            }
            return f.write_str(std::str::from_utf8(&buf[..n]).map_err(|_| fmt::Error)?);
        }
        write!(f, "{:04}", self.year)?;
        if let Some(m) = self.month {
            write!(f, "-{m:02}")?;
            if let Some(d) = self.day {
                write!(f, "-{d:02}")?;
            }
        }
        Ok(())
    }
}

/// The ASCII digit of `n`'s units.
fn digit(n: u16) -> u8 {
    b'0' + (n % 10) as u8
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PartialDate::parse(&s).ok_or_else(|| de::Error::custom(format!("not an ISO partial date: {s}")))
    }
}

/// A period of whole years, first and last inclusive (`giai đoạn 2022-2027` → `[2022, 2027]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "[i16; 2]", from = "[i16; 2]")]
pub struct Period {
    pub first: i16,
    pub last: i16,
}

impl Period {
    /// A period, or `None` when the years are reversed.
    pub fn new(first: i16, last: i16) -> Option<Self> {
        (first <= last).then_some(Period { first, last })
    }
}

impl From<Period> for [i16; 2] {
    fn from(p: Period) -> Self {
        [p.first, p.last]
    }
}

impl From<[i16; 2]> for Period {
    fn from(a: [i16; 2]) -> Self {
        Period { first: a[0].min(a[1]), last: a[0].max(a[1]) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_written_from_a_buffer_read_as_the_formatter_writes_them() {
        let long_way = |d: &PartialDate| {
            let mut s = format!("{:04}", d.year);
            if let Some(m) = d.month {
                s += &format!("-{m:02}");
                if let Some(day) = d.day {
                    s += &format!("-{day:02}");
                }
            }
            s
        };
        let parts = || std::iter::once(None).chain([0u8, 1, 9, 10, 12, 31, 99, 100, 255].map(Some));
        for year in [i16::MIN, -1, 0, 7, 99, 999, 1975, 2025, 9999, 10000, i16::MAX] {
            for month in parts() {
                for day in parts() {
                    let d = PartialDate { year, month, day };
                    assert_eq!(d.to_string(), long_way(&d), "{d:?}");
                }
            }
        }
        assert_eq!(PartialDate::ymd(2025, 7, 1).map(|d| d.to_string()).as_deref(), Some("2025-07-01"));
    }

    #[test]
    fn display_and_parse_round_trip() {
        for s in ["2024", "2018-04", "2023-11-23"] {
            assert_eq!(PartialDate::parse(s).map(|d| d.to_string()).as_deref(), Some(s));
        }
        assert_eq!(PartialDate::parse("2023-02-30"), None);
        assert_eq!(PartialDate::parse("2023-13"), None);
        assert_eq!(PartialDate::parse("x"), None);
    }

    #[test]
    fn calendar_is_checked() {
        assert!(PartialDate::ymd(2024, 2, 29).is_some());
        assert!(PartialDate::ymd(2023, 2, 29).is_none());
        assert!(PartialDate::ymd(2023, 4, 31).is_none());
    }

    #[test]
    fn compatibility_follows_precision() {
        let y = PartialDate::year(2024);
        let d = PartialDate::ymd(2024, 10, 15).unwrap();
        assert!(y.compatible(&d) && d.compatible(&y));
        assert!(!d.compatible(&PartialDate::ymd(2024, 10, 16).unwrap()));
        assert!(!y.compatible(&PartialDate::year(2025)));
    }

    #[test]
    fn period_serialises_as_pair() {
        let p = Period::new(2022, 2027).unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "[2022,2027]");
        assert!(Period::new(2027, 2022).is_none());
    }
}
