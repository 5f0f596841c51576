//! A short excerpt of a result with the words that matched marked. It is
//! computed from the stored text with the same analyzers as the query, so an
//! accentless or inflected query highlights the word as written.

use crate::analyzers::{self, Analysis};
use std::collections::{HashMap, HashSet};

/// Excerpts are about this long (characters).
pub const SNIPPET_CHARS: usize = 220;

/// What counts as a match when marking words.
#[derive(Debug, Clone, Default)]
pub struct Matcher {
    pub es_terms: HashSet<String>,
    pub en_terms: HashSet<String>,
    /// Folded beginnings of a word still being typed.
    pub prefixes: Vec<String>,
    /// Stems matched with one letter of difference.
    pub fuzzy_es: Vec<String>,
    pub fuzzy_en: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Snippet {
    pub text: String,
    /// Byte ranges of `text` to mark.
    pub highlights: Vec<(usize, usize)>,
}

/// Levenshtein distance of at most one, with a transposition counting one.
fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    let suffix = ra
        .iter()
        .rev()
        .zip(rb.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (ra.len() - suffix, rb.len() - suffix);
    match (ma, mb) {
        (0, 0) | (1, 0) | (0, 1) | (1, 1) => true,
        (2, 2) => ra[0] == rb[1] && ra[1] == rb[0],
        _ => false,
    }
}

/// The first two characters of a folded word or stem.
fn head(term: &str) -> &str {
    let end = term.char_indices().nth(2).map_or(term.len(), |(i, _)| i);
    &term[..end]
}

impl Matcher {
    /// Byte ranges of `text` whose words match, in order.
    ///
    /// Stemming every word of every result's text costs more than the search
    /// itself, so each word is folded first (cheap) and stemmed only if it
    /// starts like a stem sought: Snowball stems keep a word's first two
    /// letters. Misspelled terms can differ anywhere, so they stem every word.
    fn marks(&self, text: &str) -> Vec<(usize, usize)> {
        let heads: HashSet<&str> = self
            .es_terms
            .iter()
            .chain(&self.en_terms)
            .map(|t| head(t))
            .collect();
        let every_word = !self.fuzzy_es.is_empty() || !self.fuzzy_en.is_empty();
        let matches = |terms: &HashSet<String>, fuzzy: &[String], stem: &str| {
            terms.contains(stem) || fuzzy.iter().any(|f| within_one_edit(f, stem))
        };
        let mut seen: HashMap<&str, bool> = HashMap::new();
        let mut marks = Vec::new();
        for token in analyzers::analyze(Analysis::Plain, text) {
            let typed = self
                .prefixes
                .iter()
                .any(|p| token.term.starts_with(p.as_str()));
            let word = text.get(token.from..token.to).unwrap_or_default();
            let found = typed
                || ((every_word || heads.contains(head(&token.term)))
                    && *seen.entry(word).or_insert_with(|| {
                        analyzers::analyze_terms(Analysis::Spanish, word)
                            .iter()
                            .any(|stem| matches(&self.es_terms, &self.fuzzy_es, stem))
                            || analyzers::analyze_terms(Analysis::English, word)
                                .iter()
                                .any(|stem| matches(&self.en_terms, &self.fuzzy_en, stem))
                    }));
            if found {
                marks.push((token.from, token.to));
            }
        }
        marks
    }
}

/// The largest index ≤ `at` that is a char boundary of `text`.
fn floor_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// An excerpt of `text` around the densest cluster of matches.
pub fn snippet(matcher: &Matcher, text: &str) -> Snippet {
    let marks = matcher.marks(text);
    let window = SNIPPET_CHARS * 2; // bytes: Spanish text averages under 2 bytes a char
    // The start that covers the most marks within the window.
    let start = marks
        .iter()
        .enumerate()
        .max_by_key(|(i, (from, _))| {
            let covered = marks[*i..]
                .iter()
                .take_while(|(_, to)| *to <= from + window)
                .count();
            (covered, std::cmp::Reverse(*from))
        })
        .map(|(_, (from, _))| *from)
        .unwrap_or(0);
    // Back up a little to give the first match some context, to a word start.
    let mut begin = floor_boundary(text, start.saturating_sub(40));
    if begin > 0 {
        begin = text[begin..start]
            .find(char::is_whitespace)
            .map_or(start, |space| begin + space + 1);
    }
    let mut end = begin;
    for (count, (i, c)) in text[begin..].char_indices().enumerate() {
        end = begin + i + c.len_utf8();
        if count + 1 >= SNIPPET_CHARS {
            break;
        }
    }
    if end < text.len()
        && let Some(space) = text[begin..end].rfind(char::is_whitespace)
        && space > 0
    {
        end = begin + space;
    }
    let lead = if begin > 0 { "… " } else { "" };
    let tail = if end < text.len() { " …" } else { "" };
    let body = text[begin..end].trim_end();
    let shift = lead.len();
    let highlights = marks
        .iter()
        .filter(|(from, to)| *from >= begin && *to <= begin + body.len())
        .map(|(from, to)| (from - begin + shift, to - begin + shift))
        .collect();
    Snippet {
        text: format!("{lead}{body}{tail}"),
        highlights,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(es: &[&str]) -> Matcher {
        Matcher {
            es_terms: es.iter().map(|s| s.to_string()).collect(),
            ..Matcher::default()
        }
    }

    #[test]
    fn inflected_and_accented_words_are_marked_as_written() {
        let stem = analyzers::analyze_terms(Analysis::Spanish, "vacunacion")[0].clone();
        let s = snippet(
            &matcher(&[&stem]),
            "Campaña de vacunación para personas migrantes.",
        );
        assert_eq!(s.highlights.len(), 1);
        let (from, to) = s.highlights[0];
        assert_eq!(&s.text[from..to], "vacunación");
    }

    #[test]
    fn long_texts_are_cut_around_the_matches() {
        let text = format!("{} albergue al final.", "palabra ".repeat(200));
        let stem = analyzers::analyze_terms(Analysis::Spanish, "albergue")[0].clone();
        let s = snippet(&matcher(&[&stem]), &text);
        assert!(s.text.starts_with("… "));
        assert!(s.text.chars().count() <= SNIPPET_CHARS + 4);
        let (from, to) = s.highlights[0];
        assert_eq!(&s.text[from..to], "albergue");
    }

    #[test]
    fn one_edit() {
        assert!(within_one_edit("tapachul", "tapachl"));
        assert!(within_one_edit("refugi", "refuji"));
        assert!(within_one_edit("alberg", "albegr"));
        assert!(!within_one_edit("alberg", "albrge"));
        assert!(!within_one_edit("salud", "vivienda"));
    }
}
