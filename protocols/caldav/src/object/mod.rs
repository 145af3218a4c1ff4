//! Calendar object resources: validation on PUT/COPY/MOVE and the facts
//! the server stores alongside the bytes (UID, kind, time index, …).

mod error;
mod index;
mod ooo;
mod rules;

pub use error::ObjectError;
pub use index::TimeIndex;
pub(crate) use ooo::is_out_of_office as is_out_of_office_component;

use calcard::icalendar::{ICalendarClassification, ICalendarComponent, ICalendarProperty, ICalendarValue};

use crate::component::ComponentKind;
use crate::ical::ParsedObject;
use crate::ical::values::entry_text;
use crate::limits::Limits;

/// What the server stores about a valid calendar object resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarObject {
    /// The UID shared by all components (unique per collection, §4.1).
    pub uid: String,
    /// The component kind.
    pub kind: ComponentKind,
    /// Time-range pre-filter.
    pub index: TimeIndex,
    /// SUMMARY of the master (or first) component.
    pub summary: Option<String>,
    /// An absence for the absence chart: an opaque VEVENT marked out of
    /// office (CATEGORIES "Out of office"/"OOF", `X-PORTICO-OOF:TRUE`, or
    /// Outlook's `X-MICROSOFT-CDO-BUSYSTATUS:OOF`).
    pub is_out_of_office: bool,
    /// CLASS is PRIVATE, CONFIDENTIAL or unknown (RFC 5545 §3.8.1.3):
    /// non-owners get [`crate::Reduction::BusyOnly`].
    pub is_private: bool,
    /// Has RRULE or RDATE, or overrides.
    pub is_recurring: bool,
    /// ORGANIZER calendar address (for scheduling, RFC 6638).
    pub organizer: Option<String>,
    /// ATTENDEE calendar addresses, in order, without duplicates.
    pub attendees: Vec<String>,
}

/// Validates a PUT/COPY/MOVE body for a calendar collection whose
/// `supported-calendar-component-set` is `allowed` (empty: no restriction,
/// RFC 4791 §5.2.3) and whose limits are `limits`, and extracts what the
/// server stores. The size limit is the caller's: it reads the body.
pub fn validate_object(
    bytes: &[u8],
    allowed: &[ComponentKind],
    limits: &Limits,
) -> Result<CalendarObject, ObjectError> {
    let obj = ParsedObject::parse(bytes)?;
    let (kind, uid) = rules::check(&obj, allowed, limits)?;
    let components: Vec<&ICalendarComponent> = obj
        .top_level()
        .filter(|(_, c)| ComponentKind::of(&c.component_type).is_some())
        .map(|(_, c)| c)
        .collect();
    let main = components
        .iter()
        .find(|c| !c.has_property(&ICalendarProperty::RecurrenceId))
        .or(components.first())
        .copied();
    let text = |name: ICalendarProperty| main.and_then(|c| c.property(&name)).map(entry_text);
    let mut attendees: Vec<String> = Vec::new();
    for entry in main.iter().flat_map(|c| c.properties(&ICalendarProperty::Attendee)) {
        let address = entry_text(entry);
        if !attendees.contains(&address) {
            attendees.push(address);
        }
    }
    Ok(CalendarObject {
        uid,
        kind,
        index: TimeIndex::compute(&obj),
        summary: text(ICalendarProperty::Summary),
        is_out_of_office: kind == ComponentKind::Event && main.is_some_and(ooo::is_out_of_office),
        is_private: components.iter().any(|c| is_private_component(c)),
        is_recurring: components.len() > 1
            || main.is_some_and(|c| {
                c.has_property(&ICalendarProperty::Rrule) || c.has_property(&ICalendarProperty::Rdate)
            }),
        organizer: text(ICalendarProperty::Organizer),
        attendees,
    })
}

/// CLASS other than PUBLIC: RFC 5545 §3.8.1.3 says unknown values are
/// treated as PRIVATE.
pub(crate) fn is_private_component(comp: &ICalendarComponent) -> bool {
    comp.properties(&ICalendarProperty::Class).any(|e| {
        !matches!(
            e.values.first(),
            Some(ICalendarValue::Classification(ICalendarClassification::Public)) | None
        )
    })
}

#[cfg(test)]
mod tests;
