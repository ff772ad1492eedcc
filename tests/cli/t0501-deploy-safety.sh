#!/bin/sh
test_description='deploy safety: concurrent upgrades, kill -9 at random points, commit markers, transaction: false'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

V=migrations/versions

# slow_table <name> <seconds>: a statement that takes about that long and creates <name>.
slow_table() {
	if test_if_postgres; then
		echo "CREATE TABLE $1 AS SELECT 1 AS n FROM pg_sleep($2);"
	else
		printf '%s\n' "CREATE TABLE $1 AS" \
			"  WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $(awk "BEGIN { print int($2 * 1500000) }"))" \
			"  SELECT count(*) AS n FROM c;"
	fi
}

# tables: the tables named k* / s* (the revisions' own), one per line.
tables() {
	if test_if_postgres; then
		db_sql "SELECT relname FROM pg_class WHERE relkind = 'r' AND relname ~ '^[ks][0-9]$' AND relnamespace = current_schema()::regnamespace ORDER BY 1"
	else
		db_sql "SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB '[ks][0-9]' ORDER BY 1"
	fi
}

# applied: the version table's revisions, one per line (none when it does not exist yet).
applied() {
	db_sql "SELECT revision FROM git_migrate_history ORDER BY 1" 2>/dev/null || true
}

# settled: no other session is left on the case database (PostgreSQL). A client killed
# while its COMMIT was on the way leaves a backend that still commits it: reading before it
# has would see its tables and not yet its version row, in two separate reads. SQLite runs
# in the process: nothing is left once it is dead.
alone() {
	test "$(db_sql "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")" = 0
}
settled() {
	test_if_postgres || return 0
	test_wait_until 10 alone || { echo "sessions still open on $(case_db)" >&2; return 1; }
}

# four_upgrades: four `git migrate upgrade`s at once in the current directory (out.N,
# err.N); all four must succeed.
four_upgrades() {
	pids=
	for i in 1 2 3 4; do
		git migrate upgrade >out.$i 2>err.$i &
		pids="$pids $!"
	done
	ok=0
	for p in $pids; do wait $p && ok=$((ok + 1)); done
	test $ok = 4
}

# notx_revision <id> <parent> <up sql> [<down sql>]: write_revision, with the header line
# "-- transaction: false" after the message.
notx_revision() {
	write_revision $V "$@" &&
	sed -i "/^-- message:/a -- transaction: false" $V/${1}_revision_$1.sql
}

deploy_repo() {
	mkdir "$1" && (
		cd "$1" && git init -q && gm_write_config '[models/*.yml]' &&
		{ test_if_postgres || echo "database: sqlite:///db.sqlite" >>.gitmigrate.yml; } &&
		write_revision $V ${2}1 "" "$(slow_table ${2}1 $3)" "DROP TABLE ${2}1;" &&
		write_revision $V ${2}2 ${2}1 "$(slow_table ${2}2 $3)" "DROP TABLE ${2}2;" &&
		write_revision $V ${2}3 ${2}2 "$(slow_table ${2}3 $3)" "DROP TABLE ${2}3;" &&
		git add -A && git commit -q -m chain && db_create
	)
}

test_expect_success 'four upgrades at once apply each revision exactly once' '
	deploy_repo c s 0.7 &&
	(
		cd c &&
		four_upgrades
	) &&
	(cd c && applied >../actual && tables >../tables) &&
	printf "s1\ns2\ns3\n" >expect && test_cmp expect actual && test_cmp expect tables &&
	test "$(cat c/err.* | sed -n "s/^applied \([0-9]\) revisions\{0,1\} to.*/\1/p" | awk "{ n += \$1 } END { print n }")" = 3 &&
	if test_if_postgres; then
		test_grep "waiting for another git-migrate run on this database" c/err.*
	fi
'

test_expect_success 'four upgrades at once run a transaction: false revision once' '
	mkdir n && (
		cd n && git init -q && gm_write_config "[models/*.yml]" &&
		{ test_if_postgres || echo "database: sqlite:///db.sqlite" >>.gitmigrate.yml; } &&
		write_revision $V n1 "" "CREATE TABLE runs (rev text);" "DROP TABLE runs;" &&
		notx_revision n2 n1 "$(slow_table k2 0.5)
INSERT INTO runs VALUES ('"'"'n2'"'"');" "DROP TABLE k2;" &&
		notx_revision n3 n2 "$(slow_table k3 0.5)
INSERT INTO runs VALUES ('"'"'n3'"'"');" "DROP TABLE k3;" &&
		git add -A && git commit -q -m chain && db_create &&
		four_upgrades &&
		db_sql "SELECT rev FROM runs ORDER BY 1" >../actual
	) &&
	printf "n2\nn3\n" >expect && test_cmp expect actual &&
	(cd n && applied >../actual) && printf "n1\nn2\nn3\n" >expect && test_cmp expect actual &&
	! ls n | grep git-migrate.lock
'

test_expect_success 'kill -9 at random points always leaves version rows and schema agreeing' '
	deploy_repo k k 0.4 &&
	(
		cd k &&
		for i in 1 2 3 4 5; do
			# git-migrate itself: `git migrate` would run it as a child of git, out of
			# reach of the kill, and it would go on (and race with the reads below)
			(exec git-migrate upgrade >/dev/null 2>&1) &
			pid=$!
			sleep $(awk -v s=$i "BEGIN { srand(s * 7919 + $$); printf \"%.2f\", 0.05 + rand() * 1.3 }")
			kill -9 $pid 2>/dev/null; wait $pid
			settled && applied >rows && tables >tabs &&
			test_cmp rows tabs || return 1
		done &&
		git migrate upgrade 2>/dev/null &&
		applied >rows && tables >tabs && test_cmp rows tabs &&
		test "$(cat rows | wc -l)" = 3
	)
'

if test_if_postgres; then
test_expect_success 'a -- +migrate commit part: a new enum label used after it' '
	mkdir e && (
		cd e && git init -q && gm_write_config "[models/*.yml]" &&
		write_revision $V e1 "" "CREATE TYPE mood AS ENUM ('\''sad'\''); CREATE TABLE people (id integer, m mood);" &&
		write_revision $V e2 e1 "ALTER TYPE mood ADD VALUE IF NOT EXISTS '\''happy'\'';
-- +migrate commit
ALTER TABLE people ALTER COLUMN m SET DEFAULT '\''happy'\'';
INSERT INTO people (id) VALUES (1);" &&
		git add -A && git commit -q -m enum && db_create &&
		git migrate upgrade 2>../err &&
		test "$(db_sql "SELECT m FROM people")" = happy &&
		test "$(applied | tr "\n" " ")" = "e1 e2 "
	) &&
	test_grep "applied 2 revisions" err
'

test_expect_success 'transaction: false runs CREATE INDEX CONCURRENTLY, then writes its row' '
	(
		cd e &&
		notx_revision e3 e2 "CREATE INDEX CONCURRENTLY ix_people_id ON people (id);" \
			"DROP INDEX CONCURRENTLY ix_people_id;" &&
		git add -A && git commit -q -m e3 &&
		git migrate upgrade 2>../err &&
		test "$(db_sql "SELECT indexname FROM pg_indexes WHERE indexname = '\''ix_people_id'\''")" = ix_people_id &&
		test "$(applied | tr "\n" " ")" = "e1 e2 e3 " &&
		git migrate downgrade e2 2>>../err &&
		test -z "$(db_sql "SELECT indexname FROM pg_indexes WHERE indexname = '\''ix_people_id'\''")" &&
		test "$(applied | tr "\n" " ")" = "e1 e2 "
	) &&
	test_grep "reverted 1 revision" err
'

test_expect_success 'transaction: false failing in the middle names the statement and asks for a hand repair' '
	(
		cd e &&
		notx_revision e4 e3 "CREATE INDEX CONCURRENTLY ix_people_m ON people (m);
CREATE INDEX CONCURRENTLY ix_bad ON people (nosuch);" &&
		git migrate upgrade +1 && test_expect_code 2 git migrate upgrade 2>../err &&
		test "$(applied | tr "\n" " ")" = "e1 e2 e3 "
	) &&
	test_grep "^fatal: migrations/versions/e4_revision_e4.sql:9: applying revision .e4.: column \"nosuch\" does not exist" err &&
	test_grep "^    CREATE INDEX CONCURRENTLY ix_bad ON people (nosuch);" err &&
	test_grep "^hint: revision .e4. runs without a transaction (transaction: false): the statements before the failing one stay applied" err
'
else
test_skip 'a -- +migrate commit part: a new enum label used after it' 'PostgreSQL only'
test_skip 'transaction: false runs CREATE INDEX CONCURRENTLY, then writes its row' 'PostgreSQL only'
test_skip 'transaction: false failing in the middle names the statement' 'PostgreSQL only'
fi

test_done
