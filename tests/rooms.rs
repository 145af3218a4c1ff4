//! Meeting rooms to book: seats, equipment and who may book them (stated on the admin page),
//! a room that declines an organizer who may not book it, and the free-rooms JSON API
//! (`/api/rooms/free`): free for the whole range, enough seats, all the equipment, bookable
//! by the asker; bad queries are 400 with a reason.

mod common;

use common::{TestServer, csrf, page, post_form};
use portico::store::repos::*;
use reqwest::StatusCode;

const ALICE: (&str, &str) = ("alice", "alice-pw");
const BOB: (&str, &str) = ("bob", "bob-pw");

/// A room to create: login, name, seats, equipment, bookers.
type Room = (
    &'static str,
    &'static str,
    i64,
    &'static [&'static str],
    &'static [&'static str],
);

async fn server() -> TestServer {
    let s = TestServer::start().await;
    s.add_user(ALICE.0, ALICE.1).await;
    s.add_user(BOB.0, BOB.1).await;
    let sales = s.add_department("Sales").await;
    s.join_department("bob", sales).await;
    let rooms: [Room; 4] = [
        ("small", "Small room", 4, &["projector"], &[]),
        ("large", "Large room", 10, &["projector", "video"], &[]),
        ("plain", "Plain room", 0, &[], &[]),
        ("board", "Board room", 20, &["video"], &["sales"]),
    ];
    for (login, name, capacity, equipment, bookers) in rooms {
        s.add_room(login, name, capacity, equipment, bookers).await;
    }
    s
}

fn booking(uid: &str, room: &str, organizer: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20300101T000000Z\r\n\
         DTSTART:20300304T100000Z\r\nDTEND:20300304T110000Z\r\nSUMMARY:Booking\r\n\
         ORGANIZER:mailto:{organizer}@example.test\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:{organizer}@example.test\r\n\
         ATTENDEE;CUTYPE=ROOM;PARTSTAT=NEEDS-ACTION:mailto:{room}@example.test\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

/// The room's PARTSTAT on the organizer's copy.
async fn room_answer(s: &TestServer, who: (&str, &str), uid: &str, room: &str) -> String {
    let (_, body) = s
        .get_as(who.0, who.1, &format!("/dav/calendars/{}/calendar/{uid}.ics", who.0))
        .await;
    let text = String::from_utf8(body).unwrap().replace("\r\n ", "");
    let line = text
        .lines()
        .find(|l| l.contains(&format!("{room}@example.test")))
        .unwrap()
        .to_owned();
    line.split(';')
        .find_map(|p| p.strip_prefix("PARTSTAT="))
        .map(|p| p.split(':').next().unwrap().to_owned())
        .unwrap_or_default()
}

async fn free(s: &TestServer, who: (&str, &str), query: &str) -> (u16, serde_json::Value) {
    let r = s
        .req_as(who.0, who.1, "GET", &format!("/api/rooms/free?{query}"))
        .send()
        .await
        .unwrap();
    let st = r.status().as_u16();
    let text = r.text().await.unwrap();
    (
        st,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    )
}

fn logins(v: &serde_json::Value) -> Vec<&str> {
    v.as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .iter()
        .map(|r| r["login"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_room_only_sales_may_book_declines_others() {
    let s = server().await;
    for (who, uid) in [(ALICE, "a1"), (BOB, "b1")] {
        let path = format!("/dav/calendars/{}/calendar/{uid}.ics", who.0);
        let st = s
            .put_as(who.0, who.1, &path, booking(uid, "board", who.0).into_bytes())
            .await;
        assert!(st == 201 || st == 204, "{st}");
    }
    assert_eq!(
        room_answer(&s, ALICE, "a1", "board").await,
        "DECLINED",
        "alice is not in sales"
    );
    assert_eq!(room_answer(&s, BOB, "b1", "board").await, "ACCEPTED", "bob is");
    s.shutdown().await;
}

#[tokio::test]
async fn free_rooms_by_time_seats_and_equipment() {
    let s = server().await;
    // The large room is booked 10–11 by alice.
    let path = "/dav/calendars/alice/calendar/l1.ics";
    assert_eq!(
        s.put_as(ALICE.0, ALICE.1, path, booking("l1", "large", "alice").into_bytes())
            .await,
        201
    );
    assert_eq!(room_answer(&s, ALICE, "l1", "large").await, "ACCEPTED");

    let ten = "start=20300304T100000Z&end=20300304T110000Z";
    let eleven = "start=20300304T110000Z&end=20300304T120000Z";
    let (st, all) = free(&s, ALICE, ten).await;
    assert_eq!(st, 200, "{all}");
    assert_eq!(
        logins(&all),
        ["plain", "small"],
        "large is busy, board is not alice's to book"
    );
    let (_, bobs) = free(&s, BOB, ten).await;
    assert_eq!(logins(&bobs), ["board", "plain", "small"]);
    let (_, four) = free(&s, ALICE, &format!("{ten}&people=4&equipment=projector")).await;
    assert_eq!(logins(&four), ["small"]);
    assert_eq!(four[0]["capacity"], 4);
    assert_eq!(four[0]["email"], "small@example.test");
    let (_, eight) = free(&s, ALICE, &format!("{ten}&people=8")).await;
    assert_eq!(
        logins(&eight),
        Vec::<&str>::new(),
        "the only room for 8 alice may book is busy"
    );
    let (_, later) = free(&s, ALICE, &format!("{eleven}&people=8&equipment=Video,%20projector")).await;
    assert_eq!(logins(&later), ["large"]);

    for bad in [
        "start=20300304T100000Z",
        "start=tomorrow&end=20300304T110000Z",
        "start=20300304T110000Z&end=20300304T100000Z",
        "start=20300304T100000Z&end=20300404T110000Z",
        "start=20300304T100000Z&end=20300304T110000Z&people=-1",
        "start=20300304T100000Z&end=20300304T110000Z&colour=red",
    ] {
        let (st, body) = free(&s, ALICE, bad).await;
        assert_eq!(st, 400, "{bad}: {body}");
    }
    let anonymous = reqwest::get(s.url(&format!("/api/rooms/free?{ten}"))).await.unwrap();
    assert_eq!(anonymous.status(), 401);
    s.shutdown().await;
}

#[tokio::test]
async fn the_admin_page_states_a_rooms_details() {
    let s = server().await;
    let admin = s.sign_in("admin", common::ADMIN_PASSWORD).await;
    let (_, rooms) = page(&s, &admin, "/admin/rooms").await;
    assert!(
        rooms.contains("id=\"cap-small\" type=\"number\" name=\"capacity\" min=\"0\" max=\"100000\" value=\"4\""),
        "{rooms}"
    );
    let token = csrf(&rooms);
    let fields = [
        ("csrf", token.as_str()),
        ("action", "details"),
        ("login", "plain"),
        ("capacity", "6"),
        ("equipment", "Whiteboard, TV"),
        ("bookers", ""),
    ];
    let (st, _, body) = post_form(&s, &admin, "/admin/rooms", &fields).await;
    assert!(st == StatusCode::SEE_OTHER || st == StatusCode::OK, "{st} {body}");
    let plain = s.app.store.principal_by_login("plain").await.unwrap().unwrap();
    let d = s.app.store.room_details(plain.id).await.unwrap();
    assert_eq!(
        (d.capacity, d.equipment),
        (6, vec!["whiteboard".to_owned(), "tv".to_owned()])
    );
    // A new room with its details in one form.
    let fields = [
        ("csrf", token.as_str()),
        ("action", "create"),
        ("login", "attic"),
        ("name", "Attic"),
        ("email", "attic@example.test"),
        ("capacity", "3"),
        ("equipment", ""),
        ("bookers", "sales"),
    ];
    let (st, _, body) = post_form(&s, &admin, "/admin/rooms", &fields).await;
    assert!(st == StatusCode::SEE_OTHER || st == StatusCode::OK, "{st} {body}");
    let attic = s.app.store.principal_by_login("attic").await.unwrap().unwrap();
    let d = s.app.store.room_details(attic.id).await.unwrap();
    assert_eq!((d.capacity, d.bookers), (3, vec!["sales".to_owned()]));
    // An employee may not.
    let alice = s.sign_in(ALICE.0, ALICE.1).await;
    let (_, settings) = page(&s, &alice, "/settings").await;
    let own = csrf(&settings);
    let mut fields = fields.to_vec();
    fields[0] = ("csrf", own.as_str());
    fields[2] = ("login", "cellar");
    let (st, _, _) = post_form(&s, &alice, "/admin/rooms", &fields).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert!(s.app.store.principal_by_login("cellar").await.unwrap().is_none());
    // A bookers rule names a group by its login, as written.
    s.shutdown().await;
}
