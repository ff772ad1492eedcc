#!/bin/sh
test_description='global options, help, -h on every command, unknown commands and options'
. ./lib.sh

test_must_be_empty() {
	if test -s "$1"; then echo "'$1' is not empty:" >&2; cat "$1" >&2; return 1; fi
}

commands='init prepare diff verify history heads show help'

test_expect_success 'setup: a repository' '
	git init -q repo
'

test_expect_success '--version prints the version' '
	git migrate --version >out 2>err &&
	test_grep "^git-migrate version [0-9][0-9.]*$" out &&
	test_must_be_empty err
'

test_expect_success '-h and --help print usage and every command on stdout' '
	git migrate -h >out 2>err &&
	test_grep "^usage: git migrate " out &&
	test_must_be_empty err &&
	for c in $commands; do
		test_grep "^    $c " out || return 1
	done &&
	git-migrate --help >out2 &&
	test_cmp out out2
'

test_expect_success 'no command: usage on stderr, exit 2' '
	test_expect_code 2 git migrate >out 2>err &&
	test_must_be_empty out &&
	test_grep "^usage: git migrate " err
'

test_expect_success 'unknown command: exit 2 with a hint' '
	test_expect_code 2 git migrate frobnicate >out 2>err &&
	test_must_be_empty out &&
	test_grep "^error: '\''frobnicate'\'' is not a git-migrate command" err &&
	test_grep "^hint: see '\''git migrate -h'\''" err
'

test_expect_success 'unknown global option: exit 2 with usage on stderr' '
	test_expect_code 2 git migrate --bogus help >out 2>err &&
	test_must_be_empty out &&
	test_grep "^error: unknown option '\''--bogus'\''" err &&
	test_grep "^usage: git migrate " err
'

test_expect_success '--color takes auto, always or never' '
	git migrate --color=never help >/dev/null &&
	git migrate --color=always help >/dev/null &&
	git migrate --color=auto help >/dev/null &&
	test_expect_code 2 git migrate --color=purple help 2>err &&
	test_grep "purple" err
'

test_expect_success '-q and -v are accepted before the command' '
	git migrate -q help >out &&
	test_grep "^usage:" out &&
	git migrate -v help >out &&
	test_grep "^usage:" out
'

test_expect_success 'help lists the commands' '
	git migrate help >out 2>err &&
	test_must_be_empty err &&
	for c in $commands; do
		test_grep "^    $c " out || return 1
	done
'

test_expect_success 'help <command> and <command> -h print the same usage on stdout' '
	(
		cd repo &&
		for c in $commands; do
			git migrate help $c >help.out 2>help.err &&
			test_must_be_empty help.err &&
			head -n 1 help.out >first &&
			test_grep "^usage: git migrate $c" first &&
			git migrate $c -h >h.out 2>h.err &&
			test_must_be_empty h.err &&
			test_cmp help.out h.out &&
			git migrate $c --help >help2.out &&
			test_cmp help.out help2.out || return 1
		done
	)
'

test_expect_success '-h works outside a repository too' '
	mkdir -p nowhere &&
	(
		cd nowhere &&
		GIT_CEILING_DIRECTORIES=$(pwd) && export GIT_CEILING_DIRECTORIES &&
		for c in $commands; do
			git migrate $c -h >out &&
			test_grep "^usage: git migrate $c" out || return 1
		done
	)
'

test_expect_success 'help for an unknown command: exit 2' '
	test_expect_code 2 git migrate help frobnicate 2>err &&
	test_grep "'\''frobnicate'\'' is not a git-migrate command" err
'

test_expect_success 'an unknown option of every command: exit 2, error and usage on stderr' '
	(
		cd repo &&
		for c in $commands; do
			test_expect_code 2 git migrate $c --no-such-option >out 2>err &&
			test_must_be_empty out &&
			test_grep "^error: unknown option '\''--no-such-option'\''" err &&
			test_grep "^usage: git migrate $c" err || return 1
		done
	)
'

test_expect_success 'an unknown short option: exit 2 naming it' '
	(
		cd repo &&
		test_expect_code 2 git migrate history -Z >out 2>err &&
		test_must_be_empty out &&
		test_grep "^error: unknown option '\''-Z'\''" err &&
		test_grep "^usage: git migrate history" err
	)
'

test_expect_success 'a repository command outside a repository: exit 2' '
	(
		cd nowhere &&
		GIT_CEILING_DIRECTORIES=$(pwd) && export GIT_CEILING_DIRECTORIES &&
		test_expect_code 2 git migrate history >out 2>err &&
		test_must_be_empty out &&
		test_grep "^fatal: not a git repository (or any of the parent directories)" err
	)
'

test_done
