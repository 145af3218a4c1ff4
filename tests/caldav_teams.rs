//! Calendars in a user's home besides their own, over real TCP: favourites (added through
//! `/api/favorites`) and team calendars of the company, a department and a workgroup, each
//! reachable as `{owner}~{slug}` in the home with hrefs below it; the CalendarServer sharing
//! properties Apple reads; who may write; the RFC 3744 `acl`; and GET of a whole calendar.

mod common;

use common::{DAV, TestServer, multistatus, response_for};
use portico::store::repos::*;
use portico::store::{NewCollection, NewPrincipal, PrincipalKind, Team};

const CS: &str = "http://calendarserver.org/ns/";
const A: (&str, &str) = ("alice", "alice-pw");
const B: (&str, &str) = ("bob", "bob-pw");
const C: (&str, &str) = ("carol", "carol-pw");
const ALICE_CAL: &str = "/dav/calendars/alice/calendar/";
const BOB_HOME: &str = "/dav/calendars/bob/";
const BOUND: &str = "/dav/calendars/bob/alice~calendar/";

fn event(uid: &str, summary: &str, day: u32) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\n\
DTSTAMP:20300101T000000Z\r\nDTSTART:203003{day:02}T090000Z\r\nDTEND:203003{day:02}T100000Z\r\n\
SUMMARY:{summary}\r\nDESCRIPTION:details of {summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

async fn server() -> TestServer {
    let s = TestServer::start().await;
    for (login, pw) in [A, B, C] {
        s.add_user(login, pw).await;
    }
    let resp = s
        .req_as(A.0, A.1, "PUT", &format!("{ALICE_CAL}review.ics"))
        .body(event("review", "Budget review", 4))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    s
}

async fn set_mode(s: &TestServer, login: &str, slug: &str, mode: &str) {
    let owner = s.app.store.principal_by_login(login).await.unwrap().unwrap();
    let coll = s
        .app
        .store
        .collection(owner.id, "calendar", slug)
        .await
        .unwrap()
        .unwrap();
    s.app.store.set_collection_visibility(coll.id, mode).await.unwrap();
}

async fn status(s: &TestServer, who: (&str, &str), method: &str, path: &str, body: &str) -> u16 {
    s.req_as(who.0, who.1, method, path)
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

const HOME_PROPS: &str = r#"<D:propfind xmlns:D="DAV:" xmlns:CS="http://calendarserver.org/ns/"><D:prop>
<D:resourcetype/><D:displayname/><D:current-user-privilege-set/><CS:shared-url/><CS:invite/><CS:getctag/>
</D:prop></D:propfind>"#;

/// The hrefs (paths) of the calendars listed in a home.
async fn home_listing(s: &TestServer, who: (&str, &str), home: &str) -> Vec<common::DavResponse> {
    let (code, body) = s.propfind_as(who.0, who.1, home, "1", HOME_PROPS).await;
    assert_eq!(code, 207, "{body}");
    multistatus(&body)
}

fn privileges(r: &common::DavResponse) -> Vec<String> {
    r.ok_prop(DAV, "current-user-privilege-set")
        .map(|set| {
            set.descendants(DAV, "privilege")
                .iter()
                .flat_map(|p| p.elements().map(|e| e.name.clone()).collect::<Vec<_>>())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn favourites_show_in_the_home_and_follow_the_visibility_mode() {
    let s = server().await;
    // A private calendar cannot become a favourite; an unknown one is 404.
    assert_eq!(status(&s, B, "PUT", "/api/favorites/alice/calendar", "").await, 403);
    assert_eq!(status(&s, B, "PUT", "/api/favorites/alice/nope", "").await, 404);
    assert_eq!(status(&s, B, "PUT", "/api/favorites/bob/calendar", "").await, 400);
    set_mode(&s, "alice", "calendar", "titles").await;
    assert_eq!(status(&s, B, "PUT", "/api/favorites/alice/calendar", "").await, 204);
    let list: serde_json::Value = s
        .req_as(B.0, B.1, "GET", "/api/favorites")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["owner"], "alice");
    assert_eq!(list[0]["href"], BOUND);

    let listing = home_listing(&s, B, BOB_HOME).await;
    let bound = response_for(&listing, BOUND).unwrap_or_else(|| panic!("favourite not in the home"));
    let rt = bound.ok_prop(DAV, "resourcetype").unwrap();
    assert!(rt.child(CS, "shared").is_some(), "Apple sees a shared calendar");
    assert!(rt.child("urn:ietf:params:xml:ns:caldav", "calendar").is_some());
    assert_eq!(bound.ok_text(DAV, "displayname").unwrap(), "Calendar (alice)");
    assert!(
        bound
            .ok_prop(CS, "shared-url")
            .unwrap()
            .text()
            .contains("/dav/calendars/alice/calendar/")
    );
    let invite = bound.ok_prop(CS, "invite").unwrap();
    assert!(
        invite.descendants(CS, "read").len() == 1,
        "read-only access in CS:invite"
    );
    assert_eq!(privileges(bound), ["read", "read-current-user-privilege-set"]);
    // Bob's own calendars are still there, carol's home shows no favourites of bob.
    assert!(response_for(&listing, "/dav/calendars/bob/calendar/").is_some());

    // Queries through the binding answer with hrefs below it and only titles.
    let query = r#"<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop>
<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/></C:comp-filter></C:filter></C:calendar-query>"#;
    let resp = s
        .req_as(B.0, B.1, "REPORT", BOUND)
        .header("Depth", "1")
        .body(query)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 207);
    let body = resp.text().await.unwrap();
    let found = multistatus(&body);
    assert_eq!(found.len(), 1, "{body}");
    assert_eq!(found[0].path, format!("{BOUND}review.ics"));
    assert!(body.contains("Budget review") && !body.contains("details of"), "{body}");
    let multiget = format!(
        r#"<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/></D:prop><D:href>{BOUND}review.ics</D:href></C:calendar-multiget>"#
    );
    let resp = s.req_as(B.0, B.1, "REPORT", BOUND).body(multiget).send().await.unwrap();
    let body = resp.text().await.unwrap();
    let got = multistatus(&body);
    assert_eq!(
        got[0].ok_text(DAV, "getetag").map(|e| e.len() > 2),
        Some(true),
        "{body}"
    );
    let (code, body) = s.get_as(B.0, B.1, &format!("{BOUND}review.ics")).await;
    let body = String::from_utf8(body).unwrap();
    assert_eq!(code, 200);
    assert!(
        body.contains("SUMMARY:Budget review") && !body.contains("details of"),
        "{body}"
    );
    // Read-only: no writes through the binding.
    assert_eq!(
        status(&s, B, "PUT", &format!("{BOUND}new.ics"), &event("new", "x", 5)).await,
        403
    );
    // Nobody else reaches bob's bindings, not even through their own home.
    assert_eq!(status(&s, C, "PROPFIND", BOUND, "").await, 404);
    assert_eq!(
        status(&s, C, "PROPFIND", "/dav/calendars/carol/alice~calendar/", "").await,
        404
    );

    // Alice makes it private: it leaves bob's home listing and the binding is closed.
    set_mode(&s, "alice", "calendar", "private").await;
    let listing = home_listing(&s, B, BOB_HOME).await;
    assert!(response_for(&listing, BOUND).is_none());
    assert_eq!(status(&s, B, "PROPFIND", BOUND, "").await, 403);

    // DELETE on the binding (Apple's unsubscribe) removes the favourite, not the calendar.
    set_mode(&s, "alice", "calendar", "busy").await;
    assert_eq!(status(&s, B, "DELETE", BOUND, "").await, 204);
    assert_eq!(status(&s, B, "PROPFIND", BOUND, "").await, 404);
    assert_eq!(status(&s, A, "PROPFIND", ALICE_CAL, "").await, 207);
    assert_eq!(status(&s, B, "DELETE", "/api/favorites/alice/calendar", "").await, 404);
    s.shutdown().await;
}

#[tokio::test]
async fn favourites_with_a_write_grant_take_writes_and_sync_below_the_binding() {
    let s = server().await;
    let alice_cal = {
        let owner = s.app.store.principal_by_login("alice").await.unwrap().unwrap();
        s.app
            .store
            .collection(owner.id, "calendar", "calendar")
            .await
            .unwrap()
            .unwrap()
    };
    let bob = s.principal_id("bob").await;
    s.app
        .store
        .set_collection_grant(
            alice_cal.id,
            portico::store::Grantee::Principal(bob),
            Some(portico::store::AccessLevel::Write),
        )
        .await
        .unwrap();
    assert_eq!(status(&s, B, "PUT", "/api/favorites/alice/calendar", "").await, 204);
    let listing = home_listing(&s, B, BOB_HOME).await;
    let bound = response_for(&listing, BOUND).unwrap();
    assert!(privileges(bound).contains(&"write".to_owned()));
    assert_eq!(
        bound.ok_prop(CS, "invite").unwrap().descendants(CS, "read-write").len(),
        1
    );
    assert_eq!(
        status(&s, B, "PUT", &format!("{BOUND}lunch.ics"), &event("lunch", "Lunch", 6)).await,
        201
    );
    let (code, body) = s.get_as(A.0, A.1, &format!("{ALICE_CAL}lunch.ics")).await;
    assert_eq!(code, 200, "written into alice's calendar");
    assert!(String::from_utf8(body).unwrap().contains("Lunch"));
    let sync = r#"<D:sync-collection xmlns:D="DAV:"><D:sync-token/><D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>"#;
    let resp = s.req_as(B.0, B.1, "REPORT", BOUND).body(sync).send().await.unwrap();
    let body = resp.text().await.unwrap();
    let members = multistatus(&body);
    let mut paths: Vec<_> = members.iter().map(|r| r.path.clone()).collect();
    paths.sort();
    assert_eq!(
        paths,
        [format!("{BOUND}lunch.ics"), format!("{BOUND}review.ics")],
        "{body}"
    );
    // Bob may not change alice's calendar itself, nor delete it through his home.
    let proppatch = r#"<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>Mine</D:displayname></D:prop></D:set></D:propertyupdate>"#;
    assert_eq!(status(&s, B, "PROPPATCH", ALICE_CAL, proppatch).await, 403);
    assert_eq!(status(&s, B, "DELETE", ALICE_CAL, "").await, 403);
    s.shutdown().await;
}

async fn team_calendar(s: &TestServer, owner_id: i64, slug: &str, name: &str, mode: &str) {
    let coll = s
        .app
        .store
        .create_collection(&NewCollection {
            owner_id,
            kind: "calendar",
            slug,
            displayname: Some(name),
            description: None,
            color: None,
            timezone: None,
            components: "VEVENT",
        })
        .await
        .unwrap();
    s.app.store.set_collection_visibility(coll.id, mode).await.unwrap();
}

#[tokio::test]
async fn department_company_and_workgroup_calendars_show_in_members_homes() {
    let s = server().await;
    let admin_hash = portico::core::auth::password::hash("root-pw").unwrap();
    s.app
        .store
        .create_principal(NewPrincipal {
            kind: PrincipalKind::User,
            login: "root",
            display_name: "Root",
            email: None,
            password_hash: Some(&admin_hash),
            is_admin: true,
        })
        .await
        .unwrap();
    let root = ("root", "root-pw");
    let finance = s.add_department("Finance").await;
    s.join_department("alice", finance).await;
    s.join_department("carol", finance).await;
    let carol = s.principal_id("carol").await;
    s.app.store.set_department_head(finance, carol).await.unwrap();
    let dept = s
        .app
        .store
        .ensure_team_principal(Team::Department(finance), "finance", "Finance")
        .await
        .unwrap();
    assert_eq!(dept.login, "@dept-finance");
    team_calendar(&s, dept.id, "calendar", "Finance calendar", "private").await;
    let company = s
        .app
        .store
        .ensure_team_principal(Team::Company, "", "Company")
        .await
        .unwrap();
    team_calendar(&s, company.id, "events", "Company events", "all").await;
    let devs = s
        .app
        .store
        .create_principal(NewPrincipal {
            kind: PrincipalKind::Group,
            login: "devs",
            display_name: "Developers",
            email: None,
            password_hash: None,
            is_admin: false,
        })
        .await
        .unwrap();
    s.app
        .store
        .add_membership(devs.id, s.principal_id("bob").await)
        .await
        .unwrap();
    team_calendar(&s, devs.id, "sprints", "Sprints", "busy").await;

    let dept_bound = "/dav/calendars/alice/@dept-finance~calendar/";
    let company_alice = "/dav/calendars/alice/@company~events/";
    let company_bob = "/dav/calendars/bob/@company~events/";
    let devs_bob = "/dav/calendars/bob/devs~sprints/";

    // Alice (Finance) sees the department and company calendars; bob the company and devs.
    let alice_home = home_listing(&s, A, "/dav/calendars/alice/").await;
    let mut alice_paths: Vec<_> = alice_home.iter().map(|r| r.path.clone()).collect();
    alice_paths.sort();
    assert_eq!(
        alice_paths,
        [
            "/dav/calendars/alice/",
            company_alice,
            dept_bound,
            "/dav/calendars/alice/calendar/",
            "/dav/calendars/alice/inbox/",
            "/dav/calendars/alice/outbox/",
            "/dav/calendars/alice/tasks/",
        ]
    );
    let d = response_for(&alice_home, dept_bound).unwrap();
    assert_eq!(d.ok_text(DAV, "displayname").unwrap(), "Finance calendar");
    assert!(privileges(d).contains(&"write".to_owned()), "members write");
    let c = response_for(&alice_home, company_alice).unwrap();
    assert!(
        !privileges(c).contains(&"write".to_owned()),
        "the company calendar is read-only"
    );
    let bob_home = home_listing(&s, B, BOB_HOME).await;
    assert!(response_for(&bob_home, company_bob).is_some());
    assert!(response_for(&bob_home, devs_bob).is_some());
    assert!(response_for(&bob_home, "/dav/calendars/bob/@dept-finance~calendar/").is_none());

    // Members write through their binding; others are kept out or read-only.
    let ev = event("close", "Quarter close", 10);
    assert_eq!(status(&s, A, "PUT", &format!("{dept_bound}close.ics"), &ev).await, 201);
    let canonical = "/dav/calendars/@dept-finance/calendar/";
    assert_eq!(status(&s, B, "GET", &format!("{canonical}close.ics"), "").await, 403);
    assert_eq!(
        status(&s, B, "PROPFIND", "/dav/calendars/bob/@dept-finance~calendar/", "").await,
        404
    );
    assert_eq!(
        status(&s, B, "PUT", &format!("{company_bob}x.ics"), &event("x", "x", 11)).await,
        403
    );
    assert_eq!(
        status(
            &s,
            root,
            "PUT",
            "/dav/calendars/@company/events/party.ics",
            &event("party", "Party", 12)
        )
        .await,
        201,
        "administrators manage the company calendar"
    );
    let (code, body) = s.get_as(B.0, B.1, &format!("{company_bob}party.ics")).await;
    assert_eq!(code, 200);
    assert!(String::from_utf8(body).unwrap().contains("SUMMARY:Party"));
    assert_eq!(
        status(
            &s,
            B,
            "PUT",
            &format!("{devs_bob}sprint.ics"),
            &event("s1", "Sprint 1", 13)
        )
        .await,
        201
    );
    // Team calendars cannot be removed from a member's home.
    assert_eq!(status(&s, B, "DELETE", devs_bob, "").await, 403);
    assert_eq!(status(&s, B, "PROPFIND", devs_bob, "").await, 207);
    // The department head manages the department's calendar: renames it, reads its ACL.
    let proppatch = r#"<D:propertyupdate xmlns:D="DAV:"><D:set><D:prop><D:displayname>Finance team</D:displayname></D:prop></D:set></D:propertyupdate>"#;
    assert_eq!(
        status(&s, A, "PROPPATCH", canonical, proppatch).await,
        403,
        "members write events only"
    );
    assert_eq!(status(&s, C, "PROPPATCH", canonical, proppatch).await, 207);
    let listing = home_listing(&s, A, "/dav/calendars/alice/").await;
    assert_eq!(
        response_for(&listing, dept_bound)
            .unwrap()
            .ok_text(DAV, "displayname")
            .as_deref(),
        Some("Finance team"),
        "the head's rename shows in every member's home"
    );
    let acl_req = r#"<D:propfind xmlns:D="DAV:"><D:prop><D:acl/></D:prop></D:propfind>"#;
    let (code, body) = s.propfind_as(C.0, C.1, canonical, "0", acl_req).await;
    assert_eq!(code, 207);
    let r = multistatus(&body);
    let acl = r[0].ok_prop(DAV, "acl").unwrap_or_else(|| panic!("{body}"));
    let hrefs: Vec<String> = acl.descendants(DAV, "href").iter().map(|h| h.text()).collect();
    assert!(hrefs.iter().any(|h| h.contains("/principals/users/carol/")), "{body}");
    assert!(hrefs.iter().any(|h| h.contains("dept-finance")), "{body}");
    s.shutdown().await;
}

#[tokio::test]
async fn acl_lists_owner_grants_and_the_visibility_mode() {
    let s = server().await;
    set_mode(&s, "alice", "calendar", "busy").await;
    let owner = s.app.store.principal_by_login("alice").await.unwrap().unwrap();
    let coll = s
        .app
        .store
        .collection(owner.id, "calendar", "calendar")
        .await
        .unwrap()
        .unwrap();
    let bob = s.principal_id("bob").await;
    s.app
        .store
        .set_collection_grant(
            coll.id,
            portico::store::Grantee::Principal(bob),
            Some(portico::store::AccessLevel::Write),
        )
        .await
        .unwrap();
    let acl_req = r#"<D:propfind xmlns:D="DAV:"><D:prop><D:acl/><D:current-user-privilege-set/></D:prop></D:propfind>"#;
    let (code, body) = s.propfind_as(A.0, A.1, ALICE_CAL, "0", acl_req).await;
    assert_eq!(code, 207);
    let r = &multistatus(&body)[0];
    let acl = r.ok_prop(DAV, "acl").unwrap_or_else(|| panic!("{body}"));
    let aces = acl.descendants(DAV, "ace");
    assert_eq!(aces.len(), 3, "{body}");
    assert!(aces[0].descendants(DAV, "owner").len() == 1 && aces[0].descendants(DAV, "all").len() == 1);
    assert!(
        aces[1].descendants(DAV, "href")[0]
            .text()
            .contains("/principals/users/bob/")
    );
    assert_eq!(aces[1].descendants(DAV, "write").len(), 1, "{body}");
    assert_eq!(aces[2].descendants(DAV, "authenticated").len(), 1);
    assert_eq!(
        aces[2]
            .descendants("urn:ietf:params:xml:ns:caldav", "read-free-busy")
            .len(),
        1
    );
    assert!(privileges(r).contains(&"read-acl".to_owned()));
    // Bob writes (grant) but does not manage: his privileges say so, and no ACL for him.
    let (_, body) = s.propfind_as(B.0, B.1, ALICE_CAL, "0", acl_req).await;
    let r = &multistatus(&body)[0];
    assert_eq!(r.prop_status(DAV, "acl"), Some(404), "{body}");
    let p = privileges(r);
    assert!(
        p.contains(&"write".to_owned()) && !p.contains(&"read-acl".to_owned()),
        "{p:?}"
    );
    s.shutdown().await;
}

#[tokio::test]
async fn get_on_a_calendar_exports_what_the_caller_may_see() {
    let s = server().await;
    let resp = s
        .req_as(A.0, A.1, "PUT", &format!("{ALICE_CAL}standup.ics"))
        .body(event("standup", "Standup", 5))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    let resp = s.req_as(A.0, A.1, "GET", ALICE_CAL).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let text = resp.text().await.unwrap();
    assert_eq!(text.matches("BEGIN:VCALENDAR").count(), 1, "{text}");
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 2, "{text}");
    assert!(text.contains("SUMMARY:Standup") && text.contains("details of Budget review"));
    assert_eq!(status(&s, B, "GET", ALICE_CAL, "").await, 403, "private by default");
    set_mode(&s, "alice", "calendar", "busy").await;
    let resp = s.req_as(B.0, B.1, "GET", ALICE_CAL).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let text = resp.text().await.unwrap();
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 2, "{text}");
    assert!(
        !text.contains("Standup") && !text.contains("Budget"),
        "busy only: {text}"
    );
    let head = s.req_as(A.0, A.1, "HEAD", ALICE_CAL).send().await.unwrap();
    assert_eq!(head.status().as_u16(), 200);
    s.shutdown().await;
}

#[tokio::test]
async fn binding_names_are_reserved_and_bad_favourite_paths_are_rejected() {
    let s = server().await;
    let mk = r#"<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"/>"#;
    assert_eq!(status(&s, A, "MKCALENDAR", "/dav/calendars/alice/x~y/", mk).await, 403);
    assert_eq!(status(&s, B, "PUT", "/api/favorites/alice", "").await, 404);
    assert_eq!(
        status(&s, B, "PUT", "/api/favorites/alice/calendar/extra", "").await,
        404
    );
    assert_eq!(status(&s, B, "PUT", "/api/favorites/..%2f/calendar", "").await, 400);
    assert_eq!(status(&s, B, "POST", "/api/favorites", "").await, 405);
    assert_eq!(
        s.request("GET", "/api/favorites")
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );
    s.shutdown().await;
}

#[tokio::test]
async fn a_sharee_sets_colour_and_name_for_themselves_only() {
    let s = server().await;
    set_mode(&s, "alice", "calendar", "all").await;
    assert_eq!(status(&s, B, "PUT", "/api/favorites/alice/calendar", "").await, 204);
    // What Apple Calendar sends after subscribing: its colour and order for the calendar.
    let mine = r#"<D:propertyupdate xmlns:D="DAV:" xmlns:A="http://apple.com/ns/ical/"><D:set><D:prop>
<A:calendar-color>#FF2968FF</A:calendar-color><A:calendar-order>7</A:calendar-order><D:displayname>Alice (team)</D:displayname>
</D:prop></D:set></D:propertyupdate>"#;
    let resp = s.req_as(B.0, B.1, "PROPPATCH", BOUND).body(mine).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 207);
    let body = resp.text().await.unwrap();
    assert!(
        multistatus(&body)[0].propstats.iter().all(|(st, _)| *st == 200),
        "{body}"
    );
    let ask = r#"<D:propfind xmlns:D="DAV:" xmlns:A="http://apple.com/ns/ical/"><D:prop><D:displayname/><A:calendar-color/><A:calendar-order/></D:prop></D:propfind>"#;
    let (_, body) = s.propfind_as(B.0, B.1, BOUND, "0", ask).await;
    let r = &multistatus(&body)[0];
    assert_eq!(r.ok_text(DAV, "displayname").as_deref(), Some("Alice (team)"), "{body}");
    assert_eq!(
        r.ok_text("http://apple.com/ns/ical/", "calendar-color").as_deref(),
        Some("#FF2968FF")
    );
    // The owner's calendar, and bob's view of it at its own URL, are unchanged.
    let (_, body) = s.propfind_as(A.0, A.1, ALICE_CAL, "0", ask).await;
    let r = &multistatus(&body)[0];
    assert_eq!(r.ok_text(DAV, "displayname").as_deref(), Some("Calendar"), "{body}");
    assert_eq!(r.prop_status("http://apple.com/ns/ical/", "calendar-color"), Some(404));
    let (_, body) = s.propfind_as(B.0, B.1, ALICE_CAL, "0", ask).await;
    assert_eq!(
        multistatus(&body)[0].ok_text(DAV, "displayname").as_deref(),
        Some("Calendar")
    );
    // Live calendar properties cannot be changed through a binding; nothing is applied.
    let bad = r#"<D:propertyupdate xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>
<D:displayname>Other</D:displayname><C:supported-calendar-component-set><C:comp name="VTODO"/></C:supported-calendar-component-set>
</D:prop></D:set></D:propertyupdate>"#;
    let resp = s.req_as(B.0, B.1, "PROPPATCH", BOUND).body(bad).send().await.unwrap();
    let body = resp.text().await.unwrap();
    let statuses: Vec<u16> = multistatus(&body)[0].propstats.iter().map(|(st, _)| *st).collect();
    assert!(statuses.contains(&403) && statuses.contains(&424), "{body}");
    let (_, body) = s.propfind_as(B.0, B.1, BOUND, "0", ask).await;
    assert_eq!(
        multistatus(&body)[0].ok_text(DAV, "displayname").as_deref(),
        Some("Alice (team)")
    );
    // Removing the own name shows the shared one again.
    let remove =
        r#"<D:propertyupdate xmlns:D="DAV:"><D:remove><D:prop><D:displayname/></D:prop></D:remove></D:propertyupdate>"#;
    assert_eq!(status(&s, B, "PROPPATCH", BOUND, remove).await, 207);
    let (_, body) = s.propfind_as(B.0, B.1, BOUND, "0", ask).await;
    assert_eq!(
        multistatus(&body)[0].ok_text(DAV, "displayname").as_deref(),
        Some("Calendar (alice)")
    );
    s.shutdown().await;
}
