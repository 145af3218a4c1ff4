//! The domain layer: the services that decide. Each takes an [`Actor`] and a typed command,
//! asks the one authorisation rule ([`authz`]), validates, checks conditions (entity tags,
//! locks, quota) and writes in one transaction, and answers with data or an [`Error`] that
//! carries the RFC precondition. DAV, the web pages, the JSON API, the CLI and background
//! jobs are adapters over it; none of them touches the store.
//!
//! - [`documents`]: the document library (files, folders, locks, versions, quota).
//! - [`calendars`]: calendars and their objects, sharing, favourites, team calendars, feeds.
//! - [`addressbooks`]: personal address books and the directory books.
//! - [`directory`]: employees, departments and the directory sync.
//! - [`principals`]: users, groups, rooms and memberships (administration).
//! - [`account`]: the actor's own settings (language, time zone).
//! - [`auth`]: authentication (passwords, app passwords, sessions, throttling).
//! - [`system`]: the status the administration shows.
//! - [`i18n`]: the languages (Fluent catalogues) the web UI and mail speak.

pub mod account;
pub mod addressbooks;
pub mod auth;
pub mod authz;
pub mod calendars;
pub mod directory;
pub mod documents;
mod error;
pub mod i18n;
pub mod outbox;
pub mod principals;
pub mod system;
pub mod urls;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

pub use error::{Error, ErrorKind, Result};

use crate::blobs::BlobStore;
use crate::store::{Memberships, Storage};

pub use crate::store::{Principal, PrincipalKind, now};

/// What the services need to know of the configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Space each personal drive may use, in bytes (every kept version counts).
    pub quota_bytes: u64,
    /// Space each department library may use.
    pub department_quota_bytes: u64,
    /// Space the company library may use.
    pub shared_quota_bytes: u64,
    /// Versions kept per file.
    pub max_versions: u64,
    /// Largest file a PUT may store.
    pub max_upload_bytes: u64,
    /// Longest lock, and the answer to `Timeout: Infinite`.
    pub max_lock_seconds: u64,
    /// Lock duration when the client asks for none.
    pub default_lock_seconds: u64,
    /// The organisation on directory cards.
    pub company_name: String,
    /// The From address of invitations mailed to guests outside the company; none: no mail
    /// is sent (no SMTP server configured).
    pub mail_from: Option<String>,
    /// Where guests' answer links point and the key that signs them; none: invitations
    /// carry no links (no public address configured).
    pub answer_links: Option<calendars::AnswerLinks>,
}

/// Input up to this size is worked on where it is: parsing or validating it takes well
/// under a millisecond.
pub const INLINE_WORK_BYTES: usize = 64 * 1024;

/// Runs CPU work on `input_bytes` of input: inline when the input is small, else on the
/// blocking pool, so that a large request does not hold one of the few async workers every
/// other request needs (and a small one does not pay for the hop). Work whose cost does not
/// follow its input (recurrence expansion) passes `usize::MAX`.
pub async fn cpu_work<T: Send + 'static>(input_bytes: usize, work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    if input_bytes <= INLINE_WORK_BYTES {
        return Ok(work());
    }
    tokio::task::spawn_blocking(work).await.map_err(Error::internal)
}

/// The domain layer: storage and settings, handed to each service with its actor.
pub struct Core {
    store: Arc<dyn Storage>,
    blobs: Arc<dyn BlobStore>,
    settings: Settings,
    /// Library roots and calendar homes known to exist, so requests skip the check after
    /// the first (they are never deleted).
    provisioned: Mutex<HashSet<String>>,
    /// The directory sync pass this process runs, if any (one at a time).
    directory_sync: Arc<directory::SyncMonitor>,
}

impl Core {
    pub fn new(store: Arc<dyn Storage>, blobs: Arc<dyn BlobStore>, settings: Settings) -> Core {
        Core {
            store,
            blobs,
            settings,
            provisioned: Mutex::new(HashSet::new()),
            directory_sync: Arc::default(),
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn documents<'a>(&'a self, actor: &'a Actor) -> documents::Documents<'a> {
        documents::Documents::new(self, actor)
    }

    pub fn calendars<'a>(&'a self, actor: &'a Actor) -> calendars::Calendars<'a> {
        calendars::Calendars::new(self, actor)
    }

    pub fn addressbooks<'a>(&'a self, actor: &'a Actor) -> addressbooks::AddressBooks<'a> {
        addressbooks::AddressBooks::new(self, actor)
    }

    pub fn account<'a>(&'a self, actor: &'a Actor) -> account::Account<'a> {
        account::Account::new(self, actor)
    }

    pub fn outbox<'a>(&'a self, actor: &'a Actor) -> outbox::Outbox<'a> {
        outbox::Outbox::new(self, actor)
    }

    pub fn principals<'a>(&'a self, actor: &'a Actor) -> principals::Principals<'a> {
        principals::Principals::new(self, actor)
    }

    pub fn directory<'a>(&'a self, actor: &'a Actor) -> directory::Directory<'a> {
        directory::Directory::new(self, actor)
    }

    /// Whether the database answers (for `/healthz`).
    pub async fn health(&self) -> Result<()> {
        Ok(self.store.ping().await?)
    }

    /// The database pool's open and idle connections.
    pub fn pool_stats(&self) -> (u32, usize) {
        self.store.pool_stats()
    }

    /// Closes the database (on shutdown, so that SQLite checkpoints its WAL).
    pub async fn close(&self) {
        self.store.close().await;
    }

    /// Runs `make` once per key for the life of the process (first-use provisioning).
    async fn provision<F>(&self, key: &str, make: F) -> Result<()>
    where
        F: std::future::Future<Output = Result<()>>,
    {
        let known = |set: &HashSet<String>| set.contains(key);
        if known(&self.provisioned.lock().unwrap_or_else(|p| p.into_inner())) {
            return Ok(());
        }
        make.await?;
        self.provisioned
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key.to_owned());
        Ok(())
    }
}

/// Who acts: a signed-in principal, or the system itself (the CLI run by the machine's
/// administrator, background jobs), which no authorisation rule limits.
pub struct Actor {
    principal: Principal,
    system: bool,
    memberships: tokio::sync::OnceCell<Memberships>,
}

impl Actor {
    pub fn user(principal: Principal) -> Actor {
        Actor {
            principal,
            system: false,
            memberships: tokio::sync::OnceCell::new(),
        }
    }

    /// The system actor, for the CLI and background jobs.
    pub fn system() -> Actor {
        Actor {
            principal: Principal {
                id: 0,
                kind: PrincipalKind::User,
                login: "system".into(),
                display_name: "System".into(),
                email: None,
                is_admin: true,
                active: true,
                source: "local".into(),
                external_id: None,
                team: None,
            },
            system: true,
            memberships: tokio::sync::OnceCell::new(),
        }
    }

    /// Nobody signed in: every rule refuses an inactive principal.
    pub fn anonymous() -> Actor {
        let mut principal = Actor::system().principal;
        principal.id = -1;
        principal.login = "anonymous".into();
        principal.is_admin = false;
        principal.active = false;
        Actor::user(principal)
    }

    /// The system acting on behalf of `principal` (seeding and imports): no rule limits
    /// it, and what it writes is attributed to `principal`.
    pub fn system_as(principal: Principal) -> Actor {
        Actor {
            principal,
            system: true,
            memberships: tokio::sync::OnceCell::new(),
        }
    }

    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    pub fn is_system(&self) -> bool {
        self.system
    }

    /// Passes for the system and active administrators; anyone else is refused (403).
    pub(crate) fn require_admin(&self) -> Result<()> {
        if self.system || (self.principal.active && self.principal.is_admin) {
            Ok(())
        } else {
            Err(Error::forbidden())
        }
    }

    /// The actor's department and groups, read once per actor.
    async fn memberships(&self, store: &dyn Storage) -> Result<&Memberships> {
        Ok(self
            .memberships
            .get_or_try_init(|| async {
                if self.system {
                    Ok(Memberships::default())
                } else {
                    store.memberships(self.principal.id).await
                }
            })
            .await?)
    }
}
