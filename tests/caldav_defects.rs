//! The CalDAV defects an independent conformance run found, one test each, asserting the
//! RFC precondition element of the answer: COPY and MOVE of objects between calendars
//! (RFC 4918 §9.8–§9.9 with RFC 4791 §5.3.2.1), a PUT that changes an object's UID (409
//! `no-uid-conflict`), `calendar-timezone` checked on MKCALENDAR and PROPPATCH (403
//! `valid-calendar-data`), MKCALENDAR on an existing URL (403 `resource-must-be-null`) and
//! inside a calendar (403 `calendar-collection-location-ok`), an invalid filter (403
//! `valid-filter`, RFC 4791 §7.8), a VTIMEZONE of no known name read by its own rules, and the
//! `expand-property` REPORT (RFC 3253 §3.8) on principals.

mod common;

use common::TestServer;

const A: (&str, &str) = ("alice", "alice-pw");
const B: (&str, &str) = ("bob", "bob-pw");
const CAL: &str = "/dav/calendars/alice/calendar/";

async fn server() -> TestServer {
    let s = TestServer::start().await;
    s.add_user(A.0, A.1).await;
    s.add_user(B.0, B.1).await;
    s
}

fn event(uid: &str, summary: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Portico tests//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\n\
         DTSTAMP:20300101T000000Z\r\nDTSTART:20300105T100000Z\r\nDTEND:20300105T110000Z\r\nSUMMARY:{summary}\r\n\
         END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

async fn send(
    s: &TestServer,
    who: (&str, &str),
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    let mut req = s.req_as(who.0, who.1, method, path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.body(body.to_owned()).send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

async fn put(s: &TestServer, path: &str, body: &str) -> u16 {
    send(s, A, "PUT", path, &[("Content-Type", "text/calendar")], body)
        .await
        .0
}

async fn mkcalendar(s: &TestServer, path: &str, body: &str) -> (u16, String) {
    send(s, A, "MKCALENDAR", path, &[], body).await
}

fn condition(body: &str, name: &str) -> bool {
    body.contains(&format!(":{name}")) || body.contains(&format!("<{name}"))
}

#[tokio::test]
async fn objects_are_copied_and_moved_between_calendars() {
    let s = server().await;
    assert_eq!(mkcalendar(&s, "/dav/calendars/alice/work/", "").await.0, 201);
    assert_eq!(put(&s, &format!("{CAL}a.ics"), &event("uid-a", "Planning")).await, 201);
    let dest = |p: &str| s.url(p);

    // MOVE to another calendar: 201, gone from the source, there at the destination.
    let (st, _) = send(
        &s,
        A,
        "MOVE",
        &format!("{CAL}a.ics"),
        &[("Destination", &dest("/dav/calendars/alice/work/a.ics"))],
        "",
    )
    .await;
    assert_eq!(st, 201);
    assert_eq!(send(&s, A, "GET", &format!("{CAL}a.ics"), &[], "").await.0, 404);
    let (st, body) = send(&s, A, "GET", "/dav/calendars/alice/work/a.ics", &[], "").await;
    assert_eq!(st, 200);
    assert!(body.contains("UID:uid-a"));

    // COPY back: both exist.
    let (st, _) = send(
        &s,
        A,
        "COPY",
        "/dav/calendars/alice/work/a.ics",
        &[("Destination", &dest(&format!("{CAL}a.ics")))],
        "",
    )
    .await;
    assert_eq!(st, 201);
    assert_eq!(send(&s, A, "GET", &format!("{CAL}a.ics"), &[], "").await.0, 200);
    assert_eq!(
        send(&s, A, "GET", "/dav/calendars/alice/work/a.ics", &[], "").await.0,
        200
    );

    // A second copy in the same calendar would hold the UID twice: 409 no-uid-conflict.
    let (st, body) = send(
        &s,
        A,
        "COPY",
        &format!("{CAL}a.ics"),
        &[("Destination", &dest(&format!("{CAL}a-copy.ics")))],
        "",
    )
    .await;
    assert_eq!(st, 409, "{body}");
    assert!(condition(&body, "no-uid-conflict"), "{body}");
    // A rename (MOVE in the calendar) keeps the UID and is fine.
    let (st, body) = send(
        &s,
        A,
        "MOVE",
        &format!("{CAL}a.ics"),
        &[("Destination", &dest(&format!("{CAL}renamed.ics")))],
        "",
    )
    .await;
    assert_eq!(st, 201, "{body}");
    assert_eq!(send(&s, A, "GET", &format!("{CAL}renamed.ics"), &[], "").await.0, 200);

    // Overwrite: F onto an existing object: 412; T replaces it (204).
    assert_eq!(put(&s, &format!("{CAL}b.ics"), &event("uid-b", "Other")).await, 201);
    let (st, _) = send(
        &s,
        A,
        "COPY",
        "/dav/calendars/alice/work/a.ics",
        &[("Destination", &dest(&format!("{CAL}b.ics"))), ("Overwrite", "F")],
        "",
    )
    .await;
    assert_eq!(st, 412);
    // Not into something that is not a calendar.
    let (st, body) = send(
        &s,
        A,
        "MOVE",
        &format!("{CAL}b.ics"),
        &[("Destination", &dest("/dav/calendars/alice/b.ics"))],
        "",
    )
    .await;
    assert_eq!(st, 403, "{body}");
    assert!(condition(&body, "calendar-collection-location-ok"), "{body}");
    let (st, body) = send(
        &s,
        A,
        "MOVE",
        &format!("{CAL}b.ics"),
        &[("Destination", &dest("/docs/users/alice/b.ics"))],
        "",
    )
    .await;
    assert_eq!(st, 403, "{body}");
    // Not into a calendar of a user who gave no write access.
    let (st, _) = send(
        &s,
        A,
        "COPY",
        &format!("{CAL}b.ics"),
        &[("Destination", &dest("/dav/calendars/bob/calendar/b.ics"))],
        "",
    )
    .await;
    assert!(st == 403 || st == 404, "{st}");
    // A task list takes no events (its component set): 403 supported-calendar-component.
    let (st, body) = send(
        &s,
        A,
        "COPY",
        &format!("{CAL}b.ics"),
        &[("Destination", &dest("/dav/calendars/alice/tasks/b.ics"))],
        "",
    )
    .await;
    assert_eq!(st, 403, "{body}");
    assert!(condition(&body, "supported-calendar-component"), "{body}");
    assert_eq!(
        send(&s, A, "GET", &format!("{CAL}b.ics"), &[], "").await.0,
        200,
        "the source stays"
    );
    s.shutdown().await;
}

#[tokio::test]
async fn a_put_cannot_change_an_objects_uid() {
    let s = server().await;
    assert_eq!(put(&s, &format!("{CAL}x.ics"), &event("uid-x", "One")).await, 201);
    let (st, body) = send(
        &s,
        A,
        "PUT",
        &format!("{CAL}x.ics"),
        &[("Content-Type", "text/calendar")],
        &event("uid-other", "Two"),
    )
    .await;
    assert_eq!(st, 409, "{body}");
    assert!(condition(&body, "no-uid-conflict"), "{body}");
    let (_, stored) = send(&s, A, "GET", &format!("{CAL}x.ics"), &[], "").await;
    assert!(stored.contains("UID:uid-x") && stored.contains("SUMMARY:One"));
    // The same UID may be rewritten.
    assert_eq!(put(&s, &format!("{CAL}x.ics"), &event("uid-x", "Three")).await, 204);
    s.shutdown().await;
}

const BAD_TIMEZONE: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

#[tokio::test]
async fn calendar_timezone_must_be_one_vtimezone() {
    let s = server().await;
    let mk = format!(
        "<?xml version=\"1.0\"?><C:mkcalendar xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:set><D:prop>\
         <C:calendar-timezone>{BAD_TIMEZONE}</C:calendar-timezone></D:prop></D:set></C:mkcalendar>"
    );
    let (st, body) = mkcalendar(&s, "/dav/calendars/alice/tz/", &mk).await;
    assert_eq!(st, 403, "{body}");
    assert!(condition(&body, "valid-calendar-data"), "{body}");
    assert_eq!(
        send(&s, A, "PROPFIND", "/dav/calendars/alice/tz/", &[("Depth", "0")], "")
            .await
            .0,
        404,
        "nothing made"
    );

    let patch = "<?xml version=\"1.0\"?><D:propertyupdate xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:set><D:prop>\
         <D:displayname>Renamed</D:displayname><C:calendar-timezone>not a calendar</C:calendar-timezone></D:prop></D:set></D:propertyupdate>";
    let (st, body) = send(&s, A, "PROPPATCH", CAL, &[], patch).await;
    assert_eq!(st, 403, "{body}");
    assert!(condition(&body, "valid-calendar-data"), "{body}");
    let (_, props) = send(&s, A, "PROPFIND", CAL, &[("Depth", "0")], "").await;
    assert!(!props.contains("Renamed"), "nothing applied: {props}");

    // A real VTIMEZONE is taken.
    let good = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nBEGIN:STANDARD\r\n\
                DTSTART:19701025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n";
    let patch = format!(
        "<?xml version=\"1.0\"?><D:propertyupdate xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:set><D:prop>\
         <C:calendar-timezone>{good}</C:calendar-timezone></D:prop></D:set></D:propertyupdate>"
    );
    assert_eq!(send(&s, A, "PROPPATCH", CAL, &[], &patch).await.0, 207);
    s.shutdown().await;
}

#[tokio::test]
async fn mkcalendar_needs_an_empty_place_outside_calendars() {
    let s = server().await;
    let (st, body) = mkcalendar(&s, CAL, "").await;
    assert_eq!(st, 403, "{body}");
    assert!(condition(&body, "resource-must-be-null"), "{body}");
    for method in ["MKCALENDAR", "MKCOL"] {
        let (st, body) = send(&s, A, method, &format!("{CAL}inner/"), &[], "").await;
        assert_eq!(st, 403, "{method}: {body}");
        assert!(condition(&body, "calendar-collection-location-ok"), "{method}: {body}");
    }
    s.shutdown().await;
}

#[tokio::test]
async fn an_invalid_filter_is_a_failed_precondition() {
    let s = server().await;
    let query = "<?xml version=\"1.0\"?><C:calendar-query xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">\
                 <D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name=\"VCALENDAR\"><C:comp-filter name=\"VEVENT\">\
                 <C:time-range start=\"20300201T000000Z\" end=\"20300101T000000Z\"/></C:comp-filter></C:comp-filter></C:filter>\
                 </C:calendar-query>";
    let (st, body) = send(&s, A, "REPORT", CAL, &[("Depth", "1")], query).await;
    assert_eq!(st, 403, "{body}");
    assert!(condition(&body, "valid-filter"), "{body}");
    s.shutdown().await;
}

fn time_range_query(start: &str, end: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><C:calendar-query xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">\
         <D:prop><D:getetag/></D:prop><C:filter><C:comp-filter name=\"VCALENDAR\"><C:comp-filter name=\"VEVENT\">\
         <C:time-range start=\"{start}\" end=\"{end}\"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"
    )
}

/// An event at 10:00 in a zone named neither by IANA nor by Windows keeps the zone's daylight
/// time: in July it is 14:00 UTC (EDT), not 15:00 (the standard offset, fixed).
#[tokio::test]
async fn a_custom_vtimezone_is_read_by_its_own_rules() {
    let s = server().await;
    let event = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Portico tests//EN\r\nBEGIN:VTIMEZONE\r\n\
                 TZID:Customized Time Zone\r\nBEGIN:STANDARD\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:-0400\r\n\
                 TZOFFSETTO:-0500\r\nRRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\n\
                 DTSTART:16010101T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nRRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3\r\n\
                 END:DAYLIGHT\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nUID:custom-tz\r\nDTSTAMP:20300101T000000Z\r\n\
                 DTSTART;TZID=Customized Time Zone:20270715T100000\r\nDTEND;TZID=Customized Time Zone:20270715T103000\r\n\
                 SUMMARY:Summer\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    assert_eq!(put(&s, &format!("{CAL}custom-tz.ics"), event).await, 201);
    let (st, at_14) = send(
        &s,
        A,
        "REPORT",
        CAL,
        &[("Depth", "1")],
        &time_range_query("20270715T140000Z", "20270715T142000Z"),
    )
    .await;
    assert_eq!(st, 207, "{at_14}");
    assert!(at_14.contains("custom-tz.ics"), "10:00 EDT is 14:00 UTC: {at_14}");
    let (_, at_15) = send(
        &s,
        A,
        "REPORT",
        CAL,
        &[("Depth", "1")],
        &time_range_query("20270715T150000Z", "20270715T152000Z"),
    )
    .await;
    assert!(!at_15.contains("custom-tz.ics"), "not 15:00 UTC: {at_15}");
    s.shutdown().await;
}

/// RFC 3253 §3.8 `expand-property` on a principal: its properties, and the principal an
/// href-valued one names expanded into a `DAV:response` of the nested properties; a property
/// it lacks is 404; `supported-report-set` lists the report.
#[tokio::test]
async fn expand_property_expands_principals_in_place() {
    let s = server().await;
    let body = "<?xml version=\"1.0\"?><D:expand-property xmlns:D=\"DAV:\">\
                <D:property name=\"principal-URL\"><D:property name=\"displayname\"/>\
                <D:property name=\"calendar-user-address-set\" namespace=\"urn:ietf:params:xml:ns:caldav\"/></D:property>\
                <D:property name=\"calendar-home-set\" namespace=\"urn:ietf:params:xml:ns:caldav\"><D:property name=\"displayname\"/></D:property>\
                <D:property name=\"displayname\"/><D:property name=\"no-such-thing\" namespace=\"urn:x\"/>\
                </D:expand-property>";
    let (st, ms) = send(&s, B, "REPORT", "/dav/principals/users/alice/", &[("Depth", "0")], body).await;
    assert_eq!(st, 207, "{ms}");
    let doc = common::xml::parse(&ms).unwrap();
    let outer: Vec<_> = doc.children_named("DAV:", "response").collect();
    assert_eq!(outer.len(), 1, "{ms}");
    let url = outer[0].descendants("DAV:", "principal-URL");
    let inner = url[0]
        .child("DAV:", "response")
        .unwrap_or_else(|| panic!("principal-URL expanded: {ms}"));
    assert_eq!(
        common::href_path(&inner.child("DAV:", "href").unwrap().text()),
        "/dav/principals/users/alice/"
    );
    assert!(
        inner
            .descendants("DAV:", "displayname")
            .iter()
            .any(|d| d.text() == "alice"),
        "{ms}"
    );
    assert!(
        inner
            .descendants("urn:ietf:params:xml:ns:caldav", "calendar-user-address-set")
            .iter()
            .any(|a| a.text().contains("mailto:alice@example.test")),
        "{ms}"
    );
    // The home is no principal: its nested property is 404, inside the expansion.
    let home = outer[0].descendants("urn:ietf:params:xml:ns:caldav", "calendar-home-set");
    let home_response = home[0].child("DAV:", "response").unwrap_or_else(|| panic!("{ms}"));
    assert!(home_response.text().contains("404"), "{ms}");
    // The unknown property is 404 at the top.
    let missing = outer[0]
        .children_named("DAV:", "propstat")
        .find(|ps| !ps.descendants("urn:x", "no-such-thing").is_empty())
        .unwrap_or_else(|| panic!("{ms}"));
    assert!(missing.child("DAV:", "status").unwrap().text().contains("404"), "{ms}");
    let (_, set) = send(
        &s,
        B,
        "PROPFIND",
        "/dav/principals/users/alice/",
        &[("Depth", "0")],
        "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\"><D:prop><D:supported-report-set/></D:prop></D:propfind>",
    )
    .await;
    assert!(set.contains("expand-property"), "{set}");
    // A malformed request is a 400 with its reason, not a 207.
    let (st, _) = send(
        &s,
        B,
        "REPORT",
        "/dav/principals/users/alice/",
        &[],
        "<D:expand-property xmlns:D=\"DAV:\"><D:property/></D:expand-property>",
    )
    .await;
    assert_eq!(st, 400);
    s.shutdown().await;
}
