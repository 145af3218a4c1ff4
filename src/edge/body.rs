//! Response body type and request body reading with size limits.

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Empty, Full, Limited};
use hyper::body::Incoming;

use super::error::AppError;

/// Every response body: a full buffer or a stream of file chunks.
pub type Body = BoxBody<Bytes, std::io::Error>;

pub fn full(data: impl Into<Bytes>) -> Body {
    Full::new(data.into()).map_err(|never| match never {}).boxed()
}

pub fn empty() -> Body {
    Empty::new().map_err(|never| match never {}).boxed()
}

/// A response with this status and no body (201, 204, …).
pub fn status(code: http::StatusCode) -> http::Response<Body> {
    let mut resp = http::Response::new(empty());
    *resp.status_mut() = code;
    resp
}

/// Reads a whole request body of at most `limit` bytes: 413 when larger, 400 when the
/// client stops sending before the declared length (a truncated body).
pub async fn read_limited(body: Incoming, limit: u64) -> Result<Bytes, AppError> {
    let limit_usize = usize::try_from(limit).unwrap_or(usize::MAX);
    match Limited::new(body, limit_usize).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
            Err(AppError::PayloadTooLarge(limit))
        }
        Err(e) => Err(AppError::BadRequest(format!("request body could not be read: {e}"))),
    }
}

/// Refuses early, from `Content-Length`, a body that is larger than `limit`.
pub fn check_declared_length(headers: &http::HeaderMap, limit: u64) -> Result<(), AppError> {
    let declared = headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(n) if n > limit => Err(AppError::PayloadTooLarge(limit)),
        _ => Ok(()),
    }
}

/// The request body as a chunk stream for the blob store; a body error (the client went
/// away before sending everything) becomes `BlobError::Body`.
pub fn body_chunks(body: Incoming) -> crate::blobs::ChunkStream<'static> {
    use futures_util::TryStreamExt;
    let frames = TryStreamExt::map_err(http_body_util::BodyStream::new(body), |e| {
        crate::blobs::BlobError::Body(e.to_string())
    });
    Box::pin(frames.try_filter_map(|frame| async move { Ok(frame.into_data().ok()) }))
}
