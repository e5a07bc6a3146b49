#!/bin/sh
# A DJ's set in the appliance emulator, by touch only: the box boots with
# a USB stick of generated and real tracks; through the library browser
# track 1 goes on deck A and plays, track 2 on deck B, cued in the
# headphones; B syncs to A, the crossfader moves across, a hot cue is set
# and hit, a loop is set and left.
#
#   tests/e2e/set.sh ARCH SLIPMAT CHECK [DEMO_DIR]
#
# Every action is a touch on the screens (QMP usb-tablet events at the
# places `slipmat screens` lists); the console only reads, kills the
# player for the crash and asks for a file that is gone. Checked from
# the screendumps (titles, lit buttons, the browser's rows) and from the
# recording of QEMU's usb-audio (split cue: master left, cue right). The
# generated tracks carry a quiet rising pilot tone (tools/gen/demo.c
# --pilot), a different one per track: which pilot the master carries says
# which deck is on it, and the pilot falling back says the deck jumped (a
# hot cue) or looped. At the end the stick is pulled out (a banner, the
# decks play on) and a load of a file that is gone is refused on screen
# with the deck's track kept.
#
# With DEMO_DIR (`make run`, headless), the same set is the demo: tracks
# without pilots, no checks, and the folder gets a screenshot of both
# screens after each step, the recording and the console.
set -u
arch=$1
bin=$(realpath "$2")
check=$(realpath "$3")
demo=${4:-}
guest_tools=$(dirname "$bin")/e2e
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out=build/e2e/set-$arch
[ -n "$demo" ] && out=$demo
run=$out/qemu
E=build/emu/emuctl
log=$run/serial.log
mkdir -p "$out"
. tests/e2e/lib.sh
failed=0
nok() { echo "not ok - $*"; failed=1; }
[ -n "$demo" ] && expect() { shift; "$@" >/dev/null 2>&1 || true; }

# The stick: three generated tracks (with pilots unless a demo), and the
# real ones of ../shared/testdata when it is there.
stick=$out/stick.img
rm -rf "$out/tracks" "$stick" && mkdir -p "$out/tracks"
gcc -std=c11 -D_GNU_SOURCE -O2 -I. -o "$out/demo" tools/gen/demo.c tools/gen/gentrack.c -lm || {
	nok "$arch: build the track generator"
	exit 1
}
if [ -n "$demo" ]; then "$out/demo" "$out/tracks" 90; else "$out/demo" "$out/tracks" 90 --pilot; fi >/dev/null
tracks=3
for f in music/Kevin_MacLeod_-_Newer_Wave.mp3; do
	if [ -r "$root/../shared/testdata/$f" ]; then
		cp "$root/../shared/testdata/$f" "$out/tracks/"
		tracks=$((tracks + 1))
	else
		echo "# ../shared/testdata/$f absent: the stick holds generated tracks only"
	fi
done
mkfs.vfat -C -n SET "$stick" 65536 >/dev/null &&
	MTOOLS_SKIP_CHECK=1 mcopy -i "$stick" "$out/tracks"/* ::/ || {
	nok "$arch: make the stick image"
	exit 1
}

kernel=$(tools/emu/kernel.sh "$arch" "build/emu/kernel-$arch") || {
	nok "$arch: fetch Debian's kernel"
	exit 1
}
set -- $kernel
tools/emu/initramfs.sh "$arch" "$2" "$bin" "boards/emu-$arch.board" "$out/set.cpio.gz" \
	"$guest_tools/check" "$guest_tools/capture" >"$out/initramfs.log" 2>&1 &&
	tools/emu/boot.sh --arch "$arch" --kernel "$1" --initrd "$out/set.cpio.gz" --dir "$run" \
		--audio-channels 2 >/dev/null || {
	nok "$arch: boot the emulator (see $out/initramfs.log)"
	exit 1
}
trap '$E quit "$run/qmp.sock" >/dev/null 2>&1' EXIT
if ! $E wait "$log" 'slipmat info: ready' 240 >/dev/null; then
	nok "$arch: the box comes up"
	tail -20 "$log" | sed 's/^/    /'
	exit 1
fi
$E qmp "$run/qmp.sock" "{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":\"raw\",\"node-name\":\"set\",\"read-only\":false,\"file\":{\"driver\":\"file\",\"filename\":\"$(realpath "$stick")\"}}}" >/dev/null
$E qmp "$run/qmp.sock" '{"execute":"device_add","arguments":{"driver":"usb-storage","id":"set0","drive":"set","bus":"xhci.0","port":"4","removable":true}}' >/dev/null
expect "$arch: the stick's $tracks tracks are in the library" \
	$E wait "$log" "library: usb sda (/run/slipmat/usb/sda): $tracks tracks" 120

# Where each control is: "control NAME: display D at X,Y WxH".
controls() { screens=$(ask "slipmat screens; echo LIST''ED" 'LISTED'); }
controls
# at NAME: "D X Y W H" of that control, or nothing.
at() {
	printf '%s\n' "$screens" |
		sed -n "s/^control $1: display \([0-9]\) at \([0-9]*\),\([0-9]*\) \([0-9]*\)x\([0-9]*\).*/\1 \2 \3 \4 \5/p" |
		head -1
}
# touch NAME [FX FY [FX1 FY1]]: tap the control (at the fractions FX, FY
# of its width and height, default the centre), or drag from there to
# FX1, FY1. The tablets span 0..32767 over the 1280x800 heads.
touch() {
	g=$(at "$1")
	[ -n "$g" ] || { echo "no control $1 on the screens"; return 1; }
	set -- $g "${2:-0.5}" "${3:-0.5}" "${4:-}" "${5:-}"
	x0=$(awk "BEGIN { printf \"%d\", ($2 + $4 * $6) * 32767 / 1279 }")
	y0=$(awk "BEGIN { printf \"%d\", ($3 + $5 * $7) * 32767 / 799 }")
	if [ -z "$8" ]; then
		$E tap "$run/qmp.sock" "touch$1" "$x0" "$y0" >/dev/null
	else
		x1=$(awk "BEGIN { printf \"%d\", ($2 + $4 * $8) * 32767 / 1279 }")
		y1=$(awk "BEGIN { printf \"%d\", ($3 + $5 * $9) * 32767 / 799 }")
		$E drag "$run/qmp.sock" "touch$1" "$x0" "$y0" "$x1" "$y1" 20 20 >/dev/null
	fi
}
# lit NAME RRGGBB: the control's top edge shows that colour (a lit button).
lit() {
	set -- $(at "$1") "$2"
	retry 20 seen "$1" pixel $(($2 + $4 / 2)) $(($3 + 2)) "$6" 12
}
# drawn NAME TEXT [RRGGBB]: TEXT is drawn inside the control, in the
# labels' colour or the one given.
drawn() { drawn_in "$(at "$1")" "$2" "${3:-}"; }
# mark NAME: where the recording is now (bytes of audio.wav).
mark() { eval "at_$1=$(wc -c <"$run/audio.wav")"; }
# wait_guest SECONDS: let that much of the box's own time pass.
wait_guest() {
	o=$(wc -c <"$log")
	$E serial "$run/serial.sock" "sleep $1; echo WAITED''$1" >/dev/null
	$E wait -o "$o" "$log" "WAITED$1" $(($1 * 20 + 60)) >/dev/null
}
# shot NAME: keep both screens as NAME-head0/1 (PNG in a demo).
step=0
shot() {
	step=$((step + 1))
	for h in 0 1; do
		f=$out/$(printf %02d "$step")-$1-head$h
		$E screendump "$run/qmp.sock" "$h" "$f.ppm" >/dev/null || continue
		if [ -n "$demo" ]; then
			"$check" png "$f.ppm" "$f.png" && rm -f "$f.ppm"
		fi
	done
}

GREEN=22c55e AMBER=f59e0b BLUE=3b82f6
# drawn_in "D X Y W H" TEXT [RRGGBB]: TEXT is drawn inside that rectangle
# of head D, in the labels' colour or the one given.
drawn_in() {
	set -- $1 "$2" "${3:-dce1e6}"
	retry 30 seen "$1" find "$2" "$3" "$4" "$5" "$7" "$6"
}
# browsed: what the library browser shows, as `slipmat browser` says it.
browsed() { browse=$(ask "slipmat browser; echo BROW''SED" 'BROWSED'); }
# row TITLE: "D X Y W H" of the first listed row whose title starts so.
row() {
	printf '%s\n' "$browse" |
		sed -n "s/^row [0-9]*: display \([0-9]\) at \([0-9]*\),\([0-9]*\) \([0-9]*\)x\([0-9]*\): $1.*/\1 \2 \3 \4 \5/p" |
		head -1
}
# load DECK QUERY TITLE FILE, by touch: the deck's LOAD opens the library
# browser; the stick's tab; the search field's keyboard clears the last
# search, and QUERY typed on it leaves the one track TITLE; its row's
# button for the deck loads it.
load() {
	d=$(echo "$1" | tr AB ab)
	o=$(wc -c <"$log")
	touch "library-$d"
	sleep 1
	controls
	src=$(printf '%s\n' "$screens" | sed -n 's/^control \(lib-source-usb[^:]*\):.*/\1/p' | head -1)
	expect "$arch: deck $1's LOAD opens the library browser, with a tab for the stick ($src)" \
		test -n "$src"
	touch "$src"
	touch lib-search
	sleep 1
	controls
	touch key-clear # the last search is kept
	sleep 1
	browsed
	expect "$arch: the stick's tab lists '$3'" drawn_in "$(row "$3")" "$3"
	for k in $(echo "$2" | sed 's/./& /g'); do
		touch "key-$k"
	done
	sleep 1
	shot "library-$d"
	browsed
	rows=$(printf '%s\n' "$browse" | grep -c '^row ')
	expect "$arch: '$2' typed on the browser's keyboard leaves one row ($rows), '$3'" \
		test "$rows" -eq 1
	controls
	expect "$arch: the search field shows '$2'" drawn lib-search "$2"
	expect "$arch: the one row left shows '$3'" drawn_in "$(row "$3")" "$3"
	touch "lib-row-1-$d"
	expect "$arch: the row's $1 button loads '$4' into deck $1" \
		$E wait -o "$o" "$log" "$4: 90.0 s in" 180
	sleep 1
	controls # the browser has closed: the deck's controls are back
}

# 1. Track 1 on deck A, and it plays.
load A night "Night Drive" "01 Night Drive.wav"
expect "$arch: deck A shows its title" drawn track-info-a "Night Drive"
touch crossfader 0.5 0.5 0.0 0.5 # the crossfader to deck A's side
touch play-a
expect "$arch: deck A plays: its play button is lit" lit play-a $GREEN
mark a_plays
shot deck-a-plays
wait_guest 4

# 2. Track 2 on deck B, cued in the headphones while A plays on.
o=$(wc -c <"$log")
load B glass "Glass Floor" "02 Glass Floor.wav"
expect "$arch: deck B shows its title" drawn track-info-b "Glass Floor"
# bpm DECK: the tempo its analysis found, as the screens show it ("124.2").
bpm() {
	$E wait "$log" "deck $1: analysed: " 300 |
		sed -n 's/.*analysed: \([0-9.]*\) bpm.*/\1/p' | awk '{ printf "%.1f", $1 }'
}
bpm_a=$(bpm A) bpm_b=$(bpm B)
expect "$arch: deck B's tempo is on its screen once analysed" drawn track-info-b "$bpm_b BPM"
touch headphone-cue-b
expect "$arch: deck B's headphone cue is lit" lit headphone-cue-b $AMBER
touch play-b
expect "$arch: deck B plays" lit play-b $GREEN
mark b_cued
shot deck-b-cued
wait_guest 4

# 3. Sync B to A, then the crossfader across to B.
touch sync-b
expect "$arch: deck B's sync is lit" lit sync-b $BLUE
expect "$arch: deck B now plays at deck A's tempo" drawn track-info-b "$bpm_a BPM"
mark synced
wait_guest 3
mark xfade
touch crossfader 0.0 0.5 1.0 0.5
mark on_b
shot crossfaded
wait_guest 4

# 4. A hot cue on B: set, play on, hit it.
touch hot-cue-1-b
mark cue_set
wait_guest 5
mark cue_before
touch hot-cue-1-b
mark cue_hit
shot hot-cue
wait_guest 3

# 5. A loop on B: in, out two seconds later, then out of it.
touch loop-in-b
wait_guest 2
touch loop-out-b
mark loop_on
shot loop
wait_guest 6
touch beat-loop-b
mark loop_off
wait_guest 4
mark end
shot end

# 6. The player crashes (not in the demo): PID 1 starts it again, and
# both decks come back with their tracks, where they were, playing.
if [ -z "$demo" ]; then
	o=$(wc -c <"$log")
	mark crash
	$E serial "$run/serial.sock" 'for p in $(pidof slipmat); do [ "$p" = 1 ] || kill -SEGV "$p"; done' >/dev/null
	expect "$arch: a crashed player is started again" $E wait -o "$o" "$log" 'died of signal 11' 60
	expect "$arch: deck A comes back with its track" $E wait -o "$o" "$log" 'deck A resumed at' 240
	expect "$arch: deck B comes back with its track" $E wait -o "$o" "$log" 'deck B resumed at' 240
	mark resumed
	controls
	expect "$arch: deck A's title is on its screen again" drawn track-info-a "Night Drive"
	expect "$arch: deck B's title is on its screen again" drawn track-info-b "Glass Floor"
	expect "$arch: deck B plays again" lit play-b $GREEN
	wait_guest 3
	mark after

	# 7. The stick pulled out: the banner says so, the decks play on.
	$E qmp "$run/qmp.sock" '{"execute":"device_del","arguments":{"id":"set0"}}' >/dev/null
	expect "$arch: the status bar says the stick was pulled out and the decks play on" \
		drawn status-bar "USB stick sda pulled out: its $tracks tracks left the library; deck A and B play on from memory" ffffff
	mark pulled
	wait_guest 3
	mark pulled_after

	# 8. A file that is not there (its stick is out): a banner says so,
	# and deck A keeps its track, playing.
	o=$(wc -c <"$log")
	$E serial "$run/serial.sock" "slipmat load A '/run/slipmat/usb/sda/01 Night Drive.wav'" >/dev/null
	$E wait -o "$o" "$log" 'the deck keeps its track' 60 >/dev/null
	expect "$arch: a file that cannot be read: the banner says so" \
		drawn status-bar "Deck A cannot load 01 Night Drive.wav: No such file or directory" ffffff
	expect "$arch: and deck A keeps its track" drawn track-info-a "Night Drive"
	expect "$arch: playing" lit play-a $GREEN
fi

$E quit "$run/qmp.sock" >/dev/null 2>&1
trap - EXIT
cp "$run/audio.wav" "$out/mix.wav"
"$check" wavfix "$out/mix.wav"
cp "$log" "$out/serial.log"
if [ -n "$demo" ]; then
	cp "$out/$(printf %02d "$step")-end-head0.png" "$out/head0.png"
	cp "$out/$(printf %02d "$step")-end-head1.png" "$out/head1.png"
	rm -f "$out"/head?.ppm
	echo "set: screenshots of each step, the recording (mix.wav: master left, cue right)" \
		"and the console are in $out"
	exit 0
fi

for m in a_plays b_cued synced xfade on_b cue_set cue_before cue_hit loop_on loop_off end crash resumed after pulled pulled_after; do
	eval "printf '# %s at %.2f s of the recording\\n' $m \$(((at_$m - 44) / 1920))e-2"
done

# The recording. A's pilot glides up from 2 kHz, B's from 3.2 kHz (each
# moved by its deck's speed): the bands below hold either at any sync.
A_BAND="1800 2900" B_BAND="3000 4200"
s=$((48000 * 4)) # bytes per second of the recording
# level CH FROM TO BAND: the pilot's median level (dBFS) in that stretch.
level() {
	"$check" trace "$out/mix.wav" "$1" "$2" "$3" $4 | awk '{ print $3 }' | sort -n |
		awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : -200 }'
}
# judge CONDITION SAID: one check, CONDITION an awk expression.
judge() { if awk "BEGIN { exit !($1) }"; then ok "$arch: $2"; else nok "$arch: $2"; fi; }
# holds DESC LEVEL OP DB
holds() { judge "$2 $3 $4" "$1 ($2 dBFS, want $3 $4)"; }
holds "the master carries deck A while it plays alone" \
	"$(level 1 $((at_a_plays + s / 2)) "$at_b_cued" "$A_BAND")" ">" -40
holds "the headphones carry deck B while it is cued" \
	"$(level 2 $((at_b_cued + s / 2)) "$at_xfade" "$B_BAND")" ">" -40
holds "the master does not carry deck B before the crossfader moves" \
	"$(level 1 $((at_b_cued + s / 2)) "$at_xfade" "$B_BAND")" "<" -55
holds "the master carries deck B after the crossfader moved across" \
	"$(level 1 $((at_on_b + s / 2)) "$at_cue_set" "$B_BAND")" ">" -40
holds "deck A is gone from the master" \
	"$(level 1 $((at_on_b + s / 2)) "$at_cue_set" "$A_BAND")" "<" -55

# B's pilot where the hot cue was set, just before it was hit, and after:
# back within 6 Hz of the set (about a beat of the track: the cue snaps
# to the beat, and sync pulls the phase after the jump), having been
# some 40 Hz on.
hz() { "$check" trace "$out/mix.wav" 1 "$1" $(($1 + s / 2)) $B_BAND | awk '{ s += $2 } END { printf "%.1f", s / NR }'; }
f_set=$(hz $((at_cue_set + s / 4))) f_before=$(hz $((at_cue_hit - s / 2))) f_hit=$(hz $((at_cue_hit + s / 4)))
judge "$f_before - $f_hit > 8 && ($f_hit - $f_set) ^ 2 < 36" \
	"the hot cue takes deck B back: pilot $f_set Hz at the set, $f_before Hz before the hit, $f_hit Hz after"
# falls FROM TO: how often B's pilot falls back by more than 5 Hz.
falls() {
	"$check" trace "$out/mix.wav" 1 "$1" "$2" $B_BAND |
		awk 'NR > 1 && $2 < prev - 5 { n++ } { prev = $2 } END { print n + 0 }'
}
n_loop=$(falls $((at_loop_on + s / 4)) "$at_loop_off") n_after=$(falls $((at_loop_off + s / 2)) "$at_end")
judge "$n_loop >= 2 && $n_after == 0" \
	"the loop repeats ($n_loop times in $(((at_loop_off - at_loop_on) / s)) s) and plays on once left ($n_after falls)"
# After the crash: B's place in its track just before it, from its pilot
# (its speed was A's tempo over its own), against where the new player
# put it back; the heartbeat is once a second, so up to a second earlier.
f_crash=$(hz $((at_crash - s / 2)))
p_crash=$(awk "BEGIN { printf \"%.2f\", ($f_crash / ($bpm_a / $bpm_b) - 3200) / 8 }")
p_back=$(sed -n 's/.*deck B resumed at \([0-9.]*\) s.*/\1/p' "$out/serial.log" | tail -1)
judge "$p_crash - ${p_back:-1e9} > -0.5 && $p_crash - ${p_back:-1e9} < 2" \
	"deck B is back where it was: at $p_crash s of its track when the player died, resumed at ${p_back:-?} s"
holds "deck B plays on the master again after the restart" \
	"$(level 1 "$at_resumed" "$at_after" "$B_BAND")" ">" -40
holds "deck B plays on from memory once the stick is out" \
	"$(level 1 $((at_pulled + s / 2)) "$at_pulled_after" "$B_BAND")" ">" -40
exit $failed
