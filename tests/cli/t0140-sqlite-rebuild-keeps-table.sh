#!/bin/sh
test_description='SQLite: a table rebuild keeps the table the models create (INTEGER PRIMARY KEY, defaults, CHECK, COLLATE, AUTOINCREMENT, WITHOUT ROWID, STRICT as written), its rows and counters, and the views and triggers on it'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"
. "$TEST_DIR/lib-sqlite.sh"

if ! test_if_sqlite; then
	test_skip_all 'SQLite rebuilds only'
fi

# models_db <models.sql> <db>: a database made from the models' SQL and the views and
# triggers of revision views.sql, directly.
models_db() {
	rm -f "$2" && cat "$1" views.sql | sqlite3 -bail "$2"
}

cat >v1.sql <<'SQL'
CREATE TABLE authors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL COLLATE NOCASE UNIQUE
);
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    author_id INTEGER REFERENCES authors (id) ON DELETE CASCADE,
    title TEXT NOT NULL DEFAULT 'untitled',
    score INTEGER DEFAULT 1,
    ratio REAL DEFAULT 0.5,
    status TEXT DEFAULT 'draft' CHECK (status IN ('draft', 'live'))
);
CREATE INDEX posts_title ON posts (title COLLATE NOCASE DESC);
CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;
CREATE TABLE nums (id INTEGER PRIMARY KEY, n INT NOT NULL, note TEXT) STRICT;
CREATE TABLE tags (id INTEGER PRIMARY KEY);
CREATE TABLE audit (msg TEXT);
SQL

# What changes: each table but tags needs a rebuild (a new CHECK, NOT NULL, a dropped
# column with a new CHECK); tags gains a column SQLite adds in place.
cat >v2.sql <<'SQL'
CREATE TABLE authors (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL COLLATE NOCASE UNIQUE,
    CONSTRAINT name_not_empty CHECK (length(name) > 0)
);
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    author_id INTEGER REFERENCES authors (id) ON DELETE CASCADE,
    title TEXT NOT NULL DEFAULT 'untitled',
    score INTEGER NOT NULL DEFAULT 1,
    ratio REAL DEFAULT 0.5,
    status TEXT DEFAULT 'draft' CHECK (status IN ('draft', 'live'))
);
CREATE INDEX posts_title ON posts (title COLLATE NOCASE DESC);
CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT NOT NULL DEFAULT '') WITHOUT ROWID;
CREATE TABLE nums (id INTEGER PRIMARY KEY, n INT NOT NULL, CHECK (n > 0)) STRICT;
CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT COLLATE NOCASE DEFAULT 'none');
CREATE TABLE audit (msg TEXT);
SQL

cat >views.sql <<'SQL'
CREATE VIEW live_posts AS SELECT id, title FROM posts WHERE status = 'live';
CREATE VIEW live_titles AS SELECT title FROM live_posts;
CREATE TRIGGER posts_audit AFTER INSERT ON posts BEGIN
  INSERT INTO audit VALUES ('post ' || new.title);
END;
SQL

# The fixture rows (prepare's round trip runs on them) and the database's rows.
cat >rows.sql <<'SQL'
INSERT INTO authors (name) VALUES ('ann'), ('bob'), ('tmp');
DELETE FROM authors WHERE name = 'tmp';
INSERT INTO posts (id, author_id, title, status) VALUES (1, 1, 'hello', 'live'), (2, 2, 'draft one', 'draft');
INSERT INTO kv VALUES ('a', '1');
INSERT INTO nums VALUES (1, 5, 'x');
INSERT INTO tags VALUES (1);
SQL

test_expect_success 'setup: SQL models, their base revision, views and a trigger written by hand, fixtures' '
	mkdir repo && (
		cd repo &&
		git init -q -b production &&
		gm_write_config "[models/*.sql]" &&
		echo "database: sqlite:///db.sqlite" >>.gitmigrate.yml &&
		mkdir models data && cp ../v1.sql models/app.sql &&
		git add -A && git commit -q -m models &&
		git migrate -q prepare -m base >/dev/null &&
		write_revision migrations/versions views1 "$(base_id)" "$(cat ../views.sql)" \
			"DROP TRIGGER posts_audit; DROP VIEW live_titles; DROP VIEW live_posts;" &&
		cp ../rows.sql data/rows.sql &&
		git add -A && git commit -q -m "views, trigger, fixtures" &&
		git migrate -q upgrade &&
		sqlite3 -bail db.sqlite <data/rows.sql &&
		git switch -q -c work
	) &&
	models_db v1.sql v1.db &&
	sqlite_pragmas v1.db >expect.v1 &&
	sqlite_pragmas repo/db.sqlite >actual &&
	test_cmp expect.v1 actual
'

test_expect_success 'prepare writes the rebuilds, tested with the fixture rows' '
	(
		cd repo &&
		cp ../v2.sql models/app.sql &&
		git migrate prepare -m rebuilds >../path 2>../err
	) &&
	test_grep "fixture rows" err &&
	rev="repo/$(cat path)" &&
	section "$rev" up >up.sql &&
	for t in authors posts kv nums; do
		grep -q "^CREATE TABLE _gm_new_$t" up.sql || { echo "no rebuild of $t" >&2; return 1; }
	done &&
	! grep -q "_gm_new_tags" up.sql &&
	test_grep "^ALTER TABLE tags ADD COLUMN label TEXT COLLATE NOCASE DEFAULT '"'"'none'"'"';" up.sql &&
	test_grep "^CREATE TABLE _gm_new_posts (" up.sql &&
	test_grep "^    id INTEGER PRIMARY KEY,$" up.sql &&
	test_grep "^DROP VIEW IF EXISTS live_titles;" up.sql &&
	test_grep "^DROP TRIGGER IF EXISTS posts_audit;" up.sql &&
	test_grep "^CREATE VIEW live_posts AS" up.sql
'

test_expect_success 'upgrade on a database holding rows: the pragmas are those of the models'"'"' tables' '
	(cd repo && git migrate -q upgrade) &&
	models_db v2.sql v2.db &&
	sqlite_pragmas v2.db >expect.v2 &&
	sqlite_pragmas repo/db.sqlite >actual &&
	test_cmp expect.v2 actual &&
	sqlite3 repo/db.sqlite "SELECT sql FROM sqlite_schema WHERE name = '"'"'posts'"'"'" >actual &&
	sqlite3 v2.db "SELECT sql FROM sqlite_schema WHERE name = '"'"'posts'"'"'" |
		sed "s/^CREATE TABLE posts/CREATE TABLE \"posts\"/" >expect &&
	test_cmp expect actual
'

test_expect_success 'the rows, the AUTOINCREMENT counter, the view and the trigger survive' '
	(
		cd repo &&
		db_sql "SELECT id, name FROM authors ORDER BY id" >../actual &&
		printf "1|ann\n2|bob\n" >../expect && test_cmp ../expect ../actual &&
		db_sql "INSERT INTO authors (name) VALUES ('"'"'cy'"'"'); SELECT max(id) FROM authors" >../actual &&
		echo 4 >../expect && test_cmp ../expect ../actual &&
		db_sql "SELECT id, author_id, title, score, ratio, status FROM posts ORDER BY id" >../actual &&
		printf "1|1|hello|1|0.5|live\n2|2|draft one|1|0.5|draft\n" >../expect &&
		test_cmp ../expect ../actual &&
		db_sql "SELECT * FROM kv; SELECT * FROM nums; SELECT * FROM tags" >../actual &&
		printf "a|1\n1|5\n1|none\n" >../expect && test_cmp ../expect ../actual &&
		db_sql "INSERT INTO posts (id, title, status) VALUES (3, '"'"'new'"'"', '"'"'live'"'"');
			SELECT title FROM live_titles ORDER BY title; SELECT count(*) FROM audit" >../actual &&
		printf "hello\nnew\n3\n" >../expect && test_cmp ../expect ../actual &&
		db_sql "PRAGMA foreign_key_check"  >../actual && test_must_be_empty ../actual &&
		db_sql "DELETE FROM posts WHERE id = 3; DELETE FROM authors WHERE id = 4"
	)
'

test_expect_success 'downgrade: the pragmas are those of the old models'"'"' tables, rows kept' '
	(cd repo && git migrate -q downgrade -1) &&
	sqlite_pragmas repo/db.sqlite >actual &&
	test_cmp expect.v1 actual &&
	(
		cd repo &&
		db_sql "SELECT id, name FROM authors ORDER BY id; SELECT id, title, score FROM posts ORDER BY id" >../actual &&
		printf "1|ann\n2|bob\n1|hello|1\n2|draft one|1\n" >../expect && test_cmp ../expect ../actual &&
		db_sql "INSERT INTO authors (name) VALUES ('"'"'dee'"'"'); SELECT max(id) FROM authors" >../actual &&
		echo 5 >../expect && test_cmp ../expect ../actual
	)
'

test_done
