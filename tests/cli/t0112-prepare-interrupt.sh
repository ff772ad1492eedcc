#!/bin/sh
test_description='prepare: Ctrl-C or SIGTERM during replay drops the scratch database and writes nothing'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

# A statement that takes long: SQLite counts, PostgreSQL sleeps.
slow_sql=$(slow_sql 30 50000000)

test_expect_success 'setup: a production revision that takes long to replay' '
	git init -q -b production repo &&
	(
		cd repo &&
		gm_write_config "[models/*.yml]" &&
		write_revision migrations/versions a1 "" "$slow_sql" "DROP TABLE slow;" &&
		mkdir models &&
		printf "tables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n" >models/app.yml &&
		git add -A && git commit -q -m slow
	)
'

# Start prepare, wait until its scratch database exists, send the signal, collect the status.
interrupt_prepare() {
	prepare_until_scratch repo || return 1
	sleep 0.2
	start=$(date +%s)
	kill -$1 $pid
	wait $pid
	echo $? >status
	# the running statement was interrupted, not waited for
	test $(($(date +%s) - start)) -lt 10 || { echo "took too long to stop" >&2; return 1; }
}

test_expect_success 'SIGINT: exit by the signal, scratch dropped, nothing written' '
	interrupt_prepare INT &&
	test "$(cat status)" = 130 &&
	test_no_scratch_left &&
	test_path_is_missing repo/migrations/versions/.tmp &&
	test $(ls repo/migrations/versions | wc -l) = 1
'

test_expect_success 'SIGTERM: the same' '
	interrupt_prepare TERM &&
	test "$(cat status)" = 143 &&
	test_no_scratch_left
'

test_done
