//! Working groups (thematic communities inside the community of practice)
//! and the collaboration framework organizations accept to join.

use crate::{
    Timestamp,
    fields::{FieldError, FieldProblem, problem, text},
    lang::Bilingual,
    legal_change::validate_instrument_id,
};
use serde::Serialize;
use uuid::Uuid;

/// A working group as an administrator submits it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupInput {
    pub slug: String,
    pub name_es: String,
    pub name_en: String,
    pub description_es: String,
    pub description_en: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupContent {
    pub slug: String,
    pub name: Bilingual,
    pub description: Bilingual,
}

impl GroupInput {
    /// Every field is required in both languages: the site is bilingual.
    pub fn validate(&self) -> Result<GroupContent, Vec<FieldError>> {
        let mut errors = Vec::new();
        let slug = match validate_instrument_id(&self.slug) {
            Ok(slug) => slug,
            Err(mut error) => {
                error.field = "slug";
                errors.push(error);
                String::new()
            }
        };
        let name_es = text("name_es", &self.name_es, 120, true, &mut errors);
        let name_en = text("name_en", &self.name_en, 120, true, &mut errors);
        let description_es = text(
            "description_es",
            &self.description_es,
            4000,
            true,
            &mut errors,
        );
        let description_en = text(
            "description_en",
            &self.description_en,
            4000,
            true,
            &mut errors,
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(GroupContent {
            slug,
            name: Bilingual {
                es: name_es,
                en: name_en,
            },
            description: Bilingual {
                es: description_es,
                en: description_en,
            },
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkingGroup {
    pub id: Uuid,
    pub content: GroupContent,
    /// Its moderators: (member id, display name).
    pub moderators: Vec<(Uuid, String)>,
    /// Member organizations: (id, name).
    pub organizations: Vec<(Uuid, String)>,
}

/// One published version of the collaboration framework.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FrameworkVersion {
    pub version: i32,
    /// Markdown, in both languages.
    pub body: Bilingual,
    pub edited_by_name: Option<String>,
    pub published_at: Timestamp,
}

/// Checks a new version of the framework: both languages written.
pub fn validate_framework(es: &str, en: &str) -> Result<Bilingual, Vec<FieldError>> {
    let mut errors = Vec::new();
    let es = text("body_es", es, 50_000, true, &mut errors);
    let en = text("body_en", en, 50_000, true, &mut errors);
    if errors.is_empty() {
        Ok(Bilingual { es, en })
    } else {
        Err(errors)
    }
}

/// An organization joins a working group only after accepting the framework.
pub fn may_join(accepted_version: Option<i32>) -> Result<(), FieldError> {
    match accepted_version {
        Some(_) => Ok(()),
        None => Err(problem("organization", FieldProblem::FrameworkNotAccepted)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::failed_fields;

    #[test]
    fn a_group_needs_both_languages_and_a_readable_slug() {
        let input = GroupInput {
            slug: "Salud".into(),
            name_es: "Salud".into(),
            name_en: String::new(),
            description_es: "Acceso a la salud".into(),
            description_en: "Access to health".into(),
        };
        let fields = failed_fields(input.validate());
        assert_eq!(fields, ["slug", "name_en"]);
        let clean = GroupInput {
            slug: "salud".into(),
            name_es: "Sa\u{0}lud\u{7}".into(),
            name_en: "Health".into(),
            description_es: "Línea uno\nLínea dos".into(),
            description_en: "x".into(),
        }
        .validate()
        .unwrap();
        assert_eq!(clean.name.es, "Salud", "control characters dropped");
        assert_eq!(
            clean.description.es, "Línea uno\nLínea dos",
            "line breaks kept"
        );
        assert_eq!(
            may_join(None).unwrap_err().problem,
            FieldProblem::FrameworkNotAccepted
        );
        assert!(may_join(Some(1)).is_ok());
        assert_eq!(
            validate_framework(" ", "x").unwrap_err()[0].field,
            "body_es"
        );
    }
}
