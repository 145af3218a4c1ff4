//! Discovery, shared by CalDAV and CardDAV: PROPFIND on `/`, `/dav/`, the principal
//! collection, principals and homes answers `current-user-principal`, `principal-URL`,
//! `calendar-home-set`, `addressbook-home-set`, `calendar-user-address-set` and the usual DAV
//! properties (RFC 5397, RFC 3744 §4, RFC 4791 §6.2.1, RFC 6352 §7.1.1), so clients find
//! their calendars and address books from the server root alone; and the privilege sets and
//! report sets every collection answers.

use dav::{NS_CALDAV, NS_DAV, PropertyValue, QName, XmlElement, XmlNode};

use crate::core::urls as paths;
use crate::core::{Principal, PrincipalKind};

pub const CURRENT_USER_PRINCIPAL: QName = QName::dav("current-user-principal");
pub const PRINCIPAL_URL: QName = QName::dav("principal-URL");
pub const CALENDAR_HOME_SET: QName = QName::new_static(NS_CALDAV, "calendar-home-set");
pub const CALENDAR_USER_ADDRESS_SET: QName = QName::new_static(NS_CALDAV, "calendar-user-address-set");
pub const PRINCIPAL: QName = QName::dav("principal");

/// `<D:privilege><D:x/></D:privilege>` for each privilege (RFC 3744 §5.4).
pub fn privileges(names: &[&'static str]) -> PropertyValue {
    PropertyValue::Elements(
        names
            .iter()
            .map(|p| {
                XmlNode::Element(XmlElement::new(QName::dav("privilege")).with_child(XmlElement::new(QName::dav(p))))
            })
            .collect(),
    )
}

pub const READ_WRITE: &[&str] = &[
    "read",
    "write",
    "write-properties",
    "write-content",
    "bind",
    "unbind",
    "read-current-user-privilege-set",
];
pub const READ_ONLY: &[&str] = &["read", "read-current-user-privilege-set"];
/// A calendar's owner (and a team calendar's managers) may also read its `acl`.
pub const OWNER_PRIVILEGES: &[&str] = &[
    "read",
    "write",
    "write-properties",
    "write-content",
    "bind",
    "unbind",
    "read-acl",
    "read-current-user-privilege-set",
];

/// `<D:supported-report><D:report><X:name/></D:report></D:supported-report>` for each report.
pub fn supported_reports(reports: &[QName]) -> PropertyValue {
    dav::report::supported_report_set(reports)
}

/// The REPORTs principals and the collections above them answer (RFC 3744 §9.4–§9.5, RFC
/// 3253 §3.8).
const PRINCIPAL_REPORTS: &[QName] = &[
    QName::dav("principal-property-search"),
    QName::dav("principal-search-property-set"),
    QName::dav("expand-property"),
];

/// Properties every `/dav/` resource answers for the signed-in user.
pub fn common_value(me: &Principal, name: &QName) -> Option<PropertyValue> {
    if name.ns != NS_DAV {
        return None;
    }
    Some(match name.local.as_ref() {
        "current-user-principal" => PropertyValue::Href(paths::principal_href(&me.login)),
        "principal-collection-set" => PropertyValue::Href(paths::principals_href()),
        _ => return None,
    })
}

/// Properties of a principal resource.
pub fn principal_value(me: &Principal, who: &Principal, name: &QName) -> Option<PropertyValue> {
    if let Some(v) = common_value(me, name) {
        return Some(v);
    }
    Some(match (name.ns.as_ref(), name.local.as_ref()) {
        (NS_DAV, "resourcetype") => PropertyValue::ResourceType(vec![PRINCIPAL]),
        (NS_DAV, "displayname") => PropertyValue::Text(who.display_name.clone()),
        (NS_DAV, "principal-URL") => PropertyValue::Href(paths::principal_href(&who.login)),
        (NS_DAV, "owner") => PropertyValue::Href(paths::principal_href(&who.login)),
        (NS_DAV, "current-user-privilege-set") => privileges(READ_ONLY),
        (NS_DAV, "supported-report-set") => supported_reports(PRINCIPAL_REPORTS),
        (NS_CALDAV, "calendar-home-set") => PropertyValue::Href(paths::calendar_home_href(&who.login)),
        (dav::NS_CARDDAV, "addressbook-home-set") => PropertyValue::Href(paths::addressbook_home_href(&who.login)),
        (NS_CALDAV, "calendar-user-address-set") => {
            let mut hrefs = Vec::new();
            if let Some(email) = &who.email {
                hrefs.push(format!("mailto:{email}"));
            }
            hrefs.push(paths::principal_href(&who.login));
            PropertyValue::Hrefs(hrefs)
        }
        (NS_CALDAV, "schedule-inbox-URL") if who.kind != PrincipalKind::Group => {
            PropertyValue::Href(paths::inbox_href(&who.login))
        }
        (NS_CALDAV, "schedule-outbox-URL") if who.kind != PrincipalKind::Group => {
            PropertyValue::Href(paths::outbox_href(&who.login))
        }
        (NS_CALDAV, "calendar-user-type") => PropertyValue::Text(
            match who.kind {
                PrincipalKind::User => "INDIVIDUAL",
                PrincipalKind::Group => "GROUP",
                PrincipalKind::Resource => "ROOM",
            }
            .into(),
        ),
        _ => return None,
    })
}

pub const PRINCIPAL_ALLPROP: &[QName] = &[
    QName::dav("resourcetype"),
    QName::dav("displayname"),
    PRINCIPAL_URL,
    CURRENT_USER_PRINCIPAL,
    CALENDAR_HOME_SET,
    CALENDAR_USER_ADDRESS_SET,
    QName::new_static(dav::NS_CARDDAV, "addressbook-home-set"),
];

/// A plain collection (the roots, principal collection, homes) with a display name.
pub fn plain_collection_value(
    me: &Principal,
    displayname: &str,
    owner: Option<&str>,
    name: &QName,
) -> Option<PropertyValue> {
    if let Some(v) = common_value(me, name) {
        return Some(v);
    }
    if name.ns != NS_DAV {
        return None;
    }
    Some(match name.local.as_ref() {
        "resourcetype" => PropertyValue::ResourceType(vec![dav::names::COLLECTION]),
        "displayname" => PropertyValue::Text(displayname.into()),
        "owner" => PropertyValue::Href(paths::principal_href(owner?)),
        "current-user-privilege-set" => privileges(if owner == Some(me.login.as_str()) {
            READ_WRITE
        } else {
            READ_ONLY
        }),
        // The roots and the principal collection answer the principal searches; homes none.
        "supported-report-set" => supported_reports(if owner.is_none() { PRINCIPAL_REPORTS } else { &[] }),
        _ => return None,
    })
}

pub const COLLECTION_ALLPROP: &[QName] = &[
    QName::dav("resourcetype"),
    QName::dav("displayname"),
    CURRENT_USER_PRINCIPAL,
];
