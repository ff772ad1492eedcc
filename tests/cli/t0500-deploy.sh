#!/bin/sh
test_description='deploy: upgrade, downgrade, current, status, stamp, createdb, verify --database'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

# deploy_config: .gitmigrate.yml for the case directory we are in (its own database).
deploy_config() {
	gm_write_config '[models/*.yml]'
	test_if_postgres || echo "database: sqlite:///db.sqlite" >>.gitmigrate.yml
}

# rows: the version table, "revision checksum applied_by" per line.
rows() {
	db_sql "SELECT revision || ' ' || checksum || ' ' || applied_by FROM git_migrate_history ORDER BY revision"
}

# expect_rows <id>...: the rows the version table must hold (checksums from git).
expect_rows() {
	for id in "$@"; do
		echo "$id $(git hash-object migrations/versions/${id}_*.sql) git-migrate 0.1.0"
	done
}

V=migrations/versions

test_expect_success 'setup: a chain a1 <- b2 <- c3 (c3 irreversible)' '
	mkdir r && (
		cd r && git init -q && deploy_config &&
		write_revision $V a1 "" "CREATE TABLE contacts (id integer PRIMARY KEY, email text NOT NULL);" \
			"DROP TABLE contacts;" &&
		write_revision $V b2 a1 "ALTER TABLE contacts ADD COLUMN name text;" \
			"ALTER TABLE contacts DROP COLUMN name;" &&
		write_revision $V c3 b2 "CREATE INDEX ix_contacts_email ON contacts (email);" &&
		git add -A && git commit -q -m chain && git branch production && db_create
	) &&
	git clone -q r s && (cd s && deploy_config && db_create)
'

test_expect_success 'status and current on an empty database: all pending, nothing applied' '
	(cd r && git migrate status >../out 2>../err) &&
	printf "pending  a1 revision a1\npending  b2 revision b2\npending  c3 revision c3\n" >expect &&
	test_cmp expect out &&
	test_grep ": 0 applied, 3 pending, 0 changed, 0 unknown" err &&
	(cd r && git migrate current >../out 2>../err) &&
	test_must_be_empty out &&
	test_grep "no revision is applied to" err &&
	test_no_password_in out err
'

test_expect_success 'upgrade --sql prints every statement, the version table and BEGIN/COMMIT, and changes nothing' '
	(cd r && git migrate upgrade --sql >../up.sql 2>../err) &&
	test_grep "^-- upgrade a1: revision a1" up.sql &&
	test_grep "^CREATE TABLE IF NOT EXISTS git_migrate_history" up.sql &&
	test "$(grep -c "^INSERT INTO git_migrate_history" up.sql)" = 3 &&
	test "$(grep -c "^BEGIN" up.sql)" = 3 && test "$(grep -c "^COMMIT;" up.sql)" = 3 &&
	(cd r && git migrate status >../out) && test "$(grep -c pending out)" = 3
'

test_expect_success 'upgrade applies the chain with one version row per revision' '
	(cd r && git migrate -v upgrade >../out 2>../err) &&
	test_grep "applied 3 revisions to" err &&
	test_grep "applied a1 ([0-9]* ms) revision a1" err &&
	(cd r && expect_rows a1 b2 c3 >../expect && rows >../actual) &&
	test_cmp expect actual &&
	test "$(db_query r "SELECT count(*) FROM git_migrate_history WHERE applied_at IS NOT NULL AND execution_ms >= 0")" = 3 &&
	test_no_password_in out err
'

test_expect_success 'the --sql output applied by the database shell gives the same schema and rows' '
	(cd s && db_run_file ../up.sql >/dev/null && rows >../rows.s && db_schema >../schema.s) &&
	(cd r && rows >../rows.r && db_schema >../schema.r) &&
	test_cmp rows.r rows.s && test_cmp schema.r schema.s
'

test_expect_success 'verify --database: the schema is the replay of the applied chain' '
	(cd r && git migrate verify --database >../out 2>../err) &&
	test_grep "^verify: ok (parse, graph, immutable, chained, database)" out
'

test_expect_success 'current and status after upgrade; upgrade again does nothing' '
	(cd r && git migrate current >../out) && echo c3 >expect && test_cmp expect out &&
	(cd r && git migrate -v current >../out) &&
	test "$(grep -c "checksum ok" out)" = 3 && test_grep "^c3	.*(head)" out &&
	(cd r && git migrate status >../out 2>../err) && test "$(grep -c "^applied " out)" = 3 &&
	(cd r && git migrate upgrade 2>../err) && test_grep "is up to date" err
'

test_expect_success 'downgrade through an irreversible revision is refused; nothing changes' '
	(cd r && test_expect_code 2 git migrate downgrade a1 2>../err) &&
	test_grep "^fatal: migrations/versions/c3_revision_c3.sql: revision .c3. is irreversible (no down section): nothing was downgraded" err &&
	(cd r && expect_rows a1 b2 c3 >../expect && rows >../actual) && test_cmp expect actual
'

test_expect_success 'bad targets: unknown revision (closest ids), not applied, too many steps' '
	(cd r && test_expect_code 2 git migrate upgrade b9 2>../err) &&
	test_grep "^fatal: unknown revision .b9." err && test_grep "^hint: the closest revisions: .b2." err &&
	(cd r && test_expect_code 2 git migrate downgrade x 2>../err) &&
	test_grep "^fatal: unknown revision .x." err &&
	(cd r && test_expect_code 2 git migrate upgrade +1 2>../err) &&
	test_grep "cannot upgrade 1 step: 0 revisions are pending" err &&
	(cd r && expect_rows a1 b2 c3 >../expect && rows >../actual) && test_cmp expect actual
'

test_expect_success 'stamp b2, then downgrade -1 and upgrade +1 step by step' '
	(cd r && git migrate stamp b2 2>../err) && test_grep "stamped .* at b2" err &&
	(cd r && expect_rows a1 b2 >../expect && rows >../actual) && test_cmp expect actual &&
	(cd r && test_expect_code 2 git migrate downgrade c3 2>../err) &&
	test_grep "^fatal: revision .c3. is not applied to" err &&
	(cd r && git migrate downgrade -1 2>../err) && test_grep "reverted 1 revision on" err &&
	(cd r && expect_rows a1 >../expect && rows >../actual) && test_cmp expect actual &&
	(cd r && git migrate upgrade +1 2>../err) && test_grep "applied 1 revision to" err &&
	(cd r && expect_rows a1 b2 >../expect && rows >../actual) && test_cmp expect actual &&
	(cd r && git migrate downgrade --sql base >../down.sql) &&
	test_grep "^-- downgrade b2: revision b2" down.sql &&
	test_grep "^DELETE FROM git_migrate_history WHERE revision = .a1.;" down.sql &&
	(cd r && git migrate downgrade base 2>../err) && test_grep "reverted 2 revisions on" err &&
	test -z "$(db_query r "SELECT revision FROM git_migrate_history")" &&
	(cd r && git migrate upgrade 2>../err) && test_grep "applied 3 revisions" err
'

test_expect_success 'a changed applied revision: upgrade, status and verify --database refuse' '
	(cd r && echo "-- edited" >>$V/b2_revision_b2.sql &&
	 write_revision $V d4 c3 "ALTER TABLE contacts ADD COLUMN phone text;" &&
	 test_expect_code 1 git migrate upgrade 2>../err) &&
	test_grep "^error: migrations/versions/b2_revision_b2.sql: revision .b2. changed since it was applied to .* (checksum applied [0-9a-f]\{40\}, file now [0-9a-f]\{40\})" err &&
	(cd r && test_expect_code 1 git migrate status >../out 2>../err) &&
	test_grep "^changed  b2" out && test_grep "1 changed" err &&
	(cd r && test_expect_code 1 git migrate verify --database --format json >../out) &&
	test_grep "revision .b2. changed since it was applied" out &&
	(cd r && test_expect_code 1 git migrate verify --database >../out) &&
	test -z "$(db_query r "SELECT revision FROM git_migrate_history WHERE revision = '\''d4'\''")" &&
	(cd r && git checkout -q $V/b2_revision_b2.sql && rm $V/d4_revision_d4.sql)
'

test_expect_success 'an unknown revision in the database: upgrade refuses, stamp --purge repairs' '
	db_query r "INSERT INTO git_migrate_history (revision, checksum, execution_ms, applied_by) VALUES ('\''zz9'\'', '\''x'\'', 0, '\''other'\'')" &&
	(cd r && test_expect_code 1 git migrate upgrade 2>../err) &&
	test_grep "^error: .* holds 1 revision that the worktree does not have: .zz9." err &&
	test_grep "^hint: .git migrate status. lists them; .git migrate stamp --purge <rev>." err &&
	(cd r && test_expect_code 1 git migrate status >../out) && test_grep "^unknown  zz9" out &&
	(cd r && test_expect_code 1 git migrate stamp c3 2>../err) && test_grep "stamp --purge c3" err &&
	(cd r && git migrate stamp --purge c3 2>../err) &&
	(cd r && expect_rows a1 b2 c3 >../expect && rows >../actual) && test_cmp expect actual
'

test_expect_success 'verify --database names schema drift' '
	db_query r "ALTER TABLE contacts ADD COLUMN note text" &&
	(cd r && test_expect_code 1 git migrate verify --database >../out) &&
	test_grep "column contacts.note exists in the database but in no revision" out &&
	(cd r && test_expect_code 1 git migrate verify --database --format github >../out) &&
	test_grep "^::error.*column contacts.note exists in the database" out &&
	db_query r "ALTER TABLE contacts DROP COLUMN note"
'

test_expect_success 'an unreachable database: exit 2, the URL masked, nothing created' '
	if test_if_postgres; then
		url="postgresql://someone:s3cr3t-pw@127.0.0.1:1/nowhere"
	else
		url="sqlite:////nonexistent-dir/x/db.sqlite"
	fi &&
	(cd r && GIT_MIGRATE_DATABASE_URL=$url test_expect_code 2 git migrate upgrade 2>../err) &&
	test_grep "^fatal: cannot .*" err && test_grep -v s3cr3t-pw err &&
	test_path_is_missing /nonexistent-dir
'

test_expect_success 'createdb creates the database once, then says it exists' '
	if test_if_postgres; then
		url=$(pg_url "${GM_PG_ROLE}_created")
	else
		url="sqlite:///sub/dir/new.db"
	fi &&
	(cd r && GIT_MIGRATE_DATABASE_URL=$url git migrate createdb 2>../err) &&
	test_grep "^created database" err && test_no_password_in err &&
	if test_if_sqlite; then test -d r/sub/dir; fi &&
	(cd r && GIT_MIGRATE_DATABASE_URL=$url git migrate createdb 2>../err) &&
	test_grep "already exists" err &&
	(cd r && GIT_MIGRATE_DATABASE_URL=$url git migrate upgrade 2>../err) &&
	test_grep "applied 3 revisions to" err
'

test_expect_success 'version_table: names the table; the schema checks leave it out' '
	git clone -q r v && (
		cd v && deploy_config && echo "version_table: deploy_log" >>.gitmigrate.yml &&
		db_create && git migrate upgrade +2 2>../err &&
		test "$(db_sql "SELECT revision FROM deploy_log ORDER BY 1" | tr "\n" " ")" = "a1 b2 " &&
		! db_sql "SELECT 1 FROM git_migrate_history" 2>/dev/null &&
		git migrate verify --database >../out
	) &&
	test_grep "applied 2 revisions" err &&
	test_grep "^verify: ok (parse, graph, immutable, chained, database)" out
'

if command -v script >/dev/null 2>&1; then
test_expect_success 'on a terminal, progress names each revision k/n with its message' '
	git clone -q r p && (
		cd p && deploy_config && db_create &&
		script -qec "git migrate upgrade" /dev/null >../tty.out
	) &&
	test_grep "upgrade 1/3 a1 revision a1" tty.out &&
	test_grep "upgrade 3/3 c3 revision c3" tty.out &&
	test_grep "applied 3 revisions to" tty.out &&
	test_no_password_in tty.out
'
else
test_skip 'on a terminal, progress names each revision k/n with its message' 'no script(1)'
fi

if test_if_sqlite; then
# The other writer holds its transaction until the upgrade has said that it waits: no
# window of time to hit, whatever the load of the machine. It waits for the lock itself
# (.timeout): the probe that checks it holds the lock takes the lock for a moment, and
# the writer's BEGIN failed when it came at that moment.
test_expect_success 'SQLite: upgrade waits for another writer, says so after 2 s, then applies' '
	rm -f hold && mkfifo hold &&
	{ echo ".timeout 60000"; echo "BEGIN IMMEDIATE;"; read go <hold; echo "COMMIT;"; } |
		sqlite3 v/db.sqlite &
	writer=$!
	test_wait_until 60 test_must_fail sqlite3 v/db.sqlite "BEGIN IMMEDIATE; ROLLBACK;" 2>/dev/null &&
	{ (cd v && git migrate upgrade 2>../err) & } &&
	up=$! &&
	test_wait_until 60 grep -q "^waiting for another" err 2>/dev/null
	! kill -0 $writer 2>/dev/null || echo go >hold
	wait $writer
	wait $up &&
	test_grep "^waiting for another git-migrate run on this database..." err &&
	test_grep "applied 1 revision to" err
'
fi

test_done
