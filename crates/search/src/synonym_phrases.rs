//! Multi-word synonyms, found when a document is indexed.
//!
//! "albergue" must also find "casa del migrante". Searched as phrases, such
//! alternatives read the positions of common words in every document that
//! has them, on every query: the slowest part of a search on a large index.
//! Instead each document is scanned once, as it is indexed, for the
//! multi-word terms of every group, and the groups found are indexed as
//! plain terms, so a synonym costs one more posting list.

use crate::{
    analyzers::{self, Analysis},
    synonyms::Synonyms,
};
use acoge_domain::lang::Lang;
use std::collections::{BTreeSet, HashMap};

/// Terms at positions relative to the first term.
pub type AnalyzedPhrase = Vec<(usize, String)>;

/// The multi-word terms of the synonym groups, as each language analyzes
/// them, by their first term.
#[derive(Debug, Default)]
pub struct PhraseTable {
    spanish: HashMap<String, Vec<(usize, AnalyzedPhrase)>>,
    english: HashMap<String, Vec<(usize, AnalyzedPhrase)>>,
    groups: BTreeSet<usize>,
}

/// `text` as `lang` analyzes it, positions relative to the first term.
pub fn analyze_phrase(lang: Lang, text: &str) -> AnalyzedPhrase {
    let tokens = analyzers::analyze(Analysis::of(lang), text);
    let first = tokens.first().map_or(0, |t| t.position);
    tokens
        .into_iter()
        .map(|t| (t.position - first, t.term))
        .collect()
}

impl PhraseTable {
    pub fn new(synonyms: &Synonyms) -> PhraseTable {
        let mut table = PhraseTable::default();
        for group in 0..synonyms.len() {
            for term in synonyms.group(group) {
                for lang in [Lang::Es, Lang::En] {
                    let phrase = analyze_phrase(lang, term);
                    if phrase.len() < 2 {
                        continue;
                    }
                    table.groups.insert(group);
                    let first = phrase[0].1.clone();
                    let by_first = table.of_mut(lang).entry(first).or_default();
                    if !by_first.iter().any(|(g, p)| *g == group && *p == phrase) {
                        by_first.push((group, phrase));
                    }
                }
            }
        }
        table
    }

    fn of(&self, lang: Lang) -> &HashMap<String, Vec<(usize, AnalyzedPhrase)>> {
        match lang {
            Lang::Es => &self.spanish,
            Lang::En => &self.english,
        }
    }

    fn of_mut(&mut self, lang: Lang) -> &mut HashMap<String, Vec<(usize, AnalyzedPhrase)>> {
        match lang {
            Lang::Es => &mut self.spanish,
            Lang::En => &mut self.english,
        }
    }

    /// Whether the group has a term of several words in some language.
    pub fn has_phrases(&self, group: usize) -> bool {
        self.groups.contains(&group)
    }

    /// Adds to `found` the groups with a multi-word term in `text`.
    pub fn groups_in(&self, lang: Lang, text: &str, found: &mut BTreeSet<usize>) {
        let table = self.of(lang);
        if text.is_empty() || table.is_empty() {
            return;
        }
        let tokens = analyzers::analyze(Analysis::of(lang), text);
        let term_at = |position: usize| {
            tokens
                .binary_search_by_key(&position, |t| t.position)
                .ok()
                .map(|i| tokens[i].term.as_str())
        };
        for token in &tokens {
            let Some(candidates) = table.get(&token.term) else {
                continue;
            };
            for (group, phrase) in candidates {
                if found.contains(group) {
                    continue;
                }
                let whole = phrase[1..]
                    .iter()
                    .all(|(offset, term)| term_at(token.position + offset) == Some(term.as_str()));
                if whole {
                    found.insert(*group);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(text: &str, lang: Lang) -> Vec<usize> {
        let synonyms =
            Synonyms::parse("albergue | casa del migrante | migrant shelter\nsalud | health\n")
                .unwrap();
        let table = PhraseTable::new(&synonyms);
        let mut found = BTreeSet::new();
        table.groups_in(lang, text, &mut found);
        found.into_iter().collect()
    }

    #[test]
    fn a_multi_word_term_is_found_with_its_inflections_and_nothing_else() {
        assert_eq!(groups("La Casa del Migrante de Saltillo", Lang::Es), [0]);
        assert_eq!(groups("Casas del migrantes", Lang::Es), [0]);
        // As a phrase query would: the stop word's place is kept, not its word.
        assert_eq!(groups("Casa de migrantes", Lang::Es), [0]);
        assert_eq!(groups("casa migrante", Lang::Es), Vec::<usize>::new());
        assert_eq!(groups("migrante, casa del", Lang::Es), Vec::<usize>::new());
        assert_eq!(groups("a migrant shelter in Tijuana", Lang::En), [0]);
        assert_eq!(groups("health services", Lang::En), Vec::<usize>::new());
    }
}
