//! A member's own account and who is asking: sessions, API tokens, log-in
//! limits, passwords, and the secrets behind every link and cookie.

pub mod password;
pub mod secrets;
pub mod throttle;

use crate::{
    AppState,
    app::{audit, members::in_seconds},
};
use acoge_domain::accounts::Email;
use acoge_store::{ApiTokenRecord, AuditRecord, CredentialsRevoked, MemberRecord, StoreError};
use std::net::IpAddr;
use throttle::{LoginAttempt, TooManyAttempts};
use uuid::Uuid;

/// Sessions last 30 days; "log out everywhere" ends them sooner.
pub const SESSION_SECONDS: i64 = 30 * 24 * 3600;

/// Opens a session for `member` under the secret whose hash is
/// `token_hash`, for `SESSION_SECONDS`, and records it in the audit log.
pub async fn open_session(
    app: &AppState,
    token_hash: &str,
    member: Uuid,
) -> Result<(), StoreError> {
    app.db
        .create_session(token_hash, member, in_seconds(SESSION_SECONDS))
        .await?;
    audit::audit(
        app,
        AuditRecord {
            actor: Some(member),
            action: "session.start",
            entity: "member",
            entity_id: member.to_string(),
            before: None,
            after: None,
        },
    )
    .await
}

/// Counts a log-in attempt for `email` from `client` against the limits
/// (`throttle`), before its password is checked.
pub async fn reserve_login(
    app: &AppState,
    client: IpAddr,
    email: &str,
) -> Result<Result<LoginAttempt, TooManyAttempts>, StoreError> {
    throttle::reserve(&app.db, client, email).await
}

/// The password was right: gives the attempt back (see `throttle`).
pub async fn login_succeeded(app: &AppState, attempt: LoginAttempt) -> Result<(), StoreError> {
    attempt.succeeded(&app.db).await
}

/// The password could not be checked: gives the attempt back (see `throttle`).
pub async fn login_unchecked(app: &AppState, attempt: LoginAttempt) -> Result<(), StoreError> {
    attempt.unchecked(&app.db).await
}

/// The member a bearer token belongs to, if it is live.
pub async fn token_member(app: &AppState, token: &str) -> Result<Option<MemberRecord>, StoreError> {
    app.db.token_member(&secrets::hash_secret(token)).await
}

/// The member of the live session whose secret hashes to `hash`.
pub async fn session_member(
    app: &AppState,
    hash: &str,
) -> Result<Option<MemberRecord>, StoreError> {
    app.db.session_member(hash).await
}

/// Counts one write by `member`; answers how many it made this minute (all
/// instances together).
pub async fn writes_this_minute(app: &AppState, member: Uuid) -> Result<u64, StoreError> {
    app.db.rate_hit("write", &member.to_string(), 60).await
}

/// One member.
pub async fn member(app: &AppState, id: Uuid) -> Result<Option<MemberRecord>, StoreError> {
    app.db.member(id).await
}

/// The member with this email address.
pub async fn member_by_email(
    app: &AppState,
    email: &Email,
) -> Result<Option<MemberRecord>, StoreError> {
    app.db.member_by_email(email).await
}

/// Replaces a member's password hash; their sessions, API tokens and
/// outstanding reset links end in the same transaction.
pub async fn set_password(
    app: &AppState,
    id: Uuid,
    password_hash: &str,
    actor: Option<Uuid>,
) -> Result<CredentialsRevoked, StoreError> {
    app.db.set_password(id, password_hash, actor).await
}

/// Deletes an account and its sessions, tokens and pending links. Public
/// contributions stay with their organization; the audit log keeps the id.
pub async fn delete_member(app: &AppState, id: Uuid) -> Result<(), StoreError> {
    app.db.delete_member(id).await
}

/// Ends the session whose secret hashes to `token_hash`.
pub async fn delete_session(app: &AppState, token_hash: &str) -> Result<(), StoreError> {
    app.db.delete_session(token_hash).await
}

/// Ends every session of a member ("log out everywhere", or a moderator
/// signing a member out); returns how many.
pub async fn delete_sessions_of(
    app: &AppState,
    member: Uuid,
    actor: Uuid,
) -> Result<u64, StoreError> {
    app.db.delete_sessions_of(member, actor).await
}

/// How many live sessions `member` has.
pub async fn session_count(app: &AppState, member: Uuid) -> Result<u64, StoreError> {
    app.db.session_count(member).await
}

/// Stores a new API token (its hash) for `member`.
pub async fn create_api_token(
    app: &AppState,
    member: Uuid,
    name: &str,
    token_hash: &str,
) -> Result<Uuid, StoreError> {
    app.db.create_api_token(member, name, token_hash).await
}

/// The live API tokens of `member`.
pub async fn api_tokens_of(
    app: &AppState,
    member: Uuid,
) -> Result<Vec<ApiTokenRecord>, StoreError> {
    app.db.api_tokens_of(member).await
}

/// Revokes one of the member's own tokens; false when there is no such live token.
pub async fn revoke_api_token(
    app: &AppState,
    member: Uuid,
    token: Uuid,
) -> Result<bool, StoreError> {
    app.db.revoke_api_token(member, token).await
}

/// Counts one hit in a fixed window of `window_secs` and returns the hits
/// so far, in one statement: concurrent callers each get their own count,
/// so a limit checked on the answer cannot be raced.
pub async fn rate_hit(
    app: &AppState,
    bucket: &str,
    key: &str,
    window_secs: i64,
) -> Result<u64, StoreError> {
    app.db.rate_hit(bucket, key, window_secs).await
}
