//! INEGI geostatistical keys. They are strings with leading zeros ("07089"),
//! never integers, and they are validated once, here.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("a state key is two digits from 01 to 32, not {0:?}")]
    State(String),
    #[error("a municipality key (CVEGEO) is five digits starting with a state key, not {0:?}")]
    Municipality(String),
}

fn all_digits(value: &str, len: usize) -> bool {
    value.len() == len && value.bytes().all(|b| b.is_ascii_digit())
}

/// Clave de entidad federativa: "01" (Aguascalientes) to "32" (Zacatecas).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StateKey(String);

impl StateKey {
    pub fn parse(value: &str) -> Result<Self, KeyError> {
        let valid = all_digits(value, 2) && matches!(value.parse::<u8>(), Ok(1..=32));
        if valid {
            Ok(Self(value.to_owned()))
        } else {
            Err(KeyError::State(value.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Clave geoestadística municipal: state key (2 digits) + municipality key (3 digits).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Cvegeo(String);

impl Cvegeo {
    pub fn parse(value: &str) -> Result<Self, KeyError> {
        if all_digits(value, 5) && StateKey::parse(&value[..2]).is_ok() && &value[2..] != "000" {
            Ok(Self(value.to_owned()))
        } else {
            Err(KeyError::Municipality(value.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn state(&self) -> StateKey {
        // The constructor checked that the first two digits are a state key.
        StateKey(self.0[..2].to_owned())
    }

    /// The three-digit municipality key inside the state.
    pub fn municipality_part(&self) -> &str {
        &self.0[2..]
    }
}

macro_rules! string_key_impls {
    ($t:ty) => {
        impl TryFrom<String> for $t {
            type Error = KeyError;
            fn try_from(value: String) -> Result<Self, KeyError> {
                Self::parse(&value)
            }
        }
        impl From<$t> for String {
            fn from(key: $t) -> String {
                key.0
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
string_key_impls!(StateKey);
string_key_impls!(Cvegeo);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_keys_keep_leading_zeros_and_stay_in_range() {
        assert_eq!(StateKey::parse("07").unwrap().as_str(), "07");
        for bad in ["7", "00", "33", "aa", "007", ""] {
            assert!(StateKey::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cvegeo_knows_its_state() {
        let tapachula = Cvegeo::parse("07089").unwrap();
        assert_eq!(tapachula.state().as_str(), "07");
        assert_eq!(tapachula.municipality_part(), "089");
        for bad in ["7089", "33001", "07000", "0708a", "070890"] {
            assert!(Cvegeo::parse(bad).is_err(), "{bad}");
        }
    }
}
