//! The document library as a WebDAV drive at `/docs/` (RFC 4918 classes 1 and 2), made for
//! Windows Explorer's MiniRedirector, MS Office, macOS Finder, davfs2, rclone and cadaver.
//!
//! Layout: `/docs/shared/` (company), `/docs/departments/{slug}/`, `/docs/users/{login}/`.
//! Each method parses its request, asks `crate::core::documents` and renders the answer:
//! `read` (GET/HEAD), `write` (PUT/DELETE/MKCOL), `copymove`, `props` (PROPFIND/PROPPATCH and
//! the virtual folders), `locking` (LOCK/UNLOCK), `versions`.

mod copymove;
mod locking;
mod props;
mod read;
mod versions;
mod write;

use dav::IfHeader;
use http::{HeaderMap, Method, Request, Response};
use hyper::body::Incoming;

use crate::core::documents::{DocTarget, Documents, Located, PREFIX};
use crate::core::{Actor, ErrorKind};
use crate::dav::common::util as dav_util;
pub use crate::dav::common::util::header_str;
use crate::edge::Ctx;
use crate::edge::body::Body;
use crate::edge::error::AppError;

pub const ALLOW_COLLECTION: &str = "OPTIONS, GET, HEAD, DELETE, PROPFIND, PROPPATCH, COPY, MOVE, LOCK, UNLOCK";
const ALLOW_FILE: &str = "OPTIONS, GET, HEAD, PUT, POST, DELETE, PROPFIND, PROPPATCH, COPY, MOVE, LOCK, UNLOCK";
const ALLOW_UNMAPPED: &str = "OPTIONS, PUT, MKCOL, LOCK";
const ALLOW_VIRTUAL: &str = "OPTIONS, GET, HEAD, PROPFIND";

/// Per-request handle on what the WebDAV handlers share.
pub struct Dav<'a> {
    pub ctx: &'a Ctx,
    pub docs: Documents<'a>,
}

/// `DAV`, `MS-Author-Via` and `Allow` for a library resource.
pub fn options_response(allow: &'static str) -> Response<Body> {
    dav_util::options_response("1, 2", allow)
}

/// Splits the path after `/docs` into decoded segments (400 on anything unsafe).
pub fn segments_of(path_below_docs: &str) -> Result<Vec<String>, AppError> {
    dav::decode_path(path_below_docs).map_err(|e| AppError::BadRequest(format!("invalid path: {e}")))
}

/// The parsed `If` header, if any (400 when malformed).
pub fn parse_if(headers: &HeaderMap) -> Result<Option<IfHeader>, AppError> {
    let Some(value) = headers.get("if") else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| AppError::BadRequest("If header is not ASCII".into()))?;
    IfHeader::parse(text)
        .map(Some)
        .map_err(|e| AppError::BadRequest(e.to_string()))
}

/// A service's "not on this resource" as a 405 with the methods a collection allows.
fn on_collection(e: crate::core::Error) -> AppError {
    match e.kind {
        ErrorKind::NotAllowed => AppError::MethodNotAllowed {
            allow: ALLOW_COLLECTION,
        },
        _ => e.into(),
    }
}

pub async fn handle(ctx: &Ctx, actor: &Actor, req: Request<Incoming>) -> Result<Response<Body>, AppError> {
    let dav = Dav {
        ctx,
        docs: ctx.app.core.documents(actor),
    };
    let below = match req.uri().path().strip_prefix(PREFIX) {
        Some("") | None => "/",
        Some(rest) => rest,
    };
    let located = dav.docs.locate(segments_of(below)?).await?;
    let (parts, body) = req.into_parts();
    let method = parts.method.clone();
    let headers = &parts.headers;
    let doc: DocTarget = match located {
        Located::Virtual(dir) => return props::virtual_dir(&dav, dir, &method, headers, body).await,
        Located::Doc(doc) => doc,
    };
    if let Some(query) = versions::parse_query(parts.uri.query())? {
        return versions::handle(&dav, &doc, &method, headers, query).await;
    }
    match method.as_str() {
        "OPTIONS" => Ok(options_response(match dav.docs.node(&doc).await? {
            Some(n) if n.is_collection() => ALLOW_COLLECTION,
            Some(_) => ALLOW_FILE,
            None => ALLOW_UNMAPPED,
        })),
        "GET" | "HEAD" => match dav.docs.node(&doc).await? {
            Some(n) if n.is_collection() => read::folder_index(&dav, &doc, &method).await,
            Some(n) => read::get_file(&dav, &method, headers, &n).await,
            None => Err(AppError::NotFound),
        },
        "PUT" => write::put(&dav, &doc, headers, body).await.map_err(|e| match e {
            AppError::Domain(e) => on_collection(e),
            other => other,
        }),
        "DELETE" => write::delete(&dav, &doc, headers).await,
        "MKCOL" => write::mkcol(&dav, &doc, headers, body).await,
        "COPY" => copymove::copy_or_move(&dav, &doc, headers, false).await,
        "MOVE" => copymove::copy_or_move(&dav, &doc, headers, true).await,
        "PROPFIND" => props::propfind(&dav, &doc, headers, body).await,
        "PROPPATCH" => props::proppatch(&dav, &doc, headers, body).await,
        "LOCK" => locking::lock(&dav, &doc, headers, body).await,
        "UNLOCK" => locking::unlock(&dav, &doc, headers).await,
        _ if method == Method::POST => Err(AppError::BadRequest("POST needs ?restore=N".into())),
        _ => Err(AppError::MethodNotAllowed { allow: ALLOW_FILE }),
    }
}
