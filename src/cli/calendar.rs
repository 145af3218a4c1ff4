//! `portico calendar …`: who sees a calendar and how (visibility mode, grants) and its
//! secret ICS feed URL, from the command line (the web UI has them too).

use anyhow::{Context, anyhow, bail};
use clap::Subcommand;

use crate::app::App;
use crate::cli::docs::{Who, grantee};
use crate::cli::{Common, load_config};
use crate::core::calendars::{CalendarRef, Calendars, TeamOf};
use crate::core::{Actor, ErrorKind};
use crate::store::AccessLevel;

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

/// The calendar `LOGIN/CALENDAR` names.
async fn find(calendars: &Calendars<'_>, spec: &str) -> anyhow::Result<CalendarRef> {
    let (login, slug) = spec
        .split_once('/')
        .ok_or_else(|| anyhow!("calendar {spec:?} must be LOGIN/CALENDAR"))?;
    calendars.managed(login, slug).await.map_err(|e| match e.kind {
        ErrorKind::NotFound => anyhow!("no calendar {slug:?} of {login:?}"),
        _ => e.into(),
    })
}

/// Opens the app and runs `work` with the calendar service as the system actor.
async fn with_calendars<T, F>(common: &Common, work: F) -> anyhow::Result<T>
where
    F: AsyncFnOnce(&Calendars<'_>, &App) -> anyhow::Result<T>,
{
    let app = App::open(load_config(common, None)?).await?;
    let system = Actor::system();
    let result = work(&app.core.calendars(&system), &app).await;
    app.core.close().await;
    result
}

pub async fn calendar(cmd: CalendarCommand) -> anyhow::Result<()> {
    match cmd {
        CalendarCommand::Visibility { calendar, mode, common } => {
            if !matches!(mode.as_str(), "private" | "busy" | "titles" | "all") {
                bail!("visibility {mode:?} must be private, busy, titles or all");
            }
            with_calendars(&common, async |cals, _| {
                let c = find(cals, &calendar).await?;
                Ok(cals.set_visibility(&c, &mode).await?)
            })
            .await?;
            println!("{calendar} is now visible to colleagues as: {mode}");
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
            with_calendars(&common, async |cals, app| {
                let c = find(cals, &calendar).await?;
                let system = Actor::system();
                let g = grantee(&app.core.principals(&system), &who).await?;
                Ok(cals.set_grant(&c, g, level).await?)
            })
            .await?;
            println!("{calendar}: {}", level.map_or("grant removed", AccessLevel::as_str));
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
            let team = if company {
                TeamOf::Company
            } else if let Some(d) = department.as_deref() {
                TeamOf::Department(d)
            } else {
                TeamOf::Group(
                    group
                        .as_deref()
                        .context("--company, --department or --group is required")?,
                )
            };
            let (owner, _) = with_calendars(&common, async |cals, _| {
                Ok(cals
                    .create_team_calendar(team, &slug, name.as_deref(), &visibility, tasks)
                    .await?)
            })
            .await?;
            println!(
                "created {}/{slug}: /dav/calendars/{}/{slug}/ (in every member's home as {}~{slug})",
                owner.login, owner.login, owner.login
            );
        }
        CalendarCommand::Feed {
            calendar,
            revoke,
            common,
        } => {
            let token = with_calendars(&common, async |cals, _| {
                let c = find(cals, &calendar).await?;
                Ok(cals.set_feed(&c, !revoke).await?)
            })
            .await?;
            match token {
                Some(token) => println!("/ical/{token}.ics"),
                None => println!("{calendar}: feed revoked"),
            }
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
        /// The address meetings invite the room by (`mailto:`), e.g. room-berlin-1@example.com.
        #[arg(long)]
        email: Option<String>,
        /// Seats.
        #[arg(long, default_value_t = 0)]
        capacity: i64,
        /// Equipment, comma-separated, e.g. projector,video.
        #[arg(long, default_value = "")]
        equipment: String,
        /// Who may book it: department short names or group logins, comma-separated (default:
        /// everyone).
        #[arg(long, default_value = "")]
        bookers: String,
        #[command(flatten)]
        common: Common,
    },
}

fn comma_words(text: &str) -> Vec<String> {
    text.split(',')
        .map(|w| w.trim().to_owned())
        .filter(|w| !w.is_empty())
        .collect()
}

pub async fn room(cmd: RoomCommand) -> anyhow::Result<()> {
    match cmd {
        RoomCommand::Add {
            login,
            name,
            email,
            capacity,
            equipment,
            bookers,
            common,
        } => {
            if !crate::cli::valid_login(&login) {
                bail!("room {login:?} must be 1 to 64 characters of letters, digits, '.', '_' or '-'");
            }
            let display = name.unwrap_or_else(|| login.clone());
            let details = crate::core::calendars::RoomDetails {
                capacity,
                equipment: comma_words(&equipment.to_lowercase()),
                bookers: comma_words(&bookers),
            };
            crate::core::calendars::valid_room_details(&details)?;
            with_calendars(&common, async |cals, _| {
                cals.create_room(&login, &display, email.as_deref()).await?;
                Ok(cals.set_room_details(&login, &details).await?)
            })
            .await?;
            println!("created room {login}: /dav/calendars/{login}/calendar/ (free/busy visible to everyone)");
        }
    }
    Ok(())
}
