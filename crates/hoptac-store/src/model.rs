//! What the store holds. Ids are database row ids; every fact has at least one [`Evidence`].

use hoptac_core::{AgreementKind, EventKind, EventStatus, FigureKind, Level, PartialDate, Period, PlaceId, Span, Unit};
use serde::{Deserialize, Serialize};

pub type DocId = i64;
pub type FactId = i64;
pub type PartnershipId = i64;

/// A document as it is stored: its normalised text (spans index into it) and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub id: DocId,
    /// BLAKE3 of the normalised text: the same content is stored once whatever its encoding.
    pub hash: String,
    pub source: String,
    pub title: Option<String>,
    pub published: Option<PartialDate>,
    pub language: String,
    pub encoding: String,
    pub text: String,
    pub article_end: usize,
    /// RFC 3339 time of ingestion.
    pub ingested_at: String,
}

/// A place of the gazetteer as the store keeps it (reference data, not a fact).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    pub id: PlaceId,
    pub level: Level,
    pub name: String,
    pub name_en: String,
    pub name_lo: String,
    pub valid_from: Option<PartialDate>,
    pub valid_to: Option<PartialDate>,
    /// The unit that took this one over (Kon Tum → Quảng Ngãi on 2025-07-01).
    pub successor: Option<PlaceId>,
}

#[cfg(test)]
impl Place {
    /// A province for the tests, named by its id, with the unit that took it over.
    pub(crate) fn province(id: &str, successor: Option<&str>) -> Place {
        Place {
            id: PlaceId::new(id),
            level: Level::Province,
            name: id.into(),
            name_en: id.into(),
            name_lo: String::new(),
            valid_from: None,
            valid_to: None,
            successor: successor.map(PlaceId::new),
        }
    }
}

/// The set of parties that cooperate, sorted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Partnership {
    pub id: PartnershipId,
    pub parties: Vec<PlaceId>,
}

/// Which table a fact lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactType {
    Event,
    Agreement,
    Figure,
    Person,
}

impl FactType {
    pub fn as_str(self) -> &'static str {
        match self {
            FactType::Event => "event",
            FactType::Agreement => "agreement",
            FactType::Figure => "figure",
            FactType::Person => "person",
        }
    }

    pub fn parse(s: &str) -> Option<FactType> {
        Some(match s {
            "event" => FactType::Event,
            "agreement" => FactType::Agreement,
            "figure" => FactType::Figure,
            "person" => FactType::Person,
            _ => return None,
        })
    }
}

/// One document's support for one fact: the sentence, its span, and what that document claimed
/// (date, status, value …) so that differing claims stay visible.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub fact_type: FactType,
    pub fact_id: FactId,
    pub document: DocId,
    pub span: Span,
    pub sentence: String,
    /// Where `sentence` lies in the document's text, when known. A store then keeps the range
    /// rather than a copy of the sentence (schema 17: sentences were half of a store's bytes)
    /// and reads the sentence back from the text.
    #[serde(skip)]
    pub sentence_at: Option<Span>,
    pub claim: serde_json::Value,
}

impl Evidence {
    /// The sentence as a store writes it: empty when it keeps the range instead.
    pub fn stored_sentence(&self) -> &str {
        if self.sentence_at.is_some() {
            ""
        } else {
            &self.sentence
        }
    }

    /// The range as a store writes it (`sentence_start`, `sentence_end`; NULL for a sentence
    /// kept as text).
    pub fn stored_range(&self) -> (Option<i64>, Option<i64>) {
        (self.sentence_at.map(|at| at.start as i64), self.sentence_at.map(|at| at.end as i64))
    }

    /// The range a store read from those columns.
    pub fn range_of_columns(start: Option<i64>, end: Option<i64>) -> Option<Span> {
        start.zip(end).map(|(s, e)| Span::new(s as usize, e as usize))
    }
}

/// A document's article: its text up to `article_end` (where boilerplate starts), what its
/// search entry indexes; the whole text when that is not a character boundary within it.
pub fn article(text: &str, article_end: usize) -> &str {
    text.get(..article_end.min(text.len())).unwrap_or(text)
}

/// [`article`], made of the stored text itself (as read from a row: no copy). `article_end` as
/// a database keeps it: one out of range keeps the whole text.
pub fn into_article(mut text: String, article_end: i64) -> String {
    let keep = article(&text, usize::try_from(article_end).unwrap_or(usize::MAX)).len();
    text.truncate(keep);
    text
}

/// Where `sentence`, which contains `span`, lies in `text` (byte offsets), if it does.
pub fn sentence_in(text: &str, sentence: &str, span: Span) -> Option<Span> {
    let (text, needle) = (text.as_bytes(), sentence.as_bytes());
    let &first = needle.first()?;
    // It contains the span, so it starts between its length before the span's end and the
    // span's start: a few hundred places, each told by its first byte (a searcher built for
    // the sentence cost more than the search: 6% of the writer's time).
    let lo = span.end.saturating_sub(needle.len());
    let hi = span.start.min(text.len().checked_sub(needle.len())?);
    let starts = text.get(lo..=hi)?;
    memchr::memchr_iter(first, starts)
        .map(|i| lo + i)
        .find(|&at| text[at..].starts_with(needle))
        .map(|at| Span::new(at, at + needle.len()))
}

/// Fill in the sentences a store kept as ranges of their documents' texts (`sentence` empty,
/// `sentence_at` set), reading those texts once each through `texts`.
pub fn fill_sentences(
    rows: &mut [Evidence],
    texts: impl FnOnce(&[DocId]) -> crate::Result<Vec<(DocId, String)>>,
) -> crate::Result<()> {
    let kept = |e: &Evidence| e.sentence.is_empty() && e.sentence_at.is_some();
    let mut docs: Vec<DocId> = rows.iter().filter(|e| kept(e)).map(|e| e.document).collect();
    if docs.is_empty() {
        return Ok(());
    }
    docs.sort_unstable();
    docs.dedup();
    let texts: std::collections::HashMap<DocId, String> = texts(&docs)?.into_iter().collect();
    for e in rows.iter_mut().filter(|e| kept(e)) {
        let Some(at) = e.sentence_at else { continue };
        let sentence = texts.get(&e.document).and_then(|t| t.get(at.start..at.end)).ok_or_else(|| {
            crate::StoreError::Backend(format!(
                "evidence of {} {}: its sentence ({}..{}) is not in the text of document {}",
                e.fact_type.as_str(),
                e.fact_id,
                at.start,
                at.end,
                e.document
            ))
        })?;
        e.sentence = sentence.to_string();
    }
    Ok(())
}

/// What a page needs of many facts' evidence, without reading every source: for each fact, its
/// first sources (claims left null) and each distinct claim made about it, with the documents
/// that made it and how many sources did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvidenceDigest {
    /// Up to the asked number per fact, in the order they were recorded.
    pub first: Vec<Evidence>,
    pub claims: Vec<ClaimGroup>,
}

/// The first sources of each person some documents name (claims left null), and how many
/// sources each has in them.
pub type PeopleSources = (Vec<Evidence>, Vec<(FactId, usize)>);

/// One claim about a fact, as some of its sources made it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimGroup {
    pub fact_id: FactId,
    pub claim: serde_json::Value,
    /// The documents that made it, each once, in ascending order.
    pub documents: Vec<DocId>,
    /// The evidence rows that made it.
    pub sources: usize,
}

impl EvidenceDigest {
    /// From every evidence row of the facts (what a backend without a cheaper way does), in
    /// any order: each fact's rows are taken together, in the order given.
    pub fn from_rows(mut rows: Vec<Evidence>, first: usize) -> EvidenceDigest {
        rows.sort_by_key(|e| e.fact_id); // stable
        let mut b = DigestBuilder::new(first);
        for mut e in rows {
            let claim = std::mem::take(&mut e.claim);
            let text = claim.to_string();
            b.claim(e.fact_id, e.document, &text, |_| Ok::<_, std::convert::Infallible>(claim))
                .unwrap_or_else(|never| match never {});
            if b.wants_source(e.fact_id) {
                b.show(e);
            }
        }
        b.finish()
    }
}

/// The first `first` of each fact's rows, in the order given (claims left null), and how many
/// rows each fact has.
pub fn first_sources(rows: Vec<Evidence>, first: usize) -> PeopleSources {
    let mut counts = FirstSources::new(first);
    let mut shown = Vec::new();
    for mut e in rows {
        if counts.take(e.fact_id) {
            e.claim = serde_json::Value::Null;
            shown.push(e);
        }
    }
    (shown, counts.totals())
}

/// Counts each fact's sources as they are read, and says which are among its first few.
#[derive(Debug)]
pub struct FirstSources {
    first: usize,
    /// Each fact with its sources so far, in the order first met.
    totals: Vec<(FactId, usize)>,
    at: std::collections::HashMap<FactId, usize>,
}

impl FirstSources {
    pub fn new(first: usize) -> FirstSources {
        FirstSources { first, totals: Vec::new(), at: std::collections::HashMap::new() }
    }

    /// One more source of `fact`: whether it is among its first.
    pub fn take(&mut self, fact: FactId) -> bool {
        let totals = &mut self.totals;
        let i = *self.at.entry(fact).or_insert_with(|| {
            totals.push((fact, 0));
            totals.len() - 1
        });
        self.totals[i].1 += 1;
        self.totals[i].1 <= self.first
    }

    /// Each fact with its number of sources, in the order first met.
    pub fn totals(self) -> Vec<(FactId, usize)> {
        self.totals
    }
}

/// Builds an [`EvidenceDigest`] from evidence rows as they are read, each fact's rows together
/// (as an index by fact gives them): a row's source is kept when it is among its fact's first,
/// and its claim, given as text, is copied and parsed only when new to the fact.
#[derive(Debug)]
pub struct DigestBuilder {
    sources: FirstSources,
    digest: EvidenceDigest,
    /// The fact whose rows are being read, and each of its distinct claims' texts with its group
    /// in `digest.claims`.
    fact: Option<FactId>,
    texts: std::collections::HashMap<String, usize>,
}

impl DigestBuilder {
    pub fn new(first: usize) -> DigestBuilder {
        DigestBuilder {
            sources: FirstSources::new(first),
            digest: EvidenceDigest::default(),
            fact: None,
            texts: std::collections::HashMap::new(),
        }
    }

    /// One more source of `fact`: whether it is among the first (then give it to [`Self::show`]).
    pub fn wants_source(&mut self, fact: FactId) -> bool {
        self.sources.take(fact)
    }

    /// Keep a source (its claim is left out: the claims are grouped apart).
    pub fn show(&mut self, mut e: Evidence) {
        e.claim = serde_json::Value::Null;
        self.digest.first.push(e);
    }

    /// `document` claimed `text` about `fact`; `parse` makes its value, asked once per distinct text.
    pub fn claim<E>(
        &mut self,
        fact: FactId,
        document: DocId,
        text: &str,
        parse: impl FnOnce(&str) -> Result<serde_json::Value, E>,
    ) -> Result<(), E> {
        if self.fact != Some(fact) {
            self.fact = Some(fact);
            self.texts.clear();
        }
        let g = match self.texts.get(text) {
            Some(&g) => g,
            None => {
                let claim = parse(text)?;
                self.digest.claims.push(ClaimGroup { fact_id: fact, claim, documents: Vec::new(), sources: 0 });
                self.texts.insert(text.to_string(), self.digest.claims.len() - 1);
                self.digest.claims.len() - 1
            }
        };
        let group = &mut self.digest.claims[g];
        group.sources += 1;
        if group.documents.last() != Some(&document) && !group.documents.contains(&document) {
            group.documents.push(document);
        }
        Ok(())
    }

    pub fn finish(mut self) -> EvidenceDigest {
        for g in &mut self.digest.claims {
            g.documents.sort_unstable();
        }
        self.digest
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredEvent {
    pub id: FactId,
    pub partnership: Option<PartnershipId>,
    pub kind: EventKind,
    pub ordinal: Option<u32>,
    pub date: Option<PartialDate>,
    pub place: Option<PlaceId>,
    pub status: EventStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredAgreement {
    pub id: FactId,
    pub partnership: Option<PartnershipId>,
    pub kind: AgreementKind,
    pub signed: Option<PartialDate>,
    pub period: Option<Period>,
}

/// A commitment, a result or a standing fact, with the figure it carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredFigure {
    pub id: FactId,
    pub partnership: Option<PartnershipId>,
    pub kind: FigureKind,
    pub unit: Unit,
    pub value: f64,
    pub from: Vec<PlaceId>,
    pub to: Vec<PlaceId>,
    pub period: Option<Period>,
    /// The year the figure was reported for (the document's or its meeting's year).
    pub year: Option<i16>,
    /// The quantity as first written ("585 triệu đồng").
    pub quantity: String,
    /// For a result: the commitment it fulfils.
    pub fulfils: Option<FactId>,
    /// The value is promised (or given) for each year of the period.
    #[serde(default)]
    pub per_year: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredPerson {
    pub id: FactId,
    pub name: String,
    pub country: Option<String>,
    pub place: Option<PlaceId>,
}

/// A title a person held, with the span of dates the documents show it held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Role {
    pub person: FactId,
    /// The whole title as written ("Bí thư Tỉnh ủy Kon Tum").
    pub title: String,
    /// The office ("Bí thư").
    pub office: String,
    /// The organisation, when the title names one ("Tỉnh ủy Kon Tum").
    pub organisation: Option<String>,
    pub first_seen: Option<PartialDate>,
    pub last_seen: Option<PartialDate>,
}

/// What ingesting one document did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestStats {
    /// Facts that became new records.
    pub added: usize,
    /// Facts that merged into a known record (one more evidence link).
    pub merged: usize,
    /// Results linked to the commitment they fulfil.
    pub linked: usize,
}

impl std::ops::AddAssign for IngestStats {
    fn add_assign(&mut self, o: IngestStats) {
        self.added += o.added;
        self.merged += o.merged;
        self.linked += o.linked;
    }
}

/// A document without its text: what lists and source lines show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentSummary {
    pub id: DocId,
    pub source: String,
    pub title: Option<String>,
    pub published: Option<PartialDate>,
}

/// A document about to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDocument {
    pub hash: String,
    pub source: String,
    pub title: Option<String>,
    pub published: Option<PartialDate>,
    pub language: String,
    pub encoding: String,
    pub text: String,
    pub article_end: usize,
}

/// A partnership's agreements that no person rejected: how many, and the latest date one was
/// signed (what the overview shows of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgreementTally {
    pub partnership: PartnershipId,
    pub agreements: usize,
    pub last_signed: Option<PartialDate>,
}

/// How much the store holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub documents: usize,
    pub events: usize,
    pub agreements: usize,
    pub figures: usize,
    pub people: usize,
    pub evidence: usize,
}

/// A stored fact of any type, as it stands after a document was merged in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum StoredFact {
    Event(StoredEvent),
    Agreement(StoredAgreement),
    Figure(StoredFigure),
    /// A person and the titles this document gives them.
    Person(StoredPerson, Vec<String>),
}

impl StoredFact {
    pub fn fact_type(&self) -> FactType {
        match self {
            StoredFact::Event(_) => FactType::Event,
            StoredFact::Agreement(_) => FactType::Agreement,
            StoredFact::Figure(_) => FactType::Figure,
            StoredFact::Person(..) => FactType::Person,
        }
    }

    /// The partnership a fact belongs to (people belong to none).
    pub fn partnership(&self) -> Option<PartnershipId> {
        match self {
            StoredFact::Event(e) => e.partnership,
            StoredFact::Agreement(a) => a.partnership,
            StoredFact::Figure(f) => f.partnership,
            StoredFact::Person(..) => None,
        }
    }

    /// The fact as JSON (its own fields, without the enum wrapper; a person without titles).
    pub fn to_json(&self) -> serde_json::Result<serde_json::Value> {
        match self {
            StoredFact::Event(e) => serde_json::to_value(e),
            StoredFact::Agreement(a) => serde_json::to_value(a),
            StoredFact::Figure(f) => serde_json::to_value(f),
            StoredFact::Person(p, _) => serde_json::to_value(p),
        }
    }

    pub fn id(&self) -> FactId {
        match self {
            StoredFact::Event(e) => e.id,
            StoredFact::Agreement(a) => a.id,
            StoredFact::Figure(f) => f.id,
            StoredFact::Person(p, _) => p.id,
        }
    }
}

/// A fact one document supports, with the sentence it supports it by.
#[derive(Debug, Clone, PartialEq)]
pub struct Touched {
    pub fact: StoredFact,
    pub sentence: String,
    /// The document added the fact or changed what it says (a person: always). A fact only
    /// confirmed keeps the search entry it has: nothing the entry describes moved.
    pub changed: bool,
}

/// Where a fact stands with the people who check the records. Extracted facts start
/// [`ReviewState::Pending`]; every other state is a person's decision, and a later ingest never
/// changes a decided fact's fields (it only adds evidence, whose differing claims show as
/// conflicts).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    /// Extracted, not yet looked at.
    #[default]
    Pending,
    /// A person confirmed it as extracted.
    Accepted,
    /// A person changed its fields.
    Corrected,
    /// A person said it is wrong: kept (with its evidence) but not shown as a record.
    Rejected,
    /// A person entered it by hand.
    Manual,
}

impl ReviewState {
    pub const ALL: [ReviewState; 5] = [
        ReviewState::Pending,
        ReviewState::Accepted,
        ReviewState::Corrected,
        ReviewState::Rejected,
        ReviewState::Manual,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReviewState::Pending => "pending",
            ReviewState::Accepted => "accepted",
            ReviewState::Corrected => "corrected",
            ReviewState::Rejected => "rejected",
            ReviewState::Manual => "manual",
        }
    }

    pub fn parse(s: &str) -> Option<ReviewState> {
        ReviewState::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// A person decided about it: ingest must not change its fields.
    pub fn locked(self) -> bool {
        self != ReviewState::Pending
    }

    /// Shown as a record (in dossiers, agendas, counts).
    pub fn visible(self) -> bool {
        self != ReviewState::Rejected
    }
}

/// One decision a person took about a fact. The log is append-only: it tells who changed what
/// and when, with the fact as it was before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewEntry {
    pub fact_type: FactType,
    pub fact_id: FactId,
    pub decision: ReviewState,
    pub reviewer: String,
    /// RFC 3339 time of the decision.
    pub at: String,
    pub note: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(fact: FactId, document: DocId, claim: serde_json::Value) -> Evidence {
        Evidence {
            fact_type: FactType::Event,
            fact_id: fact,
            document,
            span: Span::new(0, 1),
            sentence: format!("{fact}/{document}"),
            sentence_at: None,
            claim,
        }
    }

    #[test]
    fn a_digest_keeps_the_first_sources_and_each_claim_once() {
        let (a, b) = (serde_json::json!({"date": "2024"}), serde_json::json!({"date": "2025"}));
        let rows = vec![row(1, 7, a.clone()), row(2, 7, a.clone()), row(1, 8, a.clone()), row(1, 7, b.clone())];
        let d = EvidenceDigest::from_rows(rows, 2);
        // by fact; fact 1: rows from documents 7 and 8 shown, the third counted
        let shown: Vec<(FactId, DocId)> = d.first.iter().map(|e| (e.fact_id, e.document)).collect();
        assert_eq!(shown, vec![(1, 7), (1, 8), (2, 7)]);
        assert!(d.first.iter().all(|e| e.claim.is_null()));
        let groups: Vec<(FactId, &serde_json::Value, &[DocId], usize)> =
            d.claims.iter().map(|g| (g.fact_id, &g.claim, g.documents.as_slice(), g.sources)).collect();
        assert_eq!(groups, vec![(1, &a, &[7, 8][..], 2), (1, &b, &[7][..], 1), (2, &a, &[7][..], 1)]);
    }

    #[test]
    fn a_sentence_is_found_where_it_holds_the_span() {
        let text = "Mở đầu. Hai bên ký kết. Hai bên ký kết. Kết thúc.";
        let second = text.rfind("Hai bên").unwrap();
        let sentence = "Hai bên ký kết.";
        // the same sentence twice: the one holding the span
        let span = Span::new(second + 4, second + 12);
        assert_eq!(sentence_in(text, sentence, span), Some(Span::new(second, second + sentence.len())));
        let first = text.find("Hai bên").unwrap();
        assert_eq!(
            sentence_in(text, sentence, Span::new(first, first + 3)),
            Some(Span::new(first, first + sentence.len()))
        );
        // not in the text, empty, or a span past its end: kept as text
        assert_eq!(sentence_in(text, "Không có.", Span::new(0, 3)), None);
        assert_eq!(sentence_in(text, "", Span::new(0, 0)), None);
        assert_eq!(sentence_in(text, sentence, Span::new(500, 510)), None);
    }

    proptest::proptest! {
        /// Any sentence cut from any text, with any span inside it, is found: a range of the
        /// text that reads as the sentence and holds the span.
        #[test]
        fn a_sentence_cut_from_a_text_is_found_holding_its_span(
            text in "[aă ơ.]{0,40}",
            cut in proptest::array::uniform4(0usize..=40),
        ) {
            let bounds: Vec<usize> = (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
            let mut at: Vec<usize> = cut.iter().map(|c| bounds[c % bounds.len()]).collect();
            at.sort_unstable();
            let (sentence, span) = (&text[at[0]..at[3]], Span::new(at[1], at[2]));
            match sentence_in(&text, sentence, span) {
                Some(found) => {
                    proptest::prop_assert_eq!(&text[found.start..found.end], sentence);
                    proptest::prop_assert!(found.start <= span.start && span.end <= found.end);
                }
                None => proptest::prop_assert!(sentence.is_empty()),
            }
        }
    }

    #[test]
    fn kept_sentences_are_read_back_from_their_documents() {
        let mut rows = vec![row(1, 7, serde_json::Value::Null), row(2, 8, serde_json::Value::Null)];
        rows[0].sentence.clear();
        let text = "Mở Đầu ký.";
        let at = text.find("Đầu").unwrap();
        rows[0].sentence_at = Some(Span::new(at, at + "Đầu".len()));
        let mut asked = Vec::new();
        fill_sentences(&mut rows, |docs| {
            asked.extend_from_slice(docs);
            Ok(vec![(7, text.to_string())])
        })
        .unwrap();
        assert_eq!(asked, vec![7], "only the documents of kept sentences are read");
        assert_eq!(rows[0].sentence, "Đầu");
        assert_eq!(rows[1].sentence, "2/8");
        // a range outside the text is an error naming the fact and the document
        rows[0].sentence.clear();
        rows[0].sentence_at = Some(Span::new(4, 90));
        let err = fill_sentences(&mut rows, |_| Ok(vec![(7, "short".to_string())])).unwrap_err().to_string();
        assert!(err.contains("event 1") && err.contains("document 7"), "{err}");
    }

    #[test]
    fn first_sources_counts_every_fact_in_the_order_met() {
        let mut s = FirstSources::new(1);
        assert_eq!([s.take(5), s.take(3), s.take(5), s.take(5)], [true, true, false, false]);
        assert_eq!(s.totals(), vec![(5, 3), (3, 1)]);
    }
}
