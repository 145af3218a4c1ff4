//! Directory sync end to end: a real OpenLDAP (`conformance/slapd.sh`, started by the test
//! command) with a generated company; a full pass, ten changes made over LDAP, a delta pass
//! that applies exactly those (and logs them as staff changes), a full pass that finds the
//! deleted account; a failing directory that leaves the data as it was; and `portico
//! sync-ldap --progress`, which reports the phases on stderr and keeps the summary last.
//!
//! Needs `PORTICO_TEST_LDAP_*` (see conformance/slapd.sh); under `CI=true` their absence fails.

mod common;

use portico::store::repos::*;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use ldap_sync::{DepartmentSource, DisabledRule, Flavor, LdapConfig, Secret};
use ldap3::{LdapConnAsync, Mod};
use portico::app::App;
use portico::config::Config;

use common::directory::env;

fn ldap_config(url: &str, bind_dn: &str, password: &str, base: &str) -> LdapConfig {
    LdapConfig {
        url: url.into(),
        bind_dn: bind_dn.into(),
        bind_password: Secret::new(password.to_owned()),
        base_dn: base.into(),
        flavor: Flavor::OpenLdap,
        user_filter: None,
        group_filter: None,
        starttls: false,
        tls_ca_file: None,
        department_source: DepartmentSource::Ou,
        department_ou_base: Some(format!("ou=People,{base}")),
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

async fn app(dir: &std::path::Path, ldap: LdapConfig) -> Arc<App> {
    let mut config = Config::default();
    config.storage.data_dir = dir.join("data");
    config.ldap = Some(ldap);
    Arc::new(App::open(config).await.expect("open"))
}

async fn counts(app: &App) -> (i64, i64, i64) {
    (
        app.store.count_principals().await.unwrap(),
        app.store.count_employees().await.unwrap(),
        app.store.count_departments().await.unwrap(),
    )
}

async fn directory_book(app: &App) -> portico::store::Collection {
    let owner = app
        .store
        .principal_by_login("_directory")
        .await
        .unwrap()
        .expect("directory owner");
    app.store
        .collection(owner.id, "addressbook", "directory")
        .await
        .unwrap()
        .expect("directory book")
}

fn parent_dn(dn: &str) -> &str {
    dn.split_once(',').map_or("", |(_, rest)| rest)
}

#[tokio::test]
async fn delta_sync_applies_exactly_the_ten_changes() {
    let Some(e) = env() else { return };
    let dir = tempfile::tempdir().unwrap();
    let app = app(dir.path(), ldap_config(&e.url, &e.bind_dn, &e.bind_password, &e.base)).await;

    let first = portico::jobs::ldap::run(&app, true).await.expect("full pass");
    assert!(first.full);
    assert!(first.summary.created >= 1000, "{:?}", first.summary);
    let (_, employees, departments) = counts(&app).await;
    assert!(
        employees >= 1000 && departments >= 30,
        "{employees} employees in {departments} departments"
    );
    assert!(
        app.store.staff_changes_since(0).await.unwrap().is_empty(),
        "the first import logs no hires"
    );
    // Photos are the only stored contents here: the blob cleanup keeps every one.
    let cleanup = app
        .core
        .documents(&portico::core::Actor::system())
        .clean_blobs(std::time::Duration::ZERO)
        .await
        .unwrap();
    assert!(
        cleanup.examined >= 1 && cleanup.removed == 0,
        "photos are kept: {cleanup:?}"
    );
    let people = app.store.directory_people().await.unwrap();
    let with_manager = people.iter().filter(|p| p.manager_external_id.is_some()).count();
    assert!(
        with_manager * 10 >= people.len() * 9,
        "managers resolved: {with_manager} of {}",
        people.len()
    );
    let mut in_groups = 0;
    for p in people.iter().take(300) {
        let id = app.store.principal_by_login(&p.login).await.unwrap().unwrap().id;
        if !app.store.memberships(id).await.unwrap().group_ids.is_empty() {
            in_groups += 1;
        }
    }
    assert!(in_groups > 0, "directory groups become memberships");

    // Ten people, each changed once over LDAP.
    let active: Vec<_> = people.iter().filter(|p| p.active && p.dn.starts_with("uid=")).collect();
    let pick = |i: usize| active[(i * 97 + 13) % active.len()];
    let picked: Vec<_> = (0..10).map(pick).collect();
    let unique: HashSet<_> = picked.iter().map(|p| &p.external_id).collect();
    assert_eq!(unique.len(), 10);
    let run_id = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let (conn, mut ldap) = LdapConnAsync::new(&e.url).await.expect("connect");
    ldap3::drive!(conn);
    ldap.simple_bind(&e.admin_dn, &e.admin_password)
        .await
        .unwrap()
        .success()
        .expect("admin bind");
    for (n, p) in picked[0..3].iter().enumerate() {
        let title = format!("Chief Test Officer {n} ({run_id})");
        ldap.modify(&p.dn, vec![Mod::Replace("title", HashSet::from([title.as_str()]))])
            .await
            .unwrap()
            .success()
            .unwrap();
    }
    for p in &picked[3..5] {
        let target = active
            .iter()
            .find(|o| parent_dn(&o.dn) != parent_dn(&p.dn) && o.department != p.department)
            .unwrap();
        let rdn = p.dn.split(',').next().unwrap();
        ldap.modifydn(&p.dn, rdn, true, Some(parent_dn(&target.dn)))
            .await
            .unwrap()
            .success()
            .unwrap();
    }
    let disable = picked[5];
    ldap.modify(&disable.dn, vec![Mod::Add("employeeType", HashSet::from(["disabled"]))])
        .await
        .unwrap()
        .success()
        .unwrap();
    let deleted = picked[6];
    ldap.delete(&deleted.dn).await.unwrap().success().unwrap();
    let renamed = picked[7];
    let new_login = format!("renamed{run_id}");
    ldap.modifydn(&renamed.dn, &format!("uid={new_login}"), true, None)
        .await
        .unwrap()
        .success()
        .unwrap();
    for p in &picked[8..10] {
        let manager = active
            .iter()
            .find(|o| {
                Some(&o.external_id) != p.manager_external_id.as_ref()
                    && o.external_id != p.external_id
                    && !picked.iter().any(|x| x.external_id == o.external_id)
            })
            .unwrap();
        ldap.modify(
            &p.dn,
            vec![Mod::Replace("manager", HashSet::from([manager.dn.as_str()]))],
        )
        .await
        .unwrap()
        .success()
        .unwrap();
    }
    ldap.unbind().await.ok();

    let renamed_id = app.store.principal_by_login(&renamed.login).await.unwrap().unwrap().id;
    let book = directory_book(&app).await;
    let seq_before = book.sync_seq;
    let before = portico::store::now();
    let delta = portico::jobs::ldap::run(&app, false).await.expect("delta pass");
    assert!(!delta.full);
    assert_eq!(delta.summary.created, 0, "{:?}", delta.summary);
    assert_eq!(
        delta.summary.updated, 9,
        "the delete is found by the next full pass: {:?}",
        delta.summary
    );
    let logged = app.store.staff_changes_since(before).await.unwrap();
    let mut by_kind: BTreeMap<String, usize> = BTreeMap::new();
    for change in &logged {
        *by_kind.entry(change.kind.clone()).or_default() += 1;
    }
    let want: BTreeMap<String, usize> = [
        ("title_changed", 3),
        ("moved", 2),
        ("deactivated", 1),
        ("renamed", 1),
        ("manager_changed", 2),
    ]
    .into_iter()
    .map(|(k, n)| (k.to_owned(), n))
    .collect();
    assert_eq!(
        by_kind, want,
        "exactly the nine changed entries, as staff changes: {logged:#?}"
    );
    let after_rename = app
        .store
        .principal_by_login(&new_login)
        .await
        .unwrap()
        .expect("renamed login");
    assert_eq!(after_rename.id, renamed_id, "a rename is the same person");
    assert!(
        !app.store
            .principal_by_login(&disable.login)
            .await
            .unwrap()
            .unwrap()
            .active
    );

    // The company address book changed for exactly the changed people: cards of the title,
    // department and manager changes rewritten, the disabled person's card removed.
    let changes = app.store.changes_since(book.id, seq_before, 10_000).await.unwrap();
    let card = |p: &ldap_sync::LocalPerson| format!("{}.vcf", p.external_id);
    let reported: BTreeMap<String, bool> = changes.iter().map(|c| (c.name.clone(), c.deleted != 0)).collect();
    assert_eq!(
        reported.get(&card(disable)),
        Some(&true),
        "the disabled person's card is removed: {reported:?}"
    );
    for p in picked[0..5].iter().chain(&picked[8..10]) {
        assert_eq!(
            reported.get(&card(p)),
            Some(&false),
            "{} changed: {reported:?}",
            p.login
        );
    }
    let picked_cards: HashSet<String> = picked.iter().map(|p| card(p)).collect();
    assert!(
        reported.keys().all(|k| picked_cards.contains(k)),
        "only the changed people: {reported:?}"
    );

    let full = portico::jobs::ldap::run(&app, true).await.expect("full pass");
    assert_eq!(full.summary.deactivated, 1, "{:?}", full.summary);
    assert_eq!(full.summary.updated, 0, "{:?}", full.summary);
    assert!(
        !app.store
            .principal_by_login(&deleted.login)
            .await
            .unwrap()
            .unwrap()
            .active,
        "deleted: deactivated"
    );
}

#[tokio::test]
async fn a_failing_directory_leaves_the_data_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = "dc=corp,dc=test";
    let app = app(
        dir.path(),
        ldap_config(
            &format!("ldap://127.0.0.1:{closed}"),
            "cn=x,dc=corp,dc=test",
            "pw",
            base,
        ),
    )
    .await;
    portico::demo::seed(&app.core, "demo").await.unwrap();
    let before = counts(&app).await;
    let err = portico::jobs::ldap::run(&app, true).await.expect_err("unreachable");
    assert!(err.to_string().contains("directory"), "{err}");
    assert_eq!(counts(&app).await, before, "nothing changed");
    let state = app
        .store
        .directory_state(portico::jobs::ldap::SOURCE)
        .await
        .unwrap()
        .expect("status row");
    assert_eq!(state.last_status.as_deref(), Some("failed"));
    assert!(state.last_error.is_some());

    // A directory that refuses the service account's bind: same.
    if let Some(e) = env() {
        let app2 = app_with(dir.path(), ldap_config(&e.url, &e.bind_dn, "wrong-password", &e.base)).await;
        let before = counts(&app2).await;
        assert!(portico::jobs::ldap::run(&app2, true).await.is_err());
        assert_eq!(counts(&app2).await, before);
    }
}

async fn app_with(dir: &std::path::Path, ldap: LdapConfig) -> Arc<App> {
    app(&dir.join("second"), ldap).await
}

#[tokio::test]
async fn directory_people_sign_in_with_their_domain_password() {
    let Some(e) = env() else { return };
    let (Ok(login), Ok(password)) = (
        std::env::var("PORTICO_TEST_LDAP_USER"),
        std::env::var("PORTICO_TEST_LDAP_USER_PASSWORD"),
    ) else {
        panic!("conformance/slapd.sh exports PORTICO_TEST_LDAP_USER and _USER_PASSWORD");
    };
    let ldap = ldap_config(&e.url, &e.bind_dn, &e.bind_password, &e.base);
    let s = common::TestServer::start_with(move |c| c.ldap = Some(ldap)).await;
    portico::jobs::ldap::run(&s.app, true).await.expect("full pass");
    let book = format!("/dav/addressbooks/{login}/");
    for form in [login.clone(), format!("CORP\\{login}"), format!("{login}@corp.test")] {
        let resp = s
            .request("PROPFIND", &book)
            .header("Depth", "1")
            .basic_auth(&form, Some(&password))
            .send()
            .await
            .unwrap();
        assert_eq!(
            resp.status().as_u16(),
            207,
            "{form}: a CardDAV listing with the domain password"
        );
        let text = resp.text().await.unwrap();
        assert!(
            text.contains("/directory/"),
            "the company directory book is in the home: {text}"
        );
    }
    let resp = s
        .request("OPTIONS", "/dav/")
        .basic_auth(&login, Some("not-the-password"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    let resp = s
        .request("OPTIONS", "/dav/")
        .basic_auth(&login, Some(""))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401, "an empty password never binds anonymously");
    let web = s
        .request("POST", "/login")
        .form(&[("login", login.as_str()), ("password", password.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(web.status().as_u16(), 303, "web login with the domain password");
    s.shutdown().await;
}

/// `portico sync-ldap` as a script runs it: with `--progress` the phases go to stderr as they
/// begin, and without it (stderr is a pipe here) nothing but the start line; either way the
/// last line of the output is the summary the benchmark and the crash suite read.
#[test]
fn sync_ldap_reports_its_phases_on_stderr_when_asked() {
    let Some(e) = env() else { return };
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("portico.toml");
    let ou_base = format!("ou=People,{}", e.base);
    std::fs::write(
        &conf,
        format!(
            "[ldap]\nurl = {:?}\nbind_dn = {:?}\nbind_password = {:?}\nbase_dn = {:?}\nflavor = \"openldap\"\n\
             department_source = \"ou\"\ndepartment_ou_base = {ou_base:?}\n\
             disabled = {{ kind = \"equals\", attribute = \"employeeType\", value = \"disabled\" }}\n",
            e.url, e.bind_dn, e.bind_password, e.base
        ),
    )
    .unwrap();
    let data = dir.path().join("data");
    let sync = |progress: bool| {
        let mut args = vec![
            "sync-ldap",
            "--full",
            "--config",
            conf.to_str().unwrap(),
            "--data",
            data.to_str().unwrap(),
        ];
        if progress {
            args.push("--progress");
        }
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_portico"))
            .args(&args)
            .env_remove("PORTICO_DATABASE__URL")
            .output()
            .expect("run portico");
        let (stdout, stderr) = (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        );
        assert!(out.status.success(), "{stderr}");
        (stdout, stderr)
    };

    // The first import, with --progress.
    let (stdout, stderr) = sync(true);
    let notes: Vec<&str> = stderr.lines().filter(|l| l.starts_with("sync-ldap: ")).collect();
    let at = |prefix: &str| {
        notes
            .iter()
            .position(|l| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("no {prefix:?} in {stderr}"))
    };
    let reading = at("sync-ldap: reading the directory…");
    let read = at("sync-ldap: reading the directory… ");
    let applying = at("sync-ldap: applying ");
    let books = at("sync-ldap: writing the address books…");
    assert!(
        reading < read && read < applying && applying < books,
        "in order: {stderr}"
    );
    assert!(notes[read].ends_with(" entries"), "{stderr}");
    assert!(
        notes[applying].ends_with(" created, 0 updated, 0 deactivated…"),
        "a first import only creates: {stderr}"
    );
    assert!(
        !stdout.lines().any(|l| l.starts_with("sync-ldap:")),
        "stdout only has the summary: {stdout}"
    );
    let last = stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("full pass: ") && last.ends_with(" s"),
        "the summary is the last line: {stdout}"
    );
    assert!(last.contains(" created, 0 updated, 0 deactivated, "), "{stdout}");

    // Again, without: no phases. (The other tests change the directory meanwhile, so the
    // figures are not known.)
    let (stdout, stderr) = sync(false);
    assert!(
        !stderr.contains("sync-ldap: "),
        "no phases unless asked or on a terminal: {stderr}"
    );
    let last = stdout.lines().last().unwrap_or_default();
    assert!(last.starts_with("full pass: ") && last.ends_with(" s"), "{stdout}");
}
