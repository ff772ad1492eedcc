#!/bin/sh
test_description='import alembic: bad input exits 2 with a clear message and writes nothing'
. ./lib.sh
. "$TEST_DIR/lib-flask.sh"

# no_sql_written <dir>: no revision file in <dir>'s migrations directory.
no_sql_written() {
	! ls "$1"/migrations/versions/*.sql 2>/dev/null
}

test_expect_success 'setup: a Flask-Migrate project (SQLite app database), and a copy per case' '
	git init -q -b production app &&
	flask_project app "sqlite:///$TRASH_DIRECTORY/flask.db" &&
	printf "database: sqlite:///db.sqlite\n" >app/.gitmigrate.yml &&
	printf "%s\n" .env-url .flask.log __pycache__ >app/.gitignore &&
	git -C app add -A && git -C app commit -q -m "flask project"
'

# case_copy <name>: a copy of the project to break.
case_copy() {
	rm -rf "$1" && cp -R app "$1"
}

test_expect_success 'bad usage: no kind, another kind, an extra argument' '
	(cd app && test_expect_code 2 git migrate import >../out 2>../err) &&
	test_grep "^error: which history? .alembic. is the one kind" err &&
	test_grep "^usage: git migrate import alembic" err &&
	(cd app && test_expect_code 2 git migrate import django >../out 2>../err) &&
	test_grep "^error: cannot import .django.: .alembic. is the one kind" err &&
	(cd app && test_expect_code 2 git migrate import alembic extra >../out 2>../err) &&
	test_grep "^error: unexpected argument .extra." err &&
	no_sql_written app
'

test_expect_success 'no versions directory' '
	(cd app && test_expect_code 2 git migrate import alembic --from nowhere >../out 2>../err) &&
	test_grep "^fatal: no Alembic history: .nowhere/versions. does not exist" err &&
	test_grep "^hint: --from names the Alembic directory" err &&
	no_sql_written app
'

test_expect_success 'no alembic.ini (Flask-Migrate keeps it beside env.py)' '
	case_copy noini &&
	rm noini/migrations/alembic.ini &&
	(cd noini && flask_export . &&
	 test_expect_code 2 git migrate import alembic >../out 2>../err) &&
	test_grep "^fatal: no alembic.ini in .migrations.$" err &&
	no_sql_written noini
'

test_expect_success 'no alembic.ini for a plain Alembic env.py, neither in the directory nor above' '
	case_copy plain &&
	sed -i "s/current_app/the_app/g; s/flask_migrate/the_migrate/g" plain/migrations/env.py &&
	rm plain/migrations/alembic.ini &&
	(cd plain && test_expect_code 2 git migrate import alembic >../out 2>../err) &&
	test_grep "^fatal: no alembic.ini in .migrations. or in its parent directory" err &&
	test_grep "^hint: run Alembic your way with --command" err &&
	no_sql_written plain
'

test_expect_success 'the app fails to import: the command, its stderr, exit 2' '
	case_copy badapp &&
	sed -i "1i import no_such_module_xyz" badapp/app.py &&
	(cd badapp && flask_export . &&
	 test_expect_code 2 git migrate import alembic >../out 2>../err) &&
	test_grep "^fatal: .flask db upgrade --directory migrations --sql heads. (in .*/badapp.) failed with exit status [1-9]" err &&
	test_grep "No module named .no_such_module_xyz." err &&
	test_grep "^hint: --command runs Alembic another way (in the repository root), e.g. with the Python that has your app.s packages: --command .python3 -m flask db." err &&
	no_sql_written badapp &&
	test_must_be_empty out
'

test_expect_success 'a Python without Flask-Migrate (--command): exit 2, its error shown' '
	(cd app && flask_export . &&
	 test_expect_code 2 git migrate import alembic --command "$PYTHON -S -m flask db" >../out 2>../err) &&
	test_grep "^fatal: .* -S -m flask db upgrade --sql heads. (in .*/app.) failed with exit status 1" err &&
	test_grep "No module named flask" err &&
	no_sql_written app
'

test_expect_success 'a broken env.py: exit 2, the traceback tail, nothing written' '
	case_copy badenv &&
	echo "raise RuntimeError(\"env.py is broken\")" >>badenv/migrations/env.py &&
	(cd badenv && flask_export . &&
	 test_expect_code 2 git migrate import alembic >../out 2>../err) &&
	test_grep "^fatal: .flask db upgrade" err &&
	test_grep "Error: env.py is broken" err &&
	no_sql_written badenv
'

test_expect_success 'a down_revision that is no literal: the file and line' '
	case_copy badrev &&
	py=$(ls badrev/migrations/versions/*_phone.py) &&
	sed -i "s/^down_revision = .*/down_revision = PARENT/" "$py" &&
	line=$(grep -n "^down_revision" "$py" | cut -d: -f1) &&
	(cd badrev && flask_export . &&
	 test_expect_code 2 git migrate import alembic >../out 2>../err) &&
	test_grep "^fatal: migrations/versions/$(basename "$py"):$line: down_revision is not a revision id literal" err &&
	no_sql_written badrev
'

test_expect_success 'SQL for another dialect than the target database: exit 2, the fix named' '
	(cd app && flask_export . &&
	 GIT_MIGRATE_DATABASE_URL=postgresql://nobody:secret@127.0.0.1:1/nowhere &&
	 export GIT_MIGRATE_DATABASE_URL &&
	 test_expect_code 2 git migrate import alembic >../out 2>../err) &&
	test_grep "^fatal: Alembic wrote SQL for sqlite, but the target database .postgresql://nobody:\*\*\*@127.0.0.1:1/nowhere. is postgres" err &&
	test_grep "^hint: point the app.s database URL" err &&
	no_sql_written app
'

test_expect_success 'a file in the way: refused by name, nothing written' '
	case_copy inway &&
	init=$(flask_rev inway initial) &&
	echo "not a revision" >inway/migrations/versions/${init}_initial.sql &&
	(cd inway && flask_export . &&
	 test_expect_code 2 git migrate import alembic >../out 2>../err) &&
	test_grep "^fatal: .migrations/versions/${init}_initial.sql. already exists; nothing written" err &&
	test $(ls inway/migrations/versions/*.sql | wc -l) = 1
'

test_done
