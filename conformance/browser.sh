#!/usr/bin/env bash
# conformance/browser.sh — the web UI in a real headless Chromium: python/browser_suite.py
# (selenium) against a fresh Portico with the demo company.
#
# usage: conformance/browser.sh        (exit 1 if any step failed)
#
# Installs Debian's chromium and chromium-driver (matched versions; nothing downloads a browser)
# and selenium 4.51.0 in a venv under $PORTICO_TOOLS, starts `portico serve --demo` on a free
# loopback port with a temp data dir (random admin and demo passwords), starts chromedriver on
# another free loopback port, and runs the steps of python/browser_suite.py in one headless
# Chromium with a fresh profile: sign-in (a wrong password too), the directory's phone search
# and a profile, Russian and back on /settings, /admin for an employee and for the
# administrator, uploads through the document page's script (its progress bar, a dropped file,
# a refusal's message shown in the page), all main pages at 1280 px and at 375 px (nothing
# wider than the viewport, the navigation usable), no CSP violation or console error in the
# browser log on any page. Each
# page is saved as a PNG in target/browser-screenshots/ (the old ones are removed first).
# Prints one line per step, the screenshots, then a summary line.
#
# Environment: BROWSER_TIMEOUT (seconds for the browser run, default 240), BROWSER_STEPS
# (comma-separated step names: only those), BROWSER_SCREENSHOTS (default
# <repo>/target/browser-screenshots), PORTICO_BIN, PORTICO_KEEP_TMP=1 (keep the server's data
# and log, chromedriver's log and the browser profile).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

fail_early() { result "browser: FAILED — $*"; exit 1; }
CHROMIUM=/usr/bin/chromium CHROMEDRIVER=/usr/bin/chromedriver
need_apt curl chromium chromium-driver fonts-dejavu-core || fail_early "could not install chromium and chromium-driver"
VENV=$(need_venv browser selenium==4.51.0) || fail_early "could not install selenium"
make_tmp WORK browser
SHOTS=${BROWSER_SCREENSHOTS:-$PORTICO_ROOT/target/browser-screenshots}
mkdir -p "$SHOTS"
find "$SHOTS" -maxdepth 1 -type f -name '[0-9][0-9]*-*.png' -delete   # the previous run's

# The server, with the demo company: start_portico runs `$PORTICO_BIN serve …`, so it gets a
# wrapper that adds --demo to `serve` (and passes anything else through).
[ -x "$PORTICO_BIN" ] || fail_early "no server binary at $PORTICO_BIN: run 'cargo build' first (or set PORTICO_BIN)"
PORTICO_DEMO_PASSWORD=$(rand_hex 12)
export PORTICO_DEMO_PASSWORD
# shellcheck disable=SC2016 # $1 and $@ belong to the wrapper
printf '#!/usr/bin/env bash\nif [ "$1" = serve ]; then shift; exec %q serve --demo "$@"; fi\nexec %q "$@"\n' \
  "$PORTICO_BIN" "$PORTICO_BIN" >"$WORK/portico-demo"
chmod +x "$WORK/portico-demo"
PORTICO_BIN=$WORK/portico-demo start_portico "$WORK/data" || fail_early "Portico did not start (see above)"

# chromedriver on a free loopback port (without --allowed-ips, which would make it listen on
# every interface), in a session of its own so that it and the Chromium it starts are stopped
# together. HOME and the XDG dirs point into the temp dir: the browser writes nothing elsewhere.
CD_PID=
stop_chromedriver() {
  local pid=$CD_PID i
  [ -n "$pid" ] || return 0
  CD_PID=
  kill -TERM -- "-$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
on_exit stop_chromedriver
mkdir -p "$WORK/home"
for attempt in 1 2 3; do
  CD_PORT=$(free_port)
  HOME=$WORK/home XDG_CONFIG_HOME=$WORK/home/.config XDG_CACHE_HOME=$WORK/home/.cache \
    setsid "$CHROMEDRIVER" --port="$CD_PORT" --log-path="$WORK/chromedriver.log" </dev/null >>"$WORK/chromedriver.out" 2>&1 &
  CD_PID=$!
  if wait_http "http://127.0.0.1:$CD_PORT/status" 30 "$CD_PID"; then break; fi
  log "chromedriver did not come up on port $CD_PORT (attempt $attempt)"
  stop_chromedriver
  [ "$attempt" = 3 ] && { tail -n 20 "$WORK/chromedriver.out" >&2; fail_early "chromedriver did not start"; }
done
log "chromedriver $("$CHROMEDRIVER" --version | awk '{print $2}') at http://127.0.0.1:$CD_PORT (pid $CD_PID)"

OUT=$WORK/browser.out
set +e
SE_OFFLINE=true SE_AVOID_STATS=true CHROMIUM=$CHROMIUM \
  run_bounded "${BROWSER_TIMEOUT:-240}" "$VENV/bin/python" "$PORTICO_ROOT/conformance/python/browser_suite.py" \
  "$PORTICO_URL" "http://127.0.0.1:$CD_PORT" "$SHOTS" "$WORK/profile" >"$OUT" 2>&1
rc=$?
set -e
cat "$OUT"
last=$(tail -n 1 "$OUT")
if [ $rc -ne 0 ]; then
  portico_log_tail 30
  if [[ $last != "browser: "* ]] && [ -s "$WORK/chromedriver.log" ]; then   # it did not get to the end
    log "last lines of chromedriver's log:"
    tail -n 15 "$WORK/chromedriver.log" | sed 's/^/    | /' >&2
  fi
fi
if [[ $last == "browser: "* ]]; then
  result "$last"
elif [ $rc = 124 ]; then
  result "browser: FAILED — timed out after ${BROWSER_TIMEOUT:-240}s"
else
  result "browser: FAILED — exit status $rc (see above)"
fi
exit $((rc == 0 ? 0 : 1))
