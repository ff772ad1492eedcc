#!/bin/sh
test_description='stamp --from-alembic: a database that Alembic upgraded is recorded in git-migrate'\''s version table; current, status, upgrade follow; bad input writes nothing'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"
. "$TEST_DIR/lib-python.sh"
if test_if_postgres; then
	python_need alembic sqlalchemy psycopg2
else
	python_need alembic sqlalchemy
fi

V=migrations/versions
A1=ae1000000001 A2=ae1000000002 A3=ae1000000003 A4=ae1000000004
CONTACTS="CREATE TABLE contacts (id integer PRIMARY KEY, email varchar(200) NOT NULL)"
NAME="ALTER TABLE contacts ADD COLUMN name varchar(100)"
INDEX="CREATE INDEX ix_contacts_email ON contacts (email)"

# alembic_project: (cwd: a case directory) `alembic init`, pointed at the case database.
alembic_project() {
	if test_if_postgres; then url=$(pg_url "$(case_db)"); else url=sqlite:///db.sqlite; fi &&
	alembic init alembic >/dev/null &&
	sed -i "s#^sqlalchemy.url = .*#sqlalchemy.url = $url#" alembic.ini &&
	grep -q "^sqlalchemy.url = $url" alembic.ini
}

# alembic_rev <id> <message> <sql> [<alembic revision options>...]: an Alembic revision
# whose upgrade runs <sql>.
alembic_rev() {
	id=$1 msg=$2 sql=$3 && shift 3 &&
	alembic revision -m "$msg" --rev-id "$id" "$@" >/dev/null &&
	f=$(ls alembic/versions/${id}_*.py) &&
	sed -i "0,/^    pass\$/s//    op.execute(\"$sql\")/" "$f" &&
	grep -q "op.execute" "$f"
}

# gm_config: .gitmigrate.yml for the case directory's database.
gm_config() {
	gm_write_config '[models/*.yml]' &&
	{ test_if_postgres || echo "database: sqlite:///db.sqlite" >>.gitmigrate.yml; }
}

alembic_nums() {
	db_sql "SELECT version_num FROM alembic_version ORDER BY 1"
}

test_expect_success 'setup: an Alembic project upgraded to head; the same history as git-migrate revisions' '
	mkdir lin && (
		cd lin && git init -q && db_create && gm_config &&
		alembic_project &&
		alembic_rev $A1 "create contacts" "$CONTACTS" &&
		alembic_rev $A2 "add name" "$NAME" &&
		alembic upgrade head 2>../alembic.err &&
		alembic_nums >../nums && echo $A2 >../expect && test_cmp ../expect ../nums &&
		write_revision $V $A1 "" "$CONTACTS;" "DROP TABLE contacts;" &&
		write_revision $V $A2 $A1 "$NAME;" "ALTER TABLE contacts DROP COLUMN name;" &&
		git add -A && git commit -q -m "alembic project, imported history" && git branch production &&
		git migrate status >../out 2>../err
	) &&
	test_grep "^pending  $A1" out && test_grep "^pending  $A2" out
'

test_expect_success 'stamp --from-alembic records Alembic'\''s head and its ancestors' '
	(cd lin && git migrate stamp --from-alembic >../out 2>../err) &&
	test_grep "stamped .* at $A2 (from alembic_version)" err &&
	(cd lin && db_sql "SELECT revision || '\'' '\'' || execution_ms FROM git_migrate_history ORDER BY 1") >rows &&
	printf "%s\n" "$A1 0" "$A2 0" >expect && test_cmp expect rows &&
	(cd lin && alembic_nums) >nums && echo $A2 >expect && test_cmp expect nums
'

test_expect_success 'afterwards: current is Alembic'\''s head, status clean, upgrade a no-op' '
	(cd lin && git migrate current) >cur && echo $A2 >expect && test_cmp expect cur &&
	(cd lin && git migrate status >../out 2>../err) &&
	test_grep ": 2 applied, 0 pending, 0 changed, 0 unknown" err &&
	(cd lin && git migrate upgrade >../out 2>../err) &&
	test_grep "is up to date" err &&
	(cd lin && test_expect_code 1 git migrate verify --database >../out 2>../err) &&
	grep "^\[database\]" out >found &&
	echo "[database] table alembic_version exists in the database but in no revision" >expect &&
	test_cmp expect found
'

test_expect_success 'the next revision chains onto Alembic'\''s head and upgrade applies it' '
	(
		cd lin &&
		write_revision $V ae1000000005 $A2 "$INDEX;" "DROP INDEX ix_contacts_email;" &&
		git add -A && git commit -q -m next &&
		git migrate upgrade >../out 2>../err &&
		git migrate current
	) >cur &&
	echo ae1000000005 >expect && test_cmp expect cur &&
	if test_if_postgres
	then
		(cd lin && db_sql "SELECT indexname FROM pg_indexes WHERE tablename = '\''contacts'\'' AND indexname LIKE '\''ix_%'\''") >ix
	else
		(cd lin && db_sql "SELECT name FROM sqlite_master WHERE type = '\''index'\'' AND name LIKE '\''ix_%'\''") >ix
	fi &&
	echo ix_contacts_email >expect && test_cmp expect ix
'

test_expect_success 'a revision that drops alembic_version ends the drift: verify --database is clean' '
	(
		cd lin &&
		write_revision $V ae1000000006 ae1000000005 "DROP TABLE IF EXISTS alembic_version;" &&
		git add -A && git commit -q -m "drop alembic_version" && git branch -f production &&
		git migrate upgrade 2>../err &&
		git migrate verify --database >../out 2>../err
	)
'

test_expect_success 'two Alembic heads (branches not merged yet): both stamped; the merge is pending' '
	mkdir br && (
		cd br && git init -q && db_create && gm_config &&
		alembic_project &&
		alembic_rev $A1 "create contacts" "$CONTACTS" &&
		alembic_rev $A2 "add name" "$NAME" &&
		alembic_rev $A3 "index email" "$INDEX" --head $A1 --splice &&
		alembic upgrade heads 2>../alembic.err &&
		alembic_nums >../nums &&
		write_revision $V $A1 "" "$CONTACTS;" "DROP TABLE contacts;" &&
		write_revision $V $A2 $A1 "$NAME;" &&
		write_revision $V $A3 $A1 "$INDEX;" &&
		write_revision $V $A4 "$A2, $A3" "SELECT 1;" &&
		git add -A && git commit -q -m history &&
		git migrate stamp --from-alembic >../out 2>../err &&
		git migrate current >../cur &&
		git migrate status >../status
	) &&
	printf "%s\n" $A2 $A3 >expect && test_cmp expect nums &&
	test_grep "stamped .* at $A2, $A3 (from alembic_version)" err &&
	sort cur >cur.sorted && test_cmp expect cur.sorted &&
	test_grep "^pending  $A4" status &&
	(cd br && git migrate upgrade 2>../err && git migrate current) >cur &&
	echo $A4 >expect && test_cmp expect cur
'

# no_version_table: (cwd: a case directory) git-migrate's version table does not exist.
no_version_table() {
	if test_if_postgres; then
		test "$(db_sql "SELECT count(*) FROM pg_class WHERE relname = 'git_migrate_history'")" = 0
	else
		test "$(db_sql "SELECT count(*) FROM sqlite_master WHERE name = 'git_migrate_history'")" = 0
	fi
}

test_expect_success 'a database without alembic_version: exit 2, nothing written' '
	mkdir none && (
		cd none && git init -q && db_create && gm_config &&
		write_revision $V $A1 "" "$CONTACTS;" &&
		git add -A && git commit -q -m history &&
		db_sql "CREATE TABLE other (id integer)" &&
		test_expect_code 2 git migrate stamp --from-alembic >../out 2>../err &&
		no_version_table
	) &&
	test_must_be_empty out &&
	test_grep "^fatal: .* has no table .alembic_version.: nothing to stamp from" err &&
	test_grep "^hint: " err
'

if test_if_sqlite; then
test_expect_success 'SQLite: a database file that does not exist is not created' '
	(cd none && rm -f db.sqlite &&
	 test_expect_code 2 git migrate stamp --from-alembic 2>../err &&
	 test_path_is_missing db.sqlite) &&
	test_grep "has no table .alembic_version." err
'
else
test_skip 'SQLite: a database file that does not exist is not created' 'SQLite only'
fi

test_expect_success 'alembic_version naming a revision the history lacks: exit 2, named, import suggested' '
	(
		cd none && db_create &&
		db_sql "CREATE TABLE alembic_version (version_num varchar(32) NOT NULL PRIMARY KEY)" &&
		db_sql "INSERT INTO alembic_version VALUES ('\''0badc0ffee00'\'')" &&
		test_expect_code 2 git migrate stamp --from-alembic >../out 2>../err &&
		no_version_table
	) &&
	test_grep "^fatal: .alembic_version. of .* names revision .0badc0ffee00., which the worktree.s history does not have" err &&
	test_grep "^hint: .*git migrate import alembic" err
'

test_expect_success 'an empty alembic_version: exit 2, nothing to stamp' '
	(
		cd none &&
		db_sql "DELETE FROM alembic_version" &&
		test_expect_code 2 git migrate stamp --from-alembic >../out 2>../err &&
		no_version_table
	) &&
	test_grep "^fatal: .alembic_version. of .* is empty: Alembic applied nothing, so there is nothing to stamp" err
'

test_expect_success 'unknown revisions in the version table: refused unless --purge' '
	(
		cd none &&
		db_sql "INSERT INTO alembic_version VALUES ('\''$A1'\'')" &&
		git migrate stamp $A1 2>/dev/null &&
		db_sql "INSERT INTO git_migrate_history (revision, checksum, execution_ms, applied_by) VALUES ('\''ffffffffffff'\'', '\''x'\'', 0, '\''x'\'')" &&
		test_expect_code 1 git migrate stamp --from-alembic 2>../err &&
		git migrate stamp --purge --from-alembic 2>../err2 &&
		db_sql "SELECT revision FROM git_migrate_history"
	) >rows &&
	test_grep "ffffffffffff" err &&
	test_grep "hint: .git migrate stamp --purge --from-alembic." err &&
	echo $A1 >expect && test_cmp expect rows
'

test_expect_success 'usage: --from-alembic takes no <rev>' '
	(cd none && test_expect_code 2 git migrate stamp --from-alembic $A1 2>../err) &&
	test_grep "error: --from-alembic takes no <rev>" err
'

test_done
