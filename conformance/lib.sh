# shellcheck shell=bash
# conformance/lib.sh — shared helpers for the conformance suites and scripts/test.
#
# Source it from a bash script that has already done `set -euo pipefail`:
#     . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# What it gives you:
#   log MSG… / die MSG…          messages on stderr, prefixed with the time and the script name
#   on_exit CMD…                 run CMD when the script exits (LIFO; also on Ctrl-C / SIGTERM)
#   make_tmp VAR NAME            create a private temp dir under ${TMPDIR:-/tmp}, store its path in
#                                VAR; removed on exit (kept if PORTICO_KEEP_TMP=1)
#   need_apt PKG…                apt-get install the Debian packages that are missing
#   need_postgresql              install Debian's postgresql without its default cluster
#   need_venv NAME SPEC…         a Python venv under $PORTICO_TOOLS with SPECs pip-installed;
#                                prints its path
#   run_bounded SECONDS CMD…     run CMD with a time limit, killable by Ctrl-C/SIGTERM of the script
#   rand_hex [BYTES]             random hex string
#   free_port                    a TCP port on 127.0.0.1 that the kernel says is free
#   wait_http URL [TIMEOUT] [PID]  wait until URL answers 2xx/3xx (give up if PID dies)
#   start_portico DATA_DIR       start `$PORTICO_BIN serve` on a free loopback port; exports
#                                PORTICO_URL, PORTICO_PID, PORTICO_LOG, PORTICO_DATA; stopped on exit
#   stop_portico                 stop it now
#   add_user LOGIN PASSWORD [ARG…]  `portico user add` (password on stdin)
#   portico_log_tail [N]         last N lines of the server log, on stderr
#   dav_target LOGIN             a WebDAV URL to test: sets DAV_URL DAV_USER DAV_PASS (see below)
#   result LINE                  print a suite's one-line result (and hand it to scripts/test)
#
# Environment:
#   PORTICO_BIN       server binary (default: <repo>/target/debug/portico)
#   PORTICO_TOOLS     cache for venvs and other tools (default: ~/.cache/portico-tools)
#   PORTICO_KEEP_TMP  1 = keep temp dirs (server data, logs, client output) for debugging
#   PORTICO_START_TIMEOUT  seconds to wait for /healthz (default 60)
#   DAV_URL, DAV_USER, DAV_PASS  run a suite against an already running WebDAV server instead of
#                     starting Portico (e.g. a reference server, for a side-by-side comparison)
#
# Servers bind 127.0.0.1 only. Everything a script creates lives under ${TMPDIR:-/tmp}.

PORTICO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PORTICO_BIN=${PORTICO_BIN:-$PORTICO_ROOT/target/debug/portico}
case $PORTICO_BIN in /*) ;; *) PORTICO_BIN=$PWD/$PORTICO_BIN ;; esac   # suites cd elsewhere
PORTICO_TOOLS=${PORTICO_TOOLS:-${HOME:-/root}/.cache/portico-tools}
export PORTICO_ROOT PORTICO_BIN PORTICO_TOOLS
export DEBIAN_FRONTEND=noninteractive
_LIB_TAG=$(basename "$0" .sh)

log() { printf '[%s %s] %s\n' "$(date +%H:%M:%S)" "$_LIB_TAG" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------------------------------------
# Cleanup on exit. Handlers run last-registered-first, each one guarded so that one failing
# handler does not skip the others. INT/TERM/HUP turn into a normal exit so the EXIT trap runs.
_LIB_CLEANUP=()
on_exit() { _LIB_CLEANUP+=("$*"); }
_lib_run_cleanup() {
  local rc=$? i
  set +e
  _lib_kill_bounded
  for ((i = ${#_LIB_CLEANUP[@]} - 1; i >= 0; i--)); do
    eval "${_LIB_CLEANUP[i]}"
  done
  _LIB_CLEANUP=()
  return "$rc"
}
trap _lib_run_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# make_tmp VAR NAME : create a temp dir and store its path in VAR; removed on exit unless
# PORTICO_KEEP_TMP=1. (Not `$(make_tmp …)`: a command substitution is a subshell, and the cleanup
# it registered would be lost.)
make_tmp() {
  local _d
  _d=$(mktemp -d "${TMPDIR:-/tmp}/portico-$2.XXXXXX") || return 1
  if [ "${PORTICO_KEEP_TMP:-0}" = 1 ]; then
    on_exit "log $(printf %q "kept $_d")"
  else
    on_exit "rm -rf $(printf %q "$_d")"
  fi
  printf -v "$1" '%s' "$_d"
}

# ---------------------------------------------------------------------------------------------
# Tools

_pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# need_apt PKG... : install the Debian packages that are missing. `apt-get update` runs at most once
# per scripts/test run (and only when something is missing). Waits for a concurrent apt/dpkg.
need_apt() {
  local missing=() p out
  for p in "$@"; do _pkg_installed "$p" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    log "missing Debian packages: ${missing[*]} (run as root, or: apt-get install ${missing[*]})"
    return 1
  fi
  local aptopts=(-q -o DPkg::Lock::Timeout=600)
  if [ "${_PORTICO_APT_UPDATED:-0}" != 1 ]; then
    log "apt-get update"
    local i
    for i in 1 2 3 4 5; do
      out=$(apt-get "${aptopts[@]}" update 2>&1) && break
      [ "$i" = 5 ] && { printf '%s\n' "$out" | tail -n 20 >&2; log "apt-get update failed"; return 1; }
      log "apt-get update failed (attempt $i; apt busy?), retrying in 10s"; sleep 10
    done
    export _PORTICO_APT_UPDATED=1
  fi
  log "apt-get install ${missing[*]}"
  if ! out=$(apt-get "${aptopts[@]}" install -y --no-install-recommends "${missing[@]}" 2>&1); then
    printf '%s\n' "$out" | tail -n 30 >&2
    log "apt-get install ${missing[*]} failed"
    return 1
  fi
}

# need_postgresql : Debian's postgresql, without the default cluster the package would otherwise
# create and start (create_main_cluster = false must be set BEFORE the package is installed).
need_postgresql() {
  _pkg_installed postgresql && return 0
  if [ "$(id -u)" = 0 ]; then
    local conf=/etc/postgresql-common/createcluster.conf
    mkdir -p "$(dirname "$conf")" || return 1
    if ! grep -qsE '^[[:space:]]*create_main_cluster[[:space:]]*=[[:space:]]*false' "$conf"; then
      if grep -qsE '^[[:space:]]*create_main_cluster' "$conf"; then
        sed -i -E 's/^[[:space:]]*create_main_cluster.*/create_main_cluster = false/' "$conf" || return 1
      else
        echo 'create_main_cluster = false' >>"$conf" || return 1
      fi
    fi
  fi
  need_apt postgresql
}

# need_venv NAME SPEC... : a venv at $PORTICO_TOOLS/venv-NAME with the pip SPECs installed
# (re-installed only when the SPEC list changes). Prints the venv path.
need_venv() {
  local name=$1; shift
  local v=$PORTICO_TOOLS/venv-$name
  mkdir -p "$PORTICO_TOOLS" || return 1
  if [ ! -x "$v/bin/python" ]; then
    if ! python3 -m venv "$v" >/dev/null 2>&1; then
      rm -rf "$v"
      need_apt python3-venv || return 1
      python3 -m venv "$v" || return 1
    fi
  fi
  if [ ! -e "$v/.portico-specs" ] || [ "$(cat "$v/.portico-specs")" != "$*" ]; then
    log "pip install $* (venv $name)"
    "$v/bin/pip" install -q --disable-pip-version-check "$@" >&2 || return 1
    printf '%s' "$*" >"$v/.portico-specs"
  fi
  printf '%s\n' "$v"
}

# run_bounded SECONDS CMD... : run CMD (stdin, stdout and stderr as given to run_bounded) under
# `timeout`, as a background job that we wait for, so that Ctrl-C or SIGTERM of the script is
# handled at once (bash defers traps while a foreground child runs) and the command and its
# children (timeout's process group) are terminated. Returns CMD's status (124 on timeout).
_LIB_BOUNDED_PID=
run_bounded() {
  local secs=$1 rc=0; shift
  timeout -k 10 "$secs" "$@" <&0 &
  _LIB_BOUNDED_PID=$!
  wait "$_LIB_BOUNDED_PID" || rc=$?
  _LIB_BOUNDED_PID=
  return "$rc"
}
_lib_kill_bounded() {
  local pid=$_LIB_BOUNDED_PID
  [ -n "$pid" ] || return 0
  _LIB_BOUNDED_PID=
  kill -TERM "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

rand_hex() { od -An -tx1 -N"${1:-16}" /dev/urandom | tr -d ' \n'; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_http URL [TIMEOUT_S] [PID] : wait until URL answers with a 2xx/3xx status.
# Fails after TIMEOUT_S (default 30), or at once if PID is given and that process has exited.
wait_http() {
  local url=$1 timeout=${2:-30} pid=${3:-} deadline
  deadline=$(($(date +%s) + timeout))
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    if [ "$(date +%s)" -ge "$deadline" ]; then log "$url not up after ${timeout}s"; return 1; fi
    sleep 0.2
  done
}

# ---------------------------------------------------------------------------------------------
# Portico

PORTICO_PID=

# start_portico DATA_DIR : start `$PORTICO_BIN serve --data DATA_DIR --listen 127.0.0.1:PORT` in
# the background with a random PORTICO_ADMIN_PASSWORD (exported, so callers can use it), wait for
# /healthz, export PORTICO_URL (http://127.0.0.1:PORT) and friends. The server is stopped on exit.
# The server log is DATA_DIR.log (next to the data dir).
# start_portico DATA_DIR: `portico serve` on a free loopback port; PORTICO_SERVE_ARGS adds words
# to its command line (e.g. "--demo --demo-size 3000").
start_portico() {
  local data=${1:?usage: start_portico DATA_DIR} port attempt
  if [ ! -x "$PORTICO_BIN" ]; then
    log "no server binary at $PORTICO_BIN: run 'cargo build' first (or set PORTICO_BIN)"
    return 1
  fi
  need_apt curl || return 1
  mkdir -p "$data" || return 1
  PORTICO_DATA=$(cd "$data" && pwd)
  PORTICO_LOG=$PORTICO_DATA.log
  export PORTICO_ADMIN_PASSWORD=${PORTICO_ADMIN_PASSWORD:-$(rand_hex 12)}
  export PORTICO_DATA PORTICO_LOG
  if [ -z "${_LIB_STOP_REGISTERED:-}" ]; then on_exit stop_portico; _LIB_STOP_REGISTERED=1; fi
  for attempt in 1 2 3; do
    port=$(free_port) || return 1
    echo "--- $(date '+%F %T') portico serve --listen 127.0.0.1:$port (attempt $attempt)" >>"$PORTICO_LOG"
    # shellcheck disable=SC2086 # PORTICO_SERVE_ARGS is a list of extra words (e.g. "--demo")
    NO_COLOR=1 "$PORTICO_BIN" serve --data "$PORTICO_DATA" --listen "127.0.0.1:$port" ${PORTICO_SERVE_ARGS:-} >>"$PORTICO_LOG" 2>&1 &
    PORTICO_PID=$!
    echo "--- pid $PORTICO_PID" >>"$PORTICO_LOG"
    if wait_http "http://127.0.0.1:$port/healthz" "${PORTICO_START_TIMEOUT:-60}" "$PORTICO_PID"; then
      export PORTICO_URL=http://127.0.0.1:$port PORTICO_PORT=$port PORTICO_PID
      log "Portico up at $PORTICO_URL (pid $PORTICO_PID, data $PORTICO_DATA, log $PORTICO_LOG)"
      return 0
    fi
    # Someone may have grabbed the port between free_port and bind: try another one.
    if ! kill -0 "$PORTICO_PID" 2>/dev/null && tail -n 20 "$PORTICO_LOG" | grep -qi 'address already in use\|addrinuse'; then
      log "port $port was taken meanwhile; retrying"
      stop_portico
      continue
    fi
    break
  done
  log "Portico failed to start; last lines of $PORTICO_LOG:"
  portico_log_tail 40
  stop_portico
  return 1
}

# start_smtp_sink MAILDIR : a real SMTP server (aiosmtpd, python/smtp_sink.py) on a free loopback
# port, writing each accepted message to MAILDIR; exports SMTP_PORT and SMTP_SINK_PID, and the
# PORTICO_SMTP__URL / PORTICO_SMTP__FROM a Portico started afterwards sends through. It is stopped
# on exit (or with stop_smtp_sink; start it again on the same port with start_smtp_sink).
SMTP_SINK_PID=
start_smtp_sink() {
  local dir=${1:?usage: start_smtp_sink MAILDIR} venv i
  venv=$(need_venv smtp aiosmtpd==1.4.6) || return 1
  SMTP_PORT=${SMTP_PORT:-$(free_port)}
  mkdir -p "$dir"
  "$venv/bin/python" "$PORTICO_ROOT/conformance/python/smtp_sink.py" "$SMTP_PORT" "$dir" >>"$dir.log" 2>&1 &
  SMTP_SINK_PID=$!
  if [ -z "${_LIB_SINK_REGISTERED:-}" ]; then on_exit stop_smtp_sink; _LIB_SINK_REGISTERED=1; fi
  export SMTP_PORT SMTP_SINK_PID PORTICO_SMTP__URL="smtp://127.0.0.1:$SMTP_PORT" PORTICO_SMTP__FROM=calendar@example.test
  for ((i = 0; i < 100; i++)); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $SMTP_PORT), 1)" 2>/dev/null && return 0
    sleep 0.1
  done
  log "the SMTP sink did not start:"
  cat "$dir.log" >&2
  return 1
}
stop_smtp_sink() {
  [ -n "${SMTP_SINK_PID:-}" ] || return 0
  kill "$SMTP_SINK_PID" 2>/dev/null || true
  wait "$SMTP_SINK_PID" 2>/dev/null || true
  SMTP_SINK_PID=
}

# stop_portico : stop the server started by start_portico (only that pid): TERM, then KILL after 10s.
stop_portico() {
  local pid=${PORTICO_PID:-} i
  [ -n "$pid" ] || return 0
  PORTICO_PID=
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      log "Portico (pid $pid) ignored SIGTERM for 10s; killing it"
      kill -KILL "$pid" 2>/dev/null
    fi
  fi
  wait "$pid" 2>/dev/null || true
}

# portico_log_tail [N] : the last N (default 30) lines of the server log, indented, on stderr.
portico_log_tail() {
  [ -n "${PORTICO_LOG:-}" ] && [ -f "$PORTICO_LOG" ] || return 0
  tail -n "${1:-30}" "$PORTICO_LOG" | sed -e $'s/\x1b\\[[0-9;]*m//g' -e 's/^/    | /' >&2
}

# add_user LOGIN PASSWORD [ARG...] : create a user in the server's data dir (extra ARGs go to
# `portico user add`, e.g. --email E --name "First Last"). Needs start_portico first.
add_user() {
  local login=${1:?usage: add_user LOGIN PASSWORD} password=${2:?usage: add_user LOGIN PASSWORD} out
  shift 2
  [ -n "${PORTICO_DATA:-}" ] || { log "add_user: start_portico first"; return 1; }
  if ! out=$(printf '%s' "$password" | "$PORTICO_BIN" user add "$login" --password-stdin --data "$PORTICO_DATA" "$@" 2>&1); then
    printf '%s\n' "$out" | sed 's/^/    | /' >&2
    log "portico user add $login failed"
    return 1
  fi
}

# dav_target LOGIN : decide which WebDAV server a suite talks to and export DAV_URL, DAV_USER and
# DAV_PASS. If DAV_URL is already set, that server is used as is (DAV_USER/DAV_PASS optional);
# otherwise a fresh Portico is started in a temp dir with user LOGIN, and DAV_URL is LOGIN's drive
# http://127.0.0.1:PORT/docs/users/LOGIN/.
dav_target() {
  local login=${1:?usage: dav_target LOGIN} tmp
  if [ -n "${DAV_URL:-}" ]; then
    export DAV_URL DAV_USER=${DAV_USER:-} DAV_PASS=${DAV_PASS:-}
    log "using the server at $DAV_URL (DAV_URL is set; not starting Portico)"
    return 0
  fi
  make_tmp tmp "$login-server" || return 1
  start_portico "$tmp/data" || return 1
  DAV_USER=$login
  DAV_PASS=$(rand_hex 12)
  add_user "$DAV_USER" "$DAV_PASS" || return 1
  export DAV_URL=$PORTICO_URL/docs/users/$login/ DAV_USER DAV_PASS
}

# result LINE : print a suite's one-line result; scripts/test shows it in its summary table.
result() {
  printf '%s\n' "$*"
  if [ -n "${PORTICO_RESULT_FILE:-}" ]; then printf '%s\n' "$*" >>"$PORTICO_RESULT_FILE"; fi
}
