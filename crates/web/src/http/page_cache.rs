//! The anonymous page cache, as Discourse's AnonymousCache and Drupal's page
//! cache: what a visitor without a session sees is the same for every such
//! visitor, so it is rendered once per data version and then served from
//! memory, already compressed.
//!
//! - **Who.** GET and HEAD requests without a session cookie and without an
//!   `Authorization` header (`serve`, before authentication). Signed-in
//!   members too, once authenticated (`serve_members`), with what was
//!   rendered without reading who was asking (`auth::reads` notes every
//!   read, the guards' included): a page that read nothing of the member is
//!   kept once for every member, beside the visitors' page (the header
//!   differs; on the API, which has none, it is the visitors' entry); one
//!   that checked only the role (`Ctx::may`) is kept for that role; one that
//!   also read the member's organization ("your organization") for that role
//!   there; one that read the member (edit links of their own, "mine") is
//!   rendered for each. Members' answers say `Cache-Control: private,
//!   no-cache`, as every other answer to a cookie or a token does.
//! - **What.** 200 answers of text (HTML, CSV, iCalendar, Markdown), JSON or
//!   SVG with a known length, no `Set-Cookie` and no `Cache-Control` of
//!   their own. A form's CSRF token is tied to its reader's cookie: a
//!   visitor's form is not kept; a member's page is kept with a hole where
//!   the token stands, which each answer fills with its reader's own
//!   (`token_holes`; gzip only). Paths carrying one-time secrets are never
//!   kept.
//! - **Key.** Path and query, and the language negotiated (this layer runs
//!   inside `negotiation`, so `?lang=`, the cookie and `Accept-Language` are
//!   already decided). The entry remembers the data version it was built at
//!   (`jobs::data_version`: the outbox head, read again after this process
//!   commits; for search, how far the index has come) and counts only at
//!   that version.
//! - **Kept.** Gzip and brotli bytes (identity is decompressed for the rare
//!   client that takes neither), an ETag (a hash of the bytes: the same page
//!   after an unrelated change keeps it), in a moka cache bounded by bytes.
//!   Moka admits by TinyLFU: a new entry displaces an old one only if it is
//!   asked for more often, so a flood of one-time query strings cannot push
//!   out the pages people read. Entries also expire after `MAX_AGE`, for the
//!   pages that change with the clock (upcoming events).
//! - **Once.** Visitors who ask for a page while it is being rendered wait
//!   for that render (one render per page and version, not one per
//!   visitor): after a write, 64 connections on one page meant 64 renders
//!   at once, and a burst of searches a gigabyte of memory. Members wait
//!   likewise for a render by a member of their role. If the page is not
//!   kept (a form, a page that read its member, an error), each then
//!   renders its own; where a page was answered but could not be kept, for
//!   a minute nobody there waits for another.
//! - **Said.** `ETag`, `If-None-Match` → 304, `Cache-Control: public,
//!   max-age=0, must-revalidate` and `Vary: Accept-Encoding` (the language
//!   middleware adds `Cookie, Accept-Language`), so a reverse proxy may keep
//!   the page and revalidate it cheaply; `X-Cache: hit` or `miss` tells
//!   where an answer came from.

use super::{
    auth::{
        RequestAuth,
        reads::{self, IdentityRead, Reads},
    },
    cookies,
    links::redacted_path,
    token_holes::Holed,
};
use crate::AppState;
use acoge_domain::{Lang, accounts::Role};
use axum::{
    body::{Body, Bytes, HttpBody},
    extract::{Request, State},
    http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};
use std::{
    collections::HashMap,
    io::{Read, Write},
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};
use tokio::sync::watch;
use uuid::Uuid;

/// Longest an entry is served, whatever the version: some pages change with
/// the clock alone (an event moves from upcoming to past).
const MAX_AGE: Duration = Duration::from_secs(60);
/// Addresses remembered as not kept (`PageCache::unshared`).
const UNSHARED_ADDRESSES: u64 = 10_000;
/// Longest path and query kept: longer addresses are answered, not kept.
const MAX_KEY: usize = 1024;
/// Largest answer kept (uncompressed).
const MAX_BODY: u64 = 4 * 1024 * 1024;
/// Bytes counted for an entry besides its bodies (key, headers, bookkeeping).
const OVERHEAD: usize = 512;
/// What a page with a form protected against CSRF contains (`macros.html`).
pub const CSRF_FIELD: &[u8] = br#"<input type="hidden" name="csrf""#;
const PUBLIC: &str = "public, max-age=0, must-revalidate";
const PRIVATE: &str = "private, no-cache";
/// Headers of the rendered answer that are not replayed from an entry.
const NOT_REPLAYED: [HeaderName; 6] = [
    header::CONTENT_LENGTH,
    header::CONTENT_ENCODING,
    header::TRANSFER_ENCODING,
    header::VARY,
    header::ETAG,
    header::CACHE_CONTROL,
];
static X_CACHE: HeaderName = HeaderName::from_static("x-cache");

/// What an entry was built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Built {
    /// The data version (every page but search).
    Data(i64),
    /// How far the search index had come, and whether it was being built.
    Search(i64, bool),
}

/// Who a kept page is for. Pages carry a header that differs between
/// visitors and members; a render that checked the reader's role is kept for
/// that role, one that also read their organization for that role there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Audience {
    Visitors,
    Members,
    Role(Role),
    Organization(Role, Option<Uuid>),
}

impl Audience {
    /// Where a render that read `read` of `reader` (a member's role and
    /// organization; `None`, a visitor) is kept, if anywhere: the API has no
    /// header, so a member's answer that read nothing of them is a
    /// visitor's too.
    fn kept_for(
        reader: Option<(Role, Option<Uuid>)>,
        read: IdentityRead,
        api: bool,
    ) -> Option<Audience> {
        match (reader, read) {
            (None, _) => Some(Audience::Visitors),
            (Some(_), IdentityRead::Nothing) if api => Some(Audience::Visitors),
            (Some(_), IdentityRead::Nothing) => Some(Audience::Members),
            (Some((role, _)), IdentityRead::Role) => Some(Audience::Role(role)),
            (Some((role, org)), IdentityRead::Organization) => {
                Some(Audience::Organization(role, org))
            }
            (Some(_), IdentityRead::Member) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    lang: Lang,
    audience: Audience,
    path_and_query: Box<str>,
}

struct Entry {
    built: Built,
    /// The outbox position of the directory's analysis the page was made
    /// from, if it read one (`jobs::analysis::noting_reads`): the analysis
    /// catches up a little after a write, so such a page is kept only while
    /// its analysis is the last one.
    analysis: Option<i64>,
    /// What the render read of who was asking (`auth::reads`): a member
    /// reads a visitors' entry only if it read nothing.
    read: IdentityRead,
    etag: HeaderValue,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Kept,
}

/// A kept page's bytes.
enum Kept {
    /// The same for every reader.
    Whole {
        gzip: Bytes,
        brotli: Bytes,
        identity_len: usize,
    },
    /// With a hole wherever a form carries the reader's CSRF token, for
    /// each answer to fill (gzip only: brotli streams cannot be joined).
    Holed(Holed),
}

impl Entry {
    fn weight(&self) -> u32 {
        let headers: usize = self
            .headers
            .iter()
            .map(|(n, v)| n.as_str().len() + v.len())
            .sum();
        let body = match &self.body {
            Kept::Whole { gzip, brotli, .. } => gzip.len() + brotli.len(),
            Kept::Holed(holed) => holed.weight(),
        };
        u32::try_from(body + headers + OVERHEAD).unwrap_or(u32::MAX)
    }
}

/// The encodings a client takes, from `Accept-Encoding`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

fn accepted_encoding(headers: &HeaderMap) -> Encoding {
    let mut brotli = false;
    let mut gzip = false;
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            if refused {
                continue;
            }
            match name.as_str() {
                "br" => brotli = true,
                "gzip" | "x-gzip" => gzip = true,
                "*" => {
                    brotli = true;
                    gzip = true;
                }
                _ => {}
            }
        }
    }
    if brotli {
        Encoding::Brotli
    } else if gzip {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

/// Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks).
fn matches_etag(headers: &HeaderMap, etag: &HeaderValue) -> bool {
    let ours = etag.as_bytes();
    let ours = ours.strip_prefix(b"W/").unwrap_or(ours);
    headers.get_all(header::IF_NONE_MATCH).iter().any(|value| {
        value.as_bytes().split(|b| *b == b',').any(|tag| {
            let tag = tag.trim_ascii();
            tag == b"*" || tag.strip_prefix(b"W/").unwrap_or(tag) == ours
        })
    })
}

/// The anonymous pages of this instance, compressed, bounded by bytes.
pub struct PageCache {
    entries: moka::sync::Cache<Key, Arc<Entry>>,
    /// Compressions running at once: one per core. After a write every
    /// page misses; without a bound, 64 connections meant 64 brotli
    /// encoders at once (measured: peak memory 424 to 521 MB).
    compressing: tokio::sync::Semaphore,
    /// Pages being rendered now, each with the channel its waiters hear
    /// close when the render ends (kept, not kept, or abandoned).
    rendering: Mutex<HashMap<Key, watch::Receiver<()>>>,
    /// Addresses whose last render succeeded but could not be kept (a form,
    /// a page that read its member): readers there render at once instead
    /// of waiting for a render they cannot use. Forgotten after `MAX_AGE`.
    unshared: moka::sync::Cache<Key, ()>,
    hits: AtomicU64,
    misses: AtomicU64,
}

/// Counts since start, for logs and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheStats {
    pub hits: u64,
    pub misses: u64,
    pub entries: u64,
    pub bytes: u64,
}

/// The one render of a page under way: dropping it (when the render ends
/// or its request is abandoned) wakes every reader waiting for it.
struct RenderTurn {
    cache: Arc<PageCache>,
    key: Key,
    _done: watch::Sender<()>,
}

impl RenderTurn {
    /// The render could not be kept: the next readers of this address do
    /// not wait for one another.
    fn not_kept(self) {
        self.cache.unshared.insert(self.key.clone(), ());
    }
}

/// How a reader who missed the cache renders.
enum Turn {
    /// Renders, and those who come meanwhile wait for it.
    Mine(RenderTurn),
    /// Waits for the render under way, then looks again.
    UnderWay(watch::Receiver<()>),
    /// Renders alone: this address's renders are not kept.
    Alone,
}

impl Drop for RenderTurn {
    fn drop(&mut self) {
        self.cache
            .rendering
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.key);
    }
}

impl PageCache {
    /// A cache of at most `bytes` (none when 0).
    pub fn new(bytes: u64) -> Option<PageCache> {
        (bytes > 0).then(|| PageCache {
            entries: moka::sync::Cache::builder()
                .max_capacity(bytes)
                .weigher(|_: &Key, entry: &Arc<Entry>| entry.weight())
                .time_to_live(MAX_AGE)
                .build(),
            compressing: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, std::num::NonZero::get),
            ),
            rendering: Mutex::default(),
            unshared: moka::sync::Cache::builder()
                .max_capacity(UNSHARED_ADDRESSES)
                .time_to_live(MAX_AGE)
                .build(),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        })
    }

    /// The turn to render `key`, the render under way to wait for, or
    /// neither where renders of `key` are not kept.
    fn render_turn(self: &Arc<Self>, key: &Key) -> Turn {
        if self.unshared.contains_key(key) {
            return Turn::Alone;
        }
        // Poisoning only means a panic between two map operations: the map
        // is still whole.
        let mut rendering = self.rendering.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(under_way) = rendering.get(key) {
            return Turn::UnderWay(under_way.clone());
        }
        let (done, waiters) = watch::channel(());
        rendering.insert(key.clone(), waiters);
        Turn::Mine(RenderTurn {
            cache: Arc::clone(self),
            key: key.clone(),
            _done: done,
        })
    }

    /// Answers `read` from the cache if it may be, waiting for the render
    /// under way; otherwise the turn to render it (`None`: render alone).
    async fn kept_or_turn(
        self: &Arc<Self>,
        app: &AppState,
        read: &CachedRead,
        turn_key: &Key,
    ) -> Result<Response, Option<RenderTurn>> {
        if let Some(entry) = read.kept(app, self) {
            return Ok(read.hit(self, &entry));
        }
        match self.render_turn(turn_key) {
            Turn::Mine(turn) => Err(Some(turn)),
            Turn::Alone => Err(None),
            Turn::UnderWay(mut under_way) => {
                // Ends with the render: the sender is only ever dropped.
                let _ = under_way.changed().await;
                match read.kept(app, self) {
                    Some(entry) => Ok(read.hit(self, &entry)),
                    None => Err(None),
                }
            }
        }
    }

    pub fn stats(&self) -> CacheStats {
        self.entries.run_pending_tasks();
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            entries: self.entries.entry_count(),
            bytes: self.entries.weighted_size(),
        }
    }
}

/// Whether the request is a visitor's that the cache may answer.
fn anonymous_read(request: &Request, app: &AppState) -> bool {
    let headers = request.headers();
    (request.method() == Method::GET || request.method() == Method::HEAD)
        && !headers.contains_key(header::AUTHORIZATION)
        && cookies::get(headers, app.config.cookies.session()).is_none()
}

/// The path of the request, if answers at its address may be kept at all.
fn keepable_path(request: &Request) -> Option<String> {
    let uri = request.uri();
    let path = uri.path();
    let path_and_query = uri.path_and_query().map_or("/", |p| p.as_str());
    let keepable = path_and_query.len() <= MAX_KEY
        && path != "/healthz"
        && !path.starts_with("/static/")
        // Invitation and reset links: a secret in the path is never kept.
        && redacted_path(path) == path;
    keepable.then(|| path.to_owned())
}

/// What the answer at `path` is built from now.
async fn built_now(app: &AppState, path: &str) -> Built {
    if path == "/buscar" || path == "/api/v1/search" {
        let (applied, building) = app.search_status.version();
        Built::Search(applied, building)
    } else {
        Built::Data(app.data_version.current().await)
    }
}

fn keepable_type(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| {
            let t = t.trim_start();
            t.starts_with("text/")
                || t.starts_with("application/json")
                || t.starts_with("application/geo+json")
                || t.starts_with("image/svg+xml")
        })
}

/// Whether a rendered answer may be kept (before its body is read).
fn keepable_answer(response: &Response) -> bool {
    let headers = response.headers();
    response.status() == StatusCode::OK
        && !headers.contains_key(header::SET_COOKIE)
        && !headers.contains_key(header::CACHE_CONTROL)
        && !headers.contains_key(header::CONTENT_ENCODING)
        && keepable_type(headers)
        && response
            .body()
            .size_hint()
            .exact()
            .is_some_and(|n| n <= MAX_BODY)
}

fn set_private(response: &mut Response) {
    if response.status().is_success() && !response.headers().contains_key(header::CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(PRIVATE));
    }
}

/// A read the cache may answer: its address, what it would be built from
/// now, who asks and how the client wants it.
struct CachedRead {
    lang: Lang,
    path_and_query: Box<str>,
    api: bool,
    built: Built,
    /// A signed-in member's role; `None` for a visitor.
    role: Option<Role>,
    /// A signed-in member's organization.
    organization: Option<Uuid>,
    head: bool,
    encoding: Encoding,
    /// The request's `If-None-Match`, kept after the request moves on.
    conditional: HeaderMap,
    /// The member's CSRF token, when their request came with its cookie:
    /// what fills the holes of a page kept with its forms.
    form_token: Option<String>,
}

impl CachedRead {
    /// The read `request` asks for, built from `built`, by a member of
    /// `role` or a visitor.
    fn of(request: &Request, built: Built, role: Option<Role>) -> CachedRead {
        CachedRead {
            lang: request
                .extensions()
                .get::<Lang>()
                .copied()
                .unwrap_or_default(),
            path_and_query: request
                .uri()
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .into(),
            api: request.uri().path().starts_with("/api/"),
            built,
            role,
            organization: None,
            head: request.method() == Method::HEAD,
            encoding: accepted_encoding(request.headers()),
            conditional: request
                .headers()
                .get_all(header::IF_NONE_MATCH)
                .iter()
                .map(|v| (header::IF_NONE_MATCH, v.clone()))
                .collect(),
            form_token: None,
        }
    }

    fn key(&self, audience: Audience) -> Key {
        Key {
            lang: self.lang,
            audience,
            path_and_query: self.path_and_query.clone(),
        }
    }

    /// The kept entry this reader may have, if it is still what the page
    /// would be now: a visitor's; a member's, the one kept for every member
    /// (read nothing of them), else the one kept for their role, else the
    /// one kept for their role in their organization.
    fn kept(&self, app: &AppState, cache: &PageCache) -> Option<Arc<Entry>> {
        let current = |e: &Arc<Entry>| {
            e.built == self.built
                && e.analysis
                    .is_none_or(|p| app.analysis.position() == Some(p))
                && (self.form_token.is_some() || matches!(e.body, Kept::Whole { .. }))
        };
        // Rendered without reading the reader: for a visitor, any visitors'
        // entry; for a member, one whose render read nothing of its reader.
        let shared = Audience::kept_for(self.reader(), IdentityRead::Nothing, self.api)
            .and_then(|audience| cache.entries.get(&self.key(audience)))
            .filter(|e| current(e) && (self.role.is_none() || e.read == IdentityRead::Nothing));
        let narrower = |audience: Audience| cache.entries.get(&self.key(audience)).filter(current);
        shared.or_else(|| {
            let role = self.role?;
            narrower(Audience::Role(role))
                .or_else(|| narrower(Audience::Organization(role, self.organization)))
        })
    }

    fn reader(&self) -> Option<(Role, Option<Uuid>)> {
        self.role.map(|role| (role, self.organization))
    }

    fn hit(&self, cache: &PageCache, entry: &Entry) -> Response {
        cache.hits.fetch_add(1, Ordering::Relaxed);
        answer(entry, self, "hit", None)
    }
}

fn is_read(request: &Request) -> bool {
    request.method() == Method::GET || request.method() == Method::HEAD
}

/// The middleware: answers from the cache, or renders and keeps.
pub async fn serve(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let Some(cache) = app.page_cache.clone() else {
        return next.run(request).await;
    };
    if !anonymous_read(&request, &app) {
        let read = is_read(&request);
        let mut response = next.run(request).await;
        if read {
            set_private(&mut response);
        }
        return response;
    }
    let Some(path) = keepable_path(&request) else {
        return next.run(request).await;
    };
    // A request is not `Sync`: no reference to it may live across an await.
    let built = built_now(&app, &path).await;
    let read = CachedRead::of(&request, built, None);
    let turn = match cache
        .kept_or_turn(&app, &read, &read.key(Audience::Visitors))
        .await
    {
        Ok(hit) => return hit,
        Err(turn) => turn,
    };
    cache.misses.fetch_add(1, Ordering::Relaxed);
    let rendered = render(next, request).await;
    keep(&cache, read, rendered, turn).await
}

/// The layer for signed-in members, inside authentication (a bad token is
/// still a 401, a rate limit still counts, a page only for some still
/// refuses): a member's read is answered from the entry a member's render
/// kept when that render never read who was asking (`auth::reads`): the
/// page is then the same for every member. On the API, which has no
/// header, that entry is the visitors'. Answers still say
/// `private, no-cache`.
pub async fn serve_members(State(app): State<AppState>, request: Request, next: Next) -> Response {
    let Some(cache) = app.page_cache.clone() else {
        return next.run(request).await;
    };
    let auth = request.extensions().get::<RequestAuth>();
    let role = auth.and_then(RequestAuth::signed_in_role);
    let organization = auth.and_then(RequestAuth::signed_in_organization);
    let form_token = auth
        .filter(|a| a.has_csrf_cookie())
        .map(|a| a.form_token_unnoted(&app.config.csrf_key));
    let Some(role) = role.filter(|_| is_read(&request)) else {
        return next.run(request).await;
    };
    let Some(path) = keepable_path(&request) else {
        return next.run(request).await;
    };
    // A request is not `Sync`: no reference to it may live across an await.
    let built = built_now(&app, &path).await;
    let mut read = CachedRead::of(&request, built, Some(role));
    read.form_token = form_token;
    read.organization = organization;
    // Members of one role wait for one another's render: what it keeps
    // (for every member, or for the role) answers them all.
    let turn_key = read.key(Audience::Role(role));
    let mut response = match cache.kept_or_turn(&app, &read, &turn_key).await {
        Ok(hit) => hit,
        Err(turn) => {
            cache.misses.fetch_add(1, Ordering::Relaxed);
            let rendered = render(next, request).await;
            keep(&cache, read, rendered, turn).await
        }
    };
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(PRIVATE));
    }
    response
}

/// A rendered answer, with what it read: the analysis it was made from
/// and whether it looked at who was asking.
struct Rendered {
    response: Response,
    analysis: Option<i64>,
    reads: Reads,
}

async fn render(next: Next, request: Request) -> Rendered {
    let ((response, reads), analysis) =
        crate::jobs::analysis::noting_reads(reads::noting(next.run(request))).await;
    Rendered {
        response,
        analysis,
        reads,
    }
}

/// Keeps a rendered answer if it may be kept, and answers it; `turn`, the
/// render other visitors wait for, ends once the entry is in.
async fn keep(
    cache: &PageCache,
    read: CachedRead,
    rendered: Rendered,
    turn: Option<RenderTurn>,
) -> Response {
    let Rendered {
        response,
        analysis,
        reads,
    } = rendered;
    let audience = Audience::kept_for(read.reader(), reads.identity, read.api);
    let Some(audience) = audience.filter(|_| !read.head && keepable_answer(&response)) else {
        // A HEAD says nothing of whether the page could be kept, nor does a
        // failure (a page past its deadline must not lose its single render
        // for a minute).
        if let Some(turn) = turn.filter(|_| !read.head && response.status().is_success()) {
            turn.not_kept();
        }
        return response;
    };
    let (parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::error!(%error, "page cache: the rendered body could not be read");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    // A form's token is the reader's own: such a page is kept only with
    // holes where the token goes, for a member whose render noted it (a
    // visitor's first form sets a cookie and is never kept).
    let has_form = memchr::memmem::find(&bytes, CSRF_FIELD).is_some();
    let holes_for = match (has_form, reads.form_token, &read.form_token) {
        (false, _, _) => String::new(),
        (true, true, Some(token)) => token.clone(),
        (true, _, _) => return not_kept(parts, bytes, turn),
    };
    let headers: Vec<(HeaderName, HeaderValue)> = parts
        .headers
        .iter()
        .filter(|(name, _)| !NOT_REPLAYED.contains(name))
        .map(|(n, v)| (n.clone(), v.clone()))
        .collect();
    let kept = bytes.clone();
    // A render others wait for waits its turn to compress. One nobody waits
    // for is answered as it is while every compressor is busy: 64 members
    // rendering at once meant 64 compressions queued behind two, and a p99
    // of 500 ms.
    let permit = if turn.is_some() {
        cache.compressing.acquire().await.ok()
    } else {
        cache.compressing.try_acquire().ok()
    };
    let Some(_permit) = permit else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let compressed = tokio::task::spawn_blocking(move || compress(&kept, &holes_for)).await;
    let (etag, body) = match compressed {
        Ok(Ok(Some(compressed))) => compressed,
        // The form's token is not this reader's: nothing to fill.
        Ok(Ok(None)) => return not_kept(parts, bytes, turn),
        Ok(Err(error)) => {
            tracing::warn!(%error, "page cache: compression failed; answered uncached");
            return Response::from_parts(parts, Body::from(bytes));
        }
        Err(error) => {
            tracing::warn!(%error, "page cache: compression interrupted; answered uncached");
            return Response::from_parts(parts, Body::from(bytes));
        }
    };
    let entry = Arc::new(Entry {
        built: read.built,
        analysis,
        read: reads.identity,
        etag,
        headers,
        body,
    });
    cache.entries.insert(read.key(audience), entry.clone());
    drop(turn);
    answer(&entry, &read, "miss", Some(bytes))
}

/// A page answered but not kept: its readers render for themselves a while.
fn not_kept(
    parts: axum::http::response::Parts,
    bytes: Bytes,
    turn: Option<RenderTurn>,
) -> Response {
    if let Some(turn) = turn {
        turn.not_kept();
    }
    let mut response = Response::from_parts(parts, Body::from(bytes));
    set_private(&mut response);
    response
}

/// The ETag and compressed bytes of a body (CPU work: called off the async
/// threads): whole when `token` is empty, else with holes where it stands
/// (`None` when it stands nowhere).
fn compress(body: &[u8], token: &str) -> std::io::Result<Option<(HeaderValue, Kept)>> {
    let etag = |digest: &[u8]| {
        HeaderValue::from_str(&format!("W/\"{}\"", hex::encode(&digest[..12])))
            .map_err(std::io::Error::other)
    };
    if !token.is_empty() {
        let Some(holed) = Holed::carve(body, token.as_bytes())? else {
            return Ok(None);
        };
        let mut digest = Sha256::new();
        digest.update(holed.identity(b"\0"));
        return Ok(Some((etag(&digest.finalize())?, Kept::Holed(holed))));
    }
    let mut gzip = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 4),
        flate2::Compression::new(6),
    );
    gzip.write_all(body)?;
    let gzip = gzip.finish()?;
    // Quality 6: most of quality 11's gain on HTML at a small part of its
    // time (the first view after a write waits for it). A window no larger
    // than the body (64 KiB to 4 MiB) compresses it as well as a larger one
    // and sizes the encoder's memory to the page.
    let window_bits = (usize::BITS - body.len().leading_zeros()).clamp(16, 22);
    let mut writer = brotli::CompressorWriter::new(
        Vec::with_capacity(body.len() / 4),
        16 * 1024,
        6,
        window_bits,
    );
    writer.write_all(body)?;
    let brotli = writer.into_inner();
    let kept = Kept::Whole {
        gzip: Bytes::from(gzip),
        brotli: Bytes::from(brotli),
        identity_len: body.len(),
    };
    Ok(Some((etag(&Sha256::digest(body))?, kept)))
}

/// An answer from `entry` for `read`: 304 when the client has it, else its
/// bytes in the encoding the client takes (`identity` when already at
/// hand). A page with holes has an ETag of its own for each token.
fn answer(
    entry: &Entry,
    read: &CachedRead,
    source: &'static str,
    identity: Option<Bytes>,
) -> Response {
    let token = read.form_token.as_deref().unwrap_or_default().as_bytes();
    let etag = match &entry.body {
        Kept::Whole { .. } => entry.etag.clone(),
        Kept::Holed(_) => {
            let reader = Sha256::digest(token);
            let base = entry
                .etag
                .to_str()
                .unwrap_or_default()
                .trim_end_matches('"');
            HeaderValue::from_str(&format!("{base}-{}\"", hex::encode(&reader[..6])))
                .unwrap_or_else(|_| entry.etag.clone())
        }
    };
    let mut response = if matches_etag(&read.conditional, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let (bytes, content_encoding) = match (&entry.body, read.encoding) {
            (Kept::Whole { brotli, .. }, Encoding::Brotli) => (brotli.clone(), Some("br")),
            (Kept::Whole { gzip, .. }, Encoding::Gzip) => (gzip.clone(), Some("gzip")),
            (Kept::Holed(holed), Encoding::Brotli | Encoding::Gzip) => {
                (holed.gzip(token), Some("gzip"))
            }
            (_, Encoding::Identity) if identity.is_some() => (identity.unwrap_or_default(), None),
            (Kept::Holed(holed), Encoding::Identity) => (holed.identity(token), None),
            (
                Kept::Whole {
                    gzip, identity_len, ..
                },
                Encoding::Identity,
            ) => match gunzip(gzip, *identity_len) {
                Ok(bytes) => (bytes, None),
                Err(error) => {
                    tracing::error!(%error, "page cache: a kept page does not decompress");
                    return StatusCode::INTERNAL_SERVER_ERROR.into_response();
                }
            },
        };
        let length = bytes.len();
        let mut response = if read.head {
            Response::new(Body::empty())
        } else {
            Response::new(Body::from(bytes))
        };
        let headers = response.headers_mut();
        for (name, value) in &entry.headers {
            headers.append(name.clone(), value.clone());
        }
        if let Some(content_encoding) = content_encoding {
            headers.insert(
                header::CONTENT_ENCODING,
                HeaderValue::from_static(content_encoding),
            );
        }
        if read.head {
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
        }
        response
    };
    let headers = response.headers_mut();
    headers.insert(header::ETAG, etag);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(PUBLIC));
    headers.append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    headers.insert(X_CACHE.clone(), HeaderValue::from_static(source));
    response
}

fn gunzip(gzip: &[u8], length: usize) -> std::io::Result<Bytes> {
    let mut out = Vec::with_capacity(length);
    flate2::read::GzDecoder::new(gzip).read_to_end(&mut out)?;
    Ok(Bytes::from(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    #[test]
    fn the_best_encoding_the_client_takes() {
        let enc = |v: &str| accepted_encoding(&headers(&[("accept-encoding", v)]));
        assert_eq!(enc("gzip, deflate, br"), Encoding::Brotli);
        assert_eq!(enc("gzip"), Encoding::Gzip);
        assert_eq!(enc("br;q=0, gzip;q=0.5"), Encoding::Gzip);
        assert_eq!(enc("identity"), Encoding::Identity);
        assert_eq!(enc("*"), Encoding::Brotli);
        assert_eq!(accepted_encoding(&HeaderMap::new()), Encoding::Identity);
    }

    #[test]
    fn etags_compare_weakly() {
        let etag = HeaderValue::from_static("W/\"abc\"");
        assert!(matches_etag(
            &headers(&[("if-none-match", "W/\"abc\"")]),
            &etag
        ));
        assert!(matches_etag(
            &headers(&[("if-none-match", "\"x\", \"abc\"")]),
            &etag
        ));
        assert!(matches_etag(&headers(&[("if-none-match", "*")]), &etag));
        assert!(!matches_etag(
            &headers(&[("if-none-match", "\"abd\"")]),
            &etag
        ));
        assert!(!matches_etag(&HeaderMap::new(), &etag));
    }

    #[test]
    fn compressed_bodies_come_back_whole() {
        let body = "<p>Hola</p>".repeat(500);
        let Some((etag, Kept::Whole { gzip, brotli, .. })) = compress(body.as_bytes(), "").unwrap()
        else {
            panic!("a page without a token is kept whole");
        };
        assert!(etag.to_str().unwrap().starts_with("W/\""));
        assert!(gzip.len() < body.len() / 10 && brotli.len() < body.len() / 10);
        assert_eq!(gunzip(&gzip, body.len()).unwrap(), body.as_bytes());
        let mut out = Vec::new();
        brotli::Decompressor::new(&brotli[..], 4096)
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, body.as_bytes());
    }
}
