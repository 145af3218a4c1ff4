//! Occurrences of events in a time range, as a calendar page lists them (the web UI's day,
//! week and month views, and the absence chart): every recurrence expanded, overrides and
//! EXDATEs applied, each occurrence with its own start and end.

use calcard::icalendar::{ICalendarComponentType, ICalendarProperty, ICalendarStatus};

use crate::extent::instance_times;
use crate::ical::ParsedObject;
use crate::ical::values::entry_text;
use crate::object::{is_out_of_office_component, is_private_component};
use crate::recur::instances;
use crate::time::{FloatingZone, TimeRange, When};

/// One occurrence of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    pub uid: String,
    /// `[start, end)` in Unix seconds. All-day events are floating dates, placed in the
    /// zone the caller gave.
    pub start: i64,
    pub end: i64,
    pub all_day: bool,
    pub summary: Option<String>,
    pub location: Option<String>,
    pub description: Option<String>,
    /// The slot it fills in its recurrence set (RECURRENCE-ID in Unix seconds), for an
    /// occurrence of a recurring event.
    pub recurrence_id: Option<i64>,
    /// CLASS other than PUBLIC.
    pub private: bool,
    pub tentative: bool,
    pub out_of_office: bool,
}

/// The occurrences of the VEVENTs in `objects` that overlap `range`, sorted by start;
/// cancelled ones are left out, and objects that do not parse are skipped.
pub fn occurrences<'a>(
    objects: impl IntoIterator<Item = &'a [u8]>,
    range: &TimeRange,
    zone: &FloatingZone,
) -> Vec<Occurrence> {
    let floating = zone.tz();
    let mut out = Vec::new();
    for bytes in objects {
        let Ok(obj) = ParsedObject::parse(bytes) else {
            continue;
        };
        for instance in instances(&obj, floating, range.end).list {
            let Some(comp) = obj.component(instance.comp) else {
                continue;
            };
            if comp.component_type != ICalendarComponentType::VEvent
                || comp.status() == Some(&ICalendarStatus::Cancelled)
            {
                continue;
            }
            let times = instance_times(&obj, comp, &instance, floating);
            let (Some(start), Some(end)) = (times.start, times.end) else {
                continue;
            };
            // A zero-length event still shows at its instant.
            let overlaps = start < range.end && (end > range.start || (start == end && start >= range.start));
            if !overlaps {
                continue;
            }
            let text = |name: ICalendarProperty| comp.property(&name).map(entry_text).filter(|t| !t.is_empty());
            out.push(Occurrence {
                uid: comp.uid().unwrap_or_default().to_owned(),
                start,
                end,
                all_day: matches!(instance.start, Some(When::Date(_))),
                summary: text(ICalendarProperty::Summary),
                location: text(ICalendarProperty::Location),
                description: text(ICalendarProperty::Description),
                recurrence_id: instance.rid.map(|r| r.utc(floating)),
                private: is_private_component(comp),
                tentative: comp.status() == Some(&ICalendarStatus::Tentative),
                out_of_office: is_out_of_office_component(comp),
            });
        }
    }
    out.sort_by(|a, b| (a.start, a.end, &a.uid).cmp(&(b.start, b.end, &b.uid)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_utc;

    fn range(start: &str, end: &str) -> TimeRange {
        TimeRange::new(parse_utc(start), parse_utc(end)).unwrap()
    }

    const WEEKLY: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:w1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20261102T090000Z\r\nDTEND:20261102T100000Z\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\nEXDATE:20261109T090000Z\r\nSUMMARY:Stand-up\r\nLOCATION:Room 1\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:w1\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID:20261116T090000Z\r\nDTSTART:20261116T140000Z\r\nDTEND:20261116T150000Z\r\nSUMMARY:Stand-up (moved)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    const ALL_DAY: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:a1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20261104\r\nDTEND;VALUE=DATE:20261106\r\nSUMMARY:Away\r\nCATEGORIES:Out of office\r\nCLASS:PRIVATE\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    const CANCELLED: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:c1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20261103T090000Z\r\nDTEND:20261103T100000Z\r\nSTATUS:CANCELLED\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

    #[test]
    fn recurrences_are_expanded_with_exceptions_and_overrides() {
        let got = occurrences(
            [WEEKLY.as_bytes()],
            &range("20261101T000000Z", "20261201T000000Z"),
            &FloatingZone::utc(),
        );
        let seen: Vec<_> = got
            .iter()
            .map(|o| {
                (
                    crate::format_utc(o.start),
                    o.summary.clone().unwrap(),
                    o.recurrence_id.map(crate::format_utc),
                )
            })
            .collect();
        assert_eq!(
            seen,
            vec![
                (
                    "20261102T090000Z".into(),
                    "Stand-up".into(),
                    Some("20261102T090000Z".into())
                ),
                (
                    "20261116T140000Z".into(),
                    "Stand-up (moved)".into(),
                    Some("20261116T090000Z".into())
                ),
                (
                    "20261123T090000Z".into(),
                    "Stand-up".into(),
                    Some("20261123T090000Z".into())
                ),
            ]
        );
        assert_eq!(got[0].end - got[0].start, 3600);
        assert_eq!(got[0].location.as_deref(), Some("Room 1"));
        assert!(!got[0].all_day && !got[0].private);
    }

    #[test]
    fn only_the_range_is_listed() {
        let got = occurrences(
            [WEEKLY.as_bytes()],
            &range("20261116T000000Z", "20261117T000000Z"),
            &FloatingZone::utc(),
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].summary.as_deref(), Some("Stand-up (moved)"));
    }

    #[test]
    fn all_day_events_are_dates_in_the_given_zone() {
        let zone = FloatingZone::from_id("Europe/Moscow").unwrap();
        let got = occurrences(
            [ALL_DAY.as_bytes()],
            &range("20261101T000000Z", "20261201T000000Z"),
            &zone,
        );
        assert_eq!(got.len(), 1);
        let o = &got[0];
        assert!(o.all_day && o.private && o.out_of_office);
        // Midnight in Moscow is 21:00 UTC the day before; two whole days.
        assert_eq!(crate::format_utc(o.start), "20261103T210000Z");
        assert_eq!(o.end - o.start, 2 * 86_400);
    }

    #[test]
    fn an_unbounded_range_lists_a_single_event() {
        let got = occurrences(
            [CANCELLED.replace("STATUS:CANCELLED\r\n", "").as_bytes()],
            &TimeRange::unbounded(),
            &FloatingZone::utc(),
        );
        assert_eq!(got.len(), 1, "{got:?}");
    }

    #[test]
    fn cancelled_and_unreadable_objects_are_left_out() {
        let got = occurrences(
            [CANCELLED.as_bytes(), b"not a calendar".as_slice()],
            &range("20261101T000000Z", "20261201T000000Z"),
            &FloatingZone::utc(),
        );
        assert!(got.is_empty());
    }
}
