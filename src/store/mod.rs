//! Metadata storage over sqlx: one [`Store`] for SQLite (default, embedded) and PostgreSQL.
//!
//! Queries are written once in the SQL both dialects accept (`$1` placeholders, `RETURNING`,
//! BIGINT Unix timestamps, 0/1 integers for flags) and run through sqlx's `Any` driver;
//! each dialect has its own migration folder under `migrations/`, applied on connect.
//! Submodules own one table family each, and each declares the repository trait the services
//! call ([`repos`]); [`Storage`] is all of them, [`UnitOfWork`] a transaction several write into.

mod app_passwords;
mod backup;
#[macro_use]
mod collections;

// After `collections`, whose `collection_columns!` it uses.
mod calendar_bindings;

// After `collections`, whose `item_columns!` it uses.
mod card_index;
mod dead_props;
mod directory;
mod directory_sync;
mod documents;
mod grants;
mod jobs;
mod locks;
mod mail;
mod principals;
mod rooms;
// After `collections`, whose `item_columns!` it uses.
mod scheduling;
mod sessions;
mod user_settings;

pub use app_passwords::AppPassword;
pub use collections::{
    Absence, CardsWrite, Change, Collection, CollectionGrant, CollectionUpdate, IndexedCard, Item, ItemCondition,
    ItemMeta, ItemPutOutcome, MovedFrom, NewCollection, NewItem,
};
pub use directory::{DepartmentRow, DirectoryEntry, EmployeeFields, NewDepartment, slugify};
pub use directory_sync::{ApplySummary, DirectoryState, StaffChangeRow};
pub use documents::{
    DeadProp, DocNode, DocVersion, LockCheck, MkcolOutcome, NewContent, PropChange, PutCondition, PutOutcome, Transfer,
    parent_of, subtree_bounds,
};
pub use grants::{AccessLevel, DocGrant, Grantee, Memberships};
pub use locks::{DocLock, NewLock};
pub use mail::{OutboxCounts, OutgoingMail};
pub use principals::{NewPrincipal, Principal, PrincipalKind, Team};
pub use rooms::RoomDetails;
pub use scheduling::{InboxItem, OwnedItem, ScheduleTx};
pub use user_settings::UserSettings;

/// The repository traits, one per table family, that [`Store`] implements and the services
/// call: `use crate::store::repos::*` brings their methods into scope on a concrete store.
pub mod repos {
    pub use crate::store::app_passwords::AppPasswordRepo;
    pub use crate::store::backup::BackupRepo;
    pub use crate::store::calendar_bindings::BindingRepo;
    pub use crate::store::card_index::CardIndexRepo;
    pub use crate::store::collections::CollectionRepo;
    pub use crate::store::directory::DirectoryRepo;
    pub use crate::store::directory_sync::DirectorySyncRepo;
    pub use crate::store::documents::DocumentRepo;
    pub use crate::store::grants::GrantRepo;
    pub use crate::store::jobs::JobRepo;
    pub use crate::store::locks::LockRepo;
    pub use crate::store::mail::{MailRepo, OutboxWrites};
    pub use crate::store::principals::PrincipalRepo;
    pub use crate::store::rooms::RoomRepo;
    pub use crate::store::scheduling::{ScheduleWrites, SchedulingRepo};
    pub use crate::store::sessions::SessionRepo;
    pub use crate::store::user_settings::SettingsRepo;
    pub use crate::store::{Storage, StorageInfo, UnitOfWork};
}
use repos::*;

/// Everything the services need of storage: every repository. [`Store`] (SQLite and
/// PostgreSQL through sqlx) is the one implementation; another backend implements these
/// traits and the services do not change.
pub trait Storage:
    AppPasswordRepo
    + BackupRepo
    + BindingRepo
    + CardIndexRepo
    + CollectionRepo
    + DirectoryRepo
    + DirectorySyncRepo
    + DocumentRepo
    + GrantRepo
    + JobRepo
    + LockRepo
    + MailRepo
    + PrincipalRepo
    + RoomRepo
    + SchedulingRepo
    + SessionRepo
    + SettingsRepo
    + StorageInfo
{
}

impl Storage for Store {}

/// A unit of work: one transaction that several repositories' writes join (a meeting's
/// object, the attendees' copies and inbox messages, a room's lock and the mail outbox), begun
/// by [`SchedulingRepo::begin_scheduling`] and committed once, or dropped to roll back.
pub trait UnitOfWork: ScheduleWrites + OutboxWrites {}

impl UnitOfWork for scheduling::ScheduleTx {}

use std::path::Path;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::any::AnyPoolOptions;
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// Storage failures, mapped to HTTP statuses in `http::error`.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database URL {0:?} is neither sqlite:// nor postgres://")]
    UnsupportedUrl(String),
    #[error("cannot create data directory {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
    #[error("cannot open database {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("cannot apply database migrations: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Conflict(String),
    /// A bound on stored data would be passed (the dead properties of one resource).
    #[error("{0}")]
    TooMuch(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    /// Where write transactions run: on SQLite a pool of one connection, so writers queue
    /// here in order instead of polling SQLite's write lock (its busy handler sleeps 1-100 ms
    /// between tries); on PostgreSQL the same pool as `pool`.
    writer: AnyPool,
    dialect: Dialect,
    /// Reads of the people kept while they are unchanged ([`Kept`]).
    kept: Arc<std::sync::Mutex<Kept>>,
}

/// The directory's people and the principal lists as last read, at the `directory_version`
/// they were read at. Triggers (migration 0021) move that number on every write to the
/// principals, employees and departments, whichever code or connection makes it, so a copy of
/// the current version is the database's answer: the directory pages read all people on every
/// request, and one small query replaces thousands of rows. A version is always read before
/// the rows, so a write in between makes a copy look older than it is, never fresher.
#[derive(Default)]
struct Kept {
    version: i64,
    entries: Option<Arc<Vec<DirectoryEntry>>>,
    principals: std::collections::HashMap<&'static str, Arc<Vec<Principal>>>,
}

impl Store {
    /// Opens (creating if needed) the database at `url` and applies the migrations.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let dialect = if url.starts_with("sqlite:") {
            Dialect::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Dialect::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(redact_url(url)));
        };
        if dialect == Dialect::Sqlite {
            ensure_sqlite_parent_dir(url)?;
        }
        let pool = pool_options(dialect, max_connections)
            .connect(url)
            .await
            .map_err(|source| StoreError::Connect {
                url: redact_url(url),
                source,
            })?;
        match dialect {
            Dialect::Sqlite => SQLITE_MIGRATIONS.run(&pool).await?,
            Dialect::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
        }
        let writer = match dialect {
            Dialect::Sqlite => pool_options(dialect, 1)
                .connect(url)
                .await
                .map_err(|source| StoreError::Connect {
                    url: redact_url(url),
                    source,
                })?,
            Dialect::Postgres => pool.clone(),
        };
        Ok(Store {
            pool,
            writer,
            dialect,
            kept: Arc::default(),
        })
    }

    /// The current `directory_version` ([`Kept`]).
    async fn directory_version(&self) -> Result<i64, StoreError> {
        let (version,): (i64,) = sqlx::query_as("SELECT version FROM directory_version WHERE id = 1")
            .fetch_one(self.pool())
            .await?;
        Ok(version)
    }

    /// What `pick` finds in the copy kept at `version`; `None` when the copy is of another.
    fn kept<T>(&self, version: i64, pick: impl FnOnce(&Kept) -> Option<T>) -> Option<T> {
        let kept = self.kept.lock().ok()?;
        if kept.version == version { pick(&kept) } else { None }
    }

    /// Keeps a read made at `version` (dropping what was kept at another).
    fn keep(&self, version: i64, put: impl FnOnce(&mut Kept)) {
        if let Ok(mut kept) = self.kept.lock() {
            if kept.version != version {
                *kept = Kept {
                    version,
                    ..Kept::default()
                };
            }
            put(&mut kept);
        }
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads first and writes later can fail
    /// with SQLITE_BUSY_SNAPSHOT under concurrent writers, which no busy timeout retries.
    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        Ok(match self.dialect {
            Dialect::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await?,
            Dialect::Postgres => self.writer.begin().await?,
        })
    }
}

/// The database as a whole: which one, whether it answers, and closing it.
#[async_trait::async_trait]
pub trait StorageInfo: Send + Sync {
    fn dialect(&self) -> Dialect;

    /// Open and idle connections of the pool (for `/metrics`).
    fn pool_stats(&self) -> (u32, usize);

    /// A trivial query proving the database answers (for `/healthz`).
    async fn ping(&self) -> Result<(), StoreError>;

    /// Closes every pooled connection (used on shutdown so SQLite checkpoints its WAL).
    async fn close(&self);
}

#[async_trait::async_trait]
impl StorageInfo for Store {
    fn dialect(&self) -> Dialect {
        self.dialect
    }

    fn pool_stats(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }
}

/// Pool settings per dialect. SQLite connections are local files that cannot go stale, so
/// they are not pinged before each use (a round trip to the connection's worker thread).
fn pool_options(dialect: Dialect, max_connections: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(std::time::Duration::from_secs(10))
        .test_before_acquire(dialect == Dialect::Postgres)
        // synchronous=FULL: with WAL, NORMAL survives a crash of the process but may lose the
        // last commits on power loss; FULL syncs the WAL on every commit, so a write that was
        // answered with success survives both (see "Durability of writes" in architecture.md).
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                if dialect == Dialect::Sqlite {
                    conn.execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;")
                        .await?;
                }
                Ok(())
            })
        })
}

/// Current time as Unix seconds, the timestamp format of every table.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Strips the password from a database URL so it can be logged or shown in an error.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}://{}:***@{}", &url[..scheme_end], user, &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

fn ensure_sqlite_parent_dir(url: &str) -> Result<(), StoreError> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|source| StoreError::DataDir {
            path: parent.display().to_string(),
            source,
        })?;
    }
    Ok(())
}

/// True when a database error is a unique-constraint violation, on either dialect.
pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => {
            db.code().is_some_and(|c| c == "23505" || c == "2067" || c == "1555")
                || db.message().contains("UNIQUE constraint failed")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn redacts_password() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("sqlite://data/p.db"), "sqlite://data/p.db");
    }
}
