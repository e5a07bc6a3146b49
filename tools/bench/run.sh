#!/bin/sh
# make bench: the figures for the README, measured side by side in one run.
#
#   sh tools/bench/run.sh HOSTOUT ARMOUT      (make bench does this)
#   SOAK_SECONDS=600 make bench               the issue's 10-minute soak
#
# HOSTOUT (build/x86_64) and ARMOUT (build/aarch64) are built already.
#   1. the full engine per period (tools/bench/engine.sh): host
#      instructions (callgrind), aarch64 instructions for the NEON and a
#      scalar build (qemu-aarch64), host time against the deadline
#   2. the resampler against libsamplerate (tools/bench/resample.sh)
#   3. the rasterizer against pixman (tools/bench/gfx.sh), the library's
#      search and scan (tools/bench/library.sh), track decoding against
#      flac -d and mpg123 -w (tools/bench/decode.sh), power cuts during
#      installs in the emulator (tools/bench/update.sh, POWER_CUTS=50), track
#      analysis against aubio and bpm-tools (tools/bench/analysis.sh), touch
#      to sound in the emulator (tools/bench/touch.sh, TOUCH_TAPS=20)
#   4. a paced soak (tools/bench/soak.c): the engine in the box's audio
#      thread, into the WAV sink at 64 frames in real time, one busy
#      process per CPU competing; SOAK_SECONDS long (30 by default)
# and closes with one markdown table (the resampler's own table after it).
# Each part's raw output is kept in HOSTOUT/bench/*.txt.
set -u
host=${1:?usage: sh tools/bench/run.sh HOSTOUT ARMOUT}
arm=${2:?usage: sh tools/bench/run.sh HOSTOUT ARMOUT}
cd "$(dirname "$0")/../.."
soak_s=${SOAK_SECONDS:-30}
soak_periods=${SOAK_PERIODS:-2}
res=$host/bench
mkdir -p "$res"
failed=0

echo "bench: the engine, per period (a few minutes: qemu logs every instruction)"
if ! sh tools/bench/engine.sh "$host" "$arm" >"$res/engine.txt" 2>"$res/engine.err"; then
	echo "bench: engine.sh failed:"
	tail -20 "$res/engine.err"
	failed=1
fi

: >"$res/resample.txt"
if [ -f tools/bench/resample.sh ]; then
	echo "bench: the resampler against libsamplerate"
	if ! sh tools/bench/resample.sh "$host" >"$res/resample.txt" 2>&1; then
		echo "bench: resample.sh failed:"
		tail -20 "$res/resample.txt"
		failed=1
	fi
fi

# part NAME SCRIPT ARGS...: one benchmark's table into $res/NAME.txt.
part() {
	name=$1
	shift
	echo "bench: $name"
	if ! sh "$@" >"$res/$name.txt" 2>"$res/$name.err"; then
		echo "bench: $name failed:"
		tail -20 "$res/$name.err"
		failed=1
	fi
}
part gfx tools/bench/gfx.sh "$host" 300
part library tools/bench/library.sh "$host"
part decode tools/bench/decode.sh "$host" 7
part analysis tools/bench/analysis.sh "$host" 200 60
part update tools/bench/update.sh "$host" "${POWER_CUTS:-50}"
part touch tools/bench/touch.sh "$host" "${TOUCH_TAPS:-20}"

echo "bench: a ${soak_s} s soak in real time under load"
# The Makefile's CFLAGS and LIBS for the host build; engine.sh made the
# archive of the host build's objects.
makevar() { make -s -p -n -q WERROR=1 all 2>/dev/null | sed -n "s/^$1 := //p"; }
# shellcheck disable=SC2046
if gcc $(makevar CFLAGS) -o "$res/soak" tools/bench/soak.c tools/bench/scene.c \
	"$res/libslipmat.a" -Wl,--as-needed $(makevar LIBS); then
	"$res/soak" "$soak_s" "$soak_periods" >"$res/soak.txt" 2>"$res/soak.err" || failed=1
else
	: >"$res/soak.txt"
	failed=1
fi

# get FILE KEY: the value of a "key value" line.
get() { sed -n "s/^$2 //p" "$1" | head -1; }
e=$res/engine.txt s=$res/soak.txt
hi=$(get "$e" host_instr_per_period)
ni=$(get "$e" aarch64_neon_instr_per_period)
si=$(get "$e" aarch64_scalar_instr_per_period)
ratio=$(awk -v n="${ni:-0}" -v s="${si:-0}" 'BEGIN { if (n > 0 && s > 0) printf "%.2fx", s / n; else print "n/a" }')
share=$(get "$e" host_mean_share_pct)
goal=$(awk -v x="${share:-100}" 'BEGIN { print (x < 5 ? "met" : "missed") }')
worst_pct=$(get "$s" worst_pct)
sfifo=$(get "$s" fifo)

echo
echo "| figure | value | goal |"
echo "|---|---:|---|"
echo "| scene | 2 decks at +3 % ($(get "$e" scene_deck_a_step), $(get "$e" scene_deck_b_step)), EQ, filter, cue, limiter at $(get "$e" scene_limiter_db) dB; 64 frames, 48 kHz, 4 outputs, S16 with dither | |"
echo "| host (x86_64, plain C) instructions per period, callgrind | ${hi:-n/a} | |"
echo "| aarch64 NEON build, instructions per period, qemu-aarch64 | ${ni:-n/a} | |"
echo "| aarch64 scalar build (-march=armv8-a+nosimd), instructions per period | ${si:-n/a} | |"
echo "| NEON: fewer instructions by | $ratio | |"
echo "| host time per period: mean / median / 99th pct / worst, us | $(get "$e" host_mean_us) / $(get "$e" host_median_us) / $(get "$e" host_p99_us) / $(get "$e" host_max_us) | |"
echo "| host time per period, share of the $(get "$e" host_deadline_us) us deadline (mean, one core) | ${share:-n/a} % | < 5 %: $goal |"
echo "| soak: ${soak_s} s in real time, 64 frames x $(get "$s" periods) ($(get "$s" buffer_ms) ms), $(get "$s" busy_processes) busy processes on $(get "$s" cpus) CPUs, SCHED_FIFO $([ "${sfifo:-0}" = 1 ] && echo yes || echo "no (refused)") | $(get "$s" periods_done) periods | |"
echo "| soak: worst period-processing time | $(get "$s" worst_us) us (${worst_pct:-n/a} % of the period) | |"
echo "| soak: xruns (the sink's late buffers and the PCM's) | $(get "$s" xruns) | 0 |"
echo "| soak: minor page faults in the audio thread while playing | $(get "$s" minor_faults) | 0 |"
echo "| soak: time the hypervisor took the CPUs away (steal, all CPUs) | $(get "$s" steal_ms) ms | |"
for name in resample gfx library decode analysis update touch; do
	if [ -s "$res/$name.txt" ]; then
		echo
		cat "$res/$name.txt"
	fi
done
exit "$failed"
