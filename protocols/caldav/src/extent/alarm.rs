//! VALARM trigger times (RFC 5545 §3.8.6.3, RFC 4791 §9.9): relative to
//! the start or end of each instance of the parent, or absolute, plus the
//! REPEAT/DURATION repetitions.

use calcard::common::timezone::Tz;
use calcard::icalendar::{
    ICalendarComponent, ICalendarParameterName, ICalendarParameterValue, ICalendarProperty, ICalendarRelated,
    ICalendarValue,
};

use crate::extent::Times;
use crate::ical::ParsedObject;
use crate::ical::values::{Span, span_prop, to_when, tzid};

/// Most repetitions considered per alarm.
const MAX_REPEAT: i64 = 1000;

/// Every trigger time of `alarm` for a parent instance with `times`.
pub(crate) fn trigger_times(obj: &ParsedObject, alarm: &ICalendarComponent, times: &Times, floating: Tz) -> Vec<i64> {
    let Some(entry) = alarm.property(&ICalendarProperty::Trigger) else {
        return Vec::new();
    };
    let first = match entry.values.first() {
        Some(ICalendarValue::Duration(d)) => {
            let to_end = matches!(
                entry.parameter(&ICalendarParameterName::Related),
                Some(ICalendarParameterValue::Related(ICalendarRelated::End))
            );
            // A VTODO may lack DTSTART (use DUE) or DUE (use DTSTART).
            let anchor = if to_end {
                times.end.or(times.start)
            } else {
                times.start.or(times.end)
            };
            anchor.map(|a| a.saturating_add(Span::of(d).approx_seconds()))
        }
        Some(ICalendarValue::PartialDateTime(p)) => to_when(p, tzid(entry), &obj.zones).map(|w| w.utc(floating)),
        _ => None,
    };
    let Some(first) = first else {
        return Vec::new();
    };
    let repeat = alarm
        .property(&ICalendarProperty::Repeat)
        .and_then(|e| e.values.first())
        .and_then(ICalendarValue::as_integer)
        .unwrap_or(0)
        .clamp(0, MAX_REPEAT);
    let step = span_prop(alarm, &ICalendarProperty::Duration).map_or(0, |s| s.approx_seconds());
    let mut out = vec![first];
    if step != 0 {
        out.extend((1..=repeat).map(|k| first.saturating_add(step.saturating_mul(k))));
    }
    out
}

/// The largest distance between a trigger and its anchor, for widening
/// the instance window when alarms are queried.
pub(crate) fn alarm_reach(alarm: &ICalendarComponent) -> i64 {
    let offset = alarm
        .property(&ICalendarProperty::Trigger)
        .and_then(|e| match e.values.first() {
            Some(ICalendarValue::Duration(d)) => Some(Span::of(d).approx_seconds().saturating_abs()),
            _ => None,
        })
        .unwrap_or(0);
    let repeat = alarm
        .property(&ICalendarProperty::Repeat)
        .and_then(|e| e.values.first())
        .and_then(ICalendarValue::as_integer)
        .unwrap_or(0)
        .clamp(0, MAX_REPEAT);
    let step = span_prop(alarm, &ICalendarProperty::Duration).map_or(0, |s| s.approx_seconds().saturating_abs());
    offset.saturating_add(step.saturating_mul(repeat))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{format_utc, parse_utc};

    fn triggers(alarm: &str, times: Times) -> Vec<String> {
        let text = format!(
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nBEGIN:VALARM\r\n{alarm}END:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        );
        let obj = ParsedObject::parse(text.as_bytes()).unwrap();
        let alarm = obj.component(2).unwrap();
        trigger_times(&obj, alarm, &times, Tz::UTC)
            .into_iter()
            .map(format_utc)
            .collect()
    }

    fn times() -> Times {
        Times {
            start: parse_utc("20260105T090000Z"),
            end: parse_utc("20260105T100000Z"),
        }
    }

    #[test]
    fn relative_to_start_and_end() {
        assert_eq!(triggers("TRIGGER:-PT15M\r\n", times()), vec!["20260105T084500Z"]);
        assert_eq!(
            triggers("TRIGGER;RELATED=START:-PT15M\r\n", times()),
            vec!["20260105T084500Z"]
        );
        assert_eq!(
            triggers("TRIGGER;RELATED=END:PT5M\r\n", times()),
            vec!["20260105T100500Z"]
        );
    }

    #[test]
    fn absolute_and_repeated() {
        assert_eq!(
            triggers("TRIGGER;VALUE=DATE-TIME:20260101T080000Z\r\n", times()),
            vec!["20260101T080000Z"]
        );
        assert_eq!(
            triggers("TRIGGER:-PT30M\r\nREPEAT:2\r\nDURATION:PT10M\r\n", times()),
            vec!["20260105T083000Z", "20260105T084000Z", "20260105T085000Z"]
        );
        assert_eq!(
            triggers("TRIGGER:-PT30M\r\nREPEAT:999999999\r\nDURATION:PT1S\r\n", times()).len(),
            1001
        );
    }

    #[test]
    fn missing_anchor_falls_back_and_missing_trigger_is_empty() {
        let due_only = Times {
            start: None,
            end: parse_utc("20260105T100000Z"),
        };
        assert_eq!(triggers("TRIGGER:-PT10M\r\n", due_only), vec!["20260105T095000Z"]);
        assert!(triggers("ACTION:DISPLAY\r\n", times()).is_empty());
        assert!(triggers("TRIGGER:-PT10M\r\n", Times::default()).is_empty());
    }

    #[test]
    fn reach_covers_offset_and_repeats() {
        let text = "BEGIN:VCALENDAR\r\nBEGIN:VALARM\r\nTRIGGER:-PT30M\r\nREPEAT:2\r\nDURATION:PT10M\r\nEND:VALARM\r\nEND:VCALENDAR\r\n";
        let obj = ParsedObject::parse(text.as_bytes()).unwrap();
        assert_eq!(alarm_reach(obj.component(1).unwrap()), 30 * 60 + 20 * 60);
    }
}
