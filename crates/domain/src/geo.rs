//! States and municipalities of Mexico (INEGI), and why a municipality matters
//! for human mobility.

use crate::{Cvegeo, Provenance, StateKey, taxonomy::MigrationContext};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct State {
    pub key: StateKey,
    /// ISO 3166-2:MX code, e.g. "MX-CHP".
    pub iso_code: String,
    pub name: String,
    pub abbreviation: String,
    /// Census 2020; `None` is "sin dato", never zero.
    pub population: Option<u64>,
}

/// A point on the map in WGS84 degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Coordinates {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CoordinatesError {
    #[error("latitude and longitude must be given together")]
    Incomplete,
    #[error("({lat}, {lon}) is outside Mexico")]
    OutsideMexico { lat: f64, lon: f64 },
}

impl Coordinates {
    /// Mexico's extent with a small margin (islands included): lat 14..33, lon -119..-86.
    pub fn in_mexico(lat: f64, lon: f64) -> Result<Self, CoordinatesError> {
        if (14.0..=33.0).contains(&lat) && (-119.0..=-86.0).contains(&lon) {
            Ok(Self { lat, lon })
        } else {
            Err(CoordinatesError::OutsideMexico { lat, lon })
        }
    }

    /// Great-circle distance in kilometres (haversine).
    pub fn distance_km(&self, other: &Coordinates) -> f64 {
        let (la1, la2) = (self.lat.to_radians(), other.lat.to_radians());
        let dlat = la2 - la1;
        let dlon = (other.lon - self.lon).to_radians();
        let a = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
        2.0 * 6371.0 * a.sqrt().asin()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Municipality {
    pub cvegeo: Cvegeo,
    pub state_key: StateKey,
    pub name: String,
    /// Seat (cabecera) locality key; Mexico City's alcaldías have none ("----").
    pub seat_key: Option<String>,
    pub seat_name: Option<String>,
    pub population: Option<u64>,
    pub dwellings: Option<u64>,
    pub metro_area: Option<String>,
    /// Two municipalities created after 2020 have no seat coordinates.
    pub seat: Option<Coordinates>,
}

/// One migration context of a municipality, with its source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MunicipalContext {
    pub cvegeo: Cvegeo,
    pub context: MigrationContext,
    pub detail: String,
    pub provenance: Provenance,
}

/// Folds a name for accent- and case-insensitive matching ("Ñuu Savi" → "nuu savi").
pub fn fold_name(name: &str) -> String {
    name.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            'ñ' => 'n',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_outside_mexico_are_refused() {
        assert!(Coordinates::in_mexico(14.9, -92.26).is_ok());
        assert!(Coordinates::in_mexico(40.4, -3.7).is_err());
    }

    #[test]
    fn distance_tapachula_to_tijuana_is_about_3180_km() {
        let tapachula = Coordinates::in_mexico(14.9, -92.26).unwrap();
        let tijuana = Coordinates::in_mexico(32.53, -117.04).unwrap();
        let d = tapachula.distance_km(&tijuana);
        assert!((3150.0..3210.0).contains(&d), "{d}");
    }

    #[test]
    fn folding_removes_accents_and_case() {
        assert_eq!(fold_name("Ñuu Savi"), "nuu savi");
        assert_eq!(fold_name("Ciudad Juárez"), "ciudad juarez");
    }
}
