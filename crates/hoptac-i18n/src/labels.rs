//! Records as people read them, in their language: labels of kinds and statuses from the
//! catalogues, place names in the language's spelling, numbers with the language's separators.
//! The web pages, the API's `label` fields, the reports and the exports use these functions.

use hoptac_core::{AgreementKind, EventKind, EventStatus, FigureKind, PlaceId, Unit};
use hoptac_extract::Gazetteer;
use hoptac_store::dossier::CommitmentStatus;
use hoptac_store::{FactType, ReviewState, StoredAgreement, StoredEvent, StoredFact, StoredFigure};

use crate::{Catalog, Lang};

/// The snake_case name of a record enum (`midterm_review`, `border_marker`): catalogue keys and
/// form values.
pub fn code<T: serde::Serialize>(v: &T) -> String {
    hoptac_core::variant_name(v).unwrap_or_default()
}

pub fn parse_code<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
}

pub const EVENT_KINDS: [EventKind; 7] = [
    EventKind::Conference,
    EventKind::MidtermReview,
    EventKind::FinalReview,
    EventKind::Signing,
    EventKind::Talks,
    EventKind::Visit,
    EventKind::Other,
];
pub const AGREEMENT_KINDS: [AgreementKind; 4] =
    [AgreementKind::Mou, AgreementKind::Minutes, AgreementKind::JointStatement, AgreementKind::Other];
pub const UNITS: [Unit; 18] = [
    Unit::Scholarship,
    Unit::Teacher,
    Unit::Student,
    Unit::Remains,
    Unit::Vnd,
    Unit::Usd,
    Unit::Lak,
    Unit::Km,
    Unit::Hectare,
    Unit::Ton,
    Unit::Enterprise,
    Unit::Project,
    Unit::Village,
    Unit::Delegation,
    Unit::BorderMarker,
    Unit::Person,
    Unit::Percent,
    Unit::Other,
];

/// Every catalogue key built from a record enum (a test checks they all exist).
pub fn enum_keys() -> Vec<String> {
    let mut keys: Vec<String> = EVENT_KINDS.iter().map(|k| format!("event-{}", code(k))).collect();
    keys.extend(AGREEMENT_KINDS.iter().map(|k| format!("agreement-{}", code(k))));
    keys.extend(UNITS.iter().map(|u| format!("unit-{}", code(u))));
    keys.extend(["commitment", "result", "fact"].map(|k| format!("figure-{k}")));
    keys.extend(["event", "agreement", "figure", "person", "document"].map(|k| format!("fact-{k}")));
    keys.extend(["held", "planned"].map(|k| format!("status-{k}")));
    keys.extend(["promised", "delivered", "overdue", "unknown"].map(|k| format!("commitment-{k}")));
    keys.extend(ReviewState::ALL.iter().map(|r| format!("review-{}", r.as_str())));
    keys
}

/// A number grouped by thousands with commas: 585000000 → "585,000,000" (fractions as they are).
pub fn grouped(v: f64) -> String {
    if v.fract() != 0.0 || v.abs() >= 1e15 {
        return format!("{v}");
    }
    let digits = format!("{}", v.abs() as u64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

/// A number as people write it: 585000000 → "585.000.000" in Vietnamese and Lao, "585,000,000"
/// in English.
pub fn number(v: f64, lang: Lang) -> String {
    let s = grouped(v);
    match lang {
        Lang::En => s,
        _ => s.replace(',', "\u{0}").replace('.', ",").replace('\u{0}', "."),
    }
}

/// A place's name in a language (the Vietnamese name when the gazetteer lacks one; the id when
/// the gazetteer does not know it).
pub fn place_name(g: &Gazetteer, id: &PlaceId, lang: Lang) -> String {
    let Some(p) = g.get(id.as_str()) else { return id.to_string() };
    let name = match lang {
        Lang::Vi => &p.name_vi,
        Lang::Lo => &p.name_lo,
        Lang::En => &p.name_en,
    };
    if name.is_empty() {
        p.name_vi.clone()
    } else {
        name.clone()
    }
}

/// Labels in one language.
#[derive(Clone, Copy)]
pub struct Labels<'a> {
    pub t: &'a Catalog,
    pub gazetteer: &'a Gazetteer,
    pub lang: Lang,
}

impl Labels<'_> {
    pub fn place(&self, id: &PlaceId) -> String {
        place_name(self.gazetteer, id, self.lang)
    }

    /// Party names, Vietnamese parties first, joined by " – ".
    pub fn parties(&self, ps: &[PlaceId]) -> String {
        let mut ps: Vec<&PlaceId> = ps.iter().collect();
        ps.sort_by_key(|p| (p.country() != "VN", p.as_str()));
        ps.iter().map(|p| self.place(p)).collect::<Vec<_>>().join(" – ")
    }

    pub fn number(&self, v: f64) -> String {
        number(v, self.lang)
    }

    pub fn event_kind(&self, k: EventKind) -> String {
        self.t.get(&format!("event-{}", code(&k)))
    }
    pub fn agreement_kind(&self, k: AgreementKind) -> String {
        self.t.get(&format!("agreement-{}", code(&k)))
    }
    pub fn figure_kind(&self, k: FigureKind) -> String {
        self.t.get(&format!("figure-{}", code(&k)))
    }
    pub fn status(&self, s: EventStatus) -> String {
        self.t.get(&format!("status-{}", code(&s)))
    }
    pub fn commitment_status(&self, s: CommitmentStatus) -> String {
        self.t.get(&format!("commitment-{}", s.as_str()))
    }
    pub fn review(&self, r: ReviewState) -> String {
        self.t.get(&format!("review-{}", r.as_str()))
    }
    pub fn fact_type(&self, f: FactType) -> String {
        self.t.get(&format!("fact-{}", f.as_str()))
    }
    pub fn unit(&self, u: Unit) -> String {
        self.t.get(&format!("unit-{}", code(&u)))
    }

    /// "Conference XVIII" / "Hội nghị lần thứ XVIII".
    pub fn event_title(&self, e: &StoredEvent) -> String {
        let kind = self.event_kind(e.kind);
        match e.ordinal {
            Some(n) => self.ordinal_title(kind, n),
            None => kind,
        }
    }

    /// A kind of meeting with its ordinal in the language's order.
    pub fn ordinal_title(&self, kind: String, n: u32) -> String {
        let roman = hoptac_text::roman::to_roman(n);
        match self.lang {
            Lang::Vi => format!("{kind} lần thứ {roman}"),
            Lang::Lo => format!("{kind} ຄັ້ງທີ {roman}"),
            Lang::En => format!("{kind} {roman}"),
        }
    }

    /// Date, venue and status of a meeting.
    pub fn event_detail(&self, e: &StoredEvent) -> String {
        let mut parts = Vec::new();
        if let Some(d) = e.date {
            parts.push(d.to_string());
        }
        if let Some(p) = &e.place {
            parts.push(self.place(p));
        }
        parts.push(self.status(e.status));
        parts.join(" · ")
    }

    pub fn agreement_detail(&self, a: &StoredAgreement) -> String {
        let mut parts = Vec::new();
        if let Some(d) = a.signed {
            parts.push(d.to_string());
        }
        if let Some(p) = a.period {
            parts.push(format!("{}–{}", p.first, p.last));
        }
        parts.join(" · ")
    }

    /// "10 suất học bổng (scholarships), 2024–2029".
    pub fn figure_detail(&self, f: &StoredFigure) -> String {
        let mut s = format!("{} ({} {})", f.quantity, self.number(f.value), self.unit(f.unit));
        if f.per_year {
            s.push_str(&format!(" {}", self.t.get("per-year")));
        }
        if let Some(p) = f.period {
            s.push_str(&format!(", {}–{}", p.first, p.last));
        } else if let Some(y) = f.year {
            s.push_str(&format!(", {y}"));
        }
        if !f.to.is_empty() {
            s.push_str(&format!(" → {}", self.parties(&f.to)));
        }
        s
    }

    /// The dossier's gaps and forecasts, worded in the page's language.
    /// "Hội nghị XVIII: chưa từng được ghi nhận": numbered meetings never reported.
    pub fn missing_line(&self, m: &hoptac_store::gaps::MissingOrdinals) -> String {
        let numbers: Vec<String> = m.ordinals.iter().map(|n| hoptac_text::roman::to_roman(*n)).collect();
        self.t.with("gaps-missing", &[("kind", self.event_kind(m.kind)), ("ordinals", numbers.join(", "))])
    }

    pub fn gap_lines(&self, d: &hoptac_store::dossier::Dossier) -> (Vec<String>, Vec<String>) {
        let g = &d.gaps;
        let (l, t) = (self, self.t);
        let mut gaps: Vec<String> = g.missing.iter().map(|m| l.missing_line(m)).collect();
        if !g.overdue.is_empty() {
            gaps.push(t.with("gaps-overdue", &[("n", g.overdue.len().to_string())]));
        }
        for short in &g.short_years {
            let Some(c) = d.commitments.iter().find(|c| c.line.fact.id == short.commitment) else { continue };
            let years: Vec<String> = short.years.iter().map(|y| y.to_string()).collect();
            gaps.push(
                t.with("gaps-short-years", &[("what", self.figure_detail(&c.line.fact)), ("years", years.join(", "))]),
            );
        }
        if let (Some(months), Some(last)) = (g.silent_months, g.last_report) {
            gaps.push(t.with("gaps-silent", &[("months", months.to_string()), ("date", last.to_string())]));
        }
        let forecasts = g
            .forecasts
            .iter()
            .map(|f| {
                let when = match f.month {
                    Some(m) => format!("{m:02}/{}", f.year),
                    None => f.year.to_string(),
                };
                let number = f.ordinal.map(hoptac_text::roman::to_roman).unwrap_or_default();
                match &f.host {
                    Some(h) => t.with(
                        "gaps-forecast",
                        &[("kind", l.event_kind(f.kind)), ("ordinal", number), ("when", when), ("host", l.place(h))],
                    ),
                    None => t.with(
                        "gaps-forecast-open",
                        &[("kind", l.event_kind(f.kind)), ("ordinal", number), ("when", when)],
                    ),
                }
            })
            .collect();
        (gaps, forecasts)
    }

    /// Title and detail of any fact.
    pub fn fact(&self, fact: &StoredFact) -> (String, String) {
        match fact {
            StoredFact::Event(e) => (self.event_title(e), self.event_detail(e)),
            StoredFact::Agreement(a) => (self.agreement_kind(a.kind), self.agreement_detail(a)),
            StoredFact::Figure(f) => (self.figure_kind(f.kind), self.figure_detail(f)),
            StoredFact::Person(p, titles) => (p.name.clone(), titles.join("; ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Catalogs;

    #[test]
    fn every_enum_label_exists() {
        let c = Catalogs::load().unwrap();
        for l in Lang::ALL {
            for k in enum_keys() {
                assert!(c.get(l).has(&k), "{}: {k}", l.code());
            }
        }
    }

    #[test]
    fn numbers_by_language() {
        assert_eq!(number(585_000_000.0, Lang::Vi), "585.000.000");
        assert_eq!(number(585_000_000.0, Lang::En), "585,000,000");
        assert_eq!(number(-1234.0, Lang::En), "-1,234");
        assert_eq!(number(2.5, Lang::Lo), "2,5");
        assert_eq!(code(&Unit::BorderMarker), "border_marker");
        assert_eq!(parse_code::<EventKind>("midterm_review"), Some(EventKind::MidtermReview));
        assert_eq!(parse_code::<EventKind>("<script>"), None);
    }

    #[test]
    fn ordinals_in_each_language() {
        let c = Catalogs::load().unwrap();
        let g = Gazetteer::builtin();
        let l = |lang| Labels { t: c.get(lang), gazetteer: g, lang };
        assert!(l(Lang::Vi).ordinal_title("Hội nghị".into(), 18).ends_with("lần thứ XVIII"));
        assert_eq!(l(Lang::En).ordinal_title("Conference".into(), 4), "Conference IV");
        assert_eq!(l(Lang::Lo).place(&PlaceId::new("LA-AT")), "ອັດຕະປື");
        assert_eq!(l(Lang::En).parties(&[PlaceId::new("LA-AT"), PlaceId::new("VN-28")]), "Kon Tum – Attapeu");
    }
}
