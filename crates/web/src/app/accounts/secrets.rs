//! Random secrets (session ids, tokens, links) and how they are kept: only a
//! SHA-256 hash reaches the database, so a leaked table opens nothing.

use sha2::{Digest, Sha256};

/// The operating system's random source failed; no secret can be minted.
#[derive(Debug, thiserror::Error)]
#[error("the operating system's random source is unavailable: {0}")]
pub struct RandomnessError(getrandom::Error);

/// 256 random bits as 64 hex characters.
pub fn new_secret() -> Result<String, RandomnessError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(RandomnessError)?;
    Ok(hex::encode(bytes))
}

/// The stored form of a secret.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two strings in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// API tokens carry a recognizable prefix so leaked ones can be found by scanners.
pub const API_TOKEN_PREFIX: &str = "acoge_";

pub fn new_api_token() -> Result<String, RandomnessError> {
    Ok(format!("{API_TOKEN_PREFIX}{}", new_secret()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_random_and_hashed() {
        let (a, b) = (new_secret().unwrap(), new_secret().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(hash_secret(&a), hash_secret(&a));
        assert_ne!(hash_secret(&a), a);
        assert!(constant_time_eq("abc", "abc") && !constant_time_eq("abc", "abd"));
        assert!(new_api_token().unwrap().starts_with("acoge_"));
    }
}
