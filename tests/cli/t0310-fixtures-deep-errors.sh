#!/bin/sh
test_description='a broken fixture row deep in a big file is named by file:line; nothing is loaded'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

# SQLite checks foreign keys itself, a batch of rows at a time (foreign keys are off in
# the load's transaction); PostgreSQL at the end of each COPY. Either way the first broken
# row must be named by its file and line, also thousands of rows into a file, and a
# failed load must leave nothing behind.

# contacts (lib-prepare.sh), and deals that reference them twice, once deferred.
{
	contacts_models
	cat <<'YAML'
  deals:
    columns:
      id: {type: integer, primary_key: true}
      contact_id: {type: integer, references: contacts(id)}
      owner_id: {type: integer, references: contacts(id), deferrable: initially_deferred}
      title: {type: varchar(120), null: false}
YAML
} >base.yml

# contacts.csv <n>: contacts 1..n.
contacts_csv() {
	awk -v n="$1" 'BEGIN { print "id,email"; for (i = 1; i <= n; i++) printf "%d,c%d@example.com\n", i, i }'
}

# deals.csv <n> <bad> [shuffle [<bad owner>]]: n deals; row <bad> (file line bad+1)
# references contact 999, which does not exist; row <bad owner> has owner 999 (a deferred
# key). With shuffle (1) the ids are spread over 1..7n in no order.
deals_csv() {
	awk -v n="$1" -v bad="$2" -v shuffle="$3" -v bad_owner="$4" 'BEGIN {
		print "id,title,contact_id,owner_id"
		for (i = 1; i <= n; i++) {
			id = shuffle ? (i * 7919) % (7 * n) + 1 : i
			printf "%d,deal %d,%s,%d\n", id, i, i == bad ? 999 : (i % 100) + 1,
				i == bad_owner ? 999 : (i % 7) + 1
		}
	}'
}

# expect_row_named <file> <line> [<column>]: the row named, on either dialect:
# "<file>:<line>: [loading fixtures: ]table 'deals': ... (<column>)=(999) is not present in
# table ..." (column: contact_id).
expect_row_named() {
	test_grep "^fatal: $1:$2: .*table 'deals': .*(${3:-contact_id})=(999) is not present in table" err
}

test_expect_success 'setup: production with models, base revision and fixtures' '
	prepare_case_setup repo base.yml &&
	(
		cd repo &&
		git switch -q production &&
		mkdir data &&
		contacts_csv 100 >data/contacts.csv &&
		deals_csv 3000 0 >data/deals.csv &&
		git add -A && git commit -q -m fixtures &&
		git switch -q work && git merge -q production &&
		db_create &&
		db_apply migrations/versions/*_base.sql up &&
		url=sqlite:///db.sqlite &&
		{ test_if_sqlite || url=$(pg_url "$(case_db)"); } &&
		printf "database: \"%s\"\n" "$url" >../target.yml
	)
'

test_expect_success 'the good fixtures load: 3,100 rows, foreign keys intact' '
	(cd repo && git migrate --config ../target.yml loaddata >../out 2>../err) &&
	printf "contacts\t100\ndeals\t3000\n" >expect &&
	test_cmp expect out &&
	test "$(db_query repo "SELECT count(*) FROM deals d JOIN contacts c ON c.id = d.contact_id")" = 3000 &&
	db_query repo "DELETE FROM deals; DELETE FROM contacts"
'

test_expect_success 'loaddata: row 2500 of 3000 with a missing parent is named; nothing is loaded' '
	deals_csv 3000 2500 >repo/data/deals.csv &&
	(cd repo && test_expect_code 2 git migrate --config ../target.yml loaddata >../out 2>../err) &&
	expect_row_named data/deals.csv 2501 &&
	test_must_be_empty out &&
	test "$(db_query repo "SELECT count(*) FROM contacts")" = 0 &&
	test "$(db_query repo "SELECT count(*) FROM deals")" = 0
'

test_expect_success 'the first broken row is named, not a later one' '
	deals_csv 3000 2500 | awk -F, "NR == 2800 { \$3 = 998 } { print }" OFS=, >repo/data/deals.csv &&
	(cd repo && test_expect_code 2 git migrate --config ../target.yml loaddata >../out 2>../err) &&
	expect_row_named data/deals.csv 2501 &&
	test "$(db_query repo "SELECT count(*) FROM deals")" = 0
'

test_expect_success 'a broken key comes before a malformed row further down' '
	{ deals_csv 3000 2500 && echo "3001,too,many,fields,here"; } >repo/data/deals.csv &&
	(cd repo && test_expect_code 2 git migrate --config ../target.yml loaddata >../out 2>../err) &&
	expect_row_named data/deals.csv 2501 &&
	deals_csv 3000 0 >repo/data/deals.csv &&
	echo "3001,too,many,fields,here" >>repo/data/deals.csv &&
	(cd repo && test_expect_code 2 git migrate --config ../target.yml loaddata >../out 2>../err) &&
	test_grep "data/deals.csv:3002: expected 4 fields (as in the header), found 5" err &&
	test "$(db_query repo "SELECT count(*) FROM deals")" = 0
'

test_expect_success 'ids in no order: the broken row is still named by its line' '
	deals_csv 3000 2500 shuffle >repo/data/deals.csv &&
	(cd repo && test_expect_code 2 git migrate --config ../target.yml loaddata >../out 2>../err) &&
	expect_row_named data/deals.csv 2501 &&
	deals_csv 3000 0 shuffle >repo/data/deals.csv &&
	(cd repo && git migrate --config ../target.yml loaddata >../out 2>../err) &&
	test "$(db_query repo "SELECT count(*) FROM deals WHERE contact_id IS NOT NULL")" = 3000 &&
	db_query repo "DELETE FROM deals; DELETE FROM contacts" &&
	git -C repo checkout -q data
'

test_expect_success 'a deferred foreign key (checked at commit on PostgreSQL) is named by its line' '
	deals_csv 3000 0 0 2700 >repo/data/deals.csv &&
	(cd repo && test_expect_code 2 git migrate --config ../target.yml loaddata >../out 2>../err) &&
	expect_row_named data/deals.csv 2701 owner_id &&
	test "$(db_query repo "SELECT count(*) FROM deals")" = 0 &&
	git -C repo checkout -q data
'

test_expect_success 'a YAML file: the broken row among 3,000 is named by its line' '
	(
		cd repo &&
		git rm -q data/deals.csv &&
		awk "BEGIN { print \"deals:\"; for (i = 1; i <= 3000; i++)
			printf \"  - {id: %d, title: t%d, contact_id: %d}\n\", i, i, i == 1200 ? 999 : i % 100 + 1 }" \
			>data/deals.yml &&
		test_expect_code 2 git migrate --config ../target.yml loaddata >../out 2>../err
	) &&
	expect_row_named data/deals.yml 1201 &&
	test "$(db_query repo "SELECT count(*) FROM contacts")" = 0 &&
	rm repo/data/deals.yml &&
	git -C repo reset -q --hard
'

test_expect_success 'prepare: the fixtures from production, the broken row named; nothing written' '
	(
		cd repo && git switch -q production &&
		deals_csv 3000 2500 >data/deals.csv &&
		git commit -q -a -m "a deal without its contact" &&
		git switch -q work && git merge -q production &&
		with_columns ../base.yml "stage: varchar(20)" >models/app.yml &&
		test_expect_code 2 git migrate prepare >../out 2>../err
	) &&
	expect_row_named data/deals.csv 2501 &&
	test $(ls repo/migrations/versions | wc -l) = 1 &&
	test_no_scratch_left
'

test_expect_success 'prepare: with the row fixed, the revision is written, tested on 3,100 rows' '
	(
		cd repo && git switch -q production &&
		deals_csv 3000 0 >data/deals.csv &&
		git commit -q -a -m "the contact fixed" &&
		git switch -q work && git merge -q production &&
		git migrate prepare >../path 2>../err
	) &&
	test_grep "3100 fixture rows" err &&
	test $(ls repo/migrations/versions | wc -l) = 2
'

test_done
