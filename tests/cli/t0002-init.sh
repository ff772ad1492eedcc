#!/bin/sh
test_description='init writes the config, the migrations directory and an example model; never overwrites'
. ./lib.sh

test_expect_success 'setup: a repository with one commit' '
	git init -q repo &&
	(cd repo && test_commit first README)
'

test_expect_success 'init in the root writes three files and lists them' '
	(
		cd repo &&
		git migrate init >../out 2>../err
	) &&
	cat >expect <<-\EOF_EXPECT &&
	created .gitmigrate.yml
	created migrations/versions/.gitkeep
	created models/example.yml
	EOF_EXPECT
	test_cmp expect out &&
	test_path_is_file repo/.gitmigrate.yml &&
	test_path_is_file repo/migrations/versions/.gitkeep &&
	test_path_is_file repo/models/example.yml &&
	test_must_be_empty repo/migrations/versions/.gitkeep
'

test_expect_success 'the config lists every key with its default' '
	for key in production migrations models fixtures fixtures_from database scratch version_table; do
		test_grep "^#* *$key:" repo/.gitmigrate.yml || return 1
	done &&
	test_grep "^production: production$" repo/.gitmigrate.yml &&
	test_grep "^migrations: migrations/versions$" repo/.gitmigrate.yml &&
	test_grep "^database: sqlite:///app.db$" repo/.gitmigrate.yml &&
	test_grep "^version_table: git_migrate_history$" repo/.gitmigrate.yml
'

test_expect_success 'the written config and example model are valid' '
	(
		cd repo &&
		git migrate history >out 2>err &&
		test_must_be_empty out &&
		test_expect_code 1 git migrate diff --production HEAD >out 2>err &&
		test_grep "contacts" out
	)
'

test_expect_success 'init again refuses, names every file and changes nothing' '
	(cd repo && find . -path ./.git -prune -o -type f -print | sort | xargs cat) >before &&
	(
		cd repo &&
		test_expect_code 2 git migrate init >../out 2>../err
	) &&
	test_must_be_empty out &&
	test_grep "^error: '\''.gitmigrate.yml'\'' already exists" err &&
	test_grep "^error: '\''migrations/versions/.gitkeep'\'' already exists" err &&
	test_grep "^error: '\''models/example.yml'\'' already exists" err &&
	test_grep "^hint: init never overwrites" err &&
	(cd repo && find . -path ./.git -prune -o -type f -print | sort | xargs cat) >after &&
	test_cmp before after
'

test_expect_success 'one existing target: nothing at all is written' '
	git init -q one &&
	mkdir -p one/models &&
	echo "# mine" >one/models/example.yml &&
	(
		cd one &&
		test_expect_code 2 git migrate init >../out 2>../err
	) &&
	test_grep "^error: '\''models/example.yml'\'' already exists" err &&
	test_grep -v "gitmigrate.yml'\'' already" err &&
	test_path_is_missing one/.gitmigrate.yml &&
	test_path_is_missing one/migrations &&
	echo "# mine" >expect &&
	test_cmp expect one/models/example.yml
'

test_expect_success 'an existing config alone is refused too' '
	git init -q cfg &&
	echo "production: release" >cfg/.gitmigrate.yml &&
	(cd cfg && test_expect_code 2 git migrate init 2>../err) &&
	test_grep "'\''.gitmigrate.yml'\'' already exists" err &&
	test_path_is_missing cfg/migrations &&
	test_path_is_missing cfg/models &&
	echo "production: release" >expect &&
	test_cmp expect cfg/.gitmigrate.yml
'

test_expect_success 'from a subdirectory, init writes into the repository root' '
	git init -q sub &&
	mkdir -p sub/src/deep &&
	(
		cd sub/src/deep &&
		git migrate init >out
	) &&
	test_path_is_file sub/.gitmigrate.yml &&
	test_path_is_file sub/migrations/versions/.gitkeep &&
	test_path_is_file sub/models/example.yml &&
	test_path_is_missing sub/src/deep/.gitmigrate.yml
'

test_expect_success 'outside a repository, init writes into the current directory' '
	mkdir plain &&
	(
		cd plain &&
		GIT_CEILING_DIRECTORIES=$(pwd) && export GIT_CEILING_DIRECTORIES &&
		git migrate init >../out 2>../err
	) &&
	test_path_is_file plain/.gitmigrate.yml &&
	test_path_is_file plain/migrations/versions/.gitkeep &&
	test_path_is_file plain/models/example.yml &&
	test_grep "not in a git repository" err
'

test_expect_success 'models/ with model files already: no example is added to them' '
	git init -q existing &&
	mkdir -p existing/models &&
	echo "tables: {}" >existing/models/schema.yml &&
	(cd existing && git migrate init >../out 2>../err) &&
	test_path_is_file existing/.gitmigrate.yml &&
	test_path_is_missing existing/models/example.yml &&
	test_grep -v "example.yml" out &&
	test_grep "no example model written" err
'

test_expect_success 'init with --config writes that file' '
	git init -q custom &&
	(cd custom && git migrate --config ci.yml init >../out) &&
	test_path_is_file custom/ci.yml &&
	test_path_is_missing custom/.gitmigrate.yml &&
	test_grep "^created ci.yml$" out
'

test_expect_success 'init takes no arguments' '
	(cd custom && test_expect_code 2 git migrate init extra >../out 2>../err) &&
	test_must_be_empty out &&
	test_grep "^error: unexpected argument '\''extra'\''" err &&
	test_grep "^usage: git migrate init" err
'

test_expect_success 'init -q prints only what it created' '
	git init -q quiet &&
	(cd quiet && git migrate -q init >../out 2>../err) &&
	test_must_be_empty err &&
	test_grep "^created models/example.yml$" out
'

test_expect_success 'init, commit to production, prepare: the first revision' '
	git init -q flow &&
	(
		cd flow &&
		git migrate init &&
		git add -A && git commit -q -m init &&
		git branch production &&
		git migrate prepare -m "create contacts" >out 2>err &&
		ls migrations/versions/*_create_contacts.sql &&
		grep -i "create table" migrations/versions/*_create_contacts.sql
	) &&
	test_no_scratch_left
'

test_done
