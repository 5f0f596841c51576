//! Operations shared by pages and the API: validate input into domain values,
//! ask the domain's rules, then call the store. Handlers only translate the
//! outcome into HTML or JSON.

use crate::{AppState, auth::secrets};
use acoge_domain::{
    Timestamp,
    accounts::{Actor, Denied, Email, FieldError, FieldProblem, Role, authorize_grant},
};
use acoge_store::StoreError;
use uuid::Uuid;

/// Invitation links live a week; reset links a day.
pub const INVITATION_SECONDS: i64 = 7 * 24 * 3600;
pub const RESET_SECONDS: i64 = 24 * 3600;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    Field(#[from] FieldError),
    #[error(transparent)]
    Denied(#[from] Denied),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Randomness(#[from] secrets::RandomnessError),
}

/// A link to show once to the person who asked for it.
#[derive(Debug, Clone)]
pub struct IssuedLink {
    pub id: Uuid,
    pub url: String,
    pub expires_at: Timestamp,
    /// Whether the link was also sent by email (only with an SMTP relay).
    pub emailed: bool,
}

pub fn in_seconds(seconds: i64) -> Timestamp {
    Timestamp::from_micros(Timestamp::now().as_micros() + seconds * 1_000_000)
}

/// The absolute address of `path`: the public URL when configured, else the request's host.
pub fn absolute(app: &AppState, host: Option<&str>, path: &str) -> String {
    match (&app.config.public_url, host) {
        (Some(base), _) => format!("{base}{path}"),
        (None, Some(host)) => format!("http://{host}{path}"),
        (None, None) => path.to_owned(),
    }
}

/// Invites `email` with `role` into an organization.
pub async fn invite(
    app: &AppState,
    actor: &Actor,
    host: Option<&str>,
    email: &str,
    role: &str,
    organization: &str,
) -> Result<IssuedLink, ServiceError> {
    let email = Email::parse("email", email)?;
    let role = Role::parse(role).map_err(|_| FieldError {
        field: "role",
        problem: FieldProblem::UnknownRole,
    })?;
    authorize_grant(actor, role)?;
    let organization_id = match organization.trim() {
        "" => None,
        text => {
            let unknown = FieldError {
                field: "organization",
                problem: FieldProblem::UnknownOrganization,
            };
            let id = Uuid::parse_str(text).map_err(|_| unknown.clone())?;
            app.db.organization(id).await?.ok_or(unknown)?;
            Some(id)
        }
    };
    if app.db.member_by_email(&email).await?.is_some() {
        return Err(FieldError {
            field: "email",
            problem: FieldProblem::EmailTaken,
        }
        .into());
    }
    let inviter = actor.id().ok_or(Denied::NotSignedIn)?;
    let secret = secrets::new_secret()?;
    let expires_at = in_seconds(INVITATION_SECONDS);
    let id = app
        .db
        .create_invitation(
            &secrets::hash_secret(&secret),
            &email,
            role,
            organization_id,
            inviter,
            expires_at,
        )
        .await?;
    let url = absolute(app, host, &format!("/invitacion/{secret}"));
    let (subject, body) = crate::mail::invitation_text(&url, &expires_at.to_string());
    let emailed = send(app, email.as_str(), &subject, body).await;
    Ok(IssuedLink {
        id,
        url,
        expires_at,
        emailed,
    })
}

/// Issues a one-time password-reset link for `member`.
pub async fn issue_reset(
    app: &AppState,
    issued_by: Option<Uuid>,
    host: Option<&str>,
    member: Uuid,
) -> Result<IssuedLink, ServiceError> {
    let secret = secrets::new_secret()?;
    let expires_at = in_seconds(RESET_SECONDS);
    app.db
        .create_password_reset(
            &secrets::hash_secret(&secret),
            member,
            issued_by,
            expires_at,
        )
        .await?;
    Ok(IssuedLink {
        id: member,
        url: absolute(app, host, &format!("/restablecer/{secret}")),
        expires_at,
        emailed: false,
    })
}

/// Sends an email when a relay is configured; a failure is logged, not fatal,
/// because the link is also shown to whoever created it.
async fn send(app: &AppState, to: &str, subject: &str, body: String) -> bool {
    let Some(mailer) = &app.config.mailer else {
        return false;
    };
    match mailer.send(to, subject, body).await {
        Ok(()) => true,
        Err(error) => {
            tracing::error!(%error, "email not sent");
            false
        }
    }
}

/// "Forgot my password": with a relay configured, emails a reset link to the
/// account's address. The answer never tells whether the address has an account.
pub async fn request_reset(
    app: &AppState,
    host: Option<&str>,
    email: &str,
) -> Result<(), ServiceError> {
    let Ok(email) = Email::parse("email", email) else {
        return Ok(());
    };
    let Some(member) = app.db.member_by_email(&email).await? else {
        return Ok(());
    };
    // At most three links an hour per account, whatever the addresses asking.
    if app
        .db
        .rate_hit("reset", &format!("account:{}", email.as_str()), 3600)
        .await?
        > 3
    {
        return Ok(());
    }
    let link = issue_reset(app, None, host, member.id).await?;
    let (subject, body) = crate::mail::reset_text(&link.url);
    send(app, email.as_str(), &subject, body).await;
    Ok(())
}
