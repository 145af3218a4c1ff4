//! File versions over HTTP (documented in docs/webdav.md):
//! - `GET file?versions`: JSON list of every version, oldest first (the last is current);
//! - `GET file?version=N`: the content of version N;
//! - `POST file?restore=N`: makes version N's content the current one, as a new version.

use http::{HeaderMap, HeaderValue, Method, Response, StatusCode, header};

use crate::core::documents::DocTarget;
use crate::edge::body::{Body, full};
use crate::edge::error::AppError;

use super::{Dav, parse_if, read};

/// What the query string asks of versions.
pub enum VersionQuery {
    List,
    Get(i64),
    Restore(i64),
}

pub fn parse_query(query: Option<&str>) -> Result<Option<VersionQuery>, AppError> {
    let Some(query) = query else { return Ok(None) };
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let number = || {
            value
                .parse::<i64>()
                .map_err(|_| AppError::BadRequest(format!("{key} must be a version number")))
        };
        match key.as_ref() {
            "versions" => return Ok(Some(VersionQuery::List)),
            "version" => return Ok(Some(VersionQuery::Get(number()?))),
            "restore" => return Ok(Some(VersionQuery::Restore(number()?))),
            _ => {}
        }
    }
    Ok(None)
}

pub async fn handle(
    dav: &Dav<'_>,
    target: &DocTarget,
    method: &Method,
    headers: &HeaderMap,
    query: VersionQuery,
) -> Result<Response<Body>, AppError> {
    match (method, query) {
        (&Method::GET | &Method::HEAD, VersionQuery::List) => {
            let versions = dav.docs.versions(target).await?;
            let list: Vec<_> = versions
                .iter()
                .map(|v| {
                    serde_json::json!({
                        "version": v.version, "size": v.size, "author": v.author,
                        "created_at": v.created_at, "content_type": v.content_type,
                    })
                })
                .collect();
            let text = serde_json::to_vec(&list).map_err(|e| AppError::Internal(e.to_string()))?;
            let mut resp = Response::new(full(text));
            resp.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            Ok(resp)
        }
        (&Method::GET | &Method::HEAD, VersionQuery::Get(n)) => {
            let v = dav.docs.version(target, n).await?;
            let ctype = v.content_type.as_deref().unwrap_or("application/octet-stream");
            let size = u64::try_from(v.size).unwrap_or(0);
            let content = read::Content {
                name: target.segments.last().map_or("", String::as_str),
                sha256: &v.blob_sha256,
                size,
                content_type: ctype,
                etag: None,
                modified_at: v.created_at,
            };
            read::send_blob(dav, method, headers, content).await
        }
        (&Method::POST, VersionQuery::Restore(n)) => {
            let version = dav.docs.restore(target, n, parse_if(headers)?.as_ref()).await?;
            let text = serde_json::to_vec(&serde_json::json!({ "version": version }))
                .map_err(|e| AppError::Internal(e.to_string()))?;
            let mut resp = Response::new(full(text));
            *resp.status_mut() = StatusCode::OK;
            resp.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            Ok(resp)
        }
        _ => Err(AppError::MethodNotAllowed {
            allow: "GET, HEAD, POST",
        }),
    }
}
