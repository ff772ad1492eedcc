#!/bin/sh
test_description='hooks: the merge guard (pre-merge-commit, pre-commit, reference-transaction, pre-push), install and uninstall'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

SRC=$(cd "$TEST_DIR/../.." && pwd)
HOOKS="pre-commit pre-merge-commit pre-push prepare-commit-msg reference-transaction"
V=migrations/versions

contacts_models >v1.yml

# branch_with_column <branch> <column line>: a branch off production whose models add
# the column (after email) and whose revision `prepare` writes.
branch_with_column() {
	git switch -q -c "$1" production &&
	with_columns models/app.yml "$2" >models/app.yml.new &&
	mv models/app.yml.new models/app.yml &&
	git migrate -q prepare -m "$1" >/dev/null &&
	git add -A && git commit -q -m "$1" &&
	git switch -q production
}

# branch_with_table <branch> <table>: a branch off production that adds a table in a
# model file of its own (so that merging it never conflicts textually).
branch_with_table() {
	git switch -q -c "$1" production &&
	printf "tables:\n  %s:\n    columns:\n      id: {type: integer, primary_key: true}\n" "$2" \
		>"models/$2.yml" &&
	git migrate -q prepare -m "$1" >/dev/null &&
	git add -A && git commit -q -m "$1" &&
	git switch -q production
}

# user_hook <path> <name>: a hook of the user's that notes its arguments and stdin.
user_hook() {
	printf '#!/bin/sh\necho "%s ran: $*" >>"%s/user-hook.log"\ncat >>"%s/user-hook.log"\nexit 0\n' \
		"$2" "$TRASH_DIRECTORY" "$TRASH_DIRECTORY" >"$1" &&
	chmod +x "$1"
}

test_expect_success 'setup: production with a base revision, a user pre-push hook, a bare remote' '
	prepare_case_setup repo v1.yml &&
	git init -q --bare remote.git &&
	(
		cd repo &&
		git switch -q production &&
		git remote add origin ../remote.git &&
		user_hook .git/hooks/pre-push pre-push
	)
'

test_expect_success 'hooks production prints the guarded branch name' '
	(cd repo && git migrate hooks production >../out) &&
	echo production >expect &&
	test_cmp expect out &&
	git init -q -b release named &&
	(cd named && echo "production: release" >.gitmigrate.yml && git migrate hooks production >../out) &&
	echo release >expect &&
	test_cmp expect out
'

test_expect_success 'hooks install writes every hook, keeps the user hook as .local' '
	(cd repo && git migrate hooks install 2>../err) &&
	test_grep "^hooks directory: $TRASH_DIRECTORY/repo/.git/hooks$" err &&
	test_grep "pre-push  *installed (your hook is kept as pre-push.local and runs first)" err &&
	for h in $HOOKS; do
		test_cmp "$SRC/hooks/$h" "repo/.git/hooks/$h" &&
		test -x "repo/.git/hooks/$h" || return 1
	done &&
	test_grep "pre-push ran" repo/.git/hooks/pre-push.local
'

test_expect_success 'a second install changes nothing and keeps the .local' '
	cp repo/.git/hooks/pre-push.local before &&
	(cd repo && git migrate hooks install 2>../err) &&
	for h in $HOOKS; do
		test_grep "$h  *up to date" err || return 1
	done &&
	test_cmp before repo/.git/hooks/pre-push.local
'

test_expect_success 'a good merge into production passes, quietly' '
	(
		cd repo &&
		branch_with_column good "name: text" &&
		branch_with_table fork notes &&
		git merge -q --no-ff --no-edit good >../out 2>../err
	) &&
	test_must_be_empty err &&
	test "$(git -C repo rev-parse production^2)" = "$(git -C repo rev-parse good)" &&
	test_no_scratch_left
'

test_expect_success 'a fork (a branch off the old production head) merged with a merge commit: blocked, names rebase' '
	(
		cd repo &&
		before=$(git rev-parse production) &&
		test_must_fail git merge --no-ff --no-edit fork >../out 2>../err &&
		test "$(git rev-parse production)" = "$before" &&
		git merge --abort
	) &&
	test_grep "\[chained\] local revision .* chains onto .*run .git migrate rebase." err &&
	test_grep "^error: merge into .production. blocked" err &&
	test_grep "^hint: .git merge --abort., run .git migrate rebase. on that branch" err &&
	test_grep "^hint: to merge anyway, without this check: git merge --no-verify" err &&
	test_no_scratch_left
'

test_expect_success 'after git migrate rebase on the branch the merge passes' '
	(
		cd repo &&
		git switch -q fork &&
		git migrate -q rebase >/dev/null &&
		git commit -q -am "rebase onto production" &&
		git switch -q production &&
		git merge -q --no-ff --no-edit fork 2>../err
	) &&
	test_must_be_empty err
'

test_expect_success 'a conflicted merge finished with git commit: blocked by pre-commit' '
	(
		cd repo &&
		branch_with_column clash "phone: text" &&
		branch_with_column clash2 "fax: text" &&
		git merge -q --no-ff --no-edit clash 2>/dev/null &&
		before=$(git rev-parse production) &&
		test_must_fail git merge --no-ff --no-edit clash2 >/dev/null 2>&1 &&
		sed -i "/^[<=>]\{7\}/d" models/app.yml &&
		git add models/app.yml &&
		test_must_fail git commit --no-edit >../out 2>../err &&
		test "$(git rev-parse production)" = "$before" &&
		git rev-parse -q --verify MERGE_HEAD >/dev/null &&
		git merge --abort
	) &&
	test_grep "\[graph\] 2 heads" err &&
	test_grep "^error: merge into .production. blocked" err &&
	test_grep "run .git migrate rebase. on that branch" err &&
	test_grep "^hint: to commit the merge anyway, without this check: git commit --no-verify" err
'

test_expect_success 'git commit --no-verify bypasses the guard' '
	(
		cd repo &&
		before=$(git rev-parse production) &&
		test_must_fail git merge --no-ff --no-edit clash2 >/dev/null 2>&1 &&
		sed -i "/^[<=>]\{7\}/d" models/app.yml &&
		git add models/app.yml &&
		git commit -q --no-verify --no-edit 2>../err &&
		test "$(git rev-parse production^1)" = "$before" &&
		git reset -q --hard "$before"
	) &&
	test_must_be_empty err
'

test_expect_success 'a fast-forward onto a broken revision: blocked at the ref update' '
	(
		cd repo &&
		head=$(git migrate heads | cut -c1-12) &&
		git switch -q -c broken production &&
		write_revision $V b0000000000b "$head" "ALTER TABLE nosuch ADD COLUMN x integer;" "SELECT 1;" &&
		git add -A && git commit -q -m broken &&
		git switch -q production &&
		before=$(git rev-parse production) &&
		test_must_fail git merge broken >../out 2>../err &&
		test "$(git rev-parse production)" = "$before" &&
		git reset -q --merge &&
		git status --porcelain >../status
	) &&
	test_grep "^$V/b0000000000b_revision_b0000000000b.sql:[0-9]*: \[replay\] .*nosuch" err &&
	test_grep "^error: fast-forward of .production. to [0-9a-f]* blocked" err &&
	test_grep "git reset --merge" err &&
	test_must_be_empty status &&
	test_no_scratch_left
'

test_expect_success 'a push of production passes; the user pre-push hook ran with its stdin' '
	rm -f user-hook.log &&
	(cd repo && git push -q origin production 2>../err) &&
	test_must_be_empty err &&
	test "$(git -C remote.git rev-parse production)" = "$(git -C repo rev-parse production)" &&
	test_grep "^pre-push ran: origin ../remote.git$" user-hook.log &&
	test_grep "^refs/heads/production $(git -C repo rev-parse production) refs/heads/production 0\{40\}$" user-hook.log
'

test_expect_success 'a push of a broken commit to the remote production: blocked by pre-push' '
	(
		cd repo &&
		test_must_fail git push origin broken:production >../out 2>../err
	) &&
	test_grep "\[replay\] .*nosuch" err &&
	test_grep "^error: push of [0-9a-f]* to .production. blocked" err &&
	test_grep "^hint: to push anyway, without this check: git push --no-verify" err &&
	test "$(git -C remote.git rev-parse production)" = "$(git -C repo rev-parse production)"
'

test_expect_success 'without git-migrate on PATH the hook fails loudly, it does not pass' '
	gitdir=$(dirname "$(command -v git)") &&
	if PATH="$gitdir:/bin" command -v git-migrate >/dev/null; then
		echo "git-migrate is installed in $gitdir: cannot hide it" >&2; return 1
	fi &&
	(
		cd repo &&
		branch_with_column good2 "city: text" &&
		before=$(git rev-parse production) &&
		PATH="$gitdir:/bin" test_must_fail git merge --no-ff --no-edit good2 >../out 2>../err &&
		test "$(git rev-parse production)" = "$before"
	) &&
	test_grep "^error: git-migrate hook pre-merge-commit: .git-migrate. is not on PATH; the merge was not checked" err
'

test_expect_success 'uninstall removes our hooks and restores the user hook' '
	cp repo/.git/hooks/pre-push.local user-pre-push &&
	(cd repo && git migrate hooks uninstall 2>../err) &&
	test_grep "pre-push  *removed (your pre-push.local is back in its place)" err &&
	test_cmp user-pre-push repo/.git/hooks/pre-push &&
	test_path_is_missing repo/.git/hooks/pre-push.local &&
	for h in pre-commit pre-merge-commit prepare-commit-msg reference-transaction; do
		test_path_is_missing "repo/.git/hooks/$h" || return 1
	done &&
	(cd repo && git migrate hooks uninstall 2>../err) &&
	test_grep "pre-push  *left alone (not a git-migrate hook)" err &&
	test_cmp user-pre-push repo/.git/hooks/pre-push
'

test_expect_success '--force replaces the user hook without keeping it' '
	(cd repo && git migrate hooks install --force 2>../err) &&
	test_grep "pre-push  *installed (your hook was replaced: --force)" err &&
	test_cmp "$SRC/hooks/pre-push" repo/.git/hooks/pre-push &&
	test_path_is_missing repo/.git/hooks/pre-push.local &&
	(cd repo && git migrate hooks uninstall 2>/dev/null) &&
	test_path_is_missing repo/.git/hooks/pre-push
'

test_expect_success 'a foreign hook whose .local name is taken: exit 2, nothing written' '
	git init -q taken &&
	user_hook taken/.git/hooks/pre-commit mine &&
	user_hook taken/.git/hooks/pre-commit.local other &&
	(cd taken && test_expect_code 2 git migrate hooks install 2>../err) &&
	test_grep "^fatal: .*/taken/.git/hooks/pre-commit. is not a git-migrate hook and .*pre-commit.local. exists already" err &&
	test_grep "^hint: .*--force" err &&
	test_path_is_missing taken/.git/hooks/pre-push &&
	test_grep "mine ran" taken/.git/hooks/pre-commit
'

test_expect_success 'core.hooksPath (relative to the worktree top) is honoured' '
	git init -q hookspath &&
	(
		cd hookspath &&
		git config core.hooksPath "my hooks" &&
		mkdir sub && cd sub &&
		git migrate hooks install 2>../../err
	) &&
	test_grep "^hooks directory: $TRASH_DIRECTORY/hookspath/my hooks$" err &&
	for h in $HOOKS; do
		test_cmp "$SRC/hooks/$h" "hookspath/my hooks/$h" &&
		test_path_is_missing "hookspath/.git/hooks/$h" || return 1
	done &&
	(cd hookspath && git migrate hooks uninstall 2>/dev/null) &&
	test_path_is_missing "hookspath/my hooks/pre-push"
'

test_expect_success 'usage errors: exit 2 and the usage' '
	(cd repo && test_expect_code 2 git migrate hooks 2>../err) &&
	test_grep "^error: name a subcommand: install, uninstall or production" err &&
	(cd repo && test_expect_code 2 git migrate hooks uninstall --force 2>../err) &&
	test_grep "^error: --force goes with install only" err &&
	(cd repo && test_expect_code 2 git migrate hooks frob 2>../err) &&
	test_grep "^error: unknown subcommand .frob." err &&
	test_grep "^usage: git migrate hooks install" err
'

# A repository whose path has spaces and non-ASCII letters; the hooks installed from a
# linked worktree (they go to the common dir) guard a merge made in that worktree.
test_expect_success 'a linked worktree in a path with spaces and accents: installed once, guards there' '
	prepare_case_setup "dír with späces" v1.yml &&
	(
		cd "dír with späces" &&
		git switch -q production &&
		branch_with_table one t_one &&
		branch_with_table two t_two &&
		git switch -q work &&
		git worktree add -q "../wt ü" production &&
		cd "../wt ü" &&
		git migrate hooks install 2>../err &&
		git merge -q --no-ff --no-edit one 2>../err1 &&
		test_must_fail git merge --no-ff --no-edit two >../out 2>../err2 &&
		git merge --abort
	) &&
	test_grep "^hooks directory: $TRASH_DIRECTORY/dír with späces/.git/hooks$" err &&
	test_cmp "$SRC/hooks/pre-merge-commit" "dír with späces/.git/hooks/pre-merge-commit" &&
	test_must_be_empty err1 &&
	test_grep "run .git migrate rebase. on that branch" err2 &&
	test_no_scratch_left
'

test_done
