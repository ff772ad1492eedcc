#!/bin/sh
test_description='prepare (SQLite and PostgreSQL): a rename-like change is asked about or refused, never drop + add in silence'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"
. "$TEST_DIR/lib-fixture-case.sh"

cat >base.yml <<'YAML'
tables:
  users:
    columns:
      id:       {type: integer, primary_key: true}
      fullname: text
  tags:
    columns:
      id:    {type: integer, primary_key: true}
      label: varchar(40)
YAML
# fixtures: 2 users (both with a fullname), 3 tags
cat >rows.yml <<'YAML'
users:
  - {id: 1, fullname: Ann}
  - {id: 2, fullname: Bob}
tags:
  - {id: 1, label: red}
  - {id: 2, label: blue}
  - {id: 3, label: green}
YAML
sed "s/^      fullname: text/      display_name: text/" base.yml >col.yml
sed "s/^      fullname: text/      display_name: {type: text, was: fullname}/" base.yml >colwas.yml
sed "s/^  tags:/  labels:/" base.yml >tab.yml
sed "s/^  tags:/  labels:\n    was: tags/" base.yml >tabwas.yml

# nothing_written <dir>: only the base revision, and no scratch database left.
nothing_written() {
	test $(ls "$1"/migrations/versions | wc -l) = 1 &&
	test_no_scratch_left
}

# deploy_and_check <dir> <table> <column> <old table> <old column>: on the case database,
# the base revision, the fixtures, then the new revision: <table>.<column> holds the rows;
# downgrade: <old table>.<old column> holds them again.
deploy_and_check() {
	(
		cd "$1" && fixture_case_deploy &&
		db_sql "SELECT $3 FROM $2 ORDER BY id" | paste -sd " " - >../got.up &&
		git migrate -q downgrade -1 &&
		db_sql "SELECT $5 FROM $4 ORDER BY id" | paste -sd " " - >../got.down &&
		! db_sql "SELECT $3 FROM $2" 2>/dev/null
	)
}

test_expect_success 'setup' '
	fixture_case_setup col base.yml rows.yml && fixture_case_setup tab base.yml rows.yml &&
	fixture_case_setup colwas base.yml rows.yml && fixture_case_setup tabwas base.yml rows.yml &&
	fixture_case_setup allow base.yml rows.yml && fixture_case_setup allowtab base.yml rows.yml
'

test_expect_success 'a column renamed in the models, not on a terminal: exit 1, both ways out, nothing written' '
	cp col.yml col/models/app.yml &&
	(cd col && test_expect_code 1 git migrate prepare </dev/null >../out 2>../err) &&
	test_grep "^error: users.fullname is dropped, but 2 rows hold a value, and users.display_name (text) is added: a rename? refusing to drop the data" err &&
	test_grep "a rename: .was: fullname. on column display_name of table users (YAML models), or .display_name text -- git-migrate: was fullname. (SQL models)" err &&
	test_grep "a loss:   git migrate prepare --allow-drop users.fullname" err &&
	test_grep "^hint: a rename hint keeps the rows" err &&
	test_must_be_empty out &&
	nothing_written col
'

test_expect_success 'a table renamed in the models: exit 1, both ways out, nothing written' '
	cp tab.yml tab/models/app.yml &&
	(cd tab && test_expect_code 1 git migrate prepare --dry-run </dev/null >../out 2>../err) &&
	test_grep "^error: table tags is dropped, but it holds 3 rows, and table labels with the same columns is added: a rename?" err &&
	test_grep "a rename: .was: tags. on table labels (YAML models), or .CREATE TABLE labels ( -- git-migrate: was tags. (SQL models)" err &&
	test_grep "a loss:   git migrate prepare --allow-drop tags" err &&
	nothing_written tab
'

test_expect_success 'both at once: the message names the first, the detail both' '
	sed "s/^  tags:/  labels:/" col.yml >col/models/app.yml &&
	(cd col && test_expect_code 1 git migrate prepare </dev/null >../out 2>../err) &&
	test_grep "users.display_name (text) is added: a rename? refusing to drop the data (more like it below)$" err &&
	test_grep "table tags is dropped, but it holds 3 rows, and table labels" err &&
	test_grep "allow-drop users.fullname" err && test_grep "allow-drop tags" err &&
	nothing_written col
'

test_expect_success 'a was: hint naming another column does not make the drop silent' '
	sed "s/^      fullname: text/      display_name: {type: text, was: nosuch}/" base.yml >col/models/app.yml &&
	(cd col && test_expect_code 1 git migrate prepare </dev/null >../out 2>../err) &&
	test_grep "^error: users.fullname is dropped, but 2 rows hold a value, and users.display_name (text) is added" err &&
	nothing_written col
'

test_expect_success 'an incompatible type, or no rows holding a value, is a plain drop + add' '
	sed "s/^      fullname: text/      display_name: boolean/" base.yml >col/models/app.yml &&
	(cd col && git migrate prepare --dry-run </dev/null >../out 2>../err) &&
	test_grep "warning: drops column users.fullname holding data in 2 rows" err &&
	test_grep "down: re-adds column users.fullname empty (its values in 2 rows are not restored)" err
'

test_expect_success '--allow-drop users.fullname confirms the loss: written, with the warning' '
	cp col.yml allow/models/app.yml &&
	(cd allow && git migrate prepare --allow-drop users.fullname </dev/null >../path 2>../err) &&
	test_grep "warning: drops column users.fullname holding data in 2 rows" err &&
	test_grep "down: re-adds column users.fullname empty (its values in 2 rows are not restored)" err &&
	test_grep "ADD COLUMN display_name" allow/$(cat path) &&
	test_grep -v "RENAME" allow/$(cat path)
'

test_expect_success '--allow-drop tags (a table): written, with the warning' '
	cp tab.yml allowtab/models/app.yml &&
	(cd allowtab && git migrate prepare --allow-drop tags --allow-drop users.x </dev/null >../path 2>../err) &&
	test_grep "warning: drops table tags holding data in 3 rows" err &&
	test_grep "down: re-creates table tags empty (its 3 rows are not restored)" err &&
	test_grep "DROP TABLE tags;" allowtab/$(cat path)
'

test_expect_success 'YAML was: on the column: RENAME COLUMN; upgrade keeps the rows, downgrade renames back' '
	cp colwas.yml colwas/models/app.yml &&
	(cd colwas && git migrate prepare </dev/null >../path 2>../err) &&
	rev=colwas/$(cat path) &&
	test "$(section $rev up | grep -c "RENAME COLUMN fullname TO display_name")" = 1 &&
	test "$(section $rev down | grep -c "RENAME COLUMN display_name TO fullname")" = 1 &&
	test_grep "rename column users.fullname to display_name" err &&
	deploy_and_check colwas users display_name users fullname &&
	echo "Ann Bob" >expect &&
	test_cmp expect got.up && test_cmp expect got.down &&
	test "$(cd colwas && catalog_columns users)" = "id:1 fullname:0"
'

test_expect_success 'YAML was: on the table: RENAME TO; upgrade keeps the rows, downgrade renames back' '
	cp tabwas.yml tabwas/models/app.yml &&
	(cd tabwas && git migrate prepare </dev/null >../path 2>../err) &&
	rev=tabwas/$(cat path) &&
	section $rev up | grep "ALTER TABLE tags RENAME TO labels;" &&
	section $rev down | grep "ALTER TABLE labels RENAME TO tags;" &&
	deploy_and_check tabwas labels label tags label &&
	echo "red blue green" >expect &&
	test_cmp expect got.up && test_cmp expect got.down
'

if command -v script >/dev/null 2>&1; then
test_expect_success 'on a terminal: the question, answered y, writes RENAME COLUMN' '
	fixture_case_setup tty base.yml rows.yml &&
	cp col.yml tty/models/app.yml &&
	(cd tty && echo y | script -qec "git migrate prepare" /dev/null >../tty.out) &&
	test_grep "Did you rename users.fullname to users.display_name? \[y/N\]" tty.out &&
	rev=$(ls tty/migrations/versions/*.sql | grep -v _base) &&
	section $rev up | grep "RENAME COLUMN fullname TO display_name" &&
	section $rev down | grep "RENAME COLUMN display_name TO fullname" &&
	deploy_and_check tty users display_name users fullname &&
	echo "Ann Bob" >expect && test_cmp expect got.up && test_cmp expect got.down
'

test_expect_success 'on a terminal: a table, answered y, writes RENAME TO' '
	fixture_case_setup ttytab base.yml rows.yml &&
	cp tab.yml ttytab/models/app.yml &&
	(cd ttytab && echo yes | script -qec "git migrate prepare" /dev/null >../tty.out) &&
	test_grep "Did you rename table tags to labels? \[y/N\]" tty.out &&
	test_grep "ALTER TABLE tags RENAME TO labels;" ttytab/migrations/versions/*.sql
'

test_expect_success 'on a terminal: answered N (or just Enter), as without one: exit 1, nothing written' '
	(cd col && cp ../col.yml models/app.yml &&
	 echo n | test_expect_code 1 script -qec "git migrate prepare" /dev/null >../tty.out) &&
	test_grep "Did you rename users.fullname to users.display_name? \[y/N\]" tty.out &&
	test_grep "refusing to drop the data" tty.out &&
	nothing_written col &&
	(cd col && echo | test_expect_code 1 script -qec "git migrate prepare" /dev/null >../tty.out) &&
	test_grep "a loss:   git migrate prepare --allow-drop users.fullname" tty.out &&
	nothing_written col
'

test_expect_success 'on a terminal with --allow-drop: no question' '
	(cd col && script -qec "git migrate prepare --dry-run --allow-drop users.fullname" /dev/null </dev/null >../tty.out) &&
	test_grep -v "Did you rename" tty.out &&
	test_grep "drops column users.fullname" tty.out
'
else
test_skip 'on a terminal: the question' 'no script(1)'
fi

test_done
