//! One error type covering everything this crate rejects, for handlers that
//! want a single `?`. Every variant corresponds to `400 Bad Request`
//! (a path error may instead warrant 403/404 — the server decides).

use crate::headers::HeaderError;
use crate::if_header::IfHeaderError;
use crate::path::PathError;
use crate::xml::error::XmlError;

/// Any request the crate could not accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DavError {
    /// Request body.
    #[error(transparent)]
    Xml(#[from] XmlError),
    /// `Depth`, `Overwrite`, `Timeout`, `Lock-Token`, `Destination`.
    #[error(transparent)]
    Header(#[from] HeaderError),
    /// `If`.
    #[error(transparent)]
    If(#[from] IfHeaderError),
    /// Request path.
    #[error(transparent)]
    Path(#[from] PathError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{IfHeader, decode_path, parse_propfind};

    fn first_error() -> Result<(), DavError> {
        decode_path("/ok")?;
        IfHeader::parse("(<urn:x>)")?;
        parse_propfind(b"<x/>")?;
        Ok(())
    }

    #[test]
    fn converts_with_question_mark_and_keeps_message() {
        let err = first_error().unwrap_err();
        assert!(matches!(err, DavError::Xml(XmlError::WrongRoot { .. })));
        assert_eq!(err.to_string(), "expected root element {DAV:}propfind, found {}x");
        let err: DavError = PathError::DotSegment.into();
        assert_eq!(err.to_string(), "'.' and '..' segments are not allowed");
    }
}
