//! Parses and validates `C:filter` (RFC 4791 §9.7). Anything not in the
//! grammar — unknown elements, components nested where they cannot occur,
//! time ranges on components or properties without time semantics —
//! violates `C:valid-filter` (§7.8). The obsolete draft element
//! `C:is-defined`, still sent by old clients, means "exists", which is what
//! an empty filter tests already, and is accepted.

use dav::tree::Element;

use crate::report::ReportError;
use crate::report::filter::{CompFilter, ParamFilter, PropFilter};
use crate::report::time_range::{Ends, read_range};
use crate::report::xml::is_caldav;
use crate::report::{Collation, TextMatch};

/// Components whose time-range semantics §9.9 defines.
const TIMED_COMPONENTS: [&str; 5] = ["VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VALARM"];
/// Properties whose time-range semantics §9.9 defines.
const TIMED_PROPERTIES: [&str; 7] = [
    "COMPLETED",
    "CREATED",
    "DTEND",
    "DTSTAMP",
    "DTSTART",
    "DUE",
    "LAST-MODIFIED",
];

fn invalid(msg: impl Into<String>) -> ReportError {
    ReportError::InvalidFilter(msg.into())
}

/// Reads a `C:filter` element: exactly one `C:comp-filter` for VCALENDAR.
pub(crate) fn parse_filter(filter: &Element) -> Result<CompFilter, ReportError> {
    let mut top = None;
    for child in filter.elements() {
        if !is_caldav(child, "comp-filter") || top.is_some() {
            return Err(invalid(format!("unexpected {} in filter", child.name)));
        }
        top = Some(parse_comp(child, None)?);
    }
    let top = top.ok_or_else(|| invalid("filter must contain a comp-filter"))?;
    if top.name != "VCALENDAR" {
        return Err(invalid("the top comp-filter must name VCALENDAR"));
    }
    Ok(top)
}

fn name_of(e: &Element) -> Result<String, ReportError> {
    let name = e.attr("name").map(str::trim).unwrap_or_default();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(invalid(format!("{} needs a valid name attribute", e.name.local)));
    }
    Ok(name.to_ascii_uppercase())
}

/// Whether component `child` can occur inside `parent` (RFC 5545 §3.6,
/// RFC 7953, RFC 9073); unknown parents accept anything.
fn can_nest(parent: Option<&str>, child: &str) -> bool {
    const EVENT_PARTS: [&str; 4] = ["VALARM", "PARTICIPANT", "VLOCATION", "VRESOURCE"];
    let extension = child.starts_with("X-");
    match parent {
        None => child == "VCALENDAR",
        Some("VCALENDAR") => !matches!(
            child,
            "VCALENDAR" | "VALARM" | "STANDARD" | "DAYLIGHT" | "AVAILABLE" | "PARTICIPANT" | "VLOCATION" | "VRESOURCE"
        ),
        Some("VEVENT" | "VTODO") => extension || EVENT_PARTS.contains(&child),
        Some("VJOURNAL" | "VFREEBUSY") => extension || EVENT_PARTS[1..].contains(&child),
        Some("VTIMEZONE") => extension || matches!(child, "STANDARD" | "DAYLIGHT"),
        Some("VAVAILABILITY") => extension || matches!(child, "AVAILABLE" | "VLOCATION"),
        Some("VALARM" | "STANDARD" | "DAYLIGHT") => extension,
        Some(_) => child != "VCALENDAR",
    }
}

fn parse_comp(e: &Element, parent: Option<&str>) -> Result<CompFilter, ReportError> {
    let name = name_of(e)?;
    if !can_nest(parent, &name) {
        return Err(invalid(match parent {
            Some(p) => format!("{name} cannot be nested in {p}"),
            None => format!("{name} cannot be the top component"),
        }));
    }
    let mut filter = CompFilter {
        name,
        is_not_defined: false,
        time_range: None,
        prop_filters: Vec::new(),
        comp_filters: Vec::new(),
    };
    for child in e.elements().filter(|c| !is_caldav(c, "is-defined")) {
        if is_caldav(child, "is-not-defined") {
            filter.is_not_defined = true;
        } else if is_caldav(child, "time-range") {
            // RFC 4791 §9.9 defines time-range for the timed components only; a range right
            // on VCALENDAR is read as Radicale and Xandikos read it: any component overlaps.
            if !TIMED_COMPONENTS.contains(&filter.name.as_str()) && filter.name != "VCALENDAR" {
                return Err(invalid(format!("time-range is not defined for {}", filter.name)));
            }
            if filter.time_range.is_some() {
                return Err(invalid("only one time-range per comp-filter"));
            }
            filter.time_range = Some(read_range(child, Ends::Optional).map_err(invalid)?);
        } else if is_caldav(child, "prop-filter") {
            filter.prop_filters.push(parse_prop(child)?);
        } else if is_caldav(child, "comp-filter") {
            filter.comp_filters.push(parse_comp(child, Some(&filter.name))?);
        } else {
            return Err(invalid(format!("unexpected {} in comp-filter", child.name)));
        }
    }
    let others = filter.time_range.is_some() || !filter.prop_filters.is_empty() || !filter.comp_filters.is_empty();
    if filter.is_not_defined && others {
        return Err(invalid("is-not-defined must be alone in comp-filter"));
    }
    Ok(filter)
}

fn parse_prop(e: &Element) -> Result<PropFilter, ReportError> {
    let mut filter = PropFilter {
        name: name_of(e)?,
        is_not_defined: false,
        time_range: None,
        text_match: None,
        param_filters: Vec::new(),
    };
    for child in e.elements().filter(|c| !is_caldav(c, "is-defined")) {
        if is_caldav(child, "is-not-defined") {
            filter.is_not_defined = true;
        } else if is_caldav(child, "time-range") {
            if !TIMED_PROPERTIES.contains(&filter.name.as_str()) {
                return Err(invalid(format!("time-range is not defined for {}", filter.name)));
            }
            if filter.time_range.is_some() || filter.text_match.is_some() {
                return Err(invalid("prop-filter takes one time-range or one text-match"));
            }
            filter.time_range = Some(read_range(child, Ends::Optional).map_err(invalid)?);
        } else if is_caldav(child, "text-match") {
            if filter.time_range.is_some() || filter.text_match.is_some() {
                return Err(invalid("prop-filter takes one time-range or one text-match"));
            }
            filter.text_match = Some(parse_text_match(child)?);
        } else if is_caldav(child, "param-filter") {
            filter.param_filters.push(parse_param(child)?);
        } else {
            return Err(invalid(format!("unexpected {} in prop-filter", child.name)));
        }
    }
    let others = filter.time_range.is_some() || filter.text_match.is_some() || !filter.param_filters.is_empty();
    if filter.is_not_defined && others {
        return Err(invalid("is-not-defined must be alone in prop-filter"));
    }
    Ok(filter)
}

fn parse_param(e: &Element) -> Result<ParamFilter, ReportError> {
    let mut filter = ParamFilter {
        name: name_of(e)?,
        is_not_defined: false,
        text_match: None,
    };
    for child in e.elements().filter(|c| !is_caldav(c, "is-defined")) {
        if is_caldav(child, "is-not-defined") && filter.text_match.is_none() {
            filter.is_not_defined = true;
        } else if is_caldav(child, "text-match") && !filter.is_not_defined && filter.text_match.is_none() {
            filter.text_match = Some(parse_text_match(child)?);
        } else {
            return Err(invalid(format!("unexpected {} in param-filter", child.name)));
        }
    }
    Ok(filter)
}

/// Reads a `C:text-match` (also with CardDAV-style `match-type`); the
/// collation defaults to `i;ascii-casemap` (RFC 4791 §7.5).
fn parse_text_match(e: &Element) -> Result<TextMatch, ReportError> {
    Ok(TextMatch::from_element(e, Collation::AsciiCasemap)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::MatchType;
    use dav::tree::parse_document;

    fn parse(inner: &str) -> Result<CompFilter, ReportError> {
        let xml = format!(r#"<C:filter xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:D="DAV:">{inner}</C:filter>"#);
        parse_filter(&parse_document(xml.as_bytes()).unwrap())
    }

    fn invalid_filter(inner: &str) -> bool {
        matches!(parse(inner), Err(ReportError::InvalidFilter(_)))
    }

    #[test]
    fn full_grammar() {
        let f = parse(
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="vevent">
                 <C:time-range start="20060104T000000Z"/>
                 <C:prop-filter name="ATTENDEE">
                   <C:text-match collation="i;octet" negate-condition="yes" match-type="equals">mailto:a@b</C:text-match>
                   <C:param-filter name="PARTSTAT"><C:text-match>NEEDS-ACTION</C:text-match></C:param-filter>
                   <C:param-filter name="X-FOO"><C:is-not-defined/></C:param-filter>
                 </C:prop-filter>
                 <C:prop-filter name="COMPLETED"><C:is-not-defined/></C:prop-filter>
                 <C:prop-filter name="DTSTAMP"><C:time-range end="20060104T000000Z"/></C:prop-filter>
                 <C:comp-filter name="VALARM"><C:time-range start="20060104T000000Z" end="20060105T000000Z"/></C:comp-filter>
               </C:comp-filter></C:comp-filter>"#,
        )
        .unwrap();
        let ev = &f.comp_filters[0];
        assert_eq!(ev.name, "VEVENT");
        assert_eq!(ev.time_range.unwrap().end, i64::MAX);
        let attendee = &ev.prop_filters[0];
        let tm = attendee.text_match.as_ref().unwrap();
        assert_eq!(
            (tm.text.as_str(), tm.collation, tm.negate),
            ("mailto:a@b", Collation::Octet, true)
        );
        assert_eq!(tm.match_type, MatchType::Equals);
        assert_eq!(attendee.param_filters.len(), 2);
        assert!(attendee.param_filters[1].is_not_defined);
        assert!(ev.prop_filters[1].is_not_defined);
        assert!(ev.prop_filters[2].time_range.is_some());
        assert_eq!(ev.comp_filters[0].name, "VALARM");
    }

    #[test]
    fn default_collation_and_empty_filters() {
        let f = parse(r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VTODO"><C:prop-filter name="STATUS"><C:text-match collation="default">x</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>"#).unwrap();
        let tm = f.comp_filters[0].prop_filters[0].text_match.as_ref().unwrap();
        assert_eq!(tm.collation, Collation::AsciiCasemap);
        let f = parse(r#"<C:comp-filter name="VCALENDAR"/>"#).unwrap();
        assert!(f.comp_filters.is_empty());
    }

    #[test]
    fn obsolete_is_defined_means_exists() {
        let f = parse(r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VTODO"><C:is-defined/><C:prop-filter name="DUE"><C:is-defined/></C:prop-filter></C:comp-filter></C:comp-filter>"#).unwrap();
        let todo = &f.comp_filters[0];
        assert!(
            !todo.is_not_defined
                && todo.prop_filters[0]
                    == PropFilter {
                        name: "DUE".into(),
                        is_not_defined: false,
                        time_range: None,
                        text_match: None,
                        param_filters: Vec::new(),
                    }
        );
    }

    #[test]
    fn unknown_collation_is_its_own_error() {
        let r = parse(
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="SUMMARY"><C:text-match collation="i;klingon">x</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>"#,
        );
        assert_eq!(r, Err(ReportError::UnsupportedCollation("i;klingon".into())));
    }

    #[test]
    fn invalid_filters() {
        for inner in [
            "",
            r#"<C:comp-filter name="VEVENT"/>"#,
            r#"<C:comp-filter name="VCALENDAR"/><C:comp-filter name="VCALENDAR"/>"#,
            r#"<C:comp-filter/>"#,
            r#"<C:comp-filter name="V CAL"/>"#,
            r#"<C:comp-filter name="VCALENDAR"><C:bogus/></C:comp-filter>"#,
            r#"<C:comp-filter name="VCALENDAR"><D:prop/></C:comp-filter>"#,
            r#"<C:prop-filter name="SUMMARY"/>"#,
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VTODO"><C:comp-filter name="VEVENT"/></C:comp-filter></C:comp-filter>"#,
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VALARM"/></C:comp-filter>"#,
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VTIMEZONE"><C:time-range start="20060104T000000Z"/></C:comp-filter></C:comp-filter>"#,
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20060105T000000Z" end="20060104T000000Z"/></C:comp-filter></C:comp-filter>"#,
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="garbage"/></C:comp-filter></C:comp-filter>"#,
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range/></C:comp-filter></C:comp-filter>"#,
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20060104T000000Z"/><C:time-range start="20060104T000000Z"/></C:comp-filter></C:comp-filter>"#,
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:is-not-defined/><C:prop-filter name="UID"/></C:comp-filter></C:comp-filter>"#,
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="SUMMARY"><C:time-range start="20060104T000000Z"/></C:prop-filter></C:comp-filter></C:comp-filter>"#,
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="DTSTART"><C:time-range start="20060104T000000Z"/><C:text-match>x</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>"#,
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="UID"><C:is-not-defined/><C:text-match>x</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>"#,
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="UID"><C:text-match>x</C:text-match><C:text-match>y</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>"#,
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="UID"><C:other/></C:prop-filter></C:comp-filter></C:comp-filter>"#,
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="A"><C:param-filter name="P"><C:is-not-defined/><C:text-match>x</C:text-match></C:param-filter></C:prop-filter></C:comp-filter></C:comp-filter>"#,
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="A"><C:param-filter name="P"><C:time-range start="20060104T000000Z"/></C:param-filter></C:prop-filter></C:comp-filter></C:comp-filter>"#,
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="A"><C:text-match negate-condition="maybe">x</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>"#,
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="A"><C:text-match match-type="regex">x</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>"#,
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="A"><C:text-match>x<C:b/></C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>"#,
        ] {
            assert!(invalid_filter(inner), "{inner}");
        }
    }

    #[test]
    fn nesting_rules() {
        assert!(can_nest(None, "VCALENDAR"));
        assert!(!can_nest(None, "VEVENT"));
        assert!(can_nest(Some("VCALENDAR"), "X-CUSTOM"));
        assert!(can_nest(Some("VEVENT"), "VALARM"));
        assert!(can_nest(Some("VTIMEZONE"), "STANDARD"));
        assert!(!can_nest(Some("VJOURNAL"), "VALARM"));
        assert!(!can_nest(Some("VALARM"), "VALARM"));
        assert!(can_nest(Some("X-THING"), "ANYTHING"));
        assert!(can_nest(Some("VAVAILABILITY"), "AVAILABLE"));
    }
}
