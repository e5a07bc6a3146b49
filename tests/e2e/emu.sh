#!/bin/sh
# The whole box in the appliance emulator: slipmat as PID 1 on Debian's
# PREEMPT_RT kernel in QEMU, with real DRM, snd-usb-audio and evdev.
#
#   tests/e2e/emu.sh ARCH SLIPMAT CHECK
#
# ARCH is x86_64 (Debian's PREEMPT_RT kernel) or aarch64 (its arm64
# kernel, QEMU virt with a Cortex-A76); SLIPMAT is the firmware built for
# ARCH, CHECK the host's pixel and tone checker (tests/e2e/check.c).
# Prints "ok - ..." or "not ok - ..." per check. Three boots: the
# emulator's profile (screens, touch, hotplug, status, and the sound on
# QEMU's usb-audio, which records two channels exactly: split cue); the
# same box on the kernel's ALSA loopback card with four outputs, captured
# inside the guest, for the master 1-2 / cue 3-4 routing (QEMU's
# usb-audio has no four-channel mode); and on x86_64 a broken profile,
# on which the box must still come up, on safe defaults, with the
# errors on screen.
# Every wait is on what the guest says (serial log, files), never a sleep:
# under TCG the guest runs seconds behind.
set -u
arch=$1
bin=$(realpath "$2")
check=$(realpath "$3")
# The guest's own copies of the checker and the capture helper.
guest_tools=$(dirname "$bin")/e2e
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out=build/e2e/$arch
run=$out/run
E=build/emu/emuctl
log=$run/serial.log
mkdir -p "$out"

. tests/e2e/lib.sh
kernel=$(tools/emu/kernel.sh "$arch" "build/emu/kernel-$arch") || {
	nok "$arch: fetch Debian's kernel"
	exit 1
}
set -- $kernel
kernel=$1 modules=$2

# boot BOARD RUNDIR: the box with that profile, until QEMU listens.
boot() { # boot BOARD RUNDIR [--gpu cirrus]
	tools/emu/initramfs.sh "$arch" "$modules" "$bin" "$1" "$2.cpio.gz" \
		"$guest_tools/check" "$guest_tools/capture" >"$2.initramfs.log" 2>&1 || {
		nok "$arch: build the initramfs (see $2.initramfs.log)"
		exit 1
	}
	tools/emu/boot.sh --arch "$arch" --kernel "$kernel" --initrd "$2.cpio.gz" --dir "$2" \
		--audio-channels 2 ${3:+"$3"} ${4:+"$4"} >/dev/null || {
		nok "$arch: start QEMU"
		exit 1
	}
}
boot "boards/emu-$arch.board" "$run"
trap '$E quit "$run/qmp.sock" >/dev/null 2>&1' EXIT

# 1. Boot to the first frame, and how long it took from kernel start.
if line=$($E wait "$log" 'slipmat: first frame on' 180); then
	ok "$arch: slipmat boots as PID 1 and flips its first frame"
	echo "    $line"
	echo "    time from kernel start to slipmat's first frame ($arch): $(echo "$line" |
		sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p') s"
else
	nok "$arch: slipmat boots as PID 1 and flips its first frame"
	tail -30 "$log" | sed 's/^/    /'
	exit 1
fi
$E wait "$log" 'slipmat info: ready' 60 >/dev/null


# 1b. The DJ's screens come up first: where each control sits comes from
# `slipmat screens`; the decks play the test tracks, so deck A's play
# button is lit. A tap on it pauses deck A (the button goes dark), a
# second tap plays again. Then the technician's test card for the rest.
screens=$(ask 'slipmat screens' 'control master:')
play=$(printf '%s\n' "$screens" | sed -n 's/^control play-a: display 0 at \([0-9]*\),\([0-9]*\) \([0-9]*\)x\([0-9]*\)$/\1 \2 \3 \4/p')
expect "$arch: the DJ's screens list deck A's play button" test -n "$play"
set -- $play
px=$(($1 + $3 / 2)) py=$(($2 + 2)) tx=$((($1 + $3 / 2) * 32767 / 1279)) ty=$((($2 + $4 / 2) * 32767 / 799))
expect "$arch: deck A plays: its play button is lit green at $px,$py" retry 30 seen 0 pixel $px $py 22c55e 8
$E tap "$run/qmp.sock" touch0 "$tx" "$ty" >/dev/null
expect "$arch: a tap on it pauses deck A: the button goes dark" retry 20 seen 0 pixel $px $py 2a2e34 8
$E tap "$run/qmp.sock" touch0 "$tx" "$ty" >/dev/null
expect "$arch: a second tap plays again" retry 20 seen 0 pixel $px $py 22c55e 8
seen 0 png "$out/dj-screen0.png" >/dev/null 2>&1
seen 1 png "$out/dj-screen1.png" >/dev/null 2>&1
ask 'slipmat testcard on' 'test card' >/dev/null

# 2. Both heads show the test card, each with its own connector name.
expect "$arch: head 0 shows the test card of Virtual-1" retry 30 seen 0 card Virtual-1
expect "$arch: head 1 shows the test card of Virtual-2" retry 30 seen 1 card Virtual-2
expect "$arch: no touch mark on head 1 before any touch" seen 1 nomark

# 3. A tap on the second screen's tablet marks the right place on the
# right head, and only there. The tablet spans 0..32767 over 1280x800.
$E wait "$log" 'touch /dev/input/event1' 60 >/dev/null
$E wait "$log" 'touch /dev/input/event0' 60 >/dev/null
off=$(wc -c <"$log")
$E tap "$run/qmp.sock" touch1 8192 24576 >/dev/null
$E wait -o "$off" "$log" 'touch on display 1' 60 | sed 's/^/    /'
x=$((8192 * 1279 / 32767)) y=$((24576 * 799 / 32767))
expect "$arch: a tap on touch1 at (8192,24576) marks head 1 at $x,$y" retry 20 seen 1 mark $x $y 2
expect "$arch: head 0 has no mark after a tap on head 1" seen 0 nomark
off=$(wc -c <"$log")
$E tap "$run/qmp.sock" touch0 30000 2000 >/dev/null
$E wait -o "$off" "$log" 'touch on display 0' 60 | sed 's/^/    /'
x=$((30000 * 1279 / 32767)) y=$((2000 * 799 / 32767))
expect "$arch: a tap on touch0 at (30000,2000) marks head 0 at $x,$y" retry 20 seen 0 mark $x $y 2

# Unplugging a touchscreen and plugging it back in: the kernel's uevents
# close and reopen it, and it still lands on its own screen.
off=$(wc -c <"$log")
$E qmp "$run/qmp.sock" '{"execute":"device_del","arguments":{"id":"touch1"}}' >/dev/null
expect "$arch: unplugging touch1 closes its device" \
	$E wait -o "$off" "$log" 'event1 "QEMU QEMU USB Tablet": ' 60
off=$(wc -c <"$log")
$E qmp "$run/qmp.sock" '{"execute":"device_add","arguments":{"driver":"usb-tablet","id":"touch1","bus":"xhci.0","port":"2","display":"video0","head":1}}' >/dev/null
expect "$arch: plugging it back in opens it again for display 1" \
	$E wait -o "$off" "$log" 'phys "usb-0000:00:03.0-2/input0": absolute pointer, display 1' 60
off=$(wc -c <"$log")
$E tap "$run/qmp.sock" touch1 24576 8192 >/dev/null
$E wait -o "$off" "$log" 'touch on display 1' 60 | sed 's/^/    /'
x=$((24576 * 1279 / 32767)) y=$((8192 * 799 / 32767))
expect "$arch: after replugging, a tap on touch1 marks head 1 at $x,$y" retry 20 seen 1 mark $x $y 2

# 4. slipmat status, typed into the guest's serial console.
off=$(wc -c <"$log")
$E serial "$run/serial.sock" 'slipmat status' >/dev/null
$E wait -o "$off" "$log" 'allocations:' 60 >/dev/null
status=$(tail -c +"$((off + 1))" "$log" | tr -d '\r' | sed 's/^emu# //')
printf '%s\n' "$status" | sed -n '/^board:/,/^allocations:/p' | sed 's/^/    /'
has() { printf '%s\n' "$status" | grep -q "$1"; }
expect "$arch: status reports the usb-audio device" has '^audio device: hw:CARD=Audio,DEV=0 "QEMU USB Audio"'
expect "$arch: status reports the format: S16_LE, 48 kHz, 2 channels, split cue" \
	has '^audio format: S16_LE, 48000 Hz, 2 channels (split cue: master left, cue right)'
expect "$arch: status reports the period" has '^audio period: 256 frames x 4'
expect "$arch: status reports the xrun count" has '^audio xruns: [0-9]'
expect "$arch: status reports both displays" has '^display 1: Virtual-2 1280x800'
expect "$arch: status reports both touch devices" has '^touch devices: 2'
expect "$arch: nothing allocated after init" has 'allocations: .*, 0 after init'
# The two taps on deck A's play button, timed by the box from the touch's
# kernel timestamp to their first sample at the interface.
echo "    $arch emulator: $(printf '%s\n' "$status" | grep '^touch to sound:')"
expect "$arch: status times both taps on play from touch to sound" \
	has '^touch to sound: last [0-9.]* ms, median [0-9.]* ms, worst [0-9.]* ms over 2 taps$'

# 5. The recording: master (tone A) left, cue (tone B) right. QEMU
# writes the WAV as the guest plays; wait until it holds 3 s.
t=$(($(date +%s) + 120))
while [ "$(stat -c %s "$run/audio.wav" 2>/dev/null || echo 0)" -lt $((44 + 3 * 48000 * 4)) ] &&
	[ "$(date +%s)" -lt "$t" ]; do
	sleep 1
done
cp "$run/audio.wav" "$out/audio.wav"
a=$(sed -n 's/^#define AUDIO_TONE_A_HZ \([0-9]*\).*/\1/p' fw/audio.h)
b=$(sed -n 's/^#define AUDIO_TONE_B_HZ \([0-9]*\).*/\1/p' fw/audio.h)
db=$(sed -n 's/^#define AUDIO_TONE_DBFS (\(-[0-9]*\)).*/\1/p' fw/audio.h)
expect "$arch: usb-audio output 1 (master) carries tone A ($a Hz, $db dBFS)" \
	"$check" tone "$out/audio.wav" 1 "$a" "$db"
expect "$arch: usb-audio output 2 (cue) carries tone B ($b Hz, $db dBFS)" \
	"$check" tone "$out/audio.wav" 2 "$b" "$db"

# 5b. The interface pulled while it plays, and plugged back in: slipmat
# says it went away, keeps running (status answers, the screens keep
# drawing) and reopens it when the kernel announces it; sound resumes.
# QEMU closes audio.wav (sizes written) when the device goes and starts
# it afresh when it comes back, so each file holds one side of the gap.
wav_bytes() { stat -c %s "$1" 2>/dev/null || echo 0; }
frames_of() { printf '%s\n' "$1" | sed -n "s/^display $2: .*, frames \([0-9]*\),.*/\1/p"; }
# status_now: one status command; its output in $status.
status_now() {
	off=$(wc -c <"$log")
	$E serial "$run/serial.sock" 'slipmat status' >/dev/null
	$E wait -o "$off" "$log" 'allocations:' 60 >/dev/null
	status=$(tail -c +"$((off + 1))" "$log" | tr -d '\r' | sed 's/^emu# //')
}
{
	off=$(wc -c <"$log")
	$E qmp "$run/qmp.sock" '{"execute":"device_del","arguments":{"id":"audio0"}}' >/dev/null
	if line=$($E wait -o "$off" "$log" 'went away' 60); then
		ok "$arch: pulling the usb-audio device: slipmat says it went away"
		echo "    $line"
	else
		nok "$arch: pulling the usb-audio device: slipmat says it went away"
		tail -c +"$((off + 1))" "$log" | tail -20 | sed 's/^/    /'
	fi
	cp "$run/audio.wav" "$out/audio-unplugged.wav"
	expect "$arch: before the pull, output 1 carried tone A ($a Hz, $db dBFS)" \
		"$check" tone "$out/audio-unplugged.wav" 1 "$a" "$db"
	status_now
	printf '%s\n' "$status" | grep -E '^(audio (state|hotplug)|display [01]):' | sed 's/^/    /'
	expect "$arch: status reports the device absent" has '^audio hotplug: absent for '
	printf '%s\n' "$status" | grep -E '^audio (device|format):' | sed 's/^/    /'
	expect "$arch: while it is away, status names the device and what the profile asks for" \
		has '^audio format: none while not open; the profile asks for S16_LE, 48000 Hz, 2 channels'
	f0=$(frames_of "$status" 0)
	# the next try of the missing device, a second or more later
	off=$(wc -c <"$log")
	$E wait -o "$off" "$log" 'cannot open for playback' 60 >/dev/null
	status_now
	f1=$(frames_of "$status" 0)
	echo "    display 0: frame $f0, then $f1"
	expect "$arch: without its device the box runs on: head 0 keeps drawing" \
		test "${f1:-0}" -gt "${f0:-0}"
	expect "$arch: it still shows the test card" seen 0 card Virtual-1

	off=$(wc -c <"$log")
	$E qmp "$run/qmp.sock" '{"execute":"device_add","arguments":{"driver":"usb-audio","id":"audio0","audiodev":"snd0","multi":true,"bus":"xhci.0","port":"3"}}' >/dev/null
	if line=$($E wait -o "$off" "$log" 'is back after' 60); then
		ok "$arch: plugging it back in: slipmat reopens it"
		echo "    $line"
	else
		nok "$arch: plugging it back in: slipmat reopens it"
		tail -c +"$((off + 1))" "$log" | tail -20 | sed 's/^/    /'
	fi
	t=$(($(date +%s) + 120))
	while [ "$(wav_bytes "$run/audio.wav")" -lt $((44 + 3 * 48000 * 4)) ] &&
		[ "$(date +%s)" -lt "$t" ]; do
		sleep 1
	done
	cp "$run/audio.wav" "$out/audio-replugged.wav"
	echo "    $(wav_bytes "$out/audio-replugged.wav") bytes recorded since the replug"
	expect "$arch: after the replug, output 1 (master) carries tone A again ($a Hz, $db dBFS)" \
		"$check" tone "$out/audio-replugged.wav" 1 "$a" "$db"
	expect "$arch: after the replug, output 2 (cue) carries tone B again ($b Hz, $db dBFS)" \
		"$check" tone "$out/audio-replugged.wav" 2 "$b" "$db"
	status_now
	printf '%s\n' "$status" | grep -E '^audio (state|hotplug|xruns)' | sed 's/^/    /'
	# Under TCG the fresh device may fail once more and be reopened again.
	expect "$arch: status reports it playing again after being reopened" \
		has '^audio hotplug: playing; lost [0-9]* times*, reopened [1-9][0-9]* times*'
	expect "$arch: nothing allocated outside a configuration window" has 'allocations: .*, 0 after init'
	expect "$arch: the audio thread made no system call its filter forbids" \
		sh -c '! grep -a "slipmat rtguard:" "$1"' - "$log"
}

# 5c. A USB stick with tracks: in the library, pulled while deck A
# plays, plugged back (tests/e2e/stick.sh; runs alone there too).
. tests/e2e/stick.sh
stick_test

$E quit "$run/qmp.sock" >/dev/null 2>&1

# 6. Four outputs on the loopback card: tone A on 1-2, tone B on 3-4,
# captured in the guest by tests/e2e/capture and measured there by the
# guest's own build of the checker.
run=$out/loopback
log=$run/serial.log
boot tests/e2e/loopback.board "$run"
trap '$E quit "$run/qmp.sock" >/dev/null 2>&1' EXIT
$E wait "$log" 'slipmat info: ready' 180 >/dev/null
off=$(wc -c <"$log")
$E serial "$run/serial.sock" "slipmat status; /extra/capture hw:CARD=Loopback,DEV=1,SUBDEV=0 4 3 /tmp/cap.wav;\
 for c in 1:$a 2:$a 3:$b 4:$b; do /extra/check tone /tmp/cap.wav \${c%:*} \${c#*:} $db;\
 echo tone-check \${c%:*} exit \$?; done; echo CAP''DONE" >/dev/null
$E wait -o "$off" "$log" 'CAPDONE' 180 >/dev/null
result=$(tail -c +"$((off + 1))" "$log" | tr -d '\r' | sed 's/^emu# //')
printf '%s\n' "$result" | grep -E '^(captured|channel|capture:)' | sed 's/^/    /'
has_result() { printf '%s\n' "$result" | grep -q "$1"; }
printf '%s\n' "$result" | grep -E '^audio (device|format|period|xruns)' | sed 's/^/    /'
expect "$arch: status reports the four-output loopback device" \
	has_result '^audio device: hw:CARD=Loopback,DEV=0 "Loopback"'
expect "$arch: status reports 4 channels, master 1-2, cue 3-4" \
	has_result '^audio format: S16_LE, 48000 Hz, 4 channels (master 1-2, cue 3-4)'
expect "$arch: status reports the loopback period" \
	has_result '^audio period: 256 frames x 4'
expect "$arch: status reports the loopback xrun count" has_result '^audio xruns: [0-9]'

expect "$arch: loopback output 1 (master) carries tone A ($a Hz, $db dBFS)" has_result '^tone-check 1 exit 0'
expect "$arch: loopback output 2 (master) carries tone A ($a Hz, $db dBFS)" has_result '^tone-check 2 exit 0'
expect "$arch: loopback output 3 (cue) carries tone B ($b Hz, $db dBFS)" has_result '^tone-check 3 exit 0'
expect "$arch: loopback output 4 (cue) carries tone B ($b Hz, $db dBFS)" has_result '^tone-check 4 exit 0'

$E quit "$run/qmp.sock" >/dev/null 2>&1
trap - EXIT
[ "$arch" = x86_64 ] || exit 0

# 7. A broken profile: the box boots on the built-in safe defaults (one
# display on the first connected connector, any touch device, hw:0,0 in
# stereo) and shows the profile's errors in red on the screen.
run=$out/broken
log=$run/serial.log
boot tests/e2e/broken.board "$run"
trap '$E quit "$run/qmp.sock" >/dev/null 2>&1' EXIT
if $E wait "$log" 'slipmat: first frame on' 180 >/dev/null; then
	ok "broken profile: the box still boots and draws"
else
	nok "broken profile: the box still boots and draws"
	tail -20 "$log" | sed 's/^/    /'
	exit 1
fi
$E wait "$log" 'slipmat info: ready' 60 >/dev/null
expect "broken profile: head 0 shows the test card on safe defaults" retry 30 seen 0 card Virtual-1
expect "broken profile: the first error is on screen in red, with file and line" \
	retry 30 seen 0 text ff4040 "/etc/slipmat/board:9: unknown key 'colour' in [display 0]"
expect "broken profile: the second error is on screen in red, with file and line" \
	retry 30 seen 0 text ff4040 "/etc/slipmat/board:14: rate: expected a whole number"
off=$(wc -c <"$log")
$E serial "$run/serial.sock" 'slipmat status' >/dev/null
$E wait -o "$off" "$log" 'allocations:' 60 >/dev/null
status=$(tail -c +"$((off + 1))" "$log" | tr -d '\r' | sed 's/^emu# //')
printf '%s\n' "$status" | sed -n '/^board:/,/^allocations:/p' | sed 's/^/    /'
expect "broken profile: status names the defaults and both errors" \
	has '^board: safe-defaults (built-in defaults)'
expect "broken profile: status counts 2 profile errors" has '^profile errors: 2'
expect "broken profile: audio still runs on the defaults" has '^audio state: running'

# 8. A 16-bit panel: the profile says format = RGB565, the DRM driver of
# the emulator's Cirrus VGA takes 16-bit dumb buffers, and what it scans
# out carries RGB565's quantisation: deck A's play button, green
# 0x22c55e in the UI, reads 0x21c75a on the screen.
$E quit "$run/qmp.sock" >/dev/null 2>&1
run=$out/rgb565
log=$run/serial.log
boot tests/e2e/rgb565.board "$run" --gpu cirrus
trap '$E quit "$run/qmp.sock" >/dev/null 2>&1' EXIT
if $E wait "$log" 'slipmat: first frame on' 180 >/dev/null; then
	ok "RGB565 panel: the box boots and draws on 16-bit scanout buffers"
else
	nok "RGB565 panel: the box boots and draws on 16-bit scanout buffers"
	tail -20 "$log" | sed 's/^/    /'
	exit 1
fi
$E wait "$log" 'slipmat info: ready' 60 >/dev/null
screens=$(ask 'slipmat screens' 'control master:')
play=$(printf '%s\n' "$screens" | sed -n 's/^control play-a: display 0 at \([0-9]*\),\([0-9]*\) \([0-9]*\)x\([0-9]*\)$/\1 \2 \3 \4/p')
set -- $play
expect "RGB565 panel: the DJ's screens laid out on it (deck A's play button listed)" test -n "$play"
expect "RGB565 panel: deck A's play button shows RGB565's green, 21c75a" \
	retry 30 seen 0 pixel $(($1 + $3 / 2)) $(($2 + 2)) 21c75a 0
seen 0 png "$out/rgb565-screen0.png" >/dev/null 2>&1
