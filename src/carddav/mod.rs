//! CardDAV (RFC 6352) under `/dav/addressbooks/`: each user's address-book home with a
//! personal `contacts` book (more by extended MKCOL), and, in every home, the read-only
//! company `directory` book and one `dept-{slug}` book per department, generated from the
//! directory (see `directory`). vCard rules live in `protocols/carddav`.

pub mod directory;

use std::borrow::Cow;

use dav::{Depth, Multistatus, PropertyValue, QName, Status};
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode, header};
use hyper::body::Incoming;
use sha2::{Digest, Sha256};

use crate::authz::{Action, Resource, can};
use crate::http::Ctx;
use crate::http::body::{Body, check_declared_length, empty, full, read_limited, status};
use crate::http::dav_sync::SyncPage;
use crate::http::dav_util::{
    answer_propfind, multistatus_response, options_response, propfind_depth, protocol_error, read_propfind,
};
use crate::http::error::AppError;
use crate::store::{Collection, Item, ItemCondition, ItemPutOutcome, NewCollection, NewItem, Principal, Store};

const DAV_CLASSES: &str = "1, 3, addressbook, extended-mkcol";
const ALLOW_HOME: &str = "OPTIONS, PROPFIND, MKCOL";
const ALLOW_BOOK: &str = "OPTIONS, PROPFIND, PROPPATCH, DELETE, REPORT";
const ALLOW_CARD: &str = "OPTIONS, GET, HEAD, PUT, DELETE, PROPFIND";
const MAX_CARD_BYTES: u64 = 1024 * 1024;
pub const KIND: &str = "addressbook";
const DEFAULT_BOOK: (&str, &str) = ("contacts", "Contacts");

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

pub fn home_href(login: &str) -> String {
    format!("/dav/addressbooks{}", dav::encode_href(&[login], true))
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

pub fn etag_of(data: &[u8]) -> String {
    hex::encode(&Sha256::digest(data)[..20])
}

/// A book as seen from a home: the caller's own, or a directory book (read-only for all).
struct OpenBook {
    coll: Collection,
    writable: bool,
}

struct Books<'a> {
    ctx: &'a Ctx,
    me: &'a Principal,
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

    fn store(&self) -> &Store {
        &self.ctx.app.store
    }

    /// The home's owner; only the owner may use a home (the directory books inside it are
    /// the same for everyone).
    async fn home(&self, login: &str) -> Result<Principal, AppError> {
        let owner = self
            .store()
            .principal_by_login(login)
            .await?
            .filter(|p| p.active)
            .ok_or(AppError::NotFound)?;
        if !can(self.me, Action::Write, Resource::CalendarHome { owner: &owner }) {
            return Err(AppError::Forbidden);
        }
        if self.store().collections_of(owner.id, KIND).await?.is_empty() {
            let new = NewCollection {
                owner_id: owner.id,
                kind: KIND,
                slug: DEFAULT_BOOK.0,
                displayname: Some(DEFAULT_BOOK.1),
                description: None,
                color: None,
                timezone: None,
                components: "",
            };
            match self.store().create_collection(&new).await {
                Ok(_) | Err(crate::store::StoreError::Conflict(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(owner)
    }

    /// Every book shown in a home: the owner's, then the directory books.
    async fn books(&self, owner: &Principal) -> Result<Vec<OpenBook>, AppError> {
        let mut out: Vec<OpenBook> = self
            .store()
            .collections_of(owner.id, KIND)
            .await?
            .into_iter()
            .map(|coll| OpenBook { coll, writable: true })
            .collect();
        for coll in directory::books(self.store()).await? {
            out.push(OpenBook { coll, writable: false });
        }
        Ok(out)
    }

    async fn book(&self, login: &str, slug: &str) -> Result<(Principal, OpenBook), AppError> {
        let owner = self.home(login).await?;
        let book = self
            .books(&owner)
            .await?
            .into_iter()
            .find(|b| b.coll.slug == slug)
            .ok_or(AppError::NotFound)?;
        Ok((owner, book))
    }
}

fn book_value(me: &Principal, owner: &Principal, book: &OpenBook, name: &QName) -> Option<PropertyValue> {
    let coll = &book.coll;
    match (name.ns.as_ref(), name.local.as_ref()) {
        (dav::NS_DAV, "resourcetype") => Some(PropertyValue::ResourceType(vec![
            dav::names::COLLECTION,
            carddav::names::ADDRESSBOOK,
        ])),
        (dav::NS_DAV, "displayname") => Some(PropertyValue::Text(
            coll.displayname.clone().unwrap_or(coll.slug.clone()),
        )),
        (dav::NS_DAV, "current-user-principal") => Some(PropertyValue::Href(crate::caldav::principal_href(&me.login))),
        (dav::NS_DAV, "owner") => Some(PropertyValue::Href(crate::caldav::principal_href(&owner.login))),
        (dav::NS_DAV, "current-user-privilege-set") => Some(crate::caldav::privileges_value(book.writable)),
        (dav::NS_DAV, "supported-report-set") => {
            Some(crate::caldav::reports_value(&carddav::properties::ADDRESSBOOK_REPORTS))
        }
        (dav::NS_DAV, "sync-token") => Some(PropertyValue::Text(crate::caldav::sync_token(coll.id, coll.sync_seq))),
        (crate::caldav::NS_CALSERVER, "getctag") => Some(PropertyValue::Text(format!("\"{}\"", coll.sync_seq))),
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

pub async fn handle(ctx: &Ctx, me: &Principal, req: Request<Incoming>) -> Result<Response<Body>, AppError> {
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
    let books = Books { ctx, me, alias };
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
            let (_, book) = books.book(login, slug).await?;
            if !book.writable {
                return Err(AppError::Forbidden);
            }
            books.store().delete_collection(book.coll.id).await?;
            Ok(status(StatusCode::NO_CONTENT))
        }
        (BookPath::Book { login, slug }, "REPORT") => report(&books, login, slug, body).await,
        (BookPath::Card { login, slug, name }, "GET" | "HEAD") => {
            let (_, book) = books.book(login, slug).await?;
            let item = books
                .store()
                .item(book.coll.id, name)
                .await?
                .ok_or(AppError::NotFound)?;
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
            let (_, book) = books.book(login, slug).await?;
            if !book.writable {
                return Err(AppError::Forbidden);
            }
            let expected = if_match(headers);
            if books
                .store()
                .delete_item(book.coll.id, name, expected.as_deref())
                .await?
            {
                return Ok(status(StatusCode::NO_CONTENT));
            }
            match books.store().item(book.coll.id, name).await? {
                Some(_) => Err(AppError::PreconditionFailed(
                    "If-Match does not match the current ETag".into(),
                )),
                None => Err(AppError::NotFound),
            }
        }
        (BookPath::Home { .. }, _) => Err(AppError::MethodNotAllowed { allow: ALLOW_HOME }),
        (BookPath::Book { .. }, _) => Err(AppError::MethodNotAllowed { allow: ALLOW_BOOK }),
        (BookPath::Card { .. }, _) => Err(AppError::MethodNotAllowed { allow: ALLOW_CARD }),
    }
}

/// The cards an addressbook-query must decide: those the search index selects when the
/// filter can be narrowed safely (`carddav::index_query`), else every card of the book.
async fn query_candidates(store: &Store, coll: &Collection, filter: &carddav::Filter) -> Result<Vec<Item>, AppError> {
    Ok(match carddav::index_query(filter) {
        Some(query) => {
            store.index_missing_cards(coll.id, carddav::index_values).await?;
            store.cards_by_index(coll.id, &query).await?
        }
        None => store.items_all(coll.id).await?,
    })
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

fn if_match(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::IF_MATCH)?.to_str().ok()?.trim();
    Some(v.trim_start_matches("W/").trim_matches('"').to_owned())
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
            let owner = books.home(login).await?;
            ms.push(answer_propfind(
                home_href(&owner.login),
                &request,
                BOOK_ALLPROP[..2].as_ref(),
                |n| match (n.ns.as_ref(), n.local.as_ref()) {
                    (dav::NS_DAV, "resourcetype") => Some(PropertyValue::ResourceType(vec![dav::names::COLLECTION])),
                    (dav::NS_DAV, "displayname") => Some(PropertyValue::Text(owner.display_name.clone())),
                    (dav::NS_DAV, "current-user-principal") => {
                        Some(PropertyValue::Href(crate::caldav::principal_href(&me.login)))
                    }
                    _ => None,
                },
            ));
            if depth == Depth::One {
                for book in books.books(&owner).await? {
                    ms.push(answer_propfind(
                        books.book_href(&owner.login, &book.coll.slug),
                        &request,
                        BOOK_ALLPROP,
                        |n| book_value(me, &owner, &book, n),
                    ));
                }
            }
        }
        BookPath::Book { login, slug } => {
            let (owner, book) = books.book(login, slug).await?;
            ms.push(answer_propfind(
                books.book_href(&owner.login, slug),
                &request,
                BOOK_ALLPROP,
                |n| book_value(me, &owner, &book, n),
            ));
            if depth == Depth::One {
                let items = books.store().items_all(book.coll.id).await?;
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
            let (owner, book) = books.book(login, slug).await?;
            let item = books
                .store()
                .item(book.coll.id, name)
                .await?
                .ok_or(AppError::NotFound)?;
            ms.push(answer_propfind(
                books.card_href(&owner.login, slug, name),
                &request,
                CARD_ALLPROP,
                |n| card_value(&item, None, n),
            ));
        }
    }
    Ok(multistatus_response(&ms))
}

async fn make_book(books: &Books<'_>, login: &str, slug: &str, body: Incoming) -> Result<Response<Body>, AppError> {
    let owner = books.home(login).await?;
    let bytes = read_limited(body, books.ctx.app.config.server.max_request_bytes).await?;
    let request = carddav::parse_extended_mkcol(&bytes).map_err(|e| AppError::BadRequest(format!("MKCOL: {e}")))?;
    if !carddav::is_addressbook(&request) {
        return Err(AppError::Dav {
            status: StatusCode::FORBIDDEN,
            reason: "only address books can be created in an address-book home".into(),
            condition: Some(carddav::conditions::valid_resourcetype()),
        });
    }
    if books.books(&owner).await?.iter().any(|b| b.coll.slug == slug) || directory::is_reserved(slug) {
        return Err(AppError::MethodNotAllowed { allow: ALLOW_BOOK });
    }
    let (displayname, description) = carddav::book_names(&request);
    let new = NewCollection {
        owner_id: owner.id,
        kind: KIND,
        slug,
        displayname: displayname.as_deref(),
        description: description.as_deref(),
        color: None,
        timezone: None,
        components: "",
    };
    books.store().create_collection(&new).await?;
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
    let (owner, book) = books.book(login, slug).await?;
    if !book.writable {
        return Err(AppError::Forbidden);
    }
    let precondition = |status: StatusCode, condition: dav::Precondition, reason: String| AppError::Dav {
        status,
        reason,
        condition: Some(condition),
    };
    let too_large = || {
        let reason = format!("a vCard may have at most {MAX_CARD_BYTES} bytes");
        precondition(StatusCode::FORBIDDEN, carddav::conditions::max_resource_size(), reason)
    };
    check_declared_length(headers, MAX_CARD_BYTES).map_err(|_| too_large())?;
    let bytes = read_limited(body, MAX_CARD_BYTES).await.map_err(|e| match e {
        AppError::PayloadTooLarge(_) => too_large(),
        other => other,
    })?;
    let (card, index, bytes) = crate::http::off_the_workers(move || {
        let card = carddav::validate_card(&bytes);
        let index = if card.is_ok() {
            carddav::index_values(&bytes)
        } else {
            Vec::new()
        };
        (card, index, bytes)
    })
    .await?;
    let card = card.map_err(|e| precondition(StatusCode::FORBIDDEN, e.precondition(), e.to_string()))?;
    let data = String::from_utf8(bytes.to_vec()).map_err(|_| {
        precondition(
            StatusCode::FORBIDDEN,
            carddav::conditions::valid_address_data(),
            "vCards must be UTF-8".into(),
        )
    })?;
    let condition = if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v.as_bytes() == b"*") {
        ItemCondition::MustNotExist
    } else {
        match if_match(headers) {
            Some(e) if e == "*" => ItemCondition::MustExist,
            Some(e) => ItemCondition::MatchEtag(e),
            None => ItemCondition::Any,
        }
    };
    let etag = etag_of(data.as_bytes());
    let new = NewItem {
        name,
        uid: &card.uid,
        etag: &etag,
        component: "VCARD",
        data: &data,
        time_start: 0,
        time_end: 0,
        is_oof: false,
    };
    let code = match books.store().put_card(book.coll.id, &new, &condition, &index).await? {
        ItemPutOutcome::Created => StatusCode::CREATED,
        ItemPutOutcome::Replaced => StatusCode::NO_CONTENT,
        ItemPutOutcome::PreconditionFailed => {
            return Err(AppError::PreconditionFailed(
                "the card changed meanwhile (If-Match / If-None-Match)".into(),
            ));
        }
        ItemPutOutcome::UidConflict { name: other } => {
            let href = books.card_href(&owner.login, slug, &other);
            let reason = format!("another card of this book has UID {}", card.uid);
            return Err(precondition(
                StatusCode::CONFLICT,
                carddav::conditions::no_uid_conflict(&href),
                reason,
            ));
        }
    };
    let mut resp = status(code);
    if let Ok(v) = HeaderValue::from_str(&quoted(&etag)) {
        resp.headers_mut().insert(header::ETAG, v);
    }
    Ok(resp)
}

async fn report(books: &Books<'_>, login: &str, slug: &str, body: Incoming) -> Result<Response<Body>, AppError> {
    let (owner, book) = books.book(login, slug).await?;
    let bytes = read_limited(body, books.ctx.app.config.server.max_request_bytes).await?;
    let report = crate::http::off_the_workers(move || carddav::parse_report(&bytes))
        .await?
        .map_err(|e| protocol_error(e.status(), e.precondition(), e.to_string()))?;
    let coll = &book.coll;
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
            for item in query_candidates(books.store(), coll, &query.filter).await? {
                if carddav::matches(&query.filter, item.data.as_bytes()) {
                    if hits == limit {
                        let cut = dav::Response::status(books.book_href(&owner.login, slug), Status(507));
                        ms.push(cut.with_error(carddav::conditions::number_of_matches_within_limits()));
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
                    Some(n) => books.store().item(coll.id, &n).await?,
                    None => None,
                };
                match item {
                    Some(item) => ms.push(respond(&item, &multiget.props)?),
                    None => ms.push(dav::Response::status(href.clone(), Status::NOT_FOUND)),
                }
            }
        }
        carddav::Report::SyncCollection(sync) => {
            let token = sync.sync_token.as_deref();
            let page = SyncPage::read(books.store(), coll, token, sync.limit, "address book").await?;
            page.answer(
                &mut ms,
                books.book_href(&owner.login, slug),
                |name| books.card_href(&owner.login, slug, name),
                |item| respond(item, &sync.props),
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
