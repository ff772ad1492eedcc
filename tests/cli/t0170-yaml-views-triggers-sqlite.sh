#!/bin/sh
test_description='SQLite: views and triggers from YAML models added, changed (with a view over the changed one), carried through a table rebuild (still firing), kept working when a column they used is dropped, and dropped; checked in sqlite_schema after upgrade and downgrade'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

if ! test_if_sqlite; then
	test_skip_all 'SQLite views and triggers (PostgreSQL: t0172)'
fi

cat >v1.yml <<'YAML'
tables:
  users:
    columns:
      id:     {type: integer, primary_key: true}
      email:  text
      active: {type: boolean, default: true}
      edits:  {type: integer, default: 0}
# declared before the view it reads: created after it all the same
views:
  emails: {sql: "SELECT id, email FROM active_users", comment: "no comments on SQLite"}
  active_users: "SELECT id, email, edits FROM users WHERE active"
triggers:
  users_edit:
    table: users
    sql: |
      CREATE TRIGGER users_edit AFTER UPDATE OF email ON users
      BEGIN UPDATE users SET edits = edits + 1 WHERE id = new.id; END
YAML

# objects: type|name|sql of the views and triggers in sqlite_schema
objects() {
	sqlite3 "$1" "SELECT type, name, sql FROM sqlite_schema WHERE type IN ('view', 'trigger') ORDER BY type, name"
}

test_expect_success 'base: the views and the trigger are created after the table, the view it reads first' '
	prepare_case_setup repo v1.yml &&
	(cd repo && echo "database: sqlite:///db.sqlite" >>.gitmigrate.yml &&
	 git commit -q -am db && git migrate -q upgrade) &&
	section repo/migrations/versions/*_base.sql up >up &&
	grep -n "^CREATE" up | cut -d: -f1,2 | sed "s/ AS.*//; s/ AFTER.*//" >actual &&
	cat >expect <<-\EOF &&
	1:CREATE TABLE users (
	9:CREATE VIEW active_users
	11:CREATE VIEW emails
	13:CREATE TRIGGER users_edit
	EOF
	test_cmp expect actual &&
	objects repo/db.sqlite >actual &&
	cat >expect <<-\EOF &&
	trigger|users_edit|CREATE TRIGGER users_edit AFTER UPDATE OF email ON users
	BEGIN UPDATE users SET edits = edits + 1 WHERE id = new.id; END
	view|active_users|CREATE VIEW active_users AS SELECT id, email, edits FROM users WHERE active
	view|emails|CREATE VIEW emails AS SELECT id, email FROM active_users
	EOF
	test_cmp expect actual &&
	(cd repo && git migrate diff) &&
	sqlite3 repo/db.sqlite "INSERT INTO users (id, email) VALUES (1, '"'"'a@x'"'"'), (2, '"'"'b@x'"'"'); UPDATE users SET email = '"'"'c@x'"'"' WHERE id = 1; SELECT id, email, edits FROM active_users" >actual &&
	printf "1|c@x|1\n2|b@x|0\n" >expect && test_cmp expect actual
'

test_expect_success 'rebuild of users (email NOT NULL): the trigger and views are carried, rows kept, trigger fires' '
	sed "s/      email:  text/      email:  {type: text, null: false, default: none}/" v1.yml >v2.yml &&
	cp v2.yml repo/models/app.yml &&
	(cd repo && git migrate prepare -m "email not null" >../path 2>../err) &&
	test_grep "warning: table rebuild of users" err &&
	section "repo/$(cat path)" up >up &&
	test_grep "^DROP TRIGGER IF EXISTS users_edit;" up &&
	test_grep "^ALTER TABLE _gm_new_users RENAME TO users;" up &&
	test_grep "^CREATE TRIGGER users_edit AFTER UPDATE OF email ON users" up &&
	objects repo/db.sqlite >expect.objects &&
	(cd repo && git add -A && git commit -q -m v2 && git migrate -q upgrade) &&
	objects repo/db.sqlite >actual && test_cmp expect.objects actual &&
	sqlite3 repo/db.sqlite "UPDATE users SET email = '"'"'d@x'"'"' WHERE id = 1; SELECT id, email, edits FROM active_users; SELECT \"notnull\" FROM pragma_table_info('"'"'users'"'"') WHERE name = '"'"'email'"'"'" >actual &&
	printf "1|d@x|2\n2|b@x|0\n1\n" >expect && test_cmp expect actual
'

test_expect_success 'a column the view and trigger used is dropped, both changed: the view over the view is dropped and re-created too' '
	sed "/      edits: /d; s/SELECT id, email, edits FROM users/SELECT id, email FROM users/; s/BEGIN UPDATE users SET edits = edits + 1 WHERE id = new.id; END/BEGIN UPDATE users SET active = 1 WHERE id = new.id; END/" v2.yml >v3.yml &&
	cp v3.yml repo/models/app.yml &&
	(cd repo && git migrate prepare -m "drop edits" >../path 2>../err) &&
	section "repo/$(cat path)" up >up &&
	grep -n "^DROP\|^ALTER\|^CREATE" up | sed "s/ AS.*//; s/ AFTER.*//" >actual &&
	cat >expect <<-\EOF &&
	1:DROP TRIGGER IF EXISTS users_edit;
	3:DROP VIEW IF EXISTS emails;
	5:DROP VIEW IF EXISTS active_users;
	7:ALTER TABLE users DROP COLUMN edits;
	9:CREATE VIEW active_users
	11:CREATE VIEW emails
	13:CREATE TRIGGER users_edit
	EOF
	test_cmp expect actual &&
	objects repo/db.sqlite >expect.before &&
	(cd repo && git add -A && git commit -q -m v3 && git migrate -q upgrade) &&
	objects repo/db.sqlite >actual &&
	test_grep "^view|active_users|CREATE VIEW active_users AS SELECT id, email FROM users WHERE active$" actual &&
	test_grep "^view|emails|CREATE VIEW emails AS SELECT id, email FROM active_users$" actual &&
	test_grep "^BEGIN UPDATE users SET active = 1 WHERE id = new.id; END$" actual &&
	sqlite3 repo/db.sqlite "SELECT id, email FROM emails ORDER BY id" >actual &&
	printf "1|d@x\n2|b@x\n" >expect && test_cmp expect actual &&
	(cd repo && git migrate -q downgrade -1) &&
	objects repo/db.sqlite >actual && test_cmp expect.before actual &&
	sqlite3 repo/db.sqlite "SELECT id, email, edits FROM active_users ORDER BY id" >actual &&
	printf "1|d@x|0\n2|b@x|0\n" >expect && test_cmp expect actual &&
	(cd repo && git migrate -q upgrade)
'

test_expect_success 'a retyped column under a view: the rebuild carries the view' '
	sed "s/      active: {type: boolean, default: true}/      active: {type: integer, default: 1}/" v3.yml >v4.yml &&
	cp v4.yml repo/models/app.yml &&
	(cd repo && git migrate prepare -m "active integer" >../path 2>../err) &&
	test_grep "warning: table rebuild of users" err &&
	(cd repo && git add -A && git commit -q -m v4 && git migrate -q upgrade) &&
	sqlite3 repo/db.sqlite "SELECT lower(type) FROM pragma_table_info('"'"'users'"'"') WHERE name = '"'"'active'"'"'; SELECT count(*) FROM emails" >actual &&
	printf "integer\n2\n" >expect && test_cmp expect actual
'

test_expect_success 'a view and a trigger dropped from the models are dropped (another stays); the down brings them back' '
	sed "/^  emails:/d; s/^  users_edit:/  users_new:/; s/CREATE TRIGGER users_edit AFTER UPDATE OF email/CREATE TRIGGER users_new AFTER INSERT/" v4.yml >repo/models/app.yml &&
	(cd repo && git migrate prepare -m "fewer objects" >../path 2>../err) &&
	test_grep "^  drop view emails" err &&
	test_grep "^  drop trigger users_edit" err &&
	test_grep "^  add trigger users_new" err &&
	objects repo/db.sqlite >expect.before &&
	(cd repo && git add -A && git commit -q -m v5 && git migrate -q upgrade) &&
	sqlite3 repo/db.sqlite "SELECT type, name FROM sqlite_schema WHERE type IN ('"'"'view'"'"', '"'"'trigger'"'"') ORDER BY 1, 2" >actual &&
	printf "trigger|users_new\nview|active_users\n" >expect && test_cmp expect actual &&
	sqlite3 repo/db.sqlite "INSERT INTO users (id, email, active) VALUES (3, '"'"'f@x'"'"', 0); SELECT id, active FROM users WHERE id = 3" >actual &&
	echo "3|1" >expect && test_cmp expect actual &&
	(cd repo && git migrate -q downgrade -1) &&
	objects repo/db.sqlite >actual && test_cmp expect.before actual &&
	sqlite3 repo/db.sqlite "UPDATE users SET email = '"'"'e@x'"'"' WHERE id = 2; SELECT email FROM emails ORDER BY id" >actual &&
	printf "d@x\ne@x\nf@x\n" >expect && test_cmp expect actual
'

cat >t.sql <<'SQL'
CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, qty INTEGER DEFAULT 1);
CREATE TABLE log (msg TEXT);
CREATE VIEW stock AS SELECT name, qty FROM items WHERE qty > 0;
CREATE TRIGGER items_log AFTER INSERT ON items BEGIN INSERT INTO log VALUES ('new ' || new.name); END;
SQL

test_expect_success 'SQL models: a trigger on a rebuilt table is carried and still fires' '
	mkdir sql && (
		cd sql && git init -q -b production &&
		printf "models: [models/*.sql]\ndatabase: sqlite:///db.sqlite\n" >.gitmigrate.yml &&
		mkdir models && cp ../t.sql models/app.sql &&
		git add -A && git commit -q -m models &&
		git migrate -q prepare -m base >/dev/null && git add -A && git commit -q -m base &&
		git migrate -q upgrade &&
		sqlite3 db.sqlite "INSERT INTO items (name) VALUES ('"'"'ann'"'"')" &&
		sed "s/name TEXT,/name TEXT NOT NULL DEFAULT '"'"'?'"'"',/" ../t.sql >models/app.sql &&
		git migrate prepare -m "name not null" >../path 2>../err &&
		git add -A && git commit -q -m v2 && git migrate -q upgrade &&
		sqlite3 db.sqlite "INSERT INTO items (name) VALUES ('"'"'bob'"'"'); SELECT msg FROM log ORDER BY msg; SELECT name FROM stock ORDER BY name" >../actual &&
		git migrate diff
	) &&
	test_grep "warning: table rebuild of items" err &&
	printf "new ann\nnew bob\nann\nbob\n" >expect && test_cmp expect actual &&
	objects sql/db.sqlite >actual &&
	test_grep "^trigger|items_log|CREATE TRIGGER items_log AFTER INSERT ON items" actual &&
	test_grep "^view|stock|CREATE VIEW stock AS SELECT name, qty FROM items WHERE qty > 0$" actual
'

test_done
