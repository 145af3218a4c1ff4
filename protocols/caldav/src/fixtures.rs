//! Calendar objects as real clients write them, and the RFC 4791
//! Appendix B collection, shared by the tests.

/// VTIMEZONE as Thunderbird and Apple write it.
const BERLIN: &str = "BEGIN:VTIMEZONE\r
TZID:Europe/Berlin\r
X-TZINFO:Europe/Berlin[2024a]\r
BEGIN:DAYLIGHT\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
TZNAME:CEST\r
DTSTART:19700329T020000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r
END:DAYLIGHT\r
BEGIN:STANDARD\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
TZNAME:CET\r
DTSTART:19701025T030000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r
END:STANDARD\r
END:VTIMEZONE\r
";

/// Wraps components in a Thunderbird-style VCALENDAR with the Berlin zone.
pub(crate) fn thunderbird(components: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nPRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\r\nVERSION:2.0\r\n{BERLIN}{components}END:VCALENDAR\r\n"
    )
}

/// Thunderbird (Lightning): meeting with attendee and a reminder.
pub(crate) fn thunderbird_event() -> String {
    thunderbird(
        "BEGIN:VEVENT\r
CREATED:20260102T101500Z\r
LAST-MODIFIED:20260102T101630Z\r
DTSTAMP:20260102T101630Z\r
UID:5b1d7a7e-3c1f-4f7e-9a55-2f0c2f9a1e11\r
SUMMARY:Projektbesprechung\r
ORGANIZER;CN=Anna Schmidt:mailto:anna.schmidt@example.com\r
ATTENDEE;RSVP=TRUE;CN=Bernd Maier;PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT:m\r
 ailto:bernd.maier@example.com\r
DTSTART;TZID=Europe/Berlin:20260112T100000\r
DTEND;TZID=Europe/Berlin:20260112T113000\r
LOCATION:Raum 3.14\r
DESCRIPTION:Agenda:\\nStatus\\, Planung\r
CLASS:PUBLIC\r
TRANSP:OPAQUE\r
SEQUENCE:0\r
X-MOZ-GENERATION:1\r
BEGIN:VALARM\r
ACTION:DISPLAY\r
TRIGGER;VALUE=DURATION:-PT15M\r
DESCRIPTION:Default Mozilla Description\r
END:VALARM\r
END:VEVENT\r
",
    )
}

/// Apple Calendar (macOS): X-APPLE properties, structured location, alarm
/// with its own UID.
pub(crate) const APPLE_EVENT: &str = "BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Apple Inc.//macOS 14.2.1//EN\r
CALSCALE:GREGORIAN\r
BEGIN:VTIMEZONE\r
TZID:Europe/Vienna\r
BEGIN:DAYLIGHT\r
TZOFFSETFROM:+0100\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
DTSTART:19810329T020000\r
TZNAME:MESZ\r
TZOFFSETTO:+0200\r
END:DAYLIGHT\r
BEGIN:STANDARD\r
TZOFFSETFROM:+0200\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
DTSTART:19961027T030000\r
TZNAME:MEZ\r
TZOFFSETTO:+0100\r
END:STANDARD\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
TRANSP:OPAQUE\r
DTEND;TZID=Europe/Vienna:20260114T153000\r
X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC\r
UID:8A3F2C1B-5D6E-4F70-8192-A3B4C5D6E7F8\r
DTSTAMP:20260110T083012Z\r
LOCATION:Café Central\\nHerrengasse 14\\, 1010 Wien\r
X-APPLE-STRUCTURED-LOCATION;VALUE=URI;X-APPLE-MAPKIT-HANDLE=CAESvAEIr;X-APP\r
 LE-RADIUS=70.58;X-TITLE=\"Café Central\\nHerrengasse 14, 1010 Wien\":geo:48.2\r
 10379,16.365499\r
SEQUENCE:1\r
X-APPLE-CREATOR-IDENTITY:com.apple.calendar\r
SUMMARY:Kaffee mit Lisa\r
LAST-MODIFIED:20260110T083012Z\r
CREATED:20260110T082955Z\r
DTSTART;TZID=Europe/Vienna:20260114T143000\r
X-APPLE-CREATOR-TEAM-IDENTITY:0000000000\r
BEGIN:VALARM\r
X-WR-ALARMUID:0E5B2B2E-7C1C-4D61-9B8B-5E6F9B8D2A11\r
UID:0E5B2B2E-7C1C-4D61-9B8B-5E6F9B8D2A11\r
TRIGGER:-PT30M\r
ATTACH;VALUE=URI:Chord\r
ACTION:AUDIO\r
X-APPLE-DEFAULT-ALARM:TRUE\r
END:VALARM\r
END:VEVENT\r
END:VCALENDAR\r
";

/// Outlook through CalDav Synchronizer: Windows zone name, quoted TZID,
/// SCHEDULE-AGENT=CLIENT, X-MICROSOFT properties.
pub(crate) const OUTLOOK_EVENT: &str = "BEGIN:VCALENDAR\r
PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r
VERSION:2.0\r
BEGIN:VTIMEZONE\r
TZID:W. Europe Standard Time\r
BEGIN:STANDARD\r
DTSTART:16011028T030000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
END:STANDARD\r
BEGIN:DAYLIGHT\r
DTSTART:16010325T020000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
END:DAYLIGHT\r
END:VTIMEZONE\r
BEGIN:VEVENT\r
ATTENDEE;CN=\"Carla Weber\";RSVP=TRUE;PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT\r
 ;SCHEDULE-AGENT=CLIENT:mailto:carla.weber@example.com\r
CLASS:PUBLIC\r
CREATED:20260105T071200Z\r
DESCRIPTION:Quartalszahlen besprechen\\n\r
DTEND;TZID=\"W. Europe Standard Time\":20260720T100000\r
DTSTAMP:20260105T071200Z\r
DTSTART;TZID=\"W. Europe Standard Time\":20260720T090000\r
LAST-MODIFIED:20260105T071200Z\r
LOCATION:Besprechungsraum Nord\r
ORGANIZER;CN=\"Dieter Koch\";SCHEDULE-AGENT=CLIENT:mailto:dieter.koch@example.com\r
PRIORITY:5\r
SEQUENCE:0\r
SUMMARY;LANGUAGE=de-de:Quartalsplanung\r
TRANSP:OPAQUE\r
UID:040000008200E00074C5B7101A82E00800000000B0A3B8A1F37EDC01000000000000000010\r
 000000\r
X-MICROSOFT-CDO-BUSYSTATUS:BUSY\r
X-MICROSOFT-CDO-IMPORTANCE:1\r
X-MICROSOFT-DISALLOW-COUNTER:FALSE\r
BEGIN:VALARM\r
TRIGGER:-PT15M\r
ACTION:DISPLAY\r
DESCRIPTION:Reminder\r
END:VALARM\r
END:VEVENT\r
END:VCALENDAR\r
";

/// A five-day all-day absence.
pub(crate) fn all_day_absence() -> String {
    thunderbird(
        "BEGIN:VEVENT\r
UID:allday-1@example.com\r
DTSTAMP:20260101T000000Z\r
DTSTART;VALUE=DATE:20260216\r
DTEND;VALUE=DATE:20260221\r
SUMMARY:Urlaub\r
CATEGORIES:Out of office\r
TRANSP:OPAQUE\r
END:VEVENT\r
",
    )
}

/// Every Monday 09:00–09:30 Berlin, ten times from 2026-01-05; the 12th is
/// excluded, the 19th moved to Wednesday the 21st at 14:00.
pub(crate) fn weekly_with_exceptions() -> String {
    thunderbird(
        "BEGIN:VEVENT\r
UID:weekly-1@example.com\r
DTSTAMP:20260101T000000Z\r
DTSTART;TZID=Europe/Berlin:20260105T090000\r
DTEND;TZID=Europe/Berlin:20260105T093000\r
RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10\r
EXDATE;TZID=Europe/Berlin:20260112T090000\r
SUMMARY:Jour fixe\r
BEGIN:VALARM\r
ACTION:DISPLAY\r
TRIGGER:-PT10M\r
DESCRIPTION:Jour fixe\r
END:VALARM\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:weekly-1@example.com\r
DTSTAMP:20260101T000000Z\r
RECURRENCE-ID;TZID=Europe/Berlin:20260119T090000\r
DTSTART;TZID=Europe/Berlin:20260121T140000\r
DTEND;TZID=Europe/Berlin:20260121T143000\r
SEQUENCE:1\r
SUMMARY:Jour fixe (verschoben)\r
LOCATION:Raum 2\r
END:VEVENT\r
",
    )
}

/// Every Tuesday 08:00 Berlin since 2020, forever.
pub(crate) fn infinite_weekly() -> String {
    thunderbird(
        "BEGIN:VEVENT\r
UID:forever@example.com\r
DTSTAMP:20200101T000000Z\r
DTSTART;TZID=Europe/Berlin:20200107T080000\r
DURATION:PT1H\r
RRULE:FREQ=WEEKLY;BYDAY=TU\r
SUMMARY:Standup\r
END:VEVENT\r
",
    )
}

/// A VTODO with the given properties.
pub(crate) fn todo(props: &str) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VTODO\r\nUID:todo@example.com\r\nDTSTAMP:20260101T000000Z\r\n{props}END:VTODO\r\nEND:VCALENDAR\r\n"
    )
}

/// RFC 4791 Appendix B, `US/Eastern` VTIMEZONE.
const US_EASTERN: &str = "BEGIN:VTIMEZONE\r
LAST-MODIFIED:20040110T032845Z\r
TZID:US/Eastern\r
BEGIN:DAYLIGHT\r
DTSTART:20000404T020000\r
RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4\r
TZNAME:EDT\r
TZOFFSETFROM:-0500\r
TZOFFSETTO:-0400\r
END:DAYLIGHT\r
BEGIN:STANDARD\r
DTSTART:20001026T020000\r
RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r
TZNAME:EST\r
TZOFFSETFROM:-0400\r
TZOFFSETTO:-0500\r
END:STANDARD\r
END:VTIMEZONE\r
";

fn appendix(with_zone: bool, components: &str) -> String {
    let zone = if with_zone { US_EASTERN } else { "" };
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example Corp.//CalDAV Client//EN\r\n{zone}{components}END:VCALENDAR\r\n"
    )
}

/// The eight resources of RFC 4791 Appendix B, by name. Task #2 uses the
/// DUE of the §7.8.5 answer (the appendix's DATE contradicts it).
pub(crate) fn appendix_b() -> Vec<(&'static str, String)> {
    vec![
        (
            "abcd1",
            appendix(
                true,
                "BEGIN:VEVENT\r\nDTSTAMP:20060206T001102Z\r\nDTSTART;TZID=US/Eastern:20060102T100000\r\nDURATION:PT1H\r\nSUMMARY:Event #1\r\nDescription:Go Steelers!\r\nUID:74855313FA803DA593CD579A@example.com\r\nEND:VEVENT\r\n",
            ),
        ),
        (
            "abcd2",
            appendix(
                true,
                "BEGIN:VEVENT\r\nDTSTAMP:20060206T001121Z\r\nDTSTART;TZID=US/Eastern:20060102T120000\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY;COUNT=5\r\nSUMMARY:Event #2\r\nUID:00959BC664CA650E933C892C@example.com\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nDTSTAMP:20060206T001121Z\r\nDTSTART;TZID=US/Eastern:20060104T140000\r\nDURATION:PT1H\r\nRECURRENCE-ID;TZID=US/Eastern:20060104T120000\r\nSUMMARY:Event #2 bis\r\nUID:00959BC664CA650E933C892C@example.com\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nDTSTAMP:20060206T001121Z\r\nDTSTART;TZID=US/Eastern:20060106T140000\r\nDURATION:PT1H\r\nRECURRENCE-ID;TZID=US/Eastern:20060106T120000\r\nSUMMARY:Event #2 bis bis\r\nUID:00959BC664CA650E933C892C@example.com\r\nEND:VEVENT\r\n",
            ),
        ),
        (
            "abcd3",
            appendix(
                true,
                "BEGIN:VEVENT\r\nATTENDEE;PARTSTAT=ACCEPTED;ROLE=CHAIR:mailto:cyrus@example.com\r\nATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:lisa@example.com\r\nDTSTAMP:20060206T001220Z\r\nDTSTART;TZID=US/Eastern:20060104T100000\r\nDURATION:PT1H\r\nLAST-MODIFIED:20060206T001330Z\r\nORGANIZER:mailto:cyrus@example.com\r\nSEQUENCE:1\r\nSTATUS:TENTATIVE\r\nSUMMARY:Event #3\r\nUID:DC6C50A017428C5216A2F1CD@example.com\r\nX-ABC-GUID:E1CX5Dr-0007ym-Hz@example.com\r\nEND:VEVENT\r\n",
            ),
        ),
        (
            "abcd4",
            appendix(
                false,
                "BEGIN:VTODO\r\nDTSTAMP:20060205T235335Z\r\nDUE;VALUE=DATE:20060104\r\nSTATUS:NEEDS-ACTION\r\nSUMMARY:Task #1\r\nUID:DDDEEB7915FA61233B861457@example.com\r\nBEGIN:VALARM\r\nACTION:AUDIO\r\nTRIGGER;RELATED=START:-PT10M\r\nEND:VALARM\r\nEND:VTODO\r\n",
            ),
        ),
        (
            "abcd5",
            appendix(
                false,
                "BEGIN:VTODO\r\nDTSTAMP:20060205T235300Z\r\nDUE;TZID=US/Eastern:20060106T120000\r\nLAST-MODIFIED:20060205T235308Z\r\nSEQUENCE:1\r\nSTATUS:NEEDS-ACTION\r\nSUMMARY:Task #2\r\nUID:E10BA47467C5C69BB74E8720@example.com\r\nBEGIN:VALARM\r\nACTION:AUDIO\r\nTRIGGER;RELATED=START:-PT10M\r\nEND:VALARM\r\nEND:VTODO\r\n",
            ),
        ),
        (
            "abcd6",
            appendix(
                false,
                "BEGIN:VTODO\r\nCOMPLETED:20051223T122322Z\r\nDTSTAMP:20060205T235400Z\r\nDUE;VALUE=DATE:20051225\r\nLAST-MODIFIED:20060205T235308Z\r\nSEQUENCE:1\r\nSTATUS:COMPLETED\r\nSUMMARY:Task #3\r\nUID:E10BA47467C5C69BB74E8722@example.com\r\nEND:VTODO\r\n",
            ),
        ),
        (
            "abcd7",
            appendix(
                false,
                "BEGIN:VTODO\r\nDTSTAMP:20060205T235600Z\r\nDUE;VALUE=DATE:20060101\r\nLAST-MODIFIED:20060205T235308Z\r\nSEQUENCE:1\r\nSTATUS:CANCELLED\r\nSUMMARY:Task #4\r\nUID:E10BA47467C5C69BB74E8725@example.com\r\nEND:VTODO\r\n",
            ),
        ),
        (
            "abcd8",
            appendix(
                false,
                "BEGIN:VFREEBUSY\r\nORGANIZER;CN=\"Bernard Desruisseaux\":mailto:bernard@example.com\r\nUID:76ef34-54a3d2@example.com\r\nDTSTAMP:20050530T123421Z\r\nDTSTART:20060101T000000Z\r\nDTEND:20060108T000000Z\r\nFREEBUSY:20050531T230000Z/20050601T010000Z\r\nFREEBUSY;FBTYPE=BUSY-TENTATIVE:20060102T100000Z/20060102T120000Z\r\nFREEBUSY:20060103T100000Z/20060103T120000Z\r\nFREEBUSY:20060104T100000Z/20060104T120000Z\r\nFREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20060105T100000Z/20060105T120000Z\r\nFREEBUSY:20060106T100000Z/20060106T120000Z\r\nEND:VFREEBUSY\r\n",
            ),
        ),
    ]
}

/// Every sample, for tests that run over all of them.
pub(crate) fn all_samples() -> Vec<String> {
    let mut v = vec![
        thunderbird_event(),
        APPLE_EVENT.to_owned(),
        OUTLOOK_EVENT.to_owned(),
        all_day_absence(),
        weekly_with_exceptions(),
        infinite_weekly(),
        todo("DTSTART:20260105T090000Z\r\nDUE:20260106T090000Z\r\n"),
    ];
    v.extend(appendix_b().into_iter().map(|(_, text)| text));
    v
}
