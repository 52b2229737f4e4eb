-- hoptac store, schema version 1. Every fact table's rows are supported by rows of `evidence`
-- (inserted in the same transaction); `places` is reference data from the gazetteer.
PRAGMA application_id = 1752133748; -- 0x686f7074, "hopt"

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE documents (
    id          INTEGER PRIMARY KEY,
    hash        TEXT NOT NULL UNIQUE,      -- BLAKE3 of the normalised text
    source      TEXT NOT NULL,
    title       TEXT,
    published   TEXT,                      -- ISO partial date
    language    TEXT NOT NULL,
    encoding    TEXT NOT NULL,
    text        TEXT NOT NULL,             -- normalised text: evidence spans index into it
    article_end INTEGER NOT NULL,
    ingested_at TEXT NOT NULL,
    indexed     INTEGER NOT NULL DEFAULT 0 -- 1 once its search entries are committed
);
CREATE INDEX documents_unindexed ON documents(id) WHERE indexed = 0;

CREATE TABLE places (
    id         TEXT PRIMARY KEY,
    level      TEXT NOT NULL,
    name       TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    name_lo    TEXT NOT NULL,
    valid_from TEXT,
    valid_to   TEXT,
    successor  TEXT
);

CREATE TABLE partnerships (
    id  INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE                -- sorted party ids joined by ','
);
CREATE TABLE partnership_parties (
    partnership_id INTEGER NOT NULL REFERENCES partnerships(id),
    place_id       TEXT NOT NULL,
    PRIMARY KEY (partnership_id, place_id)
);

CREATE TABLE events (
    id             INTEGER PRIMARY KEY,
    partnership_id INTEGER REFERENCES partnerships(id),
    kind           TEXT NOT NULL,
    ordinal        INTEGER,
    date           TEXT,
    year           INTEGER,
    place_id       TEXT,
    status         TEXT NOT NULL
);
CREATE INDEX events_by_ordinal ON events(partnership_id, kind, ordinal);
CREATE INDEX events_by_year ON events(partnership_id, kind, year);
CREATE INDEX events_by_status ON events(status);

CREATE TABLE agreements (
    id             INTEGER PRIMARY KEY,
    partnership_id INTEGER REFERENCES partnerships(id),
    kind           TEXT NOT NULL,
    signed         TEXT,
    signed_year    INTEGER,
    period_first   INTEGER,
    period_last    INTEGER
);
CREATE INDEX agreements_by_partnership ON agreements(partnership_id, kind);

CREATE TABLE figures (
    id             INTEGER PRIMARY KEY,
    partnership_id INTEGER REFERENCES partnerships(id),
    kind           TEXT NOT NULL,            -- commitment, result, fact
    unit           TEXT NOT NULL,
    value          REAL NOT NULL,
    from_places    TEXT NOT NULL,            -- JSON array of place ids
    to_places      TEXT NOT NULL,
    period_first   INTEGER,
    period_last    INTEGER,
    year           INTEGER,
    quantity       TEXT NOT NULL,
    fulfils        INTEGER REFERENCES figures(id)
);
CREATE INDEX figures_by_partnership ON figures(partnership_id, kind, unit);
CREATE INDEX figures_by_kind ON figures(kind);

CREATE TABLE organisations (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE people (
    id       INTEGER PRIMARY KEY,
    key      TEXT NOT NULL UNIQUE,           -- folded name | country
    name     TEXT NOT NULL,
    country  TEXT,
    place_id TEXT
);

CREATE TABLE roles (
    person_id       INTEGER NOT NULL REFERENCES people(id),
    title           TEXT NOT NULL,
    office          TEXT NOT NULL,
    organisation_id INTEGER REFERENCES organisations(id),
    first_seen      TEXT,
    last_seen       TEXT,
    PRIMARY KEY (person_id, title)
);

CREATE TABLE evidence (
    id          INTEGER PRIMARY KEY,
    fact_type   TEXT NOT NULL,               -- event, agreement, figure, person
    fact_id     INTEGER NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    span_start  INTEGER NOT NULL,
    span_end    INTEGER NOT NULL,
    sentence    TEXT NOT NULL,
    claim       TEXT NOT NULL                -- JSON: what this document said
);
CREATE INDEX evidence_by_fact ON evidence(fact_type, fact_id);
CREATE INDEX evidence_by_document ON evidence(document_id);
