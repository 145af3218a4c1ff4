//! Directories for the sync tests: the slapd that `conformance/slapd.sh` starts (its
//! `PORTICO_TEST_LDAP_*` variables), and people and passes as an in-process directory gives
//! them.

/// Where the test slapd listens and how to bind to it.
pub struct Env {
    pub url: String,
    pub bind_dn: String,
    pub bind_password: String,
    pub base: String,
    pub admin_dn: String,
    pub admin_password: String,
}

/// The test slapd; `None` without one, which under `CI=true` is a failure.
pub fn env() -> Option<Env> {
    let var = |k: &str| std::env::var(format!("PORTICO_TEST_LDAP_{k}")).ok();
    match (
        var("URL"),
        var("BIND_DN"),
        var("BIND_PASSWORD"),
        var("BASE"),
        var("ADMIN_DN"),
        var("ADMIN_PASSWORD"),
    ) {
        (Some(url), Some(bind_dn), Some(bind_password), Some(base), Some(admin_dn), Some(admin_password)) => {
            Some(Env {
                url,
                bind_dn,
                bind_password,
                base,
                admin_dn,
                admin_password,
            })
        }
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "PORTICO_TEST_LDAP_* must be set under CI"
            );
            eprintln!("SKIPPED: PORTICO_TEST_LDAP_URL is not set (scripts/test starts conformance/slapd.sh)");
            None
        }
    }
}

/// A person of the in-process directory, in one department.
pub fn person(login: &str, name: &str, department: &str, title: Option<&str>) -> ldap_sync::Person {
    ldap_sync::Person {
        external_id: format!("id-{login}"),
        dn: format!("uid={login},ou=People,dc=corp,dc=test"),
        login: login.into(),
        given_name: None,
        surname: None,
        display_name: name.into(),
        email: Some(format!("{login}@corp.test")),
        phone: None,
        mobile: None,
        title: title.map(str::to_owned),
        department: ldap_sync::DepartmentPath::new(vec![department.to_owned()]),
        manager: None,
        photo: None,
        birthday: None,
        hire_date: None,
        active: true,
        groups: Vec::new(),
    }
}

/// A full pass of the in-process directory that finds `people`.
pub fn snapshot(people: Vec<ldap_sync::Person>) -> ldap_sync::Snapshot {
    ldap_sync::Snapshot {
        people,
        groups: Vec::new(),
        org_units: Vec::new(),
        skipped: Vec::new(),
        fields: ldap_sync::SyncedFields::all(),
        cursor: ldap_sync::Cursor::OpenLdap {
            scope: "test".into(),
            server: "fake".into(),
            since: "20300101000000Z".into(),
        },
    }
}

/// The in-process directory's answer to a delta pass: it keeps no changes, so a full pass.
pub fn needs_full_pass() -> ldap_sync::DeltaOutcome {
    ldap_sync::DeltaOutcome::NeedsFullResync(ldap_sync::ResyncReason::ScopeChanged)
}
