#!/usr/bin/env bash
# conformance/caldav-server-tester.sh — caldav-server-tester ("CalDAV Server Checker", PyPI) against
# a fresh Portico and, side by side, against two reference CalDAV servers, Radicale and Xandikos.
#
# usage: conformance/caldav-server-tester.sh
#        CST_MARKDOWN=/tmp/cst.md conformance/caldav-server-tester.sh   (also write the matrices)
#
# Installs, in venvs under $PORTICO_TOOLS: caldav-server-tester 1.7.0 with caldav 3.6.0 and vobject
# 0.9.9 (without vobject the tester reports save-load.event.timezone as broken), Radicale 3.9.0 and
# Xandikos 0.4.10. Starts each server on a free 127.0.0.1 port with its own temp data dir:
#   portico   user `tester` with a random password; the tester starts at the server root and
#             discovers the principal (/.well-known/caldav, current-user-principal, home set);
#             a second user `tester2` (--config-section second) receives its scheduling tests,
#             and an SMTP sink (aiosmtpd) is configured so the DAV header claims
#             calendar-auto-schedule
#   radicale  htpasswd auth (plain), user `tester`, rights owner_only
#   xandikos  no auth (it only offers Basic auth over HTTPS), principal /user/, --defaults
# runs `caldav-server-tester --caldav-url ROOT --format hints` once per server (it creates and
# deletes its own test calendars; about 5-15 s per server), and prints a matrix: one row per
# feature, the support level on each server (full, unsupported, fragile, broken, quirk,
# ungraceful, unknown; "—" = not reported), then every feature that Radicale or Xandikos
# supports "full" and Portico does not, with what the tester saw on Portico.
#
# Exit status: 1 if any such feature exists (a regression against the references), or if a server
# did not start or the tester stopped with an error on it (its partial result is still shown);
# else 0. The tester's stderr lines "ERROR:root:Server checker found something unexpected for
# X" compare the server against the tester's idea of an ideal server; they are not crashes and
# are not used.
#
# Environment:
#   CST_MARKDOWN    also write the matrix, per-server notes and regressions to this markdown file
#                   (for docs/conformance.md)
#   CST_REFERENCES  reference servers to compare with (default "radicale xandikos"; "" = none)
#   CST_TOLERATE    space-separated feature patterns (shell globs) that are reported but do not
#                   fail the run (default: none; scheduling was tolerated until Portico had it).
#   CST_TIMEOUT     seconds allowed per tester run (default 180)
#   PORTICO_BIN, PORTICO_KEEP_TMP=1 (keep every server's data and log, the tester's output)
#   DAV_URL, DAV_USER, DAV_PASS  test this already running CalDAV server (its root URL) in place
#                   of a fresh Portico
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CST_TIMEOUT=${CST_TIMEOUT:-180}
TESTER_VERSION=1.7.0 CALDAV_VERSION=3.6.0 VOBJECT_VERSION=0.9.9 RADICALE_VERSION=3.9.0 XANDIKOS_VERSION=0.4.10
REFERENCES=${CST_REFERENCES-radicale xandikos}
MARKDOWN=${CST_MARKDOWN:-}
case $MARKDOWN in "" | /*) ;; *) MARKDOWN=$PWD/$MARKDOWN ;; esac
fail_early() { result "caldav-server-tester: FAILED — $*"; exit 1; }

need_apt curl || fail_early "could not install curl"
VENV=$(need_venv caldav-server-tester caldav-server-tester==$TESTER_VERSION caldav==$CALDAV_VERSION \
  vobject==$VOBJECT_VERSION) || fail_early "could not install caldav-server-tester"
refs_label=
for ref in $REFERENCES; do
  case $ref in
    radicale)
      RADICALE_VENV=$(need_venv radicale radicale==$RADICALE_VERSION) || fail_early "could not install Radicale"
      refs_label+="${refs_label:+, }Radicale $RADICALE_VERSION"
      ;;
    xandikos)
      XANDIKOS_VENV=$(need_venv xandikos xandikos==$XANDIKOS_VERSION) || fail_early "could not install Xandikos"
      refs_label+="${refs_label:+, }Xandikos $XANDIKOS_VERSION"
      ;;
    *) fail_early "unknown reference server '$ref' in CST_REFERENCES (radicale, xandikos)" ;;
  esac
done
make_tmp WORK caldav-server-tester
cd "$WORK"   # the tester looks for a caldav test-server registry in its working directory

# --- reference servers -------------------------------------------------------------------------
# stop_pid PID NAME : TERM, then KILL after 10 s (only that pid).
stop_pid() {
  local pid=$1 i
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then log "$2 (pid $pid) ignored SIGTERM for 10s; killing it"; kill -KILL "$pid" 2>/dev/null; fi
  wait "$pid" 2>/dev/null
  return 0
}

# launch NAME LOG PORT CMD... : start CMD (which listens on 127.0.0.1:PORT) in the background,
# stop it on exit, wait until http://127.0.0.1:PORT/ answers. Sets LAUNCHED_URL.
launch() {
  local name=$1 logf=$2 port=$3 pid; shift 3
  "$@" >>"$logf" 2>&1 &
  pid=$!
  on_exit "stop_pid $pid $name"
  if wait_http "http://127.0.0.1:$port/" 60 "$pid"; then
    LAUNCHED_URL=http://127.0.0.1:$port/
    log "$name up at $LAUNCHED_URL (pid $pid, log $logf)"
    return 0
  fi
  stop_pid "$pid" "$name"
  return 1
}

# start_reference NAME : start Radicale or Xandikos in $WORK/NAME; sets REF_URL[NAME],
# REF_USER[NAME], REF_PASS[NAME]. Retries on another port if the first one was taken meanwhile.
declare -A REF_URL=() REF_USER=() REF_PASS=()
start_reference() {
  local name=$1 dir=$WORK/$1 port attempt pass
  mkdir -p "$dir"
  for attempt in 1 2 3; do
    port=$(free_port) || return 1
    echo "--- $(date '+%F %T') $name on 127.0.0.1:$port (attempt $attempt)" >>"$dir/server.log"
    case $name in
      radicale)
        pass=$(rand_hex 12)
        printf 'tester:%s\n' "$pass" >"$dir/users"
        mkdir -p "$dir/collections"
        cat >"$dir/config" <<CONF
[server]
hosts = 127.0.0.1:$port
[auth]
type = htpasswd
htpasswd_filename = $dir/users
htpasswd_encryption = plain
[rights]
type = owner_only
[storage]
filesystem_folder = $dir/collections
[logging]
level = warning
mask_passwords = True
CONF
        if launch radicale "$dir/server.log" "$port" "$RADICALE_VENV/bin/python" -m radicale --config "$dir/config"; then
          REF_URL[radicale]=$LAUNCHED_URL REF_USER[radicale]=tester REF_PASS[radicale]=$pass
          return 0
        fi
        ;;
      xandikos)
        mkdir -p "$dir/data" "$dir/state"
        if launch xandikos "$dir/server.log" "$port" "$XANDIKOS_VENV/bin/xandikos" serve --defaults \
          --current-user-principal=/user/ -d "$dir/data" --state-dir "$dir/state" \
          -l 127.0.0.1 -p "$port" --no-detect-systemd; then
          REF_URL[xandikos]=$LAUNCHED_URL REF_USER[xandikos]='' REF_PASS[xandikos]=''
          return 0
        fi
        ;;
    esac
    if ! tail -n 20 "$dir/server.log" | grep -qi 'address already in use'; then break; fi
    log "port $port was taken meanwhile; retrying"
  done
  log "$name failed to start; last lines of $dir/server.log:"
  tail -n 20 "$dir/server.log" | sed 's/^/    | /' >&2
  return 1
}

# --- the tester ---------------------------------------------------------------------------------
# run_tester NAME URL USER PASS : caldav-server-tester --format hints → $WORK/NAME.hints (stderr in
# NAME.err). Isolated from the caller's caldav configuration (HOME, CALDAV_* variables). When a
# check raises, the tester still prints what it found so far and exits non-zero: NAME is then
# added to INCOMPLETE.
INCOMPLETE=()
TESTER_EXTRA=()
run_tester() {
  local name=$1 url=$2 user=$3 pass=$4 rc=0 t auth=()
  [ -n "$user" ] && auth=(--caldav-username "$user" --caldav-password "$pass")
  auth+=("${TESTER_EXTRA[@]}")
  mkdir -p "$WORK/home"
  log "caldav-server-tester against $name ($url)"
  t=$(date +%s)
  run_bounded "$CST_TIMEOUT" env -u CALDAV_URL -u CALDAV_USERNAME -u CALDAV_PASSWORD -u CALDAV_CONFIG_FILE \
    -u PYTHON_CALDAV_USE_TEST_SERVER HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config" \
    "$VENV/bin/caldav-server-tester" --caldav-url "$url" "${auth[@]}" --format hints \
    >"$WORK/$name.hints" 2>"$WORK/$name.err" || rc=$?
  log "caldav-server-tester against $name: exit status $rc after $(($(date +%s) - t))s"
  if [ $rc != 0 ]; then
    [ $rc = 124 ] && log "timed out after ${CST_TIMEOUT}s (CST_TIMEOUT)"
    log "last lines of its stderr:"
    grep -v 'Server checker found something unexpected' "$WORK/$name.err" | tail -n 25 | cut -c1-240 | sed 's/^/    | /' >&2
    INCOMPLETE+=(--incomplete "$name")
  fi
}

TARGET=portico
if [ -n "${DAV_URL:-}" ]; then
  TARGET=target
  log "using the server at $DAV_URL (DAV_URL is set; not starting Portico)"
  run_tester "$TARGET" "$DAV_URL" "${DAV_USER:-}" "${DAV_PASS:-}"
else
  # Scheduling needs a second user to deliver to, and an SMTP server for the DAV header to
  # claim calendar-auto-schedule (mail to outside guests).
  start_smtp_sink "$WORK/mail"
  if start_portico "$WORK/portico/data"; then
    pw=$(rand_hex 12) pw2=$(rand_hex 12)
    if add_user tester "$pw" --email tester@example.test --name "Server Tester" &&
      add_user tester2 "$pw2" --email tester2@example.test --name "Second Tester"; then
      mkdir -p "$WORK/home/.config/caldav"
      printf '{"second": {"caldav_url": "%s/", "caldav_user": "tester2", "caldav_pass": "%s"}}\n' \
        "$PORTICO_URL" "$pw2" >"$WORK/home/.config/caldav/calendar.conf"
      TESTER_EXTRA=(--config-section second)
      run_tester portico "$PORTICO_URL/" tester "$pw"
      TESTER_EXTRA=()
    else
      : >"$WORK/portico.hints"
    fi
  else
    : >"$WORK/portico.hints"
  fi
fi

specs=("$TARGET=$WORK/$TARGET.hints")
for ref in $REFERENCES; do
  if start_reference "$ref"; then
    run_tester "$ref" "${REF_URL[$ref]}" "${REF_USER[$ref]}" "${REF_PASS[$ref]}"
  else
    : >"$WORK/$ref.hints"
  fi
  specs+=("$ref=$WORK/$ref.hints")
done

# --- the matrix ---------------------------------------------------------------------------------
md_args=()
[ -n "$MARKDOWN" ] && md_args=(--markdown "$MARKDOWN")
set +e
"$VENV/bin/python" "$PORTICO_ROOT/conformance/python/cst_matrix.py" "${md_args[@]}" "${INCOMPLETE[@]}" \
  --tolerate "${CST_TOLERATE-}" \
  --title "caldav-server-tester $TESTER_VERSION (caldav $CALDAV_VERSION): $TARGET vs. ${refs_label:-no reference servers}" \
  "${specs[@]}" >"$WORK/matrix.txt"
rc=$?
set -e
sed '$d' "$WORK/matrix.txt"   # all but the summary line, which result prints
[ -n "$MARKDOWN" ] && [ -f "$MARKDOWN" ] && log "matrices written to $MARKDOWN"
if [ $rc != 0 ] && [ -n "${PORTICO_LOG:-}" ]; then
  log "last lines of the server log ($PORTICO_LOG):"
  portico_log_tail 20
fi
[ "${PORTICO_KEEP_TMP:-0}" = 1 ] && log "tester output: $WORK/*.hints, $WORK/*.err"
line=$(tail -n 1 "$WORK/matrix.txt")
[ -n "$line" ] || line="caldav-server-tester: FAILED — no matrix (exit status $rc)"
result "$line"
[ $rc = 0 ] || exit 1
