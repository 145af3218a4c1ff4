//! Sharing from the web pages over HTTP, in-process: a calendar's grants on
//! `/calendar/settings` and a folder's permissions on `/documents/…`, each listed, given,
//! changed and removed through the forms, with what they open checked over DAV as the
//! grantee; and the guards: the form's token, and those who may not manage (refused by the
//! service even when the form is forged).

mod common;

use common::{TestServer, csrf, page, post_form};
use portico::store::repos::*;
use portico::store::{NewPrincipal, PrincipalKind};
use reqwest::StatusCode;

const ALICE: (&str, &str) = ("alice", "alice-pw");
const BOB: (&str, &str) = ("bob", "bob-pw");
const CAROL: (&str, &str) = ("carol", "carol-pw");

const CAL: &str = "/dav/calendars/alice/calendar/";

const STANDUP: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:standup\r\n\
DTSTAMP:20300101T000000Z\r\nDTSTART:20300304T090000Z\r\nDTEND:20300304T093000Z\r\nSUMMARY:Team standup\r\n\
END:VEVENT\r\nEND:VCALENDAR\r\n";

async fn server() -> TestServer {
    let s = TestServer::start().await;
    for (login, password) in [ALICE, BOB, CAROL] {
        s.add_user(login, password).await;
    }
    s
}

fn denied(status: u16) -> bool {
    status == 403 || status == 404
}

/// What a permissions list says `who` has ("Read", "Read and change"…), if it lists them.
fn listed(html: &str, who: &str) -> Option<String> {
    let key = format!(": {who} — ");
    let at = html.find(&key)? + key.len();
    let end = html[at..].find(['<', '\n']).map_or(html.len(), |e| at + e);
    Some(html[at..end].trim().to_owned())
}

/// The value of the first hidden field called `name`.
fn hidden(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let at = html.find(&key).unwrap_or_else(|| panic!("{name} in {html}")) + key.len();
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

/// The fields of the grant form of Alice's calendar, after `token` unless it is empty.
fn calendar_grant<'a>(token: &'a str, name: &'a str, level: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("action", "grant"),
        ("login", "alice"),
        ("calendar", "calendar"),
        ("who", "user"),
        ("name", name),
        ("level", level),
    ];
    if !token.is_empty() {
        fields.insert(0, ("csrf", token));
    }
    fields
}

/// The fields of a folder's grant form, after `token` unless it is empty.
fn folder_grant<'a>(token: &'a str, who: &'a str, name: &'a str, level: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![("action", "grant"), ("who", who), ("name", name), ("level", level)];
    if !token.is_empty() {
        fields.insert(0, ("csrf", token));
    }
    fields
}

/// Bob's GET of Alice's standup over CalDAV: status and body.
async fn bob_reads(s: &TestServer) -> (u16, String) {
    let (status, body) = s.get_as(BOB.0, BOB.1, &format!("{CAL}standup.ics")).await;
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// Bob's PUT of an event of his own into Alice's calendar: the status.
async fn bob_writes(s: &TestServer) -> u16 {
    let event = STANDUP
        .replace("UID:standup", "UID:bobs")
        .replace("Team standup", "Bob's slot");
    s.put_as(BOB.0, BOB.1, &format!("{CAL}bobs.ics"), event).await
}

#[tokio::test]
async fn calendar_grants_are_given_and_taken_back_on_the_settings_page() {
    let s = server().await;
    assert_eq!(
        s.put_as(ALICE.0, ALICE.1, &format!("{CAL}standup.ics"), STANDUP).await,
        201
    );
    assert!(denied(bob_reads(&s).await.0), "a private calendar");

    let alice = s.sign_in(ALICE.0, ALICE.1).await;
    let (st, settings) = page(&s, &alice, "/calendar/settings").await;
    assert_eq!(st, StatusCode::OK);
    assert!(settings.contains("Not shared with anyone in particular"), "{settings}");
    assert!(listed(&settings, "bob").is_none(), "{settings}");
    let token = csrf(&settings);

    // Without the form's token: refused, and nothing is shared.
    let (st, _, _) = post_form(&s, &alice, "/calendar/settings", &calendar_grant("", "bob", "read")).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert!(denied(bob_reads(&s).await.0), "the refused form shared nothing");

    // Someone who does not exist: a reason, and the page again.
    let nobody = calendar_grant(&token, "nobody", "read");
    let (st, _, body) = post_form(&s, &alice, "/calendar/settings", &nobody).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body.contains("There is no such user, group or department: nobody"),
        "{body}"
    );

    // Read for Bob: he reads every detail, and still may not write.
    let read = calendar_grant(&token, "bob", "read");
    let (st, location, body) = post_form(&s, &alice, "/calendar/settings", &read).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(location, "/calendar/settings");
    let (st, text) = bob_reads(&s).await;
    assert_eq!(st, 200, "{text}");
    assert!(text.contains("SUMMARY:Team standup"), "{text}");
    assert_eq!(bob_writes(&s).await, 403, "read is not write");
    let (_, settings) = page(&s, &alice, "/calendar/settings").await;
    assert_eq!(listed(&settings, "bob").as_deref(), Some("Read"), "{settings}");
    assert!(settings.contains("User: bob"), "{settings}");

    // Bob, with his own page's token, cannot give himself more on Alice's calendar.
    let bob = s.sign_in(BOB.0, BOB.1).await;
    let (_, bobs_settings) = page(&s, &bob, "/calendar/settings").await;
    let bob_token = csrf(&bobs_settings);
    let forged = calendar_grant(&bob_token, "bob", "write");
    let (st, _, body) = post_form(&s, &bob, "/calendar/settings", &forged).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(bob_writes(&s).await, 403, "the forged grant changed nothing");
    let (_, settings) = page(&s, &alice, "/calendar/settings").await;
    assert_eq!(listed(&settings, "bob").as_deref(), Some("Read"), "{settings}");
    // Nor take Alice's grant away from the outside.
    let key = hidden(&settings, "grantee");
    let remove = [
        ("csrf", bob_token.as_str()),
        ("action", "grant-remove"),
        ("login", "alice"),
        ("calendar", "calendar"),
        ("grantee", key.as_str()),
    ];
    let (st, _, _) = post_form(&s, &bob, "/calendar/settings", &remove).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert_eq!(bob_reads(&s).await.0, 200);

    // Alice changes the grant to write: one grant, and Bob writes.
    let write = calendar_grant(&token, "bob", "write");
    let (st, _, body) = post_form(&s, &alice, "/calendar/settings", &write).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(bob_writes(&s).await, 201);
    let (_, settings) = page(&s, &alice, "/calendar/settings").await;
    assert_eq!(
        listed(&settings, "bob").as_deref(),
        Some("Read and change"),
        "{settings}"
    );
    assert_eq!(settings.matches("value=\"grant-remove\"").count(), 1, "{settings}");

    // Removed: Bob reads nothing again, and the list is empty.
    let key = hidden(&settings, "grantee");
    let remove = [
        ("csrf", token.as_str()),
        ("action", "grant-remove"),
        ("login", "alice"),
        ("calendar", "calendar"),
        ("grantee", key.as_str()),
    ];
    let (st, location, _) = post_form(&s, &alice, "/calendar/settings", &remove).await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert_eq!(location, "/calendar/settings");
    assert!(denied(bob_reads(&s).await.0), "the grant is gone");
    let (_, settings) = page(&s, &alice, "/calendar/settings").await;
    assert!(listed(&settings, "bob").is_none(), "{settings}");
    assert!(settings.contains("Not shared with anyone in particular"), "{settings}");
    s.shutdown().await;
}

#[tokio::test]
async fn a_head_manages_a_folders_permissions_and_an_employee_may_not() {
    let s = server().await;
    // Sales: Carol is its head (she manages its library), Bob works there (he writes, and
    // does not manage); Alice is elsewhere.
    let sales = s.add_department("Sales").await;
    s.join_department(BOB.0, sales).await;
    let carol_id = s.principal_id(CAROL.0).await;
    s.app.store.set_department_head(sales, carol_id).await.unwrap();
    s.app
        .store
        .create_principal(NewPrincipal {
            kind: PrincipalKind::Group,
            login: "planners",
            display_name: "Planners",
            email: None,
            password_hash: None,
            is_admin: false,
        })
        .await
        .unwrap();
    assert_eq!(s.mkcol_as(CAROL.0, CAROL.1, "/docs/departments/sales/Plans").await, 201);
    let plan = "/docs/departments/sales/Plans/q3.txt";
    assert!(denied(s.put_as(ALICE.0, ALICE.1, plan, "alice's").await));

    let folder = "/documents/departments/sales/Plans/";
    let carol = s.sign_in(CAROL.0, CAROL.1).await;
    let (st, html) = page(&s, &carol, folder).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        html.contains("Permissions") && html.contains("Nobody has been given access to this folder"),
        "{html}"
    );
    let token = csrf(&html);

    // Without the token: refused, nothing given.
    let (st, _, _) = post_form(&s, &carol, folder, &folder_grant("", "user", "alice", "write")).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert!(denied(s.put_as(ALICE.0, ALICE.1, plan, "alice's").await));

    // Write for Alice, read for the planners; the list shows both.
    for (who, name, level) in [("user", "alice", "write"), ("group", "planners", "read")] {
        let fields = folder_grant(&token, who, name, level);
        let (st, location, body) = post_form(&s, &carol, folder, &fields).await;
        assert_eq!(st, StatusCode::SEE_OTHER, "{name}: {body}");
        assert_eq!(location, folder);
    }
    assert_eq!(s.put_as(ALICE.0, ALICE.1, plan, "alice's").await, 201);
    assert!(
        denied(
            s.put_as(ALICE.0, ALICE.1, "/docs/departments/sales/other.txt", "x")
                .await
        ),
        "the grant holds for the folder, not the library"
    );
    let (_, html) = page(&s, &carol, folder).await;
    assert_eq!(listed(&html, "alice").as_deref(), Some("Read and change"), "{html}");
    assert_eq!(listed(&html, "Planners (planners)").as_deref(), Some("Read"), "{html}");
    assert!(html.contains("Group: Planners"), "{html}");

    // An unknown department: a reason.
    let fields = folder_grant(&token, "department", "nowhere", "read");
    let (st, _, body) = post_form(&s, &carol, folder, &fields).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("no such user, group or department: nowhere"), "{body}");

    // Bob writes in his department's library but does not manage it: no permissions on his
    // page, and a forged form is refused by the service.
    let bob = s.sign_in(BOB.0, BOB.1).await;
    let (st, html) = page(&s, &bob, folder).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        !html.contains("Permissions") && !html.contains("value=\"grant\"") && listed(&html, "alice").is_none(),
        "{html}"
    );
    let bob_token = csrf(&html);
    let forged = folder_grant(&bob_token, "user", "bob", "manage");
    let (st, _, body) = post_form(&s, &bob, folder, &forged).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{body}");
    let (_, html) = page(&s, &carol, folder).await;
    assert!(
        listed(&html, "bob").is_none(),
        "the forged grant changed nothing: {html}"
    );
    let alices = hidden(&html, "grantee");
    let forged_remove = [
        ("csrf", bob_token.as_str()),
        ("action", "grant-remove"),
        ("grantee", alices.as_str()),
    ];
    let (st, _, _) = post_form(&s, &bob, folder, &forged_remove).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert_eq!(s.put_as(ALICE.0, ALICE.1, plan, "still alice's").await, 204);

    // Carol takes Alice's grant back.
    let remove = [
        ("csrf", token.as_str()),
        ("action", "grant-remove"),
        ("grantee", alices.as_str()),
    ];
    let (st, location, _) = post_form(&s, &carol, folder, &remove).await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert_eq!(location, folder);
    assert!(denied(s.put_as(ALICE.0, ALICE.1, plan, "again").await));
    let (_, html) = page(&s, &carol, folder).await;
    assert!(listed(&html, "alice").is_none(), "{html}");
    assert_eq!(listed(&html, "Planners (planners)").as_deref(), Some("Read"), "{html}");
    s.shutdown().await;
}
