-- hoptac store, schema version 8: the people who use a shared server. Accounts hold roles for
-- places; sessions and API tokens are kept only as BLAKE3 hashes of their secrets (the secret is
-- in the person's cookie or script, never here); passwords only as Argon2id hashes. `audit` is
-- the append-only log of sign-ins, failures, account changes and writes: nothing there is
-- updated or deleted. Times are Unix seconds.
CREATE TABLE accounts (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    lang           TEXT NOT NULL DEFAULT 'vi',
    password       TEXT,                     -- Argon2id PHC string; NULL until first set
    disabled       INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    reset_hash     TEXT,                     -- a one-time code's hash, while one is open
    reset_expires  INTEGER
);

CREATE TABLE grants (
    account INTEGER NOT NULL REFERENCES accounts(id),
    role    TEXT NOT NULL,                   -- reader, editor, reviewer, admin
    place   TEXT NOT NULL DEFAULT '',        -- a place id, or '' for everywhere
    PRIMARY KEY (account, role, place)
);

CREATE TABLE sessions (
    hash       TEXT PRIMARY KEY,
    account    INTEGER NOT NULL REFERENCES accounts(id),
    created_at INTEGER NOT NULL,
    seen_at    INTEGER NOT NULL,
    address    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_by_account ON sessions(account);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    account    INTEGER NOT NULL REFERENCES accounts(id),
    name       TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    used_at    INTEGER,
    revoked_at INTEGER
);
CREATE INDEX api_tokens_by_account ON api_tokens(account);

CREATE TABLE audit (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    account TEXT NOT NULL DEFAULT '',        -- who acted (for a failed sign-in, the name typed)
    subject TEXT NOT NULL DEFAULT '',        -- the account the entry is about (made, disabled …)
    address TEXT NOT NULL DEFAULT '',
    kind    TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_by_kind_account ON audit(kind, account, at);
CREATE INDEX audit_by_kind_address ON audit(kind, address, at);
CREATE INDEX audit_by_account ON audit(account, id);
CREATE INDEX audit_by_subject ON audit(subject, id);
CREATE INDEX reviews_by_reviewer ON reviews(reviewer, id);
