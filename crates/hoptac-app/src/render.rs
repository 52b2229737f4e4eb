//! One-line descriptions of stored facts, shared by the search index, the dossier, the agenda
//! and the calendar file.

use hoptac_core::{AgreementKind, EventKind, EventStatus, FigureKind, PlaceId, Unit};
use hoptac_extract::Gazetteer;
use hoptac_store::{StoredAgreement, StoredEvent, StoredFigure, StoredPerson};

use crate::places::name;

pub fn event_kind(k: EventKind) -> &'static str {
    match k {
        EventKind::Conference => "conference (hội nghị)",
        EventKind::MidtermReview => "mid-term review (sơ kết)",
        EventKind::FinalReview => "final review (tổng kết)",
        EventKind::Signing => "signing (lễ ký kết)",
        EventKind::Talks => "talks (hội đàm)",
        EventKind::Visit => "visit (thăm, làm việc)",
        EventKind::Other => "meeting",
    }
}

pub fn agreement_kind(k: AgreementKind) -> &'static str {
    match k {
        AgreementKind::Mou => "memorandum of understanding (bản ghi nhớ)",
        AgreementKind::Minutes => "minutes (biên bản)",
        AgreementKind::JointStatement => "joint statement (thông cáo chung)",
        AgreementKind::Other => "agreement",
    }
}

pub fn figure_kind(k: FigureKind) -> &'static str {
    match k {
        FigureKind::Commitment => "commitment",
        FigureKind::Result => "result",
        FigureKind::Fact => "fact",
    }
}

pub fn unit(u: Unit) -> &'static str {
    match u {
        Unit::Scholarship => "scholarships",
        Unit::Teacher => "teachers",
        Unit::Student => "students",
        Unit::Remains => "sets of remains",
        Unit::Vnd => "VND",
        Unit::Usd => "USD",
        Unit::Lak => "LAK",
        Unit::Km => "km",
        Unit::Hectare => "ha",
        Unit::Ton => "t",
        Unit::Enterprise => "enterprises",
        Unit::Project => "projects",
        Unit::Village => "villages",
        Unit::Delegation => "delegations",
        Unit::BorderMarker => "border markers",
        Unit::Person => "people",
        Unit::Percent => "%",
        Unit::Other => "",
    }
}

pub fn status(s: EventStatus) -> &'static str {
    match s {
        EventStatus::Held => "held",
        EventStatus::Planned => "planned",
    }
}

/// A number as people write it: 585000000 → "585,000,000"; 2.5 stays "2.5".
pub fn number(v: f64) -> String {
    hoptac_i18n::labels::grouped(v)
}

/// Party names, Vietnamese parties first.
pub fn parties(g: &Gazetteer, ps: &[PlaceId]) -> String {
    let mut ps: Vec<&PlaceId> = ps.iter().collect();
    ps.sort_by_key(|p| (p.country() != "VN", p.as_str()));
    let names: Vec<String> = ps.iter().map(|p| name(g, p)).collect();
    names.join(" – ")
}

/// "conference XVIII (hội nghị)" / "mid-term review (sơ kết)".
pub fn event_title(e: &StoredEvent) -> String {
    let kind = event_kind(e.kind);
    match (e.ordinal, kind.split_once(" (")) {
        (Some(n), Some((en, vi))) => format!("{en} {} ({vi}", hoptac_text::roman::to_roman(n)),
        (Some(n), None) => format!("{kind} {}", hoptac_text::roman::to_roman(n)),
        (None, _) => kind.to_string(),
    }
}

pub fn event_line(g: &Gazetteer, e: &StoredEvent, ps: &[PlaceId]) -> String {
    let mut s = event_title(e);
    if let Some(d) = e.date {
        s.push_str(&format!(", {d}"));
    }
    if let Some(p) = &e.place {
        s.push_str(&format!(", at {}", name(g, p)));
    }
    s.push_str(&format!(" ({})", status(e.status)));
    if !ps.is_empty() {
        s.push_str(&format!(" — {}", parties(g, ps)));
    }
    s
}

pub fn agreement_line(g: &Gazetteer, a: &StoredAgreement, ps: &[PlaceId]) -> String {
    let mut s = agreement_kind(a.kind).to_string();
    if let Some(p) = a.period {
        s.push_str(&format!(" {}–{}", p.first, p.last));
    }
    if let Some(d) = a.signed {
        s.push_str(&format!(", signed {d}"));
    }
    if !ps.is_empty() {
        s.push_str(&format!(" — {}", parties(g, ps)));
    }
    s
}

/// "10 scholarships (10 suất học bổng) Kon Tum → Sê Kông, 2024–2029".
pub fn figure_what(g: &Gazetteer, f: &StoredFigure) -> String {
    let mut s = format!("{} {}", number(f.value), unit(f.unit)).trim_end().to_string();
    if !f.quantity.is_empty() {
        s.push_str(&format!(" ({})", f.quantity));
    }
    match (f.from.is_empty(), f.to.is_empty()) {
        (false, false) => s.push_str(&format!(", {} → {}", parties(g, &f.from), parties(g, &f.to))),
        (false, true) => s.push_str(&format!(", by {}", parties(g, &f.from))),
        (true, false) => s.push_str(&format!(", to {}", parties(g, &f.to))),
        (true, true) => {}
    }
    if let Some(p) = f.period {
        s.push_str(&format!(", {}–{}", p.first, p.last));
    } else if let Some(y) = f.year {
        s.push_str(&format!(", reported {y}"));
    }
    s
}

pub fn figure_line(g: &Gazetteer, f: &StoredFigure) -> String {
    format!("{}: {}", figure_kind(f.kind), figure_what(g, f))
}

pub fn person_line(p: &StoredPerson, titles: &[String]) -> String {
    if titles.is_empty() {
        p.name.clone()
    } else {
        format!("{}, {}", p.name, titles.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(number(585_000_000.0), "585,000,000");
        assert_eq!(number(10.0), "10");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(-1234.0), "-1,234");
    }
}
