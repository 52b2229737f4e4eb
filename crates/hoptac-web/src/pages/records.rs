//! A document with its evidence highlighted, and a fact with its evidence and review history.

use super::*;

pub struct Segment {
    pub text: String,
    pub start: usize,
    pub link: Option<String>,
    pub kind: &'static str,
    pub label: String,
}

pub struct DocFact {
    pub kind: String,
    pub href: String,
    pub title: String,
    pub detail: String,
    pub review: &'static str,
    pub review_label: String,
    pub start: usize,
}

#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage<'a> {
    c: Chrome<'a>,
    title: String,
    source: String,
    published: String,
    segments: Vec<Segment>,
    facts: Vec<DocFact>,
}

pub async fn document(State(st): State<Shared>, ctx: Ctx, Path(id): Path<i64>) -> Result<Html<String>, PageError> {
    let v = st.read(move |_, r| queries::document(r, id)).await.page(&st, &ctx)?;
    let l = labels(&st, ctx.lang);
    let mut facts = Vec::new();
    let mut marks: Vec<(usize, usize, String, &'static str, String)> = Vec::new();
    for e in &v.evidence {
        let Some(fact) = v.facts.get(&(e.fact_type, e.fact_id)) else { continue };
        let state = v.states.get(&(e.fact_type, e.fact_id)).copied().unwrap_or_default();
        let (title, detail) = l.fact(fact);
        let href = fact_href(e.fact_type, e.fact_id);
        marks.push((e.span.start, e.span.end, href.clone(), e.fact_type.as_str(), format!("{title}: {detail}")));
        facts.push(DocFact {
            kind: l.fact_type(e.fact_type),
            href,
            title,
            detail,
            review: state.as_str(),
            review_label: if e.fact_type == FactType::Person { String::new() } else { l.review(state) },
            start: e.span.start,
        });
    }
    let segments = segments(&v.doc.text, marks);
    let page = DocumentPage {
        c: chrome(&st, &ctx, v.doc.title.clone().unwrap_or_else(|| v.doc.source.clone())),
        title: v.doc.title.clone().unwrap_or_else(|| v.doc.source.clone()),
        source: v.doc.source.clone(),
        published: v.doc.published.map(|p| p.to_string()).unwrap_or_default(),
        segments,
        facts,
    };
    render(&page).page(&st, &ctx)
}

/// The text cut into plain runs and marked evidence spans. Spans that overlap an earlier one
/// are folded into it (the mark links to the first fact; the list below the text has them all).
fn segments(text: &str, mut marks: Vec<(usize, usize, String, &'static str, String)>) -> Vec<Segment> {
    marks.sort_by_key(|m| (m.0, std::cmp::Reverse(m.1)));
    let mut out = Vec::new();
    let mut at = 0;
    let plain = |from: usize, to: usize| text.get(from..to).map(str::to_string);
    for (start, end, link, kind, label) in marks {
        if start < at || end <= start {
            continue;
        }
        let (Some(before), Some(inner)) = (plain(at, start), plain(start, end)) else { continue };
        if !before.is_empty() {
            out.push(Segment { text: before, start: at, link: None, kind: "", label: String::new() });
        }
        out.push(Segment { text: inner, start, link: Some(link), kind, label });
        at = end;
    }
    if let Some(rest) = plain(at, text.len()) {
        out.push(Segment { text: rest, start: at, link: None, kind: "", label: String::new() });
    }
    out
}

#[derive(Template)]
#[template(path = "fact.html")]
struct FactPage<'a> {
    /// The person may accept, correct or reject this fact (its partnership is theirs).
    may_decide: bool,
    c: Chrome<'a>,
    fact_type: &'static str,
    id: i64,
    kind: String,
    title: String,
    detail: String,
    parties: String,
    review: &'static str,
    review_label: String,
    sources: Vec<SourceLink>,
    /// "51–100 of 340" on a page of sources that has others.
    sources_range: String,
    previous: Option<String>,
    next: Option<String>,
    history: Vec<String>,
}

/// A fact page lists its sources this many at a time.
pub const SOURCES_PER_PAGE: usize = 50;

#[derive(serde::Deserialize)]
pub struct FactQuery {
    /// The page of sources, from 1.
    page: Option<usize>,
}

/// What a decision changed in a fact: `field: before → after` for each field that differs.
fn changes(before: Option<&serde_json::Value>, after: Option<&serde_json::Value>) -> String {
    let (Some(serde_json::Value::Object(b)), Some(serde_json::Value::Object(a))) = (before, after) else {
        return String::new();
    };
    let show = |v: Option<&serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => "—".to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| !matches!(k.as_str(), "id" | "review" | "confidence") && b.get(*k) != a.get(*k))
        .map(|k| format!("{k}: {} → {}", show(b.get(k)), show(a.get(k))))
        .collect::<Vec<_>>()
        .join("; ")
}

pub async fn fact(
    State(st): State<Shared>,
    ctx: Ctx,
    Path((kind, id)): Path<(String, i64)>,
    Query(q): Query<FactQuery>,
) -> Result<Html<String>, PageError> {
    let ft = queries::fact_type(&kind).page(&st, &ctx)?;
    let page = q.page.unwrap_or(1).max(1);
    let offset = (page - 1).saturating_mul(SOURCES_PER_PAGE);
    let v = st.read(move |_, r| queries::fact(r, ft, id, offset, SOURCES_PER_PAGE)).await.page(&st, &ctx)?;
    let l = labels(&st, ctx.lang);
    let link = |page: usize| format!("/facts/{}/{id}?page={page}", ft.as_str());
    let previous = (page > 1).then(|| link(page - 1));
    let next = (offset + v.evidence.len() < v.evidence_total).then(|| link(page + 1));
    let sources_range = if !v.evidence.is_empty() && (previous.is_some() || next.is_some()) {
        l.t.with(
            "fact-sources-range",
            &[
                ("from", (offset + 1).to_string()),
                ("to", (offset + v.evidence.len()).to_string()),
                ("total", v.evidence_total.to_string()),
            ],
        )
    } else {
        String::new()
    };
    let (title, detail) = l.fact(&v.stored);
    let sources: Vec<hoptac_store::dossier::Source> = v
        .evidence
        .iter()
        .map(|e| hoptac_store::dossier::Source { document: e.document, span: e.span, sentence: e.sentence.clone() })
        .collect();
    let history = v
        .history
        .iter()
        .map(|h| {
            let mut s = format!(
                "{} — {}",
                l.review(h.decision),
                l.t.with("review-by", &[("who", h.reviewer.clone()), ("when", h.at.clone())])
            );
            if let Some(n) = &h.note {
                s.push_str(&format!(" — {n}"));
            }
            let changed = changes(h.before.as_ref(), h.after.as_ref());
            if !changed.is_empty() {
                s.push_str(&format!(" — {changed}"));
            }
            s
        })
        .collect();
    let may_decide = st.can_write()
        && ft != FactType::Person
        && ctx.viewer.as_ref().is_some_and(|p| p.may(&st, hoptac_store::access::Action::Decide, &v.parties).is_ok());
    let page = FactPage {
        may_decide,
        c: chrome(&st, &ctx, title.clone()),
        fact_type: ft.as_str(),
        id,
        kind: l.fact_type(ft),
        title,
        detail,
        parties: l.parties(&v.parties),
        review: v.review.as_str(),
        review_label: l.review(v.review),
        sources: l.sources(&sources),
        sources_range,
        previous,
        next,
        history,
    };
    render(&page).page(&st, &ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_cover_the_text_and_skip_overlaps() {
        let text = "One. Two three. Four.";
        let marks = vec![
            (5, 15, "/facts/event/1".to_string(), "event", "x".to_string()),
            (7, 12, "/facts/figure/2".to_string(), "figure", "y".to_string()),
            (19, 999, "/bad".to_string(), "event", "z".to_string()),
        ];
        let segs = segments(text, marks);
        let joined: String = segs.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(joined, text);
        assert_eq!(segs.iter().filter(|s| s.link.is_some()).count(), 1);
        assert_eq!(segs[1].text, "Two three.");
    }
}
