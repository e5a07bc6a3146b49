#!/bin/sh
# Build tools/bench/analysis_bench against the host build's objects:
#   sh tools/bench/analysis_build.sh HOSTOUT   -> HOSTOUT/bench/analysis_bench
set -eu
out=${1:?usage: sh tools/bench/analysis_build.sh HOSTOUT}
cd "$(dirname "$0")/../.."
make -s WERROR=1 "$out/obj/fw/analyze.o" "$out/obj/fw/arena.o" "$out/obj/fw/log.o" \
	"$out/obj/fw/deck.o" "$out/obj/fw/guard.o" "$out/obj/dsp/resample.o" "$out/obj/fw/grid.o" "$out/obj/dsp/tempo.o" "$out/obj/dsp/key.o" \
	"$out/obj/dsp/loudness.o" "$out/obj/dsp/wavesum.o" "$out/obj/dsp/biquad.o" "$out/obj/dsp/meter.o" \
	"$out/obj/tools/gen/gentrack.o" "$out/obj/tools/gen/tech3341.o" >/dev/null
mkdir -p "$out/bench"
gcc -std=c11 -D_GNU_SOURCE -ffp-contract=off -O2 -g -I. -Wall -Wextra -o "$out/bench/analysis_bench" \
	tools/bench/analysis_bench.c "$out/obj/fw/analyze.o" "$out/obj/fw/arena.o" "$out/obj/fw/log.o" \
	"$out/obj/fw/deck.o" "$out/obj/fw/guard.o" "$out/obj/dsp/resample.o" "$out/obj/fw/grid.o" "$out/obj/dsp/tempo.o" "$out/obj/dsp/key.o" \
	"$out/obj/dsp/loudness.o" "$out/obj/dsp/wavesum.o" "$out/obj/dsp/biquad.o" "$out/obj/dsp/meter.o" \
	"$out/obj/tools/gen/gentrack.o" "$out/obj/tools/gen/tech3341.o" -lm
