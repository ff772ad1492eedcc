#!/bin/sh
test_description='two prepare runs at once do not collide on scratch databases'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

contacts_models >v1.yml
with_columns v1.yml "name: text" >v2.yml

# Four repositories (a run that writes a revision changes what another run in the same
# worktree would see).
test_expect_success 'setup: four repositories with a change each' '
	for r in one two three four; do
		prepare_case_setup $r v1.yml &&
		cp v2.yml $r/models/app.yml || exit 1
	done
'

test_expect_success 'four runs at once all verify and write their revision' '
	(cd one && git migrate prepare >../out1 2>../err1; echo $? >../rc1) &
	(cd two && git migrate prepare >../out2 2>../err2; echo $? >../rc2) &
	(cd three && git migrate prepare --dry-run >../out3 2>../err3; echo $? >../rc3) &
	(cd four && git migrate diff >../out4 2>../err4; echo $? >../rc4) &
	wait &&
	test "$(cat rc1) $(cat rc2) $(cat rc3) $(cat rc4)" = "0 0 0 1" &&
	test_path_is_file "one/$(cat out1)" &&
	test_path_is_file "two/$(cat out2)" &&
	test_grep "dry run" err3 &&
	test_grep "add column contacts.name" out4 &&
	test_no_scratch_left
'

test_done
