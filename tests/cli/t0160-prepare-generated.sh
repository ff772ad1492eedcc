#!/bin/sh
test_description='Generated columns from YAML models (issue 14): plain to generated is a drop and an add (with the data-loss warning), a VIRTUAL one is added in place on SQLite, a new expression is a drop and an add that takes the index on the column along, generated to plain keeps the values; applied to a database with rows and back, compared with the catalog'
. ./lib.sh
test "$GM_TEST_DIALECT" != none ||
	test_skip_all "needs a dialect"
. "$TEST_DIR/lib-prepare.sh"
. "$TEST_DIR/lib-cols.sh"

cat >base.yml <<'YAML'
tables:
  items:
    columns:
      id:    {type: integer, primary_key: true}
      qty:   {type: integer, null: false}
      price: {type: integer, null: false}
      total: integer
YAML
{
	sed 's/^      total: integer$/      total: {type: integer, generated: "qty * price"}/' base.yml &&
	printf "    indexes:\n      - {columns: [total]}\n"
} >gen.yml
sed 's/^    indexes:$/      twice: {type: integer, generated: "qty * 2", stored: false}\n    indexes:/' \
	gen.yml >virtual.yml
sed -e 's/generated: "qty \* price"/generated: "qty * price + 1"/' \
    -e 's/^      twice: .*$/      twice: integer/' virtual.yml >changed.yml

# generated: each column of items, with its kind (plain, stored, virtual), one line
generated() {
	if test_if_postgres; then
		db_sql "SELECT attname || ':' || CASE attgenerated WHEN 's' THEN 'stored' ELSE 'plain' END FROM pg_attribute WHERE attrelid = 'items'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attname"
	else
		db_sql "SELECT name || ':' || CASE hidden WHEN 3 THEN 'stored' WHEN 2 THEN 'virtual' ELSE 'plain' END FROM pragma_table_xinfo('items') ORDER BY name"
	fi | paste -sd " " -
}

# indexes: the indexes of items, by name
indexes() {
	if test_if_postgres; then
		db_sql "SELECT indexname FROM pg_indexes WHERE tablename = 'items' AND indexname <> 'items_pkey' ORDER BY 1"
	else
		db_sql "SELECT name FROM pragma_index_list('items') WHERE origin = 'c' ORDER BY 1"
	fi | paste -sd " " -
}

test_expect_success 'setup: production with the base models and revision; a database with rows' '
	cols_case_setup g base.yml "INSERT INTO items VALUES (1, 2, 3, 100), (2, 5, 7, 200)"
'

test_expect_success 'plain to generated: a drop and an add, with the warning' '
	(
		cd g && cols_prepare ../gen.yml generated
	) &&
	test_grep "drop column items.total" g/err &&
	test_grep "add column items.total" g/err &&
	{ test_if_sqlite || test_grep "^warning: drops column items.total" g/err; } &&
	test_grep "total integer GENERATED ALWAYS AS (" g/up.sql &&
	{ test_if_postgres || test_grep "table rebuild of items" g/err; } &&
	(
		cd g &&
		git migrate -q upgrade &&
		generated >cols.up &&
		db_sql "SELECT id, total FROM items ORDER BY id" >rows.up &&
		indexes >idx.up &&
		git migrate diff >out 2>err
	) &&
	echo "id:plain price:plain qty:plain total:stored" >expect &&
	test_cmp expect g/cols.up &&
	printf "1|6\n2|35\n" >expect && test_cmp expect g/rows.up &&
	echo items_total_idx >expect && test_cmp expect g/idx.up &&
	test_grep "^no changes$" g/err
'

test_expect_success 'a VIRTUAL generated column: SQLite adds it in place (PostgreSQL stores it)' '
	(
		cd g &&
		git add -A && git commit -q -m "generated revision" &&
		cols_prepare ../virtual.yml virtual &&
		git migrate -q upgrade &&
		generated >cols.up &&
		db_sql "SELECT id, total, twice FROM items ORDER BY id" >rows.up
	) &&
	if test_if_sqlite; then
		echo "ALTER TABLE items ADD COLUMN twice integer GENERATED ALWAYS AS (qty * 2) VIRTUAL;" >expect &&
		echo "id:plain price:plain qty:plain total:stored twice:virtual" >expect.cols
	else
		echo "ALTER TABLE items ADD COLUMN twice integer GENERATED ALWAYS AS ((qty * 2)) STORED;" >expect &&
		echo "id:plain price:plain qty:plain total:stored twice:stored" >expect.cols
	fi &&
	grep -v "^$" g/up.sql >actual && test_cmp expect actual &&
	test_cmp expect.cols g/cols.up &&
	printf "1|6|4\n2|35|10\n" >expect && test_cmp expect g/rows.up
'

test_expect_success 'a new expression is a drop and an add (the index too); generated to plain keeps the values' '
	(
		cd g &&
		git add -A && git commit -q -m "virtual revision" &&
		cols_prepare ../changed.yml changed &&
		git migrate -q upgrade &&
		generated >cols.up &&
		db_sql "SELECT id, total, twice FROM items ORDER BY id" >rows.up &&
		indexes >idx.up &&
		db_sql "UPDATE items SET qty = 10 WHERE id = 1" &&
		db_sql "SELECT id, total, twice FROM items ORDER BY id" >rows.upd
	) &&
	{ test_if_sqlite || test_grep "^warning: drops column items.total" g/err; } &&
	test_grep "make items.twice a plain column (values kept)" g/err &&
	if test_if_postgres; then
		test_grep "^ALTER TABLE items ALTER COLUMN twice DROP EXPRESSION;$" g/up.sql &&
		test_grep "^DROP INDEX items_total_idx;$" g/up.sql &&
		test_grep "^CREATE INDEX items_total_idx ON items (total);$" g/up.sql
	fi &&
	echo "id:plain price:plain qty:plain total:stored twice:plain" >expect &&
	test_cmp expect g/cols.up &&
	printf "1|7|4\n2|36|10\n" >expect && test_cmp expect g/rows.up &&
	printf "1|31|4\n2|36|10\n" >expect && test_cmp expect g/rows.upd &&
	echo items_total_idx >expect && test_cmp expect g/idx.up
'

test_expect_success 'downgrade to the base: the columns as they were' '
	(
		cd g &&
		git migrate -q downgrade "$(base_id)" &&
		generated >cols.down &&
		db_sql "SELECT id, qty, price FROM items ORDER BY id" >rows.down &&
		indexes >idx.down
	) &&
	echo "id:plain price:plain qty:plain total:plain" >expect &&
	test_cmp expect g/cols.down &&
	printf "1|10|3\n2|5|7\n" >expect && test_cmp expect g/rows.down &&
	test -z "$(cat g/idx.down)"
'

test_expect_success 'bad generated keys: exit 2 with file:line' '
	(
		cd g &&
		cols_bad_diff err.default "s/generated: \"qty \* price + 1\"/generated: \"qty\", default: 1/" ../changed.yml &&
		cols_bad_diff err.stored "s/^      qty:   {type: integer, null: false}$/      qty:   {type: integer, stored: true}/" ../changed.yml &&
		git checkout -q models/app.yml
	) &&
	test_grep "models/app.yml:7:.*column .items.total. is generated: it cannot have a default" g/err.default &&
	test_grep "models/app.yml:5:.*column .items.qty. has .stored. but no .generated." g/err.stored
'

test_done
