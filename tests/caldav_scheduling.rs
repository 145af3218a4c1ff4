//! RFC 6638 implicit scheduling between users of the server, over HTTP: an organizer's PUT
//! delivers to attendees' default calendars and inboxes (REQUEST, updates, CANCEL when an
//! attendee is removed or the meeting deleted), an attendee's answer updates the organizer's
//! copy (REPLY), rooms accept a free slot and decline a conflict (of twenty concurrent
//! bookings exactly one wins), SCHEDULE-AGENT=CLIENT keeps the server out, inboxes are their
//! owner's alone, and the outbox answers free-busy requests.

mod common;

use common::TestServer;
use portico::core::Actor;
use portico::store::repos::*;

const A: (&str, &str) = ("alice", "alice-pw");
const B: (&str, &str) = ("bob", "bob-pw");
const C: (&str, &str) = ("carol", "carol-pw");
const ALICE_CAL: &str = "/dav/calendars/alice/calendar/";

async fn server() -> TestServer {
    with_people(TestServer::start().await).await
}

async fn with_people(s: TestServer) -> TestServer {
    for (login, pw) in [A, B, C] {
        s.add_user(login, pw).await;
    }
    let admin = s.app.store.principal_by_login("admin").await.unwrap().unwrap();
    let actor = Actor::user(admin);
    s.app
        .core
        .calendars(&actor)
        .create_room("room-1", "Room 1", Some("room-1@example.test"))
        .await
        .unwrap();
    s
}

fn meeting(uid: &str, seq: u32, start: &str, end: &str, attendees: &[&str], extra: &str) -> String {
    let mut lines = String::new();
    for a in attendees {
        lines.push_str(&format!("ATTENDEE;RSVP=TRUE;PARTSTAT=NEEDS-ACTION:mailto:{a}\r\n"));
    }
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Portico tests//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\n\
         DTSTAMP:20300101T000000Z\r\nDTSTART:{start}\r\nDTEND:{end}\r\nSUMMARY:Meeting {uid} v{seq}\r\nSEQUENCE:{seq}\r\n\
         ORGANIZER;CN=Alice:mailto:alice@example.test\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.test\r\n\
         {lines}{extra}END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

async fn send(
    s: &TestServer,
    who: (&str, &str),
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String, Option<String>) {
    let mut req = s.req_as(who.0, who.1, method, path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.body(body.to_owned()).send().await.unwrap();
    let etag = resp.headers().get("etag").map(|v| v.to_str().unwrap().to_owned());
    (resp.status().as_u16(), resp.text().await.unwrap(), etag)
}

async fn put(s: &TestServer, who: (&str, &str), path: &str, body: &str) -> (u16, Option<String>) {
    let (st, text, etag) = send(s, who, "PUT", path, &[("Content-Type", "text/calendar")], body).await;
    assert!(st < 300, "PUT {path}: {st} {text}");
    (st, etag)
}

/// The objects (href, data) below a collection, read with PROPFIND and GET.
async fn members(s: &TestServer, who: (&str, &str), coll: &str) -> Vec<(String, String)> {
    let (st, body) = s.propfind_as(who.0, who.1, coll, "1", "").await;
    assert_eq!(st, 207, "{body}");
    let mut out = Vec::new();
    for href in common::xml::parse(&body).unwrap().descendants("DAV:", "href") {
        let path = common::href_path(&href.text());
        if path.ends_with(".ics") {
            let (st, data, _) = send(s, who, "GET", &path, &[], "").await;
            assert_eq!(st, 200);
            out.push((path, data));
        }
    }
    out
}

/// The object with this UID in a collection.
async fn find(s: &TestServer, who: (&str, &str), coll: &str, uid: &str) -> Option<(String, String)> {
    members(s, who, coll)
        .await
        .into_iter()
        .find(|(_, d)| d.contains(&format!("UID:{uid}\r\n")))
}

fn partstat_of(data: &str, who: &str) -> String {
    let unfolded = data.replace("\r\n ", "");
    let line = unfolded
        .lines()
        .find(|l| l.starts_with("ATTENDEE") && l.to_lowercase().contains(&format!("mailto:{who}")))
        .unwrap_or_else(|| panic!("no ATTENDEE {who} in {data}"));
    line.split(';')
        .find_map(|p| p.strip_prefix("PARTSTAT="))
        .map(|p| p.split(':').next().unwrap().to_owned())
        .unwrap_or_else(|| "NEEDS-ACTION".into())
}

fn inbox(login: &str) -> String {
    format!("/dav/calendars/{login}/inbox/")
}

#[tokio::test]
async fn invitations_replies_updates_and_cancellations_reach_colleagues() {
    let s = server().await;
    let path = format!("{ALICE_CAL}m1.ics");
    let m1 = meeting(
        "m1",
        0,
        "20300105T100000Z",
        "20300105T110000Z",
        &["bob@example.test"],
        "",
    );

    // The organizer's PUT: stored with a delivery status, so its answer has no ETag.
    let (st, etag) = put(&s, A, &path, &m1).await;
    assert_eq!(st, 201);
    assert_eq!(
        etag, None,
        "the server changed the object: RFC 4791 §5.3.4 forbids an ETag"
    );
    let (_, mine, _) = send(&s, A, "GET", &path, &[], "").await;
    assert!(mine.contains("SCHEDULE-STATUS=1.2"), "{mine}");

    // Bob has the meeting in his default calendar, awaiting his answer, and a REQUEST.
    let (bob_path, bob_copy) = find(&s, B, "/dav/calendars/bob/calendar/", "m1")
        .await
        .expect("bob's copy");
    assert_eq!(partstat_of(&bob_copy, "bob@example.test"), "NEEDS-ACTION");
    assert!(!bob_copy.contains("SCHEDULE-STATUS"), "{bob_copy}");
    let msgs = members(&s, B, &inbox("bob")).await;
    assert_eq!(msgs.len(), 1);
    assert!(msgs[0].1.contains("METHOD:REQUEST") && msgs[0].1.contains("UID:m1"));

    // Bob accepts, adding his own alarm: the organizer's copy shows it, and she gets a REPLY.
    let accepted = bob_copy
        .replace("ATTENDEE;RSVP=TRUE;PARTSTAT=NEEDS-ACTION:mailto:bob", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob")
        .replace(
            "END:VEVENT",
            "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:bob's reminder\r\nTRIGGER:-PT10M\r\nEND:VALARM\r\nEND:VEVENT",
        );
    assert_ne!(accepted, bob_copy, "the test must change bob's answer");
    put(&s, B, &bob_path, &accepted).await;
    let (_, mine, _) = send(&s, A, "GET", &path, &[], "").await;
    assert_eq!(partstat_of(&mine, "bob@example.test"), "ACCEPTED", "{mine}");
    let replies = members(&s, A, &inbox("alice")).await;
    assert_eq!(replies.len(), 1);
    assert!(replies[0].1.contains("METHOD:REPLY") && replies[0].1.contains("PARTSTAT=ACCEPTED"));

    // An update (SEQUENCE 1): bob's copy follows, his alarm and answer stay.
    let update = mine
        .replace("SEQUENCE:0", "SEQUENCE:1")
        .replace("Meeting m1 v0", "Meeting m1 moved");
    put(&s, A, &path, &update).await;
    let (_, bob_copy) = find(&s, B, "/dav/calendars/bob/calendar/", "m1").await.unwrap();
    assert!(
        bob_copy.contains("Meeting m1 moved") && bob_copy.contains("SEQUENCE:1"),
        "{bob_copy}"
    );
    assert!(bob_copy.contains("bob's reminder"), "{bob_copy}");
    assert_eq!(partstat_of(&bob_copy, "bob@example.test"), "ACCEPTED");
    assert_eq!(members(&s, B, &inbox("bob")).await.len(), 2);

    // Bob is taken off the meeting: his copy is cancelled and he gets a CANCEL.
    let (_, mine, _) = send(&s, A, "GET", &path, &[], "").await;
    let unfolded = mine.replace("\r\n ", "");
    let without_bob: String = unfolded
        .split_inclusive("\r\n")
        .filter(|l| !(l.starts_with("ATTENDEE") && l.contains("bob@")))
        .collect();
    put(&s, A, &path, &without_bob.replace("SEQUENCE:1", "SEQUENCE:2")).await;
    let (_, bob_copy) = find(&s, B, "/dav/calendars/bob/calendar/", "m1").await.unwrap();
    assert!(bob_copy.contains("STATUS:CANCELLED"), "{bob_copy}");
    let msgs = members(&s, B, &inbox("bob")).await;
    assert!(msgs.iter().any(|(_, d)| d.contains("METHOD:CANCEL")));

    // A deleted meeting is cancelled for its attendees.
    let m2 = meeting(
        "m2",
        0,
        "20300106T100000Z",
        "20300106T110000Z",
        &["carol@example.test"],
        "",
    );
    put(&s, A, &format!("{ALICE_CAL}m2.ics"), &m2).await;
    assert_eq!(
        send(&s, A, "DELETE", &format!("{ALICE_CAL}m2.ics"), &[], "").await.0,
        204
    );
    let (_, carol_copy) = find(&s, C, "/dav/calendars/carol/calendar/", "m2").await.unwrap();
    assert!(carol_copy.contains("STATUS:CANCELLED"), "{carol_copy}");

    // Inbox messages are read and removed by their owner only.
    let (msg_path, _) = members(&s, C, &inbox("carol")).await.remove(0);
    assert_eq!(send(&s, B, "GET", &msg_path, &[], "").await.0, 403);
    assert_eq!(send(&s, B, "DELETE", &msg_path, &[], "").await.0, 403);
    assert_eq!(s.propfind_as(B.0, B.1, &inbox("carol"), "1", "").await.0, 403);
    assert_eq!(send(&s, C, "DELETE", &msg_path, &[], "").await.0, 204);
    assert_eq!(send(&s, C, "GET", &msg_path, &[], "").await.0, 404);
}

#[tokio::test]
async fn an_attendee_deleting_their_copy_declines() {
    let s = server().await;
    let m = meeting(
        "m3",
        0,
        "20300107T100000Z",
        "20300107T110000Z",
        &["bob@example.test"],
        "",
    );
    put(&s, A, &format!("{ALICE_CAL}m3.ics"), &m).await;
    let (bob_path, _) = find(&s, B, "/dav/calendars/bob/calendar/", "m3").await.unwrap();
    assert_eq!(send(&s, B, "DELETE", &bob_path, &[], "").await.0, 204);
    let (_, mine, _) = send(&s, A, "GET", &format!("{ALICE_CAL}m3.ics"), &[], "").await;
    assert_eq!(partstat_of(&mine, "bob@example.test"), "DECLINED", "{mine}");
}

#[tokio::test]
async fn schedule_agent_client_keeps_the_server_out() {
    let s = server().await;
    // CalDav Synchronizer's default: the organizer's client sends the invitations itself.
    let by_client = meeting(
        "c1",
        0,
        "20300108T100000Z",
        "20300108T110000Z",
        &["bob@example.test"],
        "",
    )
    .replace("ORGANIZER;CN=Alice:", "ORGANIZER;SCHEDULE-AGENT=CLIENT;CN=Alice:");
    let (_, etag) = put(&s, A, &format!("{ALICE_CAL}c1.ics"), &by_client).await;
    assert!(etag.is_some(), "stored as sent");
    // Thunderbird's "client-side e-mail scheduling": the flag on the attendee.
    let per_attendee = meeting("c2", 0, "20300108T120000Z", "20300108T130000Z", &[], "").replace(
        "END:VEVENT",
        "ATTENDEE;SCHEDULE-AGENT=CLIENT:mailto:bob@example.test\r\nEND:VEVENT",
    );
    put(&s, A, &format!("{ALICE_CAL}c2.ics"), &per_attendee).await;
    assert!(members(&s, B, "/dav/calendars/bob/calendar/").await.is_empty());
    assert!(members(&s, B, &inbox("bob")).await.is_empty());
}

#[tokio::test]
async fn rooms_accept_a_free_slot_and_decline_a_conflict() {
    let s = server().await;
    let first = meeting(
        "r1",
        0,
        "20300110T100000Z",
        "20300110T110000Z",
        &["room-1@example.test"],
        "",
    );
    put(&s, A, &format!("{ALICE_CAL}r1.ics"), &first).await;
    let (_, mine, _) = send(&s, A, "GET", &format!("{ALICE_CAL}r1.ics"), &[], "").await;
    assert_eq!(partstat_of(&mine, "room-1@example.test"), "ACCEPTED", "{mine}");

    // Bob books an overlapping slot: declined, and the room's calendar keeps one booking.
    let clash = meeting(
        "r2",
        0,
        "20300110T103000Z",
        "20300110T113000Z",
        &["room-1@example.test"],
        "",
    )
    .replace("alice@example.test", "bob@example.test");
    put(&s, B, "/dav/calendars/bob/calendar/r2.ics", &clash).await;
    let (_, his, _) = send(&s, B, "GET", "/dav/calendars/bob/calendar/r2.ics", &[], "").await;
    assert_eq!(partstat_of(&his, "room-1@example.test"), "DECLINED", "{his}");

    // The slot right after the first booking is free.
    let later = meeting(
        "r3",
        0,
        "20300110T113000Z",
        "20300110T123000Z",
        &["room-1@example.test"],
        "",
    )
    .replace("alice@example.test", "bob@example.test");
    put(&s, B, "/dav/calendars/bob/calendar/r3.ics", &later).await;
    let (_, his, _) = send(&s, B, "GET", "/dav/calendars/bob/calendar/r3.ics", &[], "").await;
    assert_eq!(partstat_of(&his, "room-1@example.test"), "ACCEPTED", "{his}");

    // The organizer cancels: the room's slot is free again.
    assert_eq!(
        send(&s, A, "DELETE", &format!("{ALICE_CAL}r1.ics"), &[], "").await.0,
        204
    );
    put(
        &s,
        B,
        "/dav/calendars/bob/calendar/r2.ics",
        &clash.replace("SEQUENCE:0", "SEQUENCE:1"),
    )
    .await;
    let (_, his, _) = send(&s, B, "GET", "/dav/calendars/bob/calendar/r2.ics", &[], "").await;
    assert_eq!(partstat_of(&his, "room-1@example.test"), "ACCEPTED", "{his}");
}

#[tokio::test]
async fn twenty_concurrent_bookings_of_one_slot_leave_one_accepted() {
    twenty_bookings(server().await).await;
}

#[tokio::test]
async fn twenty_concurrent_bookings_on_postgres_leave_one_accepted() {
    if let Some(s) = TestServer::start_postgres().await {
        twenty_bookings(with_people(s).await).await;
    }
}

async fn twenty_bookings(s: TestServer) {
    let mut tasks = Vec::new();
    for i in 0..20 {
        let who = if i % 2 == 0 { A } else { B };
        let body = meeting(
            &format!("c{i}"),
            0,
            "20300111T100000Z",
            "20300111T110000Z",
            &["room-1@example.test"],
            "",
        )
        .replace("alice@example.test", &format!("{}@example.test", who.0));
        let req = s
            .req_as(
                who.0,
                who.1,
                "PUT",
                &format!("/dav/calendars/{}/calendar/c{i}.ics", who.0),
            )
            .header("Content-Type", "text/calendar")
            .body(body);
        tasks.push(tokio::spawn(async move { req.send().await.unwrap().status().as_u16() }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 201);
    }
    let mut accepted = 0;
    for i in 0..20 {
        let who = if i % 2 == 0 { A } else { B };
        let (_, data, _) = send(
            &s,
            who,
            "GET",
            &format!("/dav/calendars/{}/calendar/c{i}.ics", who.0),
            &[],
            "",
        )
        .await;
        if partstat_of(&data, "room-1@example.test") == "ACCEPTED" {
            accepted += 1;
        }
    }
    assert_eq!(accepted, 1);
}

#[tokio::test]
async fn principals_name_their_boxes_and_the_outbox_answers_free_busy() {
    let s = server().await;
    let (st, body) = s
        .propfind_as(
            A.0,
            A.1,
            "/dav/principals/users/alice/",
            "0",
            r#"<?xml version="1.0"?><D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:schedule-inbox-URL/><C:schedule-outbox-URL/><C:calendar-user-address-set/></D:prop></D:propfind>"#,
        )
        .await;
    assert_eq!(st, 207);
    assert!(
        body.contains("/dav/calendars/alice/inbox/") && body.contains("/dav/calendars/alice/outbox/"),
        "{body}"
    );
    assert!(body.contains("mailto:alice@example.test"), "{body}");
    let (st, body) = s
        .propfind_as(
            A.0,
            A.1,
            "/dav/calendars/alice/inbox/",
            "0",
            r#"<?xml version="1.0"?><D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:resourcetype/><C:schedule-default-calendar-URL/></D:prop></D:propfind>"#,
        )
        .await;
    assert_eq!(st, 207);
    assert!(
        body.contains("schedule-inbox") && body.contains("schedule-default-calendar-URL"),
        "{body}"
    );

    let busy = meeting("fb", 0, "20300112T100000Z", "20300112T110000Z", &[], "").replace("alice@", "bob@");
    put(&s, B, "/dav/calendars/bob/calendar/fb.ics", &busy).await;
    let request = |organizer: &str| {
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nMETHOD:REQUEST\r\nBEGIN:VFREEBUSY\r\nUID:q1\r\n\
             DTSTAMP:20300101T000000Z\r\nDTSTART:20300112T000000Z\r\nDTEND:20300113T000000Z\r\n\
             ORGANIZER:mailto:{organizer}\r\nATTENDEE:mailto:bob@example.test\r\nATTENDEE:mailto:nobody@example.test\r\n\
             END:VFREEBUSY\r\nEND:VCALENDAR\r\n"
        )
    };
    let outbox = "/dav/calendars/alice/outbox/";
    let ct = [("Content-Type", "text/calendar")];
    let (st, body, _) = send(&s, A, "POST", outbox, &ct, &request("alice@example.test")).await;
    assert_eq!(st, 200, "{body}");
    assert!(
        body.contains("schedule-response") && body.contains("2.0;Success"),
        "{body}"
    );
    assert!(
        !body.contains("FREEBUSY;"),
        "bob's calendar is private: nothing of it shows: {body}"
    );
    let bob_id = s.principal_id("bob").await;
    let bob_cal = s
        .app
        .store
        .collection(bob_id, "calendar", "calendar")
        .await
        .unwrap()
        .unwrap();
    s.app.store.set_collection_visibility(bob_cal.id, "busy").await.unwrap();
    let (st, body, _) = send(&s, A, "POST", outbox, &ct, &request("alice@example.test")).await;
    assert_eq!(st, 200, "{body}");
    assert!(
        body.contains("20300112T100000Z/20300112T110000Z"),
        "bob's busy hour: {body}"
    );
    assert!(!body.contains("Meeting fb"), "busy time only: {body}");
    assert!(body.contains("3.7;Invalid calendar user"), "{body}");

    // Someone else's address as organizer, someone else's outbox, and not a request.
    let (st, body, _) = send(&s, A, "POST", outbox, &ct, &request("bob@example.test")).await;
    assert_eq!(st, 403);
    assert!(body.contains("organizer-allowed"), "{body}");
    assert_eq!(
        send(&s, B, "POST", outbox, &ct, &request("bob@example.test")).await.0,
        403
    );
    let (st, body, _) = send(&s, A, "POST", outbox, &ct, "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n").await;
    assert_eq!(st, 403);
    assert!(body.contains("valid-scheduling-message"), "{body}");
    let (st, body, _) = send(&s, A, "POST", outbox, &[("Content-Type", "text/plain")], "x").await;
    assert_eq!(st, 403);
    assert!(body.contains("supported-calendar-data"), "{body}");
}

async fn schedule_tag(s: &TestServer, who: (&str, &str), path: &str) -> (String, String) {
    let resp = s.req_as(who.0, who.1, "GET", path).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let tag = resp
        .headers()
        .get("schedule-tag")
        .map(|v| v.to_str().unwrap().to_owned())
        .expect("a Schedule-Tag on a scheduling object resource");
    (tag, resp.text().await.unwrap())
}

#[tokio::test]
async fn schedule_tags_change_only_with_the_organizers_changes() {
    let s = server().await;
    let path = format!("{ALICE_CAL}t1.ics");
    let m = meeting(
        "t1",
        0,
        "20300113T100000Z",
        "20300113T110000Z",
        &["bob@example.test"],
        "",
    );
    let resp = s
        .req_as(A.0, A.1, "PUT", &path)
        .header("Content-Type", "text/calendar")
        .body(m)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    let put_tag = resp
        .headers()
        .get("schedule-tag")
        .map(|v| v.to_str().unwrap().to_owned());
    assert!(
        put_tag.is_some(),
        "RFC 6638 §3.2.10: the PUT answer names the Schedule-Tag"
    );
    let (bob_path, _) = find(&s, B, "/dav/calendars/bob/calendar/", "t1").await.unwrap();
    let (bob_tag, bob_copy) = schedule_tag(&s, B, &bob_path).await;

    // Bob answers under If-Schedule-Tag-Match: accepted, and neither tag moves.
    let accepted = bob_copy.replace(
        "RSVP=TRUE;PARTSTAT=NEEDS-ACTION:mailto:bob",
        "PARTSTAT=ACCEPTED:mailto:bob",
    );
    let (st, body, _) = send(
        &s,
        B,
        "PUT",
        &bob_path,
        &[("Content-Type", "text/calendar"), ("If-Schedule-Tag-Match", &bob_tag)],
        &accepted,
    )
    .await;
    assert!(st < 300, "{st} {body}");
    assert_eq!(
        schedule_tag(&s, B, &bob_path).await.0,
        bob_tag,
        "an attendee's own answer keeps the tag"
    );
    let (alice_tag, mine) = schedule_tag(&s, A, &path).await;
    assert_eq!(
        Some(alice_tag),
        put_tag,
        "a reply applied to the organizer's copy keeps its tag"
    );
    assert_eq!(partstat_of(&mine, "bob@example.test"), "ACCEPTED");

    // The organizer moves the meeting: bob's tag changes, and his stale conditional PUT fails.
    put(
        &s,
        A,
        &path,
        &mine.replace("SEQUENCE:0", "SEQUENCE:1").replace("T100000Z", "T120000Z"),
    )
    .await;
    let (new_tag, _) = schedule_tag(&s, B, &bob_path).await;
    assert_ne!(new_tag, bob_tag);
    let tentative = accepted.replace("PARTSTAT=ACCEPTED:mailto:bob", "PARTSTAT=TENTATIVE:mailto:bob");
    let ct = ("Content-Type", "text/calendar");
    let (st, _, _) = send(
        &s,
        B,
        "PUT",
        &bob_path,
        &[ct, ("If-Schedule-Tag-Match", &bob_tag)],
        &tentative,
    )
    .await;
    assert_eq!(st, 412);
    let (st, _, _) = send(&s, B, "DELETE", &bob_path, &[("If-Schedule-Tag-Match", &bob_tag)], "").await;
    assert_eq!(st, 412);
    let (st, _, _) = send(
        &s,
        B,
        "PUT",
        &bob_path,
        &[ct, ("If-Schedule-Tag-Match", "no-quotes")],
        &tentative,
    )
    .await;
    assert_eq!(st, 400);

    // The property says the same as the header.
    let (st, body) = s
        .propfind_as(
            B.0,
            B.1,
            &bob_path,
            "0",
            r#"<?xml version="1.0"?><D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><C:schedule-tag/></D:prop></D:propfind>"#,
        )
        .await;
    assert_eq!(st, 207);
    assert!(
        body.contains(&new_tag.replace('"', "&quot;")) || body.contains(&new_tag),
        "{body}"
    );

    // Objects that are not meetings have none.
    put(
        &s,
        A,
        &format!("{ALICE_CAL}plain.ics"),
        &meeting("plain", 0, "20300114T100000Z", "20300114T110000Z", &[], "")
            .replace("ORGANIZER;CN=Alice:mailto:alice@example.test\r\n", "")
            .replace("ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.test\r\n", ""),
    )
    .await;
    let resp = s
        .req_as(A.0, A.1, "GET", &format!("{ALICE_CAL}plain.ics"))
        .send()
        .await
        .unwrap();
    assert!(resp.headers().get("schedule-tag").is_none());
}

fn search_body(test: &str, terms: &[(&str, &str, &str)]) -> String {
    let mut body = format!(
        r#"<?xml version="1.0"?><D:principal-property-search xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"{test}>"#
    );
    for (prop, text, kind) in terms {
        body.push_str(&format!(
            r#"<D:property-search><D:prop><{prop}/></D:prop><D:match{kind}>{text}</D:match></D:property-search>"#
        ));
    }
    body.push_str(
        "<D:prop><D:displayname/><C:calendar-user-type/><C:calendar-home-set/></D:prop></D:principal-property-search>",
    );
    body
}

async fn search(s: &TestServer, path: &str, body: &str) -> (u16, Vec<String>) {
    let (st, text, _) = send(s, A, "REPORT", path, &[("Depth", "0")], body).await;
    if st != 207 {
        return (st, vec![text]);
    }
    let mut found: Vec<String> = common::xml::parse(&text)
        .unwrap()
        .descendants("DAV:", "response")
        .iter()
        .filter_map(|r| r.child("DAV:", "href").map(|h| h.text()))
        .collect();
    found.sort();
    (st, found)
}

#[tokio::test]
async fn principal_property_search_finds_people_and_rooms() {
    let s = server().await;
    let rooms = "/dav/principals/users/room-1/";
    // By name (caseless substring), at the server root as caldav-server-tester asks, and below.
    let (st, found) = search(&s, "/", &search_body("", &[("D:displayname", "ROOM", "")])).await;
    assert_eq!((st, found), (207, vec![rooms.to_owned()]));
    let (_, found) = search(&s, "/dav/principals/", &search_body("", &[("D:displayname", "bo", "")])).await;
    assert_eq!(found, ["/dav/principals/users/bob/"]);
    // By type and by address; allof narrows, anyof widens.
    let (_, found) = search(
        &s,
        "/dav/",
        &search_body("", &[("C:calendar-user-type", "ROOM", r#" match-type="equals""#)]),
    )
    .await;
    assert_eq!(found, [rooms]);
    let both = [
        ("D:displayname", "o", ""),
        (
            "C:calendar-user-address-set",
            "mailto:carol@",
            r#" match-type="starts-with""#,
        ),
    ];
    let (_, found) = search(&s, "/", &search_body("", &both)).await;
    assert_eq!(found, ["/dav/principals/users/carol/"]);
    let (_, found) = search(&s, "/", &search_body(r#" test="anyof""#, &both)).await;
    assert!(found.len() >= 3 && found.contains(&rooms.to_owned()), "{found:?}");
    // No terms: everyone who can be invited (the people and the room, not the admin's groups).
    let (_, all) = search(&s, "/", &search_body("", &[])).await;
    for who in ["alice", "bob", "carol", "room-1"] {
        assert!(all.contains(&format!("/dav/principals/users/{who}/")), "{all:?}");
    }
    // The properties that may be searched; other reports, bad bodies and strangers refused.
    let (st, text, _) = send(
        &s,
        A,
        "REPORT",
        "/",
        &[],
        r#"<D:principal-search-property-set xmlns:D="DAV:"/>"#,
    )
    .await;
    assert_eq!(st, 200);
    assert!(
        text.contains("displayname") && text.contains("calendar-user-type"),
        "{text}"
    );
    let (st, text, _) = send(
        &s,
        A,
        "REPORT",
        "/dav/principals/",
        &[],
        r#"<D:acl-principal-prop-set xmlns:D="DAV:"/>"#,
    )
    .await;
    assert_eq!(st, 403);
    assert!(text.contains("supported-report"), "{text}");
    assert_eq!(
        send(&s, A, "REPORT", "/", &[], "<D:principal-property-search").await.0,
        400
    );
    let anonymous = s
        .request("REPORT", "/")
        .body(search_body("", &[]))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    // Principals list the reports they answer.
    let (_, body) = s
        .propfind_as(
            A.0,
            A.1,
            "/dav/principals/users/bob/",
            "0",
            r#"<D:propfind xmlns:D="DAV:"><D:prop><D:supported-report-set/></D:prop></D:propfind>"#,
        )
        .await;
    assert!(body.contains("principal-property-search"), "{body}");
}

/// A write grantee (bob) organizing in alice's calendar makes the meeting alice's, sent by bob
/// (RFC 5545 SENT-BY): ORGANIZER alice with SENT-BY bob on her copy and on carol's, carol's
/// inbox has the REQUEST, and the PUT answer has no ETag (the server changed the object).
#[tokio::test]
async fn a_grantee_organizes_for_the_owner_sent_by_the_grantee() {
    let s = server().await;
    let (alice, bob) = (s.principal_id("alice").await, s.principal_id("bob").await);
    s.propfind_as(A.0, A.1, ALICE_CAL, "0", "").await; // makes alice's default calendars
    let cals = s.app.store.collections_of(alice, "calendar").await.unwrap();
    let coll = cals.iter().find(|c| c.slug == "calendar").unwrap().id;
    s.app
        .store
        .set_collection_grant(
            coll,
            portico::store::Grantee::Principal(bob),
            Some(portico::store::AccessLevel::Write),
        )
        .await
        .unwrap();
    let by_bob = meeting(
        "sent-by",
        0,
        "20300310T100000Z",
        "20300310T110000Z",
        &["carol@example.test"],
        "",
    )
    .replace(
        "ORGANIZER;CN=Alice:mailto:alice@example.test",
        "ORGANIZER;CN=Bob:mailto:bob@example.test",
    )
    .replace(
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.test",
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.test",
    );
    let (st, etag) = put(&s, B, &format!("{ALICE_CAL}sent-by.ics"), &by_bob).await;
    assert_eq!(st, 201);
    assert_eq!(etag, None, "the server changed the organizer");
    let (_, mine) = find(&s, A, ALICE_CAL, "sent-by").await.unwrap();
    let unfolded = mine.replace("\r\n ", "");
    let organizer = unfolded.lines().find(|l| l.starts_with("ORGANIZER")).unwrap();
    assert!(
        organizer.contains("SENT-BY=\"mailto:bob@example.test\"") && organizer.ends_with(":mailto:alice@example.test"),
        "{unfolded}"
    );
    assert_eq!(partstat_of(&mine, "alice@example.test"), "ACCEPTED");
    let (_, carols) = find(&s, C, "/dav/calendars/carol/calendar/", "sent-by").await.unwrap();
    assert!(
        carols
            .replace("\r\n ", "")
            .contains("SENT-BY=\"mailto:bob@example.test\""),
        "{carols}"
    );
    let requests = members(&s, C, &inbox("carol")).await;
    assert_eq!(requests.len(), 1);
    assert!(requests[0].1.contains("METHOD:REQUEST"));
    // bob is not invited to alice's meeting by having organized it for her.
    assert!(find(&s, B, "/dav/calendars/bob/calendar/", "sent-by").await.is_none());
    s.shutdown().await;
}

/// A weekly booking of a room taken on one of its days is accepted but for that day: the
/// organizer's copy gets an override in which the room declined, the room's copy leaves that
/// day out (EXDATE), so the room stays bookable by its other booking only.
#[tokio::test]
async fn a_room_declines_only_the_instances_of_a_series_it_is_taken() {
    let s = server().await;
    // bob has the room on the second Monday.
    let single = meeting(
        "bobs-slot",
        0,
        "20300311T100000Z",
        "20300311T110000Z",
        &["room-1@example.test"],
        "",
    )
    .replace(
        "ORGANIZER;CN=Alice:mailto:alice@example.test",
        "ORGANIZER;CN=Bob:mailto:bob@example.test",
    )
    .replace(
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.test",
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:bob@example.test",
    );
    put(&s, B, "/dav/calendars/bob/calendar/bobs-slot.ics", &single).await;
    let (_, bobs) = find(&s, B, "/dav/calendars/bob/calendar/", "bobs-slot").await.unwrap();
    assert_eq!(partstat_of(&bobs, "room-1@example.test"), "ACCEPTED");

    // alice books it weekly, four Mondays from the first.
    let weekly = meeting(
        "weekly",
        0,
        "20300304T100000Z",
        "20300304T110000Z",
        &["room-1@example.test"],
        "RRULE:FREQ=WEEKLY;COUNT=4\r\n",
    );
    let (_, etag) = put(&s, A, &format!("{ALICE_CAL}weekly.ics"), &weekly).await;
    assert_eq!(etag, None);
    let (_, mine) = find(&s, A, ALICE_CAL, "weekly").await.unwrap();
    let unfolded = mine.replace("\r\n ", "");
    assert_eq!(
        partstat_of(&mine, "room-1@example.test"),
        "ACCEPTED",
        "the series: {unfolded}"
    );
    assert!(unfolded.contains("RECURRENCE-ID:20300311T100000Z"), "{unfolded}");
    let exception = &unfolded[unfolded.rfind("BEGIN:VEVENT").unwrap()..];
    assert_eq!(partstat_of(exception, "room-1@example.test"), "DECLINED", "{unfolded}");

    let room = s.principal_id("room-1").await;
    let copy = s.app.store.item_of_owner_by_uid(room, "weekly").await.unwrap().unwrap();
    assert!(copy.item.data.contains("EXDATE:20300311T100000Z"), "{}", copy.item.data);
    assert!(!copy.item.data.contains("RECURRENCE-ID"), "{}", copy.item.data);
    // The room still has bob's booking that day, and alice's other three.
    assert!(
        s.app
            .store
            .item_of_owner_by_uid(room, "bobs-slot")
            .await
            .unwrap()
            .is_some()
    );
    s.shutdown().await;
}
