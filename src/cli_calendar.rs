//! `portico calendar …`: who sees a calendar and how (visibility mode, grants) and its
//! secret ICS feed URL, from the command line until the web UI has them.

use anyhow::{Context, anyhow, bail};
use clap::Subcommand;

use crate::app::App;
use crate::auth::random_token;
use crate::cli::{Common, load_config};
use crate::cli_docs::{Who, grantee};
use crate::store::{AccessLevel, Collection, NewCollection, Principal, PrincipalKind, Store, Team};

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
    /// Create a shared calendar of the company (--company), a department (--department SLUG)
    /// or a workgroup (--group NAME). It shows in the calendar home of every member, who may
    /// write to it (company calendars: administrators and grants write, everyone reads).
    Team {
        /// The calendar's URL name, e.g. events.
        slug: String,
        #[arg(long, conflicts_with_all = ["department", "group"])]
        company: bool,
        /// A department's folder name (slug), as in /docs/departments/{slug}/.
        #[arg(long, conflicts_with = "group")]
        department: Option<String>,
        /// A group's name.
        #[arg(long)]
        group: Option<String>,
        #[arg(long, value_name = "\"Display Name\"")]
        name: Option<String>,
        /// What non-members see: private, busy, titles or all.
        #[arg(long, default_value = "all")]
        visibility: String,
        /// A task list (VTODO) instead of an event calendar.
        #[arg(long)]
        tasks: bool,
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

/// A department's team principal, named after the department.
async fn department_team(store: &Store, id: i64, slug: &str) -> anyhow::Result<Principal> {
    let name = store.department_name(id).await?.unwrap_or_else(|| slug.to_owned());
    Ok(store.ensure_team_principal(Team::Department(id), slug, &name).await?)
}

/// The principal that owns a team's calendars (the company's and departments' are created
/// on first use).
async fn team_owner(
    store: &Store,
    company: bool,
    department: Option<&str>,
    group: Option<&str>,
) -> anyhow::Result<Principal> {
    if company {
        return Ok(store.ensure_team_principal(Team::Company, "", "Company").await?);
    }
    if let Some(slug) = department {
        let (id, _) = store
            .department_by_slug(slug)
            .await?
            .ok_or_else(|| anyhow!("no department {slug:?}"))?;
        return department_team(store, id, slug).await;
    }
    let login = group.context("--company, --department or --group is required")?;
    store
        .principal_by_login(login)
        .await?
        .filter(|p| p.kind == PrincipalKind::Group && p.team.is_none())
        .ok_or_else(|| anyhow!("no group {login:?}"))
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
            if let (crate::store::Grantee::Department(id), Some(slug)) = (g, who.department.as_deref()) {
                // The ACL names a department grant by the department's team principal.
                department_team(&app.store, id, slug).await?;
            }
            app.store.set_collection_grant(coll.id, g, level).await?;
            println!("{calendar}: {}", level.map_or("grant removed", AccessLevel::as_str));
            app.store.close().await;
        }
        CalendarCommand::Team {
            slug,
            company,
            department,
            group,
            name,
            visibility,
            tasks,
            common,
        } => {
            if !matches!(visibility.as_str(), "private" | "busy" | "titles" | "all") {
                bail!("visibility {visibility:?} must be private, busy, titles or all");
            }
            if !crate::cli::valid_login(&slug) {
                bail!("calendar name {slug:?} must be 1 to 64 characters of letters, digits, '.', '_' or '-'");
            }
            let app = App::open(load_config(&common, None)?).await?;
            let owner = team_owner(&app.store, company, department.as_deref(), group.as_deref()).await?;
            let display = name.unwrap_or_else(|| owner.display_name.clone());
            let coll = app
                .store
                .create_collection(&NewCollection {
                    owner_id: owner.id,
                    kind: "calendar",
                    slug: &slug,
                    displayname: Some(&display),
                    description: None,
                    color: None,
                    timezone: None,
                    components: if tasks { "VTODO" } else { "VEVENT" },
                })
                .await?;
            app.store.set_collection_visibility(coll.id, &visibility).await?;
            println!(
                "created {}/{slug}: /dav/calendars/{}/{slug}/ (in every member's home as {}~{slug})",
                owner.login, owner.login, owner.login
            );
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
