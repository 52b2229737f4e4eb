-- hoptac store, schema version 15: agreements by partnership, kind, year and date signed. A
-- mention of an agreement signed on a day is matched against the partnership's agreements of
-- that kind signed in the same years on a compatible date; with the date in the index, SQLite
-- compares it there and reads only the rows that match rather than every agreement of those
-- years (a partnership with thousands of minutes made these reads half of an ingest's time).
-- The index by year alone stays: the latest agreement signed is read off its end.
CREATE INDEX agreements_by_signed_date ON agreements(partnership_id, kind, signed_year, signed);
