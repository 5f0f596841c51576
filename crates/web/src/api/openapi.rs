//! Pieces of the OpenAPI document that many operations share, written once so
//! that the same answer is described in the same words everywhere: the error
//! answers of writes and of routes naming one record, and the paging
//! parameters. An operation lists them in `responses(...)` or `params(...)`
//! next to its own; a tuple written after a piece replaces that piece's
//! answer for the same status (e.g. a 403 with its own description).

use super::error::ErrorBody;
use std::collections::BTreeMap;
use utoipa::{
    IntoParams, IntoResponses, ToSchema,
    openapi::{
        ContentBuilder, KnownFormat, ObjectBuilder, Ref, RefOr, Required, ResponseBuilder,
        SchemaFormat, Type,
        path::{Parameter, ParameterBuilder, ParameterIn},
        response::Response,
    },
};

/// Answers with an `ErrorBody`, by status and description ("" for none).
fn error_answers(answers: &[(&str, &str)]) -> BTreeMap<String, RefOr<Response>> {
    answers
        .iter()
        .map(|&(status, description)| {
            let body = ContentBuilder::new()
                .schema(Some(Ref::from_schema_name(ErrorBody::name())))
                .build();
            let response = ResponseBuilder::new()
                .description(description)
                .content("application/json", body)
                .build();
            (status.to_owned(), RefOr::T(response))
        })
        .collect()
}

const UNAUTHORIZED: (&str, &str) = ("401", "");
const FORBIDDEN: (&str, &str) = ("403", "");
const TOO_LARGE: (&str, &str) = ("413", "Body over 64 KiB");
const TOO_MANY: (&str, &str) = ("429", "Over 120 writes a minute; see Retry-After");
const UNAVAILABLE: (&str, &str) = ("503", "");

/// What a write with a JSON body may answer besides its own outcome: no
/// valid token (401), a role that may not (403), a body over the limit
/// (413), too many writes (429), the database busy (503).
pub struct WriteErrors;

impl IntoResponses for WriteErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        error_answers(&[UNAUTHORIZED, FORBIDDEN, TOO_LARGE, TOO_MANY, UNAVAILABLE])
    }
}

/// The same for a write without a body, which cannot be too large.
pub struct BodilessWriteErrors;

impl IntoResponses for BodilessWriteErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        error_answers(&[UNAUTHORIZED, FORBIDDEN, TOO_MANY, UNAVAILABLE])
    }
}

/// A route naming one record in its path: a malformed key (400), or no
/// such record (404).
pub struct PathErrors;

impl IntoResponses for PathErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        error_answers(&[
            ("400", "A path parameter is malformed; `parameter` names it"),
            ("404", ""),
        ])
    }
}

/// A list whose query parameters are checked one by one (400).
pub struct QueryErrors;

impl IntoResponses for QueryErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        error_answers(&[("400", "A parameter is invalid; `parameter` names it")])
    }
}

/// An optional whole-number query parameter from 1 to `maximum`.
fn number_param(name: &str, description: &str, maximum: u32) -> Parameter {
    let schema = ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
        .minimum(Some(1))
        .maximum(Some(maximum));
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .description(Some(description))
        .required(Required::False)
        .schema(Some(schema))
        .build()
}

/// `per_page` with the usual default of 20 (`PageRequest::DEFAULT_PER_PAGE`).
fn per_page_param() -> Parameter {
    number_param(
        "per_page",
        "Items per page, 1 to 100 (default 20)",
        acoge_domain::page::PageRequest::MAX_PER_PAGE,
    )
}

/// `page` and `per_page` as `Params::page` reads them.
pub struct Paging;

impl IntoParams for Paging {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![
            number_param("page", "Page number, from 1", 1_000_000),
            per_page_param(),
        ]
    }
}

/// The same, for a list that says how deep it goes (`params::MAX_DEPTH`)
/// and that a page past its last is a 400.
pub struct DeepPaging;

impl IntoParams for DeepPaging {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![
            number_param(
                "page",
                "Page number, from 1; lists go 10,000 items deep at most (page × per_page), and a page past the last is a 400 naming `page`",
                crate::http::params::MAX_DEPTH,
            ),
            per_page_param(),
        ]
    }
}

/// `event`, the filter of the discussion and synthesis lists.
pub struct EventFilter;

impl IntoParams for EventFilter {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![
            ParameterBuilder::new()
                .name("event")
                .parameter_in(ParameterIn::Query)
                .description(Some("An event's id or slug"))
                .required(Required::False)
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                .example(Some("lav-2020-11-10".into()))
                .build(),
        ]
    }
}

/// What `EventFilter` may answer: a malformed query (400), or no such
/// event (404).
pub struct EventFilterErrors;

impl IntoResponses for EventFilterErrors {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        error_answers(&[
            ("400", "A parameter is malformed; `parameter` names it"),
            ("404", "No event with that id or slug"),
        ])
    }
}
