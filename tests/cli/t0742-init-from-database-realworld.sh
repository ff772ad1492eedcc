#!/bin/sh
test_description='init --from-database on real schemas with their data: Chinook (SQLite and PostgreSQL) and Pagila (PostgreSQL: views, functions, an aggregate, triggers, domains, sequences, a partitioned table); verify --replay and diff are clean, current shows the base, upgrade has nothing to do, and the base revision builds the same catalog'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

CHINOOK="$REALWORLD/datasets/chinook"
PAGILA="$REALWORLD/datasets/pagila"

db_url() {
	if test_if_postgres; then pg_url "$(case_db)"; else echo "sqlite:///db.sqlite"; fi
}

# adopt <dir>: init --from-database on <dir>'s database, commit on production, then
# check what adoption promises (out, err: the init's output).
adopt() {
	(
		cd "$1" &&
		git migrate init --from-database "$(db_url)" >out 2>err &&
		base=$(ls migrations/versions | sed -n "s/_baseline\.sql$//p") &&
		test -n "$base" && echo "$base" >base &&
		test_no_password_in .gitmigrate.yml models migrations out err &&
		git add .gitmigrate.yml models migrations && git commit -q -m adopt &&
		if test_if_postgres; then PGPASSWORD=$GM_PG_PASSWORD && export PGPASSWORD; fi &&
		git migrate diff 2>diff.err &&
		test_grep "^no changes$" diff.err &&
		git migrate verify --replay >verify.out &&
		echo "verify: ok (parse, graph, immutable, chained, replay)" >expect &&
		test_cmp expect verify.out &&
		test "$(git migrate current)" = "$base" &&
		git migrate upgrade 2>upgrade.err &&
		test "$(git migrate current)" = "$base" &&
		git migrate status >status.out &&
		test_grep "^applied  $base baseline of the existing database$" status.out &&
		test $(wc -l <status.out) = 1
	)
}

# built_same <dir> [<filter>]: the base revision of <dir> applied to an empty database
# gives the catalog <dir>'s database had before the init (<dir>.schema), both read
# through <filter> (default: cat).
built_same() {
	rev="$1/migrations/versions/$(cat "$1/base")_baseline.sql" &&
	mkdir "$1.built" &&
	(cd "$1.built" && db_create && db_apply "../$rev" up && db_schema) >"$1.built.schema" &&
	${2:-cat} <"$1.schema" >"$1.expect" &&
	${2:-cat} <"$1.built.schema" >"$1.actual" &&
	test_cmp "$1.expect" "$1.actual"
}

# Pagila's dump without its partitions (the schema model reads a partitioned table as a
# plain one and names the partitions as not covered): payment_p2022_* and PARTITION BY.
without_partitions() {
	awk '/^CREATE TABLE public\.payment_p20/ { skip = 1 }
		skip { if ($0 == ");") skip = 0; next }
		/payment_p20|PARTITION/ { next }
		$0 == ")" { print ");"; next }
		{ print }'
}

if test -f "$CHINOOK/chinook_sqlite.sql.gz" && test -f "$CHINOOK/chinook_postgres.sql.gz"; then
	test_expect_success 'setup: Chinook with its data, a database no tool manages' '
		git init -q -b production chinook &&
		if test_if_postgres; then
			gzip -dc "$CHINOOK/chinook_postgres.sql.gz" >chinook.sql
		else
			gzip -dc "$CHINOOK/chinook_sqlite.sql.gz" >chinook.sql
		fi &&
		(cd chinook && db_create && db_run_file ../chinook.sql >/dev/null && db_schema) >chinook.schema &&
		test "$(db_query chinook "SELECT count(*) FROM track")" = 3503
	'

	test_expect_success 'Chinook: init --from-database, then diff, verify --replay, current, upgrade, status' '
		adopt chinook &&
		test_grep "^read 11 tables and 0 other objects$" chinook/err &&
		if test_if_postgres; then
			test_path_is_missing chinook/models/unexpressed.sql &&
			test_grep "^  track:$" chinook/models/schema.yml
		else
			# its primary keys are named PK_<table>: YAML names them <table>_pkey
			test_grep "^  table Album: its primary key is named .PK_Album.$" chinook/err &&
			test_grep "^CREATE TABLE \[Album\]" chinook/models/unexpressed.sql
		fi &&
		test "$(db_query chinook "SELECT count(*) FROM track")" = 3503
	'

	test_expect_success 'Chinook: the base revision builds the same catalog' '
		built_same chinook
	'
else
	test_skip 'Chinook' "no Chinook in $REALWORLD"
fi

if test_if_postgres && test -f "$PAGILA/pagila-schema.sql" && test -f "$PAGILA/pagila-data.sql.gz"; then
	test_expect_success 'setup: Pagila with its data' '
		git init -q -b production pagila &&
		grep -v -e "^SELECT pg_catalog.set_config" -e " OWNER TO " \
			"$PAGILA/pagila-schema.sql" >pagila.sql &&
		gzip -dc "$PAGILA/pagila-data.sql.gz" >pagila-data.sql &&
		(cd pagila && db_create && db_run_file ../pagila.sql >/dev/null &&
		 db_run_file ../pagila-data.sql >/dev/null && db_schema) >pagila.schema &&
		test "$(db_query pagila "SELECT count(*) FROM payment")" = 16049
	'

	test_expect_success 'Pagila: init --from-database, then diff, verify --replay, current, upgrade, status' '
		adopt pagila &&
		test_grep "^  aggregate group_concat(text): YAML has no key for aggregates$" pagila/err &&
		test_grep "^  function _group_concat(text, text): used by aggregate group_concat(text)$" pagila/err &&
		test_grep "^warning: not covered by the schema model, left out: partitioned table payment" pagila/err &&
		test_grep "^  film_list: |-$" pagila/models/schema.yml &&
		test_grep "^  rental_by_category:$" pagila/models/schema.yml &&
		test_grep "^  \"last_updated on customer\":$" pagila/models/schema.yml &&
		test_grep "^  year: {type: \"integer\", check: " pagila/models/schema.yml &&
		test_grep "^CREATE AGGREGATE group_concat" pagila/models/unexpressed.sql &&
		test "$(db_query pagila "SELECT count(*) FROM payment")" = 16049
	'

	test_expect_success 'Pagila: the base revision builds the same catalog' '
		built_same pagila without_partitions &&
		test $(wc -l <pagila.actual) -gt 500
	'
fi

test_done
