#!/bin/sh
test_description='two prepare runs at once do not collide on scratch databases'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

cat >v1.yml <<'YAML'
tables:
  contacts:
    columns:
      id:    {type: integer, primary_key: true}
      email: {type: varchar(200), null: false}
YAML
sed "s/^      email:.*/&\n      name: text/" v1.yml >v2.yml

test_expect_success 'setup: two repositories with a change each' '
	prepare_case_setup one v1.yml &&
	prepare_case_setup two v1.yml &&
	cp v2.yml one/models/app.yml &&
	cp v2.yml two/models/app.yml
'

test_expect_success 'four runs at once all verify and write their revision' '
	(cd one && git migrate prepare >../out1 2>../err1; echo $? >../rc1) &
	(cd two && git migrate prepare >../out2 2>../err2; echo $? >../rc2) &
	(cd one && git migrate prepare --dry-run >../out3 2>../err3; echo $? >../rc3) &
	(cd two && git migrate diff >../out4 2>../err4; echo $? >../rc4) &
	wait &&
	test "$(cat rc1) $(cat rc2) $(cat rc3) $(cat rc4)" = "0 0 0 1" &&
	test_path_is_file "one/$(cat out1)" &&
	test_path_is_file "two/$(cat out2)" &&
	test_grep "dry run" err3 &&
	test_grep "add column contacts.name" out4 &&
	test_no_scratch_left
'

test_done
