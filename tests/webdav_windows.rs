//! Windows Explorer (the WebDAV MiniRedirector) and MS Office against the document library,
//! replayed request by request with the headers and bodies those clients send: mapping
//! `/docs/shared` as a network drive, copying a file in, Office's open-lock-save-unlock, and
//! the `DOMAIN\user` / `user@domain` login forms.

mod common;

use common::{
    ADMIN_PASSWORD, DAV, MINIREDIR_UA, MS, OFFICE_DISCOVERY_UA, OFFICE_EXISTENCE_UA, OFFICE_UA, TestServer,
    multistatus, response_for, strip_angle,
};

/// The body MiniRedir sends to lock a file it is about to write (exclusive, owner = the
/// Windows account).
const MINIREDIR_LOCK: &str = "<?xml version=\"1.0\" encoding=\"utf-8\" ?><D:lockinfo xmlns:D=\"DAV:\"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner><D:href>CORP\\alice</D:href></D:owner></D:lockinfo>";

/// The PROPPATCH MiniRedir sends right after creating a file: the Win32 times and attributes
/// of the local original (FILE_ATTRIBUTE_ARCHIVE = 0x20).
const WIN32_PROPPATCH_ALL: &str = "<?xml version=\"1.0\" encoding=\"utf-8\" ?><D:propertyupdate xmlns:D=\"DAV:\" xmlns:Z=\"urn:schemas-microsoft-com:\"><D:set><D:prop><Z:Win32CreationTime>Tue, 19 Mar 2024 08:15:02 GMT</Z:Win32CreationTime><Z:Win32LastAccessTime>Tue, 19 Mar 2024 08:15:02 GMT</Z:Win32LastAccessTime><Z:Win32LastModifiedTime>Mon, 18 Mar 2024 17:40:11 GMT</Z:Win32LastModifiedTime><Z:Win32FileAttributes>00000020</Z:Win32FileAttributes></D:prop></D:set></D:propertyupdate>";

/// The PROPPATCH MiniRedir sends after the content PUT, before UNLOCK.
const WIN32_PROPPATCH_AFTER_PUT: &str = "<?xml version=\"1.0\" encoding=\"utf-8\" ?><D:propertyupdate xmlns:D=\"DAV:\" xmlns:Z=\"urn:schemas-microsoft-com:\"><D:set><D:prop><Z:Win32LastModifiedTime>Mon, 18 Mar 2024 17:40:11 GMT</Z:Win32LastModifiedTime><Z:Win32FileAttributes>00000020</Z:Win32FileAttributes></D:prop></D:set></D:propertyupdate>";

/// The local file's modification time MiniRedir sets; the server must apply it.
const LOCAL_MTIME: &str = "Mon, 18 Mar 2024 17:40:11 GMT";

/// What Windows asks when it shows a mapped drive's free space.
const QUOTA_PROPFIND: &str = "<?xml version=\"1.0\" encoding=\"utf-8\" ?><D:propfind xmlns:D=\"DAV:\"><D:prop><D:quota-available-bytes/><D:quota-used-bytes/></D:prop></D:propfind>";

fn dav_classes(resp: &reqwest::Response) -> Vec<String> {
    let value = resp
        .headers()
        .get("dav")
        .unwrap_or_else(|| panic!("no DAV header on {}", resp.url()))
        .to_str()
        .unwrap();
    value.split(',').map(|t| t.trim().to_owned()).collect()
}

fn assert_windows_options(resp: &reqwest::Response) {
    assert_eq!(resp.status().as_u16(), 200, "OPTIONS {}", resp.url());
    let classes = dav_classes(resp);
    assert!(
        classes.iter().any(|c| c == "1") && classes.iter().any(|c| c == "2"),
        "DAV classes 1 and 2 on {}: {classes:?}",
        resp.url()
    );
    assert_eq!(
        resp.headers().get("ms-author-via").map(|v| v.to_str().unwrap()),
        Some("DAV"),
        "Office opens documents read-only without MS-Author-Via: DAV"
    );
    assert!(
        !resp.headers().contains_key("x-msdavext"),
        "X-MSDAVEXT must not be advertised"
    );
}

fn allow_list(resp: &reqwest::Response) -> Vec<String> {
    resp.headers()
        .get("allow")
        .map(|v| v.to_str().unwrap())
        .unwrap_or("")
        .split(',')
        .map(|m| m.trim().to_ascii_uppercase())
        .collect()
}

/// The versions JSON as (version, size, author) triples.
fn version_rows(v: &serde_json::Value) -> Vec<(i64, i64, String)> {
    v.as_array()
        .unwrap_or_else(|| panic!("versions is not an array: {v}"))
        .iter()
        .map(|e| {
            (
                e["version"].as_i64().unwrap_or_else(|| panic!("version number in {e}")),
                e["size"].as_i64().unwrap_or_else(|| panic!("size in {e}")),
                e["author"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn map_network_drive_sequence() {
    let s = TestServer::start().await;
    s.add_user("alice", "alice-pw").await;
    // Content an administrator put into the company library beforehand.
    assert_eq!(s.mkcol_as("admin", ADMIN_PASSWORD, "/docs/shared/Policies/").await, 201);
    assert_eq!(
        s.put_as("admin", ADMIN_PASSWORD, "/docs/shared/Policies/Holidays.txt", "25 days")
            .await,
        201
    );
    let report = b"quarterly numbers".to_vec();
    assert_eq!(
        s.put_as(
            "admin",
            ADMIN_PASSWORD,
            "/docs/shared/Quarterly%20Report.docx",
            report.clone()
        )
        .await,
        201
    );

    // 1. Windows probes the host root without credentials, first as DavClnt, then as MiniRedir.
    for ua in ["DavClnt", MINIREDIR_UA] {
        let resp = s
            .request("OPTIONS", "/")
            .header("Connection", "Keep-Alive")
            .header("User-Agent", ua)
            .header("translate", "f")
            .header("Content-Length", "0")
            .send()
            .await
            .unwrap();
        assert!(resp.headers().get("location").is_none(), "no redirect for {ua}");
        assert_windows_options(&resp);
    }

    // 2. OPTIONS on the folder the user typed, now with credentials.
    let resp = s
        .req_as("alice", "alice-pw", "OPTIONS", "/docs/shared")
        .header("Connection", "Keep-Alive")
        .header("User-Agent", MINIREDIR_UA)
        .header("translate", "f")
        .send()
        .await
        .unwrap();
    assert_windows_options(&resp);
    let allow = allow_list(&resp);
    for m in ["OPTIONS", "PROPFIND"] {
        assert!(allow.iter().any(|a| a == m), "Allow lacks {m}: {allow:?}");
    }

    // 3. PROPFIND Depth 0 on the folder WITHOUT trailing slash, empty body, Translate: f.
    let resp = s
        .req_as("alice", "alice-pw", "PROPFIND", "/docs/shared")
        .header("Connection", "Keep-Alive")
        .header("User-Agent", MINIREDIR_UA)
        .header("Depth", "0")
        .header("translate", "f")
        .header("Content-Length", "0")
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status().as_u16(),
        207,
        "no redirect for a folder without trailing slash"
    );
    let body = resp.text().await.unwrap();
    assert!(
        body.contains("<D:multistatus") && body.contains("xmlns:D=\"DAV:\""),
        "DAV: elements use the D: prefix:\n{body}"
    );
    let root = common::xml::parse(&body).unwrap();
    for e in root.descendants(DAV, "response") {
        assert_eq!(e.prefix, "D", "DAV: elements use the D: prefix:\n{body}");
    }
    let rs = multistatus(&body);
    assert_eq!(rs.len(), 1, "Depth 0 answers for the folder only:\n{body}");
    assert!(
        rs[0].path == "/docs/shared/" || rs[0].path == "/docs/shared",
        "href of the folder: {}",
        rs[0].href
    );
    assert!(rs[0].is_collection(), "the folder is a collection:\n{body}");
    let modified = rs[0]
        .ok_text(DAV, "getlastmodified")
        .unwrap_or_else(|| panic!("allprop includes getlastmodified:\n{body}"));
    assert!(
        httpdate::parse_http_date(&modified).is_ok() && modified.ends_with(" GMT"),
        "getlastmodified is an RFC 1123 date: {modified:?}"
    );

    // 3b. Windows also asks the drive's free space.
    let resp = s
        .req_as("alice", "alice-pw", "PROPFIND", "/docs/shared")
        .header("User-Agent", MINIREDIR_UA)
        .header("Depth", "0")
        .header("translate", "f")
        .header("Content-Type", "text/xml; charset=\"utf-8\"")
        .body(QUOTA_PROPFIND)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 207);
    let body = resp.text().await.unwrap();
    let rs = multistatus(&body);
    assert_eq!(rs.len(), 1, "{body}");
    assert!(
        rs[0].prop_status(DAV, "quota-available-bytes").is_some(),
        "the asked property is answered (200 or 404):\n{body}"
    );

    // 4. PROPFIND Depth 1 allprop lists the folder's content.
    let resp = s
        .req_as("alice", "alice-pw", "PROPFIND", "/docs/shared/")
        .header("Connection", "Keep-Alive")
        .header("User-Agent", MINIREDIR_UA)
        .header("Depth", "1")
        .header("translate", "f")
        .header("Content-Length", "0")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 207);
    let body = resp.text().await.unwrap();
    let rs = multistatus(&body);
    assert_eq!(rs.len(), 3, "the folder, Policies and the report:\n{body}");
    let folder = response_for(&rs, "/docs/shared/Policies/").expect("Policies listed");
    assert!(folder.is_collection(), "{body}");
    let file = response_for(&rs, "/docs/shared/Quarterly Report.docx").expect("report listed");
    assert!(
        file.href.contains("Quarterly%20Report.docx"),
        "spaces are percent-encoded in hrefs: {}",
        file.href
    );
    assert!(!file.is_collection(), "{body}");
    assert_eq!(
        file.ok_text(DAV, "getcontentlength").as_deref(),
        Some(report.len().to_string().as_str()),
        "{body}"
    );
    // getetag may be left out of the compact listing Windows gets; if present it is strong.
    if let Some(etag) = file.ok_text(DAV, "getetag") {
        assert!(etag.starts_with('"') && !etag.starts_with("W/"), "strong ETag: {etag}");
    }
    let modified = file.ok_text(DAV, "getlastmodified").expect("getlastmodified");
    assert!(httpdate::parse_http_date(&modified).is_ok(), "{modified}");

    // Opening a subfolder: Explorer leaves out the trailing slash here too; the members'
    // hrefs are below the folder, not beside it.
    let resp = s
        .req_as("alice", "alice-pw", "PROPFIND", "/docs/shared/Policies")
        .header("User-Agent", MINIREDIR_UA)
        .header("Depth", "1")
        .header("translate", "f")
        .header("Content-Length", "0")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 207);
    let body = resp.text().await.unwrap();
    let rs = multistatus(&body);
    assert_eq!(rs.len(), 2, "{body}");
    let member = response_for(&rs, "/docs/shared/Policies/Holidays.txt").unwrap_or_else(|| panic!("{body}"));
    assert_eq!(member.ok_text(DAV, "getcontentlength").as_deref(), Some("7"));

    // The file opens, with a strong ETag.
    let resp = s
        .req_as("alice", "alice-pw", "GET", "/docs/shared/Quarterly%20Report.docx")
        .header("User-Agent", MINIREDIR_UA)
        .header("translate", "f")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let etag = resp
        .headers()
        .get("etag")
        .expect("ETag on GET")
        .to_str()
        .unwrap()
        .to_owned();
    assert!(etag.starts_with('"') && !etag.starts_with("W/"), "strong ETag: {etag}");
    assert_eq!(resp.bytes().await.unwrap().to_vec(), report);
    s.shutdown().await;
}

#[tokio::test]
async fn copy_a_file_in_sequence() {
    let s = TestServer::start().await;
    s.add_user("alice", "alice-pw").await;
    let path = "/docs/users/alice/Budget%202024.xlsx";
    let content = b"PK\x03\x04 pretend this is a spreadsheet".to_vec();
    let req = |method: &str| {
        s.req_as("alice", "alice-pw", method, path)
            .header("Connection", "Keep-Alive")
            .header("User-Agent", MINIREDIR_UA)
            .header("translate", "f")
    };

    // 1. Does it exist? No.
    let resp = req("PROPFIND")
        .header("Depth", "0")
        .header("Content-Length", "0")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);

    // 2. Create it empty.
    let resp = req("PUT").header("Content-Length", "0").body("").send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 201);

    // 3. Lock it.
    let resp = req("LOCK")
        .header("Cache-Control", "no-cache")
        .header("Pragma", "no-cache")
        .header("Timeout", "Second-3600")
        .header("Content-Type", "text/xml; charset=\"utf-8\"")
        .body(MINIREDIR_LOCK)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200, "LOCK of an existing file");
    let token = strip_angle(
        resp.headers()
            .get("lock-token")
            .expect("Lock-Token header")
            .to_str()
            .unwrap(),
    );
    let body = resp.text().await.unwrap();
    let prop = common::xml::parse(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
    assert!(prop.is(DAV, "prop"), "LOCK answers with DAV:prop:\n{body}");
    let active = prop.descendants(DAV, "activelock");
    assert_eq!(active.len(), 1, "{body}");
    let token_hrefs: Vec<String> = active[0]
        .descendants(DAV, "locktoken")
        .iter()
        .map(|t| t.text().trim().to_owned())
        .collect();
    assert_eq!(
        token_hrefs,
        vec![token.clone()],
        "lockdiscovery names the token:\n{body}"
    );
    assert!(
        active[0]
            .descendants(DAV, "owner")
            .iter()
            .any(|o| o.text().contains("CORP\\alice")),
        "the owner is echoed:\n{body}"
    );

    // 4. Win32 times and attributes, WITHOUT the lock token.
    let resp = req("PROPPATCH")
        .header("Content-Type", "text/xml; charset=\"utf-8\"")
        .body(WIN32_PROPPATCH_ALL)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 207, "PROPPATCH of Win32 props on a locked file");
    let body = resp.text().await.unwrap();
    let rs = multistatus(&body);
    assert_eq!(rs.len(), 1, "{body}");
    for name in [
        "Win32CreationTime",
        "Win32LastAccessTime",
        "Win32LastModifiedTime",
        "Win32FileAttributes",
    ] {
        assert_eq!(rs[0].prop_status(MS, name), Some(200), "{name}:\n{body}");
    }

    // 5. HEAD.
    let resp = req("HEAD").send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.headers().get("content-length").unwrap(), "0");

    // 6. The content, with the lock token.
    let resp = req("PUT")
        .header("If", format!("(<{token}>)"))
        .body(content.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204, "PUT over the existing empty file");

    // 7. Times again.
    let resp = req("PROPPATCH")
        .header("Content-Type", "text/xml; charset=\"utf-8\"")
        .body(WIN32_PROPPATCH_AFTER_PUT)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 207);
    let body = resp.text().await.unwrap();
    let rs = multistatus(&body);
    assert_eq!(rs[0].prop_status(MS, "Win32LastModifiedTime"), Some(200), "{body}");
    assert_eq!(rs[0].prop_status(MS, "Win32FileAttributes"), Some(200), "{body}");

    // 8. Unlock.
    let resp = req("UNLOCK")
        .header("Lock-Token", format!("<{token}>"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204);

    // The file has the content and the local modification time.
    let resp = s.req_as("alice", "alice-pw", "GET", path).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(
        resp.headers()
            .get("last-modified")
            .map(|v| v.to_str().unwrap().to_owned())
            .as_deref(),
        Some(LOCAL_MTIME),
        "Win32LastModifiedTime is applied to Last-Modified"
    );
    assert_eq!(resp.bytes().await.unwrap().to_vec(), content);
    let (status, body) = s.propfind_as("alice", "alice-pw", path, "0", "").await;
    assert_eq!(status, 207);
    let rs = multistatus(&body);
    assert_eq!(
        rs[0].ok_text(DAV, "getlastmodified").as_deref(),
        Some(LOCAL_MTIME),
        "{body}"
    );
    assert_eq!(
        rs[0].ok_text(DAV, "getcontentlength").as_deref(),
        Some(content.len().to_string().as_str())
    );

    // The lock is gone.
    let (status, body) = s
        .propfind_as(
            "alice",
            "alice-pw",
            path,
            "0",
            "<?xml version=\"1.0\" encoding=\"utf-8\" ?><D:propfind xmlns:D=\"DAV:\"><D:prop><D:lockdiscovery/></D:prop></D:propfind>",
        )
        .await;
    assert_eq!(status, 207);
    let rs = multistatus(&body);
    let discovery = rs[0]
        .ok_prop(DAV, "lockdiscovery")
        .expect("lockdiscovery is a live property");
    assert!(discovery.descendants(DAV, "activelock").is_empty(), "{body}");

    // Two versions: the empty placeholder and the content; PROPPATCH made none.
    let (status, versions) = s.versions_as("alice", "alice-pw", path).await;
    assert_eq!(status, 200);
    assert_eq!(
        version_rows(&versions),
        vec![
            (1, 0, "alice".to_owned()),
            (2, content.len() as i64, "alice".to_owned())
        ],
        "{versions}"
    );
    s.shutdown().await;
}

#[tokio::test]
async fn win32_proppatch_on_a_folder_is_accepted() {
    let s = TestServer::start().await;
    s.add_user("alice", "alice-pw").await;
    assert_eq!(s.mkcol_as("alice", "alice-pw", "/docs/users/alice/Photos").await, 201);
    let resp = s
        .req_as("alice", "alice-pw", "PROPPATCH", "/docs/users/alice/Photos")
        .header("User-Agent", MINIREDIR_UA)
        .header("translate", "f")
        .header("Content-Type", "text/xml; charset=\"utf-8\"")
        .body(WIN32_PROPPATCH_ALL)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 207);
    let body = resp.text().await.unwrap();
    let rs = multistatus(&body);
    assert_eq!(rs.len(), 1, "{body}");
    for name in [
        "Win32CreationTime",
        "Win32LastAccessTime",
        "Win32LastModifiedTime",
        "Win32FileAttributes",
    ] {
        assert_eq!(rs[0].prop_status(MS, name), Some(200), "{name}:\n{body}");
    }
    s.shutdown().await;
}

#[tokio::test]
async fn office_open_lock_save_unlock_leaves_one_new_version() {
    let s = TestServer::start().await;
    let path = "/docs/shared/Travel%20Policy.docx";
    let original = b"PK\x03\x04 version one of the policy".to_vec();
    let saved = b"PK\x03\x04 version two of the policy, edited in Word".to_vec();
    assert_eq!(s.put_as("admin", ADMIN_PASSWORD, path, original.clone()).await, 201);
    let office = |method: &str, ua: &str| {
        s.req_as("admin", ADMIN_PASSWORD, method, path)
            .header("User-Agent", ua)
            .header("X-Office-Major-Version", "16")
            .header("X-MS-CookieUri-Requested", "t")
            .header("X-FeatureVersion", "1")
            .header("X-IDCRL_ACCEPTED", "t")
            .header("Translate", "f")
    };

    // Protocol discovery on the folder.
    let resp = s
        .req_as("admin", ADMIN_PASSWORD, "OPTIONS", "/docs/shared/")
        .header("User-Agent", OFFICE_DISCOVERY_UA)
        .header("X-Office-Major-Version", "16")
        .header("X-MS-CookieUri-Requested", "t")
        .header("X-FeatureVersion", "1")
        .header("X-IDCRL_ACCEPTED", "t")
        .header("Content-Length", "0")
        .send()
        .await
        .unwrap();
    assert_windows_options(&resp);

    // Existence discovery.
    let resp = s
        .req_as("admin", ADMIN_PASSWORD, "HEAD", path)
        .header("User-Agent", OFFICE_EXISTENCE_UA)
        .header("Content-Length", "0")
        .header("Pragma", "no-cache")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let last_modified = resp.headers().get("last-modified").expect("Last-Modified on HEAD");
    assert!(httpdate::parse_http_date(last_modified.to_str().unwrap()).is_ok());
    assert_eq!(
        resp.headers().get("content-length").unwrap().to_str().unwrap(),
        original.len().to_string()
    );

    // Lock for editing.
    let resp = office("LOCK", OFFICE_UA)
        .header("Timeout", "Second-3600")
        .header("Content-Type", "text/xml; charset=\"utf-8\"")
        .header("Cache-Control", "no-cache")
        .body("<?xml version=\"1.0\" encoding=\"utf-8\" ?><D:lockinfo xmlns:D=\"DAV:\"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner><D:href>CORP\\admin</D:href></D:owner></D:lockinfo>")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let token = strip_angle(resp.headers().get("lock-token").expect("Lock-Token").to_str().unwrap());
    let body = resp.text().await.unwrap();
    let prop = common::xml::parse(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
    let timeouts: Vec<String> = prop
        .descendants(DAV, "timeout")
        .iter()
        .map(|t| t.text().trim().to_owned())
        .collect();
    assert_eq!(timeouts, vec!["Second-3600".to_owned()], "{body}");

    // Open.
    let resp = office("GET", OFFICE_UA).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(resp.bytes().await.unwrap().to_vec(), original);

    // Someone (even the same user) writing without the token is refused and stores nothing.
    let resp = s
        .req_as("admin", ADMIN_PASSWORD, "PUT", path)
        .body("sneaky")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 423, "write to a locked file without its token");

    // Save, submitting the lock token as a tagged list naming the document.
    let resp = office("PUT", OFFICE_UA)
        .header("If", format!("<{}> (<{token}>)", s.url(path)))
        .header(
            "Content-Type",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        .body(saved.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204, "save with the lock token");

    // Close.
    let resp = office("UNLOCK", OFFICE_UA)
        .header("Lock-Token", format!("<{token}>"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204);

    let (status, got) = s.get_as("admin", ADMIN_PASSWORD, path).await;
    assert_eq!((status, got), (200, saved.clone()));
    let (status, versions) = s.versions_as("admin", ADMIN_PASSWORD, path).await;
    assert_eq!(status, 200);
    assert_eq!(
        version_rows(&versions),
        vec![
            (1, original.len() as i64, "admin".to_owned()),
            (2, saved.len() as i64, "admin".to_owned())
        ],
        "exactly one new version: {versions}"
    );
    // Unlocked: a plain write works again.
    assert_eq!(s.put_as("admin", ADMIN_PASSWORD, path, b"after".to_vec()).await, 204);
    s.shutdown().await;
}

#[tokio::test]
async fn domain_login_forms_reach_the_same_drive() {
    let s = TestServer::start().await;
    s.add_user("alice", "alice-pw").await;
    // Windows sends DOMAIN\user; some setups send user@domain.
    assert_eq!(
        s.put_as(
            "CORP\\alice",
            "alice-pw",
            "/docs/users/alice/from-windows.txt",
            b"one".to_vec()
        )
        .await,
        201
    );
    assert_eq!(
        s.put_as(
            "alice@corp.example",
            "alice-pw",
            "/docs/users/alice/from-upn.txt",
            b"two".to_vec()
        )
        .await,
        201
    );
    for login in ["alice", "CORP\\alice", "alice@corp.example"] {
        let resp = s
            .req_as(login, "alice-pw", "PROPFIND", "/docs/users/alice/")
            .header("User-Agent", MINIREDIR_UA)
            .header("Depth", "1")
            .header("translate", "f")
            .header("Content-Length", "0")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 207, "{login}");
        let body = resp.text().await.unwrap();
        let rs = multistatus(&body);
        assert!(
            response_for(&rs, "/docs/users/alice/from-windows.txt").is_some(),
            "{login}: {body}"
        );
        assert!(
            response_for(&rs, "/docs/users/alice/from-upn.txt").is_some(),
            "{login}: {body}"
        );
    }
    let (status, versions) = s
        .versions_as("alice", "alice-pw", "/docs/users/alice/from-windows.txt")
        .await;
    assert_eq!(status, 200);
    assert_eq!(version_rows(&versions), vec![(1, 3, "alice".to_owned())], "{versions}");
    // The domain form with a wrong password is still refused.
    let resp = s
        .req_as("CORP\\alice", "wrong", "PROPFIND", "/docs/users/alice/")
        .header("Depth", "0")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    s.shutdown().await;
}
