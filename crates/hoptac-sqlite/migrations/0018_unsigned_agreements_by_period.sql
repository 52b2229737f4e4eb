-- hoptac store, schema version 18: the agreements that carry no signing date, by partnership,
-- kind and first year of their period. A mention signed on a day can be the same agreement as
-- a stored one of the period it names only if that one was not signed on another day (one
-- signed on a compatible day is found by its signing year); with this index the candidates of
-- a period are read from these few rather than from every agreement of the period (a
-- partnership with hundreds of minutes a year made that read grow with the store).
CREATE INDEX agreements_unsigned_by_period ON agreements(partnership_id, kind, period_first) WHERE signed IS NULL;
