//! Who must guarantee which right: rights × levels of government, each cell
//! holding the provisions that bind that level for that right.
//!
//! The matrix is derived from the provisions, never typed in: a cell is empty
//! when no provision recorded binds that level for that right, which says
//! "no recorded basis", not "no responsibility".

use crate::{
    Cvegeo, StateKey,
    legal::{LegalInstrument, MeasureLevel, Provision},
    taxonomy::{GovernmentLevel, Right},
};
use std::collections::BTreeMap;

/// The provisions of every (right, level) pair that has any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Matrix {
    cells: BTreeMap<(Right, GovernmentLevel), Vec<Provision>>,
}

impl Matrix {
    /// Places each provision in every cell of its rights × the levels it binds.
    pub fn from_provisions(provisions: &[Provision]) -> Matrix {
        let mut cells: BTreeMap<(Right, GovernmentLevel), Vec<Provision>> = BTreeMap::new();
        for provision in provisions {
            for &right in &provision.rights {
                for &level in &provision.binds {
                    let cell = cells.entry((right, level)).or_default();
                    if !cell.iter().any(|p| p.id == provision.id) {
                        cell.push(provision.clone());
                    }
                }
            }
        }
        Matrix { cells }
    }

    /// The rights some provision names, in the vocabulary's order ("all
    /// rights" first).
    pub fn rights(&self) -> Vec<Right> {
        Right::ALL
            .iter()
            .copied()
            .filter(|right| self.cells.keys().any(|(r, _)| r == right))
            .collect()
    }

    /// The provisions binding `level` for `right`.
    pub fn cell(&self, right: Right, level: GovernmentLevel) -> &[Provision] {
        self.cells
            .get(&(right, level))
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// How many distinct provisions bind `level`, over all rights: how much
    /// of the recorded framework that level carries.
    pub fn load(&self, level: GovernmentLevel) -> usize {
        let mut ids: Vec<_> = self
            .cells
            .iter()
            .filter(|((_, l), _)| *l == level)
            .flat_map(|(_, provisions)| provisions.iter().map(|p| p.id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    }

    /// The largest number of provisions in one cell (scales a heat map).
    pub fn largest_cell(&self) -> usize {
        self.cells.values().map(Vec::len).max().unwrap_or(0)
    }
}

/// What one level of government must guarantee in a place: each right with
/// the provisions that bind that level for it.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelMandate {
    pub level: GovernmentLevel,
    pub rights: Vec<(Right, Vec<Provision>)>,
}

/// The mandate ("mandato") of a municipality, its state and the federation:
/// nearest level first, rights with no recorded provision left out.
pub fn mandate(matrix: &Matrix) -> Vec<LevelMandate> {
    [
        GovernmentLevel::Municipal,
        GovernmentLevel::State,
        GovernmentLevel::Federal,
    ]
    .into_iter()
    .map(|level| LevelMandate {
        level,
        rights: matrix
            .rights()
            .into_iter()
            .filter_map(|right| {
                let provisions = matrix.cell(right, level);
                (!provisions.is_empty()).then(|| (right, provisions.to_vec()))
            })
            .collect(),
    })
    .collect()
}

/// Whether an instrument is law in a municipality: national instruments
/// everywhere ("MX"), a state's in that state, a municipality's there.
pub fn applies_in(instrument: &LegalInstrument, state: &StateKey, municipality: &Cvegeo) -> bool {
    let jurisdiction = instrument.jurisdiction.trim();
    jurisdiction == "MX" || jurisdiction == state.as_str() || jurisdiction == municipality.as_str()
}

/// The provisions whose instrument is law in a municipality.
pub fn in_force(
    provisions: Vec<Provision>,
    instruments: &[LegalInstrument],
    state: &StateKey,
    municipality: &Cvegeo,
) -> Vec<Provision> {
    provisions
        .into_iter()
        .filter(|p| {
            instruments
                .iter()
                .find(|i| i.id == p.instrument_id)
                .is_some_and(|i| applies_in(i, state, municipality))
        })
        .collect()
}

/// Whether a COVID-19 measure was taken at `level`: federal measures (and
/// national ones, taken by the federation for the whole country) bind the
/// federal level; local ones the state or municipal level, which the data
/// does not tell apart.
pub fn measure_applies(measure: MeasureLevel, level: GovernmentLevel) -> bool {
    match measure {
        MeasureLevel::National | MeasureLevel::Federal => level == GovernmentLevel::Federal,
        MeasureLevel::Local => level != GovernmentLevel::Federal,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn provision(article: &str, rights: &[Right], binds: &[GovernmentLevel]) -> Provision {
        Provision {
            id: Uuid::now_v7(),
            instrument_id: "ley".into(),
            article: article.into(),
            theme: "tema".into(),
            rights: rights.to_vec(),
            binds: binds.to_vec(),
            summary: "resumen".into(),
            institutions: Vec::new(),
            in_force_from: None,
            source: None,
            verified: true,
            version: 1,
        }
    }

    #[test]
    fn each_provision_lands_in_every_cell_of_its_rights_and_levels() {
        use GovernmentLevel::*;
        let health = provision("4", &[Right::Health, Right::Identity], &[Federal, State]);
        let school = provision("3", &[Right::Education], &[Federal, State, Municipal]);
        let matrix = Matrix::from_provisions(&[health.clone(), school.clone()]);
        assert_eq!(
            matrix.rights(),
            [Right::Health, Right::Education, Right::Identity]
        );
        assert_eq!(
            matrix.cell(Right::Health, State),
            std::slice::from_ref(&health)
        );
        assert_eq!(
            matrix.cell(Right::Identity, Federal),
            std::slice::from_ref(&health)
        );
        assert!(matrix.cell(Right::Health, Municipal).is_empty());
        assert_eq!(matrix.cell(Right::Education, Municipal), [school]);
        // Two rights of one provision count once in a level's load.
        assert_eq!(matrix.load(Federal), 2);
        assert_eq!(matrix.load(Municipal), 1);
        assert_eq!(matrix.largest_cell(), 1);
        assert_eq!(Matrix::from_provisions(&[]).load(Federal), 0);
    }

    #[test]
    fn a_mandate_lists_each_level_nearest_first_with_its_rights() {
        use GovernmentLevel::*;
        let health = provision("4", &[Right::Health], &[Federal, State]);
        let everyone = provision("1", &[Right::All], &[Federal, State, Municipal]);
        let levels = mandate(&Matrix::from_provisions(&[
            health.clone(),
            everyone.clone(),
        ]));
        assert_eq!(
            levels.iter().map(|l| l.level).collect::<Vec<_>>(),
            [Municipal, State, Federal]
        );
        assert_eq!(levels[0].rights, [(Right::All, vec![everyone.clone()])]);
        assert_eq!(
            levels[1].rights,
            [(Right::All, vec![everyone]), (Right::Health, vec![health])]
        );
    }

    #[test]
    fn national_instruments_apply_everywhere_and_state_ones_in_their_state() {
        let instrument = |jurisdiction: &str| LegalInstrument {
            id: "x".into(),
            level: crate::legal::InstrumentLevel::Federal,
            jurisdiction: jurisdiction.into(),
            name: "x".into(),
            published: None,
            notes: None,
            provenance: crate::Provenance {
                sources: Vec::new(),
                verified: false,
            },
        };
        let chiapas = StateKey::parse("07").unwrap();
        let tapachula = Cvegeo::parse("07089").unwrap();
        assert!(applies_in(&instrument("MX"), &chiapas, &tapachula));
        assert!(applies_in(&instrument("07"), &chiapas, &tapachula));
        assert!(applies_in(&instrument("07089"), &chiapas, &tapachula));
        assert!(!applies_in(&instrument("02"), &chiapas, &tapachula));
    }

    #[test]
    fn local_measures_are_state_or_municipal_and_national_ones_federal() {
        use GovernmentLevel::*;
        assert!(measure_applies(MeasureLevel::National, Federal));
        assert!(!measure_applies(MeasureLevel::National, Municipal));
        assert!(measure_applies(MeasureLevel::Local, State));
        assert!(measure_applies(MeasureLevel::Local, Municipal));
        assert!(!measure_applies(MeasureLevel::Local, Federal));
    }
}
