//! The administration pages over HTTP, in-process: only administrators open them; a
//! department and an employee created there reach the CardDAV directory book at once; users
//! are deactivated, made administrators and given new passwords; groups gain and lose
//! members; rooms are added; the status page tells the state of the system.

mod common;

use common::{ADMIN_PASSWORD, TestServer, csrf, page, post_form};
use portico::store::repos::*;
use reqwest::StatusCode;

const EMP: (&str, &str) = ("emma", "emma-pw");

async fn admin(s: &TestServer) -> (String, String) {
    let cookie = s.sign_in("admin", ADMIN_PASSWORD).await;
    let (_, html) = page(s, &cookie, "/admin").await;
    let token = csrf(&html);
    (cookie, token)
}

#[tokio::test]
async fn only_administrators_open_the_administration() {
    let s = TestServer::start().await;
    s.add_user(EMP.0, EMP.1).await;
    let cookie = s.sign_in(EMP.0, EMP.1).await;
    for path in [
        "/admin",
        "/admin/users",
        "/admin/departments",
        "/admin/groups",
        "/admin/rooms",
    ] {
        let (st, html) = page(&s, &cookie, path).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{path}");
        assert!(
            html.contains("You may not open this page.") && !html.contains("New employee"),
            "{html}"
        );
    }
    // Even with a valid token of her own session, an employee's post creates nothing.
    let (_, settings) = page(&s, &cookie, "/settings").await;
    let token = csrf(&settings);
    let (st, _) = post(
        &s,
        &cookie,
        "/admin/users",
        &[
            ("csrf", &token),
            ("action", "create"),
            ("login", "mallory"),
            ("password", "long-enough"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert!(s.app.store.principal_by_login("mallory").await.unwrap().is_none());
    // The administrator opens every page; the status names the database.
    let (admin_cookie, admin_token) = admin(&s).await;
    for path in [
        "/admin",
        "/admin/users",
        "/admin/departments",
        "/admin/groups",
        "/admin/rooms",
    ] {
        assert_eq!(page(&s, &admin_cookie, path).await.0, StatusCode::OK, "{path}");
    }
    let (_, status) = page(&s, &admin_cookie, "/admin").await;
    assert!(
        status.contains("SQLite") && status.contains("not configured"),
        "{status}"
    );
    // A post without the token is refused.
    let (st, _) = post(
        &s,
        &admin_cookie,
        "/admin/rooms",
        &[("action", "create"), ("login", "blue")],
    )
    .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = post(
        &s,
        &admin_cookie,
        "/admin/rooms",
        &[
            ("csrf", &admin_token),
            ("action", "create"),
            ("login", "blue"),
            ("name", "Blue room"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert!(page(&s, &admin_cookie, "/admin/rooms").await.1.contains("Blue room"));
    s.shutdown().await;
}

#[tokio::test]
async fn a_new_department_and_employee_reach_the_directory_book() {
    let s = TestServer::start().await;
    s.add_user(EMP.0, EMP.1).await;
    let (cookie, token) = admin(&s).await;
    let (st, body) = post(
        &s,
        &cookie,
        "/admin/departments",
        &[("csrf", &token), ("action", "create"), ("name", "Field Sales")],
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    let (_, users) = page(&s, &cookie, "/admin/users").await;
    let value_at = users.find(">Field Sales</option>").expect("the department in the form");
    let dept_id: String = users[..value_at]
        .rsplit("value=\"")
        .next()
        .unwrap()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let (st, body) = post(
        &s,
        &cookie,
        "/admin/users",
        &[
            ("csrf", &token),
            ("action", "create"),
            ("login", "zoe"),
            ("name", "Zoe Field"),
            ("email", "zoe@example.test"),
            ("password", "zoe-password"),
            ("department", &dept_id),
            ("title", "Account manager"),
            ("phone", "+1 555 0142"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{body}");
    // Her card is in the directory book, with her department; she can sign in.
    let (st, card) = s
        .get_as(EMP.0, EMP.1, "/dav/addressbooks/directory/portico-zoe.vcf")
        .await;
    let card = String::from_utf8_lossy(&card).into_owned();
    assert_eq!(st, 200, "{card}");
    assert!(
        card.contains("FN:Zoe Field") && card.contains("Field Sales") && card.contains("555 0142"),
        "{card}"
    );
    s.sign_in("zoe", "zoe-password").await;
    // Made head of the department.
    let (st, _) = post(
        &s,
        &cookie,
        "/admin/departments",
        &[
            ("csrf", &token),
            ("action", "head"),
            ("department", &dept_id),
            ("head", "zoe"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (_, departments) = page(&s, &cookie, "/admin/departments").await;
    assert!(
        departments.contains("<td>Field Sales</td><td></td><td>Zoe Field</td><td>1</td>"),
        "{departments}"
    );
    // Bad input is refused with a reason, and nothing is created.
    let (st, body) = post(
        &s,
        &cookie,
        "/admin/users",
        &[
            ("csrf", &token),
            ("action", "create"),
            ("login", "bad login"),
            ("password", "long-enough"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(body.contains("must be 1 to 64 characters"), "{body}");
    let (st, body) = post(
        &s,
        &cookie,
        "/admin/users",
        &[
            ("csrf", &token),
            ("action", "create"),
            ("login", "shorty"),
            ("password", "short"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(body.contains("at least 8 characters"), "{body}");
    assert!(s.app.store.principal_by_login("shorty").await.unwrap().is_none());
    s.shutdown().await;
}

#[tokio::test]
async fn users_are_deactivated_promoted_and_given_new_passwords() {
    let s = TestServer::start().await;
    s.add_user(EMP.0, EMP.1).await;
    let (cookie, token) = admin(&s).await;
    let act = |action: &'static str| {
        [
            ("csrf", token.clone()),
            ("action", action.to_owned()),
            ("login", EMP.0.to_owned()),
        ]
    };
    let fields = |f: &[(&'static str, String)]| f.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>();
    let send = |f: Vec<(&'static str, String)>| {
        let s = &s;
        let cookie = cookie.clone();
        async move {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            post(s, &cookie, "/admin/users", &f).await
        }
    };
    assert_eq!(send(fields(&act("deactivate"))).await.0, StatusCode::SEE_OTHER);
    assert_eq!(
        s.get_as(EMP.0, EMP.1, "/docs/users/emma/").await.0,
        401,
        "deactivated: no sign-in"
    );
    assert_eq!(send(fields(&act("activate"))).await.0, StatusCode::SEE_OTHER);
    let mut password = fields(&act("password"));
    password.push(("password", "a-new-password".into()));
    assert_eq!(send(password).await.0, StatusCode::SEE_OTHER);
    assert_eq!(
        s.get_as(EMP.0, EMP.1, "/docs/users/emma/").await.0,
        401,
        "the old password is gone"
    );
    assert_ne!(s.get_as(EMP.0, "a-new-password", "/docs/users/emma/").await.0, 401);
    assert_eq!(send(fields(&act("admin"))).await.0, StatusCode::SEE_OTHER);
    assert!(s.app.store.principal_by_login(EMP.0).await.unwrap().unwrap().is_admin);
    assert_eq!(send(fields(&act("unadmin"))).await.0, StatusCode::SEE_OTHER);
    assert!(!s.app.store.principal_by_login(EMP.0).await.unwrap().unwrap().is_admin);
    // The administrator cannot lock themselves out.
    let own = vec![
        ("csrf", token.clone()),
        ("action", "deactivate".into()),
        ("login", "admin".into()),
    ];
    let (st, body) = send(own).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    assert!(body.contains("your own account"), "{body}");
    let own = vec![
        ("csrf", token.clone()),
        ("action", "unadmin".into()),
        ("login", "admin".into()),
    ];
    assert_eq!(send(own).await.0, StatusCode::BAD_REQUEST);
    s.shutdown().await;
}

#[tokio::test]
async fn groups_gain_and_lose_members() {
    let s = TestServer::start().await;
    s.add_user(EMP.0, EMP.1).await;
    let (cookie, token) = admin(&s).await;
    let (st, _) = post(
        &s,
        &cookie,
        "/admin/groups",
        &[
            ("csrf", &token),
            ("action", "create"),
            ("login", "project-x"),
            ("name", "Project X"),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (st, _) = post(
        &s,
        &cookie,
        "/admin/groups",
        &[
            ("csrf", &token),
            ("action", "add"),
            ("group", "project-x"),
            ("login", EMP.0),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (_, groups) = page(&s, &cookie, "/admin/groups").await;
    assert!(groups.contains("Project X") && groups.contains("(emma)"), "{groups}");
    let (st, _) = post(
        &s,
        &cookie,
        "/admin/groups",
        &[
            ("csrf", &token),
            ("action", "remove"),
            ("group", "project-x"),
            ("login", EMP.0),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (_, groups) = page(&s, &cookie, "/admin/groups").await;
    assert!(
        !groups.contains("(emma)") && groups.contains("No members yet."),
        "{groups}"
    );
    let (st, _) = post(
        &s,
        &cookie,
        "/admin/groups",
        &[
            ("csrf", &token),
            ("action", "remove"),
            ("group", "project-x"),
            ("login", EMP.0),
        ],
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "not a member any more");
    s.shutdown().await;
}

async fn post(s: &TestServer, cookie: &str, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let (status, _, body) = post_form(s, cookie, path, fields).await;
    (status, body)
}

#[tokio::test]
async fn any_users_app_passwords_are_revoked_and_the_directory_page_tells_its_state() {
    let s = TestServer::start().await;
    s.add_user(EMP.0, EMP.1).await;
    let emma = s.app.store.principal_by_login(EMP.0).await.unwrap().unwrap();
    let (_, secret) = s.app.auth.new_app_password(&emma, "Phone").await.unwrap();
    assert_ne!(
        s.get_as(EMP.0, &secret, "/docs/users/emma/").await.0,
        401,
        "the app password works"
    );
    let (cookie, token) = admin(&s).await;
    let (st, list) = page(&s, &cookie, "/admin/app-passwords?login=emma").await;
    assert_eq!(st, StatusCode::OK);
    assert!(list.contains("Phone"), "{list}");
    let at = list.find("name=\"id\" value=\"").unwrap() + 17;
    let id = list[at..at + list[at..].find('"').unwrap()].to_owned();
    let (st, _) = post(
        &s,
        &cookie,
        "/admin/app-passwords",
        &[("csrf", &token), ("action", "revoke"), ("login", EMP.0), ("id", &id)],
    )
    .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert_eq!(s.get_as(EMP.0, &secret, "/docs/users/emma/").await.0, 401, "revoked");
    let (st, _) = post(
        &s,
        &cookie,
        "/admin/app-passwords",
        &[("csrf", &token), ("action", "revoke"), ("login", EMP.0), ("id", &id)],
    )
    .await;
    assert_eq!(st, StatusCode::NOT_FOUND, "only once");
    // Without an [ldap] section the directory page says so, and "sync now" is refused.
    let (st, dir) = page(&s, &cookie, "/admin/directory").await;
    assert_eq!(st, StatusCode::OK);
    assert!(dir.contains("not configured"), "{dir}");
    let (st, _) = post(&s, &cookie, "/admin/directory", &[("csrf", &token), ("action", "sync")]).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    // Employees get neither page.
    let emma_cookie = s.sign_in(EMP.0, EMP.1).await;
    assert_eq!(
        page(&s, &emma_cookie, "/admin/app-passwords?login=admin").await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        page(&s, &emma_cookie, "/admin/directory").await.0,
        StatusCode::FORBIDDEN
    );
    s.shutdown().await;
}
