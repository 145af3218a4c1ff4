//! Property tests over iCalendar validation, indexing, recurrence expansion and REPORT
//! parsing (the CI side of the fuzz campaign, docs/fuzzing.md). Objects are built from the
//! property vocabulary clients send — random values, RRULEs, overrides, EXDATEs, time zones,
//! alarms — so the generator reaches the expansion code, not only the line parser. Nothing
//! may panic; an accepted object's index must cover its occurrences in a range.

use caldav::{ComponentKind, FloatingZone, Limits, TimeRange, occurrences, parse_report, parse_utc, validate_object};
use proptest::prelude::*;

fn stamp() -> impl Strategy<Value = String> {
    (2020u32..2030, 1u32..13, 1u32..29, 0u32..24, 0u32..60, any::<bool>())
        .prop_map(|(y, mo, d, h, mi, z)| format!("{y}{mo:02}{d:02}T{h:02}{mi:02}00{}", if z { "Z" } else { "" }))
}

fn rule() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec![
            "DAILY", "WEEKLY", "MONTHLY", "YEARLY", "HOURLY", "MINUTELY", "SECONDLY", "BOGUS",
        ]),
        prop::option::of(1u32..5),
        prop::option::of(1u32..40),
        prop::option::of(stamp()),
        prop::option::of(prop::sample::select(vec!["MO,WE,FR", "1MO,-1FR", "SA", "XX"])),
        prop::option::of(prop::sample::select(vec!["1,15,-1", "31", "0"])),
    )
        .prop_map(|(freq, interval, count, until, byday, bymonthday)| {
            let mut r = format!("RRULE:FREQ={freq}");
            if let Some(i) = interval {
                r += &format!(";INTERVAL={i}");
            }
            match (count, until) {
                (Some(c), _) => r += &format!(";COUNT={c}"),
                (None, Some(u)) => r += &format!(";UNTIL={u}"),
                _ => {}
            }
            if let Some(b) = byday {
                r += &format!(";BYDAY={b}");
            }
            if let Some(b) = bymonthday {
                r += &format!(";BYMONTHDAY={b}");
            }
            r
        })
}

fn start_line(name: &'static str) -> impl Strategy<Value = String> {
    (
        stamp(),
        prop::sample::select(vec![
            "",
            ";TZID=Europe/Berlin",
            ";TZID=W. Europe Standard Time",
            ";TZID=Nowhere",
            ";VALUE=DATE",
        ]),
    )
        .prop_map(move |(s, p)| {
            if p == ";VALUE=DATE" {
                format!("{name}{p}:{}", &s[..8])
            } else {
                format!("{name}{p}:{s}")
            }
        })
}

fn event() -> impl Strategy<Value = String> {
    (
        start_line("DTSTART"),
        prop::option::of(start_line("DTEND")),
        prop::option::of(prop::sample::select(vec!["DURATION:PT1H", "DURATION:P1D", "DURATION:-PT5M", "DURATION:PXYZ"])),
        prop::collection::vec(rule(), 0..2),
        prop::collection::vec(start_line("EXDATE"), 0..2),
        prop::collection::vec(start_line("RECURRENCE-ID"), 0..2),
        prop::option::of(prop::sample::select(vec!["TRIGGER:-PT15M", "TRIGGER;RELATED=END:PT5M", "TRIGGER:20270101T000000Z"])),
        prop::sample::select(vec!["", "CLASS:PRIVATE\r\n", "STATUS:CANCELLED\r\n", "TRANSP:TRANSPARENT\r\n", "CATEGORIES:Out of office\r\n"]),
    )
        .prop_map(|(start, end, duration, rules, exdates, rids, trigger, extra)| {
            let mut e = String::from("BEGIN:VEVENT\r\nUID:prop-1\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:x\r\n");
            for line in [Some(start), end, duration.map(str::to_owned)].into_iter().flatten() {
                e += &line;
                e += "\r\n";
            }
            for line in rules.iter().chain(&exdates) {
                e += line;
                e += "\r\n";
            }
            e += extra;
            if let Some(t) = trigger {
                e += &format!("BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:a\r\n{t}\r\nEND:VALARM\r\n");
            }
            e += "END:VEVENT\r\n";
            for rid in rids {
                e += &format!("BEGIN:VEVENT\r\nUID:prop-1\r\nDTSTAMP:20260101T000000Z\r\n{rid}\r\nDTSTART:20260301T100000Z\r\nEND:VEVENT\r\n");
            }
            e
        })
}

fn calendar() -> impl Strategy<Value = String> {
    (event(), any::<bool>()).prop_map(|(e, tz)| {
        let zone = if tz {
            "BEGIN:VTIMEZONE\r\nTZID:Nowhere\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
        } else {
            ""
        };
        format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//p//EN\r\n{zone}{e}END:VCALENDAR\r\n")
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn objects_validate_index_and_expand_without_panicking(text in calendar(), cut in 0usize..2000) {
        let limits = Limits::DEFAULT;
        let range = TimeRange::new(parse_utc("20250101T000000Z"), parse_utc("20280101T000000Z")).unwrap();
        let zone = FloatingZone::from_id("Europe/Moscow").unwrap();
        let mut end = text.len().min(cut);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        for input in [text.as_str(), &text[..end]] {
            let checked = validate_object(input.as_bytes(), &[ComponentKind::Event], &limits);
            let found = occurrences([input.as_bytes()], &range, &zone);
            if let Ok(object) = checked {
                // The stored index is what queries preselect by: it must cover every occurrence.
                for o in &found {
                    prop_assert!(
                        object.index.start <= o.end.max(o.start) && object.index.end >= o.start,
                        "index {:?} misses an occurrence {}..{} of {}", object.index, o.start, o.end, input
                    );
                }
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let _ = validate_object(&bytes, &[], &Limits::DEFAULT);
        let _ = parse_report(&bytes);
        let range = TimeRange::new(parse_utc("20250101T000000Z"), parse_utc("20260101T000000Z")).unwrap();
        let _ = occurrences([bytes.as_slice()], &range, &FloatingZone::utc());
    }

    #[test]
    fn reports_never_panic(
        start in stamp(), end in stamp(),
        comp in prop::sample::select(vec!["VEVENT", "VTODO", "VALARM", "X"]),
        op in prop::sample::select(vec!["contains", "equals", "starts-with", "bogus"]),
        text in "[a-z<&]{0,8}",
    ) {
        let body = format!(
            "<?xml version=\"1.0\"?><C:calendar-query xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\">\
             <D:prop><D:getetag/><C:calendar-data><C:expand start=\"{start}\" end=\"{end}\"/></C:calendar-data></D:prop>\
             <C:filter><C:comp-filter name=\"VCALENDAR\"><C:comp-filter name=\"{comp}\"><C:time-range start=\"{start}\" end=\"{end}\"/>\
             <C:prop-filter name=\"SUMMARY\"><C:text-match match-type=\"{op}\">{text}</C:text-match></C:prop-filter>\
             </C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"
        );
        let _ = parse_report(body.as_bytes());
    }
}
