#!/bin/sh
# The rasterizer (gfx/) against pixman on three UI scenes at 1280x800,
# side by side in one run (tools/bench/gfx_bench.c says what each scene
# holds and how each side draws it), as a markdown table:
#   time      per-frame median, ours and pixman interleaved frame by frame
#   host      instructions per frame, callgrind (--toggle-collect on the
#             scene's function), ours and pixman
#   aarch64   instructions per frame under qemu-aarch64 (-singlestep -d
#             nochain,exec: one "Trace" line per instruction; a run with
#             one frame minus a run with none), the NEON build against a
#             scalar one (-march=armv8-a+nosimd: the __ARM_NEON paths and
#             all auto-vectorisation compile out)
# pixman is a benchmark-only dependency (libpixman-1-dev), never linked
# into slipmat. The scene pictures from both sides land in HOSTOUT/bench.
#
#   sh tools/bench/gfx.sh HOSTOUT [ROUNDS]
#
# HOSTOUT (build/x86_64) must be built (make all: it holds the generated
# glyph atlases, HOSTOUT/gen/faces.c).
set -eu
out=${1:?usage: sh tools/bench/gfx.sh HOSTOUT [ROUNDS]}
rounds=${2:-300}
cd "$(dirname "$0")/../.."
b=$out/bench
mkdir -p "$b"
faces=$out/gen/faces.c
[ -f "$faces" ] || { echo "gfx bench: $faces is missing (make all first)" >&2; exit 1; }
if ! pkg-config --exists pixman-1; then
	echo "gfx bench: pixman is missing (Debian: libpixman-1-dev; make deps installs it)" >&2
	exit 1
fi
flags="-std=c11 -D_GNU_SOURCE -ffp-contract=off -O2 -g -I. -Wall -Wextra"
srcs="tools/bench/gfx_bench.c gfx/gfx.c gfx/kernels.c gfx/shapes.c gfx/text.c fonts/face.c
fonts/font.c $faces hal/png.c fw/log.c fw/guard.c"
# shellcheck disable=SC2086
gcc $flags -DBENCH_PIXMAN $(pkg-config --cflags pixman-1) -o "$b/gfx_bench" $srcs \
	$(pkg-config --libs pixman-1) -lm
# shellcheck disable=SC2086
aarch64-linux-gnu-gcc $flags -o "$b/gfx_bench_neon" $srcs -lm
# shellcheck disable=SC2086
aarch64-linux-gnu-gcc $flags -march=armv8-a+nosimd -o "$b/gfx_bench_scalar" $srcs -lm

nice "$b/gfx_bench" time "$rounds" "$b" >"$b/gfx_time.txt"
get() { sed -n "s/^$1 //p" "$b/gfx_time.txt"; }

# callgrind: instructions inside one call of the scene function
cg() { # FUNCTION SCENE [pixman]
	valgrind --tool=callgrind --toggle-collect="$1" --callgrind-out-file="$b/cg.$1" \
		"$b/gfx_bench" count "$2" 1 ${3:-} >/dev/null 2>&1
	sed -n 's/^totals: *//p; s/^summary: *//p' "$b/cg.$1" | head -1
}
# qemu: instructions of one frame (a run with one minus a run with none)
qa() { # BINARY SCENE
	n0=$(qemu-aarch64 -L /usr/aarch64-linux-gnu -singlestep -d nochain,exec "$1" count "$2" 0 \
		2>&1 >/dev/null | grep -c '^Trace' || true)
	n1=$(qemu-aarch64 -L /usr/aarch64-linux-gnu -singlestep -d nochain,exec "$1" count "$2" 1 \
		2>&1 >/dev/null | grep -c '^Trace' || true)
	echo $((n1 - n0))
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2fx", a / b; else print "n/a" }'; }

echo "| scene (1280x800 XRGB8888) | ours, us/frame | pixman, us/frame | ours faster by (goal >= 1.5x) | host instructions: ours / pixman | aarch64 instructions: scalar / NEON | NEON fewer by |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for scene in deck wave list; do
	case $scene in
	deck) what="deck screen: 2 decks, waveforms, overviews, text, buttons, knobs, meters" ;;
	wave) what="scrolling-waveform frame: both waveform strips with grid and playhead" ;;
	list) what="library list: 24 rows, 4 text columns, ellipsis" ;;
	esac
	ho=$(cg "ours_$scene" "$scene")
	hp=$(cg "pix_$scene" "$scene" pixman)
	as=$(qa "$b/gfx_bench_scalar" "$scene")
	an=$(qa "$b/gfx_bench_neon" "$scene")
	r=$(get "${scene}_ratio")
	met=$(awk -v r="$r" 'BEGIN { print (r >= 1.5 ? "met" : "missed") }')
	echo "| $what | $(get "${scene}_ours_us") | $(get "${scene}_pixman_us") | ${r}x ($met) | $ho / $hp | $as / $an | $(ratio "$as" "$an") |"
done
deck=$(get deck_ours_us)
echo
echo "Full deck frame on this host: $deck us (goal < 2000 us: $(awk -v d="$deck" 'BEGIN { print (d < 2000 ? "met" : "missed") }')); medians of $(get rounds) frames each; mean absolute difference between the two renderers' pictures per channel: deck $(get deck_mean_abs_diff), wave $(get wave_mean_abs_diff), list $(get list_mean_abs_diff) (of 255)."
