-- Each partnership's version, raised in the same transaction as any change to one of its facts
-- (a fact written, moved to another partnership, corrected, reviewed or deleted; a change of
-- confidence alone does not count). What is computed from a partnership's facts (the overview's
-- line for it) stays valid while its version does: a reader recomputes only the partnerships
-- whose version moved. A partnership no fact has touched since this migration has no row
-- (version 0). Versions only grow (writers take the store's write lock, one at a time).
CREATE TABLE partnership_versions (
    partnership_id BIGINT PRIMARY KEY,
    version        BIGINT NOT NULL
);

CREATE FUNCTION hoptac_partnership_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.partnership_id IS NOT NULL THEN
        INSERT INTO partnership_versions VALUES (NEW.partnership_id, 1)
            ON CONFLICT (partnership_id) DO UPDATE SET version = partnership_versions.version + 1;
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF OLD.partnership_id IS NOT NULL THEN
            INSERT INTO partnership_versions VALUES (OLD.partnership_id, 1)
                ON CONFLICT (partnership_id) DO UPDATE SET version = partnership_versions.version + 1;
        END IF;
    ELSIF TG_OP = 'UPDATE' THEN
        IF OLD.partnership_id IS NOT NULL AND OLD.partnership_id IS DISTINCT FROM NEW.partnership_id THEN
            INSERT INTO partnership_versions VALUES (OLD.partnership_id, 1)
                ON CONFLICT (partnership_id) DO UPDATE SET version = partnership_versions.version + 1;
        END IF;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER events_version AFTER INSERT OR DELETE
    OR UPDATE OF partnership_id, kind, ordinal, date, year, place_id, status, review ON events
    FOR EACH ROW EXECUTE FUNCTION hoptac_partnership_changed();
CREATE TRIGGER agreements_version AFTER INSERT OR DELETE
    OR UPDATE OF partnership_id, kind, signed, signed_year, period_first, period_last, review ON agreements
    FOR EACH ROW EXECUTE FUNCTION hoptac_partnership_changed();
CREATE TRIGGER figures_version AFTER INSERT OR DELETE
    OR UPDATE OF partnership_id, kind, unit, value, from_places, to_places, period_first, period_last, year,
        quantity, fulfils, review, per_year ON figures
    FOR EACH ROW EXECUTE FUNCTION hoptac_partnership_changed();
