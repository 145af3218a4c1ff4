//! Calendar visibility modes, grants and the secret ICS feed, over real TCP: what a
//! colleague sees of someone else's calendar, and that reduced modes leak nothing.

mod common;

use common::{DAV, TestServer, multistatus, response_for};
use portico::store::repos::*;
use portico::store::{AccessLevel, Grantee};

const A: (&str, &str) = ("alice", "alice-pw");
const B: (&str, &str) = ("bob", "bob-pw");
const CAL: &str = "/dav/calendars/alice/calendar/";
const SECRETS: [&str; 5] = [
    "Budget review",
    "secret agenda",
    "Room 1",
    "bob@example.test",
    "mailto:",
];

const MEETING: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:meeting\r\n\
DTSTAMP:20300101T000000Z\r\nDTSTART:20300304T090000Z\r\nDTEND:20300304T100000Z\r\nSUMMARY:Budget review\r\n\
DESCRIPTION:secret agenda\r\nLOCATION:Room 1\r\nORGANIZER:mailto:alice@example.test\r\n\
ATTENDEE;CN=Bob:mailto:bob@example.test\r\nCATEGORIES:Finance\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\n\
DESCRIPTION:secret agenda\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

const PRIVATE: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:doctor\r\n\
DTSTAMP:20300101T000000Z\r\nDTSTART:20300305T090000Z\r\nDTEND:20300305T100000Z\r\nSUMMARY:Doctor\r\n\
CLASS:PRIVATE\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

async fn server() -> TestServer {
    let s = TestServer::start().await;
    s.add_user(A.0, A.1).await;
    s.add_user(B.0, B.1).await;
    for (name, body) in [("meeting.ics", MEETING), ("doctor.ics", PRIVATE)] {
        let resp = s
            .req_as(A.0, A.1, "PUT", &format!("{CAL}{name}"))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 201);
    }
    s
}

async fn collection_id(s: &TestServer) -> i64 {
    let owner = s.app.store.principal_by_login("alice").await.unwrap().unwrap();
    s.app
        .store
        .collection(owner.id, "calendar", "calendar")
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn set_mode(s: &TestServer, mode: &str) {
    s.app
        .store
        .set_collection_visibility(collection_id(s).await, mode)
        .await
        .unwrap();
}

async fn bob_get(s: &TestServer, name: &str) -> (u16, String) {
    let resp = s.req_as(B.0, B.1, "GET", &format!("{CAL}{name}")).send().await.unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

/// Everything bob can read of the calendar through a calendar-query with calendar-data.
async fn bob_query(s: &TestServer, filter_inner: &str) -> (u16, String) {
    let body = format!(
        r#"<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop>
<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">{filter_inner}</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"#
    );
    let resp = s
        .req_as(B.0, B.1, "REPORT", CAL)
        .header("Depth", "1")
        .body(body)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

fn assert_no_secrets(text: &str, context: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{context} leaks {secret:?}:\n{text}");
    }
    assert!(!text.contains("BEGIN:VALARM"), "{context} leaks the alarm:\n{text}");
}

#[tokio::test]
async fn private_mode_hides_everything() {
    let s = server().await;
    let (status, text) = bob_get(&s, "meeting.ics").await;
    assert_eq!(status, 403);
    assert_no_secrets(&text, "GET");
    let (status, _) = bob_query(&s, "").await;
    assert_eq!(status, 403);
    let (status, text) = s.propfind_as(B.0, B.1, "/dav/calendars/alice/", "1", "").await;
    assert_eq!(status, 207, "the home itself may be looked into");
    assert!(
        response_for(&multistatus(&text), CAL).is_none(),
        "the private calendar is not listed:\n{text}"
    );
    s.shutdown().await;
}

#[tokio::test]
async fn busy_mode_leaks_no_details() {
    let s = server().await;
    set_mode(&s, "busy").await;
    let (status, text) = bob_get(&s, "meeting.ics").await;
    assert_eq!(status, 200);
    assert_no_secrets(&text, "GET");
    assert!(
        text.contains("SUMMARY:Busy") && text.contains("DTSTART:20300304T090000Z"),
        "{text}"
    );

    let (status, text) = bob_query(&s, "").await;
    assert_eq!(status, 207);
    assert_eq!(multistatus(&text).len(), 2, "both events are visible as busy times");
    assert_no_secrets(&text, "calendar-query");

    // A filter cannot probe the hidden title.
    let probe = r#"<C:prop-filter name="SUMMARY"><C:text-match>Budget</C:text-match></C:prop-filter>"#;
    let (_, text) = bob_query(&s, probe).await;
    assert!(
        multistatus(&text).is_empty(),
        "text-match on a hidden SUMMARY must not match:\n{text}"
    );

    // Writing stays the owner's.
    let resp = s
        .req_as(B.0, B.1, "PUT", &format!("{CAL}x.ics"))
        .body(PRIVATE.replace("doctor", "x"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    let resp = s
        .req_as(B.0, B.1, "DELETE", &format!("{CAL}meeting.ics"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);

    // The calendar now shows up in alice's home for bob, read-only.
    let body = r#"<D:propfind xmlns:D="DAV:"><D:prop><D:current-user-privilege-set/></D:prop></D:propfind>"#;
    let (_, text) = s.propfind_as(B.0, B.1, "/dav/calendars/alice/", "1", body).await;
    let cal = response_for(&multistatus(&text), CAL).expect("listed").clone();
    let privileges = cal
        .ok_prop(DAV, "current-user-privilege-set")
        .unwrap()
        .descendants(DAV, "write")
        .len();
    assert_eq!(privileges, 0, "no write privilege for bob:\n{text}");
    s.shutdown().await;
}

#[tokio::test]
async fn titles_mode_shows_titles_only() {
    let s = server().await;
    set_mode(&s, "titles").await;
    let (_, text) = bob_get(&s, "meeting.ics").await;
    assert!(text.contains("SUMMARY:Budget review"), "{text}");
    for secret in [
        "secret agenda",
        "Room 1",
        "bob@example.test",
        "BEGIN:VALARM",
        "CATEGORIES",
    ] {
        assert!(!text.contains(secret), "titles mode leaks {secret:?}:\n{text}");
    }
    let (_, text) = bob_get(&s, "doctor.ics").await;
    assert!(
        text.contains("SUMMARY:Busy") && !text.contains("Doctor"),
        "private events stay busy: {text}"
    );
    s.shutdown().await;
}

#[tokio::test]
async fn all_mode_and_grants() {
    let s = server().await;
    set_mode(&s, "all").await;
    let (_, text) = bob_get(&s, "meeting.ics").await;
    // What alice stored: her meeting as sent, with the delivery status scheduling added.
    let stored = MEETING.replace("ATTENDEE;CN=Bob:", "ATTENDEE;CN=Bob;SCHEDULE-STATUS=1.2:");
    assert_eq!(text, stored, "everything, byte for byte");
    let (_, text) = bob_get(&s, "doctor.ics").await;
    assert!(
        !text.contains("Doctor"),
        "a CLASS:PRIVATE event is never shown in detail to others: {text}"
    );

    // A read-write grant lets bob change alice's calendar; alice still sees her private event.
    set_mode(&s, "private").await;
    let bob = s.principal_id("bob").await;
    let coll = collection_id(&s).await;
    s.app
        .store
        .set_collection_grant(coll, Grantee::Principal(bob), Some(AccessLevel::Write))
        .await
        .unwrap();
    let new = MEETING
        .replace("UID:meeting", "UID:bobs")
        .replace("Budget review", "Bob's slot");
    let resp = s
        .req_as(B.0, B.1, "PUT", &format!("{CAL}bobs.ics"))
        .body(new)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    let resp = s
        .req_as(A.0, A.1, "GET", &format!("{CAL}doctor.ics"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.text().await.unwrap(), PRIVATE);

    // Through a department: members read, others do not.
    s.app
        .store
        .set_collection_grant(coll, Grantee::Principal(bob), None)
        .await
        .unwrap();
    let (status, _) = bob_get(&s, "meeting.ics").await;
    assert_eq!(status, 403, "grant removed");
    let dept = s.add_department("Finance").await;
    s.join_department("bob", dept).await;
    s.app
        .store
        .set_collection_grant(coll, Grantee::Department(dept), Some(AccessLevel::Read))
        .await
        .unwrap();
    let (status, text) = bob_get(&s, "meeting.ics").await;
    assert_eq!(status, 200);
    assert!(text.contains("secret agenda"), "read grant shows details: {text}");
    let resp = s
        .req_as(B.0, B.1, "DELETE", &format!("{CAL}meeting.ics"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403, "read is not write");
    s.shutdown().await;
}

#[tokio::test]
async fn secret_feed_honours_the_mode_and_can_be_revoked() {
    let s = server().await;
    let coll = collection_id(&s).await;
    s.app.store.set_feed_token(coll, Some("f33dt0ken")).await.unwrap();
    set_mode(&s, "busy").await;
    let resp = s.request("GET", "/ical/f33dt0ken.ics").send().await.unwrap();
    assert_eq!(
        resp.status().as_u16(),
        200,
        "no credentials needed: the token is the secret"
    );
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let text = resp.text().await.unwrap();
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 2, "{text}");
    assert_no_secrets(&text, "the busy feed");

    set_mode(&s, "all").await;
    let text = s
        .request("GET", "/ical/f33dt0ken.ics")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("Budget review") && !text.contains("Doctor"), "{text}");

    assert_eq!(
        s.request("GET", "/ical/wrong.ics")
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
    assert_eq!(
        s.request("GET", "/ical/../etc.ics")
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404
    );
    s.app.store.set_feed_token(coll, None).await.unwrap();
    assert_eq!(
        s.request("GET", "/ical/f33dt0ken.ics")
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        404,
        "revoked"
    );
    s.shutdown().await;
}

#[tokio::test]
async fn out_of_office_events_are_queryable_per_department() {
    let s = server().await;
    let finance = s.add_department("Finance").await;
    s.join_department("alice", finance).await;
    let vacation = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:vacation\r\n\
DTSTAMP:20300101T000000Z\r\nDTSTART;VALUE=DATE:20300810\r\nDTEND;VALUE=DATE:20300815\r\nSUMMARY:Tuscany trip\r\n\
TRANSP:OPAQUE\r\nCATEGORIES:Out of office\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let resp = s
        .req_as(A.0, A.1, "PUT", &format!("{CAL}vacation.ics"))
        .body(vacation)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    let url = "/api/absences?department=finance&from=20300801T000000Z&to=20300901T000000Z";
    let resp = s.req_as(B.0, B.1, "GET", url).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let text = resp.text().await.unwrap();
    let list: serde_json::Value = serde_json::from_str(&text).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1, "only the out-of-office event, not the meeting: {text}");
    assert_eq!(list[0]["login"], "alice");
    assert!(!text.contains("Tuscany"), "no details: {text}");
    let other = "/api/absences?department=sales&from=20300801T000000Z&to=20300901T000000Z";
    let resp = s.req_as(B.0, B.1, "GET", other).send().await.unwrap();
    assert_eq!(resp.text().await.unwrap(), "[]");
    for bad in [
        "/api/absences?from=x&to=y",
        "/api/absences?from=20300901T000000Z&to=20300801T000000Z",
        "/api/absences",
    ] {
        let resp = s.req_as(B.0, B.1, "GET", bad).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 400, "{bad}");
    }
    assert_eq!(s.request("GET", url).send().await.unwrap().status().as_u16(), 401);
    s.shutdown().await;
}

#[tokio::test]
async fn absences_are_true_intervals_with_sub_departments() {
    let s = server().await;
    let finance = s.add_department("Finance").await;
    let payroll = s
        .app
        .store
        .create_department(portico::store::NewDepartment {
            name: "Payroll",
            parent_id: Some(finance),
        })
        .await
        .unwrap();
    s.join_department("alice", finance).await;
    s.join_department("bob", payroll).await;
    // A weekly afternoon off with an alarm a day before: each week's own interval, not one
    // open-ended entry, and the alarm does not move the start.
    let weekly = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:weekly-off\r\n\
DTSTAMP:20300101T000000Z\r\nDTSTART:20300805T130000Z\r\nDTEND:20300805T170000Z\r\nRRULE:FREQ=WEEKLY\r\n\
X-PORTICO-OOF:TRUE\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:x\r\nTRIGGER:-P1D\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let resp = s
        .req_as(A.0, A.1, "PUT", &format!("{CAL}weekly.ics"))
        .header("Content-Type", "text/calendar")
        .body(weekly)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    // A day off in the sub-department: all day, exactly that day.
    let day = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:day-off\r\n\
DTSTAMP:20300101T000000Z\r\nDTSTART;VALUE=DATE:20300814\r\nDTEND;VALUE=DATE:20300815\r\nCATEGORIES:Out of office\r\n\
END:VEVENT\r\nEND:VCALENDAR\r\n";
    let resp = s
        .req_as(B.0, B.1, "PUT", "/dav/calendars/bob/calendar/day.ics")
        .header("Content-Type", "text/calendar")
        .body(day)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    let url = "/api/absences?department=finance&from=20300801T000000Z&to=20300822T000000Z";
    let text = s
        .req_as(B.0, B.1, "GET", url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let list: serde_json::Value = serde_json::from_str(&text).unwrap();
    let got: Vec<(String, String, String)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["login"].as_str().unwrap().to_owned(),
                e["from"].as_str().unwrap().to_owned(),
                e["to"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let want = [
        ("alice", "20300805T130000Z", "20300805T170000Z"),
        ("alice", "20300812T130000Z", "20300812T170000Z"),
        ("alice", "20300819T130000Z", "20300819T170000Z"),
        ("bob", "20300814T000000Z", "20300815T000000Z"),
    ];
    let want: Vec<(String, String, String)> = want
        .iter()
        .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
        .collect();
    assert_eq!(got, want, "{text}");
    // The sub-department alone has only its own people.
    let url = "/api/absences?department=payroll&from=20300801T000000Z&to=20300822T000000Z";
    let text = s
        .req_as(B.0, B.1, "GET", url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("\"bob\"") && !text.contains("\"alice\""), "{text}");
    // All-day absences in another zone are that zone's days.
    let url = "/api/absences?department=payroll&from=20300801T000000Z&to=20300822T000000Z&tz=Europe/Moscow";
    let text = s
        .req_as(B.0, B.1, "GET", url)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("20300813T210000Z"), "{text}");
    s.shutdown().await;
}
