#!/bin/sh
test_description='SQL models with issue 14 table parts (the regression form): a base revision and a SQL model that both hold a DEFERRABLE INITIALLY DEFERRED foreign key, generated columns and DESC/COLLATE index keys give no changes; the model drops DEFERRABLE: a revision, applied to a database with rows and back'
. ./lib.sh
test "$GM_TEST_DIALECT" != none ||
	test_skip_all "needs a dialect"
. "$TEST_DIR/lib-prepare.sh"
. "$TEST_DIR/lib-cols.sh"

if test_if_postgres; then
	GEN="GENERATED ALWAYS AS (qty * 2) STORED"
	GEN2="GENERATED ALWAYS AS (qty + 1) STORED"
	COLL='"C"'
else
	GEN="GENERATED ALWAYS AS (qty * 2) VIRTUAL"
	GEN2="AS (qty + 1) STORED"
	COLL=NOCASE
fi
cat >parts.sql <<SQL
CREATE TABLE p (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE c (
  id integer PRIMARY KEY,
  p_id integer REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED,
  qty integer NOT NULL,
  twice integer $GEN,
  next integer $GEN2
);
CREATE INDEX c_qty ON c (qty DESC, p_id);
CREATE INDEX p_name ON p (name COLLATE $COLL);
SQL
sed "s/ DEFERRABLE INITIALLY DEFERRED//" parts.sql >immediate.sql

# fkey: c's foreign key as the catalog has it; gen: c's generated columns
fkey() {
	if test_if_postgres; then
		db_sql "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'c'::regclass AND contype = 'f'"
	else
		db_sql "SELECT sql FROM sqlite_schema WHERE name = 'c'" | grep -o "REFERENCES[^,]*" | sed "s/ *$//"
	fi
}
gen() {
	if test_if_postgres; then
		db_sql "SELECT attname || ' ' || attgenerated::text FROM pg_attribute WHERE attrelid = 'c'::regclass AND attgenerated <> '' ORDER BY 1"
	else
		db_sql "SELECT name || ' ' || hidden FROM pragma_table_xinfo('c') WHERE hidden > 1 ORDER BY 1"
	fi
}

test_expect_success 'a SQL model holding the same parts as its base revision: diff exits 0' '
	cols_sql_case sq parts.sql &&
	test_grep "^no changes$" sq/err &&
	test_grep -v "not covered" sq/err &&
	test_grep "DEFERRABLE INITIALLY DEFERRED" "sq/$(cat sq/path)"
'

test_expect_success 'the model drops DEFERRABLE: a revision; upgrade and downgrade with rows' '
	(
		cd sq &&
		db_create &&
		git migrate -q upgrade &&
		db_sql "INSERT INTO p VALUES (1, '\''a'\''); INSERT INTO c (id, p_id, qty) VALUES (1, 1, 5)" &&
		fkey >fkey.base && gen >gen.base &&
		cp ../immediate.sql models/app.sql &&
		git commit -q -am immediate &&
		test_expect_code 1 git migrate diff >out 2>err.diff &&
		git migrate prepare -m immediate >path 2>err &&
		git migrate -q upgrade &&
		fkey >fkey.up && gen >gen.up &&
		db_sql "SELECT id, p_id, qty, twice, next FROM c" >rows.up &&
		git migrate -q downgrade "$(base_id)" &&
		fkey >fkey.down &&
		db_sql "SELECT id, p_id, qty, twice, next FROM c" >rows.down
	) &&
	test_grep "foreign key c_p_id_fkey" sq/out &&
	test_grep "DEFERRABLE INITIALLY DEFERRED" sq/fkey.base &&
	test_grep -v "DEFERRABLE" sq/fkey.up &&
	test_cmp sq/fkey.base sq/fkey.down &&
	test_cmp sq/gen.base sq/gen.up &&
	echo "1|1|5|10|6" >expect &&
	test_cmp expect sq/rows.up && test_cmp expect sq/rows.down &&
	if test_if_postgres; then
		echo "ALTER TABLE c ALTER CONSTRAINT c_p_id_fkey NOT DEFERRABLE;" >expect &&
		section "sq/$(cat sq/path)" up | grep -v "^$" >actual &&
		test_cmp expect actual
	else
		test_grep "table rebuild of c" sq/err
	fi
'

test_done
