//! Members, roles and who may do what. Every write in Acoge asks
//! [`authorize`] first; handlers only translate its answer into HTTP.

use crate::taxonomy::vocabulary;
use serde::Serialize;
use std::fmt;
use uuid::Uuid;

vocabulary!(
    /// A member's role. Visitors (anonymous readers) have no account and no role.
    Role, "role" {
        Member = "miembro",
        Reviewer = "revisor",
        Moderator = "moderador",
        Administrator = "administrador",
    }
);

/// What an action needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Capability {
    /// Anyone, signed in or not (log in, accept an invitation, reset a password).
    Anyone,
    /// Any signed-in member, on their own account (password, tokens, data, log-out).
    OwnAccount,
    /// Contribute content for one's organization.
    Contribute,
    /// Review practices.
    Review,
    /// Moderate discussions, verify organizations and facts.
    Moderate,
    /// Invite people and issue password-reset links.
    InviteMembers,
    /// Read the audit log.
    ReadAuditLog,
    /// Change other members' roles.
    ManageMembers,
}

impl Role {
    /// The capabilities this role grants.
    pub fn can(self, capability: Capability) -> bool {
        use Capability::*;
        match capability {
            Anyone | OwnAccount | Contribute => true,
            Review => matches!(self, Role::Reviewer | Role::Administrator),
            Moderate | InviteMembers | ReadAuditLog => {
                matches!(self, Role::Moderator | Role::Administrator)
            }
            ManageMembers => self == Role::Administrator,
        }
    }

    /// Seniority: administrador > moderador > revisor > miembro.
    pub fn rank(self) -> u8 {
        match self {
            Role::Member => 0,
            Role::Reviewer => 1,
            Role::Moderator => 2,
            Role::Administrator => 3,
        }
    }

    /// Strictly senior to `other`; equal rank does not count.
    pub fn outranks(self, other: Role) -> bool {
        self.rank() > other.rank()
    }

    /// Which roles this role may give in an invitation or a role change.
    pub fn may_grant(self, role: Role) -> bool {
        match self {
            Role::Administrator => true,
            Role::Moderator => matches!(role, Role::Member | Role::Reviewer),
            Role::Member | Role::Reviewer => false,
        }
    }
}

/// Who is acting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Actor {
    Anonymous,
    Member(MemberIdentity),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemberIdentity {
    pub id: Uuid,
    pub role: Role,
    pub organization_id: Option<Uuid>,
    pub display_name: String,
}

/// Why an action was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    /// Signing in would help (HTTP 401).
    #[error("you need to sign in to do this")]
    NotSignedIn,
    /// Signed in, but the role does not allow it (HTTP 403).
    #[error("your role does not allow this")]
    Forbidden,
}

impl Actor {
    pub fn member(&self) -> Option<&MemberIdentity> {
        match self {
            Actor::Member(m) => Some(m),
            Actor::Anonymous => None,
        }
    }

    pub fn id(&self) -> Option<Uuid> {
        self.member().map(|m| m.id)
    }
}

/// The single place that decides whether `actor` may do what needs `capability`.
pub fn authorize(actor: &Actor, capability: Capability) -> Result<(), Denied> {
    match (actor, capability) {
        (_, Capability::Anyone) => Ok(()),
        (Actor::Anonymous, _) => Err(Denied::NotSignedIn),
        (Actor::Member(m), c) if m.role.can(c) => Ok(()),
        (Actor::Member(_), _) => Err(Denied::Forbidden),
    }
}

/// May `actor` moderate a thread (open or close it, write its synthesis,
/// decide on its flagged contributions)? The site's moderators may moderate
/// every thread; the moderators of a working group, the threads of its
/// events (`group_moderators`). Answers the moderator's id.
pub fn authorize_thread_moderation(
    actor: &Actor,
    group_moderators: &[Uuid],
) -> Result<Uuid, Denied> {
    let id = actor.id().ok_or(Denied::NotSignedIn)?;
    match authorize(actor, Capability::Moderate) {
        Ok(()) => Ok(id),
        Err(_)
            if group_moderators.contains(&id)
                && authorize(actor, Capability::Contribute).is_ok() =>
        {
            Ok(id)
        }
        Err(denied) => Err(denied),
    }
}

/// May `actor` give `role` to someone (by invitation or role change)?
pub fn authorize_grant(actor: &Actor, role: Role) -> Result<(), Denied> {
    authorize(actor, Capability::InviteMembers)?;
    match actor.member() {
        Some(m) if m.role.may_grant(role) => Ok(()),
        _ => Err(Denied::Forbidden),
    }
}

/// Something one member does to another member's account or invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MemberAction {
    /// Issue a one-time password-reset link (whoever holds it owns the account).
    IssueResetLink,
    /// Give the member another role.
    ChangeRole,
    /// Withdraw an invitation that was not accepted yet.
    RevokeInvitation,
    /// Sign the member out of every device.
    EndSessions,
}

impl MemberAction {
    pub const ALL: [MemberAction; 4] = [
        MemberAction::IssueResetLink,
        MemberAction::ChangeRole,
        MemberAction::RevokeInvitation,
        MemberAction::EndSessions,
    ];

    fn capability(self) -> Capability {
        match self {
            MemberAction::ChangeRole => Capability::ManageMembers,
            MemberAction::IssueResetLink
            | MemberAction::RevokeInvitation
            | MemberAction::EndSessions => Capability::InviteMembers,
        }
    }
}

/// May `actor` do `action` to an account (or invitation) whose role is
/// `target`? Both sides count: the actor's role must allow the action, and the
/// actor must strictly outrank the target, so nobody can take over an account
/// as senior as their own (an administrator's reset link comes only from
/// another administrator or the command line). Answers the actor's id.
pub fn authorize_member_action(
    actor: &Actor,
    action: MemberAction,
    target: Role,
) -> Result<Uuid, Denied> {
    authorize(actor, action.capability())?;
    match actor.member() {
        Some(me) if me.role.outranks(target) => Ok(me.id),
        _ => Err(Denied::Forbidden),
    }
}

pub use crate::fields::{FieldError, FieldProblem};

fn error(field: &'static str, problem: FieldProblem) -> FieldError {
    FieldError { field, problem }
}

/// A member's email: trimmed, lower-cased, plausibly deliverable. Never shown publicly.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Email(String);

impl Email {
    pub fn parse(field: &'static str, value: &str) -> Result<Self, FieldError> {
        let value = value.trim().to_lowercase();
        if value.is_empty() {
            return Err(error(field, FieldProblem::Required));
        }
        let valid = value.len() <= 254
            && value.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !value.contains(char::is_whitespace)
                    && value.matches('@').count() == 1
            });
        if valid {
            Ok(Self(value))
        } else {
            Err(error(field, FieldProblem::InvalidEmail))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password, checked against the policy (NIST SP 800-63B: length, not composition).
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 256;

    pub fn parse(
        field: &'static str,
        value: &str,
        confirmation: Option<&str>,
        email: Option<&Email>,
    ) -> Result<Self, FieldError> {
        let chars = value.chars().count();
        if chars == 0 {
            return Err(error(field, FieldProblem::Required));
        }
        if chars < Self::MIN_CHARS {
            return Err(error(field, FieldProblem::PasswordTooShort));
        }
        if chars > Self::MAX_CHARS {
            return Err(error(field, FieldProblem::PasswordTooLong));
        }
        if email.is_some_and(|e| value.trim().eq_ignore_ascii_case(e.as_str())) {
            return Err(error(field, FieldProblem::PasswordIsEmail));
        }
        if confirmation.is_some_and(|c| c != value) {
            return Err(error(
                "password_confirmation",
                FieldProblem::PasswordsDiffer,
            ));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// A required short text (names): trimmed, 1 to `max` characters.
pub fn short_text(field: &'static str, value: &str, max: usize) -> Result<String, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        Err(error(field, FieldProblem::Required))
    } else if value.chars().count() > max {
        Err(error(field, FieldProblem::TooLong))
    } else {
        Ok(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(role: Role) -> Actor {
        Actor::Member(MemberIdentity {
            id: Uuid::nil(),
            role,
            organization_id: None,
            display_name: "x".into(),
        })
    }

    #[test]
    fn a_working_group_s_moderators_moderate_its_threads_only() {
        let nil = Uuid::nil();
        // (actor, the thread's group moderators, expected)
        let cases = [
            (member(Role::Member), vec![nil], Ok(nil)),
            (member(Role::Member), vec![], Err(Denied::Forbidden)),
            (member(Role::Moderator), vec![], Ok(nil)),
            (Actor::Anonymous, vec![nil], Err(Denied::NotSignedIn)),
        ];
        for (actor, moderators, expected) in cases {
            let got = authorize_thread_moderation(&actor, &moderators);
            assert_eq!(got, expected, "{actor:?} with {moderators:?}");
        }
    }

    #[test]
    fn roles_grant_what_the_issue_says() {
        let cases = [
            (Actor::Anonymous, Capability::Anyone, Ok(())),
            (
                Actor::Anonymous,
                Capability::OwnAccount,
                Err(Denied::NotSignedIn),
            ),
            (
                member(Role::Member),
                Capability::Review,
                Err(Denied::Forbidden),
            ),
            (member(Role::Reviewer), Capability::Review, Ok(())),
            (
                member(Role::Reviewer),
                Capability::InviteMembers,
                Err(Denied::Forbidden),
            ),
            (member(Role::Moderator), Capability::ReadAuditLog, Ok(())),
            (
                member(Role::Moderator),
                Capability::ManageMembers,
                Err(Denied::Forbidden),
            ),
            (
                member(Role::Administrator),
                Capability::ManageMembers,
                Ok(()),
            ),
        ];
        for (actor, capability, expected) in cases {
            assert_eq!(
                authorize(&actor, capability),
                expected,
                "{actor:?} {capability:?}"
            );
        }
    }

    #[test]
    fn actions_on_another_member_need_a_strictly_higher_rank() {
        use Role::*;
        for action in MemberAction::ALL {
            for actor in Role::ALL {
                for target in Role::ALL {
                    let allowed = authorize_member_action(&member(*actor), action, *target).is_ok();
                    let expected = actor.can(action.capability()) && actor.rank() > target.rank();
                    assert_eq!(allowed, expected, "{action:?} by {actor:?} on {target:?}");
                }
            }
        }
        let reset = MemberAction::IssueResetLink;
        assert!(authorize_member_action(&member(Moderator), reset, Administrator).is_err());
        assert!(authorize_member_action(&member(Administrator), reset, Administrator).is_err());
        assert!(authorize_member_action(&member(Moderator), reset, Reviewer).is_ok());
        assert_eq!(
            authorize_member_action(&Actor::Anonymous, reset, Member),
            Err(Denied::NotSignedIn)
        );
    }

    #[test]
    fn moderators_cannot_create_moderators() {
        // (granting role, role granted, expected)
        let cases = [
            (Role::Moderator, Role::Reviewer, Ok(())),
            (Role::Moderator, Role::Administrator, Err(Denied::Forbidden)),
            (Role::Administrator, Role::Moderator, Ok(())),
            (Role::Member, Role::Member, Err(Denied::Forbidden)),
        ];
        for (actor, granted, expected) in cases {
            let got = authorize_grant(&member(actor), granted);
            assert_eq!(got, expected, "{actor:?} grants {granted:?}");
        }
    }

    #[test]
    fn emails_and_passwords_are_validated() {
        let email = Email::parse("email", "  Ana@Example.ORG ").unwrap();
        assert_eq!(email.as_str(), "ana@example.org");
        for bad in [
            "",
            "ana",
            "ana@",
            "@x.org",
            "ana@x",
            "a b@x.org",
            "a@b@x.org",
        ] {
            assert!(Email::parse("email", bad).is_err(), "{bad}");
        }
        let short = NewPassword::parse("password", "corta", None, None).unwrap_err();
        assert_eq!(short.problem, FieldProblem::PasswordTooShort);
        let same =
            NewPassword::parse("password", "ana@example.org", None, Some(&email)).unwrap_err();
        assert_eq!(same.problem, FieldProblem::PasswordIsEmail);
        let differ = NewPassword::parse(
            "password",
            "una frase larga",
            Some("otra frase larga"),
            None,
        );
        assert_eq!(differ.unwrap_err().field, "password_confirmation");
        assert!(
            NewPassword::parse("password", "una frase larga", Some("una frase larga"), None)
                .is_ok()
        );
    }
}
