//! The layers of this crate, checked: every `crate::` (and `$crate::`,
//! `super::`) path in `src/` must lead to the file's own layer or to one
//! below it, and only `app/` and `jobs/` may touch the store or the search
//! index through the state (`.db`, `.search`).
//!
//! ```text
//! pages | api  →  http  →  app  →  jobs  →  render
//! ```
//!
//! `pages` and `api` are adapters of equal rank and may not import each other.
//! Any layer may use the composition root's `AppState` and `Config`; nothing
//! else of `lib.rs` (its re-exports such as `crate::i18n` are for other
//! crates). `lib.rs` and this file are the root and are not checked.

use std::path::{Path, PathBuf};

/// Layer names and their rank: a file may import from a lower rank, or from
/// its own layer.
const LAYERS: [(&str, u8); 6] = [
    ("render", 0),
    ("jobs", 1),
    ("app", 2),
    ("http", 3),
    ("pages", 4),
    ("api", 4),
];

/// What the composition root lends every layer.
const ROOT_ITEMS: [&str; 2] = ["AppState", "Config"];

/// Layers that may call the store or the search index through the state.
const STORE_CALLERS: [&str; 2] = ["app", "jobs"];

fn rank(layer: &str) -> Option<u8> {
    LAYERS
        .iter()
        .find(|(name, _)| *name == layer)
        .map(|(_, r)| *r)
}

/// The source without comments and string and char literals, so prose and
/// messages never count as paths; line breaks stay, so lines still count.
fn code_only(source: &str) -> String {
    let bytes = source.as_bytes();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < bytes.len() {
        let rest = &source[i..];
        let skipped = if rest.starts_with("//") {
            rest.find('\n').unwrap_or(rest.len())
        } else if rest.starts_with("/*") {
            rest.find("*/").map_or(rest.len(), |e| e + 2)
        } else if let Some(raw) = raw_string_len(rest) {
            out.push_str("\"\"");
            raw
        } else if let Some(len) = char_literal_len(rest) {
            out.push_str("' '");
            len
        } else if rest.starts_with('"') {
            let mut j = 1;
            while j < rest.len() {
                match rest.as_bytes()[j] {
                    b'\\' => j += 2,
                    b'"' => break,
                    _ => j += 1,
                }
            }
            out.push_str("\"\"");
            (j + 1).min(rest.len())
        } else {
            0
        };
        if skipped > 0 {
            let gone = &rest[..skipped];
            out.extend(std::iter::repeat_n('\n', gone.matches('\n').count()));
            i += skipped;
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// The length of a char literal (`'"'`, `'\''`, `'\u{1F600}'`) starting
/// `text`; none for a lifetime (`'a`).
fn char_literal_len(text: &str) -> Option<usize> {
    let body = text.strip_prefix('\'')?;
    if let Some(escaped) = body.strip_prefix('\\') {
        let end = escaped[1..].find('\'')? + 1;
        return Some(2 + end + 1);
    }
    let c = body.chars().next()?;
    body[c.len_utf8()..]
        .starts_with('\'')
        .then_some(1 + c.len_utf8() + 1)
}

/// The length of a raw string literal (`r"…"`, `r#"…"#`) starting `text`.
fn raw_string_len(text: &str) -> Option<usize> {
    let after_r = text.strip_prefix('r')?;
    let hashes = after_r.len() - after_r.trim_start_matches('#').len();
    let body = after_r[hashes..].strip_prefix('"')?;
    let closing = format!("\"{}", "#".repeat(hashes));
    let end = body.find(&closing)?;
    Some(1 + hashes + 1 + end + closing.len())
}

fn identifier(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The first segment after each `crate::` in `code`, with its offset,
/// expanding groups: `crate::{app::x, http}` gives `app` and `http`.
fn crate_segments(code: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find("crate::") {
        let start = from + at;
        from = start + "crate::".len();
        // `$crate::` counts; a longer identifier ending in `crate` does not.
        let before = code[..start].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &code[from..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let mut item_start = true;
            for (offset, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => item_start = true,
                    c if item_start && depth == 1 && !c.is_whitespace() => {
                        item_start = false;
                        found.push((start, identifier(&group[offset..]).to_owned()));
                    }
                    _ => {}
                }
            }
        } else {
            found.push((start, identifier(rest).to_owned()));
        }
    }
    found
}

/// The module path of a source file relative to `src/`: `pages/mod.rs` is
/// `["pages"]`, `http/auth/guard.rs` is `["http", "auth", "guard"]`.
fn module_path(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if let Some(last) = parts.pop() {
        let stem = last.trim_end_matches(".rs");
        if stem != "mod" {
            parts.push(stem.to_owned());
        }
    }
    parts
}

/// Where each `super::` chain leads from `module`, with its offset: the
/// segment it names at the crate's top (a layer, or a root item), when it
/// climbs that far.
fn super_targets(code: &str, module: &[String]) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find("super::") {
        let start = from + at;
        from = start + "super::".len();
        let before = code[..start].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let mut depth = 1;
        let mut rest = &code[from..];
        while let Some(more) = rest.strip_prefix("super::") {
            depth += 1;
            rest = more;
        }
        // A `mod tests` inside a file is one module deeper than the file.
        let inline_tests = code[..start].contains("mod tests");
        let level = module.len() + usize::from(inline_tests);
        if depth < level {
            continue; // still inside the file's own top-level module
        }
        let resolved_to_root = depth == level;
        if resolved_to_root {
            if let Some(group) = rest.strip_prefix('{') {
                let targets = crate_segments(&format!("crate::{{{group}"));
                found.extend(targets.into_iter().map(|(_, name)| (start, name)));
            } else {
                found.push((start, identifier(rest).to_owned()));
            }
        }
    }
    found
}

/// Whether the state's store or search index is reached: `.db` or `.search`
/// as a field, not as the start of a longer name.
fn touches_store(code: &str) -> Vec<(usize, &'static str)> {
    let mut found = Vec::new();
    for field in [".db", ".search"] {
        let mut from = 0;
        while let Some(at) = code[from..].find(field) {
            let end = from + at + field.len();
            let next = code[end..].chars().next();
            from = end;
            if next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            found.push((end - field.len(), field));
        }
    }
    found
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every import or store access that breaks the layering, as
/// `file: what` lines; empty when the crate keeps its layers.
fn violations(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    sources(src, &mut files);
    files.sort();
    let mut problems = Vec::new();
    for file in files {
        let relative = file.strip_prefix(src).unwrap();
        let module = module_path(relative);
        let Some(own) = module.first() else {
            continue; // lib.rs
        };
        let Some(own_rank) = rank(own) else {
            continue; // the root's own files (this test)
        };
        let code = code_only(&std::fs::read_to_string(&file).unwrap());
        let at = |offset: usize| {
            let line = code[..offset].matches('\n').count() + 1;
            format!("{}:{line}", relative.display())
        };
        let targets = crate_segments(&code)
            .into_iter()
            .chain(super_targets(&code, &module));
        for (offset, target) in targets {
            if target == *own || ROOT_ITEMS.contains(&target.as_str()) {
                continue;
            }
            match rank(&target) {
                Some(r) if r < own_rank => {}
                Some(_) => problems.push(format!("{}: {own} imports {target}", at(offset))),
                None => problems.push(format!(
                    "{}: crate::{target} is the root's; use the layer it comes from",
                    at(offset)
                )),
            }
        }
        if !STORE_CALLERS.contains(&own.as_str()) {
            for (offset, field) in touches_store(&code) {
                problems.push(format!(
                    "{}: reaches the store or the index ({field}); call app instead",
                    at(offset)
                ));
            }
        }
    }
    problems
}

#[test]
fn every_layer_imports_only_from_below() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let problems = violations(&src);
    assert!(
        problems.is_empty(),
        "layering broken:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_check_sees_what_it_must() {
    let module = |path: &str| module_path(Path::new(path));
    let names = |found: Vec<(usize, String)>| -> Vec<String> {
        found.into_iter().map(|(_, name)| name).collect()
    };
    assert_eq!(
        names(crate_segments(
            "use crate::{AppState, app::x::{self, Y}, http::z};"
        )),
        ["AppState", "app", "http"]
    );
    assert_eq!(
        names(crate_segments("$crate::http::auth::guard::form")),
        ["http"]
    );
    assert_eq!(
        names(crate_segments("acoge_crate::x")),
        Vec::<String>::new()
    );
    assert_eq!(
        code_only("let s = \"crate::pages\"; // crate::api\n/* crate::app */ x"),
        "let s = \"\"; \n x"
    );
    assert_eq!(
        code_only("'\"' => f(\"&quot;\"), '\\'' => g::<'a>(r#\"crate::api\"#)"),
        "' ' => f(\"\"), ' ' => g::<'a>(\"\")"
    );
    assert_eq!(
        names(super_targets(
            "use super::super::super::pages::X;",
            &module("http/auth/guard.rs")
        )),
        ["pages"]
    );
    assert_eq!(
        names(super_targets(
            "use super::super::failure::X;",
            &module("http/auth/guard.rs")
        )),
        Vec::<String>::new()
    );
    assert_eq!(
        names(super_targets(
            "use super::{Ctx, render};",
            &module("pages/about.rs")
        )),
        Vec::<String>::new()
    );
    assert_eq!(
        names(super_targets(
            "use super::api::ApiError;",
            &module("pages/mod.rs")
        )),
        ["api"]
    );
    assert_eq!(
        touches_store("app.db.member(id); crate::app::search::run"),
        [(3, ".db")]
    );
    assert_eq!(touches_store("&app.search, x.dbx"), [(4, ".search")]);
}

/// A deliberate violation in a scratch copy of `src/` is caught, so the check
/// is not vacuous.
#[test]
fn a_page_that_imports_the_api_fails_the_check() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let scratch = std::env::temp_dir().join(format!("acoge-layering-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    for (from, to) in [
        ("pages/about.rs", "pages/about.rs"),
        ("api/mod.rs", "api/mod.rs"),
        ("http/negotiation.rs", "http/negotiation.rs"),
    ] {
        let target = scratch.join(to);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(src.join(from), &target).unwrap();
    }
    assert_eq!(violations(&scratch), Vec::<String>::new());
    let about = scratch.join("pages/about.rs");
    let mut text = std::fs::read_to_string(&about).unwrap();
    text.push_str("\n#[allow(unused_imports)]\nuse crate::api::ApiError;\n");
    std::fs::write(&about, text).unwrap();
    let negotiation = scratch.join("http/negotiation.rs");
    let mut text = std::fs::read_to_string(&negotiation).unwrap();
    text.push_str(
        "\nfn f(app: &crate::AppState) { let _ = &app.db; }\nuse super::super::pages::Ctx;\n",
    );
    std::fs::write(&negotiation, text).unwrap();
    let problems = violations(&scratch);
    let _ = std::fs::remove_dir_all(&scratch);
    // "file:line: what" without the line, which depends on the copied files.
    let problems: Vec<String> = problems
        .iter()
        .map(|p| {
            let (file, rest) = p.split_once(':').unwrap();
            let (_, what) = rest.split_once(':').unwrap();
            format!("{file}:{what}")
        })
        .collect();
    assert_eq!(
        problems,
        [
            "http/negotiation.rs: http imports pages",
            "http/negotiation.rs: reaches the store or the index (.db); call app instead",
            "pages/about.rs: pages imports api",
        ]
    );
}
