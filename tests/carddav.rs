//! CardDAV over real TCP: discovery, personal books with validated vCards stored as sent,
//! the company directory and department books generated from the employee records, reports
//! (query, multiget, sync-collection after directory changes) and privacy between users.

mod common;

use common::{DAV, TestServer, multistatus, response_for};
use portico::store::repos::*;

const CARD: &str = "urn:ietf:params:xml:ns:carddav";
const A: (&str, &str) = ("alice", "alice-pw");
const B: (&str, &str) = ("bob", "bob-pw");
const BOOK: &str = "/dav/addressbooks/alice/contacts/";

const APPLE_CARD: &str = "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//iPhone OS 17.0//EN\r\n\
N:Appleseed;Johnny;;;\r\nFN:Johnny Appleseed\r\nORG:Apple Inc.;\r\nitem1.EMAIL;type=INTERNET;type=pref:johnny@example.test\r\n\
item1.X-ABLabel:_$!<Other>!$_\r\nTEL;type=CELL;type=VOICE;type=pref:+1 555 0100\r\nUID:johnny-uid\r\n\
X-ABUID:A1B2C3:ABPerson\r\nEND:VCARD\r\n";

async fn server() -> TestServer {
    let s = TestServer::start().await;
    s.add_user(A.0, A.1).await;
    s.add_user(B.0, B.1).await;
    s
}

async fn put(s: &TestServer, path: &str, body: &str) -> reqwest::Response {
    s.req_as(A.0, A.1, "PUT", path)
        .header("Content-Type", "text/vcard")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

async fn report(s: &TestServer, path: &str, body: &str) -> (u16, String) {
    let resp = s
        .req_as(A.0, A.1, "REPORT", path)
        .header("Depth", "1")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

#[tokio::test]
async fn discovery_and_personal_books() {
    let s = server().await;
    let body = r#"<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><C:addressbook-home-set/></D:prop></D:propfind>"#;
    let (status, text) = s.propfind_as(A.0, A.1, "/dav/principals/users/alice/", "0", body).await;
    assert_eq!(status, 207);
    let home = multistatus(&text)[0]
        .ok_prop(CARD, "addressbook-home-set")
        .expect("home set")
        .clone();
    assert_eq!(
        home.child(DAV, "href").unwrap().text().trim(),
        "/dav/addressbooks/alice/"
    );

    let (status, text) = s.propfind_as(A.0, A.1, "/dav/addressbooks/alice/", "1", "").await;
    assert_eq!(status, 207, "{text}");
    let rs = multistatus(&text);
    let contacts = response_for(&rs, BOOK).expect("default book");
    assert!(
        contacts
            .ok_prop(DAV, "resourcetype")
            .unwrap()
            .child(CARD, "addressbook")
            .is_some()
    );

    let resp = put(&s, &format!("{BOOK}johnny.vcf"), APPLE_CARD).await;
    assert_eq!(resp.status().as_u16(), 201);
    let got = s
        .req_as(A.0, A.1, "GET", &format!("{BOOK}johnny.vcf"))
        .send()
        .await
        .unwrap();
    assert!(
        got.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/vcard")
    );
    assert_eq!(got.text().await.unwrap(), APPLE_CARD, "stored exactly as sent");

    // Bad input: precondition, nothing stored.
    let cases = [
        ("garbage.vcf", "not a vcard".to_owned(), 403, "valid-address-data"),
        (
            "nouid.vcf",
            APPLE_CARD.replace("UID:johnny-uid\r\n", ""),
            403,
            "valid-address-data",
        ),
        (
            "two.vcf",
            format!("{APPLE_CARD}{}", APPLE_CARD.replace("johnny-uid", "other")),
            403,
            "valid-address-data",
        ),
        (
            "dup.vcf",
            APPLE_CARD.replace("Johnny Appleseed", "Dup"),
            409,
            "no-uid-conflict",
        ),
    ];
    for (name, body, code, condition) in cases {
        let resp = put(&s, &format!("{BOOK}{name}"), &body).await;
        assert_eq!(resp.status().as_u16(), code, "{name}");
        assert!(resp.text().await.unwrap().contains(condition), "{name}");
        let get = s
            .req_as(A.0, A.1, "GET", &format!("{BOOK}{name}"))
            .send()
            .await
            .unwrap();
        assert_eq!(get.status().as_u16(), 404, "{name} not stored");
    }

    // A second book by extended MKCOL; reserved names are refused.
    let mkcol = r#"<D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:set><D:prop>
<D:resourcetype><D:collection/><C:addressbook/></D:resourcetype><D:displayname>Suppliers</D:displayname>
</D:prop></D:set></D:mkcol>"#;
    let resp = s
        .req_as(A.0, A.1, "MKCOL", "/dav/addressbooks/alice/suppliers/")
        .body(mkcol)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    let resp = s
        .req_as(A.0, A.1, "MKCOL", "/dav/addressbooks/alice/directory/")
        .body(mkcol)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 405);

    // Bob cannot reach alice's books.
    let (status, _) = s.propfind_as(B.0, B.1, BOOK, "1", "").await;
    assert_eq!(status, 403);
    let resp = s
        .req_as(B.0, B.1, "GET", &format!("{BOOK}johnny.vcf"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);

    // Queries and multiget.
    let query = r#"<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><D:getetag/><C:address-data/></D:prop>
<C:filter><C:prop-filter name="FN"><C:text-match collation="i;unicode-casemap" match-type="contains">APPLESEED</C:text-match></C:prop-filter></C:filter></C:addressbook-query>"#;
    let (status, text) = report(&s, BOOK, query).await;
    assert_eq!(status, 207, "{text}");
    assert_eq!(multistatus(&text).len(), 1);
    let miss = query.replace("APPLESEED", "nobody");
    let (_, text) = report(&s, BOOK, &miss).await;
    assert!(multistatus(&text).is_empty());
    let v4 = r#"<C:addressbook-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop>
<C:address-data content-type="text/vcard" version="4.0"/></D:prop><D:href>/dav/addressbooks/alice/contacts/johnny.vcf</D:href></C:addressbook-multiget>"#;
    let (status, text) = report(&s, BOOK, v4).await;
    assert_eq!(status, 207, "{text}");
    let data = multistatus(&text)[0].ok_text(CARD, "address-data").unwrap();
    assert!(
        data.contains("VERSION:4.0") && data.contains("Johnny Appleseed"),
        "{data}"
    );
    s.shutdown().await;
}

#[tokio::test]
async fn directory_books_follow_the_employee_records() {
    let s = TestServer::start().await;
    // The demo company has an "alice"; she signs in with the demo password set here.
    portico::demo::seed(&s.app.core, A.1).await.unwrap();
    s.app
        .core
        .directory(&portico::core::Actor::system())
        .refresh_books()
        .await
        .unwrap();
    let employees = s.app.store.directory_entries().await.unwrap();
    assert!(employees.len() >= 25);

    let (status, text) = s.propfind_as(A.0, A.1, "/dav/addressbooks/alice/", "1", "").await;
    assert_eq!(status, 207);
    let rs = multistatus(&text);
    assert!(
        response_for(&rs, "/dav/addressbooks/alice/directory/").is_some(),
        "{text}"
    );
    assert!(
        response_for(&rs, "/dav/addressbooks/alice/dept-sales/").is_some(),
        "{text}"
    );

    let dir = "/dav/addressbooks/alice/directory/";
    let sync = |token: &str| {
        format!(
            r#"<D:sync-collection xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:sync-token>{token}</D:sync-token>
<D:sync-level>1</D:sync-level><D:prop><D:getetag/><C:address-data/></D:prop></D:sync-collection>"#
        )
    };
    let (status, text) = report(&s, dir, &sync("")).await;
    assert_eq!(status, 207, "{text}");
    let cards = multistatus(&text);
    assert_eq!(cards.len(), employees.len(), "every active employee");
    let olivia = cards
        .iter()
        .find(|r| r.path.ends_with("/portico-olivia.vcf"))
        .expect("olivia");
    let data = olivia.ok_text(CARD, "address-data").unwrap();
    for needle in [
        "FN:Olivia Hart",
        "EMAIL",
        "olivia@northwind.example",
        "TEL",
        "TITLE:Chief Executive Officer",
        "ORG:",
        "BDAY",
    ] {
        assert!(data.contains(needle), "{needle} missing from {data}");
    }
    let liam = cards
        .iter()
        .find(|r| r.path.ends_with("/portico-liam.vcf"))
        .unwrap()
        .ok_text(CARD, "address-data")
        .unwrap();
    assert!(liam.contains("Sophia Reed"), "the manager is on the card: {liam}");
    let token = common::xml::parse(&text)
        .unwrap()
        .child(DAV, "sync-token")
        .unwrap()
        .text()
        .trim()
        .to_owned();

    // Read-only for users.
    let resp = put(&s, &format!("{dir}intruder.vcf"), APPLE_CARD).await;
    assert_eq!(resp.status().as_u16(), 403);

    // One title change and one departure: the delta lists exactly those two.
    let ethan = s.app.store.principal_by_login("ethan").await.unwrap().unwrap();
    let mut fields = portico::store::EmployeeFields {
        title: Some("Chief of Staff".into()),
        ..Default::default()
    };
    fields.department_id = None;
    s.app.store.upsert_employee(ethan.id, &fields).await.unwrap();
    s.app.store.set_active("mia", false).await.unwrap();
    let refreshed = s
        .app
        .core
        .directory(&portico::core::Actor::system())
        .refresh_books()
        .await
        .unwrap();
    assert!(refreshed.written >= 1 && refreshed.removed >= 1, "{refreshed:?}");
    let (_, text) = report(&s, dir, &sync(&token)).await;
    let rs = multistatus(&text);
    let changed: Vec<&str> = rs.iter().map(|r| r.path.rsplit('/').next().unwrap()).collect();
    assert_eq!(rs.len(), 2, "exactly the changed and the removed card: {changed:?}");
    assert!(
        response_for(&rs, &format!("{dir}portico-ethan.vcf"))
            .unwrap()
            .ok_text(CARD, "address-data")
            .unwrap()
            .contains("Chief of Staff")
    );
    assert_eq!(
        response_for(&rs, &format!("{dir}portico-mia.vcf")).unwrap().status,
        Some(404)
    );
    s.shutdown().await;
}

#[tokio::test]
async fn canonical_directory_urls() {
    let s = TestServer::start().await;
    portico::demo::seed(&s.app.core, A.1).await.unwrap();
    s.app
        .core
        .directory(&portico::core::Actor::system())
        .refresh_books()
        .await
        .unwrap();
    let (status, text) = s.propfind_as(A.0, A.1, "/dav/addressbooks/directory/", "1", "").await;
    assert_eq!(status, 207, "{text}");
    let rs = multistatus(&text);
    assert!(
        rs.iter().all(|r| r.path.starts_with("/dav/addressbooks/directory/")),
        "{text}"
    );
    assert_eq!(rs.len(), 1 + s.app.store.directory_entries().await.unwrap().len());
    let (status, text) = s
        .propfind_as(A.0, A.1, "/dav/addressbooks/departments/sales/", "1", "")
        .await;
    assert_eq!(status, 207, "{text}");
    assert!(
        multistatus(&text)
            .iter()
            .any(|r| r.path.ends_with("/portico-sophia.vcf")),
        "{text}"
    );
    let card = s
        .req_as(A.0, A.1, "GET", "/dav/addressbooks/directory/portico-olivia.vcf")
        .send()
        .await
        .unwrap();
    assert_eq!(card.status().as_u16(), 200);
    let multiget = r#"<C:addressbook-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><D:getetag/></D:prop>
<D:href>/dav/addressbooks/directory/portico-olivia.vcf</D:href></C:addressbook-multiget>"#;
    let (status, text) = report(&s, "/dav/addressbooks/directory/", multiget).await;
    assert_eq!(status, 207);
    assert!(multistatus(&text)[0].ok_text(DAV, "getetag").is_some(), "{text}");
    let resp = put(&s, "/dav/addressbooks/directory/x.vcf", APPLE_CARD).await;
    assert_eq!(resp.status().as_u16(), 403, "read-only");
    s.shutdown().await;
}

#[tokio::test]
async fn sync_collection_pages_by_limit() {
    let s = server().await;
    for n in 1..=3 {
        let card = APPLE_CARD.replace("johnny-uid", &format!("uid-{n}"));
        assert_eq!(put(&s, &format!("{BOOK}c{n}.vcf"), &card).await.status().as_u16(), 201);
    }
    let sync = |token: &str| {
        format!(
            r#"<D:sync-collection xmlns:D="DAV:"><D:sync-token>{token}</D:sync-token><D:sync-level>1</D:sync-level>
<D:limit><D:nresults>2</D:nresults></D:limit><D:prop><D:getetag/></D:prop></D:sync-collection>"#
        )
    };
    let token_of = |text: &str| {
        common::xml::parse(text)
            .unwrap()
            .child(DAV, "sync-token")
            .expect("sync-token")
            .text()
            .trim()
            .to_owned()
    };
    // RFC 6578 §3.6: a page cut short ends with 507 on the collection; the token continues.
    let (status, text) = report(&s, BOOK, &sync("")).await;
    assert_eq!(status, 207, "{text}");
    let rs = multistatus(&text);
    assert_eq!(rs.len(), 3, "{text}");
    let cut = response_for(&rs, BOOK).expect("507 on the book");
    assert_eq!(cut.status, Some(507));
    assert!(text.contains("number-of-matches-within-limits"), "{text}");
    let (status, text) = report(&s, BOOK, &sync(&token_of(&text))).await;
    assert_eq!(status, 207, "{text}");
    let rs = multistatus(&text);
    assert_eq!(rs.len(), 1, "{text}");
    assert!(rs[0].path.ends_with("/c3.vcf"), "{text}");
    // An unknown token is refused with DAV:valid-sync-token.
    let (status, text) = report(&s, BOOK, &sync("http://portico.invalid/sync/999999")).await;
    assert_eq!(status, 403);
    assert!(text.contains("valid-sync-token"), "{text}");
    s.shutdown().await;
}
