//! XML names: the namespaces CalDAV uses and the CalDAV element and
//! property names the server refers to.

use dav::QName;

pub use dav::qname::{NS_APPLE_ICAL, NS_CALSERVER};
pub use dav::{NS_CALDAV, NS_DAV};

const fn c(local: &'static str) -> QName {
    QName::new_static(NS_CALDAV, local)
}

/// `C:calendar` (resource type of calendar collections, RFC 4791 §4.2).
pub const CALENDAR: QName = c("calendar");
/// `C:calendar-data` (RFC 4791 §9.6).
pub const CALENDAR_DATA: QName = c("calendar-data");
/// `C:calendar-description` (§5.2.1).
pub const CALENDAR_DESCRIPTION: QName = c("calendar-description");
/// `C:calendar-timezone` (§5.2.2).
pub const CALENDAR_TIMEZONE: QName = c("calendar-timezone");
/// `C:supported-calendar-component-set` (§5.2.3).
pub const SUPPORTED_CALENDAR_COMPONENT_SET: QName = c("supported-calendar-component-set");
/// `C:supported-calendar-data` (§5.2.4).
pub const SUPPORTED_CALENDAR_DATA: QName = c("supported-calendar-data");
/// `C:max-resource-size` (§5.2.5).
pub const MAX_RESOURCE_SIZE: QName = c("max-resource-size");
/// `C:min-date-time` (§5.2.6).
pub const MIN_DATE_TIME: QName = c("min-date-time");
/// `C:max-date-time` (§5.2.7).
pub const MAX_DATE_TIME: QName = c("max-date-time");
/// `C:max-instances` (§5.2.8).
pub const MAX_INSTANCES: QName = c("max-instances");
/// `C:max-attendees-per-instance` (§5.2.9).
pub const MAX_ATTENDEES_PER_INSTANCE: QName = c("max-attendees-per-instance");
/// `C:supported-collation-set` (§7.5.1).
pub const SUPPORTED_COLLATION_SET: QName = c("supported-collation-set");
/// `C:calendar-home-set` (§6.2.1).
pub const CALENDAR_HOME_SET: QName = c("calendar-home-set");
/// `C:calendar-user-address-set` (RFC 6638 §2.4.1).
pub const CALENDAR_USER_ADDRESS_SET: QName = c("calendar-user-address-set");
/// `C:schedule-inbox-URL` (RFC 6638 §2.2).
pub const SCHEDULE_INBOX_URL: QName = c("schedule-inbox-URL");
/// `C:schedule-outbox-URL` (RFC 6638 §2.1).
pub const SCHEDULE_OUTBOX_URL: QName = c("schedule-outbox-URL");
/// `C:calendar-user-type` (RFC 6638 §2.4.2).
pub const CALENDAR_USER_TYPE: QName = c("calendar-user-type");
/// `C:calendar-query` report (§7.8).
pub const CALENDAR_QUERY: QName = c("calendar-query");
/// `C:calendar-multiget` report (§7.9).
pub const CALENDAR_MULTIGET: QName = c("calendar-multiget");
/// `C:free-busy-query` report (§7.10).
pub const FREE_BUSY_QUERY: QName = c("free-busy-query");
/// `C:mkcalendar` request body (§5.3.1).
pub const MKCALENDAR: QName = c("mkcalendar");
/// `DAV:sync-collection` report (RFC 6578 §3.2).
pub const SYNC_COLLECTION: QName = QName::dav("sync-collection");
/// `CS:getctag` (Apple calendar server extension).
pub const GETCTAG: QName = QName::new_static(NS_CALSERVER, "getctag");
/// `ICAL:calendar-color` (Apple extension).
pub const CALENDAR_COLOR: QName = QName::new_static(NS_APPLE_ICAL, "calendar-color");
/// `ICAL:calendar-order` (Apple extension).
pub const CALENDAR_ORDER: QName = QName::new_static(NS_APPLE_ICAL, "calendar-order");
