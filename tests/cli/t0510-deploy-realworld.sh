#!/bin/sh
test_description='deploy real histories (CTFd, FlaskBB) to a PostgreSQL database, then verify --database'
. ./lib.sh
test "$GM_TEST_DIALECT" = postgres || test_skip_all "PostgreSQL only (GM_TEST_DIALECT=postgres)"
. "$TEST_DIR/lib-prepare.sh"

test -d "$REALWORLD/histories/ctfd" && test -d "$REALWORLD/histories/flaskbb" ||
	test_skip_all "no real-world material in $REALWORLD"

# deploy_history <name> <count>: the history in a repository's worktree, upgraded into an
# empty database of its own; every revision applied, one row each, verify --database clean.
deploy_history() {
	mkdir "$1" && (
		cd "$1" && git init -q -b production && gm_write_config "[models/*.yml]" &&
		mkdir migrations && cp -R "$REALWORLD/histories/$1/migrations/versions" migrations/ &&
		git add -A && git commit -q -m "$1 history" && db_create &&
		git migrate upgrade >out 2>err &&
		test_grep "^applied $2 revisions to postgresql://.*:\*\*\*@" err &&
		test "$(db_sql "SELECT count(*) FROM git_migrate_history")" = $2 &&
		git migrate status >out 2>err &&
		test "$(grep -c "^applied " out)" = $2 &&
		git migrate verify --database >out 2>err &&
		test_grep "^verify: ok (parse, graph, immutable, chained, database)" out &&
		git migrate downgrade -1 2>err && test_grep "reverted 1 revision" err &&
		git migrate upgrade 2>err && test_grep "applied 1 revision" err &&
		test_no_password_in out err
	)
}

test_expect_success 'CTFd: 33 revisions upgraded into a real database; verify --database is clean' '
	deploy_history ctfd 33
'

test_expect_success 'FlaskBB: 13 revisions upgraded into a real database; verify --database is clean' '
	deploy_history flaskbb 13
'

test_done
