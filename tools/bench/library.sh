#!/bin/sh
# The library: search time over 20,000 tracks (against strcasestr() on
# the same index) and scan time for 10,000 small files in folders on
# tmpfs (against a bare nftw() walk), as markdown tables
# (tools/bench/library_bench.c says what each figure is). Host only.
#
#   sh tools/bench/library.sh HOSTOUT [TRACKS] [FILES]
#
# The bench is compiled with the firmware's flags against its own copies
# of fw/library.c, fw/scan.c, fw/store.c and fw/tags.c, so it times the code the box
# runs. The tree goes to /dev/shm (tmpfs) when it is there, else TMPDIR.
set -eu
out=${1:?usage: sh tools/bench/library.sh HOSTOUT [TRACKS] [FILES]}
tracks=${2:-20000}
files=${3:-10000}
cd "$(dirname "$0")/../.."
cc=${CC:-gcc}
flags="-std=c11 -D_GNU_SOURCE -O2 -g -I. -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes"
mkdir -p "$out/bench"
# shellcheck disable=SC2086
$cc $flags -o "$out/bench/library_bench" tools/bench/library_bench.c fw/library.c fw/scan.c \
	fw/store.c fw/tags.c fw/arena.c fw/log.c fw/guard.c -lpthread -lm

base=/dev/shm
[ -d "$base" ] && [ -w "$base" ] || base=${TMPDIR:-/tmp}
tree=$(mktemp -d "$base/slipmat-bench-XXXXXX")
trap 'rm -rf "$tree"' EXIT
# 100 folders of files/100 each: 9 of 10 tracks (wav, flac, mp3), 1 of 10 cover art.
i=0
while [ $i -lt 100 ]; do
	mkdir -p "$tree/crate$i"
	i=$((i + 1))
done
awk -v n="$files" -v d="$tree" 'BEGIN {
	split("wav flac mp3 aiff wav flac mp3 flac wav jpg", ext, " ");
	for (i = 0; i < n; i++) printf "%s/crate%d/Track %05d.%s\n", d, i % 100, i, ext[i % 10 + 1];
}' | while IFS= read -r f; do : >"$f"; done
"$out/bench/library_bench" "$tracks" "$tree" 2>/dev/null

# Instructions per search (callgrind, one round of the 31 searches): the
# same index, each function measured on its own.
if command -v valgrind >/dev/null; then
	cg=$(mktemp)
	trap 'rm -rf "$tree" "$cg"' EXIT
	echo
	echo "| search over $tracks tracks | instructions per search, callgrind |"
	echo "|---|---:|"
	for f in library_search search_ref; do
		valgrind --tool=callgrind --callgrind-out-file="$cg" --toggle-collect="$f" \
			"$out/bench/library_bench" "$tracks" - 1 >/dev/null 2>&1
		total=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$cg")
		[ -n "$total" ] || total=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$cg")
		case $f in
		library_search) what="slipmat \`library_search()\`" ;;
		*) what="strcasestr() on title and artist" ;;
		esac
		echo "| $what | $((${total:-0} / 31)) |"
	done
fi
