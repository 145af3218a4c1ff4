//! Reminders by e-mail: the alarms of the own calendars of users who ticked "Send me my
//! calendar reminders" are queued in the mail outbox when they trigger, each exactly once
//! however often (or overlapping) the windows are looked at; users who did not tick it get
//! none; only the reminder job (the system) queues them.

mod common;

use common::{TestServer, csrf, page, post_form};
use portico::core::Actor;
use portico::store::repos::*;

const ALICE: (&str, &str) = ("alice", "alice-pw");
const BOB: (&str, &str) = ("bob", "bob-pw");

fn with_alarm(uid: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20300101T000000Z\r\n\
         DTSTART:20300304T100000Z\r\nDTEND:20300304T110000Z\r\nRRULE:FREQ=DAILY;COUNT=2\r\nSUMMARY:Stand-up {uid}\r\n\
         LOCATION:Blue room\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:soon\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\n\
         END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

fn at(text: &str) -> i64 {
    caldav::parse_utc(text).unwrap()
}

#[tokio::test]
async fn reminders_are_queued_once_for_those_who_ask() {
    let s = TestServer::start_with_smtp(|_| {}).await;
    s.add_user(ALICE.0, ALICE.1).await;
    s.add_user(BOB.0, BOB.1).await;
    for (who, uid) in [(ALICE, "a"), (BOB, "b")] {
        let path = format!("/dav/calendars/{}/calendar/{uid}.ics", who.0);
        assert_eq!(s.put_as(who.0, who.1, &path, with_alarm(uid).into_bytes()).await, 201);
    }
    // alice ticks the box on /settings; bob does not.
    let cookie = s.sign_in(ALICE.0, ALICE.1).await;
    let (_, settings) = page(&s, &cookie, "/settings").await;
    assert!(settings.contains("name=\"mail_reminders\""), "{settings}");
    let token = csrf(&settings);
    let fields = [
        ("csrf", token.as_str()),
        ("locale", ""),
        ("time_zone", "Europe/Moscow"),
        ("mail_reminders", "1"),
    ];
    let (st, _, _) = post_form(&s, &cookie, "/settings", &fields).await;
    assert_eq!(st, reqwest::StatusCode::OK);
    let alice = s.principal_id("alice").await;
    assert!(s.app.store.user_settings(alice).await.unwrap().mail_reminders);

    let system = Actor::system();
    let calendars = s.app.core.calendars(&system);
    // 09:40–09:50 holds alice's 09:45 alarm of the first day.
    let first = calendars
        .queue_reminders(at("20300304T094000Z"), at("20300304T095000Z"))
        .await
        .unwrap();
    assert_eq!(first, 1);
    let due = s.app.store.mail_due(10).await.unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].recipient, "alice@example.test");
    let body = &due[0].body;
    assert!(body.contains("Subject: Reminder: Stand-up a"), "{body}");
    assert!(body.contains("13:00 MSK"), "the start in alice's time zone: {body}");
    // The same window again, and an overlapping one: nothing new.
    assert_eq!(
        calendars
            .queue_reminders(at("20300304T094000Z"), at("20300304T095000Z"))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        calendars
            .queue_reminders(at("20300304T094400Z"), at("20300304T100000Z"))
            .await
            .unwrap(),
        0
    );
    // The second day's.
    assert_eq!(
        calendars
            .queue_reminders(at("20300305T090000Z"), at("20300305T100000Z"))
            .await
            .unwrap(),
        1
    );
    let due = s.app.store.mail_due(10).await.unwrap();
    assert_eq!(due.len(), 2);
    assert_ne!(due[0].message_id, due[1].message_id);
    assert!(
        due.iter().all(|m| m.recipient == "alice@example.test"),
        "bob did not ask"
    );
    // Only the job queues reminders.
    let p = s.app.store.principal_by_login("alice").await.unwrap().unwrap();
    let alice_actor = Actor::user(p);
    assert!(s.app.core.calendars(&alice_actor).queue_reminders(0, 1).await.is_err());
    s.shutdown().await;
}

#[tokio::test]
async fn reminders_due_while_the_server_was_down_go_out_after_it_comes_back() {
    let s = TestServer::start_with_smtp(|_| {}).await;
    s.add_user(ALICE.0, ALICE.1).await;
    for uid in ["a", "b", "c"] {
        let path = format!("/dav/calendars/alice/calendar/{uid}.ics");
        assert_eq!(
            s.put_as(ALICE.0, ALICE.1, &path, with_alarm(uid).into_bytes()).await,
            201
        );
    }
    let alice = s.principal_id("alice").await;
    s.app.store.set_mail_reminders(alice, true).await.unwrap();
    let system = Actor::system();
    let calendars = s.app.core.calendars(&system);

    // The job's last complete pass was at 09:00; the server was then down until 10:00, past
    // the three 09:45 alarms. Its first pass after the stop looks back to 09:00, two new
    // reminders at a time: the first pass is cut short and keeps the mark…
    s.app
        .store
        .set_job_mark("reminders", at("20300304T090000Z"))
        .await
        .unwrap();
    let back = at("20300304T100000Z");
    assert_eq!(calendars.queue_due_reminders(back, 2).await.unwrap(), 2);
    assert_eq!(
        s.app.store.job_mark("reminders").await.unwrap(),
        Some(at("20300304T090000Z"))
    );
    // …so the next one finds the third, and moves the mark.
    assert_eq!(calendars.queue_due_reminders(back + 60, 2).await.unwrap(), 1);
    assert_eq!(s.app.store.job_mark("reminders").await.unwrap(), Some(back + 60));
    let due = s.app.store.mail_due(10).await.unwrap();
    assert_eq!(due.len(), 3, "each reminder once");
    // A pass with nothing new, then the next day's three.
    assert_eq!(calendars.queue_due_reminders(back + 120, 2).await.unwrap(), 0);
    s.app
        .store
        .set_job_mark("reminders", at("20300305T093000Z"))
        .await
        .unwrap();
    let next_day = at("20300305T095000Z");
    assert_eq!(calendars.queue_due_reminders(next_day, 10).await.unwrap(), 3);
    assert_eq!(s.app.store.mail_due(10).await.unwrap().len(), 6);

    // A mark from long ago looks back a day at most: a reminder days late helps nobody.
    s.app
        .store
        .set_job_mark("reminders", at("20300301T000000Z"))
        .await
        .unwrap();
    assert_eq!(
        calendars.queue_due_reminders(next_day + 3 * 86_400, 10).await.unwrap(),
        0
    );

    // Only the job queues reminders.
    let p = s.app.store.principal_by_login("alice").await.unwrap().unwrap();
    assert!(
        s.app
            .core
            .calendars(&Actor::user(p))
            .queue_due_reminders(back, 10)
            .await
            .is_err()
    );
    s.shutdown().await;
}
