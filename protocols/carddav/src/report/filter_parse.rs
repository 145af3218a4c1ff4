//! Parses `CARD:filter` (RFC 6352 §10.5). Breaking the grammar (missing or
//! malformed names, bad attribute values, `is-not-defined` next to other
//! tests) is a 400; a test element the server does not know inside a
//! `prop-filter` or `param-filter` (e.g. a CalDAV-style `time-range`)
//! violates `CARD:supported-filter` (§8.6) and names that filter.

use dav::tree::Element;

use crate::report::ReportError;
use crate::report::filter::{Filter, ParamFilter, PropFilter, Test};
use crate::report::xml::{is_carddav, parameter_name, property_name};
use crate::report::{Collation, TextMatch};

fn invalid(msg: impl Into<String>) -> ReportError {
    ReportError::InvalidFilter(msg.into())
}

fn unsupported(element: &'static str, name: &str, child: &Element) -> ReportError {
    ReportError::UnsupportedFilter {
        element,
        name: name.to_owned(),
        reason: format!("{} is not supported in {element}", child.name),
    }
}

fn read_test(e: &Element) -> Result<Test, ReportError> {
    match e.attr("test").map(str::trim) {
        None | Some("anyof") => Ok(Test::AnyOf),
        Some("allof") => Ok(Test::AllOf),
        Some(other) => Err(invalid(format!("test={other:?} must be anyof or allof"))),
    }
}

/// Reads a `CARD:filter` element.
pub(crate) fn parse_filter(filter: &Element) -> Result<Filter, ReportError> {
    let mut out = Filter {
        test: read_test(filter)?,
        prop_filters: Vec::new(),
    };
    for child in filter.elements() {
        if !is_carddav(child, "prop-filter") {
            return Err(invalid(format!("unexpected {} in filter", child.name)));
        }
        out.prop_filters.push(parse_prop(child)?);
    }
    Ok(out)
}

fn parse_prop(e: &Element) -> Result<PropFilter, ReportError> {
    let mut filter = PropFilter {
        name: property_name(e).map_err(invalid)?,
        test: read_test(e)?,
        is_not_defined: false,
        text_matches: Vec::new(),
        param_filters: Vec::new(),
    };
    for child in e.elements() {
        if is_carddav(child, "is-not-defined") {
            filter.is_not_defined = true;
        } else if is_carddav(child, "text-match") {
            filter.text_matches.push(parse_text_match(child)?);
        } else if is_carddav(child, "param-filter") {
            filter.param_filters.push(parse_param(child)?);
        } else {
            return Err(unsupported("prop-filter", &filter.name, child));
        }
    }
    if filter.is_not_defined && (!filter.text_matches.is_empty() || !filter.param_filters.is_empty()) {
        return Err(invalid("is-not-defined must be alone in prop-filter"));
    }
    Ok(filter)
}

fn parse_param(e: &Element) -> Result<ParamFilter, ReportError> {
    let mut filter = ParamFilter {
        name: parameter_name(e).map_err(invalid)?,
        is_not_defined: false,
        text_match: None,
    };
    for child in e.elements() {
        let taken = filter.is_not_defined || filter.text_match.is_some();
        if is_carddav(child, "is-not-defined") || is_carddav(child, "text-match") {
            if taken {
                return Err(invalid("param-filter takes one is-not-defined or one text-match"));
            }
            if is_carddav(child, "is-not-defined") {
                filter.is_not_defined = true;
            } else {
                filter.text_match = Some(parse_text_match(child)?);
            }
        } else {
            return Err(unsupported("param-filter", &filter.name, child));
        }
    }
    Ok(filter)
}

/// Reads a `CARD:text-match`; the collation defaults to
/// `i;unicode-casemap` and the match type to `contains` (§10.5.4).
fn parse_text_match(e: &Element) -> Result<TextMatch, ReportError> {
    Ok(TextMatch::from_element(e, Collation::UnicodeCasemap)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::MatchType;
    use dav::tree::parse_document;

    fn parse(attrs: &str, inner: &str) -> Result<Filter, ReportError> {
        let xml =
            format!(r#"<C:filter xmlns:C="urn:ietf:params:xml:ns:carddav" xmlns:D="DAV:" {attrs}>{inner}</C:filter>"#);
        parse_filter(&parse_document(xml.as_bytes()).unwrap())
    }

    #[test]
    fn full_grammar() {
        let f = parse(
            r#"test="allof""#,
            r#"<C:prop-filter name="item1.email" test="allof">
                 <C:text-match collation="i;octet" negate-condition="yes" match-type="ends-with">@example.com</C:text-match>
                 <C:text-match>mueller</C:text-match>
                 <C:param-filter name="type"><C:text-match match-type="equals">WORK</C:text-match></C:param-filter>
                 <C:param-filter name="X-FOO"><C:is-not-defined/></C:param-filter>
                 <C:param-filter name="PREF"/>
               </C:prop-filter>
               <C:prop-filter name="NICKNAME"><C:is-not-defined/></C:prop-filter>
               <C:prop-filter name="FN"/>"#,
        )
        .unwrap();
        assert_eq!(f.test, Test::AllOf);
        let email = &f.prop_filters[0];
        assert_eq!((email.name.as_str(), email.test), ("ITEM1.EMAIL", Test::AllOf));
        let tm = &email.text_matches[0];
        assert_eq!(
            (tm.text.as_str(), tm.collation, tm.negate, tm.match_type),
            ("@example.com", Collation::Octet, true, MatchType::EndsWith)
        );
        let second = &email.text_matches[1];
        assert_eq!(
            (second.collation, second.negate, second.match_type),
            (Collation::UnicodeCasemap, false, MatchType::Contains)
        );
        assert_eq!(email.param_filters[0].name, "TYPE");
        assert!(email.param_filters[1].is_not_defined);
        assert_eq!(
            email.param_filters[2],
            ParamFilter {
                name: "PREF".into(),
                is_not_defined: false,
                text_match: None
            }
        );
        assert!(f.prop_filters[1].is_not_defined);
        assert!(f.prop_filters[2].text_matches.is_empty() && f.prop_filters[2].test == Test::AnyOf);
    }

    #[test]
    fn defaults() {
        let f = parse("", "").unwrap();
        assert_eq!(f, Filter::default());
        let f = parse(
            "",
            r#"<C:prop-filter name="FN"><C:text-match collation="default">x</C:text-match></C:prop-filter>"#,
        )
        .unwrap();
        assert_eq!(f.prop_filters[0].text_matches[0].collation, Collation::UnicodeCasemap);
    }

    #[test]
    fn unknown_collation_is_its_own_error() {
        let r = parse(
            "",
            r#"<C:prop-filter name="FN"><C:text-match collation="i;klingon">x</C:text-match></C:prop-filter>"#,
        );
        assert_eq!(r, Err(ReportError::UnsupportedCollation("i;klingon".into())));
        let r = parse(
            "",
            r#"<C:prop-filter name="FN"><C:text-match collation="i;*">x</C:text-match></C:prop-filter>"#,
        );
        assert!(matches!(r, Err(ReportError::UnsupportedCollation(_))));
    }

    #[test]
    fn unsupported_tests_name_their_filter() {
        let r = parse(
            "",
            r#"<C:prop-filter name="BDAY"><C:time-range start="20240101T000000Z"/></C:prop-filter>"#,
        );
        assert!(
            matches!(r, Err(ReportError::UnsupportedFilter { element: "prop-filter", ref name, .. }) if name == "BDAY")
        );
        let r = parse(
            "",
            r#"<C:prop-filter name="TEL"><C:param-filter name="TYPE"><x:regex xmlns:x="urn:x"/></C:param-filter></C:prop-filter>"#,
        );
        assert!(
            matches!(r, Err(ReportError::UnsupportedFilter { element: "param-filter", ref name, .. }) if name == "TYPE")
        );
    }

    #[test]
    fn invalid_filters() {
        for (attrs, inner) in [
            (r#"test="some""#, ""),
            ("", r#"<C:comp-filter name="VCARD"/>"#),
            ("", r#"<D:prop/>"#),
            ("", r#"<C:prop-filter/>"#),
            ("", r#"<C:prop-filter name="E MAIL"/>"#),
            ("", r#"<C:prop-filter name="FN" test="xor"/>"#),
            (
                "",
                r#"<C:prop-filter name="FN"><C:is-not-defined/><C:text-match>x</C:text-match></C:prop-filter>"#,
            ),
            (
                "",
                r#"<C:prop-filter name="FN"><C:is-not-defined/><C:param-filter name="X"/></C:prop-filter>"#,
            ),
            (
                "",
                r#"<C:prop-filter name="FN"><C:text-match match-type="regex">x</C:text-match></C:prop-filter>"#,
            ),
            (
                "",
                r#"<C:prop-filter name="FN"><C:text-match negate-condition="maybe">x</C:text-match></C:prop-filter>"#,
            ),
            (
                "",
                r#"<C:prop-filter name="FN"><C:text-match>x<C:b/></C:text-match></C:prop-filter>"#,
            ),
            ("", r#"<C:prop-filter name="TEL"><C:param-filter/></C:prop-filter>"#),
            (
                "",
                r#"<C:prop-filter name="TEL"><C:param-filter name="a.b"/></C:prop-filter>"#,
            ),
            (
                "",
                r#"<C:prop-filter name="TEL"><C:param-filter name="TYPE"><C:is-not-defined/><C:text-match>x</C:text-match></C:param-filter></C:prop-filter>"#,
            ),
            (
                "",
                r#"<C:prop-filter name="TEL"><C:param-filter name="TYPE"><C:text-match>x</C:text-match><C:text-match>y</C:text-match></C:param-filter></C:prop-filter>"#,
            ),
        ] {
            assert!(
                matches!(parse(attrs, inner), Err(ReportError::InvalidFilter(_))),
                "{attrs} {inner}"
            );
        }
    }
}
