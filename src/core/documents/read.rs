//! Reading the library: a node and its listing (one query for the children and one for all
//! their dead properties, so a Depth-1 PROPFIND costs a constant number of queries),
//! contents, versions, the virtual folders, and PROPPATCH of dead properties (§9.2: all or
//! nothing).

use std::collections::HashMap;

use dav::IfHeader;

use crate::core::authz::Action;
use crate::core::{Error, Result};
use crate::store::{AccessLevel, DeadProp, DocLock, DocNode, DocVersion, PropChange};

use super::locks::Scope;
use super::{DocTarget, Documents, Located, PREFIX, VirtualDir};

/// One node of a listing with what its properties need.
pub struct ListedNode {
    pub href: String,
    pub node: DocNode,
    pub dead: Vec<DeadProp>,
    pub locks: Vec<DocLock>,
}

/// A node, and its children when asked for; the quota (used, available) of a personal
/// drive's folder when asked for.
pub struct Listing {
    pub this: ListedNode,
    pub children: Vec<ListedNode>,
    pub quota: Option<(i64, i64)>,
}

/// A library root shown in a virtual folder.
pub struct VirtualEntry {
    pub href: String,
    pub name: String,
}

impl Documents<'_> {
    /// The node at the target, for a reader.
    pub async fn node(&self, target: &DocTarget) -> Result<Option<DocNode>> {
        self.require(target, Action::Read).await?;
        Ok(self.store().doc_node(&target.path).await?)
    }

    /// The node and (with `children`) its children, with dead properties and locks.
    pub async fn listing(&self, target: &DocTarget, children: bool, quota: bool) -> Result<Listing> {
        self.require(target, Action::Read).await?;
        let store = self.store();
        let node = store.doc_node(&target.path).await?.ok_or_else(Error::not_found)?;
        let quota = if quota && node.is_collection() {
            Some(self.usage(target).await?)
        } else {
            None
        };
        let covering = store.doc_locks_covering(&target.path).await?;
        let mut listed = Vec::new();
        if children && node.is_collection() {
            let kids = store.doc_children(&target.path).await?;
            let mut dead_by_node: HashMap<i64, Vec<DeadProp>> = HashMap::new();
            for (node_id, prop) in store.doc_props_of_children(&target.path).await? {
                dead_by_node.entry(node_id).or_default().push(prop);
            }
            let below = store.doc_locks_below(&target.path).await?;
            let inherited: Vec<&DocLock> = covering.iter().filter(|l| l.is_deep()).collect();
            let mut segments = target.segments.clone();
            for child in kids {
                segments.push(child.name.clone());
                let mut locks: Vec<DocLock> = inherited.iter().map(|l| (*l).clone()).collect();
                locks.extend(below.iter().filter(|l| l.path == child.path).cloned());
                let href = format!("{PREFIX}{}", dav::encode_href(&segments, child.is_collection()));
                segments.pop();
                listed.push(ListedNode {
                    href,
                    dead: dead_by_node.remove(&child.id).unwrap_or_default(),
                    node: child,
                    locks,
                });
            }
        }
        let this = ListedNode {
            href: target.href(node.is_collection()),
            dead: store.doc_props(node.id).await?,
            node,
            locks: covering,
        };
        Ok(Listing {
            this,
            children: listed,
            quota,
        })
    }

    /// The children of a folder (for a browser's index).
    pub async fn children(&self, target: &DocTarget) -> Result<Vec<DocNode>> {
        self.require(target, Action::Read).await?;
        Ok(self.store().doc_children(&target.path).await?)
    }

    /// The display names of those holding `locks` (by principal id), for showing who holds a
    /// lock; a reader of the target may ask.
    pub async fn lock_holders(&self, target: &DocTarget, locks: &[DocLock]) -> Result<HashMap<i64, String>> {
        self.require(target, Action::Read).await?;
        let mut names = HashMap::new();
        for lock in locks {
            if names.contains_key(&lock.principal_id) {
                continue;
            }
            if let Some(p) = self.store().principal_by_id(lock.principal_id).await? {
                names.insert(lock.principal_id, p.display_name);
            }
        }
        Ok(names)
    }

    /// Opens stored content by digest, for streaming it out.
    pub async fn open_content(&self, sha256: &str) -> Result<tokio::fs::File> {
        self.core.blobs.open(sha256).await.map_err(Error::internal)
    }

    pub(super) async fn file_versions(&self, target: &DocTarget) -> Result<(DocNode, Vec<DocVersion>)> {
        let node = self
            .store()
            .doc_node(&target.path)
            .await?
            .filter(|n| !n.is_collection())
            .ok_or_else(Error::not_found)?;
        let versions = self.store().doc_versions(node.id).await?;
        Ok((node, versions))
    }

    /// Every version of a file, oldest first (the last is current).
    pub async fn versions(&self, target: &DocTarget) -> Result<Vec<DocVersion>> {
        self.require(target, Action::Read).await?;
        Ok(self.file_versions(target).await?.1)
    }

    /// Version `n` of a file.
    pub async fn version(&self, target: &DocTarget, n: i64) -> Result<DocVersion> {
        self.versions(target)
            .await?
            .into_iter()
            .find(|v| v.version == n)
            .ok_or_else(Error::not_found)
    }

    /// PROPPATCH of dead properties, all or nothing. `locked_writes` says whether the change
    /// needs the lock tokens: Windows and Office set their Win32 timestamps without them,
    /// and letting only those through keeps a locked document's content protected.
    pub async fn proppatch(
        &self,
        target: &DocTarget,
        changes: &[PropChange<'_>],
        modified_at: Option<i64>,
        locked_writes: bool,
        if_header: Option<&IfHeader>,
    ) -> Result<DocNode> {
        self.require(target, Action::Write).await?;
        let node = self
            .store()
            .doc_node(&target.path)
            .await?
            .ok_or_else(Error::not_found)?;
        if locked_writes {
            self.check_write(if_header, target, Scope::Resource).await?;
        }
        self.store().doc_proppatch(node.id, changes, modified_at).await?;
        Ok(node)
    }

    /// The library roots a virtual folder lists, filtered to those the actor may read (any
    /// access to the root, or a grant somewhere inside it, makes it listable).
    pub async fn virtual_children(&self, dir: VirtualDir) -> Result<Vec<VirtualEntry>> {
        let me = self.actor.principal();
        let candidates: Vec<Vec<String>> = match dir {
            VirtualDir::Root => vec![vec!["shared".into()], vec!["departments".into()], vec!["users".into()]],
            VirtualDir::Users => {
                let mut logins: Vec<String> = self
                    .store()
                    .doc_granted_roots(me.id, "users/")
                    .await?
                    .into_iter()
                    .filter_map(|p| {
                        p.strip_prefix("users/")
                            .and_then(|r| r.split('/').next())
                            .map(str::to_owned)
                    })
                    .collect();
                logins.push(me.login.clone());
                logins.sort();
                logins.dedup();
                logins.into_iter().map(|l| vec!["users".into(), l]).collect()
            }
            VirtualDir::Departments => self
                .store()
                .department_slugs()
                .await?
                .into_iter()
                .map(|s| vec!["departments".into(), s])
                .collect(),
        };
        let mut out = Vec::new();
        for segments in candidates {
            let name = segments.last().cloned().unwrap_or_default();
            let href = format!("{PREFIX}{}", dav::encode_href(&segments, true));
            match super::resolve(self.store(), segments).await? {
                Located::Virtual(_) => out.push(VirtualEntry { href, name }),
                Located::Doc(doc) => {
                    let readable = self.level(&doc).await?.is_some_and(|l| l >= AccessLevel::Read)
                        || !self
                            .store()
                            .doc_granted_roots(me.id, &format!("{}/", doc.root))
                            .await?
                            .is_empty();
                    if readable {
                        out.push(VirtualEntry { href, name });
                    }
                }
            }
        }
        Ok(out)
    }
}
