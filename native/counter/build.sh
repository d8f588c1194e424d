#!/bin/sh
# Builds the TSC helper of the Java client (TscCounter, docs/counter.md): build.sh OUT_DIR [CC]
# Called by the client module's Maven build (generate-resources); usable as is by a package build.
# On a machine that is not x86_64 the library still builds: its functions report -EOPNOTSUPP.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1
cc=${2:-${CC:-gcc}}
mkdir -p "$out"
"$cc" -std=c11 -O2 -Wall -Wextra -Werror -fPIC -shared -fvisibility=hidden \
  -Wl,-z,relro,-z,now -Wl,--as-needed \
  "$here/wallsync_counter.c" -o "$out/libwallsync-counter.so.tmp"
mv -f "$out/libwallsync-counter.so.tmp" "$out/libwallsync-counter.so"
