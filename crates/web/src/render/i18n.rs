//! Interface text in Spanish and English, from the Fluent files in `locales/`.

use super::format::group_thousands;
use acoge_domain::{Lang, dates::PartialDate, lang::Bilingual};
use fluent_templates::{
    LanguageIdentifier, Loader, fluent_bundle::FluentValue, langid, static_loader,
};
use std::{
    borrow::{Borrow, Cow},
    collections::HashMap,
};

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "es",
        // Bidi isolation marks would show up around every argument in plain HTML.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static SPANISH: LanguageIdentifier = langid!("es");
static ENGLISH: LanguageIdentifier = langid!("en");

/// The translator of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Self {
        Self { lang }
    }

    fn id(&self) -> &'static LanguageIdentifier {
        match self.lang {
            Lang::Es => &SPANISH,
            Lang::En => &ENGLISH,
        }
    }

    pub fn code(&self) -> &'static str {
        self.lang.code()
    }

    /// The message `key`.
    pub fn t(&self, key: &str) -> String {
        LOCALES.lookup(self.id(), key)
    }

    /// A message key computed at run time (vocabulary labels).
    pub fn label(&self, key: impl AsRef<str>) -> String {
        self.t(key.as_ref())
    }

    /// The message `key` with arguments.
    pub fn with(&self, key: &str, args: &[(&'static str, FluentValue<'static>)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue<'static>> = args
            .iter()
            .map(|(name, value)| (Cow::Borrowed(*name), value.clone()))
            .collect();
        LOCALES.lookup_with_args(self.id(), key, &args)
    }

    /// The message `key` with one text argument.
    pub fn with_text(&self, key: &str, name: &'static str, value: &str) -> String {
        self.with(key, &[(name, FluentValue::from(value.to_owned()))])
    }

    /// A count, grouped by thousands.
    pub fn number(&self, n: impl Borrow<u64>) -> String {
        group_thousands(*n.borrow())
    }

    /// A figure that may not exist: "sin dato", never 0.
    pub fn figure(&self, n: impl Borrow<Option<u64>>) -> String {
        n.borrow()
            .map_or_else(|| self.t("no-data"), group_thousands)
    }

    pub fn results(&self, total: impl Borrow<u64>) -> String {
        self.count("results-count", *total.borrow())
    }

    /// A message that counts: Fluent picks its plural form by `$n` (the
    /// number), and `$count` shows it grouped by thousands.
    pub fn count(&self, key: &str, n: impl Count) -> String {
        self.count_with(key, n, &[])
    }

    /// The same, with more arguments.
    pub fn count_with(
        &self,
        key: &str,
        n: impl Count,
        args: &[(&'static str, FluentValue<'static>)],
    ) -> String {
        let n = n.value();
        let mut all = vec![
            ("n", FluentValue::from(n as f64)),
            ("count", FluentValue::from(group_thousands(n))),
        ];
        all.extend_from_slice(args);
        self.with(key, &all)
    }

    /// A date with the precision its source gives ("2011", "diciembre de 2018", ...).
    pub fn partial_date(&self, date: &PartialDate) -> String {
        match (date.month, date.day) {
            (Some(month), Some(day)) => self.long_date(date.year.into(), month, day),
            (Some(month), None) => format!("{} {}", self.month(month), date.year),
            _ => date.year.to_string(),
        }
    }

    pub fn month(&self, month: u8) -> String {
        self.t(&format!("month-{month}"))
    }

    pub fn long_date(&self, year: i32, month: u8, day: u8) -> String {
        self.with(
            "date-long",
            &[
                ("day", FluentValue::from(day.to_string())),
                ("month", FluentValue::from(self.month(month))),
                ("year", FluentValue::from(year.to_string())),
            ],
        )
    }
}

impl Tr {
    /// "Página 2 de 5".
    pub fn page_of(&self, page: impl Borrow<u32>, pages: impl Borrow<u64>) -> String {
        let (page, pages) = (*page.borrow(), *pages.borrow());
        self.with(
            "page-of",
            &[
                ("page", FluentValue::from(page.to_string())),
                ("pages", FluentValue::from(group_thousands(pages))),
            ],
        )
    }

    /// The text in this request's language.
    pub fn pick<'a>(&self, text: &'a Bilingual) -> &'a str {
        text.get(self.lang)
    }

    /// The host of a source address, so links say where they lead.
    pub fn host(&self, url: &str) -> String {
        let rest = url.split_once("://").map_or(url, |(_, r)| r);
        let host = rest.split(['/', '?', '#']).next().unwrap_or(rest);
        host.strip_prefix("www.").unwrap_or(host).to_owned()
    }

    /// Seat coordinates, four decimals (about 10 m).
    pub fn coordinates(&self, point: &acoge_domain::geo::Coordinates) -> String {
        format!("{:.4}, {:.4}", point.lat, point.lon)
    }

    /// The calendar date of an instant in Mexico City.
    pub fn timestamp_date(&self, at: impl Borrow<acoge_domain::Timestamp>) -> String {
        let at = *at.borrow();
        let zone = jiff::tz::TimeZone::get(acoge_domain::event::DEFAULT_VIEWER_ZONE)
            .unwrap_or(jiff::tz::TimeZone::UTC);
        let local = at.in_zone(&zone);
        self.long_date(local.year().into(), local.month() as u8, local.day() as u8)
    }
}

/// Every message key defined in a language, for completeness tests.
pub fn message_keys(lang: Lang) -> Vec<String> {
    let tr = Tr::new(lang);
    let text = match tr.lang {
        Lang::Es => include_str!("../../locales/es/main.ftl"),
        Lang::En => include_str!("../../locales/en/main.ftl"),
    };
    text.lines()
        .filter(|line| line.starts_with(|c: char| c.is_ascii_lowercase()))
        .filter_map(|line| line.split_once(" =").map(|(key, _)| key.trim().to_owned()))
        .collect()
}

/// Whether `key` has a message in `lang` (not only through the fallback).
pub fn has_message(lang: Lang, key: &str) -> bool {
    message_keys(lang).iter().any(|k| k == key)
}

/// A number of things, whatever integer type holds it.
pub trait Count {
    fn value(&self) -> u64;
}

macro_rules! count_from {
    ($($t:ty),*) => {$(
        impl Count for $t {
            fn value(&self) -> u64 {
                // Only a negative count fails: nothing to count.
                u64::try_from(*self).unwrap_or(0)
            }
        }
    )*};
}

count_from!(u64, u32, usize, i64);

/// Templates hand over fields by reference, sometimes twice.
impl<T: Count + ?Sized> Count for &T {
    fn value(&self) -> u64 {
        (**self).value()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every message that shows a `$count`, by key, from a Fluent file.
    fn count_messages(ftl: &str) -> Vec<(String, String)> {
        let mut messages: Vec<(String, String)> = Vec::new();
        for line in ftl.lines() {
            match line.split_once(" = ") {
                Some((key, value)) if !line.starts_with([' ', '#']) => {
                    messages.push((key.to_owned(), value.to_owned()));
                }
                _ => {
                    if let Some((_, value)) = messages.last_mut() {
                        value.push('\n');
                        value.push_str(line);
                    }
                }
            }
        }
        messages.retain(|(_, value)| value.contains("$count"));
        messages
    }

    #[test]
    fn every_count_takes_the_plural_form_of_its_number_in_both_languages() {
        for (lang, ftl) in [
            (Lang::Es, include_str!("../../locales/es/main.ftl")),
            (Lang::En, include_str!("../../locales/en/main.ftl")),
        ] {
            let messages = count_messages(ftl);
            assert!(messages.len() >= 20, "{lang:?}: {}", messages.len());
            let tr = Tr::new(lang);
            for (key, value) in messages {
                assert!(
                    value.starts_with("{ $n ->") && value.contains("[one]"),
                    "{lang:?} {key}: a count picks its form by `$n`"
                );
                let others = [
                    ("total", FluentValue::from("7")),
                    ("intersectoral", FluentValue::from("3")),
                    ("name", FluentValue::from("Ana")),
                ];
                let texts: Vec<String> = [0u64, 1, 2, 1234]
                    .into_iter()
                    .map(|n| tr.count_with(&key, n, &others))
                    .collect();
                for text in &texts {
                    assert!(!text.contains('{') && !text.is_empty(), "{key}: {text}");
                }
                assert!(
                    texts[2].contains('2') && texts[3].contains("1,234"),
                    "{key}: {texts:?}"
                );
                // "1 servicios" nowhere: where the two forms differ, the
                // singular is not the plural with a 1.
                let variant = |marker: &str| {
                    value
                        .lines()
                        .find_map(|l| l.trim().strip_prefix(marker))
                        .unwrap_or_default()
                        .to_owned()
                };
                if variant("[one]") != variant("*[other]") {
                    assert_ne!(texts[1], texts[2].replacen('2', "1", 1), "{lang:?} {key}");
                }
            }
        }
    }
}
