//! The `Destination` header of COPY and MOVE (RFC 4918 §10.3).

use super::HeaderError;
use crate::path::uri::split_uri;
use crate::path::{PathError, decode_path};

/// A parsed `Destination`. The caller checks that `authority` (when
/// present) is this server, and maps `segments` to a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// `http` / `https`, when an absolute URI was sent.
    pub scheme: Option<String>,
    /// `host[:port]`, when an absolute URI was sent.
    pub authority: Option<String>,
    /// Decoded, validated path segments (see [`decode_path`]).
    pub segments: Vec<String>,
    /// Whether the path ended in `/`.
    pub trailing_slash: bool,
}

/// Parses `Destination: http://host/path` or `Destination: /path`.
pub fn parse_destination(value: &str) -> Result<Destination, HeaderError> {
    let uri = split_uri(value.trim())?;
    if uri.query.is_some() || uri.fragment.is_some() {
        return Err(PathError::QueryOrFragment.into());
    }
    Ok(Destination {
        scheme: uri.scheme.map(str::to_owned),
        authority: uri.authority.map(str::to_owned),
        segments: decode_path(uri.path)?,
        trailing_slash: uri.path.len() > 1 && uri.path.ends_with('/'),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_uri() {
        let d = parse_destination("http://dav.example.com/docs/Copy%20of%20a.docx").unwrap();
        assert_eq!(d.scheme.as_deref(), Some("http"));
        assert_eq!(d.authority.as_deref(), Some("dav.example.com"));
        assert_eq!(d.segments, ["docs", "Copy of a.docx"]);
        assert!(!d.trailing_slash);
    }

    #[test]
    fn absolute_path_with_trailing_slash() {
        let d = parse_destination(" /docs/new%20folder/ ").unwrap();
        assert_eq!(d.scheme, None);
        assert_eq!(d.authority, None);
        assert_eq!(d.segments, ["docs", "new folder"]);
        assert!(d.trailing_slash);
        assert!(!parse_destination("/").unwrap().trailing_slash);
    }

    #[test]
    fn rejections() {
        assert_eq!(
            parse_destination("docs/a"),
            Err(HeaderError::Destination(PathError::BadUri))
        );
        assert_eq!(
            parse_destination("http://h/a?x"),
            Err(HeaderError::Destination(PathError::QueryOrFragment))
        );
        assert_eq!(
            parse_destination("/a#f"),
            Err(HeaderError::Destination(PathError::QueryOrFragment))
        );
        assert_eq!(
            parse_destination("http://h/a/../../etc"),
            Err(HeaderError::Destination(PathError::DotSegment))
        );
        assert_eq!(
            parse_destination("http://h/a%2Fb"),
            Err(HeaderError::Destination(PathError::EncodedSlash))
        );
        assert!(parse_destination("").is_err());
    }
}
