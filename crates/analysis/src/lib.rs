//! Acoge's answers to guiding question 2, "with which sectors and
//! institutions can a municipality ally?": the alliance network and its
//! brokers (`network`), a drawing of it (`layout`), which sectors a
//! municipality has covered and where the gaps are (`coverage`), who could
//! fill a gap and why (`suggestions`), and which alliances cross government,
//! civil society and international actors (`intersectoral`).
//!
//! `directory` runs them all once over the whole directory and indexes the
//! facts by place, for a caller that computes in the background and answers
//! many requests from one result.
//!
//! Pure computation on owned facts (`facts`) the caller reads from the store:
//! no I/O, no clock, no randomness (a sampled estimate uses a fixed seed), so
//! equal inputs give equal outputs.

pub mod coverage;
pub mod directory;
pub mod facts;
pub mod intersectoral;
pub mod layout;
pub mod network;
mod presence;
pub mod suggestions;

pub use coverage::{Coverage, CoverageLevel, SectorCoverage, sector_coverage};
pub use directory::{DirectoryAnalysis, ListedAlliance, OrganizationEntry, PlaceCount};
pub use facts::{
    AllianceFacts, Facts, MunicipalityFacts, OrganizationFacts, ServiceFacts, Territory,
};
pub use intersectoral::{ActorGroup, actor_group, actor_groups, is_intersectoral, member_kinds};
pub use layout::{Frame, LayoutError, Placement, layout};
pub use network::{AllianceNetwork, Component, Edge, NodeMetrics, analyze_network};
pub use suggestions::{Reason, Suggestion, suggest_partners};
