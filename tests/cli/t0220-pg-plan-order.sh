#!/bin/sh
test_description='PostgreSQL plans in dependency order, both ways: what uses an enum goes before the enum is swapped and comes after; rows only the new schema allows do not break the down'
. ./lib.sh
test "$GM_TEST_DIALECT" = postgres ||
	test_skip_all "PostgreSQL only: runs in the GM_TEST_DIALECT=postgres pass of make test"
. "$TEST_DIR/lib-prepare.sh"

cat >base.yml <<'YAML'
enums:
  dealcurrency: [USD, EUR, GBP]
tables:
  contacts:
    columns:
      id:    {type: integer, primary_key: true}
      email: {type: varchar(200), null: false}
  deals:
    columns:
      id:         {type: integer, primary_key: true}
      title:      {type: varchar(120), null: false}
      currency:   {type: dealcurrency, null: false, default: USD}
      contact_id: {type: integer, references: contacts(id)}
YAML
cat >rows.sql <<'SQL'
INSERT INTO contacts (id, email) VALUES (1, 'a@example.com'), (2, 'b@example.com');
INSERT INTO deals (id, title, currency, contact_id) VALUES
  (1, 'first', 'USD', 1), (2, 'second', 'EUR', 2), (3, 'third', 'GBP', 1);
SQL

# order_case <dir> <after.yml> <new-rows.sql> [<base-rows.sql>]
# production holds base.yml and its base revision; the work branch changes the models to
# <after.yml> and prepare writes the revision. On a real database: `git migrate upgrade`
# to the base, <base-rows.sql> (default rows.sql), `git migrate upgrade` (the new
# revision), <new-rows.sql> (rows
# only the new schema allows), `git migrate downgrade <base>`: the schema is then
# production's again by pg_dump --schema-only (schema.base, schema.down); the base rows
# of deals are all there, as they were; `git migrate upgrade` applies again. Leaves up.sql and down.sql.
order_case() {
	set -- "$1" "$(abspath "$2")" "$(abspath "$3")" "$(abspath "${4:-rows.sql}")"
	prepare_case_setup "$1" base.yml &&
	(
		cd "$1" &&
		cp "$2" models/app.yml &&
		git commit -q -am "change models" &&
		git migrate prepare >path 2>err &&
		rev=$(cat path) &&
		section "$rev" up >up.sql &&
		section "$rev" down >down.sql &&
		base=$(base_id) &&
		db_create &&
		git migrate -q upgrade "$base" &&
		db_run_file "$4" &&
		pg_schema "$(case_db)" >schema.base &&
		db_sql "SELECT * FROM deals WHERE id <= 3 ORDER BY id" >rows.base &&
		git migrate -q upgrade &&
		db_run_file "$3" &&
		git migrate downgrade "$base" >out.down 2>err.down &&
		pg_schema "$(case_db)" >schema.down &&
		test_cmp schema.base schema.down &&
		db_sql "SELECT * FROM deals WHERE id <= 3 ORDER BY id" >rows.down &&
		test_cmp rows.base rows.down &&
		git migrate -q upgrade
	)
}

# in_order <file> <string>...: each string is on a later line than the one before.
in_order() {
	f=$1; shift
	prev=0
	for s in "$@"; do
		n=$(grep -nF -- "$s" "$f" | head -n 1 | cut -d: -f1)
		test -n "$n" || { echo "not found: $s" >&2; cat "$f" >&2; return 1; }
		test "$n" -gt "$prev" || { echo "out of order: $s (line $n)" >&2; cat "$f" >&2; return 1; }
		prev=$n
	done
}

test_expect_success 'a new label and a new table using it: the down drops the table before the swap' '
	sed "s/\[USD, EUR, GBP\]/[USD, EUR, GBP, BTC]/" base.yml >btc.yml &&
	cat >>btc.yml <<-YAML &&
	  invoices:
	    columns:
	      id:       {type: integer, primary_key: true}
	      deal_id:  {type: integer, references: deals(id)}
	      currency: {type: dealcurrency, null: false, default: EUR}
	YAML
	cat >btc-rows.sql <<-SQL &&
	INSERT INTO invoices (id, deal_id, currency) VALUES (1, 1, '\''BTC'\''), (2, 2, DEFAULT);
	INSERT INTO deals (id, title, currency) VALUES (9, '\''btc'\'', '\''BTC'\'');
	DELETE FROM deals WHERE id = 9;
	SQL
	order_case btc btc.yml btc-rows.sql &&
	in_order btc/down.sql "DROP TABLE invoices;" "ALTER TYPE dealcurrency RENAME TO dealcurrency__old;" &&
	test_grep -v "invoices" btc/schema.down &&
	(cd btc && db_sql "SELECT enum_range(NULL::dealcurrency)") >actual &&
	echo "{USD,EUR,GBP,BTC}" >expect &&
	test_cmp expect actual
'

test_expect_success 'a new label and a new column using it: the down drops the column before the swap' '
	sed "s/\[USD, EUR, GBP\]/[USD, EUR, GBP, BTC]/" base.yml >col.yml &&
	cat >>col.yml <<-YAML &&
	      payout: {type: dealcurrency}
	YAML
	echo "UPDATE deals SET payout = '\''BTC'\'' WHERE id = 1;" >col-rows.sql &&
	order_case col col.yml col-rows.sql &&
	in_order col/down.sql "ALTER TABLE deals DROP COLUMN payout;" \
		"ALTER TYPE dealcurrency RENAME TO dealcurrency__old;"
'

test_expect_success 'up: a new column whose default is a label only the swap creates comes after the swap' '
	sed "s/\[USD, EUR, GBP\]/[EUR, USD, CHF]/" base.yml >chf.yml &&
	cat >>chf.yml <<-YAML &&
	      fallback: {type: dealcurrency, null: false, default: CHF}
	YAML
	sed "s/'\''GBP'\''/'\''EUR'\''/" rows.sql >chf-base-rows.sql &&
	echo "INSERT INTO deals (id, title, currency, fallback) VALUES (7, '\''chf'\'', '\''USD'\'', '\''CHF'\'');" >chf-rows.sql &&
	order_case chf chf.yml chf-rows.sql chf-base-rows.sql &&
	in_order chf/up.sql "CREATE TYPE dealcurrency AS ENUM ('\''EUR'\'', '\''USD'\'', '\''CHF'\'');" \
		"ALTER TABLE deals ADD COLUMN fallback dealcurrency NOT NULL DEFAULT '\''CHF'\'';" &&
	in_order chf/down.sql "ALTER TABLE deals DROP COLUMN fallback;" \
		"ALTER TYPE dealcurrency RENAME TO dealcurrency__old;"
'

test_done
