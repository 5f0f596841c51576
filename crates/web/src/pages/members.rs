//! The member list for moderators and administrators, and what they do to
//! other members' accounts (role changes, password-reset links, signing them
//! out), each only on accounts they outrank; and the reset form itself.

use super::{
    Chrome, Ctx, FormData, PageError,
    account::{Errors, errors_of, new_password_hash},
    render,
};
use crate::{
    AppState,
    app::accounts::secrets,
    app::error::{AppError, Refusal},
    app::members::{self, IssuedLink},
    http::ids::Id,
};
use acoge_domain::{
    accounts::{Capability, MemberAction, Role, authorize_member_action},
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

/// A member as the list shows them, with what the viewer may do to them.
struct MemberLine {
    member: MemberRecord,
    can_change_role: bool,
    /// Issue a reset link and sign them out: the same rank rule.
    can_act: bool,
}

#[derive(Template)]
#[template(path = "members.html")]
struct ListPage {
    chrome: Chrome,
    csrf: String,
    lines: Vec<MemberLine>,
    roles: &'static [Role],
    issued: Option<(String, IssuedLink)>,
    notice: Option<String>,
    error: Option<&'static str>,
}

/// What a list page shows above the list.
#[derive(Default)]
struct Outcome {
    issued: Option<(String, IssuedLink)>,
    notice: Option<String>,
    error: Option<&'static str>,
}

async fn list_page(
    app: &AppState,
    ctx: &Ctx,
    outcome: Outcome,
    status: StatusCode,
) -> Result<Response, PageError> {
    let me = ctx.require(Capability::InviteMembers)?;
    let may = |action, member: &MemberRecord| {
        member.id != me.id && authorize_member_action(ctx.actor(), action, member.role).is_ok()
    };
    let lines = members::members(app, PageRequest::first(100))
        .await?
        .items
        .into_iter()
        .map(|member| MemberLine {
            can_change_role: may(MemberAction::ChangeRole, &member),
            can_act: may(MemberAction::IssueResetLink, &member),
            member,
        })
        .collect();
    let page = render(&ListPage {
        chrome: ctx.chrome(ctx.tr.t("members-title"), "members"),
        csrf: ctx.csrf(),
        lines,
        roles: Role::ALL,
        issued: outcome.issued,
        notice: outcome.notice,
        error: outcome.error,
    })?;
    Ok((status, page).into_response())
}

pub async fn list(State(app): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    list_page(&app, &ctx, Outcome::default(), StatusCode::OK).await
}

/// The list again with why an action on a member was refused.
async fn refused(app: &AppState, ctx: &Ctx, error: AppError) -> Result<Response, PageError> {
    let key = match &error {
        AppError::NotSignedIn => return Err(PageError::SignIn("/miembros".to_owned())),
        AppError::Forbidden => "members-target-outranks",
        AppError::Refused(Refusal::OwnAccount) => "members-own-role",
        AppError::Invalid(fields) if !fields.is_empty() => fields[0].problem.message_key(),
        _ => return Err(error.into()),
    };
    let status = error.status();
    let outcome = Outcome {
        error: Some(key),
        ..Outcome::default()
    };
    list_page(app, ctx, outcome, status).await
}

pub async fn change_role(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
    form: FormData,
) -> Result<Response, PageError> {
    match members::change_role(&app, ctx.actor(), id, form.get("role")).await {
        Ok(()) => Ok(Redirect::to("/miembros").into_response()),
        Err(e) => refused(&app, &ctx, e).await,
    }
}

pub async fn issue_reset(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Id(id): Id<Uuid>,
) -> Result<Response, PageError> {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    match members::issue_reset(&app, ctx.actor(), host, id).await {
        Ok(issued) => {
            let outcome = Outcome {
                issued: Some(issued),
                ..Outcome::default()
            };
            list_page(&app, &ctx, outcome, StatusCode::CREATED).await
        }
        Err(e) => refused(&app, &ctx, e).await,
    }
}

pub async fn end_sessions(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
) -> Result<Response, PageError> {
    match members::end_sessions(&app, ctx.actor(), id).await {
        Ok((name, ended)) => {
            let notice =
                ctx.tr
                    .count_with("members-sessions-ended", ended, &[("name", name.into())]);
            let outcome = Outcome {
                notice: Some(notice),
                ..Outcome::default()
            };
            list_page(&app, &ctx, outcome, StatusCode::OK).await
        }
        Err(e) => refused(&app, &ctx, e).await,
    }
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
            LinkProblem::Revoked => "link-revoked-reset",
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
    let problem = members::password_reset_member(&app, &secrets::hash_secret(&token))
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
    if let Err(problem) = members::password_reset_member(&app, &hash_of_token).await? {
        return reset_page(&ctx, token, Some(problem), Errors::new(), StatusCode::OK);
    }
    let hash = match new_password_hash(&app, &form, "password", None).await? {
        Ok(hash) => hash,
        Err(e) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return reset_page(&ctx, token, None, errors_of(&e), status);
        }
    };
    match members::use_password_reset(&app, &hash_of_token, &hash).await? {
        Ok(_) => Ok(Redirect::to("/entrar?aviso=restablecida").into_response()),
        Err(problem) => reset_page(&ctx, token, Some(problem), Errors::new(), StatusCode::OK),
    }
}
