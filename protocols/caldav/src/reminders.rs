//! Alarms due in a window (RFC 5545 §3.6.6 VALARM, any ACTION), for a server that mails
//! reminders: each trigger of each alarm of each instance (recurrences expanded, overrides
//! honoured) that falls in `(from, to]`, with what a reminder says.

use calcard::icalendar::{ICalendarComponentType, ICalendarProperty};

use crate::extent::{alarm_reach, instance_times, trigger_times};
use crate::ical::ParsedObject;
use crate::ical::values::entry_text;
use crate::recur::instances;
use crate::time::FloatingZone;

/// One reminder to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueAlarm {
    /// When it triggers (Unix seconds).
    pub at: i64,
    /// The start of the instance it is for.
    pub starts: Option<i64>,
    /// The alarm's place among its parent's alarms (with `at` and `starts`, what makes it one).
    pub alarm: usize,
    pub summary: Option<String>,
    pub location: Option<String>,
}

/// The alarms of the object `data` that trigger in `(from, to]`.
pub fn alarms_due(data: &[u8], from: i64, to: i64, floating: &FloatingZone) -> Vec<DueAlarm> {
    let Ok(obj) = ParsedObject::parse(data) else {
        return Vec::new();
    };
    let tz = floating.tz();
    let reach = obj
        .cal
        .components
        .iter()
        .filter(|c| c.component_type == ICalendarComponentType::VAlarm)
        .map(alarm_reach)
        .max();
    let Some(reach) = reach else {
        return Vec::new();
    };
    let set = instances(&obj, tz, to.saturating_add(reach).saturating_add(1));
    let mut out = Vec::new();
    for inst in &set.list {
        let Some(comp) = obj.component(inst.comp) else {
            continue;
        };
        let times = instance_times(&obj, comp, inst, tz);
        let text = |name: ICalendarProperty| comp.property(&name).map(entry_text).filter(|t| !t.is_empty());
        let alarms = obj
            .children(inst.comp)
            .filter(|(_, a)| a.component_type == ICalendarComponentType::VAlarm);
        for (n, (_, alarm)) in alarms.enumerate() {
            for at in trigger_times(&obj, alarm, &times, tz) {
                if at > from && at <= to {
                    out.push(DueAlarm {
                        at,
                        starts: times.start,
                        alarm: n,
                        summary: text(ICalendarProperty::Summary),
                        location: text(ICalendarProperty::Location),
                    });
                }
            }
        }
    }
    out.sort_by_key(|a| (a.at, a.alarm));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse_utc;

    const DAILY: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:d\r\n\
DTSTAMP:20300101T000000Z\r\nDTSTART:20300304T100000Z\r\nDTEND:20300304T110000Z\r\nRRULE:FREQ=DAILY;COUNT=3\r\n\
SUMMARY:Stand-up\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n\
BEGIN:VALARM\r\nACTION:EMAIL\r\nSUMMARY:s\r\nDESCRIPTION:x\r\nATTENDEE:mailto:a@x\r\nTRIGGER;RELATED=END:PT0S\r\n\
END:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    #[test]
    fn alarms_of_each_instance_in_the_window() {
        let utc = FloatingZone::utc();
        let t = |s: &str| parse_utc(s).unwrap();
        // The second day, 09:30 to 11:00: its 09:45 alarm and its 11:00 one.
        let due = alarms_due(DAILY.as_bytes(), t("20300305T093000Z"), t("20300305T110000Z"), &utc);
        let got: Vec<(i64, usize)> = due.iter().map(|a| (a.at, a.alarm)).collect();
        assert_eq!(got, [(t("20300305T094500Z"), 0), (t("20300305T110000Z"), 1)]);
        assert_eq!(due[0].summary.as_deref(), Some("Stand-up"));
        assert_eq!(due[0].starts, Some(t("20300305T100000Z")));
        // The window is open at its start.
        assert!(alarms_due(DAILY.as_bytes(), t("20300305T094500Z"), t("20300305T095000Z"), &utc).is_empty());
        // None after the last day; nothing from what is not iCalendar.
        assert!(alarms_due(DAILY.as_bytes(), t("20300307T000000Z"), t("20300310T000000Z"), &utc).is_empty());
        assert!(alarms_due(b"garbage", 0, i64::MAX, &utc).is_empty());
    }
}
