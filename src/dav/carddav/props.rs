//! PROPFIND on address-book homes, books and cards (RFC 6352 §6, RFC 4918 §9.1), and the
//! properties of books and cards that REPORT answers share.

use dav::{Depth, Multistatus, PropertyValue, QName};
use http::{HeaderMap, Response};
use hyper::body::Incoming;

use crate::core::Principal;
use crate::core::addressbooks::{BookRef, MAX_CARD_BYTES};
use crate::core::calendars::Item;
use crate::dav::common::discovery;
use crate::dav::common::sync;
use crate::dav::common::util::{answer_propfind, multistatus_response, propfind_depth, quoted, read_propfind};
use crate::edge::body::Body;
use crate::edge::error::AppError;

use super::{BookPath, Books};

pub(super) fn book_value(me: &Principal, book: &BookRef, name: &QName) -> Option<PropertyValue> {
    let coll = book.collection();
    match (name.ns.as_ref(), name.local.as_ref()) {
        (dav::NS_DAV, "resourcetype") => Some(PropertyValue::ResourceType(vec![
            dav::names::COLLECTION,
            carddav::names::ADDRESSBOOK,
        ])),
        (dav::NS_DAV, "displayname") => Some(PropertyValue::Text(
            coll.displayname.clone().unwrap_or(coll.slug.clone()),
        )),
        (dav::NS_DAV, "current-user-principal") => {
            Some(PropertyValue::Href(crate::core::urls::principal_href(&me.login)))
        }
        (dav::NS_DAV, "owner") => Some(PropertyValue::Href(crate::core::urls::principal_href(
            &book.owner().login,
        ))),
        (dav::NS_DAV, "current-user-privilege-set") => Some(discovery::privileges(if book.writable() {
            discovery::READ_WRITE
        } else {
            discovery::READ_ONLY
        })),
        (dav::NS_DAV, "supported-report-set") => {
            Some(discovery::supported_reports(&carddav::properties::ADDRESSBOOK_REPORTS))
        }
        (dav::NS_DAV, "sync-token") => Some(PropertyValue::Text(sync::sync_token(coll.id, coll.sync_seq))),
        (dav::qname::NS_CALSERVER, "getctag") => Some(PropertyValue::Text(format!("\"{}\"", coll.sync_seq))),
        (dav::NS_CARDDAV, "addressbook-description") => coll.description.clone().map(PropertyValue::Text),
        (dav::NS_CARDDAV, "supported-address-data") => Some(carddav::properties::supported_address_data()),
        (dav::NS_CARDDAV, "max-resource-size") => Some(PropertyValue::Text(MAX_CARD_BYTES.to_string())),
        _ => None,
    }
}

pub(super) const BOOK_ALLPROP: &[QName] = &[
    QName::dav("resourcetype"),
    QName::dav("displayname"),
    QName::dav("sync-token"),
];
pub(super) const CARD_ALLPROP: &[QName] = &[
    QName::dav("resourcetype"),
    QName::dav("getetag"),
    QName::dav("getcontenttype"),
];

pub(super) fn card_value(item: &Item, data: Option<&str>, name: &QName) -> Option<PropertyValue> {
    match (name.ns.as_ref(), name.local.as_ref()) {
        (dav::NS_DAV, "resourcetype") => Some(PropertyValue::ResourceType(vec![])),
        (dav::NS_DAV, "getetag") => Some(PropertyValue::Text(quoted(&item.etag))),
        (dav::NS_DAV, "getcontenttype") => Some(PropertyValue::Text("text/vcard; charset=utf-8".into())),
        (dav::NS_DAV, "getcontentlength") => Some(PropertyValue::Text(item.data.len().to_string())),
        (dav::NS_CARDDAV, "address-data") => Some(PropertyValue::Text(data.unwrap_or(&item.data).to_owned())),
        _ => None,
    }
}

pub(super) async fn propfind(
    books: &Books<'_>,
    path: &BookPath,
    headers: &HeaderMap,
    body: Incoming,
) -> Result<Response<Body>, AppError> {
    let depth = propfind_depth(headers)?;
    let request = read_propfind(body, books.ctx.app.config.server.max_request_bytes).await?;
    let me = books.me;
    let mut ms = Multistatus::new();
    match path {
        BookPath::Home { login } => {
            let owner = books.service.home(login).await?;
            ms.push(answer_propfind(
                crate::core::urls::addressbook_home_href(&owner.login),
                &request,
                BOOK_ALLPROP[..2].as_ref(),
                |n| match (n.ns.as_ref(), n.local.as_ref()) {
                    (dav::NS_DAV, "resourcetype") => Some(PropertyValue::ResourceType(vec![dav::names::COLLECTION])),
                    (dav::NS_DAV, "displayname") => Some(PropertyValue::Text(owner.display_name.clone())),
                    (dav::NS_DAV, "current-user-principal") => {
                        Some(PropertyValue::Href(crate::core::urls::principal_href(&me.login)))
                    }
                    _ => None,
                },
            ));
            if depth == Depth::One {
                for book in books.service.books(&owner).await? {
                    ms.push(answer_propfind(
                        books.book_href(&owner.login, &book.collection().slug),
                        &request,
                        BOOK_ALLPROP,
                        |n| book_value(me, &book, n),
                    ));
                }
            }
        }
        BookPath::Book { login, slug } => {
            let book = books.service.book(login, slug).await?;
            let owner = book.owner();
            ms.push(answer_propfind(
                books.book_href(&owner.login, slug),
                &request,
                BOOK_ALLPROP,
                |n| book_value(me, &book, n),
            ));
            if depth == Depth::One {
                let items = books.service.cards(&book).await?;
                for item in &items {
                    ms.push(answer_propfind(
                        books.card_href(&owner.login, slug, &item.name),
                        &request,
                        CARD_ALLPROP,
                        |n| card_value(item, None, n),
                    ));
                }
            }
        }
        BookPath::Card { login, slug, name } => {
            let book = books.service.book(login, slug).await?;
            let item = books.service.card(&book, name).await?.ok_or(AppError::NotFound)?;
            ms.push(answer_propfind(
                books.card_href(&book.owner().login, slug, name),
                &request,
                CARD_ALLPROP,
                |n| card_value(&item, None, n),
            ));
        }
    }
    Ok(multistatus_response(&ms))
}
