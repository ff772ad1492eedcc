#!/bin/sh
test_description='YAML models: comment on indexes, foreign keys, checks, exclusion constraints and the primary key (PostgreSQL): created with them, a comment-only change is COMMENT ON alone, the database shows them, downgrade restores them'
. ./lib.sh
test "$GM_TEST_DIALECT" = postgres ||
	test_skip_all "PostgreSQL only: runs in the GM_TEST_DIALECT=postgres pass of make test (t0246 is SQLite's)"
. "$TEST_DIR/lib-pg-objects.sh"
. "$TEST_DIR/lib-keys-comments.sh"

keys_models base.yml exclusion
sed -e "s/comment: the owner}/comment: \"it's the owner\"}/" \
	-e "s/, comment: who feeds it//" \
	-e "s/comment: no negative legs/comment: legs are counted/" \
	-e "s/pets_small: legs < 100/pets_small: {check: legs < 100, comment: few legs}/" \
	-e "s/, comment: one meal at a time//" \
	-e "s/comment: one address each/comment: unique addresses/" base.yml >after.yml
cat >rows.sql <<'EOF'
INSERT INTO owners VALUES (1, 'ann@example.com');
INSERT INTO pets VALUES (1, 1, 4, '[1,5)');
EOF

# The comments of the case database's constraints and indexes, "name: comment" a line
comments() {
	db_sql "SELECT string_agg(n || ': ' || d, E'\\n' ORDER BY n) FROM (
		SELECT conname AS n, obj_description(oid, 'pg_constraint') AS d FROM pg_constraint
		 WHERE conrelid IN ('pets'::regclass, 'owners'::regclass)
		UNION ALL SELECT relname, obj_description(oid, 'pg_class') FROM pg_class
		 WHERE relname = 'owners_email_idx') x WHERE d IS NOT NULL"
}

test_expect_success 'the models created with their comments; a change of comments only: COMMENT ON alone; downgrade restores them; no changes after' '
	upgrade_case case base.yml after.yml rows.sql /dev/null "SELECT count(*) FROM pets" && (
		cd case &&
		section migrations/versions/*_base.sql up >base.up &&
		test_grep "^COMMENT ON CONSTRAINT owners_pkey ON owners IS '\''the owner'\'';" base.up &&
		test_grep "^COMMENT ON INDEX owners_email_idx IS '\''one address each'\'';" base.up &&
		cat >expect <<-\SQL &&
		COMMENT ON INDEX owners_email_idx IS '\''unique addresses'\'';
		COMMENT ON CONSTRAINT owners_pkey ON owners IS '\''it'\'''\''s the owner'\'';
		COMMENT ON CONSTRAINT pets_owner_id_fkey ON pets IS NULL;
		COMMENT ON CONSTRAINT pets_legs ON pets IS '\''legs are counted'\'';
		COMMENT ON CONSTRAINT pets_small ON pets IS '\''few legs'\'';
		COMMENT ON CONSTRAINT pets_fed ON pets IS NULL;
		SQL
		ddl_heads up.sql >actual &&
		test_cmp expect actual &&
		cat >expect <<-\EOF &&
		owners_email_idx: unique addresses
		owners_pkey: it'\''s the owner
		pets_legs: legs are counted
		pets_small: few legs
		EOF
		comments >actual &&
		test_cmp expect actual &&
		git migrate -q downgrade "$(base_id)" &&
		cat >expect <<-\EOF &&
		owners_email_idx: one address each
		owners_pkey: the owner
		pets_fed: one meal at a time
		pets_legs: no negative legs
		pets_owner_id_fkey: who feeds it
		EOF
		comments >actual &&
		test_cmp expect actual &&
		git migrate -q upgrade &&
		git migrate diff >out 2>&1 &&
		test_grep "no changes" out
	)
'

test_done
