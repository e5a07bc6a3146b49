#!/bin/sh
# Field updates in the appliance emulator: the box boots its firmware from
# an ext4 firmware partition (virtio disk), PID 1 supervising the player.
#
#   tests/e2e/update.sh ARCH BUILD [CUTS]
#
# BUILD is build/<ARCH> (slipmat and slipmat.release); CUTS is the number
# of power cuts (QEMU killed) at random moments of an install (default 3).
# Through the control socket: refused releases (altered, other
# architecture, older), a release that crashes at start and one that
# hangs (the box must be back on the previous version by itself), a good
# newer release (trial, then current), a crashed player (restarted with
# the decks' state). PID 1's splash holds the screens while a player is
# down (a screendump of both heads, compared with fw/splash.c's picture,
# during the hanging trial and after a crash). Then USB sticks plugged in
# over QMP: one with an older and an altered release (refused, the
# reason in the status bar, nothing installed) and one with a newer
# release: the dialog appears on the DJ's screen, Install is tapped on
# the touchscreen (twice: a deck plays), and the box comes back on the
# new version. Then the power cuts, after each of which the box must
# boot a good firmware.
# Prints "ok N - ..." / "not ok N - ..." lines; waits on the serial log.
# The host's checker (build/HOSTARCH/e2e/check) reads the screendumps.
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
# expect and retry from tests/e2e/lib.sh; its ok and nok are numbered here,
# and seen waits on the console (a screendump is shot).
. tests/e2e/lib.sh
ok() { n=$((n + 1)); echo "ok $n - $*"; }
nok() { n=$((n + 1)); echo "not ok $n - $*"; failed=1; }
case $arch in
	x86_64) family=pc ;;
	aarch64) family=rk3588 ;;
	*) echo "update.sh: ARCH is x86_64 or aarch64" >&2; exit 2 ;;
esac
# sign IN OUT VERSION [--rollback] [--arch A --board B]
sign() { in=$1 o=$2 v=$3; shift 3; $R sign "$key" "$in" "$o" --version "$v" --arch "$arch" --board "$family" "$@"; }

check=$root/build/$(uname -m)/e2e/check
for f in "$build/slipmat" "$build/slipmat.release" "$R" "$key" "$check"; do
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
# room for every cut's release (each a signed copy of the binary) and more
size=$((48 + cuts * ($(stat -c %s "$build/slipmat") / 1048576 + 1)))
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
# shot HEAD CHECK-ARGS...: screendump HEAD and run the checker on it.
shot() {
	h=$1 what=$2
	shift 2
	$E screendump "$run/qmp.sock" "$h" "$out/head$h.ppm" >/dev/null &&
		"$check" "$what" "$out/head$h.ppm" "$@"
}
# seen OFFSET TEXT SECONDS: the line, once it shows after OFFSET.
seen() { $E wait -o "$1" "$log" "$2" "$3"; }
# allocated_nothing WHAT: after WHAT, `slipmat status` counts no allocation after init.
allocated_nothing() {
	c=$(say 'slipmat status')
	if line=$(seen "$c" 'allocations:' 30) && echo "$line" | grep -q ', 0 after init'; then
		ok "$arch: $1 allocated nothing after init"
	else
		nok "$arch: $1 allocated nothing after init (${line:-no status})"
	fi
}
# splash LINE: both heads show PID 1's splash saying LINE.
splash() { shot 0 splash "$1" && shot 1 splash "$1"; }

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
allocated_nothing "checking four releases"

# --- broken releases: back on the previous version by themselves ----------
broken() { # NAME VERSION DESCRIPTION [splash]
	o=$(say "slipmat update /boot/releases/$1 && slipmat update confirm")
	# A trial that never draws: PID 1's splash is what the screens show meanwhile.
	if [ "${4:-}" = splash ] && seen "$o" "starting trial firmware $2 (start 1 of 2)" 120 >/dev/null; then
		expect "$arch: while the trial $2 hangs, both screens show PID 1's splash" \
			retry 10 splash "Starting the new firmware $2"
		"$check" png "$out/head0.ppm" "$out/splash-trial.png" >/dev/null 2>&1
	fi
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
broken hang.release 0.3.1 "a release that hangs" splash

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

# --- the screens while a crashed player restarts: the splash, not black ---
# The new player is stopped (SIGSTOP) as soon as it exists, before its
# first frame, so the screendump sees what the screens show meanwhile.
k=1
while [ $k -le 3 ]; do
	o=$(say 'old=$(pidof current); kill -SEGV $old; until p=$(pidof current) && [ "$p" != "$old" ]; do :; done; kill -STOP $p; echo STOP''PED $p')
	if ! line=$(seen "$o" 'STOPPED' 60); then
		nok "$arch: a crashed player's successor is caught before its first frame"
		break
	fi
	if tail -c +"$o" "$log" | sed '/STOPPED/q' | grep -q 'first frame on'; then
		# It was quicker than the shell: let it go and try again.
		c=$(say 'kill -CONT $(pidof current)')
		seen "$c" 'slipmat info: first frame on' 60 >/dev/null
		k=$((k + 1))
		continue
	fi
	expect "$arch: while a crashed player restarts, both screens show PID 1's splash, not black" \
		retry 10 splash "After a fault: the decks come back where they were"
	"$check" png "$out/head0.ppm" "$out/splash-crash.png" >/dev/null 2>&1
	c=$(say 'kill -CONT $(pidof current)')
	if seen "$c" 'slipmat info: first frame on' 60 >/dev/null &&
		seen "$c" 'slipmat info: ready' 60 >/dev/null; then
		ok "$arch: the stopped player goes on and takes the screens over from the splash"
	else
		nok "$arch: the stopped player goes on and takes the screens over from the splash"
		tail -20 "$log" | sed 's/^/    /'
	fi
	break
done
[ $k -gt 3 ] && nok "$arch: a crashed player's successor is caught before its first frame (3 tries)"

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

# --- releases on USB sticks: refused with the reason, or offered on screen -
# stick NAME FILES...: a FAT image (no partition table, as many sticks) holding FILES.
stick() {
	img=$(realpath "$out")/$1.img
	shift
	rm -f "$img"
	mkfs.vfat -C -n SLIPMAT "$img" 16384 >/dev/null &&
		MTOOLS_SKIP_CHECK=1 mcopy -i "$img" "$@" ::/ && echo "$img"
}
plug() { # ID IMAGE
	$E qmp "$run/qmp.sock" "{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":\"raw\",\"node-name\":\"$1\",\"file\":{\"driver\":\"file\",\"filename\":\"$2\"}}}" >/dev/null &&
		$E qmp "$run/qmp.sock" "{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"usb-storage\",\"id\":\"$1\",\"drive\":\"$1\",\"bus\":\"xhci.0\",\"port\":\"4\",\"removable\":true}}" >/dev/null
}
unplug() { # ID
	u=$(wc -c < "$log")
	$E qmp "$run/qmp.sock" "{\"execute\":\"device_del\",\"arguments\":{\"id\":\"$1\"}}" >/dev/null
	seen "$u" 'library: usb sda pulled out' 60 >/dev/null
}
# screens: `slipmat screens` as the box answers it now.
screens() {
	c=$(say 'slipmat screens; echo SCREENS''-DONE')
	seen "$c" 'SCREENS-DONE' 60 >/dev/null
	tail -c +"$((c + 1))" "$log" | tr -d '\r' | sed 's/^emu# //' | sed '/SCREENS-DONE/,$d'
}
# where NAME: "X Y W H" of control NAME (or the dialog) in `slipmat screens`.
where() { screens | sed -n "s/^$1: display 0 at \([0-9]*\),\([0-9]*\) \([0-9]*\)x\([0-9]*\).*/\1 \2 \3 \4/p"; }
# tap_at X Y W H: a tap on head 0 in the middle of the rectangle.
tap_at() { $E tap "$run/qmp.sock" touch0 $((($1 + $3 / 2) * 32767 / 1279)) $((($2 + $4 / 2) * 32767 / 799)) >/dev/null; }
status_line() { # the firmware line of `slipmat update status`, once it is whole
	c=$(say 'slipmat update status; echo STATUS''-DONE')
	seen "$c" 'STATUS-DONE' 60 >/dev/null &&
		tail -c +"$((c + 1))" "$log" | tr -d '\r' | grep -m 1 'firmware:'
}

mkdir -p "$out/sticks"
sign "$build/slipmat" "$out/sticks/slipmat-old.release" 0.0.9
sign "$build/slipmat" "$out/sticks/slipmat-altered.release" 0.6.0
printf 'X' | dd of="$out/sticks/slipmat-altered.release" bs=1 seek=8192 conv=notrunc status=none
sign "$build/slipmat" "$out/sticks/slipmat-0.5.0.release" 0.5.0
bad=$(stick bad "$out/sticks/slipmat-old.release" "$out/sticks/slipmat-altered.release")
good=$(stick good "$out/sticks/slipmat-0.5.0.release")
[ -n "$bad" ] && [ -n "$good" ] || nok "$arch: build the sticks' FAT images (mkfs.vfat, mcopy)"
before=$(status_line)

# An older and an altered release: each refused with its reason, on screen too.
o=$(wc -c < "$log")
plug upd-bad "$bad"
if l1=$(seen "$o" 'update: usb sda: not offered: slipmat-old.release: version 0.0.9 is not newer than the installed 0.2.0' 120) &&
	l2=$(seen "$o" 'update: usb sda: not offered: slipmat-altered.release: contents do not match the signed hash' 120); then
	ok "$arch: a stick's older and altered releases are refused, each with its reason"
	echo "    ${l1#*warning: }"
	echo "    ${l2#*warning: }"
else
	nok "$arch: a stick's older and altered releases are refused, each with its reason"
	tail -c +"$o" "$log" | tail -20 | sed 's/^/    /'
fi
set -- $(where 'control status-bar')
if [ $# -eq 4 ]; then
	expect "$arch: the refusal is in the status bar's banner, red" \
		retry 20 shot 0 pixel $(($1 + $3 - 4)) $(($2 + $4 / 2)) b91c1c 0
	# The banner holds the latest refusal (the status bar is read once a second),
	# the start of it: the rest may be cut with an ellipsis at the panel's edge.
	last=$(tail -c +"$o" "$log" | tr -d '\r' | sed -n 's/.*update: usb sda: not offered: //p' | tail -n 1)
	words=$(echo "Update refused (usb sda): $last" | cut -c 1-72 | sed 's/ [^ ]*$//')
	expect "$arch: the banner says why: $words..." retry 10 shot 0 find "$@" ffffff "$words"
	"$check" png "$out/head0.ppm" "$out/stick-refused.png" >/dev/null 2>&1
else
	nok "$arch: slipmat screens lists the status bar"
fi
if screens | grep -q '^dialog update'; then nok "$arch: no dialog for refused releases"; else ok "$arch: no dialog for refused releases"; fi
after=$(status_line)
if [ "${after#*firmware: }" = "${before#*firmware: }" ]; then
	ok "$arch: nothing installed from the refused stick (${after#*firmware: })"
else
	nok "$arch: nothing installed from the refused stick (before: ${before#*firmware: }; after: ${after#*firmware: })"
fi
allocated_nothing "looking at the stick and checking its releases"
unplug upd-bad

# A newer release: the dialog on the DJ's screen, Install tapped, the box on 0.5.0.
o=$(wc -c < "$log")
plug upd-good "$good"
if line=$(seen "$o" 'update: usb sda offers slipmat 0.5.0' 120); then
	ok "$arch: a stick with a newer release offers it: ${line#*offers }"
	dialog=$(where 'dialog update')
	[ -n "$dialog" ] || dialog="0 0 1280 800"
	expect "$arch: the dialog on the DJ's screen ($dialog) names both versions" \
		retry 20 shot 0 find $dialog dce1e6 'Firmware update: slipmat 0.5.0 (this box runs 0.2.0)'
	expect "$arch: and the stick and file" \
		shot 0 find $dialog dce1e6 'On usb sda: slipmat-0.5.0.release'
	expect "$arch: a deck plays: it says installing stops the music and restarts the box" \
		shot 0 find $dialog f59e0b 'A deck is playing: installing stops the music and restarts the box.'
	"$check" png "$out/head0.ppm" "$out/stick-offer.png" >/dev/null 2>&1
	set -- $(where 'control update-install')
	if [ $# -eq 4 ]; then
		# the emulator's panels: 1280x800 taken as 10.1 inches (fw/screens.c's guess)
		mm=$(echo "$3 $4" | awk '{ m = $1 < $2 ? $1 : $2; printf "%.1f", m * 10.1 * 25.4 / sqrt(1280 * 1280 + 800 * 800) }')
		expect "$arch: Install is $3x$4 px, $mm mm on its short side (at least 9)" \
			awk -v m="$mm" 'BEGIN { exit !(m >= 9) }'
		expect "$arch: Install is green" shot 0 pixel $(($1 + $3 / 2)) $(($2 + 2)) 22c55e 8
		expect "$arch: Install labelled" shot 0 find "$@" 101214 'Install'
		set -- $(where 'control update-later')
		expect "$arch: Not now beside it" shot 0 find "$@" dce1e6 'Not now'
		set -- $(where 'control update-install')
		tap_at "$@"
		expect "$arch: a first tap on Install while a deck plays asks for a second" \
			retry 20 shot 0 find "$@" 101214 'Tap again to install'
		expect "$arch: ... in amber" shot 0 pixel $(($1 + $3 / 2)) $(($2 + 2)) f59e0b 8
		"$check" png "$out/head0.ppm" "$out/stick-armed.png" >/dev/null 2>&1
		if tail -c +"$o" "$log" | grep -q 'update: installing'; then
			nok "$arch: one tap while a deck plays installs nothing"
		else
			ok "$arch: one tap while a deck plays installs nothing"
		fi
		t=$(wc -c < "$log")
		tap_at "$@"
		if seen "$t" 'update: installing slipmat 0.5.0' 60 >/dev/null &&
			line=$(seen "$t" 'as trial' 120) &&
			seen "$t" 'starting trial firmware 0.5.0 (start 1 of 2)' 120 >/dev/null &&
			seen "$t" 'player: firmware 0.5.0 from the trial slot' 120 >/dev/null; then
			ok "$arch: the second tap installs it and the box restarts into 0.5.0"
			echo "    ${line#*info: }"
		else
			nok "$arch: the second tap installs it and the box restarts into 0.5.0"
			tail -c +"$t" "$log" | tail -30 | sed 's/^/    /'
		fi
		if seen "$t" 'proved itself: now current' 240 >/dev/null &&
			line=$(status_line) && echo "$line" | grep -q 'firmware: 0.5.0, current'; then
			ok "$arch: the box is back on the new version: ${line#*firmware: }"
		else
			nok "$arch: the box is back on the new version 0.5.0 (${line:-no status})"
		fi
		if line=$(seen "$t" 'slipmat-0.5.0.release is the firmware this box has' 120); then
			ok "$arch: the stick left in: its release is the box's own now, nothing said on screen"
		else
			nok "$arch: the stick left in: its release is recognised as the box's own"
		fi
	else
		nok "$arch: slipmat screens lists the dialog's Install button"
		screens | sed 's/^/    /'
	fi
else
	nok "$arch: a stick with a newer release offers it"
	tail -c +"$o" "$log" | tail -20 | sed 's/^/    /'
fi
unplug upd-good

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
