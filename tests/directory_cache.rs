//! The store's copy of the directory (every directory page reads all people): a write to the
//! people, their employee rows or the departments — by a service, or by any statement on
//! another connection — is seen by the next read, on SQLite and on PostgreSQL; unchanged, the same copy is handed
//! out again.

mod common;

use portico::store::repos::*;
use std::sync::Arc;

use common::TestServer;
use portico::core::Actor;
use portico::core::directory::NewEmployee;
use portico::store::EmployeeFields;

async fn title_of(s: &TestServer, login: &str) -> Option<String> {
    let people = s.app.store.directory_entries().await.unwrap();
    people.iter().find(|p| p.login == login).and_then(|p| p.title.clone())
}

async fn every_write_is_seen(s: &TestServer) {
    let system = Actor::system();
    let directory = s.app.core.directory(&system);
    let sales = directory.create_department("Sales", None).await.unwrap();
    directory
        .add_employee(NewEmployee {
            login: "vera",
            display_name: "Vera Volkova",
            email: Some("vera@example.test"),
            password: None,
            fields: EmployeeFields {
                department_id: Some(sales),
                title: Some("Analyst".into()),
                ..Default::default()
            },
        })
        .await
        .unwrap();
    assert_eq!(title_of(s, "vera").await.as_deref(), Some("Analyst"));
    let first = s.app.store.directory_entries().await.unwrap();
    let again = s.app.store.directory_entries().await.unwrap();
    assert!(Arc::ptr_eq(&first, &again), "nothing changed: the same copy");

    // Statements no service knows about, from another connection (an operator's SQL, or
    // another Portico process on the same database).
    sqlx::any::install_default_drivers();
    let other = sqlx::AnyPool::connect(&s.app.config.database_url()).await.unwrap();
    sqlx::query("UPDATE employees SET title = 'Head analyst' WHERE principal_id = (SELECT id FROM principals WHERE login = 'vera')")
        .execute(&other)
        .await
        .unwrap();
    assert_eq!(title_of(s, "vera").await.as_deref(), Some("Head analyst"));

    // The department's name, through the departments table.
    sqlx::query("UPDATE departments SET name = 'Sales and Marketing' WHERE name = 'Sales'")
        .execute(&other)
        .await
        .unwrap();
    let people = s.app.store.directory_entries().await.unwrap();
    let vera = people.iter().find(|p| p.login == "vera").unwrap();
    assert_eq!(vera.department_name.as_deref(), Some("Sales and Marketing"));

    // Deactivated people leave the directory.
    sqlx::query("UPDATE principals SET active = 0 WHERE login = 'vera'")
        .execute(&other)
        .await
        .unwrap();
    let people = s.app.store.directory_entries().await.unwrap();
    assert!(people.iter().all(|p| p.login != "vera"));
}

#[tokio::test]
async fn sqlite_sees_every_write() {
    let s = TestServer::start().await;
    every_write_is_seen(&s).await;
    s.shutdown().await;
}

#[tokio::test]
async fn postgres_sees_every_write() {
    let Some(s) = TestServer::start_postgres().await else {
        return;
    };
    every_write_is_seen(&s).await;
    s.shutdown().await;
}
