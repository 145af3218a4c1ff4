//! The blob cleanup (security issue: "a PUT of 100 MB followed by DELETE leaves 96 MB on
//! disk"): what nothing refers to goes, what something refers to stays readable, recent
//! writes are left alone, and a cleanup cut short loses nothing.

mod common;

use portico::store::repos::*;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::TestServer;
use portico::core::Actor;
use portico::core::documents::Cleanup;

const A: (&str, &str) = ("alice", "alice-pw");

fn blob_root(s: &TestServer) -> PathBuf {
    s.app.config.storage.data_dir.join("blobs")
}

/// (files, bytes) below `dir`, recursively.
fn disk_use(dir: &Path) -> (u64, u64) {
    let mut total = (0, 0);
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let meta = entry.metadata().unwrap();
        if meta.is_dir() {
            let (n, b) = disk_use(&entry.path());
            total = (total.0 + n, total.1 + b);
        } else {
            total = (total.0 + 1, total.1 + meta.len());
        }
    }
    total
}

async fn clean(s: &TestServer, grace: Duration) -> Cleanup {
    s.app
        .core
        .documents(&Actor::system())
        .clean_blobs(grace)
        .await
        .expect("cleanup")
}

async fn delete(s: &TestServer, path: &str) -> u16 {
    s.req_as(A.0, A.1, "DELETE", path)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_deleted_file_frees_its_disk_space() {
    let s = TestServer::start().await;
    s.add_user(A.0, A.1).await;
    let big: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    assert_eq!(s.put_as(A.0, A.1, "/docs/users/alice/big.bin", big.clone()).await, 201);
    let mut edited = big.clone();
    edited[0] ^= 1;
    assert_eq!(s.put_as(A.0, A.1, "/docs/users/alice/big.bin", edited).await, 204);
    let (files, bytes) = disk_use(&blob_root(&s));
    assert_eq!(files, 2, "two versions");
    assert!(bytes >= 6_000_000, "{bytes}");
    assert_eq!(delete(&s, "/docs/users/alice/big.bin").await, 204);

    // Written a moment ago: a write could still be about to refer to them.
    assert_eq!(clean(&s, Duration::from_secs(3600)).await.removed, 0);
    assert_eq!(disk_use(&blob_root(&s)).0, 2);

    let done = clean(&s, Duration::ZERO).await;
    assert_eq!(done.removed, 2, "{done:?}");
    assert_eq!(done.freed_bytes, 6_000_000, "{done:?}");
    assert_eq!(disk_use(&blob_root(&s)), (0, 0), "nothing left on disk");
    s.shutdown().await;
}

#[tokio::test]
async fn what_is_referred_to_stays_and_refused_uploads_go() {
    let s = TestServer::start_with(|c| {
        c.documents.quota_bytes = 10_000;
        c.documents.max_versions = 2;
    })
    .await;
    s.add_user(A.0, A.1).await;
    let home = "/docs/users/alice";
    for body in ["one", "two", "three"] {
        let st = s.put_as(A.0, A.1, &format!("{home}/kept.txt"), body).await;
        assert!(st == 201 || st == 204, "{st}");
    }
    assert_eq!(s.mkcol_as(A.0, A.1, &format!("{home}/dir")).await, 201);
    assert_eq!(
        s.put_as(A.0, A.1, &format!("{home}/dir/copied.txt"), "copy me").await,
        201
    );
    let copied = s
        .req_as(A.0, A.1, "COPY", &format!("{home}/dir"))
        .header("Destination", s.url(&format!("{home}/dir2")))
        .send()
        .await
        .unwrap();
    assert_eq!(copied.status().as_u16(), 201);
    // The first copy goes; its twin still refers to the same content.
    assert_eq!(delete(&s, &format!("{home}/dir")).await, 204);
    // Over quota, without a Content-Length: refused only after the body was stored.
    let mut request = format!(
        "PUT {home}/huge.bin HTTP/1.1\r\nHost: {}\r\nAuthorization: Basic {}\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n",
        s.addr(),
        common::basic_credentials(A.0, A.1)
    )
    .into_bytes();
    for _ in 0..20 {
        request.extend_from_slice(b"3e8\r\n");
        request.extend_from_slice(&[7u8; 1000]);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    assert_eq!(s.raw(&request).await.status, 507);

    // "one" (dropped by max_versions = 2) and the refused upload are gone.
    let done = clean(&s, Duration::ZERO).await;
    assert_eq!(done.removed, 2, "{done:?}");
    assert_eq!(done.freed_bytes, 3 + 20_000, "{done:?}");
    assert_eq!(disk_use(&blob_root(&s)).0, 3, "two versions of kept.txt and the copy");
    assert_eq!(
        s.get_as(A.0, A.1, &format!("{home}/kept.txt")).await,
        (200, b"three".to_vec())
    );
    assert_eq!(
        s.get_as(A.0, A.1, &format!("{home}/kept.txt?version=2")).await,
        (200, b"two".to_vec())
    );
    assert_eq!(
        s.get_as(A.0, A.1, &format!("{home}/dir2/copied.txt")).await,
        (200, b"copy me".to_vec())
    );
    // A second run finds nothing more to do.
    assert_eq!(clean(&s, Duration::ZERO).await.removed, 0);
    s.shutdown().await;
}

#[tokio::test]
async fn a_cleanup_cut_short_loses_nothing() {
    let s = TestServer::start().await;
    s.add_user(A.0, A.1).await;
    let path = "/docs/users/alice/report.txt";
    assert_eq!(s.put_as(A.0, A.1, path, "the report").await, 201);
    assert_eq!(s.put_as(A.0, A.1, "/docs/users/alice/gone.txt", "gone").await, 201);
    assert_eq!(delete(&s, "/docs/users/alice/gone.txt").await, 204);
    let node = s.app.store.doc_node("users/alice/report.txt").await.unwrap().unwrap();
    let kept = node.blob_sha256.unwrap();
    let sha256_of = |bytes: &[u8]| {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(bytes))
    };
    let gone = sha256_of(b"gone");
    // A cleanup that died after setting both aside, before it asked the database again.
    let trash = blob_root(&s).join("trash");
    let set_both_aside = async || {
        for sha in [&kept, &gone] {
            assert!(s.app.blobs.set_aside(sha).await.unwrap().is_some());
        }
        assert_eq!(std::fs::read_dir(&trash).unwrap().count(), 2);
    };
    set_both_aside().await;
    // Readers still find the file while it is set aside.
    assert_eq!(s.get_as(A.0, A.1, path).await, (200, b"the report".to_vec()));

    // The next cleanup finishes the job: what is recent or referred to goes back...
    let done = clean(&s, Duration::from_secs(3600)).await;
    assert_eq!(done.removed, 0, "{done:?}");
    assert_eq!(std::fs::read_dir(&trash).unwrap().count(), 0);
    assert_eq!(disk_use(&blob_root(&s)).0, 2);
    // ...and what is old and unreferenced is deleted.
    set_both_aside().await;
    let done = clean(&s, Duration::ZERO).await;
    assert_eq!(done.removed, 1, "{done:?}");
    assert_eq!(std::fs::read_dir(&trash).unwrap().count(), 0);
    assert_eq!(disk_use(&blob_root(&s)).0, 1);
    assert_eq!(s.get_as(A.0, A.1, path).await, (200, b"the report".to_vec()));
    assert!(s.app.blobs.open(&gone).await.is_err());
    s.shutdown().await;
}

#[tokio::test]
async fn only_administrators_clean_up() {
    let s = TestServer::start().await;
    s.add_user(A.0, A.1).await;
    let alice = s.app.store.principal_by_login(A.0).await.unwrap().unwrap();
    let err = s
        .app
        .core
        .documents(&Actor::user(alice))
        .clean_blobs(Duration::ZERO)
        .await
        .unwrap_err();
    assert_eq!(err.kind, portico::core::ErrorKind::Forbidden);
    s.shutdown().await;
}

/// The grace counts from when nothing refers to a blob any more, not from its last write: a
/// file written long ago and deleted now keeps its content for the grace, set aside and still
/// readable (a backup that copies the blobs after a database dump taken before the delete
/// still finds it, docs/operations.md).
#[tokio::test]
async fn an_old_blob_outlives_its_last_reference_by_the_grace() {
    let s = TestServer::start().await;
    s.add_user(A.0, A.1).await;
    let path = "/docs/users/alice/old.txt";
    assert_eq!(s.put_as(A.0, A.1, path, "written long ago").await, 201);
    let node = s.app.store.doc_node("users/alice/old.txt").await.unwrap().unwrap();
    let sha = node.blob_sha256.unwrap();
    let file = s.app.blobs.local_path(&sha).unwrap();
    let long_ago = std::time::SystemTime::now() - Duration::from_secs(7200);
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(long_ago)
        .unwrap();
    assert_eq!(delete(&s, path).await, 204);

    let grace = Duration::from_secs(2);
    for _ in 0..2 {
        let done = clean(&s, grace).await;
        assert_eq!((done.removed, done.set_aside), (0, 1), "{done:?}");
        assert!(s.app.blobs.open(&sha).await.is_ok(), "readable while set aside");
    }
    tokio::time::sleep(grace + Duration::from_millis(300)).await;
    let done = clean(&s, grace).await;
    assert_eq!((done.removed, done.set_aside), (1, 0), "{done:?}");
    assert!(s.app.blobs.open(&sha).await.is_err());
    assert_eq!(disk_use(&blob_root(&s)).0, 0);
    s.shutdown().await;
}
