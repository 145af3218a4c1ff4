//! `portico backup` while the server serves and `portico restore` into a new data directory
//! (issue 13): a server started on the restored directory serves every calendar object,
//! card, file and file version with the same content and entity tag; the archive holds only
//! what the database refers to; a damaged archive or a used directory restores nothing.

mod common;

use std::path::Path;
use std::process::Command;

use common::{DAV, TestServer, multistatus};

const A: (&str, &str) = ("alice", "alice-pw");

fn portico(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_portico"))
        .args(args)
        .env_remove("PORTICO_DATABASE__URL")
        .output()
        .expect("run portico")
}

fn event(uid: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20300101T000000Z\r\n\
         DTSTART:20300105T100000Z\r\nDTEND:20300105T110000Z\r\nSUMMARY:Meeting {uid}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
}

/// (href, etag) of a collection's members, sorted.
async fn members(s: &TestServer, path: &str) -> Vec<(String, String)> {
    let body = "<?xml version=\"1.0\"?><D:propfind xmlns:D=\"DAV:\"><D:prop><D:getetag/><D:resourcetype/></D:prop></D:propfind>";
    let (st, text) = s.propfind_as(A.0, A.1, path, "1", body).await;
    assert_eq!(st, 207, "{text}");
    let mut out: Vec<(String, String)> = multistatus(&text)
        .iter()
        .filter(|r| !r.is_collection())
        .map(|r| (r.path.clone(), r.ok_text(DAV, "getetag").unwrap_or_default()))
        .collect();
    out.sort();
    out
}

/// Everything a client can read of alice's data: (path, etag, content) of every object,
/// card, file and file version.
async fn everything(s: &TestServer) -> Vec<(String, String, Vec<u8>)> {
    let mut out = Vec::new();
    for collection in [
        "/dav/calendars/alice/calendar/",
        "/dav/addressbooks/alice/contacts/",
        "/docs/users/alice/",
        "/docs/users/alice/Reports/",
    ] {
        for (href, etag) in members(s, collection).await {
            let (st, body) = s.get_as(A.0, A.1, &href).await;
            assert_eq!(st, 200, "{href}");
            out.push((href.clone(), etag, body));
            if href.starts_with("/docs/") {
                let (st, versions) = s.versions_as(A.0, A.1, &href).await;
                assert_eq!(st, 200);
                for v in versions.as_array().unwrap() {
                    let n = v["version"].as_i64().unwrap();
                    let (st, body) = s.get_as(A.0, A.1, &format!("{href}?version={n}")).await;
                    assert_eq!(st, 200);
                    out.push((format!("{href}?version={n}"), String::new(), body));
                }
            }
        }
    }
    out
}

fn blob_files(dir: &Path) -> usize {
    walk(&dir.join("blobs/sha256"))
}

fn walk(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .map(|e| {
                let e = e.unwrap();
                if e.file_type().unwrap().is_dir() {
                    walk(&e.path())
                } else {
                    1
                }
            })
            .sum()
    })
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_everything() {
    let s = TestServer::start().await;
    s.add_user(A.0, A.1).await;
    for i in 0..5 {
        let resp = s
            .req_as(A.0, A.1, "PUT", &format!("/dav/calendars/alice/calendar/e{i}.ics"))
            .header("Content-Type", "text/calendar")
            .body(event(&format!("e{i}")))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 201);
    }
    let mkbook = s
        .req_as(A.0, A.1, "MKCOL", "/dav/addressbooks/alice/contacts/")
        .header("Content-Type", "application/xml")
        .body("<?xml version=\"1.0\"?><D:mkcol xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:carddav\"><D:set><D:prop><D:resourcetype><D:collection/><C:addressbook/></D:resourcetype></D:prop></D:set></D:mkcol>")
        .send()
        .await
        .unwrap();
    assert!(mkbook.status().as_u16() == 201 || mkbook.status().as_u16() == 405);
    let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:c1\r\nFN:Anna Petrova\r\nN:Petrova;Anna;;;\r\nEND:VCARD\r\n";
    let resp = s
        .req_as(A.0, A.1, "PUT", "/dav/addressbooks/alice/contacts/c1.vcf")
        .header("Content-Type", "text/vcard")
        .body(card)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    assert_eq!(s.mkcol_as(A.0, A.1, "/docs/users/alice/Reports").await, 201);
    assert_eq!(
        s.put_as(A.0, A.1, "/docs/users/alice/Reports/q1.txt", "first").await,
        201
    );
    assert_eq!(
        s.put_as(A.0, A.1, "/docs/users/alice/Reports/q1.txt", "second").await,
        204
    );
    assert_eq!(
        s.put_as(A.0, A.1, "/docs/users/alice/photo.bin", vec![7u8; 300_000])
            .await,
        201
    );
    // Deleted: its blob is still on disk, but no longer part of the data.
    assert_eq!(s.put_as(A.0, A.1, "/docs/users/alice/gone.txt", "gone").await, 201);
    let resp = s
        .req_as(A.0, A.1, "DELETE", "/docs/users/alice/gone.txt")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 204);
    let before = everything(&s).await;
    assert!(before.len() >= 11, "{} things", before.len());

    let work = tempfile::tempdir().unwrap();
    let archive = work.path().join("portico-backup.tar");
    let data = s.app.config.storage.data_dir.clone();
    let out = portico(&["backup", "--data", data.to_str().unwrap(), archive.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("3 stored files"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The server went on serving meanwhile.
    assert_eq!(s.put_as(A.0, A.1, "/docs/users/alice/after.txt", "after").await, 201);

    let restored = work.path().join("restored");
    let out = portico(&[
        "restore",
        "--data",
        restored.to_str().unwrap(),
        archive.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        blob_files(&restored),
        3,
        "the three referenced contents, not the deleted one"
    );
    let again = TestServer::start_with(|c| c.storage.data_dir = restored.clone()).await;
    let after = everything(&again).await;
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!((&b.0, &b.1), (&a.0, &a.1), "same object and entity tag");
        assert!(b.2 == a.2, "same content of {}", b.0);
    }
    assert_eq!(
        again.get_as(A.0, A.1, "/docs/users/alice/after.txt").await.0,
        404,
        "after the snapshot"
    );
    again.shutdown().await;

    // A used directory, or a damaged archive, restores nothing.
    let out = portico(&[
        "restore",
        "--data",
        restored.to_str().unwrap(),
        archive.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not empty"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&archive).unwrap();
    let cut = work.path().join("cut.tar");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let target = work.path().join("from-cut");
    let out = portico(&["restore", "--data", target.to_str().unwrap(), cut.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(!target.exists(), "nothing left behind");
    s.shutdown().await;
}
