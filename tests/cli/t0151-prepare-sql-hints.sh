#!/bin/sh
test_description='prepare (SQLite and PostgreSQL): rename hints in SQL models, -- git-migrate: was <old>'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"
. "$TEST_DIR/lib-fixture-case.sh"

cat >base.sql <<'SQL'
CREATE TABLE users (
  id integer PRIMARY KEY,
  fullname text NOT NULL
);
CREATE TABLE tags (id integer PRIMARY KEY, label varchar(40));
SQL
cat >rows.yml <<'YAML'
users:
  - {id: 1, fullname: Ann}
  - {id: 2, fullname: Bob}
tags:
  - {id: 1, label: red}
  - {id: 2, label: blue}
YAML

# sql_setup <dir>: production holds base.sql, the fixtures and the base revision.
sql_setup() {
	mkdir "$1" && (
		cd "$1" && git init -q -b production &&
		fixture_config '[models/*.sql]' &&
		mkdir models data && cp ../base.sql models/app.sql && cp ../rows.yml data/rows.yml &&
		git add -A && git commit -q -m models &&
		git migrate -q prepare -m base >/dev/null &&
		git add -A && git commit -q -m base && git switch -q -c work
	)
}

test_expect_success 'setup' '
	sql_setup hints && sql_setup bad
'

test_expect_success 'without a hint the SQL models are refused as the YAML ones, with the SQL hint to write' '
	sed "s/^  fullname text NOT NULL/  display_name text NOT NULL/" base.sql >bad/models/app.sql &&
	(cd bad && test_expect_code 1 git migrate prepare </dev/null >../out 2>../err) &&
	test_grep "users.fullname is dropped, but 2 rows hold a value, and users.display_name (text) is added" err &&
	test_grep "or .display_name text -- git-migrate: was fullname. (SQL models)" err &&
	test $(ls bad/migrations/versions | wc -l) = 1 && test_no_scratch_left
'

test_expect_success 'column and table hints: RENAME both ways; upgrade keeps the rows, downgrade renames back' '
	cat >hints/models/app.sql <<-\SQL &&
	/* the models; -- git-migrate: was nothing (inside a block comment: ignored) */
	CREATE TABLE users (
	  id integer PRIMARY KEY,
	  display_name text NOT NULL -- git-migrate: was fullname
	);
	CREATE TABLE labels ( -- git-migrate: was tags
	  id integer PRIMARY KEY,
	  label varchar(40) CHECK (label <> '\''-- git-migrate: was no'\'')
	);
	SQL
	(cd hints && git migrate prepare </dev/null >../path 2>../err) &&
	rev=hints/$(cat path) &&
	section $rev up | grep "ALTER TABLE users RENAME COLUMN fullname TO display_name;" &&
	section $rev up | grep "ALTER TABLE tags RENAME TO labels;" &&
	section $rev down | grep "ALTER TABLE users RENAME COLUMN display_name TO fullname;" &&
	section $rev down | grep "ALTER TABLE labels RENAME TO tags;" &&
	(
		cd hints && fixture_case_deploy &&
		test "$(db_sql "SELECT display_name FROM users ORDER BY id" | paste -sd " " -)" = "Ann Bob" &&
		test "$(db_sql "SELECT label FROM labels ORDER BY id" | paste -sd " " -)" = "red blue" &&
		git migrate -q downgrade -1 &&
		test "$(db_sql "SELECT fullname FROM users ORDER BY id" | paste -sd " " -)" = "Ann Bob" &&
		test "$(db_sql "SELECT label FROM tags ORDER BY id" | paste -sd " " -)" = "red blue"
	)
'

test_expect_success 'a hint whose column the models do not have: exit 2 at file:line' '
	printf "%s\n" "CREATE TABLE users (" "  id integer PRIMARY KEY," \
		"  fullname text NOT NULL -- git-migrate: was name" ");" \
		"ALTER TABLE users DROP COLUMN fullname;" >bad/models/app.sql &&
	(cd bad && test_expect_code 2 git migrate prepare </dev/null >../out 2>../err) &&
	test_grep "^fatal: models/app.sql:3: the rename hint.s column .fullname. is not in table .users." err
'

test_expect_success 'a hint whose table the models do not have: exit 2 at file:line' '
	printf "%s\n" "CREATE TABLE users (id integer PRIMARY KEY, fullname text);" \
		"CREATE TABLE old_t ( -- git-migrate: was other" "  id integer);" \
		"DROP TABLE old_t;" >bad/models/app.sql &&
	(cd bad && test_expect_code 2 git migrate prepare </dev/null >../out 2>../err) &&
	test_grep "^fatal: models/app.sql:2: the rename hint.s table .old_t. is not in the models" err
'

test_expect_success 'a hint on no column line, or a malformed one: exit 2 at file:line, with the syntax' '
	printf "%s\n" "CREATE TABLE users (" "  id integer PRIMARY KEY," "  fullname text" \
		"); -- git-migrate: was people" >bad/models/app.sql &&
	(cd bad && test_expect_code 2 git migrate prepare </dev/null >../out 2>../err) &&
	test_grep "^fatal: models/app.sql:4: a rename hint outside CREATE TABLE: .was people." err &&
	test_grep "^hint: a rename hint is .-- git-migrate: was <old name>." err &&
	printf "%s\n" "CREATE TABLE users (" "  id integer PRIMARY KEY, -- git-migrate: renamed from x" \
		"  fullname text);" >bad/models/app.sql &&
	(cd bad && test_expect_code 2 git migrate prepare </dev/null >../out 2>../err) &&
	test_grep "^fatal: models/app.sql:2: unknown .git-migrate:. comment .renamed from x." err &&
	printf "%s\n" "CREATE TABLE users (" "  id integer PRIMARY KEY," "  fullname text," \
		"  CONSTRAINT c CHECK (id > 0) -- git-migrate: was x" ");" >bad/models/app.sql &&
	(cd bad && test_expect_code 2 git migrate prepare </dev/null >../out 2>../err) &&
	test_grep "^fatal: models/app.sql:4: the rename hint .was x. is not on a column.s line" err &&
	test $(ls bad/migrations/versions | wc -l) = 1 && test_no_scratch_left
'

test_done
