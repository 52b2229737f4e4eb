//! The web application and HTTP API of hoptac (`hoptac serve`).
//!
//! - [`state`]: what requests share (store connections, the writer, the index, catalogues).
//! - [`guard`]: the one place where writes are authorised and cross-site requests refused.
//! - [`pages`]: server-rendered HTML in Vietnamese, Lao and English ([`i18n`], `templates/`).
//! - [`api`]: JSON under `/api/v1`, described by `openapi.json`.
//! - [`queries`] and [`actions`]: reads and writes both use; [`view`]: labels; [`svg`]: map, charts.

pub mod actions;
pub mod api;
pub mod error;
pub mod guard;
pub mod i18n;
pub mod pages;
pub mod queries;
pub mod state;
pub mod svg;
pub mod view;

use std::future::Future;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tower_http::LatencyUnit;
use tracing::Level;

pub use state::{AppState, Config, Mode};

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(CONTENT_TYPE, content_type), (CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}

/// Every route of the application.
pub fn router(st: state::Shared) -> Router {
    let upload_limit = st.config.upload_limit + 64 * 1024;
    let api = Router::new()
        .route("/openapi.json", get(api::openapi))
        .route("/csrf", get(api::csrf))
        .route("/places", get(api::places))
        .route("/partnerships", get(api::partnerships))
        .route("/partnerships/{id}/dossier", get(api::partnership_dossier))
        .route("/dossier", get(api::dossier))
        .route("/events", get(api::events))
        .route("/agreements", get(api::agreements))
        .route("/commitments", get(api::commitments))
        .route("/{collection}/{id}", get(api::fact))
        .route("/documents", get(api::documents).post(api::upload).layer(DefaultBodyLimit::max(upload_limit)))
        .route("/documents/{id}", get(api::document))
        .route("/search", get(api::search))
        .route("/agenda", get(api::agenda))
        .route("/agenda.ics", get(api::agenda_ics))
        .route("/review", get(api::review_queue))
        .route("/facts", post(api::create_fact))
        .route("/facts/{kind}/{id}/review", post(api::review_decide))
        .fallback(api::not_found);
    Router::new()
        .route("/", get(pages::overview))
        .route("/partnerships/{id}", get(pages::partnership))
        .route("/dossier", get(pages::dossier_by_places))
        .route("/documents/{id}", get(pages::document))
        .route("/facts/{kind}/{id}", get(pages::fact))
        .route("/facts/{kind}/{id}/edit", get(pages::edit_form).post(pages::edit_submit))
        .route("/search", get(pages::search))
        .route("/agenda", get(pages::agenda))
        .route("/review", get(pages::review_queue))
        .route("/review/{kind}/{id}", post(pages::review_decide))
        .route("/new/{kind}", get(pages::new_form).post(pages::new_submit))
        .route("/upload", get(pages::upload_form).post(pages::upload_submit).layer(DefaultBodyLimit::max(upload_limit)))
        .route("/upload/{token}", post(pages::upload_confirm))
        .route(
            "/assets/style.css",
            get(|| async { asset("text/css; charset=utf-8", include_str!("../assets/style.css")) }),
        )
        .route(
            "/assets/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", include_str!("../assets/app.js")) }),
        )
        .route("/assets/icon.svg", get(|| async { asset("image/svg+xml", include_str!("../assets/icon.svg")) }))
        .route("/favicon.ico", get(|| async { axum::response::Redirect::permanent("/assets/icon.svg") }))
        .route("/healthz", get(|| async { "ok" }))
        .nest("/api/v1", api)
        .fallback(not_found_page)
        .layer(axum::middleware::from_fn_with_state(st.clone(), guard::guard))
        .layer(axum::middleware::from_fn_with_state(st.clone(), uniform_errors))
        .layer(DefaultBodyLimit::max(256 * 1024))
        // One log line per request (method, path, status, latency) at info level.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_request(())
                .on_response(DefaultOnResponse::new().level(Level::INFO).latency_unit(LatencyUnit::Micros)),
        )
        .with_state(st)
}

async fn not_found_page(
    axum::extract::State(st): axum::extract::State<state::Shared>,
    headers: axum::http::HeaderMap,
    uri: axum::http::Uri,
) -> Response {
    let lang = pages::request_lang(&headers, uri.query());
    pages::error_page(&st, lang, &error::WebError::not_found(uri.path().to_string()))
}

/// Errors the framework answers itself (a body too large, a query that does not parse, a
/// method not allowed) in the same form as ours: JSON under `/api/`, a page elsewhere.
async fn uniform_errors(
    axum::extract::State(st): axum::extract::State<state::Shared>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let lang = pages::request_lang(req.headers(), req.uri().query());
    let resp = next.run(req).await;
    let status = resp.status();
    let typed = resp
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/json") || c.starts_with("text/html"));
    if !(status.is_client_error() || status.is_server_error()) || typed {
        return resp;
    }
    let text = axum::body::to_bytes(resp.into_body(), 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let code = match status.as_u16() {
        404 => "not_found",
        405 => "method_not_allowed",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        500..=599 => "internal",
        _ => "bad_request",
    };
    let message = if text.is_empty() { status.canonical_reason().unwrap_or("error").to_string() } else { text };
    let e = error::WebError::new(status, code, message);
    if api {
        e.into_response()
    } else {
        pages::error_page(&st, lang, &e)
    }
}

/// Render ahead: whenever the store has changed, ask (in process, one page at a time) for the
/// pages people looked at before — at start, the overview and every partnership's dossier — so
/// that the next visitor finds them in the cache. A page nobody has looked at is not rendered;
/// a change during a pass starts a new pass.
async fn render_ahead(st: state::Shared, app: Router) {
    use tower::ServiceExt;
    let mut done = None;
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let Ok(generation) = st.blocking(|st| st.generation()).await else { continue };
        if done == Some(generation) {
            continue;
        }
        for (uri, lang) in st.wanted_pages() {
            if st.blocking(|st| st.generation()).await.ok() != Some(generation) {
                break;
            }
            let req = axum::http::Request::get(uri.as_str())
                .header(axum::http::header::ACCEPT_LANGUAGE, lang.code())
                .body(axum::body::Body::empty());
            if let Ok(req) = req {
                let _ = app.clone().oneshot(req).await;
            }
        }
        done = Some(generation);
    }
}

/// Serve until `shutdown` resolves; in-flight requests finish first.
pub async fn serve(
    st: Arc<AppState>,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The overview and every partnership's dossier, in Vietnamese, are rendered ahead from the start.
    if let Ok(ids) = st
        .read(|_, r| {
            Ok(hoptac_store::Reader::partnerships(r)?
                .into_iter()
                .filter(|p| p.parties.len() >= 2)
                .map(|p| p.id)
                .collect::<Vec<_>>())
        })
        .await
    {
        let vi = i18n::Lang::Vi;
        let paths = std::iter::once("/".to_string()).chain(ids.into_iter().map(|id| format!("/partnerships/{id}")));
        for path in paths {
            st.remember_page(&pages::page_key(&path, &[], false, vi), &path, vi);
        }
    }
    let app = router(st.clone());
    let ahead = tokio::spawn(render_ahead(st, app.clone()));
    let result = axum::serve(listener, app).with_graceful_shutdown(shutdown).await;
    ahead.abort();
    result
}
