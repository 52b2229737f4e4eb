//! Accounts, sessions, API tokens and the audit log in PostgreSQL. Each write is a transaction
//! of its own; names are unique by constraint, so two servers making the same account at once
//! make it once.

use hoptac_store::access::Grant;
use hoptac_store::accounts::*;
use hoptac_store::model::ReviewEntry;
use hoptac_store::{Result, StoreError};
use postgres::Row;

use crate::rows::{all, col, e, review_row, REVIEW_SELECT};
use crate::{Conn, PgStore};

const ACCOUNT_SELECT: &str = "SELECT id, name, lang, password, disabled, created_at FROM accounts";

fn account_row(r: &Row) -> Result<Account> {
    Ok(Account {
        id: col(r, 0)?,
        name: col(r, 1)?,
        lang: col(r, 2)?,
        password: col(r, 3)?,
        disabled: col(r, 4)?,
        created_at: col(r, 5)?,
        grants: Vec::new(),
    })
}

fn grants_of(c: &PgStore, id: AccountId) -> Result<Vec<Grant>> {
    c.rows("SELECT role, place FROM grants WHERE account = $1 ORDER BY role, place", &[&id])?
        .iter()
        .map(|r| {
            let (role, place): (String, String) = (col(r, 0)?, col(r, 1)?);
            grant_from_row(&role, &place).ok_or_else(|| StoreError::Malformed(format!("role {role:?}")))
        })
        .collect()
}

fn with_grants(c: &PgStore, a: Option<Account>) -> Result<Option<Account>> {
    match a {
        Some(mut a) => {
            a.grants = grants_of(c, a.id)?;
            Ok(Some(a))
        }
        None => Ok(None),
    }
}

const TOKEN_SELECT: &str = "SELECT id, account, name, created_at, used_at, revoked_at FROM api_tokens";

fn token_row(r: &Row) -> Result<ApiToken> {
    Ok(ApiToken {
        id: col(r, 0)?,
        account: col(r, 1)?,
        name: col(r, 2)?,
        created_at: col(r, 3)?,
        used_at: col(r, 4)?,
        revoked_at: col(r, 5)?,
    })
}

fn audit_row(r: &Row) -> Result<AuditEntry> {
    let kind: String = col(r, 4)?;
    Ok(AuditEntry {
        id: col(r, 0)?,
        at: col(r, 1)?,
        account: col(r, 2)?,
        subject: col(r, 6)?,
        address: col(r, 3)?,
        kind: AuditKind::parse(&kind).ok_or_else(|| StoreError::Malformed(format!("audit kind {kind}")))?,
        detail: col(r, 5)?,
    })
}

impl PgStore {
    /// Run statements in one transaction of their own.
    fn in_tx<T>(&mut self, f: impl FnOnce(&crate::PgTx) -> Result<T>) -> Result<T> {
        let PgStore { client, cache, .. } = self;
        let tx = client.get_mut().transaction().map_err(e)?;
        let t = crate::PgTx::new(tx, cache);
        let out = f(&t)?;
        t.tx.into_inner().commit().map_err(e)?;
        Ok(out)
    }
}

fn set_grants_in(t: &crate::PgTx, id: AccountId, grants: &[Grant]) -> Result<()> {
    t.exec("DELETE FROM grants WHERE account = $1", &[&id])?;
    for g in grants {
        t.exec(
            "INSERT INTO grants (account, role, place) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&id, &g.role.as_str(), &grant_place_key(g)],
        )?;
    }
    Ok(())
}

impl Accounts for PgStore {
    fn account(&self, id: AccountId) -> Result<Option<Account>> {
        let a =
            self.opt_row(&format!("{ACCOUNT_SELECT} WHERE id = $1"), &[&id])?.map(|r| account_row(&r)).transpose()?;
        with_grants(self, a)
    }

    fn account_by_name(&self, name: &str) -> Result<Option<Account>> {
        let a = self
            .opt_row(&format!("{ACCOUNT_SELECT} WHERE name = $1"), &[&name])?
            .map(|r| account_row(&r))
            .transpose()?;
        with_grants(self, a)
    }

    fn accounts(&self) -> Result<Vec<Account>> {
        let mut v = all(self, &format!("{ACCOUNT_SELECT} ORDER BY name"), &[], account_row)?;
        for a in &mut v {
            a.grants = grants_of(self, a.id)?;
        }
        Ok(v)
    }

    fn create_account(&mut self, name: &str, lang: &str, grants: &[Grant], at: Time) -> Result<AccountId> {
        self.in_tx(|t| {
            let row = t.opt_row(
                "INSERT INTO accounts (name, lang, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING RETURNING id",
                &[&name, &lang, &at],
            )?;
            let Some(row) = row else {
                return Err(StoreError::Invalid(format!("an account named {name:?} exists already")));
            };
            let id: i64 = col(&row, 0)?;
            set_grants_in(t, id, grants)?;
            Ok(id)
        })
    }

    fn set_password(&mut self, id: AccountId, hash: &str, keep: Option<&str>) -> Result<()> {
        self.in_tx(|t| {
            t.exec(
                "UPDATE accounts SET password = $2, reset_hash = NULL, reset_expires = NULL WHERE id = $1",
                &[&id, &hash],
            )?;
            t.exec("DELETE FROM sessions WHERE account = $1 AND hash IS DISTINCT FROM $2", &[&id, &keep])?;
            Ok(())
        })
    }

    fn set_disabled(&mut self, id: AccountId, disabled: bool) -> Result<()> {
        self.in_tx(|t| {
            t.exec("UPDATE accounts SET disabled = $2 WHERE id = $1", &[&id, &disabled])?;
            if disabled {
                t.exec("DELETE FROM sessions WHERE account = $1", &[&id])?;
            }
            Ok(())
        })
    }

    fn set_lang(&mut self, id: AccountId, lang: &str) -> Result<()> {
        self.exec("UPDATE accounts SET lang = $2 WHERE id = $1", &[&id, &lang])?;
        Ok(())
    }

    fn set_grants(&mut self, id: AccountId, grants: &[Grant]) -> Result<()> {
        self.in_tx(|t| set_grants_in(t, id, grants))
    }

    fn set_reset(&mut self, id: AccountId, hash: &str, expires: Time) -> Result<()> {
        self.exec("UPDATE accounts SET reset_hash = $2, reset_expires = $3 WHERE id = $1", &[&id, &hash, &expires])?;
        Ok(())
    }

    fn account_by_reset(&self, hash: &str, now: Time) -> Result<Option<Account>> {
        let a = self
            .opt_row(&format!("{ACCOUNT_SELECT} WHERE reset_hash = $1 AND reset_expires > $2"), &[&hash, &now])?
            .map(|r| account_row(&r))
            .transpose()?;
        with_grants(self, a)
    }

    fn create_session(&mut self, s: &Session) -> Result<()> {
        self.exec(
            "INSERT INTO sessions (hash, account, created_at, seen_at, address) VALUES ($1, $2, $3, $4, $5)",
            &[&s.hash, &s.account, &s.created_at, &s.seen_at, &s.address],
        )?;
        Ok(())
    }

    fn session(&self, hash: &str) -> Result<Option<Session>> {
        self.opt_row("SELECT hash, account, created_at, seen_at, address FROM sessions WHERE hash = $1", &[&hash])?
            .map(|r| {
                Ok(Session {
                    hash: col(&r, 0)?,
                    account: col(&r, 1)?,
                    created_at: col(&r, 2)?,
                    seen_at: col(&r, 3)?,
                    address: col(&r, 4)?,
                })
            })
            .transpose()
    }

    fn touch_session(&mut self, hash: &str, seen: Time) -> Result<()> {
        self.exec("UPDATE sessions SET seen_at = GREATEST(seen_at, $2) WHERE hash = $1", &[&hash, &seen])?;
        Ok(())
    }

    fn end_session(&mut self, hash: &str) -> Result<()> {
        self.exec("DELETE FROM sessions WHERE hash = $1", &[&hash])?;
        Ok(())
    }

    fn end_sessions(&mut self, account: AccountId) -> Result<usize> {
        Ok(self.exec("DELETE FROM sessions WHERE account = $1", &[&account])? as usize)
    }

    fn end_expired_sessions(&mut self, idle_before: Time, created_before: Time) -> Result<usize> {
        Ok(self.exec("DELETE FROM sessions WHERE seen_at < $1 OR created_at < $2", &[&idle_before, &created_before])?
            as usize)
    }

    fn create_token(&mut self, account: AccountId, name: &str, hash: &str, at: Time) -> Result<i64> {
        let row = self
            .opt_row(
                "INSERT INTO api_tokens (account, name, hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                &[&account, &name, &hash, &at],
            )?
            .ok_or_else(|| StoreError::Backend("an insert returned no id".into()))?;
        col(&row, 0)
    }

    fn token_by_hash(&self, hash: &str) -> Result<Option<ApiToken>> {
        self.opt_row(&format!("{TOKEN_SELECT} WHERE hash = $1"), &[&hash])?.map(|r| token_row(&r)).transpose()
    }

    fn tokens_of(&self, account: AccountId) -> Result<Vec<ApiToken>> {
        all(self, &format!("{TOKEN_SELECT} WHERE account = $1 ORDER BY id DESC"), &[&account], token_row)
    }

    fn touch_token(&mut self, id: i64, at: Time) -> Result<()> {
        self.exec("UPDATE api_tokens SET used_at = $2 WHERE id = $1", &[&id, &at])?;
        Ok(())
    }

    fn revoke_token(&mut self, account: AccountId, id: i64, at: Time) -> Result<bool> {
        let n = self.exec(
            "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND account = $2 AND revoked_at IS NULL",
            &[&id, &account, &at],
        )?;
        Ok(n == 1)
    }

    fn audit(&mut self, a: &AuditEntry) -> Result<()> {
        self.exec(
            "INSERT INTO audit (at, account, subject, address, kind, detail) VALUES ($1, $2, $3, $4, $5, $6)",
            &[&a.at, &a.account, &a.subject, &a.address, &a.kind.as_str(), &a.detail],
        )?;
        Ok(())
    }

    fn audit_log(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
        all(
            self,
            "SELECT id, at, account, address, kind, detail, subject FROM audit
             WHERE ($1::text IS NULL OR account = $1 OR subject = $1) AND ($2::text IS NULL OR kind = $2)
               AND ($3::bigint IS NULL OR id < $3)
             ORDER BY id DESC LIMIT $4",
            &[&q.account, &q.kind.map(|k| k.as_str()), &q.before, &(q.limit as i64)],
            audit_row,
        )
    }

    fn count_audit(
        &self,
        kind: AuditKind,
        account: Option<&str>,
        address: Option<&str>,
        since: Time,
        after_kind: Option<AuditKind>,
    ) -> Result<usize> {
        let row = self.opt_row(
            "SELECT count(*) FROM audit WHERE kind = $1 AND ($2::text IS NULL OR account = $2)
               AND ($3::text IS NULL OR address = $3) AND at >= $4
               AND id > coalesce((SELECT max(id) FROM audit WHERE $5::text IS NOT NULL AND kind = $5 AND account = $2), 0)",
            &[&kind.as_str(), &account, &address, &since, &after_kind.map(|k| k.as_str())],
        )?;
        Ok(row.map(|r| col::<i64>(&r, 0)).transpose()?.unwrap_or(0) as usize)
    }

    fn last_audit(&self, kind: AuditKind, account: &str) -> Result<Option<Time>> {
        let row =
            self.opt_row("SELECT max(at) FROM audit WHERE kind = $1 AND account = $2", &[&kind.as_str(), &account])?;
        Ok(row.map(|r| col::<Option<i64>>(&r, 0)).transpose()?.flatten())
    }

    fn reviews_by(&self, reviewer: &str, limit: usize) -> Result<Vec<ReviewEntry>> {
        all(
            self,
            &format!("{REVIEW_SELECT} WHERE reviewer = $1 ORDER BY id DESC LIMIT $2"),
            &[&reviewer, &(limit as i64)],
            review_row,
        )
    }
}
