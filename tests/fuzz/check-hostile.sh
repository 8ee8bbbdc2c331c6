#!/usr/bin/env bash
# Runs every hostile spec of a directory (gen-hostile.py) through
# faattn-compile and checks its outcome: bad-*.fa exits 1 with a
# `<file>:line:col: error:` diagnostic; ok-*.fa exits 0; neither crashes,
# hangs (10 s), aborts (LLVM ERROR, an assertion, a sanitizer) or writes to
# the output directory when rejected. Prints one line per failure and a
# summary; exits 1 when any failed.
# usage: check-hostile.sh <faattn-compile> <dir>
set -u
compile=$1 dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
total=0 failed=0
for f in "$dir"/*.fa; do
  total=$((total + 1))
  name=$(basename "$f")
  rm -rf "$work/out"
  timeout 10 "$compile" "$f" --emit=spec-json -o "$work/out" >/dev/null 2>"$work/err"
  rc=$?
  why=""
  if grep -qE "LLVM ERROR|Assertion|Stack dump|Sanitizer|PLEASE submit" "$work/err"; then
    why="aborted: $(head -c 200 "$work/err")"
  elif [[ $name == bad-* ]]; then
    if [[ $rc != 1 ]]; then
      why="exit $rc, expected 1"
    elif ! grep -qE "^$f:[0-9]+:[0-9]+: error: " "$work/err"; then
      why="no file:line:col error: $(head -c 200 "$work/err")"
    elif [[ -e $work/out ]]; then
      why="rejected, but wrote $work/out"
    fi
  elif [[ $rc != 0 ]]; then
    why="exit $rc, expected 0: $(head -c 200 "$work/err")"
  fi
  if [[ -n $why ]]; then
    failed=$((failed + 1))
    echo "FAIL $name: $why"
  fi
done
echo "hostile specs: $total run, $((total - failed)) as expected, $failed not"
[[ $failed == 0 && $total -ge 300 ]]
