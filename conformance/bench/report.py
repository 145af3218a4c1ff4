#!/usr/bin/env python3
"""conformance/bench/report.py — turn a benchmark run's results into the table, and the doc.

usage:
    report.py RESULTS_DIR META_FILE [--doc docs/benchmarks.md]
RESULTS_DIR holds one JSON file per server (load.py and workloads.py write them), META_FILE the
key=value lines conformance/bench/run writes (machine, versions, sizes, durations, notes).
Prints the tables; with --doc writes the whole docs/benchmarks.md (machine description, how to
rerun, the tables, what each workload does). Targets are reported, never asserted.
"""
import argparse
import json
import os
import re

CAL = ["portico", "portico_pg", "radicale", "xandikos"]
FILES = ["portico", "portico_pg", "apache", "dufs"]
NAMES = {"portico": "Portico", "portico_pg": "Portico on PostgreSQL", "radicale": "Radicale",
         "xandikos": "Xandikos", "apache": "Apache", "dufs": "dufs"}


def read_meta(path):
    meta, notes, versions = {}, [], {}
    lines = open(path).read().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.endswith("<<EOF"):
            key = line[:-5]
            j = lines.index("EOF", i)
            meta[key] = "\n".join(lines[i + 1:j])
            i = j + 1
            continue
        if line.startswith("note="):
            notes.append(line[5:])
        elif "=" in line:
            for part in (line.split(" ") if re.match(r"^\w+=\S+ \w+=", line) else [line]):
                k, _, v = part.partition("=")
                if k == "note":
                    notes.append(v)
                elif k in NAMES:
                    versions[k] = v
                else:
                    meta[k] = v
        i += 1
    return meta, notes, versions


def load_results(d):
    out = {}
    for f in os.listdir(d):
        if f.endswith(".json"):
            with open(os.path.join(d, f)) as fh:
                r = json.load(fh)
            out[f[:-5]] = r
    return out


def fmt_s(v):
    if v is None:
        return "—"
    if v < 1:
        return f"{v * 1000:.1f} ms" if v < 0.1 else f"{v * 1000:.0f} ms"
    return f"{v:.2f} s" if v < 100 else f"{v:.0f} s"


def fmt_num(v, unit=""):
    if v is None:
        return "—"
    s = f"{v:,.0f}" if v >= 100 else (f"{v:.1f}" if v >= 10 else f"{v:.2f}")
    return s + unit


def fmt_ratio(r):
    if r is None:
        return "—"
    if r >= 100:
        return f"{r:,.0f}×"
    if r >= 10:
        return f"{r:.0f}×"
    return f"{r:.2f}×" if r < 1 else f"{r:.1f}×"


class Table:
    def __init__(self, title, cols):
        self.title, self.cols, self.rows = title, cols, []

    def add(self, label, cells):
        self.rows.append([label] + cells)

    def render(self):
        widths = [max(len(str(r[i])) for r in self.rows + [[""] + self.cols]) for i in range(len(self.cols) + 1)]
        out = [self.title]
        head = [""] + self.cols
        out.append("  ".join(h.ljust(widths[0]) if i == 0 else h.rjust(widths[i]) for i, h in enumerate(head)))
        out.append("  ".join("-" * w for w in widths))
        for r in self.rows:
            out.append("  ".join(str(c).ljust(widths[0]) if i == 0 else str(c).rjust(widths[i]) for i, c in enumerate(r)))
        return "\n".join(out)


def cell(res, srv, key):
    """(display text, numeric value) for a timing workload."""
    r = res.get(srv)
    if r is None:
        return "not run", None
    w = r.get("w", {}).get(key)
    if w is None:
        return ("n/a (no CalDAV)" if r.get("caldav") is False else "n/a"), None
    if "na" in w:
        return f"n/a ({w['na']})", None
    if "error" in w:
        return "error", None
    return fmt_s(w["s"]), w["s"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("results")
    p.add_argument("meta")
    p.add_argument("--doc")
    a = p.parse_args()
    meta, notes, versions = read_meta(a.meta)
    res = load_results(a.results)
    ev, cards = int(meta["events"]), int(meta["cards"])
    small_ev, nfiles = int(meta["small_events"]), int(meta["small_files"])
    big_mib = int(meta["bigfile_mib"])
    clients, secs, fsecs = meta["clients"], meta["seconds"], meta["files_seconds"]
    targets = []
    footnotes = []

    # ---- CalDAV / CardDAV -------------------------------------------------------------------
    cal = [s for s in CAL if s in res or s in meta.get("servers", "")]
    peers = [s for s in cal if s != "portico"]
    t = Table(f"CalDAV / CardDAV — median time per request (lower is better); ×: how many times faster Portico is",
              [NAMES[s] for s in cal] + [f"vs {NAMES[s]}" for s in peers])
    rows = [("1 PROPFIND Depth 1, getetag, %s events" % f"{ev:,}", "w1_propfind"),
            ("2 calendar-query, 1 week time-range", "w2_calquery"),
            ("3 sync-collection after 10 changes, %s" % f"{ev:,}", "w3_sync_big"),
            ("3 sync-collection after 10 changes, %s" % f"{small_ev:,}", "w3_sync_small"),
            ("4 calendar-multiget, 500 hrefs", "w4_multiget"),
            ("5 addressbook-query text-match, %s cards" % f"{cards:,}", "w5_cardquery")]
    values = {}
    for label, key in rows:
        cells, nums = [], {}
        for s in cal:
            txt, v = cell(res, s, key)
            cells.append(txt)
            nums[s] = v
        values[key] = nums
        for s in peers:
            pv, sv = nums.get("portico"), nums.get(s)
            cells.append(fmt_ratio(sv / pv) if pv and sv else "—")
        t.add(label, cells)
    # 3: each server's own 10,000 / 100 ratio
    cells = []
    for s in cal:
        b, sm = values["w3_sync_big"].get(s), values["w3_sync_small"].get(s)
        cells.append(f"{b / sm:.2f}×" if b and sm else "—")
    t.add("3 sync ratio %s / %s items (own)" % (f"{ev:,}", f"{small_ev:,}"), cells + [""] * len(peers))
    # 7
    rps, p99 = {}, {}
    for s in cal:
        w = res.get(s, {}).get("w", {}).get("w7_mix")
        if w and "rps" in w:
            rps[s], p99[s] = w["rps"], w["p99_ms"] / 1000
    t.add(f"7 {clients} clients × {secs} s mix: requests/s",
          [fmt_num(rps.get(s)) if s in rps else "n/a" for s in cal]
          + [fmt_ratio(rps["portico"] / rps[s]) if "portico" in rps and rps.get(s) else "—" for s in peers])
    t.add(f"7 {clients} clients × {secs} s mix: p99 latency",
          [fmt_s(p99.get(s)) if s in p99 else "n/a" for s in cal]
          + [fmt_ratio(p99[s] / p99["portico"]) if "portico" in p99 and p99.get(s) else "—" for s in peers])

    # answers (a correctness cross-check: every server should return the same counts)
    ans = Table("Answers (items in each response; runs counted) — the servers should agree",
                [NAMES[s] for s in cal])
    for label, key in rows:
        cells = []
        for s in cal:
            w = res.get(s, {}).get("w", {}).get(key)
            cells.append(f"{w['items']} ({w['n']})" if w and "items" in w else "—")
        ans.add(label.split(",")[0] + ("" if not key.startswith("w3") else (" big" if "big" in key else " small")), cells)
    cells = []
    for s in cal:
        w = res.get(s, {}).get("w", {}).get("w7_mix")
        cells.append(f"{w['requests']:,}" if w and "requests" in w else "—")
    ans.add("7 requests completed", cells)

    # load
    lt = Table("Load (not compared: each server loaded the fastest way it allows; see below)",
               [NAMES[s] for s in cal])
    for key, label in (("cal-big", f"{ev:,} events"), ("cal-small", f"{small_ev:,} events"),
                       ("book", f"{cards:,} cards")):
        cells = []
        for s in cal:
            l = res.get(s, {}).get("load", {}).get(key)
            cells.append(f"{fmt_s(l['s'])} ({l['rate']:,.0f}/s)" if l and "rate" in l else "n/a")
        lt.add(label, cells)
    methods = {s: res[s]["load"].get("cal-big", {}).get("method") for s in cal if s in res and res[s].get("load")}
    lt.add("how", [methods.get(s) or "—" for s in cal])

    # ---- files --------------------------------------------------------------------------------
    fs = [s for s in FILES if s in res or s in meta.get("servers", "")]
    fpeers = [s for s in fs if s != "portico"]
    ft = Table("WebDAV files (higher is better, except times); ×: Portico relative to the peer (>1 = Portico faster)",
               [NAMES[s] for s in fs] + [f"vs {NAMES[s]}" for s in fpeers])
    fvals = {}

    def frow(label, key, getter, fmt, higher_better):
        nums = {}
        for s in fs:
            w = res.get(s, {}).get("w", {}).get(key)
            nums[s] = getter(w) if w and "error" not in w and "na" not in w else None
        fvals[key] = nums
        cells = [fmt(nums[s]) if nums[s] is not None else ("error" if res.get(s, {}).get("w", {}).get(key, {}).get("error") else "n/a") for s in fs]
        for s in fpeers:
            pv, sv = nums.get("portico"), nums.get(s)
            cells.append(fmt_ratio((pv / sv) if higher_better else (sv / pv)) if pv and sv else "—")
        ft.add(label, cells)

    frow(f"6 PUT {big_mib:,} MiB file, MiB/s", "w6_put_big", lambda w: w["items"], lambda v: fmt_num(v), True)
    frow(f"6 GET {big_mib:,} MiB file, MiB/s", "w6_get_big", lambda w: w["items"], lambda v: fmt_num(v), True)
    frow(f"6 PUT {nfiles:,} small files (8 in flight), files/s", "w6_put_small", lambda w: w["items"]["per_s"], lambda v: fmt_num(v), True)
    frow(f"6 PROPFIND Depth 1 on those {nfiles:,} files", "w6_propfind_small", lambda w: w["s"], fmt_s, False)
    frow(f"7 {clients} clients × {fsecs} s PROPFIND/GET: requests/s", "w7_files_mix", lambda w: w.get("rps"), lambda v: fmt_num(v), True)
    frow(f"7 {clients} clients × {fsecs} s PROPFIND/GET: p99", "w7_files_mix", lambda w: w["p99_ms"] / 1000 if "p99_ms" in w else None, fmt_s, False)

    # ---- RSS ----------------------------------------------------------------------------------
    allsrv = [s for s in NAMES if s in res]
    rt = Table("Peak RSS during each workload, MiB (VmHWM reset before each; whole process tree)",
               [NAMES[s] for s in allsrv])
    for key, label in (("load", "load (calendars, address book)"), ("w1_propfind", "1 PROPFIND Depth 1"),
                       ("w2_calquery", "2 calendar-query"), ("w4_multiget", "4 calendar-multiget"),
                       ("w5_cardquery", "5 addressbook-query"), ("w3_sync_big", "3 sync-collection, big"),
                       ("w3_sync_small", "3 sync-collection, small"), ("w7_mix", "7 concurrent mix (CalDAV)"),
                       ("w6_put_big", f"6 PUT {big_mib:,} MiB"), ("w6_get_big", f"6 GET {big_mib:,} MiB"),
                       ("w6_put_small", f"6 PUT {nfiles:,} small files"),
                       ("w6_propfind_small", f"6 PROPFIND {nfiles:,} files"),
                       ("w7_files_mix", "7 concurrent mix (files)")):
        cells = []
        for s in allsrv:
            v = res[s].get("rss", {}).get(key)
            cells.append(f"{v:,.0f}" if v is not None else "")
        if any(cells):
            rt.add(label, cells)

    # ---- web pages (Portico only) ----------------------------------------------------------------
    pw = {k: w for k, w in res.get("portico", {}).get("w", {}).items() if k.startswith("w8_page_")}
    employees = meta.get("page_employees", "?")
    pt = Table(f"8 web pages, signed in, {employees} employees in the directory (Portico only: no peer has these pages)",
               ["p50", "p99", "size"])
    for k, w in pw.items():
        if "error" in w:
            pt.add(k[8:], ["error", "", ""])
        else:
            pt.add(f"{w['label']} ({w['path']})", [f"{w['p50_ms']:.1f} ms", f"{w['p99_ms']:.1f} ms", f"{w['bytes']:,} B"])

    # ---- targets ------------------------------------------------------------------------------
    def target(desc, ratio, goal, fmt=fmt_ratio, le=False):
        if ratio is None:
            targets.append(f"  n/a     {desc}")
            return
        ok = ratio <= goal if le else ratio >= goal
        targets.append(f"  {'met    ' if ok else 'NOT met'} {desc}: {fmt(ratio)}")

    for key, label in (("w1_propfind", "1 PROPFIND"), ("w2_calquery", "2 calendar-query"), ("w5_cardquery", "5 addressbook-query")):
        for peer, goal in (("radicale", 20), ("xandikos", 5)):
            pv, sv = values[key].get("portico"), values[key].get(peer)
            target(f"{label} ≥ {goal}× {NAMES[peer]}", sv / pv if pv and sv else None, goal)
    b, sm = values["w3_sync_big"].get("portico"), values["w3_sync_small"].get("portico")
    target(f"3 sync-collection on {ev:,} items within 1.5× of {small_ev:,} items", b / sm if b and sm else None, 1.5, le=True)
    for key, label in (("w6_put_big", f"PUT {big_mib:,} MiB"), ("w6_get_big", f"GET {big_mib:,} MiB"),
                       ("w6_put_small", f"PUT {nfiles:,} small files")):
        pv, av = fvals[key].get("portico"), fvals[key].get("apache")
        target(f"file throughput {label} ≥ 0.9× Apache", pv / av if pv and av else None, 0.9)
    prss = res.get("portico", {}).get("rss", {})
    if prss.get("w6_put_big") and prss.get("w6_put_small"):
        big_peak = max(prss.get("w6_put_big", 0), prss.get("w6_get_big", 0))
        flat = big_peak <= max(prss["w6_put_small"] * 1.25, prss["w6_put_small"] + 32)
        targets.append(f"  {'met    ' if flat else 'NOT met'} Portico RSS flat at any file size: "
                       f"{big_peak:.0f} MiB with the {big_mib:,} MiB file vs {prss['w6_put_small']:.0f} MiB with small files")
    else:
        targets.append("  n/a     Portico RSS flat at any file size")

    good = [w for w in pw.values() if "error" not in w]
    if good and len(good) == len(pw):
        worst = max(good, key=lambda w: w["p99_ms"])
        targets.append(f"  {'met    ' if worst['p99_ms'] < 50 else 'NOT met'} every web page under 50 ms p99: "
                       f"slowest {worst['label']} at {worst['p99_ms']:.1f} ms")
    else:
        targets.append("  n/a     every web page under 50 ms p99")

    # ---- notes --------------------------------------------------------------------------------
    for key, label in (("w7_mix", "7 (CalDAV)"), ("w7_files_mix", "7 (files)")):
        errs = []
        for s in allsrv:
            w = res[s].get("w", {}).get(key)
            if w and w.get("errors"):
                d = ", ".join(f"{k} {v}" for k, v in w.get("errors_detail", {}).items() if v)
                errs.append(f"{NAMES[s]} {w['errors']} ({d})")
        if errs:
            footnotes.append(f"{label}: requests wrk counted as failed (socket errors, timeouts, "
                             f"non-2xx/3xx) among the completed ones: " + "; ".join(errs))
    for s in allsrv:
        for k, w in res[s].get("w", {}).items():
            if "error" in w:
                footnotes.append(f"{NAMES[s]} {k}: error: {w['error']}")
    if "portico" in res and res["portico"].get("caldav") is False:
        footnotes.append("Portico: CalDAV was not available in this build: its CalDAV rows are n/a")

    mode = "quick (BENCH_QUICK=1) " if meta.get("quick") == "1" else ""
    head = (f"Portico benchmark, {mode}run of {meta['date']} on {meta['nproc']} CPUs ({meta['cpu']}), {meta['mem']}\n"
            f"data (seed {meta['seed']}): {meta['gen']}; a {big_mib:,} MiB file; {nfiles:,} small files\n"
            f"timing: one untimed warm-up, then the median of up to {meta['reps']} runs within "
            f"{meta['budget']} s (at least one) per workload and server")
    blocks = [head, t.render(), ans.render(), lt.render(), ft.render(), pt.render(), rt.render(),
              "Targets (reported, not asserted):\n" + "\n".join(targets)]
    if meta.get("ldap_table", "").strip():
        blocks.append("First directory sync (9; conformance/bench/ldap-sync: `portico sync-ldap --full` into an "
                      "empty data directory against an `ldapsearch` dump of the same OpenLDAP, alternating, "
                      "medians with each run in brackets):\n" + meta["ldap_table"].strip())
    if notes or footnotes:
        blocks.append("Notes:\n" + "\n".join("  - " + n for n in notes + footnotes))
    dur = " ".join(f"{k[9:]} {v} s" for k, v in meta.items() if k.startswith("duration_"))
    blocks.append(f"Wall time: install {meta['t_install']} s, Portico build {meta['t_build']} s, "
                  f"data generation {meta['t_gen']} s, benchmark {meta['t_bench']} s ({dur})")
    text = "\n\n".join(blocks)
    print(text)
    if a.doc:
        with open(a.doc, "w") as f:
            f.write(doc(meta, versions, methods, text))
        print(f"\n(written to {a.doc})")


def doc(meta, versions, methods, text):
    v = lambda k: versions.get(k, "not run")  # noqa: E731
    try:
        others = float(meta["others_cpu"])
    except (KeyError, ValueError):
        others = None
    if meta.get("exclusive") == "1":
        excl = ("\nThe run held `/tmp/portico-cargo.lock` (`BENCH_EXCLUSIVE=1`), which keeps the builds that\n"
                "take it waiting; builds that do not take it (e.g. `scripts/test`) still ran.")
    else:
        excl = ""
    if others is None or others >= 0.2:
        shared = ("The machine was shared: while the benchmark ran, other people's processes (compilers) kept\n"
                  f"on average {others} of its CPUs busy, so single figures can be off by tens of percent.\n"
                  "The ratios between servers are steadier, and the orders of magnitude are what matters.")
    else:
        shared = f"Little else ran on the machine during the benchmark (other processes: {others} CPUs on average)."
    shared += excl
    return f"""# Benchmarks

Portico measured side by side with reference servers **on the same machine, in one run, with
the same generated data**: Radicale and Xandikos for CalDAV/CardDAV, Apache httpd with mod_dav
and dufs for WebDAV files. Everything below the "Results" heading was written by
`conformance/bench/run`; timings live only in this file, never in tests.

## Rerun it

```sh
conformance/bench/run                   # full run, rewrites this file (11-15 min on 2 cores, after installs)
BENCH_QUICK=1 conformance/bench/run     # small smoke run (~2-3 min), prints the tables only
BENCH_SERVERS="portico apache" conformance/bench/run   # some servers only
BENCH_ONLY=files BENCH_SERVERS="portico apache" BENCH_DOC= conformance/bench/run   # file workloads only
```

It installs what is missing (Debian: `apache2 apache2-utils wrk git curl`; PyPI in venvs under
`$PORTICO_TOOLS`: `radicale==3.9.0`, `xandikos==0.4.10`, `requests==2.32.3`;
`cargo install dufs --version 0.47.0 --locked`, cached), builds Portico in release mode, generates
the data, then for each server in turn: starts it on a free loopback port with its own data dir
in a temp dir, loads it, runs the workloads, stops it. Run as root on Debian bookworm (apt-get,
and Apache's workers run as `www-data`). Sizes can be changed with the `BENCH_*` variables
listed in the header of `conformance/bench/run`.

| file | what |
|---|---|
| `conformance/bench/run` | the command: install, generate, start/stop servers, call the steps below |
| `conformance/bench/gen.py` | deterministic generators (seed): Outlook-style events, vCards, files |
| `conformance/bench/load.py` | loading each server the fastest way it allows, timed |
| `conformance/bench/workloads.py` | workloads 1–7 with the exact request bodies |
| `conformance/bench/mix.lua` | the `wrk` script of workload 7 |
| `conformance/bench/common.py` | peak-RSS monitor, repetitions/median, results files |
| `conformance/bench/report.py` | the tables below and this file |

## Machine

| | |
|---|---|
| date | {meta['date']} |
| CPUs (`nproc`) | {meta['nproc']} |
| CPU | {meta['cpu']} |
| memory | {meta['mem']} |
| kernel | {meta['kernel']} |
| OS | {meta['os']} |
| temp dir file system | {meta['disk']} |
| load average at the start (1, 5, 15 min) | {meta['loadavg']} |
| CPUs used by other processes during the run (average) | {meta.get('others_cpu', '?')} |
| Portico | {v('portico')} |
| Radicale | {v('radicale')} (PyPI; htpasswd plain auth, owner_only rights, multifilesystem storage, other settings default) |
| Xandikos | {v('xandikos')} (PyPI; `serve --defaults --eager`, no auth: it offers auth only with HTTPS) |
| Apache | {v('apache')} (Debian; `Dav On`, Basic auth from an htpasswd file (APR1-MD5), default MPM settings) |
| dufs | {v('dufs')} (crates.io; `-A -a user:pass@/:rw`) |
| client | {meta['client']} |

`free -h`:

```
{meta.get('free_h', '')}
```

{shared}

## Results

```text
{text}
```

## What is measured

**Data** (`gen.py`, seed {meta['seed']}, byte-identical on every run): a calendar of
{int(meta['events']):,} events and one of {int(meta['small_events']):,}, as Outlook 2016 writes them
— Windows-named VTIMEZONEs (`W. Europe Standard Time`, `GMT Standard Time`, `Eastern Standard
Time`, …), organizer and attendees, `X-MICROSOFT-CDO-*` properties, a VALARM; ~5 % recurring
(daily/weekly/monthly RRULE) with 1–3 overrides (RECURRENCE-ID) and sometimes an EXDATE; ~3 %
all-day; spread over 2025–2026. An address book of {int(meta['cards']):,} vCard 3.0 contacts (N, FN, ORG,
TITLE, EMAIL, two TEL, ADR, sometimes BDAY/NOTE); one in three has a PHOTO (a 64×64 PNG, ~4.5
KiB base64). A {int(meta['bigfile_mib']):,} MiB pseudo-random file and {int(meta['small_files']):,}
small files of 1–16 KiB.

**Load** is not compared, but reported separately: each server is loaded the fastest way it
allows. Portico over HTTP (PUT with `If-None-Match: *`, {meta['load_workers']} in flight).
Radicale by writing the files into its storage folder, then building its item cache with
`radicale_index.py` — Radicale's own parsing code, the steps its first request would take one
item at a time, run on all CPUs (for an Outlook event this is ~30 ms of CPU: vobject expands the
VTIMEZONE rules from 1601) — then timing the first PROPFIND on each collection. Xandikos by
copying the files into its collections' git working trees and committing them with one `git
commit`, then starting it with `--eager` and waiting until its log says each collection's index
is complete. The time shown is everything from the first file written to the collection being
ready.

**Workloads** (`workloads.py`, bodies verbatim there):

1. `PROPFIND` Depth 1 with `DAV:getetag` on the big calendar.
2. `REPORT calendar-query`, `VCALENDAR/VEVENT` with a one-week `time-range`
   (2025-11-10 – 2025-11-17 UTC), asking for `getetag` — the query DAVx⁵, Thunderbird and iOS send.
3. `REPORT sync-collection` with the token taken just before 10 changes (8 updated events, 1 new,
   1 deleted; the changes are not timed), on the big and on the small calendar. The answer has
   10 responses.
4. `REPORT calendar-multiget` of 500 hrefs of the big calendar, `getetag` + `calendar-data`.
5. `REPORT addressbook-query`, `prop-filter FN` `text-match` "contains" (default collation
   `i;unicode-casemap`) of a surname that ~1 % of the cards have, `getetag` + `address-data`.
6. WebDAV files, with `curl` for the big file (streamed from disk / to `/dev/null`) and
   `requests` for the rest: PUT of the big file (three new names), GET of it, PUT of the small
   files into a new folder with 8 requests in flight (once), `PROPFIND` Depth 1 on that folder
   (`resourcetype getcontentlength getlastmodified getetag`).
7. {meta['clients']} concurrent keep-alive connections with `wrk` (2 threads) and `mix.lua`: for {meta['seconds']} s
   the CalDAV servers get, in turn, PROPFIND Depth 1 on the small calendar, GET of a random event
   of the big one, and `calendar-multiget` of 10 random events of the big one; for {meta['files_seconds']} s the
   file servers get PROPFIND Depth 1 on a folder of 100 files and GET of a random small file.
   Requests per second and the 99th percentile latency (wrk's, with a 60 s request timeout).
8. Peak RSS: before each workload `5` is written to `/proc/PID/clear_refs` of every process of the
   server (which resets `VmHWM`, the peak RSS, to the current RSS); during the workload `VmHWM` of
   every process in the server's tree is read every 0.2 s; the figure is the sum over the tree of
   each process's highest value (for all but Apache a single process). It is the peak during the
   workload, not the growth: Portico serves calendars and files from one process, so its file rows
   start from the memory the calendar workloads left it holding.

A timed request is the whole exchange — send, wait, read the full body — on a kept-alive
connection from a Python client on the same machine. After one untimed warm-up, each is repeated
up to {meta['reps']} times or until {meta['budget']} s have passed (at least once); the table shows
the median and the answers table the number of timed runs. The big-file PUTs (three, to new names)
and the small-file PUTs (once) have no warm-up. Servers run one at a time, so they do not compete
with each other, but they share the CPUs with the client (and `wrk`).
"""


if __name__ == "__main__":
    main()
