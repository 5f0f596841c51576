//! Invitations, password-reset links, and what moderators and administrators
//! do to other members' accounts, shared by pages and the API: validate the
//! input, ask the domain's rules (the actor's role, and the target's rank),
//! then call the store. Handlers only translate the outcome into HTML or JSON.
//! Also the member and invitation lists, and using an invitation or a reset
//! link.

use crate::{
    AppState,
    app::{
        accounts::{secrets, throttle},
        error::{AppError, Refusal},
    },
    jobs::mail,
};
use acoge_domain::page::{Page, PageRequest};
use acoge_domain::{
    Timestamp,
    accounts::{
        Actor, Denied, Email, FieldError, FieldProblem, MemberAction, Role, authorize_member_action,
    },
};
use acoge_store::{
    CredentialsRevoked, Db, InvitationRecord, LinkProblem, MemberRecord, StoreError,
};
use uuid::Uuid;

/// Invitation links live a week; reset links a day.
pub const INVITATION_SECONDS: i64 = 7 * 24 * 3600;
pub const RESET_SECONDS: i64 = 24 * 3600;

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

/// The address of `path` to show the member who asked for it: the public URL
/// when configured, else the host they reached us by (shown only to them, so
/// a forged Host misleads nobody else). Emails use `Mailer::link` instead.
fn shown_link(app: &AppState, host: Option<&str>, path: &str) -> String {
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
) -> Result<IssuedLink, AppError> {
    let email = Email::parse("email", email)?;
    let role = Role::parse(role).map_err(|_| FieldError {
        field: "role",
        problem: FieldProblem::UnknownRole,
    })?;
    acoge_domain::accounts::authorize_grant(actor, role)?;
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
    let path = format!("/invitacion/{secret}");
    let emailed = match &app.config.mailer {
        Some(mailer) => {
            let (subject, body) =
                mail::invitation_text(&mailer.link(&path), &expires_at.to_string());
            send(app, email.as_str(), &subject, body).await
        }
        None => false,
    };
    Ok(IssuedLink {
        id,
        url: shown_link(app, host, &path),
        expires_at,
        emailed,
    })
}

/// The member `id`, once the domain agrees that `actor` may do `action` to
/// them: the actor's role allows it and the actor outranks them.
async fn target_member(
    app: &AppState,
    actor: &Actor,
    action: MemberAction,
    id: Uuid,
) -> Result<(Uuid, MemberRecord), AppError> {
    let me = actor.id().ok_or(Denied::NotSignedIn)?;
    let member = app.db.member(id).await?.ok_or(AppError::NotFound)?;
    if member.id == me {
        // Members act on their own account from /cuenta, not from the member list.
        return Err(Refusal::OwnAccount.into());
    }
    let me = authorize_member_action(actor, action, member.role)?;
    Ok((me, member))
}

/// Stores a one-time reset link for `member` and returns its path (the
/// secret is in it) and when it expires. The site's links and `acoge user
/// reset` are both made here.
pub async fn create_reset_link(
    db: &Db,
    issued_by: Option<Uuid>,
    member: Uuid,
) -> Result<(String, Timestamp), AppError> {
    let secret = secrets::new_secret()?;
    let expires_at = in_seconds(RESET_SECONDS);
    db.create_password_reset(
        &secrets::hash_secret(&secret),
        member,
        issued_by,
        expires_at,
    )
    .await?;
    Ok((format!("/restablecer/{secret}"), expires_at))
}

/// Issues a one-time password-reset link for another member, to hand over
/// by a channel the issuer trusts. Answers the member's name and the link.
pub async fn issue_reset(
    app: &AppState,
    actor: &Actor,
    host: Option<&str>,
    member: Uuid,
) -> Result<(String, IssuedLink), AppError> {
    let (me, member) = target_member(app, actor, MemberAction::IssueResetLink, member).await?;
    let (path, expires_at) = create_reset_link(&app.db, Some(me), member.id).await?;
    let link = IssuedLink {
        id: member.id,
        url: shown_link(app, host, &path),
        expires_at,
        emailed: false,
    };
    Ok((member.display_name, link))
}

/// Gives another member a new role.
pub async fn change_role(
    app: &AppState,
    actor: &Actor,
    member: Uuid,
    role: &str,
) -> Result<(), AppError> {
    let role = Role::parse(role).map_err(|_| FieldError {
        field: "role",
        problem: FieldProblem::UnknownRole,
    })?;
    let (me, member) = target_member(app, actor, MemberAction::ChangeRole, member).await?;
    acoge_domain::accounts::authorize_grant(actor, role)?;
    if !app.db.set_member_role(member.id, role, me).await? {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Signs another member out everywhere; answers their name and how many
/// sessions ended.
pub async fn end_sessions(
    app: &AppState,
    actor: &Actor,
    member: Uuid,
) -> Result<(String, u64), AppError> {
    let (me, member) = target_member(app, actor, MemberAction::EndSessions, member).await?;
    let ended = app.db.delete_sessions_of(member.id, me).await?;
    Ok((member.display_name, ended))
}

/// Withdraws an invitation not yet accepted; the rank that counts is the
/// role it would grant.
pub async fn revoke_invitation(
    app: &AppState,
    actor: &Actor,
    invitation: Uuid,
) -> Result<String, AppError> {
    actor.id().ok_or(Denied::NotSignedIn)?;
    let record = app
        .db
        .invitation(invitation)
        .await?
        .ok_or(AppError::NotFound)?;
    let me = authorize_member_action(actor, MemberAction::RevokeInvitation, record.role)?;
    if !app.db.revoke_invitation(record.id, me).await? {
        return Err(Refusal::NotPending.into());
    }
    Ok(record.email)
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
pub async fn request_reset(app: &AppState, email: &str) -> Result<(), AppError> {
    let Some(mailer) = &app.config.mailer else {
        return Ok(());
    };
    let Ok(email) = Email::parse("email", email) else {
        return Ok(());
    };
    let Some(member) = app.db.member_by_email(&email).await? else {
        return Ok(());
    };
    // At most three links an hour per account, whatever the addresses asking.
    let key = throttle::account_key(email.as_str());
    if app.db.rate_hit("reset", &key, 3600).await? > 3 {
        return Ok(());
    }
    let (path, _) = create_reset_link(&app.db, None, member.id).await?;
    let (subject, body) = mail::reset_text(&mailer.link(&path));
    send(app, email.as_str(), &subject, body).await;
    Ok(())
}

/// A page of members.
pub async fn members(app: &AppState, page: PageRequest) -> Result<Page<MemberRecord>, StoreError> {
    app.db.members(page).await
}

/// The invitation whose secret hashes to `token_hash`.
pub async fn invitation_by_token(
    app: &AppState,
    token_hash: &str,
) -> Result<Option<InvitationRecord>, StoreError> {
    app.db.invitation_by_token(token_hash).await
}

/// A page of invitations, newest first.
pub async fn invitations(
    app: &AppState,
    page: PageRequest,
) -> Result<Page<InvitationRecord>, StoreError> {
    app.db.invitations(page).await
}

/// Accepts a live invitation: creates the account and marks the link used, atomically.
pub async fn accept_invitation(
    app: &AppState,
    token_hash: &str,
    display_name: &str,
    password_hash: &str,
) -> Result<Result<Uuid, LinkProblem>, StoreError> {
    app.db
        .accept_invitation(token_hash, display_name, password_hash)
        .await
}

/// Records that the invitee asked for a new link (the old one expired).
pub async fn request_invitation_renewal(
    app: &AppState,
    token_hash: &str,
) -> Result<bool, StoreError> {
    app.db.request_invitation_renewal(token_hash).await
}

/// The member a live reset link belongs to.
pub async fn password_reset_member(
    app: &AppState,
    token_hash: &str,
) -> Result<Result<Uuid, LinkProblem>, StoreError> {
    app.db.password_reset_member(token_hash).await
}

/// Uses a reset link, all in one transaction: marks it used, sets the
/// password, and ends the member's sessions, API tokens and other links.
pub async fn use_password_reset(
    app: &AppState,
    token_hash: &str,
    password_hash: &str,
) -> Result<Result<(Uuid, CredentialsRevoked), LinkProblem>, StoreError> {
    app.db.use_password_reset(token_hash, password_hash).await
}
