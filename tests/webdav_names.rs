//! File names: Unicode (also the NFD form macOS sends), spaces and percent signs round-trip
//! through hrefs; `..`, encoded slashes, NUL and overlong segments are refused with 400 and
//! create nothing (sent over a raw socket, since HTTP client libraries normalise `..`); and a
//! folder of 3,000 files lists within Windows' 1,000,000-byte limit.

mod common;

use portico::store::repos::*;
use std::sync::Arc;

use common::{DAV, MINIREDIR_UA, TestServer, enc, multistatus, response_for};

const A: (&str, &str) = ("alice", "alice-pw");
const B: (&str, &str) = ("bob", "bob-pw");
const HOME: &str = "/docs/users/alice";

async fn server() -> TestServer {
    let s = TestServer::start().await;
    s.add_user(A.0, A.1).await;
    s.add_user(B.0, B.1).await;
    s
}

/// Members of a folder as (decoded path, href as sent).
async fn members(s: &TestServer, folder: &str) -> Vec<(String, String)> {
    let (st, body) = s.propfind_as(A.0, A.1, folder, "1", "").await;
    assert_eq!(st, 207, "{body}");
    let own = common::href_path(folder);
    let mut out: Vec<(String, String)> = multistatus(&body)
        .into_iter()
        .filter(|r| r.path.trim_end_matches('/') != own.trim_end_matches('/'))
        .map(|r| (r.path, r.href))
        .collect();
    out.sort();
    out
}

fn assert_valid_href(href: &str) {
    assert!(
        !href.contains(' ') && href.is_ascii(),
        "hrefs are percent-encoded ASCII: {href:?}"
    );
    let path_part = href.find("://").map(|k| &href[k + 3..]).unwrap_or(href);
    assert!(
        !path_part.contains('#') && !path_part.contains('?'),
        "'#' and '?' in names must be encoded: {href:?}"
    );
    let bytes = href.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'%' {
            assert!(
                bytes.len() > i + 2 && bytes[i + 1].is_ascii_hexdigit() && bytes[i + 2].is_ascii_hexdigit(),
                "stray '%' in href {href:?}"
            );
        }
    }
}

#[tokio::test]
async fn unusual_names_round_trip() {
    let s = server().await;
    let names = [
        "Отчёт за 2024 – финал.docx",
        "報告書.xlsx",
        "naïve café.txt",
        "100% sure.txt",
        "literally %25 here.txt",
        "a+b=c & d;e,f.txt",
        "hash #1 (draft) [v2].txt",
        "emoji 📄.txt",
        "it's.txt",
    ];
    for (i, name) in names.iter().enumerate() {
        let st = s
            .put_as(A.0, A.1, &format!("{HOME}/{}", enc(name)), format!("content {i}"))
            .await;
        assert_eq!(st, 201, "PUT {name}");
    }
    let dir = "Ordner mit Leerzeichen & Ümlaut";
    assert_eq!(s.mkcol_as(A.0, A.1, &format!("{HOME}/{}", enc(dir))).await, 201);

    let listed = members(&s, &format!("{HOME}/")).await;
    assert_eq!(listed.len(), names.len() + 1, "{listed:?}");
    for (i, name) in names.iter().enumerate() {
        let (_, href) = listed
            .iter()
            .find(|(path, _)| *path == format!("{HOME}/{name}"))
            .unwrap_or_else(|| panic!("{name} listed with its exact name: {listed:?}"));
        assert_valid_href(href);
        // A client requests exactly the href it was given.
        let path = common::href_path(href);
        assert_eq!(path, format!("{HOME}/{name}"));
        let target = if href.starts_with('/') {
            href.clone()
        } else {
            href[href.find("://").map(|k| k + 3).unwrap()..]
                .split_once('/')
                .map(|(_, p)| format!("/{p}"))
                .unwrap()
        };
        let (st, body) = s.get_as(A.0, A.1, &target).await;
        assert_eq!(
            (st, String::from_utf8(body).unwrap()),
            (200, format!("content {i}")),
            "GET {href}"
        );
    }
    let (_, dir_href) = listed
        .iter()
        .find(|(path, _)| path.trim_end_matches('/') == format!("{HOME}/{dir}"))
        .unwrap_or_else(|| panic!("{dir} listed: {listed:?}"));
    assert_valid_href(dir_href);

    // Names with '%' are stored decoded exactly once.
    assert!(
        s.app
            .store
            .doc_node("users/alice/100% sure.txt")
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        s.app
            .store
            .doc_node("users/alice/literally %25 here.txt")
            .await
            .unwrap()
            .is_some()
    );
    // '+' is a plus, not a space.
    assert!(
        s.app
            .store
            .doc_node("users/alice/a+b=c & d;e,f.txt")
            .await
            .unwrap()
            .is_some()
    );

    // Inside the folder, and after a MOVE to a Unicode destination.
    let inner = format!("{HOME}/{}/{}", enc(dir), enc("Zoë's notes.txt"));
    assert_eq!(s.put_as(A.0, A.1, &inner, "zoë").await, 201);
    let resp = s
        .req_as(A.0, A.1, "MOVE", &inner)
        .header("Destination", s.url(&format!("{HOME}/{}", enc("Заметки Зои.txt"))))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    assert_eq!(
        s.get_as(A.0, A.1, &format!("{HOME}/{}", enc("Заметки Зои.txt"))).await,
        (200, "zoë".as_bytes().to_vec())
    );
    s.shutdown().await;
}

#[tokio::test]
async fn nfd_and_nfc_name_the_same_file() {
    let s = server().await;
    let nfc = "Caf\u{e9} R\u{e9}sum\u{e9}.txt";
    let nfd = "Cafe\u{301} Re\u{301}sume\u{301}.txt";
    assert_ne!(nfc.as_bytes(), nfd.as_bytes());

    // macOS Finder sends NFD.
    assert_eq!(
        s.put_as(A.0, A.1, &format!("{HOME}/{}", enc(nfd)), "from a Mac").await,
        201
    );
    assert_eq!(
        s.get_as(A.0, A.1, &format!("{HOME}/{}", enc(nfc))).await,
        (200, b"from a Mac".to_vec()),
        "GET with the NFC name"
    );
    assert!(
        s.app
            .store
            .doc_node(&format!("users/alice/{nfc}"))
            .await
            .unwrap()
            .is_some(),
        "stored as NFC"
    );
    // Writing with the NFC name replaces the same file.
    assert_eq!(
        s.put_as(A.0, A.1, &format!("{HOME}/{}", enc(nfc)), "from Windows")
            .await,
        204
    );
    let listed = members(&s, &format!("{HOME}/")).await;
    assert_eq!(listed.len(), 1, "one file, not two: {listed:?}");
    assert_eq!(listed[0].0, format!("{HOME}/{nfc}"), "listed in NFC");

    // The other way round: NFC first, NFD reads it; a folder too.
    let folder_nfc = "\u{c5}rsrapport";
    let folder_nfd = "A\u{30a}rsrapport";
    assert_eq!(s.mkcol_as(A.0, A.1, &format!("{HOME}/{}", enc(folder_nfc))).await, 201);
    assert_eq!(
        s.mkcol_as(A.0, A.1, &format!("{HOME}/{}", enc(folder_nfd))).await,
        405,
        "the NFD name is the existing folder"
    );
    assert_eq!(
        s.put_as(A.0, A.1, &format!("{HOME}/{}/x.txt", enc(folder_nfd)), "x")
            .await,
        201
    );
    assert_eq!(
        s.get_as(A.0, A.1, &format!("{HOME}/{}/x.txt", enc(folder_nfc))).await,
        (200, b"x".to_vec())
    );
    // COPY with an NFD destination lands on the NFC name.
    let resp = s
        .req_as(A.0, A.1, "COPY", &format!("{HOME}/{}", enc(nfc)))
        .header(
            "Destination",
            s.url(&format!("{HOME}/{}/{}", enc(folder_nfd), enc(nfd))),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    assert!(
        s.app
            .store
            .doc_node(&format!("users/alice/{folder_nfc}/{nfc}"))
            .await
            .unwrap()
            .is_some()
    );
    s.shutdown().await;
}

/// Everything below alice's and bob's drives, as stored.
async fn stored_paths(s: &TestServer) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for root in ["users/alice", "users/bob"] {
        for n in s.app.store.doc_subtree(root).await.unwrap() {
            if n.path != root {
                out.push(n.path);
            }
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn dangerous_paths_are_400_and_touch_nothing() {
    let s = server().await;
    assert_eq!(s.mkcol_as(A.0, A.1, &format!("{HOME}/sub")).await, 201);
    assert_eq!(s.put_as(B.0, B.1, "/docs/users/bob/keep.txt", "bob's").await, 201);
    // Make sure both drive roots exist in the store before taking the snapshot.
    let before = stored_paths(&s).await;
    assert_eq!(
        before,
        vec!["users/alice/sub".to_owned(), "users/bob/keep.txt".to_owned()]
    );

    let long = "a".repeat(256);
    let targets = [
        format!("{HOME}/../bob/evil.txt"),
        format!("{HOME}/sub/../../bob/evil.txt"),
        format!("{HOME}/%2e%2e/bob/evil.txt"),
        format!("{HOME}/%2E%2E/bob/evil.txt"),
        format!("{HOME}/.%2e/bob/evil.txt"),
        format!("{HOME}/..%2Fbob%2Fevil.txt"),
        format!("{HOME}/sub%2Fevil.txt"),
        format!("{HOME}/sub%2fevil.txt"),
        format!("{HOME}/evil%00.txt"),
        format!("{HOME}/evil%00"),
        format!("{HOME}/{long}"),
        format!("{HOME}/sub/{long}.txt"),
    ];
    for target in &targets {
        for (method, body) in [("PUT", &b"evil"[..]), ("MKCOL", &b""[..])] {
            let resp = s.raw_as(A.0, A.1, method, target, &[], body).await;
            assert_eq!(resp.status, 400, "{method} {target}: {}", resp.text());
        }
        let resp = s.raw_as(A.0, A.1, "PROPFIND", target, &[("Depth", "0")], b"").await;
        assert_eq!(resp.status, 400, "PROPFIND {target}");
        let resp = s.raw_as(B.0, B.1, "DELETE", target, &[], b"").await;
        assert_eq!(resp.status, 400, "DELETE {target}");
    }
    // Through `..`, bob's own file would be in reach of bob's DELETE and of alice's PUT.
    for target in [
        format!("{HOME}/../bob/keep.txt"),
        format!("{HOME}/%2e%2e/bob/keep.txt"),
        format!("{HOME}/sub/../../bob/keep.txt"),
        "/docs/users/bob/sub/../keep.txt".to_owned(),
    ] {
        let resp = s.raw_as(B.0, B.1, "DELETE", &target, &[], b"").await;
        assert_eq!(resp.status, 400, "DELETE {target}");
        let resp = s.raw_as(B.0, B.1, "PUT", &target, &[], b"overwritten").await;
        assert_eq!(resp.status, 400, "PUT {target}");
    }
    assert_eq!(stored_paths(&s).await, before, "nothing was created or deleted");

    // Also as a COPY/MOVE destination, absolute or path.
    assert_eq!(s.put_as(A.0, A.1, &format!("{HOME}/src.txt"), "src").await, 201);
    let before = stored_paths(&s).await;
    for target in &targets {
        for dest in [target.clone(), s.url(target)] {
            for method in ["COPY", "MOVE"] {
                let resp = s
                    .raw_as(
                        A.0,
                        A.1,
                        method,
                        &format!("{HOME}/src.txt"),
                        &[("Destination", &dest), ("Overwrite", "T")],
                        b"",
                    )
                    .await;
                assert_eq!(resp.status, 400, "{method} to {dest}: {}", resp.text());
            }
        }
    }
    assert_eq!(stored_paths(&s).await, before, "nothing was created, moved or deleted");
    assert_eq!(
        s.get_as(B.0, B.1, "/docs/users/bob/keep.txt").await,
        (200, b"bob's".to_vec())
    );

    // 255 bytes is still a valid name (in bytes, not characters).
    let max = "b".repeat(255);
    assert_eq!(s.put_as(A.0, A.1, &format!("{HOME}/{max}"), "max").await, 201);
    let two_byte = "é".repeat(127); // 254 bytes
    assert_eq!(
        s.put_as(A.0, A.1, &format!("{HOME}/{}", enc(&two_byte)), "ok").await,
        201
    );
    let too_long = "é".repeat(128); // 256 bytes
    let resp = s
        .raw_as(A.0, A.1, "PUT", &format!("{HOME}/{}", enc(&too_long)), &[], b"x")
        .await;
    assert_eq!(resp.status, 400, "256 bytes of UTF-8");
    assert!(
        s.app
            .store
            .doc_node(&format!("users/alice/{too_long}"))
            .await
            .unwrap()
            .is_none()
    );
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_folder_of_3000_files_lists_under_the_windows_limit() {
    const FILES: usize = 3000;
    let s = Arc::new(server().await);
    let folder = format!("{HOME}/Scans");
    assert_eq!(s.mkcol_as(A.0, A.1, &folder).await, 201);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut workers = Vec::new();
    for _ in 0..8 {
        let (s, next, folder) = (s.clone(), next.clone(), folder.clone());
        workers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= FILES {
                    return;
                }
                let path = format!("{folder}/{}", enc(&format!("Scan {i:04}.pdf")));
                let st = s.put_as(A.0, A.1, &path, format!("%PDF scan {i}")).await;
                assert_eq!(st, 201, "PUT {path}");
            }
        }));
    }
    for w in workers {
        w.await.unwrap();
    }

    // Exactly what Explorer sends to open the folder.
    let resp = s
        .req_as(A.0, A.1, "PROPFIND", &folder)
        .header("Connection", "Keep-Alive")
        .header("User-Agent", MINIREDIR_UA)
        .header("Depth", "1")
        .header("translate", "f")
        .header("Content-Length", "0")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 207);
    let body = resp.bytes().await.unwrap();
    let size = body.len();
    let text = String::from_utf8(body.to_vec()).expect("UTF-8 body");
    let rs = multistatus(&text);
    assert_eq!(rs.len(), FILES + 1, "the folder and every file");
    for i in [0, 1, 1234, FILES - 1] {
        let r = response_for(&rs, &format!("{folder}/Scan {i:04}.pdf")).unwrap_or_else(|| panic!("Scan {i:04}.pdf"));
        assert!(!r.is_collection());
        assert!(r.ok_prop(DAV, "resourcetype").is_some(), "resourcetype for Explorer");
        let len = format!("%PDF scan {i}").len().to_string();
        assert_eq!(
            r.ok_text(DAV, "getcontentlength"),
            Some(len),
            "getcontentlength for Explorer"
        );
        assert!(
            r.ok_text(DAV, "getlastmodified").is_some(),
            "getlastmodified for Explorer"
        );
    }
    eprintln!(
        "PROPFIND Depth 1 of {FILES} files: {size} bytes, {} per entry",
        size / (FILES + 1)
    );
    assert!(
        size < 1_000_000,
        "Windows refuses property XML over 1,000,000 bytes; got {size} bytes ({} per entry)",
        size / (FILES + 1)
    );
    let s = Arc::try_unwrap(s).ok().expect("workers done");
    s.shutdown().await;
}
