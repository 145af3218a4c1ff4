//! File versions over HTTP (documented in docs/webdav.md):
//! - `GET file?versions`: JSON list of every version, oldest first (the last is current);
//! - `GET file?version=N`: the content of version N;
//! - `POST file?restore=N`: makes version N's content the current one, as a new version.

use http::{HeaderMap, HeaderValue, Method, Response, StatusCode, header};

use crate::authz::Action;
use crate::blobs::BlobRef;
use crate::http::body::{Body, full};
use crate::http::error::AppError;
use crate::store::{DocNode, DocVersion, Principal, PutCondition, PutOutcome};

use super::conditions::{Scope, check_write};
use super::locate::{DocTarget, load_node};
use super::{Dav, access, read};

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

async fn file_versions(dav: &Dav<'_>, target: &DocTarget) -> Result<(DocNode, Vec<DocVersion>), AppError> {
    let node = load_node(dav.store(), target)
        .await?
        .filter(|n| !n.is_collection())
        .ok_or(AppError::NotFound)?;
    let versions = dav.store().doc_versions(node.id).await?;
    Ok((node, versions))
}

pub async fn handle(
    dav: &Dav<'_>,
    principal: &Principal,
    target: &DocTarget,
    method: &Method,
    headers: &HeaderMap,
    query: VersionQuery,
) -> Result<Response<Body>, AppError> {
    match (method, query) {
        (&Method::GET | &Method::HEAD, VersionQuery::List) => {
            access::require(dav.store(), principal, target, Action::Read).await?;
            let (_, versions) = file_versions(dav, target).await?;
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
            access::require(dav.store(), principal, target, Action::Read).await?;
            let (_, versions) = file_versions(dav, target).await?;
            let v = versions
                .into_iter()
                .find(|v| v.version == n)
                .ok_or(AppError::NotFound)?;
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
            read::send_blob(dav.ctx.app.blobs.as_ref(), method, headers, content).await
        }
        (&Method::POST, VersionQuery::Restore(n)) => {
            access::require(dav.store(), principal, target, Action::Write).await?;
            let (node, versions) = file_versions(dav, target).await?;
            let v = versions
                .into_iter()
                .find(|v| v.version == n)
                .ok_or(AppError::NotFound)?;
            check_write(dav.store(), principal, headers, target, Scope::Resource).await?;
            let blob = BlobRef {
                sha256: v.blob_sha256,
                size: u64::try_from(v.size).unwrap_or(0),
            };
            let ctype = v.content_type.unwrap_or_else(|| "application/octet-stream".into());
            let outcome = dav
                .store()
                .doc_put(
                    &target.path,
                    &blob,
                    &ctype,
                    principal.id,
                    &PutCondition::MatchEtag(node.etag),
                )
                .await?;
            let PutOutcome::Replaced { version, .. } = outcome else {
                return Err(AppError::PreconditionFailed(
                    "the file changed meanwhile; try again".into(),
                ));
            };
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
