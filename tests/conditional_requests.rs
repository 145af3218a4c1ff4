//! One evaluation of the conditional headers (RFC 9110 §13.1.1, §13.1.2, §13.2.2) under
//! `/docs` and `/dav`: If-Match compares strongly, so a weak tag never matches it (412); a
//! list matches when any member does; If-None-Match compares weakly and answers a GET with
//! 304. And the lock a colleague takes while a slow upload streams stops that upload.

mod common;

use common::TestServer;
use portico::store::repos::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const A: (&str, &str) = ("alice", "alice-pw");
const B: (&str, &str) = ("bob", "bob-pw");

async fn server() -> TestServer {
    let s = TestServer::start().await;
    s.add_user(A.0, A.1).await;
    s.add_user(B.0, B.1).await;
    s
}

async fn send(s: &TestServer, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, Option<String>) {
    let mut req = s.req_as(A.0, A.1, method, path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = req.body(body.to_owned()).send().await.unwrap();
    let etag = resp.headers().get("etag").map(|v| v.to_str().unwrap().to_owned());
    (resp.status().as_u16(), etag)
}

fn event(summary: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:cond-1\r\nDTSTAMP:20300101T000000Z\r\n\
         DTSTART:20300101T100000Z\r\nDTEND:20300101T110000Z\r\nSUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

fn card(name: &str) -> String {
    format!("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:cond-card\r\nFN:{name}\r\nN:{name};;;;\r\nEND:VCARD\r\n")
}

/// The same sequence for a file, a calendar object and a card: `make(n)` is the n-th body.
async fn strong_if_match_and_lists(s: &TestServer, path: &str, ctype: &str, make: impl Fn(u32) -> String) {
    let ct = ("Content-Type", ctype);
    let (status, etag) = send(s, "PUT", path, &[ct], &make(1)).await;
    assert_eq!(status, 201, "{path}");
    let etag = etag.expect("PUT answers the new ETag");
    let weak = format!("W/{etag}");
    assert_eq!(
        send(s, "PUT", path, &[ct, ("If-Match", &weak)], &make(2)).await.0,
        412,
        "{path}: a weak tag never matches If-Match"
    );
    assert_eq!(
        send(s, "PUT", path, &[ct, ("If-Match", "\"nope\"")], &make(2)).await.0,
        412,
        "{path}"
    );
    assert_eq!(
        send(s, "PUT", path, &[ct, ("If-None-Match", "*")], &make(2)).await.0,
        412,
        "{path}: exists"
    );
    let list = format!("\"nope\", {etag}");
    let (status, etag2) = send(s, "PUT", path, &[ct, ("If-Match", &list)], &make(3)).await;
    assert_eq!(status, 204, "{path}: a list matches when any member does");
    let etag2 = etag2.expect("new ETag");
    assert_ne!(etag, etag2);
    assert_eq!(
        send(s, "PUT", path, &[ct, ("If-Match", "\"unterminated")], &make(4))
            .await
            .0,
        400,
        "{path}: a malformed list is a bad request"
    );
    // If-None-Match compares weakly: a GET with the weak form of the current tag is 304.
    let weak2 = format!("W/{etag2}");
    assert_eq!(
        send(s, "GET", path, &[("If-None-Match", &weak2)], "").await.0,
        304,
        "{path}"
    );
    assert_eq!(send(s, "GET", path, &[("If-Match", &weak2)], "").await.0, 412, "{path}");
    assert_eq!(send(s, "GET", path, &[("If-Match", &etag2)], "").await.0, 200, "{path}");
    assert_eq!(
        send(s, "DELETE", path, &[("If-Match", &weak2)], "").await.0,
        412,
        "{path}: DELETE too"
    );
    assert_eq!(
        send(s, "DELETE", path, &[("If-Match", &etag2)], "").await.0,
        204,
        "{path}"
    );
    assert_eq!(send(s, "GET", path, &[], "").await.0, 404, "{path}");
}

#[tokio::test]
async fn one_evaluation_under_docs_and_dav() {
    let s = server().await;
    strong_if_match_and_lists(&s, "/docs/users/alice/cond.txt", "text/plain", |n| {
        format!("version {n}\n")
    })
    .await;
    strong_if_match_and_lists(&s, "/dav/calendars/alice/calendar/cond.ics", "text/calendar", |n| {
        event(&format!("Take {n}"))
    })
    .await;
    strong_if_match_and_lists(&s, "/dav/addressbooks/alice/contacts/cond.vcf", "text/vcard", |n| {
        card(&format!("Person{n}"))
    })
    .await;
    s.shutdown().await;
}

/// A PUT whose body is still arriving when a colleague locks the file: the PUT passed the
/// lock check at its start, but the write itself checks again and stores nothing.
#[tokio::test]
async fn a_lock_granted_while_a_put_streams_stops_that_put() {
    let s = server().await;
    let dept = s.add_department("Sales").await;
    s.join_department(A.0, dept).await;
    s.join_department(B.0, dept).await;
    let path = "/docs/departments/sales/offer.txt";
    assert_eq!(s.put_as(A.0, A.1, path, "version 1\n").await, 201);

    // Alice starts uploading version 2, slowly.
    let body = "version 2 ".repeat(1000);
    let (first, rest) = body.split_at(100);
    let mut stream = tokio::net::TcpStream::connect(s.addr()).await.unwrap();
    let head = format!(
        "PUT {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Basic {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        s.addr(),
        common::basic_credentials(A.0, A.1),
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(first.as_bytes()).await.unwrap();
    stream.flush().await.unwrap();
    // Give the server time to pass the PUT's first checks and start streaming the body.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    // Bob locks the file meanwhile.
    let (status, _, _) = common::lock_as(&s, B.0, B.1, path, "exclusive", "0").await;
    assert_eq!(status, 200, "Bob's lock is granted");

    // Alice's body completes: the write refuses with 423 and names the lock.
    stream.write_all(rest.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(std::time::Duration::from_secs(20), stream.read_to_end(&mut answer))
        .await
        .unwrap()
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 423"), "{answer}");
    assert!(answer.contains("lock-token-submitted"), "{answer}");

    // Nothing of version 2 was stored: content, size and version history are as before.
    let (status, content) = s.get_as(B.0, B.1, path).await;
    assert_eq!(status, 200);
    assert_eq!(content, b"version 1\n");
    let (status, versions) = s.versions_as(A.0, A.1, path).await;
    assert_eq!(status, 200);
    assert_eq!(versions.as_array().unwrap().len(), 1, "{versions}");
    let node = s
        .app
        .store
        .doc_node("departments/sales/offer.txt")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(node.size, 10);
    assert_eq!(node.version, 1);
    s.shutdown().await;
}
