//! The one place where requests are let in or refused. Every request passes [`guard`]:
//!
//! - the `Host` must be one this server answers for ([`host_allowed`]): an address, `localhost`,
//!   or a name given with `--allow-host`. A page on another domain whose name an attacker points
//!   at 127.0.0.1 (DNS rebinding) is refused before anything is read or written;
//! - the person behind it is found ([`crate::auth::identify`]: session cookie, API token, or the
//!   local user) and handed on as [`Viewer`] (and [`Actor`] when someone is there);
//! - safe methods (GET, HEAD) get a CSRF token: the `hoptac_csrf` cookie (SameSite=Strict) is
//!   set when absent, and the token is handed to the handlers to put in their forms;
//! - a `?lang=` choice is remembered in the `lang` cookie;
//! - every other method must not come from another site (`Origin` / `Sec-Fetch-Site`) and must
//!   carry the token (`X-CSRF-Token` header, a `_csrf` form field, or `?_csrf=` for uploads),
//!   equal to the cookie — sign-in included. A request with an API token carries no cookie and
//!   needs neither.
//!
//! After routing, [`permit`] looks the endpoint up in [`ENDPOINTS`] — what each route needs:
//! nobody, an account, or a role — and refuses what the person does not hold; a writing route
//! missing from the table is refused to everyone. Once a handler knows the partnership a write
//! touches, it asks [`authorize`], the one function that decides by role and place.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_TYPE, HOST, ORIGIN, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use axum::extract::MatchedPath;
use hoptac_core::PlaceId;
use hoptac_store::access::{Action, Refusal};
use hoptac_store::accounts::AuditKind;
use std::sync::Arc;

use crate::auth::{self, Actor, Identified, Peer, Viewer};
use crate::error::WebError;
use crate::i18n::Lang;
use crate::request::{cookie, query_param};
use crate::state::{AppState, Shared};

pub const CSRF_COOKIE: &str = "hoptac_csrf";
pub const CSRF_FIELD: &str = "_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Largest form body read for its `_csrf` field (uploads are multipart and not read here).
const FORM_LIMIT: usize = 256 * 1024;

/// Sent with every answer: pages load nothing from elsewhere and run no inline script, forms
/// post only here, no other site may frame them, types are not sniffed, and no URL (an upload's
/// token) leaks to another site in a `Referer`.
const SECURITY_HEADERS: &[(&str, &str)] = &[
    (
        "content-security-policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "same-origin"),
];

/// The client's address as the audit log records it.
#[derive(Debug, Clone, Default)]
pub struct ClientAddress(pub String);

/// The CSRF token of this browser, for the forms a page renders.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// 32 random bytes as hex.
pub fn random_token() -> Result<String, WebError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(WebError::internal)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Does this server answer for the `Host` a request names? IP addresses (a rebinding attack
/// needs a name the attacker controls), `localhost`, and the names configured. A request without
/// `Host` (HTTP/1.0, not a browser) passes.
pub fn host_allowed(host: Option<&str>, allowed: &[String]) -> bool {
    let Some(host) = host else { return true };
    let name = match host.strip_prefix('[') {
        // [v6]:port
        Some(rest) => return rest.split_once(']').is_some_and(|(ip, _)| ip.parse::<std::net::Ipv6Addr>().is_ok()),
        None => host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name.parse::<std::net::Ipv4Addr>().is_ok()
        || name == "localhost"
        || allowed.iter().any(|a| a.trim_end_matches('.').eq_ignore_ascii_case(&name))
}

/// What a route needs of the person asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Anyone, even on a private server (sign-in, assets, health).
    Anyone,
    /// Reading: anyone, or on a private server anyone signed in with a role.
    Read,
    /// Someone signed in (their own account).
    Account,
    /// A role that allows this action somewhere; the place is checked by [`authorize`] once the
    /// handler knows the partnership.
    Role(Action),
}

/// A route and what it needs.
#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    pub method: &'static str,
    pub path: &'static str,
    pub needs: Needs,
}

const fn ep(method: &'static str, path: &'static str, needs: Needs) -> Endpoint {
    Endpoint { method, path, needs }
}

const EDIT: Needs = Needs::Role(Action::Edit);
const DECIDE: Needs = Needs::Role(Action::Decide);
const ADMIN: Needs = Needs::Role(Action::Administer);

/// Every route that needs more than reading, and every writing route. A writing route not
/// listed here is refused to everyone (and the permission matrix test fails).
pub const ENDPOINTS: &[Endpoint] = &[
    ep("GET", "/signin", Needs::Anyone),
    ep("POST", "/signin", Needs::Anyone),
    ep("GET", "/reset/{code}", Needs::Anyone),
    ep("POST", "/reset/{code}", Needs::Anyone),
    ep("GET", "/assets/style.css", Needs::Anyone),
    ep("GET", "/assets/app.js", Needs::Anyone),
    ep("GET", "/assets/icon.svg", Needs::Anyone),
    ep("GET", "/favicon.ico", Needs::Anyone),
    ep("GET", "/healthz", Needs::Anyone),
    ep("GET", "/api/v1/csrf", Needs::Anyone),
    ep("GET", "/api/v1/openapi.json", Needs::Anyone),
    ep("POST", "/signout", Needs::Account),
    ep("GET", "/account", Needs::Account),
    ep("POST", "/account/password", Needs::Account),
    ep("POST", "/account/lang", Needs::Account),
    ep("POST", "/account/tokens", Needs::Account),
    ep("POST", "/account/tokens/{id}/revoke", Needs::Account),
    ep("GET", "/api/v1/me", Needs::Account),
    ep("GET", "/upload", EDIT),
    ep("POST", "/upload", EDIT),
    ep("POST", "/upload/{token}", EDIT),
    ep("GET", "/new/{kind}", EDIT),
    ep("POST", "/new/{kind}", EDIT),
    ep("GET", "/facts/{kind}/{id}/edit", DECIDE),
    ep("POST", "/facts/{kind}/{id}/edit", DECIDE),
    ep("POST", "/review/{kind}/{id}", DECIDE),
    ep("POST", "/api/v1/documents", EDIT),
    ep("POST", "/api/v1/facts", EDIT),
    ep("POST", "/api/v1/facts/{kind}/{id}/review", DECIDE),
    ep("GET", "/admin", ADMIN),
    ep("GET", "/admin/audit", ADMIN),
    ep("POST", "/admin/users", ADMIN),
    ep("GET", "/admin/users/{name}", ADMIN),
    ep("POST", "/admin/users/{name}/disable", ADMIN),
    ep("POST", "/admin/users/{name}/enable", ADMIN),
    ep("POST", "/admin/users/{name}/roles", ADMIN),
    ep("POST", "/admin/users/{name}/reset", ADMIN),
];

fn is_safe(m: &Method) -> bool {
    m == Method::GET || m == Method::HEAD || m == Method::OPTIONS
}

/// What a route needs: its entry, or reading for safe methods; `None` for a writing route
/// nobody listed.
pub fn needs(method: &Method, path: &str) -> Option<Needs> {
    let m = if method == Method::HEAD { "GET" } else { method.as_str() };
    match ENDPOINTS.iter().find(|e| e.method == m && e.path == path) {
        Some(e) => Some(e.needs),
        None if is_safe(method) => Some(Needs::Read),
        None => None,
    }
}

pub fn sign_in_required() -> WebError {
    WebError::new(axum::http::StatusCode::UNAUTHORIZED, "unauthorized", "sign in first")
}

fn forbidden(why: String) -> WebError {
    WebError::new(axum::http::StatusCode::FORBIDDEN, "forbidden", why)
}

fn refusal_error(st: &AppState, refusal: Refusal, parties: &[PlaceId]) -> WebError {
    // The role and the places go along as `problems` so that pages can word the refusal in
    // the person's language.
    let mut e = match refusal {
        Refusal::Role { needs } => forbidden(format!("this needs the {} role", needs.as_str())),
        Refusal::Place { needs } => {
            let names: Vec<String> = parties.iter().map(|p| st.place_name(p, Lang::En)).collect();
            forbidden(format!(
                "this needs the {} role for one of this partnership's places ({})",
                needs.as_str(),
                names.join(", ")
            ))
        }
    };
    let (Refusal::Role { needs } | Refusal::Place { needs }) = refusal;
    e.problems.push(needs.as_str().to_string());
    if matches!(refusal, Refusal::Place { .. }) {
        e.problems.extend(parties.iter().map(|p| p.to_string()));
    }
    e
}

/// May this person do `action` on a partnership of these `parties` (empty: none yet)? The one
/// function that decides by role and place; the handlers ask it once they know the partnership.
pub fn authorize(st: &AppState, actor: &Actor, action: Action, parties: &[PlaceId]) -> Result<(), WebError> {
    if !st.can_write() && action != Action::Read {
        return Err(WebError::writes_disabled());
    }
    actor.principal.may(st, action, parties).map_err(|r| refusal_error(st, r, parties))
}

/// Check a route's needs against the person asking.
fn check(st: &AppState, needs: Needs, viewer: &Viewer) -> Result<(), WebError> {
    let person = viewer.0.as_deref();
    match needs {
        Needs::Anyone => Ok(()),
        Needs::Read => match person {
            _ if !st.config.private => Ok(()),
            None => Err(sign_in_required()),
            Some(p) if p.top_role().is_some() => Ok(()),
            Some(_) => Err(forbidden("this account holds no role on this server".into())),
        },
        Needs::Account => match person {
            None => Err(sign_in_required()),
            Some(_) => Ok(()),
        },
        Needs::Role(action) => {
            if !st.can_write() {
                return Err(WebError::writes_disabled());
            }
            match person {
                None => Err(sign_in_required()),
                Some(p) if p.may_somewhere(action) => Ok(()),
                Some(_) => Err(refusal_error(st, Refusal::Role { needs: action.needs() }, &[])),
            }
        }
    }
}

/// Write down a refusal of a signed-in person, in the background.
pub fn audit_refusal(st: &Shared, actor: &Actor, what: String) {
    if actor.principal.account.is_none() {
        return;
    }
    let (st, who, address) = (st.clone(), actor.name().to_string(), actor.address.clone());
    tokio::spawn(async move {
        let _ = st
            .write(move |_, w| {
                hoptac_app::accounts::audit(w, AuditKind::Refused, &who, &address, what).map_err(auth::account_error)
            })
            .await;
    });
}

/// After routing: let the request through if the person holds what its route needs. A page
/// asked for by nobody signed in goes to the sign-in page (and back after it).
pub async fn permit(State(st): State<Shared>, matched: Option<MatchedPath>, req: Request, next: Next) -> Response {
    let path = matched.as_ref().map(|m| m.as_str()).unwrap_or("");
    let api = is_api(&req);
    let safe = is_safe(req.method());
    let viewer = req.extensions().get::<Viewer>().cloned().unwrap_or_default();
    let Some(needs) = needs(req.method(), path) else {
        tracing::error!(method = %req.method(), route = path, "a writing route without a permission entry: refused");
        return refuse(api, forbidden(format!("{} {path} has no permission entry", req.method())));
    };
    match check(&st, needs, &viewer) {
        Ok(()) => next.run(req).await,
        Err(e) if e.code == "unauthorized" && safe && !api => {
            let uri = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
            let mut q = form_urlencoded::Serializer::new(String::new());
            q.append_pair("next", uri);
            axum::response::Redirect::to(&format!("/signin?{}", q.finish())).into_response()
        }
        Err(e) => {
            if let Some(actor) = req.extensions().get::<Actor>() {
                audit_refusal(&st, actor, format!("{} {}: {}", req.method(), req.uri().path(), e.message));
            }
            refuse(api, e)
        }
    }
}

/// Refuse requests a browser marks as coming from another site.
fn same_origin(headers: &HeaderMap) -> Result<(), WebError> {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if !matches!(site, "same-origin" | "none") {
            return Err(WebError::csrf(format!("cross-site request refused (Sec-Fetch-Site: {site})")));
        }
    }
    if let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) {
        let host = headers.get(HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
        let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or(origin);
        if origin == "null" || origin_host != host {
            return Err(WebError::csrf(format!("cross-origin request refused (Origin: {origin})")));
        }
    }
    Ok(())
}

fn is_api(req: &Request) -> bool {
    req.uri().path().starts_with("/api/")
}

/// Errors of the guard: JSON for the API; for browsers, the error handed up to be shown as a
/// page in their language (the guard knows nothing of pages).
fn refuse(api: bool, e: WebError) -> Response {
    let mut r = e.clone().into_response();
    for (name, value) in SECURITY_HEADERS {
        r.headers_mut().entry(*name).or_insert(HeaderValue::from_static(value));
    }
    if !api {
        r.extensions_mut().insert(crate::error::AsPage(e));
    }
    r
}

pub async fn guard(State(st): State<Shared>, req: Request, next: Next) -> Response {
    let lang_choice = query_param(req.uri().query(), "lang").and_then(|l| Lang::parse(&l));
    let api = is_api(&req);
    let host = req.headers().get(HOST).map(|h| h.to_str().unwrap_or("\u{fffd}"));
    if !host_allowed(host, &st.config.allowed_hosts) {
        let host = host.unwrap_or_default().chars().take(100).collect::<String>();
        return refuse(api, WebError::new(
                axum::http::StatusCode::MISDIRECTED_REQUEST,
                "host_refused",
                format!("this server does not answer for the host {host:?} (start it with --allow-host {host} if that name is yours)"),
            ),
        );
    }
    let (person, stale) = match auth::identify(&st, req.headers()).await {
        Ok(Identified::Person(p)) => (Some(p), false),
        Ok(Identified::Anonymous { stale }) => (None, stale),
        Err(e) => return refuse(api, e),
    };
    let address = auth::client_address(&st, req.headers(), req.extensions().get::<Peer>());
    let tls = auth::over_tls(req.headers());
    let existing = cookie(req.headers(), CSRF_COOKIE).map(str::to_string).filter(|t| t.len() == 64);
    let mut req = req;
    let mut new_cookie = None;
    req.extensions_mut().insert(Viewer(person.clone()));
    if let Some(p) = &person {
        req.extensions_mut().insert(Actor { principal: Arc::clone(p), address: address.clone() });
    }
    req.extensions_mut().insert(ClientAddress(address));
    if req.method() == Method::GET || req.method() == Method::HEAD || req.method() == Method::OPTIONS {
        let token = match existing {
            Some(t) => t,
            None => match random_token() {
                Ok(t) => {
                    new_cookie = Some(t.clone());
                    t
                }
                Err(e) => return refuse(api, e),
            },
        };
        req.extensions_mut().insert(CsrfToken(token));
    } else if person.as_ref().is_some_and(|p| matches!(p.via, auth::Via::Token(_))) {
        // An API token: no cookie is involved, so no other site can make the browser send it.
    } else {
        if let Err(e) = same_origin(req.headers()) {
            return refuse(api, e);
        }
        let Some(expected) = existing else {
            return refuse(api, WebError::csrf("missing CSRF cookie: load a page (or GET /api/v1/csrf) first"));
        };
        let mut given = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .or_else(|| query_param(req.uri().query(), CSRF_FIELD));
        let is_form = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
        if given.is_none() && is_form {
            let (parts, body) = req.into_parts();
            let bytes = match to_bytes(body, FORM_LIMIT).await {
                Ok(b) => b,
                Err(_) => {
                    return refuse(
                        api,
                        WebError::new(axum::http::StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", "form too large"),
                    )
                }
            };
            given = form_urlencoded::parse(&bytes).find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v.into_owned());
            req = Request::from_parts(parts, Body::from(bytes));
        }
        if given.as_deref() != Some(expected.as_str()) {
            return refuse(api, WebError::csrf("missing or wrong CSRF token"));
        }
        req.extensions_mut().insert(CsrfToken(expected));
    }
    let mut resp = next.run(req).await;
    let headers = resp.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        headers.entry(*name).or_insert(HeaderValue::from_static(value));
    }
    if let Some(t) = new_cookie {
        if let Ok(v) = HeaderValue::from_str(&format!("{CSRF_COOKIE}={t}; Path=/; SameSite=Strict; HttpOnly")) {
            resp.headers_mut().append(SET_COOKIE, v);
        }
    }
    if stale {
        if let Some(v) = auth::session_cookie(None, tls) {
            resp.headers_mut().append(SET_COOKIE, v);
        }
    }
    if let Some(l) = lang_choice {
        if let Ok(v) = HeaderValue::from_str(&format!("lang={}; Path=/; SameSite=Lax; Max-Age=31536000", l.code())) {
            resp.headers_mut().append(SET_COOKIE, v);
        }
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn cross_site_requests_are_refused() {
        assert!(same_origin(&headers(&[("host", "127.0.0.1:8080")])).is_ok(), "no browser headers: curl");
        assert!(same_origin(&headers(&[("host", "127.0.0.1:8080"), ("origin", "http://127.0.0.1:8080")])).is_ok());
        assert!(same_origin(&headers(&[("host", "127.0.0.1:8080"), ("origin", "http://evil.example")])).is_err());
        assert!(same_origin(&headers(&[("host", "a"), ("origin", "null")])).is_err());
        assert!(same_origin(&headers(&[("sec-fetch-site", "cross-site")])).is_err());
        assert!(same_origin(&headers(&[("sec-fetch-site", "same-site")])).is_err());
        assert!(same_origin(&headers(&[("sec-fetch-site", "same-origin")])).is_ok());
    }

    #[test]
    fn cookies_and_tokens() {
        let h = headers(&[("cookie", "a=1; hoptac_csrf=abc; lang=lo")]);
        assert_eq!(cookie(&h, CSRF_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "lang"), Some("lo"));
        assert_eq!(cookie(&h, "b"), None);
        let t = random_token().unwrap();
        assert_eq!(t.len(), 64);
        assert_ne!(t, random_token().unwrap());
    }

    #[test]
    fn only_the_hosts_this_server_answers_for_pass() {
        let mine = vec!["hoptac.kontum.gov.vn".to_string()];
        for ok in [
            "127.0.0.1:8080",
            "127.0.0.1",
            "10.0.0.5:80",
            "[::1]:8080",
            "localhost:8080",
            "LOCALHOST",
            "hoptac.kontum.gov.vn",
            "HopTac.KonTum.gov.vn.:443",
        ] {
            assert!(host_allowed(Some(ok), &mine), "{ok}");
        }
        assert!(host_allowed(None, &mine), "HTTP/1.0 without Host");
        for bad in [
            "evil.example",
            "evil.example:8080",
            "127.0.0.1.evil.example",
            "localhost.evil.example",
            "[::1",
            "[nope]:80",
            "kontum.gov.vn",
            "\u{fffd}",
        ] {
            assert!(!host_allowed(Some(bad), &mine), "{bad}");
        }
        assert!(!host_allowed(Some("hoptac.kontum.gov.vn"), &[]));
    }

    #[test]
    fn every_route_has_its_needs_and_unlisted_writes_have_none() {
        assert_eq!(needs(&Method::GET, "/partnerships/{id}"), Some(Needs::Read));
        assert_eq!(needs(&Method::HEAD, "/admin"), Some(Needs::Role(Action::Administer)));
        assert_eq!(needs(&Method::POST, "/review/{kind}/{id}"), Some(Needs::Role(Action::Decide)));
        assert_eq!(needs(&Method::POST, "/somewhere/new"), None, "a write nobody listed");
        assert_eq!(needs(&Method::DELETE, "/review/{kind}/{id}"), None);
        let mut seen = std::collections::HashSet::new();
        for e in ENDPOINTS {
            assert!(seen.insert((e.method, e.path)), "{} {} listed twice", e.method, e.path);
        }
    }
}
