//! Search across practices, organizations, legal provisions and
//! instruments, events and municipalities.

use super::error::{ApiResult, ErrorBody};
use super::openapi::QueryErrors;
use crate::{
    AppState,
    app::search,
    http::{
        filters::{self, API_PARAMS},
        params::{ParamError, Params},
    },
    render::hits,
};
use acoge_domain::{Lang, page::PageRequest};
use acoge_search::{FacetKind, Notice};
use axum::{
    Json,
    extract::{RawQuery, State},
};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// One result.
#[derive(Serialize, ToSchema)]
pub struct HitJson {
    /// practice, organization, provision, instrument, event or municipality.
    #[serde(rename = "type")]
    pub kind: String,
    /// The record's id (UUID, instrument id or CVEGEO).
    pub id: String,
    pub title: String,
    /// The address of its page on this site.
    pub url: String,
    /// An excerpt with the matched words marked in `<mark>`; the text is HTML-escaped.
    pub snippet: String,
    /// The same excerpt as plain text.
    pub snippet_text: String,
    /// Byte ranges of `snippet_text` that matched.
    pub highlights: Vec<[usize; 2]>,
    /// Relevance (BM25); only comparable within one answer.
    pub score: f32,
    /// False means "por verificar".
    pub verified: bool,
}

#[derive(Serialize, ToSchema)]
pub struct FacetValueJson {
    pub value: String,
    pub count: u64,
}

#[derive(Serialize, ToSchema)]
pub struct SearchJson {
    pub query: String,
    /// Results over all pages.
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    /// The largest `per_page` served; larger values are capped to it (see `notices`).
    pub max_per_page: u32,
    pub hits: Vec<HitJson>,
    /// Counts per value of `type`, `state`, `municipality`, `right` and `sector`
    /// over all results, most frequent first (at most 40 values each).
    pub facets: BTreeMap<String, Vec<FacetValueJson>>,
    /// What was adjusted: `truncated`, `unbalanced_quote`, `too_many_words`,
    /// `some_words`, `also_some_words`, `approximate`, `only_common_words`, `per_page_capped`;
    /// and `index_building`: the search index is being built (after a first
    /// start or an upgrade), so results may be missing until it is done.
    pub notices: Vec<String>,
    /// False while the search index is being built: the answer comes from
    /// what it holds so far (see the `index_building` notice).
    pub index_complete: bool,
}

fn notice_name(notice: Notice) -> String {
    serde_json::to_value(notice)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Searches everything public. Words are matched in Spanish and English
/// (accents, inflections and the field's synonyms included); put phrases in
/// double quotes; the last word also matches as the start of a longer word.
#[utoipa::path(get, path = "/api/v1/search", tag = "search",
    params(
        ("q" = Option<String>, Query, description = "What to look for; empty lists everything (filtered)"),
        ("type" = Option<String>, Query, description = "practice, organization, provision, instrument, event or municipality"),
        ("state" = Option<String>, Query, description = "INEGI state key"),
        ("municipality" = Option<String>, Query, description = "CVEGEO of a municipality"),
        ("right" = Option<String>, Query, description = "A right (e.g. salud)"),
        ("sector" = Option<String>, Query, description = "A sector (e.g. vivienda_albergue)"),
        ("lang" = Option<String>, Query, description = "es or en: the language of titles and excerpts"),
        ("facets" = Option<bool>, Query, description = "false skips the facet counts"),
        ("page" = Option<u32>, Query, description = "Page number, from 1; only the first 10,000 results can be paged through", minimum = 1, maximum = 1000000),
        ("per_page" = Option<u32>, Query, description = "Results per page (default 20); more than 100 is capped to 100", minimum = 1)
    ),
    responses((status = 200, body = SearchJson), QueryErrors,
        (status = 503, body = ErrorBody, description = "The search index is not available")))]
pub async fn search(
    State(app): State<AppState>,
    RawQuery(query): RawQuery,
) -> ApiResult<SearchJson> {
    let params = Params::parse(query.as_deref())?;
    let lang = params
        .parse_with("lang", |v| Lang::from_tag(v).ok_or("must be es or en"))?
        .unwrap_or(Lang::Es);
    let mut request = filters::request_from(&params, &API_PARAMS, lang)?;
    request.facets = params
        .parse_with("facets", |v| match v {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err("must be true or false"),
        })?
        .unwrap_or(true);
    let whole = |name: &str, min: u32| {
        params.parse_with(name, |v| match v.parse::<u64>() {
            Ok(n) if n >= u64::from(min) => Ok(n),
            _ => Err(format!("must be a whole number from {min}")),
        })
    };
    let page = whole("page", 1)?.unwrap_or(1);
    if page > 1_000_000 {
        return Err(ParamError {
            name: "page".into(),
            reason: "must be a whole number from 1 to 1000000".into(),
        }
        .into());
    }
    let asked = whole("per_page", 1)?.unwrap_or(u64::from(PageRequest::DEFAULT_PER_PAGE));
    let per_page = asked.min(u64::from(PageRequest::MAX_PER_PAGE)) as u32;
    filters::set_page(&mut request, page as u32, per_page)?;
    let text = request.text.clone();
    let results = search::run(&app, request).await?;
    let mut notices: Vec<String> = results.notices.iter().map(|n| notice_name(*n)).collect();
    if asked > u64::from(per_page) {
        notices.push("per_page_capped".into());
    }
    let building = app.search_status.building();
    if building {
        notices.push("index_building".into());
    }
    Ok(Json(SearchJson {
        query: text,
        total: results.total,
        page: page as u32,
        per_page,
        max_per_page: PageRequest::MAX_PER_PAGE,
        facets: results
            .facets
            .iter()
            .map(|(kind, values)| {
                (
                    facet_name(*kind).to_owned(),
                    values
                        .iter()
                        .map(|(value, count)| FacetValueJson {
                            value: value.clone(),
                            count: *count,
                        })
                        .collect(),
                )
            })
            .collect(),
        hits: results
            .hits
            .iter()
            .map(|hit| HitJson {
                kind: hit.kind.entity().to_owned(),
                id: hit.id.clone(),
                title: hit.title.clone(),
                url: hits::hit_path(hit),
                snippet: hits::snippet_html(&hit.snippet),
                snippet_text: hit.snippet.text.clone(),
                highlights: hit
                    .snippet
                    .highlights
                    .iter()
                    .map(|&(a, b)| [a, b])
                    .collect(),
                score: hit.score,
                verified: hit.verified,
            })
            .collect(),
        notices,
        index_complete: !building,
    }))
}

fn facet_name(kind: FacetKind) -> &'static str {
    match kind {
        FacetKind::Type => "type",
        FacetKind::State => "state",
        FacetKind::Municipality => "municipality",
        FacetKind::Right => "right",
        FacetKind::Sector => "sector",
    }
}
