//! `/dav/`: the entry point protocol clients discover from (CalDAV and CardDAV homes hang
//! below it as those features arrive), and the DAV headers answered to `OPTIONS`.

use http::{Method, Request, Response};
use hyper::body::Incoming;

use super::Ctx;
use super::body::Body;
use super::error::AppError;
use crate::authz::{Action, Resource, can};
use crate::store::Principal;

const ALLOW: &str = "OPTIONS, PROPFIND";

/// The DAV capability headers; also the answer to Windows' unauthenticated `OPTIONS /`.
pub fn options_response() -> Response<Body> {
    super::dav_util::options_response("1, 2", ALLOW)
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
