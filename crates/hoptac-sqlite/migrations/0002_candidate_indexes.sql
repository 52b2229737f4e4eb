-- hoptac store, schema version 2: indexes that let the merge find its candidates without
-- scanning a partnership's whole history (agreements by signing year and by period start).
CREATE INDEX agreements_by_signed ON agreements(partnership_id, kind, signed_year);
CREATE INDEX agreements_by_period ON agreements(partnership_id, kind, period_first);
