#!/bin/sh
test_description='PostgreSQL comments on indexes and constraints (primary key, unique, foreign key, check, exclusion) from SQL models: read back by inspection, a comment-only change is COMMENT ON alone (added, changed, removed; both ways), a key created again or new gets its comment after it'
. ./lib.sh
test "$GM_TEST_DIALECT" = postgres ||
	test_skip_all "PostgreSQL only: runs in the GM_TEST_DIALECT=postgres pass of make test"
. "$TEST_DIR/lib-pg-objects.sh"

cat >base.sql <<'SQL'
CREATE TABLE owners (id integer PRIMARY KEY, email text NOT NULL,
    CONSTRAINT owners_email_key UNIQUE (email));
CREATE TABLE pets (
    id integer CONSTRAINT pets_pkey PRIMARY KEY,
    owner_id integer NOT NULL CONSTRAINT pets_owner_id_fkey REFERENCES owners (id),
    name text NOT NULL,
    legs integer NOT NULL CONSTRAINT pets_legs_check CHECK (legs >= 0),
    fed int4range,
    CONSTRAINT pets_fed_excl EXCLUDE USING gist (fed WITH &&)
);
CREATE INDEX pets_name_idx ON pets (name);
COMMENT ON INDEX pets_name_idx IS 'by name';
COMMENT ON CONSTRAINT pets_owner_id_fkey ON pets IS 'who feeds it';
SQL
cat >rows.sql <<'SQL'
INSERT INTO owners VALUES (1, 'ann@example.com'), (2, 'bo@example.com');
INSERT INTO pets VALUES (1, 1, 'rex', 4, '[1,5)'), (2, 2, 'tweety', 2, '[5,9)');
SQL
ROWS="SELECT string_agg(p.name || '@' || o.email, ',' ORDER BY p.id) FROM pets p JOIN owners o ON o.id = p.owner_id"

# The comments of pets' and owners' constraints and indexes, one "name: comment" a line
comments() {
	db_query "$1" "SELECT string_agg(n || ': ' || coalesce(d, '-'), E'\\n' ORDER BY n) FROM (
		SELECT conname AS n, obj_description(oid, 'pg_constraint') AS d FROM pg_constraint
		 WHERE conrelid IN ('pets'::regclass, 'owners'::regclass)
		UNION ALL SELECT relname, obj_description(oid, 'pg_class') FROM pg_class
		 WHERE relname = 'pets_name_idx') x"
}

test_expect_success 'comments on an index and a foreign key: prepared after them, no changes over the same models' '
	objects_base same base.sql && (
		cd same &&
		section "$(cat path)" up >up.sql &&
		test_grep "^COMMENT ON INDEX pets_name_idx IS '\''by name'\'';" up.sql &&
		test_grep "^COMMENT ON CONSTRAINT pets_owner_id_fkey ON pets IS '\''who feeds it'\'';" up.sql &&
		git migrate diff >out 2>&1 &&
		test_grep "no changes" out
	)
'

test_expect_success 'comments changed, added and removed on every kind of key: COMMENT ON alone, both ways' '
	sed -e "s/IS '\''by name'\''/IS '\''by the pet'\'''\''s name'\''/" \
		-e "/COMMENT ON CONSTRAINT pets_owner_id_fkey/d" base.sql >after.sql &&
	cat >>after.sql <<-\SQL &&
	COMMENT ON CONSTRAINT pets_pkey ON pets IS '\''one per pet'\'';
	COMMENT ON CONSTRAINT owners_email_key ON owners IS '\''one owner an address'\'';
	COMMENT ON CONSTRAINT pets_legs_check ON pets IS '\''no negative legs'\'';
	COMMENT ON CONSTRAINT pets_fed_excl ON pets IS '\''one meal at a time'\'';
	SQL
	objects_case comments base.sql after.sql rows.sql "$ROWS" &&
	cat >expect <<-\SQL &&
	COMMENT ON CONSTRAINT owners_email_key ON owners IS '\''one owner an address'\'';
	COMMENT ON INDEX pets_name_idx IS '\''by the pet'\'''\''s name'\'';
	COMMENT ON CONSTRAINT pets_owner_id_fkey ON pets IS NULL;
	COMMENT ON CONSTRAINT pets_legs_check ON pets IS '\''no negative legs'\'';
	COMMENT ON CONSTRAINT pets_fed_excl ON pets IS '\''one meal at a time'\'';
	COMMENT ON CONSTRAINT pets_pkey ON pets IS '\''one per pet'\'';
	SQL
	ddl_heads comments/up.sql >actual &&
	test_cmp expect actual &&
	cat >expect <<-\SQL &&
	COMMENT ON CONSTRAINT owners_email_key ON owners IS NULL;
	COMMENT ON INDEX pets_name_idx IS '\''by name'\'';
	COMMENT ON CONSTRAINT pets_owner_id_fkey ON pets IS '\''who feeds it'\'';
	COMMENT ON CONSTRAINT pets_legs_check ON pets IS NULL;
	COMMENT ON CONSTRAINT pets_fed_excl ON pets IS NULL;
	COMMENT ON CONSTRAINT pets_pkey ON pets IS NULL;
	SQL
	ddl_heads comments/down.sql >actual &&
	test_cmp expect actual &&
	cat >expect <<-\EOF &&
	owners_email_key: one owner an address
	owners_pkey: -
	pets_fed_excl: one meal at a time
	pets_legs_check: no negative legs
	pets_name_idx: by the pet'\''s name
	pets_owner_id_fkey: -
	pets_pkey: one per pet
	EOF
	comments comments >actual &&
	test_cmp expect actual &&
	(cd comments && git migrate -q downgrade "$(base_id)") &&
	cat >expect <<-\EOF &&
	owners_email_key: -
	owners_pkey: -
	pets_fed_excl: -
	pets_legs_check: -
	pets_name_idx: by name
	pets_owner_id_fkey: who feeds it
	pets_pkey: -
	EOF
	comments comments >actual &&
	test_cmp expect actual
'

test_expect_success 'keys created (again) get their comment after them; a re-deferred foreign key keeps its constraint and gets the new comment' '
	sed -e "s/CHECK (legs >= 0)/CHECK (legs >= 0 AND legs < 100)/" \
		-e "s/REFERENCES owners (id)/REFERENCES owners (id) DEFERRABLE/" \
		-e "s/IS '\''who feeds it'\''/IS '\''who feeds it, later'\''/" base.sql >recreate.sql &&
	cat >>recreate.sql <<-\SQL &&
	COMMENT ON CONSTRAINT pets_legs_check ON pets IS '\''a few legs'\'';
	CREATE INDEX owners_email_idx ON owners (lower(email));
	COMMENT ON INDEX owners_email_idx IS '\''case-blind'\'';
	CREATE TABLE vets (id integer CONSTRAINT vets_pkey PRIMARY KEY,
	    pet_id integer CONSTRAINT vets_pet_fkey REFERENCES pets (id),
	    CONSTRAINT vets_pet_key UNIQUE (pet_id));
	COMMENT ON CONSTRAINT vets_pkey ON vets IS '\''the vet'\'';
	COMMENT ON CONSTRAINT vets_pet_fkey ON vets IS '\''the patient'\'';
	COMMENT ON CONSTRAINT vets_pet_key ON vets IS '\''one vet a pet'\'';
	SQL
	objects_case recreate base.sql recreate.sql rows.sql "$ROWS" &&
	cat >expect <<-\SQL &&
	ALTER TABLE pets DROP CONSTRAINT pets_legs_check;
	CREATE TABLE vets (
	COMMENT ON CONSTRAINT vets_pkey ON vets IS '\''the vet'\'';
	COMMENT ON CONSTRAINT vets_pet_key ON vets IS '\''one vet a pet'\'';
	CREATE INDEX owners_email_idx ON owners (lower(email));
	COMMENT ON INDEX owners_email_idx IS '\''case-blind'\'';
	ALTER TABLE pets ADD CONSTRAINT pets_legs_check CHECK (((legs >= 0) AND (legs < 100)));
	COMMENT ON CONSTRAINT pets_legs_check ON pets IS '\''a few legs'\'';
	ALTER TABLE pets ALTER CONSTRAINT pets_owner_id_fkey DEFERRABLE INITIALLY IMMEDIATE;
	COMMENT ON CONSTRAINT pets_owner_id_fkey ON pets IS '\''who feeds it, later'\'';
	ALTER TABLE vets ADD CONSTRAINT vets_pet_fkey FOREIGN KEY (pet_id) REFERENCES pets (id);
	COMMENT ON CONSTRAINT vets_pet_fkey ON vets IS '\''the patient'\'';
	SQL
	ddl_heads recreate/up.sql >actual &&
	test_cmp expect actual &&
	cat >expect <<-\SQL &&
	DROP TABLE vets;
	DROP INDEX owners_email_idx;
	ALTER TABLE pets DROP CONSTRAINT pets_legs_check;
	ALTER TABLE pets ADD CONSTRAINT pets_legs_check CHECK ((legs >= 0));
	ALTER TABLE pets ALTER CONSTRAINT pets_owner_id_fkey NOT DEFERRABLE;
	COMMENT ON CONSTRAINT pets_owner_id_fkey ON pets IS '\''who feeds it'\'';
	SQL
	ddl_heads recreate/down.sql >actual &&
	test_cmp expect actual
'

test_expect_success 'diff names each comment change; verify --replay fails a down section that does not restore a comment' '
	(
		cd same &&
		git switch -q -c names &&
		cat >>models/app.sql <<-\SQL &&
		COMMENT ON INDEX pets_name_idx IS NULL;
		COMMENT ON CONSTRAINT pets_pkey ON pets IS '\''key'\'';
		COMMENT ON CONSTRAINT pets_fed_excl ON pets IS '\''meals'\'';
		SQL
		test_expect_code 1 git migrate diff >out 2>&1 &&
		test_grep "change comment of index pets_name_idx on pets" out &&
		test_grep "change comment of exclusion constraint pets_fed_excl on pets" out &&
		test_grep "change comment of primary key pets_pkey on pets" out &&
		git checkout -q models/app.sql &&
		write_revision migrations/versions c0ffee000001 "$(base_id)" \
			"COMMENT ON INDEX pets_name_idx IS '\''by any name'\'';" \
			"COMMENT ON INDEX pets_name_idx IS NULL;" &&
		cat >>models/app.sql <<-\SQL &&
		COMMENT ON INDEX pets_name_idx IS '\''by any name'\'';
		SQL
		git add -A && git commit -q -m "a wrong down" &&
		test_expect_code 1 git migrate verify --replay >out 2>&1 &&
		test_grep "down section of .c0ffee000001. does not restore the schema" out &&
		test_grep "missing: table pets: index pets_name_idx (name) comment .by name." out
	)
'

test_done
