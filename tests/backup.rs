//! `portico backup` while the server serves and `portico restore` into a new data directory
//! (issue 13): a server started on the restored directory serves every calendar object,
//! card, file and file version with the same content and entity tag; the archive holds only
//! what the database refers to; a damaged archive or a used directory restores nothing; both
//! commands report progress on stderr when asked (`--progress`) and keep stdout for the result.
//!
//! With PostgreSQL, the path of docs/operations.md: the real `pg_dump` first, then a copy of
//! `blobs/`, both while a writer keeps uploading; `pg_restore` into a new database and a server
//! on it and the copied blobs. It needs `PORTICO_TEST_POSTGRES_URL` (scripts/test sets it) and
//! PostgreSQL's client programs; under `CI=true` their absence fails.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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
/// card and file, each file's list of versions and the content of each version.
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
                out.push((
                    format!("{href}?versions"),
                    String::new(),
                    versions.to_string().into_bytes(),
                ));
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

/// Alice's data: five events, a card, a file with two versions, a 300 kB file, and a file
/// deleted again (its blob stays on disk but is no longer part of the data): 3 stored files.
async fn fill(s: &TestServer) {
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
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_everything() {
    let s = TestServer::start().await;
    fill(&s).await;
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
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("backup:"),
        "no progress unless asked or on a terminal: {}",
        String::from_utf8_lossy(&out.stderr)
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

#[tokio::test]
async fn backup_and_restore_report_progress_on_stderr_when_asked() {
    let s = TestServer::start().await;
    fill(&s).await;
    let work = tempfile::tempdir().unwrap();
    let archive = work.path().join("portico-backup.tar");
    let data = s.app.config.storage.data_dir.clone();
    let restored = work.path().join("restored");
    for (verb, dir) in [("backup", &data), ("restore", &restored)] {
        let (dir, file) = (dir.to_str().unwrap(), archive.to_str().unwrap());
        let out = portico(&[verb, "--progress", "--data", dir, file]);
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
        );
        assert!(out.status.success(), "{stderr}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert!(
            lines.contains(&format!("{verb}: 0 of 3 stored files, 0.0 of 0.3 MiB").as_str()),
            "the totals first: {stderr}"
        );
        let last = lines.last().copied().unwrap_or_default();
        assert!(
            last.starts_with(&format!("{verb}: done, 3 stored files, 0.3 MiB, in ")) && last.ends_with(" s"),
            "a summary last: {stderr}"
        );
        assert!(
            !stdout.lines().any(|l| l.starts_with(&format!("{verb}:"))),
            "stdout only has the result: {stdout}"
        );
        assert!(stdout.contains("3 stored files"), "{stdout}");
    }
    assert_eq!(blob_files(&restored), 3);
    s.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL: pg_dump, then blobs/ (docs/operations.md, "With PostgreSQL").
// ---------------------------------------------------------------------------------------------

/// A PostgreSQL client program: in `PG_BIN`, else in the newest /usr/lib/postgresql/<version>/bin
/// (as conformance/postgres.sh, so it is as new as the server), else on the PATH. `None` when
/// there is none, which under `CI=true` is a failure.
fn pg_program(name: &str) -> Option<PathBuf> {
    let mut candidates = Vec::new();
    if let Ok(dir) = std::env::var("PG_BIN") {
        candidates.push(Path::new(&dir).join(name));
    }
    let mut installed: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin").join(name))))
        .collect();
    installed.sort();
    candidates.extend(installed.into_iter().rev().map(|(_, path)| path));
    candidates.push(PathBuf::from(name));
    let found = candidates.into_iter().find(|p| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{name} must be installed under CI (Debian's postgresql-client; or set PG_BIN)"
        );
        eprintln!("PostgreSQL backup test skipped: no {name} (set PG_BIN to PostgreSQL's bin directory)");
    }
    found
}

/// Runs a program off the test's threads (the servers go on serving) and asserts it succeeded.
async fn run(program: &Path, args: &[&str]) {
    let mut command = Command::new(program);
    command.args(args);
    let what = format!("{} {}", program.display(), args.first().copied().unwrap_or_default());
    let out = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .unwrap_or_else(|e| panic!("run {what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Copies the tree at `from` to `to` the way any file copy of a live directory does, file by
/// file; a file that vanishes meanwhile (an upload's temp file renamed into place) is skipped,
/// as rsync does. Answers how many files it copied.
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<usize> {
    use std::io::ErrorKind::NotFound;
    std::fs::create_dir_all(to)?;
    let entries = match std::fs::read_dir(from) {
        Ok(entries) => entries,
        Err(e) if e.kind() == NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut copied = 0;
    for entry in entries {
        let entry = entry?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type()?.is_dir() {
            copied += copy_tree(&source, &target)?;
        } else {
            match std::fs::copy(&source, &target) {
                Ok(_) => copied += 1,
                Err(e) if e.kind() == NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(copied)
}

/// One upload of the writer: the file, its content, when the PUT was sent and when its
/// answer came, and the status.
struct Upload {
    path: String,
    content: Vec<u8>,
    sent: Instant,
    answered: Instant,
    status: u16,
}

/// Waits until `ready` holds for the uploads so far (at most a minute).
async fn until(log: &Mutex<Vec<Upload>>, what: &str, ready: impl Fn(&[Upload]) -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !ready(&log.lock().unwrap()) {
        assert!(
            Instant::now() < deadline,
            "the writer did not get {what} within a minute"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_pg_dump_then_blobs_while_serving_restores_what_the_dump_holds() {
    let Some(s) = TestServer::start_postgres().await else {
        return;
    };
    let (Some(pg_dump), Some(pg_restore)) = (pg_program("pg_dump"), pg_program("pg_restore")) else {
        s.shutdown().await;
        return;
    };
    let url = s.app.config.database.url.clone();
    fill(&s).await;
    let big: Vec<u8> = (0..6 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    assert_eq!(s.put_as(A.0, A.1, "/docs/users/alice/big.bin", big.clone()).await, 201);
    assert_eq!(s.mkcol_as(A.0, A.1, "/docs/users/alice/live").await, 201);

    // A writer that keeps uploading new files until told to stop.
    let log = Arc::new(Mutex::new(Vec::<Upload>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (log, stop, client, base) = (log.clone(), stop.clone(), s.client.clone(), s.base.clone());
        tokio::spawn(async move {
            let mut i = 0usize;
            while !stop.load(Ordering::SeqCst) {
                let path = format!("/docs/users/alice/live/w{i:05}.bin");
                let mut content = format!("upload {i}\n").into_bytes();
                content.resize(64 * 1024 + i, b'.');
                let sent = Instant::now();
                let status = client
                    .put(format!("{base}{path}"))
                    .basic_auth(A.0, Some(A.1))
                    .body(content.clone())
                    .send()
                    .await
                    .map_or(0, |r| r.status().as_u16());
                let answered = Instant::now();
                log.lock().unwrap().push(Upload {
                    path,
                    content,
                    sent,
                    answered,
                    status,
                });
                i += 1;
            }
        })
    };
    until(&log, "3 uploads", |l| l.len() >= 3).await;

    // What the first server answers before the dump starts: all of it existed when it started.
    let before = everything(&s).await;
    let live_before = members(&s, "/docs/users/alice/live/").await;
    assert!(!live_before.is_empty());

    // pg_dump first, while the writer goes on.
    let work = tempfile::tempdir().unwrap();
    let dump = work.path().join("portico.dump");
    let dump_started = Instant::now();
    let dump_path = dump.to_str().unwrap();
    let args = ["--format=custom", "--file", dump_path, "--dbname", url.as_str()];
    run(&pg_dump, &args).await;
    let dump_ended = Instant::now();

    // Then blobs/, once uploads have happened after the dump (those must not come back), with
    // the writer still going.
    until(&log, "3 uploads after the dump", |l| {
        l.iter().filter(|u| u.sent > dump_ended).count() >= 3
    })
    .await;
    let restored = work.path().join("restored");
    let (from, to) = (s.app.config.storage.data_dir.join("blobs"), restored.join("blobs"));
    let copied = tokio::task::spawn_blocking(move || copy_tree(&from, &to))
        .await
        .unwrap()
        .unwrap();
    assert!(copied >= 6, "{copied} files copied");
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();
    s.shutdown().await;
    let uploads = std::mem::take(&mut *log.lock().unwrap());
    for u in &uploads {
        assert_eq!(u.status, 201, "upload of {}", u.path);
    }

    // pg_restore into a new, empty database; a server on it and the copied blobs.
    let restored_url = common::fresh_postgres_url().await.expect("a second test database");
    let args = [
        "--exit-on-error",
        "--no-owner",
        "--dbname",
        restored_url.as_str(),
        dump_path,
    ];
    run(&pg_restore, &args).await;
    let again = TestServer::start_with(|c| {
        c.database.url = restored_url.clone();
        c.storage.data_dir = restored.clone();
    })
    .await;

    // Everything that existed when the dump started, with the same entity tags, contents and
    // lists of versions (the 6 MiB file too).
    let after = everything(&again).await;
    assert_eq!(
        before.iter().map(|b| &b.0).collect::<Vec<_>>(),
        after.iter().map(|a| &a.0).collect::<Vec<_>>()
    );
    for (b, a) in before.iter().zip(&after) {
        assert_eq!((&b.0, &b.1), (&a.0, &a.1), "same object and entity tag");
        assert!(b.2 == a.2, "same content of {}", b.0);
    }
    assert!(
        after.iter().any(|a| a.0 == "/docs/users/alice/big.bin" && a.2 == big),
        "the big file"
    );

    // The writer's files: every one listed before the dump is there with its entity tag; every
    // one listed has its content (no row without its blob); one uploaded after the dump ended
    // is absent, one uploaded while it ran is absent or complete — never an error.
    let live_after = members(&again, "/docs/users/alice/live/").await;
    for (path, etag) in &live_before {
        assert!(
            live_after.iter().any(|(p, e)| p == path && e == etag),
            "{path} ({etag}) listed before the dump is restored"
        );
    }
    for (path, _) in &live_after {
        assert!(
            uploads.iter().any(|u| u.path == *path),
            "{path} was uploaded by the writer"
        );
    }
    let (mut present, mut absent) = (0, 0);
    for u in &uploads {
        let (status, body) = again.get_as(A.0, A.1, &u.path).await;
        match status {
            200 => {
                assert!(body == u.content, "{} restored with its content", u.path);
                assert!(
                    u.sent < dump_ended,
                    "{} was uploaded after the dump and came back",
                    u.path
                );
                present += 1;
            }
            404 => {
                assert!(
                    u.answered > dump_started,
                    "{} was uploaded before the dump and is missing",
                    u.path
                );
                absent += 1;
            }
            other => panic!("GET {} answered {other} on the restored server", u.path),
        }
    }
    assert!(
        present >= live_before.len() && absent >= 3,
        "{present} present, {absent} absent"
    );
    assert_eq!(present, live_after.len(), "every restored upload is listed");

    // The restored database goes on: new rows get new ids.
    assert_eq!(
        again.put_as(A.0, A.1, "/docs/users/alice/live/new.bin", "new").await,
        201
    );
    let resp = again
        .req_as(A.0, A.1, "PUT", "/dav/calendars/alice/calendar/new.ics")
        .header("Content-Type", "text/calendar")
        .body(event("new"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);
    again.shutdown().await;
}
