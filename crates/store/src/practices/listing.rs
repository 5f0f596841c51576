//! The practice list, its count and its facet counts, in time that does
//! not grow with the number of practices.
//!
//! - **Counts** of published practices come from `practice_counts`, kept by
//!   every write ([`ListingDelta`]): the whole list and the list filtered by
//!   one or two of state, term, COVID-19 flag and start year (their pair),
//!   and the facet counts of the whole list or one such filter. A filter on
//!   one municipality, organization or (SQLite) words is counted on its own
//!   index. Others are counted from the index of their most selective
//!   condition; facet counts for them are computed only when at most
//!   [`FACET_CAP`] practices match, and otherwise say they are not exact.
//!   Unpublished practices (drafts, reviews) are few and counted apart, from
//!   the status index.
//! - **Rows**: each filter condition can either *drive* the query (its
//!   index gives the practices; they are sorted after, from
//!   `practices_listing`) or be *checked* on each row while a sort index
//!   (`practices_recent`, `practices_title`, `practices_start`) is walked in
//!   order. [`choose_driver`] picks the cheaper from the maintained counts:
//!   walking finds a page after about `(offset + limit) × total / matches`
//!   rows, driving reads every match. SQLite's planner has no statistics to
//!   make that choice, so on SQLite the chosen index is named (`INDEXED BY`);
//!   PostgreSQL gets the same query shape and plans with its own statistics.
//! - **Text** is matched by words (each a word prefix, all required) through
//!   `practice_words` (SQLite FTS5) or a GIN index over the same folded text
//!   (PostgreSQL, the `simple` configuration).

use crate::{
    Db, StoreError,
    db::{Backend, Tx, dispatch},
    practices::{Facets, PracticeFilter, PracticeRow, PracticeSort, Visibility, start_year},
    rows::{Decodable, count, page_of},
    sql::{Bind, Sql, bind_all},
};
use acoge_domain::{
    geo::fold_name,
    page::{Page, PageRequest},
    practice::{PracticeContent, PracticeStatus},
};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// Facet counts over a filtered list are computed when at most this many
/// practices match; above it they would cost as much as the list is long.
pub const FACET_CAP: u64 = 2_000;

/// Words of a text filter beyond this many are ignored.
const MAX_WORDS: usize = 8;

/// (facet, value, practices) rows: kept pairs or counts of a filtered list.
type CountRows = Vec<(String, String, i64)>;

/// One condition of a practice filter.
#[derive(Debug, Clone)]
enum Key {
    /// A state: its municipalities' keys run from `SS000` to `SS999`.
    State(String),
    Municipality(String),
    /// (facet, term) of `practice_terms`.
    Term(&'static str, String),
    Covid(bool),
    Year(i32),
    Organization(Uuid),
    /// The practice's own member or organization.
    Mine(Uuid, Option<Uuid>),
    /// One of these statuses.
    Status(Vec<&'static str>),
    /// Word prefixes, all required.
    Words(Vec<String>),
}

impl Key {
    /// Its row of `practice_counts`, for the keys counted there.
    fn counted(&self) -> Option<(&'static str, String)> {
        match self {
            Key::State(s) => Some(("state", s.clone())),
            Key::Term(facet, term) => Some((facet, term.clone())),
            Key::Covid(c) => Some(("covid19", c.to_string())),
            Key::Year(y) => Some(("year", y.to_string())),
            _ => None,
        }
    }

    /// Whether `key_size` is exactly how many practices (of any status) it
    /// selects.
    fn counts_exactly(&self, backend: Backend) -> bool {
        match self {
            Key::Municipality(_) | Key::Organization(_) => true,
            Key::Words(_) => backend == Backend::Sqlite,
            _ => false,
        }
    }

    /// Whether an index can give its practices (the COVID-19 flag halves
    /// the list at best: it is only ever checked).
    fn can_drive(&self) -> bool {
        !matches!(self, Key::Covid(_))
    }

    /// The condition on the practice row aliased `a`.
    fn check(&self, sql: &mut Sql, a: &str, backend: Backend) {
        match self {
            Key::State(state) => {
                sql.push(&format!(
                    "EXISTS (SELECT 1 FROM practice_municipalities x WHERE x.practice_id = {a}.id AND x.cvegeo >= "
                ));
                sql.text(&format!("{state}000"))
                    .push(" AND x.cvegeo <= ")
                    .text(&format!("{state}999"))
                    .push(")");
            }
            Key::Municipality(cvegeo) => {
                sql.push(&format!(
                    "EXISTS (SELECT 1 FROM practice_municipalities x WHERE x.practice_id = {a}.id AND x.cvegeo = "
                ));
                sql.text(cvegeo).push(")");
            }
            Key::Term(facet, term) => {
                sql.push(&format!(
                    "EXISTS (SELECT 1 FROM practice_terms x WHERE x.practice_id = {a}.id AND x.facet = "
                ));
                sql.text(facet).push(" AND x.term = ").text(term).push(")");
            }
            Key::Organization(id) => {
                sql.push(&format!(
                    "EXISTS (SELECT 1 FROM practice_organizations x WHERE x.practice_id = {a}.id AND x.organization_id = "
                ));
                sql.bind(Bind::Uuid(*id)).push(")");
            }
            Key::Covid(c) => {
                sql.push(&format!("{a}.covid19 = ")).bind(Bind::Bool(*c));
            }
            Key::Year(y) => {
                sql.push(&format!("{a}.start_year = "))
                    .bind(Bind::Int32(*y));
            }
            Key::Mine(member, organization) => {
                sql.push(&format!("({a}.created_by = "))
                    .bind(Bind::Uuid(*member));
                if let Some(org) = organization {
                    sql.push(&format!(" OR {a}.author_organization = "))
                        .bind(Bind::Uuid(*org));
                }
                sql.push(")");
            }
            Key::Status(statuses) => {
                sql.push(&format!("{a}.status IN ("));
                push_list(sql, statuses);
                sql.push(")");
            }
            Key::Words(words) => match backend {
                // The matching rowids are found once per statement (the
                // subquery is not correlated) and each row is looked up in
                // them (`+k.n`: not each of them looked up in the index); a
                // MATCH per row would run the whole text query again for each.
                Backend::Sqlite => {
                    sql.push(&format!(
                        "EXISTS (SELECT 1 FROM practice_word_keys k WHERE k.practice_id = {a}.id
                         AND +k.n IN (SELECT w.rowid FROM practice_words w WHERE w.practice_words MATCH "
                    ));
                    sql.text(&fts5_query(words)).push("))");
                }
                Backend::Postgres => {
                    sql.push(&format!(
                        "to_tsvector('simple', {a}.title_folded || ' ' || {a}.summary_folded) @@ to_tsquery('simple', "
                    ));
                    sql.text(&tsquery(words)).push(")");
                }
            },
        }
    }

    /// `a.id IN (the practices its index gives)`.
    fn drive(&self, sql: &mut Sql, a: &str, backend: Backend) {
        let open = format!("{a}.id IN (");
        match self {
            Key::State(state) => {
                sql.push(&open)
                    .push("SELECT x.practice_id FROM practice_municipalities x WHERE x.cvegeo >= ")
                    .text(&format!("{state}000"))
                    .push(" AND x.cvegeo <= ")
                    .text(&format!("{state}999"));
            }
            Key::Municipality(cvegeo) => {
                sql.push(&open)
                    .push("SELECT x.practice_id FROM practice_municipalities x WHERE x.cvegeo = ")
                    .text(cvegeo);
            }
            Key::Term(facet, term) => {
                sql.push(&open)
                    .push("SELECT x.practice_id FROM practice_terms x WHERE x.facet = ")
                    .text(facet)
                    .push(" AND x.term = ")
                    .text(term);
            }
            Key::Organization(id) => {
                sql.push(&open)
                    .push("SELECT x.practice_id FROM practice_organizations x WHERE x.organization_id = ")
                    .bind(Bind::Uuid(*id));
            }
            Key::Year(y) => {
                sql.push(&open)
                    .push("SELECT s.id FROM practices s WHERE s.start_year = ")
                    .bind(Bind::Int32(*y));
            }
            Key::Mine(member, organization) => {
                sql.push(&open)
                    .push("SELECT s.id FROM practices s WHERE s.created_by = ")
                    .bind(Bind::Uuid(*member));
                if let Some(org) = organization {
                    sql.push(
                        " UNION ALL SELECT s.id FROM practices s WHERE s.author_organization = ",
                    )
                    .bind(Bind::Uuid(*org));
                }
            }
            Key::Status(statuses) => {
                sql.push(&open)
                    .push("SELECT s.id FROM practices s WHERE s.status IN (");
                push_list(sql, statuses);
                sql.push(")");
            }
            Key::Words(words) => match backend {
                Backend::Sqlite => {
                    sql.push(&open).push(
                        "SELECT k.practice_id FROM practice_words w JOIN practice_word_keys k ON k.n = w.rowid
                         WHERE w.practice_words MATCH ",
                    );
                    sql.text(&fts5_query(words));
                }
                // The GIN index serves the condition itself.
                Backend::Postgres => return self.check(sql, a, backend),
            },
            Key::Covid(_) => return self.check(sql, a, backend),
        }
        sql.push(")");
    }
}

fn push_list(sql: &mut Sql, values: &[&'static str]) {
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.text(value);
    }
}

/// The words of a text filter: folded, split where FTS5's `unicode61` and
/// PostgreSQL's parser split, at most [`MAX_WORDS`].
fn words_of(text: &str) -> Vec<String> {
    fold_name(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(MAX_WORDS)
        .map(str::to_owned)
        .collect()
}

/// `"w1"* "w2"*`: every word as a prefix (words hold no quotes: only
/// letters and digits).
fn fts5_query(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("\"{w}\"*"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `w1:* & w2:*`.
fn tsquery(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("{w}:*"))
        .collect::<Vec<_>>()
        .join(" & ")
}

/// Statuses a practice can have before (or instead of) publication.
const UNPUBLISHED: [&str; 5] = [
    "borrador",
    "enviada",
    "en_revision",
    "cambios_solicitados",
    "rechazada",
];
const PUBLISHED: &str = "publicada";

/// Who may see which practices.
#[derive(Debug, Clone, Copy)]
struct Viewer {
    visibility: Visibility,
    member: Option<(Uuid, Option<Uuid>)>,
}

impl Viewer {
    /// The statuses anyone with this visibility may see, or `None` for all.
    fn statuses(&self) -> Option<&'static [&'static str]> {
        match self.visibility {
            Visibility::All => None,
            Visibility::Reviewer => Some(&[PUBLISHED, "enviada", "en_revision"]),
            Visibility::Public => Some(&[PUBLISHED]),
        }
    }

    /// The visibility condition on the row aliased `a` (none for `All`).
    fn check(&self, sql: &mut Sql, a: &str) {
        let Some(statuses) = self.statuses() else {
            return;
        };
        sql.push(&format!("({a}.status IN ("));
        push_list(sql, statuses);
        sql.push(")");
        if let Some((member, organization)) = self.member {
            Key::Mine(member, organization).check(sql.push(" OR "), a, Backend::Sqlite);
        }
        sql.push(")");
    }

    /// Whether some unpublished practices are visible at all.
    fn sees_unpublished(&self) -> bool {
        self.visibility != Visibility::Public || self.member.is_some()
    }
}

/// A filter taken apart: its conditions, the status it asks for, who reads.
struct Query {
    keys: Vec<Key>,
    status: Option<PracticeStatus>,
    viewer: Viewer,
    backend: Backend,
}

impl Query {
    fn new(
        filter: &PracticeFilter,
        visibility: Visibility,
        member: Option<(Uuid, Option<Uuid>)>,
        backend: Backend,
    ) -> Self {
        let mut keys = Vec::new();
        if let Some(state) = &filter.state {
            keys.push(Key::State(state.as_str().to_owned()));
        }
        if let Some(m) = &filter.municipality {
            keys.push(Key::Municipality(m.as_str().to_owned()));
        }
        let terms = [
            ("right", filter.right.map(|t| t.slug().to_owned())),
            ("sector", filter.sector.map(|t| t.slug().to_owned())),
            ("population", filter.population.map(|t| t.slug().to_owned())),
            ("level", filter.level.map(|t| t.slug().to_owned())),
            ("gcm", filter.gcm_objective.map(|n| n.to_string())),
        ];
        for (facet, term) in terms {
            if let Some(term) = term {
                keys.push(Key::Term(facet, term));
            }
        }
        if let Some(c) = filter.covid19 {
            keys.push(Key::Covid(c));
        }
        if let Some(y) = filter.year {
            keys.push(Key::Year(y));
        }
        if let Some(org) = filter.organization {
            keys.push(Key::Organization(org));
        }
        if let Some((member, org)) = filter.mine {
            keys.push(Key::Mine(member, org));
        }
        if let Some(text) = &filter.text {
            let words = words_of(text);
            if !words.is_empty() {
                keys.push(Key::Words(words));
            }
        }
        Query {
            keys,
            status: filter.status,
            viewer: Viewer { visibility, member },
            backend,
        }
    }

    /// The same backend with no visibility condition and no keys: for the
    /// statements that bring their own keys (published, or unpublished).
    fn everyone(&self) -> Query {
        Query {
            keys: Vec::new(),
            status: None,
            viewer: Viewer {
                visibility: Visibility::All,
                member: None,
            },
            backend: self.backend,
        }
    }

    /// Whether published practices can be in the list.
    fn wants_published(&self) -> bool {
        self.status.is_none_or(|s| s == PracticeStatus::Published)
    }

    /// The unpublished statuses the list can hold (visible or not: the
    /// visibility condition narrows them).
    fn unpublished(&self) -> Vec<&'static str> {
        if !self.viewer.sees_unpublished() {
            return Vec::new();
        }
        match self.status {
            None => UNPUBLISHED.to_vec(),
            Some(PracticeStatus::Published) => Vec::new(),
            Some(s) => vec![s.slug()],
        }
    }

    /// Every condition of the list, the status asked for included.
    fn all_keys(&self) -> Vec<Key> {
        let mut keys = self.keys.clone();
        if let Some(status) = self.status {
            keys.push(Key::Status(vec![status.slug()]));
        }
        keys
    }

    /// The single counted key, when it is the whole filter.
    fn single_counted(&self) -> Option<(&'static str, String)> {
        match self.keys.as_slice() {
            [] => Some(("total", String::new())),
            [key] => key.counted(),
            _ => None,
        }
    }

    /// `WHERE …` over the row aliased `a`: `driver` drives (when given),
    /// the other keys and the visibility are checked.
    fn conditions(&self, sql: &mut Sql, a: &str, keys: &[Key], driver: Option<usize>) {
        let mut first = true;
        let mut and = |sql: &mut Sql| {
            sql.push(if first { " WHERE " } else { " AND " });
            first = false;
        };
        if let Some(d) = driver {
            and(sql);
            keys[d].drive(sql, a, self.backend);
        }
        for (i, key) in keys.iter().enumerate() {
            if Some(i) != driver {
                and(sql);
                key.check(sql, a, self.backend);
            }
        }
        if self.viewer.statuses().is_some() {
            and(sql);
            self.viewer.check(sql, a);
        }
    }

    /// `FROM practices a`, naming on SQLite the index the plan needs.
    fn from(&self, a: &str, index: Option<&str>) -> String {
        match (self.backend, index) {
            (Backend::Sqlite, Some(index)) => format!(" FROM practices {a} INDEXED BY {index}"),
            _ => format!(" FROM practices {a}"),
        }
    }
}

/// The sort: its ORDER BY on the row aliased `a`, and its index.
fn order(sort: PracticeSort, a: &str) -> (String, &'static str) {
    match sort {
        PracticeSort::Recent => (
            format!("COALESCE({a}.published_at, {a}.updated_at) DESC, {a}.id DESC"),
            "practices_recent",
        ),
        PracticeSort::Title => (format!("{a}.title_folded, {a}.id"), "practices_title"),
        PracticeSort::StartYear => (
            format!("{a}.start_year DESC NULLS LAST, {a}.id"),
            "practices_start",
        ),
    }
}

/// Which key drives (its index gives the practices, sorted after), or
/// `None` to walk the sort index checking each row. `estimates[i]` is
/// about how many practices key `i` selects; `total`, how many there are;
/// `wanted`, how deep in the list the page ends.
pub(crate) fn choose_driver(estimates: &[(bool, u64)], total: u64, wanted: u64) -> Option<usize> {
    let driver = smallest(estimates)?;
    let total = total.max(1) as f64;
    // Conditions taken as independent: the share of the list that matches.
    let share: f64 = estimates
        .iter()
        .map(|(_, estimate)| (*estimate as f64 / total).min(1.0))
        .product();
    let walked = if share > 0.0 {
        wanted as f64 / share
    } else {
        f64::INFINITY
    };
    ((estimates[driver].1 as f64) <= walked).then_some(driver)
}

/// The most selective key that can drive (to count: every match is read).
fn smallest(estimates: &[(bool, u64)]) -> Option<usize> {
    estimates
        .iter()
        .enumerate()
        .filter(|(_, (can_drive, _))| *can_drive)
        .min_by_key(|(_, (_, estimate))| *estimate)
        .map(|(i, _)| i)
}

/// How statements are run: for the list, or also explained (for the test
/// that checks the plans).
struct Run<'a> {
    db: &'a Db,
    plans: Option<Vec<(String, String)>>,
    /// Sizes already counted for this list, by statement: the count and
    /// the plan both ask.
    sizes: BTreeMap<String, u64>,
    /// `practice_counts` rows already read, by (facet, value).
    pairs: BTreeMap<(String, String), CountRows>,
}

impl<'a> Run<'a> {
    fn new(db: &'a Db, explain: bool) -> Self {
        Run {
            db,
            plans: explain.then(Vec::new),
            sizes: BTreeMap::new(),
            pairs: BTreeMap::new(),
        }
    }
}

impl Run<'_> {
    async fn explain(&mut self, name: &str, sql: &Sql) -> Result<(), StoreError> {
        let Some(plans) = self.plans.as_mut() else {
            return Ok(());
        };
        let lines: Vec<String> = match self.db {
            Db::Sqlite(pool) => {
                let rows: Vec<(i64, i64, i64, String)> = bind_all!(
                    sqlx::query_as(sqlx::AssertSqlSafe(format!(
                        "EXPLAIN QUERY PLAN {}",
                        sql.text
                    ))),
                    sql
                )
                .fetch_all(pool)
                .await?;
                rows.into_iter().map(|r| r.3).collect()
            }
            Db::Postgres(pool) => {
                bind_all!(
                    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("EXPLAIN {}", sql.text))),
                    sql
                )
                .fetch_all(pool)
                .await?
            }
        };
        plans.push((name.to_owned(), lines.join("\n")));
        Ok(())
    }

    async fn scalar(&mut self, name: &str, sql: &Sql) -> Result<i64, StoreError> {
        self.explain(name, sql).await?;
        self.db.scalar_sql(sql).await
    }

    /// The rows `sql` selects (counts or practices), its plan noted first.
    async fn rows<R: Decodable>(&mut self, name: &str, sql: &Sql) -> Result<Vec<R>, StoreError> {
        self.explain(name, sql).await?;
        self.db.fetch_sql(sql).await
    }

    /// `practice_counts` rows of `(facet, value)`: (other facet, other value, count).
    async fn pairs(&mut self, facet: &str, value: &str) -> Result<CountRows, StoreError> {
        let key = (facet.to_owned(), value.to_owned());
        if let Some(rows) = self.pairs.get(&key) {
            return Ok(rows.clone());
        }
        let mut sql = Sql::default();
        sql.push("SELECT with_facet, with_value, practices FROM practice_counts WHERE facet = ")
            .text(facet)
            .push(" AND value = ")
            .text(value)
            .push(" AND practices > 0");
        let rows = self.rows("pairs", &sql).await?;
        self.pairs.insert(key, rows.clone());
        Ok(rows)
    }

    /// How many published practices there are, and about how many each key
    /// selects (from `practice_counts`, or counted on the key's index).
    async fn estimates(
        &mut self,
        query: &Query,
        keys: &[Key],
    ) -> Result<(u64, Vec<(bool, u64)>), StoreError> {
        let totals: BTreeMap<(String, String), u64> = self
            .pairs("total", "")
            .await?
            .into_iter()
            .map(|(f, v, n)| ((f, v), count(n)))
            .collect();
        let total = totals
            .get(&("total".to_owned(), String::new()))
            .copied()
            .unwrap_or(0);
        let mut estimates = Vec::with_capacity(keys.len());
        for key in keys {
            let estimate = match (key, key.counted()) {
                (_, Some((facet, value))) => {
                    totals.get(&(facet.to_owned(), value)).copied().unwrap_or(0)
                }
                (Key::Status(s), None) if s.as_slice() == [PUBLISHED] => total,
                (_, None) => self.key_size(query, key).await?,
            };
            estimates.push((key.can_drive(), estimate));
        }
        Ok((total, estimates))
    }

    /// How many practices a key without a maintained count selects, from
    /// its index (a range count, no row read).
    async fn key_size(&mut self, query: &Query, key: &Key) -> Result<u64, StoreError> {
        let mut sql = Sql::default();
        match key {
            Key::Municipality(cvegeo) => {
                sql.push("SELECT COUNT(*) FROM practice_municipalities WHERE cvegeo = ")
                    .text(cvegeo);
            }
            Key::Organization(id) => {
                // An organization can be lead and contact of one practice.
                sql.push(
                    "SELECT COUNT(DISTINCT practice_id) FROM practice_organizations WHERE organization_id = ",
                )
                .bind(Bind::Uuid(*id));
            }
            Key::Mine(member, organization) => {
                sql.push("SELECT (SELECT COUNT(*) FROM practices WHERE created_by = ")
                    .bind(Bind::Uuid(*member))
                    .push(")");
                if let Some(org) = organization {
                    sql.push(" + (SELECT COUNT(*) FROM practices WHERE author_organization = ")
                        .bind(Bind::Uuid(*org))
                        .push(")");
                }
            }
            Key::Status(statuses) => {
                sql.push("SELECT COUNT(*) FROM practices WHERE status IN (");
                push_list(&mut sql, statuses);
                sql.push(")");
            }
            Key::Words(words) => match query.backend {
                Backend::Sqlite => {
                    sql.push("SELECT COUNT(*) FROM practice_words WHERE practice_words MATCH ")
                        .text(&fts5_query(words));
                }
                // Counting would read every matching row; PostgreSQL
                // plans the text condition with its own statistics.
                Backend::Postgres => return Ok(0),
            },
            // Counted keys never get here.
            _ => return Ok(0),
        }
        let cache_key = format!("{}{:?}", sql.text, sql.binds);
        if let Some(size) = self.sizes.get(&cache_key) {
            return Ok(*size);
        }
        let size = count(self.scalar("estimate", &sql).await?);
        self.sizes.insert(cache_key, size);
        Ok(size)
    }

    /// How many published practices match, from `practice_counts` when the
    /// filter is one counted key, else on the most selective key's index.
    async fn count_published(&mut self, query: &Query) -> Result<u64, StoreError> {
        if let Some(known) = self.known_count(query).await? {
            return Ok(known);
        }
        let everyone = query.everyone();
        let mut keys = query.keys.clone();
        keys.push(Key::Status(vec![PUBLISHED]));
        let (_, estimates) = self.estimates(query, &keys).await?;
        let driver = smallest(&estimates);
        let mut sql = Sql::default();
        sql.push("SELECT COUNT(*)")
            .push(&query.from("q", Some("practices_listing")));
        everyone.conditions(&mut sql, "q", &keys, driver);
        Ok(count(self.scalar("count published", &sql).await?))
    }

    /// How many published practices match, when that costs no more than a
    /// few index lookups: kept counts for no key, one counted key or two
    /// (their pair); the key's own index for one key it counts exactly,
    /// less the few of its practices not published.
    async fn known_count(&mut self, query: &Query) -> Result<Option<u64>, StoreError> {
        let counted: Vec<_> = query.keys.iter().filter_map(Key::counted).collect();
        let pair = match (query.keys.len(), counted.as_slice()) {
            (0, []) => Some((("total", String::new()), ("total", String::new()))),
            (1, [one]) => Some((one.clone(), one.clone())),
            (2, [one, other]) => Some((one.clone(), other.clone())),
            _ => None,
        };
        if let Some(((facet, value), (with_facet, with_value))) = pair {
            let pairs = self.pairs(facet, &value).await?;
            return Ok(Some(
                pairs
                    .iter()
                    .find(|(f, v, _)| *f == with_facet && *v == with_value)
                    .map_or(0, |(_, _, n)| count(*n)),
            ));
        }
        let [key] = query.keys.as_slice() else {
            return Ok(None);
        };
        if !key.counts_exactly(query.backend) {
            return Ok(None);
        }
        let all = self.key_size(query, key).await?;
        let mut sql = Sql::default();
        sql.push("SELECT COUNT(*)")
            .push(&query.from("q", Some("practices_listing")));
        let keys = [key.clone(), Key::Status(UNPUBLISHED.to_vec())];
        query.everyone().conditions(&mut sql, "q", &keys, Some(1));
        let unpublished = count(self.scalar("count unpublished of a key", &sql).await?);
        Ok(Some(all.saturating_sub(unpublished)))
    }

    /// How many visible unpublished practices match (few: drafts and
    /// practices in review), driven by the status index or the viewer's own.
    async fn count_unpublished(&mut self, query: &Query) -> Result<u64, StoreError> {
        let Some((keys, driver)) = unpublished_keys(query) else {
            return Ok(0);
        };
        let mut sql = Sql::default();
        sql.push("SELECT COUNT(*)")
            .push(&query.from("q", Some("practices_listing")));
        query.conditions(&mut sql, "q", &keys, Some(driver));
        Ok(count(self.scalar("count unpublished", &sql).await?))
    }

    /// Facet counts of the practices `keys` select (at most `FACET_CAP + 1`
    /// of them), and how many that was.
    async fn bounded_facets(
        &mut self,
        name: &str,
        query: &Query,
        keys: &[Key],
        driver: Option<usize>,
    ) -> Result<(u64, CountRows), StoreError> {
        let mut sql = Sql::default();
        // `CROSS JOIN` keeps SQLite reading the facet tables by practice
        // (from `m`), not scanning them whole to find `m`'s practices.
        sql.push("WITH m AS MATERIALIZED (SELECT q.id, q.covid19, q.start_year")
            .push(&query.from(
                "q",
                Some(if driver.is_some() {
                    "practices_listing"
                } else {
                    "practices_recent"
                }),
            ));
        query.conditions(&mut sql, "q", keys, driver);
        // The cap is written, not bound: planned once (see `rows` below).
        sql.push(&format!(" LIMIT {}", FACET_CAP + 1)).push(
            ")
                SELECT 'matched', '', COUNT(*) FROM m
                UNION ALL
                SELECT 'state', substr(x.cvegeo, 1, 2), COUNT(DISTINCT x.practice_id)
                    FROM m CROSS JOIN practice_municipalities x WHERE x.practice_id = m.id
                    GROUP BY substr(x.cvegeo, 1, 2)
                UNION ALL
                SELECT x.facet, x.term, COUNT(*)
                    FROM m CROSS JOIN practice_terms x WHERE x.practice_id = m.id
                    GROUP BY x.facet, x.term
                UNION ALL
                SELECT 'covid19', CASE WHEN m.covid19 THEN 'true' ELSE 'false' END, COUNT(*) FROM m
                    GROUP BY CASE WHEN m.covid19 THEN 'true' ELSE 'false' END
                UNION ALL
                SELECT 'year', CAST(m.start_year AS TEXT), COUNT(*) FROM m
                    WHERE m.start_year IS NOT NULL GROUP BY m.start_year",
        );
        let rows = self.rows(name, &sql).await?;
        let matched = rows
            .iter()
            .find(|(f, _, _)| f == "matched")
            .map_or(0, |(_, _, n)| count(*n));
        Ok((matched, rows))
    }
}

/// The keys and driver of the unpublished part of a list, if it can have one.
fn unpublished_keys(query: &Query) -> Option<(Vec<Key>, usize)> {
    let statuses = query.unpublished();
    if statuses.is_empty() {
        return None;
    }
    let mut keys = query.keys.clone();
    keys.push(Key::Status(statuses));
    // Members who only see their own drafts start from those.
    if query.viewer.visibility == Visibility::Public
        && let Some((member, org)) = query.viewer.member
    {
        keys.push(Key::Mine(member, org));
    }
    let driver = keys.len() - 1;
    Some((keys, driver))
}

fn facets_from(rows: CountRows, exact: bool) -> Facets {
    let mut facets = Facets {
        exact,
        ..Facets::default()
    };
    for (facet, value, n) in rows {
        let n = count(n);
        if n == 0 {
            continue;
        }
        match facet.as_str() {
            "state" => facets.state.push((value, n)),
            "covid19" => facets.covid19.push((value == "true", n)),
            "year" => {
                if let Ok(year) = value.parse() {
                    facets.year.push((year, n));
                }
            }
            "total" | "matched" => {}
            _ => facets.terms.entry(facet).or_default().push((value, n)),
        }
    }
    facets.state.sort();
    facets.covid19.sort();
    facets
        .year
        .sort_by_key(|(year, _)| std::cmp::Reverse(*year));
    for terms in facets.terms.values_mut() {
        terms.sort();
    }
    facets
}

/// Adds `more` to `rows`, summing counts of the same (facet, value).
fn add_counts(rows: &mut CountRows, more: CountRows) {
    let mut sums: BTreeMap<(String, String), i64> = BTreeMap::new();
    for (f, v, n) in rows.drain(..).chain(more) {
        *sums.entry((f, v)).or_default() += n;
    }
    rows.extend(sums.into_iter().map(|((f, v), n)| (f, v, n)));
}

impl Db {
    /// A page of practices the viewer may see, filtered and sorted.
    pub async fn practices(
        &self,
        filter: &PracticeFilter,
        visibility: Visibility,
        viewer: Option<(Uuid, Option<Uuid>)>,
        sort: PracticeSort,
        page: PageRequest,
    ) -> Result<Page<crate::PracticeRecord>, StoreError> {
        let mut run = Run::new(self, false);
        list(&mut run, filter, visibility, viewer, sort, page).await
    }

    /// Facet counts over the practices the filter selects: exact, or (when
    /// more than [`FACET_CAP`] match a filter without maintained counts)
    /// the values found with `exact: false`.
    pub async fn practice_facets(
        &self,
        filter: &PracticeFilter,
        visibility: Visibility,
        viewer: Option<(Uuid, Option<Uuid>)>,
    ) -> Result<Facets, StoreError> {
        let mut run = Run::new(self, false);
        facets(&mut run, filter, visibility, viewer).await
    }

    /// A page of the list and its facet counts together: the counts both
    /// read are read once.
    pub async fn practices_with_facets(
        &self,
        filter: &PracticeFilter,
        visibility: Visibility,
        viewer: Option<(Uuid, Option<Uuid>)>,
        sort: PracticeSort,
        page: PageRequest,
    ) -> Result<(Page<crate::PracticeRecord>, Facets), StoreError> {
        let mut run = Run::new(self, false);
        let listed = list(&mut run, filter, visibility, viewer, sort, page).await?;
        let facets = facets(&mut run, filter, visibility, viewer).await?;
        Ok((listed, facets))
    }

    /// The plans of the statements `practices` and `practice_facets` run
    /// for this filter, by statement: SQLite's `EXPLAIN QUERY PLAN` or
    /// PostgreSQL's `EXPLAIN`. For the test that checks they use indexes.
    #[doc(hidden)]
    pub async fn practice_list_plans(
        &self,
        filter: &PracticeFilter,
        visibility: Visibility,
        viewer: Option<(Uuid, Option<Uuid>)>,
        sort: PracticeSort,
        page: PageRequest,
    ) -> Result<Vec<(String, String)>, StoreError> {
        let mut run = Run::new(self, true);
        list(&mut run, filter, visibility, viewer, sort, page).await?;
        facets(&mut run, filter, visibility, viewer).await?;
        Ok(run.plans.unwrap_or_default())
    }

    /// `practice_counts` as it is, and as a recount from the practices would
    /// make it: the two must be equal. For tests.
    #[doc(hidden)]
    pub async fn practice_counts_and_recount(
        &self,
    ) -> Result<
        (
            Vec<(String, String, String, String, i64)>,
            Vec<(String, String, String, String, i64)>,
        ),
        StoreError,
    > {
        const KEYS: &str = "
            WITH k (practice_id, facet, value) AS (
                SELECT id, 'total', '' FROM practices WHERE status = 'publicada'
                UNION ALL
                SELECT DISTINCT x.practice_id, 'state', substr(x.cvegeo, 1, 2) FROM practice_municipalities x
                    JOIN practices p ON p.id = x.practice_id WHERE p.status = 'publicada'
                UNION ALL
                SELECT x.practice_id, x.facet, x.term FROM practice_terms x
                    JOIN practices p ON p.id = x.practice_id WHERE p.status = 'publicada'
                UNION ALL
                SELECT id, 'covid19', CASE WHEN covid19 THEN 'true' ELSE 'false' END FROM practices
                    WHERE status = 'publicada'
                UNION ALL
                SELECT id, 'year', CAST(start_year AS TEXT) FROM practices
                    WHERE status = 'publicada' AND start_year IS NOT NULL)
            SELECT a.facet, a.value, b.facet, b.value, COUNT(*) FROM k a JOIN k b ON b.practice_id = a.practice_id
            GROUP BY a.facet, a.value, b.facet, b.value ORDER BY 1, 2, 3, 4";
        let (kept, recounted) = dispatch!(self, |pool| {
            let kept = sqlx::query_as(
                "SELECT facet, value, with_facet, with_value, practices FROM practice_counts
                 WHERE practices <> 0 ORDER BY 1, 2, 3, 4",
            )
            .fetch_all(pool)
            .await?;
            let recounted = sqlx::query_as(KEYS).fetch_all(pool).await?;
            (kept, recounted)
        });
        Ok((kept, recounted))
    }
}

async fn list(
    run: &mut Run<'_>,
    filter: &PracticeFilter,
    visibility: Visibility,
    viewer: Option<(Uuid, Option<Uuid>)>,
    sort: PracticeSort,
    page: PageRequest,
) -> Result<Page<crate::PracticeRecord>, StoreError> {
    let query = Query::new(filter, visibility, viewer, run.db.backend());
    let mut total = 0;
    if query.wants_published() {
        total += run.count_published(&query).await?;
    }
    total += run.count_unpublished(&query).await?;
    if u64::try_from(page.offset()).unwrap_or(u64::MAX) >= total && page.page > 1 {
        // Past the end: nothing to read (the web says so, with the total).
        return Ok(Page {
            total,
            items: Vec::new(),
        });
    }
    let keys = query.all_keys();
    let (published, estimates) = run.estimates(&query, &keys).await?;
    let wanted = u64::try_from(page.offset() + page.limit()).unwrap_or(u64::MAX);
    let driver = choose_driver(&estimates, published, wanted);
    let (inner_order, sort_index) = order(sort, "q");
    let (outer_order, _) = order(sort, "p");
    let mut sql = Sql::default();
    sql.push(&format!(
        "SELECT {} FROM practices p JOIN (SELECT q.id",
        crate::practices::COLUMNS
    ))
    .push(&query.from(
        "q",
        Some(if driver.is_some() {
            "practices_listing"
        } else {
            sort_index
        }),
    ));
    query.conditions(&mut sql, "q", &keys, driver);
    // The page size is written into the SQL, not bound: statements are
    // planned once (store::db::stable_query_plans), and SQLite walks the sort
    // index for a page only when the plan knows how few rows it needs. Page
    // sizes are few, so these strings are few too.
    sql.push(&format!(" ORDER BY {inner_order} LIMIT {}", page.limit()))
        .push(" OFFSET ")
        .bind(Bind::Int(page.offset()))
        .push(&format!(") page ON page.id = p.id ORDER BY {outer_order}"));
    let rows = run.rows::<PracticeRow>("list", &sql).await?;
    page_of(
        i64::try_from(total).unwrap_or(i64::MAX),
        rows,
        PracticeRow::into_record,
    )
}

async fn facets(
    run: &mut Run<'_>,
    filter: &PracticeFilter,
    visibility: Visibility,
    viewer: Option<(Uuid, Option<Uuid>)>,
) -> Result<Facets, StoreError> {
    let query = Query::new(filter, visibility, viewer, run.db.backend());
    let mut rows = Vec::new();
    let mut exact = true;
    if query.wants_published() {
        if let Some((facet, value)) = query.single_counted() {
            rows = run.pairs(facet, &value).await?;
        } else {
            let mut keys = query.keys.clone();
            keys.push(Key::Status(vec![PUBLISHED]));
            let (total, estimates) = run.estimates(&query, &keys).await?;
            // Too many matches is known without reading them when the
            // count is; otherwise the count stops after `FACET_CAP + 1`.
            let (matched, counted) = match run.known_count(&query).await? {
                Some(known) if known > FACET_CAP => (known, Vec::new()),
                _ => {
                    let driver = choose_driver(&estimates, total, FACET_CAP + 1);
                    run.bounded_facets("facets published", &query.everyone(), &keys, driver)
                        .await?
                }
            };
            if matched <= FACET_CAP {
                rows = counted;
            } else {
                // Too many to count here: the values the most selective
                // counted key goes with, without their numbers.
                exact = false;
                let counted_key = keys
                    .iter()
                    .zip(&estimates)
                    .filter_map(|(k, (_, e))| k.counted().map(|c| (c, *e)))
                    .min_by_key(|(_, e)| *e)
                    .map(|(c, _)| c)
                    .unwrap_or(("total", String::new()));
                rows = run.pairs(counted_key.0, &counted_key.1).await?;
            }
        }
    }
    if let Some((keys, driver)) = unpublished_keys(&query) {
        let (matched, counted) = run
            .bounded_facets("facets unpublished", &query, &keys, Some(driver))
            .await?;
        if matched > FACET_CAP {
            exact = false;
        }
        add_counts(&mut rows, counted);
    }
    Ok(facets_from(rows, exact))
}

/// The listing keys of a published practice's content: what it adds to
/// `practice_counts`.
fn listing_keys(content: &PracticeContent) -> BTreeSet<(&'static str, String)> {
    let mut keys = BTreeSet::new();
    keys.insert(("total", String::new()));
    for cvegeo in &content.municipalities {
        keys.insert(("state", cvegeo.state().as_str().to_owned()));
    }
    for (facet, term) in crate::practices::facet_terms(content) {
        keys.insert((facet, term));
    }
    keys.insert(("covid19", content.covid19.to_string()));
    if let Some(year) = start_year(content) {
        keys.insert(("year", year.to_string()));
    }
    keys
}

/// Changes to `practice_counts` gathered before they are written: a
/// practice published (+1 on each pair of its keys), unpublished (−1), or
/// edited while published (both).
#[derive(Debug, Default)]
pub(crate) struct ListingDelta(BTreeMap<(&'static str, String, &'static str, String), i64>);

impl ListingDelta {
    pub(crate) fn add(&mut self, content: &PracticeContent, sign: i64) {
        let keys = listing_keys(content);
        for (facet, value) in &keys {
            for (with_facet, with_value) in &keys {
                *self
                    .0
                    .entry((facet, value.clone(), with_facet, with_value.clone()))
                    .or_default() += sign;
            }
        }
    }

    /// Writes the changes in the caller's transaction, in key order (so two
    /// writers lock the rows they share in the same order, never each
    /// waiting for the other).
    pub(crate) async fn write(self, tx: impl Into<Tx<'_>>) -> Result<(), StoreError> {
        let changes: Vec<_> = self.0.into_iter().filter(|(_, n)| *n != 0).collect();
        if changes.is_empty() {
            return Ok(());
        }
        let mut tx = tx.into();
        // 5 binds a row; SQLite allows 32,766 a statement.
        for chunk in changes.chunks(1_000) {
            dispatch!(tx: tx.reborrow(), |conn| {
                let mut insert = sqlx::QueryBuilder::new(
                    "INSERT INTO practice_counts (facet, value, with_facet, with_value, practices) ",
                );
                insert.push_values(chunk, |mut row, ((f, v, wf, wv), n)| {
                    row.push_bind(*f)
                        .push_bind(v.as_str())
                        .push_bind(*wf)
                        .push_bind(wv.as_str())
                        .push_bind(*n);
                });
                insert.push(
                    " ON CONFLICT (facet, value, with_facet, with_value)
                     DO UPDATE SET practices = practice_counts.practices + excluded.practices",
                );
                insert.build().execute(&mut *conn).await?;
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rare_key_drives_and_a_common_one_is_checked_in_order() {
        // One practice in 1,000 in the municipality: read those and sort them.
        assert_eq!(choose_driver(&[(true, 100)], 100_000, 20), Some(0));
        // Half the list: walking finds a page in about 40 rows.
        assert_eq!(choose_driver(&[(true, 50_000)], 100_000, 20), None);
        // Deep in the list the same key is cheaper read whole.
        assert_eq!(choose_driver(&[(true, 9_000)], 100_000, 10_000), Some(0));
        // The COVID-19 flag never drives; nothing to drive, walk.
        assert_eq!(choose_driver(&[(false, 30)], 100_000, 20), None);
        assert_eq!(choose_driver(&[], 100_000, 20), None);
        // Counting reads every match: from the smallest key that can drive.
        assert_eq!(
            smallest(&[(true, 9_000), (false, 10), (true, 300)]),
            Some(2)
        );
    }

    #[test]
    fn text_becomes_word_prefixes_on_both_backends() {
        let words = words_of("  Albergue, TIJUANA  niñ@s");
        assert_eq!(words, ["albergue", "tijuana", "nin", "s"]);
        assert_eq!(fts5_query(&words[..2]), "\"albergue\"* \"tijuana\"*");
        assert_eq!(tsquery(&words[..2]), "albergue:* & tijuana:*");
        assert!(words_of("¡¿…?!").is_empty());
    }

    #[test]
    fn placeholders_count_across_the_visibility_condition() {
        let query = Query::new(
            &PracticeFilter {
                year: Some(2021),
                ..Default::default()
            },
            Visibility::Public,
            Some((Uuid::nil(), None)),
            Backend::Postgres,
        );
        let mut sql = Sql::default();
        sql.push("SELECT 1").push(&query.from("q", None));
        query.conditions(&mut sql, "q", &query.all_keys(), None);
        assert_eq!(
            sql.text,
            "SELECT 1 FROM practices q WHERE q.start_year = $1 AND (q.status IN ($2) OR (q.created_by = $3))"
        );
        assert_eq!(sql.binds.len(), 3);
    }
}
