//! Facet counts without reading the term dictionary on every query.
//!
//! tantivy's `FacetCollector` walks the facet dictionary of each segment to
//! find the requested facets and turns every counted ordinal back into a path
//! when it harvests: most of the cost of a faceted query on a large index.
//! Segments never change once written, so the ordinal → (kind, value) table
//! of each is read once and kept until the segment is merged away.

use crate::document::FacetKind;
use std::{
    collections::{BTreeMap, HashMap},
    sync::{Arc, Mutex, PoisonError},
};
use tantivy::{
    DocId, Score, SegmentOrdinal, SegmentReader,
    collector::{Collector, SegmentCollector},
    fastfield::FacetReader,
    index::SegmentId,
    schema::Facet,
};

/// Counts per facet kind, then per value.
pub type FacetCounts = BTreeMap<FacetKind, HashMap<String, u64>>;

/// What each facet ordinal of one segment stands for.
type OrdinalTable = Vec<Option<(FacetKind, String)>>;

/// The ordinal tables of the segments currently searched.
#[derive(Default)]
pub struct FacetTables {
    by_segment: Mutex<HashMap<SegmentId, Arc<OrdinalTable>>>,
}

impl FacetTables {
    fn table(
        &self,
        reader: &SegmentReader,
        facets: &FacetReader,
    ) -> tantivy::Result<Arc<OrdinalTable>> {
        let id = reader.segment_id();
        if let Some(table) = self.lock().get(&id) {
            return Ok(Arc::clone(table));
        }
        let mut facet = Facet::root();
        let mut table = Vec::with_capacity(facets.num_facets());
        for ordinal in 0..facets.num_facets() as u64 {
            facets.facet_from_ord(ordinal, &mut facet)?;
            let path = facet.to_path();
            table.push(match path.as_slice() {
                [kind, value] => FacetKind::from_segment(kind).map(|k| (k, (*value).to_owned())),
                _ => None,
            });
        }
        let table = Arc::new(table);
        self.lock().insert(id, Arc::clone(&table));
        Ok(table)
    }

    /// Forgets the tables of segments no longer searched (merged or deleted).
    pub fn keep_only(&self, live: &[SegmentId]) {
        self.lock().retain(|id, _| live.contains(id));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, Arc<OrdinalTable>>> {
        // A panic while inserting leaves at worst a missing entry: still usable.
        self.by_segment
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// Counts the facet values of the matching documents.
pub struct FacetCounter {
    pub field: &'static str,
    pub tables: Arc<FacetTables>,
}

pub struct SegmentFacetCounter {
    reader: FacetReader,
    table: Arc<OrdinalTable>,
    counts: Vec<u32>,
}

impl Collector for FacetCounter {
    type Fruit = FacetCounts;
    type Child = SegmentFacetCounter;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentFacetCounter> {
        let reader = segment.facet_reader(self.field)?;
        let table = self.tables.table(segment, &reader)?;
        Ok(SegmentFacetCounter {
            counts: vec![0; table.len()],
            reader,
            table,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetCounts>) -> tantivy::Result<FacetCounts> {
        let mut merged = FacetCounts::new();
        for fruit in fruits {
            for (kind, values) in fruit {
                let counts = merged.entry(kind).or_default();
                for (value, count) in values {
                    *counts.entry(value).or_default() += count;
                }
            }
        }
        Ok(merged)
    }
}

impl SegmentCollector for SegmentFacetCounter {
    type Fruit = FacetCounts;

    fn collect(&mut self, doc: DocId, _: Score) {
        for ordinal in self.reader.facet_ords(doc) {
            if let Some(count) = self.counts.get_mut(ordinal as usize) {
                *count += 1;
            }
        }
    }

    fn harvest(self) -> FacetCounts {
        let mut counts = FacetCounts::new();
        for (ordinal, &count) in self.counts.iter().enumerate() {
            if count == 0 {
                continue;
            }
            if let Some(Some((kind, value))) = self.table.get(ordinal) {
                counts
                    .entry(*kind)
                    .or_default()
                    .insert(value.clone(), u64::from(count));
            }
        }
        counts
    }
}
