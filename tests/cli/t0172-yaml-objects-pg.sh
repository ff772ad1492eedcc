#!/bin/sh
test_description='PostgreSQL: functions, views and materialized views from YAML models, planned from empty in a working order (function before the table and index that use it, a view after the view it reads), applied to a database with rows, changed and dropped; compared with pg_catalog'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

test_if_postgres || test_skip_all 'PostgreSQL objects (SQLite: t0170)'

# the function is declared first, the table it is planned before last
cat >v1.yml <<'YAML'
functions:
  norm: |
    CREATE FUNCTION norm(t text) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$ SELECT lower(t) $$
# declared before the view it reads
views:
  emails: {sql: "SELECT id, norm(email) AS email FROM active_users", comment: "normalized"}
  active_users: "SELECT id, email FROM users WHERE active"
materialized_views:
  user_counts:
    sql: SELECT active, count(*) AS n FROM users GROUP BY active
    indexes: ["CREATE UNIQUE INDEX user_counts_active ON user_counts (active)"]
tables:
  users: {columns: {id: {type: integer, primary_key: true}, email: text,
                    active: {type: boolean, default: true}}}
YAML

# the schema's views, materialized views and functions, as pg_catalog has them
catalog() {
	db_sql "SELECT c.relkind::text || ' ' || c.relname || ': ' || btrim(regexp_replace(pg_get_viewdef(c.oid), '\\s+', ' ', 'g')) FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('v', 'm') ORDER BY 1" &&
	db_sql "SELECT p.oid::regprocedure || ': ' || btrim(regexp_replace(p.prosrc, '\\s+', ' ', 'g')) FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace ORDER BY 1" &&
	db_sql "SELECT indexrelid::regclass || ' ON ' || indrelid::regclass FROM pg_index WHERE indrelid = 'user_counts'::regclass" 2>/dev/null
	return 0
}

test_expect_success 'base: the table, then the function no table part calls (its body checked against the table), the views (the one read first), the matview with its index' '
	prepare_case_setup repo v1.yml &&
	section repo/migrations/versions/*_base.sql up >up &&
	grep "^CREATE" up | sed "s/ AS\$//; s/(.*//; s/ *\$//" >actual &&
	cat >expect <<-\EOF &&
	CREATE TABLE users
	CREATE OR REPLACE FUNCTION norm
	CREATE VIEW active_users
	CREATE VIEW emails
	CREATE MATERIALIZED VIEW user_counts
	CREATE UNIQUE INDEX user_counts_active ON user_counts USING btree
	EOF
	test_cmp expect actual &&
	(cd repo && git migrate diff)
'

test_expect_success 'upgrade a database with rows: pg_catalog has the objects, the views return the rows' '
	(cd repo && db_create && git migrate -q upgrade &&
	 db_sql "INSERT INTO users VALUES (1, '"'"'Ann@X'"'"', true), (2, '"'"'bob@x'"'"', false)" &&
	 db_sql "REFRESH MATERIALIZED VIEW user_counts" &&
	 catalog >../actual &&
	 db_sql "SELECT id, email FROM emails; SELECT active, n FROM user_counts ORDER BY active" >../rows) &&
	cat >expect <<-\EOF &&
	m user_counts: SELECT users.active, count(*) AS n FROM users GROUP BY users.active;
	v active_users: SELECT users.id, users.email FROM users WHERE users.active;
	v emails: SELECT active_users.id, norm(active_users.email) AS email FROM active_users;
	norm(text): SELECT lower(t)
	user_counts_active ON user_counts
	EOF
	test_cmp expect actual &&
	printf "1|ann@x\nf|1\nt|1\n" >expect && test_cmp expect rows
'

# (a view that another view reads, changed, is the PostgreSQL planner's: not here)
test_expect_success 'a function body and a view change: CREATE OR REPLACE FUNCTION, the view re-created' '
	sed "s/SELECT lower(t)/SELECT lower(trim(t))/; s/AS email FROM active_users\"/AS email FROM active_users WHERE email IS NOT NULL\"/" v1.yml >v2.yml &&
	cp v2.yml repo/models/app.yml &&
	(cd repo && git migrate prepare -m "trim, non-null emails" >../path 2>../err) || { cat err; false; } &&
	test_grep "change function norm(t text)" err &&
	test_grep "change view emails" err &&
	section "repo/$(cat path)" up >up &&
	test_grep "^CREATE OR REPLACE FUNCTION norm(t text)" up &&
	test_grep -v "DROP FUNCTION" up &&
	(cd repo && git add -A && git commit -q -m v2 && git migrate -q upgrade &&
	 db_sql "INSERT INTO users VALUES (3, '"'"' Cy@X '"'"', true), (4, NULL, true)" &&
	 db_sql "SELECT id, email FROM emails ORDER BY id" >../actual &&
	 catalog >../catalog) &&
	printf "1|ann@x\n3|cy@x\n" >expect && test_cmp expect actual &&
	test_grep "^v emails: SELECT active_users.id, norm(active_users.email) AS email FROM active_users WHERE (active_users.email IS NOT NULL);\$" catalog &&
	test_grep "^norm(text): SELECT lower(trim(t))\$" catalog
'

test_expect_success 'downgrade gives the first function and view back' '
	(cd repo && git migrate -q downgrade -1 && catalog >../actual &&
	 db_sql "SELECT id, email FROM emails ORDER BY id" >../rows) &&
	test_grep "^norm(text): SELECT lower(t)\$" actual &&
	test_grep "^v emails: SELECT active_users.id, norm(active_users.email) AS email FROM active_users;\$" actual &&
	printf "1|ann@x\n3| cy@x \n4|\n" >expect && test_cmp expect rows &&
	(cd repo && git migrate -q upgrade)
'

test_expect_success 'a view dropped from the models is dropped' '
	sed "/^  emails:/d" v2.yml >repo/models/app.yml &&
	(cd repo && git migrate prepare -m "fewer views" >../path 2>../err) &&
	test_grep "drop view emails" err &&
	(cd repo && git add -A && git commit -q -m v3 && git migrate -q upgrade && catalog >../actual) &&
	test_grep -v "emails" actual &&
	test_grep "^v active_users: " actual &&
	(cd repo && git migrate -q downgrade -1 && db_sql "SELECT count(*) FROM emails") >actual &&
	echo 2 >expect && test_cmp expect actual
'

test_done
