//! `portico docs …` and `portico group …`: folder permissions of the document library and
//! the groups they can name, managed from the command line until the web UI has them.

use anyhow::{Context, anyhow, bail};
use clap::{Args, Subcommand};

use crate::app::App;
use crate::cli::{Common, load_config};
use crate::store::{AccessLevel, Grantee, NewPrincipal, PrincipalKind, Store};

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
pub async fn grantee(store: &Store, who: &Who) -> anyhow::Result<Grantee> {
    if let Some(login) = who.user.as_deref().or(who.group.as_deref()) {
        let kind = if who.user.is_some() {
            PrincipalKind::User
        } else {
            PrincipalKind::Group
        };
        let p = store
            .principal_by_login(login)
            .await?
            .filter(|p| p.kind == kind)
            .ok_or_else(|| {
                anyhow!(
                    "no {} {login:?}",
                    if kind == PrincipalKind::User { "user" } else { "group" }
                )
            })?;
        return Ok(Grantee::Principal(p.id));
    }
    let slug = who
        .department
        .as_deref()
        .context("--user, --group or --department is required")?;
    let (id, _) = store
        .department_by_slug(slug)
        .await?
        .ok_or_else(|| anyhow!("no department {slug:?}"))?;
    Ok(Grantee::Department(id))
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
            let app = App::open(load_config(&common, None)?).await?;
            let g = grantee(&app.store, &who).await?;
            app.store.doc_grant(&path, g, level).await?;
            println!("granted {} on /docs/{path}/", level.as_str());
            app.store.close().await;
        }
        DocsCommand::Revoke { path, who, common } => {
            let path = library_path(&path)?;
            let app = App::open(load_config(&common, None)?).await?;
            let g = grantee(&app.store, &who).await?;
            if !app.store.doc_revoke(&path, g).await? {
                bail!("no such grant on /docs/{path}/");
            }
            println!("revoked on /docs/{path}/");
            app.store.close().await;
        }
        DocsCommand::Grants { path, common } => {
            let path = library_path(&path)?;
            let app = App::open(load_config(&common, None)?).await?;
            for g in app.store.doc_grants_on(&path).await? {
                let level = AccessLevel::from_i64(g.level).map_or("?", AccessLevel::as_str);
                let who = match (g.principal_id, g.department_id) {
                    (Some(id), _) => match app.store.principal_by_id(id).await? {
                        Some(p) if p.kind == PrincipalKind::Group => format!("group {}", p.login),
                        Some(p) => format!("user {}", p.login),
                        None => format!("principal #{id}"),
                    },
                    (None, Some(id)) => format!("department #{id}"),
                    (None, None) => continue,
                };
                println!("{who}\t{level}");
            }
            app.store.close().await;
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
            let app = App::open(load_config(&common, None)?).await?;
            let display = display_name.unwrap_or_else(|| name.clone());
            app.store
                .create_principal(NewPrincipal {
                    kind: PrincipalKind::Group,
                    login: &name,
                    display_name: &display,
                    email: None,
                    password_hash: None,
                    is_admin: false,
                })
                .await?;
            println!("created group {name}");
            app.store.close().await;
        }
        GroupCommand::AddMember { group, logins, common } => {
            let app = App::open(load_config(&common, None)?).await?;
            let g = app
                .store
                .principal_by_login(&group)
                .await?
                .filter(|p| p.kind == PrincipalKind::Group)
                .ok_or_else(|| anyhow!("no group {group:?}"))?;
            for login in &logins {
                let member = app
                    .store
                    .principal_by_login(login)
                    .await?
                    .ok_or_else(|| anyhow!("no user {login:?}"))?;
                app.store.add_membership(g.id, member.id).await?;
            }
            println!("added {} member(s) to {group}", logins.len());
            app.store.close().await;
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
