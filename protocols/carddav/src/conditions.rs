//! CardDAV pre- and postconditions (RFC 6352 §5.1.1, §6.3.2.1, §8.6, §8.7)
//! as `DAV:error` children, built on [`dav::Precondition`], with the shared
//! `DAV:` ones of RFC 3253, 5689 and 6578 re-exported from
//! [`dav::conditions`].

use dav::{Precondition, QName, XmlElement};

use crate::names::NS_CARDDAV;

pub use dav::conditions::{
    number_of_matches_within_limits, resource_must_be_null, supported_report, valid_resourcetype, valid_sync_token,
};

fn carddav(local: &'static str) -> Precondition {
    Precondition::new(QName::new_static(NS_CARDDAV, local))
}

/// `CARD:supported-address-data`: not `text/vcard` 3.0 or 4.0 (PUT, and
/// `CARD:address-data` in a REPORT).
pub fn supported_address_data() -> Precondition {
    carddav("supported-address-data")
}

/// `CARD:supported-address-data-conversion`: the card cannot be returned in
/// the requested media type or version (GET with `Accept`, REPORT).
pub fn supported_address_data_conversion() -> Precondition {
    carddav("supported-address-data-conversion")
}

/// `CARD:valid-address-data`: not one valid vCard (or no UID).
pub fn valid_address_data() -> Precondition {
    carddav("valid-address-data")
}

/// `CARD:no-uid-conflict` naming the resource that already uses the UID
/// (`href` percent-encoded).
pub fn no_uid_conflict(href: &str) -> Precondition {
    Precondition::with_hrefs(QName::new_static(NS_CARDDAV, "no-uid-conflict"), &[href])
}

/// `CARD:addressbook-collection-location-ok`: COPY or MOVE of an address
/// book to a place where address books cannot be created.
pub fn addressbook_collection_location_ok() -> Precondition {
    carddav("addressbook-collection-location-ok")
}

/// `CARD:max-resource-size`: the card is larger than `CARD:max-resource-size`.
pub fn max_resource_size() -> Precondition {
    carddav("max-resource-size")
}

/// `CARD:supported-filter`, listing the `CARD:prop-filter` or
/// `CARD:param-filter` elements the server cannot evaluate (§8.6).
pub fn supported_filter(unsupported: Vec<XmlElement>) -> Precondition {
    let mut condition = carddav("supported-filter");
    condition.children = unsupported.into_iter().map(Into::into).collect();
    condition
}

/// `CARD:supported-collation`: unknown text-match collation (§8.3).
pub fn supported_collation() -> Precondition {
    carddav("supported-collation")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies() {
        let body = no_uid_conflict("/dav/addressbooks/ann/contacts/a.vcf").to_body();
        assert!(body.ends_with(
            r#"<CARD:no-uid-conflict><D:href>/dav/addressbooks/ann/contacts/a.vcf</D:href></CARD:no-uid-conflict></D:error>"#
        ));
        assert!(body.contains(r#"xmlns:CARD="urn:ietf:params:xml:ns:carddav""#));
        assert!(valid_address_data().to_body().contains("<CARD:valid-address-data/>"));
        let filter = XmlElement::new(QName::new_static(NS_CARDDAV, "prop-filter")).with_attr("name", "X-FOO");
        assert!(
            supported_filter(vec![filter])
                .to_body()
                .contains(r#"<CARD:supported-filter><CARD:prop-filter name="X-FOO"/></CARD:supported-filter>"#)
        );
        for p in [
            supported_address_data(),
            supported_address_data_conversion(),
            addressbook_collection_location_ok(),
            max_resource_size(),
            supported_filter(Vec::new()),
            supported_collation(),
        ] {
            assert_eq!(p.name.ns, NS_CARDDAV);
        }
    }
}
