#!/bin/sh
test_description='PostgreSQL extensions, standalone sequences and domains are objects: added, changed (ALTER SEQUENCE / ALTER DOMAIN / COMMENT ON, never drop and create) and dropped, each with what uses it (a column of an extension type, a default using a sequence, a domain column with rows), applied to a real database with rows and reverted, compared by pg_dump'
. ./lib.sh
test "$GM_TEST_DIALECT" = postgres ||
	test_skip_all "PostgreSQL only: runs in the GM_TEST_DIALECT=postgres pass of make test"
. "$TEST_DIR/lib-prepare.sh"

# types_case <dir> <base.sql> <after.sql> <base-rows.sql> <new-rows.sql>: upgrade_case
# (lib-prepare.sh) of the SQL models; the base rows of t (ids 1, 2) are kept.
types_case() {
	upgrade_case "$@" "SELECT * FROM t WHERE id <= 2 ORDER BY id"
}

# same_again <dir> <model.sql> <base-line>: the SQL model over a base revision of the
# same schema: diff exits 0 with "no changes"; the base revision has <base-line>.
same_again() {
	prepare_case_setup "$1" "$2" &&
	(cd "$1" && git migrate diff 2>err) &&
	test_grep "^no changes$" "$1/err" &&
	test_grep "$3" "$1"/migrations/versions/*_base.sql
}

# ---- extensions ----

cat >citext.sql <<'SQL'
CREATE EXTENSION citext;
CREATE TABLE t (id int PRIMARY KEY, n citext);
SQL

test_expect_success 'citext: a SQL model over a base revision of the same schema: diff exits 0' '
	same_again cit citext.sql "^CREATE EXTENSION IF NOT EXISTS citext;$"
'

# yaml_over_sql <dir> <sql> <type>: models/ext.sql holds <sql>, models/app.yml a table
# whose column n has type <type>; prepare writes the base revision, then diff exits 0.
yaml_over_sql() {
	mkdir "$1" && (
		cd "$1" && git init -q -b production &&
		gm_write_config "[models/*.sql, models/*.yml]" &&
		mkdir models && echo "$2" >models/ext.sql &&
		printf "tables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n      n:  {type: %s}\n" "$3" >models/app.yml &&
		git add -A && git commit -q -m models &&
		git migrate -q prepare -m base >/dev/null &&
		git add -A && git commit -q -m base &&
		git migrate diff 2>err
	) &&
	test_grep "^no changes$" "$1/err" &&
	test_grep "^    n $3,$" "$1"/migrations/versions/*_base.sql
}

test_expect_success 'citext: a YAML column of type citext, the extension in a SQL model' '
	yaml_over_sql yml "CREATE EXTENSION citext;" citext
'

test_expect_success 'a YAML column of a domain the SQL models declare' '
	yaml_over_sql ydom "CREATE DOMAIN email AS text CHECK (VALUE ~ '\''@'\'');" email
'

test_expect_success 'a YAML column of an unknown type, no extension in the models: still refused' '
	test_expect_code 2 yaml_over_sql ynone "CREATE TABLE other (id int);" emial 2>err &&
	test_grep "^fatal: models/app.yml:5:7: column '\''t.n'\'' has unknown type '\''emial'\''$" err
'

cat >plain.sql <<'SQL'
CREATE TABLE t (id int PRIMARY KEY, n text);
SQL
cat >plain-rows.sql <<'SQL'
INSERT INTO t VALUES (1, 'Ann'), (2, 'bob');
SQL
cat >cit-rows.sql <<'SQL'
INSERT INTO t VALUES (3, 'CY');
SQL

test_expect_success 'an extension added with a column of its type: created first, dropped last' '
	types_case ext plain.sql citext.sql plain-rows.sql cit-rows.sql &&
	head -n 1 ext/up.sql >actual &&
	echo "CREATE EXTENSION IF NOT EXISTS citext;" >expect &&
	test_cmp expect actual &&
	test_grep "^ALTER TABLE t ALTER COLUMN n TYPE citext" ext/up.sql &&
	grep -v "^$" ext/down.sql | tail -n 1 >actual &&
	echo "DROP EXTENSION citext;" >expect &&
	test_cmp expect actual &&
	test_grep -v citext ext/schema.down &&
	(cd ext && db_sql "SELECT id FROM t WHERE n = '\''ANN'\''") >actual &&
	echo 1 >expect &&
	test_cmp expect actual
'

test_expect_success 'an extension comment is COMMENT ON alone, back to the control file'"'"'s' '
	{ cat citext.sql && echo "COMMENT ON EXTENSION citext IS '\''ci text'\'';"; } >cit-comment.sql &&
	types_case extc citext.sql cit-comment.sql plain-rows.sql cit-rows.sql &&
	echo "COMMENT ON EXTENSION citext IS '\''ci text'\'';" >expect &&
	grep -v "^$" extc/up.sql >actual &&
	test_cmp expect actual &&
	test_grep "pg_available_extensions" extc/down.sql &&
	(cd extc && db_sql "SELECT obj_description(oid, '\''pg_extension'\'') FROM pg_extension WHERE extname = '\''citext'\''") >actual &&
	echo "ci text" >expect &&
	test_cmp expect actual
'

test_expect_success 'an extension the server lacks: named with its package, exit 2, no scratch left' '
	prepare_case_setup miss plain.sql &&
	(
		cd miss &&
		echo "CREATE EXTENSION nosuch_gm_ext;" >models/ext.sql &&
		test_expect_code 2 git migrate diff >out 2>err
	) &&
	test_grep "^fatal: models/ext.sql:1: extension \"nosuch_gm_ext\" is not available" miss/err &&
	test_grep "^hint: extension '\''nosuch_gm_ext'\'' must be installed on the PostgreSQL server: install its package there (e.g. postgresql-[0-9]*-nosuch_gm_ext; the contrib modules are in postgresql-contrib), or point '\''scratch:'\'' in .gitmigrate.yml at a server that has it$" miss/err &&
	test_no_scratch_left
'

# ---- sequences ----

cat >seq.sql <<'SQL'
CREATE SEQUENCE order_no START 100;
CREATE TABLE t (id int PRIMARY KEY, n text, no bigint NOT NULL DEFAULT nextval('order_no'));
SQL
cat >seq-rows.sql <<'SQL'
INSERT INTO t (id, n) VALUES (1, 'a'), (2, 'b');
SQL
cat >seq-new-rows.sql <<'SQL'
INSERT INTO t (id, n) VALUES (3, 'c');
SQL

test_expect_success 'a sequence START WITH change is noticed' '
	prepare_case_setup seqd seq.sql &&
	(
		cd seqd &&
		sed "s/START 100/START 200/" ../seq.sql >models/app.sql &&
		test_expect_code 1 git migrate diff >out 2>err
	) &&
	test_grep "change sequence order_no" seqd/out
'

test_expect_success 'changed sequence options are ALTER SEQUENCE: the current value stays' '
	sed "s/START 100/INCREMENT 10 START 1000 CACHE 5/" seq.sql >seq-after.sql &&
	echo "COMMENT ON SEQUENCE order_no IS '\''order numbers'\'';" >>seq-after.sql &&
	types_case seqc seq.sql seq-after.sql seq-rows.sql seq-new-rows.sql &&
	cat >expect <<-SQL &&
	ALTER SEQUENCE order_no AS bigint INCREMENT BY 10 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1000 CACHE 5 NO CYCLE;
	COMMENT ON SEQUENCE order_no IS '\''order numbers'\'';
	SQL
	grep -v "^$" seqc/up.sql >actual &&
	test_cmp expect actual &&
	test_grep "^COMMENT ON SEQUENCE order_no IS NULL;$" seqc/down.sql &&
	test_grep -v "DROP SEQUENCE" seqc/down.sql &&
	(cd seqc && db_sql "SELECT no FROM t ORDER BY id") >actual &&
	printf "100\n101\n111\n" >expect &&
	test_cmp expect actual
'

cat >seq-add.sql <<'SQL'
CREATE SEQUENCE ticket START 500;
CREATE TABLE t (id int PRIMARY KEY, n text, no bigint DEFAULT nextval('ticket'));
CREATE SEQUENCE spare AS integer MAXVALUE 999 CYCLE OWNED BY t.id;
SQL

test_expect_success 'a sequence used by a new default: created before the column, OWNED BY after the table; dropped after' '
	types_case seqa plain.sql seq-add.sql plain-rows.sql seq-new-rows.sql &&
	grep -n "" seqa/up.sql >numbered &&
	seq_line=$(grep "CREATE SEQUENCE ticket" numbered | cut -d: -f1) &&
	col_line=$(grep "ADD COLUMN" numbered | cut -d: -f1) &&
	owned_line=$(grep "ALTER SEQUENCE spare OWNED BY t.id;" numbered | cut -d: -f1) &&
	test "$seq_line" -lt "$col_line" && test "$col_line" -lt "$owned_line" &&
	grep -n "" seqa/down.sql >numbered &&
	none_line=$(grep "ALTER SEQUENCE spare OWNED BY NONE;" numbered | cut -d: -f1) &&
	drop_col=$(grep "DROP COLUMN" numbered | cut -d: -f1) &&
	drop_seq=$(grep "DROP SEQUENCE ticket;" numbered | cut -d: -f1) &&
	test "$none_line" -lt "$drop_col" && test "$drop_col" -lt "$drop_seq" &&
	test_grep -v "SEQUENCE" seqa/schema.down
'

# ---- domains ----

cat >dom.sql <<'SQL'
CREATE DOMAIN email AS text CONSTRAINT email_at CHECK (VALUE ~ '@');
CREATE TABLE t (id int PRIMARY KEY, n email NOT NULL);
SQL
cat >dom-rows.sql <<'SQL'
INSERT INTO t VALUES (1, 'ann@example.org'), (2, 'bob@example.com');
SQL
cat >dom-new-rows.sql <<'SQL'
INSERT INTO t VALUES (3, 'cy@example.net');
SQL

test_expect_success 'a domain column keeps its domain: diff exits 0' '
	same_again domd dom.sql "^    n email NOT NULL,$"
'

test_expect_success 'a domain check tightened, a default, NOT NULL and a comment: ALTER DOMAIN over rows' '
	cat >dom-after.sql <<-SQL &&
	CREATE DOMAIN email AS text DEFAULT '\''x@y.z'\'' NOT NULL
	  CONSTRAINT email_at CHECK (VALUE ~ '\''@.+[.]'\'');
	COMMENT ON DOMAIN email IS '\''mail'\'';
	CREATE TABLE t (id int PRIMARY KEY, n email NOT NULL);
	SQL
	echo "INSERT INTO t (id) VALUES (4);" >dom-default-rows.sql &&
	types_case domc dom.sql dom-after.sql dom-rows.sql dom-default-rows.sql &&
	cat >expect <<-SQL &&
	ALTER DOMAIN email DROP CONSTRAINT email_at;
	ALTER DOMAIN email SET DEFAULT '\''x@y.z'\''::text;
	ALTER DOMAIN email SET NOT NULL;
	ALTER DOMAIN email ADD CONSTRAINT email_at CHECK ((VALUE ~ '\''@.+[.]'\''::text));
	COMMENT ON DOMAIN email IS '\''mail'\'';
	SQL
	grep -v "^$" domc/up.sql >actual &&
	test_cmp expect actual &&
	test_grep "^ALTER DOMAIN email DROP NOT NULL;$" domc/down.sql &&
	test_grep "^COMMENT ON DOMAIN email IS NULL;$" domc/down.sql &&
	(cd domc && db_sql "SELECT n FROM t WHERE id = 4") >actual &&
	echo "x@y.z" >expect &&
	test_cmp expect actual
'

test_expect_success 'a tightened domain check that rows break: the upgrade fails, naming the domain' '
	(
		cd domc &&
		git migrate -q downgrade "$(base_id)" &&
		db_sql "INSERT INTO t VALUES (5, '\''no@dot'\'')" &&
		test_must_fail git migrate upgrade >out 2>err &&
		test_grep "email" err
	)
'

test_expect_success 'a domain added for a column with rows, and dropped: created before, dropped after' '
	types_case doma plain.sql dom.sql dom-rows.sql dom-new-rows.sql &&
	test_grep "^CREATE DOMAIN email AS text$" doma/up.sql &&
	test_grep "ALTER COLUMN n TYPE email" doma/up.sql &&
	grep -v "^$" doma/down.sql | tail -n 1 >actual &&
	echo "DROP DOMAIN email;" >expect &&
	test_cmp expect actual
'

cat >qty.sql <<'SQL'
CREATE DOMAIN qty AS integer CONSTRAINT qty_pos CHECK (VALUE > 0);
CREATE TABLE t (id int PRIMARY KEY, q qty NOT NULL DEFAULT 1);
CREATE VIEW big AS SELECT id, q FROM t WHERE q > 10;
SQL
cat >qty-rows.sql <<'SQL'
INSERT INTO t VALUES (1, 5), (2, 50);
SQL
cat >qty-new-rows.sql <<'SQL'
INSERT INTO t VALUES (3, 5000000000);
DELETE FROM t WHERE id = 3;
SQL

test_expect_success 'a domain base type change is swapped like an enum: its columns converted, views carried' '
	sed "s/AS integer/AS bigint/" qty.sql >qty-big.sql &&
	types_case qty qty.sql qty-big.sql qty-rows.sql qty-new-rows.sql &&
	cat >expect <<-SQL &&
	DROP VIEW big;
	ALTER DOMAIN qty RENAME TO qty__old;
	CREATE DOMAIN qty AS bigint
	    CONSTRAINT qty_pos CHECK ((VALUE > 0));
	ALTER TABLE t ALTER COLUMN q TYPE qty USING q::bigint;
	DROP DOMAIN qty__old;
	SQL
	grep -v "^$" qty/up.sql | head -n 6 >actual &&
	test_cmp expect actual &&
	test_grep "USING q::integer;" qty/down.sql &&
	(cd qty && db_sql "SELECT id FROM big") >actual &&
	echo 2 >expect &&
	test_cmp expect actual
'

test_done
