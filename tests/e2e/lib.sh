# What the end-to-end tests share, sourced by emu.sh and set.sh: checks
# that print "ok - ..." / "not ok - ...", the box's screens and console.
# Expects $E (emuctl), $run (QEMU's run folder), $log (its serial log),
# $out (where screendumps go) and $check (the pixel and tone checker).

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
# ask COMMAND UNTIL: type COMMAND on the console, the reply up to a line matching UNTIL
ask() {
	off=$(wc -c <"$log")
	$E serial "$run/serial.sock" "$1" >/dev/null
	$E wait -o "$off" "$log" "$2" 60 >/dev/null
	tail -c +"$((off + 1))" "$log" | tr -d '\r' | sed 's/^emu# //'
}
