#!/usr/bin/env bash
# conformance/imip.sh — invitations to guests outside the company by mail (iMIP, RFC 6047)
# through a real SMTP server (aiosmtpd, python/smtp_sink.py), checked by python/imip_check.py:
# REQUEST on a new meeting (its signed Accept link answers once, on POST only) and on a new SEQUENCE (nothing for a change that keeps it), CANCEL
# for a guest taken off and for a deleted meeting; then, with the SMTP server down, a meeting is
# queued, the server is killed with SIGKILL and restarted, the SMTP server comes back, and the
# queued invitation arrives exactly once.
# Then reminders across kill -9 (issue 12): three users ask for their reminders by mail, 30
# events get alarms that come due over the next 4–15 s, and meanwhile the server is killed with
# SIGKILL at random moments and restarted on the same data (at least IMIP_KILLS times, and until
# it was last started after the last alarm); every reminder is queued exactly once (one
# Message-ID), arrives, and arrives once unless a kill cut off the SMTP server's 250 — then
# the same Message-ID comes again, which SMTP cannot prevent (the sender never learnt it was
# delivered) and which the checker reports as a note.
# usage: conformance/imip.sh        (exit 1 if any check failed)
# Environment: IMIP_REMINDERS (default 30), IMIP_KILLS (at least this many kills, default 4),
# IMIP_SEED (the random kill moments again), IMIP_ALLOW_RESEND=0 (fail, rather than note, a
# reminder sent again after a kill that cut off the SMTP server's 250), PORTICO_BIN,
# PORTICO_KEEP_TMP=1.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SEED=${IMIP_SEED:-$(od -An -tu4 -N4 /dev/urandom | tr -d ' ')}
MIN_KILLS=${IMIP_KILLS:-4}
VENV=$(need_venv smtp aiosmtpd==1.4.6)
make_tmp WORK imip
MAILDIR=$WORK/mail
start_smtp_sink "$MAILDIR"
# Answer links start with the public address; the check follows their path on this server.
export PORTICO_SERVER__PUBLIC_URL=http://portico.invalid
start_portico "$WORK/data"
add_user alice alice-pw --email alice@example.test --name "Alice Archer"
CHECK=("$VENV/bin/python" "$PORTICO_ROOT/conformance/python/imip_check.py" "$PORTICO_URL" alice alice-pw "$MAILDIR")
rc=0
run_bounded 120 "${CHECK[@]}" invite || rc=1
# The SMTP server goes away; a meeting is queued; the server is killed before it could send.
stop_smtp_sink
run_bounded 60 "${CHECK[@]}" queue || rc=1
kill -KILL "$PORTICO_PID"; wait "$PORTICO_PID" 2>/dev/null || true; PORTICO_PID=
start_smtp_sink "$MAILDIR"
start_portico "$WORK/data" 2>/dev/null
CHECK[2]=$PORTICO_URL
run_bounded 120 "${CHECK[@]}" drained || rc=1
n=$(find "$MAILDIR" -name '*.eml' | wc -l)

# Reminders across kill -9. The reminder job looks once at each start (ten minutes back) and
# then once a minute; the mail job looks every 2 s, its first look at the start usually before
# the reminders are queued. So each kill comes, in turn, 0–0.3 s after the server answers
# /healthz (the queue pass of the start), 1.5–2.5 s after (the mail job's second look, which
# sends what was queued) or anywhere in 0.3–3 s. The last start comes after the last alarm:
# its look queues whatever is left.
log "reminders across kill -9: seed $SEED (IMIP_SEED=$SEED makes the same kill moments)"
REMIND_USERS=(remind1 remind2 remind3)
for u in "${REMIND_USERS[@]}"; do add_user "$u" "$u-pw" --email "$u@example.test"; done
PLAN=$WORK/reminders.json
KILL_LOG=$WORK/kills.txt
: >"$KILL_LOG"
kills=0 reminders=0
if run_bounded 120 "${CHECK[@]}" reminders "$PLAN" "${REMIND_USERS[@]}" &&
  read -r last_due reminders < <(python3 -c 'import json, sys; p = json.load(open(sys.argv[1])); print(p["last_due"], len(p["expect"]))' "$PLAN"); then
  started=0
  while { [ "$kills" -lt "$MIN_KILLS" ] || [ "$started" -le "$last_due" ]; } && [ "$kills" -lt $((MIN_KILLS + 40)) ]; do
    delay=$(python3 -c '
import random, sys
r = random.Random(sys.argv[1])
print("%.3f" % [r.uniform(0, 0.3), r.uniform(1.5, 2.5), r.uniform(0.3, 3)][int(sys.argv[2]) % 3])' "$SEED-$kills" "$kills")
    sleep "$delay"
    date +%s.%N >>"$KILL_LOG"
    if ! kill -KILL "$PORTICO_PID" 2>/dev/null; then log "Portico (pid $PORTICO_PID) had exited by itself"; rc=1; fi
    wait "$PORTICO_PID" 2>/dev/null || true; PORTICO_PID=
    kills=$((kills + 1))
    started=$(date +%s)
    start_portico "$WORK/data" 2>/dev/null || { log "Portico did not start again after kill $kills"; rc=1; break; }
  done
  CHECK[2]=$PORTICO_URL
  run_bounded 120 "${CHECK[@]}" reminders-check "$PLAN" "$KILL_LOG" || rc=1
else
  rc=1
fi

[ $rc -eq 0 ] || portico_log_tail 30
if [ $rc -eq 0 ]; then
  result "imip: OK — $n mails through aiosmtpd (REQUEST with a signed answer link used once, updates by SEQUENCE, CANCELs), a queued invitation delivered exactly once after kill -9; $reminders reminders each queued once and all delivered across $kills kill -9 (seed $SEED)"
else
  result "imip: FAILED (IMIP_SEED=$SEED)"
fi
exit $rc
