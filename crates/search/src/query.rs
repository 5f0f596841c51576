//! What a person typed, read into clauses: words, quoted phrases, and
//! stretches that name a synonym group. Reading never fails; what it had to
//! change (a query cut short, a quote left open, only common words) is
//! reported as notices the page and the API show.

use crate::synonyms::{SynonymMatch, Synonyms, folded_words};

/// Queries longer than this are cut (at a character boundary).
pub const MAX_QUERY_CHARS: usize = 500;
/// At most this many clauses are searched; the rest are dropped.
pub const MAX_CLAUSES: usize = 12;

/// Something the reader adjusted in the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    /// The query was longer than `MAX_QUERY_CHARS` characters and was cut.
    Truncated,
    /// A quote was opened and not closed; the phrase runs to the end.
    UnbalancedQuote,
    /// More words than `MAX_CLAUSES`; the first ones were searched.
    TooManyWords,
    /// Nothing was found with every word, so results have some of them.
    SomeWords,
    /// Few results have every word; after them come some with some of them.
    AlsoSomeWords,
    /// Nothing was found as typed; results allow one letter of difference.
    Approximate,
    /// Only very common words ("de", "the"): there is nothing to look for.
    OnlyCommonWords,
}

/// One part of the query that results must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// A word as typed; `prefix` when it is the last word and still being typed.
    Word { text: String, prefix: bool },
    /// Words in quotes, matched in that order.
    Phrase(String),
    /// Words that name a synonym group (as typed, and the group).
    Synonym { text: String, group: usize },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedQuery {
    pub clauses: Vec<Clause>,
    pub notices: Vec<Notice>,
}

/// A piece of the raw text: loose words or a quoted phrase.
enum Piece {
    Loose(String),
    Quoted(String),
}

/// Splits `text` on double quotes (straight or typographic).
fn pieces(text: &str, notices: &mut Vec<Notice>) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        if matches!(c, '"' | '“' | '”' | '«' | '»') {
            let done = std::mem::take(&mut current);
            out.push(if quoted {
                Piece::Quoted(done)
            } else {
                Piece::Loose(done)
            });
            quoted = !quoted;
        } else {
            current.push(c);
        }
    }
    if quoted {
        notices.push(Notice::UnbalancedQuote);
        out.push(Piece::Quoted(current));
    } else {
        out.push(Piece::Loose(current));
    }
    out
}

/// Reads `raw` into clauses, matching synonym groups on loose words.
pub fn parse(raw: &str, synonyms: &Synonyms) -> ParsedQuery {
    let mut notices = Vec::new();
    let mut text: String = raw.chars().take(MAX_QUERY_CHARS).collect();
    if text.len() < raw.len() {
        notices.push(Notice::Truncated);
        // A cut query is not being typed: no prefix matching on its last word.
        text.push(' ');
    }
    let still_typing = text.chars().last().is_some_and(char::is_alphanumeric);
    let mut clauses = Vec::new();
    for piece in pieces(&text, &mut notices) {
        match piece {
            Piece::Quoted(phrase) => {
                if !folded_words(&phrase).is_empty() {
                    clauses.push(Clause::Phrase(phrase.trim().to_owned()));
                }
            }
            Piece::Loose(loose) => loose_clauses(&loose, synonyms, &mut clauses),
        }
    }
    if still_typing && let Some(Clause::Word { prefix, .. }) = clauses.last_mut() {
        *prefix = true;
    }
    if clauses.len() > MAX_CLAUSES {
        clauses.truncate(MAX_CLAUSES);
        notices.push(Notice::TooManyWords);
    }
    ParsedQuery { clauses, notices }
}

/// Words outside quotes: synonym stretches first (longest match), then words.
fn loose_clauses(text: &str, synonyms: &Synonyms, clauses: &mut Vec<Clause>) {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let folded: Vec<String> = words.iter().map(|w| folded_words(w).concat()).collect();
    let mut start = 0;
    while start < words.len() {
        match synonyms.match_at(&folded, start) {
            Some(SynonymMatch { len, group, .. }) => {
                clauses.push(Clause::Synonym {
                    text: words[start..start + len].join(" "),
                    group,
                });
                start += len;
            }
            None => {
                clauses.push(Clause::Word {
                    text: words[start].to_owned(),
                    prefix: false,
                });
                start += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synonyms() -> Synonyms {
        Synonyms::parse("COMAR | Comisión Mexicana de Ayuda a Refugiados\nasilo | asylum\n")
            .unwrap()
    }

    #[test]
    fn words_phrases_and_synonyms() {
        let q = parse(
            "asilo en \"casa del migrante\" comision mexicana de ayuda a refugiados",
            &synonyms(),
        );
        assert_eq!(
            q.clauses,
            vec![
                Clause::Synonym {
                    text: "asilo".into(),
                    group: 1
                },
                Clause::Word {
                    text: "en".into(),
                    prefix: false
                },
                Clause::Phrase("casa del migrante".into()),
                Clause::Synonym {
                    text: "comision mexicana de ayuda a refugiados".into(),
                    group: 0
                },
            ]
        );
        assert!(q.notices.is_empty());
    }

    #[test]
    fn the_last_word_is_a_prefix_while_typing() {
        let q = parse("programa integ", &synonyms());
        assert_eq!(
            q.clauses[1],
            Clause::Word {
                text: "integ".into(),
                prefix: true
            }
        );
        let q = parse("programa integ ", &synonyms());
        assert_eq!(
            q.clauses[1],
            Clause::Word {
                text: "integ".into(),
                prefix: false
            }
        );
    }

    #[test]
    fn odd_input_is_read_with_notices() {
        let q = parse("\"integración local", &synonyms());
        assert_eq!(q.clauses, vec![Clause::Phrase("integración local".into())]);
        assert_eq!(q.notices, vec![Notice::UnbalancedQuote]);
        let long = "migrantes ".repeat(1000);
        let q = parse(&long, &synonyms());
        assert!(q.notices.contains(&Notice::Truncated));
        assert!(q.notices.contains(&Notice::TooManyWords));
        assert_eq!(q.clauses.len(), MAX_CLAUSES);
        assert!(parse("  \"\" ", &synonyms()).clauses.is_empty());
    }
}
