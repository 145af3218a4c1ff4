//! CalDAV pre- and postconditions (RFC 4791 §1.3, §5.3.1, §5.3.2.1, §7.8,
//! RFC 7809) as `DAV:error` children, built on [`dav::Precondition`], with
//! the shared `DAV:` ones of RFC 3253, 5689 and 6578 re-exported from
//! [`dav::conditions`]. The server returns them with 403 (or as the
//! error of a failed REPORT).

use dav::{Precondition, QName};

use crate::names::NS_CALDAV;

pub use dav::conditions::{
    number_of_matches_within_limits, resource_must_be_null, supported_report, valid_resourcetype, valid_sync_token,
};

fn caldav(local: &'static str) -> Precondition {
    Precondition::new(QName::new_static(NS_CALDAV, local))
}

/// `C:supported-calendar-data`: not `text/calendar` 2.0.
pub fn supported_calendar_data() -> Precondition {
    caldav("supported-calendar-data")
}

/// `C:valid-calendar-data`: not valid iCalendar (or an invalid time zone).
pub fn valid_calendar_data() -> Precondition {
    caldav("valid-calendar-data")
}

/// `C:valid-scheduling-message` (RFC 6638 §3.2.4.2, §5.1): not a valid iTIP message.
pub fn valid_scheduling_message() -> Precondition {
    caldav("valid-scheduling-message")
}

/// `C:organizer-allowed` (RFC 6638 §5.1): the ORGANIZER is not the outbox owner.
pub fn organizer_allowed() -> Precondition {
    caldav("organizer-allowed")
}

/// `C:valid-calendar-object-resource`: breaks a §4.1 restriction.
pub fn valid_calendar_object_resource() -> Precondition {
    caldav("valid-calendar-object-resource")
}

/// `C:supported-calendar-component`: component kind not accepted here.
pub fn supported_calendar_component() -> Precondition {
    caldav("supported-calendar-component")
}

/// `C:no-uid-conflict` naming the resource that already uses the UID
/// (`href` percent-encoded).
pub fn no_uid_conflict(href: &str) -> Precondition {
    Precondition::with_hrefs(QName::new_static(NS_CALDAV, "no-uid-conflict"), &[href])
}

/// `C:calendar-collection-location-ok`: MKCALENDAR (or COPY/MOVE of a
/// calendar) to a place where calendars cannot be created.
pub fn calendar_collection_location_ok() -> Precondition {
    caldav("calendar-collection-location-ok")
}

/// `C:max-resource-size`: the object is too large.
pub fn max_resource_size() -> Precondition {
    caldav("max-resource-size")
}

/// `C:min-date-time`: a date before the collection's `C:min-date-time`.
pub fn min_date_time() -> Precondition {
    caldav("min-date-time")
}

/// `C:max-date-time`: a date after the collection's `C:max-date-time`.
pub fn max_date_time() -> Precondition {
    caldav("max-date-time")
}

/// `C:max-instances`: more recurrence instances than `C:max-instances`.
pub fn max_instances() -> Precondition {
    caldav("max-instances")
}

/// `C:max-attendees-per-instance`: more attendees than the collection allows.
pub fn max_attendees_per_instance() -> Precondition {
    caldav("max-attendees-per-instance")
}

/// `C:valid-filter`: the REPORT filter is invalid.
pub fn valid_filter() -> Precondition {
    caldav("valid-filter")
}

/// `C:supported-collation`: unknown text-match collation.
pub fn supported_collation() -> Precondition {
    caldav("supported-collation")
}

/// `C:valid-timezone` (RFC 7809 §3.7): unknown `timezone-id`.
pub fn valid_timezone() -> Precondition {
    caldav("valid-timezone")
}

/// `C:initialize-calendar-collection` postcondition of MKCALENDAR.
pub fn initialize_calendar_collection() -> Precondition {
    caldav("initialize-calendar-collection")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies() {
        let body = no_uid_conflict("/dav/calendars/ann/work/a.ics").to_body();
        assert!(body.ends_with(
            r#"<C:no-uid-conflict><D:href>/dav/calendars/ann/work/a.ics</D:href></C:no-uid-conflict></D:error>"#
        ));
        assert!(valid_calendar_data().to_body().contains("<C:valid-calendar-data/>"));
        assert!(valid_sync_token().to_body().contains("<D:valid-sync-token/>"));
        for p in [
            supported_calendar_data(),
            valid_calendar_object_resource(),
            supported_calendar_component(),
            calendar_collection_location_ok(),
            max_resource_size(),
            valid_filter(),
            supported_collation(),
            valid_timezone(),
            initialize_calendar_collection(),
        ] {
            assert_eq!(p.name.ns, NS_CALDAV);
        }
    }
}
