//! PROPFIND, PROPPATCH, LOCK and the CalDAV and CardDAV REPORT bodies.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = dav::parse_propfind(data);
    let _ = dav::parse_proppatch(data);
    let _ = dav::parse_lockinfo(data);
    let _ = caldav::parse_report(data);
    let _ = carddav::parse_report(data);
    let _ = caldav::parse_mkcalendar(data);
});
