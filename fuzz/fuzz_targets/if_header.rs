//! The WebDAV `If` header (RFC 4918 §10.4).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = dav::IfHeader::parse(text);
    }
});
