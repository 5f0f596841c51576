//! What the HTTP tests share: an application of their own ([`spawn_app`]),
//! and the ways to talk to it: [`TestApp::get`] for plain requests,
//! [`Browser`] for forms (cookies and CSRF tokens), [`Api`] for the JSON API
//! with a bearer token; members and tokens made directly in the store; an
//! SMTP relay that keeps what it is sent ([`smtp_sink`]).
//!
//! Every test gets its own server on a random port, over its own database
//! (an SQLite file, or a PostgreSQL database of its own), so no test can
//! change what another one sees. Each starts from a copy of a template made
//! once per backend and test run: the reference data and the services file,
//! imported the way `acoge serve` does, and the search index built from them,
//! copied too so that an app opens it instead of building it again.

use acoge_domain::{
    Timestamp,
    accounts::{Email, Role},
};
use acoge_formats::reference::ReferenceFiles;
use acoge_store::{
    Backend, Db, NewMember,
    scratch::{ScratchDatabase, Template, scratch_path},
};
use acoge_web::{
    AppState, Options,
    auth::{password, secrets},
};
use serde_json::Value;
use std::{
    collections::HashMap,
    path::{Path, PathBuf},
    sync::{Arc, Mutex, OnceLock},
    time::Duration,
};
use tokio::sync::{OnceCell, oneshot};
use uuid::Uuid;

/// One application for one test: a server on a random port of 127.0.0.1,
/// running in the test's runtime, over a database nobody else uses. Dropping
/// it stops the server and removes its database and search index.
pub(crate) struct TestApp {
    /// `http://127.0.0.1:PORT`, which paths follow.
    pub(crate) base: String,
    /// The application's own pool on its database (`db.backend()` tells
    /// which backend the test runs on).
    pub(crate) db: Db,
    shutdown: Option<oneshot::Sender<()>>,
    scratch: Option<ScratchDatabase>,
    search_dir: PathBuf,
}

/// An application with the default options.
pub(crate) async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, Options::default()).await
}

/// An application with these options, except two the tests set: log-in
/// delays of a millisecond, and the search index in a folder of the app's
/// own (a copy of the template's).
pub(crate) async fn spawn_app_with(backend: Backend, options: Options) -> TestApp {
    let template = template(backend).await;
    let scratch = ScratchDatabase::from_template(&template.database)
        .await
        .unwrap_or_else(|e| panic!("cannot create a {backend:?} database: {e}"));
    let search_dir = scratch_path("search");
    copy_folder(&template.search_index, &search_dir);
    let db = scratch.db.clone();
    start(db, options, search_dir, Some(scratch)).await.0
}

/// Another instance of `first`'s application, as a second server of one
/// deployment: its own pool on the same database, its own search index (a
/// copy of the template's) and page cache. Answers its state too, for what
/// only the instance knows (its data version).
pub(crate) async fn spawn_instance(first: &TestApp, options: Options) -> (TestApp, AppState) {
    let template = template(first.db.backend()).await;
    let url = &first.scratch.as_ref().unwrap().url;
    let db = Db::connect(url).await.unwrap();
    let search_dir = scratch_path("search");
    copy_folder(&template.search_index, &search_dir);
    start(db, options, search_dir, None).await
}

/// An application over a fresh database whose search index is missing, so
/// it is built in the background after the server listens; answers its
/// state too, to wait for the build.
pub(crate) async fn spawn_app_without_index(
    backend: Backend,
    options: Options,
) -> (TestApp, AppState) {
    let template = template(backend).await;
    let scratch = ScratchDatabase::from_template(&template.database)
        .await
        .unwrap_or_else(|e| panic!("cannot create a {backend:?} database: {e}"));
    let options = Options {
        wait_for_search_index: false,
        ..options
    };
    let db = scratch.db.clone();
    start(db, options, scratch_path("search"), Some(scratch)).await
}

/// Starts the application on `db` with the tests' settings (log-in delays
/// of a millisecond, the index in `search_dir`) on a random port.
async fn start(
    db: Db,
    options: Options,
    search_dir: PathBuf,
    scratch: Option<ScratchDatabase>,
) -> (TestApp, AppState) {
    let options = Options {
        login_delay: Duration::from_millis(1),
        search_dir: Some(search_dir.clone()),
        ..options
    };
    let state = AppState::new(db.clone(), options).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (shutdown, stopped) = oneshot::channel::<()>();
    let serving = state.clone();
    tokio::spawn(async move {
        let stopped = async {
            let _ = stopped.await;
        };
        acoge_web::serve(listener, serving, stopped).await.unwrap();
    });
    let app = TestApp {
        base: format!("http://{address}"),
        db,
        shutdown: Some(shutdown),
        scratch,
        search_dir,
    };
    (app, state)
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Requests in flight finish; the runtime's end stops the rest.
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(scratch) = self.scratch.take() {
            scratch.remove_blocking();
        }
        let _ = std::fs::remove_dir_all(&self.search_dir);
    }
}

/// What a new application copies: the database, and the search index built
/// from it (which knows the database by an id stored in it, so it is taken
/// as up to date, not rebuilt). Both last as long as the test run; a later
/// run removes them once they are an hour old (see `acoge_store::scratch`).
struct AppTemplate {
    database: Template,
    search_index: PathBuf,
}

/// The template of `backend`, made by the first test that asks (the others
/// wait for it).
async fn template(backend: Backend) -> &'static AppTemplate {
    static SQLITE: OnceLock<AppTemplate> = OnceLock::new();
    static POSTGRES: OnceLock<AppTemplate> = OnceLock::new();
    let cell = match backend {
        Backend::Sqlite => &SQLITE,
        Backend::Postgres => &POSTGRES,
    };
    match cell.get() {
        Some(template) => template,
        None => tokio::task::spawn_blocking(move || cell.get_or_init(|| make_template(backend)))
            .await
            .unwrap(),
    }
}

/// Fills a template on a runtime of its own, whose end stops what the
/// application started (the search follower, housekeeping) and so releases
/// the index before it is copied.
fn make_template(backend: Backend) -> AppTemplate {
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let search_index = scratch_path("search");
        let dir = search_index.clone();
        let database = runtime
            .block_on(Template::build(backend, |db| async move {
                let files = ReferenceFiles::embedded();
                db.import_reference(&files.parse().unwrap(), &files.digest(), &|_| {})
                    .await
                    .unwrap();
                import_services(&db).await;
                let options = Options {
                    search_dir: Some(dir),
                    wait_for_search_index: true,
                    ..Options::default()
                };
                drop(AppState::new(db, options).await.unwrap());
            }))
            .unwrap_or_else(|e| panic!("cannot make the {backend:?} template: {e}"));
        drop(runtime);
        AppTemplate {
            database,
            search_index,
        }
    })
    .join()
    .unwrap()
}

/// The shipped services file, read and stored the way `acoge serve` does
/// (`acoge import services`): parsed against the places in the database, then
/// `import_directory`.
async fn import_services(db: &Db) {
    use acoge_formats::services;
    let text = services::embedded_services();
    let (states, municipalities) = db.known_places().await.unwrap();
    let data = services::parse_services(
        services::SERVICES_FILE,
        text,
        &services::Places {
            states,
            municipalities,
        },
    )
    .unwrap();
    db.import_directory(&data, &acoge_formats::reference::digest_of(text), &|_| {})
        .await
        .unwrap();
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

/// An answer read whole.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) body: String,
}

impl Answer {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

impl TestApp {
    /// The address of `path` on this app.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GETs `path` with these headers, following no redirect.
    pub(crate) async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Answer {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut request = client.get(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.text().await.unwrap();
        Answer {
            status,
            headers,
            body,
        }
    }

    /// The body of `path` as sent (compressed if the headers ask for it).
    pub(crate) async fn get_bytes(&self, path: &str, headers: &[(&str, &str)]) -> Vec<u8> {
        let client = reqwest::Client::new();
        let mut request = client.get(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
            .to_vec()
    }
}

/// The password of every account made by [`account`].
pub(crate) const PASSWORD: &str = "una frase bastante larga";

pub(crate) struct Account {
    pub(crate) id: Uuid,
    pub(crate) email: String,
}

/// A member of no organization, with [`PASSWORD`].
pub(crate) async fn account(db: &Db, role: Role) -> Account {
    account_in(db, role, None).await
}

/// A member with [`PASSWORD`] and a fresh address.
pub(crate) async fn account_in(db: &Db, role: Role, organization_id: Option<Uuid>) -> Account {
    let email = format!("{}@example.org", Uuid::now_v7().simple());
    let id = db
        .create_member(
            &NewMember {
                email: &Email::parse("email", &email).unwrap(),
                display_name: &format!("Persona {}", role.slug()),
                organization_id,
                role,
                password_hash: password_hash().await,
            },
            None,
        )
        .await
        .unwrap();
    Account { id, email }
}

/// The hash of [`PASSWORD`], computed once: a hash takes a core for a while
/// on purpose, and some tests make hundreds of accounts.
async fn password_hash() -> &'static str {
    static HASH: OnceCell<String> = OnceCell::const_new();
    HASH.get_or_init(|| async { password::hash_password(PASSWORD.into()).await.unwrap() })
        .await
}

/// A member and an API token of theirs.
pub(crate) async fn token(db: &Db, role: Role, org: Option<Uuid>) -> (Uuid, String) {
    let member = account_in(db, role, org).await;
    let token = secrets::new_api_token().unwrap();
    db.create_api_token(member.id, "t", &secrets::hash_secret(&token))
        .await
        .unwrap();
    (member.id, token)
}

/// Now plus `seconds` (minus, if negative).
pub(crate) fn in_seconds(seconds: i64) -> Timestamp {
    Timestamp::from_micros(Timestamp::now().as_micros() + seconds * 1_000_000)
}

/// A cookie-keeping client that reads CSRF tokens from the pages it loads.
pub(crate) struct Browser {
    base: String,
    client: reqwest::Client,
    cookies: HashMap<String, String>,
    token: String,
}

pub(crate) struct Page {
    pub(crate) status: u16,
    pub(crate) location: String,
    pub(crate) body: String,
    pub(crate) set_cookies: Vec<String>,
}

impl Browser {
    /// A visitor of `app`, signed in to nothing.
    pub(crate) fn new(app: &TestApp) -> Self {
        Self {
            base: app.base.clone(),
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: HashMap::new(),
            token: String::new(),
        }
    }

    /// Signs in by creating a session directly in the store.
    pub(crate) async fn signed_in(app: &TestApp, member: Uuid) -> Self {
        let mut browser = Self::new(app);
        let secret = secrets::new_secret().unwrap();
        app.db
            .create_session(&secrets::hash_secret(&secret), member, in_seconds(3600))
            .await
            .unwrap();
        browser.cookies.insert("acoge_session".into(), secret);
        browser
    }

    /// The CSRF token of the last page that had one.
    pub(crate) fn csrf_token(&self) -> &str {
        &self.token
    }

    pub(crate) fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn absorb(&mut self, response: reqwest::Response) -> Page {
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let set_cookies: Vec<String> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        for cookie in &set_cookies {
            let pair = cookie.split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let body = response.text().await.unwrap();
        if let Some(start) = body.find("name=\"csrf\" value=\"") {
            let rest = &body[start + 19..];
            self.token = rest[..rest.find('"').unwrap()].to_owned();
        }
        Page {
            status,
            location,
            body,
            set_cookies,
        }
    }

    pub(crate) async fn get(&mut self, path: &str) -> Page {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.absorb(response).await
    }

    /// Creates a working group through its form (an administrator's
    /// browser): "Salud", in both languages, at `slug`.
    pub(crate) async fn new_group(&mut self, slug: &str) -> Page {
        self.get("/grupos/nuevo").await;
        self.post(
            "/grupos/nuevo",
            &[
                ("slug", slug),
                ("name_es", "Salud"),
                ("name_en", "Health"),
                ("description_es", "Acceso a la salud"),
                ("description_en", "Access to health"),
            ],
        )
        .await
    }

    /// Posts a form with the CSRF token of the last page loaded.
    pub(crate) async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.token.clone();
        let mut all: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    /// Posts these fields and nothing else (no CSRF token of its own).
    pub(crate) async fn post_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(serde_urlencoded::to_string(fields).unwrap())
            .send()
            .await
            .unwrap();
        self.absorb(response).await
    }
}

/// A client of the JSON API.
pub(crate) struct Api {
    pub(crate) base: String,
    client: reqwest::Client,
}

impl Api {
    pub(crate) fn new(app: &TestApp) -> Self {
        Self {
            base: app.base.clone(),
            client: reqwest::Client::new(),
        }
    }

    /// Sends `body` as JSON, with `token` as bearer; answers the status and
    /// the body (as JSON, or as a JSON string when it is not JSON).
    pub(crate) async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let url = format!("{}{path}", self.base);
        let mut request = match method {
            "GET" => self.client.get(&url),
            "PATCH" => self.client.patch(&url),
            _ => self.client.post(&url),
        };
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
}

/// The public address of the apps these tests start with a relay.
pub(crate) const SITE: &str = "http://acoge.example.org";

/// A minimal SMTP relay that accepts every message and keeps it: its URL,
/// and the messages. It runs in the test's runtime and ends with it.
pub(crate) async fn smtp_sink() -> (String, Arc<Mutex<Vec<String>>>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let messages = Arc::new(Mutex::new(Vec::new()));
    let kept = messages.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let kept = kept.clone();
            tokio::spawn(async move {
                let (reader, mut writer) = stream.into_split();
                let mut reader = BufReader::new(reader);
                let _ = writer.write_all(b"220 sink ESMTP\r\n").await;
                let mut data: Option<String> = None;
                let mut line = String::new();
                while reader.read_line(&mut line).await.unwrap_or(0) > 0 {
                    let reply: &[u8] = if let Some(body) = data.as_mut() {
                        if line == ".\r\n" {
                            kept.lock().unwrap().push(std::mem::take(body));
                            data = None;
                            b"250 queued\r\n"
                        } else {
                            body.push_str(&line);
                            b""
                        }
                    } else {
                        let command = line.to_ascii_uppercase();
                        if command.starts_with("EHLO") || command.starts_with("HELO") {
                            b"250 sink\r\n"
                        } else if command.starts_with("DATA") {
                            data = Some(String::new());
                            b"354 go on\r\n"
                        } else if command.starts_with("QUIT") {
                            let _ = writer.write_all(b"221 bye\r\n").await;
                            break;
                        } else {
                            b"250 OK\r\n"
                        }
                    };
                    if !reply.is_empty() {
                        let _ = writer.write_all(reply).await;
                    }
                    line.clear();
                }
            });
        }
    });
    (url, messages)
}
