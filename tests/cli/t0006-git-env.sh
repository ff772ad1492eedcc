#!/bin/sh
test_description='git environment: GIT_DIR and GIT_WORK_TREE (git --git-dir/--work-tree) are honoured'
. ./lib.sh

test_expect_success 'setup: a repository with one revision' '
	git init -q -b production repo &&
	(
		cd repo &&
		write_revision migrations/versions a00000000001 "" "CREATE TABLE t (id integer);" "DROP TABLE t;" &&
		git add -A && git commit -q -m base
	)
'

test_expect_success 'git --work-tree=. migrate verify works from the root' '
	(cd repo && git --work-tree=. migrate verify >../out 2>&1) &&
	test_grep "verify: ok" out
'

test_expect_success 'git --git-dir and --work-tree from elsewhere read that repository' '
	git --git-dir=repo/.git --work-tree=repo migrate history >out 2>err &&
	test_grep "a00000000001" out &&
	mkdir -p repo/sub && (cd repo/sub && git --work-tree=.. migrate heads >../../out 2>&1) &&
	test_grep "a00000000001" out
'

test_expect_success 'GIT_WORK_TREE that is not a directory: exit 2 with the reason' '
	(cd repo && GIT_WORK_TREE=/no/such/dir test_expect_code 2 git-migrate verify >../out 2>../err) &&
	test_grep "fatal: cannot open the git repository: GIT_WORK_TREE is not a directory" err
'

test_expect_success 'GIT_DIR alone (as hooks have it) still works' '
	(cd repo && GIT_DIR=.git git-migrate verify >../out 2>&1) &&
	test_grep "verify: ok" out
'

test_done
