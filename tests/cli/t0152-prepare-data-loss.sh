#!/bin/sh
test_description='prepare (SQLite and PostgreSQL): data-losing changes are written, with their warnings; the round trip is never blocked by rows that cannot come back'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"
. "$TEST_DIR/lib-fixture-case.sh"

cat >base.yml <<'YAML'
tables:
  users:
    columns:
      id:       {type: integer, primary_key: true}
      fullname: {type: text, null: false}
      nick:     text
  orgs:
    columns:
      id:   {type: integer, primary_key: true}
      name: text
  members:
    columns:
      id:     {type: integer, primary_key: true}
      org_id: {type: integer, references: orgs(id)}
  badges:
    columns:
      id:        {type: integer, primary_key: true}
      member_id: {type: integer, references: members(id)}
YAML
cat >rows.yml <<'YAML'
users:
  - {id: 1, fullname: Ann, nick: a}
  - {id: 2, fullname: Bob}
orgs:
  - {id: 1, name: o1}
  - {id: 2, name: o2}
members:
  - {id: 1, org_id: 1}
  - {id: 2, org_id: 2}
  - {id: 3, org_id: 1}
badges:
  - {id: 1, member_id: 3}
YAML
# the models without orgs: members keeps org_id, without the foreign key
sed -e "/^  orgs:/,/^      name: text/d" -e "s/org_id: {type: integer, references: orgs(id)}/org_id: integer/" \
	base.yml >noorgs.yml

test_expect_success 'setup' '
	fixture_case_setup ref base.yml rows.yml && fixture_case_setup col base.yml rows.yml
'

test_expect_success 'dropping a table that another references, rows in both: written, with the warning and what down cannot restore' '
	cp noorgs.yml ref/models/app.yml &&
	(cd ref && git migrate prepare </dev/null >../path 2>../err) &&
	test_grep "warning: drops table orgs holding data in 2 rows" err &&
	test_grep "^  down: re-creates table orgs empty (its 2 rows are not restored)$" err &&
	if test_if_sqlite; then
		test_grep "note: the round trip ran the down section without the rows it cannot take back: members (3 rows), badges (1 row)" err
	else
		test_grep -v "without the rows" err
	fi &&
	test -f ref/$(cat path) && test_no_scratch_left
'

test_expect_success '... applied to a real database: the rows stay; the down re-creates the table and its foreign key' '
	(
		cd ref && fixture_case_deploy &&
		test "$(db_sql "SELECT count(*) FROM members")" = 3 &&
		! db_sql "SELECT 1 FROM orgs" 2>/dev/null &&
		test -z "$(catalog_fkeys members)" &&
		# SQLite checks every row of a rebuilt table: the members that reference
		# the orgs the down cannot bring back must go first (the summary said so)
		{ test_if_postgres || db_sql "DELETE FROM badges; DELETE FROM members;"; } &&
		git migrate -q downgrade -1 &&
		test "$(db_sql "SELECT count(*) FROM orgs")" = 0 &&
		test "$(catalog_fkeys members)" = "org_id>orgs" &&
		test "$(catalog_fkeys badges)" = "member_id>members"
	)
'

test_expect_success 'dropping a NOT NULL column without a default and a nullable one, rows in the table: written' '
	sed -e "/^      fullname:/d" -e "/^      nick:/d" base.yml >col/models/app.yml &&
	(cd col && git migrate prepare </dev/null >../path 2>../err) &&
	test_grep "warning: drops column users.fullname holding data in 2 rows" err &&
	test_grep "warning: drops column users.nick holding data in 1 row$" err &&
	test_grep "^  down: re-adds column users.fullname empty (its values in 2 rows are not restored)$" err &&
	test_grep "^  down: re-adds column users.nick empty (its values in 1 row are not restored)$" err &&
	test_grep "note: the round trip ran the down section without the rows it cannot take back: users (2 rows)" err &&
	(
		cd col && fixture_case_deploy &&
		test "$(catalog_columns users)" = "id:1" &&
		test "$(db_sql "SELECT count(*) FROM users")" = 2 &&
		db_sql "DELETE FROM users" &&
		git migrate -q downgrade -1 &&
		test "$(catalog_columns users)" = "id:1 fullname:1 nick:0"
	)
'

test_done
