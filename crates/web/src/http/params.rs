//! Query parameters, validated one by one so an error names the parameter.
//! Every list pages the same way: `page` from 1, `per_page` up to
//! `PageRequest::MAX_PER_PAGE`, at most `MAX_DEPTH` items deep
//! (`Params::page`), and never past its last page (`existing_page`).

use acoge_domain::page::PageRequest;
use std::fmt::Display;

/// How deep any list goes. Skipping rows costs what is skipped, on either
/// backend, and nobody reads 500 pages: narrowing the filters is the way
/// further (search says the same with `filters::MAX_RESULT_DEPTH`).
pub const MAX_DEPTH: u32 = 10_000;

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
        let request = PageRequest::new(page, per_page).ok_or_else(|| ParamError {
            name: "per_page".to_owned(),
            reason: format!("must be from 1 to {}", PageRequest::MAX_PER_PAGE),
        })?;
        let deepest = MAX_DEPTH.div_ceil(request.per_page);
        if request.page > deepest {
            return Err(ParamError {
                name: "page".to_owned(),
                reason: format!(
                    "lists go {MAX_DEPTH} items deep at most: page {deepest} with {} per page; narrow the filters to see further",
                    request.per_page
                ),
            });
        }
        Ok(request)
    }
}

/// A page past the end of its list (page 1 always exists, empty or not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PastLastPage {
    /// The last page there is.
    pub last: u64,
}

impl From<PastLastPage> for ParamError {
    fn from(past: PastLastPage) -> Self {
        ParamError {
            name: "page".to_owned(),
            reason: format!(
                "the list has {} page(s); the last is {}",
                past.last, past.last
            ),
        }
    }
}

/// `request` if its list of `total` items reaches that page. The API turns
/// the error into a 400 naming `page`; pages show a page linking to the last.
pub fn existing_page(request: PageRequest, total: u64) -> Result<PageRequest, PastLastPage> {
    let last = total.div_ceil(u64::from(request.per_page)).max(1);
    if u64::from(request.page) > last {
        Err(PastLastPage { last })
    } else {
        Ok(request)
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

    #[test]
    fn lists_stop_at_a_depth_and_at_their_last_page() {
        let deep = Params::parse(Some("page=999999")).unwrap();
        assert_eq!(deep.page(20).unwrap_err().name, "page");
        let deepest = Params::parse(Some("page=100&per_page=100")).unwrap();
        assert_eq!(deepest.page(20).unwrap().page, 100);
        let beyond = Params::parse(Some("page=101&per_page=100")).unwrap();
        assert_eq!(beyond.page(20).unwrap_err().name, "page");

        let request = PageRequest::new(3, 20).unwrap();
        assert_eq!(existing_page(request, 41), Ok(request));
        assert_eq!(existing_page(request, 40), Err(PastLastPage { last: 2 }));
        let first = PageRequest::new(1, 20).unwrap();
        assert_eq!(
            existing_page(first, 0),
            Ok(first),
            "an empty list has page 1"
        );
        assert_eq!(
            ParamError::from(PastLastPage { last: 2 }).name,
            "page",
            "the API names the parameter"
        );
    }
}
