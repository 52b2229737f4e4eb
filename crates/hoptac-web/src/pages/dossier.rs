//! A partnership's dossier, by id or by places named in any spelling.

use super::*;

pub struct DocLink {
    pub id: i64,
    pub href: String,
    pub title: String,
    pub source: String,
    pub published: String,
}

#[derive(Template)]
#[template(path = "dossier.html")]
struct DossierPage<'a> {
    c: Chrome<'a>,
    name: String,
    empty: bool,
    agreements: Vec<FactRow>,
    events: Vec<FactRow>,
    commitments: Vec<CommitmentRow>,
    other: Vec<FactRow>,
    people: Vec<PersonRow>,
    documents: Vec<DocLink>,
    /// Documents not listed (the most recent are), and a search that finds them.
    more_documents: usize,
    search_more: String,
    chart: String,
    meetings_chart: String,
    /// The parties' map (cropped to their provinces).
    map: std::sync::Arc<str>,
    /// The partnership reports and exports are made for (a dossier of one partnership).
    partnership: Option<i64>,
    /// What the record says is missing (numbered meetings, late commitments, silence).
    gaps: Vec<String>,
    /// The next meetings where none is announced: tentative.
    forecasts: Vec<String>,
    /// Under a list that shows only its latest lines, how many of how many; and where to see
    /// them all.
    more_agreements: String,
    more_events: String,
    more_other: String,
    full_href: String,
}

#[derive(serde::Deserialize)]
pub struct FullQuery {
    /// Every line of the long lists, not only the latest.
    #[serde(default)]
    full: Option<String>,
}

impl FullQuery {
    fn full(&self) -> bool {
        self.full.as_deref().is_some_and(|v| !v.is_empty() && v != "0")
    }
}

/// A dossier page lists the most recent documents, this many.
const DOCUMENTS_SHOWN: usize = 100;

pub async fn partnership(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<FullQuery>,
) -> Result<Response, PageError> {
    let ctx = ctx.reading(&["full"]);
    let key = ctx.cache_key();
    let full = q.full();
    let got = read_cached(&st, &ctx, &key, move |st, r| {
        // Every partnership read once: to find this one, and those its dossier covers.
        let every = r.partnerships()?;
        let p = queries::partnership_of(&every, id)?;
        queries::dossier_for_page_of(st, r, Some(every), &p.parties, full)
    })
    .await?;
    let (rendering, d) = match got {
        Cached::Data(g, d) => (g, d),
        Cached::Page(html) => return Ok(Html(html).into_response()),
        Cached::Gzipped(gz) => return Ok(gzipped(gz)),
    };
    let (html, map) = dossier_page(&st, &ctx, d, Some(id), format!("/partnerships/{id}?full=1"))?;
    Ok(fresh_page(&st, &ctx, key, rendering, Bytes::from(html.0), &[&map]))
}

#[derive(serde::Deserialize)]
pub struct DossierQuery {
    #[serde(default)]
    places: String,
    #[serde(flatten)]
    full: FullQuery,
}

/// `/dossier?places=Kon Tum,Sekong`: any spellings.
pub async fn dossier_by_places(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(q): Query<DossierQuery>,
) -> Result<Html<String>, PageError> {
    let wanted = resolve_places(&st, &q.places).page(&st, &ctx)?;
    let full = q.full.full();
    let d = st.read(move |st, r| queries::dossier_for_page(st, r, &wanted, full)).await.page(&st, &ctx)?;
    let places: String = form_urlencoded::byte_serialize(q.places.as_bytes()).collect();
    Ok(dossier_page(&st, &ctx, d, None, format!("/dossier?places={places}&full=1"))?.0)
}

pub fn resolve_places(st: &Shared, list: &str) -> Result<Vec<PlaceId>, WebError> {
    let wanted: Vec<PlaceId> = list
        .split([',', ';'])
        .filter(|s| !s.trim().is_empty())
        .map(|s| hoptac_app::places::resolve(st.gazetteer, s))
        .collect::<Result<_, _>>()?;
    if wanted.is_empty() {
        return Err(WebError::bad_request("name at least one place (places=Kon Tum,Sekong)"));
    }
    Ok(wanted)
}

fn dossier_page(
    st: &Shared,
    ctx: &Ctx,
    d: Dossier,
    partnership: Option<i64>,
    full_href: String,
) -> Result<(Html<String>, std::sync::Arc<str>), PageError> {
    let l = labels(st, ctx.lang);
    let t = l.t;
    let firsts: Vec<PlaceId> = d.places.iter().filter_map(|set| set.first().cloned()).collect();
    let name = l.parties(&firsts);
    let search_more = form_urlencoded::byte_serialize(name.replace(" – ", " ").as_bytes()).collect();
    let mut promised: BTreeMap<i16, (f64, f64)> = BTreeMap::new();
    for c in &d.commitments {
        let f = &c.line.fact;
        if let Some(y) = f.period.map(|p| p.first).or(f.year) {
            let slot = promised.entry(y).or_default();
            slot.0 += 1.0;
            if c.status == CommitmentStatus::Delivered {
                slot.1 += 1.0;
            }
        }
    }
    let chart = if promised.is_empty() {
        String::new()
    } else {
        let groups: Vec<(String, Vec<f64>)> =
            promised.iter().map(|(y, (p, dl))| (y.to_string(), vec![*p, *dl])).collect();
        bar_chart(&Chart {
            title: t.get("chart-commitments"),
            series: vec![t.get("chart-promised"), t.get("chart-delivered")],
            bars: groups,
        })
    };
    let (gaps, forecasts) = l.gap_lines(&d);
    let map = hoptac_report::parties_map(&d, &l, 360.0).unwrap_or_default();
    let more = |shown: usize, total: usize| {
        if shown < total {
            t.with("dossier-latest", &[("shown", shown.to_string()), ("total", total.to_string())])
        } else {
            String::new()
        }
    };
    let page = DossierPage {
        gaps,
        forecasts,
        c: chrome(st, ctx, format!("{}: {name}", t.get("dossier-title"))),
        name,
        empty: d.events.is_empty() && d.agreements.is_empty() && d.commitments.is_empty(),
        agreements: d.agreements.iter().map(|a| l.agreement_row(a)).collect(),
        events: d.events.iter().map(|e| l.event_row(e)).collect(),
        commitments: d.commitments.iter().map(|c| l.commitment_row(c)).collect(),
        other: d.other_figures.iter().map(|f| l.figure_row(f)).collect(),
        people: d.people.iter().map(|p| l.person_row(p)).collect(),
        more_documents: d.documents.len().saturating_sub(DOCUMENTS_SHOWN),
        search_more,
        documents: d
            .documents
            .iter()
            .rev()
            .take(DOCUMENTS_SHOWN)
            .map(|doc| DocLink {
                id: doc.id,
                href: format!("/documents/{}", doc.id),
                title: doc.title.clone().unwrap_or_else(|| doc.source.clone()),
                source: doc.source.clone(),
                published: doc.published.map(|p| p.to_string()).unwrap_or_default(),
            })
            .collect(),
        chart,
        meetings_chart: meetings_chart(t, &d.meetings_by_year),
        more_agreements: more(d.agreements.len(), d.totals.agreements),
        more_events: more(d.events.len(), d.totals.events),
        more_other: more(d.other_figures.len(), d.totals.other_figures),
        full_href,
        map: map.clone(),
        partnership: partnership.or(match d.partnerships.as_slice() {
            [one] => Some(one.id),
            _ => None,
        }),
    };
    Ok((render(&page).page(st, ctx)?, map))
}
