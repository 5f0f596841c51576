//! The practice list at size: the counts kept by every write equal a
//! recount, every filter lists what it should whichever index drives it,
//! and the statements use indexes (checked on their plans).

use super::{imported, on_each_backend};
use acoge_domain::{
    Cvegeo, StateKey,
    accounts::{Email, Role},
    page::PageRequest,
    practice::{PracticeContent, PracticeInput, PracticeStatus, ReviewDecision, Sector},
    taxonomy::Right,
};
use acoge_store::{
    Backend, Db, NewMember, NewPractice, NewReview, OrganizationFilter, PracticeFilter,
    PracticeSort, Visibility,
};
use std::collections::BTreeMap;
use uuid::Uuid;

/// 36 places in 12 states: a municipality is about 3% of the list, a
/// state about 8%, as in a real corpus.
fn place(n: usize) -> String {
    const STATES: [u32; 12] = [1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13];
    format!("{:02}{:03}", STATES[(n / 3) % 12], 1 + n % 3)
}
const RIGHTS: [&str; 4] = ["salud", "vivienda", "educacion", "trabajo"];
const SECTORS: [&str; 5] = [
    "salud",
    "vivienda_albergue",
    "educacion",
    "empleo",
    "alimentacion",
];

/// The `i`th practice of a test corpus: places, terms, years and words
/// vary with `i`, so filters select different shares of the list.
fn content(i: usize, lead: Uuid) -> PracticeContent {
    let mut municipalities = vec![place(i % 36)];
    if i.is_multiple_of(7) {
        municipalities.push(place((i / 7) % 36));
    }
    municipalities.dedup();
    let shelter = i.is_multiple_of(10);
    let mut content = PracticeInput {
        title: format!("Práctica {i:05}"),
        summary: if shelter {
            "Un albergue abre sus puertas a familias en tránsito.".to_owned()
        } else {
            "Atención cercana para personas migrantes.".to_owned()
        },
        municipalities,
        lead_organization: lead.to_string(),
        rights: vec![RIGHTS[i % RIGHTS.len()].to_owned()],
        sectors: vec![
            SECTORS[i % SECTORS.len()].to_owned(),
            SECTORS[(i / 3) % SECTORS.len()].to_owned(),
        ],
        levels_of_government: vec!["municipal".to_owned()],
        start_date: format!("{}-03", 2015 + i % 9),
        ..PracticeInput::default()
    }
    .validate()
    .expect("a valid practice");
    content.covid19 = i.is_multiple_of(3);
    if content.covid19 {
        content.covid19_how = "Cuarentena".to_owned();
    }
    content
}

async fn lead(db: &Db) -> Uuid {
    db.organizations(&OrganizationFilter::default(), PageRequest::first(1))
        .await
        .unwrap()
        .items[0]
        .id
}

/// `n` published practices (through the demo corpus's bulk insert) and
/// their contents, by id.
async fn corpus(db: &Db, n: usize) -> BTreeMap<Uuid, PracticeContent> {
    let lead = lead(db).await;
    let contents: Vec<PracticeContent> = (0..n).map(|i| content(i, lead)).collect();
    let news: Vec<NewPractice<'_>> = contents
        .iter()
        .map(|c| NewPractice {
            content: c,
            status: PracticeStatus::Published,
            slug: None,
            created_by: None,
            author_organization: None,
            is_example: false,
        })
        .collect();
    let ids = db.insert_demo_practices(&news, |_| {}).await.unwrap();
    ids.into_iter().zip(contents).collect()
}

async fn assert_counts_kept(db: &Db, backend: Backend, step: &str) {
    let (kept, recounted) = db.practice_counts_and_recount().await.unwrap();
    assert!(!recounted.is_empty() || kept.is_empty());
    assert_eq!(kept, recounted, "{backend:?}, after {step}");
}

#[tokio::test]
async fn kept_counts_equal_a_recount_after_every_kind_of_write() {
    on_each_backend(|db, backend| async move {
        imported(&db).await;
        assert_counts_kept(&db, backend, "the import").await;
        let lead = lead(&db).await;
        corpus(&db, 30).await;
        assert_counts_kept(&db, backend, "a bulk insert").await;

        let draft = content(31, lead);
        let id = db
            .create_practice(&NewPractice {
                content: &draft,
                status: PracticeStatus::Draft,
                slug: None,
                created_by: None,
                author_organization: Some(lead),
                is_example: false,
            })
            .await
            .unwrap();
        assert_counts_kept(&db, backend, "a draft").await;
        let published = content(32, lead);
        let other = db
            .create_practice(&NewPractice {
                content: &published,
                status: PracticeStatus::Published,
                slug: Some("publicada-de-entrada"),
                created_by: None,
                author_organization: None,
                is_example: true,
            })
            .await
            .unwrap();
        assert_counts_kept(&db, backend, "a published practice").await;

        // Submitted, then published by two reviews.
        let actor = Uuid::now_v7();
        assert!(
            db.set_practice_status(
                id,
                PracticeStatus::Draft,
                PracticeStatus::Submitted,
                actor,
                &[]
            )
            .await
            .unwrap()
        );
        let checklist = BTreeMap::new();
        let mut reviewers = Vec::new();
        for n in 0..2 {
            let address = format!("revisora-{n}-{}@example.org", Uuid::now_v7().simple());
            reviewers.push(
                db.create_member(
                    &acoge_store::NewMember {
                        email: &acoge_domain::accounts::Email::parse("e", &address).unwrap(),
                        display_name: "Revisora",
                        organization_id: None,
                        role: acoge_domain::accounts::Role::Reviewer,
                        password_hash: "x",
                    },
                    None,
                )
                .await
                .unwrap(),
            );
        }
        for reviewer in reviewers {
            let practice = db.practice(id).await.unwrap().unwrap();
            db.add_review(
                &practice,
                &NewReview {
                    reviewer,
                    reviewer_org: None,
                    decision: ReviewDecision::Approve,
                    checklist: &checklist,
                    comment: "",
                    required_approvals: 2,
                },
                &[],
            )
            .await
            .unwrap();
        }
        assert_eq!(
            db.practice(id).await.unwrap().unwrap().status,
            PracticeStatus::Published
        );
        assert_counts_kept(&db, backend, "a review that publishes").await;

        // Edited while published: another state, terms, year and flag.
        let mut edited = content(35, lead);
        edited.covid19 = !edited.covid19;
        edited.covid19_how = if edited.covid19 {
            "Cuarentena".into()
        } else {
            String::new()
        };
        db.update_practice(id, &edited, Some(actor)).await.unwrap();
        assert_counts_kept(&db, backend, "an edit of a published practice").await;

        // Withdrawn from the list, then back.
        assert!(
            db.set_practice_status(
                other,
                PracticeStatus::Published,
                PracticeStatus::ChangesRequested,
                actor,
                &[]
            )
            .await
            .unwrap()
        );
        assert_counts_kept(&db, backend, "an unpublication").await;
        db.update_practice(other, &content(36, lead), Some(actor))
            .await
            .unwrap();
        assert_counts_kept(&db, backend, "an edit of an unpublished practice").await;
        assert!(
            db.set_practice_status(
                other,
                PracticeStatus::ChangesRequested,
                PracticeStatus::Published,
                actor,
                &[]
            )
            .await
            .unwrap()
        );
        assert_counts_kept(&db, backend, "a republication").await;
        assert_eq!(db.key_figures().await.unwrap().published_practices, 32);
    })
    .await;
}

/// What the list must hold for `keep`, by title (the test's titles are
/// unique and sort like their folded forms).
fn expected(
    contents: &BTreeMap<Uuid, PracticeContent>,
    keep: impl Fn(&PracticeContent) -> bool,
) -> Vec<String> {
    let mut titles: Vec<String> = contents
        .values()
        .filter(|c| keep(c))
        .map(|c| c.title.clone())
        .collect();
    titles.sort();
    titles
}

/// A filter: its name, itself, and which contents it keeps.
type Case = (&'static str, PracticeFilter, fn(&PracticeContent) -> bool);

fn filters() -> Vec<Case> {
    let state = |key: &str| Some(StateKey::parse(key).unwrap());
    vec![
        ("everything", PracticeFilter::default(), |_| true),
        (
            "a state",
            PracticeFilter {
                state: state("07"),
                ..Default::default()
            },
            |c| {
                c.municipalities
                    .iter()
                    .any(|m| m.as_str().starts_with("07"))
            },
        ),
        (
            "a municipality",
            PracticeFilter {
                municipality: Some(Cvegeo::parse("07002").unwrap()),
                ..Default::default()
            },
            |c| c.municipalities.iter().any(|m| m.as_str() == "07002"),
        ),
        (
            "a sector",
            PracticeFilter {
                sector: Some(Sector::Health),
                ..Default::default()
            },
            |c| c.sectors.contains(&Sector::Health),
        ),
        (
            "words",
            PracticeFilter {
                text: Some("ALBERG puertas".to_owned()),
                ..Default::default()
            },
            |c| c.summary.contains("albergue"),
        ),
        (
            "a state, a right, a year and the flag",
            PracticeFilter {
                state: state("02"),
                right: Some(Right::Health),
                year: Some(2018),
                covid19: Some(true),
                ..Default::default()
            },
            |c| {
                c.municipalities
                    .iter()
                    .any(|m| m.as_str().starts_with("02"))
                    && c.rights.contains(&Right::Health)
                    && c.start_date.is_some_and(|d| d.year == 2018)
                    && c.covid19
            },
        ),
        (
            "the flag alone",
            PracticeFilter {
                covid19: Some(false),
                ..Default::default()
            },
            |c| !c.covid19,
        ),
    ]
}

#[tokio::test]
async fn every_filter_lists_and_counts_what_it_selects() {
    on_each_backend(|db, backend| async move {
        imported(&db).await;
        let contents = corpus(&db, 600).await;
        for (name, filter, keep) in filters() {
            let want = expected(&contents, keep);
            // Page 1 of 20 and a deep page of 100: different plans.
            for page in [PageRequest::first(20), PageRequest::new(2, 100).unwrap()] {
                let got = db
                    .practices(&filter, Visibility::Public, None, PracticeSort::Title, page)
                    .await
                    .unwrap();
                assert_eq!(got.total, want.len() as u64, "{backend:?}: {name}");
                let titles: Vec<&str> =
                    got.items.iter().map(|p| p.content.title.as_str()).collect();
                let from = usize::try_from(page.offset()).unwrap().min(want.len());
                let to = (from + page.per_page as usize).min(want.len());
                assert_eq!(titles, want[from..to], "{backend:?}: {name}, {page:?}");
            }
            let facets = db
                .practice_facets(&filter, Visibility::Public, None)
                .await
                .unwrap();
            assert!(facets.exact, "{backend:?}: {name}: 600 are counted");
            let flagged: u64 = facets.covid19.iter().map(|(_, n)| n).sum();
            assert_eq!(flagged, want.len() as u64, "{backend:?}: {name}");
        }
        // Recent first, and start year (latest first) on the same rows.
        let recent = db
            .practices(
                &PracticeFilter::default(),
                Visibility::Public,
                None,
                PracticeSort::StartYear,
                PageRequest::first(5),
            )
            .await
            .unwrap();
        assert!(
            recent
                .items
                .iter()
                .all(|p| p.content.start_date.is_some_and(|d| d.year == 2023))
        );
    })
    .await;
}

/// On PostgreSQL, `n` copies of every published practice with their facet
/// rows, written in bulk so the planner sees a table large enough that an
/// index beats reading it whole. (The kept counts do not follow: this is
/// for plans only.)
async fn multiply_on_postgres(db: &Db, n: i32) {
    let Db::Postgres(pool) = db else {
        return;
    };
    // One connection: the temporary table is its own.
    let mut tx = pool.begin().await.unwrap();
    for statement in [
        "CREATE TEMP TABLE copies AS SELECT p.id AS source, gen_random_uuid() AS id, g
         FROM practices p, generate_series(1, $1) g WHERE p.status = 'publicada'",
        "INSERT INTO practices (id, slug, status, title, title_folded, summary_folded, content,
            lead_organization, author_organization, created_by, covid19, start_year, review_round,
            version, is_example, created_at, updated_at, published_at)
         SELECT c.id, NULL, p.status, p.title, p.title_folded, p.summary_folded, p.content,
            p.lead_organization, p.author_organization, p.created_by, p.covid19, p.start_year,
            p.review_round, p.version, p.is_example, p.created_at, p.updated_at,
            p.published_at + c.g * interval '1 millisecond'
         FROM copies c JOIN practices p ON p.id = c.source",
        "INSERT INTO practice_municipalities (practice_id, cvegeo)
         SELECT c.id, x.cvegeo FROM copies c JOIN practice_municipalities x ON x.practice_id = c.source",
        "INSERT INTO practice_terms (practice_id, facet, term)
         SELECT c.id, x.facet, x.term FROM copies c JOIN practice_terms x ON x.practice_id = c.source",
        "INSERT INTO practice_organizations (practice_id, organization_id, role)
         SELECT c.id, x.organization_id, x.role FROM copies c
         JOIN practice_organizations x ON x.practice_id = c.source",
        "DROP TABLE copies",
        // The copies are the same practices again: every kept count grows alike.
        "UPDATE practice_counts SET practices = practices * ($1 + 1)",
    ] {
        let query = sqlx::query(statement);
        let query = if statement.contains("$1") {
            query.bind(n)
        } else {
            query
        };
        query.execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    // What autovacuum does on a live database: the visibility map lets
    // index-only scans skip the table.
    sqlx::query("VACUUM ANALYZE").execute(pool).await.unwrap();
}

/// Whether a plan reads a large table whole.
///
/// SQLite: any `SCAN` but a sort index walked in order (which stops at
/// the page's end), the text index, or `m` and `page` (a page, or at most
/// `Facets::CAP` rows already selected); `SEARCH` lines use an index by
/// definition. The store names the index SQLite must use, so this holds at
/// any size.
///
/// PostgreSQL: a `Seq Scan` on `practices` or `practice_terms`, the two
/// tables that grow fastest (nine terms a practice). PostgreSQL plans from
/// its statistics, so the check is only honest at a size where an index
/// is the better plan: the test makes the table about 30,000 practices
/// first. At that size it may still hash the narrow `practice_municipalities`
/// (one or two rows a practice) whole rather than look up a thousand
/// practices one by one, which is the cheaper plan there; at 100,000 it
/// looks them up (`list_timings`, below, shows the plans on a real corpus).
fn whole_table_read(backend: Backend, plan: &str) -> Option<String> {
    const TABLES: [&str; 2] = ["practices", "practice_terms"];
    plan.lines()
        .map(str::trim)
        .find(|line| match backend {
            Backend::Sqlite => {
                let scanned = line
                    .strip_prefix("SCAN ")
                    .and_then(|rest| rest.split_whitespace().next());
                // Walking a sort index in order is how a page is found
                // (it stops at the page's end); any other scan reads a
                // table or an index whole.
                let walks_a_sort = ["practices_recent", "practices_title", "practices_start"]
                    .iter()
                    .any(|index| line.ends_with(&format!("USING COVERING INDEX {index}")));
                scanned.is_some_and(|alias| {
                    !matches!(alias, "m" | "page" | "CONSTANT")
                        && !walks_a_sort
                        && !line.contains("VIRTUAL TABLE")
                })
            }
            Backend::Postgres => TABLES
                .iter()
                .any(|t| line.contains(&format!("Seq Scan on {t} "))),
        })
        .map(str::to_owned)
}

#[tokio::test]
async fn list_and_facet_statements_read_indexes_not_tables() {
    on_each_backend(|db, backend| async move {
        imported(&db).await;
        corpus(&db, 1_500).await;
        // About 30,000 practices on PostgreSQL: at 1,500 reading the table
        // whole can honestly be its best plan; at 30,000 it is not.
        multiply_on_postgres(&db, 20).await;
        let viewer = Some((Uuid::now_v7(), Some(lead(&db).await)));
        let mut cases: Vec<(String, PracticeFilter, Visibility, _)> = filters()
            .into_iter()
            .map(|(name, filter, _)| (name.to_owned(), filter, Visibility::Public, None))
            .collect();
        cases.push((
            "everything, for a member".into(),
            PracticeFilter::default(),
            Visibility::Public,
            viewer,
        ));
        cases.push((
            "everything, for an administrator".into(),
            PracticeFilter::default(),
            Visibility::All,
            None,
        ));
        for (name, filter, visibility, viewer) in cases {
            for (sort, page) in [
                (PracticeSort::Recent, PageRequest::first(20)),
                (PracticeSort::Title, PageRequest::new(2, 20).unwrap()),
            ] {
                let plans = db
                    .practice_list_plans(&filter, visibility, viewer, sort, page)
                    .await
                    .unwrap();
                // (A page past the end is not read at all.)
                assert!(
                    page.page > 1 || plans.iter().any(|(statement, _)| statement == "list"),
                    "{name}"
                );
                for (statement, plan) in &plans {
                    assert_eq!(
                        whole_table_read(backend, plan),
                        None,
                        "{backend:?}: {name}, {sort:?}: {statement} reads a table whole:\n{plan}"
                    );
                }
                if backend == Backend::Sqlite && name == "everything" {
                    let list = &plans.iter().find(|(s, _)| s == "list").unwrap().1;
                    assert!(
                        !list.contains("TEMP B-TREE FOR ORDER BY") || list.contains("SCAN page"),
                        "the whole list is read in its sort index's order:\n{list}"
                    );
                }
            }
        }
    })
    .await;
}

/// Timings of the list and its facets on a real corpus, with their plans:
/// `ACOGE_LIST_CORPUS=sqlite:///path/acoge.db` (or a PostgreSQL URL)
/// `cargo test --release -p acoge-store --test store -- --ignored list_timings --nocapture`.
/// It migrates the database first.
#[tokio::test]
#[ignore = "needs ACOGE_LIST_CORPUS, a large corpus"]
async fn list_timings() {
    let Ok(url) = std::env::var("ACOGE_LIST_CORPUS") else {
        return;
    };
    let db = Db::connect(&url).await.unwrap();
    let started = std::time::Instant::now();
    db.migrate().await.unwrap();
    println!("migrated in {:?}", started.elapsed());
    let mut cases = filters();
    cases.push((
        "level and state",
        PracticeFilter {
            state: Some(StateKey::parse("07").unwrap()),
            level: Some(acoge_domain::taxonomy::GovernmentLevel::Municipal),
            ..Default::default()
        },
        |_| true,
    ));
    cases.push((
        "common word",
        PracticeFilter {
            text: Some("salud".to_owned()),
            ..Default::default()
        },
        |_| true,
    ));
    cases.push((
        "Tijuana",
        PracticeFilter {
            municipality: Some(Cvegeo::parse("02004").unwrap()),
            ..Default::default()
        },
        |_| true,
    ));
    let only = std::env::var("ACOGE_LIST_ONLY").unwrap_or_default();
    for (name, filter, _) in cases {
        if !name.contains(only.as_str()) {
            continue;
        }
        let skip_timing = std::env::var("ACOGE_LIST_NO_TIMING").is_ok();
        for page in [PageRequest::first(20), PageRequest::new(500, 20).unwrap()] {
            if skip_timing {
                break;
            }
            for round in 0..3 {
                let t = std::time::Instant::now();
                let list = db
                    .practices(
                        &filter,
                        Visibility::Public,
                        None,
                        PracticeSort::Recent,
                        page,
                    )
                    .await
                    .unwrap();
                let listed = t.elapsed();
                let t = std::time::Instant::now();
                let facets = db
                    .practice_facets(&filter, Visibility::Public, None)
                    .await
                    .unwrap();
                let faceted = t.elapsed();
                if round == 2 {
                    println!(
                        "{name:40} page {:3}: list {listed:>10.2?} ({} of {}), facets {faceted:>10.2?} (exact: {})",
                        page.page,
                        list.items.len(),
                        list.total,
                        facets.exact
                    );
                }
            }
        }
        if std::env::var("ACOGE_LIST_PLANS").is_ok() {
            for (statement, plan) in db
                .practice_list_plans(
                    &filter,
                    Visibility::Public,
                    None,
                    PracticeSort::Recent,
                    PageRequest::first(20),
                )
                .await
                .unwrap()
            {
                println!("  {statement}:\n    {}", plan.replace('\n', "\n    "));
            }
        }
    }
    let t = std::time::Instant::now();
    let figures = db.key_figures().await.unwrap();
    println!(
        "key figures {:?}: {} practices, {} organizations",
        t.elapsed(),
        figures.published_practices,
        figures.organizations
    );
}

#[tokio::test]
async fn a_member_has_unpublished_practices_only_while_one_of_theirs_or_their_organizations_waits()
{
    on_each_backend(|db, backend| async move {
        imported(&db).await;
        let lead = lead(&db).await;
        let member = db
            .create_member(
                &NewMember {
                    email: &Email::parse("email", "autora@example.org").unwrap(),
                    display_name: "Autora",
                    organization_id: None,
                    role: Role::Member,
                    password_hash: "hash",
                },
                None,
            )
            .await
            .unwrap();
        let stranger = Uuid::now_v7();
        let pending = |member, organization| {
            let db = db.clone();
            async move {
                db.has_unpublished_practices(member, organization)
                    .await
                    .unwrap()
            }
        };
        assert!(
            !pending(member, Some(lead)).await,
            "{backend:?}: nothing yet"
        );
        let create = |status, created_by, author_organization, i| {
            let db = db.clone();
            async move {
                db.create_practice(&NewPractice {
                    content: &content(i, lead),
                    status,
                    slug: None,
                    created_by,
                    author_organization,
                    is_example: false,
                })
                .await
                .unwrap()
            }
        };
        create(PracticeStatus::Published, Some(member), Some(lead), 1).await;
        assert!(
            !pending(member, Some(lead)).await,
            "{backend:?}: published only"
        );
        create(PracticeStatus::Draft, None, Some(lead), 2).await;
        assert!(
            pending(member, Some(lead)).await,
            "{backend:?}: the organization's draft"
        );
        assert!(
            !pending(member, None).await,
            "{backend:?}: not the member's own"
        );
        create(PracticeStatus::Submitted, Some(member), None, 3).await;
        assert!(
            pending(member, None).await,
            "{backend:?}: the member's own submission"
        );
        assert!(!pending(stranger, None).await, "{backend:?}: nobody else's");
    })
    .await;
}
