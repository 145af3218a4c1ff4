//! Portico's CalDAV protocol layer (RFC 4791; the RFC 6638 names needed for
//! scheduling), free of IO. iCalendar parsing, recurrence arithmetic and
//! time zones come from calcard; XML request bodies go through `dav::tree`.
//! What CalDAV shares with CardDAV lives in `dav`: RFC 6578 sync-collection
//! (`dav::sync`), collations and text-match (`dav::collation`,
//! `dav::text_match`), REPORT body parts (`dav::report`) and extended MKCOL
//! (`dav::mkcol`); this crate re-exports what its API names.
//!
//! - Storing objects ([`object`]): [`validate_object`] checks a PUT body
//!   against RFC 4791 §4.1/§5.3.2.1 and returns a [`CalendarObject`] with
//!   the UID, kind and [`TimeIndex`] to store next to the client's bytes.
//! - REPORTs ([`report`]): [`parse_report`] → [`Report`]; filters are
//!   evaluated with [`matches`]; `C:calendar-data` is produced by
//!   [`render_calendar_data`]; free-busy answers by [`free_busy`].
//! - Creating calendars ([`mkcol`]): [`parse_mkcalendar`],
//!   [`parse_extended_mkcol`], [`parse_supported_components`].
//! - Privacy ([`reduce`](mod@reduce)): [`reduce()`] and [`is_private`].
//! - Subscriptions: [`merge_objects`] writes a calendar's objects as one
//!   iCalendar file for Outlook "Internet Calendars" and webcal clients.
//! - Calendar pages: [`occurrences`] lists the expanded occurrences of events in a range;
//!   [`compose`] writes events from a form.
//! - Scheduling ([`itip`]): the organizer and attendees of an object, and the copies and
//!   iTIP messages RFC 6638 servers derive from it.
//! - Properties and errors: [`properties`], [`conditions`], [`names`].
//!
//! The server's side of a calendar-query: parse the body, pre-select
//! objects whose stored [`TimeIndex`] satisfies
//! `start <= range.end AND end >= range.start` for
//! [`CompFilter::prefilter_range`], run [`matches`] on each candidate with
//! [`CalendarQuery::floating_zone`], then [`render_calendar_data`] for the
//! ones that match. Errors carry their status and `DAV:error` condition
//! ([`ReportError::status`], [`ReportError::precondition`],
//! [`ObjectError::precondition`]).

mod agenda;
pub mod booking;
pub mod compose;
pub mod conditions;
pub mod names;
pub mod properties;

mod component;
mod eval;
mod extent;
mod feed;
mod freebusy;
mod ical;
pub mod itip;
mod limits;
pub mod mkcol;
pub mod object;
mod recur;
pub mod reduce;
pub mod reminders;
mod render;
pub mod report;
mod time;

pub use agenda::{Occurrence, occurrences};
pub use component::ComponentKind;
pub use eval::{matches, matches_parsed};
pub use feed::merge_objects;
pub use freebusy::{BusyKind, BusyPeriod, busy_periods, free_busy};
pub use ical::ParsedObject;
pub use limits::{Limits, RenderBudget};
pub use mkcol::{
    MkcolError, MkcolRequest, parse_calendar_timezone, parse_extended_mkcol, parse_mkcalendar,
    parse_supported_components,
};
pub use object::{CalendarObject, ObjectError, TimeIndex, validate_object};
pub use reduce::{Reduction, is_private, reduce};
pub use render::{RenderError, render_calendar_data};
pub use report::{
    CalendarDataRequest, CalendarQuery, Collation, CompFilter, CompSelector, MatchType, Multiget, ParamFilter,
    PropFilter, PropRequest, PropSelector, RecurrenceMode, Report, ReportError, Selection, SyncCollection, SyncLevel,
    TextMatch, parse_report,
};
pub use time::{FloatingZone, TimeRange, TimezoneError, format_utc, parse_utc};

/// Whether a PUT's `Content-Type` is one the server stores in calendar
/// collections (`text/calendar`, any parameters; RFC 4791 §5.3.2.1
/// `C:supported-calendar-data`).
pub fn is_supported_media_type(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|media| media.trim().eq_ignore_ascii_case("text/calendar"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn media_types() {
        assert!(super::is_supported_media_type("text/calendar"));
        assert!(super::is_supported_media_type(
            "Text/Calendar; charset=utf-8; component=VEVENT"
        ));
        assert!(!super::is_supported_media_type("text/plain"));
        assert!(!super::is_supported_media_type(""));
    }
}

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod robustness;
