//! Store behaviour, run identically on SQLite and on a real PostgreSQL.
//!
//! PostgreSQL runs when `PORTICO_TEST_POSTGRES_URL` names a role that may create databases
//! (the test command starts a throwaway cluster and sets it); each test gets its own fresh
//! database. Under `CI=true` a missing URL is a failure, not a skip.

mod common;

use portico::store::repos::*;
use portico::store::{Dialect, EmployeeFields, NewDepartment, NewPrincipal, PrincipalKind, Store, StoreError};

struct Backend {
    store: Store,
    _dir: Option<tempfile::TempDir>,
}

async fn sqlite() -> Backend {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    Backend {
        store: Store::connect(&url, 4).await.unwrap(),
        _dir: Some(dir),
    }
}

async fn postgres() -> Option<Backend> {
    let url = common::fresh_postgres_url().await?;
    Some(Backend {
        store: Store::connect(&url, 4).await.expect("connect"),
        _dir: None,
    })
}

/// Runs `scenario` on SQLite, then on PostgreSQL when available.
macro_rules! on_both {
    ($name:ident, $scenario:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                let b = super::sqlite().await;
                assert_eq!(super::StorageInfo::dialect(&b.store), super::Dialect::Sqlite);
                super::$scenario(&b.store).await;
            }
            #[tokio::test]
            async fn postgres() {
                if let Some(b) = super::postgres().await {
                    assert_eq!(super::StorageInfo::dialect(&b.store), super::Dialect::Postgres);
                    super::$scenario(&b.store).await;
                }
            }
        }
    };
}

fn user<'a>(login: &'a str, hash: Option<&'a str>) -> NewPrincipal<'a> {
    NewPrincipal {
        kind: PrincipalKind::User,
        login,
        display_name: "Test User",
        email: Some("t@example.test"),
        password_hash: hash,
        is_admin: false,
    }
}

async fn principals_roundtrip(store: &Store) {
    let created = store
        .create_principal(user("alice", Some("$argon2id$x")))
        .await
        .unwrap();
    assert_eq!(created.login, "alice");
    assert!(created.active && !created.is_admin);
    let found = store.principal_by_login("alice").await.unwrap().unwrap();
    assert_eq!(found.id, created.id);
    assert_eq!(store.principal_by_id(created.id).await.unwrap().unwrap().login, "alice");
    let (_, hash) = store.password_hash("alice").await.unwrap().unwrap();
    assert_eq!(hash.as_deref(), Some("$argon2id$x"));
    assert!(store.set_password_hash("alice", "$argon2id$y").await.unwrap());
    assert!(!store.set_password_hash("nobody", "$argon2id$y").await.unwrap());
    assert!(store.principal_by_login("nobody").await.unwrap().is_none());
    assert_eq!(store.list_principals(PrincipalKind::User).await.unwrap().len(), 1);
}
on_both!(principals, principals_roundtrip);

async fn duplicate_login_is_a_conflict(store: &Store) {
    store.create_principal(user("bob", None)).await.unwrap();
    let err = store.create_principal(user("bob", None)).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(store.count_principals().await.unwrap(), 1, "nothing half-written");
}
on_both!(duplicate_login, duplicate_login_is_a_conflict);

async fn app_passwords_lifecycle(store: &Store) {
    let p = store.create_principal(user("carol", None)).await.unwrap();
    let other = store.create_principal(user("dave", None)).await.unwrap();
    let ap = store.create_app_password(p.id, "phone", "ab12").await.unwrap();
    assert!(ap.last_used_at.is_none());
    assert!(store.use_app_password(p.id, "ab12").await.unwrap());
    assert!(
        !store.use_app_password(other.id, "ab12").await.unwrap(),
        "bound to its owner"
    );
    let list = store.list_app_passwords(p.id).await.unwrap();
    assert_eq!(list.len(), 1);
    assert!(list[0].last_used_at.is_some());
    assert!(!store.revoke_app_password(other.id, ap.id).await.unwrap(), "not theirs");
    assert!(store.revoke_app_password(p.id, ap.id).await.unwrap());
    assert!(!store.use_app_password(p.id, "ab12").await.unwrap());
}
on_both!(app_passwords, app_passwords_lifecycle);

async fn sessions_expire(store: &Store) {
    let p = store.create_principal(user("erin", None)).await.unwrap();
    store.create_session("live", p.id, 3600).await.unwrap();
    store.create_session("dead", p.id, -1).await.unwrap();
    assert_eq!(store.session_principal("live").await.unwrap(), Some(p.id));
    assert_eq!(store.session_principal("dead").await.unwrap(), None);
    assert_eq!(store.purge_expired_sessions().await.unwrap(), 1);
    store.delete_session("live").await.unwrap();
    assert_eq!(store.session_principal("live").await.unwrap(), None);
}
on_both!(sessions, sessions_expire);

async fn departments_and_employees(store: &Store) {
    let root = store
        .create_department(NewDepartment {
            name: "Company",
            parent_id: None,
        })
        .await
        .unwrap();
    let sales = store
        .create_department(NewDepartment {
            name: "Sales",
            parent_id: Some(root),
        })
        .await
        .unwrap();
    let head = store.create_principal(user("head", None)).await.unwrap();
    let rep = store.create_principal(user("rep", None)).await.unwrap();
    store.set_department_head(sales, head.id).await.unwrap();
    let mut fields = EmployeeFields {
        department_id: Some(sales),
        title: Some("Rep".into()),
        ..Default::default()
    };
    fields.manager_id = Some(head.id);
    store.upsert_employee(rep.id, &fields).await.unwrap();
    fields.title = Some("Senior Rep".into());
    store.upsert_employee(rep.id, &fields).await.unwrap();
    assert_eq!(store.count_departments().await.unwrap(), 2);
    assert_eq!(
        store.count_employees().await.unwrap(),
        1,
        "upsert replaced, not duplicated"
    );
}
on_both!(directory, departments_and_employees);

fn settings() -> portico::core::Settings {
    let c = portico::config::Config::default();
    portico::core::Settings {
        quota_bytes: c.documents.quota_bytes,
        department_quota_bytes: c.documents.department_quota_bytes,
        shared_quota_bytes: c.documents.shared_quota_bytes,
        max_versions: c.documents.max_versions,
        max_upload_bytes: c.server.max_upload_bytes,
        max_lock_seconds: c.documents.max_lock_seconds,
        default_lock_seconds: c.documents.default_lock_seconds,
        company_name: c.directory.company_name,
        mail_from: None,
        answer_links: None,
    }
}

async fn demo_company_seeds_once(store: &Store) {
    let dir = tempfile::tempdir().unwrap();
    let blobs = portico::blobs::FsBlobStore::open_dir(dir.path()).unwrap();
    let core = portico::core::Core::new(
        std::sync::Arc::new(store.clone()),
        std::sync::Arc::new(blobs),
        settings(),
    );
    let created = portico::demo::seed(&core, "demo").await.unwrap();
    assert!(created >= 25, "{created} employees");
    assert!(store.count_departments().await.unwrap() >= 6);
    let welcome = store
        .doc_node("shared/Welcome.txt")
        .await
        .unwrap()
        .expect("demo document");
    assert!(welcome.size > 0);
    assert!(
        store
            .doc_node("departments/sales/Price list 2026.csv")
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        portico::demo::seed(&core, "demo").await.unwrap(),
        0,
        "second seed is a no-op"
    );
    // A revised document has a history.
    let forecast = store
        .doc_node("departments/sales/Forecast Q4.csv")
        .await
        .unwrap()
        .expect("revised document");
    assert_eq!(store.doc_versions(forecast.id).await.unwrap().len(), 2);

    // The dated parts follow today, on every start, without piling up.
    let today = chrono::NaiveDate::from_ymd_opt(2027, 3, 10).unwrap();
    for _ in 0..2 {
        portico::demo::refresh(&core, today).await.unwrap();
    }
    let liam = store.principal_by_login("liam").await.unwrap().unwrap();
    let actor = portico::core::Actor::user(liam);
    let calendars = core.calendars(&actor);
    let c = calendars.calendar_of("liam", "calendar").await.unwrap();
    let week_start = chrono::NaiveDate::from_ymd_opt(2027, 3, 8).unwrap();
    let from = week_start.and_hms_opt(0, 0, 0).unwrap().and_utc().timestamp();
    let to = from + 7 * 86_400;
    let agenda = calendars
        .agenda(std::slice::from_ref(&c), from, to, &caldav::FloatingZone::utc())
        .await
        .unwrap();
    let titles: Vec<_> = agenda.iter().filter_map(|e| e.occurrence.summary.clone()).collect();
    assert!(
        [
            "Sales team weekly",
            "Call with Contoso",
            "1:1 with Sophia",
            "Team lunch"
        ]
        .iter()
        .all(|t| titles.iter().filter(|x| x == t).count() == 1),
        "this week's meetings, once each: {titles:?}"
    );
    let away = calendars
        .absences(None, from, to, &caldav::FloatingZone::utc())
        .await
        .unwrap();
    assert!(away.len() >= 2, "absences this week: {away:?}");
    let people = store.directory_entries().await.unwrap();
    let grace = people.iter().find(|p| p.login == "grace").unwrap();
    assert!(
        grace.birthday.as_deref().unwrap().ends_with("-03-10"),
        "{:?}",
        grace.birthday
    );
    // Staff changes of the past weeks, once each though refreshed twice.
    let month_ago = from - 30 * 86_400;
    let changes = store.staff_changes_since(month_ago).await.unwrap();
    let kinds: Vec<(&str, &str)> = changes.iter().map(|c| (c.login.as_str(), c.kind.as_str())).collect();
    assert_eq!(
        kinds,
        [("harper", "title_changed"), ("ava", "moved"), ("mia", "hired")],
        "{changes:?}"
    );
    assert!(changes.iter().all(|c| c.at >= month_ago && c.at < from + 7 * 86_400));
}
on_both!(demo, demo_company_seeds_once);

/// The per-root usage kept by triggers always equals the sum over the root's subtree, through
/// creates, replaces, moves across drives, copies and deletes.
async fn drive_usage_follows_every_change(store: &Store) {
    use portico::blobs::BlobRef;
    use portico::store::{NewContent, PutCondition, PutOutcome};
    let author = store.create_principal(user("dora", None)).await.unwrap().id;
    let blob = |n: u64| BlobRef {
        sha256: format!("{n:064x}"),
        size: n,
    };
    for root in ["users/dora", "users/ed", "departments/sales", "shared"] {
        store.doc_ensure_root(root).await.unwrap();
    }
    assert_eq!(
        store.doc_mkcol("users/dora/a").await.unwrap(),
        portico::store::MkcolOutcome::Created
    );
    let put_keeping = |path: &'static str, n: u64, keep_versions: i64| {
        let blob = blob(n);
        async move {
            let content = NewContent {
                blob: &blob,
                content_type: "text/plain",
                author_id: author,
                keep_versions,
            };
            store
                .doc_put(path, &content, &PutCondition::Any, &|_, _| true)
                .await
                .unwrap()
        }
    };
    let put = |path: &'static str, n: u64| put_keeping(path, n, 50);
    assert!(matches!(
        put("users/dora/a/one.txt", 100).await,
        PutOutcome::Created { .. }
    ));
    put("users/dora/two.txt", 20).await;
    put("shared/s.txt", 7).await;
    put("departments/sales/d.txt", 5).await;
    let used = |root: &'static str| async move { store.doc_used_bytes(root).await.unwrap() };
    assert_eq!((used("users/dora").await, used("users/ed").await), (120, 0));
    assert_eq!((used("shared").await, used("departments/sales").await), (7, 5));
    assert!(matches!(
        put("users/dora/a/one.txt", 30).await,
        PutOutcome::Replaced { .. }
    ));
    assert_eq!(used("users/dora").await, 150, "the old version still counts");
    // Keeping two versions drops the first (100 bytes) as the third is written.
    put_keeping("users/dora/a/one.txt", 40, 2).await;
    assert_eq!(used("users/dora").await, 90);
    let node = store.doc_node("users/dora/a/one.txt").await.unwrap().unwrap();
    let kept: Vec<i64> = store
        .doc_versions(node.id)
        .await
        .unwrap()
        .iter()
        .map(|v| v.version)
        .collect();
    assert_eq!(kept, vec![2, 3]);
    assert_eq!(node.stored_bytes, 70);
    assert!(
        !store.blob_referenced(&blob(100).sha256).await.unwrap(),
        "dropped version"
    );
    assert!(store.blob_referenced(&blob(30).sha256).await.unwrap());
    store
        .doc_copy_tree("users/dora/a", "users/ed/a", true, author)
        .await
        .unwrap();
    assert_eq!(
        (used("users/dora").await, used("users/ed").await),
        (90, 40),
        "a copy starts with one version"
    );
    store
        .doc_move_tree("users/dora/two.txt", "users/ed/two.txt")
        .await
        .unwrap();
    assert_eq!((used("users/dora").await, used("users/ed").await), (70, 60));
    store.doc_move_tree("users/ed/a", "users/ed/b").await.unwrap();
    assert_eq!(used("users/ed").await, 60, "a move inside a drive changes nothing");
    store.doc_delete_tree("users/ed/b").await.unwrap();
    store.doc_delete_tree("users/dora/a").await.unwrap();
    assert_eq!((used("users/dora").await, used("users/ed").await), (0, 20));
    assert!(
        !store.blob_referenced(&blob(40).sha256).await.unwrap(),
        "deleted everywhere"
    );
    assert!(
        store.blob_referenced(&blob(20).sha256).await.unwrap(),
        "moved, still there"
    );
}
on_both!(drive_usage, drive_usage_follows_every_change);

#[tokio::test]
async fn unsupported_url_is_a_clear_error() {
    let err = Store::connect("mysql://x@h/db", 1).await.err().unwrap().to_string();
    assert!(err.contains("neither sqlite:// nor postgres://"), "{err}");
}

#[tokio::test]
async fn unreachable_postgres_is_a_clear_error_without_password() {
    let err = Store::connect("postgres://u:topsecret@127.0.0.1:1/db", 1)
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("cannot open database"), "{err}");
    assert!(!err.contains("topsecret"), "password leaked: {err}");
}

async fn team_calendars_and_favourites(store: &Store) {
    use portico::store::{NewCollection, Team};
    let user = |login: &'static str| NewPrincipal {
        kind: PrincipalKind::User,
        login,
        display_name: login,
        email: None,
        password_hash: None,
        is_admin: false,
    };
    let alice = store.create_principal(user("alice")).await.unwrap();
    let bob = store.create_principal(user("bob")).await.unwrap();
    let sales = store
        .create_department(NewDepartment {
            name: "Sales",
            parent_id: None,
        })
        .await
        .unwrap();
    let fields = EmployeeFields {
        department_id: Some(sales),
        ..Default::default()
    };
    store.upsert_employee(alice.id, &fields).await.unwrap();
    let company = store.ensure_team_principal(Team::Company, "", "Company").await.unwrap();
    let again = store.ensure_team_principal(Team::Company, "", "Company").await.unwrap();
    assert_eq!((company.id, company.team), (again.id, Some(Team::Company)));
    let dept = store
        .ensure_team_principal(Team::Department(sales), "sales", "Sales")
        .await
        .unwrap();
    assert_eq!(
        (dept.login.as_str(), dept.team),
        ("@dept-sales", Some(Team::Department(sales)))
    );
    let calendar = |owner_id, slug| NewCollection {
        owner_id,
        kind: "calendar",
        slug,
        displayname: None,
        description: None,
        color: None,
        timezone: None,
        components: "VEVENT",
    };
    store.create_collection(&calendar(company.id, "events")).await.unwrap();
    store.create_collection(&calendar(dept.id, "plan")).await.unwrap();
    let owned = |list: Vec<(portico::store::Principal, portico::store::Collection)>| {
        list.into_iter()
            .map(|(p, c)| format!("{}/{}", p.login, c.slug))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        owned(store.team_calendars(alice.id).await.unwrap()),
        ["@company/events", "@dept-sales/plan"]
    );
    assert_eq!(owned(store.team_calendars(bob.id).await.unwrap()), ["@company/events"]);
    let alices = store.create_collection(&calendar(alice.id, "calendar")).await.unwrap();
    assert!(!store.is_favorite(bob.id, alices.id).await.unwrap());
    store.add_favorite(bob.id, alices.id).await.unwrap();
    store.add_favorite(bob.id, alices.id).await.unwrap();
    assert!(store.is_favorite(bob.id, alices.id).await.unwrap());
    assert_eq!(owned(store.favorites(bob.id).await.unwrap()), ["alice/calendar"]);
    store.set_active("alice", false).await.unwrap();
    assert!(
        store.favorites(bob.id).await.unwrap().is_empty(),
        "inactive owners drop out"
    );
    assert!(store.remove_favorite(bob.id, alices.id).await.unwrap());
    assert!(!store.remove_favorite(bob.id, alices.id).await.unwrap());
    let set = |value_xml| portico::store::PropChange::Set {
        ns: "http://apple.com/ns/ical/",
        name: "calendar-color",
        value_xml,
        lang: None,
    };
    store
        .update_binding_props(bob.id, alices.id, &[set("#00FF00")])
        .await
        .unwrap();
    store
        .update_binding_props(bob.id, alices.id, &[set("#FF0000")])
        .await
        .unwrap();
    let props = store.binding_props(bob.id, alices.id).await.unwrap();
    assert_eq!(props.len(), 1);
    assert_eq!(props[0].value_xml, "#FF0000");
    assert!(store.binding_props(alice.id, alices.id).await.unwrap().is_empty());
    let remove = portico::store::PropChange::Remove {
        ns: "http://apple.com/ns/ical/",
        name: "calendar-color",
    };
    store.update_binding_props(bob.id, alices.id, &[remove]).await.unwrap();
    assert!(store.binding_props(bob.id, alices.id).await.unwrap().is_empty());
    assert_eq!(store.department_slug(sales).await.unwrap().as_deref(), Some("sales"));
    assert_eq!(store.department_head(sales).await.unwrap(), None);
}
on_both!(team_calendars, team_calendars_and_favourites);

/// The search index of address books selects exactly the cards a full scan matches, for
/// every match type, collation, negation and anyof/allof, after updates and deletes, and
/// for cards stored without index values (indexed by the next query).
async fn card_index_agrees_with_scan(store: &Store) {
    use portico::store::{ItemCondition, NewCollection, NewItem};
    let owner = store.create_principal(user("alice", None)).await.unwrap();
    let book = store
        .create_collection(&NewCollection {
            owner_id: owner.id,
            kind: "addressbook",
            slug: "contacts",
            displayname: None,
            description: None,
            color: None,
            timezone: None,
            components: "",
        })
        .await
        .unwrap();
    let card = |uid: &str, lines: &str| format!("BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\n{lines}END:VCARD\r\n");
    let put = |name: &'static str, data: String, indexed: bool| async move {
        let item = NewItem {
            schedule_tag: None,
            name,
            uid: name,
            etag: name,
            component: "VCARD",
            data: &data,
            time_start: 0,
            time_end: 0,
            is_oof: false,
        };
        let outcome = if indexed {
            let index = carddav::index_values(data.as_bytes());
            store.put_card(book.id, &item, &ItemCondition::Any, &index).await
        } else {
            store.put_item(book.id, &item, &ItemCondition::Any).await
        };
        outcome.unwrap();
    };
    put(
        "a",
        card(
            "a",
            "FN:Jürgen Müller\r\nN:Müller;Jürgen;;;\r\nEMAIL:jm@contoso.example\r\nORG:Contoso;Sales\r\n",
        ),
        true,
    )
    .await;
    put(
        "b",
        card("b", "FN:Cyrus Daboo\r\nEMAIL:cyrus@example.com\r\nTEL:+1 555 0100\r\n"),
        true,
    )
    .await;
    put("c", card("c", "FN:100%_done Ltd\r\nNICKNAME:Done,Dusty\r\n"), true).await;
    put("d", card("d", "FN:Anna STRAßE\r\nEMAIL:anna@example.com\r\n"), false).await;

    // Reading by names: the existing ones, once each, whatever is asked twice or is missing.
    let mut named: Vec<String> = store
        .items_named(book.id, &["d", "a", "zz", "a"])
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.name)
        .collect();
    named.sort();
    assert_eq!(named, ["a", "d"]);
    assert!(store.items_named(book.id, &[]).await.unwrap().is_empty());
    // More names than one statement binds.
    let many: Vec<String> = (0..2500).map(|i| format!("n{i}")).chain(["b".to_owned()]).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let found = store.items_named(book.id, &many).await.unwrap();
    assert_eq!(found.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(), ["b"]);

    let tm = |name: &str, text: &str, attrs: &str| {
        format!(r#"<C:prop-filter name="{name}"><C:text-match {attrs}>{text}</C:text-match></C:prop-filter>"#)
    };
    let filters = [
        (tm("FN", "MÜLLER", ""), "anyof"),
        (tm("FN", "cyrus daboo", r#"match-type="equals""#), "anyof"),
        (tm("FN", "anna", r#"match-type="starts-with""#), "anyof"),
        (tm("EMAIL", "example.com", r#"match-type="ends-with""#), "anyof"),
        (tm("EMAIL", "CONTOSO", r#"collation="i;ascii-casemap""#), "anyof"),
        (tm("FN", "Straße", r#"collation="i;octet""#), "anyof"),
        (tm("FN", "100%_", ""), "anyof"),
        (tm("FN", "100%x", ""), "anyof"),
        (tm("NICKNAME", "dusty", r#"match-type="equals""#), "anyof"),
        (tm("N", "jürgen", r#"match-type="equals""#), "anyof"),
        (tm("ORG", "sales", ""), "anyof"),
        (tm("FN", "müller", r#"negate-condition="yes""#), "anyof"),
        (format!("{}{}", tm("FN", "daboo", ""), tm("EMAIL", "anna", "")), "anyof"),
        (format!("{}{}", tm("FN", "a", ""), tm("EMAIL", "example", "")), "allof"),
        (format!("{}{}", tm("FN", "a", ""), tm("TEL", "555", "")), "allof"),
    ];
    let check = |round: &'static str| {
        let filters = filters.clone();
        async move {
            let all = store.items_all(book.id).await.unwrap();
            for (inner, test) in &filters {
                let body = format!(
                    r#"<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><D:getetag/></D:prop><C:filter test="{test}">{inner}</C:filter></C:addressbook-query>"#
                );
                let Ok(carddav::Report::AddressbookQuery(query)) = carddav::parse_report(body.as_bytes()) else {
                    panic!("{body}");
                };
                let hits = |items: &[portico::store::Item]| -> Vec<String> {
                    items
                        .iter()
                        .filter(|i| carddav::matches(&query.filter, i.data.as_bytes()))
                        .map(|i| i.name.clone())
                        .collect()
                };
                let scan = hits(&all);
                let Some(plan) = carddav::index_query(&query.filter) else {
                    assert!(inner.contains("negate-condition"), "{inner} should narrow");
                    continue;
                };
                store.index_missing_cards(book.id, carddav::index_values).await.unwrap();
                let candidates = store.cards_by_index(book.id, &plan).await.unwrap();
                assert_eq!(hits(&candidates), scan, "{round}: {inner} {test}");
            }
        }
    };
    check("initial").await;
    assert_eq!(
        store.index_missing_cards(book.id, carddav::index_values).await.unwrap(),
        0
    );

    // Updated and deleted cards: old values no longer select, new ones do.
    put(
        "a",
        card("a", "FN:Anna Schmidt\r\nEMAIL:anna.schmidt@example.com\r\n"),
        true,
    )
    .await;
    put(
        "b",
        card("b", "FN:Cyrus Daboo\r\nEMAIL:cyrus@example.com\r\nTEL:+1 555 0100\r\n"),
        false,
    )
    .await;
    assert!(store.delete_item(book.id, "c", None).await.unwrap());
    check("after update and delete").await;
    assert_eq!(
        store.index_missing_cards(book.id, carddav::index_values).await.unwrap(),
        0
    );
}
on_both!(card_index, card_index_agrees_with_scan);

/// A resource's dead properties are bounded, and a change that would pass the bound stores
/// nothing.
async fn dead_properties_are_bounded(store: &Store) {
    use portico::store::{PropChange, StoreError};
    store.doc_ensure_root("users/fay").await.unwrap();
    assert_eq!(
        store.doc_mkcol("users/fay/f").await.unwrap(),
        portico::store::MkcolOutcome::Created
    );
    let node = store.doc_node("users/fay/f").await.unwrap().expect("folder").id;
    let names: Vec<String> = (0..1_001).map(|i| format!("p{i}")).collect();
    let set = |range: std::ops::Range<usize>| -> Vec<PropChange<'_>> {
        names[range]
            .iter()
            .map(|name| PropChange::Set {
                ns: "urn:e",
                name,
                value_xml: "v",
                lang: None,
            })
            .collect()
    };
    store.doc_proppatch(node, &set(0..1_000), None).await.unwrap();
    let refused = store.doc_proppatch(node, &set(1_000..1_001), None).await;
    assert!(matches!(refused, Err(StoreError::TooMuch(_))), "{refused:?}");
    assert_eq!(store.doc_props(node).await.unwrap().len(), 1_000);
    // Removing makes room again.
    let remove = [PropChange::Remove {
        ns: "urn:e",
        name: "p0",
    }];
    store.doc_proppatch(node, &remove, None).await.unwrap();
    store.doc_proppatch(node, &set(1_000..1_001), None).await.unwrap();
}
on_both!(dead_props, dead_properties_are_bounded);

/// A scheduling write that locks a calendar (a room's booking check) sees every booking that
/// committed before it, even one written while it waited: two bookings of one room cannot both
/// find the slot free. On SQLite write transactions queue; on PostgreSQL the lock does it.
async fn scheduling_locks_serialise_bookings(store: &Store) {
    use portico::store::{ItemCondition, NewCollection, NewItem};
    let room = store.create_principal(user("room", None)).await.unwrap();
    let calendar = store
        .create_collection(&NewCollection {
            owner_id: room.id,
            kind: "calendar",
            slug: "calendar",
            displayname: None,
            description: None,
            color: None,
            timezone: None,
            components: "VEVENT",
        })
        .await
        .unwrap();
    let mut first = store.begin_scheduling().await.unwrap();
    first.lock_collection(calendar.id).await.unwrap();
    assert!(first.items_overlapping(calendar.id, 0, 100).await.unwrap().is_empty());
    let booking = NewItem {
        schedule_tag: None,
        name: "first.ics",
        uid: "first",
        etag: "e1",
        component: "VEVENT",
        data: "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        time_start: 10,
        time_end: 20,
        is_oof: false,
    };
    first.put(calendar.id, &booking, &ItemCondition::Any).await.unwrap();
    let second = {
        let store = store.clone();
        let id = calendar.id;
        tokio::spawn(async move {
            let mut second = store.begin_scheduling().await.unwrap();
            second.lock_collection(id).await.unwrap();
            second.items_overlapping(id, 0, 100).await.unwrap().len()
        })
    };
    // The second check waits for the first booking's commit (a correct store never answers
    // before it; one that did would answer 0 here).
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    first.commit().await.unwrap();
    assert_eq!(
        second.await.unwrap(),
        1,
        "the second booking's check saw the first booking"
    );
}
on_both!(scheduling_locks, scheduling_locks_serialise_bookings);
