#!/usr/bin/env bash
# conformance/scheduling.sh — RFC 6638 scheduling between colleagues (python/scheduling_check.py)
# against a fresh Portico, over plain HTTP and with the python `caldav` library: invitations,
# replies, updates and cancellations between two users, SCHEDULE-AGENT=CLIENT, a room that
# accepts a free slot and declines a conflict (and of twenty concurrent bookings accepts one),
# and free-busy through the outbox; with an SMTP server (aiosmtpd) configured, so that the DAV
# header claims calendar-auto-schedule.
# usage: conformance/scheduling.sh        (exit 1 if any step failed)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
VENV=$(need_venv caldav caldav==3.6.0 vobject==0.9.9)
make_tmp WORK scheduling
# With an SMTP server the DAV header claims calendar-auto-schedule (outside guests get mail).
start_smtp_sink "$WORK/mail"
start_portico "$WORK/data"
add_user alice alice-pw --email alice@example.test --name "Alice Archer"
add_user bob bob-pw --email bob@example.test --name "Bob Baker"
"$PORTICO_BIN" room add room-berlin-1 --name "Berlin 1" --email room-berlin-1@example.test --data "$PORTICO_DATA" >/dev/null
# Bob's calendar shows free/busy to colleagues (the default mode, private, shows nothing).
curl -sf -o /dev/null -u bob:bob-pw -X PROPFIND -H 'Depth: 1' "$PORTICO_URL/dav/calendars/bob/"
"$PORTICO_BIN" calendar visibility bob/calendar busy --data "$PORTICO_DATA" >/dev/null
OUT=$WORK/scheduling.out
set +e
run_bounded 300 "$VENV/bin/python" "$PORTICO_ROOT/conformance/python/scheduling_check.py" "$PORTICO_URL/" \
  alice alice-pw bob bob-pw room-berlin-1 --strict ${SCHEDULING_ARGS:-} >"$OUT" 2>&1
rc=$?
set -e
cat "$OUT"
[ $rc -eq 0 ] || portico_log_tail 30
result "scheduling: $(tail -n 1 "$OUT")"
exit $rc
