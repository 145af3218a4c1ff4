//! COPY and MOVE (RFC 4918 §9.8, §9.9): Destination, Depth and Overwrite handling,
//! permissions on both ends, lock tokens for both ends, and quota for copies into a drive.

use dav::{Depth, parse_destination, parse_overwrite};
use http::{HeaderMap, Response, StatusCode, header};

use crate::authz::Action;
use crate::http::body::{Body, empty};
use crate::http::error::AppError;
use crate::store::Principal;

use super::conditions::{Scope, check_write};
use super::locate::{DocTarget, Target, load_node, resolve};
use super::{Dav, access, header_str, write::quota_left};

/// Where the `Destination` header points, as a library target.
async fn destination(dav: &Dav<'_>, headers: &HeaderMap) -> Result<DocTarget, AppError> {
    let raw =
        header_str(headers, "destination").ok_or_else(|| AppError::BadRequest("Destination header missing".into()))?;
    let dest = parse_destination(raw).map_err(|e| AppError::BadRequest(format!("Destination: {e}")))?;
    if let (Some(authority), Some(host)) = (&dest.authority, header_str(headers, header::HOST.as_str()))
        && !authority.eq_ignore_ascii_case(host)
    {
        return Err(AppError::BadGateway("the Destination is on another server".into()));
    }
    let mut segments = dest.segments;
    if segments.first().map(String::as_str) != Some("docs") {
        return Err(AppError::Forbidden);
    }
    segments.remove(0);
    match resolve(dav.store(), segments).await {
        Ok(Target::Doc(t)) => Ok(t),
        Ok(Target::Virtual(_)) => Err(AppError::Forbidden),
        Err(AppError::NotFound) => Err(AppError::Conflict("the Destination library does not exist".into())),
        Err(e) => Err(e),
    }
}

pub async fn copy_or_move(
    dav: &Dav<'_>,
    principal: &Principal,
    source: &DocTarget,
    headers: &HeaderMap,
    is_move: bool,
) -> Result<Response<Body>, AppError> {
    access::require(
        dav.store(),
        principal,
        source,
        if is_move { Action::Write } else { Action::Read },
    )
    .await?;
    let node = load_node(dav.store(), source).await?.ok_or(AppError::NotFound)?;
    if is_move && source.is_root() {
        return Err(AppError::Forbidden);
    }
    let depth = match header_str(headers, "depth") {
        None => Depth::Infinity,
        Some(v) => Depth::parse(v).map_err(|e| AppError::BadRequest(e.to_string()))?,
    };
    // §9.9.3: MOVE of a collection acts as Depth infinity; §9.8.3: COPY accepts 0 or infinity.
    let deep = match (is_move, depth) {
        (true, Depth::Infinity) | (false, Depth::Infinity) => true,
        (false, Depth::Zero) => false,
        (true, _) if !node.is_collection() => true,
        _ => {
            return Err(AppError::BadRequest(
                "Depth must be 0 or infinity for COPY, infinity for MOVE".into(),
            ));
        }
    };
    let overwrite =
        parse_overwrite(header_str(headers, "overwrite")).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let dest = destination(dav, headers).await?;
    if dest.path == source.path {
        return Err(AppError::Forbidden);
    }
    if dest.path.starts_with(&format!("{}/", source.path)) {
        return Err(AppError::Conflict("cannot copy or move a folder into itself".into()));
    }
    if dest.is_root() {
        return Err(AppError::Forbidden);
    }
    access::require(dav.store(), principal, &dest, Action::Write).await?;
    let parent = dav.store().doc_node(dest.parent_path()).await?;
    if !parent.is_some_and(|p| p.is_collection()) {
        return Err(AppError::Conflict(
            "the Destination's parent folder does not exist".into(),
        ));
    }
    let existing = dav.store().doc_node(&dest.path).await?;
    if existing.is_some() && !overwrite {
        return Err(AppError::PreconditionFailed(
            "the Destination exists and Overwrite is F".into(),
        ));
    }
    if is_move {
        check_write(dav.store(), principal, headers, source, Scope::Membership).await?;
    }
    check_write(dav.store(), principal, headers, &dest, Scope::Membership).await?;
    if let Some(left) = quota_left(dav, &dest).await?
        && (!is_move || dest.root != source.root)
    {
        let adding: i64 = if deep {
            dav.store()
                .doc_subtree(&source.path)
                .await?
                .iter()
                .map(|n| n.size)
                .sum()
        } else {
            node.size
        };
        let freed = match &existing {
            Some(_) => dav.store().doc_subtree(&dest.path).await?.iter().map(|n| n.size).sum(),
            None => 0,
        };
        if adding - freed > left {
            return Err(AppError::InsufficientStorage);
        }
    }
    if existing.is_some() {
        dav.store().doc_delete_tree(&dest.path).await?;
    }
    if is_move {
        dav.store().doc_move_tree(&source.path, &dest.path).await?;
    } else {
        dav.store()
            .doc_copy_tree(&source.path, &dest.path, deep, principal.id)
            .await?;
    }
    let mut resp = Response::new(empty());
    *resp.status_mut() = if existing.is_some() {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::CREATED
    };
    Ok(resp)
}
