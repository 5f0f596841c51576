//! Moderators' changes to the legal framework. Every change to an instrument
//! or a provision makes a new version and keeps the old one readable. Two
//! kinds of change are told apart because they mean different things to a
//! reader: a correction fixes our record of the same text, a reform records a
//! new text of the law that takes effect on a date.

use crate::{
    Provenance,
    dates::PartialDate,
    fields::{
        FieldError, FieldProblem, date, problem, require_any, text, vocabulary_terms, web_addresses,
    },
    legal::{InstrumentLevel, LegalInstrument, Provision},
    provenance::is_web_address,
    taxonomy::{GovernmentLevel, Right, vocabulary},
};
use serde::{Deserialize, Serialize};

vocabulary!(
    /// Why a version exists: loaded from the reference data, added by a
    /// moderator, a correction (our record was wrong; the law's text did not
    /// change), a reform (a new text that takes effect on a date), or a
    /// moderator's check against the source.
    ChangeKind, "change-kind" {
        Import = "importacion",
        Creation = "alta",
        Correction = "correccion",
        Reform = "reforma",
        Verification = "verificacion",
    }
);

impl ChangeKind {
    /// The kinds a moderator picks when editing (creation and verification
    /// have their own actions; imports come from the data files).
    pub const EDITS: &'static [ChangeKind] = &[ChangeKind::Correction, ChangeKind::Reform];
}

/// Why a moderator edits: the kind of change and a note for the history.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ChangeInput {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub note: String,
}

/// A legal instrument as a form or the API submits it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct InstrumentInput {
    /// Only read when the instrument is created; an id never changes.
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub jurisdiction: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub published: String,
    #[serde(default)]
    pub notes: String,
    /// Source addresses, one per entry.
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub verified: bool,
}

/// A provision as a form or the API submits it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ProvisionInput {
    #[serde(default)]
    pub article: String,
    #[serde(default)]
    pub theme: String,
    #[serde(default)]
    pub rights: Vec<String>,
    #[serde(default)]
    pub binds: Vec<String>,
    #[serde(default)]
    pub summary: String,
    /// Institutions the provision names as responsible, one per entry.
    #[serde(default)]
    pub institutions: Vec<String>,
    /// The date this text of the provision took effect.
    #[serde(default)]
    pub in_force_from: String,
    /// A source for this provision when it is not the instrument's own.
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub verified: bool,
}

/// An instrument's content, every field valid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstrumentContent {
    pub level: InstrumentLevel,
    pub jurisdiction: String,
    pub name: String,
    pub published: Option<PartialDate>,
    pub notes: Option<String>,
    pub sources: Vec<String>,
    pub verified: bool,
}

/// A provision's content, every field valid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProvisionContent {
    pub article: String,
    pub theme: String,
    pub rights: Vec<Right>,
    pub binds: Vec<GovernmentLevel>,
    pub summary: String,
    /// Versions written before institutions were recorded have none.
    #[serde(default)]
    pub institutions: Vec<String>,
    pub in_force_from: Option<PartialDate>,
    pub source: Option<String>,
    pub verified: bool,
}

fn optional(value: String) -> Option<String> {
    (!value.is_empty()).then_some(value)
}

fn past_date(
    field: &'static str,
    value: &str,
    today: jiff::civil::Date,
    errors: &mut Vec<FieldError>,
) -> Option<PartialDate> {
    let parsed = date(field, value, errors);
    if parsed.is_some_and(|d| d.is_after(today)) {
        errors.push(problem(field, FieldProblem::FutureDate));
    }
    parsed
}

/// An instrument id: short, stable, readable in an address ("ley-migracion").
pub fn validate_instrument_id(id: &str) -> Result<String, FieldError> {
    let id = id.trim();
    if id.is_empty() {
        return Err(problem("id", FieldProblem::Required));
    }
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    // "nuevo" is the address of the form that adds an instrument.
    if (2..=60).contains(&id.len())
        && id != "nuevo"
        && id.chars().all(allowed)
        && !id.starts_with('-')
        && !id.ends_with('-')
    {
        Ok(id.to_owned())
    } else {
        Err(problem("id", FieldProblem::InvalidIdentifier))
    }
}

impl InstrumentInput {
    /// Checks every field (not the id, see `validate_instrument_id`) and
    /// returns all problems at once. Nothing is presented as law without a
    /// source, so at least one source address is required.
    pub fn validate(&self, today: jiff::civil::Date) -> Result<InstrumentContent, Vec<FieldError>> {
        let mut errors = Vec::new();
        let level = InstrumentLevel::parse(self.level.trim()).ok();
        if level.is_none() {
            let kind = if self.level.trim().is_empty() {
                FieldProblem::Required
            } else {
                FieldProblem::UnknownTerm
            };
            errors.push(problem("level", kind));
        }
        let jurisdiction = text("jurisdiction", &self.jurisdiction, 40, true, &mut errors);
        let name = text("name", &self.name, 300, true, &mut errors);
        let published = past_date("published", &self.published, today, &mut errors);
        let notes = text("notes", &self.notes, 2000, false, &mut errors);
        let sources = sources(&self.sources, &mut errors);
        match level {
            Some(level) if errors.is_empty() => Ok(InstrumentContent {
                level,
                jurisdiction,
                name,
                published,
                notes: optional(notes),
                sources,
                verified: self.verified,
            }),
            _ => Err(errors),
        }
    }
}

fn sources(values: &[String], errors: &mut Vec<FieldError>) -> Vec<String> {
    let out = web_addresses("sources", values, errors);
    require_any("sources", &out, FieldProblem::Required, errors);
    out
}

impl ProvisionInput {
    /// Checks every field and returns all problems at once. A provision must
    /// name at least one right and one level: that is what places it in the
    /// responsibilities matrix.
    pub fn validate(&self, today: jiff::civil::Date) -> Result<ProvisionContent, Vec<FieldError>> {
        let mut errors = Vec::new();
        let article = text("article", &self.article, 60, true, &mut errors);
        let theme = text("theme", &self.theme, 200, true, &mut errors);
        let rights = vocabulary_terms("rights", &self.rights, &mut errors);
        require_any("rights", &rights, FieldProblem::Required, &mut errors);
        let binds = vocabulary_terms("binds", &self.binds, &mut errors);
        require_any("binds", &binds, FieldProblem::Required, &mut errors);
        let summary = text("summary", &self.summary, 1000, true, &mut errors);
        let institutions = institutions(&self.institutions, &mut errors);
        let in_force_from = past_date("in_force_from", &self.in_force_from, today, &mut errors);
        let source = self.source.trim();
        if !source.is_empty() && !is_web_address(source) {
            errors.push(problem("source", FieldProblem::InvalidUrl));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ProvisionContent {
            article,
            theme,
            rights,
            binds,
            summary,
            institutions,
            in_force_from,
            source: optional(source.to_owned()),
            verified: self.verified,
        })
    }
}

/// Institution names, trimmed and de-duplicated in the order given.
fn institutions(values: &[String], errors: &mut Vec<FieldError>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for value in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        if value.chars().count() > 120 || out.len() == 20 {
            errors.push(problem("institutions", FieldProblem::TooLong));
            break;
        }
        if !out.iter().any(|o| o == value) {
            out.push(value.to_owned());
        }
    }
    out
}

impl ChangeInput {
    /// Checks a moderator's edit of a provision against its current content.
    /// A correction needs a note saying what was wrong; a reform needs the
    /// date the new text took effect, later than the text it replaces.
    pub fn check_provision(
        &self,
        current: &ProvisionContent,
        next: &ProvisionContent,
    ) -> Result<ChangeKind, Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = self.kind(&mut errors);
        let note = text("note", &self.note, 1000, false, &mut errors);
        match kind {
            Some(ChangeKind::Correction) if note.is_empty() => {
                errors.push(problem("note", FieldProblem::Required));
            }
            Some(ChangeKind::Reform) => match (current.in_force_from, next.in_force_from) {
                (_, None) => errors.push(problem("in_force_from", FieldProblem::Required)),
                (Some(before), Some(after)) if !starts_after(&after, &before) => {
                    errors.push(problem("in_force_from", FieldProblem::ReformNotLater));
                }
                _ => {}
            },
            _ => {}
        }
        if current == next {
            errors.push(problem("kind", FieldProblem::NothingChanged));
        }
        match kind {
            Some(kind) if errors.is_empty() => Ok(kind),
            _ => Err(errors),
        }
    }

    /// Checks a moderator's edit of an instrument. An instrument's reforms
    /// are recorded on its provisions, so its own edits are corrections.
    pub fn check_instrument(
        &self,
        current: &InstrumentContent,
        next: &InstrumentContent,
    ) -> Result<ChangeKind, Vec<FieldError>> {
        let mut errors = Vec::new();
        text("note", &self.note, 1000, true, &mut errors);
        if current == next {
            errors.push(problem("kind", FieldProblem::NothingChanged));
        }
        if errors.is_empty() {
            Ok(ChangeKind::Correction)
        } else {
            Err(errors)
        }
    }

    fn kind(&self, errors: &mut Vec<FieldError>) -> Option<ChangeKind> {
        match ChangeKind::parse(self.kind.trim()) {
            Ok(kind) if ChangeKind::EDITS.contains(&kind) => Some(kind),
            _ if self.kind.trim().is_empty() => {
                errors.push(problem("kind", FieldProblem::Required));
                None
            }
            _ => {
                errors.push(problem("kind", FieldProblem::UnknownTerm));
                None
            }
        }
    }
}

/// Whether `later` surely starts after `earlier` begins (partial dates
/// compare by their first day).
fn starts_after(later: &PartialDate, earlier: &PartialDate) -> bool {
    let first = |d: &PartialDate| (d.year, d.month.unwrap_or(1), d.day.unwrap_or(1));
    first(later) > first(earlier)
}

impl InstrumentContent {
    pub fn of(instrument: &LegalInstrument) -> Self {
        Self {
            level: instrument.level,
            jurisdiction: instrument.jurisdiction.clone(),
            name: instrument.name.clone(),
            published: instrument.published,
            notes: instrument.notes.clone(),
            sources: instrument.provenance.sources.clone(),
            verified: instrument.provenance.verified,
        }
    }

    pub fn into_instrument(self, id: String) -> LegalInstrument {
        LegalInstrument {
            id,
            level: self.level,
            jurisdiction: self.jurisdiction,
            name: self.name,
            published: self.published,
            notes: self.notes,
            provenance: Provenance {
                sources: self.sources,
                verified: self.verified,
            },
        }
    }

    pub fn to_input(&self, id: &str) -> InstrumentInput {
        InstrumentInput {
            id: id.to_owned(),
            level: self.level.slug().to_owned(),
            jurisdiction: self.jurisdiction.clone(),
            name: self.name.clone(),
            published: self.published.map(|d| d.to_string()).unwrap_or_default(),
            notes: self.notes.clone().unwrap_or_default(),
            sources: self.sources.clone(),
            verified: self.verified,
        }
    }
}

impl ProvisionContent {
    pub fn of(provision: &Provision) -> Self {
        Self {
            article: provision.article.clone(),
            theme: provision.theme.clone(),
            rights: provision.rights.clone(),
            binds: provision.binds.clone(),
            summary: provision.summary.clone(),
            institutions: provision.institutions.clone(),
            in_force_from: provision.in_force_from,
            source: provision.source.clone(),
            verified: provision.verified,
        }
    }

    pub fn to_input(&self) -> ProvisionInput {
        ProvisionInput {
            article: self.article.clone(),
            theme: self.theme.clone(),
            rights: self.rights.iter().map(|r| r.slug().to_owned()).collect(),
            binds: self.binds.iter().map(|l| l.slug().to_owned()).collect(),
            summary: self.summary.clone(),
            institutions: self.institutions.clone(),
            in_force_from: self
                .in_force_from
                .map(|d| d.to_string())
                .unwrap_or_default(),
            source: self.source.clone().unwrap_or_default(),
            verified: self.verified,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> jiff::civil::Date {
        jiff::civil::date(2026, 11, 28)
    }

    fn provision_input() -> ProvisionInput {
        ProvisionInput {
            article: "8".into(),
            theme: "educación".into(),
            rights: vec!["educacion".into()],
            binds: vec!["federal".into(), "estatal".into()],
            summary: "Acceso a la educación sin importar la situación migratoria".into(),
            institutions: vec![" SEP ".into(), "SEP".into(), String::new()],
            in_force_from: "2011-05-25".into(),
            source: String::new(),
            verified: false,
        }
    }

    fn fields(errors: &[FieldError]) -> Vec<(&'static str, FieldProblem)> {
        errors.iter().map(|e| (e.field, e.problem)).collect()
    }

    #[test]
    fn a_provision_names_each_bad_field() {
        let mut input = provision_input();
        input.article = " ".into();
        input.rights = vec!["flying".into()];
        input.binds = vec![];
        input.in_force_from = "2031-01-01".into();
        input.source = "ftp://example.org".into();
        let errors = input.validate(today()).unwrap_err();
        assert_eq!(
            fields(&errors),
            [
                ("article", FieldProblem::Required),
                ("rights", FieldProblem::UnknownTerm),
                ("binds", FieldProblem::Required),
                ("in_force_from", FieldProblem::FutureDate),
                ("source", FieldProblem::InvalidUrl),
            ]
        );
        let content = provision_input().validate(today()).unwrap();
        assert_eq!(
            content.binds,
            [GovernmentLevel::Federal, GovernmentLevel::State]
        );
        assert_eq!(content.source, None);
        assert_eq!(content.institutions, ["SEP"]);
    }

    #[test]
    fn an_instrument_needs_a_source_and_a_past_date() {
        let input = InstrumentInput {
            id: "ley-x".into(),
            level: "federal".into(),
            jurisdiction: "MX".into(),
            name: "Ley X".into(),
            published: "2027".into(),
            notes: String::new(),
            sources: vec![" ".into()],
            verified: false,
        };
        let errors = input.validate(today()).unwrap_err();
        assert_eq!(
            fields(&errors),
            [
                ("published", FieldProblem::FutureDate),
                ("sources", FieldProblem::Required)
            ]
        );
        assert!(validate_instrument_id("ley-migracion").is_ok());
        for bad in ["Ley", "-x", "a", "ley migracion", "ley_x", "nuevo"] {
            assert_eq!(
                validate_instrument_id(bad).unwrap_err().problem,
                FieldProblem::InvalidIdentifier,
                "{bad}"
            );
        }
    }

    #[test]
    fn a_reform_needs_a_later_date_and_a_correction_a_note() {
        let current = provision_input().validate(today()).unwrap();
        let mut next = current.clone();
        next.summary = "Texto reformado".into();
        let reform = |date: Option<&str>| {
            let mut next = next.clone();
            next.in_force_from = date.map(|d| PartialDate::parse(d).unwrap());
            ChangeInput {
                kind: "reforma".into(),
                note: String::new(),
            }
            .check_provision(&current, &next)
        };
        assert_eq!(
            fields(&reform(None).unwrap_err()),
            [("in_force_from", FieldProblem::Required)]
        );
        assert_eq!(
            fields(&reform(Some("2011-05-25")).unwrap_err()),
            [("in_force_from", FieldProblem::ReformNotLater)]
        );
        assert_eq!(reform(Some("2021-01-11")), Ok(ChangeKind::Reform));

        // (kind, note, the provision after, the problem expected)
        let refused = [
            ("correccion", "", &next, ("note", FieldProblem::Required)),
            (
                "correccion",
                "typo",
                &current,
                ("kind", FieldProblem::NothingChanged),
            ),
            (
                "importacion",
                "x",
                &next,
                ("kind", FieldProblem::UnknownTerm),
            ),
        ];
        for (kind, note, after, problem) in refused {
            let change = ChangeInput {
                kind: kind.into(),
                note: note.into(),
            };
            let errors = change.check_provision(&current, after).unwrap_err();
            assert_eq!(fields(&errors), [problem], "{kind} {note:?}");
        }
    }
}
