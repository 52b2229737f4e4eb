//! Meetings (events) and written agreements, and the partnership a document is about.

use hoptac_core::{Agreement, AgreementKind, Event, EventKind, EventStatus, Level, PartialDate, Period, PlaceId, Span};
use hoptac_text::date::DateValue;
use hoptac_text::roman::parse_roman;

use std::collections::{BTreeSet, HashMap};

use crate::analysis::{most_precise, resolve, two_sided, Sent};
use crate::gazetteer::Gazetteer;
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
        match self.published {
            Some(p) if d > p && d.year == p.year && d.month.is_some() => PartialDate { year: d.year - 1, ..d },
            _ => d,
        }
    }

    pub fn reference(&self) -> Option<i16> {
        self.published.map(|p| p.year).or(self.document)
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
        if two_sided(&self.explicit) || (partnership.is_empty() && !self.explicit.is_empty()) {
            return self.explicit.clone();
        }
        let mut all = self.explicit.clone();
        all.extend(partnership.iter().cloned());
        let merged = most_precise(&all);
        if two_sided(&merged) {
            merged
        } else {
            partnership.to_vec()
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct EventCand {
    pub event: Event,
    pub parties: Parties,
}

#[derive(Debug, Clone)]
pub(crate) struct AgreementCand {
    pub agreement: Agreement,
    pub parties: Parties,
    /// "ký Bản ghi nhớ …", undated or dated to the day in the article's year: the document reports
    /// this signing itself (not one it recalls).
    pub signed_here: bool,
    pub venue: Option<PlaceId>,
    pub sentence_date: Option<PartialDate>,
    /// "Biên bản Hội nghị … lần thứ XVII", "minutes of the talks": the meeting the minutes record.
    pub meeting: Option<(EventKind, Option<u32>)>,
}

/// Where the venue of something in `(a, b)` is: the place right after "tại"/"at"/"in".
/// Returns the venue's id and the indices of the place mentions that make it up.
fn venue(s: &Sent, a: usize, b: usize, anchor: usize) -> (Option<PlaceId>, Vec<usize>) {
    let text = s.text();
    let mut found: Vec<(usize, PlaceId, Vec<usize>)> = Vec::new();
    for c in s.cues_in(a, b).filter(|c| c.cue == Cue::Venue) {
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
        // "tại thị trấn Khe Sanh, huyện Hướng Hóa": a unit the gazetteer does not know, then the
        // unit it lies in, opening the next phrase
        let next_phrase = || {
            let after = phrase_end + 1;
            let (_, next_end) = s.phrase(after.min(text.len()));
            in_phrase(after, next_end)
                .filter(|(_, p)| text.get(after..p.cue_start).is_some_and(|g| g.trim().is_empty()))
        };
        let Some((pi, p)) = in_phrase(c.end, phrase_end).or_else(|| if phrase_end < b { next_phrase() } else { None })
        else {
            continue;
        };
        let gap = &text[c.end..p.cue_start.max(c.end)];
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
        ["tổ chức", "diễn ra", "khai mạc", "held", "take place", "took place", "hosted"]
            .iter()
            .any(|w| before.ends_with(w))
            || s.cues_in(anchor, at).any(|c| matches!(c.cue, Cue::Sign | Cue::Held | Cue::Planned))
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

fn parties_between(s: &Sent, a: usize, b: usize, exclude: &[usize]) -> Vec<PlaceId> {
    let ids: Vec<PlaceId> =
        s.admin_places_in(a, b).filter(|(i, _)| !exclude.contains(i)).map(|(_, p)| p.id.clone()).collect();
    most_precise(&ids)
}

/// The ordinal after a meeting word: "lần thứ XVIII", "lần thứ 18", "lần thứ lần thứ XVII", "18th".
fn ordinal(s: &Sent, cue_start: usize, cue_end: usize, next_event: usize) -> Option<u32> {
    let text = s.text();
    for c in s.cues_in(cue_end, next_event.min(cue_end + 120)).filter(|c| c.cue == Cue::Ordinal) {
        let mut rest = text[c.end..].trim_start();
        while let Some(r) = rest.strip_prefix("lần thứ") {
            rest = r.trim_start();
        }
        let word: String = rest.chars().take_while(|ch| hoptac_text::is_word_char(*ch)).collect();
        let upper = hoptac_text::fold(&word).text.to_uppercase();
        if let Some(n) = parse_roman(&upper).or_else(|| word.parse().ok()).or_else(|| ordinal_word(&word)) {
            return Some(n);
        }
    }
    // English: "the 18th (cooperation) conference", "the XVIII conference"
    let before = text[..cue_start].trim_end();
    for word in before.rsplit(' ').take(3) {
        let digits: String = word.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() && ["st", "nd", "rd", "th"].contains(&&word[digits.len()..]) {
            return digits.parse().ok();
        }
        if word.len() > 1 && word.chars().all(|c| "ivxlc".contains(c)) {
            if let Some(n) = parse_roman(&word.to_uppercase()) {
                return Some(n);
            }
        }
    }
    None
}

fn ordinal_word(w: &str) -> Option<u32> {
    Some(match w {
        "nhất" => 1,
        "hai" => 2,
        "ba" => 3,
        "tư" => 4,
        "năm" => 5,
        "sáu" => 6,
        "bảy" => 7,
        "tám" => 8,
        "chín" => 9,
        "mười" => 10,
        _ => return None,
    })
}

/// Held or planned: the nearest tense word after the meeting word (up to the next meeting),
/// else before it in the sentence, else the year against the document's own year.
fn status(
    s: &Sent,
    cue_start: usize,
    cue_end: usize,
    next_event: usize,
    date: Option<PartialDate>,
    years: &Years,
) -> EventStatus {
    for c in s.cues_in(cue_end, next_event) {
        match c.cue {
            Cue::Planned => return EventStatus::Planned,
            Cue::Held => return EventStatus::Held,
            _ => {}
        }
    }
    for c in s.cues_in(0, cue_start).rev() {
        match c.cue {
            Cue::Planned | Cue::Agreed => return EventStatus::Planned,
            Cue::Held => return EventStatus::Held,
            _ => {}
        }
    }
    match (date, years.reference()) {
        (Some(d), Some(r)) if d.year > r => EventStatus::Planned,
        _ => EventStatus::Held,
    }
}

/// The date of something at `anchor` in `(a, b)`: the most precise date there, nearest first.
fn best_date(s: &Sent, a: usize, b: usize, anchor: usize, years: &Years) -> Option<PartialDate> {
    s.dates
        .iter()
        .filter(|d| d.start >= a && d.end <= b)
        .filter_map(|d| years.resolve(s, d.value).map(|p| (p, d.start.abs_diff(anchor))))
        .max_by_key(|(p, dist)| (p.precision(), std::cmp::Reverse(*dist)))
        .map(|(p, _)| p)
}

/// Sentence openings that date what follows by the meeting reported just before.
const SAME_DAY: [&str; 5] = ["cùng ngày", "cũng trong ngày", "trong cùng ngày", "the same day", "on the same day"];

/// Meetings named in a sentence, with a date or an ordinal (a bare "Hội nghị" refers back).
/// `same_day`: the date of the meeting reported last, for a sentence that opens "Cùng ngày, …".
pub(crate) fn events_in(s: &Sent, years: &Years, same_day: Option<PartialDate>) -> Vec<EventCand> {
    let same_day = same_day.filter(|_| SAME_DAY.iter().any(|w| s.text().starts_with(w)));
    let mut out = Vec::new();
    let event_cues: Vec<(usize, usize, EventKind)> = s
        .cues
        .iter()
        .filter_map(|c| match c.cue {
            Cue::Event(k) => Some((c.start, c.end, k)),
            _ => None,
        })
        .collect();
    for (n, &(start, end, kind)) in event_cues.iter().enumerate() {
        let text = s.text();
        let next_event = event_cues.get(n + 1).map_or(text.len(), |e| e.0);
        // A lone "sơ kết"/"tổng kết" is a meeting only when organised ("tổ chức sơ kết").
        let word = &text[start..end];
        if word == "sơ kết" || word == "tổng kết" {
            let before = text[..start].trim_end();
            if !(before.ends_with("tổ chức") || before.ends_with("buổi") || before.ends_with("lễ")) {
                continue;
            }
        }
        // what lies beyond a neighbouring meeting word belongs to that meeting
        let (ca, cb) = s.clause(start);
        let prev_end = if n > 0 { event_cues[n - 1].1 } else { 0 };
        let (ca, cb) = (ca.max(prev_end), cb.min(next_event));
        let ord = ordinal(s, start, end, next_event);
        let mut date = best_date(s, ca, cb, start, years).or(same_day);
        if let (None, None, Some((k, d))) = (ord, date, years.minutes_of) {
            let planned = s.cues_in(ca, cb).any(|c| matches!(c.cue, Cue::Planned | Cue::Irrealis))
                || s.cues_in(ca, start).any(|c| c.cue == Cue::Agreed);
            if k == kind && !planned {
                date = Some(d);
            }
        }
        if ord.is_none() && date.is_none() {
            continue;
        }
        let status = status(s, start, end, next_event, date, years);
        let date = if status == EventStatus::Held { date.map(|d| years.held_before_publication(d)) } else { date };
        let (place, venue_idx) = venue(s, ca, cb, start);
        let explicit = parties_between(s, ca, cb, &venue_idx);
        let mut parties = Parties { explicit };
        if !two_sided(&parties.explicit) {
            if let Some(v) = &place {
                let prov = PlaceId::new(v.province().unwrap_or(v.as_str()));
                let mut with = parties.explicit.clone();
                with.push(prov);
                let with = most_precise(&with);
                if two_sided(&with) && !parties.explicit.is_empty() {
                    parties.explicit = with;
                }
            }
        }
        out.push(EventCand {
            event: Event {
                kind,
                ordinal: ord,
                date,
                place,
                status,
                parties: Vec::new(),
                evidence: s.src.to_string(),
                span: s.span(start, end),
            },
            parties,
        });
    }
    out
}

/// Written agreements named in a sentence, when they exist (signed, carried out, dated).
pub(crate) fn agreements_in(s: &Sent, years: &Years) -> Vec<AgreementCand> {
    let text = s.text();
    let mut out = Vec::new();
    let agreement_cues: Vec<(usize, usize, Option<AgreementKind>)> = s
        .cues
        .iter()
        .filter_map(|c| match c.cue {
            Cue::Agreement(k) => Some((c.start, c.end, Some(k))),
            Cue::Programme => Some((c.start, c.end, None)),
            _ => None,
        })
        .collect();
    for (n, &(start, end, kind)) in agreement_cues.iter().enumerate() {
        let (ca, cb) = s.clause(start);
        let next = agreement_cues.get(n + 1).map_or(cb, |x| x.0.min(cb));
        // a signing word just before ("đã ký kết chương trình hợp tác") or just after ("… đã ký kết")
        let sign_before = s.cues_in(start.saturating_sub(24), start).any(|c| c.cue == Cue::Sign);
        let sign_after = s.cues_in(end, (end + 24).min(text.len())).any(|c| c.cue == Cue::Sign);
        let kind = match kind {
            Some(AgreementKind::Other) => continue,
            Some(k) => k,
            None if sign_before || sign_after => AgreementKind::Mou,
            None => continue,
        };
        // modality: the nearest modal word before it in the clause, or "giai đoạn mới" after it
        let mut realis = false;
        let mut irrealis = s.cues_in(end, next).any(|c| c.cue == Cue::Irrealis);
        for c in s.cues_in(ca, start).rev() {
            match c.cue {
                Cue::Planned | Cue::Irrealis => {
                    irrealis = true;
                    break;
                }
                Cue::Held | Cue::Realis | Cue::EventReference => {
                    realis = true;
                    break;
                }
                Cue::Agreed if s.cues_in(ca, cb).any(|c| matches!(c.cue, Cue::Event(_))) => {
                    irrealis = true;
                    break;
                }
                _ => {}
            }
        }
        if irrealis {
            continue;
        }
        // the signing date: after it in its phrase, or before it with the signing word between
        let (pa, pb) = s.phrase(start);
        // "Hội nghị tổng kết bản ghi nhớ … vào năm 2027": the date is the meeting's, not a signing.
        let reviewed = s.cues_in(start.saturating_sub(24), start).any(|c| matches!(c.cue, Cue::Event(_)));
        let signed = s
            .dates
            .iter()
            .filter(|d| !matches!(d.value, DateValue::Period(_) | DateValue::Anniversary { .. }))
            .filter(|d| {
                let after = d.start >= end
                    && d.start < pb.max(next.min(pb))
                    && !reviewed
                    && !s.cues_in(end, d.start).any(|c| c.cue == Cue::Planned);
                let before_signed =
                    d.end <= start && d.start >= ca && s.cues_in(d.end, start).any(|c| c.cue == Cue::Sign);
                after || before_signed
            })
            .filter_map(|d| years.resolve(s, d.value).map(|p| (p, d.start.abs_diff(start))))
            .max_by_key(|(p, dist)| (p.precision(), std::cmp::Reverse(*dist)))
            .map(|(p, _)| years.held_before_publication(p));
        let period = s.dates.iter().filter(|d| d.start >= end && d.end <= next).find_map(|d| match d.value {
            DateValue::Period(p) => Some(p),
            _ => None,
        });
        if !(realis || sign_before || sign_after || signed.is_some() || period.is_some()) {
            continue;
        }
        let (venue_id, venue_idx) = venue(s, ca, cb, start);
        let after = parties_between(s, end, next, &venue_idx);
        let before = parties_between(s, ca, start, &venue_idx);
        // "tháng 4/2018 hai tỉnh đã ký kết biên bản ghi nhớ": the phrase names the partnership itself
        let collective_phrase =
            s.has_cue(pa, pb.max(end), Cue::Collective) && parties_between(s, pa, pb.max(end), &venue_idx).is_empty();
        let explicit = if two_sided(&after) {
            after
        } else if collective_phrase {
            Vec::new()
        } else {
            let mut both = before;
            both.extend(after);
            most_precise(&both)
        };
        out.push(AgreementCand {
            agreement: Agreement {
                kind,
                signed,
                period,
                parties: Vec::new(),
                evidence: s.src.to_string(),
                span: s.span(start, end),
            },
            parties: Parties { explicit },
            // the signing the article reports, not one it recalls ("tháng 4/2018 hai tỉnh đã ký kết"):
            // undated, or dated to the day in the article's own year or later
            signed_here: sign_before
                && !s.has_cue(ca, start, Cue::Held)
                && signed.is_none_or(|d| d.precision() == 3 && years.reference().is_none_or(|r| d.year >= r)),
            venue: venue_id,
            sentence_date: best_date(s, ca, cb, start, years),
            meeting: if kind == AgreementKind::Minutes { meeting_named(s, end, next) } else { None },
        });
    }
    out
}

/// The meeting named right after an agreement word, with its ordinal if it has one
/// ("Biên bản Hội nghị … lần thứ 12", "Biên bản hội đàm", "the minutes of the talks").
fn meeting_named(s: &Sent, end: usize, next: usize) -> Option<(EventKind, Option<u32>)> {
    let (_, pb) = s.phrase(end);
    let (kind, cue) = s.cues_in(end, next.min(pb)).find_map(|c| match c.cue {
        Cue::Event(k) => Some((k, c)),
        _ => None,
    })?;
    let between = s.text()[end..cue.start].trim();
    if !matches!(between, "" | "of" | "of the" | "của") {
        return None;
    }
    Some((kind, ordinal(s, cue.start, cue.end, next.min(pb))))
}

/// "Các nội dung được ký kết tại Hội nghị": the article's meeting produced signed minutes.
pub(crate) fn signed_at_meeting(s: &Sent) -> Option<Span> {
    s.cues.iter().find(|c| c.cue == Cue::SignedAtMeeting).map(|c| s.span(c.start, c.end))
}

/// The partnership a document is about: the first two-sided set of parties of a held meeting,
/// else of an agreement, else the Vietnamese and Lao places the article names most.
pub(crate) fn partnership(
    events: &[EventCand],
    agreements: &[AgreementCand],
    counts: &[(PlaceId, usize)],
) -> Vec<PlaceId> {
    let held = events.iter().filter(|e| e.event.status == EventStatus::Held).map(|e| &e.parties.explicit);
    let planned = events.iter().filter(|e| e.event.status == EventStatus::Planned).map(|e| &e.parties.explicit);
    if let Some(p) = held.chain(agreements.iter().map(|a| &a.parties.explicit)).chain(planned).find(|p| two_sided(p)) {
        return p.clone();
    }
    // by frequency: per country, the places named at least half as often as the most named
    let subnational: Vec<&(PlaceId, usize)> = counts.iter().filter(|(id, _)| id.province().is_some()).collect();
    let mut out = Vec::new();
    for country in ["VN", "LA"] {
        let of: Vec<&&(PlaceId, usize)> = subnational.iter().filter(|(id, _)| id.country() == country).collect();
        let top = of.iter().map(|(_, n)| *n).max().unwrap_or(0);
        out.extend(of.iter().filter(|(_, n)| *n * 2 >= top && top > 0).map(|(id, _)| id.clone()));
    }
    let out = most_precise(&out);
    if two_sided(&out) {
        out
    } else {
        Vec::new()
    }
}

fn precision(d: Option<PartialDate>) -> u8 {
    d.map_or(0, |d| d.precision())
}

fn date_compatible(a: Option<PartialDate>, b: Option<PartialDate>) -> bool {
    matches!((a, b), (Some(x), Some(y)) if x.compatible(&y))
}

fn more_precise(a: Option<PartialDate>, b: Option<PartialDate>) -> Option<PartialDate> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if y.precision() > x.precision() { y } else { x }),
        (x, y) => x.or(y),
    }
}

/// Indices grouped by a key, in insertion order.
struct Buckets<K>(HashMap<K, Vec<usize>>);

impl<K: std::hash::Hash + Eq> Buckets<K> {
    fn new() -> Self {
        Buckets(HashMap::new())
    }

    fn add(&mut self, key: K, i: usize) {
        let v = self.0.entry(key).or_default();
        if v.last() != Some(&i) {
            v.push(i);
        }
    }

    fn get(&self, key: &K) -> &[usize] {
        self.0.get(key).map_or(&[], Vec::as_slice)
    }
}

/// The partnership of a record as a merge key: provinces, a merged province as its successor.
fn party_key(g: &Gazetteer, parties: &[PlaceId]) -> BTreeSet<PlaceId> {
    parties.iter().map(|p| g.current(p.province().unwrap_or(p.as_str()), PartialDate::year(i16::MAX))).collect()
}

/// One record per meeting: the same kind and parties with the same ordinal, or (when not both
/// are numbered) with compatible dates. Candidates come from hash buckets that hold every record
/// the rule can match, so a long document merges in linear time.
pub(crate) fn merge_events(g: &Gazetteer, events: Vec<Event>) -> Vec<Event> {
    type Key = (EventKind, BTreeSet<PlaceId>);
    let mut out: Vec<Event> = Vec::new();
    let mut by_ordinal: Buckets<(Key, u32)> = Buckets::new();
    let mut by_year: Buckets<(Key, Option<i16>)> = Buckets::new();
    for e in events {
        let key: Key = (e.kind, party_key(g, &e.parties));
        let mut candidates: Vec<usize> = by_year.get(&(key.clone(), e.date.map(|d| d.year))).to_vec();
        if let Some(n) = e.ordinal {
            candidates.extend_from_slice(by_ordinal.get(&(key.clone(), n)));
        }
        candidates.sort_unstable();
        let same = candidates.into_iter().find(|&i| {
            let o = &out[i];
            match (o.ordinal, e.ordinal) {
                (Some(x), Some(y)) => x == y,
                _ => date_compatible(o.date, e.date) || (o.date.is_none() && e.date.is_none()),
            }
        });
        let i = match same {
            Some(i) => {
                let o = &mut out[i];
                // the evidence is the mention that dates the meeting best
                if precision(e.date) > precision(o.date) {
                    o.evidence = e.evidence;
                    o.span = e.span;
                }
                o.date = more_precise(o.date, e.date);
                o.ordinal = o.ordinal.or(e.ordinal);
                o.place = o.place.take().or(e.place);
                if e.status == EventStatus::Held {
                    o.status = EventStatus::Held;
                }
                i
            }
            None => {
                out.push(e);
                out.len() - 1
            }
        };
        // (re-)register under the record's current ordinal and year
        if let Some(n) = out[i].ordinal {
            by_ordinal.add((key.clone(), n), i);
        }
        by_year.add((key, out[i].date.map(|d| d.year)), i);
    }
    out
}

/// One record per agreement: same kind and parties, with periods equal or dates compatible; a
/// mention with neither date nor period joins a dated one. Indexed like [`merge_events`].
pub(crate) fn merge_agreements(g: &Gazetteer, agreements: Vec<Agreement>) -> Vec<Agreement> {
    type Key = (AgreementKind, BTreeSet<PlaceId>);
    let undated = |a: &Agreement| a.signed.is_none() && a.period.is_none();
    let fits = |o: &Agreement, a: &Agreement| {
        if undated(o) || undated(a) {
            return true;
        }
        match (o.period, a.period, o.signed, a.signed) {
            (Some(p), Some(q), _, _) => p == q,
            (_, _, Some(x), Some(y)) => x.compatible(&y),
            (Some(p), None, _, Some(d)) | (None, Some(p), Some(d), _) => within(p, d),
            _ => false,
        }
    };
    let mut out: Vec<Agreement> = Vec::new();
    let mut all: Buckets<Key> = Buckets::new();
    let mut undated_ones: Buckets<Key> = Buckets::new();
    let mut by_period: Buckets<(Key, Period)> = Buckets::new();
    let mut by_signed_year: Buckets<(Key, i16)> = Buckets::new();
    let mut by_period_year: Buckets<(Key, i16)> = Buckets::new();
    // dated mentions first, so undated ones join them whatever the order of the text
    let (dated, rest): (Vec<Agreement>, Vec<Agreement>) = agreements.into_iter().partition(|a| !undated(a));
    for a in dated.into_iter().chain(rest) {
        let key: Key = (a.kind, party_key(g, &a.parties));
        let mut candidates: Vec<usize> = Vec::new();
        if undated(&a) {
            candidates.extend(all.get(&key).first());
        } else {
            candidates.extend(undated_ones.get(&key).first());
            if let Some(p) = a.period {
                candidates.extend_from_slice(by_period.get(&(key.clone(), p)));
                for y in p.first - 1..=p.last {
                    candidates.extend_from_slice(by_signed_year.get(&(key.clone(), y)));
                }
            }
            if let Some(d) = a.signed {
                candidates.extend_from_slice(by_signed_year.get(&(key.clone(), d.year)));
                candidates.extend_from_slice(by_period_year.get(&(key.clone(), d.year)));
            }
        }
        candidates.sort_unstable();
        let i = match candidates.into_iter().find(|&i| fits(&out[i], &a)) {
            Some(i) => {
                let o = &mut out[i];
                if precision(a.signed) > precision(o.signed) {
                    o.evidence = a.evidence;
                    o.span = a.span;
                }
                o.signed = more_precise(o.signed, a.signed);
                o.period = o.period.or(a.period);
                i
            }
            None => {
                out.push(a);
                out.len() - 1
            }
        };
        let o = &out[i];
        all.add(key.clone(), i);
        if undated(o) {
            undated_ones.add(key.clone(), i);
        }
        if let Some(p) = o.period {
            by_period.add((key.clone(), p), i);
            for y in p.first - 1..=p.last {
                by_period_year.add((key.clone(), y), i);
            }
        }
        if let Some(d) = o.signed {
            by_signed_year.add((key, d.year), i);
        }
    }
    out.sort_by_key(|a| a.span.start);
    out
}

fn within(p: Period, d: PartialDate) -> bool {
    d.year >= p.first - 1 && d.year <= p.last
}
