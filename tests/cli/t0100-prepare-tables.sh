#!/bin/sh
test_description='prepare (SQLite and PostgreSQL): add, drop and rename tables'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

contacts_models >base.yml
cat >rows.sql <<'SQL'
INSERT INTO contacts (id, email) VALUES (1, 'a@example.com'), (2, 'b@example.com');
SQL

test_expect_success 'add a table' '
	cp base.yml after.yml &&
	cat >>after.yml <<-YAML &&
	  notes:
	    columns:
	      id:   {type: integer, primary_key: true}
	      body: {type: text, null: false}
	      contact_id: {type: integer, references: contacts(id)}
	YAML
	prepare_case add base.yml after.yml rows.sql &&
	test_grep "add table notes" add/err &&
	test_grep "CREATE TABLE notes" add/migrations/versions/*_add_table_notes.sql &&
	test_grep "no changes" add/diff.out &&
	test_no_scratch_left
'

test_expect_success 'drop a table (data loss is warned about)' '
	cat >two.yml <<-YAML &&
	tables:
	  contacts:
	    columns:
	      id:    {type: integer, primary_key: true}
	      email: {type: varchar(200), null: false}
	  old_stuff:
	    columns:
	      id: {type: integer, primary_key: true}
	YAML
	cp rows.sql rows2.sql &&
	echo "INSERT INTO old_stuff (id) VALUES (7);" >>rows2.sql &&
	DATA_LOSS=1 prepare_case drop two.yml base.yml rows2.sql &&
	test_grep "drop table old_stuff" drop/err &&
	test_grep "warning: drops table old_stuff$" drop/err &&
	test_grep "no changes" drop/diff.out
'

test_expect_success 'rename a table with a was: hint keeps its rows' '
	sed -e "s/^  contacts:/  people:\n    was: contacts/" base.yml >renamed.yml &&
	prepare_case rename base.yml renamed.yml rows.sql &&
	test_grep "rename table contacts to people" rename/err &&
	test_grep "RENAME TO people" rename/migrations/versions/*_rename_*.sql &&
	db_query rename "SELECT email FROM people ORDER BY id" >actual &&
	printf "a@example.com\nb@example.com\n" >expect &&
	test_cmp expect actual
'

test_done
