//! LOCK and UNLOCK (RFC 4918 §9.10, §9.11): exclusive and shared write locks of depth 0
//! or infinity, refresh through the `If` header, locks on unmapped URLs (which create an
//! empty file, §7.3), and `Lock-Token` accepted with or without angle brackets.

use dav::{
    Depth, LockScope, Precondition, Timeout, lock_response_body, parse_lock_token, parse_lockinfo, parse_timeout,
};
use http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use hyper::body::Incoming;

use crate::authz::Action;
use crate::http::body::{Body, empty, full, read_limited};
use crate::http::error::AppError;
use crate::store::{DocLock, NewLock, Principal, PutCondition, PutOutcome};

use super::conditions::{Scope, check_if, check_write, lock_root_href, parse_if};
use super::locate::{DocTarget, load_node};
use super::props::{active_lock, omit_lockroot};
use super::{Dav, access};

fn lock_timeout(dav: &Dav<'_>, headers: &HeaderMap) -> Result<i64, AppError> {
    let cfg = &dav.ctx.app.config.documents;
    let max = Timeout::Seconds(cfg.max_lock_seconds);
    let chosen = match headers.get("timeout").and_then(|v| v.to_str().ok()) {
        Some(v) => parse_timeout(v, max).map_err(|e| AppError::BadRequest(e.to_string()))?,
        None => None,
    };
    let seconds = match chosen.unwrap_or(Timeout::Seconds(cfg.default_lock_seconds)) {
        Timeout::Infinite => cfg.max_lock_seconds,
        Timeout::Seconds(n) => n.clamp(1, cfg.max_lock_seconds),
    };
    Ok(i64::try_from(seconds).unwrap_or(i64::MAX))
}

fn lock_response(lock: &DocLock, status: StatusCode, headers: &HeaderMap, with_token_header: bool) -> Response<Body> {
    let body = lock_response_body(&[active_lock(lock)], !omit_lockroot(headers));
    let mut resp = Response::new(full(body));
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml; charset=utf-8"),
    );
    if with_token_header && let Ok(v) = HeaderValue::from_str(&format!("<{}>", lock.token)) {
        h.insert("lock-token", v);
    }
    resp
}

pub async fn lock(
    dav: &Dav<'_>,
    principal: &Principal,
    target: &DocTarget,
    headers: &HeaderMap,
    body: Incoming,
) -> Result<Response<Body>, AppError> {
    access::require(dav.store(), principal, target, Action::Write).await?;
    let bytes = read_limited(body, dav.ctx.app.config.server.max_request_bytes).await?;
    let info = parse_lockinfo(&bytes).map_err(|e| AppError::BadRequest(format!("LOCK body: {e}")))?;
    let timeout = lock_timeout(dav, headers)?;
    let Some(info) = info else {
        return refresh(dav, principal, target, headers, timeout).await;
    };
    let deep = match headers.get("depth").and_then(|v| v.to_str().ok()) {
        None => true,
        Some(v) => match Depth::parse(v) {
            Ok(Depth::Zero) => false,
            Ok(Depth::Infinity) => true,
            _ => return Err(AppError::BadRequest("LOCK Depth must be 0 or infinity".into())),
        },
    };
    let if_header = parse_if(headers)?;
    check_if(dav.store(), if_header.as_ref(), target).await?;
    let existing = load_node(dav.store(), target).await?;
    if existing.is_none() {
        check_write(dav.store(), principal, headers, target, Scope::Membership).await?;
        let parent = dav.store().doc_node(target.parent_path()).await?;
        if !parent.is_some_and(|p| p.is_collection()) {
            return Err(AppError::Conflict("the parent folder does not exist".into()));
        }
    }
    let token = format!("urn:uuid:{}", uuid::Uuid::new_v4());
    let owner_xml = info.owner.as_ref().map(|o| o.xml().to_owned());
    let new = NewLock {
        token: &token,
        path: &target.path,
        deep,
        exclusive: info.scope == LockScope::Exclusive,
        owner_xml: owner_xml.as_deref(),
        principal_id: principal.id,
        timeout_seconds: timeout,
    };
    let lock = match dav.store().doc_create_lock(&new).await? {
        Ok(lock) => lock,
        Err(conflict) => {
            return Err(AppError::Dav {
                status: StatusCode::LOCKED,
                reason: "a conflicting lock exists".into(),
                condition: Some(Precondition::no_conflicting_lock(&[lock_root_href(&conflict.path)])),
            });
        }
    };
    let mut status = StatusCode::OK;
    if existing.is_none() {
        // §7.3: LOCK on an unmapped URL creates an empty resource.
        let empty_blob = dav
            .ctx
            .app
            .blobs
            .put(Box::pin(futures_util::stream::empty()), 0)
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let ctype = mime_guess::from_path(&target.path)
            .first_or_octet_stream()
            .essence_str()
            .to_owned();
        match dav
            .store()
            .doc_put(
                &target.path,
                &empty_blob,
                &ctype,
                principal.id,
                &PutCondition::MustNotExist,
            )
            .await?
        {
            PutOutcome::Created { .. } => status = StatusCode::CREATED,
            PutOutcome::PreconditionFailed | PutOutcome::Replaced { .. } | PutOutcome::IsCollection => {}
            PutOutcome::ParentMissing => {
                dav.store().doc_delete_lock(&token).await?;
                return Err(AppError::Conflict("the parent folder does not exist".into()));
            }
        }
    }
    Ok(lock_response(&lock, status, headers, true))
}

/// A LOCK without body refreshes the lock whose token the `If` header names (§9.10.2).
async fn refresh(
    dav: &Dav<'_>,
    principal: &Principal,
    target: &DocTarget,
    headers: &HeaderMap,
    timeout: i64,
) -> Result<Response<Body>, AppError> {
    let if_header = parse_if(headers)?
        .ok_or_else(|| AppError::BadRequest("a LOCK refresh needs an If header with the lock token".into()))?;
    let covering = dav.store().doc_locks_covering(&target.path).await?;
    let submitted = if_header.submitted_tokens();
    let Some(lock) = covering
        .iter()
        .find(|l| submitted.contains(&l.token.as_str()) && l.principal_id == principal.id)
    else {
        return Err(AppError::PreconditionFailed(
            "no lock of yours on this resource matches the If header".into(),
        ));
    };
    let refreshed = dav
        .store()
        .doc_refresh_lock(&lock.token, timeout)
        .await?
        .ok_or(AppError::PreconditionFailed("the lock expired".into()))?;
    Ok(lock_response(&refreshed, StatusCode::OK, headers, false))
}

pub async fn unlock(
    dav: &Dav<'_>,
    principal: &Principal,
    target: &DocTarget,
    headers: &HeaderMap,
) -> Result<Response<Body>, AppError> {
    access::require(dav.store(), principal, target, Action::Read).await?;
    let raw = headers
        .get("lock-token")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| AppError::BadRequest("UNLOCK needs a Lock-Token header".into()))?;
    let token = parse_lock_token(raw).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let covers =
        |l: &DocLock| l.path == target.path || (l.is_deep() && target.path.starts_with(&format!("{}/", l.path)));
    let Some(lock) = dav.store().doc_lock(&token).await?.filter(|l| covers(l)) else {
        return Err(AppError::Dav {
            status: StatusCode::CONFLICT,
            reason: "the lock token does not match a lock on this resource".into(),
            condition: Some(Precondition::lock_token_matches_request_uri()),
        });
    };
    if lock.principal_id != principal.id {
        return Err(AppError::Forbidden);
    }
    dav.store().doc_delete_lock(&lock.token).await?;
    let mut resp = Response::new(empty());
    *resp.status_mut() = StatusCode::NO_CONTENT;
    Ok(resp)
}
