//! CSRF protection for forms: a signed double-submit token. A random nonce
//! lives in an HttpOnly, SameSite=Strict cookie; forms carry
//! `nonce.signature`, where the signature is an HMAC (key shared by all
//! instances through the database) over the nonce and the session. A forged
//! form from another site can neither read the cookie nor compute the
//! signature, and a token from one session is useless in another.

use crate::app::accounts::secrets::constant_time_eq;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const FIELD: &str = "csrf";

fn signature(key: &[u8], nonce: &str, session_hash: Option<&str>) -> String {
    // HMAC accepts keys of any length; this cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(nonce.as_bytes());
    mac.update(b"|");
    mac.update(session_hash.unwrap_or("").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// The token to put in a form's hidden `csrf` field.
pub fn token(key: &[u8], nonce: &str, session_hash: Option<&str>) -> String {
    format!("{nonce}.{}", signature(key, nonce, session_hash))
}

/// Whether a submitted token matches the cookie's nonce and this session.
pub fn verify(
    key: &[u8],
    cookie_nonce: Option<&str>,
    submitted: Option<&str>,
    session_hash: Option<&str>,
) -> bool {
    let (Some(cookie_nonce), Some(submitted)) = (cookie_nonce, submitted) else {
        return false;
    };
    let Some((nonce, mac)) = submitted.split_once('.') else {
        return false;
    };
    !nonce.is_empty()
        && constant_time_eq(nonce, cookie_nonce)
        && constant_time_eq(mac, &signature(key, nonce, session_hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_bind_cookie_and_session() {
        let key = b"key";
        let t = token(key, "n1", Some("s1"));
        assert!(verify(key, Some("n1"), Some(&t), Some("s1")));
        assert!(
            !verify(key, Some("n2"), Some(&t), Some("s1")),
            "another cookie"
        );
        assert!(
            !verify(key, Some("n1"), Some(&t), Some("s2")),
            "another session"
        );
        assert!(!verify(key, Some("n1"), Some(&t), None));
        assert!(
            !verify(b"other", Some("n1"), Some(&t), Some("s1")),
            "another key"
        );
        assert!(!verify(key, Some("n1"), None, Some("s1")));
        assert!(!verify(key, None, Some(&t), Some("s1")));
        assert!(!verify(key, Some(""), Some(".x"), None));
    }
}
