#!/usr/bin/env python3
"""iMIP (RFC 6047) against a live Portico with a real SMTP server (smtp_sink.py, aiosmtpd): an
organizer's meetings with a guest outside the company reach the guest by mail.

usage: imip_check.py URL USER PASSWORD MAILDIR STEP
  STEP invite  : a meeting with guest@partner.example -> one REQUEST mail (SEQUENCE 0, a
                 Message-ID, From the server's address with the organizer's name, Reply-To the
                 organizer), SCHEDULE-STATUS 1.1 on the guest in the organizer's copy; its
                 signed Accept link shows a page on GET (nothing changes: mail scanners fetch
                 links) and answers on POST exactly once; a change
                 that keeps the SEQUENCE mails nothing; SEQUENCE 1 mails a second REQUEST;
                 taking the guest off mails them a CANCEL; deleting a meeting mails its guest a
                 CANCEL with STATUS:CANCELLED.
  STEP queue   : (the SMTP server is down) a meeting with late@partner.example is answered at
                 once and queued; nothing is delivered.
  STEP drained : (the SMTP server is back, the server was killed with SIGKILL and restarted
                 meanwhile) the queued REQUEST arrives exactly once.
One line per check; exit status 1 on a failure. Standard library only.
"""
import base64
import email
import email.policy
import glob
import http.client
import os
import sys
import time
import urllib.parse

GUEST = "guest@partner.example"
OTHER = "other@partner.example"
LATE = "late@partner.example"
FAILED = []


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + (f": {detail}" if detail and not ok else ""), flush=True)
    if not ok:
        FAILED.append(name)


class Dav:
    def __init__(self, url, user, password):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port
        self.auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self.user = user

    def req(self, method, path, body=None, headers=None):
        c = http.client.HTTPConnection(self.host, self.port, timeout=30)
        h = {"Authorization": self.auth}
        h.update(headers or {})
        c.request(method, path, body=body.encode() if isinstance(body, str) else body, headers=h)
        r = c.getresponse()
        data = r.read().decode("utf-8", "replace")
        c.close()
        return r.status, data


def meeting(uid, seq, guests, summary="Partner review", user="alice"):
    att = "".join(f"ATTENDEE;RSVP=TRUE;PARTSTAT=NEEDS-ACTION:mailto:{g}\r\n" for g in guests)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//imip check//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20300101T000000Z\r\nDTSTART:20300301T100000Z\r\nDTEND:20300301T110000Z\r\n"
        f"SUMMARY:{summary}\r\nSEQUENCE:{seq}\r\nORGANIZER;CN=Alice Archer:mailto:{user}@example.test\r\n"
        f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{user}@example.test\r\n{att}END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def mails(maildir):
    """[(recipients, message)] in arrival order."""
    out = []
    for path in sorted(glob.glob(os.path.join(maildir, "*.eml"))):
        with open(path, "rb") as f:
            msg = email.message_from_bytes(f.read(), policy=email.policy.default)
        with open(path[:-4] + ".env") as f:
            rcpt = f.read().split("\n")[1:]
        out.append(([r for r in rcpt if r], msg))
    return out


def calendar_part(msg):
    for part in msg.walk():
        if part.get_content_type() == "text/calendar":
            return part.get_param("method"), part.get_content()
    return None, ""


def wait_for(maildir, n, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = mails(maildir)
        if len(got) >= n:
            return got
        time.sleep(0.2)
    return mails(maildir)


def put(dav, name, body):
    st, text = dav.req("PUT", f"/dav/calendars/{dav.user}/calendar/{name}", body, {"Content-Type": "text/calendar"})
    if st not in (201, 204):
        raise SystemExit(f"FAIL PUT {name}: {st} {text[:300]}")


def step_invite(dav, maildir):
    put(dav, "imip-1.ics", meeting("imip-1", 0, [GUEST, OTHER]))
    got = wait_for(maildir, 2)
    check("a new meeting mails each guest one REQUEST", len(got) == 2 and sorted(r[0] for r, _ in got) == [GUEST, OTHER], [r for r, _ in got])
    first = next((m for r, m in got if r == [GUEST]), None)
    if first is None:
        return
    method, cal = calendar_part(first)
    check("the mail carries text/calendar; method=REQUEST with SEQUENCE 0", method == "REQUEST" and "METHOD:REQUEST" in cal and "SEQUENCE:0" in cal, method)
    check("it has a Message-ID", bool(first["Message-ID"]), first["Message-ID"])
    check("From the server's address in the organizer's name, Reply-To the organizer",
          "calendar@example.test" in str(first["From"]) and "Alice" in str(first["From"]) and "alice@example.test" in str(first["Reply-To"]),
          f"{first['From']} / {first['Reply-To']}")
    st, mine = dav.req("GET", "/dav/calendars/alice/calendar/imip-1.ics")
    unfolded = mine.replace("\r\n ", "")
    line = next((l for l in unfolded.split("\r\n") if GUEST in l), "")
    check("the organizer's copy says SCHEDULE-STATUS 1.1 (sent) for the guest", "SCHEDULE-STATUS=1.1" in line, line)
    answer_by_link(dav, first)

    put(dav, "imip-1.ics", meeting("imip-1", 0, [GUEST, OTHER], summary="Partner review (agenda attached)"))
    time.sleep(5)
    check("a change that keeps the SEQUENCE mails nothing", len(mails(maildir)) == 2, len(mails(maildir)))

    put(dav, "imip-1.ics", meeting("imip-1", 1, [GUEST, OTHER], summary="Partner review (moved)"))
    got = wait_for(maildir, 4)
    news = [m for r, m in got[2:] if r == [GUEST]]
    ok = len(got) == 4 and len(news) == 1 and "SEQUENCE:1" in calendar_part(news[0])[1]
    check("SEQUENCE 1 mails each guest a second REQUEST with SEQUENCE 1", ok, len(got))
    if news:
        check("each mail has its own Message-ID", news[0]["Message-ID"] != first["Message-ID"])

    put(dav, "imip-1.ics", meeting("imip-1", 2, [GUEST], summary="Partner review (moved)"))
    got = wait_for(maildir, 6)
    to_other = [m for r, m in got[4:] if r == [OTHER]]
    m0 = to_other[0] if to_other else None
    ok = m0 is not None and calendar_part(m0)[0] == "CANCEL" and GUEST not in calendar_part(m0)[1]
    check("a guest taken off the meeting gets a CANCEL naming only them", ok, [r for r, _ in got[4:]])

    put(dav, "imip-2.ics", meeting("imip-2", 0, [GUEST], summary="Quarterly"))
    n = len(wait_for(maildir, 7))
    st, _ = dav.req("DELETE", "/dav/calendars/alice/calendar/imip-2.ics")
    got = wait_for(maildir, n + 1)
    last = got[-1][1] if len(got) > n else None
    ok = last is not None and calendar_part(last)[0] == "CANCEL" and "STATUS:CANCELLED" in calendar_part(last)[1]
    check("deleting a meeting mails its guest a CANCEL (STATUS:CANCELLED)", st == 204 and ok, st)


def guest_line(dav, name):
    _, mine = dav.req("GET", f"/dav/calendars/alice/calendar/{name}")
    return next((l for l in mine.replace("\r\n ", "").split("\r\n") if GUEST in l), "")


def answer_by_link(dav, invitation):
    """The invitation's signed Accept link: GET shows, POST answers, a second POST changes nothing."""
    text = invitation.get_body(preferencelist=("plain",)).get_content()
    link = next((l.split("Accept: ", 1)[1].strip() for l in text.splitlines() if "Accept: " in l), None)
    check("the invitation carries a signed Accept link", link is not None and "/answer/" in link, text[:300])
    if link is None:
        return
    path = urllib.parse.urlsplit(link).path  # the configured public address is not this test's port
    c = http.client.HTTPConnection(dav.host, dav.port, timeout=30)

    def call(method):
        c.request(method, path, headers={"Content-Length": "0"} if method == "POST" else {})
        r = c.getresponse()
        return r.status, r.read().decode("utf-8", "replace")

    st, page = call("GET")
    check("GET on the link shows the meeting and a button, and answers nothing",
          st == 200 and "Partner review" in page and "PARTSTAT=NEEDS-ACTION" in guest_line(dav, "imip-1.ics"), st)
    st, page = call("POST")
    line = guest_line(dav, "imip-1.ics")
    check("POST on the link accepts: PARTSTAT=ACCEPTED, SCHEDULE-STATUS 2.0 on the organizer's copy",
          st == 200 and "PARTSTAT=ACCEPTED" in line and "SCHEDULE-STATUS=2.0" in line, f"{st} {line}")
    st, page = call("POST")
    check("a second POST of the same link changes nothing", st == 200 and "already given" in page, f"{st} {page[:200]}")
    bad = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    c.request("POST", bad, headers={"Content-Length": "0"})
    r = c.getresponse()
    r.read()
    check("a changed link is refused (403)", r.status == 403, r.status)
    c.close()


def step_queue(dav, maildir):
    before = len(mails(maildir))
    t0 = time.monotonic()
    put(dav, "imip-late.ics", meeting("imip-late", 0, [LATE], summary="While the mail server is down"))
    check("the PUT is answered at once while the SMTP server is down", time.monotonic() - t0 < 5)
    time.sleep(3)
    check("nothing is delivered meanwhile", len(mails(maildir)) == before)


def step_drained(dav, maildir):
    # The failed attempt while the SMTP server was down set the next one up to a minute later.
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not any(r == [LATE] for r, _ in mails(maildir)):
        time.sleep(0.5)
    time.sleep(5)  # a duplicate would come within a few polls
    late = [m for r, m in mails(maildir) if r == [LATE]]
    check("after SIGKILL and a restart the queued REQUEST arrives exactly once", len(late) == 1, len(late))
    if late:
        check("it is the REQUEST for that meeting", calendar_part(late[0])[0] == "REQUEST" and "imip-late" in calendar_part(late[0])[1])


def main():
    url, user, password, maildir, step = sys.argv[1:6]
    dav = Dav(url, user, password)
    {"invite": step_invite, "queue": step_queue, "drained": step_drained}[step](dav, maildir)
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
