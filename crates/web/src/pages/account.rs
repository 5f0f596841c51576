//! Signing in and out, and a member's own account: password, API tokens,
//! their data, deleting the account.

use super::{Chrome, Ctx, FormData, PageError, PageFailure, PageResult, render};
use crate::{
    AppState,
    app::error::AppError,
    app::{
        accounts::{self, SESSION_SECONDS, secrets},
        audit, directory, notifications,
    },
    http::client::ClientAddr,
    http::cookies::SameSite,
    http::ids::Id,
};
use acoge_domain::accounts::{Capability, Email, FieldError, NewPassword, short_text};
use acoge_store::{ApiTokenRecord, MemberRecord};
use askama::Template;
use axum::{
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use std::collections::HashMap;
use uuid::Uuid;

/// Field errors by field name, as message keys.
pub type Errors = HashMap<&'static str, &'static str>;

pub fn errors_of(error: &FieldError) -> Errors {
    HashMap::from([(error.field, error.problem.message_key())])
}

/// The new password a form sets in `field` (typed twice, the second time in
/// `password_confirmation`), checked and hashed; `Ok(Err(_))` says why it is
/// refused, to show next to the field.
pub async fn new_password_hash(
    app: &AppState,
    form: &FormData,
    field: &'static str,
    email: Option<&Email>,
) -> Result<Result<String, FieldError>, PageError> {
    let confirmation = Some(form.get("password_confirmation"));
    let new = match NewPassword::parse(field, form.get(field), confirmation, email) {
        Ok(new) => new,
        Err(e) => return Ok(Err(e)),
    };
    let hash = app.config.passwords.hash(new.expose().to_owned()).await?;
    Ok(Ok(hash))
}

/// Only paths on this site may follow a log-in.
fn safe_next(next: &str) -> &str {
    crate::http::links::local_path(next).unwrap_or("/cuenta")
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    csrf: String,
    email: String,
    next: String,
    errors: Errors,
    failed: bool,
    notice: Option<String>,
}

fn notice(ctx: &Ctx) -> Option<String> {
    let params = crate::http::params::Params::parse(ctx.raw_query()).ok()?;
    let key = match params.get("aviso")? {
        "contrasena" => "notice-password-changed",
        "restablecida" => "notice-password-reset",
        "salida" => "notice-signed-out",
        "todas" => "notice-signed-out-everywhere",
        "bienvenida" => "notice-welcome",
        "token-revocado" => "notice-token-revoked",
        "resumen-activado" => "notice-digest-on",
        "resumen-desactivado" => "notice-digest-off",
        _ => return None,
    };
    Some(ctx.tr.t(key))
}

pub async fn login_form(ctx: Ctx) -> Result<Response, PageError> {
    if ctx.member().is_some() {
        return Ok(Redirect::to("/cuenta").into_response());
    }
    let next = crate::http::params::Params::parse(ctx.raw_query())?
        .get("siguiente")
        .map(str::to_owned)
        .unwrap_or_default();
    Ok(render(&LoginPage {
        chrome: ctx.chrome(ctx.tr.t("login-title"), ""),
        csrf: ctx.csrf(),
        email: String::new(),
        next,
        errors: Errors::new(),
        failed: false,
        notice: notice(&ctx),
    })?
    .into_response())
}

pub async fn login(
    State(app): State<AppState>,
    ClientAddr(client): ClientAddr,
    ctx: Ctx,
    form: FormData,
) -> Result<Response, PageError> {
    let typed_email = form.get("email").trim().to_owned();
    let next = form.get("siguiente").to_owned();
    let again = |errors: Errors, failed: bool| -> Result<Response, PageError> {
        let page = render(&LoginPage {
            chrome: ctx.chrome(ctx.tr.t("login-title"), ""),
            csrf: ctx.csrf(),
            email: typed_email.clone(),
            next: next.clone(),
            errors,
            failed,
            notice: None,
        })?;
        Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    };
    let mut errors = Errors::new();
    if typed_email.is_empty() {
        errors.insert("email", "field-required");
    }
    if form.get("password").is_empty() {
        errors.insert("password", "field-required");
    }
    if !errors.is_empty() {
        return again(errors, false);
    }

    // Counted before the password is checked, so parallel guesses cannot race the limit.
    let Ok(attempt) = accounts::reserve_login(&app, client, &typed_email).await? else {
        return Err(PageError::Failure(PageFailure::TooManyLogins));
    };
    tokio::time::sleep(attempt.delay(app.config.login_delay)).await;

    let member = match Email::parse("email", &typed_email) {
        Ok(email) => accounts::member_by_email(&app, &email).await?,
        Err(_) => None,
    };
    let stored = member.as_ref().map(|m| m.password_hash.clone());
    let Ok(valid) = app
        .config
        .passwords
        .verify(form.get("password").to_owned(), stored)
        .await
    else {
        accounts::login_unchecked(&app, attempt).await?;
        return Err(AppError::Busy.into());
    };
    let Some(member) = member.filter(|_| valid) else {
        // The same answer for an unknown email and a wrong password.
        return again(Errors::new(), true);
    };
    accounts::login_succeeded(&app, attempt).await?;
    let cookie = start_session(&app, &member).await?;
    let mut response = Redirect::to(safe_next(&next)).into_response();
    response.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(response)
}

/// Opens a session for `member` and returns its cookie.
async fn start_session(app: &AppState, member: &MemberRecord) -> Result<HeaderValue, PageError> {
    let secret = secrets::new_secret().map_err(PageError::internal)?;
    accounts::open_session(app, &secrets::hash_secret(&secret), member.id).await?;
    let cookies = &app.config.cookies;
    cookies
        .set(cookies.session(), &secret, SESSION_SECONDS, SameSite::Lax)
        .ok_or_else(|| PageError::internal("cookie value"))
}

fn signed_out(app: &AppState, to: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    let cookies = &app.config.cookies;
    if let Some(cookie) = cookies.clear(cookies.session()) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

pub async fn logout(State(app): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    if let Some(hash) = ctx.session_hash() {
        accounts::delete_session(&app, hash).await?;
    }
    Ok(signed_out(&app, "/entrar?aviso=salida"))
}

pub async fn logout_everywhere(
    State(app): State<AppState>,
    ctx: Ctx,
) -> Result<Response, PageError> {
    let member = ctx.require(Capability::OwnAccount)?;
    accounts::delete_sessions_of(&app, member.id, member.id).await?;
    Ok(signed_out(&app, "/entrar?aviso=todas"))
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    chrome: Chrome,
    csrf: String,
    member: MemberRecord,
    organization: Option<(Uuid, String)>,
    sessions: u64,
    tokens: Vec<ApiTokenRecord>,
    new_token: Option<String>,
    token_name: String,
    errors: Errors,
    notice: Option<String>,
    /// Whether email can be sent at all (the digest is offered only then).
    mail_configured: bool,
    /// The language of the member's daily digest; none when it is off.
    digest_lang: Option<String>,
}

struct AccountView {
    new_token: Option<String>,
    token_name: String,
    errors: Errors,
    status: StatusCode,
}

/// The signed-in member's own account; gone meanwhile, a 404.
async fn own_account(app: &AppState, ctx: &Ctx) -> Result<MemberRecord, PageError> {
    let me = ctx.require(Capability::OwnAccount)?;
    accounts::member(app, me.id)
        .await?
        .ok_or_else(PageError::not_found)
}

async fn account_page(app: &AppState, ctx: &Ctx, view: AccountView) -> Result<Response, PageError> {
    let member = own_account(app, ctx).await?;
    let member_id = member.id;
    let organization = match member.organization_id {
        Some(id) => directory::organization(app, id)
            .await?
            .map(|o| (o.id, o.display_name())),
        None => None,
    };
    let page = render(&AccountPage {
        chrome: ctx.chrome(ctx.tr.t("account-title"), "account"),
        csrf: ctx.csrf(),
        sessions: accounts::session_count(app, member_id).await?,
        tokens: accounts::api_tokens_of(app, member_id).await?,
        organization,
        member,
        new_token: view.new_token,
        token_name: view.token_name,
        errors: view.errors,
        notice: notice(ctx),
        mail_configured: app.config.mailer.is_some(),
        digest_lang: notifications::digest_lang(app, member_id).await?,
    })?;
    Ok((view.status, page).into_response())
}

fn plain(status: StatusCode) -> AccountView {
    AccountView {
        new_token: None,
        token_name: String::new(),
        errors: Errors::new(),
        status,
    }
}

pub async fn show(State(app): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    account_page(&app, &ctx, plain(StatusCode::OK)).await
}

pub async fn change_password(
    State(app): State<AppState>,
    ctx: Ctx,
    form: FormData,
) -> Result<Response, PageError> {
    let member = own_account(&app, &ctx).await?;
    let refuse = |errors: Errors| AccountView {
        errors,
        ..plain(StatusCode::UNPROCESSABLE_ENTITY)
    };
    if !app
        .config
        .passwords
        .verify(
            form.get("current_password").to_owned(),
            Some(member.password_hash.clone()),
        )
        .await?
    {
        let errors = Errors::from([("current_password", "field-wrong-password")]);
        return account_page(&app, &ctx, refuse(errors)).await;
    }
    let email = Email::parse("email", &member.email).ok();
    let hash = match new_password_hash(&app, &form, "new_password", email.as_ref()).await? {
        Ok(hash) => hash,
        Err(e) => return account_page(&app, &ctx, refuse(errors_of(&e))).await,
    };
    // Changing the password ends every session (this one included), revokes
    // the API tokens and voids pending reset links; open a new session here.
    accounts::set_password(&app, member.id, &hash, Some(member.id)).await?;
    let cookie = start_session(&app, &member).await?;
    let mut response = Redirect::to("/cuenta?aviso=contrasena").into_response();
    response.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(response)
}

pub async fn create_token(
    State(app): State<AppState>,
    ctx: Ctx,
    form: FormData,
) -> Result<Response, PageError> {
    let me = ctx.require(Capability::OwnAccount)?;
    let name = match short_text("token_name", form.get("token_name"), 80) {
        Ok(name) => name,
        Err(e) => {
            let view = AccountView {
                errors: errors_of(&e),
                token_name: form.get("token_name").to_owned(),
                ..plain(StatusCode::UNPROCESSABLE_ENTITY)
            };
            return account_page(&app, &ctx, view).await;
        }
    };
    let token = secrets::new_api_token().map_err(PageError::internal)?;
    accounts::create_api_token(&app, me.id, &name, &secrets::hash_secret(&token)).await?;
    let view = AccountView {
        new_token: Some(token),
        ..plain(StatusCode::CREATED)
    };
    account_page(&app, &ctx, view).await
}

/// Turns the daily email digest on (in the language of the page) or off.
pub async fn set_digest(
    State(app): State<AppState>,
    ctx: Ctx,
    form: FormData,
) -> Result<Response, PageError> {
    let me = ctx.require(Capability::OwnAccount)?;
    let on = form.get("digest") == "on";
    let lang = on.then(|| ctx.tr.lang.code());
    notifications::set_digest(&app, me.id, lang).await?;
    let notice = if on {
        "resumen-activado"
    } else {
        "resumen-desactivado"
    };
    Ok(Redirect::to(&format!("/cuenta?aviso={notice}")).into_response())
}

pub async fn revoke_token(
    State(app): State<AppState>,
    ctx: Ctx,
    Id(id): Id<Uuid>,
) -> Result<Response, PageError> {
    let me = ctx.require(Capability::OwnAccount)?;
    if !accounts::revoke_api_token(&app, me.id, id).await? {
        return Err(PageError::not_found());
    }
    Ok(Redirect::to("/cuenta?aviso=token-revocado").into_response())
}

/// Everything Acoge holds about the member, as JSON.
pub async fn export(State(app): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let member = own_account(&app, &ctx).await?;
    let actions = audit::audit_log(
        &app,
        Some(member.id),
        acoge_domain::page::PageRequest::first(100),
    )
    .await?;
    let body = serde_json::json!({
        "member": member,
        "active_sessions": accounts::session_count(&app, member.id).await?,
        "api_tokens": accounts::api_tokens_of(&app, member.id).await?,
        "actions_in_audit_log": actions.total,
        "latest_actions": actions.items,
    });
    let text = serde_json::to_string_pretty(&body).map_err(PageError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"acoge-mis-datos.json\"",
            ),
        ],
        text,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    chrome: Chrome,
    message: String,
}

pub async fn delete(
    State(app): State<AppState>,
    ctx: Ctx,
    form: FormData,
) -> Result<Response, PageError> {
    let member = own_account(&app, &ctx).await?;
    let mut errors = Errors::new();
    if !form.checked("confirm_delete") {
        errors.insert("confirm_delete", "field-required");
    }
    if !app
        .config
        .passwords
        .verify(
            form.get("delete_password").to_owned(),
            Some(member.password_hash),
        )
        .await?
    {
        errors.insert("delete_password", "field-wrong-password");
    }
    if !errors.is_empty() {
        let view = AccountView {
            errors,
            ..plain(StatusCode::UNPROCESSABLE_ENTITY)
        };
        return account_page(&app, &ctx, view).await;
    }
    accounts::delete_member(&app, member.id).await?;
    let page = render(&MessagePage {
        chrome: ctx.chrome(ctx.tr.t("account-deleted-title"), ""),
        message: ctx.tr.t("account-deleted"),
    })?;
    let mut response = page.into_response();
    let cookies = &app.config.cookies;
    if let Some(cookie) = cookies.clear(cookies.session()) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

#[derive(Template)]
#[template(path = "recover.html")]
struct RecoverPage {
    chrome: Chrome,
    csrf: String,
    by_email: bool,
    sent: bool,
}

pub async fn recover(State(app): State<AppState>, ctx: Ctx) -> PageResult {
    render(&RecoverPage {
        chrome: ctx.chrome(ctx.tr.t("recover-title"), ""),
        csrf: ctx.csrf(),
        by_email: app.config.mailer.is_some(),
        sent: false,
    })
}

/// Emails a reset link (when a relay is configured), answering the same
/// whether or not the address has an account.
pub async fn request_reset(
    State(app): State<AppState>,
    ClientAddr(client): ClientAddr,
    ctx: Ctx,
    form: FormData,
) -> Result<Response, PageError> {
    if app.config.mailer.is_none() {
        return Err(PageError::not_found());
    }
    if accounts::rate_hit(&app, "reset", &format!("address:{client}"), 3600).await? > 10 {
        return Err(PageError::from(AppError::RateLimited));
    }
    crate::app::members::request_reset(&app, form.get("email"))
        .await
        .map_err(PageError::internal)?;
    Ok(render(&RecoverPage {
        chrome: ctx.chrome(ctx.tr.t("recover-title"), ""),
        csrf: ctx.csrf(),
        by_email: true,
        sent: true,
    })?
    .into_response())
}
