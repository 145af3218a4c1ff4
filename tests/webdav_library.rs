//! RFC 4918 method semantics of the document library over real TCP: OPTIONS, GET/HEAD with
//! ranges and conditions, PUT preconditions and limits, DELETE, MKCOL, COPY/MOVE with
//! Overwrite, PROPFIND, PROPPATCH atomicity and dead properties, LOCK/UNLOCK and the `If:`
//! header. Everything runs in the personal drive of `alice`, who manages it.

mod common;

use common::{DAV, TestServer, lock_as, multistatus, response_for, strip_angle};
use portico::store::repos::*;

const A: (&str, &str) = ("alice", "alice-pw");
const HOME: &str = "/docs/users/alice";

async fn server() -> TestServer {
    let s = TestServer::start().await;
    s.add_user(A.0, A.1).await;
    s
}

fn p(rel: &str) -> String {
    format!("{HOME}/{rel}")
}

async fn put(s: &TestServer, rel: &str, body: &str) -> u16 {
    s.put_as(A.0, A.1, &p(rel), body.as_bytes().to_vec()).await
}

async fn get(s: &TestServer, rel: &str) -> (u16, String) {
    let (st, b) = s.get_as(A.0, A.1, &p(rel)).await;
    (st, String::from_utf8_lossy(&b).into_owned())
}

async fn mkcol(s: &TestServer, rel: &str) -> u16 {
    s.mkcol_as(A.0, A.1, &p(rel)).await
}

fn req(s: &TestServer, method: &str, rel: &str) -> reqwest::RequestBuilder {
    s.req_as(A.0, A.1, method, &p(rel))
}

async fn etag_of(s: &TestServer, rel: &str) -> String {
    let resp = req(s, "HEAD", rel).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200, "HEAD {rel}");
    resp.headers()
        .get("etag")
        .unwrap_or_else(|| panic!("ETag on {rel}"))
        .to_str()
        .unwrap()
        .to_owned()
}

fn prop_body(props: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\" ?><D:propfind xmlns:D=\"DAV:\" xmlns:E=\"http://example.com/ns\"><D:prop>{props}</D:prop></D:propfind>"
    )
}

const EX: &str = "http://example.com/ns";

fn set_author(value: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\" ?><D:propertyupdate xmlns:D=\"DAV:\" xmlns:E=\"http://example.com/ns\"><D:set><D:prop><E:author>{value}</E:author><E:project>Apollo</E:project></D:prop></D:set></D:propertyupdate>"
    )
}

/// The dead property `E:name` of `rel` (None when PROPFIND reports it 404).
async fn dead_prop(s: &TestServer, rel: &str, name: &str) -> Option<String> {
    let (status, body) = s
        .propfind_as(A.0, A.1, &p(rel), "0", &prop_body(&format!("<E:{name}/>")))
        .await;
    assert_eq!(status, 207, "PROPFIND {rel}: {body}");
    let rs = multistatus(&body);
    assert_eq!(rs.len(), 1, "{body}");
    match rs[0].prop(EX, name) {
        Some((200, e)) => Some(e.text()),
        Some((404, _)) => None,
        other => panic!("unexpected status for E:{name}: {other:?}\n{body}"),
    }
}

async fn exists(s: &TestServer, rel: &str) -> bool {
    let (st, _) = s.propfind_as(A.0, A.1, &p(rel), "0", "").await;
    match st {
        207 => true,
        404 => false,
        other => panic!("PROPFIND {rel} answered {other}"),
    }
}

#[tokio::test]
async fn options_advertises_class_2() {
    let s = server().await;
    assert_eq!(put(&s, "file.txt", "f").await, 201);
    // Allow names what the resource at that URL supports (RFC 9110 §10.2.1).
    let cases: [(String, &[&str]); 3] = [
        (
            HOME.to_owned() + "/",
            &["OPTIONS", "PROPFIND", "PROPPATCH", "LOCK", "UNLOCK"],
        ),
        (
            p("file.txt"),
            &[
                "OPTIONS",
                "GET",
                "HEAD",
                "PUT",
                "DELETE",
                "PROPFIND",
                "PROPPATCH",
                "COPY",
                "MOVE",
                "LOCK",
                "UNLOCK",
            ],
        ),
        (p("missing.txt"), &["PUT", "MKCOL", "LOCK"]),
    ];
    for (path, methods) in cases {
        let resp = s.req_as(A.0, A.1, "OPTIONS", &path).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 200, "{path}");
        let dav = resp
            .headers()
            .get("dav")
            .expect("DAV header")
            .to_str()
            .unwrap()
            .to_owned();
        let classes: Vec<&str> = dav.split(',').map(str::trim).collect();
        assert!(classes.contains(&"1") && classes.contains(&"2"), "{dav}");
        assert_eq!(resp.headers().get("ms-author-via").unwrap(), "DAV");
        assert!(!resp.headers().contains_key("x-msdavext"));
        let allow = resp
            .headers()
            .get("allow")
            .expect("Allow")
            .to_str()
            .unwrap()
            .to_ascii_uppercase();
        let allow: Vec<&str> = allow.split(',').map(str::trim).collect();
        for m in methods {
            assert!(allow.contains(m), "Allow on {path} lacks {m}: {allow:?}");
        }
    }
    s.shutdown().await;
}

#[tokio::test]
async fn put_get_head_round_trip() {
    let s = server().await;
    assert_eq!(put(&s, "a.txt", "first content").await, 201, "new file");
    let resp = req(&s, "GET", "a.txt").send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let etag1 = resp.headers().get("etag").expect("ETag").to_str().unwrap().to_owned();
    assert!(
        etag1.starts_with('"') && etag1.ends_with('"'),
        "strong, quoted ETag: {etag1}"
    );
    let lm = resp
        .headers()
        .get("last-modified")
        .expect("Last-Modified")
        .to_str()
        .unwrap()
        .to_owned();
    assert!(httpdate::parse_http_date(&lm).is_ok(), "{lm}");
    assert_eq!(resp.headers().get("content-length").unwrap(), "13");
    assert_eq!(resp.text().await.unwrap(), "first content");

    let resp = req(&s, "HEAD", "a.txt").send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.headers().get("etag").unwrap().to_str().unwrap(), etag1);
    assert_eq!(resp.headers().get("content-length").unwrap(), "13");
    assert!(resp.bytes().await.unwrap().is_empty(), "HEAD has no body");

    assert_eq!(put(&s, "a.txt", "second").await, 204, "replaced");
    let resp = req(&s, "GET", "a.txt").send().await.unwrap();
    let etag2 = resp.headers().get("etag").unwrap().to_str().unwrap().to_owned();
    assert_ne!(etag1, etag2, "the ETag changes with the content");
    assert_eq!(resp.text().await.unwrap(), "second");

    // Same bytes again: a strong ETag identifies the bytes.
    assert_eq!(put(&s, "b.txt", "second").await, 201);
    assert_eq!(etag_of(&s, "b.txt").await, etag2);

    assert_eq!(get(&s, "missing.txt").await.0, 404);
    // A PUT onto a folder is not a file write.
    assert_eq!(mkcol(&s, "dir").await, 201);
    let st = put(&s, "dir", "x").await;
    assert!(st == 405 || st == 409, "PUT onto a collection: {st}");
    assert!(exists(&s, "dir").await);
    s.shutdown().await;
}

#[tokio::test]
async fn byte_ranges() {
    let s = server().await;
    assert_eq!(put(&s, "digits.txt", "0123456789").await, 201);
    for (range, content_range, body) in [
        ("bytes=2-5", "bytes 2-5/10", "2345"),
        ("bytes=7-", "bytes 7-9/10", "789"),
        ("bytes=-3", "bytes 7-9/10", "789"),
        ("bytes=8-100", "bytes 8-9/10", "89"),
    ] {
        let resp = req(&s, "GET", "digits.txt")
            .header("Range", range)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 206, "{range}");
        assert_eq!(resp.headers().get("content-range").unwrap(), content_range, "{range}");
        assert_eq!(resp.text().await.unwrap(), body, "{range}");
    }
    let resp = req(&s, "GET", "digits.txt")
        .header("Range", "bytes=20-30")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 416);
    assert_eq!(resp.headers().get("content-range").unwrap(), "bytes */10");
    s.shutdown().await;
}

#[tokio::test]
async fn conditional_get() {
    let s = server().await;
    assert_eq!(put(&s, "c.txt", "conditional").await, 201);
    let resp = req(&s, "GET", "c.txt").send().await.unwrap();
    let etag = resp.headers().get("etag").unwrap().to_str().unwrap().to_owned();
    let lm = resp
        .headers()
        .get("last-modified")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();

    let resp = req(&s, "GET", "c.txt")
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 304);
    assert!(resp.bytes().await.unwrap().is_empty());
    let resp = req(&s, "GET", "c.txt")
        .header("If-None-Match", "\"something-else\"")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let resp = req(&s, "GET", "c.txt")
        .header("If-Modified-Since", &lm)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 304);
    let resp = req(&s, "GET", "c.txt")
        .header("If-Modified-Since", "Sat, 01 Jan 2000 00:00:00 GMT")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.text().await.unwrap(), "conditional");
    s.shutdown().await;
}

#[tokio::test]
async fn put_preconditions() {
    let s = server().await;
    assert_eq!(put(&s, "doc.txt", "v1").await, 201);
    let etag = etag_of(&s, "doc.txt").await;

    let resp = req(&s, "PUT", "doc.txt")
        .header("If-Match", "\"not-the-etag\"")
        .body("lost")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 412);
    assert_eq!(get(&s, "doc.txt").await, (200, "v1".to_owned()));

    let resp = req(&s, "PUT", "doc.txt")
        .header("If-None-Match", "*")
        .body("lost")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 412, "If-None-Match: * on an existing file");
    assert_eq!(get(&s, "doc.txt").await, (200, "v1".to_owned()));

    let resp = req(&s, "PUT", "doc.txt")
        .header("If-Match", &etag)
        .body("v2")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    assert_eq!(get(&s, "doc.txt").await, (200, "v2".to_owned()));

    let resp = req(&s, "PUT", "new.txt")
        .header("If-None-Match", "*")
        .body("fresh")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);

    // If-Match on a file that does not exist fails (RFC 9110 §13.1.1) and creates nothing.
    let resp = req(&s, "PUT", "ghost.txt")
        .header("If-Match", &etag)
        .body("boo")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 412);
    assert_eq!(get(&s, "ghost.txt").await.0, 404);
    let (status, versions) = s.versions_as(A.0, A.1, &p("doc.txt")).await;
    assert_eq!(status, 200);
    assert_eq!(
        versions.as_array().unwrap().len(),
        2,
        "failed PUTs made no version: {versions}"
    );
    s.shutdown().await;
}

#[tokio::test]
async fn put_without_parent_is_409() {
    let s = server().await;
    assert_eq!(put(&s, "no/such/folder.txt", "x").await, 409);
    assert!(!exists(&s, "no").await);
    assert!(
        s.app
            .store
            .doc_node("users/alice/no/such/folder.txt")
            .await
            .unwrap()
            .is_none()
    );
    s.shutdown().await;
}

#[tokio::test]
async fn oversize_put_is_413_and_stores_nothing() {
    let s = TestServer::start_with(|c| c.server.max_upload_bytes = 1024).await;
    s.add_user(A.0, A.1).await;
    assert_eq!(
        s.put_as(A.0, A.1, &p("big.bin"), vec![b'x'; 4096]).await,
        413,
        "new file too large"
    );
    assert_eq!(get(&s, "big.bin").await.0, 404);
    assert!(s.app.store.doc_node("users/alice/big.bin").await.unwrap().is_none());

    assert_eq!(
        s.put_as(A.0, A.1, &p("small.bin"), vec![b'y'; 1024]).await,
        201,
        "at the limit"
    );
    assert_eq!(
        s.put_as(A.0, A.1, &p("small.bin"), vec![b'z'; 1025]).await,
        413,
        "replacement too large"
    );
    let (status, body) = s.get_as(A.0, A.1, &p("small.bin")).await;
    assert_eq!((status, body), (200, vec![b'y'; 1024]), "old content intact");
    let (_, versions) = s.versions_as(A.0, A.1, &p("small.bin")).await;
    assert_eq!(versions.as_array().unwrap().len(), 1, "{versions}");
    s.shutdown().await;
}

#[tokio::test]
async fn delete_is_recursive() {
    let s = server().await;
    assert_eq!(mkcol(&s, "tree").await, 201);
    assert_eq!(mkcol(&s, "tree/branch").await, 201);
    assert_eq!(put(&s, "tree/branch/leaf.txt", "leaf").await, 201);
    assert_eq!(put(&s, "tree/top.txt", "top").await, 201);
    assert_eq!(put(&s, "keep.txt", "keep").await, 201);

    let resp = req(&s, "DELETE", "tree/").send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    for rel in ["tree", "tree/branch", "tree/branch/leaf.txt", "tree/top.txt"] {
        assert!(!exists(&s, rel).await, "{rel} deleted");
    }
    assert!(
        s.app
            .store
            .doc_node("users/alice/tree/branch/leaf.txt")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(get(&s, "keep.txt").await, (200, "keep".to_owned()));

    let resp = req(&s, "DELETE", "tree/").send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 404);
    let resp = req(&s, "DELETE", "keep.txt").send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    assert_eq!(get(&s, "keep.txt").await.0, 404);
    s.shutdown().await;
}

#[tokio::test]
async fn mkcol_semantics() {
    let s = server().await;
    assert_eq!(mkcol(&s, "Projects").await, 201);
    assert!(exists(&s, "Projects/").await);
    assert_eq!(mkcol(&s, "Projects").await, 405, "already exists");
    assert_eq!(mkcol(&s, "Projects/").await, 405, "already exists, trailing slash");
    assert_eq!(mkcol(&s, "Nope/Child").await, 409, "no parent");
    assert!(!exists(&s, "Nope").await);
    assert_eq!(put(&s, "file.txt", "f").await, 201);
    assert_eq!(mkcol(&s, "file.txt").await, 405, "a file is there");
    assert_eq!(mkcol(&s, "file.txt/sub").await, 409, "parent is not a collection");

    let resp = req(&s, "MKCOL", "WithBody")
        .header("Content-Type", "text/xml")
        .body("<?xml version=\"1.0\"?><x:mkcol xmlns:x=\"urn:example\"/>")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 415, "MKCOL with a body");
    assert!(!exists(&s, "WithBody").await);
    s.shutdown().await;
}

#[tokio::test]
async fn copy_and_move_files() {
    let s = server().await;
    assert_eq!(put(&s, "src.txt", "source").await, 201);
    assert_eq!(put(&s, "other.txt", "other").await, 201);

    // Absolute destination URL, new target.
    let resp = req(&s, "COPY", "src.txt")
        .header("Destination", s.url(&p("copy.txt")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    assert_eq!(get(&s, "copy.txt").await, (200, "source".to_owned()));
    assert_eq!(get(&s, "src.txt").await, (200, "source".to_owned()));

    // Overwrite: F onto an existing target.
    let resp = req(&s, "COPY", "src.txt")
        .header("Destination", s.url(&p("other.txt")))
        .header("Overwrite", "F")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 412);
    assert_eq!(get(&s, "other.txt").await, (200, "other".to_owned()));

    // Default (T) onto an existing target: 204.
    let resp = req(&s, "COPY", "src.txt")
        .header("Destination", s.url(&p("other.txt")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    assert_eq!(get(&s, "other.txt").await, (200, "source".to_owned()));

    // A path-only, percent-encoded destination.
    let resp = req(&s, "MOVE", "copy.txt")
        .header("Destination", p("Moved%20File%20%C3%A4%25.txt"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    assert_eq!(get(&s, "copy.txt").await.0, 404, "the source is gone");
    assert_eq!(
        get(&s, "Moved%20File%20%C3%A4%25.txt").await,
        (200, "source".to_owned())
    );
    assert!(
        s.app
            .store
            .doc_node("users/alice/Moved File ä%.txt")
            .await
            .unwrap()
            .is_some(),
        "the destination is stored decoded"
    );

    // MOVE with Overwrite: F onto an existing file.
    assert_eq!(put(&s, "blocker.txt", "blocker").await, 201);
    let resp = req(&s, "MOVE", "src.txt")
        .header("Destination", s.url(&p("blocker.txt")))
        .header("Overwrite", "F")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 412);
    assert_eq!(get(&s, "src.txt").await, (200, "source".to_owned()));
    assert_eq!(get(&s, "blocker.txt").await, (200, "blocker".to_owned()));

    // MOVE with Overwrite: T onto an existing file.
    let resp = req(&s, "MOVE", "src.txt")
        .header("Destination", s.url(&p("blocker.txt")))
        .header("Overwrite", "T")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    assert_eq!(get(&s, "src.txt").await.0, 404);
    assert_eq!(get(&s, "blocker.txt").await, (200, "source".to_owned()));

    // Missing source; destination folder missing.
    let resp = req(&s, "COPY", "nothing.txt")
        .header("Destination", s.url(&p("x.txt")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);
    let resp = req(&s, "COPY", "other.txt")
        .header("Destination", s.url(&p("nofolder/x.txt")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 409, "destination parent missing");
    s.shutdown().await;
}

#[tokio::test]
async fn copy_and_move_folders() {
    let s = server().await;
    assert_eq!(mkcol(&s, "a").await, 201);
    assert_eq!(mkcol(&s, "a/sub").await, 201);
    assert_eq!(put(&s, "a/one.txt", "one").await, 201);
    assert_eq!(put(&s, "a/sub/two.txt", "two").await, 201);

    // COPY a folder, default depth infinity.
    let resp = req(&s, "COPY", "a/")
        .header("Destination", s.url(&p("b/")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    assert_eq!(get(&s, "b/one.txt").await, (200, "one".to_owned()));
    assert_eq!(get(&s, "b/sub/two.txt").await, (200, "two".to_owned()));
    assert_eq!(get(&s, "a/sub/two.txt").await, (200, "two".to_owned()), "source intact");

    // COPY Depth 0 copies the collection without its members.
    let resp = req(&s, "COPY", "a/")
        .header("Destination", s.url(&p("shallow/")))
        .header("Depth", "0")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    let (status, body) = s.propfind_as(A.0, A.1, &p("shallow/"), "1", "").await;
    assert_eq!(status, 207);
    let rs = multistatus(&body);
    assert_eq!(rs.len(), 1, "no members copied:\n{body}");
    assert!(rs[0].is_collection());

    // COPY onto an existing folder with Overwrite: F.
    assert_eq!(mkcol(&s, "c").await, 201);
    assert_eq!(put(&s, "c/only-in-c.txt", "c").await, 201);
    let resp = req(&s, "COPY", "a/")
        .header("Destination", s.url(&p("c/")))
        .header("Overwrite", "F")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 412);
    assert_eq!(get(&s, "c/only-in-c.txt").await, (200, "c".to_owned()));
    assert_eq!(get(&s, "c/one.txt").await.0, 404);

    // MOVE onto it with Overwrite: T replaces it entirely (the old members are gone).
    let resp = req(&s, "MOVE", "a/")
        .header("Destination", s.url(&p("c/")))
        .header("Overwrite", "T")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    assert!(!exists(&s, "a").await);
    assert_eq!(
        get(&s, "c/only-in-c.txt").await.0,
        404,
        "destination replaced, not merged"
    );
    assert_eq!(get(&s, "c/one.txt").await, (200, "one".to_owned()));
    assert_eq!(get(&s, "c/sub/two.txt").await, (200, "two".to_owned()));

    // MOVE of a folder to a new name.
    let resp = req(&s, "MOVE", "c")
        .header("Destination", s.url(&p("Renamed%20Folder/")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    assert_eq!(get(&s, "Renamed%20Folder/sub/two.txt").await, (200, "two".to_owned()));
    assert!(!exists(&s, "c").await);

    // A folder cannot be copied or moved into itself.
    let resp = req(&s, "MOVE", "b/")
        .header("Destination", s.url(&p("b/sub/inner/")))
        .send()
        .await
        .unwrap();
    let st = resp.status().as_u16();
    assert!(st == 403 || st == 409, "MOVE into itself: {st}");
    assert_eq!(get(&s, "b/sub/two.txt").await, (200, "two".to_owned()));
    s.shutdown().await;
}

#[tokio::test]
async fn propfind_depths_and_properties() {
    let s = server().await;
    assert_eq!(mkcol(&s, "dir").await, 201);
    assert_eq!(put(&s, "dir/a.txt", "aaa").await, 201);
    assert_eq!(mkcol(&s, "dir/inner").await, 201);
    assert_eq!(put(&s, "dir/inner/deep.txt", "deep").await, 201);

    // Depth 1: the folder and its direct members only.
    let (status, body) = s.propfind_as(A.0, A.1, &p("dir/"), "1", "").await;
    assert_eq!(status, 207);
    let rs = multistatus(&body);
    let mut paths: Vec<&str> = rs.iter().map(|r| r.path.trim_end_matches('/')).collect();
    paths.sort();
    assert_eq!(
        paths,
        vec![
            "/docs/users/alice/dir",
            "/docs/users/alice/dir/a.txt",
            "/docs/users/alice/dir/inner"
        ],
        "{body}"
    );
    let file = response_for(&rs, &p("dir/a.txt")).unwrap();
    assert_eq!(file.ok_text(DAV, "getcontentlength").as_deref(), Some("3"));
    assert!(!file.is_collection());
    assert!(response_for(&rs, &p("dir/inner")).unwrap().is_collection());
    let lm = file.ok_text(DAV, "getlastmodified").unwrap();
    assert!(httpdate::parse_http_date(&lm).is_ok(), "RFC 1123 date: {lm}");
    // The ETag property equals the GET header.
    assert_eq!(file.ok_text(DAV, "getetag").unwrap(), etag_of(&s, "dir/a.txt").await);

    // Depth: infinity is refused with the precondition element.
    let resp = req(&s, "PROPFIND", "dir/")
        .header("Depth", "infinity")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    let body = resp.text().await.unwrap();
    let err = common::xml::parse(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
    assert!(err.is(DAV, "error"), "{body}");
    assert!(err.child(DAV, "propfind-finite-depth").is_some(), "{body}");

    // A specific property list: known ones 200, unknown ones 404.
    let (status, body) = s
        .propfind_as(
            A.0,
            A.1,
            &p("dir/a.txt"),
            "0",
            &prop_body("<D:getcontentlength/><D:resourcetype/><E:nonexistent/>"),
        )
        .await;
    assert_eq!(status, 207);
    let rs = multistatus(&body);
    assert_eq!(rs.len(), 1);
    assert_eq!(rs[0].ok_text(DAV, "getcontentlength").as_deref(), Some("3"));
    assert_eq!(rs[0].prop_status(EX, "nonexistent"), Some(404), "{body}");
    assert!(
        rs[0].prop(DAV, "getlastmodified").is_none(),
        "only what was asked:\n{body}"
    );

    // propname lists names without values.
    let (status, body) = s
        .propfind_as(
            A.0,
            A.1,
            &p("dir/a.txt"),
            "0",
            "<?xml version=\"1.0\" encoding=\"utf-8\" ?><D:propfind xmlns:D=\"DAV:\"><D:propname/></D:propfind>",
        )
        .await;
    assert_eq!(status, 207);
    let rs = multistatus(&body);
    let len = rs[0].ok_prop(DAV, "getcontentlength").expect("getcontentlength named");
    assert!(len.text().trim().is_empty(), "propname carries no values:\n{body}");
    assert!(rs[0].ok_prop(DAV, "getetag").is_some(), "{body}");

    // Explicit allprop body equals the empty body.
    let (status, body) = s
        .propfind_as(
            A.0,
            A.1,
            &p("dir/a.txt"),
            "0",
            "<?xml version=\"1.0\" encoding=\"utf-8\" ?><D:propfind xmlns:D=\"DAV:\"><D:allprop/></D:propfind>",
        )
        .await;
    assert_eq!(status, 207);
    let rs = multistatus(&body);
    assert_eq!(rs[0].ok_text(DAV, "getcontentlength").as_deref(), Some("3"));

    // Missing resources and malformed bodies.
    let (status, _) = s.propfind_as(A.0, A.1, &p("dir/missing.txt"), "0", "").await;
    assert_eq!(status, 404);
    let (status, _) = s
        .propfind_as(A.0, A.1, &p("dir/"), "1", "<D:propfind xmlns:D=\"DAV:\"><D:prop>")
        .await;
    assert_eq!(status, 400, "malformed XML");
    s.shutdown().await;
}

#[tokio::test]
async fn proppatch_stores_dead_properties() {
    let s = server().await;
    assert_eq!(put(&s, "doc.txt", "d").await, 201);
    let resp = req(&s, "PROPPATCH", "doc.txt")
        .header("Content-Type", "application/xml")
        .body(set_author("Alice &amp; Bob"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 207);
    let body = resp.text().await.unwrap();
    let rs = multistatus(&body);
    assert_eq!(rs[0].prop_status(EX, "author"), Some(200), "{body}");
    assert_eq!(rs[0].prop_status(EX, "project"), Some(200), "{body}");
    assert_eq!(dead_prop(&s, "doc.txt", "author").await.as_deref(), Some("Alice & Bob"));
    assert_eq!(dead_prop(&s, "doc.txt", "project").await.as_deref(), Some("Apollo"));

    // allprop returns dead properties too.
    let (_, body) = s.propfind_as(A.0, A.1, &p("doc.txt"), "0", "").await;
    let rs = multistatus(&body);
    assert_eq!(rs[0].ok_text(EX, "author").as_deref(), Some("Alice & Bob"), "{body}");

    // Remove one.
    let resp = req(&s, "PROPPATCH", "doc.txt")
        .body("<?xml version=\"1.0\" encoding=\"utf-8\" ?><D:propertyupdate xmlns:D=\"DAV:\" xmlns:E=\"http://example.com/ns\"><D:remove><D:prop><E:project/></D:prop></D:remove></D:propertyupdate>")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 207);
    assert_eq!(dead_prop(&s, "doc.txt", "project").await, None);
    assert_eq!(dead_prop(&s, "doc.txt", "author").await.as_deref(), Some("Alice & Bob"));

    // PROPPATCH of a missing resource.
    let resp = req(&s, "PROPPATCH", "missing.txt")
        .body(set_author("x"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);
    s.shutdown().await;
}

#[tokio::test]
async fn proppatch_is_atomic() {
    let s = server().await;
    assert_eq!(put(&s, "atomic.txt", "a").await, 201);
    let etag = etag_of(&s, "atomic.txt").await;
    let body = "<?xml version=\"1.0\" encoding=\"utf-8\" ?><D:propertyupdate xmlns:D=\"DAV:\" xmlns:E=\"http://example.com/ns\"><D:set><D:prop><E:author>Mallory</E:author><D:getetag>\"forged\"</D:getetag><E:project>Zeus</E:project></D:prop></D:set></D:propertyupdate>";
    let resp = req(&s, "PROPPATCH", "atomic.txt").body(body).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 207);
    let text = resp.text().await.unwrap();
    let rs = multistatus(&text);
    assert_eq!(
        rs[0].prop_status(DAV, "getetag"),
        Some(403),
        "protected property:\n{text}"
    );
    assert_eq!(rs[0].prop_status(EX, "author"), Some(424), "failed dependency:\n{text}");
    assert_eq!(
        rs[0].prop_status(EX, "project"),
        Some(424),
        "failed dependency:\n{text}"
    );
    assert_eq!(dead_prop(&s, "atomic.txt", "author").await, None, "nothing applied");
    assert_eq!(dead_prop(&s, "atomic.txt", "project").await, None, "nothing applied");
    assert_eq!(etag_of(&s, "atomic.txt").await, etag);
    s.shutdown().await;
}

#[tokio::test]
async fn dead_properties_survive_copy_and_move() {
    let s = server().await;
    assert_eq!(put(&s, "p.txt", "props").await, 201);
    assert_eq!(mkcol(&s, "folder").await, 201);
    for target in ["p.txt", "folder"] {
        let resp = req(&s, "PROPPATCH", target)
            .body(set_author("Ada"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 207);
    }
    let resp = req(&s, "COPY", "p.txt")
        .header("Destination", s.url(&p("p-copy.txt")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    assert_eq!(dead_prop(&s, "p-copy.txt", "author").await.as_deref(), Some("Ada"));
    let resp = req(&s, "MOVE", "p-copy.txt")
        .header("Destination", s.url(&p("p-moved.txt")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    assert_eq!(dead_prop(&s, "p-moved.txt", "author").await.as_deref(), Some("Ada"));
    assert_eq!(dead_prop(&s, "p-moved.txt", "project").await.as_deref(), Some("Apollo"));

    let resp = req(&s, "COPY", "folder/")
        .header("Destination", s.url(&p("folder2/")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    assert_eq!(dead_prop(&s, "folder2/", "author").await.as_deref(), Some("Ada"));
    let resp = req(&s, "MOVE", "folder2/")
        .header("Destination", s.url(&p("folder3/")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    assert_eq!(dead_prop(&s, "folder3/", "author").await.as_deref(), Some("Ada"));
    s.shutdown().await;
}

#[tokio::test]
async fn exclusive_lock_blocks_others_until_unlocked() {
    let s = server().await;
    assert_eq!(put(&s, "locked.txt", "v1").await, 201);
    let (status, token, body) = lock_as(&s, A.0, A.1, &p("locked.txt"), "exclusive", "0").await;
    assert_eq!(status, 200, "{body}");
    let token = token.expect("Lock-Token header");
    assert!(body.contains(&token), "the body names the token:\n{body}");

    // A second exclusive lock, a shared lock, writes without the token: all 423.
    let (status, _, _) = lock_as(&s, A.0, A.1, &p("locked.txt"), "exclusive", "0").await;
    assert_eq!(status, 423);
    let (status, _, _) = lock_as(&s, A.0, A.1, &p("locked.txt"), "shared", "0").await;
    assert_eq!(status, 423);
    assert_eq!(put(&s, "locked.txt", "no token").await, 423);
    let resp = req(&s, "DELETE", "locked.txt").send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 423);
    let resp = req(&s, "MOVE", "locked.txt")
        .header("Destination", s.url(&p("elsewhere.txt")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 423, "MOVE removes the source: needs the token");
    let resp = req(&s, "PROPPATCH", "locked.txt")
        .body(set_author("x"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 423, "dead-property write without the token");
    assert_eq!(
        get(&s, "locked.txt").await,
        (200, "v1".to_owned()),
        "reads are not blocked"
    );
    // COPY from a locked file is a read of it.
    let resp = req(&s, "COPY", "locked.txt")
        .header("Destination", s.url(&p("copy-of-locked.txt")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);

    // lockdiscovery and supportedlock.
    let (status, body) = s
        .propfind_as(
            A.0,
            A.1,
            &p("locked.txt"),
            "0",
            &prop_body("<D:lockdiscovery/><D:supportedlock/>"),
        )
        .await;
    assert_eq!(status, 207);
    let rs = multistatus(&body);
    let discovery = rs[0].ok_prop(DAV, "lockdiscovery").expect("lockdiscovery");
    let active = discovery.descendants(DAV, "activelock");
    assert_eq!(active.len(), 1, "{body}");
    assert!(active[0].descendants(DAV, "exclusive").len() == 1, "{body}");
    assert_eq!(active[0].descendants(DAV, "locktoken")[0].text().trim(), token);
    let supported = rs[0].ok_prop(DAV, "supportedlock").expect("supportedlock");
    assert_eq!(supported.descendants(DAV, "exclusive").len(), 1, "{body}");
    assert_eq!(supported.descendants(DAV, "shared").len(), 1, "{body}");

    // With the token it works.
    let resp = req(&s, "PUT", "locked.txt")
        .header("If", format!("(<{token}>)"))
        .body("v2")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204);

    // UNLOCK with a token that is not this lock's fails and keeps the lock.
    let resp = req(&s, "UNLOCK", "locked.txt")
        .header("Lock-Token", "<urn:uuid:00000000-0000-0000-0000-000000000000>")
        .send()
        .await
        .unwrap();
    assert!(
        resp.status().is_client_error(),
        "UNLOCK with a foreign token: {}",
        resp.status()
    );
    assert_eq!(put(&s, "locked.txt", "still locked").await, 423);

    // UNLOCK accepts the token without angle brackets.
    let resp = req(&s, "UNLOCK", "locked.txt")
        .header("Lock-Token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    assert_eq!(put(&s, "locked.txt", "v3").await, 204);
    assert_eq!(get(&s, "locked.txt").await, (200, "v3".to_owned()));
    s.shutdown().await;
}

#[tokio::test]
async fn shared_locks_coexist() {
    let s = server().await;
    assert_eq!(put(&s, "shared.txt", "s").await, 201);
    let (st1, t1, _) = lock_as(&s, A.0, A.1, &p("shared.txt"), "shared", "0").await;
    let (st2, t2, _) = lock_as(&s, A.0, A.1, &p("shared.txt"), "shared", "0").await;
    assert_eq!((st1, st2), (200, 200), "two shared locks");
    let (t1, t2) = (t1.unwrap(), t2.unwrap());
    assert_ne!(t1, t2);
    let (st3, _, _) = lock_as(&s, A.0, A.1, &p("shared.txt"), "exclusive", "0").await;
    assert_eq!(st3, 423, "exclusive over shared");
    let (_, body) = s
        .propfind_as(A.0, A.1, &p("shared.txt"), "0", &prop_body("<D:lockdiscovery/>"))
        .await;
    let rs = multistatus(&body);
    assert_eq!(
        rs[0]
            .ok_prop(DAV, "lockdiscovery")
            .unwrap()
            .descendants(DAV, "activelock")
            .len(),
        2,
        "{body}"
    );
    // Either token allows writing.
    let resp = req(&s, "PUT", "shared.txt")
        .header("If", format!("(<{t2}>)"))
        .body("by holder 2")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    assert_eq!(put(&s, "shared.txt", "no token").await, 423);
    for t in [&t1, &t2] {
        let resp = req(&s, "UNLOCK", "shared.txt")
            .header("Lock-Token", format!("<{t}>"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 204);
    }
    assert_eq!(put(&s, "shared.txt", "free").await, 204);
    s.shutdown().await;
}

#[tokio::test]
async fn depth_infinity_lock_covers_members() {
    let s = server().await;
    assert_eq!(mkcol(&s, "proj").await, 201);
    assert_eq!(put(&s, "proj/spec.txt", "spec").await, 201);
    let (status, token, body) = lock_as(&s, A.0, A.1, &p("proj/"), "exclusive", "infinity").await;
    assert_eq!(status, 200, "{body}");
    let token = token.unwrap();

    assert_eq!(
        put(&s, "proj/spec.txt", "no token").await,
        423,
        "member of a locked folder"
    );
    assert_eq!(
        put(&s, "proj/new.txt", "no token").await,
        423,
        "new member of a locked folder"
    );
    assert_eq!(mkcol(&s, "proj/sub").await, 423);
    let resp = req(&s, "DELETE", "proj/spec.txt").send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 423);
    // A lock on a member conflicts with the exclusive depth-infinity lock.
    let (status, _, _) = lock_as(&s, A.0, A.1, &p("proj/spec.txt"), "exclusive", "0").await;
    assert_eq!(status, 423);
    assert_eq!(get(&s, "proj/spec.txt").await, (200, "spec".to_owned()));
    assert_eq!(get(&s, "proj/new.txt").await.0, 404);

    // With the token (untagged list, applies to the request URI).
    let resp = req(&s, "PUT", "proj/new.txt")
        .header("If", format!("(<{token}>)"))
        .body("with token")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    // Tagged list naming the locked folder.
    let resp = req(&s, "PUT", "proj/spec.txt")
        .header("If", format!("<{}> (<{token}>)", s.url(&p("proj/"))))
        .body("tagged")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204);

    let resp = req(&s, "UNLOCK", "proj/")
        .header("Lock-Token", format!("<{token}>"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    assert_eq!(put(&s, "proj/spec.txt", "free").await, 204);
    s.shutdown().await;
}

#[tokio::test]
async fn lock_refresh_and_timeouts() {
    let s = server().await;
    assert_eq!(put(&s, "r.txt", "r").await, 201);
    let resp = req(&s, "LOCK", "r.txt")
        .header("Timeout", "Second-600")
        .header("Content-Type", "text/xml; charset=\"utf-8\"")
        .body(common::lockinfo("exclusive", "alice"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let token = strip_angle(resp.headers().get("lock-token").unwrap().to_str().unwrap());
    let body = resp.text().await.unwrap();
    let prop = common::xml::parse(&body).unwrap();
    assert_eq!(
        prop.descendants(DAV, "timeout")[0].text().trim(),
        "Second-600",
        "{body}"
    );

    // Refresh: empty body, If names the token.
    let resp = req(&s, "LOCK", "r.txt")
        .header("Timeout", "Second-1200")
        .header("If", format!("(<{token}>)"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200, "refresh");
    let body = resp.text().await.unwrap();
    let prop = common::xml::parse(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
    assert_eq!(
        prop.descendants(DAV, "timeout")[0].text().trim(),
        "Second-1200",
        "{body}"
    );
    assert_eq!(prop.descendants(DAV, "locktoken")[0].text().trim(), token, "same lock");
    // Refresh with an unknown token fails.
    let resp = req(&s, "LOCK", "r.txt")
        .header("If", "(<urn:uuid:11111111-2222-3333-4444-555555555555>)")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 412);

    // Infinite is capped at documents.max_lock_seconds (one week by default).
    assert_eq!(put(&s, "inf.txt", "i").await, 201);
    let resp = req(&s, "LOCK", "inf.txt")
        .header("Timeout", "Infinite, Second-4100000000")
        .body(common::lockinfo("exclusive", "alice"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let body = resp.text().await.unwrap();
    let prop = common::xml::parse(&body).unwrap();
    assert_eq!(
        prop.descendants(DAV, "timeout")[0].text().trim(),
        "Second-3600",
        "{body}"
    );
    s.shutdown().await;
}

#[tokio::test]
async fn expired_lock_no_longer_blocks() {
    let s = server().await;
    assert_eq!(put(&s, "short.txt", "s").await, 201);
    let resp = req(&s, "LOCK", "short.txt")
        .header("Timeout", "Second-1")
        .body(common::lockinfo("exclusive", "alice"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let body = resp.text().await.unwrap();
    let prop = common::xml::parse(&body).unwrap();
    let granted = prop.descendants(DAV, "timeout")[0].text().trim().to_owned();
    let seconds: u64 = granted
        .strip_prefix("Second-")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a finite timeout: {granted}"));
    assert!(seconds <= 5, "a one-second lock is granted about as asked: {granted}");
    tokio::time::sleep(std::time::Duration::from_secs(seconds + 1)).await;
    assert_eq!(put(&s, "short.txt", "after expiry").await, 204);
    s.shutdown().await;
}

#[tokio::test]
async fn lock_on_unmapped_url_creates_an_empty_file() {
    let s = server().await;
    let (status, token, body) = lock_as(&s, A.0, A.1, &p("reserved.docx"), "exclusive", "0").await;
    assert_eq!(status, 201, "LOCK on an unmapped URL: {body}");
    let token = token.expect("Lock-Token header");
    let (status, content) = get(&s, "reserved.docx").await;
    assert_eq!((status, content.as_str()), (200, ""), "an empty file exists");
    let (status, body) = s.propfind_as(A.0, A.1, &p("reserved.docx"), "0", "").await;
    assert_eq!(status, 207);
    let rs = multistatus(&body);
    assert!(!rs[0].is_collection());
    assert_eq!(rs[0].ok_text(DAV, "getcontentlength").as_deref(), Some("0"));
    // The lock holds.
    assert_eq!(put(&s, "reserved.docx", "x").await, 423);
    let resp = req(&s, "PUT", "reserved.docx")
        .header("If", format!("(<{token}>)"))
        .body("content")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    // Locking an unmapped URL whose folder is missing is a conflict.
    let (status, _, _) = lock_as(&s, A.0, A.1, &p("nofolder/x.docx"), "exclusive", "0").await;
    assert_eq!(status, 409);
    s.shutdown().await;
}

#[tokio::test]
async fn if_header_conditions() {
    let s = server().await;
    assert_eq!(put(&s, "cond.txt", "c1").await, 201);
    let etag = etag_of(&s, "cond.txt").await;

    // A state token nobody holds on an unlocked resource: the condition is false.
    let resp = req(&s, "PUT", "cond.txt")
        .header("If", "(<urn:uuid:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee>)")
        .body("no")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 412);
    // Not of it: true.
    let resp = req(&s, "PUT", "cond.txt")
        .header("If", "(Not <urn:uuid:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee>)")
        .body("c2")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    assert_eq!(get(&s, "cond.txt").await.1, "c2");
    // ETag conditions: the old one fails, the current one passes.
    let resp = req(&s, "PUT", "cond.txt")
        .header("If", format!("([{etag}])"))
        .body("stale")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 412);
    let current = etag_of(&s, "cond.txt").await;
    let resp = req(&s, "PUT", "cond.txt")
        .header("If", format!("([{current}])"))
        .body("c3")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    // Two lists are alternatives: one true list suffices.
    let resp = req(&s, "PUT", "cond.txt")
        .header(
            "If",
            "(<urn:uuid:aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee>) (Not <DAV:no-lock>)",
        )
        .body("c4")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    assert_eq!(get(&s, "cond.txt").await.1, "c4");
    // Unparseable If header.
    let resp = req(&s, "PUT", "cond.txt")
        .header("If", "(<unterminated")
        .body("bad")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    assert_eq!(get(&s, "cond.txt").await.1, "c4");
    s.shutdown().await;
}
