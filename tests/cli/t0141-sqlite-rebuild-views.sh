#!/bin/sh
test_description='SQLite: YAML models and a hand-written history with a view and triggers on a table that must be rebuilt: the views and triggers are dropped and re-created, rows kept, and the down gives back the hand-written table as it was (pragmas and text)'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"
. "$TEST_DIR/lib-sqlite.sh"

if ! test_if_sqlite; then
	test_skip_all 'SQLite rebuilds only'
fi

cat >up.sql <<'SQL'
CREATE TABLE "p" (id INTEGER PRIMARY KEY, name TEXT, qty INTEGER DEFAULT 1);
CREATE TABLE "log" (msg TEXT);
CREATE VIEW active_p AS SELECT id, name FROM p WHERE qty > 0;
CREATE TRIGGER p_log AFTER INSERT ON p BEGIN INSERT INTO log VALUES ('p ' || new.name); END;
CREATE TRIGGER log_p AFTER DELETE ON log BEGIN DELETE FROM p WHERE name = old.msg; END;
SQL

cat >app.yml <<'YAML'
tables:
  p:
    columns:
      id:   {type: integer, primary_key: true}
      name: text
      qty:  {type: integer, default: 1}
  log:
    columns:
      msg: text
YAML

test_expect_success 'setup: a hand-written revision with a view and triggers, applied with rows' '
	git init -q -b production repo && (
		cd repo &&
		gm_write_config "[models/*.yml]" &&
		echo "database: sqlite:///db.sqlite" >>.gitmigrate.yml &&
		mkdir models && cp ../app.yml models/app.yml &&
		write_revision migrations/versions a1 "" "$(cat ../up.sql)" \
			"DROP VIEW active_p; DROP TABLE log; DROP TABLE p;" &&
		git add -A && git commit -q -m "hand-written" &&
		git migrate -q diff &&
		git migrate -q upgrade &&
		db_sql "INSERT INTO p (name, qty) VALUES ('"'"'ann'"'"', 1), ('"'"'bob'"'"', 0)" &&
		git switch -q -c work
	) &&
	sqlite_pragmas repo/db.sqlite --sql >expect.before
'

test_expect_success 'prepare: name becomes NOT NULL, a rebuild that carries the view and triggers' '
	(
		cd repo &&
		sed "s/^      name: text/      name: {type: text, null: false, default: none}/" ../app.yml >models/app.yml &&
		git migrate prepare -m "name not null" >../path 2>../err
	) &&
	test_grep "warning: table rebuild of p" err &&
	test_grep "left alone: view active_p" err &&
	section "repo/$(cat path)" up >up.out &&
	sed -n "/^DROP TRIGGER IF EXISTS log_p;/,/^CREATE TRIGGER log_p/p" up.out >rebuild &&
	test_grep "^DROP TRIGGER IF EXISTS p_log;" rebuild &&
	test_grep "^DROP VIEW IF EXISTS active_p;" rebuild &&
	test_grep "^ALTER TABLE _gm_new_p RENAME TO p;" rebuild &&
	test_grep "^CREATE VIEW active_p AS SELECT id, name FROM p WHERE qty > 0;" rebuild &&
	test_grep "^CREATE TRIGGER p_log AFTER INSERT ON p BEGIN" rebuild
'

test_expect_success 'upgrade: rows kept, the view and both triggers work' '
	(
		cd repo &&
		git migrate -q upgrade &&
		db_sql "INSERT INTO p (name) VALUES ('"'"'cy'"'"'); SELECT name FROM active_p ORDER BY name" >../actual &&
		printf "ann\ncy\n" >../expect && test_cmp ../expect ../actual &&
		db_sql "SELECT msg FROM log ORDER BY msg" >../actual &&
		printf "p ann\np bob\np cy\n" >../expect && test_cmp ../expect ../actual &&
		db_sql "INSERT INTO log VALUES ('"'"'cy'"'"'); DELETE FROM log WHERE msg = '"'"'cy'"'"'; SELECT count(*) FROM p" >../actual &&
		echo 2 >../expect && test_cmp ../expect ../actual &&
		db_sql "SELECT \"notnull\", dflt_value FROM pragma_table_info('"'"'p'"'"') WHERE name = '"'"'name'"'"'" >../actual &&
		echo "1|'"'"'none'"'"'" >../expect && test_cmp ../expect ../actual
	)
'

test_expect_success 'downgrade gives back the hand-written table, view and triggers as they were' '
	(cd repo && db_sql "DELETE FROM log" && git migrate -q downgrade -1) &&
	sqlite_pragmas repo/db.sqlite --sql >actual &&
	test_cmp expect.before actual &&
	(cd repo && db_sql "SELECT id, name, qty FROM p ORDER BY id") >actual &&
	printf "1|ann|1\n2|bob|0\n" >expect && test_cmp expect actual
'

test_done
