#!/usr/bin/env bash
# conformance/vdirsyncer-contacts.sh — vdirsyncer 0.21 two-way sync of a personal CardDAV
# address book (the user's `contacts` book, discovered from the server root) with a local vdir
# of .vcf files: twice, create a card locally → sync → it is on the server; change it on the
# server (PUT with If-Match) → sync → the local file follows; delete it locally → sync → gone
# from the server. Also checks the read-only company directory book syncs down.
# usage: conformance/vdirsyncer-contacts.sh     (exit 1 on any mismatch)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
VENV=$(need_venv vdirsyncer vdirsyncer==0.21.0)
make_tmp WORK vdirsyncer-contacts
start_portico "$WORK/data"
add_user vcs vcs-pw --email vcs@example.test
ROOT=$PORTICO_URL/
BOOK=$PORTICO_URL/dav/addressbooks/vcs/contacts
VDIR=$WORK/vdir
mkdir -p "$VDIR" "$WORK/status"
cat >"$WORK/config" <<CONF
[general]
status_path = "$WORK/status/"

[pair portico]
a = "local"
b = "server"
collections = ["contacts", "directory"]

[storage local]
type = "filesystem"
path = "$VDIR/"
fileext = ".vcf"

[storage server]
type = "carddav"
url = "$ROOT"
username = "vcs"
password = "vcs-pw"
CONF
export VDIRSYNCER_CONFIG=$WORK/config
PASSED=0 FAILED=0
check() { if "$@"; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); log "FAILED: $*"; fi; }
printf 'y\n%.0s' {1..20} >"$WORK/yes"   # answers to `vdirsyncer discover`'s "create it?" prompts
vds() { run_bounded 120 "$VENV/bin/vdirsyncer" "$@" <"$WORK/yes" >>"$WORK/vdirsyncer.log" 2>&1; }
on_server() { curl -s -o /dev/null -w '%{http_code}' -u vcs:vcs-pw "$BOOK/$1"; }

check vds discover
check vds sync
check test -d "$VDIR/contacts"
check test -d "$VDIR/directory"
# A card that stays: vdirsyncer refuses to sync a storage that was emptied completely.
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:keeper\r\nFN:Kept Person\r\nN:Person;Kept;;;\r\nEND:VCARD\r\n' >"$VDIR/contacts/keeper.vcf"
check vds sync
check test "$(on_server keeper.vcf)" = 200


for round in 1 2; do
  uid=card-$round-$(rand_hex 4)
  printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:%s\r\nFN:Round %s Person\r\nN:Person;Round %s;;;\r\nEMAIL;TYPE=INTERNET:r%s@example.test\r\nEND:VCARD\r\n' \
    "$uid" "$round" "$round" "$round" >"$VDIR/contacts/$uid.vcf"
  check vds sync
  check test "$(on_server "$uid.vcf")" = 200
  etag=$(curl -s -D - -o /dev/null -u vcs:vcs-pw "$BOOK/$uid.vcf" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')
  changed=$(printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nUID:%s\r\nFN:Round %s Renamed\r\nN:Renamed;Round %s;;;\r\nEND:VCARD\r\n' "$uid" "$round" "$round")
  code=$(curl -s -o /dev/null -w '%{http_code}' -u vcs:vcs-pw -X PUT -H "If-Match: $etag" -H 'Content-Type: text/vcard' --data-binary "$changed" "$BOOK/$uid.vcf")
  check test "$code" = 204
  check vds sync
  check grep -q "Round $round Renamed" "$VDIR/contacts/$uid.vcf"
  rm -f "$VDIR/contacts/$uid.vcf"
  check vds sync
  check test "$(on_server "$uid.vcf")" = 404
done
# A second sync with nothing changed changes nothing.
before=$(find "$VDIR" -type f | sort | xargs -r sha256sum | sha256sum)
check vds sync
check test "$before" = "$(find "$VDIR" -type f | sort | xargs -r sha256sum | sha256sum)"

[ "$FAILED" = 0 ] || { tail -n 30 "$WORK/vdirsyncer.log" >&2; portico_log_tail 20; }
result "vdirsyncer-contacts: $PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
