//! Concurrent writers on one document with `If-Match`: every update is either applied (204)
//! or refused (412), none is lost, and the version history holds exactly the applied ones.

mod common;

use std::sync::Arc;

use common::TestServer;

const A: (&str, &str) = ("alice", "alice-pw");
const DOC: &str = "/docs/users/alice/counter.txt";
const WRITERS: usize = 20;

async fn current(s: &TestServer) -> (String, String) {
    let resp = s.req_as(A.0, A.1, "GET", DOC).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let etag = resp
        .headers()
        .get("etag")
        .expect("ETag on GET")
        .to_str()
        .unwrap()
        .to_owned();
    (etag, resp.text().await.unwrap())
}

async fn put_if_match(s: &TestServer, etag: &str, body: String) -> u16 {
    s.req_as(A.0, A.1, "PUT", DOC)
        .header("If-Match", etag)
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writers_with_the_same_etag_one_wins() {
    let s = Arc::new(TestServer::start().await);
    s.add_user(A.0, A.1).await;
    assert_eq!(s.put_as(A.0, A.1, DOC, "initial").await, 201);
    let (etag, _) = current(&s).await;

    let start = Arc::new(tokio::sync::Barrier::new(WRITERS));
    let mut tasks = Vec::new();
    for i in 0..WRITERS {
        let (s, etag, start) = (s.clone(), etag.clone(), start.clone());
        tasks.push(tokio::spawn(async move {
            let body = format!("written by writer {i}");
            start.wait().await;
            (put_if_match(&s, &etag, body.clone()).await, body)
        }));
    }
    let mut applied = Vec::new();
    for t in tasks {
        let (status, body) = t.await.unwrap();
        assert!(
            status == 204 || status == 412,
            "every answer is 204 or 412, got {status}"
        );
        if status == 204 {
            applied.push(body);
        }
    }
    // All writers held the same ETag and wrote different bodies, so exactly one can match.
    assert_eq!(applied.len(), 1, "exactly one conditional write applies: {applied:?}");
    let (_, content) = current(&s).await;
    assert_eq!(content, applied[0], "the content is the applied writer's");
    let (status, versions) = s.versions_as(A.0, A.1, DOC).await;
    assert_eq!(status, 200);
    let versions = versions.as_array().unwrap();
    assert_eq!(versions.len(), 1 + applied.len(), "{versions:?}");
    let (status, last) = s.get_as(A.0, A.1, &format!("{DOC}?version=2")).await;
    assert_eq!((status, String::from_utf8(last).unwrap()), (200, applied[0].clone()));
    let s = Arc::try_unwrap(s).ok().expect("all tasks done");
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn read_modify_write_loses_no_update() {
    let s = Arc::new(TestServer::start().await);
    s.add_user(A.0, A.1).await;
    assert_eq!(s.put_as(A.0, A.1, DOC, "0").await, 201);

    let start = Arc::new(tokio::sync::Barrier::new(WRITERS));
    let mut tasks = Vec::new();
    for _ in 0..WRITERS {
        let (s, start) = (s.clone(), start.clone());
        tasks.push(tokio::spawn(async move {
            start.wait().await;
            let mut refused = 0;
            for _ in 0..500 {
                // Read the counter and its ETag in one response, write counter + 1.
                let (etag, text) = current(&s).await;
                let n: u64 = text
                    .trim()
                    .parse()
                    .unwrap_or_else(|_| panic!("counter is a number: {text:?}"));
                match put_if_match(&s, &etag, (n + 1).to_string()).await {
                    204 => return (n + 1, refused),
                    412 => refused += 1,
                    other => panic!("every answer is 204 or 412, got {other}"),
                }
            }
            panic!("a writer never got through in 500 attempts");
        }));
    }
    let mut written = Vec::new();
    let mut refused_total = 0;
    for t in tasks {
        let (value, refused) = t.await.unwrap();
        written.push(value);
        refused_total += refused;
    }
    written.sort();
    assert_eq!(
        written,
        (1..=WRITERS as u64).collect::<Vec<_>>(),
        "each applied write saw the previous one: no lost update"
    );
    let (_, content) = current(&s).await;
    assert_eq!(content, WRITERS.to_string());
    let (status, versions) = s.versions_as(A.0, A.1, DOC).await;
    assert_eq!(status, 200);
    let versions = versions.as_array().unwrap();
    assert_eq!(versions.len(), 1 + WRITERS, "one version per applied write");
    // Every version holds the value its writer wrote, in order.
    for n in 0..=WRITERS {
        let (status, body) = s.get_as(A.0, A.1, &format!("{DOC}?version={}", n + 1)).await;
        assert_eq!((status, String::from_utf8(body).unwrap()), (200, n.to_string()));
    }
    eprintln!("{refused_total} writes were refused with 412 and retried");
    let s = Arc::try_unwrap(s).ok().expect("all tasks done");
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_with_if_none_match_star() {
    let s = Arc::new(TestServer::start().await);
    s.add_user(A.0, A.1).await;
    let start = Arc::new(tokio::sync::Barrier::new(WRITERS));
    let mut tasks = Vec::new();
    for i in 0..WRITERS {
        let (s, start) = (s.clone(), start.clone());
        tasks.push(tokio::spawn(async move {
            let body = format!("creator {i}");
            start.wait().await;
            let status = s
                .req_as(A.0, A.1, "PUT", "/docs/users/alice/once.txt")
                .header("If-None-Match", "*")
                .body(body.clone())
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
            (status, body)
        }));
    }
    let mut created = Vec::new();
    for t in tasks {
        let (status, body) = t.await.unwrap();
        assert!(status == 201 || status == 412, "201 or 412, got {status}");
        if status == 201 {
            created.push(body);
        }
    }
    assert_eq!(created.len(), 1, "exactly one creator wins: {created:?}");
    let (status, body) = s.get_as(A.0, A.1, "/docs/users/alice/once.txt").await;
    assert_eq!((status, String::from_utf8(body).unwrap()), (200, created[0].clone()));
    let (_, versions) = s.versions_as(A.0, A.1, "/docs/users/alice/once.txt").await;
    assert_eq!(versions.as_array().unwrap().len(), 1);
    let s = Arc::try_unwrap(s).ok().expect("all tasks done");
    s.shutdown().await;
}
