//! A search that stops at its deadline. Tantivy runs a query to its end however long that takes
//! (a damaged index once made one spin for ten minutes); this collector walks each segment's
//! matches itself, as tantivy's own loop does, and looks at the clock every 4,096 documents.

use std::time::Instant;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::Weight;
use tantivy::{DocSet, SegmentOrdinal, SegmentReader, TantivyError, TERMINATED};

/// What a search stopped at its deadline reports (recognised by [`is_deadline`]).
const DEADLINE: &str = "hoptac: search deadline reached";

pub(crate) fn is_deadline(e: &TantivyError) -> bool {
    matches!(e, TantivyError::InternalError(m) if m == DEADLINE)
}

/// `inner`, stopped with an error once `deadline` has passed.
pub(crate) struct Deadline<C> {
    pub inner: C,
    pub deadline: Instant,
}

impl<C: Collector> Collector for Deadline<C> {
    type Fruit = C::Fruit;
    type Child = C::Child;

    fn for_segment(&self, ord: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<C::Child> {
        self.inner.for_segment(ord, segment)
    }

    fn requires_scoring(&self) -> bool {
        self.inner.requires_scoring()
    }

    fn merge_fruits(&self, fruits: Vec<<C::Child as SegmentCollector>::Fruit>) -> tantivy::Result<C::Fruit> {
        self.inner.merge_fruits(fruits)
    }

    fn collect_segment(
        &self,
        weight: &dyn Weight,
        ord: u32,
        reader: &SegmentReader,
    ) -> tantivy::Result<<C::Child as SegmentCollector>::Fruit> {
        let mut child = self.inner.for_segment(ord, reader)?;
        let scoring = self.inner.requires_scoring();
        let alive = reader.alive_bitset();
        let mut scorer = weight.scorer(reader, 1.0)?;
        let mut doc = scorer.doc();
        let mut seen = 0u32;
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                child.collect(doc, if scoring { scorer.score() } else { 0.0 });
            }
            seen = seen.wrapping_add(1);
            if seen.is_multiple_of(4096) && Instant::now() > self.deadline {
                return Err(TantivyError::InternalError(DEADLINE.to_string()));
            }
            doc = scorer.advance();
        }
        Ok(child.harvest())
    }
}
