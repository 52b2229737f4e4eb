-- Schema 17: a sentence of evidence is kept as the range of its document's text it lies in
-- (bytes, `sentence` left empty) rather than as a copy: the copies were half of a store's
-- bytes. The rows already stored are converted where their sentence is found in their document's
-- text (the freed space is reused by later writes); the others keep their text, both columns NULL.
-- A match of one whole UTF-8 text in another starts and ends on character boundaries.
ALTER TABLE evidence ADD COLUMN sentence_start INTEGER;
ALTER TABLE evidence ADD COLUMN sentence_end INTEGER;
UPDATE evidence
   SET sentence_start = f.at, sentence_end = f.at + length(CAST(evidence.sentence AS BLOB)), sentence = ''
  FROM (SELECT v.id, instr(CAST(d.text AS BLOB), CAST(v.sentence AS BLOB)) - 1 AS at
          FROM evidence v JOIN documents d ON d.id = v.document_id
         WHERE v.sentence <> '') AS f
 WHERE evidence.id = f.id AND f.at >= 0;
