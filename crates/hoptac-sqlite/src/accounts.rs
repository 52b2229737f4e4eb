//! Accounts, sessions, API tokens and the audit log in SQLite (schema 8). Each write is a
//! transaction of its own that takes the write lock when it begins.

use hoptac_store::access::Grant;
use hoptac_store::accounts::*;
use hoptac_store::model::ReviewEntry;
use hoptac_store::{Result, StoreError};
use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};

use crate::rows::{e, query, review_row, REVIEW_SELECT};
use crate::SqliteStore;

const ACCOUNT_SELECT: &str = "SELECT id, name, lang, password, disabled, created_at FROM accounts";

fn account_row(r: &Row) -> rusqlite::Result<Account> {
    Ok(Account {
        id: r.get(0)?,
        name: r.get(1)?,
        lang: r.get(2)?,
        password: r.get(3)?,
        disabled: r.get::<_, i64>(4)? != 0,
        created_at: r.get(5)?,
        grants: Vec::new(),
    })
}

fn grants_of(conn: &Connection, id: AccountId) -> Result<Vec<Grant>> {
    let rows = query(conn, "SELECT role, place FROM grants WHERE account = ?1 ORDER BY role, place", [id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    rows.iter()
        .map(|(role, place)| grant_from_row(role, place).ok_or_else(|| StoreError::Malformed(format!("role {role:?}"))))
        .collect()
}

fn with_grants(conn: &Connection, a: Option<Account>) -> Result<Option<Account>> {
    match a {
        Some(mut a) => {
            a.grants = grants_of(conn, a.id)?;
            Ok(Some(a))
        }
        None => Ok(None),
    }
}

fn token_row(r: &Row) -> rusqlite::Result<ApiToken> {
    Ok(ApiToken {
        id: r.get(0)?,
        account: r.get(1)?,
        name: r.get(2)?,
        created_at: r.get(3)?,
        used_at: r.get(4)?,
        revoked_at: r.get(5)?,
    })
}

const TOKEN_SELECT: &str = "SELECT id, account, name, created_at, used_at, revoked_at FROM api_tokens";

fn audit_row(r: &Row) -> rusqlite::Result<AuditEntry> {
    let kind: String = r.get(4)?;
    Ok(AuditEntry {
        id: r.get(0)?,
        at: r.get(1)?,
        account: r.get(2)?,
        subject: r.get(6)?,
        address: r.get(3)?,
        kind: AuditKind::parse(&kind).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                4,
                rusqlite::types::Type::Text,
                format!("audit kind {kind}").into(),
            )
        })?,
        detail: r.get(5)?,
    })
}

impl SqliteStore {
    /// Run `f` in a transaction that takes the write lock at once.
    fn write_tx<T>(&mut self, f: impl FnOnce(&rusqlite::Transaction) -> Result<T>) -> Result<T> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(e)?;
        let out = f(&tx)?;
        tx.commit().map_err(e)?;
        Ok(out)
    }
}

impl Accounts for SqliteStore {
    fn account(&self, id: AccountId) -> Result<Option<Account>> {
        let a =
            self.conn.query_row(&format!("{ACCOUNT_SELECT} WHERE id = ?1"), [id], account_row).optional().map_err(e)?;
        with_grants(&self.conn, a)
    }

    fn account_by_name(&self, name: &str) -> Result<Option<Account>> {
        let a = self
            .conn
            .query_row(&format!("{ACCOUNT_SELECT} WHERE name = ?1"), [name], account_row)
            .optional()
            .map_err(e)?;
        with_grants(&self.conn, a)
    }

    fn accounts(&self) -> Result<Vec<Account>> {
        let mut all = query(&self.conn, &format!("{ACCOUNT_SELECT} ORDER BY name"), [], account_row)?;
        for a in &mut all {
            a.grants = grants_of(&self.conn, a.id)?;
        }
        Ok(all)
    }

    fn create_account(&mut self, name: &str, lang: &str, grants: &[Grant], at: Time) -> Result<AccountId> {
        self.write_tx(|tx| {
            let taken: Option<i64> =
                tx.query_row("SELECT id FROM accounts WHERE name = ?1", [name], |r| r.get(0)).optional().map_err(e)?;
            if taken.is_some() {
                return Err(StoreError::Invalid(format!("an account named {name:?} exists already")));
            }
            tx.execute("INSERT INTO accounts (name, lang, created_at) VALUES (?1, ?2, ?3)", params![name, lang, at])
                .map_err(e)?;
            let id = tx.last_insert_rowid();
            for g in grants {
                tx.execute(
                    "INSERT OR IGNORE INTO grants (account, role, place) VALUES (?1, ?2, ?3)",
                    params![id, g.role.as_str(), grant_place_key(g)],
                )
                .map_err(e)?;
            }
            Ok(id)
        })
    }

    fn set_password(&mut self, id: AccountId, hash: &str, keep: Option<&str>) -> Result<()> {
        self.write_tx(|tx| {
            tx.execute(
                "UPDATE accounts SET password = ?2, reset_hash = NULL, reset_expires = NULL WHERE id = ?1",
                params![id, hash],
            )
            .map_err(e)?;
            tx.execute("DELETE FROM sessions WHERE account = ?1 AND hash IS NOT ?2", params![id, keep]).map_err(e)?;
            Ok(())
        })
    }

    fn set_disabled(&mut self, id: AccountId, disabled: bool) -> Result<()> {
        self.write_tx(|tx| {
            tx.execute("UPDATE accounts SET disabled = ?2 WHERE id = ?1", params![id, disabled as i64]).map_err(e)?;
            if disabled {
                tx.execute("DELETE FROM sessions WHERE account = ?1", [id]).map_err(e)?;
            }
            Ok(())
        })
    }

    fn set_lang(&mut self, id: AccountId, lang: &str) -> Result<()> {
        self.write_tx(|tx| {
            tx.execute("UPDATE accounts SET lang = ?2 WHERE id = ?1", params![id, lang]).map_err(e)?;
            Ok(())
        })
    }

    fn set_grants(&mut self, id: AccountId, grants: &[Grant]) -> Result<()> {
        self.write_tx(|tx| {
            tx.execute("DELETE FROM grants WHERE account = ?1", [id]).map_err(e)?;
            for g in grants {
                tx.execute(
                    "INSERT OR IGNORE INTO grants (account, role, place) VALUES (?1, ?2, ?3)",
                    params![id, g.role.as_str(), grant_place_key(g)],
                )
                .map_err(e)?;
            }
            Ok(())
        })
    }

    fn set_reset(&mut self, id: AccountId, hash: &str, expires: Time) -> Result<()> {
        self.write_tx(|tx| {
            tx.execute(
                "UPDATE accounts SET reset_hash = ?2, reset_expires = ?3 WHERE id = ?1",
                params![id, hash, expires],
            )
            .map_err(e)?;
            Ok(())
        })
    }

    fn account_by_reset(&self, hash: &str, now: Time) -> Result<Option<Account>> {
        let a = self
            .conn
            .query_row(
                &format!("{ACCOUNT_SELECT} WHERE reset_hash = ?1 AND reset_expires > ?2"),
                params![hash, now],
                account_row,
            )
            .optional()
            .map_err(e)?;
        with_grants(&self.conn, a)
    }

    fn create_session(&mut self, s: &Session) -> Result<()> {
        self.write_tx(|tx| {
            tx.execute(
                "INSERT INTO sessions (hash, account, created_at, seen_at, address) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![s.hash, s.account, s.created_at, s.seen_at, s.address],
            )
            .map_err(e)?;
            Ok(())
        })
    }

    fn session(&self, hash: &str) -> Result<Option<Session>> {
        self.conn
            .query_row(
                "SELECT hash, account, created_at, seen_at, address FROM sessions WHERE hash = ?1",
                [hash],
                |r| {
                    Ok(Session {
                        hash: r.get(0)?,
                        account: r.get(1)?,
                        created_at: r.get(2)?,
                        seen_at: r.get(3)?,
                        address: r.get(4)?,
                    })
                },
            )
            .optional()
            .map_err(e)
    }

    fn touch_session(&mut self, hash: &str, seen: Time) -> Result<()> {
        self.write_tx(|tx| {
            tx.execute("UPDATE sessions SET seen_at = max(seen_at, ?2) WHERE hash = ?1", params![hash, seen])
                .map_err(e)?;
            Ok(())
        })
    }

    fn end_session(&mut self, hash: &str) -> Result<()> {
        self.write_tx(|tx| {
            tx.execute("DELETE FROM sessions WHERE hash = ?1", [hash]).map_err(e)?;
            Ok(())
        })
    }

    fn end_sessions(&mut self, account: AccountId) -> Result<usize> {
        self.write_tx(|tx| tx.execute("DELETE FROM sessions WHERE account = ?1", [account]).map_err(e))
    }

    fn end_expired_sessions(&mut self, idle_before: Time, created_before: Time) -> Result<usize> {
        self.write_tx(|tx| {
            tx.execute(
                "DELETE FROM sessions WHERE seen_at < ?1 OR created_at < ?2",
                params![idle_before, created_before],
            )
            .map_err(e)
        })
    }

    fn create_token(&mut self, account: AccountId, name: &str, hash: &str, at: Time) -> Result<i64> {
        self.write_tx(|tx| {
            tx.execute(
                "INSERT INTO api_tokens (account, name, hash, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![account, name, hash, at],
            )
            .map_err(e)?;
            Ok(tx.last_insert_rowid())
        })
    }

    fn token_by_hash(&self, hash: &str) -> Result<Option<ApiToken>> {
        self.conn.query_row(&format!("{TOKEN_SELECT} WHERE hash = ?1"), [hash], token_row).optional().map_err(e)
    }

    fn tokens_of(&self, account: AccountId) -> Result<Vec<ApiToken>> {
        query(&self.conn, &format!("{TOKEN_SELECT} WHERE account = ?1 ORDER BY id DESC"), [account], token_row)
    }

    fn touch_token(&mut self, id: i64, at: Time) -> Result<()> {
        self.write_tx(|tx| {
            tx.execute("UPDATE api_tokens SET used_at = ?2 WHERE id = ?1", params![id, at]).map_err(e)?;
            Ok(())
        })
    }

    fn revoke_token(&mut self, account: AccountId, id: i64, at: Time) -> Result<bool> {
        self.write_tx(|tx| {
            let n = tx
                .execute(
                    "UPDATE api_tokens SET revoked_at = ?3 WHERE id = ?1 AND account = ?2 AND revoked_at IS NULL",
                    params![id, account, at],
                )
                .map_err(e)?;
            Ok(n == 1)
        })
    }

    fn audit(&mut self, a: &AuditEntry) -> Result<()> {
        self.write_tx(|tx| {
            tx.execute(
                "INSERT INTO audit (at, account, subject, address, kind, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![a.at, a.account, a.subject, a.address, a.kind.as_str(), a.detail],
            )
            .map_err(e)?;
            Ok(())
        })
    }

    fn audit_log(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
        query(
            &self.conn,
            "SELECT id, at, account, address, kind, detail, subject FROM audit
             WHERE (?1 IS NULL OR account = ?1 OR subject = ?1) AND (?2 IS NULL OR kind = ?2) AND (?3 IS NULL OR id < ?3)
             ORDER BY id DESC LIMIT ?4",
            params![q.account, q.kind.map(|k| k.as_str()), q.before, q.limit as i64],
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
        // "After the last success" by the log's order, not its clock: both may fall in one second.
        self.conn
            .query_row(
                "SELECT count(*) FROM audit WHERE kind = ?1 AND (?2 IS NULL OR account = ?2)
                 AND (?3 IS NULL OR address = ?3) AND at >= ?4
                 AND id > coalesce((SELECT max(id) FROM audit WHERE ?5 IS NOT NULL AND kind = ?5 AND account = ?2), 0)",
                params![kind.as_str(), account, address, since, after_kind.map(|k| k.as_str())],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n as usize)
            .map_err(e)
    }

    fn last_audit(&self, kind: AuditKind, account: &str) -> Result<Option<Time>> {
        self.conn
            .query_row(
                "SELECT max(at) FROM audit WHERE kind = ?1 AND account = ?2",
                params![kind.as_str(), account],
                |r| r.get::<_, Option<i64>>(0),
            )
            .map_err(e)
    }

    fn reviews_by(&self, reviewer: &str, limit: usize) -> Result<Vec<ReviewEntry>> {
        query(
            &self.conn,
            &format!("{REVIEW_SELECT} WHERE reviewer = ?1 ORDER BY id DESC LIMIT ?2"),
            params![reviewer, limit as i64],
            review_row,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoptac_core::PlaceId;
    use hoptac_store::access::Role;

    fn store() -> (tempfile::TempDir, SqliteStore) {
        let dir = tempfile::tempdir().unwrap();
        let s = SqliteStore::open(&dir.path().join("s.db")).unwrap();
        (dir, s)
    }

    #[test]
    fn accounts_keep_their_grants_and_names_are_unique() {
        let (_d, mut s) = store();
        let g = vec![
            Grant { role: Role::Reviewer, place: Some(PlaceId::new("LA-AT")) },
            Grant { role: Role::Reader, place: None },
        ];
        let id = s.create_account("somsak", "lo", &g, 100).unwrap();
        let a = s.account_by_name("somsak").unwrap().unwrap();
        assert_eq!((a.id, a.lang.as_str(), a.password.as_deref(), a.disabled), (id, "lo", None, false));
        assert_eq!(a.grants.len(), 2);
        assert!(a.grants.contains(&g[0]) && a.grants.contains(&g[1]));
        assert_eq!(a.top_role(), Some(Role::Reviewer));
        assert!(matches!(s.create_account("somsak", "vi", &[], 101), Err(StoreError::Invalid(_))));
        s.set_grants(id, &g[..1]).unwrap();
        assert_eq!(s.account(id).unwrap().unwrap().grants, g[..1].to_vec());
    }

    #[test]
    fn a_new_password_or_a_disabled_account_ends_sessions() {
        let (_d, mut s) = store();
        let id = s.create_account("minh", "vi", &[], 0).unwrap();
        let session =
            |h: &str| Session { hash: h.into(), account: id, created_at: 10, seen_at: 10, address: "a".into() };
        for h in ["one", "two", "three"] {
            s.create_session(&session(h)).unwrap();
        }
        s.set_password(id, "$argon2id$x", Some("two")).unwrap();
        assert!(s.session("one").unwrap().is_none() && s.session("three").unwrap().is_none());
        assert!(s.session("two").unwrap().is_some(), "the session that changed the password stays");
        s.set_disabled(id, true).unwrap();
        assert!(s.session("two").unwrap().is_none());
        assert!(s.account(id).unwrap().unwrap().disabled);
        // expiry: idle and absolute
        s.create_session(&Session { seen_at: 50, ..session("idle") }).unwrap();
        s.create_session(&Session { created_at: 5, seen_at: 100, ..session("old") }).unwrap();
        s.create_session(&Session { created_at: 90, seen_at: 100, ..session("fresh") }).unwrap();
        assert_eq!(s.end_expired_sessions(60, 10).unwrap(), 2);
        assert!(s.session("fresh").unwrap().is_some());
    }

    #[test]
    fn reset_codes_expire_and_are_used_once() {
        let (_d, mut s) = store();
        let id = s.create_account("minh", "vi", &[], 0).unwrap();
        s.set_reset(id, "code", 1000).unwrap();
        assert_eq!(s.account_by_reset("code", 999).unwrap().map(|a| a.id), Some(id));
        assert!(s.account_by_reset("code", 1000).unwrap().is_none(), "expired");
        s.set_password(id, "h", None).unwrap();
        assert!(s.account_by_reset("code", 10).unwrap().is_none(), "used");
    }

    #[test]
    fn tokens_are_revoked_only_by_their_owner() {
        let (_d, mut s) = store();
        let a = s.create_account("a", "vi", &[], 0).unwrap();
        let b = s.create_account("b", "vi", &[], 0).unwrap();
        let t = s.create_token(a, "script", "h1", 5).unwrap();
        assert!(!s.revoke_token(b, t, 6).unwrap());
        assert!(s.revoke_token(a, t, 7).unwrap());
        assert!(!s.revoke_token(a, t, 8).unwrap(), "once");
        assert_eq!(s.token_by_hash("h1").unwrap().unwrap().revoked_at, Some(7));
        assert_eq!(s.tokens_of(a).unwrap().len(), 1);
    }

    #[test]
    fn the_audit_log_counts_failures_since_the_last_success() {
        let (_d, mut s) = store();
        let entry = |at, kind, account: &str, address: &str| AuditEntry {
            id: 0,
            at,
            account: account.into(),
            subject: account.into(),
            address: address.into(),
            kind,
            detail: String::new(),
        };
        for at in [10, 20] {
            s.audit(&entry(at, AuditKind::SignInFailed, "minh", "1.2.3.4")).unwrap();
        }
        s.audit(&entry(30, AuditKind::SignIn, "minh", "1.2.3.4")).unwrap();
        s.audit(&entry(30, AuditKind::SignInFailed, "minh", "1.2.3.4")).unwrap();
        s.audit(&entry(40, AuditKind::SignInFailed, "lan", "1.2.3.4")).unwrap();
        let fails = |acc, addr, since, after| s.count_audit(AuditKind::SignInFailed, acc, addr, since, after).unwrap();
        assert_eq!(fails(Some("minh"), None, 0, None), 3);
        assert_eq!(fails(Some("minh"), None, 0, Some(AuditKind::SignIn)), 1);
        assert_eq!(fails(Some("minh"), None, 15, None), 2);
        assert_eq!(fails(None, Some("1.2.3.4"), 0, None), 4);
        let log = s.audit_log(&AuditQuery { limit: 2, ..Default::default() }).unwrap();
        assert_eq!(log.len(), 2);
        assert!(log[0].id > log[1].id, "newest first");
        let older = s.audit_log(&AuditQuery { before: Some(log[1].id), limit: 10, ..Default::default() }).unwrap();
        assert_eq!(older.len(), 3);
        let minh = s.audit_log(&AuditQuery { account: Some("minh".into()), limit: 10, ..Default::default() }).unwrap();
        assert_eq!(minh.len(), 4);
    }
}
