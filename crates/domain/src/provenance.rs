//! Every fact Acoge shows carries where it comes from and whether someone
//! checked it. An unverified fact is shown as "por verificar", never as truth.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Provenance {
    /// Source links (http or https), in the order the data gives them.
    pub sources: Vec<String>,
    pub verified: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a source must be an http or https address, not {0:?}")]
pub struct SourceError(pub String);

impl Provenance {
    /// Parses sources separated by " | " (the reference files' convention).
    pub fn parse(sources: &str, verified: bool) -> Result<Self, SourceError> {
        let sources = sources
            .split(" | ")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                if is_web_address(s) {
                    Ok(s.to_owned())
                } else {
                    Err(SourceError(s.to_owned()))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { sources, verified })
    }

    /// The stored form: sources joined by " | ".
    pub fn joined_sources(&self) -> String {
        self.sources.join(" | ")
    }
}

pub fn is_web_address(value: &str) -> bool {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.contains(char::is_whitespace))
}

/// Reads the reference files' yes/no flag ("si"/"no").
pub fn parse_yes_no(value: &str) -> Option<bool> {
    match value.trim().to_lowercase().as_str() {
        "si" | "sí" | "yes" | "true" => Some(true),
        "no" | "false" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_split_and_must_be_web_addresses() {
        let p = Provenance::parse("https://a.mx/x | http://b.org", true).unwrap();
        assert_eq!(p.sources, vec!["https://a.mx/x", "http://b.org"]);
        assert_eq!(Provenance::parse("", false).unwrap().sources.len(), 0);
        assert!(Provenance::parse("javascript:alert(1)", true).is_err());
        assert!(Provenance::parse("ftp://x", true).is_err());
    }
}
