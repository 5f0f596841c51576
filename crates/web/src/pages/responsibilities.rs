//! The responsibilities matrix: rights × levels of government, and one page
//! per cell with the provisions behind it.

use super::{Chrome, Ctx, PageResult, render};
use crate::{AppState, app::legal_framework, http::ids::Id};
use acoge_domain::Cvegeo;
use acoge_domain::{
    legal::{CovidMeasure, LegalInstrument, Provision, StateLaw},
    responsibilities::{LevelMandate, Matrix, measure_applies},
    taxonomy::{GovernmentLevel, Right},
};
use askama::Template;
use axum::extract::State;

/// One row of the matrix: a right and its count per level.
pub struct Row {
    pub right: Right,
    /// (level, provisions, heat 0–4) in `GovernmentLevel::ALL` order.
    pub cells: Vec<(GovernmentLevel, u64, usize)>,
}

/// The heat class of a cell with `count` provisions when the fullest has
/// `largest`: 0 for none, then four steps.
fn heat(count: usize, largest: usize) -> usize {
    if count == 0 || largest == 0 {
        0
    } else {
        (count * 4).div_ceil(largest).clamp(1, 4)
    }
}

#[derive(Template)]
#[template(path = "responsibilities.html")]
struct MatrixPage {
    chrome: Chrome,
    levels: Vec<(GovernmentLevel, u64)>,
    rows: Vec<Row>,
}

impl MatrixPage {
    /// Height of the heat map's drawing.
    fn svg_height(&self) -> usize {
        SVG_TOP + self.rows.len() * SVG_ROW
    }

    /// Top of the row of the `row`-th right.
    fn row_y(&self, row: &usize) -> usize {
        SVG_TOP + row * SVG_ROW
    }

    /// Left edge of the `column`-th level's cells.
    fn column_x(&self, column: &usize) -> usize {
        SVG_LABELS + column * SVG_COLUMN
    }

    fn cell_width(&self) -> usize {
        SVG_CELL
    }

    /// Centre of the `column`-th level's cells, where its texts sit.
    fn column_centre(&self, column: &usize) -> usize {
        self.column_x(column) + SVG_CELL / 2
    }
}

/// The heat map's geometry (user units): a label column, then one column
/// per level; rows of equal height under a header.
const SVG_LABELS: usize = 188;
const SVG_COLUMN: usize = 66;
/// A cell's width: a column less the gap between cells.
const SVG_CELL: usize = 64;
const SVG_TOP: usize = 28;
const SVG_ROW: usize = 24;

pub async fn show(State(app): State<AppState>, ctx: Ctx) -> PageResult {
    let matrix = Matrix::from_provisions(&legal_framework::provisions(&app).await?);
    let largest = matrix.largest_cell();
    let rows = matrix
        .rights()
        .into_iter()
        .map(|right| Row {
            right,
            cells: GovernmentLevel::ALL
                .iter()
                .map(|&level| {
                    let count = matrix.cell(right, level).len();
                    (level, count as u64, heat(count, largest))
                })
                .collect(),
        })
        .collect();
    render(&MatrixPage {
        chrome: ctx.chrome(ctx.tr.t("responsibilities-title"), "responsibilities"),
        levels: GovernmentLevel::ALL
            .iter()
            .map(|&level| (level, matrix.load(level) as u64))
            .collect(),
        rows,
    })
}

/// A provision with the instrument it belongs to.
pub struct Basis {
    pub provision: Provision,
    pub instrument: Option<LegalInstrument>,
}

#[derive(Template)]
#[template(path = "responsibility.html")]
struct CellPage {
    chrome: Chrome,
    /// The cell's own provisions, then those on every right that bind
    /// this level: (heading, provisions).
    sections: Vec<(String, Vec<Basis>)>,
    /// Every institution the cell's provisions name, in first-seen order.
    institutions: Vec<String>,
    covid: Vec<CovidMeasure>,
}

pub async fn cell(
    State(app): State<AppState>,
    ctx: Ctx,
    Id((right, level)): Id<(Right, GovernmentLevel)>,
) -> PageResult {
    let instruments = legal_framework::legal_instruments(&app).await?;
    let matrix = Matrix::from_provisions(&legal_framework::provisions(&app).await?);
    let with_instrument = |provisions: &[Provision]| -> Vec<Basis> {
        provisions
            .iter()
            .map(|p| Basis {
                instrument: instruments
                    .iter()
                    .find(|i| i.id == p.instrument_id)
                    .cloned(),
                provision: p.clone(),
            })
            .collect()
    };
    let mut sections = vec![(
        ctx.tr.t("responsibilities-provisions"),
        with_instrument(matrix.cell(right, level)),
    )];
    if right != Right::All {
        sections.push((
            ctx.tr.t("responsibilities-general"),
            with_instrument(matrix.cell(Right::All, level)),
        ));
    }
    let title = format!(
        "{} · {}",
        ctx.tr.label(right.message_key()),
        ctx.tr.label(level.message_key())
    );
    let mut institutions: Vec<String> = Vec::new();
    for basis in sections.iter().flat_map(|(_, bases)| bases) {
        for name in &basis.provision.institutions {
            if !institutions.contains(name) {
                institutions.push(name.clone());
            }
        }
    }
    render(&CellPage {
        chrome: ctx.chrome(title, "responsibilities"),
        sections,
        institutions,
        covid: legal_framework::covid_measures(&app)
            .await?
            .into_iter()
            .filter(|c| measure_applies(c.level, level))
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "mandate.html")]
struct MandatePage {
    chrome: Chrome,
    cvegeo: String,
    name: String,
    state_key: String,
    state_name: String,
    levels: Vec<LevelMandate>,
    state_laws: Vec<StateLaw>,
}

impl MandatePage {
    /// The heading of a level's section: the municipality, its state, or the federation.
    fn level_heading(&self, level: &GovernmentLevel) -> String {
        let tr = &self.chrome.tr;
        match level {
            GovernmentLevel::Municipal => tr.with_text("mandate-municipal", "name", &self.name),
            GovernmentLevel::State => tr.with_text("mandate-state", "name", &self.state_name),
            GovernmentLevel::Federal => tr.t("mandate-federal"),
        }
    }
}

/// What a municipality, its state and the federation must guarantee there.
pub async fn municipality_mandate(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(key): Id<Cvegeo>,
) -> PageResult {
    let (cvegeo, municipality, state_name) = super::geo::municipality_and_state(&app, key).await?;
    let mandate = legal_framework::mandate(&app, &cvegeo, &municipality.state_key).await?;
    let title = ctx
        .tr
        .with_text("mandate-title", "name", &municipality.name);
    render(&MandatePage {
        chrome: ctx.chrome(title, "municipalities"),
        cvegeo: cvegeo.as_str().to_owned(),
        name: municipality.name,
        state_key: municipality.state_key.as_str().to_owned(),
        state_name,
        levels: mandate.levels,
        state_laws: mandate.state_laws,
    })
}

#[cfg(test)]
mod tests {
    use super::heat;

    #[test]
    fn heat_has_four_steps_above_none() {
        assert_eq!(heat(0, 5), 0);
        assert_eq!(heat(1, 5), 1);
        assert_eq!(heat(3, 5), 3);
        assert_eq!(heat(5, 5), 4);
        assert_eq!(heat(0, 0), 0);
    }
}
