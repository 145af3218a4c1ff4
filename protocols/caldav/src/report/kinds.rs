//! The REPORT bodies Portico answers on calendar collections:
//! `C:calendar-query`, `C:calendar-multiget`, `C:free-busy-query`
//! (RFC 4791 §7.8–7.10) and `DAV:sync-collection` (RFC 6578 §6.1).

use dav::tree::Element;

use crate::report::ReportError;
use crate::report::filter::CompFilter;
use crate::report::filter_parse::parse_filter;
use crate::report::props::{PropRequest, read_prop_request};
use crate::report::time_range::{Ends, read_range};
use crate::report::xml::{is_caldav, text};
use crate::time::{FloatingZone, TimeRange};

/// `C:calendar-query`.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarQuery {
    /// What to return for each match.
    pub props: PropRequest,
    /// Which objects match.
    pub filter: CompFilter,
    /// `C:timezone` (or RFC 7809 `C:timezone-id`) for floating times.
    pub timezone: Option<FloatingZone>,
}

impl CalendarQuery {
    /// The zone for dates and floating times (RFC 4791 §7.3): the request's,
    /// else the collection's `calendar-timezone`, else UTC.
    pub fn floating_zone(&self, collection: Option<FloatingZone>) -> FloatingZone {
        self.timezone.or(collection).unwrap_or_default()
    }
}

/// `C:calendar-multiget`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Multiget {
    /// What to return for each resource.
    pub props: PropRequest,
    /// The resources, as sent (percent-encoded paths or URLs).
    pub hrefs: Vec<String>,
}

/// `DAV:sync-level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyncLevel {
    /// `1`: members of the collection.
    One,
    /// `infinite`: members at any depth.
    Infinite,
}

/// `DAV:sync-collection`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncCollection {
    /// The client's token; `None` (empty element) for an initial sync.
    pub sync_token: Option<String>,
    /// Depth of the sync.
    pub sync_level: SyncLevel,
    /// `DAV:limit/DAV:nresults`.
    pub limit: Option<u32>,
    /// What to return for each changed member.
    pub props: PropRequest,
}

pub(crate) fn read_query(root: &Element) -> Result<CalendarQuery, ReportError> {
    let props = read_prop_request(root)?;
    let mut filter = None;
    let mut timezone = None;
    for child in root.elements() {
        if is_caldav(child, "filter") {
            if filter.is_some() {
                return Err(ReportError::InvalidFilter("only one filter is allowed".into()));
            }
            filter = Some(parse_filter(child)?);
        } else if is_caldav(child, "timezone") {
            timezone = Some(FloatingZone::from_vcalendar(&text(child))?);
        } else if is_caldav(child, "timezone-id") {
            let id = text(child);
            let id = id.trim();
            timezone = Some(FloatingZone::from_id(id).ok_or_else(|| ReportError::UnknownTimezoneId(id.to_owned()))?);
        }
    }
    let filter = filter.ok_or_else(|| ReportError::InvalidFilter("calendar-query needs a filter".into()))?;
    Ok(CalendarQuery {
        props,
        filter,
        timezone,
    })
}

pub(crate) fn read_multiget(root: &Element) -> Result<Multiget, ReportError> {
    let props = read_prop_request(root)?;
    let hrefs: Vec<String> = root
        .elements()
        .filter(|e| e.dav_local() == Some("href"))
        .map(|e| text(e).trim().to_owned())
        .collect();
    if hrefs.is_empty() || hrefs.iter().any(String::is_empty) {
        return Err(ReportError::Invalid(
            "calendar-multiget needs non-empty DAV:href elements".into(),
        ));
    }
    Ok(Multiget { props, hrefs })
}

pub(crate) fn read_free_busy(root: &Element) -> Result<TimeRange, ReportError> {
    let mut ranges = root.elements().filter(|e| is_caldav(e, "time-range"));
    match (ranges.next(), ranges.next()) {
        (Some(range), None) => read_range(range, Ends::Required).map_err(ReportError::Invalid),
        _ => Err(ReportError::Invalid(
            "free-busy-query needs exactly one time-range".into(),
        )),
    }
}

pub(crate) fn read_sync(root: &Element) -> Result<SyncCollection, ReportError> {
    let mut sync_token = None;
    let mut sync_level = None;
    let mut limit = None;
    for child in root.elements() {
        match child.dav_local() {
            Some("sync-token") => {
                let token = text(child).trim().to_owned();
                sync_token = (!token.is_empty()).then_some(token);
            }
            Some("sync-level") => {
                sync_level = Some(match text(child).trim() {
                    "1" => SyncLevel::One,
                    "infinite" | "infinity" => SyncLevel::Infinite,
                    other => {
                        return Err(ReportError::Invalid(format!(
                            "sync-level {other:?} must be 1 or infinite"
                        )));
                    }
                });
            }
            Some("limit") => {
                let n = child
                    .elements()
                    .find(|e| e.dav_local() == Some("nresults"))
                    .and_then(|e| text(e).trim().parse::<u32>().ok())
                    .filter(|n| *n > 0)
                    .ok_or_else(|| ReportError::Invalid("limit needs a positive nresults".into()))?;
                limit = Some(n);
            }
            _ => {}
        }
    }
    Ok(SyncCollection {
        sync_token,
        // Older clients omit it; RFC 6578 §6.1 makes it required.
        sync_level: sync_level.unwrap_or(SyncLevel::One),
        limit,
        props: read_prop_request(root)?,
    })
}
