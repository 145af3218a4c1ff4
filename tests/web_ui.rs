//! The web UI's shell over HTTP, in-process: signing in (and its guards), the pages and their
//! permissions, the CSRF token of every form, the strict Content-Security-Policy, English and
//! Russian, and the cached style sheet.

mod common;

use common::TestServer;
use reqwest::StatusCode;

const EMP: (&str, &str) = ("emma", "emma-pw");

async fn server() -> TestServer {
    let s = TestServer::start().await;
    s.add_user(EMP.0, EMP.1).await;
    s
}

async fn sign_in(s: &TestServer, login: &str, password: &str) -> String {
    let resp = s
        .request("POST", "/login")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(format!("login={login}&password={password}&next=%2Fsettings"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()["location"], "/settings");
    let cookie = resp.headers()["set-cookie"].to_str().unwrap();
    cookie.split(';').next().unwrap().to_owned()
}

async fn page(s: &TestServer, cookie: &str, path: &str) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let resp = s.request("GET", path).header("Cookie", cookie).send().await.unwrap();
    let (status, headers) = (resp.status(), resp.headers().clone());
    (status, headers, resp.text().await.unwrap())
}

/// The CSRF token in a page's forms.
fn csrf(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a form with a CSRF token") + 19;
    html[at..at + html[at..].find('"').unwrap()].to_owned()
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
    let cookie = sign_in(&s, EMP.0, EMP.1).await;
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
    let admin = sign_in(&s, "admin", common::ADMIN_PASSWORD).await;
    let (status, _, html) = page(&s, &admin, "/admin").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("href=\"/admin\""));
    s.shutdown().await;
}

#[tokio::test]
async fn settings_change_the_language_only_with_the_forms_token() {
    let s = server().await;
    let cookie = sign_in(&s, EMP.0, EMP.1).await;
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
    let cookie = sign_in(&s, EMP.0, EMP.1).await;
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
