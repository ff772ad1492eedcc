#!/bin/sh
test_description='PostgreSQL views and materialized views in SQL models: added, changed (in place when compatible, else dropped and created with the views on them) and dropped; a column they use changes type and they are carried; applied to a database with rows both ways, the schema is the models'"'"' and the views return the same rows'
. ./lib.sh
test "$GM_TEST_DIALECT" = postgres ||
	test_skip_all "PostgreSQL only: runs in the GM_TEST_DIALECT=postgres pass of make test"
. "$TEST_DIR/lib-pg-objects.sh"

cat >base.sql <<'SQL'
CREATE TABLE items (id integer PRIMARY KEY, name text NOT NULL, price numeric(8,2) NOT NULL, qty integer NOT NULL DEFAULT 0);
CREATE VIEW priced AS SELECT id, name, price FROM items WHERE price > 0;
CREATE VIEW cheap AS SELECT id, name FROM priced WHERE price < 10;
CREATE MATERIALIZED VIEW totals AS SELECT count(*) AS n, sum(price) AS total FROM priced;
CREATE VIEW stock AS SELECT id, qty FROM items;
SQL
cat >rows.sql <<'SQL'
INSERT INTO items VALUES (1, 'pen', 2.50, 10), (2, 'book', 12.00, 3), (3, 'gift', 0, 1);
REFRESH MATERIALIZED VIEW totals;
SQL
ROWS="SELECT (SELECT string_agg(id || ':' || name, ',' ORDER BY id) FROM cheap) || ' ' || (SELECT n || '/' || total FROM totals) || ' ' || (SELECT string_agg(id || ':' || qty, ',' ORDER BY id) FROM stock)"


test_expect_success 'a column that views use changes type: the views on it, recursively, are dropped before and created after, the materialized view with a warning' '
	sed "s/price numeric(8,2)/price numeric(12,2)/" base.sql >retype.sql &&
	objects_case retype base.sql retype.sql rows.sql "$ROWS" &&
	cat >expect <<-\SQL &&
	DROP VIEW stock;
	DROP MATERIALIZED VIEW totals;
	DROP VIEW cheap;
	DROP VIEW priced;
	ALTER TABLE items ALTER COLUMN price TYPE numeric(12,2) USING price::numeric(12,2);
	CREATE VIEW priced AS
	CREATE VIEW cheap AS
	CREATE MATERIALIZED VIEW totals AS
	CREATE VIEW stock AS
	SQL
	ddl_heads retype/up.sql >actual &&
	test_cmp expect actual &&
	test_grep "warning: materialized view totals is created again: its data is refreshed" retype/err &&
	query_is retype "1:pen 2/14.50 1:10,2:3,3:1" "$ROWS"
'

test_expect_success 'a view replaced incompatibly (its columns reordered): the views on it are dropped first and created after it, both ways' '
	sed "s/SELECT id, name, price FROM items/SELECT id, price, name FROM items/" base.sql >reorder.sql &&
	objects_case reorder base.sql reorder.sql rows.sql "$ROWS" &&
	cat >expect <<-\SQL &&
	DROP MATERIALIZED VIEW totals;
	DROP VIEW cheap;
	DROP VIEW priced;
	CREATE VIEW priced AS
	CREATE VIEW cheap AS
	CREATE MATERIALIZED VIEW totals AS
	SQL
	ddl_heads reorder/up.sql >actual &&
	test_cmp expect actual &&
	ddl_heads reorder/down.sql >actual &&
	test_cmp expect actual &&
	test_grep "materialized view totals is created again" reorder/err &&
	test_grep "change view priced" reorder/err
'

test_expect_success 'a compatible change (a column added at the end, another filter) is CREATE OR REPLACE VIEW; the down, which removes the column, drops and creates' '
	sed -e "s/SELECT id, qty FROM items/SELECT id, qty, name FROM items/" \
		-e "s/FROM priced WHERE price < 10/FROM priced WHERE price < 20/" base.sql >compat.sql &&
	cat >compat-rows.sql <<-\SQL &&
	INSERT INTO items VALUES (1, '\''pen'\'', 2.50, 10), (3, '\''gift'\'', 0, 1);
	REFRESH MATERIALIZED VIEW totals;
	SQL
	objects_case compat base.sql compat.sql compat-rows.sql "$ROWS" &&
	cat >expect <<-\SQL &&
	CREATE OR REPLACE VIEW cheap AS
	CREATE OR REPLACE VIEW stock AS
	SQL
	ddl_heads compat/up.sql >actual &&
	test_cmp expect actual &&
	cat >expect <<-\SQL &&
	DROP VIEW stock;
	CREATE OR REPLACE VIEW cheap AS
	CREATE VIEW stock AS
	SQL
	ddl_heads compat/down.sql >actual &&
	test_cmp expect actual &&
	test_grep -v "materialized view" compat/err
'

test_expect_success 'a view added on a view, a view dropped, a materialized view with an index added' '
	grep -v "VIEW stock" base.sql >add.sql &&
	cat >>add.sql <<-\SQL &&
	CREATE VIEW dear AS SELECT id, name FROM priced WHERE price >= 10;
	CREATE MATERIALIZED VIEW names AS SELECT id, name FROM items;
	CREATE UNIQUE INDEX names_id ON names (id);
	SQL
	objects_case add base.sql add.sql rows.sql "SELECT string_agg(id || name, '\'','\'' ORDER BY id) FROM cheap" &&
	cat >expect <<-\SQL &&
	DROP VIEW stock;
	CREATE VIEW dear AS
	CREATE MATERIALIZED VIEW names AS
	CREATE UNIQUE INDEX names_id ON names USING btree (id);
	SQL
	ddl_heads add/up.sql >actual &&
	test_cmp expect actual &&
	test_grep -v "created again" add/err &&
	query_is add "2:book" "SELECT string_agg(id || '\'':'\'' || name, '\'','\'') FROM dear"
'

test_done
