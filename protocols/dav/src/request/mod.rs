//! Parsers for the XML request bodies of PROPFIND, PROPPATCH and LOCK.

pub(crate) mod lockinfo;
pub(crate) mod propfind;
pub(crate) mod proppatch;

/// Whether a body counts as absent (no bytes, or only white space).
pub(crate) fn is_blank(body: &[u8]) -> bool {
    body.iter().all(u8::is_ascii_whitespace)
}
