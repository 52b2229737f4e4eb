-- hoptac store, schema version 4: people's decisions about facts. Each fact carries its review
-- state (pending until a person accepts, corrects or rejects it, or `manual` when a person
-- entered it); `reviews` is the append-only log of those decisions, with who and when.
-- A fact whose state is not `pending` is never changed by ingest. A `manual` fact is supported
-- by its log entry instead of evidence.
ALTER TABLE events ADD COLUMN review TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE agreements ADD COLUMN review TEXT NOT NULL DEFAULT 'pending';
ALTER TABLE figures ADD COLUMN review TEXT NOT NULL DEFAULT 'pending';
CREATE INDEX events_pending ON events(id) WHERE review = 'pending';
CREATE INDEX agreements_pending ON agreements(id) WHERE review = 'pending';
CREATE INDEX figures_pending ON figures(id) WHERE review = 'pending';

CREATE TABLE reviews (
    id        INTEGER PRIMARY KEY,
    fact_type TEXT NOT NULL,               -- event, agreement, figure
    fact_id   INTEGER NOT NULL,
    decision  TEXT NOT NULL,               -- accepted, corrected, rejected, manual
    reviewer  TEXT NOT NULL,
    at        TEXT NOT NULL,               -- RFC 3339
    note      TEXT,
    before    TEXT,                        -- JSON of the fact before the decision
    after     TEXT                         -- JSON of the fact after it
);
CREATE INDEX reviews_by_fact ON reviews(fact_type, fact_id);
