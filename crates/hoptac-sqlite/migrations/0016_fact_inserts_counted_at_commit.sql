-- hoptac store, schema version 16: a fact added raises its partnership's version at commit,
-- counted by the writer (`SqliteTx::raise_versions`, as evidence is since schema 14), instead of
-- by a trigger per row. Under callgrind the triggers were about 45% of the cost of inserting a
-- fact: 232 → 123 M instructions for the meetings of 2,000 documents. Facts changed or deleted
-- still raise it by trigger (schema 12): those are few.
DROP TRIGGER events_version_insert;
DROP TRIGGER agreements_version_insert;
DROP TRIGGER figures_version_insert;
