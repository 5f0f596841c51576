//! Validation problems located in one field, shared by forms, the API and importers.

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
    /// An alliance needs two or more organizations.
    TooFewMembers,
    /// A service is offered somewhere: it needs a municipality.
    NoLocation,
    /// Coordinates fall outside Mexico's extent.
    OutsideMexico,
    /// Another organization has this name in the same place.
    DuplicateName,
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
            FieldProblem::TooFewMembers => "field-too-few-members",
            FieldProblem::NoLocation => "field-no-location",
            FieldProblem::OutsideMexico => "field-outside-mexico",
            FieldProblem::DuplicateName => "field-duplicate-name",
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
            FieldProblem::TooFewMembers => "an alliance has at least two organizations",
            FieldProblem::NoLocation => "a service needs the municipality where it is offered",
            FieldProblem::OutsideMexico => "the coordinates are outside Mexico",
            FieldProblem::DuplicateName => "another organization has this name in the same place",
        };
        f.write_str(text)
    }
}
