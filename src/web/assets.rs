//! Static assets, compiled in: the style sheet (`static/app.css`) and the upload script of the
//! document pages (`static/upload.js`). Each is served under a name that carries a hash of its
//! content, so it can be cached for a year and a new build is fetched at once. One table and
//! one handler serve them all.

use std::sync::LazyLock;

use http::{HeaderValue, Method, Response, header};
use sha2::{Digest, Sha256};

use crate::edge::body::{Body, empty, full};
use crate::edge::error::AppError;

/// A file of `static/`, compiled in.
struct Asset {
    /// The name before the hash (`app` of `app.css`).
    stem: &'static str,
    /// The extension after the hash.
    ext: &'static str,
    body: &'static str,
    content_type: &'static str,
}

static CSS: Asset = Asset {
    stem: "app",
    ext: "css",
    body: include_str!("../../static/app.css"),
    content_type: "text/css; charset=utf-8",
};

static UPLOAD_JS: Asset = Asset {
    stem: "upload",
    ext: "js",
    body: include_str!("../../static/upload.js"),
    content_type: "text/javascript; charset=utf-8",
};

/// `/static/{stem}.{first 16 hex digits of the body's SHA-256}.{ext}`
fn hashed_path(asset: &Asset) -> String {
    let digest = Sha256::digest(asset.body.as_bytes());
    format!("/static/{}.{}.{}", asset.stem, &hex::encode(digest)[..16], asset.ext)
}

/// `/static/app.<hash>.css`
pub static CSS_PATH: LazyLock<String> = LazyLock::new(|| hashed_path(&CSS));

/// `/static/upload.<hash>.js`
pub static UPLOAD_JS_PATH: LazyLock<String> = LazyLock::new(|| hashed_path(&UPLOAD_JS));

/// Every asset by its hashed path.
fn table() -> [(&'static str, &'static Asset); 2] {
    [(CSS_PATH.as_str(), &CSS), (UPLOAD_JS_PATH.as_str(), &UPLOAD_JS)]
}

/// GET of a static asset by its hashed path.
pub fn serve(method: &Method, path: &str) -> Result<Response<Body>, AppError> {
    let Some((_, asset)) = table().into_iter().find(|(p, _)| *p == path) else {
        return Err(AppError::NotFound);
    };
    if !matches!(*method, Method::GET | Method::HEAD) {
        return Err(AppError::MethodNotAllowed { allow: "GET, HEAD" });
    }
    let mut resp = Response::new(if *method == Method::HEAD {
        empty()
    } else {
        full(asset.body)
    });
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(asset.body.len()));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_has_its_own_hashed_path() {
        let paths = table().map(|(p, _)| p);
        assert!(
            paths[0].starts_with("/static/app.") && paths[0].ends_with(".css"),
            "{}",
            paths[0]
        );
        assert!(
            paths[1].starts_with("/static/upload.") && paths[1].ends_with(".js"),
            "{}",
            paths[1]
        );
        // `/static/` + stem + `.` + 16 hex digits + `.` + ext
        assert_eq!(paths[1].len(), "/static/upload.".len() + 16 + ".js".len());
    }
}
