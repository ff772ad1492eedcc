#!/bin/sh
test_description='rebase: re-chain local revisions onto production head, or name the conflict'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

contacts_models >v1.yml

# repo: production has base; work adds `name` (local revision "add name"); then production
# moves on with its own revision adding <column>.
setup_moved_production() {
	with_columns v1.yml "name: text" >"$1-branch.yml" &&
	with_columns v1.yml "$2" >"$1-production.yml" &&
	with_columns v1.yml "name: text" "$2" >"$1-merged.yml" &&
	prepare_fork "$1" v1.yml "$1-production.yml" "$1-branch.yml" "$1-merged.yml" "add name"
}

test_expect_success 'nothing to rebase when already chained' '
	prepare_case_setup fresh v1.yml &&
	(cd fresh && git migrate rebase 2>err) &&
	test_grep "nothing to rebase" fresh/err
'

test_expect_success 'setup: production moved on' '
	setup_moved_production repo "phone: text"
'

test_expect_success 'prepare refuses, verify says not chained' '
	(
		cd repo &&
		test_expect_code 1 git migrate prepare 2>err &&
		test_grep "run .git migrate rebase. to re-chain" err &&
		test_expect_code 1 git migrate verify >out &&
		test_grep "\[chained\]" out
	)
'

test_expect_success '--dry-run checks and writes nothing' '
	(
		cd repo &&
		git status --porcelain >../before &&
		git migrate rebase --dry-run 2>../err &&
		test_grep "would re-chain revision" ../err &&
		test_grep -v "^cache:" ../err &&
		git migrate -v rebase --dry-run 2>../err &&
		test_grep "^cache: hit (1 of 1 revisions cached, 0 replayed)$" ../err &&
		test_grep "^timing: cache [0-9.]*s replay [0-9.]*s" ../err &&
		git status --porcelain >../after &&
		test_cmp ../before ../after
	)
'

test_expect_success 'rebase re-chains onto production head and verify passes' '
	(
		cd repo &&
		head=$(git show production:$(git ls-tree --name-only production migrations/versions/ | grep production_change) | sed -n "s/^-- revision: //p") &&
		git migrate rebase >path 2>err &&
		test_grep "re-chained revision" err &&
		test_grep "^-- down_revision: $head$" "$(cat path)" &&
		git migrate verify --replay &&
		git migrate diff
	) &&
	test_no_scratch_left
'

test_expect_success 'a local revision that no longer applies: named, nothing rewritten' '
	setup_moved_production clash "name: varchar(10)" &&
	(
		cd clash &&
		sed -i "/^      name: varchar(10)/d" models/app.yml &&
		git status --porcelain >../before &&
		test_expect_code 1 git migrate rebase >../out 2>../err &&
		test_grep -E "error: migrations/versions/.*_add_name.sql:[0-9]*: .*(duplicate column name: name|column \"name\" of relation \"contacts\" already exists)" ../err &&
		test_grep "nothing was rewritten" ../err &&
		git status --porcelain >../after &&
		test_cmp ../before ../after
	) &&
	test_no_scratch_left
'

# models: v1.yml plus the given column lines after email
models_with() {
	with_columns "$TRASH_DIRECTORY/v1.yml" "$@"
}

# production_moves_on <column>...: in a case repository on work, production writes a
# revision adding `phone` (its path in ../p.path), then work merges production; where the
# models conflict they take the columns given, then phone.
production_moves_on() {
	git switch -q production &&
	models_with "phone: text" >models/app.yml &&
	git migrate -q prepare -m "production change" >../p.path &&
	git add -A && git commit -q -m "production change" &&
	git switch -q work &&
	{ git merge -q --no-edit production 2>/dev/null ||
	  { models_with "$@" "phone: text" >models/app.yml &&
	    git add models/app.yml && git commit -q --no-edit; }; }
}

test_expect_success 'three local revisions in a line: only the first is re-chained' '
	prepare_case_setup line v1.yml &&
	(
		cd line &&
		models_with "name: text" >models/app.yml &&
		git migrate -q prepare -m "add name" >../a.path &&
		models_with "name: text" "nick: text" >models/app.yml &&
		git migrate -q prepare -m "add nick" >../b.path &&
		models_with "name: text" "nick: text" "city: text" >models/app.yml &&
		git migrate -q prepare -m "add city" >../c.path &&
		git add -A && git commit -q -m "three revisions" &&
		production_moves_on "name: text" "nick: text" "city: text" &&
		a=$(cat ../a.path) && b=$(cat ../b.path) && c=$(cat ../c.path) &&
		head=$(revision_id "$(cat ../p.path)") &&
		git migrate rebase >../out 2>../err &&
		test_grep "re-chained revision $(revision_id "$a") onto $head" ../err &&
		test_grep "5 revisions replayed" ../err &&
		echo "$a" >../expect &&
		test_cmp ../expect ../out &&
		git status --porcelain -- migrations >../status &&
		echo " M $a" >../expect &&
		test_cmp ../expect ../status &&
		test_grep "^-- down_revision: $head$" "$a" &&
		test_grep "^-- down_revision: $(revision_id "$a")$" "$b" &&
		test_grep "^-- down_revision: $(revision_id "$b")$" "$c" &&
		git diff --numstat -- "$a" >../changed &&
		printf "1\t1\t%s\n" "$a" >../expect &&
		test_cmp ../expect ../changed &&
		git migrate verify --replay &&
		git migrate diff
	) &&
	test_no_scratch_left
'

test_expect_success 'two local heads: put in one line, by created, each onto the one before' '
	prepare_case_setup heads v1.yml &&
	(
		cd heads &&
		base=$(revision_id migrations/versions/*_base.sql) &&
		git switch -q -c one &&
		models_with "name: text" >models/app.yml &&
		git migrate -q prepare -m "add name" >../name.path &&
		sed -i "s/^-- created: .*/-- created: 2030-01-02T00:00:00Z/" "$(cat ../name.path)" &&
		git add -A && git commit -q -m "add name" &&
		git switch -q work &&
		models_with "nick: text" >models/app.yml &&
		git migrate -q prepare -m "add nick" >../nick.path &&
		sed -i "s/^-- created: .*/-- created: 2030-01-01T00:00:00Z/" "$(cat ../nick.path)" &&
		git add -A && git commit -q -m "add nick" &&
		{ git merge -q --no-edit one 2>/dev/null ||
		  { models_with "name: text" "nick: text" >models/app.yml &&
		    git add models/app.yml && git commit -q --no-edit; }; } &&
		production_moves_on "name: text" "nick: text" &&
		name=$(cat ../name.path) && nick=$(cat ../nick.path) &&
		head=$(revision_id "$(cat ../p.path)") &&
		git migrate rebase --dry-run 2>../err &&
		test_grep "would put the 2 local revisions in one line onto $head" ../err &&
		git diff --quiet &&
		git migrate rebase >../out 2>../err &&
		test_grep "put the 2 local revisions in one line onto $head" ../err &&
		test_grep "  $(revision_id "$nick"): down_revision $head (was $base)" ../err &&
		test_grep "  $(revision_id "$name"): down_revision $(revision_id "$nick") (was $base)" ../err &&
		printf "%s\n" "$nick" "$name" >../expect &&
		test_cmp ../expect ../out &&
		test_grep "^-- down_revision: $head$" "$nick" &&
		test_grep "^-- down_revision: $(revision_id "$nick")$" "$name" &&
		git migrate heads >../heads.out &&
		test_grep "$(revision_id "$name")" ../heads.out &&
		test "$(wc -l <../heads.out)" = 1 &&
		git migrate verify --replay &&
		git migrate diff
	) &&
	test_no_scratch_left
'

test_done
