-- hoptac store, schema version 11: the index of evidence by document and type carries each
-- row's fact. A dossier page lists the people named in its documents with their first few
-- sources and how many there are: counted from the index alone, only the rows shown read.
DROP INDEX evidence_by_document_type;
CREATE INDEX evidence_by_document_type ON evidence(document_id, fact_type, fact_id);
