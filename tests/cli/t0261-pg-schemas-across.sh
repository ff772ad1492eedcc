#!/bin/sh
test_description='PostgreSQL schemas (issue 14): enum swaps, foreign keys and views across schemas, planned, applied with rows, down and up again'
. ./lib.sh
test "$GM_TEST_DIALECT" = postgres ||
	test_skip_all "PostgreSQL only: runs in the GM_TEST_DIALECT=postgres pass of make test"
. "$TEST_DIR/lib-schemas.sh"

# models <status labels> <total type>: billing's enum and invoices, used from public
models() {
	cat <<-SQL
	CREATE SCHEMA billing;
	CREATE TYPE billing.status AS ENUM ($1);
	CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL);
	CREATE TABLE billing.invoices (
	    id integer PRIMARY KEY,
	    user_id integer NOT NULL REFERENCES users (id),
	    status billing.status NOT NULL DEFAULT 'draft',
	    total $2 NOT NULL
	);
	CREATE TABLE notes (
	    id integer PRIMARY KEY,
	    invoice_id integer REFERENCES billing.invoices (id),
	    status billing.status
	);
	CREATE VIEW open_invoices AS
	    SELECT i.id, i.total, i.status FROM billing.invoices i WHERE i.status <> 'paid';
	SQL
}
models "'draft', 'sent', 'paid'" integer >base.sql
cat >rows.sql <<'SQL'
INSERT INTO users VALUES (1, 'ann'), (2, 'bob');
INSERT INTO billing.invoices VALUES (10, 1, 'draft', 100), (11, 2, 'paid', 50), (12, 2, 'sent', 7);
INSERT INTO notes VALUES (1, 10, 'sent'), (2, 12, 'paid');
SQL

test_expect_success 'base: foreign keys both ways across schemas, a view in public over billing' '
	schema_repo base base.sql && (
		cd base &&
		rev=$(cat base.path) &&
		section "$rev" up >up.sql &&
		heads up.sql >heads &&
		cat >expect <<-\EOF &&
		CREATE SCHEMA billing;
		CREATE TYPE billing.status AS ENUM ('"'"'draft'"'"', '"'"'sent'"'"', '"'"'paid'"'"');
		CREATE TABLE users (
		CREATE TABLE billing.invoices (
		CREATE TABLE notes (
		CREATE VIEW open_invoices AS
		EOF
		test_cmp expect heads &&
		test_grep "REFERENCES users (id)" up.sql &&
		test_grep "REFERENCES billing.invoices (id)" up.sql &&
		test_grep "FROM billing.invoices i" up.sql
	)
'

models "'draft', 'paid', 'sent'" integer >swap.sql
cat >swap-rows.sql <<'SQL'
INSERT INTO billing.invoices VALUES (13, 1, 'sent', 1);
SQL
test_expect_success 'an enum of billing used by public and billing tables and a view is swapped' '
	schema_case swap base.sql swap.sql rows.sql swap-rows.sql &&
	test_grep "^DROP VIEW open_invoices;" swap/up.sql &&
	test_grep "^ALTER TYPE billing.status RENAME TO status__old;" swap/up.sql &&
	test_grep "^CREATE TYPE billing.status AS ENUM" swap/up.sql &&
	test_grep "TYPE billing.status USING status::text::billing.status" swap/up.sql &&
	test_grep "^ALTER TABLE billing.invoices ALTER COLUMN status SET DEFAULT" swap/up.sql &&
	test_grep "^DROP TYPE billing.status__old;" swap/up.sql &&
	(
		cd swap &&
		db_sql "SELECT pg_catalog.array_to_string(enum_range(NULL::billing.status), '"'"','"'"')" >labels &&
		echo "draft,paid,sent" >expect &&
		test_cmp expect labels &&
		db_sql "SELECT id, status FROM notes ORDER BY id" >notes &&
		printf "1|sent\n2|paid\n" >expect &&
		test_cmp expect notes
	)
'

models "'draft', 'sent', 'paid'" bigint >retype.sql
cat >retype-rows.sql <<'SQL'
INSERT INTO billing.invoices VALUES (14, 1, 'draft', 2147483647);
SQL
test_expect_success 'a column of billing a public view uses is retyped: the view goes and comes back' '
	schema_case retype base.sql retype.sql rows.sql retype-rows.sql --data-loss &&
	heads retype/up.sql >retype/heads &&
	cat >expect <<-\EOF &&
	DROP VIEW open_invoices;
	ALTER TABLE billing.invoices ALTER COLUMN total TYPE bigint USING total::bigint;
	CREATE VIEW open_invoices AS
	EOF
	test_cmp expect retype/heads &&
	(
		cd retype &&
		db_sql "SELECT id, total FROM open_invoices ORDER BY id" >open &&
		printf "10|100\n12|7\n14|2147483647\n" >expect &&
		test_cmp expect open
	)
'

cp base.sql pay.sql
cat >>pay.sql <<'SQL'
CREATE TABLE billing.payments (
    id integer PRIMARY KEY,
    invoice_id integer NOT NULL REFERENCES billing.invoices (id) ON DELETE CASCADE,
    payer integer REFERENCES public.users (id)
);
ALTER TABLE notes ADD COLUMN payment_id integer REFERENCES billing.payments (id);
SQL
test_expect_success 'a new billing table with keys to both schemas, and a public key to it' '
	schema_case pay base.sql pay.sql rows.sql "" &&
	test_grep "CONSTRAINT payments_payer_fkey FOREIGN KEY (payer) REFERENCES users (id)" pay/up.sql &&
	test_grep "REFERENCES billing.invoices (id) ON DELETE CASCADE" pay/up.sql &&
	test_grep "^ALTER TABLE notes ADD CONSTRAINT notes_payment_id_fkey FOREIGN KEY (payment_id) REFERENCES billing.payments (id)" pay/up.sql &&
	(
		cd pay &&
		db_sql "SELECT conname, confrelid::regclass FROM pg_constraint WHERE contype = '"'"'f'"'"' ORDER BY 1" >fks &&
		cat >expect <<-\EOF &&
		invoices_user_id_fkey|users
		notes_invoice_id_fkey|billing.invoices
		notes_payment_id_fkey|billing.payments
		payments_invoice_id_fkey|billing.invoices
		payments_payer_fkey|users
		EOF
		test_cmp expect fks
	)
'

test_done
