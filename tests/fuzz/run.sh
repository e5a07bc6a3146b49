#!/bin/sh
# Run fuzz targets for a while each and say how each fared, one line each:
# "ok - fuzz NAME: ..." or "not ok - fuzz NAME: ..." (tools/testrun.sh
# counts those).
#
#   tests/fuzz/run.sh FUZZDIR SECONDS NAME...
#
# Seeds come from tests/fuzz/corpus/NAME (read only); what a run finds new
# goes to FUZZDIR/corpus/NAME, so longer runs build on earlier ones. A
# crash, a leak or an input taking over 10 s (a hang: the CPU-burning kind
# of bug) fails the target and leaves the input in FUZZDIR/artifacts.
set -u
dir=$1
secs=$2
shift 2
status=0
for name in "$@"; do
	bin=$dir/fuzz_$name
	if [ ! -x "$bin" ]; then
		echo "not ok - fuzz $name: $bin was not built"
		status=1
		continue
	fi
	mkdir -p "$dir/corpus/$name" "$dir/artifacts"
	log=$dir/fuzz_$name.log
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
		-print_final_stats=1 -artifact_prefix="$dir/artifacts/${name}-" \
		"$dir/corpus/$name" "tests/fuzz/corpus/$name" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "ok - fuzz $name: ${runs:-?} inputs in $secs s, no crash, leak or hang"
	else
		echo "not ok - fuzz $name: $(grep -m1 -E 'ERROR|SUMMARY|timeout|deadly' "$log") (log: $log)"
		status=1
	fi
done
exit $status
