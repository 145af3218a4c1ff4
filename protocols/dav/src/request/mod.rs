//! Parsers for the XML request bodies of PROPFIND, PROPPATCH and LOCK, and of the RFC 3744
//! principal REPORTs.

pub mod lockinfo;
pub mod principal_search;
pub mod propfind;
pub mod proppatch;

use std::collections::HashSet;

use crate::qname::QName;
use crate::xml::error::XmlError;

/// Most distinct property names one request may name (PROPFIND `prop` and `include`,
/// a REPORT's `prop`, PROPPATCH instructions). Each is answered for every resource of a
/// listing, so the count multiplies; clients name a few dozen.
pub const MAX_PROPERTY_NAMES: usize = 1_000;

/// Whether a body counts as absent (no bytes, or only white space).
pub(crate) fn is_blank(body: &[u8]) -> bool {
    body.iter().all(u8::is_ascii_whitespace)
}

/// The names in order without repeats, at most [`MAX_PROPERTY_NAMES`] of them.
pub(crate) fn distinct_names<'a>(names: impl IntoIterator<Item = &'a QName>) -> Result<Vec<QName>, XmlError> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for name in names {
        if seen.insert(name) {
            if out.len() == MAX_PROPERTY_NAMES {
                return Err(too_many_properties());
            }
            out.push(name.clone());
        }
    }
    Ok(out)
}

pub(crate) fn too_many_properties() -> XmlError {
    XmlError::TooMany {
        what: "properties",
        limit: MAX_PROPERTY_NAMES,
    }
}

#[cfg(test)]
mod tests {
    use super::lockinfo::parse_lockinfo;
    use super::propfind::parse_propfind;
    use super::proppatch::parse_proppatch;

    const SEEDS: [&str; 4] = [
        r#"<?xml version="1.0" encoding="utf-8" ?><D:propfind xmlns:D="DAV:"><D:prop xmlns:Z="urn:schemas-microsoft-com:"><D:getetag/><Z:Win32FileAttributes/></D:prop></D:propfind>"#,
        r#"<propertyupdate xmlns="DAV:" xmlns:a="urn:a"><set xml:lang="en"><prop><a:x a:k="v&amp;">t&#65536;<![CDATA[c]]><b xmlns="urn:b"/></a:x></prop></set><remove><prop><a:y/></prop></remove></propertyupdate>"#,
        r#"<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:exclusive/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner><D:href>CONTOSO\jdoe</D:href></D:owner></D:lockinfo>"#,
        r#"<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>"#,
    ];

    /// Bytes that tend to break parsers, substituted at every position.
    const NASTY: [u8; 12] = [b'<', b'>', b'&', b'"', b'\'', b'/', b':', b'=', b'!', b'?', 0, 0xFF];

    fn all_parsers(body: &[u8]) {
        let _ = parse_propfind(body);
        let _ = parse_proppatch(body);
        let _ = parse_lockinfo(body);
    }

    #[test]
    fn truncated_and_mutated_bodies_never_panic() {
        for seed in SEEDS {
            let bytes = seed.as_bytes();
            for end in 0..bytes.len() {
                all_parsers(&bytes[..end]);
            }
            for i in 0..bytes.len() {
                for b in NASTY {
                    let mut mutated = bytes.to_vec();
                    mutated[i] = b;
                    all_parsers(&mutated);
                }
            }
        }
    }

    #[test]
    fn distinct_names_keep_order_and_stop_at_the_limit() {
        use super::{MAX_PROPERTY_NAMES, distinct_names};
        use crate::qname::QName;
        let names: Vec<QName> = ["a", "b", "a", "c", "b"].iter().map(|n| QName::dav(n)).collect();
        let out = distinct_names(&names).unwrap();
        assert_eq!(out, vec![QName::dav("a"), QName::dav("b"), QName::dav("c")]);
        let many: Vec<QName> = (0..=MAX_PROPERTY_NAMES)
            .map(|i| QName::new("urn:x", i.to_string()))
            .collect();
        assert!(distinct_names(&many[..MAX_PROPERTY_NAMES]).is_ok());
        assert!(distinct_names(&many).is_err());
        let repeated: Vec<QName> = std::iter::repeat_n(QName::dav("a"), 50_000).collect();
        assert_eq!(distinct_names(&repeated).unwrap().len(), 1);
    }

    #[test]
    fn truncated_bodies_are_rejected() {
        for seed in &SEEDS[..3] {
            // Every strict prefix that still has the root open is an error.
            let bytes = seed.as_bytes();
            let root_start = seed.find("<D:").or_else(|| seed.find("<prop")).unwrap_or(0);
            for end in root_start + 1..bytes.len() {
                let body = &bytes[..end];
                assert!(parse_propfind(body).is_err(), "{}", String::from_utf8_lossy(body));
                assert!(parse_proppatch(body).is_err());
                assert!(parse_lockinfo(body).is_err());
            }
        }
    }
}
