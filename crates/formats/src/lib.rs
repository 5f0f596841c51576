//! Acoge's exchange formats. Today: the reference data files (CSV, GeoJSON and
//! the events file), read into validated domain values with errors that name
//! the file, the line and the column.

pub mod csv_out;
pub mod csv_rows;
pub mod error;
pub mod examples;
pub mod hsds;
pub mod hxl;
pub mod icalendar;
pub mod reference;
pub mod services;

pub use error::FormatError;
