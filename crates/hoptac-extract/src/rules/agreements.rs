//! Written agreements: memoranda, minutes, joint statements.

use hoptac_core::{Agreement, AgreementKind, EventKind, PartialDate, PlaceId, Span};
use hoptac_text::date::DateValue;

use super::context::{best_date, parties_between, venue, Parties, Years};
use super::events::ordinal;
use crate::analysis::{most_precise, two_sided, Sent};
use crate::lexicon::Cue;

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
            // "ký kết nghĩa", "was twinned": the twinning document
            Cue::SignedTwinning => Some((c.start, c.end, Some(AgreementKind::Mou))),
            _ => None,
        })
        .collect();
    for (n, &(start, end, kind)) in agreement_cues.iter().enumerate() {
        let (ca, cb) = s.clause(start);
        let next = agreement_cues.get(n + 1).map_or(cb, |x| x.0.min(cb));
        let twinning = s.cues_in(start, end).any(|c| c.cue == Cue::SignedTwinning);
        // a signing word just before ("đã ký kết chương trình hợp tác") or just after ("… đã ký kết")
        let sign_before = twinning || s.cues_in(start.saturating_sub(24), start).any(|c| c.cue == Cue::Sign);
        let sign_after = s.cues_in(end, (end + 24).min(text.len())).any(|c| c.cue == Cue::Sign);
        let realis_before = s
            .cues_in(ca, start)
            .rev()
            .take_while(|c| !matches!(c.cue, Cue::Irrealis | Cue::Planned))
            .any(|c| c.cue == Cue::Realis);
        let kind = match kind {
            Some(AgreementKind::Other) => continue,
            Some(k) => k,
            None if sign_before || sign_after => AgreementKind::Mou,
            // a programme two named parties carry out ("thực hiện chương trình phối hợp giữa A và B")
            None if realis_before && two_sided(&parties_between(s, end, cb, &[])) => AgreementKind::Mou,
            None => continue,
        };
        // an agreement named after a meeting is its minutes ("biên bản ghi nhớ hội đàm")
        let meeting = meeting_named(s, end, next);
        let kind =
            if kind == AgreementKind::Mou && meeting.is_some() && !twinning { AgreementKind::Minutes } else { kind };
        // modality: the nearest modal word before it in the clause, or "giai đoạn mới" after it
        let mut realis = false;
        let mut irrealis = s.cues_in(end, next).any(|c| c.cue == Cue::Irrealis);
        for c in s.cues_in(ca, start).rev() {
            match c.cue {
                Cue::Planned | Cue::Irrealis => {
                    irrealis = true;
                    break;
                }
                Cue::Held | Cue::Realis | Cue::EventReference | Cue::Deliver => {
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
        // "A and B sign the minutes of the talks with C": who signs, before the signing word
        let signers = sign_before && two_sided(&parties_between(s, pa.max(ca), start, &venue_idx));
        // "memorandum between the two organisations": the parties are the partnership's
        let first_place = s.admin_places_in(end, next).map(|(_, p)| p.cue_start).next().unwrap_or(next);
        let collective_after = s.cues_in(end, first_place).any(|c| c.cue == Cue::Collective);
        let explicit = if collective_after {
            Vec::new()
        } else if signers {
            before
        } else if two_sided(&after) {
            after
        } else if collective_phrase {
            Vec::new()
        } else {
            let mut both = before;
            both.extend(after);
            most_precise(&both)
        };
        let mut confidence: f32 = 0.5;
        if sign_before || sign_after {
            confidence += 0.2;
        }
        if signed.is_some() || period.is_some() {
            confidence += 0.15;
        }
        if two_sided(&explicit) {
            confidence += 0.1;
        }
        out.push(AgreementCand {
            agreement: Agreement {
                kind,
                signed,
                period,
                parties: Vec::new(),
                confidence: confidence.min(0.95),
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
            meeting: if kind == AgreementKind::Minutes { meeting } else { None },
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
        Cue::Meeting => Some((EventKind::Conference, c)),
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
