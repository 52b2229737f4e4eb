-- hoptac store, schema version 12: each partnership's version, raised in the same transaction as
-- any change to one of its facts (a fact written, moved to another partnership, corrected,
-- reviewed or deleted; a change of confidence alone does not count). What is computed from a
-- partnership's facts (the overview's line for it) stays valid while its version does: a reader
-- recomputes only the partnerships whose version moved. A partnership no fact has touched since
-- this migration has no row (version 0). Versions only grow.
CREATE TABLE partnership_versions (
    partnership_id INTEGER PRIMARY KEY,
    version        INTEGER NOT NULL
);

CREATE TRIGGER events_version_insert AFTER INSERT ON events WHEN NEW.partnership_id IS NOT NULL
BEGIN
    INSERT INTO partnership_versions VALUES (NEW.partnership_id, 1)
        ON CONFLICT (partnership_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER events_version_update
    AFTER UPDATE OF partnership_id, kind, ordinal, date, year, place_id, status, review ON events
BEGIN
    INSERT INTO partnership_versions SELECT NEW.partnership_id, 1 WHERE NEW.partnership_id IS NOT NULL
        ON CONFLICT (partnership_id) DO UPDATE SET version = version + 1;
    INSERT INTO partnership_versions SELECT OLD.partnership_id, 1
        WHERE OLD.partnership_id IS NOT NULL AND OLD.partnership_id IS NOT NEW.partnership_id
        ON CONFLICT (partnership_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER events_version_delete AFTER DELETE ON events WHEN OLD.partnership_id IS NOT NULL
BEGIN
    INSERT INTO partnership_versions VALUES (OLD.partnership_id, 1)
        ON CONFLICT (partnership_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER agreements_version_insert AFTER INSERT ON agreements WHEN NEW.partnership_id IS NOT NULL
BEGIN
    INSERT INTO partnership_versions VALUES (NEW.partnership_id, 1)
        ON CONFLICT (partnership_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER agreements_version_update
    AFTER UPDATE OF partnership_id, kind, signed, signed_year, period_first, period_last, review ON agreements
BEGIN
    INSERT INTO partnership_versions SELECT NEW.partnership_id, 1 WHERE NEW.partnership_id IS NOT NULL
        ON CONFLICT (partnership_id) DO UPDATE SET version = version + 1;
    INSERT INTO partnership_versions SELECT OLD.partnership_id, 1
        WHERE OLD.partnership_id IS NOT NULL AND OLD.partnership_id IS NOT NEW.partnership_id
        ON CONFLICT (partnership_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER agreements_version_delete AFTER DELETE ON agreements WHEN OLD.partnership_id IS NOT NULL
BEGIN
    INSERT INTO partnership_versions VALUES (OLD.partnership_id, 1)
        ON CONFLICT (partnership_id) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER figures_version_insert AFTER INSERT ON figures WHEN NEW.partnership_id IS NOT NULL
BEGIN
    INSERT INTO partnership_versions VALUES (NEW.partnership_id, 1)
        ON CONFLICT (partnership_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER figures_version_update
    AFTER UPDATE OF partnership_id, kind, unit, value, from_places, to_places, period_first, period_last, year,
        quantity, fulfils, review, per_year ON figures
BEGIN
    INSERT INTO partnership_versions SELECT NEW.partnership_id, 1 WHERE NEW.partnership_id IS NOT NULL
        ON CONFLICT (partnership_id) DO UPDATE SET version = version + 1;
    INSERT INTO partnership_versions SELECT OLD.partnership_id, 1
        WHERE OLD.partnership_id IS NOT NULL AND OLD.partnership_id IS NOT NEW.partnership_id
        ON CONFLICT (partnership_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER figures_version_delete AFTER DELETE ON figures WHEN OLD.partnership_id IS NOT NULL
BEGIN
    INSERT INTO partnership_versions VALUES (OLD.partnership_id, 1)
        ON CONFLICT (partnership_id) DO UPDATE SET version = version + 1;
END;
