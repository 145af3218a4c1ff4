//! The stored form of a dead property value (RFC 4918 §4.3) or lock owner:
//! a self-contained XML fragment plus the `xml:lang` in scope.

use crate::xml::escape::push_text;
use crate::xml::fragment::serialize_children;
use crate::xml::tree::Element;

/// Content of a property (or `DAV:owner`) element as sent by the client.
///
/// `xml` is the element's content re-serialised so that every element
/// declares the namespaces it uses: store it verbatim and hand it back for
/// rendering. It is only valid inside a parent with no default namespace in
/// scope, which is what this crate's writers produce.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PropValue {
    xml: String,
    lang: Option<String>,
}

impl PropValue {
    /// A text-only value (escaped here).
    pub fn text(text: &str) -> Self {
        let mut xml = String::new();
        push_text(&mut xml, text);
        Self { xml, lang: None }
    }

    /// Rebuilds a value from what [`PropValue::xml`] and [`PropValue::lang`]
    /// returned earlier (e.g. a database row). The fragment is trusted.
    pub fn from_stored(xml: String, lang: Option<String>) -> Self {
        Self { xml, lang }
    }

    /// The self-contained XML fragment (may be empty).
    pub fn xml(&self) -> &str {
        &self.xml
    }

    /// The `xml:lang` in scope on the property element, if any.
    pub fn lang(&self) -> Option<&str> {
        self.lang.as_deref()
    }

    /// The value as plain text if it holds no elements (for properties the
    /// server interprets, such as `displayname` or `Win32FileAttributes`).
    pub fn as_text(&self) -> Option<String> {
        if self.xml.contains('<') {
            return None;
        }
        quick_xml::escape::unescape(&self.xml).ok().map(|s| s.into_owned())
    }

    /// Captures the content and language of a parsed property element
    /// (for request bodies parsed with [`crate::tree`], e.g. MKCALENDAR).
    pub fn from_element(element: &Element) -> Self {
        Self {
            xml: serialize_children(&element.children),
            lang: element.lang.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::tree::parse_document;

    fn first_child(doc: &str) -> PropValue {
        let root = parse_document(doc.as_bytes()).unwrap();
        PropValue::from_element(root.elements().next().unwrap())
    }

    #[test]
    fn text_round_trips_through_as_text() {
        let v = PropValue::text("a < b & \"c\"\r\n");
        assert_eq!(v.xml(), "a &lt; b &amp; \"c\"&#xD;\n");
        assert_eq!(v.as_text().as_deref(), Some("a < b & \"c\"\r\n"));
        assert_eq!(v.lang(), None);
    }

    #[test]
    fn element_values_are_not_text() {
        let v = first_child("<r><p><a/></p></r>");
        assert_eq!(v.xml(), "<a/>");
        assert_eq!(v.as_text(), None);
    }

    #[test]
    fn language_in_scope_is_captured() {
        let v = first_child(r#"<r xml:lang="en-GB"><p>colour</p></r>"#);
        assert_eq!(v.lang(), Some("en-GB"));
        let v = first_child(r#"<r xml:lang="en"><p xml:lang="de">Farbe</p></r>"#);
        assert_eq!(v.lang(), Some("de"));
    }

    #[test]
    fn stored_values_come_back_unchanged() {
        let v = first_child("<r><p>x<y xmlns='urn:y'/></p></r>");
        let again = PropValue::from_stored(v.xml().to_owned(), v.lang().map(str::to_owned));
        assert_eq!(again, v);
        assert!(PropValue::default().xml().is_empty());
    }
}
