//! `DAV:` pre- and postconditions defined outside RFC 4918 that the CalDAV
//! and CardDAV layers share: RFC 3253 (`supported-report`), RFC 5689
//! (extended MKCOL) and RFC 6578 (sync-collection). The RFC 4918 ones are
//! constructors on [`Precondition`].

use crate::error::Precondition;
use crate::qname::QName;

/// `DAV:valid-sync-token` (RFC 6578 §3.2): unknown or expired token.
pub fn valid_sync_token() -> Precondition {
    Precondition::new(QName::dav("valid-sync-token"))
}

/// `DAV:number-of-matches-within-limits` (RFC 5323, RFC 6578 §3.2, RFC
/// 6352 §8.6.2): with 507 on the request URI when results were truncated.
pub fn number_of_matches_within_limits() -> Precondition {
    Precondition::new(QName::dav("number-of-matches-within-limits"))
}

/// `DAV:supported-report` (RFC 3253 §3.6): REPORT not supported here.
pub fn supported_report() -> Precondition {
    Precondition::new(QName::dav("supported-report"))
}

/// `DAV:resource-must-be-null` (RFC 5689 §3, RFC 4791 §5.3.1): extended
/// MKCOL or MKCALENDAR on an existing resource.
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
    fn dav_namespace_bodies() {
        assert!(valid_sync_token().to_body().contains("<D:valid-sync-token/>"));
        for (p, local) in [
            (number_of_matches_within_limits(), "number-of-matches-within-limits"),
            (supported_report(), "supported-report"),
            (resource_must_be_null(), "resource-must-be-null"),
            (valid_resourcetype(), "valid-resourcetype"),
        ] {
            assert_eq!(p.name, QName::dav(local));
        }
    }
}
