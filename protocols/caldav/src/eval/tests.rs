//! Filter evaluation: the RFC 4791 §7.8 examples over Appendix B, and the
//! cases real calendars produce (exceptions, zones, alarms, collations).

use super::*;
use crate::fixtures::{self, APPLE_EVENT, OUTLOOK_EVENT};
use crate::report::{CalendarQuery, Report, parse_report};

fn query(filter: &str) -> CalendarQuery {
    let body = format!(
        r#"<?xml version="1.0" encoding="utf-8" ?><C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop><C:filter>{filter}</C:filter></C:calendar-query>"#
    );
    match parse_report(body.as_bytes()) {
        Ok(Report::CalendarQuery(q)) => q,
        other => panic!("{other:?}"),
    }
}

fn appendix_hits(filter: &str) -> Vec<&'static str> {
    let q = query(filter);
    let zone = q.floating_zone(None);
    fixtures::appendix_b()
        .into_iter()
        .filter(|(_, text)| matches(&q.filter, text.as_bytes(), &zone))
        .map(|(name, _)| name)
        .collect()
}

fn hit(filter: &str, object: &str) -> bool {
    let q = query(filter);
    matches(&q.filter, object.as_bytes(), &q.floating_zone(None))
}

fn events_in(start: &str, end: &str) -> String {
    format!(
        r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="{start}" end="{end}"/></C:comp-filter></C:comp-filter>"#
    )
}

fn alarms_in(start: &str, end: &str) -> String {
    format!(
        r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:comp-filter name="VALARM"><C:time-range start="{start}" end="{end}"/></C:comp-filter></C:comp-filter></C:comp-filter>"#
    )
}

// ---- RFC 4791 §7.8 examples over Appendix B ----

#[test]
fn rfc_7_8_1_events_by_time_range() {
    assert_eq!(
        appendix_hits(&events_in("20060104T000000Z", "20060105T000000Z")),
        ["abcd2", "abcd3"]
    );
}

#[test]
fn rfc_7_8_2_and_7_8_3_recurring_events() {
    assert_eq!(
        appendix_hits(&events_in("20060103T000000Z", "20060105T000000Z")),
        ["abcd2", "abcd3"]
    );
    assert_eq!(
        appendix_hits(&events_in("20060102T000000Z", "20060103T000000Z")),
        ["abcd1", "abcd2"]
    );
    assert!(appendix_hits(&events_in("20060108T000000Z", "20060109T000000Z")).is_empty());
}

#[test]
fn rfc_7_8_4_stored_free_busy() {
    let f = r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VFREEBUSY"><C:time-range start="20060102T000000Z" end="20060103T000000Z"/></C:comp-filter></C:comp-filter>"#;
    assert_eq!(appendix_hits(f), ["abcd8"]);
}

#[test]
fn rfc_7_8_5_todos_by_alarm() {
    let f = r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VTODO"><C:comp-filter name="VALARM"><C:time-range start="20060106T100000Z" end="20060107T100000Z"/></C:comp-filter></C:comp-filter></C:comp-filter>"#;
    assert_eq!(appendix_hits(f), ["abcd5"]);
}

#[test]
fn rfc_7_8_6_event_by_uid() {
    let f = r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="UID"><C:text-match collation="i;octet">DC6C50A017428C5216A2F1CD@example.com</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>"#;
    assert_eq!(appendix_hits(f), ["abcd3"]);
    let lower = f.replace("DC6C50A0", "dc6c50a0");
    assert!(appendix_hits(&lower).is_empty());
}

#[test]
fn rfc_7_8_7_events_by_partstat() {
    let f = r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="ATTENDEE"><C:text-match collation="i;ascii-casemap">mailto:lisa@example.com</C:text-match><C:param-filter name="PARTSTAT"><C:text-match collation="i;ascii-casemap">NEEDS-ACTION</C:text-match></C:param-filter></C:prop-filter></C:comp-filter></C:comp-filter>"#;
    assert_eq!(appendix_hits(f), ["abcd3"]);
    // Both conditions must hold on the same ATTENDEE.
    let cyrus = f.replace("mailto:lisa@", "mailto:cyrus@");
    assert!(appendix_hits(&cyrus).is_empty());
}

#[test]
fn rfc_7_8_8_events_only() {
    let f = r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/></C:comp-filter>"#;
    assert_eq!(appendix_hits(f), ["abcd1", "abcd2", "abcd3"]);
    let all = r#"<C:comp-filter name="VCALENDAR"/>"#;
    assert_eq!(appendix_hits(all).len(), 8);
}

#[test]
fn rfc_7_8_9_pending_todos() {
    let f = r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VTODO"><C:prop-filter name="COMPLETED"><C:is-not-defined/></C:prop-filter><C:prop-filter name="STATUS"><C:text-match negate-condition="yes">CANCELLED</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>"#;
    assert_eq!(appendix_hits(f), ["abcd4", "abcd5"]);
}

#[test]
fn rfc_7_8_10_non_standard_property_is_queryable() {
    let f = r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="X-ABC-GUID"><C:text-match>e1cx5dr</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>"#;
    assert_eq!(appendix_hits(f), ["abcd3"]);
}

// ---- recurrence exceptions ----

#[test]
fn excluded_and_moved_instances_do_not_match_their_original_slot() {
    let obj = fixtures::weekly_with_exceptions();
    // Monday the 5th, 09:00–09:30 CET.
    assert!(hit(&events_in("20260105T080000Z", "20260105T083000Z"), &obj));
    // The 12th is excluded.
    assert!(!hit(&events_in("20260112T080000Z", "20260112T083000Z"), &obj));
    // The 19th was moved …
    assert!(!hit(&events_in("20260119T080000Z", "20260119T083000Z"), &obj));
    // … to Wednesday the 21st, 14:00 CET.
    assert!(hit(&events_in("20260121T130000Z", "20260121T133000Z"), &obj));
    assert!(hit(&events_in("20260126T080000Z", "20260126T080001Z"), &obj));
    // Ten instances: the last is March 9th.
    assert!(hit(&events_in("20260309T080000Z", "20260309T083000Z"), &obj));
    assert!(!hit(&events_in("20260316T080000Z", "20260316T083000Z"), &obj));
}

#[test]
fn conditions_apply_to_the_component_whose_instance_matched() {
    let obj = fixtures::weekly_with_exceptions();
    let f = |start: &str, end: &str| {
        format!(
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="{start}" end="{end}"/><C:prop-filter name="SUMMARY"><C:text-match>verschoben</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>"#
        )
    };
    assert!(hit(&f("20260121T000000Z", "20260122T000000Z"), &obj));
    assert!(!hit(&f("20260105T000000Z", "20260106T000000Z"), &obj));
}

#[test]
fn alarms_of_recurring_instances() {
    let obj = fixtures::weekly_with_exceptions();
    // 10 minutes before 08:00Z on Jan 26th.
    assert!(hit(&alarms_in("20260126T074500Z", "20260126T075500Z"), &obj));
    assert!(!hit(&alarms_in("20260126T075100Z", "20260126T075500Z"), &obj));
    // No alarm for the excluded instance, and the moved one has none.
    assert!(!hit(&alarms_in("20260112T074500Z", "20260112T075500Z"), &obj));
    assert!(!hit(&alarms_in("20260121T124500Z", "20260121T135500Z"), &obj));
}

#[test]
fn infinite_rules_match_far_in_the_future() {
    let obj = fixtures::infinite_weekly();
    // Tuesday, 2030-06-04 08:00 CEST = 06:00Z.
    assert!(hit(&events_in("20300604T060000Z", "20300604T063000Z"), &obj));
    assert!(!hit(&events_in("20300605T000000Z", "20300606T000000Z"), &obj));
    assert!(!hit(&events_in("20191201T000000Z", "20200101T000000Z"), &obj));
}

// ---- zones and dates ----

#[test]
fn client_events_in_their_zones() {
    // Thunderbird: 10:00 CET = 09:00Z.
    let tb = fixtures::thunderbird_event();
    assert!(hit(&events_in("20260112T090000Z", "20260112T090100Z"), &tb));
    assert!(!hit(&events_in("20260112T103000Z", "20260112T110000Z"), &tb));
    // Apple: 14:30 Vienna = 13:30Z.
    assert!(hit(&events_in("20260114T140000Z", "20260114T150000Z"), APPLE_EVENT));
    assert!(!hit(&events_in("20260114T143000Z", "20260114T150000Z"), APPLE_EVENT));
    // Outlook with "W. Europe Standard Time": 09:00 CEST = 07:00Z.
    assert!(hit(&events_in("20260720T070000Z", "20260720T080000Z"), OUTLOOK_EVENT));
    assert!(!hit(&events_in("20260720T080000Z", "20260720T090000Z"), OUTLOOK_EVENT));
    assert!(hit(&alarms_in("20260720T064500Z", "20260720T064600Z"), OUTLOOK_EVENT));
}

#[test]
fn all_day_events_follow_the_query_zone() {
    let obj = fixtures::all_day_absence();
    let f = events_in("20260215T230000Z", "20260215T233000Z");
    // In UTC the absence starts at midnight: no overlap …
    assert!(!hit(&f, &obj));
    // … in Berlin it starts at 23:00Z the day before.
    let q = query(&f);
    let berlin = FloatingZone::from_id("Europe/Berlin").unwrap();
    assert!(matches(&q.filter, obj.as_bytes(), &berlin));
    // The last day is the 20th (DTEND is exclusive).
    assert!(hit(&events_in("20260220T120000Z", "20260220T130000Z"), &obj));
    assert!(!hit(&events_in("20260221T000000Z", "20260222T000000Z"), &obj));
}

#[test]
fn timezone_element_sets_the_floating_zone() {
    let body = r#"<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:time-range start="20260215T230000Z" end="20260215T233000Z"/></C:comp-filter></C:comp-filter></C:filter><C:timezone-id>Europe/Berlin</C:timezone-id></C:calendar-query>"#;
    let Ok(Report::CalendarQuery(q)) = parse_report(body.as_bytes()) else {
        panic!()
    };
    let zone = q.floating_zone(Some(FloatingZone::utc()));
    assert!(matches(&q.filter, fixtures::all_day_absence().as_bytes(), &zone));
}

// ---- property and parameter conditions ----

#[test]
fn property_time_ranges_use_effective_values() {
    let abcd1 = &fixtures::appendix_b()[0].1;
    let prop = |name: &str, start: &str, end: &str| {
        format!(
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="{name}"><C:time-range start="{start}" end="{end}"/></C:prop-filter></C:comp-filter></C:comp-filter>"#
        )
    };
    // DTEND is DTSTART + DURATION: 11:00 EST = 16:00Z.
    assert!(hit(&prop("DTEND", "20060102T155959Z", "20060102T160001Z"), abcd1));
    assert!(!hit(&prop("DTEND", "20060102T150000Z", "20060102T155959Z"), abcd1));
    assert!(hit(&prop("DTSTAMP", "20060206T000000Z", "20060207T000000Z"), abcd1));
    assert!(!hit(
        &prop("LAST-MODIFIED", "19700101T000000Z", "20990101T000000Z"),
        abcd1
    ));
    // DTSTART of a later instance of a recurring event.
    let weekly = fixtures::weekly_with_exceptions();
    assert!(hit(&prop("DTSTART", "20260202T080000Z", "20260202T080001Z"), &weekly));
    assert!(!hit(&prop("DTSTART", "20260112T080000Z", "20260112T080001Z"), &weekly));
    // A VTODO's DUE from DTSTART + DURATION.
    let todo = fixtures::todo("DTSTART:20260105T090000Z\r\nDURATION:PT1H\r\n");
    let due = prop("DUE", "20260105T100000Z", "20260105T100001Z").replace("VEVENT", "VTODO");
    assert!(hit(&due, &todo));
}

#[test]
fn is_not_defined_and_params() {
    let tb = fixtures::thunderbird_event();
    let todo_absent = r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VTODO"><C:is-not-defined/></C:comp-filter></C:comp-filter>"#;
    assert!(hit(todo_absent, &tb));
    let alarm_absent = r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:comp-filter name="VALARM"><C:is-not-defined/></C:comp-filter></C:comp-filter></C:comp-filter>"#;
    assert!(!hit(alarm_absent, &tb));
    let param = |inner: &str| {
        format!(
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="ATTENDEE"><C:param-filter name="RSVP">{inner}</C:param-filter></C:prop-filter></C:comp-filter></C:comp-filter>"#
        )
    };
    assert!(hit(&param(""), &tb));
    assert!(hit(&param("<C:text-match>true</C:text-match>"), &tb));
    assert!(!hit(&param("<C:is-not-defined/>"), &tb));
    let agent = r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="ORGANIZER"><C:param-filter name="SCHEDULE-AGENT"><C:text-match>CLIENT</C:text-match></C:param-filter></C:prop-filter></C:comp-filter></C:comp-filter>"#;
    assert!(hit(agent, OUTLOOK_EVENT));
    assert!(!hit(agent, &tb));
    let x_prop = r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="x-apple-creator-identity"><C:text-match match-type="equals">COM.APPLE.CALENDAR</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>"#;
    assert!(hit(x_prop, APPLE_EVENT));
    let calendar_prop = r#"<C:comp-filter name="VCALENDAR"><C:prop-filter name="PRODID"><C:text-match>Apple Inc.</C:text-match></C:prop-filter></C:comp-filter>"#;
    assert!(hit(calendar_prop, APPLE_EVENT));
    assert!(!hit(calendar_prop, OUTLOOK_EVENT));
}

#[test]
fn collations_on_real_text() {
    let obj = fixtures::thunderbird(
        "BEGIN:VEVENT\r\nUID:u\r\nDTSTART:20260101T100000Z\r\nSUMMARY:So ein ÄRGER mit der Straße\r\nEND:VEVENT\r\n",
    );
    let f = |collation: &str, text: &str| {
        format!(
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="SUMMARY"><C:text-match collation="{collation}">{text}</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter>"#
        )
    };
    assert!(hit(&f("i;unicode-casemap", "ärger"), &obj));
    assert!(hit(
        &f("i;unicode-casemap", "STRASSE").replace("STRASSE", "STRAßE"),
        &obj
    ));
    assert!(!hit(&f("i;ascii-casemap", "ärger"), &obj));
    assert!(hit(&f("i;ascii-casemap", "so ein ÄRGER"), &obj));
    assert!(hit(&f("i;octet", "ÄRGER"), &obj));
    assert!(!hit(&f("i;octet", "Ärger"), &obj));
}

#[test]
fn vtodo_and_vjournal_time_ranges() {
    let f = |comp: &str, start: &str, end: &str| {
        format!(
            r#"<C:comp-filter name="VCALENDAR"><C:comp-filter name="{comp}"><C:time-range start="{start}" end="{end}"/></C:comp-filter></C:comp-filter>"#
        )
    };
    let undated = fixtures::todo("SUMMARY:someday\r\n");
    assert!(hit(&f("VTODO", "19000101T000000Z", "19000102T000000Z"), &undated));
    let due = fixtures::todo("DUE:20260110T120000Z\r\n");
    assert!(hit(&f("VTODO", "20260110T000000Z", "20260110T120000Z"), &due));
    assert!(!hit(&f("VTODO", "20260110T120000Z", "20260111T000000Z"), &due));
    // A recurring task: every day from the 5th, one hour.
    let daily = fixtures::todo("DTSTART:20260105T090000Z\r\nDUE:20260105T100000Z\r\nRRULE:FREQ=DAILY;COUNT=3\r\n");
    assert!(hit(&f("VTODO", "20260107T093000Z", "20260107T094000Z"), &daily));
    assert!(!hit(&f("VTODO", "20260108T093000Z", "20260108T094000Z"), &daily));
    let journal = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VJOURNAL\r\nUID:j\r\nDTSTART;VALUE=DATE:20260105\r\nEND:VJOURNAL\r\nEND:VCALENDAR\r\n";
    assert!(hit(&f("VJOURNAL", "20260105T120000Z", "20260105T130000Z"), journal));
    assert!(!hit(&f("VJOURNAL", "20260106T000000Z", "20260107T000000Z"), journal));
}

#[test]
fn unparseable_objects_never_match() {
    let q = query(r#"<C:comp-filter name="VCALENDAR"/>"#);
    assert!(!matches(&q.filter, b"not a calendar", &FloatingZone::utc()));
    assert!(!matches(&q.filter, b"BEGIN:VCALENDAR\r\n", &FloatingZone::utc()));
}

#[test]
fn a_time_range_on_vcalendar_means_any_component() {
    let filter = |start: &str, end: &str| {
        format!(r#"<C:comp-filter name="VCALENDAR"><C:time-range start="{start}" end="{end}"/></C:comp-filter>"#)
    };
    let hits = appendix_hits(&filter("20060104T000000Z", "20060105T000000Z"));
    assert!(hits.contains(&"abcd2") && hits.contains(&"abcd3"), "{hits:?}");
    assert!(appendix_hits(&filter("19000101T000000Z", "19000102T000000Z")).is_empty());
}
