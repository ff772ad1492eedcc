#!/bin/sh
test_description='real schema: Chinook (SQLite) as an SQL model source'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

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

test_expect_success 'views and triggers of an SQL model source are named in a warning' '
	(
		cd repo &&
		cat >>models/chinook.sql <<-SQL &&
		CREATE VIEW big_invoices AS SELECT * FROM Invoice WHERE Total > 10;
		CREATE TRIGGER track_touch AFTER UPDATE ON Track BEGIN SELECT 1; END;
		SQL
		git migrate diff >out 2>err
	) &&
	test_grep "warning: .*view big_invoices" repo/err &&
	test_grep "warning: .*trigger track_touch" repo/err
'

test_done
