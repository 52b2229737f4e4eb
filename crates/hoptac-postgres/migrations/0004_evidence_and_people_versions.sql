-- A partnership's version (migration 3) also rises when evidence of one of its facts is added
-- or removed (a new source for a known meeting changes its dossier, not its row), and the
-- people's version when a person, a role or a person's evidence changes (a dossier lists the
-- people its documents name, with their roles). A dossier stays valid while the versions of its
-- partnerships and the people's version do not move.
CREATE TABLE store_versions (
    name    TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);

CREATE FUNCTION hoptac_people_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO store_versions VALUES ('people', 1)
        ON CONFLICT (name) DO UPDATE SET version = store_versions.version + 1;
    RETURN NULL;
END
$$;

CREATE FUNCTION hoptac_evidence_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    row evidence;
    partnership BIGINT;
BEGIN
    IF TG_OP = 'DELETE' THEN row := OLD; ELSE row := NEW; END IF;
    IF row.fact_type = 'person' THEN
        INSERT INTO store_versions VALUES ('people', 1)
            ON CONFLICT (name) DO UPDATE SET version = store_versions.version + 1;
        RETURN NULL;
    ELSIF row.fact_type = 'event' THEN
        SELECT partnership_id INTO partnership FROM events WHERE id = row.fact_id;
    ELSIF row.fact_type = 'agreement' THEN
        SELECT partnership_id INTO partnership FROM agreements WHERE id = row.fact_id;
    ELSIF row.fact_type = 'figure' THEN
        SELECT partnership_id INTO partnership FROM figures WHERE id = row.fact_id;
    END IF;
    IF partnership IS NOT NULL THEN
        INSERT INTO partnership_versions VALUES (partnership, 1)
            ON CONFLICT (partnership_id) DO UPDATE SET version = partnership_versions.version + 1;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER evidence_version AFTER INSERT OR DELETE ON evidence
    FOR EACH ROW EXECUTE FUNCTION hoptac_evidence_changed();
CREATE TRIGGER people_version AFTER INSERT OR UPDATE OR DELETE ON people
    FOR EACH ROW EXECUTE FUNCTION hoptac_people_changed();
CREATE TRIGGER roles_version AFTER INSERT OR UPDATE OR DELETE ON roles
    FOR EACH ROW EXECUTE FUNCTION hoptac_people_changed();
