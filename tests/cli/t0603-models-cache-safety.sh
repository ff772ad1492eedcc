#!/bin/sh
test_description='the models cache (PostgreSQL): two runs building the same entry at once; kill -9 while the models database is built'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"
. "$TEST_DIR/lib-cache.sh"

test_if_postgres || test_skip_all "the models cache is PostgreSQL's (SQLite: t0602)"

# The work branch's models add a materialized view that takes a second to create: the
# models database is being built for that long (its first CREATE runs there; the
# verification runs it again, up and up again).
cat name.yml - >slow.yml <<'YAML'
materialized_views:
  slow_mv: "SELECT 1 AS n FROM pg_sleep(1)"
YAML

# The models database being built: a session of this role running the slow view's SQL.
models_building() {
	test "$(pg_psql -At -c "SELECT count(*) FROM pg_stat_activity WHERE usename = '$GM_PG_ROLE' AND state = 'active' AND query LIKE '%pg_sleep(1)%'")" -gt 0
}

# No session of this role is left on the server (a killed run's ends within a second).
no_sessions() {
	test "$(pg_psql -At -c "SELECT count(*) FROM pg_stat_activity WHERE usename = '$GM_PG_ROLE'")" = 0
}

test_expect_success 'setup: production with fixtures; work adds a slow materialized view' '
	cache_repo repo &&
	cp slow.yml repo/models/app.yml &&
	(cd repo && git migrate prepare --dry-run --no-cache >../cold.sql) &&
	test_grep "CREATE MATERIALIZED VIEW slow_mv" cold.sql
'

test_expect_success 'two prepares on a cold models cache (two worktrees): both succeed, one entry left' '
	(
		cd repo &&
		git worktree add -q ../repo2 HEAD &&
		cp ../slow.yml ../repo2/models/app.yml
	) || return 1
	(cd repo && git migrate -v prepare --dry-run >../out1 2>../err1) &
	p1=$!
	(cd repo2 && git migrate -v prepare --dry-run >../out2 2>../err2) &&
	wait $p1 &&
	cat err1 err2 | sed -n "s/^models: //p" >both &&
	test_grep "^miss, saved" both &&
	test_line_count = 2 both &&
	test_cmp cold.sql out1 &&
	test_cmp cold.sql out2 &&
	(cd repo && models_entries) >entries &&
	test_line_count = 1 entries &&
	(cd repo2 && git migrate -v prepare --dry-run >../out 2>../err) &&
	test_grep "^models: hit $(cat entries)$" err &&
	test_no_scratch_left
'

# What the killed run leaves are databases under scratch names (its replay's, and the
# models database it was building, never renamed): the next run drops them as leftovers.
test_expect_success 'kill -9 while the models database is built leaves nothing a later run trusts' '
	(cd repo && git migrate cache clear 2>../clear.err) &&
	(cd repo && git migrate prepare --dry-run >/dev/null 2>../fill.err) &&
	(cd repo && cache_entries) >snapshot &&
	test_line_count = 1 snapshot &&
	pg_psql -c "DROP DATABASE \"$(cd repo && models_entries)\"" || return 1
	(cd repo && exec git-migrate prepare --dry-run >../out 2>../err) &
	pid=$!
	test_wait_until 20 models_building &&
	kill -9 $pid &&
	{ wait $pid; true; } &&
	some_scratch &&
	(cd repo && models_entries) >none &&
	test_must_be_empty none &&
	(cd repo && git migrate cache list >../list 2>../list.err) &&
	test_grep -v "models:" list &&
	test_grep -v "half-written" list &&
	test_wait_until 10 no_sessions &&
	(cd repo && git migrate -v prepare --dry-run >../out 2>../err) &&
	test_grep "^models: miss, saved" err &&
	test_cmp cold.sql out &&
	(cd repo && models_entries) >entries &&
	test_line_count = 1 entries &&
	test_no_scratch_left
'

test_done
