//! Small helpers over `dav::tree` elements for CalDAV request bodies.

use dav::tree::Element;

use crate::names::NS_CALDAV;

/// Whether `e` is `C:{local}`.
pub(crate) fn is_caldav(e: &Element, local: &str) -> bool {
    e.name.is(NS_CALDAV, local)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dav::tree::parse_document;

    #[test]
    fn caldav_names() {
        let e = parse_document(br#"<C:a xmlns:C="urn:ietf:params:xml:ns:caldav"/>"#).unwrap();
        assert!(is_caldav(&e, "a"));
        assert!(!is_caldav(&e, "b"));
        let other = parse_document(br#"<a xmlns="urn:x"/>"#).unwrap();
        assert!(!is_caldav(&other, "a"));
    }
}
