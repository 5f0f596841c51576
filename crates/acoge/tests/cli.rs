//! The command line as people use it: exit codes, one-line errors, imports
//! that are all or nothing, and a server that stops gracefully.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Output, Stdio},
    time::{Duration, Instant},
};

/// Kills a spawned server when the test ends, even when an assertion fails,
/// so a failing test never leaves a process holding the harness's pipes.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn acoge(data_dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_acoge"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("ACOGE_DATABASE_URL")
        .env("ACOGE_LOG", "warn")
        .output()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn assert_one_clear_line(output: &Output, code: i32, needle: &str) {
    let text = stderr(output);
    assert_eq!(output.status.code(), Some(code), "{text}");
    let lines: Vec<_> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "exactly one line: {text}");
    assert!(
        lines[0].starts_with("acoge: error: ") && lines[0].contains(needle),
        "{text}"
    );
    assert!(
        !text.contains("panicked") && !text.contains("backtrace"),
        "{text}"
    );
}

#[test]
fn a_malformed_database_url_is_one_line_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let output = acoge(
        dir.path(),
        &["--database", "mysql://localhost/x", "migrate"],
    );
    assert_one_clear_line(&output, 2, "invalid database URL");
}

#[test]
fn an_unreachable_database_is_one_line_and_exit_code_2_without_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let output = acoge(
        dir.path(),
        &[
            "--database",
            "postgres://acoge:secret@127.0.0.1:1/acoge",
            "migrate",
        ],
    );
    assert_one_clear_line(&output, 2, "cannot connect to the database");
    assert!(!stderr(&output).contains("secret"));
}

#[test]
fn migrate_creates_the_sqlite_database_in_the_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let output = acoge(&dir.path().join("nested"), &["migrate"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(dir.path().join("nested/acoge.db").exists());
}

#[test]
fn importing_twice_changes_nothing_and_a_bad_row_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let shipped = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data");
    for name in acoge_formats::reference::FILES {
        std::fs::copy(format!("{shipped}/{name}"), data.join(name)).unwrap();
    }
    let municipalities = std::fs::read_to_string(data.join("mx_municipios.csv")).unwrap();
    let broken = municipalities.replacen(",353706,", ",muchos,", 1);
    let bad_line = broken.lines().position(|l| l.contains("muchos")).unwrap() + 1;
    std::fs::write(data.join("mx_municipios.csv"), broken).unwrap();
    let from = data.to_str().unwrap();

    let failed = acoge(dir.path(), &["import", "reference", "--from", from]);
    assert_one_clear_line(
        &failed,
        3,
        &format!("mx_municipios.csv, line {bad_line}, column poblacion_2020"),
    );
    assert!(stderr(&failed).contains("nothing was imported"));

    std::fs::write(data.join("mx_municipios.csv"), municipalities).unwrap();
    let first = acoge(dir.path(), &["import", "reference", "--from", from]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stderr(&first).contains("imported 2733 reference records"),
        "{}",
        stderr(&first)
    );
    let second = acoge(dir.path(), &["import", "reference", "--from", from]);
    assert!(second.status.success());
    assert!(
        stderr(&second).contains("already up to date; nothing changed"),
        "{}",
        stderr(&second)
    );
}

#[test]
fn a_missing_data_folder_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let output = acoge(
        dir.path(),
        &["import", "reference", "--from", "/no/such/folder"],
    );
    assert_one_clear_line(&output, 3, "/no/such/folder/mx_estados.csv");
}

#[test]
fn serve_loads_the_reference_data_answers_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_acoge"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .env_remove("ACOGE_DATABASE_URL")
        .env("ACOGE_LOG", "info")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut child = KillOnDrop(child);
    let started = Instant::now();
    let mut log = String::new();
    while started.elapsed() < Duration::from_secs(60) {
        let Some(Ok(line)) = lines.next() else { break };
        log.push_str(&line);
        log.push('\n');
        if line.contains("serving on") {
            break;
        }
    }
    assert!(log.contains("imported 2733 reference records"), "{log}");
    assert!(log.contains("12 example practices loaded"), "{log}");
    let response = http_get(port, "/api/v1/municipalities/07089");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"population\":353706"));
    let practices = http_get(port, "/api/v1/practices?per_page=100");
    assert!(practices.contains("\"total\":12"), "{practices}");
    assert!(
        practices.contains("\"is_example\":true") && practices.contains("\"status\":\"publicada\"")
    );
    let saltillo = http_get(port, "/municipios/05030");
    assert!(
        saltillo.contains("Programa de Integración Local del ACNUR"),
        "the municipality page lists its practices"
    );

    let killed = Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.0.wait().unwrap();
    assert!(status.success(), "a graceful stop exits 0: {status:?}");
    let rest: String = lines.map_while(Result::ok).collect::<Vec<_>>().join("\n");
    assert!(
        rest.contains("shutdown requested") && rest.contains("stopped"),
        "{rest}"
    );
}

fn http_get(port: u16, path: &str) -> String {
    http_get_with(port, path, "")
}

fn acoge_with_stdin(data_dir: &std::path::Path, args: &[&str], stdin: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_acoge"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("ACOGE_DATABASE_URL")
        .env("ACOGE_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn the_first_administrator_and_a_token_come_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let add = [
        "user",
        "add",
        "Admin@Example.org",
        "--role",
        "administrador",
        "--name",
        "Primera",
    ];
    let short = acoge_with_stdin(dir.path(), &add, "corta\n");
    assert_one_clear_line(&short, 1, "at least 12 characters");
    let bad_role = acoge_with_stdin(
        dir.path(),
        &["user", "add", "a@example.org", "--role", "jefa"],
        "una frase larga\n",
    );
    assert_one_clear_line(&bad_role, 1, "--role");
    let created = acoge_with_stdin(dir.path(), &add, "una frase bastante larga\n");
    assert!(created.status.success(), "{}", stderr(&created));
    assert!(stderr(&created).contains("created admin@example.org (administrador)"));
    let again = acoge_with_stdin(dir.path(), &add, "una frase bastante larga\n");
    assert_one_clear_line(&again, 1, "already exists");

    let token = acoge(
        dir.path(),
        &["token", "create", "admin@example.org", "--name", "script"],
    );
    assert!(token.status.success(), "{}", stderr(&token));
    let printed = String::from_utf8(token.stdout).unwrap();
    let printed = printed.trim();
    assert!(
        printed.starts_with("acoge_") && printed.len() == 70,
        "{printed}"
    );
    let nobody = acoge(dir.path(), &["token", "create", "nadie@example.org"]);
    assert_one_clear_line(&nobody, 1, "no member with email nadie@example.org");

    // The token works against the server on the same database.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_acoge"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .env_remove("ACOGE_DATABASE_URL")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let _server = KillOnDrop(child);
    for line in lines.by_ref() {
        if line.unwrap().contains("serving on") {
            break;
        }
    }
    let me = http_get_with(
        port,
        "/api/v1/me",
        &format!("Authorization: Bearer {printed}\r\n"),
    );

    assert!(me.starts_with("HTTP/1.1 200"), "{me}");
    assert!(me.contains("\"role\":\"administrador\"") && me.contains("admin@example.org"));
}

fn http_get_with(port: u16, path: &str, headers: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\n{headers}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}
