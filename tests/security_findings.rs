//! Regression tests for the findings (critical to low) of the attack on the demo server
//! (issue 13), each replaying the attack over TCP as the hostile colleague did and asserting
//! the fixed behaviour. The memory-exhaustion attack runs the real binary under a memory
//! limit in `tests/security_memory.rs`.

mod common;

use portico::store::repos::*;
use std::net::IpAddr;

use common::{ADMIN_PASSWORD, TestServer};
use reqwest::StatusCode;

const ALICE: (&str, &str) = ("alice", "alice-pw");
const RYAN: (&str, &str) = ("ryan", "ryan-pw");

async fn server() -> TestServer {
    let s = TestServer::start().await;
    s.add_user(ALICE.0, ALICE.1).await;
    s.add_user(RYAN.0, RYAN.1).await;
    s
}

/// A client whose connections come from `ip` (any 127/8 address is loopback on Linux).
fn client_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(ip.parse::<IpAddr>().unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn options_as(s: &TestServer, client: &reqwest::Client, login: &str, password: &str) -> StatusCode {
    client
        .request(reqwest::Method::OPTIONS, s.url("/dav/"))
        .basic_auth(login, Some(password))
        .send()
        .await
        .unwrap()
        .status()
}

// ---------------------------------------------------------------------------------------------
// High: quadratic parsing stalls the whole server. Counts are limited, with a clear 4xx.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn propfind_with_80k_attributes_is_refused() {
    let s = server().await;
    let attrs: String = (0..80_000).map(|i| format!(" a{i}=\"x\"")).collect();
    let body = format!(
        "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\"><D:prop{attrs}><D:getetag/></D:prop></D:propfind>"
    );
    let (status, text) = s
        .propfind_as(ALICE.0, ALICE.1, "/dav/calendars/alice/", "0", &body)
        .await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("attributes"), "the reason names the limit: {text}");
    s.shutdown().await;
}

#[tokio::test]
async fn propfind_with_50k_property_names_is_refused() {
    let s = server().await;
    let props: String = (0..50_000).map(|i| format!("<X:p{i}/>")).collect();
    let body = format!("<D:propfind xmlns:D=\"DAV:\" xmlns:X=\"urn:x\"><D:prop>{props}</D:prop></D:propfind>");
    for path in ["/dav/calendars/alice/", "/docs/users/alice/"] {
        let (status, text) = s.propfind_as(ALICE.0, ALICE.1, path, "1", &body).await;
        assert_eq!(status, 400, "{path}: {text}");
        assert!(text.contains("properties"), "{text}");
    }
    s.shutdown().await;
}

#[tokio::test]
async fn allprop_with_20k_includes_is_refused() {
    let s = server().await;
    let props: String = (0..20_000).map(|i| format!("<X:p{i}/>")).collect();
    let body = format!(
        "<D:propfind xmlns:D=\"DAV:\" xmlns:X=\"urn:x\"><D:allprop/><D:include>{props}</D:include></D:propfind>"
    );
    let (status, text) = s.propfind_as(ALICE.0, ALICE.1, "/docs/users/alice/", "1", &body).await;
    assert_eq!(status, 400, "{text}");
    s.shutdown().await;
}

#[tokio::test]
async fn ordinary_property_lists_still_work() {
    let s = server().await;
    // Duplicates are answered once; a few hundred names are fine.
    let props: String = (0..300).map(|i| format!("<X:p{}/>", i % 150)).collect();
    let body =
        format!("<D:propfind xmlns:D=\"DAV:\" xmlns:X=\"urn:x\"><D:prop><D:getetag/>{props}</D:prop></D:propfind>");
    let (status, text) = s.propfind_as(ALICE.0, ALICE.1, "/docs/users/alice/", "0", &body).await;
    assert_eq!(status, 207, "{text}");
    assert_eq!(text.matches("p149").count(), 1, "each name once");
    s.shutdown().await;
}

#[tokio::test]
async fn vcard_with_60k_email_lines_is_refused() {
    let s = server().await;
    let emails: String = (0..60_000).map(|i| format!("EMAIL:{i}@x\r\n")).collect();
    let card = format!("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:flood\r\nFN:Flood\r\nN:Flood;;;;\r\n{emails}END:VCARD\r\n");
    let resp = s
        .req_as(ALICE.0, ALICE.1, "PUT", "/dav/addressbooks/alice/contacts/flood.vcf")
        .header("Content-Type", "text/vcard; charset=utf-8")
        .body(card)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let text = resp.text().await.unwrap();
    assert_eq!(status, StatusCode::FORBIDDEN, "{text}");
    assert!(text.contains("properties"), "{text}");
    s.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// High: stored XSS in documents. User content is never a page of Portico's origin.
// ---------------------------------------------------------------------------------------------

const SCRIPT: &str =
    "<html><script>fetch('/api/app-passwords',{method:'POST',body:'{\"label\":\"x\"}'})</script></html>";

async fn put_doc(s: &TestServer, path: &str, content_type: &str, body: &str) {
    let status = s
        .req_as(ALICE.0, ALICE.1, "PUT", path)
        .header("Content-Type", content_type)
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success(), "PUT {path}: {status}");
}

#[tokio::test]
async fn active_documents_are_downloads_not_pages() {
    let s = server().await;
    let cases = [
        ("/docs/users/alice/evil.html", "text/html"),
        ("/docs/users/alice/evil.svg", "image/svg+xml"),
        ("/docs/users/alice/notes.txt", "text/html"),
        ("/docs/users/alice/page.xhtml", "application/xhtml+xml"),
        ("/docs/users/alice/data.xml", "text/xml"),
        ("/docs/users/alice/unknown", "application/octet-stream"),
    ];
    for (path, ctype) in cases {
        put_doc(&s, path, ctype, SCRIPT).await;
        for method in ["GET", "HEAD"] {
            let resp = s.req_as(ALICE.0, ALICE.1, method, path).send().await.unwrap();
            assert_eq!(resp.status(), StatusCode::OK, "{method} {path}");
            let h = resp.headers();
            let disposition = h.get("content-disposition").and_then(|v| v.to_str().ok()).unwrap_or("");
            assert!(
                disposition.starts_with("attachment"),
                "{method} {path}: {disposition:?}"
            );
            assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff", "{path}");
            let csp = h
                .get("content-security-policy")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            assert!(csp.contains("sandbox"), "{path}: {csp:?}");
        }
    }
    // Old versions are served the same way.
    put_doc(&s, "/docs/users/alice/evil.html", "text/html", "second").await;
    let resp = s
        .req_as(ALICE.0, ALICE.1, "GET", "/docs/users/alice/evil.html?version=1")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let disposition = resp.headers().get("content-disposition").unwrap().to_str().unwrap();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    assert_eq!(resp.text().await.unwrap(), SCRIPT);
    // Pages allow `script-src 'self'`: a script or style sheet in the library must not be
    // loadable by them, so it is served as bytes (which `nosniff` forbids running).
    for (path, ctype) in [
        ("/docs/users/alice/evil.js", "text/javascript"),
        ("/docs/users/alice/evil.mjs", "application/javascript; charset=utf-8"),
        ("/docs/users/alice/evil.css", "text/css"),
    ] {
        put_doc(&s, path, ctype, SCRIPT).await;
        let resp = s.req_as(ALICE.0, ALICE.1, "GET", path).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
        let h = resp.headers();
        assert_eq!(h.get("content-type").unwrap(), "application/octet-stream", "{path}");
        assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff", "{path}");
    }
    s.shutdown().await;
}

#[tokio::test]
async fn passive_documents_are_inline_in_a_sandbox() {
    let s = server().await;
    let cases = [
        ("/docs/users/alice/photo.png", "image/png"),
        ("/docs/users/alice/scan.pdf", "application/pdf"),
        ("/docs/users/alice/readme.txt", "text/plain"),
    ];
    for (path, ctype) in cases {
        put_doc(&s, path, ctype, "data").await;
        let resp = s.req_as(ALICE.0, ALICE.1, "GET", path).send().await.unwrap();
        let h = resp.headers();
        let disposition = h
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("inline");
        assert!(disposition.starts_with("inline"), "{path}: {disposition}");
        assert!(
            h.get("content-type").unwrap().to_str().unwrap().starts_with(ctype),
            "{path}"
        );
        assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
        let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
        assert!(csp.contains("sandbox"), "{csp}");
    }
    s.shutdown().await;
}

#[tokio::test]
async fn every_response_says_nosniff() {
    let s = server().await;
    let requests = [
        s.request("GET", "/healthz"),
        s.request("GET", "/login"),
        s.request("GET", "/nowhere"),
        s.request("OPTIONS", "/dav/"),
        s.req_as(ALICE.0, ALICE.1, "PROPFIND", "/dav/calendars/alice/")
            .header("Depth", "0"),
        s.req_as(ALICE.0, ALICE.1, "GET", "/docs/users/alice/"),
    ];
    for req in requests {
        let resp = req.send().await.unwrap();
        let url = resp.url().clone();
        assert_eq!(
            resp.headers()
                .get("x-content-type-options")
                .map(|v| v.to_str().unwrap()),
            Some("nosniff"),
            "{url} {}",
            resp.status()
        );
    }
    s.shutdown().await;
}

/// Signs in through the login form; returns the session cookie pair.
#[tokio::test]
async fn creating_an_app_password_needs_the_account_password() {
    let s = server().await;
    let cookie = s.sign_in(ALICE.0, ALICE.1).await;
    let post = |body: &'static str| {
        s.request("POST", "/api/app-passwords")
            .header("Cookie", cookie.clone())
            .header("Content-Type", "application/json")
            .body(body)
    };
    // What the planted script sent: a session alone does not mint a credential.
    let resp = post(r#"{"label":"x"}"#).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{}", resp.text().await.unwrap());
    let resp = post(r#"{"label":"x","password":"wrong"}"#).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let resp = post(r#"{"label":"laptop","password":"alice-pw"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let secret = resp.json::<serde_json::Value>().await.unwrap()["password"]
        .as_str()
        .unwrap()
        .to_owned();
    // An app password cannot stand in for the account password.
    let body = format!(r#"{{"label":"more","password":"{secret}"}}"#);
    let resp = s
        .request("POST", "/api/app-passwords")
        .basic_auth(ALICE.0, Some(&secret))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    // Basic credentials a browser cached do not count either: the body must carry it.
    let resp = s
        .request("POST", "/api/app-passwords")
        .basic_auth(ALICE.0, Some(ALICE.1))
        .body(r#"{"label":"cached"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let list: serde_json::Value = s
        .req_as(ALICE.0, ALICE.1, "GET", "/api/app-passwords")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "only the one created with the password: {list}"
    );
    s.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// High: an attacker can lock out any user, or everyone.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn guessing_a_password_does_not_lock_out_its_owner_elsewhere() {
    let s = server().await;
    let attacker = client_from("127.0.0.2");
    for _ in 0..10 {
        assert_eq!(
            options_as(&s, &attacker, RYAN.0, "guess").await,
            StatusCode::UNAUTHORIZED
        );
    }
    // The attacker's address is slowed down for ryan, even with the right password …
    assert_eq!(
        options_as(&s, &attacker, RYAN.0, RYAN.1).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // … but ryan at his own desk is not.
    let ryan = client_from("127.0.0.3");
    assert_eq!(options_as(&s, &ryan, RYAN.0, RYAN.1).await, StatusCode::OK);
    let resp = ryan
        .post(s.url("/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("login=ryan&password=ryan-pw")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    s.shutdown().await;
}

#[tokio::test]
async fn app_passwords_and_sessions_work_while_the_password_is_throttled() {
    let s = server().await;
    let cookie = s.sign_in(RYAN.0, RYAN.1).await;
    let created: serde_json::Value = s
        .request("POST", "/api/app-passwords")
        .basic_auth(RYAN.0, Some(RYAN.1))
        .body(r#"{"label":"phone","password":"ryan-pw"}"#)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let app_password = created["password"].as_str().unwrap().to_owned();
    let here = client_from("127.0.0.1");
    for _ in 0..12 {
        options_as(&s, &here, RYAN.0, "guess").await;
    }
    assert_eq!(
        options_as(&s, &here, RYAN.0, RYAN.1).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(options_as(&s, &here, RYAN.0, &app_password).await, StatusCode::OK);
    let resp = here
        .get(s.url("/api/app-passwords"))
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    s.shutdown().await;
}

#[tokio::test]
async fn spraying_unknown_logins_does_not_lock_out_known_users_of_that_address() {
    let s = server().await;
    let office = client_from("127.0.0.4");
    assert_eq!(options_as(&s, &office, RYAN.0, RYAN.1).await, StatusCode::OK);
    for i in 0..60 {
        let status = options_as(&s, &office, &format!("nobody{i}"), "x").await;
        assert!(matches!(status.as_u16(), 401 | 429), "{status}");
    }
    // The address is slowed down for logins it has not used …
    assert_eq!(
        options_as(&s, &office, ALICE.0, ALICE.1).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // … but not for those who signed in from it before, nor for other addresses.
    assert_eq!(options_as(&s, &office, RYAN.0, RYAN.1).await, StatusCode::OK);
    assert_eq!(
        options_as(&s, &client_from("127.0.0.5"), ALICE.0, ALICE.1).await,
        StatusCode::OK
    );
    s.shutdown().await;
}

#[tokio::test]
async fn the_client_address_comes_from_trusted_proxies_only() {
    let s = TestServer::start_with(|c| c.server.trusted_proxies = vec!["127.0.0.1/32".into()]).await;
    s.add_user(RYAN.0, RYAN.1).await;
    let via_proxy = |ip: &'static str| {
        s.request("OPTIONS", "/dav/")
            .header("X-Forwarded-For", format!("198.51.100.99, {ip}"))
    };
    for _ in 0..10 {
        let resp = via_proxy("203.0.113.5")
            .basic_auth(RYAN.0, Some("guess"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    }
    let resp = via_proxy("203.0.113.5")
        .basic_auth(RYAN.0, Some(RYAN.1))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the attacker's own address"
    );
    let resp = via_proxy("203.0.113.6")
        .basic_auth(RYAN.0, Some(RYAN.1))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "ryan behind the same proxy");

    // A client that is not a trusted proxy cannot choose its address by a header.
    let direct = client_from("127.0.0.2");
    for i in 0..10 {
        let resp = direct
            .request(reqwest::Method::OPTIONS, s.url("/dav/"))
            .header("X-Forwarded-For", format!("192.0.2.{i}"))
            .basic_auth(RYAN.0, Some("guess"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    }
    let resp = direct
        .request(reqwest::Method::OPTIONS, s.url("/dav/"))
        .header("X-Forwarded-For", "192.0.2.200")
        .basic_auth(RYAN.0, Some(RYAN.1))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    // The administrator is not affected by any of this.
    assert_eq!(
        options_as(&s, &client_from("127.0.0.3"), "admin", ADMIN_PASSWORD).await,
        StatusCode::OK
    );
    s.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Medium: a write grantee destroyed private events by writing back the reduced copy.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_writer_cannot_overwrite_a_private_event_they_see_reduced() {
    use portico::store::{AccessLevel, Grantee};
    let s = server().await;
    let cal = "/dav/calendars/alice/calendar/";
    let private = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:p1\r\n\
        DTSTAMP:20300101T000000Z\r\nDTSTART:20300105T090000Z\r\nDTEND:20300105T100000Z\r\nSUMMARY:Doctor\r\n\
        DESCRIPTION:very private\r\nLOCATION:Clinic\r\nCLASS:PRIVATE\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let status = s
        .req_as(ALICE.0, ALICE.1, "PUT", &format!("{cal}p1.ics"))
        .header("Content-Type", "text/calendar")
        .body(private)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::CREATED);
    let owner = s.app.store.principal_by_login("alice").await.unwrap().unwrap();
    let coll = s
        .app
        .store
        .collection(owner.id, "calendar", "calendar")
        .await
        .unwrap()
        .unwrap();
    let ryan = s.app.store.principal_by_login("ryan").await.unwrap().unwrap();
    s.app
        .store
        .set_collection_grant(coll.id, Grantee::Principal(ryan.id), Some(AccessLevel::Write))
        .await
        .unwrap();

    // Ryan sees it reduced to busy, with an entity tag and a size of its own.
    let resp = s
        .req_as(RYAN.0, RYAN.1, "GET", &format!("{cal}p1.ics"))
        .send()
        .await
        .unwrap();
    let etag = resp.headers()["etag"].to_str().unwrap().to_owned();
    let reduced = resp.text().await.unwrap();
    assert!(
        !reduced.contains("very private") && !reduced.contains("Clinic"),
        "{reduced}"
    );
    let (_, listing) = s
        .propfind_as(
            RYAN.0,
            RYAN.1,
            cal,
            "1",
            "<D:propfind xmlns:D=\"DAV:\"><D:prop><D:getetag/><D:getcontentlength/></D:prop></D:propfind>",
        )
        .await;
    assert!(
        listing.contains(&etag),
        "the listing shows the reduced copy's tag: {listing}"
    );
    assert!(
        listing.contains(&format!("<D:getcontentlength>{}</D:getcontentlength>", reduced.len())),
        "and its size, not the stored one: {listing}"
    );

    // Writing the reduced copy back, as a client that edits it would, is refused.
    for if_match in [Some(etag.as_str()), None] {
        let mut put = s
            .req_as(RYAN.0, RYAN.1, "PUT", &format!("{cal}p1.ics"))
            .header("Content-Type", "text/calendar");
        if let Some(tag) = if_match {
            put = put.header("If-Match", tag);
        }
        let status = put.body(reduced.clone()).send().await.unwrap().status();
        assert!(matches!(status.as_u16(), 403 | 412), "{if_match:?}: {status}");
    }
    let stored = s.app.store.item(coll.id, "p1.ics").await.unwrap().unwrap();
    assert_eq!(stored.data, private, "the owner's event is intact");
    s.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Medium: a LOCK on a library root shut everyone out for a week; grants outlived their folder.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn library_roots_cannot_be_locked_and_heads_break_locks() {
    let s = server().await;
    s.add_user("hana", "hana-pw").await;
    let sales = s.add_department("Sales").await;
    for login in ["alice", "ryan", "hana"] {
        s.join_department(login, sales).await;
    }
    let hana = s.principal_id("hana").await;
    s.app.store.set_department_head(sales, hana).await.unwrap();
    let lock = |who: (&'static str, &'static str), path: &'static str| {
        s.req_as(who.0, who.1, "LOCK", path)
            .header("Depth", "infinity")
            .header("Timeout", "Infinite")
            .body(common::lockinfo("exclusive", who.0))
    };
    let root = lock(ALICE, "/docs/departments/sales/").send().await.unwrap();
    assert_eq!(root.status(), StatusCode::FORBIDDEN, "a library root cannot be locked");
    assert_eq!(
        s.put_as(ALICE.0, ALICE.1, "/docs/departments/sales/plan.txt", "v1")
            .await,
        201
    );
    let resp = lock(ALICE, "/docs/departments/sales/plan.txt").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let token = common::strip_angle(resp.headers()["lock-token"].to_str().unwrap());
    // The time left, so a second may have passed since the lock was made.
    let body = resp.text().await.unwrap();
    assert!(
        body.contains("Second-3600") || body.contains("Second-3599"),
        "Infinite is an hour at most: {body}"
    );
    assert_eq!(
        s.put_as(RYAN.0, RYAN.1, "/docs/departments/sales/plan.txt", "v2").await,
        423
    );
    let unlock = |who: (&'static str, &'static str)| {
        s.req_as(who.0, who.1, "UNLOCK", "/docs/departments/sales/plan.txt")
            .header("Lock-Token", format!("<{token}>"))
    };
    assert_eq!(
        unlock(RYAN).send().await.unwrap().status(),
        StatusCode::FORBIDDEN,
        "not his lock"
    );
    assert_eq!(
        unlock(("hana", "hana-pw")).send().await.unwrap().status(),
        StatusCode::NO_CONTENT,
        "the head breaks it"
    );
    assert_eq!(
        s.put_as(RYAN.0, RYAN.1, "/docs/departments/sales/plan.txt", "v2").await,
        204
    );
    s.shutdown().await;
}

#[tokio::test]
async fn grants_belong_to_their_folder() {
    use portico::store::{AccessLevel, Grantee};
    let s = server().await;
    let ryan = s.principal_id("ryan").await;
    let grant = |path: &'static str| s.app.store.doc_grant(path, Grantee::Principal(ryan), AccessLevel::Read);
    let s = &s;
    let ryan_lists = |path: &'static str| async move { s.propfind_as(RYAN.0, RYAN.1, path, "0", "").await.0 };
    assert_eq!(s.mkcol_as(ALICE.0, ALICE.1, "/docs/users/alice/proj/").await, 201);
    grant("users/alice/proj").await.unwrap();
    assert_eq!(ryan_lists("/docs/users/alice/proj/").await, 207);
    // Deleted and made again: a new folder, without the old grant.
    let del = s
        .req_as(ALICE.0, ALICE.1, "DELETE", "/docs/users/alice/proj/")
        .send()
        .await
        .unwrap();
    assert_eq!(del.status(), StatusCode::NO_CONTENT);
    assert_eq!(s.mkcol_as(ALICE.0, ALICE.1, "/docs/users/alice/proj/").await, 201);
    assert_eq!(ryan_lists("/docs/users/alice/proj/").await, 403);
    // Moved: the grant goes with the folder.
    assert_eq!(s.mkcol_as(ALICE.0, ALICE.1, "/docs/users/alice/old/").await, 201);
    grant("users/alice/old").await.unwrap();
    let mv = s
        .req_as(ALICE.0, ALICE.1, "MOVE", "/docs/users/alice/old/")
        .header("Destination", s.url("/docs/users/alice/new/"))
        .send()
        .await
        .unwrap();
    assert_eq!(mv.status(), StatusCode::CREATED);
    assert_eq!(ryan_lists("/docs/users/alice/new/").await, 207);
    assert_eq!(s.mkcol_as(ALICE.0, ALICE.1, "/docs/users/alice/old/").await, 201);
    assert_eq!(ryan_lists("/docs/users/alice/old/").await, 403);
}

// ---------------------------------------------------------------------------------------------
// Low: connections never timed out (a client could hold connections open for ever).
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn silent_and_idle_connections_are_closed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = TestServer::start_with(|c| c.server.header_timeout_seconds = 1).await;
    // Nothing sent at all.
    let mut silent = tokio::net::TcpStream::connect(s.addr()).await.unwrap();
    let mut buf = [0u8; 64];
    let n = tokio::time::timeout(std::time::Duration::from_secs(10), silent.read(&mut buf))
        .await
        .expect("closed within the timeout, not left open")
        .unwrap_or(0);
    assert_eq!(n, 0, "closed without an answer");
    // Half a request head, then silence.
    let mut slow = tokio::net::TcpStream::connect(s.addr()).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(std::time::Duration::from_secs(10), slow.read_to_end(&mut answer))
        .await
        .expect("a slow head is cut off")
        .ok();
    assert!(
        !String::from_utf8_lossy(&answer).contains("200 OK"),
        "no answer to half a head"
    );
    // A kept-alive connection that goes idle after a request.
    let mut idle = tokio::net::TcpStream::connect(s.addr()).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut first = [0u8; 512];
    let n = idle.read(&mut first).await.unwrap();
    assert!(String::from_utf8_lossy(&first[..n]).starts_with("HTTP/1.1 200"));
    let mut rest = Vec::new();
    tokio::time::timeout(std::time::Duration::from_secs(10), idle.read_to_end(&mut rest))
        .await
        .expect("an idle kept-alive connection is closed")
        .unwrap();
    s.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Low: an administrator could PUT into the read-only directory book, and a home listed each
// directory book twice.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_directory_books_are_read_only_and_listed_once() {
    let s = TestServer::start().await;
    portico::demo::seed(&s.app.core, "demo-pw").await.unwrap();
    s.app
        .core
        .directory(&portico::core::Actor::system())
        .refresh_books()
        .await
        .unwrap();
    let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:intruder\r\nFN:Intruder\r\nN:Intruder;;;;\r\nEND:VCARD\r\n";
    for path in [
        "/dav/addressbooks/admin/directory/intruder.vcf",
        "/dav/addressbooks/directory/intruder.vcf",
        "/dav/addressbooks/departments/sales/intruder.vcf",
        "/dav/addressbooks/_directory/directory/intruder.vcf",
        "/dav/addressbooks/alice/directory/intruder.vcf",
    ] {
        for (login, password) in [("admin", ADMIN_PASSWORD), ("alice", "demo-pw")] {
            let status = s.put_as(login, password, path, card).await;
            assert!(
                status == 403 || status == 404,
                "{login} PUT {path}: {status}, the directory is read-only"
            );
        }
    }
    // The directory's own home (a group principal's) is nobody's to open, administrators'
    // neither: through it the books were listed twice, once writable.
    let (status, _) = s
        .propfind_as("admin", ADMIN_PASSWORD, "/dav/addressbooks/_directory/", "1", "")
        .await;
    assert!(status == 403 || status == 404, "{status}");
    for (login, password) in [("admin", ADMIN_PASSWORD), ("alice", "demo-pw")] {
        let (status, text) = s
            .propfind_as(login, password, &format!("/dav/addressbooks/{login}/"), "1", "")
            .await;
        assert_eq!(status, 207);
        let hrefs: Vec<&str> = text
            .split("<D:href>")
            .skip(1)
            .filter_map(|h| h.split("</D:href>").next())
            .collect();
        let mut unique = hrefs.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(hrefs.len(), unique.len(), "each book once: {hrefs:?}");
        assert!(hrefs.iter().any(|h| h.ends_with("/directory/")), "{hrefs:?}");
    }
    s.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Low: over h2c there was no Host header, so same-site sign-ins were refused and the COPY/MOVE
// Destination host check was skipped.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn http2_requests_have_a_host() {
    let s = server().await;
    let h2 = reqwest::Client::builder()
        .http2_prior_knowledge()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // A sign-in posted from our own page over HTTP/2 is accepted; one from elsewhere is not.
    let sign_in = |origin: String| {
        h2.post(s.url("/login"))
            .header("Origin", origin)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(format!("login={}&password={}&next=%2F", ALICE.0, ALICE.1))
            .send()
    };
    let ours = sign_in(s.base.clone()).await.unwrap();
    assert_eq!(ours.version(), reqwest::Version::HTTP_2);
    assert_eq!(ours.status(), StatusCode::SEE_OTHER, "same-origin sign-in over h2c");
    let theirs = sign_in("http://evil.example".into()).await.unwrap();
    assert_ne!(theirs.status(), StatusCode::SEE_OTHER);

    // A COPY whose Destination names another server is refused over HTTP/2 as over HTTP/1.1.
    assert_eq!(s.put_as(ALICE.0, ALICE.1, "/docs/users/alice/a.txt", "a").await, 201);
    let copy = |destination: String| {
        h2.request(
            reqwest::Method::from_bytes(b"COPY").unwrap(),
            s.url("/docs/users/alice/a.txt"),
        )
        .basic_auth(ALICE.0, Some(ALICE.1))
        .header("Destination", destination)
        .send()
    };
    let elsewhere = copy("http://evil.example/docs/users/alice/b.txt".into()).await.unwrap();
    assert_eq!(elsewhere.status(), StatusCode::BAD_GATEWAY);
    let here = copy(s.url("/docs/users/alice/c.txt")).await.unwrap();
    assert_eq!(here.status(), StatusCode::CREATED);
    s.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Low: requests with (browser-cached) Basic credentials skipped the Origin check, so a page of
// another site could post into the victim's drive.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn basic_authenticated_writes_from_another_origin_are_refused() {
    let s = server().await;
    let put = |origin: Option<String>, name: &str| {
        let mut req = s
            .req_as(ALICE.0, ALICE.1, "PUT", &format!("/docs/users/alice/{name}"))
            .body("from a form");
        if let Some(origin) = origin {
            req = req.header("Origin", origin);
        }
        req.send()
    };
    let forged = put(Some("http://evil.example".into()), "forged.txt").await.unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    let (status, _) = s.get_as(ALICE.0, ALICE.1, "/docs/users/alice/forged.txt").await;
    assert_eq!(status, 404, "nothing was stored");
    // Our own pages, and DAV clients (which send no Origin), still write.
    assert_eq!(
        put(Some(s.base.clone()), "ours.txt").await.unwrap().status(),
        StatusCode::CREATED
    );
    assert_eq!(put(None, "client.txt").await.unwrap().status(), StatusCode::CREATED);
    // Reading is not a write: a cross-origin GET is answered as before.
    let read = s
        .req_as(ALICE.0, ALICE.1, "GET", "/docs/users/alice/ours.txt")
        .header("Origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    s.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Low: dead properties were unlimited (50k properties or a 9 MB value were stored).
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn dead_properties_are_bounded_per_resource() {
    let s = server().await;
    let doc = "/docs/users/alice/notes.txt";
    assert_eq!(s.put_as(ALICE.0, ALICE.1, doc, "n").await, 201);
    let proppatch = |props: String| {
        s.req_as(ALICE.0, ALICE.1, "PROPPATCH", doc)
            .header("Content-Type", "application/xml")
            .body(format!(
                "<?xml version=\"1.0\"?><D:propertyupdate xmlns:D=\"DAV:\" xmlns:E=\"urn:e\">\
                 <D:set><D:prop>{props}</D:prop></D:set></D:propertyupdate>"
            ))
            .send()
    };
    let many = |from: usize, n: usize| {
        (from..from + n)
            .map(|i| format!("<E:p{i}>v</E:p{i}>"))
            .collect::<String>()
    };
    let first = proppatch(many(0, 600)).await.unwrap();
    assert_eq!(first.status(), StatusCode::MULTI_STATUS);
    let second = proppatch(many(600, 600)).await.unwrap();
    assert_eq!(
        second.status(),
        StatusCode::INSUFFICIENT_STORAGE,
        "1,200 properties on one file"
    );
    assert!(second.text().await.unwrap().contains("at most"));
    // All or nothing: the first 600 are there, none of the second batch.
    let (status, text) = s
        .propfind_as(
            ALICE.0,
            ALICE.1,
            doc,
            "0",
            "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\"><D:allprop/></D:propfind>",
        )
        .await;
    assert_eq!(status, 207);
    assert!(
        text.contains("p599") && !text.contains("p600"),
        "the refused batch left nothing"
    );
    // Characters in all: two values of 600,000 characters are one too many.
    let big = "x".repeat(600_000);
    let other = "/docs/users/alice/big.txt";
    assert_eq!(s.put_as(ALICE.0, ALICE.1, other, "b").await, 201);
    let patch_big = |name: &str| {
        s.req_as(ALICE.0, ALICE.1, "PROPPATCH", other)
            .header("Content-Type", "application/xml")
            .body(format!(
                "<?xml version=\"1.0\"?><D:propertyupdate xmlns:D=\"DAV:\" xmlns:E=\"urn:e\">\
                 <D:set><D:prop><E:{name}>{big}</E:{name}></D:prop></D:set></D:propertyupdate>"
            ))
            .send()
    };
    assert_eq!(patch_big("a").await.unwrap().status(), StatusCode::MULTI_STATUS);
    assert_eq!(patch_big("b").await.unwrap().status(), StatusCode::INSUFFICIENT_STORAGE);
    assert_eq!(
        patch_big("a").await.unwrap().status(),
        StatusCode::MULTI_STATUS,
        "replacing is fine"
    );
    s.shutdown().await;
}

/// Low finding: names Windows cannot hold. Decided (docs/webdav.md): a new name ending in a
/// dot or a space is refused (403), by PUT, MKCOL, COPY and MOVE alike; names differing only
/// in case stay allowed, as in other WebDAV servers and on Linux.
#[tokio::test]
async fn names_windows_cannot_hold_are_refused() {
    let s = TestServer::start().await;
    s.add_user("alice", "alice-pw").await;
    let base = "/docs/users/alice";
    assert_eq!(
        s.put_as("alice", "alice-pw", &format!("{base}/report."), "x").await,
        403
    );
    assert_eq!(
        s.put_as("alice", "alice-pw", &format!("{base}/report%20"), "x").await,
        403
    );
    assert_eq!(s.mkcol_as("alice", "alice-pw", &format!("{base}/folder.")).await, 403);
    assert_eq!(
        s.put_as("alice", "alice-pw", &format!("{base}/Report.docx"), "a").await,
        201
    );
    assert_eq!(
        s.put_as("alice", "alice-pw", &format!("{base}/report.docx"), "b").await,
        201,
        "case-only differences are allowed"
    );
    let moved = s
        .req_as("alice", "alice-pw", "MOVE", &format!("{base}/Report.docx"))
        .header("Destination", s.url(&format!("{base}/Report.docx%20")))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status().as_u16(), 403);
    assert_eq!(
        s.get_as("alice", "alice-pw", &format!("{base}/Report.docx")).await.0,
        200,
        "not moved"
    );
    assert!(s.app.store.doc_node("users/alice/report.").await.unwrap().is_none());
    s.shutdown().await;
}
