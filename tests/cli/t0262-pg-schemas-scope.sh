#!/bin/sh
test_description='PostgreSQL schemas (issue 14): the schemas: key narrows what is managed; system and extension schemas never appear; pg_dump output with other schemas as the models'
. ./lib.sh
test "$GM_TEST_DIALECT" = postgres ||
	test_skip_all "PostgreSQL only: runs in the GM_TEST_DIALECT=postgres pass of make test"
. "$TEST_DIR/lib-schemas.sh"

cat >base.sql <<'SQL'
CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL);
CREATE SCHEMA billing;
CREATE TABLE billing.invoices (id integer PRIMARY KEY, user_id integer REFERENCES users (id));
CREATE SCHEMA legacy;
CREATE TYPE legacy.state AS ENUM ('old', 'older');
CREATE TABLE legacy.imports (id integer PRIMARY KEY, state legacy.state);
CREATE VIEW legacy.recent AS SELECT id FROM legacy.imports;
SQL
# the models without legacy, and a new table in billing
cat >after.sql <<'SQL'
CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL);
CREATE SCHEMA billing;
CREATE TABLE billing.invoices (id integer PRIMARY KEY, user_id integer REFERENCES users (id));
CREATE TABLE billing.payments (id integer PRIMARY KEY, invoice_id integer REFERENCES billing.invoices (id));
SQL

# scope_repo <dir> [<schemas: value>]: production holds base.sql and its base revision;
# on work the models are after.sql and the config has `schemas:` when given.
scope_repo() {
	schema_repo "$1" base.sql after.sql && (
		cd "$1" &&
		{ test -z "$2" || { echo "schemas: $2" >>.gitmigrate.yml &&
			git commit -q -am "schemas: $2"; }; }
	)
}

test_expect_success 'without schemas:, a schema the models stop naming is dropped with what it holds' '
	scope_repo all &&
	(
		cd all &&
		git migrate prepare >path 2>err &&
		section "$(cat path)" up >up.sql &&
		heads up.sql >heads &&
		cat >expect <<-\EOF &&
		DROP VIEW legacy.recent;
		DROP TABLE legacy.imports;
		CREATE TABLE billing.payments (
		DROP TYPE legacy.state;
		DROP SCHEMA legacy;
		EOF
		test_cmp expect heads
	)
'

test_expect_success 'schemas: [billing] leaves legacy alone, even though the database has it' '
	scope_repo listed "[billing]" &&
	(
		cd listed &&
		git migrate prepare >path 2>err &&
		rev=$(cat path) &&
		section "$rev" up >up.sql &&
		heads up.sql >heads &&
		echo "CREATE TABLE billing.payments (" >expect &&
		test_cmp expect heads &&
		! grep legacy "$rev" &&
		db_create &&
		git migrate -q upgrade &&
		db_sql "INSERT INTO legacy.imports VALUES (1, '"'"'old'"'"')" &&
		db_sql "SELECT n.nspname || '"'"'.'"'"' || c.relname FROM pg_class c
			JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE c.relkind IN ('"'"'r'"'"', '"'"'v'"'"') AND n.nspname IN ('"'"'billing'"'"', '"'"'legacy'"'"')
			ORDER BY 1" >tables &&
		cat >expect <<-\EOF &&
		billing.invoices
		billing.payments
		legacy.imports
		legacy.recent
		EOF
		test_cmp expect tables &&
		git migrate diff >diff.out 2>&1 &&
		test_grep "no changes" diff.out
	)
'

test_expect_success 'schemas: not listing a schema the models use is an error naming it' '
	scope_repo unlisted "[legacy]" &&
	(
		cd unlisted &&
		test_expect_code 2 git migrate prepare >out 2>err &&
		test_grep "^fatal: the models use schema '"'"'billing'"'"', which '"'"'schemas'"'"' in the config does not list" err &&
		test_grep "^hint: add it to '"'"'schemas'"'"', or leave it out of the models" err
	)
'

test_expect_success 'schemas: a wrong value is an error at its line' '
	scope_repo badkey "{billing: yes}" &&
	(
		cd badkey &&
		test_expect_code 2 git migrate diff >out 2>err &&
		test_grep "^fatal: .gitmigrate.yml:[0-9]*:10: '"'"'schemas'"'"' must be a list of schema names, not a mapping" err
	)
'

cat >ext.sql <<'SQL'
CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL);
CREATE SCHEMA billing;
CREATE TABLE billing.invoices (id integer PRIMARY KEY);
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE SCHEMA trgm_owned;
CREATE TABLE trgm_owned.t (id integer);
ALTER EXTENSION pg_trgm ADD SCHEMA trgm_owned;
CREATE TEMPORARY TABLE scratch_only (id integer);
SQL
test_expect_success 'system, temporary and extension schemas never appear' '
	schema_repo ext ext.sql && (
		cd ext &&
		rev=$(cat base.path) &&
		grep "^CREATE SCHEMA" "$rev" >schemas &&
		echo "CREATE SCHEMA billing;" >expect &&
		test_cmp expect schemas &&
		! grep -E "trgm_owned|pg_temp|scratch_only|pg_toast|pg_catalog\.|information_schema" "$rev" &&
		! grep -E "trgm_owned|pg_temp|pg_toast|information_schema" base.err
	)
'

test_expect_success 'pg_dump --schema-only of a database with schemas, as the models: no changes' '
	schema_case dumped base.sql after.sql "" "" &&
	(
		cd dumped &&
		"$PG_BINDIR/pg_dump" --schema-only --no-owner --no-privileges \
			--exclude-table=public.git_migrate_history "$(pg_url "$(case_db)")" |
			grep -v "^\\\\" >models/app.sql &&
		test_grep "search_path'"'"', '"'"''"'"'" models/app.sql &&
		test_grep "^CREATE TABLE billing.payments" models/app.sql &&
		git commit -q -am "models from pg_dump" &&
		git migrate diff >dump.diff 2>&1 &&
		test_grep "no changes" dump.diff
	)
'

test_done
