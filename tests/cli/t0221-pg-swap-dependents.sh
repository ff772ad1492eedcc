#!/bin/sh
test_description='PostgreSQL enum swaps carry what compares the enum: partial indexes, checks, defaults, views, materialized views, functions'
. ./lib.sh
test "$GM_TEST_DIALECT" = postgres ||
	test_skip_all "PostgreSQL only: runs in the GM_TEST_DIALECT=postgres pass of make test"
. "$TEST_DIR/lib-prepare.sh"

cat >base.yml <<'YAML'
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
sed "s/\[new, active, done, failed\]/[new, active, failed, done]/" base.yml >swapped.yml

# Not in the models: a hand-written revision on production makes them.
VIEWS_UP=$(cat <<'SQL'
CREATE VIEW active_jobs AS SELECT id, status FROM jobs WHERE status = 'active';
CREATE VIEW active_ids AS SELECT id FROM active_jobs;
CREATE MATERIALIZED VIEW job_counts AS SELECT status, count(*) AS n FROM jobs GROUP BY status;
CREATE UNIQUE INDEX job_counts_status ON job_counts (status);
CREATE FUNCTION is_open(s job_status) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT s IN ('new', 'active') $$;
CREATE VIEW open_jobs AS SELECT id FROM jobs WHERE is_open(status);
SQL
)
VIEWS_DOWN=$(cat <<'SQL'
DROP VIEW open_jobs;
DROP FUNCTION is_open(job_status);
DROP MATERIALIZED VIEW job_counts;
DROP VIEW active_ids;
DROP VIEW active_jobs;
SQL
)
V=dd00000000d1

cat >rows.sql <<'SQL'
INSERT INTO jobs (id, status, note) VALUES (1, 'new', NULL), (2, 'active', NULL), (3, 'done', 'x'), (4, 'failed', 'why');
REFRESH MATERIALIZED VIEW job_counts;
SQL

# in_order <file> <string>...: each string is on a later line than the one before.
in_order() {
	f=$1; shift
	prev=0
	for s in "$@"; do
		n=$(grep -nF -- "$s" "$f" | head -n 1 | cut -d: -f1)
		test -n "$n" || { echo "not found: $s" >&2; cat "$f" >&2; return 1; }
		test "$n" -gt "$prev" || { echo "out of order: $s (line $n)" >&2; cat "$f" >&2; return 1; }
		prev=$n
	done
}

test_expect_success 'setup: production holds the models, their base revision and the views' '
	prepare_case_setup sw base.yml &&
	(
		cd sw &&
		git switch -q production &&
		commit_revision migrations/versions $V "$(base_id)" "$VIEWS_UP" "$VIEWS_DOWN" &&
		git switch -q work && git merge -q production
	)
'

test_expect_success 'prepare writes the swap; its round trip runs with the views in place' '
	(
		cd sw &&
		cp ../swapped.yml models/app.yml &&
		git commit -q -am "reorder job_status" &&
		git migrate prepare >path 2>err &&
		rev=$(cat path) &&
		section "$rev" up >up.sql &&
		section "$rev" down >down.sql
	) &&
	test_grep "left alone: view active_jobs" sw/err &&
	test_grep "left alone: function is_open" sw/err &&
	for dir in up down; do
		in_order sw/$dir.sql "DROP VIEW open_jobs;" "DROP FUNCTION is_open(s job_status);" \
			"DROP VIEW active_ids;" "DROP VIEW active_jobs;" \
			"DROP INDEX jobs_active_idx;" \
			"ALTER TABLE jobs DROP CONSTRAINT failed_has_note;" \
			"ALTER TYPE job_status RENAME TO job_status__old;" \
			"ALTER TABLE jobs ALTER COLUMN status DROP DEFAULT," \
			"DROP TYPE job_status__old;" \
			"CREATE INDEX jobs_active_idx ON jobs (id) WHERE" \
			"ALTER TABLE jobs ADD CONSTRAINT failed_has_note CHECK" \
			"CREATE VIEW active_jobs AS" "CREATE VIEW active_ids AS" \
			"CREATE OR REPLACE FUNCTION is_open(s job_status)" \
			"CREATE VIEW open_jobs AS" || return 1
		test_grep "DROP MATERIALIZED VIEW job_counts;" sw/$dir.sql &&
		test_grep "^CREATE UNIQUE INDEX job_counts_status ON job_counts USING btree (status);" sw/$dir.sql ||
		return 1
	done
'

test_expect_success 'upgrade and downgrade on a database with rows: the views, index and check come back' '
	(
		cd sw &&
		db_create &&
		git migrate -q upgrade $V &&
		db_run_file ../rows.sql &&
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

test_done
