//! Practice pages: the list with facets, the record, the form (JavaScript
//! off, keeps what was typed, errors per field), review, history, "my
//! practices", notifications and the published criteria.

use super::{
    Chrome, Ctx, FormData, PageError, PageResult, Pager,
    form::{Choices, after_submit, error_keys, organization_choices},
    render,
};
use crate::{
    AppState,
    app::error::AppError,
    app::{directory, legal_framework, notifications, places, practices},
    http::filters::{PAGE_FILTERS, filter_from},
    http::ids::Id,
    http::params::{Params, PastLastPage, existing_page},
    render::markdown::to_safe_html,
};
use acoge_domain::{
    StateKey,
    accounts::Capability,
    fields::FieldError,
    legal::Provision,
    organization::Organization,
    practice::{
        Criterion, ImplementationStatus, Partner, Population, PracticeInput, PracticeState,
        PracticeStatus, ReviewDecision, Section, Sector, authorize_edit, authorize_review,
        authorize_submit, is_author,
    },
    taxonomy::{GovernmentLevel, Right},
};
use acoge_store::{
    Facets, NotificationRecord, PracticeRecord, ReplyRecord, ReviewRecord, VersionRecord,
};
use askama::Template;
use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// One option of a facet: its label, its count, and the link that applies or removes it.
pub struct FacetOption {
    pub label: String,
    pub count: u64,
    pub href: String,
    pub active: bool,
}

pub struct FacetGroup {
    pub title: String,
    pub options: Vec<FacetOption>,
}

#[derive(Template)]
#[template(path = "past_last_page.html")]
struct PastLastPageView {
    chrome: Chrome,
    last: u64,
    last_href: String,
}

/// The page for a list asked past its last page: 404, because the request
/// is well formed but that page is not there (lists shrink: an old link to
/// page 7 may now point past the end), with a link to the last page. The
/// API answers 400 naming `page` instead (`existing_page`).
pub(super) fn past_last_page(
    ctx: &Ctx,
    path: &str,
    filters: &[(&str, String)],
    past: PastLastPage,
) -> Result<Response, PageError> {
    let mut pairs: Vec<(&str, String)> = filters
        .iter()
        .filter(|(name, v)| *name != "page" && !v.is_empty())
        .cloned()
        .collect();
    if past.last > 1 {
        pairs.push(("page", past.last.to_string()));
    }
    let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
    let last_href = if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    };
    let html = render(&PastLastPageView {
        chrome: ctx.chrome(ctx.tr.t("past-last-page-title"), ""),
        last: past.last,
        last_href,
    })?;
    Ok((StatusCode::NOT_FOUND, html).into_response())
}

/// Builds facet links that keep the other filters.
pub(super) struct LinkBuilder<'a> {
    pub(super) pairs: Vec<(&'static str, String)>,
    pub(super) path: &'a str,
}

impl LinkBuilder<'_> {
    pub(super) fn toggle(&self, name: &'static str, value: &str) -> (String, bool) {
        let active = self.pairs.iter().any(|(n, v)| *n == name && v == value);
        let mut pairs: Vec<(&str, String)> = self
            .pairs
            .iter()
            .filter(|(n, _)| *n != name)
            .cloned()
            .collect();
        if !active {
            pairs.push((name, value.to_owned()));
        }
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        (
            if query.is_empty() {
                self.path.to_owned()
            } else {
                format!("{}?{query}", self.path)
            },
            active,
        )
    }
}

fn current_pairs(params: &Params) -> Vec<(&'static str, String)> {
    let f = &PAGE_FILTERS;
    [
        f.text,
        f.state,
        f.municipality,
        f.right,
        f.sector,
        f.population,
        f.level,
        f.gcm_objective,
        f.covid19,
        f.year,
        f.status,
        f.organization,
        f.sort,
    ]
    .iter()
    .filter_map(|name| params.get(name).map(|v| (*name, v.to_owned())))
    .collect()
}

/// (facet in the store, query parameter, title key, label key of a term).
type TermGroup = (
    &'static str,
    &'static str,
    &'static str,
    fn(&str) -> Option<String>,
);

fn facet_groups(
    ctx: &Ctx,
    facets: &Facets,
    states: &[(StateKey, String)],
    links: &LinkBuilder<'_>,
) -> Vec<FacetGroup> {
    let tr = ctx.tr;
    let mut groups = Vec::new();
    let option = |name: &'static str, value: &str, label: String, count: u64| {
        let (href, active) = links.toggle(name, value);
        FacetOption {
            label,
            count,
            href,
            active,
        }
    };
    groups.push(FacetGroup {
        title: tr.t("facet-state"),
        options: facets
            .state
            .iter()
            .map(|(key, n)| {
                let name = states
                    .iter()
                    .find(|(k, _)| k.as_str() == key)
                    .map(|(_, name)| name.clone());
                option(
                    PAGE_FILTERS.state,
                    key,
                    name.unwrap_or_else(|| key.clone()),
                    *n,
                )
            })
            .collect(),
    });
    let term_groups: [TermGroup; 5] = [
        ("right", PAGE_FILTERS.right, "facet-right", |v| {
            Right::parse(v).ok().map(|t| t.message_key())
        }),
        ("sector", PAGE_FILTERS.sector, "facet-sector", |v| {
            Sector::parse(v).ok().map(|t| t.message_key())
        }),
        (
            "population",
            PAGE_FILTERS.population,
            "facet-population",
            |v| Population::parse(v).ok().map(|t| t.message_key()),
        ),
        ("level", PAGE_FILTERS.level, "facet-level", |v| {
            GovernmentLevel::parse(v).ok().map(|t| t.message_key())
        }),
        ("gcm", PAGE_FILTERS.gcm_objective, "facet-gcm", |v| {
            Some(format!("gcm-{v}"))
        }),
    ];
    for (facet, param, title, key) in term_groups {
        let mut options: Vec<FacetOption> = facets
            .terms
            .get(facet)
            .map(|terms| {
                terms
                    .iter()
                    .map(|(term, n)| {
                        option(
                            param,
                            term,
                            key(term).map(|k| tr.t(&k)).unwrap_or_else(|| term.clone()),
                            *n,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        if facet == "gcm" {
            options.sort_by_key(|o| o.label.clone());
        }
        groups.push(FacetGroup {
            title: tr.t(title),
            options,
        });
    }
    groups.push(FacetGroup {
        title: tr.t("facet-covid"),
        options: facets
            .covid19
            .iter()
            .map(|(yes, n)| {
                option(
                    PAGE_FILTERS.covid19,
                    if *yes { "si" } else { "no" },
                    tr.t(if *yes { "yes" } else { "no" }),
                    *n,
                )
            })
            .collect(),
    });
    groups.push(FacetGroup {
        title: tr.t("facet-year"),
        options: facets
            .year
            .iter()
            .map(|(y, n)| option(PAGE_FILTERS.year, &y.to_string(), y.to_string(), *n))
            .collect(),
    });
    groups.retain(|g| !g.options.is_empty());
    groups
}

/// A practice as lists show it.
pub struct Card {
    pub id: Uuid,
    pub title: String,
    pub summary: String,
    pub status: PracticeStatus,
    pub places: String,
    pub is_example: bool,
}

async fn cards(app: &AppState, records: Vec<PracticeRecord>) -> Result<Vec<Card>, PageError> {
    // Every place of the page in one query, not one per card.
    let keys: Vec<_> = records
        .iter()
        .flat_map(|r| r.content.municipalities.iter().take(3).cloned())
        .collect();
    let names = places::municipality_names(app, &keys).await?;
    let mut out = Vec::with_capacity(records.len());
    for r in records {
        let mut places: Vec<String> = r
            .content
            .municipalities
            .iter()
            .take(3)
            .filter_map(|cvegeo| names.get(cvegeo).cloned())
            .collect();
        if r.content.municipalities.len() > 3 {
            places.push("…".into());
        }
        out.push(Card {
            id: r.id,
            title: r.content.title,
            summary: r.content.summary,
            status: r.status,
            places: places.join(", "),
            is_example: r.is_example,
        });
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "practices.html")]
struct ListPage {
    chrome: Chrome,
    heading: String,
    mine: bool,
    text: String,
    sort: String,
    total: u64,
    cards: Vec<Card>,
    groups: Vec<FacetGroup>,
    clear_href: String,
    pager: Pager,
    can_create: bool,
    /// False when the facet numbers would not be counts (`Facets::exact`).
    exact_counts: bool,
    facet_cap: u64,
}

async fn list_page(app: &AppState, ctx: &Ctx, mine: bool) -> Result<Response, PageError> {
    let params = Params::parse(ctx.raw_query())?;
    let (mut filter, sort) = filter_from(&params, &PAGE_FILTERS)?;
    let path = if mine { "/mis-practicas" } else { "/practicas" };
    if mine {
        let member = ctx.require(Capability::Contribute)?;
        filter.mine = Some((member.id, member.organization_id));
    }
    let request = params.page(20)?;
    let query = practices::ListQuery::read_by(ctx.actor(), &filter, sort, request);
    let (page, facets) = practices::practices_with_facets(app, &query).await?;
    let pairs = current_pairs(&params);
    if let Err(past) = existing_page(request, page.total) {
        return past_last_page(ctx, path, &pairs, past);
    }
    let states = places::state_names(app).await?;
    let links = LinkBuilder {
        pairs: pairs.clone(),
        path,
    };
    let pager = Pager::new(path, &pairs, request.page, page.page_count(request));
    let heading = ctx.tr.t(if mine {
        "my-practices-title"
    } else {
        "practices-title"
    });
    Ok(render(&ListPage {
        chrome: ctx.chrome(heading.clone(), "practices"),
        heading,
        mine,
        text: filter.text.clone().unwrap_or_default(),
        sort: params
            .get(PAGE_FILTERS.sort)
            .unwrap_or("recientes")
            .to_owned(),
        total: page.total,
        cards: cards(app, page.items).await?,
        groups: facet_groups(ctx, &facets, &states, &links),
        clear_href: path.to_owned(),
        pager,
        can_create: ctx.may(Capability::Contribute),
        exact_counts: facets.exact,
        facet_cap: Facets::CAP,
    })?
    .into_response())
}

pub async fn list(State(app): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    list_page(&app, &ctx, false).await
}

pub async fn mine(State(app): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    list_page(&app, &ctx, true).await
}

/// A section of the narrative, rendered.
pub struct SectionView {
    pub key: String,
    pub html: String,
}

pub struct OrgLink {
    pub id: Option<Uuid>,
    pub name: String,
}

#[derive(Template)]
#[template(path = "practice.html")]
struct ShowPage {
    chrome: Chrome,
    csrf: String,
    record: PracticeRecord,
    sections: Vec<SectionView>,
    places: Vec<(String, String)>,
    lead: OrgLink,
    partners: Vec<OrgLink>,
    legal: Vec<(Provision, String)>,
    gcm: Vec<(u8, String)>,
    reviews: Vec<ReviewRecord>,
    replies: Vec<ReplyRecord>,
    can_edit: bool,
    can_submit: bool,
    can_review: bool,
    is_author: bool,
    reply_error: Option<&'static str>,
}

fn state_of(record: &PracticeRecord) -> PracticeState {
    PracticeState {
        status: record.status,
        created_by: record.created_by,
        author_organization: record.author_organization,
    }
}

/// Every provision with the name of its instrument.
async fn provisions_named(app: &AppState) -> Result<Vec<(Provision, String)>, PageError> {
    let instruments: HashMap<String, String> = legal_framework::legal_instruments(app)
        .await?
        .into_iter()
        .map(|i| (i.id, i.name))
        .collect();
    Ok(legal_framework::provisions(app)
        .await?
        .into_iter()
        .map(|p| {
            let name = instruments
                .get(&p.instrument_id)
                .cloned()
                .unwrap_or_default();
            (p, name)
        })
        .collect())
}

async fn org_link(app: &AppState, id: Uuid) -> Result<OrgLink, PageError> {
    let name = directory::organization(app, id)
        .await?
        .map(|o| o.display_name())
        .unwrap_or_default();
    Ok(OrgLink { id: Some(id), name })
}

async fn show_page(
    app: &AppState,
    ctx: &Ctx,
    id: Uuid,
    reply_error: Option<&'static str>,
) -> Result<Response, PageError> {
    let record = practices::visible(app, ctx.actor(), id).await?;
    let state = state_of(&record);
    let c = &record.content;
    let mut places = Vec::new();
    for cvegeo in &c.municipalities {
        if let Some(m) = places::municipality(app, cvegeo).await? {
            places.push((m.cvegeo.to_string(), m.name));
        }
    }
    let mut partners = Vec::new();
    for partner in &c.partners {
        partners.push(match partner {
            Partner::Existing(id) => org_link(app, *id).await?,
            Partner::Proposed(name) => OrgLink {
                id: None,
                name: name.clone(),
            },
        });
    }
    let legal = provisions_named(app)
        .await?
        .into_iter()
        .filter(|(p, _)| c.legal_basis.contains(&p.id))
        .collect();
    let gcm = c
        .gcm_objectives
        .iter()
        .map(|n| (*n, ctx.tr.t(&format!("gcm-{n}"))))
        .collect();
    let already = match ctx.member() {
        Some(m) => practices::reviewed_this_round(app, &record, m.id).await?,
        None => true,
    };
    let author = is_author(ctx.actor(), &state);
    let may_see_reviews = author || ctx.may(Capability::Review);
    let page = render(&ShowPage {
        chrome: ctx.chrome(c.title.clone(), "practices"),
        csrf: ctx.csrf(),
        sections: c
            .sections
            .iter()
            .map(|(k, v)| SectionView {
                key: k.message_key(),
                html: to_safe_html(v),
            })
            .collect(),
        places,
        lead: org_link(app, c.lead_organization).await?,
        partners,
        legal,
        gcm,
        reviews: if may_see_reviews {
            practices::reviews(app, id).await?
        } else {
            Vec::new()
        },
        replies: if may_see_reviews {
            practices::replies(app, id).await?
        } else {
            Vec::new()
        },
        can_edit: authorize_edit(ctx.actor(), &state).is_ok(),
        can_submit: authorize_submit(ctx.actor(), &state).is_ok(),
        can_review: authorize_review(ctx.actor(), &state, already).is_ok(),
        is_author: author,
        reply_error,
        record,
    })?;
    Ok(page.into_response())
}

pub async fn show(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
) -> Result<Response, PageError> {
    show_page(&app, &ctx, id, None).await
}

#[derive(Template)]
#[template(path = "practice_form.html")]
struct FormPage {
    chrome: Chrome,
    csrf: String,
    action: String,
    input: PracticeInput,
    errors: HashMap<&'static str, &'static str>,
    organizations: Vec<Organization>,
    provisions: Vec<(Provision, String)>,
    sections: &'static [Section],
    levels: &'static [GovernmentLevel],
    rights: &'static [Right],
    sectors: &'static [Sector],
    populations: &'static [Population],
    statuses: &'static [ImplementationStatus],
    gcm: Vec<(String, String)>,
    municipalities_text: String,
    proposed_text: String,
    evidence_text: String,
}

impl Choices for FormPage {}

impl FormPage {
    fn section(&self, key: &str) -> &str {
        self.input.sections.get(key).map_or("", String::as_str)
    }
}

async fn form_page(
    app: &AppState,
    ctx: &Ctx,
    action: String,
    input: PracticeInput,
    errors: &[FieldError],
) -> Result<Response, PageError> {
    let provisions = provisions_named(app).await?;
    let title = ctx.tr.t(if action.ends_with("nueva") {
        "practice-new-title"
    } else {
        "practice-edit-title"
    });
    let page = render(&FormPage {
        chrome: ctx.chrome(title, "practices"),
        csrf: ctx.csrf(),
        action,
        errors: error_keys(errors),
        organizations: organization_choices(app, 100).await?,
        provisions,
        sections: Section::ALL,
        levels: GovernmentLevel::ALL,
        rights: Right::ALL,
        sectors: Sector::ALL,
        populations: Population::ALL,
        statuses: ImplementationStatus::ALL,
        gcm: (1..=23)
            .map(|n| (n.to_string(), ctx.tr.t(&format!("gcm-{n}"))))
            .collect(),
        municipalities_text: input.municipalities.join(", "),
        proposed_text: input.proposed_partners.join("\n"),
        evidence_text: input.evidence.join("\n"),
        input,
    })?;
    Ok(page.into_response())
}

fn input_from(form: &FormData) -> PracticeInput {
    let lines = |name: &str| {
        form.get(name)
            .lines()
            .map(str::to_owned)
            .filter(|l| !l.trim().is_empty())
            .collect()
    };
    PracticeInput {
        title: form.get("title").to_owned(),
        summary: form.get("summary").to_owned(),
        sections: Section::ALL
            .iter()
            .map(|s| {
                (
                    s.slug().to_owned(),
                    form.get(&format!("section_{}", s.slug())).to_owned(),
                )
            })
            .filter(|(_, v)| !v.trim().is_empty())
            .collect(),
        municipalities: form.list("municipalities", &[',', ' ', '\n', ';']),
        lead_organization: form.get("lead_organization").to_owned(),
        partners: form.get_all("partners"),
        proposed_partners: lines("proposed_partners"),
        levels_of_government: form.get_all("levels_of_government"),
        rights: form.get_all("rights"),
        sectors: form.get_all("sectors"),
        populations: form.get_all("populations"),
        gcm_objectives: form.get_all("gcm_objectives"),
        covid19: form.checked("covid19"),
        covid19_how: form.get("covid19_how").to_owned(),
        legal_basis: form.get_all("legal_basis"),
        start_date: form.get("start_date").to_owned(),
        end_date: form.get("end_date").to_owned(),
        implementation_status: form.get("implementation_status").to_owned(),
        results: form.get("results").to_owned(),
        resources: form.get("resources").to_owned(),
        evidence: lines("evidence"),
        contact_organization: form.get("contact_organization").to_owned(),
    }
}

pub async fn new_form(State(app): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let member = ctx.require(Capability::Contribute)?;
    let input = PracticeInput {
        lead_organization: member
            .organization_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        ..PracticeInput::default()
    };
    form_page(&app, &ctx, "/practicas/nueva".into(), input, &[]).await
}

pub async fn create(
    State(app): State<AppState>,
    ctx: Ctx,
    form: FormData,
) -> Result<Response, PageError> {
    let input = input_from(&form);
    after_submit(
        practices::create(&app, ctx.actor(), &input).await,
        |id| format!("/practicas/{id}"),
        async |errors| form_page(&app, &ctx, "/practicas/nueva".into(), input, errors).await,
    )
    .await
}

pub async fn edit_form(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
) -> Result<Response, PageError> {
    ctx.require(Capability::Contribute)?;
    let record = practices::visible(&app, ctx.actor(), id).await?;
    if authorize_edit(ctx.actor(), &state_of(&record)).is_err() {
        return Err(PageError::forbidden());
    }
    let action = format!("/practicas/{id}/editar");
    form_page(&app, &ctx, action, record.content.to_input(), &[]).await
}

pub async fn edit(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
    form: FormData,
) -> Result<Response, PageError> {
    let input = input_from(&form);
    after_submit(
        practices::edit(&app, ctx.actor(), id, &input).await,
        |_| format!("/practicas/{id}"),
        async |errors| {
            let action = format!("/practicas/{id}/editar");
            form_page(&app, &ctx, action, input, errors).await
        },
    )
    .await
}

pub async fn submit(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
) -> Result<Response, PageError> {
    practices::submit(&app, ctx.actor(), id).await?;
    Ok(Redirect::to(&format!("/practicas/{id}")).into_response())
}

pub async fn reply(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
    form: FormData,
) -> Result<Response, PageError> {
    after_submit(
        practices::reply(&app, ctx.actor(), id, form.get("reply")).await,
        |()| format!("/practicas/{id}#respuestas"),
        async |errors| {
            let key = errors.first().map(|e| e.problem.message_key());
            show_page(&app, &ctx, id, key).await
        },
    )
    .await
}

#[derive(Template)]
#[template(path = "practice_review.html")]
struct ReviewPage {
    chrome: Chrome,
    csrf: String,
    id: Uuid,
    title: String,
    criteria: &'static [Criterion],
    decisions: &'static [ReviewDecision],
    checked: Vec<String>,
    decision: String,
    comment: String,
    errors: HashMap<&'static str, &'static str>,
}

impl ReviewPage {
    fn is_checked(&self, slug: &str) -> bool {
        self.checked.iter().any(|c| c == slug)
    }
}

async fn review_page(
    app: &AppState,
    ctx: &Ctx,
    id: Uuid,
    form: Option<&FormData>,
    errors: &[FieldError],
) -> Result<Response, PageError> {
    let record = practices::visible(app, ctx.actor(), id).await?;
    let member = ctx.require(Capability::Review)?;
    let already = practices::reviewed_this_round(app, &record, member.id).await?;
    if let Err(e) = authorize_review(ctx.actor(), &state_of(&record), already) {
        return Err(AppError::from(e).into());
    }
    let page = render(&ReviewPage {
        chrome: ctx.chrome(ctx.tr.t("review-title"), "practices"),
        csrf: ctx.csrf(),
        id,
        title: record.content.title,
        criteria: Criterion::ALL,
        decisions: ReviewDecision::ALL,
        checked: form.map(|f| f.get_all("criteria")).unwrap_or_default(),
        decision: form
            .map(|f| f.get("decision").to_owned())
            .unwrap_or_default(),
        comment: form
            .map(|f| f.get("comment").to_owned())
            .unwrap_or_default(),
        errors: error_keys(errors),
    })?;
    Ok(page.into_response())
}

pub async fn review_form(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
) -> Result<Response, PageError> {
    review_page(&app, &ctx, id, None, &[]).await
}

pub async fn review(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
    form: FormData,
) -> Result<Response, PageError> {
    let checked = form.get_all("criteria");
    let checklist: BTreeMap<String, bool> = Criterion::ALL
        .iter()
        .map(|c| (c.slug().to_owned(), checked.iter().any(|v| v == c.slug())))
        .collect();
    let decision = ReviewDecision::parse(form.get("decision")).ok();
    let comment = form.get("comment");
    let result = practices::review(&app, ctx.actor(), id, decision, &checklist, comment).await;
    after_submit(
        result,
        |_| format!("/practicas/{id}"),
        async |errors| review_page(&app, &ctx, id, Some(&form), errors).await,
    )
    .await
}

/// One field's change between two versions.
pub struct FieldDiff {
    pub field: String,
    /// (kind, text): kind is "same", "del" or "ins".
    pub pieces: Vec<(&'static str, String)>,
}

pub struct VersionView {
    pub version: i32,
    pub by: Option<String>,
    pub at: acoge_domain::Timestamp,
    pub changes: Vec<FieldDiff>,
}

fn flatten(content: &acoge_domain::practice::PracticeContent) -> BTreeMap<String, String> {
    let mut fields = BTreeMap::new();
    if let Ok(serde_json::Value::Object(map)) = serde_json::to_value(content) {
        for (key, value) in map {
            if key == "sections" {
                if let serde_json::Value::Object(sections) = value {
                    for (section, text) in sections {
                        fields.insert(
                            format!("section:{section}"),
                            text.as_str().unwrap_or_default().to_owned(),
                        );
                    }
                }
                continue;
            }
            let text = match value {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            fields.insert(key, text);
        }
    }
    fields
}

fn diff_versions(before: &VersionRecord, after: &VersionRecord) -> Vec<FieldDiff> {
    let (old, new) = (flatten(&before.content), flatten(&after.content));
    let keys: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    keys.into_iter()
        .filter_map(|key| {
            let (a, b) = (
                old.get(key).map_or("", String::as_str),
                new.get(key).map_or("", String::as_str),
            );
            (a != b).then(|| FieldDiff {
                field: key.clone(),
                pieces: similar::TextDiff::from_words(a, b)
                    .iter_all_changes()
                    .map(|change| {
                        let kind = match change.tag() {
                            similar::ChangeTag::Equal => "same",
                            similar::ChangeTag::Delete => "del",
                            similar::ChangeTag::Insert => "ins",
                        };
                        (kind, change.value().to_owned())
                    })
                    .collect(),
            })
        })
        .collect()
}

#[derive(Template)]
#[template(path = "practice_history.html")]
struct HistoryPage {
    chrome: Chrome,
    id: Uuid,
    title: String,
    versions: Vec<VersionView>,
}

pub async fn history(State(app): State<AppState>, ctx: Ctx, Id(id): Id<Uuid>) -> PageResult {
    let record = practices::visible(&app, ctx.actor(), id).await?;
    let versions = practices::practice_versions(&app, id).await?;
    let mut views: Vec<VersionView> = versions
        .iter()
        .enumerate()
        .map(|(i, v)| VersionView {
            version: v.version,
            by: v.edited_by_name.clone(),
            at: v.created_at,
            changes: if i == 0 {
                Vec::new()
            } else {
                diff_versions(&versions[i - 1], v)
            },
        })
        .collect();
    views.reverse();
    render(&HistoryPage {
        chrome: ctx.chrome(ctx.tr.t("history-title"), "practices"),
        id,
        title: record.content.title,
        versions: views,
    })
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    chrome: Chrome,
    csrf: String,
    items: Vec<NotificationRecord>,
    /// Whether any is unread: then the page offers to mark them read.
    any_unread: bool,
}

/// Reading the list changes nothing: a GET can be triggered by anyone's
/// `<img src="/notificaciones">` in a contribution, so marking them read
/// is the POST below.
pub async fn notifications(State(app): State<AppState>, ctx: Ctx) -> PageResult {
    let member = ctx.require(Capability::OwnAccount)?;
    let items = notifications::notifications(&app, member.id).await?;
    render(&NotificationsPage {
        chrome: ctx.chrome(ctx.tr.t("notifications-title"), "account"),
        csrf: ctx.csrf(),
        any_unread: items.iter().any(|n| !n.read),
        items,
    })
}

/// Marks every notification of the member read, then shows the list.
pub async fn mark_notifications_read(
    State(app): State<AppState>,
    ctx: Ctx,
) -> Result<Response, PageError> {
    let member = ctx.require(Capability::OwnAccount)?;
    notifications::mark_notifications_read(&app, member.id).await?;
    Ok(Redirect::to("/notificaciones").into_response())
}

#[derive(Template)]
#[template(path = "criteria.html")]
struct CriteriaPage {
    chrome: Chrome,
    criteria: &'static [Criterion],
    sections: &'static [Section],
}

pub async fn criteria(ctx: Ctx) -> PageResult {
    render(&CriteriaPage {
        chrome: ctx.chrome(ctx.tr.t("criteria-title"), "practices"),
        criteria: Criterion::ALL,
        sections: Section::ALL,
    })
}
