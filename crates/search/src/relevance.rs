//! The relevance set (`data/search/relevancia.json`): queries people type,
//! with the documents they must find, graded 2 (what they are looking for)
//! or 1 (useful). nDCG@10 over the set is how ranking changes are judged.

use crate::{SearchError, document::document_key};
use acoge_store::{Db, SearchableKind};
use std::collections::{BTreeMap, HashMap};

/// The set shipped with Acoge.
pub const BUILT_IN: &str = include_str!("../../../data/search/relevancia.json");

/// Results looked at per query.
pub const DEPTH: usize = 10;

/// One query and its judged documents, by natural key
/// (`practice:<slug>`, `organization:<name>`, `provision:<instrument>:<article>`,
/// `instrument:<id>`, `event:<slug>`, `municipality:<cvegeo>`).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Judgment {
    pub query: String,
    pub category: String,
    pub relevant: BTreeMap<String, u8>,
}

/// A judgment with its documents named as the index names them.
#[derive(Debug, Clone)]
pub struct ResolvedJudgment {
    pub query: String,
    pub category: String,
    pub relevant: HashMap<String, u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum RelevanceError {
    #[error("relevance set: {0}")]
    Json(#[from] serde_json::Error),
    #[error("relevance set, query {query:?}: no record {key:?} in the database")]
    Unknown { query: String, key: String },
    #[error(transparent)]
    Search(#[from] SearchError),
}

pub fn parse(json: &str) -> Result<Vec<Judgment>, RelevanceError> {
    Ok(serde_json::from_str(json)?)
}

/// Names each judged document by its index key, looking ids up in `db`.
pub async fn resolve(
    db: &Db,
    judgments: &[Judgment],
) -> Result<Vec<ResolvedJudgment>, RelevanceError> {
    let mut known: HashMap<String, Option<String>> = HashMap::new();
    let mut out = Vec::with_capacity(judgments.len());
    for judgment in judgments {
        let mut relevant = HashMap::new();
        for (natural, grade) in &judgment.relevant {
            if !known.contains_key(natural) {
                let key = index_key(db, natural).await?;
                known.insert(natural.clone(), key);
            }
            match known.get(natural).cloned().flatten() {
                Some(key) => {
                    relevant.insert(key, *grade);
                }
                None => {
                    return Err(RelevanceError::Unknown {
                        query: judgment.query.clone(),
                        key: natural.clone(),
                    });
                }
            }
        }
        out.push(ResolvedJudgment {
            query: judgment.query.clone(),
            category: judgment.category.clone(),
            relevant,
        });
    }
    Ok(out)
}

async fn index_key(db: &Db, natural: &str) -> Result<Option<String>, SearchError> {
    let Some((kind, rest)) = natural.split_once(':') else {
        return Ok(None);
    };
    let Some(kind) = SearchableKind::from_entity(kind) else {
        return Ok(None);
    };
    let id = match kind {
        SearchableKind::Practice => db.practice_by_slug(rest).await?.map(|p| p.id.to_string()),
        SearchableKind::Organization => db
            .organization_id_by_name(rest)
            .await?
            .map(|id| id.to_string()),
        SearchableKind::Provision => match rest.split_once(':') {
            Some((instrument, article)) => db
                .provision_id(instrument, article)
                .await?
                .map(|id| id.to_string()),
            None => None,
        },
        SearchableKind::Event => db.event(rest).await?.map(|e| e.id.to_string()),
        SearchableKind::Instrument | SearchableKind::Municipality => Some(rest.to_owned()),
    };
    Ok(id.map(|id| document_key(kind, &id)))
}

/// nDCG at `DEPTH` of a ranking (index keys, best first), with gains 2^grade − 1.
pub fn ndcg(ranked: &[String], relevant: &HashMap<String, u8>) -> f64 {
    let gain = |grade: u8| f64::from((1u32 << grade) - 1);
    let discount = |rank: usize| 1.0 / ((rank + 2) as f64).log2();
    let dcg: f64 = ranked
        .iter()
        .take(DEPTH)
        .enumerate()
        .map(|(rank, key)| relevant.get(key).map_or(0.0, |g| gain(*g)) * discount(rank))
        .sum();
    let mut ideal: Vec<u8> = relevant.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(DEPTH)
        .enumerate()
        .map(|(rank, g)| gain(*g) * discount(rank))
        .sum();
    if idcg == 0.0 { 0.0 } else { dcg / idcg }
}

/// Mean nDCG overall and per category.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Scores {
    pub overall: f64,
    pub queries: usize,
    pub by_category: BTreeMap<String, f64>,
    /// Each query's nDCG, in the order of the set.
    pub by_query: Vec<(String, f64)>,
}

/// Scores rankings produced by `rank` (the query → index keys, best first).
pub fn score(
    judgments: &[ResolvedJudgment],
    mut rank: impl FnMut(&str) -> Result<Vec<String>, SearchError>,
) -> Result<Scores, SearchError> {
    let mut by_category: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut all = Vec::with_capacity(judgments.len());
    let mut by_query = Vec::with_capacity(judgments.len());
    for judgment in judgments {
        let value = ndcg(&rank(&judgment.query)?, &judgment.relevant);
        by_category
            .entry(judgment.category.clone())
            .or_default()
            .push(value);
        all.push(value);
        by_query.push((judgment.query.clone(), value));
    }
    let mean = |values: &[f64]| {
        if values.is_empty() {
            0.0
        } else {
            values.iter().sum::<f64>() / values.len() as f64
        }
    };
    Ok(Scores {
        overall: mean(&all),
        queries: all.len(),
        by_category: by_category
            .iter()
            .map(|(c, v)| (c.clone(), mean(v)))
            .collect(),
        by_query,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ndcg_rewards_the_right_order() {
        let relevant: HashMap<String, u8> = [("a".to_owned(), 2), ("b".to_owned(), 1)].into();
        let keys = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!((ndcg(&keys(&["a", "b"]), &relevant) - 1.0).abs() < 1e-9);
        let swapped = ndcg(&keys(&["b", "a"]), &relevant);
        assert!(swapped < 1.0 && swapped > 0.5);
        assert_eq!(ndcg(&keys(&["x", "y"]), &relevant), 0.0);
        assert_eq!(ndcg(&[], &HashMap::new()), 0.0);
    }

    #[test]
    fn the_shipped_set_parses_with_enough_queries() {
        let set = parse(BUILT_IN).unwrap();
        assert!(set.len() >= 50);
        assert!(set.iter().all(|j| j.relevant.values().any(|g| *g == 2)));
    }
}
