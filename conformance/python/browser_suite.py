#!/usr/bin/env python3
"""Portico's web UI in a real headless Chromium, driven by selenium through a chromedriver
that is already running (conformance/browser.sh starts it and a demo server).

usage: browser_suite.py BASE_URL WEBDRIVER_URL SCREENSHOT_DIR PROFILE_DIR

Environment:
  PORTICO_ADMIN_PASSWORD  the password of `admin`
  PORTICO_DEMO_PASSWORD   the password of the demo employees (default `demo`)
  CHROMIUM                the browser binary (default /usr/bin/chromium)
  BROWSER_STEPS           comma-separated step names to run only those (default: all)

The server must have the demo company (`portico serve --demo`). Every step signs in itself,
so steps do not depend on each other. After every page load the suite reads the browser's
log (goog:loggingPrefs): a Content-Security-Policy violation or any other SEVERE entry fails
the step, except the page's own expected error status (401 for a refused sign-in, 403 for a
refused page) and the entries in KNOWN_NOISE. Every page loaded is saved as a full-page PNG
in SCREENSHOT_DIR, named NN-step-label-WIDTH.png.

Output: one line per step (`ok` / `FAIL` with the reason), the screenshots, then
"browser: N passed, M failed; K screenshots in DIR" as the last line; exit status 1 if any
step failed.

Adding a step: write a function `def name(b: Browser)` that asserts with `check(...)` (or
raises Failure), decorate it with `@step("what it shows")`, and it runs in file order.
Use b.sign_in(...), b.open(path), b.follow(element) (click a link or button and wait for
the next page), b.run_and_follow(script, *args) (the same after a script, e.g. one that
dispatches an event) and the small readers (b.h1(), b.nav(), b.rows(), ...).
"""
import base64
import os
import re
import signal
import sys
import time
import traceback
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.common.by import By
from selenium.webdriver.chrome.remote_connection import ChromeRemoteConnection
from selenium.webdriver.remote.client_config import ClientConfig
from selenium.webdriver.remote.file_detector import UselessFileDetector
from selenium.webdriver.support.ui import Select, WebDriverWait

BASE, WEBDRIVER, SHOTS, PROFILE = sys.argv[1:5]
BASE = BASE.rstrip("/")
SHOTS = os.path.abspath(SHOTS)
ADMIN_PASSWORD = os.environ["PORTICO_ADMIN_PASSWORD"]
DEMO_PASSWORD = os.environ.get("PORTICO_DEMO_PASSWORD", "demo")
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ONLY = [s for s in os.environ.get("BROWSER_STEPS", "").split(",") if s]

# Demo people (src/demo.rs). Each step that changes a user's settings uses its own user.
EMPLOYEE = "liam"  # signs in, searches the directory, walks the pages
COLLEAGUE = "grace"  # found by part of her phone number
LINGUIST = "ava"  # switches her UI to Russian and back

DESKTOP = (1280, 900)
PHONE = (375, 812)
LOAD_TIMEOUT = 20  # seconds for one page
WAIT = 10  # seconds to wait for a page to replace the previous one

# Nav items the pages must show: href -> message key. Other items may come and go.
NAV_REQUIRED = {"/": "nav-home", "/directory": "nav-directory", "/settings": "nav-settings"}
NAV_KEYS = {
    "/": "nav-home",
    "/calendar": "nav-calendar",
    "/directory": "nav-directory",
    "/documents": "nav-documents",
    "/tasks": "nav-tasks",
    "/crm": "nav-crm",
    "/admin": "nav-admin",
    "/settings": "nav-settings",
}
# The pages a walk visits: (path, label for the screenshot, nav item that is current).
MAIN_PAGES = [
    ("/", "home", "/"),
    ("/directory", "directory", "/directory"),
    (f"/directory/{COLLEAGUE}", "profile", "/directory"),
    ("/settings", "settings", "/settings"),
    ("/settings/devices", "devices", "/settings"),
    ("/directory?view=structure", "structure", "/directory"),
    ("/directory?view=absences", "absences", "/directory"),
    ("/directory?view=birthdays", "birthdays", "/directory"),
    ("/directory?view=changes", "staff-changes", "/directory"),
    ("/calendar", "calendar", "/calendar"),
    ("/calendar?view=month", "calendar-month", "/calendar"),
    ("/calendar?view=day", "calendar-day", "/calendar"),
    ("/calendar/new", "new-event", "/calendar"),
    ("/calendar/settings", "calendar-settings", "/calendar"),
    ("/calendar/rooms", "free-rooms", "/calendar"),
    ("/documents", "documents", "/documents"),
    (f"/documents/users/{EMPLOYEE}/", "my-drive", "/documents"),
    ("/documents/shared/", "company-library", "/documents"),
    ("/tasks", "tasks", "/tasks"),
    ("/crm", "crm", "/crm"),
]

# Browser-log entries that are known and tolerated (each printed as a note, never hidden).
# Remove an entry when the app no longer causes it.
KNOWN_NOISE = []

REPO = Path(__file__).resolve().parents[2]
LOCALES = REPO / "locales"


def catalogue(lang):
    """The one-line messages of locales/LANG/portico.ftl (multi-line ones are left out)."""
    out = {}
    for line in (LOCALES / lang / "portico.ftl").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([a-z][a-z0-9-]*) = (.*\S)\s*$", line)
        if m and "{" not in m.group(2):
            out[m.group(1)] = m.group(2)
        elif m:  # keep the text before the first placeable, for "starts with" checks
            out[m.group(1) + "#prefix"] = m.group(2).split("{", 1)[0].strip()
    return out


T = {"en": catalogue("en"), "ru": catalogue("ru")}


class Failure(Exception):
    pass


def check(ok, message):
    if not ok:
        raise Failure(message)


def equal(actual, expected, what):
    check(actual == expected, f"{what}: expected {expected!r}, got {actual!r}")


# ------------------------------------------------------------------------------------------
# The browser


class Browser:
    def __init__(self):
        opts = webdriver.ChromeOptions()
        opts.binary_location = CHROMIUM
        for arg in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--lang=en-US",
            f"--window-size={DESKTOP[0]},{DESKTOP[1]}",
            f"--user-data-dir={PROFILE}",
        ):
            opts.add_argument(arg)
        opts.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        opts.page_load_strategy = "normal"
        conn = ChromeRemoteConnection(WEBDRIVER, client_config=ClientConfig(remote_server_addr=WEBDRIVER, timeout=60))
        # A Remote driver against our chromedriver (selenium-manager never runs); Chrome's
        # connection class adds the CDP command used for full-page screenshots.
        self.d = webdriver.Remote(command_executor=conn, options=opts)
        # chromedriver runs on this machine: a file to upload is named by its path, not sent
        # to a Selenium Grid first.
        self.d.file_detector = UselessFileDetector()
        self.d.set_page_load_timeout(LOAD_TIMEOUT)
        self.d.set_script_timeout(5)
        self.step = "start"
        self.shots = []  # file names, in order
        self.notes = []  # tolerated log entries
        self._n = 0

    def quit(self):
        try:
            self.d.quit()
        except Exception:
            pass

    # --- state --------------------------------------------------------------------------
    def reset(self, step_name):
        """Between steps: desktop size, no cookies, an empty log."""
        self.step = step_name
        self.set_width(*DESKTOP)
        self.d.delete_all_cookies()
        self.log_entries()

    def set_width(self, width, height):
        self.d.set_window_size(width, height)
        if self.d.current_url.startswith("http"):
            inner = self.d.execute_script("return window.innerWidth")
            equal(inner, width, "the viewport's width after resizing the window")

    @contextmanager
    def viewport(self, width, height):
        """Run the block at this size; back to desktop size after it (after a failure only at
        the next step, so that the failure's screenshot shows the page as it failed)."""
        self.set_width(width, height)
        yield
        self.set_width(*DESKTOP)

    # --- navigation ---------------------------------------------------------------------
    def url(self, path):
        return BASE + path

    def path(self):
        u = urllib.parse.urlsplit(self.d.current_url)
        return u.path + (f"?{u.query}" if u.query else "")

    def open(self, path, label=None, expect_status=None):
        """Load BASE+path, then check the log and take a screenshot."""
        try:
            self.d.get(self.url(path))
        except TimeoutException:
            raise Failure(f"{path} did not load within {LOAD_TIMEOUT}s")
        self._loaded(label or slug(path), expect_status)

    def follow(self, element, label=None, expect_status=None):
        """Click a link or submit button and wait for the page it leads to."""
        self._leads_on(element.click, lambda: f"clicking {describe(element)}", label, expect_status)

    def run_and_follow(self, script, *args, label=None):
        """Run a script in the page (one that dispatches an event, say) and wait for the page
        the page's own handlers then lead to."""
        self._leads_on(lambda: self.d.execute_script(script, *args), lambda: "running a script", label, None)

    def _leads_on(self, act, what, label, expect_status):
        old = self.d.find_element(By.TAG_NAME, "html")
        act()
        try:
            WebDriverWait(self.d, WAIT, poll_frequency=0.05).until(lambda _: replaced(old))
        except TimeoutException:
            raise Failure(f"{what()} on {self.path()} loaded no new page within {WAIT}s")
        self._loaded(label or slug(self.path()), expect_status)

    def _loaded(self, label, expect_status):
        try:
            # A script sent while the new document replaces the old one may fail: ask again.
            WebDriverWait(self.d, LOAD_TIMEOUT, poll_frequency=0.05, ignored_exceptions=(WebDriverException,)).until(
                lambda d: d.execute_script("return document.readyState") == "complete"
            )
        except TimeoutException:
            raise Failure(f"{self.path()} did not finish loading within {LOAD_TIMEOUT}s")
        self.screenshot(label)
        self.check_log(expect_status)

    # --- the browser log ----------------------------------------------------------------
    def log_entries(self):
        return self.d.execute("getLog", {"type": "browser"})["value"]

    def check_log(self, expect_status=None, entries=None):
        """Fail on a CSP violation or any SEVERE entry, except the page's own expected status
        (expect_status) and KNOWN_NOISE."""
        here = self.d.current_url
        bad = []
        for e in self.log_entries() if entries is None else entries:
            msg, level = e.get("message", ""), e.get("level", "")
            if is_csp(msg):
                bad.append(f"CSP violation: {msg}")
                continue
            if level != "SEVERE":
                continue
            m = re.match(r"^(\S+) - Failed to load resource: .*status of (\d+)", msg)
            if m and expect_status and int(m.group(2)) == expect_status and same_page(m.group(1), here):
                continue
            known = next((why for rx, why in KNOWN_NOISE if rx.search(msg)), None)
            if known:
                self.notes.append(known)
                continue
            bad.append(f"{level} {e.get('source', '')}: {msg}")
        check(not bad, f"browser log on {self.path()}:\n      " + "\n      ".join(bad))

    # --- screenshots --------------------------------------------------------------------
    def screenshot(self, label):
        self._n += 1
        width = self.d.execute_script("return window.innerWidth")
        name = f"{self._n:02d}-{self.step}-{label}-{width}.png"
        path = os.path.join(SHOTS, name)
        try:  # the whole page, not only the viewport
            m = self.d.execute_cdp_cmd("Page.getLayoutMetrics", {})
            size = m["cssContentSize"]
            clip = {
                "x": 0,
                "y": 0,
                "width": max(size["width"], width),
                "height": min(size["height"], 8000),
                "scale": 1,
            }
            shot = self.d.execute_cdp_cmd(
                "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
            )
            Path(path).write_bytes(base64.b64decode(shot["data"]))
        except (WebDriverException, KeyError):
            self.d.save_screenshot(path)
        self.shots.append(name)

    # --- reading the page ---------------------------------------------------------------
    def css(self, selector, what=None):
        try:
            return self.d.find_element(By.CSS_SELECTOR, selector)
        except NoSuchElementException:
            raise Failure(f"{self.path()}: no {what or selector} on the page")

    def all(self, selector):
        return self.d.find_elements(By.CSS_SELECTOR, selector)

    def text(self, selector, what=None):
        return self.css(selector, what).text.strip()

    def h1(self):
        return self.text("main h1", "heading")

    def lang(self):
        return self.css("html").get_attribute("lang")

    def nav(self):
        """The main navigation: [(href path, label, is current)]."""
        return [
            (
                urllib.parse.urlsplit(a.get_attribute("href")).path,
                a.text.strip(),
                a.get_attribute("aria-current") == "page",
            )
            for a in self.all("nav.main a")
        ]

    def nav_link(self, href):
        for a in self.all("nav.main a"):
            if urllib.parse.urlsplit(a.get_attribute("href")).path == href:
                return a
        raise Failure(f"{self.path()}: the navigation has no link to {href}")

    def rows(self):
        """The directory's result table: [(login, name, phone)]."""
        out = []
        for tr in self.all("table.people tbody tr"):
            a = tr.find_element(By.CSS_SELECTOR, "td:first-child a")
            login = urllib.parse.unquote(urllib.parse.urlsplit(a.get_attribute("href")).path.rsplit("/", 1)[-1])
            phone = tr.find_element(By.CSS_SELECTOR, "td:nth-child(4)").text.strip()
            out.append((login, a.text.strip(), phone))
        return out

    # --- actions ------------------------------------------------------------------------
    def sign_in(self, login, password, label="signed-in"):
        """Sign in through the form (no cookies first); lands where the form sends us."""
        self.d.delete_all_cookies()
        self.open("/login", "login")
        self.fill("#login", login)
        self.fill("#password", password)
        self.follow(self.css("form[action='/login'] button[type=submit]", "sign-in button"), label)
        check(
            self.all("nav.main"),
            f"signing in as {login} did not reach a signed-in page (at {self.path()}: {self.alert()!r})",
        )

    def fill(self, selector, value):
        field = self.css(selector)
        field.clear()
        field.send_keys(value)

    def alert(self):
        found = self.all("[role=alert]")
        return found[0].text.strip() if found else ""

    def expect_nav(self, lang, current, admin=False):
        """The navigation speaks LANG, marks CURRENT, and has /admin exactly when ADMIN."""
        nav = self.nav()
        hrefs = [h for h, _, _ in nav]
        for href in NAV_REQUIRED:
            check(href in hrefs, f"{self.path()}: the navigation lacks {href} (has {hrefs})")
        check(("/admin" in hrefs) == admin, f"{self.path()}: /admin in the navigation is {'/admin' in hrefs}, expected {admin}")
        for href, label, _ in nav:
            if href in NAV_KEYS:
                equal(label, T[lang][NAV_KEYS[href]], f"{self.path()}: the {lang} label of {href} in the navigation")
        marked = [h for h, _, cur in nav if cur]
        equal(marked, [current], f"{self.path()}: the navigation's current item")
        equal(self.lang(), lang, f"{self.path()}: <html lang>")

    def layout(self):
        """Widths and the navigation's geometry, measured in the page."""
        return self.d.execute_script(
            """
            const vw = window.innerWidth, de = document.documentElement;
            const box = (el) => { const r = el.getBoundingClientRect();
              el.scrollIntoView({block: 'center'});
              const r2 = el.getBoundingClientRect();
              const hit = document.elementFromPoint(r2.left + r2.width / 2, r2.top + r2.height / 2);
              return {text: el.textContent.trim(), left: r.left, right: r.right, top: r.top,
                      bottom: r.bottom, width: r.width, height: r.height,
                      visible: r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden',
                      hit: !!hit && (hit === el || el.contains(hit))}; };
            const wide = [];
            for (const el of document.body.querySelectorAll('*')) {
              const r = el.getBoundingClientRect();
              if (r.width > 0 && r.right > vw + 0.5) wide.push(el.tagName.toLowerCase() +
                (el.className ? '.' + String(el.className).split(' ').join('.') : '') +
                ' right=' + Math.round(r.right));
            }
            const out = {viewport: vw, scrollWidth: de.scrollWidth, wide: wide.slice(0, 5),
                    links: [...document.querySelectorAll('nav.main a')].map(box),
                    signOut: [...document.querySelectorAll('header.top form button')].map(box)};
            window.scrollTo(0, 0);
            return out;
            """
        )

    def expect_fits(self, width):
        m = self.layout()
        equal(m["viewport"], width, f"{self.path()}: window.innerWidth")
        check(
            m["scrollWidth"] <= width,
            f"{self.path()}: the page is wider than the {width} px viewport "
            f"(scrollWidth {m['scrollWidth']}; too wide: {', '.join(m['wide']) or '?'})",
        )
        return m


def slug(path):
    s = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")
    return s or "home"


def replaced(old):
    """Whether the document whose <html> element is OLD has been replaced by another one.
    While the swap happens, chromedriver may answer for the old node with an inspector error
    ("Node with given id does not belong to the document") instead of a stale reference."""
    try:
        old.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as e:
        if "does not belong to the document" in str(e) or "No node with given id" in str(e):
            return True
        raise


def describe(el):
    return f"<{el.tag_name}> {el.text.strip()!r}"


def is_csp(msg):
    return "Content Security Policy" in msg or "Content-Security-Policy" in msg


def same_page(logged, current):
    strip = lambda u: urllib.parse.urlsplit(u)._replace(query="", fragment="").geturl()
    return strip(logged) == strip(current)


# ------------------------------------------------------------------------------------------
# Steps

STEPS = []


def step(title):
    def register(fn):
        STEPS.append((fn.__name__, title, fn))
        return fn

    return register


@step("the log check sees a CSP violation (the browser enforces the page's policy)")
def csp_canary(b):
    b.sign_in(EMPLOYEE, DEMO_PASSWORD)
    # An inline style element is refused by `style-src 'self'`; the refusal must show up in
    # the log that every other step checks, or those checks would prove nothing.
    b.d.execute_script(
        "const s = document.createElement('style'); s.textContent = 'body{outline:1px solid red}';"
        "document.head.appendChild(s);"
    )
    deadline = time.time() + 5
    entries = []
    while time.time() < deadline:
        entries += b.log_entries()
        if any(is_csp(e.get("message", "")) for e in entries):
            break
        time.sleep(0.1)
    check(
        any(is_csp(e.get("message", "")) for e in entries),
        f"an inline <style> raised no CSP violation in the browser log (log: {entries})",
    )
    outline = b.d.execute_script("return getComputedStyle(document.body).outlineStyle")
    check(outline != "solid", "the inline <style> was applied: the page's CSP is not enforced")
    b.check_log(entries=[e for e in entries if not is_csp(e.get("message", ""))])


@step("sign in through the form: a wrong password is refused, the right one lands where asked")
def sign_in_form(b):
    en = T["en"]
    # Signed out, a page sends us to the sign-in form, which remembers where we were going.
    b.open("/directory", "signed-out-redirect")
    check(b.path().startswith("/login"), f"/directory signed out should go to /login, went to {b.path()}")
    equal(b.h1(), en["login-title"], "the sign-in page's heading")
    check(not b.all("nav.main"), "the sign-in page shows the navigation to a signed-out visitor")
    # A wrong password: the form again, with the error, and no session.
    b.fill("#login", EMPLOYEE)
    b.fill("#password", DEMO_PASSWORD + "-wrong")
    b.follow(b.css("form[action='/login'] button[type=submit]"), "wrong-password", expect_status=401)
    equal(b.alert(), en["login-failed"], "the error shown for a wrong password")
    equal(b.h1(), en["login-title"], "the page after a wrong password")
    check(not b.d.get_cookies() or all(c["name"] != "portico_session" for c in b.d.get_cookies()),
          "a wrong password set a session cookie")
    # The right password: to the page asked for at first.
    b.fill("#login", EMPLOYEE)
    b.fill("#password", DEMO_PASSWORD)
    b.follow(b.css("form[action='/login'] button[type=submit]"), "signed-in")
    equal(urllib.parse.urlsplit(b.d.current_url).path, "/directory", "where signing in led")
    b.expect_nav("en", "/directory")
    session = [c for c in b.d.get_cookies() if c["name"] == "portico_session"]
    check(session and session[0].get("httpOnly"), f"no HttpOnly session cookie after signing in ({b.d.get_cookies()})")
    # Home greets us; signing out ends the session.
    b.follow(b.nav_link("/"), "home")
    check(b.h1().startswith(en["home-greeting#prefix"]), f"the home page's greeting: {b.h1()!r}")
    sign_out = b.css("header.top form[action='/logout'] button", "sign-out button")
    equal(sign_out.text.strip(), en["nav-sign-out"], "the sign-out button")
    b.follow(sign_out, "signed-out")
    equal(urllib.parse.urlsplit(b.d.current_url).path, "/login", "where signing out led")
    b.open("/", "after-sign-out")
    check(b.path().startswith("/login"), f"after signing out, / should go to /login, went to {b.path()}")


@step("find a colleague by three digits of their phone number, then open the profile")
def directory_phone_search(b):
    en = T["en"]
    b.sign_in(EMPLOYEE, DEMO_PASSWORD)
    b.follow(b.nav_link("/directory"), "directory")
    equal(b.h1(), en["nav-directory"], "the directory's heading")
    b.expect_nav("en", "/directory")
    everyone = b.rows()
    check(len(everyone) >= 10, f"the directory lists {len(everyone)} people; the demo company has about 30")
    mine = [r for r in everyone if r[0] == COLLEAGUE]
    check(mine, f"{COLLEAGUE} is not in the directory ({[r[0] for r in everyone]})")
    _, name, phone = mine[0]
    digits = re.sub(r"\D", "", phone)[-3:]
    check(len(digits) == 3, f"{name}'s phone {phone!r} has fewer than three digits")

    # The letter bar: the letter the colleague is filed under lists her, and only people with
    # a name starting with it. People are filed by surname where the directory knows one
    # (LDAP), else by the first letter of the name (local and demo users).
    bar = {a.text.strip(): a for a in b.all("nav.letters a")}
    initials = [w[0].upper() for w in (name.split()[-1], name)]
    letter = next((i for i in initials if i in bar), None)
    check(letter, f"the letter bar has neither of {name}'s initials {initials} ({sorted(bar)})")
    b.follow(bar[letter], f"letter-{letter}")
    by_letter = b.rows()
    check(any(r[0] == COLLEAGUE for r in by_letter), f"letter {letter} does not list {name}")
    strays = [r[1] for r in by_letter if not any(w.upper().startswith(letter) for w in r[1].split())]
    check(not strays, f"letter {letter} lists people with no name starting with it: {strays}")
    equal(b.css("nav.letters a[aria-current]").text.strip(), letter, "the letter marked current")

    # Three digits of the phone, typed into the search field as a person would.
    b.fill("#q", digits)
    b.follow(b.css("form[role=search] button[type=submit]"), f"search-{digits}")
    found = b.rows()
    check(any(r[0] == COLLEAGUE for r in found), f"searching {digits!r} did not find {name} ({found})")
    check(len(found) < len(everyone), f"searching {digits!r} found everyone ({len(found)})")
    equal(b.css("#q").get_attribute("value"), digits, "the search field after searching")
    check(b.text("main p[role=status]").startswith(str(len(found))),
          f"the count shown {b.text('main p[role=status]')!r} does not match the {len(found)} rows")

    # The profile.
    link = next(a for a in b.all("table.people tbody td:first-child a") if a.text.strip() == name)
    b.follow(link, "profile")
    equal(urllib.parse.urlsplit(b.d.current_url).path, f"/directory/{COLLEAGUE}", "the profile's address")
    equal(b.h1(), name, "the profile's heading")
    b.expect_nav("en", "/directory")
    facts = dict(zip([t.text.strip() for t in b.all("dl.profile dt")], [d.text.strip() for d in b.all("dl.profile dd")]))
    equal(facts.get(en["directory-phone"]), phone, "the phone on the profile")
    check(facts.get(en["directory-email"], "").startswith(f"{COLLEAGUE}@"), f"the profile's e-mail: {facts}")
    check(en["directory-department"] in facts, f"the profile shows no department: {facts}")
    tel = b.css("dl.profile a[href^='tel:']").get_attribute("href")
    check(re.sub(r"\D", "", tel).endswith(digits), f"the phone link {tel!r}")
    b.follow(b.css("main a[href='/directory']", "link back to the directory"), "back")
    equal(b.path(), "/directory", "the link back to the directory")


@step("switch the UI to Russian on /settings, see Russian labels, and switch back")
def language_switch(b):
    en, ru = T["en"], T["ru"]
    b.sign_in(LINGUIST, DEMO_PASSWORD)
    b.follow(b.nav_link("/settings"), "settings")
    equal(b.h1(), en["settings-title"], "the settings heading")

    def save(locale, label):
        Select(b.css("#locale")).select_by_value(locale)
        b.follow(b.css("form[action='/settings'] button[type=submit]", "save button"), label)

    save("ru", "ru-saved")
    equal(b.h1(), ru["settings-title"], "the settings heading after choosing Russian")
    equal(b.text(".notice"), ru["settings-saved"], "the notice after saving")
    b.expect_nav("ru", "/settings")
    equal(Select(b.css("#locale")).first_selected_option.get_attribute("value"), "ru", "the language selected")
    equal(b.text("header.top form[action='/logout'] button"), ru["nav-sign-out"], "the sign-out button in Russian")
    # Other pages speak Russian too, also on a phone.
    b.follow(b.nav_link("/directory"), "ru-directory")
    equal(b.h1(), ru["nav-directory"], "the directory heading in Russian")
    b.expect_nav("ru", "/directory")
    with b.viewport(*PHONE):
        for path, label, current in [("/", "home", "/"), ("/directory", "directory", "/directory"),
                                     ("/settings", "settings", "/settings")]:
            b.open(path, f"ru-{label}")
            b.expect_nav("ru", current)
            b.expect_fits(PHONE[0])
        check(b.h1() == ru["settings-title"], f"the settings heading at 375 px: {b.h1()!r}")
    # Back to English.
    b.open("/settings", "ru-settings")
    save("en", "en-saved")
    equal(b.h1(), en["settings-title"], "the settings heading after choosing English")
    equal(b.text(".notice"), en["settings-saved"], "the notice after saving")
    b.expect_nav("en", "/settings")
    b.open("/", "en-home")
    check(b.h1().startswith(en["home-greeting#prefix"]), f"home after switching back: {b.h1()!r}")
    b.expect_nav("en", "/")


@step("/admin: refused to an employee, open to the administrator")
def admin_access(b):
    en = T["en"]
    b.sign_in(EMPLOYEE, DEMO_PASSWORD)
    b.expect_nav("en", "/", admin=False)
    b.open("/admin", "employee-admin", expect_status=403)
    equal(b.alert(), en["error-forbidden"], "what an employee sees on /admin")
    check(not b.all("main .notice") and en["soon-text"] not in b.text("main"), "/admin shows its content to an employee")
    check("/admin" not in [h for h, _, _ in b.nav()], "an employee's navigation links /admin")

    b.sign_in("admin", ADMIN_PASSWORD, "admin-signed-in")
    b.expect_nav("en", "/", admin=True)
    b.follow(b.nav_link("/admin"), "admin")
    equal(b.h1(), en["nav-admin"], "the administration page's heading")
    check(not b.alert(), f"the administrator is refused /admin: {b.alert()!r}")
    b.expect_nav("en", "/admin", admin=True)



def submit_of(b, field):
    """The submit button of the form that holds the field FIELD (a page may have several forms
    posting to the same address)."""
    return b.css(field).find_element(By.XPATH, "./ancestor::form//button[@type='submit']")


def create_room(b, login, name, seats=None, equipment=None):
    """As the administrator, creates a room with an e-mail address through /admin/rooms."""
    b.sign_in("admin", ADMIN_PASSWORD, "admin-signed-in")
    b.open("/admin/rooms", "admin-rooms")
    b.fill("#room-login", login)
    b.fill("#room-name", name)
    b.fill("#room-email", f"{login}@example.test")
    if seats:
        b.fill("#room-capacity", seats)
    if equipment:
        b.fill("#room-equipment", equipment)
    b.follow(submit_of(b, "#room-login"), f"{login}-created")
    check(name in b.text("main"), f"{name} is not listed")


def set_value(b, selector, value):
    """Sets a date or time field (typing into them depends on the browser's locale)."""
    b.d.execute_script("arguments[0].value = arguments[1];", b.css(selector), value)


@step("create an event in the form and see it in the week view")
def calendar_event(b):
    en = T["en"]
    b.sign_in(EMPLOYEE, DEMO_PASSWORD)
    b.follow(b.nav_link("/calendar"), "calendar")
    equal(b.h1(), en["calendar-title"], "the calendar's heading")
    b.expect_nav("en", "/calendar")
    today = b.css("section.day.today", "today in the week view")
    day = urllib.parse.parse_qs(urllib.parse.urlsplit(
        today.find_element(By.CSS_SELECTOR, "a.add").get_attribute("href")).query)["date"][0]
    b.follow(today.find_element(By.CSS_SELECTOR, "a.add"), "new-event")
    equal(b.h1(), en["calendar-new"], "the new-event form's heading")
    equal(b.css("#start_date").get_attribute("value"), day, "the form's day")
    title = f"Browser review {int(time.time())}"
    b.fill("#title", title)
    set_value(b, "#start_time", "10:30")
    set_value(b, "#end_time", "11:15")
    b.fill("#location", "Room 2")
    b.follow(b.css("form.event-form button[type=submit]", "save button"), "saved")
    check(b.path().startswith("/calendar?"), f"saving led to {b.path()}")
    # Back in the week view: the event is on its day, with its times.
    today = b.css("section.day.today", "today in the week view")
    entries = [li.text.strip() for li in today.find_elements(By.CSS_SELECTOR, "li.event")]
    check(any(title in e and "10:30" in e and "11:15" in e for e in entries),
          f"today's events in the week view: {entries}")
    # Its page shows what was saved; the month view lists it too.
    link = next(a for a in today.find_elements(By.CSS_SELECTOR, "li.event a") if a.text.strip() == title)
    b.follow(link, "event")
    equal(b.css("#title").get_attribute("value"), title, "the event's title in its form")
    equal(b.css("#location").get_attribute("value"), "Room 2", "the event's location")
    b.open("/calendar?view=month", "month")
    check(title in b.text("table.month"), "the month view does not list the new event")


@step("invite a colleague and a room from the event form (checking who is free); the colleague accepts on the home page")
def meeting_invitation(b):
    en = T["en"]
    stamp = str(int(time.time()))
    room_login, room_name = f"room{stamp}", f"Blue Room {stamp}"
    create_room(b, room_login, room_name)

    b.sign_in(EMPLOYEE, DEMO_PASSWORD)
    b.open("/calendar/new", "meeting-new")
    title = f"Browser meeting {stamp}"
    b.fill("#title", title)
    set_value(b, "#start_time", "23:30")
    set_value(b, "#end_time", "23:59")
    b.fill("#guests", COLLEAGUE)
    b.css(f"#room-{room_login}", "the room's checkbox").click()
    # Who is free: a row per person and room, and a proposed time everyone has free.
    b.follow(b.css("button[name=check]", "the check-availability button"), "meeting-availability")
    names = [th.text.strip() for th in b.all("table.freebusy tbody th")]
    check(len(names) == 3 and room_name in names, f"the free/busy grid's rows: {names}")
    check(b.css("button[name=slot]", "the use-this-time button") is not None, "no proposed time")
    equal(b.css("#guests").get_attribute("value"), COLLEAGUE, "the guests after checking")
    check(b.css(f"#room-{room_login}").is_selected(), "the room stays ticked after checking")
    b.follow(b.css("form.event-form button[type=submit]", "save button"), "meeting-saved")
    check(b.path().startswith("/calendar?"), f"saving led to {b.path()}: {b.alert()!r}")
    today = b.css("section.day.today", "today in the week view")
    link = next((a for a in today.find_elements(By.CSS_SELECTOR, "li.event a") if a.text.strip() == title), None)
    check(link is not None, "the meeting is not in today's events")
    b.follow(link, "meeting")
    answers = b.text("ul.answers")
    check(f"{room_name} — {en['partstat-accepted']}" in answers, f"the room's answer: {answers!r}")
    check(en["partstat-needs-action"] in answers, f"the colleague's answer: {answers!r}")

    b.sign_in(COLLEAGUE, DEMO_PASSWORD, "colleague-signed-in")
    b.open("/", "colleague-home")
    item = next((li for li in b.all("ul.invitations li") if title in li.text), None)
    check(item is not None, "the invitation is not on the colleague's home page")
    accept = item.find_element(By.CSS_SELECTOR, "button[value=accept]")
    equal(accept.text.strip(), en["invitation-accept"], "the accept button")
    b.follow(accept, "colleague-accepted")
    check(not any(title in li.text for li in b.all("ul.invitations li")), "the invitation stays after accepting")

    b.sign_in(EMPLOYEE, DEMO_PASSWORD)
    b.open("/calendar", "calendar-after-answer")
    today = b.css("section.day.today", "today in the week view")
    link = next(a for a in today.find_elements(By.CSS_SELECTOR, "li.event a") if a.text.strip() == title)
    b.follow(link, "meeting-answered")
    answers = b.text("ul.answers")
    check(en["partstat-needs-action"] not in answers and answers.count(en["partstat-accepted"]) == 2,
          f"the answers after the colleague accepted: {answers!r}")


@step("find a free room for ten people, book it from the list, and see it taken at that time")
def free_room_booking(b):
    en = T["en"]
    stamp = str(int(time.time()))
    room_login, room_name = f"hall{stamp}", f"Hall {stamp}"
    create_room(b, room_login, room_name, seats="12", equipment="projector")
    # Each room's details form lines its fields up under their labels.
    for field in ("cap", "eq", "bk"):
        label = b.css(f"label[for={field}-{room_login}]").rect
        box = b.css(f"#{field}-{room_login}").rect
        check(abs(label["x"] - box["x"]) < 2 and box["y"] > label["y"],
              f"the {field} field of {room_login} is not under its label: {label} {box}")

    b.sign_in(EMPLOYEE, DEMO_PASSWORD)
    b.open("/calendar/rooms", "free-rooms")
    b.expect_nav("en", "/calendar")
    day = b.css("#date").get_attribute("value")
    check(re.fullmatch(r"\d{4}-\d{2}-\d{2}", day or ""), f"the search's day: {day!r}")
    set_value(b, "#start", "22:00")
    set_value(b, "#end", "22:45")
    b.fill("#people", "10")
    box = next((c for c in b.all("input[name=equipment]") if c.get_attribute("value") == "projector"), None)
    check(box is not None, "no projector among the equipment to ask for")
    box.click()
    b.follow(b.css("form.rooms-form button[type=submit]", "find button"), "free-rooms-found")
    free = [th.text.strip() for th in b.all("table.rooms tbody th")]
    check(room_name in free, f"{room_name} is not among the free rooms: {free}")
    # Its "book" link opens the event form with the room ticked and the searched time.
    row = next(tr for tr in b.all("table.rooms tbody tr") if tr.find_element(By.CSS_SELECTOR, "th").text.strip() == room_name)
    b.follow(row.find_element(By.CSS_SELECTOR, "a"), "book-hall")
    equal(b.h1(), en["calendar-new"], "the form the book link opens")
    check(b.css(f"#room-{room_login}", "the room's checkbox").is_selected(), "the room is not ticked")
    equal(b.css("#start_date").get_attribute("value"), day, "the form's day")
    equal(b.css("#start_time").get_attribute("value"), "22:00", "the form's start")
    equal(b.css("#end_time").get_attribute("value"), "22:45", "the form's end")
    b.fill("#title", f"All hands {stamp}")
    b.follow(b.css("form.event-form button[type=submit]", "save button"), "hall-booked")
    check(b.path().startswith("/calendar?"), f"saving led to {b.path()}: {b.alert()!r}")
    # The same search now finds the room taken, and says so.
    b.open(f"/calendar/rooms?date={day}&start=22:00&end=22:45&people=10", "free-rooms-after")
    free = [th.text.strip() for th in b.all("table.rooms tbody th")]
    check(room_name not in free, f"{room_name} is still listed as free: {free}")
    taken = [li.text for li in b.all("section.unavailable li")]
    check(any(room_name in t for t in taken), f"{room_name} is not among the unavailable rooms: {taken}")


@step("upload a file twice and restore its previous version")
def documents_restore(b):
    en = T["en"]
    b.sign_in(EMPLOYEE, DEMO_PASSWORD)
    b.follow(b.nav_link("/documents"), "documents")
    b.follow(next(a for a in b.all("table.files a") if a.text.strip() == en["documents-my-drive"]), "my-drive")
    drive = b.path()
    work = Path(PROFILE).parent / "uploads"
    work.mkdir(parents=True, exist_ok=True)
    name = f"report-{int(time.time())}.txt"
    for content in ("first draft", "second draft"):
        (work / name).write_text(content, encoding="utf-8")
        b.css("input[type=file]").send_keys(str(work / name))
        b.follow(b.css("form[enctype='multipart/form-data'] button[type=submit]", "upload button"), "uploaded")
        equal(b.path(), drive, "where the upload led")
        check(name in b.text("table.files"), f"{name} is not listed after uploading")
    b.follow(next(a for a in b.all("table.files a") if a.text.strip() == name), "file")
    equal(b.h1(), name, "the file page's heading")
    rows = b.all("table.files tbody tr")
    equal(len(rows), 2, "versions listed")
    restore = b.css("table.files form button", "a restore button")
    equal(restore.text.strip(), en["documents-restore"], "the restore button")
    b.follow(restore, "restored")
    equal(len(b.all("table.files tbody tr")), 3, "versions after restoring")
    b.open(urllib.parse.quote(drive.replace("/documents/", "/docs/", 1) + name), "content")
    equal(b.text("body"), "first draft", "the file's content after restoring version 1")



# Records the states of the upload form's progress bar (templates/documents.html,
# static/upload.js) in sessionStorage, which outlives the navigation an upload ends with.
PROGRESS_PROBE = """
const bar = document.getElementById('upload-progress');
const text = document.getElementById('upload-percent');
const seen = [];
const note = () => {
  seen.push({hidden: bar.hidden, value: bar.value, max: bar.max, state: bar.dataset.state || '',
             text: text.textContent});
  sessionStorage.setItem('upload-progress', JSON.stringify(seen));
};
const watch = new MutationObserver(note);
watch.observe(bar, {attributes: true});
watch.observe(text, {childList: true, characterData: true, subtree: true});
"""

# Drops a file (arguments: content, name) onto the upload form, as a drag from the desktop would.
DROP_FILE = """
const dt = new DataTransfer();
dt.items.add(new File([arguments[0]], arguments[1], {type: 'text/plain'}));
document.getElementById('upload-form').dispatchEvent(
  new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));
"""


def progress_seen(b, what):
    """The progress bar's states PROGRESS_PROBE recorded: it was shown, and ended full and done."""
    states = b.d.execute_script(
        "const s = sessionStorage.getItem('upload-progress'); sessionStorage.removeItem('upload-progress');"
        "return s ? JSON.parse(s) : [];"
    )
    check(states, f"{what}: the progress bar never changed")
    check(any(not s["hidden"] for s in states), f"{what}: the progress bar was never shown: {states}")
    last = states[-1]
    equal(last["state"], "done", f"{what}: the progress bar's last state")
    equal(last["value"], last["max"], f"{what}: the progress bar's last value")
    check("100" in last["text"], f"{what}: the percentage last read {last['text']!r}")


@step("upload with the page's script: a progress bar, a dropped file, a refusal's message in the page")
def documents_upload_progress(b):
    b.sign_in(EMPLOYEE, DEMO_PASSWORD)
    drive = f"/documents/users/{EMPLOYEE}/"
    b.open(drive, "my-drive")
    check(b.all("script[src^='/static/upload.']"), "the folder page loads no upload script")
    check(b.css("#upload-drop-hint").is_displayed(), "the drop hint is hidden: the upload script did not run")
    check(not b.css("#upload-progress").is_displayed(), "the progress bar shows before any upload")
    work = Path(PROFILE).parent / "uploads"
    work.mkdir(parents=True, exist_ok=True)
    stamp = int(time.time())

    # Chosen in the field and sent with the button: the bar fills, then the folder page comes.
    chosen = f"progress-{stamp}.txt"
    (work / chosen).write_text("sent with a progress bar\n" * 2000, encoding="utf-8")
    b.css("#upload-form input[type=file]").send_keys(str(work / chosen))
    b.d.execute_script(PROGRESS_PROBE)
    b.follow(b.css("#upload-form button[type=submit]", "upload button"), "uploaded-with-progress")
    progress_seen(b, "the upload from the field")
    equal(b.path(), drive, "where the upload led")
    check(chosen in b.text("table.files"), f"{chosen} is not listed after uploading")

    # Dropped onto the form.
    dropped = f"dropped-{stamp}.txt"
    b.d.execute_script(PROGRESS_PROBE)
    b.run_and_follow(DROP_FILE, "dropped on the form", dropped, label="dropped")
    progress_seen(b, "the dropped file")
    equal(b.path(), drive, "where the drop led")
    check(dropped in b.text("table.files"), f"{dropped} is not listed after dropping it")
    b.open(urllib.parse.quote(drive.replace("/documents/", "/docs/", 1) + dropped), "dropped-content")
    equal(b.text("body"), "dropped on the form", "the dropped file's content")

    # A refused upload (a forged token) stays on the page and shows the server's message.
    b.open(drive, "my-drive-again")
    refused = f"refused-{stamp}.txt"
    (work / refused).write_text("never stored", encoding="utf-8")
    b.d.execute_script("document.querySelector('#upload-form input[name=csrf]').value = 'forged';")
    b.css("#upload-form input[type=file]").send_keys(str(work / refused))
    b.css("#upload-form button[type=submit]").click()
    try:
        WebDriverWait(b.d, WAIT, poll_frequency=0.05).until(lambda d: d.find_element(By.ID, "page-error").is_displayed())
    except TimeoutException:
        raise Failure(f"no error shown within {WAIT}s after a refused upload")
    shown = b.text("#page-error")
    en = T["en"]
    check(shown in (en["documents-error-forbidden"], en["error-bad-form"]), f"the refusal's message: {shown!r}")
    equal(b.path(), drive, "where a refused upload left the page")
    check(not b.css("#upload-progress").is_displayed(), "the progress bar stays after a refusal")
    check(b.css("#upload-form button[type=submit]").is_enabled(), "the upload button stays disabled after a refusal")
    b.screenshot("upload-refused")
    b.check_log(expect_status=403)
    b.open(drive, "my-drive-after-refusal")
    check(refused not in b.text("table.files"), f"{refused} was stored although refused")


@step("as admin, create a department and an employee, who then is in the CardDAV directory book")
def admin_department_employee(b):
    en = T["en"]
    b.sign_in("admin", ADMIN_PASSWORD, "admin-signed-in")
    b.follow(b.nav_link("/admin"), "admin")
    b.follow(next(a for a in b.all("nav.tabs a") if a.text.strip() == en["admin-departments"]), "departments")
    stamp = str(int(time.time()))
    department = f"Browser Lab {stamp}"
    b.fill("#dept-name", department)
    b.follow(b.css("form[action='/admin/departments'] button[type=submit]", "create button"), "department-created")
    equal(b.text(".notice"), en["admin-done"], "the notice after creating the department")
    check(department in b.text("table.people"), f"{department} is not listed")
    b.follow(next(a for a in b.all("nav.tabs a") if a.text.strip() == en["admin-users"]), "users")
    login, name, password = f"lab{stamp}", f"Lab Tester {stamp}", f"pw-{stamp}-long"
    b.fill("#new-login", login)
    b.fill("#new-name", name)
    b.fill("#new-email", f"{login}@example.test")
    b.fill("#new-password", password)
    Select(b.css("#new-department")).select_by_visible_text(department)
    b.fill("#new-phone", "+1 555 0199")
    b.follow(b.css("form.grid-form button[type=submit]", "create button"), "employee-created")
    equal(b.text(".notice"), en["admin-done"], "the notice after creating the employee")
    # The directory book (CardDAV) has the new employee at once, in the new department.
    request = urllib.request.Request(f"{BASE}/dav/addressbooks/directory/portico-{login}.vcf")
    credentials = base64.b64encode(f"{login}:{password}".encode()).decode()
    request.add_header("Authorization", f"Basic {credentials}")
    with urllib.request.urlopen(request, timeout=10) as resp:
        card = resp.read().decode("utf-8")
    check(f"FN:{name}" in card and department in card, f"the directory card of {login}: {card!r}")
    # The directory page lists them too.
    b.sign_in(login, password, "new-employee-signed-in")
    b.open(f"/directory?q={urllib.parse.quote(name)}", "directory-new-employee")
    check(any(r[0] == login for r in b.rows()), f"the directory does not list {login}")


def walk(b, width):
    """Every main page at this width: it loads signed in, shows its heading and the navigation
    with the right item marked, and nothing is wider than the viewport."""
    for path, label, current in MAIN_PAGES:
        b.open(path, label)
        check(b.h1(), f"{path}: no heading")
        b.expect_nav("en", current)
        m = b.expect_fits(width)
        if width <= PHONE[0]:
            usable_nav(b, m, width)


def usable_nav(b, m, width):
    """At a phone's width every navigation link and the sign-out button is visible, inside the
    viewport, big enough to tap and not covered by anything else."""
    items = m["links"] + m["signOut"]
    check(m["links"] and m["signOut"], f"{b.path()}: no navigation or no sign-out button at {width} px")
    for it in items:
        where = f"{b.path()} at {width} px: {it['text']!r}"
        check(it["visible"], f"{where} is not visible")
        check(it["left"] >= 0 and it["right"] <= width + 0.5, f"{where} is outside the viewport ({it['left']:.0f}–{it['right']:.0f})")
        check(it["height"] >= 24, f"{where} is only {it['height']:.0f} px high (WCAG 2.2 target size: 24)")
        check(it["hit"], f"{where} is covered by another element")
    # Links that wrap to two rows may touch (their padding does), which is fine; their
    # centres must be at least 24 px apart, as WCAG 2.2 asks of small targets.
    links = m["links"]
    for i, a in enumerate(links):
        for c in links[i + 1:]:
            dx = (a["left"] + a["right"] - c["left"] - c["right"]) / 2
            dy = (a["top"] + a["bottom"] - c["top"] - c["bottom"]) / 2
            check((dx * dx + dy * dy) ** 0.5 >= 24, f"{b.path()} at {width} px: nav links {a['text']!r} and {c['text']!r} are less than 24 px apart")


@step("walk the main pages at desktop width (1280 px)")
def desktop_walk(b):
    b.sign_in(EMPLOYEE, DEMO_PASSWORD)
    walk(b, DESKTOP[0])


@step("walk the main pages at 375 px: nothing wider than the viewport, the navigation usable")
def phone_walk(b):
    with b.viewport(*PHONE):
        b.open("/login", "login")
        b.expect_fits(PHONE[0])
        b.sign_in(EMPLOYEE, DEMO_PASSWORD)
        walk(b, PHONE[0])
        # Tapping a navigation item works at this width.
        b.open("/", "home")
        b.follow(b.nav_link("/directory"), "tap-directory")
        equal(b.path(), "/directory", "where tapping the directory item led")
        b.expect_nav("en", "/directory")
        b.fill("#q", COLLEAGUE)
        b.follow(b.css("form[role=search] button[type=submit]"), "search")
        b.expect_fits(PHONE[0])
        # The administrator's longer navigation, and the refusal page.
        b.open("/admin", "employee-admin", expect_status=403)
        b.expect_fits(PHONE[0])
        b.sign_in("admin", ADMIN_PASSWORD, "admin-signed-in")
        for path in ("/admin", "/admin/users", "/admin/departments", "/admin/groups", "/admin/rooms",
                     "/admin/app-passwords?login=liam", "/admin/directory"):
            b.open(path, slug(path))
            b.expect_nav("en", "/admin", admin=True)
            usable_nav(b, b.expect_fits(PHONE[0]), PHONE[0])


# ------------------------------------------------------------------------------------------


def main():
    # A SIGTERM (time limit, Ctrl-C of the script) still closes the browser.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    os.makedirs(SHOTS, exist_ok=True)
    steps = [s for s in STEPS if not ONLY or s[0] in ONLY]
    unknown = set(ONLY) - {s[0] for s in STEPS}
    if unknown:
        print(f"unknown step(s) in BROWSER_STEPS: {', '.join(sorted(unknown))}; steps: {', '.join(s[0] for s in STEPS)}")
        return 2
    passed = failed = 0
    t0 = time.time()
    try:
        b = Browser()
    except Exception as e:
        print(f"browser: FAILED — no Chromium session from chromedriver at {WEBDRIVER}: "
              + (str(e).strip().splitlines() or [type(e).__name__])[0])
        return 1
    try:
        for name, title, fn in steps:
            t = time.time()
            try:
                b.reset(name)
                fn(b)
                passed += 1
                print(f"ok   {name}: {title} ({time.time() - t:.1f}s)", flush=True)
            except Exception as e:  # report and go on, so that the summary is complete
                failed += 1
                if isinstance(e, Failure):
                    reason = str(e)
                else:  # selenium's messages end in a long stack trace of the driver
                    reason = f"{type(e).__name__}: " + (str(e).strip().splitlines() or [""])[0]
                    ours = [f for f in traceback.extract_tb(e.__traceback__) if f.filename == __file__]
                    if ours:
                        reason += " (" + " < ".join(f"line {f.lineno} in {f.name}" for f in reversed(ours)) + ")"
                print(f"FAIL {name}: {title}\n     {reason}", flush=True)
                try:
                    b.screenshot("FAILED")
                    print(f"     at {b.d.current_url}; screenshot {b.shots[-1]}", flush=True)
                except Exception:
                    pass
    except SystemExit:  # SIGTERM: the time limit of browser.sh, or Ctrl-C
        print(f"interrupted during step {b.step} ({passed} passed, {failed} failed so far)", flush=True)
        raise
    finally:
        b.quit()
    if b.notes:
        counts = {n: b.notes.count(n) for n in dict.fromkeys(b.notes)}
        print("tolerated browser-log entries (KNOWN_NOISE): " + "; ".join(f"{n} ×{c}" for n, c in counts.items()))
    print(f"screenshots ({len(b.shots)}) in {SHOTS}:")
    for s in b.shots:
        print(f"  {s}")
    print(f"took {time.time() - t0:.1f}s")
    shown = os.path.relpath(SHOTS, REPO) if SHOTS.startswith(str(REPO) + os.sep) else SHOTS
    print(f"browser: {passed} passed, {failed} failed; {len(b.shots)} screenshots in {shown}/")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
