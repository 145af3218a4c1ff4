//! PROPPATCH request bodies (RFC 4918 §9.2, §14.19): an ordered list of set
//! and remove instructions.

use crate::prop_value::PropValue;
use crate::qname::QName;
use crate::request::{MAX_PROPERTY_NAMES, too_many_properties};
use crate::xml::error::XmlError;
use crate::xml::tree::{Element, parse_document};

/// One PROPPATCH instruction. §9.2: instructions are applied in document
/// order, and either all succeed or none does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PropPatchOp {
    /// Set `name` to `value`.
    Set {
        /// Property name.
        name: QName,
        /// New value, exactly as sent.
        value: PropValue,
    },
    /// Remove `name` (removing an absent property is not an error, §14.23).
    Remove {
        /// Property name.
        name: QName,
    },
}

impl PropPatchOp {
    /// The property this instruction touches.
    pub fn name(&self) -> &QName {
        match self {
            PropPatchOp::Set { name, .. } | PropPatchOp::Remove { name } => name,
        }
    }
}

const PROPERTYUPDATE: QName = QName::dav("propertyupdate");

/// Parses a PROPPATCH body into instructions in document order.
pub fn parse_proppatch(body: &[u8]) -> Result<Vec<PropPatchOp>, XmlError> {
    let root = parse_document(body)?;
    root.expect_name(&PROPERTYUPDATE)?;

    let mut ops = Vec::new();
    let mut instructions = 0usize;
    for child in root.elements() {
        let set = match child.dav_local() {
            Some("set") => true,
            Some("remove") => false,
            _ => continue, // §17: ignore unknown elements
        };
        instructions += 1;
        let mut props = child.elements().filter(|e| e.dav_local() == Some("prop"));
        let Some(first) = props.next() else {
            return Err(XmlError::Missing {
                parent: if set { "set" } else { "remove" },
                child: "prop",
            });
        };
        for prop in std::iter::once(first).chain(props) {
            ops.extend(prop.elements().map(|p| op(set, p)));
        }
        if ops.len() > MAX_PROPERTY_NAMES {
            return Err(too_many_properties());
        }
    }
    if instructions == 0 {
        return Err(XmlError::Missing {
            parent: "propertyupdate",
            child: "set or remove",
        });
    }
    Ok(ops)
}

fn op(set: bool, property: &Element) -> PropPatchOp {
    let name = property.name.clone();
    if set {
        PropPatchOp::Set {
            name,
            value: PropValue::from_element(property),
        }
    } else {
        PropPatchOp::Remove { name }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qname::NS_MS;

    const LITMUS: &str = "http://webdav.org/neon/litmus/";

    fn parse(s: &str) -> Result<Vec<PropPatchOp>, XmlError> {
        parse_proppatch(s.as_bytes())
    }

    fn set(ns: &'static str, local: &'static str, xml: &str) -> PropPatchOp {
        PropPatchOp::Set {
            name: QName::new(ns, local),
            value: PropValue::from_stored(xml.to_owned(), None),
        }
    }

    #[test]
    fn office_win32_properties() {
        let body = r#"<?xml version="1.0" encoding="utf-8" ?><D:propertyupdate xmlns:D="DAV:" xmlns:Z="urn:schemas-microsoft-com:"><D:set><D:prop><Z:Win32CreationTime>Mon, 12 Jan 2026 09:15:02 GMT</Z:Win32CreationTime><Z:Win32LastAccessTime>Mon, 12 Jan 2026 09:15:02 GMT</Z:Win32LastAccessTime><Z:Win32LastModifiedTime>Mon, 12 Jan 2026 09:15:02 GMT</Z:Win32LastModifiedTime><Z:Win32FileAttributes>00000020</Z:Win32FileAttributes></D:prop></D:set></D:propertyupdate>"#;
        let ops = parse(body).unwrap();
        assert_eq!(ops.len(), 4);
        assert_eq!(ops[0], set(NS_MS, "Win32CreationTime", "Mon, 12 Jan 2026 09:15:02 GMT"));
        assert_eq!(ops[3], set(NS_MS, "Win32FileAttributes", "00000020"));
        let PropPatchOp::Set { value, .. } = &ops[3] else {
            panic!("set expected");
        };
        assert_eq!(value.as_text().as_deref(), Some("00000020"));
    }

    #[test]
    fn litmus_propset_and_removes() {
        let body = format!(
            r#"<?xml version="1.0" encoding="utf-8"?><propertyupdate xmlns="DAV:"><set><prop><prop0 xmlns="{LITMUS}">value0</prop0><prop1 xmlns="{LITMUS}">value1</prop1></prop></set><remove><prop><prop2 xmlns="{LITMUS}"/></prop></remove></propertyupdate>"#
        );
        let ops = parse(&body).unwrap();
        assert_eq!(ops[0], set(LITMUS, "prop0", "value0"));
        assert_eq!(ops[1], set(LITMUS, "prop1", "value1"));
        assert_eq!(
            ops[2],
            PropPatchOp::Remove {
                name: QName::new(LITMUS, "prop2")
            }
        );
        assert_eq!(ops[2].name(), &QName::new(LITMUS, "prop2"));
    }

    #[test]
    fn litmus_document_order_remove_then_set() {
        // propremoveset: remove, set x, set y — in that order.
        let body = format!(
            r#"<?xml version="1.0" encoding="utf-8" ?><propertyupdate xmlns='DAV:'><remove><prop><removeset xmlns='{LITMUS}'/></prop></remove><set><prop><removeset xmlns='{LITMUS}'>x</removeset></prop></set><set><prop><removeset xmlns='{LITMUS}'>y</removeset></prop></set></propertyupdate>"#
        );
        let ops = parse(&body).unwrap();
        assert!(matches!(ops[0], PropPatchOp::Remove { .. }));
        assert_eq!(ops[1], set(LITMUS, "removeset", "x"));
        assert_eq!(ops[2], set(LITMUS, "removeset", "y"));
    }

    #[test]
    fn litmus_null_namespace() {
        let body = r#"<?xml version="1.0" encoding="utf-8" ?><propertyupdate xmlns="DAV:"><set><prop><nonamespace xmlns="">randomvalue</nonamespace></prop></set></propertyupdate>"#;
        assert_eq!(parse(body).unwrap(), vec![set("", "nonamespace", "randomvalue")]);
    }

    #[test]
    fn litmus_high_unicode() {
        let body = format!(
            r#"<?xml version="1.0" encoding="utf-8" ?><propertyupdate xmlns='DAV:'><set><prop><high-unicode xmlns='{LITMUS}'>&#65536;</high-unicode></prop></set></propertyupdate>"#
        );
        assert_eq!(parse(&body).unwrap(), vec![set(LITMUS, "high-unicode", "\u{10000}")]);
        // and as a literal UTF-8 character
        let body = body.replace("&#65536;", "\u{10000}");
        assert_eq!(parse(&body).unwrap(), vec![set(LITMUS, "high-unicode", "\u{10000}")]);
    }

    #[test]
    fn litmus_value_with_namespace() {
        let body = format!(
            r#"<?xml version="1.0" encoding="utf-8" ?><propertyupdate xmlns='DAV:'><set><prop><t:valnspace xmlns:t='{LITMUS}'><foo xmlns='bar'/></t:valnspace></prop></set></propertyupdate>"#
        );
        assert_eq!(
            parse(&body).unwrap(),
            vec![set(LITMUS, "valnspace", r#"<foo xmlns="bar"/>"#)]
        );
    }

    #[test]
    fn litmus_many_namespaces() {
        let names = ["alpha", "beta", "gamma", "delta", "epsilon"];
        let props: String = names
            .iter()
            .enumerate()
            .map(|(i, ns)| format!("<n{i}:somename xmlns:n{i}=\"{ns}\">manynsvalue</n{i}:somename>"))
            .collect();
        let body =
            format!(r#"<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop>{props}</D:prop></D:set></D:propertyupdate>"#);
        let ops = parse(&body).unwrap();
        let got: Vec<_> = ops.iter().map(|o| o.name().ns.to_string()).collect();
        assert_eq!(got, names);
    }

    #[test]
    fn nested_value_with_namespaces_and_language() {
        let body = r#"<D:propertyupdate xmlns:D="DAV:" xmlns:a="urn:a"><D:set xml:lang="en"><D:prop><a:author><a:name>Ann &amp; Bob</a:name><D:href>mailto:ann@example.com</D:href></a:author><a:title xml:lang="de">Grüße</a:title></D:prop></D:set></D:propertyupdate>"#;
        let ops = parse(body).unwrap();
        let PropPatchOp::Set { value, .. } = &ops[0] else {
            panic!("set expected");
        };
        assert_eq!(
            value.xml(),
            r#"<a:name xmlns:a="urn:a">Ann &amp; Bob</a:name><D:href xmlns:D="DAV:">mailto:ann@example.com</D:href>"#
        );
        assert_eq!(value.lang(), Some("en"));
        let PropPatchOp::Set { value, .. } = &ops[1] else {
            panic!("set expected");
        };
        assert_eq!(value.xml(), "Grüße");
        assert_eq!(value.lang(), Some("de"));
    }

    #[test]
    fn remove_content_is_ignored_and_unknown_siblings_skipped() {
        let body = r#"<propertyupdate xmlns="DAV:"><foo/><remove><bar/><prop><x xmlns="urn:x">ignored</x></prop></remove></propertyupdate>"#;
        assert_eq!(
            parse(body).unwrap(),
            vec![PropPatchOp::Remove {
                name: QName::new("urn:x", "x")
            }]
        );
    }

    // ---- rejections ----

    #[test]
    fn empty_body_is_an_error() {
        assert_eq!(parse(""), Err(XmlError::Empty));
    }

    #[test]
    fn wrong_root() {
        assert!(matches!(
            parse(r#"<propfind xmlns="DAV:"><allprop/></propfind>"#),
            Err(XmlError::WrongRoot { .. })
        ));
    }

    #[test]
    fn missing_parts() {
        assert_eq!(
            parse(r#"<propertyupdate xmlns="DAV:"/>"#),
            Err(XmlError::Missing {
                parent: "propertyupdate",
                child: "set or remove"
            })
        );
        assert_eq!(
            parse(r#"<propertyupdate xmlns="DAV:"><set/></propertyupdate>"#),
            Err(XmlError::Missing {
                parent: "set",
                child: "prop"
            })
        );
        assert_eq!(
            parse(r#"<propertyupdate xmlns="DAV:"><remove><x/></remove></propertyupdate>"#),
            Err(XmlError::Missing {
                parent: "remove",
                child: "prop"
            })
        );
    }

    #[test]
    fn malformed_values() {
        let wrap = |v: &str| {
            format!(r#"<propertyupdate xmlns="DAV:"><set><prop><p xmlns="urn:p">{v}</p></prop></set></propertyupdate>"#)
        };
        assert!(parse(&wrap("<a>")).is_err());
        assert!(parse(&wrap("&unknown;")).is_err());
        assert!(parse(&wrap("<q:a/>")).is_err());
        assert!(parse(&wrap("a & b")).is_err());
        let truncated = wrap("x");
        assert!(parse(&truncated[..truncated.len() - 10]).is_err());
    }
}
