//! What a pass over the directory returns: a complete [`Snapshot`] or an incremental
//! [`Delta`], both complete in memory before they are handed over, so a pass that fails
//! half-way returns an error and nothing else.

use std::fmt;

use crate::cursor::Cursor;
use crate::person::{DepartmentPath, Group, MapError, Person, SyncedFields};

/// Why an entry is not part of the pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// The entry could not be mapped (missing login, malformed GUID or date, …).
    Unmappable { error: MapError },
    /// Another entry of the pass has the same login.
    DuplicateLogin { login: String },
    /// Another entry of the pass has the same external id.
    DuplicateExternalId,
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Unmappable { error } => write!(f, "{error}"),
            SkipReason::DuplicateLogin { login } => write!(f, "login {login:?} is used by another entry"),
            SkipReason::DuplicateExternalId => f.write_str("external id is used by another entry"),
        }
    }
}

/// An entry left out of a pass. If its external id could be read, a full pass does not
/// deactivate that person (the entry is still there, just unusable) and no update is planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedEntry {
    pub dn: String,
    pub external_id: Option<String>,
    pub reason: SkipReason,
}

/// An organisational unit with an explicit head (`managedBy` on AD) — only with
/// `department_source = "ou"` and an `ou_head` attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgUnit {
    pub path: DepartmentPath,
    pub head_external_id: Option<String>,
}

/// Everything the directory holds, read by a full pass.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub people: Vec<Person>,
    pub groups: Vec<Group>,
    pub org_units: Vec<OrgUnit>,
    pub skipped: Vec<SkippedEntry>,
    /// The optional fields the directory is authoritative for.
    pub fields: SyncedFields,
    pub cursor: Cursor,
}

/// The people (and groups) changed since a cursor, read by an incremental pass. Deleted
/// entries are not visible here; the next full pass deactivates them.
#[derive(Debug, Clone)]
pub struct Delta {
    pub changed_people: Vec<Person>,
    pub changed_groups: Vec<Group>,
    /// All OUs with explicit heads (cheap to re-read, and heads must not flip between
    /// full and incremental passes).
    pub org_units: Vec<OrgUnit>,
    pub skipped: Vec<SkippedEntry>,
    pub fields: SyncedFields,
    pub cursor: Cursor,
}

/// Why an incremental pass cannot continue from the cursor.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResyncReason {
    #[error("the cursor belongs to another directory flavour")]
    FlavorChanged,
    #[error("the directory configuration changed since the cursor was written")]
    ScopeChanged,
    #[error("the directory server changed (was {was:?}, now {now:?})")]
    ServerChanged { was: String, now: String },
    #[error("the server's database was restored (invocationId {was} → {now})")]
    InvocationChanged { was: String, now: String },
    #[error("the server's highestCommittedUSN {now} is below the cursor's {was}")]
    UsnRolledBack { was: u64, now: u64 },
}

/// The result of [`crate::DirectorySource::delta_pass`].
#[derive(Debug, Clone)]
pub enum DeltaOutcome {
    Changes(Delta),
    /// Run a full pass instead.
    NeedsFullResync(ResyncReason),
}

/// A pass of either kind, as [`crate::plan`] takes it.
#[derive(Debug, Clone)]
pub enum SyncPass {
    Full(Snapshot),
    Delta(Delta),
}

impl SyncPass {
    pub fn is_full(&self) -> bool {
        matches!(self, SyncPass::Full(_))
    }
    pub fn people(&self) -> &[Person] {
        match self {
            SyncPass::Full(s) => &s.people,
            SyncPass::Delta(d) => &d.changed_people,
        }
    }
    pub fn groups(&self) -> &[Group] {
        match self {
            SyncPass::Full(s) => &s.groups,
            SyncPass::Delta(d) => &d.changed_groups,
        }
    }
    pub fn org_units(&self) -> &[OrgUnit] {
        match self {
            SyncPass::Full(s) => &s.org_units,
            SyncPass::Delta(d) => &d.org_units,
        }
    }
    pub fn skipped(&self) -> &[SkippedEntry] {
        match self {
            SyncPass::Full(s) => &s.skipped,
            SyncPass::Delta(d) => &d.skipped,
        }
    }
    pub fn fields(&self) -> SyncedFields {
        match self {
            SyncPass::Full(s) => s.fields,
            SyncPass::Delta(d) => d.fields,
        }
    }
    pub fn cursor(&self) -> &Cursor {
        match self {
            SyncPass::Full(s) => &s.cursor,
            SyncPass::Delta(d) => &d.cursor,
        }
    }
}
