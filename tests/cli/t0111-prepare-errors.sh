#!/bin/sh
test_description='prepare: bad models are exit 2 with file:line:col; nothing written, no scratch left'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

cat >ok.yml <<'YAML'
enums:
  dealcurrency: [USD, EUR]
tables:
  deals:
    columns:
      id: {type: integer, primary_key: true}
YAML

expect_bad_models() {
	(
		cd repo &&
		ls migrations/versions >../before &&
		test_expect_code 2 git migrate prepare >../out 2>../err
	) &&
	ls repo/migrations/versions >after &&
	test_cmp before after &&
	test_no_scratch_left
}

test_expect_success 'setup' '
	prepare_case_setup repo ok.yml
'

test_expect_success 'broken YAML: exit 2 with file:line:col' '
	printf "tables:\n  deals:\n    columns: [a, b\n" >repo/models/app.yml &&
	expect_bad_models &&
	test_grep "fatal: models/app.yml:[0-9]*:[0-9]*: " err
'

test_expect_success 'an unknown type reference: names the column and the closest enum' '
	sed "s/id: {type: integer, primary_key: true}/&\n      currency: {type: dealcurency}/" ok.yml >repo/models/app.yml &&
	expect_bad_models &&
	test_grep "models/app.yml:7:[0-9]*: .*dealcurency" err &&
	test_grep "hint: .*dealcurrency" err
'

test_expect_success 'a foreign key to a missing table' '
	sed "s/id: {type: integer, primary_key: true}/&\n      contact_id: {type: integer, references: contacts(id)}/" ok.yml >repo/models/app.yml &&
	expect_bad_models &&
	test_grep "models/app.yml:7:[0-9]*: .*contacts" err
'

test_expect_success 'a model file that is not UTF-8' '
	printf "tables:\n  d\351als:\n    columns:\n      id: integer\n" >repo/models/app.yml &&
	expect_bad_models &&
	test_grep "models/app.yml:2:[0-9]*: not valid UTF-8" err
'

test_expect_success 'an unknown key' '
	sed "s/primary_key: true/primary_key: true, nullable: false/" ok.yml >repo/models/app.yml &&
	expect_bad_models &&
	test_grep "models/app.yml:6:[0-9]*: .*nullable" err
'

test_expect_success 'the same table in two files names both places' '
	cp ok.yml repo/models/app.yml &&
	printf "tables:\n  deals:\n    columns:\n      id: integer\n" >repo/models/more.yml &&
	expect_bad_models &&
	test_grep "models/app.yml:4:3" err &&
	test_grep "models/more.yml:2:3" err &&
	rm repo/models/more.yml
'

# The data-loss hazard: a models source that finds nothing must never plan "drop every table".
test_expect_success 'a models glob that matches nothing (a typo) is exit 2, naming the pattern' '
	(
		cd repo &&
		cp ../ok.yml models/app.yml &&
		cp .gitmigrate.yml ../config.saved &&
		sed -i "s#models/\*\.yml#model/*.yml#" .gitmigrate.yml &&
		grep -q "model/\*.yml" .gitmigrate.yml
	) &&
	expect_bad_models &&
	test_grep "fatal: .*/.gitmigrate.yml:1: models pattern .model/\*\.yml. matches no file" err &&
	test_grep "hint: check the .models:. key" err &&
	! test_grep -q "drop" err &&
	test_expect_code 2 git -C repo migrate diff >out 2>err &&
	test_grep "model/\*\.yml. matches no file" err &&
	cp config.saved repo/.gitmigrate.yml
'

test_expect_success 'a missing models directory is exit 2, nothing written' '
	mv repo/models models.saved &&
	expect_bad_models &&
	test_grep "models pattern .models/\*\.yml. matches no file" err &&
	mv models.saved repo/models
'

test_expect_success 'models with no table while production has tables are refused' '
	printf "enums:\n  e: [a]\n" >repo/models/app.yml &&
	expect_bad_models &&
	test_grep "fatal: the models declare no table, but the replayed schema has 1; refusing" err &&
	test_grep "hint: .*--allow-empty-models" err
'

test_expect_success '--allow-empty-models confirms the drop of every table' '
	(
		cd repo &&
		git migrate prepare --dry-run --allow-empty-models >../out 2>../err
	) &&
	test_grep "DROP TABLE.*deals" out &&
	cp ok.yml repo/models/app.yml
'

test_expect_success 'a broken production revision is reported with its file' '
	(
		cd repo &&
		cp ../ok.yml models/app.yml &&
		git switch -q production &&
		f=$(ls migrations/versions/*_base.sql) &&
		sed -i "s/^-- revision: .*/-- revision: bad\/id/" "$f" &&
		git commit -q -am "break it" &&
		git switch -q work &&
		git merge -q production -m merge &&
		test_expect_code 2 git migrate prepare >../out 2>../err
	) &&
	test_grep "_base.sql:[0-9]*: " err &&
	test_no_scratch_left
'

test_done
