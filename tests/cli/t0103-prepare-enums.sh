#!/bin/sh
test_description='prepare: enums (SQLite: TEXT + CHECK; PostgreSQL: CREATE TYPE), labels added and removed'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

cat >base.yml <<'YAML'
enums:
  dealcurrency: [USD, EUR, AED, GBP]
tables:
  deals:
    columns:
      id:       {type: integer, primary_key: true}
      currency: {type: dealcurrency, null: false, default: USD}
YAML
cat >rows.sql <<'SQL'
INSERT INTO deals (id, currency) VALUES (1, 'USD'), (2, 'EUR'), (3, 'GBP');
SQL

if test_if_sqlite; then
test_expect_success 'the base revision declares the enum as TEXT with a CHECK' '
	prepare_case_setup base base.yml &&
	test_grep "currency text NOT NULL DEFAULT '\''USD'\'' CHECK (currency IN ('\''USD'\'', '\''EUR'\'', '\''AED'\'', '\''GBP'\''))" base/migrations/versions/*_base.sql
'
else
test_expect_success 'the base revision creates the enum type, the column uses it' '
	prepare_case_setup base base.yml &&
	test_grep "^CREATE TYPE dealcurrency AS ENUM ('\''USD'\'', '\''EUR'\'', '\''AED'\'', '\''GBP'\'');" base/migrations/versions/*_base.sql &&
	test_grep "currency dealcurrency NOT NULL DEFAULT '\''USD'\''" base/migrations/versions/*_base.sql &&
	test_grep "^DROP TYPE dealcurrency;" base/migrations/versions/*_base.sql
'
fi

test_expect_success 'a label added: the new label accepted (SQLite rebuilds, PostgreSQL adds a value)' '
	sed "s/\[USD, EUR, AED, GBP\]/[USD, EUR, AED, GBP, BTC]/" base.yml >btc.yml &&
	prepare_case btc base.yml btc.yml rows.sql &&
	if test_if_postgres; then
		test_grep "^ALTER TYPE dealcurrency ADD VALUE IF NOT EXISTS '\''BTC'\'' AFTER '\''GBP'\'';" btc/$(cat btc/path) &&
		test_grep -v "warning: table rebuild" btc/err &&
		test_grep -v "enum swap" btc/err
	else
		test_grep "warning: table rebuild of deals" btc/err
	fi &&
	db_query btc "INSERT INTO deals VALUES (9, '\''BTC'\'')" &&
	test_must_fail db_query btc "INSERT INTO deals VALUES (10, '\''XRP'\'')"
'

test_expect_success 'a label removed that no row uses' '
	sed "s/\[USD, EUR, AED, GBP\]/[USD, EUR, GBP]/" base.yml >noaed.yml &&
	prepare_case noaed base.yml noaed.yml rows.sql &&
	if test_if_postgres; then
		test_grep "^ALTER TYPE dealcurrency RENAME TO dealcurrency__old;" noaed/$(cat noaed/path) &&
		test_grep "USING currency::text::dealcurrency" noaed/$(cat noaed/path) &&
		test_grep "warning: enum swap rewrites deals" noaed/err
	fi &&
	test_must_fail db_query noaed "INSERT INTO deals VALUES (9, '\''AED'\'')"
'

test_expect_success 'a new table reusing the enum' '
	cp base.yml reuse.yml &&
	cat >>reuse.yml <<-YAML &&
	  contact_events:
	    columns:
	      id:       {type: integer, primary_key: true}
	      currency: {type: dealcurrency, null: false, default: EUR}
	YAML
	prepare_case reuse base.yml reuse.yml rows.sql &&
	test_grep "add table contact_events" reuse/err &&
	if test_if_postgres; then
		test_grep -v "CREATE TYPE" reuse/$(cat reuse/path) &&
		test_grep "currency dealcurrency NOT NULL DEFAULT '\''EUR'\''" reuse/$(cat reuse/path)
	fi
'

test_expect_success 'no scratch database is left behind' '
	test_no_scratch_left
'

test_done
