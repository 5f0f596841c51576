//! Query parameters that pages and the API both read into a store or search
//! request: the practice filters and the search filters. Each page speaks
//! Spanish names and the API English ones; the rules are the same, so an
//! error names the parameter either way.

use super::params::{ParamError, Params};
use acoge_domain::{Lang, practice::PracticeStatus};
use uuid::Uuid;

/// The query parameter names of the practice filters (the API speaks English,
/// the pages Spanish).
pub struct FilterNames {
    pub text: &'static str,
    pub state: &'static str,
    pub municipality: &'static str,
    pub right: &'static str,
    pub sector: &'static str,
    pub population: &'static str,
    pub level: &'static str,
    pub gcm_objective: &'static str,
    pub covid19: &'static str,
    pub year: &'static str,
    pub status: &'static str,
    pub organization: &'static str,
    pub sort: &'static str,
}

pub const API_FILTERS: FilterNames = FilterNames {
    text: "q",
    state: "state",
    municipality: "municipality",
    right: "right",
    sector: "sector",
    population: "population",
    level: "level",
    gcm_objective: "gcm_objective",
    covid19: "covid19",
    year: "year",
    status: "status",
    organization: "organization",
    sort: "sort",
};

pub const PAGE_FILTERS: FilterNames = FilterNames {
    text: "q",
    state: "estado",
    municipality: "municipio",
    right: "derecho",
    sector: "sector",
    population: "poblacion",
    level: "nivel",
    gcm_objective: "objetivo",
    covid19: "covid",
    year: "anio",
    status: "situacion",
    organization: "organizacion",
    sort: "orden",
};

/// Reads the practice filters from query parameters, naming the bad one.
pub fn filter_from(
    params: &Params,
    names: &FilterNames,
) -> Result<(acoge_store::PracticeFilter, acoge_store::PracticeSort), ParamError> {
    use acoge_domain::{
        Cvegeo, StateKey,
        practice::{Population, Sector},
        taxonomy::{GovernmentLevel, Right},
    };
    use acoge_store::{PracticeFilter, PracticeSort};
    let filter = PracticeFilter {
        text: params
            .get(names.text)
            .map(|t| t.chars().take(200).collect()),
        state: params.parse_with(names.state, StateKey::parse)?,
        municipality: params.parse_with(names.municipality, Cvegeo::parse)?,
        right: params.parse_with(names.right, Right::parse)?,
        sector: params.parse_with(names.sector, Sector::parse)?,
        population: params.parse_with(names.population, Population::parse)?,
        level: params.parse_with(names.level, GovernmentLevel::parse)?,
        gcm_objective: params.parse_with(names.gcm_objective, |v| match v.parse::<u8>() {
            Ok(n) if (1..=23).contains(&n) => Ok(n),
            _ => Err("must be a whole number from 1 to 23"),
        })?,
        covid19: params.parse_with(names.covid19, |v| match v {
            "true" | "si" | "1" => Ok(true),
            "false" | "no" | "0" => Ok(false),
            _ => Err("must be true or false"),
        })?,
        year: params.parse_with(names.year, |v| match v.parse::<i32>() {
            Ok(y) if (1900..=2100).contains(&y) => Ok(y),
            _ => Err("must be a year such as 2021"),
        })?,
        status: params.parse_with(names.status, PracticeStatus::parse)?,
        mine: None,
        organization: params.parse_with(names.organization, Uuid::parse_str)?,
    };
    let sort = params
        .parse_with(names.sort, |v| match v {
            "recent" | "recientes" => Ok(PracticeSort::Recent),
            "title" | "titulo" => Ok(PracticeSort::Title),
            "start" | "inicio" => Ok(PracticeSort::StartYear),
            _ => Err("must be recent, title or start"),
        })?
        .unwrap_or_default();
    Ok((filter, sort))
}

/// Results deeper than this are not served: the index would have to rank
/// them all, and nobody reads that far. Narrowing the search is the answer.
pub const MAX_RESULT_DEPTH: usize = 10_000;

/// The names of the search parameters on pages (Spanish) and in the API.
pub struct ParamNames {
    pub kind: &'static str,
    pub state: &'static str,
    pub municipality: &'static str,
    pub right: &'static str,
    pub sector: &'static str,
}

pub const PAGE_PARAMS: ParamNames = ParamNames {
    kind: "tipo",
    state: "estado",
    municipality: "municipio",
    right: "derecho",
    sector: "sector",
};

pub const API_PARAMS: ParamNames = ParamNames {
    kind: "type",
    state: "state",
    municipality: "municipality",
    right: "right",
    sector: "sector",
};

/// Reads the text and filters of a search; paging is the caller's.
pub fn request_from(
    params: &Params,
    names: &ParamNames,
    lang: Lang,
) -> Result<acoge_search::SearchRequest, ParamError> {
    use acoge_domain::{Cvegeo, StateKey, practice::Sector, taxonomy::Right};
    use acoge_store::SearchableKind;
    let mut request = acoge_search::SearchRequest::new(params.get("q").unwrap_or(""), lang);
    request.kind = params.parse_with(names.kind, |v| {
        SearchableKind::from_entity(v).ok_or_else(|| {
            let kinds: Vec<&str> = SearchableKind::ALL.iter().map(|k| k.entity()).collect();
            format!("must be one of: {}", kinds.join(", "))
        })
    })?;
    request.state = params
        .parse_with(names.state, StateKey::parse)?
        .map(|k| k.as_str().to_owned());
    request.municipality = params
        .parse_with(names.municipality, Cvegeo::parse)?
        .map(|k| k.as_str().to_owned());
    request.right = params
        .parse_with(names.right, Right::parse)?
        .map(|r| r.slug().to_owned());
    request.sector = params
        .parse_with(names.sector, Sector::parse)?
        .map(|s| s.slug().to_owned());
    Ok(request)
}

/// Sets the page of `request`, refusing pages past `MAX_RESULT_DEPTH`.
pub fn set_page(
    request: &mut acoge_search::SearchRequest,
    page: u32,
    per_page: u32,
) -> Result<(), ParamError> {
    let offset = (page.max(1) as usize - 1) * per_page as usize;
    if offset >= MAX_RESULT_DEPTH {
        return Err(ParamError {
            name: "page".to_owned(),
            reason: format!(
                "only the first {MAX_RESULT_DEPTH} results can be paged through; add words or filters"
            ),
        });
    }
    request.offset = offset;
    request.limit = per_page as usize;
    Ok(())
}
