//! Calendar objects over HTTP (RFC 4791 §4.1, §5.3.2): GET, PUT and DELETE of one object,
//! the object properties of listings, and GET of a whole calendar as one iCalendar file.
//! Validation, conditions and what a reader may see are `crate::core::calendars`'.

use dav::{Multistatus, NS_CALDAV, PropertyValue, Propfind, QName};
use http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use hyper::body::Incoming;

use crate::core::calendars::{CalendarRef, CalendarView, Item, LIMITS, PutObject};
use crate::dav::common::util::{answer_propfind, preconditions, put_answer, quoted, read_conditions};
use crate::edge::body::{Body, check_declared_length, empty, full, read_limited, status};
use crate::edge::error::AppError;

use super::{Cal, object_href};

pub const CALENDAR_DATA: QName = QName::new_static(NS_CALDAV, "calendar-data");
/// `C:schedule-tag` (RFC 6638 §9.3).
const SCHEDULE_TAG: QName = QName::new_static(NS_CALDAV, "schedule-tag");

/// The `Schedule-Tag` response header of a scheduling object resource (RFC 6638 §8.3).
fn set_schedule_tag(h: &mut HeaderMap, tag: Option<&str>) {
    if let Some(Ok(v)) = tag.map(|t| HeaderValue::from_str(&quoted(t))) {
        h.insert("schedule-tag", v);
    }
}

/// The request's `If-Schedule-Tag-Match` (RFC 6638 §8.2): one quoted tag (400 otherwise).
fn schedule_tag_match(headers: &HeaderMap) -> Result<Option<String>, AppError> {
    let Some(v) = headers.get("if-schedule-tag-match") else {
        return Ok(None);
    };
    v.to_str()
        .ok()
        .map(str::trim)
        .and_then(|t| t.strip_prefix('"')?.strip_suffix('"'))
        .filter(|t| !t.contains('"'))
        .map(|t| Some(t.to_owned()))
        .ok_or_else(|| AppError::BadRequest("If-Schedule-Tag-Match must be one quoted tag".into()))
}
const OBJECT_ALLPROP: &[QName] = &[
    QName::dav("resourcetype"),
    QName::dav("getetag"),
    QName::dav("getcontenttype"),
    QName::dav("getcontentlength"),
    QName::dav("getlastmodified"),
];

pub fn content_type(component: &str) -> String {
    format!("text/calendar; charset=utf-8; component={component}")
}

fn http_time(unix: i64) -> std::time::SystemTime {
    std::time::UNIX_EPOCH + std::time::Duration::from_secs(u64::try_from(unix).unwrap_or(0))
}

/// A live property of an object in a listing or PROPFIND.
fn object_value(item: &Item, name: &QName) -> Option<PropertyValue> {
    if *name == SCHEDULE_TAG {
        return item.schedule_tag.as_deref().map(|t| PropertyValue::Text(quoted(t)));
    }
    if name.ns != dav::NS_DAV {
        return None;
    }
    Some(match name.local.as_ref() {
        "resourcetype" => PropertyValue::ResourceType(vec![]),
        "getetag" => PropertyValue::Text(quoted(&item.etag)),
        "getcontenttype" => PropertyValue::Text(content_type(&item.component)),
        "getcontentlength" => PropertyValue::Text(item.data.len().to_string()),
        "getlastmodified" => PropertyValue::HttpDate(http_time(item.modified_at)),
        _ => return None,
    })
}

/// An object's properties; `calendar_data` is its rendered form when a REPORT asked for
/// expansion or subsetting, else the item's data (as the reader sees it) is returned.
pub fn object_response(c: &CalendarRef, item: &Item, request: &Propfind, calendar_data: Option<&str>) -> dav::Response {
    answer_propfind(object_href(c, &item.name), request, OBJECT_ALLPROP, |n| {
        if *n == CALENDAR_DATA {
            return Some(PropertyValue::Text(calendar_data.unwrap_or(&item.data).to_owned()));
        }
        object_value(item, n)
    })
}

/// Depth-1 members of a calendar. Bodies are read only when calendar-data is asked for, or
/// when the reader sees reduced objects (whose sizes are not the stored ones).
pub async fn list_objects(
    cal: &Cal<'_>,
    c: &CalendarRef,
    request: &Propfind,
    ms: &mut Multistatus,
) -> Result<(), AppError> {
    let full_view = matches!(c.view(), CalendarView::Owner);
    if super::propfind::wants_calendar_data(request) || !full_view {
        for item in cal.calendars.objects(c).await? {
            ms.push(object_response(c, &item, request, None));
        }
        return Ok(());
    }
    for meta in cal.calendars.object_metas(c).await? {
        ms.push(answer_propfind(
            object_href(c, &meta.name),
            request,
            OBJECT_ALLPROP,
            |n| {
                if *n == SCHEDULE_TAG {
                    return meta.schedule_tag.as_deref().map(|t| PropertyValue::Text(quoted(t)));
                }
                if n.ns != dav::NS_DAV {
                    return None;
                }
                Some(match n.local.as_ref() {
                    "resourcetype" => PropertyValue::ResourceType(vec![]),
                    "getetag" => PropertyValue::Text(quoted(&meta.etag)),
                    "getcontenttype" => PropertyValue::Text(content_type(&meta.component)),
                    "getcontentlength" => PropertyValue::Text(meta.size.to_string()),
                    "getlastmodified" => PropertyValue::HttpDate(http_time(meta.modified_at)),
                    _ => return None,
                })
            },
        ));
    }
    Ok(())
}

pub async fn get(
    cal: &Cal<'_>,
    c: &CalendarRef,
    name: &str,
    headers: &HeaderMap,
    head: bool,
) -> Result<Response<Body>, AppError> {
    let item = cal.calendars.object(c, name).await?.ok_or(AppError::NotFound)?;
    if let Some(not_modified) = read_conditions(headers, &item.etag, item.modified_at)? {
        return Ok(not_modified);
    }
    let len = item.data.len();
    let etag = quoted(&item.etag);
    let ctype = content_type(&item.component);
    let mut resp = Response::new(if head { empty() } else { full(item.data) });
    let h = resp.headers_mut();
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    if let Ok(v) = HeaderValue::from_str(&ctype) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    set_schedule_tag(h, item.schedule_tag.as_deref());
    Ok(resp)
}

pub async fn put(
    cal: &Cal<'_>,
    c: &CalendarRef,
    name: &str,
    headers: &HeaderMap,
    body: Incoming,
) -> Result<Response<Body>, AppError> {
    let too_large = || AppError::Dav {
        status: StatusCode::FORBIDDEN,
        reason: format!("a calendar object may have at most {} bytes", LIMITS.max_resource_size),
        condition: Some(caldav::conditions::max_resource_size()),
    };
    check_declared_length(headers, LIMITS.max_resource_size).map_err(|_| too_large())?;
    let bytes = read_limited(body, LIMITS.max_resource_size)
        .await
        .map_err(|e| match e {
            AppError::PayloadTooLarge(_) => too_large(),
            other => other,
        })?;
    let put = PutObject {
        bytes,
        content_type: headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        preconditions: preconditions(headers)?,
        schedule_tag_match: schedule_tag_match(headers)?,
    };
    let written = cal.calendars.put_object(c, name, put).await?;
    let mut resp = put_answer(written.created, (!written.altered).then_some(written.etag.as_str()));
    set_schedule_tag(resp.headers_mut(), written.schedule_tag.as_deref());
    Ok(resp)
}

pub async fn delete(
    cal: &Cal<'_>,
    c: &CalendarRef,
    name: &str,
    headers: &HeaderMap,
) -> Result<Response<Body>, AppError> {
    cal.calendars
        .delete_object(
            c,
            name,
            &preconditions(headers)?,
            schedule_tag_match(headers)?.as_deref(),
        )
        .await?;
    Ok(status(StatusCode::NO_CONTENT))
}

/// GET of a calendar collection: the whole calendar as one iCalendar file (as Radicale and
/// SabreDAV's export answer), for "download calendar" links and simple subscribers. RFC 4791
/// leaves GET on a collection undefined.
pub async fn export(cal: &Cal<'_>, c: &CalendarRef, head: bool) -> Result<Response<Body>, AppError> {
    let text = cal.calendars.export(c).await?;
    let len = text.len();
    let mut resp = Response::new(if head { empty() } else { full(text) });
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    Ok(resp)
}
