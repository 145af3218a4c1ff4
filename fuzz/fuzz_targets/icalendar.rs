//! iCalendar validation and indexing, recurrence expansion over a bounded range, and the
//! privacy reduction, on one object.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let limits = caldav::Limits::DEFAULT;
    let _ = caldav::validate_object(data, &[], &limits);
    let range = caldav::TimeRange::new(caldav::parse_utc("20250101T000000Z"), caldav::parse_utc("20270101T000000Z"))
        .expect("a range");
    let _ = caldav::occurrences([data], &range, &caldav::FloatingZone::utc());
    let _ = caldav::reduce(data, caldav::Reduction::BusyOnly);
});
