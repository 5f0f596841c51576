//! Acoge's vocabulary: the types every other crate speaks, the taxonomies of the
//! field, and the rules that decide whether a value is acceptable. No I/O here,
//! so every rule can be tested in isolation and shared by the web forms, the
//! API, the importers and the store.

pub mod accounts;
pub mod alliance;
pub mod dates;
pub mod directory;
pub mod discussion;
pub mod event;
pub mod event_edit;
pub mod fields;
pub mod geo;
pub mod keys;
pub mod lang;
pub mod legal;
pub mod legal_change;
pub mod organization;
pub mod page;
pub mod practice;
pub mod provenance;
pub mod reference;
pub mod registration;
pub mod responsibilities;
pub mod service;
pub mod taxonomy;
pub mod time;
pub mod working_group;

pub use keys::{Cvegeo, KeyError, StateKey};
pub use lang::Lang;
pub use provenance::Provenance;
pub use time::Timestamp;
