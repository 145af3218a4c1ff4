//! Values of the CalDAV live properties for PROPFIND and REPORT answers,
//! built from [`dav::PropertyValue`] so the server never writes XML.

use dav::{Property, PropertyValue, QName, XmlElement};

use crate::component::ComponentKind;
use crate::names::{
    CALENDAR, CALENDAR_DATA, CALENDAR_MULTIGET, CALENDAR_QUERY, FREE_BUSY_QUERY, NS_CALDAV, SYNC_COLLECTION,
};

/// The reports a calendar collection supports, for `DAV:supported-report-set`
/// ([`dav::report::supported_report_set`]).
pub const CALENDAR_REPORTS: [QName; 4] = [CALENDAR_QUERY, CALENDAR_MULTIGET, FREE_BUSY_QUERY, SYNC_COLLECTION];

/// `DAV:resourcetype` of a calendar collection: `DAV:collection` and
/// `C:calendar` (RFC 4791 §4.2).
pub fn calendar_resource_type() -> PropertyValue {
    PropertyValue::ResourceType(vec![QName::dav("collection"), CALENDAR])
}

/// `C:supported-calendar-component-set` (RFC 4791 §5.2.3).
pub fn supported_calendar_component_set(kinds: &[ComponentKind]) -> PropertyValue {
    PropertyValue::Elements(
        kinds
            .iter()
            .map(|k| {
                XmlElement::new(QName::new_static(NS_CALDAV, "comp"))
                    .with_attr("name", k.name())
                    .into()
            })
            .collect(),
    )
}

/// `C:supported-calendar-data`: iCalendar 2.0 only (RFC 4791 §5.2.4).
pub fn supported_calendar_data() -> PropertyValue {
    PropertyValue::Elements(vec![
        XmlElement::new(CALENDAR_DATA)
            .with_attr("content-type", "text/calendar")
            .with_attr("version", "2.0")
            .into(),
    ])
}

/// `C:supported-collation-set` (RFC 4791 §7.5.1).
pub fn supported_collation_set() -> PropertyValue {
    dav::collation::supported_collation_set(&QName::new_static(NS_CALDAV, "supported-collation"))
}

/// `C:calendar-home-set` (RFC 4791 §6.2.1); `href` percent-encoded.
pub fn calendar_home_set(href: &str) -> PropertyValue {
    PropertyValue::Href(href.to_owned())
}

/// `C:calendar-user-address-set` (RFC 6638 §2.4.1), e.g.
/// `mailto:ann@example.com` and the principal URL.
pub fn calendar_user_address_set<S: AsRef<str>>(addresses: &[S]) -> PropertyValue {
    PropertyValue::Hrefs(addresses.iter().map(|a| a.as_ref().to_owned()).collect())
}

/// The `C:calendar-data` entry of a REPORT response.
pub fn calendar_data(text: String) -> Property {
    Property::new(CALENDAR_DATA, PropertyValue::Text(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use dav::{Multistatus, PropStat, Response, Status};

    fn render(name: QName, value: PropertyValue) -> String {
        let mut ms = Multistatus::new();
        ms.push(Response::propstats(
            "/c/",
            vec![PropStat::new(Status::OK, vec![Property::new(name, value)])],
        ));
        ms.render()
    }

    #[test]
    fn component_set_and_data() {
        let xml = render(
            crate::names::SUPPORTED_CALENDAR_COMPONENT_SET,
            supported_calendar_component_set(&[ComponentKind::Event, ComponentKind::Todo]),
        );
        assert!(xml.contains(r#"<C:supported-calendar-component-set><C:comp name="VEVENT"/><C:comp name="VTODO"/></C:supported-calendar-component-set>"#), "{xml}");
        let xml = render(crate::names::SUPPORTED_CALENDAR_DATA, supported_calendar_data());
        assert!(
            xml.contains(r#"<C:calendar-data content-type="text/calendar" version="2.0"/>"#),
            "{xml}"
        );
    }

    #[test]
    fn collations_homes_addresses_reports() {
        let xml = render(crate::names::SUPPORTED_COLLATION_SET, supported_collation_set());
        assert!(
            xml.contains("<C:supported-collation>i;ascii-casemap</C:supported-collation>"),
            "{xml}"
        );
        assert!(xml.contains("<C:supported-collation>i;octet</C:supported-collation>"));
        assert!(xml.contains("<C:supported-collation>i;unicode-casemap</C:supported-collation>"));
        let xml = render(
            crate::names::CALENDAR_HOME_SET,
            calendar_home_set("/dav/calendars/ann/"),
        );
        assert!(xml.contains("<C:calendar-home-set><D:href>/dav/calendars/ann/</D:href></C:calendar-home-set>"));
        let xml = render(
            crate::names::CALENDAR_USER_ADDRESS_SET,
            calendar_user_address_set(&["mailto:ann@example.com", "/dav/principals/users/ann/"]),
        );
        assert!(xml.contains("<D:href>mailto:ann@example.com</D:href><D:href>/dav/principals/users/ann/</D:href>"));
        let xml = render(
            QName::dav("supported-report-set"),
            dav::report::supported_report_set(&CALENDAR_REPORTS),
        );
        assert!(
            xml.contains("<D:supported-report><D:report><C:calendar-query/></D:report></D:supported-report>"),
            "{xml}"
        );
        assert!(xml.contains("<D:report><D:sync-collection/></D:report>"));
        let xml = render(QName::dav("resourcetype"), calendar_resource_type());
        assert!(xml.contains("<D:resourcetype><D:collection/><C:calendar/></D:resourcetype>"));
        let p = calendar_data("BEGIN:VCALENDAR\r\n".into());
        assert_eq!(p.name, CALENDAR_DATA);
    }
}
