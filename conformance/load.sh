#!/usr/bin/env bash
# conformance/load.sh — many concurrent WebDAV + CalDAV clients against a fresh Portico on the
# loopback interface, for a bounded time (issue 13: "200 concurrent clients for 10 minutes: 0 5xx,
# memory bounded, /healthz p99 under 100 ms"; CI runs the one-minute version).
#
# usage: conformance/load.sh                      (CI: 200 clients, 60 s)
#        LOAD_SECONDS=600 conformance/load.sh     (the 10-minute campaign)
#
# Starts Portico with a temp data dir, creates LOAD_USERS users with `portico user add`, and runs
# python/load_client.py (asyncio + aiohttp from PyPI, in a venv): LOAD_CLIENTS clients, client i
# acting as user i % LOAD_USERS with one keep-alive connection, each looping with a random think
# time (0..2*LOAD_THINK_MS ms) over a mix of PUT/GET/PROPFIND of small files in its own folder of
# the user's drive (one PUT in 8 with new bytes, the others with one of 256 bodies, so that the
# blob store stays small enough to delete quickly) and PUT of events, REPORT calendar-query and REPORT sync-collection on the
# user's calendar, checking every answer (status, and GET/PROPFIND against what it wrote). A
# separate process probes GET /healthz on a new connection every LOAD_PROBE_MS ms and samples the
# server's VmRSS (/proc/PID/status) every second.
#
# Fails on: any 5xx, connection error, timeout, unexpected status or wrong answer; a failed
# /healthz probe or a /healthz p99 of LOAD_HEALTHZ_P99_MS (100) ms or more; a peak RSS of
# LOAD_RSS_MB (500) MB or more; an RSS whose highest value in the last quarter of the run is
# more than LOAD_RSS_GROWTH_MB (32) MB above the second quarter's (a leak keeps growing; the
# warm-up is over by then); a panic in the server log; a server that is no longer healthy after
# the run.
# Prints per-operation counts and latencies, then a one-line result: requests/s, errors,
# healthz p50/p99, peak RSS.
#
# Environment: LOAD_SECONDS (60), LOAD_CLIENTS (200), LOAD_USERS (20), LOAD_THINK_MS (100),
# LOAD_PROBE_MS (100), LOAD_HEALTHZ_P99_MS (100), LOAD_RSS_MB (500), LOAD_RSS_GROWTH_MB (32),
# LOAD_SEED, PORTICO_BIN, PORTICO_KEEP_TMP=1 (keep the server's data and log, the monitor's
# samples).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DURATION=${LOAD_SECONDS:-60}
CLIENTS=${LOAD_CLIENTS:-200}
USERS=${LOAD_USERS:-20}
THINK=${LOAD_THINK_MS:-100}
SEED=${LOAD_SEED:-$(od -An -tu4 -N4 /dev/urandom | tr -d ' ')}

fail_early() { result "load: FAILED — $*"; exit 1; }
need_apt curl python3 || fail_early "could not install curl and python3"
VENV=$(need_venv load aiohttp==3.14.5) || fail_early "could not install aiohttp"
make_tmp WORK load
start_portico "$WORK/data" || fail_early "Portico did not start (see above)"

log "creating $USERS users"
: >"$WORK/users"
for ((i = 0; i < USERS; i++)); do
  pw=$(rand_hex 12)
  add_user "load$i" "$pw" || fail_early "portico user add failed"
  printf 'load%d %s\n' "$i" "$pw" >>"$WORK/users"
done
PY=("$VENV/bin/python" "$PORTICO_ROOT/conformance/python/load_client.py")
run_bounded 120 "${PY[@]}" prepare "$PORTICO_URL" "$WORK/users" --clients "$CLIENTS" ||
  fail_early "could not prepare the folders and calendars"

log "$CLIENTS clients for ${DURATION}s (seed $SEED)"
rc=0
run_bounded $((DURATION + 180)) "${PY[@]}" run "$PORTICO_URL" "$WORK/users" --pid "$PORTICO_PID" \
  --seconds "$DURATION" --clients "$CLIENTS" --think-ms "$THINK" --probe-ms "${LOAD_PROBE_MS:-100}" \
  --healthz-p99-ms "${LOAD_HEALTHZ_P99_MS:-100}" --rss-mb "${LOAD_RSS_MB:-500}" \
  --rss-growth-mb "${LOAD_RSS_GROWTH_MB:-32}" --seed "$SEED" --monitor-out "$WORK/monitor.json" \
  >"$WORK/load.out" 2>&1 || rc=$?
log "load client finished (status $rc)"
grep -v '^load: ' "$WORK/load.out" || true
line=$(grep '^load: ' "$WORK/load.out" | tail -n 1 || true)
[ $rc = 124 ] && line="load: FAILED — timed out${line:+; ${line#load: }}"
[ -n "$line" ] || line="load: FAILED — the load client ended without a result (status $rc)"

# The server must have survived it: still healthy, and no panic in its log.
if ! curl -fsS -o /dev/null --max-time 5 "$PORTICO_URL/healthz"; then
  rc=1; line="${line%% — FAILED*} — FAILED: the server is not healthy after the run"
fi
panics=$(grep -c 'panicked' "$PORTICO_LOG" || true)
if [ "$panics" != 0 ]; then
  grep -m 5 'panicked' "$PORTICO_LOG" | sed 's/^/    | /' >&2
  rc=1; line="${line%% — FAILED*} — FAILED: $panics panic(s) in the server log"
fi
if [ $rc != 0 ]; then
  portico_log_tail 20
  case $line in *FAILED*) ;; *) line="$line — FAILED" ;; esac
fi
result "$line"
exit $rc
