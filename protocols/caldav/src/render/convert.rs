//! Rewrites date values for expanded output (RFC 4791 §9.6.5): zoned
//! times become UTC and lose their TZID; dates and floating times stay.

use calcard::icalendar::{
    ICalendarComponent, ICalendarEntry, ICalendarParameter, ICalendarParameterName, ICalendarParameterValue,
    ICalendarPeriod, ICalendarValue, ICalendarValueType,
};

use crate::ical::values::to_when;
use crate::time::{When, ZoneTable};

/// Converts every zoned value of the component's properties to UTC.
pub(crate) fn zones_to_utc(comp: &mut ICalendarComponent, zones: &ZoneTable) {
    for entry in &mut comp.entries {
        let Some(tzid) = entry.tz_id().map(str::to_owned) else {
            continue;
        };
        for value in &mut entry.values {
            match value {
                ICalendarValue::PartialDateTime(p) if p.has_time() => {
                    if let Some(w) = to_when(p, Some(&tzid), zones) {
                        **p = w.to_output().to_partial();
                    }
                }
                ICalendarValue::Period(ICalendarPeriod::Range { start, end }) => {
                    for p in [start, end] {
                        if let Some(w) = to_when(p, Some(&tzid), zones) {
                            *p = w.to_output().to_partial();
                        }
                    }
                }
                ICalendarValue::Period(ICalendarPeriod::Duration { start, .. }) => {
                    if let Some(w) = to_when(start, Some(&tzid), zones) {
                        *start = w.to_output().to_partial();
                    }
                }
                _ => {}
            }
        }
        entry.params.retain(|p| p.name != ICalendarParameterName::Tzid);
    }
}

/// Replaces the value of a date property, fixing `TZID` and `VALUE`.
pub(crate) fn set_when(entry: &mut ICalendarEntry, when: When) {
    let when = when.to_output();
    entry.values = vec![ICalendarValue::PartialDateTime(Box::new(when.to_partial()))];
    entry
        .params
        .retain(|p| !matches!(p.name, ICalendarParameterName::Tzid | ICalendarParameterName::Value));
    if when.is_date() {
        entry.params.push(ICalendarParameter {
            name: ICalendarParameterName::Value,
            value: ICalendarParameterValue::Value(ICalendarValueType::Date),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calcard::icalendar::ICalendar;

    #[test]
    fn zoned_values_become_utc() {
        let mut cal = ICalendar::parse(
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;TZID=Europe/Berlin:20260105T090000\r\nDTEND;VALUE=DATE:20260106\r\nRDATE;TZID=Europe/Berlin;VALUE=PERIOD:20260107T090000/20260107T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        )
        .unwrap();
        let zones = ZoneTable::build(&cal);
        zones_to_utc(&mut cal.components[1], &zones);
        let out = cal.to_string();
        assert!(out.contains("DTSTART:20260105T080000Z\r\n"), "{out}");
        assert!(out.contains("DTEND;VALUE=DATE:20260106\r\n"), "{out}");
        assert!(
            out.contains("RDATE;VALUE=PERIOD:20260107T080000Z/20260107T090000Z\r\n"),
            "{out}"
        );
    }

    #[test]
    fn set_when_handles_dates() {
        let mut cal = ICalendar::parse(
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;TZID=Europe/Berlin:20260105T090000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        )
        .unwrap();
        let day = When::Date(chrono::NaiveDate::from_ymd_opt(2026, 1, 7).unwrap());
        set_when(&mut cal.components[1].entries[0], day);
        assert!(cal.to_string().contains("DTSTART;VALUE=DATE:20260107\r\n"));
    }
}
