//! XML names: the CardDAV namespace and the CardDAV element and property
//! names the server refers to (RFC 6352 §6, §7.1, §8, §10).

use dav::QName;

pub use dav::qname::NS_CALSERVER;
pub use dav::{NS_CARDDAV, NS_DAV};

const fn card(local: &'static str) -> QName {
    QName::new_static(NS_CARDDAV, local)
}

/// `CARD:addressbook`, the resource type of address book collections (§5.2).
pub const ADDRESSBOOK: QName = card("addressbook");
/// `CARD:addressbook-description` (§6.2.1).
pub const ADDRESSBOOK_DESCRIPTION: QName = card("addressbook-description");
/// `CARD:supported-address-data` (§6.2.2).
pub const SUPPORTED_ADDRESS_DATA: QName = card("supported-address-data");
/// `CARD:max-resource-size` (§6.2.3).
pub const MAX_RESOURCE_SIZE: QName = card("max-resource-size");
/// `CARD:addressbook-home-set` (§7.1.1).
pub const ADDRESSBOOK_HOME_SET: QName = card("addressbook-home-set");
/// `CARD:principal-address` (§7.1.2).
pub const PRINCIPAL_ADDRESS: QName = card("principal-address");
/// `CARD:supported-collation-set` (§8.3.1).
pub const SUPPORTED_COLLATION_SET: QName = card("supported-collation-set");
/// `CARD:address-data` in REPORT requests and responses (§10.4).
pub const ADDRESS_DATA: QName = card("address-data");
/// `CARD:addressbook-query` report (§8.6).
pub const ADDRESSBOOK_QUERY: QName = card("addressbook-query");
/// `CARD:addressbook-multiget` report (§8.7).
pub const ADDRESSBOOK_MULTIGET: QName = card("addressbook-multiget");
/// `DAV:sync-collection` report (RFC 6578 §3.2).
pub const SYNC_COLLECTION: QName = QName::dav("sync-collection");
/// `CS:getctag` (Apple calendar server extension, also read on address books).
pub const GETCTAG: QName = QName::new_static(NS_CALSERVER, "getctag");
