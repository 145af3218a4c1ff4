//! Invitations to guests outside the company (iMIP): what an organizer's writes put in the
//! durable mail outbox — a REQUEST for a new meeting and a new SEQUENCE, nothing for a change
//! that keeps it, a CANCEL for a guest taken off — with SCHEDULE-STATUS 1.1 on the guest; no
//! mail and no status without an SMTP server configured; and a delivery that fails (nothing
//! listens on the port) stays queued for a later attempt. Real delivery through aiosmtpd is
//! `conformance/imip.sh`.

mod common;

use common::TestServer;
use portico::store::repos::*;

const A: (&str, &str) = ("alice", "alice-pw");
const GUEST: &str = "guest@partner.example";

fn meeting(seq: u32, guests: &[&str]) -> String {
    let att: String = guests
        .iter()
        .map(|g| format!("ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:{g}\r\n"))
        .collect();
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:imip\r\nDTSTAMP:20300101T000000Z\r\n\
         DTSTART:20300301T100000Z\r\nDTEND:20300301T110000Z\r\nSUMMARY:Review\r\nSEQUENCE:{seq}\r\n\
         ORGANIZER:mailto:alice@example.test\r\n{att}END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

async fn put(s: &TestServer, body: &str) {
    let st = s
        .put_as(
            A.0,
            A.1,
            "/dav/calendars/alice/calendar/imip.ics",
            body.as_bytes().to_vec(),
        )
        .await;
    assert!(st == 201 || st == 204, "{st}");
}

async fn stored(s: &TestServer) -> String {
    let (_, body) = s.get_as(A.0, A.1, "/dav/calendars/alice/calendar/imip.ics").await;
    String::from_utf8(body).unwrap().replace("\r\n ", "")
}

#[tokio::test]
async fn meetings_with_outside_guests_queue_their_mail() {
    let s = TestServer::start_with_smtp(|_| {}).await;
    s.add_user(A.0, A.1).await;
    s.add_user("bob", "bob-pw").await;

    put(&s, &meeting(0, &[GUEST, "bob@example.test"])).await;
    let due = s.app.store.mail_due(10).await.unwrap();
    assert_eq!(due.len(), 1, "the guest, not the colleague, gets mail");
    assert_eq!(due[0].recipient, GUEST);
    assert_eq!(due[0].sender, "calendar@example.test");
    assert!(due[0].body.contains("method=REQUEST") && due[0].body.contains(&due[0].message_id));
    let mine = stored(&s).await;
    let line = mine.lines().find(|l| l.contains(GUEST)).unwrap();
    assert!(line.contains("SCHEDULE-STATUS=1.1"), "{line}");

    // The same SEQUENCE: nothing more; a new one: a second REQUEST.
    put(
        &s,
        &meeting(0, &[GUEST, "bob@example.test"]).replace("Review", "Review (agenda)"),
    )
    .await;
    assert_eq!(s.app.store.mail_due(10).await.unwrap().len(), 1);
    put(&s, &meeting(1, &[GUEST, "bob@example.test"])).await;
    let due = s.app.store.mail_due(10).await.unwrap();
    assert_eq!(due.len(), 2);
    assert_ne!(due[0].message_id, due[1].message_id);

    // Taken off: a CANCEL.
    put(&s, &meeting(2, &["bob@example.test"])).await;
    let due = s.app.store.mail_due(10).await.unwrap();
    assert_eq!(due.len(), 3);
    assert!(due[2].body.contains("method=CANCEL"), "{}", due[2].body);

    // Nothing listens on port 9: each attempt fails and the message waits for the next one.
    let transport = lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url("smtp://127.0.0.1:9")
        .unwrap()
        .build();
    let system = portico::core::Actor::system();
    let outbox = s.app.core.outbox(&system);
    let sent = portico::jobs::mail::send_due(&outbox, &transport, std::time::Duration::from_secs(2))
        .await
        .unwrap();
    // The outbox is the job's alone.
    let bob = s.app.store.principal_by_login("bob").await.unwrap().unwrap();
    let bob = portico::core::Actor::user(bob);
    assert!(s.app.core.outbox(&bob).due(10).await.is_err());
    assert_eq!(sent, 0);
    assert!(
        s.app.store.mail_due(10).await.unwrap().is_empty(),
        "not due again at once"
    );
    let counts = s.app.store.mail_counts().await.unwrap();
    assert_eq!((counts.waiting, counts.sent), (3, 0), "nothing is lost");
}

#[tokio::test]
async fn without_smtp_guests_get_nothing_and_no_status() {
    let s = TestServer::start().await;
    s.add_user(A.0, A.1).await;
    put(&s, &meeting(0, &[GUEST])).await;
    assert!(s.app.store.mail_due(10).await.unwrap().is_empty());
    assert!(!stored(&s).await.contains("SCHEDULE-STATUS"));
}

/// A colleague who asked for invitations by e-mail gets each REQUEST and CANCEL by mail too
/// (besides their copy and inbox); one who did not gets none.
#[tokio::test]
async fn colleagues_who_ask_get_invitations_by_mail_too() {
    let s = TestServer::start_with_smtp(|_| {}).await;
    s.add_user(A.0, A.1).await;
    s.add_user("bob", "bob-pw").await;
    s.add_user("carol", "carol-pw").await;
    let bob = s.principal_id("bob").await;
    s.app.store.set_mail_invitations(bob, true).await.unwrap();
    put(&s, &meeting(0, &["bob@example.test", "carol@example.test"])).await;
    let due = s.app.store.mail_due(10).await.unwrap();
    let to: Vec<&str> = due.iter().map(|m| m.recipient.as_str()).collect();
    assert_eq!(to, ["bob@example.test"], "bob asked, carol did not");
    assert!(due[0].body.contains("method=REQUEST"));
    let st = s
        .req_as(A.0, A.1, "DELETE", "/dav/calendars/alice/calendar/imip.ics")
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(st, 204);
    let due = s.app.store.mail_due(10).await.unwrap();
    assert_eq!(due.len(), 2);
    assert!(due[1].body.contains("method=CANCEL") && due[1].recipient == "bob@example.test");
    s.shutdown().await;
}
