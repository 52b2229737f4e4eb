//! The web application and HTTP API of hoptac (`hoptac serve`).
//!
//! - [`state`]: what requests share (store connections, the writer, the index, catalogues).
//! - [`auth`]: who is asking (session, API token, the local user); [`guard`]: the one place
//!   where requests are let in by what their route needs and writes authorised by role and
//!   place, and cross-site requests refused.
//! - [`pages`]: server-rendered HTML in Vietnamese, Lao and English ([`i18n`], `templates/`).
//! - [`api`]: JSON under `/api/v1`, described by `openapi.json`.
//! - [`queries`] and [`actions`]: reads and writes both use; [`view`]: labels; [`downloads`]:
//!   reports and exports (the map and charts come from `hoptac-report`).

pub mod actions;
pub mod api;
pub mod auth;
pub mod downloads;
pub mod error;
pub mod guard;
pub mod i18n;
pub mod pages;
pub mod queries;
pub mod request;
pub mod state;
pub mod view;

use std::future::Future;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};

pub use state::{AppState, Config, Limits, Mode};

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(CONTENT_TYPE, content_type), (CACHE_CONTROL, "public, max-age=3600")], body).into_response()
}

/// Every route of the application.
pub fn router(st: state::Shared) -> Router {
    let api = Router::new()
        .route("/openapi.json", get(api::openapi))
        .route("/csrf", get(api::csrf))
        .route("/places", get(api::places))
        .route("/partnerships", get(api::partnerships))
        .route("/partnerships/{id}/dossier", get(api::partnership_dossier))
        .route("/partnerships/{id}/report", get(downloads::report))
        .route("/partnerships/{id}/export", get(downloads::export_partnership))
        .route("/export", get(downloads::export_all))
        .route("/dossier", get(api::dossier))
        .route("/events", get(api::events))
        .route("/agreements", get(api::agreements))
        .route("/commitments", get(api::commitments))
        .route("/{collection}/{id}", get(api::fact))
        .route("/documents", get(api::documents).post(api::upload).layer(DefaultBodyLimit::disable()))
        .route("/documents/{id}", get(api::document))
        .route("/search", get(api::search))
        .route("/agenda", get(api::agenda))
        .route("/agenda.ics", get(api::agenda_ics))
        .route("/review", get(api::review_queue))
        .route("/facts", post(api::create_fact))
        .route("/facts/{kind}/{id}/review", post(api::review_decide))
        .route("/me", get(api::me))
        .fallback(api::not_found);
    Router::new()
        .route("/", get(pages::overview))
        .route("/partnerships/{id}", get(pages::partnership))
        .route("/partnerships/{id}/report", get(downloads::report))
        .route("/partnerships/{id}/export", get(downloads::export_partnership))
        .route("/export", get(downloads::export_all))
        .route("/dossier", get(pages::dossier_by_places))
        .route("/documents/{id}", get(pages::document))
        .route("/facts/{kind}/{id}", get(pages::fact))
        .route("/facts/{kind}/{id}/edit", get(pages::edit_form).post(pages::edit_submit))
        .route("/search", get(pages::search))
        .route("/agenda", get(pages::agenda))
        .route("/review", get(pages::review_queue))
        .route("/review/{kind}/{id}", post(pages::review_decide))
        .route("/new/{kind}", get(pages::new_form).post(pages::new_submit))
        .route("/upload", get(pages::upload_form).post(pages::upload_submit).layer(DefaultBodyLimit::disable()))
        .route("/upload/{token}", post(pages::upload_confirm))
        .route("/signin", get(pages::signin_form).post(pages::signin_submit))
        .route("/signout", post(pages::signout))
        .route("/reset/{code}", get(pages::reset_form).post(pages::reset_submit))
        .route("/account", get(pages::account_page))
        .route("/account/password", post(pages::account_password))
        .route("/account/lang", post(pages::account_lang))
        .route("/account/tokens", post(pages::token_create))
        .route("/account/tokens/{id}/revoke", post(pages::token_revoke))
        .route("/admin", get(pages::admin_page))
        .route("/admin/audit", get(pages::audit_page))
        .route("/admin/users", post(pages::admin_add_user))
        .route("/admin/users/{name}", get(pages::admin_user_page))
        .route("/admin/users/{name}/disable", post(pages::admin_disable))
        .route("/admin/users/{name}/enable", post(pages::admin_enable))
        .route("/admin/users/{name}/roles", post(pages::admin_roles))
        .route("/admin/users/{name}/reset", post(pages::admin_reset))
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
        // After routing: what the route needs of the person (see guard::ENDPOINTS).
        .route_layer(axum::middleware::from_fn_with_state(st.clone(), guard::permit))
        .fallback(not_found_page)
        .layer(axum::middleware::from_fn_with_state(st.clone(), guard::guard))
        // Every request answered within the deadline (reading its body included).
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            st.config.limits.request_timeout,
        ))
        .layer(axum::middleware::from_fn_with_state(st.clone(), uniform_errors))
        .layer(DefaultBodyLimit::max(256 * 1024))
        // Pages, JSON and calendars compressed when the client accepts it (gzip or brotli, at the
        // fastest level: a dossier page of a busy partnership shrinks about tenfold for a few
        // milliseconds); reports and spreadsheets are compressed already.
        .layer(
            tower_http::compression::CompressionLayer::new()
                .quality(tower_http::CompressionLevel::Fastest)
                .compress_when(
                    SizeAbove::new(1024)
                        .and(NotForContentType::new("application/pdf"))
                        .and(NotForContentType::new("application/vnd.openxmlformats"))
                        .and(NotForContentType::IMAGES),
                ),
        )
        .layer(axum::middleware::from_fn(log_request))
        .with_state(st)
}

/// One log line per request (method, path, status, latency in µs; the CSRF token a query may
/// carry and a reset code are not written down). Errors and writes always at info (server errors
/// at warn); successful reads at debug, health checks at trace: at the default level a busy
/// server pays nothing for the requests that go well and change nothing.
async fn log_request(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let method = req.method().clone();
    let reading = matches!(method, axum::http::Method::GET | axum::http::Method::HEAD);
    let health = req.uri().path() == "/healthz";
    // A cheap copy (shared bytes); the path is formatted only for a line that is written.
    let uri = req.uri().clone();
    let start = std::time::Instant::now();
    let res = next.run(req).await;
    let status = res.status();
    let micros = start.elapsed().as_micros() as u64;
    let uri = LoggedUri(&uri);
    if status.is_server_error() {
        tracing::warn!(%method, %uri, status = status.as_u16(), latency_us = micros, "request");
    } else if status.is_client_error() || !reading {
        tracing::info!(%method, %uri, status = status.as_u16(), latency_us = micros, "request");
    } else if health {
        tracing::trace!(%method, %uri, status = status.as_u16(), latency_us = micros, "request");
    } else {
        tracing::debug!(%method, %uri, status = status.as_u16(), latency_us = micros, "request");
    }
    res
}

/// [`logged_uri`], formatted only when a log line is written.
struct LoggedUri<'a>(&'a axum::http::Uri);

impl std::fmt::Display for LoggedUri<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&logged_uri(self.0))
    }
}

/// A request's path and query as the log shows it: secrets replaced (the CSRF token a query
/// may carry, the one-time code in a password link).
fn logged_uri(uri: &axum::http::Uri) -> String {
    let path = match uri.path().strip_prefix("/reset/") {
        Some(_) => "/reset/…",
        None => uri.path(),
    };
    let Some(query) = uri.query() else { return path.to_string() };
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        q.append_pair(&k, if k == guard::CSRF_FIELD { "…" } else { &v });
    }
    format!("{path}?{}", q.finish())
}

async fn not_found_page(
    axum::extract::State(st): axum::extract::State<state::Shared>,
    headers: axum::http::HeaderMap,
    uri: axum::http::Uri,
) -> Response {
    let lang = request::request_lang(&headers, uri.query());
    pages::error_page(&st, lang, &error::WebError::not_found(uri.path().to_string()))
}

fn close_if_refused(mut resp: Response, has_body: bool) -> Response {
    if has_body && (resp.status().is_client_error() || resp.status().is_server_error()) {
        resp.headers_mut().insert(axum::http::header::CONNECTION, axum::http::HeaderValue::from_static("close"));
    }
    resp
}

/// Errors the framework answers itself (a body too large, a query that does not parse, a
/// method not allowed) in the same form as ours: JSON under `/api/`, a page elsewhere.
async fn uniform_errors(
    axum::extract::State(st): axum::extract::State<state::Shared>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let lang = request::request_lang(req.headers(), req.uri().query());
    // A request refused before its body was read (a 401 to an upload) leaves bytes on the
    // connection: the answer says the connection closes, so no client sends its next request
    // into it.
    let has_body = req.headers().get(axum::http::header::TRANSFER_ENCODING).is_some()
        || req
            .headers()
            .get(axum::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim() != "0");
    let mut resp = close_if_refused(next.run(req).await, has_body);
    if let Some(error::AsPage(e)) = resp.extensions_mut().remove::<error::AsPage>() {
        return keep_headers(&resp, pages::error_page(&st, lang, &e));
    }
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
        503 => "unavailable",
        415 => "unsupported_media_type",
        500..=599 => "internal",
        _ => "bad_request",
    };
    let message = match (status.as_u16(), text.is_empty()) {
        (503, true) => {
            format!("the request took longer than {} s and was stopped", st.config.limits.request_timeout.as_secs())
        }
        (_, true) => status.canonical_reason().unwrap_or("error").to_string(),
        (_, false) => text,
    };
    let e = error::WebError::new(status, code, message);
    let answer = if api { e.into_response() } else { pages::error_page(&st, lang, &e) };
    close_if_refused(answer, has_body)
}

/// A new answer in place of `old`, keeping what `old` said of the connection, security and
/// cookies (everything but its body's type and length).
fn keep_headers(old: &Response, mut new: Response) -> Response {
    use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE as TYPE};
    for (name, value) in old.headers() {
        let cookie = name == axum::http::header::SET_COOKIE;
        if cookie || (name != TYPE && name != CONTENT_LENGTH && !new.headers().contains_key(name)) {
            new.headers_mut().append(name.clone(), value.clone());
        }
    }
    new
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

/// Keep the index following the store: documents a write left unindexed (the index was held by
/// an ingest, say) are indexed as soon as the index can be written. Only where this server
/// writes; a read-only server sees what the writers index.
async fn index_catch_up(st: state::Shared) {
    if !st.can_write() {
        return;
    }
    // On PostgreSQL, other servers' and ingests' commits are announced (LISTEN/NOTIFY): the
    // index takes them in at once; elsewhere, and as a safety net, every 2 seconds.
    let wake = Arc::new(tokio::sync::Notify::new());
    if let hoptac_app::backend::Kind::Postgres(url) = &st.config.store.kind {
        let wake = wake.clone();
        hoptac_postgres::listen(url, move || wake.notify_one());
    }
    loop {
        let _ = tokio::time::timeout(std::time::Duration::from_secs(2), wake.notified()).await;
        let behind = st
            .read(|st, r| {
                Ok(match hoptac_app::index::changes_behind(r, &st.index_dir)? {
                    Some(n) => n.max(0) as usize,
                    None => hoptac_store::Reader::unindexed_documents(r)?.len(),
                })
            })
            .await
            .unwrap_or(0);
        if behind == 0 {
            continue;
        }
        let done = st
            .write(|st, store| {
                // Not an internal error (nothing is logged as one): the index is busy, try later.
                st.catch_up_index(store).map_err(|e| {
                    error::WebError::new(axum::http::StatusCode::SERVICE_UNAVAILABLE, "unavailable", e.to_string())
                })
            })
            .await;
        match done {
            Ok(n) => tracing::info!(documents = n, "search index caught up"),
            Err(e) => tracing::debug!(error = %e.message, "search index not caught up yet"),
        }
    }
}

/// What a client over the connection limit is told before its connection is closed.
const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\n\
retry-after: 5\r\nconnection: close\r\ncontent-length: 45\r\n\r\nthe server is busy: too many connections open\n";

/// Serve until `shutdown` resolves. Connections are capped ([`Limits::connections`]; more are
/// told 503 and closed), a client has [`Limits::header_timeout`] to send each request's headers
/// (an idle kept-alive connection is closed after as long), every request is answered within
/// [`Limits::request_timeout`]; on shutdown the listener closes, requests in flight get
/// [`Limits::shutdown_timeout`] to finish, and then the server returns whatever remains.
pub async fn serve(
    st: Arc<AppState>,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;
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
    let limits = st.config.limits.clone();
    let app = router(st.clone());
    let ahead = tokio::spawn(render_ahead(st.clone(), app.clone()));
    let caught_up = tokio::spawn(index_catch_up(st));
    let slots = Arc::new(tokio::sync::Semaphore::new(limits.connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (mut stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(x) => x,
                Err(e) => {
                    // Out of file descriptors, or a connection reset before it was taken: wait
                    // a moment rather than spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            tokio::spawn(async move {
                let write = async {
                    stream.write_all(BUSY).await?;
                    stream.shutdown().await
                };
                let _ = tokio::time::timeout(std::time::Duration::from_secs(1), write).await;
            });
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let service = hyper::service::service_fn(move |mut req: axum::http::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(auth::Peer(peer));
            tower::ServiceExt::oneshot(app.clone(), req)
        });
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .max_header_size(32 * 1024)
            .max_buf_size(64 * 1024)
            // A client that shuts its side after sending still gets its answer.
            .half_close(true)
            .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
            drop(slot);
        });
    }
    drop(listener);
    ahead.abort();
    caught_up.abort();
    if tokio::time::timeout(limits.shutdown_timeout, graceful.shutdown()).await.is_err() {
        tracing::warn!(deadline = ?limits.shutdown_timeout, "requests still in flight at the shutdown deadline: stopping anyway");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::logged_uri;

    #[test]
    fn secrets_in_uris_are_not_logged() {
        let uri = |s: &str| s.parse::<axum::http::Uri>().unwrap();
        assert_eq!(logged_uri(&uri("/reset/0123abcd?lang=lo")), "/reset/…?lang=lo");
        assert_eq!(logged_uri(&uri("/reset/0123abcd")), "/reset/…");
        assert_eq!(logged_uri(&uri("/upload?_csrf=secret&x=1")), "/upload?_csrf=%E2%80%A6&x=1");
        assert_eq!(logged_uri(&uri("/partnerships/4")), "/partnerships/4");
    }
}
