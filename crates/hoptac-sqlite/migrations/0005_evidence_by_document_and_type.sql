-- hoptac store, schema version 5: evidence by document *and* fact type. A dossier gathers the
-- people named in its documents; with the index on document alone every evidence row of those
-- documents had to be read to find the few about people.
DROP INDEX evidence_by_document;
CREATE INDEX evidence_by_document_type ON evidence(document_id, fact_type);
