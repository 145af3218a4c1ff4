//! Real CalDAV clients replayed over TCP: the request sequences of Thunderbird 128 (its CalDAV
//! provider in comm-central `calendar/providers/caldav`), the Outlook CalDav Synchronizer
//! add-in (`CalDavDataAccess.cs`, `WebDavDataAccess.cs`) and DAVx5 (dav4jvm), each with the
//! client's User-Agent, headers and request bodies as the client builds them, and the
//! iCalendar it writes (Lightning's libical output, Outlook's through DDay.iCal, ical4j's).
//! Every step asserts what the client relies on; objects must round-trip byte for byte.

mod common;

use common::{DAV, DavResponse, TestServer, multistatus, response_for};

const CALDAV: &str = "urn:ietf:params:xml:ns:caldav";
const CS: &str = "http://calendarserver.org/ns/";
const APPLE: &str = "http://apple.com/ns/ical/";

const ALICE: (&str, &str) = ("alice", "alice-pw");
const PRINCIPAL: &str = "/dav/principals/users/alice/";
const HOME: &str = "/dav/calendars/alice/";
const CAL: &str = "/dav/calendars/alice/calendar/";
const TASKS: &str = "/dav/calendars/alice/tasks/";

const THUNDERBIRD_UA: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Thunderbird/128.0";
const SYNCHRONIZER_UA: &str = "CalDavSynchronizer/4.4.2";
const DAVX5_UA: &str = "DAVx5/4.4.3.2-ose (dav4jvm; okhttp/4.12.0) Android/14";

/// Thunderbird's request bodies are `text/xml`; CalDav Synchronizer's (.NET `StringContent`)
/// and DAVx5's are `application/xml` with a charset.
const TB_XML: &str = "text/xml; charset=utf-8";
const NET_XML: &str = "application/xml; charset=utf-8";
const ICS: &str = "text/calendar; charset=utf-8";

async fn server() -> TestServer {
    let s = TestServer::start().await;
    s.add_user(ALICE.0, ALICE.1).await;
    s
}

/// One client: its User-Agent on every request, Basic credentials of alice.
struct Client<'a> {
    s: &'a TestServer,
    ua: &'static str,
}

struct Reply {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The ETag of a successful PUT (clients keep it for the next If-Match).
    fn etag(&self) -> String {
        let etag = self
            .header("etag")
            .unwrap_or_else(|| panic!("no ETag ({}): {}", self.status, self.body));
        assert!(
            etag.starts_with('"') && etag.ends_with('"') && etag.len() > 2,
            "a strong, quoted ETag: {etag}"
        );
        etag.to_owned()
    }

    fn multistatus(&self) -> Vec<DavResponse> {
        assert_eq!(self.status, 207, "{}", self.body);
        multistatus(&self.body)
    }

    /// The RFC 6578 `DAV:sync-token` of a sync-collection answer.
    fn sync_token(&self) -> String {
        let root = common::xml::parse(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body));
        root.child(DAV, "sync-token")
            .unwrap_or_else(|| panic!("no sync-token: {}", self.body))
            .text()
            .trim()
            .to_owned()
    }
}

impl Client<'_> {
    async fn send(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        let mut req = self
            .s
            .req_as(ALICE.0, ALICE.1, method, path)
            .header("User-Agent", self.ua);
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let resp = req
            .body(body.to_owned())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        Reply {
            status: resp.status().as_u16(),
            headers: resp.headers().clone(),
            body: resp.text().await.expect("body"),
        }
    }

    /// Sends the request, following a 301/302 with the same method, headers and body, as
    /// Thunderbird's channel redirect handler and CalDav Synchronizer's `WebDavClient` do.
    async fn send_following(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        let first = self.send(method, path, headers, body).await;
        if !matches!(first.status, 301 | 302) {
            return first;
        }
        let location = first.header("location").expect("redirect with Location").to_owned();
        self.send(method, &common::href_path(&location), headers, body).await
    }

    async fn get(&self, path: &str) -> Reply {
        self.send("GET", path, &[], "").await
    }
}

/// Folds a content line at 75 octets (RFC 5545 §3.1) without splitting a character.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out
}

/// An iCalendar object from unfolded content lines, folded and CRLF-terminated.
fn ics(lines: &[&str]) -> String {
    lines.iter().map(|l| fold(l) + "\r\n").collect()
}

/// The decoded paths of the responses, sorted.
fn paths(rs: &[DavResponse]) -> Vec<String> {
    let mut v: Vec<String> = rs.iter().map(|r| r.path.clone()).collect();
    v.sort();
    v
}

fn sorted(items: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = items.iter().map(|s| (*s).to_owned()).collect();
    v.sort();
    v
}

/// The hrefs inside a property (`calendar-home-set`, `current-user-principal`, …).
fn hrefs(r: &DavResponse, ns: &str, name: &str) -> Vec<String> {
    r.ok_prop(ns, name)
        .unwrap_or_else(|| panic!("{name} of {} not 200: {:?}", r.path, r.prop_status(ns, name)))
        .children_named(DAV, "href")
        .map(|h| h.text().trim().to_owned())
        .collect()
}

/// The privileges (`D:privilege/*` local names) of current-user-privilege-set.
fn privileges(r: &DavResponse) -> Vec<String> {
    r.ok_prop(DAV, "current-user-privilege-set")
        .unwrap_or_else(|| panic!("no current-user-privilege-set for {}", r.path))
        .children_named(DAV, "privilege")
        .flat_map(|p| p.elements().map(|e| e.name.clone()).collect::<Vec<_>>())
        .collect()
}

/// The exact text of calendar-data (no trimming: the bytes must be the stored ones).
fn calendar_data(r: &DavResponse) -> String {
    r.ok_prop(CALDAV, "calendar-data")
        .unwrap_or_else(|| panic!("no calendar-data for {}", r.path))
        .text()
}

fn etag_of(r: &DavResponse) -> String {
    r.ok_text(DAV, "getetag")
        .unwrap_or_else(|| panic!("no getetag for {}", r.path))
}

/// RFC 4918 §9.1: every property asked for comes back in exactly one propstat.
fn assert_all_answered(r: &DavResponse, props: &[(&str, &str)]) {
    for (ns, name) in props {
        let n = r
            .propstats
            .iter()
            .flat_map(|(_, ps)| ps.iter())
            .filter(|p| p.is(ns, name))
            .count();
        assert_eq!(n, 1, "{name} must be answered once for {}", r.path);
    }
}

// ---------------------------------------------------------------------------------------------
// Thunderbird 128
// ---------------------------------------------------------------------------------------------

/// A PROPFIND body as `CalDavPropfindRequest` builds it: the namespaces of the prefixes used,
/// `D` first, single-quoted, then the properties in the order asked.
fn tb_propfind_body(props: &[&str]) -> String {
    let ns = |prefix: &str| match prefix {
        "D" => "DAV:",
        "C" => CALDAV,
        "A" => APPLE,
        "CS" => CS,
        other => panic!("Thunderbird has no prefix {other}"),
    };
    let mut prefixes = vec!["D"];
    for p in props {
        let prefix = p.split(':').next().unwrap_or_default();
        if !prefixes.contains(&prefix) {
            prefixes.push(prefix);
        }
    }
    let xmlns: Vec<String> = prefixes.iter().map(|p| format!("xmlns:{p}='{}'", ns(p))).collect();
    let prop: String = props.iter().map(|p| format!("<{p}/>")).collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<D:propfind {}><D:prop>{prop}</D:prop></D:propfind>",
        xmlns.join(" ")
    )
}

/// The (namespace, name) pairs of Thunderbird's prefixed property names.
fn tb_names<'a>(props: &[&'a str]) -> Vec<(&'static str, &'a str)> {
    props
        .iter()
        .map(|p| {
            let (prefix, name) = p.split_once(':').unwrap_or_default();
            let ns = match prefix {
                "D" => DAV,
                "C" => CALDAV,
                "A" => APPLE,
                _ => CS,
            };
            (ns, name)
        })
        .collect()
}

impl Client<'_> {
    async fn tb_propfind(&self, path: &str, depth: &str, props: &[&str]) -> Reply {
        let headers = [("Depth", depth), ("Content-Type", TB_XML)];
        self.send_following("PROPFIND", path, &headers, &tb_propfind_body(props))
            .await
    }

    /// `CalDavWebDavSyncHandler.doWebDAVSync` (Thunderbird sends Depth 1 as well).
    async fn tb_sync(&self, token: Option<&str>) -> Reply {
        let token = token.map_or("<sync-token/>".to_owned(), |t| format!("<sync-token>{t}</sync-token>"));
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sync-collection xmlns=\"DAV:\">{token}<sync-level>1</sync-level><prop><getcontenttype/><getetag/></prop></sync-collection>"
        );
        self.send("REPORT", CAL, &[("Depth", "1"), ("Content-Type", TB_XML)], &body)
            .await
    }
}

/// The detection PROPFIND of `CalDavDetector.detectCollection`.
const TB_DETECT: [&str; 7] = [
    "D:resourcetype",
    "D:owner",
    "D:displayname",
    "D:current-user-principal",
    "D:current-user-privilege-set",
    "A:calendar-color",
    "C:calendar-home-set",
];

/// Europe/Berlin as Thunderbird 128 writes it.
const TB_BERLIN: [&str; 18] = [
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Berlin",
    "X-TZINFO:Europe/Berlin[2024a]",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
    "END:STANDARD",
    "END:VTIMEZONE",
];

/// A Lightning event: Berlin zone, rich-text description (ALTREP data URL), X-MOZ-GENERATION
/// and the default reminder.
fn lightning_event(generation: u32, modified: &str, summary: &str, description: &str) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR",
        "PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN",
        "VERSION:2.0",
    ];
    lines.extend(TB_BERLIN);
    let last_modified = format!("LAST-MODIFIED:{modified}");
    let dtstamp = format!("DTSTAMP:{modified}");
    let summary = format!("SUMMARY:{summary}");
    let generation = format!("X-MOZ-GENERATION:{generation}");
    let html: String = description
        .chars()
        .map(|c| match c {
            ' ' => "%20".to_owned(),
            ',' => "%2C".to_owned(),
            ':' => "%3A".to_owned(),
            'ä' => "%C3%A4".to_owned(),
            'ü' => "%C3%BC".to_owned(),
            c => c.to_string(),
        })
        .collect();
    let description = format!(
        "DESCRIPTION;ALTREP=\"data:text/html,%3Cbody%3E{html}%3C%2Fbody%3E\":{}",
        description.replace(',', "\\,")
    );
    lines.extend([
        "BEGIN:VEVENT",
        "CREATED:20260302T081512Z",
        last_modified.as_str(),
        dtstamp.as_str(),
        "UID:3c5f8a2e-1d4b-4e6f-9a7c-2b8d0e1f4a93",
        summary.as_str(),
        "DTSTART;TZID=Europe/Berlin:20260310T140000",
        "DTEND;TZID=Europe/Berlin:20260310T153000",
        "TRANSP:OPAQUE",
        "LOCATION:Raum 3.14",
        generation.as_str(),
        description.as_str(),
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER;VALUE=DURATION:-PT15M",
        "DESCRIPTION:Default Mozilla Description",
        "END:VALARM",
        "END:VEVENT",
        "END:VCALENDAR",
    ]);
    ics(&lines)
}

/// Events another device (an iPhone) put into the calendar before Thunderbird connects.
fn seed_events() -> [(&'static str, String); 2] {
    [
        (
            "8A3F2C1B-5D6E-4F70-8192-A3B4C5D6E7F8.ics",
            ics(&[
                "BEGIN:VCALENDAR",
                "VERSION:2.0",
                "PRODID:-//Apple Inc.//iOS 17.5//EN",
                "CALSCALE:GREGORIAN",
                "BEGIN:VEVENT",
                "DTSTART;VALUE=DATE:20260305",
                "DTEND;VALUE=DATE:20260306",
                "DTSTAMP:20260301T090000Z",
                "UID:8A3F2C1B-5D6E-4F70-8192-A3B4C5D6E7F8",
                "SUMMARY:Geburtstag Lisa",
                "TRANSP:TRANSPARENT",
                "END:VEVENT",
                "END:VCALENDAR",
            ]),
        ),
        (
            "b7e1c9d0-2f3a-4b5c-8d6e-7f8091a2b3c4.ics",
            ics(&[
                "BEGIN:VCALENDAR",
                "VERSION:2.0",
                "PRODID:-//Apple Inc.//iOS 17.5//EN",
                "BEGIN:VEVENT",
                "UID:b7e1c9d0-2f3a-4b5c-8d6e-7f8091a2b3c4",
                "DTSTAMP:20260301T090000Z",
                "DTSTART:20260309T070000Z",
                "DTEND:20260309T073000Z",
                "RRULE:FREQ=DAILY;COUNT=5",
                "SUMMARY:Standup",
                "END:VEVENT",
                "END:VCALENDAR",
            ]),
        ),
    ]
}

#[tokio::test]
async fn thunderbird_discovery_and_first_sync() {
    let s = server().await;
    let seeds = seed_events();
    for (name, body) in &seeds {
        let r = Client {
            s: &s,
            ua: "iOS/17.5 (21F79) dataaccessd/1.0",
        }
        .send(
            "PUT",
            &format!("{CAL}{name}"),
            &[("Content-Type", ICS), ("If-None-Match", "*")],
            body,
        )
        .await;
        assert_eq!(r.status, 201, "{name}: {}", r.body);
    }
    let tb = Client {
        s: &s,
        ua: THUNDERBIRD_UA,
    };

    // The new-calendar dialog with the server root as location: .well-known first (301 to
    // /dav/, followed), then the root itself (`attemptRoot`). Both name the principal.
    let wk = tb
        .send(
            "PROPFIND",
            "/.well-known/caldav",
            &[("Depth", "0"), ("Content-Type", TB_XML)],
            &tb_propfind_body(&TB_DETECT),
        )
        .await;
    assert_eq!(wk.status, 301, "{}", wk.body);
    assert_eq!(wk.header("location"), Some("/dav/"));
    for (path, href) in [("/.well-known/caldav", "/dav/"), ("/", "/")] {
        let r = tb.tb_propfind(path, "0", &TB_DETECT).await;
        let rs = r.multistatus();
        assert_eq!(rs.len(), 1, "{}", r.body);
        let root = &rs[0];
        assert_eq!(root.path, href, "{}", r.body);
        assert_all_answered(root, &tb_names(&TB_DETECT));
        let rt = root.ok_prop(DAV, "resourcetype").expect("resourcetype");
        assert!(rt.child(DAV, "collection").is_some() && rt.child(CALDAV, "calendar").is_none());
        // No home set here (it is a principal property), so Thunderbird follows the principal.
        assert_eq!(root.prop_status(CALDAV, "calendar-home-set"), Some(404), "{}", r.body);
        assert_eq!(hrefs(root, DAV, "current-user-principal"), [PRINCIPAL]);
    }

    // handlePrincipal, then handleHomeSet (Depth 1).
    let r = tb.tb_propfind(PRINCIPAL, "0", &["C:calendar-home-set"]).await;
    assert_eq!(hrefs(&r.multistatus()[0], CALDAV, "calendar-home-set"), [HOME]);
    let home_props = [
        "D:resourcetype",
        "D:displayname",
        "D:current-user-privilege-set",
        "A:calendar-color",
    ];
    let r = tb.tb_propfind(HOME, "1", &home_props).await;
    let rs = r.multistatus();
    let calendars: Vec<&DavResponse> = rs
        .iter()
        .filter(|r| {
            r.ok_prop(DAV, "resourcetype")
                .is_some_and(|rt| rt.child(CALDAV, "calendar").is_some())
        })
        .collect();
    let mut calendar_paths: Vec<String> = calendars.iter().map(|c| c.path.clone()).collect();
    calendar_paths.sort();
    assert_eq!(calendar_paths, sorted(&[CAL, TASKS]), "{}", r.body);
    for (path, name) in [(CAL, "Calendar"), (TASKS, "Tasks")] {
        let c = response_for(&rs, path).expect("calendar listed");
        assert_all_answered(c, &tb_names(&home_props));
        assert_eq!(c.ok_text(DAV, "displayname").as_deref(), Some(name));
        // Thunderbird makes the calendar read-only unless one of these is granted.
        let privs = privileges(c);
        assert!(
            ["write", "write-content", "write-properties", "all"]
                .iter()
                .any(|p| privs.iter().any(|q| q == p)),
            "{path}: {privs:?}"
        );
    }

    // First refresh of the new calendar: checkDavResourceType.
    let check_props = [
        "D:resourcetype",
        "D:owner",
        "D:current-user-principal",
        "D:current-user-privilege-set",
        "D:supported-report-set",
        "C:supported-calendar-component-set",
        "CS:getctag",
    ];
    let r = tb.tb_propfind(CAL, "0", &check_props).await;
    let rs = r.multistatus();
    assert_eq!(rs.len(), 1, "{}", r.body);
    let c = &rs[0];
    assert_all_answered(c, &tb_names(&check_props));
    let rt = c.ok_prop(DAV, "resourcetype").expect("resourcetype");
    assert!(rt.child(DAV, "collection").is_some() && rt.child(CALDAV, "calendar").is_some());
    assert_eq!(hrefs(c, DAV, "owner"), [PRINCIPAL]);
    assert_eq!(hrefs(c, DAV, "current-user-principal"), [PRINCIPAL]);
    let reports: Vec<(String, String)> = c
        .ok_prop(DAV, "supported-report-set")
        .expect("supported-report-set")
        .descendants(DAV, "report")
        .iter()
        .flat_map(|rep| {
            rep.elements()
                .map(|e| (e.ns.clone(), e.name.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    for (ns, name) in [
        (DAV, "sync-collection"),
        (CALDAV, "calendar-multiget"),
        (CALDAV, "calendar-query"),
    ] {
        assert!(
            reports.contains(&(ns.to_owned(), name.to_owned())),
            "{name}: {reports:?}"
        );
    }
    let comps: Vec<&str> = c
        .ok_prop(CALDAV, "supported-calendar-component-set")
        .expect("component set")
        .children_named(CALDAV, "comp")
        .filter_map(|e| e.attr("name"))
        .collect();
    assert_eq!(comps, ["VEVENT"]);
    let ctag0 = c.ok_text(CS, "getctag").expect("getctag");
    assert!(!ctag0.is_empty());

    // checkServerCaps: OPTIONS on the home; no scheduling advertised means no inbox polling.
    let r = tb.send("OPTIONS", HOME, &[], "").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let dav = r.header("dav").expect("DAV header").to_owned();
    let features: Vec<&str> = dav.split(',').map(str::trim).collect();
    assert!(features.contains(&"calendar-access"), "{dav}");
    let scheduling = features.contains(&"calendar-auto-schedule") || features.contains(&"calendar-schedule");

    // checkPrincipalsNameSpace (sent when the server schedules; Lightning before 2.x always
    // sent it): the home, the user's addresses and the scheduling boxes.
    let ns_props = [
        "C:calendar-home-set",
        "C:calendar-user-address-set",
        "C:schedule-inbox-URL",
        "C:schedule-outbox-URL",
    ];
    let r = tb.tb_propfind(PRINCIPAL, "0", &ns_props).await;
    let p = &r.multistatus()[0];
    assert_all_answered(p, &tb_names(&ns_props));
    assert_eq!(hrefs(p, CALDAV, "calendar-home-set"), [HOME]);
    let addresses = hrefs(p, CALDAV, "calendar-user-address-set");
    assert_eq!(
        addresses
            .iter()
            .find(|a| a.to_ascii_lowercase().starts_with("mailto:"))
            .map(String::as_str),
        Some("mailto:alice@example.test"),
        "{addresses:?}"
    );
    // The boxes exist (internal delivery and outbox free-busy work); the DAV header claims
    // calendar-auto-schedule only once mail to outside guests works too, since Thunderbird then
    // stops sending invitations itself (issue 12), so for now it still mails them.
    assert!(!scheduling, "no auto-schedule before iMIP: {dav}");
    for boxname in ["schedule-inbox-URL", "schedule-outbox-URL"] {
        assert_eq!(p.prop_status(CALDAV, boxname), Some(200), "{boxname}: {}", r.body);
    }

    // First sync: sync-collection is advertised, so Thunderbird 128 uses it.
    let r = tb.tb_sync(None).await;
    let rs = r.multistatus();
    let seed_paths: Vec<String> = seeds.iter().map(|(n, _)| format!("{CAL}{n}")).collect();
    assert_eq!(
        paths(&rs),
        sorted(&seed_paths.iter().map(String::as_str).collect::<Vec<_>>())
    );
    for item in &rs {
        let ctype = item.ok_text(DAV, "getcontenttype").expect("getcontenttype");
        assert!(ctype.starts_with("text/calendar"), "{ctype}");
    }
    let token0 = r.sync_token();
    let sync_etags: Vec<(String, String)> = rs.iter().map(|r| (r.path.clone(), etag_of(r))).collect();

    // Without sync Thunderbird lists ETags with a Depth 1 PROPFIND (CalDavEtagsHandler); the
    // same ETags.
    let r = tb
        .send(
            "PROPFIND",
            CAL,
            &[("Depth", "1"), ("Content-Type", TB_XML)],
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<D:propfind xmlns:D=\"DAV:\"><D:prop><D:getcontenttype/><D:resourcetype/><D:getetag/></D:prop></D:propfind>",
        )
        .await;
    let rs = r.multistatus();
    assert!(
        response_for(&rs, CAL).is_some_and(DavResponse::is_collection),
        "{}",
        r.body
    );
    for (path, etag) in &sync_etags {
        let item = response_for(&rs, path).unwrap_or_else(|| panic!("{path} not listed: {}", r.body));
        assert!(!item.is_collection());
        assert_eq!(&etag_of(item), etag);
        assert!(
            item.ok_text(DAV, "getcontenttype")
                .is_some_and(|t| t.starts_with("text/calendar"))
        );
    }

    // calendar-multiget of what is new: the stored bytes, exactly.
    let multiget_hrefs: String = rs
        .iter()
        .filter(|r| !r.is_collection())
        .map(|r| format!("<D:href>{}</D:href>", r.href))
        .collect();
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<C:calendar-multiget xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:prop><D:getetag/><C:calendar-data/></D:prop>{multiget_hrefs}</C:calendar-multiget>"
    );
    let r = tb
        .send("REPORT", CAL, &[("Depth", "1"), ("Content-Type", TB_XML)], &body)
        .await;
    let rs = r.multistatus();
    assert_eq!(rs.len(), seeds.len(), "{}", r.body);
    for ((name, bytes), (_, etag)) in seeds.iter().zip(&sync_etags) {
        let item = response_for(&rs, &format!("{CAL}{name}")).expect("multiget answer");
        assert_eq!(calendar_data(item), *bytes, "{name} byte for byte");
        assert_eq!(&etag_of(item), etag);
    }

    // A new event (CalDavItemRequest with If-None-Match: *).
    let path = format!("{CAL}3c5f8a2e-1d4b-4e6f-9a7c-2b8d0e1f4a93.ics");
    let created = lightning_event(
        1,
        "20260302T081544Z",
        "Quartalsgespräch mit dem Vertrieb",
        "Agenda: Zahlen, Ausblick und Planung für das zweite Quartal",
    );
    let r = tb
        .send("PUT", &path, &[("Content-Type", ICS), ("If-None-Match", "*")], &created)
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let etag1 = r.etag();
    let got = tb.get(&path).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body, created, "stored byte for byte");
    assert_eq!(got.header("etag"), Some(etag1.as_str()));
    assert!(
        got.header("content-type")
            .is_some_and(|t| t.starts_with("text/calendar"))
    );

    // The next refresh: the delta holds exactly the new event, with the PUT's ETag.
    let r = tb.tb_sync(Some(&token0)).await;
    let rs = r.multistatus();
    assert_eq!(paths(&rs), [path.as_str()], "{}", r.body);
    assert_eq!(etag_of(&rs[0]), etag1);
    let token1 = r.sync_token();
    assert_ne!(token1, token0);
    let r = tb.tb_propfind(CAL, "0", &["CS:getctag"]).await;
    assert_ne!(
        r.multistatus()[0].ok_text(CS, "getctag"),
        Some(ctag0),
        "getctag follows changes"
    );

    // Edit (If-Match), a stale edit (412, nothing changes), delete (If-Match).
    let edited = lightning_event(
        2,
        "20260303T121002Z",
        "Quartalsgespräch mit dem Vertrieb (verschoben)",
        "Agenda: Zahlen, Ausblick, Planung und Budget",
    );
    let r = tb
        .send("PUT", &path, &[("Content-Type", ICS), ("If-Match", &etag1)], &edited)
        .await;
    assert_eq!(r.status, 204, "replacing is 204 (or 200), never 201: {}", r.body);
    let etag2 = r.etag();
    assert_ne!(etag2, etag1);
    let r = tb
        .send("PUT", &path, &[("Content-Type", ICS), ("If-Match", &etag1)], &created)
        .await;
    assert_eq!(r.status, 412, "{}", r.body);
    let got = tb.get(&path).await;
    assert_eq!(got.body, edited, "stored byte for byte");
    assert_eq!(got.header("etag"), Some(etag2.as_str()));

    let r = tb.send("DELETE", &path, &[("If-Match", &etag1)], "").await;
    assert_eq!(r.status, 412, "{}", r.body);
    let r = tb.send("DELETE", &path, &[("If-Match", &etag2)], "").await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(tb.get(&path).await.status, 404);

    // The refresh after: the event is gone (404 in the delta), the rest untouched.
    let r = tb.tb_sync(Some(&token1)).await;
    let rs = r.multistatus();
    assert_eq!(paths(&rs), [path.as_str()], "{}", r.body);
    assert_eq!(rs[0].status, Some(404), "{}", r.body);
    assert!(rs[0].propstats.is_empty());
    s.shutdown().await;
}

/// RFC 4918 §15.5: DAV:getcontenttype is the Content-Type a GET returns, whichever PROPFIND
/// (a Depth 1 listing, Depth 0 on the object, a REPORT) asks for it.
#[tokio::test]
async fn getcontenttype_is_the_get_content_type() {
    let s = server().await;
    let tb = Client {
        s: &s,
        ua: THUNDERBIRD_UA,
    };
    let seeds = seed_events();
    let (name, body) = &seeds[1];
    let path = format!("{CAL}{name}");
    let r = tb.send("PUT", &path, &[("Content-Type", ICS)], body).await;
    assert_eq!(r.status, 201);
    let get = tb.get(&path).await;
    let get_type = get.header("content-type").expect("GET Content-Type").to_owned();

    let r = tb.tb_propfind(CAL, "1", &["D:getcontenttype", "D:getetag"]).await;
    let listed = response_for(&r.multistatus(), &path)
        .and_then(|i| i.ok_text(DAV, "getcontenttype"))
        .expect("listed");
    let r = tb.tb_propfind(&path, "0", &["D:getcontenttype"]).await;
    let single = r.multistatus()[0].ok_text(DAV, "getcontenttype").expect("Depth 0");
    let r = tb.tb_sync(None).await;
    let synced = response_for(&r.multistatus(), &path)
        .and_then(|i| i.ok_text(DAV, "getcontenttype"))
        .expect("synced");
    assert_eq!(single, get_type, "PROPFIND Depth 0 on the object");
    assert_eq!(synced, get_type, "sync-collection");
    assert_eq!(listed, get_type, "PROPFIND Depth 1 listing of the calendar");
    s.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Outlook through CalDav Synchronizer
// ---------------------------------------------------------------------------------------------

/// `CalDavDataAccess.GetVersions`: a calendar-query for ETags, optionally in the sync range
/// (`yyyyMMddTHHmmssZ`). The body keeps the C# verbatim string's line breaks and indentation.
fn synchronizer_query(component: &str, range: Option<(&str, &str)>) -> String {
    let range = range.map_or(String::new(), |(start, end)| {
        format!("<C:time-range start=\"{start}\" end=\"{end}\"/>")
    });
    format!(
        "<?xml version=\"1.0\"?>\r\n                    <C:calendar-query xmlns:C=\"urn:ietf:params:xml:ns:caldav\">\r\n                        <D:prop xmlns:D=\"DAV:\">\r\n                            <D:getetag/>\r\n                        </D:prop>\r\n                        <C:filter>\r\n                            <C:comp-filter name=\"VCALENDAR\">\r\n                                <C:comp-filter name=\"{component}\">\r\n                                  {range}\r\n                                </C:comp-filter>\r\n                            </C:comp-filter>\r\n                        </C:filter>\r\n                    </C:calendar-query>\r\n                    "
    )
}

/// `CalDavDataAccess.GetEntities`: calendar-multiget of the changed hrefs.
fn synchronizer_multiget(hrefs: &[&str]) -> String {
    let hrefs: Vec<String> = hrefs.iter().map(|h| format!("<D:href>{h}</D:href>")).collect();
    format!(
        "<?xml version=\"1.0\"?>\r\n\t\t\t                    <C:calendar-multiget xmlns:C=\"urn:ietf:params:xml:ns:caldav\" xmlns:D=\"DAV:\">\r\n\t\t\t                        <D:prop>\r\n\t\t\t                            <D:getetag/>\r\n\t\t\t                            <D:displayname/>\r\n\t\t\t                            <C:calendar-data/>\r\n\t\t\t                        </D:prop>\r\n                                        {}\r\n                                    </C:calendar-multiget>",
        hrefs.join("\r\n")
    )
}

/// A `WebDavDataAccess` PROPFIND body with the given property elements.
fn synchronizer_propfind(namespaces: &str, props: &str) -> String {
    format!(
        "<?xml version='1.0'?>\r\n                        <D:propfind xmlns:D=\"DAV:\"{namespaces}>\r\n                          <D:prop>\r\n{props}\r\n                          </D:prop>\r\n                        </D:propfind>\r\n                 "
    )
}

impl Client<'_> {
    async fn synchronizer_report(&self, collection: &str, body: &str) -> Reply {
        self.send("REPORT", collection, &[("Depth", "1"), ("Content-Type", NET_XML)], body)
            .await
    }

    /// The (href, ETag) pairs a Synchronizer calendar-query yields, the collection excluded.
    async fn versions(&self, collection: &str, component: &str, range: Option<(&str, &str)>) -> Vec<(String, String)> {
        let r = self
            .synchronizer_report(collection, &synchronizer_query(component, range))
            .await;
        let mut v: Vec<(String, String)> = r
            .multistatus()
            .iter()
            .filter(|i| i.path != collection)
            .map(|i| (i.path.clone(), etag_of(i)))
            .collect();
        v.sort();
        v
    }
}

/// "W. Europe Standard Time" as Outlook exports it through DDay.iCal (unquoted TZID with
/// spaces, BYHOUR/BYMINUTE, German TZNAMEs).
const OUTLOOK_ZONE: [&str; 17] = [
    "BEGIN:VTIMEZONE",
    "TZID:W. Europe Standard Time",
    "BEGIN:STANDARD",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYHOUR=3;BYMINUTE=0;BYMONTH=10",
    "TZNAME:Mitteleuropäische Zeit",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "END:STANDARD",
    "BEGIN:DAYLIGHT",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYHOUR=2;BYMINUTE=0;BYMONTH=3",
    "TZNAME:Mitteleuropäische Sommerzeit",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "END:DAYLIGHT",
    "END:VTIMEZONE",
];

const OUTLOOK_UID: &str = "6f0b9d2c-8e4a-4c7b-b1d3-5a2e9f7c0d18";

/// An Outlook meeting as CalDav Synchronizer writes it (DDay.iCal: properties sorted, the
/// organizer and attendees with SCHEDULE-AGENT=CLIENT, X-MICROSOFT-CDO-BUSYSTATUS). With
/// `series`, Mondays 09:00 from 2 March 2026, six times, the 23rd excluded and the 16th moved
/// to Tuesday 17th 14:00.
fn outlook_meeting(series: bool) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//ddaysoftware.com//NONSGML DDay.iCal 1.0//EN",
    ];
    lines.extend(OUTLOOK_ZONE);
    lines.push("BEGIN:VEVENT");
    let attendees = [
        "ATTENDEE;CN=\"Weber, Carla\";PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT;RSVP=TRUE;SCHEDULE-AGENT=CLIENT:mailto:carla.weber@example.test",
        "ATTENDEE;CN=\"Koch, Dieter\";PARTSTAT=ACCEPTED;ROLE=OPT-PARTICIPANT;SCHEDULE-AGENT=CLIENT:mailto:dieter.koch@example.test",
    ];
    lines.extend(attendees);
    lines.extend([
        "CLASS:PUBLIC",
        "DESCRIPTION:Wöchentliche Abstimmung\\, bitte Zahlen mitbringen.\\n",
        "DTEND;TZID=W. Europe Standard Time:20260302T100000",
        if series {
            "DTSTAMP:20260301T101500Z"
        } else {
            "DTSTAMP:20260227T164200Z"
        },
        "DTSTART;TZID=W. Europe Standard Time:20260302T090000",
    ]);
    if series {
        lines.push("EXDATE;TZID=W. Europe Standard Time:20260323T090000");
    }
    lines.extend([
        "LOCATION:Besprechungsraum Nord",
        "ORGANIZER;CN=\"Alice Example\";SCHEDULE-AGENT=CLIENT:mailto:alice@example.test",
        "PRIORITY:5",
    ]);
    if series {
        lines.push("RRULE:FREQ=WEEKLY;COUNT=6;BYDAY=MO");
    }
    lines.extend([
        if series { "SEQUENCE:1" } else { "SEQUENCE:0" },
        "SUMMARY:Teamrunde",
        "TRANSP:OPAQUE",
    ]);
    let uid = format!("UID:{OUTLOOK_UID}");
    lines.push(&uid);
    lines.extend([
        "X-MICROSOFT-CDO-BUSYSTATUS:BUSY",
        "X-MICROSOFT-CDO-IMPORTANCE:1",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "DESCRIPTION:This is an event reminder",
        "TRIGGER:-PT15M",
        "END:VALARM",
        "END:VEVENT",
    ]);
    if series {
        lines.push("BEGIN:VEVENT");
        lines.extend(attendees);
        lines.extend([
            "CLASS:PUBLIC",
            "DESCRIPTION:Diesmal am Dienstag.\\n",
            "DTEND;TZID=W. Europe Standard Time:20260317T150000",
            "DTSTAMP:20260301T101500Z",
            "DTSTART;TZID=W. Europe Standard Time:20260317T140000",
            "LOCATION:Besprechungsraum Süd",
            "ORGANIZER;CN=\"Alice Example\";SCHEDULE-AGENT=CLIENT:mailto:alice@example.test",
            "PRIORITY:5",
            "RECURRENCE-ID;TZID=W. Europe Standard Time:20260316T090000",
            "SEQUENCE:1",
            "SUMMARY:Teamrunde (verschoben)",
            "TRANSP:OPAQUE",
            &uid,
            "X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE",
            "X-MICROSOFT-CDO-IMPORTANCE:1",
            "END:VEVENT",
        ]);
    }
    lines.push("END:VCALENDAR");
    ics(&lines)
}

#[tokio::test]
async fn outlook_caldav_synchronizer_event_sync() {
    let s = server().await;
    let outlook = Client {
        s: &s,
        ua: SYNCHRONIZER_UA,
    };
    let tb = Client {
        s: &s,
        ua: THUNDERBIRD_UA,
    };

    // "Discover resources": .well-known (301 followed with the same PROPFIND), the principal,
    // the home's calendars, each sorted into calendars and task lists by its component set.
    let cup = synchronizer_propfind(
        "",
        "                            <D:current-user-principal/>\r\n                            <D:principal-URL/>\r\n                            <D:resourcetype/>",
    );
    let r = outlook
        .send_following(
            "PROPFIND",
            "/.well-known/caldav",
            &[("Depth", "0"), ("Content-Type", NET_XML)],
            &cup,
        )
        .await;
    let principal = hrefs(&r.multistatus()[0], DAV, "current-user-principal");
    assert_eq!(principal, [PRINCIPAL]);
    let body = synchronizer_propfind(
        " xmlns:C=\"urn:ietf:params:xml:ns:caldav\"",
        "                            <C:calendar-home-set/>\r\n                            <C:schedule-default-calendar-URL/>",
    );
    let r = outlook
        .send(
            "PROPFIND",
            PRINCIPAL,
            &[("Depth", "0"), ("Content-Type", NET_XML)],
            &body,
        )
        .await;
    let p = &r.multistatus()[0];
    assert_eq!(hrefs(p, CALDAV, "calendar-home-set"), [HOME]);
    assert_all_answered(
        p,
        &[(CALDAV, "calendar-home-set"), (CALDAV, "schedule-default-calendar-URL")],
    );
    let body = synchronizer_propfind(
        " xmlns:C=\"urn:ietf:params:xml:ns:caldav\" xmlns:E=\"http://apple.com/ns/ical/\"",
        "                              <D:resourcetype />\r\n                              <D:displayname />\r\n                              <E:calendar-color />\r\n                              <C:supported-calendar-component-set />",
    );
    let r = outlook
        .send("PROPFIND", HOME, &[("Depth", "1"), ("Content-Type", NET_XML)], &body)
        .await;
    let rs = r.multistatus();
    let mut event_lists = Vec::new();
    let mut task_lists = Vec::new();
    for c in rs.iter().filter(|c| {
        c.ok_prop(DAV, "resourcetype")
            .is_some_and(|rt| rt.child(CALDAV, "calendar").is_some())
    }) {
        assert!(
            c.ok_prop(DAV, "displayname").is_some(),
            "the add-in skips calendars without a displayname"
        );
        let set = c
            .ok_prop(CALDAV, "supported-calendar-component-set")
            .expect("component set");
        let names: Vec<&str> = set
            .children_named(CALDAV, "comp")
            .filter_map(|e| e.attr("name"))
            .collect();
        if names.contains(&"VEVENT") {
            event_lists.push(c.path.clone());
        }
        if names.contains(&"VTODO") {
            task_lists.push(c.path.clone());
        }
    }
    assert_eq!(event_lists, [CAL]);
    assert_eq!(task_lists, [TASKS]);

    // "Test settings" on the calendar URL.
    let r = outlook.send("OPTIONS", CAL, &[], "").await;
    assert!(
        r.header("dav")
            .is_some_and(|d| d.split(',').any(|o| o.trim().eq_ignore_ascii_case("calendar-access"))),
        "{:?}",
        r.header("dav")
    );
    let allprop = "<?xml version='1.0'?>\r\n                        <D:propfind xmlns:D=\"DAV:\">\r\n                            <D:allprop/>\r\n                        </D:propfind>\r\n                 ";
    let r = outlook
        .send("PROPFIND", CAL, &[("Depth", "0"), ("Content-Type", NET_XML)], allprop)
        .await;
    let c = &r.multistatus()[0];
    assert!(
        c.ok_prop(DAV, "resourcetype")
            .is_some_and(|rt| rt.child(CALDAV, "calendar").is_some())
    );
    let body = synchronizer_propfind("", "                            <D:current-user-privilege-set/>");
    let r = outlook
        .send("PROPFIND", CAL, &[("Depth", "0"), ("Content-Type", NET_XML)], &body)
        .await;
    let privs = privileges(&r.multistatus()[0]);
    for needed in ["write-content", "bind", "unbind"] {
        assert!(
            privs.iter().any(|p| p == needed),
            "{needed} (else read-only): {privs:?}"
        );
    }
    let body = synchronizer_propfind("", "                            <D:supported-report-set/>");
    let r = outlook
        .send("PROPFIND", CAL, &[("Depth", "0"), ("Content-Type", NET_XML)], &body)
        .await;
    let reports = r.multistatus()[0]
        .ok_prop(DAV, "supported-report-set")
        .expect("supported-report-set")
        .descendants(CALDAV, "calendar-query")
        .len();
    assert_eq!(reports, 1, "{}", r.body);

    // A Thunderbird event already on the server.
    let tb_path = format!("{CAL}3c5f8a2e-1d4b-4e6f-9a7c-2b8d0e1f4a93.ics");
    let tb_event = lightning_event(1, "20260302T120000Z", "Projektbesprechung", "Status, Planung");
    let r = tb
        .send(
            "PUT",
            &tb_path,
            &[("Content-Type", ICS), ("If-None-Match", "*")],
            &tb_event,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let tb_etag = r.etag();

    // First sync in the range (30 days back, a year ahead): the ETags, then the new objects.
    const RANGE: (&str, &str) = ("20260201T000000Z", "20270201T000000Z");
    assert_eq!(
        outlook.versions(CAL, "VEVENT", Some(RANGE)).await,
        [(tb_path.clone(), tb_etag.clone())]
    );
    let r = outlook
        .synchronizer_report(CAL, &synchronizer_multiget(&[&tb_path]))
        .await;
    let rs = r.multistatus();
    assert_eq!(rs.len(), 1, "{}", r.body);
    assert_eq!(calendar_data(&rs[0]), tb_event, "byte for byte");
    assert_eq!(etag_of(&rs[0]), tb_etag);

    // Outlook's new meeting: If-None-Match: *, at {UID}.ics.
    let path = format!("{CAL}{OUTLOOK_UID}.ics");
    let single = outlook_meeting(false);
    let r = outlook
        .send("PUT", &path, &[("Content-Type", ICS), ("If-None-Match", "*")], &single)
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let etag1 = r.etag();

    // Meanwhile Thunderbird edits its event; the next sync sees one changed ETag and fetches
    // only that object.
    let tb_edited = lightning_event(2, "20260303T093000Z", "Projektbesprechung", "Status, Planung, Budget");
    let r = tb
        .send(
            "PUT",
            &tb_path,
            &[("Content-Type", ICS), ("If-Match", &tb_etag)],
            &tb_edited,
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let tb_etag2 = r.etag();
    let versions = outlook.versions(CAL, "VEVENT", Some(RANGE)).await;
    let mut want = vec![(path.clone(), etag1.clone()), (tb_path.clone(), tb_etag2.clone())];
    want.sort();
    assert_eq!(versions, want);
    let r = outlook
        .synchronizer_report(CAL, &synchronizer_multiget(&[&tb_path]))
        .await;
    let rs = r.multistatus();
    assert_eq!(calendar_data(&rs[0]), tb_edited);

    // In Outlook the meeting becomes a weekly series with an exception: If-Match PUT.
    let series = outlook_meeting(true);
    let r = outlook
        .send("PUT", &path, &[("Content-Type", ICS), ("If-Match", &etag1)], &series)
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let etag2 = r.etag();
    assert_ne!(etag2, etag1);
    let got = outlook.get(&path).await;
    assert_eq!(got.body, series, "stored byte for byte");
    let r = outlook.synchronizer_report(CAL, &synchronizer_multiget(&[&path])).await;
    let rs = r.multistatus();
    assert_eq!(calendar_data(&rs[0]), series, "multiget byte for byte");
    assert_eq!(etag_of(&rs[0]), etag2);
    // A stale version from the add-in's cache is refused (it then resolves the conflict).
    let r = outlook
        .send("PUT", &path, &[("Content-Type", ICS), ("If-Match", &etag1)], &single)
        .await;
    assert_eq!(r.status, 412, "{}", r.body);

    // The instances in UTC: Mondays 09:00 W. Europe time are 08:00Z in winter and 07:00Z
    // after the switch on 29 March; the 16th moved to the 17th 13:00Z; the 23rd excluded.
    let cases: [(&str, &str, bool); 12] = [
        ("20260302T000000Z", "20260303T000000Z", true),
        ("20260302T080000Z", "20260302T081500Z", true),
        ("20260302T070000Z", "20260302T080000Z", false),
        ("20260309T080000Z", "20260309T090000Z", true),
        ("20260316T000000Z", "20260317T000000Z", false),
        ("20260317T130000Z", "20260317T131500Z", true),
        ("20260317T120000Z", "20260317T130000Z", false),
        ("20260323T000000Z", "20260324T000000Z", false),
        ("20260330T070000Z", "20260330T071500Z", true),
        ("20260330T080000Z", "20260330T090000Z", false),
        ("20260406T070000Z", "20260406T080000Z", true),
        ("20260407T000000Z", "20260601T000000Z", false),
    ];
    for (start, end, found) in cases {
        let got: Vec<String> = outlook
            .versions(CAL, "VEVENT", Some((start, end)))
            .await
            .into_iter()
            .map(|(p, _)| p)
            .filter(|p| *p == path)
            .collect();
        assert_eq!(!got.is_empty(), found, "{start}..{end}");
    }
    // Outside the series, only the Thunderbird event (10 March 14:00 Berlin = 13:00Z).
    assert_eq!(
        outlook
            .versions(CAL, "VEVENT", Some(("20260310T130000Z", "20260310T131500Z")))
            .await,
        [(tb_path.clone(), tb_etag2)]
    );
    s.shutdown().await;
}

/// An Outlook task as CalDav Synchronizer writes it: dates without time, Outlook's
/// importance as PRIORITY (high = 1), an absolute reminder.
fn outlook_task(done: bool) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//ddaysoftware.com//NONSGML DDay.iCal 1.0//EN",
        "BEGIN:VTODO",
    ];
    if done {
        lines.push("COMPLETED:20260311T153000Z");
    }
    lines.extend([
        "DESCRIPTION:Zahlen aus dem Controlling einarbeiten\\, Folien an Dieter.",
        if done {
            "DTSTAMP:20260311T153012Z"
        } else {
            "DTSTAMP:20260305T081500Z"
        },
        "DTSTART;VALUE=DATE:20260305",
        "DUE;VALUE=DATE:20260312",
        if done {
            "PERCENT-COMPLETE:100"
        } else {
            "PERCENT-COMPLETE:25"
        },
        "PRIORITY:1",
        if done { "SEQUENCE:1" } else { "SEQUENCE:0" },
        if done { "STATUS:COMPLETED" } else { "STATUS:IN-PROCESS" },
        "SUMMARY:Quartalsbericht vorbereiten",
        "UID:2d9e4f61-0a7b-4c3d-9e8f-1a2b3c4d5e6f",
    ]);
    if !done {
        lines.extend([
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "DESCRIPTION:This is an event reminder",
            "TRIGGER;VALUE=DATE-TIME:20260312T070000Z",
            "END:VALARM",
        ]);
    }
    lines.extend(["END:VTODO", "END:VCALENDAR"]);
    ics(&lines)
}

#[tokio::test]
async fn outlook_caldav_synchronizer_task_sync() {
    let s = server().await;
    let outlook = Client {
        s: &s,
        ua: SYNCHRONIZER_UA,
    };
    assert!(outlook.versions(TASKS, "VTODO", None).await.is_empty());

    let path = format!("{TASKS}2d9e4f61-0a7b-4c3d-9e8f-1a2b3c4d5e6f.ics");
    let open = outlook_task(false);
    let r = outlook
        .send("PUT", &path, &[("Content-Type", ICS), ("If-None-Match", "*")], &open)
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let etag1 = r.etag();
    assert_eq!(
        outlook.versions(TASKS, "VTODO", None).await,
        [(path.clone(), etag1.clone())]
    );

    // Marked complete in Outlook.
    let done = outlook_task(true);
    let r = outlook
        .send("PUT", &path, &[("Content-Type", ICS), ("If-Match", &etag1)], &done)
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let etag2 = r.etag();
    assert_eq!(
        outlook.versions(TASKS, "VTODO", None).await,
        [(path.clone(), etag2.clone())]
    );
    let r = outlook
        .synchronizer_report(TASKS, &synchronizer_multiget(&[&path]))
        .await;
    let rs = r.multistatus();
    assert_eq!(rs.len(), 1, "{}", r.body);
    assert_eq!(calendar_data(&rs[0]), done, "byte for byte");
    assert_eq!(etag_of(&rs[0]), etag2);
    let got = outlook.get(&path).await;
    assert_eq!(got.body, done);
    for line in [
        "STATUS:COMPLETED\r\n",
        "PERCENT-COMPLETE:100\r\n",
        "DUE;VALUE=DATE:20260312\r\n",
        "COMPLETED:20260311T153000Z\r\n",
        "PRIORITY:1\r\n",
    ] {
        assert!(got.body.contains(line), "{line:?}");
    }
    let r = outlook
        .send("PUT", &path, &[("Content-Type", ICS), ("If-Match", &etag1)], &open)
        .await;
    assert_eq!(r.status, 412, "a stale task version is refused: {}", r.body);

    // With a sync range (RFC 4791 §9.9, DTSTART and DUE: the task spans 5–12 March).
    for (start, end, found) in [
        ("20260311T000000Z", "20260312T000000Z", true),
        ("20260201T000000Z", "20260305T000000Z", false),
        ("20260401T000000Z", "20260501T000000Z", false),
    ] {
        let got = outlook.versions(TASKS, "VTODO", Some((start, end))).await;
        assert_eq!(!got.is_empty(), found, "{start}..{end}");
    }
    // Tasks do not show up in the event query of the task list.
    assert!(outlook.versions(TASKS, "VEVENT", None).await.is_empty());
    s.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// DAVx5
// ---------------------------------------------------------------------------------------------

/// `DavCollection.reportChanges` (kxml serializer: DAV: as default namespace, other
/// namespaces declared where used).
fn davx5_sync_body(token: Option<&str>) -> String {
    let token = token.map_or("<sync-token />".to_owned(), |t| format!("<sync-token>{t}</sync-token>"));
    format!(
        "<?xml version='1.0' encoding='UTF-8' ?><sync-collection xmlns=\"DAV:\">{token}<sync-level>1</sync-level><prop><getetag /><n0:schedule-tag xmlns:n0=\"urn:ietf:params:xml:ns:caldav\" /></prop></sync-collection>"
    )
}

impl Client<'_> {
    async fn davx5_sync(&self, token: Option<&str>) -> Reply {
        let headers = [("Depth", "0"), ("Content-Type", NET_XML)];
        self.send("REPORT", CAL, &headers, &davx5_sync_body(token)).await
    }
}

/// An event as DAVx5 uploads it (ical4j; the VTIMEZONE after the VEVENT).
const DAVX5_EVENT: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:DAVx5/4.4.3.2-ose ical4j/3.2.19 (org.fossify.calendar)\r\n\
BEGIN:VEVENT\r\nDTSTAMP:20260304T183312Z\r\nUID:e3a1f0c2-77b4-4d2e-9c1a-5b6d7e8f9012\r\nSUMMARY:Zahnarzt\r\n\
DTSTART;TZID=Europe/Berlin:20260312T083000\r\nDTEND;TZID=Europe/Berlin:20260312T091500\r\nSTATUS:CONFIRMED\r\n\
BEGIN:VALARM\r\nTRIGGER:-PT1H\r\nACTION:DISPLAY\r\nDESCRIPTION:Zahnarzt\r\nEND:VALARM\r\nEND:VEVENT\r\n\
BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\nTZURL:https://www.tzurl.org/zoneinfo/Europe/Berlin\r\n\
X-LIC-LOCATION:Europe/Berlin\r\nBEGIN:DAYLIGHT\r\nTZNAME:CEST\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n\
DTSTART:19810329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\n\
TZNAME:CET\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nDTSTART:19961027T030000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\nEND:VCALENDAR\r\n";

#[tokio::test]
async fn davx5_sync_collection_initial_and_delta() {
    let s = server().await;
    let seeds = seed_events();
    let phone = Client {
        s: &s,
        ua: "iOS/17.5 (21F79) dataaccessd/1.0",
    };
    let mut seed_etags = Vec::new();
    for (name, body) in &seeds {
        let r = phone
            .send(
                "PUT",
                &format!("{CAL}{name}"),
                &[("Content-Type", ICS), ("If-None-Match", "*")],
                body,
            )
            .await;
        assert_eq!(r.status, 201);
        seed_etags.push((format!("{CAL}{name}"), r.etag()));
    }
    let davx5 = Client { s: &s, ua: DAVX5_UA };

    // Capabilities before syncing: CTag and sync-token of the collection.
    let body = "<?xml version='1.0' encoding='UTF-8' ?><propfind xmlns=\"DAV:\" xmlns:CAL=\"urn:ietf:params:xml:ns:caldav\" xmlns:CARD=\"urn:ietf:params:xml:ns:carddav\"><prop><n0:calendar-color xmlns:n0=\"http://apple.com/ns/ical/\" /><n1:getctag xmlns:n1=\"http://calendarserver.org/ns/\" /><sync-token /></prop></propfind>";
    let r = davx5
        .send("PROPFIND", CAL, &[("Depth", "0"), ("Content-Type", NET_XML)], body)
        .await;
    let c = &r.multistatus()[0];
    assert_all_answered(c, &[(APPLE, "calendar-color"), (CS, "getctag"), (DAV, "sync-token")]);
    let collection_token = c.ok_text(DAV, "sync-token").expect("sync-token");

    // Initial sync: every member with its ETag; schedule-tag is unknown here (404).
    let r = davx5.davx5_sync(None).await;
    let rs = r.multistatus();
    let mut listed: Vec<(String, String)> = rs.iter().map(|i| (i.path.clone(), etag_of(i))).collect();
    listed.sort();
    let mut want = seed_etags.clone();
    want.sort();
    assert_eq!(listed, want, "{}", r.body);
    for item in &rs {
        assert_eq!(item.status, None);
        assert_eq!(item.prop_status(CALDAV, "schedule-tag"), Some(404), "{}", r.body);
    }
    let token1 = r.sync_token();
    assert_eq!(
        token1, collection_token,
        "the report's token is the collection's DAV:sync-token"
    );

    // Downloading them (DavCalendar.multiget).
    let hrefs: String = rs.iter().map(|i| format!("<href>{}</href>", i.href)).collect();
    let body = format!(
        "<?xml version='1.0' encoding='UTF-8' ?><CAL:calendar-multiget xmlns=\"DAV:\" xmlns:CAL=\"urn:ietf:params:xml:ns:caldav\"><prop><getcontenttype /><getetag /><CAL:schedule-tag /><CAL:calendar-data /></prop>{hrefs}</CAL:calendar-multiget>"
    );
    let r = davx5
        .send("REPORT", CAL, &[("Depth", "0"), ("Content-Type", NET_XML)], &body)
        .await;
    let rs = r.multistatus();
    for (name, bytes) in &seeds {
        let item = response_for(&rs, &format!("{CAL}{name}")).expect("multiget answer");
        assert_eq!(calendar_data(item), *bytes, "{name} byte for byte");
    }

    // Other clients change things; DAVx5 uploads an event of its own.
    let tb = Client {
        s: &s,
        ua: THUNDERBIRD_UA,
    };
    let tb_path = format!("{CAL}3c5f8a2e-1d4b-4e6f-9a7c-2b8d0e1f4a93.ics");
    let r = tb
        .send(
            "PUT",
            &tb_path,
            &[("Content-Type", ICS), ("If-None-Match", "*")],
            &lightning_event(1, "20260304T100000Z", "Projektbesprechung", "Status"),
        )
        .await;
    assert_eq!(r.status, 201);
    let tb_etag = r.etag();
    let (edited_path, old_etag) = &seed_etags[1];
    let edited = seeds[1].1.replace("SUMMARY:Standup", "SUMMARY:Standup (Raum 2)");
    let r = phone
        .send(
            "PUT",
            edited_path,
            &[("Content-Type", ICS), ("If-Match", old_etag)],
            &edited,
        )
        .await;
    assert_eq!(r.status, 204);
    let edited_etag = r.etag();
    let (deleted_path, deleted_etag) = &seed_etags[0];
    let r = phone
        .send("DELETE", deleted_path, &[("If-Match", deleted_etag)], "")
        .await;
    assert_eq!(r.status, 204);
    let own_path = format!("{CAL}e3a1f0c2-77b4-4d2e-9c1a-5b6d7e8f9012.ics");
    let r = davx5
        .send(
            "PUT",
            &own_path,
            &[("Content-Type", ICS), ("If-None-Match", "*")],
            DAVX5_EVENT,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let own_etag = r.etag();
    assert_eq!(davx5.get(&own_path).await.body, DAVX5_EVENT, "byte for byte");

    // Delta: each changed member once, with its current ETag; the deleted one as 404.
    let r = davx5.davx5_sync(Some(&token1)).await;
    let rs = r.multistatus();
    assert_eq!(
        paths(&rs),
        sorted(&[
            tb_path.as_str(),
            edited_path.as_str(),
            deleted_path.as_str(),
            own_path.as_str()
        ]),
        "{}",
        r.body
    );
    for (path, etag) in [
        (&tb_path, &tb_etag),
        (edited_path, &edited_etag),
        (&own_path, &own_etag),
    ] {
        let item = response_for(&rs, path).expect("changed member");
        assert_eq!(item.status, None, "{path}");
        assert_eq!(&etag_of(item), etag, "{path}");
    }
    let gone = response_for(&rs, deleted_path).expect("deleted member");
    assert_eq!(gone.status, Some(404), "{}", r.body);
    assert!(gone.propstats.is_empty(), "{}", r.body);
    let token2 = r.sync_token();
    assert_ne!(token2, token1);

    // Nothing since: an empty answer that keeps the token.
    let r = davx5.davx5_sync(Some(&token2)).await;
    assert!(r.multistatus().is_empty(), "{}", r.body);
    assert_eq!(r.sync_token(), token2);
    s.shutdown().await;
}
