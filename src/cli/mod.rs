//! The command line: `serve`, `demo`, `user`, `check-config`, `dev-cert`, `migrate`,
//! `backup`, `restore`, and the administration commands (`docs`, `group`, `calendar`, `room`,
//! `sync-ldap`), which act through the services as the system actor.
//!
//! This contract is stable (other tools depend on it). Settings resolve as: command-line
//! flags over `PORTICO_*` environment variables over the config file over defaults.

pub mod calendar;
pub mod docs;

use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, anyhow, bail};
use clap::{Args, Parser, Subcommand};

use crate::app::App;
use crate::config::Config;
use crate::core::auth::random_token;
use crate::core::directory::{SyncError, SyncPhase};
use crate::core::principals::NewAccount;
use crate::core::{Actor, PrincipalKind};

#[derive(Parser)]
#[command(
    name = "portico",
    version,
    about = "Standards-first groupware server: calendars, directory, documents over CalDAV, CardDAV and WebDAV"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Clone, Default)]
pub struct Common {
    /// Data directory (embedded database and blobs); default ./data.
    #[arg(long, value_name = "DIR", global = true)]
    pub data: Option<PathBuf>,
    /// TOML configuration file.
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the server.
    Serve(ServeArgs),
    /// Run the server with the demo company seeded (same as `serve --demo`).
    Demo(ServeArgs),
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Validate the configuration and print the settings in effect.
    CheckConfig(Common),
    /// Write a self-signed TLS certificate and key for local HTTPS.
    DevCert(DevCertArgs),
    /// Apply database migrations and exit.
    Migrate(Common),
    /// Document library permissions.
    #[command(subcommand)]
    Docs(crate::cli::docs::DocsCommand),
    /// Groups of users (for permissions).
    #[command(subcommand)]
    Group(crate::cli::docs::GroupCommand),
    /// Sync the directory from LDAP / Active Directory now.
    SyncLdap(SyncLdapArgs),
    /// Meeting rooms (resource principals with a calendar).
    #[command(subcommand)]
    Room(crate::cli::calendar::RoomCommand),
    /// Calendar visibility, grants and feeds.
    #[command(subcommand)]
    Calendar(crate::cli::calendar::CalendarCommand),
    /// Write a consistent backup (database and stored files) into FILE, also while the server
    /// runs (SQLite; with PostgreSQL see docs/operations.md).
    Backup(BackupArgs),
    /// Restore a backup FILE into a new, empty data directory (--data).
    Restore(BackupArgs),
}

#[derive(Args)]
pub struct BackupArgs {
    /// The backup archive.
    pub file: PathBuf,
    /// Report progress on stderr (the default when stderr is a terminal).
    #[arg(long)]
    pub progress: bool,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub common: Common,
    /// Address to listen on, e.g. 127.0.0.1:8080.
    #[arg(long, value_name = "ADDR")]
    pub listen: Option<String>,
    /// Seed the demo company (departments, employees) on first start.
    #[arg(long)]
    pub demo: bool,
    /// With --demo: add generated employees until the company has this many (for trying
    /// the pages, and the benchmark, with a big directory).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub demo_size: usize,
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a local user; prints a generated password unless --password-stdin is given.
    Add {
        login: String,
        #[arg(long)]
        password_stdin: bool,
        #[arg(long, value_name = "E")]
        email: Option<String>,
        #[arg(long, value_name = "\"First Last\"")]
        name: Option<String>,
        /// Make the user an administrator.
        #[arg(long)]
        admin: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Set a user's password, read from standard input.
    Passwd {
        login: String,
        #[arg(long, required = true)]
        password_stdin: bool,
        #[command(flatten)]
        common: Common,
    },
    /// List users.
    List {
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Args)]
pub struct SyncLdapArgs {
    /// Read every entry (finds deleted accounts), not only the changes since the last pass.
    #[arg(long)]
    pub full: bool,
    /// Report the phases on stderr as they begin (the default when stderr is a terminal).
    #[arg(long)]
    pub progress: bool,
    #[command(flatten)]
    pub common: Common,
}

/// A sync phase as `sync-ldap` reports it on stderr (after `sync-ldap: `).
fn phase_line(phase: SyncPhase) -> String {
    match phase {
        SyncPhase::Reading { entries: None } => "reading the directory…".to_owned(),
        SyncPhase::Reading { entries: Some(n) } => format!("reading the directory… {n} entries"),
        SyncPhase::StoringPhotos { photos } => format!("storing {photos} photos…"),
        SyncPhase::Applying {
            created,
            updated,
            deactivated,
        } => format!("applying {created} created, {updated} updated, {deactivated} deactivated…"),
        SyncPhase::WritingBooks => "writing the address books…".to_owned(),
    }
}

#[derive(Args)]
pub struct DevCertArgs {
    /// Directory to write cert.pem and key.pem into; default <data>/tls.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Host names the certificate is valid for.
    #[arg(long = "host", value_name = "NAME", default_values_t = vec!["localhost".to_string(), "127.0.0.1".to_string()])]
    pub hosts: Vec<String>,
    #[command(flatten)]
    pub common: Common,
}

/// Loads the config file and environment, then applies command-line overrides.
pub fn load_config(common: &Common, listen: Option<&str>) -> anyhow::Result<Config> {
    let mut config = Config::load(common.config.as_deref(), std::env::vars())?;
    if let Some(data) = &common.data {
        config.storage.data_dir = data.clone();
    }
    if let Some(listen) = listen {
        listen
            .parse::<std::net::SocketAddr>()
            .map_err(|_| anyhow!("--listen {listen:?} is not an address like 127.0.0.1:8080"))?;
        config.server.listen = listen.to_owned();
    }
    Ok(config)
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve(args, false).await,
        Command::Demo(args) => serve(args, true).await,
        Command::User(cmd) => user(cmd).await,
        Command::CheckConfig(common) => {
            let config = load_config(&common, None)?;
            println!("configuration OK");
            println!("  listen:    {}", config.server.listen);
            println!("  data dir:  {}", config.storage.data_dir.display());
            println!("  database:  {}", crate::store::redact_url(&config.database_url()));
            println!(
                "  tls:       {}",
                if config.server.tls_cert.is_some() { "on" } else { "off" }
            );
            Ok(())
        }
        Command::DevCert(args) => {
            let config = load_config(&args.common, None)?;
            let dir = args.out.unwrap_or_else(|| config.storage.data_dir.join("tls"));
            let (cert, key) = crate::http::tls::write_dev_cert(&dir, &args.hosts)?;
            println!("wrote {} and {}", cert.display(), key.display());
            println!(
                "add to the config file:\n[server]\ntls_cert = {:?}\ntls_key = {:?}",
                cert, key
            );
            Ok(())
        }
        Command::Docs(cmd) => crate::cli::docs::docs(cmd).await,
        Command::Group(cmd) => crate::cli::docs::group(cmd).await,
        Command::Calendar(cmd) => crate::cli::calendar::calendar(cmd).await,
        Command::Room(cmd) => crate::cli::calendar::room(cmd).await,
        Command::SyncLdap(args) => {
            let app = App::open(load_config(&args.common, None)?).await?;
            let started = std::time::Instant::now();
            eprintln!(
                "syncing the directory ({} pass)…",
                if args.full { "full" } else { "delta or due full" }
            );
            let progress = crate::backup::Progress::on_stderr("sync-ldap", args.progress);
            // A new process runs no other pass: the claim is free.
            let claim = app
                .core
                .directory(&Actor::system())
                .claim_sync()?
                .ok_or(SyncError::Busy)?
                .observed(move |phase| progress.note(&phase_line(phase)));
            let result = crate::jobs::ldap::run_claimed(&app, &claim, args.full).await;
            app.core.close().await;
            let r = result?;
            println!(
                "{} pass: {} created, {} updated, {} deactivated, {} unchanged, {} staff changes, {} skipped entries, {:.1} s",
                if r.full { "full" } else { "delta" },
                r.summary.created,
                r.summary.updated,
                r.summary.deactivated,
                r.summary.unchanged,
                r.summary.staff_changes,
                r.skipped,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Backup(args) => {
            let app = App::open(load_config(&args.common, None)?).await?;
            let progress = crate::backup::Progress::on_stderr("backup", args.progress);
            progress.note(&format!("writing {}", args.file.display()));
            let result = crate::core::system::backup(&app.core, &Actor::system(), &args.file, progress).await;
            app.core.close().await;
            let m = result?;
            println!(
                "backup written to {}: the database and {} stored files ({} bytes)",
                args.file.display(),
                m.blobs,
                m.blob_bytes
            );
            Ok(())
        }
        Command::Restore(args) => {
            let config = load_config(&args.common, None)?;
            if !config.database.url.is_empty() {
                bail!("restore writes an SQLite data directory; with PostgreSQL restore the dump with pg_restore");
            }
            let data = config.storage.data_dir.clone();
            let mut progress = crate::backup::Progress::on_stderr("restore", args.progress);
            progress.note(&format!("reading {} into {}", args.file.display(), data.display()));
            let manifest = crate::backup::restore(&args.file, &data, &mut progress)?;
            // Opening it applies any newer migrations and proves the database reads.
            let app = App::open(config).await?;
            app.core.close().await;
            println!(
                "restored a backup of {} (Portico {}): {} stored files into {}",
                chrono::DateTime::from_timestamp(manifest.created_at, 0).map_or_else(String::new, |t| t.to_rfc3339()),
                manifest.version,
                manifest.blobs,
                data.display()
            );
            Ok(())
        }
        Command::Migrate(common) => {
            let config = load_config(&common, None)?;
            App::open(config).await?;
            println!("database is up to date");
            Ok(())
        }
    }
}

async fn serve(args: ServeArgs, demo: bool) -> anyhow::Result<()> {
    let config = load_config(&args.common, args.listen.as_deref())?;
    crate::logging::init(&config.log);
    // Signal handlers first: a SIGTERM during start-up must still stop the server cleanly.
    let signals = shutdown_signal()?;
    let tls = match (&config.server.tls_cert, &config.server.tls_key) {
        (Some(cert), Some(key)) => Some(crate::http::tls::acceptor(cert, key)?),
        _ => None,
    };
    let listener = tokio::net::TcpListener::bind(&config.server.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.server.listen))?;
    let app = App::open(config).await?;
    if let Some(generated) = app.ensure_admin(std::env::var("PORTICO_ADMIN_PASSWORD").ok()).await? {
        println!("created administrator 'admin' with password: {generated}");
        println!("(shown once; change it with `portico user passwd admin --password-stdin`)");
    }
    if demo || args.demo {
        let demo_password = std::env::var("PORTICO_DEMO_PASSWORD").unwrap_or_else(|_| "demo".into());
        let created = crate::demo::seed(&app.core, &demo_password).await?;
        if created > 0 {
            println!(
                "seeded the demo company: {created} employees (password: the value of PORTICO_DEMO_PASSWORD, default 'demo')"
            );
        }
        let grown = crate::demo::grow(&app.core, args.demo_size).await?;
        if grown > 0 {
            println!("added {grown} generated employees to the demo company");
        }
        crate::demo::refresh(&app.core, chrono::Utc::now().date_naive()).await?;
    }
    let scheme = if tls.is_some() { "https" } else { "http" };
    let app = Arc::new(app);
    crate::jobs::ldap::refresh_books(&app).await;
    crate::jobs::ldap::spawn_schedule(app.clone());
    crate::jobs::blob_cleanup::spawn_schedule(app.clone());
    crate::jobs::mail::spawn(app.clone());
    crate::jobs::reminders::spawn(app.clone());
    crate::jobs::sessions::spawn_schedule(app.clone());
    let mut running = crate::http::start(app.clone(), listener, tls)?;
    println!("Portico listening on {scheme}://{}/", running.addr);
    tracing::info!(addr = %running.addr, "listening");
    let stop = running.take_stop();
    tokio::spawn(async move {
        signals.await;
        tracing::info!("shutting down");
        if let Some(stop) = stop {
            let _ = stop.send(());
        }
    });
    running.wait().await;
    app.core.close().await;
    Ok(())
}

/// Installs SIGTERM and SIGINT handlers now; the returned future completes on either.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate()).context("cannot install the SIGTERM handler")?;
    let mut int = signal(SignalKind::interrupt()).context("cannot install the SIGINT handler")?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
    })
}

fn read_password_stdin() -> anyhow::Result<String> {
    let mut text = String::new();
    std::io::stdin()
        .take(4096)
        .read_to_string(&mut text)
        .context("cannot read the password from standard input")?;
    let password = text.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        bail!("the password read from standard input is empty");
    }
    Ok(password)
}

pub use crate::core::principals::valid_login;

async fn user(cmd: UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Add {
            login,
            password_stdin,
            email,
            name,
            admin,
            common,
        } => {
            if !valid_login(&login) {
                bail!("login {login:?} must be 1 to 64 characters of letters, digits, '.', '_' or '-'");
            }
            let app = App::open(load_config(&common, None)?).await?;
            let (password, generated) = if password_stdin {
                (read_password_stdin()?, false)
            } else {
                (random_token(), true)
            };
            let display_name = name.unwrap_or_else(|| login.clone());
            let system = Actor::system();
            let created = app
                .core
                .principals(&system)
                .create(NewAccount {
                    kind: PrincipalKind::User,
                    login: &login,
                    display_name: &display_name,
                    email: email.as_deref(),
                    password: Some(&password),
                    is_admin: admin,
                })
                .await;
            app.core.close().await;
            created?;
            println!("created user {login}");
            if generated {
                println!("password: {password}");
            }
            Ok(())
        }
        UserCommand::Passwd { login, common, .. } => {
            let app = App::open(load_config(&common, None)?).await?;
            let password = read_password_stdin()?;
            let changed = app
                .core
                .principals(&Actor::system())
                .set_password(&login, &password)
                .await;
            app.core.close().await;
            changed?;
            println!("password changed for {login}");
            Ok(())
        }
        UserCommand::List { common } => {
            let app = App::open(load_config(&common, None)?).await?;
            let users = app.core.principals(&Actor::system()).list(PrincipalKind::User).await;
            app.core.close().await;
            for p in users? {
                let flags = [(p.is_admin, "admin"), (!p.active, "inactive")]
                    .iter()
                    .filter(|(on, _)| *on)
                    .map(|(_, name)| *name)
                    .collect::<Vec<_>>()
                    .join(",");
                println!(
                    "{}\t{}\t{}\t{}",
                    p.login,
                    p.display_name,
                    p.email.unwrap_or_default(),
                    flags
                );
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::valid_login;

    #[test]
    fn login_names() {
        assert!(valid_login("alice.smith-2"));
        assert!(!valid_login(""));
        assert!(!valid_login("a b"));
        assert!(!valid_login("../x"));
        assert!(!valid_login(&"a".repeat(65)));
    }
}
