#!/bin/sh
test_description='real schema: Chinook (SQLite, and PostgreSQL) as an SQL model source'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

test -d "$REALWORLD/datasets/chinook" ||
	test_skip_all "no real-world material in $REALWORLD"

if test_if_sqlite; then
CHINOOK="$REALWORLD/datasets/chinook/chinook_sqlite.sql.gz"

test_expect_success 'setup: an empty production history, the Chinook schema as models' '
	test -f "$CHINOOK" &&
	gzip -dc "$CHINOOK" >chinook-all.sql &&
	# the schema part: everything before the first INSERT
	awk "/^INSERT INTO/ { exit } { print }" chinook-all.sql >schema.sql &&
	grep -q "CREATE TABLE \[Track\]" schema.sql &&
	git init -q -b production repo &&
	(
		cd repo &&
		mkdir models && cp ../schema.sql models/chinook.sql &&
		printf "models: [models/chinook.sql]\n" >.gitmigrate.yml &&
		git add -A && git commit -q -m chinook
	)
'

test_expect_success 'prepare writes an initial revision that rebuilds the same schema' '
	(cd repo && git migrate prepare -m "chinook" >path 2>err) &&
	rev=repo/$(cat repo/path) &&
	test_grep "^-- down_revision: *$" "$rev" &&
	test $(grep -c "^CREATE TABLE" "$rev") = 11 &&
	apply_section "$rev" up built.db &&
	sqlite3 -bail orig.db <schema.sql &&
	git -C repo add -A && git -C repo commit -q -m rev &&
	(cd repo && git migrate diff)
'

test_expect_success 'the Chinook data loads into the rebuilt schema' '
	awk "/^INSERT INTO/ { data = 1 } data { print }" chinook-all.sql >data.sql &&
	test -s data.sql &&
	sqlite3 -bail built.db "PRAGMA foreign_keys=ON;" ".read data.sql" &&
	sqlite3 built.db "SELECT count(*) FROM Track" >actual &&
	sqlite3 -bail orig.db ".read data.sql" &&
	sqlite3 orig.db "SELECT count(*) FROM Track" >expect &&
	test_cmp expect actual &&
	test_no_scratch_left
'

test_expect_success 'views and triggers of an SQL model source are part of the models' '
	(
		cd repo &&
		cat >>models/chinook.sql <<-SQL &&
		CREATE VIEW big_invoices AS SELECT * FROM Invoice WHERE Total > 10;
		CREATE TRIGGER track_touch AFTER UPDATE ON Track BEGIN SELECT 1; END;
		SQL
		test_expect_code 1 git migrate diff >out 2>err
	) &&
	test_grep "^  add view big_invoices" repo/out &&
	test_grep "^  add trigger track_touch" repo/out &&
	test_grep -v "warning" repo/err
'

else
CHINOOK_PG="$REALWORLD/datasets/chinook/chinook_postgres.sql.gz"

test_expect_success 'setup: an empty production history, the Chinook PostgreSQL schema as models' '
	test -f "$CHINOOK_PG" &&
	gzip -dc "$CHINOOK_PG" >chinook-all.sql &&
	# the schema part: everything before the first INSERT
	awk "/^INSERT INTO/ { exit } { print }" chinook-all.sql >schema.sql &&
	grep -q "^CREATE TABLE track" schema.sql &&
	git init -q -b production repo &&
	(
		cd repo &&
		mkdir models && cp ../schema.sql models/chinook.sql &&
		gm_write_config "[models/chinook.sql]" &&
		git add -A && git commit -q -m chinook
	)
'

test_expect_success 'prepare writes an initial revision that psql applies: the same schema as the original' '
	(cd repo && git migrate prepare -m "chinook" >path 2>err) &&
	rev=repo/$(cat repo/path) &&
	test_grep "^-- down_revision: *$" "$rev" &&
	test $(section "$rev" up | grep -c "^CREATE TABLE") = 11 &&
	test $(section "$rev" up | grep -c "^CREATE INDEX") = 11 &&
	mkdir built orig empty &&
	(cd built && db_create && db_apply "../$rev" up) &&
	(cd orig && db_create && db_run_file ../schema.sql) &&
	(cd empty && db_create) &&
	(cd orig && pg_schema "$(case_db)") >schema.orig &&
	(cd built && pg_schema "$(case_db)") >schema.built &&
	test_cmp schema.orig schema.built &&
	git -C repo add -A && git -C repo commit -q -m rev &&
	(cd repo && git migrate diff) &&
	test_no_password_in repo/path repo/err repo/migrations
'

test_expect_success 'down empties the database, up builds it again' '
	rev=repo/$(cat repo/path) &&
	(cd built && db_apply "../$rev" down && pg_schema "$(case_db)") >schema.down &&
	(cd empty && pg_schema "$(case_db)") >schema.empty &&
	test_cmp schema.empty schema.down &&
	(cd built && db_apply "../$rev" up && pg_schema "$(case_db)") >schema.again &&
	test_cmp schema.orig schema.again
'

test_expect_success 'the Chinook data loads into the rebuilt schema' '
	awk "/^INSERT INTO/ { data = 1 } data { print }" chinook-all.sql >data.sql &&
	test -s data.sql &&
	(cd built && db_run_file ../data.sql) &&
	(cd orig && db_run_file ../data.sql) &&
	for t in track invoice_line playlist_track; do
		db_query built "SELECT count(*) FROM $t" >actual &&
		db_query orig "SELECT count(*) FROM $t" >expect &&
		test_cmp expect actual || return 1
	done &&
	test "$(db_query built "SELECT count(*) FROM track")" = 3503 &&
	test_no_scratch_left
'

test_expect_success 'views, functions and triggers of an SQL model source are part of the models' '
	(
		cd repo &&
		cat >>models/chinook.sql <<-SQL &&
		CREATE VIEW big_invoices AS SELECT * FROM invoice WHERE total > 10;
		CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN RETURN NEW; END \$\$;
		CREATE TRIGGER track_touch AFTER UPDATE ON track FOR EACH ROW EXECUTE FUNCTION touch();
		SQL
		test_expect_code 1 git migrate diff >out 2>err
	) &&
	test_grep "^  add view big_invoices" repo/out &&
	test_grep "^  add function touch()" repo/out &&
	test_grep "^  add trigger track_touch on track" repo/out &&
	test_grep -v "warning: .*trigger" repo/err
'
fi

test_done
