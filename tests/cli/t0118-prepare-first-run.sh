#!/bin/sh
test_description='a new project: the first revision with fixtures, one-line messages, transactions in sections, honest counts'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

cat >app.yml <<'YAML'
tables:
  contacts:
    columns:
      id:    {type: integer, primary_key: true}
      email: {type: varchar(200), null: false, unique: true}
  deals:
    columns:
      id:         {type: integer, primary_key: true}
      contact_id: {type: integer, references: contacts(id)}
YAML

# Production holds the models and fixtures (YAML and SQL) but no revision yet.
test_expect_success 'setup: production with models and fixtures, no revision' '
	mkdir repo && (
		cd repo &&
		git init -q -b production &&
		gm_write_config "[models/*.yml]" &&
		mkdir models data && cp ../app.yml models/app.yml &&
		printf "contacts:\n  - {id: 1, email: a@x}\n  - {id: 2, email: b@x}\n" >data/contacts.yml &&
		printf "INSERT INTO contacts (id, email) VALUES (3, %s);\nINSERT INTO deals (id, contact_id) VALUES (1, 3);\n" "'"'"'c@x'"'"'" >data/more.sql &&
		git add -A && git commit -q -m "models and fixtures"
	)
'

test_expect_success 'the first prepare of a project with fixtures writes the base revision' '
	(cd repo && git migrate prepare -m base >../path 2>../err) &&
	test_path_is_file "repo/$(cat path)" &&
	test_grep "chained onto nothing: it is the base" err &&
	test_grep "note: the fixtures were loaded after the up section" err &&
	! test_grep -q "fatal" err &&
	test_no_scratch_left
'

test_expect_success 'rows added by SQL fixture files are counted (2 YAML + 2 SQL)' '
	test_grep "with 0 revisions replayed and 4 fixture rows" err
'

test_expect_success 'the next revision is tested on the rows, with the same count' '
	(
		cd repo &&
		git add -A && git commit -q -m base &&
		git switch -q -c work &&
		sed "s/^      contact_id: .*/&\n      note:       text/" ../app.yml >models/app.yml &&
		git migrate prepare -m "deal notes" >../path2 2>../err
	) &&
	test_grep "with 1 revision replayed and 4 fixture rows" err &&
	! test_grep -q "note: the fixtures" err &&
	rm "repo/$(cat path2)"
'

test_expect_success 'a data-losing drop counts the rows SQL fixtures added' '
	(
		cd repo &&
		printf "tables:\n  contacts:\n    columns:\n      id: {type: integer, primary_key: true}\n      email: {type: varchar(200), null: false, unique: true}\n" >models/app.yml &&
		git migrate prepare --dry-run >../out 2>../err
	) &&
	test_grep "warning: drops table deals holding data in 1 row" err &&
	cp app.yml repo/models/app.yml
'

# -m is one line in the header: a newline can never start a header key or a section.
test_expect_success 'a multi-line -m cannot forge the header or a section' '
	(
		cd repo &&
		sed "s/^      contact_id: .*/&\n      note:       text/" ../app.yml >models/app.yml &&
		git migrate prepare -m "$(printf "x\n-- +migrate down\nDROP TABLE contacts;\n-- revision: 000000000000")" >../path3 2>../err
	) &&
	f="repo/$(cat path3)" &&
	test_path_is_file "$f" &&
	test_grep "^-- message: x -- +migrate down DROP TABLE contacts; -- revision: 000000000000\$" "$f" &&
	test $(grep -c "^-- +migrate down" "$f") = 1 &&
	test $(grep -c "^-- revision:" "$f") = 1 &&
	! test_grep -q "^DROP TABLE contacts" "$f" &&
	test_grep "ALTER TABLE deals DROP COLUMN note" "$f" &&
	(cd repo && git migrate verify >../out 2>&1) &&
	test_grep "verify: ok" out &&
	rm "$f"
'

test_expect_success 'a message with no letter or digit still names the file' '
	(cd repo && git migrate prepare -m "!!! ..." >../path4 2>../err) &&
	case "$(cat path4)" in
	migrations/versions/[0-9a-f]*_revision.sql) ;;
	*) echo "unexpected name: $(cat path4)"; false ;;
	esac &&
	rm "repo/$(cat path4)" && cp app.yml repo/models/app.yml
'

# Sections must not hold their own transaction control: the applier owns transactions.
test_expect_success 'COMMIT/BEGIN in a section: verify reports it under parse, with file:line and the hint' '
	(
		cd repo &&
		write_revision migrations/versions c0ffee000001 "$(base_id)" \
			"$(printf "CREATE TABLE x (id integer);\nCOMMIT;\nCREATE INDEX x_id ON x (id);\nBEGIN;")" \
			"DROP TABLE x;" &&
		test_expect_code 1 git migrate verify >../out 2>&1
	) &&
	test_grep "c0ffee000001_revision_c0ffee000001.sql:8: \[parse\] .COMMIT. in the up section" out &&
	test_grep "transaction: false" out &&
	(cd repo && test_expect_code 2 git migrate prepare --dry-run >../out 2>../err) &&
	test_grep "fatal: migrations/versions/c0ffee000001_revision_c0ffee000001.sql:8: .COMMIT. in the up section" err &&
	test_grep "in the header runs the statements that cannot run in a transaction" err &&
	test_no_scratch_left
'

test_expect_success 'ROLLBACK, END and START TRANSACTION are refused too; ROLLBACK TO SAVEPOINT is not' '
	(
		cd repo &&
		for stmt in "ROLLBACK;" "END;" "start transaction;" "ABORT;"; do
			write_revision migrations/versions c0ffee000001 "$(base_id)" \
				"$(printf "CREATE TABLE x (id integer);\n%s" "$stmt")" "DROP TABLE x;" &&
			test_expect_code 1 git migrate verify >../out 2>&1 &&
			grep -qi "in the up section" ../out || { echo "not refused: $stmt"; cat ../out; exit 1; }
		done &&
		write_revision migrations/versions c0ffee000001 "$(base_id)" "SELECT 1;" \
			"$(printf "DROP TABLE IF EXISTS x;\nCOMMIT;")" &&
		test_expect_code 1 git migrate verify >../out 2>&1 &&
		grep -q "c0ffee000001.sql:[0-9]*: \[parse\] .COMMIT. in the down section" ../out &&
		write_revision migrations/versions c0ffee000001 "$(base_id)" \
			"$(printf "SAVEPOINT a;\nCREATE TABLE x (id integer);\nROLLBACK TO SAVEPOINT a;\nRELEASE a;")" \
			"SELECT 1;" &&
		git migrate verify >../out 2>&1
	) &&
	test_grep "verify: ok" out &&
	rm repo/migrations/versions/c0ffee000001_*
'

test_expect_success 'BEGIN ... END inside a trigger or a function body is not transaction control' '
	(
		cd repo &&
		if test_if_postgres; then
			body="$(printf "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS \$\$\nBEGIN\n  RETURN NEW;\nEND\n\$\$;")"
		else
			body="$(printf "CREATE TRIGGER tr AFTER INSERT ON contacts BEGIN\n  UPDATE contacts SET email = email WHERE id = NEW.id;\nEND;")"
		fi &&
		write_revision migrations/versions c0ffee000002 "$(base_id)" "$body" "SELECT 1;" &&
		git migrate verify >../out 2>&1
	) &&
	test_grep "verify: ok" out &&
	rm repo/migrations/versions/c0ffee000002_*
'

test_expect_success 'PostgreSQL: a statement that cannot run in a transaction gets the transaction: false hint' '
	if test_if_postgres; then
		(
			cd repo &&
			write_revision migrations/versions c0ffee000003 "$(base_id)" \
				"CREATE INDEX CONCURRENTLY contacts_email_idx ON contacts (email);" \
				"DROP INDEX contacts_email_idx;" &&
			test_expect_code 1 git migrate verify --replay >../out 2>&1
		) &&
		test_grep "CREATE INDEX CONCURRENTLY cannot run inside a transaction block" out &&
		test_grep "transaction: false" out &&
		(
			cd repo &&
			test_expect_code 2 git migrate prepare --dry-run >../out 2>../err
		) &&
		test_grep "hint: add .-- transaction: false. to the revision header" err &&
		(
			cd repo &&
			f=$(ls migrations/versions/c0ffee000003_*) &&
			sed -i "s/^-- message: .*/&\n-- transaction: false/" "$f" &&
			sed "s/^  deals:/    indexes:\n      - {columns: [email]}\n&/" ../app.yml >models/app.yml &&
			grep -q "{columns: \[email\]}" models/app.yml &&
			git migrate verify --replay >../out 2>&1
		) &&
		cp app.yml repo/models/app.yml &&
		test_grep "verify: ok" out &&
		rm repo/migrations/versions/c0ffee000003_* &&
		test_no_scratch_left
	else
		say "SQLite has no statement that refuses a transaction"
	fi
'

# An object the schema model does not cover, in the history and in a SQL model: one line.
# what the schema model does not cover: a virtual table on SQLite, a rule on PostgreSQL
if test_if_sqlite; then
	uncovered_sql="CREATE VIRTUAL TABLE v USING rtree(id, lo, hi);"
	uncovered_drop="DROP TABLE v;"
	uncovered="virtual table v"
else
	uncovered_sql="CREATE RULE v AS ON DELETE TO t DO INSTEAD NOTHING;"
	uncovered_drop="DROP RULE v ON t;"
	uncovered="rule v on t"
fi

test_expect_success 'each not-covered warning is printed once' '
	mkdir views && (
		cd views &&
		git init -q -b production &&
		gm_write_config "[models/schema.sql]" &&
		mkdir models &&
		printf "CREATE TABLE t (id integer PRIMARY KEY, n text);\n%s\n" "$uncovered_sql" >models/schema.sql &&
		git add -A && git commit -q -m models &&
		write_revision migrations/versions a00000000001 "" \
			"$(cat models/schema.sql)" "$uncovered_drop DROP TABLE t;" &&
		git add -A && git commit -q -m base &&
		git migrate diff >../out 2>../err
	) &&
	test $(grep -c "not covered by the schema model.*$uncovered" err) = 1 &&
	test_grep "left alone: $uncovered" err
'

test_expect_success 'prepare -q: the path on stdout, nothing on stderr' '
	(
		cd repo &&
		git switch -q work &&
		sed "s/^      contact_id: .*/&\n      quiet_note: text/" ../app.yml >models/app.yml &&
		git migrate prepare -q -m quiet >../out 2>../err
	) &&
	test_path_is_file "repo/$(cat out)" &&
	test ! -s err &&
	rm "repo/$(cat out)" && cp app.yml repo/models/app.yml
'

test_done
