#!/usr/bin/env python3
"""Minimal CalDAV look-ups for the shell suites (standard library only).

usage: dav_probe.py discover ROOT_URL          calendar collections of the current user:
                                               one line per collection: URL<TAB>displayname<TAB>components
       dav_probe.py find COLLECTION_URL UID    the URL of the member whose iCalendar data has UID
                                               (exit status 3 if there is none)

Credentials come from the environment: DAV_USER and DAV_PASS (HTTP Basic; none if unset).
`discover` follows RFC 6764 §6: DAV:current-user-principal on ROOT_URL (and, if that gives
nothing, on /.well-known/caldav, following its redirect), then CALDAV:calendar-home-set on the
principal, then a Depth 1 PROPFIND on the home. `find` lists the collection (Depth 1 PROPFIND)
and GETs each member. Errors go to stderr with exit status 1.
"""
import base64
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

D = "{DAV:}"
C = "{urn:ietf:params:xml:ns:caldav}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def request(method, url, body=None, headers=None):
    """(status, headers, body bytes); redirects are not followed."""
    h = dict(headers or {})
    if os.environ.get("DAV_USER"):
        cred = f"{os.environ['DAV_USER']}:{os.environ.get('DAV_PASS', '')}".encode()
        h["Authorization"] = "Basic " + base64.b64encode(cred).decode()
    if body is not None:
        h.setdefault("Content-Type", "application/xml; charset=utf-8")
    req = urllib.request.Request(url, data=body.encode() if isinstance(body, str) else body, method=method, headers=h)
    try:
        with OPENER.open(req, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def propfind(url, props, depth="0"):
    """{absolute href: {prop tag: element}} for the 200 propstats; raises on a non-207 answer."""
    body = '<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop>'
    body += "".join(props) + "</d:prop></d:propfind>"
    status, _, data = request("PROPFIND", url, body, {"Depth": depth})
    if status != 207:
        raise RuntimeError(f"PROPFIND {url} (Depth {depth}): HTTP {status}: {data[:300]!r}")
    out = {}
    for resp in ET.fromstring(data).iter(D + "response"):
        href = resp.findtext(D + "href", "").strip()
        found = {}
        for ps in resp.iter(D + "propstat"):
            if " 200 " in (ps.findtext(D + "status", "") + " "):
                for prop in ps.iter(D + "prop"):
                    for child in prop:
                        found[child.tag] = child
        out[urllib.parse.urljoin(url, href)] = found
    return out


def href_in(prop):
    h = prop.findtext(D + "href") if prop is not None else None
    return h.strip() if h else None


def current_user_principal(root):
    try:
        for found in propfind(root, ["<d:current-user-principal/>"]).values():
            h = href_in(found.get(D + "current-user-principal"))
            if h:
                return urllib.parse.urljoin(root, h)
    except (RuntimeError, ET.ParseError) as e:
        print(f"note: {e}", file=sys.stderr)
    # RFC 6764 §5: /.well-known/caldav redirects to the context path
    url = urllib.parse.urljoin(root, "/.well-known/caldav")
    for _ in range(5):
        status, headers, _ = request("PROPFIND", url, '<d:propfind xmlns:d="DAV:"><d:prop><d:current-user-principal/></d:prop></d:propfind>', {"Depth": "0"})
        if status in (301, 302, 303, 307, 308) and headers.get("Location"):
            url = urllib.parse.urljoin(url, headers["Location"])
            continue
        break
    for found in propfind(url, ["<d:current-user-principal/>"]).values():
        h = href_in(found.get(D + "current-user-principal"))
        if h:
            return urllib.parse.urljoin(url, h)
    raise RuntimeError(f"no DAV:current-user-principal at {root} or {url}")


def discover(root):
    principal = current_user_principal(root)
    homes = []
    for found in propfind(principal, ["<c:calendar-home-set/>"]).values():
        prop = found.get(C + "calendar-home-set")
        if prop is not None:
            homes += [urllib.parse.urljoin(principal, h.text.strip()) for h in prop.iter(D + "href") if h.text]
    if not homes:
        raise RuntimeError(f"no CALDAV:calendar-home-set on the principal {principal}")
    for home in homes:
        members = propfind(home, ["<d:resourcetype/>", "<d:displayname/>", "<c:supported-calendar-component-set/>"], "1")
        for url, found in sorted(members.items()):
            rt = found.get(D + "resourcetype")
            if rt is None or rt.find(C + "calendar") is None:
                continue
            comps = found.get(C + "supported-calendar-component-set")
            names = ",".join(c.get("name", "") for c in comps.iter(C + "comp")) if comps is not None else ""
            name = (found.get(D + "displayname").text or "") if found.get(D + "displayname") is not None else ""
            print(f"{url}\t{name.strip()}\t{names}")


def find(collection, uid):
    members = propfind(collection, ["<d:resourcetype/>", "<d:getetag/>"], "1")
    for url, found in sorted(members.items()):
        rt = found.get(D + "resourcetype")
        if url.rstrip("/") == collection.rstrip("/") or (rt is not None and rt.find(D + "collection") is not None):
            continue
        status, _, data = request("GET", url)
        if status == 200 and any(line.strip() == f"UID:{uid}" for line in data.decode("utf-8", "replace").splitlines()):
            print(url)
            return 0
    return 3


def main(argv):
    try:
        if len(argv) == 3 and argv[1] == "discover":
            discover(argv[2])
            return 0
        if len(argv) == 4 and argv[1] == "find":
            return find(argv[2], argv[3])
    except (RuntimeError, ET.ParseError, OSError) as e:
        print(f"dav_probe.py: {e}", file=sys.stderr)
        return 1
    print(__doc__.split("\n\n")[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
