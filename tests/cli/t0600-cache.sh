#!/bin/sh
test_description='the snapshot cache (SQLite and PostgreSQL): hits, misses, incremental replay, --no-cache, bound, clear'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

. "$TEST_DIR/lib-cache.sh"

with_columns base.yml "name: text" "city: text" >city.yml
with_columns base.yml "name: text" "city: text" "phone: text" >phone.yml
for m in city phone; do
	cat $m.yml - >$m-t2.yml <<-YAML
	  t2:
	    columns:
	      id: {type: integer, primary_key: true}
	YAML
done

test_expect_success 'setup: production with a base revision and fixtures; work changes the models' '
	cache_repo repo
'

test_expect_success 'a cold run misses and saves one entry' '
	prepare_v repo --dry-run &&
	test_grep "^miss (0 of 1 revisions cached, 1 replayed), saved gm_cache_" cache &&
	cp out cold.sql &&
	(cd repo && cache_entries) >entries &&
	test_line_count = 1 entries &&
	(cd repo && git migrate cache list >../list 2>../list.err) &&
	test_grep "^$(cat entries)  1 revision up to $(cd repo && base_id), 2 fixture rows" list
'

test_expect_success 'a warm run hits it, plans the same SQL and tests on the same rows' '
	prepare_v repo --dry-run &&
	test_grep "^hit (1 of 1 revisions cached, 0 replayed)$" cache &&
	test_cmp cold.sql out &&
	prepare_v repo &&
	test_grep "with 1 revision replayed and 2 fixture rows" err &&
	test_grep "^hit" cache
'

test_expect_success 'the revision written from a hit applies to a real database' '
	(
		cd repo &&
		db_create &&
		db_apply migrations/versions/*_base.sql up &&
		db_apply "$(cat ../out)" up &&
		if test_if_postgres; then
			db_sql "SELECT column_name FROM information_schema.columns WHERE table_name = '\''contacts'\'' ORDER BY ordinal_position"
		else
			sqlite3 db.sqlite "SELECT name FROM pragma_table_xinfo('\''contacts'\'')"
		fi >../cols &&
		printf "id\nemail\nname\n" >../cols.expect &&
		rm "$(cat ../out)"
	) &&
	test_cmp cols.expect cols
'

test_expect_success 'diff and verify --replay use the entry too' '
	(cd repo && test_expect_code 1 git migrate -v diff >../out 2>../err) &&
	test_grep "^cache: hit (1 of 1 revisions cached" err &&
	(cd repo && test_expect_code 1 git migrate -v verify --replay >../out 2>../err) &&
	test_grep "the models have changes that no revision covers" out &&
	test_grep "^cache: hit (1 of 1 revisions cached, 0 replayed)$" err &&
	test_grep "^timing: cache [0-9.]*s replay [0-9.]*s" err &&
	test $(grep -c "^cache:" err) = 1 &&
	(cd repo && test_expect_code 1 git migrate verify --replay >../out 2>../err) &&
	test_grep -v "^cache:" err &&
	(cd repo && cache_entries) >entries.after &&
	test_cmp entries entries.after
'

test_expect_success '--no-cache neither reads nor writes an entry' '
	(cd repo && git migrate cache clear 2>/dev/null) &&
	cp city.yml repo/models/app.yml &&
	prepare_v repo --dry-run --no-cache &&
	test_grep "^off (--no-cache)$" cache &&
	(cd repo && cache_entries) >none &&
	test_must_be_empty none &&
	(cd repo && git migrate verify --replay --no-cache && git migrate diff --no-cache; test $? = 1) &&
	(cd repo && cache_entries) >none &&
	test_must_be_empty none
'

# production gains a revision (its own change, merged into work)
production_gains() {
	(
		cd repo &&
		git checkout -q -- models/app.yml &&
		git switch -q production &&
		cp "../$1" models/app.yml &&
		git migrate -q prepare -m "$2" >/dev/null &&
		git add -A && git commit -q -m "$2" &&
		git switch -q work && git merge -q -X theirs production >/dev/null
	)
}

test_expect_success 'production gains one revision: the older entry is the start, 1 replayed' '
	prepare_v repo --dry-run &&
	test_grep "^miss" cache &&
	production_gains city.yml city &&
	cp phone.yml repo/models/app.yml &&
	prepare_v repo --dry-run &&
	test_grep "^hit (1 of 2 revisions cached, 1 replayed), saved gm_cache_" cache &&
	test_grep "ADD COLUMN phone" out &&
	prepare_v repo --dry-run &&
	test_grep "^hit (2 of 2 revisions cached, 0 replayed)$" cache &&
	(cd repo && cache_entries) >entries &&
	test_line_count = 2 entries
'

test_expect_success 'a changed fixture file misses' '
	(
		cd repo &&
		git checkout -q -- models/app.yml &&
		git switch -q production &&
		echo "3,c@example.com" >>data/contacts.csv &&
		git add -A && git commit -q -m "a third contact" &&
		git switch -q work && git merge -q production &&
		cp ../phone.yml models/app.yml
	) &&
	prepare_v repo --dry-run &&
	test_grep "^miss (0 of 2 revisions cached" cache &&
	prepare_v repo &&
	test_grep "3 fixture rows" err &&
	rm repo/$(cat out)
'

test_expect_success 'another tool version misses (GIT_MIGRATE_TEST_VERSION, for tests only)' '
	GIT_MIGRATE_TEST_VERSION=99.0 prepare_v repo --dry-run &&
	test_grep "^miss" cache &&
	GIT_MIGRATE_TEST_VERSION=99.0 prepare_v repo --dry-run &&
	test_grep "^hit" cache
'

test_expect_success 'the cache is bounded: the oldest entries go first (cache_size)' '
	(cd repo && cache_entries) >entries &&
	test_line_count = 3 entries &&
	cp repo/.gitmigrate.yml one.yml &&
	echo "cache_size: 1" >>one.yml &&
	GIT_MIGRATE_TEST_VERSION=98.0 CONFIG=../one.yml prepare_v repo --dry-run &&
	test_grep "^miss" cache &&
	(cd repo && cache_entries) >entries &&
	test_line_count = 1 entries &&
	GIT_MIGRATE_TEST_VERSION=98.0 CONFIG=../one.yml prepare_v repo --dry-run &&
	test_grep "^hit" cache &&
	cp repo/.gitmigrate.yml zero.yml &&
	echo "cache_size: 0" >>zero.yml &&
	CONFIG=../zero.yml prepare_v repo --dry-run &&
	test_grep "^off (cache_size: 0)$" cache &&
	(cd repo && cache_entries) >entries.after &&
	test_cmp entries entries.after
'

test_expect_success 'a bad cache_size is refused with its location' '
	printf "cache_size: many\n" >bad.yml &&
	(cd repo && test_expect_code 2 git migrate --config ../bad.yml cache list 2>../err) &&
	test_grep "bad.yml:1:.*.cache_size. must be a whole number from 0 to 1000" err
'

test_expect_success 'cache clear leaves no entry, no file and no database' '
	prepare_v repo --dry-run &&
	(cd repo && git migrate cache clear 2>../err) &&
	test_grep "removed [1-9][0-9]* cache entr" err &&
	(cd repo && cache_entries) >none &&
	test_must_be_empty none &&
	if test_if_sqlite; then
		ls repo/.git/git-migrate/cache >files &&
		test_must_be_empty files
	else
		pg_psql -At -c "SELECT datname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE r.rolname = '\''$GM_PG_ROLE'\'' AND datname LIKE '\''gm\_%'\''" >dbs &&
		test_must_be_empty dbs
	fi &&
	(cd repo && git migrate cache list 2>../err) &&
	test_grep "^0 cache entries" err &&
	test_no_scratch_left
'

test_expect_success 'cache: bad usage' '
	(cd repo && test_expect_code 2 git migrate cache flush 2>../err) &&
	test_grep "unknown subcommand .flush." err &&
	(cd repo && test_expect_code 2 git migrate cache list extra 2>../err) &&
	test_grep "unexpected argument .extra." err
'

# A newer production revision that cannot run on the entry's rows but runs on an empty
# table (a cold run loads the fixtures after it): the run does not fail for the cache.
test_expect_success 'a newer revision that fails on the entry'"'"'s rows: replayed without the entry' '
	prepare_v repo --dry-run &&
	test_grep "^miss" cache &&
	(
		cd repo &&
		git checkout -q -- models/app.yml &&
		git switch -q production &&
		cp ../city-t2.yml models/app.yml &&
		rev=$(git migrate -q prepare -m t2) &&
		awk "/^-- \\+migrate down/ { print \"INSERT INTO t2 SELECT 1 FROM contacts;\" } { print }" \
			"$rev" >rev.new && mv rev.new "$rev" &&
		git add -A && git commit -q -m t2 &&
		git switch -q work && git merge -q production &&
		cp ../phone-t2.yml models/app.yml
	) &&
	prepare_v repo --dry-run --no-cache &&
	cp out cold.sql &&
	prepare_v repo --dry-run &&
	test_grep "^hit (2 of 3 revisions cached, 1 replayed); on top of the entry: .*; replayed without it, saved gm_cache_" cache &&
	test_cmp cold.sql out &&
	prepare_v repo --dry-run &&
	test_grep "^hit (3 of 3 revisions cached, 0 replayed)$" cache
'

test_done
