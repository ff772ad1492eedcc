#!/bin/sh
test_description='PostgreSQL schemas (issue 14): YAML models name tables and enums "schema.name"; the schema is implied (CREATE SCHEMA), keys and enums work across schemas'
. ./lib.sh
test "$GM_TEST_DIALECT" = postgres ||
	test_skip_all "PostgreSQL only: runs in the GM_TEST_DIALECT=postgres pass of make test"
. "$TEST_DIR/lib-schemas.sh"

cat >base.yml <<'YAML'
tables:
  users:
    columns:
      id:   {type: integer, primary_key: true}
      name: {type: text, null: false}
YAML
cp base.yml billing.yml
cat >>billing.yml <<'YAML'
  billing.Invoices:
    columns:
      id:      {type: integer, primary_key: true}
      user_id: {type: integer, null: false, references: users(id)}
      status:  {type: billing.status, null: false, default: draft}
    indexes:
      - {columns: [user_id]}
  notes:
    columns:
      id:         {type: integer, primary_key: true}
      invoice_id: {type: integer, references: billing.Invoices(id)}
enums:
  billing.status: [draft, sent, paid]
YAML
cat >rows.sql <<'SQL'
INSERT INTO users VALUES (1, 'ann');
SQL
cat >new-rows.sql <<'SQL'
INSERT INTO billing."Invoices" VALUES (10, 1, 'sent');
INSERT INTO notes VALUES (1, 10);
SQL

test_expect_success 'a YAML table and enum in billing: the schema is created first, dropped last' '
	schema_case yaml base.yml billing.yml rows.sql new-rows.sql --data-loss &&
	heads yaml/up.sql >yaml/heads &&
	cat >expect <<-\EOF &&
	CREATE SCHEMA billing;
	CREATE TYPE billing.status AS ENUM ('"'"'draft'"'"', '"'"'sent'"'"', '"'"'paid'"'"');
	CREATE TABLE billing."Invoices" (
	CREATE INDEX "Invoices_user_id_idx" ON billing."Invoices" (user_id);
	CREATE TABLE notes (
	EOF
	test_cmp expect yaml/heads &&
	test_grep "status billing.status DEFAULT '"'"'draft'"'"'::billing.status NOT NULL\|status billing.status NOT NULL DEFAULT '"'"'draft'"'"'" yaml/up.sql &&
	test_grep "REFERENCES billing.\"Invoices\" (id)" yaml/up.sql &&
	heads yaml/down.sql >yaml/down.heads &&
	cat >expect <<-\EOF &&
	DROP TABLE notes;
	DROP TABLE billing."Invoices";
	DROP TYPE billing.status;
	DROP SCHEMA billing;
	EOF
	test_cmp expect yaml/down.heads
'

test_done
