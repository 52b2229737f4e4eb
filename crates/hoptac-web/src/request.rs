//! What a request says of itself, read the same way by every layer: a cookie, a query
//! parameter, the language it wants, whether it accepts a cached answer.

use axum::http::header::{CACHE_CONTROL, COOKIE};
use axum::http::HeaderMap;

use crate::i18n::Lang;

pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The value of one query parameter.
pub fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes()).find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// The language of a request: `?lang=`, the `lang` cookie, `Accept-Language`, Vietnamese.
pub fn request_lang(headers: &HeaderMap, query: Option<&str>) -> Lang {
    request_lang_for(headers, query, None)
}

/// The same, with the language a signed-in person chose for their account before what the
/// browser says.
pub fn request_lang_for(headers: &HeaderMap, query: Option<&str>, account: Option<Lang>) -> Lang {
    query_param(query, "lang")
        .and_then(|l| Lang::parse(&l))
        .or_else(|| cookie(headers, "lang").and_then(Lang::parse))
        .or(account)
        .or_else(|| headers.get("accept-language").and_then(|v| v.to_str().ok()).and_then(Lang::from_accept))
        .unwrap_or(Lang::Vi)
}

/// Does the request ask not to be answered from a cache?
pub fn wants_fresh(headers: &HeaderMap) -> bool {
    headers
        .get_all(CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|d| matches!(d.trim(), "no-cache" | "max-age=0")))
}
