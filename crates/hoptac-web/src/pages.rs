//! Server-rendered pages (askama templates in `templates/`, escaped by default). Every page
//! gets a [`Chrome`]: the catalogue of the request's language, the language links, the CSRF
//! token for its forms, and whether this server takes writes.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Multipart, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use hoptac_core::{EventStatus, FigureKind, PlaceId};
use hoptac_store::dossier::{CommitmentStatus, Dossier};
use hoptac_store::{FactType, StoredAgreement, StoredEvent, StoredFigure};

use crate::actions::{self, Fields, Wanted};
use crate::error::WebError;
use crate::guard::{cookie, Actor, CsrfToken};
use crate::i18n::{Catalog, Lang};
use crate::queries::{self, SearchParams};
use crate::state::Shared;
use crate::svg::{bar_chart, MapLink};
use crate::view::{self, fact_href, CommitmentRow, FactRow, Labels, PersonRow, SourceLink};

/// The language of a request: `?lang=`, the `lang` cookie, `Accept-Language`, Vietnamese.
pub fn request_lang(headers: &HeaderMap, query: Option<&str>) -> Lang {
    crate::guard::query_param(query, "lang")
        .and_then(|l| Lang::parse(&l))
        .or_else(|| cookie(headers, "lang").and_then(Lang::parse))
        .or_else(|| headers.get("accept-language").and_then(|v| v.to_str().ok()).and_then(Lang::from_accept))
        .unwrap_or(Lang::Vi)
}

/// The cache key of a page: path, query (sorted, without `lang`), language.
pub fn page_key(path: &str, query: &[(String, String)], flash: bool, lang: Lang) -> String {
    let mut q: Vec<String> = query.iter().filter(|(k, _)| k != "lang").map(|(k, v)| format!("{k}={v}")).collect();
    q.sort();
    let flash = if flash { "!" } else { "" };
    format!("{path}{flash}?{}#{}", q.join("&"), lang.code())
}

/// A path with its query parameters (the language left out: it travels in the cookie).
fn page_uri(path: &str, query: &[(String, String)]) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in query.iter().filter(|(k, _)| k != "lang") {
        q.append_pair(k, v);
    }
    let q = q.finish();
    if q.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{q}")
    }
}

/// What a page handler knows of its request.
pub struct Ctx {
    pub lang: Lang,
    pub csrf: String,
    /// The request's path and query, as asked.
    uri: String,
    path: String,
    query: Vec<(String, String)>,
    flash: Option<String>,
    /// The client asked for a fresh copy (`Cache-Control: no-cache`, a forced reload): the page
    /// is rendered again (and the cache refreshed) rather than served from the cache.
    fresh: bool,
}

/// Does the request ask not to be answered from a cache?
pub fn wants_fresh(headers: &HeaderMap) -> bool {
    headers
        .get_all(axum::http::header::CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|d| matches!(d.trim(), "no-cache" | "max-age=0")))
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query: Vec<(String, String)> =
            parts.uri.query().map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect()).unwrap_or_default();
        Ok(Ctx {
            lang: request_lang(&parts.headers, parts.uri.query()),
            csrf: parts.extensions.get::<CsrfToken>().map(|t| t.0.clone()).unwrap_or_default(),
            uri: parts.uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into()),
            path: parts.uri.path().to_string(),
            flash: query.iter().find(|(k, _)| k == "done").map(|(_, v)| v.clone()),
            fresh: wants_fresh(&parts.headers),
            query,
        })
    }
}

impl Ctx {
    /// The request as a page that reads only these query parameters sees it: the rest (junk
    /// such as `?r=123`) is dropped, so that it neither makes another cache entry nor is carried
    /// into the page's links.
    fn reading(mut self, params: &[&str]) -> Ctx {
        self.query.retain(|(k, _)| params.contains(&k.as_str()) || k == "done");
        Ctx { uri: page_uri(&self.path, &self.query), ..self }
    }

    /// What a rendered page depends on: its path, its query and the language (the pages cached
    /// carry no form, so no CSRF token). A page with a one-off message is not cached.
    fn cache_key(&self) -> String {
        page_key(&self.path, &self.query, self.flash.is_some(), self.lang)
    }
}

pub struct LangLink {
    pub code: &'static str,
    pub name: String,
    pub href: String,
    pub current: bool,
}

/// The frame of every page.
pub struct Chrome<'a> {
    pub t: &'a Catalog,
    pub lang: &'static str,
    pub title: String,
    pub langs: Vec<LangLink>,
    pub csrf: String,
    pub can_write: bool,
    pub flash: Option<String>,
}

fn chrome<'a>(st: &'a Shared, ctx: &Ctx, title: String) -> Chrome<'a> {
    let t = st.catalogs.get(ctx.lang);
    let langs = Lang::ALL
        .into_iter()
        .map(|l| {
            let mut q = form_urlencoded::Serializer::new(String::new());
            for (k, v) in ctx.query.iter().filter(|(k, _)| k != "lang" && k != "done") {
                q.append_pair(k, v);
            }
            q.append_pair("lang", l.code());
            LangLink {
                code: l.code(),
                name: st.catalogs.get(l).get("lang-name"),
                href: format!("{}?{}", ctx.path, q.finish()),
                current: l == ctx.lang,
            }
        })
        .collect();
    let flash = ctx.flash.as_deref().map(|f| match f {
        "stored" => t.get("upload-stored"),
        _ => t.get("review-done"),
    });
    Chrome { t, lang: ctx.lang.code(), title, langs, csrf: ctx.csrf.clone(), can_write: st.can_write(), flash }
}

fn labels<'a>(st: &'a Shared, lang: Lang) -> Labels<'a> {
    Labels { t: st.catalogs.get(lang), st, lang }
}

/// An error shown as a page in the user's language.
pub struct PageError {
    lang: Lang,
    error: WebError,
    st: Shared,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        error_page(&self.st, self.lang, &self.error)
    }
}

trait OrPage<T> {
    fn page(self, st: &Shared, ctx: &Ctx) -> Result<T, PageError>;
}

impl<T> OrPage<T> for Result<T, WebError> {
    fn page(self, st: &Shared, ctx: &Ctx) -> Result<T, PageError> {
        self.map_err(|error| PageError { lang: ctx.lang, error, st: st.clone() })
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    c: Chrome<'a>,
    message: String,
    detail: String,
}

pub fn error_page(st: &Shared, lang: Lang, e: &WebError) -> Response {
    let ctx = Ctx {
        lang,
        csrf: String::new(),
        uri: "/".into(),
        path: "/".into(),
        query: Vec::new(),
        flash: None,
        fresh: false,
    };
    let t = st.catalogs.get(lang);
    let message = t.with(e.message_key(), &[("reason", e.message.clone())]);
    let page = ErrorPage { c: chrome(st, &ctx, message.clone()), message, detail: e.message.clone() };
    let body = page.render().unwrap_or_else(|_| e.message.clone());
    (e.status, Html(body)).into_response()
}

fn render<T: Template>(t: &T) -> Result<Html<String>, WebError> {
    t.render().map(Html).map_err(WebError::internal)
}

// ---------------------------------------------------------------- overview

pub struct PartnershipRow {
    pub href: String,
    pub name: String,
    pub agreements: usize,
    pub open: usize,
    pub next: String,
}

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage<'a> {
    c: Chrome<'a>,
    counts: String,
    rows: Vec<PartnershipRow>,
    map: String,
    chart: String,
}

pub async fn overview(State(st): State<Shared>, ctx: Ctx) -> Result<Html<Bytes>, PageError> {
    let ctx = ctx.reading(&[]);
    let key = ctx.cache_key();
    let got = read_cached(&st, &ctx, &key, |_, r| {
        let c = hoptac_store::Reader::counts(r)?;
        let p = hoptac_store::Reader::pending_reviews(r)?;
        Ok((queries::summaries(r, queries::today())?, c, p))
    })
    .await?;
    let (generation, (summaries, counts, pending)) = match got {
        Cached::Page(html) => return Ok(Html(html)),
        Cached::Data(g, d) => (g, d),
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
            next: s
                .next_meeting
                .as_ref()
                .map(|e| format!("{} — {}", l.event_title(e), l.event_detail(e)))
                .unwrap_or_else(|| t.get("none")),
        })
        .collect();
    let links: Vec<MapLink> = summaries
        .iter()
        .map(|s| {
            let vn = s.parties.iter().find(|p| p.country() == "VN");
            let la = s.parties.iter().find(|p| p.country() == "LA");
            MapLink {
                a: vn.and_then(|p| st.map.position(p)),
                b: la.and_then(|p| st.map.position(p)),
                href: format!("/partnerships/{}", s.id),
                label: l.parties(&s.parties),
            }
        })
        .collect();
    let mut by_year: BTreeMap<i16, (usize, usize)> = BTreeMap::new();
    for s in &summaries {
        for (y, (h, p)) in &s.meetings_by_year {
            let e = by_year.entry(*y).or_default();
            e.0 += h;
            e.1 += p;
        }
    }
    let chart = meetings_chart(t, &by_year);
    let facts = counts.events + counts.agreements + counts.figures;
    let page = OverviewPage {
        c: chrome(&st, &ctx, t.get("nav-overview")),
        counts: t.with(
            "overview-counts",
            &[
                ("documents", counts.documents.to_string()),
                ("facts", facts.to_string()),
                ("pending", pending.to_string()),
            ],
        ),
        rows,
        map: st.map.render(&t.get("overview-map"), &links),
        chart,
    };
    let html = Bytes::from(render(&page).page(&st, &ctx)?.0);
    if ctx.flash.is_none() {
        st.remember_page(&key, &ctx.uri, ctx.lang);
        st.keep_page(key, generation, html.clone());
    }
    Ok(Html(html))
}

fn meetings_chart(t: &Catalog, by_year: &BTreeMap<i16, (usize, usize)>) -> String {
    let groups: Vec<(String, Vec<f64>)> =
        by_year.iter().map(|(y, (h, p))| (y.to_string(), vec![*h as f64, *p as f64])).collect();
    bar_chart(&t.get("chart-meetings"), &[&t.get("status-held"), &t.get("status-planned")], &groups)
}

// ---------------------------------------------------------------- dossier

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
}

/// A dossier page lists the most recent documents, this many.
const DOCUMENTS_SHOWN: usize = 100;

pub async fn partnership(State(st): State<Shared>, ctx: Ctx, Path(id): Path<i64>) -> Result<Html<Bytes>, PageError> {
    let ctx = ctx.reading(&[]);
    let key = ctx.cache_key();
    let got = read_cached(&st, &ctx, &key, move |st, r| {
        let p = queries::partnership(r, id)?;
        queries::dossier(st, r, &p.parties)
    })
    .await?;
    match got {
        Cached::Page(html) => Ok(Html(html)),
        Cached::Data(generation, d) => {
            let html = Bytes::from(dossier_page(&st, &ctx, d)?.0);
            if ctx.flash.is_none() {
                st.remember_page(&key, &ctx.uri, ctx.lang);
                st.keep_page(key, generation, html.clone());
            }
            Ok(Html(html))
        }
    }
}

/// A page from the cache, or the data to render it (with the store generation it was read at).
enum Cached<T> {
    Page(Bytes),
    Data(u64, T),
}

/// Read what a page needs unless a page rendered for the current store generation is cached.
async fn read_cached<T, F>(st: &Shared, ctx: &Ctx, key: &str, f: F) -> Result<Cached<T>, PageError>
where
    T: Send + 'static,
    F: FnOnce(&crate::state::AppState, &queries::Conn) -> Result<T, WebError> + Send + 'static,
{
    let key = key.to_string();
    let fresh = ctx.fresh;
    st.read(move |st, r| {
        let generation = st.generation()?;
        if let Some(html) = st.cached_page(&key, generation).filter(|_| !fresh) {
            return Ok(Cached::Page(html));
        }
        Ok(Cached::Data(generation, f(st, r)?))
    })
    .await
    .page(st, ctx)
}

#[derive(serde::Deserialize)]
pub struct DossierQuery {
    #[serde(default)]
    places: String,
}

/// `/dossier?places=Kon Tum,Sekong`: any spellings.
pub async fn dossier_by_places(
    State(st): State<Shared>,
    ctx: Ctx,
    Query(q): Query<DossierQuery>,
) -> Result<Html<String>, PageError> {
    let wanted = resolve_places(&st, &q.places).page(&st, &ctx)?;
    let d = st.read(move |st, r| queries::dossier(st, r, &wanted)).await.page(&st, &ctx)?;
    dossier_page(&st, &ctx, d)
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

fn dossier_page(st: &Shared, ctx: &Ctx, d: Dossier) -> Result<Html<String>, PageError> {
    let l = labels(st, ctx.lang);
    let t = l.t;
    let firsts: Vec<PlaceId> = d.places.iter().filter_map(|set| set.first().cloned()).collect();
    let name = l.parties(&firsts);
    let search_more = form_urlencoded::byte_serialize(name.replace(" – ", " ").as_bytes()).collect();
    let mut by_year: BTreeMap<i16, (usize, usize)> = BTreeMap::new();
    for e in &d.events {
        if let Some(date) = e.fact.date {
            let slot = by_year.entry(date.year).or_default();
            match e.fact.status {
                EventStatus::Held => slot.0 += 1,
                EventStatus::Planned => slot.1 += 1,
            }
        }
    }
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
        bar_chart(&t.get("chart-commitments"), &[&t.get("chart-promised"), &t.get("chart-delivered")], &groups)
    };
    let page = DossierPage {
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
        meetings_chart: meetings_chart(t, &by_year),
    };
    render(&page).page(st, ctx)
}

// ---------------------------------------------------------------- document

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

// ---------------------------------------------------------------- fact

#[derive(Template)]
#[template(path = "fact.html")]
struct FactPage<'a> {
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
    history: Vec<String>,
}

pub async fn fact(
    State(st): State<Shared>,
    ctx: Ctx,
    Path((kind, id)): Path<(String, i64)>,
) -> Result<Html<String>, PageError> {
    let ft = queries::fact_type(&kind).page(&st, &ctx)?;
    let v = st.read(move |_, r| queries::fact(r, ft, id)).await.page(&st, &ctx)?;
    let l = labels(&st, ctx.lang);
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
            s
        })
        .collect();
    let page = FactPage {
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
        history,
    };
    render(&page).page(&st, &ctx)
}

// ---------------------------------------------------------------- review

pub struct QueueRow {
    pub fact_type: &'static str,
    pub id: i64,
    pub anchor: String,
    pub kind: String,
    pub href: String,
    pub title: String,
    pub detail: String,
    pub parties: String,
    pub sentence: String,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage<'a> {
    c: Chrome<'a>,
    pending: String,
    items: Vec<QueueRow>,
}

pub async fn review_queue(State(st): State<Shared>, ctx: Ctx) -> Result<Html<String>, PageError> {
    let (total, items) = st.read(|_, r| queries::queue(r, 50)).await.page(&st, &ctx)?;
    let l = labels(&st, ctx.lang);
    let items = items
        .into_iter()
        .map(|it| {
            let (title, detail) = l.fact(&it.fact);
            QueueRow {
                fact_type: it.fact_type.as_str(),
                id: it.fact.id(),
                anchor: format!("{}-{}", it.fact_type.as_str(), it.fact.id()),
                kind: l.fact_type(it.fact_type),
                href: fact_href(it.fact_type, it.fact.id()),
                title,
                detail,
                parties: l.parties(&it.parties),
                sentence: it.sentence,
            }
        })
        .collect();
    let pending = l.t.with("review-pending-count", &[("n", total.to_string())]);
    let page = ReviewPage { c: chrome(&st, &ctx, l.t.get("review-title")), pending, items };
    render(&page).page(&st, &ctx)
}

/// A local path to go back to (never another site): a path on this server written in visible
/// ASCII only. Browsers drop tabs and line ends inside URLs ("/\t/evil.example" becomes
/// "//evil.example") and a line end cannot go in a header at all, so any of them, a second
/// slash or a backslash at the start, and anything else, give the default.
fn back_to(fields: &Fields, default: String) -> String {
    let local = |b: &str| {
        b.starts_with('/')
            && !b[1..].starts_with(['/', '\\'])
            && b.len() <= 2048
            && b.bytes().all(|c| c.is_ascii_graphic())
    };
    match fields.get("back") {
        Some(b) if local(b) => b.clone(),
        _ => default,
    }
}

fn with_done(path: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}done=1")
}

pub async fn review_decide(
    State(st): State<Shared>,
    ctx: Ctx,
    Extension(actor): Extension<Actor>,
    Path((kind, id)): Path<(String, i64)>,
    Form(fields): Form<Fields>,
) -> Result<Response, PageError> {
    let ft = queries::fact_type(&kind).page(&st, &ctx)?;
    let wanted = match fields.get("decision").map(String::as_str) {
        Some("accept") => Wanted::Accept,
        Some("reject") => Wanted::Reject,
        other => return Err(WebError::bad_request(format!("unknown decision {other:?}"))).page(&st, &ctx),
    };
    // Where to go afterwards is settled before the decision is stored: nothing after the write
    // can fail.
    let back = with_done(&back_to(&fields, fact_href(ft, id)));
    let who = actor.0.clone();
    st.write(move |st, store| actions::decide(st, store, ft, id, wanted, &who))
        .await
        .page(&st, &ctx)?
        .map_err(|p| WebError::bad_request(p.join(", ")))
        .page(&st, &ctx)?;
    Ok(Redirect::to(&back).into_response())
}

// ---------------------------------------------------------------- forms

pub struct FormField {
    pub name: &'static str,
    pub label: String,
    pub value: String,
    pub options: Vec<(String, String)>,
    pub list: bool,
}

#[derive(Template)]
#[template(path = "form.html")]
struct FormPage<'a> {
    c: Chrome<'a>,
    heading: String,
    action: String,
    kind: String,
    editing: Option<i64>,
    fields: Vec<FormField>,
    problems: Vec<String>,
    places: Vec<(String, String)>,
}

fn form_fields(st: &Shared, lang: Lang, kind: &str, values: &Fields) -> Vec<FormField> {
    let l = labels(st, lang);
    let t = l.t;
    let v = |n: &str| values.get(n).cloned().unwrap_or_default();
    let text = |name: &'static str, key: &str| FormField {
        name,
        label: t.get(key),
        value: v(name),
        options: vec![],
        list: false,
    };
    let place = |name: &'static str, key: &str| FormField { list: true, ..text(name, key) };
    let select =
        |name: &'static str, key: &str, options: Vec<(String, String)>| FormField { options, ..text(name, key) };
    let mut out = vec![place("party_a", "field-party-a"), place("party_b", "field-party-b")];
    match kind {
        "event" => {
            out.push(select(
                "kind",
                "field-kind",
                view::EVENT_KINDS.iter().map(|k| (view::code(k), l.event_kind(*k))).collect(),
            ));
            out.push(text("ordinal", "field-ordinal"));
            out.push(text("date", "field-date"));
            out.push(place("venue", "field-venue"));
            out.push(select(
                "status",
                "field-status",
                [EventStatus::Planned, EventStatus::Held].iter().map(|s| (view::code(s), l.status(*s))).collect(),
            ));
        }
        "agreement" => {
            out.push(select(
                "kind",
                "field-kind",
                view::AGREEMENT_KINDS.iter().map(|k| (view::code(k), l.agreement_kind(*k))).collect(),
            ));
            out.push(text("signed", "field-signed"));
            out.push(text("period_first", "field-period-first"));
            out.push(text("period_last", "field-period-last"));
        }
        _ => {
            out.push(text("value", "field-value"));
            out.push(select("unit", "field-unit", view::UNITS.iter().map(|u| (view::code(u), l.unit(*u))).collect()));
            out.push(text("quantity", "field-quantity"));
            out.push(text("period_first", "field-period-first"));
            out.push(text("period_last", "field-period-last"));
            out.push(text("year", "field-year"));
        }
    }
    out.push(text("note", "field-note"));
    out
}

fn place_options(st: &Shared, lang: Lang) -> Vec<(String, String)> {
    st.places
        .iter()
        .filter(|p| p.valid_to.is_none() || p.id.as_str() == "VN-28")
        .filter(|p| matches!(p.level, hoptac_core::Level::Province | hoptac_core::Level::District))
        .map(|p| (p.id.to_string(), st.place_name(&p.id, lang)))
        .collect()
}

fn new_heading(t: &Catalog, kind: &str) -> String {
    match kind {
        "event" => t.get("form-new-event"),
        "agreement" => t.get("form-new-agreement"),
        _ => t.get("form-new-commitment"),
    }
}

fn form_page(
    st: &Shared,
    ctx: &Ctx,
    kind: &str,
    editing: Option<(FactType, i64)>,
    values: &Fields,
    problems: &[String],
) -> Result<Html<String>, PageError> {
    let t = st.catalogs.get(ctx.lang);
    let (heading, action) = match editing {
        Some((ft, id)) => (
            format!("{}: {}", t.get("fact-edit"), t.get(&format!("fact-{}", ft.as_str()))),
            format!("/facts/{}/{id}/edit", ft.as_str()),
        ),
        None => (new_heading(t, kind), format!("/new/{kind}")),
    };
    let page = FormPage {
        c: chrome(st, ctx, heading.clone()),
        heading,
        action,
        kind: kind.to_string(),
        editing: editing.map(|(_, id)| id),
        fields: form_fields(st, ctx.lang, kind, values),
        problems: problems.iter().map(|p| t.get(&format!("problem-{p}"))).collect(),
        places: place_options(st, ctx.lang),
    };
    render(&page).page(st, ctx)
}

fn form_kind(kind: &str) -> Result<&'static str, WebError> {
    match kind {
        "event" => Ok("event"),
        "agreement" => Ok("agreement"),
        "commitment" => Ok("commitment"),
        other => Err(WebError::not_found(format!("no form for {other:?}"))),
    }
}

pub async fn new_form(State(st): State<Shared>, ctx: Ctx, Path(kind): Path<String>) -> Result<Html<String>, PageError> {
    let kind = form_kind(&kind).page(&st, &ctx)?;
    let mut values = Fields::new();
    values.insert("status".into(), "planned".into());
    form_page(&st, &ctx, kind, None, &values, &[])
}

pub async fn new_submit(
    State(st): State<Shared>,
    ctx: Ctx,
    Extension(actor): Extension<Actor>,
    Path(kind): Path<String>,
    Form(fields): Form<Fields>,
) -> Result<Response, PageError> {
    let kind = form_kind(&kind).page(&st, &ctx)?;
    let f = fields.clone();
    let who = actor.0.clone();
    match st.write(move |st, store| actions::create(st, store, kind, &f, &who)).await.page(&st, &ctx)? {
        Ok((ft, id)) => Ok(Redirect::to(&with_done(&fact_href(ft, id))).into_response()),
        Err(problems) => {
            let html = form_page(&st, &ctx, kind, None, &fields, &problems)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

/// The form that edits a fact of this type.
fn edit_kind(fact_type: FactType) -> &'static str {
    match fact_type {
        FactType::Event => "event",
        FactType::Agreement => "agreement",
        _ => "commitment",
    }
}

pub async fn edit_form(
    State(st): State<Shared>,
    ctx: Ctx,
    Path((kind, id)): Path<(String, i64)>,
) -> Result<Html<String>, PageError> {
    let ft = queries::fact_type(&kind).page(&st, &ctx)?;
    if ft == FactType::Person {
        return Err(WebError::not_found("people are not edited here")).page(&st, &ctx);
    }
    let v = st.read(move |_, r| queries::fact(r, ft, id)).await.page(&st, &ctx)?;
    let values = actions::fields_of(&v.stored, &v.parties);
    form_page(&st, &ctx, edit_kind(ft), Some((ft, id)), &values, &[])
}

pub async fn edit_submit(
    State(st): State<Shared>,
    ctx: Ctx,
    Extension(actor): Extension<Actor>,
    Path((kind, id)): Path<(String, i64)>,
    Form(fields): Form<Fields>,
) -> Result<Response, PageError> {
    let ft = queries::fact_type(&kind).page(&st, &ctx)?;
    let f = fields.clone();
    let who = actor.0.clone();
    match st
        .write(move |st, store| actions::decide(st, store, ft, id, Wanted::Correct(f), &who))
        .await
        .page(&st, &ctx)?
    {
        Ok(_) => Ok(Redirect::to(&with_done(&fact_href(ft, id))).into_response()),
        Err(problems) => {
            let html = form_page(&st, &ctx, edit_kind(ft), Some((ft, id)), &fields, &problems)?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, html).into_response())
        }
    }
}

// ---------------------------------------------------------------- search

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
        total = t.with("search-results", &[("total", r.total.to_string())]);
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

// ---------------------------------------------------------------- agenda

#[derive(Template)]
#[template(path = "agenda.html")]
struct AgendaPage<'a> {
    c: Chrome<'a>,
    sections: Vec<(String, Vec<FactRow>)>,
}

fn plain_row(l: &Labels, fact_type: FactType, id: i64, title: String, detail: String, parties: &[PlaceId]) -> FactRow {
    FactRow {
        href: fact_href(fact_type, id),
        anchor: format!("{}-{id}", fact_type.as_str()),
        title,
        detail,
        parties: l.parties(parties),
        review: "",
        review_label: String::new(),
        sources: Vec::new(),
        more_sources: 0,
        conflicts: Vec::new(),
    }
}

pub async fn agenda(State(st): State<Shared>, ctx: Ctx) -> Result<Html<String>, PageError> {
    let a = st.read(|_, r| Ok(hoptac_store::agenda::build(r, queries::today(), 365)?)).await.page(&st, &ctx)?;
    let l = labels(&st, ctx.lang);
    let t = l.t;
    let meeting = |m: &hoptac_store::agenda::Meeting| {
        let detail = format!("{} · {}", l.parties(&m.parties), l.event_detail(&m.event));
        plain_row(&l, FactType::Event, m.event.id, l.event_title(&m.event), detail, &m.parties)
    };
    let due = |d: &hoptac_store::agenda::Due| {
        let detail = format!(
            "{} · {} · {}",
            l.parties(&d.parties),
            l.figure_detail(&d.commitment),
            l.commitment_status(d.status)
        );
        plain_row(&l, FactType::Figure, d.commitment.id, l.figure_kind(FigureKind::Commitment), detail, &d.parties)
    };
    let sections = vec![
        (t.get("agenda-meetings"), a.meetings.iter().map(meeting).collect()),
        (t.get("agenda-unconfirmed"), a.unconfirmed.iter().map(meeting).collect()),
        (t.get("agenda-due"), a.due.iter().map(due).collect()),
        (t.get("agenda-overdue"), a.overdue.iter().map(due).collect()),
    ];
    let page = AgendaPage { c: chrome(&st, &ctx, t.get("agenda-title")), sections };
    render(&page).page(&st, &ctx)
}

// ---------------------------------------------------------------- upload

#[derive(Template)]
#[template(path = "upload.html")]
struct UploadPage<'a> {
    c: Chrome<'a>,
    help: String,
    error: Option<String>,
}

pub struct PreviewFact {
    pub kind: String,
    pub title: String,
    pub detail: String,
    pub sentence: String,
}

#[derive(Template)]
#[template(path = "preview.html")]
struct PreviewPage<'a> {
    c: Chrome<'a>,
    title: String,
    token: String,
    known: Option<i64>,
    facts: Vec<PreviewFact>,
}

fn upload_page(st: &Shared, ctx: &Ctx, error: Option<String>) -> Result<Html<String>, PageError> {
    let t = st.catalogs.get(ctx.lang);
    let mb = format!("{:.0}", st.config.upload_limit as f64 / 1e6);
    let page =
        UploadPage { c: chrome(st, ctx, t.get("upload-title")), help: t.with("upload-help", &[("limit", mb)]), error };
    render(&page).page(st, ctx)
}

pub async fn upload_form(State(st): State<Shared>, ctx: Ctx) -> Result<Html<String>, PageError> {
    upload_page(&st, &ctx, None)
}

/// Read the `file` field of a multipart upload within the limit: its name and bytes.
/// Room for a multipart form's boundaries and headers around the file.
const FORM_FRAMING: usize = 64 * 1024;

pub async fn read_upload(mut mp: Multipart, limit: usize) -> Result<(String, Vec<u8>), WebError> {
    let multipart = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            WebError::too_large(limit)
        } else {
            WebError::bad_request(e.body_text())
        }
    };
    while let Some(mut field) = mp.next_field().await.map_err(multipart)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("upload.txt").to_string();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(multipart)? {
            if bytes.len() + chunk.len() > limit {
                return Err(WebError::too_large(limit));
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok((name, bytes));
    }
    Err(WebError::bad_request("no file in the form"))
}

/// The facts of an extracted record as the preview lists them.
fn preview_facts(l: &Labels, record: &hoptac_core::ExtractRecord) -> Vec<PreviewFact> {
    let mut out = Vec::new();
    for e in &record.events {
        let s = StoredEvent {
            id: 0,
            partnership: None,
            kind: e.kind,
            ordinal: e.ordinal,
            date: e.date,
            place: e.place.clone(),
            status: e.status,
        };
        out.push(PreviewFact {
            kind: l.fact_type(FactType::Event),
            title: l.event_title(&s),
            detail: format!("{} · {}", l.parties(&e.parties), l.event_detail(&s)),
            sentence: e.evidence.clone(),
        });
    }
    for a in &record.agreements {
        let s = StoredAgreement { id: 0, partnership: None, kind: a.kind, signed: a.signed, period: a.period };
        out.push(PreviewFact {
            kind: l.fact_type(FactType::Agreement),
            title: l.agreement_kind(a.kind),
            detail: format!("{} · {}", l.parties(&a.parties), l.agreement_detail(&s)),
            sentence: a.evidence.clone(),
        });
    }
    for f in &record.figures {
        let s = StoredFigure {
            id: 0,
            partnership: None,
            kind: f.kind,
            unit: f.unit,
            value: f.value,
            from: f.from.clone(),
            to: f.to.clone(),
            period: f.period,
            year: None,
            quantity: f.quantity.clone(),
            fulfils: None,
        };
        out.push(PreviewFact {
            kind: l.fact_type(FactType::Figure),
            title: l.figure_kind(f.kind),
            detail: l.figure_detail(&s),
            sentence: f.evidence.clone(),
        });
    }
    for p in &record.people {
        out.push(PreviewFact {
            kind: l.fact_type(FactType::Person),
            title: p.name.clone(),
            detail: p.titles.join("; "),
            sentence: p.evidence.clone(),
        });
    }
    out
}

pub async fn upload_submit(
    State(st): State<Shared>,
    ctx: Ctx,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let t = st.catalogs.get(ctx.lang);
    let limit = st.config.upload_limit;
    let fail = |e: WebError| -> Result<Response, PageError> {
        let html = upload_page(&st, &ctx, Some(t.with("upload-error", &[("reason", e.message)])))?;
        Ok((e.status, html).into_response())
    };
    // The whole body first (a form's framing allowed for), then the form read from it.
    let (parts, body) = req.into_parts();
    let body = match st.read_upload_body(body, FORM_FRAMING).await {
        Ok(b) => b,
        Err(e) => return fail(e),
    };
    let req = axum::extract::Request::from_parts(parts, axum::body::Body::from(body));
    let mp = match <Multipart as axum::extract::FromRequest<()>>::from_request(req, &()).await {
        Ok(mp) => mp,
        Err(e) => return fail(WebError::bad_request(e.body_text())),
    };
    let (name, bytes) = match read_upload(mp, limit).await {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    let (doc, record) = match st.prepare_upload(name.clone(), bytes.into()).await.page(&st, &ctx)? {
        Ok(x) => x,
        Err(refused) => return fail(refused.into()),
    };
    let hash = doc.hash.clone();
    let known = st.read(move |_, r| Ok(hoptac_store::Reader::document_by_hash(r, &hash)?)).await.page(&st, &ctx)?;
    let l = labels(&st, ctx.lang);
    let facts = preview_facts(&l, &record);
    let title = doc.title.clone().unwrap_or_else(|| name.clone());
    let token = st.hold_upload(doc, record).page(&st, &ctx)?;
    let page = PreviewPage { c: chrome(&st, &ctx, t.get("upload-preview")), title, token, known, facts };
    Ok(render(&page).page(&st, &ctx)?.into_response())
}

pub async fn upload_confirm(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let Some(upload) = st.take_upload(&token) else {
        let t = st.catalogs.get(ctx.lang);
        let html = upload_page(&st, &ctx, Some(t.get("upload-expired")))?;
        return Ok((StatusCode::GONE, html).into_response());
    };
    let (id, _) = st
        .write(move |st, store| actions::store_document(st, store, &upload.doc, &upload.record))
        .await
        .page(&st, &ctx)?;
    Ok(Redirect::to(&format!("/documents/{id}?done=stored")).into_response())
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

    #[test]
    fn snippets_mark_matches() {
        let runs = snippet_runs("tìm hài cốt liệt sĩ", &[(5, 15)]);
        assert_eq!(runs[1], ("hài cốt".to_string(), true));
        assert_eq!(runs.iter().map(|r| r.0.as_str()).collect::<String>(), "tìm hài cốt liệt sĩ");
        assert_eq!(snippet_runs("abc", &[(1, 99)]), vec![("abc".to_string(), false)]);
    }

    #[test]
    fn going_back_stays_on_this_site() {
        let mut f = Fields::new();
        f.insert("back".into(), "//evil.example/x".into());
        assert_eq!(back_to(&f, "/d".into()), "/d");
        f.insert("back".into(), "/review".into());
        assert_eq!(back_to(&f, "/d".into()), "/review");
        // What browsers turn into another site, or what cannot go in a header.
        for bad in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\\evil.example",
            "/x\r\nSet-Cookie: a=b",
            "/ok path",
            "/é",
            "https://evil.example",
            "",
        ] {
            f.insert("back".into(), bad.into());
            assert_eq!(back_to(&f, "/d".into()), "/d", "{bad:?}");
        }
        f.insert("back".into(), "/review?kind=event&lang=lo".into());
        assert_eq!(back_to(&f, "/d".into()), "/review?kind=event&lang=lo");
    }
}
