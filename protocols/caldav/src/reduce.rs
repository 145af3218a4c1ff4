//! Portico's calendar privacy modes: what a colleague sees of an event in a
//! calendar shared as "busy/free only" or "busy/free and titles", and of
//! private events (CLASS:PRIVATE/CONFIDENTIAL) in any shared calendar.
//! Only time and status survive; everything personal is dropped.

use calcard::icalendar::{
    ICalendarComponent, ICalendarComponentType, ICalendarEntry, ICalendarProperty, ICalendarValue,
};

use crate::component::ComponentKind;
use crate::ical::ParsedObject;
use crate::object::{ObjectError, is_private_component};
use crate::render::Builder;

/// How much of an object a viewer may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reduction {
    /// Times and status only; SUMMARY becomes "Busy".
    BusyOnly,
    /// Times, status and the SUMMARY.
    Titles,
}

/// The SUMMARY shown for busy-only events.
pub const BUSY_SUMMARY: &str = "Busy";

/// Properties kept on calendar components (RFC 5545 names).
const KEPT: [ICalendarProperty; 14] = [
    ICalendarProperty::Uid,
    ICalendarProperty::Dtstamp,
    ICalendarProperty::Dtstart,
    ICalendarProperty::Dtend,
    ICalendarProperty::Duration,
    ICalendarProperty::Due,
    ICalendarProperty::Rrule,
    ICalendarProperty::Rdate,
    ICalendarProperty::Exdate,
    ICalendarProperty::RecurrenceId,
    ICalendarProperty::Transp,
    ICalendarProperty::Status,
    ICalendarProperty::Sequence,
    ICalendarProperty::Freebusy,
];

/// Properties kept on VCALENDAR.
const KEPT_ROOT: [ICalendarProperty; 3] = [
    ICalendarProperty::Version,
    ICalendarProperty::Prodid,
    ICalendarProperty::Calscale,
];

/// The object as a viewer with `reduction` may see it: VTIMEZONEs (without
/// X- properties) and the
/// times (UID, DTSTAMP, DTSTART/DTEND/DURATION/DUE, RRULE/RDATE/EXDATE,
/// RECURRENCE-ID, TRANSP, STATUS, SEQUENCE, FREEBUSY) of each VEVENT,
/// VTODO, VJOURNAL and VFREEBUSY; SUMMARY "Busy" or the original title.
/// Alarms, attendees, descriptions, locations, categories, attachments,
/// X- properties and unknown components are dropped.
pub fn reduce(object: &[u8], reduction: Reduction) -> Result<String, ObjectError> {
    let obj = ParsedObject::parse(object)?;
    let root = obj
        .root()
        .entries
        .iter()
        .filter(|e| KEPT_ROOT.contains(&e.name))
        .cloned()
        .collect();
    let mut out = Builder::new(root);
    for (id, comp) in obj.top_level() {
        if comp.component_type == ICalendarComponentType::VTimezone {
            out.copy_tree(&obj.cal, id, 0, &mut |c| c.entries.retain(|e| !is_extension(&e.name)));
        } else if ComponentKind::of(&comp.component_type).is_some() {
            out.add(0, reduced(comp, reduction));
        }
    }
    Ok(out.finish().to_string())
}

fn is_extension(name: &ICalendarProperty) -> bool {
    // `get`, not slicing: a name may start with a multi-byte character (the fuzz campaign found
    // a byte-order mark there).
    matches!(name, ICalendarProperty::Other(n) if n.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("X-")))
}

fn reduced(comp: &ICalendarComponent, reduction: Reduction) -> ICalendarComponent {
    let mut entries: Vec<ICalendarEntry> = comp
        .entries
        .iter()
        .filter(|e| KEPT.contains(&e.name))
        .cloned()
        .collect();
    let summary = match reduction {
        Reduction::BusyOnly => {
            Some(ICalendarEntry::new(ICalendarProperty::Summary).with_value(ICalendarValue::Text(BUSY_SUMMARY.into())))
        }
        Reduction::Titles => comp.property(&ICalendarProperty::Summary).map(|s| ICalendarEntry {
            name: ICalendarProperty::Summary,
            params: Vec::new(),
            values: s.values.clone(),
        }),
    };
    entries.extend(summary);
    ICalendarComponent {
        component_type: comp.component_type.clone(),
        entries,
        component_ids: Vec::new(),
    }
}

/// Whether any component is CLASS:PRIVATE, CONFIDENTIAL or an unknown
/// class (RFC 5545 §3.8.1.3). Unreadable data counts as private.
pub fn is_private(object: &[u8]) -> bool {
    ParsedObject::parse(object).map_or(true, |obj| obj.top_level().any(|(_, c)| is_private_component(c)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the fuzz campaign (fuzz/artifacts/icalendar/crash-6c55afbc…): a property of a
    /// VTIMEZONE whose name starts with a byte-order mark made the reduction slice inside it.
    #[test]
    fn a_property_name_starting_with_a_multibyte_character_does_not_panic() {
        let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//s//EN\r\nBEGIN:VTIMEZONE\r\nTZID:Custom\r\n\u{feff}X:1\r\n\
                    BEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n\
                    END:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20250101T000000Z\r\nDTSTART:20250101T100000Z\r\n\
                    END:VEVENT\r\nEND:VCALENDAR\r\n";
        let _ = reduce(text.as_bytes(), Reduction::BusyOnly);
        let crash = include_bytes!("../../../fuzz/regressions/icalendar-crash-6c55afbc.ics");
        let _ = reduce(crash, Reduction::BusyOnly);
        let _ = reduce(crash, Reduction::Titles);
    }
    use crate::fixtures::{self, APPLE_EVENT, OUTLOOK_EVENT};
    use crate::validate_object;

    const SECRETS: [&str; 14] = [
        "DESCRIPTION",
        "LOCATION",
        "ATTENDEE",
        "ORGANIZER",
        "VALARM",
        "ATTACH",
        "COMMENT",
        "CONTACT",
        "URL",
        "CATEGORIES",
        "X-",
        "Raum",
        "Café",
        "mailto:",
    ];

    #[test]
    fn busy_only_keeps_times_and_nothing_personal() {
        let out = reduce(fixtures::thunderbird_event().as_bytes(), Reduction::BusyOnly).unwrap();
        for secret in SECRETS {
            assert!(!out.contains(secret), "{secret} leaked: {out}");
        }
        assert!(out.contains("SUMMARY:Busy\r\n"));
        assert!(!out.contains("Projektbesprechung"));
        assert!(out.contains("DTSTART;TZID=Europe/Berlin:20260112T100000\r\n"));
        assert!(out.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"));
        assert!(out.contains("UID:5b1d7a7e-3c1f-4f7e-9a55-2f0c2f9a1e11"));
        assert!(out.contains("TRANSP:OPAQUE"));
        let reparsed = validate_object(out.as_bytes(), &[], &crate::Limits::default()).unwrap();
        let original =
            validate_object(fixtures::thunderbird_event().as_bytes(), &[], &crate::Limits::default()).unwrap();
        // Same time span, minus the alarm.
        assert_eq!(reparsed.index.end, original.index.end);
    }

    #[test]
    fn titles_keep_the_summary_only() {
        let out = reduce(OUTLOOK_EVENT.as_bytes(), Reduction::Titles).unwrap();
        assert!(out.contains("SUMMARY:Quartalsplanung\r\n"), "{out}");
        for secret in SECRETS {
            assert!(!out.contains(secret), "{secret} leaked: {out}");
        }
        let untitled = fixtures::todo("DUE:20260110T120000Z\r\n");
        let out = reduce(untitled.as_bytes(), Reduction::Titles).unwrap();
        assert!(!out.contains("SUMMARY") && out.contains("DUE:20260110T120000Z"));
    }

    #[test]
    fn every_sample_and_every_component_is_reduced() {
        for sample in fixtures::all_samples() {
            for mode in [Reduction::BusyOnly, Reduction::Titles] {
                let out = reduce(sample.as_bytes(), mode).unwrap();
                for secret in SECRETS {
                    assert!(!out.contains(secret), "{secret} leaked: {out}");
                }
                assert!(
                    validate_object(out.as_bytes(), &[], &crate::Limits::default()).is_ok(),
                    "{out}"
                );
            }
        }
        let weekly = reduce(fixtures::weekly_with_exceptions().as_bytes(), Reduction::BusyOnly).unwrap();
        assert_eq!(weekly.matches("SUMMARY:Busy").count(), 2);
        assert!(weekly.contains("RECURRENCE-ID;TZID=Europe/Berlin:20260119T090000"));
        assert!(weekly.contains("EXDATE;TZID=Europe/Berlin:20260112T090000"));
        let apple = reduce(APPLE_EVENT.as_bytes(), Reduction::Titles).unwrap();
        assert!(apple.contains("SUMMARY:Kaffee mit Lisa") && apple.contains("CALSCALE:GREGORIAN"));
    }

    #[test]
    fn unknown_components_are_dropped_and_garbage_refused() {
        let text = fixtures::thunderbird_event().replace(
            "END:VCALENDAR",
            "BEGIN:X-SECRET\r\nX-NOTE:confidential\r\nEND:X-SECRET\r\nEND:VCALENDAR",
        );
        let out = reduce(text.as_bytes(), Reduction::Titles).unwrap();
        assert!(!out.contains("confidential"));
        assert!(reduce(b"garbage", Reduction::BusyOnly).is_err());
    }

    #[test]
    fn private_classes() {
        let event = fixtures::thunderbird_event();
        assert!(!is_private(event.as_bytes()));
        assert!(is_private(event.replace("CLASS:PUBLIC", "CLASS:PRIVATE").as_bytes()));
        assert!(is_private(
            event.replace("CLASS:PUBLIC", "CLASS:CONFIDENTIAL").as_bytes()
        ));
        assert!(is_private(
            event.replace("CLASS:PUBLIC", "CLASS:X-OWNER-ONLY").as_bytes()
        ));
        assert!(!is_private(event.replace("CLASS:PUBLIC\r\n", "").as_bytes()));
        // A private override makes the object private.
        let weekly = fixtures::weekly_with_exceptions().replace("SEQUENCE:1", "SEQUENCE:1\r\nCLASS:PRIVATE");
        assert!(is_private(weekly.as_bytes()));
        assert!(is_private(b"unreadable"));
    }
}
