//! REPORT on a calendar: calendar-query and calendar-multiget (RFC 4791 §7.8, §7.9),
//! free-busy-query (§7.10) and sync-collection (RFC 6578 §3).
//!
//! calendar-query narrows candidates with the stored time index (objects whose
//! [first start, last end) overlaps the filter's range), then the CalDAV crate decides each
//! candidate exactly, recurrence included, so a time-range query costs what it matches.
//! sync-collection reads the change log after the token's sequence number: O(changes).

use dav::{Multistatus, Status};
use http::{HeaderValue, Response, StatusCode, header};
use hyper::body::Incoming;

use crate::http::body::{Body, full, read_limited};
use crate::http::dav_util::multistatus_response;
use crate::http::error::AppError;
use crate::store::{Collection, Item};

use super::collection::{parse_sync_token, sync_token};
use super::objects::visible_data;
use super::{Cal, CalRef, paths};

/// Most members one sync-collection answer lists; the client continues with the token.
const SYNC_PAGE_MAX: i64 = 1000;

fn report_error(e: &caldav::ReportError) -> AppError {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
    match e.precondition() {
        Some(condition) => AppError::Dav {
            status,
            reason: e.to_string(),
            xml: Some(condition.to_body()),
        },
        None => AppError::BadRequest(e.to_string()),
    }
}

/// The zone for dates and floating times: the collection's `calendar-timezone`, else UTC.
fn collection_zone(coll: &Collection) -> Option<caldav::FloatingZone> {
    let tz = coll.timezone.as_deref()?;
    caldav::parse_calendar_timezone(&dav::PropValue::text(tz)).ok()
}

pub async fn report(cal: &Cal<'_>, c: &CalRef, body: Incoming) -> Result<Response<Body>, AppError> {
    let (coll, view) = (&c.coll, c.view);
    let bytes = read_limited(body, cal.body_limit()).await?;
    let report = caldav::parse_report(&bytes).map_err(|e| report_error(&e))?;
    match report {
        caldav::Report::CalendarQuery(query) => {
            let zone = query.floating_zone(collection_zone(coll));
            let candidates = match query.filter.prefilter_range() {
                Some(range) => cal.store().items_overlapping(coll.id, range.start, range.end).await?,
                None => cal.store().items_all(coll.id).await?,
            };
            let mut ms = Multistatus::new();
            for item in &candidates {
                // Filters see only what the viewer may see, so a query cannot probe hidden text.
                let data = visible_data(view, &item.data)?;
                if caldav::matches(&query.filter, data.as_bytes(), &zone) {
                    ms.push(item_response(c, item, &data, &query.props, &zone)?);
                }
            }
            Ok(multistatus_response(&ms))
        }
        caldav::Report::CalendarMultiget(multiget) => {
            let zone = collection_zone(coll).unwrap_or_default();
            let mut ms = Multistatus::new();
            for href in &multiget.hrefs {
                let name = object_name(href, c);
                let item = match &name {
                    Some(n) => cal.store().item(coll.id, n).await?,
                    None => None,
                };
                match item {
                    Some(item) => {
                        let data = visible_data(view, &item.data)?;
                        ms.push(item_response(c, &item, &data, &multiget.props, &zone)?);
                    }
                    None => ms.push(dav::Response::status(href.clone(), Status::NOT_FOUND)),
                }
            }
            Ok(multistatus_response(&ms))
        }
        caldav::Report::FreeBusyQuery(range) => {
            let zone = collection_zone(coll).unwrap_or_default();
            let items = cal.store().items_overlapping(coll.id, range.start, range.end).await?;
            let text = caldav::free_busy(
                items.iter().map(|i| i.data.as_bytes()),
                &range,
                &zone,
                crate::store::now(),
            );
            let mut resp = Response::new(full(text));
            resp.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/calendar; charset=utf-8"),
            );
            Ok(resp)
        }
        caldav::Report::SyncCollection(sync) => sync_collection(cal, c, &sync).await,
        caldav::Report::Other(name) => Err(AppError::Dav {
            status: StatusCode::FORBIDDEN,
            reason: format!("the report {name} is not supported on a calendar"),
            xml: Some(caldav::conditions::supported_report().to_body()),
        }),
    }
}

/// The object name an href names inside this calendar (as addressed), if it does.
fn object_name(href: &str, c: &CalRef) -> Option<String> {
    let path = href
        .split_once("://")
        .map_or(href, |(_, rest)| rest.find('/').map_or("", |i| &rest[i..]));
    match super::DavPath::parse(path.strip_prefix(paths::DAV_PREFIX)?).ok()? {
        super::DavPath::CalendarObject {
            login: l,
            slug: s,
            name,
        } if c.is_addressed_as(&l, &s) => Some(name),
        _ => None,
    }
}

/// One object's response with the requested properties; calendar-data is rendered with the
/// request's expansion or subsetting.
fn item_response(
    c: &CalRef,
    item: &Item,
    visible: &str,
    props: &caldav::PropRequest,
    zone: &caldav::FloatingZone,
) -> Result<dav::Response, AppError> {
    let data = match props.calendar_data.as_ref().filter(|r| !r.is_whole_object()) {
        Some(request) => caldav::render_calendar_data(visible.as_bytes(), request, zone)
            .map_err(|e| AppError::Internal(format!("rendering stored object {}: {e}", item.name)))?,
        None => visible.to_owned(),
    };
    Ok(super::objects::object_response(c, item, &props.props, Some(&data)))
}

async fn sync_collection(cal: &Cal<'_>, c: &CalRef, sync: &caldav::SyncCollection) -> Result<Response<Body>, AppError> {
    let (coll, view) = (&c.coll, c.view);
    let since = match sync.sync_token.as_deref().filter(|t| !t.is_empty()) {
        None => 0,
        Some(token) => match parse_sync_token(token, coll.id).filter(|seq| *seq <= coll.sync_seq) {
            Some(seq) => seq,
            None => {
                return Err(AppError::Dav {
                    status: StatusCode::FORBIDDEN,
                    reason: "the sync token is not one this calendar issued".into(),
                    xml: Some(caldav::conditions::valid_sync_token().to_body()),
                });
            }
        },
    };
    let page = sync
        .limit
        .map_or(SYNC_PAGE_MAX, |l| i64::from(l).clamp(1, SYNC_PAGE_MAX));
    let mut changes = cal.store().changes_since(coll.id, since, page + 1).await?;
    let truncated = changes.len() as i64 > page;
    changes.truncate(usize::try_from(page).unwrap_or(usize::MAX));
    let zone = collection_zone(coll).unwrap_or_default();
    let mut ms = Multistatus::new();
    let mut last_seq = if truncated { since } else { coll.sync_seq };
    for change in &changes {
        let href = c.object_href(&change.name);
        let item = if change.deleted != 0 {
            None
        } else {
            cal.store().item(coll.id, &change.name).await?
        };
        match item {
            // An initial sync lists only what exists (RFC 6578 §3.4).
            None if since == 0 => {}
            None => ms.push(dav::Response::status(href, Status::NOT_FOUND)),
            Some(item) => {
                let data = visible_data(view, &item.data)?;
                ms.push(item_response(c, &item, &data, &sync.props, &zone)?);
            }
        }
        if truncated {
            last_seq = change.seq;
        }
    }
    if truncated {
        // RFC 6578 §3.6: the request-URI with 507 says the answer was cut short.
        let cut = dav::Response::status(c.href(), Status(507));
        ms.push(cut.with_error(caldav::conditions::number_of_matches_within_limits()));
    }
    ms.set_sync_token(sync_token(coll.id, last_seq));
    Ok(multistatus_response(&ms))
}
