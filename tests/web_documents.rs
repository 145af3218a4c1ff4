//! The document library pages over HTTP, in-process: browsing the libraries, uploading
//! several files in one plain form, versions and restoring one, folders, renaming, moving
//! and deleting, who holds a lock (and lifting it for those who manage), and the guards:
//! CSRF, another user's drive, locks and quota; the upload script's hashed path, caching and
//! policy.

mod common;

use common::{ADMIN_PASSWORD, TestServer, csrf, lock_as, page, post_form};
use reqwest::StatusCode;

const ALICE: (&str, &str) = ("alice", "alice-pw");
const BOB: (&str, &str) = ("bob", "bob-pw");

async fn server() -> TestServer {
    let s = TestServer::start_with(|c| c.documents.quota_bytes = 100_000).await;
    s.add_user(ALICE.0, ALICE.1).await;
    s.add_user(BOB.0, BOB.1).await;
    s
}

/// Posts a multipart upload: the token (if any) first, then the files.
async fn upload(
    s: &TestServer,
    cookie: &str,
    folder: &str,
    token: Option<&str>,
    files: &[(&str, &[u8])],
) -> (StatusCode, String) {
    const B: &str = "----porticotestboundary";
    let mut body = Vec::new();
    if let Some(t) = token {
        body.extend_from_slice(
            format!("--{B}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{t}\r\n").as_bytes(),
        );
    }
    for (name, content) in files {
        body.extend_from_slice(
            format!("--{B}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{B}--\r\n").as_bytes());
    let resp = s
        .request("POST", folder)
        .header("Cookie", cookie)
        .header("Content-Type", format!("multipart/form-data; boundary={B}"))
        .body(body)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.text().await.unwrap())
}

async fn content(s: &TestServer, who: (&str, &str), path: &str) -> (u16, Vec<u8>) {
    s.get_as(who.0, who.1, path).await
}

#[tokio::test]
async fn libraries_are_browsed_and_files_uploaded_and_restored() {
    let s = server().await;
    let cookie = s.sign_in(ALICE.0, ALICE.1).await;
    let (st, root) = page(&s, &cookie, "/documents").await;
    assert_eq!(st, StatusCode::OK);
    assert!(root.contains("My drive") && root.contains("Company library"), "{root}");
    assert!(root.contains("href=\"/documents/users/alice/\""), "{root}");
    let folder = "/documents/users/alice/";
    let (st, drive) = page(&s, &cookie, folder).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        drive.contains("This folder is empty.") && drive.contains("/docs/users/alice/"),
        "{drive}"
    );
    let token = csrf(&drive);

    let (st, body) = upload(
        &s,
        &cookie,
        folder,
        Some(&token),
        &[("plan.txt", b"first"), ("notes é.txt", b"n")],
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    assert_eq!(
        content(&s, ALICE, "/docs/users/alice/plan.txt").await,
        (200, b"first".to_vec())
    );
    assert_eq!(
        content(&s, ALICE, "/docs/users/alice/notes%20%C3%A9.txt").await,
        (200, b"n".to_vec())
    );
    let (_, drive) = page(&s, &cookie, folder).await;
    assert!(
        drive.contains("plan.txt") && drive.contains("notes é.txt") && drive.contains("5 bytes"),
        "{drive}"
    );

    // A second upload of the same name is a new version; the first comes back on restore.
    let (st, _) = upload(&s, &cookie, folder, Some(&token), &[("plan.txt", b"second")]).await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (st, file) = page(&s, &cookie, "/documents/users/alice/plan.txt").await;
    assert_eq!(st, StatusCode::OK);
    assert!(file.contains("Versions") && file.contains("(current)"), "{file}");
    assert!(file.contains("/docs/users/alice/plan.txt?version=1"), "{file}");
    let (st, location, _) = post_form(
        &s,
        &cookie,
        "/documents/users/alice/plan.txt",
        &[("csrf", &token), ("action", "restore"), ("version", "1")],
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert_eq!(location, "/documents/users/alice/plan.txt");
    assert_eq!(
        content(&s, ALICE, "/docs/users/alice/plan.txt").await,
        (200, b"first".to_vec())
    );
    let (_, file) = page(&s, &cookie, "/documents/users/alice/plan.txt").await;
    assert_eq!(file.matches("?version=").count(), 3, "{file}");
    s.shutdown().await;
}

#[tokio::test]
async fn folders_are_made_renamed_moved_and_deleted() {
    let s = server().await;
    let cookie = s.sign_in(ALICE.0, ALICE.1).await;
    let folder = "/documents/users/alice/";
    let (_, drive) = page(&s, &cookie, folder).await;
    let token = csrf(&drive);
    let (st, _, _) = post_form(
        &s,
        &cookie,
        folder,
        &[("csrf", &token), ("action", "mkdir"), ("name", "Reports")],
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (st, _) = upload(&s, &cookie, folder, Some(&token), &[("q1.txt", b"q1")]).await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (st, _, _) = post_form(
        &s,
        &cookie,
        folder,
        &[
            ("csrf", &token),
            ("action", "rename"),
            ("item", "q1.txt"),
            ("to", "Q1 2026.txt"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert_eq!(content(&s, ALICE, "/docs/users/alice/Q1%202026.txt").await.0, 200);
    assert_eq!(content(&s, ALICE, "/docs/users/alice/q1.txt").await.0, 404);
    let (st, _, _) = post_form(
        &s,
        &cookie,
        folder,
        &[
            ("csrf", &token),
            ("action", "move"),
            ("item", "Q1 2026.txt"),
            ("to", "users/alice/Reports"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert_eq!(
        content(&s, ALICE, "/docs/users/alice/Reports/Q1%202026.txt").await,
        (200, b"q1".to_vec())
    );
    // A name that is taken, or that is a path, is refused with a reason.
    let (st, _, body) = post_form(
        &s,
        &cookie,
        folder,
        &[("csrf", &token), ("action", "mkdir"), ("name", "Reports")],
    )
    .await;
    assert_eq!(st, StatusCode::CONFLICT);
    assert!(body.contains("Something with that name is there already."), "{body}");
    let (st, _, _) = post_form(
        &s,
        &cookie,
        folder,
        &[("csrf", &token), ("action", "mkdir"), ("name", "../bob")],
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    let (st, _, _) = post_form(
        &s,
        &cookie,
        folder,
        &[("csrf", &token), ("action", "delete"), ("item", "Reports")],
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert_eq!(
        content(&s, ALICE, "/docs/users/alice/Reports/Q1%202026.txt").await.0,
        404
    );
    s.shutdown().await;
}

#[tokio::test]
async fn guards_hold_for_tokens_drives_locks_and_quota() {
    let s = server().await;
    let alice = s.sign_in(ALICE.0, ALICE.1).await;
    let bob = s.sign_in(BOB.0, BOB.1).await;
    let folder = "/documents/users/alice/";
    let (_, drive) = page(&s, &alice, folder).await;
    let token = csrf(&drive);
    // No token: refused, nothing stored.
    let (st, body) = upload(&s, &alice, folder, None, &[("x.txt", b"x")]).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    // The refusal says why: the form, not the folder (which is hers to change).
    assert!(
        body.contains("The form was sent from another page or has expired"),
        "{body}"
    );
    assert!(!body.contains("You may not change this folder"), "{body}");
    let (st, body) = upload(&s, &alice, folder, Some("forged"), &[("x.txt", b"x")]).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert!(
        body.contains("The form was sent from another page or has expired"),
        "{body}"
    );
    let (st, _, _) = post_form(&s, &alice, folder, &[("action", "mkdir"), ("name", "NoToken")]).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert_eq!(content(&s, ALICE, "/docs/users/alice/x.txt").await.0, 404);
    // Bob, with his own valid token, cannot write into Alice's drive, nor read it.
    let (_, bobs) = page(&s, &bob, "/documents/users/bob/").await;
    let bob_token = csrf(&bobs);
    let (st, body) = upload(&s, &bob, folder, Some(&bob_token), &[("evil.txt", b"x")]).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert!(!body.contains("The form was sent from another page"), "{body}");
    assert_eq!(page(&s, &bob, folder).await.0, StatusCode::FORBIDDEN);
    assert_eq!(content(&s, ALICE, "/docs/users/alice/evil.txt").await.0, 404);
    // Over quota: 507 with a reason.
    let big = vec![7u8; 150_000];
    let (st, body) = upload(&s, &alice, folder, Some(&token), &[("big.bin", &big)]).await;
    assert_eq!(st, StatusCode::INSUFFICIENT_STORAGE);
    assert!(body.contains("not enough space"), "{body}");

    // A file Bob is editing in their department's library: Alice sees who, and cannot
    // overwrite it.
    let sales = s.add_department("Sales").await;
    s.join_department(ALICE.0, sales).await;
    s.join_department(BOB.0, sales).await;
    assert_eq!(
        s.put_as(BOB.0, BOB.1, "/docs/departments/sales/budget.xlsx", "v1")
            .await,
        201
    );
    let (st, _, _) = lock_as(
        &s,
        BOB.0,
        BOB.1,
        "/docs/departments/sales/budget.xlsx",
        "exclusive",
        "0",
    )
    .await;
    assert_eq!(st, 200);
    let (_, shared) = page(&s, &alice, "/documents/departments/sales/").await;
    assert!(shared.contains("Being edited by"), "{shared}");
    assert!(
        !shared.contains(">Unlock<"),
        "only those who manage the library may unlock: {shared}"
    );
    let (st, body) = upload(
        &s,
        &alice,
        "/documents/departments/sales/",
        Some(&token),
        &[("budget.xlsx", b"mine")],
    )
    .await;
    assert_eq!(st, StatusCode::LOCKED, "{body}");
    assert!(body.contains("is editing this right now"), "{body}");
    assert_eq!(
        content(&s, ALICE, "/docs/departments/sales/budget.xlsx").await,
        (200, b"v1".to_vec())
    );
    // The administrator lifts the lock from the page.
    let admin = s.sign_in("admin", ADMIN_PASSWORD).await;
    let (_, shared) = page(&s, &admin, "/documents/departments/sales/").await;
    assert!(shared.contains(">Unlock<"), "{shared}");
    let admin_token = csrf(&shared);
    let (st, _, _) = post_form(
        &s,
        &admin,
        "/documents/departments/sales/",
        &[("csrf", &admin_token), ("action", "unlock"), ("item", "budget.xlsx")],
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (st, _) = upload(
        &s,
        &alice,
        "/documents/departments/sales/",
        Some(&token),
        &[("budget.xlsx", b"mine")],
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    s.shutdown().await;
}

#[tokio::test]
async fn the_pages_speak_russian() {
    let s = server().await;
    let cookie = s.sign_in(ALICE.0, ALICE.1).await;
    let resp = s
        .request("GET", "/documents/users/alice/")
        .header("Cookie", &cookie)
        .header("Accept-Language", "ru")
        .send()
        .await
        .unwrap();
    let html = resp.text().await.unwrap();
    assert!(
        html.contains("Загрузить файлы") && html.contains("Подключить как сетевой диск"),
        "{html}"
    );
    s.shutdown().await;
}

/// The upload script (`static/upload.js`) is loaded by the folder pages the visitor may upload
/// to, from a content-hashed path cached for a year, and the page's policy lets it run and post
/// back (`script-src 'self'`, `connect-src 'self'`) without allowing anything inline.
#[tokio::test]
async fn the_upload_script_is_hashed_cached_and_allowed_by_the_policy() {
    let s = server().await;
    let cookie = s.sign_in(ALICE.0, ALICE.1).await;
    let resp = s
        .request("GET", "/documents/users/alice/")
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let csp = resp.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("connect-src 'self'"),
        "{csp}"
    );
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    let html = resp.text().await.unwrap();

    // One script, by its hashed path, and nothing inline.
    const SCRIPT: &str = include_str!("../static/upload.js");
    let hash = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(SCRIPT.as_bytes()))
    };
    let path = format!("/static/upload.{}.js", &hash[..16]);
    assert!(
        html.contains(&format!("<script src=\"{path}\" defer></script>")),
        "{html}"
    );
    assert_eq!(html.matches("<script").count(), 1, "{html}");
    assert!(!html.contains(" onclick=") && !html.contains(" onsubmit=") && !html.contains(" style="));
    // The hooks it looks for; the progress bar is hidden until it runs.
    assert!(
        html.contains("id=\"upload-form\"") && html.contains("id=\"page-error\""),
        "{html}"
    );
    let bar = html.find("<progress id=\"upload-progress\"").expect("a progress bar");
    let bar = &html[bar..bar + html[bar..].find('>').expect("the end of the tag")];
    assert!(
        bar.contains("max=\"100\" value=\"0\"") && bar.ends_with(" hidden"),
        "{bar}"
    );

    let js = s.request("GET", &path).send().await.unwrap();
    assert_eq!(js.status(), StatusCode::OK);
    let h = js.headers().clone();
    assert_eq!(h["content-type"], "text/javascript; charset=utf-8");
    assert_eq!(h["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(js.text().await.unwrap(), SCRIPT);
    let head = s.request("HEAD", &path).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(head.headers()["content-length"], SCRIPT.len().to_string().as_str());

    // Another hash is not the script, and the script is only to be read.
    assert_eq!(
        s.request("GET", "/static/upload.0000000000000000.js")
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        s.request("POST", &path).send().await.unwrap().status(),
        StatusCode::METHOD_NOT_ALLOWED
    );

    // Pages without the upload form do without the script.
    let (st, root) = page(&s, &cookie, "/documents").await;
    assert_eq!(st, StatusCode::OK);
    assert!(!root.contains("<script"), "{root}");
    s.shutdown().await;
}
