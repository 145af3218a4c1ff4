#!/usr/bin/env python3
"""RFC 6638 implicit scheduling against a live CalDAV server (Portico issue 12).

usage: scheduling_check.py ROOT_URL ALICE ALICE_PW BOB BOB_PW ROOM
                           [--room-address mailto:...] [--room-principal PATH]
                           [--wait SECONDS] [--bookings 20] [--keep] [--no-library] [--strict]

ALICE and BOB are two ordinary accounts, ROOM is the login of a room (resource) principal that
auto-accepts when free and declines on a conflict. The check talks plain HTTP (http.client) for
every step whose bytes matter, and uses the python `caldav` library (3.6.0, as
caldav-server-tester does) for the library round trips. It follows RFC 6638 only: calendar user
addresses come from CALDAV:calendar-user-address-set, the inbox and outbox from
schedule-inbox-URL / schedule-outbox-URL found by PROPFIND on each principal, the attendee's
calendar from schedule-default-calendar-URL (on the inbox, as RFC 6638 §9.2 defines it, or on
the principal).

Steps (one line each: "ok", "FAIL" or "warn"; warn = SHOULD-level or client-specific, fails
only with --strict):
  discovery     DAV: calendar-auto-schedule; inbox, outbox, default calendar, mailto: addresses
  invite        alice PUTs a meeting with bob -> Schedule-Tag; no ETag if the server changed it;
                bob's default calendar has it with PARTSTAT=NEEDS-ACTION; bob's inbox a REQUEST
  reply         bob PUTs his copy with PARTSTAT=ACCEPTED (If-Schedule-Tag-Match) -> alice's copy
                shows bob ACCEPTED; bob's Schedule-Tag unchanged; alice's inbox has the REPLY
  update        alice moves the meeting (SEQUENCE+1) -> bob's copy has the new time, a higher
                SEQUENCE, and still his own VALARM
  cancel        alice removes bob -> bob's copy STATUS:CANCELLED, alice's copy not cancelled;
                alice deletes a second meeting -> bob's copy STATUS:CANCELLED
  schedule-agent  ATTENDEE;SCHEDULE-AGENT=CLIENT (Thunderbird "prefer client-side email
                scheduling") and ORGANIZER;SCHEDULE-AGENT=CLIENT (Outlook CalDav Synchronizer's
                default) -> nothing delivered to bob
  room          a booking at a free slot is ACCEPTED, an overlapping one DECLINED; N concurrent
                bookings of one slot (alice and bob alternating) leave exactly one ACCEPTED
  free-busy     outbox POST (RFC 6638 shape, and Thunderbird's shape) -> busy periods for bob
                and the room, no event details
  library       caldav: supports_scheduling, schedule_inbox/outbox, get_vcal_address,
                save_with_invites, inbox get_items + accept_invite, freebusy_request,
                search_principals (self, all, the room by name)

Every event lives on a random day in 2031-2035 with a fresh UID, so runs do not collide; the
events are deleted at the end unless --keep. --wait N polls up to N seconds for deliveries
(default 0: Portico delivers in the organizer's transaction, so the copy must be there at once).
Bob's calendar must show free/busy to colleagues for the bob part of free-busy (Portico: its
visibility mode). The last line is "N passed, M failed, K warnings"; exit status 1 on a FAIL.
"""
import argparse
import base64
import concurrent.futures
import datetime as dt
import http.client
import random
import re
import ssl
import sys
import threading
import time
import traceback
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import quote, unquote, urljoin, urlsplit

D = "DAV:"
C = "urn:ietf:params:xml:ns:caldav"
UTC = dt.timezone.utc
BUSY_TYPES = {"BUSY", "BUSY-TENTATIVE", "BUSY-UNAVAILABLE"}


# --- reporting ------------------------------------------------------------------------------------
class Report:
    def __init__(self, strict):
        self.strict = strict
        self.passed = self.failed = self.warned = 0

    def ok(self, name, detail=""):
        self.passed += 1
        print(f"ok   {name}" + (f" ({detail})" if detail else ""), flush=True)

    def fail(self, name, detail):
        self.failed += 1
        print(f"FAIL {name}: {detail}", flush=True)

    def warn(self, name, detail):
        if self.strict:
            self.fail(name, detail)
        else:
            self.warned += 1
            print(f"warn {name}: {detail}", flush=True)

    def check(self, name, fn, soft=False):
        """Run fn(); an AssertionError (or any exception) is a failure (a warning if soft).
        fn may return a short detail string. Returns True when it passed."""
        try:
            detail = fn()
        except Skip as e:
            print(f"skip {name}: {e}", flush=True)
            return False
        except AssertionError as e:
            (self.warn if soft else self.fail)(name, str(e) or "assertion failed")
            return False
        except Exception as e:  # keep going so the summary is complete
            (self.warn if soft else self.fail)(name, f"{type(e).__name__}: {e}")
            if not isinstance(e, (OSError, http.client.HTTPException)):
                traceback.print_exc(limit=3, file=sys.stdout)
            return False
        self.ok(name, detail or "")
        return True


class Skip(Exception):
    """A step that cannot run because an earlier one failed."""


# --- HTTP ---------------------------------------------------------------------------------------
class Dav:
    """One account on the server. A fresh connection per request, so threads may share it."""

    def __init__(self, root, user, password):
        self.root = root if root.endswith("/") else root + "/"
        self.user = user
        self.auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        parts = urlsplit(self.root)
        self.scheme, self.netloc = parts.scheme, parts.netloc

    def url(self, href):
        return urljoin(self.root, href)

    def path(self, href):
        return urlsplit(self.url(href)).path

    def request(self, method, href, body=None, headers=None, redirects=3):
        url = urlsplit(self.url(href))
        hdrs = {"Authorization": self.auth, "User-Agent": "portico-scheduling-check/1"}
        hdrs.update(headers or {})
        if isinstance(body, str):
            body = body.encode("utf-8")
        if url.scheme == "https":
            conn = http.client.HTTPSConnection(url.netloc, timeout=60, context=ssl.create_default_context())
        else:
            conn = http.client.HTTPConnection(url.netloc, timeout=60)
        try:
            conn.request(method, url.path + (f"?{url.query}" if url.query else ""), body=body, headers=hdrs)
            resp = conn.getresponse()
            data = resp.read()
            rh = {k.lower(): v for k, v in resp.getheaders()}
        finally:
            conn.close()
        if resp.status in (301, 302, 307, 308) and redirects and "location" in rh:
            return self.request(method, urljoin(url.geturl(), rh["location"]), body, headers, redirects - 1)
        return resp.status, rh, data

    # WebDAV helpers
    def propfind(self, href, props, depth=0):
        body = ('<?xml version="1.0" encoding="utf-8"?><D:propfind xmlns:D="DAV:" '
                'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop>'
                + "".join(props) + "</D:prop></D:propfind>")
        st, h, data = self.request("PROPFIND", href, body,
                                   {"Depth": str(depth), "Content-Type": "application/xml; charset=utf-8"})
        assert st == 207, f"PROPFIND {self.path(href)} as {self.user}: {st} {data[:200]!r}"
        return multistatus(data)

    def report(self, href, body, depth=1):
        st, h, data = self.request("REPORT", href, body,
                                   {"Depth": str(depth), "Content-Type": "application/xml; charset=utf-8"})
        assert st == 207, f"REPORT {self.path(href)} as {self.user}: {st} {data[:300]!r}"
        return multistatus(data)

    def get(self, href):
        st, h, data = self.request("GET", href)
        return st, h, data.decode("utf-8", "replace")

    def put(self, href, ics, headers=None):
        hdrs = {"Content-Type": "text/calendar; charset=utf-8"}
        hdrs.update(headers or {})
        return self.request("PUT", href, ics, hdrs)

    def delete(self, href, headers=None):
        return self.request("DELETE", href, None, headers)


def multistatus(data):
    """{href path: {'{ns}prop': element}} for the 200 propstats of a multistatus."""
    out = {}
    root = ET.fromstring(data)
    for resp in root.findall(f"{{{D}}}response"):
        href = unquote(resp.findtext(f"{{{D}}}href", "").strip())
        props = out.setdefault(urlsplit(href).path or href, {})
        for ps in resp.findall(f"{{{D}}}propstat"):
            if " 200 " not in (ps.findtext(f"{{{D}}}status") or ""):
                continue
            found = ps.find(f"{{{D}}}prop")
            for element in (list(found) if found is not None else []):
                props[element.tag] = element
    return out


def hrefs(elem):
    return [h.text.strip() for h in elem.findall(f"{{{D}}}href") if h.text] if elem is not None else []


def first_href(elem):
    found = hrefs(elem)
    return found[0] if found else None


# --- iCalendar (just enough, no dependency) -------------------------------------------------------
def unfold(text):
    return [l for l in re.sub(r"\r?\n[ \t]", "", text.replace("\r\n", "\n")).split("\n") if l]


def parse_line(line):
    """'NAME;P=v;Q="a,b":value' -> ('NAME', {'P': 'v', 'Q': 'a,b'}, 'value')."""
    i, n = 0, len(line)
    while i < n and line[i] not in ";:":
        i += 1
    name, params = line[:i].upper(), {}
    while i < n and line[i] == ";":
        j = i + 1
        while j < n and line[j] != "=":
            j += 1
        key, j = line[i + 1:j].upper(), j + 1
        if j < n and line[j] == '"':
            k = line.index('"', j + 1)
            val, j = line[j + 1:k], k + 1
        else:
            k = j
            while k < n and line[k] not in ";:":
                k += 1
            val, j = line[j:k], k
        params[key], i = val, j
    return name, params, line[i + 1:]


def build_line(name, params, value):
    def q(v):
        return f'"{v}"' if any(c in v for c in ";:,") else v
    return name + "".join(f";{k}={q(v)}" for k, v in params.items()) + ":" + value


def fold(lines):
    out = []
    for line in lines:
        raw = line.encode("utf-8")
        while len(raw) > 74:
            cut = 74
            while cut and (raw[cut] & 0xC0) == 0x80:  # never split a UTF-8 sequence
                cut -= 1
            out.append(raw[:cut].decode())
            raw = b" " + raw[cut:]
        out.append(raw.decode())
    return "\r\n".join(out) + "\r\n"


def vevent_props(ics):
    """Top-level properties of the first VEVENT (nested VALARMs left out)."""
    props, depth, inside = [], 0, False
    for line in unfold(ics):
        up = line.upper()
        if up == "BEGIN:VEVENT" and not inside:
            inside, depth = True, 0
            continue
        if not inside:
            continue
        if up.startswith("BEGIN:"):
            depth += 1
        elif up.startswith("END:"):
            if depth == 0:
                break
            depth -= 1
        elif depth == 0:
            props.append(parse_line(line))
    return props


def prop(ics, name):
    for n, p, v in vevent_props(ics):
        if n == name:
            return v
    return None


def calendar_method(ics):
    for line in unfold(ics):
        up = line.upper()
        if up.startswith("BEGIN:V") and up != "BEGIN:VCALENDAR":
            return None
        if up.startswith("METHOD:"):
            return line.split(":", 1)[1].strip().upper()
    return None


def norm(addr):
    a = (addr or "").strip().lower()
    return a[7:] if a.startswith("mailto:") else a


def partstat(ics, address):
    """PARTSTAT of ATTENDEE address (NEEDS-ACTION if the parameter is absent), None if absent."""
    for n, p, v in vevent_props(ics):
        if n == "ATTENDEE" and norm(v) == norm(address):
            return p.get("PARTSTAT", "NEEDS-ACTION").upper()
    return None


def attendee_present(ics, address):
    return partstat(ics, address) is not None


def rewrite_vevent(ics, fn_line=None, insert_before_end=None):
    """Apply fn_line(name, params, value) -> line|None to the VEVENT's own lines; optionally
    insert lines before its END:VEVENT."""
    out, depth, inside = [], 0, False
    for line in unfold(ics):
        up = line.upper()
        if up == "BEGIN:VEVENT" and not inside:
            inside, depth = True, 0
            out.append(line)
            continue
        if inside:
            if up.startswith("BEGIN:"):
                depth += 1
            elif up.startswith("END:"):
                if depth == 0 and up == "END:VEVENT":
                    out.extend(insert_before_end or [])
                    inside = False
                    out.append(line)
                    continue
                depth -= 1
            elif depth == 0 and fn_line:
                new = fn_line(*parse_line(line))
                if new is not None:
                    out.append(new)
                continue
        out.append(line)
    return fold(out)


def with_partstat(ics, address, value):
    def fn(n, p, v):
        if n == "ATTENDEE" and norm(v) == norm(address):
            p = dict(p)
            p["PARTSTAT"] = value
            p.pop("RSVP", None)
            p.pop("SCHEDULE-STATUS", None)
        return build_line(n, p, v)
    return rewrite_vevent(ics, fn)


def ical_utc(t):
    return t.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def parse_utc(s):
    return dt.datetime.strptime(s.strip()[:15], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)


def parse_duration(s):
    m = re.fullmatch(r"([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?", s.strip())
    assert m, f"bad duration {s!r}"
    sign = -1 if m.group(1) == "-" else 1
    w, d, h, mi, se = (int(x or 0) for x in m.groups()[1:])
    return sign * dt.timedelta(weeks=w, days=d, hours=h, minutes=mi, seconds=se)


def busy_periods(ics):
    """[(start, end, FBTYPE)] from the FREEBUSY lines of a VFREEBUSY."""
    out = []
    for line in unfold(ics):
        n, p, v = parse_line(line)
        if n != "FREEBUSY":
            continue
        for period in v.split(","):
            a, b = period.split("/")
            start = parse_utc(a)
            end = start + parse_duration(b) if b.strip().upper().startswith(("P", "+P", "-P")) else parse_utc(b)
            out.append((start, end, p.get("FBTYPE", "BUSY").upper()))
    return out


def event_ics(uid, start, end, summary, organizer=None, attendees=(), sequence=None, extra=()):
    """attendees: (address, params dict) pairs."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Portico conformance//scheduling_check//EN",
             "BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{ical_utc(dt.datetime.now(UTC))}",
             f"DTSTART:{ical_utc(start)}", f"DTEND:{ical_utc(end)}", f"SUMMARY:{summary}"]
    if sequence is not None:
        lines.append(f"SEQUENCE:{sequence}")
    if organizer:
        addr, params = organizer
        lines.append(build_line("ORGANIZER", params, addr))
    for addr, params in attendees:
        lines.append(build_line("ATTENDEE", params, addr))
    lines.extend(extra)
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return fold(lines)


def overlaps(a_start, a_end, b_start, b_end):
    return a_start < b_end and b_start < a_end


# --- accounts -------------------------------------------------------------------------------------
PRINCIPAL_PROPS = ["<D:displayname/>", "<C:calendar-home-set/>", "<C:calendar-user-address-set/>",
                   "<C:schedule-inbox-URL/>", "<C:schedule-outbox-URL/>",
                   "<C:schedule-default-calendar-URL/>", "<C:calendar-user-type/>"]


class Account:
    """A principal as RFC 6638 describes it, found by PROPFIND."""

    def __init__(self, dav, principal_path, props):
        self.dav = dav
        self.principal = principal_path
        name = props.get(f"{{{D}}}displayname")
        self.name = (name.text or "").strip() if name is not None else ""
        self.home = first_href(props.get(f"{{{C}}}calendar-home-set"))
        self.addresses = hrefs(props.get(f"{{{C}}}calendar-user-address-set"))
        self.inbox = first_href(props.get(f"{{{C}}}schedule-inbox-URL"))
        self.outbox = first_href(props.get(f"{{{C}}}schedule-outbox-URL"))
        self.default_cal = first_href(props.get(f"{{{C}}}schedule-default-calendar-URL"))
        self.default_cal_on = "principal" if self.default_cal else None
        cut = props.get(f"{{{C}}}calendar-user-type")
        self.cutype = (cut.text or "").strip().upper() if cut is not None else ""

    @property
    def mailto(self):
        """The first mailto: address (what Thunderbird takes as the calendar user address)."""
        return next((a for a in self.addresses if a.lower().startswith("mailto:")), None)


def discover(dav):
    st, h, data = dav.request("PROPFIND", dav.root, '<?xml version="1.0"?><D:propfind xmlns:D="DAV:">'
                              "<D:prop><D:current-user-principal/></D:prop></D:propfind>",
                              {"Depth": "0", "Content-Type": "application/xml"})
    principal = None
    if st == 207:
        for props in multistatus(data).values():
            principal = first_href(props.get(f"{{{D}}}current-user-principal")) or principal
    if not principal:
        for props in dav.propfind(".well-known/caldav", ["<D:current-user-principal/>"]).values():
            principal = first_href(props.get(f"{{{D}}}current-user-principal")) or principal
    assert principal, f"no current-user-principal for {dav.user}"
    return load_account(dav, principal)


def load_account(dav, principal):
    ms = dav.propfind(principal, PRINCIPAL_PROPS)
    props = next(iter(ms.values()), {})
    acc = Account(dav, dav.path(principal), props)
    if acc.inbox:  # RFC 6638 §9.2 defines schedule-default-calendar-URL on the inbox
        try:
            inbox_props = next(iter(dav.propfind(acc.inbox, ["<C:schedule-default-calendar-URL/>"]).values()), {})
        except AssertionError:  # someone else's inbox (a room's, looked up by alice) is theirs alone
            inbox_props = {}
        on_inbox = first_href(inbox_props.get(f"{{{C}}}schedule-default-calendar-URL"))
        if on_inbox:
            acc.default_cal, acc.default_cal_on = on_inbox, "inbox"
    return acc


def find_room(alice, login, principal_arg):
    candidates = [principal_arg] if principal_arg else [
        f"/dav/principals/users/{login}/", f"/dav/principals/rooms/{login}/",
        f"/dav/principals/resources/{login}/", f"/dav/principals/{login}/"]
    for cand in candidates:
        try:
            acc = load_account(alice.dav, cand)
        except AssertionError:
            continue
        if acc.addresses:
            return acc
    raise AssertionError(f"no principal with a calendar-user-address-set for room {login!r} "
                         f"(tried {', '.join(candidates)}; pass --room-principal)")


# --- finding objects ----------------------------------------------------------------------------
def calendar_query_uid(dav, cal, uid):
    """[(href, ics)] of the objects with that UID in calendar cal."""
    body = ('<?xml version="1.0" encoding="utf-8"?><C:calendar-query xmlns:D="DAV:" '
            'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/></D:prop>'
            '<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">'
            f'<C:prop-filter name="UID"><C:text-match collation="i;octet">{uid}</C:text-match>'
            "</C:prop-filter></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>")
    out = []
    for href, props in dav.report(cal, body).items():
        data = props.get(f"{{{C}}}calendar-data")
        if data is not None and data.text and prop(data.text, "UID") == uid:
            out.append((href, data.text))
    return out


def mailbox_items(dav, box):
    """[(href, ics)] in a schedule inbox/outbox: PROPFIND Depth 1, then GET each member."""
    out = []
    box_path = dav.path(box).rstrip("/")
    for href in dav.propfind(box, ["<D:getetag/>", "<D:resourcetype/>"], depth=1):
        if href.rstrip("/") == box_path:
            continue
        st, h, text = dav.get(href)
        if st == 200:
            out.append((href, text))
    return out


def poll(fn, wait):
    """fn() until truthy or wait seconds passed; returns the last value."""
    deadline = time.monotonic() + wait
    while True:
        value = fn()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(0.25)


# --- the scenario ---------------------------------------------------------------------------------
class Scenario:
    def __init__(self, args, report):
        self.args = args
        self.r = report
        self.alice = self.bob = self.room = None
        self.cleanup = []  # (dav, href)
        self.run_id = uuid.uuid4().hex[:10]
        day = dt.date(2031, 1, 1) + dt.timedelta(days=random.randrange(5 * 365))
        self.day = dt.datetime(day.year, day.month, day.day, tzinfo=UTC)
        self.state = {}

    def at(self, hour, minute=0):
        return self.day + dt.timedelta(hours=hour, minutes=minute)

    def uid(self, what):
        return f"portico-sched-{self.run_id}-{what}@example.test"

    def event_href(self, acc, uid):
        return acc.dav.path(acc.default_cal).rstrip("/") + "/" + quote(uid, safe="@-._~") + ".ics"

    def organizer(self, acc, **params):
        p = {"CN": acc.name} if acc.name else {}
        p.update(params)
        return (acc.mailto, p)

    @staticmethod
    def attendee(acc, partstat="NEEDS-ACTION", **params):
        p = {"CUTYPE": acc.cutype or "INDIVIDUAL", "ROLE": "REQ-PARTICIPANT", "PARTSTAT": partstat}
        if partstat == "NEEDS-ACTION":
            p["RSVP"] = "TRUE"
        p.update(params)
        return (acc.mailto, p)

    def put_new(self, acc, uid, ics):
        href = self.event_href(acc, uid)
        st, h, data = acc.dav.put(href, ics, {"If-None-Match": "*"})
        assert st in (200, 201, 204), f"PUT {href} as {acc.dav.user}: {st} {data[:300]!r}"
        self.cleanup.append((acc.dav, href))
        return href, h

    def copy_of(self, acc, uid):
        """(href, ics) of acc's copy in their default calendar, polling up to --wait."""
        found = poll(lambda: calendar_query_uid(acc.dav, acc.default_cal, uid), self.args.wait)
        return found[0] if found else (None, None)

    def inbox_with(self, acc, uid, method):
        def look():
            return [(h, t) for h, t in mailbox_items(acc.dav, acc.inbox)
                    if f"UID:{uid}" in "\n".join(unfold(t)) and calendar_method(t) == method]
        return poll(look, self.args.wait)

    def need(self, *keys):
        for k in keys:
            if k not in self.state:
                raise Skip(f"needs {k} from an earlier step")

    # discovery
    def run(self):
        a = self.args
        r = self.r
        alice_dav, bob_dav = Dav(a.url, a.alice, a.alice_password), Dav(a.url, a.bob, a.bob_password)

        def disc():
            self.alice, self.bob = discover(alice_dav), discover(bob_dav)
            for acc in (self.alice, self.bob):
                assert acc.inbox, f"{acc.dav.user}: no schedule-inbox-URL on {acc.principal}"
                assert acc.outbox, f"{acc.dav.user}: no schedule-outbox-URL on {acc.principal}"
                assert acc.mailto, f"{acc.dav.user}: no mailto: in calendar-user-address-set {acc.addresses}"
                assert acc.default_cal, f"{acc.dav.user}: no schedule-default-calendar-URL (principal or inbox)"
            return f"alice {self.alice.mailto}, bob {self.bob.mailto}, inbox {self.alice.inbox}"
        if not r.check("discovery: principals carry inbox, outbox, default calendar, mailto address", disc):
            return

        def dav_header():
            missing = []
            for where in (self.alice.principal, self.alice.home or self.alice.principal, self.alice.default_cal):
                st, h, _ = alice_dav.request("OPTIONS", where)
                if "calendar-auto-schedule" not in h.get("dav", ""):
                    missing.append(f"{where} ({h.get('dav', 'no DAV header')})")
            assert not missing, "no calendar-auto-schedule in the DAV header of " + "; ".join(missing)
        r.check("discovery: DAV header has calendar-auto-schedule (principal, home, calendar)", dav_header)

        def first_mailto():
            for acc in (self.alice, self.bob):
                assert acc.addresses[0].lower().startswith("mailto:"), (
                    f"{acc.dav.user}: first address is {acc.addresses[0]}; python caldav's "
                    "get_vcal_address() takes the first (or preferred=1) href")
        r.check("discovery: mailto: is the first calendar-user-address-set href", first_mailto, soft=True)

        def default_on_inbox():
            assert self.alice.default_cal_on == "inbox", (
                "schedule-default-calendar-URL is on the principal only; RFC 6638 §9.2 defines it on the inbox")
        r.check("discovery: schedule-default-calendar-URL on the inbox (RFC 6638 §9.2)", default_on_inbox, soft=True)

        def room():
            self.room = find_room(self.alice, a.room, a.room_principal)
            if a.room_address:
                self.room.addresses = [a.room_address]
            assert self.room.mailto, f"room {a.room}: no mailto: address"
            assert self.room.cutype in ("ROOM", "RESOURCE"), f"room calendar-user-type is {self.room.cutype!r}"
            return f"{self.room.principal} {self.room.mailto} {self.room.cutype}"
        r.check("discovery: room principal with calendar-user-type ROOM", room)

        self.invite_reply_update()
        self.cancellations()
        self.schedule_agent_client()
        if self.room and self.room.mailto:
            self.rooms()
        self.freebusy()
        if not a.no_library:
            self.library()

    # invite, reply, update
    def invite_reply_update(self):
        r, alice, bob = self.r, self.alice, self.bob
        uid = self.uid("meeting")
        start, end = self.at(9), self.at(10)
        sent = event_ics(uid, start, end, "Scheduling check: meeting", self.organizer(alice),
                         [self.attendee(alice, "ACCEPTED"), self.attendee(bob)], sequence=0)

        def invite():
            href, h = self.put_new(alice, uid, sent)
            self.state["meeting_href"], self.state["meeting_put"] = href, h
            return href
        if not r.check("invite: alice PUTs a meeting with bob into her default calendar", invite):
            return

        def schedule_tag():
            tag = self.state["meeting_put"].get("schedule-tag")
            assert tag, "the PUT of a scheduling object resource answered no Schedule-Tag (RFC 6638 §3.2)"
            return tag
        r.check("invite: the PUT answers a Schedule-Tag", schedule_tag)

        def no_etag_if_changed():
            st, gh, stored = alice.dav.get(self.state["meeting_href"])
            assert st == 200, f"GET: {st}"
            if self.state["meeting_put"].get("etag") and stored.replace("\r\n", "\n") != sent.replace("\r\n", "\n"):
                raise AssertionError("the PUT answered an ETag but the stored object differs from what was "
                                     "sent (RFC 4791 §5.3.4: no ETag when the server changes the data)")
            return "ETag withheld" if not self.state["meeting_put"].get("etag") else "stored as sent"
        r.check("invite: no ETag in the PUT answer when the server changed the object", no_etag_if_changed)

        def bob_copy():
            href, ics = self.copy_of(bob, uid)
            assert href, f"no event {uid} in bob's default calendar {bob.default_cal}"
            ps = partstat(ics, bob.mailto)
            assert ps == "NEEDS-ACTION", f"bob's PARTSTAT in his copy is {ps}"
            assert calendar_method(ics) is None, "bob's calendar copy carries a METHOD"
            self.state["bob_copy"] = href
            return href
        r.check("invite: bob's default calendar has the event with PARTSTAT=NEEDS-ACTION", bob_copy)

        def bob_inbox():
            items = self.inbox_with(bob, uid, "REQUEST")
            assert items, f"no METHOD:REQUEST for {uid} in bob's inbox {bob.inbox}"
            self.cleanup.append((bob.dav, items[0][0]))
            return items[0][0]
        r.check("invite: bob's inbox has the METHOD:REQUEST", bob_inbox)

        def organizer_status():
            st, h, ics = alice.dav.get(self.state["meeting_href"])
            for n, p, v in vevent_props(ics):
                if n == "ATTENDEE" and norm(v) == norm(bob.mailto):
                    ss = p.get("SCHEDULE-STATUS", "")
                    assert ss.startswith(("1.2", "2.0")), f"bob's SCHEDULE-STATUS in alice's copy is {ss!r}"
                    return ss
            raise AssertionError("bob is no longer an ATTENDEE in alice's copy")
        r.check("invite: alice's copy has SCHEDULE-STATUS 1.2 (delivered) for bob", organizer_status, soft=True)

        # bob accepts, adding an alarm of his own
        marker = f"bob-alarm-{self.run_id}"

        def accept():
            self.need("bob_copy")
            st, h, ics = bob.dav.get(self.state["bob_copy"])
            assert st == 200, f"GET bob's copy: {st}"
            tag = h.get("schedule-tag")
            assert tag, "GET of bob's copy answered no Schedule-Tag"
            accepted = with_partstat(ics, bob.mailto, "ACCEPTED")
            accepted = rewrite_vevent(accepted, lambda n, p, v: build_line(n, p, v),
                                      ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{marker}",
                                       "TRIGGER:-PT15M", "END:VALARM"])
            st, ph, data = bob.dav.put(self.state["bob_copy"], accepted, {"If-Schedule-Tag-Match": tag})
            assert st in (200, 201, 204), f"bob's PUT with PARTSTAT=ACCEPTED: {st} {data[:300]!r}"
            self.state["bob_tag"] = tag
            self.state["bob_tag_after_put"] = ph.get("schedule-tag")
        if not r.check("reply: bob PUTs PARTSTAT=ACCEPTED with If-Schedule-Tag-Match", accept):
            return

        def organizer_sees():
            def look():
                st, h, ics = alice.dav.get(self.state["meeting_href"])
                return partstat(ics, bob.mailto) == "ACCEPTED" and ics
            ics = poll(look, self.args.wait)
            if not ics:
                st, h, ics = alice.dav.get(self.state["meeting_href"])
                raise AssertionError(f"bob's PARTSTAT in alice's copy is {partstat(ics, bob.mailto)}")
            assert marker not in ics, "bob's VALARM leaked into alice's copy"
        r.check("reply: alice's copy shows bob ACCEPTED (and not bob's alarm)", organizer_sees)

        def tag_stable():
            st, h, ics = bob.dav.get(self.state["bob_copy"])
            now = h.get("schedule-tag")
            assert now == self.state["bob_tag"], (
                f"bob's Schedule-Tag changed on his own PARTSTAT change: {self.state['bob_tag']} -> {now} "
                "(RFC 6638 §3.2.10; caldav-server-tester scheduling.schedule-tag.stable-partstat)")
        r.check("reply: bob's Schedule-Tag unchanged by his PARTSTAT-only change", tag_stable)

        def reply_in_inbox():
            items = self.inbox_with(alice, uid, "REPLY")
            assert items, f"no METHOD:REPLY for {uid} in alice's inbox {alice.inbox}"
            self.cleanup.append((alice.dav, items[0][0]))
        r.check("reply: alice's inbox has bob's METHOD:REPLY", reply_in_inbox, soft=True)

        # alice moves the meeting
        def update():
            st, h, ics = alice.dav.get(self.state["meeting_href"])
            seq = int(prop(ics, "SEQUENCE") or 0)
            _, bob_ics = self.copy_of(bob, uid)
            self.state["bob_seq_before"] = int(prop(bob_ics, "SEQUENCE") or 0)

            def move(n, p, v):
                if n == "DTSTART":
                    return f"DTSTART:{ical_utc(self.at(9, 30))}"
                if n == "DTEND":
                    return f"DTEND:{ical_utc(self.at(10, 30))}"
                if n == "SEQUENCE":
                    return f"SEQUENCE:{seq + 1}"
                if n == "SUMMARY":
                    return "SUMMARY:Scheduling check: meeting (moved)"
                return build_line(n, p, v)
            moved = rewrite_vevent(ics, move)
            if "SEQUENCE:" not in moved:
                moved = rewrite_vevent(moved, lambda n, p, v: build_line(n, p, v), [f"SEQUENCE:{seq + 1}"])
            cond = {"If-Match": h["etag"]} if h.get("etag") else {"If-Schedule-Tag-Match": h.get("schedule-tag", "")}
            st, ph, data = alice.dav.put(self.state["meeting_href"], moved, cond)
            assert st in (200, 201, 204), f"alice's update: {st} {data[:300]!r}"
            self.state["alice_seq"] = seq + 1
        if not r.check("update: alice moves the meeting (SEQUENCE+1)", update):
            return

        def bob_updated():
            def look():
                href, ics = self.copy_of(bob, uid)
                return ics if ics and prop(ics, "DTSTART") == ical_utc(self.at(9, 30)) else None
            ics = poll(look, self.args.wait)
            assert ics, "bob's copy does not have the new DTSTART"
            seq = int(prop(ics, "SEQUENCE") or 0)
            assert seq > self.state["bob_seq_before"], f"bob's SEQUENCE {self.state['bob_seq_before']} -> {seq}"
            assert marker in ics, "bob's own VALARM was lost when the organizer's update arrived"
            return f"SEQUENCE {self.state['bob_seq_before']} -> {seq}"
        r.check("update: bob's copy has the new time, a higher SEQUENCE and still his alarm", bob_updated)

    # cancellations
    def cancellations(self):
        r, alice, bob = self.r, self.alice, self.bob

        def remove_attendee():
            self.need("meeting_href")
            uid = self.uid("meeting")
            st, h, ics = alice.dav.get(self.state["meeting_href"])
            seq = int(prop(ics, "SEQUENCE") or 0)

            def drop(n, p, v):
                if n == "ATTENDEE" and norm(v) == norm(bob.mailto):
                    return None
                if n == "SEQUENCE":
                    return f"SEQUENCE:{seq + 1}"
                return build_line(n, p, v)
            cond = {"If-Match": h["etag"]} if h.get("etag") else {}
            st, ph, data = alice.dav.put(self.state["meeting_href"], rewrite_vevent(ics, drop), cond)
            assert st in (200, 201, 204), f"alice's PUT without bob: {st} {data[:300]!r}"

            self.expect_cancelled(bob, uid)
            st, h, ics = alice.dav.get(self.state["meeting_href"])
            assert (prop(ics, "STATUS") or "").upper() != "CANCELLED", "alice's own copy was cancelled too"
        r.check("cancel: alice removes bob -> bob's copy STATUS:CANCELLED, alice's is not", remove_attendee)

        def cancel_in_inbox():
            items = self.inbox_with(bob, self.uid("meeting"), "CANCEL")
            assert items, "no METHOD:CANCEL in bob's inbox after he was removed"
        r.check("cancel: bob's inbox has the METHOD:CANCEL", cancel_in_inbox, soft=True)

        def delete_meeting():
            uid = self.uid("doomed")
            href, h = self.put_new(alice, uid, event_ics(uid, self.at(12), self.at(13), "Scheduling check: doomed",
                                                         self.organizer(alice),
                                                         [self.attendee(alice, "ACCEPTED"), self.attendee(bob)], 0))
            bhref, bics = self.copy_of(bob, uid)
            assert bhref, "bob never got the meeting"
            st, dh, data = alice.dav.delete(href)
            assert st in (200, 204), f"alice's DELETE: {st} {data[:200]!r}"
            self.cleanup.append((bob.dav, bhref))

            self.expect_cancelled(bob, uid)
        r.check("cancel: alice deletes a meeting -> bob's copy STATUS:CANCELLED", delete_meeting)

    def expect_cancelled(self, acc, uid):
        """acc's copy of uid is kept and marked STATUS:CANCELLED (issue 12), polling up to --wait."""
        def look():
            href, ics = self.copy_of(acc, uid)
            return ics if ics and (prop(ics, "STATUS") or "").upper() == "CANCELLED" else None
        if poll(look, self.args.wait):
            return
        href, ics = self.copy_of(acc, uid)
        assert ics is not None, f"{acc.dav.user}'s copy was deleted instead of marked STATUS:CANCELLED"
        raise AssertionError(f"{acc.dav.user}'s copy has STATUS {prop(ics, 'STATUS')!r}, not CANCELLED")

    # SCHEDULE-AGENT=CLIENT: the client sends the mail itself, the server must not deliver
    def schedule_agent_client(self):
        r, alice, bob = self.r, self.alice, self.bob

        def no_delivery(what, organizer_params, attendee_params):
            uid = self.uid(what)
            self.put_new(alice, uid, event_ics(uid, self.at(7), self.at(8), f"Scheduling check: {what}",
                                               self.organizer(alice, **organizer_params),
                                               [self.attendee(alice, "ACCEPTED"), self.attendee(bob, **attendee_params)], 0))
            if self.args.wait:  # give an asynchronous server the same chance it gets elsewhere
                time.sleep(min(self.args.wait, 2))
            copies = calendar_query_uid(bob.dav, bob.default_cal, uid)
            assert not copies, f"the server delivered to bob despite SCHEDULE-AGENT=CLIENT ({copies[0][0]})"
            inbox = [t for h, t in mailbox_items(bob.dav, bob.inbox) if f"UID:{uid}" in "\n".join(unfold(t))]
            assert not inbox, "bob's inbox got a message despite SCHEDULE-AGENT=CLIENT"

        r.check("schedule-agent: ATTENDEE;SCHEDULE-AGENT=CLIENT (Thunderbird client-side scheduling) is not delivered",
                lambda: no_delivery("agent-attendee", {}, {"SCHEDULE-AGENT": "CLIENT"}))
        r.check("schedule-agent: ORGANIZER;SCHEDULE-AGENT=CLIENT (CalDav Synchronizer default) is not delivered",
                lambda: no_delivery("agent-organizer", {"SCHEDULE-AGENT": "CLIENT"}, {}))

    # rooms
    def rooms(self):
        r, alice, bob, room = self.r, self.alice, self.bob, self.room

        def booking(acc, what, start, end):
            uid = self.uid(what)
            href, h = self.put_new(acc, uid, event_ics(uid, start, end, f"Scheduling check: {what}",
                                                       self.organizer(acc),
                                                       [self.attendee(acc, "ACCEPTED"), self.attendee(room, CUTYPE="ROOM")], 0))

            def look():
                st, gh, ics = acc.dav.get(href)
                ps = partstat(ics, room.mailto)
                return ps if ps in ("ACCEPTED", "DECLINED") else None
            return poll(look, self.args.wait) or partstat(acc.dav.get(href)[2], room.mailto)

        def free_slot():
            ps = booking(alice, "room-first", self.at(11), self.at(12))
            assert ps == "ACCEPTED", f"room PARTSTAT at a free slot: {ps}"
            self.state["room_busy"] = (self.at(11), self.at(12))
        r.check("room: a booking at a free slot is ACCEPTED", free_slot)

        def conflict():
            self.need("room_busy")
            ps = booking(bob, "room-second", self.at(11, 30), self.at(12, 30))
            assert ps == "DECLINED", f"room PARTSTAT for an overlapping booking: {ps}"
        r.check("room: an overlapping booking (another organizer) is DECLINED", conflict)

        def race():
            n = self.args.bookings
            start, end = self.at(14), self.at(15)
            barrier = threading.Barrier(n)
            accounts = [alice if i % 2 == 0 else bob for i in range(n)]
            uids = [self.uid(f"race-{i}") for i in range(n)]

            def one(i):
                acc = accounts[i]
                ics = event_ics(uids[i], start, end, f"Scheduling check: race {i}", self.organizer(acc),
                                [self.attendee(acc, "ACCEPTED"), self.attendee(room, CUTYPE="ROOM")], 0)
                href = self.event_href(acc, uids[i])
                barrier.wait(timeout=60)
                st, h, data = acc.dav.put(href, ics, {"If-None-Match": "*"})
                return href, st, data[:200]

            with concurrent.futures.ThreadPoolExecutor(max_workers=n) as pool:
                results = list(pool.map(one, range(n)))
            for i, (href, st, body) in enumerate(results):
                if st in (200, 201, 204):
                    self.cleanup.append((accounts[i].dav, href))
            bad = [f"{href}: {st} {body!r}" for href, st, body in results if st not in (200, 201, 204)]
            assert not bad, f"{len(bad)} of {n} PUTs failed: {bad[:3]}"
            counts = {}
            for i, (href, st, body) in enumerate(results):
                ps = partstat(accounts[i].dav.get(href)[2], room.mailto)
                counts[ps] = counts.get(ps, 0) + 1
            assert counts.get("ACCEPTED", 0) == 1 and counts.get("DECLINED", 0) == n - 1, f"room answers: {counts}"
            return f"{n} bookings: {counts}"
        r.check(f"room: {self.args.bookings} concurrent bookings of one slot leave exactly one ACCEPTED", race)

    # free-busy
    def freebusy(self):
        r, alice, bob, room = self.r, self.alice, self.bob, self.room

        def bob_busy():
            uid = self.uid("bob-busy")
            self.put_new(bob, uid, event_ics(uid, self.at(16), self.at(17), "Secret dentist appointment"))
            self.state["bob_busy"] = (self.at(16), self.at(17))
        if not r.check("free-busy: bob has a private busy event", bob_busy):
            return

        def post(recipients, tb_shape=False):
            lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Portico conformance//scheduling_check//EN",
                     "METHOD:REQUEST", "BEGIN:VFREEBUSY", f"UID:{uuid.uuid4()}",
                     f"DTSTAMP:{ical_utc(dt.datetime.now(UTC))}", f"DTSTART:{ical_utc(self.at(6))}",
                     f"DTEND:{ical_utc(self.at(20))}", f"ORGANIZER:{alice.mailto}"]
            for acc in recipients:
                params = {"PARTSTAT": "NEEDS-ACTION", "ROLE": "REQ-PARTICIPANT", "CUTYPE": "INDIVIDUAL"} if tb_shape else {}
                lines.append(build_line("ATTENDEE", params, acc.mailto))
            lines += ["END:VFREEBUSY", "END:VCALENDAR"]
            headers = {"Content-Type": "text/calendar; charset=utf-8"}
            if tb_shape:  # Thunderbird's CalDavFreeBusyRequest also sends these draft-era headers
                headers.update({"Originator": alice.mailto, "Recipient": recipients[0].mailto})
            st, h, data = alice.dav.request("POST", alice.outbox, fold(lines), headers)
            assert st == 200, f"POST to the outbox: {st} {data[:300]!r} (Thunderbird needs exactly 200)"
            assert "xml" in h.get("content-type", ""), f"Content-Type {h.get('content-type')}"
            root = ET.fromstring(data)
            assert root.tag == f"{{{C}}}schedule-response", f"root element {root.tag}"
            out = {}
            for resp in root.findall(f"{{{C}}}response"):
                rec = resp.find(f"{{{C}}}recipient")
                addr = (first_href(rec) or (rec.text or "")).strip() if rec is not None else ""
                extra = [c.tag for c in resp if c.tag not in (f"{{{C}}}recipient", f"{{{C}}}request-status",
                                                              f"{{{C}}}calendar-data")]
                assert not extra, f"unexpected {extra} in a response (python caldav raises on them)"
                out[norm(addr)] = (resp.findtext(f"{{{C}}}request-status", "").strip(),
                                   resp.findtext(f"{{{C}}}calendar-data", ""))
            return out

        def check_busy(result, acc, interval, label):
            status, caldata = result.get(norm(acc.mailto), ("(no response)", ""))
            assert status.startswith("2.0"), f"{label}: request-status {status!r}"
            periods = [(s, e) for s, e, t in busy_periods(caldata) if t in BUSY_TYPES]
            assert any(overlaps(s, e, *interval) for s, e in periods), (
                f"{label}: no busy period over {ical_utc(interval[0])}/{ical_utc(interval[1])} in {periods}")
            assert "SUMMARY" not in caldata.upper() and "Secret" not in caldata, f"{label}: event details leaked"
            return len(periods)

        def rfc_shape():
            recipients = [bob] + ([room] if room and room.mailto and "room_busy" in self.state else [])
            result = post(recipients)
            n = check_busy(result, bob, self.state["bob_busy"], "bob")
            if room in recipients:
                check_busy(result, room, self.state["room_busy"], "room")
            return f"{n} busy period(s) for bob" + (", room busy too" if room in recipients else "")
        r.check("free-busy: outbox POST answers busy periods for bob and the room, no details", rfc_shape)

        r.check("free-busy: Thunderbird-shaped POST (Originator/Recipient headers) answers 200 with bob busy",
                lambda: check_busy(post([bob], tb_shape=True), bob, self.state["bob_busy"], "bob") and None)

    # the python caldav library, as caldav-server-tester and other python clients call it
    def library(self):
        r, alice, bob = self.r, self.alice, self.bob
        try:
            import caldav
        except ImportError:
            print("skip library: the python caldav package is not installed", flush=True)
            return
        a = self.args
        ac = caldav.DAVClient(url=a.url, username=a.alice, password=a.alice_password)
        bc = caldav.DAVClient(url=a.url, username=a.bob, password=a.bob_password)
        lib = {}

        def basics():
            assert ac.supports_scheduling(), "supports_scheduling() is False (OPTIONS on the principal)"
            p = ac.principal()
            p.schedule_inbox()
            p.schedule_outbox()
            addr = str(p.get_vcal_address())
            assert addr.lower().startswith("mailto:"), f"get_vcal_address() = {addr}"
            lib["alice"], lib["bob"] = p, bc.principal()
            return addr
        if not r.check("library: supports_scheduling, schedule_inbox/outbox, get_vcal_address", basics):
            return

        uid = self.uid("library")

        def invite():
            cal = caldav.Calendar(client=ac, url=alice.dav.url(alice.default_cal))
            ics = event_ics(uid, self.at(18), self.at(19), "Scheduling check: library invite")
            obj = cal.save_with_invites(ics, [lib["bob"].get_vcal_address()])
            self.cleanup.append((alice.dav, alice.dav.path(str(obj.url))))

            def look():
                for item in lib["bob"].schedule_inbox().get_items():
                    if uid in (item.data or "") and item.is_invite_request():
                        return item
            item = poll(look, self.args.wait)
            assert item, "bob's schedule_inbox().get_items() has no REQUEST for the invitation"
            lib["item"] = item
        if not r.check("library: save_with_invites reaches bob's schedule_inbox().get_items()", invite):
            return

        def accept():
            lib["item"].accept_invite()
            href = self.event_href(alice, uid)
            for h, ics in calendar_query_uid(alice.dav, alice.default_cal, uid):
                assert partstat(ics, bob.mailto) == "ACCEPTED", f"alice's copy: bob {partstat(ics, bob.mailto)}"
                return
            raise AssertionError(f"alice's copy of {uid} not found near {href}")
        r.check("library: accept_invite() updates alice's copy to ACCEPTED", accept)

        def freebusy():
            res = lib["alice"].freebusy_request(self.at(6), self.at(20), [lib["bob"].get_vcal_address()])
            errors = res.get("errors") or {}
            assert not errors, f"errors: {errors}"
            assert any(norm(k) == norm(bob.mailto) for k in res if k != "errors"), f"recipients: {list(res)}"
        r.check("library: principal.freebusy_request() for bob", freebusy)

        def search():
            me = ac.search_principals(name=alice.name or a.alice)
            assert me, f"search_principals(name={alice.name!r}) found nothing"
            everyone = ac.search_principals()
            assert everyone, "search_principals() (list all) found nothing"
            found = ""
            if self.room and self.room.name:
                rooms = ac.search_principals(name=self.room.name)
                paths = [urlsplit(str(p.url)).path.rstrip("/") for p in rooms]
                assert self.room.principal.rstrip("/") in paths, f"room {self.room.name!r} not found: {paths}"
                found = ", the room by name"
            return f"self, {len(everyone)} listed{found}"
        r.check("library: search_principals (self by name, all, the room by name)", search)

    def clean(self):
        for dav, href in reversed(self.cleanup):
            try:
                dav.delete(href)
            except Exception:
                pass


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("url")
    ap.add_argument("alice")
    ap.add_argument("alice_password")
    ap.add_argument("bob")
    ap.add_argument("bob_password")
    ap.add_argument("room", help="login of the room principal")
    ap.add_argument("--room-address", help="the room's mailto: (default: its calendar-user-address-set)")
    ap.add_argument("--room-principal", help="the room's principal path (default: tried under /dav/principals/)")
    ap.add_argument("--wait", type=float, default=0.0, help="seconds to poll for deliveries (default 0)")
    ap.add_argument("--bookings", type=int, default=20, help="concurrent bookings of one room slot (default 20)")
    ap.add_argument("--keep", action="store_true", help="leave the test events on the server")
    ap.add_argument("--no-library", action="store_true", help="skip the python caldav round trips")
    ap.add_argument("--strict", action="store_true", help="warnings fail too")
    args = ap.parse_args()
    report = Report(args.strict)
    scenario = Scenario(args, report)
    print(f"# scheduling check against {args.url}, events on {scenario.day:%Y-%m-%d}, run {scenario.run_id}", flush=True)
    try:
        scenario.run()
    finally:
        if not args.keep:
            scenario.clean()
    print(f"{report.passed} passed, {report.failed} failed, {report.warned} warnings")
    sys.exit(1 if report.failed else 0)


if __name__ == "__main__":
    main()
