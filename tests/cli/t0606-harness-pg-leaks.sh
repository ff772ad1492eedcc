#!/bin/sh
test_description='the harness: with-pg.sh fails a command whose test left a PostgreSQL server of its own running, and stops that server (t0604 once left one after every run)'
. ./lib.sh

test "$GM_TEST_DIALECT" = postgres || test_skip_all "it runs in the PostgreSQL pass (it starts servers of its own)"

# A command for with-pg.sh: a test script's own server, started (lib-pg.sh's pg_start, its
# data directory written to the file $1) and stopped too when $2 is "stop".
own_server() {
	cat >own.sh <<-EOF
	. "$TEST_DIR/lib-pg.sh"
	unset GIT_MIGRATE_TEST_PG
	pg_start || exit 3
	echo "\$GM_PG_DIR" >"$PWD/$1"
	test "$2" != stop || pg_stop
	EOF
	"$TEST_DIR/with-pg.sh" sh own.sh
}

# Whether a server runs on the data directory under $1.
server_runs() {
	ps -eo args | grep -F -- "-D $1/data" | grep -qv grep
}

test_expect_success 'a test that stops its own server passes, and leaves nothing' '
	own_server dir1 stop 2>err &&
	test_must_be_empty err &&
	dir=$(cat dir1) &&
	test -n "$dir" &&
	! test -e "$dir" &&
	! server_runs "$dir"
'

test_expect_success 'a test that leaves its server running fails the command; the server is stopped' '
	test_expect_code 1 own_server dir2 keep 2>err &&
	dir=$(cat dir2) &&
	test_grep "with-pg.sh: a test left its PostgreSQL server running ($dir): stopped now" err &&
	! test -e "$dir" &&
	! server_runs "$dir"
'

test_done
