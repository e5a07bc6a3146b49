#!/bin/sh
# Touch to sound in the emulator (make bench).
#
#   sh tools/bench/touch.sh HOSTOUT [TAPS]
#
# Boots the x86_64 box (Debian's PREEMPT_RT kernel in QEMU TCG, the
# emulator's profile: snd-usb-audio, 256 x 4 frames at 48 kHz) with deck A
# playing its test track, and taps TAPS times (20 by default) by QMP on
# deck A's controls, in turns: hot cue 1 (the first tap sets it, the
# others jump to it), play (pause), play (play again). The box times each
# tap itself, from the kernel's timestamp of the touch to the moment its
# first affected sample leaves the interface (fw/engine.h), and `slipmat
# status` typed on the serial console reports the last, median and worst.
# Prints a markdown table; the serial log is HOSTOUT/bench/touch/serial.log.
set -u
host=${1:?usage: sh tools/bench/touch.sh HOSTOUT [TAPS]}
taps=${2:-20}
cd "$(dirname "$0")/../.."
arch=x86_64
run=$host/bench/touch
log=$run/serial.log
E=build/emu/emuctl
mkdir -p "$run"

kernel=$(tools/emu/kernel.sh "$arch" "build/emu/kernel-$arch") || {
	echo "touch.sh: cannot fetch Debian's kernel" >&2
	exit 1
}
set -- $kernel
tools/emu/initramfs.sh "$arch" "$2" "$host/slipmat" "boards/emu-$arch.board" "$run.cpio.gz" \
	>"$run.initramfs.log" 2>&1 || {
	echo "touch.sh: cannot build the initramfs (see $run.initramfs.log)" >&2
	exit 1
}
tools/emu/boot.sh --arch "$arch" --kernel "$1" --initrd "$run.cpio.gz" --dir "$run" \
	--audio-channels 2 >/dev/null || {
	echo "touch.sh: cannot start QEMU" >&2
	exit 1
}
trap '$E quit "$run/qmp.sock" >/dev/null 2>&1' EXIT
if ! $E wait "$log" 'slipmat info: ready' 240 >/dev/null; then
	echo "touch.sh: the box did not come up" >&2
	tail -20 "$log" >&2
	exit 1
fi

# ask COMMAND UNTIL: type COMMAND on the console; the reply up to a line matching UNTIL.
ask() {
	off=$(wc -c <"$log")
	$E serial "$run/serial.sock" "$1" >/dev/null
	$E wait -o "$off" "$log" "$2" 60 >/dev/null
	tail -c +"$((off + 1))" "$log" | tr -d '\r' | sed 's/^emu# //'
}
# at CONTROL: the tablet's coordinates of the control's centre (1280x800 heads).
screens=$(ask 'slipmat screens' 'control master:')
at() {
	printf '%s\n' "$screens" |
		sed -n "s/^control $1: display 0 at \([0-9]*\),\([0-9]*\) \([0-9]*\)x\([0-9]*\)\$/\1 \2 \3 \4/p" |
		awk '{ printf "%d %d", ($1 + $3 / 2) * 32767 / 1279, ($2 + $4 / 2) * 32767 / 799 }'
}
play=$(at play-a)
cue=$(at hot-cue-1-a)
if [ -z "$play" ] || [ -z "$cue" ]; then
	echo "touch.sh: deck A's play and hot cue 1 are not in \`slipmat screens\`" >&2
	exit 1
fi

i=0
while [ "$i" -lt "$taps" ]; do
	case $((i % 3)) in
	0) where=$cue ;;
	*) where=$play ;;
	esac
	off=$(wc -c <"$log")
	# shellcheck disable=SC2086
	$E tap "$run/qmp.sock" touch0 $where >/dev/null
	$E wait -o "$off" "$log" 'touch on display 0' 60 >/dev/null || {
		echo "touch.sh: tap $((i + 1)) never reached the box" >&2
		exit 1
	}
	sleep 0.4 # apart, as a DJ's taps are (and no double tap)
	i=$((i + 1))
done
sleep 1
status=$(ask 'slipmat status' 'allocations:')
line=$(printf '%s\n' "$status" | grep '^touch to sound:')
board=boards/emu-$arch.board
period="$(sed -n 's/^period = //p' "$board") x $(sed -n 's/^periods = //p' "$board") frames at $(sed -n 's/^rate = //p' "$board") Hz"
lost=$(printf '%s\n' "$status" | sed -n 's/^audio hotplug: .*lost \([0-9]*\) time.*/\1/p')
echo "$line" >&2
# field WORD: the number after WORD in the status line.
field() { printf '%s\n' "$line" | sed -n "s/.*$1 \([0-9.]*\) .*/\1/p"; }
n=$(printf '%s\n' "$line" | sed -n 's/.* over \([0-9]*\) taps.*/\1/p')
echo "| touch to sound, x86_64 emulator (QEMU TCG, PREEMPT_RT, snd-usb-audio) | value |"
echo "|---|---|"
echo "| taps by QMP on deck A (hot cue 1, play, play, ...) | $taps sent, ${n:-none} timed |"
echo "| median, touch to first sample out | $(field median) ms |"
echo "| worst | $(field worst) ms |"
echo "| audio period (the device's buffer is all of them) | $period |"
echo "| the interface lost (a write error) and reopened during the run | ${lost:-0} times |"
[ "${n:-0}" -eq "$taps" ]
