//! Who is asking: the person behind a request, found from their session cookie, their API
//! token, or (single-user local mode) the machine's user. Pages and the API read it as
//! [`Viewer`]; writers get an [`Actor`] from the guard. Nothing here knows of pages.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, HeaderValue};
use hoptac_app::accounts;
use hoptac_core::PlaceId;
use hoptac_store::access::{self, Action, Grant, Refusal, Role};
use hoptac_store::accounts::AccountId;

use crate::error::WebError;
use crate::i18n::Lang;
use crate::request::cookie;
use crate::state::{AppState, Mode, Shared};

pub const SESSION_COOKIE: &str = "hoptac_session";

/// How a person proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// Single-user local mode: the person at the machine.
    Local,
    /// A browser session (the hash of its id).
    Session(String),
    /// A personal API token (its id).
    Token(i64),
}

/// A signed-in person (or the local user) and what they hold.
#[derive(Debug, Clone)]
pub struct Principal {
    pub account: Option<AccountId>,
    pub name: String,
    pub lang: Option<Lang>,
    pub grants: Vec<Grant>,
    pub via: Via,
}

impl Principal {
    pub fn local(user: &str) -> Principal {
        Principal {
            account: None,
            name: user.to_string(),
            lang: None,
            grants: vec![Grant { role: Role::Admin, place: None }],
            via: Via::Local,
        }
    }

    /// A signed-in account, as a session or a token shows it.
    fn of(account: hoptac_store::accounts::Account, via: Via) -> Arc<Principal> {
        Arc::new(Principal {
            account: Some(account.id),
            lang: lang_of(&account.lang),
            name: account.name,
            grants: account.grants,
            via,
        })
    }

    /// The highest role held anywhere.
    pub fn top_role(&self) -> Option<Role> {
        self.grants.iter().map(|g| g.role).max()
    }

    /// Holds a role that allows `action` somewhere.
    pub fn may_somewhere(&self, action: Action) -> bool {
        self.top_role().is_some_and(|r| r >= action.needs())
    }

    /// May do `action` on a partnership of these parties (the one rule: [`access::allowed`]).
    pub fn may(&self, st: &AppState, action: Action, parties: &[PlaceId]) -> Result<(), Refusal> {
        access::allowed(&self.grants, action, parties, &st.places)
    }
}

/// Who a request comes from, if anyone signed in (every request carries one).
#[derive(Debug, Clone, Default)]
pub struct Viewer(pub Option<Arc<Principal>>);

/// Who is writing, and from where (for the audit log). Present on every request that passed
/// the guard's check of the endpoint's needs with a person behind it.
#[derive(Debug, Clone)]
pub struct Actor {
    pub principal: Arc<Principal>,
    pub address: String,
}

impl Actor {
    pub fn name(&self) -> &str {
        &self.principal.name
    }
}

/// The TCP peer of a connection (set by the accept loop).
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub SocketAddr);

/// The client's address: behind a reverse proxy (`--behind-proxy`), the last entry of
/// `X-Forwarded-For` (the one the proxy added); otherwise the connection's peer.
pub fn client_address(st: &AppState, headers: &HeaderMap, peer: Option<&Peer>) -> String {
    if st.config.behind_proxy {
        if let Some(last) = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|s| !s.is_empty())
        {
            return last.chars().take(64).collect();
        }
    }
    peer.map(|p| p.0.ip().to_string()).unwrap_or_default()
}

/// Was the request made over TLS (as the proxy in front says)?
pub fn over_tls(headers: &HeaderMap) -> bool {
    headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).is_some_and(|p| p.eq_ignore_ascii_case("https"))
}

/// The session cookie: HttpOnly, SameSite=Strict, Secure over TLS; `None` clears it.
pub fn session_cookie(secret: Option<&str>, tls: bool) -> Option<HeaderValue> {
    let secure = if tls { "; Secure" } else { "" };
    let v = match secret {
        Some(s) => format!("{SESSION_COOKIE}={s}; Path=/; HttpOnly; SameSite=Strict{secure}"),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&v).ok()
}

/// What the guard learnt of a request's credentials.
pub enum Identified {
    /// Nobody signed in (no credentials, or a session that has ended: `stale` says to clear
    /// the cookie).
    Anonymous {
        stale: bool,
    },
    Person(Arc<Principal>),
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Does the request present an API token (and so need no CSRF token: no cookie is involved)?
pub fn has_bearer(headers: &HeaderMap) -> bool {
    bearer(headers).is_some()
}

fn lang_of(code: &str) -> Option<Lang> {
    Lang::parse(code)
}

/// Find the person behind a request. A token that is wrong, revoked or whose account is
/// disabled is refused outright (a script should hear of it); a session that ended is only
/// forgotten.
pub async fn identify(st: &Shared, headers: &HeaderMap) -> Result<Identified, WebError> {
    if let Mode::Local { user } = &st.config.mode {
        return Ok(Identified::Person(Arc::new(Principal::local(user))));
    }
    if !st.has_accounts() {
        return Ok(Identified::Anonymous { stale: false });
    }
    if let Some(token) = bearer(headers) {
        let token = token.to_string();
        let found = st.read(move |_, r| accounts::token_account(r, &token).map_err(account_error)).await?;
        let Some((account, t)) = found else {
            return Err(WebError::new(
                axum::http::StatusCode::UNAUTHORIZED,
                "unauthorized",
                "this API token is not valid (unknown, revoked, or its account is disabled)",
            ));
        };
        let now = accounts::now();
        if t.used_at.is_none_or(|u| now - u >= accounts::TOUCH_EVERY) {
            touch_later(st, move |w| w.touch_token(t.id, now));
        }
        return Ok(Identified::Person(Principal::of(account, Via::Token(t.id))));
    }
    let Some(secret) = cookie(headers, SESSION_COOKIE).filter(|s| !s.is_empty()).map(str::to_string) else {
        return Ok(Identified::Anonymous { stale: false });
    };
    let now = accounts::now();
    let found = st.read(move |_, r| accounts::session_account(r, &secret, now).map_err(account_error)).await?;
    let Some((account, session)) = found else { return Ok(Identified::Anonymous { stale: true }) };
    if now - session.seen_at >= accounts::TOUCH_EVERY {
        let hash = session.hash.clone();
        touch_later(st, move |w| w.touch_session(&hash, now));
    }
    Ok(Identified::Person(Principal::of(account, Via::Session(session.hash))))
}

/// Note a session's or token's use in the background: a request never waits on the writer.
fn touch_later(
    st: &Shared,
    touch: impl FnOnce(&mut dyn hoptac_store::Backend) -> hoptac_store::Result<()> + Send + 'static,
) {
    let st = st.clone();
    tokio::spawn(async move {
        let _ = st.write(move |_, w| Ok(touch(w)?)).await;
    });
}

pub fn account_error(e: accounts::AccountError) -> WebError {
    match e {
        accounts::AccountError::Store(s) => s.into(),
        accounts::AccountError::Invalid(why) => WebError::bad_request(why),
        accounts::AccountError::Password(p) => {
            let mut e = WebError::bad_request(p.to_string());
            e.problems.push(p.code().to_string());
            e
        }
        accounts::AccountError::NoSuchAccount(name) => WebError::not_found(format!("no account named {name:?}")),
        other => WebError::internal(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_carry_the_flags() {
        let c = session_cookie(Some("abc"), false).unwrap();
        let c = c.to_str().unwrap();
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Strict") && !c.contains("Secure"), "{c}");
        let tls = session_cookie(Some("abc"), true).unwrap();
        assert!(tls.to_str().unwrap().ends_with("; Secure"));
        let gone = session_cookie(None, false).unwrap();
        assert!(gone.to_str().unwrap().contains("Max-Age=0"));
    }

    #[test]
    fn bearer_tokens_are_read_from_the_authorization_header() {
        let mut h = HeaderMap::new();
        assert!(!has_bearer(&h));
        h.insert(AUTHORIZATION, HeaderValue::from_static("Bearer  abc "));
        assert_eq!(bearer(&h), Some("abc"));
        h.insert(AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&h), None);
    }

    #[test]
    fn the_local_user_is_an_admin_everywhere() {
        let p = Principal::local("minh");
        assert_eq!(p.top_role(), Some(Role::Admin));
        assert!(p.may_somewhere(Action::Administer));
    }
}
