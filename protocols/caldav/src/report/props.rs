//! What a REPORT asks to return: the `DAV:prop`/`allprop`/`propname` part
//! and, inside it, `C:calendar-data` with its subsetting and recurrence
//! options (RFC 4791 §9.6).

use dav::Propfind;
use dav::report::yes_no;
use dav::tree::Element;

use crate::names::CALENDAR_DATA;
use crate::report::ReportError;
use crate::report::time_range::{Ends, read_range};
use crate::report::xml::is_caldav;
use crate::time::TimeRange;

/// The properties requested, shaped like a PROPFIND so the server answers
/// both the same way; `C:calendar-data` (if asked for) is listed in
/// `props` and described by `calendar_data`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropRequest {
    /// `DAV:prop` names, `allprop` or `propname`. A body without any of
    /// them is read as `allprop` (RFC 4791 leaves it open).
    pub props: Propfind,
    /// How to render `C:calendar-data`, when requested.
    pub calendar_data: Option<CalendarDataRequest>,
}

/// `C:calendar-data` in a request: which parts of the object to return.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CalendarDataRequest {
    /// `C:comp` subsetting; `None` returns the whole object.
    pub comp: Option<CompSelector>,
    /// `C:expand` or `C:limit-recurrence-set`.
    pub recurrence: Option<RecurrenceMode>,
    /// `C:limit-freebusy-set`.
    pub limit_freebusy: Option<TimeRange>,
}

impl CalendarDataRequest {
    /// Whether the stored bytes are returned unchanged.
    pub fn is_whole_object(&self) -> bool {
        self.comp.is_none() && self.recurrence.is_none() && self.limit_freebusy.is_none()
    }
}

/// How recurring components are returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecurrenceMode {
    /// `C:expand` (§9.6.5): one component per instance in the range.
    Expand(TimeRange),
    /// `C:limit-recurrence-set` (§9.6.6): master plus the overrides that
    /// affect the range.
    LimitRecurrenceSet(TimeRange),
}

/// `C:comp` (§9.6.1): a component to return and what of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompSelector {
    /// Component name, upper case.
    pub name: String,
    /// Its properties to return.
    pub props: Selection<PropSelector>,
    /// Its sub-components to return.
    pub comps: Selection<CompSelector>,
}

/// `allprop`/`allcomp`, or a list (possibly empty: nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection<T> {
    /// Everything.
    All,
    /// Only these.
    Only(Vec<T>),
}

/// `C:prop` (§9.6.4) inside `C:comp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropSelector {
    /// Property name, upper case.
    pub name: String,
    /// `novalue="yes"`: name and parameters only.
    pub novalue: bool,
}

/// Reads the property part of a REPORT root's children.
pub(crate) fn read_prop_request(root: &Element) -> Result<PropRequest, ReportError> {
    let (props, calendar_data) = dav::report::read_prop_request(root, &CALENDAR_DATA, read_calendar_data)?;
    Ok(PropRequest { props, calendar_data })
}

fn read_calendar_data(e: &Element) -> Result<CalendarDataRequest, ReportError> {
    check_media_type(e)?;
    let mut request = CalendarDataRequest::default();
    for child in e.elements() {
        let range = || read_range(child, Ends::Required).map_err(ReportError::Invalid);
        if is_caldav(child, "comp") {
            let comp = read_comp(child)?;
            if comp.name != "VCALENDAR" {
                return Err(ReportError::Invalid("calendar-data comp must name VCALENDAR".into()));
            }
            request.comp = Some(comp);
        } else if is_caldav(child, "expand") || is_caldav(child, "limit-recurrence-set") {
            if request.recurrence.is_some() {
                return Err(ReportError::Invalid(
                    "use either expand or limit-recurrence-set, once".into(),
                ));
            }
            request.recurrence = Some(if is_caldav(child, "expand") {
                RecurrenceMode::Expand(range()?)
            } else {
                RecurrenceMode::LimitRecurrenceSet(range()?)
            });
        } else if is_caldav(child, "limit-freebusy-set") {
            request.limit_freebusy = Some(range()?);
        }
    }
    Ok(request)
}

/// RFC 4791 §9.6: `content-type` defaults to text/calendar, `version` to 2.0.
fn check_media_type(e: &Element) -> Result<(), ReportError> {
    let content_type = e.attr("content-type").unwrap_or("text/calendar");
    let version = e.attr("version").unwrap_or("2.0");
    let media = content_type.split(';').next().unwrap_or_default().trim();
    if media.eq_ignore_ascii_case("text/calendar") && version.trim() == "2.0" {
        Ok(())
    } else {
        Err(ReportError::UnsupportedCalendarData {
            content_type: content_type.to_owned(),
            version: version.to_owned(),
        })
    }
}

fn selector_name(e: &Element) -> Result<String, ReportError> {
    match e.attr("name").map(str::trim) {
        Some(n) if !n.is_empty() => Ok(n.to_ascii_uppercase()),
        _ => Err(ReportError::Invalid(format!("{} needs a name attribute", e.name.local))),
    }
}

/// Reads a `C:comp`. An empty `<C:comp name="X"/>` returns X whole: that
/// is what the RFC 4791 §7.8.1 example does for VTIMEZONE (the DTD alone
/// would return an empty component, useless to a client).
fn read_comp(e: &Element) -> Result<CompSelector, ReportError> {
    let mut props = Selection::Only(Vec::new());
    let mut comps = Selection::Only(Vec::new());
    let selects = |c: &Element| ["allprop", "allcomp", "prop", "comp"].iter().any(|l| is_caldav(c, l));
    if !e.elements().any(selects) {
        props = Selection::All;
        comps = Selection::All;
    }
    for child in e.elements() {
        if is_caldav(child, "allprop") {
            props = Selection::All;
        } else if is_caldav(child, "allcomp") {
            comps = Selection::All;
        } else if is_caldav(child, "prop") {
            let novalue = yes_no(child, "novalue")?;
            if let Selection::Only(list) = &mut props {
                list.push(PropSelector {
                    name: selector_name(child)?,
                    novalue,
                });
            }
        } else if is_caldav(child, "comp") {
            let nested = read_comp(child)?;
            if let Selection::Only(list) = &mut comps {
                list.push(nested);
            }
        }
    }
    Ok(CompSelector {
        name: selector_name(e)?,
        props,
        comps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use dav::QName;
    use dav::tree::parse_document;

    fn read(inner: &str) -> Result<PropRequest, ReportError> {
        let xml = format!(
            r#"<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">{inner}</C:calendar-query>"#
        );
        read_prop_request(&parse_document(xml.as_bytes()).unwrap())
    }

    #[test]
    fn rfc_7_8_1_partial_retrieval() {
        let r = read(
            r#"<D:prop><D:getetag/><C:calendar-data><C:comp name="VCALENDAR"><C:prop name="VERSION"/>
                <C:comp name="VEVENT"><C:prop name="SUMMARY"/><C:prop name="UID" novalue="yes"/></C:comp>
                <C:comp name="VTIMEZONE"/></C:comp></C:calendar-data></D:prop>"#,
        )
        .unwrap();
        assert_eq!(r.props, Propfind::Prop(vec![QName::dav("getetag"), CALENDAR_DATA]));
        let comp = r.calendar_data.unwrap().comp.unwrap();
        assert_eq!(
            comp.props,
            Selection::Only(vec![PropSelector {
                name: "VERSION".into(),
                novalue: false
            }])
        );
        let Selection::Only(children) = &comp.comps else {
            panic!()
        };
        assert_eq!(children.len(), 2);
        let Selection::Only(ev_props) = &children[0].props else {
            panic!()
        };
        assert!(ev_props[1].novalue);
        assert_eq!(
            (&children[1].props, &children[1].comps),
            (&Selection::All, &Selection::All)
        );
        assert_eq!(children[0].comps, Selection::Only(Vec::new()));
    }

    #[test]
    fn expand_limit_and_allprop() {
        let r = read(r#"<D:prop><C:calendar-data><C:expand start="20060103T000000Z" end="20060105T000000Z"/><C:limit-freebusy-set start="20060102T000000Z" end="20060103T000000Z"/></C:calendar-data></D:prop>"#).unwrap();
        let cd = r.calendar_data.unwrap();
        assert!(matches!(cd.recurrence, Some(RecurrenceMode::Expand(_))));
        assert!(cd.limit_freebusy.is_some());
        assert!(!cd.is_whole_object());
        let r = read(r#"<D:prop><C:calendar-data><C:limit-recurrence-set start="20060103T000000Z" end="20060105T000000Z"/></C:calendar-data></D:prop>"#).unwrap();
        assert!(matches!(
            r.calendar_data.unwrap().recurrence,
            Some(RecurrenceMode::LimitRecurrenceSet(_))
        ));
        let r =
            read(r#"<D:prop><C:calendar-data content-type="text/calendar; charset=utf-8" version="2.0"/></D:prop>"#)
                .unwrap();
        assert!(r.calendar_data.unwrap().is_whole_object());
        let r = read(r#"<C:comp name="VCALENDAR"><C:allprop/><C:allcomp/></C:comp>"#).unwrap();
        assert_eq!(r.props, Propfind::AllProp { include: vec![] });
        assert_eq!(read("<D:propname/>").unwrap().props, Propfind::PropName);
        assert_eq!(read("").unwrap().props, Propfind::AllProp { include: vec![] });
    }

    #[test]
    fn errors() {
        assert!(matches!(
            read(r#"<D:prop><C:calendar-data content-type="application/calendar+json"/></D:prop>"#),
            Err(ReportError::UnsupportedCalendarData { .. })
        ));
        assert!(matches!(
            read(r#"<D:prop><C:calendar-data version="1.0"/></D:prop>"#),
            Err(ReportError::UnsupportedCalendarData { .. })
        ));
        for inner in [
            "<D:prop/><D:allprop/>",
            r#"<D:prop><C:calendar-data><C:expand start="20060103T000000Z"/></C:calendar-data></D:prop>"#,
            r#"<D:prop><C:calendar-data><C:expand start="20060105T000000Z" end="20060103T000000Z"/></C:calendar-data></D:prop>"#,
            r#"<D:prop><C:calendar-data><C:expand start="20060103T000000Z" end="20060105T000000Z"/><C:limit-recurrence-set start="20060103T000000Z" end="20060105T000000Z"/></C:calendar-data></D:prop>"#,
            r#"<D:prop><C:calendar-data><C:comp name="VEVENT"/></C:calendar-data></D:prop>"#,
            r#"<D:prop><C:calendar-data><C:comp/></C:calendar-data></D:prop>"#,
            r#"<D:prop><C:calendar-data><C:comp name="VCALENDAR"><C:prop/></C:comp></C:calendar-data></D:prop>"#,
            r#"<D:prop><C:calendar-data><C:comp name="VCALENDAR"><C:prop name="X" novalue="maybe"/></C:comp></C:calendar-data></D:prop>"#,
            r#"<D:prop><C:calendar-data><C:limit-freebusy-set end="20060103T000000Z"/></C:calendar-data></D:prop>"#,
        ] {
            assert!(matches!(read(inner), Err(ReportError::Invalid(_))), "{inner}");
        }
    }
}
