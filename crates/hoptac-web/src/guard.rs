//! The one place where writes are allowed or refused, and where cross-site requests are
//! stopped. Every request passes [`guard`]:
//!
//! - the `Host` must be one this server answers for ([`host_allowed`]): an address, `localhost`,
//!   or a name given with `--allow-host`. A page on another domain whose name an attacker points
//!   at 127.0.0.1 (DNS rebinding) is refused before anything is read or written;
//! - safe methods (GET, HEAD) get a CSRF token: the `hoptac_csrf` cookie (SameSite=Strict) is
//!   set when absent, and the token is handed to the handlers to put in their forms;
//! - a `?lang=` choice is remembered in the `lang` cookie;
//! - every other method must be authorised ([`authorize`]: single-user local mode today; accounts
//!   will plug in there), must not come from another site (`Origin` / `Sec-Fetch-Site`), and
//!   must carry the token: `X-CSRF-Token` header, a `_csrf` form field, or `?_csrf=` (for file
//!   uploads, whose bodies are not read here). The token must equal the cookie.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_TYPE, HOST, ORIGIN, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::WebError;
use crate::i18n::Lang;
use crate::request::{cookie, query_param};
use crate::state::{Mode, Shared};

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

/// The CSRF token of this browser, for the forms a page renders.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// Who is writing.
#[derive(Debug, Clone)]
pub struct Actor(pub String);

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

/// May this request write? The single place to decide it.
pub fn authorize(mode: &Mode, _headers: &HeaderMap) -> Result<Actor, WebError> {
    match mode {
        Mode::Local { user } => Ok(Actor(user.clone())),
        // Accounts (a later issue) will authenticate the request here.
        Mode::ReadOnly => Err(WebError::writes_disabled()),
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
    if api {
        return e.into_response();
    }
    let mut r = e.clone().into_response();
    r.extensions_mut().insert(crate::error::AsPage(e));
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
    let existing = cookie(req.headers(), CSRF_COOKIE).map(str::to_string).filter(|t| t.len() == 64);
    let mut req = req;
    let mut new_cookie = None;
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
    } else {
        let actor = match authorize(&st.config.mode, req.headers()) {
            Ok(a) => a,
            Err(e) => return refuse(api, e),
        };
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
        req.extensions_mut().insert(actor);
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
    fn only_local_mode_writes() {
        assert!(authorize(&Mode::ReadOnly, &HeaderMap::new()).is_err());
        let a = authorize(&Mode::Local { user: "minh".into() }, &HeaderMap::new()).unwrap();
        assert_eq!(a.0, "minh");
    }
}
