//! Passwords: argon2id (OWASP parameters), hashed and checked on the blocking
//! pool so the async runtime keeps serving while a hash is computed, and at
//! most a few at a time (`PasswordSlots`): each costs 19 MiB and a core for a
//! moment, so a flood of log-ins must queue briefly or be told to come back,
//! never exhaust the machine.

use argon2::{
    Argon2,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng},
};
use std::{
    sync::{Arc, OnceLock},
    time::Duration,
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// All password slots stayed busy for the whole wait.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("too many password checks at once; try again in a few seconds")]
pub struct Busy;

#[derive(Debug, thiserror::Error)]
pub enum PasswordWorkError {
    #[error(transparent)]
    Busy(#[from] Busy),
    #[error(transparent)]
    Hash(#[from] HashError),
}

/// How many password hashes may run at once, and how long a request waits
/// for a turn before it is answered 503.
#[derive(Debug)]
pub struct PasswordSlots {
    slots: Arc<Semaphore>,
    wait: Duration,
}

impl PasswordSlots {
    /// Seconds a client is told to wait after `Busy`.
    pub const RETRY_AFTER_SECS: u64 = 5;

    pub fn new(slots: usize, wait: Duration) -> Self {
        Self {
            slots: Arc::new(Semaphore::new(slots.max(1))),
            wait,
        }
    }

    async fn turn(&self) -> Result<OwnedSemaphorePermit, Busy> {
        match tokio::time::timeout(self.wait, self.slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            // A closed semaphore never happens (we never close it); treat as busy.
            Ok(Err(_)) | Err(_) => Err(Busy),
        }
    }

    /// `verify_password`, in turn.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, Busy> {
        let _permit = self.turn().await?;
        Ok(verify_password(password, stored).await)
    }

    /// `hash_password`, in turn.
    pub async fn hash(&self, password: String) -> Result<String, PasswordWorkError> {
        let _permit = self.turn().await?;
        Ok(hash_password(password).await?)
    }
}

pub async fn hash_password(password: String) -> Result<String, HashError> {
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .map_err(|e| HashError(e.to_string()))?
}

fn hash_now(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Checks `password` against `stored`; with no stored hash (unknown email) it
/// checks against a dummy so both cases take the same time.
pub async fn verify_password(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let dummy = dummy_hash();
        let (hash, real) = match &stored {
            Some(h) => (h.as_str(), true),
            None => (dummy, false),
        };
        let matches = PasswordHash::new(hash)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false);
        matches && real
    })
    .await
    .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_now("not a password anyone has").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn slots_bound_how_many_checks_run_at_once() {
        let slots = PasswordSlots::new(1, Duration::ZERO);
        let held = slots.turn().await.unwrap();
        assert!(slots.verify("x".into(), None).await.is_err(), "busy");
        drop(held);
        assert_eq!(slots.verify("x".into(), None).await.ok(), Some(false));
    }

    #[tokio::test]
    async fn hashes_verify_and_unknown_accounts_never_match() {
        let hash = hash_password("una frase larga".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("una frase larga".into(), Some(hash.clone())).await);
        assert!(!verify_password("otra".into(), Some(hash)).await);
        assert!(!verify_password("not a password anyone has".into(), None).await);
    }
}
