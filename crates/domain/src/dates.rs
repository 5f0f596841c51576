//! Dates as precise as the source allows. A law known only by its year stays
//! "2011"; inventing a day would be inventing a fact.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PartialDate {
    pub year: i16,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a date is YYYY, YYYY-MM or YYYY-MM-DD, not {0:?}")]
pub struct DateError(pub String);

impl PartialDate {
    pub fn parse(value: &str) -> Result<Self, DateError> {
        let err = || DateError(value.to_owned());
        let mut parts = value.trim().split('-');
        let year_text = parts.next().ok_or_else(err)?;
        if year_text.len() != 4 {
            return Err(err());
        }
        let year: i16 = year_text.parse().map_err(|_| err())?;
        let mut number = |len: usize| -> Result<Option<u8>, DateError> {
            match parts.next() {
                None => Ok(None),
                Some(p) if p.len() == len => p.parse().map(Some).map_err(|_| err()),
                Some(_) => Err(err()),
            }
        };
        let month = number(2)?;
        let day = number(2)?;
        // Years before 1000 never occur in the field's records: they are typos.
        if parts.next().is_some() || year < 1000 {
            return Err(err());
        }
        match (month, day) {
            (Some(m), Some(d)) => {
                jiff::civil::Date::new(year, m as i8, d as i8).map_err(|_| err())?;
            }
            (Some(m), None) if !(1..=12).contains(&m) => return Err(err()),
            _ => {}
        }
        Ok(Self { year, month, day })
    }

    /// Optional field helper: an empty cell is no date, not an error.
    pub fn parse_optional(value: &str) -> Result<Option<Self>, DateError> {
        if value.trim().is_empty() {
            Ok(None)
        } else {
            Self::parse(value).map(Some)
        }
    }

    pub fn is_complete(&self) -> bool {
        self.day.is_some()
    }

    /// Whether the date starts after `today`: "2031" is after 2030-12-31,
    /// "2026-11" is not after 2026-11-28 (it may be today).
    pub fn is_after(&self, today: jiff::civil::Date) -> bool {
        let month = i8::try_from(self.month.unwrap_or(1)).unwrap_or(1);
        let day = i8::try_from(self.day.unwrap_or(1)).unwrap_or(1);
        (self.year, month, day) > (today.year(), today.month(), today.day())
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}", self.year)?;
        if let Some(month) = self.month {
            write!(f, "-{month:02}")?;
        }
        if let Some(day) = self.day {
            write!(f, "-{day:02}")?;
        }
        Ok(())
    }
}

impl TryFrom<String> for PartialDate {
    type Error = DateError;
    fn try_from(value: String) -> Result<Self, DateError> {
        Self::parse(&value)
    }
}

impl From<PartialDate> for String {
    fn from(date: PartialDate) -> String {
        date.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_date_is_after_today_only_when_its_first_day_is() {
        let today = jiff::civil::date(2026, 11, 28);
        let after = |v: &str| PartialDate::parse(v).unwrap().is_after(today);
        assert!(after("2027") && after("2026-12") && after("2026-11-29"));
        assert!(!after("2026") && !after("2026-11") && !after("2026-11-28"));
        assert!(!after("2020-11-10"));
    }

    #[test]
    fn keeps_the_precision_of_the_source() {
        for text in ["2011", "2018-12", "2011-05-25"] {
            assert_eq!(PartialDate::parse(text).unwrap().to_string(), text);
        }
        for bad in [
            "11",
            "2011-13",
            "2021-02-30",
            "2011-5-1",
            "x",
            "2011-05-25-1",
            "0999",
        ] {
            assert!(PartialDate::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(PartialDate::parse_optional(" ").unwrap(), None);
    }
}
