#!/bin/sh
test_description='the models cache (PostgreSQL): the models database is kept and only inspected on a hit; a model change is a new entry; a bad entry is rebuilt; --no-cache, cache_size, clear'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"
. "$TEST_DIR/lib-cache.sh"

with_columns base.yml "name: text" "city: text" >city.yml
with_columns base.yml "name: text" "phone: text" >phone.yml

# models_v <dir> <args>: prepare_v, and the models cache's line of -v in `models`.
models_v() {
	prepare_v "$@" &&
	sed -n 's/^models: //p' err >models
}

# entry_oid <name>: the database's oid (a rebuilt entry is a new database).
entry_oid() {
	pg_psql -At -c "SELECT oid FROM pg_database WHERE datname = '$1'"
}

if test_if_sqlite; then
	test_expect_success 'SQLite: the models are not cached (a few ms), -v says nothing of them' '
		cache_repo repo &&
		prepare_v repo --dry-run &&
		test_grep -v "^models:" err &&
		test_grep "^timing: .* models [0-9.]*s" err &&
		ls repo/.git/git-migrate/cache >files &&
		test_grep -v models files
	'
	test_done
fi

test_expect_success 'setup: production with a base revision and fixtures; work adds contacts.name' '
	cache_repo repo &&
	prepare_v repo --dry-run --no-cache &&
	cp out cold.sql &&
	test_grep "ADD COLUMN name" cold.sql
'

test_expect_success 'a cold run builds the models database and keeps it as a models entry' '
	models_v repo --dry-run &&
	test_grep "^miss, saved gm_cache_[0-9a-f]*_models_[0-9a-f]*$" models &&
	test_cmp cold.sql out &&
	(cd repo && models_entries) >entries &&
	test_line_count = 1 entries &&
	test_grep "saved $(cat entries)$" models &&
	(cd repo && git migrate cache list >../list 2>../list.err) &&
	test_grep "^$(cat entries)  models: 1 table, " list &&
	test_grep "^2 cache entries" list.err &&
	test_no_scratch_left
'

test_expect_success 'the entry holds what the models make, as the catalog says' '
	pg_role_psql "$(cat entries)" -At -c "SELECT column_name || '\'' '\'' || data_type FROM information_schema.columns WHERE table_name = '\''contacts'\'' ORDER BY ordinal_position" >cols &&
	printf "id integer\nemail character varying\nname text\n" >cols.expect &&
	test_cmp cols.expect cols &&
	pg_psql -At -c "SELECT shobj_description(oid, '\''pg_database'\'') FROM pg_database WHERE datname = '\''$(cat entries)'\''" >meta &&
	test_grep "^kind models$" meta &&
	test_grep "^fingerprint [0-9a-f]\{40\}$" meta
'

test_expect_success 'a warm run hits it: the same entry, inspected in place, the same SQL' '
	oid=$(entry_oid "$(cat entries)") &&
	models_v repo --dry-run &&
	test_grep "^hit $(cat entries)$" models &&
	test_grep "^hit (1 of 1 revisions cached, 0 replayed)$" cache &&
	test_cmp cold.sql out &&
	test "$(entry_oid "$(cat entries)")" = "$oid" &&
	(cd repo && models_entries) >entries.after &&
	test_cmp entries entries.after &&
	test_no_scratch_left
'

log=$(server_log)
if test -n "$log"; then
	test_expect_success 'a hit creates no database for the models (the server log)' '
		pg_psql -c "ALTER ROLE $GM_PG_ROLE SET log_statement = '\''ddl'\''" &&
		pg_psql -c "DROP DATABASE \"$(cat entries)\"" &&
		creates_during miss built models_v repo --dry-run &&
		test_grep "^miss, saved" models &&
		creates_during hit hit models_v repo --dry-run &&
		test_grep "^hit" models &&
		# the scratch database, a copy of the snapshot entry; the models database too
		test_line_count = 2 built &&
		test_line_count = 1 hit &&
		test_grep "CREATE DATABASE .* TEMPLATE \"\{0,1\}gm_cache_" hit &&
		pg_psql -c "ALTER ROLE $GM_PG_ROLE RESET log_statement"
	'
else
	test_skip 'a hit creates no database for the models (the server log)' 'the server log is not readable here'
fi

test_expect_success 'the revision written from a hit applies to a real database' '
	models_v repo &&
	test_grep "^hit" models &&
	(
		cd repo &&
		db_create &&
		db_apply migrations/versions/*_base.sql up &&
		db_apply "$(cat ../out)" up &&
		db_sql "SELECT column_name FROM information_schema.columns WHERE table_name = '\''contacts'\'' ORDER BY ordinal_position" >../cols &&
		rm "$(cat ../out)"
	) &&
	printf "id\nemail\nname\n" >cols.expect &&
	test_cmp cols.expect cols
'

test_expect_success 'diff and verify --replay read the entry too' '
	(cd repo && test_expect_code 1 git migrate -v diff >../out 2>../err) &&
	test_grep "^models: hit $(cat entries)$" err &&
	(cd repo && test_expect_code 1 git migrate -v verify --replay >../out 2>../err) &&
	test_grep "the models have changes that no revision covers: .*contacts.name" out &&
	test_grep "^models: hit $(cat entries)$" err &&
	test $(grep -c "^cache:" err) = 1
'

test_expect_success 'a model change is a new entry; the old models hit the old one' '
	cp city.yml repo/models/app.yml &&
	models_v repo --dry-run &&
	test_grep "^miss, saved" models &&
	test_grep -v "$(cat entries)" models &&
	test_grep "ADD COLUMN city" out &&
	(cd repo && models_entries) >two &&
	test_line_count = 2 two &&
	cp name.yml repo/models/app.yml &&
	models_v repo --dry-run &&
	test_grep "^hit $(cat entries)$" models &&
	test_cmp cold.sql out
'

# rebuilt <note>: the models line starts with <note>, the SQL is the cold run's, one
# models entry per key is left and the next run hits it.
rebuilt() {
	models_v repo --dry-run &&
	test_grep "^$1" models &&
	test_cmp cold.sql out &&
	(cd repo && models_entries) >now &&
	test_cmp two now &&
	models_v repo --dry-run &&
	test_grep "^hit $(cat entries)$" models
}

test_expect_success 'an entry whose table was dropped behind its back is detected and rebuilt' '
	pg_role_psql "$(cat entries)" -c "DROP TABLE contacts" &&
	rebuilt "a bad entry was removed; miss, saved $(cat entries)$" &&
	pg_role_psql "$(cat entries)" -At -c "SELECT count(*) FROM information_schema.columns WHERE table_name = '\''contacts'\''" >n &&
	echo 3 >n.expect &&
	test_cmp n.expect n &&
	test_no_scratch_left
'

test_expect_success 'an entry with a column added behind its back is rebuilt' '
	pg_role_psql "$(cat entries)" -c "ALTER TABLE contacts ADD COLUMN sneaky integer" &&
	rebuilt "a bad entry was removed; miss, saved"
'

test_expect_success 'an entry whose metadata was altered is never trusted' '
	pg_psql -c "COMMENT ON DATABASE \"$(cat entries)\" IS '\''git-migrate-cache 1
kind models
end
'\''" &&
	rebuilt "a bad entry was removed; miss, saved"
'

test_expect_success 'an entry that cannot be connected to is built again, the run passes' '
	pg_psql -c "ALTER DATABASE \"$(cat entries)\" ALLOW_CONNECTIONS false" &&
	rebuilt "miss (entry unreadable), saved $(cat entries)$"
'

test_expect_success '--no-cache neither reads nor writes a models entry' '
	(cd repo && git migrate cache clear 2>/dev/null) &&
	models_v repo --dry-run --no-cache &&
	test_grep "^off (--no-cache)$" models &&
	test_cmp cold.sql out &&
	(cd repo && git migrate verify --replay --no-cache >/dev/null; test $? = 1) &&
	(cd repo && git migrate diff --no-cache >/dev/null; test $? = 1) &&
	(cd repo && models_entries) >none &&
	test_must_be_empty none &&
	test_no_scratch_left
'

test_expect_success 'cache_size: 0 neither reads nor writes one; cache_size: 1 keeps the newest' '
	models_v repo --dry-run &&
	test_grep "^miss, saved" models &&
	(cd repo && models_entries) >entries &&
	cp repo/.gitmigrate.yml zero.yml &&
	echo "cache_size: 0" >>zero.yml &&
	CONFIG=../zero.yml models_v repo --dry-run &&
	test_grep "^off (cache_size: 0)$" models &&
	cp city.yml repo/models/app.yml &&
	CONFIG=../zero.yml models_v repo --dry-run &&
	(cd repo && models_entries) >after &&
	test_cmp entries after &&
	cp repo/.gitmigrate.yml one.yml &&
	echo "cache_size: 1" >>one.yml &&
	CONFIG=../one.yml models_v repo --dry-run &&
	test_grep "^miss, saved" models &&
	sed -n "s/.*saved //p" models >newest &&
	(cd repo && models_entries) >after &&
	test_cmp newest after &&
	(cd repo && cache_entries) >snapshots &&
	test_line_count = 1 snapshots &&
	cp phone.yml repo/models/app.yml &&
	CONFIG=../one.yml models_v repo --dry-run &&
	sed -n "s/.*saved //p" models >newest &&
	(cd repo && models_entries) >after &&
	test_cmp newest after
'

test_expect_success 'cache clear leaves no models database' '
	cp repo/.gitmigrate.yml three.yml &&
	echo "cache_size: 3" >>three.yml &&
	cp city.yml repo/models/app.yml &&
	CONFIG=../three.yml models_v repo --dry-run &&
	(cd repo && models_entries) >some &&
	test_line_count = 2 some &&
	(cd repo && git migrate cache clear 2>../err) &&
	test_grep "^removed 3 cache entries" err &&
	pg_psql -At -c "SELECT datname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE r.rolname = '\''$GM_PG_ROLE'\'' AND datname LIKE '\''gm\_%'\''" >dbs &&
	test_must_be_empty dbs &&
	cp name.yml repo/models/app.yml
'

test_done
