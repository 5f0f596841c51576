//! Both languages: every message and vocabulary label exists in each, and
//! every key the templates and the code use is defined.

use acoge_domain::{
    Lang,
    event::{EventKind, LinkKind},
    legal::{InstrumentLevel, MeasureLevel},
    legal_change::ChangeKind,
    organization::{OrganizationKind, Scope},
    registration::RegistrationStatus,
    taxonomy::{GovernmentLevel, MigrationContext, Right},
};
use acoge_web::i18n;

#[test]
fn both_languages_have_every_message_and_every_vocabulary_label() {
    let es = i18n::message_keys(Lang::Es);
    let en = i18n::message_keys(Lang::En);
    assert!(es.len() > 100);
    let missing_en: Vec<_> = es.iter().filter(|k| !en.contains(k)).collect();
    let missing_es: Vec<_> = en.iter().filter(|k| !es.contains(k)).collect();
    assert!(
        missing_en.is_empty() && missing_es.is_empty(),
        "{missing_en:?} {missing_es:?}"
    );
    let labels: Vec<String> = [
        MigrationContext::ALL
            .iter()
            .map(|t| t.message_key())
            .collect::<Vec<_>>(),
        GovernmentLevel::ALL
            .iter()
            .map(|t| t.message_key())
            .collect(),
        Right::ALL.iter().map(|t| t.message_key()).collect(),
        OrganizationKind::ALL
            .iter()
            .map(|t| t.message_key())
            .collect(),
        Scope::ALL.iter().map(|t| t.message_key()).collect(),
        InstrumentLevel::ALL
            .iter()
            .map(|t| t.message_key())
            .collect(),
        MeasureLevel::ALL.iter().map(|t| t.message_key()).collect(),
        EventKind::ALL.iter().map(|t| t.message_key()).collect(),
        LinkKind::ALL.iter().map(|t| t.message_key()).collect(),
        RegistrationStatus::ALL
            .iter()
            .map(|t| t.message_key())
            .collect(),
        ChangeKind::ALL.iter().map(|t| t.message_key()).collect(),
    ]
    .concat();
    for key in labels {
        assert!(
            i18n::has_message(Lang::Es, &key) && i18n::has_message(Lang::En, &key),
            "{key}"
        );
    }
}

#[test]
fn every_message_key_used_in_templates_and_code_exists() {
    fn read_all(dir: &std::path::Path, sources: &mut String) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                read_all(&path, sources);
            } else {
                sources.push_str(&std::fs::read_to_string(path).unwrap());
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources = String::new();
    // Every folder, however deep: a module moved into a new folder stays checked.
    for dir in ["templates", "src"] {
        read_all(&root.join(dir), &mut sources);
    }
    let keys = i18n::message_keys(Lang::Es);
    let mut missing = Vec::new();
    for pattern in [
        "tr.t(\"",
        "ctx.tr.t(\"",
        "tr.with(\"",
        "tr.with_text(\"",
        "tr.t(&\"",
        "\"error-",
        "\"nav-",
    ] {
        for piece in sources.split(pattern).skip(1) {
            let key: String = piece
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            let key = match pattern.strip_prefix('"') {
                Some(prefix) => format!("{prefix}{key}"),
                None => key,
            };
            if !key.is_empty() && !key.ends_with('-') && !keys.contains(&key) {
                missing.push(key);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "message keys used but not defined: {missing:?}"
    );
}
