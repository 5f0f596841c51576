//! The member list for moderators and administrators, role changes, and
//! password-reset links.

use super::{
    Chrome, Ctx, FormData, PageError,
    account::{Errors, errors_of},
    render,
};
use crate::{
    AppState,
    auth::{password, secrets},
    services::{self, IssuedLink},
};
use acoge_domain::{
    accounts::{Capability, NewPassword, Role, authorize, authorize_grant},
    page::PageRequest,
};
use acoge_store::{LinkProblem, MemberRecord};
use askama::Template;
use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use uuid::Uuid;

#[derive(Template)]
#[template(path = "members.html")]
struct ListPage {
    chrome: Chrome,
    csrf: String,
    members: Vec<MemberRecord>,
    roles: &'static [Role],
    can_change_roles: bool,
    me: Uuid,
    issued: Option<(String, IssuedLink)>,
    error: Option<&'static str>,
}

async fn list_page(
    app: &AppState,
    ctx: &Ctx,
    issued: Option<(String, IssuedLink)>,
    error: Option<&'static str>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let me = ctx.require(Capability::InviteMembers)?;
    let page = render(&ListPage {
        chrome: ctx.chrome(ctx.tr.t("members-title"), "members"),
        csrf: ctx.csrf(),
        members: app.db.members(PageRequest::first(100)).await?.items,
        roles: Role::ALL,
        can_change_roles: authorize(ctx.actor(), Capability::ManageMembers).is_ok(),
        me: me.id,
        issued,
        error,
    })?;
    Ok((status, page).into_response())
}

pub async fn list(State(app): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    list_page(&app, &ctx, None, None, StatusCode::OK).await
}

pub async fn change_role(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, PageError> {
    let me = ctx.require(Capability::ManageMembers)?;
    let id = Uuid::parse_str(&id).map_err(|_| PageError::not_found())?;
    let Ok(role) = Role::parse(form.get("role")) else {
        return list_page(
            &app,
            &ctx,
            None,
            Some("field-unknown-role"),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    if id == me.id {
        // An administrator demoting themselves could leave nobody able to undo it.
        return list_page(
            &app,
            &ctx,
            None,
            Some("members-own-role"),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    if authorize_grant(ctx.actor(), role).is_err() {
        return list_page(
            &app,
            &ctx,
            None,
            Some("field-role-not-grantable"),
            StatusCode::FORBIDDEN,
        )
        .await;
    }
    if !app.db.set_member_role(id, role, me.id).await? {
        return Err(PageError::not_found());
    }
    Ok(Redirect::to("/miembros").into_response())
}

pub async fn issue_reset(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let me = ctx.require(Capability::InviteMembers)?;
    let id = Uuid::parse_str(&id).map_err(|_| PageError::not_found())?;
    let member = app.db.member(id).await?.ok_or_else(PageError::not_found)?;
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let link = services::issue_reset(&app, Some(me.id), host, member.id)
        .await
        .map_err(PageError::internal)?;
    list_page(
        &app,
        &ctx,
        Some((member.display_name, link)),
        None,
        StatusCode::CREATED,
    )
    .await
}

#[derive(Template)]
#[template(path = "reset.html")]
struct ResetPage {
    chrome: Chrome,
    csrf: String,
    token: String,
    problem: Option<&'static str>,
    errors: Errors,
}

fn reset_page(
    ctx: &Ctx,
    token: String,
    problem: Option<LinkProblem>,
    errors: Errors,
    status: StatusCode,
) -> Result<Response, PageError> {
    let page = render(&ResetPage {
        chrome: ctx.chrome(ctx.tr.t("reset-title"), ""),
        csrf: ctx.csrf(),
        token,
        problem: problem.map(|p| match p {
            LinkProblem::Unknown => "link-unknown",
            LinkProblem::Expired => "link-expired-reset",
            LinkProblem::Used => "link-used",
        }),
        errors,
    })?;
    let status = match problem {
        Some(LinkProblem::Unknown) => StatusCode::NOT_FOUND,
        Some(_) => StatusCode::GONE,
        None => status,
    };
    Ok((status, page).into_response())
}

pub async fn reset_form(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let problem = app
        .db
        .password_reset_member(&secrets::hash_secret(&token))
        .await?
        .err();
    reset_page(&ctx, token, problem, Errors::new(), StatusCode::OK)
}

pub async fn reset(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
    form: FormData,
) -> Result<Response, PageError> {
    let hash_of_token = secrets::hash_secret(&token);
    if let Err(problem) = app.db.password_reset_member(&hash_of_token).await? {
        return reset_page(&ctx, token, Some(problem), Errors::new(), StatusCode::OK);
    }
    let new = match NewPassword::parse(
        "password",
        form.get("password"),
        Some(form.get("password_confirmation")),
        None,
    ) {
        Ok(p) => p,
        Err(e) => {
            return reset_page(
                &ctx,
                token,
                None,
                errors_of(&e),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let hash = password::hash_password(new.expose().to_owned())
        .await
        .map_err(PageError::internal)?;
    match app.db.use_password_reset(&hash_of_token, &hash).await? {
        Ok(_) => Ok(Redirect::to("/entrar?aviso=restablecida").into_response()),
        Err(problem) => reset_page(&ctx, token, Some(problem), Errors::new(), StatusCode::OK),
    }
}
