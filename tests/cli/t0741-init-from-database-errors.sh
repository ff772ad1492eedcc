#!/bin/sh
test_description='init --from-database refuses, with exit 2 and nothing written: an unreachable database (password masked), a missing SQLite file, existing files, a migrations directory with revisions, a database git-migrate manages already, no repository, bad usage'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

db_url() {
	if test_if_postgres; then pg_url "$(case_db)"; else echo "sqlite:///db.sqlite"; fi
}

# nothing_written <dir>: the directory holds only .git (and the SQLite database).
nothing_written() {
	(cd "$1" && ls -A | grep -v -e "^\.git$" -e "^db\.sqlite$") >written
	test_must_be_empty written
}

test_expect_success 'setup: a database with one table' '
	git init -q repo &&
	echo "CREATE TABLE t (id integer PRIMARY KEY, name text);" >schema.sql &&
	(cd repo && db_create && db_run_file ../schema.sql >/dev/null)
'

test_expect_success 'an unreachable database: exit 2, the password masked, nothing written' '
	if test_if_postgres; then
		url="postgresql://someone:s3cr3t-pw@127.0.0.1:1/nowhere"
	else
		url="sqlite:///nowhere/db.sqlite"
	fi &&
	(cd repo && test_expect_code 2 git migrate init --from-database "$url" >../out 2>../err) &&
	test_must_be_empty out &&
	if test_if_postgres; then
		test_grep "^fatal: cannot connect to .postgresql://someone:\*\*\*@127.0.0.1:1/nowhere." err &&
		test_grep -v "s3cr3t-pw" err
	else
		test_grep "^fatal: database .sqlite:///nowhere/db.sqlite. does not exist$" err
	fi &&
	nothing_written repo
'

test_expect_success 'a URL of no known kind: exit 2, nothing written' '
	(cd repo && test_expect_code 2 git migrate init --from-database "mysql://u:pw@h/db" 2>../err) &&
	test_grep "^fatal: unsupported database URL .mysql://u:\*\*\*@h/db.$" err &&
	nothing_written repo
'

test_expect_success 'existing files are kept and named: exit 2, nothing written' '
	(
		cd repo && mkdir models && echo "# mine" >models/schema.yml &&
		echo "production: main" >.gitmigrate.yml &&
		test_expect_code 2 git migrate init --from-database "$(db_url)" >../out 2>../err
	) &&
	test_must_be_empty out &&
	test_grep "^error: .\.gitmigrate\.yml. already exists$" err &&
	test_grep "^error: .models/schema\.yml. already exists$" err &&
	test_grep "^hint: init never overwrites: nothing was written$" err &&
	test "$(cat repo/models/schema.yml)" = "# mine" &&
	test "$(cat repo/.gitmigrate.yml)" = "production: main" &&
	test_path_is_missing repo/migrations &&
	test "$(db_query repo "SELECT count(*) FROM t")" = 0 &&
	rm -r repo/models repo/.gitmigrate.yml
'

test_expect_success 'a migrations directory that holds revisions: exit 2, nothing written' '
	(
		cd repo &&
		write_revision migrations/versions a1 "" "CREATE TABLE t (id integer);" &&
		test_expect_code 2 git migrate init --from-database "$(db_url)" 2>../err
	) &&
	test_grep "^error: .migrations/versions. already holds revisions$" err &&
	test_path_is_missing repo/models &&
	test_path_is_missing repo/.gitmigrate.yml &&
	rm -r repo/migrations
'

test_expect_success 'a database that git-migrate manages already: exit 2, nothing written' '
	(cd repo && git migrate init --from-database "$(db_url)" 2>../err) &&
	test_grep "^stamped " err &&
	git init -q again &&
	(
		cd again &&
		if test_if_postgres; then url=$(cd ../repo && db_url); else url="sqlite:///../repo/db.sqlite"; fi &&
		test_expect_code 2 git migrate init --from-database "$url" 2>../err
	) &&
	test_grep "is managed by git-migrate already: it has the version table .git_migrate_history.$" err &&
	test_no_password_in err &&
	test_path_is_missing again/models
'

test_expect_success 'outside a git repository: exit 2, nothing written' '
	mkdir plain &&
	(cd plain && GIT_CEILING_DIRECTORIES=$PWD/.. &&
	 export GIT_CEILING_DIRECTORIES &&
	 test_expect_code 2 git migrate init --from-database "sqlite:///x.db" 2>../err) &&
	test_grep "^fatal: not a git repository" err &&
	test_grep "^hint: init --from-database writes a revision to commit: run .git init. first$" err &&
	test -z "$(ls -A plain)"
'

test_expect_success 'usage: --from-database needs a URL; plain init still writes its example' '
	mkdir fresh && (cd fresh && git init -q &&
		test_expect_code 2 git migrate init --from-database 2>../err &&
		git migrate init >../out) &&
	test_grep "^error: option .--from-database. needs a value$" err &&
	test_grep "^created models/example.yml$" out &&
	test_path_is_file fresh/.gitmigrate.yml
'

test_expect_success 'init -h names --from-database' '
	git migrate init -h >out &&
	test_grep "^git migrate init --from-database <url>$" out &&
	test_grep "^    --from-database <url> " out
'

test_done
