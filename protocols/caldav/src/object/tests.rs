//! Validation and indexing of real client data, and every refusal.

use super::*;
use crate::fixtures::{self, APPLE_EVENT, OUTLOOK_EVENT};
use crate::time::{TimeRange, parse_utc};

fn ts(s: &str) -> i64 {
    parse_utc(s).unwrap()
}

fn valid(text: &str) -> CalendarObject {
    validate_object(text.as_bytes(), &[], &crate::Limits::default()).unwrap_or_else(|e| panic!("{e}: {text}"))
}

fn error(text: &str) -> ObjectError {
    validate_object(text.as_bytes(), &[], &crate::Limits::default()).expect_err(text)
}

#[test]
fn thunderbird_event() {
    let o = valid(&fixtures::thunderbird_event());
    assert_eq!(o.uid, "5b1d7a7e-3c1f-4f7e-9a55-2f0c2f9a1e11");
    assert_eq!(o.kind, ComponentKind::Event);
    assert_eq!(o.summary.as_deref(), Some("Projektbesprechung"));
    assert_eq!(o.organizer.as_deref(), Some("mailto:anna.schmidt@example.com"));
    assert_eq!(o.attendees, vec!["mailto:bernd.maier@example.com".to_owned()]);
    assert!(!o.is_out_of_office && !o.is_private && !o.is_recurring);
    // 10:00–11:30 CET, alarm 15 minutes before.
    assert_eq!(
        o.index,
        TimeIndex {
            start: ts("20260112T084500Z"),
            end: ts("20260112T103000Z")
        }
    );
}

#[test]
fn apple_event() {
    let o = valid(APPLE_EVENT);
    assert_eq!(o.uid, "8A3F2C1B-5D6E-4F70-8192-A3B4C5D6E7F8");
    assert_eq!(o.summary.as_deref(), Some("Kaffee mit Lisa"));
    assert_eq!(o.index.start, ts("20260114T130000Z"));
    assert_eq!(o.index.end, ts("20260114T143000Z"));
}

#[test]
fn outlook_event_with_windows_zone() {
    let o = valid(OUTLOOK_EVENT);
    assert!(o.uid.starts_with("040000008200E000"));
    assert_eq!(o.summary.as_deref(), Some("Quartalsplanung"));
    assert_eq!(o.attendees, vec!["mailto:carla.weber@example.com".to_owned()]);
    // W. Europe Standard Time in July is CEST (+02:00).
    assert_eq!(o.index.start, ts("20260720T064500Z"));
    assert_eq!(o.index.end, ts("20260720T080000Z"));
    assert!(!o.is_out_of_office);
}

#[test]
fn all_day_absence_is_out_of_office_and_floating() {
    let o = valid(&fixtures::all_day_absence());
    assert!(o.is_out_of_office);
    // Dates are floating: widened by 14 hours either side.
    assert_eq!(o.index.start, ts("20260216T000000Z") - 14 * 3600);
    assert_eq!(o.index.end, ts("20260221T000000Z") + 14 * 3600);
}

#[test]
fn recurring_index_covers_moved_instances() {
    let o = valid(&fixtures::weekly_with_exceptions());
    assert!(o.is_recurring);
    assert_eq!(o.summary.as_deref(), Some("Jour fixe"));
    // First instance 08:00Z minus the 10-minute alarm; last (March 9th)
    // ends 08:30Z.
    assert_eq!(o.index.start, ts("20260105T075000Z"));
    assert_eq!(o.index.end, ts("20260309T083000Z"));
}

#[test]
fn unbounded_recurrence_has_open_end() {
    let o = valid(&fixtures::infinite_weekly());
    assert_eq!(o.index.start, ts("20200107T070000Z"));
    assert_eq!(o.index.end, i64::MAX);
    let far = TimeRange::new(parse_utc("20400101T000000Z"), parse_utc("20400102T000000Z")).unwrap();
    assert!(o.index.may_overlap(&far));
    let before = TimeRange::new(parse_utc("20190101T000000Z"), parse_utc("20200101T000000Z")).unwrap();
    assert!(!o.index.may_overlap(&before));
}

#[test]
fn todo_index_rows() {
    let index = |props: &str| valid(&fixtures::todo(props)).index;
    assert_eq!(
        index("DTSTART:20260105T090000Z\r\nDUE:20260106T090000Z\r\n"),
        TimeIndex {
            start: ts("20260105T090000Z"),
            end: ts("20260106T090000Z")
        }
    );
    assert_eq!(
        index("DTSTART:20260105T090000Z\r\nDURATION:PT2H\r\n"),
        TimeIndex {
            start: ts("20260105T090000Z"),
            end: ts("20260105T110000Z")
        }
    );
    assert_eq!(index("DUE:20260106T090000Z\r\n").start, ts("20260106T090000Z"));
    assert_eq!(
        index("COMPLETED:20260107T090000Z\r\nCREATED:20260101T090000Z\r\n"),
        TimeIndex {
            start: ts("20260101T090000Z"),
            end: ts("20260107T090000Z")
        }
    );
    assert_eq!(index("CREATED:20260101T090000Z\r\n").end, i64::MAX);
    assert_eq!(
        index(""),
        TimeIndex {
            start: i64::MIN,
            end: i64::MAX
        }
    );
}

#[test]
fn journal_without_date_never_overlaps() {
    let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VJOURNAL\r\nUID:j\r\nSUMMARY:note\r\nEND:VJOURNAL\r\nEND:VCALENDAR\r\n";
    let o = valid(text);
    assert_eq!(o.kind, ComponentKind::Journal);
    assert!(!o.index.may_overlap(&TimeRange::unbounded()));
}

#[test]
fn freebusy_and_appendix_objects_validate() {
    for (name, text) in fixtures::appendix_b() {
        let o =
            validate_object(text.as_bytes(), &[], &crate::Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        if name == "abcd8" {
            assert_eq!(o.kind, ComponentKind::FreeBusy);
            assert_eq!(o.index.start, ts("20060101T000000Z"));
        }
    }
}

#[test]
fn private_classes() {
    let event = |class: &str| fixtures::thunderbird_event().replace("CLASS:PUBLIC", class);
    assert!(valid(&event("CLASS:PRIVATE")).is_private);
    assert!(valid(&event("CLASS:CONFIDENTIAL")).is_private);
    assert!(valid(&event("CLASS:X-SECRET")).is_private);
    assert!(!valid(&event("CLASS:PUBLIC")).is_private);
}

#[test]
fn supported_components() {
    let todo = fixtures::todo("");
    assert!(validate_object(todo.as_bytes(), &[ComponentKind::Todo], &crate::Limits::default()).is_ok());
    assert_eq!(
        validate_object(todo.as_bytes(), &[ComponentKind::Event], &crate::Limits::default()),
        Err(ObjectError::UnsupportedComponent("VTODO".into()))
    );
    let availability =
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VAVAILABILITY\r\nUID:a\r\nEND:VAVAILABILITY\r\nEND:VCALENDAR\r\n";
    assert_eq!(
        error(availability),
        ObjectError::UnsupportedComponent("VAVAILABILITY".into())
    );
}

// ---- refusals ----

#[test]
fn malformed_data() {
    for bad in [
        "",
        "garbage",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:x\r\nEND:VCARD\r\n",
        "BEGIN:VEVENT\r\nUID:a\r\nEND:VEVENT\r\n",
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T000000Z\r\nEND:VEVENT\r\n",
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VTODO\r\nEND:VCALENDAR\r\n",
    ] {
        assert!(matches!(error(bad), ObjectError::Malformed(_)), "{bad}");
    }
    assert!(matches!(
        validate_object(
            b"BEGIN:VCALENDAR\r\nX:\xff\r\nEND:VCALENDAR\r\n",
            &[],
            &crate::Limits::default()
        ),
        Err(ObjectError::Malformed(_))
    ));
    let twice = format!("{}{}", fixtures::thunderbird_event(), fixtures::thunderbird_event());
    assert!(matches!(error(&twice), ObjectError::Malformed(_)));
}

#[test]
fn every_truncation_is_refused() {
    let text = fixtures::thunderbird_event();
    let end = text.len() - "END:VCALENDAR\r\n".len();
    for cut in (0..=end).filter(|c| text.is_char_boundary(*c)) {
        assert!(
            validate_object(&text.as_bytes()[..cut], &[], &crate::Limits::default()).is_err(),
            "{cut}"
        );
    }
}

#[test]
fn no_components() {
    assert_eq!(
        error("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n"),
        ObjectError::NoComponents
    );
    let only_zone = fixtures::thunderbird("");
    assert_eq!(error(&only_zone), ObjectError::NoComponents);
}

#[test]
fn method_is_refused() {
    let text = fixtures::thunderbird_event().replace("VERSION:2.0\r\n", "VERSION:2.0\r\nMETHOD:REQUEST\r\n");
    let e = error(&text);
    assert_eq!(e, ObjectError::MethodPresent);
    assert_eq!(e.precondition().name.local, "valid-calendar-object-resource");
}

#[test]
fn missing_uid() {
    let text = fixtures::thunderbird_event().replace("UID:5b1d7a7e-3c1f-4f7e-9a55-2f0c2f9a1e11\r\n", "");
    assert_eq!(error(&text), ObjectError::MissingUid("VEVENT".into()));
    let empty = fixtures::todo("").replace("UID:todo@example.com", "UID:  ");
    assert_eq!(error(&empty), ObjectError::MissingUid("VTODO".into()));
}

#[test]
fn two_uids() {
    let two = fixtures::thunderbird(
        "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T100000Z\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:b\r\nDTSTART:20260102T100000Z\r\nEND:VEVENT\r\n",
    );
    assert_eq!(error(&two), ObjectError::DifferentUids("a".into(), "b".into()));
    let override_uid = fixtures::weekly_with_exceptions().replacen(
        "UID:weekly-1@example.com\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID",
        "UID:other@example.com\r\nDTSTAMP:20260101T000000Z\r\nRECURRENCE-ID",
        1,
    );
    assert!(matches!(error(&override_uid), ObjectError::DifferentUids(..)));
}

#[test]
fn mixed_components() {
    let mixed = fixtures::thunderbird(
        "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T100000Z\r\nEND:VEVENT\r\nBEGIN:VTODO\r\nUID:a\r\nEND:VTODO\r\n",
    );
    let e = error(&mixed);
    assert_eq!(e, ObjectError::MixedComponents("VEVENT".into(), "VTODO".into()));
    assert_eq!(
        e.to_string(),
        "a calendar object resource must not mix VEVENT and VTODO components"
    );
    let availability = fixtures::thunderbird(
        "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T100000Z\r\nEND:VEVENT\r\nBEGIN:VAVAILABILITY\r\nUID:a\r\nEND:VAVAILABILITY\r\n",
    );
    assert_eq!(
        error(&availability),
        ObjectError::MixedComponents("VEVENT".into(), "VAVAILABILITY".into())
    );
    // Non-standard components may accompany the event (RFC 4791 §5.3.3).
    let extension = fixtures::thunderbird(
        "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T100000Z\r\nEND:VEVENT\r\nBEGIN:X-PORTICO-NOTE\r\nX-TEXT:hi\r\nEND:X-PORTICO-NOTE\r\n",
    );
    assert_eq!(valid(&extension).kind, ComponentKind::Event);
}

#[test]
fn duplicate_instances() {
    let masters = fixtures::thunderbird(
        "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T100000Z\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260102T100000Z\r\nEND:VEVENT\r\n",
    );
    assert!(matches!(error(&masters), ObjectError::DuplicateInstance(_)));
    let rid = "BEGIN:VEVENT\r\nUID:a\r\nRECURRENCE-ID:20260108T100000Z\r\nDTSTART:20260109T100000Z\r\nEND:VEVENT\r\n";
    let overrides = fixtures::thunderbird(&format!(
        "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T100000Z\r\nRRULE:FREQ=WEEKLY\r\nEND:VEVENT\r\n{rid}{rid}"
    ));
    assert!(matches!(error(&overrides), ObjectError::DuplicateInstance(_)));
}

#[test]
fn bad_values() {
    let event = |props: &str| fixtures::thunderbird(&format!("BEGIN:VEVENT\r\nUID:a\r\n{props}END:VEVENT\r\n"));
    assert_eq!(
        error(&event("SUMMARY:no start\r\n")),
        ObjectError::MissingProperty {
            component: "VEVENT".into(),
            property: "DTSTART"
        }
    );
    for (props, property) in [
        ("DTSTART:tomorrow\r\n", "DTSTART"),
        ("DTSTART:20260101T100000Z\r\nDTEND:later\r\n", "DTEND"),
        ("DTSTART:20260101T100000Z\r\nDURATION:an hour\r\n", "DURATION"),
        ("DTSTART:20260101T100000Z\r\nEXDATE:someday\r\n", "EXDATE"),
        ("DTSTART:20260101T100000Z\r\nRDATE:20260102T100000Z,never\r\n", "RDATE"),
        ("DTSTART:20260101T100000Z\r\nRECURRENCE-ID:x\r\n", "RECURRENCE-ID"),
        ("DTSTART:20260101T100000Z\r\nDTSTAMP:20261301T000000Z\r\n", "DTSTAMP"),
    ] {
        assert_eq!(
            error(&event(props)),
            ObjectError::InvalidValue {
                component: "VEVENT".into(),
                property: property.into()
            },
            "{props}"
        );
    }
}

#[test]
fn unknown_timezone() {
    let text =
        fixtures::thunderbird("BEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Mars/Olympus:20260101T100000\r\nEND:VEVENT\r\n");
    assert_eq!(error(&text), ObjectError::UnknownTimezone("Mars/Olympus".into()));
    // A well-known name without VTIMEZONE is accepted.
    let known = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=America/New_York:20260101T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    assert_eq!(valid(known).index.start, ts("20260101T150000Z"));
    // An alarm's TZID is checked too.
    let alarm = fixtures::thunderbird(
        "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T100000Z\r\nBEGIN:VALARM\r\nTRIGGER;VALUE=DATE-TIME;TZID=Nowhere:20260101T090000\r\nEND:VALARM\r\nEND:VEVENT\r\n",
    );
    assert_eq!(error(&alarm), ObjectError::UnknownTimezone("Nowhere".into()));
}

#[test]
fn custom_vtimezone_without_known_name_is_accepted() {
    let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTIMEZONE\r\nTZID:My Zone\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0300\r\nTZOFFSETTO:+0300\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=My Zone:20260101T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    assert_eq!(valid(text).index.start, ts("20260101T070000Z"));
}

fn within(limits: &crate::Limits, body: &str) -> Result<CalendarObject, ObjectError> {
    validate_object(fixtures::thunderbird(body).as_bytes(), &[], limits)
}

#[test]
fn several_rrules_are_refused() {
    let body = "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T100000Z\r\nRRULE:FREQ=SECONDLY\r\nRRULE:FREQ=SECONDLY;INTERVAL=2\r\nEND:VEVENT\r\n";
    let e = error(&fixtures::thunderbird(body));
    assert_eq!(e, ObjectError::SeveralRules("VEVENT".into()));
    assert_eq!(e.precondition(), crate::conditions::valid_calendar_object_resource());
}

#[test]
fn the_advertised_limits_are_enforced() {
    let limits = crate::Limits {
        max_instances: 5,
        max_attendees_per_instance: 2,
        max_components: 10,
        ..crate::Limits::default()
    };
    let ev = |props: &str| format!("BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T100000Z\r\n{props}END:VEVENT\r\n");
    assert!(within(&limits, &ev("RRULE:FREQ=DAILY;COUNT=5\r\n")).is_ok());
    assert_eq!(
        within(&limits, &ev("RRULE:FREQ=DAILY;COUNT=6\r\n")),
        Err(ObjectError::TooManyInstances(5))
    );
    assert_eq!(
        within(&limits, &ev("RRULE:FREQ=MINUTELY;UNTIL=20260102T100000Z\r\n")),
        Err(ObjectError::TooManyInstances(5))
    );
    assert!(
        within(&limits, &ev("RRULE:FREQ=SECONDLY\r\n")).is_ok(),
        "an endless rule is an infinite set, which RFC 5545 allows"
    );
    let attendees = "ATTENDEE:mailto:a@x\r\nATTENDEE:mailto:b@x\r\nATTENDEE:mailto:c@x\r\n";
    let e = within(&limits, &ev(attendees)).unwrap_err();
    assert_eq!(e, ObjectError::TooManyAttendees(2));
    assert_eq!(e.precondition(), crate::conditions::max_attendees_per_instance());
    let alarms = "BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT1M\r\nEND:VALARM\r\n".repeat(10);
    assert_eq!(within(&limits, &ev(&alarms)), Err(ObjectError::TooManyComponents(10)));
}

#[test]
fn dates_outside_min_and_max_date_time_are_refused() {
    let early = "BEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:18991231\r\nEND:VEVENT\r\n";
    let e = error(&fixtures::thunderbird(early));
    assert!(
        matches!(&e, ObjectError::BeforeMinDate { property, .. } if property == "DTSTART"),
        "{e}"
    );
    assert_eq!(e.precondition(), crate::conditions::min_date_time());
    let late = "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T100000Z\r\nRDATE:22000101T000000Z\r\nEND:VEVENT\r\n";
    let e = error(&fixtures::thunderbird(late));
    assert!(
        matches!(&e, ObjectError::AfterMaxDate { property, .. } if property == "RDATE"),
        "{e}"
    );
    assert_eq!(e.precondition(), crate::conditions::max_date_time());
    // Outlook's time zones start in 1601: VTIMEZONE is not a calendar component.
    let outlook = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time\r\nBEGIN:STANDARD\r\nDTSTART:16010101T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=W. Europe Standard Time:20260101T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    assert!(valid(outlook).index.start > 0);
}
