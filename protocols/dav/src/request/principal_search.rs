//! The principal REPORT bodies of RFC 3744: `DAV:principal-property-search` (§9.4), which
//! clients send to find attendees and rooms by name or address, and
//! `DAV:principal-search-property-set` (§9.5), which asks what may be searched; and RFC 3253
//! §3.8 `DAV:expand-property`, with which Apple Calendar and eM Client read a principal and
//! the principals its properties name in one request.
//!
//! A search holds `property-search` terms (each: properties and the text to match, all
//! caseless substrings unless the CalendarServer `match-type` attribute says `starts-with` or
//! `equals`), combined by the `test` attribute (`allof`, the default, or `anyof`), and the
//! properties to answer. A search without terms lists every principal (clients ask that way
//! for "all").
//!
//! python `caldav` (3.6, `_build_principal_search_query`, also used by caldav-server-tester)
//! sends an empty `<D:prop/>` followed by the wanted properties as siblings of it; when `prop`
//! is empty, such stray elements at the top level are read as the properties asked for.

use crate::qname::QName;
use crate::request::distinct_names;
use crate::request::propfind::Propfind;
use crate::xml::error::XmlError;
use crate::xml::tree::{Element, parse_document};

/// Most terms one search may hold.
pub const MAX_TERMS: usize = 32;

/// How a term's text must match a property value (caselessly).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchKind {
    Contains,
    StartsWith,
    Equals,
}

/// One `DAV:property-search`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerm {
    pub props: Vec<QName>,
    pub text: String,
    pub kind: MatchKind,
}

impl SearchTerm {
    /// Whether a property value matches this term (Unicode lower-casing on both sides).
    pub fn matches(&self, value: &str) -> bool {
        let (value, text) = (value.to_lowercase(), self.text.to_lowercase());
        match self.kind {
            MatchKind::Contains => value.contains(&text),
            MatchKind::StartsWith => value.starts_with(&text),
            MatchKind::Equals => value == text,
        }
    }
}

/// A `DAV:principal-property-search`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalSearch {
    pub terms: Vec<SearchTerm>,
    /// `test="anyof"`: one matching term is enough.
    pub any_of: bool,
    /// The properties to answer for each principal found.
    pub prop: Propfind,
}

/// A principal REPORT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalReport {
    Search(PrincipalSearch),
    SearchPropertySet,
    ExpandProperty(Vec<ExpandProp>),
}

/// One `DAV:property` of an `expand-property` request: a property, and for an href-valued
/// one the properties to answer of each resource it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpandProp {
    pub name: QName,
    pub expand: Vec<ExpandProp>,
}

/// Most `DAV:property` elements one `expand-property` holds, and how deep they nest.
pub const MAX_EXPAND_PROPS: usize = 64;
pub const MAX_EXPAND_DEPTH: usize = 3;

const EXPAND: QName = QName::dav("expand-property");

fn expand_props(e: &Element, depth: usize, count: &mut usize) -> Result<Vec<ExpandProp>, XmlError> {
    let mut out: Vec<ExpandProp> = Vec::new();
    for child in e.elements().filter(|c| c.dav_local() == Some("property")) {
        *count += 1;
        if *count > MAX_EXPAND_PROPS {
            return Err(XmlError::TooMany {
                what: "expand-property properties",
                limit: MAX_EXPAND_PROPS,
            });
        }
        if depth >= MAX_EXPAND_DEPTH {
            return Err(XmlError::Invalid("expand-property nests too deep"));
        }
        let local = child
            .attr("name")
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .ok_or(XmlError::Invalid("a DAV:property needs a name"))?;
        let ns = child.attr("namespace").map_or(crate::qname::NS_DAV, str::trim);
        let name = QName::new(ns.to_owned(), local.to_owned());
        if out.iter().any(|p| p.name == name) {
            continue;
        }
        let expand = expand_props(child, depth + 1, count)?;
        out.push(ExpandProp { name, expand });
    }
    Ok(out)
}

const SEARCH: QName = QName::dav("principal-property-search");
const PROPERTY_SET: QName = QName::dav("principal-search-property-set");

/// Parses a REPORT body when it is a principal report; `Ok(None)` for any other report.
pub fn parse_principal_report(body: &[u8]) -> Result<Option<PrincipalReport>, XmlError> {
    let root = parse_document(body)?;
    if root.name == PROPERTY_SET {
        return Ok(Some(PrincipalReport::SearchPropertySet));
    }
    if root.name == EXPAND {
        return Ok(Some(PrincipalReport::ExpandProperty(expand_props(&root, 0, &mut 0)?)));
    }
    if root.name != SEARCH {
        return Ok(None);
    }
    let any_of = match root.attr("test").map(str::trim) {
        None | Some("allof") => false,
        Some("anyof") => true,
        Some(_) => return Err(XmlError::Invalid("test must be allof or anyof")),
    };
    let mut terms = Vec::new();
    let mut prop = Propfind::AllProp { include: Vec::new() };
    let mut stray = Vec::new();
    for child in root.elements() {
        match child.dav_local() {
            Some("property-search" | "prop" | "apply-to-principal-collection-set") => {}
            _ => stray.push(&child.name),
        }
        match child.dav_local() {
            Some("property-search") => {
                if terms.len() == MAX_TERMS {
                    return Err(XmlError::TooMany {
                        what: "property-search terms",
                        limit: MAX_TERMS,
                    });
                }
                terms.push(term(child)?);
            }
            Some("prop") => prop = Propfind::Prop(distinct_names(child.elements().map(|e| &e.name))?),
            _ => {}
        }
    }
    if matches!(&prop, Propfind::Prop(p) if p.is_empty()) && !stray.is_empty() {
        prop = Propfind::Prop(distinct_names(stray)?);
    }
    Ok(Some(PrincipalReport::Search(PrincipalSearch { terms, any_of, prop })))
}

fn term(e: &Element) -> Result<SearchTerm, XmlError> {
    let mut props = None;
    let mut text = None;
    let mut kind = MatchKind::Contains;
    for child in e.elements() {
        match child.dav_local() {
            Some("prop") => props = Some(distinct_names(child.elements().map(|p| &p.name))?),
            Some("match") => {
                kind = match child.attr("match-type").map(str::trim) {
                    None | Some("contains") => MatchKind::Contains,
                    Some("starts-with") => MatchKind::StartsWith,
                    Some("equals") => MatchKind::Equals,
                    Some(_) => return Err(XmlError::Invalid("match-type must be contains, starts-with or equals")),
                };
                text = Some(child.text());
            }
            _ => {}
        }
    }
    let props = props.filter(|p| !p.is_empty()).ok_or(XmlError::Invalid(
        "property-search needs a prop with at least one property",
    ))?;
    let text = text.ok_or(XmlError::Invalid("property-search needs a match"))?;
    Ok(SearchTerm { props, text, kind })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search(xml: &str) -> PrincipalSearch {
        match parse_principal_report(xml.as_bytes()).unwrap() {
            Some(PrincipalReport::Search(s)) => s,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn reads_terms_test_and_props() {
        let s = search(
            r#"<D:principal-property-search xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" test="anyof">
            <D:property-search><D:prop><D:displayname/></D:prop><D:match>Ber</D:match></D:property-search>
            <D:property-search><D:prop><C:calendar-user-address-set/></D:prop><D:match match-type="starts-with">mailto:room</D:match></D:property-search>
            <D:prop><D:displayname/><C:calendar-user-type/></D:prop></D:principal-property-search>"#,
        );
        assert!(s.any_of);
        assert_eq!(s.terms.len(), 2);
        assert_eq!(s.terms[1].kind, MatchKind::StartsWith);
        assert!(s.terms[0].matches("Room Berlin 1") && !s.terms[0].matches("Paris"));
        assert!(s.terms[1].matches("MAILTO:room-1@x") && !s.terms[1].matches("mailto:a-room@x"));
        assert!(matches!(s.prop, Propfind::Prop(ref p) if p.len() == 2));
    }

    #[test]
    fn a_search_without_terms_lists_everyone() {
        let s = search(
            r#"<D:principal-property-search xmlns:D="DAV:"><D:prop><D:displayname/></D:prop></D:principal-property-search>"#,
        );
        assert!(s.terms.is_empty() && !s.any_of);
        assert_eq!(
            parse_principal_report(br#"<D:principal-search-property-set xmlns:D="DAV:"/>"#).unwrap(),
            Some(PrincipalReport::SearchPropertySet)
        );
        assert_eq!(
            parse_principal_report(br#"<D:sync-collection xmlns:D="DAV:"/>"#).unwrap(),
            None
        );
    }

    #[test]
    fn reads_python_caldavs_misplaced_props() {
        let s = search(
            r#"<D:principal-property-search xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:property-search><D:prop><D:displayname/></D:prop><D:match>Alice</D:match></D:property-search><D:prop/><C:calendar-home-set/><D:displayname/></D:principal-property-search>"#,
        );
        assert_eq!(
            s.prop,
            Propfind::Prop(vec![
                QName::new_static(crate::qname::NS_CALDAV, "calendar-home-set"),
                QName::dav("displayname")
            ])
        );
    }

    #[test]
    fn refuses_broken_searches() {
        for bad in [
            r#"<D:principal-property-search xmlns:D="DAV:" test="most"/>"#,
            r#"<D:principal-property-search xmlns:D="DAV:"><D:property-search><D:match>x</D:match></D:property-search></D:principal-property-search>"#,
            r#"<D:principal-property-search xmlns:D="DAV:"><D:property-search><D:prop><D:displayname/></D:prop></D:property-search></D:principal-property-search>"#,
            r#"<D:principal-property-search xmlns:D="DAV:"><D:property-search><D:prop><D:displayname/></D:prop><D:match match-type="regex">x</D:match></D:property-search></D:principal-property-search>"#,
            r#"<D:principal-property-search xmlns:D="DAV:">"#,
        ] {
            assert!(parse_principal_report(bad.as_bytes()).is_err(), "{bad}");
        }
        let many = format!(
            r#"<D:principal-property-search xmlns:D="DAV:">{}</D:principal-property-search>"#,
            r#"<D:property-search><D:prop><D:displayname/></D:prop><D:match>x</D:match></D:property-search>"#
                .repeat(33)
        );
        assert!(parse_principal_report(many.as_bytes()).is_err());
    }

    #[test]
    fn reads_an_expand_property_tree() {
        let body = r#"<D:expand-property xmlns:D="DAV:">
            <D:property name="calendar-proxy-write-for" namespace="http://calendarserver.org/ns/">
              <D:property name="displayname"/>
              <D:property name="calendar-user-address-set" namespace="urn:ietf:params:xml:ns:caldav"/>
            </D:property>
            <D:property name="displayname"/><D:property name="displayname"/>
          </D:expand-property>"#;
        let Some(PrincipalReport::ExpandProperty(props)) = parse_principal_report(body.as_bytes()).unwrap() else {
            panic!("not an expand-property");
        };
        assert_eq!(props.len(), 2, "the repeated displayname counts once: {props:?}");
        assert_eq!(
            props[0].name,
            QName::new("http://calendarserver.org/ns/", "calendar-proxy-write-for")
        );
        assert_eq!(props[0].expand.len(), 2);
        assert_eq!(
            props[0].expand[1].name,
            QName::new(crate::qname::NS_CALDAV, "calendar-user-address-set")
        );
        assert_eq!(
            props[1],
            ExpandProp {
                name: QName::dav("displayname"),
                expand: Vec::new()
            }
        );
    }

    #[test]
    fn refuses_expand_property_without_names_or_too_deep_or_too_many() {
        let parse = |b: &str| parse_principal_report(b.as_bytes());
        assert!(parse(r#"<D:expand-property xmlns:D="DAV:"><D:property/></D:expand-property>"#).is_err());
        let deep = format!(
            r#"<D:expand-property xmlns:D="DAV:">{}{}</D:expand-property>"#,
            r#"<D:property name="a">"#.repeat(4),
            "</D:property>".repeat(4)
        );
        assert!(parse(&deep).is_err());
        let many = format!(
            r#"<D:expand-property xmlns:D="DAV:">{}</D:expand-property>"#,
            (0..70)
                .map(|i| format!(r#"<D:property name="p{i}"/>"#))
                .collect::<String>()
        );
        assert!(matches!(parse(&many), Err(XmlError::TooMany { .. })));
        assert!(parse("<D:expand-property xmlns:D=\"DAV:\">").is_err());
    }
}
