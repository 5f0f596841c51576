//! `/buscar`: one search box across the site.

use super::{
    Chrome, Ctx, PageResult, Pager,
    practices::{FacetGroup, FacetOption, LinkBuilder},
    render,
};
use crate::{
    AppState,
    app::{places, search},
    http::{
        filters::{self, PAGE_PARAMS},
        params::Params,
    },
    render::hits,
};
use acoge_domain::{practice::Sector, taxonomy::Right};
use acoge_search::{FacetKind, Notice, SearchResults};
use acoge_store::SearchableKind;
use askama::Template;
use axum::extract::State;
use std::collections::HashMap;

const PER_PAGE: u32 = 20;
/// Facet values listed per group on the page.
const FACET_VALUES_SHOWN: usize = 12;

pub struct HitCard {
    pub href: String,
    pub title: String,
    pub kind_label: String,
    pub snippet_html: String,
    pub verified: bool,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    chrome: Chrome,
    text: String,
    browsing: bool,
    total: u64,
    hits: Vec<HitCard>,
    groups: Vec<FacetGroup>,
    notices: Vec<String>,
    pager: Pager,
}

fn notice_key(notice: Notice) -> &'static str {
    match notice {
        Notice::Truncated => "search-notice-truncated",
        Notice::UnbalancedQuote => "search-notice-unbalanced-quote",
        Notice::TooManyWords => "search-notice-too-many-words",
        Notice::SomeWords => "search-notice-some-words",
        Notice::AlsoSomeWords => "search-notice-also-some-words",
        Notice::Approximate => "search-notice-approximate",
        Notice::OnlyCommonWords => "search-notice-only-common-words",
    }
}

pub fn kind_key(kind: SearchableKind) -> String {
    format!("search-kind-{}", kind.entity())
}

pub async fn show(State(app): State<AppState>, ctx: Ctx) -> PageResult {
    let params = Params::parse(ctx.raw_query())?;
    let mut request = filters::request_from(&params, &PAGE_PARAMS, ctx.tr.lang)?;
    let page = params.page(PER_PAGE)?.page;
    filters::set_page(&mut request, page, PER_PAGE)?;
    let filtered = request.kind.is_some()
        || request.state.is_some()
        || request.municipality.is_some()
        || request.right.is_some()
        || request.sector.is_some();
    let browsing = request.text.trim().is_empty() && !filtered;
    let text = request.text.clone();
    // Read before searching: a build that ends in between is then still
    // said, never a build that is over while its results were missing.
    let building = app.search_status.building();
    let results = search::run(&app, request)
        .await
        .map_err(|e| super::PageError::internal(&e))?;
    let pairs: Vec<(&'static str, String)> = [
        "q",
        PAGE_PARAMS.kind,
        PAGE_PARAMS.state,
        PAGE_PARAMS.municipality,
        PAGE_PARAMS.right,
        PAGE_PARAMS.sector,
    ]
    .into_iter()
    .filter_map(|name| params.get(name).map(|v| (name, v.to_owned())))
    .collect();
    let links = LinkBuilder {
        pairs: pairs.clone(),
        path: "/buscar",
    };
    let groups = facet_groups(&app, &ctx, &results, &links).await?;
    let pages = results
        .total
        .min(filters::MAX_RESULT_DEPTH as u64)
        .div_ceil(u64::from(PER_PAGE));
    let hits = results
        .hits
        .iter()
        .map(|hit| HitCard {
            href: hits::hit_path(hit),
            title: hit.title.clone(),
            kind_label: ctx.tr.t(&kind_key(hit.kind)),
            snippet_html: hits::snippet_html(&hit.snippet),
            verified: hit.verified,
        })
        .collect();
    let title = if text.trim().is_empty() {
        ctx.tr.t("search-title")
    } else {
        ctx.tr.with_text("search-title-for", "query", text.trim())
    };
    render(&SearchPage {
        chrome: ctx.chrome(title, "search"),
        browsing,
        total: results.total,
        hits,
        groups,
        notices: building
            .then(|| ctx.tr.t("search-notice-index-building"))
            .into_iter()
            .chain(results.notices.iter().map(|n| ctx.tr.t(notice_key(*n))))
            .collect(),
        pager: Pager::new("/buscar", &pairs, page, pages),
        text,
    })
}

async fn facet_groups(
    app: &AppState,
    ctx: &Ctx,
    results: &SearchResults,
    links: &LinkBuilder<'_>,
) -> Result<Vec<FacetGroup>, super::PageError> {
    let tr = ctx.tr;
    let values = |kind: FacetKind| -> Vec<(String, u64)> {
        results
            .facets
            .get(&kind)
            .map(|v| v.iter().take(FACET_VALUES_SHOWN).cloned().collect())
            .unwrap_or_default()
    };
    let state_names: HashMap<String, String> = if values(FacetKind::State).is_empty() {
        HashMap::new()
    } else {
        places::states(app)
            .await?
            .into_iter()
            .map(|s| (s.state.key.as_str().to_owned(), s.state.name))
            .collect()
    };
    let municipality_keys: Vec<String> = values(FacetKind::Municipality)
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let municipality_names: HashMap<String, String> =
        search::searchable_municipalities(app, &municipality_keys)
            .await?
            .into_iter()
            .map(|m| {
                (
                    m.municipality.cvegeo.as_str().to_owned(),
                    m.municipality.name,
                )
            })
            .collect();
    let label = |kind: FacetKind, value: &str| -> Option<String> {
        match kind {
            FacetKind::Type => SearchableKind::from_entity(value).map(|k| tr.t(&kind_key(k))),
            FacetKind::State => state_names.get(value).cloned(),
            FacetKind::Municipality => municipality_names.get(value).cloned(),
            FacetKind::Right => Right::parse(value).ok().map(|t| tr.label(t.message_key())),
            FacetKind::Sector => Sector::parse(value).ok().map(|t| tr.label(t.message_key())),
        }
    };
    let groups = [
        (FacetKind::Type, PAGE_PARAMS.kind, "search-facet-type"),
        (FacetKind::State, PAGE_PARAMS.state, "facet-state"),
        (
            FacetKind::Municipality,
            PAGE_PARAMS.municipality,
            "search-facet-municipality",
        ),
        (FacetKind::Right, PAGE_PARAMS.right, "facet-right"),
        (FacetKind::Sector, PAGE_PARAMS.sector, "facet-sector"),
    ];
    Ok(groups
        .into_iter()
        .map(|(kind, param, title)| FacetGroup {
            title: tr.t(title),
            options: values(kind)
                .into_iter()
                .filter_map(|(value, count)| {
                    let label = label(kind, &value)?;
                    let (href, active) = links.toggle(param, &value);
                    Some(FacetOption {
                        label,
                        count,
                        href,
                        active,
                    })
                })
                .collect(),
        })
        .filter(|g| !g.options.is_empty())
        .collect())
}
