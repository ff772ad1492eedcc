#!/bin/sh
test_description='prepare (SQLite and PostgreSQL): column changes (add, drop, rename, type, null, default)'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

cat >base.yml <<'YAML'
tables:
  deals:
    columns:
      id:     {type: integer, primary_key: true}
      title:  {type: varchar(120), null: false}
      amount: {type: integer, null: false, default: 0}
      notes:  text
YAML
cat >rows.sql <<'SQL'
INSERT INTO deals (id, title, amount, notes) VALUES (1, 'first', 10, 'n1'), (2, 'second', 20, NULL);
SQL

variant() {
	sed "$1" base.yml >"$2"
}

test_expect_success 'add a nullable column (in place)' '
	variant "s/^      notes:  text/      notes:  text\n      stage:  varchar(20)/" add.yml &&
	prepare_case add base.yml add.yml rows.sql &&
	test_grep "add column deals.stage" add/err &&
	test_grep "ALTER TABLE deals ADD COLUMN stage" add/migrations/versions/*.sql &&
	test_grep -v "warning: table rebuild" add/err
'

test_expect_success 'add a NOT NULL column with a default' '
	variant "s/^      notes:  text/      notes:  text\n      stage:  {type: varchar(20), null: false, default: new}/" add2.yml &&
	prepare_case add2 base.yml add2.yml rows.sql &&
	db_query add2 "SELECT stage FROM deals WHERE id = 1" >actual &&
	echo new >expect && test_cmp expect actual
'

test_expect_success 'drop a column' '
	variant "/^      notes:/d" drop.yml &&
	DATA_LOSS=1 prepare_case drop base.yml drop.yml rows.sql &&
	test_grep "drop column deals.notes" drop/err &&
	test_grep "warning: drops column deals.notes$" drop/err
'

test_expect_success 'rename a column with a was: hint keeps its values' '
	variant "s/^      notes:  text/      remarks: {type: text, was: notes}/" rename.yml &&
	prepare_case rename base.yml rename.yml rows.sql &&
	test_grep "rename column deals.notes to remarks" rename/err &&
	db_query rename "SELECT remarks FROM deals WHERE id = 1" >actual &&
	echo n1 >expect && test_cmp expect actual
'

test_expect_success 'change a column type (table rebuild, rows copied)' '
	variant "s/amount: {type: integer/amount: {type: bigint/" type.yml &&
	prepare_case type base.yml type.yml rows.sql &&
	test_grep "change type of deals.amount from integer to bigint" type/err &&
	if test_if_postgres; then
		test_grep "ALTER TABLE deals ALTER COLUMN amount TYPE bigint" type/migrations/versions/*.sql &&
		test_grep "warning: rewrites deals.amount" type/err &&
		test_grep -v "table rebuild" type/err
	else
		test_grep "warning: table rebuild of deals" type/err
	fi &&
	db_query type "SELECT sum(amount) FROM deals" >actual &&
	echo 30 >expect && test_cmp expect actual
'

test_expect_success 'make a column NOT NULL, and nullable again' '
	variant "s/^      notes:  text/      notes:  {type: text, null: false, default: none}/" notnull.yml &&
	cat >rows-nn.sql <<-SQL &&
	INSERT INTO deals (id, title, amount, notes) VALUES (1, '\''first'\'', 10, '\''n1'\'');
	SQL
	prepare_case notnull base.yml notnull.yml rows-nn.sql &&
	test_grep "make deals.notes not null" notnull/err
'

test_expect_success 'change a default' '
	variant "s/default: 0}/default: 5}/" default.yml &&
	prepare_case default base.yml default.yml rows.sql &&
	test_grep "change default of deals.amount" default/err &&
	db_query default "INSERT INTO deals (id, title) VALUES (9, '\''x'\''); SELECT amount FROM deals WHERE id = 9" >actual &&
	echo 5 >expect && test_cmp expect actual
'

test_expect_success 'no scratch database is left behind' '
	test_no_scratch_left
'

test_done
