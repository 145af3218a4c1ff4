//! CardDAV (RFC 6352) under `/dav/addressbooks/`: each user's address-book home with a
//! personal `contacts` book (more by extended MKCOL), and, in every home, the read-only
//! company `directory` book and one `dept-{slug}` book per department, generated from the
//! directory. Each method parses its request, asks `crate::core::addressbooks` and renders
//! the answer: `props` (PROPFIND), `book` (MKCOL, DELETE of a book), `cards` (GET, PUT,
//! DELETE of a card), `report`. vCard rules live in `protocols/carddav`.

mod book;
mod cards;
mod props;
mod report;

use http::{Request, Response};
use hyper::body::Incoming;

use crate::core::addressbooks::AddressBooks;
use crate::core::{Actor, Principal};
use crate::dav::common::util::options_response;
use crate::edge::Ctx;
use crate::edge::body::Body;
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
        (_, "PROPFIND") => props::propfind(&books, &path, headers, body).await,
        (BookPath::Book { login, slug }, "MKCOL") => book::make_book(&books, login, slug, body).await,
        (BookPath::Book { login, slug }, "DELETE") => book::delete(&books, login, slug).await,
        (BookPath::Book { login, slug }, "REPORT") => report::report(&books, login, slug, body).await,
        (BookPath::Card { login, slug, name }, "GET" | "HEAD") => {
            cards::get(&books, login, slug, name, headers, method == "HEAD").await
        }
        (BookPath::Card { login, slug, name }, "PUT") => {
            cards::put_card(&books, login, slug, name, headers, body).await
        }
        (BookPath::Card { login, slug, name }, "DELETE") => cards::delete(&books, login, slug, name, headers).await,
        (BookPath::Home { .. }, _) => Err(AppError::MethodNotAllowed { allow: ALLOW_HOME }),
        (BookPath::Book { .. }, _) => Err(AppError::MethodNotAllowed { allow: ALLOW_BOOK }),
        (BookPath::Card { .. }, _) => Err(AppError::MethodNotAllowed { allow: ALLOW_CARD }),
    }
}
