//! Parsers for the XML request bodies of PROPFIND, PROPPATCH and LOCK.

pub mod lockinfo;
pub mod propfind;
pub mod proppatch;

/// Whether a body counts as absent (no bytes, or only white space).
pub(crate) fn is_blank(body: &[u8]) -> bool {
    body.iter().all(u8::is_ascii_whitespace)
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
