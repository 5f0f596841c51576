//! SQL assembled from the conditions a request actually has, so that each
//! filter reaches its index: `($1 IS NULL OR col = $1)` keeps one statement
//! for every combination but hides the index from both planners.

use crate::{Db, StoreError, db::dispatch, rows::Decodable};
use uuid::Uuid;

/// A value bound to a query.
#[derive(Debug, Clone)]
pub(crate) enum Bind {
    Text(String),
    Uuid(Uuid),
    Int(i64),
    Int32(i32),
    Bool(bool),
}

/// SQL text with its binds, numbered as they are pushed.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sql {
    pub(crate) text: String,
    pub(crate) binds: Vec<Bind>,
    /// Conditions pushed with `and`, so the first one opens the WHERE.
    conditions: usize,
}

impl Sql {
    pub(crate) fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    pub(crate) fn bind(&mut self, value: Bind) -> &mut Self {
        self.binds.push(value);
        let placeholder = format!("${}", self.binds.len());
        self.text.push_str(&placeholder);
        self
    }

    pub(crate) fn text(&mut self, value: &str) -> &mut Self {
        self.bind(Bind::Text(value.to_owned()))
    }

    /// Opens the next condition: ` WHERE ` the first time, ` AND ` after.
    pub(crate) fn and(&mut self) -> &mut Self {
        self.conditions += 1;
        self.push(if self.conditions == 1 {
            " WHERE "
        } else {
            " AND "
        })
    }

    /// Whether any condition was pushed with `and`.
    pub(crate) fn has_conditions(&self) -> bool {
        self.conditions > 0
    }
}

/// Binds every value of a `Sql` to a query under construction. A macro:
/// the query type differs per backend and per statement, and a function
/// would repeat an `Encode + Type` bound per backend for each type bound.
macro_rules! bind_all {
    ($query:expr, $sql:expr) => {{
        let mut query = $query;
        for bind in &$sql.binds {
            query = match bind {
                $crate::sql::Bind::Text(v) => query.bind(v.clone()),
                $crate::sql::Bind::Uuid(v) => query.bind(*v),
                $crate::sql::Bind::Int(v) => query.bind(*v),
                $crate::sql::Bind::Int32(v) => query.bind(*v),
                $crate::sql::Bind::Bool(v) => query.bind(*v),
            };
        }
        query
    }};
}

pub(crate) use bind_all;

impl Db {
    /// The rows `sql` selects.
    pub(crate) async fn fetch_sql<R: Decodable>(&self, sql: &Sql) -> Result<Vec<R>, StoreError> {
        Ok(dispatch!(self, |pool| {
            bind_all!(sqlx::query_as(sqlx::AssertSqlSafe(sql.text.clone())), sql)
                .fetch_all(pool)
                .await?
        }))
    }

    /// The one number `sql` selects (a count).
    pub(crate) async fn scalar_sql(&self, sql: &Sql) -> Result<i64, StoreError> {
        Ok(dispatch!(self, |pool| {
            bind_all!(
                sqlx::query_scalar(sqlx::AssertSqlSafe(sql.text.clone())),
                sql
            )
            .fetch_one(pool)
            .await?
        }))
    }
}
