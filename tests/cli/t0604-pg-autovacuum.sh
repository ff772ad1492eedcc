#!/bin/sh
test_description='PostgreSQL: an autovacuum worker visiting a database does not hold it (a killed run'\''s leftover is still dropped, a cache entry still copied and cleared)'
. ./lib.sh

# This script's own server, whose autovacuum looks at each database every second (the
# suite's server keeps the default minute, and its other tests count sessions): started
# before lib-prepare.sh makes the test role on it, stopped on exit.
if test "$GM_TEST_DIALECT" = postgres; then
	. "$TEST_DIR/lib-pg.sh"
	unset GIT_MIGRATE_TEST_PG
	GM_PG_OPTS="-c autovacuum_naptime=1" pg_start || {
		echo "Bail out! cannot start a PostgreSQL server with autovacuum_naptime=1"
		exit 1
	}
fi
. "$TEST_DIR/lib-prepare.sh"
. "$TEST_DIR/lib-cache.sh"
test_if_postgres || { pg_stop 2>/dev/null; test_skip_all "autovacuum is PostgreSQL's"; }
trap 'gm_pg_cleanup; pg_stop' EXIT

# psql on database $1 of the server.
db_psql() {
	db=$1
	shift
	psql -X -q -v ON_ERROR_STOP=1 "${GIT_MIGRATE_TEST_PG%/*}/$db" "$@"
}

# Bloat table $2 of database $1 (dead row versions, its data unchanged) and make its
# vacuum crawl (a 100 ms pause after every page): autovacuum's worker then stays in that
# database until something ends it.
slow_vacuum() {
	db_psql "$1" -c "ALTER TABLE $2 SET (autovacuum_vacuum_cost_delay = 100, autovacuum_vacuum_cost_limit = 1, autovacuum_vacuum_threshold = 0, autovacuum_analyze_threshold = 1000000000)" &&
	db_psql "$1" -c "DO \$\$BEGIN FOR i IN 1..20000 LOOP UPDATE $2 SET email = email; END LOOP; END\$\$"
}

# An autovacuum worker is in database $1.
autovacuum_in() {
	test "$(pg_psql -At -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker' AND datname = '$1'")" -gt 0
}

db_exists() {
	test "$(pg_psql -At -c "SELECT count(*) FROM pg_database WHERE datname = '$1'")" = 1
}

# A process id that is no longer running.
dead_pid() {
	sh -c : &
	pid=$!
	wait $pid
	echo $pid
}

test_expect_success 'setup: production with fixtures; work adds a column' '
	cache_repo repo &&
	(cd repo && git migrate prepare --dry-run --no-cache >../cold.sql 2>../cold.err) &&
	test_grep "ADD COLUMN name" cold.sql
'

# A killed run's leftover, under an older version's name (gm_scratch_<pid>_<random>: stale
# when that pid is gone), that autovacuum is vacuuming when the next run starts.
test_expect_success 'a killed run'\''s leftover that autovacuum is visiting is dropped' '
	left=gm_scratch_$(dead_pid)_0badf00d &&
	pg_psql -c "CREATE DATABASE \"$left\" OWNER $GM_PG_ROLE" &&
	db_psql "$left" -c "CREATE TABLE bloat (id integer PRIMARY KEY, email text); INSERT INTO bloat VALUES (1, '\''a'\''), (2, '\''b'\'')" &&
	slow_vacuum "$left" bloat &&
	test_wait_until 60 autovacuum_in "$left" &&
	(cd repo && git migrate prepare --dry-run --no-cache >../out 2>../err) &&
	test_cmp cold.sql out &&
	! db_exists "$left" &&
	test_no_scratch_left
'

# A cache entry that autovacuum is vacuuming: CREATE DATABASE ... TEMPLATE ends the worker
# itself, so the entry is not "in use" for it.
test_expect_success 'a cache entry that autovacuum is visiting is still a hit' '
	(cd repo && git migrate -v prepare --dry-run >../fill.out 2>../fill.err) &&
	test_grep "^cache: miss" fill.err &&
	(cd repo && cache_entries) >entries &&
	test_line_count = 1 entries &&
	entry=$(cat entries) &&
	slow_vacuum "$entry" contacts &&
	test_wait_until 60 autovacuum_in "$entry" &&
	(cd repo && git migrate -v prepare --dry-run >../out 2>../err) &&
	test_grep "^cache: hit" err &&
	test_cmp cold.sql out &&
	test_no_scratch_left
'

# DROP DATABASE ... WITH (FORCE) by a role that is not a superuser fails while an
# autovacuum worker is in the database (it has no role this one may signal): cache clear
# drops the plain way then, which ends the worker itself.
test_expect_success 'cache clear while autovacuum is visiting an entry removes it' '
	entry=$(cat entries) &&
	test_wait_until 60 autovacuum_in "$entry" &&
	(cd repo && git migrate cache clear 2>../clear.err) &&
	test_grep "^removed" clear.err &&
	! db_exists "$entry" &&
	(cd repo && cache_entries) >left &&
	test_must_be_empty left
'

test_done
