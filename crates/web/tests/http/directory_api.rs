//! The directory API.
