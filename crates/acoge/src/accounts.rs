//! `acoge user add`, `acoge user reset` and `acoge token create`: for the
//! first administrator, for an administrator locked out, and for scripts.
//! The same validation as the web forms applies.

use crate::cli::Failure;
use acoge_domain::accounts::{Email, NewPassword, Role, short_text};
use acoge_store::{Db, NewMember, StoreError};
use acoge_web::auth::{password, secrets};
use std::io::BufRead;
use uuid::Uuid;

pub async fn add_user(
    db: &Db,
    email: &str,
    role: &str,
    org: Option<&str>,
    name: Option<&str>,
) -> Result<(), Failure> {
    let email = Email::parse("email", email).map_err(|e| Failure::Other(e.to_string()))?;
    let role = Role::parse(role).map_err(|e| Failure::Other(format!("--role: {e}")))?;
    let organization_id = match org {
        None => None,
        Some(text) => {
            let id = Uuid::parse_str(text).map_err(|_| {
                Failure::Other(format!("--org: {text:?} is not an organization id"))
            })?;
            if db.organization(id).await?.is_none() {
                return Err(Failure::Other(format!(
                    "--org: no organization with id {id}"
                )));
            }
            Some(id)
        }
    };
    let default_name = email.as_str().split('@').next().unwrap_or("").to_owned();
    let display_name = short_text("--name", name.unwrap_or(&default_name), 120)
        .map_err(|e| Failure::Other(e.to_string()))?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| {
        Failure::Other(format!("cannot read the password from standard input: {e}"))
    })?;
    let typed = line.trim_end_matches(['\r', '\n']);
    let new = NewPassword::parse("password (standard input)", typed, None, Some(&email))
        .map_err(|e| Failure::Other(e.to_string()))?;
    let hash = password::hash_password(new.expose().to_owned())
        .await
        .map_err(|e| Failure::Other(e.to_string()))?;
    let new_member = NewMember {
        email: &email,
        display_name: &display_name,
        organization_id,
        role,
        password_hash: &hash,
    };
    let id = match db.create_member(&new_member, None).await {
        Ok(id) => id,
        Err(StoreError::Conflict { .. }) => {
            return Err(Failure::Other(format!(
                "a member with email {} already exists",
                email.as_str()
            )));
        }
        Err(e) => return Err(e.into()),
    };
    eprintln!(
        "acoge: created {} ({}) with id {id}",
        email.as_str(),
        role.slug()
    );
    Ok(())
}

pub async fn create_token(db: &Db, email: &str, name: &str) -> Result<(), Failure> {
    let email = Email::parse("email", email).map_err(|e| Failure::Other(e.to_string()))?;
    let name = short_text("--name", name, 80).map_err(|e| Failure::Other(e.to_string()))?;
    let member = db
        .member_by_email(&email)
        .await?
        .ok_or_else(|| Failure::Other(format!("no member with email {}", email.as_str())))?;
    let token = secrets::new_api_token().map_err(|e| Failure::Other(e.to_string()))?;
    db.create_api_token(member.id, &name, &secrets::hash_secret(&token))
        .await?;
    // The token itself goes to stdout, alone, so scripts can capture it.
    println!("{token}");
    eprintln!(
        "acoge: token {name:?} created for {}; it will not be shown again",
        email.as_str()
    );
    Ok(())
}

/// Prints a one-time reset link for `email` on stdout, alone, for whoever
/// runs the server: the way back in for an administrator, whose links no
/// moderator may make.
pub async fn reset_link(db: &Db, email: &str, public_url: Option<&str>) -> Result<(), Failure> {
    let email = Email::parse("email", email).map_err(|e| Failure::Other(e.to_string()))?;
    let member = db
        .member_by_email(&email)
        .await?
        .ok_or_else(|| Failure::Other(format!("no member with email {}", email.as_str())))?;
    let (path, expires_at) = acoge_web::auth::create_reset_link(db, None, member.id)
        .await
        .map_err(|e| Failure::Other(format!("the reset link was not made: {e}")))?;
    let base = public_url.unwrap_or("").trim().trim_end_matches('/');
    println!("{base}{path}");
    eprintln!(
        "acoge: reset link for {} printed; it works once, until {expires_at}",
        email.as_str()
    );
    Ok(())
}
