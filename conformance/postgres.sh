#!/usr/bin/env bash
# conformance/postgres.sh — a throwaway PostgreSQL cluster for tests.
#
# usage: conformance/postgres.sh start|stop|url|status
#   start   install Debian's postgresql if needed (without its default cluster), create a new
#           cluster in a temp dir under ${TMPDIR:-/tmp} (owned by user postgres), start it on a free
#           port on 127.0.0.1 with durability off (fsync, synchronous_commit, full_page_writes;
#           PORTICO_PG_DURABLE=1 keeps it),
#           create role and database `portico` (the role may CREATEDB, for per-test databases).
#           The last line on stdout is the URL: postgres://portico:PASSWORD@127.0.0.1:PORT/portico
#           If the cluster is already running, just prints the URL again.
#   stop    stop the cluster and delete its directory (no-op if none is running)
#   url     print the URL of the running cluster (exit 1 if none)
#   status  print "running" or "stopped" (exit 1 when stopped)
#
# Environment:
#   PORTICO_PG_STATE  where the state (cluster dir, port, URL) is kept so that `stop` finds the
#                     cluster again (default ${TMPDIR:-/tmp}/portico-postgres-state); give each
#                     concurrent user its own
#   PG_BIN            PostgreSQL's bin dir (default: newest /usr/lib/postgresql/*/bin)
#   PORTICO_PG_DURABLE=1  keep PostgreSQL's durability (fsync, synchronous commits, full page
#                     writes) on, as a benchmark against SQLite with synchronous=FULL needs
#
# Needs root (we are root on the test machines): the server runs as user postgres via runuser.
# The superuser `postgres` is reachable without password only through the cluster's private
# unix socket dir, e.g.  runuser -u postgres -- "$PG_BIN/psql" -h CLUSTER/run -p PORT -U postgres
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATE=${PORTICO_PG_STATE:-${TMPDIR:-/tmp}/portico-postgres-state}

pg_bin() {
  if [ -n "${PG_BIN:-}" ]; then printf '%s\n' "$PG_BIN"; return; fi
  local d
  d=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$d" ] || [ ! -x "$d/initdb" ]; then
    log "no PostgreSQL server found under /usr/lib/postgresql/*/bin"
    return 1
  fi
  printf '%s\n' "$d"
}

# as_pg CMD... : run CMD as user postgres from a directory it can read (no "could not change
# directory to /root" noise).
as_pg() { (cd "$CLUSTER" && runuser -u postgres -- "$@"); }

load_state() {
  [ -f "$STATE/cluster" ] || return 1
  CLUSTER=$(cat "$STATE/cluster"); PORT=$(cat "$STATE/port"); URL=$(cat "$STATE/url"); BIN=$(cat "$STATE/bin")
}

running() { load_state && [ -d "$CLUSTER/data" ] && as_pg "$BIN/pg_ctl" -D "$CLUSTER/data" status >/dev/null 2>&1; }

cmd_stop() {
  if load_state; then
    if [ -d "$CLUSTER/data" ]; then
      as_pg "$BIN/pg_ctl" -D "$CLUSTER/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
    fi
    case $CLUSTER in
      "${TMPDIR:-/tmp}"/portico-pg.*) rm -rf "$CLUSTER" ;;
      *) log "not deleting unexpected cluster dir $CLUSTER" ;;
    esac
    log "PostgreSQL on port $PORT stopped"
  fi
  rm -rf "$STATE"
}

cmd_start() {
  if running; then log "already running on port $PORT"; printf '%s\n' "$URL"; return 0; fi
  [ -f "$STATE/cluster" ] && { log "removing a stale cluster"; cmd_stop; }
  [ "$(id -u)" = 0 ] || die "must run as root (the cluster runs as user postgres via runuser)"
  need_postgresql
  BIN=$(pg_bin)

  CLUSTER=$(mktemp -d "${TMPDIR:-/tmp}/portico-pg.XXXXXX")
  mkdir -p "$STATE" "$CLUSTER/run"
  chmod 700 "$STATE"
  printf '%s\n' "$CLUSTER" >"$STATE/cluster"
  printf '%s\n' "$BIN" >"$STATE/bin"
  chown -R postgres:postgres "$CLUSTER"
  chmod 700 "$CLUSTER"
  runuser -u postgres -- test -w "$CLUSTER" ||
    die "user postgres cannot write $CLUSTER (is TMPDIR=${TMPDIR:-/tmp} readable by others?)"

  as_pg "$BIN/initdb" -D "$CLUSTER/data" -U postgres -A trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C --no-sync >"$CLUSTER/initdb.log" 2>&1 ||
    { tail -n 20 "$CLUSTER/initdb.log" >&2; die "initdb failed"; }

  local ok=0 _ DURABILITY="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "${PORTICO_PG_DURABLE:-0}" = 1 ] && DURABILITY=""
  for _ in 1 2 3; do
    PORT=$(free_port)
    if as_pg "$BIN/pg_ctl" -D "$CLUSTER/data" -l "$CLUSTER/postgres.log" -w -t 60 -o \
      "-p $PORT -k '$CLUSTER/run' -c listen_addresses=127.0.0.1 -c unix_socket_permissions=0700 $DURABILITY -c max_connections=200" \
      start >/dev/null 2>&1; then
      ok=1; break
    fi
    grep -qi 'could not bind\|already in use' "$CLUSTER/postgres.log" 2>/dev/null || break
    log "port $PORT was taken meanwhile; retrying"
  done
  printf '%s\n' "$PORT" >"$STATE/port"
  if [ $ok != 1 ]; then
    tail -n 20 "$CLUSTER/postgres.log" >&2 || true
    printf '%s\n' "-" >"$STATE/url"
    cmd_stop
    die "PostgreSQL failed to start"
  fi

  local pw
  pw=$(rand_hex 16)
  URL="postgres://portico:$pw@127.0.0.1:$PORT/portico"
  printf '%s\n' "$URL" >"$STATE/url"
  as_pg "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$CLUSTER/run" -p "$PORT" -U postgres -d postgres \
    -c "CREATE ROLE portico LOGIN CREATEDB PASSWORD '$pw'" \
    -c "CREATE DATABASE portico OWNER portico" >/dev/null ||
    { cmd_stop; die "could not create role/database portico"; }

  log "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') up on 127.0.0.1:$PORT (cluster $CLUSTER, pid $(head -n 1 "$CLUSTER/data/postmaster.pid"))"
  printf '%s\n' "$URL"
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  url) running || die "no cluster running (state: $STATE)"; printf '%s\n' "$URL" ;;
  status) if running; then echo running; else echo stopped; exit 1; fi ;;
  *) echo "usage: $0 start|stop|url|status" >&2; exit 2 ;;
esac
