-- hoptac store, schema version 14: a partnership's version (migration 12) also rises when
-- evidence of one of its facts is added or removed (a new source for a known meeting changes
-- its dossier, not its row), and the people's version when a person, a role or a person's
-- evidence changes (a dossier lists the people its documents name, with their roles). A dossier
-- stays valid while the versions of its partnerships and the people's version do not move.
CREATE TABLE store_versions (
    name    TEXT PRIMARY KEY,
    version INTEGER NOT NULL
);

CREATE TRIGGER evidence_event_version AFTER INSERT ON evidence WHEN NEW.fact_type = 'event'
BEGIN
    INSERT INTO partnership_versions SELECT partnership_id, 1 FROM events WHERE id = NEW.fact_id AND partnership_id IS NOT NULL
        ON CONFLICT (partnership_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER evidence_agreement_version AFTER INSERT ON evidence WHEN NEW.fact_type = 'agreement'
BEGIN
    INSERT INTO partnership_versions SELECT partnership_id, 1 FROM agreements WHERE id = NEW.fact_id AND partnership_id IS NOT NULL
        ON CONFLICT (partnership_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER evidence_figure_version AFTER INSERT ON evidence WHEN NEW.fact_type = 'figure'
BEGIN
    INSERT INTO partnership_versions SELECT partnership_id, 1 FROM figures WHERE id = NEW.fact_id AND partnership_id IS NOT NULL
        ON CONFLICT (partnership_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER evidence_person_version AFTER INSERT ON evidence WHEN NEW.fact_type = 'person'
BEGIN
    INSERT INTO store_versions VALUES ('people', 1) ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER evidence_delete_version AFTER DELETE ON evidence
BEGIN
    INSERT INTO partnership_versions
        SELECT partnership_id, 1 FROM events WHERE OLD.fact_type = 'event' AND id = OLD.fact_id AND partnership_id IS NOT NULL
        ON CONFLICT (partnership_id) DO UPDATE SET version = version + 1;
    INSERT INTO partnership_versions
        SELECT partnership_id, 1 FROM agreements WHERE OLD.fact_type = 'agreement' AND id = OLD.fact_id AND partnership_id IS NOT NULL
        ON CONFLICT (partnership_id) DO UPDATE SET version = version + 1;
    INSERT INTO partnership_versions
        SELECT partnership_id, 1 FROM figures WHERE OLD.fact_type = 'figure' AND id = OLD.fact_id AND partnership_id IS NOT NULL
        ON CONFLICT (partnership_id) DO UPDATE SET version = version + 1;
    INSERT INTO store_versions SELECT 'people', 1 WHERE OLD.fact_type = 'person'
        ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER people_version_insert AFTER INSERT ON people
BEGIN
    INSERT INTO store_versions VALUES ('people', 1) ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER people_version_update AFTER UPDATE ON people
BEGIN
    INSERT INTO store_versions VALUES ('people', 1) ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER people_version_delete AFTER DELETE ON people
BEGIN
    INSERT INTO store_versions VALUES ('people', 1) ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER roles_version_insert AFTER INSERT ON roles
BEGIN
    INSERT INTO store_versions VALUES ('people', 1) ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER roles_version_update AFTER UPDATE ON roles
BEGIN
    INSERT INTO store_versions VALUES ('people', 1) ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER roles_version_delete AFTER DELETE ON roles
BEGIN
    INSERT INTO store_versions VALUES ('people', 1) ON CONFLICT (name) DO UPDATE SET version = version + 1;
END;
