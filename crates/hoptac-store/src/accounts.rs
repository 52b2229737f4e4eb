//! The people who use a shared server, as the store keeps them: accounts with their grants,
//! sessions and API tokens (by the hash of their secret only), one-time reset codes, and the
//! audit log. The rules of who may do what are in [`crate::access`]; hashing and the sign-in
//! procedure are the application's (`hoptac-app::accounts`); a backend implements [`Accounts`].

use hoptac_core::PlaceId;

use crate::access::{Grant, Role};
use crate::model::ReviewEntry;
use crate::Result;

pub type AccountId = i64;

/// Unix seconds.
pub type Time = i64;

#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub id: AccountId,
    pub name: String,
    /// The language pages are shown in after sign-in (`vi`, `lo`, `en`).
    pub lang: String,
    /// Argon2id PHC string; `None` until a password is first set.
    pub password: Option<String>,
    pub disabled: bool,
    pub created_at: Time,
    pub grants: Vec<Grant>,
}

impl Account {
    /// The highest role held anywhere.
    pub fn top_role(&self) -> Option<Role> {
        self.grants.iter().map(|g| g.role).max()
    }
}

/// A signed-in browser, known by the hash of the id in its cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub hash: String,
    pub account: AccountId,
    pub created_at: Time,
    pub seen_at: Time,
    pub address: String,
}

/// A personal API token (its secret is shown once, when made).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub account: AccountId,
    pub name: String,
    pub created_at: Time,
    pub used_at: Option<Time>,
    pub revoked_at: Option<Time>,
}

/// What an audit entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditKind {
    SignIn,
    SignInFailed,
    SignInThrottled,
    SignOut,
    PasswordChanged,
    PasswordReset,
    AccountCreated,
    AccountDisabled,
    AccountEnabled,
    RoleGranted,
    RoleRevoked,
    TokenCreated,
    TokenRevoked,
    /// A write to the record: a decision, a fact entered by hand, a document stored.
    Write,
    /// A write refused for want of a role or a place.
    Refused,
}

impl AuditKind {
    pub const ALL: [AuditKind; 15] = [
        AuditKind::SignIn,
        AuditKind::SignInFailed,
        AuditKind::SignInThrottled,
        AuditKind::SignOut,
        AuditKind::PasswordChanged,
        AuditKind::PasswordReset,
        AuditKind::AccountCreated,
        AuditKind::AccountDisabled,
        AuditKind::AccountEnabled,
        AuditKind::RoleGranted,
        AuditKind::RoleRevoked,
        AuditKind::TokenCreated,
        AuditKind::TokenRevoked,
        AuditKind::Write,
        AuditKind::Refused,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditKind::SignIn => "sign_in",
            AuditKind::SignInFailed => "sign_in_failed",
            AuditKind::SignInThrottled => "sign_in_throttled",
            AuditKind::SignOut => "sign_out",
            AuditKind::PasswordChanged => "password_changed",
            AuditKind::PasswordReset => "password_reset",
            AuditKind::AccountCreated => "account_created",
            AuditKind::AccountDisabled => "account_disabled",
            AuditKind::AccountEnabled => "account_enabled",
            AuditKind::RoleGranted => "role_granted",
            AuditKind::RoleRevoked => "role_revoked",
            AuditKind::TokenCreated => "token_created",
            AuditKind::TokenRevoked => "token_revoked",
            AuditKind::Write => "write",
            AuditKind::Refused => "refused",
        }
    }

    pub fn parse(s: &str) -> Option<AuditKind> {
        AuditKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// 0 until stored.
    pub id: i64,
    pub at: Time,
    /// Who acted (for a failed sign-in, the name as typed; `cli:USER` for the command line).
    pub account: String,
    /// The account the entry is about (the one made, disabled, given a role …); for what a
    /// person does to their own account or the record, themselves.
    pub subject: String,
    pub address: String,
    pub kind: AuditKind,
    pub detail: String,
}

/// Which part of the audit log to read, newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// Entries by this account or about it.
    pub account: Option<String>,
    pub kind: Option<AuditKind>,
    /// Entries older than this id (paging).
    pub before: Option<i64>,
    pub limit: usize,
}

/// A grant as stored: the role and the place (empty for everywhere).
pub fn grant_place_key(g: &Grant) -> String {
    g.place.as_ref().map(|p| p.to_string()).unwrap_or_default()
}

pub fn grant_from_row(role: &str, place: &str) -> Option<Grant> {
    Some(Grant { role: Role::parse(role)?, place: (!place.is_empty()).then(|| PlaceId::new(place)) })
}

/// What a backend keeps about accounts. Each writing method is a transaction of its own.
pub trait Accounts {
    fn account(&self, id: AccountId) -> Result<Option<Account>>;
    fn account_by_name(&self, name: &str) -> Result<Option<Account>>;
    fn accounts(&self) -> Result<Vec<Account>>;
    /// A new account; fails with [`crate::StoreError::Invalid`] when the name is taken.
    fn create_account(&mut self, name: &str, lang: &str, grants: &[Grant], at: Time) -> Result<AccountId>;
    /// Set the password hash; ends every session of the account but `keep` and clears any
    /// open reset code.
    fn set_password(&mut self, id: AccountId, hash: &str, keep: Option<&str>) -> Result<()>;
    /// Disable (ending every session) or enable an account.
    fn set_disabled(&mut self, id: AccountId, disabled: bool) -> Result<()>;
    fn set_lang(&mut self, id: AccountId, lang: &str) -> Result<()>;
    fn set_grants(&mut self, id: AccountId, grants: &[Grant]) -> Result<()>;
    /// Open a one-time reset code (by its hash) until `expires`, replacing any earlier one.
    fn set_reset(&mut self, id: AccountId, hash: &str, expires: Time) -> Result<()>;
    /// The account whose open reset code has this hash, if it has not expired at `now`.
    fn account_by_reset(&self, hash: &str, now: Time) -> Result<Option<Account>>;

    fn create_session(&mut self, s: &Session) -> Result<()>;
    fn session(&self, hash: &str) -> Result<Option<Session>>;
    /// Note that a session was used at `seen`.
    fn touch_session(&mut self, hash: &str, seen: Time) -> Result<()>;
    fn end_session(&mut self, hash: &str) -> Result<()>;
    /// End every session of an account; returns how many.
    fn end_sessions(&mut self, account: AccountId) -> Result<usize>;
    /// Drop sessions last seen before `idle_before` or made before `created_before`.
    fn end_expired_sessions(&mut self, idle_before: Time, created_before: Time) -> Result<usize>;

    fn create_token(&mut self, account: AccountId, name: &str, hash: &str, at: Time) -> Result<i64>;
    /// The token of this hash (revoked or not).
    fn token_by_hash(&self, hash: &str) -> Result<Option<ApiToken>>;
    fn tokens_of(&self, account: AccountId) -> Result<Vec<ApiToken>>;
    fn touch_token(&mut self, id: i64, at: Time) -> Result<()>;
    /// Revoke one of the account's tokens; false when it has no such live token.
    fn revoke_token(&mut self, account: AccountId, id: i64, at: Time) -> Result<bool>;

    fn audit(&mut self, e: &AuditEntry) -> Result<()>;
    fn audit_log(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>>;
    /// Entries of `kind` since `since` for this account name (or address), counted from after
    /// its last `after_kind` entry (in the log's order) when given.
    fn count_audit(
        &self,
        kind: AuditKind,
        account: Option<&str>,
        address: Option<&str>,
        since: Time,
        after_kind: Option<AuditKind>,
    ) -> Result<usize>;
    /// The time of the account's last entry of `kind`.
    fn last_audit(&self, kind: AuditKind, account: &str) -> Result<Option<Time>>;

    /// Decisions a person took, newest first.
    fn reviews_by(&self, reviewer: &str, limit: usize) -> Result<Vec<ReviewEntry>>;
}
