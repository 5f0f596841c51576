//! Instants kept to the microsecond, the precision both SQLite (as an integer)
//! and PostgreSQL (timestamptz) store without loss, so values sort and compare
//! the same on both backends.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("an instant is an RFC 3339 date and time with offset, not {0:?}")]
pub struct TimestampError(pub String);

impl Timestamp {
    pub fn now() -> Self {
        Self::from_jiff(jiff::Timestamp::now())
    }

    /// Today's date in UTC. Mexico is behind UTC, so a date that is today
    /// anywhere in Mexico is never after it: dates checked against it are
    /// refused only when surely in the future.
    pub fn today() -> jiff::civil::Date {
        jiff::Timestamp::now()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date()
    }

    pub fn from_micros(micros: i64) -> Self {
        Self(micros)
    }

    pub fn as_micros(self) -> i64 {
        self.0
    }

    pub fn from_jiff(ts: jiff::Timestamp) -> Self {
        // i128 microseconds of any jiff timestamp (years -9999..=9999) fit in i64.
        Self(ts.as_microsecond())
    }

    pub fn to_jiff(self) -> jiff::Timestamp {
        // Every value built by this type came from a valid jiff timestamp or the
        // store, which only holds such values; clamp defensively otherwise.
        jiff::Timestamp::from_microsecond(self.0).unwrap_or(jiff::Timestamp::MAX)
    }

    pub fn parse_rfc3339(value: &str) -> Result<Self, TimestampError> {
        value
            .parse::<jiff::Timestamp>()
            .map(Self::from_jiff)
            .map_err(|_| TimestampError(value.to_owned()))
    }

    /// The instant in a time zone, for display.
    pub fn in_zone(self, zone: &jiff::tz::TimeZone) -> jiff::Zoned {
        self.to_jiff().to_zoned(zone.clone())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_jiff())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.to_jiff())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse_rfc3339(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_rfc3339_to_the_microsecond() {
        let t = Timestamp::parse_rfc3339("2020-11-10T18:00:00.123456Z").unwrap();
        assert_eq!(t.to_string(), "2020-11-10T18:00:00.123456Z");
        assert!(Timestamp::parse_rfc3339("2020-11-10 18:00").is_err());
    }
}
