//! Decodes a request path into validated, NFC-normalised segments.

use unicode_normalization::UnicodeNormalization;

use super::PathError;

/// Longest accepted segment, in UTF-8 bytes after decoding.
pub const MAX_SEGMENT_BYTES: usize = 255;
/// Longest accepted path, in UTF-8 bytes after decoding.
pub const MAX_PATH_BYTES: usize = 4096;

/// Splits an absolute request path (percent-encoded, without query) into
/// decoded segments.
///
/// Empty segments (`//`, a trailing `/`) are dropped. Refused: `.` and `..`,
/// `%2F` and `\` inside a segment, control characters (NUL included),
/// malformed escapes, invalid UTF-8, segments over 255 bytes and paths over
/// 4096 bytes. Segments are normalised to Unicode NFC, because macOS sends
/// names in NFD and the same name must map to the same resource.
pub fn decode_path(raw: &str) -> Result<Vec<String>, PathError> {
    if !raw.starts_with('/') {
        return Err(PathError::NotAbsolute);
    }
    // Every decoded byte takes at most three input bytes.
    if raw.len() > 3 * MAX_PATH_BYTES {
        return Err(PathError::TooLong);
    }
    let mut segments = Vec::new();
    let mut total = 0usize;
    for raw_segment in raw.split('/').filter(|s| !s.is_empty()) {
        let segment = decode_segment(raw_segment)?;
        total += 1 + segment.len();
        if total > MAX_PATH_BYTES {
            return Err(PathError::TooLong);
        }
        segments.push(segment);
    }
    Ok(segments)
}

fn decode_segment(raw: &str) -> Result<String, PathError> {
    let text = String::from_utf8(percent_decode(raw)?).map_err(|_| PathError::InvalidUtf8)?;
    for c in text.chars() {
        match c {
            '/' => return Err(PathError::EncodedSlash),
            '\\' => return Err(PathError::Backslash),
            c if c.is_control() => return Err(PathError::ControlChar),
            _ => {}
        }
    }
    let segment: String = text.nfc().collect();
    if segment == "." || segment == ".." {
        return Err(PathError::DotSegment);
    }
    if segment.len() > MAX_SEGMENT_BYTES {
        return Err(PathError::SegmentTooLong(segment.len()));
    }
    Ok(segment)
}

/// Strict percent-decoding: every `%` must start a two-digit hex escape.
fn percent_decode(raw: &str) -> Result<Vec<u8>, PathError> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hi = bytes.get(i + 1).and_then(|&h| hex(h));
            let lo = bytes.get(i + 2).and_then(|&l| hex(l));
            match (hi, lo) {
                (Some(hi), Some(lo)) => out.push((hi << 4) | lo),
                _ => return Err(PathError::BadEscape),
            }
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    Ok(out)
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(raw: &str) -> Vec<String> {
        decode_path(raw).unwrap()
    }

    #[test]
    fn splits_and_decodes() {
        assert_eq!(ok("/"), Vec::<String>::new());
        assert_eq!(ok("/docs/a%20b.txt"), ["docs", "a b.txt"]);
        assert_eq!(ok("/docs/Gr%C3%BC%C3%9Fe/"), ["docs", "Grüße"]);
        assert_eq!(ok("/a%2Bb/c+d/%25"), ["a+b", "c+d", "%"]);
        assert_eq!(ok("/%e2%82%ac"), ["€"]);
    }

    #[test]
    fn collapses_empty_segments() {
        assert_eq!(ok("//docs///x//"), ["docs", "x"]);
    }

    #[test]
    fn normalises_to_nfc() {
        // macOS sends "é" as e + combining acute (NFD).
        assert_eq!(ok("/caf%65%CC%81"), ["caf\u{e9}"]);
        assert_eq!(ok("/cafe\u{301}"), ["caf\u{e9}"]);
        assert_eq!(ok("/caf%C3%A9"), ["caf\u{e9}"]);
    }

    #[test]
    fn dots_inside_names_are_fine() {
        assert_eq!(ok("/.hidden/a..b/.../x."), [".hidden", "a..b", "...", "x."]);
    }

    #[test]
    fn rejects_dot_segments() {
        for raw in ["/a/../b", "/..", "/.", "/a/./b", "/%2e%2e/x", "/%2E", "/.%2e/"] {
            assert_eq!(decode_path(raw), Err(PathError::DotSegment), "{raw}");
        }
    }

    #[test]
    fn rejects_encoded_slash() {
        assert_eq!(decode_path("/a%2Fb"), Err(PathError::EncodedSlash));
        assert_eq!(decode_path("/a%2fb"), Err(PathError::EncodedSlash));
        assert_eq!(decode_path("/%2F"), Err(PathError::EncodedSlash));
    }

    #[test]
    fn rejects_backslash() {
        assert_eq!(decode_path("/a\\b"), Err(PathError::Backslash));
        assert_eq!(decode_path("/a%5Cb"), Err(PathError::Backslash));
        assert_eq!(decode_path("/..%5c..%5cetc"), Err(PathError::Backslash));
    }

    #[test]
    fn rejects_control_characters() {
        for raw in ["/a%00b", "/a%0A", "/%0d", "/%7F", "/%1B", "/%C2%85", "/a\tb", "/a\u{0}"] {
            assert_eq!(decode_path(raw), Err(PathError::ControlChar), "{raw:?}");
        }
    }

    #[test]
    fn rejects_invalid_utf8() {
        for raw in ["/%FF", "/%C3", "/%C3%28", "/%ED%A0%80", "/%C0%AF"] {
            assert_eq!(decode_path(raw), Err(PathError::InvalidUtf8), "{raw}");
        }
    }

    #[test]
    fn rejects_bad_escapes() {
        for raw in ["/%", "/%4", "/%zz", "/a%g1", "/%%41", "/x%2"] {
            assert_eq!(decode_path(raw), Err(PathError::BadEscape), "{raw}");
        }
    }

    #[test]
    fn rejects_relative_paths() {
        for raw in ["", "a/b", "http://host/a", "%2Fa"] {
            assert_eq!(decode_path(raw), Err(PathError::NotAbsolute), "{raw}");
        }
    }

    #[test]
    fn segment_length_limit() {
        let max = "a".repeat(MAX_SEGMENT_BYTES);
        assert_eq!(ok(&format!("/{max}")), vec![max]);
        let over = "a".repeat(MAX_SEGMENT_BYTES + 1);
        assert_eq!(decode_path(&format!("/{over}")), Err(PathError::SegmentTooLong(256)));
        // 128 two-byte characters = 256 bytes
        let wide = "%C3%A9".repeat(128);
        assert_eq!(decode_path(&format!("/{wide}")), Err(PathError::SegmentTooLong(256)));
    }

    #[test]
    fn path_length_limit() {
        let seg = "a".repeat(200);
        // 20 × 201 = 4020 bytes: fine; 21 × 201 = 4221: too long
        assert_eq!(ok(&format!("/{seg}").repeat(20)).len(), 20);
        assert_eq!(decode_path(&format!("/{seg}").repeat(21)), Err(PathError::TooLong));
        let huge = "/a".repeat(10_000);
        assert_eq!(decode_path(&huge), Err(PathError::TooLong));
    }
}
