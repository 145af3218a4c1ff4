//! PUT, DELETE and MKCOL (RFC 4918 §9.7, §9.6, §9.3): the request's body and headers become a
//! `crate::core::documents` command; its answer a status and an ETag.

use http::{HeaderMap, Response, StatusCode, header};
use hyper::body::Incoming;

use crate::core::documents::{DocTarget, PutFile};
use crate::dav::common::util::{preconditions, put_answer};
use crate::edge::body::{Body, body_chunks, check_declared_length, status};
use crate::edge::error::AppError;

use super::{Dav, parse_if};

fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(header::CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}

pub async fn put(
    dav: &Dav<'_>,
    target: &DocTarget,
    headers: &HeaderMap,
    body: Incoming,
) -> Result<Response<Body>, AppError> {
    check_declared_length(headers, dav.ctx.app.config.server.max_upload_bytes)?;
    let file = PutFile {
        body: body_chunks(body),
        content_type: headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        declared_length: declared_length(headers),
        preconditions: preconditions(headers)?,
        if_header: parse_if(headers)?,
    };
    let written = dav.docs.put(target, file).await?;
    Ok(put_answer(written.created, Some(&written.etag)))
}

pub async fn delete(dav: &Dav<'_>, target: &DocTarget, headers: &HeaderMap) -> Result<Response<Body>, AppError> {
    dav.docs
        .delete(target, &preconditions(headers)?, parse_if(headers)?.as_ref())
        .await?;
    Ok(status(StatusCode::NO_CONTENT))
}

pub async fn mkcol(
    dav: &Dav<'_>,
    target: &DocTarget,
    headers: &HeaderMap,
    body: Incoming,
) -> Result<Response<Body>, AppError> {
    // RFC 4918 §9.3.1: a body we do not understand is 415.
    let has_body = declared_length(headers).is_some_and(|n| n > 0) || headers.contains_key(header::TRANSFER_ENCODING);
    let content = crate::edge::body::read_limited(body, dav.ctx.app.config.server.max_request_bytes).await?;
    if has_body || !content.is_empty() {
        return Err(AppError::UnsupportedMediaType(
            "MKCOL with a request body is not supported".into(),
        ));
    }
    dav.docs
        .mkcol(target, parse_if(headers)?.as_ref())
        .await
        .map_err(super::on_collection)?;
    Ok(status(StatusCode::CREATED))
}
