//! The sync against a real directory server: OpenLDAP from `conformance/slapd.sh`, or a Samba
//! AD DC from `conformance/samba-ad.sh` (`PORTICO_TEST_LDAP_FLAVOR=active_directory`).
//!
//! The tests that need a server run only when `PORTICO_TEST_LDAP_URL` is set (with
//! `_BASE`, `_BIND_DN`, `_BIND_PASSWORD`, `_ADMIN_DN`, `_ADMIN_PASSWORD`; see
//! `conformance/slapd.sh env`); without it they print a skip line and pass, except under
//! `CI=true`, where a missing server is a failure. The scenario changes the directory (it
//! moves, renames, disables and deletes people), so give it a throwaway server.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::time::Instant;

use ldap_sync::{
    BindVerdict, Cursor, DeltaOutcome, DepartmentPath, DepartmentSource, DirectoryError, DirectorySource, DisabledRule,
    Flavor, Ldap3Source, LdapConfig, LocalPerson, Person, Plan, Rejection, ResyncReason, Secret, Snapshot, StaffChange,
    SyncPass, bind_check, normalize_dn, plan,
};
use ldap3::{LdapConnAsync, Mod, Scope, SearchEntry};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

struct TestEnv {
    url: String,
    ldaps_url: Option<String>,
    ca_file: Option<PathBuf>,
    flavor: Flavor,
    base: String,
    bind_dn: String,
    bind_password: String,
    admin_dn: String,
    admin_password: String,
    user: Option<(String, String)>,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The server to test, or `None` (test skipped) when `PORTICO_TEST_LDAP_URL` is not set.
fn test_env(test: &str) -> Option<TestEnv> {
    let Some(url) = var("PORTICO_TEST_LDAP_URL") else {
        assert!(
            var("CI").as_deref() != Some("true"),
            "CI=true but PORTICO_TEST_LDAP_URL is not set: the LDAP sync tests must run in CI \
             (scripts/test starts conformance/slapd.sh and exports it)"
        );
        eprintln!(
            "SKIPPED {test}: PORTICO_TEST_LDAP_URL is not set (eval \"$(conformance/slapd.sh start)\" to run it)"
        );
        return None;
    };
    let required = |name: &str| var(name).unwrap_or_else(|| panic!("PORTICO_TEST_LDAP_URL is set but {name} is not"));
    let flavor = match var("PORTICO_TEST_LDAP_FLAVOR").as_deref() {
        None | Some("openldap") => Flavor::OpenLdap,
        Some("active_directory") => Flavor::ActiveDirectory,
        Some(other) => panic!("PORTICO_TEST_LDAP_FLAVOR={other}: expected openldap or active_directory"),
    };
    Some(TestEnv {
        url,
        ldaps_url: var("PORTICO_TEST_LDAPS_URL"),
        ca_file: var("PORTICO_TEST_LDAP_CA_FILE").map(PathBuf::from),
        flavor,
        base: required("PORTICO_TEST_LDAP_BASE"),
        bind_dn: required("PORTICO_TEST_LDAP_BIND_DN"),
        bind_password: required("PORTICO_TEST_LDAP_BIND_PASSWORD"),
        admin_dn: required("PORTICO_TEST_LDAP_ADMIN_DN"),
        admin_password: required("PORTICO_TEST_LDAP_ADMIN_PASSWORD"),
        user: var("PORTICO_TEST_LDAP_USER").zip(var("PORTICO_TEST_LDAP_USER_PASSWORD")),
    })
}

impl TestEnv {
    /// The configuration the fixture's layout needs: departments are the OUs below
    /// `ou=People`; OpenLDAP marks disabled accounts with `employeeType: disabled`.
    fn config(&self) -> LdapConfig {
        LdapConfig {
            url: self.url.clone(),
            bind_dn: self.bind_dn.clone(),
            bind_password: Secret::new(self.bind_password.clone()),
            base_dn: self.base.clone(),
            flavor: self.flavor,
            user_filter: None,
            group_filter: None,
            starttls: false,
            tls_ca_file: None,
            department_source: DepartmentSource::Ou,
            department_ou_base: Some(format!("ou=People,{}", self.base)),
            attributes: Default::default(),
            disabled: match self.flavor {
                Flavor::OpenLdap => Some(DisabledRule::Equals {
                    attribute: "employeeType".into(),
                    value: "disabled".into(),
                }),
                Flavor::ActiveDirectory => None,
            },
            page_size: 100,
            timeout_seconds: 30,
            max_deactivate_percent: 20,
        }
    }

    fn source(&self, config: &LdapConfig) -> Ldap3Source {
        Ldap3Source::new(config).expect("test configuration is valid")
    }

    async fn admin(&self) -> ldap3::Ldap {
        let (conn, mut ldap) = LdapConnAsync::new(&self.url).await.expect("admin connection");
        ldap3::drive!(conn);
        ldap.simple_bind(&self.admin_dn, &self.admin_password)
            .await
            .and_then(|r| r.success())
            .expect("admin bind");
        ldap
    }
}

/// Applies a plan to an in-memory copy of the local people, the way the server applies it
/// to its tables.
fn apply(local: &mut Vec<LocalPerson>, plan: &Plan) {
    let mut by_id: BTreeMap<String, LocalPerson> = local.drain(..).map(|p| (p.external_id.clone(), p)).collect();
    for id in &plan.deactivate {
        if let Some(p) = by_id.get_mut(id) {
            p.active = false;
        }
    }
    for p in &plan.create {
        by_id.insert(p.external_id.clone(), LocalPerson::from_person(p, None));
    }
    for u in &plan.update {
        let previous = by_id.get(&u.person.external_id).cloned();
        by_id.insert(
            u.person.external_id.clone(),
            LocalPerson::from_person(&u.person, previous.as_ref()),
        );
    }
    *local = by_id.into_values().collect();
}

fn parent_dn(dn: &str) -> String {
    let bytes = dn.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b',' => return dn[i + 1..].to_owned(),
            _ => i += 1,
        }
    }
    String::new()
}

fn first_rdn(dn: &str) -> String {
    let parent = parent_dn(dn);
    dn[..dn.len() - parent.len()].trim_end_matches(',').to_owned()
}

fn summary(label: &str, plan: &Plan, started: Instant) {
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, change) in plan.staff_changes() {
        *kinds.entry(change.kind()).or_default() += 1;
    }
    println!(
        "{label}: create {}, update {}, deactivate {}, unchanged {}, departments {}, skipped {}, staff changes {:?} ({:.1}s)",
        plan.create.len(),
        plan.update.len(),
        plan.deactivate.len(),
        plan.unchanged,
        plan.departments.len(),
        plan.skipped.len(),
        kinds,
        started.elapsed().as_secs_f64()
    );
}

async fn full(source: &Ldap3Source) -> Snapshot {
    source.full_pass().await.expect("full pass")
}

/// The scenario of issue 5: a full sync of the generated company, ten changes made over
/// LDAP, an incremental pass that plans exactly those (the deletion excepted), and a full
/// pass that finds the deletion.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_sync_then_ten_changes_then_delta() {
    let Some(env) = test_env("full_sync_then_ten_changes_then_delta") else {
        return;
    };
    let config = env.config();
    let source = env.source(&config);

    // --- full pass ---------------------------------------------------------------------
    let t = Instant::now();
    let snapshot = full(&source).await;
    let people = snapshot.people.clone();
    assert!(people.len() >= 1000, "only {} people", people.len());
    assert!(snapshot.skipped.is_empty(), "skipped: {:?}", snapshot.skipped);
    let departments: HashSet<&DepartmentPath> = people.iter().filter_map(|p| p.department.as_ref()).collect();
    assert!(departments.len() >= 30, "only {} departments", departments.len());
    let with_manager = people
        .iter()
        .filter(|p| p.manager.as_ref().is_some_and(|m| m.external_id.is_some()))
        .count();
    assert!(
        with_manager * 100 >= people.len() * 95,
        "{with_manager} of {} have a manager",
        people.len()
    );
    assert!(people.iter().filter(|p| p.photo.is_some()).count() >= 100, "photos");
    assert!(people.iter().filter(|p| !p.active).count() >= 10, "disabled accounts");
    assert!(people.iter().all(|p| p.hire_date.is_some()), "hire dates");
    let all_staff = snapshot
        .groups
        .iter()
        .find(|g| g.name == "All Staff")
        .expect("group All Staff");
    assert!(
        all_staff.members.len() >= 1000,
        "All Staff has {} members",
        all_staff.members.len()
    );
    let cursor_before = snapshot.cursor.clone();
    let org_units = snapshot.org_units.clone();

    let first = plan(&[], &SyncPass::Full(snapshot));
    summary("full pass 1 (empty local)", &first, t);
    assert_eq!(first.create.len(), people.len());
    let headed = first
        .departments
        .iter()
        .filter(|d| d.head_external_id.is_some())
        .count();
    assert!(headed >= 30, "only {headed} departments have a head");
    let explicit: Vec<(&DepartmentPath, &String)> = org_units
        .iter()
        .filter_map(|ou| ou.head_external_id.as_ref().map(|h| (&ou.path, h)))
        .collect();
    for (path, head) in &explicit {
        let planned = first.departments.iter().find(|d| &d.path == *path);
        assert_eq!(planned.and_then(|d| d.head_external_id.as_ref()), Some(*head), "{path}");
    }
    if env.flavor == Flavor::ActiveDirectory {
        assert!(
            explicit.len() >= 30,
            "only {} OUs with a managedBy head",
            explicit.len()
        );
    }
    let mut local = Vec::new();
    apply(&mut local, &first);

    // --- nothing changed: a second full pass and a delta plan nothing -------------------
    let t = Instant::now();
    let again = plan(&local, &SyncPass::Full(full(&source).await));
    summary("full pass 2 (no changes)", &again, t);
    assert!(again.is_empty(), "{again:?}");
    assert_eq!(again.unchanged, people.len());
    let t = Instant::now();
    let quiet = match source.delta_pass(&cursor_before).await.expect("delta pass") {
        DeltaOutcome::Changes(delta) => delta,
        DeltaOutcome::NeedsFullResync(reason) => panic!("unexpected resync: {reason}"),
    };
    let quiet_plan = plan(&local, &SyncPass::Delta(quiet));
    summary("delta pass (no changes)", &quiet_plan, t);
    assert!(quiet_plan.is_empty());
    assert_eq!(
        quiet_plan.departments, first.departments,
        "heads do not flip between full and delta"
    );

    // --- pick ten people and change them over LDAP -------------------------------------
    let by_id: HashMap<&str, &Person> = people.iter().map(|p| (p.external_id.as_str(), p)).collect();
    let managers: HashSet<&str> = people
        .iter()
        .filter_map(|p| p.manager.as_ref().and_then(|m| m.external_id.as_deref()))
        .collect();
    let test_user = env.user.as_ref().map(|(login, _)| login.to_lowercase());
    let mut candidates: Vec<&Person> = people
        .iter()
        .filter(|p| {
            p.active
                && !managers.contains(p.external_id.as_str())
                && p.department.is_some()
                && p.manager.as_ref().is_some_and(|m| m.external_id.is_some())
                && Some(&p.login) != test_user.as_ref()
        })
        .collect();
    candidates.sort_by(|a, b| a.external_id.cmp(&b.external_id));
    assert!(candidates.len() >= 10);
    // Spread over the directory, so that the ten are in different departments.
    let step = candidates.len() / 10;
    let picked: Vec<&Person> = (0..10).map(|i| candidates[i * step]).collect();
    let [
        title1,
        title2,
        title3,
        move1,
        move2,
        disable,
        delete,
        rename,
        boss1,
        boss2,
    ] = picked[..]
    else {
        unreachable!("ten picked")
    };
    let manager_of = |p: &Person| p.manager.as_ref().and_then(|m| m.external_id.clone());
    let ceo = people
        .iter()
        .find(|p| p.manager.is_none() && managers.contains(p.external_id.as_str()));
    let ceo = ceo.expect("someone without a manager who manages others");
    // A manager who is neither p's current one nor the CEO.
    let other_manager = |p: &Person| {
        let current = manager_of(p);
        let mut ids: Vec<&str> = managers
            .iter()
            .copied()
            .filter(|m| Some(*m) != current.as_deref() && *m != ceo.external_id)
            .collect();
        ids.sort_unstable();
        by_id[ids[0]]
    };
    let other_department = |p: &Person| {
        candidates
            .iter()
            .find(|q| q.department != p.department)
            .map(|q| (parent_dn(&q.dn), q.department.clone()))
            .expect("another department")
    };

    let mut expected: BTreeMap<String, Vec<StaffChange>> = BTreeMap::new();
    // New values differ from any earlier run's against the same server.
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut admin = env.admin().await;
    let ok = |r: Result<ldap3::LdapResult, ldap3::LdapError>, what: &str| {
        r.and_then(|r| r.success()).unwrap_or_else(|e| panic!("{what}: {e}"));
    };
    for (n, p) in [title1, title2, title3].into_iter().enumerate() {
        let title = format!("Chief Test Officer {} ({run})", n + 1);
        ok(
            admin
                .modify(&p.dn, vec![Mod::Replace("title", HashSet::from([title.as_str()]))])
                .await,
            "title",
        );
        expected.insert(
            p.external_id.clone(),
            vec![StaffChange::TitleChanged {
                from: p.title.clone(),
                to: Some(title),
            }],
        );
    }
    for p in [move1, move2] {
        let (new_parent, new_department) = other_department(p);
        ok(
            admin.modifydn(&p.dn, &first_rdn(&p.dn), true, Some(&new_parent)).await,
            "move",
        );
        expected.insert(
            p.external_id.clone(),
            vec![StaffChange::Moved {
                from: p.department.clone(),
                to: new_department,
            }],
        );
    }
    match env.flavor {
        Flavor::OpenLdap => ok(
            admin
                .modify(&disable.dn, vec![Mod::Add("employeeType", HashSet::from(["disabled"]))])
                .await,
            "disable",
        ),
        Flavor::ActiveDirectory => {
            let (found, _) = admin
                .search(&disable.dn, Scope::Base, "(objectClass=*)", vec!["userAccountControl"])
                .await
                .and_then(|r| r.success())
                .expect("read userAccountControl");
            let entry = SearchEntry::construct(found.into_iter().next().expect("entry"));
            let uac: u32 = entry.attrs["userAccountControl"][0].parse().expect("number");
            let disabled = (uac | 2).to_string();
            ok(
                admin
                    .modify(
                        &disable.dn,
                        vec![Mod::Replace("userAccountControl", HashSet::from([disabled.as_str()]))],
                    )
                    .await,
                "disable",
            );
        }
    }
    expected.insert(disable.external_id.clone(), vec![StaffChange::Deactivated]);
    ok(admin.delete(&delete.dn).await, "delete");
    let new_login = format!("{}-r", &rename.login[..rename.login.len().min(17)]);
    match env.flavor {
        Flavor::OpenLdap => ok(
            admin
                .modifydn(&rename.dn, &format!("uid={new_login}"), true, None)
                .await,
            "rename",
        ),
        Flavor::ActiveDirectory => {
            let new_rdn = format!("CN={} Renamed", rename.display_name);
            ok(admin.modifydn(&rename.dn, &new_rdn, true, None).await, "rename");
            let new_dn = format!("{new_rdn},{}", parent_dn(&rename.dn));
            ok(
                admin
                    .modify(
                        &new_dn,
                        vec![Mod::Replace("sAMAccountName", HashSet::from([new_login.as_str()]))],
                    )
                    .await,
                "rename sAMAccountName",
            );
        }
    }
    expected.insert(
        rename.external_id.clone(),
        vec![StaffChange::Renamed {
            from: rename.login.clone(),
            to: new_login.clone(),
        }],
    );
    for (p, new_manager) in [(boss1, ceo), (boss2, other_manager(boss2))] {
        // After earlier runs against the same server, boss1 may already report to the CEO.
        let new_manager = if manager_of(p).as_deref() == Some(new_manager.external_id.as_str()) {
            other_manager(p)
        } else {
            new_manager
        };
        ok(
            admin
                .modify(
                    &p.dn,
                    vec![Mod::Replace("manager", HashSet::from([new_manager.dn.as_str()]))],
                )
                .await,
            "manager",
        );
        expected.insert(
            p.external_id.clone(),
            vec![StaffChange::ManagerChanged {
                from: manager_of(p),
                to: Some(new_manager.external_id.clone()),
            }],
        );
    }
    let _ = admin.unbind().await;
    assert_eq!(expected.len(), 9, "nine changed people plus the deleted one");

    // --- the incremental pass plans exactly those ----------------------------------------
    let t = Instant::now();
    let delta = match source.delta_pass(&cursor_before).await.expect("delta pass") {
        DeltaOutcome::Changes(delta) => delta,
        DeltaOutcome::NeedsFullResync(reason) => panic!("unexpected resync: {reason}"),
    };
    let read = delta.changed_people.len();
    let delta_plan = plan(&local, &SyncPass::Delta(delta));
    summary(&format!("delta pass ({read} entries read)"), &delta_plan, t);
    let planned: BTreeMap<String, Vec<StaffChange>> = delta_plan
        .update
        .iter()
        .map(|u| (u.person.external_id.clone(), u.changes.clone()))
        .collect();
    assert_eq!(planned, expected);
    assert!(delta_plan.create.is_empty(), "{:?}", delta_plan.create);
    assert!(delta_plan.deactivate.is_empty(), "a delta cannot see deletions");
    assert!(delta_plan.release_logins.is_empty());
    assert_eq!(delta_plan.staff_changes().len(), 9);
    for (id, change) in delta_plan.staff_changes() {
        println!(
            "  staff change {id}: {}",
            serde_json::to_string(&change).unwrap_or_default()
        );
    }
    apply(&mut local, &delta_plan);

    // --- the next full pass finds the deletion -------------------------------------------
    let t = Instant::now();
    let final_snapshot = full(&source).await;
    let last = plan(&local, &SyncPass::Full(final_snapshot));
    summary("full pass 3 (after the changes)", &last, t);
    assert!(last.create.is_empty() && last.update.is_empty(), "{last:?}");
    assert_eq!(last.deactivate, vec![delete.external_id.clone()]);
    assert_eq!(
        last.staff_changes(),
        vec![(delete.external_id.as_str(), StaffChange::Deactivated)]
    );
    assert!(
        last.check_deactivation_limit(&local, config.max_deactivate_percent)
            .is_ok()
    );
    apply(&mut local, &last);

    // --- logins ---------------------------------------------------------------------------
    let settings = source.settings();
    let rejected = |v: Result<BindVerdict, DirectoryError>| match v.expect("bind check") {
        BindVerdict::Rejected(r) => r,
        accepted => panic!("accepted: {accepted:?}"),
    };
    assert_eq!(
        rejected(bind_check(settings, &disable.login, "whatever").await),
        Rejection::Disabled
    );
    assert_eq!(
        rejected(bind_check(settings, &rename.login, "whatever").await),
        Rejection::UnknownUser,
        "the old login is gone"
    );
    if let Some((login, password)) = &env.user {
        let me = people
            .iter()
            .find(|p| p.login == login.to_lowercase())
            .expect("test user synced");
        for form in [
            login.clone(),
            format!("CORP\\{login}"),
            format!("{}@corp.test", login.to_uppercase()),
        ] {
            match bind_check(settings, &form, password).await.expect("bind check") {
                BindVerdict::Accepted { external_id, .. } => {
                    assert_eq!(external_id.as_deref(), Some(me.external_id.as_str()), "{form}")
                }
                other => panic!("{form}: {other:?}"),
            }
        }
        assert_eq!(
            rejected(bind_check(settings, login, &format!("{password}x")).await),
            Rejection::InvalidCredentials
        );
        assert_eq!(
            rejected(bind_check(settings, login, "").await),
            Rejection::EmptyPassword
        );
        assert_eq!(
            rejected(bind_check(settings, "nobody-here", password).await),
            Rejection::UnknownUser
        );
        println!(
            "bind checks: {login} accepted as login, CORP\\login and LOGIN@corp.test; wrong, empty, unknown, disabled refused"
        );
    }
}

/// LDAPS and StartTLS with the fixture's CA (rustls + ring), and a certificate the system
/// trust store does not know is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_connections() {
    let Some(env) = test_env("tls_connections") else {
        return;
    };
    let (Some(ldaps_url), Some(ca_file)) = (env.ldaps_url.clone(), env.ca_file.clone()) else {
        eprintln!("SKIPPED tls_connections: PORTICO_TEST_LDAPS_URL / PORTICO_TEST_LDAP_CA_FILE not set");
        return;
    };
    // Counts, not identical results: the scenario test may be changing the directory meanwhile.
    let plain = full(&env.source(&env.config())).await.people.len();
    assert!(plain >= 1000, "plain LDAP: {plain} people");

    let mut ldaps = env.config();
    ldaps.url = ldaps_url;
    ldaps.tls_ca_file = Some(ca_file.clone());
    let over_ldaps = full(&env.source(&ldaps)).await.people.len();
    assert!(over_ldaps.abs_diff(plain) <= 10, "ldaps: {over_ldaps} people");

    let mut starttls = env.config();
    starttls.starttls = true;
    starttls.tls_ca_file = Some(ca_file);
    let over_starttls = full(&env.source(&starttls)).await.people.len();
    assert!(over_starttls.abs_diff(plain) <= 10, "StartTLS: {over_starttls} people");

    let mut untrusted = ldaps.clone();
    untrusted.tls_ca_file = None;
    match env.source(&untrusted).full_pass().await {
        Err(DirectoryError::Unreachable { .. } | DirectoryError::Tls(_)) => {}
        other => panic!("expected a TLS failure, got {:?}", other.map(|s| s.people.len())),
    }
    println!("tls: ldaps read {over_ldaps} people, StartTLS {over_starttls}; an unknown CA is refused");
}

/// A cursor from another server, database or configuration is not continued.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_cursors_ask_for_a_full_pass() {
    let Some(env) = test_env("stale_cursors_ask_for_a_full_pass") else {
        return;
    };
    let source = env.source(&env.config());
    let cursor = full(&source).await.cursor;
    let resync = |outcome: Result<DeltaOutcome, DirectoryError>| match outcome.expect("delta pass") {
        DeltaOutcome::NeedsFullResync(reason) => reason,
        DeltaOutcome::Changes(d) => panic!("continued with {} changes", d.changed_people.len()),
    };
    let mut stale = Vec::new();
    match &cursor {
        Cursor::ActiveDirectory {
            scope,
            server,
            invocation_id,
            highest_usn,
        } => {
            let with = |server: &str, invocation_id: &str, highest_usn: u64| Cursor::ActiveDirectory {
                scope: scope.clone(),
                server: server.to_owned(),
                invocation_id: invocation_id.to_owned(),
                highest_usn,
            };
            stale.push((
                with("CN=NTDS Settings,CN=DC2", invocation_id, *highest_usn),
                "ServerChanged",
            ));
            stale.push((
                with(server, "00000000-0000-0000-0000-000000000000", *highest_usn),
                "InvocationChanged",
            ));
            stale.push((
                with(server, invocation_id, highest_usn + 1_000_000_000),
                "UsnRolledBack",
            ));
            stale.push((
                Cursor::OpenLdap {
                    scope: scope.clone(),
                    server: String::new(),
                    since: "20240101000000Z".into(),
                },
                "FlavorChanged",
            ));
        }
        Cursor::OpenLdap { scope, since, .. } => {
            stale.push((
                Cursor::OpenLdap {
                    scope: scope.clone(),
                    server: "00000000-0000-0000-0000-000000000000".into(),
                    since: since.clone(),
                },
                "ServerChanged",
            ));
            stale.push((
                Cursor::ActiveDirectory {
                    scope: scope.clone(),
                    server: String::new(),
                    invocation_id: String::new(),
                    highest_usn: 1,
                },
                "FlavorChanged",
            ));
        }
    }
    let mut other_scope = env.config();
    other_scope.user_filter = Some("(objectClass=person)".into());
    assert!(matches!(
        resync(env.source(&other_scope).delta_pass(&cursor).await),
        ResyncReason::ScopeChanged
    ));
    for (cursor, expected) in stale {
        let reason = resync(
            source
                .delta_pass(&Cursor::decode(&cursor.encode()).expect("round trip"))
                .await,
        );
        assert!(
            format!("{reason:?}").starts_with(expected),
            "{expected}: got {reason:?}"
        );
    }
}

/// A wrong service password is a typed error, and no pass (so no plan) comes out of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_bind_produces_no_pass() {
    let Some(env) = test_env("refused_bind_produces_no_pass") else {
        return;
    };
    let mut config = env.config();
    config.bind_password = Secret::new("not-the-password");
    let source = env.source(&config);
    match source.full_pass().await {
        Err(DirectoryError::BindRefused { code: 49, .. }) => {}
        other => panic!("expected BindRefused 49, got {:?}", other.map(|s| s.people.len())),
    }
    match bind_check(source.settings(), "anyone", "pw").await {
        Err(DirectoryError::BindRefused { code: 49, .. }) => {}
        other => panic!("bind_check: expected BindRefused, got {other:?}"),
    }
}

/// A directory that breaks in the middle of a pass: the connection goes through a proxy that
/// cuts it after 64 KiB from the server (a few pages into the people). The pass is an error,
/// never a partial snapshot, so the local data stays as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_lost_mid_pass_produces_no_pass() {
    let Some(env) = test_env("connection_lost_mid_pass_produces_no_pass") else {
        return;
    };
    let upstream = host_port(&env.url);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("proxy listener");
    let proxy_addr = listener.local_addr().expect("proxy address");
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let upstream = upstream.clone();
            tokio::spawn(async move {
                if let Ok(server) = TcpStream::connect(&upstream).await {
                    cut_after(client, server, 64 * 1024).await;
                }
            });
        }
    });
    let mut config = env.config();
    config.url = format!("ldap://{proxy_addr}");
    // The pass fails as a whole: no partial snapshot reaches the planner, so nothing can be
    // applied (that a failed pass leaves the stored directory as it was is checked end to end
    // in tests/directory_sync.rs).
    match env.source(&config).full_pass().await {
        Err(DirectoryError::Connection { .. } | DirectoryError::Protocol(_) | DirectoryError::Timeout { .. }) => {}
        Err(other) => panic!("expected a connection error, got {other}"),
        Ok(snapshot) => panic!(
            "a broken connection produced a snapshot of {} people",
            snapshot.people.len()
        ),
    }
}

/// An unreachable directory: typed errors, no pass. Needs no server.
#[tokio::test]
async fn unreachable_directory_is_a_typed_error() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address").port()
    };
    let config: LdapConfig = toml::from_str(&format!(
        "url = \"ldap://127.0.0.1:{closed}\"\nbind_dn = \"cn=x,dc=corp,dc=test\"\nbind_password = \"pw\"\n\
         base_dn = \"dc=corp,dc=test\"\nflavor = \"openldap\"\ntimeout_seconds = 5"
    ))
    .expect("config");
    let source = Ldap3Source::new(&config).expect("valid");
    assert!(matches!(
        source.full_pass().await,
        Err(DirectoryError::Unreachable { .. })
    ));
    // A cursor written under another configuration is refused before connecting.
    let cursor = Cursor::OpenLdap {
        scope: "another configuration".into(),
        server: String::new(),
        since: "20240101000000Z".into(),
    };
    assert!(matches!(
        source.delta_pass(&cursor).await,
        Ok(DeltaOutcome::NeedsFullResync(_)),
    ));
    assert!(matches!(
        bind_check(source.settings(), "alice", "pw").await,
        Err(DirectoryError::Unreachable { .. })
    ));
    assert_eq!(normalize_dn("CN=A,DC=X").ok(), normalize_dn("cn=a, dc=x").ok());
}

fn host_port(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r).trim_end_matches('/');
    if rest.contains(':') {
        rest.to_owned()
    } else {
        format!("{rest}:389")
    }
}

/// Forwards both ways until `limit` bytes came from the server, then drops both sides.
async fn cut_after(client: TcpStream, server: TcpStream, limit: usize) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let upstream = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
    });
    let mut sent = 0;
    let mut buf = vec![0_u8; 8192];
    while sent < limit {
        match server_read.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let n = n.min(limit - sent);
                if client_write.write_all(&buf[..n]).await.is_err() {
                    break;
                }
                sent += n;
            }
        }
    }
    upstream.abort();
}
