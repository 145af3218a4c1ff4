//! The REPORT bodies Portico answers on calendar collections:
//! `C:calendar-query`, `C:calendar-multiget`, `C:free-busy-query`
//! (RFC 4791 §7.8–7.10) and `DAV:sync-collection` (RFC 6578 §6.1, read
//! by `dav::sync`).

use dav::report::read_hrefs;
use dav::sync::read_sync_collection;
use dav::tree::Element;

use crate::report::ReportError;
use crate::report::filter::CompFilter;
use crate::report::filter_parse::parse_filter;
use crate::report::props::{PropRequest, read_prop_request};
use crate::report::time_range::{Ends, read_range};
use crate::report::xml::is_caldav;
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

/// `DAV:sync-collection` with CalDAV's property request.
pub type SyncCollection = dav::SyncCollection<PropRequest>;

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
            timezone = Some(FloatingZone::from_vcalendar(&child.text())?);
        } else if is_caldav(child, "timezone-id") {
            let id = child.text();
            let id = id.trim();
            timezone = Some(FloatingZone::from_id(id).ok_or_else(|| ReportError::UnknownTimezoneId(id.to_owned()))?);
        }
    }
    // No filter at all is a malformed request (400), not an invalid filter (403).
    let filter = filter.ok_or_else(|| ReportError::Invalid("calendar-query needs a filter".into()))?;
    Ok(CalendarQuery {
        props,
        filter,
        timezone,
    })
}

pub(crate) fn read_multiget(root: &Element) -> Result<Multiget, ReportError> {
    let props = read_prop_request(root)?;
    let hrefs = read_hrefs(root, "calendar-multiget")?;
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
    read_sync_collection(root, read_prop_request)
}
