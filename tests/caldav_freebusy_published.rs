//! Outlook's "Internet Free/Busy" (`/freebusy/{login or address}.vfb`): a colleague signed in
//! gets the person's busy periods (METHOD:PUBLISH, no titles) from the calendars shared with
//! them at least as busy/free (none: 403); without signing in, a feed token
//! of one of that person's calendars gives that calendar's; anything else gets nothing.

mod common;

use common::TestServer;
use portico::core::Actor;
use portico::store::repos::*;

const ALICE: (&str, &str) = ("alice", "alice-pw");
const BOB: (&str, &str) = ("bob", "bob-pw");

fn utc(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap()
        .format("%Y%m%dT%H%M%SZ")
        .to_string()
}

#[tokio::test]
async fn free_busy_is_published_to_colleagues_and_by_token() {
    let s = TestServer::start().await;
    s.add_user(ALICE.0, ALICE.1).await;
    s.add_user(BOB.0, BOB.1).await;
    // A secret meeting in two days, 10:00–11:00 UTC.
    let day = (chrono::Utc::now().timestamp() / 86_400 + 2) * 86_400;
    let (start, end) = (day + 10 * 3600, day + 11 * 3600);
    let event = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:fb1\r\nDTSTAMP:20260101T000000Z\r\n\
         DTSTART:{}\r\nDTEND:{}\r\nSUMMARY:Secret merger\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        utc(start),
        utc(end)
    );
    let path = "/dav/calendars/alice/calendar/fb1.ics";
    assert_eq!(s.put_as(ALICE.0, ALICE.1, path, event.into_bytes()).await, 201);
    let busy_line = format!("FREEBUSY;FBTYPE=BUSY:{}/{}", utc(start), utc(end));
    // A private calendar (the default) is shared with nobody.
    assert_eq!(s.get_as(BOB.0, BOB.1, "/freebusy/alice.vfb").await.0, 403);
    let alice_id = s.principal_id("alice").await;
    let cal = s.app.store.collections_of(alice_id, "calendar").await.unwrap();
    s.app.store.set_collection_visibility(cal[0].id, "busy").await.unwrap();

    for name in ["alice", "alice@example.test", "alice%40example.test"] {
        let (st, body) = s.get_as(BOB.0, BOB.1, &format!("/freebusy/{name}.vfb")).await;
        let text = String::from_utf8(body).unwrap();
        assert_eq!(st, 200, "{name}: {text}");
        assert!(
            text.contains("METHOD:PUBLISH") && text.contains("ORGANIZER:mailto:alice@example.test"),
            "{text}"
        );
        assert!(text.contains(&busy_line), "{name}: {text}");
        assert!(!text.contains("Secret"), "busy periods only: {text}");
    }
    // Nobody signed in, nobody known: nothing.
    let anonymous = reqwest::get(s.url("/freebusy/alice.vfb")).await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(s.get_as(BOB.0, BOB.1, "/freebusy/nobody.vfb").await.0, 404);

    // By a feed token of alice's calendar, without signing in; not with bob's, nor a made-up one.
    let feed_of = |login: &'static str| {
        let s = &s;
        async move {
            let p = s.app.store.principal_by_login(login).await.unwrap().unwrap();
            let actor = Actor::user(p);
            let calendars = s.app.core.calendars(&actor);
            let c = calendars.calendar_of(login, "calendar").await.unwrap();
            calendars.set_feed(&c, true).await.unwrap().unwrap()
        }
    };
    let alices = feed_of("alice").await;
    let bobs = feed_of("bob").await;
    let by_token = |token: String| {
        let url = s.url(&format!("/freebusy/alice.vfb?token={token}"));
        async move {
            let r = reqwest::get(url).await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let (st, text) = by_token(alices).await;
    assert_eq!(st, 200, "{text}");
    assert!(text.contains(&busy_line), "{text}");
    assert_eq!(by_token(bobs).await.0, 404);
    assert_eq!(by_token("made-up".into()).await.0, 404);
    s.shutdown().await;
}
