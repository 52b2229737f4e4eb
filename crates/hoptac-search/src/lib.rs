//! The search index: one tantivy index beside the store, with an entry per document and one per
//! fact a document supports. Text is tokenised on letters and digits, lower-cased and folded to
//! ASCII, so "hai cot" finds "hài cốt" and "hoà" finds "hòa" (tone-mark placement does not matter
//! once marks are gone); snippets are cut from the original text with the matches highlighted.
//! A document's text is indexed, not kept: the store has it, and a search asks for it
//! ([`Bodies`]) only for the documents among its hits (indexes made before kept it, and are
//! still read).
//!
//! The database is the source of truth. Entries are keyed by what they describe (a document, a
//! fact): writing an entry replaces the one of the same key, so a rebuild or a resumed run never
//! duplicates them, and a fact that a later document changed is described as it now stands.

use std::ops::Bound;
use std::path::{Path, PathBuf};

use tantivy::collector::Count;
use tantivy::directory::error::LockError;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, INDEXED, STORED, STRING,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;

mod deadline;
mod prune;
mod readonly;
mod tokenizer;
use prune::Plan;
use tantivy::{doc, Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument, Term};
pub use tokenizer::{words, FoldingTokenizer};

/// Name of the folding analyser.
const ANALYZER: &str = "vi_fold";

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("{path}: no search index (run `hoptac reindex`)")]
    Missing { path: String },
    #[error("{path}: search index: {source}")]
    Index { path: String, source: tantivy::TantivyError },
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    /// Another process writes the index (an ingest, a server in local mode).
    #[error("{path}: the search index is being written by another `hoptac ingest` or a server in --local mode; try again when it is done (a server catches up by itself)")]
    Busy { path: String },
    /// No room left to write the index.
    #[error("{path}: the disk is full: the search index could not be written (the store is intact); free some space and run `hoptac reindex`")]
    DiskFull { path: String },
    /// The index path holds something else than an index directory.
    #[error("{path}: is not a directory, so it cannot hold the search index: run `hoptac reindex` (it moves the file aside)")]
    NotADirectory { path: String },
    /// The search ran past its time and was stopped.
    #[error("the search took longer than {0} s and was stopped (is the index damaged? `hoptac check` tells)")]
    TimedOut(u64),
    /// The query itself is refused (too long or nested too deep): the asker's error.
    #[error("{0}")]
    Query(String),
    /// The documents' text for the hits' passages could not be read from the store.
    #[error("cannot read the text of the documents found: {0}")]
    Bodies(String),
}

/// Where a search reads the text of the documents among its hits, to cut their passages from:
/// the store (the index does not keep a document's text; it would hold it twice).
pub trait Bodies {
    /// The article text (what the document's entry indexed, [`Entry::body`]) of those of `ids`
    /// that are still stored, by id.
    fn bodies(&self, ids: &[u64]) -> std::result::Result<std::collections::HashMap<u64, String>, String>;
}

/// Texts held in memory (tests, benchmarks).
impl Bodies for std::collections::HashMap<u64, String> {
    fn bodies(&self, ids: &[u64]) -> std::result::Result<std::collections::HashMap<u64, String>, String> {
        Ok(ids.iter().filter_map(|id| Some((*id, self.get(id)?.clone()))).collect())
    }
}

/// No texts: documents' hits come without a passage (a search that needs none).
pub struct NoBodies;

impl Bodies for NoBodies {
    fn bodies(&self, _: &[u64]) -> std::result::Result<std::collections::HashMap<u64, String>, String> {
        Ok(Default::default())
    }
}

/// An index error said in the user's terms where it has a cause they can act on.
fn index_error(dir: &Path, source: tantivy::TantivyError) -> SearchError {
    let path = dir.display().to_string();
    let io_kind = |e: &std::io::Error| e.kind() == std::io::ErrorKind::StorageFull || e.raw_os_error() == Some(28);
    match &source {
        tantivy::TantivyError::LockFailure(LockError::LockBusy, _) => SearchError::Busy { path },
        tantivy::TantivyError::IoError(e) if io_kind(e) => SearchError::DiskFull { path },
        _ if source.to_string().contains("No space left on device") => SearchError::DiskFull { path },
        // A writer thread that hit the end of the disk reports only that it died: look.
        _ if fs4::available_space(dir).is_ok_and(|free| free < LOW_SPACE) => SearchError::DiskFull { path },
        _ => SearchError::Index { path, source },
    }
}

/// Free space under which a failed index write is put down to a full disk.
const LOW_SPACE: u64 = 4 << 20;

/// The longest a search may run (matching and counting; a search of a sound index takes
/// milliseconds).
pub const SEARCH_DEADLINE: std::time::Duration = std::time::Duration::from_secs(5);

/// The longest query searched, in characters.
pub const MAX_QUERY_CHARS: usize = 1000;
/// The deepest nesting of brackets a query may have.
pub const MAX_QUERY_NESTING: usize = 8;

/// A query as the grammar may see it: normalised, and without `^` (boosts), which people do not
/// need and which makes tantivy's lenient parser (0.22) loop without end, allocating, inside a
/// field group: `a:(^` took all the memory of the machine.
fn parseable(text: &str) -> String {
    hoptac_text::normalize(text).replace('^', " ")
}

/// Refuse a query that is too long or nested too deep, before any parser sees it (the query
/// grammar is parsed recursively: an unbounded nesting would overflow the stack).
pub fn check_query(text: &str) -> Result<()> {
    let chars = text.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(SearchError::Query(format!(
            "the query is too long ({chars} characters; at most {MAX_QUERY_CHARS})"
        )));
    }
    let (mut depth, mut deepest) = (0usize, 0usize);
    for c in text.chars() {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if deepest > MAX_QUERY_NESTING {
        return Err(SearchError::Query(format!(
            "the query is nested too deep ({deepest} levels of brackets; at most {MAX_QUERY_NESTING})"
        )));
    }
    Ok(())
}

pub type Result<T> = std::result::Result<T, SearchError>;

#[derive(Clone, Copy)]
struct Fields {
    key: Field,
    doc_id: Field,
    fact_type: Field,
    fact_id: Field,
    kinds: Field,
    title: Field,
    body: Field,
    places: Field,
    year: Field,
    source: Field,
    evidence: Field,
}

fn schema() -> (Schema, Fields) {
    schema_keeping_bodies(false)
}

/// The schema, with the document's text kept in the index (`keep`: as indexes made before
/// 2026-12-03 keep it) or not.
fn schema_keeping_bodies(keep: bool) -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default().set_tokenizer(ANALYZER).set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        key: b.add_text_field("key", STRING),
        doc_id: b.add_u64_field("doc_id", INDEXED | STORED | FAST),
        fact_type: b.add_text_field("fact_type", STRING | STORED),
        fact_id: b.add_u64_field("fact_id", STORED),
        kinds: b.add_text_field("kinds", STRING | STORED),
        title: b.add_text_field("title", text.clone().set_stored()),
        body: b.add_text_field("body", if keep { text.set_stored() } else { text }),
        places: b.add_text_field("places", STRING | STORED),
        year: b.add_i64_field("year", INDEXED | STORED | FAST),
        source: b.add_text_field("source", STORED),
        evidence: b.add_text_field("evidence", STORED),
    };
    (b.build(), fields)
}

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::from(FoldingTokenizer::default())
}

/// One searchable entry: a document, or one fact as one document states it.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub doc_id: u64,
    /// `document`, `event`, `agreement`, `figure`, `person`.
    pub fact_type: String,
    pub fact_id: Option<u64>,
    /// Filterable kinds: the fact type and its kind (`event`, `conference`; `figure`, `commitment`).
    pub kinds: Vec<String>,
    /// Indexed and shown: a document's title, a fact's one-line description.
    pub title: String,
    /// Indexed, not kept (the store has it: [`Bodies`]): a document's article text (empty for
    /// facts).
    pub body: String,
    /// Shown, not indexed: the sentence a fact comes from.
    pub evidence: String,
    /// Place ids it is about, with the provinces and countries containing them.
    pub places: Vec<String>,
    pub year: Option<i64>,
    pub source: String,
}

impl Entry {
    /// What the entry is about: `document:12`, `event:5`. One entry per key: a fact told by many
    /// documents is one entry (showing the latest document's sentence).
    pub fn key(&self) -> String {
        match self.fact_id {
            Some(id) => format!("{}:{id}", self.fact_type),
            None => format!("document:{}", self.doc_id),
        }
    }
}

/// A query and its filters.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub text: String,
    /// Places the text names, each as the ids it stands for (a place and what it absorbed): an
    /// entry about one of them matches as if its text had the name, in whatever script or
    /// spelling it names it (a Lao article about ອັດຕະປື for "Attapeu").
    pub text_places: Vec<Vec<String>>,
    /// The text without those names: what such an entry must still contain.
    pub text_rest: String,
    /// Any of these places (already expanded to include what each absorbed).
    pub places: Vec<String>,
    pub years: Option<(i64, i64)>,
    /// Any of these kinds.
    pub kinds: Vec<String>,
    pub limit: usize,
    /// How many of the hits get a snippet (all when `None`); the rest come with an empty one
    /// (facet counting needs the hits, not their passages).
    pub snippets: Option<usize>,
    /// How long the search may run ([`SEARCH_DEADLINE`] when `None`).
    pub deadline: Option<std::time::Duration>,
    /// Matches counted exactly before those that cannot enter the hits are skipped
    /// ([`COUNTED_EXACTLY`] when `None`; `Some(usize::MAX)` counts every match).
    pub count_up_to: Option<usize>,
}

/// Matches a search counts exactly by default; past them it reads only what may enter the hits
/// and the total becomes a lower bound (as Lucene counts to 1,000 and Elasticsearch to 10,000).
pub const COUNTED_EXACTLY: usize = 10_000;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Hit {
    pub score: f32,
    pub doc_id: u64,
    pub fact_type: String,
    pub fact_id: Option<u64>,
    pub kinds: Vec<String>,
    pub title: String,
    pub source: String,
    pub year: Option<i64>,
    /// Place ids it is about, with the units containing them.
    pub places: Vec<String>,
    /// A passage of the body with `highlights` (byte ranges into it) marking the matches.
    pub snippet: String,
    pub highlights: Vec<(usize, usize)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// How many entries match: all of them when `total_exact`, otherwise at least this many
    /// (past [`SearchQuery::count_up_to`], matches that cannot enter the hits are not read).
    pub total: usize,
    pub total_exact: bool,
    pub hits: Vec<Hit>,
}

/// A search's query, ready to run.
struct Planned {
    /// The query's text as the parser reads it.
    text: String,
    query: BooleanQuery,
    /// The part that matches text (snippets are cut around its matches).
    text_query: Box<dyn Query>,
    plan: Plan,
}

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    dir: PathBuf,
}

impl SearchIndex {
    fn err(&self, source: tantivy::TantivyError) -> SearchError {
        index_error(&self.dir, source)
    }

    fn wrap(dir: &Path, mut index: Index) -> Result<Self> {
        let (_, fields) = schema();
        index.tokenizers().register(ANALYZER, analyzer());
        // Search the index's segments in parallel, one thread per core.
        index
            .set_default_multithread_executor()
            .map_err(|source| SearchError::Index { path: dir.display().to_string(), source })?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|source| SearchError::Index { path: dir.display().to_string(), source })?;
        Ok(SearchIndex { index, reader, fields, dir: dir.to_path_buf() })
    }

    /// Open the index in `dir`, creating it when absent.
    pub fn open_or_create(dir: &Path) -> Result<Self> {
        if dir.exists() && !dir.is_dir() {
            return Err(SearchError::NotADirectory { path: dir.display().to_string() });
        }
        let io = |source| SearchError::Io { path: dir.display().to_string(), source };
        std::fs::create_dir_all(dir).map_err(io)?;
        let ix = |source| SearchError::Index { path: dir.display().to_string(), source };
        let index = if dir.join("meta.json").exists() {
            Index::open_in_dir(dir).map_err(ix)?
        } else {
            Index::create_in_dir(dir, schema().0).map_err(ix)?
        };
        Self::wrap(dir, index)
    }

    /// Open an existing index for searching; never creates or writes. On media where nothing
    /// can be written (not even tantivy's lock file), the index is read without the lock.
    pub fn open_read_only(dir: &Path) -> Result<Self> {
        if dir.exists() && !dir.is_dir() {
            return Err(SearchError::NotADirectory { path: dir.display().to_string() });
        }
        if !dir.join("meta.json").exists() {
            return Err(SearchError::Missing { path: dir.display().to_string() });
        }
        let ix = |source| SearchError::Index { path: dir.display().to_string(), source };
        match Index::open_in_dir(dir).map_err(ix).and_then(|index| Self::wrap(dir, index)) {
            Err(SearchError::Index {
                source: tantivy::TantivyError::LockFailure(LockError::IoError(io), _), ..
            }) if matches!(
                io.kind(),
                std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied
            ) =>
            {
                let mmap =
                    tantivy::directory::MmapDirectory::open(dir).map_err(|e| ix(tantivy::TantivyError::from(e)))?;
                let index = Index::open(readonly::ReadOnlyDirectory(mmap)).map_err(ix)?;
                Self::wrap(dir, index)
            }
            other => other,
        }
    }

    /// Delete the index in `dir` and create an empty one. Something other than a directory in
    /// its place is not deleted (it is not the index's to delete): it is renamed aside, with a
    /// warning, and its new name returned.
    pub fn recreate(dir: &Path) -> Result<(Self, Option<PathBuf>)> {
        let mut moved = None;
        if dir.exists() && !dir.is_dir() {
            let mut aside = dir.as_os_str().to_os_string();
            aside.push(format!(".moved-{}", std::process::id()));
            let aside = PathBuf::from(aside);
            std::fs::rename(dir, &aside)
                .map_err(|source| SearchError::Io { path: dir.display().to_string(), source })?;
            moved = Some(aside);
        }
        if dir.exists() {
            std::fs::remove_dir_all(dir)
                .map_err(|source| SearchError::Io { path: dir.display().to_string(), source })?;
        }
        Ok((Self::open_or_create(dir)?, moved))
    }

    /// A writer with one indexing thread: an ingest keeps every core busy extracting and
    /// storing, and one thread makes one segment per commit, not one per thread to merge later
    /// (a 20,000-document ingest on 2 cores: 8.0–8.2 s with two threads, 7.3 s with one).
    pub fn writer(&self) -> Result<IndexWriter> {
        let writer = self.index.writer_with_num_threads(1, WRITER_MEMORY).map_err(|e| self.err(e))?;
        Ok(IndexWriter { writer, fields: self.fields, dir: self.dir.clone() })
    }

    /// Entries searchable now (after a commit, call [`SearchIndex::reload`]).
    pub fn num_entries(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Distinct documents that have entries.
    pub fn num_documents(&self) -> Result<u64> {
        let searcher = self.reader.searcher();
        let q = TermQuery::new(Term::from_field_text(self.fields.fact_type, "document"), IndexRecordOption::Basic);
        searcher.search(&q, &Count).map(|n| n as u64).map_err(|e| self.err(e))
    }

    /// Changes whenever the searcher sees a new commit (results cached under it stay valid
    /// while it does not change).
    pub fn generation(&self) -> u64 {
        self.reader.searcher().generation().generation_id()
    }

    /// Files of the index whose checksum does not match their content (reads every file).
    pub fn damaged_files(&self) -> Result<Vec<String>> {
        let bad = self.index.validate_checksum().map_err(|e| self.err(e))?;
        let mut v: Vec<String> = bad.into_iter().map(|p| p.display().to_string()).collect();
        v.sort();
        Ok(v)
    }

    pub fn reload(&self) -> Result<()> {
        self.reader.reload().map_err(|e| self.err(e))
    }

    /// The query asked, its text part (for snippets) and what each part can score.
    fn query(&self, q: &SearchQuery, searcher: &Searcher) -> Result<Planned> {
        let f = self.fields;
        // All the words in the title, or all of them in the body (a document's body begins with
        // its title): a union of two intersections, much cheaper to run than an intersection of
        // per-word unions over both fields.
        let text = parseable(&q.text);
        let in_field = |field: Field| {
            let mut parser = QueryParser::for_index(&self.index, vec![field]);
            parser.set_conjunction_by_default();
            parser.parse_query_lenient(&text).0
        };
        let (title_query, body_query) = (in_field(f.title), in_field(f.body));
        let plan = |query: &dyn Query, boost: f32| Plan::of(query, boost, searcher).map_err(|e| self.err(e));
        // What each clause can score, to skip what cannot enter the hits (see `prune`).
        let mut text_plans = vec![plan(&*title_query, 2.0)?, plan(&*body_query, 1.0)?];
        let mut text_clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Should, Box::new(BoostQuery::new(title_query, 2.0)) as Box<dyn Query>),
            (Occur::Should, body_query),
        ];
        if !q.text_places.is_empty() {
            // the places by id, and the rest of the words as text
            let mut by_place: Vec<(Occur, Box<dyn Query>)> = q
                .text_places
                .iter()
                .map(|ids| {
                    let any: Vec<(Occur, Box<dyn Query>)> = ids
                        .iter()
                        .map(|id| {
                            let t: Box<dyn Query> =
                                Box::new(TermQuery::new(Term::from_field_text(f.places, id), IndexRecordOption::Basic));
                            (Occur::Should, t)
                        })
                        .collect();
                    (Occur::Must, Box::new(BooleanQuery::new(any)) as Box<dyn Query>)
                })
                .collect();
            let rest = parseable(&q.text_rest);
            if !rest.trim().is_empty() {
                let mut parser = QueryParser::for_index(&self.index, vec![f.body]);
                parser.set_conjunction_by_default();
                by_place.push((Occur::Must, parser.parse_query_lenient(&rest).0));
            }
            let by_place = BooleanQuery::new(by_place);
            text_plans.push(plan(&by_place, 1.0)?);
            text_clauses.push((Occur::Should, Box::new(by_place)));
        }
        let text_query: Box<dyn Query> = Box::new(BooleanQuery::new(text_clauses));
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query.box_clone())];
        let any = |field: Field, values: &[String]| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(
                values
                    .iter()
                    .map(|v| {
                        let q: Box<dyn Query> =
                            Box::new(TermQuery::new(Term::from_field_text(field, v), IndexRecordOption::Basic));
                        (Occur::Should, q)
                    })
                    .collect(),
            ))
        };
        let mut filters: Vec<Box<dyn Query>> = Vec::new();
        if !q.places.is_empty() {
            filters.push(any(f.places, &q.places));
        }
        if !q.kinds.is_empty() {
            filters.push(any(f.kinds, &q.kinds));
        }
        if let Some((lo, hi)) = q.years {
            filters.push(Box::new(RangeQuery::new_i64_bounds("year".into(), Bound::Included(lo), Bound::Included(hi))));
        }
        // Filters restrict and do not score: an entry's rank is its text's (with a score, a place
        // filter would favour entries about fewer places).
        let mut must = vec![Plan::Bool { must: Vec::new(), should: text_plans }];
        for filter in filters {
            must.push(plan(filter.as_ref(), 0.0)?);
            clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))));
        }
        let plan = Plan::Bool { must, should: Vec::new() };
        Ok(Planned { text, query: BooleanQuery::new(clauses), text_query, plan })
    }

    /// The best hits of a planned query and how many entries match, within the deadline.
    fn find(&self, searcher: &Searcher, query: &BooleanQuery, plan: Plan, q: &SearchQuery) -> Result<prune::Found> {
        let deadline = q.deadline.unwrap_or(SEARCH_DEADLINE);
        let collector = prune::TopHits {
            plan,
            limit: q.limit.max(1),
            count_up_to: q.count_up_to.unwrap_or(COUNTED_EXACTLY),
            deadline: std::time::Instant::now() + deadline,
        };
        searcher.search(query, &collector).map_err(|e| {
            if deadline::is_deadline(&e) {
                SearchError::TimedOut(deadline.as_secs())
            } else {
                self.err(e)
            }
        })
    }

    /// Search; the passages of the documents found are cut from their text as `bodies` gives it.
    pub fn search(&self, q: &SearchQuery, bodies: &dyn Bodies) -> Result<Results> {
        check_query(&q.text)?;
        check_query(&q.text_rest)?;
        let f = self.fields;
        let searcher = self.reader.searcher();
        let Planned { text, query, text_query, plan } = self.query(q, &searcher)?;
        let found = self.find(&searcher, &query, plan, q)?;
        let (top, total, total_exact) = (found.hits, found.count, found.exact);
        let mut snippets = SnippetGenerator::create(&searcher, &*text_query, f.body).map_err(|e| self.err(e))?;
        snippets.set_max_num_chars(240);
        let query_words: Vec<String> = words(&text).into_iter().map(|(w, _, _)| w).collect();
        let with_snippets = q.snippets.unwrap_or(usize::MAX);
        let found: Vec<(f32, TantivyDocument)> = top
            .into_iter()
            .map(|(score, addr)| Ok((score, searcher.doc(addr).map_err(|e| self.err(e))?)))
            .collect::<Result<_>>()?;
        fn text_of(d: &TantivyDocument, field: Field) -> Option<&str> {
            d.get_first(field).and_then(|v| v.as_str())
        }
        let is_document = |d: &TantivyDocument| text_of(d, f.fact_type) == Some("document");
        // The documents whose passage is cut from their text: asked of the store at once (an
        // index made before keeps the text itself).
        let wanted: Vec<u64> = found
            .iter()
            .take(with_snippets)
            .filter(|(_, d)| is_document(d) && text_of(d, f.body).is_none())
            .filter_map(|(_, d)| d.get_first(f.doc_id).and_then(|v| v.as_u64()))
            .collect();
        let texts =
            if wanted.is_empty() { Default::default() } else { bodies.bodies(&wanted).map_err(SearchError::Bodies)? };
        let mut hits = Vec::with_capacity(found.len());
        for (i, (score, d)) in found.into_iter().enumerate() {
            let s = |field: Field| text_of(&d, field).unwrap_or_default().to_string();
            let doc_id = d.get_first(f.doc_id).and_then(|v| v.as_u64()).unwrap_or(0);
            let evidence = text_of(&d, f.evidence).unwrap_or_default();
            let (text, highlights) = if i >= with_snippets {
                (String::new(), Vec::new())
            } else if !evidence.is_empty() {
                highlight(evidence, &query_words)
            } else {
                let body = match text_of(&d, f.body) {
                    Some(kept) => kept,
                    None if is_document(&d) => texts.get(&doc_id).map_or("", String::as_str),
                    None => "",
                };
                let snippet = snippets.snippet(body);
                if snippet.fragment().is_empty() {
                    // The match was in the title only: show the start of the body.
                    let cut = body.char_indices().nth(200).map(|(i, _)| i).unwrap_or(body.len());
                    (body[..cut].to_string(), Vec::new())
                } else {
                    (snippet.fragment().to_string(), snippet.highlighted().iter().map(|r| (r.start, r.end)).collect())
                }
            };
            hits.push(Hit {
                score,
                doc_id,
                fact_type: s(f.fact_type),
                fact_id: d.get_first(f.fact_id).and_then(|v| v.as_u64()),
                kinds: d.get_all(f.kinds).filter_map(|v| v.as_str()).map(str::to_string).collect(),
                title: s(f.title),
                source: s(f.source),
                year: d.get_first(f.year).and_then(|v| v.as_i64()),
                places: d.get_all(f.places).filter_map(|v| v.as_str()).map(str::to_string).collect(),
                snippet: text,
                highlights,
            });
        }
        Ok(Results { total, total_exact, hits })
    }
}

/// A sentence, cut to about 240 characters around its first match, with the query's words marked.
fn highlight(sentence: &str, query: &[String]) -> (String, Vec<(usize, usize)>) {
    let marks: Vec<(usize, usize)> =
        words(sentence).into_iter().filter(|(w, _, _)| query.contains(w)).map(|(_, a, b)| (a, b)).collect();
    let first = marks.first().map_or(0, |m| m.0);
    let start = sentence[..first].char_indices().rev().nth(80).map_or(0, |(i, _)| i);
    let end = sentence[start..].char_indices().nth(240).map_or(sentence.len(), |(i, _)| start + i);
    let marks =
        marks.into_iter().filter(|&(a, b)| a >= start && b <= end).map(|(a, b)| (a - start, b - start)).collect();
    (sentence[start..end].to_string(), marks)
}

/// The memory budget of an index writer: its indexing thread makes a segment when it is full.
const WRITER_MEMORY: usize = 64 * 1024 * 1024;

/// Adds and replaces entries; nothing is visible until [`IndexWriter::commit`].
pub struct IndexWriter {
    writer: tantivy::IndexWriter,
    fields: Fields,
    dir: PathBuf,
}

impl IndexWriter {
    fn err(&self, source: tantivy::TantivyError) -> SearchError {
        index_error(&self.dir, source)
    }

    /// Add entries, each replacing the entry of the same key (the same document, the same fact).
    ///
    /// Within a call, facts are added before documents, each kind in the order of the documents
    /// they come from (the order is stable: a key given twice keeps its last entry). Search
    /// bounds what a window of entries can score by the best title and the best body in it
    /// ([`prune`]): short fact titles and long document bodies apart make those bounds tight.
    pub fn upsert(&mut self, entries: impl IntoIterator<Item = Entry>) -> Result<()> {
        let f = self.fields;
        let mut entries: Vec<Entry> = entries.into_iter().collect();
        entries.sort_by(|a, b| {
            (a.fact_id.is_none(), &a.fact_type, a.doc_id).cmp(&(b.fact_id.is_none(), &b.fact_type, b.doc_id))
        });
        for e in entries {
            let key = e.key();
            self.writer.delete_term(Term::from_field_text(f.key, &key));
            let mut d = doc!(
                f.key => key,
                f.doc_id => e.doc_id,
                f.fact_type => e.fact_type,
                f.title => e.title,
                f.body => e.body,
                f.source => e.source,
                f.evidence => e.evidence,
            );
            if let Some(id) = e.fact_id {
                d.add_u64(f.fact_id, id);
            }
            if let Some(y) = e.year {
                d.add_i64(f.year, y);
            }
            for k in &e.kinds {
                d.add_text(f.kinds, k);
            }
            for p in &e.places {
                d.add_text(f.places, p);
            }
            self.writer.add_document(d).map_err(|e| self.err(e))?;
        }
        Ok(())
    }

    pub fn commit(&mut self) -> Result<()> {
        self.writer.commit().map(|_| ()).map_err(|e| self.err(e))
    }

    /// Wait for merges to finish and release the index.
    pub fn finish(self) -> Result<()> {
        let dir = self.dir.clone();
        self.writer.wait_merging_threads().map_err(|source| index_error(&dir, source))
    }

    /// [`IndexWriter::finish`], then merge segments when they call for it ([`to_merge`]):
    /// searches then walk few posting lists, without dead entries (measured: +45% search
    /// throughput after a 5,000-document ingest), and a run that adds a little to a large index
    /// merges what it added, not the whole index. The merge starts once the background merges
    /// are over (merging segments that one of them has just replaced fails), from a writer of
    /// its own that starts no other; if another process has taken the index in between, it is
    /// left as it is. Returns whether it merged.
    ///
    /// The files of the segments merged away are then deleted (tantivy does so only at a
    /// commit, and none follows): left, they doubled the index on disk until the next run
    /// (1,000,000 documents: 1.22 GB where 0.58 GB was in use). Files a search of this process
    /// still reads are kept.
    pub fn finish_compacted(self) -> Result<bool> {
        let (index, dir) = (self.writer.index().clone(), self.dir.clone());
        let err = |source| index_error(&dir, source);
        self.writer.wait_merging_threads().map_err(err)?;
        let ids: Vec<tantivy::SegmentId> = {
            // (a segment's files stay while any of its metas lives: these go before collecting)
            let metas = index.searchable_segment_metas().map_err(err)?;
            let sizes: Vec<(u64, u64)> =
                metas.iter().map(|m| (u64::from(m.max_doc()), u64::from(m.num_deleted_docs()))).collect();
            to_merge(&sizes).into_iter().map(|i| metas[i].id()).collect()
        };
        let mut writer: tantivy::IndexWriter = match index.writer(WRITER_MEMORY) {
            Ok(w) => w,
            Err(tantivy::TantivyError::LockFailure(..)) => return Ok(false),
            Err(e) => return Err(err(e)),
        };
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        if !ids.is_empty() {
            writer.merge(&ids).wait().map_err(err)?;
        }
        writer.garbage_collect_files().wait().map_err(err)?;
        writer.wait_merging_threads().map_err(err)?;
        Ok(!ids.is_empty())
    }
}

/// Which segments (entries, deleted entries) to merge into one, by position. Nothing while
/// there are at most four and at most a fifth of the entries are dead. When one segment holds
/// most of the index (what earlier runs built), the others, unless it is itself a fifth dead:
/// rewriting a million entries for the thousand a run added is what made a small ingest into a
/// large store slow. Otherwise (a bulk run built most of it) all of them.
fn to_merge(sizes: &[(u64, u64)]) -> Vec<usize> {
    let total: u64 = sizes.iter().map(|s| s.0).sum();
    let dead: u64 = sizes.iter().map(|s| s.1).sum();
    if sizes.len() < 2 || (sizes.len() <= 4 && dead * 5 <= total) {
        return Vec::new();
    }
    let all: Vec<usize> = (0..sizes.len()).collect();
    let Some(largest) = (0..sizes.len()).max_by_key(|&i| sizes[i].0) else { return Vec::new() };
    let (big, big_dead) = sizes[largest];
    if big * 2 <= total || big_dead * 5 > big {
        return all;
    }
    let rest: Vec<usize> = all.into_iter().filter(|&i| i != largest).collect();
    let rest_total: u64 = rest.iter().map(|&i| sizes[i].0).sum();
    let rest_dead: u64 = rest.iter().map(|&i| sizes[i].1).sum();
    if rest.len() > 3 || (rest.len() >= 2 && rest_dead * 5 > rest_total) {
        rest
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeSet, HashMap};

    fn entry(doc: u64, title: &str, body: &str, places: &[&str], year: i64, kind: &str) -> Entry {
        Entry {
            doc_id: doc,
            fact_type: "document".into(),
            fact_id: None,
            kinds: vec!["document".into(), kind.into()],
            title: title.into(),
            body: body.into(),
            evidence: String::new(),
            places: places.iter().map(|s| s.to_string()).collect(),
            year: Some(year),
            source: format!("doc{doc}.txt"),
        }
    }

    /// The two documents of [`index`]: their entries, and their texts as a store gives them.
    fn two() -> (Vec<Entry>, HashMap<u64, String>) {
        let entries = vec![
            entry(1, "Hồi hương hài cốt", "Lễ tiễn đưa hài cốt liệt sĩ về nước.", &["VN-28", "VN"], 2023, "x"),
            entry(2, "Hội nghị", "Hai bên thống nhất hoà bình và hợp tác.", &["LA-XE", "LA"], 2021, "y"),
        ];
        let texts = entries.iter().map(|e| (e.doc_id, e.body.clone())).collect();
        (entries, texts)
    }

    fn index() -> (tempfile::TempDir, SearchIndex) {
        let dir = tempfile::tempdir().unwrap();
        let ix = SearchIndex::open_or_create(&dir.path().join("ix")).unwrap();
        let mut w = ix.writer().unwrap();
        for e in two().0 {
            w.upsert([e]).unwrap();
        }
        w.commit().unwrap();
        ix.reload().unwrap();
        (dir, ix)
    }

    /// Texts that a search must not ask for.
    struct Unasked;

    impl Bodies for Unasked {
        fn bodies(&self, ids: &[u64]) -> std::result::Result<HashMap<u64, String>, String> {
            panic!("asked for the texts of {ids:?}")
        }
    }

    /// Records which texts a search asked for.
    #[derive(Default)]
    struct Asked(std::cell::RefCell<Vec<Vec<u64>>>, HashMap<u64, String>);

    impl Bodies for Asked {
        fn bodies(&self, ids: &[u64]) -> std::result::Result<HashMap<u64, String>, String> {
            self.0.borrow_mut().push(ids.to_vec());
            self.1.bodies(ids)
        }
    }

    #[test]
    fn a_document_s_text_is_indexed_not_kept_and_its_passage_is_cut_from_the_store_s() {
        let (_d, ix) = index();
        let (_, texts) = two();
        // Not in the index: the text of a document stored nowhere else has no passage.
        let r = ix.search(&q("hai cot"), &NoBodies).unwrap();
        assert_eq!((r.total, r.hits[0].doc_id, r.hits[0].snippet.as_str()), (1, 1, ""));
        let searcher = ix.reader.searcher();
        let kept: TantivyDocument = searcher.doc(tantivy::DocAddress::new(0, 0)).unwrap();
        assert!(kept.get_first(ix.fields.body).is_none(), "the text is not kept");
        assert!(kept.get_first(ix.fields.title).is_some(), "the title is");
        // From the store: asked once, for the documents among the hits that get a passage.
        let asked = Asked(Default::default(), texts);
        let r = ix.search(&q("hai OR hoa"), &asked).unwrap();
        assert_eq!(r.total, 2);
        assert_eq!(asked.0.borrow().len(), 1, "one question for all the hits");
        let mut ids = asked.0.borrow()[0].clone();
        ids.sort();
        assert_eq!(ids, [1, 2]);
        for h in &r.hits {
            let marked: Vec<&str> = h.highlights.iter().map(|&(a, b)| &h.snippet[a..b]).collect();
            assert!(!marked.is_empty() && marked.iter().all(|m| ["hài", "Hai", "hoà"].contains(m)), "{marked:?}");
        }
        // Hits without a passage ask for nothing.
        let mut facets = q("hai OR hoa");
        facets.snippets = Some(0);
        assert_eq!(ix.search(&facets, &Unasked).unwrap().total, 2);
        // A title-only match shows the start of the text; a store that cannot answer is an error.
        let r = ix.search(&q("hoi nghi"), &asked).unwrap();
        assert!(r.hits[0].snippet.starts_with("Hai bên thống nhất"), "{:?}", r.hits[0].snippet);
        struct Broken;
        impl Bodies for Broken {
            fn bodies(&self, _: &[u64]) -> std::result::Result<HashMap<u64, String>, String> {
                Err("the store is gone".into())
            }
        }
        let err = ix.search(&q("hai cot"), &Broken).unwrap_err();
        assert!(err.to_string().contains("the store is gone"), "{err}");
        // A fact shows its sentence and asks for no text.
        let mut w = ix.writer().unwrap();
        w.upsert([Entry {
            fact_type: "event".into(),
            fact_id: Some(3),
            kinds: vec!["event".into()],
            title: "hội đàm".into(),
            body: String::new(),
            evidence: "Hai bên hội đàm tại Sê Kông.".into(),
            ..entry(2, "", "", &["LA-XE"], 2021, "event")
        }])
        .unwrap();
        w.commit().unwrap();
        ix.reload().unwrap();
        let r = ix.search(&q("hoi dam"), &Unasked).unwrap();
        assert_eq!((r.total, r.hits[0].snippet.as_str()), (1, "Hai bên hội đàm tại Sê Kông."));
    }

    #[test]
    fn an_index_made_when_texts_were_kept_still_cuts_passages_from_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ix");
        std::fs::create_dir_all(&path).unwrap();
        Index::create_in_dir(&path, schema_keeping_bodies(true).0).unwrap();
        let ix = SearchIndex::open_or_create(&path).unwrap();
        let mut w = ix.writer().unwrap();
        for e in two().0 {
            w.upsert([e]).unwrap();
        }
        w.commit().unwrap();
        ix.reload().unwrap();
        let r = ix.search(&q("hai cot"), &Unasked).unwrap();
        let h = &r.hits[0];
        assert_eq!(&h.snippet[h.highlights[0].0..h.highlights[0].1], "hài");
    }

    fn q(text: &str) -> SearchQuery {
        SearchQuery { text: text.into(), limit: 10, ..Default::default() }
    }

    #[test]
    fn compaction_merges_segments_and_drops_replaced_entries() {
        let (_d, ix) = index();
        assert!(!ix.writer().unwrap().finish_compacted().unwrap(), "one segment: nothing to do");
        let mut w = ix.writer().unwrap();
        w.writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        // Six more commits, each adding a document and replacing document 1's entry: seven
        // segments, and dead copies of document 1 in them.
        for i in 0..6u64 {
            w.upsert([
                entry(10 + i, "Hội đàm", "Hai bên hội đàm.", &["LA-XE"], 2022, "y"),
                entry(1, "Hồi hương hài cốt", &format!("Lần {i}: hài cốt liệt sĩ."), &["VN-28"], 2023, "x"),
            ])
            .unwrap();
            w.commit().unwrap();
        }
        ix.reload().unwrap();
        assert!(ix.index.searchable_segment_metas().unwrap().len() > 4);
        let texts: HashMap<u64, String> = [(1, "Lần 5: hài cốt liệt sĩ.".to_string())].into();
        let before = ix.search(&q("hai cot"), &texts).unwrap();
        assert!(w.finish_compacted().unwrap());
        ix.reload().unwrap();
        let metas = ix.index.searchable_segment_metas().unwrap();
        assert_eq!(metas.len(), 1);
        assert_eq!(metas[0].num_deleted_docs(), 0);
        let after = ix.search(&q("hai cot"), &texts).unwrap();
        assert_eq!((after.total, before.total), (1, 1));
        assert_eq!(after.hits[0].snippet, before.hits[0].snippet);
        assert!(after.hits[0].snippet.starts_with("Lần 5"));
        assert_eq!(ix.search(&q("hoi dam"), &NoBodies).unwrap().total, 6);
    }

    /// The segments whose files are in `dir`, and those its meta.json lists.
    fn segment_files(dir: &Path) -> (BTreeSet<String>, BTreeSet<String>) {
        let index = Index::open_in_dir(dir).unwrap();
        let listed: BTreeSet<String> =
            index.searchable_segment_metas().unwrap().iter().map(|m| m.id().uuid_string()).collect();
        let on_disk = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter_map(|name| Some(name.split_once('.')?.0.to_string()))
            .filter(|stem| stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit()))
            .collect();
        (on_disk, listed)
    }

    #[test]
    fn a_compaction_leaves_no_files_of_the_segments_it_merged_away() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ix");
        let ix = SearchIndex::open_or_create(&path).unwrap();
        let mut w = ix.writer().unwrap();
        w.writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        for i in 0..6u64 {
            w.upsert([entry(i, "Hội đàm", "Hai bên hội đàm.", &["LA-XE"], 2022, "y")]).unwrap();
            w.commit().unwrap();
        }
        let (on_disk, listed) = segment_files(&path);
        assert_eq!((on_disk.len(), listed.len()), (6, 6));
        assert!(w.finish_compacted().unwrap());
        let (on_disk, listed) = segment_files(&path);
        assert_eq!(listed.len(), 1);
        assert_eq!(on_disk, listed, "only the merged segment's files are left");
        ix.reload().unwrap();
        assert_eq!(ix.search(&q("hoi dam"), &NoBodies).unwrap().total, 6);
    }

    #[test]
    fn segments_are_merged_when_they_call_for_it() {
        // Few and clean: nothing. Many after a bulk run: all of them.
        assert!(to_merge(&[(100, 0)]).is_empty());
        assert!(to_merge(&[(100, 0), (90, 0), (80, 0), (70, 0)]).is_empty());
        assert_eq!(to_merge(&[(100, 0), (90, 0), (80, 0), (70, 0), (10, 0)]), vec![0, 1, 2, 3, 4]);
        // Many dead entries: all of them, even two segments.
        assert_eq!(to_merge(&[(100, 30), (20, 0)]), vec![0, 1]);
        // A large index and what a few runs added: those, not the large segment.
        assert_eq!(to_merge(&[(1000, 5), (10, 0), (8, 0), (9, 0), (7, 0)]), vec![1, 2, 3, 4]);
        assert!(to_merge(&[(1000, 5), (10, 0), (8, 0)]).is_empty());
        // ... unless a fifth of the large one is dead.
        assert_eq!(to_merge(&[(1000, 300), (10, 0), (8, 0), (9, 0), (7, 0)]), vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn compaction_waits_for_the_merges_under_way() {
        // Many small commits under the default merge policy: background merges start while
        // the run goes on, and may still be running when it ends (at a million documents one
        // finished in the middle of the compaction, which then failed).
        let (_d, ix) = index();
        let mut w = ix.writer().unwrap();
        for i in 0..40u64 {
            w.upsert([entry(100 + i, "Hội đàm", &format!("Lần {i}: hai bên hội đàm."), &["LA-XE"], 2022, "y")])
                .unwrap();
            w.commit().unwrap();
        }
        assert!(w.finish_compacted().unwrap());
        ix.reload().unwrap();
        // The merges done in the background, then the rest merged.
        assert!(ix.index.searchable_segment_metas().unwrap().len() <= 2);
        assert_eq!(ix.search(&q("hoi dam"), &NoBodies).unwrap().total, 40);
    }

    #[test]
    fn deep_or_long_queries_are_refused_before_parsing() {
        let (_d, ix) = index();
        // Nested far past any real use, as a probe sent it: refused, not a stack overflow.
        for depth in [9, 1_000, 100_000] {
            let text = format!("{}hai{}", "(".repeat(depth), ")".repeat(depth));
            let query = if depth > MAX_QUERY_CHARS / 2 { text.replace(')', "") } else { text };
            assert!(matches!(ix.search(&q(&query), &NoBodies), Err(SearchError::Query(_))), "depth {depth}");
        }
        let open_only = "(".repeat(50_000);
        assert!(matches!(ix.search(&q(&open_only), &NoBodies), Err(SearchError::Query(_))));
        assert!(matches!(ix.search(&q(&"hai ".repeat(400)), &NoBodies), Err(SearchError::Query(_))));
        // The place-free rest of a query is bounded too.
        let mut nested_rest = q("Sekong");
        nested_rest.text_places = vec![vec!["LA-XE".into()]];
        nested_rest.text_rest = "[".repeat(20);
        assert!(matches!(ix.search(&nested_rest, &NoBodies), Err(SearchError::Query(_))));
        // A field group with a boost sign made the query parser loop, allocating without end.
        for text in ["a:(^", "a:(b ^", "title:(hội nghị^2", "ດH5:(Ro^Im"] {
            let _ = ix.search(&q(text), &NoBodies);
        }
        // What people write still works, brackets included.
        let fine = format!("{}hai cot{}", "(".repeat(MAX_QUERY_NESTING), ")".repeat(MAX_QUERY_NESTING));
        assert_eq!(ix.search(&q(&fine), &NoBodies).unwrap().total, 1);
        assert_eq!(ix.search(&q("(hai OR hoa) AND cot"), &NoBodies).unwrap().total, 1);
    }

    #[test]
    fn a_search_past_its_deadline_stops() {
        let (_d, ix) = index();
        let mut w = ix.writer().unwrap();
        let many: Vec<Entry> =
            (10..9_000).map(|i| entry(i, "Hội nghị", "Hai bên hội đàm và hợp tác.", &["LA-XE"], 2022, "y")).collect();
        w.upsert(many).unwrap();
        w.commit().unwrap();
        ix.reload().unwrap();
        assert_eq!(ix.search(&q("hop tac"), &NoBodies).unwrap().total, 8_991);
        let mut late = q("hop tac");
        late.deadline = Some(std::time::Duration::ZERO);
        assert!(matches!(ix.search(&late, &NoBodies), Err(SearchError::TimedOut(_))));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]
        /// Any text as a query: an answer or a refusal, never a panic, and soon.
        #[test]
        fn arbitrary_queries_never_panic(text in "[()\\[\\]{}\"+\\-:*~^ a-zA-Zàồ0-9ອັດ]{0,1200}") {
            let (_d, ix) = index();
            let t = std::time::Instant::now();
            let _ = ix.search(&q(&text), &NoBodies);
            proptest::prop_assert!(t.elapsed() < std::time::Duration::from_secs(2), "{:?} for {text:?}", t.elapsed());
        }
    }

    #[test]
    fn diacritics_and_tone_placement_do_not_matter() {
        let (_d, ix) = index();
        let r = ix.search(&q("hai cot"), &two().1).unwrap();
        assert_eq!(r.total, 1);
        let h = &r.hits[0];
        assert_eq!(h.doc_id, 1);
        let (a, b) = h.highlights[0];
        assert_eq!(&h.snippet[a..b], "hài");
        assert_eq!(ix.search(&q("hòa bình"), &NoBodies).unwrap().total, 1, "hòa finds hoà");
        assert_eq!(ix.search(&q("HOA BINH"), &NoBodies).unwrap().total, 1);
        assert_eq!(ix.search(&q("hài cốt hòa"), &NoBodies).unwrap().total, 0, "all words must match");
    }

    #[test]
    fn facts_are_found_by_their_description_and_show_their_sentence() {
        let (_d, ix) = index();
        let mut w = ix.writer().unwrap();
        let fact = Entry {
            fact_type: "figure".into(),
            fact_id: Some(7),
            kinds: vec!["figure".into(), "result".into()],
            title: "result: 129 sets of remains (129 hài cốt)".into(),
            body: String::new(),
            evidence: "Hai bên đã quy tập được 129 hài cốt liệt sĩ.".into(),
            ..entry(3, "", "", &["VN-28"], 2023, "figure")
        };
        w.upsert([fact]).unwrap();
        w.commit().unwrap();
        ix.reload().unwrap();
        let mut q = q("hai cot");
        q.kinds = vec!["result".into()];
        let r = ix.search(&q, &NoBodies).unwrap();
        assert_eq!((r.total, r.hits[0].fact_id), (1, Some(7)));
        let h = &r.hits[0];
        assert!(h.snippet.starts_with("Hai bên"));
        let marked: Vec<&str> = h.highlights.iter().map(|&(a, b)| &h.snippet[a..b]).collect();
        assert_eq!(marked, ["Hai", "hài", "cốt"], "every query word is marked, 'Hai' folds to 'hai' too");
    }

    #[test]
    fn filters_and_replacement() {
        let (_d, ix) = index();
        let mut query = q("hai cot OR hoa");
        assert_eq!(ix.search(&query, &NoBodies).unwrap().total, 2);
        query.places = vec!["LA".into()];
        assert_eq!(ix.search(&query, &NoBodies).unwrap().hits[0].doc_id, 2);
        query.places.clear();
        query.years = Some((2022, 2024));
        assert_eq!(ix.search(&query, &NoBodies).unwrap().total, 1);
        query.years = None;
        query.kinds = vec!["y".into()];
        assert_eq!(ix.search(&query, &NoBodies).unwrap().hits[0].doc_id, 2);
        // Re-indexing a document replaces its entries.
        let mut w = ix.writer().unwrap();
        w.upsert([entry(1, "Khác", "Nội dung khác", &[], 2023, "x")]).unwrap();
        w.commit().unwrap();
        ix.reload().unwrap();
        assert_eq!(ix.num_entries(), 2);
        assert_eq!(ix.search(&q("hai cot"), &NoBodies).unwrap().total, 0);
        assert!(ix.search(&q("\"unbalanced"), &NoBodies).is_ok(), "bad syntax is read leniently");
    }

    /// A small generator for the pruning tests (xorshift; proptest gives the seed).
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
        /// Skewed to the first: some words common, some rare.
        fn word(&mut self) -> &'static str {
            const WORDS: [&str; 10] = ["hai", "cot", "ban", "ghi", "nho", "hop", "tac", "hoi", "nghi", "bien"];
            let (a, b) = (self.below(WORDS.len()), self.below(WORDS.len()));
            WORDS[a.min(b)]
        }
        fn words(&mut self, n: usize) -> String {
            (0..n).map(|_| self.word()).collect::<Vec<_>>().join(" ")
        }
    }

    /// An index of documents and short fact entries in one segment (a segment's block maxima
    /// are exact bounds), as an ingest interleaves them.
    fn random_index(rng: &mut Rng, n: usize) -> (tempfile::TempDir, SearchIndex) {
        let dir = tempfile::tempdir().unwrap();
        let ix = SearchIndex::open_or_create(&dir.path().join("ix")).unwrap();
        let mut w = ix.writer().unwrap();
        let places = ["VN-28", "LA-XE", "LA-AT"];
        let entries: Vec<Entry> = (0..n as u64)
            .map(|i| {
                let fact = rng.below(3) > 0;
                let title_len = 1 + rng.below(if fact { 4 } else { 8 });
                let title = rng.words(title_len);
                let body = if fact {
                    String::new()
                } else {
                    let len = rng.below(60);
                    format!("{title} {}", rng.words(len))
                };
                let mut e = entry(i, &title, &body, &[places[rng.below(3)]], 2015 + rng.below(10) as i64, "x");
                if fact {
                    e.fact_type = "event".into();
                    e.fact_id = Some(i);
                    e.kinds = vec!["event".into(), ["conference", "visit"][rng.below(2)].into()];
                }
                e
            })
            .collect();
        w.upsert(entries).unwrap();
        w.commit().unwrap();
        ix.reload().unwrap();
        assert_eq!(ix.reader.searcher().segment_readers().len(), 1);
        (dir, ix)
    }

    fn random_query(rng: &mut Rng) -> SearchQuery {
        let len = 1 + rng.below(3);
        let mut text = rng.words(len);
        match rng.below(6) {
            0 | 1 => text = format!("\"{text}\""),
            2 => text = format!("{text} OR {}", rng.word()),
            3 => text = format!("{text} -{}", rng.word()),
            _ => {}
        }
        let mut q = SearchQuery { text, limit: 1 + rng.below(12), count_up_to: Some(0), ..Default::default() };
        if rng.below(4) == 0 {
            // a place named in the query: matched by id too
            q.text_places = vec![vec![["VN-28", "LA-XE", "LA-AT"][rng.below(3)].into()]];
            q.text_rest = rng.word().into();
        }
        match rng.below(5) {
            0 => q.places = vec!["LA-XE".into(), "LA-AT".into()],
            1 => q.kinds = vec!["conference".into()],
            2 => q.years = Some((2017, 2019)),
            _ => {}
        }
        q
    }

    /// What tantivy's exhaustive `TopDocs` and `Count` find for the query `search` runs.
    fn exhaustive(ix: &SearchIndex, q: &SearchQuery) -> (Vec<(f32, tantivy::DocAddress)>, usize) {
        let searcher = ix.reader.searcher();
        let planned = ix.query(q, &searcher).unwrap();
        searcher.search(&planned.query, &(tantivy::collector::TopDocs::with_limit(q.limit), Count)).unwrap()
    }

    fn pruned(ix: &SearchIndex, q: &SearchQuery) -> prune::Found {
        let searcher = ix.reader.searcher();
        let planned = ix.query(q, &searcher).unwrap();
        ix.find(&searcher, &planned.query, planned.plan, q).unwrap()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 24, ..Default::default() })]
        /// Skipping what cannot enter the hits finds the hits exhaustive scoring finds (same
        /// scores, same order, ties by address), and counts no more than match (all of them
        /// when it says so).
        #[test]
        fn pruned_hits_are_the_exhaustive_hits(seed in 1u64.., n in 300usize..3000) {
            let mut rng = Rng(seed);
            let (_d, ix) = random_index(&mut rng, n);
            for _ in 0..12 {
                let q = random_query(&mut rng);
                let (hits, count) = exhaustive(&ix, &q);
                let found = pruned(&ix, &q);
                proptest::prop_assert_eq!(&found.hits, &hits, "{:?}", q);
                proptest::prop_assert!(found.count <= count, "{:?}", q);
                if found.exact {
                    proptest::prop_assert_eq!(found.count, count, "{:?}", q);
                }
            }
        }
    }

    #[test]
    fn a_common_query_skips_what_cannot_enter_the_hits_and_says_its_total_is_a_bound() {
        let mut rng = Rng(7);
        let (_d, ix) = random_index(&mut rng, 20_000);
        let mut skipped = 0;
        for text in ["hai", "hai cot", "\"ban ghi\"", "hop tac"] {
            let mut q = SearchQuery { text: text.into(), limit: 10, count_up_to: Some(100), ..Default::default() };
            let bounded = ix.search(&q, &NoBodies).unwrap();
            let (hits, count) = exhaustive(&ix, &q);
            q.count_up_to = Some(usize::MAX);
            let every = ix.search(&q, &NoBodies).unwrap();
            assert!(every.total_exact);
            assert_eq!(every.total, count, "{text}: counting every match counts what tantivy counts");
            assert_eq!(bounded.hits, every.hits, "{text}");
            let scores: Vec<f32> = hits.iter().map(|h| h.0).collect();
            assert_eq!(bounded.hits.iter().map(|h| h.score).collect::<Vec<_>>(), scores, "{text}");
            assert!(bounded.total >= 100 && bounded.total <= count, "{text}: {} of {count}", bounded.total);
            skipped += usize::from(!bounded.total_exact);
        }
        assert!(skipped >= 2, "common words skip windows: {skipped} of 4 did");
        // Under the exact count, nothing is skipped.
        let small =
            ix.search(&SearchQuery { text: "bien hai".into(), limit: 10, ..Default::default() }, &NoBodies).unwrap();
        assert!(small.total_exact && small.total < COUNTED_EXACTLY);
    }
}
