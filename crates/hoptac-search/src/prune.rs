//! The best hits of a query without scoring every match.
//!
//! A query that matches half the index ("bản ghi nhớ" over a million entries) cost its whole
//! posting lists: tantivy scores and counts every match to find the ten best. This collector
//! walks a segment in windows of doc ids and, once it has counted [`SearchQuery::count_up_to`]
//! matches and holds a full list of hits, first asks what the best score in the next window could
//! be — from the maxima BM25 gives each block of 128 postings, which tantivy keeps in its skip
//! lists (block-max pruning, as Lucene and tantivy's own unions of terms do). A window that
//! cannot beat the last of the hits is not read. The hits are those of exhaustive scoring (same
//! scores, ties broken by ascending address as `TopDocs` does); the count is then a lower bound,
//! said so by [`Found::exact`].
//!
//! Bounds come from the query's structure ([`Plan`]): a term's block maxima, a phrase's through
//! its rarest-scoring term (a phrase occurs no more often than any of its words, and BM25 grows
//! with the frequency), sums over boolean clauses, a constant for range filters. A query of a
//! kind the plan does not know is bounded by infinity: never pruned, still exact.
//!
//! A window mixing short fact entries (title only) with documents (title and body) is bounded by
//! the best title plus the best body although no entry has both; the index writer therefore adds
//! a batch's facts before its documents ([`crate::IndexWriter::upsert`]), so that most windows
//! hold one or the other.
//!
//! Within one segment the block maxima are exact. Across segments they are as exact as tantivy's
//! own block-WAND: each block's maximum was chosen with its segment's average length.
//!
//! [`SearchQuery::count_up_to`]: crate::SearchQuery::count_up_to

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::time::Instant;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::BlockSegmentPostings;
use tantivy::query::{Bm25Weight, BooleanQuery, EmptyQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentOrdinal, SegmentReader, Term, TERMINATED};

use crate::deadline::{deadline_error, CHECK_EVERY};

/// Doc ids per window: a bound is asked for each window once pruning starts.
const WINDOW: DocId = 512;

/// A bound is computed as tantivy computes the score it bounds — the same products, sums of two
/// in either order — so that a window whose best equals the last hit's score (a tie, which the
/// later address loses) is skipped. Where the arithmetic differs (a phrase's scaled bound, a sum
/// of three or more in tantivy's own order) the bound is raised by this many ulps per term.
const ULPS: Score = 4.0 * Score::EPSILON;

/// What a query can score, by the structure of the query.
#[derive(Clone)]
pub(crate) enum Plan {
    /// A term: its block maxima times `scale` when its field keeps frequencies; otherwise (place
    /// ids, kinds) tantivy scores it as occurring once, and the shortest field scores best.
    Term { term: Term, weight: Box<Bm25Weight>, scale: Score, block_max: bool },
    /// Every term must occur; the score is at most the least of their scaled bounds.
    Phrase(Vec<Plan>),
    /// Every `must` matches (at least one `should` when there is no `must`); the score is the sum.
    Bool { must: Vec<Plan>, should: Vec<Plan> },
    /// May match anywhere, scoring at most this (infinity: not known).
    Const(Score),
    /// Matches nothing.
    Nothing,
}

impl Plan {
    /// Anything, scored anyhow: never pruned.
    pub(crate) const UNKNOWN: Plan = Plan::Const(Score::INFINITY);

    /// The plan of `query` as tantivy scores it with `boost`.
    pub(crate) fn of(query: &dyn Query, boost: Score, searcher: &Searcher) -> tantivy::Result<Plan> {
        if let Some(q) = query.downcast_ref::<TermQuery>() {
            return Plan::term(q.term(), boost, searcher);
        }
        if let Some(q) = query.downcast_ref::<PhraseQuery>() {
            // A sloppy phrase may count a word more than once; tantivy keeps the slop private but
            // shows it.
            if !format!("{q:?}").ends_with("slop: 0 }") {
                return Ok(Plan::UNKNOWN);
            }
            let terms = q.phrase_terms();
            let phrase = Bm25Weight::for_terms(searcher, &terms)?.max_score();
            let mut each = Vec::with_capacity(terms.len());
            for t in &terms {
                let term = Bm25Weight::for_terms(searcher, std::slice::from_ref(t))?.max_score();
                let ratio = if term > 0.0 { phrase / term } else { Score::INFINITY };
                each.push(Plan::term(t, boost * ratio, searcher)?);
            }
            return Ok(Plan::Phrase(each));
        }
        if let Some(q) = query.downcast_ref::<BooleanQuery>() {
            let (mut must, mut should) = (Vec::new(), Vec::new());
            for (occur, sub) in q.clauses() {
                match occur {
                    Occur::Must => must.push(Plan::of(sub.as_ref(), boost, searcher)?),
                    Occur::Should => should.push(Plan::of(sub.as_ref(), boost, searcher)?),
                    Occur::MustNot => {}
                }
            }
            if must.is_empty() && should.is_empty() {
                return Ok(Plan::UNKNOWN);
            }
            return Ok(Plan::Bool { must, should });
        }
        if query.downcast_ref::<EmptyQuery>().is_some() {
            return Ok(Plan::Nothing);
        }
        if query.downcast_ref::<RangeQuery>().is_some() {
            // tantivy scores a range match with the boost alone
            return Ok(Plan::Const(boost));
        }
        Ok(Plan::UNKNOWN)
    }

    fn term(term: &Term, scale: Score, searcher: &Searcher) -> tantivy::Result<Plan> {
        let weight = Bm25Weight::for_terms(searcher, std::slice::from_ref(term))?;
        let block_max = searcher
            .schema()
            .get_field_entry(term.field())
            .field_type()
            .get_index_record_option()
            .is_some_and(IndexRecordOption::has_freq);
        Ok(Plan::Term { term: term.clone(), weight: Box::new(weight), scale, block_max })
    }

    /// The plan's cursors over one segment.
    fn open(&self, reader: &SegmentReader) -> tantivy::Result<Bound> {
        let kind = match self {
            Plan::Term { term, weight, scale, block_max } => {
                let option = if *block_max { IndexRecordOption::WithFreqs } else { IndexRecordOption::Basic };
                let index = reader.inverted_index(term.field())?;
                match (index.read_block_postings(term, option)?, index.read_block_postings(term, option)?) {
                    (Some(scout), Some(read)) if scout.doc_freq() > 0 => {
                        let norms = reader
                            .fieldnorms_readers()
                            .get_field(term.field())?
                            .unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1));
                        Kind::Term(Box::new(TermCursor {
                            scout,
                            read,
                            norms,
                            weight: (**weight).clone(),
                            scale: *scale,
                            block_max: *block_max,
                        }))
                    }
                    _ => Kind::Nothing,
                }
            }
            Plan::Phrase(terms) => Kind::Phrase(terms.iter().map(|t| t.open(reader)).collect::<tantivy::Result<_>>()?),
            Plan::Bool { must, should } => Kind::Bool {
                must: must.iter().map(|t| t.open(reader)).collect::<tantivy::Result<_>>()?,
                should: should.iter().map(|t| t.open(reader)).collect::<tantivy::Result<_>>()?,
                parts: vec![0; WINDOW as usize],
            },
            Plan::Const(c) => Kind::Const(*c),
            Plan::Nothing => Kind::Nothing,
        };
        Ok(Bound { kind, best: vec![0.0; WINDOW as usize], may: vec![false; WINDOW as usize] })
    }
}

/// A plan's cursors over one segment, asked for windows in increasing order.
struct Bound {
    kind: Kind,
    /// For each document of the window last given to [`Bound::docs`]: whether it may match, and
    /// the best score it can have.
    may: Vec<bool>,
    best: Vec<Score>,
}

enum Kind {
    Term(Box<TermCursor>),
    Phrase(Vec<Bound>),
    /// `parts`: how many non-zero scores each document's bound adds up.
    Bool {
        must: Vec<Bound>,
        should: Vec<Bound>,
        parts: Vec<u8>,
    },
    Const(Score),
    Nothing,
}

/// A term's postings, read twice: block by block for windows' bounds, document by document
/// (only the blocks of windows that bound could not skip) for documents' bounds.
struct TermCursor {
    scout: BlockSegmentPostings,
    read: BlockSegmentPostings,
    norms: FieldNormReader,
    weight: Bm25Weight,
    scale: Score,
    block_max: bool,
}

/// Calls `each` with every loaded block of `postings` holding documents in `a..b`, and the
/// index of the first of them; leaves `postings` on the block holding `b` or after it.
fn blocks(
    postings: &mut BlockSegmentPostings,
    a: DocId,
    b: DocId,
    mut each: impl FnMut(&mut BlockSegmentPostings, usize),
) {
    postings.seek(a);
    loop {
        let docs = postings.docs();
        let (Some(&first), Some(&last)) = (docs.first(), docs.last()) else { break };
        if first >= b {
            break;
        }
        let inside = docs.partition_point(|&d| d < a);
        if docs.get(inside).is_some_and(|&d| d < b) {
            each(postings, inside);
        }
        if last >= b {
            break;
        }
        postings.advance();
    }
}

impl Bound {
    /// The best score a document in `a..b` can have, `None` when none can match. Windows are
    /// asked in increasing order.
    fn window(&mut self, a: DocId, b: DocId) -> Option<Score> {
        match &mut self.kind {
            Kind::Term(t) => {
                let mut best: Option<Score> = None;
                let TermCursor { scout, norms, weight, block_max, .. } = &mut **t;
                blocks(scout, a, b, |p, _| {
                    let max = if *block_max { p.block_max_score(norms, weight) } else { weight.score(0, 1) };
                    best = Some(best.map_or(max, |m| m.max(max)));
                });
                best.map(|m| m * t.scale)
            }
            Kind::Phrase(terms) => {
                let mut least = Score::INFINITY;
                for t in terms {
                    least = least.min(t.window(a, b)?);
                }
                Some(least + least.abs() * ULPS)
            }
            Kind::Bool { must, should, .. } => {
                let (mut sum, mut parts): (Score, u8) = (0.0, 0);
                let mut add = |v: Score| {
                    sum += v;
                    parts = parts.saturating_add(u8::from(v != 0.0));
                };
                for m in must.iter_mut() {
                    add(m.window(a, b)?);
                }
                let mut any = false;
                for s in should.iter_mut() {
                    if let Some(v) = s.window(a, b) {
                        add(v);
                        any = true;
                    }
                }
                if parts > 2 {
                    // a sum of two is the same either way round; of more, not always
                    sum += sum.abs() * ULPS * Score::from(parts);
                }
                (any || !must.is_empty()).then_some(sum)
            }
            Kind::Const(c) => Some(*c),
            Kind::Nothing => None,
        }
    }

    /// Fill `may` and `best` for each document of `a..b` (windows in increasing order, each
    /// after its [`Bound::window`]).
    fn docs(&mut self, a: DocId, b: DocId) {
        let n = (b - a) as usize;
        let (may, best) = (&mut self.may[..n], &mut self.best[..n]);
        match &mut self.kind {
            Kind::Term(t) => {
                may.fill(false);
                best.fill(0.0);
                let TermCursor { read, norms, weight, scale, block_max, .. } = &mut **t;
                blocks(read, a, b, |p, inside| {
                    let (docs, freqs) = (p.docs(), p.freqs());
                    for (i, &d) in docs.iter().enumerate().skip(inside) {
                        if d >= b {
                            break;
                        }
                        // as tantivy's `TermScorer` scores it (a field without frequencies: once)
                        let tf = if *block_max { freqs.get(i).copied().unwrap_or(1) } else { 1 };
                        let s = weight.score(norms.fieldnorm_id(d), tf);
                        let at = (d - a) as usize;
                        may[at] = true;
                        best[at] = s * *scale;
                    }
                });
            }
            Kind::Phrase(terms) => {
                may.fill(true);
                best.fill(Score::INFINITY);
                for t in terms.iter_mut() {
                    t.docs(a, b);
                    for i in 0..n {
                        may[i] &= t.may[i];
                        best[i] = best[i].min(t.best[i]);
                    }
                }
                for s in best.iter_mut() {
                    *s += s.abs() * ULPS;
                }
            }
            Kind::Bool { must, should, parts } => {
                let parts = &mut parts[..n];
                parts.fill(0);
                best.fill(0.0);
                may.fill(!must.is_empty());
                for m in must.iter_mut() {
                    m.docs(a, b);
                    for i in 0..n {
                        may[i] &= m.may[i];
                        best[i] += m.best[i];
                        parts[i] = parts[i].saturating_add(u8::from(m.best[i] != 0.0));
                    }
                }
                let required = !must.is_empty();
                for s in should.iter_mut() {
                    s.docs(a, b);
                    for i in 0..n {
                        if s.may[i] {
                            may[i] |= !required;
                            best[i] += s.best[i];
                            parts[i] = parts[i].saturating_add(u8::from(s.best[i] != 0.0));
                        }
                    }
                }
                for i in 0..n {
                    if parts[i] > 2 {
                        best[i] += best[i].abs() * ULPS * Score::from(parts[i]);
                    }
                }
            }
            Kind::Const(c) => {
                may.fill(true);
                best.fill(*c);
            }
            Kind::Nothing => may.fill(false),
        }
    }
}

/// A hit ordered as `TopDocs` orders them: higher score first, then lower address.
#[derive(Debug, Clone, Copy)]
struct Ranked(Score, DocAddress);

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    /// Greater is better.
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.partial_cmp(&other.0).unwrap_or(Ordering::Equal).then_with(|| other.1.cmp(&self.1))
    }
}

/// The `limit` best hits seen: a heap whose top is the worst kept.
struct Best {
    limit: usize,
    heap: BinaryHeap<std::cmp::Reverse<Ranked>>,
}

impl Best {
    fn new(limit: usize) -> Self {
        Best { limit, heap: BinaryHeap::with_capacity(limit.min(1024) + 1) }
    }

    fn full(&self) -> bool {
        self.heap.len() >= self.limit
    }

    /// The score a hit must beat to be kept (hits come in increasing address, so a tie loses).
    fn threshold(&self) -> Score {
        if self.full() {
            self.heap.peek().map_or(Score::NEG_INFINITY, |r| r.0 .0)
        } else {
            Score::NEG_INFINITY
        }
    }

    fn push(&mut self, hit: Ranked) {
        if !self.full() {
            self.heap.push(std::cmp::Reverse(hit));
        } else if self.heap.peek().is_some_and(|worst| hit > worst.0) {
            self.heap.pop();
            self.heap.push(std::cmp::Reverse(hit));
        }
    }

    fn into_sorted(self) -> Vec<(Score, DocAddress)> {
        let mut v: Vec<Ranked> = self.heap.into_iter().map(|r| r.0).collect();
        v.sort_by(|a, b| b.cmp(a));
        v.into_iter().map(|r| (r.0, r.1)).collect()
    }
}

/// What a search found: the best hits and how many matched.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Found {
    pub hits: Vec<(Score, DocAddress)>,
    /// Matches counted.
    pub count: usize,
    /// Whether every match was counted (otherwise `count` is a lower bound).
    pub exact: bool,
}

/// The best `limit` hits of the weighed query planned as `plan`, counting matches exactly up to
/// `count_up_to`, stopped at `deadline`.
pub(crate) struct TopHits {
    pub plan: Plan,
    pub limit: usize,
    pub count_up_to: usize,
    pub deadline: Instant,
}

/// Unused: [`TopHits`] walks each segment itself.
pub(crate) struct NoChild;

impl SegmentCollector for NoChild {
    type Fruit = Found;
    fn collect(&mut self, _: DocId, _: Score) {}
    fn harvest(self) -> Found {
        Found::default()
    }
}

impl TopHits {
    /// Counts a step (a document, or a window passed over); every [`CHECK_EVERY`] steps, fails
    /// once the deadline has passed.
    fn tick(&self, seen: &mut u32) -> tantivy::Result<()> {
        *seen = seen.wrapping_add(1);
        if seen.is_multiple_of(CHECK_EVERY) && Instant::now() > self.deadline {
            return Err(deadline_error());
        }
        Ok(())
    }
}

impl Collector for TopHits {
    type Fruit = Found;
    type Child = NoChild;

    fn for_segment(&self, _: SegmentOrdinal, _: &SegmentReader) -> tantivy::Result<NoChild> {
        Ok(NoChild)
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Found>) -> tantivy::Result<Found> {
        let mut best = Best::new(self.limit);
        let (mut count, mut exact) = (0, true);
        for f in fruits {
            count += f.count;
            exact &= f.exact;
            for (score, addr) in f.hits {
                best.push(Ranked(score, addr));
            }
        }
        Ok(Found { hits: best.into_sorted(), count, exact })
    }

    fn collect_segment(&self, weight: &dyn Weight, ord: u32, reader: &SegmentReader) -> tantivy::Result<Found> {
        let mut best = Best::new(self.limit);
        let alive = reader.alive_bitset();
        let mut scorer = weight.scorer(reader, 1.0)?;
        let mut bound: Option<Bound> = None;
        let max_doc = reader.max_doc();
        let (mut count, mut exact, mut seen) = (0usize, true, 0u32);
        let mut doc = scorer.doc();
        let mut a: DocId = 0;
        while doc != TERMINATED && a < max_doc {
            if doc >= a.saturating_add(WINDOW) {
                // nothing matches before `doc`
                a = doc - doc % WINDOW;
            }
            let b = a.saturating_add(WINDOW).min(max_doc);
            if count >= self.count_up_to && best.full() {
                let bound = match &mut bound {
                    Some(b) => b,
                    None => bound.insert(self.plan.open(reader)?),
                };
                let beaten = match bound.window(a, b) {
                    None => true,
                    Some(max) => {
                        let beaten = max <= best.threshold();
                        exact &= !beaten;
                        beaten
                    }
                };
                self.tick(&mut seen)?;
                if beaten {
                    a = b;
                    continue;
                }
                // Only the documents that may beat the last hit are matched and scored.
                bound.docs(a, b);
                for (i, (&may, &max)) in bound.may.iter().zip(&bound.best).take((b - a) as usize).enumerate() {
                    if !may {
                        continue;
                    }
                    if max <= best.threshold() {
                        exact = false;
                        continue;
                    }
                    let d = a + i as DocId;
                    if doc < d {
                        doc = scorer.seek(d);
                    }
                    if doc == d && alive.is_none_or(|al| al.is_alive(doc)) {
                        count += 1;
                        let score = scorer.score();
                        best.push(Ranked(score, DocAddress::new(ord, doc)));
                    }
                }
                a = b;
                continue;
            }
            if doc < a {
                doc = scorer.seek(a);
            }
            while doc < b {
                if alive.is_none_or(|al| al.is_alive(doc)) {
                    count += 1;
                    best.push(Ranked(scorer.score(), DocAddress::new(ord, doc)));
                }
                self.tick(&mut seen)?;
                doc = scorer.advance();
            }
            a = b;
        }
        Ok(Found { hits: best.into_sorted(), count, exact })
    }
}
