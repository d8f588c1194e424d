#!/bin/sh
# Builds wallsync's freestanding KVM guests: build.sh OUT_DIR SRC_DIR NAME...  (run by Maven).
# Each NAME.c in SRC_DIR is linked with this directory's start.S and guest.c into OUT_DIR/NAME.elf.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1; src=$2; shift 2
mkdir -p "$out"
CFLAGS="-O2 -ffreestanding -nostdlib -nostdinc -fno-builtin -mno-sse -mno-mmx -mno-avx -mgeneral-regs-only
 -mno-red-zone -fno-pic -fno-pie -no-pie -static -fno-stack-protector -fno-asynchronous-unwind-tables
 -mcmodel=small -Wall -Werror -I$here"
for name in "$@"; do
  ${CC:-gcc} $CFLAGS -T "$here/guest.ld" -Wl,--build-id=none -o "$out/$name.elf" \
    "$here/start.S" "$here/guest.c" "$src/$name.c"
done
