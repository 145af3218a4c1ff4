//! LOCK and UNLOCK (RFC 4918 §9.10, §9.11): exclusive and shared write locks of depth 0
//! or infinity, refresh through the `If` header, locks on unmapped URLs (which create an
//! empty file, §7.3), and `Lock-Token` accepted with or without angle brackets. The rules are
//! `crate::core::documents`'.

use dav::{Depth, lock_response_body, parse_lock_token, parse_lockinfo, parse_timeout};
use http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use hyper::body::Incoming;

use crate::core::documents::{DocLock, DocTarget, LockRequest};
use crate::edge::body::{Body, empty, full, read_limited};
use crate::edge::error::AppError;

use super::props::{active_lock, omit_lockroot};
use super::{Dav, parse_if};

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
    target: &DocTarget,
    headers: &HeaderMap,
    body: Incoming,
) -> Result<Response<Body>, AppError> {
    let bytes = read_limited(body, dav.ctx.app.config.server.max_request_bytes).await?;
    let info = parse_lockinfo(&bytes).map_err(|e| AppError::BadRequest(format!("LOCK body: {e}")))?;
    let timeout = match headers.get("timeout").and_then(|v| v.to_str().ok()) {
        Some(v) => parse_timeout(v, dav.docs.max_lock_timeout()).map_err(|e| AppError::BadRequest(e.to_string()))?,
        None => None,
    };
    let deep = match headers.get("depth").and_then(|v| v.to_str().ok()) {
        None => true,
        Some(v) => match Depth::parse(v) {
            Ok(Depth::Zero) => false,
            Ok(Depth::Infinity) => true,
            _ => return Err(AppError::BadRequest("LOCK Depth must be 0 or infinity".into())),
        },
    };
    let refresh = info.is_none();
    let request = LockRequest {
        info,
        deep,
        timeout,
        if_header: parse_if(headers)?,
    };
    let granted = dav.docs.lock(target, request).await?;
    let status = if granted.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(lock_response(&granted.lock, status, headers, !refresh))
}

pub async fn unlock(dav: &Dav<'_>, target: &DocTarget, headers: &HeaderMap) -> Result<Response<Body>, AppError> {
    let raw = headers
        .get("lock-token")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| AppError::BadRequest("UNLOCK needs a Lock-Token header".into()))?;
    let token = parse_lock_token(raw).map_err(|e| AppError::BadRequest(e.to_string()))?;
    dav.docs.unlock(target, &token).await?;
    let mut resp = Response::new(empty());
    *resp.status_mut() = StatusCode::NO_CONTENT;
    Ok(resp)
}
