//! PROPFIND request bodies (RFC 4918 §9.1, §14.20).

use crate::qname::QName;
use crate::request::{distinct_names, is_blank};
use crate::xml::error::XmlError;
use crate::xml::tree::parse_document;

/// What a PROPFIND asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Propfind {
    /// All dead properties and the RFC 4918 live properties, plus the live
    /// properties named in `include` (§9.1; an empty body means this).
    AllProp {
        /// Extra properties requested with `<DAV:include>`.
        include: Vec<QName>,
    },
    /// Names of all properties, without values.
    PropName,
    /// These properties, in request order, without duplicates.
    Prop(Vec<QName>),
}

const PROPFIND: QName = QName::dav("propfind");

/// Parses a PROPFIND body. An empty body means `allprop` (§9.1).
/// Unknown elements are ignored (§17); exactly one of `prop`, `allprop`,
/// `propname` is required.
pub fn parse_propfind(body: &[u8]) -> Result<Propfind, XmlError> {
    if is_blank(body) {
        return Ok(Propfind::AllProp { include: Vec::new() });
    }
    let root = parse_document(body)?;
    root.expect_name(&PROPFIND)?;

    let mut choice: Option<Propfind> = None;
    let mut include: Option<Vec<QName>> = None;
    for child in root.elements() {
        let found = match child.dav_local() {
            Some("allprop") => Propfind::AllProp { include: Vec::new() },
            Some("propname") => Propfind::PropName,
            Some("prop") => Propfind::Prop(distinct_names(child.elements().map(|e| &e.name))?),
            Some("include") => {
                let list = include.get_or_insert_with(Vec::new);
                list.extend(child.elements().map(|e| e.name.clone()));
                *list = distinct_names(list.iter())?;
                continue;
            }
            _ => continue,
        };
        if choice.replace(found).is_some() {
            return Err(XmlError::Invalid(
                "propfind must contain only one of prop, allprop or propname",
            ));
        }
    }
    match (choice, include) {
        (None, _) => Err(XmlError::Missing {
            parent: "propfind",
            child: "prop, allprop or propname",
        }),
        (Some(Propfind::AllProp { .. }), include) => Ok(Propfind::AllProp {
            include: include.unwrap_or_default(),
        }),
        (Some(_), Some(_)) => Err(XmlError::Invalid("include is only allowed with allprop")),
        (Some(other), None) => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qname::NS_MS;

    fn parse(s: &str) -> Result<Propfind, XmlError> {
        parse_propfind(s.as_bytes())
    }

    #[test]
    fn empty_body_is_allprop() {
        let all = Propfind::AllProp { include: vec![] };
        assert_eq!(parse_propfind(b""), Ok(all.clone()));
        assert_eq!(parse_propfind(b" \r\n"), Ok(all));
    }

    #[test]
    fn windows_miniredir_allprop() {
        let body = r#"<?xml version="1.0" encoding="utf-8" ?><D:propfind xmlns:D="DAV:"><D:allprop/></D:propfind>"#;
        assert_eq!(parse(body), Ok(Propfind::AllProp { include: vec![] }));
    }

    #[test]
    fn windows_explorer_named_properties() {
        let body = r#"<?xml version="1.0" encoding="utf-8" ?><D:propfind xmlns:D="DAV:"><D:prop xmlns:Z="urn:schemas-microsoft-com:"><D:resourcetype/><D:getcontentlength/><Z:Win32FileAttributes/><Z:Win32CreationTime/><Z:Win32LastAccessTime/><Z:Win32LastModifiedTime/><D:getlastmodified/><D:creationdate/></D:prop></D:propfind>"#;
        let Ok(Propfind::Prop(names)) = parse(body) else {
            panic!("expected prop list");
        };
        assert_eq!(names.len(), 8);
        assert_eq!(names[0], QName::dav("resourcetype"));
        assert_eq!(names[2], QName::new(NS_MS, "Win32FileAttributes"));
    }

    #[test]
    fn default_namespace_and_nonamespace_property() {
        // neon/litmus style: default namespace DAV:, property in no namespace.
        let body = r#"<?xml version="1.0" encoding="utf-8"?><propfind xmlns="DAV:"><prop><getetag/><nonamespace xmlns=""/><foo xmlns="http://webdav.org/neon/litmus/"/></prop></propfind>"#;
        assert_eq!(
            parse(body),
            Ok(Propfind::Prop(vec![
                QName::dav("getetag"),
                QName::new("", "nonamespace"),
                QName::new("http://webdav.org/neon/litmus/", "foo"),
            ]))
        );
    }

    #[test]
    fn duplicate_properties_are_listed_once() {
        let body = r#"<D:propfind xmlns:D="DAV:" xmlns:E="DAV:"><D:prop><D:getetag/><E:getetag/><D:displayname/></D:prop></D:propfind>"#;
        assert_eq!(
            parse(body),
            Ok(Propfind::Prop(vec![QName::dav("getetag"), QName::dav("displayname")]))
        );
    }

    #[test]
    fn propname() {
        assert_eq!(
            parse(r#"<propfind xmlns="DAV:"><propname/></propfind>"#),
            Ok(Propfind::PropName)
        );
    }

    #[test]
    fn allprop_with_include() {
        let body = r#"<D:propfind xmlns:D="DAV:"><D:allprop/><D:include><D:supported-live-property-set/><C:calendar-home-set xmlns:C="urn:ietf:params:xml:ns:caldav"/></D:include></D:propfind>"#;
        assert_eq!(
            parse(body),
            Ok(Propfind::AllProp {
                include: vec![
                    QName::dav("supported-live-property-set"),
                    QName::new("urn:ietf:params:xml:ns:caldav", "calendar-home-set"),
                ]
            })
        );
    }

    #[test]
    fn unknown_elements_are_ignored() {
        // litmus propextended
        let body = r#"<?xml version="1.0" encoding="utf-8" ?><propfind xmlns="DAV:"><foobar/><allprop/></propfind>"#;
        assert_eq!(parse(body), Ok(Propfind::AllProp { include: vec![] }));
        let body = r#"<propfind xmlns="DAV:" xmlns:x="urn:x"><x:allprop/><prop><getetag/></prop></propfind>"#;
        assert_eq!(parse(body), Ok(Propfind::Prop(vec![QName::dav("getetag")])));
    }

    #[test]
    fn empty_prop_is_an_empty_list() {
        assert_eq!(
            parse(r#"<propfind xmlns="DAV:"><prop/></propfind>"#),
            Ok(Propfind::Prop(vec![]))
        );
    }

    // ---- rejections ----

    #[test]
    fn litmus_invalid_bodies() {
        assert!(matches!(parse("<foo>"), Err(XmlError::Truncated(_))));
        let body = r#"<D:propfind xmlns:D="DAV:"><D:prop><bar:foo xmlns:bar=""/></D:prop></D:propfind>"#;
        assert_eq!(parse(body), Err(XmlError::UnboundPrefix("bar".into())));
    }

    #[test]
    fn wrong_root() {
        let err = parse(r#"<D:propertyupdate xmlns:D="DAV:"/>"#).unwrap_err();
        assert_eq!(
            err,
            XmlError::WrongRoot {
                expected: QName::dav("propfind"),
                found: QName::dav("propertyupdate"),
            }
        );
        assert_eq!(
            err.to_string(),
            "expected root element {DAV:}propfind, found {DAV:}propertyupdate"
        );
        // right local name, wrong namespace
        assert!(matches!(
            parse("<propfind><allprop/></propfind>"),
            Err(XmlError::WrongRoot { .. })
        ));
    }

    #[test]
    fn missing_or_conflicting_choice() {
        assert!(matches!(
            parse(r#"<propfind xmlns="DAV:"/>"#),
            Err(XmlError::Missing { .. })
        ));
        assert!(matches!(
            parse(r#"<propfind xmlns="DAV:"><allprop/><propname/></propfind>"#),
            Err(XmlError::Invalid(_))
        ));
        assert!(matches!(
            parse(r#"<propfind xmlns="DAV:"><prop/><include/></propfind>"#),
            Err(XmlError::Invalid(_))
        ));
    }

    #[test]
    fn malformed_and_truncated() {
        assert!(parse(r#"<D:propfind xmlns:D="DAV:"><D:prop><D:getetag></D:prop></D:propfind>"#).is_err());
        assert!(parse(r#"<D:propfind xmlns:D="DAV:"><D:allprop/>"#).is_err());
        assert!(parse("not xml at all").is_err());
        assert_eq!(
            parse(r#"<!DOCTYPE propfind><propfind xmlns="DAV:"><allprop/></propfind>"#),
            Err(XmlError::Doctype)
        );
    }
}
