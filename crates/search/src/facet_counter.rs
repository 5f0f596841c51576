//! Facet counts without reading the term dictionary on every query.
//!
//! tantivy's `FacetCollector` walks the facet dictionary of each segment to
//! find the requested facets and turns every counted ordinal back into a path
//! when it harvests: most of the cost of a faceted query on a large index.
//! Segments never change once written, so the ordinal → (kind, value) table
//! of each, and each document's ordinals as one flat array (reading them from
//! the column costs more than counting them), are read once and kept until
//! the segment is merged away.

use crate::document::FacetKind;
use std::{
    collections::{BTreeMap, HashMap},
    sync::{Arc, Mutex, MutexGuard, PoisonError},
};
use tantivy::{
    DocId, Score, SegmentOrdinal, SegmentReader,
    collector::{Collector, SegmentCollector},
    index::SegmentId,
    schema::Facet,
};

/// Counts per facet kind, then per value.
pub type FacetCounts = BTreeMap<FacetKind, HashMap<String, u64>>;

/// One segment's facets: what each ordinal stands for, and each document's
/// ordinals (`ordinals[starts[doc]..starts[doc + 1]]`).
struct SegmentFacets {
    values: Vec<Option<(FacetKind, String)>>,
    starts: Vec<u32>,
    ordinals: Vec<u32>,
}

impl SegmentFacets {
    fn read(segment: &SegmentReader, field: &str) -> tantivy::Result<SegmentFacets> {
        let facets = segment.facet_reader(field)?;
        let mut facet = Facet::root();
        let mut values = Vec::with_capacity(facets.num_facets());
        for ordinal in 0..facets.num_facets() as u64 {
            facets.facet_from_ord(ordinal, &mut facet)?;
            let path = facet.to_path();
            values.push(match path.as_slice() {
                [kind, value] => FacetKind::from_segment(kind).map(|k| (k, (*value).to_owned())),
                _ => None,
            });
        }
        let mut starts = Vec::with_capacity(segment.max_doc() as usize + 1);
        let mut ordinals = Vec::new();
        for doc in 0..segment.max_doc() {
            // u32 is enough: tantivy segments hold fewer than 2^31 documents.
            starts.push(ordinals.len() as u32);
            ordinals.extend(facets.facet_ords(doc).map(|ordinal| ordinal as u32));
        }
        starts.push(ordinals.len() as u32);
        Ok(SegmentFacets {
            values,
            starts,
            ordinals,
        })
    }

    fn of(&self, doc: DocId) -> &[u32] {
        let at = |i: usize| self.starts.get(i).map_or(0, |&start| start as usize);
        let (from, to) = (at(doc as usize), at(doc as usize + 1));
        self.ordinals.get(from..to).unwrap_or_default()
    }
}

/// The facets of the segments currently searched.
#[derive(Default)]
pub struct FacetTables {
    by_segment: Mutex<HashMap<SegmentId, Arc<SegmentFacets>>>,
}

impl FacetTables {
    fn of(&self, segment: &SegmentReader, field: &str) -> tantivy::Result<Arc<SegmentFacets>> {
        let id = segment.segment_id();
        if let Some(facets) = self.lock().get(&id) {
            return Ok(Arc::clone(facets));
        }
        let facets = Arc::new(SegmentFacets::read(segment, field)?);
        self.lock().insert(id, Arc::clone(&facets));
        Ok(facets)
    }

    /// Forgets the segments no longer searched (merged or deleted).
    pub fn keep_only(&self, live: &[SegmentId]) {
        self.lock().retain(|id, _| live.contains(id));
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<SegmentId, Arc<SegmentFacets>>> {
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
    facets: Arc<SegmentFacets>,
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
        let facets = self.tables.of(segment, self.field)?;
        Ok(SegmentFacetCounter {
            counts: vec![0; facets.values.len()],
            facets,
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
        for &ordinal in self.facets.of(doc) {
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
            if let Some(Some((kind, value))) = self.facets.values.get(ordinal) {
                counts
                    .entry(*kind)
                    .or_default()
                    .insert(value.clone(), u64::from(count));
            }
        }
        counts
    }
}
