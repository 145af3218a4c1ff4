//! Open invitations on the home page: a colleague's meeting waits there for an answer (with
//! who sent it and when, in the visitor's words), the answer from the page is a REPLY that
//! reaches the organizer's copy, and answered, cancelled or past meetings are not listed; the
//! form needs its token and a known answer.

mod common;

use common::{TestServer, csrf, page, page_in, post_form};
use reqwest::StatusCode;

const A: (&str, &str) = ("alice", "alice-pw");
const B: (&str, &str) = ("bob", "bob-pw");

fn meeting(uid: &str, start: &str, extra: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20300101T000000Z\r\n\
         DTSTART:{start}\r\nDURATION:PT1H\r\nSUMMARY:Budget {uid}\r\n{extra}ORGANIZER;CN=Alice Archer:mailto:alice@example.test\r\n\
         ATTENDEE;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:bob@example.test\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

async fn invite(s: &TestServer, uid: &str, start: &str, extra: &str) {
    let st = s
        .put_as(
            A.0,
            A.1,
            &format!("/dav/calendars/alice/calendar/{uid}.ics"),
            meeting(uid, start, extra),
        )
        .await;
    assert_eq!(st, 201);
}

#[tokio::test]
async fn invitations_wait_on_the_home_page_and_are_answered_there() {
    let s = TestServer::start().await;
    s.add_user(A.0, A.1).await;
    s.add_user(B.0, B.1).await;
    invite(&s, "open", "20300105T100000Z", "").await;
    invite(&s, "old", "20200105T100000Z", "").await;
    invite(&s, "called-off", "20300106T100000Z", "STATUS:CANCELLED\r\n").await;

    let bob = s.sign_in(B.0, B.1).await;
    let (st, home) = page(&s, &bob, "/").await;
    assert_eq!(st, StatusCode::OK);
    assert!(home.contains("Budget open") && home.contains("Alice Archer"), "{home}");
    assert!(
        !home.contains("Budget old") && !home.contains("Budget called-off"),
        "{home}"
    );
    let (_, russian) = page_in(&s, &bob, "/", "ru").await;
    assert!(
        russian.contains("Приглашения") && russian.contains("Принять"),
        "{russian}"
    );
    // Alice organizes it: nothing waits on her page.
    let alice = s.sign_in(A.0, A.1).await;
    assert!(!page(&s, &alice, "/").await.1.contains("Budget open"));

    let field = |name: &str| {
        let key = format!("name=\"{name}\" value=\"");
        let at = home.find(&key).unwrap() + key.len();
        home[at..at + home[at..].find('"').unwrap()].to_owned()
    };
    let (cal, name, etag, token) = (field("cal"), field("name"), field("etag"), csrf(&home));
    let answer = |answer: &'static str, token: String| {
        let (cal, name, etag) = (cal.clone(), name.clone(), etag.clone());
        let s = &s;
        let bob = bob.clone();
        async move {
            post_form(
                s,
                &bob,
                "/calendar/invitation",
                &[
                    ("csrf", &token),
                    ("cal", &cal),
                    ("name", &name),
                    ("etag", &etag),
                    ("answer", answer),
                ],
            )
            .await
        }
    };
    assert_eq!(answer("accept", "forged".into()).await.0, StatusCode::FORBIDDEN);
    assert_eq!(answer("maybe-later", token.clone()).await.0, StatusCode::BAD_REQUEST);
    let (st, to, _) = answer("accept", token.clone()).await;
    assert_eq!((st, to.as_str()), (StatusCode::SEE_OTHER, "/"));

    // The organizer's copy has the answer; bob's page no longer lists it.
    let (_, mine) = s.get_as(A.0, A.1, "/dav/calendars/alice/calendar/open.ics").await;
    let mine = String::from_utf8(mine).unwrap().replace("\r\n ", "");
    let line = mine.lines().find(|l| l.contains("bob@example.test")).unwrap();
    assert!(line.contains("PARTSTAT=ACCEPTED"), "{line}");
    assert!(!page(&s, &bob, "/").await.1.contains("Budget open"));
    // The form's ETag is now stale: answering again from the old page is refused.
    assert_eq!(answer("decline", token).await.0, StatusCode::PRECONDITION_FAILED);
}
