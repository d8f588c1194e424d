#!/usr/bin/env bash
# Loopback NTP throughput/latency: wallsync ntp vs chronyd -x, same load generator, same client
# count, in the same run. Never touches this machine's clock: chronyd runs with -x (no clock
# control) from the unpacked package in .ci/tools (see .ci/run), with its own conf, pid and drift
# files in a temp dir and cmdport 0; wallsync ntp only reads the clock. Bounded: each measurement
# lasts SECONDS (default 5) and at most 20M requests; both servers are stopped by pid at the end.
#
#   scripts/ntp-bench.sh [CLIENTS] [SECONDS] [ROUNDS] [WALLSYNC_THREADS]
set -euo pipefail
root=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
clients=${1:-16}
seconds=${2:-5}
rounds=${3:-2}
threads=${4:-1}
chronyd=${WALLSYNC_CHRONYD:-$root/.ci/tools/chrony/usr/sbin/chronyd}
[ -x "$chronyd" ] || { echo "ntp-bench: no chronyd at $chronyd (run .ci/run or set WALLSYNC_CHRONYD)" >&2; exit 1; }
tmp=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
gcc -O2 -Wall -o "$tmp/ntpload" "$root/bench/src/main/c/ntpload.c"

chrony_port=11124
wallsync_port=11125
cat >"$tmp/chrony.conf" <<CONF
port $chrony_port
bindaddress 127.0.0.1
allow 127.0.0.1
local stratum 10
pidfile $tmp/chronyd.pid
driftfile $tmp/chrony.drift
cmdport 0
CONF
# -x: never control the clock; -d: foreground (we stop it by pid); -u root: no _chrony user here.
"$chronyd" -x -d -f "$tmp/chrony.conf" -u root >"$tmp/chronyd.log" 2>&1 &
pids+=($!)
"$root/wallsync" ntp --ntp "127.0.0.1:$wallsync_port" --local-stratum 10 --no-ratelimit --threads "$threads" \
  >"$tmp/wallsync.log" 2>&1 &
pids+=($!)
for _ in $(seq 600); do
  grep -q "serving domain" "$tmp/wallsync.log" 2>/dev/null && break
  sleep 0.2
done
grep -q "serving domain" "$tmp/wallsync.log" || { cat "$tmp/wallsync.log" >&2; exit 1; }
sleep 0.5

# Warm-up (JIT, caches) for both, then alternate the measured runs.
"$tmp/ntpload" $chrony_port "$clients" 1 20000000 >/dev/null
"$tmp/ntpload" $wallsync_port "$clients" 2 20000000 >/dev/null
echo "server   clients  $(printf '%s ' sent answered lost seconds rps p50_us p99_us p999_us max_us)"
for r in $(seq "$rounds"); do
  for s in chronyd:$chrony_port wallsync:$wallsync_port; do
    name=${s%%:*}
    port=${s##*:}
    line=$("$tmp/ntpload" "$port" "$clients" "$seconds" 20000000)
    echo "$name $clients $line" | tee -a "$tmp/results"
  done
done
awk '{ for (i = 3; i <= NF; i++) { split($i, kv, "="); v[$1, kv[1]] += kv[2] } n[$1]++ }
     END {
       cr = v["chronyd", "rps"] / n["chronyd"]; wr = v["wallsync", "rps"] / n["wallsync"];
       cp = v["chronyd", "p99_us"] / n["chronyd"]; wp = v["wallsync", "p99_us"] / n["wallsync"];
       printf "mean rps: chronyd %.0f, wallsync %.0f, ratio wallsync/chronyd %.2f\n", cr, wr, wr / cr;
       printf "mean p99: chronyd %.1f us, wallsync %.1f us, ratio wallsync/chronyd %.2f\n", cp, wp, wp / cp;
     }' "$tmp/results"
