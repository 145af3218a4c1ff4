//! Meetings from the web UI's event form: guests (colleagues by login or address, guests
//! outside the company by address) and rooms picked on the form become ATTENDEEs organized by
//! the calendar's owner, so scheduling delivers them as it does a client's PUT (the colleague
//! gets a copy and a REQUEST, the room answers); the form shows everyone's answer, keeps the
//! answers of those who stay, cancels for those taken off, and refuses a guest it cannot
//! resolve without writing anything.

mod common;

use common::{TestServer, csrf, page, post_form};
use portico::core::Actor;
use portico::store::repos::*;
use reqwest::StatusCode;

const EMMA: (&str, &str) = ("emma", "emma-pw");
const BOB: (&str, &str) = ("bob", "bob-pw");

async fn server() -> TestServer {
    let s = TestServer::start().await;
    s.add_user(EMMA.0, EMMA.1).await;
    s.add_user(BOB.0, BOB.1).await;
    let system = Actor::system();
    s.app
        .core
        .calendars(&system)
        .create_room("room-blue", "Blue room", Some("blue@example.test"))
        .await
        .unwrap();
    s
}

/// The calendar objects of `login`'s default calendar.
async fn objects(s: &TestServer, login: &str) -> Vec<String> {
    let p = s.app.store.principal_by_login(login).await.unwrap().unwrap();
    let actor = Actor::user(p);
    let calendars = s.app.core.calendars(&actor);
    let c = calendars.calendar_of(login, "calendar").await.unwrap();
    calendars
        .objects(&c)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.data.replace("\r\n ", ""))
        .collect()
}

async fn inbox_methods(s: &TestServer, login: &str) -> Vec<String> {
    let id = s.principal_id(login).await;
    s.app
        .store
        .inbox_items(id)
        .await
        .unwrap()
        .iter()
        .map(|i| {
            if i.data.contains("METHOD:CANCEL") {
                "CANCEL"
            } else {
                "REQUEST"
            }
            .to_owned()
        })
        .collect()
}

fn attendee<'a>(data: &'a str, address: &str) -> &'a str {
    data.lines()
        .find(|l| l.starts_with("ATTENDEE") && l.contains(address))
        .unwrap_or("")
}

/// The value of a hidden field of the first form that has it.
fn hidden(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let at = html.find(&key).unwrap_or_else(|| panic!("{name} in {html}")) + key.len();
    html[at..at + html[at..].find('"').unwrap()]
        .replace("&#43;", "+")
        .replace("&#61;", "=")
}

fn event_link(html: &str) -> String {
    let at = html
        .find("<a href=\"/calendar/event?")
        .unwrap_or_else(|| panic!("an event link in {html}"))
        + 9;
    html[at..at + html[at..].find('"').unwrap()]
        .replace("&amp;", "&")
        .replace("&#38;", "&")
}

#[tokio::test]
async fn guests_and_rooms_from_the_form_are_invited() {
    let s = server().await;
    let emma = s.sign_in(EMMA.0, EMMA.1).await;
    let (_, form) = page(&s, &emma, "/calendar/new?date=2030-03-04").await;
    assert!(
        form.contains("name=\"guests\"") && form.contains("name=\"room.room-blue\""),
        "{form}"
    );
    let token = csrf(&form);
    let base = [
        ("csrf", token.as_str()),
        ("cal", "calendar"),
        ("title", "Planning"),
        ("start_date", "2030-03-04"),
        ("start_time", "10:00"),
        ("end_date", "2030-03-04"),
        ("end_time", "11:00"),
        ("guests_shown", "1"),
    ];

    // A guest the form cannot resolve: the form again, nothing stored.
    let mut fields = base.to_vec();
    fields.push(("guests", "bob, nobody"));
    let (st, _, body) = post_form(&s, &emma, "/calendar/new", &fields).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(body.contains("nobody is neither a colleague"), "{body}");
    assert!(
        body.contains("value=\"bob, nobody\""),
        "the form keeps what was typed: {body}"
    );
    assert!(objects(&s, "emma").await.is_empty());

    let mut fields = base.to_vec();
    fields.extend([("guests", "bob; guest@partner.example"), ("room.room-blue", "1")]);
    let (st, to, _) = post_form(&s, &emma, "/calendar/new", &fields).await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let mine = objects(&s, "emma").await;
    assert_eq!(mine.len(), 1);
    assert!(
        mine[0].contains("ORGANIZER;CN=emma:mailto:emma@example.test"),
        "{}",
        mine[0]
    );
    assert!(
        attendee(&mine[0], "blue@example.test").contains("PARTSTAT=ACCEPTED"),
        "{}",
        mine[0]
    );
    assert!(
        attendee(&mine[0], "bob@example.test").contains("SCHEDULE-STATUS=1.2"),
        "{}",
        mine[0]
    );
    assert!(attendee(&mine[0], "guest@partner.example").contains("NEEDS-ACTION"));
    let bobs = objects(&s, "bob").await;
    assert_eq!(bobs.len(), 1, "bob has his copy");
    assert!(attendee(&bobs[0], "bob@example.test").contains("PARTSTAT=NEEDS-ACTION"));
    assert_eq!(inbox_methods(&s, "bob").await, ["REQUEST"]);

    // The event page shows the guest list and the answers.
    let (_, day) = page(&s, &emma, &to).await;
    let (_, event) = page(&s, &emma, &event_link(&day)).await;
    assert!(event.contains("bob@example.test, guest@partner.example"), "{event}");
    assert!(
        event.contains("id=\"room-room-blue\" type=\"checkbox\" name=\"room.room-blue\" value=\"1\" checked"),
        "{event}"
    );
    assert!(
        event.contains("Blue room — accepted") && event.contains("bob — no answer yet"),
        "{event}"
    );

    // bob accepts (from his home page); then emma takes him off and keeps the rest.
    let bob = s.sign_in(BOB.0, BOB.1).await;
    let (_, home) = page(&s, &bob, "/").await;
    assert!(home.contains("Planning"), "{home}");
    let answer = [
        ("csrf", csrf(&home)),
        ("cal", hidden(&home, "cal")),
        ("name", hidden(&home, "name")),
        ("etag", hidden(&home, "etag")),
        ("answer", "accept".to_owned()),
    ];
    let answer: Vec<(&str, &str)> = answer.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (st, _, _) = post_form(&s, &bob, "/calendar/invitation", &answer).await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (_, event) = page(&s, &emma, &event_link(&day)).await;
    assert!(event.contains("bob — accepted"), "{event}");
    // bob's copy is an invitation: its form does not edit the guest list.
    let (_, bob_day) = page(&s, &bob, &to).await;
    let (_, bob_event) = page(&s, &bob, &event_link(&bob_day)).await;
    assert!(
        bob_event.contains("Planning") && !bob_event.contains("name=\"guests\""),
        "{bob_event}"
    );

    let mut fields: Vec<(&str, String)> = ["csrf", "cal", "name", "etag"]
        .into_iter()
        .map(|k| (k, hidden(&event, k)))
        .collect();
    for (k, v) in [
        ("title", "Planning"),
        ("start_date", "2030-03-04"),
        ("start_time", "10:00"),
        ("end_date", "2030-03-04"),
        ("end_time", "11:00"),
        ("guests_shown", "1"),
        ("guests", "guest@partner.example"),
        ("room.room-blue", "1"),
    ] {
        fields.push((k, v.to_owned()));
    }
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (st, _, body) = post_form(&s, &emma, "/calendar/event", &fields).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    let mine = objects(&s, "emma").await;
    assert!(attendee(&mine[0], "bob@example.test").is_empty(), "{}", mine[0]);
    assert!(
        attendee(&mine[0], "blue@example.test").contains("PARTSTAT=ACCEPTED"),
        "{}",
        mine[0]
    );
    let bobs = objects(&s, "bob").await;
    assert!(bobs[0].contains("STATUS:CANCELLED"), "{}", bobs[0]);
    assert_eq!(inbox_methods(&s, "bob").await, ["REQUEST", "CANCEL"]);

    s.shutdown().await;
}

fn busy_event(uid: &str, from: &str, to: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20300101T000000Z\r\n\
         DTSTART:{from}\r\nDTEND:{to}\r\nSUMMARY:Busy\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

/// The busy cells of a grid row, by the row's name.
fn busy_cells(html: &str, name: &str) -> usize {
    let key = format!("<th scope=\"row\">{name}");
    let at = html.find(&key).unwrap_or_else(|| panic!("a row for {name} in {html}"));
    let row = &html[at..at + html[at..].find("</tr>").unwrap()];
    row.matches("class=\"busy").count()
}

#[tokio::test]
async fn the_form_shows_who_is_free_and_proposes_the_next_common_slot() {
    let s = server().await;
    let busy = [
        (EMMA, "e1", "20300304T090000Z", "20300304T100000Z"),
        (BOB, "b1", "20300304T100000Z", "20300304T120000Z"),
    ];
    for (who, uid, from, to) in busy {
        let path = format!("/dav/calendars/{}/calendar/{uid}.ics", who.0);
        assert_eq!(
            s.put_as(who.0, who.1, &path, busy_event(uid, from, to).into_bytes())
                .await,
            201
        );
    }
    let emma = s.sign_in(EMMA.0, EMMA.1).await;
    let (_, form) = page(&s, &emma, "/calendar/new?date=2030-03-04").await;
    assert!(form.contains("name=\"check\""), "{form}");
    let token = csrf(&form);
    let fields = [
        ("csrf", token.as_str()),
        ("cal", "calendar"),
        ("title", "Review"),
        ("start_date", "2030-03-04"),
        ("start_time", "09:00"),
        ("end_date", "2030-03-04"),
        ("end_time", "10:00"),
        ("guests_shown", "1"),
        ("guests", "bob"),
        ("check", "1"),
    ];
    // bob's calendar is private (the default): his row says so, and only emma's time counts.
    let (st, _, grid) = post_form(&s, &emma, "/calendar/new", &fields).await;
    assert_eq!(st, StatusCode::OK, "{grid}");
    assert!(
        grid.contains("bob <span class=\"hint\">(calendar not shared with you)"),
        "{grid}"
    );
    assert_eq!(busy_cells(&grid, "emma"), 2);
    assert!(grid.contains("10:00–11:00"), "{grid}");
    let bob_id = s.principal_id("bob").await;
    let cal = s.app.store.collections_of(bob_id, "calendar").await.unwrap();
    s.app.store.set_collection_visibility(cal[0].id, "busy").await.unwrap();
    let (st, _, grid) = post_form(&s, &emma, "/calendar/new", &fields).await;
    assert_eq!(st, StatusCode::OK, "{grid}");
    // 08:00–20:00 in half hours: emma is busy 09–10, bob 10–12.
    assert_eq!((busy_cells(&grid, "emma"), busy_cells(&grid, "bob")), (2, 4), "{grid}");
    assert_eq!(
        grid.matches(" chosen\"").count(),
        4,
        "the meeting's hour, in both rows: {grid}"
    );
    // The first hour both have free from 09:00 is 12:00.
    let noon = "1898856000"; // 2030-03-04T12:00:00Z
    assert!(
        grid.contains("12:00–13:00") && grid.contains(&format!("name=\"slot\" value=\"{noon}\"")),
        "{grid}"
    );
    assert!(grid.contains("value=\"bob\""), "the form keeps its guests: {grid}");

    // "Use this time" moves the form there; nothing is saved until Save.
    let mut moved = fields.to_vec();
    moved.retain(|(k, _)| *k != "check");
    moved.push(("slot", noon));
    let (st, _, again) = post_form(&s, &emma, "/calendar/new", &moved).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        again.contains("name=\"start_time\" value=\"12:00\"") && again.contains("name=\"end_time\" value=\"13:00\""),
        "{again}"
    );
    assert_eq!(objects(&s, "emma").await.len(), 1);
    assert_eq!(objects(&s, "bob").await.len(), 1);
    s.shutdown().await;
}
