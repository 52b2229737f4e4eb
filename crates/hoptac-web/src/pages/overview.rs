//! The overview: the map and list of partnerships, meetings per year.

use super::*;

pub struct PartnershipRow {
    pub href: String,
    pub name: String,
    pub agreements: usize,
    pub open: usize,
    pub next: String,
    /// "Nothing reported for N months", when so.
    pub silent: Option<String>,
    /// What else the record says is missing: numbered meetings, overdue commitments, short years.
    pub gaps: Vec<String>,
}

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage<'a> {
    c: Chrome<'a>,
    counts: String,
    rows: Vec<PartnershipRow>,
    map: std::sync::Arc<str>,
    chart: String,
}

pub async fn overview(State(st): State<Shared>, ctx: Ctx) -> Result<Response, PageError> {
    let ctx = ctx.reading(&[]);
    let key = ctx.cache_key();
    let got = read_cached(&st, &ctx, &key, |st, r| {
        let (c, p) = st.counts(r)?;
        Ok((queries::summaries_kept(&st.summaries, r, queries::today())?, c, p))
    })
    .await?;
    let (rendering, (summaries, counts, pending)) = match got {
        Cached::Data(g, d) => (g, d),
        Cached::Page(html) => return Ok(Html(html).into_response()),
        Cached::Gzipped(gz) => return Ok(gzipped(gz)),
    };
    let l = labels(&st, ctx.lang);
    let t = l.t;
    let rows: Vec<PartnershipRow> = summaries
        .iter()
        .map(|s| PartnershipRow {
            href: format!("/partnerships/{}", s.id),
            name: l.parties(&s.parties),
            agreements: s.agreements,
            open: s.open_commitments,
            silent: s.silent_months.map(|m| t.with("overview-silent", &[("months", m.to_string())])),
            gaps: {
                let mut g: Vec<String> = s.missing.iter().map(|m| l.missing_line(m)).collect();
                if s.overdue > 0 {
                    g.push(t.with("overview-overdue", &[("n", s.overdue.to_string())]));
                }
                if s.short_years > 0 {
                    g.push(t.with("overview-short", &[("n", s.short_years.to_string())]));
                }
                g
            },
            next: s
                .next_meeting
                .as_ref()
                .map(|e| format!("{} — {}", l.event_title(e), l.event_detail(e)))
                .unwrap_or_else(|| t.get("none")),
        })
        .collect();
    let ties: Vec<Tie> = summaries
        .iter()
        .filter_map(|s| hoptac_report::tie(&s.parties, Some(format!("/partnerships/{}", s.id)), &l))
        .collect();
    let highlight = hoptac_report::provinces(summaries.iter().flat_map(|s| &s.parties));
    let map = hoptac_report::border_map(st.map, &l, &t.get("overview-map"), &highlight, &ties, 640.0);
    let mut by_year: BTreeMap<i16, (usize, usize)> = BTreeMap::new();
    for s in &summaries {
        for (y, (h, p)) in &s.meetings_by_year {
            let e = by_year.entry(*y).or_default();
            e.0 += h;
            e.1 += p;
        }
    }
    let chart = meetings_chart(t, &by_year);
    let (documents, facts) = counts;
    let page = OverviewPage {
        c: chrome(&st, &ctx, t.get("nav-overview")),
        counts: t.with(
            "overview-counts",
            &[("documents", documents.to_string()), ("facts", facts.to_string()), ("pending", pending.to_string())],
        ),
        rows,
        map: map.clone(),
        chart,
    };
    let html = Bytes::from(render(&page).page(&st, &ctx)?.0);
    Ok(fresh_page(&st, &ctx, key, rendering, html, &[&map]))
}
