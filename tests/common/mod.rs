//! Test harness: starts the real server in-process on 127.0.0.1:0 with a fresh data
//! directory, and gives an HTTP client for it.

#![allow(dead_code)] // each test binary uses a different part of the harness

use std::sync::Arc;

use portico::app::App;
use portico::config::Config;
use portico::store::{NewPrincipal, PrincipalKind};

pub const ADMIN_PASSWORD: &str = "admin-secret";

pub struct TestServer {
    pub base: String,
    pub app: Arc<App>,
    pub client: reqwest::Client,
    running: Option<portico::http::Running>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::start_with(|_| {}).await
    }

    /// Starts a server whose config the caller may adjust first.
    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> TestServer {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = Config::default();
        config.storage.data_dir = dir.path().join("data");
        config.server.listen = "127.0.0.1:0".into();
        config.server.shutdown_grace_seconds = 2;
        adjust(&mut config);
        let listener = tokio::net::TcpListener::bind(&config.server.listen)
            .await
            .expect("bind");
        let app = App::open(config).await.expect("open app");
        app.ensure_admin(Some(ADMIN_PASSWORD.into())).await.expect("admin");
        let app = Arc::new(app);
        let running = portico::http::start(app.clone(), listener, None).expect("start");
        let base = format!("http://{}", running.addr);
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        TestServer {
            base,
            app,
            client,
            running: Some(running),
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Creates a local user with a password.
    pub async fn add_user(&self, login: &str, password: &str) {
        let hash = portico::auth::password::hash(password).expect("hash");
        self.app
            .store
            .create_principal(NewPrincipal {
                kind: PrincipalKind::User,
                login,
                display_name: login,
                email: Some(&format!("{login}@example.test")),
                password_hash: Some(&hash),
                is_admin: false,
            })
            .await
            .expect("create user");
    }

    pub fn request(&self, method: &str, path: &str) -> reqwest::RequestBuilder {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        self.client.request(method, self.url(path))
    }

    pub async fn shutdown(mut self) {
        if let Some(r) = self.running.take() {
            r.shutdown().await;
        }
    }
}
