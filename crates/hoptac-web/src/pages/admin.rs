//! For admins: the accounts (add, disable, enable, roles, reset links), one person's page with
//! their decisions and audit entries, and the audit log.

use super::account::{decision_rows, roles_text, when, DecisionRow};
use super::*;
use crate::auth::account_error;
use hoptac_app::accounts;
use hoptac_store::access::{Grant, Role};
use hoptac_store::accounts::{Account, AuditEntry, AuditKind, AuditQuery};

pub struct AccountRow {
    pub name: String,
    pub href: String,
    pub roles: String,
    pub lang: String,
    pub state: String,
    pub disabled: bool,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage<'a> {
    c: Chrome<'a>,
    rows: Vec<AccountRow>,
    roles: Vec<(&'static str, String)>,
    langs: Vec<(&'static str, String)>,
    places: Vec<(String, String)>,
    /// A one-time link just made (for a new account or a reset), shown once.
    link: Option<(String, String)>,
    problems: Vec<String>,
}

fn state_label(t: &Catalog, a: &Account) -> String {
    match (a.disabled, a.password.is_some()) {
        (true, _) => t.get("state-disabled"),
        (false, false) => t.get("state-no-password"),
        (false, true) => t.get("state-active"),
    }
}

fn role_options(t: &Catalog) -> Vec<(&'static str, String)> {
    Role::ALL.into_iter().map(|r| (r.as_str(), t.get(&format!("role-{}", r.as_str())))).collect()
}

fn place_options(st: &Shared, lang: Lang) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = st
        .places
        .iter()
        .filter(|p| p.level == hoptac_core::Level::Province)
        .map(|p| (p.id.to_string(), st.place_name(&p.id, lang)))
        .collect();
    v.sort_by(|a, b| a.1.cmp(&b.1));
    v
}

/// A one-time link on the address the admin reached this server by.
fn reset_link(headers: &axum::http::HeaderMap, code: &str) -> String {
    let host = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1:8080");
    let scheme = if crate::auth::over_tls(headers) { "https" } else { "http" };
    format!("{scheme}://{host}/reset/{code}")
}

async fn admin_view(
    st: &Shared,
    ctx: &Ctx,
    link: Option<(String, String)>,
    problems: Vec<String>,
) -> Result<Html<String>, PageError> {
    let all = st.read(|_, r| Ok(r.accounts()?)).await.page(st, ctx)?;
    let l = labels(st, ctx.lang);
    let rows = all
        .iter()
        .map(|a| AccountRow {
            name: a.name.clone(),
            href: format!("/admin/users/{}", a.name),
            roles: roles_text(&l, &a.grants),
            lang: a.lang.clone(),
            state: state_label(l.t, a),
            disabled: a.disabled,
        })
        .collect();
    let page = AdminPage {
        c: chrome(st, ctx, l.t.get("admin-title")),
        rows,
        roles: role_options(l.t),
        langs: Lang::ALL.into_iter().map(|x| (x.code(), st.catalogs.get(x).get("lang-name"))).collect(),
        places: place_options(st, ctx.lang),
        link,
        problems,
    };
    render(&page).page(st, ctx)
}

pub async fn admin_page(State(st): State<Shared>, ctx: Ctx) -> Result<Html<String>, PageError> {
    admin_view(&st, &ctx, None, Vec::new()).await
}

/// A place a form names (id or any spelling), or none for "everywhere".
fn form_place(st: &Shared, f: &Fields) -> Result<Option<hoptac_core::PlaceId>, WebError> {
    match f.get("place").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(p) => {
            hoptac_app::places::resolve(st.gazetteer, p).map(Some).map_err(|e| WebError::bad_request(e.to_string()))
        }
    }
}

fn form_grant(st: &Shared, f: &Fields) -> Result<Grant, WebError> {
    let role = f.get("role").and_then(|r| Role::parse(r)).ok_or_else(|| WebError::bad_request("unknown role"))?;
    Ok(Grant { role, place: form_place(st, f)? })
}

pub async fn admin_add_user(
    State(st): State<Shared>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Extension(actor): Extension<Actor>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let grant = match form_grant(&st, &f) {
        Ok(g) => g,
        Err(e) => {
            return Ok(
                (StatusCode::UNPROCESSABLE_ENTITY, admin_view(&st, &ctx, None, vec![e.message]).await?).into_response()
            )
        }
    };
    let name = f.get("name").map(|s| s.trim().to_string()).unwrap_or_default();
    let lang = f.get("lang").cloned().unwrap_or_else(|| "vi".into());
    let (by, address) = (actor.name().to_string(), actor.address.clone());
    let n = name.clone();
    let made = st
        .write(move |_, w| {
            accounts::create_account(w, &n, &lang, &[grant], &by, &address).map_err(account_error)?;
            let a = w.account_by_name(&n)?.ok_or_else(|| WebError::not_found("account"))?;
            accounts::issue_reset(w, &a, &by, &address).map_err(account_error)
        })
        .await;
    match made {
        Ok(code) => {
            Ok(admin_view(&st, &ctx, Some((name, reset_link(&headers, &code))), Vec::new()).await?.into_response())
        }
        Err(e) if e.code == "bad_request" => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, admin_view(&st, &ctx, None, vec![e.message]).await?).into_response())
        }
        Err(e) => Err(e).page(&st, &ctx),
    }
}

pub struct AuditRow {
    pub at: String,
    pub account: String,
    pub address: String,
    pub kind: String,
    pub detail: String,
}

fn audit_rows(t: &Catalog, entries: &[AuditEntry]) -> Vec<AuditRow> {
    entries
        .iter()
        .map(|e| AuditRow {
            at: when(e.at),
            account: e.account.clone(),
            address: e.address.clone(),
            kind: t.get(&format!("audit-{}", e.kind.as_str().replace('_', "-"))),
            detail: e.detail.clone(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "admin_user.html")]
struct UserPage<'a> {
    c: Chrome<'a>,
    name: String,
    roles: String,
    grants: Vec<(String, String)>,
    state: String,
    disabled: bool,
    role_options: Vec<(&'static str, String)>,
    places: Vec<(String, String)>,
    decisions: Vec<DecisionRow>,
    audit: Vec<AuditRow>,
    link: Option<String>,
    problems: Vec<String>,
}

async fn user_view(
    st: &Shared,
    ctx: &Ctx,
    name: String,
    link: Option<String>,
    problems: Vec<String>,
) -> Result<Html<String>, PageError> {
    let n = name.clone();
    let (account, decisions, audit) = st
        .read(move |_, r| {
            let a = r.account_by_name(&n)?.ok_or_else(|| WebError::not_found(format!("no account named {n:?}")))?;
            let decisions = r.reviews_by(&a.name, 100)?;
            let audit = r.audit_log(&AuditQuery { account: Some(a.name.clone()), limit: 100, ..Default::default() })?;
            Ok((a, decisions, audit))
        })
        .await
        .page(st, ctx)?;
    let l = labels(st, ctx.lang);
    let grants =
        account.grants.iter().map(|g| (accounts::describe_grant(g), roles_text(&l, std::slice::from_ref(g)))).collect();
    let page = UserPage {
        c: chrome(st, ctx, account.name.clone()),
        roles: roles_text(&l, &account.grants),
        grants,
        state: state_label(l.t, &account),
        disabled: account.disabled,
        role_options: role_options(l.t),
        places: place_options(st, ctx.lang),
        decisions: decision_rows(&l, &decisions),
        audit: audit_rows(l.t, &audit),
        name: account.name,
        link,
        problems,
    };
    render(&page).page(st, ctx)
}

pub async fn admin_user_page(
    State(st): State<Shared>,
    ctx: Ctx,
    Path(name): Path<String>,
) -> Result<Html<String>, PageError> {
    user_view(&st, &ctx, name, None, Vec::new()).await
}

/// Would this change leave the server without an enabled admin for everywhere?
fn last_admin(all: &[Account], name: &str, after: Option<&[Grant]>) -> bool {
    let admin = |g: &[Grant]| g.iter().any(|g| g.role == Role::Admin);
    let remaining = all
        .iter()
        .filter(|a| !a.disabled)
        .filter(|a| if a.name == name { after.is_some_and(admin) } else { admin(&a.grants) })
        .count();
    remaining == 0
}

/// Carry out a change to one account, then show its page again.
async fn change_account(
    st: Shared,
    ctx: Ctx,
    actor: Actor,
    name: String,
    change: impl FnOnce(&mut dyn hoptac_store::Backend, &Account, &[Account], &str, &str) -> Result<(), WebError>
        + Send
        + 'static,
) -> Result<Response, PageError> {
    let (by, address) = (actor.name().to_string(), actor.address.clone());
    let n = name.clone();
    let r = st
        .write(move |_, w| {
            let all = w.accounts()?;
            let a = all
                .iter()
                .find(|a| a.name == n)
                .cloned()
                .ok_or_else(|| WebError::not_found(format!("no account named {n:?}")))?;
            change(w, &a, &all, &by, &address)
        })
        .await;
    match r {
        Ok(()) => {
            let mut q = form_urlencoded::Serializer::new(String::new());
            q.append_pair("done", "saved");
            Ok(Redirect::to(&format!("/admin/users/{}?{}", urlencode_path(&name), q.finish())).into_response())
        }
        Err(e) if e.code == "bad_request" => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, user_view(&st, &ctx, name, None, vec![e.message]).await?)
                .into_response())
        }
        Err(e) => Err(e).page(&st, &ctx),
    }
}

fn urlencode_path(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

pub async fn admin_disable(
    State(st): State<Shared>,
    ctx: Ctx,
    Extension(actor): Extension<Actor>,
    Path(name): Path<String>,
) -> Result<Response, PageError> {
    change_account(st, ctx, actor, name, |w, a, all, by, address| {
        if last_admin(all, &a.name, None) {
            return Err(WebError::bad_request("this is the last enabled admin: make another admin first"));
        }
        accounts::set_disabled(w, a, true, by, address).map_err(account_error)
    })
    .await
}

pub async fn admin_enable(
    State(st): State<Shared>,
    ctx: Ctx,
    Extension(actor): Extension<Actor>,
    Path(name): Path<String>,
) -> Result<Response, PageError> {
    change_account(st, ctx, actor, name, |w, a, _, by, address| {
        accounts::set_disabled(w, a, false, by, address).map_err(account_error)
    })
    .await
}

/// `grant` (role and place fields) or `revoke` (a grant as `role@place`).
pub async fn admin_roles(
    State(st): State<Shared>,
    ctx: Ctx,
    Extension(actor): Extension<Actor>,
    Path(name): Path<String>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let add = if f.contains_key("role") { Some(form_grant(&st, &f)) } else { None };
    let revoke = f.get("revoke").cloned();
    let g = st.gazetteer;
    change_account(st, ctx, actor, name, move |w, a, all, by, address| {
        let mut grants = a.grants.clone();
        if let Some(add) = add {
            let add = add?;
            if !grants.contains(&add) {
                grants.push(add);
            }
        }
        if let Some(r) = revoke {
            let r = accounts::parse_grant(&r, |p| hoptac_app::places::resolve(g, p).map_err(|e| e.to_string()))
                .map_err(account_error)?;
            grants.retain(|x| *x != r);
        }
        if !a.disabled && last_admin(all, &a.name, Some(&grants)) {
            return Err(WebError::bad_request("this is the last enabled admin: make another admin first"));
        }
        accounts::set_grants(w, a, &grants, by, address).map_err(account_error)
    })
    .await
}

pub async fn admin_reset(
    State(st): State<Shared>,
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Extension(actor): Extension<Actor>,
    Path(name): Path<String>,
) -> Result<Response, PageError> {
    let (by, address) = (actor.name().to_string(), actor.address.clone());
    let n = name.clone();
    let code = st
        .write(move |_, w| {
            let a = w.account_by_name(&n)?.ok_or_else(|| WebError::not_found(format!("no account named {n:?}")))?;
            accounts::issue_reset(w, &a, &by, &address).map_err(account_error)
        })
        .await
        .page(&st, &ctx)?;
    Ok(user_view(&st, &ctx, name, Some(reset_link(&headers, &code)), Vec::new()).await?.into_response())
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage<'a> {
    c: Chrome<'a>,
    rows: Vec<AuditRow>,
    account: String,
    kind: String,
    kinds: Vec<(&'static str, String)>,
    older: Option<String>,
}

const AUDIT_PAGE: usize = 100;

pub async fn audit_page(State(st): State<Shared>, ctx: Ctx) -> Result<Html<String>, PageError> {
    let get = |k: &str| ctx.query.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone()).filter(|v| !v.is_empty());
    let account = get("account");
    let kind = get("kind").and_then(|k| AuditKind::parse(&k));
    let before = get("before").and_then(|b| b.parse::<i64>().ok());
    let q = AuditQuery { account: account.clone(), kind, before, limit: AUDIT_PAGE };
    let entries = st.read(move |_, r| Ok(r.audit_log(&q)?)).await.page(&st, &ctx)?;
    let t = st.catalogs.get(ctx.lang);
    let older = (entries.len() == AUDIT_PAGE).then(|| {
        let mut q = form_urlencoded::Serializer::new(String::new());
        if let Some(a) = &account {
            q.append_pair("account", a);
        }
        if let Some(k) = kind {
            q.append_pair("kind", k.as_str());
        }
        q.append_pair("before", &entries.last().map(|e| e.id).unwrap_or(0).to_string());
        format!("/admin/audit?{}", q.finish())
    });
    let page = AuditPage {
        c: chrome(&st, &ctx, t.get("audit-title")),
        rows: audit_rows(t, &entries),
        account: account.unwrap_or_default(),
        kind: kind.map(|k| k.as_str()).unwrap_or_default().to_string(),
        kinds: AuditKind::ALL
            .into_iter()
            .map(|k| (k.as_str(), t.get(&format!("audit-{}", k.as_str().replace('_', "-")))))
            .collect(),
        older,
    };
    render(&page).page(&st, &ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(name: &str, role: Role, disabled: bool) -> Account {
        Account {
            id: 0,
            name: name.into(),
            lang: "vi".into(),
            password: None,
            disabled,
            created_at: 0,
            grants: vec![Grant { role, place: None }],
        }
    }

    #[test]
    fn the_last_enabled_admin_stays() {
        let all = vec![
            account("an", Role::Admin, false),
            account("binh", Role::Reviewer, false),
            account("cu", Role::Admin, true),
        ];
        assert!(last_admin(&all, "an", None), "disabling the only enabled admin");
        assert!(last_admin(&all, "an", Some(&[])), "taking their admin role");
        assert!(!last_admin(&all, "binh", None));
        let two = vec![account("an", Role::Admin, false), account("dung", Role::Admin, false)];
        assert!(!last_admin(&two, "an", None));
    }
}
