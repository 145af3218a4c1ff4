#!/usr/bin/env bash
# conformance/samba-ad.sh — the LDAP sync scenario against a real Active Directory: a Samba AD DC.
#
# usage: conformance/samba-ad.sh [run|start|stop|env|status]
#   run     (default) start, run the sync integration test (connectors/ldap_sync/tests/slapd.rs) with
#           the Active Directory flavour against it, stop; exit status is the test's
#   start   install Debian's samba (AD DC) and ldap-utils if needed, provision a new domain CORP.TEST
#           (NetBIOS CORP, base DC=corp,DC=test, no DNS) into a temp dir — never /etc/samba —, bound
#           to the loopback interface only, with `ldap server require strong auth = no` so that
#           simple binds over plain LDAP work; start it and load the same generated company as
#           conformance/slapd.sh (conformance/ldap/gen_company.py --flavor ad: 1,200 users in 35
#           department OUs under OU=People, managers, ~1% disabled via userAccountControl, groups),
#           plus a read-only service account and a test user with passwords. Prints the export lines.
#   stop    stop Samba and delete its directory
#   env     print the export lines (PORTICO_TEST_LDAP_* as for slapd.sh, FLAVOR=active_directory)
#   status  print "running" or "stopped" (exit 1 when stopped)
#
# Ports: Samba's are fixed — 389 (LDAP), 636 (LDAPS), 88/464 (Kerberos), 135 and 49152+ (RPC),
# 3268/3269 (global catalog) on 127.0.0.1 — so only one such DC can run per machine, and nothing
# else may listen on 389. That is why this script is not part of scripts/test; run it by hand:
#     conformance/samba-ad.sh            # ~2-4 minutes: provision, load, test, stop
#
# Environment:
#   PORTICO_SAMBA_STATE  where the state is kept (default ${TMPDIR:-/tmp}/portico-samba-state)
#   LDAP_EMPLOYEES       people to generate (default 1200)
#   CARGO                the cargo command for `run` (default cargo)
#
# Needs root (installs packages; Samba's DC must run as root).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATE=${PORTICO_SAMBA_STATE:-${TMPDIR:-/tmp}/portico-samba-state}
REALM=CORP.TEST
DOMAIN=CORP
BASE="DC=corp,DC=test"
ADMIN_PW='Adm1n-Passw0rd!'
SERVICE=svc-portico
SERVICE_PW='Sync-Passw0rd!'
TEST_USER=tuser
TEST_USER_PW='Test-Passw0rd!1'

load_state() {
  [ -f "$STATE/dir" ] || return 1
  DIR=$(cat "$STATE/dir")
}
running() { load_state && [ -s "$DIR/samba.pid" ] && kill -0 "$(cat "$DIR/samba.pid")" 2>/dev/null; }

print_env() {
  cat <<EOF
export PORTICO_TEST_LDAP_URL=ldap://127.0.0.1
export PORTICO_TEST_LDAP_FLAVOR=active_directory
export PORTICO_TEST_LDAP_BASE=$BASE
export PORTICO_TEST_LDAP_BIND_DN=$SERVICE@corp.test
export PORTICO_TEST_LDAP_BIND_PASSWORD=$SERVICE_PW
export PORTICO_TEST_LDAP_ADMIN_DN=Administrator@corp.test
export PORTICO_TEST_LDAP_ADMIN_PASSWORD=$ADMIN_PW
export PORTICO_TEST_LDAP_USER=$TEST_USER
export PORTICO_TEST_LDAP_USER_PASSWORD=$TEST_USER_PW
EOF
}

cmd_stop() {
  if load_state; then
    if [ -s "$DIR/samba.pid" ]; then
      local pid i
      pid=$(cat "$DIR/samba.pid")
      # TERM to the root `samba` process ends its forked workers too.
      if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 150; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
      fi
    fi
    case $DIR in
      "${TMPDIR:-/tmp}"/portico-samba.*) rm -rf "$DIR" ;;
      *) log "not deleting unexpected directory $DIR" ;;
    esac
    log "Samba AD DC stopped"
  fi
  rm -rf "$STATE"
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

cmd_start() {
  if running; then log "already running"; print_env; return 0; fi
  [ -f "$STATE/dir" ] && { log "removing a stale DC"; cmd_stop; }
  [ "$(id -u)" = 0 ] || die "must run as root (Samba's DC does)"
  need_apt samba samba-ad-dc samba-ad-provision samba-dsdb-modules winbind ldap-utils python3
  port_busy 389 && die "127.0.0.1:389 is in use (another LDAP server or Samba DC?); Samba cannot use another port"

  DIR=$(mktemp -d "${TMPDIR:-/tmp}/portico-samba.XXXXXX")
  mkdir -p "$STATE"
  chmod 700 "$STATE"
  printf '%s\n' "$DIR" >"$STATE/dir"
  local smbconf=$DIR/etc/smb.conf t0
  t0=$(date +%s)
  # Always pass -s: without it samba-tool reads /etc/samba/smb.conf (another domain, or none).
  if ! samba-tool domain provision --realm="$REALM" --domain="$DOMAIN" --server-role=dc --dns-backend=NONE \
    --adminpass="$ADMIN_PW" --targetdir="$DIR" --host-name=dc1 --host-ip=127.0.0.1 \
    --option="interfaces=lo" --option="bind interfaces only=yes" >"$DIR/provision.log" 2>&1; then
    tail -n 20 "$DIR/provision.log" >&2
    cmd_stop
    die "samba-tool domain provision failed"
  fi
  log "provisioned $REALM in $(($(date +%s) - t0))s"
  mkdir -p "$DIR/log" "$DIR/run"
  # Keep every path inside $DIR, run only what LDAP needs, allow simple binds without TLS
  # (the --option of the provision does not persist that one).
  sed -i -e '/^[[:space:]]*\(server services\|log file\)[[:space:]]*=/d' "$smbconf"
  sed -i -e "/^\[global\]/a\\
\tserver services = rpc, ldap, cldap, kdc, drepl, kcc\\
\tldap server require strong auth = no\\
\tpid directory = $DIR/run\\
\tncalrpc dir = $DIR/run/ncalrpc\\
\twinbindd socket directory = $DIR/run/winbindd\\
\tdisable netbios = yes\\
\tsmb ports = 10445\\
\tlog file = $DIR/log/log.%m" "$smbconf"

  t0=$(date +%s)
  samba -F --debug-stdout -d 1 -s "$smbconf" >"$DIR/samba.log" 2>&1 </dev/null &
  printf '%s\n' "$!" >"$DIR/samba.pid"
  local i ok=0
  for ((i = 0; i < 600; i++)); do
    if ldapsearch -x -H ldap://127.0.0.1 -s base -b "" defaultNamingContext >/dev/null 2>&1; then ok=1; break; fi
    running || break
    sleep 0.2
  done
  if [ $ok != 1 ]; then
    tail -n 30 "$DIR/samba.log" >&2
    cmd_stop
    die "Samba did not answer LDAP"
  fi
  log "Samba answering LDAP after $(($(date +%s) - t0))s"

  local st=(-s "$smbconf" -H ldap://127.0.0.1 -U "Administrator%$ADMIN_PW")
  samba-tool user create "$SERVICE" "$SERVICE_PW" --description="Portico directory sync" "${st[@]}" >/dev/null
  # Service and test passwords must not expire during the test.
  samba-tool user setexpiry "$SERVICE" --noexpiry "${st[@]}" >/dev/null

  t0=$(date +%s)
  python3 "$PORTICO_ROOT/conformance/ldap/gen_company.py" --flavor ad --base "$BASE" \
    --employees "${LDAP_EMPLOYEES:-1200}" >"$DIR/company.ldif" 2>"$DIR/gen.log" ||
    { cat "$DIR/gen.log" >&2; cmd_stop; die "gen_company.py failed"; }
  if ! ldapmodify -x -H ldap://127.0.0.1 -D "Administrator@corp.test" -w "$ADMIN_PW" -f "$DIR/company.ldif" \
    >"$DIR/load.log" 2>&1; then
    tail -n 20 "$DIR/load.log" >&2
    cmd_stop
    die "loading the company failed"
  fi
  samba-tool user create "$TEST_USER" "$TEST_USER_PW" --given-name=Test --surname=User \
    --mail-address="$TEST_USER@corp.test" --job-title="Junior Support Agent" \
    --userou="OU=Tier 1,OU=Support,OU=People" "${st[@]}" >/dev/null
  log "$(sed 's/^gen_company: //' "$DIR/gen.log") loaded in $(($(date +%s) - t0))s (pid $(cat "$DIR/samba.pid"), dir $DIR)"
  print_env
}

cmd_run() {
  on_exit cmd_stop
  # Only this DC's variables: no LDAPS URL or CA left over from a slapd in the environment.
  unset PORTICO_TEST_LDAPS_URL PORTICO_TEST_LDAP_CA_FILE
  eval "$(cmd_start)"
  local rc=0
  (cd "$PORTICO_ROOT" && ${CARGO:-cargo} test -p ldap_sync --test slapd -- --nocapture --test-threads=1) || rc=$?
  if [ $rc = 0 ]; then result "samba-ad: OK — sync scenario passed against Samba $(samba --version | awk '{print $2}')"; else result "samba-ad: FAILED (cargo test exit $rc)"; fi
  return $rc
}

case ${1:-run} in
  run) cmd_run ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  env) running || die "no Samba DC running (state: $STATE)"; print_env ;;
  status) if running; then echo running; else echo stopped; exit 1; fi ;;
  *) echo "usage: $0 [run|start|stop|env|status]" >&2; exit 2 ;;
esac
