#!/usr/bin/env bash
# usage: with-tmpfs.sh <size> <dir> <command>...
# Mounts a tmpfs of <size> at <dir> (created), runs the command, lists what
# the tmpfs holds afterwards (find, sorted) after a "--- tmpfs:" line,
# unmounts it and exits with the command's status.
size=$1 dir=$2
shift 2
mkdir -p "$dir"
mount -t tmpfs -o "size=$size" tmpfs "$dir" || exit 99
"$@"
rc=$?
echo "--- tmpfs:"
(cd "$dir" && find . -mindepth 1 | sort)
umount "$dir"
exit $rc
