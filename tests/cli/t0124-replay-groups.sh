#!/bin/sh
test_description='replay: production revisions share transactions (a label used right after it is added, a failure named as before); SQLite checks the foreign keys of what a transaction touched'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

V=migrations/versions

if test_if_postgres; then
test_expect_success 'a label added by one production revision and used by the next: prepare passes' '
	git init -q -b production lbl &&
	(
		cd lbl &&
		gm_write_config "[models/*.yml]" &&
		write_revision $V a1 "" "CREATE TYPE mood AS ENUM ('\''a'\'', '\''b'\'');
CREATE TABLE t (id integer PRIMARY KEY, m mood NOT NULL DEFAULT '\''a'\'');" &&
		write_revision $V b2 a1 "ALTER TYPE mood ADD VALUE '\''c'\'';" &&
		write_revision $V c3 b2 "ALTER TABLE t ALTER COLUMN m SET DEFAULT '\''c'\'';
INSERT INTO t (id) VALUES (1);" &&
		write_revision $V d4 c3 "ALTER TABLE t ADD COLUMN n integer;" &&
		mkdir models &&
		cat >models/app.yml <<-YAML &&
		enums:
		  mood: [a, b, c]
		tables:
		  t:
		    columns:
		      id: {type: integer, primary_key: true}
		      m: {type: mood, null: false, default: c}
		      n: integer
		YAML
		git add -A && git commit -q -m labels &&
		git migrate prepare >../out 2>../err
	) &&
	test_grep "no changes: the models match production" err &&
	test_must_be_empty out &&
	test_no_scratch_left
'

test_expect_success 'the models'"'"' database is built while production replays, and says so in -v' '
	(
		cd lbl &&
		sed "s/^      n: integer/&\n      note: text/" models/app.yml >m && mv m models/app.yml &&
		git migrate -v prepare --dry-run --no-cache >../out 2>../err
	) &&
	test_grep "^ALTER TABLE t ADD COLUMN note text;" out &&
	test_grep "^timing: read [0-9.]*s models-start [0-9.]*s replay " err &&
	test_grep " models [0-9.]*s diff+plan " err &&
	test_no_scratch_left
'

test_expect_success 'a fixture SQL file that deallocates the session'"'"'s prepared statements: prepare passes' '
	git init -q -b production dealloc &&
	(
		cd dealloc &&
		gm_write_config "[models/*.yml]" &&
		echo "fixtures: data" >>.gitmigrate.yml &&
		write_revision $V a1 "" "CREATE TABLE t (id integer PRIMARY KEY);" &&
		mkdir data models &&
		printf "INSERT INTO t VALUES (1), (2);\nDEALLOCATE ALL;\n" >data/rows.sql &&
		printf "tables:\n  t:\n    columns:\n      id: {type: integer, primary_key: true}\n      note: text\n" >models/app.yml &&
		git add -A && git commit -q -m dealloc &&
		git migrate prepare --no-cache >../path 2>../err
	) &&
	test_grep "ADD COLUMN note text" dealloc/$(cat path) &&
	test_grep "2 fixture rows" err &&
	test_no_scratch_left
'
fi

test_expect_success 'a production revision failing amid others: named with its file:line, nothing written' '
	git init -q -b production mid &&
	(
		cd mid &&
		gm_write_config "[models/*.yml]" &&
		write_revision $V a1 "" "CREATE TABLE contacts (id integer PRIMARY KEY);" &&
		write_revision $V b2 a1 "ALTER TABLE contacts ADD COLUMN email text;" &&
		write_revision $V c3 b2 "ALTER TABLE contacts ADD COLUMN name text;
ALTER TABLE nope ADD COLUMN x integer;" &&
		write_revision $V d4 c3 "ALTER TABLE contacts ADD COLUMN phone text;" &&
		mkdir models && printf "tables:\n  contacts:\n    columns:\n      id: {type: integer, primary_key: true}\n" >models/app.yml &&
		git add -A && git commit -q -m broken &&
		test_expect_code 2 git migrate prepare >../out 2>../err
	) &&
	test_grep "^fatal: migrations/versions/c3_revision_c3.sql:8:[0-9:]* replaying revision '\''c3'\'' (production): .*nope" err &&
	test $(grep -c "^fatal:" err) = 1 &&
	test_must_be_empty out &&
	test $(ls mid/migrations/versions | wc -l) = 4 &&
	test_no_scratch_left
'

if test_if_sqlite; then
test_expect_success 'setup (SQLite): a database with an orphan row in a table no revision touches' '
	mkdir fk &&
	(
		cd fk && git init -q &&
		gm_write_config "[models/*.yml]" &&
		echo "database: sqlite:///db.sqlite" >>.gitmigrate.yml &&
		write_revision $V a1 "" "CREATE TABLE p (id integer PRIMARY KEY);
CREATE TABLE c (id integer PRIMARY KEY, p_id integer REFERENCES p (id));
CREATE TABLE x (id integer PRIMARY KEY);
CREATE TABLE legacy (id integer PRIMARY KEY, x_id integer REFERENCES x (id));
INSERT INTO p VALUES (1), (2);
INSERT INTO c VALUES (10, 1), (20, 2);" &&
		git add -A && git commit -q -m a1 &&
		git migrate upgrade >../out 2>../err &&
		sqlite3 db.sqlite "INSERT INTO legacy VALUES (1, 99)" &&
		test "$(sqlite3 db.sqlite "PRAGMA foreign_key_check")" = "legacy|1|x|0"
	)
'

test_expect_success 'a revision that leaves the orphan alone is applied' '
	(
		cd fk &&
		write_revision $V b2 a1 "ALTER TABLE c ADD COLUMN note text;
INSERT INTO p VALUES (3);" &&
		git add -A && git commit -q -m b2 &&
		git migrate upgrade >../out 2>../err &&
		test "$(sqlite3 db.sqlite "SELECT group_concat(revision) FROM git_migrate_history")" = "a1,b2"
	)
'

test_expect_success 'a rebuild of a parent that loses a referenced row: the child is named, nothing applied' '
	(
		cd fk &&
		write_revision $V c3 b2 "CREATE TABLE _p_new (id integer PRIMARY KEY, label text);
INSERT INTO _p_new (id) SELECT id FROM p WHERE id <> 2;
DROP TABLE p;
ALTER TABLE _p_new RENAME TO p;" &&
		git add -A && git commit -q -m c3 &&
		test_expect_code 2 git migrate upgrade >../out 2>../err &&
		test_grep "foreign key violation: row 20 of '\''c'\'' references a missing row of '\''p'\'' (1 violation)" ../err &&
		test "$(sqlite3 db.sqlite "SELECT count(*) FROM p")" = 3 &&
		test "$(sqlite3 db.sqlite "SELECT group_concat(revision) FROM git_migrate_history")" = "a1,b2"
	)
'

test_expect_success 'a revision writing the table with the orphan is refused, naming it' '
	(
		cd fk &&
		rm $V/c3_*.sql &&
		write_revision $V c3 b2 "UPDATE legacy SET id = 2;" &&
		git add -A && git commit -q -m c3b &&
		test_expect_code 2 git migrate upgrade >../out 2>../err &&
		test_grep "foreign key violation: row 2 of '\''legacy'\'' references a missing row of '\''x'\''" ../err &&
		test "$(sqlite3 db.sqlite "SELECT id FROM legacy")" = 1
	)
'
fi

test_done
