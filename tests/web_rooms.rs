//! The free-rooms page (`/calendar/rooms`), in-process over HTTP: the rooms free for a range
//! that the visitor may book, and the others apart with the reason (busy, not theirs to book,
//! too small, lacks equipment); the "book" link opens the new-event form with the room ticked
//! and the times filled in, and saving it books the room; bad input is a 400 that says what
//! is wrong; the page needs a session, is linked from the calendar and the event form, and
//! speaks Russian.

mod common;

use common::{TestServer, csrf, page, page_in, post_form};
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

/// alice, and bob in Sales; a small and a large room anyone may book, and a board room for
/// Sales only; the large room booked by alice on 2030-03-04 10:00–11:00 (UTC, the zone of
/// visitors who set none).
async fn server() -> TestServer {
    let s = TestServer::start().await;
    s.add_user(ALICE.0, ALICE.1).await;
    s.add_user(BOB.0, BOB.1).await;
    let sales = s.add_department("Sales").await;
    s.join_department("bob", sales).await;
    let rooms: [Room; 3] = [
        ("small", "Small room", 4, &["projector"], &[]),
        ("large", "Large room", 10, &["projector", "video"], &[]),
        ("board", "Board room", 20, &["video"], &["sales"]),
    ];
    for (login, name, capacity, equipment, bookers) in rooms {
        s.add_room(login, name, capacity, equipment, bookers).await;
    }
    let booking = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:l1\r\n\
                   DTSTAMP:20300101T000000Z\r\nDTSTART:20300304T100000Z\r\nDTEND:20300304T110000Z\r\n\
                   SUMMARY:Booking\r\nORGANIZER:mailto:alice@example.test\r\n\
                   ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@example.test\r\n\
                   ATTENDEE;CUTYPE=ROOM;PARTSTAT=NEEDS-ACTION:mailto:large@example.test\r\n\
                   END:VEVENT\r\nEND:VCALENDAR\r\n";
    let st = s
        .put_as(ALICE.0, ALICE.1, "/dav/calendars/alice/calendar/l1.ics", booking)
        .await;
    assert_eq!(st, 201);
    s
}

/// The rooms the page lists as free, in order.
fn free(html: &str) -> Vec<String> {
    let at = html
        .find("id=\"free-h\"")
        .unwrap_or_else(|| panic!("an answer in {html}"));
    let end = html.find("id=\"unavailable-h\"").unwrap_or(html.len());
    html[at..end]
        .split("<th scope=\"row\">")
        .skip(1)
        .map(|s| s[..s.find("</th>").unwrap()].to_owned())
        .collect()
}

/// The rooms the page lists as not available, each with its reason, in order.
fn unavailable(html: &str) -> Vec<(String, String)> {
    let Some(at) = html.find("id=\"unavailable-h\"") else {
        return Vec::new();
    };
    html[at..]
        .lines()
        .filter_map(|l| l.strip_prefix("<li>"))
        .map(|l| {
            let (name, rest) = l.split_once(" — ").unwrap_or_else(|| panic!("{l}"));
            let reason = rest.split(" <span").next().unwrap().trim_end_matches("</li>");
            (name.to_owned(), reason.to_owned())
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
}

/// The "book" link of a free room's row.
fn book_link(html: &str, room: &str) -> String {
    let row = html
        .find(&format!("<th scope=\"row\">{room}</th>"))
        .unwrap_or_else(|| panic!("a row for {room} in {html}"));
    let at = row + html[row..].find("<a href=\"").unwrap() + 9;
    html[at..at + html[at..].find('"').unwrap()]
        .replace("&amp;", "&")
        .replace("&#38;", "&")
}

const HALF_PAST_TEN: &str = "/calendar/rooms?date=2030-03-04&start=10:30&end=11:30";
const ELEVEN: &str = "/calendar/rooms?date=2030-03-04&start=11:00&end=12:00";

#[tokio::test]
async fn free_rooms_and_the_others_with_their_reasons() {
    let s = server().await;
    let alice = s.sign_in(ALICE.0, ALICE.1).await;

    let (st, html) = page(&s, &alice, HALF_PAST_TEN).await;
    assert_eq!(st, StatusCode::OK, "{html}");
    assert_eq!(free(&html), ["Small room"], "{html}");
    assert_eq!(
        unavailable(&html),
        pairs(&[("Board room", "you may not book it"), ("Large room", "busy")]),
        "{html}"
    );
    assert!(html.contains("<td>4 seats</td><td>projector</td>"), "{html}");
    assert!(
        html.contains("name=\"start\" value=\"10:30\"") && html.contains("name=\"end\" value=\"11:30\""),
        "the form keeps the range: {html}"
    );
    // The equipment boxes: every word the rooms list, once.
    assert!(html.contains("<legend>Equipment</legend>"), "{html}");
    assert_eq!(html.matches("name=\"equipment\" value=\"projector\"").count(), 1);
    assert_eq!(html.matches("name=\"equipment\" value=\"video\"").count(), 1);

    // More people than the small room seats.
    let (st, html) = page(&s, &alice, &format!("{HALF_PAST_TEN}&people=6")).await;
    assert_eq!(st, StatusCode::OK, "{html}");
    assert!(free(&html).is_empty(), "{html}");
    assert!(html.contains("No room you may book is free then."), "{html}");
    assert_eq!(
        unavailable(&html),
        pairs(&[
            ("Board room", "you may not book it"),
            ("Large room", "busy"),
            ("Small room", "too small"),
        ]),
        "{html}"
    );
    assert!(html.contains("name=\"people\" value=\"6\""), "{html}");

    // An hour later the large room is free; only it has video among alice's rooms.
    let (_, html) = page(&s, &alice, &format!("{ELEVEN}&equipment=video")).await;
    assert_eq!(free(&html), ["Large room"], "{html}");
    assert_eq!(
        unavailable(&html),
        pairs(&[("Board room", "you may not book it"), ("Small room", "lacks equipment")]),
        "{html}"
    );
    assert!(html.contains("name=\"equipment\" value=\"video\" checked"), "{html}");
    assert!(
        !html.contains("name=\"equipment\" value=\"projector\" checked"),
        "{html}"
    );
    let (_, html) = page(&s, &alice, &format!("{ELEVEN}&people=6&equipment=video")).await;
    assert_eq!(free(&html), ["Large room"], "{html}");
    assert!(
        unavailable(&html).contains(&("Small room".to_owned(), "too small, lacks equipment".to_owned())),
        "{html}"
    );

    // bob is in Sales: the board room is his to book.
    let bob = s.sign_in(BOB.0, BOB.1).await;
    let (_, html) = page(&s, &bob, HALF_PAST_TEN).await;
    assert_eq!(free(&html), ["Board room", "Small room"], "{html}");
    assert_eq!(unavailable(&html), pairs(&[("Large room", "busy")]), "{html}");
    s.shutdown().await;
}

#[tokio::test]
async fn the_book_link_opens_the_form_with_the_room_and_saving_books_it() {
    let s = server().await;
    let alice = s.sign_in(ALICE.0, ALICE.1).await;
    let (_, html) = page(&s, &alice, HALF_PAST_TEN).await;
    let link = book_link(&html, "Small room");
    assert!(link.starts_with("/calendar/new?room=small&"), "{link}");
    let (st, form) = page(&s, &alice, &link).await;
    assert_eq!(st, StatusCode::OK, "{form}");
    for want in [
        "id=\"room-small\" type=\"checkbox\" name=\"room.small\" value=\"1\" checked",
        "id=\"room-large\" type=\"checkbox\" name=\"room.large\" value=\"1\">",
        "name=\"start_date\" value=\"2030-03-04\"",
        "name=\"start_time\" value=\"10:30\"",
        "name=\"end_date\" value=\"2030-03-04\"",
        "name=\"end_time\" value=\"11:30\"",
    ] {
        assert!(form.contains(want), "{want} in {form}");
    }

    // Saved as the form stands, the room accepts and is busy then.
    let token = csrf(&form);
    let fields = [
        ("csrf", token.as_str()),
        ("cal", "calendar"),
        ("title", "Planning"),
        ("start_date", "2030-03-04"),
        ("start_time", "10:30"),
        ("end_date", "2030-03-04"),
        ("end_time", "11:30"),
        ("guests_shown", "1"),
        ("guests", ""),
        ("room.small", "1"),
    ];
    let (st, _, body) = post_form(&s, &alice, "/calendar/new", &fields).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    let (_, html) = page(&s, &alice, HALF_PAST_TEN).await;
    assert!(free(&html).is_empty(), "{html}");
    assert!(
        unavailable(&html).contains(&("Small room".to_owned(), "busy".to_owned())),
        "{html}"
    );
    s.shutdown().await;
}

#[tokio::test]
async fn bad_input_is_a_400_that_says_what_is_wrong() {
    let s = server().await;
    let alice = s.sign_in(ALICE.0, ALICE.1).await;
    for (query, message) in [
        ("date=2030-13-01&start=10:00&end=11:00", "Enter the date as YYYY-MM-DD."),
        ("date=2030-03-04&start=25:00&end=11:00", "Enter the time as HH:MM."),
        ("date=2030-03-04&start=10:00&end=noon", "Enter the time as HH:MM."),
        (
            "date=2030-03-04&start=11:00&end=10:00",
            "The end must be after the start.",
        ),
        (
            "date=2030-03-04&start=10:00&end=10:00",
            "The end must be after the start.",
        ),
        (
            "date=2030-03-04&start=10:00&end=11:00&people=many",
            "Enter the number of people",
        ),
        (
            "date=2030-03-04&start=10:00&end=11:00&people=-2",
            "Enter the number of people",
        ),
    ] {
        let (st, html) = page(&s, &alice, &format!("/calendar/rooms?{query}")).await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{query}: {html}");
        assert!(
            html.contains(&format!("<p class=\"error\" role=\"alert\">{message}")),
            "{query}: {html}"
        );
        assert!(!html.contains("id=\"free-h\""), "no answer: {html}");
    }
    let (_, html) = page(
        &s,
        &alice,
        "/calendar/rooms?date=2030-03-04&start=10:00&end=11:00&people=many",
    )
    .await;
    assert!(
        html.contains("name=\"people\" value=\"many\""),
        "the form keeps what was typed: {html}"
    );
    let resp = s
        .request("POST", "/calendar/rooms")
        .header("Cookie", alice.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    s.shutdown().await;
}

#[tokio::test]
async fn the_page_needs_a_session_is_linked_and_speaks_russian() {
    let s = server().await;
    let resp = s.request("GET", "/calendar/rooms").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()["location"], "/login?next=%2Fcalendar%2Frooms");

    let alice = s.sign_in(ALICE.0, ALICE.1).await;
    // Without a range: the next full hour, one hour long.
    let (st, html) = page(&s, &alice, "/calendar/rooms").await;
    assert_eq!(st, StatusCode::OK, "{html}");
    assert!(html.contains("id=\"free-h\""), "{html}");
    for field in ["start", "end"] {
        let key = format!("name=\"{field}\" value=\"");
        let at = html.find(&key).unwrap() + key.len();
        assert_eq!(&html[at + 2..at + 5], ":00", "{field} on the hour: {html}");
    }

    let (_, calendar) = page(&s, &alice, "/calendar?date=2030-03-04").await;
    assert!(calendar.contains("href=\"/calendar/rooms\""), "{calendar}");
    let (_, form) = page(&s, &alice, "/calendar/new?date=2030-03-04").await;
    assert!(
        form.contains("href=\"/calendar/rooms?date=2030-03-04&amp;start=09%3A00&amp;end=10%3A00\""),
        "{form}"
    );

    let (st, ru) = page_in(&s, &alice, HALF_PAST_TEN, "ru").await;
    assert_eq!(st, StatusCode::OK, "{ru}");
    for want in [
        "<html lang=\"ru\">",
        "Свободные переговорные",
        "<legend>Оборудование</legend>",
        "Сколько человек",
        "Забронировать",
    ] {
        assert!(ru.contains(want), "{want} in {ru}");
    }
    assert_eq!(
        unavailable(&ru),
        pairs(&[("Board room", "вам нельзя её бронировать"), ("Large room", "занята")]),
        "{ru}"
    );
    s.shutdown().await;
}
