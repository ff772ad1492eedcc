#!/bin/sh
test_description='PostgreSQL: dropping a table another table references, with fixture rows in both: the down re-creates it empty and adds the foreign key NOT VALID'
. ./lib.sh
test "$GM_TEST_DIALECT" = postgres ||
	test_skip_all "PostgreSQL only: runs in the GM_TEST_DIALECT=postgres pass of make test"
. "$TEST_DIR/lib-prepare.sh"

cat >base.yml <<'YAML'
tables:
  contacts:
    columns:
      id:    {type: integer, primary_key: true}
      email: {type: varchar(200), null: false}
  deals:
    columns:
      id:         {type: integer, primary_key: true}
      title:      {type: varchar(120), null: false}
      contact_id: {type: integer, references: contacts(id), on_delete: cascade}
YAML
cat >dropped.yml <<'YAML'
tables:
  deals:
    columns:
      id:         {type: integer, primary_key: true}
      title:      {type: varchar(120), null: false}
      contact_id: integer
YAML

# the foreign key as the catalog has it: definition and whether it is validated
fkey() {
	db_sql "SELECT conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated FROM pg_constraint WHERE conrelid = 'deals'::regclass AND contype = 'f'"
}

test_expect_success 'setup: production with the models, their base revision and fixtures in both tables' '
	prepare_case_setup fk base.yml &&
	(
		cd fk &&
		git switch -q production &&
		mkdir data &&
		printf "id,email\n1,a@example.com\n2,b@example.com\n" >data/contacts.csv &&
		printf "id,title,contact_id\n1,first,1\n2,second,2\n3,third,2\n" >data/deals.csv &&
		git add -A && git commit -q -m fixtures &&
		git switch -q work && git merge -q production
	)
'

test_expect_success 'prepare writes the drop: exit 0, the data-loss warning, the down adds the key NOT VALID' '
	(
		cd fk &&
		cp ../dropped.yml models/app.yml &&
		git commit -q -am "drop contacts" &&
		git migrate prepare >path 2>err &&
		rev=$(cat path) && test -f "$rev" &&
		section "$rev" up >up.sql &&
		section "$rev" down >down.sql
	) &&
	test_grep "5 fixture rows" fk/err &&
	test_grep "warning: drops table contacts holding data in 2 rows" fk/err &&
	printf "%s\n" "ALTER TABLE deals DROP CONSTRAINT deals_contact_id_fkey;" "DROP TABLE contacts;" >expect &&
	grep -v "^$" fk/up.sql >actual &&
	test_cmp expect actual &&
	test_grep "^ALTER TABLE deals ADD CONSTRAINT deals_contact_id_fkey FOREIGN KEY (contact_id) REFERENCES contacts (id) ON DELETE CASCADE NOT VALID;$" fk/down.sql &&
	test_grep -v "NOT VALID" fk/up.sql
'

test_expect_success 'upgrade and downgrade on a database with rows; the NOT VALID key is no change' '
	(
		cd fk &&
		db_create &&
		git migrate -q upgrade "$(base_id)" &&
		git migrate -q loaddata &&
		fkey >fkey.base &&
		echo "deals_contact_id_fkey FOREIGN KEY (contact_id) REFERENCES contacts(id) ON DELETE CASCADE true" >expect &&
		test_cmp expect fkey.base &&
		pg_schema "$(case_db)" >schema.base &&
		git migrate -q upgrade &&
		db_sql "INSERT INTO deals (id, title, contact_id) VALUES (4, '\''orphan'\'', 99)" &&
		git migrate downgrade "$(base_id)" >out 2>err &&
		fkey >fkey.down &&
		echo "deals_contact_id_fkey FOREIGN KEY (contact_id) REFERENCES contacts(id) ON DELETE CASCADE NOT VALID false" >expect &&
		test_cmp expect fkey.down &&
		pg_schema "$(case_db)" | sed "s/ NOT VALID;$/;/" >schema.down &&
		test_cmp schema.base schema.down &&
		db_sql "SELECT count(*) FROM contacts; SELECT count(*) FROM deals" >counts &&
		printf "0\n4\n" >expect && test_cmp expect counts &&
		test_must_fail db_sql "INSERT INTO deals (id, title, contact_id) VALUES (5, '\''new'\'', 1)" &&
		git migrate verify --database >out 2>err &&
		git migrate -q upgrade &&
		db_sql "SELECT count(*) FROM deals" >counts &&
		echo 4 >expect && test_cmp expect counts
	)
'

test_done
