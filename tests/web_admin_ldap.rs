//! The directory page's LDAP tools over HTTP, in-process: "test connection" answers in words
//! (how many entries the user filter matches, a refused bind, a missing base DN, a server that
//! cannot be reached or does not answer) within its ten seconds, never shows the bind password,
//! and is for administrators only; after a sync started from the page, the page shows the
//! pass's figures and the entries it skipped, with their reasons. While a pass runs (held by a
//! fake directory), the page shows its phase and refreshes itself, and a second pass ("sync
//! now", the scheduled job, the service) is refused at once without being recorded as failed.
//!
//! The tests against a directory need `PORTICO_TEST_LDAP_*` (see conformance/slapd.sh); without
//! them they skip, and under `CI=true` their absence fails. They add entries of their own:
//! `account` entries, which the other tests' filter (`inetOrgPerson`) does not see, so their
//! counts stay as they were; they delete them again at the end.

mod common;

use portico::store::repos::*;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::directory::{Env, env, needs_full_pass, person, snapshot};
use common::{ADMIN_PASSWORD, TestServer, csrf, page, post_form};
use ldap_sync::{DepartmentSource, DisabledRule, Flavor, LdapConfig, Secret};
use ldap3::{LdapConnAsync, Mod};
use portico::core::directory::{LastPass, SyncError, SyncPhase};
use portico::core::{Actor, ErrorKind};
use portico::jobs::ldap::JobError;
use reqwest::StatusCode;
use tokio::sync::Notify;

const EMP: (&str, &str) = ("emma", "emma-pw");

fn ldap_config(url: &str, bind_dn: &str, password: &str, base: &str, user_filter: Option<&str>) -> LdapConfig {
    LdapConfig {
        url: url.into(),
        bind_dn: bind_dn.into(),
        bind_password: Secret::new(password.to_owned()),
        base_dn: base.into(),
        flavor: Flavor::OpenLdap,
        user_filter: user_filter.map(str::to_owned),
        group_filter: None,
        starttls: false,
        tls_ca_file: None,
        department_source: DepartmentSource::Attribute,
        department_ou_base: None,
        attributes: Default::default(),
        disabled: Some(DisabledRule::Equals {
            attribute: "employeeType".into(),
            value: "disabled".into(),
        }),
        page_size: 200,
        timeout_seconds: 30,
        max_deactivate_percent: 20,
    }
}

async fn admin(s: &TestServer) -> (String, String) {
    let cookie = s.sign_in("admin", ADMIN_PASSWORD).await;
    let (_, html) = page(s, &cookie, "/admin/directory").await;
    let token = csrf(&html);
    (cookie, token)
}

/// Presses "test connection" as the administrator: the status, the page, and how long it took.
async fn test_connection(s: &TestServer) -> (StatusCode, String, Duration) {
    let (cookie, token) = admin(s).await;
    let started = Instant::now();
    let (status, _, html) = post_form(s, &cookie, "/admin/directory", &[("csrf", &token), ("action", "test")]).await;
    (status, html, started.elapsed())
}

/// A name no other run uses.
fn run_id() -> String {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
        .to_string()
}

/// The directory as its administrator (the rootdn), to add and remove the tests' entries.
async fn directory_admin(e: &Env) -> ldap3::Ldap {
    let (conn, mut ldap) = LdapConnAsync::new(&e.url).await.expect("connect");
    ldap3::drive!(conn);
    ldap.simple_bind(&e.admin_dn, &e.admin_password)
        .await
        .unwrap()
        .success()
        .expect("admin bind");
    ldap
}

/// Adds an `account` entry with this uid (and a title, which `extensibleObject` allows).
async fn add_account(ldap: &mut ldap3::Ldap, dn: &str, uid: &str, title: Option<&str>) {
    let mut classes = HashSet::from(["account"]);
    let mut attrs = vec![("uid", HashSet::from([uid]))];
    if let Some(title) = title {
        classes.insert("extensibleObject");
        attrs.push(("title", HashSet::from([title])));
    }
    attrs.push(("objectClass", classes));
    if let Err(e) = ldap.add(dn, attrs).await.unwrap().success() {
        panic!("adding {dn}: {e}");
    }
}

async fn remove(ldap: &mut ldap3::Ldap, dns: &[String]) {
    for dn in dns {
        let _ = ldap.delete(dn).await;
    }
}

#[tokio::test]
async fn an_unreachable_directory_is_named_at_once_and_employees_may_not_test() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("ldap://127.0.0.1:{closed}");
    let config = ldap_config(
        &url,
        "cn=portico,ou=Services,dc=corp,dc=test",
        "never-shown-pw",
        "dc=corp,dc=test",
        None,
    );
    let in_server = config.clone();
    let s = TestServer::start_with(move |c| c.ldap = Some(in_server)).await;
    s.add_user(EMP.0, EMP.1).await;

    // An employee, even with a valid token of her own session, gets 403; the service refuses
    // her too.
    let emma_cookie = s.sign_in(EMP.0, EMP.1).await;
    let (_, settings) = page(&s, &emma_cookie, "/settings").await;
    let token = csrf(&settings);
    let (st, _, body) = post_form(
        &s,
        &emma_cookie,
        "/admin/directory",
        &[("csrf", &token), ("action", "test")],
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{body}");
    assert!(!body.contains("Cannot connect"), "{body}");
    let emma = s.app.store.principal_by_login(EMP.0).await.unwrap().unwrap();
    let refused = s
        .app
        .core
        .directory(&Actor::user(emma))
        .test_connection(&config)
        .await
        .expect_err("employees may not test");
    assert_eq!(refused.kind, ErrorKind::Forbidden);

    // The administrator learns at once that nothing listens there, without the password.
    let (st, html, took) = test_connection(&s).await;
    assert_eq!(st, StatusCode::OK);
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert!(
        html.contains(&format!("Cannot connect to the directory server at {url}")),
        "{html}"
    );
    assert!(!html.contains("never-shown-pw"), "{html}");
    s.shutdown().await;
}

#[tokio::test]
async fn a_directory_that_never_answers_is_given_up_on_in_time() {
    // The kernel accepts connections to a listening socket that nobody accepts from: the
    // client connects, and the bind is never answered.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let mut config = ldap_config(
        &format!("ldap://127.0.0.1:{port}"),
        "cn=portico,ou=Services,dc=corp,dc=test",
        "never-shown-pw",
        "dc=corp,dc=test",
        None,
    );
    config.timeout_seconds = 2;
    let s = TestServer::start_with(move |c| c.ldap = Some(config)).await;
    let (st, html, took) = test_connection(&s).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        html.contains("The directory server did not answer within 2 s."),
        "{html}"
    );
    assert!(took < Duration::from_secs(8), "the configured 2 s, not more: {took:?}");
    assert!(!html.contains("never-shown-pw"), "{html}");
    drop(silent);
    s.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_connection_counts_the_entries_and_names_what_failed() {
    let Some(e) = env() else { return };
    let run = run_id();
    let mut ldap = directory_admin(&e).await;
    let ours: Vec<String> = ["a", "b"]
        .iter()
        .map(|n| format!("uid=probe-{n}-{run},{}", e.base))
        .collect();
    for (dn, n) in ours.iter().zip(["a", "b"]) {
        add_account(&mut ldap, dn, &format!("probe-{n}-{run}"), None).await;
    }
    let filter = format!("(&(objectClass=account)(|(uid=probe-a-{run})(uid=probe-b-{run})))");

    // The filter matches exactly the two entries just added.
    let good = ldap_config(&e.url, &e.bind_dn, &e.bind_password, &e.base, Some(&filter));
    let s = TestServer::start_with(move |c| c.ldap = Some(good)).await;
    let (st, html, took) = test_connection(&s).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        html.contains("Connected and signed in. The user filter matches 2 entries ("),
        "{html}"
    );
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert!(!html.contains(&e.bind_password), "the bind password is never shown");
    s.shutdown().await;

    // The company's people: a thousand at most are counted.
    let everyone = ldap_config(&e.url, &e.bind_dn, &e.bind_password, &e.base, None);
    let s = TestServer::start_with(move |c| c.ldap = Some(everyone)).await;
    let (st, html, _) = test_connection(&s).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        html.contains("Connected and signed in. The user filter matches "),
        "{html}"
    );
    s.shutdown().await;

    // A wrong bind password: refused, in words, and neither password appears.
    let wrong_password = format!("wrong-pw-{run}");
    let wrong = ldap_config(&e.url, &e.bind_dn, &wrong_password, &e.base, None);
    let s = TestServer::start_with(move |c| c.ldap = Some(wrong)).await;
    let (st, html, _) = test_connection(&s).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        html.contains(&format!(
            "The directory refused the bind as {}: invalid credentials",
            e.bind_dn
        )),
        "{html}"
    );
    assert!(!html.contains(&wrong_password), "{html}");
    assert!(!html.contains(&e.bind_password), "{html}");
    s.shutdown().await;

    // A base DN that does not exist.
    let missing_base = format!("ou=Nowhere{run},{}", e.base);
    let lost = ldap_config(&e.url, &e.bind_dn, &e.bind_password, &missing_base, None);
    let s = TestServer::start_with(move |c| c.ldap = Some(lost)).await;
    let (st, html, _) = test_connection(&s).await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        html.contains(&format!("The base DN {missing_base} does not exist")),
        "{html}"
    );
    s.shutdown().await;

    remove(&mut ldap, &ours).await;
    ldap.unbind().await.ok();
}

/// Waits for the sync started from the page to record a pass that `done` accepts.
async fn recorded_pass(s: &TestServer, done: impl Fn(&LastPass) -> bool) -> LastPass {
    let system = Actor::system();
    let directory = s.app.core.directory(&system);
    for _ in 0..600 {
        if let Some(last) = directory.last_pass().await.expect("last pass")
            && done(&last)
        {
            return last;
        }
        let state = s
            .app
            .store
            .directory_state(portico::jobs::ldap::SOURCE)
            .await
            .expect("state");
        if let Some(state) = state
            && state.last_status.as_deref() == Some("failed")
        {
            panic!("the sync failed: {:?}", state.last_error);
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    panic!("no sync pass recorded within three minutes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_sync_the_page_shows_its_figures_and_the_skipped_entries() {
    let Some(e) = env() else { return };
    let run = run_id();
    let mut ldap = directory_admin(&e).await;
    // An unusable login, two entries claiming one login, and one good entry with a title.
    let bad_login = format!("web admin {run}");
    let bad = format!("uid={bad_login},{}", e.base);
    let dup_login = format!("dup-{run}");
    let dup = [
        format!("uid={dup_login},{}", e.base),
        format!("uid={dup_login},ou=Services,{}", e.base),
    ];
    let good = format!("uid=ok-{run},{}", e.base);
    add_account(&mut ldap, &bad, &bad_login, None).await;
    for dn in &dup {
        add_account(&mut ldap, dn, &dup_login, None).await;
    }
    add_account(&mut ldap, &good, &format!("ok-{run}"), Some("Tester")).await;
    let ours = [bad.clone(), dup[0].clone(), dup[1].clone(), good.clone()];

    let config = ldap_config(
        &e.url,
        &e.bind_dn,
        &e.bind_password,
        &e.base,
        Some("(|(objectClass=inetOrgPerson)(objectClass=account))"),
    );
    let s = TestServer::start_with(move |c| c.ldap = Some(config)).await;
    let (cookie, token) = admin(&s).await;
    let (st, location, _) = post_form(&s, &cookie, "/admin/directory", &[("csrf", &token), ("action", "sync")]).await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert_eq!(location, "/admin/directory?done=1");
    let first = recorded_pass(&s, |_| true).await;
    assert!(first.full, "{first:?}");
    assert!(first.created >= 1000, "the company and the good entry: {first:?}");
    assert!(first.skipped_total >= 3, "{first:?}");

    let (st, html) = page(&s, &cookie, "/admin/directory").await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("Last completed sync: full, "), "{html}");
    for (label, n) in [
        ("Created", first.created),
        ("Updated", first.updated),
        ("Deactivated", first.deactivated),
        ("Unchanged", first.unchanged),
        ("Skipped", first.skipped_total),
    ] {
        assert!(
            html.contains(&format!("<dt>{label}</dt><dd>{n}</dd>")),
            "{label} {n}: {html}"
        );
    }
    let row = |dn: &str, reason: &str| format!("<tr><td>{dn}</td><td>{reason}</td></tr>");
    assert!(
        html.contains(&row(
            &bad,
            &format!("the login “{bad_login}” is not usable (letters, digits, “.”, “_” and “-”, at most 64)")
        )),
        "{html}"
    );
    for dn in &dup {
        assert!(
            html.contains(&row(dn, &format!("another entry has the same login “{dup_login}”"))),
            "{html}"
        );
    }
    assert!(!html.contains(&e.bind_password), "the bind password is never shown");

    // The good entry gets another title: the next pass (changes only) updates it.
    if let Err(err) = ldap
        .modify(&good, vec![Mod::Replace("title", HashSet::from(["Chief Tester"]))])
        .await
        .unwrap()
        .success()
    {
        panic!("changing {good}: {err}");
    }
    let (st, _, _) = post_form(&s, &cookie, "/admin/directory", &[("csrf", &token), ("action", "sync")]).await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let second = recorded_pass(&s, |last| !last.full).await;
    assert!(second.updated >= 1, "{second:?}");
    let (_, html) = page(&s, &cookie, "/admin/directory").await;
    assert!(html.contains("Last completed sync: changes only, "), "{html}");
    assert!(
        html.contains(&format!("<dt>Updated</dt><dd>{}</dd>", second.updated)),
        "{html}"
    );

    s.shutdown().await;
    remove(&mut ldap, &ours).await;
    ldap.unbind().await.ok();
}

/// The page's self-refresh while a sync runs.
const REFRESH: &str = r#"<meta http-equiv="refresh" content="2">"#;

/// A directory whose full pass tells the test it has begun, then waits until the test lets it
/// go, and answers with two people.
struct HeldDirectory {
    reading: Notify,
    release: Notify,
}

impl HeldDirectory {
    fn new() -> HeldDirectory {
        HeldDirectory {
            reading: Notify::new(),
            release: Notify::new(),
        }
    }
}

impl ldap_sync::DirectorySource for HeldDirectory {
    async fn full_pass(&self) -> Result<ldap_sync::Snapshot, ldap_sync::DirectoryError> {
        self.reading.notify_one();
        self.release.notified().await;
        Ok(snapshot(vec![
            person("ann", "Ann Archer", "Board", None),
            person("leo", "Leo Long", "Board", None),
        ]))
    }

    async fn delta_pass(&self, _: &ldap_sync::Cursor) -> Result<ldap_sync::DeltaOutcome, ldap_sync::DirectoryError> {
        Ok(needs_full_pass())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_sync_is_refused_while_one_runs_and_the_page_follows_it() {
    // Configured (so the page offers "sync now") towards a port nothing listens on; the first
    // pass reads the held directory instead.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = ldap_config(
        &format!("ldap://127.0.0.1:{closed}"),
        "cn=portico,ou=Services,dc=corp,dc=test",
        "never-shown-pw",
        "dc=corp,dc=test",
        None,
    );
    let in_server = config.clone();
    let s = TestServer::start_with(move |c| c.ldap = Some(in_server)).await;
    let (cookie, token) = admin(&s).await;
    let (_, idle) = page(&s, &cookie, "/admin/directory").await;
    assert!(
        !idle.contains(REFRESH) && !idle.contains("Sync running since"),
        "{idle}"
    );

    // The first pass, watched as the command line watches it, is held while it reads.
    let system = Actor::system();
    let held = Arc::new(HeldDirectory::new());
    let phases: Arc<Mutex<Vec<SyncPhase>>> = Arc::default();
    let seen = phases.clone();
    let claim = s
        .app
        .core
        .directory(&system)
        .claim_sync()
        .unwrap()
        .expect("no pass runs yet")
        .observed(move |phase| seen.lock().unwrap().push(phase));
    let first = {
        let (app, held, config) = (s.app.clone(), held.clone(), config.clone());
        tokio::spawn(async move {
            let system = Actor::system();
            app.core
                .directory(&system)
                .sync_claimed(&claim, &*held, &config, 24, true)
                .await
        })
    };
    tokio::time::timeout(Duration::from_secs(30), held.reading.notified())
        .await
        .expect("the first pass reads the directory");

    let (st, html) = page(&s, &cookie, "/admin/directory").await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        html.contains(REFRESH),
        "the page refreshes itself while the pass runs: {html}"
    );
    assert!(
        html.contains("Sync running since ") && html.contains(" UTC — reading the directory</p>"),
        "{html}"
    );

    // "Sync now" says that a pass runs, and starts none.
    let (st, _, html) = post_form(&s, &cookie, "/admin/directory", &[("csrf", &token), ("action", "sync")]).await;
    assert_eq!(st, StatusCode::CONFLICT, "{html}");
    assert!(html.contains("A directory sync is already running"), "{html}");
    assert!(html.contains(REFRESH), "{html}");
    // The scheduled job's tick is skipped, and another caller of the service refused, at once.
    let skipped = portico::jobs::ldap::run(&s.app, false).await.expect_err("a pass runs");
    assert!(matches!(skipped, JobError::Sync(SyncError::Busy)), "{skipped}");
    let other = HeldDirectory::new();
    let refused = tokio::time::timeout(
        Duration::from_secs(10),
        s.app.core.directory(&system).sync(&other, &config, 24, true),
    )
    .await
    .expect("refused at once")
    .expect_err("a pass runs");
    assert!(matches!(refused, SyncError::Busy), "{refused}");
    let status = s
        .app
        .store
        .directory_state(portico::jobs::ldap::SOURCE)
        .await
        .unwrap()
        .and_then(|state| state.last_status);
    assert_ne!(status.as_deref(), Some("failed"), "a refused pass is not a failed one");

    held.release.notify_one();
    let report = tokio::time::timeout(Duration::from_secs(60), first)
        .await
        .expect("the first pass ends")
        .expect("its task")
        .expect("the first pass");
    assert_eq!(report.summary.created, 2, "{:?}", report.summary);
    assert_eq!(
        *phases.lock().unwrap(),
        [
            SyncPhase::Reading { entries: None },
            SyncPhase::Reading { entries: Some(2) },
            SyncPhase::Applying {
                created: 2,
                updated: 0,
                deactivated: 0,
            },
            SyncPhase::WritingBooks,
        ],
        "the phases in order (no photos to store)"
    );

    // Done: the last result as before, and no more refreshing.
    let (st, html) = page(&s, &cookie, "/admin/directory").await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        !html.contains(REFRESH) && !html.contains("Sync running since"),
        "{html}"
    );
    assert!(html.contains("Last completed sync: full, "), "{html}");
    assert!(html.contains("<dt>Created</dt><dd>2</dd>"), "{html}");

    // A pass that fails gives the claim back too (nothing listens on the configured port).
    let failed = portico::jobs::ldap::run(&s.app, true)
        .await
        .expect_err("nothing listens");
    assert!(!matches!(failed, JobError::Sync(SyncError::Busy)), "{failed}");
    let directory = s.app.core.directory(&system);
    assert_eq!(directory.sync_progress().unwrap(), None);
    assert!(directory.claim_sync().unwrap().is_some(), "free again");
    s.shutdown().await;
}
