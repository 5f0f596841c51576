//! Reading CSV rows by column name, with every error carrying file, line and column.

use crate::FormatError;
use std::{collections::HashMap, fmt::Display, str::FromStr};

/// One CSV file, parsed, with its header.
pub struct CsvFile {
    name: String,
    columns: HashMap<String, usize>,
    rows: Vec<(u64, csv::StringRecord)>,
}

/// One row of a `CsvFile`.
pub struct Row<'a> {
    file: &'a CsvFile,
    line: u64,
    record: &'a csv::StringRecord,
}

impl CsvFile {
    /// Parses `text`, checking that every `required` column is in the header.
    pub fn parse(name: &str, text: &str, required: &[&str]) -> Result<Self, FormatError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(text.as_bytes());
        let header_error = |message: String| FormatError {
            file: name.to_owned(),
            line: 1,
            column: None,
            message,
        };
        let headers = reader
            .headers()
            .map_err(|e| header_error(format!("cannot read the header: {e}")))?
            .clone();
        let columns: HashMap<String, usize> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.trim().to_owned(), i))
            .collect();
        for column in required {
            if !columns.contains_key(*column) {
                return Err(FormatError {
                    column: Some((*column).to_owned()),
                    ..header_error("this column is missing from the header".into())
                });
            }
        }
        // Lines are counted from byte offsets: the csv crate's own line
        // counter drifts after a long header line.
        let newlines: Vec<u64> = text
            .bytes()
            .enumerate()
            .filter(|(_, b)| *b == b'\n')
            .map(|(i, _)| i as u64)
            .collect();
        // Its byte offsets may point at the newline ending the previous line, hence `<=`.
        let line_at = |byte: u64| 1 + newlines.partition_point(|&n| n <= byte) as u64;
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| FormatError {
                file: name.to_owned(),
                line: e.position().map_or(0, |p| line_at(p.byte())),
                column: None,
                message: format!("malformed CSV: {e}"),
            })?;
            let line = record.position().map_or(0, |p| line_at(p.byte()));
            rows.push((line, record));
        }
        Ok(Self {
            name: name.to_owned(),
            columns,
            rows,
        })
    }

    pub fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(|(line, record)| Row {
            file: self,
            line: *line,
            record,
        })
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

impl Row<'_> {
    pub fn line(&self) -> u64 {
        self.line
    }

    /// An error located at this row and `column`.
    pub fn error(&self, column: &str, message: impl Display) -> FormatError {
        FormatError {
            file: self.file.name.clone(),
            line: self.line,
            column: Some(column.to_owned()),
            message: message.to_string(),
        }
    }

    /// The trimmed cell; an absent trailing cell reads as empty.
    pub fn text(&self, column: &str) -> &str {
        self.file
            .columns
            .get(column)
            .and_then(|i| self.record.get(*i))
            .map_or("", str::trim)
    }

    /// The cell, or an error if it is empty.
    pub fn required(&self, column: &str) -> Result<&str, FormatError> {
        let value = self.text(column);
        if value.is_empty() {
            Err(self.error(column, "a value is required here"))
        } else {
            Ok(value)
        }
    }

    /// The cell, or `None` if empty.
    pub fn optional(&self, column: &str) -> Option<String> {
        let value = self.text(column);
        (!value.is_empty()).then(|| value.to_owned())
    }

    /// Parses a non-empty cell with `parse`, locating its error.
    pub fn parse_with<T, E: Display>(
        &self,
        column: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<T, FormatError> {
        parse(self.required(column)?).map_err(|e| self.error(column, e))
    }

    /// Parses a cell that may be empty.
    pub fn parse_optional<T: FromStr>(&self, column: &str) -> Result<Option<T>, FormatError>
    where
        T::Err: Display,
    {
        match self.text(column) {
            "" => Ok(None),
            value => value
                .parse()
                .map(Some)
                .map_err(|e| self.error(column, format!("{value:?}: {e}"))),
        }
    }

    /// A list of vocabulary terms separated by `separator`, each parsed with `parse`.
    pub fn list_with<T, E: Display>(
        &self,
        column: &str,
        separator: char,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Result<Vec<T>, FormatError> {
        self.required(column)?
            .split(separator)
            .map(|part| parse(part.trim()).map_err(|e| self.error(column, e)))
            .collect()
    }

    /// The "si"/"no" flag.
    pub fn yes_no(&self, column: &str) -> Result<bool, FormatError> {
        self.parse_with(column, |v| {
            acoge_domain::provenance::parse_yes_no(v).ok_or("expected si or no")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_file_line_and_column() {
        let file = CsvFile::parse("x.csv", "a,b\n1,2\n3,\n", &["a", "b"]).unwrap();
        let rows: Vec<_> = file.rows().collect();
        assert_eq!(rows[0].text("b"), "2");
        let err = rows[1].required("b").unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.csv, line 3, column b: a value is required here"
        );
        let missing = CsvFile::parse("x.csv", "a\n1\n", &["a", "b"])
            .err()
            .unwrap();
        assert_eq!(missing.line, 1);
        assert_eq!(missing.column.as_deref(), Some("b"));
    }
}
