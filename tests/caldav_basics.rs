//! CalDAV over real TCP: discovery, calendars, objects with validation and preconditions,
//! reports (calendar-query with recurrence, multiget, free-busy, sync-collection), getctag,
//! and privacy between users. Request bodies are those real clients send.

mod common;

use common::{DAV, TestServer, multistatus, response_for};

const CALDAV: &str = "urn:ietf:params:xml:ns:caldav";
const CS: &str = "http://calendarserver.org/ns/";
const A: (&str, &str) = ("alice", "alice-pw");
const B: (&str, &str) = ("bob", "bob-pw");

async fn server() -> TestServer {
    let s = TestServer::start().await;
    s.add_user(A.0, A.1).await;
    s.add_user(B.0, B.1).await;
    s
}

fn event(uid: &str, start: &str, end: &str, summary: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\r\n\
         BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20300101T000000Z\r\nDTSTART:{start}\r\nDTEND:{end}\r\n\
         SUMMARY:{summary}\r\nDESCRIPTION:secret agenda\r\nLOCATION:Room 1\r\n\
         ATTENDEE;CN=Bob:mailto:bob@example.test\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

const TODO: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Portico tests//EN\r\nBEGIN:VTODO\r\n\
UID:todo-1\r\nDTSTAMP:20300101T000000Z\r\nSUMMARY:Write report\r\nSTATUS:IN-PROCESS\r\nPERCENT-COMPLETE:40\r\n\
DUE:20300310T170000Z\r\nPRIORITY:1\r\nRELATED-TO;RELTYPE=PARENT:todo-parent\r\nCATEGORIES:Reports,Q1\r\n\
X-PORTICO-CUSTOM:kept\r\nEND:VTODO\r\nEND:VCALENDAR\r\n";

async fn put(s: &TestServer, who: (&str, &str), path: &str, body: &str) -> reqwest::Response {
    s.req_as(who.0, who.1, "PUT", path)
        .header("Content-Type", "text/calendar; charset=utf-8")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

async fn report(s: &TestServer, who: (&str, &str), path: &str, depth: &str, body: &str) -> (u16, String) {
    let resp = s
        .req_as(who.0, who.1, "REPORT", path)
        .header("Depth", depth)
        .header("Content-Type", "application/xml; charset=utf-8")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

const CAL: &str = "/dav/calendars/alice/calendar/";

#[tokio::test]
async fn discovery_from_the_server_root() {
    let s = server().await;
    let body = r#"<?xml version="1.0" encoding="UTF-8"?><D:propfind xmlns:D="DAV:"><D:prop><D:current-user-principal/></D:prop></D:propfind>"#;
    for path in ["/", "/dav/"] {
        let (status, text) = s.propfind_as(A.0, A.1, path, "0", body).await;
        assert_eq!(status, 207, "{path}: {text}");
        let rs = multistatus(&text);
        let cup = rs[0]
            .ok_prop(DAV, "current-user-principal")
            .expect("current-user-principal");
        assert_eq!(
            cup.child(DAV, "href").unwrap().text().trim(),
            "/dav/principals/users/alice/"
        );
    }
    let wk = s.request("PROPFIND", "/.well-known/caldav").send().await.unwrap();
    assert_eq!(wk.status().as_u16(), 301);
    assert_eq!(wk.headers()["location"], "/dav/");

    // Thunderbird asks the principal for its home and addresses.
    let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop>
<C:calendar-home-set/><C:calendar-user-address-set/><D:displayname/><D:principal-URL/><D:resourcetype/>
</D:prop></D:propfind>"#;
    let (status, text) = s.propfind_as(A.0, A.1, "/dav/principals/users/alice/", "0", body).await;
    assert_eq!(status, 207, "{text}");
    let r = &multistatus(&text)[0];
    let home = r.ok_prop(CALDAV, "calendar-home-set").expect("home set");
    assert_eq!(home.child(DAV, "href").unwrap().text().trim(), "/dav/calendars/alice/");
    let addresses: Vec<String> = r
        .ok_prop(CALDAV, "calendar-user-address-set")
        .unwrap()
        .children_named(DAV, "href")
        .map(|h| h.text().trim().to_owned())
        .collect();
    assert!(
        addresses.contains(&"mailto:alice@example.test".to_owned()),
        "{addresses:?}"
    );
    assert!(
        r.ok_prop(DAV, "resourcetype")
            .unwrap()
            .child(DAV, "principal")
            .is_some()
    );

    // The home lists the default calendar and task list with their component sets.
    let body = r#"<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:CS="http://calendarserver.org/ns/"><D:prop>
<D:resourcetype/><D:displayname/><C:supported-calendar-component-set/><CS:getctag/><D:sync-token/><D:current-user-privilege-set/>
</D:prop></D:propfind>"#;
    let (status, text) = s.propfind_as(A.0, A.1, "/dav/calendars/alice/", "1", body).await;
    assert_eq!(status, 207, "{text}");
    let rs = multistatus(&text);
    for (path, comp) in [
        ("/dav/calendars/alice/calendar/", "VEVENT"),
        ("/dav/calendars/alice/tasks/", "VTODO"),
    ] {
        let r = response_for(&rs, path).unwrap_or_else(|| panic!("{path} missing:\n{text}"));
        assert!(
            r.ok_prop(DAV, "resourcetype")
                .unwrap()
                .child(CALDAV, "calendar")
                .is_some()
        );
        let comps: Vec<String> = r
            .ok_prop(CALDAV, "supported-calendar-component-set")
            .unwrap()
            .children_named(CALDAV, "comp")
            .map(|c| c.attr("name").unwrap_or_default().to_owned())
            .collect();
        assert_eq!(comps, vec![comp.to_owned()]);
        assert!(r.ok_text(CS, "getctag").is_some());
        assert!(r.ok_text(DAV, "sync-token").is_some());
    }
    s.shutdown().await;
}

#[tokio::test]
async fn mkcalendar_with_properties_and_proppatch() {
    let s = server().await;
    let body = r#"<?xml version="1.0" encoding="utf-8" ?>
<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav" xmlns:A="http://apple.com/ns/ical/">
<D:set><D:prop><D:displayname>Work</D:displayname><C:calendar-description>Team events</C:calendar-description>
<A:calendar-color>#FF2968</A:calendar-color>
<C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set>
</D:prop></D:set></C:mkcalendar>"#;
    let resp = s
        .req_as(A.0, A.1, "MKCALENDAR", "/dav/calendars/alice/work/")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    let again = s
        .req_as(A.0, A.1, "MKCALENDAR", "/dav/calendars/alice/work/")
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 403, "exists (RFC 4791 §5.3.1.1)");
    assert!(again.text().await.unwrap().contains("resource-must-be-null"));

    let patch = r#"<D:propertyupdate xmlns:D="DAV:" xmlns:A="http://apple.com/ns/ical/"><D:set><D:prop>
<D:displayname>Work (team)</D:displayname><A:calendar-color>#00FF00</A:calendar-color></D:prop></D:set></D:propertyupdate>"#;
    let resp = s
        .req_as(A.0, A.1, "PROPPATCH", "/dav/calendars/alice/work/")
        .body(patch)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 207);
    let (_, text) = s
        .propfind_as(A.0, A.1, "/dav/calendars/alice/work/", "0",
            r#"<D:propfind xmlns:D="DAV:" xmlns:A="http://apple.com/ns/ical/" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:displayname/><A:calendar-color/><C:calendar-description/></D:prop></D:propfind>"#)
        .await;
    let r = &multistatus(&text)[0];
    assert_eq!(r.ok_text(DAV, "displayname").as_deref(), Some("Work (team)"));
    assert_eq!(
        r.ok_text("http://apple.com/ns/ical/", "calendar-color").as_deref(),
        Some("#00FF00")
    );
    assert_eq!(
        r.ok_text(CALDAV, "calendar-description").as_deref(),
        Some("Team events")
    );

    // The component set is fixed after creation.
    let patch = r#"<D:propertyupdate xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>
<C:supported-calendar-component-set><C:comp name="VTODO"/></C:supported-calendar-component-set></D:prop></D:set></D:propertyupdate>"#;
    let resp = s
        .req_as(A.0, A.1, "PROPPATCH", "/dav/calendars/alice/work/")
        .body(patch)
        .send()
        .await
        .unwrap();
    let text = resp.text().await.unwrap();
    assert_eq!(
        multistatus(&text)[0].prop_status(CALDAV, "supported-calendar-component-set"),
        Some(403),
        "{text}"
    );

    let resp = s
        .req_as(A.0, A.1, "DELETE", "/dav/calendars/alice/work/")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    let (status, _) = s.propfind_as(A.0, A.1, "/dav/calendars/alice/work/", "0", "").await;
    assert_eq!(status, 404);
    s.shutdown().await;
}

#[tokio::test]
async fn objects_are_stored_as_sent_and_validated() {
    let s = server().await;
    let ev = event("ev-1", "20300304T090000Z", "20300304T100000Z", "Budget");
    let resp = put(&s, A, &format!("{CAL}ev-1.ics"), &ev).await;
    assert_eq!(resp.status().as_u16(), 201);
    let etag = resp.headers()["etag"].to_str().unwrap().to_owned();
    let got = s
        .req_as(A.0, A.1, "GET", &format!("{CAL}ev-1.ics"))
        .send()
        .await
        .unwrap();
    assert_eq!(got.headers()["etag"].to_str().unwrap(), etag);
    assert!(
        got.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    assert_eq!(got.text().await.unwrap(), ev, "byte for byte");

    // Same bytes again: same ETag. If-Match with a stale ETag: 412, nothing changes.
    let resp = s
        .req_as(A.0, A.1, "PUT", &format!("{CAL}ev-1.ics"))
        .header("If-Match", &etag)
        .body(ev.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    assert_eq!(resp.headers()["etag"].to_str().unwrap(), etag);
    let changed = event("ev-1", "20300304T090000Z", "20300304T110000Z", "Budget (long)");
    let resp = s
        .req_as(A.0, A.1, "PUT", &format!("{CAL}ev-1.ics"))
        .header("If-Match", "\"stale\"")
        .body(changed)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 412);
    let resp = s
        .req_as(A.0, A.1, "PUT", &format!("{CAL}ev-1.ics"))
        .header("If-None-Match", "*")
        .body(ev.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 412);

    // Bad input gets the CalDAV precondition and stores nothing.
    let cases: [(&str, String, u16, &str); 5] = [
        (
            "garbage.ics",
            "this is not iCalendar".into(),
            403,
            "valid-calendar-data",
        ),
        (
            "truncated.ics",
            ev[..ev.len() / 2].to_owned(),
            403,
            "valid-calendar-data",
        ),
        (
            "two-uids.ics",
            ev.replace("END:VCALENDAR\r\n", "")
                + "BEGIN:VEVENT\r\nUID:other\r\nDTSTAMP:20300101T000000Z\r\nDTSTART:20300101T000000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            403,
            "valid-calendar-object-resource",
        ),
        ("todo.ics", TODO.into(), 403, "supported-calendar-component"),
        (
            "dup.ics",
            event("ev-1", "20300305T090000Z", "20300305T100000Z", "Dup"),
            409,
            "no-uid-conflict",
        ),
    ];
    for (name, body, code, precondition) in cases {
        let resp = put(&s, A, &format!("{CAL}{name}"), &body).await;
        assert_eq!(resp.status().as_u16(), code, "{name}");
        let text = resp.text().await.unwrap();
        assert!(text.contains(precondition), "{name}: {text}");
        if name == "dup.ics" {
            assert!(
                text.contains("/dav/calendars/alice/calendar/ev-1.ics"),
                "names the conflicting object: {text}"
            );
        }
        let get = s.req_as(A.0, A.1, "GET", &format!("{CAL}{name}")).send().await.unwrap();
        assert_eq!(get.status().as_u16(), 404, "{name} must not be stored");
    }

    let resp = s
        .req_as(A.0, A.1, "DELETE", &format!("{CAL}ev-1.ics"))
        .header("If-Match", "\"stale\"")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 412);
    let resp = s
        .req_as(A.0, A.1, "DELETE", &format!("{CAL}ev-1.ics"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    let resp = s
        .req_as(A.0, A.1, "DELETE", &format!("{CAL}ev-1.ics"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);
    s.shutdown().await;
}

#[tokio::test]
async fn tasks_round_trip_completely() {
    let s = server().await;
    let path = "/dav/calendars/alice/tasks/todo-1.ics";
    assert_eq!(put(&s, A, path, TODO).await.status().as_u16(), 201);
    let got = s
        .req_as(A.0, A.1, "GET", path)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(got, TODO);
    for needle in [
        "PERCENT-COMPLETE:40",
        "RELATED-TO;RELTYPE=PARENT:todo-parent",
        "CATEGORIES:Reports,Q1",
        "X-PORTICO-CUSTOM:kept",
    ] {
        assert!(got.contains(needle), "{needle}");
    }
    s.shutdown().await;
}

const RECURRING: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Portico tests//EN\r\nBEGIN:VEVENT\r\n\
UID:weekly\r\nDTSTAMP:20300101T000000Z\r\nDTSTART:20300107T090000Z\r\nDTEND:20300107T100000Z\r\n\
RRULE:FREQ=WEEKLY;COUNT=6\r\nEXDATE:20300114T090000Z\r\nSUMMARY:Weekly\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:weekly\r\nDTSTAMP:20300101T000000Z\r\nRECURRENCE-ID:20300121T090000Z\r\n\
DTSTART:20300123T140000Z\r\nDTEND:20300123T150000Z\r\nSUMMARY:Weekly (moved)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

fn time_range_query(start: &str, end: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8" ?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
<D:prop><D:getetag/></D:prop>
<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
<C:time-range start="{start}" end="{end}"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"#
    )
}

#[tokio::test]
async fn calendar_query_with_recurrence_overrides_and_exdate() {
    let s = server().await;
    assert_eq!(
        put(&s, A, &format!("{CAL}weekly.ics"), RECURRING)
            .await
            .status()
            .as_u16(),
        201
    );
    let one = event("single", "20300301T090000Z", "20300301T100000Z", "Single");
    assert_eq!(
        put(&s, A, &format!("{CAL}single.ics"), &one).await.status().as_u16(),
        201
    );
    let cases = [
        ("20300107T000000Z", "20300108T000000Z", vec!["weekly.ics"]),
        ("20300114T000000Z", "20300115T000000Z", vec![]),
        ("20300121T000000Z", "20300122T000000Z", vec![]),
        ("20300123T000000Z", "20300124T000000Z", vec!["weekly.ics"]),
        ("20300301T000000Z", "20300302T000000Z", vec!["single.ics"]),
        ("20300401T000000Z", "20300402T000000Z", vec![]),
    ];
    for (start, end, want) in cases {
        let (status, text) = report(&s, A, CAL, "1", &time_range_query(start, end)).await;
        assert_eq!(status, 207, "{text}");
        let mut got: Vec<String> = multistatus(&text)
            .iter()
            .map(|r| r.path.rsplit('/').next().unwrap().to_owned())
            .collect();
        got.sort();
        assert_eq!(got, want, "{start}..{end}");
    }
    // Expanded calendar-data: instances in UTC with RECURRENCE-ID, no RRULE.
    let body = r#"<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop>
<C:calendar-data><C:expand start="20300101T000000Z" end="20300201T000000Z"/></C:calendar-data></D:prop>
<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
<C:time-range start="20300101T000000Z" end="20300201T000000Z"/></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"#;
    let (status, text) = report(&s, A, CAL, "1", body).await;
    assert_eq!(status, 207, "{text}");
    let data = multistatus(&text)[0]
        .ok_text(CALDAV, "calendar-data")
        .expect("calendar-data");
    assert!(!data.contains("RRULE"), "{data}");
    // January holds the 7th, the 21st moved to the 23rd, and the 28th; the 14th is excluded.
    assert_eq!(data.matches("BEGIN:VEVENT").count(), 3, "{data}");
    for id in [
        "RECURRENCE-ID:20300107T090000Z",
        "RECURRENCE-ID:20300121T090000Z",
        "RECURRENCE-ID:20300128T090000Z",
    ] {
        assert!(data.contains(id), "{id} missing: {data}");
    }
    assert!(
        data.contains("DTSTART:20300123T140000Z"),
        "the override keeps its own time: {data}"
    );
    assert!(
        !data.contains("20300114T090000Z"),
        "the EXDATE instance is gone: {data}"
    );

    // Invalid filters are refused clearly.
    let (status, _) = report(
        &s,
        A,
        CAL,
        "1",
        &time_range_query("20300201T000000Z", "20300101T000000Z"),
    )
    .await;
    assert!(status == 400 || status == 403, "start after end: {status}");
    let bad = r#"<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop>
<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"><C:prop-filter name="SUMMARY">
<C:text-match collation="i;klingon">x</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"#;
    let (status, text) = report(&s, A, CAL, "1", bad).await;
    assert_eq!(status, 403, "{text}");
    assert!(text.contains("supported-collation"), "{text}");
    let (status, _) = report(
        &s,
        A,
        CAL,
        "1",
        "<C:calendar-query xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><unclosed>",
    )
    .await;
    assert_eq!(status, 400);
    s.shutdown().await;
}

#[tokio::test]
async fn multiget_and_free_busy() {
    let s = server().await;
    let a = event("a", "20300304T090000Z", "20300304T100000Z", "A");
    let b = event("b", "20300304T120000Z", "20300304T130000Z", "B");
    put(&s, A, &format!("{CAL}a.ics"), &a).await;
    put(&s, A, &format!("{CAL}b.ics"), &b).await;
    let body = format!(
        r#"<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop>
<D:href>{CAL}a.ics</D:href><D:href>{CAL}missing.ics</D:href><D:href>{CAL}b.ics</D:href></C:calendar-multiget>"#
    );
    let (status, text) = report(&s, A, CAL, "1", &body).await;
    assert_eq!(status, 207, "{text}");
    let rs = multistatus(&text);
    assert_eq!(
        response_for(&rs, &format!("{CAL}a.ics"))
            .unwrap()
            .ok_text(CALDAV, "calendar-data")
            .unwrap(),
        a.trim_end()
    );
    assert_eq!(
        response_for(&rs, &format!("{CAL}missing.ics")).unwrap().status,
        Some(404)
    );
    assert!(
        response_for(&rs, &format!("{CAL}b.ics"))
            .unwrap()
            .ok_text(DAV, "getetag")
            .is_some()
    );

    let fb = r#"<C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav"><C:time-range start="20300304T000000Z" end="20300305T000000Z"/></C:free-busy-query>"#;
    let (status, text) = report(&s, A, CAL, "1", fb).await;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("BEGIN:VFREEBUSY"), "{text}");
    assert!(
        text.contains("20300304T090000Z/") && text.contains("20300304T120000Z/"),
        "{text}"
    );
    assert!(
        !text.contains("secret agenda") && !text.contains("Room 1"),
        "free/busy leaks no details: {text}"
    );
    s.shutdown().await;
}

fn sync_body(token: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8" ?><D:sync-collection xmlns:D="DAV:"><D:sync-token>{token}</D:sync-token>
<D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>"#
    )
}

fn sync_token_of(text: &str) -> String {
    let root = common::xml::parse(text).unwrap();
    root.child(DAV, "sync-token")
        .expect("sync-token")
        .text()
        .trim()
        .to_owned()
}

async fn ctag(s: &TestServer) -> String {
    let (_, text) = s
        .propfind_as(A.0, A.1, CAL, "0", r#"<D:propfind xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"><D:prop><CS:getctag/></D:prop></D:propfind>"#)
        .await;
    multistatus(&text)[0].ok_text(CS, "getctag").unwrap()
}

#[tokio::test]
async fn sync_collection_deltas_and_ctag() {
    let s = server().await;
    put(
        &s,
        A,
        &format!("{CAL}one.ics"),
        &event("one", "20300101T090000Z", "20300101T100000Z", "One"),
    )
    .await;
    put(
        &s,
        A,
        &format!("{CAL}two.ics"),
        &event("two", "20300102T090000Z", "20300102T100000Z", "Two"),
    )
    .await;
    let (status, text) = report(&s, A, CAL, "0", &sync_body("")).await;
    assert_eq!(status, 207, "{text}");
    assert_eq!(multistatus(&text).len(), 2, "initial sync lists everything");
    let token = sync_token_of(&text);
    let ctag_before = ctag(&s).await;

    put(
        &s,
        A,
        &format!("{CAL}three.ics"),
        &event("three", "20300103T090000Z", "20300103T100000Z", "Three"),
    )
    .await;
    s.req_as(A.0, A.1, "DELETE", &format!("{CAL}one.ics"))
        .send()
        .await
        .unwrap();
    assert_ne!(ctag(&s).await, ctag_before, "getctag changes with every change");

    let (status, text) = report(&s, A, CAL, "0", &sync_body(&token)).await;
    assert_eq!(status, 207, "{text}");
    let rs = multistatus(&text);
    assert_eq!(rs.len(), 2, "{text}");
    assert!(
        response_for(&rs, &format!("{CAL}three.ics"))
            .unwrap()
            .ok_text(DAV, "getetag")
            .is_some()
    );
    assert_eq!(response_for(&rs, &format!("{CAL}one.ics")).unwrap().status, Some(404));
    let token2 = sync_token_of(&text);
    assert_ne!(token, token2);

    // No changes since: empty answer with the same token.
    let (_, text) = report(&s, A, CAL, "0", &sync_body(&token2)).await;
    assert!(multistatus(&text).is_empty(), "{text}");
    assert_eq!(sync_token_of(&text), token2);

    // Unknown tokens are refused with valid-sync-token.
    for bad in [
        "urn:portico:sync:999:1",
        "http://example.com/whatever",
        "urn:portico:sync:1:999999",
    ] {
        let (status, text) = report(&s, A, CAL, "0", &sync_body(bad)).await;
        assert_eq!(status, 403, "{bad}: {text}");
        assert!(text.contains("valid-sync-token"), "{text}");
    }
    s.shutdown().await;
}

#[tokio::test]
async fn sync_collection_limit_gives_a_continuation() {
    let s = server().await;
    for i in 0..5 {
        let uid = format!("e{i}");
        put(
            &s,
            A,
            &format!("{CAL}{uid}.ics"),
            &event(&uid, "20300101T090000Z", "20300101T100000Z", "E"),
        )
        .await;
    }
    let body = r#"<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>1</D:sync-level>
<D:limit><D:nresults>2</D:nresults></D:limit><D:prop><D:getetag/></D:prop></D:sync-collection>"#;
    let (status, text) = report(&s, A, CAL, "0", body).await;
    assert_eq!(status, 207, "{text}");
    let rs = multistatus(&text);
    assert_eq!(rs.iter().filter(|r| r.path.ends_with(".ics")).count(), 2, "{text}");
    assert_eq!(
        response_for(&rs, CAL).and_then(|r| r.status),
        Some(507),
        "truncation is marked: {text}"
    );
    let mut seen = rs.iter().filter(|r| r.path.ends_with(".ics")).count();
    let mut token = sync_token_of(&text);
    for _ in 0..5 {
        let (_, text) = report(&s, A, CAL, "0", &sync_body(&token)).await;
        let rs = multistatus(&text);
        seen += rs.iter().filter(|r| r.path.ends_with(".ics")).count();
        token = sync_token_of(&text);
        if rs.is_empty() {
            break;
        }
    }
    assert_eq!(seen, 5, "continuing with the token lists the rest");
    s.shutdown().await;
}

#[tokio::test]
async fn users_cannot_reach_each_others_calendars() {
    let s = server().await;
    put(
        &s,
        A,
        &format!("{CAL}private.ics"),
        &event("p", "20300304T090000Z", "20300304T100000Z", "Private"),
    )
    .await;
    // The home may be looked into, but lists none of alice's private calendars.
    let (status, text) = s.propfind_as(B.0, B.1, "/dav/calendars/alice/", "1", "").await;
    assert_eq!(status, 207);
    assert_eq!(multistatus(&text).len(), 1, "only the home itself:\n{text}");
    let resp = s
        .req_as(B.0, B.1, "MKCALENDAR", "/dav/calendars/alice/bobs/")
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status().as_u16(),
        403,
        "nobody creates calendars in another's home"
    );
    let (status, _) = s.propfind_as(B.0, B.1, CAL, "1", "").await;
    assert_eq!(status, 403);
    let get = s
        .req_as(B.0, B.1, "GET", &format!("{CAL}private.ics"))
        .send()
        .await
        .unwrap();
    assert_eq!(get.status().as_u16(), 403);
    assert!(!get.text().await.unwrap().contains("secret agenda"));
    let resp = put(
        &s,
        B,
        &format!("{CAL}intruder.ics"),
        &event("x", "20300304T090000Z", "20300304T100000Z", "X"),
    )
    .await;
    assert_eq!(resp.status().as_u16(), 403);
    let (status, _) = report(
        &s,
        B,
        CAL,
        "1",
        &time_range_query("20300101T000000Z", "20310101T000000Z"),
    )
    .await;
    assert_eq!(status, 403);
    let del = s
        .req_as(B.0, B.1, "DELETE", &format!("{CAL}private.ics"))
        .send()
        .await
        .unwrap();
    assert_eq!(del.status().as_u16(), 403);
    let still = s
        .req_as(A.0, A.1, "GET", &format!("{CAL}private.ics"))
        .send()
        .await
        .unwrap();
    assert_eq!(still.status().as_u16(), 200);
    s.shutdown().await;
}

#[tokio::test]
async fn an_instant_on_the_range_start_is_found() {
    let s = server().await;
    let ev = event("instant", "20300401T000000Z", "20300401T000000Z", "Deadline");
    assert_eq!(
        put(&s, A, &format!("{CAL}instant.ics"), &ev).await.status().as_u16(),
        201
    );
    let (status, text) = report(
        &s,
        A,
        CAL,
        "1",
        &time_range_query("20300401T000000Z", "20300402T000000Z"),
    )
    .await;
    assert_eq!(status, 207, "{text}");
    assert_eq!(multistatus(&text).len(), 1, "{text}");
    let (_, text) = report(
        &s,
        A,
        CAL,
        "1",
        &time_range_query("20300331T000000Z", "20300401T000000Z"),
    )
    .await;
    assert!(multistatus(&text).is_empty(), "the range end is exclusive: {text}");
    s.shutdown().await;
}

#[tokio::test]
async fn if_match_star_and_default_component_set() {
    let s = server().await;
    let path = format!("{CAL}star.ics");
    let ev = event("star", "20300304T090000Z", "20300304T100000Z", "Star");
    let missing = s
        .req_as(A.0, A.1, "PUT", &path)
        .header("If-Match", "*")
        .body(ev.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status().as_u16(), 412, "If-Match: * needs an existing object");
    assert_eq!(put(&s, A, &path, &ev).await.status().as_u16(), 201);
    let changed = event("star", "20300304T090000Z", "20300304T110000Z", "Star (longer)");
    let resp = s
        .req_as(A.0, A.1, "PUT", &path)
        .header("If-Match", "*")
        .body(changed)
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status().as_u16(),
        204,
        "If-Match: * matches any current representation"
    );

    // A calendar made without a component set takes journals too.
    let resp = s
        .req_as(A.0, A.1, "MKCALENDAR", "/dav/calendars/alice/notes/")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    let journal = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VJOURNAL\r\nUID:j1\r\n\
DTSTAMP:20300101T000000Z\r\nDTSTART;VALUE=DATE:20300101\r\nSUMMARY:Notes\r\nEND:VJOURNAL\r\nEND:VCALENDAR\r\n";
    assert_eq!(
        put(&s, A, "/dav/calendars/alice/notes/j1.ics", journal)
            .await
            .status()
            .as_u16(),
        201
    );

    // DAV methods on the root get a DAV answer, not the login redirect: an unknown REPORT
    // is refused as unsupported (RFC 3253 §3.6), other methods are not allowed there.
    let resp = s.req_as(A.0, A.1, "REPORT", "/").body("<x/>").send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    assert!(resp.text().await.unwrap().contains("supported-report"));
    let resp = s.req_as(A.0, A.1, "MKCOL", "/").send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 405);
    s.shutdown().await;
}

#[tokio::test]
async fn listed_content_length_counts_bytes_not_characters() {
    let s = server().await;
    let path = "/dav/calendars/alice/calendar/cafe.ics";
    let body = event(
        "cafe",
        "20300301T090000Z",
        "20300301T100000Z",
        "Café with Jürgen – 東京",
    );
    assert_eq!(put(&s, A, path, &body).await.status().as_u16(), 201);
    let (_, got) = s.get_as(A.0, A.1, path).await;
    let props = r#"<D:propfind xmlns:D="DAV:"><D:prop><D:getcontentlength/></D:prop></D:propfind>"#;
    let (code, listing) = s
        .propfind_as(A.0, A.1, "/dav/calendars/alice/calendar/", "1", props)
        .await;
    assert_eq!(code, 207);
    let r = multistatus(&listing);
    let listed = response_for(&r, path)
        .unwrap()
        .ok_text(DAV, "getcontentlength")
        .unwrap();
    assert_eq!(listed, got.len().to_string(), "bytes, as GET sends them");
    assert_ne!(got.len(), body.chars().count(), "the summary is not ASCII");
    s.shutdown().await;
}
