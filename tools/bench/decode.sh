#!/bin/sh
# Decode speed in times real time: slipmat's decoders (hand-written FLAC,
# libmpg123 for MP3) against the reference command-line decoders on the
# same files in one run: `flac -d` (libFLAC, MD5 checked by both) and
# `mpg123 -w`. Each decoder runs as its own process on one file at a time,
# the references writing their WAV to a scratch file, ours keeping the
# stereo floats it makes for a deck; the best of RUNS wall times counts
# (the host is shared: the best run is the least disturbed). Then
# instruction counts from callgrind, which no other job disturbs.
# Markdown tables come out.
#
#   sh tools/bench/decode.sh HOSTOUT [RUNS]
#
# Files: FLACs from ../shared/testdata/flac (16-bit CD, 24-bit 96 kHz,
# 5.1, variable block size) and a 3-minute music FLAC made here from the
# shared demo MP3 (flac -8), and the shared MP3s. Missing shared data:
# those rows are left out, said so.
set -eu
out=${1:?usage: sh tools/bench/decode.sh HOSTOUT [RUNS]}
runs=${2:-5}
cd "$(dirname "$0")/../.."
for tool in flac mpg123; do
	command -v $tool >/dev/null || { echo "decode bench: $tool is missing (make deps installs it)" >&2; exit 1; }
done
cc=${CC:-gcc}
flags="-std=c11 -D_GNU_SOURCE -O2 -g -I. -ffp-contract=off -DSLIPMAT_GUARD_ABORT=0"
mkdir -p "$out/bench"
# shellcheck disable=SC2086
$cc $flags -o "$out/bench/decode_bench" tools/bench/decode_bench.c fw/decode.c fw/decode_md5.c \
	fw/wav.c fw/aiff.c fw/flac.c fw/mp3.c fw/guard.c fw/log.c $(pkg-config --libs libmpg123) -lm
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

now() { date +%s.%N; }
# best RUNS COMMAND...: the shortest wall time of RUNS runs, in seconds.
best() {
	n=$1
	shift
	b=
	i=0
	while [ $i -lt "$n" ]; do
		t0=$(now)
		"$@" >/dev/null 2>&1 || { echo fail; return; }
		t=$(echo "$(now) - $t0" | bc -l)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc -l)" = 1 ]; then b=$t; fi
		i=$((i + 1))
	done
	echo "$b"
}
xrt() { # SECONDS_OF_AUDIO WALL
	case $2 in fail) echo "fails" ;; *) printf '%.0f' "$(echo "$1 / $2" | bc -l)" ;; esac
}

data=../shared/testdata
files=""
if [ -d "$data/flac/subset" ]; then
	for f in "01 - blocksize 4096" "24 - variable blocksize file created with flake revision 264" \
		"28 - high resolution audio, default settings" "41 - 6 channels (5.1)"; do
		files="$files|$data/flac/subset/$f.flac"
	done
else
	echo "decode bench: $data/flac is absent: its rows are left out" >&2
fi
if [ -f "$data/music/Kevin_MacLeod_-_Newer_Wave.mp3" ]; then
	mpg123 -q -w "$scratch/music.wav" "$data/music/Kevin_MacLeod_-_Newer_Wave.mp3"
	flac -s -8 -o "$scratch/music-8.flac" "$scratch/music.wav"
	files="$files|$scratch/music-8.flac|$data/music/Kevin_MacLeod_-_Newer_Wave.mp3"
fi
[ -f "$data/mp3/real-music/rave_digger.mp3" ] && files="$files|$data/mp3/real-music/rave_digger.mp3"
[ -n "$files" ] || { echo "decode bench: no test files (../shared/testdata is absent)" >&2; exit 1; }

echo "| file | audio | slipmat | reference | slipmat / reference |"
echo "|---|---:|---:|---:|---:|"
IFS='|'
for f in $files; do
	[ -n "$f" ] || continue
	secs=$("$out/bench/decode_bench" "$f" | awk '{print $(NF-1)}')
	ours=$(best "$runs" "$out/bench/decode_bench" "$f")
	case $f in
	*.flac) ref=$(best "$runs" flac -d -s -f -o "$scratch/out.wav" "$f"); refname="flac -d" ;;
	*) ref=$(best "$runs" mpg123 -q -w "$scratch/out.wav" "$f"); refname="mpg123 -w" ;;
	esac
	ratio=$(echo "$ref / $ours" | bc -l)
	printf '| %s | %.1f s | %s x RT | %s x RT (%s) | %.2f |\n' "$(basename "$f")" "$secs" \
		"$(xrt "$secs" "$ours")" "$(xrt "$secs" "$ref")" "$refname" "$ratio"
done

# Instructions (callgrind, deterministic) on the first 30 s of the music
# FLAC and on an MP3: the ratio without the host's noise.
command -v valgrind >/dev/null || { echo "decode bench: valgrind is missing: no instruction counts" >&2; exit 0; }
irefs() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
	sed -n 's/.*I *refs: *//p' | tr -d ','; }
echo
echo "| file | slipmat instructions | reference instructions | reference / slipmat |"
echo "|---|---:|---:|---:|"
if [ -f "$scratch/music.wav" ]; then
	head -c $((44 + 30 * 44100 * 4)) "$scratch/music.wav" >"$scratch/music30.wav"
	flac -s -8 -o "$scratch/music30.flac" "$scratch/music30.wav" 2>/dev/null
	a=$(irefs "$out/bench/decode_bench" "$scratch/music30.flac")
	b=$(irefs flac -d -s -f -o "$scratch/out.wav" "$scratch/music30.flac")
	printf '| music, 30 s, flac -8 | %.0f M | %.0f M (flac -d) | %.2f |\n' "$(echo "$a / 1000000" | bc -l)" \
		"$(echo "$b / 1000000" | bc -l)" "$(echo "$b / $a" | bc -l)"
fi
mp3=$data/mp3/real-music/rave_digger.mp3
if [ -f "$mp3" ]; then
	a=$(irefs "$out/bench/decode_bench" "$mp3")
	b=$(irefs mpg123 -q -w "$scratch/out.wav" "$mp3")
	printf '| rave_digger.mp3 | %.0f M | %.0f M (mpg123 -w) | %.2f |\n' "$(echo "$a / 1000000" | bc -l)" \
		"$(echo "$b / 1000000" | bc -l)" "$(echo "$b / $a" | bc -l)"
fi
