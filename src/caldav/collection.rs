//! Calendar collections: their properties (RFC 4791 §5.2, CalendarServer `getctag`, Apple
//! `calendar-color`, RFC 6578 `sync-token`), MKCALENDAR and extended MKCOL (RFC 4791 §5.3.1,
//! RFC 5689), PROPPATCH and DELETE.

use caldav::ComponentKind;
use dav::{NS_CALDAV, NS_DAV, PropValue, PropertyValue, QName, XmlElement, XmlNode};

use crate::authz::CalendarView;
use crate::store::{DeadProp, Principal};

use super::discovery::{OWNER_PRIVILEGES, READ_ONLY, READ_WRITE, common_value, privileges, supported_reports};
use super::{Binding, CalRef, paths};

pub const NS_CALSERVER: &str = "http://calendarserver.org/ns/";
pub const NS_APPLE_ICAL: &str = "http://apple.com/ns/ical/";

pub const CALENDAR: QName = QName::new_static(NS_CALDAV, "calendar");
pub const CALENDAR_DESCRIPTION: QName = QName::new_static(NS_CALDAV, "calendar-description");
pub const CALENDAR_TIMEZONE: QName = QName::new_static(NS_CALDAV, "calendar-timezone");
pub const CALENDAR_COLOR: QName = QName::new_static(NS_APPLE_ICAL, "calendar-color");
pub const SUPPORTED_COMPONENTS: QName = QName::new_static(NS_CALDAV, "supported-calendar-component-set");
pub const GETCTAG: QName = QName::new_static(NS_CALSERVER, "getctag");
pub const SYNC_TOKEN: QName = QName::dav("sync-token");
/// CalendarServer sharing: a calendar shared with the caller, in their home.
pub const SHARED: QName = QName::new_static(NS_CALSERVER, "shared");

/// What calendar objects may be, advertised on every calendar (RFC 4791 §5.2.5–§5.2.9).
pub const LIMITS: caldav::Limits = caldav::Limits::DEFAULT;

pub const CALENDAR_REPORTS: [QName; 4] = [
    QName::new_static(NS_CALDAV, "calendar-query"),
    QName::new_static(NS_CALDAV, "calendar-multiget"),
    QName::new_static(NS_CALDAV, "free-busy-query"),
    QName::dav("sync-collection"),
];

/// The properties an `allprop` PROPFIND on a calendar returns (besides dead ones).
pub const CALENDAR_ALLPROP: &[QName] = &[
    QName::dav("resourcetype"),
    QName::dav("displayname"),
    CALENDAR_DESCRIPTION,
    CALENDAR_COLOR,
    SUPPORTED_COMPONENTS,
    GETCTAG,
    SYNC_TOKEN,
];

/// The RFC 6578 token for a collection at a sequence number.
pub fn sync_token(collection_id: i64, seq: i64) -> String {
    format!("urn:portico:sync:{collection_id}:{seq}")
}

/// The sequence number in a token of this collection; None for anything else.
pub fn parse_sync_token(token: &str, collection_id: i64) -> Option<i64> {
    let rest = token.strip_prefix("urn:portico:sync:")?;
    let (id, seq) = rest.split_once(':')?;
    (id.parse::<i64>().ok()? == collection_id).then_some(())?;
    seq.parse::<i64>().ok().filter(|s| *s >= 0)
}

/// A calendar collection's property, or None if it has no such property.
pub fn calendar_value(me: &Principal, c: &CalRef, dead: &[DeadProp], name: &QName) -> Option<PropertyValue> {
    if let Some(v) = common_value(me, name) {
        return Some(v);
    }
    let coll = &c.coll;
    let text = |v: &Option<String>| v.clone().map(PropertyValue::Text);
    let value = match (name.ns.as_ref(), name.local.as_ref()) {
        (NS_DAV, "resourcetype") => {
            let mut types = vec![dav::names::COLLECTION, CALENDAR];
            if c.binding.is_some() {
                types.push(SHARED);
            }
            Some(PropertyValue::ResourceType(types))
        }
        (NS_DAV, "displayname") => Some(PropertyValue::Text(display_name(c))),
        (NS_DAV, "owner") => Some(PropertyValue::Href(paths::principal_href(&c.owner.login))),
        (NS_DAV, "current-user-privilege-set") => Some(privileges(match c.view {
            CalendarView::Owner => OWNER_PRIVILEGES,
            CalendarView::Write => READ_WRITE,
            _ => READ_ONLY,
        })),
        (NS_DAV, "supported-report-set") => Some(supported_reports(&CALENDAR_REPORTS)),
        (NS_DAV, "sync-token") => Some(PropertyValue::Text(sync_token(coll.id, coll.sync_seq))),
        (NS_CALDAV, "calendar-description") => text(&coll.description),
        (NS_CALDAV, "calendar-timezone") => text(&coll.timezone),
        (NS_CALDAV, "supported-calendar-component-set") => {
            let kinds: Vec<ComponentKind> = coll
                .components
                .split(',')
                .filter_map(ComponentKind::from_name)
                .collect();
            Some(caldav::properties::supported_calendar_component_set(&kinds))
        }
        (NS_CALDAV, "supported-calendar-data") => Some(caldav::properties::supported_calendar_data()),
        (NS_CALDAV, "supported-collation-set") => Some(caldav::properties::supported_collation_set()),
        (NS_CALDAV, "max-resource-size") => Some(PropertyValue::Text(LIMITS.max_resource_size.to_string())),
        (NS_CALDAV, "min-date-time") => Some(PropertyValue::Text(caldav::format_utc(LIMITS.min_date_time))),
        (NS_CALDAV, "max-date-time") => Some(PropertyValue::Text(caldav::format_utc(LIMITS.max_date_time))),
        (NS_CALDAV, "max-instances") => Some(PropertyValue::Text(LIMITS.max_instances.to_string())),
        (NS_CALDAV, "max-attendees-per-instance") => {
            Some(PropertyValue::Text(LIMITS.max_attendees_per_instance.to_string()))
        }
        (NS_APPLE_ICAL, "calendar-color") => text(&coll.color),
        (NS_CALSERVER, "getctag") => Some(PropertyValue::Text(format!("\"{}\"", coll.sync_seq))),
        (NS_CALSERVER, "shared-url") if c.binding.is_some() => Some(PropertyValue::Href(c.canonical_href())),
        (NS_CALSERVER, "invite") if c.binding.is_some() => Some(invite(c)),
        _ => None,
    };
    value.or_else(|| {
        dead.iter()
            .find(|d| d.ns == name.ns && d.name == name.local)
            .map(|d| PropertyValue::Dead(PropValue::from_stored(d.value_xml.clone(), d.lang.clone())))
    })
}

/// A favourite is named after its owner too ("Calendar (Bob Smith)"): every colleague's
/// default calendar is called the same.
fn display_name(c: &CalRef) -> String {
    let own = c.coll.displayname.clone().unwrap_or_else(|| c.coll.slug.clone());
    match c.binding {
        Some(Binding::Favorite) => format!("{own} ({})", c.owner.display_name),
        _ => own,
    }
}

/// CalendarServer sharing's `invite` for a sharee: who shares the calendar and the caller's
/// access to it (caldav-sharing §5.2.2), which Apple clients read to show a shared calendar
/// as such and read-only where it is.
fn invite(c: &CalRef) -> PropertyValue {
    let cs = |local: &'static str| XmlElement::new(QName::new_static(NS_CALSERVER, local));
    let access = if c.view >= CalendarView::Write {
        "read-write"
    } else {
        "read"
    };
    let organizer = cs("organizer")
        .with_child(XmlElement::href(paths::principal_href(&c.owner.login)))
        .with_child(cs("common-name").with_text(c.owner.display_name.clone()));
    let user = cs("user")
        .with_child(cs("invite-accepted"))
        .with_child(cs("access").with_child(cs(access)));
    PropertyValue::Elements(vec![XmlNode::Element(organizer), XmlNode::Element(user)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_tokens_round_trip_per_collection() {
        let t = sync_token(7, 42);
        assert_eq!(parse_sync_token(&t, 7), Some(42));
        assert_eq!(parse_sync_token(&t, 8), None, "another collection's token");
        assert_eq!(parse_sync_token("http://other/sync/1", 7), None);
        assert_eq!(parse_sync_token("urn:portico:sync:7:-1", 7), None);
        assert_eq!(parse_sync_token("urn:portico:sync:7:x", 7), None);
    }
}
