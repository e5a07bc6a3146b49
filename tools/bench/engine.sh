#!/bin/sh
# The full engine's cost per period (tools/bench/scene.h: 64 frames at
# 48 kHz, two decks at +3 % with EQ, filter and cue, the limiter working,
# then the S16 conversion with dither), three ways:
#
#   host instructions   callgrind, --toggle-collect=measure_period: every
#                       instruction inside the measured periods, divided
#                       by their number
#   aarch64 instructions  qemu-aarch64 -singlestep -d nochain,exec writes
#                       one "Trace" line per executed instruction; two runs
#                       that differ only in the number of measured periods,
#                       the difference divided by it. Twice: the NEON build
#                       (ARMOUT, as the box runs) and a scalar one, every
#                       object compiled again with -march=armv8-a+nosimd
#                       into ARMOUT-scalar: no NEON intrinsics (the
#                       __ARM_NEON paths compile out) and no auto-
#                       vectorisation either
#   host time           the bench timed natively, period by period
#
#   sh tools/bench/engine.sh HOSTOUT ARMOUT
#
# Prints "key value" lines (tools/bench/run.sh makes the table). The
# bench links the build's own objects (every one but fw/main.o, through
# an archive, so only what the engine needs), compiled as the firmware is.
set -eu
host=${1:?usage: sh tools/bench/engine.sh HOSTOUT ARMOUT}
arm=${2:?usage: sh tools/bench/engine.sh HOSTOUT ARMOUT}
cd "$(dirname "$0")/../.."
scalar=$arm-scalar
N1=${ENGINE_BENCH_N1:-20}
N2=${ENGINE_BENCH_N2:-60}
CG_N=${ENGINE_BENCH_CALLGRIND:-2000}
TIME_S=${ENGINE_BENCH_SECONDS:-60}

# makevar NAME MAKE-ARGS...: the Makefile's value of NAME for that build
# (CFLAGS, LIBS), so the bench's own files are compiled as the rest are.
makevar() {
	name=$1
	shift
	make -s -p -n -q WERROR=1 "$@" all 2>/dev/null | sed -n "s/^$name := //p"
}

# bench OUT MAKE-ARGS...: OUT/bench/engine_bench from OUT's objects.
bench() {
	out=$1
	shift
	cc=$(makevar CC "$@")
	mkdir -p "$out/bench"
	rm -f "$out/bench/libslipmat.a"
	# shellcheck disable=SC2046
	${cc%gcc}ar rcs "$out/bench/libslipmat.a" \
		$(find "$out/obj" -name '*.o' ! -path '*/fw/main.o' | sort)
	# shellcheck disable=SC2046
	$cc $(makevar CFLAGS "$@") -o "$out/bench/engine_bench" tools/bench/engine_bench.c \
		tools/bench/scene.c "$out/bench/libslipmat.a" -Wl,--as-needed $(makevar LIBS "$@")
}

# The scalar build: the same sources, nothing SIMD.
make --no-print-directory -s CROSS_COMPILE=aarch64-linux-gnu- OUT="$scalar" \
	EXTRA_CFLAGS=-march=armv8-a+nosimd all >&2
bench "$host"
bench "$arm" CROSS_COMPILE=aarch64-linux-gnu-
bench "$scalar" CROSS_COMPILE=aarch64-linux-gnu- EXTRA_CFLAGS=-march=armv8-a+nosimd

# What the scene sounds like, from the host build: proof the bench runs the
# engine as asked (both decks playing at +3 %, the limiter at work).
"$host/bench/engine_bench" count 10 | sed -n 's/^\(deck_._playing\|deck_._step\|master_peak\|limiter_db\) /scene_\1 /p'

# Host instructions per period.
cg=$(mktemp)
trap 'rm -f "$cg" "$cg.out" "$cg.maps"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$cg" --toggle-collect=measure_period \
	"$host/bench/engine_bench" count "$CG_N" >/dev/null 2>&1
total=$(sed -n 's/^totals: *\([0-9]*\).*/\1/p' "$cg")
[ -n "$total" ] || total=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$cg")
echo "host_instr_per_period $((total / CG_N))"

# aarch64 instructions per period: the difference of two runs. qemu logs
# a line per instruction at about half a million lines a second, so only
# what matters is logged (-dfilter): the bench's own code and glibc's libc,
# but not the set-up's big spenders (generating the tracks, the
# resampler's tables, and libm, whose sin() builds them; the engine calls
# libm a few dozen instructions a period, left out). The set-up is the
# same in both runs anyway; this only makes them faster. The ranges come
# from the bench's own /proc/self/maps under qemu, which every run prints
# and which must not move between runs.
SETUP_ONLY="scene_tracks resample_bank_init engine_init arena_init"
qemu_arm() { qemu-aarch64 -L /usr/aarch64-linux-gnu "$@"; }
# ranges BENCH MAPFILE: qemu's -dfilter list.
ranges() {
	bench=$1 maps=$2
	skip=$(aarch64-linux-gnu-nm -S --defined-only "$bench" | while read -r addr size _ name; do
		for f in $SETUP_ONLY; do
			[ "$name" = "$f" ] && echo "$((0x$addr)) $((0x$addr + 0x$size))"
		done
	done | sort -n)
	list=''
	while read -r range path; do
		lo=$((0x${range%-*})) hi=$((0x${range#*-}))
		case $path in
		*/libm.so* | */ld-linux* | -) continue ;;
		"$bench" | */"${bench##*/}")
			at=$lo
			# shellcheck disable=SC2086
			set -- $skip
			while [ $# -ge 2 ]; do
				s0=$(($1 + lo)) s1=$(($2 + lo))
				[ "$s0" -gt "$at" ] && list="$list,$(printf '0x%x..0x%x' "$at" $((s0 - 1)))"
				at=$s1
				shift 2
			done
			list="$list,$(printf '0x%x..0x%x' "$at" $((hi - 1)))"
			;;
		*) list="$list,$(printf '0x%x..0x%x' "$lo" $((hi - 1)))" ;;
		esac
	done <"$maps"
	echo "${list#,}"
}
# count BENCH N FILTER: instructions logged, or "moved" if the layout changed.
count() {
	qemu_arm -singlestep -d nochain,exec -dfilter "$3" "$1" count "$2" 2>&1 >"$tmp.out" |
		grep -c '^Trace'
	sed -n 's/^map //p' "$tmp.out" | cmp -s - "$tmp.maps" || echo moved
}
tmp=$cg
for build in neon:"$arm" scalar:"$scalar"; do
	name=${build%%:*} dir=${build#*:}
	b=$dir/bench/engine_bench
	qemu_arm "$b" count 0 >"$tmp.out"
	sed -n 's/^map //p' "$tmp.out" >"$tmp.maps"
	filter=$(ranges "$b" "$tmp.maps")
	c1=$(count "$b" "$N1" "$filter")
	c2=$(count "$b" "$N2" "$filter")
	echo "aarch64_${name}_uses_neon $(sed -n 's/^neon //p' "$tmp.out")"
	case "$c1 $c2" in
	*moved*) echo "aarch64_${name}_instr_per_period n/a (qemu placed the libraries differently)" ;;
	*) echo "aarch64_${name}_instr_per_period $(((c2 - c1) / (N2 - N1)))" ;;
	esac
done
rm -f "$tmp.out" "$tmp.maps"

# Host time per period.
"$host/bench/engine_bench" time "$TIME_S" | sed 's/^/host_/'
