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
    // First, before the allocator has asked for its first pages.
    let huge_pages = without_transparent_huge_pages();
    let cli = cli::Cli::parse();
    init_logging();
    if let Err(error) = huge_pages {
        tracing::debug!(%error, "transparent huge pages stay as the system sets them");
    }
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

/// Turns transparent huge pages off for this process. mimalloc asks the
/// kernel for 2 MiB pages; each first touch of one zeroes all of it, and
/// every buffer freed and asked for again (an encoder per page rendered
/// after a write) was touched anew: measured at 100,000 practices, the
/// first view after a write took 100 to 200 ms, now under 40, and the peak
/// resident size fell from 315 to 200 MB.
fn without_transparent_huge_pages() -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no
        // memory of this process; it only changes how later faults are served.
        let result = unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
        if result != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
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
