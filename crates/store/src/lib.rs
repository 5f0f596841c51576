//! Acoge's storage: one API over an embedded SQLite file and a PostgreSQL
//! server. Each query is written once and compiled for both backends by the
//! `dispatch!` macro, in a `Db` method or in a write step several methods
//! share (a function taking the caller's transaction as a `db::Tx`);
//! migrations live in one folder per backend with the same version numbers.

// The connection and what every capability uses: `Db` and `dispatch!`,
// `Tx` for the write steps several methods share, errors, row and time
// conversions, scratch databases for tests.
mod db;
mod error;
mod rows;
pub mod scratch;
mod sql;
mod time;

// Written by every change, in its transaction: who did what, and what the
// search index must follow.
mod audit;
mod links;
mod outbox;

// One module per capability, each an `impl Db` block (reads and writes).
mod accounts; // members, sessions, invitations, password resets, API tokens, rate limits
mod alliances; // declared and derived alliances
mod directory; // the services data set, organizations' directory entries, analysis facts
mod discussions; // threads, contributions, flags, syntheses
mod event_edits; // moderators creating and changing events
mod events; // events as read
mod geo; // states and municipalities
mod legal; // legal instruments, provisions and figures as read
mod legal_changes; // moderators' changes to instruments and provisions, with versions
mod notifications; // in-app notifications and the daily digest
mod organizations; // the organizations of the directory
mod practices; // good practices, their reviews, replies and versions
mod registrations; // registration for events, the waiting list, attendance
mod services; // services: reads and members' changes
mod working_groups; // working groups and the collaboration framework

// Bulk and derived data: the reference import, the demo corpus, what the
// search index reads, the full-text benchmark's anchor.
mod demo;
mod fts_anchor;
mod reference;
mod search_feed;

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
pub use outbox::{ChangeFeed, ChangeWatch, OutboxEntry, Wake};
pub use practices::{
    Facets, NewPractice, NewReview, PracticeFilter, PracticeRecord, PracticeSort, ReplyRecord,
    ReviewRecord, VersionRecord, Visibility,
};
pub use reference::{ImportOutcome, ImportProgress};
pub use registrations::Registrant;
pub use search_feed::{SearchableKind, SearchableMunicipality};
pub use services::{NearbyService, ServiceFilter, ServiceRecord};
