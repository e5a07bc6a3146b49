#!/bin/sh
# The whole box in the appliance emulator: slipmat as PID 1 on Debian's
# PREEMPT_RT kernel in QEMU, with real DRM, snd-usb-audio and evdev.
#
#   tests/e2e/emu.sh SLIPMAT CHECK
#
# SLIPMAT is the x86_64 firmware, CHECK the pixel and tone checker built
# from tests/e2e/check.c. Prints "ok - ..." or "not ok - ..." per check.
# Every wait is on what the guest says (serial log, files), never a sleep:
# under TCG the guest runs seconds behind.
set -u
bin=$(realpath "$1")
check=$(realpath "$2")
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out=build/e2e
run=$out/run
E=build/emu/emuctl
log=$run/serial.log
mkdir -p "$out"

ok() { echo "ok - $*"; }
nok() { echo "not ok - $*"; }
# expect DESCRIPTION COMMAND...: one check, its output indented below.
expect() {
	desc=$1
	shift
	if res=$("$@" 2>&1); then ok "$desc"; else nok "$desc"; fi
	[ -n "$res" ] && printf '%s\n' "$res" | sed 's/^/    /'
	return 0
}
kernel=$(tools/emu/kernel.sh x86_64 build/emu/kernel-x86_64) || {
	nok "fetch Debian's PREEMPT_RT kernel"
	exit 1
}
set -- $kernel
tools/emu/initramfs.sh x86_64 "$2" "$bin" boards/emu-x86_64.board "$out/x86_64.cpio.gz" \
	>"$out/initramfs.log" 2>&1 || {
	nok "build the initramfs (see $out/initramfs.log)"
	exit 1
}
tools/emu/boot.sh --arch x86_64 --kernel "$1" --initrd "$out/x86_64.cpio.gz" --dir "$run" \
	--audio-channels 6 >/dev/null || {
	nok "start QEMU"
	exit 1
}
trap '$E quit "$run/qmp.sock" >/dev/null 2>&1' EXIT

# 1. Boot to the first frame, and how long it took from kernel start.
if line=$($E wait "$log" 'slipmat: first frame on' 180); then
	ok "slipmat boots as PID 1 and flips its first frame"
	echo "    $line"
	echo "    time from kernel start to slipmat's first frame: $(echo "$line" |
		sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p') s"
else
	nok "slipmat boots as PID 1 and flips its first frame"
	tail -30 "$log" | sed 's/^/    /'
	exit 1
fi
$E wait "$log" 'slipmat info: ready' 60 >/dev/null

# seen HEAD CHECK-ARGS...: screendump HEAD and run the checker on it.
seen() {
	head=$1 what=$2
	shift 2
	$E screendump "$run/qmp.sock" "$head" "$out/head$head.ppm" >/dev/null &&
		"$check" "$what" "$out/head$head.ppm" "$@"
}
# retry SECONDS COMMAND...: the screen may still show an earlier frame.
retry() {
	t=$(($(date +%s) + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge "$t" ] && break
		sleep 0.5
	done
	"$@"
}

# 2. Both heads show the test card, each with its own connector name.
expect "head 0 shows the test card of Virtual-1" retry 30 seen 0 card Virtual-1
expect "head 1 shows the test card of Virtual-2" retry 30 seen 1 card Virtual-2
expect "no touch mark on head 1 before any touch" seen 1 nomark

# 3. A tap on the second screen's tablet marks the right place on the
# right head, and only there. The tablet spans 0..32767 over 1280x800.
$E wait "$log" 'touch /dev/input/event1' 60 >/dev/null
$E wait "$log" 'touch /dev/input/event0' 60 >/dev/null
off=$(wc -c <"$log")
$E tap "$run/qmp.sock" touch1 8192 24576 >/dev/null
$E wait -o "$off" "$log" 'touch on display 1' 60 | sed 's/^/    /'
x=$((8192 * 1279 / 32767)) y=$((24576 * 799 / 32767))
expect "a tap on touch1 at (8192,24576) marks head 1 at $x,$y" retry 20 seen 1 mark $x $y 2
expect "head 0 has no mark after a tap on head 1" seen 0 nomark
off=$(wc -c <"$log")
$E tap "$run/qmp.sock" touch0 30000 2000 >/dev/null
$E wait -o "$off" "$log" 'touch on display 0' 60 | sed 's/^/    /'
x=$((30000 * 1279 / 32767)) y=$((2000 * 799 / 32767))
expect "a tap on touch0 at (30000,2000) marks head 0 at $x,$y" retry 20 seen 0 mark $x $y 2

# 4. slipmat status, typed into the guest's serial console.
off=$(wc -c <"$log")
$E serial "$run/serial.sock" 'slipmat status' >/dev/null
$E wait -o "$off" "$log" 'allocations:' 60 >/dev/null
status=$(tail -c +"$((off + 1))" "$log" | tr -d '\r' | sed 's/^emu# //')
printf '%s\n' "$status" | sed -n '/^board:/,/^allocations:/p' | sed 's/^/    /'
has() { printf '%s\n' "$status" | grep -q "$1"; }
expect "status reports the usb-audio device" has '^audio device: hw:CARD=Audio,DEV=0 "QEMU USB Audio"'
expect "status reports the format: S16_LE, 48 kHz, 6 channels, master 1-2, cue 3-4" \
	has '^audio format: S16_LE, 48000 Hz, 6 channels (master 1-2, cue 3-4)'
expect "status reports the period" has '^audio period: 256 frames x 4'
expect "status reports the xrun count" has '^audio xruns: [0-9]'
expect "status reports both displays" has '^display 1: Virtual-2 1280x800'
expect "status reports both touch devices" has '^touch devices: 2'
expect "nothing allocated after init" has 'allocations: .*, 0 after init'

# 5. The recording: tone A on outputs 1-2, tone B on 3-4. QEMU writes
# the WAV as the guest plays; wait until it holds 3 s of six channels.
t=$(($(date +%s) + 120))
while [ "$(stat -c %s "$run/audio.wav" 2>/dev/null || echo 0)" -lt $((44 + 3 * 48000 * 12)) ] &&
	[ "$(date +%s)" -lt "$t" ]; do
	sleep 1
done
cp "$run/audio.wav" "$out/audio.wav"
a=$(sed -n 's/^#define AUDIO_TONE_A_HZ \([0-9]*\).*/\1/p' fw/audio.h)
b=$(sed -n 's/^#define AUDIO_TONE_B_HZ \([0-9]*\).*/\1/p' fw/audio.h)
expect "output 1 carries tone A ($a Hz)" "$check" tone "$out/audio.wav" 1 "$a"
expect "output 2 carries tone A ($a Hz)" "$check" tone "$out/audio.wav" 2 "$a"
expect "output 3 carries tone B ($b Hz)" "$check" tone "$out/audio.wav" 3 "$b"
expect "output 4 carries tone B ($b Hz)" "$check" tone "$out/audio.wav" 4 "$b"
