#!/bin/sh
test_description='PostgreSQL plans in dependency order, both ways: what uses an enum goes before the enum is swapped and comes back after (tables, columns, partial indexes, checks, views, materialized views, functions), with rows only the new schema allows in place'
. ./lib.sh
test "$GM_TEST_DIALECT" = postgres ||
	test_skip_all "PostgreSQL only: runs in the GM_TEST_DIALECT=postgres pass of make test"
. "$TEST_DIR/lib-prepare.sh"

cat >base.yml <<'YAML'
enums:
  plan_tier: [free, pro, team]
tables:
  accounts:
    columns:
      id:   {type: bigint, primary_key: true}
      name: {type: text, null: false}
      tier: {type: plan_tier, null: false, default: free}
YAML
cat >rows.sql <<'SQL'
INSERT INTO accounts (id, name, tier) VALUES (1, 'ann', 'free'), (2, 'bob', 'pro'), (3, 'cy', 'team');
SQL

# heads <file>: the first line of each statement of a section (lines that start a
# statement: not indented, not blank, not a closing parenthesis).
heads() {
	grep -v '^[[:space:]]' "$1" | grep -v '^$' | grep -v '^)'
}

# order_case <dir> <after.yml> <new-rows.sql> [<base-rows.sql>]: upgrade_case from base.yml
# with <base-rows.sql> (default rows.sql); the base rows of accounts are kept.
order_case() {
	upgrade_case "$1" base.yml "$2" "${4:-rows.sql}" "$3" \
		"SELECT * FROM accounts WHERE id <= 3 ORDER BY id"
}

# the swap of plan_tier back to base.yml's labels, as the down writes it
swap_back() {
	cat <<-SQL
	ALTER TYPE plan_tier RENAME TO plan_tier__old;
	CREATE TYPE plan_tier AS ENUM ('free', 'pro', 'team');
	ALTER TABLE accounts ALTER COLUMN tier DROP DEFAULT,
	ALTER TABLE accounts ALTER COLUMN tier SET DEFAULT 'free';
	DROP TYPE plan_tier__old;
	SQL
}

test_expect_success 'a new label and a new table using it: the down drops the table before the swap' '
	sed "s/\[free, pro, team\]/[free, pro, team, enterprise]/" base.yml >ent.yml &&
	cat >>ent.yml <<-YAML &&
	  invoices:
	    columns:
	      id:         {type: bigint, primary_key: true}
	      account_id: {type: bigint, references: accounts(id)}
	      tier:       {type: plan_tier, null: false, default: pro}
	YAML
	cat >ent-rows.sql <<-SQL &&
	INSERT INTO invoices (id, account_id, tier) VALUES (1, 1, '\''enterprise'\''), (2, 2, DEFAULT);
	INSERT INTO accounts (id, name, tier) VALUES (9, '\''big'\'', '\''enterprise'\'');
	DELETE FROM accounts WHERE id = 9;
	SQL
	order_case ent ent.yml ent-rows.sql &&
	{ echo "DROP TABLE invoices;" && swap_back; } >expect &&
	heads ent/down.sql >actual &&
	test_cmp expect actual &&
	test_grep -v "invoices" ent/schema.down &&
	(cd ent && db_sql "SELECT enum_range(NULL::plan_tier)") >actual &&
	echo "{free,pro,team,enterprise}" >expect &&
	test_cmp expect actual
'

test_expect_success 'a new label and a new column using it: the down drops the column before the swap' '
	sed "s/\[free, pro, team\]/[free, pro, team, enterprise]/" base.yml >col.yml &&
	echo "      trial: {type: plan_tier}" >>col.yml &&
	echo "UPDATE accounts SET trial = '\''enterprise'\'' WHERE id = 1;" >col-rows.sql &&
	order_case col col.yml col-rows.sql &&
	{ echo "ALTER TABLE accounts DROP COLUMN trial;" && swap_back; } >expect &&
	heads col/down.sql >actual &&
	test_cmp expect actual
'

test_expect_success 'up: a new column whose default is a label only the swap creates comes after the swap' '
	sed "s/\[free, pro, team\]/[pro, free, basic]/" base.yml >basic.yml &&
	echo "      fallback: {type: plan_tier, null: false, default: basic}" >>basic.yml &&
	sed "s/'\''team'\''/'\''pro'\''/" rows.sql >basic-base-rows.sql &&
	echo "INSERT INTO accounts (id, name, tier, fallback) VALUES (7, '\''dee'\'', '\''pro'\'', '\''basic'\'');" >basic-rows.sql &&
	order_case basic basic.yml basic-rows.sql basic-base-rows.sql &&
	cat >expect <<-SQL &&
	ALTER TYPE plan_tier RENAME TO plan_tier__old;
	CREATE TYPE plan_tier AS ENUM ('\''pro'\'', '\''free'\'', '\''basic'\'');
	ALTER TABLE accounts ALTER COLUMN tier DROP DEFAULT,
	ALTER TABLE accounts ALTER COLUMN tier SET DEFAULT '\''free'\'';
	DROP TYPE plan_tier__old;
	ALTER TABLE accounts ADD COLUMN fallback plan_tier NOT NULL DEFAULT '\''basic'\'';
	SQL
	heads basic/up.sql >actual &&
	test_cmp expect actual &&
	{ echo "ALTER TABLE accounts DROP COLUMN fallback;" && swap_back; } >expect &&
	heads basic/down.sql >actual &&
	test_cmp expect actual
'

# ---- an enum swap carries what compares the enum ----

cat >jobs.yml <<'YAML'
enums:
  job_status: [new, active, done, failed]
tables:
  jobs:
    columns:
      id:     {type: integer, primary_key: true}
      status: {type: job_status, null: false, default: new}
      note:   text
    indexes:
      - {name: jobs_active_idx, columns: [id], where: "status = 'active'"}
    checks:
      failed_has_note: "status <> 'failed' OR note IS NOT NULL"
YAML
# the labels reordered: a swap, no label lost
sed "s/\[new, active, done, failed\]/[new, active, failed, done]/" jobs.yml >jobs-swapped.yml

# Not in the models: a hand-written revision on production makes them.
VIEWS_UP=$(cat <<'SQL'
CREATE VIEW active_jobs AS SELECT id, status FROM jobs WHERE status = 'active';
CREATE VIEW active_ids AS SELECT id FROM active_jobs;
CREATE MATERIALIZED VIEW job_counts AS SELECT status, count(*) AS n FROM jobs GROUP BY status;
CREATE UNIQUE INDEX job_counts_status ON job_counts (status);
CREATE FUNCTION is_open(s job_status) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT s IN ('new', 'active') $$;
CREATE VIEW open_jobs AS SELECT id FROM jobs WHERE is_open(status);
CREATE VIEW job_notes AS SELECT id, note FROM jobs WHERE note IS NOT NULL;
SQL
)
VIEWS_DOWN=$(cat <<'SQL'
DROP VIEW job_notes;
DROP VIEW open_jobs;
DROP FUNCTION is_open(job_status);
DROP MATERIALIZED VIEW job_counts;
DROP VIEW active_ids;
DROP VIEW active_jobs;
SQL
)
V=dd00000000d1

cat >jobs-rows.sql <<'SQL'
INSERT INTO jobs (id, status, note) VALUES (1, 'new', NULL), (2, 'active', NULL), (3, 'done', 'x'), (4, 'failed', 'why');
REFRESH MATERIALIZED VIEW job_counts;
SQL

test_expect_success 'setup: production holds the jobs models, their base revision and the views' '
	prepare_case_setup sw jobs.yml &&
	(
		cd sw &&
		git switch -q production &&
		commit_revision migrations/versions $V "$(base_id)" "$VIEWS_UP" "$VIEWS_DOWN" &&
		git switch -q work && git merge -q production
	)
'

test_expect_success 'prepare writes the swap: views, function, index and check dropped before, re-created after' '
	(
		cd sw &&
		cp ../jobs-swapped.yml models/app.yml &&
		git commit -q -am "reorder job_status" &&
		git migrate prepare >path 2>err &&
		rev=$(cat path) &&
		section "$rev" up >up.sql &&
		section "$rev" down >down.sql
	) &&
	test_grep "left alone: view active_jobs" sw/err &&
	test_grep "left alone: function is_open" sw/err &&
	test_grep "left alone: materialized view job_counts" sw/err &&
	cat >expect <<-SQL &&
	DROP VIEW job_notes;
	DROP VIEW open_jobs;
	DROP FUNCTION is_open(s job_status);
	DROP MATERIALIZED VIEW job_counts;
	DROP VIEW active_ids;
	DROP VIEW active_jobs;
	DROP INDEX jobs_active_idx;
	ALTER TABLE jobs DROP CONSTRAINT failed_has_note;
	ALTER TYPE job_status RENAME TO job_status__old;
	CREATE TYPE job_status AS ENUM (LABELS);
	ALTER TABLE jobs ALTER COLUMN status DROP DEFAULT,
	ALTER TABLE jobs ALTER COLUMN status SET DEFAULT '\''new'\'';
	DROP TYPE job_status__old;
	CREATE INDEX jobs_active_idx ON jobs (id) WHERE PREDICATE;
	ALTER TABLE jobs ADD CONSTRAINT failed_has_note CHECK CHECK;
	CREATE VIEW active_jobs AS
	CREATE VIEW active_ids AS
	CREATE MATERIALIZED VIEW job_counts AS
	WITH DATA;
	CREATE UNIQUE INDEX job_counts_status ON job_counts USING btree (status);
	CREATE OR REPLACE FUNCTION is_open(s job_status)
	AS \$function\$ SELECT s IN ('\''new'\'', '\''active'\'') \$function\$;
	CREATE VIEW open_jobs AS
	CREATE VIEW job_notes AS
	SQL
	for dir in up down; do
		heads sw/$dir.sql |
		sed -e "s/ENUM (.*);/ENUM (LABELS);/" -e "s/ WHERE .*;/ WHERE PREDICATE;/" \
		    -e "s/ CHECK (.*;/ CHECK CHECK;/" >actual &&
		test_cmp expect actual || return 1
	done &&
	test_grep "^CREATE TYPE job_status AS ENUM ('\''new'\'', '\''active'\'', '\''failed'\'', '\''done'\'');" sw/up.sql &&
	test_grep "^CREATE TYPE job_status AS ENUM ('\''new'\'', '\''active'\'', '\''done'\'', '\''failed'\'');" sw/down.sql
'

test_expect_success 'upgrade and downgrade on a database with rows: the views, index and check come back' '
	(
		cd sw &&
		db_create &&
		git migrate -q upgrade $V &&
		db_run_file ../jobs-rows.sql &&
		pg_schema "$(case_db)" >schema.base &&
		db_sql "SELECT * FROM jobs ORDER BY id" >rows.base &&
		git migrate -q upgrade &&
		db_sql "SELECT enum_range(NULL::job_status)" >labels &&
		echo "{new,active,failed,done}" >expect && test_cmp expect labels &&
		db_sql "SELECT id FROM active_jobs; SELECT id FROM active_ids" >active &&
		printf "2\n2\n" >expect && test_cmp expect active &&
		db_sql "SELECT id FROM open_jobs ORDER BY id" >open &&
		printf "1\n2\n" >expect && test_cmp expect open &&
		db_sql "SELECT status || '\'':'\'' || n FROM job_counts ORDER BY status" >counts &&
		printf "new:1\nactive:1\nfailed:1\ndone:1\n" >expect && test_cmp expect counts &&
		db_sql "SELECT pg_get_expr(indpred, indrelid) FROM pg_index WHERE indexrelid = '\''jobs_active_idx'\''::regclass" >pred &&
		echo "(status = '\''active'\''::job_status)" >expect && test_cmp expect pred &&
		test_must_fail db_sql "INSERT INTO jobs (id, status) VALUES (5, '\''failed'\'')" &&
		db_sql "SELECT column_default FROM information_schema.columns WHERE table_name = '\''jobs'\'' AND column_name = '\''status'\''" >default &&
		echo "'\''new'\''::job_status" >expect && test_cmp expect default &&
		git migrate downgrade $V >out 2>err &&
		pg_schema "$(case_db)" >schema.down &&
		test_cmp schema.base schema.down &&
		db_sql "SELECT * FROM jobs ORDER BY id" >rows.down &&
		test_cmp rows.base rows.down &&
		git migrate -q upgrade &&
		git migrate verify --database >out 2>err
	)
'

test_expect_success 'a column of a table with views changes type: the views go before and come back after' '
	(
		cd sw &&
		git migrate -q upgrade &&
		git add -A && git commit -q -m "swap revision" &&
		sed "s/^      note:   text/      note:   varchar(500)/" ../jobs-swapped.yml >models/app.yml &&
		git commit -q -am "note: varchar(500)" &&
		git migrate prepare >path 2>err &&
		rev=$(cat path) &&
		section "$rev" up >up.sql &&
		prev=$(revision_id "$(ls migrations/versions/*.sql | grep -v -e _base -e $V -e "$rev")") &&
		db_sql "INSERT INTO jobs (id, status, note) VALUES (6, '\''new'\'', repeat('\''x'\'', 400))" &&
		pg_schema "$(case_db)" >schema.prev &&
		git migrate -q upgrade &&
		db_sql "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '\''job_notes'\''::regclass AND attname = '\''note'\''" >type &&
		echo "character varying(500)" >expect && test_cmp expect type &&
		db_sql "INSERT INTO jobs (id, status, note) VALUES (7, '\''new'\'', repeat('\''y'\'', 450))" &&
		db_sql "DELETE FROM jobs WHERE id = 7" &&
		git migrate downgrade "$prev" >out 2>err &&
		pg_schema "$(case_db)" >schema.down &&
		test_cmp schema.prev schema.down
	) &&
	heads sw/up.sql >actual &&
	test_grep "^DROP VIEW job_notes;" actual &&
	test_grep "^ALTER TABLE jobs ALTER COLUMN note TYPE varchar(500)" actual &&
	test_grep "^CREATE VIEW job_notes AS" actual
'

test_done
