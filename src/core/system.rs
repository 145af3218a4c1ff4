//! The system as a whole, for administrators: the status page (version, database, how much
//! is stored, people and departments, the directory sync's last result) and the backup (a
//! consistent snapshot taken while serving; the archive format is [`crate::backup`]).

use crate::core::{Actor, Core, Result};
use crate::store::repos::{BackupRepo, StorageInfo};
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
    let store = &*core.store;
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

/// Writes a backup of the SQLite database and every blob it refers to into `archive`, while
/// the server may go on serving: the database is snapshotted in one transaction first (`VACUUM
/// INTO`), then the blobs that snapshot refers to are copied (blobs never change, each was
/// stored before the snapshot, and one deleted since stays readable for the cleanup's grace;
/// a backup slower than that may find one gone and fails). `progress` follows the blobs as
/// they are copied.
pub async fn backup(
    core: &Core,
    actor: &Actor,
    archive: &std::path::Path,
    progress: crate::backup::Progress,
) -> Result<crate::backup::Manifest> {
    actor.require_admin()?;
    let snapshot = archive.with_extension("db-snapshot");
    let _ = std::fs::remove_file(&snapshot);
    core.store.snapshot_into(&snapshot).await?;
    let result = async {
        let url = format!("sqlite://{}?mode=rw", snapshot.display());
        let copy = crate::store::Store::connect(&url, 1).await?;
        let referenced = copy.referenced_blobs().await;
        copy.close().await;
        let mut blobs = Vec::new();
        for sha in referenced? {
            let path = core
                .blobs
                .local_path(&sha)
                .ok_or_else(|| crate::core::Error::internal(format!("blob {sha} is referenced but missing")))?;
            blobs.push((sha, path));
        }
        let (archive, snapshot) = (archive.to_owned(), snapshot.clone());
        let written = tokio::task::spawn_blocking(move || {
            let mut progress = progress;
            crate::backup::write_archive(&archive, &snapshot, &blobs, &mut progress)
        })
        .await
        .map_err(crate::core::Error::internal)?;
        written.map_err(crate::core::Error::internal)
    }
    .await;
    for leftover in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{leftover}", snapshot.display()));
    }
    result
}
