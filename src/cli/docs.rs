//! `portico docs …` and `portico group …`: folder permissions of the document library and
//! the groups they can name, managed from the command line (the web UI has them too).

use anyhow::{Context, anyhow, bail};
use clap::{Args, Subcommand};

use crate::app::App;
use crate::cli::{Common, load_config};
use crate::core::principals::{GranteeName, NewAccount, Principals};
use crate::core::{Actor, PrincipalKind};
use crate::store::{AccessLevel, Grantee};

#[derive(Subcommand)]
pub enum DocsCommand {
    /// Grant read, write or manage on a folder (inherited by everything below it).
    Grant {
        /// Folder, e.g. /docs/shared/Finance or shared/Finance.
        path: String,
        #[command(flatten)]
        who: Who,
        /// read, write or manage.
        #[arg(long)]
        level: String,
        #[command(flatten)]
        common: Common,
    },
    /// Remove a grant.
    Revoke {
        path: String,
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        common: Common,
    },
    /// List the grants set on a folder.
    Grants {
        path: String,
        #[command(flatten)]
        common: Common,
    },
    /// Remove every lock on a file or folder and below it (a document left locked).
    Unlock {
        path: String,
        #[command(flatten)]
        common: Common,
    },
    /// Delete the stored file contents nothing refers to any more (deleted files, dropped
    /// versions, refused uploads); safe while the server runs.
    Cleanup {
        /// Leave alone what was written less than this many seconds ago (a write in flight).
        #[arg(long, default_value_t = crate::jobs::blob_cleanup::GRACE.as_secs())]
        grace_seconds: u64,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Args)]
#[group(required = true, multiple = false)]
pub struct Who {
    /// A user's login.
    #[arg(long)]
    pub user: Option<String>,
    /// A group's name.
    #[arg(long)]
    pub group: Option<String>,
    /// A department's folder name (slug), as in /docs/departments/{slug}/.
    #[arg(long)]
    pub department: Option<String>,
}

#[derive(Subcommand)]
pub enum GroupCommand {
    /// Create a group.
    Add {
        name: String,
        #[arg(long, value_name = "\"Display Name\"")]
        display_name: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Add users to a group.
    AddMember {
        group: String,
        logins: Vec<String>,
        #[command(flatten)]
        common: Common,
    },
}

/// A library path as the store keys it: decoded segments below /docs/ joined by '/'.
pub fn library_path(raw: &str) -> anyhow::Result<String> {
    let trimmed = raw.strip_prefix("/docs").unwrap_or(raw);
    let with_slash = if trimmed.starts_with('/') {
        trimmed.to_owned()
    } else {
        format!("/{trimmed}")
    };
    let segments = dav::decode_path(&with_slash).map_err(|e| anyhow!("path {raw:?}: {e}"))?;
    match segments.first().map(String::as_str) {
        Some("shared" | "users" | "departments") => Ok(segments.join("/")),
        _ => bail!("path {raw:?} must be inside /docs/shared/, /docs/users/ or /docs/departments/"),
    }
}

/// The user, group or department a `--user/--group/--department` flag names.
pub async fn grantee(principals: &Principals<'_>, who: &Who) -> anyhow::Result<Grantee> {
    let name = if let Some(login) = &who.user {
        GranteeName::User(login)
    } else if let Some(login) = &who.group {
        GranteeName::Group(login)
    } else {
        GranteeName::Department(
            who.department
                .as_deref()
                .context("--user, --group or --department is required")?,
        )
    };
    Ok(principals.grantee(name).await?)
}

/// Runs `work` with the services as the system actor, closing the database afterwards.
async fn with_principals<T, F>(common: &Common, work: F) -> anyhow::Result<T>
where
    F: AsyncFnOnce(&Principals<'_>) -> anyhow::Result<T>,
{
    let app = App::open(load_config(common, None)?).await?;
    let system = Actor::system();
    let result = work(&app.core.principals(&system)).await;
    app.core.close().await;
    result
}

pub async fn docs(cmd: DocsCommand) -> anyhow::Result<()> {
    match cmd {
        DocsCommand::Grant {
            path,
            who,
            level,
            common,
        } => {
            let path = library_path(&path)?;
            let level = AccessLevel::parse(&level).ok_or_else(|| anyhow!("--level must be read, write or manage"))?;
            with_principals(&common, async |p| {
                let g = grantee(p, &who).await?;
                Ok(p.grant_folder(&path, g, level).await?)
            })
            .await?;
            println!("granted {} on /docs/{path}/", level.as_str());
        }
        DocsCommand::Revoke { path, who, common } => {
            let path = library_path(&path)?;
            with_principals(&common, async |p| {
                let g = grantee(p, &who).await?;
                Ok(p.revoke_folder(&path, g).await?)
            })
            .await?;
            println!("revoked on /docs/{path}/");
        }
        DocsCommand::Unlock { path, common } => {
            let path = library_path(&path)?;
            let app = App::open(load_config(&common, None)?).await?;
            let system = Actor::system();
            let docs = app.core.documents(&system);
            let segments = path.split('/').map(str::to_owned).collect();
            let removed = match docs.locate(segments).await {
                Ok(crate::core::documents::Located::Doc(target)) => docs.break_locks(&target).await.map_err(Into::into),
                Ok(crate::core::documents::Located::Virtual(_)) => Err(anyhow!("/docs/{path}/ is not in a library")),
                Err(e) => Err(e.into()),
            };
            app.core.close().await;
            println!("removed {} lock(s) on /docs/{path}", removed?);
        }
        DocsCommand::Cleanup { grace_seconds, common } => {
            let app = App::open(load_config(&common, None)?).await?;
            let system = Actor::system();
            eprintln!("looking for stored contents nothing refers to…");
            let done = app
                .core
                .documents(&system)
                .clean_blobs(std::time::Duration::from_secs(grace_seconds))
                .await;
            app.core.close().await;
            let done = done?;
            println!(
                "examined {} stored contents, removed {} ({} bytes freed), {} set aside until the grace has passed",
                done.examined, done.removed, done.freed_bytes, done.set_aside
            );
        }
        DocsCommand::Grants { path, common } => {
            let path = library_path(&path)?;
            let grants = with_principals(&common, async |p| Ok(p.folder_grants(&path).await?)).await?;
            for (who, g) in grants {
                let level = AccessLevel::from_i64(g.level).map_or("?", AccessLevel::as_str);
                println!("{who}\t{level}");
            }
        }
    }
    Ok(())
}

pub async fn group(cmd: GroupCommand) -> anyhow::Result<()> {
    match cmd {
        GroupCommand::Add {
            name,
            display_name,
            common,
        } => {
            let display = display_name.unwrap_or_else(|| name.clone());
            with_principals(&common, async |p| {
                p.create(NewAccount {
                    kind: PrincipalKind::Group,
                    login: &name,
                    display_name: &display,
                    email: None,
                    password: None,
                    is_admin: false,
                })
                .await?;
                Ok(())
            })
            .await?;
            println!("created group {name}");
        }
        GroupCommand::AddMember { group, logins, common } => {
            with_principals(&common, async |p| Ok(p.add_members(&group, &logins).await?)).await?;
            println!("added {} member(s) to {group}", logins.len());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::library_path;

    #[test]
    fn library_paths() {
        assert_eq!(library_path("/docs/shared/Finance/").unwrap(), "shared/Finance");
        assert_eq!(library_path("shared/Q%201").unwrap(), "shared/Q 1");
        assert_eq!(library_path("departments/sales").unwrap(), "departments/sales");
        assert!(library_path("/docs/").is_err());
        assert!(library_path("/etc/passwd").is_err());
        assert!(library_path("shared/../users/bob").is_err());
    }
}
