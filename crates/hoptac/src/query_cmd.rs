//! The read commands: `hoptac search`, `hoptac dossier`, `hoptac agenda`. They open the store
//! read-only and never write it.

use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use comfy_table::{presets::UTF8_FULL_CONDENSED, ContentArrangement, Table};
use hoptac_app::backend::Location;
use hoptac_extract::Gazetteer;
use hoptac_search::{SearchIndex, SearchQuery};
use hoptac_store::dossier::{Conflict, Dossier, Source};
use hoptac_store::DocId;

use hoptac_app::places::{name, resolve};
use hoptac_app::render;

/// Today, or the date given with `--today` (for reproducible output).
pub fn today(given: Option<&str>) -> Result<jiff::civil::Date> {
    match given {
        Some(s) => s.parse().with_context(|| format!("--today {s:?}: expected YYYY-MM-DD")),
        None => Ok(jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::system()).date()),
    }
}

/// A table, or "(none)" when it has no rows.
fn show(out: &mut String, t: &Table) {
    if t.row_count() == 0 {
        out.push_str("  (none)\n");
    } else {
        out.push_str(&format!("{t}\n"));
    }
}

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic).set_width(160);
    t.set_header(header.iter().copied());
    t
}

// ---------------------------------------------------------------------------------------------
// search

#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// Words to find (diacritics and tone-mark placement do not matter: "hai cot" finds "hài cốt").
    /// Quotes make a phrase; OR and - work as usual.
    query: String,
    /// Only entries about this place (any spelling or id); repeatable. A province includes the
    /// units it absorbed (Quảng Ngãi includes Kon Tum).
    #[arg(long)]
    place: Vec<String>,
    /// From this year on.
    #[arg(long)]
    from: Option<i64>,
    /// Up to this year.
    #[arg(long)]
    to: Option<i64>,
    /// Only this kind: document, event, agreement, figure, person, or a kind of them
    /// (conference, midterm_review, mou, commitment, result, …); repeatable.
    #[arg(long)]
    kind: Vec<String>,
    #[arg(long, default_value_t = 10)]
    limit: usize,
    /// Count every match. By default a query matching more than 10,000 entries reads only those
    /// that can be among the best hits and says how many it counted at least.
    #[arg(long)]
    count_all: bool,
    /// JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub fn search(loc: &Location, args: SearchArgs) -> Result<ExitCode> {
    let store = loc.open_read_only()?;
    let index = SearchIndex::open_read_only(&loc.index_dir())?;
    let pending = match hoptac_app::index::changes_behind(&*store, &loc.index_dir())? {
        Some(behind) => behind.max(0) as usize,
        None => store.unindexed_documents()?.len(),
    };
    if pending > 0 {
        eprintln!(
            "hoptac: warning: {pending} change(s) to stored documents are not in the search index yet (the next ingest or `hoptac reindex` brings it up to date)"
        );
    }
    let g = Gazetteer::builtin();
    let stored_places = store.places()?;
    let mut places = Vec::new();
    for p in &args.place {
        let id = resolve(g, p)?;
        places.extend(hoptac_store::dossier::with_predecessors(&id, &stored_places).into_iter().map(|p| p.to_string()));
    }
    let years = match (args.from, args.to) {
        (None, None) => None,
        (a, b) => Some((a.unwrap_or(i64::MIN), b.unwrap_or(i64::MAX))),
    };
    let (named, text_rest) = hoptac_app::places::named_in_query(g, &args.query);
    let text_places = named
        .iter()
        .map(|id| {
            hoptac_store::dossier::with_predecessors(id, &stored_places).into_iter().map(|p| p.to_string()).collect()
        })
        .collect();
    let query = SearchQuery {
        text: args.query.clone(),
        text_places,
        text_rest,
        places,
        years,
        kinds: args.kind.clone(),
        limit: args.limit,
        snippets: None,
        deadline: None,
        count_up_to: args.count_all.then_some(usize::MAX),
    };
    let results = index.search(&query, &hoptac_app::index::StoreBodies(store.reader()))?;
    if args.json {
        let v = serde_json::json!({
            "query": args.query,
            "total": results.total,
            "total_exact": results.total_exact,
            "hits": results.hits,
        });
        outln!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(ExitCode::SUCCESS);
    }
    let color = std::io::stdout().is_terminal();
    let (on, off) = if color { ("\x1b[1;33m", "\x1b[0m") } else { ("«", "»") };
    let at_least = if results.total_exact { "" } else { "at least " };
    outln!("{at_least}{} result(s) for {:?}", results.total, args.query);
    for (i, h) in results.hits.iter().enumerate() {
        let year = h.year.map(|y| format!(" ({y})")).unwrap_or_default();
        outln!("\n{:>2}. [{}] {}{}", i + 1, h.fact_type, h.title, year);
        let mut snippet = String::new();
        let mut at = 0;
        for &(a, b) in &h.highlights {
            if a < at || b > h.snippet.len() || !h.snippet.is_char_boundary(a) || !h.snippet.is_char_boundary(b) {
                continue;
            }
            snippet.push_str(&h.snippet[at..a]);
            snippet.push_str(on);
            snippet.push_str(&h.snippet[a..b]);
            snippet.push_str(off);
            at = b;
        }
        snippet.push_str(&h.snippet[at..]);
        outln!("    {}", snippet.replace('\n', " "));
        outln!("    — {} (document {})", h.source, h.doc_id);
    }
    Ok(ExitCode::SUCCESS)
}

// ---------------------------------------------------------------------------------------------
// dossier

#[derive(Debug, clap::Args)]
pub struct DossierArgs {
    /// Two (or more) places, by id or any spelling: "Kon Tum" "Sê Kông", VN-28 LA-XE, "Đăk Glei" "Xan Xay".
    #[arg(required = true, num_args = 2..)]
    places: Vec<String>,
    /// JSON instead of text tables.
    #[arg(long)]
    json: bool,
    /// The date statuses are computed for (default: today).
    #[arg(long)]
    today: Option<String>,
}

pub fn dossier(loc: &Location, args: DossierArgs) -> Result<ExitCode> {
    let store = loc.open_read_only()?;
    let g = Gazetteer::builtin();
    let wanted = args.places.iter().map(|p| resolve(g, p)).collect::<Result<Vec<_>, _>>()?;
    let today = today(args.today.as_deref())?;
    let d = hoptac_store::dossier::build(store.reader(), &wanted, today)?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&d)?);
        return Ok(ExitCode::SUCCESS);
    }
    out!("{}", dossier_text(g, &d, &wanted, today));
    Ok(ExitCode::SUCCESS)
}

/// Source references as `[n:start-end]`, n numbering the dossier's documents.
struct Refs(HashMap<DocId, usize>);

impl Refs {
    fn of(&self, sources: &[Source]) -> String {
        let refs: Vec<String> = sources
            .iter()
            .map(|s| format!("[{}:{}-{}]", self.0.get(&s.document).copied().unwrap_or(0), s.span.start, s.span.end))
            .collect();
        refs.join(" ")
    }

    fn conflicts(&self, cs: &[Conflict]) -> String {
        cs.iter()
            .map(|c| {
                let claims: Vec<String> = c
                    .claims
                    .iter()
                    .map(|cl| {
                        let docs: Vec<String> =
                            cl.documents.iter().map(|d| format!("[{}]", self.0.get(d).copied().unwrap_or(0))).collect();
                        format!("{} {}", cl.value, docs.join(""))
                    })
                    .collect();
                format!("\n⚠ sources differ on {}: {}", c.field, claims.join(" vs "))
            })
            .collect()
    }
}

/// What the record says is missing, and the next meeting where none is announced.
fn gaps_text(g: &Gazetteer, gaps: &hoptac_store::dossier::Gaps) -> String {
    let mut lines = Vec::new();
    for m in &gaps.missing {
        let numbers: Vec<String> = m.ordinals.iter().map(|n| hoptac_text::roman::to_roman(*n)).collect();
        lines.push(format!(
            "{} {} never reported (partnership {})",
            render::event_kind(m.kind),
            numbers.join(", "),
            m.partnership
        ));
    }
    if !gaps.overdue.is_empty() {
        lines.push(format!(
            "{} commitment(s) whose period ended undelivered (see Commitments: overdue)",
            gaps.overdue.len()
        ));
    }
    for short in &gaps.short_years {
        let years: Vec<String> = short.years.iter().map(|y| y.to_string()).collect();
        lines.push(format!(
            "commitment {} stated per year fell short in {} (see Commitments)",
            short.commitment,
            years.join(", ")
        ));
    }
    if let (Some(months), Some(last)) = (gaps.silent_months, gaps.last_report) {
        lines.push(format!("nothing reported for {months} months (last report {last})"));
    }
    for f in &gaps.forecasts {
        let when = match f.month {
            Some(m) => format!("{}-{m:02}", f.year),
            None => f.year.to_string(),
        };
        let number = f.ordinal.map(|n| format!(" {}", hoptac_text::roman::to_roman(n))).unwrap_or_default();
        let host = f.host.as_ref().map(|h| format!(", hosted by {}", name(g, h))).unwrap_or_default();
        lines.push(format!(
            "tentative: {}{number} around {when}{host} (not announced; from the record's rhythm)",
            render::event_kind(f.kind)
        ));
    }
    if lines.is_empty() {
        return String::new();
    }
    let mut out = String::from("\nWhat the record says is missing\n");
    for l in lines {
        out.push_str(&format!("  {l}\n"));
    }
    out
}

pub fn dossier_text(g: &Gazetteer, d: &Dossier, wanted: &[hoptac_core::PlaceId], today: jiff::civil::Date) -> String {
    let mut out = String::new();
    let names: Vec<String> = wanted.iter().map(|p| format!("{} ({p})", name(g, p))).collect();
    out.push_str(&format!("Dossier: {}   as of {today}\n", names.join(" – ")));
    for set in &d.places {
        if set.len() > 1 {
            let absorbed: Vec<String> = set[1..].iter().map(|p| name(g, p)).collect();
            out.push_str(&format!("  {} includes {} (merged into it)\n", name(g, &set[0]), absorbed.join(", ")));
        }
    }
    if d.partnerships.is_empty() {
        out.push_str("\nNo records for this partnership yet.\n");
        return out;
    }
    let ps: Vec<String> = d.partnerships.iter().map(|p| render::parties(g, &p.parties)).collect();
    out.push_str(&format!("Partnerships: {}\n", ps.join("; ")));
    let refs = Refs(d.documents.iter().enumerate().map(|(i, doc)| (doc.id, i + 1)).collect());

    out.push_str("\nAgreements\n");
    let mut t = table(&["agreement", "signed", "period", "parties", "sources"]);
    for a in &d.agreements {
        t.add_row(vec![
            format!("{}{}", render::agreement_kind(a.fact.kind), refs.conflicts(&a.conflicts)),
            a.fact.signed.map(|s| s.to_string()).unwrap_or_default(),
            a.fact.period.map(|p| format!("{}–{}", p.first, p.last)).unwrap_or_default(),
            render::parties(g, &a.parties),
            refs.of(&a.sources),
        ]);
    }
    show(&mut out, &t);

    out.push_str("\nMeetings (timeline)\n");
    let mut t = table(&["date", "meeting", "host / venue", "status", "parties", "sources"]);
    for e in &d.events {
        t.add_row(vec![
            e.fact.date.map(|s| s.to_string()).unwrap_or_else(|| "—".into()),
            format!("{}{}", render::event_title(&e.fact), refs.conflicts(&e.conflicts)),
            e.fact.place.as_ref().map(|p| name(g, p)).unwrap_or_default(),
            render::status(e.fact.status).to_string(),
            render::parties(g, &e.parties),
            refs.of(&e.sources),
        ]);
    }
    show(&mut out, &t);

    out.push_str("\nCommitments\n");
    let mut t = table(&["commitment", "status", "delivered", "fulfilled by", "sources"]);
    for c in &d.commitments {
        let results: Vec<String> =
            c.results.iter().map(|r| format!("{} {}", render::figure_what(g, &r.fact), refs.of(&r.sources))).collect();
        t.add_row(vec![
            format!("{}{}", render::figure_what(g, &c.line.fact), refs.conflicts(&c.line.conflicts)),
            c.status.as_str().to_string(),
            {
                let mut cell = format!("{} of {}", render::number(c.delivered), render::number(c.promised));
                if c.line.fact.per_year {
                    cell.push_str(&format!(" ({} a year)", render::number(c.line.fact.value)));
                }
                for y in &c.ledger {
                    let mark = match y.status {
                        hoptac_store::gaps::YearStatus::Met => "met",
                        hoptac_store::gaps::YearStatus::Short => "SHORT",
                        hoptac_store::gaps::YearStatus::Open => "open",
                    };
                    cell.push_str(&format!(
                        "\n{}: {} of {} {mark}",
                        y.year,
                        render::number(y.delivered),
                        render::number(y.expected)
                    ));
                }
                cell
            },
            results.join("\n"),
            refs.of(&c.line.sources),
        ]);
    }
    show(&mut out, &t);

    if !d.other_figures.is_empty() {
        out.push_str("\nResults and figures (not tied to a commitment)\n");
        let mut t = table(&["kind", "figure", "sources"]);
        for f in &d.other_figures {
            t.add_row(vec![
                render::figure_kind(f.fact.kind).to_string(),
                format!("{}{}", render::figure_what(g, &f.fact), refs.conflicts(&f.conflicts)),
                refs.of(&f.sources),
            ]);
        }
        show(&mut out, &t);
    }

    out.push_str("\nPeople met\n");
    let mut t = table(&["name", "country", "roles (seen)", "sources"]);
    for p in &d.people {
        let roles: Vec<String> = p
            .roles
            .iter()
            .map(|r| {
                let seen = match (r.first_seen, r.last_seen) {
                    (Some(a), Some(b)) if a == b => format!(" ({a})"),
                    (Some(a), Some(b)) => format!(" ({a} – {b})"),
                    _ => String::new(),
                };
                format!("{}{seen}", r.title)
            })
            .collect();
        t.add_row(vec![
            p.person.name.clone(),
            p.person.country.clone().unwrap_or_default(),
            roles.join("\n"),
            refs.of(&p.sources),
        ]);
    }
    show(&mut out, &t);

    out.push_str(&gaps_text(g, &d.gaps));

    out.push_str("\nSources ([n:start-end] = document n, byte span of the evidence in its text)\n");
    for (i, doc) in d.documents.iter().enumerate() {
        let published = doc.published.map(|p| format!(", {p}")).unwrap_or_default();
        let title = doc.title.as_deref().map(|t| format!(" — {t}")).unwrap_or_default();
        out.push_str(&format!("  [{}] {}{}{}\n", i + 1, doc.source, title, published));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// agenda

#[derive(Debug, clap::Args)]
pub struct AgendaArgs {
    /// How far ahead to look, in days.
    #[arg(long, default_value_t = 365)]
    days: i64,
    /// Also write the agenda as an iCalendar file.
    #[arg(long, value_name = "FILE")]
    ics: Option<PathBuf>,
    /// JSON instead of text.
    #[arg(long)]
    json: bool,
    /// The date to look ahead from (default: today).
    #[arg(long)]
    today: Option<String>,
}

pub fn agenda(loc: &Location, args: AgendaArgs) -> Result<ExitCode> {
    if args.days < 0 {
        bail!("--days must not be negative");
    }
    let store = loc.open_read_only()?;
    let g = Gazetteer::builtin();
    let today = today(args.today.as_deref())?;
    let a = hoptac_store::agenda::build(store.reader(), today, args.days)?;
    if let Some(path) = &args.ics {
        let ics = hoptac_store::agenda::to_ics(&a, &|p| name(g, p), &|ps| render::parties(g, ps), &render::event_title);
        std::fs::write(path, ics).with_context(|| format!("cannot write {}", path.display()))?;
    }
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&a)?);
        return Ok(ExitCode::SUCCESS);
    }
    outln!("Agenda from {} to {}", a.today, a.until);
    let meetings = |title: &str, ms: &[hoptac_store::agenda::Meeting]| -> Result<()> {
        outln!("\n{title}");
        if ms.is_empty() {
            outln!("  (none)");
        }
        for m in ms {
            outln!("  {}", render::event_line(g, &m.event, &m.parties));
        }
        Ok(())
    };
    meetings("Planned meetings", &a.meetings)?;
    outln!("\nExpected meetings (tentative: not announced, from the record's rhythm)");
    if a.tentative.is_empty() {
        outln!("  (none)");
    }
    for t in &a.tentative {
        let f = &t.forecast;
        let when = match f.month {
            Some(m) => format!("{}-{m:02}", f.year),
            None => f.year.to_string(),
        };
        let number = f.ordinal.map(|n| format!(" {}", hoptac_text::roman::to_roman(n))).unwrap_or_default();
        let host = f.host.as_ref().map(|h| format!(", hosted by {}", name(g, h))).unwrap_or_default();
        outln!("  {when} conference{number} — {}{host}", render::parties(g, &t.parties));
    }
    meetings("Planned meetings whose date has passed, not reported held", &a.unconfirmed)?;
    let due = |title: &str, ds: &[hoptac_store::agenda::Due]| -> Result<()> {
        outln!("\n{title}");
        if ds.is_empty() {
            outln!("  (none)");
        }
        for d in ds {
            outln!(
                "  {} — {} ({} of {} delivered)",
                render::figure_what(g, &d.commitment),
                d.status.as_str(),
                render::number(d.delivered),
                render::number(d.commitment.value)
            );
        }
        Ok(())
    };
    due("Commitments falling due", &a.due)?;
    due("Commitments overdue", &a.overdue)?;
    if let Some(path) = &args.ics {
        outln!("\nCalendar written to {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
