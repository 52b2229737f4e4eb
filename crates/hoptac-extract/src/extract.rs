//! The extractor: normalised text in, one `hoptac.extract/1` record out. It never fails on text;
//! what it cannot use becomes a diagnostic.

use crate::FastMap;

use hoptac_core::{
    Agreement, AgreementKind, Diagnostic, DocumentMeta, Event, EventKind, EventStatus, ExtractRecord, PartialDate,
    PlaceId, PlaceRef, Span, FORMAT,
};
use hoptac_text::{layout, sentences};

use crate::analysis::Sent;
use crate::gazetteer::Gazetteer;
use crate::lexicon::{lexicon, Cue, Lang};
use crate::rules::agreements::{self, AgreementCand};
use crate::rules::context::{self, Years};
use crate::rules::events::{self, EventCand};
use crate::rules::{figures, merge, people};

/// Extracts records from documents with the built-in gazetteer.
#[derive(Debug, Clone, Copy)]
pub struct Extractor {
    gazetteer: &'static Gazetteer,
}

impl Default for Extractor {
    fn default() -> Self {
        Self::new()
    }
}

/// `vi`, `lo` or `en`, from the letters the text uses.
pub fn detect_language(text: &str) -> &'static str {
    let (letters, lao, viet) = letter_counts(text, 1_500);
    if letters == 0 {
        "vi"
    } else if lao * 5 >= letters {
        "lo"
    } else if viet * 25 >= letters {
        "vi"
    } else {
        "en"
    }
}

/// Letters among the first `chars` characters of `text`: all of them, the Lao ones, the other
/// ones outside ASCII. Read as bytes: ASCII undecoded, and the letters Vietnamese is written in
/// told by their first bytes (U+00C0–U+024F but × and ÷, U+1E00–U+1EFF); the rest decoded.
fn letter_counts(text: &str, chars: usize) -> (usize, usize, usize) {
    let (mut letters, mut lao, mut viet) = (0usize, 0usize, 0usize);
    let bytes = text.as_bytes();
    let (mut i, mut seen) = (0usize, 0usize);
    while i < bytes.len() && seen < chars {
        seen += 1;
        let b = bytes[i];
        if b.is_ascii() {
            letters += usize::from(b.is_ascii_alphabetic());
            i += 1;
            continue;
        }
        let next = bytes.get(i + 1).copied().unwrap_or(0);
        let latin = match b {
            0xC3 => next != 0x97 && next != 0xB7,
            0xC4..=0xC8 => true,
            0xC9 => next <= 0x8F,
            0xE1 => (0xB8..=0xBB).contains(&next),
            _ => false,
        };
        if latin {
            letters += 1;
            viet += 1;
            i += if b == 0xE1 { 3 } else { 2 };
            continue;
        }
        let Some(c) = text[i..].chars().next() else { break };
        i += c.len_utf8();
        if !hoptac_text::is_letter(c) {
            continue;
        }
        letters += 1;
        if ('\u{0E80}'..='\u{0EFF}').contains(&c) {
            lao += 1;
        } else {
            viet += 1;
        }
    }
    (letters, lao, viet)
}

impl Extractor {
    pub fn new() -> Self {
        Extractor { gazetteer: Gazetteer::builtin() }
    }

    pub fn gazetteer(&self) -> &'static Gazetteer {
        self.gazetteer
    }

    /// Extract everything from `text` (already normalised: see [`hoptac_text::normalize`]).
    pub fn extract(&self, source: &str, text: &str, encoding: &str) -> ExtractRecord {
        let layout = layout(text);
        let article = &text[..layout.article_end];
        let language = detect_language(article);
        let lex = lexicon(Lang::of(language));
        let document_date = layout.published.or(layout.dated);
        // Minutes name their meeting in the header and date themselves on the closing line.
        let minutes_header = layout.title.as_deref().filter(|t| {
            let f = hoptac_text::fold(t).text;
            lex.words.minutes_headers.iter().any(|h| f.starts_with(h))
        });
        let minutes_of = match (minutes_header, layout.dated) {
            (Some(t), Some(d)) => {
                let f = hoptac_text::fold(t);
                lex.cues_from(&f.text, &f.word_starts).into_iter().find_map(|c| match c.cue {
                    Cue::Event(k) => Some((k, d)),
                    _ => None,
                })
            }
            _ => None,
        };
        let spans: Vec<hoptac_text::Sentence> = sentences(text, layout.article_start..layout.article_end)
            .into_iter()
            .filter_map(|s| {
                // a sentence opening with skipped text (a dateline) starts after it
                let start = layout
                    .skipped
                    .iter()
                    .find(|&&(a, b)| a <= s.start && s.start < b && b < s.end)
                    .map_or(s.start, |&(_, b)| b);
                let s = hoptac_text::Sentence { start, end: s.end };
                layout.in_article(s.start).then_some(s)
            })
            .collect();
        let analyse = |s: hoptac_text::Sentence| {
            let mut sent = Sent::analyse(self.gazetteer, text, s, lex);
            // places inside skipped text (a dateline after a caption) are not the article's
            sent.forget_places_in(&layout.skipped);
            sent
        };
        // The year an undated article is written in: an anniversary range, else "60 năm … quan hệ
        // ngoại giao" counted from its start: a look ahead through the cue words alone, only for
        // an article with no date of its own.
        let document_year = hoptac_text::date::anniversary_year(article).or_else(|| {
            if document_date.is_some() || !lex.may_name_an_anniversary(article) {
                return None;
            }
            spans.iter().filter(|s| lex.may_name_an_anniversary(s.text(text))).find_map(|s| {
                let f = hoptac_text::fold(s.text(text));
                let cues = lex.cues_from(&f.text, &f.word_starts);
                cues.iter()
                    .any(|c| matches!(c.cue, Cue::AnniversaryOf(_)))
                    .then(|| analyse(*s).anniversary_year())
                    .flatten()
            })
        });
        let years = Years { published: document_date, document: document_year, minutes_of };

        // One pass: each sentence is analysed, read by every rule, and dropped.
        let mut places = Places::default();
        let mut people = Vec::new();
        let mut event_cands: Vec<EventCand> = Vec::new();
        let mut agreement_cands: Vec<AgreementCand> = Vec::new();
        let mut figures = Vec::new();
        let mut signed_at: Vec<(String, Span)> = Vec::new();
        // the headline and the first sentence say what the article is about
        let mut lead_date = None;
        for (i, &span) in spans.iter().enumerate() {
            let s = analyse(span);
            if i < 2 && lead_date.is_none() {
                lead_date = s.dates.iter().find_map(|d| match d.value {
                    hoptac_text::date::DateValue::Date(p) if p.precision() == 3 => Some(p),
                    _ => None,
                });
            }
            places.add(self.gazetteer, &s);
            people.extend(people::people_in(&s));
            let last = event_cands.last().and_then(|e| e.event.date).filter(|d| d.precision() == 3);
            event_cands.extend(events::events_in(&s, &years, last, i < 2));
            agreement_cands.extend(agreements::agreements_in(&s, &years));
            figures.extend(figures::figures_in(&s));
            if let Some(span) = agreements::signed_at_meeting(&s) {
                signed_at.push((s.src.to_string(), span));
            }
        }
        let sentence_count = spans.len();
        drop(spans);
        let places = places.finish();
        let people = people::merge_people(people);
        let counts: Vec<(PlaceId, usize)> = places.iter().map(|p| (p.id.clone(), p.mentions.len())).collect();
        let partnership = context::partnership(&event_cands, &agreement_cands, &counts);
        let event_cands = events::occasions(event_cands, lead_date, years.reference());

        let mut events: Vec<Event> = event_cands
            .into_iter()
            .map(|c| {
                let mut e = c.event;
                // A meeting held after a merger was held by the successor; a plan written before
                // it keeps the parties the text names (the store maps them when asked).
                let parties = c.parties.settle(&partnership);
                e.parties = if e.status == EventStatus::Held { self.successors_on(parties, e.date) } else { parties };
                e
            })
            .collect();
        // dates of the meetings the article reports, by ordinal and (unnumbered, held) by kind
        let mut dated_by_ordinal: FastMap<u32, PartialDate> = FastMap::default();
        let mut held_by_kind: FastMap<EventKind, PartialDate> = FastMap::default();
        for e in &events {
            let Some(d) = e.date else { continue };
            if let Some(n) = e.ordinal {
                dated_by_ordinal.entry(n).or_insert(d);
            } else if e.status == EventStatus::Held {
                let best = held_by_kind.entry(e.kind).or_insert(d);
                if d.precision() > best.precision() {
                    *best = d;
                }
            }
        }
        // The article's own meeting: the first held meeting it reports.
        let main = events.iter().find(|e| e.status == EventStatus::Held).cloned();
        let mut agreements: Vec<Agreement> = Vec::new();
        let mut signing: Option<Event> = None;
        for c in agreement_cands {
            let mut a = c.agreement;
            a.parties = c.parties.settle(&partnership);
            // signed at the article's occasion, or minutes that name no other meeting: its date
            let own_minutes = a.kind == AgreementKind::Minutes && c.meeting.is_none();
            if (c.signed_here || own_minutes) && a.signed.is_none() && a.period.is_none() {
                a.signed = main.as_ref().and_then(|m| m.date).or(c.sentence_date);
            }
            if let (None, Some((kind, ordinal))) = (a.signed, c.meeting) {
                // the minutes of a meeting the article reports carry that meeting's date
                a.signed = match ordinal {
                    Some(n) => dated_by_ordinal.get(&n).copied(),
                    None => held_by_kind.get(&kind).copied(),
                };
            }
            // the signing the article reports: the mention that dates it most precisely
            let precision = |d: Option<PartialDate>| d.map_or(0, |d| d.precision());
            if c.signed_here && signing.as_ref().is_none_or(|e: &Event| precision(c.sentence_date) > precision(e.date))
            {
                signing = Some(Event {
                    kind: EventKind::Signing,
                    ordinal: None,
                    date: c.sentence_date,
                    place: c.venue.clone(),
                    status: EventStatus::Held,
                    parties: a.parties.clone(),
                    confidence: a.confidence * 0.8,
                    evidence: a.evidence.clone(),
                    span: a.span,
                });
            }
            agreements.push(a);
        }
        // The minutes themselves, signed on the date they bear.
        if let (Some(header), Some(date)) = (minutes_header, layout.dated) {
            let at = text.find(header).unwrap_or(0);
            agreements.push(Agreement {
                kind: AgreementKind::Minutes,
                signed: Some(date),
                period: None,
                parties: partnership.clone(),
                confidence: 0.9,
                evidence: header.to_string(),
                span: Span::new(at, at + header.len()),
            });
        }
        if let Some(main) = events
            .iter()
            .filter(|e| e.status == EventStatus::Held && e.kind != EventKind::Signing && e.kind != EventKind::Visit)
            .max_by_key(|e| (e.date.map_or(0, |d| d.precision()), std::cmp::Reverse(e.span.start)))
        {
            for (evidence, span) in signed_at {
                agreements.push(Agreement {
                    kind: AgreementKind::Minutes,
                    signed: main.date,
                    period: None,
                    parties: main.parties.clone(),
                    confidence: 0.7,
                    evidence,
                    span,
                });
            }
        }
        // A signing reported on its own, when no meeting of the article covers it.
        let has_meeting = events.iter().any(|e| e.status == EventStatus::Held);
        if let (Some(sig), false) = (signing, has_meeting) {
            events.push(sig);
        }
        events.sort_by_key(|e| e.span.start);
        let events = merge::merge_events(self.gazetteer, events);
        let agreements = merge::merge_agreements(self.gazetteer, agreements);
        let figures = figures::merge_figures(figures);

        let mut diagnostics = Vec::new();
        if sentence_count == 0 {
            diagnostics.push(Diagnostic { message: "no article text found".into(), span: None });
        }
        if layout.article_end < text.len() {
            diagnostics.push(Diagnostic {
                message: "site boilerplate after the article was skipped".into(),
                span: Some(Span::new(layout.article_end, text.len())),
            });
        }
        ExtractRecord {
            format: FORMAT.to_string(),
            document: DocumentMeta {
                source: source.to_string(),
                title: layout.title.clone(),
                published: document_date,
                language: language.to_string(),
                encoding: encoding.to_string(),
                length: text.len(),
                article_end: layout.article_end,
            },
            places,
            people,
            events,
            agreements,
            figures,
            diagnostics,
        }
    }

    /// A meeting held after a province merged is the successor's (Kon Tum → Quảng Ngãi from 2025-07-01).
    fn successors_on(&self, parties: Vec<PlaceId>, date: Option<PartialDate>) -> Vec<PlaceId> {
        let Some(date) = date else { return parties };
        let mut out: Vec<PlaceId> = Vec::new();
        for p in parties {
            let id = if p.as_str().contains(':') { p } else { self.gazetteer.current(p.as_str(), date) };
            if !out.contains(&id) {
                out.push(id);
            }
        }
        out
    }
}

/// The places of a document, gathered sentence by sentence: each listed once with all its mentions.
#[derive(Default)]
struct Places {
    by_id: FastMap<PlaceId, PlaceRef>,
    order: Vec<PlaceId>,
}

impl Places {
    fn add(&mut self, g: &Gazetteer, s: &Sent) {
        for p in &s.places {
            let span = s.span(p.start, p.end);
            if let Some(r) = self.by_id.get_mut(&p.id) {
                r.mentions.push(span);
                continue;
            }
            self.order.push(p.id.clone());
            let name =
                g.get(p.id.as_str()).map_or_else(|| s.source_of(p.start, p.end).to_string(), |g| g.name_vi.clone());
            self.by_id.insert(
                p.id.clone(),
                PlaceRef {
                    id: p.id.clone(),
                    name,
                    level: p.level,
                    country: p.id.country().to_string(),
                    mentions: vec![span],
                },
            );
        }
    }

    /// Countries first, then provinces, then the rest, each in order of appearance. Only what the
    /// text names: a country is not listed because a place inside it is.
    fn finish(mut self) -> Vec<PlaceRef> {
        let mut out: Vec<PlaceRef> = self.order.into_iter().filter_map(|id| self.by_id.remove(&id)).collect();
        out.sort_by_key(|p| p.level.rank());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages() {
        assert_eq!(detect_language("Hội nghị hợp tác giữa hai tỉnh"), "vi");
        assert_eq!(detect_language("The conference between the two provinces"), "en");
        assert_eq!(detect_language("ກອງປະຊຸມ ຮ່ວມມື"), "lo");
        // only the first 1,500 characters count, however many bytes they take
        let lao_then_english = format!("{}{}", "ກ".repeat(1_500), " the conference".repeat(1_000));
        assert_eq!(detect_language(&lao_then_english), "lo");
        let english_then_lao = format!("{}{}", "a".repeat(1_500), "ກ".repeat(5_000));
        assert_eq!(detect_language(&english_then_lao), "en");
        // a Vietnamese letter in every 25 is Vietnamese; fewer is English with a name in it
        assert_eq!(detect_language(&format!("{}ệ", "a".repeat(24))), "vi");
        assert_eq!(detect_language(&format!("{}ệ", "a".repeat(30))), "en");
    }

    proptest::proptest! {
        /// Read as bytes, the letters are those `is_letter` finds character by character.
        #[test]
        fn letters_counted_as_bytes_are_the_letters(
            chars in proptest::collection::vec(proptest::sample::select(vec![
                'a', 'Z', ' ', '1', '.', 'À', 'Þ', 'ß', 'ÿ', '×', '÷', 'Ă', 'đ', 'ơ', 'Ư', 'ɏ', 'ɐ', 'Ḁ', 'ệ', 'ỹ',
                'Ỿ', 'ỿ', 'ກ', 'ຫ', '໐', '໙', 'ໜ', '່', '“', '–', '\u{a0}', 'Ω', 'ℓ', '中', '😀', '\u{300}',
            ]), 0..80),
            limit in 0usize..90,
        ) {
            let text: String = chars.iter().collect();
            let (mut letters, mut lao, mut viet) = (0, 0, 0);
            for c in text.chars().take(limit).filter(|c| hoptac_text::is_letter(*c)) {
                letters += 1;
                if ('\u{0E80}'..='\u{0EFF}').contains(&c) {
                    lao += 1;
                } else if !c.is_ascii() {
                    viet += 1;
                }
            }
            proptest::prop_assert_eq!(letter_counts(&text, limit), (letters, lao, viet));
        }
    }

    fn first_event(text: &str) -> Event {
        Extractor::new().extract("t.txt", text, "UTF-8").events.into_iter().next().expect("an event")
    }

    #[test]
    fn a_held_meeting_cannot_postdate_the_article() {
        let e = first_event("Tin hợp tác\n\nThứ Ba, 02/01/2024, 08:00\n\nNgày 28/12, tại TP Kon Tum, tỉnh Kon Tum và tỉnh Attapư tổ chức hội đàm.");
        assert_eq!(e.date.map(|d| d.to_string()).as_deref(), Some("2023-12-28"));
    }

    #[test]
    fn a_planned_meeting_keeps_the_year_of_the_article() {
        let e = first_event(
            "Tin hợp tác\n\nThứ Tư, 06/03/2024, 08:00\n\nHội nghị hợp tác lần thứ 5 giữa huyện Sa Thầy và huyện Phu Vông sẽ được tổ chức vào tháng 11.",
        );
        assert_eq!(e.status, EventStatus::Planned);
        assert_eq!(e.ordinal, Some(5));
        assert_eq!(e.date.map(|d| d.to_string()).as_deref(), Some("2024-11"));
    }

    #[test]
    fn a_day_without_a_year_takes_it_from_the_anniversary_range() {
        let e = first_event("Ngày 5/10, tại huyện Đăk Glei, hai huyện Đăk Glei và Phu Vông tổ chức hội đàm nhân kỷ niệm 62 năm quan hệ ngoại giao (5/9/1962 – 5/9/2024).");
        assert_eq!(e.date.map(|d| d.to_string()).as_deref(), Some("2024-10-05"));
    }

    #[test]
    fn a_plan_written_before_the_merger_keeps_its_parties() {
        let e = first_event(
            "Tin\n\n12/5/2024\n\nHội nghị tổng kết giữa tỉnh Kon Tum và tỉnh Attapư sẽ được tổ chức vào năm 2027.",
        );
        assert_eq!(e.status, EventStatus::Planned);
        let parties: Vec<&str> = e.parties.iter().map(|p| p.as_str()).collect();
        assert_eq!(parties, vec!["VN-28", "LA-AT"]);
    }

    #[test]
    fn the_date_of_a_review_is_not_the_signing_of_what_it_reviews() {
        let r = Extractor::new().extract(
            "t.txt",
            "Tin\n\n12/5/2024\n\nHội nghị sơ kết bản ghi nhớ giai đoạn 2022-2027 giữa tỉnh Quảng Nam và tỉnh Sê Kông sẽ diễn ra vào tháng 9/2024.",
            "UTF-8",
        );
        let a = r.agreements.first().expect("the memorandum");
        assert_eq!(a.signed, None);
        assert_eq!(a.period, hoptac_core::Period::new(2022, 2027));
    }

    #[test]
    fn a_meeting_after_the_merger_belongs_to_the_successor() {
        let e = first_event("Ngày 10/8/2025, tại tỉnh Attapư, tỉnh Kon Tum và tỉnh Attapư tổ chức hội đàm.");
        let parties: Vec<&str> = e.parties.iter().map(|p| p.as_str()).collect();
        assert_eq!(parties, vec!["VN-29", "LA-AT"]);
        let before = first_event("Ngày 10/8/2024, tại tỉnh Attapư, tỉnh Kon Tum và tỉnh Attapư tổ chức hội đàm.");
        assert_eq!(before.parties[0].as_str(), "VN-28");
    }

    #[test]
    fn many_meetings_merge_by_ordinal_and_date() {
        let mut text = String::new();
        for n in 1..=400 {
            // each numbered conference twice: once dated, once only by its number
            text += &format!(
                "Ngày 5/6/{}, tỉnh Kon Tum và tỉnh Sê Kông tổ chức Hội nghị hợp tác lần thứ {n}.\n",
                1950 + n % 100
            );
            text += &format!("Hội nghị hợp tác lần thứ {n} giữa tỉnh Kon Tum và tỉnh Sê Kông đã thành công.\n");
        }
        let r = Extractor::new().extract("many.txt", &text, "UTF-8");
        assert_eq!(r.events.len(), 400);
        assert!(r.events.iter().all(|e| e.date.is_some_and(|d| d.precision() == 3)));
    }

    #[test]
    fn repeated_figures_merge_and_distinct_ones_stay() {
        let mut text = String::new();
        for n in 1..=300 {
            text += &format!("Tỉnh Kon Tum đã trao {n} suất học bổng cho tỉnh Sê Kông.\nTỉnh Kon Tum đã trao {n} suất học bổng cho tỉnh Sê Kông.\n");
        }
        let r = Extractor::new().extract("figs.txt", &text, "UTF-8");
        assert_eq!(r.figures.len(), 300);
    }

    #[test]
    fn empty_text_gives_an_empty_record_and_a_diagnostic() {
        let r = Extractor::new().extract("x.txt", "", "UTF-8");
        assert!(r.places.is_empty() && r.events.is_empty());
        assert!(!r.diagnostics.is_empty());
    }
}
