-- Schema 5: a sentence of evidence is kept as the range of its document's text it lies in
-- (bytes of its UTF-8, `sentence` left empty) rather than as a copy: the copies were half of a
-- store's bytes. Rows written before keep their sentence as text (both columns NULL).
ALTER TABLE evidence ADD COLUMN sentence_start BIGINT;
ALTER TABLE evidence ADD COLUMN sentence_end BIGINT;
