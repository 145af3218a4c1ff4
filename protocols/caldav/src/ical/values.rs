//! Typed access to calcard property values: dates, durations, the text a
//! text-match compares against, and name comparisons.

use calcard::common::PartialDateTime;
use calcard::common::timezone::Tz;
use calcard::icalendar::{
    ICalendarComponent, ICalendarDuration, ICalendarEntry, ICalendarParameterValue, ICalendarPeriod, ICalendarProperty,
    ICalendarValue, ICalendarValueType,
};
use chrono::TimeDelta;

use crate::time::{When, ZoneTable};

/// The first property of this name.
pub(crate) fn prop<'a>(comp: &'a ICalendarComponent, name: &ICalendarProperty) -> Option<&'a ICalendarEntry> {
    comp.property(name)
}

/// The `TZID` parameter of a property.
pub(crate) fn tzid(entry: &ICalendarEntry) -> Option<&str> {
    entry.tz_id()
}

/// A date or date-time value; unknown `TZID`s read as floating.
pub(crate) fn to_when(p: &PartialDateTime, tzid: Option<&str>, zones: &ZoneTable) -> Option<When> {
    let dt = p.to_date_time()?;
    if !p.has_time() {
        return Some(When::Date(dt.date_time.date()));
    }
    if let Some(offset) = dt.offset {
        let utc = dt
            .date_time
            .checked_sub_signed(TimeDelta::seconds(i64::from(offset.local_minus_utc())))?;
        return Some(When::Utc(utc));
    }
    Some(match tzid.and_then(|id| zones.lookup(id)) {
        Some(tz) => When::Zoned(dt.date_time, tz),
        None => When::Floating(dt.date_time),
    })
}

/// The first value of a date or date-time property.
pub(crate) fn when_of(entry: &ICalendarEntry, zones: &ZoneTable) -> Option<When> {
    entry
        .values
        .first()
        .and_then(ICalendarValue::as_partial_date_time)
        .and_then(|p| to_when(p, tzid(entry), zones))
}

/// The date or date-time value of the first property of this name.
pub(crate) fn when_prop(comp: &ICalendarComponent, name: &ICalendarProperty, zones: &ZoneTable) -> Option<When> {
    prop(comp, name).and_then(|e| when_of(e, zones))
}

/// Every date/date-time value of every property of this name (RDATE,
/// EXDATE), and the periods among them as `(start, end)`.
pub(crate) fn whens_and_periods(
    comp: &ICalendarComponent,
    name: &ICalendarProperty,
    zones: &ZoneTable,
) -> (Vec<When>, Vec<(When, PeriodEnd)>) {
    let mut whens = Vec::new();
    let mut periods = Vec::new();
    for entry in comp.properties(name) {
        let id = tzid(entry);
        for value in &entry.values {
            match value {
                ICalendarValue::PartialDateTime(p) => whens.extend(to_when(p, id, zones)),
                ICalendarValue::Period(ICalendarPeriod::Range { start, end }) => {
                    if let (Some(s), Some(e)) = (to_when(start, id, zones), to_when(end, id, zones)) {
                        periods.push((s, PeriodEnd::At(e)));
                    }
                }
                ICalendarValue::Period(ICalendarPeriod::Duration { start, duration }) => {
                    if let Some(s) = to_when(start, id, zones) {
                        periods.push((s, PeriodEnd::After(Span::of(duration))));
                    }
                }
                _ => {}
            }
        }
    }
    (whens, periods)
}

/// How a PERIOD value ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum PeriodEnd {
    At(When),
    After(Span),
}

/// A DURATION split the RFC 5545 §3.3.6 way: days and weeks are nominal
/// (they follow the wall clock), hours, minutes and seconds are exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Span {
    pub(crate) days: i64,
    pub(crate) seconds: i64,
}

impl Span {
    pub(crate) fn of(d: &ICalendarDuration) -> Self {
        let sign = if d.neg { -1 } else { 1 };
        Self {
            days: sign * (i64::from(d.weeks) * 7 + i64::from(d.days)),
            seconds: sign * (i64::from(d.hours) * 3600 + i64::from(d.minutes) * 60 + i64::from(d.seconds)),
        }
    }

    /// Approximate length in seconds (a day counted as 86 400 s).
    pub(crate) fn approx_seconds(&self) -> i64 {
        self.days.saturating_mul(86_400).saturating_add(self.seconds)
    }

    /// The instant `self` after `from`.
    pub(crate) fn after(&self, from: &When, floating: Tz) -> i64 {
        from.add(self.days, self.seconds, floating)
    }
}

/// The DURATION value of the first property of this name.
pub(crate) fn span_prop(comp: &ICalendarComponent, name: &ICalendarProperty) -> Option<Span> {
    prop(comp, name).and_then(|e| match e.values.first() {
        Some(ICalendarValue::Duration(d)) => Some(Span::of(d)),
        _ => None,
    })
}

/// Case-insensitive comparison of an iCalendar name with a query name.
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

/// The value of a property as text, for `text-match`: TEXT values
/// unescaped, several values joined with commas, other types in their
/// iCalendar form.
pub(crate) fn entry_text(entry: &ICalendarEntry) -> String {
    let mut out = String::new();
    for (i, value) in entry.values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_value(&mut out, value);
    }
    out
}

fn push_value(out: &mut String, value: &ICalendarValue) {
    use std::fmt::Write;
    let _ = match value {
        ICalendarValue::PartialDateTime(p) => {
            let kind = if p.has_time() {
                ICalendarValueType::DateTime
            } else {
                ICalendarValueType::Date
            };
            p.format_as_ical(out, &kind)
        }
        ICalendarValue::Duration(d) => write!(out, "{d}"),
        ICalendarValue::RecurrenceRule(r) => write!(out, "{r}"),
        ICalendarValue::Period(p) => write!(out, "{p}"),
        ICalendarValue::Integer(i) => write!(out, "{i}"),
        ICalendarValue::Float(f) => write!(out, "{f}"),
        ICalendarValue::Boolean(b) => write!(out, "{}", if *b { "TRUE" } else { "FALSE" }),
        ICalendarValue::Binary(_) => Ok(()),
        other => {
            out.push_str(other.as_text().unwrap_or_default());
            Ok(())
        }
    };
}

/// A parameter value as text, for `text-match` in a `param-filter`.
pub(crate) fn param_text(value: &ICalendarParameterValue) -> String {
    match value {
        ICalendarParameterValue::Integer(i) => i.to_string(),
        ICalendarParameterValue::Duration(d) => d.to_string(),
        other => other.as_text().unwrap_or_default().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calcard::icalendar::ICalendar;

    fn first_event(body: &str) -> ICalendar {
        let text = format!("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n{body}END:VEVENT\r\nEND:VCALENDAR\r\n");
        ICalendar::parse(text).unwrap()
    }

    #[test]
    fn date_forms() {
        let cal = first_event(
            "DTSTART;TZID=Europe/Berlin:20260105T090000\r\nDTEND:20260105T100000Z\r\nDUE;VALUE=DATE:20260106\r\nCREATED:20260105T090000\r\nCOMPLETED:20260105T090000+0100\r\nLAST-MODIFIED;TZID=Nowhere:20260105T090000\r\n",
        );
        let zones = ZoneTable::build(&cal);
        let ev = &cal.components[1];
        let w = |p| when_prop(ev, &p, &zones).unwrap();
        assert!(matches!(w(ICalendarProperty::Dtstart), When::Zoned(..)));
        assert!(matches!(w(ICalendarProperty::Dtend), When::Utc(_)));
        assert!(matches!(w(ICalendarProperty::Due), When::Date(_)));
        assert!(matches!(w(ICalendarProperty::Created), When::Floating(_)));
        assert_eq!(
            w(ICalendarProperty::Completed),
            w(ICalendarProperty::Dtend).with_naive(w(ICalendarProperty::Dtend).naive() - TimeDelta::hours(2))
        );
        assert!(matches!(w(ICalendarProperty::LastModified), When::Floating(_)));
    }

    #[test]
    fn spans_split_nominal_and_exact() {
        let cal = first_event("DURATION:-P1W2DT3H4M5S\r\n");
        let span = span_prop(&cal.components[1], &ICalendarProperty::Duration).unwrap();
        assert_eq!(
            span,
            Span {
                days: -9,
                seconds: -(3 * 3600 + 4 * 60 + 5)
            }
        );
        assert_eq!(span.approx_seconds(), -(9 * 86400 + 3 * 3600 + 4 * 60 + 5));
    }

    #[test]
    fn rdate_values_and_periods() {
        let cal = first_event(
            "RDATE:20260105T090000Z,20260106T090000Z\r\nRDATE;VALUE=PERIOD:20260107T090000Z/20260107T100000Z,20260108T090000Z/PT1H\r\nRDATE;VALUE=DATE:20260109\r\n",
        );
        let zones = ZoneTable::build(&cal);
        let (whens, periods) = whens_and_periods(&cal.components[1], &ICalendarProperty::Rdate, &zones);
        assert_eq!(whens.len(), 3);
        assert_eq!(periods.len(), 2);
        assert!(matches!(
            periods[1].1,
            PeriodEnd::After(Span { days: 0, seconds: 3600 })
        ));
    }

    #[test]
    fn text_of_values() {
        let cal = first_event(
            "SUMMARY:a\\, b\r\nCATEGORIES:Work,Out of office\r\nATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:lisa@example.com\r\nPRIORITY:5\r\nDTSTART:20260105T090000Z\r\nSEQUENCE;X-A=1:2\r\n",
        );
        let ev = &cal.components[1];
        let text = |p| entry_text(prop(ev, &p).unwrap());
        assert_eq!(text(ICalendarProperty::Summary), "a, b");
        assert_eq!(text(ICalendarProperty::Categories), "Work,Out of office");
        assert_eq!(text(ICalendarProperty::Attendee), "mailto:lisa@example.com");
        assert_eq!(text(ICalendarProperty::Priority), "5");
        assert_eq!(text(ICalendarProperty::Dtstart), "20260105T090000Z");
        let attendee = prop(ev, &ICalendarProperty::Attendee).unwrap();
        assert_eq!(param_text(&attendee.params[0].value), "NEEDS-ACTION");
        assert!(same_name("x-Foo", "X-FOO"));
    }
}
