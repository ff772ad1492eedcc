#!/bin/sh
test_description='loaddata loads fixtures into the target database (SQLite file, PostgreSQL)'
. ./lib.sh

schema='CREATE TABLE contacts (id integer PRIMARY KEY, email text NOT NULL UNIQUE, name text);
CREATE TABLE deals (id integer PRIMARY KEY, title text NOT NULL, amount numeric(12,2),
  contact_id integer REFERENCES contacts (id), active boolean);'

test_expect_success 'setup: a repository with fixtures (YAML, CSV, SQL) and a database' '
	git init -q repo &&
	(
		cd repo &&
		mkdir data &&
		cat >data/a-deals.yml <<-\EOF &&
		deals:
		  - {id: 1, title: "Big, \"quoted\" deal", amount: 10.5, contact_id: 1, active: true}
		  - id: 2
		    title: "naïve café"
		    amount: ~
		    contact_id: 2
		    active: false
		EOF
		printf "id,email,name\r\n1,\"a,b@x.com\",\r\n2,\"two\r\nlines\",\"\"\r\n" >data/contacts.csv &&
		echo "UPDATE deals SET title = title || \"!\" WHERE id = 2;" | tr "\"" "'\''" >data/z-fix.sql &&
		echo "not a fixture" >data/README &&
		git add data && git commit -q -m fixtures &&
		sqlite3 app.db "$schema"
	)
'

test_expect_success 'loaddata loads every table in foreign-key order and prints the counts' '
	(cd repo && git migrate loaddata >../out 2>../err) &&
	printf "contacts\t2\ndeals\t2\n" >expect &&
	test_cmp expect out &&
	test_grep "loaded 4 rows into 2 tables of sqlite:///app.db (and ran the SQL files)" err &&
	sqlite3 repo/app.db "SELECT id, quote(name), email FROM contacts ORDER BY id" >actual &&
	printf "1|NULL|a,b@x.com\n2|'\'''\''|two\r\nlines\n" >expect &&
	test_cmp expect actual &&
	sqlite3 repo/app.db "SELECT id, title, quote(amount), active FROM deals ORDER BY id" >actual &&
	printf "1|Big, \"quoted\" deal|10.5|1\n2|naïve café!|NULL|0\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a row that breaks a constraint names the file, the row and the table; nothing is loaded' '
	(cd repo && test_expect_code 2 git migrate loaddata >../out 2>../err) &&
	test_grep "^fatal: data/contacts.csv:2: table '\''contacts'\'': UNIQUE constraint failed: contacts.id" err &&
	test "$(sqlite3 repo/app.db "SELECT count(*) FROM contacts")" = 2 &&
	test "$(sqlite3 repo/app.db "SELECT count(*) FROM deals")" = 2
'

test_expect_success 'a table missing from the database is refused by name; nothing is loaded' '
	rm repo/app.db &&
	sqlite3 repo/app.db "CREATE TABLE contacts (id integer PRIMARY KEY, email text, name text);" &&
	(cd repo && test_expect_code 2 git migrate loaddata >../out 2>../err) &&
	test_grep "^fatal: data/a-deals.yml:1:1: table '\''deals'\'' does not exist in the database" err &&
	test "$(sqlite3 repo/app.db "SELECT count(*) FROM contacts")" = 0 &&
	test_grep -v . out
'

test_expect_success 'an unknown column is named with file:line:col and the closest name' '
	rm repo/app.db && sqlite3 repo/app.db "$schema" &&
	mkdir -p repo/bad &&
	printf "id,emial\n1,x\n" >repo/bad/contacts.csv &&
	(cd repo && test_expect_code 2 git migrate loaddata bad >../out 2>../err) &&
	test_grep "^fatal: bad/contacts.csv:1:4: table '\''contacts'\'' has no column '\''emial'\''" err &&
	test_grep "^hint: did you mean '\''email'\''?" err
'

test_expect_success 'malformed CSV is named with file:line:col' '
	printf "id,email\n1,\"open\n" >repo/bad/contacts.csv &&
	(cd repo && test_expect_code 2 git migrate loaddata bad >../out 2>../err) &&
	test_grep "^fatal: bad/contacts.csv:2:3: unterminated quoted field" err
'

test_expect_success 'loaddata --rev reads the fixtures from git, not the worktree' '
	rm repo/app.db && sqlite3 repo/app.db "$schema" &&
	printf "id,email,name\n1,changed,\n" >repo/data/contacts.csv &&
	(cd repo && git migrate loaddata --rev HEAD >../out 2>../err) &&
	test "$(sqlite3 repo/app.db "SELECT email FROM contacts WHERE id = 1")" = "a,b@x.com" &&
	(cd repo && git checkout -q data/contacts.csv)
'

test_expect_success 'the target comes from GIT_MIGRATE_DATABASE_URL; a missing SQLite file is not created' '
	(cd repo && GIT_MIGRATE_DATABASE_URL=sqlite:///other.db test_expect_code 2 git migrate loaddata >../out 2>../err) &&
	test_grep "^fatal: database '\''sqlite:///other.db'\'' does not exist" err &&
	test_path_is_missing repo/other.db &&
	sqlite3 repo/other.db "$schema" &&
	(cd repo && GIT_MIGRATE_DATABASE_URL=sqlite:///other.db git migrate loaddata >../out 2>../err) &&
	test "$(sqlite3 repo/other.db "SELECT count(*) FROM deals")" = 2
'

test_expect_success 'no fixtures directory: nothing to load; an explicit one must exist' '
	(cd repo && git migrate loaddata nothing-here >../out 2>../err; echo $? >../rc) &&
	test "$(cat rc)" = 2 &&
	test_grep "^error: fixtures directory '\''nothing-here'\'' does not exist" err &&
	git init -q empty && sqlite3 empty/app.db "$schema" &&
	(cd empty && git migrate loaddata >../out 2>../err) &&
	test_grep "nothing to load: no fixtures directory '\''data'\''" err
'

test_expect_success 'usage: -h and a bad argument' '
	(cd repo && git migrate loaddata -h >../out) &&
	test_grep "^usage: git migrate loaddata" out &&
	(cd repo && test_expect_code 2 git migrate loaddata a b 2>../err) &&
	test_grep "^error: unexpected argument '\''b'\''" err
'

if test -z "$GIT_MIGRATE_TEST_PG"; then
	test_skip 'loaddata into PostgreSQL with COPY' 'GIT_MIGRATE_TEST_PG is not set; run under ./with-pg.sh'
	test_skip 'COPY keeps tabs, backslashes, newlines and a literal \\N' 'GIT_MIGRATE_TEST_PG is not set'
	test_skip 'a COPY error names the fixture file and row' 'GIT_MIGRATE_TEST_PG is not set'
else
	pgdb=gm_loaddata_$$
	pgurl=$(echo "$GIT_MIGRATE_TEST_PG" | sed "s|/[^/]*\$|/$pgdb|")
	. "$TEST_DIR/lib-pg.sh"

	test_expect_success 'loaddata into PostgreSQL with COPY' '
		pg_psql -c "DROP DATABASE IF EXISTS $pgdb" -c "CREATE DATABASE $pgdb" &&
		psql -X -q -v ON_ERROR_STOP=1 "$pgurl" -c "$schema" &&
		(cd repo && GIT_MIGRATE_DATABASE_URL=$pgurl git migrate loaddata >../out 2>../err) &&
		printf "contacts\t2\ndeals\t2\n" >expect &&
		test_cmp expect out &&
		psql -X -At "$pgurl" -c "SELECT id, coalesce(name, '\''<null>'\''), email FROM contacts ORDER BY id" >actual &&
		printf "1|<null>|a,b@x.com\n2||two\r\nlines\n" >expect &&
		test_cmp expect actual &&
		psql -X -At "$pgurl" -c "SELECT id, title, coalesce(amount::text, '\''<null>'\''), active FROM deals ORDER BY id" >actual &&
		printf "1|Big, \"quoted\" deal|10.50|t\n2|naïve café!|<null>|f\n" >expect &&
		test_cmp expect actual
	'

	test_expect_success 'COPY keeps tabs, backslashes, newlines and a literal \\N' '
		mkdir -p repo/pgesc &&
		printf "id,email,name\n1,\"a\tb\\\\c\nd\",\\\\N\n" >repo/pgesc/contacts.csv &&
		psql -X -q "$pgurl" -c "TRUNCATE deals, contacts" &&
		(cd repo && GIT_MIGRATE_DATABASE_URL=$pgurl git migrate loaddata pgesc >../out 2>../err) &&
		test "$(psql -X -At "$pgurl" -c "SELECT email = E'\''a\tb\\\\c\nd'\'' AND name = E'\''\\\\N'\'' FROM contacts")" = t
	'

	test_expect_success 'a COPY error names the fixture file and row' '
		mkdir -p repo/pgbad &&
		printf "id,email\n10,a\n11,b\nx12,c\n" >repo/pgbad/contacts.csv &&
		printf "deals:\n  - {id: 5, title: t, contact_id: 10}\n  - {id: 6, title: u, contact_id: 99}\n" >repo/pgbad/deals.yml &&
		(cd repo && GIT_MIGRATE_DATABASE_URL=$pgurl test_expect_code 2 git migrate loaddata pgbad >../out 2>../err) &&
		test_grep "^fatal: pgbad/contacts.csv:4: table '\''contacts'\'': column '\''id'\'': invalid input syntax for type integer" err &&
		printf "id,email\n10,a\n11,b\n" >repo/pgbad/contacts.csv &&
		(cd repo && GIT_MIGRATE_DATABASE_URL=$pgurl test_expect_code 2 git migrate loaddata pgbad >../out 2>../err) &&
		test_grep "^fatal: pgbad/deals.yml.*table '\''deals'\''.*foreign key.*(contact_id)=(99)" err &&
		test "$(psql -X -At "$pgurl" -c "SELECT count(*) FROM contacts")" = 1 &&
		pg_psql -c "DROP DATABASE $pgdb"
	'
fi

test_done
