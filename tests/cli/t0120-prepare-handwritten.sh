#!/bin/sh
test_description='a hand-written production history whose models are equal: no changes (SQLite and PostgreSQL)'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

if test_if_sqlite; then
test_expect_success 'setup: production history written by hand, as people write it' '
	git init -q -b production repo &&
	(
		cd repo &&
		gm_write_config "[models/*.yml]" &&
		write_revision migrations/versions a1 "" "CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    email VARCHAR(200) NOT NULL UNIQUE,
    name TEXT
);" "DROP TABLE contacts;" &&
		write_revision migrations/versions b2 a1 "create table deals (
  id integer not null primary key,
  title varchar(120) not null,
  amount numeric(12,2) not null default 0,
  currency text not null default '\''USD'\'' check (currency in ('\''USD'\'','\''EUR'\'')),
  contact_id integer references contacts(id) on delete cascade,
  check (amount >= 0)
);
CREATE INDEX ix_deals_title ON deals(title);" "DROP TABLE deals;" &&
		mkdir models &&
		cat >models/app.yml <<-YAML &&
		enums:
		  currency_t: [USD, EUR]
		tables:
		  contacts:
		    columns:
		      id:    {type: integer, primary_key: true}
		      email: {type: varchar(200), null: false, unique: true}
		      name:  text
		  deals:
		    columns:
		      id:         {type: integer, primary_key: true}
		      title:      {type: varchar(120), null: false}
		      amount:     {type: numeric(12,2), null: false, default: 0}
		      currency:   {type: currency_t, null: false, default: USD}
		      contact_id: {type: integer, references: contacts(id), on_delete: cascade}
		    indexes:
		      - {name: ix_deals_title, columns: [title]}
		    checks:
		      deals_check: amount >= 0
		YAML
		git add -A && git commit -q -m "hand-written history" &&
		git switch -q -c work
	)
'
else
test_expect_success 'setup: production history written by hand for PostgreSQL, as people write it' '
	git init -q -b production repo &&
	(
		cd repo &&
		gm_write_config "[models/*.yml]" &&
		write_revision migrations/versions a1 "" "CREATE TABLE contacts (
    id int4 NOT NULL PRIMARY KEY,
    email CHARACTER VARYING(200) NOT NULL UNIQUE,
    name TEXT
);" "DROP TABLE contacts;" &&
		write_revision migrations/versions b2 a1 "create type currency_t as enum ('\''USD'\'', '\''EUR'\'');
create table deals (
  id integer not null primary key,
  title varchar(120) not null,
  amount numeric(12,2) not null default 0,
  currency currency_t not null default '\''USD'\''::currency_t,
  contact_id integer references contacts(id) on delete cascade,
  created_at timestamp with time zone not null default now(),
  tags text[],
  check (amount >= 0)
);
CREATE INDEX ix_deals_title ON deals(title);" "DROP TABLE deals;
DROP TYPE currency_t;" &&
		mkdir models &&
		cat >models/app.yml <<-YAML &&
		enums:
		  currency_t: [USD, EUR]
		tables:
		  contacts:
		    columns:
		      id:    {type: integer, primary_key: true}
		      email: {type: varchar(200), null: false, unique: true}
		      name:  text
		  deals:
		    columns:
		      id:         {type: integer, primary_key: true}
		      title:      {type: varchar(120), null: false}
		      amount:     {type: numeric(12,2), null: false, default: 0}
		      currency:   {type: currency_t, null: false, default: USD}
		      contact_id: {type: integer, references: contacts(id), on_delete: cascade}
		      created_at: {type: timestamptz, null: false, default_sql: "now()"}
		      tags:       "text[]"
		    indexes:
		      - {name: ix_deals_title, columns: [title]}
		    checks:
		      deals_amount_check: amount >= 0
		YAML
		git add -A && git commit -q -m "hand-written history" &&
		git switch -q -c work
	)
'
fi

test_expect_success 'diff says no changes' '
	(cd repo && git migrate diff >out 2>err) &&
	test_grep "no changes" repo/err
'

test_expect_success 'prepare writes nothing' '
	(cd repo && git migrate prepare >out 2>err) &&
	test_grep "no changes" repo/err &&
	test $(ls repo/migrations/versions | wc -l) = 2 &&
	test_no_scratch_left
'

test_done
