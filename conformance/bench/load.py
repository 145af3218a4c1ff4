#!/usr/bin/env python3
"""conformance/bench/load.py — load the generated calendars and address book into a server, each
the fastest way it allows, and record how long it took (reported apart from the workloads).

usage (called by conformance/bench/run; GEN is the output of gen.py dav):
    load.py radicale-fs  GEN COLLECTION_ROOT USER RESULTS.json --config CFG --radicale-python PY
        write Radicale's storage folder directly: COLLECTION_ROOT/USER/{calendar,small,contacts}/
        with a .Radicale.props each, then build its item cache with radicale_index.py (Radicale's
        own parsing code, on all CPUs; Radicale must not be running yet)
    load.py xandikos-fs  GEN PRINCIPAL_DIR RESULTS.json
        copy the files into Xandikos' git working trees (PRINCIPAL_DIR/calendars/calendar, …/small,
        contacts/addressbook, created by `xandikos serve --defaults` + MKCALENDAR) and commit them
        with git (Xandikos must not be running)
    load.py index  RESULTS.json PID USER PASS BIG_URL SMALL_URL BOOK_URL [--xandikos-log LOG]
        first request on each collection (PROPFIND Depth 1, getetag), which makes Radicale build
        its item cache; for Xandikos (started with --eager) also wait until its log says the
        collection's index is complete
    load.py http   GEN RESULTS.json PID USER PASS BIG_URL SMALL_URL BOOK_URL [--workers 8]
        PUT every object over HTTP (If-None-Match: *), WORKERS requests in flight; a URL given as
        "-" is skipped (e.g. an address book the server does not have)
Each result goes to RESULTS.json under "load": {"cal-big"|"cal-small"|"book": {...}}.
"""
import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time

from common import RssMonitor, Results, count_responses, log, session

SETS = [("cal-big", ".ics"), ("cal-small", ".ics"), ("book", ".vcf")]

PROPFIND_GETETAG = b"""<?xml version="1.0" encoding="utf-8"?>
<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>"""


def manifest(gen):
    with open(os.path.join(gen, "manifest.json")) as f:
        return json.load(f)


def copy_set(src, dst):
    os.makedirs(dst, exist_ok=True)
    n = 0
    for name in os.listdir(src):
        shutil.copyfile(os.path.join(src, name), os.path.join(dst, name))
        n += 1
    return n


def radicale_fs(a):
    res = Results(a.results)
    props = {"cal-big": {"tag": "VCALENDAR", "C:supported-calendar-component-set": "VEVENT",
                         "D:displayname": "Calendar"},
             "cal-small": {"tag": "VCALENDAR", "C:supported-calendar-component-set": "VEVENT",
                           "D:displayname": "Small"},
             "book": {"tag": "VADDRESSBOOK", "D:displayname": "Contacts"}}
    dirs = {"cal-big": "calendar", "cal-small": "small", "book": "contacts"}
    os.makedirs(os.path.join(a.root, a.user), exist_ok=True)
    for key, _ in SETS:
        t0 = time.perf_counter()
        d = os.path.join(a.root, a.user, dirs[key])
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, ".Radicale.props"), "w") as f:
            json.dump(props[key], f)
        n = copy_set(os.path.join(a.gen, key), d)
        os.sync()
        t = time.perf_counter() - t0
        res.update("load", key, {"method": "files + radicale_index.py + PROPFIND",
                                 "items": n, "write_s": round(t, 3)})
        log(f"radicale: wrote {n} {key} files in {t:.1f} s")
        t0 = time.perf_counter()
        here = os.path.dirname(os.path.abspath(__file__))
        subprocess.run([a.radicale_python, os.path.join(here, "radicale_index.py"), a.config,
                        f"{a.user}/{dirs[key]}"], check=True, stdout=subprocess.DEVNULL)
        t = time.perf_counter() - t0
        d = res.read()["load"][key]
        d["cache_s"] = round(t, 3)
        res.update("load", key, d)
        log(f"radicale: item cache of {key} built in {t:.1f} s")


def xandikos_fs(a):
    res = Results(a.results)
    dirs = {"cal-big": "calendars/calendar", "cal-small": "calendars/small",
            "book": "contacts/addressbook"}
    env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@localhost",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@localhost")
    for key, _ in SETS:
        d = os.path.join(a.principal, dirs[key])
        if not os.path.isdir(os.path.join(d, ".git")):
            sys.exit(f"xandikos-fs: {d} is not a collection (start xandikos with --defaults first)")
        t0 = time.perf_counter()
        n = copy_set(os.path.join(a.gen, key), d)
        subprocess.run(["git", "-C", d, "add", "-A"], check=True, env=env)
        subprocess.run(["git", "-C", d, "commit", "-q", "-m", "bench import"], check=True, env=env)
        os.sync()
        t = time.perf_counter() - t0
        res.update("load", key, {"method": "git commit + --eager index",
                                 "items": n, "write_s": round(t, 3)})
        log(f"xandikos: wrote and committed {n} {key} files in {t:.1f} s")


def wait_xandikos_index(logfile, path, deadline):
    """Wait for "Eager indexing complete for TreeGitStore(<Repo at '…PATH'>…): indexed N items."."""
    pat = re.compile(r"Eager indexing complete for .*Repo at '[^']*" + re.escape(path.rstrip("/")) + r"'.*indexed (\d+) items")
    while time.monotonic() < deadline:
        with open(logfile, errors="replace") as f:
            m = pat.search(f.read())
        if m:
            return int(m.group(1))
        time.sleep(0.1)
    raise SystemExit(f"xandikos did not finish indexing {path} in time")


def index(a):
    res = Results(a.results)
    s = session(a.user, a.password)
    d = res.read()
    xpaths = {"cal-big": "calendars/calendar", "cal-small": "calendars/small", "book": "contacts/addressbook"}
    with RssMonitor(a.pid) as rss:
        for key, url in (("cal-big", a.big), ("cal-small", a.small), ("book", a.book)):
            if url == "-":
                continue
            t0 = time.perf_counter()
            r = s.request("PROPFIND", url, data=PROPFIND_GETETAG, timeout=1800,
                          headers={"Depth": "1", "Content-Type": "application/xml; charset=utf-8"})
            if r.status_code != 207:
                raise SystemExit(f"index {key}: PROPFIND {url} → {r.status_code} {r.text[:300]}")
            n = count_responses(r.content) - 1
            indexed = None
            if a.xandikos_log:
                indexed = wait_xandikos_index(a.xandikos_log, xpaths[key], time.monotonic() + 1800)
            t = time.perf_counter() - t0
            entry = d["load"].get(key, {})
            entry.update({"index_s": round(t, 3), "listed": n})
            if indexed is not None:
                entry["indexed"] = indexed
            entry["s"] = round(entry.get("write_s", 0) + entry.get("cache_s", 0) + t, 3)
            entry["rate"] = round(entry.get("items", n) / entry["s"], 1)
            res.update("load", key, entry)
            log(f"index {key}: {n} listed, {t:.1f} s")
    res.update("rss", "load", rss.mib)


def http_load(a):
    res = Results(a.results)
    local = threading.local()

    def sess():
        if not hasattr(local, "s"):
            local.s = session(a.user, a.password)
        return local.s

    def put(url, path, ctype):
        with open(path, "rb") as f:
            body = f.read()
        for attempt in range(3):
            r = sess().put(url, data=body, timeout=300,
                           headers={"Content-Type": ctype, "If-None-Match": "*"})
            if r.status_code in (201, 204):
                return
            if r.status_code not in (500, 502, 503, 429):
                break
            time.sleep(0.2 * (attempt + 1))
        raise RuntimeError(f"PUT {url} → {r.status_code} {r.text[:300]}")

    with RssMonitor(a.pid) as rss:
        for (key, ext), url in zip(SETS, (a.big, a.small, a.book)):
            if url == "-":
                continue
            src = os.path.join(a.gen, key)
            names = sorted(os.listdir(src))
            ctype = "text/calendar; charset=utf-8" if ext == ".ics" else "text/vcard; charset=utf-8"
            t0 = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(a.workers) as ex:
                futs = [ex.submit(put, url.rstrip("/") + "/" + n, os.path.join(src, n), ctype) for n in names]
                for f in concurrent.futures.as_completed(futs):
                    f.result()
            t = time.perf_counter() - t0
            res.update("load", key, {"method": f"HTTP PUT, {a.workers} in flight", "items": len(names),
                                     "s": round(t, 3), "rate": round(len(names) / t, 1)})
            log(f"http load {key}: {len(names)} PUTs in {t:.1f} s ({len(names) / t:.0f}/s)")
    res.update("rss", "load", rss.mib)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("radicale-fs")
    r.add_argument("gen"); r.add_argument("root"); r.add_argument("user"); r.add_argument("results")
    r.add_argument("--config", required=True); r.add_argument("--radicale-python", required=True)
    x = sub.add_parser("xandikos-fs")
    x.add_argument("gen"); x.add_argument("principal"); x.add_argument("results")
    i = sub.add_parser("index")
    for n in ("results", "pid", "user", "password", "big", "small", "book"):
        i.add_argument(n)
    i.add_argument("--xandikos-log")
    h = sub.add_parser("http")
    for n in ("gen", "results", "pid", "user", "password", "big", "small", "book"):
        h.add_argument(n)
    h.add_argument("--workers", type=int, default=8)
    a = p.parse_args()
    {"radicale-fs": radicale_fs, "xandikos-fs": xandikos_fs, "index": index, "http": http_load}[a.cmd](a)


if __name__ == "__main__":
    main()
