//! Log-in limits, per account and per client address, shared by every
//! instance through the database. Each attempt is counted (reserved) before
//! its password is checked, in one statement that increments and returns the
//! count, so parallel guesses cannot all slip under the limit. A successful
//! log-in gives its reservation back.

use acoge_store::{Db, StoreError};
use sha2::{Digest, Sha256};
use std::{net::IpAddr, time::Duration};

/// Failed log-ins in this window count towards slowing and refusing.
pub const LOGIN_WINDOW_SECS: i64 = 15 * 60;
/// Per account: slowed from the 5th failure, refused from the 10th.
const ACCOUNT_SLOW_AFTER: u64 = 5;
const ACCOUNT_REFUSE_AT: u64 = 10;
/// Per address: slowed from the 20th failure, refused from the 50th.
const ADDRESS_SLOW_AFTER: u64 = 20;
const ADDRESS_REFUSE_AT: u64 = 50;
const BUCKET: &str = "login";

/// The limits' key for an account: a hash of the normalized address, so a
/// row is small whatever was typed and holds no email in clear.
pub fn account_key(email: &str) -> String {
    let normalized = email.trim().to_lowercase();
    format!(
        "account:{}",
        hex::encode(Sha256::digest(normalized.as_bytes()))
    )
}

fn address_key(client: IpAddr) -> String {
    format!("address:{client}")
}

/// An attempt counted against both limits and allowed to go on.
#[derive(Debug)]
pub struct LoginAttempt {
    account: String,
    address: String,
    /// Failures beyond the slow-down thresholds before this attempt.
    excess: u64,
}

/// Over a limit: answer 429 without checking the password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyAttempts;

/// Counts an attempt for `email` from `client`.
pub async fn reserve(
    db: &Db,
    client: IpAddr,
    email: &str,
) -> Result<Result<LoginAttempt, TooManyAttempts>, StoreError> {
    let account = account_key(email);
    let address = address_key(client);
    let account_hits = db.rate_hit(BUCKET, &account, LOGIN_WINDOW_SECS).await?;
    let address_hits = db.rate_hit(BUCKET, &address, LOGIN_WINDOW_SECS).await?;
    // This attempt is hit number n: n - 1 failures (or attempts in flight) came before.
    if account_hits > ACCOUNT_REFUSE_AT || address_hits > ADDRESS_REFUSE_AT {
        return Ok(Err(TooManyAttempts));
    }
    let excess = (account_hits - 1)
        .saturating_sub(ACCOUNT_SLOW_AFTER - 1)
        .max((address_hits - 1).saturating_sub(ADDRESS_SLOW_AFTER - 1));
    Ok(Ok(LoginAttempt {
        account,
        address,
        excess,
    }))
}

impl LoginAttempt {
    /// How long to wait before checking: 1, 2, 4, 8 units past the
    /// thresholds, then 8; slow enough for scripts, bearable for people.
    pub fn delay(&self, unit: Duration) -> Duration {
        if self.excess == 0 {
            Duration::ZERO
        } else {
            unit * (1u32 << (self.excess - 1).min(3))
        }
    }

    /// The password was right: the account starts afresh, and the address
    /// gets this attempt back (only failures count against it).
    pub async fn succeeded(self, db: &Db) -> Result<(), StoreError> {
        db.rate_clear(BUCKET, &self.account).await?;
        db.rate_release(BUCKET, &self.address).await
    }

    /// The password was never checked (every slot was busy): the attempt
    /// tested no guess, so both counters get it back.
    pub async fn unchecked(self, db: &Db) -> Result<(), StoreError> {
        db.rate_release(BUCKET, &self.account).await?;
        db.rate_release(BUCKET, &self.address).await
    }
}
