//! The community's conversation: each guiding question of an event is a
//! thread; members contribute and reply; members flag, moderators decide; a
//! moderator closes each question with a synthesis (relatoría) that cites the
//! contributions, practices, organizations and provisions behind it.

use crate::{
    Timestamp,
    accounts::{Actor, Capability, authorize},
    fields::{FieldError, FieldProblem, problem, text},
    lang::Bilingual,
    taxonomy::vocabulary,
};
use serde::Serialize;
use uuid::Uuid;

vocabulary!(
    /// Whether a thread takes contributions: open; closed (read-only, its
    /// synthesis may follow); archived (kept for the record, out of the lists).
    DiscussionStatus, "discussion-status" {
        Open = "abierta",
        Closed = "cerrada",
        Archived = "archivada",
    }
);

vocabulary!(
    /// Who sees a contribution: everyone; nobody but its author and the
    /// moderators while flags wait for a decision; or hidden by a moderator,
    /// with a reason its author sees.
    Visibility, "visibility" {
        Visible = "visible",
        Held = "retenida",
        Hidden = "oculta",
    }
);

vocabulary!(
    /// Why a member flags a contribution.
    FlagReason, "flag-reason" {
        PersonalData = "datos_personales",
        Offensive = "ofensiva",
        Spam = "spam",
        OffTopic = "fuera_de_tema",
        Misinformation = "desinformacion",
    }
);

vocabulary!(
    /// A record a contribution or a synthesis cites by its address.
    CitedKind, "cited" {
        Practice = "practica",
        Organization = "organizacion",
        Provision = "disposicion",
        Contribution = "contribucion",
    }
);

/// Flags from this many members hold a contribution until a moderator decides.
pub const FLAGS_THAT_HOLD: usize = 3;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Discussion {
    pub id: Uuid,
    pub event_id: Option<Uuid>,
    /// The event's slug, for addresses.
    pub event_slug: Option<String>,
    /// 1-based position of the guiding question in its event.
    pub position: Option<i32>,
    pub question: Bilingual,
    pub status: DiscussionStatus,
    pub created_at: Timestamp,
    /// Contributions everyone can see.
    pub visible_contributions: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contribution {
    pub id: Uuid,
    pub discussion_id: Uuid,
    /// The contribution this one answers (one level of replies).
    pub parent_id: Option<Uuid>,
    pub author_id: Option<Uuid>,
    /// The author's display name; `None` once the account is deleted.
    pub author_name: Option<String>,
    pub organization_name: Option<String>,
    /// Markdown, sanitized when shown.
    pub body: String,
    pub created_at: Timestamp,
    pub visibility: Visibility,
    pub moderation_reason: Option<String>,
    pub flags: u64,
    pub citations: Vec<Citation>,
}

/// A record named in a text by its address on the site.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Citation {
    pub kind: CitedKind,
    pub id: Uuid,
}

/// The addresses of practices, organizations, provisions and contributions
/// in a text, whether pasted whole (`https://host/practicas/…`) or as a path,
/// in order of first appearance. Records are checked to exist by the caller.
pub fn citations_in(text: &str) -> Vec<Citation> {
    const PREFIXES: [(&str, CitedKind); 4] = [
        ("/practicas/", CitedKind::Practice),
        ("/organizaciones/", CitedKind::Organization),
        ("/marco-legal/disposiciones/", CitedKind::Provision),
        ("#c-", CitedKind::Contribution),
    ];
    let mut found: Vec<Citation> = Vec::new();
    for (prefix, kind) in PREFIXES {
        for (at, _) in text.match_indices(prefix) {
            let rest = &text[at + prefix.len()..];
            let candidate: String = rest
                .chars()
                .take_while(|c| c.is_ascii_hexdigit() || *c == '-')
                .collect();
            if let Ok(id) = Uuid::parse_str(&candidate) {
                let citation = Citation { kind, id };
                if !found.contains(&citation) {
                    found.push(citation);
                }
            }
        }
    }
    found
}

/// Why a contribution cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContributionError {
    #[error("the discussion is {0}; it takes no more contributions")]
    NotOpen(DiscussionStatus),
    #[error("{0}")]
    Invalid(FieldError),
}

/// Checks a contribution's text against the thread's state. Replies answer a
/// contribution of the same thread; the caller checks that.
pub fn check_contribution(
    status: DiscussionStatus,
    body: &str,
) -> Result<String, ContributionError> {
    if status != DiscussionStatus::Open {
        return Err(ContributionError::NotOpen(status));
    }
    let mut errors = Vec::new();
    let body = text("body", body, 10_000, true, &mut errors);
    match errors.into_iter().next() {
        Some(error) => Err(ContributionError::Invalid(error)),
        None => Ok(body),
    }
}

/// What a flag does to a contribution: the `FLAGS_THAT_HOLD`th distinct flag
/// holds a visible contribution until a moderator decides; hidden ones stay
/// hidden.
pub fn visibility_after_flags(current: Visibility, distinct_flags: usize) -> Visibility {
    match current {
        Visibility::Visible if distinct_flags >= FLAGS_THAT_HOLD => Visibility::Held,
        other => other,
    }
}

/// Whether `actor` may read a contribution's body.
pub fn may_read(actor: &Actor, contribution: &Contribution) -> bool {
    contribution.visibility == Visibility::Visible
        || authorize(actor, Capability::Moderate).is_ok()
        || (actor.id().is_some() && actor.id() == contribution.author_id)
}

/// A moderator's decision on a flagged or held contribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Visible again; the flags are settled.
    Keep,
    /// Hidden, with a reason the author sees.
    Hide(String),
}

impl Decision {
    pub fn parse(decision: &str, reason: &str) -> Result<Self, FieldError> {
        match decision {
            "mantener" => Ok(Decision::Keep),
            "ocultar" => {
                let mut errors = Vec::new();
                let reason = text("reason", reason, 1000, true, &mut errors);
                match errors.into_iter().next() {
                    Some(error) => Err(error),
                    None => Ok(Decision::Hide(reason)),
                }
            }
            "" => Err(problem("decision", FieldProblem::NoDecision)),
            _ => Err(problem("decision", FieldProblem::UnknownTerm)),
        }
    }
}

/// A synthesis of one guiding question, as a moderator submits it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SynthesisInput {
    pub findings: String,
    pub agreements: String,
    pub pending: String,
}

/// A synthesis with every section written (Markdown).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SynthesisContent {
    pub findings: String,
    pub agreements: String,
    pub pending: String,
}

impl SynthesisInput {
    /// Every section is required: a synthesis with a blank section reads as
    /// if the question had no findings, agreements or pending points. Write
    /// "Ninguno" when there are none.
    pub fn validate(&self) -> Result<SynthesisContent, Vec<FieldError>> {
        let mut errors = Vec::new();
        let findings = text("findings", &self.findings, 20_000, true, &mut errors);
        let agreements = text("agreements", &self.agreements, 20_000, true, &mut errors);
        let pending = text("pending", &self.pending, 20_000, true, &mut errors);
        if errors.is_empty() {
            Ok(SynthesisContent {
                findings,
                agreements,
                pending,
            })
        } else {
            Err(errors)
        }
    }
}

impl SynthesisContent {
    /// What the synthesis cites, across its sections.
    pub fn citations(&self) -> Vec<Citation> {
        citations_in(&format!(
            "{}\n{}\n{}",
            self.findings, self.agreements, self.pending
        ))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Synthesis {
    pub discussion_id: Uuid,
    pub content: SynthesisContent,
    pub author_name: Option<String>,
    pub updated_at: Timestamp,
    pub citations: Vec<Citation>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::failed_fields;

    #[test]
    fn citations_are_found_by_address_whole_or_as_a_path() {
        let practice = Uuid::now_v7();
        let provision = Uuid::now_v7();
        let contribution = Uuid::now_v7();
        let text = format!(
            "Ver https://acoge.example/practicas/{practice} y /marco-legal/disposiciones/{provision}. \
             Como dijo [otra persona](#c-{contribution}); de nuevo /practicas/{practice}. \
             /practicas/nueva no es una práctica."
        );
        assert_eq!(
            citations_in(&text),
            [
                Citation {
                    kind: CitedKind::Practice,
                    id: practice
                },
                Citation {
                    kind: CitedKind::Provision,
                    id: provision
                },
                Citation {
                    kind: CitedKind::Contribution,
                    id: contribution
                },
            ]
        );
    }

    #[test]
    fn closed_threads_take_no_contributions_and_empty_text_is_named() {
        assert_eq!(
            check_contribution(DiscussionStatus::Closed, "Hola"),
            Err(ContributionError::NotOpen(DiscussionStatus::Closed))
        );
        assert_eq!(
            check_contribution(DiscussionStatus::Open, "  "),
            Err(ContributionError::Invalid(problem(
                "body",
                FieldProblem::Required
            )))
        );
        assert_eq!(
            check_contribution(DiscussionStatus::Open, " Hola "),
            Ok("Hola".into())
        );
    }

    #[test]
    fn the_third_flag_holds_a_contribution_and_a_hide_needs_a_reason() {
        assert_eq!(
            visibility_after_flags(Visibility::Visible, 2),
            Visibility::Visible
        );
        assert_eq!(
            visibility_after_flags(Visibility::Visible, 3),
            Visibility::Held
        );
        assert_eq!(
            visibility_after_flags(Visibility::Hidden, 5),
            Visibility::Hidden
        );
        assert_eq!(Decision::parse("mantener", ""), Ok(Decision::Keep));
        assert_eq!(
            Decision::parse("ocultar", " "),
            Err(problem("reason", FieldProblem::Required))
        );
        assert_eq!(
            Decision::parse("", "x"),
            Err(problem("decision", FieldProblem::NoDecision))
        );
    }

    #[test]
    fn a_synthesis_names_each_empty_section() {
        let input = SynthesisInput {
            findings: "Hallazgo".into(),
            agreements: " ".into(),
            pending: String::new(),
        };
        let fields = failed_fields(input.validate());
        assert_eq!(fields, ["agreements", "pending"]);
    }
}
