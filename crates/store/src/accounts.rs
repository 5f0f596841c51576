//! Members, sessions, invitations, password resets and API tokens. The store
//! sees only hashes of secrets; hashing and checking passwords happens above.

use crate::{
    Db, StoreError,
    audit::AuditRecord,
    db::{BeginWrite, Tx, dispatch},
    error::conflict_on,
    outbox::commit_and_announce,
    rows::{count, optional_scalar},
    time::DbTime,
};
use acoge_domain::{
    Timestamp,
    accounts::{Email, MemberIdentity, Role},
    page::{Page, PageRequest},
};
use serde_json::json;
use uuid::Uuid;

/// A member as the store keeps it. The email is private: never render it publicly.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MemberRecord {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub organization_id: Option<Uuid>,
    pub role: Role,
    #[serde(skip)]
    pub password_hash: String,
    pub created_at: Timestamp,
}

impl MemberRecord {
    pub fn identity(&self) -> MemberIdentity {
        MemberIdentity {
            id: self.id,
            role: self.role,
            organization_id: self.organization_id,
            display_name: self.display_name.clone(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    id: Uuid,
    email: String,
    display_name: String,
    organization_id: Option<Uuid>,
    role: String,
    password_hash: String,
    created_at: DbTime,
}

impl MemberRow {
    fn into_record(self) -> Result<MemberRecord, StoreError> {
        Ok(MemberRecord {
            role: Role::parse(&self.role).map_err(|e| StoreError::corrupt("members", "role", e))?,
            id: self.id,
            email: self.email,
            display_name: self.display_name,
            organization_id: self.organization_id,
            password_hash: self.password_hash,
            created_at: self.created_at.0,
        })
    }
}

/// How precisely a token's last use is kept.
const TOKEN_USE_RESOLUTION_MICROS: i64 = 60 * 1_000_000;

#[derive(sqlx::FromRow)]
struct TokenMemberRow {
    #[sqlx(flatten)]
    member: MemberRow,
    last_used_at: Option<DbTime>,
}

const MEMBER_COLUMNS: &str =
    "m.id, m.email, m.display_name, m.organization_id, m.role, m.password_hash, m.created_at";

/// What a new account is made of.
#[derive(Debug, Clone)]
pub struct NewMember<'a> {
    pub email: &'a Email,
    pub display_name: &'a str,
    pub organization_id: Option<Uuid>,
    pub role: Role,
    pub password_hash: &'a str,
}

/// An invitation as moderators see it (the link itself is shown once, at creation).
#[derive(Debug, Clone, serde::Serialize)]
pub struct InvitationRecord {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    pub organization_id: Option<Uuid>,
    pub invited_by: Option<Uuid>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub accepted_at: Option<Timestamp>,
    pub renewal_requested_at: Option<Timestamp>,
    /// When a moderator or administrator withdrew it.
    pub revoked_at: Option<Timestamp>,
}

impl InvitationRecord {
    /// Why its link cannot be used now, if it cannot.
    pub fn link_problem(&self, now: Timestamp) -> Option<LinkProblem> {
        if self.accepted_at.is_some() {
            Some(LinkProblem::Used)
        } else if self.revoked_at.is_some() {
            Some(LinkProblem::Revoked)
        } else if self.expires_at <= now {
            Some(LinkProblem::Expired)
        } else {
            None
        }
    }
}

#[derive(sqlx::FromRow)]
struct InvitationRow {
    id: Uuid,
    email: String,
    role: String,
    organization_id: Option<Uuid>,
    invited_by: Option<Uuid>,
    created_at: DbTime,
    expires_at: DbTime,
    accepted_at: Option<DbTime>,
    renewal_requested_at: Option<DbTime>,
    revoked_at: Option<DbTime>,
}

impl InvitationRow {
    fn into_record(self) -> Result<InvitationRecord, StoreError> {
        Ok(InvitationRecord {
            role: Role::parse(&self.role)
                .map_err(|e| StoreError::corrupt("invitations", "role", e))?,
            id: self.id,
            email: self.email,
            organization_id: self.organization_id,
            invited_by: self.invited_by,
            created_at: self.created_at.0,
            expires_at: self.expires_at.0,
            accepted_at: self.accepted_at.map(|t| t.0),
            renewal_requested_at: self.renewal_requested_at.map(|t| t.0),
            revoked_at: self.revoked_at.map(|t| t.0),
        })
    }
}

const INVITATION_COLUMNS: &str = "id, email, role, organization_id, invited_by, created_at, \
     expires_at, accepted_at, renewal_requested_at, revoked_at";

/// An API token's public part.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ApiTokenRecord {
    pub id: Uuid,
    pub name: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: Uuid,
    name: String,
    created_at: DbTime,
    last_used_at: Option<DbTime>,
    revoked_at: Option<DbTime>,
}

/// Why accepting an invitation or using a reset link failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkProblem {
    #[error("the link is not valid")]
    Unknown,
    #[error("the link has expired")]
    Expired,
    #[error("the link was already used")]
    Used,
    /// Withdrawn: an invitation revoked, or a reset link made void by a
    /// password change.
    #[error("the link was revoked")]
    Revoked,
}

/// What a password change ended, in the same transaction as the change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CredentialsRevoked {
    pub sessions: u64,
    pub api_tokens: u64,
    pub reset_links: u64,
}

/// Replaces a member's password hash in the caller's transaction and ends
/// everything the old password let anyone hold: sessions, API tokens and
/// outstanding reset links.
async fn replace_password(
    tx: impl Into<Tx<'_>>,
    id: Uuid,
    hash: &str,
    actor: Option<Uuid>,
    now: DbTime,
) -> Result<CredentialsRevoked, StoreError> {
    let mut tx = tx.into();
    let revoked = dispatch!(tx: tx.reborrow(), |conn| {
        sqlx::query("UPDATE members SET password_hash = $2, updated_at = $3 WHERE id = $1")
            .bind(id)
            .bind(hash)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        CredentialsRevoked {
            sessions: sqlx::query("DELETE FROM sessions WHERE member_id = $1")
                .bind(id)
                .execute(&mut *conn)
                .await?
                .rows_affected(),
            api_tokens: sqlx::query(
                "UPDATE api_tokens SET revoked_at = $2 WHERE member_id = $1 AND revoked_at IS NULL",
            )
            .bind(id)
            .bind(now)
            .execute(&mut *conn)
            .await?
            .rows_affected(),
            reset_links: sqlx::query(
                "UPDATE password_resets SET revoked_at = $2
                 WHERE member_id = $1 AND used_at IS NULL AND revoked_at IS NULL",
            )
            .bind(id)
            .bind(now)
            .execute(&mut *conn)
            .await?
            .rows_affected(),
        }
    });
    AuditRecord::new(actor.or(Some(id)), "member.password", "member", id)
        .after(json!({
            "password": "changed",
            "sessions_ended": revoked.sessions,
            "api_tokens_revoked": revoked.api_tokens,
            "reset_links_revoked": revoked.reset_links,
        }))
        .record(&mut tx)
        .await?;
    Ok(revoked)
}

/// Audits, inside the revoking transaction, that `actor` revoked the
/// `entity` (an invitation or an API token) with id `id`: action
/// "<entity>.revoke", from revoked false to true.
async fn record_revocation(
    tx: impl Into<Tx<'_>>,
    actor: Uuid,
    entity: &'static str,
    id: Uuid,
) -> Result<(), StoreError> {
    AuditRecord::new(actor, &format!("{entity}.revoke"), entity, id)
        .before(json!({ "revoked": false }))
        .after(json!({ "revoked": true }))
        .record(tx)
        .await
}

pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.is_unique_violation())
}

type ResetRow = (Uuid, DbTime, Option<DbTime>, Option<DbTime>);

const RESET_BY_TOKEN: &str =
    "SELECT member_id, expires_at, used_at, revoked_at FROM password_resets WHERE token_hash = $1";

fn reset_state(row: Option<ResetRow>, now: Timestamp) -> Result<Uuid, LinkProblem> {
    match row {
        None => Err(LinkProblem::Unknown),
        Some((_, _, Some(_), _)) => Err(LinkProblem::Used),
        Some((_, _, None, Some(_))) => Err(LinkProblem::Revoked),
        Some((_, expires, None, None)) if expires.0 <= now => Err(LinkProblem::Expired),
        Some((member, _, None, None)) => Ok(member),
    }
}

/// A member row to insert (an invitation holds its email as text).
struct MemberInsert<'a> {
    id: Uuid,
    email: &'a str,
    display_name: &'a str,
    organization_id: Option<Uuid>,
    role: Role,
    password_hash: &'a str,
}

/// Inserts a member row in the caller's transaction; a taken email is
/// `Conflict { field: "email" }`.
async fn insert_member(
    tx: impl Into<Tx<'_>>,
    member: &MemberInsert<'_>,
    now: DbTime,
) -> Result<(), StoreError> {
    dispatch!(tx: tx.into(), |conn| {
        sqlx::query(
            "INSERT INTO members (id, email, display_name, organization_id, role, password_hash,
                created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        )
        .bind(member.id)
        .bind(member.email)
        .bind(member.display_name)
        .bind(member.organization_id)
        .bind(member.role.slug())
        .bind(member.password_hash)
        .bind(now)
        .execute(conn)
        .await
        .map_err(conflict_on("email"))?;
    });
    Ok(())
}

impl Db {
    /// Creates an account. A taken email is `StoreError::Conflict { field: "email" }`.
    pub async fn create_member(
        &self,
        new: &NewMember<'_>,
        actor: Option<Uuid>,
    ) -> Result<Uuid, StoreError> {
        let id = Uuid::now_v7();
        let now = DbTime(Timestamp::now());
        dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            insert_member(
                &mut tx,
                &MemberInsert {
                    id,
                    email: new.email.as_str(),
                    display_name: new.display_name,
                    organization_id: new.organization_id,
                    role: new.role,
                    password_hash: new.password_hash,
                },
                now,
            )
            .await?;
            AuditRecord::new(actor.or(Some(id)), "member.create", "member", id)
                .after(json!({
                    "display_name": new.display_name,
                    "role": new.role.slug(),
                    "organization_id": new.organization_id,
                }))
                .record(&mut tx)
                .await?;
            tx.commit().await?;
        });
        Ok(id)
    }

    pub async fn member(&self, id: Uuid) -> Result<Option<MemberRecord>, StoreError> {
        let sql = format!("SELECT {MEMBER_COLUMNS} FROM members m WHERE m.id = $1");
        self.record_by(sql, id, MemberRow::into_record).await
    }

    pub async fn member_by_email(&self, email: &Email) -> Result<Option<MemberRecord>, StoreError> {
        let sql = format!("SELECT {MEMBER_COLUMNS} FROM members m WHERE m.email = $1");
        self.record_by(sql, email.as_str(), MemberRow::into_record)
            .await
    }

    pub async fn members(&self, page: PageRequest) -> Result<Page<MemberRecord>, StoreError> {
        self.whole_table_page(
            page,
            "SELECT COUNT(*) FROM members",
            format!(
                "SELECT {MEMBER_COLUMNS} FROM members m ORDER BY m.display_name, m.id LIMIT $1 OFFSET $2"
            ),
            MemberRow::into_record,
        )
        .await
    }

    /// Changes a member's role, logging before and after.
    pub async fn set_member_role(
        &self,
        id: Uuid,
        role: Role,
        actor: Uuid,
    ) -> Result<bool, StoreError> {
        let now = DbTime(Timestamp::now());
        dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let before: Option<String> =
                optional_scalar(&mut tx, "SELECT role FROM members WHERE id = $1", id).await?;
            let Some(before) = before else {
                return Ok(false);
            };
            sqlx::query("UPDATE members SET role = $2, updated_at = $3 WHERE id = $1")
                .bind(id)
                .bind(role.slug())
                .bind(now)
                .execute(&mut *tx)
                .await?;
            // Public pages name members by role (moderators of a thread).
            AuditRecord::new(actor, "member.role", "member", id)
                .before(json!({ "role": before }))
                .after(json!({ "role": role.slug() }))
                .record_with_change(&mut tx, now)
                .await?;
            commit_and_announce(tx).await?;
        });
        Ok(true)
    }

    /// Replaces a member's password hash; their sessions, API tokens and
    /// outstanding reset links end in the same transaction.
    pub async fn set_password(
        &self,
        id: Uuid,
        password_hash: &str,
        actor: Option<Uuid>,
    ) -> Result<CredentialsRevoked, StoreError> {
        let now = DbTime(Timestamp::now());
        let revoked = dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let revoked = replace_password(&mut tx, id, password_hash, actor, now).await?;
            tx.commit().await?;
            revoked
        });
        Ok(revoked)
    }

    /// Deletes an account and its sessions, tokens and pending links. Public
    /// contributions stay with their organization; the audit log keeps the id.
    pub async fn delete_member(&self, id: Uuid) -> Result<(), StoreError> {
        let now = DbTime(Timestamp::now());
        dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let before: Option<(String, Option<Uuid>)> =
                sqlx::query_as("SELECT role, organization_id FROM members WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            sqlx::query("DELETE FROM members WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            // Public pages name the authors of contributions and practices.
            AuditRecord::new(id, "member.delete", "member", id)
                .before(before.map(|(role, org)| json!({ "role": role, "organization_id": org })))
                .record_with_change(&mut tx, now)
                .await?;
            commit_and_announce(tx).await?;
        });
        Ok(())
    }

    // --- sessions -------------------------------------------------------

    pub async fn create_session(
        &self,
        token_hash: &str,
        member: Uuid,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        dispatch!(self, |pool| {
            sqlx::query(
                "INSERT INTO sessions (token_hash, member_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(token_hash)
            .bind(member)
            .bind(DbTime(Timestamp::now()))
            .bind(DbTime(expires_at))
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// The member of a live session.
    pub async fn session_member(
        &self,
        token_hash: &str,
    ) -> Result<Option<MemberRecord>, StoreError> {
        let row: Option<MemberRow> = dispatch!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {MEMBER_COLUMNS} FROM sessions s JOIN members m ON m.id = s.member_id
                 WHERE s.token_hash = $1 AND s.expires_at > $2"
            )))
            .bind(token_hash)
            .bind(DbTime(Timestamp::now()))
            .fetch_optional(pool)
            .await?
        });
        row.map(MemberRow::into_record).transpose()
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        dispatch!(self, |pool| {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Ends every session of a member ("log out everywhere", or a moderator
    /// signing a member out); returns how many.
    pub async fn delete_sessions_of(&self, member: Uuid, actor: Uuid) -> Result<u64, StoreError> {
        let ended = dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let ended = sqlx::query("DELETE FROM sessions WHERE member_id = $1")
                .bind(member)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            AuditRecord::new(actor, "session.end_all", "member", member)
                .before(json!({ "sessions": ended }))
                .after(json!({ "sessions": 0 }))
                .record(&mut tx)
                .await?;
            tx.commit().await?;
            ended
        });
        Ok(ended)
    }

    pub async fn session_count(&self, member: Uuid) -> Result<u64, StoreError> {
        let n: i64 = dispatch!(self, |pool| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM sessions WHERE member_id = $1 AND expires_at > $2",
            )
            .bind(member)
            .bind(DbTime(Timestamp::now()))
            .fetch_one(pool)
            .await?
        });
        Ok(count(n))
    }

    // --- invitations ----------------------------------------------------

    #[allow(clippy::too_many_arguments)]
    pub async fn create_invitation(
        &self,
        token_hash: &str,
        email: &Email,
        role: Role,
        organization_id: Option<Uuid>,
        invited_by: Uuid,
        expires_at: Timestamp,
    ) -> Result<Uuid, StoreError> {
        let id = Uuid::now_v7();
        dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "INSERT INTO invitations (id, token_hash, email, role, organization_id, invited_by,
                    created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(token_hash)
            .bind(email.as_str())
            .bind(role.slug())
            .bind(organization_id)
            .bind(invited_by)
            .bind(DbTime(Timestamp::now()))
            .bind(DbTime(expires_at))
            .execute(&mut *tx)
            .await?;
            AuditRecord::new(invited_by, "invitation.create", "invitation", id)
                .after(json!({
                    "role": role.slug(),
                    "organization_id": organization_id,
                    "expires_at": expires_at.to_string(),
                }))
                .record(&mut tx)
                .await?;
            tx.commit().await?;
        });
        Ok(id)
    }

    pub async fn invitation_by_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<InvitationRecord>, StoreError> {
        let sql = format!("SELECT {INVITATION_COLUMNS} FROM invitations WHERE token_hash = $1");
        self.record_by(sql, token_hash, InvitationRow::into_record)
            .await
    }

    pub async fn invitation(&self, id: Uuid) -> Result<Option<InvitationRecord>, StoreError> {
        let sql = format!("SELECT {INVITATION_COLUMNS} FROM invitations WHERE id = $1");
        self.record_by(sql, id, InvitationRow::into_record).await
    }

    /// Withdraws an invitation not yet accepted nor revoked; false when there
    /// is no such pending invitation.
    pub async fn revoke_invitation(&self, id: Uuid, actor: Uuid) -> Result<bool, StoreError> {
        let now = DbTime(Timestamp::now());
        let revoked = dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let revoked = sqlx::query(
                "UPDATE invitations SET revoked_at = $2
                 WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL",
            )
            .bind(id)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if revoked > 0 {
                record_revocation(&mut tx, actor, "invitation", id).await?;
            }
            tx.commit().await?;
            revoked
        });
        Ok(revoked > 0)
    }

    pub async fn invitations(
        &self,
        page: PageRequest,
    ) -> Result<Page<InvitationRecord>, StoreError> {
        self.whole_table_page(
            page,
            "SELECT COUNT(*) FROM invitations",
            format!(
                "SELECT {INVITATION_COLUMNS} FROM invitations ORDER BY created_at DESC, id LIMIT $1 OFFSET $2"
            ),
            InvitationRow::into_record,
        )
        .await
    }

    /// Accepts a live invitation: creates the account and marks the link used, atomically.
    pub async fn accept_invitation(
        &self,
        token_hash: &str,
        display_name: &str,
        password_hash: &str,
    ) -> Result<Result<Uuid, LinkProblem>, StoreError> {
        let now = Timestamp::now();
        let id = Uuid::now_v7();
        dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let row: Option<InvitationRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {INVITATION_COLUMNS} FROM invitations WHERE token_hash = $1"
            )))
            .bind(token_hash)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(invitation) = row.map(InvitationRow::into_record).transpose()? else {
                return Ok(Err(LinkProblem::Unknown));
            };
            if let Some(problem) = invitation.link_problem(now) {
                return Ok(Err(problem));
            }
            insert_member(
                &mut tx,
                &MemberInsert {
                    id,
                    email: invitation.email.as_str(),
                    display_name,
                    organization_id: invitation.organization_id,
                    role: invitation.role,
                    password_hash,
                },
                DbTime(now),
            )
            .await?;
            sqlx::query("UPDATE invitations SET accepted_at = $2 WHERE id = $1")
                .bind(invitation.id)
                .bind(DbTime(now))
                .execute(&mut *tx)
                .await?;
            AuditRecord::new(id, "invitation.accept", "member", id)
                .before(json!({ "invitation": invitation.id }))
                .after(json!({
                    "display_name": display_name,
                    "role": invitation.role.slug(),
                    "organization_id": invitation.organization_id,
                }))
                .record(&mut tx)
                .await?;
            tx.commit().await?;
        });
        Ok(Ok(id))
    }

    /// Records that the invitee asked for a new link (the old one expired).
    pub async fn request_invitation_renewal(&self, token_hash: &str) -> Result<bool, StoreError> {
        let updated = dispatch!(self, |pool| {
            sqlx::query(
                "UPDATE invitations SET renewal_requested_at = $2
                 WHERE token_hash = $1 AND accepted_at IS NULL",
            )
            .bind(token_hash)
            .bind(DbTime(Timestamp::now()))
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(updated > 0)
    }

    // --- password resets -----------------------------------------------

    pub async fn create_password_reset(
        &self,
        token_hash: &str,
        member: Uuid,
        issued_by: Option<Uuid>,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "INSERT INTO password_resets (token_hash, member_id, issued_by, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(token_hash)
            .bind(member)
            .bind(issued_by)
            .bind(DbTime(Timestamp::now()))
            .bind(DbTime(expires_at))
            .execute(&mut *tx)
            .await?;
            AuditRecord::new(issued_by, "password_reset.issue", "member", member)
                .after(json!({ "expires_at": expires_at.to_string() }))
                .record(&mut tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// The member a live reset link belongs to.
    pub async fn password_reset_member(
        &self,
        token_hash: &str,
    ) -> Result<Result<Uuid, LinkProblem>, StoreError> {
        let row: Option<ResetRow> = dispatch!(self, |pool| {
            sqlx::query_as(RESET_BY_TOKEN)
                .bind(token_hash)
                .fetch_optional(pool)
                .await?
        });
        Ok(reset_state(row, Timestamp::now()))
    }

    /// Uses a reset link, all in one transaction: marks it used, sets the
    /// password, and ends the member's sessions, API tokens and other links.
    pub async fn use_password_reset(
        &self,
        token_hash: &str,
        password_hash: &str,
    ) -> Result<Result<(Uuid, CredentialsRevoked), LinkProblem>, StoreError> {
        let now = DbTime(Timestamp::now());
        dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let row: Option<ResetRow> = sqlx::query_as(RESET_BY_TOKEN)
                .bind(token_hash)
                .fetch_optional(&mut *tx)
                .await?;
            let member = match reset_state(row, now.0) {
                Ok(member) => member,
                Err(problem) => return Ok(Err(problem)),
            };
            // The guard in WHERE makes a second, concurrent use claim nothing.
            let claimed = sqlx::query(
                "UPDATE password_resets SET used_at = $2
                 WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL",
            )
            .bind(token_hash)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if claimed == 0 {
                return Ok(Err(LinkProblem::Used));
            }
            let revoked =
                replace_password(&mut tx, member, password_hash, Some(member), now).await?;
            tx.commit().await?;
            Ok(Ok((member, revoked)))
        })
    }

    // --- API tokens -----------------------------------------------------

    pub async fn create_api_token(
        &self,
        member: Uuid,
        name: &str,
        token_hash: &str,
    ) -> Result<Uuid, StoreError> {
        let id = Uuid::now_v7();
        dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            sqlx::query(
                "INSERT INTO api_tokens (id, member_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(member)
            .bind(name)
            .bind(token_hash)
            .bind(DbTime(Timestamp::now()))
            .execute(&mut *tx)
            .await?;
            AuditRecord::new(member, "api_token.create", "api_token", id)
                .after(json!({ "name": name }))
                .record(&mut tx)
                .await?;
            tx.commit().await?;
        });
        Ok(id)
    }

    pub async fn api_tokens_of(&self, member: Uuid) -> Result<Vec<ApiTokenRecord>, StoreError> {
        let sql = "SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens
             WHERE member_id = $1 ORDER BY created_at DESC";
        let rows: Vec<TokenRow> = self.rows_by(sql, member).await?;
        Ok(rows
            .into_iter()
            .map(|r| ApiTokenRecord {
                id: r.id,
                name: r.name,
                created_at: r.created_at.0,
                last_used_at: r.last_used_at.map(|t| t.0),
                revoked_at: r.revoked_at.map(|t| t.0),
            })
            .collect())
    }

    /// Revokes one of the member's own tokens; false when there is no such live token.
    pub async fn revoke_api_token(&self, member: Uuid, token: Uuid) -> Result<bool, StoreError> {
        let revoked = dispatch!(self, |pool| {
            let mut tx = pool.begin_write().await?;
            let revoked = sqlx::query(
                "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND member_id = $2 AND revoked_at IS NULL",
            )
            .bind(token)
            .bind(member)
            .bind(DbTime(Timestamp::now()))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if revoked > 0 {
                record_revocation(&mut tx, member, "api_token", token).await?;
            }
            tx.commit().await?;
            revoked
        });
        Ok(revoked > 0)
    }

    /// The member behind a live (unrevoked) token; records its use, to the
    /// minute: a script reading the API is not a stream of writes, which on
    /// SQLite would queue every other write behind it.
    pub async fn token_member(&self, token_hash: &str) -> Result<Option<MemberRecord>, StoreError> {
        let now = Timestamp::now();
        let row: Option<TokenMemberRow> = dispatch!(self, |pool| {
            let row: Option<TokenMemberRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {MEMBER_COLUMNS}, t.last_used_at FROM api_tokens t
                 JOIN members m ON m.id = t.member_id
                 WHERE t.token_hash = $1 AND t.revoked_at IS NULL"
            )))
            .bind(token_hash)
            .fetch_optional(pool)
            .await?;
            let stale =
                |used: &DbTime| now.as_micros() - used.0.as_micros() >= TOKEN_USE_RESOLUTION_MICROS;
            if row
                .as_ref()
                .is_some_and(|r| r.last_used_at.as_ref().is_none_or(stale))
            {
                sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE token_hash = $1")
                    .bind(token_hash)
                    .bind(DbTime(now))
                    .execute(pool)
                    .await?;
            }
            row
        });
        row.map(|r| r.member.into_record()).transpose()
    }

    // --- rate limits ----------------------------------------------------

    /// Counts one hit in a fixed window of `window_secs` and returns the hits
    /// so far, in one statement: concurrent callers each get their own count,
    /// so a limit checked on the answer cannot be raced.
    pub async fn rate_hit(
        &self,
        bucket: &str,
        key: &str,
        window_secs: i64,
    ) -> Result<u64, StoreError> {
        let now = Timestamp::now();
        let window = window_secs * 1_000_000;
        let window_start = Timestamp::from_micros(now.as_micros() - window);
        let expires_at = Timestamp::from_micros(now.as_micros() + window);
        let hits: i64 = dispatch!(self, |pool| {
            sqlx::query_scalar(
                "INSERT INTO rate_limits (bucket, key, window_start, expires_at, hits)
                 VALUES ($1, $2, $3, $5, 1)
                 ON CONFLICT (bucket, key) DO UPDATE SET
                    hits = CASE WHEN rate_limits.window_start < $4 THEN 1 ELSE rate_limits.hits + 1 END,
                    expires_at = CASE WHEN rate_limits.window_start < $4 THEN $5
                                      ELSE rate_limits.expires_at END,
                    window_start = CASE WHEN rate_limits.window_start < $4 THEN $3
                                        ELSE rate_limits.window_start END
                 RETURNING hits",
            )
            .bind(bucket)
            .bind(key)
            .bind(DbTime(now))
            .bind(DbTime(window_start))
            .bind(DbTime(expires_at))
            .fetch_one(pool)
            .await?
        });
        Ok(count(hits))
    }

    /// Gives back one hit counted by `rate_hit` (an attempt that turned out
    /// not to count, such as a successful log-in).
    pub async fn rate_release(&self, bucket: &str, key: &str) -> Result<(), StoreError> {
        dispatch!(self, |pool| {
            sqlx::query(
                "UPDATE rate_limits SET hits = hits - 1 WHERE bucket = $1 AND key = $2 AND hits > 0",
            )
            .bind(bucket)
            .bind(key)
            .execute(pool)
            .await?;
        });
        Ok(())
    }

    /// Hits in the current window, without counting one.
    pub async fn rate_count(
        &self,
        bucket: &str,
        key: &str,
        window_secs: i64,
    ) -> Result<u64, StoreError> {
        let window_start =
            Timestamp::from_micros(Timestamp::now().as_micros() - window_secs * 1_000_000);
        let hits: Option<i64> = dispatch!(self, |pool| {
            sqlx::query_scalar("SELECT hits FROM rate_limits WHERE bucket = $1 AND key = $2 AND window_start >= $3")
                .bind(bucket)
                .bind(key)
                .bind(DbTime(window_start))
                .fetch_optional(pool)
                .await?
        });
        Ok(hits.map_or(0, count))
    }

    pub async fn rate_clear(&self, bucket: &str, key: &str) -> Result<(), StoreError> {
        dispatch!(self, |pool| {
            sqlx::query("DELETE FROM rate_limits WHERE bucket = $1 AND key = $2")
                .bind(bucket)
                .bind(key)
                .execute(pool)
                .await?;
        });
        Ok(())
    }

    /// Deletes up to `batch` rate-limit counters and up to `batch` sessions
    /// whose time ended before `now`; returns how many of each. Bounded, so a
    /// background job can call it in a loop without holding the database.
    pub async fn purge_expired(
        &self,
        now: Timestamp,
        batch: i64,
    ) -> Result<(u64, u64), StoreError> {
        let now = DbTime(now);
        let purged = dispatch!(self, |pool| {
            let counters = sqlx::query(
                "DELETE FROM rate_limits WHERE (bucket, key) IN
                    (SELECT bucket, key FROM rate_limits WHERE expires_at < $1 LIMIT $2)",
            )
            .bind(now)
            .bind(batch)
            .execute(pool)
            .await?
            .rows_affected();
            let sessions = sqlx::query(
                "DELETE FROM sessions WHERE token_hash IN
                    (SELECT token_hash FROM sessions WHERE expires_at < $1 LIMIT $2)",
            )
            .bind(now)
            .bind(batch)
            .execute(pool)
            .await?
            .rows_affected();
            (counters, sessions)
        });
        Ok(purged)
    }

    // --- settings -------------------------------------------------------

    /// A named server secret shared by every instance, created on first use.
    pub async fn shared_secret(&self, name: &str, fresh: &str) -> Result<String, StoreError> {
        let value = dispatch!(self, |pool| {
            sqlx::query(
                "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
            )
            .bind(name)
            .bind(fresh)
            .execute(pool)
            .await?;
            sqlx::query_scalar::<_, String>("SELECT value FROM settings WHERE name = $1")
                .bind(name)
                .fetch_one(pool)
                .await?
        });
        Ok(value)
    }
}
