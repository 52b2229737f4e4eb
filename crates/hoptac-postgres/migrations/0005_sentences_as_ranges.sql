-- Schema 5: a sentence of evidence is kept as the range of its document's text it lies in
-- (bytes of its UTF-8, `sentence` left empty) rather than as a copy: the copies were half of a
-- store's bytes. The rows already stored are converted where their sentence is found in their
-- document's text; the others keep their text, both columns NULL. A match of one whole UTF-8
-- text in another starts and ends on character boundaries.
ALTER TABLE evidence ADD COLUMN sentence_start BIGINT;
ALTER TABLE evidence ADD COLUMN sentence_end BIGINT;
UPDATE evidence
   SET sentence_start = f.at, sentence_end = f.at + octet_length(convert_to(evidence.sentence, 'UTF8')), sentence = ''
  FROM (SELECT v.id, position(convert_to(v.sentence, 'UTF8') IN convert_to(d.text, 'UTF8')) - 1 AS at
          FROM evidence v JOIN documents d ON d.id = v.document_id
         WHERE v.sentence <> '') AS f
 WHERE evidence.id = f.id AND f.at >= 0;
