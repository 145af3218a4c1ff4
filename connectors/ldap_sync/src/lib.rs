//! LDAP / Active Directory → Portico's employee directory.
//!
//! The crate reads a directory and says what to change; it never touches the database.
//!
//! - [`LdapConfig`] is the `[ldap]` configuration section; [`LdapConfig::settings`] checks it
//!   and fills in the defaults of the flavour (Active Directory or OpenLDAP).
//! - [`Ldap3Source`] implements [`DirectorySource`]: [`DirectorySource::full_pass`] reads
//!   every person and group with paged searches into a [`Snapshot`];
//!   [`DirectorySource::delta_pass`] reads what changed since a [`Cursor`] into a [`Delta`]
//!   (`uSNChanged` on AD, `modifyTimestamp` on OpenLDAP), or asks for a full pass when the
//!   cursor no longer applies. A pass either returns everything or an error.
//! - [`plan`] compares a pass with the people the server has ([`LocalPerson`]) and returns a
//!   [`Plan`]: people to create, update (with the [`StaffChange`]s to log) and deactivate,
//!   the department tree with heads, groups, and the cursor to store. Identity is the
//!   external id (`objectGUID` / `entryUUID`), so renames and moves update the same person.
//! - [`bind_check`] checks a login (`user`, `DOMAIN\user`, `user@domain`) and password by
//!   binding as the user's entry.
//! - [`test_connection`] connects, binds and counts the people the user filter matches,
//!   within ten seconds, and says which step failed ([`ProbeFailure`]).

mod bind;
mod config;
mod cursor;
mod dn;
mod entry;
mod pass;
mod person;
mod plan;
mod probe;
mod session;
mod source;
mod values;

pub use bind::{BindVerdict, Rejection, bind_check, normalize_login};
pub use config::{
    AttributeOverrides, ConfigError, DepartmentSource, DisabledRule, Flavor, LdapConfig, Secret, Settings,
};
pub use cursor::{Cursor, CursorError};
pub use dn::{DnError, normalize as normalize_dn};
pub use pass::{Delta, DeltaOutcome, OrgUnit, ResyncReason, SkipReason, SkippedEntry, Snapshot, SyncPass};
pub use person::{DepartmentPath, Group, ManagerRef, MapError, Person, SyncedFields};
pub use plan::{
    DeactivationLimitExceeded, DepartmentPlan, GroupPlan, LocalPerson, PersonUpdate, Plan, StaffChange, photo_sha256,
    plan,
};
pub use probe::{ProbeFailure, ProbeReport, test_connection};
pub use session::DirectoryError;
pub use source::{DirectorySource, Ldap3Source};
pub use values::ValueError;
