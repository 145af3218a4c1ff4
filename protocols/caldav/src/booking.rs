//! A room's answer to a recurring booking instance by instance: the instances that conflict
//! with the room's other bookings become overrides of the organizer's copy in which the room
//! has declined ([`decline_instances`]), and the room's own copy leaves out every instance it
//! declined ([`without_declined`]), so that its calendar shows it busy only when it is.
//!
//! Overrides are written as [`crate::compose`] writes them: a RECURRENCE-ID in the form of the
//! series' DTSTART, the series' other properties copied, DTSTART and DTEND at the instance.

use calcard::icalendar::{
    ICalendarComponent, ICalendarComponentType, ICalendarEntry, ICalendarParameter, ICalendarParameterName,
    ICalendarParameterValue, ICalendarParticipationStatus, ICalendarProperty,
};

use crate::compose::{ComposeError, address_of, entries, finish, occurrence_line, parse, series};
use crate::ical::ParsedObject;
use crate::ical::values::when_of;
use crate::time::FloatingZone;

fn is_declined_by(e: &ICalendarEntry, attendee: &str) -> bool {
    e.name == ICalendarProperty::Attendee
        && address_of(e).is_some_and(|a| a == attendee)
        && e.parameter(&ICalendarParameterName::Partstat)
            .and_then(ICalendarParameterValue::as_text)
            .is_some_and(|p| p.eq_ignore_ascii_case("DECLINED"))
}

fn decline(comp: &mut ICalendarComponent, attendee: &str) {
    for e in &mut comp.entries {
        if e.name == ICalendarProperty::Attendee && address_of(e).is_some_and(|a| a == attendee) {
            e.params.retain(|p| p.name != ICalendarParameterName::Partstat);
            e.params.push(ICalendarParameter::new(
                ICalendarParameterName::Partstat,
                ICalendarParameterValue::from(ICalendarParticipationStatus::Declined),
            ));
        }
    }
}

/// The organizer's copy `existing` with `attendee` (an address, lower case, no scheme) declined
/// in the instances that start at `instances` (Unix seconds): an existing override of one is
/// changed, any other instance gets one.
pub fn decline_instances(
    existing: &[u8],
    attendee: &str,
    instances: &[i64],
    floating: &FloatingZone,
) -> Result<String, ComposeError> {
    let obj = parse(existing)?;
    let s = series(&obj, floating)?;
    let master = obj.component(s.master).ok_or(ComposeError::NoEvent)?;
    let start = s.start.map(|w| w.utc(floating.tz())).ok_or(ComposeError::NoEvent)?;
    let length = master
        .property(&ICalendarProperty::Dtend)
        .and_then(|e| when_of(e, &obj.zones))
        .map(|w| w.utc(floating.tz()) - start);
    let kept: Vec<ICalendarEntry> = master
        .entries
        .iter()
        .filter(|e| {
            !matches!(
                e.name,
                ICalendarProperty::Rrule
                    | ICalendarProperty::Rdate
                    | ICalendarProperty::Exdate
                    | ICalendarProperty::Dtstart
                    | ICalendarProperty::Dtend
                    | ICalendarProperty::RecurrenceId
            )
        })
        .cloned()
        .collect();
    let mut lines_of = Vec::new();
    for &at in instances {
        if s.overrides.iter().any(|(_, rid)| *rid == at) {
            continue;
        }
        let mut lines = vec![
            occurrence_line("RECURRENCE-ID", &s, at, floating),
            occurrence_line("DTSTART", &s, at, floating),
        ];
        if let Some(len) = length {
            lines.push(occurrence_line("DTEND", &s, at + len, floating));
        }
        lines_of.push(lines);
    }
    let ParsedObject { mut cal, .. } = obj;
    for (id, rid) in &s.overrides {
        if instances.contains(rid)
            && let Some(comp) = cal.components.get_mut(*id as usize)
        {
            decline(comp, attendee);
        }
    }
    for lines in lines_of {
        let mut comp = ICalendarComponent {
            component_type: ICalendarComponentType::VEvent,
            entries: kept.clone(),
            component_ids: Vec::new(),
        };
        comp.entries.extend(entries(&lines)?);
        decline(&mut comp, attendee);
        let id = u32::try_from(cal.components.len()).map_err(|_| ComposeError::NoEvent)?;
        cal.components.push(comp);
        if let Some(root) = cal.components.first_mut() {
            root.component_ids.push(id);
        }
    }
    Ok(finish(cal))
}

/// A room's copy without the instances it declined: their overrides removed and an EXDATE for
/// each on the series.
pub fn without_declined(existing: &[u8], attendee: &str, floating: &FloatingZone) -> Result<String, ComposeError> {
    let obj = parse(existing)?;
    let s = series(&obj, floating)?;
    let declined: Vec<(u32, i64)> = s
        .overrides
        .iter()
        .filter(|(id, _)| {
            obj.component(*id)
                .is_some_and(|c| c.entries.iter().any(|e| is_declined_by(e, attendee)))
        })
        .copied()
        .collect();
    if declined.is_empty() {
        return Ok(String::from_utf8_lossy(existing).into_owned());
    }
    let exdates: Vec<String> = declined
        .iter()
        .map(|(_, at)| occurrence_line("EXDATE", &s, *at, floating))
        .collect();
    let exdates = entries(&exdates)?;
    let ParsedObject { mut cal, .. } = obj;
    if let Some(master) = cal.components.get_mut(s.master as usize) {
        master.entries.extend(exdates);
    }
    let ids: Vec<u32> = declined.iter().map(|(id, _)| *id).collect();
    cal.remove_component_ids(&ids);
    Ok(finish(cal))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{TimeRange, occurrences, parse_utc};

    const WEEKLY: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:w\r\n\
DTSTAMP:20300101T000000Z\r\nDTSTART:20300304T100000Z\r\nDTEND:20300304T110000Z\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\n\
SUMMARY:Weekly\r\nORGANIZER:mailto:alice@example.test\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.test\r\n\
ATTENDEE;CUTYPE=ROOM;PARTSTAT=ACCEPTED:mailto:room@example.test\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    fn starts(text: &str) -> Vec<String> {
        let range = TimeRange::new(parse_utc("20300101T000000Z"), parse_utc("20310101T000000Z")).unwrap();
        occurrences([text.as_bytes()], &range, &FloatingZone::utc())
            .into_iter()
            .map(|o| crate::format_utc(o.start))
            .collect()
    }

    #[test]
    fn declined_instances_become_overrides_and_leave_the_rooms_copy() {
        let utc = FloatingZone::utc();
        let second = parse_utc("20300311T100000Z").unwrap();
        let text = decline_instances(WEEKLY.as_bytes(), "room@example.test", &[second], &utc).unwrap();
        let limits = crate::Limits::DEFAULT;
        crate::validate_object(text.as_bytes(), &[crate::ComponentKind::Event], &limits).unwrap();
        assert!(text.contains("RECURRENCE-ID:20300311T100000Z"), "{text}");
        assert_eq!(text.matches("PARTSTAT=DECLINED").count(), 1, "{text}");
        assert_eq!(starts(&text).len(), 4, "the organizer keeps every instance");
        // Declining again is the same.
        let again = decline_instances(text.as_bytes(), "room@example.test", &[second], &utc).unwrap();
        assert_eq!(again.matches("BEGIN:VEVENT").count(), 2, "{again}");
        // The room's copy has the three it accepted.
        let room = without_declined(text.as_bytes(), "room@example.test", &utc).unwrap();
        assert_eq!(
            starts(&room),
            ["20300304T100000Z", "20300318T100000Z", "20300325T100000Z"],
            "{room}"
        );
        // Someone else's copy is untouched.
        assert_eq!(
            without_declined(WEEKLY.as_bytes(), "room@example.test", &utc).unwrap(),
            WEEKLY
        );
        assert!(decline_instances(b"garbage", "room@example.test", &[second], &utc).is_err());
    }
}
