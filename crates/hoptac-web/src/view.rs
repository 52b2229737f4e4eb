//! Records as people read them, in their language: labels of kinds and statuses from the
//! catalogues, place names in the language's spelling, numbers with separators, and the rows the
//! pages show. Pages and the API's `label` fields use the same functions.

use hoptac_store::dossier::{CommitmentLine, Line, PersonLine, Source};
use hoptac_store::{FactType, StoredAgreement, StoredEvent, StoredFigure};

pub use hoptac_i18n::labels::{code, number, parse_code, Labels, AGREEMENT_KINDS, EVENT_KINDS, UNITS};

/// The rows the pages show, made by [`Labels`].
pub trait Rows {
    fn sources(&self, sources: &[Source]) -> Vec<SourceLink>;
    fn first_sources(&self, sources: &[Source], total: usize) -> (Vec<SourceLink>, usize);
    fn row<T>(&self, fact_type: FactType, id: i64, line: &Line<T>, title: String, detail: String) -> FactRow;
    fn event_row(&self, l: &Line<StoredEvent>) -> FactRow;
    fn agreement_row(&self, l: &Line<StoredAgreement>) -> FactRow;
    fn figure_row(&self, l: &Line<StoredFigure>) -> FactRow;
    fn commitment_row(&self, c: &CommitmentLine) -> CommitmentRow;
    fn person_row(&self, p: &PersonLine) -> PersonRow;
}

impl Rows for Labels<'_> {
    fn sources(&self, sources: &[Source]) -> Vec<SourceLink> {
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

    /// The first [`SOURCES_SHOWN`] of `sources`, and how many of `total` are not listed (the
    /// dossier may hold only the first few: its total says how many there are).
    fn first_sources(&self, sources: &[Source], total: usize) -> (Vec<SourceLink>, usize) {
        let mut shown = self.sources(sources);
        shown.truncate(SOURCES_SHOWN);
        let more = total.max(sources.len()).saturating_sub(shown.len());
        (shown, more)
    }

    fn row<T>(&self, fact_type: FactType, id: i64, line: &Line<T>, title: String, detail: String) -> FactRow {
        let (sources, more_sources) = self.first_sources(&line.sources, line.sources_total);
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

    fn event_row(&self, l: &Line<StoredEvent>) -> FactRow {
        self.row(FactType::Event, l.fact.id, l, self.event_title(&l.fact), self.event_detail(&l.fact))
    }
    fn agreement_row(&self, l: &Line<StoredAgreement>) -> FactRow {
        self.row(FactType::Agreement, l.fact.id, l, self.agreement_kind(l.fact.kind), self.agreement_detail(&l.fact))
    }
    fn figure_row(&self, l: &Line<StoredFigure>) -> FactRow {
        self.row(FactType::Figure, l.fact.id, l, self.figure_kind(l.fact.kind), self.figure_detail(&l.fact))
    }
    fn commitment_row(&self, c: &CommitmentLine) -> CommitmentRow {
        CommitmentRow {
            fact: self.figure_row(&c.line),
            status: c.status.as_str(),
            status_label: self.commitment_status(c.status),
            delivered: number(c.delivered, self.lang),
            promised: number(c.promised, self.lang),
            ledger: c
                .ledger
                .iter()
                .map(|y| {
                    let status = y.status.as_str();
                    let line = self.t.with(
                        "ledger-year",
                        &[
                            ("year", y.year.to_string()),
                            ("delivered", number(y.delivered, self.lang)),
                            ("expected", number(y.expected, self.lang)),
                        ],
                    );
                    (status, line)
                })
                .collect(),
            results: c.results.iter().map(|r| self.figure_row(r)).collect(),
        }
    }
    fn person_row(&self, p: &PersonLine) -> PersonRow {
        // A person met often (a governor) is named in hundreds of documents: the first few are
        // listed, the rest counted (search finds them).
        let (sources, more_sources) = self.first_sources(&p.sources, p.sources_total);
        PersonRow {
            name: p.person.name.clone(),
            roles: p.roles.iter().map(|r| r.title.clone()).collect::<Vec<_>>().join("; "),
            sources,
            more_sources,
            search: format!(
                "/search?q={}",
                form_urlencoded::byte_serialize(p.person.name.as_bytes()).collect::<String>()
            ),
        }
    }
}

/// A dossier line lists this many sources; the fact's own page lists them all, a page at a time.
pub const SOURCES_SHOWN: usize = 5;
/// A dossier page lists the latest agreements, meetings and other figures, this many of each
/// (all of them on request).
pub const LINES_SHOWN: usize = 20;

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
    /// A commitment stated per year, year by year: (met | short | open, "2022: 8 of 10").
    pub ledger: Vec<(&'static str, String)>,
    pub results: Vec<FactRow>,
}

#[derive(Debug, Clone)]
pub struct PersonRow {
    pub name: String,
    pub roles: String,
    pub sources: Vec<SourceLink>,
    /// Sources not listed, and a search that finds them.
    pub more_sources: usize,
    pub search: String,
}
