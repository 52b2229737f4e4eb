//! Records as people read them, in their language: labels of kinds and statuses from the
//! catalogues, place names in the language's spelling, numbers with separators, and the rows the
//! pages show. Pages and the API's `label` fields use the same functions.

use hoptac_core::{AgreementKind, EventKind, EventStatus, FigureKind, PlaceId, Unit};
use hoptac_store::dossier::{CommitmentLine, CommitmentStatus, Line, PersonLine, Source};
use hoptac_store::{FactType, ReviewState, StoredAgreement, StoredEvent, StoredFact, StoredFigure};

use crate::i18n::{Catalog, Lang};
use crate::state::AppState;

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

/// A number as people write it: 585000000 → "585.000.000" in Vietnamese and Lao, "585,000,000"
/// in English.
pub fn number(v: f64, lang: Lang) -> String {
    let s = hoptac_app::render::number(v);
    match lang {
        Lang::En => s,
        _ => s.replace(',', "\u{0}").replace('.', ",").replace('\u{0}', "."),
    }
}

/// Labels in one language.
pub struct Labels<'a> {
    pub t: &'a Catalog,
    pub st: &'a AppState,
    pub lang: Lang,
}

impl Labels<'_> {
    pub fn place(&self, id: &PlaceId) -> String {
        self.st.place_name(id, self.lang)
    }

    /// Party names, Vietnamese parties first, joined by " – ".
    pub fn parties(&self, ps: &[PlaceId]) -> String {
        let mut ps: Vec<&PlaceId> = ps.iter().collect();
        ps.sort_by_key(|p| (p.country() != "VN", p.as_str()));
        ps.iter().map(|p| self.place(p)).collect::<Vec<_>>().join(" – ")
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
            Some(n) if self.lang == Lang::Vi => format!("{kind} lần thứ {}", hoptac_text::roman::to_roman(n)),
            Some(n) if self.lang == Lang::Lo => format!("{kind} ຄັ້ງທີ {}", hoptac_text::roman::to_roman(n)),
            Some(n) => format!("{kind} {}", hoptac_text::roman::to_roman(n)),
            None => kind,
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
        let mut s = format!("{} ({} {})", f.quantity, number(f.value, self.lang), self.unit(f.unit));
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

    /// Title and detail of any fact.
    pub fn fact(&self, fact: &StoredFact) -> (String, String) {
        match fact {
            StoredFact::Event(e) => (self.event_title(e), self.event_detail(e)),
            StoredFact::Agreement(a) => (self.agreement_kind(a.kind), self.agreement_detail(a)),
            StoredFact::Figure(f) => (self.figure_kind(f.kind), self.figure_detail(f)),
            StoredFact::Person(p, titles) => (p.name.clone(), titles.join("; ")),
        }
    }

    pub fn sources(&self, sources: &[Source]) -> Vec<SourceLink> {
        let mut out: Vec<SourceLink> = Vec::new();
        for s in sources {
            if out.iter().any(|o| o.document == s.document && o.start == s.span.start) {
                continue;
            }
            out.push(SourceLink {
                document: s.document,
                start: s.span.start,
                href: format!("/documents/{}#s{}", s.document, s.span.start),
                label: format!("[{}:{}]", s.document, s.span.start),
                sentence: s.sentence.clone(),
            });
        }
        out
    }

    pub fn row<T>(&self, fact_type: FactType, id: i64, line: &Line<T>, title: String, detail: String) -> FactRow {
        let mut sources = self.sources(&line.sources);
        let more_sources = sources.len().saturating_sub(SOURCES_SHOWN);
        sources.truncate(SOURCES_SHOWN);
        FactRow {
            href: fact_href(fact_type, id),
            anchor: format!("{}-{id}", fact_type.as_str()),
            title,
            detail,
            parties: self.parties(&line.parties),
            review: line.review.as_str(),
            review_label: self.review(line.review),
            sources,
            more_sources,
            conflicts: line.conflicts.iter().map(|c| c.field.clone()).collect(),
        }
    }

    pub fn event_row(&self, l: &Line<StoredEvent>) -> FactRow {
        self.row(FactType::Event, l.fact.id, l, self.event_title(&l.fact), self.event_detail(&l.fact))
    }
    pub fn agreement_row(&self, l: &Line<StoredAgreement>) -> FactRow {
        self.row(FactType::Agreement, l.fact.id, l, self.agreement_kind(l.fact.kind), self.agreement_detail(&l.fact))
    }
    pub fn figure_row(&self, l: &Line<StoredFigure>) -> FactRow {
        self.row(FactType::Figure, l.fact.id, l, self.figure_kind(l.fact.kind), self.figure_detail(&l.fact))
    }
    pub fn commitment_row(&self, c: &CommitmentLine) -> CommitmentRow {
        CommitmentRow {
            fact: self.figure_row(&c.line),
            status: c.status.as_str(),
            status_label: self.commitment_status(c.status),
            delivered: number(c.delivered, self.lang),
            promised: number(c.line.fact.value, self.lang),
            results: c.results.iter().map(|r| self.figure_row(r)).collect(),
        }
    }
    pub fn person_row(&self, p: &PersonLine) -> PersonRow {
        PersonRow {
            name: p.person.name.clone(),
            roles: p.roles.iter().map(|r| r.title.clone()).collect::<Vec<_>>().join("; "),
            sources: self.sources(&p.sources),
        }
    }
}

/// A dossier line lists this many sources; the fact's own page lists every one.
pub const SOURCES_SHOWN: usize = 5;

pub fn fact_href(fact_type: FactType, id: i64) -> String {
    format!("/facts/{}/{id}", fact_type.as_str())
}

#[derive(Debug, Clone)]
pub struct SourceLink {
    pub document: i64,
    pub start: usize,
    pub href: String,
    pub label: String,
    pub sentence: String,
}

#[derive(Debug, Clone)]
pub struct FactRow {
    pub href: String,
    pub anchor: String,
    pub title: String,
    pub detail: String,
    pub parties: String,
    pub review: &'static str,
    pub review_label: String,
    pub sources: Vec<SourceLink>,
    /// Sources not listed (the fact's page lists them all).
    pub more_sources: usize,
    pub conflicts: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct CommitmentRow {
    pub fact: FactRow,
    pub status: &'static str,
    pub status_label: String,
    pub delivered: String,
    pub promised: String,
    pub results: Vec<FactRow>,
}

#[derive(Debug, Clone)]
pub struct PersonRow {
    pub name: String,
    pub roles: String,
    pub sources: Vec<SourceLink>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Catalogs;

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
        assert_eq!(number(2.5, Lang::Lo), "2,5");
        assert_eq!(code(&Unit::BorderMarker), "border_marker");
        assert_eq!(parse_code::<EventKind>("midterm_review"), Some(EventKind::MidtermReview));
        assert_eq!(parse_code::<EventKind>("<script>"), None);
    }
}
