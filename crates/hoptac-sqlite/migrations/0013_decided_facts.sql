-- hoptac store, schema version 13: the facts a person decided on (accepted, corrected, rejected,
-- entered by hand), by type. They are few; the pending are nearly all. The overview counts the
-- pending as all facts less these: a table's count is read off its smallest index, and these
-- indexes are small, while counting the pending through their own index visits each row.
CREATE INDEX events_decided ON events(id) WHERE review <> 'pending';
CREATE INDEX agreements_decided ON agreements(id) WHERE review <> 'pending';
CREATE INDEX figures_decided ON figures(id) WHERE review <> 'pending';
