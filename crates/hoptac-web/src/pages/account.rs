//! Signing in and out, one's own account (password, language, API tokens, the decisions one
//! took), and the one-time links that set a password.

use super::*;
use crate::auth::{account_error, over_tls, session_cookie};
use crate::guard::{ClientAddress, CSRF_COOKIE};
use hoptac_app::accounts::{self, SignInRefused};
use hoptac_store::accounts::{Account, ApiToken};

#[derive(Template)]
#[template(path = "signin.html")]
struct SigninPage<'a> {
    c: Chrome<'a>,
    next: String,
    name: String,
    message: Option<String>,
}

/// Where to go after signing in: a path on this site, never another.
fn local_next(next: Option<&String>) -> String {
    local_or(next.map(String::as_str), "/".into())
}

fn signin_page(
    st: &Shared,
    ctx: &Ctx,
    next: String,
    name: String,
    message: Option<String>,
) -> Result<Html<String>, PageError> {
    let t = st.catalogs.get(ctx.lang);
    render(&SigninPage { c: chrome(st, ctx, t.get("signin-title")), next, name, message }).page(st, ctx)
}

pub async fn signin_form(State(st): State<Shared>, ctx: Ctx) -> Result<Response, PageError> {
    let next = local_next(ctx.query.iter().find(|(k, _)| k == "next").map(|(_, v)| v));
    if ctx.viewer.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    if !st.has_accounts() {
        return Err(WebError::writes_disabled()).page(&st, &ctx);
    }
    Ok(signin_page(&st, &ctx, next, String::new(), None)?.into_response())
}

pub async fn signin_submit(
    State(st): State<Shared>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Extension(ClientAddress(address)): Extension<ClientAddress>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    if !st.has_accounts() {
        return Err(WebError::writes_disabled()).page(&st, &ctx);
    }
    let next = local_next(f.get("next"));
    let name = f.get("name").cloned().unwrap_or_default();
    let password = f.get("password").cloned().unwrap_or_default();
    let old = match ctx.viewer.as_ref().map(|p| &p.via) {
        Some(Via::Session(h)) => Some(h.clone()),
        _ => None,
    };
    let n = name.clone();
    let outcome = st
        .write(move |_, w| {
            let outcome = accounts::sign_in(w, &n, &password, &address, accounts::now()).map_err(account_error)?;
            // A new session at every sign-in: whatever session the browser held before ends.
            if let (Ok(_), Some(h)) = (&outcome, old) {
                w.end_session(&h)?;
            }
            Ok(outcome)
        })
        .await
        .page(&st, &ctx)?;
    let t = st.catalogs.get(ctx.lang);
    match outcome {
        Ok(signed) => {
            let mut resp = Redirect::to(&next).into_response();
            let tls = over_tls(&headers);
            if let Some(c) = session_cookie(Some(&signed.secret), tls) {
                resp.headers_mut().append(axum::http::header::SET_COOKIE, c);
            }
            // A new CSRF token too: nothing planted before sign-in carries over.
            let csrf = crate::guard::random_token().page(&st, &ctx)?;
            let secure = if tls { "; Secure" } else { "" };
            if let Ok(v) = axum::http::HeaderValue::from_str(&format!(
                "{CSRF_COOKIE}={csrf}; Path=/; SameSite=Strict; HttpOnly{secure}"
            )) {
                resp.headers_mut().append(axum::http::header::SET_COOKIE, v);
            }
            if let Some(l) = Lang::parse(&signed.account.lang) {
                if let Ok(v) = axum::http::HeaderValue::from_str(&format!(
                    "lang={}; Path=/; SameSite=Lax; Max-Age=31536000",
                    l.code()
                )) {
                    resp.headers_mut().append(axum::http::header::SET_COOKIE, v);
                }
            }
            Ok(resp)
        }
        Err(refused) => {
            let (status, message) = match refused {
                SignInRefused::Wrong => (StatusCode::UNAUTHORIZED, t.get("signin-wrong")),
                SignInRefused::Throttled { retry_after } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    t.with("signin-throttled", &[("minutes", (retry_after / 60).max(1).to_string())]),
                ),
                SignInRefused::Disabled => (StatusCode::FORBIDDEN, t.get("signin-disabled")),
            };
            let html = signin_page(&st, &ctx, next, name, Some(message))?;
            Ok((status, html).into_response())
        }
    }
}

pub async fn signout(
    State(st): State<Shared>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
) -> Result<Response, PageError> {
    let person = ctx.person().page(&st, &ctx)?.clone();
    if let Via::Session(hash) = &person.via {
        let (hash, name) = (hash.clone(), person.name.clone());
        let address = crate::auth::client_address(&st, &headers, None);
        st.write(move |_, w| {
            w.end_session(&hash)?;
            accounts::audit(w, hoptac_store::accounts::AuditKind::SignOut, &name, &address, "").map_err(account_error)
        })
        .await
        .page(&st, &ctx)?;
    }
    let mut resp = Redirect::to("/").into_response();
    if let Some(c) = session_cookie(None, over_tls(&headers)) {
        resp.headers_mut().append(axum::http::header::SET_COOKIE, c);
    }
    Ok(resp)
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetPage<'a> {
    c: Chrome<'a>,
    name: String,
    action: String,
    message: Option<String>,
}

pub async fn reset_form(State(st): State<Shared>, ctx: Ctx, Path(code): Path<String>) -> Result<Response, PageError> {
    let c = code.clone();
    let account = st.read(move |_, r| accounts::reset_account(r, &c).map_err(account_error)).await.page(&st, &ctx)?;
    let t = st.catalogs.get(ctx.lang);
    let Some(account) = account else {
        return Err(WebError::new(StatusCode::GONE, "gone", t.get("reset-expired"))).page(&st, &ctx);
    };
    let page = ResetPage {
        c: chrome(&st, &ctx, t.get("reset-title")),
        name: account.name,
        action: format!("/reset/{code}"),
        message: None,
    };
    Ok(render(&page).page(&st, &ctx)?.into_response())
}

/// Two fields that must agree, as a problem message if they do not.
fn same_password(t: &Catalog, f: &Fields) -> Result<String, String> {
    let new = f.get("new").cloned().unwrap_or_default();
    if f.get("confirm").map(String::as_str) != Some(new.as_str()) {
        return Err(t.get("password-mismatch"));
    }
    Ok(new)
}

/// A password rule broken, in the person's language (by the problem's code).
fn password_problem(t: &Catalog, e: &WebError) -> String {
    match e.problems.first().map(String::as_str) {
        Some("password-short") => t.with("password-short", &[("n", accounts::MIN_PASSWORD_CHARS.to_string())]),
        Some(code) if t.has(code) => t.get(code),
        _ => e.message.clone(),
    }
}

pub async fn reset_submit(
    State(st): State<Shared>,
    ctx: Ctx,
    Extension(ClientAddress(address)): Extension<ClientAddress>,
    Path(code): Path<String>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    if !st.has_accounts() {
        return Err(WebError::writes_disabled()).page(&st, &ctx);
    }
    let t = st.catalogs.get(ctx.lang);
    let c = code.clone();
    let account = st.read(move |_, r| accounts::reset_account(r, &c).map_err(account_error)).await.page(&st, &ctx)?;
    let Some(account) = account else {
        return Err(WebError::new(StatusCode::GONE, "gone", t.get("reset-expired"))).page(&st, &ctx);
    };
    let fail = |message: String| -> Result<Response, PageError> {
        let page = ResetPage {
            c: chrome(&st, &ctx, t.get("reset-title")),
            name: account.name.clone(),
            action: format!("/reset/{code}"),
            message: Some(message),
        };
        Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page).page(&st, &ctx)?).into_response())
    };
    let new = match same_password(t, &f) {
        Ok(n) => n,
        Err(m) => return fail(m),
    };
    let c = code.clone();
    match st.write(move |_, w| accounts::use_reset(w, &c, &new, &address).map_err(account_error)).await {
        Ok(_) => Ok(Redirect::to("/signin?done=reset").into_response()),
        Err(e) if e.code == "bad_request" => fail(password_problem(t, &e)),
        Err(e) => Err(e).page(&st, &ctx),
    }
}

pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub created: String,
    pub used: String,
    pub revoked: bool,
}

pub struct DecisionRow {
    pub href: String,
    pub label: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage<'a> {
    c: Chrome<'a>,
    name: String,
    roles: String,
    lang_code: String,
    langs: Vec<(&'static str, String)>,
    tokens: Vec<TokenRow>,
    decisions: Vec<DecisionRow>,
    /// A token's secret, shown once, right after it was made.
    new_token: Option<String>,
    problems: Vec<String>,
}

pub fn when(t: hoptac_store::accounts::Time) -> String {
    jiff::Timestamp::from_second(t).map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default()
}

pub fn roles_text(l: &Labels, grants: &[hoptac_store::access::Grant]) -> String {
    if grants.is_empty() {
        return l.t.get("role-none");
    }
    grants
        .iter()
        .map(|g| {
            let role = l.t.get(&format!("role-{}", g.role.as_str()));
            match &g.place {
                Some(p) => format!("{role} — {}", l.place(p)),
                None => format!("{role} — {}", l.t.get("role-everywhere")),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub fn decision_rows(l: &Labels, entries: &[hoptac_store::ReviewEntry]) -> Vec<DecisionRow> {
    entries
        .iter()
        .map(|e| DecisionRow {
            href: fact_href(e.fact_type, e.fact_id),
            label: format!("{} {} — {}", l.fact_type(e.fact_type), e.fact_id, l.review(e.decision)),
            at: e.at.clone(),
        })
        .collect()
}

fn token_rows(tokens: &[ApiToken], t: &Catalog) -> Vec<TokenRow> {
    tokens
        .iter()
        .map(|k| TokenRow {
            id: k.id,
            name: k.name.clone(),
            created: when(k.created_at),
            used: k.used_at.map(when).unwrap_or_else(|| t.get("token-never-used")),
            revoked: k.revoked_at.is_some(),
        })
        .collect()
}

/// Everything the account page shows, read in one go.
async fn account_data(
    st: &Shared,
    ctx: &Ctx,
) -> Result<(Account, Vec<ApiToken>, Vec<hoptac_store::ReviewEntry>), PageError> {
    let person = ctx.person().page(st, ctx)?.clone();
    let Some(id) = person.account else {
        // The local user has no account: their decisions only.
        let name = person.name.clone();
        let decisions = st.read(move |_, r| Ok(r.reviews_by(&name, 100)?)).await.page(st, ctx)?;
        let local = Account {
            id: 0,
            name: person.name.clone(),
            lang: ctx.lang.code().into(),
            password: None,
            disabled: false,
            created_at: 0,
            grants: person.grants.clone(),
        };
        return Ok((local, Vec::new(), decisions));
    };
    st.read(move |_, r| {
        let a = r.account(id)?.ok_or_else(|| WebError::not_found("account"))?;
        let tokens = r.tokens_of(id)?;
        let decisions = r.reviews_by(&a.name, 100)?;
        Ok((a, tokens, decisions))
    })
    .await
    .page(st, ctx)
}

async fn account_view(
    st: &Shared,
    ctx: &Ctx,
    new_token: Option<String>,
    problems: Vec<String>,
) -> Result<Html<String>, PageError> {
    let (account, tokens, decisions) = account_data(st, ctx).await?;
    let l = labels(st, ctx.lang);
    let page = AccountPage {
        c: chrome(st, ctx, l.t.get("account-title")),
        name: account.name.clone(),
        roles: roles_text(&l, &account.grants),
        lang_code: account.lang.clone(),
        langs: Lang::ALL.into_iter().map(|x| (x.code(), st.catalogs.get(x).get("lang-name"))).collect(),
        tokens: token_rows(&tokens, l.t),
        decisions: decision_rows(&l, &decisions),
        new_token,
        problems,
    };
    render(&page).page(st, ctx)
}

/// The account page again, with what was wrong with the form sent (422).
async fn refused_form(st: &Shared, ctx: &Ctx, problem: String) -> Result<Response, PageError> {
    Ok((StatusCode::UNPROCESSABLE_ENTITY, account_view(st, ctx, None, vec![problem]).await?).into_response())
}

pub async fn account_page(State(st): State<Shared>, ctx: Ctx) -> Result<Html<String>, PageError> {
    account_view(&st, &ctx, None, Vec::new()).await
}

/// The signed-in account (not the local user), for the pages that change it.
async fn own_account(st: &Shared, ctx: &Ctx) -> Result<Account, PageError> {
    let person = ctx.person().page(st, ctx)?;
    let Some(id) = person.account else {
        return Err(WebError::bad_request("single-user local mode has no account to change")).page(st, ctx);
    };
    st.read(move |_, r| r.account(id)?.ok_or_else(|| WebError::not_found("account"))).await.page(st, ctx)
}

pub async fn account_password(
    State(st): State<Shared>,
    ctx: Ctx,
    Extension(actor): Extension<Actor>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let account = own_account(&st, &ctx).await?;
    let t = st.catalogs.get(ctx.lang);
    let new = match same_password(t, &f) {
        Ok(n) => n,
        Err(m) => return refused_form(&st, &ctx, m).await,
    };
    let old = f.get("old").cloned().unwrap_or_default();
    let keep = match &actor.principal.via {
        Via::Session(h) => Some(h.clone()),
        _ => None,
    };
    let address = actor.address.clone();
    let r = st
        .write(move |_, w| {
            accounts::change_password(w, &account, &old, &new, keep.as_deref(), &address).map_err(account_error)
        })
        .await;
    match r {
        Ok(()) => Ok(Redirect::to("/account?done=saved").into_response()),
        Err(e) if e.code == "bad_request" => refused_form(&st, &ctx, password_problem(t, &e)).await,
        Err(e) => Err(e).page(&st, &ctx),
    }
}

pub async fn account_lang(State(st): State<Shared>, ctx: Ctx, Form(f): Form<Fields>) -> Result<Response, PageError> {
    let account = own_account(&st, &ctx).await?;
    let lang = f
        .get("lang")
        .and_then(|l| Lang::parse(l))
        .ok_or_else(|| WebError::bad_request("unknown language"))
        .page(&st, &ctx)?;
    st.write(move |_, w| Ok(w.set_lang(account.id, lang.code())?)).await.page(&st, &ctx)?;
    Ok(Redirect::to(&format!("/account?done=saved&lang={}", lang.code())).into_response())
}

pub async fn token_create(
    State(st): State<Shared>,
    ctx: Ctx,
    Extension(actor): Extension<Actor>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let account = own_account(&st, &ctx).await?;
    let name = f.get("name").cloned().unwrap_or_default();
    let address = actor.address.clone();
    let made = st.write(move |_, w| accounts::create_token(w, &account, &name, &address).map_err(account_error)).await;
    match made {
        Ok((_, secret)) => Ok(account_view(&st, &ctx, Some(secret), Vec::new()).await?.into_response()),
        Err(e) if e.code == "bad_request" => {
            refused_form(&st, &ctx, st.catalogs.get(ctx.lang).get("token-name-needed")).await
        }
        Err(e) => Err(e).page(&st, &ctx),
    }
}

pub async fn token_revoke(
    State(st): State<Shared>,
    ctx: Ctx,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let account = own_account(&st, &ctx).await?;
    let address = actor.address.clone();
    let done = st
        .write(move |_, w| accounts::revoke_token(w, &account, id, &address).map_err(account_error))
        .await
        .page(&st, &ctx)?;
    if !done {
        return Err(WebError::not_found(format!("no live token {id} of yours"))).page(&st, &ctx);
    }
    Ok(Redirect::to("/account?done=saved").into_response())
}
