//! Request paths: decoding and validating them into segments, encoding
//! segments back into hrefs, and splitting URI references.

mod decode;
mod encode;
pub(crate) mod uri;

pub use decode::{MAX_PATH_BYTES, MAX_SEGMENT_BYTES, decode_path};
pub use encode::{encode_href, encode_segment};

/// Why a path (or the URI holding it) was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// The path does not start with `/`.
    #[error("path must start with '/'")]
    NotAbsolute,
    /// Neither an absolute path nor an `scheme://authority/path` URI.
    #[error("not an absolute URI or absolute path")]
    BadUri,
    /// A query or fragment where only a path is allowed.
    #[error("a query or fragment is not allowed here")]
    QueryOrFragment,
    /// `%` not followed by two hex digits.
    #[error("invalid percent-encoding")]
    BadEscape,
    /// The decoded bytes are not UTF-8.
    #[error("path is not valid UTF-8 once decoded")]
    InvalidUtf8,
    /// A `.` or `..` segment.
    #[error("'.' and '..' segments are not allowed")]
    DotSegment,
    /// `%2F` inside a segment.
    #[error("encoded '/' inside a path segment")]
    EncodedSlash,
    /// `\` (raw or encoded) inside a segment.
    #[error("'\\' is not allowed in a path segment")]
    Backslash,
    /// NUL or another control character.
    #[error("control characters are not allowed in a path")]
    ControlChar,
    /// A segment longer than [`MAX_SEGMENT_BYTES`] bytes once decoded.
    #[error("path segment is {0} bytes long; the limit is 255")]
    SegmentTooLong(usize),
    /// A path longer than [`MAX_PATH_BYTES`] bytes once decoded.
    #[error("path is longer than 4096 bytes")]
    TooLong,
}
