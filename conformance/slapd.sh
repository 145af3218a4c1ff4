#!/usr/bin/env bash
# conformance/slapd.sh — a throwaway OpenLDAP server with a generated company, for the LDAP sync tests.
#
# usage: conformance/slapd.sh start|stop|env|status
#   start   install Debian's slapd and ldap-utils if needed (debconf preseeded so that the package
#           creates no system instance; the system's /etc/ldap is never touched), write a private
#           slapd.conf (mdb backend, suffix dc=corp,dc=test, core/cosine/nis/inetorgperson schemas,
#           memberof overlay, TLS with a CA and server certificate generated for 127.0.0.1) into a
#           temp dir, start slapd on two free loopback ports (ldap:// with StartTLS, and ldaps://),
#           and load the company from conformance/ldap/gen_company.py (1,200 people, 35 departments
#           in 9 divisions as OUs under ou=People, managers, ~1% disabled with "employeeType:
#           disabled", groups). Prints the `export …` lines of `env` on stdout. If the server is
#           already running, just prints them again.
#   stop    stop slapd and delete its directory (no-op if none is running)
#   env     print the export lines for the running server (exit 1 if none):
#             PORTICO_TEST_LDAP_URL, _LDAPS_URL, _CA_FILE    ldap://127.0.0.1:PORT, ldaps://…, the CA (PEM)
#             PORTICO_TEST_LDAP_FLAVOR=openldap, _BASE       dc=corp,dc=test
#             PORTICO_TEST_LDAP_BIND_DN, _BIND_PASSWORD      the read-only service account
#             PORTICO_TEST_LDAP_ADMIN_DN, _ADMIN_PASSWORD    the rootdn (the test changes entries with it)
#             PORTICO_TEST_LDAP_USER, _USER_PASSWORD         a person to test password logins with
#   status  print "running" or "stopped" (exit 1 when stopped)
#
# Environment:
#   PORTICO_SLAPD_STATE  where the state (server dir, ports) is kept so that `stop` finds the server
#                        again (default ${TMPDIR:-/tmp}/portico-slapd-state)
#   LDAP_EMPLOYEES       people to generate (default 1200)
#
# Needs root to install the packages (we are root on the test machines); slapd itself runs as the
# calling user. Every person's password is "pw-<uid>".
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STATE=${PORTICO_SLAPD_STATE:-${TMPDIR:-/tmp}/portico-slapd-state}
BASE="dc=corp,dc=test"
ADMIN_DN="cn=admin,$BASE"
SERVICE_DN="cn=portico,ou=Services,$BASE"
SERVICE_PW=portico-sync

load_state() {
  [ -f "$STATE/dir" ] || return 1
  DIR=$(cat "$STATE/dir")
  PORT=$(cat "$STATE/port" 2>/dev/null || echo 0)
  TLS_PORT=$(cat "$STATE/tls_port" 2>/dev/null || echo 0)
}

running() { load_state && [ -s "$DIR/slapd.pid" ] && kill -0 "$(cat "$DIR/slapd.pid")" 2>/dev/null; }

print_env() {
  local admin_pw user
  admin_pw=$(cat "$DIR/admin_password")
  user=$(cat "$DIR/test_user")
  cat <<EOF
export PORTICO_TEST_LDAP_URL=ldap://127.0.0.1:$PORT
export PORTICO_TEST_LDAPS_URL=ldaps://127.0.0.1:$TLS_PORT
export PORTICO_TEST_LDAP_CA_FILE=$DIR/tls/ca.pem
export PORTICO_TEST_LDAP_FLAVOR=openldap
export PORTICO_TEST_LDAP_BASE=$BASE
export PORTICO_TEST_LDAP_BIND_DN=$SERVICE_DN
export PORTICO_TEST_LDAP_BIND_PASSWORD=$SERVICE_PW
export PORTICO_TEST_LDAP_ADMIN_DN=$ADMIN_DN
export PORTICO_TEST_LDAP_ADMIN_PASSWORD=$admin_pw
export PORTICO_TEST_LDAP_USER=$user
export PORTICO_TEST_LDAP_USER_PASSWORD=pw-$user
EOF
}

# need_slapd : Debian's slapd without the default instance its postinst would otherwise create
# (slapd/no_configuration must be preseeded BEFORE the package is installed).
need_slapd() {
  if ! _pkg_installed slapd && [ "$(id -u)" = 0 ]; then
    need_apt debconf-utils || return 1
    echo "slapd slapd/no_configuration boolean true" | debconf-set-selections || return 1
  fi
  need_apt slapd ldap-utils openssl python3
}

cmd_stop() {
  if load_state; then
    if [ -s "$DIR/slapd.pid" ]; then
      local pid i
      pid=$(cat "$DIR/slapd.pid")
      if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
      fi
    fi
    case $DIR in
      "${TMPDIR:-/tmp}"/portico-slapd.*) rm -rf "$DIR" ;;
      *) log "not deleting unexpected server dir $DIR" ;;
    esac
    log "slapd on port $PORT stopped"
  fi
  rm -rf "$STATE"
}

# make_tls DIR : a CA and a server certificate for 127.0.0.1 / localhost, valid for a year.
make_tls() {
  local d=$1/tls
  mkdir -p "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=Portico test LDAP CA" \
    -keyout "$d/ca.key" -out "$d/ca.pem" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' >"$d/ext.cnf"
  openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 365 \
    -extfile "$d/ext.cnf" -out "$d/server.pem" 2>/dev/null
  chmod 600 "$d/server.key" "$d/ca.key"
}

write_config() {
  local admin_pw=$1
  cat >"$DIR/slapd.conf" <<CONF
# Private test instance written by conformance/slapd.sh.
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
pidfile $DIR/slapd.conf.pid
argsfile $DIR/slapd.args
TLSCACertificateFile $DIR/tls/ca.pem
TLSCertificateFile $DIR/tls/server.pem
TLSCertificateKeyFile $DIR/tls/server.key
sizelimit 500

database mdb
maxsize 268435456
suffix "$BASE"
rootdn "$ADMIN_DN"
rootpw $admin_pw
directory $DIR/db
index objectClass,uid,entryUUID eq
overlay memberof
# The sync account reads everything but passwords, without the default size limit (the sync
# pages through all people); people can read the directory and bind with their password.
limits dn.exact="$SERVICE_DN" size=unlimited time=unlimited
access to attrs=userPassword by self write by anonymous auth by * none
access to * by dn.exact="$SERVICE_DN" read by users read by * none
CONF
}

cmd_start() {
  if running; then log "already running on port $PORT"; print_env; return 0; fi
  [ -f "$STATE/dir" ] && { log "removing a stale server"; cmd_stop; }
  need_slapd
  local slapd=/usr/sbin/slapd
  [ -x "$slapd" ] || die "no $slapd after installing slapd"

  DIR=$(mktemp -d "${TMPDIR:-/tmp}/portico-slapd.XXXXXX")
  mkdir -p "$STATE" "$DIR/db"
  chmod 700 "$STATE" "$DIR"
  printf '%s\n' "$DIR" >"$STATE/dir"
  local admin_pw
  admin_pw=$(rand_hex 12)
  printf '%s' "$admin_pw" >"$DIR/admin_password"
  make_tls "$DIR" || { cmd_stop; die "could not create the TLS certificates"; }
  write_config "$admin_pw"
  slaptest -u -f "$DIR/slapd.conf" >"$DIR/slaptest.log" 2>&1 || { cat "$DIR/slaptest.log" >&2; cmd_stop; die "slaptest failed"; }

  local ok=0 _ pid i
  for _ in 1 2 3; do
    PORT=$(free_port)
    TLS_PORT=$(free_port)
    [ "$PORT" != "$TLS_PORT" ] || continue
    # -d 0: stay in the foreground, so that the pid we record is the server's.
    "$slapd" -d 0 -h "ldap://127.0.0.1:$PORT/ ldaps://127.0.0.1:$TLS_PORT/" -f "$DIR/slapd.conf" \
      >"$DIR/slapd.log" 2>&1 </dev/null &
    pid=$!
    printf '%s\n' "$pid" >"$DIR/slapd.pid"
    for ((i = 0; i < 150; i++)); do
      if ldapsearch -x -H "ldap://127.0.0.1:$PORT" -s base -b "" namingContexts >/dev/null 2>&1; then ok=1; break; fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    [ $ok = 1 ] && break
    kill -0 "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
    grep -qi 'address already in use' "$DIR/slapd.log" || break
    log "port $PORT or $TLS_PORT was taken meanwhile; retrying"
  done
  printf '%s\n' "$PORT" >"$STATE/port"
  printf '%s\n' "$TLS_PORT" >"$STATE/tls_port"
  if [ $ok != 1 ]; then
    tail -n 20 "$DIR/slapd.log" >&2 || true
    cmd_stop
    die "slapd failed to start"
  fi

  local t0 ldif="$DIR/company.ldif"
  t0=$(date +%s)
  python3 "$PORTICO_ROOT/conformance/ldap/gen_company.py" --flavor openldap --base "$BASE" \
    --employees "${LDAP_EMPLOYEES:-1200}" >"$ldif" 2>"$DIR/gen.log" ||
    { cat "$DIR/gen.log" >&2; cmd_stop; die "gen_company.py failed"; }
  if ! ldapadd -x -H "ldap://127.0.0.1:$PORT" -D "$ADMIN_DN" -w "$admin_pw" -f "$ldif" >"$DIR/load.log" 2>&1; then
    tail -n 20 "$DIR/load.log" >&2
    cmd_stop
    die "loading the company failed"
  fi
  # A person who is not a manager and not disabled, for the login tests.
  ldapsearch -x -LLL -H "ldap://127.0.0.1:$PORT" -D "$ADMIN_DN" -w "$admin_pw" -b "ou=People,$BASE" \
    '(&(objectClass=inetOrgPerson)(title=Junior*)(!(employeeType=disabled)))' uid |
    awk '/^uid: /{print $2; exit}' >"$DIR/test_user"
  [ -s "$DIR/test_user" ] || { cmd_stop; die "no test user found in the generated company"; }
  log "slapd $("$slapd" -VV 2>&1 | awk '/slapd/{print $4; exit}') up on 127.0.0.1:$PORT (ldaps $TLS_PORT, dir $DIR, pid $(cat "$DIR/slapd.pid")); $(sed 's/^gen_company: //' "$DIR/gen.log") loaded in $(($(date +%s) - t0))s"
  print_env
}

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  env) running || die "no slapd running (state: $STATE)"; print_env ;;
  status) if running; then echo running; else echo stopped; exit 1; fi ;;
  *) echo "usage: $0 start|stop|env|status" >&2; exit 2 ;;
esac
