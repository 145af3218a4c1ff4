//! The language of mail: a colleague reads invitations, updates and cancellations in the
//! language of their own settings, with times in their own zone; an outside guest, and a
//! colleague who chose no language, read the organizer's; nobody's choice: English and UTC. A
//! reminder reads in its user's language. The calendar part is the same whatever the language.

mod common;

use common::TestServer;
use portico::core::Actor;
use portico::store::UserSettings;
use portico::store::repos::*;

const A: (&str, &str) = ("alice", "alice-pw");
const GUEST: &str = "guest@partner.example";
const PATH: &str = "/dav/calendars/alice/calendar/review.ics";

fn meeting(seq: u32, attendees: &[&str]) -> String {
    let att: String = attendees
        .iter()
        .map(|a| format!("ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:{a}\r\n"))
        .collect();
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:review\r\nDTSTAMP:20300101T000000Z\r\n\
         DTSTART:20300301T100000Z\r\nDTEND:20300301T110000Z\r\nSUMMARY:Review\r\nLOCATION:Blue room\r\n\
         SEQUENCE:{seq}\r\nORGANIZER;CN=Alice:mailto:alice@example.test\r\n{att}END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

async fn server(adjust: impl FnOnce(&mut portico::config::Config)) -> TestServer {
    let s = TestServer::start_with_smtp(adjust).await;
    for login in ["alice", "bob", "carol", "dave"] {
        s.add_user(login, &format!("{login}-pw")).await;
    }
    s
}

/// A user's language and time zone, and whether they get invitations by mail.
async fn choose(s: &TestServer, login: &str, locale: Option<&str>, zone: Option<&str>, invitations: bool) {
    let id = s.principal_id(login).await;
    let settings = UserSettings {
        locale: locale.map(str::to_owned),
        time_zone: zone.map(str::to_owned),
        ..UserSettings::default()
    };
    s.app.store.set_user_settings(id, &settings).await.unwrap();
    s.app.store.set_mail_invitations(id, invitations).await.unwrap();
}

async fn organize(s: &TestServer, body: &str) {
    let st = s.put_as(A.0, A.1, PATH, body.as_bytes().to_vec()).await;
    assert!(st == 201 || st == 204, "{st}");
}

/// The newest mail queued for `to`: its raw text, subject and text part (decoded).
async fn newest_to(s: &TestServer, to: &str) -> (String, String, String) {
    let due = s.app.store.mail_due(50).await.unwrap();
    let mail = due
        .iter()
        .rfind(|m| m.recipient == to)
        .unwrap_or_else(|| panic!("no mail for {to}"));
    let parsed = mail_parser::MessageParser::default()
        .parse(mail.body.as_bytes())
        .unwrap();
    (
        mail.body.clone(),
        parsed.subject().unwrap_or_default().to_owned(),
        parsed.body_text(0).unwrap_or_default().into_owned(),
    )
}

/// The raw calendar part of a mail, its headers and encoding included.
fn calendar_part(body: &str) -> &str {
    let start = body.find("text/calendar").unwrap();
    let rest = &body[start..];
    &rest[..rest.find("\r\n--").unwrap()]
}

#[tokio::test]
async fn a_colleague_reads_their_own_language_in_their_zone() {
    let s = server(|_| {}).await;
    // alice chose nothing (English); bob Russian and Moscow; carol English.
    choose(&s, "bob", Some("ru"), Some("Europe/Moscow"), true).await;
    choose(&s, "carol", Some("en"), None, true).await;
    organize(&s, &meeting(0, &["bob@example.test", "carol@example.test"])).await;

    let (bob_raw, subject, text) = newest_to(&s, "bob@example.test").await;
    assert_eq!(subject, "Приглашение: Review");
    assert!(text.contains("alice приглашает вас на встречу «Review»."), "{text}");
    assert!(text.contains("Когда: 1 марта 2030 г., 13:00 MSK"), "{text}");
    assert!(text.contains("Где: Blue room"), "{text}");
    let (carol_raw, subject, text) = newest_to(&s, "carol@example.test").await;
    assert_eq!(subject, "Invitation: Review");
    assert!(text.contains("alice invites you to \"Review\"."), "{text}");
    assert!(text.contains("When: March 1, 2030, 10:00 UTC"), "{text}");
    assert!(bob_raw.contains("method=REQUEST"), "{bob_raw}");
    assert_eq!(
        calendar_part(&bob_raw),
        calendar_part(&carol_raw),
        "the calendar part does not depend on the language"
    );

    // A new SEQUENCE: an updated invitation; deleting the meeting: a cancellation.
    organize(&s, &meeting(1, &["bob@example.test", "carol@example.test"])).await;
    let (_, subject, _) = newest_to(&s, "bob@example.test").await;
    assert_eq!(subject, "Обновлённое приглашение: Review");
    let (_, subject, _) = newest_to(&s, "carol@example.test").await;
    assert_eq!(subject, "Updated invitation: Review");
    let st = s.req_as(A.0, A.1, "DELETE", PATH).send().await.unwrap().status();
    assert_eq!(st, 204);
    let (raw, subject, text) = newest_to(&s, "bob@example.test").await;
    assert_eq!(subject, "Отменено: Review");
    assert!(text.contains("Встреча «Review» отменена."), "{text}");
    assert!(raw.contains("method=CANCEL"), "{raw}");
    s.shutdown().await;
}

#[tokio::test]
async fn guests_and_colleagues_without_a_choice_read_the_organizers_language() {
    let s = server(|c| c.server.public_url = "http://portico.test/".into()).await;
    // alice organizes in Russian, in Moscow; dave chose nothing; carol chose English.
    choose(&s, "alice", Some("ru"), Some("Europe/Moscow"), false).await;
    choose(&s, "dave", None, None, true).await;
    choose(&s, "carol", Some("en"), None, true).await;
    organize(&s, &meeting(0, &[GUEST, "dave@example.test", "carol@example.test"])).await;

    let (_, subject, text) = newest_to(&s, GUEST).await;
    assert_eq!(subject, "Приглашение: Review");
    assert!(text.contains("Когда: 1 марта 2030 г., 13:00 MSK"), "{text}");
    assert!(text.contains("Ваш ответ:"), "{text}");
    assert!(text.contains("  Принять: http://portico.test/answer/"), "{text}");
    assert!(text.contains("  Отклонить: http://portico.test/answer/"), "{text}");
    let (_, subject, _) = newest_to(&s, "dave@example.test").await;
    assert_eq!(subject, "Приглашение: Review", "dave chose nothing: alice's language");
    let (_, subject, text) = newest_to(&s, "carol@example.test").await;
    assert_eq!(subject, "Invitation: Review", "carol's own choice comes first");
    assert!(
        text.contains("When: March 1, 2030, 13:00 MSK"),
        "carol chose no zone: alice's: {text}"
    );

    // Taken off the meeting, the guest is told in Russian too.
    organize(&s, &meeting(1, &["dave@example.test", "carol@example.test"])).await;
    let (_, subject, _) = newest_to(&s, GUEST).await;
    assert_eq!(subject, "Отменено: Review");
    s.shutdown().await;
}

#[tokio::test]
async fn nobodys_choice_is_english_in_utc() {
    let s = server(|_| {}).await;
    organize(&s, &meeting(0, &[GUEST])).await;
    let (_, subject, text) = newest_to(&s, GUEST).await;
    assert_eq!(subject, "Invitation: Review");
    assert!(text.contains("When: March 1, 2030, 10:00 UTC"), "{text}");
    s.shutdown().await;
}

#[tokio::test]
async fn a_reminder_reads_in_its_users_language() {
    let s = server(|_| {}).await;
    let event = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:standup\r\n\
                 DTSTAMP:20300101T000000Z\r\nDTSTART:20300304T100000Z\r\nDTEND:20300304T110000Z\r\n\
                 SUMMARY:Stand-up\r\nLOCATION:Blue room\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\n\
                 DESCRIPTION:soon\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let st = s
        .put_as(
            A.0,
            A.1,
            "/dav/calendars/alice/calendar/standup.ics",
            event.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(st, 201);
    choose(&s, "alice", Some("ru"), Some("Europe/Moscow"), false).await;
    let alice = s.principal_id("alice").await;
    s.app.store.set_mail_reminders(alice, true).await.unwrap();

    let system = Actor::system();
    let from = caldav::parse_utc("20300304T094000Z").unwrap();
    let to = caldav::parse_utc("20300304T095000Z").unwrap();
    assert_eq!(
        s.app.core.calendars(&system).queue_reminders(from, to).await.unwrap(),
        1
    );
    let (_, subject, text) = newest_to(&s, "alice@example.test").await;
    assert_eq!(subject, "Напоминание: Stand-up");
    assert!(text.contains("Напоминание: «Stand-up»"), "{text}");
    assert!(text.contains("Когда: 4 марта 2030 г., 13:00 MSK"), "{text}");
    assert!(text.contains("Где: Blue room"), "{text}");
    s.shutdown().await;
}
