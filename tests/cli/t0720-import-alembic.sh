#!/bin/sh
test_description='import alembic: a real Flask-Migrate history (an enum, two branches, a merge) as revision files'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"
. "$TEST_DIR/lib-flask.sh"

# The database Flask-Migrate upgrades (the project's own) and git-migrate's target (the
# case database of the repository `app`, from gm_write_config) are two databases.
if test_if_postgres; then
	pg_role_psql postgres -c 'CREATE DATABASE "'"${GM_PG_ROLE}_flask"'"' >/dev/null
	FLASK_URL=$(pg_url "${GM_PG_ROLE}_flask")
else
	FLASK_URL=sqlite:///$TRASH_DIRECTORY/flask.db
fi

# schema_without <db> <table>: the schema of a database without one table (the version
# table of Alembic or git-migrate), read from a copy (SQLite: <db> is the file).
schema_without() {
	if test_if_postgres; then
		pg_role_psql postgres -c "DROP DATABASE IF EXISTS \"$1_copy\"" \
			-c "CREATE DATABASE \"$1_copy\" TEMPLATE \"$1\"" &&
		pg_role_psql "$1_copy" -c "DROP TABLE $2" &&
		pg_schema "$1_copy" --any-column-order
	else
		cp "$1" copy.db &&
		sqlite3 copy.db "DROP TABLE $2" &&
		schema_dump copy.db
	fi
}
flask_schema() {
	if test_if_postgres; then
		schema_without "${GM_PG_ROLE}_flask" alembic_version
	else
		schema_without flask.db alembic_version
	fi
}
target_schema() {
	if test_if_postgres; then
		schema_without "$(cd app && case_db)" git_migrate_history
	else
		schema_without app/db.sqlite git_migrate_history
	fi
}

test_expect_success 'setup: a Flask-Migrate project on production, upgraded by flask db upgrade' '
	git init -q -b production app &&
	flask_project app "$FLASK_URL" &&
	(
		cd app &&
		# the models: the app itself, create_all on the scratch database
		gm_write_config "[{command: \"APP_DATABASE_URL=\$GIT_MIGRATE_SCRATCH_URL $PYTHON -c '\''from app import app, db; app.app_context().push(); db.create_all()'\''\"}]" &&
		if test_if_sqlite; then
			printf "database: sqlite:///db.sqlite\n" >>.gitmigrate.yml
		fi &&
		printf "%s\n" .env-url .flask.log __pycache__ "*.sqlite" >.gitignore &&
		git add -A && git commit -q -m "flask project" &&
		git switch -q -c work
	) &&
	test $(ls app/migrations/versions/*.py | wc -l) = 4
'

test_expect_success 'import alembic writes one revision file per Alembic revision' '
	(
		cd app && flask_export . &&
		git migrate import alembic >../out 2>../err
	) &&
	test $(wc -l <out) = 4 &&
	for p in $(cat out); do test -f "app/$p" || return 1; done &&
	test_grep "imported 4 revisions from .migrations. with .flask db.; head: $(flask_head app)" err &&
	test_grep -v "^running" err
'

test_expect_success 'ids and parents are Alembic'\''s, the merge stays a merge' '
	imported_like_alembic app &&
	merge=$(flask_rev app merge) &&
	test $(flask_parents app "$merge" | wc -l) = 2 &&
	test_grep "^-- message: phone$" app/migrations/versions/$(flask_rev app phone)_phone.sql &&
	(cd app && git migrate heads) | cut -d" " -f1 >heads &&
	flask_head app >expect &&
	test_cmp expect heads
'

test_expect_success 'the sections are Alembic'\''s SQL without the alembic_version statements' '
	init=app/migrations/versions/$(flask_rev app initial)_initial.sql &&
	section "$init" up >up.sql &&
	test_grep "^CREATE TABLE contacts" up.sql &&
	test_grep "^CREATE TABLE deals" up.sql &&
	section "$init" down >down.sql &&
	test_grep "^DROP TABLE deals;" down.sql &&
	! grep -il "alembic_version" app/migrations/versions/*.sql &&
	! grep -E "^(BEGIN|COMMIT);" app/migrations/versions/*.sql &&
	! grep "Running upgrade" app/migrations/versions/*.sql &&
	! grep -l "transaction: false" app/migrations/versions/*.sql &&
	if test_if_postgres; then
		test_grep "^CREATE TYPE dealcurrency AS ENUM" up.sql &&
		test_grep "^DROP TYPE dealcurrency;" down.sql
	fi
'

# alembic_own <sql>: Alembic's offline output without its bookkeeping (the version table,
# BEGIN/COMMIT, the markers, blank lines), to compare with an imported section.
alembic_own() {
	grep -vE "alembic_version|^(BEGIN|COMMIT);$|^-- Running|^[[:space:]]*$" "$1"
}

test_expect_success 'each branch revision holds what Alembic runs for it alone (upgrade <parent>:<id>)' '
	init=$(flask_rev app initial) &&
	for name in phone notes; do
		id=$(flask_rev app $name) &&
		flask_db app upgrade "$init:$id" --sql >alone.sql 2>/dev/null &&
		alembic_own alone.sql >expect &&
		section app/migrations/versions/${id}_$name.sql up | sed "/^$/d" >actual &&
		test_cmp expect actual &&
		flask_db app downgrade "$id:$init" --sql >alone.sql 2>/dev/null &&
		alembic_own alone.sql >expect &&
		section app/migrations/versions/${id}_$name.sql down | sed "/^$/d" >actual &&
		test_cmp expect actual || return 1
	done
'

test_expect_success 'the merge: empty; upgrade <parent>:<merge> alone would run the other branch too' '
	merge=$(flask_rev app merge) &&
	test -z "$(section app/migrations/versions/${merge}_merge.sql up | sed "/^$/d")" &&
	test -z "$(section app/migrations/versions/${merge}_merge.sql down | sed "/^$/d")" &&
	flask_db app upgrade "$(flask_rev app phone):$merge" --sql >alone.sql 2>/dev/null &&
	test_grep "^CREATE TABLE notes" alone.sql
'

test_expect_success 'verify --replay passes on the imported history' '
	(
		cd app &&
		git add migrations && git commit -q -m "import alembic" &&
		git migrate verify --replay >../verify.out 2>&1
	) || { cat verify.out; false; }
'

test_expect_success 'git migrate upgrade builds the schema flask db upgrade built' '
	(cd app && db_create && git migrate upgrade >../up.out 2>&1) &&
	(cd app && git migrate current) >current &&
	flask_head app >expect &&
	test_cmp expect current &&
	flask_schema >expect &&
	target_schema >actual &&
	test_cmp expect actual
'

test_expect_success 'the upgraded database takes rows; downgrade to base and up again' '
	(
		cd app &&
		db_sql "INSERT INTO contacts (id, email, phone) VALUES (1, '\''a@example.com'\'', '\''555'\'');
			INSERT INTO deals (id, title, amount, currency, contact_id) VALUES (1, '\''d'\'', 10.5, '\''EUR'\'', 1);
			INSERT INTO notes (id, body, contact_id) VALUES (1, '\''n'\'', 1)" &&
		test "$(db_sql "SELECT currency FROM deals")" = EUR &&
		git migrate downgrade base >../down.out 2>&1 &&
		test "$(db_sql "SELECT count(*) FROM git_migrate_history")" = 0 &&
		git migrate upgrade >>../up.out 2>&1 &&
		test "$(db_sql "SELECT count(*) FROM git_migrate_history")" = 4
	)
'

test_expect_success 'a second import refuses: the revisions exist, nothing is written' '
	(cd app && ls migrations/versions >../before && flask_export . &&
	 test_expect_code 2 git migrate import alembic >../out2 2>../err2) &&
	test_grep "^fatal: revision .* already exists: .migrations/versions/" err2 &&
	ls app/migrations/versions >after &&
	test_cmp before after &&
	test_no_scratch_left
'

test_done
