#!/usr/bin/env bash
# conformance/vdirsyncer.sh — two-way sync with vdirsyncer (PyPI) between a local vdir and a fresh
# Portico's default calendar and task list, with changes on both sides.
#
# usage: conformance/vdirsyncer.sh
#
# Installs vdirsyncer 0.21.0 in a venv under $PORTICO_TOOLS, starts Portico on a free loopback
# port with a temp data dir and a user `vds`, and configures one pair:
#   a = filesystem storage (a vdir in the temp dir, fileext .ics)
#   b = caldav storage, url = the server ROOT (vdirsyncer discovers principal and home itself)
#   collections = ["from b"], metadata = ["displayname"]
# `vdirsyncer discover` must find the two default collections, `calendar` (VEVENT) and `tasks`
# (VTODO), and create them locally; `metasync` must bring their display names down. Then, TWICE
# (round 1 and 2, for an event in `calendar` and a task in `tasks`, two items A and B each):
#   1. create A and B in the vdir → sync → both are on the server (found by UID, GET: the data)
#      → a second sync changes nothing
#   2. edit A on the server (GET for the ETag, PUT with If-Match; a PUT with the old ETag must
#      then be refused with 412) and edit B in the vdir → sync → A's local file and B on the
#      server have the new SUMMARY
#   3. delete A in the vdir and B on the server (DELETE with If-Match) → sync → A is gone from
#      the server (GET 404, no member has its UID) and B from the vdir → a second sync changes
#      nothing
# The server side is checked with curl (GET/PUT/DELETE) and python/dav_probe.py (PROPFIND,
# stdlib only). Prints one line per check, then a summary; exit 1 on any mismatch or error.
#
# Environment: VDS_TIMEOUT (seconds per vdirsyncer command, default 120), PORTICO_BIN,
# PORTICO_KEEP_TMP=1 (keep the vdir, vdirsyncer's output and status, the server data/log),
# DAV_URL/DAV_USER/DAV_PASS (test that CalDAV server instead: DAV_URL is its root; the user's
# home must already have collections named `calendar` and `tasks`).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

T=${VDS_TIMEOUT:-120}
fail_early() { result "vdirsyncer: FAILED — $*"; exit 1; }
need_apt curl || fail_early "could not install curl"
VENV=$(need_venv vdirsyncer vdirsyncer==0.21.0) || fail_early "could not install vdirsyncer"
make_tmp WORK vdirsyncer
export LC_ALL=C.UTF-8

LOGIN=vds
if [ -n "${DAV_URL:-}" ]; then
  ROOT=$DAV_URL AUTH_USER=${DAV_USER:-} AUTH_PASS=${DAV_PASS:-}
  log "using the server at $ROOT (DAV_URL is set; not starting Portico)"
else
  start_portico "$WORK/data" || fail_early "Portico did not start (see above)"
  AUTH_USER=$LOGIN AUTH_PASS=$(rand_hex 12)
  add_user "$AUTH_USER" "$AUTH_PASS" --email vds@example.test --name "Vera Syncer" || fail_early "could not create user $AUTH_USER"
  ROOT=$PORTICO_URL/
fi
export DAV_USER=$AUTH_USER DAV_PASS=$AUTH_PASS   # for dav_probe.py
PROBE=("$VENV/bin/python" "$PORTICO_ROOT/conformance/python/dav_probe.py")
NETRC=$WORK/netrc
host=${ROOT#*://}; host=${host%%/*}; host=${host%%:*}
( umask 077; : >"$NETRC"; [ -z "$AUTH_USER" ] || printf 'machine %s login %s password %s\n' "$host" "$AUTH_USER" "$AUTH_PASS" >"$NETRC" )

PASSED=0 FAILED=0 FAILS=()
ok() { PASSED=$((PASSED + 1)); printf 'ok   %s\n' "$*"; }
bad() { FAILED=$((FAILED + 1)); FAILS+=("$*"); printf 'FAIL %s\n' "$*"; }
# check DESCRIPTION CMD... : ok if CMD succeeds, FAIL otherwise
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }

# --- HTTP with curl ----------------------------------------------------------------------------
# http METHOD URL [CURL_ARG...] : sets STATUS; body in $WORK/resp.body, headers in $WORK/resp.head
http() {
  local m=$1 url=$2; shift 2
  STATUS=$(curl -sS --max-time 30 --netrc-file "$NETRC" -X "$m" -o "$WORK/resp.body" -D "$WORK/resp.head" \
    -w '%{http_code}' "$@" "$url" 2>>"$WORK/curl.err") || STATUS=000
}
etag() { grep -i '^etag:' "$WORK/resp.head" | tail -n 1 | cut -d: -f2- | tr -d '\r' | sed 's/^ *//'; }

# --- vdirsyncer --------------------------------------------------------------------------------
VDIR=$WORK/vdir
mkdir -p "$VDIR" "$WORK/status"
cat >"$WORK/config" <<CONF
[general]
status_path = "$WORK/status/"

[pair portico]
a = "local"
b = "server"
collections = ["from b"]
metadata = ["displayname"]

[storage local]
type = "filesystem"
path = "$VDIR/"
fileext = ".ics"

[storage server]
type = "caldav"
url = "$ROOT"
CONF
[ -z "$AUTH_USER" ] || printf 'username = "%s"\npassword = "%s"\n' "$AUTH_USER" "$AUTH_PASS" >>"$WORK/config"
export VDIRSYNCER_CONFIG=$WORK/config
printf 'y\n%.0s' {1..50} >"$WORK/yes"   # answers to `vdirsyncer discover`'s "create it?" prompts
N=0
# vds ARG... : run vdirsyncer (answers "y" to its prompts); output in $WORK/vds.N.out, also
# appended to $WORK/vdirsyncer.log. Returns vdirsyncer's status.
vds() {
  local rc=0
  N=$((N + 1)); VDS_OUT=$WORK/vds.$N.out
  run_bounded "$T" "$VENV/bin/vdirsyncer" "$@" <"$WORK/yes" >"$VDS_OUT" 2>&1 || rc=$?
  { echo "### [$N] vdirsyncer $* → exit status $rc"; cat "$VDS_OUT"; } >>"$WORK/vdirsyncer.log"
  if [ $rc != 0 ]; then
    log "vdirsyncer $* failed (exit status $rc):"
    tail -n 15 "$VDS_OUT" | cut -c1-240 | sed 's/^/    | /' >&2
  fi
  return $rc
}
# sync_changes : the item operations the last vdirsyncer run reported
sync_changes() { grep -E 'Copying \(|Deleting item' "$VDS_OUT" || true; }
# check_sync WHAT : run `vdirsyncer sync`; ok if it succeeds
check_sync() { if vds sync; then ok "$1: vdirsyncer sync"; else bad "$1: vdirsyncer sync (exit status != 0)"; fi; }
# check_quiet_sync WHAT : a sync right after a sync must not move anything
check_quiet_sync() {
  if ! vds sync; then bad "$1: vdirsyncer sync again (exit status != 0)"; return; fi
  local c; c=$(sync_changes)
  if [ -z "$c" ]; then ok "$1: a second sync changes nothing"; else bad "$1: a second sync still changes items: $(echo "$c" | head -n 3 | tr '\n' ';')"; fi
}

# --- discovery ---------------------------------------------------------------------------------
if ! "${PROBE[@]}" discover "$ROOT" >"$WORK/collections.tsv" 2>"$WORK/probe.err"; then
  sed 's/^/    | /' "$WORK/probe.err" >&2
  [ -n "${PORTICO_LOG:-}" ] && portico_log_tail 20
  fail_early "CalDAV discovery from $ROOT failed: $(tail -n 1 "$WORK/probe.err" | cut -c1-200)"
fi
log "collections found from $ROOT:"; sed 's/^/    /' "$WORK/collections.tsv" >&2
declare -A COLL=() DNAME=()
while IFS=$'\t' read -r url dname _; do
  slug=${url%/}; slug=${slug##*/}
  COLL[$slug]=$url DNAME[$slug]=$dname
done <"$WORK/collections.tsv"
for c in calendar tasks; do
  check "discovery: the home has a collection '$c'" test -n "${COLL[$c]:-}"
done
if [ -z "${DAV_URL:-}" ]; then
  check "discovery: calendar is $PORTICO_URL/dav/calendars/$LOGIN/calendar/" test "${COLL[calendar]:-}" = "$PORTICO_URL/dav/calendars/$LOGIN/calendar/"
  check "discovery: tasks is $PORTICO_URL/dav/calendars/$LOGIN/tasks/" test "${COLL[tasks]:-}" = "$PORTICO_URL/dav/calendars/$LOGIN/tasks/"
fi
if [ -z "${COLL[calendar]:-}" ] || [ -z "${COLL[tasks]:-}" ]; then
  fail_early "no 'calendar' and 'tasks' collections to sync with; $PASSED passed, $FAILED failed"
fi

if vds discover; then ok "vdirsyncer discover"; else bad "vdirsyncer discover"; fi
for c in calendar tasks; do
  check "vdirsyncer discover: local collection '$c' created" test -d "$VDIR/$c"
done
if vds metasync; then ok "vdirsyncer metasync"; else bad "vdirsyncer metasync"; fi
for c in calendar tasks; do
  name=${DNAME[$c]:-}
  got=$(cat "$VDIR/$c/displayname" 2>/dev/null || true)
  if [ -n "$name" ] && [ "$got" = "$name" ]; then ok "metasync: $c displayname '$got'"; else bad "metasync: $c displayname: local '$got', server '$name'"; fi
done
if [ ! -d "$VDIR/calendar" ] || [ ! -d "$VDIR/tasks" ]; then
  [ -n "${PORTICO_LOG:-}" ] && portico_log_tail 20
  fail_early "vdirsyncer did not set up the local collections; $PASSED passed, $FAILED failed"
fi
check_sync "initial"

# --- items -------------------------------------------------------------------------------------
# ical KIND UID SUMMARY : an iCalendar object (CRLF) with one VEVENT (KIND=event) or VTODO (todo)
ical() {
  local comp body
  case $1 in
    event) comp=VEVENT body="DTSTART:20300115T090000Z"$'\r\n'"DTEND:20300115T100000Z" ;;
    todo) comp=VTODO body="DUE:20300120T170000Z"$'\r\n'"STATUS:NEEDS-ACTION" ;;
  esac
  printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Portico tests//vdirsyncer//EN\r\nBEGIN:%s\r\nUID:%s\r\nDTSTAMP:20300101T000000Z\r\n%s\r\nSUMMARY:%s\r\nEND:%s\r\nEND:VCALENDAR\r\n' \
    "$comp" "$2" "$body" "$3" "$comp"
}
# lfile COLLECTION UID : the vdir file that holds UID (empty if none)
lfile() {
  local f
  for f in "$VDIR/$1"/*.ics; do
    [ -e "$f" ] || continue
    if tr -d '\r' <"$f" | grep -qxF "UID:$2"; then printf '%s\n' "$f"; return 0; fi
  done
}
# server_url COLLECTION UID : the server URL of the member with UID (empty if none)
server_url() { "${PROBE[@]}" find "${COLL[$1]}" "$2" 2>>"$WORK/probe.err" || true; }
# has_summary FILE SUMMARY
has_summary() { tr -d '\r' <"$1" | grep -qxF "SUMMARY:$2"; }
# set_summary SUMMARY <IN >OUT : replace the SUMMARY line, keep CRLF
set_summary() { sed -e "s/^SUMMARY:.*\$/SUMMARY:$1"$'\r/'; }

declare -A CAL_OF=([event]=calendar [todo]=tasks)
run_id=$(rand_hex 4)
for round in 1 2; do
  for kind in event todo; do
    c=${CAL_OF[$kind]}
    for x in a b; do
      uid="vds-$kind-$round$x-$run_id@portico.test"
      ical "$kind" "$uid" "round $round $kind $x" >"$VDIR/$c/local-$round$x.ics"
    done
  done

  # 1. local → server
  check_sync "round $round: 4 new local items"
  declare -A HREF=()
  for kind in event todo; do
    c=${CAL_OF[$kind]}
    for x in a b; do
      uid="vds-$kind-$round$x-$run_id@portico.test"
      url=$(server_url "$c" "$uid")
      HREF[$kind$x]=$url
      if [ -z "$url" ]; then bad "round $round: $kind $x uploaded to $c (no member of ${COLL[$c]} has UID $uid)"; continue; fi
      http GET "$url"
      if [ "$STATUS" = 200 ] && has_summary "$WORK/resp.body" "round $round $kind $x" && grep -qi '^content-type: *text/calendar' "$WORK/resp.head"; then
        ok "round $round: $kind $x is on the server (${url#"${COLL[$c]}"}), GET 200 text/calendar, same SUMMARY"
      else
        bad "round $round: $kind $x GET $url: HTTP $STATUS, $(grep -i '^content-type' "$WORK/resp.head" | tr -d '\r'), SUMMARY $(tr -d '\r' <"$WORK/resp.body" | grep '^SUMMARY' || echo none)"
      fi
    done
  done
  check_quiet_sync "round $round"

  # 2. edit A on the server, B locally
  for kind in event todo; do
    c=${CAL_OF[$kind]} url=${HREF[${kind}a]}
    [ -n "$url" ] || { bad "round $round: edit $kind a on the server (not uploaded)"; continue; }
    http GET "$url"
    old=$(etag)
    if [ "$STATUS" != 200 ] || [ -z "$old" ]; then bad "round $round: GET $kind a for its ETag: HTTP $STATUS, ETag '$old'"; continue; fi
    set_summary "round $round $kind a (edited on the server)" <"$WORK/resp.body" >"$WORK/edit.ics"
    http PUT "$url" -H "If-Match: $old" -H 'Content-Type: text/calendar; charset=utf-8' --data-binary "@$WORK/edit.ics"
    case $STATUS in
      200 | 201 | 204) ok "round $round: PUT $kind a with If-Match: HTTP $STATUS" ;;
      *) bad "round $round: PUT $kind a with If-Match $old: HTTP $STATUS $(head -c 200 "$WORK/resp.body" | tr -d '\r\n')" ;;
    esac
    http PUT "$url" -H "If-Match: $old" -H 'Content-Type: text/calendar; charset=utf-8' --data-binary "@$WORK/edit.ics"
    check "round $round: PUT $kind a with the old ETag again: 412 (got $STATUS)" test "$STATUS" = 412
    f=$(lfile "$c" "vds-$kind-${round}b-$run_id@portico.test")
    if [ -n "$f" ]; then
      set_summary "round $round $kind b (edited locally)" <"$f" >"$WORK/edit.ics" && cat "$WORK/edit.ics" >"$f"
    else
      bad "round $round: $kind b local file missing before the edit"
    fi
  done
  check_sync "round $round: A edited on the server, B locally"
  for kind in event todo; do
    c=${CAL_OF[$kind]}
    f=$(lfile "$c" "vds-$kind-${round}a-$run_id@portico.test")
    if [ -n "$f" ] && has_summary "$f" "round $round $kind a (edited on the server)"; then
      ok "round $round: server edit of $kind a synced to the local file"
    else
      bad "round $round: server edit of $kind a not in the local file (${f:-no file}: $( [ -n "$f" ] && tr -d '\r' <"$f" | grep '^SUMMARY'))"
    fi
    url=${HREF[${kind}b]}
    if [ -n "$url" ]; then
      http GET "$url"
      if [ "$STATUS" = 200 ] && has_summary "$WORK/resp.body" "round $round $kind b (edited locally)"; then
        ok "round $round: local edit of $kind b synced to the server"
      else
        bad "round $round: local edit of $kind b not on the server (GET $STATUS, $(tr -d '\r' <"$WORK/resp.body" | grep '^SUMMARY' || echo no SUMMARY))"
      fi
    fi
  done

  # 3. delete A locally, B on the server
  for kind in event todo; do
    c=${CAL_OF[$kind]}
    f=$(lfile "$c" "vds-$kind-${round}a-$run_id@portico.test")
    [ -n "$f" ] && rm -f "$f"
    url=${HREF[${kind}b]}
    if [ -n "$url" ]; then
      http GET "$url"
      tag=$(etag)
      http DELETE "$url" -H "If-Match: $tag"
      case $STATUS in
        200 | 204) ok "round $round: DELETE $kind b with If-Match on the server: HTTP $STATUS" ;;
        *) bad "round $round: DELETE $kind b with If-Match $tag: HTTP $STATUS" ;;
      esac
    fi
  done
  check_sync "round $round: A deleted locally, B on the server"
  for kind in event todo; do
    c=${CAL_OF[$kind]}
    url=${HREF[${kind}a]}
    if [ -n "$url" ]; then
      http GET "$url"
      left=$(server_url "$c" "vds-$kind-${round}a-$run_id@portico.test")
      if [ "$STATUS" = 404 ] && [ -z "$left" ]; then ok "round $round: local delete of $kind a synced (GET 404)"; else bad "round $round: local delete of $kind a not synced (GET $STATUS${left:+, still at $left})"; fi
    fi
    f=$(lfile "$c" "vds-$kind-${round}b-$run_id@portico.test")
    if [ -z "$f" ]; then ok "round $round: server delete of $kind b synced (local file gone)"; else bad "round $round: server delete of $kind b not synced ($f still there)"; fi
  done
  check_quiet_sync "round $round, after the deletes"
done

# --- summary -----------------------------------------------------------------------------------
left=$(find "$VDIR" -name '*.ics' | wc -l)
check "at the end the vdir holds no items (found $left)" test "$left" = 0
echo
if [ "$FAILED" = 0 ]; then
  result "vdirsyncer: $PASSED checks passed — discover, metasync, 2 rounds of create/edit/delete both ways (events and tasks)"
  exit 0
fi
printf 'failed checks:\n'; printf '  %s\n' "${FAILS[@]}"
if [ -n "${PORTICO_LOG:-}" ]; then
  log "last lines of the server log ($PORTICO_LOG):"
  portico_log_tail 30
fi
log "vdirsyncer output: $WORK/vdirsyncer.log$([ "${PORTICO_KEEP_TMP:-0}" = 1 ] || echo ' (PORTICO_KEEP_TMP=1 keeps it)')"
result "vdirsyncer: $FAILED of $((PASSED + FAILED)) checks failed — FAILED"
exit 1
