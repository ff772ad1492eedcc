#!/bin/sh
test_description='prepare on SQLite: enums as TEXT + CHECK, labels added and removed'
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

test_expect_success 'the base revision declares the enum as TEXT with a CHECK' '
	prepare_case_setup base base.yml &&
	test_grep "currency text NOT NULL DEFAULT '\''USD'\'' CHECK (currency IN ('\''USD'\'', '\''EUR'\'', '\''AED'\'', '\''GBP'\''))" base/migrations/versions/*_base.sql
'

test_expect_success 'a label added: the table is rebuilt and the new label accepted' '
	sed "s/\[USD, EUR, AED, GBP\]/[USD, EUR, AED, GBP, BTC]/" base.yml >btc.yml &&
	prepare_case btc base.yml btc.yml rows.sql &&
	test_grep "warning: table rebuild of deals" btc/err &&
	sqlite3 btc/db.sqlite "INSERT INTO deals VALUES (9, '\''BTC'\'')" &&
	test_must_fail sqlite3 btc/db.sqlite "INSERT INTO deals VALUES (10, '\''XRP'\'')"
'

test_expect_success 'a label removed that no row uses' '
	sed "s/\[USD, EUR, AED, GBP\]/[USD, EUR, GBP]/" base.yml >noaed.yml &&
	prepare_case noaed base.yml noaed.yml rows.sql &&
	test_must_fail sqlite3 noaed/db.sqlite "INSERT INTO deals VALUES (9, '\''AED'\'')"
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
	test_grep "add table contact_events" reuse/err
'

test_expect_success 'no scratch database is left behind' '
	test_no_scratch_left
'

test_done
