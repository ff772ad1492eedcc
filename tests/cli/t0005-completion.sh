#!/bin/sh
test_description='bash completion: commands, options from -h, revision ids, refs; installed where bash-completion finds it'
. ./lib.sh

SRC=$(cd "$TEST_DIR/../.." && pwd)
OURS=$SRC/contrib/completion/git-migrate.bash
GIT_COMPLETION=/usr/share/bash-completion/completions/git
BASH_COMPLETION=/usr/share/bash-completion/bash_completion
command -v bash >/dev/null 2>&1 || test_skip_all "bash is not installed"
test -f "$GIT_COMPLETION" || test_skip_all "git's bash completion is not installed ($GIT_COMPLETION)"
unset MAKEFLAGS MFLAGS MAKELEVEL
export OURS GIT_COMPLETION BASH_COMPLETION

# complete.bash [--loader] <line>: what bash offers for <line> with the cursor at its end,
# one reply a line, sorted, each followed by '|' (a reply ends with a space unless more
# is to be typed). COMP_WORDS is split as bash splits it (at '=' too). Default: git's
# completion and ours are sourced; --loader: bash-completion and git's completion only,
# so that ours must come from bash-completion's loader (XDG_DATA_DIRS).
cat >complete.bash <<-\EOF_SCRIPT
	if test "$1" = --loader; then
		shift
		. "$BASH_COMPLETION"
		. "$GIT_COMPLETION"
	else
		. "$GIT_COMPLETION"
		. "$OURS"
	fi
	line=$1
	read -r -a split <<<"$line"
	COMP_WORDS=()
	for w in "${split[@]}"; do
		while test "$w" != "${w#*=}"; do
			test -z "${w%%=*}" || COMP_WORDS+=("${w%%=*}")
			COMP_WORDS+=("=")
			w=${w#*=}
		done
		test -z "$w" || COMP_WORDS+=("$w")
	done
	case "$line" in *" ") COMP_WORDS+=("") ;; esac
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMPREPLY=()
	fn=$(complete -p git | sed -n "s/.* -F \([^ ]*\) .*/\1/p")
	"$fn"
	for r in "${COMPREPLY[@]}"; do
		printf "%s|\n" "$r"
	done | sort
	if test -n "$SHOW_SOURCE"; then
		shopt -s extdebug
		declare -F _git_migrate >&2
	fi
EOF_SCRIPT

complete_line() {
	bash "$TRASH_DIRECTORY/complete.bash" "$@"
}

# expect_replies <reply>...: the expected replies, in complete.bash's format.
expect_replies() {
	for r in "$@"; do
		printf "%s|\n" "$r"
	done | sort
}

test_expect_success 'setup: a repository with a production revision and a local one' '
	git init -q repo &&
	(
		cd repo &&
		git migrate init >/dev/null 2>&1 &&
		git add -A && git commit -q -m init &&
		git branch production &&
		git migrate prepare -m "create contacts" >/dev/null 2>&1 &&
		git add -A && git commit -q -m "create contacts" &&
		git branch -f production &&
		git tag v1 &&
		echo "      phone: text" >>models/example.yml &&
		git migrate prepare -m "add phone" >/dev/null 2>&1 &&
		git migrate history >../history.out
	) &&
	test_line_count() { test $(wc -l <"$2") -eq "$1"; } &&
	test_line_count 2 history.out
'

test_expect_success 'git migrate <TAB>: the commands of git migrate -h' '
	git migrate -h | sed -n "/^commands:$/,/^$/s/^    \([a-z][a-z0-9-]*\) .*/\1 |/p" |
		sort >expect &&
	complete_line "git migrate " >actual &&
	test_cmp expect actual &&
	test_grep "^prepare |$" actual
'

test_expect_success 'git migrate pr<TAB>: prepare' '
	expect_replies "prepare " >expect &&
	complete_line "git migrate pr" >actual &&
	test_cmp expect actual
'

test_expect_success 'global options and their values before the command are skipped' '
	expect_replies "prepare " >expect &&
	complete_line "git migrate -v --config ci.yml --color=never pr" >actual &&
	test_cmp expect actual &&
	expect_replies "--dry-run " >expect &&
	complete_line "git migrate -q prepare --dr" >actual &&
	test_cmp expect actual
'

test_expect_success 'git migrate --<TAB>: the global options' '
	expect_replies --quiet" " --verbose" " --config= --color= --help" " --version" " >expect &&
	complete_line "git migrate --" >actual &&
	test_cmp expect actual
'

test_expect_success 'git migrate prepare --<TAB>: its long options, a value option ends in =' '
	complete_line "git migrate prepare --" >actual &&
	test_grep "^--message=|$" actual &&
	test_grep "^--production=|$" actual &&
	test_grep "^--dry-run |$" actual &&
	test_grep "^--no-fixtures |$" actual &&
	test_grep "^--help |$" actual &&
	test_grep -v "^-[^-]" actual &&
	expect_replies --production= >expect &&
	complete_line "git migrate prepare --pro" >actual &&
	test_cmp expect actual
'

test_expect_success 'every command: the completed options are the long options of its -h' '
	for c in $(git migrate -h | sed -n "/^commands:$/,/^$/s/^    \([a-z][a-z0-9-]*\) .*/\1/p"); do
		git migrate $c -h | sed -n "s/^    \(-.*\)/\1/p" | sed "s/  .*//" |
			grep -oE -- "--[a-z][a-z-]*" | sort >expect &&
		complete_line "git migrate $c --" | sed "s/[= ]|$//" | sort >actual &&
		test_cmp expect actual || return 1
	done
'

test_expect_success 'git migrate init --from-database <TAB>: the URL kinds' '
	expect_replies "sqlite:///" "postgresql://" >expect &&
	complete_line "git migrate init --from-database " >actual &&
	test_cmp expect actual &&
	expect_replies "postgresql://" >expect &&
	complete_line "git migrate init --from-database=po" >actual &&
	test_cmp expect actual &&
	expect_replies "--from-database=" >expect &&
	complete_line "git migrate init --fr" >actual &&
	test_cmp expect actual
'

test_expect_success 'git migrate show <TAB>: the revision ids of git migrate history' '
	cut -d" " -f1 history.out | sed "s/$/ |/" | sort >expect &&
	(cd repo && complete_line "git migrate show ") >actual &&
	test_cmp expect actual &&
	test $(wc -l <actual) -eq 2
'

test_expect_success 'git migrate show <prefix><TAB>: the one id it starts' '
	id=$(sed -n 1p history.out | cut -d" " -f1) &&
	expect_replies "$id " >expect &&
	(cd repo && complete_line "git migrate show $(echo $id | cut -c1-6)") >actual &&
	test_cmp expect actual
'

test_expect_success 'git migrate show --rev <ref> <TAB>: the ids at that ref' '
	id=$(sed -n 2p history.out | cut -d" " -f1) &&
	expect_replies "$id " >expect &&
	(cd repo && complete_line "git migrate show --rev production ") >actual &&
	test_cmp expect actual &&
	(cd repo && complete_line "git migrate show --rev=v1 ") >actual &&
	test_cmp expect actual
'

test_expect_success 'upgrade, downgrade, stamp <TAB>: revision ids too' '
	cut -d" " -f1 history.out | sed "s/$/ |/" | sort >expect &&
	for c in upgrade downgrade stamp; do
		(cd repo && complete_line "git migrate $c ") >actual &&
		test_cmp expect actual || return 1
	done
'

test_expect_success 'git migrate verify --production <TAB>: git refs' '
	(cd repo && complete_line "git migrate verify --production ") >actual &&
	test_grep "^production |$" actual &&
	test_grep "^main |$" actual &&
	test_grep "^v1 |$" actual &&
	(cd repo && complete_line "git migrate verify --production=pro") >actual &&
	expect_replies "production " >expect &&
	test_cmp expect actual &&
	(cd repo && complete_line "git migrate history --rev ma") >actual &&
	expect_replies "main " >expect &&
	test_cmp expect actual
'

test_expect_success 'option values: --format, --color' '
	expect_replies "text " "json " "github " "junit " >expect &&
	complete_line "git migrate verify --format " >actual &&
	test_cmp expect actual &&
	complete_line "git migrate verify --format=" >actual &&
	test_cmp expect actual &&
	expect_replies "always " >expect &&
	complete_line "git migrate history --color=al" >actual &&
	test_cmp expect actual
'

test_expect_success 'help <TAB>: the commands' '
	expect_replies "verify " >expect &&
	complete_line "git migrate help ve" >actual &&
	test_cmp expect actual
'

test_expect_success 'make install puts the completion where bash-completion looks' '
	make -s -C "$SRC" BUILD="$GM_BUILD" -o all install PREFIX="$PWD/inst" >make.out 2>&1 ||
	{ cat make.out >&2; return 1; } &&
	test_path_is_file inst/share/bash-completion/completions/git-migrate &&
	test_cmp "$OURS" inst/share/bash-completion/completions/git-migrate
'

if test -f "$BASH_COMPLETION"; then
	test_expect_success 'installed: git completion loads it through bash-completion' '
		expect_replies "prepare " >expect &&
		(
			cd repo &&
			PATH=$TRASH_DIRECTORY/inst/bin:$PATH &&
			XDG_DATA_DIRS=$TRASH_DIRECTORY/inst/share &&
			SHOW_SOURCE=1 &&
			export PATH XDG_DATA_DIRS SHOW_SOURCE &&
			complete_line --loader "git migrate pr" >../actual 2>../source
		) &&
		test_cmp expect actual &&
		test_grep "^_git_migrate [0-9]* $TRASH_DIRECTORY/inst/share/bash-completion/completions/git-migrate$" source
	'
else
	test_skip 'installed: git completion loads it through bash-completion' \
		"bash-completion is not installed (scripts/deps.sh installs it)"
fi

test_done
