#!/usr/bin/env python3
"""conformance/bench/workloads.py — the measured workloads, with the exact request bodies.

usage (called by conformance/bench/run, once per server; results go to RESULTS.json):
    workloads.py dav   RESULTS PID USER PASS BIG_URL SMALL_URL BOOK_URL GEN [--reps 5] [--budget 10]
        1  PROPFIND Depth 1 (getetag) on the big calendar
        2  calendar-query, VEVENT time-range of one week (getetag)
        4  calendar-multiget of 500 hrefs of the big calendar (getetag + calendar-data)
        5  addressbook-query, FN text-match "contains" (getetag + address-data)  [BOOK_URL "-": n/a]
        3  sync-collection after 10 changes (8 updates, 1 new, 1 deleted), on the big and on the
           small calendar; the changes themselves are not timed
    workloads.py files RESULTS PID USER PASS DIR_URL BIGFILE --small-files 10000 [--workers 8]
        6  PUT and GET of BIGFILE (curl, streamed); PUT of N small files (1–16 KiB, WORKERS in
           flight); PROPFIND Depth 1 on that folder of N files
    workloads.py mix   RESULTS PID USER PASS dav|files URL... [--clients 64] [--seconds 30]
        7  CLIENTS concurrent keep-alive connections for SECONDS with wrk and mix.lua:
           dav:   PROPFIND Depth 1 on the small calendar / GET of a random event of the big one /
                  REPORT calendar-multiget of 10 random events of the big one, in turn
           files: PROPFIND Depth 1 on a folder of 100 files / GET of a random small file, in turn
Every workload runs inside an RssMonitor (common.py): 8 = the server's peak RSS during it.
A timed request is the whole exchange (send, wait, read the full body) on a kept-alive connection;
after one untimed warm-up it is repeated until --reps runs or --budget seconds (at least once) and
the median is reported (the big-file PUT and the small-file PUTs have no warm-up). Times and
counts go to the results file; nothing is asserted.
"""
import argparse
import base64
import concurrent.futures
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

from common import RssMonitor, Results, count_responses, log, measure, session

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen  # noqa: E402  (small_file, make_event, DEFAULT_SEED)

XML = {"Content-Type": "application/xml; charset=utf-8"}

# ---- the exact request bodies ----------------------------------------------------------------

# 1 (and the Depth 1 PROPFIND of the load step)
PROPFIND_GETETAG = """<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>"""

# 2  (start/end from the manifest: one week, 2025-11-10 .. 2025-11-17 UTC)
CALENDAR_QUERY = """<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/></D:prop>
  <C:filter>
    <C:comp-filter name="VCALENDAR">
      <C:comp-filter name="VEVENT">
        <C:time-range start="{start}" end="{end}"/>
      </C:comp-filter>
    </C:comp-filter>
  </C:filter>
</C:calendar-query>"""

# 3
SYNC_TOKEN_PROPFIND = """<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:"><D:prop><D:sync-token/></D:prop></D:propfind>"""
SYNC_COLLECTION = """<?xml version="1.0" encoding="utf-8"?>
<D:sync-collection xmlns:D="DAV:">
  <D:sync-token>{token}</D:sync-token>
  <D:sync-level>1</D:sync-level>
  <D:prop><D:getetag/></D:prop>
</D:sync-collection>"""

# 4  ({hrefs} = 500 × <D:href>/path/name.ics</D:href>)
CALENDAR_MULTIGET = """<?xml version="1.0" encoding="utf-8"?>
<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/><C:calendar-data/></D:prop>
{hrefs}
</C:calendar-multiget>"""

# 5  ({term} from the manifest: "lindqvist"; the default collation is i;unicode-casemap)
ADDRESSBOOK_QUERY = """<?xml version="1.0" encoding="utf-8"?>
<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">
  <D:prop><D:getetag/><C:address-data/></D:prop>
  <C:filter>
    <C:prop-filter name="FN">
      <C:text-match match-type="contains">{term}</C:text-match>
    </C:prop-filter>
  </C:filter>
</C:addressbook-query>"""

# 6
PROPFIND_FILES = """<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/><D:getcontentlength/><D:getlastmodified/><D:getetag/></D:prop></D:propfind>"""

# ------------------------------------------------------------------------------------------------


def timed(s, method, url, body=None, headers=None, expect=(207,)):
    h = dict(XML) if body is not None else {}
    h.update(headers or {})
    data = body.encode() if isinstance(body, str) else body
    t0 = time.perf_counter()
    r = s.request(method, url, data=data, headers=h, timeout=1800)
    content = r.content
    t = time.perf_counter() - t0
    if r.status_code not in expect:
        raise RuntimeError(f"{method} {url} → {r.status_code}: {content[:400]!r}")
    return t, content


def path_of(url):
    return urllib.parse.urlsplit(url).path


def run_workload(res, pid, key, fn, reps, budget, warmup=True):
    log(f"{res.server}: workload {key}")
    try:
        with RssMonitor(pid) as rss:
            out = measure(fn, reps, budget, warmup)
    except Exception as e:  # recorded and shown in the table, the run goes on
        log(f"{res.server}: workload {key} failed: {e}")
        res.update("w", key, {"error": str(e)[:300]})
        return
    res.update("w", key, out)
    res.update("rss", key, rss.mib)
    log(f"{res.server}: {key}: median {out['s']:.4f} s over {out['n']}, items {out['items']}, rss {rss.mib} MiB")


def dav(a):
    res = Results(a.results, a.server)
    with open(os.path.join(a.gen, "manifest.json")) as f:
        man = json.load(f)
    s = session(a.user, a.password)
    big, small = a.big.rstrip("/") + "/", a.small.rstrip("/") + "/"

    # 1
    run_workload(res, a.pid, "w1_propfind", lambda: (lambda t, c: (t, count_responses(c) - 1))(
        *timed(s, "PROPFIND", big, PROPFIND_GETETAG, {"Depth": "1"})), a.reps, a.budget)

    # 2
    cq = CALENDAR_QUERY.format(start=man["week"][0], end=man["week"][1])
    run_workload(res, a.pid, "w2_calquery", lambda: (lambda t, c: (t, count_responses(c)))(
        *timed(s, "REPORT", big, cq, {"Depth": "1"})), a.reps, a.budget)

    # 4
    names = random.Random(man["seed"]).sample(man["cal-big"]["names"], min(500, len(man["cal-big"]["names"])))
    mg = CALENDAR_MULTIGET.format(hrefs="\n".join(f"  <D:href>{path_of(big)}{n}</D:href>" for n in names))
    run_workload(res, a.pid, "w4_multiget", lambda: (lambda t, c: (t, count_responses(c)))(
        *timed(s, "REPORT", big, mg, {"Depth": "1"})), a.reps, a.budget)

    # 5
    if a.book != "-":
        aq = ADDRESSBOOK_QUERY.format(term=man["text_match"])
        run_workload(res, a.pid, "w5_cardquery", lambda: (lambda t, c: (t, count_responses(c)))(
            *timed(s, "REPORT", a.book.rstrip("/") + "/", aq, {"Depth": "1"})), a.reps, a.budget)
    else:
        res.update("w", "w5_cardquery", {"na": "not implemented"})

    # 3
    for key, url, coll in (("w3_sync_big", big, "cal-big"), ("w3_sync_small", small, "cal-small")):
        run_workload(res, a.pid, key, sync_runner(s, url, man[coll]["names"], man["seed"], key),
                     a.reps, a.budget)


def sync_token(s, url):
    _, c = timed(s, "PROPFIND", url, SYNC_TOKEN_PROPFIND, {"Depth": "0"})
    m = re.search(rb"<(?:[A-Za-z0-9_.-]+:)?sync-token[^>]*>\s*([^<\s]+)\s*<", c)
    if not m:
        raise RuntimeError(f"no DAV:sync-token on {url}: {c[:300]!r}")
    return m.group(1).decode()


def sync_runner(s, url, names, seed, key):
    """Each call: note the sync-token, make 10 changes (untimed), time sync-collection(token)."""
    rng = random.Random(f"{seed}/{key}")
    ctype = {"Content-Type": "text/calendar; charset=utf-8"}
    state = {"rep": 0, "extra": None}

    def put(name, text):
        r = s.put(url + name, data=text.encode(), headers=ctype, timeout=300)
        if r.status_code not in (201, 204):
            raise RuntimeError(f"PUT {url}{name} → {r.status_code}: {r.text[:300]}")

    # one extra event, so that every round can delete one and add one
    ev, _ = gen.make_event(rng)
    state["extra"] = f"bench-sync-{key}-0.ics"
    put(state["extra"], ev)
    originals = {}

    def one():
        state["rep"] += 1
        token = sync_token(s, url)
        for name in rng.sample(names, 8):  # 8 updates
            if name not in originals:
                r = s.get(url + name, timeout=300)
                if r.status_code != 200:
                    raise RuntimeError(f"GET {url}{name} → {r.status_code}")
                originals[name] = r.text
            text = originals[name].replace("SEQUENCE:0", f"SEQUENCE:{state['rep']}")
            text = re.sub(r"SUMMARY;LANGUAGE=en-us:", f"SUMMARY;LANGUAGE=en-us:[rev {state['rep']}] ", text)
            put(name, text)
        ev, _ = gen.make_event(rng)  # 1 new
        new = f"bench-sync-{key}-{state['rep']}.ics"
        put(new, ev)
        r = s.delete(url + state["extra"], timeout=300)  # 1 deleted
        if r.status_code not in (200, 204):
            raise RuntimeError(f"DELETE {url}{state['extra']} → {r.status_code}")
        state["extra"] = new
        t, c = timed(s, "REPORT", url, SYNC_COLLECTION.format(token=token))
        return t, count_responses(c)

    return one


# ---- 6: files ----------------------------------------------------------------------------------

def curl(args):
    out = subprocess.run(["curl", "-sS", "--fail-with-body", "-o", "/dev/null", "-H", "Expect:",
                          "-w", "%{http_code} %{time_total} %{size_download} %{size_upload}"] + args,
                         capture_output=True, text=True, timeout=1800)
    if out.returncode != 0:
        raise RuntimeError(f"curl {' '.join(args[-1:])}: {out.stderr.strip()} {out.stdout}")
    code, t, down, up = out.stdout.split()
    return int(code), float(t), int(float(down)), int(float(up))


def files(a):
    res = Results(a.results, a.server)
    s = session(a.user, a.password)
    base = a.dir.rstrip("/") + "/"
    auth = ["-u", f"{a.user}:{a.password}"] if a.user else []
    size = os.path.getsize(a.bigfile)
    mib = size / 1048576

    # clean slate for re-runs against a kept server
    for name in ("small/", "mix/"):
        s.delete(base + name, timeout=600)

    counter = {"put": 0}

    def put_big():
        counter["put"] += 1
        code, t, _, up = curl(auth + ["-T", a.bigfile, f"{base}big-{counter['put']}.bin"])
        if code not in (201, 204) or up != size:
            raise RuntimeError(f"PUT big → {code}, {up} bytes sent")
        return t, round(mib / t, 1)

    def get_big():
        code, t, down, _ = curl(auth + [f"{base}big-1.bin"])
        if code != 200 or down != size:
            raise RuntimeError(f"GET big → {code}, {down} of {size} bytes")
        return t, round(mib / t, 1)

    run_workload(res, a.pid, "w6_put_big", put_big, 3, a.budget, warmup=False)
    run_workload(res, a.pid, "w6_get_big", get_big, 3, a.budget)
    for i in range(1, counter["put"] + 1):
        s.delete(f"{base}big-{i}.bin", timeout=600)

    # PUT of N small files into small/, WORKERS in flight
    r = s.request("MKCOL", base + "small/", timeout=60)
    if r.status_code not in (201, 405):
        raise SystemExit(f"MKCOL {base}small/ → {r.status_code}")
    local = threading.local()

    def sess():
        if not hasattr(local, "s"):
            local.s = session(a.user, a.password)
        return local.s

    def put_small(i):
        body = gen.small_file(a.seed, i)
        r = sess().put(f"{base}small/f{i:05d}.bin", data=body, timeout=300,
                       headers={"Content-Type": "application/octet-stream"})
        if r.status_code not in (201, 204):
            raise RuntimeError(f"PUT small/f{i:05d}.bin → {r.status_code}")
        return len(body)

    def put_many():
        t0 = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(a.workers) as ex:
            total = sum(ex.map(put_small, range(a.small_files)))
        t = time.perf_counter() - t0
        return t, {"files": a.small_files, "per_s": round(a.small_files / t, 1), "mib": round(total / 1048576, 1)}

    run_workload(res, a.pid, "w6_put_small", put_many, 1, 0, warmup=False)

    run_workload(res, a.pid, "w6_propfind_small", lambda: (lambda t, c: (t, count_responses(c) - 1))(
        *timed(s, "PROPFIND", base + "small/", PROPFIND_FILES, {"Depth": "1"})), a.reps, a.budget)

    # the folder of 100 files for the concurrent mix
    s.request("MKCOL", base + "mix/", timeout=60)
    for i in range(100):
        s.put(f"{base}mix/m{i:03d}.bin", data=gen.small_file(a.seed, 100000 + i), timeout=60)


# ---- 7: concurrency with wrk -------------------------------------------------------------------

def mix(a):
    res = Results(a.results, a.server)
    here = os.path.dirname(os.path.abspath(__file__))
    env = dict(os.environ)
    env["BENCH_MIX_KIND"] = a.kind
    if a.user:
        env["BENCH_MIX_AUTH"] = "Basic " + base64.b64encode(f"{a.user}:{a.password}".encode()).decode()
    with tempfile.TemporaryDirectory(prefix="portico-bench-mix.") as tmp:
        listing = os.path.join(tmp, "paths")
        if a.kind == "dav":
            big, small, gendir = a.urls
            with open(os.path.join(gendir, "manifest.json")) as f:
                man = json.load(f)
            with open(listing, "w") as f:
                for n in man["cal-big"]["names"]:
                    f.write(path_of(big).rstrip("/") + "/" + n + "\n")
            env["BENCH_MIX_PROPFIND"] = path_of(small).rstrip("/") + "/"
            env["BENCH_MIX_REPORT"] = path_of(big).rstrip("/") + "/"
            target = big
        else:
            base, = a.urls
            base = base.rstrip("/") + "/"
            with open(listing, "w") as f:
                for i in range(a.small_files):
                    f.write(path_of(base) + f"small/f{i:05d}.bin\n")
            env["BENCH_MIX_PROPFIND"] = path_of(base) + "mix/"
            target = base
        env["BENCH_MIX_PATHS"] = listing
        key = "w7_mix" if a.kind == "dav" else "w7_files_mix"
        log(f"{res.server}: workload {key} ({a.kind}, {a.clients} clients, {a.seconds} s)")
        u = urllib.parse.urlsplit(target)
        cmd = ["wrk", "-t", str(a.threads), "-c", str(a.clients), "-d", f"{a.seconds}s",
               "--timeout", "60s", "-s", os.path.join(here, "mix.lua"), f"{u.scheme}://{u.netloc}/"]
        with RssMonitor(a.pid) as rss:
            out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=a.seconds + 120)
        line = [x for x in out.stdout.splitlines() if x.startswith("BENCH-JSON ")]
        if out.returncode != 0 or not line:
            res.update("w", key, {"error": (out.stderr + out.stdout)[-300:]})
            log(f"{res.server}: wrk failed: {out.stderr[-500:]} {out.stdout[-500:]}")
            return
        r = json.loads(line[0][len("BENCH-JSON "):])
        r["rps"] = round(r["requests"] / (r["duration_us"] / 1e6), 1)
        r["clients"] = a.clients
        r["seconds"] = a.seconds
        res.update("w", key, r)
        res.update("rss", key, rss.mib)
        log(f"{res.server}: {key}: {r['rps']} req/s, p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms, "
            f"errors {r['errors']}, rss {rss.mib} MiB")


# The web UI's pages (workload 8): path, label; the admin pages are fetched as the administrator.
PAGES = [
    ("/", "home"),
    ("/calendar", "calendar week"),
    ("/calendar?view=month", "calendar month"),
    ("/calendar/new", "new event"),
    ("/directory", "directory, everyone"),
    ("/directory?q=555+30", "directory, phone search"),
    ("/directory?letter=P", "directory, letter"),
    ("/directory/{user}", "profile"),
    ("/directory?view=structure", "company structure"),
    ("/directory?view=absences", "absence chart, everyone"),
    ("/directory?view=birthdays", "birthdays"),
    ("/directory?view=changes", "staff changes"),
    ("/calendar/settings", "calendar settings"),
    ("/calendar/rooms", "free rooms"),
    ("/documents/", "documents"),
    ("/documents/departments/sales/", "department library"),
    ("/settings", "settings"),
]
ADMIN_PAGES = [("/admin", "admin status"), ("/admin/users", "admin users"), ("/admin/departments", "admin departments"),
               ("/admin/groups", "admin groups"), ("/admin/rooms", "admin rooms"), ("/admin/directory", "admin directory")]


def pages(a):
    """Each page of the web UI as a signed-in browser gets it: one warm-up, then --requests
    sequential GETs; p50 and p99 of the latency, per page."""
    res = Results(a.results, a.server)
    base = a.base.rstrip("/")

    def signed_in(user, password):
        s = session("", "")
        r = s.post(f"{base}/login", data={"login": user, "password": password, "next": "/"},
                   allow_redirects=False, timeout=30)
        if r.status_code != 303 or "portico_session" not in s.cookies:
            raise RuntimeError(f"signing in as {user}: {r.status_code} {r.text[:200]!r}")
        return s

    who = [(signed_in(a.user, a.password), PAGES)]
    if a.admin_password:
        who.append((signed_in("admin", a.admin_password), ADMIN_PAGES))
    for s, listed in who:
        for path, label in listed:
            url = base + path.format(user=a.user)
            key = "w8_page_" + re.sub(r"[^a-z0-9]+", "_", label)
            times = []
            try:
                with RssMonitor(a.pid) as rss:
                    for i in range(a.requests + 1):
                        t, body = timed(s, "GET", url, expect=(200,))
                        if i == 0:
                            continue  # warm-up
                        times.append(t)
            except Exception as e:
                log(f"{res.server}: page {label} failed: {e}")
                res.update("w", key, {"error": str(e)[:300]})
                continue
            times.sort()
            p = lambda q: times[min(len(times) - 1, int(q * len(times)))] * 1000
            out = {"label": label, "path": path, "n": len(times), "p50_ms": round(p(0.50), 2),
                   "p99_ms": round(p(0.99), 2), "bytes": len(body)}
            res.update("w", key, out)
            res.update("rss", key, rss.mib)
            log(f"{res.server}: page {label}: p50 {out['p50_ms']} ms, p99 {out['p99_ms']} ms, {len(body):,} bytes")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)

    def common(sp):
        for n in ("results", "pid", "user", "password"):
            sp.add_argument(n)
        sp.add_argument("--server", default=None)
        sp.add_argument("--reps", type=int, default=5)
        sp.add_argument("--budget", type=float, default=10.0)
        sp.add_argument("--seed", type=int, default=gen.DEFAULT_SEED)
        sp.add_argument("--small-files", type=int, default=10000)

    d = sub.add_parser("dav"); common(d)
    for n in ("big", "small", "book", "gen"):
        d.add_argument(n)
    f = sub.add_parser("files"); common(f)
    f.add_argument("dir"); f.add_argument("bigfile")
    f.add_argument("--workers", type=int, default=8)
    m = sub.add_parser("mix"); common(m)
    m.add_argument("kind", choices=["dav", "files"])
    m.add_argument("urls", nargs="+")
    m.add_argument("--clients", type=int, default=64)
    m.add_argument("--seconds", type=int, default=30)
    m.add_argument("--threads", type=int, default=2)
    g = sub.add_parser("pages"); common(g)
    g.add_argument("base")
    g.add_argument("--requests", type=int, default=200)
    g.add_argument("--admin-password", default=os.environ.get("PORTICO_ADMIN_PASSWORD", ""))
    a = p.parse_args()
    if a.server is None:
        a.server = os.path.basename(a.results).rsplit(".", 1)[0]
    {"dav": dav, "files": files, "mix": mix, "pages": pages}[a.cmd](a)


if __name__ == "__main__":
    main()
