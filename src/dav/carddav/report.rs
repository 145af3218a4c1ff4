//! REPORT on an address book: addressbook-query with the search index and `DAV:limit`,
//! addressbook-multiget (RFC 6352 §8.6, §8.7) and sync-collection (RFC 6578 §3).

use std::borrow::Cow;

use dav::{Multistatus, Status};
use http::{Response, StatusCode};
use hyper::body::Incoming;

use crate::core::calendars::Item;
use crate::dav::common::sync;
use crate::dav::common::util::{answer_propfind, multistatus_response, protocol_error};
use crate::edge::body::{Body, read_limited};
use crate::edge::error::AppError;

use super::props::{CARD_ALLPROP, card_value};
use super::{BookPath, Books, alias, parse};

/// The card an href names inside this book, if it does (absolute URLs or paths).
fn card_name(href: &str, login: &str, slug: &str) -> Option<String> {
    let path = href
        .split_once("://")
        .map_or(href, |(_, rest)| rest.find('/').map_or("", |i| &rest[i..]));
    let below = path.strip_prefix("/dav/addressbooks")?;
    if let Some((aliased, _, rest)) = alias(below) {
        return if aliased == slug { rest.into_iter().next() } else { None };
    }
    match parse(below).ok()? {
        BookPath::Card {
            login: l,
            slug: s,
            name,
        } if l == login && s == slug => Some(name),
        _ => None,
    }
}

pub(super) async fn report(
    books: &Books<'_>,
    login: &str,
    slug: &str,
    body: Incoming,
) -> Result<Response<Body>, AppError> {
    let book = books.service.book(login, slug).await?;
    let owner = book.owner();
    let bytes = read_limited(body, books.ctx.app.config.server.max_request_bytes).await?;
    let report = crate::edge::cpu_work(bytes.len(), move || carddav::parse_report(&bytes))
        .await?
        .map_err(|e| protocol_error(e.status(), e.precondition(), e.to_string()))?;
    let coll = book.collection();
    let respond = |item: &Item, props: &carddav::PropRequest| -> Result<dav::Response, AppError> {
        let data: Option<Cow<'_, str>> = match &props.address_data {
            Some(request) => Some(Cow::Owned(
                carddav::render_address_data(item.data.as_bytes(), request)
                    .map_err(|e| AppError::Internal(format!("rendering card {}: {e}", item.name)))?,
            )),
            None => None,
        };
        Ok(answer_propfind(
            books.card_href(&owner.login, slug, &item.name),
            &props.props,
            CARD_ALLPROP,
            |n| card_value(item, data.as_deref(), n),
        ))
    };
    let mut ms = Multistatus::new();
    match report {
        carddav::Report::AddressbookQuery(query) => {
            let limit = query.limit.map_or(usize::MAX, |l| l as usize);
            let mut hits = 0;
            for item in books.service.query_candidates(&book, &query.filter).await? {
                if carddav::matches(&query.filter, item.data.as_bytes()) {
                    if hits == limit {
                        ms.push(crate::dav::common::util::truncated(books.book_href(&owner.login, slug)));
                        break;
                    }
                    ms.push(respond(&item, &query.props)?);
                    hits += 1;
                }
            }
        }
        carddav::Report::AddressbookMultiget(multiget) => {
            let names: Vec<Option<String>> = multiget
                .hrefs
                .iter()
                .map(|h| card_name(h, &owner.login, slug))
                .collect();
            let asked: Vec<&str> = names.iter().flatten().map(String::as_str).collect();
            let mut cards = books.service.cards_named(&book, &asked).await?.into_iter();
            for (href, name) in multiget.hrefs.iter().zip(&names) {
                match name.as_ref().and_then(|_| cards.next().flatten()) {
                    Some(item) => ms.push(respond(&item, &multiget.props)?),
                    None => ms.push(dav::Response::status(href.clone(), Status::NOT_FOUND)),
                }
            }
        }
        carddav::Report::SyncCollection(request) => {
            let since = sync::since(coll, request.sync_token.as_deref(), "address book")?;
            let page = books.service.changes(&book, since, request.limit).await?;
            sync::answer(
                &mut ms,
                coll,
                &page,
                books.book_href(&owner.login, slug),
                |name| books.card_href(&owner.login, slug, name),
                |item| respond(item, &request.props),
            )?;
        }
        carddav::Report::Other(name) => {
            return Err(AppError::Dav {
                status: StatusCode::FORBIDDEN,
                reason: format!("the report {name} is not supported on an address book"),
                condition: Some(carddav::conditions::supported_report()),
            });
        }
    }
    Ok(multistatus_response(&ms))
}
