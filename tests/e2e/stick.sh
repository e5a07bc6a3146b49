#!/bin/sh
# A USB stick in the emulated box: a FAT image (mkfs.vfat + mtools)
# holding tracks is plugged in over QMP, its tracks appear in `slipmat
# library` typed on the serial console, a search finds one; pulled out
# (device_del) while deck A plays, its tracks leave the library and the
# box plays and answers on; plugged back in, they return.
#
#   tests/e2e/stick.sh ARCH SLIPMAT CHECK    boots its own box (development)
#   . tests/e2e/stick.sh                     from emu.sh: stick_test on its box
#
# Sourced, it expects emu.sh's $E, $run, $log, $out, $arch and its ok,
# nok and expect functions. Tracks: generated WAV files, and the MP3 of
# ../shared/testdata/music when it is there (skipped, saying so, when not).

# make_stick IMG: a 16 MiB vfat image without a partition table (the
# whole disk is the file system, as on many sticks), tracks in folders.
make_stick() {
	img=$1 dir=$1.files
	rm -rf "$dir" "$img"
	mkdir -p "$dir/Crates/House" "$dir/Crates/Techno" "$dir/.slipmat"
	# wav FILE SECONDS: 16-bit stereo 48 kHz silence, header by hand.
	wav() {
		n=$(($2 * 48000 * 4))
		le32() { printf "\\$(printf %03o $(($1 & 255)))\\$(printf %03o $((($1 >> 8) & 255)))\\$(printf %03o $((($1 >> 16) & 255)))\\$(printf %03o $((($1 >> 24) & 255)))"; }
		{
			printf 'RIFF'; le32 $((36 + n)); printf 'WAVEfmt '; le32 16
			printf '\001\000\002\000'; le32 48000; le32 192000; printf '\004\000\020\000'
			printf 'data'; le32 "$n"
			head -c "$n" /dev/zero
		} >"$1"
	}
	wav "$dir/Crates/House/Alpha Groove.wav" 1
	wav "$dir/Crates/Techno/Gamma Ray.wav" 1
	wav "$dir/Delta Dawn.wav" 1
	echo "not a track" >"$dir/Crates/readme.txt"
	# a track that sounds: 40 s of 997 Hz at -6 dBFS, to play off the stick
	"$check" mkwav "$dir/Tone.wav" 40 997 -6 || return 1
	stick_tracks=4
	music=$root/../shared/testdata/music/Kevin_MacLeod_-_Newer_Wave.mp3
	if [ -r "$music" ]; then
		cp "$music" "$dir/Crates/House/"
		stick_tracks=5
	else
		echo "# ../shared/testdata/music absent: the stick holds generated WAV files only"
	fi
	mkfs.vfat -C -n SLIPMAT "$img" 16384 >/dev/null &&
		MTOOLS_SKIP_CHECK=1 mcopy -s -i "$img" "$dir/Crates" "$dir/Delta Dawn.wav" "$dir/Tone.wav" ::/
}

# library_now [ARGS]: `slipmat library ARGS` on the console; output in $library.
library_now() {
	off=$(wc -c <"$log")
	$E serial "$run/serial.sock" "slipmat library $*; echo LIB''DONE" >/dev/null
	$E wait -o "$off" "$log" 'LIBDONE' 60 >/dev/null
	library=$(tail -c +"$((off + 1))" "$log" | tr -d '\r' | sed 's/^emu# //' | sed '/LIBDONE/,$d')
}
lib_has() { printf '%s\n' "$library" | grep -q "$1"; }

# logged DESCRIPTION OFFSET TEXT: one check, that the box logs TEXT after
# OFFSET (within 90 s); the line, or the log's tail, below it.
logged() {
	if line=$($E wait -o "$2" "$log" "$3" 90); then
		ok "$1"
		echo "    $line"
		return 0
	fi
	nok "$1"
	tail -c +"$(($2 + 1))" "$log" | tail -20 | sed 's/^/    /'
	return 1
}

stick_plug() {
	$E qmp "$run/qmp.sock" '{"execute":"device_add","arguments":{"driver":"usb-storage","id":"stick0","drive":"stick","bus":"xhci.0","port":"4","removable":true}}' >/dev/null
}

stick_test() {
	img=$(realpath "$out")/stick.img
	if ! make_stick "$img"; then
		nok "$arch: build the stick image (mkfs.vfat, mcopy)"
		return 0
	fi
	$E qmp "$run/qmp.sock" "{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":\"raw\",\"node-name\":\"stick\",\"file\":{\"driver\":\"file\",\"filename\":\"$img\"}}}" >/dev/null
	off=$(wc -c <"$log")
	stick_plug
	logged "$arch: a USB stick plugged in is mounted and scanned" "$off" \
		"library: usb sda (/run/slipmat/usb/sda): " || return 0
	library_now
	printf '%s\n' "$library" | sed 's/^/    /'
	expect "$arch: slipmat library lists the stick with its $stick_tracks tracks" \
		lib_has "^source usb sda (/run/slipmat/usb/sda): $stick_tracks tracks, scanned"
	expect "$arch: its tracks are in title order, with their folders" \
		lib_has '^  1\. Alpha Groove (usb sda: Crates/House/Alpha Groove.wav)'
	library_now search ray
	printf '%s\n' "$library" | sed 's/^/    /'
	expect "$arch: a search for 'ray' finds Gamma Ray" \
		lib_has '^  1\. Gamma Ray (usb sda: Crates/Techno/Gamma Ray.wav)'

	# A DJ's preparation saved on the stick (read-write for the save only).
	library_now prepare 128 8A gamma
	printf '%s\n' "$library" | sed 's/^/    /'
	expect "$arch: a tempo and key saved on the stick" \
		lib_has '^saved Gamma Ray: 128.0 bpm, key 8A, on usb sda (/run/slipmat/usb/sda/.slipmat)'
	library_now bpm
	# tempo order: the shared MP3's tag says 110 bpm, so it comes first when it is there
	pos=$((stick_tracks - 3))
	expect "$arch: the bpm view puts the prepared track among those with a tempo, at $pos" \
		lib_has "^  $pos\\. Gamma Ray \\[128.0 bpm, 8A\\] (usb sda: Crates/Techno/Gamma Ray.wav)"

	# One of its tracks on deck A, decoded into the deck's memory, playing.
	off=$(wc -c <"$log")
	$E serial "$run/serial.sock" 'slipmat load A /run/slipmat/usb/sda/Tone.wav' >/dev/null
	logged "$arch: a track of the stick's loads onto deck A" "$off" 'Tone.wav: 40.0 s in'
	$E serial "$run/serial.sock" 'slipmat play A' >/dev/null
	off=$(wc -c <"$log")
	$E serial "$run/serial.sock" 'sleep 1; slipmat status' >/dev/null
	$E wait -o "$off" "$log" 'allocations:' 60 >/dev/null
	status=$(tail -c +"$((off + 1))" "$log" | tr -d '\r' | sed 's/^emu# //')
	printf '%s\n' "$status" | grep -E '^(deck A|meters)' | sed 's/^/    /'
	expect "$arch: deck A plays the stick's 40 s track" \
		sh -c 'printf "%s\n" "$1" | grep -q "^deck A: playing, [0-9.]* of 40.000 s (40.000 decoded)"' - "$status"
	expect "$arch: and it sounds: deck A's meter reads its -6 dBFS" \
		sh -c 'printf "%s\n" "$1" | grep -q "^meters (peak/rms dBFS): A -[56]\.[0-9]/"' - "$status"

	# A hot cue set on it is saved on the stick, by itself.
	off=$(wc -c <"$log")
	$E serial "$run/serial.sock" 'slipmat hotcue A 2' >/dev/null
	logged "$arch: a hot cue set on the stick's track is saved on the stick" "$off" \
		'deck A: Tone.wav: cue point and 1 hot cue saved on usb sda'
	off=$(wc -c <"$log")
	$E serial "$run/serial.sock" 'slipmat status' >/dev/null
	$E wait -o "$off" "$log" 'allocations:' 60 >/dev/null
	cue2=$(tail -c +"$((off + 1))" "$log" | tr -d '\r' | sed -n 's/^deck A: .*hot cues \(2@[0-9.]*\)$/\1/p' | head -1)
	echo "    deck A: hot cue $cue2 (number@seconds)"

	# Pulled while deck A plays its track from memory.
	off=$(wc -c <"$log")
	$E qmp "$run/qmp.sock" '{"execute":"device_del","arguments":{"id":"stick0"}}' >/dev/null
	logged "$arch: pulling the stick drops its tracks from the library" "$off" \
		"library: usb sda pulled out: its $stick_tracks tracks left"
	library_now
	expect "$arch: slipmat library then has no stick and no tracks" \
		sh -c '! printf "%s\n" "$1" | grep -q "^source usb" && printf "%s\n" "$1" | grep -q "^library: 0 tracks"' - "$library"
	off=$(wc -c <"$log")
	$E serial "$run/serial.sock" 'slipmat status' >/dev/null
	$E wait -o "$off" "$log" 'allocations:' 60 >/dev/null
	status=$(tail -c +"$((off + 1))" "$log" | tr -d '\r' | sed 's/^emu# //')
	printf '%s\n' "$status" | grep -E '^(deck A|allocations)' | sed 's/^/    /'
	expect "$arch: the box runs on after the pull: deck A still plays the stick's track" \
		sh -c 'printf "%s\n" "$1" | grep -q "^deck A: playing, [0-9.]* of 40.000 s (40.000 decoded)"' - "$status"
	expect "$arch: and it still sounds at -6 dBFS" \
		sh -c 'printf "%s\n" "$1" | grep -q "^meters (peak/rms dBFS): A -[56]\.[0-9]/"' - "$status"
	expect "$arch: nothing allocated after init through the stick's coming and going" \
		sh -c 'printf "%s\n" "$1" | grep -q "allocations: .*, 0 after init"' - "$status"

	off=$(wc -c <"$log")
	stick_plug
	logged "$arch: plugged back in, its $stick_tracks tracks return" "$off" \
		"library: usb sda (/run/slipmat/usb/sda): $stick_tracks tracks"
	library_now search groove
	expect "$arch: and a search finds them again" \
		lib_has '^  1\. Alpha Groove (usb sda: Crates/House/Alpha Groove.wav)'
	library_now bpm
	expect "$arch: the stick brought its preparation back: Gamma Ray at 128 bpm, 8A" \
		lib_has '^  [0-9]*\. Gamma Ray \[128.0 bpm, 8A\] (usb sda: Crates/Techno/Gamma Ray.wav)'
	expect "$arch: the record is on the stick's image, in its .slipmat folder" \
		sh -c 'MTOOLS_SKIP_CHECK=1 mdir -b -i "$1" ::/.slipmat | grep -q "\.trk$"' - "$img"
	# The same track on deck B: its hot cue comes back from the stick.
	off=$(wc -c <"$log")
	$E serial "$run/serial.sock" 'slipmat load B /run/slipmat/usb/sda/Tone.wav' >/dev/null
	logged "$arch: loading the track again brings its hot cue back from the stick" "$off" \
		'deck B: Tone.wav: cue point and 1 hot cue from usb sda'
	off=$(wc -c <"$log")
	$E serial "$run/serial.sock" 'sleep 1; slipmat status' >/dev/null
	$E wait -o "$off" "$log" 'allocations:' 60 >/dev/null
	status=$(tail -c +"$((off + 1))" "$log" | tr -d '\r' | sed 's/^emu# //')
	printf '%s\n' "$status" | grep -E '^deck B' | sed 's/^/    /'
	expect "$arch: deck B has hot cue $cue2, where it was set on deck A" \
		sh -c 'test -n "$2" && printf "%s\n" "$1" | grep -q "^deck B: .*hot cues $2\$"' - "$status" "$cue2"
	other_sticks
}

# Two more sticks, one after the other on the same port (the xHCI's
# ports 1-3 hold the tablets and the sound card): ext4 (filled by
# mkfs.ext4 -d) and an empty exfat one; each mounted as what it is.
other_sticks() {
	ext=$(realpath "$out")/stick-ext4.img exf=$(realpath "$out")/stick-exfat.img
	rm -rf "$ext" "$exf" "$ext.files"
	mkdir -p "$ext.files/Sets"
	cp "$img.files/Delta Dawn.wav" "$ext.files/Sets/Epsilon Echo.wav"
	if ! mkfs.ext4 -q -d "$ext.files" "$ext" 8M >/dev/null 2>&1 || ! truncate -s 8M "$exf" ||
		! mkfs.exfat -L SLIPMAT "$exf" >/dev/null; then
		nok "$arch: build the ext4 and exfat stick images"
		return 0
	fi
	off=$(wc -c <"$log")
	$E qmp "$run/qmp.sock" '{"execute":"device_del","arguments":{"id":"stick0"}}' >/dev/null
	$E wait -o "$off" "$log" "library: usb sda pulled out" 60 >/dev/null
	for s in "ext4:$ext:1" "exfat:$exf:0"; do
		fs=${s%%:*} rest=${s#*:}
		file=${rest%:*} count=${rest##*:}
		$E qmp "$run/qmp.sock" "{\"execute\":\"blockdev-add\",\"arguments\":{\"driver\":\"raw\",\"node-name\":\"$fs\",\"file\":{\"driver\":\"file\",\"filename\":\"$file\"}}}" >/dev/null
		off=$(wc -c <"$log")
		$E qmp "$run/qmp.sock" "{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"usb-storage\",\"id\":\"$fs\",\"drive\":\"$fs\",\"bus\":\"xhci.0\",\"port\":\"4\",\"removable\":true}}" >/dev/null
		logged "$arch: an $fs stick is mounted as $fs" "$off" \
			"mounted read-only at /run/slipmat/usb/sda ($fs)"
		logged "$arch: and scanned: $count track(s)" "$off" \
			"library: usb sda (/run/slipmat/usb/sda): $count tracks"
		if [ "$fs" = ext4 ]; then
			library_now search echo
			expect "$arch: the ext4 stick's track is found" \
				lib_has '^  1\. Epsilon Echo (usb sda: Sets/Epsilon Echo.wav)'
		fi
		off=$(wc -c <"$log")
		$E qmp "$run/qmp.sock" "{\"execute\":\"device_del\",\"arguments\":{\"id\":\"$fs\"}}" >/dev/null
		$E wait -o "$off" "$log" "library: usb sda pulled out" 60 >/dev/null
	done
}

# Run on its own: boot the emulator's profile and test the stick only.
case $0 in
*stick.sh)
	set -u
	arch=$1
	bin=$(realpath "$2")
	root=$(cd "$(dirname "$0")/../.." && pwd)
	cd "$root"
	out=build/e2e/$arch
	run=$out/stick
	E=build/emu/emuctl
	log=$run/serial.log
	mkdir -p "$out"
	. tests/e2e/lib.sh
	set -- $(tools/emu/kernel.sh "$arch" "build/emu/kernel-$arch") || exit 1
	tools/emu/initramfs.sh "$arch" "$2" "$bin" "boards/emu-$arch.board" "$run.cpio.gz" \
		>"$run.initramfs.log" 2>&1 || { nok "$arch: build the initramfs"; exit 1; }
	tools/emu/boot.sh --arch "$arch" --kernel "$1" --initrd "$run.cpio.gz" --dir "$run" \
		>/dev/null || { nok "$arch: start QEMU"; exit 1; }
	trap '$E quit "$run/qmp.sock" >/dev/null 2>&1' EXIT
	$E wait "$log" 'slipmat info: ready' 180 >/dev/null || {
		nok "$arch: the box boots"
		tail -20 "$log"
		exit 1
	}
	stick_test
	;;
esac
