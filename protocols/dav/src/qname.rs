//! Qualified XML names (namespace URI + local name) and the namespace URIs the
//! server refers to by name, with the prefixes used for them in responses.

use std::borrow::Cow;
use std::fmt;

/// The WebDAV namespace (RFC 4918 §21).
pub const NS_DAV: &str = "DAV:";
/// Microsoft's namespace for `Win32*` properties sent by Windows and Office.
pub const NS_MS: &str = "urn:schemas-microsoft-com:";
/// CalDAV (RFC 4791).
pub const NS_CALDAV: &str = "urn:ietf:params:xml:ns:caldav";
/// CardDAV (RFC 6352).
pub const NS_CARDDAV: &str = "urn:ietf:params:xml:ns:carddav";
/// Apple calendar server extensions (`getctag`, …).
pub const NS_CALSERVER: &str = "http://calendarserver.org/ns/";
/// Apple iCal extensions (`calendar-color`, …).
pub const NS_APPLE_ICAL: &str = "http://apple.com/ns/ical/";
/// Portico's own namespace (the readable reason inside `DAV:error`).
pub const NS_PORTICO: &str = "urn:portico:dav";
/// The namespace bound to the reserved `xml` prefix (`xml:lang`).
pub const NS_XML: &str = "http://www.w3.org/XML/1998/namespace";

/// A namespace-qualified XML name. An empty `ns` means "no namespace".
///
/// Displayed in Clark notation: `{DAV:}getetag`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QName {
    /// Namespace URI; empty for names in no namespace.
    pub ns: Cow<'static, str>,
    /// Local part of the name.
    pub local: Cow<'static, str>,
}

impl QName {
    /// A name from owned or borrowed parts.
    pub fn new(ns: impl Into<Cow<'static, str>>, local: impl Into<Cow<'static, str>>) -> Self {
        Self {
            ns: ns.into(),
            local: local.into(),
        }
    }

    /// A name from static parts, usable in `const` items.
    pub const fn new_static(ns: &'static str, local: &'static str) -> Self {
        Self {
            ns: Cow::Borrowed(ns),
            local: Cow::Borrowed(local),
        }
    }

    /// A name in the `DAV:` namespace.
    pub const fn dav(local: &'static str) -> Self {
        Self::new_static(NS_DAV, local)
    }

    /// Whether this name is `{ns}local`.
    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.ns == ns && self.local == local
    }

    /// Whether this name is `{DAV:}local`.
    pub fn is_dav(&self, local: &str) -> bool {
        self.is(NS_DAV, local)
    }
}

impl fmt::Display for QName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{{}}}{}", self.ns, self.local)
    }
}

/// The prefix used in responses for a namespace the server knows by name.
///
/// `DAV:` is always `D` (Windows' MiniRedir mishandles a default namespace);
/// other namespaces get generated prefixes.
pub fn well_known_prefix(ns: &str) -> Option<&'static str> {
    match ns {
        NS_DAV => Some("D"),
        NS_MS => Some("Z"),
        NS_CALDAV => Some("C"),
        NS_CARDDAV => Some("CARD"),
        NS_CALSERVER => Some("CS"),
        NS_APPLE_ICAL => Some("ICAL"),
        NS_PORTICO => Some("P"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_clark_notation() {
        assert_eq!(QName::dav("getetag").to_string(), "{DAV:}getetag");
        assert_eq!(QName::new("", "x").to_string(), "{}x");
    }

    #[test]
    fn owned_and_static_names_compare_equal() {
        let owned = QName::new(String::from("DAV:"), String::from("prop"));
        assert_eq!(owned, QName::dav("prop"));
        assert!(owned.is_dav("prop"));
        assert!(!owned.is_dav("propname"));
        assert!(!QName::new(NS_MS, "prop").is_dav("prop"));
    }

    #[test]
    fn prefixes_for_known_namespaces() {
        assert_eq!(well_known_prefix(NS_DAV), Some("D"));
        assert_eq!(well_known_prefix(NS_MS), Some("Z"));
        assert_eq!(well_known_prefix(NS_CALDAV), Some("C"));
        assert_eq!(well_known_prefix("http://example.com/"), None);
    }
}
