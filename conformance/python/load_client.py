#!/usr/bin/env python3
"""Load for conformance/load.sh: many concurrent WebDAV + CalDAV clients against one server.

usage: load_client.py prepare URL USERS_FILE CLIENTS
       load_client.py run URL USERS_FILE --pid PID --seconds S --clients N [options]
       load_client.py monitor URL --pid PID --seconds S --out FILE     (started by run)

USERS_FILE has one "login password" per line; client i is user i % len(users).

prepare  MKCOL each client's folder /docs/users/LOGIN/load-I/ and create each user's default
         calendar (PROPFIND on the calendar home creates it).
run      starts `monitor` in a separate process (so that the load's event loop cannot delay the
         probes), then runs N clients (asyncio + aiohttp, one keep-alive connection each) for S
         seconds. Each client, in a loop, with a random think time of 0..2*THINK ms between
         requests, picks one of:
           dav-put       PUT of 1-16 KiB to one of 20 names in its folder (so files get new
                         versions): new random bytes one time in 8, else one of 256 random
                         bodies drawn at the start (the blob store reuses those)
           dav-get       GET of a file it wrote: the content must be the last one it wrote
           dav-propfind  PROPFIND Depth 1 of its folder: every file it wrote listed with its size
           cal-put       PUT of an event (one of 20 per client: new, then updated) in its user's
                         calendar, within the next 30 days
           cal-query     REPORT calendar-query with a time range of the next 7 days
           cal-sync      REPORT sync-collection from the token of its previous one
         Every answer must have the expected status (201/204, 200, 207); anything else is an error,
         and so is a 5xx, a connection error or a timeout (--timeout s per request).
monitor  GET /healthz on a new connection every --probe-ms ms (a load balancer's probe) and
         VmRSS of --pid from /proc every second; writes both to --out as JSON.

run prints the figures and one line "load: ..." last; its exit status is 1 when an assertion
failed: errors (any), healthz p99 >= --healthz-p99-ms, peak RSS >= --rss-mb, or RSS growth: the
highest RSS of the last quarter of the run above the highest of the second quarter by more
than --rss-growth-mb (a server that leaks grows all the way; one that warms up, as every user's
first sign-in runs argon2 with 19 MiB, has reached its plateau by the second quarter).
"""
import argparse
import asyncio
import base64
import hashlib
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET

D = "{DAV:}"

PROPFIND_FILES = b"""<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/><D:getcontentlength/><D:getetag/></D:prop></D:propfind>"""


def users_of(path):
    with open(path) as f:
        return [tuple(line.split()) for line in f if line.strip()]


def auth_of(login, password):
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()


def pct(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


# ------------------------------------------------------------------------------------------------
# monitor: a separate process, blocking I/O


def cmd_monitor(a):
    import http.client

    u = urllib.parse.urlsplit(a.url)
    deadline = time.monotonic() + a.seconds
    out = {"healthz": [], "healthz_errors": [], "rss": []}
    stop = threading.Event()

    def rss_loop():
        t0 = time.monotonic()
        while not stop.is_set():
            try:
                with open(f"/proc/{a.pid}/status") as f:
                    kb = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
                out["rss"].append([round(time.monotonic() - t0, 2), kb])
            except (OSError, StopIteration):
                out["healthz_errors"].append(f"{time.monotonic() - t0:.1f}s: the server process is gone")
                return
            stop.wait(1.0)

    th = threading.Thread(target=rss_loop, daemon=True)
    th.start()
    t_start = time.monotonic()
    while time.monotonic() < deadline:
        t0 = time.monotonic()
        try:
            c = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
            c.request("GET", "/healthz")
            r = c.getresponse()
            r.read()
            c.close()
            took = time.monotonic() - t0
            out["healthz"].append([round(t0 - t_start, 3), round(took * 1000, 2)])
            if r.status != 200:
                out["healthz_errors"].append(f"{t0 - t_start:.1f}s: HTTP {r.status}")
        except Exception as e:  # noqa: BLE001 — every failure of the probe is an error
            out["healthz_errors"].append(f"{t0 - t_start:.1f}s: {type(e).__name__}: {e}")
        time.sleep(max(0.0, a.probe_ms / 1000 - (time.monotonic() - t0)))
    stop.set()
    th.join(timeout=5)
    with open(a.out, "w") as f:
        json.dump(out, f)


# ------------------------------------------------------------------------------------------------
# the load


class Stats:
    def __init__(self):
        self.count = {}
        self.lat = {}
        self.errors = []
        self.kinds = {}

    def ok(self, op, ms):
        self.count[op] = self.count.get(op, 0) + 1
        self.lat.setdefault(op, []).append(ms)

    def error(self, op, kind, detail):
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        self.count[op] = self.count.get(op, 0) + 1
        if len(self.errors) < 20:
            self.errors.append(f"{op}: {kind}: {detail}")


def event(uid, start):
    end = start + 1800
    fmt = "%Y%m%dT%H%M%SZ"
    now = time.strftime(fmt, time.gmtime())
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Portico load test//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:{now}\r\nDTSTART:{time.strftime(fmt, time.gmtime(start))}\r\n"
        f"DTEND:{time.strftime(fmt, time.gmtime(end))}\r\nSUMMARY:Load test {uid} at {now}\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def calendar_query(days):
    fmt = "%Y%m%dT%H%M%SZ"
    start = time.strftime(fmt, time.gmtime())
    end = time.strftime(fmt, time.gmtime(time.time() + days * 86400))
    return f"""<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
    <C:time-range start="{start}" end="{end}"/>
  </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>""".encode()


def sync_collection(token):
    return f"""<?xml version="1.0" encoding="utf-8"?>
<D:sync-collection xmlns:D="DAV:"><D:sync-token>{token}</D:sync-token><D:sync-level>1</D:sync-level>
<D:prop><D:getetag/></D:prop></D:sync-collection>""".encode()


# File contents: one PUT in FRESH has new random bytes (a new blob: fsync and rename), the
# others one of POOL_SIZE random bodies (a blob the store has already: it is reused). That
# keeps the blob store small — removing tens of thousands of blob files takes longer than the
# run on a busy disk — while both ways of storing an upload are exercised.
FRESH = 1 / 8
POOL_SIZE = 256
POOL = []

OPS = [("dav-put", 20), ("dav-get", 20), ("dav-propfind", 15), ("cal-put", 20), ("cal-query", 10), ("cal-sync", 15)]


async def client(i, a, users, stats, deadline, aiohttp):
    login, password = users[i % len(users)]
    rng = random.Random(f"{a.seed}-{i}")
    auth = auth_of(login, password)
    folder = f"/docs/users/{login}/load-{i}/"
    calendar = f"/dav/calendars/{login}/calendar/"
    written = {}  # file name -> (sha256, size)
    events = 0
    token = ""
    timeout = aiohttp.ClientTimeout(total=a.timeout)
    conn = aiohttp.TCPConnector(limit=1, force_close=False)
    names, weights = zip(*OPS)
    async with aiohttp.ClientSession(a.url, connector=conn, timeout=timeout, headers={"Authorization": auth}) as s:
        await asyncio.sleep(rng.uniform(0, 2 * a.think_ms / 1000))
        while time.monotonic() < deadline:
            op = rng.choices(names, weights)[0]
            if op in ("dav-get",) and not written:
                op = "dav-put"
            method, path, body, headers, expect = None, None, None, {}, ()
            if op == "dav-put":
                name = f"f{rng.randrange(20):02}.bin"
                body = os.urandom(rng.randint(1024, 16384)) if rng.random() < FRESH else rng.choice(POOL)
                method, path, expect = "PUT", folder + name, (201, 204)
                headers = {"Content-Type": "application/octet-stream"}
            elif op == "dav-get":
                name = rng.choice(sorted(written))
                method, path, expect = "GET", folder + name, (200,)
            elif op == "dav-propfind":
                method, path, body, expect = "PROPFIND", folder, PROPFIND_FILES, (207,)
                headers = {"Depth": "1", "Content-Type": "application/xml; charset=utf-8"}
            elif op == "cal-put":
                n = events if events < 20 else rng.randrange(20)
                uid = f"load-{i}-{n}"
                start = int(time.time()) + rng.randrange(30 * 86400) // 900 * 900
                method, path, body, expect = "PUT", f"{calendar}{uid}.ics", event(uid, start), (201, 204)
                headers = {"Content-Type": "text/calendar; charset=utf-8"}
            elif op == "cal-query":
                method, path, body, expect = "REPORT", calendar, calendar_query(7), (207,)
                headers = {"Depth": "1", "Content-Type": "application/xml; charset=utf-8"}
            else:
                method, path, body, expect = "REPORT", calendar, sync_collection(token), (207,)
                headers = {"Content-Type": "application/xml; charset=utf-8"}
            t0 = time.monotonic()
            try:
                async with s.request(method, path, data=body, headers=headers) as r:
                    data = await r.read()
                    status = r.status
            except asyncio.TimeoutError:
                stats.error(op, "timeout", f"{method} {path} after {a.timeout}s")
                continue
            except aiohttp.ClientError as e:
                stats.error(op, "connection", f"{method} {path}: {type(e).__name__}: {e}")
                continue
            ms = (time.monotonic() - t0) * 1000
            if status >= 500:
                stats.error(op, "5xx", f"{method} {path}: HTTP {status}: {data[:200]!r}")
            elif status not in expect:
                stats.error(op, "unexpected status", f"{method} {path}: HTTP {status}: {data[:200]!r}")
            else:
                problem = None
                if op == "dav-put":
                    written[path.rsplit("/", 1)[1]] = (hashlib.sha256(body).hexdigest(), len(body))
                elif op == "dav-get":
                    want = written[path.rsplit("/", 1)[1]]
                    if (hashlib.sha256(data).hexdigest(), len(data)) != want:
                        problem = f"GET {path}: {len(data)} bytes, not the {want[1]} bytes last written"
                elif op == "dav-propfind":
                    sizes = {}
                    for resp in ET.fromstring(data).iter(D + "response"):
                        href = urllib.parse.unquote(resp.findtext(D + "href", ""))
                        for ps in resp.iter(D + "propstat"):
                            length = ps.find(f"{D}prop/{D}getcontentlength")
                            if " 200 " in ps.findtext(D + "status", "") + " " and length is not None and length.text:
                                sizes[href.rsplit("/", 1)[1]] = int(length.text)
                    wrong = [n for n, (_, size) in written.items() if sizes.get(n) != size]
                    if wrong:
                        problem = f"PROPFIND {path}: {wrong[:3]} missing or with the wrong size"
                elif op == "cal-put":
                    if status == 201:
                        events = max(events, int(path.rsplit("-", 1)[1].split(".")[0]) + 1)
                elif op == "cal-sync":
                    m = re.search(rb"<(?:\w+:)?sync-token>([^<]+)</", data)
                    if not m:
                        problem = f"sync-collection without a sync-token: {data[:200]!r}"
                    else:
                        token = m.group(1).decode()
                if problem:
                    stats.error(op, "wrong answer", problem)
                else:
                    stats.ok(op, ms)
            await asyncio.sleep(rng.uniform(0, 2 * a.think_ms / 1000))


async def load(a, users):
    import aiohttp

    stats = Stats()
    pool_rng = random.Random(f"{a.seed}-pool")
    POOL[:] = [pool_rng.randbytes(pool_rng.randint(1024, 16384)) for _ in range(POOL_SIZE)]
    deadline = time.monotonic() + a.seconds
    t0 = time.monotonic()
    ended = await asyncio.gather(*(client(i, a, users, stats, deadline, aiohttp) for i in range(a.clients)), return_exceptions=True)
    for i, e in enumerate(ended):
        if isinstance(e, BaseException):
            stats.error("client", "client crashed", f"client {i}: {type(e).__name__}: {e}")
    return stats, time.monotonic() - t0


async def prepare(a, users):
    import aiohttp

    async with aiohttp.ClientSession(a.url) as s:
        for login, password in users:
            h = {"Authorization": auth_of(login, password), "Depth": "1"}
            async with s.request("PROPFIND", f"/dav/calendars/{login}/", headers=h) as r:
                await r.read()
                if r.status != 207:
                    sys.exit(f"PROPFIND /dav/calendars/{login}/: HTTP {r.status}")
            async with s.request("PROPFIND", f"/dav/calendars/{login}/calendar/", headers={**h, "Depth": "0"}) as r:
                await r.read()
                if r.status != 207:
                    sys.exit(f"{login}'s default calendar: HTTP {r.status}")
        for i in range(a.clients):
            login, password = users[i % len(users)]
            async with s.request("MKCOL", f"/docs/users/{login}/load-{i}/", headers={"Authorization": auth_of(login, password)}) as r:
                await r.read()
                if r.status != 201:
                    sys.exit(f"MKCOL /docs/users/{login}/load-{i}/: HTTP {r.status}")
    print(f"prepared {len(users)} calendars and {a.clients} folders")


def cmd_prepare(a):
    asyncio.run(prepare(a, users_of(a.users)))


def cmd_run(a):
    users = users_of(a.users)
    mon_out = a.monitor_out
    mon = subprocess.Popen(
        [sys.executable, os.path.abspath(__file__), "monitor", a.url, "--pid", str(a.pid), "--seconds", str(a.seconds),
         "--out", mon_out, "--probe-ms", str(a.probe_ms)]
    )
    try:
        stats, took = asyncio.run(load(a, users))
    finally:
        try:
            mon.wait(timeout=a.seconds + 30)
        except subprocess.TimeoutExpired:
            mon.kill()
            mon.wait()
    with open(mon_out) as f:
        m = json.load(f)

    failures = []
    total = sum(stats.count.values())
    errors = sum(stats.kinds.values())
    print(f"{a.clients} clients as {len(users)} users for {took:.0f} s, think time 0..{2 * a.think_ms} ms:")
    for op, _ in OPS:
        lat = stats.lat.get(op, [])
        print(f"  {op:13} {stats.count.get(op, 0):7} requests, p50 {pct(lat, 50):7.1f} ms, p99 {pct(lat, 99):7.1f} ms")
    for e in stats.errors:
        print(f"  error: {e}")
    if errors:
        failures.append(f"{errors} errors ({', '.join(f'{n} {k}' for k, n in sorted(stats.kinds.items()))})")
    for op, _ in OPS:
        if not stats.count.get(op):
            failures.append(f"no {op} request was made")

    hz = [ms for _, ms in m["healthz"]]
    hz_p50, hz_p99, hz_max = pct(hz, 50), pct(hz, 99), max(hz, default=float("nan"))
    print(f"  /healthz every {a.probe_ms} ms on a new connection: {len(hz)} probes, p50 {hz_p50:.1f} ms, p99 {hz_p99:.1f} ms, max {hz_max:.1f} ms")
    for e in m["healthz_errors"][:10]:
        print(f"  healthz error: {e}")
    if m["healthz_errors"]:
        failures.append(f"{len(m['healthz_errors'])} failed /healthz probes")
    if not hz or hz_p99 >= a.healthz_p99_ms:
        failures.append(f"/healthz p99 {hz_p99:.1f} ms (limit {a.healthz_p99_ms} ms)")

    rss = m["rss"]
    mb = [kb / 1024 for _, kb in rss]
    peak = max(mb, default=float("nan"))
    # The highest RSS of each quarter of the run. The first quarter holds the warm-up (each
    # user's first sign-in runs argon2 with 19 MiB); growth is the last quarter's against the
    # second's: a leak keeps growing, a warm-up has ended by then.
    n = len(mb)
    quarters = [mb[n * k // 4 : n * (k + 1) // 4] for k in range(4)]
    qmax = [max(q) if q else float("nan") for q in quarters]
    growth = qmax[3] - qmax[1]
    # Growth rate over the second half (least squares, MB per minute), for the record.
    slope = float("nan")
    pts = rss[n // 2 :]
    if len(pts) >= 2:
        xs = [t for t, _ in pts]
        ys = [kb / 1024 for _, kb in pts]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        den = sum((x - mx) ** 2 for x in xs)
        slope = 60 * sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 0.0
    print(
        f"  RSS of pid {a.pid} every second: start {mb[0] if mb else float('nan'):.0f} MB, peak {peak:.0f} MB; "
        f"highest per quarter of the run {' / '.join(f'{q:.0f}' for q in qmax)} MB "
        f"(last quarter {growth:+.1f} MB against the second; second-half trend {slope:+.1f} MB/min)"
    )
    if n < max(8, a.seconds // 2):
        failures.append(f"only {n} RSS samples in {a.seconds} s")
    if not mb or peak >= a.rss_mb:
        failures.append(f"peak RSS {peak:.0f} MB (limit {a.rss_mb} MB)")
    if not growth <= a.rss_growth_mb:
        failures.append(f"RSS grew by {growth:.1f} MB from the second quarter of the run to the last (limit {a.rss_growth_mb} MB)")

    summary = (
        f"{total / took:.0f} req/s ({total} requests by {a.clients} clients in {took:.0f} s), {errors} errors, "
        f"healthz p50 {hz_p50:.1f} ms p99 {hz_p99:.1f} ms, peak RSS {peak:.0f} MB (last quarter {growth:+.1f} MB)"
    )
    if failures:
        for f in failures:
            print(f"FAIL: {f}")
        print(f"load: {summary} — FAILED: {'; '.join(failures)}")
        sys.exit(1)
    print(f"load: {summary}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("command", choices=["prepare", "run", "monitor"])
    ap.add_argument("url")
    ap.add_argument("users", nargs="?")
    ap.add_argument("--pid", type=int)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--think-ms", type=int, default=100, help="mean think time between a client's requests")
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--probe-ms", type=int, default=100)
    ap.add_argument("--healthz-p99-ms", type=float, default=100)
    ap.add_argument("--rss-mb", type=float, default=500)
    ap.add_argument("--rss-growth-mb", type=float, default=32)
    ap.add_argument("--seed", default="0")
    ap.add_argument("--out")
    ap.add_argument("--monitor-out", default="monitor.json")
    a = ap.parse_args()
    {"prepare": cmd_prepare, "run": cmd_run, "monitor": cmd_monitor}[a.command](a)


if __name__ == "__main__":
    main()
