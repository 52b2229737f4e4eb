//! Server-rendered pages, one file per family: [`overview`], [`dossier`], [`records`] (a
//! document, a fact), [`search`], [`review`], [`forms`], [`upload`], [`agenda`], [`account`]
//! (sign-in, one's own account, reset links), [`admin`] (accounts, roles, the audit log). This file
//! holds what every page shares: the request as a page sees it ([`Ctx`]: language, CSRF token,
//! the query parameters it reads), the frame ([`Chrome`]), errors shown as pages, and the page
//! cache lookup.

mod account;
mod admin;
mod agenda;
mod dossier;
mod forms;
mod overview;
mod records;
mod review;
mod search;
mod upload;

pub use account::*;
pub use admin::*;
pub use agenda::*;
pub use dossier::*;
pub use forms::*;
pub use overview::*;
pub use records::*;
pub use review::*;
pub use search::*;
pub use upload::*;

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, Multipart, Path, Query, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use hoptac_core::{EventStatus, FigureKind, PlaceId};
use hoptac_store::dossier::{CommitmentStatus, Dossier};
use hoptac_store::{FactType, StoredAgreement, StoredEvent, StoredFigure};

use crate::actions::{self, Fields, Wanted};
use crate::auth::{Actor, Principal, Via, Viewer};
use crate::error::WebError;
use crate::guard::CsrfToken;
use crate::i18n::{Catalog, Lang};
use crate::queries::{self, SearchParams};
use crate::request::{request_lang_for, wants_fresh};
use crate::state::Shared;
use crate::view::{self, fact_href, CommitmentRow, FactRow, Labels, PersonRow, Rows, SourceLink};
use hoptac_report::chart::Chart;
use hoptac_report::svg::{bar_chart, Tie};
use std::sync::Arc;

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
    /// Who is asking (nobody signed in: `None`).
    pub viewer: Option<Arc<Principal>>,
    /// The client takes gzip (a cached page is sent in the form kept with it).
    gzip: bool,
}

/// Whether `Accept-Encoding` names gzip (or `*`) without refusing it (`q=0`).
fn accepts_gzip(headers: &axum::http::HeaderMap) -> bool {
    headers.get_all(axum::http::header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).any(|v| {
        v.split(',').any(|part| {
            let mut it = part.split(';');
            let name = it.next().unwrap_or("").trim();
            let refused = it.any(|p| p.trim().strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()) == Some(0.0));
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
    })
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query: Vec<(String, String)> =
            parts.uri.query().map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect()).unwrap_or_default();
        let viewer = parts.extensions.get::<Viewer>().and_then(|v| v.0.clone());
        Ok(Ctx {
            lang: request_lang_for(&parts.headers, parts.uri.query(), viewer.as_ref().and_then(|p| p.lang)),
            viewer,
            csrf: parts.extensions.get::<CsrfToken>().map(|t| t.0.clone()).unwrap_or_default(),
            uri: parts.uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into()),
            path: parts.uri.path().to_string(),
            flash: query.iter().find(|(k, _)| k == "done").map(|(_, v)| v.clone()),
            fresh: wants_fresh(&parts.headers),
            gzip: accepts_gzip(&parts.headers),
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
    /// carry no form, so no CSRF token) — and, for a signed-in person, their browser (the frame
    /// shows their name and a sign-out form). A page with a one-off message is not cached.
    fn cache_key(&self) -> String {
        let key = page_key(&self.path, &self.query, self.flash.is_some(), self.lang);
        match &self.viewer {
            Some(p) if p.via != Via::Local => format!("{key}@{}", self.csrf),
            _ => key,
        }
    }

    /// Who is asking, when it must be someone (the guard let only them through).
    fn person(&self) -> Result<&Arc<Principal>, WebError> {
        self.viewer.as_ref().ok_or_else(crate::guard::sign_in_required)
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
    /// May upload and enter records (somewhere).
    pub can_write: bool,
    /// May decide about facts (somewhere).
    pub may_review: bool,
    pub is_admin: bool,
    /// The signed-in person's name (a shared server).
    pub user: Option<String>,
    /// People sign in on this server and nobody is signed in: show the way in.
    pub signin: bool,
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
        "reset" => t.get("reset-done"),
        "saved" => t.get("account-saved"),
        _ => t.get("review-done"),
    });
    let person = ctx.viewer.as_deref();
    let may = |a: hoptac_store::access::Action| st.can_write() && person.is_some_and(|p| p.may_somewhere(a));
    Chrome {
        t,
        lang: ctx.lang.code(),
        title,
        langs,
        csrf: ctx.csrf.clone(),
        can_write: may(hoptac_store::access::Action::Edit),
        may_review: may(hoptac_store::access::Action::Decide),
        is_admin: st.has_accounts()
            && person.is_some_and(|p| p.may_somewhere(hoptac_store::access::Action::Administer)),
        user: person.filter(|p| p.via != Via::Local).map(|p| p.name.clone()),
        signin: st.has_accounts() && person.is_none(),
        flash,
    }
}

fn labels<'a>(st: &'a Shared, lang: Lang) -> Labels<'a> {
    Labels { t: st.catalogs.get(lang), gazetteer: st.gazetteer, lang }
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
        viewer: None,
        gzip: false,
    };
    let t = st.catalogs.get(lang);
    let message = match (e.code, e.problems.split_first()) {
        // A refusal by role (and place), in the person's words.
        ("forbidden", Some((role, places))) => {
            let role = t.get(&format!("role-{role}"));
            if places.is_empty() {
                t.with("error-forbidden-role", &[("role", role)])
            } else {
                let names: Vec<String> =
                    places.iter().map(|p| st.place_name(&PlaceId::new(p.as_str()), lang)).collect();
                t.with("error-forbidden-place", &[("role", role), ("places", names.join(", "))])
            }
        }
        _ => t.with(e.message_key(), &[("reason", e.message.clone())]),
    };
    let page = ErrorPage { c: chrome(st, &ctx, message.clone()), message, detail: e.message.clone() };
    let body = page.render().unwrap_or_else(|_| e.message.clone());
    (e.status, Html(body)).into_response()
}

fn render<T: Template>(t: &T) -> Result<Html<String>, WebError> {
    t.render().map(Html).map_err(WebError::internal)
}

/// A page from the cache (as HTML, or gzip for a client that takes it), or the data to render it
/// (with the store generation it was read at).
enum Cached<T> {
    Page(Bytes),
    Gzipped(Bytes),
    /// What to render the page from, read at this generation during this turn.
    Data(Rendering, T),
}

/// A page being rendered: the store generation its data was read at, and the turn that keeps
/// others from rendering it at the same time (released once the page is kept).
struct Rendering {
    generation: u64,
    turn: crate::state::RenderTurn,
}

/// A page just rendered: kept (compressed) for its store generation unless it carries a one-off
/// message, remembered to be rendered again after a change, and sent compressed to a client
/// that takes gzip (the form just kept: nothing is compressed twice). `parts` of the page that
/// other renders carry too (its map) are compressed once for all of them.
fn fresh_page(
    st: &Shared,
    ctx: &Ctx,
    key: String,
    rendering: Rendering,
    html: Bytes,
    parts: &[&std::sync::Arc<str>],
) -> Response {
    if ctx.flash.is_some() {
        return Html(html).into_response();
    }
    st.remember_page(&key, &ctx.uri, ctx.lang);
    match st.keep_page(key, rendering.generation, rendering.turn.ticket, html.clone(), parts) {
        Some(gz) if ctx.gzip => gzipped(gz),
        _ => Html(html).into_response(),
    }
}

/// A page kept compressed, as an answer.
fn gzipped(gz: Bytes) -> Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (axum::http::header::CONTENT_ENCODING, "gzip"),
            (axum::http::header::VARY, "accept-encoding"),
        ],
        gz,
    )
        .into_response()
}

/// Read what a page needs unless a page rendered for the current store generation is cached
/// (for a request that asks for a fresh page: one whose read began after the request arrived).
/// Renders of one page take turns: requests that come while it is rendered wait and take it.
async fn read_cached<T, F>(st: &Shared, ctx: &Ctx, key: &str, f: F) -> Result<Cached<T>, PageError>
where
    T: Send + 'static,
    F: FnOnce(&crate::state::AppState, &queries::Conn) -> Result<T, WebError> + Send + 'static,
{
    let arrived = st.ticket();
    let gzip = ctx.gzip;
    if !ctx.fresh {
        // Most requests: the page is there (no turn to wait for).
        let k = key.to_string();
        let hit = st.read(move |st, _| Ok(cached(st, &k, st.generation()?, 0, gzip))).await.page(st, ctx)?;
        if let Some(hit) = hit {
            return Ok(hit);
        }
    }
    let turn = st.render_turn(key).await;
    let since = if ctx.fresh { arrived } else { 0 };
    let k = key.to_string();
    let got = st
        .read(move |st, r| {
            let generation = st.generation()?;
            match cached(st, &k, generation, since, gzip) {
                Some(hit) => Ok(Err(hit)),
                None => Ok(Ok((generation, f(st, r)?))),
            }
        })
        .await
        .page(st, ctx)?;
    Ok(match got {
        Ok((generation, data)) => Cached::Data(Rendering { generation, turn }, data),
        Err(hit) => hit,
    })
}

/// The page `key` as kept for `generation` from a read that began at ticket `since` or later.
fn cached<T>(st: &crate::state::AppState, key: &str, generation: u64, since: u64, gzip: bool) -> Option<Cached<T>> {
    if let Some(gz) = st.cached_page_gzip(key, generation, since).filter(|_| gzip) {
        return Some(Cached::Gzipped(gz));
    }
    st.cached_page(key, generation, since).map(Cached::Page)
}

fn meetings_chart(t: &Catalog, by_year: &BTreeMap<i16, (usize, usize)>) -> String {
    let groups: Vec<(String, Vec<f64>)> =
        by_year.iter().map(|(y, (h, p))| (y.to_string(), vec![*h as f64, *p as f64])).collect();
    bar_chart(&Chart {
        title: t.get("chart-meetings"),
        series: vec![t.get("status-held"), t.get("status-planned")],
        bars: groups,
    })
}

fn with_done(path: &str) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}done=1")
}

#[cfg(test)]
mod tests {
    use super::accepts_gzip;

    fn h(v: &str) -> axum::http::HeaderMap {
        let mut m = axum::http::HeaderMap::new();
        m.insert(axum::http::header::ACCEPT_ENCODING, v.parse().unwrap());
        m
    }

    #[test]
    fn gzip_when_the_client_takes_it() {
        assert!(accepts_gzip(&h("gzip, deflate, br")));
        assert!(accepts_gzip(&h("br;q=1.0, GZIP;q=0.5")));
        assert!(accepts_gzip(&h("*")));
        assert!(!accepts_gzip(&h("gzip;q=0, br")));
        assert!(!accepts_gzip(&h("identity")));
        assert!(!accepts_gzip(&axum::http::HeaderMap::new()));
    }
}
