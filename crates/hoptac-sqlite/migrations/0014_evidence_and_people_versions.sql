-- hoptac store, schema version 14: a partnership's version (migration 12) also rises when
-- evidence of one of its facts is added or removed (a new source for a known meeting changes
-- its dossier, not its row), and the people's version when a person, a role or a person's
-- evidence changes (a dossier lists the people its documents name, with their roles). A dossier
-- stays valid while the versions of its partnerships and the people's version do not move.
-- Evidence added and people written are counted by the writer and raised once per partnership
-- at commit (`SqliteTx::raise_versions`): a trigger per evidence row cost a tenth of an ingest.
-- Evidence removed (rare) raises them here.
CREATE TABLE store_versions (
    name    TEXT PRIMARY KEY,
    version INTEGER NOT NULL
);

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
