-- hoptac store, schema version 10: the index of evidence by fact carries each row's document.
-- A dossier page reads the sources of the lines it shows, and only the documents of the
-- others: from the index alone, without visiting the rows (sentence and claim) of every fact of
-- a busy partnership. The rows of a fact stay in recording order (`id` before the document).
DROP INDEX evidence_by_fact;
CREATE INDEX evidence_by_fact ON evidence(fact_type, fact_id, id, document_id);
