#!/usr/bin/env bash
# Writes the build's version and git commit as a properties file (cli's pom runs it at
# generate-resources; `wallsync --version` prints it).
#   usage: scripts/build-info.sh VERSION SOURCE_ROOT OUT_FILE
# commit is `git rev-parse --short HEAD` of SOURCE_ROOT, with "-dirty" when tracked files differ
# from HEAD (untracked files do not count, as for `git describe --dirty`), or "unknown" when
# SOURCE_ROOT is not the top of a git work tree (a source tarball) or git is missing. Never fails
# for lack of git: a build from a tarball must work.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 VERSION SOURCE_ROOT OUT_FILE" >&2; exit 2; }
version=$1
root=$(cd "$2" && pwd -P)
out=$3
commit=unknown
if command -v git >/dev/null 2>&1; then
  # Only SOURCE_ROOT's own repository: a tarball unpacked inside another work tree must not report
  # that tree's commit.
  top=$(git -C "$root" rev-parse --show-toplevel 2>/dev/null || true)
  if [ -n "$top" ] && [ "$(cd "$top" && pwd -P)" = "$root" ] &&
      hash=$(git -C "$root" rev-parse --short HEAD 2>/dev/null); then
    commit=$hash
    # --no-optional-locks: no index refresh written, so parallel builds and read-only trees are fine.
    if [ -n "$(git -C "$root" --no-optional-locks status --porcelain --untracked-files=no 2>/dev/null)" ]; then
      commit="$commit-dirty"
    fi
  fi
fi
mkdir -p "$(dirname "$out")"
tmp="$out.tmp.$$"
printf 'version=%s\ncommit=%s\n' "$version" "$commit" >"$tmp"
mv "$tmp" "$out"
