#!/bin/sh
test_description='prepare with fixtures: every new revision is tested on production-like rows'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

cat >base.yml <<'YAML'
enums:
  dealcurrency: [USD, EUR, AED]
tables:
  contacts:
    columns:
      id:    {type: integer, primary_key: true}
      email: {type: varchar(200), null: false, unique: true}
  deals:
    columns:
      id:         {type: integer, primary_key: true}
      title:      {type: varchar(120), null: false}
      currency:   {type: dealcurrency, null: false, default: USD}
      contact_id: {type: integer, references: contacts(id)}
      notes:      text
YAML

# Fixtures live on production (read from git objects, not the worktree): deals in YAML
# (they reference contacts), contacts in CSV with an embedded comma, quote and newline.
test_expect_success 'setup: production with models, base revision and fixtures' '
	prepare_case_setup repo base.yml &&
	(
		cd repo &&
		git switch -q production &&
		mkdir data &&
		cat >data/a_deals.yml <<-YAML &&
		deals:
		  - {id: 1, title: "first, \"quoted\"", currency: USD, contact_id: 1, notes: ~}
		  - {id: 2, title: second, currency: AED, contact_id: 2, notes: "ünïcode"}
		  - {id: 3, title: third, currency: AED, contact_id: 2}
		YAML
		printf "id,email\n1,\"a,b@example.com\"\n2,\"multi\nline@example.com\"\n" >data/contacts.csv &&
		git add -A && git commit -q -m fixtures &&
		git switch -q work && git merge -q production
	)
'

expect_nothing_written() {
	test $(ls repo/migrations/versions | wc -l) = 1 &&
	test_no_scratch_left
}

test_expect_success 'a safe change passes, and says how many fixture rows it was tested on' '
	sed "s/^      notes:      text/&\n      stage:      varchar(20)/" base.yml >repo/models/app.yml &&
	(cd repo && git migrate prepare --dry-run >../out 2>../err) &&
	test_grep "dry run" err &&
	(cd repo && git migrate prepare >../path 2>../err) &&
	test_grep "with 1 revision replayed and 5 fixture rows" err &&
	rm repo/$(cat path)
'

test_expect_success 'the rows survive up, down and up again, content included' '
	sed "s/\[USD, EUR, AED\]/[USD, EUR, AED, BTC]/; s/^      notes:      text/&\n      stage:      varchar(20)/" base.yml >repo/models/app.yml &&
	(
		cd repo &&
		git migrate prepare >../path 2>../err &&
		rev=$(cat ../path) &&
		db_create &&
		db_apply migrations/versions/*_base.sql up &&
		if test_if_postgres; then
			printf "database: \"%s\"\n" "$(pg_url "$(case_db)")" >../loaddata.yml
		else
			printf "database: sqlite:///db.sqlite\n" >../loaddata.yml
		fi &&
		git migrate --config ../loaddata.yml loaddata >../loaded &&
		q="SELECT id, title, currency, contact_id, notes FROM deals ORDER BY id" &&
		db_sql "$q; SELECT * FROM contacts ORDER BY id" >../rows.before &&
		test $(wc -l <../rows.before) -ge 5 &&
		db_apply "$rev" up &&
		db_apply "$rev" down &&
		db_apply "$rev" up &&
		db_sql "$q; SELECT * FROM contacts ORDER BY id" >../rows.after &&
		rm "$rev"
	) &&
	test_cmp rows.before rows.after &&
	if test_if_sqlite; then
		test_grep "table rebuild of deals (3 rows copied)" err
	fi
'

test_expect_success 'a NOT NULL column without default: exit 1, names table, column and rows' '
	sed "s/^      notes:      text/&\n      stage:      {type: varchar(20), null: false}/" base.yml >repo/models/app.yml &&
	(cd repo && test_expect_code 1 git migrate prepare >../out 2>../err) &&
	test_grep "deals.stage is added NOT NULL without a default, but deals holds 3 rows" err &&
	test_grep "hint: give the column a default" err &&
	expect_nothing_written
'

test_expect_success '--no-fixtures skips them (the same change then passes)' '
	(cd repo && git migrate prepare --no-fixtures --dry-run >../out 2>../err) &&
	test_grep "dry run" err
'

test_expect_success 'removing an enum label that fixture rows use: label, column, count' '
	sed "s/\[USD, EUR, AED\]/[USD, EUR]/" base.yml >repo/models/app.yml &&
	(cd repo && test_expect_code 1 git migrate prepare >../out 2>../err) &&
	test_grep "deals.currency: removed label is still held by rows: .AED. (2 rows)" err &&
	expect_nothing_written
'

test_expect_success 'a fixture naming an unknown column: exit 2, file and name' '
	cp base.yml repo/models/app.yml &&
	(
		cd repo && git switch -q production &&
		printf "deals:\n  - {id: 9, titel: x}\n" >data/b_bad.yml &&
		git add -A && git commit -q -m "bad fixture" &&
		git switch -q work && git merge -q production &&
		sed "s/^      notes:      text/&\n      stage:      varchar(20)/" ../base.yml >models/app.yml &&
		test_expect_code 2 git migrate prepare >../out 2>../err
	) &&
	test_grep "data/b_bad.yml:2:[0-9]*: .*titel" err &&
	test_grep "hint: .*title" err &&
	expect_nothing_written
'

test_expect_success 'a fixture row that breaks a constraint: exit 2, file and row' '
	(
		cd repo && git switch -q production &&
		printf "deals:\n  - {id: 9, title: ~}\n" >data/b_bad.yml &&
		git add -A && git commit -q -m "null title" &&
		git switch -q work && git merge -q production &&
		test_expect_code 2 git migrate prepare >../out 2>../err
	) &&
	test_grep "data/b_bad.yml:2:.*deals" err &&
	test_grep -i "not.null" err &&
	expect_nothing_written
'

test_done
