//! GET, PUT and DELETE of a card (RFC 6352 §6.3.2): the body and conditional headers become
//! a `crate::core::addressbooks` command.

use http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use hyper::body::Incoming;

use crate::core::addressbooks::{MAX_CARD_BYTES, PutCard};
use crate::dav::common::util::{preconditions, put_answer, quoted, read_conditions};
use crate::edge::body::{Body, check_declared_length, empty, full, read_limited, status};
use crate::edge::error::AppError;

use super::Books;

/// GET or HEAD of a card.
pub(super) async fn get(
    books: &Books<'_>,
    login: &str,
    slug: &str,
    name: &str,
    headers: &HeaderMap,
    head: bool,
) -> Result<Response<Body>, AppError> {
    let book = books.service.book(login, slug).await?;
    let item = books.service.card(&book, name).await?.ok_or(AppError::NotFound)?;
    if let Some(not_modified) = read_conditions(headers, &item.etag, item.modified_at)? {
        return Ok(not_modified);
    }
    let len = item.data.len();
    let etag = quoted(&item.etag);
    let mut resp = Response::new(if head { empty() } else { full(item.data) });
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/vcard; charset=utf-8"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    Ok(resp)
}

/// DELETE of a card.
pub(super) async fn delete(
    books: &Books<'_>,
    login: &str,
    slug: &str,
    name: &str,
    headers: &HeaderMap,
) -> Result<Response<Body>, AppError> {
    let book = books.service.book(login, slug).await?;
    books.service.delete_card(&book, name, &preconditions(headers)?).await?;
    Ok(status(StatusCode::NO_CONTENT))
}

pub(super) async fn put_card(
    books: &Books<'_>,
    login: &str,
    slug: &str,
    name: &str,
    headers: &HeaderMap,
    body: Incoming,
) -> Result<Response<Body>, AppError> {
    let book = books.service.book(login, slug).await?;
    if !book.writable() {
        return Err(AppError::Forbidden);
    }
    let too_large = || AppError::Dav {
        status: StatusCode::FORBIDDEN,
        reason: format!("a vCard may have at most {MAX_CARD_BYTES} bytes"),
        condition: Some(carddav::conditions::max_resource_size()),
    };
    check_declared_length(headers, MAX_CARD_BYTES).map_err(|_| too_large())?;
    let bytes = read_limited(body, MAX_CARD_BYTES).await.map_err(|e| match e {
        AppError::PayloadTooLarge(_) => too_large(),
        other => other,
    })?;
    let put = PutCard {
        bytes,
        preconditions: preconditions(headers)?,
    };
    let written = books.service.put_card(&book, name, put).await?;
    Ok(put_answer(written.created, Some(&written.etag)))
}
