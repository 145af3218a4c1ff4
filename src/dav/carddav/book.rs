//! Extended MKCOL of an address book (RFC 5689, RFC 6352 §6.3.1) and DELETE of one.

use http::{Response, StatusCode};
use hyper::body::Incoming;

use crate::core::ErrorKind;
use crate::edge::body::{Body, read_limited, status};
use crate::edge::error::AppError;

use super::{ALLOW_BOOK, Books};

pub(super) async fn make_book(
    books: &Books<'_>,
    login: &str,
    slug: &str,
    body: Incoming,
) -> Result<Response<Body>, AppError> {
    let bytes = read_limited(body, books.ctx.app.config.server.max_request_bytes).await?;
    let request = carddav::parse_extended_mkcol(&bytes).map_err(|e| AppError::BadRequest(format!("MKCOL: {e}")))?;
    if !carddav::is_addressbook(&request) {
        return Err(AppError::Dav {
            status: StatusCode::FORBIDDEN,
            reason: "only address books can be created in an address-book home".into(),
            condition: Some(carddav::conditions::valid_resourcetype()),
        });
    }
    let (displayname, description) = carddav::book_names(&request);
    books
        .service
        .make_book(login, slug, displayname.as_deref(), description.as_deref())
        .await
        .map_err(|e| match e.kind {
            ErrorKind::NotAllowed => AppError::MethodNotAllowed { allow: ALLOW_BOOK },
            _ => e.into(),
        })?;
    Ok(status(StatusCode::CREATED))
}

/// DELETE of a personal address book (the directory books are read-only).
pub(super) async fn delete(books: &Books<'_>, login: &str, slug: &str) -> Result<Response<Body>, AppError> {
    let book = books.service.book(login, slug).await?;
    books.service.delete_book(&book).await?;
    Ok(status(StatusCode::NO_CONTENT))
}
