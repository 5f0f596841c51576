//! What the index keeps of one record: titles and texts in each language,
//! the facets it is counted under, and how the site links to it.

use acoge_store::SearchableKind;

/// A facet a result can be counted and filtered under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FacetKind {
    Type,
    State,
    Municipality,
    Right,
    Sector,
}

impl FacetKind {
    pub const ALL: [FacetKind; 5] = [
        FacetKind::Type,
        FacetKind::State,
        FacetKind::Municipality,
        FacetKind::Right,
        FacetKind::Sector,
    ];

    /// The first segment of the facet path in the index.
    pub fn segment(self) -> &'static str {
        match self {
            FacetKind::Type => "type",
            FacetKind::State => "state",
            FacetKind::Municipality => "municipality",
            FacetKind::Right => "right",
            FacetKind::Sector => "sector",
        }
    }

    /// The kind a facet path starts with.
    pub fn from_segment(segment: &str) -> Option<FacetKind> {
        FacetKind::ALL.into_iter().find(|k| k.segment() == segment)
    }
}

/// One record as the index sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchDocument {
    pub kind: SearchableKind,
    /// The record's id as the outbox names it.
    pub id: String,
    /// What the site's address for it ends with (a slug where there is one).
    pub target: String,
    pub title_es: String,
    pub title_en: String,
    /// The record's own words, in the language they were written in.
    pub text_es: String,
    pub text_en: String,
    /// Words that describe it: vocabulary labels, places, organization names.
    pub tags_es: String,
    pub tags_en: String,
    /// Whether its facts were verified at the source ("por verificar" otherwise).
    pub verified: bool,
    pub facets: Vec<(FacetKind, String)>,
}

impl SearchDocument {
    /// The unique key the index deletes and replaces it by.
    pub fn key(&self) -> String {
        document_key(self.kind, &self.id)
    }
}

pub fn document_key(kind: SearchableKind, id: &str) -> String {
    format!("{}:{id}", kind.entity())
}
