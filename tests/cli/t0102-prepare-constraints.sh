#!/bin/sh
test_description='prepare (SQLite and PostgreSQL): indexes, unique, foreign keys, checks, primary keys'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

contacts_models >base.yml
cat >>base.yml <<'YAML'
  deals:
    columns:
      id:         {type: integer, primary_key: true}
      title:      {type: varchar(120), null: false}
      amount:     {type: integer, null: false, default: 0}
      contact_id: integer
YAML
cat >rows.sql <<'SQL'
INSERT INTO contacts (id, email) VALUES (1, 'a@example.com'), (2, 'b@example.com');
INSERT INTO deals (id, title, amount, contact_id) VALUES (1, 'first', 10, 1), (2, 'second', 20, 2);
SQL

test_expect_success 'add an index, then drop it' '
	cp base.yml ix.yml &&
	printf "    indexes:\n      - {columns: [title, amount]}\n" >>ix.yml &&
	prepare_case addix base.yml ix.yml rows.sql &&
	test_grep "add index deals_title_amount_idx" addix/err &&
	test_grep "CREATE INDEX deals_title_amount_idx ON deals (title, amount)" addix/migrations/versions/*_add_index*.sql &&
	prepare_case dropix ix.yml base.yml rows.sql &&
	test_grep "drop index deals_title_amount_idx" dropix/err
'

test_expect_success 'add a unique constraint' '
	sed "s/email: {type: varchar(200), null: false}/email: {type: varchar(200), null: false, unique: true}/" base.yml >uq.yml &&
	prepare_case unique base.yml uq.yml rows.sql &&
	test_grep "contacts_email_key" unique/err &&
	test_must_fail db_query unique "INSERT INTO contacts (id, email) VALUES (3, '\''a@example.com'\'')"
'

test_expect_success 'add a foreign key with on_delete' '
	sed "s/contact_id: integer/contact_id: {type: integer, references: contacts(id), on_delete: cascade}/" base.yml >fk.yml &&
	prepare_case fk base.yml fk.yml rows.sql &&
	test_grep "add foreign key deals_contact_id_fkey" fk/err &&
	{ test_if_postgres || fk_on="PRAGMA foreign_keys=ON;"; } &&
	db_query fk "$fk_on DELETE FROM contacts WHERE id = 1; SELECT count(*) FROM deals" >actual &&
	echo 1 >expect && test_cmp expect actual
'

test_expect_success 'add a check' '
	cp base.yml ck.yml &&
	printf "    checks:\n      amount_positive: amount >= 0\n" >>ck.yml &&
	prepare_case check base.yml ck.yml rows.sql &&
	test_grep "add check amount_positive" check/err &&
	test_must_fail db_query check "UPDATE deals SET amount = -1 WHERE id = 1"
'

test_expect_success 'composite primary key' '
	cat >pk1.yml <<-YAML &&
	tables:
	  memberships:
	    columns:
	      group_id: {type: integer, null: false}
	      user_id:  {type: integer, null: false}
	      role:     text
	    primary_key: [group_id]
	YAML
	sed "s/primary_key: \[group_id\]/primary_key: [group_id, user_id]/" pk1.yml >pk2.yml &&
	echo "INSERT INTO memberships VALUES (1, 1, '\''a'\''), (2, 1, '\''b'\'');" >rows-pk.sql &&
	prepare_case pk pk1.yml pk2.yml rows-pk.sql &&
	test_grep "change primary key of memberships" pk/err &&
	test_grep "PRIMARY KEY (group_id, user_id)" pk/migrations/versions/*.sql
'

test_expect_success 'no scratch database is left behind' '
	test_no_scratch_left
'

# Two new tables that reference each other: up adds one key after both exist; down drops
# the key that blocks the first drop (PostgreSQL refuses to drop a referenced table).
test_expect_success 'circular foreign keys between new tables: up and down both apply' '
	cp base.yml cyc.yml &&
	cat >>cyc.yml <<-YAML &&
	  teams:
	    columns:
	      id: {type: integer, primary_key: true}
	      lead_id: {type: integer, references: people(id)}
	  people:
	    columns:
	      id: {type: integer, primary_key: true}
	      team_id: {type: integer, references: teams(id)}
	YAML
	prepare_case cycle base.yml cyc.yml rows.sql &&
	f=$(ls cycle/migrations/versions/*.sql | grep -v _base.sql) &&
	test_grep "add table people" cycle/err &&
	if test_if_postgres; then
		section "$f" down >down.sql &&
		test_grep "ALTER TABLE .* DROP CONSTRAINT .*_fkey;" down.sql
	fi &&
	prepare_case uncycle cyc.yml base.yml rows.sql &&
	test_grep "drop table teams" uncycle/err
'

test_done
