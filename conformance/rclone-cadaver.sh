#!/usr/bin/env bash
# conformance/rclone-cadaver.sh — file round trips through two real WebDAV clients, rclone and
# cadaver (both from Debian), against a fresh Portico.
#
# usage: conformance/rclone-cadaver.sh
#
# Starts Portico on a free loopback port with a temp data dir and a user `davclient`, generates a
# tree (nested folders, an empty file, names with spaces, a Unicode name, a 5 MiB random file),
# then for each client, in its own folder of the user's drive /docs/users/davclient/:
#   rclone   copy up, list (paths and sizes), copy down, compare sha256, purge
#            (WebDAV remote, vendor "other", configured only through RCLONE_CONFIG_PORTICO_* env
#            vars; no rclone.conf is read or written)
#   cadaver  one scripted session (commands on stdin, credentials from a .netrc in a temp HOME):
#            mkcol each folder, put each file, ls each folder (names and sizes checked), get each
#            file, compare sha256, rmcol
# Prints one summary line per client; exit 1 if anything differs or any step failed.
#
# Environment: CLIENT_TIMEOUT (seconds per client command, default 300), PORTICO_BIN,
# PORTICO_KEEP_TMP=1 (keep the trees, client logs, server data/log), DAV_URL/DAV_USER/DAV_PASS
# (test that server instead of a fresh Portico; see lib.sh).
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

T=${CLIENT_TIMEOUT:-300}
need_apt rclone cadaver curl
make_tmp WORK rclone-cadaver
dav_target davclient || { result "rclone-cadaver: FAILED — no server to test (see above)"; exit 1; }
export LC_ALL=C.UTF-8

# --- the test tree -----------------------------------------------------------------------------
SRC=$WORK/src
mkdir -p "$SRC/nested/a/b/c" "$SRC/folder with spaces" "$SRC/ünïcödé 日本語" "$SRC/big"
printf 'Portico round trip %s\n' "$(rand_hex 8)" >"$SRC/readme.txt"
: >"$SRC/empty.txt"
printf 'deep\n%.0s' {1..100} >"$SRC/nested/a/b/c/deep.txt"
printf 'spaces in both names\n' >"$SRC/folder with spaces/file with spaces.txt"
printf 'Grüße, ça va? 日本語 ✓\n' >"$SRC/ünïcödé 日本語/Grüße – ça va ✓.txt"
head -c 5242880 /dev/urandom >"$SRC/big/random-5MiB.bin"

# manifest DIR : "sha256  ./path" for every file, sorted
manifest() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum); }
# sizes DIR : "path;size" for every file, sorted
sizes() { (cd "$1" && find . -type f -printf '%P;%s\n' | sort); }

manifest "$SRC" >"$WORK/src.sha256"
sizes "$SRC" >"$WORK/src.sizes"
NFILES=$(wc -l <"$WORK/src.sizes")
NDIRS=$(cd "$SRC" && find . -mindepth 1 -type d | wc -l)
MIB=$(du -sb "$SRC" | awk '{printf "%.1f", $1 / 1048576}')
TREE="$NFILES files in $NDIRS folders, $MIB MiB"
log "tree: $TREE; server: $DAV_URL"

FAILED=
# fail STAGE : remember where a client failed (the first failure wins), return 1
fail() { FAILED=${FAILED:-$1}; return 1; }
# run LOG CMD... : run a client command with a time limit, output appended to LOG
run() { local l=$1; shift; echo "### $*" >>"$l"; run_bounded "$T" "$@" >>"$l" 2>&1; }
show_log() { log "last lines of $1:"; grep -av '^###' "$1" | tail -n "${2:-15}" | cut -c1-200 | sed 's/^/    | /' >&2; }

# --- rclone ------------------------------------------------------------------------------------
rclone_roundtrip() {
  local l=$WORK/rclone.log R dst=$WORK/dst-rclone
  R=portico:rclone-$(rand_hex 4)
  local o=(--retries 1 --low-level-retries 1 -v)
  export RCLONE_CONFIG=/dev/null RCLONE_CONFIG_PORTICO_TYPE=webdav RCLONE_CONFIG_PORTICO_URL=$DAV_URL \
    RCLONE_CONFIG_PORTICO_VENDOR=other
  if [ -n "$DAV_USER" ]; then
    export RCLONE_CONFIG_PORTICO_USER=$DAV_USER
    RCLONE_CONFIG_PORTICO_PASS=$(rclone obscure "$DAV_PASS") || fail "rclone obscure" || return 1
    export RCLONE_CONFIG_PORTICO_PASS
  fi
  run "$l" rclone copy "${o[@]}" "$SRC" "$R" || fail upload || return 1
  run_bounded "$T" rclone lsf -R --files-only --format ps --separator ';' "$R" >"$WORK/rclone.list" 2>>"$l" ||
    fail list || return 1
  if ! sort "$WORK/rclone.list" | diff "$WORK/src.sizes" - >>"$l"; then
    fail "list: paths or sizes differ (diff in log)" || return 1
  fi
  run "$l" rclone copy "${o[@]}" "$R" "$dst" || fail download || return 1
  manifest "$dst" >"$WORK/rclone.sha256"
  diff "$WORK/src.sha256" "$WORK/rclone.sha256" >>"$l" || fail "sha256 differs (diff in log)" || return 1
  run "$l" rclone purge "${o[@]}" "$R" || fail delete || return 1
  run_bounded "$T" rclone lsf --dirs-only portico: >"$WORK/rclone.after" 2>>"$l" || fail "list after delete" || return 1
  ! grep -qxF "${R#portico:}/" "$WORK/rclone.after" || fail "folder still listed after purge" || return 1
}

# --- cadaver -----------------------------------------------------------------------------------
# cq STRING : STRING double-quoted for cadaver's command line (our names contain no '"' or '\').
cq() { printf '"%s"' "$1"; }

cadaver_roundtrip() {
  local l=$WORK/cadaver.log base dst=$WORK/dst-cadaver home=$WORK/cadaver-home
  base=cadaver-$(rand_hex 4)
  local d f host
  mkdir -p "$home" "$dst"
  if [ -n "$DAV_USER" ]; then
    host=$(printf '%s' "$DAV_URL" | sed -E 's#^[A-Za-z]+://([^/:]+).*#\1#')
    printf 'machine %s\nlogin %s\npassword %s\n' "$host" "$DAV_USER" "$DAV_PASS" >"$home/.netrc"
    chmod 600 "$home/.netrc"
  fi
  local dirs=() files=()
  while IFS= read -r -d '' d; do dirs+=("$d"); done < <(cd "$SRC" && find . -mindepth 1 -type d -printf '%P\0' | sort -z)
  while IFS= read -r -d '' f; do files+=("$f"); done < <(cd "$SRC" && find . -type f -printf '%P\0' | sort -z)
  {
    echo "mkcol $(cq "$base")"
    echo "cd $(cq "$base")"
    for d in "${dirs[@]}"; do echo "mkcol $(cq "$d")"; done
    for f in "${files[@]}"; do echo "put $(cq "$SRC/$f") $(cq "$f")"; done
    echo "ls"
    for d in "${dirs[@]}"; do echo "ls $(cq "$d")"; mkdir -p "$dst/$d"; done
    for f in "${files[@]}"; do echo "get $(cq "$f") $(cq "$dst/$f")"; done
    echo "cd .."
    echo "rmcol $(cq "$base")"
    echo "quit"
  } >"$WORK/cadaver.cmds"
  # HOME: cadaver reads ~/.netrc (and ~/.cadaverrc); the real home stays untouched.
  HOME=$home run "$l" cadaver "$DAV_URL" <"$WORK/cadaver.cmds" || fail "cadaver session (exit status)" || return 1

  # cadaver exits 0 even when commands fail; it reports "... failed:" followed by the reason, or
  # "Could not open collection:" (and then refuses every command) when the URL does not work.
  local errs='failed|Could not|not WebDAV-enabled|Unauthorized|only be used when connected'
  if grep -aqE "$errs" "$l"; then
    grep -aE -A1 "$errs" "$l" | head -n 20 | cut -c1-200 | sed 's/^/    | /' >&2
    fail "a cadaver command failed" || return 1
  fi
  # Every file must be listed by `ls` of its folder with its size. Listing lines look like
  #   Listing collection `/docs/users/davclient/cadaver-1a2b/folder with spaces/': succeeded.
  #           file with spaces.txt                   21  Nov 23 18:44
  awk -v base="/$base/" -v sizes="$WORK/src.sizes" '
    BEGIN { FS = "\n"; while ((getline line < sizes) > 0) { n = split(line, p, ";"); want[p[1]] = p[2] } }
    /^Listing collection `/ {
      dir = $0; sub(/^Listing collection `/, "", dir); sub(/'"'"': .*$/, "", dir)
      i = index(dir, base); dir = i ? substr(dir, i + length(base)) : "?"
      inlist = 1
      next
    }
    /^dav:/ { inlist = 0 }
    inlist && /^        / {
      entry = substr($0, 9)
      for (path in want) {
        rel = path; name = path; folder = ""
        if (match(path, /.*\//)) { folder = substr(path, 1, RLENGTH); name = substr(path, RLENGTH + 1) }
        if (folder != dir || index(entry, name) != 1) continue
        rest = substr(entry, length(name) + 1)
        if (rest ~ "^ +" want[path] " ") seen[path] = 1
      }
    }
    END { for (path in want) if (!(path in seen)) { print "not listed with its size: " path; bad = 1 }; exit bad }
  ' "$l" >"$WORK/cadaver.listcheck" 2>&1
  local lrc=$?
  cat "$WORK/cadaver.listcheck" >>"$l"
  if [ $lrc != 0 ]; then
    sed 's/^/    | /' "$WORK/cadaver.listcheck" >&2
    fail "ls: names or sizes missing" || return 1
  fi

  manifest "$dst" >"$WORK/cadaver.sha256"
  diff "$WORK/src.sha256" "$WORK/cadaver.sha256" >>"$l" || fail "sha256 differs (diff in log)" || return 1
  grep -aq "^Deleting collection \`$base': succeeded" "$l" || fail "rmcol" || return 1
}

# --- run both, report --------------------------------------------------------------------------
bad=0 line=()
FAILED=
if rclone_roundtrip; then
  echo "rclone:  OK — $TREE: upload, list (paths+sizes), download, sha256 identical, purge"
  line+=("rclone OK")
else
  echo "rclone:  FAILED at: $FAILED"
  show_log "$WORK/rclone.log"
  line+=("rclone FAILED ($FAILED)"); bad=1
fi
FAILED=
if cadaver_roundtrip; then
  echo "cadaver: OK — $TREE: mkcol, put, ls (names+sizes), get, sha256 identical, rmcol"
  line+=("cadaver OK")
else
  echo "cadaver: FAILED at: $FAILED"
  show_log "$WORK/cadaver.log"
  line+=("cadaver FAILED ($FAILED)"); bad=1
fi
if [ $bad = 1 ]; then
  if [ -n "${PORTICO_LOG:-}" ]; then log "last lines of the server log ($PORTICO_LOG):"; portico_log_tail 30; fi
  [ "${PORTICO_KEEP_TMP:-0}" = 1 ] && log "client logs and trees kept in $WORK"
fi
result "rclone-cadaver: ${line[0]}, ${line[1]} — $TREE"
exit $bad
