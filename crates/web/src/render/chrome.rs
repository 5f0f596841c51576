//! The frame of every page: its title, the main navigation with the current
//! section marked, the link to the same page in the other language, the style
//! sheet and the signed-in member's name.

use super::{assets::stylesheet_path, i18n::Tr};
use acoge_domain::Lang;

/// What the layout of every page needs.
pub struct Chrome {
    pub tr: Tr,
    pub title: String,
    /// The same page in the other language.
    pub switch_href: String,
    pub stylesheet: &'static str,
    /// The main navigation, with the current section marked.
    pub nav: Vec<NavItem>,
    /// The code of the other language, for the switch link's `lang`.
    pub other_lang: &'static str,
    /// Whether a member is signed in (the header links to their account).
    /// Never who: a page kept for members is the same for all of them.
    pub signed_in: bool,
    /// Whether this page is the member's own account page.
    pub account_current: bool,
}

pub struct NavItem {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

/// Sections of the main navigation: (section, address, message key).
const SECTIONS: [(&str, &str, &str); 10] = [
    ("home", "/", "nav-home"),
    ("practices", "/practicas", "nav-practices"),
    ("states", "/estados", "nav-states"),
    ("municipalities", "/municipios", "nav-municipalities"),
    ("organizations", "/organizaciones", "nav-organizations"),
    ("events", "/eventos", "nav-events"),
    ("legal", "/marco-legal", "nav-legal"),
    (
        "responsibilities",
        "/responsabilidades",
        "nav-responsibilities",
    ),
    ("harmonization", "/armonizacion", "nav-harmonization"),
    ("about", "/acerca", "nav-about"),
];

impl Chrome {
    /// The frame of the page at `path` (already normalized for links back to
    /// it) with `query`, in `tr`'s language, in the navigation's `section`.
    pub fn new(
        tr: Tr,
        path: &str,
        query: Option<&str>,
        title: String,
        section: &'static str,
    ) -> Self {
        let other = match tr.lang {
            Lang::Es => Lang::En,
            Lang::En => Lang::Es,
        };
        let mut pairs: Vec<(String, String)> = query
            .and_then(|q| serde_urlencoded::from_str(q).ok())
            .unwrap_or_default();
        pairs.retain(|(name, _)| name != "lang");
        pairs.push(("lang".to_owned(), other.code().to_owned()));
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        Chrome {
            tr,
            title,
            switch_href: format!("{path}?{query}"),
            stylesheet: stylesheet_path(),
            nav: SECTIONS
                .iter()
                .map(|(name, href, key)| NavItem {
                    href,
                    label: tr.t(key),
                    current: *name == section,
                })
                .collect(),
            other_lang: other.code(),
            signed_in: false,
            account_current: section == "account",
        }
    }
}
