//! CardDAV pre- and postconditions (RFC 6352 §5.1.1, §6.3.2.1, §8.6, §8.7;
//! RFC 6578 §3.2; RFC 5689 §3) as `DAV:error` children, built on
//! [`dav::Precondition`].

use dav::{Precondition, QName, XmlElement};

use crate::names::NS_CARDDAV;

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

/// `DAV:valid-sync-token` (RFC 6578 §3.2): unknown or expired token.
pub fn valid_sync_token() -> Precondition {
    Precondition::new(QName::dav("valid-sync-token"))
}

/// `DAV:number-of-matches-within-limits` (RFC 6352 §8.6.2): with 507 on the
/// request URI when the results were truncated.
pub fn number_of_matches_within_limits() -> Precondition {
    Precondition::new(QName::dav("number-of-matches-within-limits"))
}

/// `DAV:supported-report` (RFC 3253 §3.6): REPORT not supported here.
pub fn supported_report() -> Precondition {
    Precondition::new(QName::dav("supported-report"))
}

/// `DAV:resource-must-be-null` (RFC 5689 §3): extended MKCOL on an
/// existing resource.
pub fn resource_must_be_null() -> Precondition {
    Precondition::new(QName::dav("resource-must-be-null"))
}

/// `DAV:valid-resourcetype` (RFC 5689 §3): extended MKCOL asks for a
/// resource type the server cannot create.
pub fn valid_resourcetype() -> Precondition {
    Precondition::new(QName::dav("valid-resourcetype"))
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
        for p in [
            valid_sync_token(),
            number_of_matches_within_limits(),
            supported_report(),
            resource_must_be_null(),
            valid_resourcetype(),
        ] {
            assert_eq!(p.name.ns, dav::NS_DAV);
        }
    }
}
