//! The two analyzers every text field goes through, and the helpers queries
//! and snippets use to see words the way the index does.
//!
//! Spanish: simple tokenizer → lower case → Spanish stop words → Snowball
//! Spanish stemmer → ASCII folding. Stop words come before folding because
//! the list is accented ("está", "más"); folding comes after stemming so
//! "migración" and "migracion" end as the same term whichever one is typed.
//! English is the same with the English list and stemmer.

use acoge_domain::lang::Lang;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer, TokenStream,
};

/// Names the analyzers are registered under in the index.
pub const SPANISH: &str = "acoge_es";
pub const ENGLISH: &str = "acoge_en";

/// Longer tokens are noise (URLs, pasted hashes) and are dropped.
const MAX_TOKEN_BYTES: usize = 40;

pub fn analyzer(lang: Lang) -> TextAnalyzer {
    let language = match lang {
        Lang::Es => Language::Spanish,
        Lang::En => Language::English,
    };
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser);
    match StopWordFilter::new(language) {
        Some(stop_words) => builder
            .filter(stop_words)
            .filter(Stemmer::new(language))
            .filter(AsciiFoldingFilter)
            .build(),
        // Both languages ship stop-word lists; without one, index every word.
        None => builder
            .filter(Stemmer::new(language))
            .filter(AsciiFoldingFilter)
            .build(),
    }
}

/// Just lower case and folded, no stemming: how a typed prefix is compared.
pub fn plain() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// A token of some text: its term, its position and where it sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub term: String,
    pub position: usize,
    pub from: usize,
    pub to: usize,
}

/// Runs `text` through `analyzer`.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while let Some(token) = stream.next() {
        out.push(Token {
            term: token.text.clone(),
            position: token.position,
            from: token.offset_from,
            to: token.offset_to,
        });
    }
    out
}

/// Which analysis to run: a language's, or just lower case and folding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Analysis {
    Spanish,
    English,
    Plain,
}

impl Analysis {
    pub fn of(lang: Lang) -> Analysis {
        match lang {
            Lang::Es => Analysis::Spanish,
            Lang::En => Analysis::English,
        }
    }
}

thread_local! {
    /// Built once per thread: building an analyzer builds its stop-word set,
    /// which would otherwise cost more than analyzing a query.
    static CACHED: std::cell::RefCell<[TextAnalyzer; 3]> =
        std::cell::RefCell::new([analyzer(Lang::Es), analyzer(Lang::En), plain()]);
}

/// Runs `text` through one of the cached analyzers.
pub fn analyze(analysis: Analysis, text: &str) -> Vec<Token> {
    let slot = match analysis {
        Analysis::Spanish => 0,
        Analysis::English => 1,
        Analysis::Plain => 2,
    };
    CACHED.with_borrow_mut(|analyzers| tokens(&mut analyzers[slot], text))
}

/// The terms `analyze` finds, in order.
pub fn analyze_terms(analysis: Analysis, text: &str) -> Vec<String> {
    analyze(analysis, text)
        .into_iter()
        .map(|t| t.term)
        .collect()
}

/// Terms of `text`, in order.
pub fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    tokens(analyzer, text).into_iter().map(|t| t.term).collect()
}

/// Guesses whether a text is Spanish or English by counting the commonest
/// function words of each; practices and descriptions are written in one
/// language and the index analyzes them with that language's analyzer.
pub fn detect_language(text: &str) -> Lang {
    const SPANISH_WORDS: &[&str] = &[
        "de", "la", "que", "el", "en", "los", "las", "del", "por", "para", "con", "una", "se",
        "su", "al", "y",
    ];
    const ENGLISH_WORDS: &[&str] = &[
        "the", "of", "and", "to", "in", "for", "with", "is", "are", "on", "by", "from", "that",
        "their",
    ];
    let (mut spanish, mut english) = (0usize, 0usize);
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(400)
    {
        let word = word.to_lowercase();
        spanish += usize::from(SPANISH_WORDS.contains(&word.as_str()));
        english += usize::from(ENGLISH_WORDS.contains(&word.as_str()));
    }
    if english > spanish {
        Lang::En
    } else {
        Lang::Es
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_inflections_and_case_meet_in_one_term() {
        let mut es = analyzer(Lang::Es);
        assert_eq!(terms(&mut es, "Vacunación"), terms(&mut es, "vacunacion"));
        assert_eq!(terms(&mut es, "albergues"), terms(&mut es, "albergue"));
        assert_eq!(terms(&mut es, "Migrantes"), terms(&mut es, "migrante"));
        assert!(terms(&mut es, "de la y los").is_empty());
        let mut en = analyzer(Lang::En);
        assert_eq!(terms(&mut en, "shelters"), terms(&mut en, "shelter"));
        assert!(terms(&mut en, "the of and").is_empty());
    }

    #[test]
    fn language_is_guessed_from_function_words() {
        assert_eq!(
            detect_language("Programa de atención a las personas migrantes en la frontera"),
            Lang::Es
        );
        assert_eq!(
            detect_language("A programme for the integration of refugees in the city"),
            Lang::En
        );
        assert_eq!(detect_language(""), Lang::Es);
    }
}
