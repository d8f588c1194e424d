#!/bin/sh
# Builds the preload library of `wallsync run`: build.sh OUT_DIR [CC]
# Called by the cli module's Maven build (generate-resources); usable as is by a package build.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1
cc=${2:-${CC:-gcc}}
mkdir -p "$out"
"$cc" -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -fPIC -shared -fvisibility=hidden \
  -Wl,-z,relro,-z,now -Wl,--as-needed -I "$here/../../include" \
  "$here/wallsync_preload.c" -o "$out/libwallsync-preload.so.tmp" -ldl -lpthread
mv -f "$out/libwallsync-preload.so.tmp" "$out/libwallsync-preload.so"
