//! Members write Markdown; pages get sanitized HTML. ammonia removes scripts,
//! event handlers, `javascript:` links and anything else not on its allow
//! list, and marks links `noopener noreferrer`.

use pulldown_cmark::{Options, Parser, html};

pub fn to_safe_html(markdown: &str) -> String {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    let mut unsafe_html = String::new();
    html::push_html(&mut unsafe_html, parser);
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&unsafe_html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::to_safe_html;

    #[test]
    fn scripts_handlers_and_javascript_links_never_survive() {
        let html = to_safe_html(
            "Hola **mundo** <script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) [ok](https://acnur.org)",
        );
        assert!(html.contains("<strong>mundo</strong>"));
        assert!(
            !html.contains("<script") && !html.contains("onerror") && !html.contains("javascript:")
        );
        assert!(html.contains(r#"href="https://acnur.org""#) && html.contains("noopener"));
    }
}
