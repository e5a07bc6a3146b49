#!/bin/sh
# Run every test and close with one line: "N passed, N failed".
#
#   NEON_TESTS="gfx convert ..." tools/testrun.sh HOSTOUT [ARMOUT]
#
# HOSTOUT/tests/test_* run on the host; ARMOUT/tests/test_NAME for each
# NAME in NEON_TESTS (cross-built, NEON paths on) run under qemu-aarch64;
# then the emulator
# end-to-end test when ARMOUT is given (sanitizer runs skip both).
# cmocka's "[       OK ]" lines and its "[  FAILED  ] N test(s)" and
# "[  SKIPPED ] N test(s)" summaries, and the end-to-end tests' "ok - ..."
# / "not ok - ..." lines (numbered or not) are what gets counted; a binary
# that dies without saying which test failed counts as one failure.
set -u
host=$1
arm=${2:-}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
passed=0
failed=0
skipped=0

count() { grep -c "$1" "$log" || true; }
# cmocka names a failed or skipped test twice; its summary line counts it once.
summed() { sed -n "s/^\[  $1 *\] \([0-9]*\) test(s).*/\1/p" "$log" | awk '{n += $1} END {print n + 0}'; }

run() { # NAME COMMAND...
	name=$1
	shift
	"$@" >"$log" 2>&1
	rc=$?
	cat "$log"
	p=$(count '^\[       OK \]')
	f=$(summed FAILED)
	s=$(summed SKIPPED)
	p=$((p + $(count '^ok \([0-9]* \)\{0,1\}- ')))
	f=$((f + $(count '^not ok \([0-9]* \)\{0,1\}- ')))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "testrun: $name exited with status $rc"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
}

for t in "$host"/tests/test_*; do
	[ -x "$t" ] || continue
	run "$t" "$t"
done

if [ -n "$arm" ]; then
	for name in ${NEON_TESTS:-}; do
		t=$arm/tests/test_$name
		run "$t (qemu-aarch64)" qemu-aarch64 -L /usr/aarch64-linux-gnu "$t"
	done
	# Fuzz targets, a few seconds each (make fuzz runs them longer).
	if [ -n "${FUZZ:-}" ]; then
		# shellcheck disable=SC2086
		run "fuzz targets" sh tests/fuzz/run.sh "${FUZZ_OUT:-build/fuzz}" "${FUZZ_SECONDS:-4}" $FUZZ
	fi
	if [ -x tests/e2e/emu.sh ] && [ "${SLIPMAT_SKIP_E2E:-0}" != 1 ]; then
		run "emulator end-to-end (x86_64)" tests/e2e/emu.sh x86_64 "$host/slipmat" \
			"$host/e2e/check"
		run "emulator end-to-end (aarch64)" tests/e2e/emu.sh aarch64 "$arm/slipmat" \
			"$host/e2e/check"
		run "a DJ's set by touch (x86_64)" tests/e2e/set.sh x86_64 "$host/slipmat" \
			"$host/e2e/check"
		run "a DJ's set by touch (aarch64)" tests/e2e/set.sh aarch64 "$arm/slipmat" \
			"$host/e2e/check"
		run "update end-to-end (x86_64)" tests/e2e/update.sh x86_64 "$host"
		run "update end-to-end (aarch64)" tests/e2e/update.sh aarch64 "$arm"
	fi
fi

if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
