//! Addresses this site builds from what a request says: where to go after
//! signing in, links back to the page being shown, and paths fit for logs.
//! Each is checked or normalized here so no page can be made to point away.

use percent_encoding::percent_decode_str;

/// Where a log-in may send the member next: a path on this site, parsed as a
/// URI reference with no scheme and no authority, and free of control
/// characters and backslashes even after percent-decoding (browsers read
/// `/\t/x` and `/\x` as `//x`, another site). Anything else is refused.
pub fn local_path(next: &str) -> Option<&str> {
    let suspicious = |text: &str| text.chars().any(|c| c.is_control() || c == '\\');
    let decoded = percent_decode_str(next).decode_utf8_lossy();
    if suspicious(next) || suspicious(&decoded) {
        return None;
    }
    for text in [next, &decoded] {
        if !text.starts_with('/') || text.starts_with("//") {
            return None;
        }
    }
    let uri: axum::http::Uri = next.parse().ok()?;
    (uri.scheme().is_none() && uri.authority().is_none()).then_some(next)
}

/// The path of the page being shown, fit for links back to it: one leading
/// slash (`//evil.example` is another site), no empty segments, and nothing
/// a browser could read as a separator or an attribute's end.
pub fn self_path(path: &str) -> String {
    let mut normalized = String::with_capacity(path.len() + 1);
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        normalized.push('/');
        for c in segment.chars() {
            match c {
                '\\' | '"' | '\'' | '<' | '>' | '`' | ' ' => {
                    normalized.push_str(&format!("%{:02X}", u32::from(c)));
                }
                c if c.is_control() => {}
                c => normalized.push(c),
            }
        }
    }
    if normalized.is_empty() {
        normalized.push('/');
    }
    normalized
}

/// Routes whose last segment is a secret (an invitation or a reset link).
const SECRET_ROUTES: [&str; 2] = ["invitacion", "restablecer"];

/// The path with one-time secrets replaced, for logs at any level.
pub fn redacted_path(path: &str) -> String {
    let mut out = Vec::new();
    let mut secret_next = false;
    for segment in path.split('/') {
        if secret_next && !segment.is_empty() {
            out.push("[secret]");
            secret_next = false;
            continue;
        }
        secret_next = SECRET_ROUTES.contains(&segment);
        out.push(segment);
    }
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_on_this_site_follow_a_log_in() {
        for good in [
            "/cuenta",
            "/practicas/nueva?paso=2",
            "/eventos/x#agenda",
            "/",
        ] {
            assert_eq!(local_path(good), Some(good), "{good}");
        }
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/%09/evil.example",
            "/\\evil.example",
            "/%5Cevil.example",
            "/%2F/evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "evil.example",
            "",
            "/\r\nLocation: x",
            " /cuenta",
        ] {
            assert_eq!(local_path(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn self_links_never_leave_the_site() {
        assert_eq!(self_path("//evil.example"), "/evil.example");
        assert_eq!(self_path("/a//b/"), "/a/b");
        assert_eq!(self_path(""), "/");
        assert_eq!(self_path("/\\evil"), "/%5Cevil");
        assert_eq!(self_path("/x\"onmouseover"), "/x%22onmouseover");
    }

    #[test]
    fn secrets_never_reach_logs() {
        assert_eq!(
            redacted_path("/invitacion/abc123/renovar"),
            "/invitacion/[secret]/renovar"
        );
        assert_eq!(
            redacted_path("/restablecer/abc123"),
            "/restablecer/[secret]"
        );
        assert_eq!(redacted_path("/practicas/1"), "/practicas/1");
    }
}
