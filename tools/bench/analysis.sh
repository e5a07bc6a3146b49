#!/bin/sh
# Track analysis (fw/analyze.c) against Debian's aubio-tools (`aubio
# tempo`) and bpm-tools (`bpm`) on the same files, in one run: tempo
# accuracy and CPU time per minute of audio, as markdown tables.
#
#   sh tools/bench/analysis.sh HOSTOUT [TRACKS] [SECONDS]
#
# 1. TRACKS (200) generated tracks of SECONDS (60) at 44.1 kHz with known
#    tempo and downbeat (tools/gen/gentrack.c, 60-200 BPM), written as
#    16-bit WAVs into a temporary directory. Ours analyses them in memory
#    (the job of fw/analyze.c, in 2 ms slices, all four analyses); aubio
#    reads the WAVs; bpm reads them converted by sox to raw mono float
#    (its input format; the conversion is not timed) and searches 70-180
#    BPM, our DJ range. Accuracy1: within 4 %; Accuracy2: also at 2x,
#    1/2, 3x or 1/3 of the tempo; grid: every beat within 10 ms (ours
#    only, the others give no grid); then Accuracy1 on the tracks outside
#    the DJ range alone (the range is a preference: drums at 190 read 190).
# 2. key (generated chord progressions) and loudness (EBU Tech 3341 cases
#    1-6: the stereo ones through the job, the 5-channel one through
#    dsp/loudness with BS.1770's channel weights).
# 3. the real tracks in ../shared/testdata/music, when present, decoded
#    by ffmpeg into the temporary directory (ours, aubio and bpm).
# CPU time is user + system of the analysing process (ours: the process's
# CPU clock around the job only).
set -eu
out=${1:?usage: sh tools/bench/analysis.sh HOSTOUT [TRACKS] [SECONDS]}
n=${2:-200}
secs=${3:-60}
cd "$(dirname "$0")/../.."
for tool in aubio bpm sox ffmpeg; do
	command -v $tool >/dev/null || { echo "analysis bench: $tool is missing (make deps installs it)" >&2; exit 1; }
done
sh tools/bench/analysis_build.sh "$out"
bench=$out/bench/analysis_bench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# children's CPU seconds so far (the second line of `times`), into $cpu:
# `times` must run in this shell, not in a $(...) subshell
mark() {
	times >"$tmp/times"
	cpu=$(awk 'NR == 2 { split($1, u, "m"); split($2, s, "m"); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$tmp/times")
}

nice "$bench" tracks "$n" "$secs" "$tmp" >"$out/bench/analysis_tracks.txt"
ours=$(sed -n 's/^summary //p' "$out/bench/analysis_tracks.txt")
get() { echo "$ours" | awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'; }

: >"$tmp/aubio.txt"
: >"$tmp/bpm.txt"
for f in "$tmp"/t*.wav; do
	sox "$f" -t raw -r 44100 -e float -b 32 -c 1 "${f%.wav}.f32"
done
mark
c0=$cpu
for f in "$tmp"/t*.wav; do
	printf '%s %s\n' "$(basename "$f")" "$(nice aubio tempo -i "$f" 2>/dev/null | awk '/bpm/ { print $1 }' | tail -1)" >>"$tmp/aubio.txt"
done
mark
c1=$cpu
for f in "$tmp"/t*.wav; do
	printf '%s %s\n' "$(basename "$f")" "$(nice bpm -m 70 -x 180 <"${f%.wav}.f32")" >>"$tmp/bpm.txt"
done
mark
c2=$cpu

# accuracy of a "file bpm" list against truth.txt
score() {
	awk 'NR == FNR { truth[$1] = $2; next }
	     { t = truth[$1]; e = $2 + 0; n++
	       r = t > 0 ? e / t : 0
	       if (r > 0.96 && r < 1.04) a1++
	       if ((r > 0.96 && r < 1.04) || (r > 1.92 && r < 2.08) || (r > 0.48 && r < 0.52) ||
	           (r > 2.88 && r < 3.12) || (r > 0.32 && r < 0.347)) a2++ }
	     END { printf "%.1f %.1f\n", 100 * a1 / n, 100 * a2 / n }' "$tmp/truth.txt" "$1"
}
aubio_acc=$(score "$tmp/aubio.txt")
bpm_acc=$(score "$tmp/bpm.txt")
# Accuracy1 and count of a "file bpm" list on the tracks outside the DJ range (70-180)
outside() {
	awk 'NR == FNR { truth[$1] = $2; next }
	     { t = truth[$1]; if (t >= 70 && t <= 180) next
	       n++; r = t > 0 ? ($2 + 0) / t : 0
	       if (r > 0.96 && r < 1.04) a1++ }
	     END { printf "%.1f %d\n", n ? 100 * a1 / n : 0, n }' "$tmp/truth.txt" "$1"
}
awk '$1 == "track" { printf "t%03d.wav %s\n", $2, $6 }' "$out/bench/analysis_tracks.txt" >"$tmp/ours.txt"
ours_out=$(outside "$tmp/ours.txt")
aubio_out=$(outside "$tmp/aubio.txt")
bpm_out=$(outside "$tmp/bpm.txt")
minutes=$(awk -v n="$n" -v s="$secs" 'BEGIN { print n * s / 60 }')
aubio_cpu=$(awk -v a="$c0" -v b="$c1" -v m="$minutes" 'BEGIN { printf "%.3f", (b - a) / m }')
bpm_cpu=$(awk -v a="$c1" -v b="$c2" -v m="$minutes" 'BEGIN { printf "%.3f", (b - a) / m }')

echo "### Tempo on $n generated tracks of $secs s (60-200 BPM; \`sh tools/bench/analysis.sh\`)"
echo
echo "| analyser | Accuracy1 (4 %) | Accuracy2 (octaves) | grid within 10 ms | first downbeat | CPU s per minute of audio |"
echo "|---|---:|---:|---:|---:|---:|"
echo "| slipmat (BPM + grid + waveform + loudness + key) | $(get acc1) % | $(get acc2) % | $(get grid10ms) % | $(get downbeat) % | $(get cpu_s_per_min) |"
echo "| aubio tempo | $(echo "$aubio_acc" | cut -d' ' -f1) % | $(echo "$aubio_acc" | cut -d' ' -f2) % | - | - | $aubio_cpu |"
echo "| bpm (bpm-tools, -m 70 -x 180) | $(echo "$bpm_acc" | cut -d' ' -f1) % | $(echo "$bpm_acc" | cut -d' ' -f2) % | - | - | $bpm_cpu |"
echo
echo "Of them, the $(echo "$ours_out" | cut -d' ' -f2) tracks outside the DJ range (70-180 BPM), Accuracy1: slipmat $(echo "$ours_out" | cut -d' ' -f1) %, aubio $(echo "$aubio_out" | cut -d' ' -f1) %, bpm $(echo "$bpm_out" | cut -d' ' -f1) % (it searches 70-180 only)."
echo

"$bench" chords 40 20 >"$out/bench/analysis_key.txt"
"$bench" tech3341 >"$out/bench/analysis_loudness.txt" || true
echo "### Key and loudness"
echo
echo "| what | figure |"
echo "|---|---|"
echo "| key, 40 generated chord progressions (20 s) | $(sed -n 's/^summary chords [0-9]* correct \([0-9.]*\) relative \([0-9.]*\)/\1 % correct, \2 % its relative key/p' "$out/bench/analysis_key.txt") |"
awk '/^tech3341/ { printf "| EBU Tech 3341 case %s (%s channels, expected %s LUFS) | %s LUFS (%+.3f LU) |\n", $3, $11, $5, $7, $9 }' "$out/bench/analysis_loudness.txt"
echo

music=../shared/testdata/music
if [ -d "$music" ]; then
	echo "### Real tracks (\`$music\`, decoded by ffmpeg for the bench)"
	echo
	echo "| track | tagged BPM | slipmat BPM (confidence) | aubio tempo | bpm | slipmat key | slipmat LUFS | CPU s per minute: slipmat / aubio / bpm |"
	echo "|---|---:|---:|---:|---:|---|---:|---|"
	for f in "$music"/*.ogg "$music"/*.mp3; do
		[ -f "$f" ] || continue
		b=$(basename "$f")
		ffmpeg -v error -y -i "$f" -f f32le -ac 2 -ar 44100 "$tmp/r.f32"
		ffmpeg -v error -y -i "$f" -ac 2 -ar 44100 "$tmp/r.wav"
		ffmpeg -v error -y -i "$f" -f f32le -ac 1 -ar 44100 "$tmp/r1.f32"
		mins=$(awk -v s="$(stat -c %s "$tmp/r1.f32")" 'BEGIN { print s / 4 / 44100 / 60 }')
		line=$("$bench" raw "$tmp/r.f32" 44100)
		mark
		c0=$cpu
		a=$(aubio tempo -i "$tmp/r.wav" 2>/dev/null | awk '/bpm/ { print $1 }' | tail -1)
		mark
		c1=$cpu
		p=$(bpm -m 70 -x 180 <"$tmp/r1.f32")
		mark
		c2=$cpu
		tag=$(ffprobe -v error -show_entries format_tags=TBPM,TBP,BPM -of default=nw=1:nk=1 "$f" 2>/dev/null | head -1)
		echo "$line" | awk -v b="$b" -v tag="${tag:--}" -v a="$a" -v p="$p" -v m="$mins" -v c0="$c0" -v c1="$c1" -v c2="$c2" \
			'{ for (i = 1; i < NF; i++) v[$i] = $(i + 1)
			   printf "| %s | %s | %.2f (%.2f) | %s | %s | %s (%s) | %.1f | %.3f / %.3f / %.3f |\n", b, tag, v["bpm"], v["confidence"], a, p, v["key"], $(NF - 6), v["lufs"], v["cpu_s"] / m, (c1 - c0) / m, (c2 - c1) / m }'
	done
else
	echo "(real tracks skipped: $music is absent)"
fi
