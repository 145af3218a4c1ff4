//! HTTP status codes as written in `DAV:status` (`HTTP/1.1 207 …`).

use std::fmt;

/// A status code with its reason phrase for `DAV:status` elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Status(pub u16);

impl Status {
    /// 200
    pub const OK: Status = Status(200);
    /// 201
    pub const CREATED: Status = Status(201);
    /// 204
    pub const NO_CONTENT: Status = Status(204);
    /// 207
    pub const MULTI_STATUS: Status = Status(207);
    /// 400
    pub const BAD_REQUEST: Status = Status(400);
    /// 401
    pub const UNAUTHORIZED: Status = Status(401);
    /// 403
    pub const FORBIDDEN: Status = Status(403);
    /// 404
    pub const NOT_FOUND: Status = Status(404);
    /// 409
    pub const CONFLICT: Status = Status(409);
    /// 412
    pub const PRECONDITION_FAILED: Status = Status(412);
    /// 415
    pub const UNSUPPORTED_MEDIA_TYPE: Status = Status(415);
    /// 422
    pub const UNPROCESSABLE_ENTITY: Status = Status(422);
    /// 423
    pub const LOCKED: Status = Status(423);
    /// 424 — a PROPPATCH instruction not applied because another failed.
    pub const FAILED_DEPENDENCY: Status = Status(424);
    /// 500
    pub const INTERNAL_SERVER_ERROR: Status = Status(500);
    /// 502 — e.g. COPY/MOVE destination on another server.
    pub const BAD_GATEWAY: Status = Status(502);
    /// 507
    pub const INSUFFICIENT_STORAGE: Status = Status(507);

    /// The reason phrase ("" for codes not listed here).
    pub fn reason(self) -> &'static str {
        match self.0 {
            200 => "OK",
            201 => "Created",
            204 => "No Content",
            207 => "Multi-Status",
            301 => "Moved Permanently",
            302 => "Found",
            304 => "Not Modified",
            400 => "Bad Request",
            401 => "Unauthorized",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            409 => "Conflict",
            412 => "Precondition Failed",
            413 => "Content Too Large",
            415 => "Unsupported Media Type",
            422 => "Unprocessable Entity",
            423 => "Locked",
            424 => "Failed Dependency",
            500 => "Internal Server Error",
            501 => "Not Implemented",
            502 => "Bad Gateway",
            503 => "Service Unavailable",
            507 => "Insufficient Storage",
            _ => "",
        }
    }
}

/// The status-line form: `HTTP/1.1 404 Not Found`.
impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP/1.1 {} {}", self.0, self.reason())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines() {
        assert_eq!(Status::OK.to_string(), "HTTP/1.1 200 OK");
        assert_eq!(Status::FAILED_DEPENDENCY.to_string(), "HTTP/1.1 424 Failed Dependency");
        assert_eq!(Status(299).to_string(), "HTTP/1.1 299 ");
    }
}
