//! The report as a document, before any format: a title block, numbered sections of tables and
//! paragraphs, charts, and the sources as numbered notes. Every format (Markdown, HTML, DOCX,
//! PDF) renders this one value, so they say the same thing.

use std::collections::{BTreeMap, HashMap};

use hoptac_core::{EventStatus, PartialDate};
use hoptac_i18n::{Labels, Lang};
use hoptac_store::dossier::{CommitmentStatus, Dossier, Line, Source};
use hoptac_store::{DocId, DocumentSummary, ReviewState};
use jiff::civil::Date;

use crate::chart::Chart;

/// What to put in a report.
#[derive(Debug, Clone)]
pub struct Options {
    pub lang: Lang,
    /// First and last year of the period reported on (inclusive); the whole record when absent.
    pub from: Option<i16>,
    pub to: Option<i16>,
    /// Leave out facts no person has confirmed (otherwise they are marked).
    pub confirmed_only: bool,
    pub today: Date,
}

/// A source note: the document and the sentence quoted.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub number: usize,
    pub title: String,
    pub publisher: String,
    pub date: Option<String>,
    pub sentence: String,
}

/// One row of a table: its cells, the notes citing its sources, whether it awaits review.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    pub cells: Vec<String>,
    pub notes: Vec<usize>,
    pub pending: bool,
    /// A status worth the reader's eye (overdue, tentative): drawn in bold.
    pub strong: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

/// A numbered section: paragraphs, then a table (or "none recorded" when both are empty).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Section {
    pub title: String,
    pub paragraphs: Vec<Row>,
    pub table: Option<Table>,
    pub charts: Vec<Chart>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub lang: Lang,
    pub kind: String,
    pub between: String,
    pub period: String,
    pub made: String,
    pub map_title: String,
    pub agreements: Section,
    pub sections: Vec<Section>,
    pub gaps: Section,
    /// Legends under the title: pending mark, confirmed only.
    pub legends: Vec<String>,
    pub none: String,
    pub notes_title: String,
    pub notes: Vec<Note>,
}

impl Report {
    /// The sections in the order every format writes them (the notes are numbered in this
    /// order): the agreements in force, what the record says is missing (when anything is), I–V.
    pub fn body(&self) -> impl Iterator<Item = &Section> {
        std::iter::once(&self.agreements)
            .chain((!self.gaps.paragraphs.is_empty()).then_some(&self.gaps))
            .chain(self.sections.iter())
    }
}

/// Numbers sources in the order they are first cited.
struct Notes<'a> {
    documents: HashMap<DocId, &'a DocumentSummary>,
    /// A note per sentence of a document (two facts read from one sentence share it).
    by_key: HashMap<(DocId, String), usize>,
    notes: Vec<Note>,
    lang: Lang,
    any_pending: bool,
}

impl Notes<'_> {
    /// A row citing `sources`, marked when it awaits review.
    fn row(&mut self, cells: Vec<String>, sources: &[Source], review: ReviewState, strong: bool) -> Row {
        let pending = review == ReviewState::Pending;
        self.any_pending |= pending;
        Row { cells, notes: self.cite(sources), pending, strong }
    }

    fn cite(&mut self, sources: &[Source]) -> Vec<usize> {
        let mut out = Vec::new();
        for s in sources {
            let key = (s.document, s.sentence.trim().to_string());
            let n = match self.by_key.get(&key) {
                Some(n) => *n,
                None => {
                    let n = self.notes.len() + 1;
                    let doc = self.documents.get(&s.document);
                    let source = doc.map(|d| d.source.as_str()).unwrap_or("");
                    self.notes.push(Note {
                        number: n,
                        title: doc.and_then(|d| d.title.clone()).unwrap_or_else(|| file_name(source)),
                        publisher: publisher(source),
                        date: doc.and_then(|d| d.published).map(|d| date(d, self.lang)),
                        sentence: s.sentence.trim().to_string(),
                    });
                    self.by_key.insert(key, n);
                    n
                }
            };
            if !out.contains(&n) {
                out.push(n);
            }
        }
        out
    }
}

/// Where a source was published: the host of a web address, or the file it was read from.
pub fn publisher(source: &str) -> String {
    if let Some(rest) = source.split_once("://").map(|(_, r)| r) {
        let host = rest.split('/').next().unwrap_or(rest);
        return host.trim_start_matches("www.").to_string();
    }
    file_name(source)
}

fn file_name(source: &str) -> String {
    source.rsplit(['/', '\\']).next().unwrap_or(source).to_string()
}

/// A date as the language writes it: 25/04/2024 in Vietnamese and Lao, 2024-04-25 in English;
/// months and years alone as 04/2024 and 2024.
pub fn date(d: PartialDate, lang: Lang) -> String {
    match (lang, d.month, d.day) {
        (Lang::En, _, _) => d.to_string(),
        (_, Some(m), Some(day)) => format!("{day:02}/{m:02}/{}", d.year),
        (_, Some(m), None) => format!("{m:02}/{}", d.year),
        _ => d.year.to_string(),
    }
}

fn in_years(year: Option<i16>, o: &Options) -> bool {
    match year {
        Some(y) => o.from.is_none_or(|f| y >= f) && o.to.is_none_or(|t| y <= t),
        None => true,
    }
}

fn overlaps(first: i16, last: i16, o: &Options) -> bool {
    o.from.is_none_or(|f| last >= f) && o.to.is_none_or(|t| first <= t)
}

/// "Kon Tum → Attapeu"; one side may be unknown ("Kon Tum →"); nothing when neither is known.
fn giver_receiver(labels: &Labels, f: &hoptac_store::StoredFigure) -> String {
    match (f.from.is_empty(), f.to.is_empty()) {
        (true, true) => String::new(),
        _ => format!("{} → {}", labels.parties(&f.from), labels.parties(&f.to)).trim().to_string(),
    }
}

fn shown<T>(l: &Line<T>, o: &Options) -> bool {
    !o.confirmed_only || l.review != ReviewState::Pending
}

/// Build the report of a dossier.
pub fn build(d: &Dossier, labels: &Labels, o: &Options) -> Report {
    let t = labels.t;
    let mut notes = Notes {
        documents: d.documents.iter().map(|doc| (doc.id, doc)).collect(),
        by_key: HashMap::new(),
        notes: Vec::new(),
        lang: o.lang,
        any_pending: false,
    };

    let mut parties: Vec<hoptac_core::PlaceId> = d.partnerships.iter().flat_map(|p| p.parties.clone()).collect();
    parties.sort();
    parties.dedup();
    let between = if parties.is_empty() {
        d.places.iter().filter_map(|set| set.first()).map(|p| labels.place(p)).collect::<Vec<_>>().join(" – ")
    } else {
        labels.parties(&parties)
    };

    // Agreements in force (or signed) during the period.
    let agreements_rows: Vec<Row> = d
        .agreements
        .iter()
        .filter(|a| shown(a, o))
        .filter(|a| match (a.fact.period, a.fact.signed) {
            (Some(p), _) => overlaps(p.first, p.last, o),
            (None, Some(s)) => in_years(Some(s.year), o),
            (None, None) => true,
        })
        .map(|a| {
            let f = &a.fact;
            notes.row(
                vec![
                    labels.agreement_kind(f.kind),
                    f.signed.map(|s| date(s, o.lang)).unwrap_or_default(),
                    f.period.map(|p| format!("{}–{}", p.first, p.last)).unwrap_or_default(),
                    labels.parties(&a.parties),
                ],
                &a.sources,
                a.review,
                false,
            )
        })
        .collect();
    let agreements = Section {
        title: t.get("report-agreements"),
        table: Some(Table {
            headers: ["dossier-agreements", "report-col-date", "report-col-period", "report-col-between"]
                .map(|k| t.get(k))
                .to_vec(),
            rows: agreements_rows,
        }),
        ..Section::default()
    };

    // I. Meetings.
    let events: Vec<&Line<hoptac_store::StoredEvent>> =
        d.events.iter().filter(|e| shown(e, o) && in_years(e.fact.date.map(|d| d.year), o)).collect();
    let mut per_year: BTreeMap<i16, f64> = BTreeMap::new();
    for e in &events {
        if let (Some(dt), EventStatus::Held) = (e.fact.date, e.fact.status) {
            *per_year.entry(dt.year).or_default() += 1.0;
        }
    }
    let meeting_rows: Vec<Row> = events
        .iter()
        .map(|e| {
            let f = &e.fact;
            notes.row(
                vec![
                    f.ordinal.map(hoptac_text::roman::to_roman).unwrap_or_default(),
                    labels.event_kind(f.kind),
                    f.date.map(|dt| date(dt, o.lang)).unwrap_or_default(),
                    f.place.as_ref().map(|p| labels.place(p)).unwrap_or_default(),
                    labels.status(f.status),
                ],
                &e.sources,
                e.review,
                false,
            )
        })
        .collect();
    let mut meetings = Section {
        title: t.get("report-meetings"),
        table: Some(Table {
            headers: [
                "report-col-ordinal",
                "report-col-kind",
                "report-col-date",
                "report-col-venue",
                "report-col-status",
            ]
            .map(|k| t.get(k))
            .to_vec(),
            rows: meeting_rows,
        }),
        ..Section::default()
    };
    if !per_year.is_empty() {
        meetings.charts.push(Chart {
            title: t.get("report-chart-meetings"),
            series: vec![t.get("status-held")],
            bars: per_year.into_iter().map(|(y, n)| (y.to_string(), vec![n])).collect(),
        });
    }

    // II. Commitments and results.
    let commitments: Vec<_> = d
        .commitments
        .iter()
        .filter(|c| shown(&c.line, o))
        .filter(|c| match (c.line.fact.period, c.line.fact.year) {
            (Some(p), _) => overlaps(p.first, p.last, o),
            (None, y) => in_years(y, o),
        })
        .collect();
    let mut bars = Vec::new();
    let mut commitment_rows: Vec<Row> = Vec::new();
    for c in &commitments {
        let f = &c.line.fact;
        let status = match c.status {
            CommitmentStatus::Promised | CommitmentStatus::Overdue if c.delivered > 0.0 => {
                format!("{} ({})", labels.commitment_status(c.status), t.get("report-partly"))
            }
            s => labels.commitment_status(s),
        };
        let giver_receiver = giver_receiver(labels, f);
        let what = format!("{} ({})", f.quantity, labels.unit(f.unit));
        bars.push((what.clone(), vec![c.promised, c.delivered]));
        let promised = if f.per_year {
            format!("{} ({} {})", labels.number(c.promised), labels.number(f.value), t.get("per-year"))
        } else {
            labels.number(f.value)
        };
        let mut sources = c.line.sources.clone();
        for r in &c.results {
            sources.extend(r.sources.iter().cloned());
        }
        commitment_rows.push(notes.row(
            vec![
                    what,
                    giver_receiver,
                    f.period
                        .map(|p| format!("{}–{}", p.first, p.last))
                        .or(f.year.map(|y| y.to_string()))
                        .unwrap_or_default(),
                    promised,
                    labels.number(c.delivered),
                    status,
                ],
            &sources,
            c.line.review,
            c.status == CommitmentStatus::Overdue,
        ));
        // A commitment stated per year, year by year: "ledger-year" reads "2022: 8 of 10".
        for y in c.ledger.iter().filter(|y| in_years(Some(y.year), o)) {
            let status = match y.status {
                hoptac_store::gaps::YearStatus::Met => labels.commitment_status(CommitmentStatus::Delivered),
                hoptac_store::gaps::YearStatus::Short => labels.commitment_status(CommitmentStatus::Overdue),
                hoptac_store::gaps::YearStatus::Open => labels.commitment_status(CommitmentStatus::Promised),
            };
            let line = t.with(
                "ledger-year",
                &[
                    ("year", y.year.to_string()),
                    ("delivered", labels.number(y.delivered)),
                    ("expected", labels.number(y.expected)),
                ],
            );
            commitment_rows.push(Row {
                cells: vec![
                    format!("– {line}"),
                    String::new(),
                    y.year.to_string(),
                    labels.number(y.expected),
                    labels.number(y.delivered),
                    status,
                ],
                strong: y.status == hoptac_store::gaps::YearStatus::Short,
                ..Row::default()
            });
        }
    }
    for f in d.other_figures.iter().filter(|f| shown(f, o) && f.fact.kind == hoptac_core::FigureKind::Result) {
        let x = &f.fact;
        if !in_years(x.year.or(x.period.map(|p| p.last)), o) {
            continue;
        }
        let giver_receiver = giver_receiver(labels, x);
        commitment_rows.push(notes.row(
            vec![
                format!("{} ({})", x.quantity, labels.unit(x.unit)),
                giver_receiver,
                x.year.map(|y| y.to_string()).unwrap_or_default(),
                String::new(),
                labels.number(x.value),
                labels.figure_kind(x.kind),
            ],
            &f.sources,
            f.review,
            false,
        ));
    }
    let mut commitments_section = Section {
        title: t.get("report-commitments"),
        table: Some(Table {
            headers: [
                "report-col-what",
                "report-col-parties",
                "report-col-period",
                "report-col-promised",
                "report-col-delivered",
                "report-col-status",
            ]
            .map(|k| t.get(k))
            .to_vec(),
            rows: commitment_rows,
        }),
        ..Section::default()
    };
    // One chart per unit would be fairer; amounts of different units share no axis, so the chart
    // shows each commitment as the share delivered (promised = 100).
    let shares: Vec<(String, Vec<f64>)> = bars
        .into_iter()
        .filter(|(_, v)| v[0] > 0.0)
        .map(|(label, v)| (label, vec![100.0, (v[1] / v[0] * 100.0).min(100.0)]))
        .collect();
    if !shares.is_empty() {
        commitments_section.charts.push(Chart {
            title: format!("{} (%)", t.get("report-chart-commitments")),
            series: vec![t.get("report-col-promised"), t.get("report-col-delivered")],
            bars: shares,
        });
    }

    // III. People met.
    let people_rows: Vec<Row> = d
        .people
        .iter()
        .filter(|p| {
            p.roles.iter().any(|r| in_years(r.last_seen.or(r.first_seen).map(|d| d.year), o)) || p.roles.is_empty()
        })
        .map(|p| {
            let titles: Vec<String> = p.roles.iter().map(|r| r.title.clone()).collect();
            Row {
                cells: vec![p.person.name.clone(), titles.join("; ")],
                notes: notes.cite(&p.sources),
                pending: false,
                strong: false,
            }
        })
        .collect();
    let people = Section {
        title: t.get("report-people"),
        table: Some(Table { headers: vec![t.get("report-col-name"), t.get("report-col-titles")], rows: people_rows }),
        ..Section::default()
    };

    // IV. Conflicts between sources.
    let mut conflict_rows = Vec::new();
    let mut conflicts_of = |what: String, line_conflicts: &[hoptac_store::dossier::Conflict], sources: &[Source]| {
        for c in line_conflicts {
            let claims: Vec<String> = c
                .claims
                .iter()
                .map(|claim| {
                    let value = match &claim.value {
                        serde_json::Value::String(s) => s.clone(),
                        v => v.to_string(),
                    };
                    let cited: Vec<usize> = notes.cite(
                        &sources.iter().filter(|s| claim.documents.contains(&s.document)).cloned().collect::<Vec<_>>(),
                    );
                    let refs: Vec<String> = cited.iter().map(|n| format!("[{n}]")).collect();
                    format!("{value} {}", refs.join(""))
                })
                .collect();
            conflict_rows.push(Row { cells: vec![what.clone(), c.field.clone(), claims.join("; ")], ..Row::default() });
        }
    };
    for e in &events {
        conflicts_of(labels.event_title(&e.fact), &e.conflicts, &e.sources);
    }
    for a in &d.agreements {
        conflicts_of(labels.agreement_kind(a.fact.kind), &a.conflicts, &a.sources);
    }
    for c in &commitments {
        conflicts_of(labels.figure_detail(&c.line.fact), &c.line.conflicts, &c.line.sources);
    }
    let conflicts = Section {
        title: t.get("report-conflicts"),
        table: Some(Table {
            headers: vec![t.get("report-col-record"), t.get("report-col-field"), t.get("report-col-claims")],
            rows: conflict_rows,
        }),
        ..Section::default()
    };

    // V. What is due next: announced meetings, expected ones, commitments whose period ends.
    let mut due_rows = Vec::new();
    for e in d.events.iter().filter(|e| shown(e, o) && e.fact.status == EventStatus::Planned) {
        let when = e.fact.date.map(|dt| date(dt, o.lang)).unwrap_or_default();
        let mut what = labels.event_title(&e.fact);
        if let Some(p) = &e.fact.place {
            what = format!("{what} — {}", labels.place(p));
        }
        due_rows.push(notes.row(vec![when, what], &e.sources, e.review, false));
    }
    let (gap_lines, forecasts) = labels.gap_lines(d);
    for f in forecasts {
        due_rows.push(Row { cells: vec![String::new(), f], strong: true, ..Row::default() });
    }
    let this_year = o.today.year();
    for c in d.commitments.iter().filter(|c| shown(&c.line, o)) {
        if let Some(p) = c.line.fact.period {
            if (this_year..=this_year + 1).contains(&p.last) && c.status != CommitmentStatus::Delivered {
                let what = t.with(
                    "report-due-ends",
                    &[("what", labels.figure_detail(&c.line.fact)), ("year", p.last.to_string())],
                );
                due_rows.push(notes.row(vec![p.last.to_string(), what], &c.line.sources, c.line.review, false));
            }
        }
    }
    let due = Section {
        title: t.get("report-due"),
        table: Some(Table { headers: vec![t.get("report-col-when"), t.get("report-col-what")], rows: due_rows }),
        ..Section::default()
    };

    let gaps = Section {
        title: t.get("report-gaps"),
        paragraphs: gap_lines.into_iter().map(|g| Row { cells: vec![g], strong: true, ..Row::default() }).collect(),
        ..Section::default()
    };

    let period = match (o.from, o.to) {
        (None, None) => t.get("report-period-all"),
        (f, to) => t.with(
            "report-period",
            &[
                ("from", f.map(|y| y.to_string()).unwrap_or_default()),
                ("to", to.map(|y| y.to_string()).unwrap_or_default()),
            ],
        ),
    };
    let mut legends = Vec::new();
    if o.confirmed_only {
        legends.push(t.get("report-confirmed-only"));
    } else if notes.any_pending {
        legends.push(t.get("report-pending-mark"));
    }
    let today = PartialDate::ymd(o.today.year(), o.today.month() as u8, o.today.day() as u8);
    Report {
        lang: o.lang,
        kind: t.get("report-kind"),
        between: t.with("report-between", &[("parties", between)]),
        period,
        made: t.with(
            "report-made",
            &[
                ("date", today.map(|d| date(d, o.lang)).unwrap_or_default()),
                (
                    "n",
                    notes.by_key.keys().map(|(doc, _)| doc).collect::<std::collections::HashSet<_>>().len().to_string(),
                ),
            ],
        ),
        map_title: t.get("report-map"),
        agreements,
        sections: vec![meetings, commitments_section, people, conflicts, due],
        gaps,
        legends,
        none: t.get("report-none"),
        notes_title: t.get("report-notes"),
        notes: notes.notes,
    }
}
