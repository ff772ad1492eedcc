#!/bin/sh
test_description='PostgreSQL schemas other than public (issue 14): CREATE SCHEMA and its tables planned, applied with rows, down and up again; a schema dropped; the dump of the database matches'
. ./lib.sh
test "$GM_TEST_DIALECT" = postgres ||
	test_skip_all "PostgreSQL only: runs in the GM_TEST_DIALECT=postgres pass of make test"
. "$TEST_DIR/lib-schemas.sh"

cat >base.sql <<'SQL'
CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL);
SQL
cat >billing.sql <<'SQL'
CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL);
CREATE SCHEMA billing;
COMMENT ON SCHEMA billing IS 'invoices and payments';
CREATE TABLE billing."Invoices" (
    id integer PRIMARY KEY,
    user_id integer NOT NULL REFERENCES public.users (id),
    total numeric(12,2) NOT NULL DEFAULT 0
);
CREATE INDEX ON billing."Invoices" (user_id);
COMMENT ON TABLE billing."Invoices" IS 'one per order';
SQL
cat >rows.sql <<'SQL'
INSERT INTO users VALUES (1, 'ann'), (2, 'bob');
SQL
cat >billing-rows.sql <<'SQL'
INSERT INTO billing."Invoices" VALUES (10, 1, 9.50), (11, 2, 0);
SQL

test_expect_success 'a new schema with a table: created by the revision (was "no changes")' '
	schema_case add base.sql billing.sql rows.sql billing-rows.sql &&
	heads add/up.sql >add/heads &&
	cat >expect <<-\EOF &&
	CREATE SCHEMA billing;
	COMMENT ON SCHEMA billing IS '"'"'invoices and payments'"'"';
	CREATE TABLE billing."Invoices" (
	CREATE INDEX "Invoices_user_id_idx" ON billing."Invoices" (user_id);
	COMMENT ON TABLE billing."Invoices" IS '"'"'one per order'"'"';
	EOF
	test_cmp expect add/heads &&
	test_grep "CONSTRAINT \"Invoices_pkey\" PRIMARY KEY (id)" add/up.sql &&
	test_grep "CONSTRAINT \"Invoices_user_id_fkey\" FOREIGN KEY (user_id) REFERENCES users (id)" add/up.sql &&
	cat >expect <<-\EOF &&
	DROP TABLE billing."Invoices";
	DROP SCHEMA billing;
	EOF
	heads add/down.sql >add/down.heads &&
	test_cmp expect add/down.heads
'

test_expect_success 'the database catalog has the schema, its table, keys and rows' '
	(
		cd add &&
		db_sql "SELECT n.nspname, c.relname, pg_catalog.obj_description(n.oid, '"'"'pg_namespace'"'"')
			FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = '"'"'billing'"'"' ORDER BY 2" >catalog &&
		cat >expect <<-\EOF &&
		billing|Invoices|invoices and payments
		billing|Invoices_pkey|invoices and payments
		billing|Invoices_user_id_idx|invoices and payments
		EOF
		test_cmp expect catalog &&
		db_sql "SELECT conname, confrelid::regclass FROM pg_constraint
			WHERE conrelid = '"'"'billing.\"Invoices\"'"'"'::regclass AND contype = '"'"'f'"'"'" >fk &&
		echo "Invoices_user_id_fkey|users" >expect &&
		test_cmp expect fk &&
		db_run_file ../billing-rows.sql &&
		db_sql "SELECT count(*) FROM billing.\"Invoices\"" >count &&
		echo 2 >expect &&
		test_cmp expect count
	)
'

cat >two.sql <<'SQL'
CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL);
CREATE SCHEMA audit;
CREATE TABLE audit.events (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now());
SQL
cat billing.sql >both.sql && sed 1d two.sql >>both.sql
cat rows.sql billing-rows.sql >both-rows.sql
test_expect_success 'a schema the models drop is dropped, its tables first, and back on down' '
	schema_case drop both.sql two.sql both-rows.sql "" --data-loss &&
	cat >expect <<-\EOF &&
	DROP TABLE billing."Invoices";
	DROP SCHEMA billing;
	EOF
	heads drop/up.sql >drop/heads &&
	test_cmp expect drop/heads &&
	(
		cd drop &&
		db_sql "SELECT string_agg(nspname, '"'"','"'"' ORDER BY nspname) FROM pg_namespace
			WHERE nspname IN ('"'"'billing'"'"', '"'"'audit'"'"')" >n &&
		echo audit >expect &&
		test_cmp expect n
	)
'

test_expect_success 'models that name no schema leave the schemas of the database alone, with their tables' '
	schema_repo last billing.sql base.sql && (
		cd last &&
		git migrate diff >out 2>&1 &&
		test_grep "no changes" out &&
		test_grep "the models declare no schema, left alone: schema billing" out
	)
'
cat >dot.sql <<'SQL'
CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE "a.b" (id integer PRIMARY KEY, "x.y" text);
CREATE INDEX ON "a.b" ("x.y");
SQL
test_expect_success 'a name with a dot in the current schema is one identifier, not a schema' '
	schema_case dot base.sql dot.sql rows.sql "" &&
	test_grep "^CREATE TABLE \"a.b\" ($" dot/up.sql &&
	test_grep "CONSTRAINT \"a.b_pkey\" PRIMARY KEY (id)" dot/up.sql &&
	test_grep "CREATE INDEX \"a.b_x.y_idx\" ON \"a.b\" (\"x.y\");" dot/up.sql &&
	test_grep "^DROP TABLE \"a.b\";" dot/down.sql &&
	! grep "CREATE SCHEMA" dot/up.sql &&
	(
		cd dot &&
		db_sql "SELECT n.nspname || '"'"'|'"'"' || c.relname FROM pg_class c
			JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = '"'"'a.b'"'"'" >got &&
		echo "public|a.b" >expect &&
		test_cmp expect got
	)
'

cat >mixed.sql <<'SQL'
CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL);
CREATE SCHEMA "Sales.EU";
CREATE TABLE "Sales.EU"."Order" (id integer PRIMARY KEY, "a.b" integer);
SQL
test_expect_success 'a schema name with a dot and capitals is quoted and round-trips' '
	schema_case mixed base.sql mixed.sql rows.sql "" &&
	test_grep "^CREATE SCHEMA \"Sales.EU\";" mixed/up.sql &&
	test_grep "^CREATE TABLE \"Sales.EU\".\"Order\" ($" mixed/up.sql &&
	test_grep "CONSTRAINT \"Order_pkey\" PRIMARY KEY (id)" mixed/up.sql &&
	test_grep "^DROP SCHEMA \"Sales.EU\";" mixed/down.sql
'

test_done
