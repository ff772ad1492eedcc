#!/bin/sh
test_description='prepare: a revision that the rows in the database break is explained, nothing written'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

# Production: the base revision (written by prepare) and a data revision with rows.
cat >base.yml <<'YAML'
enums:
  dealcurrency: [USD, EUR, AED]
tables:
  deals:
    columns:
      id:       {type: integer, primary_key: true}
      title:    {type: varchar(120), null: false}
      currency: {type: dealcurrency, null: false, default: USD}
      notes:    text
YAML

test_expect_success 'setup: production holds rows through a data revision' '
	prepare_case_setup repo base.yml &&
	(
		cd repo &&
		git switch -q production &&
		base=$(revision_id migrations/versions/*_base.sql) &&
		write_revision migrations/versions d0a7a0000001 "$base" "INSERT INTO deals (id, title, currency, notes) VALUES
  (1, '\''one'\'', '\''USD'\'', NULL), (2, '\''two'\'', '\''AED'\'', '\''n'\''), (3, '\''three'\'', '\''AED'\'', NULL);" "DELETE FROM deals;" &&
		git add -A && git commit -q -m "data" &&
		git switch -q work && git merge -q production
	)
'

expect_nothing_written() {
	test $(ls repo/migrations/versions | wc -l) = 2 &&
	test_no_scratch_left
}

test_expect_success 'a NOT NULL column without default on a table with rows: exit 1, rows counted' '
	sed "s/^      notes:    text/&\n      stage:    {type: varchar(20), null: false}/" base.yml >repo/models/app.yml &&
	(cd repo && test_expect_code 1 git migrate prepare >../out 2>../err) &&
	test_grep "error: the new revision.s up section fails on the rows" err &&
	test_grep "deals.stage is added NOT NULL without a default, but deals holds 3 rows" err &&
	test_grep "hint: give the column a default" err &&
	expect_nothing_written
'

test_expect_success 'an enum label removed that rows hold: the label, the column and the count' '
	sed "s/\[USD, EUR, AED\]/[USD, EUR]/" base.yml >repo/models/app.yml &&
	(cd repo && test_expect_code 1 git migrate prepare >../out 2>../err) &&
	test_grep "deals.currency: removed label is still held by rows: .AED. (2 rows)" err &&
	test_grep "hint: add an UPDATE to the up section" err &&
	expect_nothing_written
'

test_expect_success 'a column becoming NOT NULL while rows hold NULL' '
	sed "s/^      notes:    text/      notes:    {type: text, null: false, default: x}/" base.yml >repo/models/app.yml &&
	(cd repo && test_expect_code 1 git migrate prepare >../out 2>../err) &&
	test_grep "deals.notes becomes NOT NULL, but 2 rows hold NULL" err &&
	expect_nothing_written
'

test_expect_success 'warnings count the rows: rebuilds and drops' '
	sed "/^      notes:/d; s/\[USD, EUR, AED\]/[USD, EUR, AED, BTC]/" base.yml >repo/models/app.yml &&
	(cd repo && git migrate prepare >../out 2>../err) &&
	if test_if_sqlite; then
		test_grep "warning: table rebuild of deals (3 rows copied)" err
	fi &&
	test_grep "warning: drops column deals.notes holding data in 1 row" err
'

test_done
