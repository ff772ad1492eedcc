#!/bin/sh
test_description='import alembic: a plain Alembic project; an autocommit block (CREATE INDEX CONCURRENTLY), irreversible revisions'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"
. "$TEST_DIR/lib-python.sh"
python_need alembic sqlalchemy
if test_if_postgres; then
	python_need alembic sqlalchemy psycopg2
fi

# alembic_rev <file> <id> <parent|None> <message> <upgrade body> <downgrade body>
alembic_rev() {
	case $3 in None) down=None ;; *) down="'$3'" ;; esac
	cat >"$1" <<-PY
	"""$4

	Revision ID: $2
	"""
	from alembic import op
	import sqlalchemy as sa

	revision = '$2'
	down_revision = $down
	branch_labels = None
	depends_on = None


	def upgrade():
	$5


	def downgrade():
	$6
	PY
}

test_expect_success 'setup: `alembic init` and four revisions written by hand' '
	git init -q -b production app &&
	(
		cd app &&
		gm_write_config "[models/*.yml]" &&
		if test_if_sqlite; then
			printf "database: sqlite:///db.sqlite\n" >>.gitmigrate.yml
			url=sqlite:///$TRASH_DIRECTORY/alembic.db
		else
			url=$(pg_url "$(case_db)")
		fi &&
		"$PYTHON" -m alembic init alembic >/dev/null &&
		sed -i "s#^sqlalchemy.url = .*#sqlalchemy.url = $url#" alembic.ini &&
		v=alembic/versions &&
		alembic_rev $v/a1_items.py a1 None "items" \
			"    op.create_table(\"items\", sa.Column(\"id\", sa.Integer, primary_key=True), sa.Column(\"name\", sa.String(50)))" \
			"    op.drop_table(\"items\")" &&
		alembic_rev $v/a2_index.py a2 a1 "index items.name without locking" \
			"    with op.get_context().autocommit_block(): op.create_index(\"ix_items_name\", \"items\", [\"name\"], postgresql_concurrently=True)" \
			"    with op.get_context().autocommit_block(): op.drop_index(\"ix_items_name\", table_name=\"items\", postgresql_concurrently=True)" &&
		alembic_rev $v/a3_upper.py a3 a2 "upper-case the names" \
			"    op.execute(\"UPDATE items SET name = upper(name)\")" \
			"    raise NotImplementedError(\"the old names are gone\")" &&
		alembic_rev $v/a4_note.py a4 a3 "items.note" \
			"    op.add_column(\"items\", sa.Column(\"note\", sa.Text))" \
			"    pass" &&
		printf "%s\n" __pycache__ "*.sqlite" >.gitignore &&
		git add -A && git commit -q -m "alembic project" &&
		git switch -q -c work
	)
'

test_expect_success 'import alembic --from alembic: plain alembic, with the alembic.ini beside the directory' '
	(cd app && git migrate -v import alembic --from alembic >../out 2>../err) &&
	test_grep "^running .alembic -c alembic.ini upgrade --sql heads.$" err &&
	test_grep "imported 4 revisions from .alembic. with .alembic -c alembic.ini.; head: a4" err &&
	test_grep "^imported a2 index items.name without locking$" err &&
	test $(wc -l <out) = 4
'

test_expect_success 'a downgrade that raises: no down section, and a warning that names it' '
	test_grep "^warning: revision .a3. (alembic/versions/a3_upper.py): Alembic.s downgrade failed, imported without a down section: NotImplementedError: the old names are gone" err &&
	rev=app/migrations/versions/a3_upper_case_the_names.sql &&
	test_grep "^UPDATE items SET name = upper(name);" "$rev" &&
	test_grep -v "^-- +migrate down" "$rev"
'

test_expect_success 'an empty downgrade: no down section either' '
	rev=app/migrations/versions/a4_items_note.sql &&
	test_grep "^ALTER TABLE items ADD COLUMN note TEXT;" "$rev" &&
	test_grep -v "^-- +migrate down" "$rev" &&
	test_grep "2 without a down section (irreversible)" err &&
	test_grep "^-- +migrate down" app/migrations/versions/a1_items.sql &&
	test_grep "^DROP TABLE items;" app/migrations/versions/a1_items.sql
'

if test_if_postgres; then
test_expect_success 'the autocommit block makes a transaction: false revision' '
	rev=app/migrations/versions/a2_index_items_name_without_locking.sql &&
	test_grep "^-- transaction: false$" "$rev" &&
	section "$rev" up | sed "/^$/d" >up.sql &&
	echo "CREATE INDEX CONCURRENTLY ix_items_name ON items (name);" >expect &&
	test_cmp expect up.sql &&
	section "$rev" down >down.sql &&
	test_grep "^DROP INDEX CONCURRENTLY ix_items_name;" down.sql &&
	test_grep "1 with .-- transaction: false." err &&
	test $(grep -l "transaction: false" app/migrations/versions/*.sql | wc -l) = 1
'

test_expect_success 'it upgrades: the index is built outside a transaction, and valid' '
	(
		cd app && db_create &&
		git migrate upgrade a1 >../up.out 2>&1 &&
		db_sql "INSERT INTO items (name) VALUES ('\''x'\''), ('\''y'\'')" &&
		git migrate upgrade >>../up.out 2>&1 &&
		test "$(db_sql "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = '\''ix_items_name'\''")" = t &&
		test "$(db_sql "SELECT string_agg(name, '\'','\'' ORDER BY name) FROM items")" = X,Y &&
		test "$(db_sql "SELECT count(*) FROM git_migrate_history")" = 4
	)
'
else
test_expect_success 'on SQLite Alembic writes no autocommit block: the revision stays in a transaction' '
	rev=app/migrations/versions/a2_index_items_name_without_locking.sql &&
	test_grep -v "transaction: false" "$rev" &&
	test_grep "^CREATE INDEX ix_items_name ON items (name);" "$rev" &&
	(
		cd app && db_create &&
		git migrate upgrade >../up.out 2>&1 &&
		test "$(db_sql "SELECT name FROM pragma_index_list('\''items'\'')")" = ix_items_name
	)
'
fi

test_expect_success 'downgrade refuses to pass the irreversible revisions' '
	(cd app && test_expect_code 2 git migrate downgrade base >../down.out 2>&1) &&
	test_grep "a4" down.out &&
	test_grep "irreversible\|no down section" down.out &&
	test "$(cd app && db_sql "SELECT count(*) FROM git_migrate_history")" = 4
'

test_done
