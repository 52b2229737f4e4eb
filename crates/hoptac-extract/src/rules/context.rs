//! What rules share: the years a document supplies, parties, venues, dates near a mention,
//! and the partnership a document is about.

use hoptac_core::{EventKind, EventStatus, Level, PartialDate, PlaceId};
use hoptac_text::date::DateValue;

use super::agreements::AgreementCand;
use super::events::EventCand;
use crate::analysis::{most_precise, resolve, two_sided, Sent};
use crate::lexicon::Cue;

/// Years the document supplies to days written without one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Years {
    pub published: Option<PartialDate>,
    /// From the whole document (an anniversary range), when the sentence gives none.
    pub document: Option<i16>,
    /// Minutes ("BIÊN BẢN HỘI ĐÀM … Thà Khẹt, ngày 16 tháng 5 năm 2024"): the meeting they record
    /// and the date they bear, for mentions of that meeting that carry no date of their own.
    pub minutes_of: Option<(EventKind, PartialDate)>,
}

impl Years {
    /// The year for a day-month in sentence `s` (see [`Years::held_before_publication`] for
    /// what took place late in the previous year).
    pub fn for_day(&self, s: &Sent) -> Option<i16> {
        self.published.map(|p| p.year).or_else(|| s.context_year()).or(self.document)
    }

    /// What took place cannot postdate the article: "ngày 28/12" in an article published on
    /// 2 January is last year's. Planned things keep their year.
    pub fn held_before_publication(&self, d: PartialDate) -> PartialDate {
        // compared to the precision the publication date has ("2024-10" holds 30 October)
        let after = |p: PartialDate| match (p.month, p.day) {
            (Some(_), Some(_)) => d > p,
            (Some(m), None) => d.month.is_some_and(|dm| dm > m),
            _ => false,
        };
        match self.published {
            Some(p) if d.year == p.year && d.month.is_some() && after(p) => PartialDate { year: d.year - 1, ..d },
            _ => d,
        }
    }

    pub fn reference(&self) -> Option<i16> {
        self.published.map(|p| p.year).or(self.document)
    }

    /// "hôm qua", "ສອງວັນທີ່ຜ່ານມາ": a day counted back from the publication date.
    pub fn ago(&self, s: &Sent) -> Option<PartialDate> {
        let p = self.published.filter(|p| p.precision() == 3)?;
        let (_, n) = s.lex.ago.iter().find(|(w, _)| s.text().contains(w.as_str()))?;
        let day =
            jiff::civil::date(p.year, p.month? as i8, p.day? as i8).checked_sub(jiff::Span::new().days(*n)).ok()?;
        PartialDate::ymd(day.year(), day.month() as u8, day.day() as u8)
    }

    pub fn resolve(&self, s: &Sent, v: DateValue) -> Option<PartialDate> {
        match v {
            DateValue::DayMonth { .. } | DateValue::Month { .. } => resolve(v, self.for_day(s)),
            _ => resolve(v, None),
        }
    }
}

/// An event or agreement before the document's partnership fills in missing parties.
#[derive(Debug, Clone)]
pub(crate) struct Parties {
    /// Parties the sentence names, most precise first (empty: the document's partnership).
    pub explicit: Vec<PlaceId>,
}

impl Parties {
    pub fn settle(&self, partnership: &[PlaceId]) -> Vec<PlaceId> {
        // a country named for a side whose places the partnership knows ("… với 3 tỉnh Bắc Lào")
        let mixed = self.explicit.iter().any(|p| !p.as_str().contains('-'))
            && self.explicit.iter().any(|p| p.as_str().contains('-'));
        let explicit: Vec<PlaceId> = if mixed {
            let mut out: Vec<PlaceId> = Vec::new();
            for p in &self.explicit {
                let country = p.as_str();
                let theirs: Vec<&PlaceId> = partnership.iter().filter(|q| q.country() == country).collect();
                if !country.contains('-') && !theirs.is_empty() {
                    out.extend(theirs.into_iter().cloned());
                } else {
                    out.push(p.clone());
                }
            }
            most_precise(&out)
        } else {
            self.explicit.clone()
        };
        if two_sided(&explicit) || (partnership.is_empty() && !explicit.is_empty()) {
            return explicit;
        }
        let mut all = explicit;
        all.extend(partnership.iter().cloned());
        let merged = most_precise(&all);
        if two_sided(&merged) {
            merged
        } else {
            partnership.to_vec()
        }
    }
}

/// Where the venue of something in `(a, b)` is: the place right after "tại"/"at"/"in".
/// Returns the venue's id and the indices of the place mentions that make it up.
pub(crate) fn venue(s: &Sent, a: usize, b: usize, anchor: usize) -> (Option<PlaceId>, Vec<usize>) {
    let text = s.text();
    let mut found: Vec<(usize, PlaceId, Vec<usize>)> = Vec::new();
    for c in s.cues_in(a, b).filter(|c| matches!(c.cue, Cue::Venue | Cue::VenueNear)) {
        // the first place in the phrase after "tại": "tại Đồn Biên phòng Cửa khẩu quốc tế Bờ Y",
        // "tại Hội trường UBND tỉnh Kon Tum"
        // the most precise place of the phrase ("tại Nghĩa trang liệt sĩ quốc tế Việt - Lào (huyện Anh
        // Sơn)" is in Anh Sơn), the first among equals
        let (_, phrase_end) = s.phrase(c.end);
        let in_phrase = |from: usize, to: usize| {
            s.places
                .iter()
                .enumerate()
                .filter(move |(_, p)| p.cue_start >= from && p.start < b.min(to))
                .min_by_key(|(i, p)| (p.level == Level::Country, *i))
        };
        // "tại thị trấn Khe Sanh, huyện Hướng Hóa", "tại bản Pa Thơm, xã Pa Thơm, huyện Điện Biên":
        // units the gazetteer does not know, then the unit they lie in, opening a later phrase
        let next_phrase = || {
            let mut end = phrase_end;
            for _ in 0..3 {
                let after = end + 1;
                if after >= text.len().min(b) {
                    return None;
                }
                let (_, next_end) = s.phrase(after);
                let found = in_phrase(after, next_end)
                    .filter(|(_, p)| text.get(after..p.cue_start).is_some_and(|g| g.trim().is_empty()));
                if found.is_some() || next_end - after > 40 {
                    return found;
                }
                end = next_end;
            }
            None
        };
        let Some((pi, p)) = in_phrase(c.end, phrase_end).or_else(|| if phrase_end < b { next_phrase() } else { None })
        else {
            continue;
        };
        let gap = &text[c.end..p.cue_start.max(c.end)];
        if c.cue == Cue::VenueNear && !gap.trim().is_empty() {
            continue;
        }
        let other_cue =
            s.cues_in(c.end, p.cue_start).any(|x| matches!(x.cue, Cue::Event(_) | Cue::Agreement(_) | Cue::Venue));
        if gap.len() > 80 || other_cue {
            continue;
        }
        let mut idx = vec![pi];
        // qualifiers in brackets, and ", nước CHDCND Lào" right after the venue
        let mut last_end = p.end;
        for (qi, q) in s.places.iter().enumerate().skip(pi + 1) {
            let gap = &text[last_end..q.cue_start];
            if s.qualifier[qi]
                || gap.trim_matches(|ch: char| ch == ',' || ch == '(' || ch.is_whitespace()).is_empty()
                    && q.level.rank() < p.level.rank()
            {
                idx.push(qi);
                last_end = q.end;
            } else {
                break;
            }
        }
        found.push((c.start, p.id.clone(), idx));
    }
    // The lede's venue ("Sáng 12/4, tại X, … tổ chức Lễ …") unless the meeting word is followed by
    // "tổ chức tại", "diễn ra tại", "ký … tại": a later "tại" may be about something else
    // ("hy sinh tại tỉnh Xiêng Khoảng").
    let organised_at = |at: usize| {
        let before = text[..at].trim_end();
        s.cues_in(0, at).next_back().is_some_and(|c| c.cue == Cue::Organised && c.end == before.len())
            || s.cues_in(anchor, at).any(|c| matches!(c.cue, Cue::Sign | Cue::Held | Cue::Planned | Cue::Organised))
    };
    let before_anchor = found.iter().rposition(|(at, _, _)| *at < anchor);
    let after_anchor = found.iter().position(|(at, _, _)| *at >= anchor);
    let pick = match (before_anchor, after_anchor) {
        (Some(b), Some(a)) => Some(if organised_at(found[a].0) { a } else { b }),
        (b, a) => a.or(b),
    };
    match pick {
        Some(i) => {
            // only the chosen venue stops being a party; another "tại X" may name one
            let (_, id, idx) = found.swap_remove(i);
            (Some(id), idx)
        }
        None => (None, Vec::new()),
    }
}

pub(crate) fn parties_between(s: &Sent, a: usize, b: usize, exclude: &[usize]) -> Vec<PlaceId> {
    let ids: Vec<PlaceId> =
        s.admin_places_in(a, b).filter(|(i, _)| !exclude.contains(i)).map(|(_, p)| p.id.clone()).collect();
    most_precise(&ids)
}

/// The date of something at `anchor` in `(a, b)`: the most precise date there, nearest first.
pub(crate) fn best_date(s: &Sent, a: usize, b: usize, anchor: usize, years: &Years) -> Option<PartialDate> {
    s.dates
        .iter()
        .filter(|d| d.start >= a && d.end <= b)
        .filter_map(|d| years.resolve(s, d.value).map(|p| (p, d.start.abs_diff(anchor))))
        .max_by_key(|(p, dist)| (p.precision(), std::cmp::Reverse(*dist)))
        .map(|(p, _)| p)
}

/// Per country, the provinces and districts named at least half as often as the most named.
fn most_named(counts: &[(PlaceId, usize)]) -> Vec<PlaceId> {
    // by frequency: per country, the places named at least half as often as the most named
    let subnational: Vec<&(PlaceId, usize)> = counts.iter().filter(|(id, _)| id.province().is_some()).collect();
    let mut out = Vec::new();
    for country in ["VN", "LA"] {
        let of: Vec<&&(PlaceId, usize)> = subnational.iter().filter(|(id, _)| id.country() == country).collect();
        let top = of.iter().map(|(_, n)| *n).max().unwrap_or(0);
        out.extend(of.iter().filter(|(_, n)| *n * 2 >= top && top > 0).map(|(id, _)| id.clone()));
    }
    most_precise(&out)
}

/// Where a visit goes: the first place after the visit word ("sang thăm tỉnh X", "visited X",
/// "held talks with the X council"), before the end of its clause.
pub(crate) fn destination(s: &Sent, from: usize, to: usize) -> Option<PlaceId> {
    s.admin_places_in(from, to).map(|(_, p)| p).find(|p| p.level != Level::Country).map(|p| p.id.clone())
}

/// Where a reception is: the host's place, named before the reception word ("Tỉnh X đã tiếp …").
pub(crate) fn host_place(s: &Sent, from: usize, to: usize) -> Option<PlaceId> {
    s.admin_places_in(from, to).map(|(_, p)| p).filter(|p| p.level != Level::Country).last().map(|p| p.id.clone())
}

/// The partnership a document is about: the first two-sided set of parties of a held meeting,
/// else of an agreement, else the Vietnamese and Lao places the article names most.
pub(crate) fn partnership(
    events: &[EventCand],
    agreements: &[AgreementCand],
    counts: &[(PlaceId, usize)],
) -> Vec<PlaceId> {
    // the two-sided set of parties of a held meeting, else an agreement, else a plan: the one
    // naming the most provinces and districts (a headline's "Việt Nam – Lào" says less than
    // the lede's list of provinces)
    let held = events.iter().filter(|e| e.event.status == EventStatus::Held).map(|e| &e.parties.explicit);
    let planned = events.iter().filter(|e| e.event.status == EventStatus::Planned).map(|e| &e.parties.explicit);
    let subnational = |p: &[PlaceId]| p.iter().filter(|x| x.as_str().contains('-')).count();
    let informative = |p: &[PlaceId]| {
        let mut countries: Vec<&str> = p.iter().filter(|x| x.as_str().contains('-')).map(|x| x.country()).collect();
        countries.sort_unstable();
        countries.dedup();
        countries.len() >= 2
    };
    let sets: Vec<&Vec<PlaceId>> =
        held.chain(agreements.iter().map(|a| &a.parties.explicit)).chain(planned).filter(|p| two_sided(p)).collect();
    let most = sets.iter().filter(|p| informative(p)).map(|p| subnational(p)).max();
    if let Some(n) = most {
        if let Some(p) = sets.iter().find(|p| informative(p) && subnational(p) == n) {
            return (*p).clone();
        }
    }
    // no set names provinces on both sides: the places the article names most, else the first set
    let by_count = most_named(counts);
    if two_sided(&by_count) {
        return by_count;
    }
    sets.first().map(|p| (*p).clone()).unwrap_or_default()
}
