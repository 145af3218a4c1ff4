//! Test harness: starts the real server in-process on 127.0.0.1:0 with a fresh data
//! directory, and gives an HTTP client for it.

#![allow(dead_code)] // each test binary uses a different part of the harness

pub mod directory;

use portico::store::repos::*;
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

    /// Starts a server with `[smtp]` towards a port nothing listens on (calendar@example.test
    /// sends): mail is queued in the outbox, and stays there.
    pub async fn start_with_smtp(adjust: impl FnOnce(&mut Config)) -> TestServer {
        TestServer::start_with(|c| {
            c.smtp = Some(portico::config::SmtpConfig {
                url: "smtp://127.0.0.1:9".into(),
                from: "calendar@example.test".into(),
                timeout_seconds: 2,
            });
            adjust(c);
        })
        .await
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

    /// A server on a fresh database of the test PostgreSQL ([`fresh_postgres_url`]).
    pub async fn start_postgres() -> Option<TestServer> {
        let url = fresh_postgres_url().await?;
        Some(Self::start_with(|c| c.database.url = url).await)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Creates a local user with a password.
    pub async fn add_user(&self, login: &str, password: &str) {
        let hash = portico::core::auth::password::hash(password).expect("hash");
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

    /// Signs in through the web form and returns the session cookie (`name=value`).
    pub async fn sign_in(&self, login: &str, password: &str) -> String {
        let resp = self
            .request("POST", "/login")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(format!("login={login}&password={password}&next=%2Fsettings"))
            .send()
            .await
            .expect("sign-in request");
        assert_eq!(resp.status(), reqwest::StatusCode::SEE_OTHER, "signed in");
        assert_eq!(resp.headers()["location"], "/settings", "back where the user was going");
        let cookie = resp.headers()["set-cookie"].to_str().expect("cookie");
        cookie.split(';').next().expect("name=value").to_owned()
    }

    pub async fn shutdown(mut self) {
        if let Some(r) = self.running.take() {
            r.shutdown().await;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// WebDAV document-library helpers (used by the tests/webdav_*.rs binaries).
// ---------------------------------------------------------------------------------------------

/// The DAV: namespace and Microsoft's property namespace.
pub const DAV: &str = "DAV:";
pub const MS: &str = "urn:schemas-microsoft-com:";

/// The user agents Windows and Office send, verbatim.
pub const MINIREDIR_UA: &str = "Microsoft-WebDAV-MiniRedir/10.0.19045";
pub const OFFICE_UA: &str = "Microsoft Office Word 2014";
pub const OFFICE_DISCOVERY_UA: &str = "Microsoft Office Protocol Discovery";
pub const OFFICE_EXISTENCE_UA: &str = "Microsoft Office Existence Discovery";

impl TestServer {
    /// `host:port` of the server.
    pub fn addr(&self) -> String {
        self.base.trim_start_matches("http://").to_owned()
    }

    /// A request with Basic credentials.
    pub fn req_as(&self, login: &str, password: &str, method: &str, path: &str) -> reqwest::RequestBuilder {
        self.request(method, path).basic_auth(login, Some(password))
    }

    /// PUT `body` to `path` as the given user; returns the status.
    pub async fn put_as(&self, login: &str, password: &str, path: &str, body: impl Into<Vec<u8>>) -> u16 {
        self.req_as(login, password, "PUT", path)
            .body(body.into())
            .send()
            .await
            .expect("PUT")
            .status()
            .as_u16()
    }

    /// MKCOL `path` as the given user; returns the status.
    pub async fn mkcol_as(&self, login: &str, password: &str, path: &str) -> u16 {
        self.req_as(login, password, "MKCOL", path)
            .send()
            .await
            .expect("MKCOL")
            .status()
            .as_u16()
    }

    /// GET `path` as the given user: status and body.
    pub async fn get_as(&self, login: &str, password: &str, path: &str) -> (u16, Vec<u8>) {
        let resp = self.req_as(login, password, "GET", path).send().await.expect("GET");
        let status = resp.status().as_u16();
        (status, resp.bytes().await.expect("GET body").to_vec())
    }

    /// PROPFIND with the given depth and body (empty = allprop): status and body text.
    pub async fn propfind_as(&self, login: &str, password: &str, path: &str, depth: &str, body: &str) -> (u16, String) {
        let mut req = self.req_as(login, password, "PROPFIND", path).header("Depth", depth);
        if !body.is_empty() {
            req = req.header("Content-Type", "application/xml; charset=\"utf-8\"");
        }
        let resp = req.body(body.to_owned()).send().await.expect("PROPFIND");
        let status = resp.status().as_u16();
        (status, resp.text().await.expect("PROPFIND body"))
    }

    /// `GET path?versions` as the given user, parsed.
    pub async fn versions_as(&self, login: &str, password: &str, path: &str) -> (u16, serde_json::Value) {
        let resp = self
            .req_as(login, password, "GET", &format!("{path}?versions"))
            .send()
            .await
            .expect("GET ?versions");
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("versions body");
        let json = if status == 200 {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("versions of {path} are not JSON ({e}): {text}"))
        } else {
            serde_json::Value::Null
        };
        (status, json)
    }

    /// The id of a principal.
    pub async fn principal_id(&self, login: &str) -> i64 {
        self.app
            .store
            .principal_by_login(login)
            .await
            .expect("principal_by_login")
            .unwrap_or_else(|| panic!("no principal {login}"))
            .id
    }

    /// Creates a top-level department and returns its id.
    /// A meeting room `login@example.test` with its seats, equipment and who may book it
    /// (logins or department slugs; nobody listed: everyone).
    pub async fn add_room(&self, login: &str, name: &str, capacity: i64, equipment: &[&str], bookers: &[&str]) {
        let system = portico::core::Actor::system();
        let calendars = self.app.core.calendars(&system);
        calendars
            .create_room(login, name, Some(&format!("{login}@example.test")))
            .await
            .expect("room");
        let words = |w: &[&str]| w.iter().map(|x| (*x).to_owned()).collect();
        let details = portico::core::calendars::RoomDetails {
            capacity,
            equipment: words(equipment),
            bookers: words(bookers),
        };
        calendars.set_room_details(login, &details).await.expect("room details");
    }

    pub async fn add_department(&self, name: &str) -> i64 {
        self.app
            .store
            .create_department(portico::store::NewDepartment { name, parent_id: None })
            .await
            .expect("create department")
    }

    /// Makes `login` an employee of the department.
    pub async fn join_department(&self, login: &str, department_id: i64) {
        let id = self.principal_id(login).await;
        self.app
            .store
            .upsert_employee(
                id,
                &portico::store::EmployeeFields {
                    department_id: Some(department_id),
                    ..Default::default()
                },
            )
            .await
            .expect("upsert employee");
    }

    /// Sends `request` (a complete HTTP/1.1 request, bytes as given) over a fresh TCP
    /// connection and reads the answer until the server closes. Use it for request targets
    /// an HTTP client library would normalise (`..`, `%2e%2e`).
    pub async fn raw(&self, request: &[u8]) -> RawResponse {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(self.addr()).await.expect("connect");
        stream.write_all(request).await.expect("write request");
        let mut answer = Vec::new();
        tokio::time::timeout(std::time::Duration::from_secs(20), stream.read_to_end(&mut answer))
            .await
            .expect("the server answers and closes the connection within 20 s")
            .expect("read answer");
        RawResponse::parse(&answer)
    }

    /// A raw request with Basic credentials and `Connection: close`.
    pub async fn raw_as(
        &self,
        login: &str,
        password: &str,
        method: &str,
        target: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> RawResponse {
        let mut head = format!(
            "{method} {target} HTTP/1.1\r\nHost: {}\r\nAuthorization: Basic {}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.addr(),
            basic_credentials(login, password),
            body.len()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let mut request = head.into_bytes();
        request.extend_from_slice(body);
        self.raw(&request).await
    }
}

/// `base64(login:password)` for a Basic `Authorization` header.
/// A fresh database on the test PostgreSQL (`PORTICO_TEST_POSTGRES_URL`, which the test command
/// sets); `None` without one, which under `CI=true` is a failure.
pub async fn fresh_postgres_url() -> Option<String> {
    use sqlx::Connection;
    let Ok(admin_url) = std::env::var("PORTICO_TEST_POSTGRES_URL") else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "PORTICO_TEST_POSTGRES_URL must be set under CI: the PostgreSQL tests must run"
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
    Some(format!("{base}/{name}"))
}

pub fn basic_credentials(login: &str, password: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("{login}:{password}"))
}

/// A response read off a raw socket.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    fn parse(answer: &[u8]) -> RawResponse {
        let text_end = answer
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or_else(|| panic!("no complete response head in {:?}", String::from_utf8_lossy(answer)));
        let head = String::from_utf8_lossy(&answer[..text_end]).into_owned();
        let mut lines = head.split("\r\n");
        let status_line = lines.next().unwrap_or_default();
        let status = status_line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let raw_body = &answer[text_end + 4..];
        let chunked = headers
            .iter()
            .any(|(n, v)| n == "transfer-encoding" && v.to_ascii_lowercase().contains("chunked"));
        let body = if chunked { dechunk(raw_body) } else { raw_body.to_vec() };
        RawResponse { status, headers, body }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size_text = String::from_utf8_lossy(&data[..eol]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16).unwrap_or(0);
        data = &data[eol + 2..];
        if size == 0 || data.len() < size {
            out.extend_from_slice(&data[..size.min(data.len())]);
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = data.get(size + 2..).unwrap_or(&[]);
    }
}

/// Percent-encodes one path segment the way a careful client does (everything outside the
/// RFC 3986 unreserved set).
pub fn enc(segment: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(segment, SET).to_string()
}

/// The decoded path of an href (an absolute URL or an absolute path).
pub fn href_path(href: &str) -> String {
    let href = href.trim();
    let path = match href.find("://") {
        Some(i) => {
            let rest = &href[i + 3..];
            rest.find('/').map(|j| &rest[j..]).unwrap_or("/")
        }
        None => href,
    };
    percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .unwrap_or_else(|e| panic!("href {href:?} is not UTF-8 after decoding: {e}"))
        .into_owned()
}

/// The token of a `Lock-Token` header value, without the angle brackets.
pub fn strip_angle(token: &str) -> String {
    token.trim().trim_start_matches('<').trim_end_matches('>').to_owned()
}

/// A lock request body (what Windows and Office send: no whitespace, owner as an href).
pub fn lockinfo(scope: &str, owner: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\" ?><D:lockinfo xmlns:D=\"DAV:\"><D:lockscope><D:{scope}/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner><D:href>{owner}</D:href></D:owner></D:lockinfo>"
    )
}

/// LOCKs `path` as the user: status, the `Lock-Token` header (without `<>`) and the body.
pub async fn lock_as(
    s: &TestServer,
    login: &str,
    password: &str,
    path: &str,
    scope: &str,
    depth: &str,
) -> (u16, Option<String>, String) {
    let resp = s
        .req_as(login, password, "LOCK", path)
        .header("Depth", depth)
        .header("Timeout", "Second-3600")
        .header("Content-Type", "text/xml; charset=\"utf-8\"")
        .body(lockinfo(scope, login))
        .send()
        .await
        .expect("LOCK");
    let status = resp.status().as_u16();
    let token = resp
        .headers()
        .get("lock-token")
        .map(|v| strip_angle(v.to_str().expect("Lock-Token is ASCII")));
    (status, token, resp.text().await.expect("LOCK body"))
}

/// A minimal namespace-aware XML reader, enough to check multistatus bodies whatever
/// prefixes the server chooses.
pub mod xml {
    #[derive(Debug, Clone)]
    pub struct Element {
        pub ns: String,
        pub name: String,
        /// The prefix as written (to check the `D:` convention Windows relies on).
        pub prefix: String,
        pub attrs: Vec<(String, String)>,
        pub children: Vec<Node>,
    }

    #[derive(Debug, Clone)]
    pub enum Node {
        Element(Element),
        Text(String),
    }

    impl Element {
        pub fn is(&self, ns: &str, name: &str) -> bool {
            self.ns == ns && self.name == name
        }

        pub fn elements(&self) -> impl Iterator<Item = &Element> {
            self.children.iter().filter_map(|n| match n {
                Node::Element(e) => Some(e),
                Node::Text(_) => None,
            })
        }

        pub fn child(&self, ns: &str, name: &str) -> Option<&Element> {
            self.elements().find(|e| e.is(ns, name))
        }

        pub fn children_named<'a>(&'a self, ns: &'a str, name: &'a str) -> impl Iterator<Item = &'a Element> {
            self.elements().filter(move |e| e.is(ns, name))
        }

        /// All descendants (not self) with this name, in document order.
        pub fn descendants(&self, ns: &str, name: &str) -> Vec<&Element> {
            let mut out = Vec::new();
            for e in self.elements() {
                if e.is(ns, name) {
                    out.push(e);
                }
                out.extend(e.descendants(ns, name));
            }
            out
        }

        /// The value of an unqualified attribute.
        pub fn attr(&self, name: &str) -> Option<&str> {
            self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
        }

        /// The concatenated text of the element and its descendants.
        pub fn text(&self) -> String {
            let mut out = String::new();
            for n in &self.children {
                match n {
                    Node::Text(t) => out.push_str(t),
                    Node::Element(e) => out.push_str(&e.text()),
                }
            }
            out
        }
    }

    pub fn parse(input: &str) -> Result<Element, String> {
        let mut p = Parser {
            s: input.as_bytes(),
            i: 0,
            scopes: vec![vec![("xml".into(), "http://www.w3.org/XML/1998/namespace".into())]],
        };
        p.skip_misc()?;
        let root = p.element()?;
        p.skip_misc()?;
        if p.i != p.s.len() {
            return Err(format!("content after the root element at byte {}", p.i));
        }
        Ok(root)
    }

    struct Parser<'a> {
        s: &'a [u8],
        i: usize,
        scopes: Vec<Vec<(String, String)>>,
    }

    impl Parser<'_> {
        fn starts(&self, pat: &str) -> bool {
            self.s[self.i..].starts_with(pat.as_bytes())
        }

        fn skip_ws(&mut self) {
            while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
                self.i += 1;
            }
        }

        fn skip_past(&mut self, pat: &str) -> Result<(), String> {
            let rest = &self.s[self.i..];
            match rest.windows(pat.len()).position(|w| w == pat.as_bytes()) {
                Some(k) => {
                    self.i += k + pat.len();
                    Ok(())
                }
                None => Err(format!("unterminated construct, expected {pat:?}")),
            }
        }

        /// Whitespace, the XML declaration, processing instructions, comments, DOCTYPE.
        fn skip_misc(&mut self) -> Result<(), String> {
            loop {
                self.skip_ws();
                if self.starts("<?") {
                    self.skip_past("?>")?;
                } else if self.starts("<!--") {
                    self.skip_past("-->")?;
                } else if self.starts("<!DOCTYPE") {
                    self.skip_past(">")?;
                } else {
                    return Ok(());
                }
            }
        }

        fn name(&mut self) -> Result<String, String> {
            let start = self.i;
            while self.i < self.s.len() {
                let c = self.s[self.i];
                if c.is_ascii_whitespace() || c == b'>' || c == b'/' || c == b'=' {
                    break;
                }
                self.i += 1;
            }
            if start == self.i {
                return Err(format!("expected a name at byte {start}"));
            }
            Ok(String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
        }

        fn resolve(&self, prefix: &str) -> Result<String, String> {
            for scope in self.scopes.iter().rev() {
                if let Some((_, uri)) = scope.iter().rev().find(|(p, _)| p == prefix) {
                    return Ok(uri.clone());
                }
            }
            if prefix.is_empty() {
                Ok(String::new())
            } else {
                Err(format!("undeclared namespace prefix {prefix:?}"))
            }
        }

        fn element(&mut self) -> Result<Element, String> {
            if !self.starts("<") {
                return Err(format!("expected '<' at byte {}", self.i));
            }
            self.i += 1;
            let qname = self.name()?;
            let mut raw_attrs = Vec::new();
            let empty;
            loop {
                self.skip_ws();
                if self.starts("/>") {
                    self.i += 2;
                    empty = true;
                    break;
                }
                if self.starts(">") {
                    self.i += 1;
                    empty = false;
                    break;
                }
                let an = self.name()?;
                self.skip_ws();
                if !self.starts("=") {
                    return Err(format!("attribute {an} without value"));
                }
                self.i += 1;
                self.skip_ws();
                let quote = *self.s.get(self.i).ok_or("eof in attribute")?;
                if quote != b'"' && quote != b'\'' {
                    return Err(format!("unquoted attribute {an}"));
                }
                self.i += 1;
                let start = self.i;
                while self.i < self.s.len() && self.s[self.i] != quote {
                    self.i += 1;
                }
                let value = unescape(&String::from_utf8_lossy(&self.s[start..self.i]))?;
                self.i += 1;
                raw_attrs.push((an, value));
            }
            let mut scope = Vec::new();
            let mut attrs = Vec::new();
            for (n, v) in raw_attrs {
                if n == "xmlns" {
                    scope.push((String::new(), v));
                } else if let Some(p) = n.strip_prefix("xmlns:") {
                    scope.push((p.to_owned(), v));
                } else {
                    attrs.push((n, v));
                }
            }
            self.scopes.push(scope);
            let (prefix, local) = match qname.split_once(':') {
                Some((p, l)) => (p.to_owned(), l.to_owned()),
                None => (String::new(), qname.clone()),
            };
            let ns = self.resolve(&prefix)?;
            let mut children = Vec::new();
            if !empty {
                loop {
                    if self.i >= self.s.len() {
                        return Err(format!("unclosed element {qname}"));
                    }
                    if self.starts("</") {
                        self.i += 2;
                        let close = self.name()?;
                        if close != qname {
                            return Err(format!("<{qname}> closed by </{close}>"));
                        }
                        self.skip_ws();
                        if !self.starts(">") {
                            return Err("bad closing tag".into());
                        }
                        self.i += 1;
                        break;
                    } else if self.starts("<!--") {
                        self.skip_past("-->")?;
                    } else if self.starts("<![CDATA[") {
                        self.i += 9;
                        let start = self.i;
                        self.skip_past("]]>")?;
                        let t = String::from_utf8_lossy(&self.s[start..self.i - 3]).into_owned();
                        children.push(Node::Text(t));
                    } else if self.starts("<?") {
                        self.skip_past("?>")?;
                    } else if self.starts("<") {
                        children.push(Node::Element(self.element()?));
                    } else {
                        let start = self.i;
                        while self.i < self.s.len() && self.s[self.i] != b'<' {
                            self.i += 1;
                        }
                        let t = unescape(&String::from_utf8_lossy(&self.s[start..self.i]))?;
                        children.push(Node::Text(t));
                    }
                }
            }
            self.scopes.pop();
            Ok(Element {
                ns,
                name: local,
                prefix,
                attrs,
                children,
            })
        }
    }

    fn unescape(s: &str) -> Result<String, String> {
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(amp) = rest.find('&') {
            out.push_str(&rest[..amp]);
            let semi = rest[amp..].find(';').ok_or("unterminated entity")? + amp;
            let entity = &rest[amp + 1..semi];
            match entity {
                "lt" => out.push('<'),
                "gt" => out.push('>'),
                "amp" => out.push('&'),
                "quot" => out.push('"'),
                "apos" => out.push('\''),
                e if e.starts_with("#x") || e.starts_with("#X") => {
                    let n = u32::from_str_radix(&e[2..], 16).map_err(|_| format!("bad entity &{e};"))?;
                    out.push(char::from_u32(n).ok_or(format!("bad entity &{e};"))?);
                }
                e if e.starts_with('#') => {
                    let n: u32 = e[1..].parse().map_err(|_| format!("bad entity &{e};"))?;
                    out.push(char::from_u32(n).ok_or(format!("bad entity &{e};"))?);
                }
                e => return Err(format!("unknown entity &{e};")),
            }
            rest = &rest[semi + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

/// One `DAV:response` of a multistatus.
#[derive(Debug, Clone)]
pub struct DavResponse {
    /// The href as sent.
    pub href: String,
    /// Its decoded path (`/docs/users/alice/a b.txt`).
    pub path: String,
    /// The response-level `DAV:status`, if any.
    pub status: Option<u16>,
    pub propstats: Vec<(u16, Vec<xml::Element>)>,
}

impl DavResponse {
    /// The property and the status of the propstat it came in.
    pub fn prop(&self, ns: &str, name: &str) -> Option<(u16, &xml::Element)> {
        self.propstats
            .iter()
            .flat_map(|(st, props)| props.iter().map(move |p| (*st, p)))
            .find(|(_, p)| p.is(ns, name))
    }

    /// The property if it came with status 200.
    pub fn ok_prop(&self, ns: &str, name: &str) -> Option<&xml::Element> {
        match self.prop(ns, name) {
            Some((200, p)) => Some(p),
            _ => None,
        }
    }

    /// The text of a property that came with status 200.
    pub fn ok_text(&self, ns: &str, name: &str) -> Option<String> {
        self.ok_prop(ns, name).map(|p| p.text().trim().to_owned())
    }

    /// The status a property came with.
    pub fn prop_status(&self, ns: &str, name: &str) -> Option<u16> {
        self.prop(ns, name).map(|(st, _)| st)
    }

    pub fn is_collection(&self) -> bool {
        self.ok_prop(DAV, "resourcetype")
            .is_some_and(|rt| rt.child(DAV, "collection").is_some())
    }
}

/// "HTTP/1.1 424 Failed Dependency" → 424.
pub fn status_code(line: &str) -> u16 {
    line.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("bad DAV:status {line:?}"))
}

/// Parses a `DAV:multistatus` body (panics with the body when it is not one).
pub fn multistatus(body: &str) -> Vec<DavResponse> {
    let root = xml::parse(body).unwrap_or_else(|e| panic!("not well-formed XML ({e}):\n{body}"));
    assert!(root.is(DAV, "multistatus"), "not a DAV:multistatus:\n{body}");
    root.children_named(DAV, "response")
        .map(|r| {
            let href = r
                .child(DAV, "href")
                .unwrap_or_else(|| panic!("response without href:\n{body}"))
                .text()
                .trim()
                .to_owned();
            DavResponse {
                path: href_path(&href),
                href,
                status: r.child(DAV, "status").map(|s| status_code(&s.text())),
                propstats: r
                    .children_named(DAV, "propstat")
                    .map(|ps| {
                        let st = status_code(&ps.child(DAV, "status").expect("propstat status").text());
                        let props = ps
                            .child(DAV, "prop")
                            .map(|p| p.elements().cloned().collect())
                            .unwrap_or_default();
                        (st, props)
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The response for `path` (decoded, compared with and without a trailing slash).
pub fn response_for<'a>(responses: &'a [DavResponse], path: &str) -> Option<&'a DavResponse> {
    let want = path.trim_end_matches('/');
    responses.iter().find(|r| r.path.trim_end_matches('/') == want)
}

/// A page as a signed-in browser gets it, in `lang`: status and body.
pub async fn page_in(s: &TestServer, cookie: &str, path: &str, lang: &str) -> (reqwest::StatusCode, String) {
    let resp = s
        .request("GET", path)
        .header("Cookie", cookie)
        .header("Accept-Language", lang)
        .send()
        .await
        .expect("GET");
    let status = resp.status();
    (status, resp.text().await.expect("body"))
}

/// A page as a signed-in browser gets it: status and body.
pub async fn page(s: &TestServer, cookie: &str, path: &str) -> (reqwest::StatusCode, String) {
    page_in(s, cookie, path, "en").await
}

/// The CSRF token in a page's forms.
pub fn csrf(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a form with a CSRF token") + 19;
    html[at..at + html[at..].find('"').expect("end of the token")].to_owned()
}

/// Posts a form as a signed-in browser: status, redirect target (or empty) and body.
pub async fn post_form(
    s: &TestServer,
    cookie: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> (reqwest::StatusCode, String, String) {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let resp = s
        .request("POST", path)
        .header("Cookie", cookie)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .expect("POST");
    let status = resp.status();
    let location = resp
        .headers()
        .get("location")
        .map(|l| l.to_str().expect("ASCII location").to_owned())
        .unwrap_or_default();
    (status, location, resp.text().await.expect("body"))
}
