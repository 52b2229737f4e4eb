//! Accounts as the command line and the server use them: passwords hashed with Argon2id
//! (OWASP's parameters: 19 MiB, two passes, one lane), session ids, API tokens and reset codes
//! as 32 random bytes kept only as their BLAKE3 hash, sign-in with throttling of failures per
//! account and per address, and an audit entry for everything that changes who may do what.
//! The store keeps the rows ([`hoptac_store::Accounts`]); the rules of access are in
//! [`hoptac_store::access`].

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use hoptac_store::access::Grant;
use hoptac_store::accounts::{Account, AccountId, ApiToken, AuditEntry, AuditKind, Session, Time};
use hoptac_store::{Accounts, StoreError};

/// A session ends after this long without a request…
pub const IDLE_TIMEOUT: Time = 30 * 60;
/// …and this long after sign-in, whatever happens.
pub const ABSOLUTE_TIMEOUT: Time = 12 * 3600;
/// A session's last use is written down at most this often.
pub const TOUCH_EVERY: Time = 60;
/// Failed sign-ins counted over this window…
pub const THROTTLE_WINDOW: Time = 15 * 60;
/// …at most this many for one account (since its last success)…
pub const MAX_ACCOUNT_FAILURES: usize = 5;
/// …and this many from one address.
pub const MAX_ADDRESS_FAILURES: usize = 20;
/// A one-time reset code is good for this long.
pub const RESET_TTL: Time = 24 * 3600;
pub const MIN_PASSWORD_CHARS: usize = 12;
const MAX_PASSWORD_CHARS: usize = 256;
const MAX_NAME_CHARS: usize = 64;

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("no random numbers from the system: {0}")]
    Random(String),
    /// A value a person gave that cannot be used (the reason is for them).
    #[error("{0}")]
    Invalid(String),
    #[error("no account named {0:?}")]
    NoSuchAccount(String),
    /// A password that cannot be used, or a link that cannot be (pages word it by its code).
    #[error("{0}")]
    Password(PasswordProblem),
}

/// Why a password (or a one-time link) was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("a password needs at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("a password has at most {MAX_PASSWORD_CHARS} characters")]
    TooLong,
    #[error("the password must not be the account's name")]
    IsName,
    #[error("the current password is wrong")]
    WrongCurrent,
    #[error("this link has expired or was used already")]
    LinkExpired,
}

impl PasswordProblem {
    /// The catalogue key pages show it by.
    pub fn code(self) -> &'static str {
        match self {
            PasswordProblem::TooShort => "password-short",
            PasswordProblem::TooLong => "password-long",
            PasswordProblem::IsName => "password-is-name",
            PasswordProblem::WrongCurrent => "password-wrong",
            PasswordProblem::LinkExpired => "reset-expired",
        }
    }
}

pub type Result<T> = std::result::Result<T, AccountError>;

/// Why a sign-in was refused. Wrong names and wrong passwords get the same answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInRefused {
    /// The name or the password is wrong.
    Wrong,
    /// Too many failures lately; try again after this many seconds.
    Throttled { retry_after: Time },
    /// The password was right but the account is disabled.
    Disabled,
}

/// What a new session's cookie holds, and whose it is.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub secret: String,
    pub account: Account,
}

pub fn now() -> Time {
    jiff::Timestamp::now().as_second()
}

fn argon2() -> Argon2<'static> {
    // OWASP Password Storage Cheat Sheet: Argon2id, m = 19 MiB, t = 2, p = 1.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).map_err(|e| AccountError::Random(e.to_string()))?;
    Ok(b)
}

pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()?).map_err(|e| AccountError::Hash(e.to_string()))?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
}

pub fn verify_password(phc: &str, password: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash to verify against when there is no account: an unknown name costs the same time.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password("no account has this password").unwrap_or_default())
}

/// A new secret (session id, API token, reset code): 32 random bytes as hex, and its hash.
pub fn new_secret() -> Result<(String, String)> {
    let secret: String = random_bytes::<32>()?.iter().map(|b| format!("{b:02x}")).collect();
    let hash = secret_hash(&secret);
    Ok((secret, hash))
}

/// The form in which a secret is stored and looked up.
pub fn secret_hash(secret: &str) -> String {
    blake3::hash(secret.as_bytes()).to_hex().to_string()
}

/// The rules a new password must meet (NIST SP 800-63B: length, not composition).
pub fn check_password(name: &str, password: &str) -> Result<()> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(AccountError::Password(PasswordProblem::TooShort));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(AccountError::Password(PasswordProblem::TooLong));
    }
    if password.trim().eq_ignore_ascii_case(name.trim()) {
        return Err(AccountError::Password(PasswordProblem::IsName));
    }
    Ok(())
}

/// Account names: 1–64 letters, digits, `.`, `-`, `_`, `@`.
pub fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.chars().count() <= MAX_NAME_CHARS
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@'));
    if ok {
        Ok(())
    } else {
        Err(AccountError::Invalid(format!(
            "{name:?}: an account name is 1–{MAX_NAME_CHARS} letters, digits, '.', '-', '_' or '@'"
        )))
    }
}

pub fn check_lang(lang: &str) -> Result<()> {
    if matches!(lang, "vi" | "lo" | "en") {
        Ok(())
    } else {
        Err(AccountError::Invalid(format!("{lang:?}: the languages are vi, lo and en")))
    }
}

/// Write an audit entry.
pub fn audit<S: Accounts + ?Sized>(
    store: &mut S,
    kind: AuditKind,
    who: &str,
    address: &str,
    detail: impl Into<String>,
) -> Result<()> {
    audit_at(store, now(), kind, who, who, address, detail)
}

/// Write an audit entry about another account than the one acting.
pub fn audit_about<S: Accounts + ?Sized>(
    store: &mut S,
    kind: AuditKind,
    who: &str,
    about: &str,
    address: &str,
    detail: impl Into<String>,
) -> Result<()> {
    audit_at(store, now(), kind, who, about, address, detail)
}

fn audit_at<S: Accounts + ?Sized>(
    store: &mut S,
    at: Time,
    kind: AuditKind,
    who: &str,
    about: &str,
    address: &str,
    detail: impl Into<String>,
) -> Result<()> {
    let entry = AuditEntry {
        id: 0,
        at,
        account: who.chars().take(MAX_NAME_CHARS).collect(),
        subject: about.chars().take(MAX_NAME_CHARS).collect(),
        address: address.to_string(),
        kind,
        detail: detail.into(),
    };
    Ok(store.audit(&entry)?)
}

/// Check a name and password and open a session. Failures are counted per account (since its
/// last success) and per address; past the limits, sign-in is refused for the rest of the
/// window without looking at the password.
pub fn sign_in<S: Accounts + ?Sized>(
    store: &mut S,
    name: &str,
    password: &str,
    address: &str,
    at: Time,
) -> Result<std::result::Result<SignedIn, SignInRefused>> {
    let name = name.trim();
    let since = at - THROTTLE_WINDOW;
    let account_failures =
        store.count_audit(AuditKind::SignInFailed, Some(name), None, since, Some(AuditKind::SignIn))?;
    let address_failures = store.count_audit(AuditKind::SignInFailed, None, Some(address), since, None)?;
    if account_failures >= MAX_ACCOUNT_FAILURES || address_failures >= MAX_ADDRESS_FAILURES {
        audit_at(store, at, AuditKind::SignInThrottled, name, name, address, "")?;
        return Ok(Err(SignInRefused::Throttled { retry_after: THROTTLE_WINDOW }));
    }
    let account = if name.chars().count() <= MAX_NAME_CHARS { store.account_by_name(name)? } else { None };
    let hash = account.as_ref().and_then(|a| a.password.clone());
    let right = verify_password(hash.as_deref().unwrap_or(decoy_hash()), password) && hash.is_some();
    let Some(account) = account.filter(|_| right) else {
        audit_at(store, at, AuditKind::SignInFailed, name, name, address, "")?;
        return Ok(Err(SignInRefused::Wrong));
    };
    if account.disabled {
        audit_at(store, at, AuditKind::SignInFailed, name, name, address, "account disabled")?;
        return Ok(Err(SignInRefused::Disabled));
    }
    let (secret, hash) = new_secret()?;
    store.create_session(&Session {
        hash,
        account: account.id,
        created_at: at,
        seen_at: at,
        address: address.to_string(),
    })?;
    audit_at(store, at, AuditKind::SignIn, name, name, address, "")?;
    // Sessions that have ended are dropped now and then: at each sign-in.
    store.end_expired_sessions(at - IDLE_TIMEOUT, at - ABSOLUTE_TIMEOUT)?;
    Ok(Ok(SignedIn { secret, account }))
}

/// The account and session a cookie's secret stands for, if the session is live at `at` and
/// the account enabled.
pub fn session_account<S: Accounts + ?Sized>(store: &S, secret: &str, at: Time) -> Result<Option<(Account, Session)>> {
    let Some(session) = store.session(&secret_hash(secret))? else { return Ok(None) };
    if at - session.seen_at > IDLE_TIMEOUT || at - session.created_at > ABSOLUTE_TIMEOUT {
        return Ok(None);
    }
    let Some(account) = store.account(session.account)? else { return Ok(None) };
    Ok((!account.disabled).then_some((account, session)))
}

/// The account an API token stands for, if the token is live and the account enabled.
pub fn token_account<S: Accounts + ?Sized>(store: &S, secret: &str) -> Result<Option<(Account, ApiToken)>> {
    let Some(token) = store.token_by_hash(&secret_hash(secret))? else { return Ok(None) };
    if token.revoked_at.is_some() {
        return Ok(None);
    }
    let Some(account) = store.account(token.account)? else { return Ok(None) };
    Ok((!account.disabled).then_some((account, token)))
}

/// A person changes their own password; their other sessions end (`keep`: the hash of the
/// session they are using, which stays).
pub fn change_password<S: Accounts + ?Sized>(
    store: &mut S,
    account: &Account,
    old: &str,
    new: &str,
    keep: Option<&str>,
    address: &str,
) -> Result<()> {
    let right = account.password.as_deref().is_some_and(|h| verify_password(h, old));
    if !right {
        return Err(AccountError::Password(PasswordProblem::WrongCurrent));
    }
    check_password(&account.name, new)?;
    store.set_password(account.id, &hash_password(new)?, keep)?;
    audit(store, AuditKind::PasswordChanged, &account.name, address, "")
}

/// Set a password without knowing the old one (the command line, or a reset code); every
/// session of the account ends.
pub fn set_password<S: Accounts + ?Sized>(
    store: &mut S,
    account: &Account,
    new: &str,
    by: &str,
    address: &str,
) -> Result<()> {
    check_password(&account.name, new)?;
    store.set_password(account.id, &hash_password(new)?, None)?;
    audit_about(
        store,
        AuditKind::PasswordChanged,
        by,
        &account.name,
        address,
        format!("password of {} set", account.name),
    )
}

/// Open a one-time reset code for an account; returns the code.
pub fn issue_reset<S: Accounts + ?Sized>(store: &mut S, account: &Account, by: &str, address: &str) -> Result<String> {
    let (code, hash) = new_secret()?;
    store.set_reset(account.id, &hash, now() + RESET_TTL)?;
    audit_about(
        store,
        AuditKind::PasswordReset,
        by,
        &account.name,
        address,
        format!("one-time code issued for {}", account.name),
    )?;
    Ok(code)
}

/// The account a reset code opens (if open and not expired).
pub fn reset_account<S: Accounts + ?Sized>(store: &S, code: &str) -> Result<Option<Account>> {
    Ok(store.account_by_reset(&secret_hash(code), now())?)
}

/// Use a reset code: set the new password (the code is then spent, every session ends).
pub fn use_reset<S: Accounts + ?Sized>(store: &mut S, code: &str, new: &str, address: &str) -> Result<Account> {
    let account = reset_account(store, code)?.ok_or(AccountError::Password(PasswordProblem::LinkExpired))?;
    check_password(&account.name, new)?;
    store.set_password(account.id, &hash_password(new)?, None)?;
    audit(store, AuditKind::PasswordChanged, &account.name, address, "set with a one-time code")?;
    Ok(account)
}

pub fn create_account<S: Accounts + ?Sized>(
    store: &mut S,
    name: &str,
    lang: &str,
    grants: &[Grant],
    by: &str,
    address: &str,
) -> Result<AccountId> {
    check_name(name)?;
    check_lang(lang)?;
    let id = store.create_account(name, lang, grants, now())?;
    audit_about(store, AuditKind::AccountCreated, by, name, address, format!("{name} ({})", describe_grants(grants)))?;
    for g in grants {
        audit_about(store, AuditKind::RoleGranted, by, name, address, format!("{name}: {}", describe_grant(g)))?;
    }
    Ok(id)
}

pub fn describe_grant(g: &Grant) -> String {
    match &g.place {
        Some(p) => format!("{}@{p}", g.role.as_str()),
        None => g.role.as_str().to_string(),
    }
}

pub fn describe_grants(grants: &[Grant]) -> String {
    grants.iter().map(describe_grant).collect::<Vec<_>>().join(", ")
}

/// Disable (every session ends at once, tokens stop working) or enable an account.
pub fn set_disabled<S: Accounts + ?Sized>(
    store: &mut S,
    account: &Account,
    disabled: bool,
    by: &str,
    address: &str,
) -> Result<()> {
    store.set_disabled(account.id, disabled)?;
    let kind = if disabled { AuditKind::AccountDisabled } else { AuditKind::AccountEnabled };
    audit_about(store, kind, by, &account.name, address, account.name.clone())
}

/// Give an account these grants instead of its present ones, auditing each change.
pub fn set_grants<S: Accounts + ?Sized>(
    store: &mut S,
    account: &Account,
    grants: &[Grant],
    by: &str,
    address: &str,
) -> Result<()> {
    store.set_grants(account.id, grants)?;
    for g in grants.iter().filter(|g| !account.grants.contains(g)) {
        audit_about(
            store,
            AuditKind::RoleGranted,
            by,
            &account.name,
            address,
            format!("{}: {}", account.name, describe_grant(g)),
        )?;
    }
    for g in account.grants.iter().filter(|g| !grants.contains(g)) {
        audit_about(
            store,
            AuditKind::RoleRevoked,
            by,
            &account.name,
            address,
            format!("{}: {}", account.name, describe_grant(g)),
        )?;
    }
    Ok(())
}

/// A new API token for an account; returns its id and secret (shown once).
pub fn create_token<S: Accounts + ?Sized>(
    store: &mut S,
    account: &Account,
    name: &str,
    address: &str,
) -> Result<(i64, String)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AccountError::Invalid("a token needs a name of 1–100 characters".into()));
    }
    let (secret, hash) = new_secret()?;
    let id = store.create_token(account.id, name, &hash, now())?;
    audit(store, AuditKind::TokenCreated, &account.name, address, format!("token {id} ({name})"))?;
    Ok((id, secret))
}

pub fn revoke_token<S: Accounts + ?Sized>(store: &mut S, account: &Account, id: i64, address: &str) -> Result<bool> {
    let done = store.revoke_token(account.id, id, now())?;
    if done {
        audit(store, AuditKind::TokenRevoked, &account.name, address, format!("token {id}"))?;
    }
    Ok(done)
}

/// Parse `ROLE` or `ROLE@PLACE` (the place by id or any spelling the gazetteer knows).
pub fn parse_grant(
    s: &str,
    place: impl Fn(&str) -> std::result::Result<hoptac_core::PlaceId, String>,
) -> Result<Grant> {
    let (role, at) = match s.split_once('@') {
        Some((r, p)) => (r, Some(p)),
        None => (s, None),
    };
    let role = hoptac_store::access::Role::parse(role)
        .ok_or_else(|| AccountError::Invalid(format!("{role:?}: the roles are reader, editor, reviewer, admin")))?;
    let place = at.map(|p| place(p).map_err(AccountError::Invalid)).transpose()?;
    Ok(Grant { role, place })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoptac_store::access::Role;

    #[test]
    fn passwords_are_hashed_with_argon2id_and_salted() {
        let a = hash_password("correct horse battery").unwrap();
        let b = hash_password("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "salted");
        assert!(verify_password(&a, "correct horse battery"));
        assert!(!verify_password(&a, "correct horse battery "));
        assert!(!verify_password("not a hash", "x"));
    }

    #[test]
    fn password_and_name_rules() {
        let problem = |r: Result<()>| match r {
            Err(AccountError::Password(p)) => Some(p),
            _ => None,
        };
        assert_eq!(problem(check_password("minh", "short")), Some(PasswordProblem::TooShort));
        assert_eq!(problem(check_password("minh.nguyen.kt", "Minh.Nguyen.KT")), Some(PasswordProblem::IsName));
        assert_eq!(problem(check_password("minh", &"x".repeat(257))), Some(PasswordProblem::TooLong));
        assert_eq!(PasswordProblem::TooShort.code(), "password-short");
        assert!(check_password("minh", "mật khẩu đủ dài rồi").is_ok(), "any script counts by characters");
        assert!(check_password("minh", &"x".repeat(257)).is_err());
        assert!(check_name("somsak.attapeu").is_ok() && check_name("nguyễn_văn_a").is_ok());
        for bad in ["", "a b", "a/b", "<script>", &"x".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn secrets_are_random_and_stored_as_hashes() {
        let (s1, h1) = new_secret().unwrap();
        let (s2, _) = new_secret().unwrap();
        assert_eq!(s1.len(), 64);
        assert_ne!(s1, s2);
        assert_eq!(secret_hash(&s1), h1);
        assert_ne!(h1, s1);
    }

    #[test]
    fn grants_parse_with_places() {
        let place =
            |p: &str| if p == "Attapeu" { Ok(hoptac_core::PlaceId::new("LA-AT")) } else { Err(format!("{p}?")) };
        assert_eq!(parse_grant("admin", place).unwrap(), Grant { role: Role::Admin, place: None });
        let g = parse_grant("reviewer@Attapeu", place).unwrap();
        assert_eq!((g.role, g.place.unwrap().as_str()), (Role::Reviewer, "LA-AT"));
        assert!(parse_grant("owner", place).is_err());
        assert!(parse_grant("editor@Nowhere", place).is_err());
    }

    fn store_with(name: &str, password: &str) -> (tempfile::TempDir, hoptac_sqlite::SqliteStore, Account) {
        let dir = tempfile::tempdir().unwrap();
        let mut s = hoptac_sqlite::SqliteStore::open(&dir.path().join("s.db")).unwrap();
        let grants = [Grant { role: Role::Reviewer, place: Some(hoptac_core::PlaceId::new("LA-AT")) }];
        create_account(&mut s, name, "lo", &grants, "cli:test", "").unwrap();
        let a = s.account_by_name(name).unwrap().unwrap();
        set_password(&mut s, &a, password, "cli:test", "").unwrap();
        let a = s.account_by_name(name).unwrap().unwrap();
        (dir, s, a)
    }

    #[test]
    fn sign_in_gives_one_answer_for_wrong_names_and_passwords_and_throttles() {
        let (_d, mut s, a) = store_with("somsak", "ລະຫັດຜ່ານຍາວພໍແລ້ວ");
        let t = now();
        assert_eq!(
            sign_in(&mut s, "somsak", "wrong password!", "10.0.0.1", t).unwrap().err(),
            Some(SignInRefused::Wrong)
        );
        assert_eq!(
            sign_in(&mut s, "nobody", "wrong password!", "10.0.0.1", t).unwrap().err(),
            Some(SignInRefused::Wrong)
        );
        let ok = sign_in(&mut s, " somsak ", "ລະຫັດຜ່ານຍາວພໍແລ້ວ", "10.0.0.1", t).unwrap().unwrap();
        assert_eq!(ok.account.id, a.id);
        let (acc, session) = session_account(&s, &ok.secret, t).unwrap().unwrap();
        assert_eq!((acc.name.as_str(), session.address.as_str()), ("somsak", "10.0.0.1"));
        assert!(session_account(&s, &ok.secret, t + IDLE_TIMEOUT + 1).unwrap().is_none(), "idle");
        assert!(session_account(&s, "not a session", t).unwrap().is_none());
        // Five failures since the last success lock the account for the window, whatever the
        // password and the address; the right password does not get through.
        let t = t + 1;
        for i in 0..MAX_ACCOUNT_FAILURES {
            let r = sign_in(&mut s, "somsak", "wrong password!", &format!("10.0.1.{i}"), t).unwrap();
            assert_eq!(r.err(), Some(SignInRefused::Wrong), "failure {i}");
        }
        let r = sign_in(&mut s, "somsak", "ລະຫັດຜ່ານຍາວພໍແລ້ວ", "10.0.2.1", t).unwrap();
        assert!(matches!(r, Err(SignInRefused::Throttled { .. })));
        // After the window it opens again.
        let later = t + THROTTLE_WINDOW + 1;
        assert!(sign_in(&mut s, "somsak", "ລະຫັດຜ່ານຍາວພໍແລ້ວ", "10.0.2.1", later).unwrap().is_ok());
        // One address trying many names is stopped too.
        for i in 0..MAX_ADDRESS_FAILURES {
            let _ = sign_in(&mut s, &format!("guess{i}"), "x", "10.9.9.9", later).unwrap();
        }
        let r = sign_in(&mut s, "somsak", "ລະຫັດຜ່ານຍາວພໍແລ້ວ", "10.9.9.9", later).unwrap();
        assert!(matches!(r, Err(SignInRefused::Throttled { .. })));
    }

    #[test]
    fn disabled_accounts_and_revoked_tokens_stop_at_once() {
        let (_d, mut s, a) = store_with("minh", "mật khẩu đủ dài rồi");
        let t = now();
        let signed = sign_in(&mut s, "minh", "mật khẩu đủ dài rồi", "a", t).unwrap().unwrap();
        let (id, token) = create_token(&mut s, &a, "script", "a").unwrap();
        assert!(token_account(&s, &token).unwrap().is_some());
        assert!(revoke_token(&mut s, &a, id, "a").unwrap());
        assert!(token_account(&s, &token).unwrap().is_none(), "revoked");
        let (_, token2) = create_token(&mut s, &a, "other", "a").unwrap();
        set_disabled(&mut s, &a, true, "cli:test", "").unwrap();
        assert!(session_account(&s, &signed.secret, t).unwrap().is_none());
        assert!(token_account(&s, &token2).unwrap().is_none());
        assert_eq!(
            sign_in(&mut s, "minh", "mật khẩu đủ dài rồi", "a", t).unwrap().err(),
            Some(SignInRefused::Disabled)
        );
        // A reset code works once.
        set_disabled(&mut s, &a, false, "cli:test", "").unwrap();
        let code = issue_reset(&mut s, &a, "cli:test", "").unwrap();
        assert!(use_reset(&mut s, &code, "short", "a").is_err(), "rules still apply");
        use_reset(&mut s, &code, "một mật khẩu mới dài", "a").unwrap();
        assert!(use_reset(&mut s, &code, "một mật khẩu mới khác", "a").is_err(), "spent");
        assert!(sign_in(&mut s, "minh", "một mật khẩu mới dài", "a", t).unwrap().is_ok());
        let kinds: Vec<AuditKind> = s
            .audit_log(&hoptac_store::accounts::AuditQuery { limit: 100, ..Default::default() })
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect();
        for k in [
            AuditKind::AccountCreated,
            AuditKind::RoleGranted,
            AuditKind::TokenCreated,
            AuditKind::TokenRevoked,
            AuditKind::AccountDisabled,
            AuditKind::PasswordReset,
            AuditKind::SignIn,
            AuditKind::SignInFailed,
        ] {
            assert!(kinds.contains(&k), "{k:?} audited");
        }
    }
}
