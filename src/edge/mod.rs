//! The edge where requests meet the domain: what every adapter (DAV, web pages, JSON API)
//! needs to speak HTTP. The request context ([`Ctx`]), the response body and bounded body
//! reading ([`body`]), and [`error::AppError`], the one place where errors (the services'
//! domain errors included) become HTTP responses.

pub mod body;
pub mod error;

use std::net::SocketAddr;
use std::sync::Arc;

use http::{HeaderValue, Response, StatusCode, header};

use crate::app::App;
use body::{Body, empty};
use error::AppError;

/// What a handler knows about the request besides the request itself.
pub struct Ctx {
    pub app: Arc<App>,
    pub request_id: String,
    pub peer: SocketAddr,
    /// The client's address: the peer's, or the one a trusted proxy forwarded.
    pub client_ip: std::net::IpAddr,
    pub tls: bool,
}

/// Runs CPU work on `input_bytes` of input inline or on the blocking pool
/// ([`crate::core::cpu_work`]).
pub async fn cpu_work<T: Send + 'static>(
    input_bytes: usize,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    Ok(crate::core::cpu_work(input_bytes, work).await?)
}

/// A redirect to `location`.
/// Whether a browser sent this request from a page of another origin: its `Origin` names a
/// host other than the request's. Requests without `Origin` (DAV clients, scripts) are not.
pub fn from_another_origin(headers: &http::HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    origin.split_once("://").map_or(origin, |(_, rest)| rest) != host
}

pub fn redirect(status: StatusCode, location: &str) -> Response<Body> {
    let mut resp = Response::new(empty());
    *resp.status_mut() = status;
    if let Ok(v) = HeaderValue::from_str(location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape_html;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            escape_html("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
