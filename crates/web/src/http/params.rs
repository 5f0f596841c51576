//! Query parameters, validated one by one so an error names the parameter.

use acoge_domain::page::PageRequest;
use std::fmt::Display;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("parameter {name:?}: {reason}")]
pub struct ParamError {
    pub name: String,
    pub reason: String,
}

/// The parsed query string of one request.
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn parse(query: Option<&str>) -> Result<Self, ParamError> {
        let pairs = serde_urlencoded::from_str::<Vec<(String, String)>>(query.unwrap_or(""))
            .map_err(|e| ParamError {
                name: "query".to_owned(),
                reason: format!("the query string cannot be read: {e}"),
            })?;
        Ok(Self(pairs))
    }

    /// The value of `name`, trimmed; an empty value counts as absent (empty form fields).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    pub fn parse_with<T, E: Display>(
        &self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, ParamError> {
        self.get(name)
            .map(|v| {
                parse(v).map_err(|e| ParamError {
                    name: name.to_owned(),
                    reason: e.to_string(),
                })
            })
            .transpose()
    }

    /// `page` (from 1) and `per_page` (1 to the stated maximum).
    pub fn page(&self, default_per_page: u32) -> Result<PageRequest, ParamError> {
        let number = |name: &str, max: u32| {
            self.parse_with(name, |v| match v.parse::<u32>() {
                Ok(n) if (1..=max).contains(&n) => Ok(n),
                _ => Err(format!("must be a whole number from 1 to {max}")),
            })
        };
        let page = number("page", 1_000_000)?.unwrap_or(1);
        let per_page = number("per_page", PageRequest::MAX_PER_PAGE)?.unwrap_or(default_per_page);
        PageRequest::new(page, per_page).ok_or_else(|| ParamError {
            name: "per_page".to_owned(),
            reason: format!("must be from 1 to {}", PageRequest::MAX_PER_PAGE),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_parameter() {
        let params = Params::parse(Some("page=abc&state=")).unwrap();
        assert_eq!(params.page(20).unwrap_err().name, "page");
        assert_eq!(params.get("state"), None);
        let too_many = Params::parse(Some("per_page=1000")).unwrap();
        assert_eq!(too_many.page(20).unwrap_err().name, "per_page");
        let ok = Params::parse(Some("page=2&per_page=5"))
            .unwrap()
            .page(20)
            .unwrap();
        assert_eq!((ok.page, ok.per_page), (2, 5));
    }
}
