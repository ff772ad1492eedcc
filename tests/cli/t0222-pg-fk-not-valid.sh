#!/bin/sh
test_description='PostgreSQL: dropping a table another table references, with fixture rows in both: the down re-creates it empty and adds the foreign key NOT VALID'
. ./lib.sh
test "$GM_TEST_DIALECT" = postgres ||
	test_skip_all "PostgreSQL only: runs in the GM_TEST_DIALECT=postgres pass of make test"
. "$TEST_DIR/lib-prepare.sh"

cat >base.yml <<'YAML'
tables:
  authors:
    columns:
      id:   {type: integer, primary_key: true}
      name: {type: text, null: false}
  books:
    columns:
      id:        {type: integer, primary_key: true}
      title:     {type: text, null: false}
      author_id: {type: integer, references: authors(id), on_delete: cascade}
YAML
cat >dropped.yml <<'YAML'
tables:
  books:
    columns:
      id:        {type: integer, primary_key: true}
      title:     {type: text, null: false}
      author_id: integer
YAML

# the foreign key as the catalog has it: definition and whether it is validated
fkey() {
	db_sql "SELECT conname || ' ' || pg_get_constraintdef(oid) || ' ' || convalidated FROM pg_constraint WHERE conrelid = 'books'::regclass AND contype = 'f'"
}

test_expect_success 'setup: production with the models, their base revision and fixtures in both tables' '
	prepare_case_setup fk base.yml &&
	(
		cd fk &&
		git switch -q production &&
		mkdir data &&
		printf "id,name\n1,ann\n2,bob\n" >data/authors.csv &&
		printf "id,title,author_id\n1,first,1\n2,second,2\n3,third,2\n" >data/books.csv &&
		git add -A && git commit -q -m fixtures &&
		git switch -q work && git merge -q production
	)
'

test_expect_success 'prepare writes the drop: exit 0, the data-loss warning, the down adds the key NOT VALID' '
	(
		cd fk &&
		cp ../dropped.yml models/app.yml &&
		git commit -q -am "drop authors" &&
		git migrate prepare >path 2>err &&
		rev=$(cat path) && test -f "$rev" &&
		section "$rev" up >up.sql &&
		section "$rev" down >down.sql
	) &&
	test_grep "5 fixture rows" fk/err &&
	test_grep "warning: drops table authors holding data in 2 rows" fk/err &&
	printf "%s\n" "ALTER TABLE books DROP CONSTRAINT books_author_id_fkey;" "DROP TABLE authors;" >expect &&
	grep -v "^$" fk/up.sql >actual &&
	test_cmp expect actual &&
	test_grep "^ALTER TABLE books ADD CONSTRAINT books_author_id_fkey FOREIGN KEY (author_id) REFERENCES authors (id) ON DELETE CASCADE NOT VALID;$" fk/down.sql &&
	test_grep -v "NOT VALID" fk/up.sql
'

test_expect_success 'upgrade and downgrade on a database with rows; the NOT VALID key is no change' '
	(
		cd fk &&
		db_create &&
		git migrate -q upgrade "$(base_id)" &&
		git migrate -q loaddata &&
		fkey >fkey.base &&
		echo "books_author_id_fkey FOREIGN KEY (author_id) REFERENCES authors(id) ON DELETE CASCADE true" >expect &&
		test_cmp expect fkey.base &&
		pg_schema "$(case_db)" >schema.base &&
		git migrate -q upgrade &&
		db_sql "INSERT INTO books (id, title, author_id) VALUES (4, '\''orphan'\'', 99)" &&
		git migrate downgrade "$(base_id)" >out 2>err &&
		fkey >fkey.down &&
		echo "books_author_id_fkey FOREIGN KEY (author_id) REFERENCES authors(id) ON DELETE CASCADE NOT VALID false" >expect &&
		test_cmp expect fkey.down &&
		pg_schema "$(case_db)" | sed "s/ NOT VALID;$/;/" >schema.down &&
		test_cmp schema.base schema.down &&
		db_sql "SELECT count(*) FROM authors; SELECT count(*) FROM books" >counts &&
		printf "0\n4\n" >expect && test_cmp expect counts &&
		test_must_fail db_sql "INSERT INTO books (id, title, author_id) VALUES (5, '\''new'\'', 1)" &&
		git migrate verify --database >out 2>err &&
		git migrate -q upgrade &&
		db_sql "SELECT count(*) FROM books" >counts &&
		echo 4 >expect && test_cmp expect counts
	)
'

test_done
