//! REPORT on a calendar: calendar-query and calendar-multiget (RFC 4791 §7.8, §7.9),
//! free-busy-query (§7.10) and sync-collection (RFC 6578 §3).
//!
//! calendar-query narrows candidates with the stored time index (objects whose
//! [first start, last end) overlaps the filter's range), then the CalDAV crate decides each
//! candidate exactly, recurrence included, so a time-range query costs what it matches.
//! sync-collection reads the change log after the token's sequence number: O(changes)
//! (`crate::dav::common::sync`, shared with CardDAV).

use dav::{Multistatus, Status};
use http::{HeaderValue, Response, StatusCode, header};
use hyper::body::Incoming;

use crate::core::calendars::{CalendarRef, Collection, Item, LIMITS};
use crate::dav::common::sync;
use crate::dav::common::util::{multistatus_response, protocol_error, truncated};
use crate::edge::body::{Body, full, read_limited};
use crate::edge::cpu_work;
use crate::edge::error::AppError;

use super::{Cal, calendar_href, object_href, paths};

/// The zone for dates and floating times: the collection's `calendar-timezone`, else UTC.
fn collection_zone(coll: &Collection) -> Option<caldav::FloatingZone> {
    let tz = coll.timezone.as_deref()?;
    caldav::parse_calendar_timezone(&dav::PropValue::text(tz)).ok()
}

pub async fn report(cal: &Cal<'_>, c: &CalendarRef, body: Incoming) -> Result<Response<Body>, AppError> {
    let coll = c.collection();
    let bytes = read_limited(body, cal.body_limit()).await?;
    let report = cpu_work(bytes.len(), move || caldav::parse_report(&bytes))
        .await?
        .map_err(|e| protocol_error(e.status(), e.precondition(), e.to_string()))?;
    match report {
        caldav::Report::CalendarQuery(query) => {
            let zone = query.floating_zone(collection_zone(coll));
            // The candidates come as the reader may see them, so a filter cannot probe
            // hidden text.
            let candidates = match query.filter.prefilter_range() {
                Some(range) => cal.calendars.objects_overlapping(c, range.start, range.end).await?,
                None => cal.calendars.objects(c).await?,
            };
            let c = c.clone();
            // Matching expands recurrences, whatever the objects' size: off the workers.
            let ms = cpu_work(usize::MAX, move || {
                let mut answer = Answer::new(&c);
                for item in &candidates {
                    if caldav::matches(&query.filter, item.data.as_bytes(), &zone)
                        && !answer.add(item, &query.props, &zone)?
                    {
                        break;
                    }
                }
                Ok::<_, AppError>(answer.finish())
            })
            .await??;
            Ok(multistatus_response(&ms))
        }
        caldav::Report::CalendarMultiget(multiget) => {
            let zone = collection_zone(coll).unwrap_or_default();
            // One read for every href that names an object of this calendar.
            let names: Vec<Option<String>> = multiget.hrefs.iter().map(|h| object_name(h, c)).collect();
            let asked: Vec<&str> = names.iter().flatten().map(String::as_str).collect();
            let mut objects = cal.calendars.objects_named(c, &asked).await?.into_iter();
            let found: Vec<(String, Option<Item>)> = multiget
                .hrefs
                .iter()
                .zip(&names)
                .map(|(href, name)| (href.clone(), name.as_ref().and_then(|_| objects.next().flatten())))
                .collect();
            let c = c.clone();
            let work = match multiget
                .props
                .calendar_data
                .as_ref()
                .and_then(|d| d.recurrence.as_ref())
            {
                Some(_) => usize::MAX,
                None => found.iter().filter_map(|(_, i)| i.as_ref()).map(|i| i.data.len()).sum(),
            };
            let ms = cpu_work(work, move || {
                let mut answer = Answer::new(&c);
                for (href, item) in found {
                    match item {
                        Some(item) => {
                            if !answer.add(&item, &multiget.props, &zone)? {
                                break;
                            }
                        }
                        None => answer.ms.push(dav::Response::status(href, Status::NOT_FOUND)),
                    }
                }
                Ok::<_, AppError>(answer.finish())
            })
            .await??;
            Ok(multistatus_response(&ms))
        }
        caldav::Report::FreeBusyQuery(range) => {
            let zone = collection_zone(coll).unwrap_or_default();
            let items = cal.calendars.free_busy_sources(c, range.start, range.end).await?;
            let text = cpu_work(usize::MAX, move || {
                caldav::free_busy(
                    items.iter().map(|i| i.data.as_bytes()),
                    &range,
                    &zone,
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
                )
            })
            .await?;
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
            condition: Some(caldav::conditions::supported_report()),
        }),
    }
}

/// A report answer under construction, within what one request may produce
/// ([`caldav::RenderBudget`]): once an object does not fit, the answer ends with a 507.
struct Answer<'a> {
    c: &'a CalendarRef,
    ms: Multistatus,
    budget: caldav::RenderBudget,
    truncated: bool,
}

impl<'a> Answer<'a> {
    fn new(c: &'a CalendarRef) -> Self {
        Answer {
            c,
            ms: Multistatus::new(),
            budget: caldav::RenderBudget::for_request(&LIMITS),
            truncated: false,
        }
    }

    /// Adds one object's response; false (and nothing added) when it does not fit.
    fn add(&mut self, item: &Item, props: &caldav::PropRequest, zone: &caldav::FloatingZone) -> Result<bool, AppError> {
        match item_response(self.c, item, props, zone, &mut self.budget)? {
            Some(response) => {
                self.ms.push(response);
                Ok(true)
            }
            None => {
                self.truncated = true;
                Ok(false)
            }
        }
    }

    fn finish(mut self) -> Multistatus {
        if self.truncated {
            self.ms.push(truncated(calendar_href(self.c)));
        }
        self.ms
    }
}

/// The object name an href names inside this calendar (as addressed), if it does.
fn object_name(href: &str, c: &CalendarRef) -> Option<String> {
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
/// request's expansion or subsetting. `None` when it does not fit in `budget`.
fn item_response(
    c: &CalendarRef,
    item: &Item,
    props: &caldav::PropRequest,
    zone: &caldav::FloatingZone,
    budget: &mut caldav::RenderBudget,
) -> Result<Option<dav::Response>, AppError> {
    let data = match props.calendar_data.as_ref().filter(|r| !r.is_whole_object()) {
        Some(request) => match caldav::render_calendar_data(item.data.as_bytes(), request, zone, budget) {
            Ok(data) => data,
            Err(caldav::RenderError::OverBudget) => return Ok(None),
            Err(e) => {
                return Err(AppError::Internal(format!(
                    "rendering stored object {}: {e}",
                    item.name
                )));
            }
        },
        None => item.data.clone(),
    };
    if !budget.take_bytes(data.len()) {
        return Ok(None);
    }
    Ok(Some(super::objects::object_response(
        c,
        item,
        &props.props,
        Some(&data),
    )))
}

async fn sync_collection(
    cal: &Cal<'_>,
    c: &CalendarRef,
    request: &caldav::SyncCollection,
) -> Result<Response<Body>, AppError> {
    let coll = c.collection();
    let since = sync::since(coll, request.sync_token.as_deref(), "calendar")?;
    let page = cal.calendars.changes(c, since, request.limit).await?;
    let zone = collection_zone(coll).unwrap_or_default();
    let mut ms = Multistatus::new();
    let mut budget = caldav::RenderBudget::for_request(&LIMITS);
    // A sync page cannot end early without losing changes: one that does not fit is refused
    // whole, and the client asks again with a smaller DAV:limit.
    sync::answer(
        &mut ms,
        coll,
        &page,
        calendar_href(c),
        |name| object_href(c, name),
        |item| {
            item_response(c, item, &request.props, &zone, &mut budget)?.ok_or_else(|| AppError::Dav {
                status: StatusCode::INSUFFICIENT_STORAGE,
                reason: "the changes exceed what one answer may hold; ask with a smaller DAV:limit".into(),
                condition: Some(dav::conditions::number_of_matches_within_limits()),
            })
        },
    )?;
    Ok(multistatus_response(&ms))
}
