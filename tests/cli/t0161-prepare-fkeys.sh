#!/bin/sh
test_description='Composite and deferrable foreign keys from YAML models (issue 14): foreign_keys with columns and references, deferrable: initially_deferred, then not deferrable; applied to a database with rows and back, compared with the catalog and by behaviour (a deferred key checks at commit)'
. ./lib.sh
test "$GM_TEST_DIALECT" != none ||
	test_skip_all "needs a dialect"
. "$TEST_DIR/lib-prepare.sh"
. "$TEST_DIR/lib-cols.sh"

cat >base.yml <<'YAML'
tables:
  sites:
    columns:
      a: integer
      b: integer
    primary_key: [a, b]
  rooms:
    columns:
      id:     {type: integer, primary_key: true}
      site_a: integer
      site_b: integer
YAML
{ cat base.yml && cat <<'YAML'; } >deferred.yml
    foreign_keys:
      - columns: [site_a, site_b]
        references: {table: sites, columns: [a, b]}
        on_delete: cascade
        deferrable: initially_deferred
YAML
sed "s/deferrable: initially_deferred/deferrable: false/" deferred.yml >immediate.yml

# fkey: the foreign key of rooms as the catalog has it
fkey() {
	if test_if_postgres; then
		db_sql "SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'rooms'::regclass AND contype = 'f'"
	else
		db_sql "SELECT \"table\" || ' ' || \"from\" || '>' || \"to\" || ' ' || on_delete FROM pragma_foreign_key_list('rooms') ORDER BY seq" &&
		db_sql "SELECT sql FROM sqlite_schema WHERE name = 'rooms'" | grep -o "DEFERRABLE[A-Z ]*" || :
	fi
}

# late_parent: in one transaction a room whose site comes after it; fails unless deferred
late_parent() {
	if test_if_postgres; then
		db_sql "BEGIN; INSERT INTO rooms VALUES ($1, 7, $1); INSERT INTO sites VALUES (7, $1); COMMIT;"
	else
		db_sql "PRAGMA foreign_keys = ON; BEGIN; INSERT INTO rooms VALUES ($1, 7, $1); INSERT INTO sites VALUES (7, $1); COMMIT;"
	fi
}

test_expect_success 'setup: production with the base models; a database with rows' '
	cols_case_setup fk base.yml "INSERT INTO sites VALUES (1, 1), (1, 2); INSERT INTO rooms VALUES (1, 1, 1), (2, 1, 2)"
'

test_expect_success 'a composite deferrable foreign key: planned, applied, deferred' '
	(
		cd fk &&
		cols_prepare ../deferred.yml deferred &&
		git add -A && git commit -q -m "deferred revision" &&
		git migrate -q upgrade &&
		fkey >fkey.up &&
		late_parent 3 &&
		git migrate diff >out 2>err.diff
	) &&
	test_grep "add foreign key rooms_site_a_site_b_fkey" fk/err &&
	if test_if_postgres; then
		echo "ALTER TABLE rooms ADD CONSTRAINT rooms_site_a_site_b_fkey FOREIGN KEY (site_a, site_b) REFERENCES sites (a, b) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED;" >expect &&
		grep -v "^$" fk/up.sql >actual && test_cmp expect actual &&
		echo "rooms_site_a_site_b_fkey FOREIGN KEY (site_a, site_b) REFERENCES sites(a, b) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED" >expect
	else
		test_grep "table rebuild of rooms" fk/err &&
		printf "%s\n" "sites site_a>a CASCADE" "sites site_b>b CASCADE" "DEFERRABLE INITIALLY DEFERRED" >expect
	fi &&
	test_cmp expect fk/fkey.up &&
	test_grep "^no changes$" fk/err.diff
'

test_expect_success 'not deferrable any more: the late parent is refused; downgrade defers again' '
	(
		cd fk &&
		prev=$(revision_id "$(cat path)") &&
		cols_prepare ../immediate.yml immediate &&
		git migrate -q upgrade &&
		fkey >fkey.up &&
		test_must_fail late_parent 4 2>/dev/null &&
		git migrate -q downgrade "$prev" &&
		fkey >fkey.down &&
		late_parent 5 &&
		db_sql "SELECT count(*) FROM rooms" >count
	) &&
	if test_if_postgres; then
		echo "ALTER TABLE rooms ALTER CONSTRAINT rooms_site_a_site_b_fkey NOT DEFERRABLE;" >expect &&
		grep -v "^$" fk/up.sql >actual && test_cmp expect actual &&
		echo "rooms_site_a_site_b_fkey FOREIGN KEY (site_a, site_b) REFERENCES sites(a, b) ON DELETE CASCADE" >expect
	else
		printf "%s\n" "sites site_a>a CASCADE" "sites site_b>b CASCADE" >expect
	fi &&
	test_cmp expect fk/fkey.up &&
	echo 4 >expect && test_cmp expect fk/count &&
	test_grep "DEFERRABLE INITIALLY DEFERRED" fk/fkey.down
'

test_expect_success 'downgrade to the base: no foreign key; rows kept' '
	(
		cd fk &&
		git migrate -q downgrade "$(base_id)" &&
		fkey >fkey.base &&
		db_sql "SELECT count(*) FROM rooms" >count
	) &&
	test_must_be_empty fk/fkey.base &&
	echo 4 >expect && test_cmp expect fk/count
'

test_expect_success 'bad foreign_keys and deferrable: exit 2 with file:line' '
	(
		cd fk &&
		cols_bad_diff err.value "s/deferrable: initially_deferred/deferrable: later/" ../deferred.yml &&
		cols_bad_diff err.count "s/columns: \[a, b\]/columns: [a]/" ../deferred.yml &&
		cols_bad_diff err.key "s/^        on_delete: cascade$/        on_delete: cascade\n        match: full/" ../deferred.yml &&
		git checkout -q models/app.yml
	) &&
	test_grep "models/app.yml:16:.*.deferrable. of a foreign key must be true, false or initially_deferred, not .later." fk/err.value &&
	test_grep "models/app.yml:14:.*a foreign key of table .rooms. has 2 columns but references 1" fk/err.count &&
	test_grep "models/app.yml:16:.*unknown key .match. in a foreign key of table .rooms." fk/err.key
'

test_done
