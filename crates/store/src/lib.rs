//! Acoge's storage: one API over an embedded SQLite file and a PostgreSQL
//! server. Each query is written once and compiled for both pools by the
//! `dispatch!` macro; migrations live in one folder per backend with the same
//! version numbers.

mod accounts;
mod alliances;
mod audit;
mod db;
mod demo;
mod directory;
mod discussions;
mod error;
mod event_edits;
mod events;
mod fts_anchor;
mod geo;
mod legal;
mod legal_changes;
mod notifications;
mod organizations;
mod outbox;
mod practices;
mod reference;
mod registrations;
mod rows;
pub mod scratch;
mod search_feed;
mod service_writes;
mod services;
mod time;
mod working_groups;

pub use accounts::{
    ApiTokenRecord, CredentialsRevoked, InvitationRecord, LinkProblem, MemberRecord, NewMember,
};
pub use alliances::AllianceRecord;
pub use audit::{AuditEntry, AuditRecord};
pub use db::{Backend, Db};
pub use demo::DEMO_BATCH;
pub use directory::SERVICES_DATASET;
pub use discussions::{Contributed, NewContribution, QueuedContribution};
pub use error::StoreError;
pub use events::EventSummary;
pub use fts_anchor::{AnchorDocument, AnchorResults};
pub use geo::{ContextEntry, ContextScope, KeyFigures, MunicipalityFilter, StateOverview};
pub use legal_changes::{Change, LegalVersion};
pub use notifications::{DueDigest, NotificationRecord};
pub use organizations::OrganizationFilter;
pub use outbox::{ChangeFeed, OutboxEntry, Wake};
pub use practices::{
    Facets, NewPractice, NewReview, PracticeFilter, PracticeRecord, PracticeSort, ReplyRecord,
    ReviewRecord, VersionRecord, Visibility,
};
pub use reference::{ImportOutcome, ImportProgress};
pub use registrations::Registrant;
pub use search_feed::{SearchableKind, SearchableMunicipality};
pub use services::{NearbyService, ServiceFilter, ServiceRecord};
