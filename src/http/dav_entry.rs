//! `/dav/`: the entry point protocol clients discover from (CalDAV and CardDAV homes hang
//! below it as those features arrive), and the DAV headers answered to `OPTIONS`.

use http::{HeaderValue, Method, Request, Response, header};
use hyper::body::Incoming;

use super::Ctx;
use super::body::{Body, empty};
use super::error::AppError;
use crate::authz::{Action, Resource, can};
use crate::store::Principal;

const ALLOW: &str = "OPTIONS, PROPFIND";

/// The DAV capability headers; also the answer to Windows' unauthenticated `OPTIONS /`.
pub fn options_response() -> Response<Body> {
    let mut resp = Response::new(empty());
    let h = resp.headers_mut();
    h.insert("dav", HeaderValue::from_static("1, 2"));
    h.insert("ms-author-via", HeaderValue::from_static("DAV"));
    h.insert(header::ALLOW, HeaderValue::from_static(ALLOW));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
    resp
}

pub async fn handle(_ctx: &Ctx, principal: &Principal, req: Request<Incoming>) -> Result<Response<Body>, AppError> {
    if !can(principal, Action::Read, Resource::DavRoot) {
        return Err(AppError::Forbidden);
    }
    match *req.method() {
        Method::OPTIONS => Ok(options_response()),
        _ => Err(AppError::MethodNotAllowed { allow: ALLOW }),
    }
}
