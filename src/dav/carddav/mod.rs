//! CardDAV (RFC 6352) under `/dav/addressbooks/`: each user's address-book home with a
//! personal `contacts` book (more by extended MKCOL), and, in every home, the read-only
//! company `directory` book and one `dept-{slug}` book per department, generated from the
//! directory. Each method parses its request, asks `crate::core::addressbooks` and renders
//! the answer; vCard rules live in `protocols/carddav`.

use std::borrow::Cow;

use dav::{Depth, Multistatus, PropertyValue, QName, Status};
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode, header};
use hyper::body::Incoming;

use crate::core::addressbooks::{AddressBooks, BookRef, MAX_CARD_BYTES, PutCard};
use crate::core::calendars::Item;
use crate::core::{Actor, ErrorKind, Principal};
use crate::dav::common::discovery;
use crate::dav::common::sync;
use crate::dav::common::util::{
    answer_propfind, multistatus_response, options_response, preconditions, propfind_depth, protocol_error,
    read_conditions, read_propfind,
};
use crate::edge::Ctx;
use crate::edge::body::{Body, check_declared_length, empty, full, read_limited, status};
use crate::edge::error::AppError;

const DAV_CLASSES: &str = "1, 3, addressbook, extended-mkcol";
const ALLOW_HOME: &str = "OPTIONS, PROPFIND, MKCOL";
const ALLOW_BOOK: &str = "OPTIONS, PROPFIND, PROPPATCH, DELETE, REPORT";
const ALLOW_CARD: &str = "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND";

/// What a path below `/dav/addressbooks` names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum BookPath {
    Home { login: String },
    Book { login: String, slug: String },
    Card { login: String, slug: String, name: String },
}

fn parse(below: &str) -> Result<BookPath, AppError> {
    let segments = dav::decode_path(if below.is_empty() { "/" } else { below })
        .map_err(|e| AppError::BadRequest(format!("invalid path: {e}")))?;
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    Ok(match s.as_slice() {
        [login] => BookPath::Home { login: (*login).into() },
        [login, slug] => BookPath::Book {
            login: (*login).into(),
            slug: (*slug).into(),
        },
        [login, slug, name] => BookPath::Card {
            login: (*login).into(),
            slug: (*slug).into(),
            name: (*name).into(),
        },
        _ => return Err(AppError::NotFound),
    })
}

/// The canonical directory URLs: `/dav/addressbooks/directory/` and
/// `/dav/addressbooks/departments/{slug}/` name the same books as the bindings in each home.
fn alias(below: &str) -> Option<(String, String, Vec<String>)> {
    let segments = dav::decode_path(below).ok()?;
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    match s.as_slice() {
        ["directory", rest @ ..] if rest.len() <= 1 => Some((
            "directory".into(),
            "/dav/addressbooks/directory/".into(),
            rest.iter().map(|r| (*r).to_owned()).collect(),
        )),
        ["departments", slug, rest @ ..] if rest.len() <= 1 => Some((
            format!("dept-{slug}"),
            format!("/dav/addressbooks/departments{}", dav::encode_href(&[*slug], true)),
            rest.iter().map(|r| (*r).to_owned()).collect(),
        )),
        _ => None,
    }
}

fn quoted(etag: &str) -> String {
    format!("\"{etag}\"")
}

struct Books<'a> {
    ctx: &'a Ctx,
    me: &'a Principal,
    service: AddressBooks<'a>,
    /// When the request came through a canonical directory URL: (book slug, its href).
    alias: Option<(String, String)>,
}

impl Books<'_> {
    fn book_href(&self, login: &str, slug: &str) -> String {
        match &self.alias {
            Some((aliased, href)) if aliased == slug => href.clone(),
            _ => format!("/dav/addressbooks{}", dav::encode_href(&[login, slug], true)),
        }
    }

    fn card_href(&self, login: &str, slug: &str, name: &str) -> String {
        format!(
            "{}{}",
            self.book_href(login, slug),
            dav::encode_href(&[name], false).trim_start_matches('/')
        )
    }
}

fn book_value(me: &Principal, book: &BookRef, name: &QName) -> Option<PropertyValue> {
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

const BOOK_ALLPROP: &[QName] = &[
    QName::dav("resourcetype"),
    QName::dav("displayname"),
    QName::dav("sync-token"),
];
const CARD_ALLPROP: &[QName] = &[
    QName::dav("resourcetype"),
    QName::dav("getetag"),
    QName::dav("getcontenttype"),
];

fn card_value(item: &Item, data: Option<&str>, name: &QName) -> Option<PropertyValue> {
    match (name.ns.as_ref(), name.local.as_ref()) {
        (dav::NS_DAV, "resourcetype") => Some(PropertyValue::ResourceType(vec![])),
        (dav::NS_DAV, "getetag") => Some(PropertyValue::Text(quoted(&item.etag))),
        (dav::NS_DAV, "getcontenttype") => Some(PropertyValue::Text("text/vcard; charset=utf-8".into())),
        (dav::NS_DAV, "getcontentlength") => Some(PropertyValue::Text(item.data.len().to_string())),
        (dav::NS_CARDDAV, "address-data") => Some(PropertyValue::Text(data.unwrap_or(&item.data).to_owned())),
        _ => None,
    }
}

pub async fn handle(ctx: &Ctx, actor: &Actor, req: Request<Incoming>) -> Result<Response<Body>, AppError> {
    let me = actor.principal();
    let below = req.uri().path().strip_prefix("/dav/addressbooks").unwrap_or("");
    let (path, alias) = match alias(below) {
        Some((slug, href, rest)) => {
            let login = me.login.clone();
            let path = match rest.into_iter().next() {
                Some(name) => BookPath::Card {
                    login,
                    slug: slug.clone(),
                    name,
                },
                None => BookPath::Book {
                    login,
                    slug: slug.clone(),
                },
            };
            (path, Some((slug, href)))
        }
        None => (parse(below)?, None),
    };
    let books = Books {
        ctx,
        me,
        service: ctx.app.core.addressbooks(actor),
        alias,
    };
    let (parts, body) = req.into_parts();
    let method = parts.method.as_str().to_owned();
    let headers = &parts.headers;
    match (&path, method.as_str()) {
        (BookPath::Home { .. }, "OPTIONS") => Ok(options_response(DAV_CLASSES, ALLOW_HOME)),
        (BookPath::Book { .. }, "OPTIONS") => Ok(options_response(DAV_CLASSES, ALLOW_BOOK)),
        (BookPath::Card { .. }, "OPTIONS") => Ok(options_response(DAV_CLASSES, ALLOW_CARD)),
        (_, "PROPFIND") => propfind(&books, &path, headers, body).await,
        (BookPath::Book { login, slug }, "MKCOL") => make_book(&books, login, slug, body).await,
        (BookPath::Book { login, slug }, "DELETE") => {
            let book = books.service.book(login, slug).await?;
            books.service.delete_book(&book).await?;
            Ok(status(StatusCode::NO_CONTENT))
        }
        (BookPath::Book { login, slug }, "REPORT") => report(&books, login, slug, body).await,
        (BookPath::Card { login, slug, name }, "GET" | "HEAD") => {
            let book = books.service.book(login, slug).await?;
            let item = books.service.card(&book, name).await?.ok_or(AppError::NotFound)?;
            if let Some(not_modified) = read_conditions(headers, &item.etag, item.modified_at)? {
                return Ok(not_modified);
            }
            let len = item.data.len();
            let etag = quoted(&item.etag);
            let mut resp = Response::new(if method == "HEAD" { empty() } else { full(item.data) });
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
        (BookPath::Card { login, slug, name }, "PUT") => put_card(&books, login, slug, name, headers, body).await,
        (BookPath::Card { login, slug, name }, "DELETE") => {
            let book = books.service.book(login, slug).await?;
            books.service.delete_card(&book, name, &preconditions(headers)?).await?;
            Ok(status(StatusCode::NO_CONTENT))
        }
        (BookPath::Home { .. }, _) => Err(AppError::MethodNotAllowed { allow: ALLOW_HOME }),
        (BookPath::Book { .. }, _) => Err(AppError::MethodNotAllowed { allow: ALLOW_BOOK }),
        (BookPath::Card { .. }, _) => Err(AppError::MethodNotAllowed { allow: ALLOW_CARD }),
    }
}

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

async fn propfind(
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

async fn make_book(books: &Books<'_>, login: &str, slug: &str, body: Incoming) -> Result<Response<Body>, AppError> {
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

async fn put_card(
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
    let mut resp = status(if written.created {
        StatusCode::CREATED
    } else {
        StatusCode::NO_CONTENT
    });
    if let Ok(v) = HeaderValue::from_str(&quoted(&written.etag)) {
        resp.headers_mut().insert(header::ETAG, v);
    }
    Ok(resp)
}

async fn report(books: &Books<'_>, login: &str, slug: &str, body: Incoming) -> Result<Response<Body>, AppError> {
    let book = books.service.book(login, slug).await?;
    let owner = book.owner();
    let bytes = read_limited(body, books.ctx.app.config.server.max_request_bytes).await?;
    let report = crate::edge::off_the_workers(move || carddav::parse_report(&bytes))
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
            for href in &multiget.hrefs {
                let item = match card_name(href, &owner.login, slug) {
                    Some(n) => books.service.card(&book, &n).await?,
                    None => None,
                };
                match item {
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
