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
  STEP reminders PLAN LOGIN... : each LOGIN (password LOGIN-pw, address LOGIN@example.test)
                 signs in on the web and ticks "Send me my calendar reminders by e-mail"; then
                 IMIP_REMINDERS (30) events, shared out among them, each with one VALARM that
                 triggers 4 to 15 s from now (spread evenly), and per LOGIN one event whose
                 alarm triggers in an hour, are PUT over CalDAV. The plan (which reminder is
                 due when, for whom) is written to PLAN as JSON; "last_due" is the last alarm.
  STEP reminders-check PLAN KILLS : (the server was killed with SIGKILL at the moments listed
                 in KILLS, one Unix time a line, and restarted after each, the last time after
                 "last_due") every planned reminder arrives exactly once: none missing, none
                 queued twice (two Message-IDs), none sent twice (one Message-ID delivered
                 twice; IMIP_ALLOW_RESEND=1 makes it a NOTE when a kill came less than 2 s
                 after the first copy: the at-least-once window of the mail job), none before
                 its alarm, none to the wrong person, nothing for the alarms an hour ahead.
                 Prints a summary line.
One line per check; exit status 1 on a failure. Standard library only.
"""
import base64
import email
import email.policy
import glob
import http.client
import json
import os
import re
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


# Reminders across kill -9 (issue 12: "mail never duplicates or drops anything across a crash").
# Each reminder is one event with one alarm; its tag in the SUMMARY comes back in the Subject,
# so every mail names the reminder it is for.
REMINDER_SUMMARY = "Crash reminder"
REMINDER_TAG = re.compile(re.escape(REMINDER_SUMMARY) + r" (rc\w+)")


def utc(t):
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(t))


def reminder_event(tag, owner, alarm_at):
    """An event starting five minutes after `alarm_at`, with one alarm five minutes before it."""
    start = alarm_at + 300
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//imip check//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{tag}\r\nDTSTAMP:20300101T000000Z\r\nDTSTART:{utc(start)}\r\nDTEND:{utc(start + 1800)}\r\n"
        f"SUMMARY:{REMINDER_SUMMARY} {tag} ({owner})\r\n"
        "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:soon\r\nTRIGGER:-PT5M\r\nEND:VALARM\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def ask_for_reminders(dav, login, password):
    """Signs in on the web and ticks "Send me my calendar reminders (alarms) by e-mail"."""
    c = http.client.HTTPConnection(dav.host, dav.port, timeout=60)
    form = urllib.parse.urlencode({"login": login, "password": password, "next": "/settings"})
    c.request("POST", "/login", body=form, headers={"Content-Type": "application/x-www-form-urlencoded"})
    r = c.getresponse()
    r.read()
    cookies = [v.split(";", 1)[0] for v in r.headers.get_all("Set-Cookie") or []]
    cookie = next((v for v in cookies if v.startswith("portico_session=")), "")
    if r.status != 303 or not cookie:
        raise SystemExit(f"FAIL sign-in of {login}: {r.status}")
    c.request("GET", "/settings", headers={"Cookie": cookie})
    r = c.getresponse()
    page = r.read().decode("utf-8", "replace")
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    if r.status != 200 or token is None:
        raise SystemExit(f"FAIL GET /settings as {login}: {r.status}")
    form = urllib.parse.urlencode({"csrf": token.group(1), "locale": "", "time_zone": "", "mail_reminders": "1"})
    c.request("POST", "/settings", body=form, headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    r = c.getresponse()
    page = r.read().decode("utf-8", "replace")
    c.close()
    ticked = re.search(r'<input id="mail_reminders"[^>]*\schecked', page) is not None
    if r.status != 200 or not ticked:
        raise SystemExit(f"FAIL {login} could not ask for reminders by mail: {r.status}")


def step_reminders(url, plan_path, logins):
    count = int(os.environ.get("IMIP_REMINDERS", "30"))
    for login in logins:
        ask_for_reminders(Dav(url, login, f"{login}-pw"), login, f"{login}-pw")
    check(f"{len(logins)} users asked for their reminders by mail on /settings", True)
    # Alarms from 4 to 15 s from now, spread evenly: they come due while the server is killed.
    t0 = int(time.time()) + 1
    expect, later = {}, {}
    for k in range(count):
        login = logins[k % len(logins)]
        expect[f"rc{k:02}"] = {"user": login, "at": t0 + 4 + (k * 12) // max(count, 1)}
    for i, login in enumerate(logins):
        later[f"rcL{i}"] = {"user": login, "at": t0 + 3600}
    for tag, r in list(expect.items()) + list(later.items()):
        put(Dav(url, r["user"], f"{r['user']}-pw"), f"{tag}.ics", reminder_event(tag, r["user"], r["at"]))
    late = time.time() - t0
    check(f"{count + len(later)} events with alarms PUT over CalDAV", True)
    if late > 4:
        print(f"NOTE the PUTs took until {late:.1f} s after the plan's start: the first alarms were due before they were stored", flush=True)
    plan = {"t0": t0, "last_due": max((r["at"] for r in expect.values()), default=t0), "expect": expect, "later": later}
    with open(plan_path + ".tmp", "w") as f:
        json.dump(plan, f, indent=1)
    os.replace(plan_path + ".tmp", plan_path)


def reminder_mails(maildir, logins):
    """The mails to the reminder users, in arrival order: tag (None if not ours), recipients,
    Message-ID, arrival time (the file's mtime: the SMTP server writes it before it answers)."""
    addresses = {f"{u}@example.test" for u in logins}
    out = []
    for path in sorted(glob.glob(os.path.join(maildir, "*.eml"))):
        with open(path[:-4] + ".env") as f:
            rcpt = [r for r in f.read().split("\n")[1:] if r]
        if not addresses.intersection(rcpt):
            continue
        with open(path, "rb") as f:
            msg = email.message_from_bytes(f.read(), policy=email.policy.default)
        m = REMINDER_TAG.search(str(msg["Subject"] or ""))
        out.append({
            "tag": m.group(1) if m else None,
            "rcpt": rcpt,
            "mid": str(msg["Message-ID"] or "").strip(),
            "arrived": os.path.getmtime(path),
            "file": os.path.basename(path),
        })
    return out


def step_reminders_check(maildir, plan_path, kills_path):
    with open(plan_path) as f:
        plan = json.load(f)
    with open(kills_path) as f:
        kills = [float(line) for line in f if line.strip()]
    expect, later = plan["expect"], plan["later"]
    logins = sorted({r["user"] for r in list(expect.values()) + list(later.values())})
    # The last restart came after the last alarm: its first look queues whatever is left, and
    # the mail job sends it within a poll or two.
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline and not set(expect) <= {m["tag"] for m in reminder_mails(maildir, logins)}:
        time.sleep(0.5)
    time.sleep(6)  # a duplicate would come within a few polls
    got = reminder_mails(maildir, logins)
    t0 = plan["t0"]

    def when(t):
        return f"+{t - t0:.2f} s"

    def kill_between(a, b):
        return [f"kill {i + 1} at {when(k)}" for i, k in enumerate(kills) if a <= k <= b]

    by_tag = {}
    for m in got:
        by_tag.setdefault(m["tag"], []).append(m)
    missing = sorted(t for t in expect if t not in by_tag)
    check("every reminder arrived", not missing, f"{len(missing)} missing: {', '.join(missing)}")
    twice_queued = {t: sorted({m["mid"] for m in ms}) for t, ms in by_tag.items() if t in expect and len({m["mid"] for m in ms}) > 1}
    check("no reminder was queued twice (one Message-ID each)", not twice_queued,
          "; ".join(f"{t}: {len(ids)} Message-IDs {' '.join(ids)}" for t, ids in sorted(twice_queued.items())))
    # The same Message-ID twice: sent again after a kill that fell between the SMTP server's
    # 250 and the outbox marking the message sent (the mail job sends at least once), or sent
    # again for no such reason. Only the first kind is explained by a kill: between each copy and
    # the next came a kill no more than 1 s before the copy's file time (the SMTP server writes
    # the file when the data has arrived, which can be just after the sender was killed) and at
    # most 2 s after it.
    in_window, unexplained = [], []
    for t, ms in sorted(by_tag.items(), key=lambda kv: str(kv[0])):
        if t not in expect:
            continue
        for mid in sorted({m["mid"] for m in ms}):
            times = [m["arrived"] for m in ms if m["mid"] == mid]
            if len(times) < 2:
                continue
            between = kill_between(times[0] - 1, times[-1])
            line = f"{t} {mid} delivered {len(times)}x (at {', '.join(when(x) for x in times)}; {', '.join(between) or 'no kill in between'})"
            explained = all(any(a - 1 <= k < a + 2 and k <= b for k in kills) for a, b in zip(times, times[1:]))
            (in_window if explained else unexplained).append(line)
    check("no reminder was sent twice without a kill right after the first copy", not unexplained, "; ".join(unexplained))
    if in_window and os.environ.get("IMIP_ALLOW_RESEND", "1") == "1":
        print("NOTE sent again, with the same Message-ID, after a kill that cut off the SMTP server's 250 "
              "(SMTP cannot tell the sender it was delivered; IMIP_ALLOW_RESEND=0 fails on it): "
              + "; ".join(in_window), flush=True)
    else:
        check("no reminder was sent twice (each Message-ID delivered once)", not in_window,
              "a kill fell between the SMTP server's 250 and the outbox marking it sent: " + "; ".join(in_window))
    no_id = [m["file"] for m in got if m["tag"] in expect and not m["mid"]]
    check("every reminder has a Message-ID", not no_id, no_id)
    # (50 ms of slack: file times come from the kernel's coarse clock)
    early = [f"{m['tag']} at {when(m['arrived'])}, due {when(expect[m['tag']]['at'])}"
             for m in got if m["tag"] in expect and m["arrived"] < expect[m["tag"]]["at"] - 0.05]
    check("none arrived before its alarm", not early, "; ".join(early))
    wrong = [f"{m['tag']} to {m['rcpt']}" for m in got
             if m["tag"] in expect and m["rcpt"] != [f"{expect[m['tag']]['user']}@example.test"]]
    check("each went to the owner of the calendar only", not wrong, "; ".join(wrong))
    too_soon = sorted(t for t in later if t in by_tag)
    check("nothing for the alarms an hour ahead", not too_soon, too_soon)
    stray = [m["file"] for m in got if m["tag"] not in expect and m["tag"] not in later]
    check("no other mail to the reminder users", not stray, stray)
    # Where the kills fell: deliveries of each run of the server (between two kills).
    bounds = [float("-inf")] + kills + [float("inf")]
    runs = [sum(1 for m in got if bounds[i] <= m["arrived"] < bounds[i + 1]) for i in range(len(bounds) - 1)]
    once = sum(1 for t in expect if len(by_tag.get(t, [])) == 1)
    again = f", {len(in_window)} sent again after a kill (same Message-ID)" if in_window else ""
    print(f"reminders: {len(expect)} reminders, {once} delivered once{again}, {len(kills)} kills "
          f"(deliveries per server run: {' '.join(map(str, runs))})", flush=True)


def main():
    url, user, password, maildir, step = sys.argv[1:6]
    extra = sys.argv[6:]
    dav = Dav(url, user, password)
    steps = {
        "invite": lambda: step_invite(dav, maildir),
        "queue": lambda: step_queue(dav, maildir),
        "drained": lambda: step_drained(dav, maildir),
        "reminders": lambda: step_reminders(url, extra[0], extra[1:]),
        "reminders-check": lambda: step_reminders_check(maildir, extra[0], extra[1]),
    }
    steps[step]()
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
