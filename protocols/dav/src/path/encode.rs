//! Encodes path segments into hrefs for responses.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything except RFC 3986 `unreserved` (ALPHA / DIGIT / "-" / "." /
/// "_" / "~") is escaped inside a segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes one segment (a `/` inside it becomes `%2F`).
pub fn encode_segment(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

/// Builds an absolute href from decoded segments: `/` + segments joined by
/// `/`, plus a trailing `/` for collections. No segments is `/`.
pub fn encode_href<S: AsRef<str>>(segments: &[S], trailing_slash: bool) -> String {
    let mut href = String::from("/");
    for (i, segment) in segments.iter().enumerate() {
        if i > 0 {
            href.push('/');
        }
        href.extend(utf8_percent_encode(segment.as_ref(), SEGMENT));
    }
    if trailing_slash && !segments.is_empty() {
        href.push('/');
    }
    href
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::decode_path;

    #[test]
    fn encodes_reserved_and_non_ascii() {
        assert_eq!(encode_href(&["docs", "a b#?%.txt"], false), "/docs/a%20b%23%3F%25.txt");
        assert_eq!(encode_href(&["Grüße"], true), "/Gr%C3%BC%C3%9Fe/");
        assert_eq!(encode_href(&["a-b_c.d~e"], false), "/a-b_c.d~e");
        assert_eq!(
            encode_href(&["x&y=z+1;@:'()"], false),
            "/x%26y%3Dz%2B1%3B%40%3A%27%28%29"
        );
        assert_eq!(encode_segment("a/b"), "a%2Fb");
    }

    #[test]
    fn root_and_collections() {
        assert_eq!(encode_href::<&str>(&[], false), "/");
        assert_eq!(encode_href::<&str>(&[], true), "/");
        assert_eq!(encode_href(&["dav", "calendars"], true), "/dav/calendars/");
    }

    #[test]
    fn round_trips_through_decode() {
        let segments = ["a b", "ü€\u{10000}", "%41", "[x]", "~ok"];
        let href = encode_href(&segments, true);
        assert_eq!(decode_path(&href).unwrap(), segments);
    }
}
