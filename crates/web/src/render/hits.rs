//! Search results for people: where a hit leads on this site, and its
//! snippet as HTML with the matched words marked.

use super::escape_into;

/// The site address of a result.
pub fn hit_path(hit: &acoge_search::Hit) -> String {
    use acoge_store::SearchableKind;
    match hit.kind {
        SearchableKind::Practice => format!("/practicas/{}", hit.target),
        SearchableKind::Organization => format!("/organizaciones/{}", hit.target),
        SearchableKind::Provision | SearchableKind::Instrument => {
            format!("/marco-legal#i-{}", hit.target)
        }
        SearchableKind::Event => format!("/eventos/{}", hit.target),
        SearchableKind::Municipality => format!("/municipios/{}", hit.target),
    }
}

/// A snippet as HTML: its text escaped, its matches in `<mark>`.
pub fn snippet_html(snippet: &acoge_search::Snippet) -> String {
    let mut out = String::with_capacity(snippet.text.len() + 32);
    let mut at = 0;
    for &(from, to) in &snippet.highlights {
        if from < at || to > snippet.text.len() {
            continue;
        }
        let (Some(before), Some(marked)) = (snippet.text.get(at..from), snippet.text.get(from..to))
        else {
            continue;
        };
        escape_into(&mut out, before);
        out.push_str("<mark>");
        escape_into(&mut out, marked);
        out.push_str("</mark>");
        at = to;
    }
    escape_into(&mut out, snippet.text.get(at..).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_are_escaped_and_marked() {
        let snippet = acoge_search::Snippet {
            text: "<b>albergue</b> & más".to_owned(),
            highlights: vec![(3, 11)],
        };
        assert_eq!(
            snippet_html(&snippet),
            "&lt;b&gt;<mark>albergue</mark>&lt;/b&gt; &amp; más"
        );
    }
}
