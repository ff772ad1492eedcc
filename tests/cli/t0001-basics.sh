#!/bin/sh
test_description='global options, help, -h on every command, unknown commands and options'
. ./lib.sh

commands='init prepare diff verify history heads show help'

test_expect_success 'setup: a repository' '
	git init -q repo
'

test_expect_success '--version prints the version' '
	git migrate --version >out 2>err &&
	test_grep "^git-migrate version [0-9][0-9.]*$" out &&
	test_must_be_empty err
'

# --help shows the manual page (t0004); with none to be found it prints the usage.
mkdir -p "$TRASH_DIRECTORY/no-pages"

test_expect_success '-h and --help print usage and every command on stdout' '
	git migrate -h >out 2>err &&
	test_grep "^usage: git migrate " out &&
	test_must_be_empty err &&
	for c in $commands; do
		test_grep "^    $c " out || return 1
	done &&
	MANPATH=$TRASH_DIRECTORY/no-pages git-migrate --help >out2 2>err2 &&
	test_cmp out out2 &&
	test_grep "^warning: no manual page git-migrate(1) found" err2
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

test_expect_success 'bad global options are named as typed: exit 2 with usage' '
	test_expect_code 2 git migrate --verbose=1 help >out 2>err &&
	test_must_be_empty out &&
	test_grep "^error: option '\''--verbose'\'' takes no value$" err &&
	test_grep "^usage: git migrate " err &&
	test_expect_code 2 git migrate -qZ help 2>err &&
	test_grep "^error: unknown option '\''-Z'\''$" err &&
	test_expect_code 2 git migrate --config 2>err &&
	test_grep "^error: option '\''--config'\'' needs a value$" err &&
	test_expect_code 2 git migrate --ver 2>err &&
	test_grep "^error: option '\''--ver'\'' is ambiguous (could be --verbose, --version)$" err
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
			MANPATH=$TRASH_DIRECTORY/no-pages git migrate $c --help >help2.out &&
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

test_expect_success 'an option given a value it does not take: named as typed, exit 2' '
	(
		cd repo &&
		test_expect_code 2 git migrate prepare --dry-run=yes >out 2>err &&
		test_must_be_empty out &&
		test_grep "^error: option '\''--dry-run'\'' takes no value$" err &&
		test_grep "^usage: git migrate prepare" err &&
		test_expect_code 2 git migrate prepare --dry=yes 2>err &&
		test_grep "^error: option '\''--dry-run'\'' takes no value$" err &&
		test_expect_code 2 git migrate history --graph=1 2>err &&
		test_grep "^error: option '\''--graph'\'' takes no value$" err &&
		test_expect_code 2 git migrate diff --verbose=2 2>err &&
		test_grep "^error: option '\''--verbose'\'' takes no value$" err &&
		test_grep "^usage: git migrate diff" err
	)
'

test_expect_success 'an option without its value: named as typed, exit 2' '
	(
		cd repo &&
		test_expect_code 2 git migrate prepare -m >out 2>err &&
		test_must_be_empty out &&
		test_grep "^error: option '\''-m'\'' needs a value$" err &&
		test_grep "^usage: git migrate prepare" err &&
		test_expect_code 2 git migrate prepare -nm 2>err &&
		test_grep "^error: option '\''-m'\'' needs a value$" err &&
		test_expect_code 2 git migrate prepare --message 2>err &&
		test_grep "^error: option '\''--message'\'' needs a value$" err &&
		test_expect_code 2 git migrate verify --prod 2>err &&
		test_grep "^error: option '\''--production'\'' needs a value$" err &&
		test_expect_code 2 git migrate history --config 2>err &&
		test_grep "^error: option '\''--config'\'' needs a value$" err
	)
'

test_expect_success 'unknown and ambiguous options: named as typed, exit 2' '
	(
		cd repo &&
		test_expect_code 2 git migrate prepare --foo=bar >out 2>err &&
		test_must_be_empty out &&
		test_grep "^error: unknown option '\''--foo'\''$" err &&
		test_expect_code 2 git migrate prepare -nZ 2>err &&
		test_grep "^error: unknown option '\''-Z'\''$" err &&
		test_expect_code 2 git migrate prepare --dry-run -Zn 2>err &&
		test_grep "^error: unknown option '\''-Z'\''$" err &&
		test_expect_code 2 git migrate verify --re 2>err &&
		test_grep "^error: option '\''--re'\'' is ambiguous (could be --rev, --replay)$" err &&
		test_grep "^usage: git migrate verify" err
	)
'

test_expect_success 'global options among a command'"'"'s options: -q, -v, --config, --color' '
	git init -q global &&
	(
		cd global &&
		git migrate init >/dev/null 2>&1 &&
		git add -A && git commit -q -m init && git branch production &&
		test_expect_code 1 git migrate diff >out 2>err &&
		test_grep -v "^timing:" err &&
		test_expect_code 1 git migrate diff -v >out 2>err &&
		test_grep "^timing: .*replay" err &&
		git migrate prepare --verbose -m "create contacts" >out 2>err &&
		test_grep "^timing: " err &&
		git migrate diff >out 2>err &&
		test_grep "^no changes$" err &&
		git migrate diff -q >out 2>err &&
		test_must_be_empty err &&
		git migrate history --quiet --color=always >out &&
		test_grep "$(printf "\033")\[33m" out &&
		git migrate history --color=never >out &&
		test_grep "create contacts" out &&
		test_grep -v "$(printf "\033")" out &&
		test_expect_code 2 git migrate history --color=purple >out 2>err &&
		test_must_be_empty out &&
		test_grep "^error: --color takes auto, always or never, not '\''purple'\''$" err &&
		test_grep "^usage: git migrate history" err &&
		test_expect_code 2 git migrate history --config missing.yml >out 2>err &&
		test_must_be_empty out &&
		test_grep "^fatal: .*missing.yml" err &&
		echo "migrations: elsewhere" >other.yml &&
		git migrate history --config=other.yml >out 2>err &&
		test_must_be_empty out &&
		test_grep "no revisions in '\''elsewhere'\''" err
	)
'

test_expect_success 'a write error on stdout: fatal, exit 2 (every command, checked at exit)' '
	test_expect_code 2 git migrate help >/dev/full 2>err &&
	test_grep "^fatal: cannot write to standard output: No space left on device$" err &&
	test_expect_code 2 git migrate -h >/dev/full 2>err &&
	test_grep "^fatal: cannot write to standard output: No space left on device$" err &&
	test_expect_code 2 git migrate --version >/dev/full 2>err &&
	test_grep "^fatal: cannot write to standard output" err &&
	(
		cd global &&
		test_expect_code 2 git migrate history >/dev/full 2>err &&
		test_grep "^fatal: cannot write to standard output: No space left on device$" err &&
		test_expect_code 2 git migrate show "$(git migrate history | cut -d" " -f1)" >/dev/full 2>err &&
		test_grep "^fatal: cannot write to standard output: No space left on device$" err
	)
'

test_expect_success 'stdout closed, nothing written: no error' '
	(cd global && git-migrate diff >&- 2>../err) &&
	test_grep "^no changes$" err &&
	test_grep -v "^fatal" err
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
