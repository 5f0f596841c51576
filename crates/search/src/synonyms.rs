//! The field's synonyms, Spanish and English (`data/search/sinonimos.txt`):
//! each line a group of equivalent terms; a query word or phrase that matches
//! one term of a group is searched as any term of it.

use crate::analyzers;
use std::collections::HashMap;

/// The list shipped with Acoge.
pub const BUILT_IN: &str = include_str!("../../../data/search/sinonimos.txt");

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("synonyms, line {line}: {reason}")]
pub struct SynonymError {
    pub line: usize,
    pub reason: String,
}

/// Groups of equivalent terms, each term kept as typed and as folded words.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    groups: Vec<Vec<String>>,
    /// Folded words of a term → its group.
    by_words: HashMap<Vec<String>, usize>,
    /// The most words any term has, to bound the matching.
    longest: usize,
}

/// A stretch of query words that names a synonym group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SynonymMatch {
    pub start: usize,
    pub len: usize,
    pub group: usize,
}

/// Lower-cased, accent-folded words, the way terms are compared here.
pub fn folded_words(text: &str) -> Vec<String> {
    analyzers::analyze_terms(analyzers::Analysis::Plain, text)
}

impl Synonyms {
    pub fn built_in() -> Result<Synonyms, SynonymError> {
        Synonyms::parse(BUILT_IN)
    }

    pub fn parse(text: &str) -> Result<Synonyms, SynonymError> {
        let mut synonyms = Synonyms::default();
        for (index, line) in text.lines().enumerate() {
            let line_number = index + 1;
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let terms: Vec<String> = line.split('|').map(|t| t.trim().to_owned()).collect();
            if terms.len() < 2 || terms.iter().any(String::is_empty) {
                return Err(SynonymError {
                    line: line_number,
                    reason: "a group needs at least two terms separated by |".to_owned(),
                });
            }
            let group = synonyms.groups.len();
            for term in &terms {
                let words = folded_words(term);
                if words.is_empty() {
                    return Err(SynonymError {
                        line: line_number,
                        reason: format!("{term:?} has no letters or digits"),
                    });
                }
                if let Some(&other) = synonyms.by_words.get(&words)
                    && other != group
                {
                    return Err(SynonymError {
                        line: line_number,
                        reason: format!("{term:?} is already in the group of line {}", {
                            synonyms.groups[other].join(" | ")
                        }),
                    });
                }
                synonyms.longest = synonyms.longest.max(words.len());
                synonyms.by_words.insert(words, group);
            }
            synonyms.groups.push(terms);
        }
        Ok(synonyms)
    }

    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// A fingerprint of the groups (FNV-1a): an index built with another
    /// list is rebuilt.
    pub fn digest(&self) -> u32 {
        let mut hash: u32 = 0x811c_9dc5;
        for group in &self.groups {
            for term in group {
                for byte in term.bytes().chain([b'|']) {
                    hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
                }
            }
            hash = (hash ^ u32::from(b'\n')).wrapping_mul(0x0100_0193);
        }
        hash
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The terms of a group, as written in the list.
    pub fn group(&self, group: usize) -> &[String] {
        self.groups.get(group).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The longest term that starts at `start` in `words` (already folded).
    pub fn match_at(&self, words: &[String], start: usize) -> Option<SynonymMatch> {
        let available = words.len().saturating_sub(start);
        (1..=self.longest.min(available)).rev().find_map(|len| {
            self.by_words
                .get(&words[start..start + len])
                .map(|&group| SynonymMatch { start, len, group })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_term_wins_and_accents_do_not_matter() {
        let synonyms = Synonyms::parse(
            "# comment\nCOMAR | Comisión Mexicana de Ayuda a Refugiados\nasilo | refugio | asylum\n",
        )
        .unwrap();
        assert_eq!(synonyms.len(), 2);
        let words = folded_words("oficina de la comision mexicana de ayuda a refugiados hoy");
        assert_eq!(
            synonyms.match_at(&words, 3).map(|m| (m.len, m.group)),
            Some((6, 0))
        );
        assert_eq!(synonyms.match_at(&words, 0), None);
        assert_eq!(
            synonyms
                .match_at(&folded_words("Asylum"), 0)
                .map(|m| m.group),
            Some(1)
        );
    }

    #[test]
    fn malformed_lists_name_the_line() {
        let err = Synonyms::parse("a | b\n\nc\n").unwrap_err();
        assert_eq!(err.line, 3);
        let err = Synonyms::parse("a | b\nb | c\n").unwrap_err();
        assert_eq!(err.line, 2);
    }

    #[test]
    fn the_shipped_list_parses() {
        assert!(Synonyms::built_in().unwrap().len() >= 10);
    }
}
