-- hoptac store, schema version 19: the indexes of pending facts by id (schema 4) are dropped.
-- Since schema 6 the review queue reads pending facts by confidence (`*_pending_by_confidence`),
-- a reviewer's by partnership, and counts go by the decided ones (schema 13): no query read
-- these, and every fact an ingest adds (pending) was written into one of them.
DROP INDEX IF EXISTS events_pending;
DROP INDEX IF EXISTS agreements_pending;
DROP INDEX IF EXISTS figures_pending;
