//! Calendar subscriptions: the objects of a calendar merged into one
//! iCalendar file, as Outlook "Internet Calendars" and webcal clients
//! fetch it (one VCALENDAR, RFC 5545 §3.4; the calendar's name in the
//! de-facto `X-WR-CALNAME`).

use std::collections::HashSet;

use calcard::common::CalendarScale;
use calcard::icalendar::{
    ICalendar, ICalendarComponent, ICalendarComponentType, ICalendarEntry, ICalendarProperty, ICalendarValue,
};

use crate::ical::parsed::parse_calendar;
use crate::render::Builder;
use crate::time::tzid;

/// The `PRODID` of a merged feed.
const PRODID: &str = "-//Portico//Feed//EN";

/// One VCALENDAR (VERSION 2.0, PRODID `-//Portico//Feed//EN`, `X-WR-CALNAME` when a name
/// is given, CALSCALE:GREGORIAN) holding every VEVENT, VTODO and VJOURNAL
/// of `objects` with their sub-components (VALARMs…), preceded by each
/// VTIMEZONE once: zones are told apart by TZID and the first definition
/// wins. Everything else under the objects' VCALENDARs (their properties,
/// METHOD included, VFREEBUSY, X- components) is left out, and objects
/// that do not parse are skipped. The text is written by calcard: CRLF
/// line ends, long lines folded, text values escaped.
pub fn merge_objects<'a>(objects: impl IntoIterator<Item = &'a [u8]>, calendar_name: Option<&str>) -> String {
    let calendars: Vec<ICalendar> = objects.into_iter().filter_map(|o| parse_calendar(o).ok()).collect();
    let mut out = Builder::new(header(calendar_name));
    let mut seen_zones = HashSet::new();
    for cal in &calendars {
        for (id, comp) in top_level(cal) {
            if comp.component_type == ICalendarComponentType::VTimezone
                && tzid(comp).is_some_and(|id| seen_zones.insert(id))
            {
                out.copy_tree(cal, id, 0, &mut |_| {});
            }
        }
    }
    for cal in &calendars {
        for (id, comp) in top_level(cal) {
            if matches!(
                comp.component_type,
                ICalendarComponentType::VEvent | ICalendarComponentType::VTodo | ICalendarComponentType::VJournal
            ) {
                out.copy_tree(cal, id, 0, &mut |_| {});
            }
        }
    }
    out.finish().to_string()
}

fn header(calendar_name: Option<&str>) -> Vec<ICalendarEntry> {
    let text = |s: &str| ICalendarValue::Text(s.to_owned());
    let mut entries = vec![
        ICalendarEntry::new(ICalendarProperty::Version).with_value(text("2.0")),
        ICalendarEntry::new(ICalendarProperty::Prodid).with_value(text(PRODID)),
    ];
    if let Some(name) = calendar_name {
        entries.push(ICalendarEntry::new(ICalendarProperty::Other("X-WR-CALNAME".into())).with_value(text(name)));
    }
    entries.push(
        ICalendarEntry::new(ICalendarProperty::Calscale)
            .with_value(ICalendarValue::CalendarScale(CalendarScale::Gregorian)),
    );
    entries
}

/// The components directly under a parsed calendar's VCALENDAR.
fn top_level(cal: &ICalendar) -> impl Iterator<Item = (u32, &ICalendarComponent)> {
    cal.components
        .first()
        .map_or(&[][..], |root| root.component_ids.as_slice())
        .iter()
        .filter_map(|&id| cal.component_by_id(id).map(|c| (id, c)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{self, APPLE_EVENT, OUTLOOK_EVENT};
    use crate::ical::ParsedObject;
    use crate::{FloatingZone, TimeRange, free_busy, parse_utc, validate_object};

    const EMPTY: &str =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Portico//Feed//EN\r\nCALSCALE:GREGORIAN\r\nEND:VCALENDAR\r\n";

    fn merge(objects: &[&str], name: Option<&str>) -> String {
        merge_objects(objects.iter().map(|o| o.as_bytes()), name)
    }

    /// Output a strict reader takes: CRLF only, lines of at most 75 octets
    /// (RFC 5545 §3.1), one well-formed VCALENDAR.
    fn assert_well_formed(out: &str) {
        assert!(out.ends_with("\r\n"), "{out}");
        for line in out.split_terminator("\r\n") {
            assert!(!line.contains(['\r', '\n']), "bare line break in {line:?}");
            assert!(line.len() <= 75, "unfolded line ({} octets): {line:?}", line.len());
        }
        assert!(ParsedObject::parse(out.as_bytes()).is_ok(), "{out}");
    }

    #[test]
    fn objects_sharing_a_zone_carry_it_once() {
        let weekly = fixtures::weekly_with_exceptions();
        let out = merge(&[&fixtures::thunderbird_event(), &weekly, OUTLOOK_EVENT], Some("Team"));
        assert_well_formed(&out);
        assert_eq!(out.matches("BEGIN:VTIMEZONE\r\n").count(), 2, "{out}");
        assert_eq!(out.matches("TZID:Europe/Berlin\r\n").count(), 1, "{out}");
        assert_eq!(out.matches("TZID:W. Europe Standard Time\r\n").count(), 1, "{out}");
        assert_eq!(out.matches("BEGIN:VEVENT\r\n").count(), 4, "{out}");
        assert_eq!(
            out.matches("BEGIN:VALARM\r\n").count(),
            3,
            "alarms stay with their events: {out}"
        );
        for uid in [
            "UID:5b1d7a7e-3c1f-4f7e-9a55-2f0c2f9a1e11",
            "UID:weekly-1@example.com",
            "UID:040000008200E00074C5B7101A82E00800000000B0A3B8A1F37EDC01",
        ] {
            assert!(out.contains(uid), "{uid} missing: {out}");
        }
        // Zones come before the components that use them, and the source
        // objects' own VCALENDAR properties do not leak in.
        let last_zone = out.rfind("END:VTIMEZONE").unwrap();
        assert!(last_zone < out.find("BEGIN:VEVENT").unwrap(), "{out}");
        assert!(out.starts_with(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Portico//Feed//EN\r\nX-WR-CALNAME:Team\r\nCALSCALE:GREGORIAN\r\n"
        ));
        assert_eq!(out.matches("PRODID:").count(), 1, "{out}");
    }

    #[test]
    fn the_first_zone_definition_wins() {
        let first = fixtures::thunderbird_event();
        let second = fixtures::weekly_with_exceptions().replace("[2024a]", "[2099z]");
        let out = merge(&[&first, &second], None);
        assert!(
            out.contains("X-TZINFO:Europe/Berlin[2024a]") && !out.contains("[2099z]"),
            "{out}"
        );
        let out = merge(&[&second, &first], None);
        assert!(
            out.contains("X-TZINFO:Europe/Berlin[2099z]") && !out.contains("[2024a]"),
            "{out}"
        );
    }

    #[test]
    fn a_recurring_event_with_an_override_stays_intact() {
        let weekly = fixtures::weekly_with_exceptions();
        let out = merge(&[&weekly], Some("Jour fixe"));
        assert_well_formed(&out);
        assert_eq!(out.matches("BEGIN:VEVENT\r\n").count(), 2, "{out}");
        for line in [
            "DTSTART;TZID=Europe/Berlin:20260105T090000\r\n",
            "EXDATE;TZID=Europe/Berlin:20260112T090000\r\n",
            "RECURRENCE-ID;TZID=Europe/Berlin:20260119T090000\r\n",
            "DTSTART;TZID=Europe/Berlin:20260121T140000\r\n",
            "SUMMARY:Jour fixe (verschoben)\r\n",
        ] {
            assert!(out.contains(line), "{line:?} missing: {out}");
        }
        let event = &out[out.find("BEGIN:VEVENT").unwrap()..];
        let rrule = event.lines().find(|l| l.starts_with("RRULE:")).expect("RRULE kept");
        for part in ["FREQ=WEEKLY", "COUNT=10", "BYDAY=MO"] {
            assert!(rrule.contains(part), "{rrule}");
        }
        // The same instances: the free/busy of the merged file equals the
        // original's (the 12th excluded, the 19th moved to the 21st).
        let range = TimeRange::new(parse_utc("20260101T000000Z"), parse_utc("20260401T000000Z")).unwrap();
        let zone = FloatingZone::utc();
        assert_eq!(
            free_busy([out.as_bytes()], &range, &zone, 0),
            free_busy([weekly.as_bytes()], &range, &zone, 0)
        );
        let merged = validate_object(out.as_bytes(), &[], &crate::Limits::default()).unwrap();
        let original = validate_object(weekly.as_bytes(), &[], &crate::Limits::default()).unwrap();
        assert_eq!((merged.uid, merged.index), (original.uid, original.index));
    }

    #[test]
    fn tasks_and_journals_are_kept_and_other_components_dropped() {
        let appendix = fixtures::appendix_b();
        let mut objects: Vec<&str> = appendix.iter().map(|(_, text)| text.as_str()).collect();
        let method = OUTLOOK_EVENT.replace("VERSION:2.0\r\n", "VERSION:2.0\r\nMETHOD:REQUEST\r\n");
        let journal = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VJOURNAL\r\nUID:j1\r\n\
DTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20260101\r\nSUMMARY:Notes\r\nEND:VJOURNAL\r\n\
BEGIN:X-PRIVATE\r\nX-NOTE:internal\r\nEND:X-PRIVATE\r\nEND:VCALENDAR\r\n";
        objects.extend([method.as_str(), journal]);
        let out = merge(&objects, None);
        assert_well_formed(&out);
        assert_eq!(out.matches("BEGIN:VEVENT\r\n").count(), 6, "{out}");
        assert_eq!(out.matches("BEGIN:VTODO\r\n").count(), 4, "{out}");
        assert_eq!(out.matches("BEGIN:VJOURNAL\r\n").count(), 1, "{out}");
        assert_eq!(out.matches("TZID:US/Eastern\r\n").count(), 1, "{out}");
        for dropped in ["VFREEBUSY", "METHOD", "X-PRIVATE", "internal", "X-WR-CALNAME"] {
            assert!(!out.contains(dropped), "{dropped} in {out}");
        }
        assert!(out.contains("BEGIN:VALARM\r\nACTION:AUDIO\r\nTRIGGER;RELATED=START:-PT10M\r\nEND:VALARM\r\n"));
    }

    #[test]
    fn unparseable_objects_are_skipped() {
        let apple = APPLE_EVENT;
        let truncated = &apple[..apple.len() / 2];
        let lf_only = fixtures::all_day_absence().replace("\r\n", "\n");
        let out = merge_objects(
            [
                &b"garbage"[..],
                b"",
                b"\xff\xfe",
                truncated.as_bytes(),
                b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:x\r\nEND:VCARD\r\n",
                apple.as_bytes(),
                lf_only.as_bytes(),
            ],
            Some("Mixed"),
        );
        assert_well_formed(&out);
        assert_eq!(out.matches("BEGIN:VEVENT\r\n").count(), 2, "{out}");
        assert!(out.contains("SUMMARY:Kaffee mit Lisa\r\n") && out.contains("SUMMARY:Urlaub\r\n"));
        assert!(!out.contains("VCARD") && !out.contains("garbage"));
    }

    #[test]
    fn no_objects_give_an_empty_calendar() {
        assert_eq!(merge(&[], None), EMPTY);
        assert_eq!(merge(&["garbage"], None), EMPTY);
        assert_well_formed(EMPTY);
    }

    #[test]
    fn the_calendar_name_is_escaped_and_folded() {
        let out = merge(&[], Some("Team, Q1; Plan\\Ops\nBerlin"));
        assert!(
            out.contains("X-WR-CALNAME:Team\\, Q1\\; Plan\\\\Ops\\nBerlin\r\n"),
            "{out}"
        );
        let long = "Geschäftsführung und Abteilungsleitungen – gemeinsamer Kalender für 2026";
        let out = merge(&[], Some(long));
        assert_well_formed(&out);
        let unfolded = out.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("X-WR-CALNAME:{long}\r\n")), "{out}");
        assert!(!merge(&[], None).contains("X-WR-CALNAME"));
    }
}
