//! HTTP-side helpers shared by the WebDAV, CalDAV and CardDAV handlers: reading DAV request
//! headers and bodies, and writing `207 Multi-Status` and `OPTIONS` answers.

use dav::{
    Depth, Multistatus, Precondition, PropStat, Property, PropertyValue, Propfind, QName, Response as DavResponse,
    Status, parse_propfind,
};
use http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use hyper::body::Incoming;

use crate::edge::body::{Body, empty, full, read_limited};
use crate::edge::error::AppError;

/// An entity tag as a header value wants it: in double quotes.
pub fn quoted(etag: &str) -> String {
    format!("\"{etag}\"")
}

/// The answer to a PUT that wrote a resource: 201 when it is new, 204 when it replaced one,
/// with the new entity tag (RFC 4918 §9.7, RFC 9110 §9.3.4).
/// `etag` is `None` when the server stored something else than what was sent (RFC 4791
/// §5.3.4: the client must then read the object back).
pub fn put_answer(created: bool, etag: Option<&str>) -> Response<Body> {
    let mut resp = crate::edge::body::status(if created {
        StatusCode::CREATED
    } else {
        StatusCode::NO_CONTENT
    });
    if let Some(Ok(v)) = etag.map(|e| HeaderValue::from_str(&quoted(e))) {
        resp.headers_mut().insert(header::ETAG, v);
    }
    resp
}

/// A request header as text, if present and visible ASCII.
pub fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The conditional headers (RFC 9110 §13) of a request, for the one evaluation every DAV
/// resource shares (`dav::Preconditions`); a malformed entity-tag list is a 400.
pub fn preconditions(headers: &HeaderMap) -> Result<dav::Preconditions, AppError> {
    let lines = |name: header::HeaderName| -> Vec<&str> {
        headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect()
    };
    dav::Preconditions::from_headers(
        lines(header::IF_MATCH),
        lines(header::IF_NONE_MATCH),
        header_str(headers, header::IF_UNMODIFIED_SINCE.as_str()),
        header_str(headers, header::IF_MODIFIED_SINCE.as_str()),
    )
    .map_err(|e| AppError::BadRequest(e.to_string()))
}

/// The conditions of a GET or HEAD on a representation with this strong `etag` and
/// modification time (RFC 9110 §13.2.2): `Some(304 answer)` for a current cached copy; a
/// failed If-Match or If-Unmodified-Since is a 412.
pub fn read_conditions(headers: &HeaderMap, etag: &str, modified: i64) -> Result<Option<Response<Body>>, AppError> {
    match preconditions(headers)?.evaluate(Some(etag), Some(modified), true) {
        dav::Evaluation::Proceed => Ok(None),
        dav::Evaluation::NotModified => {
            let mut resp = Response::new(empty());
            *resp.status_mut() = StatusCode::NOT_MODIFIED;
            if let Ok(v) = HeaderValue::from_str(&format!("\"{etag}\"")) {
                resp.headers_mut().insert(header::ETAG, v);
            }
            Ok(Some(resp))
        }
        dav::Evaluation::Failed(h) => Err(AppError::PreconditionFailed(format!("the {h} condition does not hold"))),
    }
}

/// The Depth of a PROPFIND: 0 or 1 (missing means 1); infinity is refused with
/// `DAV:propfind-finite-depth` (RFC 4918 §9.1 lets a server do so).
pub fn propfind_depth(headers: &HeaderMap) -> Result<Depth, AppError> {
    let Some(v) = header_str(headers, "depth") else {
        return Ok(Depth::One);
    };
    let depth = Depth::parse(v).map_err(|_| AppError::BadRequest("Depth must be 0, 1 or infinity".into()))?;
    if depth == Depth::Infinity {
        return Err(AppError::Dav {
            status: StatusCode::FORBIDDEN,
            reason: "PROPFIND with Depth: infinity is not supported".into(),
            condition: Some(Precondition::propfind_finite_depth()),
        });
    }
    Ok(depth)
}

/// A request the protocol layer refused: its status with the `DAV:error` condition it chose,
/// or a plain 400 when it named none.
pub fn protocol_error(status: u16, condition: Option<Precondition>, reason: String) -> AppError {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    match condition {
        Some(condition) => AppError::Dav {
            status,
            reason,
            condition: Some(condition),
        },
        None => AppError::BadRequest(reason),
    }
}

/// Reads and parses a PROPFIND body (400 with the parser's reason when malformed).
pub async fn read_propfind(body: Incoming, limit: u64) -> Result<Propfind, AppError> {
    let bytes = read_limited(body, limit).await?;
    crate::edge::cpu_work(bytes.len(), move || parse_propfind(&bytes))
        .await?
        .map_err(|e| AppError::BadRequest(format!("PROPFIND body: {e}")))
}

/// The response that ends a truncated answer (RFC 5323 §2.3.1, RFC 6578 §3.6): 507 for the
/// request URI with `DAV:number-of-matches-within-limits`.
pub fn truncated(request_href: String) -> dav::Response {
    dav::Response::status(request_href, dav::Status::INSUFFICIENT_STORAGE)
        .with_error(dav::conditions::number_of_matches_within_limits())
}

pub fn multistatus_response(ms: &Multistatus) -> Response<Body> {
    let mut resp = Response::new(full(ms.render()));
    *resp.status_mut() = StatusCode::MULTI_STATUS;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml; charset=utf-8"),
    );
    resp
}

/// `DAV` classes, `MS-Author-Via` and `Allow` (no `X-MSDAVEXT`: Windows would then try
/// Microsoft's proprietary extensions).
pub fn options_response(dav_classes: &'static str, allow: &'static str) -> Response<Body> {
    let mut resp = Response::new(empty());
    let h = resp.headers_mut();
    h.insert("dav", HeaderValue::from_static(dav_classes));
    h.insert("ms-author-via", HeaderValue::from_static("DAV"));
    h.insert(header::ALLOW, HeaderValue::from_static(allow));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
    resp
}

/// Answers a PROPFIND for one resource from a property lookup: `Prop` lists each asked name
/// as 200 with its value or 404; `AllProp` returns every name of `all` (plus `include`) that
/// has a value; `PropName` those names without values.
pub fn answer_propfind(
    href: String,
    request: &Propfind,
    all: &[QName],
    value: impl Fn(&QName) -> Option<PropertyValue>,
) -> DavResponse {
    match request {
        Propfind::Prop(wanted) => DavResponse::grouped(
            href,
            wanted.iter().map(|name| match value(name) {
                Some(v) => (Status::OK, Property::new(name.clone(), v)),
                None => (Status::NOT_FOUND, Property::empty(name.clone())),
            }),
        ),
        Propfind::AllProp { include } => {
            let mut seen: std::collections::HashSet<&QName> = std::collections::HashSet::new();
            let mut props = Vec::new();
            for name in all.iter().chain(include) {
                if !seen.insert(name) {
                    continue;
                }
                if let Some(v) = value(name) {
                    props.push(Property::new(name.clone(), v));
                }
            }
            DavResponse::propstats(href, vec![PropStat::new(Status::OK, props)])
        }
        Propfind::PropName => {
            let props = all
                .iter()
                .filter(|n| value(n).is_some())
                .map(|n| Property::empty(n.clone()))
                .collect();
            DavResponse::propstats(href, vec![PropStat::new(Status::OK, props)])
        }
    }
}
