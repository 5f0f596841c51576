//! A disjunction that moves its parts only when asked.
//!
//! tantivy's union scorer buffers: on every `seek` past its window it scores
//! every part over the next 4,096 documents. That is the fastest way to walk
//! a union from start to end, and the slowest way to check a few documents
//! of it, which is what an intersection ("albergue Tapachula": every
//! document with some form of each word) and a ranking-only clause (title
//! matches) do: they seek it once per candidate. `AnyOf` seeks each part to
//! the target and scores only the document asked for, with the same score
//! (the sum of the matching parts).

use tantivy::{
    DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term,
    query::{EnableScoring, Explanation, Query, Scorer, Weight},
};

/// Documents matching any of `parts`, scored by the sum of those that match.
#[derive(Debug)]
pub struct AnyOf {
    parts: Vec<Box<dyn Query>>,
}

impl AnyOf {
    pub fn new(parts: Vec<Box<dyn Query>>) -> AnyOf {
        AnyOf { parts }
    }
}

impl Clone for AnyOf {
    fn clone(&self) -> AnyOf {
        AnyOf::new(self.parts.iter().map(|part| part.box_clone()).collect())
    }
}

impl Query for AnyOf {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let parts = self
            .parts
            .iter()
            .map(|part| part.weight(scoring))
            .collect::<tantivy::Result<_>>()?;
        Ok(Box::new(AnyOfWeight { parts }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for part in &self.parts {
            part.query_terms(visitor);
        }
    }
}

struct AnyOfWeight {
    parts: Vec<Box<dyn Weight>>,
}

impl Weight for AnyOfWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut parts = Vec::with_capacity(self.parts.len());
        for weight in &self.parts {
            let scorer = weight.scorer(reader, boost)?;
            if scorer.doc() != TERMINATED {
                parts.push(scorer);
            }
        }
        let docs = parts.iter().map(|p| p.doc()).collect();
        let mut scorer = AnyOfScorer {
            parts,
            docs,
            doc: 0,
        };
        scorer.settle();
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let matching: Vec<Explanation> = self
            .parts
            .iter()
            .filter_map(|weight| weight.explain(reader, doc).ok())
            .collect();
        if matching.is_empty() {
            return Err(TantivyError::InvalidArgument(format!(
                "Document #({doc}) does not match"
            )));
        }
        let total = matching.iter().map(Explanation::value).sum();
        let mut explanation = Explanation::new("AnyOf, sum of", total);
        for part in matching {
            explanation.add_detail(part);
        }
        Ok(explanation)
    }
}

struct AnyOfScorer {
    parts: Vec<Box<dyn Scorer>>,
    /// Where each part stands, kept here to spare a call through the
    /// trait object per part and document.
    docs: Vec<DocId>,
    doc: DocId,
}

impl AnyOfScorer {
    fn settle(&mut self) -> DocId {
        self.doc = self.docs.iter().copied().min().unwrap_or(TERMINATED);
        self.doc
    }
}

impl DocSet for AnyOfScorer {
    fn advance(&mut self) -> DocId {
        for (part, doc) in self.parts.iter_mut().zip(&mut self.docs) {
            if *doc == self.doc {
                *doc = part.advance();
            }
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for (part, doc) in self.parts.iter_mut().zip(&mut self.docs) {
            if *doc < target {
                *doc = part.seek(target);
            }
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.parts
            .iter()
            .map(|part| part.size_hint())
            .fold(0u32, u32::saturating_add)
    }

    fn cost(&self) -> u64 {
        self.parts.iter().map(|part| part.cost()).sum()
    }
}

impl Scorer for AnyOfScorer {
    fn score(&mut self) -> Score {
        let at = self.doc;
        self.parts
            .iter_mut()
            .zip(&self.docs)
            .filter(|(_, doc)| **doc == at)
            .map(|(part, _)| part.score())
            .sum()
    }
}
