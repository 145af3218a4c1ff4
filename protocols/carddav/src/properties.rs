//! Values of the CardDAV live properties for PROPFIND and REPORT answers,
//! built from [`dav::PropertyValue`] so the server never writes XML.

use dav::{Property, PropertyValue, QName, XmlElement};

use crate::names::{ADDRESS_DATA, ADDRESSBOOK, ADDRESSBOOK_MULTIGET, ADDRESSBOOK_QUERY, NS_CARDDAV, SYNC_COLLECTION};
use crate::version::VcardVersion;

/// The reports an address book supports, for `DAV:supported-report-set`
/// ([`dav::report::supported_report_set`]; RFC 6352 §8: query and multiget
/// are required).
pub const ADDRESSBOOK_REPORTS: [QName; 3] = [ADDRESSBOOK_QUERY, ADDRESSBOOK_MULTIGET, SYNC_COLLECTION];

/// `DAV:resourcetype` of an address book: `DAV:collection` and
/// `CARD:addressbook` (RFC 6352 §5.2).
pub fn addressbook_resource_type() -> PropertyValue {
    PropertyValue::ResourceType(vec![QName::dav("collection"), ADDRESSBOOK])
}

/// `CARD:supported-address-data` (§6.2.2): `text/vcard` 3.0 and 4.0.
pub fn supported_address_data() -> PropertyValue {
    PropertyValue::Elements(
        VcardVersion::ALL
            .iter()
            .map(|v| {
                XmlElement::new(QName::new_static(NS_CARDDAV, "address-data-type"))
                    .with_attr("content-type", "text/vcard")
                    .with_attr("version", v.as_str())
                    .into()
            })
            .collect(),
    )
}

/// `CARD:supported-collation-set` (§8.3.1).
pub fn supported_collation_set() -> PropertyValue {
    dav::collation::supported_collation_set(&QName::new_static(NS_CARDDAV, "supported-collation"))
}

/// `CARD:max-resource-size` (§6.2.3): the largest card accepted, in octets.
pub fn max_resource_size(octets: u64) -> PropertyValue {
    PropertyValue::Text(octets.to_string())
}

/// `CARD:addressbook-home-set` (§7.1.1); `href` percent-encoded.
pub fn addressbook_home_set(href: &str) -> PropertyValue {
    PropertyValue::Hrefs(vec![href.to_owned()])
}

/// `CARD:principal-address` (§7.1.2): the principal's own card;
/// `href` percent-encoded.
pub fn principal_address(href: &str) -> PropertyValue {
    PropertyValue::Href(href.to_owned())
}

/// The `CARD:address-data` entry of a REPORT response.
pub fn address_data(text: String) -> Property {
    Property::new(ADDRESS_DATA, PropertyValue::Text(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::{
        ADDRESSBOOK_HOME_SET, MAX_RESOURCE_SIZE, PRINCIPAL_ADDRESS, SUPPORTED_ADDRESS_DATA, SUPPORTED_COLLATION_SET,
    };
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
    fn address_data_types_and_collations() {
        let xml = render(SUPPORTED_ADDRESS_DATA, supported_address_data());
        assert!(
            xml.contains(r#"<CARD:supported-address-data><CARD:address-data-type content-type="text/vcard" version="3.0"/><CARD:address-data-type content-type="text/vcard" version="4.0"/></CARD:supported-address-data>"#),
            "{xml}"
        );
        let xml = render(SUPPORTED_COLLATION_SET, supported_collation_set());
        for name in ["i;ascii-casemap", "i;octet", "i;unicode-casemap"] {
            assert!(
                xml.contains(&format!("<CARD:supported-collation>{name}</CARD:supported-collation>")),
                "{xml}"
            );
        }
    }

    #[test]
    fn homes_sizes_types_reports() {
        let xml = render(ADDRESSBOOK_HOME_SET, addressbook_home_set("/dav/addressbooks/ann/"));
        assert!(
            xml.contains(
                "<CARD:addressbook-home-set><D:href>/dav/addressbooks/ann/</D:href></CARD:addressbook-home-set>"
            ),
            "{xml}"
        );
        let xml = render(
            PRINCIPAL_ADDRESS,
            principal_address("/dav/addressbooks/directory/ann.vcf"),
        );
        assert!(xml.contains("<CARD:principal-address><D:href>/dav/addressbooks/directory/ann.vcf</D:href>"));
        let xml = render(MAX_RESOURCE_SIZE, max_resource_size(1_048_576));
        assert!(
            xml.contains("<CARD:max-resource-size>1048576</CARD:max-resource-size>"),
            "{xml}"
        );
        let xml = render(QName::dav("resourcetype"), addressbook_resource_type());
        assert!(
            xml.contains("<D:resourcetype><D:collection/><CARD:addressbook/></D:resourcetype>"),
            "{xml}"
        );
        let xml = render(
            QName::dav("supported-report-set"),
            dav::report::supported_report_set(&ADDRESSBOOK_REPORTS),
        );
        assert!(
            xml.contains("<D:supported-report><D:report><CARD:addressbook-query/></D:report></D:supported-report>"),
            "{xml}"
        );
        assert!(xml.contains("<D:report><CARD:addressbook-multiget/></D:report>"));
        assert!(xml.contains("<D:report><D:sync-collection/></D:report>"));
        let xml = render(ADDRESS_DATA, address_data("BEGIN:VCARD\r\n".into()).value);
        assert!(
            xml.contains("<CARD:address-data>BEGIN:VCARD&#xD;\n</CARD:address-data>"),
            "{xml}"
        );
    }
}
