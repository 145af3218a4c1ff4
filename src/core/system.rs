//! What the administration's status page shows: the version, the database, how much is
//! stored, how many people and departments there are, and the directory sync's last result.
//! Administrators only.

use crate::core::{Actor, Core, Result};
use crate::store::{Dialect, DirectoryState, PrincipalKind};

/// The state of the system.
#[derive(Debug, Clone)]
pub struct Status {
    pub version: &'static str,
    pub database: &'static str,
    pub users: usize,
    pub active_users: usize,
    pub groups: usize,
    pub rooms: usize,
    pub departments: i64,
    /// Bytes the document libraries hold (every kept version).
    pub library_bytes: i64,
    /// The directory sync's last pass, when a directory is configured.
    pub directory: Option<DirectoryState>,
}

/// The status of `core`, for an administrator.
pub async fn status(core: &Core, actor: &Actor) -> Result<Status> {
    actor.require_admin()?;
    let store = &core.store;
    let users = store.list_principals(PrincipalKind::User).await?;
    Ok(Status {
        version: env!("CARGO_PKG_VERSION"),
        database: match store.dialect() {
            Dialect::Sqlite => "SQLite",
            Dialect::Postgres => "PostgreSQL",
        },
        active_users: users.iter().filter(|u| u.active).count(),
        users: users.len(),
        groups: store.list_principals(PrincipalKind::Group).await?.len(),
        rooms: store.list_principals(PrincipalKind::Resource).await?.len(),
        departments: store.count_departments().await?,
        library_bytes: store.doc_usage_total().await?,
        directory: store.directory_state(crate::core::directory::LDAP_SOURCE).await?,
    })
}
