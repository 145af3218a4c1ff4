"""conformance/bench/common.py — helpers shared by load.py, workloads.py and report.py.

Not run directly. Provides:
    session(user, password)      a requests.Session with Basic auth (or none) and keep-alive
    RssMonitor(pid)              peak RSS of a server's process tree during a `with` block
    measure(fn, reps, budget)    a warm-up, then repeat a timed request; the median and the count
    Results(path)                the per-server results file (JSON), read-modify-write
"""
import json
import os
import re
import statistics
import sys
import threading
import time

import requests
import requests.adapters

RESPONSE_RE = re.compile(rb"<(?:[A-Za-z0-9_.-]+:)?response\b")


def session(user=None, password=None, pool=64):
    s = requests.Session()
    if user:
        s.auth = (user, password or "")
    ad = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=pool, max_retries=0)
    s.mount("http://", ad)
    s.headers["User-Agent"] = "portico-bench/1"
    return s


def count_responses(body):
    """Number of DAV:response elements in a multistatus body (any namespace prefix)."""
    return len(RESPONSE_RE.findall(body))


# ---------------------------------------------------------------------------------------------
# Peak RSS. Before the block, every process of the server's tree gets `5` written to
# /proc/PID/clear_refs, which resets its VmHWM (peak RSS) to its current RSS. While the block
# runs, a thread reads VmHWM of every process in the tree every 0.2 s (so that worker processes
# that come and go, as with Apache, are counted). The result is the sum over the tree of each
# process's highest VmHWM, in MiB — for a single-process server, exactly its peak RSS during
# the block.

def _children_map():
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                st = f.read()
            ppid = int(st[st.rindex(b")") + 2:].split()[1])
        except (OSError, ValueError):
            continue
        kids.setdefault(ppid, []).append(int(d))
    return kids


def process_tree(pid):
    kids = _children_map()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(kids.get(p, []))
    return out


def _status_kib(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


class RssMonitor:
    def __init__(self, pid, interval=0.2):
        self.pid = int(pid) if pid else None
        self.interval = interval
        self.peak = {}
        self.mib = None
        self._stop = threading.Event()
        self._tree_at = 0.0
        self._tree = []

    def _sample(self, force_tree=False):
        now = time.monotonic()
        if force_tree or now - self._tree_at > 1.0:
            self._tree = process_tree(self.pid)
            self._tree_at = now
        for p in self._tree:
            v = _status_kib(p, "VmHWM")
            if v is not None and v > self.peak.get(p, 0):
                self.peak[p] = v

    def _run(self):
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self):
        if not self.pid:
            return self
        for p in process_tree(self.pid):
            try:
                with open(f"/proc/{p}/clear_refs", "w") as f:
                    f.write("5")
            except OSError:
                pass
        self._sample(force_tree=True)
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def __exit__(self, *exc):
        if not self.pid:
            return False
        self._stop.set()
        self._t.join()
        self._sample(force_tree=True)
        self.mib = round(sum(self.peak.values()) / 1024, 1)
        return False


# ---------------------------------------------------------------------------------------------

def measure(fn, reps, budget, warmup=True):
    """Call fn() (which returns (seconds, items)): once as an untimed warm-up (unless warmup is
    False), then until `reps` timed calls were made or `budget` seconds have passed (at least
    one). Returns {"s": median seconds, "n": timed calls, "min": fastest, "items": of the last}."""
    if warmup:
        fn()
    times, items = [], None
    start = time.monotonic()
    while True:
        t, items = fn()
        times.append(t)
        if len(times) >= reps or time.monotonic() - start >= budget:
            break
    return {"s": statistics.median(times), "n": len(times), "min": min(times), "items": items}


class Results:
    """One JSON file per server: {"server", "version", "load": {}, "w": {}, "rss": {}, "notes": []}."""

    def __init__(self, path, server=None):
        self.path = path
        self.server = server

    def read(self):
        try:
            with open(self.path) as f:
                return json.load(f)
        except FileNotFoundError:
            return {"server": self.server, "load": {}, "w": {}, "rss": {}, "notes": []}

    def update(self, section, key, value):
        d = self.read()
        d.setdefault(section, {})[key] = value
        self._write(d)

    def note(self, text):
        d = self.read()
        d.setdefault("notes", []).append(text)
        self._write(d)

    def _write(self, d):
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(d, f, indent=1)
        os.replace(tmp, self.path)


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')} bench] {msg}", file=sys.stderr, flush=True)
