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
        let total = *total.borrow();
        self.with(
            "results-count",
            &[("total", FluentValue::from(total as f64))],
        )
        .replace(&total.to_string(), &group_thousands(total))
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
