//! No input may panic: truncated and mutated calendar objects go through
//! every entry point (validation, matching, rendering, reduction,
//! free-busy, feeds).

use crate::fixtures;
use crate::report::{Report, parse_report};
use crate::{
    FloatingZone, Reduction, TimeRange, free_busy, is_private, matches, merge_objects, parse_utc, reduce,
    render_calendar_data, validate_object,
};

const QUERY: &str = r#"<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-data><C:comp name="VCALENDAR"><C:allprop/><C:comp name="VEVENT"><C:prop name="SUMMARY"/><C:prop name="ATTENDEE" novalue="yes"/><C:allcomp/></C:comp></C:comp><C:expand start="20060101T000000Z" end="20270101T000000Z"/><C:limit-freebusy-set start="20060101T000000Z" end="20270101T000000Z"/></C:calendar-data></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20060101T000000Z" end="20270101T000000Z"/><C:prop-filter name="SUMMARY"><C:text-match collation="i;unicode-casemap" negate-condition="yes">x</C:text-match></C:prop-filter><C:prop-filter name="DTEND"><C:time-range start="20060101T000000Z"/></C:prop-filter><C:comp-filter name="VALARM"><C:time-range start="20060101T000000Z" end="20270101T000000Z"/></C:comp-filter></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"#;

fn exercise(bytes: &[u8]) {
    let Ok(Report::CalendarQuery(q)) = parse_report(QUERY.as_bytes()) else {
        panic!("query does not parse")
    };
    let zone = FloatingZone::from_id("Europe/Berlin").unwrap_or_default();
    let _ = validate_object(bytes, &[], &crate::Limits::default());
    let _ = matches(&q.filter, bytes, &zone);
    if let Some(data) = &q.props.calendar_data {
        let _ = render_calendar_data(
            bytes,
            data,
            &zone,
            &mut crate::RenderBudget::for_request(&crate::Limits::default()),
        );
    }
    let _ = reduce(bytes, Reduction::BusyOnly);
    let _ = is_private(bytes);
    let range =
        TimeRange::new(parse_utc("20060101T000000Z"), parse_utc("20270101T000000Z")).unwrap_or(TimeRange::unbounded());
    let _ = free_busy([bytes], &range, &zone, 0);
    let _ = merge_objects([bytes, bytes], Some("x"));
}

#[test]
fn truncated_objects_never_panic() {
    for sample in fixtures::all_samples() {
        let bytes = sample.as_bytes();
        for end in (0..bytes.len()).step_by(5) {
            exercise(&bytes[..end]);
        }
    }
}

#[test]
fn mutated_objects_never_panic() {
    const NASTY: [&[u8]; 9] = [b":", b";", b"\r\n", b"\r\n ", b"9", b"-", b"\"", b"\xff", b"\0"];
    for sample in fixtures::all_samples() {
        let bytes = sample.as_bytes();
        for i in (0..bytes.len()).step_by(17) {
            for nasty in NASTY {
                let mut m = bytes[..i].to_vec();
                m.extend_from_slice(nasty);
                m.extend_from_slice(&bytes[i + 1..]);
                exercise(&m);
            }
        }
    }
}

#[test]
fn hostile_values_never_panic() {
    for props in [
        "DTSTART:99991231T235959Z\r\nRRULE:FREQ=SECONDLY\r\n",
        "DTSTART:00010101T000000Z\r\nRRULE:FREQ=YEARLY;INTERVAL=65535\r\n",
        "DTSTART:20260101T000000Z\r\nRRULE:FREQ=MINUTELY;COUNT=4000000000\r\n",
        "DTSTART:20260101T000000Z\r\nRRULE:FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=2\r\n",
        "DTSTART:20260101T000000Z\r\nRRULE:FREQ=WEEKLY;UNTIL=19000101T000000Z\r\n",
        "DTSTART:20260101T000000Z\r\nRRULE:FREQ=DAILY;BYSETPOS=-366,366;BYHOUR=0,1,2,3\r\n",
        "DTSTART:20260101T000000Z\r\nDURATION:-P9999999W\r\n",
        "DTSTART:20260101T000000Z\r\nDURATION:P99999999W\r\nBEGIN:VALARM\r\nTRIGGER:-P99999999W\r\nREPEAT:2147483647\r\nDURATION:P99999999W\r\nEND:VALARM\r\n",
        "DTSTART;TZID=Europe/Berlin:20260329T023000\r\nRRULE:FREQ=DAILY;COUNT=3\r\n",
        "DTSTART;VALUE=DATE:20260101\r\nRDATE;VALUE=PERIOD:20260101T000000Z/20250101T000000Z\r\nEXDATE;VALUE=DATE:20260101\r\n",
        "DTSTART:20260101T000000Z\r\nRECURRENCE-ID;RANGE=THISANDFUTURE:20260101T000000Z\r\n",
        "DTSTART:99991231T000000Z\r\nRRULE:FREQ=YEARLY;COUNT=3\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:h\r\nRECURRENCE-ID;RANGE=THISANDFUTURE:00010101T000000Z\r\nDTSTART:99991231T000000Z\r\n",
        "DTSTART;VALUE=DATE:00010101\r\nDTEND;VALUE=DATE:99991231\r\nRRULE:FREQ=DAILY;COUNT=3\r\nBEGIN:VALARM\r\nTRIGGER;RELATED=END:P99999W\r\nEND:VALARM\r\n",
        "DTSTART:00010101T000000Z\r\nDTEND:99991231T000000Z\r\nRRULE:FREQ=YEARLY;COUNT=3\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:h\r\nRECURRENCE-ID:00020101T000000Z\r\nDTSTART:99991231T000000Z\r\n",
    ] {
        let text = format!("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:h\r\n{props}END:VEVENT\r\nEND:VCALENDAR\r\n");
        exercise(text.as_bytes());
    }
}
