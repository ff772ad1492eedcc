#!/bin/sh
test_description='PostgreSQL failure paths: unreachable server, no CREATEDB, a failing revision, signals, a SIGKILLed run'
. ./lib.sh
test "$GM_TEST_DIALECT" = postgres ||
	test_skip_all "PostgreSQL only: runs in the GM_TEST_DIALECT=postgres pass of make test"
. "$TEST_DIR/lib-prepare.sh"

contacts_models >base.yml
with_columns base.yml "name: text" >after.yml

SECRET=s3cr3t-Pa55
# A loopback port nobody listens on: our own server's port + 1 would do, but port 1 is
# privileged and never a PostgreSQL server.
DEAD_URL="postgresql://alice:$SECRET@127.0.0.1:1/app"

# The files a run may have written, and the repository's state.
snapshot() {
	(cd "$1" && ls -a migrations/versions && git status --porcelain && git rev-parse HEAD)
}

# set_scratch <repo> <yaml lines>: replace the scratch:/database: lines of the config.
set_servers() {
	sed -i "/^scratch:/d; /^database:/d" "$1/.gitmigrate.yml" &&
	printf "%s\n" "$2" >>"$1/.gitmigrate.yml"
}

test_expect_success 'setup: production with a base revision, a change on the work branch' '
	prepare_case_setup repo base.yml &&
	cp after.yml repo/models/app.yml &&
	cp repo/.gitmigrate.yml good.yml
'

test_expect_success 'unreachable scratch server: exit 2, password masked, nowhere shown' '
	set_servers repo "scratch: $DEAD_URL" &&
	snapshot repo >before &&
	(cd repo && test_expect_code 2 git migrate -v prepare >../out 2>../err) &&
	test_grep "^fatal: .*cannot connect to '\''postgresql://alice:\*\*\*@127.0.0.1:1/app'\''" err &&
	test_grep -v "$SECRET" out &&
	test_grep -v "$SECRET" err &&
	(cd repo && test_expect_code 2 git migrate diff >../out 2>../err) &&
	test_grep "alice:\*\*\*@" err &&
	test_grep -v "$SECRET" out &&
	test_grep -v "$SECRET" err &&
	snapshot repo >after &&
	test_cmp before after
'

test_expect_success 'unreachable server named only by the database URL (env), masked too' '
	set_servers repo "" &&
	(
		cd repo &&
		GIT_MIGRATE_DATABASE_URL=$DEAD_URL &&
		export GIT_MIGRATE_DATABASE_URL &&
		test_expect_code 2 git migrate prepare >../out 2>../err
	) &&
	test_grep "alice:\*\*\*@127.0.0.1:1" err &&
	test_grep -v "$SECRET" out &&
	test_grep -v "$SECRET" err
'

test_expect_success 'unreachable server as a key=value string: the password is masked' '
	set_servers repo "scratch: \"host=127.0.0.1 port=1 user=alice password=$SECRET dbname=app\"" &&
	(cd repo && test_expect_code 2 git migrate prepare >../out 2>../err) &&
	test_grep "^fatal: .*cannot connect to" err &&
	test_grep "password=\*\*\*" err &&
	test_grep -v "$SECRET" out &&
	test_grep -v "$SECRET" err
'

test_expect_success 'a role that may not create databases: exit 2, hint about scratch:' '
	pg_psql -c "CREATE ROLE ${GM_PG_ROLE}_nocreate LOGIN NOCREATEDB PASSWORD '\''$SECRET'\''" &&
	url=$(pg_url postgres | sed "s#://[^@]*@#://${GM_PG_ROLE}_nocreate:$SECRET@#") &&
	set_servers repo "scratch: $url" &&
	snapshot repo >before &&
	(cd repo && test_expect_code 2 git migrate prepare >../out 2>../err) &&
	test_grep "^fatal: .*cannot create scratch database on '\''postgresql://${GM_PG_ROLE}_nocreate:\*\*\*@" err &&
	test_grep "permission denied to create database" err &&
	test_grep "^hint: .*'\''scratch:'\''" err &&
	test_grep -v "$SECRET" err &&
	snapshot repo >after &&
	test_cmp before after &&
	test_no_scratch_left
'

test_expect_success 'the scratch role as it should be (CREATEDB only): no superuser warning' '
	cp good.yml repo/.gitmigrate.yml &&
	(cd repo && git migrate prepare --dry-run >../out 2>../err) &&
	! test_grep -q "superuser" err
'

test_expect_success 'a superuser scratch role: warned once, password masked, the run goes on' '
	pg_psql -c "CREATE ROLE ${GM_PG_ROLE}_su LOGIN SUPERUSER PASSWORD '\''$SECRET'\''" &&
	url=$(pg_url postgres | sed "s#://[^@]*@#://${GM_PG_ROLE}_su:$SECRET@#") &&
	set_servers repo "scratch: $url" &&
	(cd repo && git migrate prepare --dry-run >../out 2>../err) &&
	test $(grep -c "^warning: the scratch role of .postgresql://${GM_PG_ROLE}_su:\*\*\*@.* is a superuser" err) = 1 &&
	test_grep "use a role with CREATEDB and nothing else" err &&
	test_grep "dry run" err &&
	test_grep -v "$SECRET" err &&
	(cd repo && test_expect_code 1 git migrate verify --replay >../out 2>../err) &&
	test $(grep -c "is a superuser" err) = 1 &&
	cp good.yml repo/.gitmigrate.yml &&
	test_no_scratch_left
'

test_expect_success 'a local revision failing in the middle: file and line, nothing written or committed' '
	cp good.yml repo/.gitmigrate.yml &&
	(
		cd repo &&
		head=$(revision_id migrations/versions/*_base.sql) &&
		write_revision migrations/versions c0ffee00 "$head" "CREATE TABLE first_half (id integer);
INSERT INTO no_such_table VALUES (1);
CREATE TABLE second_half (id integer);" "DROP TABLE second_half;
DROP TABLE first_half;" &&
		db_create &&
		db_apply migrations/versions/*_base.sql up &&
		pg_schema "$(case_db)" >../target.before
	) &&
	line=$(grep -n "no_such_table" repo/migrations/versions/c0ffee00_*.sql | cut -d: -f1) &&
	snapshot repo >before &&
	(cd repo && test_expect_code 2 git migrate prepare >../out 2>../err) &&
	test_grep "^fatal: migrations/versions/c0ffee00_revision_c0ffee00.sql:$line:[0-9:]* replaying revision '\''c0ffee00'\'': .*no_such_table.* does not exist" err &&
	test_grep -v "(production)" err &&
	snapshot repo >after &&
	test_cmp before after &&
	(cd repo && pg_schema "$(case_db)") >target.after &&
	test_cmp target.before target.after &&
	test_no_scratch_left
'

test_expect_success 'a production revision failing: named as production'"'"'s' '
	rm -f repo/migrations/versions/c0ffee00_*.sql &&
	git init -q -b production broken &&
	(
		cd broken &&
		gm_write_config "[models/*.yml]" &&
		mkdir models && cp ../base.yml models/app.yml &&
		write_revision migrations/versions b1 "" "CREATE TABLE contacts (id integer PRIMARY KEY);
ALTER TABLE contacts ADD COLUMN email varchar(200) NOT NULL DEFAULT nope();" &&
		git add -A && git commit -q -m broken &&
		test_expect_code 2 git migrate prepare >../out 2>../err
	) &&
	test_grep "^fatal: migrations/versions/b1_revision_b1.sql:8:[0-9:]* replaying revision '\''b1'\'' (production): function nope() does not exist" err &&
	test_path_is_missing broken/migrations/versions/.tmp &&
	test $(ls broken/migrations/versions | wc -l) = 1 &&
	test_no_scratch_left
'

test_expect_success 'setup: a production revision that sleeps during replay' '
	git init -q -b production slow &&
	(
		cd slow &&
		gm_write_config "[models/*.yml]" &&
		write_revision migrations/versions a1 "" "CREATE TABLE t (id integer PRIMARY KEY);
SELECT pg_sleep(30);" "DROP TABLE t;" &&
		mkdir models && cp ../base.yml models/app.yml &&
		git add -A && git commit -q -m slow
	)
'

# start_slow: prepare in the background (SIGINT not ignored, as a terminal would have it),
# once its scratch database exists (and the sleep runs). Sets $pid.
start_slow() {
	prepare_until_scratch slow &&
	sleep 0.5
}

# not_held: no session is on the leftover $left.
not_held() { test "$(sessions_on "$left")" = 0; }

# sessions_on <names>: the sessions on these databases (one name per line: a run has its
# scratch database and, while production replays, the models' one)
sessions_on() {
	pg_psql -At -c "SELECT count(*) FROM pg_stat_activity WHERE datname = ANY (string_to_array('$(echo "$1" | tr '\n' ' ')', ' '))"
}

# interrupt <signal>: the run stops at once (the sleep is cancelled), exits by the signal.
interrupt() {
	start_slow &&
	start=$(date +%s) &&
	kill -$1 $pid &&
	{ wait $pid; echo $? >status; } &&
	test $(($(date +%s) - start)) -lt 10 || { echo "took too long to stop" >&2; return 1; }
}

test_expect_success 'SIGINT during replay: exit by the signal, scratch dropped, nothing written' '
	interrupt INT &&
	test "$(cat status)" = 130 &&
	test_grep "^fatal: interrupted" err &&
	test_grep -v "canceling statement" err &&
	test_no_scratch_left &&
	test $(ls slow/migrations/versions | wc -l) = 1
'

test_expect_success 'SIGTERM during replay: the same' '
	interrupt TERM &&
	test "$(cat status)" = 143 &&
	test_grep "^fatal: interrupted" err &&
	test_no_scratch_left &&
	test $(ls slow/migrations/versions | wc -l) = 1
'

test_expect_success 'a scratch database left by a SIGKILLed run is dropped by the next run' '
	start_slow &&
	left=$(scratch_leftovers) &&
	kill -KILL $pid &&
	{ wait $pid; echo $? >status; } &&
	test "$(cat status)" = 137 &&
	test "$(scratch_leftovers)" = "$left" &&
	# the server notices the dead client and ends its session within seconds (without
	# client_connection_check_interval it would sleep on for 30 s)
	deadline=$(($(date +%s) + 8)) &&
	while test "$(sessions_on "$left")" != 0 && test $(date +%s) -lt $deadline; do
		sleep 0.2
	done &&
	test "$(sessions_on "$left")" = 0 &&
	test "$(scratch_leftovers)" = "$left" &&
	(cd repo && test_expect_code 1 git migrate diff >../out 2>../err) &&
	test_grep "add column contacts.name" out &&
	test_no_scratch_left
'

# A run sweeps killed runs' leftovers again when it drops its scratch databases. It takes
# its own role's only: another role's (a shared server) is left to that role's runs; and
# the sweep must not replace the error the run is reporting (when it tried another role's
# leftover and failed, the run said "fatal: unknown error").
test_expect_success 'another role'"'"'s leftover: left alone, and no later error hidden' '
	start_slow &&
	left=$(scratch_leftovers) &&
	kill -KILL $pid &&
	{ wait $pid; true; } &&
	test_wait_until 10 not_held &&
	for db in $left; do
		pg_psql -c "ALTER DATABASE \"$db\" OWNER TO CURRENT_USER" || return 1
	done &&
	cp repo/models/app.yml app.yml.keep &&
	printf "    checks:\n      bad: \"nosuch_column > 0\"\n" >>repo/models/app.yml &&
	(cd repo && test_expect_code 2 git migrate prepare >../out 2>../err) &&
	cp app.yml.keep repo/models/app.yml &&
	test_grep "the models do not apply to an empty postgres database" err &&
	test_grep "nosuch_column" err &&
	test_grep -v "unknown error" err &&
	for db in $left; do
		test "$(pg_psql -At -c "SELECT count(*) FROM pg_database WHERE datname = '"'"'$db'"'"'")" = 1 &&
		pg_psql -c "DROP DATABASE \"$db\"" || return 1
	done &&
	test_no_scratch_left
'

test_expect_success 'a superuser'"'"'s run leaves another role'"'"'s leftovers to that role' '
	start_slow &&
	left=$(scratch_leftovers) &&
	kill -KILL $pid &&
	{ wait $pid; true; } &&
	test_wait_until 10 not_held &&
	# the superuser role of the case above
	url=$(pg_url postgres | sed "s#://[^@]*@#://${GM_PG_ROLE}_su:$SECRET@#") &&
	sed "s#^scratch: .*#scratch: '"'"'$url'"'"'#" repo/.gitmigrate.yml >su.yml &&
	test_grep "://${GM_PG_ROLE}_su:" su.yml &&
	(cd repo && test_expect_code 1 git migrate --config ../su.yml diff >../out 2>../err) &&
	test_grep "add column contacts.name" out &&
	test "$(scratch_leftovers)" = "$left" &&
	(cd repo && test_expect_code 1 git migrate diff >../out 2>../err) &&
	test_no_scratch_left
'

test_done
