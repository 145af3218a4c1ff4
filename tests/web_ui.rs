//! The web UI's shell over HTTP, in-process: signing in (and its guards), the pages and their
//! permissions, the CSRF token of every form, the strict Content-Security-Policy, English and
//! Russian, and the cached style sheet.

mod common;

use common::{TestServer, csrf};
use reqwest::StatusCode;

const EMP: (&str, &str) = ("emma", "emma-pw");

async fn server() -> TestServer {
    let s = TestServer::start().await;
    s.add_user(EMP.0, EMP.1).await;
    s
}

async fn page(s: &TestServer, cookie: &str, path: &str) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let resp = s.request("GET", path).header("Cookie", cookie).send().await.unwrap();
    let (status, headers) = (resp.status(), resp.headers().clone());
    (status, headers, resp.text().await.unwrap())
}

#[tokio::test]
async fn the_sign_in_page_speaks_the_browsers_language_and_guards_itself() {
    let s = server().await;
    let resp = s.request("GET", "/login").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let csp = resp.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    let html = resp.text().await.unwrap();
    assert!(html.contains("name=\"login\"") && html.contains("name=\"password\""));
    assert!(html.contains("Sign in to Portico") && html.contains("lang=\"en\""));
    assert!(!html.contains("<script"), "no script on any page");
    let ru = s
        .request("GET", "/login")
        .header("Accept-Language", "ru-RU,ru;q=0.9,en;q=0.5")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(ru.contains("Вход в Portico") && ru.contains("lang=\"ru\""), "{ru}");

    // A sign-in posted from another site is refused; a wrong password says so in words.
    let cross = s
        .request("POST", "/login")
        .header("Origin", "http://evil.example")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("login=emma&password=emma-pw")
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    let wrong = s
        .request("POST", "/login")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("login=emma&password=nope")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(wrong.text().await.unwrap().contains("Invalid login or password."));
    // Nowhere but here after signing in: `/%09/evil.example` would be `//evil.example`.
    let resp = s
        .request("POST", "/login")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("login=emma&password=emma-pw&next=%2F%09%2Fevil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["location"], "/");
    s.shutdown().await;
}

#[tokio::test]
async fn pages_need_a_session_and_admin_needs_an_administrator() {
    let s = server().await;
    let resp = s.request("GET", "/calendar").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()["location"], "/login?next=%2Fcalendar");
    let cookie = s.sign_in(EMP.0, EMP.1).await;
    let (status, headers, html) = page(&s, &cookie, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["cache-control"], "no-store");
    assert!(html.contains("Hello, emma!"), "{html}");
    assert!(html.contains("href=\"/calendar\"") && !html.contains("href=\"/admin\""));
    for path in ["/calendar", "/directory", "/documents", "/tasks", "/crm"] {
        let (status, _, html) = page(&s, &cookie, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(html.contains("aria-current=\"page\""), "{path}");
    }
    let (status, _, html) = page(&s, &cookie, "/admin").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("You may not open this page."));
    let admin = s.sign_in("admin", common::ADMIN_PASSWORD).await;
    let (status, _, html) = page(&s, &admin, "/admin").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("href=\"/admin\""));
    s.shutdown().await;
}

#[tokio::test]
async fn settings_change_the_language_only_with_the_forms_token() {
    let s = server().await;
    let cookie = s.sign_in(EMP.0, EMP.1).await;
    let (_, _, html) = page(&s, &cookie, "/settings").await;
    let token = csrf(&html);
    let post = |body: String| {
        s.request("POST", "/settings")
            .header("Cookie", &cookie)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
    };
    let forged = post("locale=ru&time_zone=".into()).send().await.unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN, "no token, no change");
    let bad_tz = post(format!("csrf={token}&locale=ru&time_zone=Mars%2FOlympus"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_tz.status(), StatusCode::BAD_REQUEST);
    assert!(bad_tz.text().await.unwrap().contains("Mars/Olympus"));
    let (_, _, html) = page(&s, &cookie, "/settings").await;
    assert!(html.contains("Settings"), "the refused change changed nothing");
    let ok = post(format!("csrf={token}&locale=ru&time_zone=Europe%2FMoscow"))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let html = ok.text().await.unwrap();
    assert!(html.contains("Настройки сохранены."), "{html}");
    let (_, _, home) = page(&s, &cookie, "/").await;
    assert!(
        home.contains("Здравствуйте, emma!") && home.contains("lang=\"ru\""),
        "{home}"
    );
    s.shutdown().await;
}

#[tokio::test]
async fn app_passwords_from_the_settings_page() {
    let s = server().await;
    let cookie = s.sign_in(EMP.0, EMP.1).await;
    let (_, _, html) = page(&s, &cookie, "/settings").await;
    let token = csrf(&html);
    let post = |path: &str, body: String| {
        s.request("POST", path)
            .header("Cookie", &cookie)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(body)
    };
    let wrong = post(
        "/settings/app-passwords",
        format!("csrf={token}&label=Phone&password=nope"),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(wrong.status(), StatusCode::FORBIDDEN);
    let made = post(
        "/settings/app-passwords",
        format!("csrf={token}&label=Phone&password=emma-pw"),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(made.status(), StatusCode::OK);
    let html = made.text().await.unwrap();
    let at = html.find("The new app password for Phone is ").expect(&html) + 34;
    let secret = html[at..at + 32].to_owned();
    let dav = s
        .request("OPTIONS", "/dav/")
        .basic_auth(EMP.0, Some(&secret))
        .send()
        .await
        .unwrap();
    assert_eq!(dav.status(), StatusCode::OK, "the new app password works");
    let list: serde_json::Value = s
        .req_as(EMP.0, EMP.1, "GET", "/api/app-passwords")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = list[0]["id"].as_i64().unwrap();
    let revoked = post(&format!("/settings/app-passwords/{id}/revoke"), format!("csrf={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    let dav = s
        .request("OPTIONS", "/dav/")
        .basic_auth(EMP.0, Some(&secret))
        .send()
        .await
        .unwrap();
    assert_eq!(dav.status(), StatusCode::UNAUTHORIZED, "revoked");
    s.shutdown().await;
}

#[tokio::test]
async fn the_style_sheet_is_hashed_and_cached() {
    let s = server().await;
    let html = s.request("GET", "/login").send().await.unwrap().text().await.unwrap();
    let at = html.find("/static/app.").unwrap();
    let path = &html[at..at + html[at..].find('"').unwrap()];
    let css = s.request("GET", path).send().await.unwrap();
    assert_eq!(css.status(), StatusCode::OK);
    assert_eq!(css.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert!(css.headers()["content-type"].to_str().unwrap().starts_with("text/css"));
    assert_eq!(
        s.request("GET", "/static/app.0000.css").send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    s.shutdown().await;
}

/// A small company: Ольга heads finance, Boris reports to her, and one name tries markup.
async fn company(s: &TestServer) {
    use portico::core::Actor;
    use portico::core::directory::NewEmployee;
    use portico::store::EmployeeFields;
    let system = Actor::system();
    let directory = s.app.core.directory(&system);
    let finance = directory.create_department("Finance", None).await.unwrap();
    let head = directory
        .add_employee(NewEmployee {
            login: "olga",
            display_name: "Ольга Иванова",
            email: Some("olga@example.test"),
            password: None,
            fields: EmployeeFields {
                department_id: Some(finance),
                title: Some("Главный бухгалтер".into()),
                phone: Some("+7 (495) 221-03-17".into()),
                birthday: Some("1980-12-07".into()),
                ..Default::default()
            },
        })
        .await
        .unwrap();
    for (login, name, phone) in [
        ("boris", "Boris Petrov", "+7 (495) 221-04-00"),
        (
            "mallory",
            "<script>alert(1)</script> Mallory",
            "=HYPERLINK(\"http://evil\")",
        ),
    ] {
        directory
            .add_employee(NewEmployee {
                login,
                display_name: name,
                email: Some(&format!("{login}@example.test")),
                password: None,
                fields: EmployeeFields {
                    department_id: Some(finance),
                    manager_id: Some(head.id),
                    phone: Some(phone.into()),
                    ..Default::default()
                },
            })
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn the_directory_finds_people_and_shows_their_profiles() {
    let s = server().await;
    company(&s).await;
    let (status, _, _) = page(&s, "", "/directory?q=boris").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "signed-out visitors are sent to sign in");
    let cookie = s.sign_in(EMP.0, EMP.1).await;

    let (status, headers, body) = page(&s, &cookie, "/directory").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-security-policy"], portico::web::page::PAGE_CSP);
    assert!(body.contains("Ольга Иванова") && body.contains("Boris Petrov"));
    assert!(!body.contains("<script>alert"), "names are escaped");
    assert!(
        body.contains("&#60;script&#62;alert(1)&#60;/script&#62; Mallory"),
        "shown as text"
    );
    assert!(
        body.contains("?letter=%D0%9E"),
        "the letter bar has О for Ольга (no surname on record)"
    );

    // Part of a phone number, whatever the punctuation; then a department; then a letter.
    let (_, _, body) = page(&s, &cookie, "/directory?q=2210317").await;
    assert!(
        body.contains("Ольга Иванова") && !body.contains("Boris Petrov"),
        "{body}"
    );
    let (_, _, body) = page(&s, &cookie, "/directory?q=FINANCE").await;
    assert!(body.contains("Ольга Иванова") && body.contains("Boris Petrov"));
    let (_, _, body) = page(&s, &cookie, "/directory?letter=b").await;
    assert!(body.contains("Boris Petrov") && !body.contains("Ольга Иванова"));
    let (_, _, body) = page(&s, &cookie, "/directory?q=nobody-at-all").await;
    assert!(!body.contains("Boris Petrov") && body.contains("Nobody matches"));

    // The profile: manager one way, reports the other.
    let (status, _, body) = page(&s, &cookie, "/directory/boris").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("href=\"/directory/olga\""),
        "Boris's manager links to Olga"
    );
    let (_, _, body) = page(&s, &cookie, "/directory/olga").await;
    assert!(body.contains("Главный бухгалтер") && body.contains("December 7"));
    assert!(body.contains("href=\"/directory/boris\"") && body.contains("href=\"/directory/mallory\""));
    let (status, _, _) = page(&s, &cookie, "/directory/no-such-person").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // In Russian: the plural of the count, and the birthday without its year.
    let resp = s
        .request("GET", "/directory/olga")
        .header("Cookie", &cookie)
        .header("Accept-Language", "ru")
        .send()
        .await
        .unwrap();
    assert!(resp.text().await.unwrap().contains("7 декабря<"));
    let resp = s
        .request("GET", "/directory?q=finance")
        .header("Cookie", &cookie)
        .header("Accept-Language", "ru")
        .send()
        .await
        .unwrap();
    assert!(resp.text().await.unwrap().contains("3 человека"));
    s.shutdown().await;
}

#[tokio::test]
async fn the_directory_exports_its_search_as_csv() {
    let s = server().await;
    company(&s).await;
    let cookie = s.sign_in(EMP.0, EMP.1).await;
    let resp = s
        .request("GET", "/directory/export.csv?q=finance")
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(
        resp.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let bytes = resp.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a byte-order mark for spreadsheets");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 3, "{text}");
    let olga = records.iter().find(|r| &r[0] == "Ольга Иванова").expect("Olga");
    assert_eq!(&olga[4], "+7 (495) 221-03-17", "phone numbers stay as they are");
    let boris = records.iter().find(|r| &r[0] == "Boris Petrov").expect("Boris");
    assert_eq!(&boris[6], "Ольга Иванова", "the manager's name");
    let mallory = records.iter().find(|r| r[0].contains("Mallory")).expect("Mallory");
    assert_eq!(
        &mallory[4], "'=HYPERLINK(\"http://evil\")",
        "a formula is not a formula"
    );

    let (status, _, _) = page(&s, "", "/directory/export.csv").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "no export without a session");

    // The same search as vCards: one card per person found, with their details.
    let resp = s
        .request("GET", "/directory/export.vcf?q=finance")
        .header("Cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "text/vcard; charset=utf-8");
    let cards = resp.text().await.unwrap();
    assert_eq!(cards.matches("BEGIN:VCARD").count(), 3, "{cards}");
    assert!(
        cards.contains(":Ольга Иванова") && cards.contains("+7 (495) 221-03-17"),
        "{cards}"
    );
    let (status, _, _) = page(&s, "", "/directory/export.vcf").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "no export without a session");
    s.shutdown().await;
}
