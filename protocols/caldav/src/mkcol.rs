//! Collection creation bodies: MKCALENDAR (RFC 4791 §5.3.1) and extended
//! MKCOL (RFC 5689), plus the property values the server must interpret
//! at creation (`C:supported-calendar-component-set`,
//! `C:calendar-timezone`).

use dav::mkcol::read_sets;
use dav::tree::parse_document;
use dav::{PropValue, QName, XmlError};

pub use dav::MkcolRequest;

use crate::component::ComponentKind;
use crate::names::{CALENDAR, MKCALENDAR};
use crate::report::xml::is_caldav;
use crate::time::{FloatingZone, TimezoneError};

/// A creation body or property value that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MkcolError {
    /// Not well-formed XML or the wrong root element (400).
    #[error(transparent)]
    Xml(#[from] XmlError),
    /// A `supported-calendar-component-set` that is empty or malformed
    /// (403 with the property in a 207 `mkcol-response`).
    #[error("{0}")]
    Invalid(&'static str),
    /// A component kind the server cannot store.
    #[error("unsupported calendar component {0:?}")]
    UnsupportedComponent(String),
}

/// Parses a MKCALENDAR body; an empty body creates a calendar with no
/// extra properties.
pub fn parse_mkcalendar(body: &[u8]) -> Result<MkcolRequest, MkcolError> {
    let mut request = if body.iter().all(u8::is_ascii_whitespace) {
        MkcolRequest::default()
    } else {
        let root = parse_document(body)?;
        root.expect_name(&MKCALENDAR)?;
        read_sets(&root)?
    };
    for kind in [QName::dav("collection"), CALENDAR] {
        if !request.resource_types.contains(&kind) {
            request.resource_types.push(kind);
        }
    }
    Ok(request)
}

/// Parses an extended MKCOL body (RFC 5689 §5.1) with [`dav::mkcol`]; a
/// calendar is asked for when the resource type includes `C:calendar`. A
/// plain MKCOL has no body and is not handled here.
pub fn parse_extended_mkcol(body: &[u8]) -> Result<MkcolRequest, MkcolError> {
    Ok(dav::mkcol::parse_extended_mkcol(body)?)
}

/// Reads a `C:supported-calendar-component-set` value (RFC 4791 §5.2.3).
/// VTIMEZONE is accepted and dropped (time zones are always allowed).
pub fn parse_supported_components(value: &PropValue) -> Result<Vec<ComponentKind>, MkcolError> {
    // The stored fragment declares its own namespaces: wrap it in a root.
    let wrapped = format!("<w>{}</w>", value.xml());
    let root = parse_document(wrapped.as_bytes())?;
    let mut kinds = Vec::new();
    let mut any = false;
    for comp in root.elements() {
        if !is_caldav(comp, "comp") {
            return Err(MkcolError::Invalid(
                "supported-calendar-component-set holds only C:comp elements",
            ));
        }
        any = true;
        let name = comp.attr("name").unwrap_or_default();
        if name.trim().eq_ignore_ascii_case("VTIMEZONE") {
            continue;
        }
        let kind = ComponentKind::from_name(name).ok_or_else(|| MkcolError::UnsupportedComponent(name.to_owned()))?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    if !any {
        return Err(MkcolError::Invalid(
            "supported-calendar-component-set must list a component",
        ));
    }
    Ok(kinds)
}

/// Reads a `C:calendar-timezone` value: one VTIMEZONE (RFC 4791 §5.2.2;
/// refusing it violates `C:valid-calendar-data`).
pub fn parse_calendar_timezone(value: &PropValue) -> Result<FloatingZone, TimezoneError> {
    let text = value.as_text().ok_or(TimezoneError("calendar-timezone must be text"))?;
    FloatingZone::from_vcalendar(&text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::{CALENDAR_DESCRIPTION, CALENDAR_TIMEZONE, SUPPORTED_CALENDAR_COMPONENT_SET};

    const RFC_EXAMPLE: &str = r#"<?xml version="1.0" encoding="utf-8" ?>
   <C:mkcalendar xmlns:D="DAV:"
                 xmlns:C="urn:ietf:params:xml:ns:caldav">
     <D:set>
       <D:prop>
         <D:displayname>Lisa's Events</D:displayname>
         <C:calendar-description xml:lang="en"
   >Calendar restricted to events.</C:calendar-description>
         <C:supported-calendar-component-set>
           <C:comp name="VEVENT"/>
         </C:supported-calendar-component-set>
         <C:calendar-timezone><![CDATA[BEGIN:VCALENDAR
PRODID:-//Example Corp.//CalDAV Client//EN
VERSION:2.0
BEGIN:VTIMEZONE
TZID:US-Eastern
LAST-MODIFIED:19870101T000000Z
BEGIN:STANDARD
DTSTART:19671029T020000
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
TZNAME:Eastern Standard Time (US & Canada)
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19870405T020000
RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
TZNAME:Eastern Daylight Time (US & Canada)
END:DAYLIGHT
END:VTIMEZONE
END:VCALENDAR
]]></C:calendar-timezone>
       </D:prop>
     </D:set>
   </C:mkcalendar>"#;

    #[test]
    fn rfc_4791_mkcalendar_example() {
        let r = parse_mkcalendar(RFC_EXAMPLE.as_bytes()).unwrap();
        assert!(r.has_resource_type(&CALENDAR));
        let names: Vec<_> = r.props.iter().map(|(n, _)| n.clone()).collect();
        assert_eq!(
            names,
            vec![
                QName::dav("displayname"),
                CALENDAR_DESCRIPTION,
                SUPPORTED_CALENDAR_COMPONENT_SET,
                CALENDAR_TIMEZONE
            ]
        );
        assert_eq!(
            r.get(&QName::dav("displayname")).unwrap().as_text().as_deref(),
            Some("Lisa's Events")
        );
        assert_eq!(r.get(&CALENDAR_DESCRIPTION).unwrap().lang(), Some("en"));
        let kinds = parse_supported_components(r.get(&SUPPORTED_CALENDAR_COMPONENT_SET).unwrap()).unwrap();
        assert_eq!(kinds, vec![ComponentKind::Event]);
        assert!(parse_calendar_timezone(r.get(&CALENDAR_TIMEZONE).unwrap()).is_ok());
    }

    #[test]
    fn empty_mkcalendar_and_extended_mkcol() {
        let r = parse_mkcalendar(b"  ").unwrap();
        assert!(r.has_resource_type(&CALENDAR) && r.props.is_empty());
        let body = br#"<D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:I="http://apple.com/ns/ical/"><D:set><D:prop><D:resourcetype><D:collection/><C:calendar/></D:resourcetype><D:displayname>Team</D:displayname><I:calendar-color>#FF0000FF</I:calendar-color><C:supported-calendar-component-set><C:comp name="VTODO"/><C:comp name="VTIMEZONE"/><C:comp name="vtodo"/></C:supported-calendar-component-set></D:prop></D:set></D:mkcol>"#;
        let r = parse_extended_mkcol(body).unwrap();
        assert!(r.has_resource_type(&CALENDAR));
        assert_eq!(r.resource_types, vec![QName::dav("collection"), CALENDAR]);
        assert_eq!(r.props.len(), 3);
        assert_eq!(
            r.get(&crate::names::CALENDAR_COLOR).unwrap().as_text().as_deref(),
            Some("#FF0000FF")
        );
        let kinds = parse_supported_components(r.get(&SUPPORTED_CALENDAR_COMPONENT_SET).unwrap()).unwrap();
        assert_eq!(kinds, vec![ComponentKind::Todo]);
        let plain = parse_extended_mkcol(br#"<D:mkcol xmlns:D="DAV:"><D:set><D:prop><D:resourcetype><D:collection/></D:resourcetype></D:prop></D:set></D:mkcol>"#).unwrap();
        assert!(!plain.has_resource_type(&CALENDAR));
    }

    #[test]
    fn rejections() {
        assert!(matches!(
            parse_mkcalendar(b"<x/>"),
            Err(MkcolError::Xml(XmlError::WrongRoot { .. }))
        ));
        assert!(parse_mkcalendar(br#"<C:mkcalendar xmlns:C="urn:ietf:params:xml:ns:caldav"/>"#).is_err());
        assert!(parse_extended_mkcol(b"").is_err());
        assert!(parse_extended_mkcol(br#"<D:mkcol xmlns:D="DAV:"><D:set><D:prop>"#).is_err());
        for (xml, unsupported) in [
            ("", false),
            (
                r#"<C:comp xmlns:C="urn:ietf:params:xml:ns:caldav" name="VCARD"/>"#,
                true,
            ),
            (r#"<D:href xmlns:D="DAV:">x</D:href>"#, false),
        ] {
            let r = parse_supported_components(&PropValue::from_stored(xml.into(), None));
            assert_eq!(
                matches!(r, Err(MkcolError::UnsupportedComponent(_))),
                unsupported,
                "{xml}"
            );
            assert!(r.is_err());
        }
        assert!(parse_calendar_timezone(&PropValue::text("BEGIN:VCALENDAR")).is_err());
        assert!(parse_calendar_timezone(&PropValue::from_stored("<a/>".into(), None)).is_err());
    }

    #[test]
    fn truncated_bodies_never_panic_and_fail() {
        for end in 0..RFC_EXAMPLE.len() {
            if let Some(prefix) = RFC_EXAMPLE.get(..end) {
                let r = parse_mkcalendar(prefix.as_bytes());
                assert!(r.is_err() || prefix.trim().is_empty(), "{end}");
            }
        }
    }
}
