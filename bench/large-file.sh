#!/usr/bin/env bash
# bench/large-file.sh — PUT and GET one large file through Portico's WebDAV drive and print
# throughput and the server's peak RSS (VmHWM). A benchmark, not a test: it asserts nothing.
#
# usage: bench/large-file.sh [SIZE_MIB]     (default 2048 = 2 GiB)
# Builds the release binary (or uses $PORTICO_BIN), starts a fresh server on a free loopback port with its data in a
# temp dir, uploads SIZE_MIB of data with curl, downloads it again, compares checksums.
# Goal: peak RSS under 64 MiB at any file size (bodies are streamed, never buffered whole).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SIZE_MIB=${1:-2048}
cd "$ROOT"
if [ -z "${PORTICO_BIN:-}" ]; then cargo build --release --bin portico >&2; fi
BIN=${PORTICO_BIN:-$ROOT/target/release/portico}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/portico-bench.XXXXXX")
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PORTICO_ADMIN_PASSWORD=bench "$BIN" serve --data "$WORK/data" --listen "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
echo -n bench | "$BIN" user add bench --password-stdin --data "$WORK/data" >/dev/null
URL="http://127.0.0.1:$PORT/docs/users/bench/big.bin"
head -c "$((SIZE_MIB * 1024 * 1024))" /dev/urandom >"$WORK/big.bin"
SRC_SUM=$(sha256sum "$WORK/big.bin" | cut -d' ' -f1)
rss() { awk '/^VmHWM/ {print int($2/1024)}' "/proc/$PID/status"; }
echo "server RSS before: $(awk '/^VmRSS/ {print int($2/1024)}' "/proc/$PID/status") MiB"
PUT_S=$(curl -sS -u bench:bench -T "$WORK/big.bin" -o /dev/null -w '%{time_total}' "$URL")
GET_S=$(curl -sS -u bench:bench -o "$WORK/back.bin" -w '%{time_total}' "$URL")
BACK_SUM=$(sha256sum "$WORK/back.bin" | cut -d' ' -f1)
[ "$SRC_SUM" = "$BACK_SUM" ] && CHECK=identical || CHECK=DIFFERENT
awk -v mib="$SIZE_MIB" -v put="$PUT_S" -v get="$GET_S" -v peak="$(rss)" -v check="$CHECK" 'BEGIN {
  printf "file: %d MiB (%s after round trip)\n", mib, check
  printf "PUT: %.2f s, %.0f MiB/s\n", put, mib / put
  printf "GET: %.2f s, %.0f MiB/s\n", get, mib / get
  printf "server peak RSS (VmHWM): %d MiB (goal: < 64 MiB)\n", peak
}'
