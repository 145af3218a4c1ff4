//! GET and HEAD: file downloads with strong ETags, Last-Modified, single byte ranges
//! (RFC 9110 §14) and conditional requests (§13), streamed from the blob store; folders
//! answer a small HTML index for browsers.
//!
//! Files are user content served from Portico's own origin, so a browser must never run
//! them as a page of that origin: every file is sandboxed (`Content-Security-Policy:
//! sandbox`), and only what cannot run script (raster images, PDF, plain text) is shown
//! inline; everything else (HTML, SVG, XML, unknown types) is an attachment. `nosniff` is
//! added to every response by the HTTP layer.

use std::io::SeekFrom;

use futures_util::TryStreamExt;
use http::{HeaderMap, HeaderValue, Method, Response, StatusCode, header};
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use crate::core::documents::{DocNode, DocTarget};
use crate::dav::common::util::quoted;
use crate::edge::body::{Body, empty, full};
use crate::edge::error::AppError;

use super::{Dav, header_str};

/// Which part of a file to send.
#[derive(Debug, PartialEq, Eq)]
pub enum RangeChoice {
    Full,
    Part { start: u64, end: u64 },
}

/// Interprets a `Range` header for a file of `size` bytes. Only a single `bytes=` range is
/// honoured; multiple ranges or other units get the full body, which RFC 9110 §14.2 allows.
pub fn choose_range(value: Option<&str>, size: u64) -> Result<RangeChoice, AppError> {
    let Some(spec) = value.and_then(|v| v.trim().strip_prefix("bytes=")) else {
        return Ok(RangeChoice::Full);
    };
    if spec.contains(',') {
        return Ok(RangeChoice::Full);
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return Ok(RangeChoice::Full);
    };
    let (a, b) = (a.trim(), b.trim());
    let range = match (a.parse::<u64>().ok(), b.parse::<u64>().ok()) {
        (Some(start), Some(end)) if start <= end => (start, end.min(size.saturating_sub(1))),
        (Some(start), None) if b.is_empty() => (start, size.saturating_sub(1)),
        (None, Some(suffix)) if a.is_empty() && suffix > 0 => (size.saturating_sub(suffix), size.saturating_sub(1)),
        _ => return Ok(RangeChoice::Full),
    };
    if size == 0 || range.0 >= size {
        return Err(AppError::RangeNotSatisfiable { size });
    }
    Ok(RangeChoice::Part {
        start: range.0,
        end: range.1,
    })
}

pub fn http_date(unix: i64) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(u64::try_from(unix).unwrap_or(0));
    httpdate::fmt_http_date(t)
}

/// A stored content to send: the current file or an old version.
pub struct Content<'a> {
    /// The file's name, for `Content-Disposition`.
    pub name: &'a str,
    pub sha256: &'a str,
    pub size: u64,
    pub content_type: &'a str,
    pub etag: Option<&'a str>,
    pub modified_at: i64,
}

/// Sends stored content, honouring `Range` (and `If-Range`) on GET.
pub async fn send_blob(
    dav: &Dav<'_>,
    method: &Method,
    headers: &HeaderMap,
    content: Content<'_>,
) -> Result<Response<Body>, AppError> {
    let Content {
        name,
        sha256,
        size,
        content_type,
        etag,
        modified_at,
    } = content;
    let choice = if *method == Method::GET {
        let if_range_ok = match header_str(headers, header::IF_RANGE.as_str()) {
            Some(v) => etag.is_some_and(|e| v.trim() == quoted(e)),
            None => true,
        };
        if if_range_ok {
            choose_range(header_str(headers, header::RANGE.as_str()), size)?
        } else {
            RangeChoice::Full
        }
    } else {
        RangeChoice::Full
    };
    let (status, start, len) = match choice {
        RangeChoice::Full => (StatusCode::OK, 0, size),
        RangeChoice::Part { start, end } => (StatusCode::PARTIAL_CONTENT, start, end - start + 1),
    };
    let body = if *method == Method::HEAD || len == 0 {
        empty()
    } else {
        let mut file = dav.docs.open_content(sha256).await?;
        if start > 0 {
            file.seek(SeekFrom::Start(start))
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?;
        }
        let stream = tokio_util::io::ReaderStream::with_capacity(file.take(len), 64 * 1024).map_ok(Frame::data);
        BodyExt::boxed(StreamBody::new(stream))
    };
    let mut resp = Response::new(body);
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Ok(v) = HeaderValue::from_str(served_type(content_type)) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&disposition(content_type, name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(USER_CONTENT_CSP),
    );
    if let Some(etag) = etag
        && let Ok(v) = HeaderValue::from_str(&quoted(etag))
    {
        h.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&http_date(modified_at)) {
        h.insert(header::LAST_MODIFIED, v);
    }
    if status == StatusCode::PARTIAL_CONTENT
        && let Ok(v) = HeaderValue::from_str(&format!("bytes {start}-{}/{size}", start + len - 1))
    {
        h.insert(header::CONTENT_RANGE, v);
    }
    Ok(resp)
}

/// The policy of every file served: no script, no plugins, no same-origin access; images
/// and styles only from the file itself.
const USER_CONTENT_CSP: &str = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'";

/// Media types a browser displays without running anything in them.
const PASSIVE_TYPES: [&str; 9] = [
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/avif",
    "image/bmp",
    "application/pdf",
    "text/plain",
    "text/csv",
];

/// Script and style sheet types a page of this origin could load with `<script src>` or
/// `<link rel=stylesheet>` (the pages allow `script-src 'self'`): such files are served as
/// `application/octet-stream`, which a browser refuses to run or apply under `nosniff`.
/// The stored type stays what the client gave (PROPFIND's `getcontenttype`).
const ACTIVE_SUBRESOURCE_TYPES: [&str; 17] = [
    "application/ecmascript",
    "application/javascript",
    "application/x-ecmascript",
    "application/x-javascript",
    "text/ecmascript",
    "text/javascript",
    "text/javascript1.0",
    "text/javascript1.1",
    "text/javascript1.2",
    "text/javascript1.3",
    "text/javascript1.4",
    "text/javascript1.5",
    "text/jscript",
    "text/livescript",
    "text/x-ecmascript",
    "text/x-javascript",
    "text/css",
];

/// The Content-Type a file is served with: its own, unless a page could run or apply it.
fn served_type(content_type: &str) -> &str {
    let media = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if ACTIVE_SUBRESOURCE_TYPES.contains(&media.as_str()) {
        "application/octet-stream"
    } else {
        content_type
    }
}

/// `inline` for passive types, `attachment` for everything else, with the file's name
/// (RFC 6266: an ASCII `filename` and the exact `filename*` in UTF-8).
fn disposition(content_type: &str, name: &str) -> String {
    let media = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let kind = if PASSIVE_TYPES.contains(&media.as_str()) {
        "inline"
    } else {
        "attachment"
    };
    let ascii: String = name
        .chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' => c,
            _ => '_',
        })
        .collect();
    const ATTR_CHAR: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'!')
        .remove(b'#')
        .remove(b'$')
        .remove(b'&')
        .remove(b'+')
        .remove(b'-')
        .remove(b'.')
        .remove(b'^')
        .remove(b'_')
        .remove(b'`')
        .remove(b'|')
        .remove(b'~');
    let exact = percent_encoding::utf8_percent_encode(name, ATTR_CHAR);
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{exact}")
}

/// GET/HEAD of a file node.
pub async fn get_file(
    dav: &Dav<'_>,
    method: &Method,
    headers: &HeaderMap,
    node: &DocNode,
) -> Result<Response<Body>, AppError> {
    if let Some(not_modified) = crate::dav::common::util::read_conditions(headers, &node.etag, node.modified_at)? {
        return Ok(not_modified);
    }
    let sha = node
        .blob_sha256
        .as_deref()
        .ok_or_else(|| AppError::Internal("file without content".into()))?;
    let ctype = node.content_type.as_deref().unwrap_or("application/octet-stream");
    let size = u64::try_from(node.size).unwrap_or(0);
    let content = Content {
        name: &node.name,
        sha256: sha,
        size,
        content_type: ctype,
        etag: Some(&node.etag),
        modified_at: node.modified_at,
    };
    send_blob(dav, method, headers, content).await
}

/// A minimal HTML index of a folder, for browsers that open a library URL.
pub async fn folder_index(dav: &Dav<'_>, target: &DocTarget, method: &Method) -> Result<Response<Body>, AppError> {
    let children = dav.docs.children(target).await?;
    let mut html = format!(
        "<!doctype html><html lang=en><meta charset=utf-8><title>{0}</title><h1>{0}</h1><ul>",
        crate::edge::escape_html(&target.path)
    );
    for child in &children {
        let mut segments = target.segments.clone();
        segments.push(child.name.clone());
        let href = format!(
            "{}{}",
            crate::core::documents::PREFIX,
            dav::path::encode_href(&segments, child.is_collection())
        );
        html.push_str(&format!(
            "<li><a href=\"{}\">{}{}</a></li>",
            crate::edge::escape_html(&href),
            crate::edge::escape_html(&child.name),
            if child.is_collection() { "/" } else { "" }
        ));
    }
    html.push_str("</ul></html>");
    let len = html.len();
    let mut resp = Response::new(if *method == Method::HEAD { empty() } else { full(html) });
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    resp.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(choose_range(None, 10).unwrap(), RangeChoice::Full);
        assert_eq!(
            choose_range(Some("bytes=0-3"), 10).unwrap(),
            RangeChoice::Part { start: 0, end: 3 }
        );
        assert_eq!(
            choose_range(Some("bytes=5-"), 10).unwrap(),
            RangeChoice::Part { start: 5, end: 9 }
        );
        assert_eq!(
            choose_range(Some("bytes=-4"), 10).unwrap(),
            RangeChoice::Part { start: 6, end: 9 }
        );
        assert_eq!(
            choose_range(Some("bytes=8-100"), 10).unwrap(),
            RangeChoice::Part { start: 8, end: 9 }
        );
        assert_eq!(choose_range(Some("bytes=0-1,4-5"), 10).unwrap(), RangeChoice::Full);
        assert_eq!(choose_range(Some("items=0-1"), 10).unwrap(), RangeChoice::Full);
        assert_eq!(choose_range(Some("bytes=5-2"), 10).unwrap(), RangeChoice::Full);
        assert!(matches!(
            choose_range(Some("bytes=10-"), 10),
            Err(AppError::RangeNotSatisfiable { size: 10 })
        ));
        assert!(matches!(
            choose_range(Some("bytes=0-"), 0),
            Err(AppError::RangeNotSatisfiable { size: 0 })
        ));
    }

    #[test]
    fn scripts_and_style_sheets_are_served_as_bytes() {
        for t in ["text/javascript", "Application/JavaScript; charset=utf-8", "text/css"] {
            assert_eq!(served_type(t), "application/octet-stream", "{t}");
        }
        assert_eq!(served_type("text/plain; charset=utf-8"), "text/plain; charset=utf-8");
        assert_eq!(served_type("image/png"), "image/png");
    }

    #[test]
    fn only_passive_types_are_inline() {
        assert_eq!(
            disposition("image/PNG", "photo.png"),
            "inline; filename=\"photo.png\"; filename*=UTF-8''photo.png"
        );
        assert!(disposition("text/plain; charset=utf-8", "a.txt").starts_with("inline;"));
        for t in [
            "text/html",
            "image/svg+xml",
            "application/xhtml+xml",
            "text/xml",
            "application/octet-stream",
            "",
        ] {
            assert!(disposition(t, "x").starts_with("attachment;"), "{t}");
        }
        assert_eq!(
            disposition("text/html", "Отчёт \"1\".html"),
            "attachment; filename=\"_____ _1_.html\"; filename*=UTF-8''%D0%9E%D1%82%D1%87%D1%91%D1%82%20%221%22.html"
        );
    }
}
