#!/bin/sh
test_description='PostgreSQL enum swaps carry generated columns: a generated column that uses the enum (directly, or through a function) is dropped before the swap and re-added after, with the view and the index on it, in the same transaction; rows and generated values survive both ways'
. ./lib.sh
test "$GM_TEST_DIALECT" = postgres ||
	test_skip_all "PostgreSQL only: runs in the GM_TEST_DIALECT=postgres pass of make test"
. "$TEST_DIR/lib-prepare.sh"
. "$TEST_DIR/lib-fixture-case.sh"

# label and is_done are plain columns to the models (generated columns are not part of
# the schema model yet): a hand-written revision on production makes them generated.
cat >jobs.yml <<'YAML'
enums:
  job_status: [new, active, done, failed]
tables:
  jobs:
    columns:
      id:      {type: integer, primary_key: true}
      status:  {type: job_status, null: false, default: new}
      label:   text
      is_done: boolean
    indexes:
      - {name: jobs_label_idx, columns: [label]}
YAML
# 'failed' removed: a swap
sed "s/\[new, active, done, failed\]/[new, active, done]/" jobs.yml >jobs-swapped.yml
cat >rows.yml <<'YAML'
jobs:
  - {id: 1, status: new}
  - {id: 2, status: active}
  - {id: 3, status: done}
YAML

GEN_UP=$(cat <<'SQL'
CREATE FUNCTION status_label(s job_status) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT upper(s::text) $$;
ALTER TABLE jobs DROP COLUMN label, DROP COLUMN is_done;
ALTER TABLE jobs ADD COLUMN label text GENERATED ALWAYS AS (status_label(status)) STORED;
ALTER TABLE jobs ADD COLUMN is_done boolean GENERATED ALWAYS AS (status = 'done' AND id > 0) STORED;
CREATE INDEX jobs_label_idx ON jobs (label);
CREATE VIEW job_labels AS SELECT id, label, is_done FROM jobs;
SQL
)
GEN_DOWN=$(cat <<'SQL'
DROP VIEW job_labels;
ALTER TABLE jobs DROP COLUMN label, DROP COLUMN is_done;
ALTER TABLE jobs ADD COLUMN label text, ADD COLUMN is_done boolean;
CREATE INDEX jobs_label_idx ON jobs (label);
DROP FUNCTION status_label(job_status);
SQL
)
V=dd00000000e1

# heads <file>: the first line of each statement (as t0220-pg-plan-order.sh).
heads() {
	grep -v '^[[:space:]]' "$1" | grep -v '^$' | grep -v '^)'
}

# generated: the generated columns of jobs and their expressions, by name
generated() {
	db_sql "SELECT a.attname || ' ' || a.attgenerated::text || ' ' || pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = 'jobs'::regclass AND a.attgenerated <> '' ORDER BY a.attname"
}

test_expect_success 'setup: production holds the models, fixtures, and the generated columns, view and index' '
	fixture_case_setup gen jobs.yml rows.yml &&
	(
		cd gen &&
		git switch -q production &&
		commit_revision migrations/versions $V "$(base_id)" "$GEN_UP" "$GEN_DOWN" &&
		git switch -q work && git merge -q production
	)
'

test_expect_success 'prepare writes the swap: the view, generated columns and function dropped before, re-created after, the index last; the down adds the label back' '
	(
		cd gen &&
		cp ../jobs-swapped.yml models/app.yml &&
		git commit -q -am "drop failed from job_status" &&
		git migrate prepare >path 2>err &&
		rev=$(cat path) &&
		section "$rev" up >up.sql &&
		section "$rev" down >down.sql
	) &&
	test_grep "generated column jobs.label" gen/err &&
	cat >expect <<-SQL &&
	DROP VIEW job_labels;
	ALTER TABLE jobs DROP COLUMN label;
	DROP FUNCTION status_label(s job_status);
	ALTER TABLE jobs DROP COLUMN is_done;
	ALTER TYPE job_status RENAME TO job_status__old;
	CREATE TYPE job_status AS ENUM (LABELS);
	ALTER TABLE jobs ALTER COLUMN status DROP DEFAULT,
	ALTER TABLE jobs ALTER COLUMN status SET DEFAULT '\''new'\'';
	DROP TYPE job_status__old;
	ALTER TABLE jobs ADD COLUMN is_done boolean GENERATED ALWAYS AS (((status = '\''done'\''::job_status) AND (id > 0))) STORED;
	CREATE OR REPLACE FUNCTION status_label(s job_status)
	AS \$function\$ SELECT upper(s::text) \$function\$;
	ALTER TABLE jobs ADD COLUMN label text GENERATED ALWAYS AS (status_label(status)) STORED;
	CREATE VIEW job_labels AS
	CREATE INDEX jobs_label_idx ON jobs (label);
	SQL
	cp expect expect-swap &&
	heads gen/up.sql | sed -e "s/ENUM (.*);/ENUM (LABELS);/" >actual &&
	test_cmp expect actual &&
	test_grep "^CREATE TYPE job_status AS ENUM ('\''new'\'', '\''active'\'', '\''done'\'');" gen/up.sql &&
	echo "ALTER TYPE job_status ADD VALUE IF NOT EXISTS '\''failed'\'' AFTER '\''done'\'';" >expect &&
	heads gen/down.sql >actual &&
	test_cmp expect actual
'

test_expect_success 'upgrade and downgrade on a database with rows: generated values right, schema and rows as production' '
	(
		cd gen &&
		db_create &&
		git migrate -q upgrade +1 && git migrate -q loaddata >/dev/null &&
		git migrate -q upgrade $V &&
		pg_schema "$(case_db)" --any-column-order >schema.base &&
		generated >gen.base &&
		db_sql "SELECT id, status, label, is_done FROM jobs ORDER BY id" >rows.base &&
		printf "1|new|NEW|f\n2|active|ACTIVE|f\n3|done|DONE|t\n" >expect &&
		test_cmp expect rows.base &&
		git migrate -q upgrade &&
		db_sql "SELECT enum_range(NULL::job_status)" >labels &&
		echo "{new,active,done}" >expect && test_cmp expect labels &&
		db_sql "SELECT id, status, label, is_done FROM jobs ORDER BY id" >rows.up &&
		test_cmp rows.base rows.up &&
		generated >gen.up && test_cmp gen.base gen.up &&
		db_sql "SELECT id || '\'':'\'' || label || '\'':'\'' || is_done FROM job_labels ORDER BY id" >view &&
		printf "1:NEW:false\n2:ACTIVE:false\n3:DONE:true\n" >expect && test_cmp expect view &&
		db_sql "SELECT indexdef FROM pg_indexes WHERE indexname = '\''jobs_label_idx'\''" >index &&
		echo "CREATE INDEX jobs_label_idx ON public.jobs USING btree (label)" >expect &&
		test_cmp expect index &&
		db_sql "INSERT INTO jobs (id, status) VALUES (4, '\''done'\'')" &&
		db_sql "SELECT label || '\'':'\'' || is_done FROM job_labels WHERE id = 4" >new &&
		echo "DONE:true" >expect && test_cmp expect new &&
		db_sql "DELETE FROM jobs WHERE id = 4" &&
		git migrate downgrade $V >out 2>err &&
		pg_schema "$(case_db)" --any-column-order >schema.down &&
		test_cmp schema.base schema.down &&
		generated >gen.down && test_cmp gen.base gen.down &&
		db_sql "SELECT id, status, label, is_done FROM jobs ORDER BY id" >rows.down &&
		test_cmp rows.base rows.down &&
		db_sql "SELECT enum_range(NULL::job_status)" >labels &&
		echo "{new,active,done,failed}" >expect && test_cmp expect labels &&
		git migrate -q upgrade &&
		git migrate verify --database >out 2>err
	)
'

test_expect_success 'labels reordered: both directions swap, the down carries the generated columns too' '
	(
		cd gen &&
		git add -A && git commit -q -m "swap revision" &&
		prev=$(revision_id "$(cat path)") &&
		sed "s/\[new, active, done\]/[done, new, active]/" ../jobs-swapped.yml >models/app.yml &&
		git commit -q -am "reorder job_status" &&
		git migrate prepare >path 2>err &&
		rev=$(cat path) &&
		section "$rev" up >up.sql &&
		section "$rev" down >down.sql &&
		for dir in up down; do
			heads $dir.sql | sed -e "s/ENUM (.*);/ENUM (LABELS);/" >actual &&
			test_cmp ../expect-swap actual || return 1
		done &&
		pg_schema "$(case_db)" --any-column-order >schema.prev &&
		db_sql "SELECT id, status, label, is_done FROM jobs ORDER BY id" >rows.prev &&
		git migrate -q upgrade &&
		db_sql "SELECT enum_range(NULL::job_status)" >labels &&
		echo "{done,new,active}" >expect && test_cmp expect labels &&
		db_sql "SELECT id, status, label, is_done FROM jobs ORDER BY id" >rows.up &&
		test_cmp rows.prev rows.up &&
		git migrate downgrade "$prev" >out 2>err &&
		pg_schema "$(case_db)" --any-column-order >schema.down &&
		test_cmp schema.prev schema.down &&
		db_sql "SELECT id, status, label, is_done FROM jobs ORDER BY id" >rows.down &&
		test_cmp rows.prev rows.down
	)
'

test_expect_success 'a column a generated column uses changes type: the generated columns, view and index go before and come back after' '
	(
		cd gen &&
		git migrate -q upgrade &&
		git add -A && git commit -q -m "reorder revision" &&
		prev=$(revision_id "$(cat path)") &&
		sed -e "s/\[new, active, done\]/[done, new, active]/" \
		    -e "s/id:      {type: integer/id:      {type: bigint/" ../jobs-swapped.yml >models/app.yml &&
		git commit -q -am "id: bigint" &&
		git migrate prepare >path 2>err &&
		section "$(cat path)" up >up.sql &&
		heads up.sql >actual &&
		cat >expect <<-SQL &&
		DROP VIEW job_labels;
		ALTER TABLE jobs DROP COLUMN label;
		ALTER TABLE jobs DROP COLUMN is_done;
		ALTER TABLE jobs ALTER COLUMN id TYPE bigint USING id::bigint;
		ALTER TABLE jobs ADD COLUMN is_done boolean GENERATED ALWAYS AS (((status = '\''done'\''::job_status) AND (id > 0))) STORED;
		ALTER TABLE jobs ADD COLUMN label text GENERATED ALWAYS AS (status_label(status)) STORED;
		CREATE VIEW job_labels AS
		CREATE INDEX jobs_label_idx ON jobs (label);
		SQL
		test_cmp expect actual &&
		pg_schema "$(case_db)" --any-column-order >schema.prev &&
		db_sql "SELECT id, status, label, is_done FROM jobs ORDER BY id" >rows.prev &&
		git migrate -q upgrade &&
		db_sql "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '\''jobs'\''::regclass AND attname = '\''id'\''" >type &&
		echo bigint >expect && test_cmp expect type &&
		db_sql "SELECT id, status, label, is_done FROM jobs ORDER BY id" >rows.up &&
		test_cmp rows.prev rows.up &&
		git migrate downgrade "$prev" >out 2>err &&
		pg_schema "$(case_db)" --any-column-order >schema.down &&
		test_cmp schema.prev schema.down &&
		db_sql "SELECT id, status, label, is_done FROM jobs ORDER BY id" >rows.down &&
		test_cmp rows.prev rows.down
	)
'

test_done
