//! Static assets: the style sheet (`static/app.css`, compiled in) served under a name that
//! carries a hash of its content, so it can be cached for a year and a new build is fetched
//! at once.

use std::sync::LazyLock;

use http::{HeaderValue, Method, Response, header};
use sha2::{Digest, Sha256};

use crate::edge::body::{Body, empty, full};
use crate::edge::error::AppError;

const CSS: &str = include_str!("../../static/app.css");

/// `/static/app.<hash>.css`
pub static CSS_PATH: LazyLock<String> = LazyLock::new(|| {
    let digest = Sha256::digest(CSS.as_bytes());
    format!("/static/app.{}.css", &hex::encode(digest)[..16])
});

/// GET of a static asset by its hashed path.
pub fn serve(method: &Method, path: &str) -> Result<Response<Body>, AppError> {
    if path != CSS_PATH.as_str() {
        return Err(AppError::NotFound);
    }
    if !matches!(*method, Method::GET | Method::HEAD) {
        return Err(AppError::MethodNotAllowed { allow: "GET, HEAD" });
    }
    let mut resp = Response::new(if *method == Method::HEAD { empty() } else { full(CSS) });
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(CSS.len()));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    Ok(resp)
}
