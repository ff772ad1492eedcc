#!/bin/sh
test_description='PostgreSQL enums, the CRM story of DESIGN 1 and 4: ADD VALUE without a rewrite, reuse without CREATE TYPE, commit before a new label is used, the swap'
. ./lib.sh
test "$GM_TEST_DIALECT" = postgres ||
	test_skip_all "PostgreSQL only: runs in the GM_TEST_DIALECT=postgres pass of make test"
. "$TEST_DIR/lib-prepare.sh"

cat >base.yml <<'YAML'
enums:
  dealcurrency: [USD, EUR, AED, GBP]
  contacteventstatus: [planned, done, cancelled, no_show]
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
  contact_events:
    columns:
      id:         {type: integer, primary_key: true}
      contact_id: {type: integer, references: contacts(id)}
      status:     {type: contacteventstatus, null: false, default: planned}
YAML
cat >rows.sql <<'SQL'
INSERT INTO contacts (id, email) VALUES (1, 'a@example.com'), (2, 'b@example.com');
INSERT INTO deals (id, title, currency, contact_id) VALUES
  (1, 'first', 'USD', 1), (2, 'second', 'EUR', 2), (3, 'third', 'GBP', 1), (4, 'fourth', DEFAULT, 2);
INSERT INTO contact_events (id, contact_id, status) VALUES
  (1, 1, 'planned'), (2, 1, 'done'), (3, 2, 'cancelled'), (4, 2, DEFAULT);
SQL

# Every row of every table, in a stable order (the rows must survive up and down).
all_rows() {
	for t in $(db_sql "SELECT quote_ident(relname) FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r' ORDER BY relname"); do
		echo "== $t"
		db_sql "SELECT * FROM $t ORDER BY 1"
	done
}

# The storage of every table: relfilenode changes exactly when a table is rewritten.
relfiles() {
	db_sql "SELECT relname, relfilenode FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r' ORDER BY relname"
}

# enum_case <dir> <before.yml> <after.yml> <rows.sql>
# prepare writes a revision; on a database built by the base revision and holding the
# rows, psql applies up (each part between `-- +migrate commit` lines in its own
# transaction), down restores `pg_dump --schema-only` exactly and keeps every row, up
# applies again to the same schema; `git migrate diff` then finds nothing. Leaves in <dir>:
# rev (the revision's path), up.sql, relfiles.before / relfiles.up.
enum_case() {
	set -- "$1" "$(abspath "$2")" "$(abspath "$3")" "$(abspath "$4")"
	prepare_case_setup "$1" "$2" &&
	(
		cd "$1" &&
		cp "$3" models/app.yml &&
		git commit -q -am "change models" &&
		git migrate prepare >path 2>err &&
		rev=$(cat path) && cp "$rev" rev &&
		section "$rev" up >up.sql &&
		db_create &&
		db_apply migrations/versions/*_base.sql up &&
		db_run_file "$4" &&
		pg_schema "$(case_db)" >schema.before &&
		all_rows >rows.before &&
		relfiles >relfiles.before &&
		db_apply "$rev" up &&
		relfiles >relfiles.up &&
		pg_schema "$(case_db)" >schema.after &&
		all_rows >rows.up &&
		db_apply "$rev" down &&
		pg_schema "$(case_db)" >schema.down &&
		test_cmp schema.before schema.down &&
		all_rows >rows.down &&
		test_cmp rows.before rows.down &&
		db_apply "$rev" up &&
		pg_schema "$(case_db)" >schema.again &&
		test_cmp schema.after schema.again &&
		git migrate diff >diff.out 2>&1 &&
		test_grep "no changes" diff.out &&
		test_no_password_in path err diff.out migrations
	)
}

# line_of <file> <fixed string>: the number of the first line holding it.
line_of() {
	grep -nF -- "$2" "$1" | head -n 1 | cut -d: -f1
}

# in_order <file> <string>...: each string is on a later line than the one before.
in_order() {
	f=$1; shift
	prev=0
	for s in "$@"; do
		n=$(line_of "$f" "$s")
		test -n "$n" || { echo "not found: $s" >&2; cat "$f" >&2; return 1; }
		test "$n" -gt "$prev" || { echo "out of order: $s (line $n)" >&2; cat "$f" >&2; return 1; }
		prev=$n
	done
}

test_expect_success 'dealcurrency gains BTC: ADD VALUE AFTER GBP, no table rewrite' '
	sed "s/\[USD, EUR, AED, GBP\]/[USD, EUR, AED, GBP, BTC]/" base.yml >btc.yml &&
	enum_case btc base.yml btc.yml rows.sql &&
	test_grep "^ALTER TYPE dealcurrency ADD VALUE IF NOT EXISTS '\''BTC'\'' AFTER '\''GBP'\'';$" btc/up.sql &&
	test $(grep -c "[^ ]" btc/up.sql) = 1 &&
	test_cmp btc/relfiles.before btc/relfiles.up &&
	test_grep -v "warning" btc/err &&
	test_grep "add value '\''BTC'\'' to enum dealcurrency" btc/err &&
	db_query btc "INSERT INTO deals (id, title, currency) VALUES (9, '\''btc'\'', '\''BTC'\'')" &&
	test_must_fail db_query btc "INSERT INTO deals (id, title, currency) VALUES (10, '\''x'\'', '\''XRP'\'')"
'

test_expect_success 'a label inserted first and one in the middle: BEFORE and AFTER, no rewrite' '
	sed "s/\[USD, EUR, AED, GBP\]/[CHF, USD, EUR, JPY, AED, GBP]/" base.yml >mid.yml &&
	enum_case mid base.yml mid.yml rows.sql &&
	test_grep "^ALTER TYPE dealcurrency ADD VALUE IF NOT EXISTS '\''CHF'\'' BEFORE '\''USD'\'';$" mid/up.sql &&
	test_grep "^ALTER TYPE dealcurrency ADD VALUE IF NOT EXISTS '\''JPY'\'' AFTER '\''EUR'\'';$" mid/up.sql &&
	test_cmp mid/relfiles.before mid/relfiles.up &&
	db_query mid "SELECT enum_range(NULL::dealcurrency)" >actual &&
	echo "{CHF,USD,EUR,JPY,AED,GBP}" >expect &&
	test_cmp expect actual
'

test_expect_success 'a new table reusing dealcurrency: no CREATE TYPE' '
	cp base.yml reuse.yml &&
	cat >>reuse.yml <<-YAML &&
	  invoices:
	    columns:
	      id:       {type: integer, primary_key: true}
	      deal_id:  {type: integer, references: deals(id)}
	      currency: {type: dealcurrency, null: false, default: EUR}
	YAML
	enum_case reuse base.yml reuse.yml rows.sql &&
	test_grep "^CREATE TABLE invoices" reuse/up.sql &&
	test_grep "currency dealcurrency NOT NULL DEFAULT '\''EUR'\''" reuse/up.sql &&
	test_grep -v "CREATE TYPE" reuse/rev &&
	test_grep -v "DROP TYPE" reuse/rev &&
	grep -v "^invoices|" reuse/relfiles.up >reuse/relfiles.old &&
	test_cmp reuse/relfiles.before reuse/relfiles.old
'

test_expect_success 'a new default using the new label: commit after ADD VALUE, the applier applies it' '
	sed -e "s/\[USD, EUR, AED, GBP\]/[USD, EUR, AED, GBP, BTC]/" \
	    -e "s/currency:   {type: dealcurrency, null: false, default: USD}/currency:   {type: dealcurrency, null: false, default: BTC}/" \
	    base.yml >btcdefault.yml &&
	enum_case btcdefault base.yml btcdefault.yml rows.sql &&
	add=$(line_of btcdefault/rev "ADD VALUE IF NOT EXISTS '\''BTC'\''") &&
	sed -n "$((add + 1))p" btcdefault/rev >next &&
	echo "-- +migrate commit" >expect &&
	test_cmp expect next &&
	in_order btcdefault/up.sql "ADD VALUE IF NOT EXISTS '\''BTC'\''" "-- +migrate commit" \
		"ALTER TABLE deals ALTER COLUMN currency SET DEFAULT '\''BTC'\''" &&
	db_query btcdefault "INSERT INTO deals (id, title) VALUES (9, '\''x'\''); SELECT currency FROM deals WHERE id = 9" >actual &&
	echo BTC >expect &&
	test_cmp expect actual &&
	(
		cd btcdefault &&
		git add -A && git commit -q -m "the revision" &&
		git migrate verify --replay >out 2>err
	)
'

test_expect_success 'a label removed while a column has a default: the swap, in order' '
	sed "s/\[planned, done, cancelled, no_show\]/[planned, done, cancelled]/" base.yml >noshow.yml &&
	enum_case noshow base.yml noshow.yml rows.sql &&
	in_order noshow/up.sql \
		"ALTER TYPE contacteventstatus RENAME TO contacteventstatus__old;" \
		"CREATE TYPE contacteventstatus AS ENUM ('\''planned'\'', '\''done'\'', '\''cancelled'\'');" \
		"ALTER COLUMN status DROP DEFAULT" \
		"ALTER COLUMN status TYPE contacteventstatus USING status::text::contacteventstatus" \
		"ALTER TABLE contact_events ALTER COLUMN status SET DEFAULT '\''planned'\'';" \
		"DROP TYPE contacteventstatus__old;" &&
	test_grep "warning: enum swap rewrites contact_events" noshow/err &&
	test_must_fail db_query noshow "INSERT INTO contact_events (id, status) VALUES (9, '\''no_show'\'')" &&
	db_query noshow "INSERT INTO contact_events (id) VALUES (10); SELECT status FROM contact_events WHERE id = 10" >actual &&
	echo planned >expect &&
	test_cmp expect actual
'

test_expect_success 'a column turned to text and its enum gone: one cast, DROP TYPE after it' '
	sed -e "/^  contacteventstatus:/d" \
	    -e "s/status:     {type: contacteventstatus, null: false, default: planned}/status:     {type: text, null: false, default: planned}/" \
	    base.yml >totext.yml &&
	enum_case totext base.yml totext.yml rows.sql &&
	test_grep "ALTER TABLE contact_events ALTER COLUMN status TYPE text USING status::text;" totext/up.sql &&
	in_order totext/up.sql "ALTER COLUMN status TYPE text" "DROP TYPE contacteventstatus;" &&
	db_query totext "SELECT status FROM contact_events ORDER BY id" >actual &&
	printf "planned\ndone\ncancelled\nplanned\n" >expect &&
	test_cmp expect actual
'

cat >shared.yml <<'YAML'
enums:
  dealcurrency: [USD, EUR, AED, GBP]
tables:
  deals:
    columns:
      id:       {type: integer, primary_key: true}
      currency: {type: dealcurrency, null: false, default: USD}
  invoices:
    columns:
      id:       {type: integer, primary_key: true}
      currency: {type: dealcurrency, default: EUR}
  price_lists:
    columns:
      id:         {type: integer, primary_key: true}
      currencies: {type: "dealcurrency[]", null: false}
YAML
cat >shared-rows.sql <<'SQL'
INSERT INTO deals (id, currency) VALUES (1, 'USD'), (2, 'GBP');
INSERT INTO invoices (id, currency) VALUES (1, 'EUR'), (2, NULL), (3, DEFAULT);
INSERT INTO price_lists (id, currencies) VALUES (1, '{USD,EUR}'), (2, '{}'), (3, '{GBP,USD,GBP}');
SQL

test_expect_success 'an enum used by two tables and an array column: every column converted' '
	sed "s/\[USD, EUR, AED, GBP\]/[USD, EUR, GBP]/" shared.yml >shared-noaed.yml &&
	enum_case shared shared.yml shared-noaed.yml shared-rows.sql &&
	test $(grep -c "RENAME TO dealcurrency__old" shared/up.sql) = 1 &&
	test_grep "ALTER COLUMN currency TYPE dealcurrency USING currency::text::dealcurrency" shared/up.sql >found &&
	test $(wc -l <found) = 2 &&
	test_grep "ALTER COLUMN currencies TYPE dealcurrency\[\] USING currencies::text\[\]::dealcurrency\[\]" shared/up.sql &&
	in_order shared/up.sql "RENAME TO dealcurrency__old" "ALTER TABLE deals" "DROP TYPE dealcurrency__old" &&
	in_order shared/up.sql "RENAME TO dealcurrency__old" "ALTER TABLE invoices" "DROP TYPE dealcurrency__old" &&
	in_order shared/up.sql "RENAME TO dealcurrency__old" "ALTER TABLE price_lists" "DROP TYPE dealcurrency__old" &&
	test_grep "enum swap rewrites deals, invoices, price_lists" shared/err &&
	db_query shared "SELECT currencies FROM price_lists ORDER BY id" >actual &&
	printf "{USD,EUR}\n{}\n{GBP,USD,GBP}\n" >expect &&
	test_cmp expect actual
'

cat >ids.yml <<'YAML'
enums:
  OrderStatus: [new, paid, shipped]
tables:
  user:
    columns:
      id: {type: integer, primary_key: true}
  order:
    columns:
      id:        {type: integer, primary_key: true}
      user:      {type: integer, references: user(id)}
      select:    {type: OrderStatus, null: false, default: new}
      Past States: {type: "OrderStatus[]"}
YAML
cat >ids-rows.sql <<'SQL'
INSERT INTO "user" (id) VALUES (1);
INSERT INTO "order" (id, "user", "select", "Past States") VALUES (1, 1, 'paid', '{new}'), (2, 1, DEFAULT, NULL);
SQL

test_expect_success 'reserved words and mixed case: a label added in the middle' '
	sed "s/\[new, paid, shipped\]/[new, paid, refunded, shipped]/" ids.yml >ids-add.yml &&
	enum_case idsadd ids.yml ids-add.yml ids-rows.sql &&
	test_grep "^ALTER TYPE \"OrderStatus\" ADD VALUE IF NOT EXISTS '\''refunded'\'' AFTER '\''paid'\'';$" idsadd/up.sql &&
	test_cmp idsadd/relfiles.before idsadd/relfiles.up
'

test_expect_success 'reserved words and mixed case: the swap quotes every name' '
	sed "s/\[new, paid, shipped\]/[new, shipped, paid]/" ids.yml >ids-swap.yml &&
	enum_case idsswap ids.yml ids-swap.yml ids-rows.sql &&
	in_order idsswap/up.sql \
		"ALTER TYPE \"OrderStatus\" RENAME TO \"OrderStatus__old\";" \
		"CREATE TYPE \"OrderStatus\" AS ENUM ('\''new'\'', '\''shipped'\'', '\''paid'\'');" \
		"ALTER TABLE \"order\"" \
		"DROP TYPE \"OrderStatus__old\";" &&
	test_grep "ALTER COLUMN \"select\" TYPE \"OrderStatus\" USING \"select\"::text::\"OrderStatus\"" idsswap/up.sql &&
	test_grep "ALTER COLUMN \"Past States\" TYPE \"OrderStatus\"\[\] USING \"Past States\"::text\[\]::\"OrderStatus\"\[\]" idsswap/up.sql &&
	test_grep "ALTER TABLE \"order\" ALTER COLUMN \"select\" SET DEFAULT '\''new'\'';" idsswap/up.sql
'

test_expect_success 'no scratch database is left behind' '
	test_no_scratch_left
'

test_done
