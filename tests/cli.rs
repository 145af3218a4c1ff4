//! The `portico` binary's command-line contract and its one-line start-up errors.

use portico::store::repos::*;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn portico() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_portico"));
    cmd.env_remove("PORTICO_ADMIN_PASSWORD").env_remove("RUST_LOG");
    cmd
}

fn run(cmd: &mut Command) -> (bool, String, String) {
    let out = cmd.output().expect("run portico");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn help_lists_the_commands() {
    let (ok, out, _) = run(portico().arg("--help"));
    assert!(ok);
    for word in ["serve", "user", "check-config", "dev-cert", "demo"] {
        assert!(out.contains(word), "{word} missing from help:\n{out}");
    }
}

#[test]
fn unknown_config_key_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("portico.toml");
    std::fs::write(&file, "[server]\nlisten = \"127.0.0.1:0\"\nlisten_port = 1\n").unwrap();
    let (ok, _, err) = run(portico().args(["check-config", "--config"]).arg(&file));
    assert!(!ok);
    assert!(err.contains("listen_port"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
}

#[test]
fn check_config_reports_settings() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, out, err) = run(portico()
        .args(["check-config", "--data"])
        .arg(dir.path())
        .env("PORTICO_SERVER__LISTEN", "127.0.0.1:9999"));
    assert!(ok, "{err}");
    assert!(out.contains("127.0.0.1:9999"), "{out}");
}

#[test]
fn bad_database_url_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, err) = run(portico()
        .args(["user", "list", "--data"])
        .arg(dir.path())
        .env("PORTICO_DATABASE__URL", "mysql://root@localhost/x"));
    assert!(!ok);
    assert!(err.contains("mysql://"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn unusable_data_dir_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    let (ok, _, err) = run(portico().args(["user", "list", "--data"]).arg(&file));
    assert!(!ok);
    assert!(err.contains("not-a-dir"), "{err}");
}

#[test]
fn port_in_use_is_one_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    let (ok, _, err) = run(portico().args(["serve", "--listen", &addr, "--data"]).arg(dir.path()));
    assert!(!ok);
    assert!(err.contains(&addr) && err.to_lowercase().contains("in use"), "{err}");
}

#[test]
fn user_add_list_passwd() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let mut add = portico()
        .args([
            "user",
            "add",
            "alice",
            "--password-stdin",
            "--email",
            "alice@example.test",
            "--name",
            "Alice Smith",
            "--data",
            data,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin.take().unwrap().write_all(b"s3cret\n").unwrap();
    let out = add.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let (ok, _, err) = run(portico().args(["user", "add", "alice", "--data", data]));
    assert!(!ok && err.contains("already taken"), "{err}");
    let (ok, _, err) = run(portico().args(["user", "add", "bad name", "--data", data]));
    assert!(!ok && err.contains("login"), "{err}");

    let (ok, out, _) = run(portico().args(["user", "add", "bob", "--data", data]));
    assert!(ok && out.contains("password: "), "generated password is printed: {out}");

    let (ok, out, _) = run(portico().args(["user", "list", "--data", data]));
    assert!(ok);
    assert!(out.contains("alice\tAlice Smith\talice@example.test"), "{out}");
    assert!(out.contains("bob"), "{out}");

    let mut passwd = portico()
        .args(["user", "passwd", "nobody", "--password-stdin", "--data", data])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    passwd.stdin.take().unwrap().write_all(b"x\n").unwrap();
    let out = passwd.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nobody"));
}

#[test]
fn dev_cert_writes_a_pair() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, out, err) = run(portico().args(["dev-cert", "--out"]).arg(dir.path()));
    assert!(ok, "{err}");
    assert!(out.contains("cert.pem"));
    let cert = std::fs::read_to_string(dir.path().join("cert.pem")).unwrap();
    assert!(cert.starts_with("-----BEGIN CERTIFICATE-----"));
    assert!(dir.path().join("key.pem").exists());
}

#[test]
fn serve_prints_generated_admin_password_once_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let child = portico()
        .args(["serve", "--listen", &addr, "--data"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(&addr).is_err() {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "graceful exit");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("created administrator 'admin' with password: "),
        "{stdout}"
    );

    // A second start reuses the admin and prints no password.
    let again = portico()
        .args(["serve", "--listen", &addr, "--data"])
        .arg(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(&addr).is_err() {
        assert!(Instant::now() < deadline, "server did not restart");
        std::thread::sleep(Duration::from_millis(50));
    }
    Command::new("kill")
        .args(["-TERM", &again.id().to_string()])
        .status()
        .unwrap();
    let out = again.wait_with_output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("password"));
}

#[test]
fn docs_grants_and_groups() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let (ok, _, err) = run(portico().args(["user", "add", "alice", "--data", data]));
    assert!(ok, "{err}");
    let (ok, _, err) = run(portico().args(["group", "add", "finance", "--data", data]));
    assert!(ok, "{err}");
    let (ok, _, err) = run(portico().args(["group", "add-member", "finance", "alice", "--data", data]));
    assert!(ok, "{err}");

    let (ok, out, err) = run(portico().args([
        "docs",
        "grant",
        "/docs/shared/Finance/",
        "--group",
        "finance",
        "--level",
        "write",
        "--data",
        data,
    ]));
    assert!(ok, "{err}");
    assert!(out.contains("granted write"), "{out}");
    let (ok, out, _) = run(portico().args([
        "docs",
        "grant",
        "shared/Finance",
        "--user",
        "alice",
        "--level",
        "read",
        "--data",
        data,
    ]));
    assert!(ok, "{out}");
    let (ok, out, _) = run(portico().args(["docs", "grants", "shared/Finance", "--data", data]));
    assert!(ok);
    assert!(
        out.contains("group finance\twrite") && out.contains("user alice\tread"),
        "{out}"
    );

    let (ok, _, err) = run(portico().args([
        "docs", "grant", "shared/x", "--user", "nobody", "--level", "read", "--data", data,
    ]));
    assert!(!ok && err.contains("nobody"), "{err}");
    let (ok, _, err) = run(portico().args([
        "docs", "grant", "shared/x", "--user", "alice", "--level", "owner", "--data", data,
    ]));
    assert!(!ok && err.contains("--level"), "{err}");
    let (ok, _, err) = run(portico().args([
        "docs", "grant", "/etc/x", "--user", "alice", "--level", "read", "--data", data,
    ]));
    assert!(!ok && err.contains("/docs/"), "{err}");

    let (ok, _, err) = run(portico().args(["docs", "revoke", "shared/Finance", "--user", "alice", "--data", data]));
    assert!(ok, "{err}");
    let (ok, out, _) = run(portico().args(["docs", "grants", "shared/Finance", "--data", data]));
    assert!(ok && !out.contains("alice"), "{out}");
    let (ok, _, err) = run(portico().args(["docs", "revoke", "shared/Finance", "--user", "alice", "--data", data]));
    assert!(!ok && err.contains("no such grant"), "{err}");
}

#[test]
fn calendar_visibility_grants_and_feed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    for login in ["alice", "bob"] {
        let (ok, _, err) = run(portico().args(["user", "add", login, "--data", data]));
        assert!(ok, "{err}");
    }
    // Calendars are created on first access; make alice's now through the store.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("portico.db").display());
        let store = portico::store::Store::connect(&url, 1).await.unwrap();
        let alice = store.principal_by_login("alice").await.unwrap().unwrap();
        let new = portico::store::NewCollection {
            owner_id: alice.id,
            kind: "calendar",
            slug: "calendar",
            displayname: Some("Calendar"),
            description: None,
            color: None,
            timezone: None,
            components: "VEVENT",
        };
        store.create_collection(&new).await.unwrap();
        store.close().await;
    });
    let (ok, out, err) = run(portico().args(["calendar", "visibility", "alice/calendar", "titles", "--data", data]));
    assert!(ok && out.contains("titles"), "{out}{err}");
    let (ok, _, err) = run(portico().args(["calendar", "visibility", "alice/calendar", "public", "--data", data]));
    assert!(!ok && err.contains("private, busy, titles or all"), "{err}");
    let (ok, _, err) = run(portico().args([
        "calendar",
        "grant",
        "alice/calendar",
        "--user",
        "bob",
        "--level",
        "write",
        "--data",
        data,
    ]));
    assert!(ok, "{err}");
    let (ok, _, err) = run(portico().args([
        "calendar",
        "grant",
        "alice/nope",
        "--user",
        "bob",
        "--level",
        "read",
        "--data",
        data,
    ]));
    assert!(!ok && err.contains("no calendar"), "{err}");
    let (ok, out, err) = run(portico().args(["calendar", "feed", "alice/calendar", "--data", data]));
    assert!(
        ok && out.starts_with("/ical/") && out.trim().ends_with(".ics"),
        "{out}{err}"
    );
    let (ok, out, _) = run(portico().args(["calendar", "feed", "alice/calendar", "--revoke", "--data", data]));
    assert!(ok && out.contains("revoked"), "{out}");
}

#[test]
fn rooms_are_resources_with_a_free_busy_calendar() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let (ok, out, err) = run(portico().args(["room", "add", "room-berlin-1", "--name", "Berlin 1", "--data", data]));
    assert!(ok, "{err}");
    assert!(out.contains("/dav/calendars/room-berlin-1/calendar/"), "{out}");
    let (ok, _, err) = run(portico().args(["room", "add", "room-berlin-1", "--data", data]));
    assert!(!ok && err.contains("already taken"), "{err}");
    let (ok, _, err) = run(portico().args(["room", "add", "bad room", "--data", data]));
    assert!(!ok && err.contains("room"), "{err}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("portico.db").display());
        let store = portico::store::Store::connect(&url, 1).await.unwrap();
        let room = store.principal_by_login("room-berlin-1").await.unwrap().unwrap();
        assert_eq!(room.kind, portico::store::PrincipalKind::Resource);
        let cal = store
            .collection(room.id, "calendar", "calendar")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(cal.visibility, "busy");
        store.close().await;
    });
}

#[test]
fn team_calendars_of_company_department_and_group() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let (ok, out, err) = run(portico().args([
        "calendar",
        "team",
        "events",
        "--company",
        "--name",
        "Company events",
        "--data",
        data,
    ]));
    assert!(ok, "{err}");
    assert!(out.contains("/dav/calendars/@company/events/"), "{out}");
    let (ok, _, err) = run(portico().args(["calendar", "team", "events", "--company", "--data", data]));
    assert!(!ok && err.contains("events"), "a second calendar of that name: {err}");
    let (ok, _, err) = run(portico().args(["calendar", "team", "plan", "--department", "nope", "--data", data]));
    assert!(!ok && err.contains("no department \"nope\""), "{err}");
    let (ok, _, err) = run(portico().args(["calendar", "team", "plan", "--group", "nope", "--data", data]));
    assert!(!ok && err.contains("no group \"nope\""), "{err}");
    let (ok, _, err) = run(portico().args(["calendar", "team", "plan", "--data", data]));
    assert!(!ok && err.contains("--company, --department or --group"), "{err}");
    let (ok, _, err) = run(portico().args(["group", "add", "devs", "--data", data]));
    assert!(ok, "{err}");
    let (ok, out, err) = run(portico().args([
        "calendar",
        "team",
        "sprints",
        "--group",
        "devs",
        "--tasks",
        "--visibility",
        "busy",
        "--data",
        data,
    ]));
    assert!(ok && out.contains("devs~sprints"), "{out}{err}");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("portico.db").display());
        let store = portico::store::Store::connect(&url, 1).await.unwrap();
        let company = store.principal_by_login("@company").await.unwrap().unwrap();
        assert_eq!(company.team, Some(portico::store::Team::Company));
        let events = store
            .collection(company.id, "calendar", "events")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (events.visibility.as_str(), events.displayname.as_deref()),
            ("all", Some("Company events"))
        );
        let devs = store.principal_by_login("devs").await.unwrap().unwrap();
        let sprints = store.collection(devs.id, "calendar", "sprints").await.unwrap().unwrap();
        assert_eq!(
            (sprints.visibility.as_str(), sprints.components.as_str()),
            ("busy", "VTODO")
        );
        store.close().await;
    });
}
