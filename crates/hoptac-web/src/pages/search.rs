//! Search with place, year and kind facets.

use super::*;

pub struct Facet {
    pub label: String,
    pub count: usize,
    pub href: String,
    pub active: bool,
}

pub struct FacetGroup {
    pub title: String,
    pub values: Vec<Facet>,
}

pub struct HitRow {
    pub kind: String,
    pub href: String,
    pub title: String,
    pub year: String,
    pub snippet: Vec<(String, bool)>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage<'a> {
    c: Chrome<'a>,
    q: String,
    searched: bool,
    hidden: Vec<(&'static str, String)>,
    facets: Vec<FacetGroup>,
    filtered: bool,
    clear: String,
    total: String,
    hits: Vec<HitRow>,
}

/// How many hits the facets are counted over.
const FACET_HITS: usize = 200;
/// How many hits the page lists (with their passages).
const HITS_SHOWN: usize = 50;

fn kind_label(l: &Labels, k: &str) -> String {
    for prefix in ["fact", "event", "agreement", "figure", "unit"] {
        let key = format!("{prefix}-{k}");
        if l.t.has(&key) {
            return l.t.get(&key);
        }
    }
    k.to_string()
}

/// The snippet cut into runs, the matched ones marked.
pub fn snippet_runs(snippet: &str, highlights: &[(usize, usize)]) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut at = 0;
    for &(a, b) in highlights {
        if a < at || b <= a {
            continue;
        }
        let (Some(before), Some(inner)) = (snippet.get(at..a), snippet.get(a..b)) else { continue };
        out.push((before.to_string(), false));
        out.push((inner.to_string(), true));
        at = b;
    }
    out.push((snippet.get(at..).unwrap_or_default().to_string(), false));
    out
}

pub async fn search(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(p): Query<SearchParams>,
) -> Result<Html<String>, PageError> {
    let l = labels(&st, ctx.lang);
    let t = l.t;
    let searched = !p.q.trim().is_empty();
    let params = p.clone();
    let results = if searched {
        Some(st.blocking(move |st| queries::search(st, &params, FACET_HITS, HITS_SHOWN)).await.page(&st, &ctx)?)
    } else {
        None
    };
    let link = |place: Option<&str>, year: Option<&str>, kind: Option<&str>| {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("q", &p.q);
        for (k, v) in [("place", place), ("year", year), ("kind", kind)] {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                q.append_pair(k, v);
            }
        }
        format!("/search?{}", q.finish())
    };
    let (place, year, kind) = (p.place.as_deref(), p.year.as_deref(), p.kind.as_deref());
    let mut facets = Vec::new();
    let mut hits = Vec::new();
    let mut total = String::new();
    if let Some(r) = &results {
        let message = if r.total_exact { "search-results" } else { "search-results-at-least" };
        total = t.with(message, &[("total", r.total.to_string())]);
        let mut places: HashMap<String, usize> = HashMap::new();
        let mut years: BTreeMap<i64, usize> = BTreeMap::new();
        let mut kinds: HashMap<String, usize> = HashMap::new();
        for h in &r.hits {
            for pl in h.places.iter().filter(|p| p.len() > 2 && !p.contains(':')) {
                *places.entry(pl.clone()).or_default() += 1;
            }
            if let Some(y) = h.year {
                *years.entry(y).or_default() += 1;
            }
            for k in &h.kinds {
                *kinds.entry(k.clone()).or_default() += 1;
            }
        }
        let mut places: Vec<(String, usize)> = places.into_iter().collect();
        places.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        facets.push(FacetGroup {
            title: t.get("search-facet-place"),
            values: places
                .into_iter()
                .take(12)
                .map(|(id, n)| Facet {
                    label: l.place(&PlaceId::new(&id)),
                    count: n,
                    href: link(Some(&id), year, kind),
                    active: place == Some(id.as_str()),
                })
                .collect(),
        });
        facets.push(FacetGroup {
            title: t.get("search-facet-year"),
            values: years
                .into_iter()
                .rev()
                .map(|(y, n)| Facet {
                    label: y.to_string(),
                    count: n,
                    href: link(place, Some(&y.to_string()), kind),
                    active: year == Some(y.to_string().as_str()),
                })
                .collect(),
        });
        let mut kinds: Vec<(String, usize)> = kinds.into_iter().collect();
        kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        facets.push(FacetGroup {
            title: t.get("search-facet-kind"),
            values: kinds
                .into_iter()
                .map(|(k, n)| Facet {
                    label: kind_label(&l, &k),
                    count: n,
                    href: link(place, year, Some(&k)),
                    active: kind == Some(k.as_str()),
                })
                .collect(),
        });
        for h in r.hits.iter().take(HITS_SHOWN) {
            let href = match (FactType::parse(&h.fact_type), h.fact_id) {
                (Some(ft), Some(id)) => fact_href(ft, id as i64),
                _ => format!("/documents/{}", h.doc_id),
            };
            hits.push(HitRow {
                kind: kind_label(&l, &h.fact_type),
                href,
                title: h.title.clone(),
                year: h.year.map(|y| y.to_string()).unwrap_or_default(),
                snippet: snippet_runs(&h.snippet, &h.highlights),
            });
        }
    }
    let hidden: Vec<(&'static str, String)> = [("place", place), ("year", year), ("kind", kind)]
        .into_iter()
        .filter_map(|(k, v)| v.filter(|v| !v.is_empty()).map(|v| (k, v.to_string())))
        .collect();
    let page = SearchPage {
        c: chrome(&st, &ctx, t.get("search-title")),
        q: p.q.clone(),
        searched,
        filtered: !hidden.is_empty(),
        hidden,
        facets,
        clear: link(None, None, None),
        total,
        hits,
    };
    render(&page).page(&st, &ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_mark_matches() {
        let runs = snippet_runs("tìm hài cốt liệt sĩ", &[(5, 15)]);
        assert_eq!(runs[1], ("hài cốt".to_string(), true));
        assert_eq!(runs.iter().map(|r| r.0.as_str()).collect::<String>(), "tìm hài cốt liệt sĩ");
        assert_eq!(snippet_runs("abc", &[(1, 99)]), vec![("abc".to_string(), false)]);
    }
}
