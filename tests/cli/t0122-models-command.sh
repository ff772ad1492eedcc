#!/bin/sh
test_description='{command:} model sources: what they print is the schema; leftovers and Ctrl-C stop the whole command; a table named like the version table is refused'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

# A marker only this script's processes carry, to find leftovers.
mark="gm_t0122_$$"

cat >app.yml <<'YAML'
tables:
  t:
    columns:
      id: {type: integer, primary_key: true}
YAML

leftovers() { pgrep -f "$mark" || true; }
# No process of this script's mark is left: a killed one goes within moments, and a loaded
# machine gets up to 10 s (they would otherwise sleep for 60).
no_leftovers() { test -z "$(leftovers)"; }
leftovers_gone() { test_wait_until 10 no_leftovers; }

test_expect_success 'setup' '
	prepare_case_setup repo app.yml &&
	(cd repo && cp .gitmigrate.yml ../config.yaml-models)
'

use_command() {
	(
		cd repo &&
		sed "s#^models: .*#models: [{command: \"$1\"}]#" ../config.yaml-models >.gitmigrate.yml &&
		grep -q "command:" .gitmigrate.yml
	)
}

test_expect_success 'the SQL a command prints is the models' '
	use_command "echo '\''CREATE TABLE t (id integer PRIMARY KEY, n text);'\''" &&
	(cd repo && git migrate prepare --dry-run >../out 2>../err) &&
	test_grep "add column t.n" err
'

test_expect_success 'a background process that keeps stdout open does not hang prepare, and is stopped' '
	cat >repo/models.sh <<-EOF &&
	#!/bin/sh
	sh -c "sleep 60; : $mark" &
	echo "CREATE TABLE t (id integer PRIMARY KEY, n text);"
	EOF
	chmod +x repo/models.sh &&
	use_command "./models.sh" &&
	(cd repo && timeout 30 git migrate prepare --dry-run >../out 2>../err) &&
	test_grep "add column t.n" err &&
	leftovers_gone &&
	test_no_scratch_left
'

test_expect_success 'Ctrl-C during a command stops it and everything it started' '
	cat >repo/models.sh <<-EOF &&
	#!/bin/sh
	sh -c "sleep 60; : $mark" &
	sh -c "sleep 60; : ${mark}_main"
	EOF
	# background jobs of a non-interactive shell start with SIGINT ignored
	(cd repo && exec perl -e '\''$SIG{INT} = "DEFAULT"; exec @ARGV'\'' git-migrate prepare --dry-run >../out 2>../err) &
	pid=$! &&
	test_wait_until 10 pgrep -f ${mark}_main >/dev/null &&
	kill -INT $pid &&
	{ wait $pid; echo $? >rc; } &&
	test "$(cat rc)" = 130 &&
	leftovers_gone &&
	test_no_scratch_left
'

test_expect_success 'a models table named like the version table is refused (it would be invisible)' '
	cp config.yaml-models repo/.gitmigrate.yml &&
	printf "tables:\n  git_migrate_history:\n    columns:\n      id: {type: integer, primary_key: true}\n" >repo/models/vt.yml &&
	(cd repo && test_expect_code 2 git migrate prepare >../out 2>../err) &&
	test_grep "fatal: models/vt.yml:2:3: table .git_migrate_history. has the name of git-migrate.s version table" err &&
	test_grep "hint: .*version_table:" err &&
	rm repo/models/vt.yml
'

test_expect_success 'also from a SQL models file' '
	sed "s#^models: .*#models: [models/app.yml, models/vt.sql]#" config.yaml-models >repo/.gitmigrate.yml &&
	echo "CREATE TABLE git_migrate_history (id integer);" >repo/models/vt.sql &&
	(cd repo && test_expect_code 2 git migrate prepare >../out 2>../err) &&
	test_grep "table .git_migrate_history. has the name of git-migrate.s version table" err &&
	rm repo/models/vt.sql && cp config.yaml-models repo/.gitmigrate.yml
'

test_done
