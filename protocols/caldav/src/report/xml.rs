//! Small helpers over `dav::tree` elements for CalDAV request bodies.

use dav::tree::{Element, Node};

use crate::names::NS_CALDAV;

/// Whether `e` is `C:{local}`.
pub(crate) fn is_caldav(e: &Element, local: &str) -> bool {
    e.name.is(NS_CALDAV, local)
}

/// An unqualified attribute (CalDAV attributes are in no namespace).
pub(crate) fn attr<'a>(e: &'a Element, name: &str) -> Option<&'a str> {
    e.attrs
        .iter()
        .find(|a| a.name.ns.is_empty() && a.name.local == name)
        .map(|a| a.value.as_str())
}

/// The character data directly inside `e`.
pub(crate) fn text(e: &Element) -> String {
    e.children
        .iter()
        .filter_map(|n| match n {
            Node::Text(t) => Some(t.as_str()),
            Node::Element(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use dav::tree::parse_document;

    #[test]
    fn helpers() {
        let e = parse_document(
            br#"<C:a xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:x="urn:x" name="n" x:name="q">t<b/>u</C:a>"#,
        )
        .unwrap();
        assert!(is_caldav(&e, "a"));
        assert!(!is_caldav(&e, "b"));
        assert_eq!(attr(&e, "name"), Some("n"));
        assert_eq!(attr(&e, "other"), None);
        assert_eq!(text(&e), "tu");
    }
}
