#!/bin/sh
test_description='prepare (SQLite and PostgreSQL): reserved words and mixed-case identifiers are quoted'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

cat >base.yml <<'YAML'
tables:
  user:
    columns:
      id:    {type: integer, primary_key: true}
      group: text
YAML
cat >after.yml <<'YAML'
tables:
  user:
    columns:
      id:    {type: integer, primary_key: true}
      group: text
      Deal Notes: {type: text}
  order:
    columns:
      id:      {type: integer, primary_key: true}
      user_id: {type: integer, references: user(id)}
      MixedCase: {type: integer, null: false, default: 1}
    indexes:
      - {columns: [MixedCase]}
YAML
cat >rows.sql <<'SQL'
INSERT INTO "user" (id, "group") VALUES (1, 'admins');
SQL

test_expect_success 'keywords and mixed case round-trip' '
	prepare_case ids base.yml after.yml rows.sql &&
	rev=$(cat ids/path) &&
	test_grep "CREATE TABLE \"order\"" ids/$rev &&
	test_grep "\"MixedCase\" integer NOT NULL" ids/$rev &&
	test_grep "ADD COLUMN \"Deal Notes\" text" ids/$rev &&
	test_grep "no changes" ids/diff.out
'

test_done
