#!/usr/bin/env python3
"""Crash-consistency rounds for conformance/crash.sh (standard library only).

Each subcommand is one step of a round; the shell script starts and restarts the server, this
script writes, kills the server with SIGKILL at a random moment of the write, and checks what the
restarted server serves. What a round wrote and what it expects is kept in a JSON state file
between the calls.

usage: crash_check.py --state FILE --data DIR --url URL --user LOGIN --password PW [--seed N] CMD
  setup                 three PUTs of the large file (the time between the last byte sent and the
                        answer calibrates the "tail" kills), a tree of 200 files in 21 folders,
                        one COPY and one MOVE of it (their durations calibrate the tree kills)
  put-kill --pid P --round R
                        a PUT of --put-bytes random bytes streamed over --put-seconds; even
                        rounds kill the server after a random part of the body ("body"), odd
                        ones after the last byte, within 1.5 times the median calibrated
                        answer time (at least 5 ms; the rounds take turns at five slices of
                        that window: "tail").
                        Rounds alternate two at a time between a new file and replacing
                        big.bin (which keeps its versions)
  check-put             after the restart: the file is absent (new file only), or whole with the
                        old or the new content (sha256 of GET), never anything else; its version
                        list matches GET; PROPFIND getcontentlength, getetag and the parent's
                        listing agree with GET; blobs/tmp is empty
  tree-kill --pid P --round R
                        even rounds COPY the tree to a new folder, odd rounds MOVE it; SIGKILL
                        after a random delay within 1.5 times the calibrated duration
  check-tree            COPY: the source is complete and the destination absent or complete;
                        MOVE: the tree is complete at exactly one of source and destination
                        (paths, sizes and sha256 of every file); a complete copy is then deleted
  audit                 every file and every version below the user's drive is downloadable
                        (length = getcontentlength / the listed size; the last version is the
                        file's content); every blob file on disk (sha256/ and trash/) is named by
                        the sha256 of its bytes and is the content of a file or version the server
                        serves; every such content has its blob; blobs/tmp and blobs/trash are
                        empty. Prints the figures
  summary               the figures: one long line, then a short one for the result
  sqlite-check          PRAGMA integrity_check and foreign_key_check of DATA/portico.db (server
                        stopped)
  blobs                 print the number of blob files (sha256/ and trash/) and of temp files
  dir-snapshot --out F  the CardDAV directory book (every card's href and data) and the
                        department books (name, number of cards) as JSON
  dir-check --snapshot F --changed EMAILS --round R --expect N [--imported]
                        a snapshot taken after a killed sync: no duplicate UID, e-mail or href;
                        N cards (or none at all, unless --imported: the first import may not
                        have committed), and the changed people all carry one and the same
                        title "Crash title J" with J <= R
  dir-compare A B       the two snapshots are equal (cards and department books)

Every failed check prints "FAIL: ..." and makes the exit status 1.
"""
import argparse
import base64
import hashlib
import http.client
import json
import os
import random
import re
import select
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import xml.etree.ElementTree as ET

D = "{DAV:}"
CARD = "{urn:ietf:params:xml:ns:carddav}"
FAILURES = []


def fail(msg):
    FAILURES.append(msg)
    print(f"FAIL: {msg}", flush=True)


def note(msg):
    print(f"  {msg}", flush=True)


def sha(data):
    return hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------------------------------------
# HTTP


class Client:
    """A keep-alive HTTP/1.1 client for one server, reconnecting when the connection drops."""

    def __init__(self, url, user, password):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port or 80
        self.auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        h = {"Authorization": self.auth}
        h.update(headers or {})
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.conn.request(method, path, body=body, headers=h)
                r = self.conn.getresponse()
                data = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return r.status, r, data
            except (ConnectionError, http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def propfind(self, path, depth, props):
        """[(decoded path, {tag: element})] for the 200 propstats; None on 404."""
        body = '<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop>' + "".join(props) + "</d:prop></d:propfind>"
        status, _, data = self.request(
            "PROPFIND", path, body.encode(), {"Depth": depth, "Content-Type": "application/xml; charset=utf-8"}
        )
        if status == 404:
            return None
        if status != 207:
            raise RuntimeError(f"PROPFIND {path} (Depth {depth}): HTTP {status}: {data[:300]!r}")
        out = []
        for resp in ET.fromstring(data).iter(D + "response"):
            href = urllib.parse.unquote(urllib.parse.urlsplit(resp.findtext(D + "href", "").strip()).path)
            found = {}
            for ps in resp.iter(D + "propstat"):
                if " 200 " in (ps.findtext(D + "status", "") + " "):
                    for prop in ps.iter(D + "prop"):
                        for child in prop:
                            found[child.tag] = child
            out.append((href, found))
        return out


def q(path):
    return urllib.parse.quote(path, safe="/")


def walk(client, root):
    """Everything below the collection `root` (which ends in /) by Depth 1 PROPFINDs (the server
    refuses Depth infinity): ({relative folder path}, {relative file path: (length, etag)}), or
    None when `root` does not exist."""
    folders, files = set(), {}
    todo = [root]
    first = True
    while todo:
        coll = todo.pop()
        listing = client.propfind(q(coll), "1", ["<d:resourcetype/>", "<d:getcontentlength/>", "<d:getetag/>"])
        if listing is None:
            if first:
                return None
            raise RuntimeError(f"{coll} vanished during the walk")
        first = False
        for href, props in listing:
            is_coll = props.get(D + "resourcetype") is not None and props[D + "resourcetype"].find(D + "collection") is not None
            if href.rstrip("/") == coll.rstrip("/"):
                continue
            rel = href[len(root):]
            if not href.startswith(root):
                raise RuntimeError(f"{href} listed under {coll}")
            if is_coll:
                folders.add(rel.rstrip("/") + "/")
                todo.append(href if href.endswith("/") else href + "/")
            else:
                length = props.get(D + "getcontentlength")
                etag = props.get(D + "getetag")
                files[rel] = (
                    int(length.text) if length is not None and length.text else None,
                    etag.text if etag is not None else None,
                )
    return folders, files


# ------------------------------------------------------------------------------------------------
# Writes that the server does not survive


def raw_connect(url):
    u = urllib.parse.urlsplit(url)
    s = socket.create_connection((u.hostname, u.port or 80), timeout=30)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def head_bytes(method, path, host, auth, headers):
    lines = [f"{method} {q(path)} HTTP/1.1", f"Host: {host}", f"Authorization: {auth}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def answered_within(sock, seconds):
    """The status code if an answer starts arriving within `seconds`, else None."""
    deadline = time.monotonic() + seconds
    buf = b""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([sock], [], [], left)
        if not ready:
            return None
        chunk = sock.recv(4096)
        if not chunk:
            return "closed"
        buf += chunk
        if b"\r\n" in buf:
            return int(buf.split(b" ", 2)[1])


def kill_server(pid):
    """SIGKILL, and wait until the process is gone (or a zombie its parent has to reap)."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        running = subprocess.run(["ps", "-eo", "pid,ppid,stat,etime,args"], capture_output=True, text=True).stdout
        servers = [line for line in running.splitlines() if " serve " in line]
        raise SystemExit(
            f"FAIL: the server (pid {pid}) was not running when the kill came: it ended by itself (its log "
            f"follows); servers running now: {servers or 'none'}"
        )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                    return
        except (FileNotFoundError, ProcessLookupError):
            # Gone: the shell reaped it, possibly between the open and the read (ESRCH).
            return
        time.sleep(0.005)
    raise RuntimeError(f"process {pid} still alive 10 s after SIGKILL")


def stream_put(args, path, data, pid=None, cut=None, tail_delay=None):
    """PUT `data` at `path` in 64 KiB chunks spread over --put-seconds. With `cut`, SIGKILL `pid`
    right after the first `cut` bytes of the body; with `tail_delay`, that many seconds after the
    last byte (whether or not the answer came first). Without either, wait for the answer.
    Answers (status, or None when there was none before the kill; seconds from the last byte to
    the answer or the kill)."""
    u = urllib.parse.urlsplit(args.url)
    s = raw_connect(args.url)
    auth = "Basic " + base64.b64encode(f"{args.user}:{args.password}".encode()).decode()
    s.sendall(head_bytes("PUT", path, u.netloc, auth, {"Content-Length": len(data), "Content-Type": "application/octet-stream"}))
    chunk = 64 * 1024
    n = (len(data) + chunk - 1) // chunk
    pause = args.put_seconds / max(n, 1)
    sent = 0
    try:
        while sent < len(data):
            end = min(sent + chunk, len(data))
            if cut is not None and end >= cut:
                s.sendall(data[sent:cut])
                kill_server(pid)
                return None, 0.0
            s.sendall(data[sent:end])
            sent = end
            if sent < len(data):
                time.sleep(pause)
        t0 = time.monotonic()
        if tail_delay is not None:
            status = answered_within(s, tail_delay)
            kill_server(pid)
            return status, time.monotonic() - t0
        status = answered_within(s, 60)
        return status, time.monotonic() - t0
    finally:
        s.close()


# ------------------------------------------------------------------------------------------------
# State


def load(args):
    with open(args.state) as f:
        return json.load(f)


def save(args, st):
    tmp = args.state + ".tmp"
    with open(tmp, "w") as f:
        json.dump(st, f, indent=1, sort_keys=True)
    os.replace(tmp, args.state)


def drive(args):
    return f"/docs/users/{args.user}/"


def blob_files(data_dir):
    """{name: path} of the blob files under sha256/ and trash/."""
    out = {}
    for sub in ("sha256", "trash"):
        base = os.path.join(data_dir, "blobs", sub)
        for dirpath, _, names in os.walk(base):
            for name in names:
                out.setdefault(name, []).append(os.path.join(dirpath, name))
    return out


def temp_files(data_dir):
    return os.listdir(os.path.join(data_dir, "blobs", "tmp"))


def file_state(client, path):
    """(sha256, length, etag, versions JSON) of the file at `path`, or None if GET says 404."""
    status, r, body = client.request("GET", q(path))
    if status == 404:
        return None
    if status != 200:
        raise RuntimeError(f"GET {path}: HTTP {status}: {body[:200]!r}")
    cl = r.getheader("Content-Length")
    if cl is not None and int(cl) != len(body):
        fail(f"GET {path}: Content-Length {cl} but {len(body)} bytes")
    vs, _, vbody = client.request("GET", q(path) + "?versions")
    if vs != 200:
        fail(f"GET {path}?versions: HTTP {vs}: {vbody[:200]!r}")
        versions = []
    else:
        versions = json.loads(vbody)
    return {"sha": sha(body), "size": len(body), "etag": r.getheader("ETag"), "versions": versions}


def check_versions(client, path, cur):
    """The version list matches GET: the last version is the current content, every version can
    be downloaded with its listed size, numbers increase. Answers the shas of the versions."""
    versions = cur["versions"]
    shas = []
    if not versions:
        fail(f"{path}: an existing file with an empty version list")
        return shas
    nums = [v.get("version") for v in versions]
    if nums != sorted(set(nums)):
        fail(f"{path}: version numbers not increasing and unique: {nums}")
    for v in versions:
        status, _, body = client.request("GET", f"{q(path)}?version={v['version']}")
        if status != 200:
            fail(f"{path}: version {v['version']} listed but GET ?version= answers {status}")
            continue
        if len(body) != v.get("size"):
            fail(f"{path}: version {v['version']} listed with size {v.get('size')} but {len(body)} bytes served")
        shas.append(sha(body))
    if versions[-1].get("size") != cur["size"]:
        fail(f"{path}: last version has size {versions[-1].get('size')} but GET serves {cur['size']} bytes")
    if shas and shas[-1] != cur["sha"]:
        fail(f"{path}: the last version's content is not what GET serves")
    return shas


def check_listing(client, path, cur):
    """PROPFIND of the file and of its parent agree with GET."""
    parent = path.rsplit("/", 1)[0] + "/"
    props = ["<d:getcontentlength/>", "<d:getetag/>", "<d:resourcetype/>"]
    own = client.propfind(q(path), "0", props)
    listing = client.propfind(q(parent), "1", props) or []
    listed = {href: p for href, p in listing}
    if cur is None:
        if own is not None:
            fail(f"{path}: GET says 404 but PROPFIND Depth 0 answers 207")
        if path in listed:
            fail(f"{path}: GET says 404 but the parent's listing has it")
        return
    if own is None:
        fail(f"{path}: GET serves it but PROPFIND says 404")
        return
    p = own[0][1]
    length = p.get(D + "getcontentlength")
    if length is None or int(length.text) != cur["size"]:
        fail(f"{path}: getcontentlength {None if length is None else length.text} but GET serves {cur['size']} bytes")
    etag = p.get(D + "getetag")
    if etag is None or etag.text != cur["etag"]:
        fail(f"{path}: getetag {None if etag is None else etag.text} but GET's ETag is {cur['etag']}")
    if path not in listed:
        fail(f"{path}: GET serves it but the parent's Depth 1 listing does not have it")
    else:
        plen = listed[path].get(D + "getcontentlength")
        if plen is None or int(plen.text) != cur["size"]:
            fail(f"{path}: the parent's listing says {None if plen is None else plen.text} bytes, GET serves {cur['size']}")


# ------------------------------------------------------------------------------------------------
# Commands


def cmd_setup(args, client):
    rng = random.Random(args.seed)
    st = {"seed": args.seed, "files": {}, "stats": {}, "calib": {}}
    base = drive(args)
    # The large file, three times: it has three versions, and the answer times calibrate the
    # "tail" kills.
    tails = []
    big = base + "big.bin"
    for i in range(3):
        data = os.urandom(args.put_bytes)
        status, tail = stream_put(args, big, data)
        if status not in (201, 204):
            fail(f"calibration PUT {big}: HTTP {status}")
            return
        st["files"][big] = {"sha": sha(data), "size": len(data), "versions": i + 1}
        tails.append(tail)
    st["calib"]["put_tail"] = sorted(tails)[1]
    note(f"PUT of {args.put_bytes} bytes: answered {', '.join(f'{1000 * t:.1f}' for t in tails)} ms after the last byte")
    # The tree: 10 folders of 15 files, each with a sub-folder of 5 more: 200 files, 21 folders.
    tree = {}
    folders = []
    status, _, _ = client.request("MKCOL", q(base + "tree-0/"))
    if status != 201:
        fail(f"MKCOL tree-0: HTTP {status}")
        return
    n = 0
    for d in range(10):
        for sub in (f"d{d:02}/", f"d{d:02}/sub/"):
            folders.append(sub)
            status, _, _ = client.request("MKCOL", q(base + "tree-0/" + sub))
            if status != 201:
                fail(f"MKCOL {sub}: HTTP {status}")
                return
            for _ in range(15 if not sub.endswith("sub/") else 5):
                n += 1
                rel = f"{sub}f{n:03}.txt"
                body = (f"tree file {n} {rng.getrandbits(64):016x}\n" * rng.randint(1, 400)).encode()
                status, _, _ = client.request("PUT", q(base + "tree-0/" + rel), body, {"Content-Type": "text/plain"})
                if status != 201:
                    fail(f"PUT {rel}: HTTP {status}")
                    return
                tree[rel] = [sha(body), len(body)]
    st["tree"] = {"files": tree, "folders": sorted(folders), "at": base + "tree-0/", "next": 1}
    # COPY and MOVE durations (a copy that stays: the audit walks it too).
    for method, src, dst in (("COPY", "tree-0/", "tree-copy-calib/"), ("MOVE", "tree-copy-calib/", "tree-moved-calib/")):
        t0 = time.monotonic()
        status, _, _ = client.request(method, q(base + src), None, {"Destination": q(base + dst), "Overwrite": "F"})
        took = time.monotonic() - t0
        if status != 201:
            fail(f"calibration {method} {src} -> {dst}: HTTP {status}")
            return
        st["calib"][method] = took
        note(f"{method} of the tree (200 files, 21 folders): {1000 * took:.0f} ms")
    client.request("COPY", q(base + "tree-0/"), None, {"Destination": q(base + "tree-delete-calib/"), "Overwrite": "F"})
    t0 = time.monotonic()
    status, _, _ = client.request("DELETE", q(base + "tree-delete-calib/"))
    st["calib"]["DELETE"] = time.monotonic() - t0
    if status not in (200, 204):
        fail(f"calibration DELETE of a copy of the tree: HTTP {status}")
        return
    note(f"DELETE of a copy of the tree: {1000 * st['calib']['DELETE']:.0f} ms")
    if not tree_complete(client, base + "tree-moved-calib/", st["tree"], "calibration MOVE destination"):
        return
    save(args, st)
    print(f"setup: big.bin with 3 versions, a tree of {len(tree)} files in {len(folders) + 1} folders")


def cmd_put_kill(args, client):
    st = load(args)
    rng = random.Random(f"{args.seed}-put-{args.round}")
    r = args.round
    mode = "body" if r % 2 == 0 else "tail"
    base = drive(args)
    path = base + "big.bin" if (r // 2) % 2 == 1 else base + f"put-{r:03}.bin"
    old = st["files"].get(path)
    data = os.urandom(args.put_bytes)
    pending = {"path": path, "mode": mode, "old": old, "new": {"sha": sha(data), "size": len(data)}}
    if mode == "body":
        cut = rng.randint(1, len(data) - 1)
        pending["cut"] = cut
        stream_put(args, path, data, pid=args.pid, cut=cut)
        what = f"after {cut} of {len(data)} body bytes"
    else:
        # From the last byte to 1.5 times the median calibrated answer time (at least 5 ms):
        # mostly the blob's fsync and rename and the transaction, sometimes just after the answer
        # (then the new content must have survived). Stratified: the tail rounds take turns at
        # five slices of that window, so that a few rounds already cover all of it.
        window = max(1.5 * st["calib"]["put_tail"], 0.005)
        delay = ((r // 2) % 5 + rng.random()) / 5 * window
        status, took = stream_put(args, path, data, pid=args.pid, tail_delay=delay)
        pending["answered"] = status
        what = f"{1000 * delay:.1f} ms after the last byte ({'answered ' + str(status) + ' first' if status else 'no answer yet'})"
    pending["temp_files_left"] = len(temp_files(args.data))
    pending["new_blob_on_disk"] = pending["new"]["sha"] in blob_files(args.data)
    st["pending"] = pending
    save(args, st)
    print(
        f"round {r}: PUT {path.rsplit('/', 1)[1]} ({'replace' if old else 'new'}), SIGKILL {what}; "
        f"{pending['temp_files_left']} temp file(s) left, new blob {'on disk' if pending['new_blob_on_disk'] else 'not on disk'}"
    )


def bump(st, key, n=1):
    st["stats"][key] = st["stats"].get(key, 0) + n


def cmd_check_put(args, client):
    st = load(args)
    p = st.pop("pending")
    path, old, new = p["path"], p["old"], p["new"]
    left = temp_files(args.data)
    if left:
        fail(f"blobs/tmp holds {len(left)} file(s) after the restart: {left[:3]}")
    cur = file_state(client, path)
    if cur is None:
        outcome = "absent"
        if old is not None:
            fail(f"{path}: the file existed before the killed PUT and is gone")
    elif cur["sha"] == new["sha"]:
        outcome = "new"
    elif old is not None and cur["sha"] == old["sha"]:
        outcome = "old"
    else:
        outcome = "corrupt"
        fail(
            f"{path}: serves {cur['size']} bytes (sha256 {cur['sha'][:16]}…) that are neither the old content "
            f"({old and old['size']} bytes) nor the new one ({new['size']} bytes): a partial or foreign file"
        )
    if p.get("answered") in (200, 201, 204) and outcome != "new":
        fail(f"{path}: the PUT was answered {p['answered']} before the kill but the new content is not there ({outcome})")
    if cur is not None:
        check_versions(client, path, cur)
        n = len(cur["versions"])
        if outcome == "new":
            want = (old["versions"] + 1) if old else 1
            if n != want and not (old and n == old["versions"] == args.max_versions):
                fail(f"{path}: {n} versions after the new content was stored, expected {want}")
        elif outcome == "old" and n != old["versions"]:
            fail(f"{path}: {n} versions but the old content is current (it had {old['versions']})")
        st["files"][path] = {"sha": cur["sha"], "size": cur["size"], "versions": n}
    else:
        st["files"].pop(path, None)
    check_listing(client, path, cur)
    bump(st, "put_rounds")
    bump(st, f"put_{p['mode']}")
    bump(st, f"put_outcome_{outcome}")
    if p["temp_files_left"]:
        bump(st, "put_temp_left")
    if p["new_blob_on_disk"] and outcome != "new":
        bump(st, "put_orphan_blob")
    if p.get("answered"):
        bump(st, "put_answered_first")
    save(args, st)
    print(f"  after restart: {path.rsplit('/', 1)[1]} is {outcome}" + (f", {len(cur['versions'])} version(s)" if cur else ""))


def read_tree(client, root):
    """None if `root` does not exist, else (folders, {file: (sha256, bytes served, length listed)})."""
    got = walk(client, root)
    if got is None:
        return None
    folders, listed = got
    files = {}
    for rel, (length, _) in sorted(listed.items()):
        status, _, body = client.request("GET", q(root + rel))
        if status != 200:
            fail(f"{root}{rel} is listed but GET answers {status}")
            files[rel] = (None, None, length)
        else:
            files[rel] = (sha(body), len(body), length)
    return folders, files


def tree_diff(got, tree, extra=None):
    """Why the tree read at some root is not the manifest (plus `extra` files), or None."""
    folders, files = got
    want = {rel: tuple(v) for rel, v in tree["files"].items()}
    want.update(extra or {})
    if folders != set(tree["folders"]):
        return f"folders {sorted(folders ^ set(tree['folders']))[:4]} differ"
    if set(files) != set(want):
        missing, more = sorted(set(want) - set(files)), sorted(set(files) - set(want))
        return f"{len(files)} files instead of {len(want)}: missing {missing[:3]}, extra {more[:3]}"
    for rel, (h, n, listed) in sorted(files.items()):
        if (h, n) != want[rel] or listed != n:
            return f"{rel}: {n} bytes served, {listed} listed, {want[rel][1]} expected, content {'same' if h == want[rel][0] else 'different'}"
    return None


def tree_complete(client, root, tree, what):
    """Whether `root` holds exactly the tree; reports why not."""
    got = read_tree(client, root)
    if got is None:
        fail(f"{what}: {root} does not exist")
        return False
    why = tree_diff(got, tree)
    if why:
        fail(f"{what}: {root}: {why}")
    return why is None


MARKER = "marker-old.txt"


def cmd_tree_kill(args, client):
    """Round r: COPY (r % 4 == 0), MOVE (1), COPY onto an existing copy with Overwrite: T (2),
    MOVE onto one (3). The copy to be overwritten gets an extra file, so that the old
    destination can be told from the new one."""
    st = load(args)
    rng = random.Random(f"{args.seed}-tree-{args.round}")
    t = st["tree"]
    method = "COPY" if args.round % 2 == 0 else "MOVE"
    overwrite = args.round % 4 >= 2
    src = t["at"]
    dst = drive(args) + f"tree-{t['next']}/"
    t["next"] += 1
    window = st["calib"][method]
    if overwrite:
        status, _, _ = client.request("COPY", q(src), None, {"Destination": q(dst), "Overwrite": "F"})
        if status != 201:
            fail(f"COPY {src} -> {dst} (the destination to overwrite): HTTP {status}")
            return
        marker = f"old destination {rng.getrandbits(64):016x}\n".encode()
        status, _, _ = client.request("PUT", q(dst + MARKER), marker, {"Content-Type": "text/plain"})
        if status != 201:
            fail(f"PUT {dst}{MARKER}: HTTP {status}")
            return
        t["marker"] = [sha(marker), len(marker)]
        window += st["calib"]["DELETE"]
    delay = rng.uniform(0, 1.5 * window)
    u = urllib.parse.urlsplit(args.url)
    auth = "Basic " + base64.b64encode(f"{args.user}:{args.password}".encode()).decode()
    s = raw_connect(args.url)
    headers = {"Destination": q(dst), "Overwrite": "T" if overwrite else "F", "Depth": "infinity", "Content-Length": 0}
    s.sendall(head_bytes(method, src, u.netloc, auth, headers))
    status = answered_within(s, delay)
    kill_server(args.pid)
    s.close()
    st["pending"] = {"method": method, "overwrite": overwrite, "src": src, "dst": dst, "answered": status, "delay": delay}
    save(args, st)
    print(
        f"round {args.round}: {method} {src.rstrip('/').rsplit('/', 1)[1]} -> {dst.rstrip('/').rsplit('/', 1)[1]}"
        f"{' (Overwrite: T, onto a copy)' if overwrite else ''}, SIGKILL after "
        f"{1000 * delay:.1f} ms ({'answered ' + str(status) + ' first' if status else 'no answer yet'})"
    )


def cmd_check_tree(args, client):
    """COPY: the source is complete; the destination absent (or, with Overwrite, the old one) or
    complete. MOVE: the tree complete at exactly one end; with Overwrite, the old destination or
    the moved tree at the destination. An overwritten destination that is gone while the
    operation did not happen is counted as "lost" and, with --strict-overwrite, fails."""
    st = load(args)
    p = st.pop("pending")
    t = st["tree"]
    what = f"{p['method']}{' with Overwrite: T' if p['overwrite'] else ''} after SIGKILL"
    src = read_tree(client, p["src"])
    dst = read_tree(client, p["dst"])
    old_extra = {MARKER: tuple(t["marker"])} if p["overwrite"] else None
    src_whole = src is not None and tree_diff(src, t) is None
    dst_new = dst is not None and tree_diff(dst, t) is None
    dst_old = p["overwrite"] and dst is not None and tree_diff(dst, t, old_extra) is None
    if src is not None and not src_whole:
        fail(f"{what}: the source {p['src']} is partial: {tree_diff(src, t)}")
    if dst is not None and not dst_new and not dst_old:
        why = tree_diff(dst, t)
        fail(f"{what}: the destination {p['dst']} is neither {'the old one nor ' if p['overwrite'] else ''}a complete copy: {why}")
    outcome = "partial"
    if not FAILURES:
        if p["method"] == "COPY":
            if src is None:
                fail(f"{what}: the source {p['src']} is gone")
            outcome = "copied" if dst_new else "old destination" if dst_old else "lost destination" if p["overwrite"] else "not copied"
        else:
            if src_whole and (dst_new or (dst is not None and not dst_old)):
                fail(f"{what}: the tree is at both {p['src']} and {p['dst']}")
            elif src is None and not dst_new:
                fail(f"{what}: the tree is at neither {p['src']} nor {p['dst']}")
            elif src is None:
                outcome, t["at"] = "moved", p["dst"]
            else:
                outcome = "old destination" if dst_old else "lost destination" if p["overwrite"] else "not moved"
    if outcome == "lost destination":
        msg = f"{what}: neither the old destination nor the new tree at {p['dst']}: the overwritten tree was deleted and the {p['method']} not done"
        if args.strict:
            fail(msg)
        else:
            print(f"  NOTE: {msg}")
    if p["answered"] in (200, 201, 204) and outcome not in ("copied", "moved"):
        fail(f"{what}: answered {p['answered']} before the kill, but the outcome is: {outcome}")
    # Copies are not kept (the drive would grow with every round); the tree stays where it is.
    if dst is not None and p["dst"] != t["at"]:
        status, _, _ = client.request("DELETE", q(p["dst"]))
        if status not in (200, 204):
            fail(f"DELETE {p['dst']}: HTTP {status}")
    kind = p["method"].lower() + ("_overwrite" if p["overwrite"] else "")
    bump(st, "tree_rounds")
    bump(st, f"tree_{kind}_{outcome.replace(' ', '_')}")
    if p["answered"]:
        bump(st, "tree_answered_first")
    save(args, st)
    print(f"  after restart: {outcome}")


def cmd_audit(args, client):
    st = load(args)
    base = drive(args)
    got = walk(client, base)
    if got is None:
        fail(f"{base} does not exist")
        return
    folders, files = got
    served = set()
    nversions = 0
    for rel, (length, _) in sorted(files.items()):
        path = base + rel
        cur = file_state(client, path)
        if cur is None:
            fail(f"{path} is listed but GET answers 404")
            continue
        if length != cur["size"]:
            fail(f"{path}: listed with {length} bytes, GET serves {cur['size']}")
        served.add(cur["sha"])
        shas = check_versions(client, path, cur)
        nversions += len(shas)
        served.update(shas)
        want = st["files"].get(path)
        if want is not None and want["sha"] != cur["sha"]:
            fail(f"{path}: the content changed since it was last checked")
    for path in st["files"]:
        if path[len(base):] not in files:
            fail(f"{path}: was there after its round, missing now")
    on_disk = blob_files(args.data)
    blob_bytes = 0
    for name, paths in sorted(on_disk.items()):
        for p in paths:
            with open(p, "rb") as f:
                content = f.read()
            blob_bytes += len(content)
            if sha(content) != name:
                fail(f"blob {p}: its content's sha256 is {sha(content)}")
            rel = os.path.relpath(p, os.path.join(args.data, "blobs"))
            if rel != os.path.join("sha256", name[:2], name[2:4], name):
                fail(f"blob file at an unexpected place after the cleanup: {rel}")
        if name not in served:
            fail(f"leaked blob: {paths[0]} ({os.path.getsize(paths[0])} bytes) is the content of no file or version")
    for s in sorted(served - set(on_disk)):
        fail(f"content {s} is served but has no blob file (served from where?)")
    left = temp_files(args.data)
    if left:
        fail(f"blobs/tmp is not empty: {left[:3]}")
    st["audit"] = {"files": len(files), "folders": len(folders), "versions": nversions, "blobs": len(on_disk), "blob_bytes": blob_bytes}
    save(args, st)
    print(
        f"audit: {len(files)} files in {len(folders) + 1} folders, {nversions} versions downloaded, "
        f"{len(on_disk)} blob files ({blob_bytes / 1048576:.1f} MiB), each the content of a file or version"
    )


def cmd_summary(args, _client):
    st = load(args)
    s = st["stats"]
    a = st.get("audit", {})
    tree = {}
    for key, n in sorted(s.items()):
        m = re.fullmatch(r"tree_(copy|move)(_overwrite)?_(.+)", key)
        if m:
            op = m.group(1).upper() + (" onto a copy" if m.group(2) else "")
            tree.setdefault(op, []).append(f"{n} {m.group(3).replace('_', ' ')}")
    print(
        f"PUT {s.get('put_rounds', 0)} rounds ({s.get('put_body', 0)} killed mid-body, {s.get('put_tail', 0)} after it, "
        f"{s.get('put_answered_first', 0)} of them answered first; then {s.get('put_outcome_absent', 0)} absent, "
        f"{s.get('put_outcome_old', 0)} old, {s.get('put_outcome_new', 0)} new, {s.get('put_outcome_corrupt', 0)} partial; "
        f"{s.get('put_orphan_blob', 0)} orphan blob(s)); "
        f"COPY/MOVE {s.get('tree_rounds', 0)} rounds ({'; '.join(f'{op}: ' + ', '.join(v) for op, v in tree.items())}); "
        f"audit {a.get('files', '?')} files, {a.get('versions', '?')} versions, {a.get('blobs', '?')} blobs, none leaked"
    )
    # The short form, for the one-line result.
    lost = sum(n for k, n in s.items() if k.endswith("_lost_destination"))
    print(
        f"PUT {s.get('put_rounds', 0)} kills ({s.get('put_outcome_absent', 0)} absent, {s.get('put_outcome_old', 0)} old, "
        f"{s.get('put_outcome_new', 0)} new, 0 partial), COPY/MOVE {s.get('tree_rounds', 0)} kills (0 partial"
        f"{f', {lost} lost destination noted' if lost else ''}), {a.get('versions', '?')} versions and "
        f"{a.get('blobs', '?')} blobs audited, 0 leaked"
    )


def cmd_sqlite_check(args, _client):
    db = os.path.join(args.data, "portico.db")
    con = sqlite3.connect(db)
    try:
        res = [r[0] for r in con.execute("PRAGMA integrity_check")]
        if res != ["ok"]:
            fail(f"{db}: PRAGMA integrity_check: {res[:5]}")
        fk = con.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            fail(f"{db}: PRAGMA foreign_key_check: {len(fk)} violation(s), e.g. {fk[:3]}")
    finally:
        con.close()
    if not FAILURES:
        print(f"sqlite: {os.path.basename(db)} integrity_check ok, foreign_key_check ok")


def cmd_blobs(args, _client):
    print(len(blob_files(args.data)), len(temp_files(args.data)))


# ------------------------------------------------------------------------------------------------
# The directory book


def cmd_dir_snapshot(args, client):
    query = (
        '<?xml version="1.0" encoding="utf-8"?><C:addressbook-query xmlns:D="DAV:" '
        'xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><D:getetag/><C:address-data/></D:prop>'
        '<C:filter><C:prop-filter name="UID"/></C:filter></C:addressbook-query>'
    )
    cards = []
    status, _, data = client.request(
        "REPORT", "/dav/addressbooks/directory/", query.encode(), {"Depth": "1", "Content-Type": "application/xml; charset=utf-8"}
    )
    if status != 207:
        raise RuntimeError(f"REPORT addressbook-query on the directory book: HTTP {status}: {data[:300]!r}")
    for resp in ET.fromstring(data).iter(D + "response"):
        href = resp.findtext(D + "href", "").strip()
        vcard = resp.findtext(f".//{CARD}address-data")
        if vcard is None:
            raise RuntimeError(f"{href}: no address-data")
        cards.append([href, vcard.replace("\r\n", "\n")])
    listing = client.propfind(f"/dav/addressbooks/{args.user}/", "1", ["<d:resourcetype/>"]) or []
    depts = {}
    for href, _ in listing:
        name = href.rstrip("/").rsplit("/", 1)[1]
        if name.startswith("dept-"):
            members = client.propfind(q(href if href.endswith("/") else href + "/"), "1", ["<d:getetag/>"]) or []
            depts[name] = len(members) - 1
    plain = client.propfind("/dav/addressbooks/directory/", "1", ["<d:getetag/>"]) or []
    snap = {"cards": sorted(cards), "departments": depts, "propfind_members": len(plain) - 1}
    with open(args.out, "w") as f:
        json.dump(snap, f, indent=0, sort_keys=True)
    print(f"{len(cards)} cards, {len(depts)} department books")


def card_field(vcard, name):
    for line in vcard.split("\n"):
        key, _, value = line.partition(":")
        if key.split(";")[0].upper() == name:
            return value
    return None


def snapshot_sane(snap, label):
    """No duplicates, and the REPORT and PROPFIND agree. Answers {email: title}."""
    cards = snap["cards"]
    hrefs = [h for h, _ in cards]
    uids = [card_field(v, "UID") for _, v in cards]
    emails = [card_field(v, "EMAIL") for _, v in cards]
    for what, values in (("href", hrefs), ("UID", uids), ("EMAIL", emails)):
        dup = {v for v in values if values.count(v) > 1} if len(set(values)) != len(values) else set()
        if dup:
            fail(f"{label}: {len(values) - len(set(values))} duplicate {what}(s) among {len(values)} cards, e.g. {sorted(dup)[:3]}")
    if None in uids or None in emails:
        fail(f"{label}: a card without UID or EMAIL")
    if snap["propfind_members"] != len(cards):
        fail(f"{label}: PROPFIND Depth 1 lists {snap['propfind_members']} cards, the addressbook-query answers {len(cards)}")
    return {card_field(v, "EMAIL"): card_field(v, "TITLE") for _, v in cards}


def cmd_dir_check(args, _client):
    """After a killed pass: no duplicates ever. Then, on a restarted server (which rebuilt the
    books), all or nothing: no card (first import only) or all of them, the changed people at one
    title. With --live (the server that ran during the pass) a book that is not so is a NOTE,
    since the books are rewritten card by card after the pass's transaction, unless --strict."""
    with open(args.snapshot) as f:
        snap = json.load(f)
    label = f"{'running server ' if args.live else ''}after killed sync {args.round}"
    titles = snapshot_sane(snap, label)
    n = len(snap["cards"])
    changed = [e for e in args.changed.split(",") if e]
    problems = []
    if n == 0 and not args.imported:
        print(f"  {label}: no card (the first import had not committed)")
        return
    if n != args.expect:
        problems.append(f"{n} cards, expected {args.expect}" + ("" if args.imported else " or none"))
    seen = {titles.get(e) for e in changed}
    ok_titles = [t for t in seen if re.fullmatch(r"Crash title (\d+)", t or "") and int(t.rsplit(" ", 1)[1]) <= args.round]
    if len(seen) != 1 or len(ok_titles) != 1:
        problems.append(f"the {len(changed)} people changed together carry titles {sorted(map(str, seen))[:4]}")
    if not problems:
        print(f"  {label}: {n} cards, the {len(changed)} changed people all at '{seen.pop()}'")
        return
    msg = f"{label}: a pass applied in part: " + "; ".join(problems)
    if args.live and not args.strict:
        print(f"  NOTE: {msg} (until the next pass or restart)")
    else:
        fail(msg)


def cmd_dir_compare(args, _client):
    snaps = []
    for path in args.files:
        with open(path) as f:
            snaps.append(json.load(f))
    a, b = snaps
    snapshot_sane(a, "after the crashes")
    snapshot_sane(b, "clean full sync")
    ca, cb = dict(map(tuple, a["cards"])), dict(map(tuple, b["cards"]))
    if len(ca) != len(cb):
        fail(f"{len(ca)} cards after the crashes and a completed sync, {len(cb)} after a clean full sync")
    diff = sorted(set(ca) ^ set(cb))
    if diff:
        fail(f"{len(diff)} card(s) in only one of the two books, e.g. {diff[:3]}")
    changed = [h for h in set(ca) & set(cb) if ca[h] != cb[h]]
    if changed:
        h = sorted(changed)[0]
        fail(f"{len(changed)} card(s) differ, e.g. {h}:\n{ca[h]}\n---\n{cb[h]}")
    if a["departments"] != b["departments"]:
        keys = sorted(set(a["departments"]) | set(b["departments"]))
        diffs = [(k, a["departments"].get(k), b["departments"].get(k)) for k in keys if a["departments"].get(k) != b["departments"].get(k)]
        fail(f"department books differ (name, after crashes, clean): {diffs[:5]}")
    if not FAILURES:
        print(f"directory: {len(ca)} cards and {len(a['departments'])} department books, identical to a clean full sync")


COMMANDS = {
    "setup": cmd_setup,
    "put-kill": cmd_put_kill,
    "check-put": cmd_check_put,
    "tree-kill": cmd_tree_kill,
    "check-tree": cmd_check_tree,
    "audit": cmd_audit,
    "summary": cmd_summary,
    "sqlite-check": cmd_sqlite_check,
    "blobs": cmd_blobs,
    "dir-snapshot": cmd_dir_snapshot,
    "dir-check": cmd_dir_check,
    "dir-compare": cmd_dir_compare,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--state")
    ap.add_argument("--data")
    ap.add_argument("--url")
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--seed", default="0")
    ap.add_argument("--pid", type=int)
    ap.add_argument("--round", type=int, default=0)
    ap.add_argument("--put-bytes", type=int, default=4 * 1048576)
    ap.add_argument("--put-seconds", type=float, default=1.0)
    ap.add_argument("--max-versions", type=int, default=50)
    ap.add_argument("--out")
    ap.add_argument("--snapshot")
    ap.add_argument("--changed", default="")
    ap.add_argument("--expect", type=int, default=0)
    ap.add_argument("--imported", action="store_true")
    ap.add_argument("--strict", action="store_true")
    ap.add_argument("--live", action="store_true")
    ap.add_argument("command", choices=sorted(COMMANDS))
    ap.add_argument("files", nargs="*")
    args = ap.parse_args()
    client = Client(args.url, args.user, args.password) if args.url else None
    try:
        COMMANDS[args.command](args, client)
    except Exception as e:  # a crash of the checker is a failure too, with its reason
        fail(f"{args.command}: {type(e).__name__}: {e}")
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
