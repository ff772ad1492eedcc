#!/bin/sh
test_description='manual pages: they render cleanly, agree with -h, install, and --help shows them'
#
# The pages (doc/git-migrate.1, doc/git-migrate-<command>.1) are written by hand in
# man(7) roff, and the usage arrays of cmd/*.c (what -h prints) by hand too: the choice
# is a test that keeps the two in step rather than a generator, because the pages say
# more than one line per option. For every command this test checks that the options
# of `git migrate <command> -h` and the tags of the page's OPTIONS section name the
# same options, that the two synopses agree word for word, that the page's NAME is the
# command's summary, and that every page renders without a warning.
. ./lib.sh

SRC=$(cd "$TEST_DIR/../.." && pwd)
DOC=$SRC/doc
command -v man >/dev/null 2>&1 || test_skip_all "man is not installed (scripts/deps.sh installs man-db)"
# make is run below from inside `make test`: do not inherit the outer make's jobserver
unset MAKEFLAGS MFLAGS MAKELEVEL MANPATH MANPAGER PAGER MANWIDTH

# The commands, from `git migrate -h` (the command table).
commands=$(git migrate -h | sed -n '/^commands:$/,/^$/s/^    \([a-z][a-z0-9-]*\) .*/\1/p')

# page <command>: the page of a command ("" is the overview).
page() {
	echo "$DOC/git-migrate${1:+-$1}.1"
}

# render <file>: the page as plain text, one line per paragraph.
render() {
	MANWIDTH=1000 man -E UTF-8 -l "$1" 2>/dev/null
}

# usage_synopsis <command>: the lines of -h before the first blank one, joined.
usage_synopsis() {
	git migrate $1 -h | sed -n '1,/^$/p' | sed 's/^usage: //' | tr -s ' \n' '  ' |
		sed 's/^ *//; s/ *$//'
}

# man_synopsis <file>: the rendered SYNOPSIS section, joined.
man_synopsis() {
	render "$1" | sed -n '/^SYNOPSIS$/,/^[A-Z]/p' | sed '1d; $d' | tr -s ' \n' '  ' |
		sed 's/^ *//; s/ *$//'
}

# usage_options <command>: the option names of -h's option lines, sorted.
usage_options() {
	git migrate $1 -h | sed -n 's/^    \(-.*\)/\1/p' | sed 's/  .*//' |
		grep -oE '(^|, )--?[a-zA-Z][a-zA-Z-]*' | sed 's/^, //' | sort
}

# man_options <file>: the option names of the OPTIONS section's .TP tags, sorted.
man_options() {
	sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$1" | awk 'prev == ".TP" { print } { prev = $0 }' |
		sed 's/^\.[BIR]* //; s/\\f[BIRP]//g; s/\\-/-/g' |
		grep -oE '(^|, )--?[a-zA-Z][a-zA-Z-]*' | sed 's/^, //' | sort
}

test_expect_success 'setup: the command list' '
	test -n "$commands" &&
	for c in init prepare diff verify history heads show help; do
		echo "$commands" | grep -qx "$c" || return 1
	done
'

test_expect_success 'every command has a page, the overview lists it, no page is stray' '
	test_path_is_file "$(page)" &&
	for c in $commands; do
		test_path_is_file "$(page $c)" &&
		test_grep "^\.BR git\\\\-migrate\\\\-$c (1)" "$(page)" || return 1
	done &&
	for f in "$DOC"/*.1; do
		c=${f##*/git-migrate}; c=${c%.1}; c=${c#-}
		test -z "$c" || echo "$commands" | grep -qx "$c" ||
		{ echo "stray page: $f" >&2; return 1; }
	done
'

test_expect_success 'every page renders without a warning' '
	for f in "$DOC"/*.1; do
		man --warnings -E UTF-8 -l "$f" >out 2>err &&
		test_must_be_empty err &&
		test -s out || { echo "in $f" >&2; return 1; }
	done
'

# unescaped_dashes <file>...: lines (not comments) with a '-' starting a word, where an
# option's dash must be written '\-' (else it may render as a hyphen, not ASCII minus).
unescaped_dashes() {
	grep -nE '(^|[[:space:]([|"]|\\f[BIRP])-' "$@" | grep -vE '^([^:]+:)?[0-9]+:\.\\"'
}

test_expect_success 'option dashes are written \- (copy-paste gives ASCII minus)' '
	printf "%s\n" ".\\\" a comment -x" ".TP" "\\fB--foo\\fR" "\\fB\\-\\-bar\\fR" >bad.1 &&
	unescaped_dashes bad.1 >found &&
	printf "%s\n" "3:\\fB--foo\\fR" >expect &&
	test_cmp expect found &&
	{ unescaped_dashes "$DOC"/*.1 >found || :; } &&
	test_must_be_empty found
'

test_expect_success 'the NAME of each page is the command summary of -h' '
	git migrate -h | sed -n "/^commands:$/,/^$/s/^    \([a-z][a-z0-9-]*\)  *\(.*\)/git-migrate-\1 - \2/p" >expect &&
	for c in $commands; do
		render "$(page $c)" | sed -n "/^NAME$/{n;s/^ *//;p;}" || return 1
	done >actual &&
	test_cmp expect actual
'

test_expect_success 'the SYNOPSIS of each page is the synopsis of -h' '
	usage_synopsis >expect &&
	man_synopsis "$(page)" >actual &&
	test_cmp expect actual &&
	for c in $commands; do
		usage_synopsis $c >expect &&
		test_grep "^git migrate $c" expect &&
		man_synopsis "$(page $c)" >actual &&
		test_cmp expect actual || return 1
	done
'

test_expect_success 'the OPTIONS of each page are the options of -h' '
	usage_options >expect &&
	test_grep "^--color$" expect &&
	man_options "$(page)" >actual &&
	test_cmp expect actual &&
	for c in $commands; do
		usage_options $c >expect &&
		test_grep "^--help$" expect &&
		man_options "$(page $c)" >actual &&
		test_cmp expect actual || return 1
	done
'

test_expect_success 'a page that drifts from -h is caught' '
	sed "/^\.B \\\\-\\\\-no\\\\-fixtures/s/fixtures/fixture/" "$(page prepare)" >drift.1 &&
	man_options drift.1 >actual &&
	usage_options prepare >expect &&
	test_must_fail test_cmp expect actual 2>diff.out &&
	test_grep "^+--no-fixture$" diff.out
'

test_expect_success 'make install puts the binary, the pages and the completion under PREFIX' '
	inst=$PWD/inst &&
	make -s -C "$SRC" BUILD="$GM_BUILD" -o all install PREFIX="$inst" >make.out 2>&1 ||
	{ cat make.out >&2; return 1; } &&
	test -x inst/bin/git-migrate &&
	for f in "$DOC"/*.1; do
		test_cmp "$f" "inst/share/man/man1/${f##*/}" || return 1
	done &&
	test_cmp "$SRC/contrib/completion/git-migrate.bash" \
		inst/share/bash-completion/completions/git-migrate &&
	(
		PATH=$PWD/inst/bin:$PATH &&
		man -w git-migrate-prepare >where &&
		test_grep "^$PWD/inst/share/man/man1/git-migrate-prepare.1" where
	)
'

test_expect_success 'git migrate --help shows git-migrate(1)' '
	(
		PATH=$PWD/inst/bin:$PATH MANPAGER=cat MANWIDTH=1000 &&
		export PATH MANPAGER MANWIDTH &&
		git migrate --help >out 2>err
	) &&
	test_grep "^ *git-migrate - safe database migrations for teams that ship from a production branch$" out &&
	test_grep "^ *git migrate \[-q | -v\]" out
'

test_expect_success 'git migrate <command> --help shows the command page' '
	(
		PATH=$PWD/inst/bin:$PATH MANPAGER=cat MANWIDTH=1000 &&
		export PATH MANPAGER MANWIDTH &&
		git migrate prepare --help >out 2>err &&
		git-migrate verify --help >out2 2>err2 &&
		git-migrate --help >out3 2>err3
	) &&
	test_grep "^ *git-migrate-prepare - write the next revision, tested on a scratch database$" out &&
	test_must_be_empty err &&
	test_grep "^ *git-migrate-verify - check a revision chain" out2 &&
	test_must_be_empty err2 &&
	test_grep "^ *git-migrate - safe database migrations" out3 &&
	test_must_be_empty err3
'

test_expect_success '-h still prints the usage when the pages are installed' '
	(
		PATH=$PWD/inst/bin:$PATH MANPAGER=cat &&
		export PATH MANPAGER &&
		git migrate prepare -h >out 2>err
	) &&
	test_grep "^usage: git migrate prepare " out &&
	test_must_be_empty err
'

test_expect_success 'no such page: --help prints the usage and says why' '
	mkdir empty-manpath &&
	git migrate prepare -h >expect &&
	MANPATH=$PWD/empty-manpath git migrate prepare --help >out 2>err &&
	test_cmp expect out &&
	test_grep "^warning: no manual page git-migrate-prepare(1) found; showing the usage instead$" err &&
	test_grep "^hint: .make install. installs the manual pages" err &&
	git migrate -h >expect &&
	MANPATH=$PWD/empty-manpath git-migrate --help >out 2>err &&
	test_cmp expect out &&
	test_grep "^warning: no manual page git-migrate(1) found" err
'

test_expect_success 'no man at all: --help prints the usage and says why' '
	mkdir no-man &&
	git migrate history -h >expect &&
	PATH=$PWD/no-man "$GM_BUILD/git-migrate" history --help >out 2>err &&
	test_cmp expect out &&
	test_grep "^warning: cannot run .man. to show the manual page git-migrate-history(1): No such file or directory; showing the usage instead$" err
'

test_done
