//! The company directory: departments and employees, kept from LDAP / Active Directory by
//! sync passes or entered in Portico, and published as address books — `directory` (every
//! active employee) and one `dept-{slug}` book per department — shown read-only in every
//! user's address-book home.
//!
//! The books are ordinary collections owned by a system principal and refreshed from the
//! employee records after each sync pass (and at start-up), so sync-collection reports
//! exactly the cards that changed or went away. A sync pass is planned against the people
//! stored ([`ldap_sync::plan`]), stores photos in the blob store and applies the plan in one
//! transaction; a directory that is unreachable, refuses the bind or breaks mid-pass changes
//! nothing, and the failure is recorded.
//!
//! A process runs one pass at a time: a pass holds the [`SyncClaim`] ([`Directory::claim_sync`]),
//! which keeps its phase in memory for the administration page and tells it to an observer
//! (the command line prints it); a second pass asked for meanwhile is refused
//! ([`SyncError::Busy`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use bytes::Bytes;
use carddav::{DirectoryPerson, VcardVersion, directory_card};
use futures_util::{StreamExt, TryStreamExt};
use ldap_sync::{Cursor, DeltaOutcome, DirectorySource, LdapConfig, Plan, SyncPass, plan};

use crate::blobs::BlobError;
use crate::core::{Actor, Core, Error, Principal, PrincipalKind, Result};
use crate::store::{
    ApplySummary, CardsWrite, Collection, IndexedCard, NewCollection, NewDepartment, NewItem, NewPrincipal, Storage,
    StoreError,
};
pub use crate::store::{DepartmentRow, DirectoryEntry, EmployeeFields, StaffChangeRow};
pub use ldap_sync::{ProbeFailure, ProbeReport};

/// The login of the system principal that owns the directory books.
const OWNER: &str = "_directory";
const DIRECTORY: &str = "directory";
const DEPT_PREFIX: &str = "dept-";
/// Photos a sync stores at once: each write waits on its own fsync, so a few overlap.
const PHOTO_WRITERS: usize = 8;
/// The collection kind of address books.
pub const ADDRESSBOOK: &str = "addressbook";
/// The status-row key of the configured directory.
pub const LDAP_SOURCE: &str = "ldap";

/// Slugs a personal book may not take.
pub fn is_reserved(slug: &str) -> bool {
    slug == DIRECTORY || slug.starts_with(DEPT_PREFIX)
}

/// The cards a book should hold: resource name → (UID, vCard text).
type Cards = BTreeMap<String, (String, String)>;

/// What one refresh of the books changed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Refresh {
    pub written: usize,
    pub removed: usize,
}

/// What one sync pass did.
#[derive(Debug)]
pub struct PassReport {
    pub full: bool,
    pub summary: ApplySummary,
    pub skipped: usize,
    /// The entries left out, with their reasons (the status row keeps the first of them).
    pub skipped_entries: Vec<ldap_sync::SkippedEntry>,
}

/// Where a running sync pass is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncPhase {
    /// Reading the directory; how many person entries were read, once the read is done (the
    /// connector answers a pass as a whole).
    Reading { entries: Option<usize> },
    /// Storing the distinct photos of the people created or updated.
    StoringPhotos { photos: usize },
    /// Applying the planned changes in one transaction.
    Applying {
        created: usize,
        updated: usize,
        deactivated: usize,
    },
    /// Regenerating the directory address books.
    WritingBooks,
}

/// The pass this process is running: since when (Unix seconds) and where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncProgress {
    pub started_at: i64,
    pub phase: SyncPhase,
}

/// The pass running in this process, if any (held by [`Core`], in memory only: a
/// `portico sync-ldap` beside a server is another process, with its own).
#[derive(Default)]
pub(crate) struct SyncMonitor(Mutex<Option<SyncProgress>>);

impl SyncMonitor {
    fn running(&self) -> MutexGuard<'_, Option<SyncProgress>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The right to run this process's sync pass, and where the pass notes its phases: made by
/// [`Directory::claim_sync`] and given back when dropped, so a pass that fails, panics or is
/// cancelled frees it too. Use it with the [`Core`] that made it.
pub struct SyncClaim {
    monitor: Arc<SyncMonitor>,
    observer: Option<Box<dyn Fn(SyncPhase) + Send + Sync>>,
}

impl SyncClaim {
    /// Also tells `observer` each phase as it begins (the command line prints them).
    pub fn observed(mut self, observer: impl Fn(SyncPhase) + Send + Sync + 'static) -> SyncClaim {
        self.observer = Some(Box::new(observer));
        self
    }

    fn enter(&self, phase: SyncPhase) {
        if let Some(running) = self.monitor.running().as_mut() {
            running.phase = phase;
        }
        if let Some(observer) = &self.observer {
            observer(phase);
        }
    }
}

impl Drop for SyncClaim {
    fn drop(&mut self) {
        *self.monitor.running() = None;
    }
}

/// Why a sync pass changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// This process runs a pass already; nothing is recorded.
    #[error("a directory sync is already running")]
    Busy,
    #[error("directory: {0}")]
    Directory(#[from] ldap_sync::DirectoryError),
    #[error(transparent)]
    Limit(#[from] ldap_sync::DeactivationLimitExceeded),
    #[error("storing a photo: {0}")]
    Photo(#[from] BlobError),
    #[error(transparent)]
    Domain(#[from] Error),
}

impl From<StoreError> for SyncError {
    fn from(e: StoreError) -> Self {
        SyncError::Domain(e.into())
    }
}

/// A new employee of a department.
pub struct NewEmployee<'a> {
    pub login: &'a str,
    pub display_name: &'a str,
    pub email: Option<&'a str>,
    pub password: Option<&'a str>,
    pub fields: EmployeeFields,
}

/// The directory as one actor may change it (administrators and the system).
pub struct Directory<'a> {
    core: &'a Core,
    actor: &'a Actor,
}

/// The directory books, the company book first.
pub(crate) async fn books(store: &dyn Storage) -> Result<Vec<Collection>> {
    let Some(owner) = store.principal_by_login(OWNER).await? else {
        return Ok(Vec::new());
    };
    let mut books = store.collections_of(owner.id, ADDRESSBOOK).await?;
    books.sort_by_key(|b| (b.slug != DIRECTORY, b.slug.clone()));
    Ok(books)
}

fn person(e: &DirectoryEntry, company: &str, photo: Option<(String, Vec<u8>)>) -> DirectoryPerson {
    DirectoryPerson {
        uid: e.external_id.clone().unwrap_or_else(|| format!("portico-{}", e.login)),
        login: e.login.clone(),
        given_name: e.given_name.clone(),
        surname: e.surname.clone(),
        display_name: Some(e.display_name.clone()),
        email: e.email.clone(),
        phone: e.phone.clone(),
        mobile: e.mobile.clone(),
        title: e.title.clone(),
        company: Some(company.to_owned()),
        department: e.department_name.clone(),
        birthday: e.birthday.clone(),
        photo,
        manager: e.manager_login.as_ref().map(|login| {
            let uid = e
                .manager_external_id
                .clone()
                .unwrap_or_else(|| format!("portico-{login}"));
            (uid, e.manager_name.clone().unwrap_or_else(|| login.clone()))
        }),
    }
}

impl<'a> Directory<'a> {
    pub(super) fn new(core: &'a Core, actor: &'a Actor) -> Self {
        Directory { core, actor }
    }

    fn store(&self) -> &dyn Storage {
        &*self.core.store
    }

    /// Every signed-in user reads the directory.
    fn require_signed_in(&self) -> Result<()> {
        if self.actor.is_system() || (self.actor.principal().active && self.actor.principal().id > 0) {
            Ok(())
        } else {
            Err(Error::forbidden())
        }
    }

    /// Every active employee as the directory shows them.
    pub async fn people(&self) -> Result<std::sync::Arc<Vec<DirectoryEntry>>> {
        self.require_signed_in()?;
        Ok(self.store().directory_entries().await?)
    }

    /// `people` as vCards (3.0, as the directory book serves them, without photos), one after
    /// the other: an address book file any client imports.
    pub fn vcards(&self, people: &[&DirectoryEntry]) -> Result<String> {
        self.require_signed_in()?;
        let company = &self.core.settings.company_name;
        Ok(people
            .iter()
            .map(|e| directory_card(&person(e, company, None), VcardVersion::V3))
            .collect())
    }

    /// Hires, moves and departures the directory sync logged since `since` (Unix seconds).
    pub async fn staff_changes_since(&self, since: i64) -> Result<Vec<StaffChangeRow>> {
        self.require_signed_in()?;
        Ok(self.store().staff_changes_since(since).await?)
    }

    /// Makes `changes` (login, kind, JSON detail, time; oldest first) the staff changes logged
    /// from `source` (the demo company's); administrators and the system only.
    pub async fn replace_staff_changes(&self, source: &str, changes: &[(&str, &str, String, i64)]) -> Result<()> {
        self.actor.require_admin()?;
        Ok(self.store().replace_staff_changes(source, changes).await?)
    }

    /// Every department with its parent, head and head count (the company structure).
    pub async fn departments(&self) -> Result<Vec<DepartmentRow>> {
        self.require_signed_in()?;
        Ok(self.store().departments().await?)
    }

    /// How many departments there are.
    pub async fn department_count(&self) -> Result<i64> {
        Ok(self.store().count_departments().await?)
    }

    /// A new department (under `parent_id`); answers its id.
    pub async fn create_department(&self, name: &str, parent_id: Option<i64>) -> Result<i64> {
        self.actor.require_admin()?;
        Ok(self
            .store()
            .create_department(NewDepartment { name, parent_id })
            .await?)
    }

    pub async fn set_head(&self, department_id: i64, head: &Principal) -> Result<()> {
        self.actor.require_admin()?;
        Ok(self.store().set_department_head(department_id, head.id).await?)
    }

    /// Sets an employee's birthday (administrators; the demo company keeps its birthdays
    /// near today with it).
    pub async fn set_birthday(&self, employee: &Principal, birthday: chrono::NaiveDate) -> Result<()> {
        self.actor.require_admin()?;
        let day = birthday.format("%Y-%m-%d").to_string();
        if self.store().set_employee_birthday(employee.id, &day).await? {
            Ok(())
        } else {
            Err(Error::not_found())
        }
    }

    /// A new user with their employee record.
    pub async fn add_employee(&self, new: NewEmployee<'_>) -> Result<Principal> {
        self.actor.require_admin()?;
        if !crate::core::principals::valid_login(new.login) {
            return Err(Error::invalid(format!(
                "login {:?} must be 1 to 64 characters of letters, digits, '.', '_' or '-'",
                new.login
            )));
        }
        let hash = match new.password {
            Some(p) => Some(crate::core::auth::password::hash(p).map_err(Error::internal)?),
            None => None,
        };
        let principal = self
            .store()
            .create_principal(NewPrincipal {
                kind: PrincipalKind::User,
                login: new.login,
                display_name: new.display_name,
                email: new.email,
                password_hash: hash.as_deref(),
                is_admin: false,
            })
            .await?;
        self.store().upsert_employee(principal.id, &new.fields).await?;
        Ok(principal)
    }

    /// Regenerates the directory books from the employee records (vCard 3.0, the version
    /// most clients expect; clients may ask for 4.0 in a REPORT).
    pub async fn refresh_books(&self) -> Result<Refresh> {
        self.actor.require_admin()?;
        let store = self.store();
        let owner = match store.principal_by_login(OWNER).await? {
            Some(p) => p,
            None => match store
                .create_principal(NewPrincipal {
                    kind: PrincipalKind::Group,
                    login: OWNER,
                    display_name: "Company directory",
                    email: None,
                    password_hash: None,
                    is_admin: false,
                })
                .await
            {
                Ok(p) => p,
                Err(StoreError::Conflict(_)) => store
                    .principal_by_login(OWNER)
                    .await?
                    .ok_or_else(|| Error::conflict("the directory owner vanished"))?,
                Err(e) => return Err(e.into()),
            },
        };
        let company = self.core.settings.company_name.clone();
        let entries = store.directory_entries().await?;
        let mut everyone: Cards = BTreeMap::new();
        let mut departments: BTreeMap<String, (String, Cards)> = BTreeMap::new();
        for e in entries.iter() {
            let photo = match &e.photo_sha256 {
                Some(sha) => self.read_photo(sha).await,
                None => None,
            };
            let p = person(e, &company, photo);
            let card = directory_card(&p, VcardVersion::V3);
            // Named by the stable uid, so a renamed person keeps their card.
            let name = format!("{}.vcf", p.uid);
            if let (Some(slug), Some(dept)) = (&e.department_slug, &e.department_name) {
                let book = departments
                    .entry(slug.clone())
                    .or_insert_with(|| (dept.clone(), BTreeMap::new()));
                book.1.insert(name.clone(), (p.uid.clone(), card.clone()));
            }
            everyone.insert(name, (p.uid, card));
        }
        let mut books: Vec<(Collection, &Cards)> = vec![(
            self.ensure_book(owner.id, DIRECTORY, &format!("{company} directory"))
                .await?,
            &everyone,
        )];
        for (slug, (name, cards)) in &departments {
            let book = self
                .ensure_book(owner.id, &format!("{DEPT_PREFIX}{slug}"), name)
                .await?;
            books.push((book, cards));
        }
        let mut changes = Vec::new();
        for (book, cards) in &books {
            changes.push(book_changes(store, book, cards).await?);
        }
        // A card is indexed once, though the directory book and a department's both hold it.
        let mut index: HashMap<&str, Vec<(&'static str, String)>> = HashMap::new();
        for change in &changes {
            for (name, _, _, text) in &change.written {
                index
                    .entry(name.as_str())
                    .or_insert_with(|| carddav::index_values(text.as_bytes()));
            }
        }
        let items: Vec<Vec<IndexedCard<'_>>> = changes
            .iter()
            .map(|change| {
                change
                    .written
                    .iter()
                    .map(|(name, uid, etag, text)| {
                        (
                            NewItem {
                                schedule_tag: None,
                                name,
                                uid,
                                etag,
                                component: "VCARD",
                                data: text,
                                time_start: 0,
                                time_end: 0,
                                is_oof: false,
                            },
                            index.get(name.as_str()).cloned().unwrap_or_default(),
                        )
                    })
                    .collect()
            })
            .collect();
        let removed: Vec<Vec<&str>> = changes
            .iter()
            .map(|c| c.removed.iter().map(String::as_str).collect())
            .collect();
        let writes: Vec<CardsWrite<'_>> = changes
            .iter()
            .zip(&items)
            .zip(&removed)
            .map(|((change, items), removed)| CardsWrite {
                collection_id: change.collection_id,
                written: items,
                removed,
            })
            .collect();
        // Every book's changes in one transaction: a sync killed here leaves the books as
        // they were, never half rewritten.
        store.replace_cards(&writes).await?;
        let total = Refresh {
            written: writes.iter().map(|w| w.written.len()).sum(),
            removed: writes.iter().map(|w| w.removed.len()).sum(),
        };
        let live: Vec<&str> = books.iter().map(|(b, _)| b.slug.as_str()).collect();
        for stale in store
            .collections_of(owner.id, ADDRESSBOOK)
            .await?
            .into_iter()
            .filter(|b| !live.contains(&b.slug.as_str()))
        {
            store.delete_collection(stale.id).await?;
        }
        Ok(total)
    }

    async fn ensure_book(&self, owner_id: i64, slug: &str, name: &str) -> Result<Collection> {
        let store = self.store();
        if let Some(c) = store.collection(owner_id, ADDRESSBOOK, slug).await? {
            return Ok(c);
        }
        let new = NewCollection {
            owner_id,
            kind: ADDRESSBOOK,
            slug,
            displayname: Some(name),
            description: None,
            color: None,
            timezone: None,
            components: "",
        };
        match store.create_collection(&new).await {
            Ok(c) => Ok(c),
            Err(StoreError::Conflict(_)) => store
                .collection(owner_id, ADDRESSBOOK, slug)
                .await?
                .ok_or_else(|| Error::conflict(format!("address book {slug} vanished"))),
            Err(e) => Err(e.into()),
        }
    }

    async fn read_photo(&self, sha256: &str) -> Option<(String, Vec<u8>)> {
        use tokio::io::AsyncReadExt;
        let mut file = self.core.blobs.open(sha256).await.ok()?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).await.ok()?;
        let mime = if bytes.starts_with(&[0x89, b'P', b'N', b'G']) {
            "image/png"
        } else {
            "image/jpeg"
        };
        Some((mime.to_owned(), bytes))
    }

    /// Claims this process's sync pass (administrators): `None` while another pass runs.
    pub fn claim_sync(&self) -> Result<Option<SyncClaim>> {
        self.actor.require_admin()?;
        let monitor = &self.core.directory_sync;
        {
            let mut running = monitor.running();
            if running.is_some() {
                return Ok(None);
            }
            *running = Some(SyncProgress {
                started_at: crate::store::now(),
                phase: SyncPhase::Reading { entries: None },
            });
        }
        Ok(Some(SyncClaim {
            monitor: Arc::clone(monitor),
            observer: None,
        }))
    }

    /// The pass this process is running, if any (administrators).
    pub fn sync_progress(&self) -> Result<Option<SyncProgress>> {
        self.actor.require_admin()?;
        Ok(*self.core.directory_sync.running())
    }

    /// Runs one sync pass from `source` and applies it, then refreshes the books, unless a
    /// pass runs already ([`SyncError::Busy`]); on failure nothing changes and the status row
    /// records the error.
    pub async fn sync(
        &self,
        source: &impl DirectorySource,
        config: &LdapConfig,
        full_sync_hours: u64,
        force_full: bool,
    ) -> std::result::Result<PassReport, SyncError> {
        let claim = self.claim_sync()?.ok_or(SyncError::Busy)?;
        self.sync_claimed(&claim, source, config, full_sync_hours, force_full)
            .await
    }

    /// [`Directory::sync`] under a claim already made (the page claims before it answers, the
    /// pass runs after).
    pub async fn sync_claimed(
        &self,
        claim: &SyncClaim,
        source: &impl DirectorySource,
        config: &LdapConfig,
        full_sync_hours: u64,
        force_full: bool,
    ) -> std::result::Result<PassReport, SyncError> {
        self.actor.require_admin()?;
        match self.sync_pass(claim, source, config, full_sync_hours, force_full).await {
            Ok(report) => {
                if let Err(e) = self.record_pass(&report).await {
                    tracing::error!(error = %e, "could not record the directory sync's figures");
                }
                Ok(report)
            }
            Err(e) => {
                if let Err(record) = self.store().record_directory_failure(LDAP_SOURCE, &e.to_string()).await {
                    tracing::error!(error = %record, "could not record the failed directory sync");
                }
                Err(e)
            }
        }
    }

    /// Records a failure that happened before a pass could start (the directory's settings).
    pub async fn record_failure(&self, error: &str) -> Result<()> {
        self.actor.require_admin()?;
        Ok(self.store().record_directory_failure(LDAP_SOURCE, error).await?)
    }

    async fn sync_pass(
        &self,
        claim: &SyncClaim,
        source: &impl DirectorySource,
        config: &LdapConfig,
        full_sync_hours: u64,
        force_full: bool,
    ) -> std::result::Result<PassReport, SyncError> {
        let store = self.store();
        let state = store.directory_state(LDAP_SOURCE).await?;
        let full_every = i64::try_from(full_sync_hours.saturating_mul(3600)).unwrap_or(i64::MAX);
        let full_due = state
            .as_ref()
            .and_then(|s| s.last_full_at)
            .is_none_or(|at| crate::store::now().saturating_sub(at) >= full_every);
        let cursor = state.and_then(|s| s.cursor).and_then(|c| Cursor::decode(&c).ok());
        claim.enter(SyncPhase::Reading { entries: None });
        let pass = match cursor {
            Some(cursor) if !force_full && !full_due => match source.delta_pass(&cursor).await? {
                DeltaOutcome::Changes(delta) => SyncPass::Delta(delta),
                DeltaOutcome::NeedsFullResync(reason) => {
                    tracing::info!(?reason, "directory needs a full resync");
                    SyncPass::Full(source.full_pass().await?)
                }
            },
            _ => SyncPass::Full(source.full_pass().await?),
        };
        claim.enter(SyncPhase::Reading {
            entries: Some(pass.people().len() + pass.skipped().len()),
        });
        let local = store.directory_people().await?;
        let planned = plan(&local, &pass);
        planned.check_deactivation_limit(&local, config.max_deactivate_percent)?;
        let photos = self.store_photos(claim, &planned).await?;
        claim.enter(SyncPhase::Applying {
            created: planned.create.len(),
            updated: planned.update.len(),
            deactivated: planned.deactivate.len(),
        });
        let summary = store.apply_directory_plan(LDAP_SOURCE, &planned, &photos).await?;
        claim.enter(SyncPhase::WritingBooks);
        self.refresh_books().await?;
        Ok(PassReport {
            full: planned.full,
            summary,
            skipped: planned.skipped.len(),
            skipped_entries: planned.skipped,
        })
    }

    /// Stores the photos of the people a plan creates or updates, each distinct picture once
    /// and several at a time (each is a file made durable on its own); answers each person's
    /// blob digest by external id.
    async fn store_photos(
        &self,
        claim: &SyncClaim,
        planned: &Plan,
    ) -> std::result::Result<HashMap<String, String>, BlobError> {
        let mut by_picture: HashMap<&[u8], Vec<&str>> = HashMap::new();
        for person in planned.create.iter().chain(planned.update.iter().map(|u| &u.person)) {
            if let Some(photo) = &person.photo {
                by_picture
                    .entry(photo.as_slice())
                    .or_default()
                    .push(&person.external_id);
            }
        }
        // Owned, so that the writes' futures borrow nothing but the blob store.
        let pictures: Vec<(Bytes, Vec<String>)> = by_picture
            .into_iter()
            .map(|(picture, people)| {
                (
                    Bytes::copy_from_slice(picture),
                    people.into_iter().map(str::to_owned).collect(),
                )
            })
            .collect();
        if !pictures.is_empty() {
            claim.enter(SyncPhase::StoringPhotos { photos: pictures.len() });
        }
        let blobs = &self.core.blobs;
        let stored: Vec<(Vec<String>, String)> = futures_util::stream::iter(pictures)
            .map(|(picture, people)| async move {
                let chunk: std::result::Result<Bytes, BlobError> = Ok(picture);
                let blob = blobs
                    .put(Box::pin(futures_util::stream::iter([chunk])), 16 * 1024 * 1024)
                    .await?;
                Ok::<_, BlobError>((people, blob.sha256))
            })
            .buffer_unordered(PHOTO_WRITERS)
            .try_collect()
            .await?;
        Ok(stored
            .into_iter()
            .flat_map(|(people, sha)| people.into_iter().map(move |p| (p, sha.clone())))
            .collect())
    }

    /// Tests the directory `config` describes without changing anything: connects, binds and
    /// counts the people the user filter matches, within ten seconds (administrators). The
    /// inner result is the test's outcome.
    pub async fn test_connection(
        &self,
        config: &LdapConfig,
    ) -> Result<std::result::Result<ldap_sync::ProbeReport, ldap_sync::ProbeFailure>> {
        self.actor.require_admin()?;
        Ok(ldap_sync::test_connection(config).await)
    }

    /// The figures of the last completed sync pass, if one was recorded (administrators).
    pub async fn last_pass(&self) -> Result<Option<LastPass>> {
        self.actor.require_admin()?;
        let Some(text) = self.store().directory_report(LDAP_SOURCE).await? else {
            return Ok(None);
        };
        match serde_json::from_str(&text) {
            Ok(last) => Ok(Some(last)),
            Err(e) => {
                tracing::warn!(error = %e, "the directory sync's recorded figures cannot be read");
                Ok(None)
            }
        }
    }

    /// Keeps a completed pass's figures, and the first skipped entries with their reasons, in
    /// the status row.
    async fn record_pass(&self, report: &PassReport) -> Result<()> {
        let last = LastPass {
            at: crate::store::now(),
            full: report.full,
            created: report.summary.created,
            updated: report.summary.updated,
            deactivated: report.summary.deactivated,
            unchanged: report.summary.unchanged,
            skipped_total: report.skipped,
            skipped: report
                .skipped_entries
                .iter()
                .take(KEPT_SKIPS)
                .map(SkippedNote::of)
                .collect(),
        };
        let text = serde_json::to_string(&last).map_err(Error::internal)?;
        Ok(self.store().record_directory_report(LDAP_SOURCE, &text).await?)
    }
}

/// What makes one book hold exactly `cards` (name → vCard): the cards that differ (name, uid,
/// new ETag, text) and the names to remove.
struct BookChanges<'c> {
    collection_id: i64,
    written: Vec<(&'c String, &'c String, String, &'c String)>,
    removed: Vec<String>,
}

async fn book_changes<'c>(store: &dyn Storage, book: &Collection, cards: &'c Cards) -> Result<BookChanges<'c>> {
    let existing: HashMap<String, String> = store
        .item_metas(book.id)
        .await?
        .into_iter()
        .map(|m| (m.name, m.etag))
        .collect();
    let mut written = Vec::new();
    for (name, (uid, text)) in cards {
        let etag = crate::core::calendars::etag_of(text.as_bytes());
        if existing.get(name) != Some(&etag) {
            written.push((name, uid, etag, text));
        }
    }
    let removed = existing.into_keys().filter(|n| !cards.contains_key(n)).collect();
    Ok(BookChanges {
        collection_id: book.id,
        written,
        removed,
    })
}

/// Skipped entries the status row keeps, with their reasons.
const KEPT_SKIPS: usize = 50;

/// What the last completed sync pass did, as the status row keeps it (JSON) for the
/// administration page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LastPass {
    /// When it was applied (Unix seconds).
    pub at: i64,
    pub full: bool,
    pub created: usize,
    pub updated: usize,
    pub deactivated: usize,
    pub unchanged: usize,
    /// Entries left out; the first fifty of them are in `skipped`.
    pub skipped_total: usize,
    pub skipped: Vec<SkippedNote>,
}

/// An entry a pass left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SkippedNote {
    pub dn: String,
    pub reason: SkipKind,
    /// The attribute or login the reason names (empty if none).
    pub detail: String,
    /// The reason in the connector's words (English), for a reason this version does not know.
    pub text: String,
}

/// Why an entry was left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipKind {
    MissingAttribute,
    InvalidValue,
    NotText,
    InvalidLogin,
    InvalidDn,
    DuplicateLogin,
    DuplicateExternalId,
    /// A reason recorded by another version.
    #[serde(other)]
    Other,
}

impl SkippedNote {
    fn of(entry: &ldap_sync::SkippedEntry) -> SkippedNote {
        use ldap_sync::{MapError, SkipReason};
        let (reason, detail) = match &entry.reason {
            SkipReason::Unmappable { error } => match error {
                MapError::MissingAttribute { attribute } => (SkipKind::MissingAttribute, attribute.clone()),
                MapError::InvalidValue { attribute, .. } => (SkipKind::InvalidValue, attribute.clone()),
                MapError::NotText { attribute } => (SkipKind::NotText, attribute.clone()),
                MapError::InvalidLogin { login } => (SkipKind::InvalidLogin, login.clone()),
                MapError::Dn(_) => (SkipKind::InvalidDn, String::new()),
            },
            SkipReason::DuplicateLogin { login } => (SkipKind::DuplicateLogin, login.clone()),
            SkipReason::DuplicateExternalId => (
                SkipKind::DuplicateExternalId,
                entry.external_id.clone().unwrap_or_default(),
            ),
        };
        SkippedNote {
            dn: entry.dn.clone(),
            reason,
            detail,
            text: entry.reason.to_string(),
        }
    }
}
