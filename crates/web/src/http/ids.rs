//! Keys in the path, parsed at the edge by one extractor, `Id<K>`: a handler
//! takes `Id(practice): Id<Uuid>`, `Id(key): Id<Cvegeo>`, `Id(group):
//! Id<Slug>`, `Id(event): Id<EventKey>` (an id or a slug), or a pair such as
//! `Id((right, level)): Id<(Right, GovernmentLevel)>`, and never sees a
//! malformed one. What a malformed key answers is decided here, once: under
//! `/api/` a 400 `invalid_parameter` naming the path parameter (`{"error":
//! {"code": "invalid_parameter", "parameter": "id"}}`); on pages a 404, since
//! such an address names nothing. A well-formed key that names nothing is the
//! handler's 404, as before.

use super::{api_error::ApiError, failure::PageError, params::ParamError};
use crate::app::error::AppError;
use acoge_domain::{
    Cvegeo, StateKey,
    taxonomy::{GovernmentLevel, Right},
};
use axum::{
    extract::{FromRequestParts, MatchedPath, RawPathParams},
    http::request::Parts,
    response::{IntoResponse, Response},
};
use uuid::Uuid;

/// A value one path segment holds, with the rule that makes it well-formed.
pub trait PathKey: Sized {
    /// What a well-formed value looks like, for the API's message.
    const EXPECTED: &'static str;

    fn parse_key(text: &str) -> Option<Self>;
}

impl PathKey for Uuid {
    const EXPECTED: &'static str = "a UUID";

    fn parse_key(text: &str) -> Option<Self> {
        Uuid::parse_str(text).ok()
    }
}

impl PathKey for Cvegeo {
    const EXPECTED: &'static str = "a CVEGEO: five digits, a state key and a municipality key";

    fn parse_key(text: &str) -> Option<Self> {
        Cvegeo::parse(text).ok()
    }
}

impl PathKey for StateKey {
    const EXPECTED: &'static str = "an INEGI state key: two digits, 01 to 32";

    fn parse_key(text: &str) -> Option<Self> {
        StateKey::parse(text).ok()
    }
}

impl PathKey for Right {
    const EXPECTED: &'static str = "a right's slug";

    fn parse_key(text: &str) -> Option<Self> {
        Right::parse(text).ok()
    }
}

impl PathKey for GovernmentLevel {
    const EXPECTED: &'static str = "federal, estatal or municipal";

    fn parse_key(text: &str) -> Option<Self> {
        GovernmentLevel::parse(text).ok()
    }
}

/// A readable key: a working group's slug, a legal instrument's id. Lower-case
/// letters, digits and inner hyphens, 2 to 60 characters, as
/// `acoge_domain::legal_change::validate_instrument_id` admits them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slug(String);

impl std::ops::Deref for Slug {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> Self {
        slug.0
    }
}

impl std::fmt::Display for Slug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl PathKey for Slug {
    const EXPECTED: &'static str =
        "lower-case letters, digits and hyphens, 2 to 60, not starting or ending with a hyphen";

    fn parse_key(text: &str) -> Option<Self> {
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        ((2..=60).contains(&text.len())
            && text.chars().all(allowed)
            && !text.starts_with('-')
            && !text.ends_with('-'))
        .then(|| Slug(text.to_owned()))
    }
}

/// An event's id (a UUID) or its slug: letters, digits, hyphens and
/// underscores, at most 100.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventKey(String);

impl EventKey {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl PathKey for EventKey {
    const EXPECTED: &'static str = "an event's id (a UUID) or its slug (letters, digits, hyphens and underscores, at most 100)";

    fn parse_key(text: &str) -> Option<Self> {
        let slug = (1..=100).contains(&text.len())
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        (slug || Uuid::parse_str(text).is_ok()).then(|| EventKey(text.to_owned()))
    }
}

/// What the path parameters of a route parse into: one key, or a pair.
pub trait FromPathParams: Sized {
    /// The parameters as (name, percent-decoded value), in the route's order.
    fn from_params(params: &[(String, String)]) -> Result<Self, PathProblem>;
}

/// Why the path parameters could not be parsed.
#[derive(Debug)]
pub enum PathProblem {
    /// A value does not have its key's form.
    Malformed(ParamError),
    /// The route does not have the parameters the handler asks for (a bug).
    Unmatched(String),
}

fn key<K: PathKey>((name, value): &(String, String)) -> Result<K, PathProblem> {
    K::parse_key(value).ok_or_else(|| {
        PathProblem::Malformed(ParamError {
            name: name.clone(),
            reason: format!("must be {}", K::EXPECTED),
        })
    })
}

impl<K: PathKey> FromPathParams for K {
    fn from_params(params: &[(String, String)]) -> Result<Self, PathProblem> {
        match params {
            [one] => key(one),
            _ => Err(PathProblem::Unmatched(format!(
                "one path parameter expected, the route has {}",
                params.len()
            ))),
        }
    }
}

impl<A: PathKey, B: PathKey> FromPathParams for (A, B) {
    fn from_params(params: &[(String, String)]) -> Result<Self, PathProblem> {
        match params {
            [a, b] => Ok((key(a)?, key(b)?)),
            _ => Err(PathProblem::Unmatched(format!(
                "two path parameters expected, the route has {}",
                params.len()
            ))),
        }
    }
}

/// The keys in the request's path, well-formed; see the module's doc.
#[derive(Debug, Clone)]
pub struct Id<T>(pub T);

/// The answer to a path that does not parse: JSON under `/api/`, a page elsewhere.
#[derive(Debug)]
pub struct IdRejection {
    api: bool,
    problem: PathProblem,
}

impl IntoResponse for IdRejection {
    fn into_response(self) -> Response {
        match (self.problem, self.api) {
            (PathProblem::Malformed(error), true) => ApiError::parameter(&error).into_response(),
            (PathProblem::Malformed(_), false) => PageError::not_found().into_response(),
            (PathProblem::Unmatched(why), true) => {
                ApiError::from(AppError::internal(why)).into_response()
            }
            (PathProblem::Unmatched(why), false) => PageError::internal(why).into_response(),
        }
    }
}

/// The names of the route's path parameters (`{id}`), when axum cannot give
/// their values (a value that is not UTF-8).
fn parameter_names(parts: &Parts) -> Vec<String> {
    let Some(matched) = parts.extensions.get::<MatchedPath>() else {
        return Vec::new();
    };
    matched
        .as_str()
        .split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
        .map(|name| name.trim_start_matches('*').to_owned())
        .collect()
}

impl<S: Send + Sync, T: FromPathParams> FromRequestParts<S> for Id<T> {
    type Rejection = IdRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let api = parts.uri.path().starts_with("/api/");
        let reject = |problem| IdRejection { api, problem };
        let params: Vec<(String, String)> = match RawPathParams::from_request_parts(parts, state)
            .await
        {
            Ok(params) => params
                .iter()
                .map(|(name, value)| (name.to_owned(), value.to_owned()))
                .collect(),
            Err(axum::extract::rejection::RawPathParamsRejection::InvalidUtf8InPathParam(_)) => {
                let name = parameter_names(parts)
                    .into_iter()
                    .next()
                    .unwrap_or_else(|| "path".to_owned());
                return Err(reject(PathProblem::Malformed(ParamError {
                    name,
                    reason: "must be UTF-8 text".to_owned(),
                })));
            }
            Err(other) => return Err(reject(PathProblem::Unmatched(other.to_string()))),
        };
        T::from_params(&params).map(Id).map_err(reject)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(name: &str, value: &str) -> Vec<(String, String)> {
        vec![(name.to_owned(), value.to_owned())]
    }

    #[test]
    fn keys_parse_or_name_the_parameter() {
        let id = Uuid::now_v7();
        assert_eq!(Uuid::from_params(&one("id", &id.to_string())).unwrap(), id);
        match Uuid::from_params(&one("id", "not-a-uuid")) {
            Err(PathProblem::Malformed(e)) => {
                assert_eq!(e.name, "id");
                assert!(e.reason.contains("UUID"));
            }
            other => panic!("{other:?}"),
        }
        assert!(Cvegeo::from_params(&one("cvegeo", "07089")).is_ok());
        assert!(Cvegeo::from_params(&one("cvegeo", "abc")).is_err());
        assert!(StateKey::from_params(&one("cve_ent", "33")).is_err());
        assert!(Slug::from_params(&one("slug", "salud-mental")).is_ok());
        for bad in ["Salud", "-salud", "s", "salud mental", "{slug}"] {
            assert!(Slug::from_params(&one("slug", bad)).is_err(), "{bad}");
        }
        assert!(EventKey::from_params(&one("id", "lav-2020-11-10")).is_ok());
        assert!(EventKey::from_params(&one("id", &id.to_string())).is_ok());
        assert!(EventKey::from_params(&one("id", "a b")).is_err());
        let pair = <(Right, GovernmentLevel)>::from_params(&[
            ("right".to_owned(), "salud".to_owned()),
            ("level".to_owned(), "municipal".to_owned()),
        ]);
        assert!(pair.is_ok());
        assert!(matches!(
            Uuid::from_params(&[]),
            Err(PathProblem::Unmatched(_))
        ));
    }
}
