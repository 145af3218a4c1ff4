//! Preconditions of every write, and LOCK and UNLOCK (RFC 4918 §6, §7, §9.10, §9.11, §10.4).
//!
//! A write needs the `If` header to hold (412 otherwise), and the token of every lock that
//! protects what it changes, submitted by the lock's owner (423 with
//! `DAV:lock-token-submitted` otherwise). [`check_locks`] is the one rule for the second; the
//! store applies it again inside a PUT's transaction, so a lock granted while an upload
//! streams still stops it.

use std::collections::HashMap;

use dav::{IfHeader, LockScope, Precondition, ResourceState, Timeout};

use crate::core::authz::Action;
use crate::core::{Error, ErrorKind, Result};
use crate::store::{DocLock, NewLock, PutCondition, PutOutcome};

use super::{DocTarget, Documents, PREFIX, href_of};

/// Which locks a change touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Content or properties of the resource itself (PUT over a file, PROPPATCH).
    Resource,
    /// The resource's membership in its parent and everything below it (create, DELETE,
    /// MOVE source, overwritten destination).
    Membership,
}

/// A LOCK request: a new lock (`info`) or a refresh (`None`).
pub struct LockRequest {
    pub info: Option<dav::LockInfo>,
    pub deep: bool,
    pub timeout: Option<Timeout>,
    pub if_header: Option<IfHeader>,
}

/// A granted or refreshed lock; `created` when LOCK made an empty file (§7.3).
pub struct LockGranted {
    pub lock: DocLock,
    pub created: bool,
}

/// 423 unless every group of locks is satisfied by a token the principal submitted. A group
/// is the set of locks protecting one thing (the resource, its parent's membership, a locked
/// descendant): an exclusive lock needs its own token; where only shared locks protect it,
/// the token of any one of them will do (RFC 4918 §6.2: each shared-lock holder may write).
pub fn check_locks(principal_id: i64, if_header: Option<&IfHeader>, groups: &[Vec<DocLock>]) -> Result<()> {
    let submitted = if_header.map(IfHeader::submitted_tokens).unwrap_or_default();
    let held = |l: &DocLock| l.principal_id == principal_id && submitted.contains(&l.token.as_str());
    let mut blocking: Vec<&DocLock> = Vec::new();
    for group in groups.iter().filter(|g| !g.is_empty()) {
        let exclusive: Vec<&DocLock> = group.iter().filter(|l| l.is_exclusive()).collect();
        if exclusive.is_empty() {
            if !group.iter().any(held) {
                blocking.extend(group.iter());
            }
        } else {
            blocking.extend(exclusive.into_iter().filter(|l| !held(l)));
        }
    }
    if blocking.is_empty() {
        return Ok(());
    }
    let mut hrefs: Vec<String> = blocking.iter().map(|l| href_of(&l.path, false)).collect();
    hrefs.dedup();
    Err(Error::with_condition(
        ErrorKind::Locked,
        Precondition::lock_token_submitted(&hrefs),
        "the resource is locked and its lock token was not submitted",
    ))
}

/// The live locks protecting `path` for a change of `scope`, grouped as [`check_locks`]
/// wants them, from what covers the path, its parent and its descendants.
pub fn lock_groups(
    own: Vec<DocLock>,
    parent: Option<Vec<DocLock>>,
    mut below: Vec<DocLock>,
    scope: Scope,
) -> Vec<Vec<DocLock>> {
    let mut groups: Vec<Vec<DocLock>> = Vec::new();
    if scope == Scope::Membership {
        if let Some(parent) = parent {
            groups.push(
                parent
                    .into_iter()
                    .filter(|l| !own.iter().any(|o| o.token == l.token))
                    .collect(),
            );
        }
        below.sort_by(|a, b| a.path.cmp(&b.path));
        for lock in below {
            match groups.last_mut() {
                Some(last) if last.first().is_some_and(|l: &DocLock| l.path == lock.path) => last.push(lock),
                _ => groups.push(vec![lock]),
            }
        }
    }
    groups.push(own);
    groups
}

/// A resource tag's path mapped to a store path (None when it is not in the library).
fn store_path_of(encoded_path: &str) -> Option<String> {
    let below = encoded_path.strip_prefix(PREFIX)?;
    dav::decode_path(below).ok().map(|s| s.join("/"))
}

impl Documents<'_> {
    /// The `If`-relevant state of a store path.
    async fn state_of(&self, path: &str) -> Result<ResourceState> {
        let etag = self
            .store()
            .doc_node(path)
            .await?
            .filter(|n| !n.is_collection())
            .map(|n| format!("\"{}\"", n.etag));
        let lock_tokens = self
            .store()
            .doc_locks_covering(path)
            .await?
            .into_iter()
            .map(|l| l.token)
            .collect();
        Ok(ResourceState { etag, lock_tokens })
    }

    /// 412 unless the `If` header holds for the request (untagged lists apply to `target`).
    pub(super) async fn check_if(&self, if_header: Option<&IfHeader>, target: &DocTarget) -> Result<()> {
        let Some(if_header) = if_header else { return Ok(()) };
        let mut states: HashMap<String, ResourceState> = HashMap::new();
        let own = self.state_of(&target.path).await?;
        for group in &if_header.groups {
            let Some(tag) = &group.resource else { continue };
            if states.contains_key(&tag.path) {
                continue;
            }
            let state = match store_path_of(&tag.path) {
                Some(p) if p == target.path => own.clone(),
                Some(p) => self.state_of(&p).await?,
                None => ResourceState::default(),
            };
            states.insert(tag.path.clone(), state);
        }
        const REQUEST: &str = "\u{0}request";
        let holds = if_header.evaluate(REQUEST, |p| {
            if p == REQUEST {
                own.clone()
            } else {
                states.get(p).cloned().unwrap_or_default()
            }
        });
        if holds {
            Ok(())
        } else {
            Err(Error::precondition_failed("the If header condition does not hold"))
        }
    }

    /// The live locks protecting `target` for a change of `scope`.
    pub(super) async fn locks_for(&self, target: &DocTarget, scope: Scope) -> Result<Vec<Vec<DocLock>>> {
        let own = self.store().doc_locks_covering(&target.path).await?;
        let (parent, below) = match scope {
            Scope::Membership => (
                if target.is_root() {
                    None
                } else {
                    Some(self.store().doc_locks_covering(target.parent_path()).await?)
                },
                self.store().doc_locks_below(&target.path).await?,
            ),
            Scope::Resource => (None, Vec::new()),
        };
        Ok(lock_groups(own, parent, below, scope))
    }

    /// Both checks for a write to `target`.
    pub(super) async fn check_write(
        &self,
        if_header: Option<&IfHeader>,
        target: &DocTarget,
        scope: Scope,
    ) -> Result<()> {
        self.check_if(if_header, target).await?;
        let locks = self.locks_for(target, scope).await?;
        check_locks(self.actor.principal().id, if_header, &locks)
    }

    fn lock_seconds(&self, requested: Option<Timeout>) -> i64 {
        let s = &self.core.settings;
        let seconds = match requested.unwrap_or(Timeout::Seconds(s.default_lock_seconds)) {
            Timeout::Infinite => s.max_lock_seconds,
            Timeout::Seconds(n) => n.clamp(1, s.max_lock_seconds),
        };
        i64::try_from(seconds).unwrap_or(i64::MAX)
    }

    /// The longest lock a client may take, for parsing its `Timeout` header.
    pub fn max_lock_timeout(&self) -> Timeout {
        Timeout::Seconds(self.core.settings.max_lock_seconds)
    }

    /// LOCK: grants a new lock (creating an empty file at an unmapped URL, §7.3), or
    /// refreshes the lock the `If` header names (§9.10.2).
    pub async fn lock(&self, target: &DocTarget, request: LockRequest) -> Result<LockGranted> {
        self.require(target, Action::Write).await?;
        if target.is_root() {
            // A lock on a library root would stop everyone else writing anywhere in it.
            return Err(Error::forbidden_because("a library root cannot be locked"));
        }
        let timeout = self.lock_seconds(request.timeout);
        let Some(info) = request.info else {
            return self.refresh(target, request.if_header, timeout).await;
        };
        let if_header = request.if_header.as_ref();
        self.check_if(if_header, target).await?;
        let existing = self.store().doc_node(&target.path).await?;
        if existing.is_none() {
            let locks = self.locks_for(target, Scope::Membership).await?;
            check_locks(self.actor.principal().id, if_header, &locks)?;
            let parent = self.store().doc_node(target.parent_path()).await?;
            if !parent.is_some_and(|p| p.is_collection()) {
                return Err(Error::conflict("the parent folder does not exist"));
            }
        }
        let token = format!("urn:uuid:{}", uuid::Uuid::new_v4());
        let owner_xml = info.owner.as_ref().map(|o| o.xml().to_owned());
        let new = NewLock {
            token: &token,
            path: &target.path,
            deep: request.deep,
            exclusive: info.scope == LockScope::Exclusive,
            owner_xml: owner_xml.as_deref(),
            principal_id: self.actor.principal().id,
            timeout_seconds: timeout,
        };
        let lock = match self.store().doc_create_lock(&new).await? {
            Ok(lock) => lock,
            Err(conflict) => {
                return Err(Error::with_condition(
                    ErrorKind::Locked,
                    Precondition::no_conflicting_lock(&[href_of(&conflict.path, false)]),
                    "a conflicting lock exists",
                ));
            }
        };
        let mut created = false;
        if existing.is_none() {
            let empty_blob = self
                .core
                .blobs
                .put(Box::pin(futures_util::stream::empty()), 0)
                .await
                .map_err(Error::internal)?;
            let ctype = mime_guess::from_path(&target.path)
                .first_or_octet_stream()
                .essence_str()
                .to_owned();
            let lock_ok = |_: &[DocLock], _: Option<&[DocLock]>| true;
            match self
                .store()
                .doc_put(
                    &target.path,
                    &self.content(&empty_blob, &ctype),
                    &PutCondition::MustNotExist,
                    &lock_ok,
                )
                .await?
            {
                PutOutcome::Created { .. } => created = true,
                PutOutcome::PreconditionFailed
                | PutOutcome::Replaced { .. }
                | PutOutcome::IsCollection
                | PutOutcome::Locked => {}
                PutOutcome::ParentMissing => {
                    self.store().doc_delete_lock(&token).await?;
                    return Err(Error::conflict("the parent folder does not exist"));
                }
            }
        }
        Ok(LockGranted { lock, created })
    }

    async fn refresh(&self, target: &DocTarget, if_header: Option<IfHeader>, timeout: i64) -> Result<LockGranted> {
        let if_header =
            if_header.ok_or_else(|| Error::invalid("a LOCK refresh needs an If header with the lock token"))?;
        let covering = self.store().doc_locks_covering(&target.path).await?;
        let submitted = if_header.submitted_tokens();
        let Some(lock) = covering
            .iter()
            .find(|l| submitted.contains(&l.token.as_str()) && l.principal_id == self.actor.principal().id)
        else {
            return Err(Error::precondition_failed(
                "no lock of yours on this resource matches the If header",
            ));
        };
        let lock = self
            .store()
            .doc_refresh_lock(&lock.token, timeout)
            .await?
            .ok_or_else(|| Error::precondition_failed("the lock expired"))?;
        Ok(LockGranted { lock, created: false })
    }

    /// UNLOCK: the lock's owner removes it, and so may those who manage the folder (a
    /// department's head, administrators) when someone left a document locked.
    pub async fn unlock(&self, target: &DocTarget, token: &str) -> Result<()> {
        self.require(target, Action::Read).await?;
        let covers =
            |l: &DocLock| l.path == target.path || (l.is_deep() && target.path.starts_with(&format!("{}/", l.path)));
        let Some(lock) = self.store().doc_lock(token).await?.filter(|l| covers(l)) else {
            return Err(Error::with_condition(
                ErrorKind::Conflict,
                Precondition::lock_token_matches_request_uri(),
                "the lock token does not match a lock on this resource",
            ));
        };
        let manages = self.level(target).await? >= Some(crate::store::AccessLevel::Manage);
        if lock.principal_id != self.actor.principal().id && !manages {
            return Err(Error::forbidden());
        }
        self.store().doc_delete_lock(&lock.token).await?;
        Ok(())
    }

    /// Removes every lock on `target` and below it (`portico docs unlock`, the managers'
    /// "unlock" in the web UI); answers how many.
    pub async fn break_locks(&self, target: &DocTarget) -> Result<usize> {
        self.require(target, Action::Manage).await?;
        let mut locks = self.store().doc_locks_covering(&target.path).await?;
        locks.retain(|l| l.path == target.path);
        locks.extend(self.store().doc_locks_below(&target.path).await?);
        for lock in &locks {
            self.store().doc_delete_lock(&lock.token).await?;
        }
        Ok(locks.len())
    }

    /// The live locks covering `target` (for `lockdiscovery`).
    pub async fn locks_covering(&self, target: &DocTarget) -> Result<Vec<DocLock>> {
        Ok(self.store().doc_locks_covering(&target.path).await?)
    }
}
