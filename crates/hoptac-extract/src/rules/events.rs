//! Meetings: each mention of one in a sentence becomes a candidate carrying what the sentence
//! says of it (kind, date, ordinal, status, venue, parties, and whether it is an occasion of its
//! own); then [`occasions`] makes one event per occasion, of its most specific kind.

use std::collections::BTreeSet;

use crate::FastMap;

use hoptac_core::{Event, EventKind, EventStatus, PartialDate, PlaceId};
use hoptac_text::date::DateValue;
use hoptac_text::roman::parse_roman;

use super::context::{destination, host_place, parties_between, venue, Parties, Years};
use crate::analysis::{most_precise, two_sided, Sent};
use crate::lexicon::Cue;

/// A meeting mentioned in a sentence.
#[derive(Debug, Clone)]
pub(crate) struct EventCand {
    pub event: Event,
    pub parties: Parties,
    /// Said to take place (a date, an ordinal, a verb of holding, a venue, the article's lead):
    /// an occasion, not a passing word.
    pub anchored: bool,
    /// A generic meeting word ("met", "ການພົບປະ"): the occasion's kind comes from elsewhere.
    pub weak: bool,
    /// Said to be held ("đã có buổi hội đàm", "held talks"): may make its occasion more specific.
    pub held_verb: bool,
    /// The place came from a venue ("tại X", "in X"), not guessed from a visit's destination.
    pub venue: bool,
    /// "trước đó", "the previous …", "cùng ngày": an occasion besides the article's.
    pub previous: bool,
    /// Named by minutes being carried out ("thực hiện Biên bản Hội nghị …"): an earlier occasion.
    pub of_minutes: bool,
    /// Day and month as written, year or not: what tells occasions apart.
    pub day: Option<(u8, u8)>,
}

/// How specific a kind is: one occasion takes the most specific kind said of it (talks during a
/// visit are talks; a twinning ceremony inside a visit is a signing).
fn rank(kind: EventKind, weak: bool) -> u8 {
    if weak {
        return 1;
    }
    match kind {
        EventKind::Talks | EventKind::MidtermReview | EventKind::FinalReview => 5,
        EventKind::Conference => 4,
        EventKind::Signing | EventKind::Other => 3,
        EventKind::Visit => 2,
    }
}

/// The ordinal of a meeting word: "lần thứ XVIII", "lần thứ 18", "ຄັ້ງທີ 18", "the 18th", "the XVIII",
/// "the fifth".
pub(crate) fn ordinal(s: &Sent, cue_start: usize, cue_end: usize, next_event: usize) -> Option<u32> {
    let text = s.text();
    for c in s.cues_in(cue_end, next_event.min(cue_end + 120)).filter(|c| c.cue == Cue::Ordinal) {
        let mut rest = text[c.end..].trim_start();
        // "lần thứ lần thứ XVII": a repeated ordinal word
        while let Some(r) = rest.strip_prefix(&text[c.start..c.end]) {
            rest = r.trim_start();
        }
        let word: String = rest.chars().take_while(|ch| hoptac_text::is_word_char(*ch)).collect();
        let upper = word.to_uppercase();
        if let Some(n) = parse_roman(&upper).or_else(|| word.parse().ok()).or_else(|| s.lex.ordinal(&word)) {
            return Some(n);
        }
    }
    // before the meeting word: "the 18th (annual) conference", "the XVIII conference", "the fifth"
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
        if let Some(n) = s.lex.ordinal(word).filter(|_| s.lex.words.ordinal_before) {
            return Some(n);
        }
    }
    None
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
    // verbs of holding ("tổ chức", "diễn ra") say nothing of tense: "sẽ tổ chức", "đã tổ chức"
    for c in s.cues_in(cue_end, next_event) {
        match c.cue {
            Cue::Planned | Cue::NextYear => return EventStatus::Planned,
            Cue::Held => return EventStatus::Held,
            _ => {}
        }
    }
    for c in s.cues_in(0, cue_start).rev() {
        match c.cue {
            Cue::Planned | Cue::Agreed | Cue::NextYear => return EventStatus::Planned,
            Cue::Held => return EventStatus::Held,
            _ => {}
        }
    }
    match (date, years.reference()) {
        (Some(d), Some(r)) if d.year > r => EventStatus::Planned,
        _ => EventStatus::Held,
    }
}

/// The date written for a meeting at `anchor` within `(a, b)`: the most precise, nearest first
/// (the first day of several: "từ ngày 6/3/2024 đến ngày 8/3/2024"); with the day and month as
/// written, and whether any date was written.
fn written_date(
    s: &Sent,
    a: usize,
    b: usize,
    anchor: usize,
    years: &Years,
) -> (Option<PartialDate>, Option<(u8, u8)>, bool) {
    // (precision, distance from the anchor, the date, its day and month as written)
    type Written = (u8, usize, Option<PartialDate>, Option<(u8, u8)>);
    let mut all: Vec<Written> = Vec::new();
    for d in s.dates.iter().filter(|d| d.start >= a && d.end <= b) {
        let (resolved, day, precision) = match d.value {
            DateValue::Date(p) => (Some(p), p.day.zip(p.month), p.precision()),
            DateValue::DayMonth { day, month } => (years.resolve(s, d.value), Some((day, month)), 3),
            DateValue::Month { .. } => (years.resolve(s, d.value), None, 2),
            _ => continue,
        };
        all.push((precision, d.start.abs_diff(anchor), resolved, day));
    }
    let Some(top) = all.iter().map(|x| x.0).max() else { return (None, None, false) };
    all.retain(|x| x.0 == top);
    all.sort_by_key(|x| x.1);
    let mut best = all[0];
    for x in &all[1..] {
        if let (Some(bd), Some(xd)) = (best.3, x.3) {
            if days_apart(bd, xd) <= 7 && day_number(xd) < day_number(bd) {
                best = *x;
            }
        }
    }
    (best.2, best.3, true)
}

/// Meetings named in a sentence. `lead`: the headline or the article's first sentence;
/// `same_day`: the date of the meeting reported last, for a sentence that opens "Cùng ngày, …".
pub(crate) fn events_in(s: &Sent, years: &Years, same_day: Option<PartialDate>, lead: bool) -> Vec<EventCand> {
    let text = s.text();
    let same_day = same_day.filter(|_| s.cues.first().is_some_and(|c| c.cue == Cue::SameDay && c.start < 8));
    let event_cues: Vec<(usize, usize, EventKind, Cue)> = s
        .cues
        .iter()
        .filter_map(|c| match c.cue {
            Cue::Event(k) => Some((c.start, c.end, k, c.cue)),
            Cue::Reception => Some((c.start, c.end, EventKind::Visit, c.cue)),
            Cue::Meeting => Some((c.start, c.end, EventKind::Conference, c.cue)),
            Cue::SignedTwinning => Some((c.start, c.end, EventKind::Signing, c.cue)),
            _ => None,
        })
        .collect();
    let mut out = Vec::new();
    for (n, &(start, end, kind, cue)) in event_cues.iter().enumerate() {
        let next_event = event_cues.get(n + 1).map_or(text.len(), |e| e.0);
        let prev_end = if n > 0 { event_cues[n - 1].1 } else { 0 };
        // A lone "sơ kết"/"tổng kết" is a meeting only when organised ("tổ chức sơ kết").
        let word = &text[start..end];
        if (word == "sơ kết" || word == "tổng kết") && !s.cues_in(0, start).any(|c| c.cue == Cue::Organised) {
            let before = text[..start].trim_end();
            if !(before.ends_with("buổi") || before.ends_with("lễ")) {
                continue;
            }
        }
        let (ca, cb) = s.clause(start);
        let (ca, cb) = (ca.max(prev_end), cb.min(next_event));
        let ord = ordinal(s, start, end, next_event);
        // the sentence's own date: between the neighbouring meeting words, or the lead date of
        // the sentence for its first meeting word
        let (mut date, mut day, mut explicit) = written_date(s, ca, cb, start, years);
        // a meeting named by minutes takes the date written right after its name
        // ("Biên bản Hội đàm năm 2024")
        if s.cues_in(ca, start)
            .next_back()
            .is_some_and(|c| matches!(c.cue, Cue::Agreement(_)) && text[c.end..start].trim().len() <= 6)
        {
            let after = s
                .dates
                .iter()
                .find(|d| d.start >= end && d.start <= end + 24 && !matches!(d.value, DateValue::Period(_)));
            if let Some(d) = after {
                (date, day, explicit) = written_date(s, d.start, d.end, d.start, years);
            }
        }
        if !explicit && n == 0 {
            (date, day, explicit) = written_date(s, 0, start, start, years);
        }
        // "Cùng ngày, …": another occasion on the day of the one just told
        let also_that_day = !explicit && same_day.is_some();
        if also_that_day {
            date = same_day;
            explicit = true;
        }
        if !explicit {
            if let Some(d) = years.ago(s) {
                date = Some(d);
                day = d.day.zip(d.month);
                explicit = true;
            }
        }
        let next_year = s.cues_in(ca, cb).any(|c| c.cue == Cue::NextYear);
        if date.is_none() && next_year {
            date = years.reference().map(|y| PartialDate::year(y + 1));
        }
        if let (None, None, Some((k, d))) = (ord, date, years.minutes_of) {
            let planned = s.cues_in(ca, cb).any(|c| matches!(c.cue, Cue::Planned | Cue::Irrealis))
                || s.cues_in(ca, start).any(|c| c.cue == Cue::Agreed);
            if k == kind && !planned {
                date = Some(d);
                day = d.day.zip(d.month);
                explicit = true;
            }
        }
        // a custom, not an occasion: "hội đàm định kỳ", "regularly", "cứ 6 tháng một lần"
        let recurring = s.cues_in(ca, (end + 40).min(cb)).any(|c| matches!(c.cue, Cue::Recurring | Cue::PerYear));
        if recurring && !explicit && ord.is_none() {
            continue;
        }
        // an intention ("agreed to hold annual conferences", "đề nghị tổ chức hội nghị")
        let intended = s.cues_in(ca, start).rev().find_map(|c| match c.cue {
            Cue::Agreed | Cue::Irrealis => Some(true),
            Cue::Held | Cue::Organised => Some(false),
            _ => None,
        });
        if intended == Some(true) && !explicit && ord.is_none() {
            continue;
        }
        let status = status(s, start, end, next_event, date, years);
        let date = if status == EventStatus::Held { date.map(|d| years.held_before_publication(d)) } else { date };
        let (mut place, venue_idx) = venue(s, ca, cb, start);
        let from_venue = place.is_some();
        if place.is_none() {
            place = match cue {
                Cue::Reception => host_place(s, ca, start),
                Cue::Event(EventKind::Visit) => destination(s, end, s.clause(start).1),
                _ => None,
            };
        }
        if status == EventStatus::Planned && date.is_none() && place.is_none() {
            continue; // a wish, not an announced meeting
        }
        let held_verb = s.cues_in(ca, cb).any(|c| matches!(c.cue, Cue::Held | Cue::Organised | Cue::Sign))
            || matches!(cue, Cue::Reception | Cue::SignedTwinning);
        let previous = also_that_day || s.cues_in(ca, start).any(|c| c.cue == Cue::Previous);
        // named by minutes: "Biên bản Hội nghị …", "the minutes of the talks"
        let minutes_before = s.cues_in(ca, start).next_back().filter(|c| matches!(c.cue, Cue::Agreement(_)));
        let of_minutes = minutes_before.is_some_and(|m| {
            let between = text[m.end..start].trim();
            let joined = matches!(between, "" | "of" | "of the" | "của");
            let recalled = s.cues_in(ca, m.start).any(|c| matches!(c.cue, Cue::Realis | Cue::Held))
                || (explicit && !s.cues_in(ca, m.start).any(|c| c.cue == Cue::Sign))
                || ord.is_some();
            joined && recalled && !s.cues_in(ca, m.start).any(|c| c.cue == Cue::Sign && !explicit)
        });
        let reference = s
            .cues_in(prev_end, start)
            .next_back()
            .is_some_and(|c| c.cue == Cue::EventReference && text[c.end..start].trim().len() <= 4);
        let anchored = !reference && (explicit || ord.is_some() || place.is_some() || lead || of_minutes || previous);
        let explicit_parties = parties_between(s, ca, cb, &venue_idx);
        let mut parties = Parties { explicit: explicit_parties };
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
        let mut confidence: f32 = 0.45;
        if date.is_some_and(|d| d.precision() == 3) {
            confidence += 0.2;
        } else if date.is_some() {
            confidence += 0.1;
        }
        if ord.is_some() {
            confidence += 0.15;
        }
        if place.is_some() {
            confidence += 0.1;
        }
        if held_verb {
            confidence += 0.05;
        }
        if status == EventStatus::Planned {
            confidence -= 0.1;
        }
        out.push(EventCand {
            event: Event {
                kind,
                ordinal: ord,
                date,
                place,
                status,
                parties: Vec::new(),
                confidence: confidence.min(0.95),
                evidence: s.src.to_string(),
                span: s.span(start, end),
            },
            parties,
            anchored,
            weak: cue == Cue::Meeting,
            held_verb,
            venue: from_venue,
            previous,
            of_minutes,
            day,
        });
    }
    out
}

/// One occasion being assembled.
struct Occasion {
    cand: EventCand,
    rank: u8,
    /// An occasion of its own that later plain mentions do not join (an earlier or planned one).
    apart: bool,
}

/// A day and month as a number that orders them (not a day count).
fn day_number((d, m): (u8, u8)) -> u32 {
    u32::from(m) * 31 + u32::from(d)
}

fn days_apart(a: (u8, u8), b: (u8, u8)) -> u32 {
    day_number(a).abs_diff(day_number(b))
}

/// The occasions of a document: mentions of the same meeting (by ordinal, by day, or a plain
/// mention after the article's occasion) are one event of the most specific kind said of it.
/// `lead_date`: a full date in the article's first sentence, for an occasion dated nowhere else.
pub(crate) fn occasions(
    cands: Vec<EventCand>,
    lead_date: Option<PartialDate>,
    reference: Option<i16>,
) -> Vec<EventCand> {
    let mut occ: Vec<Occasion> = Vec::new();
    // Indexes over `occ`, so that each mention finds its occasion in constant time however many
    // a document has (a generated minutes file can list thousands): each gives the same answer
    // as the scan it replaces (the first occasion that fits, or the last one for the article's).
    let mut by_ordinal: FastMap<u32, usize> = FastMap::default();
    let mut by_day: FastMap<(u8, u8), usize> = FastMap::default();
    // Occasions set apart, by kind, status and year (dates of one year are the only compatible ones).
    let mut apart_by: FastMap<(EventKind, EventStatus, Option<i16>), Vec<usize>> = FastMap::default();
    // The anchored occasions not set apart that have no ordinal yet.
    let mut unnumbered: BTreeSet<usize> = BTreeSet::new();
    let mut last_joinable: Option<usize> = None;
    for c in cands {
        let apart = c.previous || c.of_minutes || c.event.status == EventStatus::Planned;
        let target = if let Some(n) = c.event.ordinal {
            by_ordinal.get(&n).copied().or_else(|| {
                // the article's occasion, named by its number later ("Hội nghị … lần thứ XII")
                if apart {
                    None
                } else {
                    unnumbered.first().copied()
                }
            })
        } else if apart {
            let key = (c.event.kind, c.event.status, c.event.date.map(|d| d.year));
            apart_by.get(&key).and_then(|v| {
                v.iter().copied().find(|&i| {
                    let o = &occ[i].cand.event;
                    o.kind == c.event.kind
                        && o.status == c.event.status
                        && match (o.date, c.event.date) {
                            (Some(x), Some(y)) => x.compatible(&y),
                            (None, None) => true,
                            _ => false,
                        }
                })
            })
        } else if let Some(&i) = c.day.and_then(|d| by_day.get(&d)) {
            // a day already told: that occasion
            Some(i)
        } else {
            // the article's occasion: the last one not set apart; a different day is another
            last_joinable.filter(|&i| {
                let o = &occ[i].cand;
                // another day is another occasion, unless the same kind of meeting spans both
                // ("từ ngày 6 - 9/6": a visit told by its first and its last day)
                let same_day = match (o.day, c.day) {
                    (Some(a), Some(b)) => a == b || (days_apart(a, b) <= 7 && o.event.kind == c.event.kind),
                    _ => true,
                };
                // "Năm 2007, … đã tổ chức kết nghĩa": another year is another occasion
                let same_year = match (o.event.date, c.event.date) {
                    (Some(a), Some(b)) => a.year == b.year,
                    (None, Some(b)) => reference.is_none_or(|r| b.year == r),
                    _ => true,
                };
                same_day && same_year
            })
        };
        let Some(index) = target.or(c.anchored.then_some(occ.len())) else { continue };
        match target {
            Some(i) => {
                let o = &mut occ[i];
                let r = rank(c.event.kind, c.weak);
                if (c.anchored || c.held_verb) && r > o.rank {
                    o.cand.event.kind = c.event.kind;
                    o.rank = r;
                    o.cand.weak = false;
                }
                let e = &mut o.cand.event;
                // several days: the first
                match (e.date, c.event.date) {
                    (Some(a), Some(b)) if a.precision() == b.precision() && b < a && c.anchored => e.date = Some(b),
                    (Some(a), Some(b)) if b.precision() > a.precision() => e.date = Some(b),
                    (None, Some(b)) => e.date = Some(b),
                    _ => {}
                }
                if o.cand.day.is_none() {
                    o.cand.day = c.day;
                }
                e.ordinal = e.ordinal.or(c.event.ordinal);
                if c.anchored && c.event.place.is_some() && (e.place.is_none() || (c.venue && !o.cand.venue)) {
                    e.place = c.event.place;
                    o.cand.venue |= c.venue;
                }
                if c.event.status == EventStatus::Held {
                    e.status = EventStatus::Held;
                }
                e.confidence = e.confidence.max(c.event.confidence);
                if !two_sided(&o.cand.parties.explicit) && two_sided(&c.parties.explicit) {
                    o.cand.parties = c.parties;
                }
                o.cand.anchored |= c.anchored;
            }
            None => {
                let rank = rank(c.event.kind, c.weak);
                occ.push(Occasion { cand: c, rank, apart });
            }
        }
        // Bring the indexes up to date with the occasion as it now is (its kind, status, date,
        // day or ordinal may have changed by the mention that joined it).
        let o = &occ[index];
        let (ordinal, day, date) = (o.cand.event.ordinal, o.cand.day, o.cand.event.date);
        if let Some(n) = ordinal {
            let e = by_ordinal.entry(n).or_insert(index);
            *e = (*e).min(index);
        }
        if o.apart {
            // Listed under every key it has had; a lookup checks what it is now.
            let v = apart_by.entry((o.cand.event.kind, o.cand.event.status, date.map(|d| d.year))).or_default();
            if let Err(at) = v.binary_search(&index) {
                v.insert(at, index);
            }
        } else {
            if let Some(d) = day {
                let e = by_day.entry(d).or_insert(index);
                *e = (*e).min(index);
            }
            if ordinal.is_none() && o.cand.anchored {
                unnumbered.insert(index);
            } else {
                unnumbered.remove(&index);
            }
            last_joinable = last_joinable.max(Some(index));
        }
    }
    if let (Some(first), Some(d)) = (occ.iter_mut().find(|o| !o.apart), lead_date) {
        if first.cand.event.date.is_none() {
            first.cand.event.date = Some(d);
        }
    }
    occ.into_iter().map(|o| o.cand).collect()
}

#[cfg(test)]
mod tests {
    use crate::Extractor;
    use hoptac_core::{EventKind, EventStatus};

    fn events(text: &str) -> Vec<(EventKind, Option<String>, EventStatus)> {
        Extractor::new()
            .extract("t.txt", text, "UTF-8")
            .events
            .into_iter()
            .map(|e| (e.kind, e.date.map(|d| d.to_string()), e.status))
            .collect()
    }

    #[test]
    fn talks_during_a_visit_are_one_talks_event() {
        let e = events(
            "Tin\n\n12/06/2023\n\nTừ ngày 5 - 8/6, đoàn đại biểu tỉnh Quảng Bình đã sang thăm, làm việc tại tỉnh Khăm Muộn.\nTrong chuyến thăm, hai bên đã có buổi hội đàm.",
        );
        assert_eq!(e, vec![(EventKind::Talks, Some("2023-06-05".into()), EventStatus::Held)]);
    }

    #[test]
    fn a_caption_does_not_change_the_occasion() {
        let e = events("Tin\n\n07/03/2024\n\nNgày 6/3, đoàn tỉnh Attapư sang thăm, làm việc tại tỉnh Kon Tum.\nToàn cảnh hội nghị.");
        assert_eq!(e, vec![(EventKind::Visit, Some("2024-03-06".into()), EventStatus::Held)]);
    }

    #[test]
    fn customs_and_wishes_are_not_events() {
        assert!(events("Hai huyện Mường Nhé và Mường Mày thường xuyên tổ chức hội đàm định kỳ.").is_empty());
        assert!(events("The two sides agreed to hold annual conferences between Dien Bien and Phongsaly.").is_empty());
    }

    #[test]
    fn an_earlier_occasion_stands_apart() {
        let e = events(
            "Ngày 3/4/2024, tỉnh Hà Tĩnh và tỉnh Bolikhămxay tổ chức hội đàm.\nTrước đó, ngày 1/4, tại huyện Hương Sơn đã diễn ra Lễ kết nghĩa giữa hai đồn biên phòng.",
        );
        assert_eq!(e.len(), 2);
        assert_eq!(e[1].0, EventKind::Signing);
    }

    #[test]
    fn english_meetings() {
        let e =
            events("date 2024-05-10 Officials of Kon Tum and Attapeu provinces held talks in Kon Tum city on May 9.");
        assert_eq!(e, vec![(EventKind::Talks, Some("2024-05-09".into()), EventStatus::Held)]);
        let e = events("date 2022-10-19 Officials of Quang Tri and Salavan met in Dong Ha city on October 18. A delegation of Quang Tri will visit Salavan next year.");
        assert_eq!(e[0], (EventKind::Conference, Some("2022-10-18".into()), EventStatus::Held));
        assert_eq!(e[1], (EventKind::Visit, Some("2023".into()), EventStatus::Planned));
    }

    #[test]
    fn lao_meetings() {
        let e = events("ໃນວັນທີ 5 ມີນາ 2024 ຄະນະຜູ້ແທນແຂວງອັດຕະປື ໄດ້ເດີນທາງມາຢ້ຽມຢາມ ແລະ ເຮັດວຽກ ຢູ່ ແຂວງກອນຕຸມ.");
        assert_eq!(e, vec![(EventKind::Visit, Some("2024-03-05".into()), EventStatus::Held)]);
    }
}
