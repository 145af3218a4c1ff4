//! Extended MKCOL (RFC 5689 §5.1): the body that creates a collection with
//! a resource type and initial properties. CalDAV's MKCALENDAR body
//! (RFC 4791 §5.3.1) has the same `DAV:set/DAV:prop` shape and is read
//! with [`read_sets`].

use crate::prop_value::PropValue;
use crate::qname::QName;
use crate::xml::error::XmlError;
use crate::xml::tree::{Element, parse_document};

/// Properties to set on a new collection, in request order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MkcolRequest {
    /// The requested `DAV:resourcetype` children, e.g. `DAV:collection` and
    /// `C:calendar` or `CARD:addressbook`.
    pub resource_types: Vec<QName>,
    /// Every other property with its value as sent.
    pub props: Vec<(QName, PropValue)>,
}

impl MkcolRequest {
    /// Whether the resource type asked for includes `kind`.
    pub fn has_resource_type(&self, kind: &QName) -> bool {
        self.resource_types.contains(kind)
    }

    /// The value of a property, if set.
    pub fn get(&self, name: &QName) -> Option<&PropValue> {
        self.props.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// A property's value as text, if set and textual (its `xml:lang` is
    /// on [`MkcolRequest::get`]'s value).
    pub fn text(&self, name: &QName) -> Option<String> {
        self.get(name).and_then(PropValue::as_text)
    }
}

/// Parses an extended MKCOL body. A plain MKCOL has no body and is not
/// handled here. Errors mean 400.
pub fn parse_extended_mkcol(body: &[u8]) -> Result<MkcolRequest, XmlError> {
    let root = parse_document(body)?;
    root.expect_name(&QName::dav("mkcol"))?;
    read_sets(&root)
}

/// `DAV:set/DAV:prop/*` under a creation body's root, with
/// `DAV:resourcetype` taken apart; at least one `DAV:set` is required.
pub fn read_sets(root: &Element) -> Result<MkcolRequest, XmlError> {
    let mut request = MkcolRequest::default();
    let mut sets = 0;
    for set in root.elements().filter(|e| e.dav_local() == Some("set")) {
        sets += 1;
        for prop in set.elements().filter(|e| e.dav_local() == Some("prop")) {
            for p in prop.elements() {
                if p.dav_local() == Some("resourcetype") {
                    request.resource_types = p.elements().map(|t| t.name.clone()).collect();
                } else {
                    request.props.push((p.name.clone(), PropValue::from_element(p)));
                }
            }
        }
    }
    if sets == 0 {
        return Err(XmlError::Missing {
            parent: "mkcol",
            child: "set",
        });
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADDRESSBOOK: QName = QName::new_static(crate::NS_CARDDAV, "addressbook");
    const DESCRIPTION: QName = QName::new_static(crate::NS_CARDDAV, "addressbook-description");

    /// RFC 6352 §6.3.1.1.
    const RFC_EXAMPLE: &str = r#"<?xml version="1.0" encoding="utf-8" ?>
   <D:mkcol xmlns:D="DAV:"
                 xmlns:C="urn:ietf:params:xml:ns:carddav">
     <D:set>
       <D:prop>
         <D:resourcetype>
           <D:collection/>
           <C:addressbook/>
         </D:resourcetype>
         <D:displayname>Lisa's Contacts</D:displayname>
         <C:addressbook-description xml:lang="en"
   >My primary address book.</C:addressbook-description>
       </D:prop>
     </D:set>
   </D:mkcol>"#;

    #[test]
    fn rfc_6352_example() {
        let r = parse_extended_mkcol(RFC_EXAMPLE.as_bytes()).unwrap();
        assert!(r.has_resource_type(&ADDRESSBOOK));
        assert_eq!(r.resource_types, vec![QName::dav("collection"), ADDRESSBOOK]);
        assert_eq!(r.text(&QName::dav("displayname")).as_deref(), Some("Lisa's Contacts"));
        assert_eq!(r.text(&DESCRIPTION).as_deref(), Some("My primary address book."));
        assert_eq!(r.get(&DESCRIPTION).and_then(PropValue::lang), Some("en"));
        assert_eq!(r.props.len(), 2);
    }

    #[test]
    fn other_collections_and_dead_properties() {
        let plain = parse_extended_mkcol(
            br#"<D:mkcol xmlns:D="DAV:" xmlns:I="http://apple.com/ns/ical/"><D:set><D:prop><D:resourcetype><D:collection/></D:resourcetype><I:calendar-color>#FF0000</I:calendar-color></D:prop></D:set></D:mkcol>"#,
        )
        .unwrap();
        assert!(!plain.has_resource_type(&ADDRESSBOOK));
        assert_eq!(plain.text(&QName::dav("displayname")), None);
        assert_eq!(plain.props.len(), 1);
    }

    #[test]
    fn rejections() {
        assert!(matches!(parse_extended_mkcol(b"<x/>"), Err(XmlError::WrongRoot { .. })));
        assert!(matches!(
            parse_extended_mkcol(br#"<D:mkcol xmlns:D="DAV:"/>"#),
            Err(XmlError::Missing { .. })
        ));
        assert!(parse_extended_mkcol(b"").is_err());
        for end in 0..RFC_EXAMPLE.len() {
            if let Some(prefix) = RFC_EXAMPLE.get(..end) {
                assert!(parse_extended_mkcol(prefix.as_bytes()).is_err(), "{end}");
            }
        }
    }
}
