//! Gathers the facts `authz::can` needs for a document (grants, memberships) and asks it.

use crate::authz::{Action, DocumentFacts, Resource, can, document_level};
use crate::http::error::AppError;
use crate::store::{AccessLevel, DocGrant, Memberships, Principal, Store};

use super::locate::DocTarget;

async fn gather(store: &Store, principal: &Principal, path: &str) -> Result<(Vec<DocGrant>, Memberships), AppError> {
    Ok((
        store.doc_grants_covering(path).await?,
        store.memberships(principal.id).await?,
    ))
}

/// The principal's effective level on the target (None: no access at all).
pub async fn level(store: &Store, principal: &Principal, target: &DocTarget) -> Result<Option<AccessLevel>, AppError> {
    let (grants, memberships) = gather(store, principal, &target.path).await?;
    Ok(document_level(
        principal,
        &DocumentFacts {
            library: &target.library,
            grants: &grants,
            memberships: &memberships,
        },
    ))
}

/// 403 unless the principal may perform `action` on the target.
pub async fn require(store: &Store, principal: &Principal, target: &DocTarget, action: Action) -> Result<(), AppError> {
    let (grants, memberships) = gather(store, principal, &target.path).await?;
    let facts = DocumentFacts {
        library: &target.library,
        grants: &grants,
        memberships: &memberships,
    };
    if can(principal, action, Resource::Document(&facts)) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}
