//! The `acoge` binary: a thin command line over the library crates.

mod accounts;
mod bench;
mod cli;
mod demo_corpus;
mod import;
mod reindex;
mod serve;

use clap::Parser;
use std::process::ExitCode;

/// mimalloc instead of glibc's malloc: the directory's analysis is rebuilt
/// on a worker thread after writes, and glibc's per-thread arenas kept the
/// freed results (about 10 MB per rebuild at 100,000 practices) while
/// mimalloc returns them, keeping `acoge serve` within its memory budget.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("acoge: error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cli::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("acoge: error: {failure}");
            ExitCode::from(failure.exit_code())
        }
    }
}

/// Structured logs on stderr; `ACOGE_LOG` filters (default: info), and
/// `ACOGE_LOG_FORMAT=json` writes one JSON object per line.
fn init_logging() {
    use tracing_subscriber::{EnvFilter, fmt};
    let filter = EnvFilter::try_from_env("ACOGE_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if std::env::var("ACOGE_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.compact().init();
    }
}
