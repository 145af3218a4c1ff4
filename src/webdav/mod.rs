//! The document library as a WebDAV drive at `/docs/` (RFC 4918 classes 1 and 2), made for
//! Windows Explorer's MiniRedirector, MS Office, macOS Finder, davfs2, rclone and cadaver.
//!
//! Layout: `/docs/shared/` (company), `/docs/departments/{slug}/`, `/docs/users/{login}/`.
//! Every request is authenticated by the router and authorised here through `authz::can`.
//! Submodules: `locate` (URL → library node), `access` (permissions), `conditions` (`If`
//! header and locks), `read` (GET/HEAD), `write` (PUT/DELETE/MKCOL), `copymove`, `props`
//! (PROPFIND/PROPPATCH), `locking` (LOCK/UNLOCK), `versions`.

mod access;
mod conditions;
mod copymove;
mod locate;
mod locking;
mod props;
mod read;
mod versions;
mod write;

use http::{Method, Request, Response};
use hyper::body::Incoming;

use crate::authz::Action;
use crate::http::Ctx;
use crate::http::body::Body;
use crate::http::dav_util;
pub use crate::http::dav_util::header_str;
use crate::http::error::AppError;
use crate::store::{Principal, Store};

use locate::{PREFIX, Target, load_node, resolve, segments_of};

pub const ALLOW_COLLECTION: &str = "OPTIONS, GET, HEAD, DELETE, PROPFIND, PROPPATCH, COPY, MOVE, LOCK, UNLOCK";
const ALLOW_FILE: &str = "OPTIONS, GET, HEAD, PUT, POST, DELETE, PROPFIND, PROPPATCH, COPY, MOVE, LOCK, UNLOCK";
const ALLOW_UNMAPPED: &str = "OPTIONS, PUT, MKCOL, LOCK";
const ALLOW_VIRTUAL: &str = "OPTIONS, GET, HEAD, PROPFIND";

/// Per-request handle on what the WebDAV handlers share.
pub struct Dav<'a> {
    pub ctx: &'a Ctx,
}

impl Dav<'_> {
    pub fn store(&self) -> &Store {
        &self.ctx.app.store
    }
}

/// `DAV`, `MS-Author-Via` and `Allow` for a library resource.
pub fn options_response(allow: &'static str) -> Response<Body> {
    dav_util::options_response("1, 2", allow)
}

pub async fn handle(ctx: &Ctx, principal: &Principal, req: Request<Incoming>) -> Result<Response<Body>, AppError> {
    let dav = Dav { ctx };
    let below = match req.uri().path().strip_prefix(PREFIX) {
        Some("") | None => "/",
        Some(rest) => rest,
    };
    let target = resolve(dav.store(), segments_of(below)?).await?;
    let (parts, body) = req.into_parts();
    let method = parts.method.clone();
    let headers = &parts.headers;
    let doc = match target {
        Target::Virtual(dir) => return props::virtual_dir(&dav, principal, dir, &method, headers, body).await,
        Target::Doc(doc) => doc,
    };
    locate::ensure_root(&ctx.app, &doc).await?;
    if let Some(query) = versions::parse_query(parts.uri.query())? {
        return versions::handle(&dav, principal, &doc, &method, headers, query).await;
    }
    match method.as_str() {
        "OPTIONS" => {
            access::require(dav.store(), principal, &doc, Action::Read).await?;
            Ok(options_response(match load_node(dav.store(), &doc).await? {
                Some(n) if n.is_collection() => ALLOW_COLLECTION,
                Some(_) => ALLOW_FILE,
                None => ALLOW_UNMAPPED,
            }))
        }
        "GET" | "HEAD" => {
            access::require(dav.store(), principal, &doc, Action::Read).await?;
            match load_node(dav.store(), &doc).await? {
                Some(n) if n.is_collection() => read::folder_index(dav.store(), &doc, &method).await,
                Some(n) => read::get_file(ctx.app.blobs.as_ref(), &method, headers, &n).await,
                None => Err(AppError::NotFound),
            }
        }
        "PUT" => write::put(&dav, principal, &doc, headers, body).await,
        "DELETE" => write::delete(&dav, principal, &doc, headers).await,
        "MKCOL" => write::mkcol(&dav, principal, &doc, headers, body).await,
        "COPY" => copymove::copy_or_move(&dav, principal, &doc, headers, false).await,
        "MOVE" => copymove::copy_or_move(&dav, principal, &doc, headers, true).await,
        "PROPFIND" => props::propfind(&dav, principal, &doc, headers, body).await,
        "PROPPATCH" => props::proppatch(&dav, principal, &doc, headers, body).await,
        "LOCK" => locking::lock(&dav, principal, &doc, headers, body).await,
        "UNLOCK" => locking::unlock(&dav, principal, &doc, headers).await,
        _ if method == Method::POST => Err(AppError::BadRequest("POST needs ?restore=N".into())),
        _ => Err(AppError::MethodNotAllowed { allow: ALLOW_FILE }),
    }
}
