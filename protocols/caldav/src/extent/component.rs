//! The component rows of RFC 4791 §9.9: VEVENT, VTODO, VJOURNAL and
//! VFREEBUSY, each turned into the extents one instance covers.

use calcard::common::timezone::Tz;
use calcard::icalendar::{
    ICalendarComponent, ICalendarComponentType, ICalendarPeriod, ICalendarProperty, ICalendarValue,
};

use crate::extent::{Extent, instance_times};
use crate::ical::ParsedObject;
use crate::ical::values::{Span, span_prop, to_when, tzid, when_prop};
use crate::recur::Instance;

/// The extents of one instance; empty when the component can never match
/// a time range (RFC 4791 §9.9 "FALSE" rows).
pub(crate) fn extents(obj: &ParsedObject, comp: &ICalendarComponent, instance: &Instance, floating: Tz) -> Vec<Extent> {
    let times = instance_times(obj, comp, instance, floating);
    match comp.component_type {
        ICalendarComponentType::VEvent | ICalendarComponentType::VJournal => match (times.start, times.end) {
            (Some(s), Some(e)) => vec![Extent::interval(s, e)],
            _ => Vec::new(),
        },
        ICalendarComponentType::VTodo => vec![todo(obj, comp, times.start, times.end, floating)],
        ICalendarComponentType::VFreebusy => freebusy(obj, comp, floating),
        _ => Vec::new(),
    }
}

/// The VTODO table, row by row.
fn todo(obj: &ParsedObject, comp: &ICalendarComponent, start: Option<i64>, due: Option<i64>, floating: Tz) -> Extent {
    let has_duration = span_prop(comp, &ICalendarProperty::Duration).is_some();
    let has_due = comp.has_property(&ICalendarProperty::Due);
    let at = |name| when_prop(comp, &name, &obj.zones).map(|w| w.utc(floating));
    match (start, due) {
        // DTSTART + DURATION: (start <= E) AND ((end > S) OR (end >= E)).
        (Some(s), Some(e)) if has_duration && !has_due => Extent {
            lo: s.min(e),
            lo_incl: e <= s,
            hi: e,
            hi_incl: true,
        },
        // DTSTART + DUE: ((start < DUE) OR (start <= S)) AND ((end > S) OR (end >= DUE)).
        (Some(s), Some(due)) => Extent {
            lo: if due > s { s } else { due },
            lo_incl: due <= s,
            hi: if s < due { due } else { s },
            hi_incl: s >= due,
        },
        (Some(s), None) => Extent::point(s),
        // DUE only: (start < DUE) AND (end >= DUE).
        (None, Some(due)) => Extent {
            lo: due,
            lo_incl: true,
            hi: due,
            hi_incl: false,
        },
        (None, None) => match (at(ICalendarProperty::Completed), at(ICalendarProperty::Created)) {
            (Some(done), Some(made)) => Extent {
                lo: done.min(made),
                lo_incl: true,
                hi: done.max(made),
                hi_incl: true,
            },
            (Some(done), None) => Extent {
                lo: done,
                lo_incl: true,
                hi: done,
                hi_incl: true,
            },
            (None, Some(made)) => Extent {
                lo: made,
                lo_incl: false,
                hi: i64::MAX,
                hi_incl: true,
            },
            (None, None) => Extent::always(),
        },
    }
}

/// The VFREEBUSY table: DTSTART/DTEND, else each FREEBUSY period.
fn freebusy(obj: &ParsedObject, comp: &ICalendarComponent, floating: Tz) -> Vec<Extent> {
    let at = |name| when_prop(comp, &name, &obj.zones).map(|w| w.utc(floating));
    if let (Some(s), Some(e)) = (at(ICalendarProperty::Dtstart), at(ICalendarProperty::Dtend)) {
        return vec![Extent {
            lo: s,
            lo_incl: false,
            hi: e,
            hi_incl: true,
        }];
    }
    freebusy_periods(obj, comp, floating)
        .into_iter()
        .map(|(s, e, _)| Extent::interval(s, e))
        .collect()
}

/// Every FREEBUSY period as `(start, end, FBTYPE)`.
pub(crate) fn freebusy_periods(obj: &ParsedObject, comp: &ICalendarComponent, floating: Tz) -> Vec<(i64, i64, String)> {
    let mut out = Vec::new();
    for entry in comp.properties(&ICalendarProperty::Freebusy) {
        let fbtype = entry
            .parameter(&calcard::icalendar::ICalendarParameterName::Fbtype)
            .and_then(|v| v.as_text())
            .unwrap_or("BUSY")
            .to_ascii_uppercase();
        for value in &entry.values {
            let ICalendarValue::Period(period) = value else {
                continue;
            };
            let period = match period {
                ICalendarPeriod::Range { start, end } => to_when(start, tzid(entry), &obj.zones)
                    .zip(to_when(end, tzid(entry), &obj.zones))
                    .map(|(s, e)| (s.utc(floating), e.utc(floating))),
                ICalendarPeriod::Duration { start, duration } => to_when(start, tzid(entry), &obj.zones)
                    .map(|s| (s.utc(floating), Span::of(duration).after(&s, floating))),
            };
            if let Some((s, e)) = period {
                out.push((s, e, fbtype.clone()));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recur::instances;
    use crate::time::{TimeRange, parse_utc};

    fn matches(component: &str, start: &str, end: &str) -> bool {
        let text = format!("BEGIN:VCALENDAR\r\n{component}END:VCALENDAR\r\n");
        let obj = ParsedObject::parse(text.as_bytes()).unwrap();
        let range = TimeRange::new(parse_utc(start), parse_utc(end)).unwrap();
        let (_, comp) = obj.top_level().next().unwrap();
        let list = if comp.component_type == ICalendarComponentType::VFreebusy {
            vec![Instance {
                comp: 1,
                start: None,
                rid: None,
                period_end: None,
            }]
        } else {
            instances(&obj, Tz::UTC, i64::MAX).list
        };
        list.iter().any(|i| {
            let comp = obj.component(i.comp).unwrap();
            extents(&obj, comp, i, Tz::UTC).iter().any(|e| e.overlaps(&range))
        })
    }

    const D: &str = "20260105T090000Z";

    fn todo(props: &str) -> String {
        format!("BEGIN:VTODO\r\nUID:t\r\n{props}END:VTODO\r\n")
    }

    #[test]
    fn vtodo_dtstart_duration_row() {
        let t = todo("DTSTART:20260105T090000Z\r\nDURATION:PT1H\r\n");
        assert!(matches(&t, "20260105T095959Z", "20260106T000000Z"));
        assert!(
            matches(&t, "20260105T100000Z", "20260106T000000Z"),
            "start <= DTSTART+DURATION"
        );
        assert!(!matches(&t, "20260105T100001Z", "20260106T000000Z"));
        assert!(!matches(&t, "20260105T000000Z", D), "end > DTSTART");
    }

    #[test]
    fn vtodo_dtstart_due_row() {
        let t = todo("DTSTART:20260105T090000Z\r\nDUE:20260105T100000Z\r\n");
        assert!(matches(&t, "20260105T000000Z", "20260105T090001Z"));
        assert!(!matches(&t, "20260105T000000Z", D));
        assert!(!matches(&t, "20260105T100000Z", "20260106T000000Z"), "start < DUE");
        assert!(matches(&t, "20260105T095959Z", "20260106T000000Z"));
    }

    #[test]
    fn vtodo_dtstart_only_row() {
        let t = todo("DTSTART:20260105T090000Z\r\n");
        assert!(matches(&t, D, "20260105T090001Z"));
        assert!(!matches(&t, "20260105T000000Z", D));
        assert!(!matches(&t, "20260105T090001Z", "20260106T000000Z"));
    }

    #[test]
    fn vtodo_due_only_row() {
        let t = todo("DUE:20260105T090000Z\r\n");
        assert!(matches(&t, "20260105T000000Z", D), "end >= DUE");
        assert!(!matches(&t, D, "20260106T000000Z"), "start < DUE");
        assert!(!matches(&t, "20260105T000000Z", "20260105T085959Z"));
    }

    #[test]
    fn vtodo_completed_and_created_rows() {
        let both = todo("CREATED:20260101T000000Z\r\nCOMPLETED:20260105T090000Z\r\n");
        assert!(matches(&both, D, "20260106T000000Z"));
        assert!(matches(&both, "20251201T000000Z", "20260101T000000Z"));
        assert!(!matches(&both, "20260105T090001Z", "20260106T000000Z"));
        assert!(!matches(&both, "20251201T000000Z", "20251231T235959Z"));
        let completed = todo("COMPLETED:20260105T090000Z\r\n");
        assert!(matches(&completed, D, "20260106T000000Z"));
        assert!(matches(&completed, "20260101T000000Z", D));
        assert!(!matches(&completed, "20260105T090001Z", "20260106T000000Z"));
        let created = todo("CREATED:20260105T090000Z\r\n");
        assert!(matches(&created, "20300101T000000Z", "20300102T000000Z"));
        assert!(!matches(&created, "20260101T000000Z", D), "end > CREATED");
    }

    #[test]
    fn vtodo_without_dates_matches_everything() {
        assert!(matches(&todo(""), "19700101T000000Z", "19700102T000000Z"));
    }

    #[test]
    fn vjournal_rows() {
        let dt = "BEGIN:VJOURNAL\r\nUID:j\r\nDTSTART:20260105T090000Z\r\nEND:VJOURNAL\r\n";
        assert!(matches(dt, D, "20260105T090001Z"));
        assert!(!matches(dt, "20260105T000000Z", D));
        let date = "BEGIN:VJOURNAL\r\nUID:j\r\nDTSTART;VALUE=DATE:20260105\r\nEND:VJOURNAL\r\n";
        assert!(matches(date, "20260105T235959Z", "20260107T000000Z"));
        assert!(!matches(date, "20260106T000000Z", "20260107T000000Z"));
        let none = "BEGIN:VJOURNAL\r\nUID:j\r\nEND:VJOURNAL\r\n";
        assert!(!matches(none, "19700101T000000Z", "20990101T000000Z"));
    }

    #[test]
    fn vfreebusy_rows() {
        let span =
            "BEGIN:VFREEBUSY\r\nUID:f\r\nDTSTART:20260105T000000Z\r\nDTEND:20260106T000000Z\r\nEND:VFREEBUSY\r\n";
        assert!(matches(span, "20260106T000000Z", "20260107T000000Z"), "start <= DTEND");
        assert!(!matches(span, "20260104T000000Z", "20260105T000000Z"));
        let periods = "BEGIN:VFREEBUSY\r\nUID:f\r\nFREEBUSY:20260105T100000Z/20260105T120000Z,20260106T100000Z/PT1H\r\nEND:VFREEBUSY\r\n";
        assert!(matches(periods, "20260106T105959Z", "20260107T000000Z"));
        assert!(!matches(periods, "20260105T120000Z", "20260106T100000Z"));
        let empty = "BEGIN:VFREEBUSY\r\nUID:f\r\nEND:VFREEBUSY\r\n";
        assert!(!matches(empty, "19700101T000000Z", "20990101T000000Z"));
    }

    #[test]
    fn vevent_rows() {
        let dtend = "BEGIN:VEVENT\r\nUID:e\r\nDTSTART:20260105T090000Z\r\nDTEND:20260105T100000Z\r\nEND:VEVENT\r\n";
        assert!(!matches(dtend, "20260105T100000Z", "20260106T000000Z"));
        assert!(!matches(dtend, "20260105T000000Z", D));
        assert!(matches(dtend, "20260105T000000Z", "20260105T090001Z"));
        let zero = "BEGIN:VEVENT\r\nUID:e\r\nDTSTART:20260105T090000Z\r\nDURATION:PT0S\r\nEND:VEVENT\r\n";
        assert!(matches(zero, D, "20260105T090001Z"));
        assert!(!matches(zero, "20260105T000000Z", D));
        let allday = "BEGIN:VEVENT\r\nUID:e\r\nDTSTART;VALUE=DATE:20260105\r\nEND:VEVENT\r\n";
        assert!(matches(allday, "20260105T235959Z", "20260106T120000Z"));
        assert!(!matches(allday, "20260106T000000Z", "20260106T120000Z"));
    }
}
