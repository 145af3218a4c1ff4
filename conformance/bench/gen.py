#!/usr/bin/env python3
"""conformance/bench/gen.py — deterministic test data for the benchmark (conformance/bench/run).

usage:
    gen.py dav   OUT_DIR [--seed N] [--events 10000] [--small 100] [--cards 20000]
    gen.py file  PATH SIZE_BYTES [--seed N]         # one big pseudo-random file (streamed)

`dav` writes
    OUT_DIR/cal-big/NAME.ics     N events as Outlook 2016 writes them: a Windows-named VTIMEZONE
                                 ("W. Europe Standard Time", "Eastern Standard Time", …), organizer
                                 and attendees, X-MICROSOFT-CDO-* properties, a VALARM; ~5 % are
                                 recurring (daily/weekly/monthly RRULE) with 1–3 overrides
                                 (RECURRENCE-ID) and sometimes an EXDATE; ~3 % are all-day
    OUT_DIR/cal-small/NAME.ics   the same kind of events, a separate small calendar
    OUT_DIR/book/NAME.vcf        vCard 3.0 contacts as Apple/Outlook export them: N, FN, ORG,
                                 TITLE, EMAIL, TEL, ADR, sometimes BDAY/NOTE; one in three has a
                                 PHOTO (a real 64×64 PNG, ~6 KiB base64)
    OUT_DIR/manifest.json        counts, the week used by calendar-query, the text-match term, the
                                 seed and the generator version
Everything depends only on --seed and the counts: the same arguments give byte-identical files.
Small files for the WebDAV workloads come from small_file(seed, i), imported by workloads.py.
"""
import argparse
import base64
import datetime as dt
import hashlib
import json
import os
import random
import struct
import sys
import zlib

GEN_VERSION = 1
DEFAULT_SEED = 20250601

# The week calendar-query asks for (UTC), inside the generated span 2025-01-01 .. 2026-12-31.
WEEK_START = "20251110T000000Z"
WEEK_END = "20251117T000000Z"
SPAN_START = dt.date(2025, 1, 1)
SPAN_DAYS = 730

# Outlook ("Microsoft Corporation//Outlook 16.0 MIMEDIR") time zone definitions, verbatim in form.
OUTLOOK_TZ = {
    "W. Europe Standard Time": ("+0100", "+0200", "-1SU", 10, "030000", "-1SU", 3, "020000"),
    "Romance Standard Time": ("+0100", "+0200", "-1SU", 10, "030000", "-1SU", 3, "020000"),
    "GMT Standard Time": ("+0000", "+0100", "-1SU", 10, "020000", "-1SU", 3, "010000"),
    "Eastern Standard Time": ("-0500", "-0400", "1SU", 11, "020000", "2SU", 3, "020000"),
    "Pacific Standard Time": ("-0800", "-0700", "1SU", 11, "020000", "2SU", 3, "020000"),
    "India Standard Time": ("+0530", None, None, None, None, None, None, None),
}
TZ_WEIGHTS = [("W. Europe Standard Time", 50), ("Romance Standard Time", 10),
              ("GMT Standard Time", 15), ("Eastern Standard Time", 12),
              ("Pacific Standard Time", 8), ("India Standard Time", 5)]


def vtimezone(name):
    std, dst, std_day, std_month, std_time, dst_day, dst_month, dst_time = OUTLOOK_TZ[name]
    if dst is None:
        return ["BEGIN:VTIMEZONE", f"TZID:{name}", "BEGIN:STANDARD", "DTSTART:16010101T000000",
                f"TZOFFSETFROM:{std}", f"TZOFFSETTO:{std}", "END:STANDARD", "END:VTIMEZONE"]
    return ["BEGIN:VTIMEZONE", f"TZID:{name}",
            "BEGIN:STANDARD", f"DTSTART:16010101T{std_time}", f"TZOFFSETFROM:{dst}",
            f"TZOFFSETTO:{std}", f"RRULE:FREQ=YEARLY;BYDAY={std_day};BYMONTH={std_month}",
            "END:STANDARD",
            "BEGIN:DAYLIGHT", f"DTSTART:16010101T{dst_time}", f"TZOFFSETFROM:{std}",
            f"TZOFFSETTO:{dst}", f"RRULE:FREQ=YEARLY;BYDAY={dst_day};BYMONTH={dst_month}",
            "END:DAYLIGHT", "END:VTIMEZONE"]


FIRST = ["Anna", "Ben", "Clara", "David", "Elena", "Felix", "Greta", "Hugo", "Ines", "Jonas",
         "Katrin", "Lukas", "Maria", "Nils", "Olga", "Paul", "Rosa", "Stefan", "Tanja", "Uwe",
         "Vera", "Walter", "Xenia", "Yusuf", "Zoe", "Amélie", "Björn", "Chloé", "Dörte", "Émile",
         "Fatima", "Giulia", "Hannah", "Igor", "Julia", "Kenji", "Leila", "Mateo", "Noor", "Oskar",
         "Priya", "Quentin", "Rahel", "Sven", "Tomás", "Ulla", "Valentin", "Wiebke", "Ximena", "Yara"]
LAST = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
        "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
        "Schwarz", "Braun", "Zimmermann", "Hartmann", "Lange", "Werner", "Krause", "Lehmann",
        "Köhler", "Herrmann", "Walter", "König", "Mayer", "Huber", "Kaiser", "Fuchs", "Peters",
        "Lang", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Vogel", "Friedrich", "Keller",
        "Günther", "Frank", "Berger", "Winkler", "Roth", "Beck", "Lorenz", "Baumann", "Franke",
        "Albrecht", "Schuster", "Simon", "Ludwig", "Böhm", "Winter", "Kraus", "Martin", "Schumacher",
        "Krämer", "Vogt", "Stein", "Jäger", "Otto", "Sommer", "Groß", "Seidel", "Heinrich", "Brandt",
        "Haas", "Schreiber", "Graf", "Dietrich", "Ziegler", "Kuhn", "Kühn", "Pohl", "Engel", "Horn",
        "Bergmann", "Thomas", "Voigt", "Sauer", "Arnold", "Wolff", "Pfeiffer", "Dubois", "Rossi",
        "García", "Nakamura", "Okafor", "Lindqvist", "Kowalski", "Novák", "Papadopoulos",
        "O'Brien", "Van der Berg", "Nguyen", "Silva"]
# The addressbook-query searches FN for this (contains, i;unicode-casemap): ~1 % of the cards.
TEXT_MATCH = "lindqvist"
ORGS = ["Portico Demo GmbH", "Acme Corp", "Globex", "Initech", "Umbrella plc", "Stark Industries",
        "Wayne Enterprises", "Hooli", "Vandelay Industries", "Soylent SA"]
TITLES = ["Sales Manager", "Engineer", "Accountant", "Head of HR", "Consultant", "Buyer",
          "Project Lead", "Assistant", "CFO", "Designer", "Support Agent", "Account Executive"]
SUBJECTS = ["Weekly sync", "Budget review", "1:1", "Customer call", "Sprint planning",
            "Design review", "Lunch", "Board meeting", "Interview", "Quarterly business review",
            "Training: Excel advanced", "Team offsite prep", "Release retrospective", "Site visit",
            "Supplier negotiation", "All hands", "Dentist", "Workshop", "Demo for prospect"]
ROOMS = ["Room Berlin (4th floor)", "Room Paris", "Room London", "Microsoft Teams Meeting",
         "Cafeteria", "Customer site", "Room Tokyo", "Board room", ""]
CITIES = [("Berlin", "10115", "Germany"), ("Hamburg", "20095", "Germany"),
          ("München", "80331", "Germany"), ("Paris", "75001", "France"),
          ("London", "EC1A 1BB", "United Kingdom"), ("New York", "10001", "USA"),
          ("Wien", "1010", "Austria"), ("Zürich", "8001", "Switzerland")]


def fold(line):
    """RFC 5545/6350 line folding at 75 octets (never inside a UTF-8 sequence)."""
    b = line.encode()
    if len(b) <= 75:
        return line + "\r\n"
    out, cur, limit = [], b"", 75
    for ch in line:
        e = ch.encode()
        if len(cur) + len(e) > limit:
            out.append(cur)
            cur, limit = b" ", 75
        cur += e
    out.append(cur)
    return "\r\n".join(x.decode() for x in out) + "\r\n"


def esc(text):
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def goid(rng):
    """An Outlook Global Object ID as Outlook uses it for UID."""
    return ("040000008200E00074C5B7101A82E00800000000" + "%016X" % rng.getrandbits(64)
            + "00000000000000001000000" + "%032X" % rng.getrandbits(128))


def href_name(rng):
    h = "%032x" % rng.getrandbits(128)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"


def person(rng):
    f, l = rng.choice(FIRST), rng.choice(LAST)
    mail = (f + "." + l).lower().replace(" ", "").replace("'", "")
    mail = mail.encode("ascii", "ignore").decode() or "user"
    return f"{f} {l}", f"{mail}@{rng.choice(['example.com', 'example.org', 'corp.test'])}"


def fmt_local(d):
    return d.strftime("%Y%m%dT%H%M%S")


def vevent_lines(rng, uid, start, minutes, tz, allday, stamp, summary=None, recurrence_id=None,
                 rrule=None, exdates=()):
    organizer = person(rng)
    lines = ["BEGIN:VEVENT"]
    lines.append(f"CLASS:{rng.choice(['PUBLIC'] * 9 + ['PRIVATE'])}")
    lines.append(f"CREATED:{stamp}")
    body = rng.choice(["", "Agenda:\n1. Status\n2. Risks\n3. Next steps",
                       "Please find the slides attached.\n\nJoin: https://teams.example/l/meetup",
                       "Quick alignment, no slides.", "Bring the Q3 numbers."])
    if body:
        lines.append("DESCRIPTION:" + esc(body))
    if allday:
        lines.append(f"DTEND;VALUE=DATE:{(start + dt.timedelta(days=1)).strftime('%Y%m%d')}")
    else:
        lines.append(f"DTEND;TZID={tz}:{fmt_local(start + dt.timedelta(minutes=minutes))}")
    lines.append(f"DTSTAMP:{stamp}")
    if allday:
        lines.append(f"DTSTART;VALUE=DATE:{start.strftime('%Y%m%d')}")
    else:
        lines.append(f"DTSTART;TZID={tz}:{fmt_local(start)}")
    for ex in exdates:
        lines.append(f"EXDATE;TZID={tz}:{fmt_local(ex)}")
    lines.append(f"LAST-MODIFIED:{stamp}")
    loc = rng.choice(ROOMS)
    if loc:
        lines.append("LOCATION:" + esc(loc))
    lines.append(f"ORGANIZER;CN={organizer[0]}:mailto:{organizer[1]}")
    for _ in range(rng.choice([0, 1, 2, 3, 5, 8])):
        cn, mail = person(rng)
        lines.append(f"ATTENDEE;CN={cn};RSVP=TRUE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION:mailto:{mail}")
    lines.append("PRIORITY:5")
    if recurrence_id is not None:
        lines.append(f"RECURRENCE-ID;TZID={tz}:{fmt_local(recurrence_id)}")
    if rrule:
        lines.append("RRULE:" + rrule)
    lines.append("SEQUENCE:0")
    lines.append("SUMMARY;LANGUAGE=en-us:" + esc(summary or rng.choice(SUBJECTS)))
    lines.append("TRANSP:OPAQUE")
    lines.append(f"UID:{uid}")
    lines.append("X-ALT-DESC;FMTTYPE=text/html:<html><body><p>" + esc(body or "-") + "</p></body></html>")
    lines.append("X-MICROSOFT-CDO-BUSYSTATUS:BUSY")
    lines.append("X-MICROSOFT-CDO-IMPORTANCE:1")
    lines.append("X-MICROSOFT-DISALLOW-COUNTER:FALSE")
    lines.append("X-MS-OLK-AUTOFILLLOCATION:FALSE")
    lines.append("X-MS-OLK-CONFTYPE:0")
    if not allday:
        lines += ["BEGIN:VALARM", "TRIGGER:-PT15M", "ACTION:DISPLAY", "DESCRIPTION:Reminder",
                  "END:VALARM"]
    lines.append("END:VEVENT")
    return lines


def make_event(rng):
    """One calendar object (text) and whether it recurs."""
    tz = rng.choices([t for t, _ in TZ_WEIGHTS], [w for _, w in TZ_WEIGHTS])[0]
    day = SPAN_START + dt.timedelta(days=rng.randrange(SPAN_DAYS))
    allday = rng.random() < 0.03
    start = dt.datetime(day.year, day.month, day.day, rng.randrange(8, 18), rng.choice([0, 0, 15, 30, 30, 45]))
    minutes = rng.choice([15, 30, 30, 60, 60, 60, 90, 120])
    stamp = (dt.datetime(2024, 12, 1) + dt.timedelta(seconds=rng.randrange(40_000_000))).strftime("%Y%m%dT%H%M%SZ")
    uid = goid(rng)
    recurring = rng.random() < 0.05
    comps = []
    if recurring:
        kind = rng.choice(["WEEKLY", "WEEKLY", "DAILY", "MONTHLY"])
        if kind == "WEEKLY":
            days = ["MO", "TU", "WE", "TH", "FR"]
            rrule = f"FREQ=WEEKLY;COUNT={rng.choice([10, 26, 52])};BYDAY={days[start.weekday() % 5]}"
            step = dt.timedelta(days=7)
        elif kind == "DAILY":
            rrule = f"FREQ=DAILY;COUNT={rng.choice([10, 20])}"
            step = dt.timedelta(days=1)
        else:
            rrule = f"FREQ=MONTHLY;COUNT={rng.choice([6, 12])};BYMONTHDAY={start.day}"
            step = None
        if kind == "WEEKLY":  # make DTSTART fall on the BYDAY weekday
            while start.weekday() != ["MO", "TU", "WE", "TH", "FR"].index(rrule.rsplit("=", 1)[1]):
                start -= dt.timedelta(days=1)
        overrides = sorted(rng.sample(range(1, 5), rng.choice([1, 1, 2, 3])))
        exdates = [start + step * 5] if rng.random() < 0.3 and step else []
        if step is None:  # monthly: override the first occurrence only
            step, overrides = dt.timedelta(0), [0]
        comps.append(vevent_lines(rng, uid, start, minutes, tz, False, stamp, rrule=rrule,
                                  exdates=exdates))
        for k in overrides:
            occ = start + step * k
            moved = occ + dt.timedelta(hours=rng.choice([-2, -1, 1, 2]))
            comps.append(vevent_lines(rng, uid, moved, minutes, tz, False, stamp,
                                      summary="(moved) " + rng.choice(SUBJECTS), recurrence_id=occ))
    else:
        comps.append(vevent_lines(rng, uid, start, minutes, tz, allday, stamp))
    lines = ["BEGIN:VCALENDAR", "PRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN",
             "VERSION:2.0", "X-MS-OLK-FORCEINSPECTOROPEN:TRUE"]
    if not (allday and not recurring):
        lines += vtimezone(tz)
    for c in comps:
        lines += c
    lines.append("END:VCALENDAR")
    return "".join(fold(x) for x in lines), recurring


def png(rng, w=64, h=64):
    """A real PNG: a colour gradient (a 'face') with some sensor noise, like a small contact photo."""
    r0, g0, b0 = rng.randrange(256), rng.randrange(256), rng.randrange(256)
    noise = rng.randbytes(w * h)
    raw = bytearray()
    for y in range(h):
        row = bytearray()
        for x in range(w):
            n = noise[y * w + x] & 7
            face = 60 if (x - 32) ** 2 + (y - 28) ** 2 < 300 else 0
            row += bytes(((r0 + x * 2 + n + face) & 255, (g0 + y * 2 + n) & 255,
                          (b0 + x + y + n) & 255))
        # PNG filter 1 (Sub): each byte minus the same channel of the pixel to its left
        raw.append(1)
        raw += bytes((row[k] - (row[k - 3] if k >= 3 else 0)) & 255 for k in range(len(row)))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + chunk(b"IEND", b""))


PHOTO_POOL = 64  # distinct photos, drawn per card (generating each one is slow in pure Python)


def make_card(rng, i, photos):
    f, l = rng.choice(FIRST), rng.choice(LAST)
    uid = href_name(rng).upper()
    org = rng.choice(ORGS)
    mail = (f + "." + l).lower().replace(" ", "").replace("'", "").encode("ascii", "ignore").decode()
    city, zipc, country = rng.choice(CITIES)
    lines = ["BEGIN:VCARD", "VERSION:3.0", "PRODID:-//Apple Inc.//macOS 14.5//EN",
             f"N:{esc(l)};{esc(f)};;;", f"FN:{esc(f)} {esc(l)}", f"ORG:{esc(org)};",
             f"TITLE:{esc(rng.choice(TITLES))}",
             f"EMAIL;type=INTERNET;type=WORK;type=pref:{mail}{i}@{org.split()[0].lower()}.example",
             f"TEL;type=WORK;type=VOICE;type=pref:+49 30 {rng.randrange(1000000, 9999999)}",
             f"TEL;type=CELL;type=VOICE:+49 17{rng.randrange(0, 10)} {rng.randrange(1000000, 9999999)}",
             f"ADR;type=WORK;type=pref:;;Hauptstraße {rng.randrange(1, 200)};{city};;{zipc};{country}"]
    if rng.random() < 0.4:
        lines.append(f"BDAY:{rng.randrange(1950, 2004)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}")
    if rng.random() < 0.2:
        lines.append("NOTE:" + esc("Met at the trade fair.\nPrefers e-mail."))
    if i % 3 == 0:
        lines.append("PHOTO;ENCODING=b;TYPE=PNG:" + rng.choice(photos))
    lines.append(f"UID:{uid}")
    lines.append(f"REV:2025-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}T10:00:00Z")
    lines.append("END:VCARD")
    return "".join(fold(x) for x in lines), (TEXT_MATCH in (f + " " + l).lower())


def small_file(seed, i):
    """Contents of small file number i for the WebDAV workloads: 1–16 KiB, deterministic."""
    h = hashlib.sha256(f"{seed}/small/{i}".encode()).digest()
    size = 1024 + int.from_bytes(h[:2], "big") % (15 * 1024)
    return random.Random(h).randbytes(size)


def write_set(out, name, count, maker, seed, ext):
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    rng = random.Random(f"{seed}/{name}")
    flags = 0
    names = []
    total = 0
    for i in range(count):
        text, flag = maker(rng, i)
        flags += bool(flag)
        n = href_name(rng) + ext
        names.append(n)
        data = text.encode()
        total += len(data)
        with open(os.path.join(d, n), "wb") as f:
            f.write(data)
    return {"count": count, "names": names, "flagged": flags, "bytes": total}


def cmd_dav(a):
    os.makedirs(a.out, exist_ok=True)
    big = write_set(a.out, "cal-big", a.events, lambda r, i: make_event(r), a.seed, ".ics")
    small = write_set(a.out, "cal-small", a.small, lambda r, i: make_event(r), a.seed, ".ics")
    prng = random.Random(f"{a.seed}/photos")
    photos = [base64.b64encode(png(prng)).decode() for _ in range(PHOTO_POOL)]
    book = write_set(a.out, "book", a.cards, lambda r, i: make_card(r, i, photos), a.seed, ".vcf")
    manifest = {
        "generator": GEN_VERSION, "seed": a.seed,
        "week": [WEEK_START, WEEK_END], "text_match": TEXT_MATCH,
        "cal-big": {"count": big["count"], "recurring": big["flagged"], "bytes": big["bytes"], "names": big["names"]},
        "cal-small": {"count": small["count"], "recurring": small["flagged"], "bytes": small["bytes"], "names": small["names"]},
        "book": {"count": book["count"], "matches": book["flagged"], "bytes": book["bytes"], "names": book["names"]},
    }
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f)
    print(f"events {big['count']} ({big['flagged']} recurring, {big['bytes'] >> 20} MiB) + "
          f"{small['count']}; cards {book['count']} ({book['flagged']} match "
          f"'{TEXT_MATCH}', {book['bytes'] >> 20} MiB)")


def cmd_file(a):
    rng = random.Random(f"{a.seed}/bigfile")
    left = a.size
    with open(a.path, "wb") as f:
        while left > 0:
            n = min(left, 1 << 20)
            f.write(rng.randbytes(n))
            left -= n


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dav")
    d.add_argument("out")
    d.add_argument("--seed", type=int, default=DEFAULT_SEED)
    d.add_argument("--events", type=int, default=10000)
    d.add_argument("--small", type=int, default=100)
    d.add_argument("--cards", type=int, default=20000)
    f = sub.add_parser("file")
    f.add_argument("path")
    f.add_argument("size", type=int)
    f.add_argument("--seed", type=int, default=DEFAULT_SEED)
    a = p.parse_args()
    {"dav": cmd_dav, "file": cmd_file}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
