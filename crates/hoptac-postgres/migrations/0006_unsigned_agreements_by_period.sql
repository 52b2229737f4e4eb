-- hoptac store (PostgreSQL), schema version 6: the agreements that carry no signing date, by
-- partnership, kind and first year of their period. A mention signed on a day can be the same
-- agreement as a stored one of its period only if that one was not signed on another day (one
-- signed on a compatible day is found by its signing year): those candidates are read from
-- this index of the few unsigned ones rather than from every agreement of the period.
CREATE INDEX agreements_unsigned_by_period ON agreements(partnership_id, kind, period_first) WHERE signed IS NULL;
