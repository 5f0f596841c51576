//! Every page type stays small and does a bounded amount of work at a size
//! CI can afford: a demo corpus of a few thousand practices and
//! organizations, served by the real binary. Work is counted, not timed:
//! the server logs each SQL statement (`sqlx::query` at trace) inside the
//! span of the request that ran it, and the test counts them per request.

use super::{KillOnDrop, acoge, stderr};
use serde_json::Value;
use std::{
    collections::BTreeMap,
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    sync::mpsc::Receiver,
    time::{Duration, Instant},
};

/// The page budget of the house rules: 14 KB compressed, HTML and CSS.
const BUDGET: usize = 14 * 1024;
/// Statements one anonymous request may run, whatever the corpus size. The
/// richest page, an organization's, runs 14: its record, place and state,
/// a page of its practices (4), its directory entry (3), the names of its
/// territories, a page of its services (2) and its alliances. A query per
/// listed item would pass this at once.
const MAX_STATEMENTS: usize = 16;
/// An API answer is not a page, but a page of records is bounded too.
const API_BUDGET: usize = 64 * 1024;
/// The corpus: big enough that a page listing everything, or a query per
/// item, breaks the budgets above.
const PRACTICES: &str = "2000";
const ORGANIZATIONS: &str = "2000";

/// A server whose JSON log lines arrive through `lines`.
struct LoggedServer {
    port: u16,
    lines: Receiver<String>,
    _process: KillOnDrop,
}

fn serve_logged(dir: &std::path::Path, database: Option<&str>) -> LoggedServer {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_acoge"));
    command.arg("--data-dir").arg(dir);
    if let Some(database) = database {
        command.args(["--database", database]);
    }
    let mut child = command
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .env_remove("ACOGE_DATABASE_URL")
        .env(
            "ACOGE_LOG",
            "warn,acoge_web=debug,tower_http=debug,sqlx::query=trace",
        )
        .env("ACOGE_LOG_FORMAT", "json")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let process = KillOnDrop(child);
    let (tx, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let started = Instant::now();
    while get(port, "/healthz").0 != 200 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the server never answered /healthz"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    LoggedServer {
        port,
        lines,
        _process: process,
    }
}

/// GET `path` asking for gzip: status, the bytes as sent, and the text.
fn get(port: u16, path: &str) -> (u16, usize, String) {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return (0, 0, String::new());
    };
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(response.len());
    let head = String::from_utf8_lossy(&response[..split]).to_lowercase();
    let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut body = response.get(split + 4..).unwrap_or_default().to_vec();
    if head.contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    let sent = body.len();
    let text = if head.contains("content-encoding: gzip") {
        let mut text = String::new();
        flate2::read::GzDecoder::new(&body[..])
            .read_to_string(&mut text)
            .unwrap();
        text
    } else {
        String::from_utf8_lossy(&body).into_owned()
    };
    (status, sent, text)
}

fn dechunk(mut body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = body.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&body[..end])
                .split(';')
                .next()
                .unwrap_or("0")
                .trim(),
            16,
        )
        .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = end + 2;
        out.extend_from_slice(&body[start..start + size]);
        body = &body[start + size + 2..];
    }
    out
}

/// Statements the server ran for one request to `path`: log lines are read
/// until the request's own "finished processing request" line, which the
/// server writes after every statement of that request.
fn statements_of(server: &LoggedServer, path: &str) -> usize {
    let mut statements = 0;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let line = server
            .lines
            .recv_timeout(deadline.saturating_duration_since(Instant::now()))
            .unwrap_or_else(|_| panic!("no end-of-request log line for {path}"));
        let Ok(event) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        let in_request = event["spans"].as_array().is_some_and(|spans| {
            spans
                .iter()
                .any(|s| s["name"] == "request" && s["path"] == path.split('?').next().unwrap())
        });
        if !in_request {
            continue;
        }
        if event["target"] == "sqlx::query" {
            statements += 1;
        } else if event["fields"]["message"] == "finished processing request" {
            return statements;
        }
    }
}

fn json(port: u16, path: &str) -> Value {
    let (status, _, text) = get(port, path);
    assert_eq!(status, 200, "{path}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"))
}

fn first_id(port: u16, path: &str, field: &str) -> String {
    let answer = json(port, path);
    let items = answer.get("items").unwrap_or(&answer);
    items[0][field]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("{path} has no {field}: {answer}"))
}

/// The address of one page of each type, and of each API list.
fn addresses(port: u16) -> Vec<String> {
    let practice = first_id(port, "/api/v1/practices?per_page=1", "id");
    let organization = first_id(port, "/api/v1/organizations?per_page=1", "id");
    let instrument = first_id(port, "/api/v1/legal-instruments", "id");
    let provision = first_id(port, "/api/v1/provisions?per_page=1", "id");
    let mut addresses: Vec<String> = [
        "/",
        "/acerca",
        "/criterios",
        "/estados",
        "/estados/07",
        "/municipios",
        "/municipios?estado=07",
        "/municipios/07089",
        "/municipios/07089/mandato",
        "/municipios/07089/servicios",
        "/municipios/07089/aliados-posibles",
        "/organizaciones",
        "/organizaciones?page=20",
        "/servicios",
        "/alianzas",
        "/red",
        "/mapa",
        "/eventos",
        "/discusiones",
        "/grupos",
        "/marco-de-colaboracion",
        "/marco-legal",
        "/practicas",
        "/practicas?page=50",
        "/practicas?estado=07",
        "/armonizacion",
        "/responsabilidades",
        "/buscar?q=albergue",
        "/entrar",
        "/api/v1/practices",
        "/api/v1/organizations",
        "/api/v1/services",
        "/api/v1/alliances",
        "/api/v1/network",
        "/api/v1/municipalities",
        "/api/v1/provisions",
        "/api/v1/search?q=albergue",
        "/api/v1/hsds/organizations",
        "/api/v1/hsds/services",
    ]
    .map(str::to_owned)
    .to_vec();
    addresses.extend([
        format!("/practicas/{practice}"),
        format!("/practicas/{practice}/historial"),
        format!("/organizaciones/{organization}"),
        format!("/marco-legal/instrumentos/{instrument}"),
        format!("/marco-legal/disposiciones/{provision}"),
    ]);
    addresses
}

/// Waits until the background work of a first start (search index, the
/// directory's analyses) is done, as it would be on a running instance.
fn settled(port: u16) {
    let started = Instant::now();
    loop {
        let (status, _, body) = get(port, "/healthz");
        if status == 200 && !body.contains("building") && !body.contains("computing") {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "background work never finished: {body}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn check_corpus(dir: &std::path::Path, database: Option<&str>) {
    let mut args = vec![];
    if let Some(database) = database {
        args.extend(["--database", database]);
    }
    args.extend([
        "demo-corpus",
        "--practices",
        PRACTICES,
        "--organizations",
        ORGANIZATIONS,
    ]);
    let output = acoge(dir, &args);
    assert!(output.status.success(), "{}", stderr(&output));
    let server = serve_logged(dir, database);
    settled(server.port);
    let css_bytes = {
        let (_, home_bytes, home) = get(server.port, "/");
        assert!(home_bytes > 0);
        let css = home
            .split("href=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .find(|href| href.ends_with(".css"))
            .expect("the home page links its style sheet")
            .to_owned();
        get(server.port, &css).1
    };
    // Drain what the first requests logged.
    while server.lines.try_recv().is_ok() {}

    let mut problems = Vec::new();
    let mut measured = BTreeMap::new();
    for address in addresses(server.port) {
        // The first request of an address (no cache holds it yet).
        let (status, bytes, body) = get(server.port, &address);
        let statements = statements_of(&server, &address);
        measured.insert(address.clone(), (bytes, statements));
        if status != 200 {
            problems.push(format!("{address}: HTTP {status}: {body:.200}"));
        }
        if address.starts_with("/api/") {
            if bytes > API_BUDGET {
                problems.push(format!(
                    "{address}: {bytes} B compressed, over {API_BUDGET} B"
                ));
            }
        } else if bytes + css_bytes > BUDGET {
            problems.push(format!(
                "{address}: {} B compressed (HTML and CSS), over {BUDGET} B",
                bytes + css_bytes
            ));
        }
        if statements > MAX_STATEMENTS {
            problems.push(format!(
                "{address}: {statements} SQL statements, over {MAX_STATEMENTS}"
            ));
        }
    }
    eprintln!("bytes compressed and SQL statements per address: {measured:#?}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_page_type_is_small_and_runs_few_statements_at_a_few_thousand_records() {
    let dir = tempfile::tempdir().unwrap();
    check_corpus(dir.path(), None);
    let Ok(base) = std::env::var("ACOGE_TEST_DATABASE_URL") else {
        return;
    };
    let name = format!("acoge_scale_{}", std::process::id());
    let admin = |sql: &str| {
        Command::new("psql")
            .args([base.as_str(), "-q", "-c", sql])
            .output()
            .expect("psql runs")
    };
    admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    assert!(admin(&format!("CREATE DATABASE {name}")).status.success());
    let database = match base.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{name}"),
        None => panic!("unexpected URL {base}"),
    };
    let pg_dir = tempfile::tempdir().unwrap();
    check_corpus(pg_dir.path(), Some(&database));
    admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
}
