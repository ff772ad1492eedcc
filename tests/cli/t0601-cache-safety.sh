#!/bin/sh
test_description='the snapshot cache (SQLite and PostgreSQL): a corrupt or altered entry is rebuilt, never used; concurrent builds; kill -9 during a build'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"
. "$TEST_DIR/lib-cache.sh"

# entry_sql <sql>: run SQL on the repository's one cache entry, behind git-migrate's back.
entry_sql() {
	entry=$(cd repo && cache_entries) &&
	test -n "$entry" &&
	if test_if_postgres; then
		pg_role_psql "$entry" -c "$1"
	else
		sqlite3 "repo/.git/git-migrate/cache/$entry.db" "$1"
	fi
}

# A session connected to the cache entry $entry; none.
entry_in_use() {
	test "$(pg_psql -At -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$entry'")" -gt 0
}
entry_free() { ! entry_in_use; }

# rebuilt <note>: prepare's cache line starts with <note>, its SQL is the cold run's, and
# the next run hits the entry it saved.
rebuilt() {
	prepare_v repo --dry-run &&
	test_grep "^$1" cache &&
	test_cmp cold.sql out &&
	prepare_v repo --dry-run &&
	test_grep "^hit" cache
}

test_expect_success 'setup: production with a base revision and fixtures; a cold run' '
	cache_repo repo &&
	prepare_v repo --dry-run --no-cache &&
	cp out cold.sql &&
	prepare_v repo --dry-run &&
	test_grep "^miss" cache &&
	test_cmp cold.sql out
'

test_expect_success 'an entry whose table was dropped behind its back is detected and rebuilt' '
	entry_sql "DROP TABLE contacts" &&
	rebuilt "a bad entry was removed; miss (0 of 1 revisions cached, 1 replayed), saved" &&
	entry_sql "SELECT count(*) FROM contacts" >rows &&
	grep -q "2" rows &&
	test_no_scratch_left
'

test_expect_success 'an entry with a column added behind its back is rebuilt' '
	entry_sql "ALTER TABLE contacts ADD COLUMN sneaky integer" &&
	rebuilt "a bad entry was removed; miss"
'

if test_if_sqlite; then
	test_expect_success 'a corrupt SQLite cache file is detected and rebuilt' '
		entry=$(cd repo && cache_entries) &&
		printf "this is not a database" >"repo/.git/git-migrate/cache/$entry.db" &&
		rebuilt "a bad entry was removed; miss"
	'

	test_expect_success 'a SQLite entry without its metadata (half-written) is never used' '
		entry=$(cd repo && cache_entries) &&
		rm "repo/.git/git-migrate/cache/$entry.meta" &&
		(cd repo && git migrate cache list >../list) &&
		test_grep "half-written" list &&
		rebuilt "miss"
	'
fi

if test_if_postgres; then
	# PostgreSQL copies a template only while nobody is connected to it: an entry someone
	# is looking at is left alone (that session is not ended), and the run replays.
	test_expect_success 'a PostgreSQL entry a session is connected to is left alone; the run replays' '
		entry=$(cd repo && cache_entries) &&
		{ pg_role_psql "$entry" -c "SELECT pg_sleep(60)" >/dev/null 2>&1 & } &&
		test_wait_until 10 entry_in_use &&
		prepare_v repo --dry-run &&
		test_grep "^off (cannot restore cache entry '\''$entry'\'': a session is connected to it)$" cache &&
		test_cmp cold.sql out &&
		echo "$entry" >before &&
		(cd repo && cache_entries) >after &&
		test_cmp before after &&
		entry_in_use &&
		test_no_scratch_left &&
		pg_psql -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\''$entry'\''" &&
		test_wait_until 10 entry_free &&
		prepare_v repo --dry-run &&
		test_grep "^hit" cache &&
		test_cmp cold.sql out
	'
fi

if test_if_postgres; then
	# Beside a PostgreSQL entry, a file keeps what the saving run's inspection read, so
	# that the check of a copy reads only what changed since. It is never trusted: a
	# damaged one is ignored (the copy is read in full), and one that lies gives a schema
	# the check rejects.
	#
	# It is used for the catalog rows written before the oldest transaction that was
	# running when the saving run read them and could have written them (gm_pg_q_changes,
	# postgres_catalog.c): not another database's, which the server names, but one that
	# ended before the server was asked counts too. So a short transaction of another test
	# (prove -j2) can make the copy read in full, and the lie never read: it is tried on
	# up to five new entries, until one is used; each other run is a plain hit with the
	# cold run's SQL. A long transaction in another database, held meanwhile, changes
	# nothing (it did make every copy read in full, when the mark was the snapshot's xmin).

	# A transaction of another database, with its id, held by a session of the superuser.
	holding() {
		test "$(pg_psql -At -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'gm-t0601-hold' AND backend_xid IS NOT NULL")" = 1
	}
	release_hold() {
		pg_psql -At -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'gm-t0601-hold'" >/dev/null
	}

	lie_is_caught() {
		tries=0
		while test $tries -lt 5; do
			tries=$((tries + 1))
			(cd repo && git migrate cache clear) &&
			prepare_v repo --dry-run &&
			test_grep "^miss" cache &&
			entry=$(cd repo && cache_entries) &&
			memo=repo/.git/git-migrate/cache/$entry.pgmemo &&
			grep -qx email "$memo" &&
			sed "s/^email\$/emaix/" "$memo" >lie &&
			cp lie "$memo" &&
			prepare_v repo --dry-run &&
			test_cmp cold.sql out || return 1
			if grep -q "^a bad entry was removed; miss" cache; then
				prepare_v repo --dry-run &&
				test_grep "^hit" cache
				return
			fi
			test_grep "^hit" cache || return 1
			echo "try $tries: the kept inspection was not used (read in full)"
		done
		echo "the kept inspection was not used in $tries tries" >&2
		return 1
	}

	test_expect_success 'a PostgreSQL entry'\''s kept inspection: damaged, ignored; lying, the entry is rebuilt' '
		entry=$(cd repo && cache_entries) &&
		memo=repo/.git/git-migrate/cache/$entry.pgmemo &&
		test -s "$memo" &&
		printf "git-migrate-pg-memo 1\n12\ncut short" >"$memo" &&
		prepare_v repo --dry-run &&
		test_grep "^hit" cache &&
		test_cmp cold.sql out &&
		(cd repo && git migrate cache clear) &&
		test_path_is_missing "$memo" &&
		{ PGAPPNAME=gm-t0601-hold pg_psql -c "SELECT txid_current(); SELECT pg_sleep(300)" >/dev/null 2>&1 & } &&
		test_when_finished release_hold &&
		test_wait_until 10 holding &&
		lie_is_caught &&
		holding
	'
fi

test_expect_success 'two prepares on a cold cache (two worktrees): both succeed, one entry left' '
	(
		cd repo &&
		git migrate cache clear 2>/dev/null &&
		git checkout -q -- models/app.yml &&
		git switch -q production &&
		slow_sql 2 3000000 >slow.sql &&
		base=$(ls migrations/versions/*_base.sql) &&
		awk "/^-- \\+migrate down/ { while ((getline l < \"slow.sql\") > 0) print l } { print }" \
			"$base" >base.new && mv base.new "$base" && rm slow.sql &&
		test_grep "CREATE TABLE slow" "$base" &&
		git add -A && git commit -q -m "a slow base" &&
		git switch -q work && git merge -q production &&
		cp ../name.yml models/app.yml &&
		git worktree add -q ../repo2 HEAD &&
		cp ../name.yml ../repo2/models/app.yml
	) || return 1
	(cd repo && git migrate -v prepare --dry-run >../out1 2>../err1) &
	p1=$!
	(cd repo2 && git migrate -v prepare --dry-run >../out2 2>../err2) &&
	wait $p1 &&
	test_grep "^cache: miss" err1 &&
	test_grep "^cache: miss\|^cache: hit" err2 &&
	test_cmp out1 out2 &&
	(cd repo && cache_entries) >entries &&
	test_line_count = 1 entries &&
	prepare_v repo2 --dry-run &&
	test_grep "^hit" cache &&
	test_no_scratch_left
'

# The production revision takes seconds to replay, so that the kill lands while the entry
# is being built; were the run to get further, what it left must still be whole.
test_expect_success 'kill -9 during a cache build leaves nothing a later run trusts' '
	(cd repo && git migrate cache clear 2>../clear.err) &&
	prepare_until_scratch repo &&
	kill -9 $pid &&
	{ wait $pid; true; } &&
	(cd repo && git migrate cache list >../list 2>../list.err) &&
	! grep half-written list &&
	test_line_count -le 1 list &&
	prepare_v repo --dry-run &&
	if test -s list; then test_grep "^hit" cache; else test_grep "^miss" cache; fi &&
	test_cmp out1 out &&
	(cd repo && cache_entries) >entries &&
	test_line_count = 1 entries &&
	test_no_scratch_left
'

test_done
