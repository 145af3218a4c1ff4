//! COPY and MOVE (RFC 4918 §9.8, §9.9): the `Destination`, `Depth` and `Overwrite` headers
//! become a `crate::core::documents` command, which checks both ends.

use dav::{Depth, parse_destination, parse_overwrite};
use http::{HeaderMap, Response, StatusCode, header};

use crate::core::ErrorKind;
use crate::core::documents::{CopyMove, DocTarget, Located};
use crate::edge::body::{Body, empty};
use crate::edge::error::AppError;

use super::{Dav, header_str, parse_if};

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
    match dav.docs.locate(segments).await {
        Ok(Located::Doc(t)) => Ok(t),
        Ok(Located::Virtual(_)) => Err(AppError::Forbidden),
        Err(e) if e.kind == ErrorKind::NotFound => {
            Err(AppError::Conflict("the Destination library does not exist".into()))
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn copy_or_move(
    dav: &Dav<'_>,
    source: &DocTarget,
    headers: &HeaderMap,
    is_move: bool,
) -> Result<Response<Body>, AppError> {
    let depth = header_str(headers, "depth")
        .map(|v| Depth::parse(v).map_err(|e| AppError::BadRequest(e.to_string())))
        .transpose()?;
    let overwrite =
        parse_overwrite(header_str(headers, "overwrite")).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let if_header = parse_if(headers)?;
    let dest = destination(dav, headers).await?;
    let op = CopyMove {
        is_move,
        depth,
        overwrite,
        if_header,
    };
    let created = dav.docs.copy_or_move(source, &dest, op).await?;
    let mut resp = Response::new(empty());
    *resp.status_mut() = if created {
        StatusCode::CREATED
    } else {
        StatusCode::NO_CONTENT
    };
    Ok(resp)
}
