-- hoptac store, schema version 7: meetings found by date, not by scanning a year. A meeting
-- with an ordinal matches only the same ordinal or a meeting without one, so the candidates of
-- a mention are a few index lookups however many meetings a partnership has had.
CREATE INDEX events_by_date ON events(partnership_id, kind, date);
