#!/bin/sh
test_description='PostgreSQL enum swaps carry generated columns: a generated column that uses the enum (directly, or through a function) is dropped before the swap and re-added after, with the view and the index on it, in the same transaction; rows and generated values survive both ways'
. ./lib.sh
test "$GM_TEST_DIALECT" = postgres ||
	test_skip_all "PostgreSQL only: runs in the GM_TEST_DIALECT=postgres pass of make test"
. "$TEST_DIR/lib-prepare.sh"
. "$TEST_DIR/lib-fixture-case.sh"

# label and is_done are plain columns to production's models: a hand-written revision on
# production makes them generated; the branch's models (gen.yml) then say so. label spells
# the status out with CASE: a generated column that calls a user function (status_label,
# which the view uses) cannot be planned from the models until functions are modelled.
cat >tasks.yml <<'YAML'
enums:
  task_status: [new, active, done, failed]
tables:
  tasks:
    columns:
      id:      {type: integer, primary_key: true}
      status:  {type: task_status, null: false, default: new}
      label:   text
      is_done: boolean
    indexes:
      - {name: tasks_label_idx, columns: [label]}
YAML
LABEL="CASE status WHEN 'new' THEN 'NEW' WHEN 'active' THEN 'ACTIVE' WHEN 'done' THEN 'DONE' ELSE 'FAILED' END"
sed -e "s/^      label:   text$/      label:   {type: text, generated: \"$LABEL\"}/" \
    -e "s/^      is_done: boolean$/      is_done: {type: boolean, generated: \"status = 'done' AND id > 0\"}/" \
	tasks.yml >gen.yml
# 'failed' removed: a swap
sed "s/\[new, active, done, failed\]/[new, active, done]/" gen.yml >tasks-swapped.yml
cat >rows.yml <<'YAML'
tasks:
  - {id: 1, status: new}
  - {id: 2, status: active}
  - {id: 3, status: done}
YAML

GEN_UP=$(cat <<'SQL'
CREATE FUNCTION status_label(s task_status) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT upper(s::text) $$;
ALTER TABLE tasks DROP COLUMN label, DROP COLUMN is_done;
ALTER TABLE tasks ADD COLUMN label text GENERATED ALWAYS AS (CASE status WHEN 'new' THEN 'NEW' WHEN 'active' THEN 'ACTIVE' WHEN 'done' THEN 'DONE' ELSE 'FAILED' END) STORED;
ALTER TABLE tasks ADD COLUMN is_done boolean GENERATED ALWAYS AS (status = 'done' AND id > 0) STORED;
CREATE INDEX tasks_label_idx ON tasks (label);
CREATE VIEW task_labels AS SELECT id, label, is_done, status_label(status) AS pretty FROM tasks;
SQL
)
GEN_DOWN=$(cat <<'SQL'
DROP VIEW task_labels;
ALTER TABLE tasks DROP COLUMN label, DROP COLUMN is_done;
ALTER TABLE tasks ADD COLUMN label text, ADD COLUMN is_done boolean;
CREATE INDEX tasks_label_idx ON tasks (label);
DROP FUNCTION status_label(task_status);
SQL
)
V=dd00000000e1

# heads <file>: the lines of <file> that start a DDL statement
heads() {
	grep -E '^(ALTER|CREATE|DROP) ' "$1"
}

# generated: the generated columns of tasks and their expressions, by name
generated() {
	db_sql "SELECT a.attname || ' ' || a.attgenerated::text || ' ' || pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = 'tasks'::regclass AND a.attgenerated <> '' ORDER BY a.attname"
}

# tasks_rows: the rows of tasks, generated values included
tasks_rows() {
	db_sql "SELECT id, status, label, is_done FROM tasks ORDER BY id"
}

# prepare_change <models.yml> <message>: (cwd: the case) the models become <models.yml>,
# committed; `git migrate prepare` writes a revision: its path in path, its sections in
# up.sql and down.sql.
prepare_change() {
	cp "$1" models/app.yml &&
	git commit -q -am "$2" &&
	git migrate prepare >path 2>err &&
	section "$(cat path)" up >up.sql &&
	section "$(cat path)" down >down.sql
}

# round_trip <prev> <check>: (cwd: the case) `git migrate upgrade`, then <check> (a shell
# command) and the rows of tasks unchanged; `git migrate downgrade <prev>`: the schema (by
# pg_dump, any column order: a carried generated column comes back last) and the rows as
# before the upgrade.
round_trip() {
	pg_schema "$(case_db)" --any-column-order >schema.prev &&
	tasks_rows >rows.prev &&
	git migrate -q upgrade &&
	eval "$2" &&
	tasks_rows >rows.up && test_cmp rows.prev rows.up &&
	git migrate downgrade "$1" >out 2>err &&
	pg_schema "$(case_db)" --any-column-order >schema.down &&
	test_cmp schema.prev schema.down &&
	tasks_rows >rows.down && test_cmp rows.prev rows.down
}

test_expect_success 'setup: production holds the models, fixtures, and the generated columns, view and index' '
	fixture_case_setup gen tasks.yml rows.yml &&
	(
		cd gen &&
		git switch -q production &&
		commit_revision migrations/versions $V "$(base_id)" "$GEN_UP" "$GEN_DOWN" &&
		git switch -q work && git merge -q production &&
		cp ../gen.yml models/app.yml && git commit -q -am "generated columns in the models" &&
		git migrate diff >out 2>err
	) &&
	test_grep "^no changes$" gen/err &&
	test_grep -v "generated column" gen/err
'

test_expect_success 'prepare writes the swap: the view, generated columns and function dropped before, re-created after, the index last; the down adds the label back' '
	(
		cd gen && prepare_change ../tasks-swapped.yml "drop failed from task_status"
	) &&
	test_grep -v "generated column" gen/err &&
	cat >expect <<-SQL &&
	DROP VIEW task_labels;
	DROP FUNCTION status_label(s task_status);
	ALTER TABLE tasks DROP COLUMN is_done;
	ALTER TABLE tasks DROP COLUMN label;
	ALTER TYPE task_status RENAME TO task_status__old;
	CREATE TYPE task_status AS ENUM (LABELS);
	ALTER TABLE tasks ALTER COLUMN status DROP DEFAULT,
	ALTER TABLE tasks ALTER COLUMN status SET DEFAULT '\''new'\'';
	DROP TYPE task_status__old;
	ALTER TABLE tasks ADD COLUMN label text GENERATED ALWAYS AS (
	ALTER TABLE tasks ADD COLUMN is_done boolean GENERATED ALWAYS AS (((status = '\''done'\''::task_status) AND (id > 0))) STORED;
	CREATE OR REPLACE FUNCTION status_label(s task_status)
	CREATE VIEW task_labels AS
	CREATE INDEX tasks_label_idx ON tasks (label);
	SQL
	cp expect expect-swap &&
	heads gen/up.sql | sed -e "s/ENUM (.*);/ENUM (LABELS);/" >actual &&
	test_cmp expect actual &&
	test_grep "^CREATE TYPE task_status AS ENUM ('\''new'\'', '\''active'\'', '\''done'\'');" gen/up.sql &&
	echo "ALTER TYPE task_status ADD VALUE IF NOT EXISTS '\''failed'\'' AFTER '\''done'\'';" >expect &&
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
		tasks_rows >rows.base &&
		printf "1|new|NEW|f\n2|active|ACTIVE|f\n3|done|DONE|t\n" >expect &&
		test_cmp expect rows.base &&
		git migrate -q upgrade &&
		db_sql "SELECT enum_range(NULL::task_status)" >labels &&
		echo "{new,active,done}" >expect && test_cmp expect labels &&
		tasks_rows >rows.up &&
		test_cmp rows.base rows.up &&
		generated >gen.up && test_cmp gen.base gen.up &&
		db_sql "SELECT id || '\'':'\'' || label || '\'':'\'' || is_done FROM task_labels ORDER BY id" >view &&
		printf "1:NEW:false\n2:ACTIVE:false\n3:DONE:true\n" >expect && test_cmp expect view &&
		db_sql "SELECT indexdef FROM pg_indexes WHERE indexname = '\''tasks_label_idx'\''" >index &&
		echo "CREATE INDEX tasks_label_idx ON public.tasks USING btree (label)" >expect &&
		test_cmp expect index &&
		db_sql "INSERT INTO tasks (id, status) VALUES (4, '\''done'\'')" &&
		db_sql "SELECT label || '\'':'\'' || is_done FROM task_labels WHERE id = 4" >new &&
		echo "DONE:true" >expect && test_cmp expect new &&
		db_sql "DELETE FROM tasks WHERE id = 4" &&
		git migrate downgrade $V >out 2>err &&
		pg_schema "$(case_db)" --any-column-order >schema.down &&
		test_cmp schema.base schema.down &&
		generated >gen.down && test_cmp gen.base gen.down &&
		tasks_rows >rows.down &&
		test_cmp rows.base rows.down &&
		db_sql "SELECT enum_range(NULL::task_status)" >labels &&
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
		sed "s/\[new, active, done\]/[done, new, active]/" ../tasks-swapped.yml >../reordered.yml &&
		prepare_change ../reordered.yml "reorder task_status" &&
		for dir in up down; do
			heads $dir.sql | sed -e "s/ENUM (.*);/ENUM (LABELS);/" >actual &&
			test_cmp ../expect-swap actual || return 1
		done &&
		echo "{done,new,active}" >expect &&
		round_trip "$prev" "db_sql \"SELECT enum_range(NULL::task_status)\" >labels && test_cmp expect labels"
	)
'

test_expect_success 'a column a generated column uses changes type: the generated columns, view and index go before and come back after' '
	(
		cd gen &&
		git migrate -q upgrade &&
		git add -A && git commit -q -m "reorder revision" &&
		prev=$(revision_id "$(cat path)") &&
		sed -e "s/\[new, active, done\]/[done, new, active]/" \
		    -e "s/id:      {type: integer/id:      {type: bigint/" ../tasks-swapped.yml >../bigint.yml &&
		prepare_change ../bigint.yml "id: bigint" &&
		heads up.sql >actual &&
		cat >expect <<-SQL &&
		DROP VIEW task_labels;
		ALTER TABLE tasks DROP COLUMN is_done;
		ALTER TABLE tasks DROP COLUMN label;
		ALTER TABLE tasks ALTER COLUMN id TYPE bigint USING id::bigint;
		ALTER TABLE tasks ADD COLUMN label text GENERATED ALWAYS AS (
		ALTER TABLE tasks ADD COLUMN is_done boolean GENERATED ALWAYS AS (((status = '\''done'\''::task_status) AND (id > 0))) STORED;
		CREATE VIEW task_labels AS
		CREATE INDEX tasks_label_idx ON tasks (label);
		SQL
		test_cmp expect actual &&
		echo bigint >expect &&
		round_trip "$prev" "db_sql \"SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '\''tasks'\''::regclass AND attname = '\''id'\''\" >type && test_cmp expect type"
	)
'

test_done
