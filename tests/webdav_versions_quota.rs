//! Version history (`?versions`, `?version=N`, `?restore=N`) and personal-drive quotas
//! (RFC 4331 properties, 507 Insufficient Storage with nothing stored).

mod common;

use common::{ADMIN_PASSWORD, DAV, TestServer, lock_as, multistatus};
use portico::store::repos::*;
use portico::store::{AccessLevel, Grantee};

const A: (&str, &str) = ("alice", "alice-pw");
const B: (&str, &str) = ("bob", "bob-pw");

async fn server_with_quota(quota: Option<u64>) -> TestServer {
    let s = match quota {
        Some(q) => TestServer::start_with(|c| c.documents.quota_bytes = q).await,
        None => TestServer::start().await,
    };
    s.add_user(A.0, A.1).await;
    s.add_user(B.0, B.1).await;
    s
}

/// (version, size, author) of every version.
fn rows(v: &serde_json::Value) -> Vec<(i64, i64, String)> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|e| {
            (
                e["version"].as_i64().unwrap_or_else(|| panic!("version in {e}")),
                e["size"].as_i64().unwrap_or_else(|| panic!("size in {e}")),
                e["author"]
                    .as_str()
                    .unwrap_or_else(|| panic!("author in {e}"))
                    .to_owned(),
            )
        })
        .collect()
}

async fn download(s: &TestServer, who: (&str, &str), path: &str, version: &str) -> (u16, String) {
    let (st, body) = s.get_as(who.0, who.1, &format!("{path}?version={version}")).await;
    (st, String::from_utf8_lossy(&body).into_owned())
}

async fn restore(s: &TestServer, who: (&str, &str), path: &str, version: i64) -> (u16, String) {
    let resp = s
        .req_as(who.0, who.1, "POST", &format!("{path}?restore={version}"))
        .send()
        .await
        .unwrap();
    let st = resp.status().as_u16();
    (st, resp.text().await.unwrap())
}

/// (quota-used-bytes, quota-available-bytes) of a path.
async fn quota(s: &TestServer, who: (&str, &str), path: &str) -> (u64, u64) {
    let (st, body) = s
        .propfind_as(
            who.0,
            who.1,
            path,
            "0",
            "<?xml version=\"1.0\" encoding=\"utf-8\" ?><D:propfind xmlns:D=\"DAV:\"><D:prop><D:quota-available-bytes/><D:quota-used-bytes/></D:prop></D:propfind>",
        )
        .await;
    assert_eq!(st, 207, "{body}");
    let rs = multistatus(&body);
    assert_eq!(rs.len(), 1, "{body}");
    let num = |name: &str| -> u64 {
        rs[0]
            .ok_text(DAV, name)
            .unwrap_or_else(|| panic!("{name} with status 200:\n{body}"))
            .parse()
            .unwrap_or_else(|e| panic!("{name} is a number ({e}):\n{body}"))
    };
    (num("quota-used-bytes"), num("quota-available-bytes"))
}

#[tokio::test]
async fn versions_are_listed_downloaded_and_restored() {
    let s = server_with_quota(None).await;
    let path = "/docs/users/alice/plan.txt";
    for body in ["one", "two two", "three"] {
        let st = s.put_as(A.0, A.1, path, body).await;
        assert!(st == 201 || st == 204, "{st}");
    }
    let (st, versions) = s.versions_as(A.0, A.1, path).await;
    assert_eq!(st, 200);
    assert_eq!(
        rows(&versions),
        vec![
            (1, 3, "alice".to_owned()),
            (2, 7, "alice".to_owned()),
            (3, 5, "alice".to_owned())
        ],
        "{versions}"
    );
    for v in versions.as_array().unwrap() {
        assert!(!v["created_at"].is_null(), "created_at in {v}");
        assert!(v.get("content_type").is_some(), "content_type in {v}");
    }

    assert_eq!(download(&s, A, path, "1").await, (200, "one".to_owned()));
    assert_eq!(download(&s, A, path, "2").await, (200, "two two".to_owned()));
    assert_eq!(download(&s, A, path, "3").await, (200, "three".to_owned()));
    assert_eq!(download(&s, A, path, "4").await.0, 404);
    assert_eq!(download(&s, A, path, "0").await.0, 404);

    // Restore version 1: a new version 4 with its content.
    let (st, body) = restore(&s, A, path, 1).await;
    assert_eq!(st, 200, "{body}");
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
    assert_eq!(answer["version"], 4, "{body}");
    assert_eq!(s.get_as(A.0, A.1, path).await, (200, b"one".to_vec()));
    let (_, versions) = s.versions_as(A.0, A.1, path).await;
    assert_eq!(
        rows(&versions),
        vec![
            (1, 3, "alice".to_owned()),
            (2, 7, "alice".to_owned()),
            (3, 5, "alice".to_owned()),
            (4, 3, "alice".to_owned())
        ],
        "{versions}"
    );
    assert_eq!(
        download(&s, A, path, "3").await,
        (200, "three".to_owned()),
        "history is kept"
    );

    // Restoring a version that does not exist changes nothing.
    let (st, _) = restore(&s, A, path, 9).await;
    assert_eq!(st, 404);
    let (_, versions) = s.versions_as(A.0, A.1, path).await;
    assert_eq!(versions.as_array().unwrap().len(), 4);

    // A missing file has no versions.
    let (st, _) = s.versions_as(A.0, A.1, "/docs/users/alice/missing.txt").await;
    assert_eq!(st, 404);
    s.shutdown().await;
}

#[tokio::test]
async fn readers_see_versions_but_cannot_restore() {
    let s = server_with_quota(None).await;
    let path = "/docs/users/alice/shared-with-bob.txt";
    assert_eq!(s.put_as(A.0, A.1, path, "v1").await, 201);
    assert_eq!(s.put_as(A.0, A.1, path, "v2").await, 204);

    let (st, _) = s.versions_as(B.0, B.1, path).await;
    assert!(st == 403 || st == 404, "no access yet: {st}");

    let bob = s.principal_id("bob").await;
    s.app
        .store
        .doc_grant("users/alice", Grantee::Principal(bob), AccessLevel::Read)
        .await
        .unwrap();
    let (st, versions) = s.versions_as(B.0, B.1, path).await;
    assert_eq!(st, 200);
    assert_eq!(versions.as_array().unwrap().len(), 2);
    assert_eq!(download(&s, B, path, "1").await, (200, "v1".to_owned()));
    let (st, _) = restore(&s, B, path, 1).await;
    assert_eq!(st, 403, "restore is a write");
    assert_eq!(s.get_as(A.0, A.1, path).await, (200, b"v2".to_vec()));
    let (_, versions) = s.versions_as(A.0, A.1, path).await;
    assert_eq!(versions.as_array().unwrap().len(), 2);
    s.shutdown().await;
}

#[tokio::test]
async fn restore_respects_locks() {
    let s = server_with_quota(None).await;
    let path = "/docs/users/alice/locked.txt";
    assert_eq!(s.put_as(A.0, A.1, path, "v1").await, 201);
    assert_eq!(s.put_as(A.0, A.1, path, "v2").await, 204);
    let (st, token, _) = lock_as(&s, A.0, A.1, path, "exclusive", "0").await;
    assert_eq!(st, 200);
    let token = token.unwrap();
    let (st, _) = restore(&s, A, path, 1).await;
    assert_eq!(st, 423, "restore without the lock token");
    assert_eq!(s.get_as(A.0, A.1, path).await, (200, b"v2".to_vec()));
    let resp = s
        .req_as(A.0, A.1, "POST", &format!("{path}?restore=1"))
        .header("If", format!("(<{token}>)"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(s.get_as(A.0, A.1, path).await, (200, b"v1".to_vec()));
    let (_, versions) = s.versions_as(A.0, A.1, path).await;
    assert_eq!(versions.as_array().unwrap().len(), 3);
    s.shutdown().await;
}

#[tokio::test]
async fn authors_are_recorded_per_version() {
    let s = server_with_quota(None).await;
    let path = "/docs/shared/Finance/forecast.txt";
    assert_eq!(s.mkcol_as("admin", ADMIN_PASSWORD, "/docs/shared/Finance").await, 201);
    assert_eq!(s.put_as("admin", ADMIN_PASSWORD, path, "draft").await, 201);
    let alice = s.principal_id("alice").await;
    s.app
        .store
        .doc_grant("shared/Finance", Grantee::Principal(alice), AccessLevel::Write)
        .await
        .unwrap();
    assert_eq!(s.put_as(A.0, A.1, path, "reviewed").await, 204);
    let (st, versions) = s.versions_as(A.0, A.1, path).await;
    assert_eq!(st, 200);
    assert_eq!(
        rows(&versions),
        vec![(1, 5, "admin".to_owned()), (2, 8, "alice".to_owned())],
        "{versions}"
    );
    s.shutdown().await;
}

#[tokio::test]
async fn copy_starts_a_fresh_history_move_keeps_it() {
    let s = server_with_quota(None).await;
    let src = "/docs/users/alice/report.txt";
    for body in ["r1", "r22", "r333"] {
        s.put_as(A.0, A.1, src, body).await;
    }
    let resp = s
        .req_as(A.0, A.1, "COPY", src)
        .header("Destination", s.url("/docs/users/alice/report-copy.txt"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    let (st, versions) = s.versions_as(A.0, A.1, "/docs/users/alice/report-copy.txt").await;
    assert_eq!(st, 200);
    assert_eq!(rows(&versions), vec![(1, 4, "alice".to_owned())], "{versions}");
    assert_eq!(
        download(&s, A, "/docs/users/alice/report-copy.txt", "1").await,
        (200, "r333".to_owned())
    );
    let (_, versions) = s.versions_as(A.0, A.1, src).await;
    assert_eq!(versions.as_array().unwrap().len(), 3, "the source keeps its history");

    // A rename (MOVE) is the same document: its history follows it.
    let resp = s
        .req_as(A.0, A.1, "MOVE", src)
        .header("Destination", s.url("/docs/users/alice/report-final.txt"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    let (st, versions) = s.versions_as(A.0, A.1, "/docs/users/alice/report-final.txt").await;
    assert_eq!(st, 200);
    assert_eq!(versions.as_array().unwrap().len(), 3, "{versions}");
    assert_eq!(
        download(&s, A, "/docs/users/alice/report-final.txt", "1").await,
        (200, "r1".to_owned())
    );
    s.shutdown().await;
}

#[tokio::test]
async fn quota_is_reported_and_enforced() {
    let s = server_with_quota(Some(1000)).await;
    let home = "/docs/users/alice";
    assert_eq!(quota(&s, A, &format!("{home}/")).await, (0, 1000));

    assert_eq!(s.put_as(A.0, A.1, &format!("{home}/a.bin"), vec![b'a'; 600]).await, 201);
    assert_eq!(quota(&s, A, &format!("{home}/")).await, (600, 400));

    // Too large for what is left: 507, nothing stored.
    assert_eq!(s.put_as(A.0, A.1, &format!("{home}/b.bin"), vec![b'b'; 500]).await, 507);
    assert_eq!(s.get_as(A.0, A.1, &format!("{home}/b.bin")).await.0, 404);
    assert!(s.app.store.doc_node("users/alice/b.bin").await.unwrap().is_none());
    assert_eq!(quota(&s, A, &format!("{home}/")).await, (600, 400));

    // Exactly what is left fits.
    assert_eq!(s.put_as(A.0, A.1, &format!("{home}/b.bin"), vec![b'b'; 400]).await, 201);
    assert_eq!(quota(&s, A, &format!("{home}/")).await, (1000, 0));

    // Every version counts: replacing a file adds its new size, since the old content is
    // kept as a version. A full drive refuses even a smaller replacement.
    assert_eq!(s.put_as(A.0, A.1, &format!("{home}/a.bin"), vec![b'A'; 100]).await, 507);
    assert_eq!(
        s.get_as(A.0, A.1, &format!("{home}/a.bin")).await,
        (200, vec![b'a'; 600]),
        "old content intact"
    );
    let (_, versions) = s.versions_as(A.0, A.1, &format!("{home}/a.bin")).await;
    assert_eq!(versions.as_array().unwrap().len(), 1, "the refused PUT made no version");
    // Deleting a file frees all its versions.
    let resp = s
        .req_as(A.0, A.1, "DELETE", &format!("{home}/b.bin"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    assert_eq!(quota(&s, A, &format!("{home}/")).await, (600, 400));
    assert_eq!(s.put_as(A.0, A.1, &format!("{home}/a.bin"), vec![b'A'; 100]).await, 204);
    assert_eq!(
        quota(&s, A, &format!("{home}/")).await,
        (700, 300),
        "the old version still counts"
    );
    // Restoring a version is a new version: it needs the space too.
    assert_eq!(restore(&s, A, &format!("{home}/a.bin"), 1).await.0, 507);
    assert_eq!(s.put_as(A.0, A.1, &format!("{home}/b.bin"), vec![b'b'; 200]).await, 201);
    assert_eq!(quota(&s, A, &format!("{home}/")).await, (900, 100));
    let resp = s
        .req_as(A.0, A.1, "DELETE", &format!("{home}/a.bin"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    assert_eq!(s.put_as(A.0, A.1, &format!("{home}/b.bin"), vec![b'B'; 300]).await, 204);
    assert_eq!(quota(&s, A, &format!("{home}/")).await, (500, 500));

    // COPY is a write too.
    let copy = |to: &str| {
        s.req_as(A.0, A.1, "COPY", &format!("{home}/b.bin"))
            .header("Destination", s.url(&format!("{home}/{to}")))
    };
    assert_eq!(
        copy("c.bin").send().await.unwrap().status().as_u16(),
        201,
        "a copy starts with one version"
    );
    assert_eq!(quota(&s, A, &format!("{home}/")).await, (800, 200));
    assert_eq!(copy("d.bin").send().await.unwrap().status().as_u16(), 507);
    assert_eq!(s.get_as(A.0, A.1, &format!("{home}/d.bin")).await.0, 404);

    // A streamed upload without Content-Length that turns out too large.
    let mut request = format!(
        "PUT {home}/streamed.bin HTTP/1.1\r\nHost: {}\r\nAuthorization: Basic {}\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n",
        s.addr(),
        common::basic_credentials(A.0, A.1)
    )
    .into_bytes();
    for _ in 0..3 {
        request.extend_from_slice(b"64\r\n");
        request.extend_from_slice(&[b's'; 100]);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    let resp = s.raw(&request).await;
    assert_eq!(resp.status, 507, "{}", resp.text());
    assert_eq!(s.get_as(A.0, A.1, &format!("{home}/streamed.bin")).await.0, 404);
    assert_eq!(quota(&s, A, &format!("{home}/")).await, (800, 200));

    // Deleting frees space.
    let resp = s
        .req_as(A.0, A.1, "DELETE", &format!("{home}/c.bin"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    assert_eq!(quota(&s, A, &format!("{home}/")).await, (500, 500));

    // Each user has their own quota; the company library has its own (default 500 GiB).
    assert_eq!(s.put_as(B.0, B.1, "/docs/users/bob/b.bin", vec![b'b'; 900]).await, 201);
    assert_eq!(quota(&s, B, "/docs/users/bob/").await, (900, 100));
    assert_eq!(
        s.put_as("admin", ADMIN_PASSWORD, "/docs/shared/big.bin", vec![b'x'; 5000])
            .await,
        201
    );
    assert_eq!(
        quota(&s, ("admin", ADMIN_PASSWORD), "/docs/shared/").await,
        (5000, 500 * 1024 * 1024 * 1024 - 5000)
    );
    s.shutdown().await;
}

#[tokio::test]
async fn default_quota_is_ten_gibibytes() {
    let s = server_with_quota(None).await;
    assert_eq!(s.put_as(A.0, A.1, "/docs/users/alice/x.bin", vec![0u8; 24]).await, 201);
    let (used, available) = quota(&s, A, "/docs/users/alice/").await;
    assert_eq!(used, 24);
    assert_eq!(used + available, 10 * 1024 * 1024 * 1024);
    s.shutdown().await;
}

#[tokio::test]
async fn department_and_company_libraries_have_quotas() {
    let s = TestServer::start_with(|c| {
        c.documents.department_quota_bytes = 1000;
        c.documents.shared_quota_bytes = 2000;
    })
    .await;
    s.add_user(A.0, A.1).await;
    let sales = s.add_department("Sales").await;
    s.join_department(A.0, sales).await;
    let lib = "/docs/departments/sales";
    assert_eq!(quota(&s, A, &format!("{lib}/")).await, (0, 1000));
    assert_eq!(s.put_as(A.0, A.1, &format!("{lib}/a.bin"), vec![b'a'; 800]).await, 201);
    assert_eq!(s.put_as(A.0, A.1, &format!("{lib}/b.bin"), vec![b'b'; 300]).await, 507);
    assert!(s.app.store.doc_node("departments/sales/b.bin").await.unwrap().is_none());
    assert_eq!(quota(&s, A, &format!("{lib}/")).await, (800, 200));
    let admin = ("admin", ADMIN_PASSWORD);
    assert_eq!(
        s.put_as(admin.0, admin.1, "/docs/shared/a.bin", vec![b'a'; 1500]).await,
        201
    );
    assert_eq!(
        s.put_as(admin.0, admin.1, "/docs/shared/a.bin", vec![b'a'; 600]).await,
        507
    );
    assert_eq!(quota(&s, admin, "/docs/shared/").await, (1500, 500));
    // A MOVE between libraries takes every version along, and needs the room for them.
    assert_eq!(
        s.put_as(A.0, A.1, "/docs/users/alice/v.bin", vec![b'1'; 150]).await,
        201
    );
    assert_eq!(
        s.put_as(A.0, A.1, "/docs/users/alice/v.bin", vec![b'2'; 150]).await,
        204
    );
    let moved = s
        .req_as(A.0, A.1, "MOVE", "/docs/users/alice/v.bin")
        .header("Destination", s.url(&format!("{lib}/v.bin")))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status().as_u16(), 507, "300 bytes of versions, 200 left");
    assert_eq!(quota(&s, A, "/docs/users/alice/").await.0, 300);
    s.shutdown().await;
}

#[tokio::test]
async fn a_file_keeps_at_most_max_versions() {
    let s = TestServer::start_with(|c| c.documents.max_versions = 3).await;
    s.add_user(A.0, A.1).await;
    let path = "/docs/users/alice/notes.txt";
    for (i, body) in ["1", "22", "333", "4444", "55555"].iter().enumerate() {
        let st = s.put_as(A.0, A.1, path, *body).await;
        assert_eq!(st, if i == 0 { 201 } else { 204 });
    }
    let (_, versions) = s.versions_as(A.0, A.1, path).await;
    assert_eq!(
        rows(&versions),
        vec![
            (3, 3, "alice".to_owned()),
            (4, 4, "alice".to_owned()),
            (5, 5, "alice".to_owned())
        ],
        "the oldest are dropped: {versions}"
    );
    assert_eq!(download(&s, A, path, "1").await.0, 404);
    assert_eq!(
        quota(&s, A, "/docs/users/alice/").await.0,
        12,
        "dropped versions free their space"
    );
    s.shutdown().await;
}
