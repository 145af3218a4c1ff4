//! Request-path decoding; what decodes must encode and decode to the same segments.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let raw = format!("/{text}");
    if let Ok(segments) = dav::decode_path(&raw) {
        let again = dav::decode_path(&dav::encode_href(&segments, false)).expect("an encoded path decodes");
        assert_eq!(again, segments);
    }
});
