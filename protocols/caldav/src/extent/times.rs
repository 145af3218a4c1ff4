//! The effective start and end of one instance: DTSTART moved to the
//! instance, and DTEND/DUE moved with it (exact duration, RFC 5545
//! §3.8.5.3) or DTSTART + DURATION (nominal days, §3.3.6).

use calcard::common::timezone::Tz;
use calcard::icalendar::{ICalendarComponent, ICalendarComponentType, ICalendarProperty};

use crate::ical::ParsedObject;
use crate::ical::values::{PeriodEnd, span_prop, when_prop};
use crate::recur::Instance;
use crate::time::When;

/// Start and end of an instance in Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Times {
    pub(crate) start: Option<i64>,
    /// VEVENT: DTEND, DTSTART + DURATION, or the RFC 5545 default (one day
    /// for a DATE, zero otherwise). VTODO: DUE or DTSTART + DURATION.
    /// VJOURNAL: like a VEVENT without DTEND.
    pub(crate) end: Option<i64>,
}

/// The times of `instance`, whose component is `comp`.
pub(crate) fn instance_times(
    obj: &ParsedObject,
    comp: &ICalendarComponent,
    instance: &Instance,
    floating: Tz,
) -> Times {
    let start = instance.start.map(|s| s.utc(floating));
    let own_start = when_prop(comp, &ICalendarProperty::Dtstart, &obj.zones);
    let moved = |name: &ICalendarProperty| {
        when_prop(comp, name, &obj.zones).map(|v| shifted(&v, own_start.as_ref(), instance.start.as_ref(), floating))
    };
    let period_end = instance.period_end.and_then(|end| {
        let start = instance.start?;
        Some(match end {
            PeriodEnd::At(w) => w.utc(floating),
            PeriodEnd::After(span) => span.after(&start, floating),
        })
    });
    let by_duration = || {
        let start = instance.start?;
        span_prop(comp, &ICalendarProperty::Duration).map(|span| span.after(&start, floating))
    };
    let end = match comp.component_type {
        ICalendarComponentType::VEvent => period_end
            .or_else(|| moved(&ICalendarProperty::Dtend))
            .or_else(by_duration)
            .or_else(|| default_end(instance.start.as_ref(), floating)),
        ICalendarComponentType::VTodo => period_end
            .or_else(|| moved(&ICalendarProperty::Due))
            .or_else(by_duration),
        _ => default_end(instance.start.as_ref(), floating),
    };
    Times { start, end }
}

/// RFC 5545 §3.6.1: a DATE start lasts one day, a DATE-TIME start none.
fn default_end(start: Option<&When>, floating: Tz) -> Option<i64> {
    let start = start?;
    Some(if start.is_date() {
        start.add(1, 0, floating)
    } else {
        start.utc(floating)
    })
}

/// `value` moved by the distance from the component's DTSTART to the
/// instance start: on the wall clock for floating values, exactly otherwise.
pub(crate) fn shifted(value: &When, own_start: Option<&When>, instance_start: Option<&When>, floating: Tz) -> i64 {
    let (Some(base), Some(to)) = (own_start, instance_start) else {
        return value.utc(floating);
    };
    if base == to {
        return value.utc(floating);
    }
    if value.is_floating() {
        value.moved_by(to.naive() - base.naive()).utc(floating)
    } else {
        value
            .utc(floating)
            .saturating_add(to.utc(floating).saturating_sub(base.utc(floating)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recur::instances;
    use crate::time::{format_utc, parse_utc};

    fn times_of(body: &str) -> Vec<(String, String)> {
        let text = format!("BEGIN:VCALENDAR\r\n{body}END:VCALENDAR\r\n");
        let obj = ParsedObject::parse(text.as_bytes()).unwrap();
        instances(&obj, Tz::UTC, i64::MAX)
            .list
            .iter()
            .map(|i| {
                let comp = obj.component(i.comp).unwrap();
                let t = instance_times(&obj, comp, i, Tz::UTC);
                (
                    t.start.map(format_utc).unwrap_or_default(),
                    t.end.map(format_utc).unwrap_or_default(),
                )
            })
            .collect()
    }

    fn pair(a: &str, b: &str) -> (String, String) {
        (a.to_owned(), b.to_owned())
    }

    #[test]
    fn event_ends() {
        assert_eq!(
            times_of("BEGIN:VEVENT\r\nDTSTART:20260105T090000Z\r\nDTEND:20260105T100000Z\r\nEND:VEVENT\r\n"),
            vec![pair("20260105T090000Z", "20260105T100000Z")]
        );
        assert_eq!(
            times_of("BEGIN:VEVENT\r\nDTSTART:20260105T090000Z\r\nDURATION:PT30M\r\nEND:VEVENT\r\n"),
            vec![pair("20260105T090000Z", "20260105T093000Z")]
        );
        assert_eq!(
            times_of("BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260105\r\nEND:VEVENT\r\n"),
            vec![pair("20260105T000000Z", "20260106T000000Z")]
        );
        assert_eq!(
            times_of("BEGIN:VEVENT\r\nDTSTART:20260105T090000Z\r\nEND:VEVENT\r\n"),
            vec![pair("20260105T090000Z", "20260105T090000Z")]
        );
    }

    #[test]
    fn recurring_ends_move_with_the_instance() {
        let got = times_of(
            "BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Europe/Berlin:20260326T090000\r\nDTEND;TZID=Europe/Berlin:20260326T100000\r\nRRULE:FREQ=DAILY;COUNT=4\r\nEND:VEVENT\r\n",
        );
        // Across the switch to summer time on the 29th the local time stays 09:00.
        assert_eq!(got[3], pair("20260329T070000Z", "20260329T080000Z"));
        let got = times_of(
            "BEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:20260105\r\nDTEND;VALUE=DATE:20260107\r\nRRULE:FREQ=WEEKLY;COUNT=2\r\nEND:VEVENT\r\n",
        );
        assert_eq!(got[1], pair("20260112T000000Z", "20260114T000000Z"));
    }

    #[test]
    fn todo_due_and_rdate_period() {
        assert_eq!(
            times_of("BEGIN:VTODO\r\nDTSTART:20260105T090000Z\r\nDUE:20260106T090000Z\r\nEND:VTODO\r\n"),
            vec![pair("20260105T090000Z", "20260106T090000Z")]
        );
        assert_eq!(
            times_of("BEGIN:VTODO\r\nDUE:20260106T090000Z\r\nEND:VTODO\r\n"),
            vec![pair("", "20260106T090000Z")]
        );
        let got = times_of(
            "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260105T090000Z\r\nDURATION:PT1H\r\nRDATE;VALUE=PERIOD:20260107T090000Z/PT3H\r\nEND:VEVENT\r\n",
        );
        assert_eq!(got[1], pair("20260107T090000Z", "20260107T120000Z"));
        assert!(parse_utc("20260107T120000Z").is_some());
    }
}
