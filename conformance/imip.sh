#!/usr/bin/env bash
# conformance/imip.sh — invitations to guests outside the company by mail (iMIP, RFC 6047)
# through a real SMTP server (aiosmtpd, python/smtp_sink.py), checked by python/imip_check.py:
# REQUEST on a new meeting (its signed Accept link answers once, on POST only) and on a new SEQUENCE (nothing for a change that keeps it), CANCEL
# for a guest taken off and for a deleted meeting; then, with the SMTP server down, a meeting is
# queued, the server is killed with SIGKILL and restarted, the SMTP server comes back, and the
# queued invitation arrives exactly once.
# usage: conformance/imip.sh        (exit 1 if any check failed)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
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
CHECK[3]=$PORTICO_URL
run_bounded 120 "${CHECK[@]}" drained || rc=1
[ $rc -eq 0 ] || portico_log_tail 30
n=$(find "$MAILDIR" -name '*.eml' | wc -l)
if [ $rc -eq 0 ]; then result "imip: OK — $n mails through aiosmtpd (REQUEST with a signed answer link used once, updates by SEQUENCE, CANCELs), a queued invitation delivered exactly once after kill -9"; else result "imip: FAILED"; fi
exit $rc
