//! vCard validation and the search index.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = carddav::validate_card(data);
    let _ = carddav::index_values(data);
});
