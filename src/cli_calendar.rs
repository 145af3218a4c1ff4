//! `portico calendar …`: who sees a calendar and how (visibility mode, grants) and its
//! secret ICS feed URL, from the command line until the web UI has them.

use anyhow::{anyhow, bail};
use clap::Subcommand;

use crate::app::App;
use crate::auth::random_token;
use crate::cli::{Common, load_config};
use crate::cli_docs::{Who, grantee};
use crate::store::{AccessLevel, Collection, Store};

#[derive(Subcommand)]
pub enum CalendarCommand {
    /// Set what colleagues see: private, busy (free/busy only), titles (busy and titles) or all.
    Visibility {
        /// LOGIN/CALENDAR, e.g. alice/calendar.
        calendar: String,
        mode: String,
        #[command(flatten)]
        common: Common,
    },
    /// Grant read or write on a calendar to a user, group or department (--level none removes).
    Grant {
        calendar: String,
        #[command(flatten)]
        who: Who,
        /// read, write or none.
        #[arg(long)]
        level: String,
        #[command(flatten)]
        common: Common,
    },
    /// Create (or with --revoke, remove) the secret ICS feed URL of a calendar.
    Feed {
        calendar: String,
        #[arg(long)]
        revoke: bool,
        #[command(flatten)]
        common: Common,
    },
}

async fn find(store: &Store, spec: &str) -> anyhow::Result<Collection> {
    let (login, slug) = spec
        .split_once('/')
        .ok_or_else(|| anyhow!("calendar {spec:?} must be LOGIN/CALENDAR"))?;
    let owner = store
        .principal_by_login(login)
        .await?
        .ok_or_else(|| anyhow!("no user {login:?}"))?;
    store
        .collection(owner.id, "calendar", slug)
        .await?
        .ok_or_else(|| anyhow!("{login} has no calendar {slug:?}"))
}

pub async fn calendar(cmd: CalendarCommand) -> anyhow::Result<()> {
    match cmd {
        CalendarCommand::Visibility { calendar, mode, common } => {
            if !matches!(mode.as_str(), "private" | "busy" | "titles" | "all") {
                bail!("visibility {mode:?} must be private, busy, titles or all");
            }
            let app = App::open(load_config(&common, None)?).await?;
            let coll = find(&app.store, &calendar).await?;
            app.store.set_collection_visibility(coll.id, &mode).await?;
            println!("{calendar} is now visible to colleagues as: {mode}");
            app.store.close().await;
        }
        CalendarCommand::Grant {
            calendar,
            who,
            level,
            common,
        } => {
            let level = match level.as_str() {
                "read" => Some(AccessLevel::Read),
                "write" => Some(AccessLevel::Write),
                "none" => None,
                other => bail!("--level {other:?} must be read, write or none"),
            };
            let app = App::open(load_config(&common, None)?).await?;
            let coll = find(&app.store, &calendar).await?;
            let g = grantee(&app.store, &who).await?;
            app.store.set_collection_grant(coll.id, g, level).await?;
            println!("{calendar}: {}", level.map_or("grant removed", AccessLevel::as_str));
            app.store.close().await;
        }
        CalendarCommand::Feed {
            calendar,
            revoke,
            common,
        } => {
            let app = App::open(load_config(&common, None)?).await?;
            let coll = find(&app.store, &calendar).await?;
            if revoke {
                app.store.set_feed_token(coll.id, None).await?;
                println!("{calendar}: feed revoked");
            } else {
                let token = random_token();
                app.store.set_feed_token(coll.id, Some(&token)).await?;
                println!("/ical/{token}.ics");
            }
            app.store.close().await;
        }
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum RoomCommand {
    /// Create a meeting room: a resource principal with a calendar everyone sees as free/busy.
    Add {
        /// The room's login, e.g. room-berlin-1.
        login: String,
        #[arg(long, value_name = "\"Display Name\"")]
        name: Option<String>,
        #[command(flatten)]
        common: Common,
    },
}

pub async fn room(cmd: RoomCommand) -> anyhow::Result<()> {
    match cmd {
        RoomCommand::Add { login, name, common } => {
            if !crate::cli::valid_login(&login) {
                bail!("room {login:?} must be 1 to 64 characters of letters, digits, '.', '_' or '-'");
            }
            let app = App::open(load_config(&common, None)?).await?;
            let display = name.unwrap_or_else(|| login.clone());
            let room = app
                .store
                .create_principal(crate::store::NewPrincipal {
                    kind: crate::store::PrincipalKind::Resource,
                    login: &login,
                    display_name: &display,
                    email: None,
                    password_hash: None,
                    is_admin: false,
                })
                .await?;
            let calendar = app
                .store
                .create_collection(&crate::store::NewCollection {
                    owner_id: room.id,
                    kind: "calendar",
                    slug: "calendar",
                    displayname: Some(&display),
                    description: None,
                    color: None,
                    timezone: None,
                    components: "VEVENT",
                })
                .await?;
            app.store.set_collection_visibility(calendar.id, "busy").await?;
            println!("created room {login}: /dav/calendars/{login}/calendar/ (free/busy visible to everyone)");
            app.store.close().await;
        }
    }
    Ok(())
}
