//! Names of the RFC 4918 live properties (§15) and which of them a client may
//! not change with PROPPATCH.

use crate::qname::QName;

/// `DAV:creationdate` (§15.1).
pub const CREATIONDATE: QName = QName::dav("creationdate");
/// `DAV:displayname` (§15.2).
pub const DISPLAYNAME: QName = QName::dav("displayname");
/// `DAV:getcontentlanguage` (§15.3).
pub const GETCONTENTLANGUAGE: QName = QName::dav("getcontentlanguage");
/// `DAV:getcontentlength` (§15.4).
pub const GETCONTENTLENGTH: QName = QName::dav("getcontentlength");
/// `DAV:getcontenttype` (§15.5).
pub const GETCONTENTTYPE: QName = QName::dav("getcontenttype");
/// `DAV:getetag` (§15.6).
pub const GETETAG: QName = QName::dav("getetag");
/// `DAV:getlastmodified` (§15.7).
pub const GETLASTMODIFIED: QName = QName::dav("getlastmodified");
/// `DAV:lockdiscovery` (§15.8).
pub const LOCKDISCOVERY: QName = QName::dav("lockdiscovery");
/// `DAV:resourcetype` (§15.9).
pub const RESOURCETYPE: QName = QName::dav("resourcetype");
/// `DAV:supportedlock` (§15.10).
pub const SUPPORTEDLOCK: QName = QName::dav("supportedlock");
/// `DAV:collection`, the resource type of collections (§14.3).
pub const COLLECTION: QName = QName::dav("collection");

/// All live properties defined by RFC 4918, in §15 order. An `allprop`
/// PROPFIND returns these (those the resource has) plus its dead properties.
pub const LIVE_PROPERTIES: [QName; 10] = [
    CREATIONDATE,
    DISPLAYNAME,
    GETCONTENTLANGUAGE,
    GETCONTENTLENGTH,
    GETCONTENTTYPE,
    GETETAG,
    GETLASTMODIFIED,
    LOCKDISCOVERY,
    RESOURCETYPE,
    SUPPORTEDLOCK,
];

/// Whether PROPPATCH must refuse to change `name` with
/// `403 cannot-modify-protected-property` (§9.2, §15).
///
/// Protected: the properties §15 marks MUST/SHOULD be protected, and
/// `creationdate` (MAY). `displayname`, `getcontentlanguage` and
/// `getcontenttype` are writable: the server stores what the client sets.
pub fn is_protected(name: &QName) -> bool {
    [
        CREATIONDATE,
        GETCONTENTLENGTH,
        GETETAG,
        GETLASTMODIFIED,
        LOCKDISCOVERY,
        RESOURCETYPE,
        SUPPORTEDLOCK,
    ]
    .contains(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qname::NS_MS;

    #[test]
    fn protected_properties() {
        assert!(is_protected(&GETETAG));
        assert!(is_protected(&QName::new("DAV:", "lockdiscovery")));
        assert!(!is_protected(&DISPLAYNAME));
        assert!(!is_protected(&GETCONTENTTYPE));
        assert!(!is_protected(&QName::new(NS_MS, "Win32FileAttributes")));
        assert!(!is_protected(&QName::new("http://other/", "getetag")));
    }

    #[test]
    fn live_properties_are_in_dav_namespace() {
        assert!(LIVE_PROPERTIES.iter().all(|n| n.ns == "DAV:"));
    }
}
