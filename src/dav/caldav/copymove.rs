//! COPY and MOVE of calendar objects (RFC 4918 §9.8–§9.9; Apple Calendar moves an event to
//! another calendar this way): the `Destination` must name an object in a calendar (else 403
//! `C:calendar-collection-location-ok`, RFC 4791 §5.3.2.1); the calendar service checks both
//! ends, validates the object for the destination calendar, and moves it in one transaction.

use dav::parse_overwrite;
use http::{HeaderMap, Response, StatusCode, header};

use crate::core::authz::Action;
use crate::core::calendars::{CalendarRef, Transfer};
use crate::dav::common::util::header_str;
use crate::edge::body::{Body, empty};
use crate::edge::error::AppError;

use super::Cal;
use super::paths::{DAV_PREFIX, DavPath};

fn location_not_ok(reason: &str) -> AppError {
    AppError::Dav {
        status: StatusCode::FORBIDDEN,
        reason: reason.into(),
        condition: Some(caldav::conditions::calendar_collection_location_ok()),
    }
}

pub async fn copy_or_move(
    cal: &Cal<'_>,
    source: &CalendarRef,
    name: &str,
    headers: &HeaderMap,
    is_move: bool,
) -> Result<Response<Body>, AppError> {
    let overwrite =
        parse_overwrite(header_str(headers, "overwrite")).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let raw =
        header_str(headers, "destination").ok_or_else(|| AppError::BadRequest("Destination header missing".into()))?;
    let dest = dav::parse_destination(raw).map_err(|e| AppError::BadRequest(format!("Destination: {e}")))?;
    if let (Some(authority), Some(host)) = (&dest.authority, header_str(headers, header::HOST.as_str()))
        && !authority.eq_ignore_ascii_case(host)
    {
        return Err(AppError::BadGateway("the Destination is on another server".into()));
    }
    let prefix = DAV_PREFIX.trim_matches('/');
    if dest.segments.first().map(String::as_str) != Some(prefix) {
        return Err(location_not_ok("the Destination is not in a calendar"));
    }
    let below = dav::encode_href(&dest.segments[1..], dest.trailing_slash);
    let DavPath::CalendarObject {
        login,
        slug,
        name: to_name,
    } = DavPath::parse(&below)?
    else {
        return Err(location_not_ok("the Destination is not an object in a calendar"));
    };
    let to = cal.calendars.calendar(&login, &slug, Action::Write).await?;
    let created = cal
        .calendars
        .copy_object(source, name, &to, &to_name, Transfer { is_move, overwrite })
        .await?;
    let mut resp = Response::new(empty());
    *resp.status_mut() = if created {
        StatusCode::CREATED
    } else {
        StatusCode::NO_CONTENT
    };
    Ok(resp)
}
