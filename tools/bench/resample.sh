#!/bin/sh
# The deck resampler (dsp/resample.c) against libsamplerate's
# SRC_SINC_FASTEST and SRC_SINC_MEDIUM_QUALITY on the same input, in one
# run: speed and THD+N, as a markdown table (tools/bench/resample_bench.c
# says what each figure is). Host only; libsamplerate is a benchmark-only
# dependency, never linked into slipmat.
#
#   sh tools/bench/resample.sh HOSTOUT [SECONDS]
#
# HOSTOUT is the host build's output directory (build/x86_64); the bench
# and its own copy of dsp/resample.o go to HOSTOUT/bench, compiled with the
# firmware's flags, so it times the code the firmware runs.
set -eu
out=${1:?usage: sh tools/bench/resample.sh HOSTOUT [SECONDS]}
secs=${2:-60}
cd "$(dirname "$0")/../.."

if ! pkg-config --exists samplerate; then
	echo "resample bench: libsamplerate is missing (Debian: libsamplerate0-dev; make deps installs it)" >&2
	exit 1
fi
cc=${CC:-gcc}
flags="-std=c11 -D_GNU_SOURCE -O2 -g -I. -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes"
libs="$(pkg-config --libs samplerate) -lm"
mkdir -p "$out/bench"
# shellcheck disable=SC2086
$cc $flags -c -o "$out/bench/resample.o" dsp/resample.c
# shellcheck disable=SC2086
$cc $flags -o "$out/bench/resample_bench" tools/bench/resample_bench.c tests/signals.c \
	"$out/bench/resample.o" $libs
"$out/bench/resample_bench" "$secs"
