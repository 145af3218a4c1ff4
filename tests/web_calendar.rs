//! The calendar pages over HTTP, in-process: the day, week and month views, creating,
//! changing and deleting events (one occurrence or the whole series), what a colleague sees
//! of someone's private events, the week's first day per language, the visitor's time zone,
//! and the guards of every form.

mod common;

use common::{TestServer, csrf, page, page_in, post_form};
use portico::core::Actor;
use portico::store::repos::*;
use reqwest::StatusCode;

const EMMA: (&str, &str) = ("emma", "emma-pw");
const BOB: (&str, &str) = ("bob", "bob-pw");

async fn server() -> TestServer {
    let s = TestServer::start().await;
    s.add_user(EMMA.0, EMMA.1).await;
    s.add_user(BOB.0, BOB.1).await;
    s
}

/// The fields an event page's form sends back unchanged (token, calendar, object, entity tag,
/// occurrence), followed by `more`.
fn event_form(form: &str, more: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let mut fields: Vec<(&'static str, String)> = ["cal", "name", "etag", "at"]
        .into_iter()
        .map(|k| (k, hidden(form, k)))
        .collect();
    fields.insert(0, ("csrf", csrf(form)));
    fields.extend(more.iter().map(|(k, v)| (*k, (*v).to_owned())));
    fields
}

/// Posts `fields` (as `event_form` makes them) to `path`.
async fn send_event(
    s: &TestServer,
    cookie: &str,
    path: &str,
    fields: &[(&'static str, String)],
) -> (StatusCode, String, String) {
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    post_form(s, cookie, path, &fields).await
}

/// The value of a hidden field of the first form that has it.
fn hidden(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let at = html.find(&key).unwrap_or_else(|| panic!("{name} in {html}")) + key.len();
    unescape(&html[at..at + html[at..].find('"').unwrap()])
}

/// An attribute value as the browser reads it.
fn unescape(value: &str) -> String {
    value
        .replace("&#43;", "+")
        .replace("&#38;", "&")
        .replace("&#61;", "=")
        .replace("&amp;", "&")
}

/// Creates an event through the form.
async fn create(s: &TestServer, cookie: &str, extra: &[(&str, &str)]) -> (StatusCode, String, String) {
    let (_, form) = page(s, cookie, "/calendar/new?date=2026-12-09").await;
    let token = csrf(&form);
    let mut fields = vec![("csrf", token.as_str()), ("cal", "calendar")];
    fields.extend_from_slice(extra);
    post_form(s, cookie, "/calendar/new", &fields).await
}

/// The hrefs of the event links on a page, with their titles.
fn events(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<a href=\"/calendar/event?") {
        rest = &rest[at + 9..];
        let href = unescape(&rest[..rest.find('"').unwrap()]);
        let text_at = rest.find('>').unwrap() + 1;
        let title = rest[text_at..text_at + rest[text_at..].find('<').unwrap()].to_owned();
        out.push((href, title));
    }
    out
}

async fn stored_objects(s: &TestServer, login: &str) -> Vec<String> {
    let p = s.app.store.principal_by_login(login).await.unwrap().unwrap();
    let actor = Actor::user(p);
    let calendars = s.app.core.calendars(&actor);
    let c = calendars.calendar_of(login, "calendar").await.unwrap();
    calendars
        .objects(&c)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.data)
        .collect()
}

#[tokio::test]
async fn an_event_made_in_the_form_shows_in_every_view() {
    let s = server().await;
    let cookie = s.sign_in(EMMA.0, EMMA.1).await;
    let (st, html) = page(&s, &cookie, "/calendar").await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        html.contains("/calendar/colors.css") && !html.contains("style="),
        "{html}"
    );
    let (st, location, _) = create(
        &s,
        &cookie,
        &[
            ("title", "Budget review"),
            ("start_date", "2026-12-09"),
            ("start_time", "10:00"),
            ("end_date", "2026-12-09"),
            ("end_time", "11:30"),
            ("location", "Room 4"),
            ("repeat", ""),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert_eq!(location, "/calendar?date=2026-12-09");
    for view in ["day", "week", "month"] {
        let (_, html) = page(&s, &cookie, &format!("/calendar?view={view}&date=2026-12-09")).await;
        assert!(html.contains("Budget review"), "{view}: {html}");
    }
    let (_, week) = page(&s, &cookie, "/calendar?date=2026-12-09").await;
    assert!(week.contains("10:00–11:30"), "{week}");
    let (_, other_week) = page(&s, &cookie, "/calendar?date=2026-12-16").await;
    assert!(!other_week.contains("Budget review"));
    // Stored as a calendar client would read it.
    let stored = stored_objects(&s, EMMA.0).await;
    assert_eq!(stored.len(), 1);
    assert!(stored[0].contains("SUMMARY:Budget review") && stored[0].contains("LOCATION:Room 4"));
    assert!(
        stored[0].contains("DTSTART:20261209T100000Z"),
        "UTC without a zone set: {}",
        stored[0]
    );
    // The event page shows the form with what was stored.
    let (href, _) = events(&week).into_iter().next().unwrap();
    let (st, event) = page(&s, &cookie, &href).await;
    assert_eq!(st, StatusCode::OK, "{href}: {event}");
    assert!(
        event.contains("value=\"Budget review\"") && event.contains("value=\"11:30\""),
        "{event}"
    );
    // The style sheet of calendar colours names the calendar's class.
    let (st, css) = page(&s, &cookie, "/calendar/colors.css").await;
    assert_eq!(st, StatusCode::OK);
    assert!(css.contains("border-left-color: #"), "{css}");
    s.shutdown().await;
}

#[tokio::test]
async fn forms_need_their_token_and_sensible_values() {
    let s = server().await;
    let cookie = s.sign_in(EMMA.0, EMMA.1).await;
    let fields = [
        ("cal", "calendar"),
        ("title", "No token"),
        ("start_date", "2026-12-09"),
        ("start_time", "10:00"),
    ];
    let (st, _, _) = post_form(&s, &cookie, "/calendar/new", &fields).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _, html) = create(
        &s,
        &cookie,
        &[
            ("title", "Backwards"),
            ("start_date", "2026-12-09"),
            ("start_time", "10:00"),
            ("end_date", "2026-12-09"),
            ("end_time", "09:00"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("end after it starts") && html.contains("value=\"Backwards\""),
        "{html}"
    );
    let (st, _, html) = create(&s, &cookie, &[("title", "No date"), ("start_date", "9.12.2026")]).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(html.contains("YYYY-MM-DD"), "{html}");
    // Someone else's calendar, addressed by name: not the visitor's to write.
    let (_, form) = page(&s, &cookie, "/calendar/new").await;
    let token = csrf(&form);
    let (st, _, _) = post_form(
        &s,
        &cookie,
        "/calendar/new",
        &[
            ("csrf", token.as_str()),
            ("cal", "bob~calendar"),
            ("title", "Sneaky"),
            ("start_date", "2026-12-09"),
            ("start_time", "10:00"),
        ],
    )
    .await;
    assert!(st == StatusCode::FORBIDDEN || st == StatusCode::NOT_FOUND, "{st}");
    assert!(stored_objects(&s, EMMA.0).await.is_empty());
    assert!(stored_objects(&s, BOB.0).await.is_empty());
    s.shutdown().await;
}

#[tokio::test]
async fn one_occurrence_or_the_whole_series() {
    let s = server().await;
    let cookie = s.sign_in(EMMA.0, EMMA.1).await;
    let (st, _, _) = create(
        &s,
        &cookie,
        &[
            ("title", "Stand-up"),
            ("start_date", "2026-12-07"),
            ("start_time", "09:00"),
            ("end_date", "2026-12-07"),
            ("end_time", "09:30"),
            ("repeat", "FREQ=WEEKLY"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let week = |date: &'static str| {
        let s = &s;
        let cookie = cookie.clone();
        async move { page(s, &cookie, &format!("/calendar?date={date}")).await.1 }
    };
    for date in ["2026-12-07", "2026-12-14", "2026-12-21", "2027-03-01"] {
        assert!(week(date).await.contains("Stand-up"), "{date}");
    }
    // Move only the one of the 14th.
    let (href, _) = events(&week("2026-12-14").await).into_iter().next().unwrap();
    assert!(href.contains("at="), "an occurrence link: {href}");
    let (_, form) = page(&s, &cookie, &href).await;
    assert!(
        form.contains("value=\"2026-12-14\"") && form.contains("name=\"scope\""),
        "{form}"
    );
    let fields = event_form(
        &form,
        &[
            ("recurring", "1"),
            ("scope", "this"),
            ("title", "Stand-up (moved)"),
            ("start_date", "2026-12-14"),
            ("start_time", "11:00"),
            ("end_date", "2026-12-14"),
            ("end_time", "11:30"),
            ("repeat", "FREQ=WEEKLY"),
        ],
    );
    let (st, location, body) = send_event(&s, &cookie, "/calendar/event", &fields).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(location, "/calendar?date=2026-12-14");
    let moved = week("2026-12-14").await;
    assert!(
        moved.contains("Stand-up (moved)") && moved.contains("11:00–11:30"),
        "{moved}"
    );
    let other = week("2026-12-21").await;
    assert!(other.contains("Stand-up") && !other.contains("(moved)") && other.contains("09:00–09:30"));
    // A stale form (the event changed since it was opened) changes nothing.
    let (st, _, body) = send_event(&s, &cookie, "/calendar/event", &fields).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("changed meanwhile"), "{body}");

    // Delete only the one of the 21st.
    let (href, _) = events(&week("2026-12-21").await).into_iter().next().unwrap();
    let (_, form) = page(&s, &cookie, &href).await;
    let del = event_form(&form, &[("scope", "this"), ("start_date", "2026-12-21")]);
    let (st, _, _) = send_event(&s, &cookie, "/calendar/event/delete", &del).await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert!(!week("2026-12-21").await.contains("Stand-up"));
    assert!(week("2026-12-28").await.contains("Stand-up"));
    assert!(week("2026-12-14").await.contains("Stand-up (moved)"));

    // Change the whole series from one occurrence: it moves by as much, every week.
    let (href, _) = events(&week("2026-12-28").await).into_iter().next().unwrap();
    let (_, form) = page(&s, &cookie, &href).await;
    let all = event_form(
        &form,
        &[
            ("recurring", "1"),
            ("scope", "all"),
            ("title", "Daily sync"),
            ("start_date", "2026-12-28"),
            ("start_time", "08:00"),
            ("end_date", "2026-12-28"),
            ("end_time", "08:15"),
            ("repeat", "FREQ=WEEKLY"),
        ],
    );
    let (st, _, body) = send_event(&s, &cookie, "/calendar/event", &all).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    let first = week("2026-12-07").await;
    assert!(first.contains("Daily sync") && first.contains("08:00–08:15"), "{first}");
    let stored = stored_objects(&s, EMMA.0).await;
    assert_eq!(stored.len(), 1);
    assert!(stored[0].contains("DTSTART:20261207T080000Z"), "{}", stored[0]);

    // Delete the whole series.
    let (href, _) = events(&week("2027-01-04").await).into_iter().next().unwrap();
    let (_, form) = page(&s, &cookie, &href).await;
    let del = event_form(&form, &[("scope", "all")]);
    let (st, _, _) = send_event(&s, &cookie, "/calendar/event/delete", &del).await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert!(stored_objects(&s, EMMA.0).await.is_empty());
    s.shutdown().await;
}

#[tokio::test]
async fn a_colleagues_private_event_shows_only_as_busy() {
    let s = server().await;
    let bob_cookie = s.sign_in(BOB.0, BOB.1).await;
    for (title, private) in [("Team lunch", false), ("Doctor", true)] {
        let mut fields = vec![
            ("title", title),
            ("start_date", "2026-12-09"),
            ("start_time", if private { "15:00" } else { "12:00" }),
            ("end_date", "2026-12-09"),
            ("end_time", if private { "16:00" } else { "13:00" }),
        ];
        if private {
            fields.push(("private", "1"));
        }
        assert_eq!(create(&s, &bob_cookie, &fields).await.0, StatusCode::SEE_OTHER);
    }
    // Bob shows his calendar with titles to everyone; Emma keeps it as a favourite.
    let bob = s.app.store.principal_by_login(BOB.0).await.unwrap().unwrap();
    let bob_actor = Actor::user(bob);
    let bob_calendars = s.app.core.calendars(&bob_actor);
    let c = bob_calendars.managed(BOB.0, "calendar").await.unwrap();
    bob_calendars.set_visibility(&c, "all").await.unwrap();
    let emma = s.app.store.principal_by_login(EMMA.0).await.unwrap().unwrap();
    let emma_actor = Actor::user(emma);
    s.app
        .core
        .calendars(&emma_actor)
        .add_favorite(BOB.0, "calendar")
        .await
        .unwrap();

    let cookie = s.sign_in(EMMA.0, EMMA.1).await;
    let (_, week) = page(&s, &cookie, "/calendar?date=2026-12-09").await;
    assert!(week.contains("Team lunch"), "{week}");
    assert!(week.contains("Busy") && week.contains("15:00–16:00"), "{week}");
    assert!(!week.contains("Doctor"), "{week}");
    // The private event's own page: busy, no details, no form.
    let (href, _) = events(&week).into_iter().find(|(_, title)| title == "Busy").unwrap();
    let (st, event) = page(&s, &cookie, &href).await;
    assert_eq!(st, StatusCode::OK);
    assert!(!event.contains("Doctor") && !event.contains("<form method=\"post\" action=\"/calendar/event\""));
    // And a forged change of it is refused.
    let name = href
        .split("name=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    let token = csrf(&event);
    let (st, _, _) = post_form(
        &s,
        &cookie,
        "/calendar/event",
        &[
            ("csrf", token.as_str()),
            ("cal", "bob~calendar"),
            ("name", name.as_str()),
            ("etag", "x"),
            ("title", "Hacked"),
            ("start_date", "2026-12-09"),
            ("start_time", "15:00"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert!(
        stored_objects(&s, BOB.0)
            .await
            .iter()
            .any(|o| o.contains("SUMMARY:Doctor"))
    );
    s.shutdown().await;
}

#[tokio::test]
async fn the_week_starts_on_monday_in_russian_and_times_follow_the_time_zone() {
    let s = server().await;
    let cookie = s.sign_in(EMMA.0, EMMA.1).await;
    let (_, ru) = page_in(&s, &cookie, "/calendar?date=2026-12-09", "ru").await;
    let first_ru = ru.find("<section class=\"day").unwrap();
    assert!(ru[first_ru..].contains("понедельник, 7 декабря"), "{ru}");
    assert!(ru.contains("Неделя") && ru.contains("Новое событие"));
    let (_, en) = page(&s, &cookie, "/calendar?date=2026-12-09").await;
    let first_en = en.find("<section class=\"day").unwrap();
    assert!(en[first_en..first_en + 300].contains("Sunday, December 6"), "{en}");
    let (_, month) = page_in(&s, &cookie, "/calendar?view=month&date=2026-12-09", "ru").await;
    assert!(month.contains("Декабрь 2026") && month.find(">Пн<").unwrap() < month.find(">Вс<").unwrap());

    // In Moscow time: stored with the zone, shown at the time entered.
    let (_, settings) = page(&s, &cookie, "/settings").await;
    let token = csrf(&settings);
    let (st, _, _) = post_form(
        &s,
        &cookie,
        "/settings",
        &[("csrf", token.as_str()), ("time_zone", "Europe/Moscow")],
    )
    .await;
    assert_eq!(st, StatusCode::OK);
    let (st, _, _) = create(
        &s,
        &cookie,
        &[
            ("title", "Call with Moscow"),
            ("start_date", "2026-12-10"),
            ("start_time", "10:00"),
            ("end_time", "11:00"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let stored = stored_objects(&s, EMMA.0).await;
    assert!(
        stored[0].contains("DTSTART;TZID=Europe/Moscow:20261210T100000") && stored[0].contains("BEGIN:VTIMEZONE"),
        "{}",
        stored[0]
    );
    let (_, week) = page(&s, &cookie, "/calendar?date=2026-12-10").await;
    assert!(week.contains("10:00–11:00"), "{week}");
    s.shutdown().await;
}

#[tokio::test]
async fn calendar_settings_visibility_feed_and_favourites() {
    let s = server().await;
    let bob = s.sign_in(BOB.0, BOB.1).await;
    let (st, settings) = page(&s, &bob, "/calendar/settings").await;
    assert_eq!(st, StatusCode::OK);
    let token = csrf(&settings);
    let form = |action: &'static str, extra: &[(&'static str, &'static str)]| {
        let mut f = vec![("csrf", token.clone()), ("action", action.to_owned())];
        f.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        f
    };
    let (st, _, _) = send_event(
        &s,
        &bob,
        "/calendar/settings",
        &form("visibility", &[("calendar", "calendar"), ("mode", "titles")]),
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (st, _, body) = send_event(
        &s,
        &bob,
        "/calendar/settings",
        &form("visibility", &[("calendar", "calendar"), ("mode", "everyone")]),
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(
        send_event(
            &s,
            &bob,
            "/calendar/settings",
            &form("feed-on", &[("calendar", "calendar")])
        )
        .await
        .0,
        StatusCode::SEE_OTHER
    );
    let (_, settings) = page(&s, &bob, "/calendar/settings").await;
    let at = settings.find("/ical/").expect("the feed link");
    let feed = settings[at..at + settings[at..].find(".ics").unwrap() + 4].to_owned();
    assert_eq!(s.request("GET", &feed).send().await.unwrap().status().as_u16(), 200);
    assert_eq!(
        send_event(
            &s,
            &bob,
            "/calendar/settings",
            &form("feed-off", &[("calendar", "calendar")])
        )
        .await
        .0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(s.request("GET", &feed).send().await.unwrap().status().as_u16(), 404);
    assert_eq!(
        create(
            &s,
            &bob,
            &[
                ("title", "Board prep"),
                ("start_date", "2026-12-09"),
                ("start_time", "15:00")
            ]
        )
        .await
        .0,
        StatusCode::SEE_OTHER
    );

    // Emma follows Bob's calendar from her settings, sees its titles, and lets it go.
    let emma = s.sign_in(EMMA.0, EMMA.1).await;
    let (_, settings) = page(&s, &emma, "/calendar/settings").await;
    let token = csrf(&settings);
    let follow = vec![
        ("csrf", token.clone()),
        ("action", "favorite-add".to_owned()),
        ("login", "bob".to_owned()),
        ("calendar", "calendar".to_owned()),
    ];
    assert_eq!(
        send_event(&s, &emma, "/calendar/settings", &follow).await.0,
        StatusCode::SEE_OTHER
    );
    let (_, week) = page(&s, &emma, "/calendar?date=2026-12-09").await;
    assert!(week.contains("Board prep"), "{week}");
    let (_, settings) = page(&s, &emma, "/calendar/settings").await;
    assert!(settings.contains("favorite-remove"), "{settings}");
    let unfollow = vec![
        ("csrf", token),
        ("action", "favorite-remove".to_owned()),
        ("login", "bob".to_owned()),
        ("calendar", "calendar".to_owned()),
    ];
    assert_eq!(
        send_event(&s, &emma, "/calendar/settings", &unfollow).await.0,
        StatusCode::SEE_OTHER
    );
    let (_, week) = page(&s, &emma, "/calendar?date=2026-12-09").await;
    assert!(!week.contains("Board prep"));
    s.shutdown().await;
}
