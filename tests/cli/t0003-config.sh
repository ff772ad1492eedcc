#!/bin/sh
test_description='.gitmigrate.yml: defaults, keys honoured, errors with file:line:col, --config'
. ./lib.sh

test_expect_success 'setup: production holds one revision' '
	git init -q repo &&
	(
		cd repo &&
		write_revision migrations/versions a00000000001 "" \
			"CREATE TABLE t (id integer);" "DROP TABLE t;" &&
		git add -A && git commit -q -m base &&
		git branch production
	)
'

test_expect_success 'no config file: the defaults apply' '
	(cd repo && git migrate history >../out 2>../err) &&
	test_grep "a00000000001" out &&
	(cd repo && git migrate verify >../out 2>../err)
'

test_expect_success 'an empty config file: the defaults apply' '
	(
		cd repo &&
		: >.gitmigrate.yml &&
		git migrate history >../out &&
		echo "# nothing set" >.gitmigrate.yml &&
		git migrate history >>../out
	) &&
	test $(grep -c a00000000001 out) = 2
'

test_expect_success 'an unknown key: exit 2 with file:line:col and a hint' '
	(
		cd repo &&
		printf "# settings\nmigrations: migrations/versions\nprodution: main\n" >.gitmigrate.yml &&
		test_expect_code 2 git migrate history >../out 2>../err
	) &&
	test_must_be_empty out &&
	test_grep "^fatal: .gitmigrate.yml:3:1: unknown key '\''prodution'\''$" err &&
	test_grep "^hint: did you mean '\''production'\''?$" err
'

test_expect_success 'an unknown key far from any: no hint' '
	(
		cd repo &&
		echo "colour: blue" >.gitmigrate.yml &&
		test_expect_code 2 git migrate verify 2>../err
	) &&
	test_grep "^fatal: .gitmigrate.yml:1:1: unknown key '\''colour'\''$" err &&
	test_grep -v "^hint:" err
'

test_expect_success 'the error names the file from a subdirectory too' '
	mkdir -p repo/src &&
	(
		cd repo/src &&
		test_expect_code 2 git migrate history 2>../../err
	) &&
	test_grep "^fatal: .gitmigrate.yml:1:1: unknown key '\''colour'\''" err
'

test_expect_success 'wrong types: exit 2 with file:line:col' '
	(
		cd repo &&
		echo "production: [a, b]" >.gitmigrate.yml &&
		test_expect_code 2 git migrate history 2>../err1 &&
		printf "models:\n  - {comand: make schema}\n" >.gitmigrate.yml &&
		test_expect_code 2 git migrate history 2>../err2 &&
		echo "fixtures_from: staging" >.gitmigrate.yml &&
		test_expect_code 2 git migrate history 2>../err3 &&
		echo "version_table: 42 rows" >.gitmigrate.yml &&
		test_expect_code 2 git migrate history 2>../err4 &&
		echo "models: []" >.gitmigrate.yml &&
		test_expect_code 2 git migrate history 2>../err5 &&
		printf "database:\n" >.gitmigrate.yml &&
		test_expect_code 2 git migrate history 2>../err6
	) &&
	test_grep "^fatal: .gitmigrate.yml:1:13: '\''production'\'' must be a string, not a list" err1 &&
	test_grep "^fatal: .gitmigrate.yml:2:6: unknown key '\''comand'\''" err2 &&
	test_grep "^hint: did you mean '\''command'\''?" err2 &&
	test_grep "^fatal: .gitmigrate.yml:1:16: '\''fixtures_from'\'' must be '\''production'\'' or '\''worktree'\''" err3 &&
	test_grep "^fatal: .gitmigrate.yml:1:16: '\''version_table'\'' must be a plain identifier" err4 &&
	test_grep "^fatal: .gitmigrate.yml:1:9: '\''models'\'' needs at least one source" err5 &&
	test_grep "^fatal: .gitmigrate.yml:1:.*'\''database'\'' needs a value" err6
'

test_expect_success 'malformed YAML: exit 2 with a location' '
	(
		cd repo &&
		printf "production: main\nmodels: [unclosed\n" >.gitmigrate.yml &&
		test_expect_code 2 git migrate history 2>../err
	) &&
	test_grep "^fatal: .gitmigrate.yml:[0-9]*:[0-9]*: " err
'

test_expect_success 'hostile YAML: 100k nested lists are refused at once, without a crash' '
	(
		cd repo &&
		{
			printf "models: " &&
			printf "%100000s" "" | tr " " "[" &&
			printf "%100000s\n" "" | tr " " "]"
		} >.gitmigrate.yml &&
		test_expect_code 2 git migrate history >../out 2>../err
	) &&
	test_must_be_empty out &&
	test_grep "^fatal: .gitmigrate.yml:1:72: nesting deeper than 64 levels$" err
'

test_expect_success 'hostile YAML: a NUL escape, a second document' '
	(
		cd repo &&
		printf "production: \"main\\\\0evil\"\n" >.gitmigrate.yml &&
		test_expect_code 2 git migrate history 2>../err1 &&
		printf "production: main\n---\nproduction: evil\n" >.gitmigrate.yml &&
		test_expect_code 2 git migrate history 2>../err2 &&
		rm .gitmigrate.yml
	) &&
	test_grep "^fatal: .gitmigrate.yml:1:13: NUL character in a string" err1 &&
	test_grep "^fatal: .gitmigrate.yml:2:1: more than one YAML document" err2
'

test_expect_success 'migrations: the directory is read from there' '
	(
		cd repo &&
		write_revision db/revisions b00000000001 "" "CREATE TABLE u (id integer);" &&
		echo "migrations: db/revisions/" >.gitmigrate.yml &&
		git migrate history >../out 2>../err
	) &&
	test_grep "b00000000001" out &&
	test_grep -v "a00000000001" out
'

test_expect_success 'production: the configured ref is used' '
	(
		cd repo &&
		echo "production: release" >.gitmigrate.yml &&
		test_expect_code 2 git migrate verify >../out 2>../err &&
		test_grep "unknown revision '\''release'\''" ../err &&
		git branch release production &&
		git migrate verify
	)
'

test_expect_success 'production: origin/<name> when there is no local branch' '
	(
		cd repo &&
		git update-ref refs/remotes/origin/release release &&
		git branch -q -D release &&
		git migrate verify
	)
'

test_expect_success '--config reads another file, relative to the current directory' '
	(
		cd repo &&
		rm -f .gitmigrate.yml &&
		echo "migrations: db/revisions" >ci.yml &&
		git migrate --config ci.yml history >../out &&
		test_grep "b00000000001" ../out &&
		cd src &&
		git migrate --config ../ci.yml history >../../out2 &&
		test_grep "b00000000001" ../../out2
	)
'

test_expect_success '--config: errors name that file' '
	(
		cd repo &&
		echo "prodution: x" >ci.yml &&
		test_expect_code 2 git migrate --config ci.yml history 2>../err
	) &&
	test_grep "^fatal: ci.yml:1:1: unknown key '\''prodution'\''" err
'

test_expect_success '--config: a missing file is an error, not the defaults' '
	(
		cd repo &&
		test_expect_code 2 git migrate --config missing.yml history >../out 2>../err
	) &&
	test_must_be_empty out &&
	test_grep "^fatal: cannot read config '\''missing.yml'\''" err
'

test_done
