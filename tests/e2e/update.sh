#!/bin/sh
# Field updates in the appliance emulator: the box boots its firmware from
# an ext4 firmware partition (virtio disk), PID 1 supervising the player.
#
#   tests/e2e/update.sh ARCH BUILD [CUTS]
#
# BUILD is build/<ARCH> (slipmat and slipmat.release); CUTS is the number
# of power cuts (QEMU killed) at random moments of an install (default 3).
# Through the control socket, as the stick and the screen will: refused
# releases (altered, other architecture, older), a release that crashes
# at start and one that hangs (the box must be back on the previous
# version by itself), a good newer release (trial, then current), a
# crashed player (restarted with the decks' state), then the power cuts,
# after each of which the box must boot a good firmware.
# Prints "ok N - ..." / "not ok N - ..." lines; waits on the serial log.
set -u
arch=$1
build=$(realpath "$2")
cuts=${3:-3}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out=build/e2e/update-$arch
run=$out/run
E=build/emu/emuctl
R=build/tools/release
key=build/keys/dev.key
log=$run/serial.log
n=0 failed=0
case $arch in
	x86_64) family=pc ;;
	aarch64) family=rk3588 ;;
	*) echo "update.sh: ARCH is x86_64 or aarch64" >&2; exit 2 ;;
esac
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); echo "not ok $n - $*"; failed=1; }
# sign IN OUT VERSION [--rollback] [--arch A --board B]
sign() { in=$1 o=$2 v=$3; shift 3; $R sign "$key" "$in" "$o" --version "$v" --arch "$arch" --board "$family" "$@"; }

for f in "$build/slipmat" "$build/slipmat.release" "$R" "$key"; do
	[ -r "$f" ] || { nok "$arch: $f missing (make all first)"; exit 1; }
done
set -- $(tools/emu/kernel.sh "$arch" "build/emu/kernel-$arch") || { nok "fetch the kernel"; exit 1; }
kernel=$1 modules=$2

# --- the firmware partition: slipmat/current = this build's release (0.1.0)
rm -rf "$out/disk"
mkdir -p "$out/disk/slipmat" "$out/disk/releases"
rel=$out/disk/releases
cp "$build/slipmat.release" "$out/disk/slipmat/current"
sign "$build/slipmat" "$rel/good.release" 0.2.0
printf '#!/bin/sh\nkill -SEGV $$\n' > "$out/crash.sh"
sign "$out/crash.sh" "$rel/crash.release" 0.3.0
printf '#!/bin/sh\nexec sleep 100000\n' > "$out/hang.sh"
sign "$out/hang.sh" "$rel/hang.release" 0.3.1
cp "$rel/good.release" "$rel/altered.release"
printf 'X' | dd of="$rel/altered.release" bs=1 seek=4096 conv=notrunc status=none
other=aarch64 otherfam=rk3588
[ "$arch" = aarch64 ] && other=x86_64 otherfam=pc
$R sign "$key" "$build/slipmat" "$rel/other-arch.release" --version 0.4.0 --arch $other --board $otherfam
sign "$build/slipmat" "$rel/old.release" 0.0.9
k=1
while [ $k -le "$cuts" ]; do
	sign "$build/slipmat" "$rel/cut-$k.release" "1.$k.0"
	k=$((k + 1))
done
size=$((48 + 2 * cuts))
rm -f "$out/disk.img"
mke2fs -q -F -t ext4 -d "$out/disk" "$out/disk.img" "${size}M" >"$out/mke2fs.log" 2>&1 || { nok "make the ext4 image"; exit 1; }
disk=$(realpath "$out/disk.img")

tools/emu/initramfs.sh "$arch" "$modules" "$build/slipmat" "boards/emu-$arch.board" \
	"$out/initrd.cpio.gz" >"$out/initramfs.log" 2>&1 || { nok "build the initramfs"; exit 1; }

boot() {
	tools/emu/boot.sh --arch "$arch" --kernel "$kernel" --initrd "$out/initrd.cpio.gz" \
		--dir "$run" --audio-channels 2 \
		--append "slipmat.boot=/dev/vda slipmat.bootfs=ext4 slipmat.trial_s=60" \
		-- -drive "file=$disk,format=raw,if=virtio" >/dev/null
}
quit() { $E quit "$run/qmp.sock" >/dev/null 2>&1; }
trap quit EXIT
# say CMD: type CMD into the guest's shell; prints the log offset before it.
say() { o=$(wc -c < "$log"); $E serial "$run/serial.sock" "$1"; echo "$o"; }
# seen OFFSET TEXT SECONDS: the line, once it shows after OFFSET.
seen() { $E wait -o "$1" "$log" "$2" "$3"; }

boot || { nok "start QEMU"; exit 1; }
if line=$(seen 0 'player: firmware 0.1.0 from the current slot' 180); then
	ok "$arch: PID 1 runs firmware 0.1.0 from the ext4 firmware partition as its player"
else
	nok "$arch: PID 1 runs firmware 0.1.0 from the ext4 firmware partition as its player"
	tail -40 "$log" | sed 's/^/    /'
	exit 1
fi
seen 0 'slipmat: first frame on' 120 >/dev/null

# --- refused releases, the running firmware untouched ---------------------
refuse() { # NAME EXPECTED DESCRIPTION
	o=$(say "slipmat update /boot/releases/$1")
	if line=$(seen "$o" "$2" 60); then ok "$arch: $3 refused: ${line#*error: }"; else nok "$arch: $3 refused"; fi
}
refuse altered.release 'do not match the signed hash' "an altered release"
refuse other-arch.release "built for $other" "a release for another architecture"
refuse old.release 'is not newer than the installed 0.1.0' "an older release (downgrade)"
o=$(say 'slipmat update confirm')
seen "$o" 'no update offered' 30 >/dev/null && ok "$arch: nothing to confirm after refusals" ||
	nok "$arch: nothing to confirm after refusals"
# Checking releases in the loop allocates nothing (the guard counts).
o=$(say 'slipmat status')
if line=$(seen "$o" 'allocations:' 30) && echo "$line" | grep -q ', 0 after init'; then
	ok "$arch: checking four releases allocated nothing after init"
else
	nok "$arch: checking releases allocated nothing after init (${line:-no status})"
fi

# --- broken releases: back on the previous version by themselves ----------
broken() { # NAME VERSION DESCRIPTION
	o=$(say "slipmat update /boot/releases/$1 && slipmat update confirm")
	if seen "$o" "starting trial firmware $2 (start 1 of 2)" 120 >/dev/null &&
		seen "$o" "starting trial firmware $2 (start 2 of 2)" 180 >/dev/null &&
		seen "$o" 'did not come up in 2 starts' 180 >/dev/null &&
		seen "$o" 'player: firmware 0.1.0 from the current slot' 120 >/dev/null &&
		seen "$o" 'slipmat info: ready' 120 >/dev/null; then
		ok "$arch: $3 (signed $2): two trial starts, then back on 0.1.0 by itself"
	else
		nok "$arch: $3 (signed $2): back on 0.1.0 by itself"
		tail -30 "$log" | sed 's/^/    /'
	fi
}
broken crash.release 0.3.0 "a release that crashes at start"
broken hang.release 0.3.1 "a release that hangs"

# --- a crashed player comes back within 2 s with its decks ---------------
seen 0 'slipmat: first frame on' 60 >/dev/null
o=$(say 'kill -SEGV $(pidof current)')
# stamp LINE: the [seconds] of a log line (the prompt may come first).
stamp() { echo "$1" | sed -n 's/^[^[]*\[ *\([0-9.]*\)\].*/\1/p'; }
if d=$(seen "$o" 'died of signal 11' 60) && r=$(seen "$o" 'resuming the decks' 60); then
	gap=$(echo "$(stamp "$d") $(stamp "$r")" | awk '{ printf "%d", ($2 - $1) * 1000 }')
	ro=$(grep -b 'resuming the decks' "$log" | tail -n 1 | cut -d: -f1)
	if [ "$gap" -ge 0 ] && [ "$gap" -lt 2000 ] && seen "$ro" 'deck A resumed at' 30 >/dev/null &&
		f=$(seen "$ro" 'slipmat info: first frame on' 60) &&
		seen "$ro" 'slipmat info: ready' 120 >/dev/null; then
		ok "$arch: a crashed player is running again $gap ms later, decks resumed"
		echo "    $(seen "$ro" 'deck A resumed at' 1 | sed 's/^[^]]*] //')"
		echo "    crash to the new player's first frame: $(echo "$(stamp "$d") $(stamp "$f")" |
			awk '{ printf "%d", ($2 - $1) * 1000 }') ms (under TCG)"
	else
		nok "$arch: a crashed player is running again within 2 s (took $gap ms)"
	fi
else
	nok "$arch: a crashed player is restarted"
fi

# --- a good release: trial, proven, current ------------------------------
o=$(say 'slipmat update /boot/releases/good.release && slipmat update confirm')
if seen "$o" 'starting trial firmware 0.2.0' 120 >/dev/null &&
	line=$(seen "$o" 'proved itself: now current' 240); then
	o=$(say 'slipmat update status')
	if seen "$o" 'firmware: 0.2.0, current' 60 >/dev/null; then
		echo "    ${line#*] }"
		ok "$arch: release 0.2.0 ran on trial, proved itself (audio + frames), is current"
	else
		nok "$arch: release 0.2.0 is current after its trial"
		tail -30 "$log" | sed 's/^/    /'
	fi
else
	nok "$arch: release 0.2.0 installs and proves itself"
	tail -30 "$log" | sed 's/^/    /'
fi

# --- power cuts at random moments of installs -----------------------------
good=0 k=1
while [ $k -le "$cuts" ]; do
	o=$(say "slipmat update /boot/releases/cut-$k.release && slipmat update confirm")
	seen "$o" 'update: offering' 120 >/dev/null
	# A random moment after the offer: within the check, copy and rename,
	# the restart into the trial, or up to the trial proving itself.
	case $((k % 4)) in
		1) span=600 ;;
		2) span=1500 ;;
		3) span=6000 ;;
		*) span=20000 ;;
	esac
	ms=$(od -An -tu4 -N4 /dev/urandom | tr -d ' ')
	ms=$((ms % span))
	sleep "$(echo "$ms" | awk '{ printf "%.3f", $1 / 1000 }')"
	kill -9 "$(cat "$run/qemu.pid")" 2>/dev/null
	while [ -r "/proc/$(cat "$run/qemu.pid")/stat" ] &&
		! grep -q '^[0-9]* ([^)]*) Z' "/proc/$(cat "$run/qemu.pid")/stat"; do sleep 0.05; done
	cp "$log" "$out/cut-$k.log"
	# How far the install had got, as far as the console had printed.
	tail -c +"$o" "$out/cut-$k.log" > "$out/cut-$k.tail"
	if grep -q 'proved itself' "$out/cut-$k.tail"; then phase="after the trial proved itself"
	elif grep -q "starting trial firmware 1.$k.0" "$out/cut-$k.tail"; then phase="while the trial ran"
	elif grep -q 'as trial' "$out/cut-$k.tail"; then phase="after the install, before the restart"
	else phase="during the check, copy or rename"
	fi
	boot || { nok "restart QEMU after cut $k"; break; }
	if p=$(seen 0 'player: firmware' 180) && seen 0 'slipmat: first frame on' 120 >/dev/null &&
		seen 0 'slipmat info: ready' 60 >/dev/null &&
		s=$(seen "$(say 'slipmat update status')" 'firmware:' 60); then
		good=$((good + 1))
		grep -q 'install was cut short' "$log" && phase="$phase; a half-written trial.tmp was removed"
		ok "$arch: power cut $k at +$ms ms ($phase): boots ${p#*player: }; ${s#*firmware: }"
	else
		nok "$arch: power cut $k at +$ms ms ($phase): the box did not come back"
		tail -30 "$log" | sed 's/^/    /'
	fi
	k=$((k + 1))
done
echo "# $arch power cuts: $good of $cuts came back on a good firmware"
exit $failed
