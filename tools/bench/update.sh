#!/bin/sh
# Power cuts during field updates, in the emulator (make bench).
#
#   sh tools/bench/update.sh HOSTOUT [CUTS]
#
# Runs tests/e2e/update.sh on x86_64 with CUTS power cuts (default 50):
# QEMU is killed at a random moment of an install (copy, rename, restart
# into the trial, the trial proving itself) on the ext4 firmware
# partition, and booted again; each time the box must come back on a
# firmware that verifies, with frames on screen and its control socket
# answering. Prints a markdown table; the full log is HOSTOUT/bench/update.txt.
set -u
host=${1:?usage: sh tools/bench/update.sh HOSTOUT [CUTS]}
cuts=${2:-50}
cd "$(dirname "$0")/../.."
mkdir -p "$host/bench"
txt=$host/bench/update.txt
start=$(date +%s)
nice sh tests/e2e/update.sh x86_64 "$host" "$cuts" >"$txt" 2>&1
status=$?
secs=$(($(date +%s) - start))
back=$(grep -c '^ok .*power cut' "$txt")
lost=$(grep -c '^not ok .*power cut' "$txt")
on_new=$(grep '^ok .*power cut' "$txt" | grep -c 'from the trial slot')
on_cur=$(grep '^ok .*power cut' "$txt" | grep -c 'from the current slot')
other=$(grep -c '^not ok' "$txt")
echo "| power cuts during installs (x86_64 emulator, ext4) | value |"
echo "|---|---|"
echo "| cuts (QEMU killed at a random moment) | $cuts |"
echo "| boots that came back on a good firmware | $back |"
echo "| boots that did not | $lost |"
echo "| of those back: on the new release, still on trial | $on_new |"
echo "| of those back: on the current firmware (old, or new already proven) | $on_cur |"
echo "| other e2e checks failed | $other |"
echo "| wall time | $secs s |"
exit $status
