//! Parsers for the WebDAV request headers (RFC 4918 §10) other than `If`, and the
//! conditional headers of RFC 9110 §13 ([`preconditions`]).

mod depth;
mod destination;
mod lock_token;
mod overwrite;
pub mod preconditions;
mod timeout;

pub use depth::Depth;
pub use destination::{Destination, parse_destination};
pub use lock_token::parse_lock_token;
pub use overwrite::parse_overwrite;
pub use preconditions::{EntityTag, Evaluation, Preconditions, TagList};
pub use timeout::{Timeout, parse_timeout};

use crate::path::PathError;

/// Why a header value was rejected (answer `400 Bad Request`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    /// `Depth` is not `0`, `1` or `infinity`.
    #[error("invalid Depth header {0:?}: expected 0, 1 or infinity")]
    Depth(String),
    /// `Overwrite` is not `T` or `F`.
    #[error("invalid Overwrite header {0:?}: expected T or F")]
    Overwrite(String),
    /// `Timeout` does not follow `Second-N` / `Infinite` lists.
    #[error("invalid Timeout header {0:?}")]
    Timeout(String),
    /// `Lock-Token` is not a Coded-URL.
    #[error("invalid Lock-Token header {0:?}: expected <URI>")]
    LockToken(String),
    /// `Destination` is not an absolute URI or absolute path, or its path
    /// is unacceptable.
    #[error("invalid Destination header: {0}")]
    Destination(#[from] PathError),
}

/// At most 64 characters of a header value, for error messages.
fn clip(value: &str) -> String {
    value.chars().take(64).collect()
}
