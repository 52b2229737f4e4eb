-- Schema 17: a sentence of evidence is kept as the range of its document's text it lies in
-- (bytes, `sentence` left empty) rather than as a copy: the copies were half of a store's
-- bytes. Rows written before keep their sentence as text (both columns NULL).
ALTER TABLE evidence ADD COLUMN sentence_start INTEGER;
ALTER TABLE evidence ADD COLUMN sentence_end INTEGER;
