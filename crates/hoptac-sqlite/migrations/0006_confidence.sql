-- hoptac store, schema version 6: how sure extraction was of each fact (0–1), the highest any
-- document's reading gave it; NULL for facts entered by hand. The review queue shows the least
-- certain pending facts first.
ALTER TABLE events ADD COLUMN confidence REAL;
ALTER TABLE agreements ADD COLUMN confidence REAL;
ALTER TABLE figures ADD COLUMN confidence REAL;
CREATE INDEX events_pending_by_confidence ON events(confidence, id) WHERE review = 'pending';
CREATE INDEX agreements_pending_by_confidence ON agreements(confidence, id) WHERE review = 'pending';
CREATE INDEX figures_pending_by_confidence ON figures(confidence, id) WHERE review = 'pending';
