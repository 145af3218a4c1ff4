//! `C:free-busy-query` (RFC 4791 §7.10): busy time of a set of objects in
//! a range, merged per busy type, as one VFREEBUSY. Also the periods
//! themselves for Portico's meeting scheduler.

use calcard::common::timezone::Tz;
use calcard::icalendar::{ICalendarComponentType, ICalendarStatus, ICalendarTransparency};

use crate::extent::freebusy_periods;
use crate::extent::instance_times;
use crate::ical::ParsedObject;
use crate::object::is_out_of_office_component;
use crate::recur::instances;
use crate::time::{FloatingZone, TimeRange, format_utc};

/// The kind of a busy period (RFC 5545 §3.2.9 FBTYPE).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BusyKind {
    /// `BUSY`: confirmed events.
    Busy,
    /// `BUSY-UNAVAILABLE`: out-of-office events, stored unavailability.
    Unavailable,
    /// `BUSY-TENTATIVE`: STATUS:TENTATIVE events.
    Tentative,
}

impl BusyKind {
    pub fn fbtype(self) -> &'static str {
        match self {
            BusyKind::Busy => "BUSY",
            BusyKind::Unavailable => "BUSY-UNAVAILABLE",
            BusyKind::Tentative => "BUSY-TENTATIVE",
        }
    }
}

/// A busy interval `[start, end)` in Unix seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BusyPeriod {
    /// Inclusive start.
    pub start: i64,
    /// Exclusive end.
    pub end: i64,
    /// FBTYPE.
    pub kind: BusyKind,
}

/// Busy periods of `objects` inside `range`, clipped to it and merged per
/// kind (overlapping or adjacent periods coalesce, RFC 4791 §7.10), sorted
/// by start. Opaque VEVENTs count (not CANCELLED), and the FREEBUSY
/// periods of stored VFREEBUSY components; unreadable objects are skipped.
pub fn busy_periods<'a>(
    objects: impl IntoIterator<Item = &'a [u8]>,
    range: &TimeRange,
    zone: &FloatingZone,
) -> Vec<BusyPeriod> {
    let floating = zone.tz();
    let mut periods = Vec::new();
    for bytes in objects {
        if let Ok(obj) = ParsedObject::parse(bytes) {
            collect(&obj, range, floating, &mut periods);
        }
    }
    merge(periods)
}

/// The VCALENDAR answering a free-busy-query: DTSTART/DTEND are the range,
/// one FREEBUSY per merged period in UTC. `dtstamp` is the current time.
pub fn free_busy<'a>(
    objects: impl IntoIterator<Item = &'a [u8]>,
    range: &TimeRange,
    zone: &FloatingZone,
    dtstamp: i64,
) -> String {
    let mut out =
        String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Portico//CalDAV//EN\r\nBEGIN:VFREEBUSY\r\n");
    out.push_str(&format!("DTSTAMP:{}\r\n", format_utc(dtstamp)));
    if range.start != i64::MIN {
        out.push_str(&format!("DTSTART:{}\r\n", format_utc(range.start)));
    }
    if range.end != i64::MAX {
        out.push_str(&format!("DTEND:{}\r\n", format_utc(range.end)));
    }
    for p in busy_periods(objects, range, zone) {
        let fbtype = match p.kind {
            BusyKind::Busy => String::new(),
            other => format!(";FBTYPE={}", other.fbtype()),
        };
        out.push_str(&format!(
            "FREEBUSY{fbtype}:{}/{}\r\n",
            format_utc(p.start),
            format_utc(p.end)
        ));
    }
    out.push_str("END:VFREEBUSY\r\nEND:VCALENDAR\r\n");
    out
}

fn collect(obj: &ParsedObject, range: &TimeRange, floating: Tz, out: &mut Vec<BusyPeriod>) {
    let mut add = |start: i64, end: i64, kind: BusyKind| {
        let (start, end) = (start.max(range.start), end.min(range.end));
        if start < end {
            out.push(BusyPeriod { start, end, kind });
        }
    };
    for instance in instances(obj, floating, range.end).list {
        let Some(comp) = obj.component(instance.comp) else {
            continue;
        };
        if comp.component_type != ICalendarComponentType::VEvent
            || comp.transparency() == Some(&ICalendarTransparency::Transparent)
            || comp.status() == Some(&ICalendarStatus::Cancelled)
        {
            continue;
        }
        let kind = if comp.status() == Some(&ICalendarStatus::Tentative) {
            BusyKind::Tentative
        } else if is_out_of_office_component(comp) {
            BusyKind::Unavailable
        } else {
            BusyKind::Busy
        };
        let times = instance_times(obj, comp, &instance, floating);
        if let (Some(s), Some(e)) = (times.start, times.end) {
            add(s, e, kind);
        }
    }
    for (_, comp) in obj.top_level() {
        if comp.component_type != ICalendarComponentType::VFreebusy {
            continue;
        }
        for (s, e, fbtype) in freebusy_periods(obj, comp, floating) {
            let kind = match fbtype.as_str() {
                "FREE" => continue,
                "BUSY-TENTATIVE" => BusyKind::Tentative,
                "BUSY-UNAVAILABLE" => BusyKind::Unavailable,
                _ => BusyKind::Busy,
            };
            add(s, e, kind);
        }
    }
}

/// Coalesces overlapping or touching periods of the same kind.
fn merge(mut periods: Vec<BusyPeriod>) -> Vec<BusyPeriod> {
    periods.sort_by_key(|p| (p.kind, p.start, p.end));
    let mut out: Vec<BusyPeriod> = Vec::with_capacity(periods.len());
    for p in periods {
        match out.last_mut() {
            Some(last) if last.kind == p.kind && p.start <= last.end => last.end = last.end.max(p.end),
            _ => out.push(p),
        }
    }
    out.sort_by_key(|p| (p.start, p.kind));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;
    use crate::time::parse_utc;

    fn range(start: &str, end: &str) -> TimeRange {
        TimeRange::new(parse_utc(start), parse_utc(end)).unwrap()
    }

    fn appendix() -> Vec<String> {
        fixtures::appendix_b().into_iter().map(|(_, t)| t).collect()
    }

    #[test]
    fn rfc_7_10_1() {
        let objects = appendix();
        let out = free_busy(
            objects.iter().map(|s| s.as_bytes()),
            &range("20060104T140000Z", "20060104T220000Z"),
            &FloatingZone::utc(),
            parse_utc("20050125T090000Z").unwrap(),
        );
        assert_eq!(
            out,
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Portico//CalDAV//EN\r\nBEGIN:VFREEBUSY\r\nDTSTAMP:20050125T090000Z\r\nDTSTART:20060104T140000Z\r\nDTEND:20060104T220000Z\r\nFREEBUSY;FBTYPE=BUSY-TENTATIVE:20060104T150000Z/20060104T160000Z\r\nFREEBUSY:20060104T190000Z/20060104T200000Z\r\nEND:VFREEBUSY\r\nEND:VCALENDAR\r\n"
        );
        // The RFC's wider range also reaches the 5th: event #2 and the stored
        // BUSY-UNAVAILABLE period.
        let objects = appendix();
        let periods = busy_periods(
            objects.iter().map(|s| s.as_bytes()),
            &range("20060104T140000Z", "20060105T220000Z"),
            &FloatingZone::utc(),
        );
        let kinds: Vec<_> = periods.iter().map(|p| (format_utc(p.start), p.kind)).collect();
        assert_eq!(
            kinds,
            vec![
                ("20060104T150000Z".to_owned(), BusyKind::Tentative),
                ("20060104T190000Z".to_owned(), BusyKind::Busy),
                ("20060105T100000Z".to_owned(), BusyKind::Unavailable),
                ("20060105T170000Z".to_owned(), BusyKind::Busy),
            ]
        );
    }

    #[test]
    fn merging_clipping_and_exclusions() {
        let event = |props: &str| {
            fixtures::thunderbird(&format!(
                "BEGIN:VEVENT\r\nUID:{}\r\nDTSTAMP:20260101T000000Z\r\n{props}END:VEVENT\r\n",
                props.len()
            ))
        };
        let objects = [
            event("DTSTART:20260105T090000Z\r\nDTEND:20260105T100000Z\r\n"),
            event("DTSTART:20260105T093000Z\r\nDTEND:20260105T110000Z\r\n"),
            event("DTSTART:20260105T110000Z\r\nDTEND:20260105T113000Z\r\nSTATUS:CONFIRMED\r\n"),
            event("DTSTART:20260105T120000Z\r\nDTEND:20260105T130000Z\r\nTRANSP:TRANSPARENT\r\n"),
            event("DTSTART:20260105T130000Z\r\nDTEND:20260105T140000Z\r\nSTATUS:CANCELLED\r\n"),
            event("DTSTART:20260105T150000Z\r\nDTEND:20260105T190000Z\r\n"),
            event("DTSTART:20260105T160000Z\r\nDTEND:20260105T170000Z\r\nSTATUS:TENTATIVE\r\n"),
            event("DTSTART:20260105T080000Z\r\n"),
            "garbage".to_owned(),
        ];
        let periods = busy_periods(
            objects.iter().map(|s| s.as_bytes()),
            &range("20260105T000000Z", "20260105T180000Z"),
            &FloatingZone::utc(),
        );
        let got: Vec<_> = periods
            .iter()
            .map(|p| (format_utc(p.start), format_utc(p.end), p.kind))
            .collect();
        assert_eq!(
            got,
            vec![
                ("20260105T090000Z".into(), "20260105T113000Z".into(), BusyKind::Busy),
                ("20260105T150000Z".into(), "20260105T180000Z".into(), BusyKind::Busy),
                (
                    "20260105T160000Z".into(),
                    "20260105T170000Z".into(),
                    BusyKind::Tentative
                ),
            ]
        );
    }

    #[test]
    fn recurrences_exceptions_absences_and_floating_days() {
        let weekly = fixtures::weekly_with_exceptions();
        let absence = fixtures::all_day_absence();
        let forever = fixtures::infinite_weekly();
        let objects = [weekly.as_bytes(), absence.as_bytes(), forever.as_bytes()];
        let january = busy_periods(
            objects,
            &range("20260112T000000Z", "20260122T000000Z"),
            &FloatingZone::utc(),
        );
        let starts: Vec<_> = january.iter().map(|p| format_utc(p.start)).collect();
        // Tuesdays 07:00Z (forever), the moved meeting on the 21st; not the
        // excluded 12th nor the original 19th.
        assert_eq!(starts, ["20260113T070000Z", "20260120T070000Z", "20260121T130000Z"]);
        let berlin = FloatingZone::from_id("Europe/Berlin").unwrap();
        let february = busy_periods(
            [absence.as_bytes()],
            &range("20260201T000000Z", "20260301T000000Z"),
            &berlin,
        );
        assert_eq!(
            february,
            vec![BusyPeriod {
                start: parse_utc("20260215T230000Z").unwrap(),
                end: parse_utc("20260220T230000Z").unwrap(),
                kind: BusyKind::Unavailable,
            }]
        );
    }

    #[test]
    fn empty_result_still_has_a_vfreebusy() {
        let out = free_busy(
            std::iter::empty(),
            &range("20260101T000000Z", "20260102T000000Z"),
            &FloatingZone::utc(),
            0,
        );
        assert!(out.contains("BEGIN:VFREEBUSY\r\nDTSTAMP:19700101T000000Z\r\nDTSTART:20260101T000000Z\r\nDTEND:20260102T000000Z\r\nEND:VFREEBUSY"));
        let open = free_busy(std::iter::empty(), &TimeRange::unbounded(), &FloatingZone::utc(), 0);
        assert!(!open.contains("DTSTART") && !open.contains("DTEND"));
    }
}
