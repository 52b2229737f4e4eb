-- hoptac store, schema version 3: the index on (partnership_id, kind) alone is a prefix of the
-- two added in version 2; while it exists the planner prefers it and scans a partnership's whole
-- history of agreements for every merge.
DROP INDEX agreements_by_partnership;
