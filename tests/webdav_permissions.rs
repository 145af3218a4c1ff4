//! Who may do what in the document library: personal drives are private (even from
//! administrators), department folders belong to their members, the company library is
//! read-only for employees unless granted, grants inherit downwards, and virtual listings show
//! only what the caller may read.

mod common;

use common::{ADMIN_PASSWORD, DAV, TestServer, lock_as, multistatus, response_for};
use portico::store::repos::*;
use portico::store::{AccessLevel, Grantee};

const ALICE: (&str, &str) = ("alice", "alice-pw");
const BOB: (&str, &str) = ("bob", "bob-pw");
const ADMIN: (&str, &str) = ("admin", ADMIN_PASSWORD);

fn denied(status: u16) -> bool {
    status == 403 || status == 404
}

async fn server() -> TestServer {
    let s = TestServer::start().await;
    s.add_user(ALICE.0, ALICE.1).await;
    s.add_user(BOB.0, BOB.1).await;
    s
}

async fn status_of(req: reqwest::RequestBuilder) -> u16 {
    req.send().await.unwrap().status().as_u16()
}

/// Decoded paths of the members listed by a Depth 1 PROPFIND (without the folder itself).
async fn listing(s: &TestServer, who: (&str, &str), path: &str) -> Vec<String> {
    let (status, body) = s.propfind_as(who.0, who.1, path, "1", "").await;
    assert_eq!(status, 207, "PROPFIND {path} as {}: {body}", who.0);
    let own = path.trim_end_matches('/');
    let mut out: Vec<String> = multistatus(&body)
        .into_iter()
        .map(|r| r.path.trim_end_matches('/').to_owned())
        .filter(|p| p != own)
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn personal_drive_is_private() {
    let s = server().await;
    let secret = "bob's salary negotiation notes";
    assert_eq!(s.put_as(BOB.0, BOB.1, "/docs/users/bob/secret.txt", secret).await, 201);
    assert_eq!(s.mkcol_as(BOB.0, BOB.1, "/docs/users/bob/Private").await, 201);
    assert_eq!(
        s.put_as(ALICE.0, ALICE.1, "/docs/users/alice/mine.txt", "alice").await,
        201
    );

    let (st, body) = s.propfind_as(ALICE.0, ALICE.1, "/docs/users/bob/", "1", "").await;
    assert!(denied(st), "PROPFIND of bob's drive: {st}");
    assert!(!body.contains("secret.txt"), "{body}");
    let (st, body) = s
        .propfind_as(ALICE.0, ALICE.1, "/docs/users/bob/secret.txt", "0", "")
        .await;
    assert!(denied(st), "PROPFIND of bob's file: {st}");
    assert!(!body.contains("secret.txt"));
    let (st, body) = s.get_as(ALICE.0, ALICE.1, "/docs/users/bob/secret.txt").await;
    assert!(denied(st), "GET: {st}");
    assert!(!String::from_utf8_lossy(&body).contains(secret));
    let st = status_of(s.req_as(ALICE.0, ALICE.1, "HEAD", "/docs/users/bob/secret.txt")).await;
    assert!(denied(st), "HEAD: {st}");
    let (st, _) = s.versions_as(ALICE.0, ALICE.1, "/docs/users/bob/secret.txt").await;
    assert!(denied(st), "versions: {st}");
    let st = status_of(s.req_as(ALICE.0, ALICE.1, "GET", "/docs/users/bob/secret.txt?version=1")).await;
    assert!(denied(st), "version download: {st}");

    let st = s.put_as(ALICE.0, ALICE.1, "/docs/users/bob/planted.txt", "x").await;
    assert!(denied(st), "PUT new: {st}");
    let st = s
        .put_as(ALICE.0, ALICE.1, "/docs/users/bob/secret.txt", "overwritten")
        .await;
    assert!(denied(st), "PUT over: {st}");
    let st = s.mkcol_as(ALICE.0, ALICE.1, "/docs/users/bob/Planted").await;
    assert!(denied(st), "MKCOL: {st}");
    let st = status_of(s.req_as(ALICE.0, ALICE.1, "DELETE", "/docs/users/bob/secret.txt")).await;
    assert!(denied(st), "DELETE: {st}");
    let st = status_of(s.req_as(ALICE.0, ALICE.1, "DELETE", "/docs/users/bob/Private/")).await;
    assert!(denied(st), "DELETE folder: {st}");
    let st = status_of(
        s.req_as(ALICE.0, ALICE.1, "PROPPATCH", "/docs/users/bob/secret.txt").body(
            "<?xml version=\"1.0\"?><D:propertyupdate xmlns:D=\"DAV:\" xmlns:E=\"urn:x\"><D:set><D:prop><E:tag>x</E:tag></D:prop></D:set></D:propertyupdate>",
        ),
    )
    .await;
    assert!(denied(st), "PROPPATCH: {st}");
    let (st, _, _) = lock_as(&s, ALICE.0, ALICE.1, "/docs/users/bob/secret.txt", "exclusive", "0").await;
    assert!(denied(st), "LOCK: {st}");
    let (st, _, _) = lock_as(&s, ALICE.0, ALICE.1, "/docs/users/bob/unmapped.txt", "exclusive", "0").await;
    assert!(denied(st), "LOCK creating a file: {st}");

    // MOVE into bob's drive, out of it, and COPY out of it.
    let st = status_of(
        s.req_as(ALICE.0, ALICE.1, "MOVE", "/docs/users/alice/mine.txt")
            .header("Destination", s.url("/docs/users/bob/mine.txt")),
    )
    .await;
    assert!(denied(st), "MOVE into bob's drive: {st}");
    let st = status_of(
        s.req_as(ALICE.0, ALICE.1, "COPY", "/docs/users/alice/mine.txt")
            .header("Destination", s.url("/docs/users/bob/mine.txt")),
    )
    .await;
    assert!(denied(st), "COPY into bob's drive: {st}");
    let st = status_of(
        s.req_as(ALICE.0, ALICE.1, "MOVE", "/docs/users/bob/secret.txt")
            .header("Destination", s.url("/docs/users/alice/stolen.txt")),
    )
    .await;
    assert!(denied(st), "MOVE out of bob's drive: {st}");
    let st = status_of(
        s.req_as(ALICE.0, ALICE.1, "COPY", "/docs/users/bob/secret.txt")
            .header("Destination", s.url("/docs/users/alice/copied.txt")),
    )
    .await;
    assert!(denied(st), "COPY out of bob's drive: {st}");

    // Nothing changed on either side.
    assert_eq!(
        listing(&s, BOB, "/docs/users/bob/").await,
        vec!["/docs/users/bob/Private", "/docs/users/bob/secret.txt"]
    );
    assert_eq!(
        s.get_as(BOB.0, BOB.1, "/docs/users/bob/secret.txt").await,
        (200, secret.as_bytes().to_vec())
    );
    let (_, versions) = s.versions_as(BOB.0, BOB.1, "/docs/users/bob/secret.txt").await;
    assert_eq!(versions.as_array().unwrap().len(), 1);
    assert_eq!(
        listing(&s, ALICE, "/docs/users/alice/").await,
        vec!["/docs/users/alice/mine.txt"]
    );
    s.shutdown().await;
}

#[tokio::test]
async fn administrators_cannot_read_personal_drives_unless_granted() {
    let s = server().await;
    assert_eq!(
        s.put_as(BOB.0, BOB.1, "/docs/users/bob/diary.txt", "dear diary").await,
        201
    );
    let (st, _) = s.get_as(ADMIN.0, ADMIN.1, "/docs/users/bob/diary.txt").await;
    assert!(denied(st), "admin GET: {st}");
    let (st, _) = s.propfind_as(ADMIN.0, ADMIN.1, "/docs/users/bob/", "1", "").await;
    assert!(denied(st), "admin PROPFIND: {st}");
    let st = status_of(s.req_as(ADMIN.0, ADMIN.1, "DELETE", "/docs/users/bob/diary.txt")).await;
    assert!(denied(st), "admin DELETE: {st}");

    // Bob's drive shared read-only with the administrator.
    let admin_id = s.principal_id("admin").await;
    s.app
        .store
        .doc_grant("users/bob", Grantee::Principal(admin_id), AccessLevel::Read)
        .await
        .unwrap();
    assert_eq!(
        s.get_as(ADMIN.0, ADMIN.1, "/docs/users/bob/diary.txt").await,
        (200, b"dear diary".to_vec())
    );
    assert_eq!(
        listing(&s, ADMIN, "/docs/users/bob/").await,
        vec!["/docs/users/bob/diary.txt"]
    );
    let st = s.put_as(ADMIN.0, ADMIN.1, "/docs/users/bob/diary.txt", "edited").await;
    assert_eq!(st, 403, "read grant does not allow writing");
    assert_eq!(
        s.get_as(BOB.0, BOB.1, "/docs/users/bob/diary.txt").await,
        (200, b"dear diary".to_vec())
    );
    s.shutdown().await;
}

#[tokio::test]
async fn virtual_listings_show_only_what_the_caller_may_read() {
    let s = server().await;
    // Roots exist without anyone creating them.
    assert_eq!(
        listing(&s, ALICE, "/docs/users/").await,
        vec!["/docs/users/alice"],
        "alice sees only her own drive"
    );
    assert_eq!(listing(&s, BOB, "/docs/users/").await, vec!["/docs/users/bob"]);
    assert_eq!(
        listing(&s, ADMIN, "/docs/users/").await,
        vec!["/docs/users/admin"],
        "admins do not see others' drives"
    );
    let top = listing(&s, ALICE, "/docs/").await;
    assert!(top.contains(&"/docs/shared".to_owned()), "{top:?}");
    assert!(top.contains(&"/docs/users".to_owned()), "{top:?}");
    let (st, body) = s.propfind_as(ALICE.0, ALICE.1, "/docs/", "0", "").await;
    assert_eq!(st, 207);
    assert!(multistatus(&body)[0].is_collection());

    // The virtual folders are read-only. Names below them that are no drive or library
    // may also be answered 404; either way nothing is created.
    let refused = |st: u16| st == 403 || st == 404 || st == 405;
    let st = s.put_as(ALICE.0, ALICE.1, "/docs/users/file.txt", "x").await;
    assert!(refused(st), "PUT into /docs/users/: {st}");
    let st = s.mkcol_as(ALICE.0, ALICE.1, "/docs/users/carol/").await;
    assert!(refused(st), "MKCOL of a drive: {st}");
    let st = s.mkcol_as(ALICE.0, ALICE.1, "/docs/newlibrary/").await;
    assert!(refused(st), "MKCOL of a library: {st}");
    let st = s.put_as(ALICE.0, ALICE.1, "/docs/file.txt", "x").await;
    assert!(refused(st), "PUT into /docs/: {st}");
    for path in ["/docs/users/", "/docs/", "/docs/departments/"] {
        let st = status_of(s.req_as(ALICE.0, ALICE.1, "DELETE", path)).await;
        assert!(st == 403 || st == 405, "DELETE {path}: {st}");
        let st = s.mkcol_as(ALICE.0, ALICE.1, path).await;
        assert!(st == 403 || st == 405, "MKCOL {path}: {st}");
    }
    let top_after = listing(&s, ALICE, "/docs/").await;
    assert_eq!(top_after, top, "nothing was added to /docs/");
    assert_eq!(listing(&s, ALICE, "/docs/users/").await, vec!["/docs/users/alice"]);

    // A read grant on bob's drive makes it visible in alice's listing.
    let alice_id = s.principal_id("alice").await;
    s.app
        .store
        .doc_grant("users/bob", Grantee::Principal(alice_id), AccessLevel::Read)
        .await
        .unwrap();
    assert_eq!(
        listing(&s, ALICE, "/docs/users/").await,
        vec!["/docs/users/alice", "/docs/users/bob"]
    );
    s.shutdown().await;
}

#[tokio::test]
async fn department_folders_belong_to_members() {
    let s = server().await;
    s.add_user("carol", "carol-pw").await;
    let hr = s.add_department("Human Resources").await;
    let sales = s.add_department("Sales").await;
    s.join_department("carol", hr).await;
    s.join_department("bob", sales).await;
    const CAROL: (&str, &str) = ("carol", "carol-pw");
    let lib = "/docs/departments/human-resources";

    // The member writes, reads and lists.
    assert_eq!(s.mkcol_as(CAROL.0, CAROL.1, &format!("{lib}/Policies")).await, 201);
    assert_eq!(
        s.put_as(CAROL.0, CAROL.1, &format!("{lib}/Policies/leave.txt"), "30 days")
            .await,
        201
    );
    assert_eq!(
        s.put_as(CAROL.0, CAROL.1, &format!("{lib}/salaries.txt"), "numbers")
            .await,
        201
    );
    assert_eq!(
        listing(&s, CAROL, &format!("{lib}/")).await,
        vec![format!("{lib}/Policies"), format!("{lib}/salaries.txt")]
    );
    let departments = listing(&s, CAROL, "/docs/departments/").await;
    assert!(departments.contains(&lib.to_owned()), "{departments:?}");

    // Nobody else reads it: not another department's member, not a user without a department.
    for who in [BOB, ALICE] {
        let (st, _) = s.get_as(who.0, who.1, &format!("{lib}/salaries.txt")).await;
        assert!(denied(st), "{} GET: {st}", who.0);
        let (st, _) = s.propfind_as(who.0, who.1, &format!("{lib}/"), "1", "").await;
        assert!(denied(st), "{} PROPFIND: {st}", who.0);
        let st = s.put_as(who.0, who.1, &format!("{lib}/planted.txt"), "x").await;
        assert!(denied(st), "{} PUT: {st}", who.0);
        let listed = listing(&s, who, "/docs/departments/").await;
        assert!(!listed.contains(&lib.to_owned()), "{} sees {listed:?}", who.0);
    }
    // Bob sees his own department.
    assert!(
        listing(&s, BOB, "/docs/departments/")
            .await
            .contains(&"/docs/departments/sales".to_owned())
    );
    // Admins manage department libraries.
    assert_eq!(
        s.get_as(ADMIN.0, ADMIN.1, &format!("{lib}/salaries.txt")).await,
        (200, b"numbers".to_vec())
    );

    // A read grant to bob on a subfolder: inherited below it, nothing above it.
    let bob_id = s.principal_id("bob").await;
    s.app
        .store
        .doc_grant(
            "departments/human-resources/Policies",
            Grantee::Principal(bob_id),
            AccessLevel::Read,
        )
        .await
        .unwrap();
    assert_eq!(
        s.get_as(BOB.0, BOB.1, &format!("{lib}/Policies/leave.txt")).await,
        (200, b"30 days".to_vec())
    );
    let (st, _) = s.get_as(BOB.0, BOB.1, &format!("{lib}/salaries.txt")).await;
    assert!(denied(st), "grant does not reach upwards: {st}");
    let st = s
        .put_as(BOB.0, BOB.1, &format!("{lib}/Policies/leave.txt"), "365 days")
        .await;
    assert_eq!(st, 403, "read grant only");
    assert_eq!(
        s.get_as(CAROL.0, CAROL.1, &format!("{lib}/Policies/leave.txt")).await,
        (200, b"30 days".to_vec())
    );

    // A write grant to the whole Sales department.
    s.app
        .store
        .doc_grant(
            "departments/human-resources",
            Grantee::Department(sales),
            AccessLevel::Write,
        )
        .await
        .unwrap();
    assert_eq!(
        s.put_as(BOB.0, BOB.1, &format!("{lib}/from-sales.txt"), "hi").await,
        201
    );
    assert_eq!(
        s.get_as(CAROL.0, CAROL.1, &format!("{lib}/from-sales.txt")).await,
        (200, b"hi".to_vec())
    );
    // Still nothing for alice.
    let (st, _) = s.get_as(ALICE.0, ALICE.1, &format!("{lib}/from-sales.txt")).await;
    assert!(denied(st), "alice: {st}");
    s.shutdown().await;
}

#[tokio::test]
async fn shared_library_is_read_only_for_employees_unless_granted() {
    let s = server().await;
    assert_eq!(
        s.put_as(ADMIN.0, ADMIN.1, "/docs/shared/handbook.txt", "be nice").await,
        201
    );
    assert_eq!(s.mkcol_as(ADMIN.0, ADMIN.1, "/docs/shared/Finance").await, 201);
    assert_eq!(
        s.put_as(ADMIN.0, ADMIN.1, "/docs/shared/Finance/budget.txt", "1M")
            .await,
        201
    );

    // Everyone reads.
    assert_eq!(
        s.get_as(ALICE.0, ALICE.1, "/docs/shared/handbook.txt").await,
        (200, b"be nice".to_vec())
    );
    assert_eq!(
        listing(&s, ALICE, "/docs/shared/").await,
        vec!["/docs/shared/Finance", "/docs/shared/handbook.txt"]
    );

    // Nobody but admins writes.
    assert_eq!(
        s.put_as(ALICE.0, ALICE.1, "/docs/shared/handbook.txt", "be mean").await,
        403
    );
    assert_eq!(s.put_as(ALICE.0, ALICE.1, "/docs/shared/new.txt", "x").await, 403);
    assert_eq!(s.mkcol_as(ALICE.0, ALICE.1, "/docs/shared/Mine").await, 403);
    assert_eq!(
        status_of(s.req_as(ALICE.0, ALICE.1, "DELETE", "/docs/shared/handbook.txt")).await,
        403
    );
    assert_eq!(
        status_of(
            s.req_as(ALICE.0, ALICE.1, "MOVE", "/docs/shared/handbook.txt")
                .header("Destination", s.url("/docs/shared/renamed.txt"))
        )
        .await,
        403
    );
    let (st, _, _) = lock_as(&s, ALICE.0, ALICE.1, "/docs/shared/handbook.txt", "exclusive", "0").await;
    assert_eq!(st, 403, "LOCK needs write access");
    let resp = s
        .req_as(ALICE.0, ALICE.1, "PROPPATCH", "/docs/shared/handbook.txt")
        .body("<?xml version=\"1.0\"?><D:propertyupdate xmlns:D=\"DAV:\" xmlns:E=\"urn:x\"><D:set><D:prop><E:tag>x</E:tag></D:prop></D:set></D:propertyupdate>")
        .send()
        .await
        .unwrap();
    let st = resp.status().as_u16();
    let body = resp.text().await.unwrap();
    assert!(
        st == 403 || (st == 207 && multistatus(&body)[0].prop_status("urn:x", "tag") == Some(403)),
        "PROPPATCH without write access: {st} {body}"
    );
    let (_, body) = s
        .propfind_as(
            ALICE.0,
            ALICE.1,
            "/docs/shared/handbook.txt",
            "0",
            "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\" xmlns:E=\"urn:x\"><D:prop><E:tag/></D:prop></D:propfind>",
        )
        .await;
    assert_eq!(
        multistatus(&body)[0].prop_status("urn:x", "tag"),
        Some(404),
        "not stored: {body}"
    );
    assert_eq!(
        s.get_as(ADMIN.0, ADMIN.1, "/docs/shared/handbook.txt").await,
        (200, b"be nice".to_vec())
    );
    let (st, _) = s.get_as(ALICE.0, ALICE.1, "/docs/shared/renamed.txt").await;
    assert_eq!(st, 404);

    // A write grant on Finance: inherited by everything below, nothing beside it.
    let alice_id = s.principal_id("alice").await;
    s.app
        .store
        .doc_grant("shared/Finance", Grantee::Principal(alice_id), AccessLevel::Write)
        .await
        .unwrap();
    assert_eq!(
        s.put_as(ALICE.0, ALICE.1, "/docs/shared/Finance/budget.txt", "2M")
            .await,
        204
    );
    assert_eq!(s.mkcol_as(ALICE.0, ALICE.1, "/docs/shared/Finance/2024").await, 201);
    assert_eq!(
        s.put_as(ALICE.0, ALICE.1, "/docs/shared/Finance/2024/q1.txt", "q1")
            .await,
        201,
        "grant inherited by a new subfolder"
    );
    assert_eq!(
        s.put_as(ALICE.0, ALICE.1, "/docs/shared/handbook.txt", "be mean").await,
        403
    );
    assert_eq!(s.put_as(ALICE.0, ALICE.1, "/docs/shared/Finance2.txt", "x").await, 403);
    // Bob, without the grant, still only reads.
    assert_eq!(
        s.put_as(BOB.0, BOB.1, "/docs/shared/Finance/budget.txt", "0").await,
        403
    );
    assert_eq!(
        s.get_as(BOB.0, BOB.1, "/docs/shared/Finance/budget.txt").await,
        (200, b"2M".to_vec())
    );
    s.shutdown().await;
}

#[tokio::test]
async fn copy_and_move_need_rights_on_both_ends() {
    let s = server().await;
    assert_eq!(
        s.put_as(ADMIN.0, ADMIN.1, "/docs/shared/template.docx", "template")
            .await,
        201
    );
    assert_eq!(
        s.put_as(ALICE.0, ALICE.1, "/docs/users/alice/draft.docx", "draft")
            .await,
        201
    );

    // Readable → own drive: fine.
    let st = status_of(
        s.req_as(ALICE.0, ALICE.1, "COPY", "/docs/shared/template.docx")
            .header("Destination", s.url("/docs/users/alice/template.docx")),
    )
    .await;
    assert_eq!(st, 201);
    assert_eq!(
        s.get_as(ALICE.0, ALICE.1, "/docs/users/alice/template.docx").await,
        (200, b"template".to_vec())
    );

    // Own drive → read-only library: refused, nothing created.
    let st = status_of(
        s.req_as(ALICE.0, ALICE.1, "COPY", "/docs/users/alice/draft.docx")
            .header("Destination", s.url("/docs/shared/draft.docx")),
    )
    .await;
    assert_eq!(st, 403);
    let st = status_of(
        s.req_as(ALICE.0, ALICE.1, "MOVE", "/docs/users/alice/draft.docx")
            .header("Destination", s.url("/docs/shared/draft.docx")),
    )
    .await;
    assert_eq!(st, 403);
    let (st, _) = s.get_as(ADMIN.0, ADMIN.1, "/docs/shared/draft.docx").await;
    assert_eq!(st, 404);
    assert_eq!(
        s.get_as(ALICE.0, ALICE.1, "/docs/users/alice/draft.docx").await,
        (200, b"draft".to_vec()),
        "the source of the refused MOVE is intact"
    );

    // Overwriting a read-only file through COPY is refused too.
    let st = status_of(
        s.req_as(ALICE.0, ALICE.1, "COPY", "/docs/users/alice/draft.docx")
            .header("Destination", s.url("/docs/shared/template.docx"))
            .header("Overwrite", "T"),
    )
    .await;
    assert_eq!(st, 403);
    assert_eq!(
        s.get_as(ADMIN.0, ADMIN.1, "/docs/shared/template.docx").await,
        (200, b"template".to_vec())
    );

    // MOVE out of a read-only library: the source cannot be removed.
    let st = status_of(
        s.req_as(ALICE.0, ALICE.1, "MOVE", "/docs/shared/template.docx")
            .header("Destination", s.url("/docs/users/alice/moved.docx")),
    )
    .await;
    assert_eq!(st, 403);
    assert_eq!(
        s.get_as(ALICE.0, ALICE.1, "/docs/shared/template.docx").await,
        (200, b"template".to_vec())
    );
    let (st, _) = s.get_as(ALICE.0, ALICE.1, "/docs/users/alice/moved.docx").await;
    assert_eq!(st, 404);

    // A folder copy into a read-only place.
    assert_eq!(s.mkcol_as(ALICE.0, ALICE.1, "/docs/users/alice/Folder").await, 201);
    let st = status_of(
        s.req_as(ALICE.0, ALICE.1, "COPY", "/docs/users/alice/Folder/")
            .header("Destination", s.url("/docs/shared/Folder/")),
    )
    .await;
    assert_eq!(st, 403);
    let names = listing(&s, ADMIN, "/docs/shared/").await;
    assert_eq!(names, vec!["/docs/shared/template.docx"]);
    s.shutdown().await;
}

#[tokio::test]
async fn credentials_are_required() {
    let s = server().await;
    assert_eq!(s.put_as(ADMIN.0, ADMIN.1, "/docs/shared/open.txt", "x").await, 201);
    for (method, path) in [
        ("PROPFIND", "/docs/shared/"),
        ("GET", "/docs/shared/open.txt"),
        ("PUT", "/docs/shared/anon.txt"),
        ("PROPFIND", "/docs/"),
    ] {
        let resp = s.request(method, path).header("Depth", "0").send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 401, "{method} {path}");
        let challenge = resp
            .headers()
            .get("www-authenticate")
            .expect("challenge")
            .to_str()
            .unwrap();
        assert!(challenge.starts_with("Basic"), "{challenge}");
    }
    let (st, _) = s.get_as(ADMIN.0, ADMIN.1, "/docs/shared/anon.txt").await;
    assert_eq!(st, 404);
    // An unknown library or user drive.
    let (st, _) = s.propfind_as(ALICE.0, ALICE.1, "/docs/users/nobody/", "0", "").await;
    assert!(denied(st), "{st}");
    let (st, _) = s
        .propfind_as(ALICE.0, ALICE.1, "/docs/departments/no-such-dept/", "0", "")
        .await;
    assert!(denied(st), "{st}");
    // The listing of the drive root itself includes the DAV: props a client needs.
    let (st, body) = s.propfind_as(ALICE.0, ALICE.1, "/docs/users/alice/", "0", "").await;
    assert_eq!(st, 207);
    let rs = multistatus(&body);
    assert!(response_for(&rs, "/docs/users/alice/").unwrap().is_collection());
    assert!(rs[0].ok_prop(DAV, "resourcetype").is_some());
    s.shutdown().await;
}
