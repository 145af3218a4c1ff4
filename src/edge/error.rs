//! The one place where errors become HTTP responses.
//!
//! Handlers return [`AppError`]; [`AppError::into_response`] picks the status, headers and a
//! human-readable body. Internal errors are logged with the request id and answered with a
//! 500 that names the id, never the cause (which may hold paths or SQL).

use http::{HeaderValue, Response, StatusCode, header};

use super::body::{Body, full};
use crate::core::auth::AuthError;
use crate::core::{self, ErrorKind};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("authentication required")]
    Unauthorized,
    #[error("too many failed logins; retry in {0} s")]
    Throttled(u64),
    #[error("forbidden")]
    Forbidden,
    /// 403 with a reason the user can act on.
    #[error("{0}")]
    ForbiddenBecause(String),
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed { allow: &'static str },
    #[error("{0}")]
    BadRequest(String),
    #[error("request body exceeds the limit of {0} bytes")]
    PayloadTooLarge(u64),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PreconditionFailed(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("the requested range cannot be satisfied")]
    RangeNotSatisfiable { size: u64 },
    #[error("the quota of this drive would be exceeded")]
    InsufficientStorage,
    #[error("{0}")]
    BadGateway(String),
    /// A WebDAV status with a `DAV:error` precondition body (RFC 4918 §16).
    #[error("{reason}")]
    Dav {
        status: StatusCode,
        reason: String,
        condition: Option<dav::Precondition>,
    },
    #[error("internal error: {0}")]
    Internal(String),
    /// A service's refusal, with its RFC precondition when it has one.
    #[error("{0}")]
    Domain(core::Error),
}

impl From<core::Error> for AppError {
    fn from(e: core::Error) -> Self {
        match e.kind {
            ErrorKind::Internal => AppError::Internal(e.reason),
            _ => AppError::Domain(e),
        }
    }
}

impl From<AuthError> for AppError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::Missing | AuthError::Invalid => AppError::Unauthorized,
            AuthError::Throttled { retry_after } => AppError::Throttled(retry_after),
            AuthError::Store(s) => AppError::Internal(s.to_string()),
        }
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Forbidden | AppError::ForbiddenBecause(_) => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::RangeNotSatisfiable { .. } => StatusCode::RANGE_NOT_SATISFIABLE,
            AppError::InsufficientStorage => StatusCode::INSUFFICIENT_STORAGE,
            AppError::BadGateway(_) => StatusCode::BAD_GATEWAY,
            AppError::Dav { status, .. } => *status,
            AppError::Domain(e) => match e.kind {
                ErrorKind::NotFound => StatusCode::NOT_FOUND,
                ErrorKind::Forbidden => StatusCode::FORBIDDEN,
                ErrorKind::Conflict => StatusCode::CONFLICT,
                ErrorKind::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
                ErrorKind::Locked => StatusCode::LOCKED,
                ErrorKind::InsufficientStorage => StatusCode::INSUFFICIENT_STORAGE,
                ErrorKind::Invalid => StatusCode::BAD_REQUEST,
                ErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                ErrorKind::NotAllowed => StatusCode::METHOD_NOT_ALLOWED,
                ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            },
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn into_response(self, request_id: &str) -> Response<Body> {
        let status = self.status();
        let text = match &self {
            AppError::Internal(cause) => {
                tracing::error!(request_id, %cause, "internal error");
                format!("internal server error (request id {request_id})\n")
            }
            other => format!("{other}\n"),
        };
        let (body, content_type) = match &self {
            AppError::Dav {
                condition: Some(condition),
                reason,
                ..
            }
            | AppError::Domain(core::Error {
                condition: Some(condition),
                reason,
                ..
            }) => (condition.to_body_with_message(reason), "application/xml; charset=utf-8"),
            _ => (text, "text/plain; charset=utf-8"),
        };
        let mut resp = Response::new(full(body));
        *resp.status_mut() = status;
        let headers = resp.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        match self {
            AppError::Unauthorized => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"Portico\", charset=\"UTF-8\""),
                );
            }
            AppError::Throttled(secs) => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            AppError::MethodNotAllowed { allow } => {
                headers.insert(header::ALLOW, HeaderValue::from_static(allow));
            }
            AppError::RangeNotSatisfiable { size } => {
                if let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}")) {
                    headers.insert(header::CONTENT_RANGE, v);
                }
            }
            _ => {}
        }
        resp
    }
}
