#!/bin/sh
# Run each libFuzzer harness for a while: `make fuzz` calls
#   sh tests/fuzz/run.sh <fuzz build dir> <seconds> <harness>...
# from the top of the tree. Each harness starts from a scratch copy of its seed corpus
# (tests/fuzz/corpus/<harness>, which is never written) with its dictionary
# (tests/fuzz/<harness>.dict) when there is one. Prints executions and coverage per
# harness; exits 1 when one crashed, leaked, hit UB or a timeout (its input is kept in
# <fuzz build dir>/artifacts, its log in <fuzz build dir>/logs).
dir=$1
seconds=$2
shift 2
test -n "$dir" && test -n "$seconds" || { echo "usage: run.sh <dir> <seconds> <harness>..." >&2; exit 2; }
failed=
mkdir -p "$dir/artifacts" "$dir/logs"
for h in "$@"; do
	work="$dir/corpus/$h"
	log="$dir/logs/$h.log"
	rm -rf "$work"
	mkdir -p "$work"
	if test -d "tests/fuzz/corpus/$h"; then
		cp -R "tests/fuzz/corpus/$h/." "$work/"
	fi
	# the SQL splitter also starts from the revision files (kept once, with fuzz_revision)
	if test "$h" = fuzz_sql_split && test -d tests/fuzz/corpus/fuzz_revision; then
		cp -R tests/fuzz/corpus/fuzz_revision/. "$work/"
	fi
	dict=
	test -f "tests/fuzz/$h.dict" && dict="-dict=tests/fuzz/$h.dict"
	if "$dir/$h" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$dir/artifacts/$h-" $dict \
		"$work" >"$log" 2>&1; then
		status=ok
	else
		status=FAILED
		failed="$failed $h"
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	cov=$(grep -E '^#[0-9]+' "$log" | tail -n 1 | sed -n 's/.*cov: \([0-9]*\).*ft: \([0-9]*\).*corp: \([0-9]*\).*/\1 edges, \2 features, corpus \3/p')
	echo "$h: $status, ${execs:-?} executions in ${seconds}s, ${cov:-coverage ?}"
	if test $status = FAILED; then
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -n 5 | sed 's/^/  /'
		ls "$dir"/artifacts/"$h"-* 2>/dev/null | sed 's/^/  input: /'
	fi
done
if test -n "$failed"; then
	echo "fuzz: failed:$failed (logs in $dir/logs)" >&2
	exit 1
fi
