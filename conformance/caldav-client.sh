#!/usr/bin/env bash
# conformance/caldav-client.sh — the python `caldav` library scenario (python/caldav_scenario.py)
# against a fresh Portico: discovery from the root, calendars, events, todos, recurrence with
# overrides and EXDATE found by time range, sync-token deltas.
# usage: conformance/caldav-client.sh        (exit 1 if any step failed)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
VENV=$(need_venv caldav caldav==3.6.0 vobject==0.9.9)
make_tmp WORK caldav
start_portico "$WORK/data"
add_user carol carol-pw --email carol@example.test
add_user dave dave-pw --email dave@example.test
# Shared calendars in carol's home: the company's team calendar, and dave's calendar (shown
# as titles to colleagues) among her favourites.
"$PORTICO_BIN" calendar team events --company --name "Company events" --data "$PORTICO_DATA" >/dev/null
curl -sf -o /dev/null -u dave:dave-pw -X PROPFIND -H 'Depth: 1' "$PORTICO_URL/dav/calendars/dave/"
"$PORTICO_BIN" calendar visibility dave/calendar titles --data "$PORTICO_DATA" >/dev/null
curl -sf -u carol:carol-pw -X PUT "$PORTICO_URL/api/favorites/dave/calendar"
OUT=$WORK/scenario.out
set +e
run_bounded 300 "$VENV/bin/python" "$PORTICO_ROOT/conformance/python/caldav_scenario.py" "$PORTICO_URL/" carol carol-pw dave >"$OUT" 2>&1
rc=$?
set -e
cat "$OUT"
[ $rc -eq 0 ] || portico_log_tail 30
result "$(tail -n 1 "$OUT")"
exit $rc
