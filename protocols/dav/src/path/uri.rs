//! Splits a URI reference into scheme, authority, path, query and fragment
//! (RFC 3986 §3) for the headers that carry one (`Destination`, `If`).

use super::PathError;

/// Parts of an absolute URI or absolute-path reference; the path stays
/// percent-encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UriRef<'a> {
    pub(crate) scheme: Option<&'a str>,
    pub(crate) authority: Option<&'a str>,
    pub(crate) path: &'a str,
    pub(crate) query: Option<&'a str>,
    pub(crate) fragment: Option<&'a str>,
}

/// Accepts `scheme://authority[/path][?query][#fragment]` or
/// `/path[?query][#fragment]`; anything else (relative references, `urn:`
/// and other URIs without an authority) is [`PathError::BadUri`].
pub(crate) fn split_uri(s: &str) -> Result<UriRef<'_>, PathError> {
    let (rest, fragment) = match s.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (s, None),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    if rest.starts_with('/') {
        if rest.starts_with("//") {
            return Err(PathError::BadUri);
        }
        return Ok(UriRef {
            scheme: None,
            authority: None,
            path: rest,
            query,
            fragment,
        });
    }
    let (scheme, after) = rest.split_once(':').ok_or(PathError::BadUri)?;
    let valid_scheme = scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let hier = after
        .strip_prefix("//")
        .filter(|_| valid_scheme)
        .ok_or(PathError::BadUri)?;
    let (authority, path) = match hier.find('/') {
        Some(i) => hier.split_at(i),
        None => (hier, "/"),
    };
    if authority.is_empty() {
        return Err(PathError::BadUri);
    }
    Ok(UriRef {
        scheme: Some(scheme),
        authority: Some(authority),
        path,
        query,
        fragment,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_uri() {
        let u = split_uri("https://dav.example.com:8443/docs/a%20b?x=1#frag").unwrap();
        assert_eq!(u.scheme, Some("https"));
        assert_eq!(u.authority, Some("dav.example.com:8443"));
        assert_eq!(u.path, "/docs/a%20b");
        assert_eq!(u.query, Some("x=1"));
        assert_eq!(u.fragment, Some("frag"));
        assert_eq!(split_uri("http://host").unwrap().path, "/");
    }

    #[test]
    fn absolute_path() {
        let u = split_uri("/specs/rfc2518.doc").unwrap();
        assert_eq!((u.scheme, u.authority, u.path), (None, None, "/specs/rfc2518.doc"));
    }

    #[test]
    fn rejects_other_references() {
        for bad in [
            "",
            "relative/path",
            "//host/path",
            "urn:uuid:x",
            "1http://h/",
            "http:/x",
            "http:///x",
            "ht tp://h/",
        ] {
            assert_eq!(split_uri(bad), Err(PathError::BadUri), "{bad:?}");
        }
    }
}
