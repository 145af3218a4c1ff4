//! `C:calendar-data` rendering: the RFC 4791 §7.8.1–7.8.4 examples and
//! expansion of real recurring events.

use super::*;
use crate::fixtures::{self, APPLE_EVENT};
use crate::report::{Report, parse_report};

fn request(calendar_data: &str) -> CalendarDataRequest {
    let body = format!(
        r#"<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:calendar-data>{calendar_data}</C:calendar-data></D:prop><D:href>/x.ics</D:href></C:calendar-multiget>"#
    );
    match parse_report(body.as_bytes()) {
        Ok(Report::CalendarMultiget(m)) => m.props.calendar_data.unwrap(),
        other => panic!("{other:?}"),
    }
}

fn budget() -> crate::RenderBudget {
    crate::RenderBudget::for_request(&crate::Limits::default())
}

fn render(object: &str, calendar_data: &str) -> String {
    render_calendar_data(
        object.as_bytes(),
        &request(calendar_data),
        &FloatingZone::utc(),
        &mut budget(),
    )
    .unwrap()
}

fn appendix(name: &str) -> String {
    fixtures::appendix_b().into_iter().find(|(n, _)| *n == name).unwrap().1
}

#[test]
fn whole_object_is_returned_byte_for_byte() {
    assert_eq!(render(APPLE_EVENT, ""), APPLE_EVENT);
    let lf = APPLE_EVENT.replace("\r\n", "\n");
    assert_eq!(render(&lf, ""), lf);
    assert!(
        render_calendar_data(
            b"\xff",
            &CalendarDataRequest::default(),
            &FloatingZone::utc(),
            &mut budget()
        )
        .is_err()
    );
}

#[test]
fn rfc_7_8_1_component_and_property_subsetting() {
    let selector = r#"<C:comp name="VCALENDAR"><C:prop name="VERSION"/><C:comp name="VEVENT"><C:prop name="SUMMARY"/><C:prop name="UID"/><C:prop name="DTSTART"/><C:prop name="DTEND"/><C:prop name="DURATION"/><C:prop name="RRULE"/><C:prop name="RDATE"/><C:prop name="EXRULE"/><C:prop name="EXDATE"/><C:prop name="RECURRENCE-ID"/></C:comp><C:comp name="VTIMEZONE"/></C:comp>"#;
    let out = render(&appendix("abcd2"), selector);
    assert!(
        out.starts_with(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTIMEZONE\r\nLAST-MODIFIED:20040110T032845Z\r\nTZID:US/Eastern\r\n"
        ),
        "{out}"
    );
    assert!(!out.contains("PRODID"));
    assert!(!out.contains("DTSTAMP"));
    assert!(out.contains(
        "BEGIN:VEVENT\r\nDTSTART;TZID=US/Eastern:20060102T120000\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY;COUNT=5\r\nSUMMARY:Event #2\r\nUID:00959BC664CA650E933C892C@example.com\r\nEND:VEVENT\r\n"
    ), "{out}");
    assert!(out.contains("RECURRENCE-ID;TZID=US/Eastern:20060104T120000\r\n"));
    assert_eq!(out.matches("BEGIN:VEVENT").count(), 3);
}

#[test]
fn novalue_and_allcomp() {
    let out = render(
        &appendix("abcd3"),
        r#"<C:comp name="VCALENDAR"><C:comp name="VEVENT"><C:prop name="ATTENDEE" novalue="yes"/><C:prop name="uid"/></C:comp></C:comp>"#,
    );
    assert_eq!(
        out,
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nATTENDEE;PARTSTAT=ACCEPTED;ROLE=CHAIR:\r\nATTENDEE;PARTSTAT=NEEDS-ACTION:\r\nUID:DC6C50A017428C5216A2F1CD@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    );
    let out = render(
        &fixtures::thunderbird_event(),
        r#"<C:comp name="VCALENDAR"><C:allprop/><C:allcomp/></C:comp>"#,
    );
    assert!(out.contains("BEGIN:VALARM") && out.contains("BEGIN:VTIMEZONE") && out.contains("PRODID"));
    let none = render(
        APPLE_EVENT,
        r#"<C:comp name="VCALENDAR"><C:prop name="VERSION"/></C:comp>"#,
    );
    assert_eq!(none, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n");
}

#[test]
fn rfc_7_8_2_limit_recurrence_set() {
    let out = render(
        &appendix("abcd2"),
        r#"<C:limit-recurrence-set start="20060103T000000Z" end="20060105T000000Z"/>"#,
    );
    assert!(out.contains("SUMMARY:Event #2\r\n"));
    assert!(out.contains("SUMMARY:Event #2 bis\r\n"));
    assert!(!out.contains("Event #2 bis bis"));
    assert!(out.contains("BEGIN:VTIMEZONE"));
    // An override moved into the range, or out of it, is kept.
    let moved = fixtures::weekly_with_exceptions();
    let into = render(
        &moved,
        r#"<C:limit-recurrence-set start="20260121T000000Z" end="20260122T000000Z"/>"#,
    );
    assert!(into.contains("verschoben"));
    let from = render(
        &moved,
        r#"<C:limit-recurrence-set start="20260119T000000Z" end="20260120T000000Z"/>"#,
    );
    assert!(from.contains("verschoben"));
    let elsewhere = render(
        &moved,
        r#"<C:limit-recurrence-set start="20260201T000000Z" end="20260202T000000Z"/>"#,
    );
    assert!(!elsewhere.contains("verschoben"));
    assert!(
        elsewhere.contains("RRULE:FREQ=WEEKLY;COUNT=10;BYDAY=MO\r\n"),
        "{elsewhere}"
    );
}

#[test]
fn rfc_7_8_3_expand() {
    let out = render(
        &appendix("abcd2"),
        r#"<C:expand start="20060103T000000Z" end="20060105T000000Z"/>"#,
    );
    assert_eq!(
        out,
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example Corp.//CalDAV Client//EN\r\n\
         BEGIN:VEVENT\r\nDTSTAMP:20060206T001121Z\r\nDTSTART:20060103T170000Z\r\nDURATION:PT1H\r\nSUMMARY:Event #2\r\nUID:00959BC664CA650E933C892C@example.com\r\nRECURRENCE-ID:20060103T170000Z\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nDTSTAMP:20060206T001121Z\r\nDTSTART:20060104T190000Z\r\nDURATION:PT1H\r\nSUMMARY:Event #2 bis\r\nUID:00959BC664CA650E933C892C@example.com\r\nRECURRENCE-ID:20060104T170000Z\r\nEND:VEVENT\r\n\
         END:VCALENDAR\r\n"
    );
    let single = render(
        &appendix("abcd3"),
        r#"<C:expand start="20060103T000000Z" end="20060105T000000Z"/>"#,
    );
    assert!(single.contains("DTSTART:20060104T150000Z\r\n"));
    assert!(!single.contains("RECURRENCE-ID") && !single.contains("TZID"));
}

#[test]
fn expand_real_exceptions_with_alarms() {
    let out = render(
        &fixtures::weekly_with_exceptions(),
        r#"<C:expand start="20260101T000000Z" end="20260201T000000Z"/>"#,
    );
    for absent in [
        "VTIMEZONE",
        "RRULE",
        "EXDATE",
        "TZID",
        "20260112T080000Z",
        "RECURRENCE-ID:20260112",
    ] {
        assert!(!out.contains(absent), "{absent}: {out}");
    }
    assert_eq!(out.matches("BEGIN:VEVENT").count(), 3);
    assert!(
        out.contains("DTSTART:20260105T080000Z\r\nDTEND:20260105T083000Z\r\n"),
        "{out}"
    );
    assert!(out.contains("RECURRENCE-ID:20260105T080000Z"));
    assert!(
        out.contains("DTSTART:20260121T130000Z\r\nDTEND:20260121T133000Z\r\n"),
        "{out}"
    );
    assert!(out.contains("RECURRENCE-ID:20260119T080000Z"));
    assert!(
        out.contains("DTSTART:20260126T080000Z\r\nDTEND:20260126T083000Z\r\n"),
        "{out}"
    );
    assert_eq!(out.matches("BEGIN:VALARM").count(), 2);
    // Instances are ordered by start.
    assert!(out.find("20260105T080000Z") < out.find("20260121T130000Z"));
    assert!(out.find("20260121T130000Z") < out.find("20260126T080000Z"));
}

#[test]
fn expand_keeps_dates_and_crosses_daylight_saving() {
    let allday = fixtures::thunderbird(
        "BEGIN:VEVENT\r\nUID:b\r\nDTSTART;VALUE=DATE:20260301\r\nDTEND;VALUE=DATE:20260302\r\nRRULE:FREQ=YEARLY\r\nSUMMARY:Birthday\r\nEND:VEVENT\r\n",
    );
    let out = render(
        &allday,
        r#"<C:expand start="20280101T000000Z" end="20290101T000000Z"/>"#,
    );
    assert!(
        out.contains("DTSTART;VALUE=DATE:20280301\r\nDTEND;VALUE=DATE:20280302\r\n"),
        "{out}"
    );
    assert!(out.contains("RECURRENCE-ID;VALUE=DATE:20280301\r\n"));
    let daily = fixtures::thunderbird(
        "BEGIN:VEVENT\r\nUID:d\r\nDTSTART;TZID=Europe/Berlin:20260327T090000\r\nDTEND;TZID=Europe/Berlin:20260327T100000\r\nRRULE:FREQ=DAILY;COUNT=4\r\nEND:VEVENT\r\n",
    );
    let out = render(&daily, r#"<C:expand start="20260327T000000Z" end="20260331T000000Z"/>"#);
    assert!(
        out.contains("DTSTART:20260328T080000Z\r\nDTEND:20260328T090000Z\r\n"),
        "{out}"
    );
    assert!(
        out.contains("DTSTART:20260329T070000Z\r\nDTEND:20260329T080000Z\r\n"),
        "{out}"
    );
}

#[test]
fn expand_then_subset() {
    let out = render(
        &appendix("abcd2"),
        r#"<C:comp name="VCALENDAR"><C:comp name="VEVENT"><C:prop name="RECURRENCE-ID"/></C:comp></C:comp><C:expand start="20060102T000000Z" end="20060107T000000Z"/>"#,
    );
    assert_eq!(out.matches("RECURRENCE-ID:").count(), 5, "{out}");
    assert!(!out.contains("SUMMARY"));
}

#[test]
fn rfc_7_8_4_limit_freebusy_set() {
    let out = render(
        &appendix("abcd8"),
        r#"<C:limit-freebusy-set start="20060102T000000Z" end="20060103T000000Z"/>"#,
    );
    assert_eq!(out.matches("FREEBUSY").count(), 3, "{out}");
    assert!(out.contains("FREEBUSY;FBTYPE=BUSY-TENTATIVE:20060102T100000Z/20060102T120000Z\r\n"));
    assert!(out.contains("DTSTART:20060101T000000Z"));
}

#[test]
fn broken_objects_are_errors_not_panics() {
    let req = request(r#"<C:expand start="20060103T000000Z" end="20060105T000000Z"/>"#);
    assert!(render_calendar_data(b"garbage", &req, &FloatingZone::utc(), &mut budget()).is_err());
}

#[test]
fn expansion_stops_at_the_budget_before_building() {
    let alarms = "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\nTRIGGER:-PT1M\r\nEND:VALARM\r\n".repeat(100);
    let object = fixtures::thunderbird(&format!(
        "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T000000Z\r\nDTEND:20260101T000001Z\r\nRRULE:FREQ=SECONDLY\r\n{alarms}END:VEVENT\r\n"
    ));
    let ten = request(r#"<C:expand start="20260101T000000Z" end="20260101T000010Z"/>"#);
    let mut b = budget();
    let out = render_calendar_data(object.as_bytes(), &ten, &FloatingZone::utc(), &mut b).unwrap();
    assert_eq!(out.matches("RECURRENCE-ID").count(), 10);
    assert_eq!(out.matches("BEGIN:VALARM").count(), 1000);
    assert_eq!(b.instances, budget().instances - 10);

    // An hour is 3,600 instances of 100 alarms each: more bytes than the request has left.
    let mut small = crate::RenderBudget {
        bytes: 1024 * 1024,
        ..budget()
    };
    let hour = request(r#"<C:expand start="20260101T000000Z" end="20260101T010000Z"/>"#);
    assert_eq!(
        render_calendar_data(object.as_bytes(), &hour, &FloatingZone::utc(), &mut small),
        Err(RenderError::OverBudget)
    );
    assert_eq!(
        small,
        crate::RenderBudget {
            bytes: 1024 * 1024,
            ..budget()
        },
        "nothing taken"
    );
    // All of time cannot even be enumerated: the rule stops at its cap first.
    let ever = request(r#"<C:expand start="19000101T000000Z" end="99991231T000000Z"/>"#);
    assert_eq!(
        render_calendar_data(object.as_bytes(), &ever, &FloatingZone::utc(), &mut budget()),
        Err(RenderError::OverBudget)
    );
    // More instances than one object may expand to.
    let mut few = crate::RenderBudget {
        per_object: 5,
        ..budget()
    };
    assert_eq!(
        render_calendar_data(object.as_bytes(), &ten, &FloatingZone::utc(), &mut few),
        Err(RenderError::OverBudget)
    );
}
