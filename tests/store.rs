//! Store behaviour, run identically on SQLite and on a real PostgreSQL.
//!
//! PostgreSQL runs when `PORTICO_TEST_POSTGRES_URL` names a role that may create databases
//! (the test command starts a throwaway cluster and sets it); each test gets its own fresh
//! database. Under `CI=true` a missing URL is a failure, not a skip.

use portico::store::{Dialect, EmployeeFields, NewDepartment, NewPrincipal, PrincipalKind, Store, StoreError};
use sqlx::Connection;

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
    let Ok(admin_url) = std::env::var("PORTICO_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "PORTICO_TEST_POSTGRES_URL must be set under CI: the store tests must run on PostgreSQL"
        );
        eprintln!("PostgreSQL part skipped: PORTICO_TEST_POSTGRES_URL is not set (scripts/test sets it)");
        return None;
    };
    let name = format!("portico_t_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&admin_url)
        .await
        .expect("connect to the test PostgreSQL");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create database");
    conn.close().await.ok();
    let (base, _) = admin_url.rsplit_once('/').expect("URL with a database name");
    let url = format!("{base}/{name}");
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
                assert_eq!(b.store.dialect(), super::Dialect::Sqlite);
                super::$scenario(&b.store).await;
            }
            #[tokio::test]
            async fn postgres() {
                if let Some(b) = super::postgres().await {
                    assert_eq!(b.store.dialect(), super::Dialect::Postgres);
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

async fn demo_company_seeds_once(store: &Store) {
    let dir = tempfile::tempdir().unwrap();
    let blobs = portico::blobs::FsBlobStore::open_dir(dir.path()).unwrap();
    let created = portico::demo::seed(store, &blobs, "demo").await.unwrap();
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
        portico::demo::seed(store, &blobs, "demo").await.unwrap(),
        0,
        "second seed is a no-op"
    );
}
on_both!(demo, demo_company_seeds_once);

/// The per-root usage kept by triggers always equals the sum over the root's subtree, through
/// creates, replaces, moves across drives, copies and deletes.
async fn drive_usage_follows_every_change(store: &Store) {
    use portico::blobs::BlobRef;
    use portico::store::{PutCondition, PutOutcome};
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
    let put = |path: &'static str, n: u64| {
        let blob = blob(n);
        async move {
            store
                .doc_put(path, &blob, "text/plain", author, &PutCondition::Any)
                .await
                .unwrap()
        }
    };
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
    assert_eq!(used("users/dora").await, 50, "a replace counts the new size only");
    store
        .doc_copy_tree("users/dora/a", "users/ed/a", true, author)
        .await
        .unwrap();
    assert_eq!((used("users/dora").await, used("users/ed").await), (50, 30));
    store
        .doc_move_tree("users/dora/two.txt", "users/ed/two.txt")
        .await
        .unwrap();
    assert_eq!((used("users/dora").await, used("users/ed").await), (30, 50));
    store.doc_move_tree("users/ed/a", "users/ed/b").await.unwrap();
    assert_eq!(used("users/ed").await, 50, "a move inside a drive changes nothing");
    store.doc_delete_tree("users/ed/b").await.unwrap();
    store.doc_delete_tree("users/dora/a").await.unwrap();
    assert_eq!((used("users/dora").await, used("users/ed").await), (0, 20));
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
