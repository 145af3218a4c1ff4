//! Scheduling traffic of Thunderbird 128 and of Outlook with CalDav Synchronizer 4.x, replayed
//! against a server that schedules (issue 12: no duplicate invitations). Requests have the shape
//! the clients' sources give them; each step counts what the colleague gets: REQUESTs in the
//! schedule inbox, copies in the calendar, mail in the queue.
//!
//! Thunderbird (comm-central `calendar/providers/caldav/CalDavCalendar.sys.mjs`): when the DAV
//! header of the calendar home names `calendar-auto-schedule`, `checkServerCaps` sets
//! `mHasAutoScheduling` ("leave outbound inbox/outbox scheduling off") and `sendItems` sends
//! nothing itself (no outbox POST, no iMIP) but to users marked SCHEDULE-AGENT=CLIENT, which
//! `adaptScheduleAgent` (`calendar/base/content/dialogs/calendar-dialog-utils.js`) removes on
//! save. Writes are `CalDavItemRequest`s (`modules/CalDavRequest.sys.mjs`): If-None-Match: * or
//! If-Match, never If-Schedule-Tag-Match; `getUpdatedItem` re-fetches after each write. The
//! inbox is polled only with `hasScheduling`, which auto-scheduling leaves off.
//!
//! CalDav Synchronizer (github.com/aluxnimm/outlookcaldavsynchronizer): `ScheduleAgentClient`
//! ("Set SCHEDULE-AGENT=CLIENT") is on by default (`Contracts/EventMappingConfiguration.cs`), and
//! `Implementation/Events/EventEntityMapper.cs` then marks the ORGANIZER and every ATTENDEE
//! SCHEDULE-AGENT=CLIENT: Outlook mails the invitations. `DataAccess/CalDavDataAccess.cs` PUTs
//! with If-None-Match: * or If-Match and, without an ETag in the answer, GETs one
//! (`WebDavDataAccess.GetEtag`); `GetVersions` lists ETags with a calendar-query.

mod common;

use common::{DAV, DavResponse, TestServer, multistatus};
use portico::store::repos::*;

const CALDAV: &str = "urn:ietf:params:xml:ns:caldav";
const ALICE: (&str, &str) = ("alice", "alice-pw");
const BOB: (&str, &str) = ("bob", "bob-pw");
const PRINCIPAL: &str = "/dav/principals/users/alice/";
const HOME: &str = "/dav/calendars/alice/";
const CAL: &str = "/dav/calendars/alice/calendar/";
const BOB_CAL: &str = "/dav/calendars/bob/calendar/";

const THUNDERBIRD_UA: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Thunderbird/128.0";
const SYNCHRONIZER_UA: &str = "CalDavSynchronizer/4.4.2";
const TB_XML: &str = "text/xml; charset=utf-8";
const NET_XML: &str = "application/xml; charset=utf-8";
const ICS: &str = "text/calendar; charset=utf-8";

/// alice organizes, bob attends. `[smtp]` is configured (nothing listens there), so the server
/// claims `calendar-auto-schedule` and Thunderbird leaves every invitation to it.
async fn server() -> TestServer {
    let s = TestServer::start_with_smtp(|_| {}).await;
    for (login, pw) in [ALICE, BOB] {
        s.add_user(login, pw).await;
    }
    s
}

/// One client of one user: its User-Agent on every request.
struct Client<'a> {
    s: &'a TestServer,
    ua: &'static str,
    who: (&'static str, &'static str),
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

    fn multistatus(&self) -> Vec<DavResponse> {
        assert_eq!(self.status, 207, "{}", self.body);
        multistatus(&self.body)
    }

    fn sync_token(&self) -> String {
        let root = common::xml::parse(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body));
        let token = root.child(DAV, "sync-token");
        token
            .unwrap_or_else(|| panic!("no sync-token: {}", self.body))
            .text()
            .trim()
            .to_owned()
    }
}

impl<'a> Client<'a> {
    fn thunderbird(s: &'a TestServer, who: (&'static str, &'static str)) -> Self {
        Client {
            s,
            ua: THUNDERBIRD_UA,
            who,
        }
    }

    fn synchronizer(s: &'a TestServer) -> Self {
        Client {
            s,
            ua: SYNCHRONIZER_UA,
            who: ALICE,
        }
    }

    async fn send(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
        let mut req = self
            .s
            .req_as(self.who.0, self.who.1, method, path)
            .header("User-Agent", self.ua);
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let resp = req
            .body(body.to_owned())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let (status, headers) = (resp.status().as_u16(), resp.headers().clone());
        Reply {
            status,
            headers,
            body: resp.text().await.expect("body"),
        }
    }

    /// `CalDavPropfindRequest` (Depth 0): `CalDavTagsToXmlns` declares the prefixes used.
    async fn tb_propfind(&self, path: &str, xmlns: &str, props: &str) -> DavResponse {
        let prop: String = props.split_whitespace().map(|p| format!("<{p}/>")).collect();
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<D:propfind {xmlns}><D:prop>{prop}</D:prop></D:propfind>"
        );
        let headers = [("Depth", "0"), ("Content-Type", TB_XML)];
        self.send("PROPFIND", path, &headers, &body)
            .await
            .multistatus()
            .remove(0)
    }

    /// `CalDavItemRequest`: If-None-Match: * (`doAdoptItem`) or If-Match (`doModifyItem`).
    async fn tb_put(&self, path: &str, condition: (&str, &str), body: &str) -> u16 {
        let r = self.send("PUT", path, &[("Content-Type", ICS), condition], body).await;
        assert!(
            matches!(r.status, 200 | 201 | 204),
            "PUT {path}: {} {}",
            r.status,
            r.body
        );
        r.status
    }

    /// `CalDavWebDavSyncHandler.doWebDAVSync`.
    async fn tb_sync(&self, calendar: &str, token: Option<&str>) -> Reply {
        let token = token.map_or("<sync-token/>".to_owned(), |t| format!("<sync-token>{t}</sync-token>"));
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sync-collection xmlns=\"DAV:\">{token}<sync-level>1</sync-level><prop><getcontenttype/><getetag/></prop></sync-collection>"
        );
        self.send("REPORT", calendar, &[("Depth", "1"), ("Content-Type", TB_XML)], &body)
            .await
    }

    /// `getUpdatedItem` (`CalDavMultigetSyncHandler`) for one object: its ETag and data.
    async fn tb_multiget(&self, calendar: &str, path: &str) -> (String, String) {
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<C:calendar-multiget xmlns:D=\"DAV:\" xmlns:C=\"urn:ietf:params:xml:ns:caldav\"><D:prop><D:getetag/><C:calendar-data/></D:prop><D:href>{path}</D:href></C:calendar-multiget>"
        );
        let r = self
            .send("REPORT", calendar, &[("Depth", "1"), ("Content-Type", TB_XML)], &body)
            .await;
        let rs = r.multistatus();
        assert_eq!(rs.len(), 1, "{}", r.body);
        let etag = rs[0]
            .ok_text(DAV, "getetag")
            .unwrap_or_else(|| panic!("no getetag: {}", r.body));
        let data = rs[0]
            .ok_prop(CALDAV, "calendar-data")
            .unwrap_or_else(|| panic!("no data: {}", r.body));
        (etag, data.text())
    }

    /// `CreateNewEntity` (If-None-Match: *) or `TryUpdateEntity` (If-Match): the status and the
    /// version the add-in keeps, the answer's ETag or else a GET's (`GetEtag`).
    async fn synchronizer_put(&self, path: &str, version: Option<&str>, body: &str) -> (u16, String) {
        let condition = match version {
            Some(v) => ("If-Match", v),
            None => ("If-None-Match", "*"),
        };
        let r = self.send("PUT", path, &[("Content-Type", ICS), condition], body).await;
        assert!(matches!(r.status, 201 | 204), "PUT {path}: {} {}", r.status, r.body);
        let etag = if let Some(e) = r.header("etag") {
            e.to_owned()
        } else {
            let got = self.send("GET", path, &[], "").await;
            got.header("etag").expect("a GET names the ETag").to_owned()
        };
        (r.status, etag)
    }

    /// `GetVersions`: the calendar-query for ETags in the sync range, as the C# string has it.
    async fn synchronizer_versions(&self) -> Vec<(String, String)> {
        let range = "<C:time-range start=\"20260201T000000Z\" end=\"20270201T000000Z\"/>";
        let body = format!(
            "<?xml version=\"1.0\"?>\r\n                    <C:calendar-query xmlns:C=\"urn:ietf:params:xml:ns:caldav\">\r\n                        <D:prop xmlns:D=\"DAV:\">\r\n                            <D:getetag/>\r\n                        </D:prop>\r\n                        <C:filter>\r\n                            <C:comp-filter name=\"VCALENDAR\">\r\n                                <C:comp-filter name=\"VEVENT\">\r\n                                  {range}\r\n                                </C:comp-filter>\r\n                            </C:comp-filter>\r\n                        </C:filter>\r\n                    </C:calendar-query>\r\n                    "
        );
        let r = self
            .send("REPORT", CAL, &[("Depth", "1"), ("Content-Type", NET_XML)], &body)
            .await;
        let rs = r.multistatus();
        let items = rs.iter().filter(|i| i.path != CAL);
        items
            .map(|i| (i.path.clone(), i.ok_text(DAV, "getetag").expect("getetag")))
            .collect()
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

/// An iCalendar object from unfolded content lines (one per `\n`), folded, CRLF-terminated.
fn ics(text: &str) -> String {
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| fold(l) + "\r\n")
        .collect()
}

fn hrefs(r: &DavResponse, ns: &str, name: &str) -> Vec<String> {
    let prop = r
        .ok_prop(ns, name)
        .unwrap_or_else(|| panic!("{name} of {} is not 200", r.path));
    prop.children_named(DAV, "href")
        .map(|h| h.text().trim().to_owned())
        .collect()
}

fn paths(rs: &[DavResponse]) -> Vec<String> {
    rs.iter().map(|r| r.path.clone()).collect()
}

/// The ATTENDEE lines (unfolded) naming `address`.
fn attendee_lines(data: &str, address: &str) -> Vec<String> {
    let unfolded = data.replace("\r\n ", "");
    let mailto = format!("mailto:{address}");
    let named = unfolded
        .split("\r\n")
        .filter(|l| l.starts_with("ATTENDEE") && l.to_ascii_lowercase().ends_with(mailto.as_str()));
    named.map(str::to_owned).collect()
}

fn partstat(line: &str) -> &str {
    let mut params = line.split([';', ':']);
    params
        .find_map(|p| p.strip_prefix("PARTSTAT="))
        .unwrap_or("NEEDS-ACTION")
}

/// The objects of a collection, as its owner reads them (PROPFIND Depth 1, then GET).
async fn objects(s: &TestServer, who: (&str, &str), collection: &str) -> Vec<String> {
    let (st, body) = s.propfind_as(who.0, who.1, collection, "1", "").await;
    assert_eq!(st, 207, "{body}");
    let mut out = Vec::new();
    for r in multistatus(&body).iter().filter(|r| r.path.ends_with(".ics")) {
        let (st, data) = s.get_as(who.0, who.1, &r.path).await;
        assert_eq!(st, 200, "{}", r.path);
        out.push(String::from_utf8(data).expect("UTF-8"));
    }
    out
}

/// The METHOD of each message in the user's schedule inbox.
async fn inbox(s: &TestServer, who: (&str, &str)) -> Vec<String> {
    let messages = objects(s, who, &format!("/dav/calendars/{}/inbox/", who.0)).await;
    let method = |m: &String| {
        m.lines()
            .find_map(|l| l.strip_prefix("METHOD:"))
            .unwrap_or("none")
            .trim()
            .to_owned()
    };
    messages.iter().map(method).collect()
}

/// The objects with this UID in the user's default calendar.
async fn copies(s: &TestServer, who: (&str, &str), uid: &str) -> Vec<String> {
    let all = objects(s, who, &format!("/dav/calendars/{}/calendar/", who.0)).await;
    let line = format!("UID:{uid}\r\n");
    all.into_iter()
        .filter(|d| d.replace("\r\n ", "").contains(line.as_str()))
        .collect()
}

/// The server mails no colleague: it delivers to them.
async fn assert_nothing_mailed(s: &TestServer) {
    let c = s.app.store.mail_counts().await.expect("mail counts");
    assert_eq!((c.waiting, c.sent), (0, 0), "mail queued for a colleague");
}

// ---------------------------------------------------------------------------------------------
// Thunderbird 128
// ---------------------------------------------------------------------------------------------

const TB_UID: &str = "5d1f3a7c-0b2e-4c19-9f6a-8e4d2c7b1a60";

/// A meeting as Thunderbird 128 writes it. `CalAttendee.icalProperty` (calendar/base/src/
/// CalAttendee.sys.mjs) writes RSVP, CN, PARTSTAT, CUTYPE and ROLE first, then the parameters it
/// kept, such as the SCHEDULE-STATUS it fetched back. The organizer is also a CHAIR attendee.
/// X-MOZ-SEND-INVITATIONS comes from "Notify attendees", the alarm from the preferences.
fn tb_meeting(generation: u32, sequence: Option<u32>, hours: (&str, &str), stamp: &str, bob_extra: &str) -> String {
    let sequence = sequence.map_or(String::new(), |n| format!("SEQUENCE:{n}"));
    let (start, end) = hours;
    ics(&format!(
        "BEGIN:VCALENDAR\n\
         PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\n\
         VERSION:2.0\n\
         BEGIN:VTIMEZONE\nTZID:Europe/Berlin\nX-TZINFO:Europe/Berlin[2024a]\n\
         BEGIN:DAYLIGHT\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nTZNAME:CEST\nDTSTART:19700329T020000\n\
         RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\nEND:DAYLIGHT\n\
         BEGIN:STANDARD\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nTZNAME:CET\nDTSTART:19701025T030000\n\
         RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\nEND:STANDARD\nEND:VTIMEZONE\n\
         BEGIN:VEVENT\nCREATED:20260302T081512Z\nLAST-MODIFIED:{stamp}\nDTSTAMP:{stamp}\nUID:{TB_UID}\n\
         SUMMARY:Budgetrunde Q2\n\
         ORGANIZER;RSVP=FALSE;CN=alice;PARTSTAT=ACCEPTED;CUTYPE=INDIVIDUAL;ROLE=CHAIR:mailto:alice@example.test\n\
         ATTENDEE;RSVP=FALSE;CN=alice;PARTSTAT=ACCEPTED;CUTYPE=INDIVIDUAL;ROLE=CHAIR:mailto:alice@example.test\n\
         ATTENDEE;RSVP=TRUE;CN=bob;PARTSTAT=NEEDS-ACTION;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT{bob_extra}\
         :mailto:bob@example.test\n\
         DTSTART;TZID=Europe/Berlin:20260312{start}\nDTEND;TZID=Europe/Berlin:20260312{end}\n\
         TRANSP:OPAQUE\nX-MOZ-SEND-INVITATIONS:TRUE\nX-MOZ-SEND-INVITATIONS-UNDISCLOSED:FALSE\n\
         {sequence}\nX-MOZ-GENERATION:{generation}\n\
         BEGIN:VALARM\nACTION:DISPLAY\nTRIGGER;VALUE=DURATION:-PT15M\nDESCRIPTION:Default Mozilla Description\n\
         END:VALARM\nEND:VEVENT\nEND:VCALENDAR\n"
    ))
}

/// What bob's Thunderbird PUTs when he answers in the summary dialog: his copy as fetched, his
/// PARTSTAT set, X-MOZ-GENERATION bumped (`doModifyItem`), serialized (and folded) again.
fn tb_answer(copy: &str, address: &str, answer: &str) -> String {
    let unfolded = copy.replace("\r\n ", "");
    let generation = unfolded.lines().find_map(|l| l.strip_prefix("X-MOZ-GENERATION:"));
    let generation: u32 = generation.map_or(0, |g| g.trim().parse().expect("a number"));
    let mailto = format!("mailto:{address}");
    let mut lines = Vec::new();
    for line in unfolded.lines().filter(|l| !l.starts_with("X-MOZ-GENERATION:")) {
        if line.starts_with("ATTENDEE") && line.to_ascii_lowercase().ends_with(mailto.as_str()) {
            lines.push(line.replace("PARTSTAT=NEEDS-ACTION", &format!("PARTSTAT={answer}")));
            continue;
        }
        if line == "END:VEVENT" {
            lines.push(format!("X-MOZ-GENERATION:{}", generation + 1));
        }
        lines.push(line.to_owned());
    }
    ics(&lines.join("\n"))
}

/// Thunderbird 128 organizes on a server that claims `calendar-auto-schedule`: discovery, a
/// free-busy lookup, the new meeting, a move (SEQUENCE 1). Then bob's Thunderbird accepts with
/// If-Match and alice's refreshes with sync-collection and calendar-multiget. bob gets one
/// REQUEST per change and keeps one copy. alice's copy takes his answer once and her inbox gets
/// one REPLY. Nobody is mailed, since Thunderbird sends nothing itself.
#[tokio::test]
async fn thunderbird_meeting_reaches_the_colleague_once_per_change() {
    let s = server().await;
    let tb = Client::thunderbird(&s, ALICE);

    // checkDavResourceType: sync-collection in the report set means WebDAV sync.
    let props = "D:resourcetype D:owner D:current-user-principal D:current-user-privilege-set \
                 D:supported-report-set C:supported-calendar-component-set CS:getctag";
    let xmlns = "xmlns:D='DAV:' xmlns:C='urn:ietf:params:xml:ns:caldav' xmlns:CS='http://calendarserver.org/ns/'";
    let c = tb.tb_propfind(CAL, xmlns, props).await;
    let reports = c.ok_prop(DAV, "supported-report-set").expect("supported-report-set");
    assert!(!reports.descendants(DAV, "sync-collection").is_empty());
    assert_eq!(hrefs(&c, DAV, "current-user-principal"), [PRINCIPAL]);

    // checkServerCaps: OPTIONS on the home; DAVHeaderResponse.features drops the version.
    let r = tb.send("OPTIONS", HOME, &[], "").await;
    let dav = r.header("dav").unwrap_or_default().to_owned();
    let features: Vec<&str> = dav.split(',').map(str::trim).skip(1).collect();
    assert!(
        features.contains(&"calendar-auto-schedule"),
        "else Thunderbird mails: {dav}"
    );

    // checkPrincipalsNameSpace: the first mailto: address, the inbox and the outbox.
    let props = "C:calendar-home-set C:calendar-user-address-set C:schedule-inbox-URL C:schedule-outbox-URL";
    let xmlns = "xmlns:D='DAV:' xmlns:C='urn:ietf:params:xml:ns:caldav'";
    let p = tb.tb_propfind(PRINCIPAL, xmlns, props).await;
    let addresses = hrefs(&p, CALDAV, "calendar-user-address-set");
    let first = addresses.iter().find(|a| a.to_ascii_lowercase().starts_with("mailto:"));
    assert_eq!(first.map(String::as_str), Some("mailto:alice@example.test"));
    assert_eq!(hrefs(&p, CALDAV, "schedule-inbox-URL").len(), 1);
    let outbox = common::href_path(&hrefs(&p, CALDAV, "schedule-outbox-URL")[0]);
    let token0 = tb.tb_sync(CAL, None).await.sync_token();

    // The attendee dialog's free/busy grid: getFreeBusyIntervals, CalDavFreeBusyRequest. A
    // lookup, not an invitation.
    let fb = ics(
        "BEGIN:VCALENDAR\nPRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\nVERSION:2.0\n\
         METHOD:REQUEST\nBEGIN:VFREEBUSY\nUID:0f6d2b1e-8c3a-4e57-a9d1-2b7c4e6f8a90\n\
         DTSTAMP:20260302T081230Z\nDTSTART:20260311T230000Z\nDTEND:20260318T230000Z\n\
         ORGANIZER:mailto:alice@example.test\n\
         ATTENDEE;PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT;CUTYPE=INDIVIDUAL:mailto:bob@example.test\n\
         END:VFREEBUSY\nEND:VCALENDAR\n",
    );
    let who = [
        ("Content-Type", ICS),
        ("Originator", "mailto:alice@example.test"),
        ("Recipient", "mailto:bob@example.test"),
    ];
    let r = tb.send("POST", &outbox, &who, &fb).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("2.0;Success"), "{}", r.body);
    assert!(inbox(&s, BOB).await.is_empty(), "a free-busy lookup invites nobody");

    // The new meeting (doAdoptItem: If-None-Match: *), then getUpdatedItem.
    let path = format!("{CAL}{TB_UID}.ics");
    let created = tb_meeting(1, None, ("T100000", "T110000"), "20260302T081544Z", "");
    assert_eq!(tb.tb_put(&path, ("If-None-Match", "*"), &created).await, 201);
    let (etag1, mine) = tb.tb_multiget(CAL, &path).await;
    assert_eq!(attendee_lines(&mine, "bob@example.test").len(), 1, "{mine}");
    assert_eq!(inbox(&s, BOB).await, ["REQUEST"]);
    assert_eq!(copies(&s, BOB, TB_UID).await.len(), 1);

    // Moved to the afternoon (doModifyItem: If-Match, SEQUENCE 1, the SCHEDULE-STATUS kept).
    let kept = ";SCHEDULE-STATUS=1.2";
    let moved = tb_meeting(2, Some(1), ("T140000", "T150000"), "20260303T093000Z", kept);
    assert_ne!(tb.tb_put(&path, ("If-Match", &etag1), &moved).await, 201);
    tb.tb_multiget(CAL, &path).await;
    let r = tb.tb_sync(CAL, Some(&token0)).await;
    assert_eq!(
        paths(&r.multistatus()),
        std::slice::from_ref(&path),
        "one object: {}",
        r.body
    );
    let token1 = r.sync_token();
    assert_eq!(inbox(&s, BOB).await, ["REQUEST", "REQUEST"], "one REQUEST per change");
    let theirs = copies(&s, BOB, TB_UID).await;
    assert_eq!(theirs.len(), 1, "{theirs:?}");
    assert!(
        theirs[0].contains("SEQUENCE:1") && theirs[0].contains("20260312T140000"),
        "{}",
        theirs[0]
    );

    // bob's Thunderbird: its refresh finds the copy, and he accepts (If-Match only).
    let bob_tb = Client::thunderbird(&s, BOB);
    let r = bob_tb.tb_sync(BOB_CAL, None).await;
    let listed = paths(&r.multistatus());
    assert_eq!(listed.len(), 1, "{}", r.body);
    let (bob_etag, copy) = bob_tb.tb_multiget(BOB_CAL, &listed[0]).await;
    let accepted = tb_answer(&copy, "bob@example.test", "ACCEPTED");
    assert_eq!(partstat(&attendee_lines(&accepted, "bob@example.test")[0]), "ACCEPTED");
    assert_ne!(bob_tb.tb_put(&listed[0], ("If-Match", &bob_etag), &accepted).await, 201);

    // alice's next refresh: her meeting changed, with bob's answer on his one ATTENDEE.
    let r = tb.tb_sync(CAL, Some(&token1)).await;
    assert_eq!(paths(&r.multistatus()), std::slice::from_ref(&path), "{}", r.body);
    let (_, mine) = tb.tb_multiget(CAL, &path).await;
    let bob_lines = attendee_lines(&mine, "bob@example.test");
    assert_eq!(bob_lines.len(), 1, "{mine}");
    assert_eq!(partstat(&bob_lines[0]), "ACCEPTED", "{mine}");
    assert_eq!(inbox(&s, ALICE).await, ["REPLY"]);
    assert_eq!(
        inbox(&s, BOB).await,
        ["REQUEST", "REQUEST"],
        "an answer sends bob nothing"
    );
    assert_eq!(copies(&s, BOB, TB_UID).await.len(), 1);
    assert_eq!(copies(&s, ALICE, TB_UID).await.len(), 1);
    assert_nothing_mailed(&s).await;
    s.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Outlook through CalDav Synchronizer 4.x
// ---------------------------------------------------------------------------------------------

const OUTLOOK_UID: &str = "6f0b9d2c-8e4a-4c7b-b1d3-5a2e9f7c0d18";

/// An Outlook meeting as `EventEntityMapper.Map1To2` writes it through DDay.iCal (properties and
/// parameters sorted, "W. Europe Standard Time"). Every upload moves SEQUENCE to the server's
/// highest + 1; here a new SEQUENCE also moves the meeting two hours. With `client_agent` ("Set
/// SCHEDULE-AGENT=CLIENT", the default) the ORGANIZER and the ATTENDEE carry
/// SCHEDULE-AGENT=CLIENT. The ORGANIZER's SCHEDULE-STATUS=1.1 says Outlook sent the invitation.
fn outlook_meeting(sequence: u32, client_agent: bool) -> String {
    let agent = if client_agent { ";SCHEDULE-AGENT=CLIENT" } else { "" };
    let (start, end) = (10 + 2 * sequence, 11 + 2 * sequence);
    ics(&format!(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//ddaysoftware.com//NONSGML DDay.iCal 1.0//EN\n\
         BEGIN:VTIMEZONE\nTZID:W. Europe Standard Time\n\
         BEGIN:STANDARD\nDTSTART:19701025T030000\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYHOUR=3;BYMINUTE=0;BYMONTH=10\n\
         TZNAME:Mitteleuropäische Zeit\nTZOFFSETFROM:+0200\nTZOFFSETTO:+0100\nEND:STANDARD\n\
         BEGIN:DAYLIGHT\nDTSTART:19700329T020000\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYHOUR=2;BYMINUTE=0;BYMONTH=3\n\
         TZNAME:Mitteleuropäische Sommerzeit\nTZOFFSETFROM:+0100\nTZOFFSETTO:+0200\nEND:DAYLIGHT\nEND:VTIMEZONE\n\
         BEGIN:VEVENT\n\
         ATTENDEE;CN=\"Bob Example\";PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT;RSVP=TRUE{agent}:mailto:bob@example.test\n\
         CLASS:PUBLIC\nDTEND;TZID=W. Europe Standard Time:20260316T{end:02}0000\nDTSTAMP:20260309T1{sequence}1500Z\n\
         DTSTART;TZID=W. Europe Standard Time:20260316T{start:02}0000\nLOCATION:Besprechungsraum Nord\n\
         ORGANIZER;CN=\"Alice Example\"{agent};SCHEDULE-STATUS=1.1:mailto:alice@example.test\n\
         PRIORITY:5\nSEQUENCE:{sequence}\nSUMMARY:Quartalsplanung\nTRANSP:OPAQUE\nUID:{OUTLOOK_UID}\n\
         X-MICROSOFT-CDO-BUSYSTATUS:BUSY\n\
         BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:This is an event reminder\nTRIGGER:-PT15M\nEND:VALARM\n\
         END:VEVENT\nEND:VCALENDAR\n"
    ))
}

/// The default: SCHEDULE-AGENT=CLIENT, Outlook mails the invitations. The server stores what it
/// is given and delivers nothing, for the new meeting, a change and an unchanged re-upload.
#[tokio::test]
async fn synchronizer_with_schedule_agent_client_leaves_invitations_to_outlook() {
    let s = server().await;
    let outlook = Client::synchronizer(&s);
    let path = format!("{CAL}{OUTLOOK_UID}.ics");
    let created = outlook_meeting(0, true);
    let (st, v1) = outlook.synchronizer_put(&path, None, &created).await;
    assert_eq!(st, 201);
    assert_eq!(
        outlook.send("GET", &path, &[], "").await.body,
        created,
        "stored as sent"
    );
    let moved = outlook_meeting(1, true);
    let (st, v2) = outlook.synchronizer_put(&path, Some(&v1), &moved).await;
    assert_eq!(st, 204);
    let (st, v3) = outlook.synchronizer_put(&path, Some(&v2), &moved).await;
    assert_eq!(st, 204);
    assert_eq!(outlook.synchronizer_versions().await, [(path, v3)]);
    assert!(copies(&s, BOB, OUTLOOK_UID).await.is_empty(), "no copy for bob");
    assert!(inbox(&s, BOB).await.is_empty(), "no REQUEST for bob");
    assert_nothing_mailed(&s).await;
    s.shutdown().await;
}

/// "Set SCHEDULE-AGENT=CLIENT" turned off: the server schedules. One REQUEST for the new
/// meeting and one for the move. The version the add-in reads back (GET, since the altered
/// object comes without an ETag) is the one its next calendar-query lists, so the next sync
/// uploads nothing again.
#[tokio::test]
async fn synchronizer_with_server_scheduling_delivers_each_change_once() {
    let s = server().await;
    let outlook = Client::synchronizer(&s);
    let path = format!("{CAL}{OUTLOOK_UID}.ics");
    let (st, v1) = outlook.synchronizer_put(&path, None, &outlook_meeting(0, false)).await;
    assert_eq!(st, 201);
    assert_eq!(outlook.synchronizer_versions().await, [(path.clone(), v1.clone())]);
    assert_eq!(inbox(&s, BOB).await, ["REQUEST"]);
    assert_eq!(copies(&s, BOB, OUTLOOK_UID).await.len(), 1);

    let (st, v2) = outlook
        .synchronizer_put(&path, Some(&v1), &outlook_meeting(1, false))
        .await;
    assert_eq!(st, 204);
    assert_eq!(outlook.synchronizer_versions().await, [(path, v2)]);
    assert_eq!(inbox(&s, BOB).await, ["REQUEST", "REQUEST"], "one REQUEST per change");
    let theirs = copies(&s, BOB, OUTLOOK_UID).await;
    assert_eq!(theirs.len(), 1, "{theirs:?}");
    assert!(
        theirs[0].contains("SEQUENCE:1") && theirs[0].contains("20260316T120000"),
        "{}",
        theirs[0]
    );
    assert_nothing_mailed(&s).await;
    s.shutdown().await;
}

/// The same meeting uploaded again unchanged, by each client: what Thunderbird serializes after
/// its re-fetch (the stored object) and its first bytes again (If-Match with the current ETag);
/// the Synchronizer's upload repeated byte for byte with server scheduling (If-Match with the
/// version it read back), and a re-save that only moves X-MOZ-GENERATION and DTSTAMP. bob gets
/// no second REQUEST and keeps one copy of each meeting.
#[tokio::test]
async fn unchanged_reuploads_send_no_second_request() {
    let s = server().await;
    let tb = Client::thunderbird(&s, ALICE);
    let path = format!("{CAL}{TB_UID}.ics");
    let created = tb_meeting(1, None, ("T100000", "T110000"), "20260302T081544Z", "");
    assert_eq!(tb.tb_put(&path, ("If-None-Match", "*"), &created).await, 201);
    let (etag, stored) = tb.tb_multiget(CAL, &path).await;
    assert_eq!(inbox(&s, BOB).await, ["REQUEST"]);
    assert_eq!(tb.tb_put(&path, ("If-Match", &etag), &stored).await, 204);
    assert_eq!(inbox(&s, BOB).await, ["REQUEST"], "the stored object written back");
    let (etag, _) = tb.tb_multiget(CAL, &path).await;
    assert_eq!(tb.tb_put(&path, ("If-Match", &etag), &created).await, 204);
    assert_eq!(inbox(&s, BOB).await, ["REQUEST"], "Thunderbird's bytes again");
    // A dismissed alarm or a re-save: X-MOZ-GENERATION and DTSTAMP move, nothing attendees
    // care about (itip::significant_change).
    let (etag, _) = tb.tb_multiget(CAL, &path).await;
    let touched = tb_meeting(2, None, ("T100000", "T110000"), "20260303T091500Z", "");
    assert_eq!(tb.tb_put(&path, ("If-Match", &etag), &touched).await, 204);
    assert_eq!(inbox(&s, BOB).await, ["REQUEST"], "a write that is no news");
    assert_eq!(copies(&s, BOB, TB_UID).await.len(), 1);

    let outlook = Client::synchronizer(&s);
    let path = format!("{CAL}{OUTLOOK_UID}.ics");
    let meeting = outlook_meeting(0, false);
    let (_, v1) = outlook.synchronizer_put(&path, None, &meeting).await;
    assert_eq!(inbox(&s, BOB).await, ["REQUEST", "REQUEST"]);
    let (st, _) = outlook.synchronizer_put(&path, Some(&v1), &meeting).await;
    assert_eq!(st, 204);
    assert_eq!(
        inbox(&s, BOB).await,
        ["REQUEST", "REQUEST"],
        "the Synchronizer's bytes again"
    );
    assert_eq!(copies(&s, BOB, OUTLOOK_UID).await.len(), 1);
    assert_nothing_mailed(&s).await;
    s.shutdown().await;
}
