#!/bin/sh
test_description='prepare: chaining onto production, local revisions, no changes, dry run'
. ./lib.sh
. "$TEST_DIR/lib-prepare.sh"

contacts_models >v1.yml
with_columns v1.yml "name: text" >v2.yml
sed "s/^      name: text/&\n      phone: text/" v2.yml >v3.yml

test_expect_success 'setup: production with a base revision, a work branch' '
	prepare_case_setup repo v1.yml &&
	(cd repo && git log --oneline production >../log) &&
	test $(wc -l <log) = 2
'

test_expect_success 'with production empty, the first revision is a base' '
	base=$(ls repo/migrations/versions/*_base.sql) &&
	test_grep "^-- down_revision: *$" "$base" &&
	test_grep "^-- revision: [0-9a-f]\{12\}$" "$base"
'

test_expect_success 'no changes: exit 0, nothing written' '
	(cd repo && git migrate prepare >out 2>err) &&
	test_grep "no changes" repo/err &&
	test $(ls repo/migrations/versions | wc -l) = 1
'

test_expect_success 'the next revision chains onto production head, read from git objects' '
	(
		cd repo &&
		base_id=$(revision_id migrations/versions/*_base.sql) &&
		cp ../v2.yml models/app.yml &&
		git migrate prepare -m "add name" >path &&
		test_grep "^-- down_revision: $base_id$" $(cat path) &&
		test_grep "_add_name.sql$" path
	)
'

test_expect_success 'a second local revision chains onto the local head' '
	(
		cd repo &&
		first=$(revision_id $(cat path)) &&
		cp ../v3.yml models/app.yml &&
		git migrate prepare -m "add phone" >path2 &&
		test_grep "^-- down_revision: $first$" $(cat path2) &&
		git migrate diff
	)
'

test_expect_success '--dry-run prints the SQL and writes nothing' '
	(
		cd repo &&
		sed "s/^      phone: text/&\n      city: text/" models/app.yml >m && mv m models/app.yml &&
		ls migrations/versions >before &&
		git migrate prepare --dry-run >out 2>err &&
		test_grep "ADD COLUMN city" out &&
		test_grep "dry run" err &&
		ls migrations/versions >after &&
		test_cmp before after
	)
'

test_expect_success 'diff exits 1 with the change list, --sql prints SQL' '
	(
		cd repo &&
		test_expect_code 1 git migrate diff >out &&
		test_grep "add column contacts.city" out &&
		test_expect_code 1 git migrate diff --sql >sql &&
		test_grep "ALTER TABLE contacts ADD COLUMN city text;" sql
	)
'

test_expect_success 'local revisions behind production: exit 1, hint rebase' '
	(
		cd repo &&
		git add -A && git commit -q -m "work" &&
		git switch -q production &&
		cp ../v2.yml models/app.yml &&
		git migrate prepare -m "production moved on" >/dev/null &&
		git add -A && git commit -q -m "production moves on" &&
		git switch -q work &&
		test_expect_code 1 git migrate prepare >out 2>err &&
		test_grep "an older revision of .production. whose head is now" err &&
		test_grep "run .git migrate rebase. to re-chain" err
	) &&
	test_no_scratch_left
'

test_expect_success '--production names another ref; an unknown one is exit 2' '
	(
		cd repo &&
		test_expect_code 2 git migrate prepare --production nope >out 2>err &&
		test_grep "nope" err
	)
'

test_expect_success 'the production ref is read as origin/production when no local branch' '
	prepare_case_setup remote v1.yml &&
	(
		cd remote &&
		git update-ref refs/remotes/origin/production production &&
		git branch -q -D production &&
		cp ../v2.yml models/app.yml &&
		git migrate prepare >path &&
		test_path_is_file "$(cat path)"
	)
'

test_expect_success 'works from a subdirectory' '
	(
		cd remote/models &&
		git migrate diff
	)
'

test_done
