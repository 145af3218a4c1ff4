//! Answers of guests outside the company: the signed links of a mailed invitation (a GET
//! shows, only the POST answers; each answer of a mail counts once; a changed token or a post
//! from another origin changes nothing), and iTIP REPLYs mailed back, shaped like those of
//! Exchange (no ORGANIZER), Google and Apple (fixtures in `tests/fixtures/imip/`), handed to
//! the processing directly. A REPLY whose sender is not its attendee, or older than the
//! meeting, changes nothing.

mod common;

use base64::Engine;
use common::TestServer;
use portico::core::Actor;
use portico::core::calendars::GuestAnswer;
use portico::store::repos::*;

const A: (&str, &str) = ("alice", "alice-pw");
const GUEST: &str = "guest@partner.example";
const UID: &str = "040000008200E00074C5B7101A82E0080000000010B5C4A7D3F1DA01-guest";
const PATH: &str = "/dav/calendars/alice/calendar/review.ics";

async fn server() -> TestServer {
    let s = TestServer::start_with_smtp(|c| {
        c.server.public_url = "http://portico.test/".into();
    })
    .await;
    s.add_user(A.0, A.1).await;
    s.add_user("bob", "bob-pw").await;
    s
}

fn meeting(seq: u32) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:{UID}\r\nDTSTAMP:20300101T000000Z\r\n\
         DTSTART:20300301T100000Z\r\nDTEND:20300301T110000Z\r\nSUMMARY:Quarterly review\r\nSEQUENCE:{seq}\r\n\
         ORGANIZER;CN=Alice:mailto:alice@example.test\r\nATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{GUEST}\r\n\
         ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:bob@example.test\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

async fn organize(s: &TestServer, seq: u32) {
    let st = s.put_as(A.0, A.1, PATH, meeting(seq).into_bytes()).await;
    assert!(st == 201 || st == 204, "{st}");
}

/// The guest's PARTSTAT and SCHEDULE-STATUS on the organizer's copy.
async fn guest_line(s: &TestServer) -> String {
    let (_, body) = s.get_as(A.0, A.1, PATH).await;
    let text = String::from_utf8(body).unwrap().replace("\r\n ", "");
    text.lines().find(|l| l.contains(GUEST)).unwrap().to_owned()
}

async fn replies_in_inbox(s: &TestServer) -> usize {
    let alice = s.principal_id(A.0).await;
    let inbox = s.app.store.inbox_items(alice).await.unwrap();
    inbox.iter().filter(|i| i.data.contains("METHOD:REPLY")).count()
}

/// The answer links of the newest invitation mail: (accept, tentative, decline) tokens.
async fn links(s: &TestServer) -> Vec<String> {
    let due = s.app.store.mail_due(10).await.unwrap();
    let mail = due.last().expect("an invitation was queued");
    let parsed = mail_parser::MessageParser::default()
        .parse(mail.body.as_bytes())
        .unwrap();
    let text = parsed.body_text(0).unwrap().into_owned();
    ["Accept: ", "Maybe: ", "Decline: "]
        .iter()
        .map(|label| {
            let line = text
                .lines()
                .find(|l| l.trim_start().starts_with(label))
                .unwrap_or_else(|| panic!("{text}"));
            let url = line.trim().trim_start_matches(label);
            url.strip_prefix("http://portico.test/answer/").expect(url).to_owned()
        })
        .collect()
}

async fn open(s: &TestServer, token: &str) -> (u16, String) {
    let r = reqwest::get(s.url(&format!("/answer/{token}"))).await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn post(s: &TestServer, token: &str, origin: Option<&str>) -> (u16, String) {
    let mut req = reqwest::Client::new().post(s.url(&format!("/answer/{token}")));
    if let Some(o) = origin {
        req = req.header("Origin", o);
    }
    let r = req.send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn a_signed_link_answers_exactly_once() {
    let s = server().await;
    organize(&s, 0).await;
    let [accept, tentative, decline]: [String; 3] = links(&s).await.try_into().unwrap();

    // Opening the link (or a mail scanner fetching it) shows the meeting and answers nothing.
    let (st, page) = open(&s, &accept).await;
    assert_eq!(st, 200, "{page}");
    assert!(
        page.contains("Quarterly review") && page.contains("<form method=\"post\""),
        "{page}"
    );
    let (st, _) = open(&s, &accept).await;
    assert_eq!(st, 200);
    assert!(guest_line(&s).await.contains("PARTSTAT=NEEDS-ACTION"));
    assert_eq!(replies_in_inbox(&s).await, 0);

    // A post from another origin is refused.
    let (st, _) = post(&s, &accept, Some("http://evil.example")).await;
    assert_eq!(st, 403);
    assert!(guest_line(&s).await.contains("PARTSTAT=NEEDS-ACTION"));

    // The post answers: the organizer's copy and inbox have it.
    let (st, page) = post(&s, &accept, None).await;
    assert_eq!(st, 200, "{page}");
    assert!(page.contains("you accept"), "{page}");
    let line = guest_line(&s).await;
    assert!(
        line.contains("PARTSTAT=ACCEPTED") && line.contains("SCHEDULE-STATUS=2.0"),
        "{line}"
    );
    assert_eq!(replies_in_inbox(&s).await, 1);

    // The same link again: nothing changes.
    let (st, page) = post(&s, &accept, None).await;
    assert_eq!(st, 200);
    assert!(page.contains("already given"), "{page}");
    assert_eq!(replies_in_inbox(&s).await, 1);

    // A changed token answers nothing.
    // (its signature's last character changed: the claims still read, the HMAC fails)
    let mut forged = decline.clone();
    let last = if forged.ends_with('A') { 'B' } else { 'A' };
    forged.pop();
    forged.push(last);
    assert_eq!(post(&s, &forged, None).await.0, 403);
    assert_eq!(open(&s, &forged).await.0, 403);
    assert!(guest_line(&s).await.contains("PARTSTAT=ACCEPTED"));

    // The guest changes their mind with the other link.
    let (st, page) = post(&s, &decline, None).await;
    assert_eq!(st, 200, "{page}");
    assert!(guest_line(&s).await.contains("PARTSTAT=DECLINED"));
    assert_eq!(replies_in_inbox(&s).await, 2);

    // A new version of the meeting (SEQUENCE 1, mailed with new links): the old links are old.
    organize(&s, 1).await;
    let (st, page) = post(&s, &tentative, None).await;
    assert_eq!(st, 200, "{page}");
    assert!(page.contains("changed or was cancelled"), "{page}");
    assert!(
        guest_line(&s).await.contains("PARTSTAT=NEEDS-ACTION"),
        "the client wrote the guest back as it had them"
    );
    let [_, fresh_tentative, _]: [String; 3] = links(&s).await.try_into().unwrap();
    assert_eq!(post(&s, &fresh_tentative, None).await.0, 200);
    assert!(guest_line(&s).await.contains("PARTSTAT=TENTATIVE"));

    // The organizer takes the guest off: the links no longer answer.
    let without = meeting(2).replace(
        &format!("ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:{GUEST}\r\n"),
        "",
    );
    assert_eq!(s.put_as(A.0, A.1, PATH, without.into_bytes()).await, 204);
    assert_eq!(post(&s, &fresh_tentative, None).await.0, 403);
    assert_eq!(
        open(&s, &fresh_tentative).await.0,
        403,
        "the page too: no longer invited"
    );
    assert_eq!(replies_in_inbox(&s).await, 3);
    s.shutdown().await;
}

/// A fixture with its placeholders filled, and its `@@BASE64_CALENDAR@@` marker (if any)
/// replaced by the base64 of its calendar file, in 76-character lines.
fn fixture(name: &str, from: &str, seq: u32) -> Vec<u8> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/imip/");
    let fill = |text: String| {
        text.replace("@@UID@@", UID)
            .replace("@@GUEST@@", GUEST)
            .replace("@@ORGANIZER@@", "alice@example.test")
            .replace("@@SEQUENCE@@", &seq.to_string())
    };
    let mut mail = fill(std::fs::read_to_string(format!("{dir}{name}.eml")).unwrap());
    if mail.contains("@@BASE64_CALENDAR@@") {
        let ics = fill(std::fs::read_to_string(format!("{dir}{name}.ics")).unwrap());
        let b64 = base64::engine::general_purpose::STANDARD.encode(ics.as_bytes());
        let lines: Vec<&str> = b64
            .as_bytes()
            .chunks(76)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        mail = mail.replace("@@BASE64_CALENDAR@@", &lines.join("\r\n"));
    }
    // The From header names the sender; the ATTENDEE stays the guest.
    let from_line = mail.lines().find(|l| l.starts_with("From:")).unwrap().to_owned();
    mail.replacen(&from_line, &from_line.replace(GUEST, from), 1)
        .into_bytes()
}

#[tokio::test]
async fn mailed_replies_of_exchange_google_and_apple_apply_and_forgeries_do_not() {
    let s = server().await;
    organize(&s, 2).await;
    let system = Actor::system();
    let calendars = s.app.core.calendars(&system);

    // A forged REPLY: the guest's answer, sent by someone else.
    let forged = fixture("exchange-reply", "mallory@evil.example", 2);
    let err = calendars.mailed_reply(&forged).await.unwrap_err();
    assert_eq!(err.kind, portico::core::ErrorKind::Forbidden, "{err}");
    assert!(guest_line(&s).await.contains("PARTSTAT=NEEDS-ACTION"));
    assert_eq!(replies_in_inbox(&s).await, 0);

    // A mail in a colleague's name (bob is invited, and From and ATTENDEE say bob) is refused.
    let as_bob = String::from_utf8(fixture("apple-reply", GUEST, 2))
        .unwrap()
        .replace(GUEST, "bob@example.test");
    let err = calendars.mailed_reply(as_bob.as_bytes()).await.unwrap_err();
    assert_eq!(err.kind, portico::core::ErrorKind::Forbidden, "{err}");
    assert_eq!(replies_in_inbox(&s).await, 0);

    // Only the mail connector (the system) hands in mail.
    let alice = s.app.store.principal_by_login("alice").await.unwrap().unwrap();
    let alice = Actor::user(alice);
    let err = s
        .app
        .core
        .calendars(&alice)
        .mailed_reply(&fixture("exchange-reply", GUEST, 2))
        .await
        .unwrap_err();
    assert_eq!(err.kind, portico::core::ErrorKind::Forbidden);

    // Exchange (no ORGANIZER; bob's copy has the same UID), Google, Apple, in turn.
    for (n, (name, partstat)) in [
        ("exchange-reply", "ACCEPTED"),
        ("google-reply", "DECLINED"),
        ("apple-reply", "TENTATIVE"),
    ]
    .into_iter()
    .enumerate()
    {
        let outcome = calendars.mailed_reply(&fixture(name, GUEST, 2)).await;
        assert_eq!(outcome.unwrap(), GuestAnswer::Applied, "{name}");
        let line = guest_line(&s).await;
        assert!(
            line.contains(&format!("PARTSTAT={partstat}")) && line.contains("SCHEDULE-STATUS=2.0"),
            "{name}: {line}"
        );
        assert_eq!(replies_in_inbox(&s).await, n + 1, "{name}");
    }
    // The organizer's title is not the reply's ("Accepted: …").
    let (_, body) = s.get_as(A.0, A.1, PATH).await;
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("SUMMARY:Quarterly review\r\n")
    );

    // A reply to an older version of the meeting changes nothing.
    let old = calendars.mailed_reply(&fixture("exchange-reply", GUEST, 1)).await;
    assert_eq!(old.unwrap(), GuestAnswer::Outdated);
    assert!(guest_line(&s).await.contains("PARTSTAT=TENTATIVE"));
    assert_eq!(replies_in_inbox(&s).await, 3);

    // Not a reply, not ours, not MIME.
    let request = String::from_utf8(fixture("apple-reply", GUEST, 2))
        .unwrap()
        .replace("METHOD:REPLY", "METHOD:REQUEST");
    assert_eq!(
        calendars.mailed_reply(request.as_bytes()).await.unwrap_err().kind,
        portico::core::ErrorKind::Invalid
    );
    let unknown = String::from_utf8(fixture("apple-reply", GUEST, 2))
        .unwrap()
        .replace(UID, "no-such-meeting");
    assert_eq!(
        calendars.mailed_reply(unknown.as_bytes()).await.unwrap_err().kind,
        portico::core::ErrorKind::NotFound
    );
    assert!(calendars.mailed_reply(b"\x00\x01 not mail").await.is_err());
    assert_eq!(replies_in_inbox(&s).await, 3);
    s.shutdown().await;
}
