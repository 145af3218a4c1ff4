//! The server over real TCP: health, authentication (Basic, app passwords, sessions,
//! throttling), body limits, and that bad requests get clear errors.

mod common;

use common::{ADMIN_PASSWORD, TestServer};
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test]
async fn healthz_is_public_and_has_request_id() {
    let s = TestServer::start().await;
    let resp = s.request("GET", "/healthz").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers().contains_key("x-request-id"));
    assert_eq!(resp.text().await.unwrap(), "ok\n");
    s.shutdown().await;
}

#[tokio::test]
async fn dav_requires_credentials() {
    let s = TestServer::start().await;
    let resp = s
        .request("PROPFIND", "/dav/")
        .header("Depth", "0")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let challenge = resp.headers().get("www-authenticate").unwrap().to_str().unwrap();
    assert!(challenge.starts_with("Basic realm=\"Portico\""), "{challenge}");
    s.shutdown().await;
}

#[tokio::test]
async fn dav_answers_with_credentials() {
    let s = TestServer::start().await;
    let resp = s
        .request("OPTIONS", "/dav/")
        .basic_auth("admin", Some(ADMIN_PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers().get("dav").unwrap().to_str().unwrap().contains('1'));
    s.shutdown().await;
}

#[tokio::test]
async fn windows_root_probe_needs_no_credentials() {
    let s = TestServer::start().await;
    let resp = s
        .request("OPTIONS", "/")
        .header("User-Agent", "Microsoft-WebDAV-MiniRedir/10.0.19045")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers().get("ms-author-via").unwrap(), "DAV");
    assert!(!resp.headers().contains_key("x-msdavext"));
    s.shutdown().await;
}

#[tokio::test]
async fn wrong_password_and_unknown_user_look_the_same() {
    let s = TestServer::start().await;
    s.add_user("alice", "alice-pw").await;
    let wrong = s
        .request("OPTIONS", "/dav/")
        .basic_auth("alice", Some("nope"))
        .send()
        .await
        .unwrap();
    let unknown = s
        .request("OPTIONS", "/dav/")
        .basic_auth("nobody", Some("nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.text().await.unwrap(), unknown.text().await.unwrap());
    s.shutdown().await;
}

#[tokio::test]
async fn windows_domain_forms_resolve_to_the_user() {
    let s = TestServer::start().await;
    s.add_user("alice", "alice-pw").await;
    for login in ["alice", "CORP\\alice", "alice@corp.example"] {
        let resp = s
            .request("OPTIONS", "/dav/")
            .basic_auth(login, Some("alice-pw"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{login}");
    }
    s.shutdown().await;
}

#[tokio::test]
async fn malformed_authorization_is_401() {
    let s = TestServer::start().await;
    for value in ["Basic !!!notbase64", "Basic bm9jb2xvbg==", "Bearer abc", "Basic "] {
        let resp = s
            .request("OPTIONS", "/dav/")
            .header("Authorization", value)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "{value}");
    }
    s.shutdown().await;
}

#[tokio::test]
async fn failed_logins_are_throttled_per_user() {
    let s = TestServer::start_with(|c| c.auth.max_failures_per_user = 3).await;
    s.add_user("bob", "bob-pw").await;
    for _ in 0..3 {
        let resp = s
            .request("OPTIONS", "/dav/")
            .basic_auth("bob", Some("guess"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    }
    // Now even the right password is refused until the window passes.
    let resp = s
        .request("OPTIONS", "/dav/")
        .basic_auth("bob", Some("bob-pw"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(resp.headers().contains_key("retry-after"));
    // Another user is not affected.
    let resp = s
        .request("OPTIONS", "/dav/")
        .basic_auth("admin", Some(ADMIN_PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    s.shutdown().await;
}

#[tokio::test]
async fn failed_logins_are_throttled_per_ip() {
    let s = TestServer::start_with(|c| c.auth.max_failures_per_ip = 4).await;
    for i in 0..4 {
        let user = format!("guess{i}");
        let resp = s
            .request("OPTIONS", "/dav/")
            .basic_auth(&user, Some("x"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    }
    let resp = s
        .request("OPTIONS", "/dav/")
        .basic_auth("admin", Some(ADMIN_PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    s.shutdown().await;
}

#[tokio::test]
async fn app_passwords_can_be_created_used_listed_and_revoked() {
    let s = TestServer::start().await;
    s.add_user("carol", "carol-pw").await;
    let created: serde_json::Value = s
        .request("POST", "/api/app-passwords")
        .basic_auth("carol", Some("carol-pw"))
        .body(r#"{"label":"Thunderbird on laptop","password":"carol-pw"}"#)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = created["password"].as_str().unwrap().to_owned();
    let id = created["id"].as_i64().unwrap();

    let resp = s
        .request("OPTIONS", "/dav/")
        .basic_auth("carol", Some(&secret))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);

    let list: serde_json::Value = s
        .request("GET", "/api/app-passwords")
        .basic_auth("carol", Some("carol-pw"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["label"], "Thunderbird on laptop");
    assert!(list[0].get("password").is_none(), "secrets are never listed");
    assert!(list[0]["last_used_at"].is_i64());

    // Another user cannot revoke it.
    s.add_user("dave", "dave-pw").await;
    let resp = s
        .request("DELETE", &format!("/api/app-passwords/{id}"))
        .basic_auth("dave", Some("dave-pw"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);

    let resp = s
        .request("DELETE", &format!("/api/app-passwords/{id}"))
        .basic_auth("carol", Some("carol-pw"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    let resp = s
        .request("OPTIONS", "/dav/")
        .basic_auth("carol", Some(&secret))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    s.shutdown().await;
}

#[tokio::test]
async fn app_password_bad_input_is_400_and_stores_nothing() {
    let s = TestServer::start().await;
    for body in [
        "not json",
        r#"{"label":""}"#,
        r#"{"label":"x","extra":1}"#,
        r#"{"label":"a\u0000b"}"#,
    ] {
        let resp = s
            .request("POST", "/api/app-passwords")
            .basic_auth("admin", Some(ADMIN_PASSWORD))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::BAD_REQUEST, "{body}");
        assert!(!resp.text().await.unwrap().is_empty());
    }
    let list: serde_json::Value = s
        .request("GET", "/api/app-passwords")
        .basic_auth("admin", Some(ADMIN_PASSWORD))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 0);
    s.shutdown().await;
}

#[tokio::test]
async fn browser_login_sets_a_session_cookie() {
    let s = TestServer::start().await;
    let page = s.request("GET", "/").send().await.unwrap();
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    assert_eq!(page.headers()["location"], "/login?next=%2F");

    let bad = s
        .request("POST", "/login")
        .form(&[("login", "admin"), ("password", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNAUTHORIZED);
    assert!(bad.text().await.unwrap().contains("Invalid login or password"));

    let ok = s
        .request("POST", "/login")
        .form(&[
            ("login", "admin"),
            ("password", ADMIN_PASSWORD),
            ("next", "//evil.example/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(ok.headers()["location"], "/");
    let cookie = ok.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap().to_owned();

    let home = s.request("GET", "/").header("Cookie", &pair).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    assert!(home.text().await.unwrap().contains("Hello, Administrator!"));
    let dav = s
        .request("OPTIONS", "/dav/")
        .header("Cookie", &pair)
        .send()
        .await
        .unwrap();
    assert_eq!(dav.status(), StatusCode::OK);

    // A cross-site write with the cookie is refused.
    let cross = s
        .request("POST", "/api/app-passwords")
        .header("Cookie", &pair)
        .header("Origin", "http://evil.example")
        .body(r#"{"label":"x"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);

    let out = s
        .request("POST", "/logout")
        .header("Cookie", &pair)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    let after = s.request("GET", "/").header("Cookie", &pair).send().await.unwrap();
    assert_eq!(after.status(), StatusCode::SEE_OTHER, "session ended");
    s.shutdown().await;
}

#[tokio::test]
async fn oversized_body_is_413() {
    let s = TestServer::start_with(|c| c.server.max_request_bytes = 1024).await;
    let resp = s
        .request("POST", "/login")
        .body(vec![b'a'; 64 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE);
    s.shutdown().await;
}

#[tokio::test]
async fn truncated_body_is_400_and_creates_nothing() {
    let s = TestServer::start().await;
    let addr = s.base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let auth = base64_basic("admin", ADMIN_PASSWORD);
    let head = format!(
        "POST /api/app-passwords HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Basic {auth}\r\nContent-Length: 100\r\n\r\n{{\"label\":"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.shutdown().await.unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer).await;
    // The server either answers 400 or closes; either way nothing may be stored.
    assert!(answer.is_empty() || answer.starts_with("HTTP/1.1 400"), "{answer}");
    let list: serde_json::Value = s
        .request("GET", "/api/app-passwords")
        .basic_auth("admin", Some(ADMIN_PASSWORD))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 0);
    s.shutdown().await;
}

#[tokio::test]
async fn unknown_path_is_404() {
    let s = TestServer::start().await;
    let resp = s.request("GET", "/no/such/thing").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    s.shutdown().await;
}

#[tokio::test]
async fn well_known_redirects_to_dav_root() {
    let s = TestServer::start().await;
    for path in ["/.well-known/caldav", "/.well-known/carddav"] {
        let resp = s.request("GET", path).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::MOVED_PERMANENTLY);
        assert_eq!(resp.headers()["location"], "/dav/");
    }
    s.shutdown().await;
}

#[tokio::test]
async fn graceful_shutdown_lets_the_server_stop() {
    let s = TestServer::start().await;
    let url = s.url("/healthz");
    s.shutdown().await;
    assert!(reqwest::get(url).await.is_err(), "listener closed after shutdown");
}

fn base64_basic(user: &str, pass: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
}
