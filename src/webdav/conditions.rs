//! Preconditions of every write: the `If` header (RFC 4918 §10.4) must hold, and the token of
//! every lock protecting an affected resource must be submitted by the lock's owner (§6.4,
//! §7.4). Failing the first is 412; the second is 423 with `DAV:lock-token-submitted`.

use std::collections::HashMap;

use dav::{IfHeader, Precondition, ResourceState};
use http::HeaderMap;

use crate::http::error::AppError;
use crate::store::{DocLock, Principal, Store};

use super::locate::{DocTarget, PREFIX, segments_of};
use super::read::quoted;

/// The parsed `If` header, if any (400 when malformed).
pub fn parse_if(headers: &HeaderMap) -> Result<Option<IfHeader>, AppError> {
    let Some(value) = headers.get("if") else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| AppError::BadRequest("If header is not ASCII".into()))?;
    IfHeader::parse(text)
        .map(Some)
        .map_err(|e| AppError::BadRequest(e.to_string()))
}

/// The `If`-relevant state of a store path.
async fn state_of(store: &Store, path: &str) -> Result<ResourceState, AppError> {
    let etag = store
        .doc_node(path)
        .await?
        .filter(|n| !n.is_collection())
        .map(|n| quoted(&n.etag));
    let lock_tokens = store
        .doc_locks_covering(path)
        .await?
        .into_iter()
        .map(|l| l.token)
        .collect();
    Ok(ResourceState { etag, lock_tokens })
}

/// A resource tag's path mapped to a store path (None when it is not in the library).
fn store_path_of(encoded_path: &str) -> Option<String> {
    let below = encoded_path.strip_prefix(PREFIX)?;
    segments_of(below).ok().map(|s| s.join("/"))
}

/// 412 unless the `If` header holds for the request (untagged lists apply to `target`).
pub async fn check_if(store: &Store, if_header: Option<&IfHeader>, target: &DocTarget) -> Result<(), AppError> {
    let Some(if_header) = if_header else { return Ok(()) };
    let mut states: HashMap<String, ResourceState> = HashMap::new();
    let own = state_of(store, &target.path).await?;
    for group in &if_header.groups {
        let Some(tag) = &group.resource else { continue };
        if states.contains_key(&tag.path) {
            continue;
        }
        let state = match store_path_of(&tag.path) {
            Some(p) if p == target.path => own.clone(),
            Some(p) => state_of(store, &p).await?,
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
        Err(AppError::PreconditionFailed(
            "the If header condition does not hold".into(),
        ))
    }
}

/// 423 unless every group of locks is satisfied by a token the principal submitted. A group
/// is the set of locks protecting one thing (the resource, its parent's membership, a locked
/// descendant): an exclusive lock needs its own token; where only shared locks protect it,
/// the token of any one of them will do (RFC 4918 §6.2: each shared-lock holder may write).
pub fn check_locks(
    principal: &Principal,
    if_header: Option<&IfHeader>,
    groups: &[Vec<DocLock>],
) -> Result<(), AppError> {
    let submitted = if_header.map(IfHeader::submitted_tokens).unwrap_or_default();
    let held = |l: &DocLock| l.principal_id == principal.id && submitted.contains(&l.token.as_str());
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
    let mut hrefs: Vec<String> = blocking.iter().map(|l| lock_root_href(&l.path)).collect();
    hrefs.dedup();
    Err(AppError::Dav {
        status: http::StatusCode::LOCKED,
        reason: "the resource is locked and its lock token was not submitted".into(),
        condition: Some(Precondition::lock_token_submitted(&hrefs)),
    })
}

/// The href of a lock's root (its store path under `/docs/`).
pub fn lock_root_href(path: &str) -> String {
    let segments: Vec<&str> = path.split('/').collect();
    format!("{PREFIX}{}", dav::path::encode_href(&segments, false))
}

/// Which locks a change touches.
pub enum Scope {
    /// Content or properties of the resource itself (PUT over a file, PROPPATCH).
    Resource,
    /// The resource's membership in its parent and everything below it (create, DELETE,
    /// MOVE source, overwritten destination).
    Membership,
}

/// The live locks protecting `target` for a change of the given scope, grouped by what
/// each group protects (see [`check_locks`]).
pub async fn locks_for(store: &Store, target: &DocTarget, scope: Scope) -> Result<Vec<Vec<DocLock>>, AppError> {
    let own = store.doc_locks_covering(&target.path).await?;
    let mut groups = Vec::new();
    if let Scope::Membership = scope {
        if !target.is_root() {
            let parent: Vec<DocLock> = store
                .doc_locks_covering(target.parent_path())
                .await?
                .into_iter()
                .filter(|l| !own.iter().any(|o| o.token == l.token))
                .collect();
            groups.push(parent);
        }
        let mut below = store.doc_locks_below(&target.path).await?;
        below.sort_by(|a, b| a.path.cmp(&b.path));
        for lock in below {
            match groups.last_mut() {
                Some(last) if last.first().is_some_and(|l: &DocLock| l.path == lock.path) => last.push(lock),
                _ => groups.push(vec![lock]),
            }
        }
    }
    groups.push(own);
    Ok(groups)
}

/// Both checks for a write to `target`.
pub async fn check_write(
    store: &Store,
    principal: &Principal,
    headers: &HeaderMap,
    target: &DocTarget,
    scope: Scope,
) -> Result<(), AppError> {
    let if_header = parse_if(headers)?;
    check_if(store, if_header.as_ref(), target).await?;
    let locks = locks_for(store, target, scope).await?;
    check_locks(principal, if_header.as_ref(), &locks)
}
