use super::*;

const MEETING: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:m1\r\n\
DTSTAMP:20261207T100000Z\r\nDTSTART:20261210T090000Z\r\nDTEND:20261210T100000Z\r\nSUMMARY:Plan\r\nSEQUENCE:2\r\n\
ORGANIZER;CN=Alice:mailto:Alice@Example.com\r\n\
ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com\r\n\
ATTENDEE;RSVP=TRUE;SCHEDULE-FORCE-SEND=REQUEST:MAILTO:Bob@example.com\r\n\
ATTENDEE;SCHEDULE-AGENT=CLIENT;PARTSTAT=TENTATIVE:mailto:carol@example.com\r\n\
BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:organizer's alarm\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n\
END:VEVENT\r\nEND:VCALENDAR\r\n";

#[test]
fn reads_the_meeting() {
    let m = meeting(MEETING.as_bytes()).unwrap();
    assert_eq!(m.uid, "m1");
    assert_eq!(m.organizer.address, "alice@example.com");
    assert_eq!(m.sequence, 2);
    assert!(!m.cancelled);
    let bob = m.attendee("bob@example.com").unwrap();
    assert_eq!(bob.partstat, "NEEDS-ACTION");
    assert!(bob.force_send);
    assert_eq!(bob.agent, Agent::Server);
    assert_eq!(m.attendee("carol@example.com").unwrap().agent, Agent::Client);
    assert_eq!(m.attendees.len(), 3);
}

#[test]
fn objects_without_an_organizer_are_not_meetings() {
    let plain = MEETING.replace("ORGANIZER;CN=Alice:mailto:Alice@Example.com\r\n", "");
    assert_eq!(meeting(plain.as_bytes()), None);
    assert_eq!(meeting(b"not a calendar"), None);
}

#[test]
fn addresses_compare_without_scheme_and_case() {
    assert_eq!(address_key(" MAILTO:Bob@Example.COM "), "bob@example.com");
    assert_eq!(address_key("/dav/principals/bob/"), "/dav/principals/bob/");
}

#[test]
fn attendee_copy_keeps_the_attendees_own_alarms() {
    let previous = MEETING
        .replace("organizer's alarm", "bob's alarm")
        .replace("SUMMARY:Plan\r\n", "SUMMARY:Plan\r\nTRANSP:TRANSPARENT\r\n");
    let copy = attendee_copy(MEETING.as_bytes(), Some(previous.as_bytes())).unwrap();
    assert!(copy.contains("bob's alarm"), "{copy}");
    assert!(!copy.contains("organizer's alarm"), "{copy}");
    assert!(copy.contains("TRANSP:TRANSPARENT"), "{copy}");
    assert!(!copy.contains("SCHEDULE-FORCE-SEND"), "{copy}");
    let first = attendee_copy(MEETING.as_bytes(), None).unwrap();
    assert!(!first.contains("VALARM"), "{first}");
    assert!(!first.contains("METHOD"), "{first}");
}

#[test]
fn messages_carry_their_method() {
    let req = message(MEETING.as_bytes(), Method::Request, None).unwrap();
    assert!(req.contains("METHOD:REQUEST\r\n"), "{req}");
    assert!(!req.contains("VALARM"));
    let cancel = message(MEETING.as_bytes(), Method::Cancel, Some("bob@example.com")).unwrap();
    assert!(
        cancel.contains("METHOD:CANCEL\r\n") && cancel.contains("STATUS:CANCELLED"),
        "{cancel}"
    );
    assert!(
        cancel.contains("Bob@example.com") && !cancel.contains("carol@"),
        "{cancel}"
    );
    let reply = message(MEETING.as_bytes(), Method::Reply, Some("carol@example.com")).unwrap();
    assert!(reply.contains("METHOD:REPLY\r\n") && reply.contains("carol@") && !reply.contains("Bob@"));
    assert!(meeting(cancel.as_bytes()).unwrap().cancelled);
}

#[test]
fn answers_go_to_the_organizers_copy() {
    let answered = MEETING.replace("ATTENDEE;RSVP=TRUE;", "ATTENDEE;PARTSTAT=DECLINED;");
    let got = answers(answered.as_bytes(), "bob@example.com");
    assert_eq!(got, vec![(None, "DECLINED".to_string())]);
    let updated = with_answers(MEETING.as_bytes(), "bob@example.com", &got, Some("2.0")).unwrap();
    let m = meeting(updated.as_bytes()).unwrap();
    assert_eq!(m.attendee("bob@example.com").unwrap().partstat, "DECLINED");
    assert_eq!(m.attendee("carol@example.com").unwrap().partstat, "TENTATIVE");
    assert!(updated.contains("SCHEDULE-STATUS"), "{updated}");
}

#[test]
fn overrides_pair_by_recurrence_id() {
    let series = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:r\r\nDTSTAMP:20261207T100000Z\r\n\
DTSTART:20261210T090000Z\r\nRRULE:FREQ=DAILY;COUNT=3\r\nORGANIZER:mailto:a@x\r\nATTENDEE:mailto:b@x\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:r\r\nDTSTAMP:20261207T100000Z\r\nRECURRENCE-ID:20261211T090000Z\r\nDTSTART:20261211T100000Z\r\n\
ORGANIZER:mailto:a@x\r\nATTENDEE:mailto:b@x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let answered = series
        .replacen(
            "ATTENDEE:mailto:b@x\r\nEND:VEVENT\r\nBEGIN",
            "ATTENDEE;PARTSTAT=ACCEPTED:mailto:b@x\r\nEND:VEVENT\r\nBEGIN",
            1,
        )
        .replace(
            "ATTENDEE:mailto:b@x\r\nEND:VEVENT\r\nEND:VCALENDAR",
            "ATTENDEE;PARTSTAT=DECLINED:mailto:b@x\r\nEND:VEVENT\r\nEND:VCALENDAR",
        );
    let got = answers(answered.as_bytes(), "b@x");
    assert_eq!(got.len(), 2);
    assert_eq!(got[0], (None, "ACCEPTED".to_string()));
    assert_eq!(got[1].1, "DECLINED");
    let updated = with_answers(series.as_bytes(), "b@x", &got, Some("2.0")).unwrap();
    assert_eq!(answers(updated.as_bytes(), "b@x"), got);
}

#[test]
fn statuses_and_room_answers_land_on_the_organizers_copy() {
    let deliveries = [
        Delivery {
            address: "bob@example.com".into(),
            status: "1.2",
            partstat: None,
        },
        Delivery {
            address: "carol@example.com".into(),
            status: "1.2",
            partstat: Some("DECLINED"),
        },
    ];
    let out = with_statuses(MEETING.as_bytes(), &deliveries).unwrap();
    assert!(!out.contains("SCHEDULE-FORCE-SEND"), "{out}");
    let m = meeting(out.as_bytes()).unwrap();
    assert_eq!(m.attendee("carol@example.com").unwrap().partstat, "DECLINED");
    assert_eq!(out.matches("SCHEDULE-STATUS").count(), 2, "{out}");
    assert!(
        out.contains("organizer's alarm"),
        "the organizer's own copy keeps its alarms"
    );
}

#[test]
fn a_cancelled_copy_is_cancelled_everywhere() {
    let out = cancelled(MEETING.as_bytes()).unwrap();
    assert!(meeting(out.as_bytes()).unwrap().cancelled);
    assert_eq!(out.matches("STATUS:CANCELLED").count(), 1);
}

#[test]
fn broken_input_is_an_error_not_a_panic() {
    for bad in [&b""[..], b"BEGIN:VCALENDAR\r\n", b"\xff\xfe"] {
        assert!(attendee_copy(bad, None).is_err());
        assert!(message(bad, Method::Request, None).is_err());
        assert!(with_statuses(bad, &[]).is_err());
        assert!(answers(bad, "a@x").is_empty());
    }
}

const FB_REQUEST: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nMETHOD:REQUEST\r\nBEGIN:VFREEBUSY\r\n\
UID:fb1\r\nDTSTAMP:20261207T100000Z\r\nDTSTART:20261210T000000Z\r\nDTEND:20261211T000000Z\r\n\
ORGANIZER:mailto:alice@example.com\r\nATTENDEE:mailto:bob@example.com\r\nATTENDEE:mailto:room@example.com\r\n\
END:VFREEBUSY\r\nEND:VCALENDAR\r\n";

#[test]
fn reads_a_free_busy_request_and_answers_it() {
    let req = freebusy_request(FB_REQUEST.as_bytes()).unwrap();
    assert_eq!(req.attendees.len(), 2);
    assert_eq!(req.end - req.start, 86_400);
    let busy = [crate::BusyPeriod {
        start: req.start + 3600,
        end: req.start + 7200,
        kind: crate::BusyKind::Busy,
    }];
    let reply = freebusy_reply(&req, "mailto:bob@example.com", &busy, req.start);
    assert!(reply.contains("METHOD:REPLY\r\n"), "{reply}");
    assert!(
        reply.contains("FREEBUSY;FBTYPE=BUSY:20261210T010000Z/20261210T020000Z\r\n"),
        "{reply}"
    );
    assert!(crate::ParsedObject::parse(reply.as_bytes()).is_ok());
}

#[test]
fn refuses_what_is_not_a_free_busy_request() {
    for (bad, why) in [
        (FB_REQUEST.replace("METHOD:REQUEST", "METHOD:PUBLISH"), "METHOD"),
        (FB_REQUEST.replace("DTEND:20261211T000000Z\r\n", ""), "DTEND"),
        (
            FB_REQUEST.replace(
                "ATTENDEE:mailto:bob@example.com\r\nATTENDEE:mailto:room@example.com\r\n",
                "",
            ),
            "ATTENDEE",
        ),
        (FB_REQUEST.replace("VFREEBUSY", "VEVENT"), "VFREEBUSY"),
        (FB_REQUEST.replace("DTEND:20261211", "DTEND:20261209"), "after"),
    ] {
        let err = freebusy_request(bad.as_bytes()).unwrap_err().to_string();
        assert!(err.contains(why), "{why}: {err}");
    }
}

const EXCHANGE_REPLY: &str = "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nPRODID:Microsoft Exchange Server 2010\r\n\
VERSION:2.0\r\nBEGIN:VEVENT\r\nATTENDEE;PARTSTAT=ACCEPTED;CN=Guest:mailto:Guest@Example.org\r\n\
SUMMARY:Accepted: Plan\r\nDTSTART:20270101T100000Z\r\nDTEND:20270101T110000Z\r\nUID:m1\r\n\
SEQUENCE:2\r\nDTSTAMP:20261201T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

#[test]
fn reads_a_reply_without_an_organizer() {
    let r = incoming_reply(EXCHANGE_REPLY.as_bytes()).unwrap();
    assert_eq!(r.uid, "m1");
    assert_eq!(r.organizer, None);
    assert_eq!(r.sequence, 2);
    assert_eq!(r.attendees.len(), 1);
    assert_eq!(
        (r.attendees[0].address.as_str(), r.attendees[0].partstat.as_str()),
        ("guest@example.org", "ACCEPTED")
    );
    assert_eq!(
        answers(EXCHANGE_REPLY.as_bytes(), "guest@example.org"),
        vec![(None, "ACCEPTED".to_string())]
    );
}

#[test]
fn only_replies_are_incoming_replies() {
    let request = EXCHANGE_REPLY.replace("METHOD:REPLY", "METHOD:REQUEST");
    assert_eq!(incoming_reply(request.as_bytes()), None);
    let no_method = EXCHANGE_REPLY.replace("METHOD:REPLY\r\n", "");
    assert_eq!(incoming_reply(no_method.as_bytes()), None);
    let nobody = EXCHANGE_REPLY.replace("ATTENDEE;PARTSTAT=ACCEPTED;CN=Guest:mailto:Guest@Example.org\r\n", "");
    assert_eq!(incoming_reply(nobody.as_bytes()), None);
    assert_eq!(incoming_reply(b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\n"), None);
    assert_eq!(incoming_reply(b"\xff\xfe garbage"), None);
}

#[test]
fn only_changes_attendees_care_about_are_significant() {
    let m = MEETING.as_bytes();
    let restamped = MEETING
        .replace("DTSTAMP:20261207T100000Z", "DTSTAMP:20261208T110000Z")
        .replace("TRIGGER:-PT15M", "TRIGGER:-PT5M")
        .replace("SEQUENCE:2\r\n", "SEQUENCE:2\r\nX-MOZ-GENERATION:3\r\n")
        .replace("ATTENDEE;RSVP=TRUE;", "ATTENDEE;SCHEDULE-STATUS=1.2;RSVP=TRUE;");
    assert!(!significant_change(m, restamped.as_bytes()));
    assert!(!significant_change(m, m));
    let moved = MEETING.replace("DTSTART:20261210T090000Z", "DTSTART:20261210T080000Z");
    assert!(significant_change(m, moved.as_bytes()));
    let renamed = MEETING.replace("SUMMARY:Plan", "SUMMARY:Plan B");
    assert!(significant_change(m, renamed.as_bytes()));
    let fewer = MEETING.replace(
        "ATTENDEE;SCHEDULE-AGENT=CLIENT;PARTSTAT=TENTATIVE:mailto:carol@example.com\r\n",
        "",
    );
    assert!(significant_change(m, fewer.as_bytes()));
    assert!(significant_change(m, b"garbage"));
}

#[test]
fn a_grantees_meeting_becomes_the_owners_sent_by_the_grantee() {
    let by_bob = MEETING
        .replace(
            "ORGANIZER;CN=Alice:mailto:Alice@Example.com",
            "ORGANIZER;CN=Bob:mailto:bob@example.com",
        )
        .replace("ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.com\r\n", "")
        .replace(
            "ATTENDEE;RSVP=TRUE;SCHEDULE-FORCE-SEND=REQUEST:MAILTO:Bob@example.com",
            "ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.com",
        );
    let text = organized_for(
        by_bob.as_bytes(),
        "mailto:alice@example.com",
        Some("Alice \"A\""),
        "mailto:bob@example.com",
    )
    .unwrap();
    let unfolded = text.replace("\r\n ", "");
    assert!(unfolded.contains("SENT-BY=\"mailto:bob@example.com\""), "{unfolded}");
    let m = meeting(text.as_bytes()).unwrap();
    assert_eq!(m.organizer.address, "alice@example.com");
    assert_eq!(m.organizer.name.as_deref(), Some("Alice A"));
    assert!(
        m.attendee("alice@example.com").is_some() && m.attendee("bob@example.com").is_none(),
        "{unfolded}"
    );
    assert!(m.attendee("carol@example.com").is_some());
    assert_eq!(
        organized_for(by_bob.as_bytes(), "mailto:a\"b@x", None, "mailto:bob@example.com"),
        None
    );
    assert_eq!(
        organized_for(b"garbage", "mailto:alice@example.com", None, "mailto:bob@example.com"),
        None
    );
}

#[test]
fn roles_links_and_zone_rules_are_significant_too() {
    let m = MEETING.as_bytes();
    let chair = MEETING.replace("ATTENDEE;RSVP=TRUE;", "ATTENDEE;ROLE=CHAIR;RSVP=TRUE;");
    assert!(significant_change(m, chair.as_bytes()));
    let linked = MEETING.replace("SUMMARY:Plan\r\n", "SUMMARY:Plan\r\nURL:https://meet.example/plan\r\n");
    assert!(significant_change(m, linked.as_bytes()));
    let zone = |offset: &str| {
        MEETING.replace(
            "BEGIN:VEVENT",
            &format!(
                "BEGIN:VTIMEZONE\r\nTZID:Plant\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:{offset}\r\n\
                 TZOFFSETTO:{offset}\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT"
            ),
        )
    };
    assert!(significant_change(zone("+0300").as_bytes(), zone("+0400").as_bytes()));
    assert!(!significant_change(zone("+0300").as_bytes(), zone("+0300").as_bytes()));
}

#[test]
fn the_series_sequence_is_the_masters() {
    let moved = MEETING.replace(
        "END:VEVENT\r\nEND:VCALENDAR",
        "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:m1\r\nDTSTAMP:20261207T100000Z\r\nRECURRENCE-ID:20261217T090000Z\r\n\
         DTSTART:20261217T100000Z\r\nDTEND:20261217T110000Z\r\nSEQUENCE:5\r\nORGANIZER:mailto:alice@example.com\r\n\
         END:VEVENT\r\nEND:VCALENDAR",
    );
    assert_eq!(series_sequence(moved.as_bytes()), 2);
    assert_eq!(meeting(moved.as_bytes()).unwrap().sequence, 5);
    assert_eq!(series_sequence(b"garbage"), 0);
}
