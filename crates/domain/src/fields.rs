//! Validation problems located in one field, shared by forms, the API and importers.

use crate::taxonomy::Vocabulary;
use serde::Serialize;
use std::fmt;

/// A validation problem in one field, named so forms and the API can point at it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct FieldError {
    pub field: &'static str,
    pub problem: FieldProblem,
}

/// What is wrong with a field; each variant is also a Fluent message key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FieldProblem {
    Required,
    InvalidEmail,
    PasswordTooShort,
    PasswordTooLong,
    PasswordIsEmail,
    PasswordsDiffer,
    TooLong,
    UnknownRole,
    UnknownOrganization,
    UnknownWorkingGroup,
    EmailTaken,
    NoMunicipality,
    UnknownMunicipality,
    UnknownProvision,
    UnknownTerm,
    InvalidDate,
    DatesOutOfOrder,
    SummaryTooLong,
    InvalidUrl,
    Covid19HowRequired,
    UnknownSection,
    NoDecision,
    InvalidIdentifier,
    IdentifierTaken,
    FutureDate,
    NothingChanged,
    UnknownInstrument,
    ArticleTaken,
    ReformNotLater,
    /// An alliance needs two or more organizations.
    TooFewMembers,
    /// A service is offered somewhere: it needs a municipality.
    NoLocation,
    /// Coordinates fall outside Mexico's extent.
    OutsideMexico,
    /// Another organization has this name in the same place.
    DuplicateName,
    UnknownCitation,
    FrameworkNotAccepted,
    /// An event's end is not after its start.
    EndsBeforeStart,
    /// Not an IANA time zone name.
    UnknownTimeZone,
    /// Not a date and time (local "YYYY-MM-DDTHH:MM", or RFC 3339 on the API).
    InvalidDateTime,
    /// A capacity is a whole number of places, at least 1.
    InvalidCapacity,
    /// An agenda line is "HH:MM Title — Speaker, Speaker".
    InvalidAgendaItem,
}

impl FieldProblem {
    pub fn message_key(self) -> &'static str {
        match self {
            FieldProblem::Required => "field-required",
            FieldProblem::InvalidEmail => "field-invalid-email",
            FieldProblem::PasswordTooShort => "field-password-too-short",
            FieldProblem::PasswordTooLong => "field-password-too-long",
            FieldProblem::PasswordIsEmail => "field-password-is-email",
            FieldProblem::PasswordsDiffer => "field-passwords-differ",
            FieldProblem::TooLong => "field-too-long",
            FieldProblem::UnknownRole => "field-unknown-role",
            FieldProblem::UnknownOrganization => "field-unknown-organization",
            FieldProblem::UnknownWorkingGroup => "field-unknown-working-group",
            FieldProblem::EmailTaken => "field-email-taken",
            FieldProblem::NoMunicipality => "field-no-municipality",
            FieldProblem::UnknownMunicipality => "field-unknown-municipality",
            FieldProblem::UnknownProvision => "field-unknown-provision",
            FieldProblem::UnknownTerm => "field-unknown-term",
            FieldProblem::InvalidDate => "field-invalid-date",
            FieldProblem::DatesOutOfOrder => "field-dates-out-of-order",
            FieldProblem::SummaryTooLong => "field-summary-too-long",
            FieldProblem::InvalidUrl => "field-invalid-url",
            FieldProblem::Covid19HowRequired => "field-covid19-how-required",
            FieldProblem::UnknownSection => "field-unknown-section",
            FieldProblem::NoDecision => "field-no-decision",
            FieldProblem::InvalidIdentifier => "field-invalid-identifier",
            FieldProblem::IdentifierTaken => "field-identifier-taken",
            FieldProblem::FutureDate => "field-future-date",
            FieldProblem::NothingChanged => "field-nothing-changed",
            FieldProblem::UnknownInstrument => "field-unknown-instrument",
            FieldProblem::ArticleTaken => "field-article-taken",
            FieldProblem::ReformNotLater => "field-reform-not-later",
            FieldProblem::TooFewMembers => "field-too-few-members",
            FieldProblem::NoLocation => "field-no-location",
            FieldProblem::OutsideMexico => "field-outside-mexico",
            FieldProblem::DuplicateName => "field-duplicate-name",
            FieldProblem::UnknownCitation => "field-unknown-citation",
            FieldProblem::FrameworkNotAccepted => "field-framework-not-accepted",
            FieldProblem::EndsBeforeStart => "field-ends-before-start",
            FieldProblem::UnknownTimeZone => "field-unknown-time-zone",
            FieldProblem::InvalidDateTime => "field-invalid-date-time",
            FieldProblem::InvalidCapacity => "field-invalid-capacity",
            FieldProblem::InvalidAgendaItem => "field-invalid-agenda-item",
        }
    }
}

impl fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            FieldProblem::Required => "a value is required",
            FieldProblem::InvalidEmail => "not a valid email address",
            FieldProblem::PasswordTooShort => "at least 12 characters",
            FieldProblem::PasswordTooLong => "at most 256 characters",
            FieldProblem::PasswordIsEmail => "must differ from the email address",
            FieldProblem::PasswordsDiffer => "the two passwords differ",
            FieldProblem::TooLong => "too long",
            FieldProblem::UnknownRole => "unknown role",
            FieldProblem::UnknownOrganization => "no such organization",
            FieldProblem::UnknownWorkingGroup => "no working group with that slug",
            FieldProblem::EmailTaken => "a member with this email already exists",
            FieldProblem::NoMunicipality => "at least one municipality is required",
            FieldProblem::UnknownMunicipality => "no municipality has this CVEGEO",
            FieldProblem::UnknownProvision => "no such legal provision",
            FieldProblem::UnknownTerm => "a value is not in the list",
            FieldProblem::InvalidDate => "a date is YYYY, YYYY-MM or YYYY-MM-DD",
            FieldProblem::DatesOutOfOrder => "the end date is before the start date",
            FieldProblem::SummaryTooLong => "the summary has more than 250 words",
            FieldProblem::InvalidUrl => "an evidence link must be an http or https address",
            FieldProblem::Covid19HowRequired => "say how the practice responded to COVID-19",
            FieldProblem::UnknownSection => "unknown narrative section",
            FieldProblem::NoDecision => "choose a decision",
            FieldProblem::InvalidIdentifier => {
                "lower-case letters, digits and hyphens, 2 to 60 characters"
            }
            FieldProblem::IdentifierTaken => "another record already has this identifier",
            FieldProblem::FutureDate => "the date is in the future",
            FieldProblem::NothingChanged => "the change leaves the record as it was",
            FieldProblem::UnknownInstrument => "no such legal instrument",
            FieldProblem::ArticleTaken => {
                "the instrument already has a provision with this article"
            }
            FieldProblem::ReformNotLater => "a reform takes effect after the version it replaces",
            FieldProblem::TooFewMembers => "an alliance has at least two organizations",
            FieldProblem::NoLocation => "a service needs the municipality where it is offered",
            FieldProblem::OutsideMexico => "the coordinates are outside Mexico",
            FieldProblem::DuplicateName => "another organization has this name in the same place",
            FieldProblem::UnknownCitation => {
                "the text cites an address that names no published record"
            }
            FieldProblem::FrameworkNotAccepted => {
                "the organization has not accepted the collaboration framework"
            }
            FieldProblem::EndsBeforeStart => "the event must end after it starts",
            FieldProblem::UnknownTimeZone => "not an IANA time zone such as America/Mexico_City",
            FieldProblem::InvalidDateTime => "not a date and time",
            FieldProblem::InvalidCapacity => "a whole number of places, at least 1",
            FieldProblem::InvalidAgendaItem => "each line is HH:MM Title — Speaker, Speaker",
        };
        f.write_str(text)
    }
}

// Helpers the domain's validators share.

/// The non-empty values of `values`, each an http(s) address, in order and
/// without repeats; the first that is not one is reported on `field`.
pub(crate) fn web_addresses(
    field: &'static str,
    values: &[String],
    errors: &mut Vec<FieldError>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for value in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        if !crate::provenance::is_web_address(value) {
            errors.push(problem(field, FieldProblem::InvalidUrl));
            break;
        }
        if !out.iter().any(|o| o == value) {
            out.push(value.to_owned());
        }
    }
    out
}

pub(crate) fn problem(field: &'static str, problem: FieldProblem) -> FieldError {
    FieldError { field, problem }
}

/// Parses every non-empty value of `values` with `parse`, de-duplicated and sorted.
pub(crate) fn terms<T: Ord>(
    field: &'static str,
    values: &[String],
    parse: impl Fn(&str) -> Option<T>,
    errors: &mut Vec<FieldError>,
) -> Vec<T> {
    let mut out = Vec::new();
    for value in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        match parse(value) {
            Some(term) => out.push(term),
            None => {
                errors.push(problem(field, FieldProblem::UnknownTerm));
                break;
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The terms of vocabulary `T` among `values`, as `terms` reads them.
pub(crate) fn vocabulary_terms<T: Vocabulary + Ord>(
    field: &'static str,
    values: &[String],
    errors: &mut Vec<FieldError>,
) -> Vec<T> {
    terms(field, values, |v| T::parse_slug(v).ok(), errors)
}

/// The term of vocabulary `T` in `value`; `default` when it is blank, and
/// also when it is not a term, which is then reported on `field`.
pub(crate) fn vocabulary_term_or<T: Vocabulary>(
    field: &'static str,
    value: &str,
    default: T,
    errors: &mut Vec<FieldError>,
) -> T {
    match value.trim() {
        "" => default,
        value => T::parse_slug(value).unwrap_or_else(|_| {
            errors.push(problem(field, FieldProblem::UnknownTerm));
            default
        }),
    }
}

/// Reports `missing` on `field` when `values` came out empty, unless the
/// field already has a problem (an unknown term that was dropped).
pub(crate) fn require_any<T>(
    field: &'static str,
    values: &[T],
    missing: FieldProblem,
    errors: &mut Vec<FieldError>,
) {
    if values.is_empty() && !errors.iter().any(|e| e.field == field) {
        errors.push(problem(field, missing));
    }
}

pub(crate) fn text(
    field: &'static str,
    value: &str,
    max_chars: usize,
    required: bool,
    errors: &mut Vec<FieldError>,
) -> String {
    // Control characters other than line breaks and tabs mean nothing in a
    // text, and PostgreSQL refuses NUL in TEXT: they are dropped.
    let cleaned: String = value
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .collect();
    let value = cleaned.trim();
    if required && value.is_empty() {
        errors.push(problem(field, FieldProblem::Required));
    } else if value.chars().count() > max_chars {
        errors.push(problem(field, FieldProblem::TooLong));
    }
    value.to_owned()
}

pub(crate) fn date(
    field: &'static str,
    value: &str,
    errors: &mut Vec<FieldError>,
) -> Option<crate::dates::PartialDate> {
    match crate::dates::PartialDate::parse_optional(value) {
        Ok(date) => date,
        Err(_) => {
            errors.push(problem(field, FieldProblem::InvalidDate));
            None
        }
    }
}

/// The fields a validation failed on, in order, for tests.
#[cfg(test)]
pub(crate) fn failed_fields<T: fmt::Debug>(
    result: Result<T, Vec<FieldError>>,
) -> Vec<&'static str> {
    result.unwrap_err().iter().map(|e| e.field).collect()
}

/// Each problem a validation found with its field, in order, for tests.
#[cfg(test)]
pub(crate) fn field_problems<T: fmt::Debug>(
    result: Result<T, Vec<FieldError>>,
) -> Vec<(&'static str, FieldProblem)> {
    result
        .unwrap_err()
        .into_iter()
        .map(|e| (e.field, e.problem))
        .collect()
}
