//! A parsed calendar object: calcard's tree plus the zone table, with
//! navigation helpers used by matching, indexing and rendering.

use calcard::icalendar::{ICalendar, ICalendarComponent, ICalendarComponentType};

use crate::ical::structure::check_structure;
use crate::object::ObjectError;
use crate::time::ZoneTable;

/// One iCalendar object, parsed once and queried many times.
#[derive(Debug)]
pub struct ParsedObject {
    pub(crate) cal: ICalendar,
    pub(crate) zones: ZoneTable,
}

impl ParsedObject {
    /// Parses stored or submitted bytes. Only the syntax is checked here;
    /// [`crate::validate_object`] applies the CalDAV rules.
    pub fn parse(bytes: &[u8]) -> Result<Self, ObjectError> {
        let cal = parse_calendar(bytes)?;
        let zones = ZoneTable::build(&cal);
        Ok(Self { cal, zones })
    }

    /// The VCALENDAR component.
    pub(crate) fn root(&self) -> &ICalendarComponent {
        &self.cal.components[0]
    }

    /// A component by id.
    pub(crate) fn component(&self, id: u32) -> Option<&ICalendarComponent> {
        self.cal.component_by_id(id)
    }

    /// The sub-components of a component, with their ids.
    pub(crate) fn children(&self, id: u32) -> impl Iterator<Item = (u32, &ICalendarComponent)> {
        self.component(id)
            .map_or(&[][..], |c| c.component_ids.as_slice())
            .iter()
            .filter_map(|&child| self.component(child).map(|c| (child, c)))
    }

    /// The components directly under VCALENDAR, with their ids.
    pub(crate) fn top_level(&self) -> impl Iterator<Item = (u32, &ICalendarComponent)> {
        self.children(0)
    }
}

/// Parses bytes into calcard's tree after the structure check; component 0
/// is the VCALENDAR.
pub(crate) fn parse_calendar(bytes: &[u8]) -> Result<ICalendar, ObjectError> {
    let text = check_structure(bytes).map_err(|e| ObjectError::Malformed(e.to_string()))?;
    let cal = ICalendar::parse(text).map_err(|_| ObjectError::Malformed("not an iCalendar object".into()))?;
    if cal.components.first().map(|c| &c.component_type) != Some(&ICalendarComponentType::VCalendar) {
        return Err(ObjectError::Malformed("the object is not a VCALENDAR".into()));
    }
    Ok(cal)
}

/// Whether a component can carry a recurrence set (RFC 5545 §3.8.5).
pub(crate) fn is_recurrable(kind: &ICalendarComponentType) -> bool {
    matches!(
        kind,
        ICalendarComponentType::VEvent | ICalendarComponentType::VTodo | ICalendarComponentType::VJournal
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_navigates() {
        let obj = ParsedObject::parse(
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nBEGIN:VALARM\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        )
        .unwrap();
        let top: Vec<_> = obj.top_level().map(|(id, c)| (id, c.component_type.clone())).collect();
        assert_eq!(top, vec![(1, ICalendarComponentType::VEvent)]);
        assert_eq!(obj.children(1).count(), 1);
        assert_eq!(obj.children(99).count(), 0);
        assert!(is_recurrable(&ICalendarComponentType::VTodo));
        assert!(!is_recurrable(&ICalendarComponentType::VFreebusy));
    }

    #[test]
    fn rejects_non_calendars() {
        assert!(ParsedObject::parse(b"").is_err());
        assert!(ParsedObject::parse(b"BEGIN:VCARD\r\nEND:VCARD\r\n").is_err());
        assert!(ParsedObject::parse(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n").is_err());
    }
}
