//! PUT, DELETE and MKCOL (RFC 4918 §9.7, §9.6, §9.3).
//!
//! PUT streams the body into the blob store (never whole in memory), then records the new
//! content and a version in one transaction; a failed, truncated, oversized or over-quota
//! upload stores nothing. `If-Match` is checked again inside that transaction, so of many
//! concurrent writers with the same ETag exactly one wins and the rest get 412.

use futures_util::TryStreamExt;
use http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use http_body_util::BodyStream;
use hyper::body::Incoming;

use crate::authz::Action;
use crate::blobs::{BlobError, ChunkStream};
use crate::http::body::{Body, check_declared_length, status};
use crate::http::error::AppError;
use crate::store::{MkcolOutcome, Principal, PutCondition, PutOutcome};

use super::conditions::{Scope, check_write};
use super::locate::{DocTarget, load_node};
use super::read::{etag_listed, quoted};
use super::{Dav, access};

/// The request body as a chunk stream for the blob store; a body error (the client went
/// away before sending everything) becomes `BlobError::Body`.
pub fn body_chunks(body: Incoming) -> ChunkStream<'static> {
    Box::pin(
        BodyStream::new(body)
            .map_err(|e| BlobError::Body(e.to_string()))
            .try_filter_map(|frame| async move { Ok(frame.into_data().ok()) }),
    )
}

fn put_condition(headers: &HeaderMap, current_etag: Option<&str>) -> Result<PutCondition, AppError> {
    if let Some(v) = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        if current_etag.is_some_and(|e| etag_listed(v, e)) {
            return Err(AppError::PreconditionFailed(
                "the resource exists (If-None-Match)".into(),
            ));
        }
        if v.trim() == "*" {
            return Ok(PutCondition::MustNotExist);
        }
    }
    if let Some(v) = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) {
        let Some(etag) = current_etag.filter(|e| etag_listed(v, e)) else {
            return Err(AppError::PreconditionFailed(
                "If-Match does not match the current ETag".into(),
            ));
        };
        return Ok(PutCondition::MatchEtag(etag.to_owned()));
    }
    Ok(PutCondition::Any)
}

fn content_type_for(headers: &HeaderMap, name: &str) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.trim().is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| {
            mime_guess::from_path(name)
                .first_or_octet_stream()
                .essence_str()
                .to_owned()
        })
}

/// The space left in the personal drive `target` belongs to, if it has a quota.
pub async fn quota_left(dav: &Dav<'_>, target: &DocTarget) -> Result<Option<i64>, AppError> {
    if target.drive_owner().is_none() {
        return Ok(None);
    }
    let used = dav.store().doc_used_bytes(&target.root).await?;
    let quota = i64::try_from(dav.ctx.app.config.documents.quota_bytes).unwrap_or(i64::MAX);
    Ok(Some(quota.saturating_sub(used)))
}

pub async fn put(
    dav: &Dav<'_>,
    principal: &Principal,
    target: &DocTarget,
    headers: &HeaderMap,
    body: Incoming,
) -> Result<Response<Body>, AppError> {
    if target.is_root() {
        return Err(AppError::MethodNotAllowed {
            allow: super::ALLOW_COLLECTION,
        });
    }
    access::require(dav.store(), principal, target, Action::Write).await?;
    let existing = load_node(dav.store(), target).await?;
    if existing.as_ref().is_some_and(|n| n.is_collection()) {
        return Err(AppError::MethodNotAllowed {
            allow: super::ALLOW_COLLECTION,
        });
    }
    let scope = if existing.is_some() {
        Scope::Resource
    } else {
        Scope::Membership
    };
    check_write(dav.store(), principal, headers, target, scope).await?;
    let condition = put_condition(headers, existing.as_ref().map(|n| n.etag.as_str()))?;
    if existing.is_none() {
        let parent = dav.store().doc_node(target.parent_path()).await?;
        if !parent.is_some_and(|p| p.is_collection()) {
            return Err(AppError::Conflict("the parent folder does not exist".into()));
        }
    }
    let limit = dav.ctx.app.config.server.max_upload_bytes;
    check_declared_length(headers, limit)?;
    let old_size = existing.as_ref().map_or(0, |n| n.size);
    let left = quota_left(dav, target).await?;
    if let (Some(left), Some(declared)) = (left, declared_length(headers))
        && declared - old_size > left
    {
        return Err(AppError::InsufficientStorage);
    }
    let blob = dav
        .ctx
        .app
        .blobs
        .put(body_chunks(body), limit)
        .await
        .map_err(|e| match e {
            BlobError::TooLarge { limit } => AppError::PayloadTooLarge(limit),
            BlobError::Body(reason) => {
                AppError::BadRequest(format!("the request body was not received whole: {reason}"))
            }
            other => AppError::Internal(other.to_string()),
        })?;
    let size = i64::try_from(blob.size).unwrap_or(i64::MAX);
    if let Some(left) = quota_left(dav, target).await?
        && size - old_size > left
    {
        return Err(AppError::InsufficientStorage);
    }
    let ctype = content_type_for(headers, target.segments.last().map_or("", String::as_str));
    let outcome = dav
        .store()
        .doc_put(&target.path, &blob, &ctype, principal.id, &condition)
        .await?;
    let (code, etag) = match outcome {
        PutOutcome::Created { etag } => (StatusCode::CREATED, etag),
        PutOutcome::Replaced { etag, .. } => (StatusCode::NO_CONTENT, etag),
        PutOutcome::PreconditionFailed => {
            return Err(AppError::PreconditionFailed(
                "the resource changed meanwhile (If-Match)".into(),
            ));
        }
        PutOutcome::ParentMissing => return Err(AppError::Conflict("the parent folder does not exist".into())),
        PutOutcome::IsCollection => {
            return Err(AppError::MethodNotAllowed {
                allow: super::ALLOW_COLLECTION,
            });
        }
    };
    let mut resp = status(code);
    if let Ok(v) = HeaderValue::from_str(&quoted(&etag)) {
        resp.headers_mut().insert(header::ETAG, v);
    }
    Ok(resp)
}

fn declared_length(headers: &HeaderMap) -> Option<i64> {
    headers.get(header::CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}

pub async fn delete(
    dav: &Dav<'_>,
    principal: &Principal,
    target: &DocTarget,
    headers: &HeaderMap,
) -> Result<Response<Body>, AppError> {
    if target.is_root() {
        return Err(AppError::Forbidden);
    }
    access::require(dav.store(), principal, target, Action::Write).await?;
    if load_node(dav.store(), target).await?.is_none() {
        return Err(AppError::NotFound);
    }
    check_write(dav.store(), principal, headers, target, Scope::Membership).await?;
    dav.store().doc_delete_tree(&target.path).await?;
    Ok(status(StatusCode::NO_CONTENT))
}

pub async fn mkcol(
    dav: &Dav<'_>,
    principal: &Principal,
    target: &DocTarget,
    headers: &HeaderMap,
    body: Incoming,
) -> Result<Response<Body>, AppError> {
    // RFC 4918 §9.3.1: a body we do not understand is 415.
    let has_body = declared_length(headers).is_some_and(|n| n > 0) || headers.contains_key(header::TRANSFER_ENCODING);
    let content = crate::http::body::read_limited(body, dav.ctx.app.config.server.max_request_bytes).await?;
    if has_body || !content.is_empty() {
        return Err(AppError::UnsupportedMediaType(
            "MKCOL with a request body is not supported".into(),
        ));
    }
    access::require(dav.store(), principal, target, Action::Write).await?;
    if load_node(dav.store(), target).await?.is_some() {
        return Err(AppError::MethodNotAllowed {
            allow: super::ALLOW_COLLECTION,
        });
    }
    check_write(dav.store(), principal, headers, target, Scope::Membership).await?;
    match dav.store().doc_mkcol(&target.path).await? {
        MkcolOutcome::Created => Ok(status(StatusCode::CREATED)),
        MkcolOutcome::Exists => Err(AppError::MethodNotAllowed {
            allow: super::ALLOW_COLLECTION,
        }),
        MkcolOutcome::ParentMissing => Err(AppError::Conflict("the parent folder does not exist".into())),
    }
}
