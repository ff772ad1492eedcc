#!/bin/sh
test_description='PostgreSQL functions in SQL models: a body change is CREATE OR REPLACE; a return-type or signature change drops and creates the function with what uses it (view, expression and partial indexes, default, check) dropped before and re-created after; SQL bodies that name tables the plan creates; applied both ways with rows'
. ./lib.sh
test "$GM_TEST_DIALECT" = postgres ||
	test_skip_all "PostgreSQL only: runs in the GM_TEST_DIALECT=postgres pass of make test"
. "$TEST_DIR/lib-pg-objects.sh"

cat >base.sql <<'SQL'
CREATE FUNCTION norm(s text) RETURNS text LANGUAGE sql IMMUTABLE AS $$SELECT lower(trim(s))$$;
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, code text DEFAULT norm(' NEW '), CHECK (norm(name) <> ''));
CREATE INDEX items_norm ON items (norm(name));
CREATE FUNCTION n_items() RETURNS bigint LANGUAGE sql STABLE AS 'SELECT count(*) FROM items';
CREATE INDEX items_named ON items (id) WHERE norm(name) <> 'x';
CREATE FUNCTION n_named() RETURNS bigint LANGUAGE sql STABLE BEGIN ATOMIC SELECT count(*) FROM items WHERE name <> ''; END;
CREATE VIEW named AS SELECT id, norm(name) AS k, code FROM items;
SQL
cat >rows.sql <<'SQL'
INSERT INTO items (id, name) VALUES (1, ' Pen '), (2, 'BOOK');
INSERT INTO items VALUES (3, 'Gift', 'old');
SQL
ROWS="SELECT string_agg(id || ':' || k || ':' || code, ',' ORDER BY id) || ' ' || n_items() || ' ' || n_named() FROM named"


test_expect_success 'a function in an index, as a SQL model over a base revision of the same: no changes' '
	objects_base same base.sql && (
		cd same &&
		git migrate diff >out 2>&1 &&
		test_grep "no changes" out &&
		section "$(cat path)" up >up.sql &&
		cat >expect <<-\SQL &&
		SET LOCAL check_function_bodies = off;
		CREATE OR REPLACE FUNCTION norm(s text)
		RESET check_function_bodies;
		CREATE TABLE items (
		CREATE INDEX items_named ON items (id) WHERE (norm(name) <> '\''x'\''::text);
		CREATE INDEX items_norm ON items (norm(name));
		CREATE OR REPLACE FUNCTION n_items()
		CREATE OR REPLACE FUNCTION n_named()
		CREATE VIEW named AS
		SQL
		ddl_heads up.sql >actual &&
		test_cmp expect actual
	)
'

test_expect_success 'a body change is CREATE OR REPLACE alone' '
	sed "s/lower(trim(s))/lower(btrim(s))/" base.sql >body.sql &&
	objects_case body base.sql body.sql rows.sql "$ROWS" &&
	cat >expect <<-\SQL &&
	SET LOCAL check_function_bodies = off;
	CREATE OR REPLACE FUNCTION norm(s text)
	RESET check_function_bodies;
	SQL
	ddl_heads body/up.sql >actual &&
	test_cmp expect actual &&
	ddl_heads body/down.sql >actual &&
	test_cmp expect actual &&
	query_is body "1:pen:new,2:book:new,3:gift:old 3 3" "$ROWS"
'

test_expect_success 'a return-type change: the view, the indexes, the check and the default that use the function are dropped before and re-created after' '
	sed "s/RETURNS text LANGUAGE sql IMMUTABLE/RETURNS varchar LANGUAGE sql IMMUTABLE/" base.sql >rettype.sql &&
	objects_case rettype base.sql rettype.sql rows.sql "$ROWS" &&
	sed -n "1,/^CREATE OR REPLACE FUNCTION/p" rettype/up.sql | ddl_heads - >actual &&
	cat >expect <<-\SQL &&
	DROP VIEW named;
	DROP INDEX items_named;
	DROP INDEX items_norm;
	ALTER TABLE items DROP CONSTRAINT items_name_check;
	ALTER TABLE items ALTER COLUMN code DROP DEFAULT;
	DROP FUNCTION norm(s text);
	SET LOCAL check_function_bodies = off;
	CREATE OR REPLACE FUNCTION norm(s text)
	SQL
	test_cmp expect actual &&
	test_grep "RETURNS character varying" rettype/up.sql &&
	sed -n "1,/^CREATE OR REPLACE FUNCTION/p" rettype/down.sql | ddl_heads - >actual &&
	test_cmp expect actual &&
	query_is rettype "character varying" "SELECT pg_get_function_result('\''norm'\''::regproc)"
'

test_expect_success 'a signature change (a new parameter with a default) is a drop and an add: what uses the old one is carried onto the new one' '
	sed "s/norm(s text) RETURNS/norm(s text, keep boolean DEFAULT false) RETURNS/" base.sql >sig.sql &&
	objects_case sig base.sql sig.sql rows.sql "$ROWS" &&
	test_grep "^DROP FUNCTION norm(s text);" sig/up.sql &&
	test_grep "^DROP FUNCTION norm(s text, keep boolean);" sig/down.sql &&
	query_is sig 1 "SELECT count(*) FROM pg_proc WHERE proname = '\''norm'\''"
'

test_expect_success 'a function added and one dropped, with the view that uses it' '
	grep -v "n_items" base.sql >adddrop.sql &&
	echo "CREATE FUNCTION twice(i integer) RETURNS integer LANGUAGE plpgsql IMMUTABLE AS \$\$BEGIN RETURN 2 * i; END\$\$;" >>adddrop.sql &&
	echo "CREATE VIEW doubled AS SELECT twice(id) AS d FROM items;" >>adddrop.sql &&
	objects_case adddrop base.sql adddrop.sql rows.sql "SELECT string_agg(id || k, '\'','\'' ORDER BY id) FROM named" &&
	cat >expect <<-\SQL &&
	CREATE OR REPLACE FUNCTION twice(i integer)
	CREATE VIEW doubled AS
	DROP FUNCTION n_items();
	SQL
	ddl_heads adddrop/up.sql >actual &&
	test_cmp expect actual &&
	query_is adddrop "2,4,6" "SELECT string_agg(d::text, '\'','\'' ORDER BY d) FROM doubled"
'

test_expect_success 'an aggregate and the view that uses it: added, then its function changes its body' '
	cat >agg.sql <<-\SQL &&
	CREATE TABLE words (id integer PRIMARY KEY, w text NOT NULL);
	CREATE FUNCTION _cat(text, text) RETURNS text LANGUAGE sql IMMUTABLE AS $$SELECT CASE WHEN $1 IS NULL THEN $2 ELSE $1 || '\''+'\'' || $2 END$$;
	CREATE AGGREGATE cat(text) (SFUNC = _cat, STYPE = text);
	CREATE VIEW joined AS SELECT cat(w ORDER BY id) AS s FROM words;
	SQL
	sed "s/|| '\''+'\'' ||/|| '\''-'\'' ||/" agg.sql >agg2.sql &&
	echo "INSERT INTO words VALUES (1, '\''a'\''), (2, '\''b'\'');" >agg-rows.sql &&
	objects_case agg agg.sql agg2.sql agg-rows.sql "SELECT count(*) FROM joined" &&
	test_grep "^CREATE AGGREGATE cat(text) ($" agg/.git/../migrations/versions/*_base.sql &&
	test_grep -v "not covered" agg/err &&
	query_is agg "a-b" "SELECT s FROM joined"
'

test_done
