//! Commands, options and the errors they end with.

use crate::{accounts, bench, import, reindex, serve};
use acoge_store::{Db, StoreError};
use clap::{Parser, Subcommand};
use std::{net::SocketAddr, path::PathBuf};

#[derive(Parser)]
#[command(
    name = "acoge",
    version,
    about = "Acoge: community of practice for the inclusion of migrant people in Mexican cities"
)]
pub struct Cli {
    /// Where Acoge keeps its files (the SQLite database by default).
    #[arg(
        long,
        env = "ACOGE_DATA_DIR",
        default_value = "./acoge-data",
        global = true
    )]
    data_dir: PathBuf,
    /// sqlite://PATH or postgres://USER@HOST/DB; default: sqlite in the data folder.
    #[arg(long, env = "ACOGE_DATABASE_URL", global = true)]
    database: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the site and the API (applies migrations and loads reference data first).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "ACOGE_ADDR", default_value = "127.0.0.1:8080")]
        addr: SocketAddr,
        /// The address people use (e.g. https://acoge.example.org): every
        /// emailed link starts with it; over https, cookies are Secure and
        /// `__Host-` prefixed and HSTS is sent.
        #[arg(long, env = "ACOGE_PUBLIC_URL")]
        public_url: Option<String>,
        /// An SMTP relay (smtp://host:port) to email invitations and reset
        /// links (needs --public-url); without it, links are only shown to
        /// whoever creates them.
        #[arg(long, env = "ACOGE_SMTP_URL")]
        smtp_url: Option<String>,
        /// A reverse proxy (an address or a CIDR range, repeatable) whose
        /// X-Forwarded-For header names the client; from anyone else the
        /// header is ignored. Comma-separated in ACOGE_TRUSTED_PROXY.
        #[arg(
            long = "trusted-proxy",
            env = "ACOGE_TRUSTED_PROXY",
            value_delimiter = ','
        )]
        trusted_proxies: Vec<acoge_web::TrustedProxy>,
        /// The sender of those emails.
        #[arg(
            long,
            env = "ACOGE_MAIL_FROM",
            default_value = "Acoge <no-reply@localhost>"
        )]
        mail_from: String,
        /// Approvals from reviewers of other organizations that publish a practice.
        #[arg(long, env = "ACOGE_REQUIRED_APPROVALS", default_value_t = 2,
              value_parser = clap::value_parser!(u32).range(1..=10))]
        required_approvals: u32,
        /// Megabytes of memory for pages kept for visitors without a session
        /// (stored compressed); 0 turns the page cache off.
        #[arg(long, env = "ACOGE_PAGE_CACHE_MB", default_value_t = 64,
              value_parser = clap::value_parser!(u64).range(0..=65536))]
        page_cache_mb: u64,
        /// Seconds a request may take before it is answered 503 with
        /// Retry-After; 0 sets no limit.
        #[arg(long, env = "ACOGE_REQUEST_TIMEOUT", default_value_t = 30,
              value_parser = clap::value_parser!(u64).range(0..=3600))]
        request_timeout: u64,
    },
    /// Manage member accounts.
    User {
        #[command(subcommand)]
        what: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        what: TokenCommand,
    },
    /// Apply pending database migrations.
    Migrate,
    /// Rebuild this instance's search index from the database (stop `serve` first).
    Reindex,
    /// Measure search: ranking quality, and speed against PostgreSQL full-text search.
    Bench {
        #[command(subcommand)]
        what: BenchCommand,
    },
    /// Import a data set.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Write fictitious organizations and published practices, plainly marked
    /// as demo data, for search benchmarks and load tests.
    DemoCorpus {
        /// How many practices (at most 1000000).
        #[arg(long)]
        practices: u32,
        /// How many organizations (at most 1000000; at least 1 with practices).
        #[arg(long)]
        organizations: u32,
        /// The same seed writes the same corpus.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; the password is read from standard input (first line).
    Add {
        email: String,
        /// miembro, revisor, moderador or administrador.
        #[arg(long)]
        role: String,
        /// The member's organization (its id in the directory).
        #[arg(long)]
        org: Option<String>,
        /// The name others see (default: the part of the email before @).
        #[arg(long)]
        name: Option<String>,
    },
    /// Print a one-time password-reset link for a member (the only way to
    /// make one for the last administrator); valid 24 hours.
    Reset {
        email: String,
        /// The address people use, to print a whole link instead of a path.
        #[arg(long, env = "ACOGE_PUBLIC_URL")]
        public_url: Option<String>,
    },
}

#[derive(Subcommand)]
enum BenchCommand {
    /// nDCG@10 on the relevance set (data/search/relevancia.json), over the
    /// reference data and the example practices (loaded if missing).
    Relevance {
        /// Fail when nDCG@10 is below this value.
        #[arg(long)]
        min: Option<f64>,
    },
    /// Latency, indexing time and size of tantivy and of PostgreSQL full-text
    /// search over the same documents, and nDCG@10 of both (PostgreSQL only).
    Search {
        /// Also write the Markdown report to this file.
        #[arg(long)]
        report: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token for a member and print it once.
    Create {
        email: String,
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// The example practices written from the reference data (after `reference`).
    Examples,
    /// Organizations and their services, in the `servicios_migrantes.csv` format
    /// (after `reference`).
    Services {
        /// The file to read; the copy built into the binary when left out.
        file: Option<PathBuf>,
    },
    /// The reference data of Mexico (states, municipalities, organizations, laws, events).
    Reference {
        /// Read the files from this folder instead of the copy built into the binary.
        #[arg(long)]
        from: Option<PathBuf>,
    },
}

/// How a command failed; each kind has its exit code.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The database URL is malformed or the database cannot be reached (exit 2).
    #[error("{0}")]
    Database(StoreError),
    /// A data file is invalid (exit 3); nothing was imported.
    #[error("{0}; nothing was imported")]
    Data(#[from] acoge_formats::FormatError),
    /// Options that cannot work together (exit 2, like a usage error).
    #[error("{0}")]
    Config(String),
    /// Anything else (exit 1).
    #[error("{0}")]
    Other(String),
}

impl Failure {
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Database(_) | Failure::Config(_) => 2,
            Failure::Data(_) => 3,
            Failure::Other(_) => 1,
        }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::InvalidUrl { .. } | StoreError::Connect { .. } => Failure::Database(e),
            other => Failure::Other(other.to_string()),
        }
    }
}

impl Cli {
    fn database_url(&self) -> Result<String, Failure> {
        if let Some(url) = &self.database {
            return Ok(url.clone());
        }
        std::fs::create_dir_all(&self.data_dir).map_err(|e| {
            Failure::Other(format!(
                "cannot create the data folder {}: {e}",
                self.data_dir.display()
            ))
        })?;
        Ok(format!(
            "sqlite://{}",
            self.data_dir.join("acoge.db").display()
        ))
    }

    /// This instance's search index (each instance keeps its own).
    fn search_dir(&self) -> PathBuf {
        self.data_dir.join("search-index")
    }

    async fn connect(&self) -> Result<Db, Failure> {
        let db = Db::connect(&self.database_url()?).await?;
        db.migrate().await?;
        Ok(db)
    }
}

pub async fn run(cli: Cli) -> Result<(), Failure> {
    match &cli.command {
        Command::Serve {
            addr,
            public_url,
            smtp_url,
            trusted_proxies,
            mail_from,
            required_approvals,
            page_cache_mb,
            request_timeout,
        } => {
            let options = acoge_web::Options {
                public_url: public_url.clone(),
                smtp_url: smtp_url.clone(),
                mail_from: mail_from.clone(),
                required_approvals: *required_approvals,
                search_dir: Some(cli.search_dir()),
                trusted_proxies: trusted_proxies.clone(),
                page_cache_bytes: page_cache_mb * 1024 * 1024,
                request_timeout: (*request_timeout > 0)
                    .then(|| std::time::Duration::from_secs(*request_timeout)),
                // The index builds after the server listens.
                wait_for_search_index: false,
                ..acoge_web::Options::default()
            };
            // Refuse settings that cannot work before touching the database.
            options
                .check()
                .map_err(|e| Failure::Config(e.to_string()))?;
            let db = cli.connect().await?;
            import::reference(&db, None, false).await?;
            import::services(&db, None, false).await?;
            import::examples(&db, false).await?;
            serve::run(db, *addr, options).await
        }
        Command::User {
            what:
                UserCommand::Add {
                    email,
                    role,
                    org,
                    name,
                },
        } => {
            let db = cli.connect().await?;
            accounts::add_user(&db, email, role, org.as_deref(), name.as_deref()).await
        }
        Command::User {
            what: UserCommand::Reset { email, public_url },
        } => {
            let db = cli.connect().await?;
            accounts::reset_link(&db, email, public_url.as_deref()).await
        }
        Command::Token {
            what: TokenCommand::Create { email, name },
        } => {
            let db = cli.connect().await?;
            accounts::create_token(&db, email, name).await
        }
        Command::Bench {
            what: BenchCommand::Relevance { min },
        } => {
            let db = cli.connect().await?;
            bench::relevance(&db, *min).await
        }
        Command::Bench {
            what: BenchCommand::Search { report },
        } => {
            let db = cli.connect().await?;
            bench::search(&db, report.as_deref()).await
        }
        Command::Reindex => {
            let db = cli.connect().await?;
            reindex::run(&db, &cli.search_dir()).await
        }
        Command::Migrate => {
            cli.connect().await?;
            eprintln!("acoge: migrations applied");
            Ok(())
        }
        Command::Import {
            what: ImportCommand::Examples,
        } => {
            let db = cli.connect().await?;
            import::examples(&db, true).await
        }
        Command::Import {
            what: ImportCommand::Services { file },
        } => {
            let db = cli.connect().await?;
            import::services(&db, file.as_deref(), true).await
        }
        Command::Import {
            what: ImportCommand::Reference { from },
        } => {
            let db = cli.connect().await?;
            import::reference(&db, from.as_deref(), true).await
        }
        Command::DemoCorpus {
            practices,
            organizations,
            seed,
        } => {
            crate::demo_corpus::check_sizes(*practices, *organizations)?;
            let db = cli.connect().await?;
            crate::demo_corpus::run(&db, *practices, *organizations, *seed).await
        }
    }
}
