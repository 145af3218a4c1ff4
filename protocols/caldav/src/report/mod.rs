//! REPORT request bodies: parsing into typed requests, the filter model
//! and text matching.

mod error;
mod filter;
mod filter_parse;
mod kinds;
mod props;
mod time_range;
pub(crate) mod xml;

pub use dav::{Collation, MatchType, SyncLevel, TextMatch};
pub use error::ReportError;
pub use filter::{CompFilter, ParamFilter, PropFilter};
pub use kinds::{CalendarQuery, Multiget, SyncCollection};
pub use props::{CalendarDataRequest, CompSelector, PropRequest, PropSelector, RecurrenceMode, Selection};

use dav::QName;
use dav::tree::parse_document;

use crate::names::{CALENDAR_MULTIGET, CALENDAR_QUERY, FREE_BUSY_QUERY, SYNC_COLLECTION};
use crate::time::TimeRange;

/// A parsed REPORT body.
#[derive(Debug, Clone, PartialEq)]
pub enum Report {
    /// `C:calendar-query` (RFC 4791 §7.8).
    CalendarQuery(CalendarQuery),
    /// `C:calendar-multiget` (§7.9).
    CalendarMultiget(Multiget),
    /// `C:free-busy-query` (§7.10): the requested range.
    FreeBusyQuery(TimeRange),
    /// `DAV:sync-collection` (RFC 6578).
    SyncCollection(SyncCollection),
    /// Any other report, by root element name: answer 403
    /// `DAV:supported-report` (RFC 3253 §3.6).
    Other(QName),
}

/// Parses a REPORT body.
pub fn parse_report(body: &[u8]) -> Result<Report, ReportError> {
    let root = parse_document(body)?;
    Ok(match root.name {
        ref n if *n == CALENDAR_QUERY => Report::CalendarQuery(kinds::read_query(&root)?),
        ref n if *n == CALENDAR_MULTIGET => Report::CalendarMultiget(kinds::read_multiget(&root)?),
        ref n if *n == FREE_BUSY_QUERY => Report::FreeBusyQuery(kinds::read_free_busy(&root)?),
        ref n if *n == SYNC_COLLECTION => Report::SyncCollection(kinds::read_sync(&root)?),
        other => Report::Other(other),
    })
}

#[cfg(test)]
mod tests;
