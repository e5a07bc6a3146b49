#!/bin/sh
# make run: boot the appliance, slipmat as PID 1 in the emulator with the
# emulator's board profile, showing both screens, with the demo library
# on a USB stick: generated tracks (tools/gen/demo.c).
#
#   tools/emu/run.sh SLIPMAT [ARCH]
#
# With a display ($DISPLAY or $WAYLAND_DISPLAY) QEMU opens a window with
# both heads and the tablets follow the mouse: deck A plays the first
# track on the master, deck B has the second, and the rest is yours; the
# run ends when the window is closed. Headless, the box plays the
# end-to-end test's set as a demo (tests/e2e/set.sh), by touch: tracks
# found in the library browser and loaded, deck A playing, deck B cued in
# the headphones, synced, the crossfader across, a hot cue, a loop; then
# build/run/ holds a screenshot of both screens after each step
# (NN-STEP-head0.png, NN-STEP-head1.png; head0.png and head1.png are the
# last), mix.wav (what the box played: master left, cue right) and
# serial.log (the console).
set -eu
bin=$(realpath "$1")
arch=${2:-x86_64}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out=build/run
E=build/emu/emuctl
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
	rm -rf "$out"
	echo "run: no display; slipmat plays the demo set headless (about two minutes)"
	exec tests/e2e/set.sh "$arch" "$bin" "$(dirname "$bin")/e2e/check" "$out"
fi
mkdir -p "$out"

set -- $(tools/emu/kernel.sh "$arch" "build/emu/kernel-$arch")
kernel=$1 modules=$2
tools/emu/initramfs.sh "$arch" "$modules" "$bin" "boards/emu-$arch.board" \
	"build/emu/run-$arch.cpio.gz" >/dev/null
# The demo library: a FAT stick image of generated tracks, made once.
stick=build/emu/demo-stick.img
if [ ! -s "$stick" ]; then
	echo "run: making the demo library (build/emu/demo-stick.img)"
	gcc -std=c11 -D_GNU_SOURCE -O2 -I. -o build/emu/demo tools/gen/demo.c tools/gen/gentrack.c -lm
	rm -rf build/emu/demo-tracks && mkdir -p build/emu/demo-tracks
	build/emu/demo build/emu/demo-tracks 90 >/dev/null
	rm -f "$stick.tmp"
	mkfs.vfat -C -n DEMO "$stick.tmp" 65536 >/dev/null
	MTOOLS_SKIP_CHECK=1 mcopy -i "$stick.tmp" build/emu/demo-tracks/*.wav ::/
	mv "$stick.tmp" "$stick"
fi
tools/emu/boot.sh --arch "$arch" --kernel "$kernel" --initrd "build/emu/run-$arch.cpio.gz" \
	--dir "$out/qemu" --audio-channels 2 --window >/dev/null
trap '$E quit "$out/qemu/qmp.sock" >/dev/null 2>&1 || true' EXIT INT TERM

echo "run: booting slipmat ($arch) in the emulator; console in $out/qemu/serial.log"
$E wait "$out/qemu/serial.log" 'slipmat: first frame on' 180
$E wait "$out/qemu/serial.log" 'slipmat info: ready' 60 >/dev/null

# Plug the demo stick in; once it is scanned, a track on each deck.
$E qmp "$out/qemu/qmp.sock" "{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":\"raw\",\"node-name\":\"demo\",\"read-only\":false,\"file\":{\"driver\":\"file\",\"filename\":\"$(realpath "$stick")\"}}}" >/dev/null
$E qmp "$out/qemu/qmp.sock" '{"execute":"device_add","arguments":{"driver":"usb-storage","id":"demo0","drive":"demo","bus":"xhci.0","port":"4","removable":true}}' >/dev/null
if $E wait "$out/qemu/serial.log" 'library: usb sda (/run/slipmat/usb/sda): 3 tracks' 120 >/dev/null; then
	d=/run/slipmat/usb/sda
	# one load at a time: B's after A's is in
	$E serial "$out/qemu/serial.sock" "slipmat load A '$d/01 Night Drive.wav'" >/dev/null
	$E wait "$out/qemu/serial.log" 'Night Drive.wav: 90.0 s in' 120 >/dev/null
	$E serial "$out/qemu/serial.sock" "slipmat load B '$d/02 Glass Floor.wav'" >/dev/null
	$E wait "$out/qemu/serial.log" 'Glass Floor.wav: 90.0 s in' 120 >/dev/null
	$E serial "$out/qemu/serial.sock" 'slipmat play A; slipmat play B' >/dev/null
	echo "run: the demo library is in; deck A plays Night Drive, deck B Glass Floor in the headphones"
else
	echo "run: the demo stick did not appear (see $out/qemu/serial.log); the decks play their test tones"
fi
echo "run: both screens are in the QEMU window; close it to stop"
while kill -0 "$(cat "$out/qemu/qemu.pid")" 2>/dev/null; do
	sleep 1
done
