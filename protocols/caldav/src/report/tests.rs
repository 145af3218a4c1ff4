//! REPORT bodies as clients send them, the RFC examples, and refusals.

use super::*;
use crate::names::{CALENDAR_DATA, NS_CALDAV};
use crate::time::parse_utc;
use dav::Propfind;

const THUNDERBIRD_MULTIGET: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop><D:href>/dav/calendars/anna/work/5b1d7a7e.ics</D:href><D:href>/dav/calendars/anna/work/Caf%C3%A9.ics</D:href></C:calendar-multiget>"#;

const THUNDERBIRD_QUERY: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<calendar-query xmlns:D="DAV:" xmlns="urn:ietf:params:xml:ns:caldav">
  <D:prop>
    <D:getetag/>
  </D:prop>
  <filter>
    <comp-filter name="VCALENDAR">
      <comp-filter name="VEVENT">
        <time-range start="20251201T000000Z"/>
      </comp-filter>
    </comp-filter>
  </filter>
</calendar-query>"#;

const APPLE_SYNC: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<A:sync-collection xmlns:A="DAV:">
  <A:sync-token>http://portico.example/ns/sync/42</A:sync-token>
  <A:sync-level>1</A:sync-level>
  <A:prop>
    <A:getcontenttype/>
    <A:getetag/>
  </A:prop>
</A:sync-collection>"#;

const DAVX5_SYNC: &str = r#"<sync-collection xmlns="DAV:"><sync-token/><sync-level>1</sync-level><limit><nresults>100</nresults></limit><prop><getetag/></prop></sync-collection>"#;

const DAVX5_TASKS: &str = r#"<?xml version='1.0' encoding='UTF-8' ?><CAL:calendar-query xmlns="DAV:" xmlns:CAL="urn:ietf:params:xml:ns:caldav"><prop><getetag /></prop><CAL:filter><CAL:comp-filter name="VCALENDAR"><CAL:comp-filter name="VTODO" /></CAL:comp-filter></CAL:filter></CAL:calendar-query>"#;

const RFC_FREE_BUSY: &str = r#"<?xml version="1.0" encoding="utf-8" ?>
   <C:free-busy-query xmlns:C="urn:ietf:params:xml:ns:caldav">
     <C:time-range start="20060104T140000Z"
                     end="20060105T220000Z"/>
   </C:free-busy-query>"#;

const RFC_EXPAND: &str = r#"<?xml version="1.0" encoding="utf-8" ?>
   <C:calendar-query xmlns:D="DAV:"
                     xmlns:C="urn:ietf:params:xml:ns:caldav">
     <D:prop>
       <C:calendar-data>
         <C:expand start="20060103T000000Z"
                   end="20060105T000000Z"/>
       </C:calendar-data>
     </D:prop>
     <C:filter>
       <C:comp-filter name="VCALENDAR">
         <C:comp-filter name="VEVENT">
           <C:time-range start="20060103T000000Z"
                         end="20060105T000000Z"/>
         </C:comp-filter>
       </C:comp-filter>
     </C:filter>
   </C:calendar-query>"#;

fn parse(body: &str) -> Result<Report, ReportError> {
    parse_report(body.as_bytes())
}

#[test]
fn thunderbird_multiget() {
    let Ok(Report::CalendarMultiget(m)) = parse(THUNDERBIRD_MULTIGET) else {
        panic!()
    };
    assert_eq!(
        m.hrefs,
        [
            "/dav/calendars/anna/work/5b1d7a7e.ics",
            "/dav/calendars/anna/work/Caf%C3%A9.ics"
        ]
    );
    assert_eq!(
        m.props.props,
        Propfind::Prop(vec![dav::QName::dav("getetag"), CALENDAR_DATA])
    );
    assert!(m.props.calendar_data.unwrap().is_whole_object());
}

#[test]
fn thunderbird_query_with_default_namespace_and_open_range() {
    let Ok(Report::CalendarQuery(q)) = parse(THUNDERBIRD_QUERY) else {
        panic!()
    };
    assert_eq!(q.props.props, Propfind::Prop(vec![dav::QName::dav("getetag")]));
    assert!(q.props.calendar_data.is_none());
    let range = q.filter.prefilter_range().unwrap();
    assert_eq!(
        (range.start, range.end),
        (parse_utc("20251201T000000Z").unwrap(), i64::MAX)
    );
    assert_eq!(q.timezone, None);
}

#[test]
fn sync_collection_from_apple_and_davx5() {
    let Ok(Report::SyncCollection(s)) = parse(APPLE_SYNC) else {
        panic!()
    };
    assert_eq!(s.sync_token.as_deref(), Some("http://portico.example/ns/sync/42"));
    assert_eq!((s.sync_level, s.limit), (SyncLevel::One, None));
    assert_eq!(
        s.props.props,
        Propfind::Prop(vec![dav::QName::dav("getcontenttype"), dav::QName::dav("getetag")])
    );
    let Ok(Report::SyncCollection(s)) = parse(DAVX5_SYNC) else {
        panic!()
    };
    assert_eq!((s.sync_token, s.limit), (None, Some(100)));
    let infinite = DAVX5_SYNC.replace("<sync-level>1", "<sync-level>infinite");
    assert!(matches!(
        parse(&infinite),
        Ok(Report::SyncCollection(SyncCollection {
            sync_level: SyncLevel::Infinite,
            ..
        }))
    ));
}

#[test]
fn davx5_tasks_and_rfc_expand() {
    let Ok(Report::CalendarQuery(q)) = parse(DAVX5_TASKS) else {
        panic!()
    };
    assert_eq!(q.filter.comp_filters[0].name, "VTODO");
    let Ok(Report::CalendarQuery(q)) = parse(RFC_EXPAND) else {
        panic!()
    };
    let data = q.props.calendar_data.unwrap();
    assert_eq!(
        data.recurrence,
        Some(RecurrenceMode::Expand(
            crate::TimeRange::new(parse_utc("20060103T000000Z"), parse_utc("20060105T000000Z")).unwrap()
        ))
    );
}

#[test]
fn free_busy_query() {
    let Ok(Report::FreeBusyQuery(r)) = parse(RFC_FREE_BUSY) else {
        panic!()
    };
    assert_eq!(r.start, parse_utc("20060104T140000Z").unwrap());
    assert_eq!(r.end, parse_utc("20060105T220000Z").unwrap());
}

#[test]
fn other_reports_are_named() {
    let body = r#"<D:expand-property xmlns:D="DAV:"><D:property name="owner"/></D:expand-property>"#;
    assert_eq!(parse(body), Ok(Report::Other(dav::QName::dav("expand-property"))));
    let body = r#"<C:calendar-search xmlns:C="urn:ietf:params:xml:ns:caldav"/>"#;
    assert_eq!(
        parse(body),
        Ok(Report::Other(dav::QName::new(NS_CALDAV, "calendar-search")))
    );
}

#[test]
fn calendar_timezone_element() {
    let tz = "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VTIMEZONE\nTZID:Europe/Berlin\nBEGIN:STANDARD\nDTSTART:19701025T030000\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nEND:STANDARD\nEND:VTIMEZONE\nEND:VCALENDAR\n";
    let body = THUNDERBIRD_QUERY.replace(
        "</calendar-query>",
        &format!("<timezone><![CDATA[{tz}]]></timezone></calendar-query>"),
    );
    let Ok(Report::CalendarQuery(q)) = parse(&body) else {
        panic!()
    };
    assert_eq!(q.timezone, crate::FloatingZone::from_id("Europe/Berlin"));
    let bad = THUNDERBIRD_QUERY.replace(
        "</calendar-query>",
        "<timezone>BEGIN:VCALENDAR</timezone></calendar-query>",
    );
    let e = parse(&bad).unwrap_err();
    assert!(matches!(e, ReportError::InvalidTimezone(_)));
    assert_eq!(e.precondition().unwrap().name.local, "valid-calendar-data");
    let unknown = THUNDERBIRD_QUERY.replace(
        "</calendar-query>",
        "<timezone-id>Mars/Base</timezone-id></calendar-query>",
    );
    assert_eq!(parse(&unknown), Err(ReportError::UnknownTimezoneId("Mars/Base".into())));
}

// ---- refusals ----

#[test]
fn unknown_collation() {
    let body = DAVX5_TASKS.replace(
        r#"<CAL:comp-filter name="VTODO" />"#,
        r#"<CAL:comp-filter name="VTODO"><CAL:prop-filter name="SUMMARY"><CAL:text-match collation="i;unknown">x</CAL:text-match></CAL:prop-filter></CAL:comp-filter>"#,
    );
    let e = parse(&body).unwrap_err();
    assert_eq!(e, ReportError::UnsupportedCollation("i;unknown".into()));
    assert_eq!(
        (e.status(), e.precondition().unwrap().name.local.as_ref()),
        (403, "supported-collation")
    );
}

#[test]
fn start_after_end() {
    let body = THUNDERBIRD_QUERY.replace(
        r#"<time-range start="20251201T000000Z"/>"#,
        r#"<time-range start="20251201T000000Z" end="20251101T000000Z"/>"#,
    );
    let e = parse(&body).unwrap_err();
    assert!(matches!(e, ReportError::InvalidFilter(_)));
    assert_eq!(
        (e.status(), e.precondition().unwrap().name.local.as_ref()),
        (403, "valid-filter")
    );
    let unparseable = THUNDERBIRD_QUERY.replace("20251201T000000Z", "2025-12-01");
    assert!(matches!(parse(&unparseable), Err(ReportError::InvalidFilter(_))));
}

#[test]
fn structural_refusals() {
    let cases = [
        (THUNDERBIRD_QUERY.replace(
            "<filter>\n    <comp-filter name=\"VCALENDAR\">\n      <comp-filter name=\"VEVENT\">\n        <time-range start=\"20251201T000000Z\"/>\n      </comp-filter>\n    </comp-filter>\n  </filter>",
            "",
        ), "filter"),
        (THUNDERBIRD_MULTIGET.replace("<D:href>/dav/calendars/anna/work/5b1d7a7e.ics</D:href><D:href>/dav/calendars/anna/work/Caf%C3%A9.ics</D:href>", ""), "hrefs"),
        (THUNDERBIRD_MULTIGET.replace("/dav/calendars/anna/work/5b1d7a7e.ics", " "), "empty href"),
        (DAVX5_SYNC.replace("<sync-level>1", "<sync-level>2"), "sync-level"),
        (DAVX5_SYNC.replace("<nresults>100", "<nresults>0"), "nresults"),
        (DAVX5_SYNC.replace("<nresults>100", "<nresults>many"), "nresults text"),
        (RFC_FREE_BUSY.replace(r#"end="20060105T220000Z""#, ""), "open free-busy"),
        (RFC_FREE_BUSY.replace("<C:time-range", "<C:nothing"), "no time-range"),
    ];
    for (body, what) in cases {
        let e = parse(&body).unwrap_err();
        assert_eq!(e.status(), 400, "{what}: {e}");
    }
    assert!(matches!(parse(""), Err(ReportError::Xml(_))));
    assert!(matches!(parse("<a"), Err(ReportError::Xml(_))));
    assert!(matches!(parse("<!DOCTYPE x><x/>"), Err(ReportError::Xml(_))));
}

#[test]
fn truncated_bodies_are_refused() {
    for seed in [
        THUNDERBIRD_MULTIGET,
        THUNDERBIRD_QUERY,
        APPLE_SYNC,
        DAVX5_SYNC,
        DAVX5_TASKS,
        RFC_FREE_BUSY,
        RFC_EXPAND,
    ] {
        let (root, _) = seed
            .match_indices('<')
            .find(|(i, _)| !seed[i + 1..].starts_with('?'))
            .unwrap();
        for end in root + 1..seed.len() {
            assert!(parse_report(&seed.as_bytes()[..end]).is_err(), "{}", &seed[..end]);
        }
    }
}

#[test]
fn mutated_bodies_never_panic() {
    const NASTY: [u8; 10] = [b'<', b'>', b'&', b'"', b'/', b':', b'=', b'T', 0, 0xFF];
    for seed in [
        THUNDERBIRD_MULTIGET,
        THUNDERBIRD_QUERY,
        APPLE_SYNC,
        DAVX5_SYNC,
        RFC_EXPAND,
    ] {
        let bytes = seed.as_bytes();
        for i in 0..bytes.len() {
            for b in NASTY {
                let mut m = bytes.to_vec();
                m[i] = b;
                let _ = parse_report(&m);
            }
        }
    }
}
