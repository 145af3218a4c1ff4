//! The document library: company (`shared`), department and personal libraries of folders
//! and files with versions, dead properties, WebDAV locks and quotas.
//!
//! A path below `/docs/` names a virtual listing (`/docs/`, `/docs/users/`,
//! `/docs/departments/`) or a node of one library ([`Documents::locate`]). Every command asks
//! [`crate::core::authz`] for the actor's level first; writes check the `If` header and the
//! locks that protect what they change ([`locks`]), and then write in one transaction.
//!
//! Submodules: `cleanup` (blobs nothing refers to), `locks` (conditions and LOCK/UNLOCK),
//! `read` (nodes, listings, contents, versions, PROPPATCH), `write` (PUT, DELETE, MKCOL,
//! COPY/MOVE, restore).

mod cleanup;
mod locks;
mod read;
mod write;

use dav::encode_href;

use crate::blobs::BlobRef;
use crate::core::authz::{Action, DocumentFacts, Library, Resource, can, document_level};
use crate::core::{Actor, Core, Error, PrincipalKind, Result};
use crate::store::{AccessLevel, DocGrant, NewContent, Storage};

pub use cleanup::Cleanup;
pub use locks::{LockGranted, LockRequest, Scope};
pub use read::{ListedNode, Listing, VirtualEntry};
pub(crate) use write::check_preconditions;
pub use write::{CopyMove, PutFile, Written};

pub use crate::store::{AccessLevel as Level, DeadProp, DocLock, DocNode, DocVersion, Grantee, PropChange};

/// The URL prefix of the library; lock roots in `DAV:error` bodies are hrefs below it.
pub const PREFIX: &str = "/docs";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VirtualDir {
    Root,
    Users,
    Departments,
}

impl VirtualDir {
    pub fn href(self) -> &'static str {
        match self {
            VirtualDir::Root => "/docs/",
            VirtualDir::Users => "/docs/users/",
            VirtualDir::Departments => "/docs/departments/",
        }
    }
}

/// A path inside a library.
#[derive(Debug, Clone)]
pub struct DocTarget {
    /// Decoded segments below `/docs/`, e.g. `["users", "alice", "Report.docx"]`.
    pub segments: Vec<String>,
    /// The segments joined with '/': the store key.
    pub path: String,
    /// The library root's store key: `shared`, `users/alice`, `departments/sales`.
    pub root: String,
    pub library: Library,
}

impl DocTarget {
    pub fn is_root(&self) -> bool {
        self.path == self.root
    }

    /// The canonical href, with a trailing slash for collections.
    pub fn href(&self, collection: bool) -> String {
        format!("{PREFIX}{}", encode_href(&self.segments, collection))
    }

    /// The store key of the parent folder.
    pub fn parent_path(&self) -> &str {
        crate::store::parent_of(&self.path)
    }

    /// The file or folder name.
    pub fn name(&self) -> &str {
        self.segments.last().map_or("", String::as_str)
    }
}

/// What a path below `/docs/` names.
#[derive(Debug, Clone)]
pub enum Located {
    Virtual(VirtualDir),
    Doc(DocTarget),
}

/// The href of a store path (a lock root, a child in a listing).
pub fn href_of(path: &str, collection: bool) -> String {
    let segments: Vec<&str> = path.split('/').collect();
    format!("{PREFIX}{}", encode_href(&segments, collection))
}

/// What kind of grantee a listed grant names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GranteeKind {
    User,
    Group,
    Department,
}

/// A grant set on a folder or a calendar, with whom it names, as those who manage it see it.
#[derive(Debug, Clone)]
pub struct ListedGrant {
    pub grantee: Grantee,
    pub kind: GranteeKind,
    /// A user's or group's login, a department's slug (empty when it has none).
    pub name: String,
    /// Their display name; a department's name.
    pub display_name: String,
    pub level: AccessLevel,
}

/// Stored grants (a folder's or a calendar's: principal id, department id, level) with whom
/// each names; those whose grantee is gone or whose level is unknown are left out.
pub(crate) async fn listed_grants(
    store: &dyn Storage,
    grants: Vec<(Option<i64>, Option<i64>, i64)>,
) -> Result<Vec<ListedGrant>> {
    let mut out = Vec::new();
    for (principal_id, department_id, level) in grants {
        if let Some(listed) = listed_grant(store, principal_id, department_id, level).await? {
            out.push(listed);
        }
    }
    Ok(out)
}

async fn listed_grant(
    store: &dyn Storage,
    principal_id: Option<i64>,
    department_id: Option<i64>,
    level: i64,
) -> Result<Option<ListedGrant>> {
    let Some(level) = AccessLevel::from_i64(level) else {
        return Ok(None);
    };
    Ok(match (principal_id, department_id) {
        (Some(id), _) => store.principal_by_id(id).await?.map(|p| ListedGrant {
            grantee: Grantee::Principal(id),
            kind: match p.kind {
                PrincipalKind::Group => GranteeKind::Group,
                PrincipalKind::User | PrincipalKind::Resource => GranteeKind::User,
            },
            name: p.login,
            display_name: p.display_name,
            level,
        }),
        (None, Some(id)) => {
            let Some(display_name) = store.department_name(id).await? else {
                return Ok(None);
            };
            Some(ListedGrant {
                grantee: Grantee::Department(id),
                kind: GranteeKind::Department,
                name: store.department_slug(id).await?.unwrap_or_default(),
                display_name,
                level,
            })
        }
        (None, None) => None,
    })
}

/// The document library as one actor sees it.
pub struct Documents<'a> {
    core: &'a Core,
    actor: &'a Actor,
}

impl<'a> Documents<'a> {
    pub(super) fn new(core: &'a Core, actor: &'a Actor) -> Self {
        Documents { core, actor }
    }

    fn store(&self) -> &dyn Storage {
        &*self.core.store
    }

    /// Resolves decoded segments; unknown libraries, users and departments are 404. A
    /// library's root folder is created the first time it is reached.
    pub async fn locate(&self, segments: Vec<String>) -> Result<Located> {
        let located = resolve(self.store(), segments).await?;
        if let Located::Doc(doc) = &located {
            let root = doc.root.clone();
            let store = self.store();
            self.core
                .provision(&root, async { Ok(store.doc_ensure_root(&root).await?) })
                .await?;
        }
        Ok(located)
    }

    async fn grants_and_memberships(&self, path: &str) -> Result<(Vec<DocGrant>, &crate::store::Memberships)> {
        Ok((
            self.store().doc_grants_covering(path).await?,
            self.actor.memberships(self.store()).await?,
        ))
    }

    /// The actor's effective level on the target (None: no access at all).
    pub async fn level(&self, target: &DocTarget) -> Result<Option<AccessLevel>> {
        if self.actor.is_system() {
            return Ok(Some(AccessLevel::Manage));
        }
        let (grants, memberships) = self.grants_and_memberships(&target.path).await?;
        Ok(document_level(
            self.actor.principal(),
            &DocumentFacts {
                library: &target.library,
                grants: &grants,
                memberships,
            },
        ))
    }

    /// 403 unless the actor may perform `action` on the target.
    pub async fn require(&self, target: &DocTarget, action: Action) -> Result<()> {
        if self.actor.is_system() {
            return Ok(());
        }
        let (grants, memberships) = self.grants_and_memberships(&target.path).await?;
        let facts = DocumentFacts {
            library: &target.library,
            grants: &grants,
            memberships,
        };
        if can(self.actor.principal(), action, Resource::Document(&facts)) {
            Ok(())
        } else {
            Err(Error::forbidden())
        }
    }

    /// Grants a level on a folder to a user, group or department (`None` removes the
    /// grant); those who manage the folder may.
    pub async fn set_grant(&self, target: &DocTarget, grantee: Grantee, level: Option<AccessLevel>) -> Result<()> {
        self.require(target, Action::Manage).await?;
        match level {
            Some(level) => self.store().doc_grant(&target.path, grantee, level).await?,
            None => {
                self.store().doc_revoke(&target.path, grantee).await?;
            }
        }
        Ok(())
    }

    /// The grants set on the target itself (those on folders above it are inherited, and
    /// listed there), each with whom it names; those who manage the folder may see them.
    pub async fn grants(&self, target: &DocTarget) -> Result<Vec<ListedGrant>> {
        self.require(target, Action::Manage).await?;
        let grants = self.store().doc_grants_on(&target.path).await?;
        listed_grants(
            self.store(),
            grants
                .iter()
                .map(|g| (g.principal_id, g.department_id, g.level))
                .collect(),
        )
        .await
    }

    /// `blob` as new content written by the actor, keeping the configured number of versions.
    fn content<'b>(&self, blob: &'b BlobRef, content_type: &'b str) -> NewContent<'b> {
        NewContent {
            blob,
            content_type,
            author_id: self.actor.principal().id,
            keep_versions: i64::try_from(self.core.settings.max_versions).unwrap_or(i64::MAX),
        }
    }

    /// The quota of the library `target` is in, in bytes.
    fn quota_of(&self, target: &DocTarget) -> i64 {
        let settings = &self.core.settings;
        let bytes = match target.library {
            Library::User { .. } => settings.quota_bytes,
            Library::Department { .. } => settings.department_quota_bytes,
            Library::Shared => settings.shared_quota_bytes,
        };
        i64::try_from(bytes).unwrap_or(i64::MAX)
    }

    /// The library's (used, available) bytes; every kept version counts.
    async fn usage(&self, target: &DocTarget) -> Result<(i64, i64)> {
        let used = self.store().doc_used_bytes(&target.root).await?;
        Ok((used, self.quota_of(target).saturating_sub(used).max(0)))
    }

    /// The space left in the library `target` is in.
    async fn quota_left(&self, target: &DocTarget) -> Result<i64> {
        Ok(self.usage(target).await?.1)
    }
}

/// Resolves decoded segments to a target; unknown libraries, users and departments are 404.
async fn resolve(store: &dyn Storage, segments: Vec<String>) -> Result<Located> {
    let (root, library) = match segments.as_slice() {
        [] => return Ok(Located::Virtual(VirtualDir::Root)),
        [only] if only == "users" => return Ok(Located::Virtual(VirtualDir::Users)),
        [only] if only == "departments" => return Ok(Located::Virtual(VirtualDir::Departments)),
        [first, ..] if first == "shared" => ("shared".to_owned(), Library::Shared),
        [first, login, ..] if first == "users" => {
            let principal = store
                .principal_by_login(login)
                .await?
                .filter(|p| p.active)
                .ok_or_else(Error::not_found)?;
            (
                format!("users/{}", principal.login),
                Library::User { login: principal.login },
            )
        }
        [first, slug, ..] if first == "departments" => {
            let (id, head_id) = store.department_by_slug(slug).await?.ok_or_else(Error::not_found)?;
            (format!("departments/{slug}"), Library::Department { id, head_id })
        }
        _ => return Err(Error::not_found()),
    };
    let path = segments.join("/");
    Ok(Located::Doc(DocTarget {
        segments,
        path,
        root,
        library,
    }))
}
