#!/bin/sh
test_description='PostgreSQL table parts (issue 14): serial to GENERATED ALWAYS identity keeping the ids, a generated column, deferrable keys, gin/hash/INCLUDE/NULLS NOT DISTINCT/expression indexes, from YAML models, applied to a database with rows and back; a SQL model that holds them (and an exclusion constraint) is no change, and dropping DEFERRABLE is one'
. ./lib.sh
test "$GM_TEST_DIALECT" = postgres ||
	test_skip_all "PostgreSQL only: runs in the GM_TEST_DIALECT=postgres pass of make test"
. "$TEST_DIR/lib-prepare.sh"
. "$TEST_DIR/lib-cols.sh"

cat >base.yml <<'YAML'
tables:
  authors:
    columns:
      id:   {type: serial, primary_key: true}
      name: {type: text, null: false}
      tags: text[]
  books:
    columns:
      id:        {type: integer, primary_key: true}
      qty:       {type: integer, null: false}
      price:     {type: numeric(10,2), null: false}
      author_id: {type: integer, references: authors(id)}
YAML
cat >parts.yml <<'YAML'
tables:
  authors:
    columns:
      id:   {type: integer, primary_key: true, identity: always}
      name: {type: text, null: false, unique: true, deferrable: true}
      tags: text[]
    indexes:
      - {columns: [tags], using: gin}
      - {name: authors_lname_idx, expression: "lower(name) DESC", include: [id], where: "id > 0"}
      - {name: authors_nnd, columns: [name], unique: true, nulls_not_distinct: true}
  books:
    columns:
      id:        {type: integer, primary_key: true}
      qty:       {type: integer, null: false}
      price:     {type: numeric(10,2), null: false}
      total:     {type: numeric(12,2), generated: "qty * price"}
      author_id: {type: integer, references: authors(id), deferrable: initially_deferred}
    indexes:
      - {columns: [author_id], using: hash}
YAML

# the catalog's view of the parts: identity, generated columns, constraints, indexes
parts() {
	db_sql "SELECT attrelid::regclass || '.' || attname || ' identity=' || attidentity::text || ' generated=' || attgenerated::text || ' ' || COALESCE(pg_get_expr(d.adbin, d.adrelid), '') FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE attrelid IN ('authors'::regclass, 'books'::regclass) AND attnum > 0 AND NOT attisdropped ORDER BY 1" &&
	db_sql "SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid IN ('authors'::regclass, 'books'::regclass) ORDER BY 1" &&
	db_sql "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid IN ('authors'::regclass, 'books'::regclass) ORDER BY 1"
}

test_expect_success 'setup: production with the base models and their revision; a database with rows' '
	prepare_case_setup tp base.yml &&
	(
		cd tp &&
		db_create &&
		git migrate -q upgrade &&
		db_sql "INSERT INTO authors (name) VALUES ('\''ann'\''), ('\''bob'\''), ('\''cy'\''); DELETE FROM authors WHERE name = '\''cy'\''; INSERT INTO books VALUES (1, 2, 1.50, 1), (2, 3, 2.00, 2)" &&
		pg_schema "$(case_db)" --any-column-order >schema.base
	)
'

test_expect_success 'prepare plans every part from the YAML models' '
	(
		cd tp &&
		cp ../parts.yml models/app.yml &&
		git commit -q -am parts &&
		git migrate prepare -m parts >path 2>err &&
		section "$(cat path)" up >up.sql &&
		section "$(cat path)" down >down.sql
	) &&
	cat >expect <<-\EOF &&
	ALTER TABLE authors ALTER COLUMN id DROP DEFAULT;
	DROP SEQUENCE IF EXISTS authors_id_seq;
	ALTER TABLE authors ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY;
	SELECT setval(pg_get_serial_sequence('\''authors'\'', '\''id'\''), COALESCE(max(id), 0) + 1, false) FROM authors;
	CREATE INDEX authors_lname_idx ON authors (lower(name) DESC) INCLUDE (id) WHERE (id > 0);
	ALTER TABLE authors ADD CONSTRAINT authors_name_key UNIQUE (name) DEFERRABLE;
	CREATE UNIQUE INDEX authors_nnd ON authors (name) NULLS NOT DISTINCT;
	CREATE INDEX authors_tags_idx ON authors USING gin (tags);
	ALTER TABLE books ADD COLUMN total numeric(12,2) GENERATED ALWAYS AS (((qty)::numeric * price)) STORED;
	CREATE INDEX books_author_id_idx ON books USING hash (author_id);
	ALTER TABLE books ALTER CONSTRAINT books_author_id_fkey DEFERRABLE INITIALLY DEFERRED;
	EOF
	grep -v "^$" tp/up.sql >actual &&
	test_cmp expect actual &&
	test_grep "add identity to authors.id" tp/err
'

test_expect_success 'upgrade: the catalog has every part; ids go on after the maximum (3: cy was deleted); ALWAYS refuses an id; the key is deferred' '
	(
		cd tp &&
		git migrate -q upgrade &&
		parts >parts.up &&
		db_sql "INSERT INTO authors (name) VALUES ('\''dee'\'') RETURNING id" >id.up &&
		db_sql "SELECT id, total FROM books ORDER BY id" >total.up &&
		db_sql "BEGIN; INSERT INTO books VALUES (3, 1, 1, 9); INSERT INTO authors OVERRIDING SYSTEM VALUE VALUES (9, '\''late'\''); COMMIT;" &&
		test_must_fail db_sql "INSERT INTO authors (id, name) VALUES (10, '\''x'\'')" 2>/dev/null
	) &&
	cat >expect <<-\EOF &&
	authors.id identity=a generated= 
	authors.name identity= generated= 
	authors.tags identity= generated= 
	books.author_id identity= generated= 
	books.id identity= generated= 
	books.price identity= generated= 
	books.qty identity= generated= 
	books.total identity= generated=s ((qty)::numeric * price)
	authors_name_key UNIQUE (name) DEFERRABLE
	authors_pkey PRIMARY KEY (id)
	books_author_id_fkey FOREIGN KEY (author_id) REFERENCES authors(id) DEFERRABLE INITIALLY DEFERRED
	books_pkey PRIMARY KEY (id)
	CREATE INDEX authors_lname_idx ON public.authors USING btree (lower(name) DESC) INCLUDE (id) WHERE (id > 0)
	CREATE INDEX authors_tags_idx ON public.authors USING gin (tags)
	CREATE INDEX books_author_id_idx ON public.books USING hash (author_id)
	CREATE UNIQUE INDEX authors_name_key ON public.authors USING btree (name)
	CREATE UNIQUE INDEX authors_nnd ON public.authors USING btree (name) NULLS NOT DISTINCT
	CREATE UNIQUE INDEX authors_pkey ON public.authors USING btree (id)
	CREATE UNIQUE INDEX books_pkey ON public.books USING btree (id)
	EOF
	test_cmp expect tp/parts.up &&
	echo 3 >expect && test_cmp expect tp/id.up &&
	printf "1|3.00\n2|6.00\n" >expect && test_cmp expect tp/total.up &&
	(cd tp && git migrate diff >out 2>err) &&
	test_grep "^no changes$" tp/err
'

test_expect_success 'downgrade: back to serial, the ids kept and going on after the maximum' '
	(
		cd tp &&
		git migrate -q downgrade -1 &&
		pg_schema "$(case_db)" --any-column-order >schema.down &&
		db_sql "INSERT INTO authors (name) VALUES ('\''eve'\'') RETURNING id" >id.down &&
		db_sql "SELECT id, name FROM authors ORDER BY id" >rows.down
	) &&
	sed "/^CREATE SEQUENCE/,/CACHE 1;/d" tp/schema.base >expect &&
	sed "/^CREATE SEQUENCE/,/CACHE 1;/d" tp/schema.down >actual &&
	test_cmp expect actual &&
	echo 10 >expect && test_cmp expect tp/id.down &&
	printf "1|ann\n2|bob\n3|dee\n9|late\n10|eve\n" >expect && test_cmp expect tp/rows.down
'

cat >parts.sql <<'SQL'

CREATE TABLE rooms (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  code text GENERATED ALWAYS AS (upper(name)) STORED,
  CONSTRAINT rooms_name_key UNIQUE NULLS NOT DISTINCT (name) INCLUDE (id) DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE bookings (
  id integer PRIMARY KEY,
  room_id integer NOT NULL,
  site integer NOT NULL,
  during tsrange NOT NULL,
  CONSTRAINT bookings_room_fkey FOREIGN KEY (room_id) REFERENCES rooms (id) DEFERRABLE INITIALLY DEFERRED,
  CONSTRAINT bookings_no_overlap EXCLUDE USING gist (during WITH &&) WHERE (site > 0)
);
CREATE TABLE sites (a integer, b integer, PRIMARY KEY (a, b));
ALTER TABLE bookings ADD COLUMN site_b integer;
ALTER TABLE bookings ADD CONSTRAINT bookings_site_fkey FOREIGN KEY (site, site_b) REFERENCES sites (a, b) DEFERRABLE;
CREATE INDEX bookings_during_idx ON bookings USING gist (during);
CREATE INDEX bookings_brin ON bookings USING brin (id) WHERE site > 0;
CREATE INDEX rooms_lower ON rooms (lower(name) text_pattern_ops DESC NULLS LAST);
SQL

test_expect_success 'a SQL model holding the same parts as the revision: diff exits 0' '
	cols_sql_case sq parts.sql &&
	test_grep "^no changes$" sq/err &&
	test_grep -v "not covered" sq/err &&
	test_grep -F "EXCLUDE USING gist (during WITH &&) WHERE ((site > 0))" "$(cat sq/path | sed "s#^#sq/#")"
'

test_expect_success 'the model drops DEFERRABLE: a revision; applied and back with rows' '
	(
		cd sq &&
		sed "s/ REFERENCES rooms (id) DEFERRABLE INITIALLY DEFERRED/ REFERENCES rooms (id)/" models/app.sql >m &&
		mv m models/app.sql &&
		git commit -q -am "not deferrable" &&
		test_expect_code 1 git migrate diff >out 2>err &&
		git migrate prepare -m immediate >path 2>err &&
		section "$(cat path)" up >up.sql &&
		db_create &&
		git migrate -q upgrade "$(base_id)" &&
		db_sql "INSERT INTO rooms (name) VALUES ('\''a'\''); INSERT INTO sites VALUES (1, 1); INSERT INTO bookings VALUES (1, 1, 1, '\''[2024-01-01, 2024-01-02)'\'', 1)" &&
		git migrate -q upgrade &&
		db_sql "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = '\''bookings_room_fkey'\''" >fk.up &&
		test_must_fail db_sql "INSERT INTO bookings VALUES (2, 1, 1, '\''[2024-01-01, 2024-01-03)'\'', 1)" &&
		git migrate -q downgrade "$(base_id)" &&
		db_sql "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = '\''bookings_room_fkey'\''" >fk.down &&
		db_sql "SELECT count(*) FROM bookings" >count
	) &&
	test_grep "foreign key bookings_room_fkey" sq/err &&
	echo "ALTER TABLE bookings ALTER CONSTRAINT bookings_room_fkey NOT DEFERRABLE;" >expect &&
	grep -v "^$" sq/up.sql >actual && test_cmp expect actual &&
	test_grep "^ALTER TABLE bookings ALTER CONSTRAINT bookings_room_fkey DEFERRABLE INITIALLY DEFERRED;$" "$(sed "s#^#sq/#" sq/path)" &&
	echo "FOREIGN KEY (room_id) REFERENCES rooms(id)" >expect && test_cmp expect sq/fk.up &&
	echo "FOREIGN KEY (room_id) REFERENCES rooms(id) DEFERRABLE INITIALLY DEFERRED" >expect &&
	test_cmp expect sq/fk.down &&
	echo 1 >expect && test_cmp expect sq/count
'

test_expect_success 'identity ALWAYS to BY DEFAULT, an exclusion constraint changed, an index dropped: applied and back' '
	(
		cd sq &&
		git add -A && git commit -q -m "immediate revision" &&
		prev=$(revision_id "$(cat path)") &&
		sed -e "s/id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY/id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY/" \
		    -e "s/EXCLUDE USING gist (during WITH &&) WHERE (site > 0)/EXCLUDE USING gist (during WITH \&\&)/" \
		    -e "/^CREATE INDEX bookings_brin /d" models/app.sql >m &&
		mv m models/app.sql &&
		git commit -q -am "by default" &&
		git migrate prepare -m "by default" >path 2>err &&
		section "$(cat path)" up >up.sql &&
		git migrate -q upgrade &&
		db_sql "INSERT INTO rooms (id, name) VALUES (50, '\''b'\'')" &&
		db_sql "SELECT conname || '\'' '\'' || pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = '\''x'\''" >excl.up &&
		test_must_fail db_sql "INSERT INTO bookings VALUES (3, 1, 0, '\''[2024-01-01, 2024-01-03)'\'', 1)" 2>/dev/null &&
		git migrate -q downgrade "$prev" &&
		db_sql "SELECT attidentity FROM pg_attribute WHERE attrelid = '\''rooms'\''::regclass AND attname = '\''id'\''" >ident.down &&
		db_sql "SELECT indexname FROM pg_indexes WHERE indexname = '\''bookings_brin'\''" >brin.down &&
		db_sql "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = '\''x'\''" >excl.down
	) &&
	cat >expect <<-\EOF &&
	ALTER TABLE bookings DROP CONSTRAINT bookings_no_overlap;
	DROP INDEX bookings_brin;
	ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap EXCLUDE USING gist (during WITH &&);
	ALTER TABLE rooms ALTER COLUMN id SET GENERATED BY DEFAULT;
	EOF
	grep -v "^$" sq/up.sql >actual &&
	test_cmp expect actual &&
	echo "bookings_no_overlap EXCLUDE USING gist (during WITH &&)" >expect &&
	test_cmp expect sq/excl.up &&
	echo a >expect && test_cmp expect sq/ident.down &&
	echo bookings_brin >expect && test_cmp expect sq/brin.down &&
	echo "EXCLUDE USING gist (during WITH &&) WHERE ((site > 0))" >expect &&
	test_cmp expect sq/excl.down
'

test_done
