#!/usr/bin/env bash
# conformance/crash.sh — crash consistency: the server (or the directory sync) is killed with
# SIGKILL in the middle of a write, restarted on the same data, and what it then serves and
# keeps on disk is checked (issue 13).
#
# usage: conformance/crash.sh                       (CI size: 10 PUT, 5 COPY/MOVE, 3 sync rounds)
#        CRASH_ROUNDS=100 conformance/crash.sh      (the full campaign)
#
# 1. Drive (one data dir kept across all rounds, user `crash`; python/crash_check.py does the
#    HTTP side). Setup: big.bin PUT three times, a tree of 200 files in 21 folders, one COPY and one
#    MOVE of it (their times calibrate the kills).
#    - CRASH_ROUNDS PUT rounds: a PUT of CRASH_PUT_BYTES random bytes streamed over
#      CRASH_PUT_SECONDS; SIGKILL after a random part of the body (even rounds) or at a random
#      moment from the last byte to 1.5 times the calibrated answer time (odd rounds, taking
#      turns at five slices of that window: blob fsync, rename, commit, and some kills just
#      after the answer);
#      rounds alternate in pairs between a new file and a new version of big.bin. After the
#      restart the file is absent (new file only) or whole with the old or the new content —
#      never anything else; a PUT answered before the kill must have its new content; the
#      version list (GET ?versions) matches GET (count, last version = content, every version
#      downloadable with its listed size); PROPFIND getcontentlength/getetag and the parent's
#      listing agree with GET; blobs/tmp is empty after the restart.
#    - CRASH_TREE_ROUNDS COPY/MOVE rounds, in turn: COPY and MOVE to a new folder, COPY and MOVE
#      with Overwrite: T onto a copy that holds one extra file (so that the old destination can
#      be told from the new one); SIGKILL within 1.5x the calibrated duration. COPY leaves the
#      source complete and the destination absent, old or complete; MOVE leaves the tree
#      complete at exactly one end, or the old destination in place (file lists by Depth 1
#      PROPFIND walks, sizes, sha256 of every GET).
#    - Then, with the server stopped: `portico docs cleanup --grace-seconds 0`, SQLite's
#      integrity_check and foreign_key_check; restarted: every file and every version below the
#      drive downloads whole, and every blob file left on disk (sha256/, trash/) is named by the
#      sha256 of its bytes and is the content of some file or version: no leaked blob, nothing
#      referenced lost; blobs/tmp and blobs/trash empty.
# 2. Directory sync: a private OpenLDAP with the generated company (conformance/slapd.sh, its
#    own state dir). A calibration in a throwaway data dir times the first import, a full and an
#    incremental pass of `portico sync-ldap`. Then, while a server serves the data dir (as with
#    a cron job), CRASH_LDAP_ROUNDS times: 20 people get the title "Crash title N" over LDAP and
#    a pass is killed with SIGKILL at a random moment (round 1: the first import; then
#    incremental and full passes in turn). The directory book never has a duplicate UID, e-mail
#    or href; after a restart (which rebuilds the books from the employee records) it is all or
#    nothing: no card (first import only) or all of them, the 20 people at one and the same
#    "Crash title J". Finally a full pass runs to completion, an incremental pass must then
#    create, update and deactivate nobody, and the directory book (every card's data) and the
#    department books must equal those of a clean full sync into a fresh data dir; so must
#    `portico user list` and, after `docs cleanup --grace-seconds 0`, the set of blobs (photos).
#
# Two gaps this suite found are checked strictly (both fixed: a COPY/MOVE with Overwrite: T
# replaces the destination in the transaction that moves or copies the tree, and the directory
# books are rewritten in one transaction each): a killed COPY/MOVE must not lose the old
# destination without making the new one, and a killed sync-ldap must not leave the running
# server's books half rewritten. CRASH_STRICT=0 turns them back into NOTE lines.
#
# Prints one line per round, then a one-line result. Exit status 1 on any failed check (the
# drive part stops at its first failed round: what follows would check against a wrong state).
#
# Environment: CRASH_ROUNDS (PUT rounds, default 10), CRASH_TREE_ROUNDS (default 5),
# CRASH_LDAP_ROUNDS (default 3), CRASH_PUT_BYTES (default 4194304), CRASH_PUT_SECONDS (default
# 1.0), CRASH_SEED (random kill moments are reproducible with the seed printed at the start),
# CRASH_STRICT=0 (the two gaps above are notes, not failures), CRASH_STEP_TIMEOUT (seconds per step, default 180),
# LDAP_EMPLOYEES (slapd.sh, default 1200),
# PORTICO_BIN, PORTICO_KEEP_TMP=1 (keep the data dirs, server logs and the state file).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PUT_ROUNDS=${CRASH_ROUNDS:-10}
TREE_ROUNDS=${CRASH_TREE_ROUNDS:-5}
LDAP_ROUNDS=${CRASH_LDAP_ROUNDS:-3}
PUT_BYTES=${CRASH_PUT_BYTES:-4194304}
PUT_SECONDS=${CRASH_PUT_SECONDS:-1.0}
SEED=${CRASH_SEED:-$(od -An -tu4 -N4 /dev/urandom | tr -d ' ')}
STEP_TIMEOUT=${CRASH_STEP_TIMEOUT:-180}
STRICT=
[ "${CRASH_STRICT:-1}" = 1 ] && STRICT=1
CHECK=$PORTICO_ROOT/conformance/python/crash_check.py

fail_early() { result "crash: FAILED — $*"; exit 1; }
need_apt curl python3 ldap-utils || fail_early "could not install curl, python3, ldap-utils"
[ -x "$PORTICO_BIN" ] || fail_early "no server binary at $PORTICO_BIN: run 'cargo build' first (or set PORTICO_BIN)"
make_tmp WORK crash
log "seed $SEED (CRASH_SEED=$SEED makes the same random choices: kill points, relative to the calibrated durations); $PUT_ROUNDS PUT, $TREE_ROUNDS COPY/MOVE, $LDAP_ROUNDS sync rounds"
T0=$(date +%s)

DRIVE_NOTE='' LDAP_NOTE='' FAILED=()

# check CMD [ARG...] : crash_check.py on the drive's data dir and state, against the running server.
check() {
  local cmd=$1; shift
  run_bounded "$STEP_TIMEOUT" python3 "$CHECK" --state "$WORK/state.json" --data "$DATA" \
    --url "${PORTICO_URL:-}" --user crash --password "$CRASH_PW" --seed "$SEED" \
    --put-bytes "$PUT_BYTES" --put-seconds "$PUT_SECONDS" ${STRICT:+--strict} "$@" "$cmd"
}

# reap_killed : the server that crash_check.py killed is gone; reap it and make sure SIGKILL is
# what ended it (a server that is still running means the kill never happened). Called with
# stderr to /dev/null and the real stderr as fd 3 (see kill_round).
reap_killed() {
  local pid=$PORTICO_PID rc=0 state
  PORTICO_PID=
  # A process reaped while awk reads its stat file reads as nothing: gone too.
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo gone)
  if [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ] && [ "$state" != gone ]; then
    log "the server (pid $pid) was not killed (state $state); killing it now" 2>&3
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    return 1
  fi
  wait "$pid" 2>/dev/null || rc=$?
  [ "$rc" = 137 ] || { log "the server exited with status $rc, not by SIGKILL (137)" 2>&3; return 1; }
  [ -z "${1:-}" ] || log "the server (pid $pid) ended with status $rc" 2>&3
}

# kill_round CMD ROUND : crash_check.py CMD writes and kills the server; reap it. Bash reports a
# job killed by a signal ("… Killed …") on its stderr, wherever that points when it notices:
# that report is dropped, everything else goes to the real stderr (fd 3).
KILL_NOTE=
kill_round() {
  local rc=0
  {
    check "$1" --pid "$PORTICO_PID" --round "$2" 2>"$WORK/check.err" || rc=$?
    grep -v ' Killed ' "$WORK/check.err" >&3 || true
    if [ $rc = 0 ]; then
      reap_killed || { rc=$?; KILL_NOTE="the kill failed"; }
    else
      portico_log_tail 30 2>&3
      reap_killed verbose || true
      KILL_NOTE="the request or the kill failed"
    fi
  } 3>&2 2>/dev/null
  return $rc
}

# --- 1. the drive -------------------------------------------------------------------------------
drive_part() {
  local r out before after
  DATA=$WORK/data
  CRASH_PW=$(rand_hex 12)
  start_portico "$DATA" || { DRIVE_NOTE="the server did not start"; return 1; }
  add_user crash "$CRASH_PW" || { DRIVE_NOTE="portico user add failed"; return 1; }
  check setup || { DRIVE_NOTE="setup failed"; return 1; }
  for ((r = 0; r < PUT_ROUNDS; r++)); do
    kill_round put-kill "$r" || { DRIVE_NOTE="PUT round $r: $KILL_NOTE"; return 1; }
    start_portico "$DATA" 2>/dev/null || { portico_log_tail 30; DRIVE_NOTE="PUT round $r: the server did not restart"; return 1; }
    check check-put || { portico_log_tail 20; DRIVE_NOTE="PUT round $r: inconsistent after the restart"; return 1; }
  done
  for ((r = 0; r < TREE_ROUNDS; r++)); do
    kill_round tree-kill "$r" || { DRIVE_NOTE="COPY/MOVE round $r: $KILL_NOTE"; return 1; }
    start_portico "$DATA" 2>/dev/null || { portico_log_tail 30; DRIVE_NOTE="COPY/MOVE round $r: the server did not restart"; return 1; }
    check check-tree || { portico_log_tail 20; DRIVE_NOTE="COPY/MOVE round $r: inconsistent after the restart"; return 1; }
  done
  stop_portico
  before=$(check blobs) || { DRIVE_NOTE="could not list the blobs"; return 1; }
  if ! out=$(run_bounded "$STEP_TIMEOUT" "$PORTICO_BIN" docs cleanup --grace-seconds 0 --data "$DATA" 2>&1); then
    printf '%s\n' "$out" | sed 's/^/    | /' >&2
    DRIVE_NOTE="portico docs cleanup failed"; return 1
  fi
  after=$(check blobs) || { DRIVE_NOTE="could not list the blobs"; return 1; }
  log "docs cleanup: ${out//$'\n'/ }; blob files ${before%% *} before, ${after%% *} after"
  check sqlite-check || { DRIVE_NOTE="the database is damaged"; return 1; }
  start_portico "$DATA" 2>/dev/null || { portico_log_tail 30; DRIVE_NOTE="the server did not start for the audit"; return 1; }
  check audit || { DRIVE_NOTE="the audit after the cleanup failed"; return 1; }
  stop_portico
  out=$(check summary) || { DRIVE_NOTE="no summary"; return 1; }
  printf 'drive: %s; cleanup removed %d blob(s)\n' "$(head -n 1 <<<"$out")" $((${before%% *} - ${after%% *}))
  DRIVE_NOTE=$(tail -n 1 <<<"$out")
}

# --- 2. the directory sync ----------------------------------------------------------------------
LDAP_CONF=$WORK/ldap.toml
SYNC=("$PORTICO_BIN" sync-ldap --config "$LDAP_CONF")

# serve_snapshot DIR OUT : start the server on DIR (without [ldap]: it must not sync by itself),
# save the directory book as seen by user `checker` to OUT, stop it.
serve_snapshot() {
  local rc=0
  start_portico "$1" 2>/dev/null || { portico_log_tail 30; return 1; }
  run_bounded "$STEP_TIMEOUT" python3 "$CHECK" --url "$PORTICO_URL" --user checker --password "$CHECK_PW" \
    --out "$2" dir-snapshot || rc=$?
  stop_portico
  return $rc
}

ldap_part() {
  local slapd=$PORTICO_ROOT/conformance/slapd.sh r t0 delay pid rc out n_active changed mods live_partial=0
  export PORTICO_SLAPD_STATE=$WORK/slapd-state
  on_exit "$(printf %q "$slapd") stop"
  run_bounded 300 "$slapd" start >"$WORK/slapd.env" || { LDAP_NOTE="slapd did not start"; return 1; }
  # shellcheck disable=SC1091 # written by slapd.sh: export PORTICO_TEST_LDAP_*=… lines
  . "$WORK/slapd.env"
  cat >"$LDAP_CONF" <<EOF
[directory]
sync_interval_minutes = 0

[ldap]
url = "$PORTICO_TEST_LDAP_URL"
bind_dn = "$PORTICO_TEST_LDAP_BIND_DN"
bind_password = "$PORTICO_TEST_LDAP_BIND_PASSWORD"
base_dn = "$PORTICO_TEST_LDAP_BASE"
flavor = "openldap"
department_source = "ou"
department_ou_base = "ou=People,$PORTICO_TEST_LDAP_BASE"
disabled = { kind = "equals", attribute = "employeeType", value = "disabled" }
page_size = 200
EOF
  local L=(-x -o ldif-wrap=no -H "$PORTICO_TEST_LDAP_URL" -D "$PORTICO_TEST_LDAP_ADMIN_DN" -w "$PORTICO_TEST_LDAP_ADMIN_PASSWORD")
  ldapsearch -LLL "${L[@]}" -b "ou=People,$PORTICO_TEST_LDAP_BASE" \
    '(&(objectClass=inetOrgPerson)(!(employeeType=disabled)))' dn mail >"$WORK/people.ldif" ||
    { LDAP_NOTE="ldapsearch failed"; return 1; }
  n_active=$(grep -c '^mail: ' "$WORK/people.ldif")
  # 20 active people, spread over the company, whose title changes before every pass.
  awk '/^dn: /{dn=substr($0,5)} /^mail: /{print dn "\t" substr($0,7)}' "$WORK/people.ldif" | sort |
    awk -v n="$n_active" 'NR % int(n / 20) == 1' | head -n 20 >"$WORK/changed.tsv"
  changed=$(cut -f2 "$WORK/changed.tsv" | paste -sd, -)
  [ "$(wc -l <"$WORK/changed.tsv")" = 20 ] || { LDAP_NOTE="could not pick 20 people"; return 1; }
  log "slapd: $n_active active people; 20 of them change title before every pass"
  CHECK_PW=$(rand_hex 12)

  # Calibration in a throwaway data dir: the first import, a full pass and an incremental pass
  # of a directory that is up to date (the 20 changes of a round make them a little longer).
  local calib=$WORK/ldap-calib t_import t_full t_inc
  PORTICO_DATA=$calib add_user checker "$CHECK_PW" || { LDAP_NOTE="user add failed"; return 1; }
  t0=$(date +%s%N)
  out=$(run_bounded "$STEP_TIMEOUT" "${SYNC[@]}" --full --data "$calib" 2>&1) || { printf '%s\n' "$out" >&2; LDAP_NOTE="the calibration sync failed"; return 1; }
  t_import=$((($(date +%s%N) - t0) / 1000000)); t0=$(date +%s%N)
  out=$(run_bounded "$STEP_TIMEOUT" "${SYNC[@]}" --full --data "$calib" 2>&1) || { printf '%s\n' "$out" >&2; LDAP_NOTE="the calibration sync failed"; return 1; }
  t_full=$((($(date +%s%N) - t0) / 1000000)); t0=$(date +%s%N)
  out=$(run_bounded "$STEP_TIMEOUT" "${SYNC[@]}" --data "$calib" 2>&1) || { printf '%s\n' "$out" >&2; LDAP_NOTE="the calibration sync failed"; return 1; }
  t_inc=$((($(date +%s%N) - t0) / 1000000))
  rm -rf "$calib" "$calib.log"
  log "sync-ldap: first import ${t_import} ms, full pass ${t_full} ms, incremental pass ${t_inc} ms"

  # The server serves the data dir while the passes run and are killed (as with a cron job).
  local LDATA=$WORK/ldap-crash killed=0 finished=0 imported='' kind t
  PORTICO_DATA=$LDATA add_user checker "$CHECK_PW" || { LDAP_NOTE="user add failed"; return 1; }
  start_portico "$LDATA" 2>/dev/null || { portico_log_tail 30; LDAP_NOTE="the server did not start"; return 1; }
  for ((r = 1; r <= LDAP_ROUNDS; r++)); do
    mods=$WORK/round-$r.ldif
    while IFS=$'\t' read -r dn _; do
      printf 'dn: %s\nchangetype: modify\nreplace: title\ntitle: Crash title %d\n\n' "$dn" "$r"
    done <"$WORK/changed.tsv" >"$mods"
    ldapmodify "${L[@]}" -f "$mods" >/dev/null || { LDAP_NOTE="ldapmodify failed"; return 1; }
    # Round 1 kills the first import; then incremental and full passes in turn.
    if [ -z "$imported" ]; then kind=--full t=$t_import
    elif ((r % 2 == 0)); then kind='' t=$t_inc
    else kind=--full t=$t_full; fi
    # A random moment between 5% and 130% of the calibrated duration.
    delay=$(python3 -c 'import random, sys; print(f"{random.Random(sys.argv[1]).uniform(0.05, 1.3) * int(sys.argv[2]) / 1000:.3f}")' "$SEED-sync-$r" "$t")
    rc=0
    {
      "${SYNC[@]}" ${kind:+"$kind"} --data "$LDATA" >"$WORK/sync-$r.out" 2>&1 &
      pid=$!
      sleep "$delay"
      kill -KILL "$pid" 2>/dev/null || true
      wait "$pid" || rc=$?
    } 2>/dev/null   # not bash's "… Killed …" report
    case $rc in
      137) killed=$((killed + 1)); printf 'sync round %d: sync-ldap %s killed after %s s\n' "$r" "${kind:-(incremental)}" "$delay" ;;
      0) finished=$((finished + 1)); printf 'sync round %d: sync-ldap %s finished before the kill at %s s: %s\n' "$r" "${kind:-(incremental)}" "$delay" "$(tail -n 1 "$WORK/sync-$r.out")" ;;
      *) cat "$WORK/sync-$r.out" >&2; LDAP_NOTE="sync round $r: sync-ldap failed (status $rc)"; return 1 ;;
    esac
    # What the running server serves now (the books are rewritten card by card after the
    # pass's transaction, so a kill can leave them half done until the next pass or restart).
    run_bounded "$STEP_TIMEOUT" python3 "$CHECK" --url "$PORTICO_URL" --user checker --password "$CHECK_PW" \
      --out "$WORK/live-$r.json" dir-snapshot >/dev/null || { LDAP_NOTE="sync round $r: could not read the directory book"; return 1; }
    rc=0
    run_bounded "$STEP_TIMEOUT" python3 "$CHECK" --snapshot "$WORK/live-$r.json" --changed "$changed" --expect "$n_active" \
      --round "$r" ${imported:+--imported} --live ${STRICT:+--strict} dir-check >"$WORK/live-$r.check" || rc=$?
    cat "$WORK/live-$r.check"
    [ $rc = 0 ] || { LDAP_NOTE="sync round $r: the running server serves an inconsistent directory"; return 1; }
    grep -q 'NOTE' "$WORK/live-$r.check" && live_partial=$((live_partial + 1))
    # After a restart (which rebuilds the books from the employee records): all or nothing.
    stop_portico
    start_portico "$LDATA" 2>/dev/null || { portico_log_tail 30; LDAP_NOTE="sync round $r: the server did not restart"; return 1; }
    run_bounded "$STEP_TIMEOUT" python3 "$CHECK" --url "$PORTICO_URL" --user checker --password "$CHECK_PW" \
      --out "$WORK/snap-$r.json" dir-snapshot >/dev/null || { LDAP_NOTE="sync round $r: could not read the directory book"; return 1; }
    run_bounded "$STEP_TIMEOUT" python3 "$CHECK" --snapshot "$WORK/snap-$r.json" --changed "$changed" \
      --expect "$n_active" --round "$r" ${imported:+--imported} dir-check || { LDAP_NOTE="sync round $r: inconsistent after the kill and a restart"; return 1; }
    if [ -z "$imported" ]; then
      # The later rounds kill passes that update a complete directory: import it if the kill
      # stopped the first import.
      if grep -q '"cards": \[\]' "$WORK/snap-$r.json"; then
        out=$(run_bounded "$STEP_TIMEOUT" "${SYNC[@]}" --full --data "$LDATA" 2>&1) || { printf '%s\n' "$out" >&2; LDAP_NOTE="the first import failed"; return 1; }
        log "first import, to completion this time: $(tail -n 1 <<<"$out")"
      fi
      imported=1
    fi
  done
  stop_portico
  # To completion, then an incremental pass that must find nothing to do.
  out=$(run_bounded "$STEP_TIMEOUT" "${SYNC[@]}" --full --data "$LDATA" 2>&1) || { printf '%s\n' "$out" >&2; LDAP_NOTE="the completing full pass failed"; return 1; }
  log "completing pass: $(tail -n 1 <<<"$out")"
  out=$(run_bounded "$STEP_TIMEOUT" "${SYNC[@]}" --data "$LDATA" 2>&1) || { printf '%s\n' "$out" >&2; LDAP_NOTE="the incremental pass failed"; return 1; }
  log "incremental pass: $(tail -n 1 <<<"$out")"
  grep -q ' 0 created, 0 updated, 0 deactivated,' <<<"$out" || { printf 'FAIL: an incremental pass after the completed full pass still changed something: %s\n' "$(tail -n 1 <<<"$out")"; LDAP_NOTE="sync not idempotent after the crashes"; return 1; }
  # The reference: one clean full pass into a fresh data dir.
  PORTICO_DATA=$WORK/ldap-ref add_user checker "$CHECK_PW" || { LDAP_NOTE="user add failed"; return 1; }
  out=$(run_bounded "$STEP_TIMEOUT" "${SYNC[@]}" --full --data "$WORK/ldap-ref" 2>&1) || { printf '%s\n' "$out" >&2; LDAP_NOTE="the reference sync failed"; return 1; }
  log "reference pass: $(tail -n 1 <<<"$out")"
  serve_snapshot "$LDATA" "$WORK/snap-final.json" || { LDAP_NOTE="could not read the directory book"; return 1; }
  serve_snapshot "$WORK/ldap-ref" "$WORK/snap-ref.json" || { LDAP_NOTE="could not read the reference directory book"; return 1; }
  run_bounded "$STEP_TIMEOUT" python3 "$CHECK" dir-compare "$WORK/snap-final.json" "$WORK/snap-ref.json" ||
    { LDAP_NOTE="the directory differs from a clean full sync"; return 1; }
  # Users (the server's own list) and, once unreferenced blobs are gone, the stored photos.
  local d ok=1
  for d in "$LDATA" "$WORK/ldap-ref"; do
    "$PORTICO_BIN" user list --data "$d" | sort >"$d.users"
    run_bounded "$STEP_TIMEOUT" "$PORTICO_BIN" docs cleanup --grace-seconds 0 --data "$d" >/dev/null 2>&1 || { LDAP_NOTE="docs cleanup failed on $d"; return 1; }
    (cd "$d/blobs" && find sha256 trash tmp -type f | sort) >"$d.blobs"
  done
  if [ "$(cut -f1 "$LDATA.users" | sort | uniq -d | wc -l)" != 0 ]; then
    echo "FAIL: duplicate logins in portico user list after the crashes"; ok=0
  fi
  if ! diff -q "$LDATA.users" "$WORK/ldap-ref.users" >/dev/null; then
    echo "FAIL: portico user list differs from a clean full sync:"; diff "$LDATA.users" "$WORK/ldap-ref.users" | head -n 10; ok=0
  fi
  if ! diff -q "$LDATA.blobs" "$WORK/ldap-ref.blobs" >/dev/null; then
    echo "FAIL: after docs cleanup the blobs differ from a clean full sync's:"; diff "$LDATA.blobs" "$WORK/ldap-ref.blobs" | head -n 10; ok=0
  fi
  if grep -qv '^sha256/' "$LDATA.blobs"; then echo "FAIL: files left in blobs/tmp or blobs/trash: $(grep -v '^sha256/' "$LDATA.blobs" | head -n 3)"; ok=0; fi
  [ $ok = 1 ] || { LDAP_NOTE="users or photos differ from a clean full sync"; return 1; }
  printf 'sync: sync-ldap killed %d time(s) mid-pass (%d finished first; the running server showed a half-rewritten directory book after %d of them), all or nothing after a restart, then identical to a clean full sync: %d users (%d inactive), %d cards, %d photo blobs\n' \
    "$killed" "$finished" "$live_partial" "$(grep -c . "$LDATA.users")" "$(grep -c 'inactive$' "$LDATA.users")" "$n_active" "$(wc -l <"$LDATA.blobs")"
  local noted=''
  [ "$live_partial" = 0 ] || noted=", $live_partial half-rewritten book(s) noted"
  LDAP_NOTE="sync-ldap $((killed + finished)) rounds ($killed killed mid-pass$noted), then identical to a clean full sync"
}

drive_rc=0 ldap_rc=0
drive_part || drive_rc=$?
stop_portico
[ $drive_rc = 0 ] || FAILED+=("drive: $DRIVE_NOTE")
ldap_part || ldap_rc=$?
stop_portico
[ $ldap_rc = 0 ] || FAILED+=("sync: $LDAP_NOTE")

el=$(($(date +%s) - T0))
if [ ${#FAILED[@]} = 0 ]; then
  result "crash: OK in ${el}s — $DRIVE_NOTE; $LDAP_NOTE (seed $SEED)"
  exit 0
fi
[ "${PORTICO_KEEP_TMP:-0}" = 1 ] && log "data, logs and state kept in $WORK"
result "crash: FAILED — $(IFS='; '; echo "${FAILED[*]}") (CRASH_SEED=$SEED)"
exit 1
