//! Inviting people, and accepting an invitation by setting a password.

use super::{
    Chrome, Ctx, FormData, PageError, PageResult,
    account::{Errors, errors_of, new_password_hash},
    form::{error_keys, organization_choices},
    render,
};
use crate::{
    AppState,
    app::error::{AppError, Refusal},
    app::{
        accounts::secrets,
        members::{self, IssuedLink},
    },
    http::ids::Id,
};
use acoge_domain::{
    accounts::{Capability, FieldError, FieldProblem, Role, short_text},
    organization::Organization,
    page::PageRequest,
};
use acoge_store::{InvitationRecord, LinkProblem, StoreError};
use askama::Template;
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use uuid::Uuid;

#[derive(Template)]
#[template(path = "invitations.html")]
struct ListPage {
    chrome: Chrome,
    csrf: String,
    grantable: Vec<Role>,
    organizations: Vec<Organization>,
    invitations: Vec<InvitationRecord>,
    now: acoge_domain::Timestamp,
    email: String,
    role: String,
    organization: String,
    errors: Errors,
    issued: Option<IssuedLink>,
    /// The viewer's role: invitations to roles below it can be revoked.
    my_role: Role,
    notice: Option<String>,
    error: Option<&'static str>,
}

/// What the page says above the form, besides field errors.
#[derive(Default)]
struct Said {
    issued: Option<IssuedLink>,
    notice: Option<String>,
    error: Option<&'static str>,
}

struct Typed {
    email: String,
    role: String,
    organization: String,
}

async fn list_page(
    app: &AppState,
    ctx: &Ctx,
    typed: Typed,
    errors: Errors,
    said: Said,
    status: StatusCode,
) -> Result<Response, PageError> {
    let me = ctx.require(Capability::InviteMembers)?;
    let page = render(&ListPage {
        chrome: ctx.chrome(ctx.tr.t("invitations-title"), "invitations"),
        csrf: ctx.csrf(),
        grantable: Role::ALL
            .iter()
            .copied()
            .filter(|r| me.role.may_grant(*r))
            .collect(),
        organizations: organization_choices(app, 100).await?,
        invitations: members::invitations(app, PageRequest::first(100))
            .await?
            .items,
        now: acoge_domain::Timestamp::now(),
        email: typed.email,
        role: typed.role,
        organization: typed.organization,
        errors,
        issued: said.issued,
        my_role: me.role,
        notice: said.notice,
        error: said.error,
    })?;
    Ok((status, page).into_response())
}

fn untyped() -> Typed {
    Typed {
        email: String::new(),
        role: Role::Member.slug().to_owned(),
        organization: String::new(),
    }
}

pub async fn list(State(app): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let said = Said::default();
    list_page(&app, &ctx, untyped(), Errors::new(), said, StatusCode::OK).await
}

/// Withdraws a pending invitation to a role the viewer outranks.
pub async fn revoke(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
) -> Result<Response, PageError> {
    let (said, status) = match members::revoke_invitation(&app, ctx.actor(), id).await {
        Ok(email) => (
            Said {
                notice: Some(
                    ctx.tr
                        .with_text("invitations-revoked-notice", "email", &email),
                ),
                ..Said::default()
            },
            StatusCode::OK,
        ),
        Err(AppError::NotSignedIn) => {
            return Err(PageError::SignIn("/invitaciones".to_owned()));
        }
        Err(AppError::Forbidden) => (
            Said {
                error: Some("members-target-outranks"),
                ..Said::default()
            },
            StatusCode::FORBIDDEN,
        ),
        Err(AppError::Refused(Refusal::NotPending)) => (
            Said {
                error: Some("invitations-not-pending"),
                ..Said::default()
            },
            StatusCode::CONFLICT,
        ),
        Err(e) => return Err(e.into()),
    };
    list_page(&app, &ctx, untyped(), Errors::new(), said, status).await
}

pub async fn create(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    form: FormData,
) -> Result<Response, PageError> {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let typed = Typed {
        email: form.get("email").to_owned(),
        role: form.get("role").to_owned(),
        organization: form.get("organization").to_owned(),
    };
    let errors = match members::invite(
        &app,
        ctx.actor(),
        host,
        &typed.email,
        &typed.role,
        &typed.organization,
    )
    .await
    {
        Ok(link) => {
            let cleared = Typed {
                email: String::new(),
                role: typed.role,
                organization: typed.organization,
            };
            let said = Said {
                issued: Some(link),
                ..Said::default()
            };
            let status = StatusCode::CREATED;
            return list_page(&app, &ctx, cleared, Errors::new(), said, status).await;
        }
        Err(AppError::Invalid(errors)) => error_keys(&errors),
        Err(AppError::Forbidden) => Errors::from([("role", "field-role-not-grantable")]),
        Err(e) => return Err(e.into()),
    };
    // Refused: the list again with what was typed and why.
    let status = StatusCode::UNPROCESSABLE_ENTITY;
    list_page(&app, &ctx, typed, errors, Said::default(), status).await
}

#[derive(Template)]
#[template(path = "invitation.html")]
struct AcceptPage {
    chrome: Chrome,
    csrf: String,
    token: String,
    /// None when the link can be used; else why not.
    problem: Option<&'static str>,
    renewal_requested: bool,
    display_name: String,
    errors: Errors,
}

fn problem_key(problem: LinkProblem) -> &'static str {
    match problem {
        LinkProblem::Unknown => "link-unknown",
        LinkProblem::Expired => "link-expired",
        LinkProblem::Used => "link-used",
        LinkProblem::Revoked => "link-revoked",
    }
}

async fn link_state(app: &AppState, token: &str) -> Result<Option<LinkProblem>, StoreError> {
    let invitation = members::invitation_by_token(app, &secrets::hash_secret(token)).await?;
    Ok(match invitation {
        None => Some(LinkProblem::Unknown),
        Some(i) => i.link_problem(acoge_domain::Timestamp::now()),
    })
}

fn accept_page(
    ctx: &Ctx,
    token: String,
    problem: Option<LinkProblem>,
    display_name: String,
    errors: Errors,
) -> PageResult {
    render(&AcceptPage {
        chrome: ctx.chrome(ctx.tr.t("invitation-title"), ""),
        csrf: ctx.csrf(),
        token,
        problem: problem.map(problem_key),
        renewal_requested: false,
        display_name,
        errors,
    })
}

fn status_of(problem: Option<LinkProblem>) -> StatusCode {
    match problem {
        None => StatusCode::OK,
        Some(LinkProblem::Unknown) => StatusCode::NOT_FOUND,
        Some(LinkProblem::Expired | LinkProblem::Used | LinkProblem::Revoked) => StatusCode::GONE,
    }
}

/// The page for the link as it is: the form (200), or why it cannot be used
/// (404, 410).
fn link_page(
    ctx: &Ctx,
    token: String,
    problem: Option<LinkProblem>,
    display_name: String,
) -> Result<Response, PageError> {
    let page = accept_page(ctx, token, problem, display_name, Errors::new())?;
    Ok((status_of(problem), page).into_response())
}

pub async fn accept_form(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let problem = link_state(&app, &token).await?;
    link_page(&ctx, token, problem, String::new())
}

pub async fn accept(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    form: FormData,
) -> Result<Response, PageError> {
    let typed_name = form.get("display_name").to_owned();
    let refuse = |error: FieldError| -> Result<Response, PageError> {
        let page = accept_page(
            &ctx,
            token.clone(),
            None,
            typed_name.clone(),
            errors_of(&error),
        )?;
        Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };
    let unusable = |problem| link_page(&ctx, token.clone(), Some(problem), typed_name.clone());
    if let Some(problem) = link_state(&app, &token).await? {
        return unusable(problem);
    }
    let name = match short_text("display_name", &typed_name, 120) {
        Ok(name) => name,
        Err(e) => return refuse(e),
    };
    let hash = match new_password_hash(&app, &form, "password", None).await? {
        Ok(hash) => hash,
        Err(e) => return refuse(e),
    };
    match members::accept_invitation(&app, &secrets::hash_secret(&token), &name, &hash).await {
        Ok(Ok(_)) => Ok(Redirect::to("/entrar?aviso=bienvenida").into_response()),
        Ok(Err(problem)) => unusable(problem),
        Err(StoreError::Conflict { .. }) => refuse(FieldError {
            field: "display_name",
            problem: FieldProblem::EmailTaken,
        }),
        Err(e) => Err(e.into()),
    }
}

pub async fn request_renewal(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let asked = members::request_invitation_renewal(&app, &secrets::hash_secret(&token)).await?;
    if !asked {
        return Err(PageError::not_found());
    }
    render(&AcceptPage {
        chrome: ctx.chrome(ctx.tr.t("invitation-title"), ""),
        csrf: ctx.csrf(),
        token,
        problem: Some("link-expired"),
        renewal_requested: true,
        display_name: String::new(),
        errors: Errors::new(),
    })
    .map(IntoResponse::into_response)
}
